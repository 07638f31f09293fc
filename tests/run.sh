#!/bin/sh
# run.sh BUILD_DIR: run every test (unit tests, fuzz corpus replays,
# end-to-end CLI tests), each speaking TAP, and print the totals.  The last
# line is "N passed, N failed" (", N skipped" when some were).
# FL_ONLY=REGEX runs only the tests whose name (test_vuln, replay_fuzz_x,
# test_scan_web...) matches it, for a quick loop while developing.
set -u
build=$1
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
logdir=$build/test-logs
mkdir -p "$logdir"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export CMOCKA_MESSAGE_OUTPUT=TAP
export FIRSTLINE=$build/firstline
export FL_TOP=$top
export FL_CORPUS=${FL_CORPUS:-$top/../shared/corpus}
pass=0 fail=0 skip=0
only=${FL_ONLY:-}
# wanted NAME: whether FL_ONLY (if set) selects the test
wanted() {
	[ -z "$only" ] || printf '%s\n' "$1" | grep -Eq -- "$only"
}

count() { # name logfile exitcode
	# cmocka 1.1's skip() prints "not ok N - name # SKIP": a skip, not a failure
	p=$(grep '^ok ' "$2" | grep -vc '# SKIP' | tr -d ' ')
	s=$(grep -E '^(not )?ok ' "$2" | grep -c '# SKIP' | tr -d ' ')
	f=$(grep '^not ok' "$2" | grep -vc '# SKIP' | tr -d ' ')
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 exited with status $3" >>"$2"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ "$f" -gt 0 ]; then
		echo "FAIL $1 ($p passed, $f failed)"
		grep -B2 -A12 '^not ok' "$2" | grep -v '# SKIP' | head -60
	else
		if [ "$s" -gt 0 ]; then echo "ok   $1 ($p passed, $s skipped)"
		else echo "ok   $1 ($p passed)"; fi
	fi
}

for t in "$build"/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	n=$(basename "$t")
	wanted "$n" || continue
	"$t" >"$logdir/$n.log" 2>&1
	count "unit/$n" "$logdir/$n.log" $?
done

for r in "$build"/replay_*; do
	[ -f "$r" ] && [ -x "$r" ] || continue
	n=$(basename "$r")
	wanted "$n" || continue
	f=${n#replay_}
	"$r" "$top/tests/fuzz/corpus/$f" >"$logdir/$n.log" 2>&1
	count "fuzz/$n" "$logdir/$n.log" $?
done

for s in "$top"/tests/cli/test_*.sh; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .sh)
	wanted "$n" || continue
	tmp=$(mktemp -d)
	(cd "$tmp" && sh "$s") >"$logdir/$n.log" 2>&1
	count "cli/$n" "$logdir/$n.log" $?
	rm -rf "$tmp"
done

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
