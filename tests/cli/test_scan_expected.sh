# test_scan_expected: our reading of every sample in corpus/scans against
# what DefectDojo's own tests assert (EXPECTED.tsv), one TAP line per row;
# the assertions where we keep a better answer are in docs/scan-deviations.md.
. "$FL_TOP/tests/cli/lib.sh"
if ! have_corpus || [ ! -f "$FL_CORPUS/scans/EXPECTED.tsv" ]; then
	skip "EXPECTED.tsv rows" "skipped: no corpus"
	done_testing
	exit 0
fi
python3 "$FL_TOP/tests/cli/scan_expected.py" "$FIRSTLINE" \
	"$FL_CORPUS/scans" "$FL_TOP/docs/scan-deviations.md"
