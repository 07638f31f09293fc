# test_scan_sca: the Trivy and Grype readers end to end through `vuln parse`.
# Our own small reports (tests/fixtures/scan/sca/): a Trivy SchemaVersion 2
# image report (vulnerabilities scored from the severity source's CVSS,
# statuses, a misconfiguration, a secret, a license), a legacy Trivy report,
# a Trivy Kubernetes report, and Grype reports (the same CVE, package and
# version at two paths merged as DefectDojo does, EPSS from a related
# vulnerability, \u0000 in a version); then bad input refused with
# FILE:LINE:COL and exit 65; then every corpus sample of both formats.
. "$FL_TOP/tests/cli/lib.sh"
. "$FL_TOP/tests/cli/scan_lib.sh"

fx=$FL_TOP/tests/fixtures/scan/sca

# ---- Trivy SchemaVersion 2 ----------------------------------------------
parse "$fx/trivy-image.json"
check "detected as trivy" "trivy" "$(j .format)"
check "one finding per item, nothing merged" "7" "$(j '.findings|length')"
check "title: id package version" "CVE-2026-1001 libexample1 2.1-3" \
	"$(j '.findings[0].title')"
check "nvd CVSS 9.8 overrides Trivy's LOW" "Critical" "$(j '.findings[0].severity')"
check "cvssv3 vector" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" \
	"$(j '.findings[0].cvssv3')"
check "cvssv3 score" "9.8" "$(j '.findings[0].cvssv3_score')"
check "first cwe" "787" "$(j '.findings[0].cwe')"
check "every cwe" "787,122" "$(j '.findings[0].cwes|join(",")')"
check "vuln id" "CVE-2026-1001" "$(j '.findings[0].vuln_ids|join(",")')"
check "rule id is the vulnerability id" "CVE-2026-1001" \
	"$(j '.findings[0].vuln_id_from_tool')"
check "component" "libexample1 2.1-3" \
	"$(j '.findings[0]|"\(.component_name) \(.component_version)"')"
check "os package file is the target" \
	"registry.example.org/shop/web:1.4 (debian 12.5)" "$(j '.findings[0].file_path')"
check "location host is the artifact" "registry.example.org/shop/web:1.4" \
	"$(j '.findings[0].locations[0].host')"
check "fixed version is the mitigation" "2.1-4" "$(j '.findings[0].mitigation')"
check "fix available" "true" "$(j '.findings[0].fix_available')"
check "status fixed (a fix exists) stays open" "open" "$(j '.findings[0].status')"
check "Trivy status kept as impact" "fixed" "$(j '.findings[0].impact')"
check "references one per line" \
	"https://example.org/advisories/CVE-2026-1001|https://tracker.example.org/1001" \
	"$(j '.findings[0].references|split("\n")|join("|")')"
check "description starts with the Title" "libexample: heap overflow in parser" \
	"$(j '.findings[0].description|split("\n")[0]')"
check "not_affected is mitigated" "fixed" "$(j '.findings[1].status')"
check "no CVSS: Trivy's word" "Medium" "$(j '.findings[1].severity')"
check "no fixed version" "false" "$(j '.findings[1].fix_available')"
check "UNKNOWN is Info" "Info" "$(j '.findings[2].severity')"
check "CVSS v4 of the source decides" "Medium" "$(j '.findings[3].severity')"
check "cvssv4 score" "6.9" "$(j '.findings[3].cvssv4_score')"
check "language package file is its PkgPath" \
	"app/node_modules/left-pad/package.json" "$(j '.findings[3].file_path')"
check "misconfiguration title" "DS002 - Image user should not be 'root'" \
	"$(j '.findings[4].title')"
check "misconfiguration rule id" "DS002" "$(j '.findings[4].vuln_id_from_tool')"
check "misconfiguration file and line" "Dockerfile:7" \
	"$(j '.findings[4]|"\(.file_path):\(.line)"')"
check "primary URL first, not repeated" \
	"https://example.org/misconfig/ds002|https://example.org/docs/user" \
	"$(j '.findings[4].references|split("\n")|join("|")')"
check "resolution is the mitigation" "Add a USER line" "$(j '.findings[4].mitigation')"
check "secret title" "Secret detected in app/config.env - AWS Access Key ID" \
	"$(j '.findings[5].title')"
check "secret severity" "Critical" "$(j '.findings[5].severity')"
check "secret file and line" "app/config.env:3" \
	"$(j '.findings[5]|"\(.file_path):\(.line)"')"
check "secret rule id" "aws-access-key-id" "$(j '.findings[5].vuln_id_from_tool')"
check "license title" "License detected in OS Packages - GPL-3.0" \
	"$(j '.findings[6].title')"
check "license without a file path" "null" "$(j '.findings[6].file_path')"
check "license package" "libexample1" "$(j '.findings[6].component_name')"
check "every finding on the artifact" "registry.example.org/shop/web:1.4" \
	"$(j '[.findings[].locations[0].host]|unique|join(",")')"
check "no service outside Kubernetes" "null" "$(j '.findings[0].service')"

# ---- Trivy legacy ------------------------------------------------------
parse "$fx/trivy-legacy.json"
check "legacy detected as trivy" "trivy" "$(j .format)"
check "an item without severity is skipped (as DefectDojo)" "2" \
	"$(j '.findings|length')"
check "legacy title" "CVE-2026-2001 curl 7.61.0-r0" "$(j '.findings[0].title')"
check "legacy severity" "Critical" "$(j '.findings[1].severity')"
check "legacy host is the Target" "shop-web (alpine 3.7.1)" \
	"$(j '.findings[1].locations[0].host')"
check "legacy without Class: no file path" "null" "$(j '.findings[0].file_path')"
printf 'null\n' >null.json
parse null.json # the legacy report of a clean scan
check "null is a clean legacy report" "trivy 0" "$(j '"\(.format) \(.findings|length)"')"

# ---- Trivy Kubernetes --------------------------------------------------
parse "$fx/trivy-k8s.json"
check "k8s findings from Vulnerabilities, Misconfigurations, Resources" "3" \
	"$(j '.findings|length')"
check "service namespace / Kind / name" "shop / Deployment / web" \
	"$(j '.findings[0].service')"
check "host cluster/namespace/Kind/name" "prod-eu/shop/Deployment/web" \
	"$(j '.findings[0].locations[0].host')"
check "k8s misconfiguration" "KSV001 - Process can elevate its own privileges" \
	"$(j '.findings[1].title')"
check "resource without a namespace" "prod-eu/ClusterRole/admin|ClusterRole / admin" \
	"$(j '.findings[2]|"\(.locations[0].host)|\(.service)"')"

# ---- Grype -------------------------------------------------------------
parse "$fx/grype.json"
check "detected as grype" "grype" "$(j .format)"
check "same CVE, package and version at two paths: one finding" "2" \
	"$(j '.findings|length')"
check "grype title" "CVE-2026-3001 in libdemo:1.2-1" "$(j '.findings[0].title')"
check "occurrences counted" "2" "$(j '.findings[0].nb_occurences')"
check "first path is the file" "/var/lib/dpkg/status" "$(j '.findings[0].file_path')"
check "grype severity" "High" "$(j '.findings[0].severity')"
check "the v3 vector, not v2" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N" \
	"$(j '.findings[0].cvssv3')"
check "cvssv3 score from metrics" "9.1" "$(j '.findings[0].cvssv3_score')"
check "epss" "0.0421 0.8812" \
	"$(j '.findings[0]|"\(.epss_score) \(.epss_percentile)"')"
check "fix version and mitigation" "1.2-2|Upgrade to version: 1.2-2" \
	"$(j '.findings[0]|"\(.fix_version)|\(.mitigation)"')"
check "fix available" "true" "$(j '.findings[0].fix_available')"
check "host is the image as named" "registry.example.org/shop/api:2.0" \
	"$(j '.findings[0].locations[0].host')"
check "references skip the datasource URL" \
	"**Vulnerability Datasource:** https://security-tracker.example.org/CVE-2026-3001" \
	"$(j '.findings[0].references')"
check "Negligible is Info" "Info" "$(j '.findings[1].severity')"
check "related id after the GHSA" "GHSA-wxyz-1234-5678,CVE-2026-3002" \
	"$(j '.findings[1].vuln_ids|join(",")')"
check "rule id is the match id" "GHSA-wxyz-1234-5678" \
	"$(j '.findings[1].vuln_id_from_tool')"
check "CVSS from the related vulnerability" "4.8" "$(j '.findings[1].cvssv3_score')"
check "EPSS from the related vulnerability" "0.0012" "$(j '.findings[1].epss_score')"
check "\\u0000 dropped from the version" "0.9.1" "$(j '.findings[1].component_version')"
check "not-fixed: no fix" "false|null" \
	"$(j '.findings[1]|"\(.fix_available)|\(.mitigation)"')"
check_grep "several matchers listed" "python-matcher" parse.json
check "raw: one finding per match" "3" \
	"$(fl vuln parse "$fx/grype.json" --json --raw | jq -r '.findings|length')"
check "raw: each path kept" "/var/lib/dpkg/status,/usr/share/doc/libdemo/copyright,/app/requirements.txt" \
	"$(fl vuln parse "$fx/grype.json" --json --raw | jq -r '[.findings[].file_path]|join(",")')"
parse "$fx/grype-empty.json" # a report without matches
check "empty grype report" "grype 0" "$(j '"\(.format) \(.findings|length)"')"

# ---- bad input -----------------------------------------------------------
head -c 900 "$fx/trivy-image.json" >truncated.json
check_exit "truncated trivy report refused" 65 fl vuln parse truncated.json
check_grep "truncated: FILE:LINE:COL" "truncated.json:[0-9]*:[0-9]*:" err.txt
head -c 700 "$fx/grype.json" >truncated-grype.json
check_exit "truncated grype report refused" 65 fl vuln parse truncated-grype.json
check_grep "truncated grype: FILE:LINE:COL" "truncated-grype.json:[0-9]*:[0-9]*:" err.txt
printf '{"SchemaVersion": 2,\n "Results": [ {"Target": "a",, } ]}\n' >syntax.json
check_exit "JSON syntax error refused" 65 fl vuln parse syntax.json
check_grep "syntax error at line 2 column 30" "syntax.json:2:30:" err.txt
printf '{"matches": [ {"vulnerability": {"id": "CVE-1"}}, ]}\n' >syntax-grype.json
check_exit "grype JSON syntax error refused" 65 fl vuln parse syntax-grype.json
check_grep "grype syntax error position" "syntax-grype.json:1:[0-9]*:" err.txt
printf '{"Report": 1}\n' >other.json
check_exit "an object that is no Trivy report" 65 fl vuln parse --format trivy other.json
check_grep "not a Trivy report" "other.json:1:1: not a Trivy report" err.txt
printf '[1, 2]\n' >array.json
check_exit "a JSON array is no Grype report" 65 fl vuln parse --format grype array.json
check_grep "not a Grype report" "array.json:1:1: not a Grype report" err.txt
: >empty.json
check_exit "0-byte file read as trivy refused" 65 fl vuln parse --format trivy empty.json
check_grep "0-byte: FILE:LINE:COL" "empty.json:1:1:" err.txt
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "["; print "" }' >deep.json
check_exit "nesting deeper than jansson's limit refused" 65 \
	fl vuln parse --format trivy deep.json

# ---- the corpus ----------------------------------------------------------
if have_corpus && [ -d "$FL_CORPUS/scans/trivy" ]; then
	for dir in trivy grype; do
		for f in "$FL_CORPUS/scans/$dir"/*; do
			b=$dir/$(basename "$f")
			if fl vuln parse "$f" --json >corpus.json 2>err.txt; then
				check "$b read as $dir" "$dir" "$(jq -r .format corpus.json)"
			else
				not_ok "$b read as $dir"
				sed 's/^/#   /' err.txt | head -3
			fi
		done
	done
else
	skip "corpus samples of trivy and grype" "skipped: no corpus"
fi

done_testing
