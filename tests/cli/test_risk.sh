# test_risk: the risk register end to end with the real binary and a
# pinned clock ($FIRSTLINE_NOW): creating, assessing (a residual above the
# inherent is refused with the database unchanged), escalations and their
# acknowledgement, treatment (acceptance only by an iso/citso), an
# acceptance that expires and reopens the risk by itself, reviews and the
# due list, the heatmap, and custom or malformed policy files.
. "$FL_TOP/tests/cli/lib.sh"

export FIRSTLINE_NOW=2026-01-10
# py EXPR: evaluate EXPR with d = the JSON on stdin
py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

check_exit "init" 0 fl init

# People, an entity, an asset and a Group control implemented and tested
# in the entity, made with the org, catalog and control commands.
cat >controls.csv <<'CSV'
ID,Title
GC-01,Full-disk encryption of endpoints
GC-02,Backups
CSV
fixture() { "$@" >>fixture.txt 2>&1 || echo "failed: $*" >>fixture.bad; }
fixture fl entity add HQ --name "Head office" --central
fixture fl person add --email iso@example.org --name "Ines Iso" --role iso --entity HQ
fixture fl person add --email citso@example.org --name "Carl Citso" --role citso --entity HQ
fixture fl person add --email bob@example.org --name "Bob Staff" --role staff --entity HQ
fixture fl person add --email olga@example.org --name "Olga Owner" --role control-owner --entity HQ
fixture fl asset add laptop-fleet --entity HQ --owner olga@example.org
fixture fl catalog import-csv controls.csv --key grp --id-column ID --title-column Title
fixture fl control implement GC-01 --entity HQ --status implemented --owner olga@example.org
fixture fl control test GC-01 --entity HQ --kind operating --date 2025-12-01 \
	--tester iso@example.org --result effective
check "fixtures made with the org, catalog and control commands" "" \
	"$(cat fixture.bad 2>/dev/null)"

# ---- help ---------------------------------------------------------------
bad=""
for v in add assess treat link review close list show due escalations ack \
	heatmap matrix; do
	fl risk "$v" --help >help.txt 2>&1 && grep -q "^usage: firstline" help.txt ||
		bad="$bad $v"
done
check "every risk verb answers --help" "" "$bad"

# ---- add ------------------------------------------------------------------
check_exit "add a risk" 0 fl risk add --title "Laptop theft" --entity HQ \
	--owner olga@example.org --asset laptop-fleet --control GC-01 \
	--category physical --threat "theft" --vulnerability "data at rest"
check "first reference is R-0001" "R-0001" "$(cat out.txt)"
check_exit "add a second" 0 fl risk add --title "Ransomware on file servers"
check "references are sequential" "R-0002" "$(cat out.txt)"
check_exit "add a third" 0 fl risk add --title "Printer toner fire" --owner "Bob Staff"
check "third is R-0003" "R-0003" "$(cat out.txt)"
check_exit "add without a title is a usage error" 64 fl risk add
check_exit "unknown owner refused" 65 fl risk add --title x --owner nobody@example.org
check_grep "unknown owner named" "nobody@example.org" err.txt
check_exit "unknown control refused" 65 fl risk add --title x --control ZZ-99
check "refused adds consumed no reference" "3" \
	"$(sqlite3 test.db 'SELECT COUNT(*) FROM risk')"

# ---- assess and escalate ---------------------------------------------------
check_exit "inherent 4x4" 0 fl risk assess R-0001 --likelihood 4 --impact 4
check_grep "level high" "inherent 4x4 high" out.txt
check_grep "escalated to the ISO" "escalated to the ISO (escalation 1: new inherent level high)" out.txt
check_grep "next review after 90 days" "next review 2026-04-10" out.txt
check_exit "same level again" 0 fl risk assess R-0001 --likelihood likely --impact major
if grep -q escalated out.txt; then not_ok "an open escalation is not repeated"; else ok "an open escalation is not repeated"; fi

dbdump test.db >before.sql
check_exit "residual above inherent refused" 65 fl risk assess R-0001 --residual --likelihood 5 --impact 4
check_grep "says why" "R-0001: residual likelihood 5 exceeds the inherent likelihood 4" err.txt
dbdump test.db >after.sql
if cmp -s before.sql after.sql; then ok "refused residual leaves the database unchanged"; else
	not_ok "refused residual leaves the database unchanged"; diff before.sql after.sql | head -5 | sed 's/^/#   /'; fi
check_exit "residual without inherent refused" 65 fl risk assess R-0002 --residual --likelihood 1 --impact 1
check_grep "needs the inherent" "R-0002 has no inherent assessment" err.txt
check_exit "out-of-matrix point refused" 65 fl risk assess R-0002 --likelihood 6 --impact 1
check_exit "unknown risk refused" 65 fl risk assess R-0099 --likelihood 1 --impact 1
check_exit "bad scale word is a usage error" 64 fl risk assess R-0002 --likelihood often --impact 1

check_exit "residual 2x3" 0 fl risk assess R-0001 --residual --likelihood 2 --impact 3
check_grep "residual medium" "residual 2x3 medium; current level medium" out.txt
check_grep "cadence of the current (residual) level" "next review 2027-01-10" out.txt

fl risk show R-0001 --json >show.json
check "show: inherent level" "high" "$(py 'd["inherent_level"]' <show.json)"
check "show: residual level" "medium" "$(py 'd["residual_level"]' <show.json)"
check "show: status" "assessed" "$(py 'd["status"]' <show.json)"
check "show: linked control" "GC-01" "$(py 'd["controls"][0]["control"]' <show.json)"
check "show: its implementation" "implemented" "$(py 'd["controls"][0]["implementation"]' <show.json)"
check "show: its effectiveness" "operating-effective" "$(py 'd["controls"][0]["effectiveness"]' <show.json)"
check "show: linked asset" "laptop-fleet" "$(py 'd["assets"][0]["asset"]' <show.json)"
check "show: open escalations" "1" "$(py 'len(d["escalations"])' <show.json)"
check "show: owner" "Olga Owner" "$(py 'd["owner"]' <show.json)"
check_exit "show as text" 0 fl risk show R-0001
check_grep "text show lists controls" "GC-01" out.txt

fl risk escalations --json >esc.json
check "one open escalation" "1" "$(py 'len(d)' <esc.json)"
check "its reason" "new inherent level high" "$(py 'd[0]["reason"]' <esc.json)"
check "its basis" "inherent" "$(py 'd[0]["basis"]' <esc.json)"
check_exit "staff cannot acknowledge" 65 fl risk ack 1 --by bob@example.org
check_grep "role named" "must hold the iso or citso role" err.txt
check_exit "ack without --by" 64 fl risk ack 1
check_exit "ack of a missing escalation" 65 fl risk ack 99 --by iso@example.org
check_exit "the ISO acknowledges" 0 fl risk ack 1 --by iso@example.org
check_exit "twice is refused" 65 fl risk ack 1 --by citso@example.org
check "no open escalation left" "0" "$(fl risk escalations --json | py 'len(d)')"
fl risk escalations --all --json >esc.json
check "--all shows it acknowledged" "acknowledged Ines Iso" \
	"$(py 'd[0]["state"] + " " + d[0]["ack_by"]' <esc.json)"

check_exit "residual rises to significant" 0 fl risk assess R-0001 --residual --likelihood 3 --impact 3
check_grep "increase escalates" "new residual level significant (was medium)" out.txt
check_exit "residual falls back to medium" 0 fl risk assess R-0001 --residual --likelihood 2 --impact 3
if grep -q escalated out.txt; then not_ok "a decrease does not escalate"; else ok "a decrease does not escalate"; fi
check_exit "and rises again" 0 fl risk assess R-0001 --residual --likelihood 3 --impact 3
check_grep "every increase escalates" "escalation 3: new residual level significant (was medium)" out.txt

# ---- treatment ---------------------------------------------------------------
dbdump test.db >before.sql
check_exit "acceptance by staff refused" 65 fl risk treat R-0001 --accept \
	--approver bob@example.org --justification "cheap" --expires 2026-02-01
check_grep "approver must hold the role" "approver 'bob@example.org' must hold the iso or citso role" err.txt
dbdump test.db >after.sql
if cmp -s before.sql after.sql; then ok "refused acceptance changes nothing"; else not_ok "refused acceptance changes nothing"; fi
check_exit "acceptance expiring today refused" 65 fl risk treat R-0001 --accept \
	--approver iso@example.org --justification "x" --expires 2026-01-10
check_exit "acceptance of an unassessed risk refused" 65 fl risk treat R-0002 --accept \
	--approver iso@example.org --justification "x" --expires 2026-06-01
check_exit "two treatments at once is a usage error" 64 fl risk treat R-0001 --accept --avoid --justification x
check_exit "accept without approver is a usage error" 64 fl risk treat R-0001 --accept --justification x --expires 2026-06-01
check_exit "the CITSO accepts" 0 fl risk treat R-0001 --accept \
	--approver "Carl Citso" --justification "encrypted disks; residual tolerable" --expires 2026-02-01
check "status accepted" "accepted" "$(fl risk list --json | py '[r["status"] for r in d if r["ref"]=="R-0001"][0]')"

fl risk due --json >due.json
check "acceptance expiring within 30 days is due" "acceptance-expiring 2026-02-01 22" \
	"$(py '" ".join(str(x) for x in [[r["kind"], r["date"], r["days"]] for r in d if r["ref"]=="R-0001"][0])' <due.json)"

FIRSTLINE_NOW=2026-02-01 fl risk list >out.txt 2>err.txt
check "on the expiry day the acceptance holds" "" "$(cat err.txt)"
FIRSTLINE_NOW=2026-02-02 fl risk list --json >list.json 2>err.txt
check "the day after, the risk reopens and says so" \
	"firstline: risk R-0001 acceptance expired on 2026-02-01: reopened" "$(cat err.txt)"
check "reopened to assessed, treatment cleared" "assessed None" \
	"$(py '" ".join(str(r[k]) for r in d if r["ref"]=="R-0001" for k in ("status","treatment"))' <list.json)"
FIRSTLINE_NOW=2026-02-02 fl risk list >out.txt 2>err.txt
check "reopened only once" "" "$(cat err.txt)"
check "expiry audited" "1" "$(sqlite3 test.db "SELECT COUNT(*) FROM audit WHERE action = 'risk.acceptance-expired' AND object = 'risk:R-0001'")"

check_exit "mitigate" 0 fl risk treat R-0001 --mitigate --plan "remote wipe" \
	--owner olga@example.org --due 2026-06-30 --control GC-02
fl risk show R-0001 --json >show.json
check "mitigation recorded" "treating mitigate remote wipe Olga Owner 2026-06-30" \
	"$(py '" ".join(d[k] for k in ("status","treatment","treatment_plan","treatment_owner","treatment_due"))' <show.json)"
check "mitigation linked its control" "GC-01 GC-02" "$(py '" ".join(c["control"] for c in d["controls"])' <show.json)"
check_exit "a residual reassessment keeps the mitigation" 0 fl risk assess R-0001 --residual --likelihood 2 --impact 3
check "still treating" "treating" "$(fl risk show R-0001 --json | py 'd["status"]')"

check_exit "assess R-0003 low" 0 fl risk assess R-0003 --likelihood 1 --impact 1
if grep -q escalated out.txt; then not_ok "low does not escalate"; else ok "low does not escalate"; fi
check_exit "avoid needs a justification" 64 fl risk treat R-0003 --avoid
check_exit "avoid" 0 fl risk treat R-0003 --avoid --justification "printers replaced"
check "avoided" "avoided" "$(fl risk show R-0003 --json | py 'd["status"]')"
check_exit "transfer" 0 fl risk treat R-0003 --transfer --justification "insured"
check "transferred, the new justification replaces the old" "transferred insured" \
	"$(fl risk show R-0003 --json | py 'd["status"] + " " + d["treatment_justification"]')"

# ---- link -------------------------------------------------------------------
check_exit "link a control" 0 fl risk link R-0002 --control gc-01
check_grep "one new link" "1 new link" out.txt
check_exit "link it again" 0 fl risk link R-0002 --control GC-01 --asset laptop-fleet
check_grep "only the asset is new" "1 new link" out.txt
check_exit "link an unknown asset" 65 fl risk link R-0002 --asset nowhere
check_exit "link needs something" 64 fl risk link R-0002

# ---- list, heatmap ---------------------------------------------------------
check_exit "assess R-0002 significant" 0 fl risk assess R-0002 --likelihood 3 --impact 3
check "list --level: current level follows the residual" "R-0001" "$(fl risk list --level medium --json | py '" ".join(r["ref"] for r in d)')"
check "list --level significant" "R-0002" "$(fl risk list --level significant --json | py '" ".join(r["ref"] for r in d)')"
check "no risk is currently high" "0" "$(fl risk list --level high --json | py 'len(d)')"
check "list --status" "R-0003" "$(fl risk list --status transferred --json | py '" ".join(r["ref"] for r in d)')"
check "list --entity" "R-0001" "$(fl risk list --entity HQ --json | py '" ".join(r["ref"] for r in d)')"
check_exit "unknown level is a usage error" 64 fl risk list --level extreme
check_exit "unknown status is a usage error" 64 fl risk list --status done

fl risk heatmap --json >heat.json
check "heatmap has 25 cells" "25" "$(py 'len(d)' <heat.json)"
check "inherent cell 4x4" "high 1" "$(py '" ".join(str(c[k]) for c in d if c["likelihood"]==4 and c["impact"]==4 for k in ("level","count"))' <heat.json)"
check "inherent total" "3" "$(py 'sum(c["count"] for c in d)' <heat.json)"
check "top row first" "5 1" "$(py 'str(d[0]["likelihood"]) + " " + str(d[0]["impact"])' <heat.json)"
fl risk heatmap --residual --json >heat.json
check "residual cell 2x3" "medium 1" "$(py '" ".join(str(c[k]) for c in d if c["likelihood"]==2 and c["impact"]==3 for k in ("level","count"))' <heat.json)"
check "residual total" "1" "$(py 'sum(c["count"] for c in d)' <heat.json)"
fl risk heatmap --both --json >heat.json
check "both counts" "1 0" "$(py '" ".join(str(c[k]) for c in d if c["likelihood"]==4 and c["impact"]==4 for k in ("inherent","residual"))' <heat.json)"
check_exit "heatmap as text" 0 fl risk heatmap
check_grep "cell shows level and count" "4 likely *M 0 *M 0 *S 0 *H 1 *H 0" out.txt
check_exit "both as text" 0 fl risk heatmap --both
check_grep "both shows inherent/residual" "2 unlikely *L 0/0 *L 0/0 *M 0/1" out.txt

# ---- reviews and the due list ------------------------------------------------
# R-0001 residual 2x3 medium assessed 2026-01-10: review due 2027-01-10.
FIRSTLINE_NOW=2027-01-10 fl risk due --json >due.json
check "not overdue on its due day" "0" "$(py 'len([r for r in d if r["ref"]=="R-0001" and r["kind"]=="review-overdue"])' <due.json)"
FIRSTLINE_NOW=2027-01-11 fl risk due --json >due.json
check "overdue the day after" "review-overdue 2027-01-10 1" \
	"$(py '" ".join(str(x) for x in [[r["kind"], r["date"], r["days"]] for r in d if r["ref"]=="R-0001" and r["kind"]=="review-overdue"][0])' <due.json)"
FIRSTLINE_NOW=2027-01-11 check_exit "review it" 0 fl risk review R-0001 --notes "wipe rolled out"
check_grep "next review by cadence" "next review 2028-01-11" out.txt
FIRSTLINE_NOW=2027-01-11 fl risk due --json >due.json
check "reviewed: no longer due" "0" "$(py 'len([r for r in d if r["ref"]=="R-0001" and r["kind"]=="review-overdue"])' <due.json)"
# its mitigation (due 2026-06-30) is still open and is listed on its own
check "the overdue mitigation stays listed" "treatment-overdue 2026-06-30 195" \
	"$(py '" ".join(str(x) for r in d if r["ref"]=="R-0001" for x in (r["kind"], r["date"], r["days"]))' <due.json)"
check_exit "due as text" 0 fl risk due

# ---- custom and malformed policies ------------------------------------------
cat >small.conf <<'EOF'
# three by three
likelihood 1 low
likelihood 2 mid
likelihood 3 high
impact 1 minor
impact 2 major
impact 3 critical
level green
level amber
level red
row 3: amber red   red
row 2: green amber red
row 1: green green amber
review red 30
review amber 90
review green 365
escalate red
EOF
fl risk heatmap --matrix small.conf --json >heat.json
check "--matrix: 3x3 cells" "9" "$(py 'len(d)' <heat.json)"
check "--matrix: cell 3x3 is red with R-0002" "red 1" "$(py '" ".join(str(c[k]) for c in d if c["likelihood"]==3 and c["impact"]==3 for k in ("level","count"))' <heat.json)"
check_exit "--matrix heatmap text" 0 fl risk heatmap --matrix small.conf
check_grep "points outside are reported" "outside this 3x3 matrix" out.txt
check "--matrix list levels" "red" "$(fl risk list --matrix small.conf --json | py '[r["level"] for r in d if r["ref"]=="R-0002"][0]')"
check_exit "assess under --matrix" 0 fl risk assess R-0002 --matrix small.conf --likelihood 3 --impact 3
check_grep "level from the custom matrix" "inherent 3x3 red" out.txt
check_grep "red goes to the ISO" "escalated to the ISO" out.txt
check_grep "its cadence" "next review 2026-02-09" out.txt
check_exit "matrix shows the custom policy" 0 fl risk matrix --matrix small.conf --json
check "matrix --json grid" "red" "$(py 'd["grid"][2][2]' <out.txt)"

printf 'likelihood 1 low\nimpact 1 minor\nlevel green\nrow 1: green purple\n' >bad.conf
check_exit "malformed --matrix refused" 65 fl risk heatmap --matrix bad.conf
check "error names file, line and column" \
	"firstline: bad.conf:4:14: row 1 has more than the 1 levels of the impact scale" "$(cat err.txt)"
printf 'likelihood 1 low\nimpact 1 minor\nlevel green\nrow 1: purple\n' >bad2.conf
check_exit "unknown level refused" 65 fl risk list --matrix bad2.conf
check "unknown level position" "firstline: bad2.conf:4:8: unknown level 'purple' (declare it with 'level NAME' first)" "$(cat err.txt)"
check_exit "missing --matrix file" 66 fl risk list --matrix nothere.conf

dbdump test.db >before.sql
check_exit "--set malformed refused" 65 fl risk matrix --set bad.conf
check_exit "--set a policy that leaves risks outside refused" 65 fl risk matrix --set small.conf
check_grep "names the risk" "R-0001 is assessed at 4x4, outside the new 3x3 matrix" err.txt
dbdump test.db >after.sql
if cmp -s before.sql after.sql; then ok "refused --set leaves the database unchanged"; else not_ok "refused --set leaves the database unchanged"; fi

check_exit "a medium risk" 0 fl risk add --title "Shadow IT"
check_exit "assessed medium" 0 fl risk assess R-0004 --likelihood 2 --impact 3
if grep -q escalated out.txt; then not_ok "medium does not escalate yet"; else ok "medium does not escalate yet"; fi
fl risk matrix --raw | sed 's/^escalate significant/escalate medium/' >medium.conf
check_exit "--set a policy escalating from medium" 0 fl risk matrix --set medium.conf
check_grep "reports what changed" "1 risk re-levelled, 1 escalation" out.txt
check "R-0002 re-levelled from the 3x3 red" "significant 2026-07-09" \
	"$(sqlite3 test.db "SELECT inh_level || ' ' || next_review FROM risk WHERE ref = 'R-0002'")"
check "the medium risk now goes to the ISO" \
	"inherent level medium now goes to the ISO under the changed risk policy" \
	"$(fl risk escalations --risk R-0004 --json | py 'd[0]["reason"]')"
check "re-levelling audited" "1" "$(sqlite3 test.db "SELECT COUNT(*) FROM audit WHERE action = 'risk.relevel'")"
check "stored" "setting risk_matrix medium" "$(fl risk matrix --json | py 'd["source"] + " " + d["escalate"]')"
check_exit "--set the same again" 0 fl risk matrix --set medium.conf
check_grep "unchanged" "unchanged" out.txt
check "audited" "1" "$(sqlite3 test.db "SELECT COUNT(*) FROM audit WHERE action = 'risk.matrix'")"

# ---- close -------------------------------------------------------------------
check_exit "close needs a reason" 64 fl risk close R-0003
check_exit "close" 0 fl risk close R-0003 --reason "printers gone"
check "closed risks leave the list" "R-0001 R-0002 R-0004" "$(fl risk list --json | py '" ".join(r["ref"] for r in d)')"
check "--all shows them" "R-0001 R-0002 R-0003 R-0004" "$(fl risk list --all --json | py '" ".join(r["ref"] for r in d)')"
check "--status closed shows them too" "R-0003" "$(fl risk list --status closed --json | py '" ".join(r["ref"] for r in d)')"
check_exit "a closed risk cannot be assessed" 65 fl risk assess R-0003 --likelihood 2 --impact 2
check_grep "says closed" "risk R-0003 is closed" err.txt

# ---- a name two people share ------------------------------------------------
# fl_store_person_find refuses an ambiguous name; every person option of the
# risk commands says so instead of a bare "invalid request", and changes
# nothing.
fl person add --email sam1@example.org --name "Sam Same" --role iso >/dev/null 2>&1
fl person add --email sam2@example.org --name "sam same" --role citso >/dev/null 2>&1
fl risk add --title "Shared name test" >/dev/null 2>&1
fl risk assess R-0005 --likelihood 5 --impact 5 >/dev/null 2>&1
esc=$(fl risk escalations --risk R-0005 --json | py 'd[0]["id"]')
dbdump test.db >amb-before.sql
check_exit "risk add --owner with a shared name is refused" 65 \
	fl risk add --title x --owner "Sam Same"
check "and says to use the e-mail" \
	"firstline: owner 'Sam Same' is ambiguous: several people have that name; use the e-mail" \
	"$(cat err.txt)"
check_exit "risk treat --accept --approver with a shared name" 65 \
	fl risk treat R-0005 --accept --approver "Sam Same" --justification j \
	--expires 2026-06-30
check_grep "names the approver" "approver 'Sam Same' is ambiguous" err.txt
check_exit "risk treat --mitigate --owner with a shared name" 65 \
	fl risk treat R-0005 --mitigate --plan p --owner "SAM SAME" --due 2026-06-30
check_grep "names the owner" "owner 'SAM SAME' is ambiguous" err.txt
check_exit "risk ack --by with a shared name" 65 fl risk ack "$esc" --by "Sam Same"
check_grep "names --by" "'Sam Same' is ambiguous: several people" err.txt
dbdump test.db >amb-after.sql
if cmp -s amb-before.sql amb-after.sql; then ok "the refusals changed nothing"; else
	not_ok "the refusals changed nothing"; diff amb-before.sql amb-after.sql | head -5 | sed 's/^/#   /'; fi
check_exit "the e-mail is unambiguous" 0 fl risk ack "$esc" --by sam1@example.org
# entity and owner are stored as integer ids (NULL when not given), bound
# as integers so that PostgreSQL accepts the insert
check "risk ids stored as integers" "integer|integer null|null" \
	"$(sqlite3 test.db "SELECT typeof(entity_id) || '|' || typeof(owner_id) FROM risk WHERE ref IN ('R-0001', 'R-0002') ORDER BY ref" | paste -sd' ' -)"

# ---- overdue mitigations in the due list ------------------------------------
# Three mitigations due yesterday, today and tomorrow of a pinned day: only
# the first is overdue, by one day.
for i in 1 2 3; do
	fixture fl risk add --title "Mitigation $i" --owner olga@example.org
done
fixture fl risk assess R-0006 --likelihood 1 --impact 1
fixture fl risk assess R-0007 --likelihood 1 --impact 1
fixture fl risk assess R-0008 --likelihood 1 --impact 1
fixture fl risk treat R-0006 --mitigate --plan a --owner olga@example.org --due 2026-03-09
fixture fl risk treat R-0007 --mitigate --plan b --owner olga@example.org --due 2026-03-10
fixture fl risk treat R-0008 --mitigate --plan c --owner olga@example.org --due 2026-03-11
check "mitigation fixtures made" "" "$(cat fixture.bad 2>/dev/null)"
FIRSTLINE_NOW=2026-03-10 fl risk due --json >due.json
check "a mitigation due yesterday is overdue by 1 day" \
	"R-0006 treatment-overdue 2026-03-09 1 treating Olga Owner" \
	"$(py '" ".join(str(r[k]) for r in d if r["kind"]=="treatment-overdue" and r["ref"] in ("R-0006","R-0007","R-0008") for k in ("ref","kind","date","days","status","owner"))' <due.json)"
check "one due today is not listed" "0" "$(py 'len([r for r in d if r["ref"]=="R-0007"])' <due.json)"
check "one due tomorrow is not listed" "0" "$(py 'len([r for r in d if r["ref"]=="R-0008"])' <due.json)"
FIRSTLINE_NOW=2026-03-10 check_exit "due as text with a mitigation" 0 fl risk due
check_grep "text row" "R-0006  Mitigation 1  treatment-overdue  2026-03-09  1 " out.txt
check_exit "close the overdue mitigation" 0 fl risk close R-0006 --reason "gone"
FIRSTLINE_NOW=2026-03-10 fl risk due --json >due.json
check "a closed risk's mitigation is not due" "0" "$(py 'len([r for r in d if r["ref"]=="R-0006"])' <due.json)"

# ---- audit ---------------------------------------------------------------------
missing=""
for act in risk.create risk.assess risk.treat risk.link risk.review risk.close \
	risk.acceptance-expired risk.matrix escalation.create escalation.ack; do
	c=$(sqlite3 test.db "SELECT COUNT(*) FROM audit WHERE action = '$act'")
	[ "$c" -gt 0 ] || missing="$missing $act"
done
check "every kind of write is audited" "" "$missing"
check "audits carry before and after" "0" \
	"$(sqlite3 test.db "SELECT COUNT(*) FROM audit WHERE action IN ('risk.assess','risk.treat','risk.review','escalation.ack') AND (before IS NULL OR after IS NULL)")"
check_exit "audit chain intact" 0 fl audit verify
done_testing
