#!/bin/sh
# test_org: entities, people and assets end to end: values read back as
# JSON, refusals with their exit codes and messages, the asset import
# (positions of bad rows, database unchanged, idempotent re-import) and the
# audit entries every write leaves.
. "$FL_TOP/tests/cli/lib.sh"

fx=$FL_TOP/tests/fixtures/org
cp "$fx"/*.csv .
export FIRSTLINE_NOW=2026-03-02T09:00:00Z

# json EXPR: evaluate a Python expression over the JSON on stdin (as j)
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
audit_count() { fl audit log --json | json 'len(j)'; }

fl init >/dev/null

# ---- entities -------------------------------------------------------------
check_exit "entity add HQ central dora" 0 fl entity add HQ --name "Acme Holding" --central --regime dora
check_exit "entity add DE nis2" 0 fl entity add DE --name "Acme GmbH" --regime nis2
check_exit "entity add FR, no regime" 0 fl entity add FR --name "Acme SAS"
check "entity list as JSON" \
	"HQ:Acme Holding:True:dora|DE:Acme GmbH:False:nis2|FR:Acme SAS:False:None" \
	"$(fl entity list --json | json '"|".join("%s:%s:%s:%s" % (e["code"], e["name"], e["central"], e["regime"]) for e in j)')"
check_exit "a second central entity is refused" 65 fl entity add X --name Other --central
check_grep "and says which is central" "entity 'HQ' is already the central entity" err.txt
check_exit "a known code is refused" 65 fl entity add hq --name "Another"
check_exit "a name used by another entity is refused" 65 fl entity add DE2 --name "acme gmbh"
check_exit "an invalid code is refused" 65 fl entity add "A B" --name "Spaces"
check_exit "an unknown regime is a usage error" 64 fl entity add IT --name "Acme Srl" --regime gdpr
check_grep "naming the regimes" "unknown regime 'gdpr' (dora, nis2 or none)" err.txt
check "entity show by name" "FR None" \
	"$(fl entity show "acme sas" --json | json 'j["code"], j["regime"]' | tr -d "(),'")"
check_exit "entity set regime" 0 fl entity set FR --regime none
check_exit "entity show of an unknown entity" 65 fl entity show NOPE

# ---- people ---------------------------------------------------------------
check_exit "person add itso" 0 fl person add --email Alice@Acme.Example --name "Alice Adler" --role itso --entity HQ --department "IT Security"
check_exit "person add staff (default role)" 0 fl person add --email bob@acme.example --name "Bob Brown"
check_exit "person add iso" 0 fl person add --email iris@acme.example --name "Iris Iso" --role iso --entity DE
check_exit "an unknown role is a usage error" 64 fl person add --email x@acme.example --name X --role boss
check_grep "listing the roles" "unknown role 'boss' (one of itso, citso, iso, control-owner, auditor, staff)" err.txt
check_exit "an e-mail in another case is a duplicate" 65 fl person add --email ALICE@acme.example --name "Alice Again"
check_exit "an invalid e-mail is refused" 65 fl person add --email not-an-email --name "No Mail"
check_exit "an unknown entity is refused" 65 fl person add --email y@acme.example --name Y --entity NOPE
check "person show by name, e-mail lower-cased" \
	"alice@acme.example|Alice Adler|IT Security|itso|HQ" \
	"$(fl person show "alice adler" --json | json '"|".join(str(j[k]) for k in ("email","name","department","role","entity"))')"
check "person list --role iso" "iris@acme.example" \
	"$(fl person list --role iso --json | json '",".join(p["email"] for p in j)')"
check "person list --entity HQ" "alice@acme.example" \
	"$(fl person list --entity HQ --json | json '",".join(p["email"] for p in j)')"
check_exit "person list with an unknown role" 64 fl person list --role boss
before=$(audit_count)
check_exit "person set role" 0 fl person set bob@acme.example --role control-owner --department Finance
check "role and department changed" "control-owner Finance" \
	"$(fl person show "Bob Brown" --json | json 'j["role"] + " " + j["department"]')"
check "one person.update entry" "$((before + 1))" "$(audit_count)"
check_exit "person set to the same values" 0 fl person set "bob brown" --role control-owner
check_grep "says unchanged" "unchanged" out.txt
check "no audit entry for no change" "$((before + 1))" "$(audit_count)"
check_exit "person set with a bad role" 64 fl person set bob@acme.example --role chief
check_exit "person set clears the department" 0 fl person set bob@acme.example --department ""
check "department cleared" "None" "$(fl person show bob@acme.example --json | json 'j["department"]')"
check_exit "two people with one name" 0 fl person add --email chris1@acme.example --name "Chris Doe"
fl person add --email chris2@acme.example --name "Chris Doe" >/dev/null
check_exit "a shared name is ambiguous" 65 fl person show "Chris Doe"
check_grep "and says to use the e-mail" "ambiguous" err.txt

# ---- assets by hand ------------------------------------------------------
check_exit "asset add with everything" 0 fl asset add vpn01 --hostname "VPN01.acme.example." \
	--hostname vpn01 --ip 10.9.0.1 --ip 2001:DB8:0:0::1 --owner "Alice Adler" --entity HQ \
	--c 4 --i 3 --a 4 --tag Remote --tag internet --description "VPN gateway"
check "asset show by an IPv6 spelling" \
	"vpn01|alice@acme.example|HQ|4|3|4|internet,remote|vpn01,vpn01.acme.example|10.9.0.1,2001:db8::1" \
	"$(fl asset show 2001:db8::0:1 --json | json '"|".join([j["name"], j["owner"], j["entity"], str(j["c"]), str(j["i"]), str(j["a"]), ",".join(j["tags"]), ",".join(j["hostnames"]), ",".join(j["ips"])])')"
check "asset show by hostname with a final dot" "vpn01" \
	"$(fl asset show VPN01.ACME.EXAMPLE. --json | json 'j["name"]')"
check_exit "asset show text" 0 fl asset show vpn01
check_grep "lists its addresses" "^ips  *10.9.0.1 2001:db8::1" out.txt
check_exit "an invalid IP address is refused" 65 fl asset add bad1 --ip 10.0.0.256
check_grep "naming it" "invalid IP address '10.0.0.256'" err.txt
check_exit "an IPv6 zone is refused" 65 fl asset add bad2 --ip fe80::1%eth0
check_exit "an IP address as hostname is refused" 65 fl asset add bad3 --hostname 10.1.1.1
check_exit "criticality 5 is a usage error" 64 fl asset add bad4 --c 5
check_exit "an address of another asset is refused" 65 fl asset add bad5 --ip 10.9.0.1
check_grep "naming the holder" "IP address 10.9.0.1 already belongs to asset 'vpn01'" err.txt
check_exit "an unknown owner is refused" 65 fl asset add bad6 --owner nobody@acme.example
check_exit "an existing name is refused" 65 fl asset add VPN01
check "nothing of the refused assets stored" "1" "$(fl asset list --json | json 'len(j)')"
before=$(audit_count)
check_exit "asset set with the same values" 0 fl asset set vpn01 --c 4 --tag internet,remote
check "no audit entry" "$before" "$(audit_count)"
check_exit "asset set by another spelling of the name" 0 fl asset set VPN01 --c 4
check "does not rename the asset, audits nothing" "vpn01 $before" \
	"$(fl asset show vpn01 --json | json 'j["name"]') $(audit_count)"
check_exit "asset set clears the owner, replaces the IPs" 0 fl asset set vpn01 --owner "" --ip 10.9.0.2
check "owner cleared, addresses replaced" "None 10.9.0.2" \
	"$(fl asset show vpn01 --json | json 'str(j["owner"]) + " " + ",".join(j["ips"])')"
check "the old address is free" "" "$(fl asset show 10.9.0.1 2>/dev/null)"

# ---- asset import -----------------------------------------------------------
check_exit "import assets.csv" 0 fl asset import assets.csv
check "summary" "assets.csv: 4 created, 0 updated, 0 unchanged" "$(cat out.txt)"
check_grep "names the ignored column" "ignored columns 'Serial'" err.txt
fl asset list --json >list.json
check "imported names" "db01,laptop-042,mail01,vpn01,web01" \
	"$(json '",".join(a["name"] for a in j)' <list.json)"
check "web01 as imported" \
	"alice@acme.example|HQ|3 3 2|internet,pci|web01,web01.acme.example|10.0.0.5|Public web shop, front end" \
	"$(json '[ "|".join([a["owner"], a["entity"], "%d %d %d" % (a["c"], a["i"], a["a"]), ",".join(a["tags"]), ",".join(a["hostnames"]), ",".join(a["ips"]), a["description"]]) for a in j if a["name"] == "web01"][0]' <list.json)"
check "db01: owner by name, IPv6 canonical, quoted newline kept" \
	"bob@acme.example|10.0.0.6,2001:db8::6|4 4 3|Orders database\r\n(primary)" \
	"$(json '[ "|".join([a["owner"], ",".join(a["ips"]), "%d %d %d" % (a["c"], a["i"], a["a"]), a["description"].replace("\r", "\\r").replace("\n", "\\n")]) for a in j if a["name"] == "db01"][0]' <list.json)"
check "mail01: defaults, entity DE, no owner" "None|DE|2 2 2|" \
	"$(json '[ "|".join([str(a["owner"]), a["entity"], "%d %d %d" % (a["c"], a["i"], a["a"]), ",".join(a["tags"])]) for a in j if a["name"] == "mail01"][0]' <list.json)"
check "asset list --tag pci" "db01,web01" \
	"$(fl asset list --tag PCI --json | json '",".join(a["name"] for a in j)')"
check "asset list --entity DE" "mail01" \
	"$(fl asset list --entity de --json | json '",".join(a["name"] for a in j)')"

dbdump test.db >before.sql
before=$(audit_count)
check_exit "re-import" 0 fl asset import assets.csv
check "re-import summary" "assets.csv: 0 created, 0 updated, 4 unchanged" "$(cat out.txt)"
dbdump test.db >after.sql
if cmp -s before.sql after.sql; then ok "re-import leaves the database as it was"; else
	not_ok "re-import leaves the database as it was"; diff before.sql after.sql | head -5 | sed 's/^/#   /'; fi
check "re-import writes no audit entry" "$before" "$(audit_count)"

check_exit "import an update" 0 fl asset import assets-update.csv
check "update summary" "assets-update.csv: 0 created, 1 updated, 3 unchanged" "$(cat out.txt)"
check "web01 updated; addresses kept (no such column)" "bob@acme.example 4 pci 10.0.0.5" \
	"$(fl asset show web01 --json | json '" ".join([j["owner"], str(j["c"]), ",".join(j["tags"]), ",".join(j["ips"])])')"
check "one asset.update with before and after" "3 4 alice@acme.example bob@acme.example" \
	"$(fl audit log --json | json '" ".join(str(x) for e in j if e["action"] == "asset.update" and e["object"] == "asset:web01" for x in (json.loads(e["before"])["c"], json.loads(e["after"])["c"], json.loads(e["before"])["owner"], json.loads(e["after"])["owner"]))')"

check_exit "import ';'-separated with --entity" 0 fl asset import assets-semicolon.csv --entity DE
check "hostname column names the asset; entity from --entity" \
	"fw02.acme.example|DE|4|10.0.0.2,10.0.1.2" \
	"$(fl asset show 10.0.1.2 --json | json '"|".join([j["name"], j["entity"], str(j["a"]), ",".join(j["ips"])])')"
check_exit "import with an unknown --entity" 65 fl asset import assets.csv --entity NOPE

# Bad files: refused at the field's position, nothing stored.
dbdump test.db >before.sql
before=$(audit_count)
while IFS='|' read -r file where; do
	check_exit "$file refused" 65 fl asset import "$file"
	check "$file: position and reason" "firstline: $file:$where" "$(cat err.txt)"
done <<'EOF'
bad-owner.csv|3:3: unknown owner 'nobody@acme.example' (no person with that e-mail or name)
bad-crit.csv|3:4: integrity must be 1-4, not '5'
bad-ip.csv|3:3: invalid IP address '10.0.0.300'
dup-addr.csv|3:3: IP address 10.0.0.5 already belongs to asset 'web01'
missing-name.csv|3:1: missing asset name
dup-name.csv|4:1: asset 'SRV1' is already on line 2
bad-quote.csv|3:16: unterminated quoted field
bad-hostname.csv|3:2: invalid hostname 'bad_host!.example'
no-name-column.csv|1:1: no asset name column (name, asset, asset name, hostname or host)
bad-entity.csv|3:2: unknown entity 'NOPE'
extra-field.csv|3:4: value beyond the header's 2 columns
dup-column.csv|1:3: column 'IP Address' repeats the IP addresses column
ambiguous-owner.csv|2:2: owner 'Chris Doe' is ambiguous: several people have that name; use the e-mail
EOF
dbdump test.db >after.sql
if cmp -s before.sql after.sql; then ok "refused files leave the database as it was"; else
	not_ok "refused files leave the database as it was"; diff before.sql after.sql | head -5 | sed 's/^/#   /'; fi
check "refused files write no audit entry" "$before" "$(audit_count)"
printf '' >empty.csv
check_exit "an empty file is refused" 65 fl asset import empty.csv
check_exit "a missing file is exit 66" 66 fl asset import no-such-file.csv
check_grep "naming it" "no-such-file.csv" err.txt

# ---- audit trail --------------------------------------------------------------
check "audit actions" \
	"asset.create=7 asset.update=2 entity.create=3 entity.update=1 person.create=5 person.update=2" \
	"$(fl audit log --json | json '" ".join("%s=%d" % (a, n) for a, n in sorted(__import__("collections").Counter(e["action"] for e in j).items()))')"
check "creations have no before image, an after image" "True" \
	"$(fl audit log --json | json 'all(e["before"] is None and json.loads(e["after"]) for e in j if e["action"].endswith(".create"))')"
check "actor recorded" "tester" "$(fl audit log --json | json 'j[-1]["actor"]')"
# "no limit" is bound as the largest LIMIT (PostgreSQL refuses LIMIT -1)
check "audit log without --limit lists every entry; --limit and --newest" \
	"20 1,2 20" \
	"$(fl audit log --json | json 'len(j)') $(fl audit log --limit 2 --json | json '",".join(str(e["seq"]) for e in j)') $(fl audit log --newest --limit 1 --json | json 'j[0]["seq"]')"
check_exit "audit verify" 0 fl audit verify

# ---- help ------------------------------------------------------------------
for v in "entity add" "entity set" "entity list" "entity show" "person add" \
	"person set" "person list" "person show" "asset add" "asset set" \
	"asset list" "asset show" "asset import"; do
	# shellcheck disable=SC2086
	check_exit "$v --help" 0 fl $v --help
done
check_grep "import help documents the aliases" "ip addresses" out.txt
check_exit "person list --help documents --json fields" 0 fl person list --help
check_grep "json fields listed" "role  *itso, citso" out.txt

done_testing
