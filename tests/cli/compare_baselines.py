#!/usr/bin/env python3
"""compare_baselines.py: firstline's detections against Zircolite's.

corpus/baselines/ holds what Zircolite 3.7.0 detected on the EVTX and JSONL
corpus (CSV columns rule_id, rule_title, level, file, EventRecordID,
EventID, Channel; see its README).  This reads one such CSV and the JSONL
alerts of `firstline detect run` over the same input and compares them per
rule and event:

  - EVTX (the CSV has EventRecordIDs): an event is (file, EventRecordID),
    which is the alert's `record`;
  - JSON lines (OTRF; the CSV has no record id): per (rule, file) the
    counts, and per event as far as the CSV allows, i.e. the multiset of
    (EventID, Channel) of the events each side matched (Channel without
    case: OTRF spells it "Security" and "security").

Only rules present on both sides are compared: rules we loaded (from
`firstline detect rules list --json`) whose id occurs in the CSV.
Zircolite's rules come from another SigmaHQ snapshot (its sysmon-high set
holds high and critical rules only), so a rule absent from the CSV may be
one Zircolite does not have; alerts of such rules are reported apart
("rules absent from the baseline"), and so are the CSV's rules we did not
load.

Every difference gets a class, explained in docs/detection.md ("Agreement
with Zircolite"):

  - from the event and the rule where the class follows from them: the
    logsource mappings of Zircolite's rulesets (its sysmon ruleset admits
    only Sysmon event ids for a category, its generic ruleset only the
    built-in Security audit events), events whose EventID carries a
    Qualifiers attribute, and the two EVTX files libevtx cannot read;
  - else from the classes file (--classes): lines
    "BASELINE<TAB>RULE-ID<TAB>ours|theirs<TAB>CLASS<TAB>why", BASELINE
    being the CSV's name without "zircolite-3.7.0_" and ".csv";
  - else "unexplained".

The event's EventID, Channel and EventID Qualifiers come from --index: the
alerts of tests/fixtures/detect/baselines/every-event.yml (rule id
INDEX_RULE below) over the same input, one per record read.  They may sit
in the alerts file itself; the comparer takes them out.

Printed: per rule, both / only ours / only theirs and the classes of the
differences; totals and the agreement (both over all compared events, in
per cent); the rules absent from either side.  --json prints the same as
one object, for tests/cli/test_detect_baselines.sh; --details lists every
differing event.

usage: compare_baselines.py --baseline CSV --alerts OURS.jsonl
         --rules RULES.json --index INDEX.jsonl --root DIR
         [--ruleset sysmon|generic] [--min-level LEVEL]
         [--classes TSV] [--json] [--details]

--root: the directory the CSV's file names are relative to; our alerts'
`source` is made relative to it too (a relative source is taken from the
current directory, so run this where `detect run` ran).
--min-level: count only our alerts of this level and above (as
`detect run --min-level` does).
"""
import argparse
import collections
import csv
import json
import os
import re
import sys

LEVELS = ["informational", "low", "medium", "high", "critical"]
INDEX_RULE = "8d0c3a52-6f1e-4b7a-9c55-0b5e1a7e0ba5"
SYSMON = "microsoft-windows-sysmon/operational"
# Classes about a whole rule: they hold for each of its events, so the
# classes file's word wins over what the event would suggest.
WHOLE_RULE = ("keyword-rule", "hashes-field", "antivirus-fields", "level-changed")
# Differences that come from which events a logsource means to each side,
# not from matching: the second agreement figure sets them aside.
MAPPING = ("sysmon-only-mapping", "audit-only-mapping")

# The two EVTX files libevtx, and so Zircolite's XML path, cannot parse
# (corpus/evtx/README.md); our reader reads them.
LIBEVTX_UNREADABLE = (
    "ID4656-WS Management listener enumeration.evtx",
    "ID1149-RDP success logins to multiple hosts.evtx",
)


def rel(path, root):
    """path relative to root (both resolved), or None when outside it."""
    r = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return None if r == ".." or r.startswith("../") else r


def load_classes(path, baseline):
    """(rule id, side) -> class, from the rows of the classes file."""
    table = {}
    if not path:
        return table
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) < 4 or cells[2] not in ("ours", "theirs"):
                sys.exit("%s:%d: want BASELINE, RULE, ours|theirs, CLASS, why"
                         % (path, n))
            if cells[0] == baseline:
                table[(cells[1], cells[2])] = cells[3]
    return table


def classify(side, rule, ev, relfile, ruleset, table, used=None):
    """The class of one difference: a whole-rule class from the table, else
    the class the event shows, else the table's; a table row that decides
    is added to used."""
    cat = rule.get("category") if rule else None
    windows = rule is not None and rule.get("product") == "windows"
    listed = table.get((rule["id"] if rule else "", side))
    mech = mechanical(side, ev, cat, windows, relfile, ruleset)
    if listed in WHOLE_RULE or (listed and mech is None):
        if used is not None:
            used.add((rule["id"], side))
        return listed
    return mech or "unexplained"


def mechanical(side, ev, cat, windows, relfile, ruleset):
    """The class that follows from the event and the rule, or None."""
    eid, chan, qual = ev if ev else (None, None, None)
    chan = (chan or "").lower()
    if side == "ours":
        if relfile and os.path.basename(relfile) in LIBEVTX_UNREADABLE:
            return "libevtx-unreadable"
        if qual is not None:
            return "eventid-qualifiers"
        if ruleset == "sysmon" and cat == "process_creation" and \
                eid == "4688" and chan == "security":
            return "sysmon-only-mapping"
        if ruleset == "generic" and windows and cat and chan == SYSMON:
            return "audit-only-mapping"
    return None


def read_index(path, root):
    """(file, record) -> (EventID, Channel, EventID_Qualifiers)."""
    index = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            al = json.loads(line)
            if al.get("rule_id") != INDEX_RULE:
                continue
            fl = al.get("fields") or {}
            index[(rel(al["source"], root), str(al["record"]))] = (
                fl.get("EventID"), fl.get("Channel"),
                fl.get("EventID_Qualifiers"))
    return index


def compare(a):
    name = re.sub(r"^zircolite-[\d.]+_", "", os.path.basename(a.baseline))
    name = re.sub(r"\.csv$", "", name)
    table = load_classes(a.classes, name)
    minlv = LEVELS.index(a.min_level)
    with open(a.rules, encoding="utf-8") as fh:
        rules = {r["id"]: r for r in json.load(fh) if r.get("id")}
    index = read_index(a.index, a.root)
    with open(a.baseline, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_record = any(r["EventRecordID"] for r in rows)
    titles = {r["rule_id"]: r["rule_title"] for r in rows}

    def key(rule_id, f, record, eid, chan):
        if by_record:
            return (rule_id, f, record)
        return (rule_id, f, eid, (chan or "").lower())

    theirs = collections.Counter()
    not_loaded = collections.Counter()
    for r in rows:
        if r["rule_id"] not in rules:
            not_loaded[r["rule_id"]] += 1
            continue
        theirs[key(r["rule_id"], r["file"], r["EventRecordID"],
                   r["EventID"], r["Channel"])] += 1
    in_csv = {r["rule_id"] for r in rows}

    used = set()
    ours = collections.Counter()
    absent = collections.Counter()     # (rule, class) of rules not in the CSV
    example = {}
    unindexed = outside = 0
    with open(a.alerts, encoding="utf-8") as fh:
        for line in fh:
            al = json.loads(line)
            rid = al["rule_id"]
            if rid not in rules or LEVELS.index(al["level"]) < minlv:
                continue       # the index rule; levels not asked for
            f = rel(al["source"], a.root)
            if f is None:
                outside += 1
                continue
            rec = str(al["record"])
            ev = index.get((f, rec))
            if ev is None:
                unindexed += 1
            if rid not in in_csv:
                c = classify("ours", rules[rid], ev, f, a.ruleset, table, used)
                absent[(rid, c)] += 1
                example.setdefault((rid, c), (f, rec))
                continue
            ours[key(rid, f, rec, *(ev or (None, None))[:2])] += 1

    per = {r: {"both": 0, "ours": 0, "theirs": 0,
               "classes": collections.Counter()}
           for r in in_csv if r in rules}
    diffs = []
    for k in set(ours) | set(theirs):
        o, t = ours.get(k, 0), theirs.get(k, 0)
        b = min(o, t)
        p = per[k[0]]
        p["both"] += b
        for side, extra in (("ours", o - b), ("theirs", t - b)):
            if extra <= 0:
                continue
            ev = index.get((k[1], k[2])) if by_record else (k[2], k[3], None)
            c = classify(side, rules[k[0]], ev, k[1], a.ruleset, table, used)
            p[side] += extra
            p["classes"][c] += extra
            diffs.append((c, side, k, extra, ev))

    tot = collections.Counter()
    classes = collections.Counter()
    for p in per.values():
        for s in ("both", "ours", "theirs"):
            tot[s] += p[s]
        classes.update(p["classes"])
    n = tot["both"] + tot["ours"] + tot["theirs"]
    nm = n - sum(v for c, v in classes.items() if c in MAPPING)
    aclasses = collections.Counter()
    for (_, c), v in absent.items():
        aclasses[c] += v
    res = {
        "baseline": name,
        "rules_compared": len(per),
        "both": tot["both"], "only_ours": tot["ours"],
        "only_theirs": tot["theirs"],
        "agreement": round(100.0 * tot["both"] / n, 2) if n else 100.0,
        "agreement_same_logsources":
            round(100.0 * tot["both"] / nm, 2) if nm else 100.0,
        "classes": dict(sorted(classes.items())),
        "baseline_rules_not_loaded": len(not_loaded),
        "baseline_events_not_loaded": sum(not_loaded.values()),
        "absent_rules": len({r for r, _ in absent}),
        "absent_alerts": sum(absent.values()),
        "absent_classes": dict(sorted(aclasses.items())),
        "alerts_outside_root": outside,
        "alerts_not_indexed": unindexed,
        "classes_rows_unused": sorted("%s %s" % k for k in set(table) - used),
        "per_rule": {r: {"both": p["both"], "only_ours": p["ours"],
                         "only_theirs": p["theirs"],
                         "classes": dict(p["classes"])}
                     for r, p in sorted(per.items())},
    }
    if not by_record:
        po, pt = collections.Counter(), collections.Counter()
        for k, v in ours.items():
            po[k[:2]] += v
        for k, v in theirs.items():
            pt[k[:2]] += v
        pairs = set(po) | set(pt)
        res["rule_file_pairs"] = len(pairs)
        res["rule_file_pairs_equal"] = sum(1 for k in pairs if po[k] == pt[k])
    return res, rules, titles, not_loaded, absent, example, diffs


def report(a, res, rules, titles, not_loaded, absent, example, diffs):
    w = sys.stdout.write
    w("baseline %s: %d rules on both sides\n"
      % (res["baseline"], res["rules_compared"]))
    w("%-36s %5s %5s %6s  %s\n" % ("rule", "both", "ours", "theirs",
                                   "title [classes of the differences]"))
    for r, p in sorted(res["per_rule"].items(),
                       key=lambda x: (-x[1]["only_ours"] - x[1]["only_theirs"], x[0])):
        cl = ", ".join("%s %d" % kv for kv in sorted(p["classes"].items()))
        w("%-36s %5d %5d %6d  %s%s\n"
          % (r, p["both"], p["only_ours"], p["only_theirs"], rules[r]["title"],
             " [" + cl + "]" if cl else ""))
    w("total: both %d, only ours %d, only theirs %d; agreement %.2f%%"
      " (%.2f%% on the events both logsource mappings admit)\n"
      % (res["both"], res["only_ours"], res["only_theirs"], res["agreement"],
         res["agreement_same_logsources"]))
    if "rule_file_pairs" in res:
        w("per (rule, file): %d of %d counts equal\n"
          % (res["rule_file_pairs_equal"], res["rule_file_pairs"]))
    for c, v in res["classes"].items():
        w("  %-22s %d\n" % (c, v))
    if not_loaded:
        w("baseline rules we did not load: %d (%d events)\n"
          % (len(not_loaded), sum(not_loaded.values())))
        for r, v in sorted(not_loaded.items()):
            w("  %s %4d  %s\n" % (r, v, titles[r]))
    if absent:
        w("rules absent from the baseline that we fired: %d (%d alerts)\n"
          % (res["absent_rules"], res["absent_alerts"]))
        for c, v in res["absent_classes"].items():
            w("  %-22s %d\n" % (c, v))
        for (r, c), v in sorted(absent.items()):
            w("  %s %4d  %s [%s]%s\n"
              % (r, v, rules[r]["title"], c,
                 " e.g. %s record %s" % example[(r, c)] if a.details else ""))
    if res["alerts_outside_root"]:
        w("alerts outside %s: %d\n" % (a.root, res["alerts_outside_root"]))
    if res["alerts_not_indexed"]:
        w("alerts whose record the index lacks: %d\n" % res["alerts_not_indexed"])
    for k in res["classes_rows_unused"]:
        w("classes file row never used: %s\n" % k)
    if a.details:
        for c, side, k, extra, ev in sorted(diffs, key=lambda d: (d[0], d[2])):
            w("only %-6s %s %s %s x%d %s [%s]\n"
              % (side, k[0], k[1], "/".join(k[2:]), extra,
                 "/".join(x or "-" for x in ev) if ev else "-", c))


def main():
    ap = argparse.ArgumentParser(
        description="compare firstline's alerts with a Zircolite baseline CSV")
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--alerts", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--ruleset", choices=["sysmon", "generic"], default="sysmon")
    ap.add_argument("--min-level", default="informational", choices=LEVELS)
    ap.add_argument("--classes")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args()
    out = compare(a)
    if a.json:
        json.dump(out[0], sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        report(a, *out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
