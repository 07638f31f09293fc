#!/usr/bin/env python3
"""Join Sigma rule files into one multi-document YAML for embedding.

Usage: cat_rules.py OUT.yml FILE.yml...  Files are joined in name order,
each starting a new document ("---"), with a comment naming the file it
came from, so `detect run --rules builtin:linux` carries the shipped rules
inside the binary.
"""
import os
import sys


def main():
    out = sys.argv[1]
    parts = []
    for path in sorted(sys.argv[2:], key=os.path.basename):
        text = open(path, encoding='utf-8').read()
        lines = text.splitlines()
        while lines and lines[0].strip() in ('', '---'):
            lines.pop(0)
        parts.append('# from data/rules/linux/%s\n%s\n' %
                     (os.path.basename(path), '\n'.join(lines)))
    with open(out, 'w', encoding='utf-8') as f:
        f.write('---\n'.join(parts))


main()
