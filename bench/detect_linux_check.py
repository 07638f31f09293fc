#!/usr/bin/env python3
"""detect_linux_check.py MANIFEST ALERTS: whether `detect run` found every
attack bench/gen_authlog.c injected (bench/detect_linux.sh).

MANIFEST has one JSON line per attack (kind, host, src_ip, user, start,
end, count, users, rules); ALERTS is the JSON-lines output of `detect run
--format jsonl`.  An attack is found when, for each rule id it lists, an
alert of that rule has the attack's group values (host, src_ip, user or
new_user, as the attack has them) and opened between the attack's start
and end.  Counting correlations (brute force, spray, sudo burst) must also
count exactly the attack's failures: the generator keeps every other line
of that group away from the attack.  Alerts no attack explains are false
positives; the background is built to raise none.

Times are compared without the year (RFC 3164 has none).  Exit 0 when
every attack is found, with the right count, and nothing else fired.
"""
import json
import sys

DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
COUNTING = {"2f059992-a427-466f-a276-2a10ddcbd5cd",   # brute force
            "4785ef58-dce4-4c2e-8cd6-74fd3f0067fb",   # password spray
            "391e611d-1b0f-4655-9692-a4e7e933e298"}   # sudo burst


def secs(iso):
    """'YYYY-MM-DDThh:mm:ss...' to seconds since Jan 1 of a common year."""
    mo, d = int(iso[5:7]), int(iso[8:10])
    h, m, s = int(iso[11:13]), int(iso[14:16]), int(iso[17:19])
    return ((DAYS[mo - 1] + d - 1) * 24 + h) * 3600 + m * 60 + s


def wanted(attack, rule):
    """The group values an alert of RULE must carry for ATTACK."""
    g = {}
    if attack["host"]:
        g["host"] = attack["host"]
    if attack["kind"] in ("brute_force", "password_spray", "success_after_brute_force"):
        g["src_ip"] = attack["src_ip"]
    elif attack["kind"] == "sudo_burst":
        g["user"] = attack["user"]
    elif attack["kind"] == "new_sudo_user":
        g["new_user"] = attack["user"]
    return g


def main():
    attacks = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    alerts = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
    used = set()
    missing, wrong = [], []
    for a in attacks:
        lo, hi = secs(a["start"]), secs(a["end"])
        for rule in a["rules"]:
            g = wanted(a, rule)
            hit = None
            for i, al in enumerate(alerts):
                ag = al.get("group") or {}
                if al.get("rule_id") != rule or any(ag.get(k) != v for k, v in g.items()):
                    continue
                if lo <= secs(al["time"]) <= hi:
                    hit = i
                    break
            if hit is None:
                missing.append("%s %s %s" % (a["kind"], rule[:8], json.dumps(g, sort_keys=True)))
                continue
            used.add(hit)
            al = alerts[hit]
            if rule in COUNTING and al.get("count") != a["count"]:
                wrong.append("%s %s: count %s, injected %d" % (
                    a["kind"], json.dumps(g, sort_keys=True), al.get("count"), a["count"]))
    extra = [alerts[i] for i in range(len(alerts)) if i not in used]
    for m in missing:
        print("  missed: %s" % m)
    for w in wrong:
        print("  wrong count: %s" % w)
    for e in extra[:10]:
        print("  unexpected: %s %s %s count=%s" % (e.get("title"), e.get("time"),
                                                   json.dumps(e.get("group"), sort_keys=True),
                                                   e.get("count")))
    n = sum(len(a["rules"]) for a in attacks)
    print("found %d of %d expected alerts (%d attacks); %d with a wrong count; "
          "%d unexpected alerts" % (n - len(missing), n, len(attacks), len(wrong), len(extra)))
    return 0 if not missing and not wrong and not extra else 1


if __name__ == "__main__":
    sys.exit(main())
