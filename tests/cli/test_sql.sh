# test_sql: the SQL outside src/store/sqlite.c must stay valid for
# PostgreSQL too (the store's promise in store.h).  A lint over the SQL
# text of the store's domain files and the migrations: each pattern below
# is a construct PostgreSQL refuses, or one whose meaning differs between
# the two back ends.  It was checked against a real PostgreSQL 15 with
# every statement the test suite runs; this keeps the known mistakes out.
. "$FL_TOP/tests/cli/lib.sh"

lint() {
	python3 - "$@" <<'PY'
import re, sys
# (pattern, why); SQL function calls are written without a blank before
# "(", which keeps prose such as "a date (YYYY-MM-DD)" out of the way
bad = [
    (r'GROUP_CONCAT', 'GROUP_CONCAT is SQLite-only'),
    (r'\bIFNULL\(', 'IFNULL is SQLite-only: COALESCE'),
    (r'\bINSERT\s+OR\b', 'INSERT OR is SQLite-only: ON CONFLICT'),
    (r'\bREPLACE\s+INTO\b', 'REPLACE INTO is SQLite-only: ON CONFLICT'),
    (r'\b(strftime|julianday|datetime|date|time|unixepoch)\(',
     'date functions differ: compute dates in C, bind the result'),
    (r'\b(typeof|instr|printf|iif|total|glob)\(', 'SQLite-only function'),
    (r'\bLIMIT\s+-', 'PostgreSQL refuses a negative LIMIT'),
    (r'(?<!CAST\()\?\s+IS\s+(NOT\s+)?NULL',
     'PostgreSQL cannot type a bare "? IS NULL": CAST(? AS TEXT)'),
    (r'\bsubstr\([^()]*\?\s*\)',
     'a bound substr() length: characters, not bytes, and bigint'),
    (r'[^=!<>]==', '== is SQLite-only'),
    (r'\bAUTOINCREMENT\b|\bWITHOUT\s+ROWID\b|\bSTRICT\b',
     'SQLite-only table option'),
]
n = 0
for path in sys.argv[1:]:
    src = open(path, encoding='utf-8').read()
    if path.endswith('.sql'):
        text = re.sub(r'--[^\n]*', ' ', src)
    else:
        src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
        text = ' '.join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', src))
    # words inside SQL string literals are data ('AMBER+STRICT'), not SQL
    text = re.sub(r"'(?:[^']|'')*'", "''", text)
    for pat, why in bad:
        for m in re.finditer(pat, text, flags=re.I):
            s = max(0, m.start() - 50)
            print('%s: %s: ...%s...' % (path.split('/src/')[-1], why,
                                         text[s:m.end() + 20]))
            n += 1
print('clean' if n == 0 else '%d finding(s)' % n)
PY
}

files=""
for f in "$FL_TOP"/src/store/*.c "$FL_TOP"/src/store/migrations/*.sql; do
	case $f in */sqlite.c) continue ;; esac
	files="$files $f"
done
# shellcheck disable=SC2086
lint $files >lint.txt 2>&1
check "store SQL outside sqlite.c is portable" "clean" "$(tail -1 lint.txt)"
grep -v '^clean$' lint.txt | sed 's/^/#   /'

# the lint itself finds what it is meant to find
cat >bad.c <<'C'
static const char *q[] = {
	"SELECT id FROM t WHERE (? IS NULL OR role = ?)",
	"SELECT id FROM t WHERE substr(key, 1, ?) = ?",
	"INSERT OR IGNORE INTO t VALUES (1)",
	"SELECT IFNULL(a, 0), strftime('%Y', ts) FROM t LIMIT -1",
	"CREATE TABLE x (tlp TEXT CHECK (tlp IN ('AMBER+STRICT', 'RED')))",
};
C
lint bad.c >lint.txt 2>&1
check "the lint catches the known mistakes" "6 finding(s)" "$(tail -1 lint.txt)"
done_testing
