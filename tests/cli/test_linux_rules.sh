# test_linux_rules: the shipped Linux authentication ruleset
# (data/rules/linux/) loads, and raises exactly the alerts it should on a
# handcrafted auth log and on loghub's OpenSSH_2k.log.
#
# tests/fixtures/detect/linux/auth-attacks.log (written for this test):
#   10:00:00-10:00:40 srv1  12 failed passwords for root from 203.0.113.50,
#                           then at 10:02:10 an accepted password from it
#   10:10:00-10:12:30 any   password spray from 198.51.100.7: 11 invalid
#                           users, 15 s apart, over srv1 srv2 srv3 web1
#   10:20:00-10:22:50 srv2  6 "3 incorrect password attempts" by dave
#   10:30:05, 10:33:00 srv3 useradd backdoor, usermod -aG sudo backdoor
#   10:50:00-10:52:16 srv3  two brute-force episodes from 203.0.113.77,
#                           15 and 10 failures, 90 s of silence between
# and, under every threshold: alice mistyping twice, 203.0.113.50 trying
# srv2 three times, dave failing once on srv1, erin 4 times on srv2, a user
# made a sudoer 25 minutes after creation, an old account made a sudoer, a
# service account, a scanner with 9 names in 50 s, a folded "message
# repeated" line, cron and sudo sessions.
#
# Expected counts follow the window semantics of docs/detection.md
# ("Correlation windows"): one alert per sustained episode, counting every
# event of it.  tests/cli/linux_rules_oracle.py works the same alerts out
# on its own (regular expressions and those semantics) and the engine must
# agree with it, on the fixture and on OpenSSH_2k.log.
. "$FL_TOP/tests/cli/lib.sh"

rules=$FL_TOP/data/rules/linux
fx=$FL_TOP/tests/fixtures/detect/linux
oracle=$FL_TOP/tests/cli/linux_rules_oracle.py

check_exit "the Linux rules all load" 0 fl detect rules check "$rules"
check "rules check summary" "10 files: 5 rules, 6 correlations, 0 filters; 0 refused" \
	"$(tail -1 out.txt)"
check_exit "rules list --json" 0 fl detect rules list --json "$rules"
check "every rule usable; kinds, levels and logsources" \
"Burst of sudo password failures by one user on one host|correlation|high|
Local user account created|rule|low|linux/auth
New local user added to the sudo group within 10 minutes|correlation|high|
SSH brute force against a host from one source|correlation|medium|
SSH brute force against a host from one source (first step of the login-after-brute-force chain)|correlation|medium|
SSH login accepted|rule|informational|linux/sshd
SSH login after brute force from the same source|correlation|critical|
SSH password authentication failed|rule|low|linux/sshd
SSH password spraying from one source|correlation|high|
Sudo refused after incorrect password attempts|rule|low|linux/sudo
User added to the sudo group|rule|medium|linux/auth" \
	"$(python3 -c '
import json
d = json.load(open("out.txt"))
assert all(r["usable"] for r in d), d
for r in sorted(d, key=lambda r: r["title"]):
    ls = "/".join(x for x in (r.get("product"), r.get("service")) if x)
    print("|".join((r["title"], r["kind"], r["level"], ls)))')"

# detect run is the lead's; until it lands, say so and stop here
if ! fl detect run --help >/dev/null 2>&1; then
	skip "alerts on auth-attacks.log" "skipped: detect run not available yet"
	skip "alerts agree with the oracle" "skipped: detect run not available yet"
	skip "OpenSSH_2k brute force from 183.62.140.253" "skipped: detect run not available yet"
	skip "OpenSSH_2k alerts agree with the oracle" "skipped: detect run not available yet"
	done_testing
	exit 0
fi

# summary RULE_ID... : one line per alert, "title|group|count", sorted
summary() {
	python3 -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    a = json.loads(line)
    g = ",".join("%s=%s" % kv for kv in sorted(a.get("group", {}).items()))
    c = a.get("count", "")
    if a["title"].startswith(("SSH login after", "New local user")):
        c = ""  # temporal: the pair, not a count
    rows.append("%s|%s|%s" % (a["title"], g, c))
print("\n".join(sorted(rows)))' "$1"
}

check_exit "detect run over auth-attacks.log" 0 \
	fl detect run --rules "$rules" --format jsonl "$fx/auth-attacks.log"
cp out.txt attacks.jsonl
check "auth-attacks.log: the seven alerts, by value" \
"Burst of sudo password failures by one user on one host|host=srv2,user=dave|6
New local user added to the sudo group within 10 minutes|host=srv3,new_user=backdoor|
SSH brute force against a host from one source|host=srv1,src_ip=203.0.113.50|12
SSH brute force against a host from one source|host=srv3,src_ip=203.0.113.77|10
SSH brute force against a host from one source|host=srv3,src_ip=203.0.113.77|15
SSH login after brute force from the same source|host=srv1,src_ip=203.0.113.50|
SSH password spraying from one source|src_ip=198.51.100.7|11" \
	"$(summary attacks.jsonl)"
check "alerts carry host, level, source and time" \
"critical srv1 03-03T10:02:10 auth-attacks.log
high  03-03T10:12:15 auth-attacks.log
medium srv1 03-03T10:00:33 auth-attacks.log" \
	"$(python3 -c '
import json, os
for l in open("attacks.jsonl"):
    a = json.loads(l)
    if a["group"].get("src_ip") in ("203.0.113.50", "198.51.100.7"):
        print(a["level"], a.get("host") or "", a["time"][5:19], os.path.basename(a["source"]))' | sort)"
check "auth-attacks.log: alerts agree with the oracle" "same 7 alerts" \
	"$(python3 "$oracle" --compare "$fx/auth-attacks.log" attacks.jsonl)"

if ! have_corpus; then
	skip "OpenSSH_2k brute force from 183.62.140.253" "skipped: no corpus"
	skip "OpenSSH_2k alerts agree with the oracle" "skipped: no corpus"
	done_testing
	exit 0
fi
ssh2k=$FL_CORPUS/linux/loghub/OpenSSH/OpenSSH_2k.log
check_exit "detect run over OpenSSH_2k.log" 0 \
	fl detect run --rules "$rules" --format jsonl "$ssh2k"
cp out.txt ssh2k.jsonl
# 286 failed passwords from 183.62.140.253 (10:54:29-11:04:43), never 12 s
# apart: one episode; the oracle gives the same number on its own
check "the oracle counts 286 for 183.62.140.253" "286" "$(python3 "$oracle" "$ssh2k" 2>/dev/null |
	python3 -c '
import json, sys
for l in sys.stdin:
    a = json.loads(l)
    if a["group"] == {"host": "LabSZ", "src_ip": "183.62.140.253"}:
        print(a["count"])')"
check "OpenSSH_2k brute force from 183.62.140.253" "LabSZ 286" \
	"$(python3 -c '
import json
for l in open("ssh2k.jsonl"):
    a = json.loads(l)
    if a["title"].startswith("SSH brute force") and \
       a["group"].get("src_ip") == "183.62.140.253":
        print(a["group"]["host"], a["count"])')"
check "OpenSSH_2k alerts agree with the oracle" "same 10 alerts" \
	"$(python3 "$oracle" --compare "$ssh2k" ssh2k.jsonl)"

done_testing
