#!/bin/sh
# bench/import.sh: how fast `firstline vuln import` reads a large Tenable
# .nessus report, and with how much memory, next to expat's own checker
# (xmlwf) merely parsing the same bytes.  Run by hand, not by make check.
#
#   sh bench/import.sh                 100 MB (5,000 hosts) and 1 GB (50,000)
#   HOSTS="500 5000" sh bench/import.sh
#
# Environment:
#   HOSTS        host counts to generate (default "5000 50000"); about
#                23 KB of report per host (20 ReportItems)
#   BENCH_DIR    where the reports and databases go; they are kept there
#                and reused (the generator is deterministic).  Default: a
#                temporary directory, removed at the end
#   BENCH_BUILD  the optimised build tree (default build-bench)
#   BENCH_CMD    the measured firstline verb (default "vuln import"); for
#                a dry run of the plumbing: BENCH_CMD="vuln parse --raw --json"
#   RUNS         best of how many runs of each command (default 3: on a
#                shared virtual machine single runs vary by a third)
#
# Target (issue 3): import at least half as fast as xmlwf parses, and a
# peak RSS under 64 MB whatever the size.  Exit status 1 when a row misses
# it, 0 when all meet it.  Both commands read the file from the page cache
# (it is read once before the first measurement), so disk speed is out of
# the comparison.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bd=${BENCH_BUILD:-$top/build-bench}
hosts=${HOSTS:-5000 50000}
cmd=${BENCH_CMD:-vuln import}
runs=${RUNS:-3}

sh "$top/scripts/deps.sh" bench
for p in xmlwf /usr/bin/time; do
	command -v "$p" >/dev/null 2>&1 || { echo "bench/import.sh: $p missing" >&2; exit 1; }
done
[ -f "$bd/build.ninja" ] || meson setup "$bd" -Dbuildtype=release -Db_ndebug=true >/dev/null
ninja -C "$bd" firstline gen_nessus >/dev/null
fl=$bd/firstline

if [ -n "${BENCH_DIR:-}" ]; then
	dir=$BENCH_DIR
	mkdir -p "$dir"
else
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 130' INT TERM
fi
tf=$dir/time.out

# measure LABEL CMD...: best wall seconds and peak RSS (KB) over $runs runs,
# into $secs and $rss; the command's stdout is discarded, its stderr kept
# in $dir/LABEL.err, and a failure stops the script.
measure() {
	label=$1
	shift
	secs='' rss=''
	i=0
	while [ "$i" -lt "$runs" ]; do
		if [ "$label" = import ]; then
			rm -f "$db" "$db-wal" "$db-shm"
			"$fl" --db "$db" init >/dev/null
		fi
		if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$dir/$label.out" 2>"$dir/$label.err"; then
			echo "bench/import.sh: $label failed:" >&2
			tail -n 5 "$dir/$label.err" >&2
			exit 1
		fi
		read -r s m <"$tf"
		if [ -z "$secs" ] || awk "BEGIN { exit !($s < $secs) }"; then
			secs=$s
		fi
		if [ -z "$rss" ] || [ "$m" -gt "$rss" ]; then
			rss=$m
		fi
		i=$((i + 1))
	done
}

echo "== machine: $(nproc) cores, $(uname -m), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
echo "== $(xmlwf -v 2>&1 | head -n 1); measured: firstline $cmd (best of $runs)"
read -r load _ </proc/loadavg
if awk "BEGIN { exit !($load > $(nproc)) }"; then
	echo "== warning: load average $load on $(nproc) cores: wall times are not comparable"
fi
rows=$dir/rows
: >"$rows"
for n in $hosts; do
	f=$dir/bench-$n.nessus
	db=$dir/bench-$n.db
	if [ ! -s "$f" ]; then
		t0=$(date +%s)
		"$bd/gen_nessus" -n "$n" -s 1 "$f" 2>/dev/null
		echo "generated $f in $(( $(date +%s) - t0 )) s"
	fi
	size=$(stat -c %s "$f")
	cat "$f" >/dev/null # into the page cache for both commands
	measure xmlwf xmlwf -r "$f" # read(), as the import reads
	if [ -s "$dir/xmlwf.out" ]; then
		echo "bench/import.sh: xmlwf says $f is not well-formed:" >&2
		head -n 3 "$dir/xmlwf.out" >&2
		exit 1
	fi
	xs=$secs xm=$rss
	# shellcheck disable=SC2086
	measure import "$fl" --db "$db" $cmd "$f"
	echo "$size $n $xs $xm $secs $rss" >>"$rows"
done

awk -v cmd="$cmd" '
BEGIN {
	printf "%-9s %7s %8s %10s %9s %11s %6s %11s  %s\n", "size", "hosts",
	    "xmlwf s", "xmlwf MB/s", "import s", "import MB/s", "ratio",
	    "peak RSS MB", "target"
	miss = 0
}
{
	mb = $1 / 1e6
	xs = $3 < 0.01 ? 0.01 : $3
	is = $5 < 0.01 ? 0.01 : $5
	xr = mb / xs; ir = mb / is; ratio = ir / xr; rss = $6 / 1024
	why = ""
	if (ratio < 0.5) why = "slower than half of xmlwf"
	if (rss >= 64) why = why (why != "" ? ", " : "") "RSS >= 64 MB"
	if (why != "") miss = 1
	printf "%6.0f MB %7d %8.2f %10.1f %9.2f %11.1f %6.2f %11.1f  %s\n", mb, $2,
	    $3, xr, $5, ir, ratio, rss, why == "" ? "ok" : "MISSED: " why
}
END {
	print "target: import >= 0.5 x xmlwf speed, peak RSS < 64 MB (" cmd ")"
	exit miss
}' "$rows"
