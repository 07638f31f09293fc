#!/bin/sh
# bench/detect_linux.sh: the shipped Linux rules (data/rules/linux) over a
# generated auth.log of about 1 GB with attacks injected at known times, next
# to a 20-literal search over the same file (the speed of merely reading
# it), with a check that every injected attack was found and nothing else.
# Run by hand, not by make check; durations are printed, never asserted.
#
#   sh bench/detect_linux.sh
#
# Environment:
#   SIZE         size of the log (default 1G; K, M, G are powers of 1000)
#   DAYS         days the log covers (default 7)
#   ATTACKS      attacks of each kind (default 10)
#   SEED         the generator's seed (default 1)
#   BENCH_DIR    where the log and its manifest go (default /tmp/bench);
#                kept, and reused when present with the same parameters
#   BENCH_BUILD  the optimised build tree (default build-bench)
#   FIRSTLINE    the binary to measure (default BENCH_BUILD/firstline)
#   DETECT_ARGS  more arguments for detect run (--threads 2...)
#
# Reference figures, measured on this machine class (2 cores) for 1 GB of
# auth log: rg with 20 literals 1.7 s, lnav's SQL window query 22 s, SEC
# with one brute-force rule 53 s, fail2ban-regex 260 s.  Target: all the
# Linux rules in at most 2 s per GB, with every injected attack found.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bd=${BENCH_BUILD:-$top/build-bench}
size=${SIZE:-1G}
days=${DAYS:-7}
attacks=${ATTACKS:-10}
seed=${SEED:-1}
dir=${BENCH_DIR:-/tmp/bench}
rules=$top/data/rules/linux

[ -f "$bd/build.ninja" ] || meson setup "$bd" -Dbuildtype=release -Db_ndebug=true >/dev/null
ninja -C "$bd" gen_authlog firstline >/dev/null
fl=${FIRSTLINE:-$bd/firstline}
mkdir -p "$dir"
name=auth-$size-d$days-a$attacks-s$seed
log=$dir/$name.log
manifest=$dir/$name.manifest.jsonl

echo "== machine: $(nproc) cores, $(uname -m), load average$(uptime | sed 's/.*load average//')"
if [ -s "$log" ] && [ -s "$manifest" ]; then
	echo "== generate: $log kept from an earlier run"
else
	echo "== generate: $log"
	"$bd/gen_authlog" -s "$seed" -d "$days" -a "$attacks" -m "$manifest" \
		-o "$log" "$size"
fi
bytes=$(stat -c %s "$log")
echo "   $bytes bytes, $(wc -l <"$manifest") attacks injected ($manifest)"
cat "$log" >/dev/null # from the page cache from now on

# timed OUT CMD...: run CMD with stdout to OUT; sets secs and rss (KiB, or
# "?" without GNU time)
timed() {
	o=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >"$o"
		secs=$(cut -d' ' -f1 "$dir/time.txt")
		rss=$(cut -d' ' -f2 "$dir/time.txt")
	else
		t0=$(date +%s.%N)
		"$@" >"$o"
		t1=$(date +%s.%N)
		secs=$(echo "$t1 - $t0" | bc)
		rss="?"
	fi
}

# report WHAT: one line of figures from secs and rss
report() {
	awk -v w="$1" -v s="$secs" -v b="$bytes" -v r="$rss" 'BEGIN {
		gb = b / 1e9
		printf "   %-44s %7.2f s  %5.2f GB/s  %6.2f s/GB  peak RSS %s MB\n",
		    w, s, (s > 0 ? gb / s : 0), s / gb, (r == "?" ? "?" : int(r / 1024))
	}'
}

# Twenty literals a grep-based watcher would look for in auth.log, one
# per line: -f makes them one alternation, for rg as for grep.
cat >"$dir/literals.txt" <<'EOF'
Failed password for
Accepted password for
Accepted publickey for
incorrect password attempt
new user: name=
to group 'sudo'
added by root to group
Invalid user
authentication failure
session opened for user
Disconnected from
Connection closed by
Received disconnect from
maximum authentication attempts
POSSIBLE BREAK-IN ATTEMPT
Did not receive identification string
check pass; user unknown
NOT in sudoers
FAILED su for
password changed for
EOF
echo "== reference: $(wc -l <"$dir/literals.txt") literals"
if command -v rg >/dev/null 2>&1; then
	timed "$dir/rg.out" rg -c -F -f "$dir/literals.txt" "$log" || true
	report "rg -c -F -f (20 literals): $(cat "$dir/rg.out") lines"
else
	timed "$dir/rg.out" grep -c -F -f "$dir/literals.txt" "$log" || true
	report "grep -c -F -f (20 literals; no rg): $(cat "$dir/rg.out") lines"
fi

echo "== firstline detect run --rules data/rules/linux"
if ! "$fl" detect run --help >/dev/null 2>&1; then
	echo "   detect run is not available in $fl yet: only the generator"
	echo "   and the reference were run"
else
	# shellcheck disable=SC2086 # DETECT_ARGS is split on purpose
	timed "$dir/alerts.jsonl" "$fl" detect run --rules "$rules" --cache "$dir/hs-cache" \
		--format jsonl ${DETECT_ARGS:-} "$log" || echo "   detect run exited $?"
	report "detect run ($(wc -l <"$dir/alerts.jsonl") alerts)"
	echo "== every injected attack found?"
	python3 "$top/bench/detect_linux_check.py" "$manifest" "$dir/alerts.jsonl" ||
		echo "   NOT all found, or false positives: see above"
fi
echo "== reference figures on this machine class, per GB: rg 20 literals 1.7 s," \
	"lnav 22 s, SEC 53 s, fail2ban-regex 260 s; target: at most 2 s"
