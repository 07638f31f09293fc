# test_scan_sn: the SARIF and Nuclei readers end to end through `vuln parse`.
# Our own small reports (tests/fixtures/scan/sn/): a SARIF log with rules in
# the driver and in an extension, a message built from messageStrings and
# arguments, CWEs from tags, relationships, result properties and taxa,
# security-severity as a score and as a word, fingerprints, a suppressed
# result, a passing result, a result at two places; Nuclei JSON lines
# (two matches of one template on one host merged, a network match, a
# classified CVE with CVSS and EPSS, an unknown severity) and a JSON export;
# then bad input refused with FILE:LINE:COL and exit 65; then every corpus
# sample of both families.
. "$FL_TOP/tests/cli/lib.sh"
. "$FL_TOP/tests/cli/scan_lib.sh"

fx=$FL_TOP/tests/fixtures/scan/sn

# ---- SARIF --------------------------------------------------------------
parse "$fx/basic.sarif"
check "detected as sarif" "sarif" "$(j .format)"
check "one finding per result and location, the passing result left out" \
	"6" "$(j '.findings|length')"
check "nothing merged: --raw gives as many" "6" \
	"$(q "$fx/basic.sarif" '.findings|length' --raw)"
check "title from messageStrings with arguments, {{ }} unescaped" \
	"Value name reaches page.html unencoded ({raw})" "$(j '.findings[0].title')"
check "level from the rule's defaultConfiguration: error is High" "High" \
	"$(j '.findings[0].severity')"
check "cwe from the tag external/cwe/cwe-079" "79" "$(j '.findings[0].cwe')"
check "cwes as spelled" "cwe-079" "$(j '.findings[0].cwes|join(",")')"
check "file_path is the uri as written" "web/view.py" \
	"$(j '.findings[0].file_path')"
check "line from region.startLine" "42" "$(j '.findings[0].line')"
check "a SAST finding has no network location" "0" \
	"$(j '.findings[0].locations|length')"
check "partialFingerprints: newest version per method, sorted" \
	"fileHash:new|lineHash:aaa" "$(j '.findings[0].unique_id_from_tool')"
check "date is the last invocation's end time" "2026-01-05T09:12:30Z" \
	"$(j '.findings[0].date')"
check "references from helpUri" "https://example.org/rules/EX001" \
	"$(j '.findings[0].references')"
check "rule id" "EX001" "$(j '.findings[0].vuln_id_from_tool')"
check "description has the result message and the snippet" "true" \
	"$(j '.findings[0].description|test("Result message:.*\n\\*\\*Snippet:\\*\\*\n```\nout.write\\(name\\)\n```")')"
check "second location through artifacts[index]" "web/templates.py:7" \
	"$(j '.findings[1].file_path + ":" + (.findings[1].line|tostring)')"
check "title: whitespace collapsed as textwrap.shorten does" \
	"Query built from input" "$(j '.findings[2].title')"
check "security-severity 8.1 overrides level note" "High" \
	"$(j '.findings[2].severity')"
check "security-severity is the cvssv3 score" "8.1" \
	"$(j '.findings[2].cvssv3_score')"
check "a CWE taxon wins over the rule's relationships" "564" \
	"$(j '.findings[2].cwe')"
check "every CWE kept" "CWE-89,CWE-564" "$(j '.findings[2].cwes|join(",")')"
check "fingerprints: newest version of the first method" "three" \
	"$(j '.findings[2].unique_id_from_tool')"
check "mitigation from fixes" "Use bound parameters" \
	"$(j '.findings[2].mitigation')"
check "no message: title from the rule's shortDescription" \
	"Vulnerable logging library" "$(j '.findings[3].title')"
check "security-severity CRITICAL as a word" "Critical" \
	"$(j '.findings[3].severity')"
check "the CVE in the rule id" "CVE-2021-44228" \
	"$(j '.findings[3].vuln_ids|join(",")')"
check "references from help text that is a URL" \
	"https://example.org/advisories/log" "$(j '.findings[3].references')"
check "no region: no line" "null" "$(j '.findings[3].line')"
check "a suppressed result is a false positive" "false_positive" \
	"$(j '.findings[4].status')"
check "the others are open" "open,open,open,open,open" \
	"$(j '[.findings[]|select(.status != "false_positive")|.status]|join(",")')"
check "rule of an extension through rule.toolComponent" "PK-7" \
	"$(j '.findings[5].vuln_id_from_tool')"
check "a long title is cut as textwrap.shorten(title, 150) does" \
	"This very long message goes on and on about a weak hash function that was found in the code base, so that it must be shortened to one hundred [...]" \
	"$(j '.findings[5].title')"
check "level warning is Medium" "Medium" "$(j '.findings[5].severity')"
check "cwe from the result's properties" "328" "$(j '.findings[5].cwe')"
check "an http(s) artifact is a location" "https://app.example.com:443/api/login" \
	"$(j '.findings[5].locations[0]|"\(.protocol)://\(.host):\(.port)\(.path)"')"

printf '{"version": "2.1.0", "runs": []}\n' >noruns.sarif
check "a log without runs: no findings" "sarif 0" \
	"$(q noruns.sarif '"\(.format) \(.findings|length)"')"
: >empty.sarif
check_exit "a 0-byte .sarif is an empty report" 0 fl vuln parse empty.sarif --json
check "... with no findings" "0" "$(jq '.findings|length' out.txt)"
head -c 1500 "$fx/basic.sarif" >truncated.sarif
check_exit "a truncated SARIF log refused" 65 fl vuln parse truncated.sarif
check_grep "truncated: FILE:LINE:COL" "truncated.sarif:[0-9]*:[0-9]*:" err.txt
printf '{\n  "version": "2.1.0",\n  "runs": [ { "tool": , } ]\n}\n' >syntax.sarif
check_exit "a JSON syntax error refused" 65 fl vuln parse syntax.sarif
check_grep "syntax error: FILE:LINE:COL at the bad token" "syntax.sarif:3:[0-9]*:" err.txt
printf '[{"runs": []}]\n' >array.sarif
check_exit "a top-level array is no SARIF log" 65 \
	fl vuln parse array.sarif --format sarif
check_grep "not a log: FILE:1:1" "array.sarif:1:1:" err.txt

# ---- Nuclei -------------------------------------------------------------
parse "$fx/results.jsonl"
check "detected as nuclei" "nuclei" "$(j .format)"
check "template+type+matcher+host merged as DefectDojo does" "4" \
	"$(j '.findings|length')"
check "five results with --raw (the blank line skipped)" "5" \
	"$(q "$fx/results.jsonl" '.findings|length' --raw)"
check "merged finding counts its results" "2" "$(j '.findings[0].nb_occurences')"
check "... and keeps both places" "443 8443" \
	"$(j '[.findings[0].locations[].port|tostring]|join(" ")')"
check "title from info.name" "Technology Detection" "$(j '.findings[0].title')"
check "matcher name is the component" "nginx" "$(j '.findings[0].component_name')"
check "address and name of the host" "198.51.100.7 shop.example.net" \
	"$(j '.findings[0].locations[0]|"\(.ip) \(.fqdn)"')"
check "nanoseconds cut to microseconds" "2026-02-01T10:00:00.123456+01:00" \
	"$(j '.findings[0].date')"
check "severity info" "Info" "$(j '.findings[0].severity')"
check "templateID and matched of older versions" "openssh-detect db.example.net 22" \
	"$(j '.findings[1]|"\(.vuln_id_from_tool) \(.locations[0].host) \(.locations[0].port)"')"
check "severity low" "Low" "$(j '.findings[1].severity')"
check "cve-id upper case" "CVE-2021-41773" "$(j '.findings[2].vuln_ids|join(",")')"
check "first cwe-id is the cwe" "22" "$(j '.findings[2].cwe')"
check "every cwe-id as spelled" "cwe-22,cwe-23" "$(j '.findings[2].cwes|join(",")')"
check "cvss-metrics" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" \
	"$(j '.findings[2].cvssv3')"
check "cvss-score" "9.8" "$(j '.findings[2].cvssv3_score')"
check "epss score and percentile" "0.97 0.999" \
	"$(j '.findings[2]|"\(.epss_score) \(.epss_percentile)"')"
check "severity critical" "Critical" "$(j '.findings[2].severity')"
check "remediation is the mitigation" "Upgrade to 2.4.51." \
	"$(j '.findings[2].mitigation')"
check "references joined a line each" "2" \
	"$(j '.findings[2].references|split("\n")|length')"
check "extracted results in the description" "true" \
	"$(j '.findings[2].description|endswith("**Results:**\nroot:x:0:0")')"
check "curl command as evidence" "curl -X GET https://www.example.net/cgi-bin/.%2e/etc/passwd" \
	"$(j '.findings[2].evidence')"
check "URL path kept" "/cgi-bin/.%2e/etc/passwd" \
	"$(j '.findings[2].locations[0].path')"
check "an unknown severity is Low (DefectDojo)" "Low" "$(j '.findings[3].severity')"
check "a cwe-id that is no CWE gives none" "null" "$(j '.findings[3].cwe')"
check "a bare host name is the place" "mail.example.net" \
	"$(j '.findings[3].locations[0].host')"

parse "$fx/export.json" # the array form
check "array detected as nuclei" "nuclei" "$(j .format)"
check "one template on two hosts stays two findings" "2" "$(j '.findings|length')"
check "hosts" "intranet.example.net wiki.example.net" \
	"$(j '[.findings[].locations[0].host]|join(" ")')"

: >empty.jsonl
check_exit "a 0-byte .jsonl is an empty report" 0 fl vuln parse empty.jsonl --json
check "... with no findings" "0" "$(jq '.findings|length' out.txt)"
printf '[]\n' >none.json
check "an empty export with --format nuclei" "0" \
	"$(q none.json '.findings|length' --format nuclei)"
{ sed -n 1,2p "$fx/results.jsonl"; printf '{"template-id": "x", "info": {"name": }}\n'; } >bad.jsonl
check_exit "a JSON syntax error in line 3 refused" 65 fl vuln parse bad.jsonl
check_grep "syntax error: FILE:3:COL" "bad.jsonl:3:[0-9]*:" err.txt
head -c 300 "$fx/export.json" >truncated.json
check_exit "a truncated export refused" 65 fl vuln parse truncated.json --format nuclei
check_grep "truncated: FILE:LINE:COL" "truncated.json:[0-9]*:[0-9]*:" err.txt
{ sed -n 1p "$fx/results.jsonl"; printf '[1, 2]\n'; } >notobj.jsonl
check_exit "a line that is no object refused" 65 fl vuln parse notobj.jsonl
check_grep "not a result: FILE:2:1" "notobj.jsonl:2:1:" err.txt

# ---- the corpus ---------------------------------------------------------
if have_corpus && [ -d "$FL_CORPUS/scans/sarif" ] && [ -d "$FL_CORPUS/scans/nuclei" ]; then
	bad=""
	for f in "$FL_CORPUS"/scans/sarif/* "$FL_CORPUS"/scans/nuclei/*; do
		want=$(basename "$(dirname "$f")")
		# a 0-byte report is empty: no format, no findings
		[ -s "$f" ] || want=null
		format_of "$f" "$want"
	done
	check "every corpus file parses as its format" "" "$bad"
else
	skip "every corpus file parses as its format" "skipped: no corpus"
fi

done_testing
