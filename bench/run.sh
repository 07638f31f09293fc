#!/bin/sh
# bench/run.sh: build an optimised firstline and print the figures of its
# hot paths next to a reference on the same input.  Not part of make check:
# durations are never asserted.
#   sh bench/run.sh [CORPUS_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus}
bd=$top/build-bench
[ -f "$bd/build.ninja" ] || meson setup "$bd" -Dbuildtype=release -Db_ndebug=true >/dev/null
ninja -C "$bd" firstline bench_parsers >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat800="$corpus/catalogs/nist-sp800-53r5/NIST_SP-800-53_rev5_catalog.json"
csf="$corpus/catalogs/nist-csf-2.0/NIST_CSF_v2.0_catalog.xml"
high="$corpus/catalogs/nist-sp800-53r5/baselines/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json"
eramba="$corpus/catalogs/eramba-grc-templates/internal_controls.csv"

echo "== machine: $(nproc) cores, $(uname -m), $(cc --version | head -1)"
echo "== parsers (bytes -> records, no database)"
for f in "$cat800" "$high" "$csf"; do
	[ -f "$f" ] && "$bd/bench_parsers" oscal "$f" 5
done
# a large CSV: the eramba catalogue repeated to ~50 MB
if [ -f "$eramba" ]; then
	head -1 "$eramba" >"$tmp/big.csv"
	i=0
	while [ "$(stat -c %s "$tmp/big.csv")" -lt 50000000 ]; do
		tail -n +2 "$eramba" >>"$tmp/big.csv"; i=$((i + 1))
	done
	"$bd/bench_parsers" csv "$tmp/big.csv" 3
fi
echo "== reference: Python 3 standard library on the same bytes (parse only)"
python3 - "$cat800" "$tmp/big.csv" <<'PY'
import csv, json, sys, time, os
def best(fn, n):
    b = 1e9
    for _ in range(n):
        t = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t)
    return b
p = sys.argv[1]
if os.path.exists(p):
    data = open(p, 'rb').read()
    t = best(lambda: json.loads(data), 5)
    print(f"python json.loads {os.path.basename(p):40s} {len(data)/1e6:8.2f} MB  best of 5: {t*1e3:8.1f} ms  {len(data)/1e6/t:7.1f} MB/s")
p = sys.argv[2]
if os.path.exists(p):
    size = os.path.getsize(p)
    def rd():
        with open(p, newline='', encoding='utf-8') as f:
            for _ in csv.reader(f): pass
    t = best(rd, 3)
    print(f"python csv.reader {os.path.basename(p):40s} {size/1e6:8.2f} MB  best of 3: {t*1e3:8.1f} ms  {size/1e6/t:7.1f} MB/s")
PY
echo "== end to end: firstline catalog import (parse + store, one transaction)"
python3 - "$bd/firstline" "$tmp" "$cat800" "$csf" <<'PY'
import os, subprocess, sys, time
fl, tmp, files = sys.argv[1], sys.argv[2], sys.argv[3:]
db = os.path.join(tmp, "t.db")
def run(*args):
    t = time.perf_counter()
    subprocess.run([fl, "--db", db, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t
for f in files:
    if not os.path.exists(f):
        continue
    best = 1e9
    for _ in range(3):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        run("init")
        best = min(best, run("catalog", "import", f))
    again = run("catalog", "import", f)
    print(f"catalog import {os.path.basename(f):48s} best of 3: {best*1e3:8.1f} ms")
    print(f"catalog re-import (unchanged) {os.path.basename(f):33s} {again*1e3:8.1f} ms")
PY
echo "== audit chain"
"$bd/bench_parsers" audit 100000 "$tmp/audit.db"
