# test_scan_ovq: the OpenVAS/Greenbone and Qualys readers end to end through
# `vuln parse`.  Our own small reports (tests/fixtures/scan/ovq/) in each
# shape: an OpenVAS XML report (two identical results merged, CVSS vector
# from <severities>, a local registry check, a Log result), the OpenVAS CSV
# export with and without the QoD column, a Qualys asset data report with
# its glossary after the hosts and the same report with it before, a
# Qualys scan report (SCAN/IP/VULNS), a Qualys detection CSV with preamble
# lines and repeated headers, and the PCI CSV; then bad input refused with
# FILE:LINE:COL and exit 65; then every corpus sample of both families.
. "$FL_TOP/tests/cli/lib.sh"
. "$FL_TOP/tests/cli/scan_lib.sh"

fx=$FL_TOP/tests/fixtures/scan/ovq

# ---- OpenVAS XML --------------------------------------------------------
parse "$fx/openvas.xml"
check "detected as openvas-xml" "openvas-xml" "$(j .format)"
check "three findings after the v2 merge" "3" "$(j '.findings|length')"
check "four raw results with --raw" "4" \
	"$(fl vuln parse "$fx/openvas.xml" --json --raw | jq '.findings|length')"
check "identical results merge and count" "2" "$(j '.findings[0].nb_occurences')"
check "title is the NVT name" "SSH Weak Encryption Algorithms Supported" \
	"$(j '.findings[0].title')"
check "threat is the severity" "Medium" "$(j '.findings[0].severity')"
check "greenbone severity is the score" "4.3" "$(j '.findings[0].cvssv3_score')"
check "vector from the cvss_base_vector tag" \
	"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N" "$(j '.findings[0].cvssv3')"
check "OID is the rule" "1.3.6.1.4.1.25623.1.0.105611" \
	"$(j '.findings[0].vuln_id_from_tool')"
check "result id" "r-1" "$(j '.findings[0].unique_id_from_tool')"
check "location: address, name, port, protocol" \
	"192.0.2.10 192.0.2.10 web1.example.test 22 tcp" \
	"$(j '.findings[0].locations[0]|"\(.host) \(.ip) \(.fqdn) \(.port) \(.protocol)"')"
check "indented continuation lines joined" \
	"The remote SSH server is configured to allow weak encryption algorithms." \
	"$(j '.findings[0].description|split("\n")[0]')"
check "insight appended to the description" \
	"The arcfour cipher is the Arcfour stream cipher." \
	"$(j '.findings[0].description|split("\n\n")[1]')"
check "url refs are references" "https://www.rfc-editor.org/rfc/rfc4253" \
	"$(j '.findings[0].references')"
check "specific result is the evidence" \
	"The following weak client-to-server encryption algorithms are supported:" \
	"$(j '.findings[0].evidence|split("\n")[0]')"
check "mitigation solution type: fix unknown" "null" "$(j '.findings[0].fix_available')"
check "remote check is not authenticated" "false" "$(j '.findings[0].authenticated')"
check "title from the NVT, not the result name" \
	"Mozilla Firefox Security Update (mfsa_2026-01) - Windows" "$(j '.findings[1].title')"
check "Critical threat" "Critical" "$(j '.findings[1].severity')"
check "cve refs in order, no duplicates, cert-bund skipped" \
	"CVE-2026-0001,CVE-2026-0002" "$(j '.findings[1].vuln_ids|join(",")')"
check "vector from severities" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" \
	"$(j '.findings[1].cvssv3')"
check "epss from max_severity" "0.125 0.9" \
	"$(j '.findings[1]|"\(.epss_score) \(.epss_percentile)"')"
check "VendorFix: a fix exists" "true" "$(j '.findings[1].fix_available')"
check "registry check is authenticated" "true" "$(j '.findings[1].authenticated')"
check "general/tcp: no port, protocol tcp" "192.0.2.11 null tcp" \
	"$(j '.findings[1].locations[0]|"\(.host) \(.port) \(.protocol)"')"
check "empty hostname: no fqdn" "null" "$(j '.findings[1].locations[0].fqdn')"
check "Log threat is Info, score 0.0 is none" "Info null" \
	"$(j '.findings[2]|"\(.severity) \(.cvssv3_score)"')"
check "report line of the result" "10" "$(j '.findings[0].report_line')"

# ---- OpenVAS CSV --------------------------------------------------------
parse "$fx/openvas-v2.csv"
check "detected as openvas-csv (QoD shape)" "openvas-csv" "$(j .format)"
check "three findings, two rows merged" "3 2" \
	"$(j '"\(.findings|length) \(.findings[0].nb_occurences)"')"
check "csv title" "OpenSSL Denial of Service Vulnerability" "$(j '.findings[0].title')"
check "csv severity and CVSS" "High 7.5" \
	"$(j '.findings[0]|"\(.severity) \(.cvssv3_score)"')"
check "CVEs column split" "CVE-2026-1111,CVE-2026-2222" \
	"$(j '.findings[0].vuln_ids|join(",")')"
check "host name (trimmed) is the host, address kept" \
	"mail.example.test 198.51.100.7 mail.example.test 443 tcp" \
	"$(j '.findings[0].locations[0]|"\(.host) \(.ip) \(.fqdn) \(.port) \(.protocol)"')"
check "EPSS columns" "0.0123 0.45" \
	"$(j '.findings[0]|"\(.epss_score) \(.epss_percentile)"')"
check "other references split" "https://www.openssl.org/news/secadv/1.txt|https://example.test/2" \
	"$(j '.findings[0].references|split("\n")|join("|")')"
check "impact column" "A remote attacker can crash the service." "$(j '.findings[0].impact')"
check "update-to-version solution: a fix exists" "true" "$(j '.findings[0].fix_available')"
check "an OID that is a CVE is a vuln id" "CVE-2014-0117 CVE-2014-0117" \
	"$(j '.findings[1]|"\(.vuln_id_from_tool) \(.vuln_ids|join(","))"')"
check "no hostname: the address is the host" "198.51.100.8 null" \
	"$(j '.findings[1].locations[0]|"\(.host) \(.fqdn)"')"
check "Log severity is Info" "Info" "$(j '.findings[2].severity')"
parse "$fx/openvas-v1.csv"
check "detected as openvas-csv (no QoD)" "openvas-csv" "$(j .format)"
check "two findings" "2" "$(j '.findings|length')"
check "v1 host name and port" "FILESRV 445 tcp" \
	"$(j '.findings[0].locations[0]|"\(.host) \(.port) \(.protocol)"')"
check "v1 CVEs" "CVE-2017-0143,CVE-2017-0144" "$(j '.findings[0].vuln_ids|join(",")')"
check "v1 empty port is none" "null null" \
	"$(j '.findings[1].locations[0]|"\(.port) \(.protocol)"')"

# ---- Qualys asset data report -----------------------------------------
parse "$fx/qualys-adr.xml"
check "detected as qualys-xml" "qualys-xml" "$(j .format)"
check "one finding per detection (no merge)" "5" "$(j '.findings|length')"
check "title QID-N | glossary title" \
	"QID-91762 | Microsoft Windows Security Update for May 2021" "$(j '.findings[1].title')"
check "severity 5 is Critical (legacy mapping)" "Critical" "$(j '.findings[1].severity')"
check "severity 1 is Info" "Info" "$(j '.findings[0].severity')"
check "QID is the rule" "91762" "$(j '.findings[1].vuln_id_from_tool')"
check "CVSS3_FINAL score without vector" "8.8 null" \
	"$(j '.findings[1]|"\(.cvssv3_score) \(.cvssv3)"')"
check "glossary CVSS3_BASE when the detection has none" \
	"9.9 CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H" \
	"$(j '.findings[4]|"\(.cvssv3_score) \(.cvssv3)"')"
check "glossary CVEs" "CVE-2021-31166,CVE-2021-31170" "$(j '.findings[1].vuln_ids|join(",")')"
check "CVE URLs are references" "2" "$(j '.findings[1].references|split("\n")|length')"
check "HTML paragraph becomes a line" \
	"Microsoft releases the security update for Windows.|KB5003171 fixes it." \
	"$(j '.findings[1].description|split("\n")|join("|")')"
check "entities decoded, tags dropped" "Customers are advised to refer to KB5003171." \
	"$(j '.findings[1].mitigation')"
check "DNS name is the host, address kept" "app1.example.test 192.0.2.20" \
	"$(j '.findings[1].locations[0]|"\(.host) \(.ip)"')"
check "port and protocol (lower case)" "3389 tcp" \
	"$(j '.findings[2].locations[0]|"\(.port) \(.protocol)"')"
check "VULN_STATUS Fixed" "fixed" "$(j '.findings[2].status')"
check "result is the evidence" "%windir%\\system32\\ntoskrnl.exe  Version is 10.0.17763.1" \
	"$(j '.findings[1].evidence')"
check "local check on a logged-in host is authenticated" "true" \
	"$(j '.findings[1].authenticated')"
check "NULL-session host: not authenticated" "false" "$(j '.findings[4].authenticated')"
check "NetBIOS name when no DNS" "APP2" "$(j '.findings[3].locations[0].host')"
fl vuln parse "$fx/qualys-adr.xml" --json | jq -S 'del(.findings[].report_line)' >a.json
fl vuln parse "$fx/qualys-adr-glossary-first.xml" --json |
	jq -S 'del(.findings[].report_line)' >b.json
check "glossary before the hosts reads the same" "" "$(cmp a.json b.json 2>&1)"

# ---- Qualys scan report (SCAN) ------------------------------------------
parse "$fx/qualys-scan.xml"
check "SCAN shape is qualys-xml" "qualys-xml" "$(j .format)"
check "INFO, VULN and PRACTICE items" "6" "$(j '.findings|length')"
check "scan item title" "QID-38739 | SSH Prefix Truncation Vulnerability (Terrapin)" \
	"$(j '.findings[2].title')"
check "severity attribute" "Medium" "$(j '.findings[2].severity')"
check "CAT port and protocol" "gw.example.test 22 tcp" \
	"$(j '.findings[2].locations[0]|"\(.host) \(.port) \(.protocol)"')"
check "scan CVE list" "CVE-2023-48795" "$(j '.findings[2].vuln_ids|join(",")')"
check "diagnosis is the description" \
	"The SSH transport protocol allows prefix truncation.|Terrapin." \
	"$(j '.findings[2].description|split("\n")|join("|")')"
check "consequence is the impact" "An attacker may downgrade security." \
	"$(j '.findings[2].impact')"
check "local check after Unix authentication" "true" "$(j '.findings[3].authenticated')"
check "port check is not authenticated" "false" "$(j '.findings[2].authenticated')"
check "no registered hostname: the address" "192.0.2.31" \
	"$(j '.findings[5].locations[0].host')"
check "CVSS3_BASE with vector" "9.8 CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" \
	"$(j '.findings[5]|"\(.cvssv3_score) \(.cvssv3)"')"

# ---- Qualys CSV ---------------------------------------------------------
parse "$fx/qualys-detect.csv"
check "preamble skipped: qualys-csv" "qualys-csv" "$(j .format)"
check "rows of one QID merge (DefectDojo)" "2 2" \
	"$(j '"\(.findings|length) \(.findings[0].nb_occurences)"')"
check "three raw rows, repeated header skipped" "3" \
	"$(fl vuln parse "$fx/qualys-detect.csv" --json --raw | jq '.findings|length')"
check "csv title" "QID-91999 | Microsoft SQL Server Security Update" "$(j '.findings[0].title')"
check "csv severity 4 is High" "High" "$(j '.findings[0].severity')"
check "CVSS3 base and temporal vector" \
	"8.8 CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C" \
	"$(j '.findings[0]|"\(.cvssv3_score) \(.cvssv3)"')"
check "CVE ID column" "CVE-2026-3001,CVE-2026-3002" "$(j '.findings[0].vuln_ids|join(",")')"
check "both hosts, DNS names" "db1.example.test: db2.example.test:1433" \
	"$(j '[.findings[0].locations[]|"\(.host):\(.port // "")"]|join(" ")')"
check "Cloud Agent detection is authenticated" "true" "$(j '.findings[0].authenticated')"
check "Vuln Status Fixed" "fixed" "$(j '.findings[1].status')"
parse "$fx/qualys-pci.csv"
check "PCI shape is qualys-csv" "qualys-csv" "$(j .format)"
check "PCI: two findings" "2" "$(j '.findings|length')"
check "PCI title from VULN TITLE" "QID-38794 | Weak TLS Cipher Suites" "$(j '.findings[1].title')"
check "PCI severity word" "Low High" "$(j '[.findings[].severity]|join(" ")')"
check "PCI host name, port" "shop.example.test 192.0.2.50 443" \
	"$(j '.findings[1].locations[0]|"\(.host) \(.ip) \(.port)"')"
check "PCI CVEID" "CVE-2013-2566,CVE-2015-2808" "$(j '.findings[1].vuln_ids|join(",")')"
check "PCI cvss v2 is not a v3 score" "null" "$(j '.findings[1].cvssv3_score')"

# ---- bad input ----------------------------------------------------------
# bad DESC FILE [ARGS]: exit 65 with FILE:LINE:COL: in stderr
bad() {
	d=$1 f=$2
	shift 2
	check_exit "$d: exit 65" 65 fl vuln parse "$f" "$@"
	check_grep "$d: FILE:LINE:COL" "$(basename "$f"):[0-9]*:[0-9]*:" err.txt
}
head -c 1500 "$fx/openvas.xml" >truncated.xml
bad "truncated OpenVAS XML" truncated.xml
head -c 1200 "$fx/qualys-adr.xml" >truncated-q.xml
bad "truncated Qualys XML" truncated-q.xml
: >empty.xml
bad "0-byte .xml" empty.xml
bad "0-byte .xml forced openvas-xml" empty.xml --format openvas-xml
bad "0-byte .xml forced qualys-xml" empty.xml --format qualys-xml
cat >laughs.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE report [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<report format_id="x"><report><results><result><name>&c;</name></result></results></report></report>
EOF
bad "billion laughs" laughs.xml
bad "billion laughs as qualys-xml" laughs.xml --format qualys-xml
cat >xxe.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE ASSET_DATA_REPORT [ <!ENTITY e SYSTEM "file:///etc/passwd"> ]>
<ASSET_DATA_REPORT><HOST_LIST><HOST><IP>&e;</IP></HOST></HOST_LIST></ASSET_DATA_REPORT>
EOF
bad "external SYSTEM entity" xxe.xml
check "nothing from /etc/passwd in the output" "" "$(grep -l 'root:' out.txt err.txt)"
printf 'IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID\n192.0.2.1,,22,tcp,5.0,Medium,"unclosed,1.2.3\n' >bad.csv
bad "unclosed quote in OpenVAS CSV" bad.csv
printf '"IP","DNS","QID","Title","Severity"\n"192.0.2.1","a","1","x"y","3"\n' >badq.csv
bad "stray quote in Qualys CSV" badq.csv
printf 'IP,Hostname,Port\n192.0.2.1,,22\n' >nonvt.csv
bad "CSV without NVT Name forced openvas-csv" nonvt.csv --format openvas-csv
bad "CSV without a QID header forced qualys-csv" nonvt.csv --format qualys-csv
head -1 "$fx/qualys-pci.csv" >header-only.csv
check "header only: zero findings" "0" \
	"$(fl vuln parse header-only.csv --json | jq '.findings|length')"

# ---- the corpus ---------------------------------------------------------
if ! have_corpus || [ ! -d "$FL_CORPUS/scans/openvas" ]; then
	skip "corpus samples" "skipped: no corpus"
else
	for f in "$FL_CORPUS"/scans/openvas/* "$FL_CORPUS"/scans/qualys/*; do
		case $f in
		*.xml) want=${f#"$FL_CORPUS"/scans/}; want=${want%%/*}-xml ;;
		*) want=${f#"$FL_CORPUS"/scans/}; want=${want%%/*}-csv ;;
		esac
		fl vuln parse "$f" --json >corpus.json 2>err.txt
		check "corpus $(basename "$f"): exit 0" 0 $?
		check "corpus $(basename "$f"): format" "$want" "$(jq -r .format corpus.json)"
	done
fi
done_testing
