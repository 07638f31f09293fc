# test_demo: the README's first command builds a workspace a new user can
# follow, and the README's tour works on it.
. "$FL_TOP/tests/cli/lib.sh"

fl demo --dir ws >demo.txt 2>demo.err; c=$?
check "demo exits 0" 0 "$c"
export FIRSTLINE_DB=$PWD/ws/firstline.db
check_grep "summary names the escalations" "Risks awaiting the ISO" demo.txt
check_grep "summary says what to try next" "Try next" demo.txt
check_grep "the expired acceptance reopens by itself" "risk R-0007 acceptance expired" demo.err
check_exit "a second demo without --force is refused" 64 fl demo --dir ws
check_exit "--force rebuilds it" 0 fl demo --dir ws --force

count() { python3 -c "import json,sys; print(len(json.load(sys.stdin)))"; }
check "5 entities" 5 "$(fl entity list --json | count)"
check "11 people" 11 "$(fl person list --json | count)"
check "15 assets and one the scans discovered" "16" "$(fl asset list --json | count)"
check "32 Group controls" 32 "$(fl catalog stats --json | python3 -c 'import json,sys; print([c["controls"] for c in json.load(sys.stdin) if c["id"]=="group-controls"][0])')"
check "12 risks, one closed" "12 1" "$(fl risk list --all --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), sum(1 for x in r if x["status"]=="closed"))')"
check "every state is shown" "accepted assessed avoided closed identified transferred treating" \
	"$(fl risk list --all --json | python3 -c 'import json,sys; print(" ".join(sorted({x["status"] for x in json.load(sys.stdin)})))')"
check "R-0007 was reopened" "assessed" "$(fl risk show R-0007 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
check "escalations await the ISO" "11" "$(fl risk escalations --json | count)"
check "an overdue control implementation shows" "2" "$(fl control status --json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r.get("overdue")))')"
check "one expired evidence" "1" "$(fl control evidence list --expired --json | count)"
check_exit "the audit chain is intact" 0 fl audit verify

# vulnerabilities: two quarterly scans, an image scan, KEV and EPSS
check_grep "summary shows the overdue P1 findings" "overdue P1 findings" demo.txt
check "3 scans imported" 3 "$(fl vuln scans --json | count)"
check "Q4 re-scan: 3 fixed, 2 not seen (dc01 not reached), 1 new" "3 2 1" \
	"$(fl vuln scans --json | python3 -c 'import json,sys; s=json.load(sys.stdin)[2]; print(s["fixed"], s["not_seen"], s["created"])')"
check "the unknown host became a discovered asset" "discovered" \
	"$(fl asset show 10.20.9.99 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
check "overdue P1s: Zerologon, Log4Shell, Tomcat, PAN-OS, glibc" \
	"CVE-2020-1472 CVE-2021-44228 CVE-2023-44487 CVE-2024-2961 CVE-2024-3400" \
	"$(fl vuln list --overdue --priority P1 --json | python3 -c 'import json,sys; print(" ".join(sorted(f["cve"] for f in json.load(sys.stdin))))')"
check "a KEV finding is due on CISA's date" "2024-04-19" \
	"$(fl vuln list --json | python3 -c 'import json,sys; print([f["due"] for f in json.load(sys.stdin) if f["cve"]=="CVE-2024-3400"][0])')"
check "the false positive is out of the open list" "false_positive" \
	"$(fl vuln show 8 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
check "escalation candidates: the uncovered overdue P1s" "4" \
	"$(fl vuln escalate --dry-run --json | count)"
check_exit "tour: vuln show" 0 fl vuln show 7
check_exit "tour: vuln stats" 0 fl vuln stats
check_exit "tour: escalate --dry-run" 0 fl vuln escalate --dry-run
check_grep "the PAN-OS finding is covered by R-0004" "R-0004" "$(fl vuln show 9 >show9.txt; echo show9.txt)"
check_exit "tour: sla" 0 fl vuln sla --set P1=14

# the README's tour, on this workspace
check_exit "tour: asset by hostname" 0 fl asset show vpn.nordhafen.example
check_exit "tour: person list --role iso" 0 fl person list --role iso
check_exit "tour: search" 0 fl catalog search backup
check_exit "tour: risk add" 0 fl risk add --title "Ransomware on the payment gateway" --entity BANK --owner jonas.berg@nordhafen.example --asset payments-gateway --control GC-BCM-01
check_grep "tour: the new risk is R-0013" "R-0013" out.txt
check_exit "tour: assess inherent" 0 fl risk assess R-0013 --likelihood 4 --impact 5
check_exit "tour: assess residual" 0 fl risk assess R-0013 --residual --likelihood 2 --impact 5
check_exit "tour: accept" 0 fl risk treat R-0013 --accept --approver clara.weiss@nordhafen.example --justification "Compensating monitoring until Q2" --expires 2099-03-31
esc=$(fl risk escalations --json | python3 -c 'import json,sys; print([e["id"] for e in json.load(sys.stdin) if e["ref"]=="R-0013"][0])')
check_exit "tour: the ISO acknowledges" 0 fl risk ack "$esc" --by clara.weiss@nordhafen.example
check_exit "tour: heatmap --both" 0 fl risk heatmap --both
check_exit "tour: due" 0 fl risk due
check_exit "tour: matrix" 0 fl risk matrix
echo evidence >vault-report.pdf
check_exit "tour: implement" 0 fl control implement GC-IAM-05 --entity BANK --owner jonas.berg@nordhafen.example --status partial --due 2099-03-31
check_exit "tour: evidence add" 0 fl control evidence add GC-IAM-05 --entity BANK --file vault-report.pdf --expires 2099-11-30
check_exit "tour: control test" 0 fl control test GC-IAM-05 --entity BANK --kind design --date 2026-11-20 --tester peter.haas@nordhafen.example --method inspection --result effective
check_exit "tour: evidence verify (the demo's policy file is unchanged)" 0 fl control evidence verify
check_exit "tour: audit log" 0 fl --as maren.falk audit log --newest --limit 20
check_exit "tour: audit head" 0 fl audit head
check_exit "tour: audit verify after the tour" 0 fl audit verify

# incidents: four in different states, one major under DORA near its deadline
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
check "four incidents by hand, five opened by detection, their states" \
	"closed contained triaged triaged detected detected detected detected detected" \
	"$(fl incident list --json | j '" ".join(i["state"] for i in sorted(d, key=lambda i: i["ref"]))')"
ir2=$(fl incident list --json | j '[i["ref"] for i in d if i["title"].startswith("Ransomware")][0]')
# detection: the shipped Linux rules over the demo's auth.log
check "detection: the alerts of the shipped rules, with their counts" \
	"high Burst of sudo password failures by one user on one host db-02 5;high New local user added to the sudo group within 10 minutes bastion-01 2;medium SSH brute force against a host from one source bastion-01 14;critical SSH login after brute force from the same source bastion-01 2;high SSH password spraying from one source  11;" \
	"$(fl detect alerts --json | j '"".join("%s %s %s %d;" % (a["level"], a["title"], a["host"], a["count"]) for a in sorted(d, key=lambda a: a["title"]))')"
check "detection: every alert opened an incident, the critical one for the root login" \
	"5 critical" \
	"$(fl incident list --json | j '"%d %s" % (sum(1 for i in d if i["state"] == "detected"), [i["severity"] for i in d if i["title"].startswith("SSH login after brute force")][0])')"
check "the ransomware incident is major under DORA" "true" \
	"$(fl incident list --json | j 'str([i["major"] for i in d if i["ref"] == "'"$ir2"'"][0]).lower()')"
check "its initial notification is due within the hour and past 75%" "running True" \
	"$(fl incident clocks --due-within 1h --json | j '" ".join(c["status"] + " " + str(c["elapsed_pct"] >= 75) for c in d if c["incident"] == "'"$ir2"'" and c["regime"] == "DORA")')"
check "the closed incident has its root cause and lessons" "True True" \
	"$(fl incident show "$(fl incident list --json | j '[i["ref"] for i in d if i["state"] == "closed"][0]')" --json | j 'bool(d["incident"]["root_cause"]), bool(d["incident"]["lessons_learned"])')"
check "the ISO's outbox holds the major incident and the warning" "1 1" \
	"$(fl notify list --ref "incident:$ir2" --json | j 'sum(m["event"] == "incident.major" for m in d), sum(m["event"] == "clock.warning" and "DORA" in m["subject"] for m in d)')"
check_grep "summary shows the running clocks" "Running clocks, most urgent first" demo.txt
check_grep "summary shows what the ISO is told" "What the ISO is told" demo.txt

if have_corpus; then
	C=$FL_CORPUS/catalogs
	check_exit "tour: import 800-53" 0 fl catalog import "$C/nist-sp800-53r5/NIST_SP-800-53_rev5_catalog.json"
	check_exit "tour: import LOW baseline" 0 fl catalog import "$C/nist-sp800-53r5/baselines/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json"
	check_exit "tour: import CSF" 0 fl catalog import "$C/nist-csf-2.0/NIST_CSF_v2.0_catalog.xml"
	check_exit "tour: coverage summary" 0 fl catalog coverage --framework nist-800-53r5 --baseline nist-800-53r5-low --summary
	check_exit "tour: coverage gaps" 0 fl catalog coverage --framework nist-800-53r5 --baseline nist-800-53r5-low --gaps
	check_exit "tour: show AC-2" 0 fl catalog show AC-2
	check_exit "tour: eramba controls" 0 fl catalog import-csv "$C/eramba-grc-templates/internal_controls.csv" --key eramba --id-column Title --title-column Title --text-column Description --objectives-column "Audit Methodology"
	check_exit "tour: eramba mappings" 0 fl catalog import-csv "$C/eramba-grc-templates/mapping_controls_to_requirements.csv" --key eramba --id-column "Control Title" --title-column "Control Title" --existing-only --map-column "nist-800-53r5=NIST 800-53 Rev5" --map-column "iso27001-2022=ISO 27002:2022"
	check_exit "tour: unresolved mappings" 0 fl catalog mappings eramba --unresolved
else
	skip "tour: catalogue imports" "skipped: no corpus"
fi
done_testing
