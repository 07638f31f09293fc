#!/bin/sh
# bench/evtx.sh: how fast the EVTX reader (src/detect/evtx.c) reads the
# EVTX corpus, on one thread (each file streamed 64 KiB at a time) and on
# all cores (files cut into runs of chunks, fl_evtx_chunk_span), next to
# libevtx's `evtxexport -f xml` converting the same files (sequential;
# skipped when evtxexport is not installed: apt-get install
# libevtx-utils, for measuring only).  Run by hand, not by make check;
# durations are printed, never asserted.
#
#   sh bench/evtx.sh              the corpus's evtx/ folder
#   sh bench/evtx.sh PATH...      files or folders of your own
#
# Environment:
#   BENCH_BUILD  the optimised build tree (default build-bench)
#   FL_CORPUS    the shared corpus (default ../shared/corpus)
#   RUNS         best of how many runs (default 5)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bd=${BENCH_BUILD:-$top/build-bench}
corpus=${FL_CORPUS:-$top/../shared/corpus}
runs=${RUNS:-5}

[ -f "$bd/build.ninja" ] || meson setup "$bd" -Dbuildtype=release -Db_ndebug=true >/dev/null
ninja -C "$bd" bench_evtx >/dev/null
if [ $# -eq 0 ]; then
	[ -d "$corpus/evtx" ] || { echo "bench/evtx.sh: $corpus/evtx missing (no corpus)" >&2; exit 1; }
	set -- "$corpus/evtx"
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
trap 'exit 130' INT TERM
find "$@" -type f -name '*.evtx' | sort >"$list"
n=$(wc -l <"$list")
mb=$(tr '\n' '\0' <"$list" | xargs -0 cat | wc -c)
# warm the page cache: every reader below reads from memory
tr '\n' '\0' <"$list" | xargs -0 cat >/dev/null
echo "== machine: $(nproc) cores, $(uname -m); $n files, $((mb / 1000000)) MB"
"$bd/bench_evtx" -r "$runs" "$@"
"$bd/bench_evtx" -r "$runs" -t "$(nproc)" "$@"
if command -v evtxexport >/dev/null 2>&1; then
	t0=$(date +%s.%N)
	tr '\n' '\0' <"$list" | xargs -0 -n 1 evtxexport -f xml >/dev/null 2>&1 || :
	t1=$(date +%s.%N)
	ev=$(tr '\n' '\0' <"$list" | xargs -0 -n 1 evtxexport -f xml 2>/dev/null | grep -c '<Event xmlns' || :)
	echo "reference: evtxexport -f xml $(echo "$t1 - $t0" | bc) s, $ev events"
else
	echo "reference: evtxexport not installed (apt-get install libevtx-utils)"
fi
