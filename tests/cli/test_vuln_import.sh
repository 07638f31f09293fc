# test_vuln_import: `vuln import` end to end: identity across scans, the
# re-scan semantics (fixed, not seen, reopened, severity changed), a file
# imported twice, the status workflow, risk acceptance and its expiry, and
# bad reports that must leave the database exactly as it was.
. "$FL_TOP/tests/cli/lib.sh"
fx=$FL_TOP/tests/fixtures/vuln
export FIRSTLINE_NOW=2026-06-01T10:00:00Z
fl init >/dev/null 2>&1

# json FIELD: a field of the one-object JSON on stdin
jf() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]])' "$1"; }
# status of the finding whose rule (plugin id) is $1
st_of() {
	fl vuln list --status all --json | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    if f["rule"] == sys.argv[1] and f["scope"] == "weekly":
        print(f["status"], f["severity"], f["priority"] or "-", f["due"] or "-")' "$@"
}

# --- scan 1: the base -------------------------------------------------------
cp "$fx/rescan-base.nessus" s1.nessus
fl vuln import s1.nessus --scope weekly --json >r1.json 2>err.txt
check "scan 1 imports" 0 $?
check "scan 1: 6 items" 6 "$(jf items <r1.json)"
check "scan 1: 6 findings created" 6 "$(jf created <r1.json)"
check "scan 1: 2 hosts, both discovered" "2 2" "$(jf hosts <r1.json) $(jf discovered <r1.json)"
check "discovered asset named by its FQDN" "discovered" \
	"$(fl asset show app1.example.test --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
check "asset found by its IP too" 0 "$(fl asset show 10.0.0.1 >/dev/null 2>&1; echo $?)"
# CVSS 7.5 on a criticality-2 asset: score 7.5 -> P2, due first seen + 30 days
check "plugin 100: open High P2 due in 30 days" "open High P2 2026-07-01" "$(st_of 100)"
check "plugin 300: CVSS 3.7 -> P4, 180 days" "open Low P4 2026-11-28" "$(st_of 300)"
check "informational finding: no priority" "open Info - -" "$(st_of 210)"

# --- scan 2: plugin 200 gone (443 still scanned), 300 now Medium, host 2 down
export FIRSTLINE_NOW=2026-06-08T10:00:00Z
sed -e '/pluginID="200"/d' \
	-e '/pluginID="300"/{s/severity="1"/severity="2"/;s/>3\.7</>5.3</;s/>Low</>Medium</;}' \
	-e '/<ReportHost name="10.0.0.2">/,/<\/ReportHost>/d' s1.nessus >s2.nessus
fl vuln import s2.nessus --scope weekly --json >r2.json 2>err.txt
check "scan 2 imports" 0 $?
check "scan 2: fixed 1, changed 1, not seen 2, unchanged 2" "1 1 2 2 0" \
	"$(jf fixed <r2.json) $(jf changed <r2.json) $(jf not_seen <r2.json) $(jf unchanged <r2.json) $(jf created <r2.json)"
check "absent on a covered port: fixed" "fixed" "$(st_of 200 | cut -d' ' -f1)"
check "severity change is an update of the same finding" "open Medium" "$(st_of 300 | cut -d' ' -f1-2)"
check "host not scanned: not seen" "not_seen" "$(st_of 400 | cut -d' ' -f1)"

# --- scan 3: not credentialed; plugin 100 (a local check) absent; 200 back
export FIRSTLINE_NOW=2026-06-15T10:00:00Z
sed -e '/pluginID="100"/d' -e 's/name="Credentialed_Scan">true/name="Credentialed_Scan">false/' \
	s1.nessus >s3.nessus
fl vuln import s3.nessus --scope weekly --json >r3.json 2>err.txt
check "scan 3 imports" 0 $?
check "scan 3: reopened 3, changed 1, not seen 1, fixed 0" "3 1 1 0" \
	"$(jf reopened <r3.json) $(jf changed <r3.json) $(jf not_seen <r3.json) $(jf fixed <r3.json)"
check "credentialed finding absent from an unauthenticated scan: not seen" \
	"not_seen" "$(st_of 100 | cut -d' ' -f1)"
check "fixed finding that reappears: reopened" "open" "$(st_of 200 | cut -d' ' -f1)"
id200=$(fl vuln list --json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin) if f["rule"]=="200"][0])')
fl vuln show "$id200" --json >show.json
check "history keeps created, fixed, reopened" "created:open,status:fixed,status:open" \
	"$(python3 -c 'import json,sys; print(",".join(h["kind"] + ":" + h["to"] for h in json.load(open("show.json"))["history"] if h["kind"] in ("created","status")))')"
check "seen in scans 1 and 3" "1,3" \
	"$(python3 -c 'import json; print(",".join(str(s["scan"]) for s in json.load(open("show.json"))["scans"]))')"
check "times reopened" "1" "$(python3 -c 'import json; print(json.load(open("show.json"))["times_reopened"])')"
# the first sighting has no row of its own: its severity comes from history
id300=$(fl vuln list --json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin) if f["rule"]=="300"][0])')
fl vuln show "$id300" --json >show300.json
check "each sighting keeps the severity it had" "1:Low,2:Medium,3:Low 3" \
	"$(python3 -c 'import json; d=json.load(open("show300.json")); print(",".join("%s:%s" % (s["scan"], s["severity"]) for s in d["scans"]), d["scans_count"] if "scans_count" in d else len(d["scans"]))')"

# --- the same file again changes nothing --------------------------------------
dbdump test.db >before.sql
fl vuln import s3.nessus --scope weekly >out.txt 2>err.txt
check "same file again: exit 0" 0 $?
check_grep "same file again: said so" "already imported as scan 3" out.txt
dbdump test.db >after.sql
check "same file again: database unchanged" "" "$(diff before.sql after.sql)"
fl vuln import s1.nessus --scope other --json >r4.json
check "another scope is another register" 6 "$(jf created <r4.json)"

# --- bad reports: exit 65 with FILE:LINE:COL, nothing stored ------------------
head -c 900 s1.nessus >trunc.nessus
: >empty.nessus
cat >laughs.xml <<'X'
<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<NessusClientData_v2><Report name="x">&lol2;</Report></NessusClientData_v2>
X
cat >xxe.nessus <<'X'
<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<NessusClientData_v2><Report name="&xxe;"></Report></NessusClientData_v2>
X
printf '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [ {"Target": }]}\n' >bad.json
dbdump test.db >before.sql
for f in trunc.nessus empty.nessus laughs.xml xxe.nessus bad.json; do
	fl vuln import "$f" >out.txt 2>err.txt
	check "$f refused with exit 65" 65 $?
	check_grep "$f: message names file, line and column" "$f:[0-9]*:[0-9]*: " err.txt
	case $f in laughs.xml|xxe.nessus)
		check_grep "$f: DOCTYPE refused as such" "DOCTYPE.*not allowed" err.txt;;
	esac
done
fl vuln import --format nessus s1.nessus bad.json --scope third >out.txt 2>err.txt
check "one bad file among good ones: exit 65" 65 $?
dbdump test.db >after.sql
check "after bad reports the database has only the good file's scan" \
	"1" "$(diff before.sql after.sql | grep -c '^> INSERT INTO scan VALUES')"

# --- status workflow ------------------------------------------------------------
id300=$(fl vuln list --json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin) if f["rule"]=="300" and f["scope"]=="weekly"][0])')
check_exit "false positive needs a reason" 65 fl vuln set "$id300" --status false_positive
check_grep "and says so" "needs --reason" err.txt
check_exit "false positive with a reason" 0 fl vuln set "$id300" --status false_positive --reason "MACs disabled in sshd_config; scanner reads the banner"
check "false positive leaves the open list" "" \
	"$(fl vuln list --scope weekly --json | python3 -c 'import json,sys; print(" ".join(str(f["id"]) for f in json.load(sys.stdin) if f["id"]=='"$id300"'))')"
check_exit "risk_accepted only through a risk" 65 fl vuln set "$id300" --status risk_accepted --reason x
check_grep "audited" "finding.status" "$(fl audit log >audit.txt; echo audit.txt)"

# --- risk acceptance and its expiry --------------------------------------------
fl entity add BANK --name "Bank" >/dev/null
fl person add --email iso@example.test --name "Iso Person" --role iso >/dev/null
fl risk add --title "Outdated Apache on the intranet" >/dev/null
fl risk assess R-0001 --likelihood 3 --impact 3 >/dev/null
fl risk treat R-0001 --accept --approver iso@example.test --justification "Decommissioned in Q3" --expires 2026-07-01 >/dev/null
id400=$(fl vuln list --json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin) if f["rule"]=="400" and f["scope"]=="weekly"][0])')
fl vuln risk "$id400" --risk R-0001 >out.txt 2>err.txt
check "linking to an accepted risk" 0 $?
check_grep "says it is accepted" "risk-accepted" out.txt
check "finding is risk_accepted" "risk_accepted" "$(st_of 400 | cut -d' ' -f1)"
export FIRSTLINE_NOW=2026-07-05T10:00:00Z
fl vuln list >out.txt 2>err.txt
check_grep "expiry reopens the finding" "risk acceptance ended, reopened" err.txt
check "finding is open again" "open" "$(st_of 400 | cut -d' ' -f1)"

# --- sla and listings ------------------------------------------------------------
check "default SLA" "P1=7,P2=30,P3=90,P4=180" "$(fl vuln sla)"
fl vuln sla --set P2=14 >/dev/null
check "SLA change recomputes deadlines" "not_seen High P2 2026-06-15" "$(st_of 100)"
fl vuln stats --scope weekly --json >stats.json
check "stats: open P2 overdue" "1" "$(python3 -c 'import json; print(json.load(open("stats.json"))["open"]["P2"]["overdue"])')"
check "stats: fixed counted" "0" "$(python3 -c 'import json; print(json.load(open("stats.json"))["fixed"])')"
fl vuln scans --json >scans.json
check "scans listed" "5" "$(python3 -c 'import json; print(len(json.load(open("scans.json"))))')"
check_exit "unknown finding" 65 fl vuln show 999
check_exit "bad priority filter" 65 fl vuln list --priority P9

# --- re-scans written by editing real reports from the corpus ------------------
if ! have_corpus; then
	skip "re-scans of corpus reports" "skipped: no corpus"
	done_testing
	exit 0
fi
S=$FL_CORPUS/scans
export FIRSTLINE_NOW=2026-07-10T10:00:00Z
# count(SCOPE, STATUS): findings of a scope in a status
count_st() {
	fl vuln list --status all --scope "$1" --json | python3 -c '
import json, sys
print(sum(1 for f in json.load(sys.stdin) if f["status"] == sys.argv[1]))' "$2"
}
# edit.py IN OUT EXPR: a Python edit of the report text (t) written to OUT
edit() {
	python3 -c 'import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
t = eval(sys.argv[3])
open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape").write(t)' "$@"
}
fl vuln import "$S/zap/0_zap_sample.xml" --scope zap-edit --json >z1.json
n1=$(jf created <z1.json)
check "ZAP sample: findings per alert and URL" "true" "$([ "$n1" -ge 5 ] && echo true)"
# the last alert (plugin 10096) removed: its places are fixed (same site scanned)
edit "$S/zap/0_zap_sample.xml" z2.xml 're.sub(r"<alertitem>(?:(?!</alertitem>).)*<pluginid>10096</pluginid>.*?</alertitem>", "", t, flags=re.S)'
fl vuln import z2.xml --scope zap-edit --json >z2.json
check "ZAP: a removed alert's places are fixed" "true" \
	"$([ "$(jf fixed <z2.json)" -ge 1 ] && [ "$(jf not_seen <z2.json)" -eq 0 ] && echo true)"
fixed_zap=$(jf fixed <z2.json)
# the original again (one byte more, so it is another file): reopened
edit "$S/zap/0_zap_sample.xml" z3.xml 't + "\n"'
fl vuln import z3.xml --scope zap-edit --json >z3.json
check "ZAP: the alert back reopens the same findings" "$fixed_zap 0" \
	"$(jf reopened <z3.json) $(jf created <z3.json)"
# plugin 10055 from Medium (riskcode 2) to High (3): an update, not a new finding
edit z3.xml z4.xml 're.sub(r"(<pluginid>10055</pluginid>.*?<riskcode>)2(</riskcode>)", r"\g<1>3\g<2>", t, count=1, flags=re.S)'
fl vuln import z4.xml --scope zap-edit --json >z4.json
check "ZAP: a new severity is a change, no new finding" "true 0" \
	"$([ "$(jf changed <z4.json)" -ge 1 ] && echo true) $(jf created <z4.json)"
check "ZAP: High now" "true" \
	"$(fl vuln list --scope zap-edit --json | python3 -c 'import json,sys; print(any(f["severity"]=="High" and f["rule"]=="10055" for f in json.load(sys.stdin)))' | tr T t)"

# Nessus: one host of seven missing from the re-scan: its findings are not seen
fl vuln import "$S/tenable/nessus_v_unknown.xml" --scope nessus-edit --json >n1.json
edit "$S/tenable/nessus_v_unknown.xml" n2.xml 're.sub(r"<ReportHost name=\"qa3app09\">.*?</ReportHost>", "", t, count=1, flags=re.S)'
fl vuln import n2.xml --scope nessus-edit --json >n2.json
gone=$(fl vuln list --scope nessus-edit --status not_seen --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "Nessus: the missing host's findings are not seen, none fixed" "true 0" \
	"$([ "$gone" -ge 1 ] && [ "$gone" = "$(jf not_seen <n2.json)" ] && echo true) $(jf fixed <n2.json)"
check "Nessus: the others unchanged" "$(( $(jf created <n1.json) - gone ))" "$(jf unchanged <n2.json)"
check_exit "audit chain intact after all imports" 0 fl audit verify

# --- identity and schema --------------------------------------------------
check "a scan is identified by its report's SHA-256" \
	"$(sha256sum s1.nessus | cut -d' ' -f1)" \
	"$(fl vuln scans --scope weekly --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["sha256"])')"
# Migration 6 rebuilds the finding table (its CHECKs without IN lists):
# run it again over this database, full of findings, events and sightings
fl vuln list --status all --json >before.json
sqlite3 "$FIRSTLINE_DB" "SELECT COUNT(*) FROM finding_event; SELECT COUNT(*) FROM finding_scan" >links-before.txt
sqlite3 "$FIRSTLINE_DB" "UPDATE setting SET value = '5' WHERE key = 'schema_version'"
fl vuln list --status all --json >after.json
check "migration 6: every finding as it was" "" "$(cmp before.json after.json 2>&1)"
check "migration 6: events and sightings kept" "$(cat links-before.txt)" \
	"$(sqlite3 "$FIRSTLINE_DB" "SELECT COUNT(*) FROM finding_event; SELECT COUNT(*) FROM finding_scan")"
check "migration 6: schema 6, no dangling reference" "6|" \
	"$(sqlite3 "$FIRSTLINE_DB" "SELECT value FROM setting WHERE key = 'schema_version'; PRAGMA foreign_key_check" | tr '\n' '|')"
check "migration 6: a finding's insert builds no temporary table" 0 \
	"$(sqlite3 "$FIRSTLINE_DB" "EXPLAIN INSERT INTO finding (scope, fkey, rule_id, asset_id, host, severity, status, status_at, first_seen, last_seen, first_scan_id, last_scan_id, created_at, updated_at) VALUES ('s', 'k', 1, 1, 'h', 'Low', 'open', 't', 't', 't', 1, 1, 't', 't')" | grep -c OpenEphemeral)"
sqlite3 "$FIRSTLINE_DB" "UPDATE finding SET severity = 'Severe' WHERE id = 1" 2>sev.err
check_grep "migration 6: a severity outside the list is still refused" \
	"CHECK constraint failed" sev.err
sqlite3 "$FIRSTLINE_DB" "UPDATE finding SET status = 'closed' WHERE id = 1" 2>st.err
check_grep "migration 6: so is a status" "CHECK constraint failed" st.err
check_exit "audit chain intact after the migration" 0 fl audit verify
done_testing
