#!/bin/sh
# bench/events.sh: how fast the event readers (src/detect/event.h) read a
# large JSON-lines file and a large syslog file, with how much memory, next
# to `rg -c ''` (or `wc -l` where rg is absent) merely counting the lines of
# the same file.  Run by hand, not by make check; durations are printed,
# never asserted.
#
#   sh bench/events.sh                  ~1 GB of each, built from the corpus
#   sh bench/events.sh json FILE        one file of your own (json|syslog)
#
# Environment:
#   SIZE_MB      size of each generated file (default 1000)
#   BENCH_DIR    where the generated files go (default: a temporary
#                directory, removed at the end; never the project tree)
#   BENCH_BUILD  the optimised build tree (default build-bench)
#   FL_CORPUS    the shared corpus (default ../shared/corpus)
# The generated files are the largest OTRF JSON-lines file and loghub's
# OpenSSH_2k.log repeated to SIZE_MB; both are read once before measuring,
# so they come from the page cache.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bd=${BENCH_BUILD:-$top/build-bench}
corpus=${FL_CORPUS:-$top/../shared/corpus}
size=${SIZE_MB:-1000}

[ -f "$bd/build.ninja" ] || meson setup "$bd" -Dbuildtype=release -Db_ndebug=true >/dev/null
ninja -C "$bd" bench_events >/dev/null
if [ -n "${BENCH_DIR:-}" ]; then
	dir=$BENCH_DIR
	mkdir -p "$dir"
else
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 130' INT TERM
fi

# repeat SRC OUT: SRC concatenated to $size MB into OUT (kept if present)
repeat() {
	[ -f "$2" ] && [ "$(stat -c %s "$2")" -ge $((size * 1000000)) ] && return 0
	: >"$2"
	while [ "$(stat -c %s "$2")" -lt $((size * 1000000)) ]; do
		cat "$1" "$1" "$1" "$1" "$1" "$1" "$1" "$1" >>"$2"
	done
}

# run FORMAT FILE: the reader's figures, then the line counter's
run() {
	cat "$2" >/dev/null
	echo "== $2 ($(($(stat -c %s "$2") / 1000000)) MB)"
	"$bd/bench_events" "$1" "$2" 1
	if command -v rg >/dev/null 2>&1; then
		ref="rg -c ''"
		set -- rg -c '' "$2"
	else
		ref="wc -l"
		set -- wc -l "$2"
	fi
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	echo "reference: $ref $(echo "$t1 - $t0" | bc) s"
}

if [ $# -ge 2 ]; then
	run "$1" "$2"
	exit 0
fi
json=$corpus/jsonl/otrf-security-datasets/rdp_interactive_taskmanager_lsass_dump_2020-09-22043748.jsonl
log=$corpus/linux/loghub/OpenSSH/OpenSSH_2k.log
for f in "$json" "$log"; do
	[ -f "$f" ] || { echo "bench/events.sh: $f missing (no corpus)" >&2; exit 1; }
done
echo "== machine: $(nproc) cores, $(uname -m)"
repeat "$json" "$dir/events.jsonl"
repeat "$log" "$dir/auth.log"
run json "$dir/events.jsonl"
run syslog "$dir/auth.log"
