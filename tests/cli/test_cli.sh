# test_cli: the command line's promises: --help on every verb, usage errors
# exit 64, a missing database exits 66, --json listings parse, and the man
# pages in docs/man match what the binary generates.
. "$FL_TOP/tests/cli/lib.sh"

groups="audit entity person asset catalog control risk vuln incident detect notify"
check_exit "no arguments is a usage error" 64 fl
check_exit "--help exits 0" 0 fl --help
check_exit "unknown command exits 64" 64 fl frobnicate
check_exit "unknown verb exits 64" 64 fl risk frobnicate
check_grep "unknown verb names it" "unknown verb 'frobnicate'" err.txt
check_exit "unknown option exits 64" 64 fl audit log --frobnicate
check_exit "missing option value exits 64" 64 fl audit log --limit
check_exit "missing database exits 66" 66 fl --db "$PWD/nope.db" audit log
check_grep "missing database says init" "firstline init" err.txt

nverbs=0 bad=""
for g in $groups; do
	for v in $(fl "$g" --help | awk '/^verbs:/{f=1;next} f&&/^  [a-z]/{print $1}'); do
		nverbs=$((nverbs + 1))
		if ! fl "$g" "$v" --help >help.txt 2>&1 || ! grep -q '^usage: firstline' help.txt; then
			bad="$bad $g/$v"
		fi
	done
done
check "every verb answers --help ($nverbs verbs)" "" "$bad"

check_exit "init creates the database" 0 fl init
check_exit "init again is harmless" 0 fl init
python3 - "$FIRSTLINE" <<'PY' >json.txt 2>&1
import json, subprocess, sys
fl = sys.argv[1]
bad = []
groups = "audit entity person asset catalog control risk vuln incident detect notify".split()
for g in groups:
    h = subprocess.run([fl, g, "--help"], capture_output=True, text=True).stdout
    verbs = []
    f = False
    for line in h.splitlines():
        if line.startswith("verbs:"):
            f = True
            continue
        if f and line.startswith("  ") and line[2:3].isalpha():
            verbs.append(line.split()[0])
    for v in verbs:
        vh = subprocess.run([fl, g, v, "--help"], capture_output=True, text=True).stdout
        if "--json" not in vh or "[OPTIONS] " in vh.split("\n")[0] and "ID" in vh.split("\n")[0]:
            continue
        r = subprocess.run([fl, g, v, "--json"], capture_output=True, text=True)
        if r.returncode != 0:
            continue  # needs arguments
        try:
            json.loads(r.stdout)
        except Exception as e:
            bad.append(f"{g} {v}: {e}")
print("BAD" if bad else "GOOD", *bad)
PY
check "every argument-less --json listing prints valid JSON" "GOOD" "$(cat json.txt)"

if [ -d "$FL_TOP/docs/man" ]; then
	drift=""
	for m in "$FL_TOP"/docs/man/firstline-*.1; do
		[ -f "$m" ] || continue
		g=$(basename "$m" .1); g=${g#firstline-}
		fl man --group "$g" | cmp -s - "$m" || drift="$drift $g"
	done
	check "man pages match the binary (make man)" "" "$drift"
fi
done_testing
