# test_control: control implementation per entity, evidence and tests end
# to end: values asserted through --json, "now" pinned by FIRSTLINE_NOW for
# expiry and staleness, refused writes leave the database unchanged, a
# changed or missing evidence file is caught by verify.
. "$FL_TOP/tests/cli/lib.sh"

fx=$FL_TOP/tests/fixtures/control
export FIRSTLINE_NOW=2026-03-01
# j EXPR: evaluate a Python expression over the JSON on stdin (as d);
# g("a", "b", o=OBJ) joins fields of OBJ (default d) with "|"
j() { python3 -c '
import json, sys
d = json.load(sys.stdin)
def g(*k, o=None):
    o = d if o is None else o
    return "|".join(str(o[x]) for x in k)
print(eval(sys.argv[1]))' "$1"; }
# row ENTITY CONTROL: the status row of one control in one entity
row() { fl control status --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["entity"] == sys.argv[1] and r["control"] == sys.argv[2]:
        print(json.dumps(r))' "$1" "$2"; }

check_exit "init" 0 fl init
check_exit "import the Group catalogue" 0 \
	fl catalog import-csv "$fx/group-controls.csv" --key group-ics \
	--title "Example Group Internal Control System" \
	--id-column "Control ID" --title-column "Control Title" \
	--description-column Description --map-column nist-800-53r5="NIST 800-53"
check_exit "add entity HQ" 0 fl entity add HQ --name "Example Group Head Office" --central
check_exit "add entity DE" 0 fl entity add DE --name "Example Germany GmbH"
check_exit "add the control owner" 0 fl person add --email ann.owner@example.com \
	--name "Ann Owner" --role control-owner --entity DE
check_exit "add the tester" 0 fl person add --email tom.tester@example.com \
	--name "Tom Tester" --role auditor --entity HQ
cp "$fx/access-review-2026Q1.txt" review.txt

bad=""
for v in implement evidence test status show tests policy; do
	fl control "$v" --help >help.txt 2>&1 && grep -q '^usage: firstline' help.txt ||
		bad="$bad $v"
done
check "every control verb answers --help" "" "$bad"
fl control status --help >help.txt
check_grep "status documents its --json fields" "effectiveness" help.txt

# ---- implement -------------------------------------------------------------
check_exit "implement without --entity is a usage error" 64 \
	fl control implement IAM-01
check_exit "implement an unknown control" 65 \
	fl control implement NOPE-9 --entity DE
check_exit "implement in an unknown entity" 65 \
	fl control implement IAM-01 --entity XX
check_exit "implement IAM-01 in DE" 0 \
	fl control implement IAM-01 --entity DE --owner ann.owner@example.com \
	--status implemented --due 2026-06-30
r=$(row DE IAM-01)
check "status, owner and due recorded" "implemented|Ann Owner|2026-06-30|False" \
	"$(echo "$r" | j 'g("status", "owner", "due", "overdue")')"
check "an untested control is not-tested" "not-tested" \
	"$(echo "$r" | j 'd["effectiveness"]')"
check "a Group control not recorded in HQ is listed with status null" "None" \
	"$(row HQ IAM-01 | j 'd["status"]')"
n1=$(fl audit log --json | j 'len(d)')
check_exit "implementing the same again succeeds" 0 \
	fl control implement IAM-01 --entity DE --status implemented
check "an unchanged implement writes no audit entry" "$n1" \
	"$(fl audit log --json | j 'len(d)')"

dbdump "$FIRSTLINE_DB" >before.sql
check_exit "not-applicable without a justification is refused" 65 \
	fl control implement LOG-02 --entity DE --status not-applicable
check_grep "the refusal asks for a justification" "justification" err.txt
check_exit "a malformed due date is refused" 65 \
	fl control implement LOG-02 --entity DE --due 2026-02-30
check_exit "an unknown owner is refused" 65 \
	fl control implement LOG-02 --entity DE --owner nobody@example.com
dbdump "$FIRSTLINE_DB" >after.sql
check "refused implements leave the database unchanged" "" \
	"$(cmp -s before.sql after.sql || echo changed)"
check_exit "not-applicable with a justification" 0 \
	fl control implement LOG-02 --entity DE --status not-applicable \
	--justification "DE has no own IT; logs are collected by HQ"
check "not-applicable derives not-applicable" "not-applicable|DE has no own IT; logs are collected by HQ" \
	"$(row DE LOG-02 | j 'd["effectiveness"] + "|" + d["justification"]')"
check_exit "a planned control due yesterday" 0 \
	fl control implement BCM-03 --entity DE --due 2026-02-28
check "a planned control past its due date is overdue" "planned|True" \
	"$(row DE BCM-03 | j 'g("status", "overdue")')"
check_exit "update BCM-03 to partial" 0 \
	fl control implement BCM-03 --entity DE --status partial
check "a partial control past its due date stays overdue" "partial|True|2026-02-28" \
	"$(row DE BCM-03 | j 'g("status", "overdue", "due")')"

# ---- evidence ---------------------------------------------------------------
dbdump "$FIRSTLINE_DB" >before.sql
check_exit "a missing evidence file exits 66" 66 \
	fl control evidence add IAM-01 --entity DE --file nope.pdf
check_grep "the error names the file" "nope.pdf" err.txt
check_exit "evidence for a control not recorded in the entity is refused" 65 \
	fl control evidence add IAM-01 --entity HQ --url https://wiki.example.com/x
check_exit "an expiry before collection is refused" 65 \
	fl control evidence add IAM-01 --entity DE --file review.txt \
	--collected 2026-02-01 --expires 2026-01-31
check_exit "evidence add takes --file or --url" 64 \
	fl control evidence add IAM-01 --entity DE
check_exit "options of another sub-verb are refused" 64 \
	fl control evidence list --file review.txt
dbdump "$FIRSTLINE_DB" >after.sql
check "refused evidence leaves the database unchanged" "" \
	"$(cmp -s before.sql after.sql || echo changed)"

check_exit "register an evidence file expiring yesterday" 0 \
	fl control evidence add IAM-01 --entity DE --file review.txt \
	--description "Q1 access review minutes" --collected 2026-01-15 \
	--expires 2026-02-28
check_exit "register an evidence URL expiring today" 0 \
	fl control evidence add IAM-01 --entity DE \
	--url https://wiki.example.com/iam/q1 --expires 2026-03-01
check_exit "register evidence expiring in 30 days" 0 \
	fl control evidence add IAM-01 --entity DE \
	--url https://wiki.example.com/iam/a --expires 2026-03-31
check_exit "register evidence expiring in 31 days" 0 \
	fl control evidence add IAM-01 --entity DE \
	--url https://wiki.example.com/iam/b --expires 2026-04-01
fl control evidence list --json >ev.json
want=$(sha256sum review.txt | cut -d' ' -f1)
check "the file's SHA-256 and size are recorded" "$want|$(wc -c <review.txt | tr -d ' ')" \
	"$(j '[g("sha256", "size", o=e) for e in d if e["kind"] == "file"][0]' <ev.json)"
check "the file is stored by its absolute path" "$PWD/review.txt" \
	"$(j '[e["location"] for e in d if e["kind"] == "file"][0]' <ev.json)"
check "evidence states at the boundaries" \
	"2026-02-28|expired|-1 2026-03-01|expiring|0 2026-03-31|expiring|30 2026-04-01|current|31" \
	"$(j '" ".join(g("expires", "state", "days_left", o=e) for e in sorted(d, key=lambda e: e["expires"]))' <ev.json)"
check "--expired lists the expired evidence" "2026-02-28" \
	"$(fl control evidence list --expired --json | j '",".join(e["expires"] for e in d)')"
check "--expiring 30 lists what expires within 30 days" "2026-03-01,2026-03-31" \
	"$(fl control evidence list --expiring 30 --json | j '",".join(sorted(e["expires"] for e in d))')"
check "status counts evidence, expired and expiring" "4|1|2" \
	"$(row DE IAM-01 | j 'g("evidence", "evidence_expired", "evidence_expiring")')"
check "a day later the evidence expiring today has expired" "2" \
	"$(FIRSTLINE_NOW=2026-03-02 fl control status --json --entity DE | j '[r for r in d if r["control"] == "IAM-01"][0]["evidence_expired"]')"

check_exit "verify with the evidence file unchanged" 0 fl control evidence verify
echo "post-hoc edit" >>review.txt
check_exit "verify detects a changed evidence file" 65 fl control evidence verify --json
check "verify reports it changed" "changed" \
	"$(j '[e["result"] for e in d if e["kind"] == "file"][0]' <out.txt)"
check "URLs are not checked" "not-checked,not-checked,not-checked" \
	"$(j '",".join(e["result"] for e in d if e["kind"] == "url")' <out.txt)"
rm review.txt
check_exit "verify detects a missing evidence file" 65 fl control evidence verify --json
check "verify reports it missing" "missing" \
	"$(j '[e["result"] for e in d if e["kind"] == "file"][0]' <out.txt)"

# ---- tests and effectiveness ---------------------------------------------------
dbdump "$FIRSTLINE_DB" >before.sql
check_exit "a test needs --tester" 64 \
	fl control test IAM-01 --entity DE --kind design --date 2026-01-01 \
	--result effective
check_exit "a test dated in the future is refused" 65 \
	fl control test IAM-01 --entity DE --kind design --date 2026-03-02 \
	--tester tom.tester@example.com --result effective
check_exit "an unknown result is refused" 65 \
	fl control test IAM-01 --entity DE --kind design --date 2026-01-01 \
	--tester tom.tester@example.com --result good
check_exit "an unknown method is refused" 65 \
	fl control test IAM-01 --entity DE --kind design --date 2026-01-01 \
	--tester tom.tester@example.com --result effective --method guessing
check_exit "a test of a control not recorded in the entity is refused" 65 \
	fl control test IAM-01 --entity HQ --kind design --date 2026-01-01 \
	--tester tom.tester@example.com --result effective
dbdump "$FIRSTLINE_DB" >after.sql
check "refused tests leave the database unchanged" "" \
	"$(cmp -s before.sql after.sql || echo changed)"

check_exit "a design test exactly 365 days ago" 0 \
	fl control test IAM-01 --entity DE --kind design --date 2025-03-01 \
	--tester tom.tester@example.com --method inspection \
	--sample "procedure IAM-P-01 v3" --result effective
check "design effective, operating not tested" "design-effective|effective|2025-03-01|False" \
	"$(row DE IAM-01 | j 'g("effectiveness", "design_result", "design_date", "stale")')"
check_exit "an operating test" 0 \
	fl control test IAM-01 --entity DE --kind operating --date 2026-02-15 \
	--tester "Tom Tester" --method reperformance --sample "25 of 42 accounts" \
	--result effective --notes "no exceptions"
check "both effective: effective" "effective|False" \
	"$(row DE IAM-01 | j 'g("effectiveness", "stale")')"
check "a day later the design test is 366 days old: stale" "effective|True" \
	"$(FIRSTLINE_NOW=2026-03-02 fl control status --json --entity DE | j '[g("effectiveness", "stale", o=r) for r in d if r["control"] == "IAM-01"][0]')"
check_exit "an ineffective operating retest" 0 \
	fl control test IAM-01 --entity DE --kind operating --date 2026-03-01 \
	--tester tom.tester@example.com --result ineffective \
	--notes "3 leavers still active"
check "the latest operating test decides: ineffective" "ineffective|ineffective" \
	"$(row DE IAM-01 | j 'g("operating_result", "effectiveness")')"
check_exit "partially effective design of BCM-03" 0 \
	fl control test BCM-03 --entity DE --kind design --date 2026-02-01 \
	--tester tom.tester@example.com --result partially-effective
check "partially effective design: partially-effective" "partially-effective" \
	"$(row DE BCM-03 | j 'd["effectiveness"]')"

check_exit "policy: tests stale after 10 days" 0 fl control policy --test-max-age 10
check "policy --json" "10|30" \
	"$(fl control policy --json | j 'g("test_max_age", "evidence_warning")')"
check "a 28-day-old test is now stale" "True" "$(row DE BCM-03 | j 'd["stale"]')"
check "--max-age overrides the policy" "False" \
	"$(fl control status --json --entity DE --max-age 60 | j '[r["stale"] for r in d if r["control"] == "BCM-03"][0]')"

# ---- listings ---------------------------------------------------------------------
check "status --entity filters" "DE,DE,DE" \
	"$(fl control status --json --entity DE | j '",".join(r["entity"] for r in d)')"
check "status --catalog filters" "6" \
	"$(fl control status --json --catalog group-ics | j 'len(d)')"
check_exit "status of an unknown catalogue" 65 fl control status --catalog nope
check_exit "status prints a table" 0 fl control status
check_grep "the table flags overdue" "OVERDUE" out.txt
fl control show IAM-01 --json >show.json
check "show has the implementations, evidence and test history" "2|4|3" \
	"$(j '"|".join(str(len(d[k])) for k in ("implementations", "evidence", "tests"))' <show.json)"
check "show's tests are newest first" "2026-03-01,2026-02-15,2025-03-01" \
	"$(j '",".join(t["date"] for t in d["tests"])' <show.json)"
check "show --entity filters" "1" \
	"$(fl control show IAM-01 --entity HQ --json | j 'len(d["implementations"])')"
check_exit "show prints text" 0 fl control show group-ics:IAM-01
check_grep "show names the control" "Quarterly access reviews" out.txt
check "tests --json lists every test" "4" "$(fl control tests --json | j 'len(d)')"

# ---- a name two people share -------------------------------------------------------
fl person add --email kim1@example.com --name "Kim Same" >/dev/null 2>&1
fl person add --email kim2@example.com --name "Kim Same" >/dev/null 2>&1
check_exit "a shared tester name is refused" 65 \
	fl control test IAM-01 --entity DE --kind design --date 2026-01-01 \
	--tester "Kim Same" --result effective
check "and says to use the e-mail" \
	"firstline: person 'Kim Same' is ambiguous: several people have that name; use the e-mail" \
	"$(cat err.txt)"
check_exit "a shared owner name is refused" 65 \
	fl control implement IAM-01 --entity DE --owner "kim same"
check_grep "names the owner" "person 'kim same' is ambiguous" err.txt

# ---- audit ---------------------------------------------------------------------------
fl audit log --json >audit.json
check "writes are audited" "control.implement=4 control.policy=1 control.test=4 evidence.add=4" \
	"$(j '" ".join(a + "=" + str(n) for a, n in sorted(__import__("collections").Counter(e["action"] for e in d if e["action"].split(".")[0] in ("control", "evidence")).items()))' <audit.json)"
check "an update audits before and after" "implementation:group-ics:BCM-03@DE planned>partial" \
	"$(j '[e["object"] + " " + json.loads(e["before"])["status"] + ">" + json.loads(e["after"])["status"] for e in d if e["action"] == "control.implement" and e["before"]][0]' <audit.json)"
check "evidence.add records the hash" "$want" \
	"$(j '[json.loads(e["after"])["sha256"] for e in d if e["action"] == "evidence.add" and json.loads(e["after"])["kind"] == "file"][0]' <audit.json)"
check_exit "the audit chain is intact" 0 fl audit verify

# ---- status --recorded and --gaps ---------------------------------------------------
# A small scenario of its own (its own database): entity A records eleven
# Group controls in every state that matters, entity B records one.  Each
# filter is asserted as the exact set of rows it keeps.
export FIRSTLINE_DB=$PWD/gaps.db
cat >gaps.csv <<'CSV'
ID,Title
G-01,Effective
G-02,Planned
G-03,Partial
G-04,Implemented never tested
G-05,Operating ineffective
G-06,Tested long ago
G-07,Evidence expired
G-08,Not applicable
G-09,Planned and overdue
G-10,Design partially effective
G-11,Design tested only
CSV
gfx() { "$@" >>gaps-fixture.txt 2>&1 || echo "failed: $*" >>gaps-fixture.bad; }
gfx fl init
gfx fl catalog import-csv gaps.csv --key gaps --id-column ID --title-column Title
gfx fl entity add A --name "Entity A"
gfx fl entity add B --name "Entity B"
gfx fl person add --email t@example.com --name "T Tester" --role auditor --entity A
# impl CONTROL ENTITY STATUS [OPTIONS]; tst CONTROL ENTITY KIND DATE RESULT
impl() { c=$1 e=$2 st=$3; shift 3; gfx fl control implement "$c" --entity "$e" --status "$st" "$@"; }
tst() { gfx fl control test "$1" --entity "$2" --kind "$3" --date "$4" --tester t@example.com --result "$5"; }
for c in G-01 G-04 G-05 G-06 G-07 G-10 G-11; do impl "$c" A implemented; done
impl G-02 A planned --due 2026-06-30
impl G-03 A partial --due 2026-06-30
impl G-08 A not-applicable --justification "no such systems"
impl G-09 A planned --due 2026-02-01
impl G-01 B implemented
for c in G-01 G-07; do
	tst "$c" A design 2026-01-15 effective
	tst "$c" A operating 2026-02-15 effective
done
tst G-01 B operating 2026-02-15 effective
tst G-05 A operating 2026-02-15 ineffective
tst G-06 A design 2024-01-10 effective
tst G-06 A operating 2024-01-10 effective
tst G-10 A design 2026-01-15 partially-effective
tst G-10 A operating 2026-02-15 effective
tst G-11 A design 2026-01-15 effective
gfx fl control evidence add G-07 --entity A --url https://wiki.example.com/g7 \
	--collected 2025-01-01 --expires 2025-12-31
check "the filter scenario was made with the control commands" "" \
	"$(cat gaps-fixture.bad 2>/dev/null)"
# rows [ARGS]: the entity:control pairs of control status ARGS, in order
rows() { fl control status --json "$@" | j '" ".join(r["entity"] + ":" + r["control"] for r in d)'; }
check "unfiltered: every Group control in both entities" "22" \
	"$(fl control status --json | j 'len(d)')"
check "--recorded keeps what A and B recorded or tested" \
	"A:G-01 A:G-02 A:G-03 A:G-04 A:G-05 A:G-06 A:G-07 A:G-08 A:G-09 A:G-10 A:G-11 B:G-01" \
	"$(rows --recorded)"
check "--gaps: planned, partial, untested, ineffective, stale, expired, overdue, partial effect" \
	"A:G-02 A:G-03 A:G-04 A:G-05 A:G-06 A:G-07 A:G-09 A:G-10" "$(rows --gaps)"
check "--gaps and --recorded together" \
	"A:G-02 A:G-03 A:G-04 A:G-05 A:G-06 A:G-07 A:G-09 A:G-10" "$(rows --gaps --recorded)"
check "--gaps with --entity B: none" "" "$(rows --gaps --entity B)"
check "--recorded with --entity B" "B:G-01" "$(rows --recorded --entity B)"
check "--gaps with --max-age 1000: the old tests are not stale" \
	"A:G-02 A:G-03 A:G-04 A:G-05 A:G-07 A:G-09 A:G-10" "$(rows --gaps --max-age 1000)"
check "the filters keep the fields" "$(fl control status --json | j '",".join(d[0])')" \
	"$(fl control status --json --gaps | j '",".join(d[0])')"
check_exit "--gaps as text" 0 fl control status --gaps
check "text lists the same rows" "8" "$(grep -c '^A ' out.txt)"
fl control status --help >h.txt
check_grep "--help documents --recorded" "^  --recorded" h.txt
check_grep "--help documents --gaps" "^  --gaps" h.txt
done_testing
