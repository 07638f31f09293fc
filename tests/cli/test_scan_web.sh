# test_scan_web: the nmap, ZAP and Burp readers end to end through
# `vuln parse`.  Our own small reports (tests/fixtures/scan/web/): an nmap
# scan of three hosts (one down) with vulners and NSE vulns results, open,
# closed and filtered ports, tcp and udp; a ZAP 2.16 report with instances,
# request headers, an old-style single-uri alert and a false positive; a
# Burp report with its internal DTD, base64 requests and two issues of one
# type.  Then bad input refused with FILE:LINE:COL and exit 65, then every
# corpus sample of the three formats.
. "$FL_TOP/tests/cli/lib.sh"
. "$FL_TOP/tests/cli/scan_lib.sh"

fx=$FL_TOP/tests/fixtures/scan/web
# has_line I FIELD TEXT: 1 when finding I's FIELD has the line TEXT
has_line() {
	jq -r --arg t "$3" "[.findings[$1].$2 // \"\" | split(\"\\n\")[] | select(. == \$t)] | length" parse.json
}

# ---- nmap ---------------------------------------------------------------
parse "$fx/nmap_hosts.xml"
check "nmap detected" "nmap" "$(j .format)"
check "seven findings: 3 vulners, 3 open ports, 1 NSE vulns result" "7" \
	"$(j '.findings|length')"
check "vulners entries first, in report order, then the port" \
	"CVE-2023-38408|EXPLOITPACK:0123456789ABCDEF|CVE-2020-15778|Open port: 22/tcp" \
	"$(j '[.findings[0:4][].title]|join("|")')"
check "vulners cvss 9.8 is Critical" "Critical" "$(j '.findings[0].severity')"
check "vulners cvss 4.3 is Medium" "Medium" "$(j '.findings[1].severity')"
check "vulners cvss 0.0 is Info" "Info" "$(j '.findings[2].severity')"
check "vulners id is the rule" "CVE-2023-38408" "$(j '.findings[0].vuln_id_from_tool')"
check "type cve: the id is the CVE" "CVE-2023-38408" "$(j '.findings[0].vuln_ids|join(",")')"
check "an exploit id names no CVE" "0" "$(j '.findings[1].vuln_ids|length')"
check "component from the CPE" "openssh 8.2p1" \
	"$(j '.findings[0]|"\(.component_name) \(.component_version)"')"
check "vulners reference" "https://vulners.com/cve/CVE-2023-38408" \
	"$(j '.findings[0].references')"
check "date is the scan start (UTC)" "2023-11-14T22:13:20" "$(j '.findings[0].date')"
check "open port is Info" "Info" "$(j '.findings[3].severity')"
check "open port component is the service product" "OpenSSH 8.2p1" \
	"$(j '.findings[3]|"\(.component_name) \(.component_version)"')"
check "open port service name" "ssh" "$(j '.findings[3].service')"
check "same port on two hosts is one finding" "2" "$(j '.findings[3].nb_occurences')"
check "its locations: PTR name, then the address of a host without one" \
	"files.example.test/10.0.0.5/files.example.test:22:tcp 10.0.0.6/10.0.0.6/web.example.test:22:tcp" \
	"$(j '[.findings[3].locations[]|"\(.host)/\(.ip)/\(.fqdn):\(.port):\(.protocol)"]|join(" ")')"
check "udp port keeps its protocol" "Open port: 53/udp" "$(j '.findings[5].title')"
check "closed and filtered ports are no finding, nor their scripts" "0" \
	"$(j '[.findings[]|select(.title=="CVE-2011-1720" or (.title|test("25/|8080/")))]|length')"
check "NSE vulns result: title, severity from risk_factor" \
	"Remote Code Execution vulnerability in Microsoft SMBv1 servers (ms17-010)|High" \
	"$(j '.findings[6]|"\(.title)|\(.severity)"')"
check "NSE vulns result: script is the rule, CVE from ids" \
	"smb-vuln-ms17-010 CVE-2017-0143" \
	"$(j '.findings[6]|"\(.vuln_id_from_tool) \(.vuln_ids|join(","))"')"
check "hostscript result is on the host, no port" "files.example.test null" \
	"$(j '.findings[6].locations[0]|"\(.host) \(.port)"')"
check "NOT VULNERABLE is no finding" "0" \
	"$(j '[.findings[]|select(.title=="SSL POODLE")]|length')"
check "--raw: one item per host and port" "8" \
	"$(fl vuln parse "$fx/nmap_hosts.xml" --json --raw | jq '.findings|length')"
parse "$fx/nmap_empty.xml"
check "no open port: no finding" "0" "$(j '.findings|length')"
if fl vuln import --help >/dev/null 2>&1; then
	fl init >/dev/null 2>&1
	check_exit "import the nmap scan" 0 fl vuln import "$fx/nmap_hosts.xml" --json
	check "the two hosts that are up are covered" "2" "$(jq -r .hosts out.txt)"
else
	skip "import the nmap scan" "skipped: no vuln import"
	skip "the two hosts that are up are covered" "skipped: no vuln import"
fi

# ---- ZAP ----------------------------------------------------------------
parse "$fx/zap_report.xml"
check "zap detected" "zap" "$(j .format)"
check "one finding per alertitem" "3" "$(j '.findings|length')"
check "title, severity from riskcode, plugin id" \
	"Cross Site Scripting (Reflected)|High|40012" \
	"$(j '.findings[0]|"\(.title)|\(.severity)|\(.vuln_id_from_tool)"')"
check "cweid" "79" "$(j '.findings[0].cwe')"
check "each instance a location, query dropped" \
	"app.example.test:443:https/search app.example.test:443:https/comment app.example.test:8443:https/admin/find" \
	"$(j '[.findings[0].locations[]|"\(.host):\(.port):\(.protocol)\(.path)"]|join(" ")')"
check "query kept nowhere in locations" "0" \
	"$(j '[.findings[0].locations[]|select(.query)]|length')"
check "description HTML as paragraphs" \
	"Cross-site Scripting (XSS) is an attack technique.||Second paragraph." \
	"$(j '.findings[0].description|split("\n")|join("|")')"
check "solution as text" "Validate all input." "$(j '.findings[0].mitigation')"
check "reference and WASC id" "https://owasp.org/www-community/attacks/xss/|WASC-8" \
	"$(j '.findings[0].references|split("\n")|join("|")')"
check "evidence: method and URL of the instance" "1" \
	"$(has_line 0 evidence 'GET https://app.example.test/search?q=%3Cscript%3E')"
check "evidence: the attack" "1" \
	"$(has_line 0 evidence 'Attack: <script>alert(1);</script>')"
check "evidence: request header without its indentation" "1" \
	"$(has_line 0 evidence 'GET https://app.example.test/search?q=%3Cscript%3E HTTP/1.1')"
check "evidence: response header" "1" "$(has_line 0 evidence 'HTTP/1.1 200 OK')"
check "old report: the alertitem's own uri" "/static/app.js" \
	"$(j '.findings[1].locations[0].path')"
check "confidence 0 is a false positive" "false_positive" "$(j '.findings[1].status')"
check "cweid -1 is no CWE" "null" "$(j '.findings[1].cwe')"
check "no riskcode: severity from riskdesc" "Info" "$(j '.findings[2].severity')"
check "no instance: the site is the location" "app.example.test 443 https" \
	"$(j '.findings[2].locations[0]|"\(.host) \(.port) \(.protocol)"')"

# ---- Burp ---------------------------------------------------------------
parse "$fx/burp_issues.xml"
check "burp detected (internal DTD read)" "burp" "$(j .format)"
check "one finding per issue type" "2" "$(j '.findings|length')"
check "first issue's fields" \
	"Cross-site scripting (reflected)|High|2097920|1111111111111111111" \
	"$(j '.findings[0]|"\(.title)|\(.severity)|\(.vuln_id_from_tool)|\(.unique_id_from_tool)"')"
check "both issues merged" "2" "$(j '.findings[0].nb_occurences')"
check "their URLs as locations, address beside the name" \
	"shop.example.test/192.0.2.10:443:https/search.jsp shop.example.test/192.0.2.10:443:https/product.jsp" \
	"$(j '[.findings[0].locations[]|"\(.host)/\(.ip):\(.port):\(.protocol)\(.path)"]|join(" ")')"
check "CWEs from vulnerabilityClassifications" "79 CWE-79,CWE-116" \
	"$(j '.findings[0]|"\(.cwe) \(.cwes|join(","))"')"
check "issueBackground is the impact" "Reflected XSS arises when data is copied into a response." \
	"$(j '.findings[0].impact')"
check "remediation as text" "Validate input|and encode output." \
	"$(j '.findings[0].mitigation|split("\n")|join("|")')"
check "references keep the link target" "1" \
	"$(has_line 0 references '- XSS (https://portswigger.net/web-security/cross-site-scripting)')"
check "description starts with the URL" "URL: https://shop.example.test/search.jsp" \
	"$(j '.findings[0].description|split("\n")|first')"
check "description names the parameter" "1" \
	"$(has_line 0 description 'Location: /search.jsp [q parameter]')"
check "issue detail as text, entities decoded" "1" \
	"$(has_line 0 description 'The value of the q request parameter is copied into the HTML document & not encoded.')"
check "base64 request decoded" "1" \
	"$(has_line 0 evidence 'GET /search.jsp?q=%3Cscript%3E HTTP/1.1')"
check "response cut to its headers" "0" \
	"$(j '[.findings[0].evidence|split("\n")[]|select(test("alert"))]|length')"
check "Information is Info" "Info" "$(j '.findings[1].severity')"
check "an address host has no separate ip" "192.0.2.11 null 8080" \
	"$(j '.findings[1].locations[0]|"\(.host) \(.ip) \(.port)"')"
check "an empty response says so" "Response: (empty)" \
	"$(j '.findings[1].evidence|split("\n")|last')"

# ---- bad input ----------------------------------------------------------
printf '' >empty.xml
check_exit "0-byte .xml refused" 65 fl vuln parse empty.xml
check_grep "empty: FILE:LINE:COL" "empty.xml:1:1:" err.txt
check_exit "0-byte file read as nmap refused" 65 fl vuln parse empty.xml --format nmap
head -c 700 "$fx/nmap_hosts.xml" >trunc.xml
check_exit "truncated nmap refused" 65 fl vuln parse trunc.xml
check_grep "truncated: FILE:LINE:COL" "trunc.xml:[0-9]*:[0-9]*:" err.txt
head -c 1500 "$fx/zap_report.xml" >trunc_zap.xml
check_exit "truncated zap refused" 65 fl vuln parse trunc_zap.xml
check_grep "truncated zap: FILE:LINE:COL" "trunc_zap.xml:[0-9]*:[0-9]*:" err.txt
head -c 1200 "$fx/burp_issues.xml" >trunc_burp.xml
check_exit "truncated burp refused" 65 fl vuln parse trunc_burp.xml
check_grep "truncated burp: FILE:LINE:COL" "trunc_burp.xml:[0-9]*:[0-9]*:" err.txt
cat >laughs.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE nmaprun [
<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<nmaprun start="1">&c;</nmaprun>
EOF
check_exit "billion laughs refused" 65 fl vuln parse laughs.xml
check_grep "laughs: FILE:LINE:COL, entity named" "laughs.xml:3:[0-9]*: .*entity declarations not allowed" err.txt
cat >xxe.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE OWASPZAPReport [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<OWASPZAPReport version="2.16.1"><site host="x">&xxe;</site></OWASPZAPReport>
EOF
check_exit "external SYSTEM entity refused" 65 fl vuln parse xxe.xml
check_grep "xxe: FILE:LINE:COL" "xxe.xml:2:[0-9]*: .*entity declarations not allowed" err.txt
check "nothing of /etc/passwd in the output" "0" "$(grep -c root: out.txt err.txt | awk -F: '{s+=$2} END {print s}')"
cat >extdtd.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE issues SYSTEM "http://127.0.0.1:9/issues.dtd">
<issues burpVersion="1">&undeclared;</issues>
EOF
check_exit "undeclared entity after an external DTD refused" 65 fl vuln parse extdtd.xml
check_grep "extdtd: FILE:LINE:COL" "extdtd.xml:3:[0-9]*: reference to undeclared entity" err.txt
printf '{"site": [ {"alerts": }\n' >broken.json
check_exit "JSON syntax error read as zap refused" 65 fl vuln parse broken.json --format zap
check_grep "broken.json: FILE:LINE:COL" "broken.json:1:[0-9]*:" err.txt
cp "$fx/zap_report.xml" wrong_root.xml
check_exit "a ZAP report read as Burp refused" 65 fl vuln parse wrong_root.xml --format burp
check_grep "wrong root named" "wrong_root.xml:2:[0-9]*: not a Burp report" err.txt
check_exit "a Burp report read as nmap refused" 65 fl vuln parse "$fx/burp_issues.xml" --format nmap
check_grep "not an nmap report" "not an nmap report" err.txt

# ---- every corpus sample ------------------------------------------------
if have_corpus && [ -d "$FL_CORPUS/scans/nmap" ]; then
	for d in nmap zap burp; do
		for f in "$FL_CORPUS/scans/$d"/*; do
			[ -f "$f" ] || continue
			b=$d/$(basename "$f")
			fl vuln parse "$f" --json >out.txt 2>err.txt
			c=$?
			if [ "$c" -eq 0 ] && [ "$(jq -r .format out.txt)" = "$d" ]; then
				ok "corpus $b read as $d ($(jq '.findings|length' out.txt) findings)"
			else
				not_ok "corpus $b read as $d"
				echo "#   exit $c, format $(jq -r .format out.txt 2>/dev/null)"
				head -3 err.txt | sed 's/^/#   /'
			fi
		done
	done
else
	skip "corpus samples" "skipped: no corpus"
fi
done_testing
