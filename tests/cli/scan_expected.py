#!/usr/bin/env python3
"""Check `firstline vuln parse --json` against corpus/scans/EXPECTED.tsv.

EXPECTED.tsv holds what DefectDojo's own unit tests assert about each
sample report.  Each row becomes one TAP test: the finding count and every
assertion of the row.  An assertion listed in docs/scan-deviations.md
(a table row "| file | assertion | reason |") is where we are sure the
better answer differs; it is reported as skipped with its reason, and the
table is kept honest: a listed assertion that actually holds is a failure.

usage: scan_expected.py FIRSTLINE CORPUS_SCANS DEVIATIONS_MD [FILTER]
"""
import json
import re
import subprocess
import sys

FL, SCANS, DEVFILE = sys.argv[1], sys.argv[2], sys.argv[3]
FILTER = sys.argv[4] if len(sys.argv) > 4 else ""


def load_deviations(path):
    dev = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) < 3 or not line.startswith("|"):
                    continue
                f, a = cells[0].strip("`"), cells[1].strip("`")
                if f in ("file", "") or set(f) <= set("-: "):
                    continue
                dev[(f, a)] = cells[2]
    except FileNotFoundError:
        pass
    return dev


def loc_str(loc):
    s = ""
    if loc.get("protocol"):
        s += loc["protocol"] + "://"
    s += loc.get("host") or ""
    if loc.get("port"):
        s += ":%d" % loc["port"]
    if loc.get("path"):
        p = loc["path"]
        s += p if p.startswith("/") else "/" + p
    return s


BOOL_FIELDS = {
    "active": lambda f: f["status"] == "open",
    "is_mitigated": lambda f: f["status"] == "fixed",
    "false_p": lambda f: f["status"] == "false_positive",
    "verified": lambda f: False,
    "static_finding": lambda f: bool(f.get("file_path")) and not f["locations"],
}


def field_value(f, path):
    """The value of a finding field path such as loc[0].host or vuln_ids[1]."""
    m = re.fullmatch(r"loc\[(-?\d+)\]\.(\w+)(\(ci\))?", path)
    if m:
        k, name = int(m.group(1)), m.group(2)
        locs = f["locations"]
        if not -len(locs) <= k < len(locs):
            return ("missing", "no location %d (have %d)" % (k, len(locs)))
        loc = locs[k]
        if name == "str":
            return loc_str(loc)
        return loc.get(name)
    if path == "loc.len":
        return len(f["locations"])
    m = re.fullmatch(r"(vuln_ids|cwes)\[(\d+)\]", path)
    if m:
        lst = f[m.group(1)]
        k = int(m.group(2))
        return lst[k] if k < len(lst) else ("missing", "no element %d" % k)
    m = re.fullmatch(r"(vuln_ids|cwes)\.len", path)
    if m:
        return len(f[m.group(1)])
    if path in ("vuln_ids", "cwes"):
        return ",".join(str(x) for x in f[path])
    if path in BOOL_FIELDS:
        return BOOL_FIELDS[path](f)
    if path in f:
        return f[path]
    return ("unsupported", "field %s is not part of our finding model" % path)


def norm_expected(v):
    return v


def compare(actual, expected, ci=False):
    if isinstance(actual, tuple):
        return False, actual[1]
    contains = False
    if expected.startswith("~="):
        contains, expected = True, expected[2:]
    if expected == "(none)":
        return actual is None, "got %r" % (actual,)
    if expected == "(empty)":
        return actual in (None, ""), "got %r" % (actual,)
    if isinstance(actual, bool):
        return str(actual) == expected, "got %s" % actual
    if actual is None:
        return False, "got null"
    if isinstance(actual, float) or (isinstance(actual, int) and re.fullmatch(r"-?\d+\.\d+", expected)):
        try:
            return abs(float(actual) - float(expected)) < 1e-6, "got %r" % actual
        except ValueError:
            return False, "got %r" % actual
    a = str(actual)
    if ci:
        a, expected = a.lower(), expected.lower()
    if contains:
        return expected in a, "%r not in %.200r" % (expected, a)
    return a == expected, "got %.200r" % a


def select(findings, sel):
    """Findings addressed by a selector: [i], [-1], [*], [first k:v], ..."""
    if sel == "*":
        return findings, None
    if re.fullmatch(r"-?\d+", sel):
        i = int(sel)
        if not -len(findings) <= i < len(findings):
            return None, "no finding %s (have %d)" % (sel, len(findings))
        return [findings[i]], None
    m = re.fullmatch(r"(first|every) (\w+):(.*)", sel)
    if m:
        hit = [f for f in findings if str(f.get(m.group(2))) == m.group(3)]
        if not hit:
            return None, "no finding with %s=%s" % (m.group(2), m.group(3))
        return (hit[:1] if m.group(1) == "first" else hit), None
    m = re.fullmatch(r"host:(.*);title:(.*)", sel)
    if m:
        hit = [f for f in findings if f.get("title") == m.group(2) and
               any(l.get("host") == m.group(1) for l in f["locations"])]
        if not hit:
            return None, "no finding for host %s and that title" % m.group(1)
        return hit, None
    m = re.fullmatch(r"title(!?):(.*)", sel)
    if m:
        neg = m.group(1) == "!"
        hit = [f for f in findings if (f.get("title") == m.group(2)) != neg]
        if not hit:
            return None, "no finding selected by " + sel
        return hit, None
    return None, "selector [%s] not understood" % sel


def check(findings, key, value):
    m = re.fullmatch(r"\[([^\]]*)\]\.(.+)", key)
    if m:
        sel, path = m.group(1), m.group(2)
        fs, err = select(findings, sel)
        if err:
            return False, err
        ci = path.endswith("(ci)")
        for f in fs:
            ok, why = compare(field_value(f, path), value, ci)
            if not ok:
                return False, why
        return True, ""
    if re.fullmatch(r"severity_counts\(.*\)", key):
        # histogram over all findings; the (setting) names a DefectDojo
        # configuration: where we follow another one, list a deviation
        got = {}
        for f in findings:
            got[f["severity"]] = got.get(f["severity"], 0) + 1
        want = {}
        for part in value.split(","):
            sev, _, cnt = part.partition(":")
            want[sev.strip()] = int(cnt) if cnt.strip().isdigit() else -1
        order = ["Info", "Low", "Medium", "High", "Critical"]
        shown = ",".join("%s:%d" % (s, got[s]) for s in order if s in got)
        return got == want, "got " + shown
    if key == "locations.total":
        n = sum(len(f["locations"]) for f in findings)
        return str(n) == value, "got %d" % n
    return False, "assertion kind not supported"


def run_parse(path):
    p = subprocess.run([FL, "vuln", "parse", path, "--json"],
                       capture_output=True, timeout=300)
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip())
    try:
        return json.loads(p.stdout), None
    except ValueError as e:
        return None, "output is not JSON: %s" % e


def main():
    dev = load_deviations(DEVFILE)
    used = set()
    n = fails = 0
    with open(SCANS + "/EXPECTED.tsv", encoding="utf-8") as fh:
        rows = [l.rstrip("\n").split("\t") for l in fh][1:]
    for row in rows:
        if len(row) < 3:
            continue
        fmt, file, count = row[0], row[1], row[2]
        if FILTER and FILTER not in fmt and FILTER not in file:
            continue
        n += 1
        doc, err = run_parse(SCANS + "/" + file)
        problems, skipped = [], []
        if err:
            problems.append(err)
        else:
            findings = doc["findings"]
            if count != "-":
                k = (file, "findings")
                if k in dev:
                    used.add(k)
                    skipped.append("count: " + dev[k])
                    if str(len(findings)) == count:
                        problems.append("deviation listed for the count but it holds")
                elif len(findings) != int(count):
                    problems.append("findings: expected %s, got %d" % (count, len(findings)))
            for cell in row[3:]:
                if cell.startswith("@") or "=" not in cell:
                    continue
                # split at the first '=' that is not part of '~=' or inside [...]
                depth = 0
                for i, ch in enumerate(cell):
                    if ch == "[":
                        depth += 1
                    elif ch == "]":
                        depth -= 1
                    elif ch == "=" and depth == 0:
                        break
                key, value = cell[:i], cell[i + 1:]
                if key.endswith("~"):
                    key, value = key[:-1], "~=" + value
                ok, why = check(findings, key, value)
                dk = (file, cell)
                if dk in dev:
                    used.add(dk)
                    skipped.append("%s: %s" % (cell, dev[dk]))
                    if ok:
                        problems.append("deviation listed but it holds: " + cell)
                    continue
                if not ok:
                    problems.append("%s: %s" % (cell, why))
        if problems:
            fails += 1
            print("not ok %d - %s" % (n, file))
            for p in problems:
                print("#   " + p)
        else:
            print("ok %d - %s%s" % (n, file, " (%d deviations)" % len(skipped) if skipped else ""))
    for k in sorted(set(dev) - used):
        if FILTER and FILTER not in k[0]:
            continue
        n += 1
        fails += 1
        print("not ok %d - deviation for an assertion EXPECTED.tsv does not make: %s %s" % (n, k[0], k[1]))
    print("1..%d" % n)
    return 1 if fails else 0


sys.exit(main())
