# scan_lib.sh: helpers shared by the scanner readers' end-to-end tests
# (test_scan_*.sh), sourced after lib.sh.  One parse is kept in parse.json
# so that many checks can look at one run of the reader.

# parse FILE [ARGS]: `vuln parse FILE --json ARGS` must exit 0; its output
# is kept in parse.json
parse() {
	f=$1
	shift
	check_exit "parse $(basename "$f")${*:+ $*}" 0 fl vuln parse "$f" --json "$@"
	cp out.txt parse.json
}
# j FILTER: jq over the last parse kept in parse.json
j() { jq -r "$1" parse.json; }
# q FILE FILTER [ARGS]: jq FILTER over `vuln parse FILE --json ARGS`
q() {
	f=$1 flt=$2
	shift 2
	fl vuln parse "$f" --json "$@" | jq -r "$flt"
}
# format_of FILE WANT: add "FILE:FORMAT" to $bad unless FILE parses as WANT
format_of() {
	got=$(fl vuln parse "$1" --json 2>err.txt | jq -r .format) ||
		got="exit $?"
	[ "$got" = "$2" ] || bad="$bad $(basename "$1"):$got"
}
