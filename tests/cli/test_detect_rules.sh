# test_detect_rules: `detect rules check` and `detect rules list` over
# SigmaHQ's rules (every one loads), the placeholder rules (refused without
# value lists, loaded with them), the specification's examples, the
# correlation corpus, and bad rules of our own with their exact messages.
. "$FL_TOP/tests/cli/lib.sh"

fx=$FL_TOP/tests/fixtures/detect

# our own fixtures: FILE:LINE:COL and the reason, exit 65
check_exit "bad YAML is refused (65)" 65 fl detect rules check "$fx/bad-yaml.yml"
check "bad YAML: position and reason" \
	"$fx/bad-yaml.yml:8:1: invalid YAML: flow sequence without a closing bracket" \
	"$(head -1 out.txt)"
check_exit "unknown modifier is refused (65)" 65 fl detect rules check "$fx/unknown-modifier.yml"
check "unknown modifier: position and reason" \
	"$fx/unknown-modifier.yml:8:9: unknown modifier 'containz'" "$(head -1 out.txt)"
check_exit "broken condition is refused (65)" 65 fl detect rules check "$fx/broken-condition.yml"
check "broken condition: position and reason" \
	"$fx/broken-condition.yml:11:34: condition, column 19: unknown search identifier 'filtr'" \
	"$(head -1 out.txt)"
check "summary counts the refused rule" \
	"1 files: 1 rules, 0 correlations, 0 filters; 1 refused" "$(tail -1 out.txt)"
check_exit "a correlation chain in one file loads" 0 fl detect rules check "$fx/chain.yml"
check "chain: 2 rules, 2 correlations" \
	"1 files: 2 rules, 2 correlations, 0 filters; 0 refused" "$(tail -1 out.txt)"
check_exit "check --json" 65 fl detect rules check --json "$fx/bad-yaml.yml" \
	"$fx/unknown-modifier.yml" "$fx/broken-condition.yml" "$fx/chain.yml"
check "check --json parses and lists the refusals" "4 3 2 file,rule,rule" "$(python3 -c '
import json,sys
d=json.load(open("out.txt"))
print(d["files"], d["refused"], d["correlations"], ",".join(r["kind"] for r in d["refusals"]))')"
# a placeholder file that is not UTF-8 never reaches the YAML parser
# (libfyaml 0.7 loops on invalid bytes in a directive line)
printf '%%\303\047]\n' > ph-bad.yml
check_exit "a placeholder file that is not UTF-8 is refused (65)" 65 \
	fl detect rules check --placeholders ph-bad.yml "$fx/chain.yml"
check "its position and reason" \
	"firstline: ph-bad.yml:1:2: not UTF-8 text (a NUL byte or invalid UTF-8)" \
	"$(head -1 err.txt)"
check_exit "missing path exits 66" 66 fl detect rules check "$PWD/nope.yml"
check_exit "no path is a usage error" 64 fl detect rules check
check_exit "unknown action is a usage error" 64 fl detect rules frobnicate "$fx"
check_exit "list --json" 0 fl detect rules list --json "$fx/chain.yml"
check "list --json: kinds and usability" "rule rule correlation correlation 1" \
	"$(python3 -c '
import json
d=json.load(open("out.txt"))
print(*[r["kind"] for r in d], min(r["usable"] for r in d))')"

# walking a directory: sorted, depth first; .yml and .yaml only; links
# followed to files and directories; a directory named like a rule file
# is walked, not read
w=$PWD/walk
mkdir -p "$w/b-dir.yml" "$w/a" "$PWD/elsewhere"
one() { sed "s/^title: .*/title: $1/" "$fx/chain.yml" | sed -n '1,/^---$/p' | sed '$d'; }
one A1 > "$w/a/r1.yml"
one B1 > "$w/b-dir.yml/r2.yaml"
one C1 > "$PWD/elsewhere/r3.yml"
echo "not a rule" > "$w/a/readme.txt"
ln -s "$PWD/elsewhere" "$w/c-link"
ln -s "$w/a/r1.yml" "$w/d-link.yml"
check_exit "a tree with links walks" 0 fl detect rules list --json "$w"
check "the tree's rules, in walk order" "A1 B1 C1 A1" \
	"$(python3 -c '
import json
print(*[r["title"] for r in json.load(open("out.txt"))])')"

if ! have_corpus; then
	skip "sigma corpus" "skipped: no corpus"
	done_testing
	exit 0
fi
sg=$FL_CORPUS/sigma

# every SigmaHQ rule loads
check_exit "rules/ all load" 0 fl detect rules check "$sg/rules"
check "rules/ counts" "3141 files: 3141 rules, 0 correlations, 0 filters; 0 refused" \
	"$(tail -1 out.txt)"
check_exit "rules-threat-hunting/ all load" 0 fl detect rules check "$sg/rules-threat-hunting"
check "rules-threat-hunting/ counts" \
	"140 files: 140 rules, 0 correlations, 0 filters; 0 refused" "$(tail -1 out.txt)"
# two emerging-threats rules use a placeholder (%known_cdcs%)
check_exit "rules-emerging-threats/ without lists: placeholders refused" 65 \
	fl detect rules check "$sg/rules-emerging-threats"
check "rules-emerging-threats/ counts without lists" \
	"473 files: 473 rules, 0 correlations, 0 filters; 2 refused" "$(tail -1 out.txt)"
check "only placeholders are refused there" "2" \
	"$(grep -c 'placeholder %known_cdcs% has no value list' out.txt)"
check_exit "rules-emerging-threats/ with lists all load" 0 \
	fl detect rules check --placeholders "$fx/placeholders.yml" "$sg/rules-emerging-threats"
check "rules-emerging-threats/ counts with lists" \
	"473 files: 473 rules, 0 correlations, 0 filters; 0 refused" "$(tail -1 out.txt)"
check_exit "rules-placeholder/ without lists: all refused" 65 \
	fl detect rules check "$sg/rules-placeholder"
check "rules-placeholder/ counts without lists" \
	"23 files: 23 rules, 0 correlations, 0 filters; 23 refused" "$(tail -1 out.txt)"
check "each refusal names its placeholder" "23" \
	"$(grep -c 'has no value list (give one with --placeholders)' out.txt)"
check_exit "rules-placeholder/ with lists all load" 0 \
	fl detect rules check --placeholders "$fx/placeholders.yml" "$sg/rules-placeholder"
check "rules-placeholder/ counts with lists" \
	"23 files: 23 rules, 0 correlations, 0 filters; 0 refused" "$(tail -1 out.txt)"
check_exit "all four folders at once" 0 fl detect rules check \
	--placeholders "$fx/placeholders.yml" "$sg/rules" "$sg/rules-emerging-threats" \
	"$sg/rules-threat-hunting" "$sg/rules-placeholder"
check "all four: counts" "3777 files: 3777 rules, 0 correlations, 0 filters; 0 refused" \
	"$(tail -1 out.txt)"
check_exit "rules list --json over rules/" 0 fl detect rules list --json "$sg/rules"
check "list: one row per rule, each with id and level" "3141 3141" "$(python3 -c '
import json
d=json.load(open("out.txt"))
print(len(d), len([r for r in d if r["id"] and r["level"] and r["usable"]==1]))')"

# the correlation corpus: base rules referenced by name, all resolved
check_exit "sigma-correlation/ loads" 0 fl detect rules check "$FL_CORPUS/sigma-correlation"
check "sigma-correlation/ counts" "3 files: 3 rules, 3 correlations, 0 filters; 0 refused" \
	"$(tail -1 out.txt)"

# the specification's examples: rules load alone; correlations and
# filters load with the base rules they name, and are refused without
for f in "$sg"/spec-examples/rules/*.yml; do
	check_exit "spec example $(basename "$f") loads" 0 fl detect rules check "$f"
done
for f in "$sg"/spec-examples/correlation/*.yml "$sg"/spec-examples/filter/*.yml; do
	b=$(basename "$f")
	check_exit "spec example $b loads with its base rules" 0 \
		fl detect rules check "$fx/spec-bases.yml" "$f"
	check_exit "spec example $b alone: its reference is refused" 65 \
		fl detect rules check "$f"
	check_grep "spec example $b alone: says which rule is missing" \
		"which is no rule of the set" out.txt
done
done_testing
