# test_scan_tenable: the Tenable readers end to end through `vuln parse`.
# Our own small reports (tests/fixtures/scan/tenable/) in each format:
# .nessus v2 (two hosts, a credentialed local check, a plugin seen on both
# hosts merged into one finding with two locations, CVSS v3 overriding
# Nessus' severity), Tenable WAS XML (the host is a URL), a Nessus CSV and
# a Tenable Vulnerability Management CSV; then bad input refused with
# FILE:LINE:COL and exit 65; then every corpus sample of the family.
. "$FL_TOP/tests/cli/lib.sh"
. "$FL_TOP/tests/cli/scan_lib.sh"

fx=$FL_TOP/tests/fixtures/scan/tenable

# ---- .nessus ------------------------------------------------------------
parse "$fx/small.nessus"
check "detected as nessus" "nessus" "$(j .format)"
check "five findings after DefectDojo's grouping" "5" "$(j '.findings|length')"
check "six raw items with --raw" "6" "$(q "$fx/small.nessus" '.findings|length' --raw)"
check "title from pluginName" "Example Linux : openssl (EX-2026-01)" \
	"$(j '.findings[1].title')"
check "cvss3_base_score 9.8 overrides severity 3" "Critical" \
	"$(j '.findings[1].severity')"
check "cvssv3 score" "9.8" "$(j '.findings[1].cvssv3_score')"
check "cvssv3 vector canonical, X metric dropped" \
	"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" "$(j '.findings[1].cvssv3')"
check "every cve, upper case, no duplicates" "CVE-2026-0001,CVE-2026-0002" \
	"$(j '.findings[1].vuln_ids|join(",")')"
check "cwe number" "787" "$(j '.findings[1].cwe')"
check "cwes as spelled" "CWE-787" "$(j '.findings[1].cwes|join(",")')"
check "plugin id" "200001" "$(j '.findings[1].vuln_id_from_tool')"
check "epss" "0.0421" "$(j '.findings[1].epss_score')"
check "mitigation from solution" "Update the openssl package." \
	"$(j '.findings[1].mitigation')"
check "description from synopsis" "The remote host is missing a security update." \
	"$(j '.findings[1].description')"
check "see_also split, xref appended" \
	"https://example.org/advisory/EX-2026-01|https://example.org/more|CWE:787|" \
	"$(j '.findings[1].references|split("\n")|join("|")')"
check "plugin output is the evidence" "Remote package installed : openssl-3.0.1" \
	"$(j '.findings[1].evidence')"
check "local check on a credentialed host is authenticated" "true" \
	"$(j '.findings[1].authenticated')"
check "location host is the FQDN" "web1.example.org" \
	"$(j '.findings[1].locations[0].host')"
check "location ip from host-ip" "192.0.2.10" "$(j '.findings[1].locations[0].ip')"
check "port 0 is no port" "null" "$(j '.findings[1].locations[0].port')"
check "general service falls back to the transport" "tcp" \
	"$(j '.findings[1].locations[0].protocol')"
check "same plugin and severity on two hosts merge" "2" \
	"$(j '.findings[2].nb_occurences')"
check "merged finding has both hosts" "web1.example.org:443:http 192.0.2.20:8443:https" \
	"$(j '[.findings[2].locations[]|"\(.host):\(.port):\(.protocol)"]|join(" ")')"
check "ssh service is the protocol" "ssh" "$(j '.findings[3].locations[0].protocol')"
check "remote check is not authenticated" "false" "$(j '.findings[3].authenticated')"
check "severity 4 is Critical" "Critical" "$(j '.findings[4].severity')"
check "cifs is not a URL scheme: tcp" "tcp" "$(j '.findings[4].locations[0].protocol')"
check "host without FQDN is named by address" "192.0.2.20" \
	"$(j '.findings[4].locations[0].host')"
check "report line of the item" "19" "$(j '.findings[1].report_line')"

# ---- Tenable WAS XML ----------------------------------------------------
parse "$fx/was.xml"
check "detected as tenable-was-xml" "tenable-was-xml" "$(j .format)"
check "two findings" "2" "$(j '.findings|length')"
check "URL host" "shop.example.org" "$(j '.findings[0].locations[0].host')"
check "URL scheme is the protocol" "https" "$(j '.findings[0].locations[0].protocol')"
check "URL default port" "443" "$(j '.findings[0].locations[0].port')"
check "WAS cvssv3 score" "7.1" "$(j '.findings[0].cvssv3_score')"
check "xref CWE is a reference, not the cwe (as DefectDojo)" "null" \
	"$(j '.findings[0].cwe')"
check "description falls back to <description>" "No CSP header." \
	"$(j '.findings[1].description')"
check "the nessus format reads the WAS file too" "2" \
	"$(q "$fx/was.xml" '.findings|length' --format nessus)"

# ---- CSV ----------------------------------------------------------------
parse "$fx/nessus.csv"
check "detected as tenable-csv" "tenable-csv" "$(j .format)"
check "rows merge on severity+title+host+port+synopsis" "4" "$(j '.findings|length')"
check "merged row count" "2" "$(j '.findings[0].nb_occurences')"
check "other host stays separate" "192.0.2.20" "$(j '.findings[1].locations[0].host')"
check "Risk column is the severity" "High" "$(j '.findings[0].severity')"
check "Risk None is Info" "Info" "$(j '.findings[2].severity')"
check "CVE list" "CVE-2013-2566,CVE-2015-2808" "$(j '.findings[3].vuln_ids|join(",")')"
check "EPSS" "0.3833" "$(j '.findings[0].epss_score')"
check "CVSS v3.0 Base Score" "7.5" "$(j '.findings[0].cvssv3_score')"
check "plugin id" "42873" "$(j '.findings[0].vuln_id_from_tool')"
check "references name the plugin" "Tenable Plugin ID: 42873" \
	"$(j '.findings[0].references|split("\n")[2]')"
check "port 0 is no port" "null" "$(j '.findings[3].locations[0].port')"
check "one raw finding per non-blank row" "5" \
	"$(q "$fx/nessus.csv" '.findings|length' --raw)"
parse "$fx/tio.csv"
check "Tenable.io title from definition.name" "Example DB : postgres (EX-2)" \
	"$(j '.findings[0].title')"
check "Tenable.io severity column" "High" "$(j '.findings[0].severity')"
check "Tenable.io host" "db1" "$(j '.findings[0].locations[0].host')"
check "Tenable.io ip and fqdn" "192.0.2.30 db1.example.org" \
	"$(j '.findings[0].locations[0]|"\(.ip) \(.fqdn)"')"
check "Tenable.io cve list" "CVE-2026-1000,CVE-2026-1001" \
	"$(j '.findings[0].vuln_ids|join(",")')"
check "Tenable.io cwe" "89" "$(j '.findings[0].cwe')"
check "Tenable.io vector kept at 3.1" "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" \
	"$(j '.findings[0].cvssv3')"
check "component from the CPE" "postgresql 15.2" \
	"$(j '.findings[0]|"\(.component_name) \(.component_version)"')"
check "local plugin type is authenticated" "true" "$(j '.findings[0].authenticated')"
check "header only: no findings" "0" "$(q "$fx/no_vuln.csv" '.findings|length')"

# ---- bad input ----------------------------------------------------------
head -c 2000 "$fx/small.nessus" >truncated.nessus
check_exit "truncated .nessus refused" 65 fl vuln parse truncated.nessus --json
check_grep "truncated: FILE:LINE:COL" "truncated.nessus:[0-9]*:[0-9]*:" err.txt
: >empty.nessus
check_exit "0-byte .nessus refused" 65 fl vuln parse empty.nessus
check_grep "0-byte: FILE:LINE:COL" "empty.nessus:1:1:" err.txt
: >empty.xml
check_exit "0-byte .xml as tenable-was-xml refused" 65 \
	fl vuln parse empty.xml --format tenable-was-xml
check_grep "0-byte xml: FILE:LINE:COL" "empty.xml:[0-9]*:[0-9]*:" err.txt
cat >laughs.nessus <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<NessusClientData_v2><Report name="x"><ReportHost name="&c;"></ReportHost></Report></NessusClientData_v2>
EOF
check_exit "billion laughs refused" 65 fl vuln parse laughs.nessus
check_grep "billion laughs: FILE:LINE:COL" "laughs.nessus:2:[0-9]*:" err.txt
cat >external.nessus <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE NessusClientData_v2 [<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<NessusClientData_v2><Report name="&ext;"></Report></NessusClientData_v2>
EOF
check_exit "external entity refused" 65 fl vuln parse external.nessus
check_grep "external entity: FILE:LINE:COL" "external.nessus:2:[0-9]*:" err.txt
check_exit "another XML root refused as nessus" 65 \
	fl vuln parse "$fx/wrong_root.xml" --format nessus
check_grep "wrong root named" "wrong_root.xml:2:[0-9]*:.*nmaprun" err.txt
check_exit "a CSV without a name column refused" 65 \
	fl vuln parse "$fx/no_name.csv" --format tenable-csv
check_grep "no name column: FILE:LINE:COL" "no_name.csv:1:1:" err.txt
printf 'Plugin ID,Name,Risk,Host\n1,"open quote,High,h\n' >unclosed.csv
check_exit "a CSV with an unclosed quote refused" 65 fl vuln parse unclosed.csv
check_grep "unclosed quote: FILE:LINE:COL" "unclosed.csv:2:[0-9]*:" err.txt

# ---- the corpus ---------------------------------------------------------
if have_corpus && [ -d "$FL_CORPUS/scans/tenable" ]; then
	bad=""
	for f in "$FL_CORPUS"/scans/tenable/*; do
		case $f in
		*.csv) want=tenable-csv ;;
		*nessus_was_*.xml) want=tenable-was-xml ;;
		*) want=nessus ;;
		esac
		format_of "$f" "$want"
	done
	check "every corpus file parses as its format" "" "$bad"
else
	skip "every corpus file parses as its format" "skipped: no corpus"
fi

done_testing
