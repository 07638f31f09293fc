#!/bin/sh
# bench/detect.sh: Sigma detection speed and memory.
#
#  1. Windows: every Windows rule of corpus/sigma/rules over a JSON-lines
#     file built from the OTRF corpus (100 MB and 1 GB), printing events/s,
#     MB/s and peak RSS, next to `rg -c` (or `grep -c` where rg is absent)
#     merely reading the same file, and Zircolite's figure measured on this
#     machine class (1,600-2,900 events/s with 1,483 rules on 2 cores).
#  2. EVTX: every Windows rule over corpus/evtx (356 files), next to
#     `evtxexport -f xml` merely converting the same files (libevtx-utils,
#     when installed; the corpus README measured 4.4 s).
#  3. Linux: bench/detect_linux.sh (the shipped rules over a generated 1 GB
#     auth.log, every injected attack checked).
# Run by hand, not by make check; durations are printed, never asserted.
#
#   sh bench/detect.sh            all three
#   PARTS=windows sh bench/detect.sh   (windows, evtx, linux)
#
# Environment: BENCH_DIR (default /tmp/bench; generated files are kept and
# reused), BENCH_BUILD (default build-bench), FL_CORPUS, THREADS (default:
# the cores).
#
# The Windows runs are made twice, with a cold and a warm scanner cache
# (--cache in $BENCH_DIR/hs-cache); the EVTX run uses the warm cache.
#
# Targets (issue 5): at least 300,000 events/s on 2 cores, peak RSS under
# 256 MB at any input size, faster than evtxexport on the EVTX corpus, and
# the Linux rules at most 2 s per GB.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bd=${BENCH_BUILD:-$top/build-bench}
corpus=${FL_CORPUS:-$top/../shared/corpus}
dir=${BENCH_DIR:-/tmp/bench}
parts=${PARTS:-windows evtx linux}
threads=${THREADS:-$(nproc)}

sh "$top/scripts/deps.sh" bench
[ -f "$bd/build.ninja" ] || meson setup "$bd" -Dbuildtype=release -Db_ndebug=true >/dev/null
ninja -C "$bd" firstline >/dev/null
fl=$bd/firstline
mkdir -p "$dir"
rules=$corpus/sigma/rules/windows
nrules=$(find "$rules" -name '*.yml' | wc -l | tr -d ' ')

# seconds and peak RSS (KB) of a command, into $secs and $rss
measure() {
	/usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >"$dir/out.txt" 2>"$dir/err.txt"
	secs=$(cut -d' ' -f1 "$dir/time.txt")
	rss=$(cut -d' ' -f2 "$dir/time.txt")
}

# merely reading the file: sets $how and $secs
reader() {
	if command -v rg >/dev/null 2>&1; then
		how="rg -c"
		measure rg -c 'EventID' "$1"
	else
		how="grep -c (rg is not installed)"
		measure grep -c 'EventID' "$1"
	fi
}

for part in $parts; do
case $part in
windows)
	for mb in 100 1000; do
		f=$dir/otrf-$mb.jsonl
		if [ ! -f "$f" ]; then
			: > "$f"
			while [ "$(wc -c < "$f")" -lt $((mb * 1000000)) ]; do
				cat "$corpus"/jsonl/otrf-security-datasets/*.jsonl >> "$f"
			done
		fi
		cat "$f" > /dev/null
		bytes=$(wc -c < "$f" | tr -d ' ')
		events=$(wc -l < "$f" | tr -d ' ')
		reader "$f"
		rsecs=$secs
		# cold: the literal scanners compiled; warm: read back from
		# the cache a first run left (docs/detection.md)
		rm -rf "$dir/hs-cache"
		for cache in cold warm; do
			measure "$fl" detect run --threads "$threads" --cache "$dir/hs-cache" \
				--rules "$rules" "$f"
			alerts=$(grep -o '[0-9]* alerts' "$dir/err.txt" | head -1)
			echo "windows $mb MB ($cache cache): $events events, $nrules rules, $threads threads:" \
				"$secs s, $(echo "$events $secs" | awk '{printf "%.0f", $1 / $2}') events/s," \
				"$(echo "$bytes $secs" | awk '{printf "%.1f", $1 / $2 / 1e6}') MB/s," \
				"peak RSS $((rss / 1024)) MB, $alerts"
		done
		echo "   $how: $rsecs s; Zircolite on this machine class: 1,600-2,900 events/s"
	done
	;;
evtx)
	n=$(find "$corpus/evtx" -name '*.evtx' | wc -l | tr -d ' ')
	bytes=$(find "$corpus/evtx" -name '*.evtx' -exec cat {} + | wc -c | tr -d ' ')
	measure "$fl" detect run --threads "$threads" --cache "$dir/hs-cache" \
		--rules "$rules" "$corpus/evtx"
	events=$(grep -o '[0-9]* events' "$dir/err.txt" | head -1)
	echo "evtx corpus: $n files, $((bytes / 1000000)) MB, $events, $nrules rules:" \
		"$secs s, peak RSS $((rss / 1024)) MB"
	if command -v evtxexport >/dev/null 2>&1; then
		start=$(date +%s.%N)
		find "$corpus/evtx" -name '*.evtx' -exec sh -c \
			'for f; do evtxexport -f xml "$f" >/dev/null 2>&1; done' sh {} +
		end=$(date +%s.%N)
		echo "   evtxexport -f xml over the same files: $(echo "$start $end" | awk '{printf "%.2f", $2 - $1}') s"
	else
		echo "   evtxexport is not installed (apt-get install libevtx-utils); the corpus README measured 4.4 s"
	fi
	;;
linux)
	sh "$top/bench/detect_linux.sh"
	;;
esac
done
