# test_detect_cache: the compiled literal scanners kept between runs.  A
# second run of the same rules reads them back and gives the same alerts;
# a damaged, cut, foreign-writable or symlinked file, or a directory others
# may write in, is not read (the run compiles, and says nothing); a new
# rule set gets its own file; --no-cache keeps nothing; old files are
# pruned to sixteen.
. "$FL_TOP/tests/cli/lib.sh"

fx=$FL_TOP/tests/fixtures/detect/run
grep -v 'not JSON' "$fx/events.jsonl" > ev.jsonl
c=$PWD/hs
hit="(scanners from the cache)"

# run [OPTIONS]: detect over ev.jsonl with the cache in $c, alerts to a.txt
run() {
	fl detect run --rules "$fx/rules" --cache "$c" "$@" ev.jsonl >a.txt 2>e.txt
}

run
check "a first run compiles: the summary does not say cache" "" \
	"$(grep -F "$hit" e.txt)"
fl detect run --no-cache --rules "$fx/rules" ev.jsonl >want.txt 2>/dev/null
check "a first run: the alerts of a run without a cache" \
	"$(cat want.txt)" "$(cat a.txt)"
check "one file, named by a SHA-256" "1" \
	"$(ls "$c" | grep -Ec '^[0-9a-f]{64}\.hs$')"
f=$(ls "$c"/*.hs)
check "the directory is 0700 and the file 0600" "700 600" \
	"$(stat -c %a "$c") $(stat -c %a "$f")"
run
check_grep "a second run reads the scanners back" "$hit" e.txt
check "... and gives the same alerts" "$(cat want.txt)" "$(cat a.txt)"

# damage: a flipped byte in the body, then a file cut short
cp "$f" good.hs
python3 -c 'import sys
p = sys.argv[1]; d = bytearray(open(p, "rb").read())
d[-10] ^= 0x55
open(p, "wb").write(d)' "$f"
run
check "a damaged file is not read" "" "$(grep -F "$hit" e.txt)"
check "... the alerts are the same" "$(cat want.txt)" "$(cat a.txt)"
run
check_grep "... and the file written again is read" "$hit" e.txt
head -c 300 good.hs > "$f"
run
check "a file cut short is not read" "" "$(grep -F "$hit" e.txt)"
check "... the alerts are the same" "$(cat want.txt)" "$(cat a.txt)"

# permissions: a file or directory others may write in is not trusted
cp good.hs "$f"
chmod 0666 "$f"
run
check "a file others may write is not read" "" "$(grep -F "$hit" e.txt)"
cp good.hs "$f"
chmod 0600 "$f"
chmod 0777 "$c"
inode=$(stat -c %i "$f")
run
check "a directory others may write in is not read" "" \
	"$(grep -F "$hit" e.txt)"
check "... nor written to (the same file, nothing beside it)" "1 $inode" \
	"$(ls -a "$c" | grep -vc '^\.\.*$') $(stat -c %i "$f")"
chmod 0700 "$c"
mv "$f" elsewhere.hs
ln -s "$PWD/elsewhere.hs" "$f"
run
check "a symbolic link is not followed" "" "$(grep -F "$hit" e.txt)"
rm -f "$f"
if [ "$(id -u)" = 0 ]; then
	cp good.hs "$f"
	chown 65534 "$f"
	run
	check "a file of another user is not read" "" \
		"$(grep -F "$hit" e.txt)"
	rm -f "$f"
else
	skip "a file of another user is not read" "not root: cannot chown"
fi

# another rule set: a file of its own; --no-cache: nothing written
mkdir r2
cp "$fx/rules/whoami.yml" r2/
fl detect run --rules r2 --cache "$c" ev.jsonl >/dev/null 2>&1
before=$(ls "$c" | wc -l | tr -d ' ')
fl detect run --rules "$fx/rules/failed_logons.yml" --no-cache --cache "$c" \
	ev.jsonl >/dev/null 2>&1
check "--no-cache writes nothing" "$before" "$(ls "$c" | wc -l | tr -d ' ')"

# pruning: twenty rule sets leave sixteen files, the newest among them
i=0
while [ $i -lt 20 ]; do
	sed "s/whoami.exe/who$i.exe/" "$fx/rules/whoami.yml" > r2/whoami.yml
	fl detect run --rules r2 --cache "$c" ev.jsonl >/dev/null 2>&1
	i=$((i + 1))
	sleep 0.01
done
check "twenty rule sets: sixteen files kept" "16" \
	"$(ls "$c" | grep -c '\.hs$')"
fl detect run --rules r2 --cache "$c" ev.jsonl >/dev/null 2>e.txt
check_grep "the newest is among them" "$hit" e.txt
check "no temporary file is left" "" "$(ls -a "$c" | grep '^\.new')"
done_testing
