#!/bin/sh
# test_catalog: the catalog commands end to end — OSCAL and spreadsheet
# imports (idempotent, refused whole when malformed), listings, show,
# search, stats and the coverage gap analysis, first on our own small
# fixtures, then on the real corpus files with their known counts, the
# coverage checked against an independent python3 computation.
. "$FL_TOP/tests/cli/lib.sh"

FX=$FL_TOP/tests/fixtures/catalog
CAT=$FL_CORPUS/catalogs
N53=$CAT/nist-sp800-53r5/NIST_SP-800-53_rev5_catalog.json
BL=$CAT/nist-sp800-53r5/baselines
CSF=$CAT/nist-csf-2.0/NIST_CSF_v2.0_catalog.xml
ER=$CAT/eramba-grc-templates

# json_get FILE PYTHON-EXPR: evaluate EXPR with d = the parsed JSON file
# (python starts slowly on a loaded machine: one call checks several values)
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# the values of one field of every object in a JSON array, comma-separated
field() { grep -o "\"$1\":[^,}]*" | sed "s/^\"$1\"://; s/^\"//; s/\"\$//" | paste -sd, -; }
audit_count() { fl audit log --json | grep -o '"seq":' | wc -l | tr -d ' '; }

check_exit "init" 0 fl init

# ---- help ------------------------------------------------------------------
for v in import import-csv list show search stats coverage resolve mappings; do
	check_exit "catalog $v --help" 0 fl catalog $v --help
done
fl catalog import --help >out.txt
check_grep "import --help explains the CSF rule" "implementation example" out.txt
fl catalog coverage --help >out.txt
check_grep "coverage --help documents the json fields" "mapped_by" out.txt

# ---- fixtures: OSCAL JSON ------------------------------------------------------
check_exit "import mini.json" 0 fl catalog import --key mini "$FX/mini.json"
check_grep "summary says imported" "mini: imported framework" out.txt
fl catalog stats --json >stats.json
check_grep "mini: 3 groups (one nested), 5 controls, 1 withdrawn" '"id":"mini".*"groups":3,"controls":5,"withdrawn":1,' stats.json
fl catalog list mini --all --json >list.json
check "enhancement keeps its parent; nested group kept" "AM-1 op-b" "$(json_get list.json "[c['parent'] for c in d if c['key']=='am-1.1'][0], [c['group'] for c in d if c['key']=='op-1'][0]")"
check "current list omits withdrawn" "am-1,am-1.1,am-2,op-1" "$(fl catalog list mini --json | field key)"
check "--withdrawn lists only withdrawn" "am-1.2" "$(fl catalog list mini --withdrawn --json | field key)"
fl catalog show mini:AM-1 --json >show.json
check "show: statement, guidance, params, enhancements" \
	"Keep a register of all accounts and review it {{ insert: param, am-1_prm_1 }}.|Orphaned accounts are the usual finding.|am-1_prm_1|AM-1(1),AM-1(2)" \
	"$(json_get show.json "'|'.join([d['statement'], d['guidance'], d['params'][0]['id'], ','.join(e['label'] for e in d['enhancements'])])")"
check_exit "show by label, case-insensitive" 0 fl catalog show am-1
check_grep "text show has the statement" "Keep a register" out.txt

# idempotence
dbdump test.db >dump1.txt
a1=$(audit_count)
check_exit "second import" 0 fl catalog import --key mini "$FX/mini.json"
check_grep "second import says unchanged" "mini: unchanged" out.txt
dbdump test.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "second import leaves the database identical"; else
	not_ok "second import leaves the database identical"; diff dump1.txt dump2.txt | head -5 | sed 's/^/#   /'; fi
check "no audit entry for an unchanged import" "$a1" "$(audit_count)"

# ---- fixtures: Group catalogue from CSV, mappings ---------------------------------
check_exit "import-csv group.csv" 0 fl catalog import-csv "$FX/group.csv" --key grp \
	--title "Group controls" --id-column "Control ID" --title-column Name \
	--text-column Requirement --group-column Domain \
	--map-column mini=Mini --map-column iso27001-2022=ISO
check_grep "import-csv: 4 controls" "4 controls" out.txt
check_grep "import-csv reports unresolved refs" "unresolved: mini AM-9" out.txt
check_grep "free labels kept as text" "iso27001-2022.*no such catalogue" out.txt
fl catalog mappings grp --json >map.json
check_grep "mini: 4 refs resolved (AM-1, AM-1(1), AM-2, op-1), 1 not (AM-9)" '"framework":"mini","refs":5,"resolved":4,"unresolved":1,"catalogue":1' map.json
check_grep "iso refs kept as text (A.5.15, A.8.2, A.5.18, A.8.13)" '"framework":"iso27001-2022","refs":4,"resolved":0,"unresolved":4,"catalogue":0' map.json
fl catalog show GC-01 --json >show.json
check "Group control maps AM-1(1) -> am-1.1; keeps its statement" "am-1,am-1.1|Review all accounts quarterly; remove orphans." "$(json_get show.json "','.join(m['key'] for m in d['maps_to'] if m['framework']=='mini') + '|' + d['statement']")"
fl catalog show mini:AM-2 --json >show.json
check_grep "framework control: mapped from GC-02" '"mapped_from":\[{"catalog":"grp","key":"GC-02"' show.json
fl catalog coverage --framework mini --json >cov.json
check "coverage: 4 rows, am-1.1 covered directly, am-1 by GC-01" "4 True GC-01" "$(json_get cov.json "len(d), [c['covered'] for c in d if c['key']=='am-1.1'][0], ','.join([c['mapped_by'] for c in d if c['key']=='am-1'][0])")"
fl catalog coverage --framework mini --summary --json >sum.json
check_grep "coverage summary: 4 of 4" '"total":4,"covered":4,"uncovered":0,"percent":100.0}' sum.json
check_exit "coverage table" 0 fl catalog coverage --framework mini
check_grep "coverage table ends with the summary" "covered 4 of 4 (100.0%)" out.txt
check_exit "coverage of an unknown framework" 65 fl catalog coverage --framework nope

dbdump test.db >dump1.txt
check_exit "import-csv again" 0 fl catalog import-csv "$FX/group.csv" --key grp \
	--id-column "Control ID" --title-column Name --text-column Requirement \
	--group-column Domain --map-column mini=Mini --map-column iso27001-2022=ISO
check_grep "import-csv again: unchanged" "grp: unchanged" out.txt
dbdump test.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "import-csv twice leaves the database identical"; else
	not_ok "import-csv twice leaves the database identical"; fi

# a changed framework: titles update, a control is added, a mapped one that
# the file dropped is kept and marked withdrawn
check_exit "import mini-v2.json" 0 fl catalog import --key mini "$FX/mini-v2.json"
check_grep "v2: updated" "mini: updated" out.txt
check_grep "v2: one retired" "1 retired" out.txt
fl catalog list mini --all --json >list.json
check_grep "v2: title updated" '"key":"am-2","label":"AM-2","title":"Privileged Access Management"' list.json
check_grep "v2: op-2 added" '"key":"op-2"' list.json
check_grep "v2: dropped am-1.1 kept, withdrawn (GC-01 maps to it)" '"key":"am-1.1"[^}]*"withdrawn":1}' list.json
fl catalog coverage --framework mini --summary --json >sum.json
check_grep "v2: coverage 3 of 4 (op-2 is a gap)" '"total":4,"covered":3,' sum.json
check "v2: --gaps lists OP-2" "OP-2" "$(fl catalog coverage --framework mini --gaps --json | field label)"
check "audit: one catalog.import per changing import" 3 "$(fl audit log --json | grep -o '"action":"catalog.import"' | wc -l | tr -d ' ')"

# spreadsheets without ids
check_exit "import-csv --id-prefix" 0 fl catalog import-csv "$FX/noid.csv" --key gc --id-prefix GC- --title-column Name --text-column Requirement
fl catalog list gc --json >list.json
check "--id-prefix numbers by row order" "GC-001,GC-002,GC-003|Account review,Admin accounts,Restore tests" "$(field key <list.json)|$(field title <list.json)"
check_exit "import-csv --id-prefix, rows reordered and one new" 0 fl catalog import-csv "$FX/noid-reordered.csv" --key gc --id-prefix GC- --title-column Name --text-column Requirement
fl catalog list gc --json >list.json
check "known titles keep their ids, new ones get the next" "GC-001,GC-002,GC-003,GC-004|Account review,Admin accounts,Restore tests,Backup encryption" "$(field key <list.json)|$(field title <list.json)"
# a prefix beyond ASCII: numbers are found by bytes, not characters
check_exit "import-csv --id-prefix MAß-" 0 fl catalog import-csv "$FX/noid.csv" --key gcx --id-prefix 'MAß-' --title-column Name
check_exit "import-csv --id-prefix MAß-, rows reordered and one new" 0 fl catalog import-csv "$FX/noid-reordered.csv" --key gcx --id-prefix 'MAß-' --title-column Name
fl catalog list gcx --json >list.json
check "non-ASCII prefix numbers on" "MAß-001,MAß-002,MAß-003,MAß-004" "$(field key <list.json)"

# ---- fixtures: CSF rule ----------------------------------------------------------
check_exit "import mini-csf.xml (framework identifier CSF)" 0 fl catalog import --key mcsf "$FX/mini-csf.xml"
fl catalog list mcsf --withdrawn --json >list.json
check "CSF: no examples, or no current subcategory -> withdrawn" "GV.OC-02,ID.BE,ID.BE-1" "$(field key <list.json)"
check_exit "CSF fixture again" 0 fl catalog import --key mcsf "$FX/mini-csf.xml"
check_grep "CSF fixture again: unchanged" "mcsf: unchanged" out.txt

# ---- fixtures: refusals ---------------------------------------------------------------
dbdump test.db >dump1.txt
check_exit "unterminated quote: exit 65" 65 fl catalog import-csv "$FX/bad-quote.csv" --key bad --id-column "Control ID" --title-column Name
check_grep "unterminated quote: FILE:LINE:COL" "bad-quote.csv:2:[0-9]*: " err.txt
check_exit "empty id: exit 65" 65 fl catalog import-csv "$FX/bad-id.csv" --key bad --id-column "Control ID" --title-column Name
check_grep "empty id: FILE:LINE:COL" "bad-id.csv:3:1: empty id" err.txt
check_exit "unknown column: exit 65" 65 fl catalog import-csv "$FX/group.csv" --key bad --id-column Nope --title-column Name
check_grep "unknown column named" "no column 'Nope'" err.txt
head -c 1500 "$FX/mini.json" >trunc.json
check_exit "truncated OSCAL JSON: exit 65" 65 fl catalog import trunc.json
check_grep "truncated OSCAL JSON: FILE:LINE:COL" "trunc.json:[0-9]*:[0-9]*: " err.txt
check_exit "missing file: exit 66" 66 fl catalog import nothere.json
check_exit "missing CSV: exit 66" 66 fl catalog import-csv nothere.csv --key x --id-column a --title-column b
check_exit "import-csv without --key: usage" 64 fl catalog import-csv "$FX/group.csv" --id-column a --title-column b
check_exit "group key used for a framework: refused" 65 fl catalog import --key grp "$FX/mini.json"
# a store refusal about a group names its line too (the reader passes it)
cat >dupgrp.json <<'JSON'
{"catalog": {"uuid": "5f1c2a7e-0000-4000-8000-0000000000d1",
 "metadata": {"title": "Dup", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.3"},
 "groups": [
  {"id": "ac", "title": "Access", "controls": [{"id": "ac-1", "title": "One"}]},
  {"id": "ac", "title": "Again", "controls": [{"id": "ac-2", "title": "Two"}]}
 ]}}
JSON
echo '{"catalog": {"uuid": "5f1c2a7e-0000-4000-8000-0000000000d0"}}' >untitled.json
check_exit "a catalogue without a title or --key: exit 65" 65 fl catalog import untitled.json
check_grep "says to give --key" "untitled.json:1:1: the catalogue has no title.*give --key" err.txt
check_exit "duplicate group id (JSON): exit 65" 65 fl catalog import --key dup dupgrp.json
check "duplicate group id (JSON): FILE:LINE:COL" \
	"firstline: dupgrp.json:5:1: duplicate group id 'ac'" "$(cat err.txt)"
cat >dupgrp.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="5f1c2a7e-0000-4000-8000-0000000000d2">
  <metadata><title>Dup</title><last-modified>2026-01-01T00:00:00Z</last-modified>
    <version>1</version><oscal-version>1.1.3</oscal-version></metadata>
  <group id="ac"><title>Access</title>
    <control id="ac-1"><title>One</title></control></group>
  <group id="ac"><title>Again</title>
    <control id="ac-2"><title>Two</title></control></group>
</catalog>
XML
check_exit "duplicate group id (XML): exit 65" 65 fl catalog import --key dup dupgrp.xml
check_grep "duplicate group id (XML): FILE:LINE:COL" "dupgrp.xml:7:[0-9]*: duplicate group id 'ac'" err.txt
printf 'ID,Title\nA-1,First\nA-2, \n' >empty-title.csv
check_exit "empty title: exit 65" 65 fl catalog import-csv empty-title.csv --key bad --id-column ID --title-column Title
check "empty title: at its column" \
	"firstline: empty-title.csv:3:2: empty title in column 'Title'" "$(cat err.txt)"
dbdump test.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "refused imports leave the database unchanged"; else
	not_ok "refused imports leave the database unchanged"; diff dump1.txt dump2.txt | head -5 | sed 's/^/#   /'; fi

# ---- search -----------------------------------------------------------------------------
fl catalog search account register --json >s.json
check "search: AM-1 first for its title" "AM-1" "$(field label <s.json | cut -d, -f1)"
check_grep "search: snippet marks matches" "\[" s.json
check_exit "search with FTS5 syntax characters" 0 fl catalog search 'AM-1(1)' '"' 'NOT' '*'
check_exit "search without words: usage" 64 fl catalog search " "

# ---- the corpus ---------------------------------------------------------------------------
if ! have_corpus || [ ! -f "$N53" ]; then
	skip "corpus catalogues" "skipped: no corpus"
	done_testing
	exit 0
fi

export FIRSTLINE_DB=$PWD/corpus.db
check_exit "corpus db init" 0 fl init
dbdump corpus.db >dump0.txt
check_exit "profile before its framework: refused (exit 65)" 65 fl catalog import "$BL/NIST_SP-800-53_rev5_LOW-baseline_profile.json"
check_grep "profile before its framework: says import it or --base" "selects controls of a catalogue that is not imported.*--base KEY" err.txt
dbdump corpus.db >dump1.txt
if cmp -s dump0.txt dump1.txt; then ok "refused profile: database unchanged"; else not_ok "refused profile: database unchanged"; fi
t0=$(date +%s%N)
check_exit "import NIST SP 800-53 rev5" 0 fl catalog import "$N53"
t1=$(date +%s%N)
echo "# import of NIST_SP-800-53_rev5_catalog.json: $(( (t1 - t0) / 1000000 )) ms (this build)"
check_grep "800-53: key nist-800-53r5" "nist-800-53r5: imported framework" out.txt
fl catalog stats --json >stats.json
check_grep "800-53: 20 groups, 1189 controls, 182 withdrawn" '"id":"nist-800-53r5",[^}]*"groups":20,"controls":1189,"withdrawn":182,' stats.json
dbdump corpus.db >dump1.txt
check_exit "800-53 again" 0 fl catalog import "$N53"
check_grep "800-53 again: unchanged" "nist-800-53r5: unchanged" out.txt
dbdump corpus.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "800-53 twice: database identical"; else not_ok "800-53 twice: database identical"; fi

check_exit "import NIST CSF 2.0 (XML)" 0 fl catalog import "$CSF"
fl catalog stats --json >stats.json
check "CSF: 6 functions, 219 controls, 91 withdrawn; 22 current categories, 106 current subcategories" "6 219 91 22 106" \
	"$(json_get stats.json "' '.join(str(x) for c in d if c['id']=='nist-csf-2.0' for x in (c['groups'], c['controls'], c['withdrawn'], c['classes']['category']['current'], c['classes']['subcategory']['current']))")"
fl catalog list nist-csf-2.0 --all --json >list.json
check_grep "CSF: stale ID.BE withdrawn" '"key":"ID.BE",[^}]*"withdrawn":1}' list.json
check_grep "CSF: GV.OC current" '"key":"GV.OC",[^}]*"withdrawn":0}' list.json

# every file of the corpus's catalogues folder
for lvl in LOW:149:nist-800-53r5-low MODERATE:287:nist-800-53r5-moderate HIGH:370:nist-800-53r5-high PRIVACY:102:nist-800-53r5-privacy; do
	name=${lvl%%:*} rest=${lvl#*:}
	want=${rest%%:*} key=${rest#*:}
	n0=$(audit_count)
	check_exit "import $name profile" 0 fl catalog import "$BL/NIST_SP-800-53_rev5_$name-baseline_profile.json"
	check_grep "$name profile: key $key, kind baseline" "$key: imported baseline" out.txt
	fl catalog stats --json >stats.json
	check_grep "$name profile: $want controls" "\"id\":\"$key\",[^}]*\"controls\":$want," stats.json
	check "$name profile: one audit entry" "$((n0 + 1))" "$(audit_count)"
	check_exit "$name profile again" 0 fl catalog import "$BL/NIST_SP-800-53_rev5_$name-baseline_profile.json"
	check_grep "$name profile again: unchanged" "$key: unchanged" out.txt
	check "$name profile again: no audit entry" "$((n0 + 1))" "$(audit_count)"
	check_exit "import $name baseline (resolved catalogue)" 0 fl catalog import "$BL/NIST_SP-800-53_rev5_$name-baseline-resolved-profile_catalog-min.json"
	check_grep "$name resolved: same key $key, kind baseline" "$key: updated baseline" out.txt
	fl catalog stats --json >stats.json
	check_grep "$name resolved: $want controls (controls + enhancements)" "\"id\":\"$key\",[^}]*\"controls\":$want," stats.json
	check "$name: one baseline catalogue for profile and resolved" "1" "$(grep -o "\"id\":\"$key\"" stats.json | wc -l | tr -d ' ')"
done
dbdump corpus.db >dump1.txt
check_exit "profile selecting an unknown id: refused (exit 65)" 65 fl catalog import "$FX/profile-unknown-id.json"
check_grep "unknown id: names it" "'zz-99'" err.txt
dbdump corpus.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "unknown id: database unchanged"; else not_ok "unknown id: database unchanged"; fi
check_exit "profile with --base of no framework: refused (exit 65)" 65 fl catalog import --base nope "$BL/NIST_SP-800-53_rev5_LOW-baseline_profile.json"
check "baseline controls: python agrees (LOW top-level + enhancements)" "131+18" "$(python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))['catalog']
def walk(cs, depth):
    for c in cs:
        yield depth
        yield from walk(c.get('controls', []), depth + 1)
ds=[x for g in d['groups'] for x in walk(g.get('controls', []), 0)]
print('%d+%d' % (ds.count(0), len(ds) - ds.count(0)))" "$BL/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json")"
fl catalog show nist-800-53r5-low:AC-2 --json >show.json
check_grep "baseline keeps 800-53A objectives" '"objectives":"' show.json
check_exit "import DORA requirement list" 0 fl catalog import "$CAT/probo-frameworks/DORA.json"
check_grep "DORA: 65 requirements" "dora: imported framework catalogue: 0 groups, 65 controls" out.txt
check_exit "import NIS2 requirement list" 0 fl catalog import "$CAT/probo-frameworks/NIS2.json"
check_grep "NIS2: 17 requirements" "nis2: imported framework catalogue: 0 groups, 17 controls" out.txt

# truncated copies are refused with a position, the database unchanged
dbdump corpus.db >dump1.txt
head -c 200000 "$N53" >trunc53.json
check_exit "truncated 800-53 JSON: exit 65" 65 fl catalog import trunc53.json
check_grep "truncated 800-53 JSON: FILE:LINE:COL" "^firstline: trunc53.json:[0-9]*:[0-9]*: " err.txt
head -c 100000 "$CSF" >trunccsf.xml
check_exit "truncated CSF XML: exit 65" 65 fl catalog import trunccsf.xml
check_grep "truncated CSF XML: FILE:LINE:COL" "^firstline: trunccsf.xml:[0-9]*:[0-9]*: " err.txt
dbdump corpus.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "truncated files: database unchanged"; else not_ok "truncated files: database unchanged"; fi

# eramba: the Group catalogue, mappings resolved against 800-53 imported before
check_exit "eramba internal_controls.csv" 0 fl catalog import-csv "$ER/internal_controls.csv" \
	--key eramba --title "eramba GRC controls" --id-column Title --title-column Title \
	--text-column Description --objectives-column "Audit Methodology" \
	--guidance-column "Policy Procedure"
check_grep "eramba: 137 controls" "eramba: imported group catalogue: 0 groups, 137 controls" out.txt
check_exit "eramba requirements mapping (--existing-only)" 0 fl catalog import-csv "$ER/mapping_controls_to_requirements.csv" \
	--key eramba --id-column "Control Title" --title-column "Control Title" --existing-only \
	--map-column "nist-800-53r5=NIST 800-53 Rev5" --map-column "iso27001-2022=ISO 27001:2022" \
	--map-column "iso27002-2022=ISO 27002:2022" --map-column "nis2=NIS2 Article 21" \
	--map-column "pci-dss-4.0.1=PCI DSS v4.0.1"
check_grep "mapping: 6 rows naming unknown controls skipped" "skipped 6 rows" out.txt
check_grep "mapping: still 137 controls" "137 controls" out.txt
fl catalog mappings eramba --json >map.json
check_grep "800-53 refs all resolved (imported before)" '"framework":"nist-800-53r5","refs":120,"resolved":120,"unresolved":0' map.json
fl catalog mappings eramba --unresolved --json >unres.json
if grep -q '"framework":"nis2","ref":"Article 21(2)' unres.json; then not_ok "NIS2 'Article 21(2) (i)' resolves to 'Art. 21(2)(i)'"; else ok "NIS2 'Article 21(2) (i)' resolves to 'Art. 21(2)(i)'"; fi
check_grep "ISO ids kept as text" '"framework":"iso27002-2022","refs":117,"resolved":0,"unresolved":117,"catalogue":0' map.json
fl catalog show "User Account Inventory Review" --json >show.json
check_grep "eramba control: objectives from Audit Methodology" '"objectives":"Evidence required' show.json
fl catalog show AC-2 --json >show.json
check "AC-2 mapped from 5 eramba controls" 5 "$(json_get show.json "len(d['mapped_from'])")"
dbdump corpus.db >dump1.txt
fl catalog import-csv "$ER/mapping_controls_to_requirements.csv" \
	--key eramba --id-column "Control Title" --title-column "Control Title" --existing-only \
	--map-column "nist-800-53r5=NIST 800-53 Rev5" --map-column "iso27001-2022=ISO 27001:2022" \
	--map-column "iso27002-2022=ISO 27002:2022" --map-column "nis2=NIS2 Article 21" \
	--map-column "pci-dss-4.0.1=PCI DSS v4.0.1" >out.txt 2>&1
check_grep "mapping again: unchanged" "eramba: unchanged" out.txt
dbdump corpus.db >dump2.txt
if cmp -s dump1.txt dump2.txt; then ok "mapping twice: database identical"; else not_ok "mapping twice: database identical"; fi

# the gap analysis, against an independent computation
python3 - "$ER" "$N53" "$BL/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json" >expect.txt <<'EOF'
import csv, json, sys
er, full, low = sys.argv[1:4]
titles = {r['Title'] for r in csv.DictReader(open(er + '/internal_controls.csv', encoding='utf-8-sig'))}
refs = set()
for r in csv.DictReader(open(er + '/mapping_controls_to_requirements.csv', encoding='utf-8-sig')):
    if r['Control Title'] in titles:
        for x in r['NIST 800-53 Rev5'].split(','):
            x = x.strip()
            if x and x != '\u2014':
                refs.add(x.replace(' ', '').lower())
def walk(cs):
    for c in cs:
        yield c
        yield from walk(c.get('controls', []))
def controls(path):
    d = json.load(open(path))['catalog']
    out = []
    def groups(gs):
        for g in gs:
            out.extend(walk(g.get('controls', [])))
            groups(g.get('groups', []))
    groups(d.get('groups', []))
    out.extend(walk(d.get('controls', [])))
    return out
def label(c):
    for p in c.get('props', []):
        if p['name'] == 'label' and p.get('class') is None:
            return p['value']
    return c['id']
def withdrawn(c):
    return any(p['name'] == 'status' and p['value'] == 'withdrawn' for p in c.get('props', []))
for path in (full, low):
    cur = [c for c in controls(path) if not withdrawn(c)]
    cov = sorted(c['id'] for c in cur if label(c).replace(' ', '').lower() in refs)
    print('%d %d %s' % (len(cov), len(cur), ','.join(cov)))
EOF
fl catalog coverage --framework nist-800-53r5 --json >cov.json
check "coverage 800-53 = python (covered, total, which)" "$(sed -n 1p expect.txt)" "$(json_get cov.json "'%d %d %s' % (len([c for c in d if c['covered']]), len(d), ','.join(sorted(c['key'] for c in d if c['covered'])))")"
fl catalog coverage --baseline nist-800-53r5-low --json >cov.json
check "coverage LOW baseline = python" "$(sed -n 2p expect.txt)" "$(json_get cov.json "'%d %d %s' % (len([c for c in d if c['covered']]), len(d), ','.join(sorted(c['key'] for c in d if c['covered'])))")"
echo "# coverage: 800-53 $(cut -d' ' -f1,2 expect.txt | sed -n 1p), LOW $(cut -d' ' -f1,2 expect.txt | sed -n 2p)"
check_exit "coverage table for the ISO" 0 fl catalog coverage --baseline nist-800-53r5-low --group-catalog eramba
check_grep "coverage summary line" "^covered $(sed -n 2p expect.txt | cut -d' ' -f1) of 149 " out.txt
check_exit "coverage summary of NIS2" 0 fl catalog coverage --framework nis2 --summary
check_grep "NIS2 coverage line" "^covered [0-9]* of 17 " out.txt

# search
fl catalog search account management --catalog nist-800-53r5 --json >s.json
check "search 'account management': AC-2 first" "AC-2" "$(field label <s.json | cut -d, -f1)"
fl catalog search account management --json >s.json
check_grep "search over every catalogue finds AC-2" '"catalog":"nist-800-53r5","key":"ac-2","label":"AC-2"' s.json

# the other order: the Group catalogue first, 800-53 later resolves it
export FIRSTLINE_DB=$PWD/order.db
fl init >/dev/null
fl catalog import-csv "$ER/internal_controls.csv" --key eramba --id-column Title --title-column Title >/dev/null
fl catalog import-csv "$ER/mapping_controls_to_requirements.csv" --key eramba \
	--id-column "Control Title" --title-column "Control Title" \
	--map-column "nist-800-53r5=NIST 800-53 Rev5" >out.txt 2>&1
check_grep "without --existing-only the 6 extra rows become controls" "143 controls" out.txt
fl catalog mappings eramba --json >map.json
check_grep "before 800-53: refs pending" '"framework":"nist-800-53r5","refs":120,"resolved":0,' map.json
check_exit "800-53 imported after the Group catalogue" 0 fl catalog import "$N53"
check_grep "import resolves the pending mappings" "resolved 120 pending" out.txt
fl catalog mappings eramba --json >map.json
check_grep "after 800-53: all resolved" '"framework":"nist-800-53r5","refs":120,"resolved":120,' map.json
check_exit "catalog resolve on demand: nothing left" 0 fl catalog resolve
check_grep "resolve: nothing changed" "^0 mappings changed" out.txt

done_testing
