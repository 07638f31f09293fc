# test_detect_run: `detect run` end to end on fixtures of our own (and on
# the corpus where present): the alerts with their values, a bad record
# reported with its position while the run goes on, the three output
# formats, --min-level, the same alerts for any number of threads and
# block size, compressed input and standard input, --store (each alert
# once, however often a file is run), --open-incidents (an incident per
# rule and host, joined within the window, the ISO told about high ones),
# and the password-guessing correlation over the real EVTX sample.
. "$FL_TOP/tests/cli/lib.sh"

fx=$FL_TOP/tests/fixtures/detect/run
cp "$fx/events.jsonl" ev.jsonl

# alerts as "rule-suffix record host [count group]" lines
summ() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    s = "%s %d %s" % (a["rule_id"][-2:], a["record"], a["host"])
    if "count" in a:
        s += " n=%d %s" % (a["count"], ",".join("%s=%s" % kv for kv in sorted(a["group"].items())))
    print(s)' "$1" | tr '\n' ';'
}

check_exit "a run with a bad record exits 65" 65 fl detect run --rules "$fx/rules" ev.jsonl
check "the alerts, in input order, with a correlation at its end" \
	"01 1 ws-001;01 3 srv-db;02 4 ws-002;03 5 dc-01 n=4 IpAddress=10.0.0.5;" "$(summ out.txt)"
check "the bad record is named by line and column, the run goes on" \
	"firstline: ev.jsonl:7:1: expected '{' at the start of an event (skipped)" \
	"$(head -1 err.txt)"
check_grep "the summary counts events and bad records" \
	"1 file, 11 events (1 bad records skipped)" err.txt
check_grep "the summary counts alerts by level" "4 alerts: 3 high, 1 medium; 3 rules compiled" err.txt
check "Security 4688 is matched through NewProcessName" \
	'{"NewProcessName": "C:\\Windows\\System32\\WHOAMI.EXE", "CommandLine": "whoami"}' \
	"$(sed -n 2p out.txt | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["fields"]))')"
check "the correlation lists the events it counted" "5 6 10 11" \
	"$(sed -n 4p out.txt | python3 -c 'import json,sys; print(*[e["record"] for e in json.load(sys.stdin)["events"]])')"

grep -v 'not JSON' ev.jsonl > good.jsonl
check_exit "a clean run exits 0" 0 fl detect run --rules "$fx/rules" good.jsonl
check_exit "--min-level high" 0 fl detect run --min-level high --rules "$fx/rules" good.jsonl
check "--min-level high drops the medium alert" "01;01;03;" \
	"$(python3 -c 'import json,sys
for l in open("out.txt"): print(json.loads(l)["rule_id"][-2:])' | tr '\n' ';')"
check_exit "--format csv" 0 fl detect run --format csv --rules "$fx/rules" good.jsonl
check "csv: a header and one row per alert" \
	"time,level,rule_id,title,host,source,record,count,details 5" \
	"$(head -1 out.txt) $(wc -l < out.txt | tr -d ' ')"
check "csv: the correlation row" \
	"2026-11-20T09:02:00Z,high,7f0e1c2a-0003-4a5b-9c1d-000000000003,Failed logons from one address,dc-01,good.jsonl,5,4,IpAddress=10.0.0.5" \
	"$(tail -1 out.txt)"
check_exit "--format table" 0 fl detect run --format table --rules "$fx/rules" good.jsonl
check_grep "table: the whoami alert" "Whoami run by a user" out.txt
check_exit "--format nonsense is a usage error" 64 fl detect run --format xml --rules "$fx/rules" good.jsonl
check_exit "no --rules is a usage error" 64 fl detect run good.jsonl
check_exit "a missing input exits 66" 66 fl detect run --rules "$fx/rules" nope.jsonl
check_grep "a missing input is named" "nope.jsonl" err.txt

# the same alerts for any number of threads, however the input is cut
i=0; : > big.jsonl
while [ $i -lt 300 ]; do cat good.jsonl >> big.jsonl; i=$((i + 1)); done
fl detect run --threads 1 --rules "$fx/rules" big.jsonl > one.txt 2>/dev/null
FIRSTLINE_DETECT_BLOCK=4096 fl detect run --threads 2 --rules "$fx/rules" big.jsonl > two.txt 2>/dev/null
FIRSTLINE_DETECT_BLOCK=777 fl detect run --threads 3 --rules "$fx/rules" big.jsonl > three.txt 2>/dev/null
check "threads 1: 3 single alerts per copy, and one correlation per address" \
	"900 10.0.0.5=1200 10.0.0.6=300" \
	"$(python3 -c 'import json
a=[json.loads(l) for l in open("one.txt")]
print(sum(1 for x in a if "count" not in x), *sorted("%s=%d" % (x["group"]["IpAddress"], x["count"]) for x in a if "count" in x))')"
if cmp -s one.txt two.txt && cmp -s one.txt three.txt; then
	ok "1, 2 and 3 threads with small blocks give the same alerts"
else
	not_ok "1, 2 and 3 threads with small blocks give the same alerts"
fi
check "line numbers stay right across blocks (copy 300, line 3)" "3292" \
	"$(python3 -c 'import json
a=[json.loads(l) for l in open("one.txt")]
print([x for x in a if x["host"] == "srv-db"][-1]["record"])')"

# compressed input and standard input give the same alerts
gzip -c good.jsonl > good.jsonl.gz
fl detect run --rules "$fx/rules" good.jsonl > plain.txt 2>/dev/null
fl detect run --rules "$fx/rules" good.jsonl.gz > gz.txt 2>/dev/null
check "gzip input: the same alerts" "$(summ plain.txt)" "$(summ gz.txt)"
fl detect run --rules "$fx/rules" - < good.jsonl > stdin.txt 2>/dev/null
check "standard input: the same alerts" "$(summ plain.txt)" "$(summ stdin.txt)"
mkdir -p logs/sub && cp good.jsonl logs/sub/a.jsonl
fl detect run --rules "$fx/rules" logs > dir.txt 2>/dev/null
check "a directory is walked" "$(summ plain.txt)" "$(summ dir.txt)"

# ECS / Winlogbeat names through a field mapping
check_exit "--field-map: ECS events" 0 fl detect run --rules "$fx/rules" \
	--field-map "$fx/ecs-fields.yml" "$fx/ecs.jsonl"
check "ECS: process.executable is read as Image (channel and id mapped too)" \
	"01 1 ws-ecs;" "$(summ out.txt)"
check_exit "without the field map nothing matches" 0 fl detect run --rules "$fx/rules" "$fx/ecs.jsonl"
check "without the field map: no alert" "0" "$(wc -l < out.txt | tr -d ' ')"
printf 'fieldmappings:\n  Image: [a, b\n' > badmap.yml
check_exit "a broken field map exits 65" 65 fl detect run --rules "$fx/rules" --field-map badmap.yml "$fx/ecs.jsonl"
check_grep "a broken field map is located" "badmap.yml:3:1: invalid YAML" err.txt

# --store: each alert once
fl init >/dev/null 2>&1
check_exit "--store" 0 fl detect run --store --rules "$fx/rules" good.jsonl
check_grep "--store reports what it kept" "4 alerts stored, 0 incidents opened" err.txt
check_exit "--store again" 0 fl detect run --store --rules "$fx/rules" good.jsonl
check_grep "running the same file again stores nothing" "0 alerts stored" err.txt
check_exit "detect alerts --json" 0 fl detect alerts --json
check "the stored alerts" "4 correlation:4 event:1" \
	"$(python3 -c 'import json
d=json.load(open("out.txt"))
print(len(d), *sorted(set("%s:%d" % (a["kind"], a["count"]) for a in d)))')"
fl audit log --json > audit.txt 2>&1
check "every alert is audited" "4" "$(grep -o '"detect.alert"' audit.txt | wc -l | tr -d ' ')"

# --open-incidents: one incident per rule and host; the ISO hears of high
rm -f test.db; fl init >/dev/null 2>&1
check_exit "--open-incidents" 0 fl detect run --open-incidents --rules "$fx/rules" good.jsonl
check_grep "four incidents opened" "4 incidents opened, 0 alerts joined" err.txt
check_exit "incident list --json" 0 fl incident list --json
check "incidents: title, severity, category" \
	"Failed logons from one address on dc-01/high/unauthorised-access;PowerShell with an encoded command on ws-002/medium/malware;Whoami run by a user on srv-db/high/other;Whoami run by a user on ws-001/high/other;" \
	"$(python3 -c 'import json
for i in sorted(json.load(open("out.txt")), key=lambda i: i["title"]): print("%s/%s/%s" % (i["title"], i["severity"], i["category"]))' | tr '\n' ';')"
ref=$(python3 -c 'import json
print([i["ref"] for i in json.load(open("out.txt")) if i["title"].endswith("ws-001")][0])')
fl incident show "$ref" --json > show.txt 2>&1
check_grep "the alert is on the incident's timeline" "Alert: Whoami run by a user on ws-001" show.txt
check_exit "notify list --json" 0 fl notify list --json
check "the ISO is told of the three high incidents" "3" \
	"$(python3 -c 'import json
print(sum(1 for m in json.load(open("out.txt")) if m["event"] == "incident.new"))')"
# a later alert of the same rule and host within the window joins it
sed 's/2026-11-20T08:00:00Z/2026-11-20T20:00:00Z/' good.jsonl | head -1 > later.jsonl
check_exit "a later alert" 0 fl detect run --open-incidents --rules "$fx/rules" later.jsonl
check_grep "within 24 hours it joins the open incident" "0 incidents opened, 1 alert joined" err.txt
sed 's/2026-11-20T08:00:00Z/2026-11-23T08:00:00Z/' good.jsonl | head -1 > much-later.jsonl
check_exit "a much later alert" 0 fl detect run --open-incidents --rules "$fx/rules" much-later.jsonl
check_grep "after the window it opens a new incident" "1 incident opened, 0 alerts joined" err.txt
check_exit "--incident-window nonsense is a usage error" 64 \
	fl detect run --open-incidents --incident-window soon --rules "$fx/rules" good.jsonl

# detect tail: a growing file, a line written in two parts, and windows
# that close as event time moves on
: > live.log
"$FIRSTLINE" detect tail --rules builtin:linux live.log > tail.txt 2> tail.err &
pid=$!
sleep 1
i=0
while [ $i -lt 12 ]; do
	printf 'Mar  3 10:00:%02d srv9 sshd[%d]: Failed password for root from 203.0.113.9 port %d ssh2\n' \
		$((i * 2)) $((700 + i)) $((40000 + i)) >> live.log
	i=$((i + 1))
done
sleep 1
printf 'Mar  3 10:01:30 srv9 sshd[800]: Accepted password for root' >> live.log
sleep 1
printf ' from 203.0.113.9 port 41000 ssh2\n' >> live.log
printf 'Mar  3 10:20:00 srv9 CRON[900]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n' >> live.log
sleep 2
kill -INT $pid 2>/dev/null
wait $pid
check "tail: the brute force (12 failures) and the login after it, from a growing file" \
	"SSH brute force against a host from one source 12;SSH login after brute force from the same source 2;" \
	"$(python3 -c 'import json
for l in open("tail.txt"):
    a = json.loads(l); print(a["title"], a["count"])' | tr '\n' ';')"
check_grep "tail: the summary counts the lines read" "1 file, 14 events" tail.err

# detect tail over an audit log: auditd writes an event's records one by
# one, and a read that falls between them must not cut the event in two;
# an event no EOE record closes is read once the file has been quiet
cat > wget.yml <<'EOF'
title: wget run by a user
id: 5d7c1b6e-2f0a-4c3e-9a51-0e6f2b7d9c11
status: test
logsource:
  product: linux
  service: auditd
detection:
  selection:
    comm: wget
    a0: wget
  condition: selection
level: high
EOF
sys='type=SYSCALL msg=audit(1764000000.100:%d): arch=c000003e syscall=59 success=yes exit=0 a0=55 items=2 ppid=100 pid=%d auid=1000 uid=1000 comm="wget" exe="/usr/bin/wget" key=(null)\n'
exe='type=EXECVE msg=audit(1764000000.100:%d): argc=2 a0="wget" a1="http://203.0.113.7/x"\n'
: > live.audit
"$FIRSTLINE" detect tail --input-format auditd --rules wget.yml live.audit \
	> atail.txt 2> atail.err &
pid=$!
sleep 1
printf "$sys" 501 201 >> live.audit
sleep 0.5
printf "$exe" 501 >> live.audit
printf 'type=EOE msg=audit(1764000000.100:501): \n' >> live.audit
printf "$sys$exe" 502 202 502 >> live.audit
sleep 2.5
kill -INT $pid 2>/dev/null
wait $pid
check "tail: an audit event written in two parts is one event; an unclosed last one is read when quiet" \
	"1 4 " "$(python3 -c 'import json
for l in open("atail.txt"):
    a = json.loads(l); print(a["record"], end=" ")' 2>&1; true)"
check_grep "tail: two audit events, not three" "1 file, 2 events" atail.err

if ! have_corpus; then
	skip "password guessing over EVTX" "skipped: no corpus"
	done_testing
	exit 0
fi
ev=$FL_CORPUS/evtx/hayabusa-sample-evtx/DeepBlueCLI/smb-password-guessing-security.evtx
check_exit "password guessing correlation over the EVTX sample" 0 \
	fl detect run --rules "$FL_CORPUS/sigma-correlation/hayabusa-rules" "$ev"
check "one PW Guessing alert from 192.168.198.149 counting 3,558 failures" \
	"PW Guessing 192.168.198.149 3558 1" \
	"$(python3 -c 'import json
a=[json.loads(l) for l in open("out.txt")]
g=[x for x in a if x["title"] == "PW Guessing"]
print(g[0]["title"], g[0]["group"]["IpAddress"], g[0]["count"], len(g))')"

# A broken chunk of a large EVTX file, read in runs of chunks on several
# threads (64 KiB blocks here): the message names the chunk by its place
# in the file, as a whole-file read does
app=$FL_CORPUS/evtx/hayabusa-sample-evtx/DeepBlueCLI/many-events-application.evtx
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[4096 + 2 * 65536 + 1000] ^= 0xff   # inside chunk 2
open("bad.evtx", "wb").write(d)' "$app"
want="chunk 2 (offset 135168): records checksum mismatch"
fl detect run --rules "$fx/rules" bad.evtx >/dev/null 2>whole.err
check_grep "broken chunk, whole file: its number and offset" "$want" whole.err
FIRSTLINE_DETECT_BLOCK=65536 fl detect run --threads 2 --rules "$fx/rules" \
	bad.evtx >/dev/null 2>runs.err
check_grep "broken chunk, runs of chunks on 2 threads: the same" "$want" runs.err
FIRSTLINE_DETECT_BLOCK=65536 fl detect run --threads 2 --input-format evtx \
	--rules "$fx/rules" - <bad.evtx >/dev/null 2>pipe.err
check_grep "broken chunk, runs read from a pipe: the same" "$want" pipe.err
done_testing
