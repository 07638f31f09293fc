# lib.sh: helpers for end-to-end tests that drive the real binary.
# Each test script sources this, runs in a fresh temporary directory, and
# prints TAP.  $FIRSTLINE is the binary, $FL_CORPUS the shared corpus,
# $FL_TOP the project's root.
set -u
n=0
fl() { "$FIRSTLINE" "$@"; }
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP ${2:-skipped}"; }
# check DESC EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; echo "#   expected: $2"; echo "#   actual:   $3"; fi
}
# check_exit DESC EXPECTED-CODE CMD...
check_exit() {
	d=$1 e=$2; shift 2
	"$@" >out.txt 2>err.txt; c=$?
	if [ "$c" -eq "$e" ]; then ok "$d"; else
		not_ok "$d"; echo "#   expected exit $e, got $c"; sed 's/^/#   /' err.txt | head -5; fi
}
# check_grep DESC PATTERN FILE
check_grep() {
	if grep -q -- "$2" "$3"; then ok "$1"; else
		not_ok "$1"; echo "#   '$2' not in $3:"; head -5 "$3" | sed 's/^/#   /'; fi
}
have_corpus() { [ -d "$FL_CORPUS" ]; }
# A canonical dump of the database (schema and rows) to compare states.
dbdump() { sqlite3 "$1" .dump | grep -v '^PRAGMA\|^BEGIN\|^COMMIT'; }
done_testing() { echo "1..$n"; }
export FIRSTLINE_DB=$PWD/test.db
# compiled scanners are cached in the test's own directory, never in $HOME
export XDG_CACHE_HOME=$PWD/cache
export FIRSTLINE_ACTOR=tester
