# test_notify: the outbox end to end against real receivers on 127.0.0.1:
# an SMTP server (aiosmtpd, tests/cli/smtp_sink.py) and an HTTP receiver
# (tests/cli/http_sink.py), both started here on free ports.  Checks the
# delivered mail's headers and body and the webhook's JSON and HMAC
# signature by value; STARTTLS with a self-signed certificate (CA file
# setting) and AUTH; that a message stays pending while the mail server is
# down and is delivered exactly once after it is back; give-up and retry;
# that a risk escalation queues a notice; that header injection is refused
# everywhere it could enter; and that no secret reaches the database.
. "$FL_TOP/tests/cli/lib.sh"

export FIRSTLINE_NOW=2026-03-02T10:00:00Z
# the receivers are local: a proxy from the environment must not interfere
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy \
	FIRSTLINE_SMTP_PASSWORD 2>/dev/null
# py EXPR: evaluate EXPR with d = the JSON on stdin; pyt TUPLE: the same,
# printing the tuple's values separated by spaces
py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
pyt() { python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join(map(str, ($1))))"; }

# ---- help and refusals that need no receiver ---------------------------------
bad=""
for v in route webhook smtp config role list show run retry test; do
	fl notify "$v" --help >help.txt 2>&1 && grep -q "^usage: firstline" help.txt ||
		bad="$bad $v"
done
check "every notify verb has --help" "" "$bad"

check_exit "init" 0 fl init
dbdump test.db >before.sql
check_exit "route without --event is a usage error" 64 fl notify route add --mail iso
check_exit "route with both --mail and --webhook is a usage error" 64 \
	fl notify route add --event '*' --mail iso --webhook x
check_exit "bad event pattern refused" 65 fl notify route add --event 'incident*' --mail iso
check_grep "bad pattern explained" "invalid event pattern" err.txt
check_exit "unknown role refused" 65 fl notify route add --event '*' --mail boss
check_exit "route to a missing webhook refused" 65 \
	fl notify route add --event '*' --webhook nope
check_grep "missing webhook named" "unknown webhook 'nope'" err.txt
check_exit "mail target with a line break refused" 65 \
	fl notify route add --event '*' --mail "$(printf 'a@example.org\r\nBcc: evil@example.org')"
check_exit "subject with CRLF refused" 65 \
	fl notify test --subject "$(printf 'hello\r\nBcc: evil@example.org')"
check_grep "injection explained" "line break" err.txt
check_exit "sender with CRLF refused" 65 \
	fl notify smtp --from "$(printf 'a@example.org\r\nBcc: evil@example.org')"
check_exit "role address with LF refused" 65 \
	fl notify role iso "$(printf 'iso@example.org\nBcc: evil@example.org')"
check_exit "SMTP URL with a password refused" 65 \
	fl notify smtp --url smtp://user:secret@mail.example.org
check_exit "webhook URL with credentials refused" 65 \
	fl notify webhook add soc https://u:p@soc.example.org/
check_exit "webhook secret by relative path refused" 64 \
	fl notify webhook add soc https://soc.example.org/ --secret-file key.txt
check_exit "bad data refused" 65 fl notify test --data '[1]'
dbdump test.db >after.sql
check "refusals left the database as it was" "" "$(diff before.sql after.sql)"

# ---- no route, no address: waits, nothing is lost ----------------------------
check_exit "a notice without routes is queued" 0 fl notify test --subject "first"
check_grep "queued for the ISO" "queued 1 message" out.txt
fl notify list --json >list.json
check "it goes to the role iso" "iso pending 0" \
	"$(pyt 'd[0]["target"], d[0]["status"], d[0]["attempts"]' <list.json)"
check_grep "the message says how to configure" "notify role iso" list.json
check_exit "run with no address waits (exit 65)" 65 fl notify run
check_grep "run reports the waiting message" "^waiting   #1 mail iso: no address for role 'iso'" out.txt
check "waiting is not an attempt" "0" "$(fl notify list --json | py 'd[0]["attempts"]')"

# ---- receivers -------------------------------------------------------------------
# python3 may be an interpreter without Debian's python3-aiosmtpd
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import aiosmtpd' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	skip "SMTP and webhook delivery" "no python3-aiosmtpd (scripts/deps.sh check)"
	done_testing
	exit 0
fi

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done' EXIT INT TERM
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ "$i" -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}
# start_smtp DIR ARGS...: an SMTP sink writing to DIR; its pid in $smtp_pid
start_smtp() {
	d=$1
	shift
	mkdir -p "$d"
	rm -f "$d.port"
	"$PY" "$FL_TOP/tests/cli/smtp_sink.py" --dir "$d" --port-file "$d.port" "$@" \
		2>>"$d.log" &
	smtp_pid=$!
	pids="$pids $smtp_pid"
	wait_file "$d.port"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# mail FILE EXPR: evaluate EXPR with m = the parsed message (policy default:
# headers decoded), body = its decoded text
mail() {
	python3 - "$1" "$2" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
body = m.get_content()
print(eval(sys.argv[2]))
PY
}

start_smtp plain
check "the SMTP server started" "0" "$?"
smtp_port=$(cat plain.port)
plain_pid=$smtp_pid
mkdir -p hook
"$PY" "$FL_TOP/tests/cli/http_sink.py" --dir hook --port-file hook.port 2>hook.log &
pids="$pids $!"
wait_file hook.port
check "the HTTP receiver started" "0" "$?"
hook_port=$(cat hook.port)

# ---- mail: the first message goes out once configured ---------------------------
check_exit "set the ISO's address" 0 fl notify role iso iso@example.org
check_grep "role shows the address" "^iso: iso@example.org$" out.txt
check_exit "configure SMTP" 0 fl notify smtp --url "smtp://127.0.0.1:$smtp_port" \
	--from "firstline <itso@example.org>" --starttls off
check_grep "smtp shows the URL" "^url            smtp://127.0.0.1:$smtp_port$" out.txt
check_exit "run delivers the waiting message" 0 fl notify run
check_grep "run says delivered" "^delivered #1 mail iso@example.org: 250" out.txt
check "one mail arrived" "1" "$(ls plain/*.eml 2>/dev/null | wc -l | tr -d ' ')"
check "envelope" "itso@example.org iso@example.org False" \
	"$(pyt 'd["mail_from"], ",".join(d["rcpt_tos"]), d["tls"]' <plain/001.json)"
check "To header" "iso@example.org" "$(mail plain/001.eml 'm["To"]')"
check "From header" "firstline <itso@example.org>" "$(mail plain/001.eml 'm["From"]')"
check "Subject header" "first" "$(mail plain/001.eml 'm["Subject"]')"
check "Date header is the run's time" "Mon, 02 Mar 2026 10:00:00 +0000" \
	"$(mail plain/001.eml 'm["Date"]')"
check "Message-ID names the message and the sender's domain" "ok" \
	"$(mail plain/001.eml '"ok" if __import__("re").fullmatch(r"<fl\.1\.[0-9a-f]{24}@example\.org>", m["Message-ID"]) else m["Message-ID"]')"
check "event and reference headers" "notify.test test:notify" \
	"$(mail plain/001.eml 'm["X-Firstline-Event"] + " " + m["X-Firstline-Ref"]')"
check "body" "This is a test of firstline's notifications: no action is needed." \
	"$(mail plain/001.eml 'body.strip()')"
check "the mail is delivered in the outbox" "delivered 1 2026-03-02T10:00:00Z None" \
	"$(fl notify list --json | pyt 'd[0]["status"], d[0]["attempts"], d[0]["delivered_at"], d[0]["next_attempt_at"]')"
check_exit "a second run has nothing to do" 0 fl notify run
check "nothing sent twice" "1" "$(ls plain/*.eml | wc -l | tr -d ' ')"

# non-ASCII subject (RFC 2047), a long non-ASCII body (quoted-printable)
long=$(python3 -c "print('Zahlungsverkehr gestört: ' + 'ü' * 120)")
check_exit "queue a non-ASCII message" 0 fl notify test --severity critical \
	--subject "Größere Störung im Zahlungsverkehr – Meldung an die ISO" \
	--body "$(printf 'Erste Zeile\n%s\nLetzte Zeile' "$long")"
check_exit "deliver it" 0 fl notify run
check "the subject decodes to the original" "Größere Störung im Zahlungsverkehr – Meldung an die ISO" \
	"$(mail plain/002.eml 'm["Subject"]')"
check "the raw subject is RFC 2047 encoded" "1" \
	"$(grep -c '^Subject: =?UTF-8?B?' plain/002.eml)"
check "no raw line is longer than 78 bytes" "0" \
	"$(python3 -c "import sys; print(sum(len(l.rstrip(b'\r\n')) > 78 for l in open(sys.argv[1], 'rb')))" plain/002.eml)"
check "the body decodes to the original" "$(printf 'Erste Zeile\n%s\nLetzte Zeile' "$long")" \
	"$(mail plain/002.eml 'body.rstrip("\n")')"
check "severity header" "critical" "$(mail plain/002.eml 'm["X-Firstline-Severity"]')"

# ---- routes, webhooks and a risk escalation ---------------------------------------
export SOC_KEY='k3y-for-the-soc'
check_exit "add a signed webhook" 0 fl notify webhook add soc \
	"http://127.0.0.1:$hook_port/firstline" --secret-env SOC_KEY
check_grep "webhook added signed" "added webhook soc (signed)" out.txt
check_exit "route risk events of high severity to the webhook" 0 \
	fl notify route add --event 'risk.*' --min-severity high --webhook soc
check_exit "route everything to the ISO by mail" 0 fl notify route add --event '*' --mail iso
check "route list" "risk.* high webhook soc|* None mail iso" \
	"$(fl notify route list --json | py '"|".join(" ".join(str(r[k]) for k in ("event","min_severity","channel","target")) for r in d)')"
check "webhook list keeps the reference, not the key" "env:SOC_KEY 1" \
	"$(fl notify webhook list --json | pyt 'd[0]["secret_ref"], d[0]["routes"]')"
check_exit "a route in use keeps its webhook" 65 fl notify webhook rm soc

fixture() { "$@" >>fixture.txt 2>&1 || echo "failed: $*" >>fixture.bad; }
fixture fl entity add HQ --name "Head office" --central
fixture fl person add --email ines@example.org --name "Ines Iso" --role iso --entity HQ
fixture fl risk add --title "$(printf 'Payment fraud\r\nBcc: evil@example.org')"
check "risk fixtures" "" "$(cat fixture.bad 2>/dev/null)"
check_exit "assess: high escalates" 0 fl risk assess R-0001 --likelihood 4 --impact 4
check_grep "the risk escalated" "escalated to the ISO" out.txt
fl notify list --ref risk:R-0001 --json >risk.json
check "the escalation queued one message per route" \
	"risk.escalated high webhook soc|risk.escalated high mail iso" \
	"$(py '"|".join(" ".join((r["event"], r["severity"], r["channel"], r["target"])) for r in d)' <risk.json)"
check "the escalation's subject names the risk on one line" \
	"Risk R-0001 escalated (inherent level high): Payment fraud  Bcc: evil@example.org" \
	"$(py 'd[0]["subject"]' <risk.json)"
check_exit "deliver the escalation" 0 fl notify run --json
check "both delivered" "delivered delivered" \
	"$(py '" ".join(r["outcome"] for r in d)' <out.txt)"
check "one POST arrived" "1" "$(ls hook/*.body 2>/dev/null | wc -l | tr -d ' ')"
check "webhook path" "/firstline" "$(cat hook/001.path)"
check "webhook JSON fields" \
	"risk.escalated|risk:R-0001|high|high|inherent|2026-03-02T10:00:00Z" \
	"$(py '"|".join((d["event"], d["ref"], d["severity"], d["data"]["level"], d["data"]["basis"], d["sent_at"]))' <hook/001.body)"
check "webhook field order" "event ref severity subject text data id sent_at" \
	"$(py '" ".join(d.keys())' <hook/001.body)"
check "webhook text names the risk" "Risk R-0001 has been escalated to the ISO." \
	"$(py 'd["text"].splitlines()[0]' <hook/001.body)"
check "webhook id is the message's stable id" "ok" \
	"$(py '"ok" if __import__("re").fullmatch(r"fl\.[0-9]+\.[0-9a-f]{24}", d["id"]) else d["id"]' <hook/001.body)"
check "Content-Type" "application/json" "$(py 'd["Content-Type"]' <hook/001.headers.json)"
check "timestamp header" "1772445600" "$(py 'd["X-Firstline-Timestamp"]' <hook/001.headers.json)"
verify() { # KEY BODYFILE HEADERS: "valid" when the signature matches
	python3 - "$1" "$2" "$3" <<'PY'
import hashlib, hmac, json, sys
key, body = sys.argv[1].encode(), open(sys.argv[2], 'rb').read()
sig = json.load(open(sys.argv[3]))['X-Firstline-Signature']
want = 'sha256=' + hmac.new(key, body, hashlib.sha256).hexdigest()
print('valid' if hmac.compare_digest(sig, want) else 'invalid')
PY
}
check "the HMAC-SHA256 signature verifies" "valid" \
	"$(verify "$SOC_KEY" hook/001.body hook/001.headers.json)"
check "a wrong key does not verify" "invalid" \
	"$(verify wrong-key hook/001.body hook/001.headers.json)"
sed 's/"high"/"low"/' hook/001.body >tampered.body
check "a changed body does not verify" "invalid" \
	"$(verify "$SOC_KEY" tampered.body hook/001.headers.json)"
check "the webhook key is not in the database" "0" \
	"$(sqlite3 test.db .dump | grep -c "$SOC_KEY")"
check "the escalation mail went to the ISO only" "['iso@example.org']" \
	"$(py 'd["rcpt_tos"]' <plain/003.json)"
check "no injected header in the mail" "None" "$(mail plain/003.eml 'm["Bcc"]')"
check "the mail body names level and basis" "Level:      high (inherent)" \
	"$(mail plain/003.eml '[l for l in body.splitlines() if l.startswith("Level:")][0]')"

# ---- the mail server is down -------------------------------------------------------
stop "$plain_pid"
check_exit "queue while the server is down" 0 fl notify test --event notify.down --subject "while down"
id=$(fl notify list --json | py 'd[-1]["id"]')
check_exit "run while down: a retry is not a failure" 0 fl notify run
check_grep "run reports the retry and its time" "^retry     #$id mail iso@example.org (attempt 1, next at 2026-03-02T10:01:00Z)" out.txt
fl notify show "$id" --json >show.json
check "still pending, attempt recorded, next attempt in the future" \
	"pending 1 2026-03-02T10:01:00Z 1 retry" \
	"$(pyt 'd["status"], d["attempts"], d["next_attempt_at"], len(d["attempts_list"]), d["attempts_list"][0]["outcome"]' <show.json)"
check_grep "the attempt says why" "onnect" show.json
check_exit "a run before the next attempt tries nothing" 0 fl notify run
check "no attempt before its time" "1" "$(fl notify show "$id" --json | py 'd["attempts"]')"
start_smtp plain --port "$smtp_port"
check "the SMTP server is back on its port" "0" "$?"
plain_pid=$smtp_pid
check_exit "a later run delivers it" 0 fl notify run --now 2026-03-02T10:02:00Z
check_grep "delivered after the outage" "^delivered #$id mail" out.txt
check_exit "and the next run sends nothing more" 0 fl notify run --now 2026-03-02T10:30:00Z
check "delivered exactly once" "1" \
	"$(for f in plain/*.eml; do mail "$f" 'm["Subject"]'; done | grep -c '^while down$')"
check "its attempts: one retry, one delivery" "retry delivered" \
	"$(fl notify show "$id" --json | py '" ".join(a["outcome"] for a in d["attempts_list"])')"

# ---- an incident: the delivery to the ISO is the moment the ISO was informed ----
check_exit "an entity for the incident" 0 fl entity add BANK --name "Bank AG" --regime dora
check_exit "a critical incident queues incident.new" 0 fl incident new \
	--title "Ransomware on file servers" --category malware --severity critical \
	--entity BANK
inc=$(cat out.txt)
check "the ISO is not informed by queuing" "running" \
	"$(fl incident clocks "$inc" --json | py '[c["status"] for c in d if c["regime"] == "internal"][0]')"
FIRSTLINE_NOW=2026-03-02T10:20:00Z fl notify run >out.txt 2>err.txt
check "deliver it 20 minutes later" "0" "$?"
check_grep "delivered to the ISO" "^delivered #[0-9]* mail iso@example.org" out.txt
check "the internal clock is met at the delivery" "met 2026-03-02T10:20:00Z" \
	"$(fl incident clocks "$inc" --json | py '[c["status"] + " " + str(c["done"]) for c in d if c["regime"] == "internal"][0]')"
check "the timeline says how the ISO was told" "1" \
	"$(fl incident show "$inc" --json | py 'len([e for e in d["timeline"] if "to the ISO delivered" in e["text"]])')"

# ---- giving up, and retry -----------------------------------------------------------
stop "$plain_pid"
check_exit "at most two attempts" 0 fl notify config --max-attempts 2
check_exit "queue another" 0 fl notify test --event notify.down --subject "given up"
id=$(fl notify list --json | py 'd[-1]["id"]')
check_exit "first attempt fails: retry" 0 fl notify run
check_exit "second attempt fails for good (exit 74)" 74 fl notify run --now 2026-03-02T10:01:00Z
check_grep "run says failed" "^failed    #$id mail" out.txt
check "listed as failed" "$id" "$(fl notify list --status failed --json | py 'd[0]["id"]')"
start_smtp plain --port "$smtp_port"
plain_pid=$smtp_pid
check_exit "a failed message is not retried by itself" 0 fl notify run --now 2026-03-03T10:00:00Z
check "nothing was sent" "0" \
	"$(for f in plain/*.eml; do mail "$f" 'm["Subject"]'; done | grep -c '^given up$')"
check_exit "notify retry" 0 fl notify retry "$id" --now 2026-03-03T10:00:00Z
check_exit "run after retry delivers" 0 fl notify run --now 2026-03-03T10:00:00Z
check "delivered once after the retry" "1" \
	"$(for f in plain/*.eml; do mail "$f" 'm["Subject"]'; done | grep -c '^given up$')"
check_exit "a delivered message cannot be retried" 65 fl notify retry "$id"
check_exit "retry of a missing message" 65 fl notify retry 999
check_exit "config back to the default" 0 fl notify config --clear max-attempts

# ---- a webhook that answers 500 first ----------------------------------------------------
check_exit "remove the catch-all route" 0 fl notify route rm 2
check "one route left" "1" "$(fl notify route list --json | py 'len(d)')"
mkdir -p flaky
"$PY" "$FL_TOP/tests/cli/http_sink.py" --dir flaky --port-file flaky.port --fail 1 2>flaky.log &
pids="$pids $!"
wait_file flaky.port
check_exit "an unsigned webhook" 0 fl notify webhook add flaky "http://127.0.0.1:$(cat flaky.port)/"
check_exit "route a test event to it" 0 fl notify route add --event notify.flaky --webhook flaky
check_exit "queue for it" 0 fl notify test --event notify.flaky --subject flaky --data '{"n":1}'
check_grep "only the matching route: one message" "queued 1 message" out.txt
check_exit "HTTP 500 is a retry" 0 fl notify run
check_grep "the status is in the detail" "HTTP 500" out.txt
check_exit "the retry succeeds" 0 fl notify run --now 2026-03-02T10:01:00Z
check_grep "delivered on the second attempt" "^delivered #[0-9]* webhook flaky: HTTP 200" out.txt
check "unsigned: no signature header" "None None" \
	"$(pyt 'd.get("X-Firstline-Signature"), d.get("X-Firstline-Timestamp")' <flaky/002.headers.json)"
check "the same id on both attempts" "1" \
	"$(python3 -c 'import json,sys; print(len({json.load(open(f))["id"] for f in sys.argv[1:]}))' flaky/001.body flaky/002.body)"

# ---- STARTTLS and AUTH with a private CA ---------------------------------------------------
if ! command -v openssl >/dev/null 2>&1; then
	skip "STARTTLS and AUTH" "no openssl"
else
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
		-days 2 -subj /CN=127.0.0.1 \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >openssl.log 2>&1
	check "a self-signed certificate" "0" "$?"
	start_smtp tls --tls-cert cert.pem --tls-key key.pem --require-starttls \
		--user mailer --password 'correct horse battery'
	check "the STARTTLS server started" "0" "$?"
	tls_port=$(cat tls.port)
	check_exit "configure STARTTLS, AUTH and the CA file" 0 fl notify smtp \
		--url "smtp://127.0.0.1:$tls_port" --starttls require --user mailer \
		--cafile "$PWD/cert.pem"
	check_grep "no password configured yet" "^password       none$" out.txt
	check_exit "queue for the TLS server" 0 fl notify test --event notify.tls --subject "over tls"
	id=$(fl notify list --json | py 'd[-1]["id"]')
	check_exit "without a password the message waits" 65 fl notify run
	check_grep "and says how to give one" "FIRSTLINE_SMTP_PASSWORD" out.txt
	env FIRSTLINE_SMTP_PASSWORD=wr0ng-pa55 "$FIRSTLINE" notify run >out.txt 2>err.txt
	check "a wrong password is a retry" "0" "$?"
	check_grep "the server refused the login" "^retry     #$id mail iso@example.org .*[Ll]ogin" out.txt
	check "the wrong password is not recorded" "0" "$(sqlite3 test.db .dump | grep -c 'wr0ng-pa55')"
	printf 'correct horse battery\n' >pw.txt
	chmod 600 pw.txt
	check_exit "the password from a file" 0 fl notify smtp --password-file "$PWD/pw.txt"
	check_grep "smtp shows where the password comes from" "^password       from file $PWD/pw.txt$" out.txt
	check "smtp never prints the password" "0" "$(grep -c 'correct horse' out.txt)"
	check_exit "the retry logs in over TLS" 0 fl notify run --now 2026-03-02T10:01:00Z
	check_grep "delivered over STARTTLS" "^delivered #$id mail" out.txt
	check "the session was TLS and authenticated as mailer" "True True mailer" \
		"$(pyt 'd["tls"], d["authenticated"], d["login"]' <tls/001.json)"
	check "the mail arrived intact" "over tls" "$(mail tls/001.eml 'm["Subject"]')"
	check "the password is nowhere in the database" "0" \
		"$(sqlite3 test.db .dump | grep -c 'correct horse')"
	# the certificate is checked: without the CA file it is refused
	check_exit "forget the CA file" 0 fl notify smtp --clear cafile
	check_exit "queue again" 0 fl notify test --event notify.tls --subject "unverified"
	env FIRSTLINE_SMTP_PASSWORD='correct horse battery' "$FIRSTLINE" notify run >out.txt 2>err.txt
	check_grep "an unknown CA is not accepted" "^retry .*certificate" out.txt
	check "nothing was sent to the unverified server" "1" \
		"$(ls tls/*.eml | wc -l | tr -d ' ')"
	# a password is never sent without TLS
	check_exit "STARTTLS off" 0 fl notify smtp --starttls off --cafile "$PWD/cert.pem"
	env FIRSTLINE_SMTP_PASSWORD='correct horse battery' "$FIRSTLINE" notify run \
		--now 2026-03-02T12:00:00Z >out.txt 2>err.txt
	check "a password without TLS waits (exit 65)" "65" "$?"
	check_grep "and says why" "without TLS" out.txt
	check "the server saw no login" "1" "$(ls tls/*.eml | wc -l | tr -d ' ')"
fi

# ---- audit ------------------------------------------------------------------------------
fl audit log --json >audit.json
check "enqueue, attempt and outcome are audited" "ok" \
	"$(py '"ok" if {"notify.enqueue","notify.attempt","notify.delivered","notify.retry","notify.failed","notify.requeue","notify.route.add","notify.webhook.add","setting.set"} <= {e["action"] for e in d} else sorted({e["action"] for e in d})' <audit.json)"
check_exit "the audit chain is intact" 0 fl audit verify
check "no secret in the audit trail" "0" \
	"$(grep -c -e 'correct horse' -e "$SOC_KEY" audit.json)"
done_testing
