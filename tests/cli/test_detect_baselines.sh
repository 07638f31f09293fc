# test_detect_baselines: our detections against Zircolite 3.7.0's
# (corpus/baselines/), per rule and event, with tests/cli/compare_baselines.py.
# The agreement figures are asserted exactly, so that a change in what we
# detect shows here; and every difference must fall into a class that
# docs/detection.md ("Agreement with Zircolite") explains, with the rule-level
# reasons in tests/fixtures/detect/baselines/classes.tsv.
. "$FL_TOP/tests/cli/lib.sh"

if ! have_corpus || [ ! -d "$FL_CORPUS/baselines" ]; then
	skip "baselines" "skipped: no corpus"
	done_testing
	exit 0
fi
fx=$FL_TOP/tests/fixtures/detect/baselines
cmp=$FL_TOP/tests/cli/compare_baselines.py
doc=$FL_TOP/docs/detection.md
sg=$FL_CORPUS/sigma
bl=$FL_CORPUS/baselines
otrf=$FL_CORPUS/jsonl/otrf-security-datasets

# the rules we load, with ids, levels and logsources
check_exit "rules list --json over rules/" 0 fl detect rules list --json "$sg/rules"
mv out.txt rules.json

# the EVTX corpus, all levels, once: both EVTX baselines come from it (the
# sysmon-high one counts our high and critical alerts, as --min-level high
# would).  every-event.yml names the EventID and Channel of every record.
find "$FL_CORPUS/evtx" -name '*.evtx' -exec "$FIRSTLINE" detect run \
	--rules "$sg/rules" --rules "$fx/every-event.yml" {} + >evtx.jsonl 2>evtx.err
check "EVTX corpus: the run succeeds" "0" "$?"
check "EVTX corpus: every file and record read, libevtx's two failures too" \
	"firstline: detect: 356 files, 16622 events" \
	"$(grep 'detect: .* files' evtx.err | sed 's/, [0-9.]* MB in.*//')"
check "the two files libevtx cannot parse: 40 events read, no alert" "29 11 0" \
	"$(python3 -c '
import json, sys
n = {"ID4656-WS": 0, "ID1149-RDP": 0}; alerts = 0
for line in open("evtx.jsonl"):
    a = json.loads(line)
    for k in n:
        if ("/" + k) in a["source"]:
            if a["rule_id"] == "8d0c3a52-6f1e-4b7a-9c55-0b5e1a7e0ba5":
                n[k] += 1
            else:
                alerts += 1
print(n["ID4656-WS"], n["ID1149-RDP"], alerts)')"

# the OTRF JSON lines: high and above, as Zircolite's sysmon-high ruleset
check_exit "OTRF: detect run --min-level high" 0 \
	fl detect run --rules "$sg/rules" --min-level high "$otrf"
mv out.txt otrf.jsonl
check_exit "OTRF: every record indexed" 0 fl detect run --rules "$fx/every-event.yml" "$otrf"
mv out.txt otrf-index.jsonl

# compare NAME RULESET MIN-LEVEL ALERTS INDEX ROOT: the comparer's JSON in NAME.json
compare() {
	python3 "$cmp" --json --baseline "$bl/zircolite-3.7.0_$1.csv" \
		--ruleset "$2" --min-level "$3" --alerts "$4" --index "$5" \
		--root "$6" --rules rules.json --classes "$fx/classes.tsv" >"$1.json"
}
# field NAME EXPR: a value of NAME.json (d), printed by Python
field() {
	python3 -c "import json; d = json.load(open('$1.json')); print($2)"
}
# the section of docs/detection.md that explains the classes
awk '/^## / { on = ($0 == "## Agreement with Zircolite") } on' "$doc" >section.md
# explained NAME: every class of NAME's differences is explained there
explained() {
	missing=""
	for c in $(field "$1" '" ".join(sorted(set(d["classes"]) | set(d["absent_classes"])))'); do
		grep -q "\`$c\`" section.md || missing="$missing $c"
	done
	check "$1: every class is explained in docs/detection.md" "" "$missing"
}

compare evtx-corpus_sysmon-high sysmon high evtx.jsonl evtx.jsonl "$FL_CORPUS/evtx"
check "EVTX sysmon-high: rules on both sides, both, only ours, only theirs" \
	"183 4117 38 27" \
	"$(field evtx-corpus_sysmon-high 'd["rules_compared"], d["both"], d["only_ours"], d["only_theirs"]')"
check "EVTX sysmon-high: agreement" "98.45 99.28" \
	"$(field evtx-corpus_sysmon-high 'd["agreement"], d["agreement_same_logsources"]')"
check "EVTX sysmon-high: classes of the differences" \
	"registry-eventtype 24, rule-changed 3, sql-null 3, sysmon-only-mapping 35" \
	"$(field evtx-corpus_sysmon-high '", ".join("%s %d" % kv for kv in d["classes"].items())')"
check "EVTX sysmon-high: rules only Zircolite has, rules only we fired" "5 6 29 90" \
	"$(field evtx-corpus_sysmon-high 'd["baseline_rules_not_loaded"], d["baseline_events_not_loaded"], d["absent_rules"], d["absent_alerts"]')"
check "EVTX sysmon-high: classes of the rules only we fired" \
	"antivirus-fields 7, empty-value 2, eventid-qualifiers 13, hashes-field 30, hex-rendering 11, keyword-rule 6, sql-null 5, sysmon-only-mapping 16" \
	"$(field evtx-corpus_sysmon-high '", ".join("%s %d" % kv for kv in d["absent_classes"].items())')"
check "EVTX sysmon-high: every alert on a record read, classes file all used" "0 0 []" \
	"$(field evtx-corpus_sysmon-high 'd["alerts_outside_root"], d["alerts_not_indexed"], d["classes_rows_unused"]')"
explained evtx-corpus_sysmon-high

compare evtx-corpus_generic generic informational evtx.jsonl evtx.jsonl "$FL_CORPUS/evtx"
check "EVTX generic: rules on both sides, both, only ours, only theirs" \
	"98 3978 128 3" \
	"$(field evtx-corpus_generic 'd["rules_compared"], d["both"], d["only_ours"], d["only_theirs"]')"
check "EVTX generic: agreement" "96.81 99.57" \
	"$(field evtx-corpus_generic 'd["agreement"], d["agreement_same_logsources"]')"
check "EVTX generic: classes of the differences" \
	"audit-only-mapping 114, hex-rendering 1, rule-changed 3, sql-null 13" \
	"$(field evtx-corpus_generic '", ".join("%s %d" % kv for kv in d["classes"].items())')"
check "EVTX generic: rules only Zircolite has, rules only we fired" "2 4 291 990" \
	"$(field evtx-corpus_generic 'd["baseline_rules_not_loaded"], d["baseline_events_not_loaded"], d["absent_rules"], d["absent_alerts"]')"
check "EVTX generic: classes of the rules only we fired" \
	"antivirus-fields 7, audit-only-mapping 899, eventid-qualifiers 47, hex-rendering 18, keyword-rule 6, sql-null 13" \
	"$(field evtx-corpus_generic '", ".join("%s %d" % kv for kv in d["absent_classes"].items())')"
check "EVTX generic: every alert on a record read, classes file all used" "0 0 []" \
	"$(field evtx-corpus_generic 'd["alerts_outside_root"], d["alerts_not_indexed"], d["classes_rows_unused"]')"
explained evtx-corpus_generic

compare otrf-jsonl_sysmon-high sysmon high otrf.jsonl otrf-index.jsonl "$otrf"
check "OTRF sysmon-high: rules on both sides, both, only ours, only theirs" \
	"29 33 15 6" \
	"$(field otrf-jsonl_sysmon-high 'd["rules_compared"], d["both"], d["only_ours"], d["only_theirs"]')"
check "OTRF sysmon-high: agreement per event" "61.11 84.62" \
	"$(field otrf-jsonl_sysmon-high 'd["agreement"], d["agreement_same_logsources"]')"
check "OTRF sysmon-high: equal counts per (rule, file)" "14 30" \
	"$(field otrf-jsonl_sysmon-high 'd["rule_file_pairs_equal"], d["rule_file_pairs"]')"
check "OTRF sysmon-high: classes of the differences" \
	"level-changed 3, rule-changed 3, sysmon-only-mapping 15" \
	"$(field otrf-jsonl_sysmon-high '", ".join("%s %d" % kv for kv in d["classes"].items())')"
check "OTRF sysmon-high: rules only Zircolite has, rules only we fired" "1 1 1 5" \
	"$(field otrf-jsonl_sysmon-high 'd["baseline_rules_not_loaded"], d["baseline_events_not_loaded"], d["absent_rules"], d["absent_alerts"]')"
check "OTRF sysmon-high: classes of the rules only we fired" "keyword-rule 5" \
	"$(field otrf-jsonl_sysmon-high '", ".join("%s %d" % kv for kv in d["absent_classes"].items())')"
check "OTRF sysmon-high: every alert on a record read, classes file all used" "0 0 []" \
	"$(field otrf-jsonl_sysmon-high 'd["alerts_outside_root"], d["alerts_not_indexed"], d["classes_rows_unused"]')"
explained otrf-jsonl_sysmon-high

# the comparer's own arithmetic, on a baseline and alerts of our own
cat >tiny.csv <<'EOF'
rule_id,rule_title,level,file,EventRecordID,EventID,Channel
11111111-1111-4111-8111-111111111111,A,high,x.evtx,1,1,Microsoft-Windows-Sysmon/Operational
11111111-1111-4111-8111-111111111111,A,high,x.evtx,2,1,Microsoft-Windows-Sysmon/Operational
22222222-2222-4222-8222-222222222222,B,high,x.evtx,3,1,Microsoft-Windows-Sysmon/Operational
EOF
cat >tiny-rules.json <<'EOF'
[{"id": "11111111-1111-4111-8111-111111111111", "title": "A", "level": "high", "product": "windows", "category": "process_creation"},
 {"id": "33333333-3333-4333-8333-333333333333", "title": "C", "level": "high", "product": "windows", "category": "process_creation"}]
EOF
r=$PWD/root
{
	for rec in 1 3 4; do
		printf '{"rule_id":"8d0c3a52-6f1e-4b7a-9c55-0b5e1a7e0ba5","level":"informational","source":"%s/x.evtx","record":%s,"fields":{"EventID":"%s","Channel":"%s"}}\n' \
			"$r" "$rec" "$([ "$rec" = 4 ] && echo 4688 || echo 1)" \
			"$([ "$rec" = 4 ] && echo Security || echo Microsoft-Windows-Sysmon/Operational)"
	done
	printf '{"rule_id":"11111111-1111-4111-8111-111111111111","level":"high","source":"%s/x.evtx","record":1}\n' "$r"
	printf '{"rule_id":"11111111-1111-4111-8111-111111111111","level":"high","source":"%s/x.evtx","record":4}\n' "$r"
	printf '{"rule_id":"33333333-3333-4333-8333-333333333333","level":"high","source":"%s/x.evtx","record":3}\n' "$r"
} >tiny.jsonl
python3 "$cmp" --json --baseline tiny.csv --alerts tiny.jsonl --index tiny.jsonl \
	--rules tiny-rules.json --root "$r" >tiny.json
check "comparer: both, only ours, only theirs, agreement, classes" \
	"1 1 1 33.33 {'sysmon-only-mapping': 1, 'unexplained': 1}" \
	"$(field tiny 'd["both"], d["only_ours"], d["only_theirs"], d["agreement"], d["classes"]')"
check "comparer: a rule we did not load, a rule absent from the baseline" "1 1 1" \
	"$(field tiny 'd["baseline_rules_not_loaded"], d["absent_rules"], d["absent_alerts"]')"
done_testing
