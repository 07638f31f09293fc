# test_vuln_enrich: KEV and EPSS change priorities and deadlines as the
# documented formula says; escalation turns overdue P1s into proposed
# risks exactly once; bad intelligence files change nothing.
. "$FL_TOP/tests/cli/lib.sh"
fx=$FL_TOP/tests/fixtures/vuln
export FIRSTLINE_NOW=2026-06-01T10:00:00Z
fl init >/dev/null 2>&1
fl vuln import "$fx/rescan-base.nessus" --scope lab >/dev/null
# prio RULE: priority and due of the finding of that plugin
prio() {
	fl vuln list --json | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    if f["rule"] == sys.argv[1]:
        print(f["priority"], f["due"], f["kev"], f["epss"])' "$1"
}
check "before: Apache 5.3 -> P3, 90 days" "P3 2026-08-30 0 None" "$(prio 400)"
check "before: OpenSSL 7.5 -> P2" "P2 2026-07-01 0 None" "$(prio 100)"

fl vuln enrich --kev "$fx/kev.json" --epss "$fx/epss.csv" --json >e.json
check "enrich: 1 KEV entry, 2 EPSS scores, 1 KEV finding, 2 with EPSS" \
	"1 2 1 2 test.1 2026-05-01" \
	"$(python3 -c 'import json; d=json.load(open("e.json")); print(d["kev"], d["epss"], d["kev_findings"], d["epss_findings"], d["kev_version"], d["epss_date"])')"
check "KEV: P1, due on CISA's date" "P1 2021-11-17 1 0.94" "$(prio 400)"
check "EPSS 0.6: 7.5 + 1.5 = 9.0 -> P1, due in 7 days" "P1 2026-06-08 0 0.6" "$(prio 100)"
fl vuln show "$(fl vuln list --json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin) if f["rule"]=="400"][0])')" --json >show.json
check "show: the CVE with its KEV date and EPSS" "CVE-2021-41773 2021-11-17 known 0.94" \
	"$(python3 -c 'import json; c=json.load(open("show.json"))["cves"][0]; print(c["cve"], c["kev_due"], c["ransomware"], c["epss"])')"

# a higher criticality of the asset raises the priority at the next listing
fl vuln sla --set P1=7 >/dev/null
fl asset set app1.example.test --c 4 >/dev/null
check "SSH MACs (3.7) on a critical asset: 3.7 + 1.0 = 4.7 -> P3" "P3" "$(prio 300 | cut -d' ' -f1)"

# escalation: two overdue P1s (KEV Apache since 2021; OpenSSL due 06-08)
export FIRSTLINE_NOW=2026-06-20T10:00:00Z
fl vuln escalate --dry-run --json >dry.json
check "dry run lists both, creates nothing" "2 0" \
	"$(python3 -c 'import json; print(len(json.load(open("dry.json"))))') $(fl risk list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
fl vuln escalate --json >esc.json
check "escalate proposes one risk per rule" "R-0001 R-0002" \
	"$(python3 -c 'import json; print(" ".join(sorted(r["risk"] for r in json.load(open("esc.json")))))')"
check "the proposed risk names the rule and is identified" "identified" \
	"$(fl risk show R-0001 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
check "the findings are now covered by their risk" "2" \
	"$(fl vuln list --json | python3 -c 'import json,sys; print(sum(1 for f in json.load(sys.stdin) if f["risk"]))')"
check "a second escalation proposes nothing" "no overdue P1 finding without a risk" "$(fl vuln escalate)"

# bad intelligence files: exit 65 with position, nothing changed
dbdump test.db >before.sql
printf '{"vulnerabilities": [{"cveID": "CVE-2021-41773", "dueDate": "2021-13-45"' >trunc.json
printf '{"catalogVersion":"x","vulnerabilities":[{"cveID":"CVE-99-1","vendorProject":"a","product":"b","vulnerabilityName":"c","dateAdded":"2021-01-01","requiredAction":"d","dueDate":"2021-02-01"}]}' >badcve.json
printf 'cve,epss,percentile\nCVE-2023-0286,1.5,0.9\n' >badscore.csv
check_exit "truncated KEV JSON refused" 65 fl vuln enrich --kev trunc.json
check_grep "with file, line and column" "trunc.json:1:[0-9]*:" err.txt
check_exit "a malformed CVE id refused" 65 fl vuln enrich --kev badcve.json
check_grep "names the file" "badcve.json:" err.txt
check_exit "an EPSS score above 1 refused" 65 fl vuln enrich --epss badscore.csv
check_grep "at its line" "badscore.csv:2:" err.txt
check_exit "an EPSS file given as --kev refused" 65 fl vuln enrich --kev "$fx/epss.csv"
check_grep "says which it is" "is it --epss" err.txt
check_exit "KEV fine but EPSS bad: all refused" 65 fl vuln enrich --kev "$fx/kev.json" --epss badscore.csv
dbdump test.db >after.sql
check "bad files left the database as it was" "" "$(diff before.sql after.sql)"
check_exit "neither file is a usage error" 64 fl vuln enrich

if have_corpus && [ -f "$FL_CORPUS/intel/kev/known_exploited_vulnerabilities.json" ]; then
	I=$FL_CORPUS/intel
	fl vuln enrich --kev "$I/kev/known_exploited_vulnerabilities.json" --epss "$I/epss/epss_kev_nvd.csv" --json >c.json
	check "CISA's catalogue: 1404 entries, KEV_EPSS: 1556 scores" "1404 1556" \
		"$(python3 -c 'import json; d=json.load(open("c.json")); print(d["kev"], d["epss"])')"
	fl vuln enrich --kev "$I/kev/known_exploited_vulnerabilities.csv" --epss "$I/epss/epss_scores-excerpt-2026-09-29.csv" --json >c2.json
	check "the CSV catalogue and FIRST's daily file read too" "1404 31 2026-09-29" \
		"$(python3 -c 'import json; d=json.load(open("c2.json")); print(d["kev"], d["epss"], d["epss_date"])')"
	for f in tenable/nessus-template.csv tenable/nessus_new.csv openvas/many_vuln.xml qualys/Qualys_Sample_Report.xml; do
		fl vuln import "$FL_CORPUS/scans/$f" >/dev/null
	done
	fl vuln enrich --kev "$I/kev/known_exploited_vulnerabilities.json" >/dev/null
	fl vuln list --kev --json >kev.json
	check "KEV CVEs in the corpus reports are found" \
		"CVE-2012-1823 CVE-2014-0160 CVE-2014-6271 CVE-2015-2590 CVE-2017-0143 CVE-2019-0708 CVE-2023-20867 CVE-2024-4577" \
		"$(python3 -c 'import json; print(" ".join(sorted({f["cve"] for f in json.load(open("kev.json")) if f["scope"] != "lab"})))')"
	check "every KEV finding is P1 and due by CISA's date" "True" \
		"$(python3 -c 'import json; d=json.load(open("kev.json")); print(all(f["priority"]=="P1" and f["due"]<=f["kev_due"] for f in d))')"
else
	skip "corpus KEV and EPSS files" "skipped: no corpus"
fi
done_testing
