#!/bin/sh
# test_incident: the incident process end to end with the real binary and
# a pinned clock ($FIRSTLINE_NOW): recording (required fields refused with
# 65), task templates, the lifecycle and its refusals, back-dated notes
# that keep both times, clock events, observables shared and searched
# across incidents, evidence with its chain of custody and verification
# after tampering, the DORA classification (a major one, one classified
# after the 24-hour mark, recurring ones offered for aggregation), the
# running clocks across incidents in order of urgency, the notices the
# ISO gets (checked in the outbox), the report (Markdown and escaped HTML),
# the DORA export, configurable clock rules, and every refusal leaving the
# database exactly as it was.
. "$FL_TOP/tests/cli/lib.sh"

export FIRSTLINE_NOW=2026-03-02T08:00:00Z # a Monday
# json EXPR: evaluate a Python expression over the JSON on stdin (as j)
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
# unchanged DESC CODE CMD...: the command exits CODE and the database is
# exactly as before
unchanged() {
	d=$1 e=$2; shift 2
	dbdump test.db >before.sql
	check_exit "$d" "$e" "$@"
	dbdump test.db >after.sql
	if cmp -s before.sql after.sql; then ok "$d: database unchanged"; else
		not_ok "$d: database unchanged"; diff before.sql after.sql | head -5 | sed 's/^/#   /'; fi
}
# notices EVENT REF: how many messages the outbox holds for them
notices() {
	fl notify list --json | json "len([m for m in j if m['event'] == '$1' and m['ref'] == 'incident:$2'])"
}
I1=IR-2026-0001 I2=IR-2026-0002 I3=IR-2026-0003 I4=IR-2026-0004

check_exit "init" 0 fl init
fixture() { "$@" >>fixture.txt 2>&1 || echo "failed: $*" >>fixture.bad; }
fixture fl entity add BANK --name "Example Bank AG" --regime dora
fixture fl entity add SHOP --name "Example Shop GmbH" --regime nis2
fixture fl person add --email hana@example.org --name "Hana Handler" --role itso --entity BANK
fixture fl person add --email ines@example.org --name "Ines Iso" --role iso --entity BANK
fixture fl person add --email olga@example.org --name "Olga Staff" --role staff --entity BANK
fixture fl asset add web-01 --entity BANK --ip 198.51.100.20
fixture fl risk add --title "Phishing of payment staff" --entity BANK
check "fixtures made with the org and risk commands" "" "$(cat fixture.bad 2>/dev/null)"

# ---- help -------------------------------------------------------------------
bad=""
for v in new list show set move note event task observable search evidence \
	classify link clocks clock-rules report export; do
	fl incident "$v" --help >help.txt 2>&1 && grep -q "^usage: firstline" help.txt ||
		bad="$bad $v"
done
check "every incident verb answers --help" "" "$bad"

# ---- new -----------------------------------------------------------------------
check_exit "record a high phishing incident" 0 fl incident new \
	--title "Phishing wave against payments staff" --category phishing \
	--severity high --entity BANK --handler hana@example.org \
	--reporter olga@example.org --asset web-01 --services "payments portal"
check "the first reference of the year" "$I1" "$(cat out.txt)"
unchanged "no title: refused" 65 fl incident new --category phishing --severity high
check_grep "names the missing title" "needs a title" err.txt
unchanged "no category: refused" 65 fl incident new --title x --severity high
check_grep "names the missing category" "needs a category" err.txt
unchanged "no severity: refused" 65 fl incident new --title x --category malware
check_grep "names the missing severity" "needs a severity" err.txt
unchanged "unknown category: refused" 65 fl incident new --title x --category ransomware --severity low
unchanged "unknown entity: refused" 65 fl incident new --title x --category malware --severity low --entity NOPE
check_grep "names the entity" "unknown entity 'NOPE'" err.txt
unchanged "unknown handler: refused" 65 fl incident new --title x --category malware --severity low --handler nobody@example.org
unchanged "unknown asset: refused" 65 fl incident new --title x --category malware --severity low --asset nope-01
unchanged "TLP:WHITE: refused with the TLP 2.0 name" 65 fl incident new --title x --category malware --severity low --tlp WHITE
check_grep "says CLEAR" "calls it CLEAR" err.txt
unchanged "awareness in the future: refused" 65 fl incident new --title x --category malware --severity low --aware 2026-03-03T00:00:00Z
check_exit "a yes/no option takes yes or no" 64 fl incident new --title x --category malware --severity low --dora maybe

check "six tasks from the phishing template, owned by the handler" \
	"6 Block the sender, the look-alike domains and the linked URLs at the mail and web gateways|hana@example.org|2026-03-02T09:00:00Z|phishing" \
	"$(fl incident task list $I1 --json | json '"%d %s|%s|%s|%s" % (len(j), j[0]["title"], j[0]["owner"], j[0]["due"], j[0]["template"])')"
check "the ISO gets a new high incident (incident.new)" 1 "$(notices incident.new $I1)"
check "the notice carries its severity" "high" \
	"$(fl notify list --json | json '[m["severity"] for m in j if m["event"] == "incident.new"][0]')"

check_exit "record a medium malware incident at the shop, aware earlier" 0 fl incident new \
	--title "Malware on a till" --category malware --severity medium --entity SHOP \
	--aware 2026-03-02T07:30:00Z
check "second reference" "$I2" "$(cat out.txt)"
check "a medium incident is not announced" 0 "$(notices incident.new $I2)"
check "the shop's incident is under NIS2, the bank's under DORA" "False True|True False" \
	"$(fl incident show $I2 --json | json 'str(j["incident"]["dora"]) + " " + str(j["incident"]["nis2"])')|$(fl incident show $I1 --json | json 'str(j["incident"]["dora"]) + " " + str(j["incident"]["nis2"])')"
check "list --json, newest awareness first" "$I1:high:detected|$I2:medium:detected" \
	"$(fl incident list --json | json '"|".join("%s:%s:%s" % (i["ref"], i["severity"], i["state"]) for i in j)')"
check "list --severity filters" "$I2" "$(fl incident list --severity medium --json | json '",".join(i["ref"] for i in j)')"
check_exit "list --state takes a state" 65 fl incident list --state open

# ---- lifecycle -------------------------------------------------------------------
unchanged "detected -> contained skips triage: refused" 65 fl incident move $I1 contained
check_grep "says what comes next" "the next state is triaged" err.txt
export FIRSTLINE_NOW=2026-03-02T09:00:00Z
check_exit "triaged, back-dated" 0 fl incident move $I1 triaged --at 2026-03-02T08:20:00Z
check "the transition keeps its time" "2026-03-02T08:20:00Z" \
	"$(fl incident show $I1 --json | json 'j["incident"]["triaged_at"]')"
unchanged "a high incident skipping containment without a reason: refused" 65 fl incident move $I1 eradicated
check_grep "says why" "may not skip containment without a reason" err.txt
unchanged "a move dated before the current state: refused" 65 fl incident move $I1 contained --at 2026-03-02T08:10:00Z
check_exit "contained" 0 fl incident move $I1 contained
unchanged "moving back: refused" 65 fl incident move $I1 triaged
unchanged "an unknown state: refused" 65 fl incident move $I1 solved
unchanged "an unknown incident: refused" 65 fl incident move IR-2026-0099 triaged

check_exit "a note back-dated to when it happened" 0 fl incident note $I1 \
	"Olga forwarded the mail to the service desk" --at 2026-03-02T07:50:00Z
check "both times are kept" "2026-03-02T07:50:00Z 2026-03-02T09:00:00Z tester note" \
	"$(fl incident show $I1 --json | json '[" ".join((e["at"], e["recorded_at"], e["author"], e["kind"])) for e in j["timeline"] if e["text"].startswith("Olga")][0]')"
check "and it sorts by when it happened" "Olga forwarded the mail to the service desk" \
	"$(fl incident show $I1 --json | json 'j["timeline"][0]["text"]')"
check_exit "a decision" 0 fl incident note $I1 "Block the domain group-wide" --decision
unchanged "a note in the future: refused" 65 fl incident note $I1 "later" --at 2026-03-02T10:00:00Z
check "the timeline merges the outbox" "1" \
	"$(fl incident show $I1 --json | json 'len([e for e in j["timeline"] if e["source"] == "outbox" and "incident.new" in e["text"]])')"

check_exit "the ISO was informed at 08:40" 0 fl incident event $I1 iso-informed --at 2026-03-02T08:40:00Z --detail "phone call"
unchanged "informed twice: refused" 65 fl incident event $I1 iso-informed
unchanged "an unknown event: refused" 65 fl incident event $I1 lunch
unchanged "an intermediate report before the initial one: refused" 65 fl incident event $I1 dora-intermediate
check "the internal clock is met" "internal iso-informed met 2026-03-02T12:00:00Z" \
	"$(fl incident clocks $I1 --json | json '[" ".join((c["regime"], c["clock"], c["status"], c["deadline"])) for c in j if c["regime"] == "internal"][0]')"

# ---- observables --------------------------------------------------------------------
check_exit "an IP" 0 fl incident observable add $I1 ip 198.51.100.7
check_exit "a defanged domain" 0 fl incident observable add $I1 domain 'Evil[.]Example'
check_exit "a URL marked RED" 0 fl incident observable add $I1 url 'hxxps://Evil.Example/Login' --tlp red
check_exit "the same IP, defanged, at the shop" 0 fl incident observable add $I2 ip '198[.]51[.]100[.]7'
check_grep "known already" "seen before" out.txt
check "stored once, normalised" "ip:198.51.100.7:AMBER:1|domain:evil.example:AMBER:0|url:https://evil.example/Login:RED:0" \
	"$(fl incident observable list $I1 --json | json '"|".join("%s:%s:%s:%d" % (o["type"], o["value"], o["tlp"], o["other_incidents"]) for o in sorted(j, key=lambda o: ("ip", "domain", "url").index(o["type"])))')"
check "search finds every incident that saw it" "$I1,$I2" \
	"$(fl incident search --observable 198.51.100.7 --json | json '",".join(sorted(r["incident"] for r in j))')"
check "search in another spelling" "$I1" \
	"$(fl incident search --observable EVIL.EXAMPLE. --json | json '",".join(r["incident"] for r in j)')"
unchanged "a hash of no known length: refused" 65 fl incident observable add $I1 hash abc123
unchanged "an unknown type: refused" 65 fl incident observable add $I1 mutex x
check_exit "search needs --observable" 64 fl incident search

# ---- evidence -------------------------------------------------------------------------
printf 'From: ceo@evil.example\nSubject: urgent payment\n' >mail.eml
printf 'not really a disk image\n' >disk.img
check_exit "register the mail" 0 fl incident evidence add $I1 mail.eml --by hana@example.org --location "evidence locker 3"
check "with its SHA-256" "evidence 1: sha256 $(sha256sum mail.eml | cut -d' ' -f1), $(wc -c <mail.eml | tr -d ' ') bytes" "$(cat out.txt)"
check_exit "register the image" 0 fl incident evidence add $I1 disk.img --by hana@example.org --location "evidence locker 3" --description "laptop image"
unchanged "evidence without a collector: refused" 65 fl incident evidence add $I1 mail.eml --location x
unchanged "evidence of a missing file: refused" 66 fl incident evidence add $I1 nothing.bin --by hana@example.org --location x
check_exit "verify: all match" 0 fl incident evidence verify $I1
check "both match" "match,match" "$(fl incident evidence verify $I1 --json | json '",".join(r["result"] for r in j)')"
check_exit "hand the mail to the ISO for analysis" 0 fl incident evidence handover $I1 1 \
	--to ines@example.org --purpose "forensic analysis" --location "forensics lab"
unchanged "a hand-over to the holder: refused" 65 fl incident evidence handover $I1 1 --to ines@example.org --purpose again
unchanged "a hand-over to nobody known: refused" 65 fl incident evidence handover $I1 1 --to nobody@example.org --purpose x
check "the chain of custody" "1:None>hana@example.org:collected|1:hana@example.org>ines@example.org:forensic analysis|2:None>hana@example.org:collected" \
	"$(fl incident show $I1 --json | json '"|".join("%d:%s>%s:%s" % (c["evidence"], c["from"], c["to"], c["purpose"]) for c in j["custody"])')"
check "the holder and place follow the hand-over" "ines@example.org forensics lab" \
	"$(fl incident evidence list $I1 --json | json 'j[0]["holder"] + " " + j[0]["location"]')"
printf 'X-Tampered: yes\n' >>mail.eml
rm disk.img
check_exit "verify after tampering and a deletion exits 65" 65 fl incident evidence verify $I1
check "mismatch and missing" "mismatch,missing" "$(grep -o 'mismatch\|missing' out.txt | tr '\n' ',' | sed 's/,$//')"
check "the check is on the timeline" "evidence verified: 0 match, 1 mismatch, 1 missing, 0 unreadable: 1 mail.eml (mismatch), 2 disk.img (missing)" \
	"$(fl incident show $I1 --json | json '[e["text"] for e in j["timeline"] if e["text"].startswith("evidence verified")][-1]')"

# ---- links ---------------------------------------------------------------------------------
check_exit "link a risk (the asset is linked already)" 0 fl incident link $I1 --risk R-0001 --asset web-01
check_grep "one new link" "1 link added" out.txt
unchanged "an unknown risk: refused" 65 fl incident link $I1 --risk R-0099
unchanged "an unknown finding: refused" 65 fl incident link $I1 --finding 42
unchanged "an unknown asset refuses the whole link" 65 fl incident link $I1 --risk R-0001 --asset nope-01
check_exit "a scanner report to link findings from" 0 fl vuln import "$FL_TOP/data/demo/nessus-internal-q3.nessus"
check_exit "link a finding" 0 fl incident link $I1 --finding F-1
check "links" "asset:web-01|finding:1|risk:R-0001" \
	"$(fl incident show $I1 --json | json '"|".join("%s:%s" % (l["kind"], l["key"]) for l in j["links"])')"

# ---- DORA classification -----------------------------------------------------------------
export FIRSTLINE_NOW=2026-03-02T09:30:00Z
check_exit "classify the phishing wave" 0 fl incident classify $I1 --critical-functions \
	--clients 150000 --clients-share 12 --duration 30 --states DE,AT --member-states 2 --json
cp out.txt classify.json
check "major, and which criteria fired" "True True critical_services,clients,duration,geographical" \
	"$(json '"%s %s %s" % (j["major"], j["became_major"], ",".join(j["fired"]))' <classify.json)"
check "the classification time starts the DORA clocks" "2026-03-02T09:30:00Z" \
	"$(json 'j["classified_major_at"]' <classify.json)"
check "the articles of the criteria" "Art. 6,Art. 9(1),Art. 9(3),Art. 9(4)" \
	"$(json '",".join(c["article"] for c in j["criteria"] if c["met"])' <classify.json)"
check "the ISO gets the major classification (incident.major)" 1 "$(notices incident.major $I1)"
check "the initial notification is due in 4 hours" "running 2026-03-02T13:30:00Z False" \
	"$(fl incident clocks $I1 --json | json '[" ".join((c["status"], c["deadline"], str(c["capped"]))) for c in j if c["clock"] == "initial-notification"][0]')"
check_exit "classify again, adding media coverage" 0 fl incident classify $I1 --media
check_grep "the earlier inputs are kept" "reputational       Art. 9(2)      met" out.txt
check "still one incident.major" 1 "$(notices incident.major $I1)"
unchanged "a share above 100 %: refused" 65 fl incident classify $I1 --clients-share 120
unchanged "an unknown Member State: refused" 65 fl incident classify $I1 --states DE,XX
check_exit "a share is a number" 64 fl incident classify $I1 --clients-share lots

check_exit "an outage at the bank, aware Monday 08:00" 0 fl incident new --title "Card payments down" \
	--category denial-of-service --severity low --entity BANK --aware 2026-03-02T08:00:00Z
check_exit "a breach at the bank, aware Monday 08:00" 0 fl incident new --title "Customer data exposed" \
	--category data-breach --severity low --entity BANK --aware 2026-03-02T08:00:00Z --personal-data yes
check "a personal-data breach runs the GDPR clock from awareness" "GDPR authority-notification 2026-03-05T08:00:00Z" \
	"$(fl incident clocks $I4 --json | json '[" ".join((c["regime"], c["clock"], str(c["deadline"]))) for c in j if c["regime"] == "GDPR"][0]')"

export FIRSTLINE_NOW=2026-03-02T12:00:00Z
check_exit "the DORA initial notification was sent" 0 fl incident event $I1 dora-initial --detail "BaFin portal"
export FIRSTLINE_NOW=2026-03-02T10:00:00Z
unchanged "an event after now: refused" 65 fl incident event $I2 nis2-aware --at 2026-03-02T11:00:00Z
check_exit "the shop's incident is significant under NIS2" 0 fl incident event $I2 nis2-aware

export FIRSTLINE_NOW=2026-03-03T14:00:00Z
check_exit "the outage is classified major after the 24-hour mark" 0 fl incident classify $I3 \
	--critical-functions --malicious-access --access-data-loss
check "4 hours from classification: the awareness bound has lapsed" "2026-03-03T14:00:00Z 2026-03-03T18:00:00Z False running" \
	"$(fl incident clocks $I3 --json | json '[" ".join((c["start"], c["deadline"], str(c["capped"]), c["status"])) for c in j if c["clock"] == "initial-notification"][0]')"
check_exit "the breach was classified major before the 24-hour mark (back-dated)" 0 fl incident classify $I4 \
	--critical-functions --malicious-access --access-data-loss --at 2026-03-03T05:00:00Z
check "the 24-hour bound applies, and has passed" "2026-03-03T08:00:00Z True breached" \
	"$(fl incident clocks $I4 --json | json '[" ".join((c["deadline"], str(c["capped"]), c["status"])) for c in j if c["clock"] == "initial-notification"][0]')"

# ---- clocks across incidents -------------------------------------------------------------
fl incident clocks --json >clocks.json
check "every owed clock, most urgent first" \
	"$I2:internal:iso-informed:breached $I4:DORA:initial-notification:breached $I2:NIS2:early-warning:breached $I3:DORA:initial-notification:running $I4:GDPR:authority-notification:running $I2:NIS2:incident-notification:running $I1:DORA:intermediate-report:running $I3:internal:iso-informed:running $I4:internal:iso-informed:running" \
	"$(json '" ".join("%s:%s:%s:%s" % (c["incident"], c["regime"], c["clock"], c["status"]) for c in j)' <clocks.json)"
check "each with time left and elapsed share" "-6h30m 4h00m 0" \
	"$(json '" ".join(str(c[k]) for c, k in ((j[0], "time_left"), (j[3], "time_left"), (j[3], "elapsed_pct")))' <clocks.json)"
check "--due-within 4h: the breached and what falls due within 4 hours" \
	"$I2:iso-informed $I4:initial-notification $I2:early-warning $I3:initial-notification" \
	"$(fl incident clocks --due-within 4h --json | json '" ".join("%s:%s" % (c["incident"], c["clock"]) for c in j)')"
check_exit "--due-within takes a span" 64 fl incident clocks --due-within soon
check_exit "the clocks as a table" 0 fl incident clocks
check_grep "with the regime" "NIS2      early-warning" out.txt
# breached SUBJECT-PART REF: clock.breached messages about one clock
breached() {
	fl notify list --json | json "len([m for m in j if m['event'] == 'clock.breached' and m['ref'] == 'incident:$2' and '$1' in m['subject']])"
}
check "each breach goes to the ISO once" "1 1 1 1" \
	"$(echo $(breached "internal iso-informed" $I2) $(breached "NIS2 early-warning" $I2) $(breached "DORA initial-notification" $I4) $(fl incident list >/dev/null; breached "internal iso-informed" $I2))"

# ---- recurring incidents ----------------------------------------------------------------------
for t in "Certificate expired on the API gateway" "Certificate expired on the login service"; do
	fixture fl incident new --title "$t" --category other --severity low --entity BANK
done
fixture fl incident set IR-2026-0005 --cause-key Expired-Certificate
fixture fl incident set IR-2026-0006 --cause-key expired-certificate
fixture fl incident classify IR-2026-0005 --critical-functions --downtime 3 --clients-share 6
check "recurring fixtures" "" "$(cat fixture.bad 2>/dev/null)"
check_exit "each alone is not major" 0 fl incident classify IR-2026-0006 --critical-functions --downtime 3 --clients-share 6 --json
check "not major, but together major and offered for aggregation" "False IR-2026-0005,IR-2026-0006 critical_services, clients, duration" \
	"$(json '"%s %s %s" % (j["major"], ",".join(r["ref"] for r in j["recurring"]), j["recurring_criteria"])' <out.txt)"
check_exit "show offers it too" 0 fl incident show IR-2026-0006
check_grep "in words" "offered for aggregation" out.txt

# ---- report ------------------------------------------------------------------------------------
check_exit "a description with markup" 0 fl incident set $I1 --description '<script>alert("x")</script> & co'
check_exit "report as Markdown" 0 fl incident report $I1 --format md -o report.md
check_grep "md: title" "^# Incident report IR-2026-0001: Phishing wave against payments staff" report.md
check_grep "md: criteria that fired" "| clients | Art. 9(1) | met |" report.md
check_grep "md: clocks and whether met" "| internal | iso-informed | 2026-03-02T08:00:00Z | 2026-03-02T12:00:00Z | 2026-03-02T08:40:00Z | met |" report.md
check_grep "md: the back-dated note with both times" "| 2026-03-02T07:50:00Z | 2026-03-02T09:00:00Z | note | tester | Olga forwarded the mail to the service desk |" report.md
check_grep "md: evidence with its hash" "$(sha256sum disk.img 2>/dev/null | cut -d' ' -f1)" report.md
check_grep "md: markup escaped" '&lt;script&gt;alert("x")&lt;/script&gt; &amp; co' report.md
check_exit "report as HTML" 0 fl incident report $I1 --format html --output report.html
check_grep "html: a document" "^<!DOCTYPE html>" report.html
check_grep "html: markup escaped" "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" report.html
check "html: no script, nothing fetched" "0" "$(grep -c '<script\|src=\|<link\|url(' report.html)"
check_grep "html: the TLP marking" 'class="tlp tlp-AMBER">TLP:AMBER' report.html
check_grep "html: observables" "<td>https://evil.example/Login</td><td>RED</td>" report.html
check_exit "report takes md or html" 64 fl incident report $I1 --format pdf

# ---- DORA export ----------------------------------------------------------------------------------
check_exit "export the DORA template" 0 fl incident export $I1 --dora -o dora.json
check "the stage after the initial notification" "intermediate intermediate report" \
	"$(json 'j["stage"] + " " + j["fields"]["1.1"]["value"]' <dora.json)"
check "fields 2.1 and 2.3" "$I1 2026-03-02T09:30:00Z" \
	"$(json 'j["fields"]["2.1"]["value"] + " " + j["fields"]["2.3"]["value"]' <dora.json)"
check "field 2.5: the criteria in the template's words" \
	"critical services affected|clients, financial counterparts and transactions affected|reputational impact|duration and service downtime|geographical spread" \
	"$(json '"|".join(j["fields"]["2.5"]["value"])' <dora.json)"
check "fields 2.6, 3.4, 3.5, 3.15" "DE,AT 150000 12.0 01:06:00" \
	"$(json '",".join(j["fields"]["2.6"]["value"]) + " %d %.1f %s" % (j["fields"]["3.4"]["value"], j["fields"]["3.5"]["value"], j["fields"]["3.15"]["value"])' <dora.json)"
check "field 3.35: indicators, without the RED one" "domain:evil.example,ip:198.51.100.7" \
	"$(json '",".join(j["fields"]["3.35"]["value"])' <dora.json)"
check "what the record cannot fill is listed" "True True" \
	"$(json 'str("1.3" in j["missing"]) + " " + str(j["fields"]["1.3"]["value"] is None)' <dora.json)"
check "no final-report fields yet" "False" "$(json 'str("4.5" in j["fields"])' <dora.json)"
check "--stage initial" "initial False" \
	"$(fl incident export $I1 --dora --stage initial | json 'j["stage"] + " " + str("3.4" in j["fields"])')"
check_exit "a non-major incident has no DORA report" 65 fl incident export $I2 --dora
check_exit "export needs --dora" 64 fl incident export $I1

# ---- closing -------------------------------------------------------------------------------------
export FIRSTLINE_NOW=2026-03-04T10:00:00Z
check_exit "eradicated" 0 fl incident move $I1 eradicated
check_exit "recovered" 0 fl incident move $I1 recovered
unchanged "closing without root cause and lessons: refused" 65 fl incident move $I1 closed
check_grep "says what is missing" "closing needs a root cause and lessons learned" err.txt
check_exit "root cause and lessons" 0 fl incident set $I1 --root-cause "credentials entered on a look-alike domain" \
	--root-cause-type human-error --lessons "block newly registered domains at the proxy"
check_exit "closed" 0 fl incident move $I1 closed
unchanged "a closed incident takes no changes" 65 fl incident set $I1 --severity low
unchanged "and no moves" 65 fl incident move $I1 recovered
unchanged "and no new tasks" 65 fl incident task add $I1 "one more thing"
check_exit "notes remain possible" 0 fl incident note $I1 "final report submitted to the authority next"
check_exit "a low incident skips containment without a reason" 0 sh -c \
	"fl() { \"\$FIRSTLINE\" \"\$@\"; }; fl incident move IR-2026-0005 triaged && fl incident move IR-2026-0005 eradicated"
check "task done" "done" "$(fl incident task done $I2 1 >/dev/null; fl incident task list $I2 --json | json 'j[0]["status"]')"
unchanged "a task done twice: refused" 65 fl incident task done $I2 1

# ---- a raised severity, configurable clock rules -------------------------------------------------
check_exit "raise the shop's incident to critical" 0 fl incident set $I2 --severity critical --at 2026-03-04T09:30:00Z
check "the raise goes to the ISO" 1 "$(notices incident.new $I2)"
check "and restarts the ISO clock: 1 hour from the raise" "2026-03-04T09:30:00Z 2026-03-04T10:30:00Z" \
	"$(fl incident clocks $I2 --json | json '[c["start"] + " " + c["deadline"] for c in j if c["regime"] == "internal"][0]')"
fl incident clock-rules | sed 's/^internal iso-informed aware,severity-set 1h severity=critical/internal iso-informed aware,severity-set 2h severity=critical/' >rules.conf
check_exit "ISO clock for critical incidents: 2 hours" 0 fl incident clock-rules --set rules.conf
check "the rules in force" "2026-03-04T11:30:00Z" \
	"$(fl incident clocks $I2 --json | json '[c["deadline"] for c in j if c["regime"] == "internal"][0]')"
printf 'DORA broken nothing 4h "x"\n' >bad.conf
unchanged "a malformed rule file: refused with its position" 65 fl incident clock-rules --set bad.conf
check_grep "file:line:col" "bad.conf:1:" err.txt
check_exit "back to the shipped rules" 0 fl incident clock-rules --default
check "shipped again" "2026-03-04T10:30:00Z" \
	"$(fl incident clocks $I2 --json | json '[c["deadline"] for c in j if c["regime"] == "internal"][0]')"

# ---- show, audit --------------------------------------------------------------------------------
check_exit "show as text" 0 fl incident show $I1
check_grep "clocks drawn" "^DORA      initial-notification" out.txt
check_grep "classification with articles" "clients            Art. 9(1)      met" out.txt
check_grep "a back-dated entry says when it was recorded" "\[recorded 2026-03-02T09:00:00Z\]" out.txt
check "every change is audited" "True" \
	"$(fl audit log --json | json 'str(all(any(e["action"] == a for e in j) for a in ("incident.create", "incident.move", "incident.note", "incident.event", "incident.observable", "incident.evidence", "incident.custody", "incident.classify", "incident.link", "incident.update", "incident.task-done", "incident.clock-rules")))')"
check_exit "the audit chain holds" 0 fl audit verify
done_testing
