/*
 * test_sigma: the Sigma rule model, table by table: every modifier and the
 * combinations that are refused, the escaping of wildcards, every
 * condition form with its precedence (as canonical text), correlation
 * rules (timespans, group-by, aliases, ranges, chains), meta filters and
 * placeholders with and without value lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "detect/sigma.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Table tests report every wrong case, then fail in the teardown. */
static int nbad;
#define BAD(...) (nbad++, print_message(__VA_ARGS__), print_message("\n"))

static int
no_bad_cases(void **state)
{
	int n = nbad;

	(void)state;
	nbad = 0;
	return n != 0;
}

/* ---- helpers --------------------------------------------------------------- */

static struct fl_sigma_vars *
test_vars(void)
{
	struct fl_sigma_vars *v = fl_sigma_vars_new();

	assert_non_null(v);
	assert_int_equal(fl_sigma_vars_add(v, "Admins", "adm_*"), FL_OK);
	assert_int_equal(fl_sigma_vars_add(v, "Admins", "root"), FL_OK);
	assert_int_equal(fl_sigma_vars_add(v, "Hosts", "h1"), FL_OK);
	assert_int_equal(fl_sigma_vars_add(v, "Hosts", "h2"), FL_OK);
	assert_int_equal(fl_sigma_vars_add(v, "Nets", "10.0.0.0/8"), FL_OK);
	return v;
}

/* Load text as one file and resolve; the caller frees. */
static struct fl_sigma_set *
load(const char *text, const struct fl_sigma_vars *vars)
{
	struct fl_sigma_set *s = fl_sigma_set_new(NULL, vars);

	assert_non_null(s);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", text, strlen(text)),
			 FL_OK);
	assert_int_equal(fl_sigma_set_resolve(s), FL_OK);
	return s;
}

/* "LINE:COL: reason" of the first refusal, or "" */
static void
first_refusal(const struct fl_sigma_set *s, char *out, size_t n)
{
	const struct fl_sigma_refusal *r;
	size_t nr;

	r = fl_sigma_set_refusals(s, &nr);
	if (nr == 0)
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, "%lu:%lu: %s", r[0].d.line, r[0].d.col,
			 r[0].d.msg);
}

static void
put_value(struct fl_buf *b, const struct fl_sigma_value *v)
{
	char ip[64];

	switch (v->type) {
	case FL_SV_STRING:
		fl_buf_printf(b, "S%s\"%s\"", v->wildcard ? "*" : "", v->s);
		break;
	case FL_SV_NUMBER:
		fl_buf_printf(b, "N%s%g", v->is_int ? "" : "f", v->num);
		break;
	case FL_SV_BOOL:
		fl_buf_printf(b, "B%d", v->boolean);
		break;
	case FL_SV_NULL:
		fl_buf_puts(b, "null");
		break;
	case FL_SV_EMPTY:
		fl_buf_puts(b, "empty");
		break;
	case FL_SV_CIDR:
		snprintf(ip, sizeof ip, "%u.%u.%u.%u", v->ip[0], v->ip[1],
			 v->ip[2], v->ip[3]);
		fl_buf_printf(b, "C%s%s/%d", v->ipv6 ? "6:" : "4:",
			      v->ipv6 ? "" : ip, v->prefix);
		break;
	}
}

/* "field|mod|mod: v, v" of a field condition */
static void
put_fcond(struct fl_buf *b, const struct fl_sigma_fcond *f)
{
	size_t i;

	fl_buf_puts(b, f->field ? f->field : "*");
	for (i = 0; i < f->nmod; i++)
		fl_buf_printf(b, "|%s", fl_sigma_mod_name(f->mod[i]));
	fl_buf_puts(b, ":");
	for (i = 0; i < f->nval; i++) {
		fl_buf_puts(b, i ? ", " : " ");
		put_value(b, &f->val[i]);
	}
}

/* ---- modifiers --------------------------------------------------------------- */

static const struct {
	const char *line; /* one line under "sel:" */
	const char *want; /* the field condition, or "!" + the refusal */
} mod_cases[] = {
	/* plain values and their types */
	{"Image: 'C:\\x.exe'", "Image: S\"C:\\x.exe\""},
	{"EventID: 4624", "EventID: N4624"},
	{"EventID: [4624, 4625]", "EventID: N4624, N4625"},
	{"Ratio: 1.5", "Ratio: Nf1.5"},
	{"Hex: 0x17", "Hex: N23"},
	{"Quoted: '4624'", "Quoted: S\"4624\""},
	{"Enabled: true", "Enabled: B1"},
	{"Field: null", "Field: null"},
	{"Field: ~", "Field: null"},
	{"Field:", "Field: null"},
	{"Field: ''", "Field: empty"},
	{"Glob: 'a*b?'", "Glob: S*\"a*b?\""},
	{"Esc: 'a\\*b'", "Esc: S\"a\\*b\""},
	{"Name with space: x", "Name with space: S\"x\""},
	/* generic */
	{"F|contains: x", "F|contains: S\"x\""},
	{"F|startswith: x", "F|startswith: S\"x\""},
	{"F|endswith: x", "F|endswith: S\"x\""},
	{"F|contains|all: [a, b]", "F|contains|all: S\"a\", S\"b\""},
	{"F|all: [a, b]", "F|all: S\"a\", S\"b\""},
	{"F|exists: true", "F|exists: B1"},
	{"F|exists: false", "F|exists: B0"},
	{"F|cased: Abc", "F|cased: S\"Abc\""},
	{"F|contains|cased: Abc", "F|contains|cased: S\"Abc\""},
	{"F|neq: x", "F|neq: S\"x\""},
	{"F|neq: 5", "F|neq: N5"},
	{"F|contains|neq: x", "F|contains|neq: S\"x\""},
	/* strings */
	{"F|windash: ' -enc '", "F|windash: S\" -enc \""},
	{"F|contains|windash: ' -enc '", "F|contains|windash: S\" -enc \""},
	{"F|re: '^a.*b$'", "F|re: S\"^a.*b$\""},
	{"F|re|i: 'abc'", "F|re|i: S\"abc\""},
	{"F|re|m|s: '^a.b$'", "F|re|m|s: S\"^a.b$\""},
	{"F|re|i|m|s: 'x'", "F|re|i|m|s: S\"x\""},
	{"F|base64: 'abc'", "F|base64: S\"abc\""},
	{"F|base64offset|contains: 'abc'", "F|base64offset|contains: S\"abc\""},
	{"F|utf16le|base64offset|contains: a", "F|utf16le|base64offset|contains: S\"a\""},
	{"F|utf16be|base64: a", "F|utf16be|base64: S\"a\""},
	{"F|utf16|base64: a", "F|utf16|base64: S\"a\""},
	{"F|wide|base64offset|contains: a", "F|wide|base64offset|contains: S\"a\""},
	{"F|contains: 1234", "F|contains: S\"1234\""},
	/* numbers */
	{"F|lt: 5", "F|lt: N5"},
	{"F|lte: 5", "F|lte: N5"},
	{"F|gt: '5'", "F|gt: N5"},
	{"F|gte: 2.5", "F|gte: Nf2.5"},
	/* time */
	{"T|minute: 59", "T|minute: N59"},
	{"T|hour: 0", "T|hour: N0"},
	{"T|day: 31", "T|day: N31"},
	{"T|week: 52", "T|week: N52"},
	{"T|month: 12", "T|month: N12"},
	{"T|year: 2025", "T|year: N2025"},
	{"T|hour|gte: 22", "T|hour|gte: N22"},
	{"T|month|neq: 1", "T|month|neq: N1"},
	/* networks */
	{"Ip|cidr: 10.0.0.0/8", "Ip|cidr: C4:10.0.0.0/8"},
	{"Ip|cidr: [192.168.1.7/32, 172.16.0.0/12]",
	 "Ip|cidr: C4:192.168.1.7/32, C4:172.16.0.0/12"},
	{"Ip|cidr: 10.1.2.3", "Ip|cidr: C4:10.1.2.3/32"},
	{"Ip|cidr: 'fe80::/10'", "Ip|cidr: C6:/10"},
	{"Ip|cidr: '::1'", "Ip|cidr: C6:/128"},
	{"Ip|cidr|neq: 10.0.0.0/8", "Ip|cidr|neq: C4:10.0.0.0/8"},
	/* specific */
	{"User|expand: '%Admins%'", "User|expand: S*\"adm_*\", S\"root\""},
	{"User|contains|expand: 'x%Hosts%y'",
	 "User|contains|expand: S\"xh1y\", S\"xh2y\""},
	{"User|expand: '%Admins%@%Hosts%'",
	 "User|expand: S*\"adm_*@h1\", S*\"adm_*@h2\", S\"root@h1\", S\"root@h2\""},
	{"User|expand: '\\%plain%Hosts%'", "User|expand: S\"%plainh1\", S\"%plainh2\""},
	{"User: '%Admins%'", "User: S\"%Admins%\""},
	{"Ip|cidr|expand: '%Nets%'", "Ip|cidr|expand: C4:10.0.0.0/8"},
	{"A|fieldref: B", "A|fieldref: S\"B\""},
	{"A|fieldref|neq: B", "A|fieldref|neq: S\"B\""},
	{"A|fieldref|startswith: B", "A|fieldref|startswith: S\"B\""},
	{"'|all': [a, b]", "*|all: S\"a\", S\"b\""},
	/* refused */
	{"F|containz: x", "!7:9: unknown modifier 'containz'"},
	{"F||contains: x", "!7:9: empty modifier in 'F||contains'"},
	{"F|contains|: x", "!7:9: empty modifier in 'F|contains|'"},
	{"F|contains|contains: x", "!7:9: modifier 'contains' given twice"},
	{"F|re|contains: x", "!7:9: 're' cannot be combined with 'contains'"},
	{"F|contains|re: x", "!7:9: 're' cannot be combined with 'contains'"},
	{"F|re|windash: x", "!7:9: 're' cannot be combined with 'windash'"},
	{"F|i: x", "!7:9: 'i' is a sub-modifier of 're' and needs it"},
	{"F|m|re: x", "!7:9: 'm' must follow 're'"},
	{"F|re: '(a'", "!7:16: regular expression does not compile at offset 2: missing closing parenthesis"},
	{"F|contains|startswith: x", "!7:9: only one of contains, startswith and endswith may be given"},
	{"F|wide|utf16le: x", "!7:9: only one of utf16le, utf16be, utf16 and wide may be given"},
	{"F|base64|base64offset: x", "!7:9: only one of base64 and base64offset may be given"},
	{"F|contains|base64: x", "!7:9: 'contains' before 'base64' would encode its wildcards: write it after the encoding"},
	{"F|base64|wide: x", "!7:9: 'wide' must come before 'base64'"},
	{"F|base64|windash: x", "!7:9: 'windash' must come before 'base64'"},
	{"F|base64|cased: x", "!7:9: 'cased' has no meaning with 'base64' (encoded values are matched exactly)"},
	{"F|all: x", "!7:9: 'all' needs a list of two or more values"},
	{"F|all: [x]", "!7:9: 'all' needs a list of two or more values"},
	{"F|exists: yes", "!7:19: 'exists' takes true or false"},
	{"F|exists|contains: true", "!7:9: 'exists' cannot be combined with 'contains'"},
	{"'|exists': true", "!7:10: 'exists' needs a field name"},
	{"F|lt: abc", "!7:15: 'lt' takes a number, not 'abc'"},
	{"F|lt|gt: 1", "!7:9: only one of lt, lte, gt and gte may be given"},
	{"F|lt|contains: 1", "!7:9: 'lt' cannot be combined with 'contains'"},
	{"F|gte|neq: 1", "!7:9: 'neq' cannot be combined with 'gte'"},
	{"T|gte|hour: 1", "!7:9: 'hour' must come before 'gte'"},
	{"T|hour: 24", "!7:17: 'hour' takes a whole number from 0 to 23"},
	{"T|minute: 60", "!7:19: 'minute' takes a whole number from 0 to 59"},
	{"T|day: 0", "!7:16: 'day' takes a whole number from 1 to 31"},
	{"T|month: 13", "!7:18: 'month' takes a whole number from 1 to 12"},
	{"T|week: 1.5", "!7:17: 'week' takes a whole number from 1 to 53"},
	{"T|hour|minute: 1", "!7:9: only one of minute, hour, day, week, month and year may be given"},
	{"Ip|cidr: 10.0.0.0/33", "!7:18: '10.0.0.0/33' is not an IPv4 or IPv6 network (address/prefix)"},
	{"Ip|cidr: 'fe80::/129'", "!7:19: 'fe80::/129' is not an IPv4 or IPv6 network (address/prefix)"},
	{"Ip|cidr: 300.1.1.1/8", "!7:18: '300.1.1.1/8' is not an IPv4 or IPv6 network (address/prefix)"},
	{"Ip|cidr: 10.0.0.0/", "!7:18: '10.0.0.0/' is not an IPv4 or IPv6 network (address/prefix)"},
	{"Ip|cidr: 10.0.0.0/-1", "!7:18: '10.0.0.0/-1' is not an IPv4 or IPv6 network (address/prefix)"},
	{"Ip|cidr: host", "!7:18: 'host' is not an IPv4 or IPv6 network (address/prefix)"},
	{"Ip|cidr|contains: 10.0.0.0/8", "!7:9: 'cidr' cannot be combined with 'contains'"},
	{"A|fieldref|windash: B", "!7:9: 'fieldref' cannot be combined with 'windash'"},
	{"A|fieldref: ''", "!7:22: 'fieldref' takes a field name"},
	{"F|contains: null", "!7:21: null cannot take modifier 'contains'"},
	{"F|contains: true", "!7:21: true/false cannot take modifier 'contains' (quote it to match text)"},
	{"F|expand: 5", "!7:19: 'expand' takes text with %placeholders%"},
	{"User|expand: '%Nobody%'", "!7:23: placeholder %Nobody% has no value list (give one with --placeholders)"},
	{"F: {a: b}", "!7:13: the value of 'F' must be a single value or a list of them"},
	{"F: [a, [b]]", "!7:17: a list of values may hold only single values"},
	{"F: []", "!7:9: empty list of values"},
};

static void
test_modifiers(void **state)
{
	struct fl_sigma_vars *vars = test_vars();
	char text[1024], got[1024];
	struct fl_sigma_rule *const *r;
	struct fl_buf b;
	size_t i, n;

	(void)state;
	fl_buf_init(&b, 1 << 16);
	for (i = 0; i < NELEM(mod_cases); i++) {
		struct fl_sigma_set *s;

		snprintf(text, sizeof text,
			 "title: t\n"
			 "logsource:\n"
			 "    product: windows\n"
			 "detection:\n"
			 "    condition: sel\n"
			 "    sel:\n"
			 "        %s\n",
			 mod_cases[i].line);
		s = load(text, vars);
		r = fl_sigma_set_rules(s, &n);
		assert_int_equal(n, 1);
		first_refusal(s, got, sizeof got);
		if (mod_cases[i].want[0] == '!') {
			if (strcmp(got, mod_cases[i].want + 1) != 0)
				BAD("case %zu '%s': want '%s', got '%s'", i,
					 mod_cases[i].line, mod_cases[i].want + 1,
					 got);
			assert_true(r[0]->refused);
		} else {
			if (got[0] != '\0')
				BAD("case %zu '%s': refused: %s", i,
					 mod_cases[i].line, got);
			fl_buf_reset(&b);
			assert_int_equal(r[0]->nsearch, 1);
			assert_int_equal(r[0]->search[0].ngroup, 1);
			assert_int_equal(r[0]->search[0].group[0].ncond, 1);
			put_fcond(&b, &r[0]->search[0].group[0].cond[0]);
			if (strcmp(fl_buf_str(&b), mod_cases[i].want) != 0)
				BAD("case %zu '%s': want '%s', got '%s'", i,
					 mod_cases[i].line, mod_cases[i].want,
					 fl_buf_str(&b));
		}
		fl_sigma_set_free(s);
	}
	fl_buf_release(&b);
	fl_sigma_vars_free(vars);
}

/* Every modifier of the specification is known by its name. */
static void
test_mod_names(void **state)
{
	static const char *const spec[] = {
		"contains", "startswith", "endswith", "all", "exists", "cased",
		"neq", "windash", "re", "i", "m", "s", "base64", "base64offset",
		"utf16le", "utf16be", "utf16", "wide", "lt", "lte", "gt", "gte",
		"minute", "hour", "day", "week", "month", "year", "cidr",
		"expand", "fieldref"};
	int i;

	(void)state;
	assert_int_equal(NELEM(spec), FL_SM_COUNT);
	for (i = 0; i < FL_SM_COUNT; i++)
		assert_string_equal(fl_sigma_mod_name((enum fl_sigma_mod)i),
				    spec[i]);
}

/* ---- search identifiers ---------------------------------------------------- */

static const struct {
	const char *det; /* detection body (indented 4) */
	const char *want; /* groups "{a AND b} OR {c}", or "!" + refusal */
} search_cases[] = {
	{"    sel:\n        A: 1\n        B: x\n",
	 "{A: N1 AND B: S\"x\"}"},
	{"    sel:\n        - A: 1\n        - B: x\n          C: y\n",
	 "{A: N1} OR {B: S\"x\" AND C: S\"y\"}"},
	{"    sel:\n        - evil\n        - 'svchost.exe -n evil'\n",
	 "{*: S\"evil\", S\"svchost.exe -n evil\"}"},
	{"    sel: 'one keyword'\n", "{*: S\"one keyword\"}"},
	{"    sel:\n        '|all':\n            - a\n            - b\n",
	 "{*|all: S\"a\", S\"b\"}"},
	{"    sel:\n        - a\n        - B: x\n",
	 "!6:11: search identifier 'sel' mixes maps and plain values in one list"},
	{"    sel:\n        - [a]\n",
	 "!6:12: a search identifier's list holds maps or values, not lists"},
	{"    sel:\n", "!5:5: search identifier 'sel' is empty"},
	{"    sel: []\n", "!5:5: search identifier 'sel' is an empty list"},
	{"    sel: {}\n", "!5:5: empty map in a search identifier"},
};

static void
put_search(struct fl_buf *b, const struct fl_sigma_search *se)
{
	size_t g, c;

	for (g = 0; g < se->ngroup; g++) {
		fl_buf_puts(b, g ? " OR {" : "{");
		for (c = 0; c < se->group[g].ncond; c++) {
			if (c)
				fl_buf_puts(b, " AND ");
			put_fcond(b, &se->group[g].cond[c]);
		}
		fl_buf_puts(b, "}");
	}
}

static void
test_searches(void **state)
{
	char text[1024], got[1024];
	struct fl_sigma_rule *const *r;
	struct fl_buf b;
	size_t i, n;

	(void)state;
	fl_buf_init(&b, 1 << 16);
	for (i = 0; i < NELEM(search_cases); i++) {
		struct fl_sigma_set *s;

		snprintf(text, sizeof text,
			 "title: t\nlogsource: {product: x}\ndetection:\n"
			 "    condition: sel\n%s",
			 search_cases[i].det);
		s = load(text, NULL);
		r = fl_sigma_set_rules(s, &n);
		first_refusal(s, got, sizeof got);
		if (search_cases[i].want[0] == '!') {
			if (strcmp(got, search_cases[i].want + 1) != 0)
				BAD("case %zu: want '%s', got '%s'", i,
					 search_cases[i].want + 1, got);
		} else {
			if (got[0])
				BAD("case %zu: refused: %s", i, got);
			fl_buf_reset(&b);
			put_search(&b, &r[0]->search[0]);
			if (strcmp(fl_buf_str(&b), search_cases[i].want) != 0)
				BAD("case %zu: want '%s', got '%s'", i,
					 search_cases[i].want, fl_buf_str(&b));
		}
		fl_sigma_set_free(s);
	}
	fl_buf_release(&b);
}

/* ---- escaping ---------------------------------------------------------------- */

static const struct {
	const char *in, *parts;
	int wildcard;
} glob_cases[] = {
	{"abc", "L(abc)", 0},
	{"a*b?c", "L(a)*L(b)?L(c)", 1},
	{"*", "*", 1},
	{"", "", 0},
	{"\\*", "L(*)", 0},
	{"\\?", "L(?)", 0},
	{"a\\*b", "L(a*b)", 0},
	{"\\\\", "L(\\)", 0},
	{"\\\\*", "L(\\)*", 1},
	{"\\\\\\*", "L(\\*)", 0},
	{"\\\\\\", "L(\\\\)", 0},
	{"\\\\\\\\", "L(\\\\)", 0},
	{"C:\\Windows\\", "L(C:\\Windows\\)", 0},
	{"\\a", "L(\\a)", 0},
	{"\\", "L(\\)", 0},
	{"*\\cmd.exe", "*L(\\cmd.exe)", 1},
	{"\\\\?\\", "L(\\)?L(\\)", 1},
	{"**", "**", 1},
};

static void
test_escaping(void **state)
{
	struct fl_sigma_part parts[32];
	struct fl_buf lit, out;
	size_t i, j, np;

	(void)state;
	fl_buf_init(&lit, 1 << 16);
	fl_buf_init(&out, 1 << 16);
	for (i = 0; i < NELEM(glob_cases); i++) {
		fl_buf_reset(&lit);
		fl_buf_reset(&out);
		assert_int_equal(fl_sigma_glob(glob_cases[i].in,
					       strlen(glob_cases[i].in), &lit,
					       parts, NELEM(parts), &np),
				 FL_OK);
		for (j = 0; j < np; j++) {
			if (parts[j].kind == FL_SP_STAR)
				fl_buf_putc(&out, '*');
			else if (parts[j].kind == FL_SP_ONE)
				fl_buf_putc(&out, '?');
			else
				fl_buf_printf(&out, "L(%.*s)", (int)parts[j].len,
					      lit.data + parts[j].off);
		}
		if (strcmp(fl_buf_str(&out), glob_cases[i].parts) != 0)
			BAD("'%s': want %s, got %s", glob_cases[i].in,
				 glob_cases[i].parts, fl_buf_str(&out));
	}
	/* the loader's wildcard flag agrees with the parts */
	for (i = 0; i < NELEM(glob_cases); i++) {
		char text[512];
		struct fl_sigma_set *s;
		struct fl_sigma_rule *const *r;
		size_t n;

		if (glob_cases[i].in[0] == '\0')
			continue;
		snprintf(text, sizeof text,
			 "title: t\nlogsource: {product: x}\ndetection:\n"
			 "    sel:\n        F: \"%s\"\n    condition: sel\n", "");
		/* single quotes keep backslashes as they are */
		snprintf(text, sizeof text,
			 "title: t\nlogsource: {product: x}\ndetection:\n"
			 "    sel:\n        F: '%s'\n    condition: sel\n",
			 glob_cases[i].in);
		s = load(text, NULL);
		r = fl_sigma_set_rules(s, &n);
		assert_false(r[0]->refused);
		assert_string_equal(r[0]->search[0].group[0].cond[0].val[0].s,
				    glob_cases[i].in);
		assert_int_equal(r[0]->search[0].group[0].cond[0].val[0].wildcard,
				 glob_cases[i].wildcard);
		fl_sigma_set_free(s);
	}
	/* too many parts */
	fl_buf_reset(&lit);
	assert_int_equal(fl_sigma_glob("a*b*c", 5, &lit, parts, 3, &np),
			 FL_E_LIMIT);
	fl_buf_release(&lit);
	fl_buf_release(&out);
}

/* ---- conditions ---------------------------------------------------------------- */

static const char *const cond_ids[] = {"selection", "filter", "sel1", "sel2",
				       "sel_x", "_hidden", "keywords"};

/* Canonical text, with the identifiers each "x of" stands for. */
static void
put_tree(struct fl_buf *b, const struct fl_sigma_node *n)
{
	size_t i;

	switch (n->op) {
	case FL_SIGMA_ID:
		fl_buf_printf(b, "%s", n->name);
		return;
	case FL_SIGMA_NOT:
		fl_buf_puts(b, "not ");
		put_tree(b, n->kid[0]);
		return;
	case FL_SIGMA_AND:
	case FL_SIGMA_OR:
		fl_buf_putc(b, '(');
		for (i = 0; i < n->nkid; i++) {
			if (i)
				fl_buf_puts(b, n->op == FL_SIGMA_AND ? " and "
								     : " or ");
			put_tree(b, n->kid[i]);
		}
		fl_buf_putc(b, ')');
		return;
	case FL_SIGMA_ONE_OF:
	case FL_SIGMA_ALL_OF:
		fl_buf_printf(b, "%s of %s[",
			      n->op == FL_SIGMA_ONE_OF ? "1" : "all",
			      n->name ? n->name : "them");
		for (i = 0; i < n->nkid; i++)
			fl_buf_printf(b, "%s%s", i ? "," : "",
				      n->kid[i]->name);
		fl_buf_putc(b, ']');
		return;
	}
}

static const struct {
	const char *in;
	const char *want; /* tree, or "!COL: reason" */
} cond_cases[] = {
	{"selection", "selection"},
	{"  selection  ", "selection"},
	{"selection and not filter", "(selection and not filter)"},
	{"selection or sel1 and sel2", "(selection or (sel1 and sel2))"},
	{"selection and sel1 or sel2", "((selection and sel1) or sel2)"},
	{"not selection and sel1", "(not selection and sel1)"},
	{"not (selection and sel1)", "not (selection and sel1)"},
	{"not not selection", "not not selection"},
	{"(selection or sel1) and sel2", "((selection or sel1) and sel2)"},
	{"sel1 and sel2 and keywords", "(sel1 and sel2 and keywords)"},
	{"sel1 and (sel2 and keywords)", "(sel1 and sel2 and keywords)"},
	{"(sel1 or sel2) or (keywords or filter)",
	 "(sel1 or sel2 or keywords or filter)"},
	{"((((selection))))", "selection"},
	{"1 of sel*", "1 of sel*[selection,sel1,sel2,sel_x]"},
	{"any of sel*", "1 of sel*[selection,sel1,sel2,sel_x]"},
	{"all of sel?", "!8: pattern 'sel?' matches no search identifier"},
	{"all of sel_*", "all of sel_*[sel_x]"},
	{"1 of *", "1 of *[selection,filter,sel1,sel2,sel_x,_hidden,keywords]"},
	{"1 of them", "1 of them[selection,filter,sel1,sel2,sel_x,keywords]"},
	{"all of them", "all of them[selection,filter,sel1,sel2,sel_x,keywords]"},
	{"1 of _*", "1 of _*[_hidden]"},
	{"1 of sel* and not 1 of filter*",
	 "(1 of sel*[selection,sel1,sel2,sel_x] and not 1 of filter*[filter])"},
	{"not 1 of sel* or keywords",
	 "(not 1 of sel*[selection,sel1,sel2,sel_x] or keywords)"},
	{"all of sel* and (keywords or not filter)",
	 "(all of sel*[selection,sel1,sel2,sel_x] and (keywords or not filter))"},
	{"Selection", "!1: unknown search identifier 'Selection'"},
	{"SEL1 AND NOT sel2", "!1: unknown search identifier 'SEL1'"},
	{"sel1 AND NOT sel2 OR keywords", "((sel1 and not sel2) or keywords)"},
	{"1 OF them", "1 of them[selection,filter,sel1,sel2,sel_x,keywords]"},
	{"ALL of sel1", "all of sel1[sel1]"},
	/* errors with the column */
	{"", "!1: empty condition"},
	{"   ", "!1: empty condition"},
	{"selection and", "!14: condition ends where an identifier was expected"},
	{"selection andd filter", "!11: expected 'and', 'or' or the end, found 'andd'"},
	{"(selection", "!1: '(' is never closed"},
	{"(selection or (sel1)", "!1: '(' is never closed"},
	{"selection)", "!10: unbalanced ')'"},
	{"selection (sel1)", "!11: expected 'and', 'or' or the end, found '('"},
	{"()", "!2: expected an identifier, found ')'"},
	{"and selection", "!1: expected an identifier, found 'and'"},
	{"not", "!4: condition ends where an identifier was expected"},
	{"unknown", "!1: unknown search identifier 'unknown'"},
	{"selection or nothere", "!14: unknown search identifier 'nothere'"},
	{"sel*", "!1: a pattern needs '1 of' or 'all of' before it: 'sel*'"},
	{"1 of nothing*", "!6: pattern 'nothing*' matches no search identifier"},
	{"1 sel1", "!3: expected 'of' after '1', found 'sel1'"},
	{"all sel1", "!5: expected 'of' after 'all', found 'sel1'"},
	{"all of", "!7: expected an identifier pattern or 'them' after 'of', found 'end of condition'"},
	{"1 of (sel1)", "!6: expected an identifier pattern or 'them' after 'of', found '('"},
	{"2 of sel*", "!1: only '1 of' and 'all of' are defined"},
	{"selection | count() > 5", "!11: aggregations ('| count() ...') are Sigma 1 syntax; write a correlation rule"},
	{"sel1 near sel2", "!6: expected 'and', 'or' or the end, found 'near'"},
	{"near sel2", "!1: 'near' is Sigma 1 syntax; write a temporal correlation rule"},
	{"of", "!1: expected an identifier, found 'of'"},
	{"them", "!1: expected an identifier, found 'them'"},
};

static void
test_conditions(void **state)
{
	struct fl_sigma_cond *c, *again;
	struct fl_buf b, b1, b2;
	struct fl_diag d;
	char got[600];
	size_t i;
	fl_err rc;

	(void)state;
	fl_buf_init(&b, 1 << 16);
	fl_buf_init(&b1, 1 << 16);
	fl_buf_init(&b2, 1 << 16);
	for (i = 0; i < NELEM(cond_cases); i++) {
		fl_diag_clear(&d);
		c = fl_sigma_cond_parse(cond_cases[i].in, strlen(cond_cases[i].in),
					cond_ids, NELEM(cond_ids), NULL, &rc, &d);
		fl_buf_reset(&b);
		if (c == NULL) {
			snprintf(got, sizeof got, "!%lu: %s", d.col, d.msg);
			assert_int_equal(rc, FL_E_SYNTAX);
		} else {
			put_tree(&b, fl_sigma_cond_root(c));
			snprintf(got, sizeof got, "%s", fl_buf_str(&b));
			/* canonical text parses to the same tree */
			fl_buf_reset(&b1);
			fl_buf_reset(&b2);
			assert_int_equal(fl_sigma_node_print(fl_sigma_cond_root(c),
							     &b1), FL_OK);
			again = fl_sigma_cond_parse(b1.data, b1.len, cond_ids,
						    NELEM(cond_ids), NULL, &rc,
						    &d);
			assert_non_null(again);
			put_tree(&b2, fl_sigma_cond_root(again));
			assert_string_equal(fl_buf_str(&b2), got);
			fl_sigma_cond_free(again);
		}
		if (strcmp(got, cond_cases[i].want) != 0)
			BAD("'%s': want '%s', got '%s'", cond_cases[i].in,
				 cond_cases[i].want, got);
		fl_sigma_cond_free(c);
	}
	/* the canonical text itself */
	c = fl_sigma_cond_parse("any of sel* AND NOT (filter or keywords)", 40,
				cond_ids, NELEM(cond_ids), NULL, &rc, &d);
	assert_non_null(c);
	fl_buf_reset(&b1);
	assert_int_equal(fl_sigma_node_print(fl_sigma_cond_root(c), &b1), FL_OK);
	assert_string_equal(fl_buf_str(&b1),
			    "(1 of sel* and not (filter or keywords))");
	fl_sigma_cond_free(c);
	fl_buf_release(&b);
	fl_buf_release(&b1);
	fl_buf_release(&b2);
}

/* Limits: length and depth are refused with FL_E_LIMIT. */
static void
test_condition_limits(void **state)
{
	struct fl_sigma_limits lim;
	struct fl_diag d;
	struct fl_buf b;
	fl_err rc;
	int i;

	(void)state;
	fl_sigma_limits_default(&lim);
	fl_buf_init(&b, 1 << 20);
	for (i = 0; i < 100; i++)
		fl_buf_puts(&b, "(");
	fl_buf_puts(&b, "sel1");
	for (i = 0; i < 100; i++)
		fl_buf_puts(&b, ")");
	assert_null(fl_sigma_cond_parse(b.data, b.len, cond_ids,
					NELEM(cond_ids), &lim, &rc, &d));
	assert_int_equal(rc, FL_E_LIMIT);
	fl_buf_reset(&b);
	for (i = 0; i < 1000; i++)
		fl_buf_puts(&b, "sel1 or ");
	fl_buf_puts(&b, "sel2");
	assert_null(fl_sigma_cond_parse(b.data, b.len, cond_ids,
					NELEM(cond_ids), &lim, &rc, &d));
	assert_int_equal(rc, FL_E_LIMIT);
	assert_string_equal(d.msg, "condition longer than 4096 bytes");
	fl_buf_release(&b);
}

/* A rule's conditions: a list is several, errors point into the file. */
static void
test_rule_conditions(void **state)
{
	static const struct {
		const char *cond, *want;
	} cases[] = {
		{"    condition: sel and not filter\n", "(sel and not filter)"},
		{"    condition:\n        - sel\n        - 1 of f*\n",
		 "sel | 1 of f*"},
		{"    condition: 'sel and'\n",
		 "!6:24: condition, column 8: condition ends where an "
		 "identifier was expected"},
		{"    condition: \"sel and\\tbad\"\n",
		 "!6:17: condition, column 9: unknown search identifier 'bad'"},
		{"    condition: sel and bad\n",
		 "!6:24: condition, column 9: unknown search identifier 'bad'"},
		{"    condition: sel | count() > 3\n",
		 "!6:20: condition, column 5: aggregations ('| count() ...') "
		 "are Sigma 1 syntax; write a correlation rule"},
		{"", "!4:5: 'condition' is missing"},
		{"    condition: []\n", "!6:5: empty list of conditions"},
	};
	char text[512], got[600];
	struct fl_sigma_rule *const *r;
	struct fl_buf b;
	size_t i, j, n;

	(void)state;
	fl_buf_init(&b, 1 << 16);
	for (i = 0; i < NELEM(cases); i++) {
		struct fl_sigma_set *s;

		snprintf(text, sizeof text,
			 "title: t\nlogsource: {product: x}\ndetection:\n"
			 "    sel: {A: 1}\n    filter: {B: 2}\n%s",
			 cases[i].cond);
		s = load(text, NULL);
		r = fl_sigma_set_rules(s, &n);
		first_refusal(s, got, sizeof got);
		if (!r[0]->refused) {
			fl_buf_reset(&b);
			for (j = 0; j < r[0]->ncond; j++) {
				if (j)
					fl_buf_puts(&b, " | ");
				fl_sigma_node_print(r[0]->cond[j], &b);
			}
			snprintf(got, sizeof got, "%s", fl_buf_str(&b));
		} else {
			memmove(got + 1, got, strlen(got) + 1);
			got[0] = '!';
		}
		if (strcmp(got, cases[i].want) != 0)
			BAD("case %zu: want '%s', got '%s'", i,
				 cases[i].want, got);
		fl_sigma_set_free(s);
	}
	fl_buf_release(&b);
}

/* ---- documents: meta, correlations, filters ----------------------------------- */

static const char *const base_rules =
	"title: Failed logon\n"
	"id: 5638f7c0-ac70-491d-8465-2a65075e0d86\n"
	"name: failed_logon\n"
	"logsource: {product: windows, service: security}\n"
	"detection: {sel: {EventID: 4625}, condition: sel}\n"
	"---\n"
	"title: Successful logon\n"
	"name: logon\n"
	"logsource: {product: windows, service: security}\n"
	"detection: {sel: {EventID: 4624}, condition: sel}\n"
	"---\n";

static void
put_corr(struct fl_buf *b, const struct fl_sigma_rule *r)
{
	const struct fl_sigma_corr *c = r->corr;
	size_t i, j;

	fl_buf_printf(b, "%s rules=", fl_sigma_corr_type_name(c->type));
	for (i = 0; i < c->nref; i++)
		fl_buf_printf(b, "%s%s>%s", i ? "," : "", c->ref[i].text,
			      c->ref[i].target ? c->ref[i].target->title : "?");
	fl_buf_puts(b, " by=");
	for (i = 0; i < c->group_by.n; i++)
		fl_buf_printf(b, "%s%s", i ? "," : "", c->group_by.v[i]);
	fl_buf_printf(b, " span=%lld", c->timespan);
	for (i = 0; i < FL_SC_NCMP; i++)
		if (c->cmp_mask & (1u << i))
			fl_buf_printf(b, " %s=%g",
				      fl_sigma_cmp_name((enum fl_sigma_cmp)i),
				      c->cmp[i]);
	for (i = 0; i < c->field.n; i++)
		fl_buf_printf(b, " field=%s", c->field.v[i]);
	for (i = 0; i < c->nalias; i++) {
		fl_buf_printf(b, " alias %s:", c->alias[i].name);
		for (j = 0; j < c->alias[i].n; j++)
			fl_buf_printf(b, " %s.%s", c->alias[i].rule[j],
				      c->alias[i].field[j]);
	}
	if (c->tcond) {
		fl_buf_puts(b, " cond=");
		fl_sigma_node_print(c->tcond, b);
	}
	if (c->generate)
		fl_buf_puts(b, " generate");
}

static const struct {
	const char *corr; /* the correlation: block, indented 4 */
	const char *want; /* description, or "!" + first refusal */
} corr_cases[] = {
	{"    type: event_count\n    rules: [5638f7c0-ac70-491d-8465-2a65075e0d86]\n"
	 "    group-by: [Computer]\n    timespan: 1h\n    condition: {gte: 100}\n",
	 "event_count rules=5638f7c0-ac70-491d-8465-2a65075e0d86>Failed logon "
	 "by=Computer span=3600 gte=100"},
	{"    type: event_count\n    rules: failed_logon\n    timespan: 30s\n"
	 "    condition: {gt: 100, lte: 200}\n",
	 "event_count rules=failed_logon>Failed logon by= span=30 gt=100 lte=200"},
	{"    type: value_count\n    rules: [failed_logon]\n"
	 "    group-by: [ComputerName, WorkstationName]\n    timespan: 1d\n"
	 "    condition: {field: User, gte: 100}\n",
	 "value_count rules=failed_logon>Failed logon by=ComputerName,"
	 "WorkstationName span=86400 gte=100 field=User"},
	{"    type: temporal\n    rules: [failed_logon, logon]\n"
	 "    group-by: [ip]\n    timespan: 5m\n",
	 "temporal rules=failed_logon>Failed logon,logon>Successful logon "
	 "by=ip span=300"},
	{"    type: temporal_ordered\n    rules: [failed_logon, logon]\n"
	 "    group-by: [User]\n    timespan: 2w\n    condition: {eq: 2}\n",
	 "temporal_ordered rules=failed_logon>Failed logon,logon>Successful "
	 "logon by=User span=1209600 eq=2"},
	{"    type: temporal\n    rules: [failed_logon, logon]\n"
	 "    timespan: 5m\n    condition: failed_logon AND NOT logon\n",
	 "temporal rules=failed_logon>Failed logon,logon>Successful logon by= "
	 "span=300 cond=(failed_logon and not logon)"},
	{"    type: value_sum\n    rules: [logon]\n    timespan: 1h\n"
	 "    condition: {field: bytes_sent, gt: 1000000}\n",
	 "value_sum rules=logon>Successful logon by= span=3600 gt=1e+06 "
	 "field=bytes_sent"},
	{"    type: value_avg\n    rules: [logon]\n    timespan: 24h\n"
	 "    condition: {field: BytesOut, gt: 500, neq: 7}\n",
	 "value_avg rules=logon>Successful logon by= span=86400 gt=500 neq=7 "
	 "field=BytesOut"},
	{"    type: value_percentile\n    rules: [logon]\n    timespan: 24h\n"
	 "    condition: {field: Image, lte: 1}\n",
	 "value_percentile rules=logon>Successful logon by= span=86400 lte=1 "
	 "field=Image"},
	{"    type: temporal\n    rules: [failed_logon, logon]\n"
	 "    group-by: [internal_ip]\n    timespan: 10s\n"
	 "    aliases:\n        internal_ip:\n            failed_logon: IpAddress\n"
	 "            logon: SourceIp\n    generate: true\n",
	 "temporal rules=failed_logon>Failed logon,logon>Successful logon "
	 "by=internal_ip span=10 alias internal_ip: failed_logon.IpAddress "
	 "logon.SourceIp generate"},
	/* refused */
	{"    type: event_count\n    rules: [nothing]\n    timespan: 1h\n"
	 "    condition: {gte: 1}\n",
	 "!15:13: refers to 'nothing', which is no rule of the set (by id or "
	 "name)"},
	{"    type: event_cnt\n    rules: [logon]\n    timespan: 1h\n",
	 "!14:11: unknown correlation type 'event_cnt'"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1h\n",
	 "!14:5: 'condition' is mandatory for event_count"},
	{"    type: value_count\n    rules: [logon]\n    timespan: 1h\n"
	 "    condition: {gte: 3}\n",
	 "!17:17: value_count needs 'field' in its condition"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1h\n"
	 "    condition: {field: x, gte: 3}\n",
	 "!17:17: 'field' has no meaning for event_count"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1h\n"
	 "    condition: {gte: many}\n",
	 "!17:22: 'gte' takes a number"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1h\n"
	 "    condition: {field: x}\n",
	 "!17:17: the condition has no comparison (gt, gte, lt, lte, eq, neq)"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1h\n"
	 "    condition: {over: 3}\n",
	 "!17:17: unknown condition 'over' (gt, gte, lt, lte, eq, neq, field)"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 5\n"
	 "    condition: {gte: 3}\n",
	 "!16:15: timespan must be a number and s, m, h, d or w (at most 10 "
	 "years), e.g. 5m"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 0m\n"
	 "    condition: {gte: 3}\n",
	 "!16:15: timespan must be a number and s, m, h, d or w (at most 10 "
	 "years), e.g. 5m"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1M\n"
	 "    condition: {gte: 3}\n",
	 "!16:15: timespan must be a number and s, m, h, d or w (at most 10 "
	 "years), e.g. 5m"},
	{"    type: event_count\n    rules: [logon]\n    timespan: 1y\n"
	 "    condition: {gte: 3}\n",
	 "!16:15: timespan must be a number and s, m, h, d or w (at most 10 "
	 "years), e.g. 5m"},
	{"    type: event_count\n    rules: [logon]\n    timespan: -1m\n"
	 "    condition: {gte: 3}\n",
	 "!16:15: timespan must be a number and s, m, h, d or w (at most 10 "
	 "years), e.g. 5m"},
	{"    type: event_count\n    rules: [logon]\n"
	 "    condition: {gte: 3}\n",
	 "!14:5: 'timespan' is mandatory"},
	{"    type: event_count\n    rules: []\n    timespan: 1h\n"
	 "    condition: {gte: 3}\n",
	 "!15:5: 'rules' is empty"},
	{"    type: temporal\n    rules: [failed_logon, logon]\n"
	 "    timespan: 5m\n    condition: failed_logon and other\n",
	 "!17:33: condition, column 18: unknown search identifier 'other'"},
	{"    type: temporal\n    rules: [failed_logon, logon]\n"
	 "    group-by: [ip]\n    timespan: 10s\n"
	 "    aliases:\n        ip:\n            nobody: IpAddress\n",
	 "!12:1: alias 'ip' names 'nobody', which is not one of the "
	 "correlated rules"},
	{"    type: value_percentile\n    rules: [logon]\n    timespan: 24h\n"
	 "    condition: {field: Image, lte: 101}\n",
	 "!17:17: a percentile is from 0 to 100"},
};

static void
test_correlations(void **state)
{
	char text[2048], got[1024];
	struct fl_sigma_rule *const *r;
	struct fl_buf b;
	size_t i, n;

	(void)state;
	fl_buf_init(&b, 1 << 16);
	for (i = 0; i < NELEM(corr_cases); i++) {
		struct fl_sigma_set *s;

		snprintf(text, sizeof text, "%stitle: Correlation\ncorrelation:\n%s",
			 base_rules, corr_cases[i].corr);
		s = load(text, NULL);
		r = fl_sigma_set_rules(s, &n);
		assert_int_equal(n, 3);
		assert_int_equal(r[2]->kind, FL_SIGMA_CORRELATION);
		first_refusal(s, got, sizeof got);
		if (corr_cases[i].want[0] == '!') {
			if (strcmp(got, corr_cases[i].want + 1) != 0)
				BAD("case %zu: want '%s', got '%s'", i,
					 corr_cases[i].want + 1, got);
			assert_true(r[2]->refused);
		} else {
			if (got[0])
				BAD("case %zu: refused: %s", i, got);
			fl_buf_reset(&b);
			put_corr(&b, r[2]);
			if (strcmp(fl_buf_str(&b), corr_cases[i].want) != 0)
				BAD("case %zu: want '%s', got '%s'", i,
					 corr_cases[i].want, fl_buf_str(&b));
			assert_true(r[2]->corr->ref[0].target->nused >= 1);
		}
		fl_sigma_set_free(s);
	}
	fl_buf_release(&b);
}

/* Chains resolve across files; loops, self references, filters as
 * targets, duplicates and refused targets are refused. */
static void
test_chains(void **state)
{
	static const struct {
		const char *a, *b; /* two files */
		const char *want;  /* refusals "L:C: msg | ..." */
	} cases[] = {
		{"title: A\nname: a\ncorrelation: {type: event_count, rules: [b], "
		 "timespan: 1m, condition: {gte: 2}}\n",
		 "title: B\nname: b\ncorrelation: {type: event_count, rules: "
		 "[base], timespan: 1m, condition: {gte: 2}}\n---\ntitle: Base\n"
		 "name: base\nlogsource: {product: x}\ndetection: {s: {A: 1}, "
		 "condition: s}\n",
		 ""},
		{"title: A\nname: a\ncorrelation: {type: event_count, rules: [b], "
		 "timespan: 1m, condition: {gte: 2}}\n",
		 "title: B\nname: b\ncorrelation: {type: event_count, rules: [a], "
		 "timespan: 1m, condition: {gte: 2}}\n",
		 "3:42: correlation chain loops back through 'a' | 3:42: refers "
		 "to 'b', which is refused"},
		{"title: A\nname: a\ncorrelation: {type: event_count, rules: [a], "
		 "timespan: 1m, condition: {gte: 2}}\n",
		 "title: B\nlogsource: {product: x}\ndetection: {s: {A: 1}, "
		 "condition: s}\n",
		 "3:42: refers to itself"},
		{"title: A\ncorrelation: {type: event_count, rules: [f], "
		 "timespan: 1m, condition: {gte: 2}}\n",
		 "title: F\nname: f\nlogsource: {product: x}\nfilter: {rules: [x], "
		 "s: {A: 1}, condition: s}\n",
		 "2:42: refers to filter 'f' | 4:18: refers to 'x', which is no "
		 "rule of the set (by id or name)"},
		{"title: A\nid: same\nlogsource: {product: x}\ndetection: {s: {A: "
		 "1}, condition: s}\n",
		 "title: B\nid: same\nlogsource: {product: x}\ndetection: {s: {A: "
		 "1}, condition: s}\n",
		 "1:1: id 'same' is already used by a.yml:1"},
		{"title: A\ncorrelation: {type: event_count, rules: [bad], "
		 "timespan: 1m, condition: {gte: 2}}\n",
		 "title: Bad\nname: bad\nlogsource: {product: x}\ndetection: {s: "
		 "{A|nope: 1}, condition: s}\n",
		 "4:17: unknown modifier 'nope' | 2:42: refers to 'bad', which is "
		 "refused"},
		{"title: A\nlogsource: {product: x}\nfilter: {rules: [c], s: {U: "
		 "adm}, condition: not s}\n",
		 "title: C\nname: c\ncorrelation: {type: event_count, rules: [r], "
		 "timespan: 1m, condition: {gte: 2}}\n---\ntitle: R\nname: r\n"
		 "logsource: {product: x}\ndetection: {s: {A: 1}, condition: s}\n",
		 "3:18: a filter applies to rules, not to correlation 'c'"},
	};
	struct fl_sigma_set *s;
	const struct fl_sigma_refusal *ref;
	struct fl_buf b;
	size_t i, j, n;

	(void)state;
	fl_buf_init(&b, 1 << 16);
	for (i = 0; i < NELEM(cases); i++) {
		s = fl_sigma_set_new(NULL, NULL);
		assert_non_null(s);
		assert_int_equal(fl_sigma_set_add_mem(s, "a.yml", cases[i].a,
						      strlen(cases[i].a)),
				 FL_OK);
		assert_int_equal(fl_sigma_set_add_mem(s, "b.yml", cases[i].b,
						      strlen(cases[i].b)),
				 FL_OK);
		assert_int_equal(fl_sigma_set_resolve(s), FL_OK);
		ref = fl_sigma_set_refusals(s, &n);
		fl_buf_reset(&b);
		for (j = 0; j < n; j++)
			fl_buf_printf(&b, "%s%lu:%lu: %s", j ? " | " : "",
				      ref[j].d.line, ref[j].d.col, ref[j].d.msg);
		if (strcmp(fl_buf_str(&b), cases[i].want) != 0)
			BAD("case %zu: want '%s', got '%s'", i,
				 cases[i].want, fl_buf_str(&b));
		fl_sigma_set_free(s);
	}
	fl_buf_release(&b);
}

/* A rule, a filter and a correlation in one file; metadata kept. */
static void
test_documents(void **state)
{
	static const char text[] =
		"title: A Title\n"
		"id: 545a5da6-f103-4919-a519-e9aec1026ee4\n"
		"status: test\n"
		"description: what it finds\n"
		"references: [https://example.org/a, https://example.org/b]\n"
		"author: SomeOne\n"
		"date: 2017-05-09\n"
		"modified: 2023-04-14\n"
		"tags: [attack.defense-evasion, attack.t1211]\n"
		"logsource:\n"
		"    product: windows\n"
		"    category: process_creation\n"
		"    service: application\n"
		"    definition: needs auditing\n"
		"detection:\n"
		"    selection:\n"
		"        Provider_Name: 'Application Error'\n"
		"    condition: selection\n"
		"fields: [CommandLine]\n"
		"falsepositives: a string\n"
		"level: high\n"
		"---\n"
		"title: Filter Administrator account\n"
		"logsource: {category: process_creation, product: windows}\n"
		"filter:\n"
		"    rules:\n"
		"        - 545a5da6-f103-4919-a519-e9aec1026ee4\n"
		"    selection:\n"
		"        User|startswith: 'adm_'\n"
		"    condition: selection\n";
	struct fl_sigma_set *s = load(text, NULL);
	struct fl_sigma_rule *const *r;
	struct fl_sigma_stats st;
	size_t n;

	(void)state;
	r = fl_sigma_set_rules(s, &n);
	assert_int_equal(n, 2);
	assert_false(r[0]->refused);
	assert_false(r[1]->refused);
	assert_int_equal(r[0]->kind, FL_SIGMA_RULE);
	assert_string_equal(r[0]->title, "A Title");
	assert_string_equal(r[0]->id, "545a5da6-f103-4919-a519-e9aec1026ee4");
	assert_string_equal(r[0]->status, "test");
	assert_string_equal(r[0]->level, "high");
	assert_string_equal(r[0]->description, "what it finds");
	assert_string_equal(r[0]->author, "SomeOne");
	assert_string_equal(r[0]->date, "2017-05-09");
	assert_string_equal(r[0]->modified, "2023-04-14");
	assert_int_equal(r[0]->tags.n, 2);
	assert_string_equal(r[0]->tags.v[1], "attack.t1211");
	assert_int_equal(r[0]->references.n, 2);
	assert_int_equal(r[0]->falsepositives.n, 1);
	assert_string_equal(r[0]->fields.v[0], "CommandLine");
	assert_string_equal(r[0]->logsource.product, "windows");
	assert_string_equal(r[0]->logsource.category, "process_creation");
	assert_string_equal(r[0]->logsource.service, "application");
	assert_string_equal(r[0]->logsource.definition, "needs auditing");
	assert_int_equal(r[0]->line, 1);
	assert_int_equal(r[1]->kind, FL_SIGMA_FILTER);
	assert_int_equal(r[1]->line, 23);
	assert_int_equal(r[1]->nfilter_ref, 1);
	assert_ptr_equal(r[1]->filter_ref[0].target, r[0]);
	assert_int_equal(r[1]->nsearch, 1);
	assert_string_equal(r[1]->search[0].name, "selection");
	fl_sigma_set_stats(s, &st);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.rules, 1);
	assert_int_equal(st.filters, 1);
	assert_int_equal(st.refused, 0);
	fl_sigma_set_free(s);
}

/* Documents and files that are refused whole. */
static void
test_bad_documents(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"title: x\n- a\n", "2:1: invalid YAML: did not find expected key"},
		{"logsource: {product: x}\ndetection: {s: {A: 1}, condition: s}\n",
		 "1:1: 'title' is mandatory"},
		{"title: t\ndetection: {s: {A: 1}, condition: s}\n",
		 "1:1: 'logsource' is mandatory"},
		{"title: t\nlevel: severe\nlogsource: {product: x}\n"
		 "detection: {s: {A: 1}, condition: s}\n",
		 "2:8: level must be informational, low, medium, high or critical"},
		{"title: t\nstatus: great\nlogsource: {product: x}\n"
		 "detection: {s: {A: 1}, condition: s}\n",
		 "2:9: status must be stable, test, experimental, deprecated or "
		 "unsupported"},
		{"title: t\nlogsource: {product: x}\ndetection: [a]\n",
		 "3:13: 'detection' must be a map"},
		{"title: t\nlogsource: {product: x}\ndetection: {condition: s}\n",
		 "3:13: no search identifier"},
		{"title: &a t\nname: *a\nlogsource: {product: x}\n"
		 "detection: {s: {A: 1}, condition: s}\n",
		 "2:8: YAML aliases are not accepted in rules"},
		{"title: t\nfoo: bar\n", "1:1: neither a rule (detection), a "
		 "correlation nor a filter"},
		{"action: global\ntitle: t\n", "1:1: rule collections (action: ...) "
		 "are Sigma 1 syntax"},
		{"- a\n- b\n", "1:3: a Sigma document is a map (title, detection, "
		 "...)"},
		{"title: t\ntitle: u\n", "2:1: invalid YAML: duplicate key"},
		{"", "1:1: empty file"},
		{"title: t\xff\n", "1:9: invalid UTF-8 (Sigma files are UTF-8)"},
		{"a: 1\ntitle: \xc3\x28\n", "2:8: invalid UTF-8 (Sigma files are UTF-8)"},
	};
	struct fl_sigma_set *s;
	char got[600];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		s = fl_sigma_set_new(NULL, NULL);
		assert_non_null(s);
		assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", cases[i].text,
						      strlen(cases[i].text)),
				 FL_OK);
		assert_int_equal(fl_sigma_set_resolve(s), FL_OK);
		first_refusal(s, got, sizeof got);
		if (strcmp(got, cases[i].want) != 0)
			BAD("case %zu: want '%s', got '%s'", i,
				 cases[i].want, got);
		fl_sigma_set_free(s);
	}
}

/* Bounds: file size, list length, string length, nesting. */
static void
test_limits(void **state)
{
	struct fl_sigma_limits lim;
	struct fl_sigma_set *s;
	struct fl_buf b;
	char got[600];
	int i;

	(void)state;
	fl_sigma_limits_default(&lim);
	lim.max_file = 300;
	lim.max_items = 3;
	lim.max_str = 10;
	lim.max_depth = 6;
	fl_buf_init(&b, 1 << 20);
	fl_buf_puts(&b, "title: t\nlogsource: {product: x}\ndetection:\n"
			"    s: {A: [1, 2, 3, 4]}\n    condition: s\n");
	s = fl_sigma_set_new(&lim, NULL);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", b.data, b.len), FL_OK);
	first_refusal(s, got, sizeof got);
	assert_string_equal(got, "4:13: a list with more than 3 entries");
	fl_sigma_set_free(s);

	fl_buf_reset(&b);
	fl_buf_puts(&b, "title: t\nlogsource: {product: x}\ndetection:\n"
			"    s: {A: 'abcdefghijk'}\n    condition: s\n");
	s = fl_sigma_set_new(&lim, NULL);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", b.data, b.len), FL_OK);
	first_refusal(s, got, sizeof got);
	assert_string_equal(got, "4:13: value longer than 10 bytes");
	fl_sigma_set_free(s);

	fl_buf_reset(&b);
	fl_buf_puts(&b, "title: t\nlogsource: {product: x}\ndetection:\n"
			"    s: {A: [[[[[1]]]]]}\n    condition: s\n");
	s = fl_sigma_set_new(&lim, NULL);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", b.data, b.len), FL_OK);
	first_refusal(s, got, sizeof got);
	assert_string_equal(got, "4:17: nested deeper than 6 levels");
	fl_sigma_set_free(s);

	fl_buf_reset(&b);
	for (i = 0; i < 40; i++)
		fl_buf_puts(&b, "# padding padding padding\n");
	s = fl_sigma_set_new(&lim, NULL);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", b.data, b.len), FL_OK);
	first_refusal(s, got, sizeof got);
	assert_string_equal(got, "1:1: file larger than 300 bytes");
	fl_sigma_set_free(s);
	fl_buf_release(&b);
}

/* Placeholder files: names with or without %, a value or a list. */
static void
test_placeholder_file(void **state)
{
	static const char rule[] =
		"title: t\nlogsource: {product: x}\ndetection:\n"
		"    s: {User|expand: '%Admins%', Host|expand: '%Hosts%'}\n"
		"    condition: s\n";
	struct fl_sigma_vars *v = fl_sigma_vars_new();
	struct fl_sigma_set *s;
	struct fl_sigma_rule *const *r;
	struct fl_diag d;
	char path[] = "/tmp/test_sigma_ph_XXXXXX";
	FILE *f;
	int fd;
	size_t n;

	(void)state;
	assert_non_null(v);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("'%Admins%': [adm_*, root]\nHosts: h1\n", f);
	fclose(f);
	fl_diag_clear(&d);
	assert_int_equal(fl_sigma_vars_load(v, path, &d), FL_OK);
	s = load(rule, v);
	r = fl_sigma_set_rules(s, &n);
	assert_false(r[0]->refused);
	assert_int_equal(r[0]->search[0].group[0].cond[0].nval, 2);
	assert_string_equal(r[0]->search[0].group[0].cond[0].val[1].s, "root");
	assert_int_equal(r[0]->search[0].group[0].cond[1].nval, 1);
	fl_sigma_set_free(s);
	/* without lists the rule is refused */
	s = load(rule, NULL);
	r = fl_sigma_set_rules(s, &n);
	assert_true(r[0]->refused);
	fl_sigma_set_free(s);
	/* a bad file names its position */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Admins:\n  nested: map\n", f);
	fclose(f);
	assert_int_equal(fl_sigma_vars_load(v, path, &d), FL_E_SYNTAX);
	assert_int_equal(d.line, 1);
	assert_string_equal(d.msg, "placeholder 'Admins': a list of values");
	unlink(path);
	fl_sigma_vars_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mod_names, no_bad_cases),
		cmocka_unit_test_teardown(test_modifiers, no_bad_cases),
		cmocka_unit_test_teardown(test_searches, no_bad_cases),
		cmocka_unit_test_teardown(test_escaping, no_bad_cases),
		cmocka_unit_test_teardown(test_conditions, no_bad_cases),
		cmocka_unit_test_teardown(test_condition_limits, no_bad_cases),
		cmocka_unit_test_teardown(test_rule_conditions, no_bad_cases),
		cmocka_unit_test_teardown(test_correlations, no_bad_cases),
		cmocka_unit_test_teardown(test_chains, no_bad_cases),
		cmocka_unit_test_teardown(test_documents, no_bad_cases),
		cmocka_unit_test_teardown(test_bad_documents, no_bad_cases),
		cmocka_unit_test_teardown(test_limits, no_bad_cases),
		cmocka_unit_test_teardown(test_placeholder_file, no_bad_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
