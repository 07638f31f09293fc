/*
 * test_oscal: the OSCAL catalog reader.  The real NIST catalogues (counts,
 * when the corpus is present), the flattening of statements on a small
 * hand-written fixture, JSON and XML of that fixture giving the same
 * records, and bad inputs, each with its error code, line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sys/stat.h>
#include <time.h>

#include "ingest/ingest.h"

/* ---- a recording sink ------------------------------------------------- */

struct rec {
	size_t catalogs, groups, controls, top, withdrawn, examples;
	size_t statements, objectives, methods, params;
	size_t fail_at;         /* return FL_E_DB at this control (1-based) */
	int with_lines;         /* put control lines into the log */
	struct fl_buf log;      /* every record, one line each */
	char framework[64];
	char want[64];          /* a control to keep whole */
	struct fl_oscal_control kept; /* numbers only: its pointers are gone */
	char *kept_text[10];
};

static const char *
nz(const char *s)
{
	return s ? s : "(null)";
}

static fl_err
rec_catalog(void *ctx, const struct fl_oscal_catalog *c)
{
	struct rec *r = ctx;

	r->catalogs++;
	fl_strlcpy(r->framework, nz(c->framework), sizeof r->framework);
	fl_buf_printf(&r->log, "catalog %s|%s|%s|%s|%s|%s\n", nz(c->uuid),
		      nz(c->title), nz(c->version), nz(c->oscal_version),
		      nz(c->last_modified), nz(c->framework));
	return FL_OK;
}

static fl_err
rec_group(void *ctx, const struct fl_oscal_group *g)
{
	struct rec *r = ctx;

	assert_int_equal(g->seq, r->groups);
	r->groups++;
	fl_buf_printf(&r->log, "group %s|%s|%s|%s|%zu\n", nz(g->id),
		      nz(g->title), nz(g->class), nz(g->parent_id), g->seq);
	return FL_OK;
}

static fl_err
rec_control(void *ctx, const struct fl_oscal_control *c)
{
	struct rec *r = ctx;

	assert_int_equal(c->seq, r->controls);
	r->controls++;
	if (r->fail_at == r->controls)
		return FL_E_DB;
	r->top += c->parent_id == NULL;
	r->withdrawn += c->withdrawn != 0;
	r->examples += c->examples > 0;
	r->statements += c->statement != NULL;
	r->objectives += c->objectives != NULL;
	r->methods += c->methods != NULL;
	r->params += c->params_json != NULL;
	if (c->params_json != NULL) {
		/* the writer's output must always parse */
		json_error_t e;
		json_t *j = json_loads(c->params_json, 0, &e);
		assert_non_null(j);
		assert_true(json_is_array(j));
		json_decref(j);
	}
	fl_buf_printf(&r->log, "control %s|%s|%s|%s|%s|%s|%s|%d|%zu|%zu",
		      c->id, c->title, nz(c->class), nz(c->label),
		      nz(c->sort_id), nz(c->group_id), nz(c->parent_id),
		      c->withdrawn, c->examples, c->seq);
	if (r->with_lines)
		fl_buf_printf(&r->log, "|%lu", c->line);
	fl_buf_printf(&r->log, "\n[%s]\n[%s]\n[%s]\n[%s]\n[%s]\n",
		      nz(c->statement), nz(c->guidance), nz(c->objectives),
		      nz(c->methods), nz(c->params_json));
	if (r->want[0] && strcmp(r->want, c->id) == 0) {
		const char *t[10] = {c->statement, c->guidance, c->objectives,
				     c->methods, c->params_json, c->label,
				     c->sort_id, c->title, c->group_id,
				     c->parent_id};
		size_t i;
		r->kept = *c;
		for (i = 0; i < 10; i++)
			r->kept_text[i] = fl_strdup(t[i]);
	}
	return FL_OK;
}

static void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	fl_buf_init(&r->log, 0);
}

static void
rec_release(struct rec *r)
{
	size_t i;

	fl_buf_release(&r->log);
	for (i = 0; i < 10; i++)
		free(r->kept_text[i]);
}

static fl_err
parse(const char *data, size_t len, const struct fl_oscal_limits *lim,
      struct rec *r, struct fl_diag *d)
{
	struct fl_oscal_sink sink = {r, rec_catalog, rec_group, rec_control};

	fl_diag_clear(d);
	return fl_oscal_parse(data, len, "in", lim, &sink, d);
}

/* ---- files ------------------------------------------------------------ */

static const char *
top_dir(void)
{
	const char *t = getenv("FL_TOP");

	return t && *t ? t : ".";
}

static const char *
corpus_dir(char *buf, size_t sz)
{
	const char *c = getenv("FL_CORPUS");
	struct stat sb;

	if (c && *c)
		snprintf(buf, sz, "%s/catalogs", c);
	else
		snprintf(buf, sz, "%s/../shared/corpus/catalogs", top_dir());
	return stat(buf, &sb) == 0 ? buf : NULL;
}

static void
read_fixture(const char *name, struct fl_buf *b)
{
	char path[1024];
	struct fl_diag d;

	snprintf(path, sizeof path, "%s/tests/fixtures/oscal/%s", top_dir(),
		 name);
	fl_buf_init(b, 0);
	assert_int_equal(fl_buf_read_file(b, path, &d), FL_OK);
}

/* ---- the real catalogues ---------------------------------------------- */

struct corpus_case {
	const char *file;
	fl_err rc;
	size_t groups, controls, top, withdrawn, examples, objectives;
	const char *framework, *msg;
};

static struct corpus_case corpus_cases[] = {
	/* 20 families; 322 controls + 867 enhancements; no 800-53A */
	{"nist-sp800-53r5/NIST_SP-800-53_rev5_catalog.json", FL_OK,
	 20, 1189, 322, 182, 0, 0, "(null)", NULL},
	/* the resolved baselines: the README's counts are controls and
	 * enhancements together, each with 800-53A objectives and methods */
	{"nist-sp800-53r5/baselines/"
	 "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json",
	 FL_OK, 18, 149, 131, 0, 0, 149, "(null)", NULL},
	{"nist-sp800-53r5/baselines/"
	 "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json",
	 FL_OK, 18, 287, 177, 0, 0, 287, "(null)", NULL},
	{"nist-sp800-53r5/baselines/"
	 "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json",
	 FL_OK, 18, 370, 188, 0, 0, 370, "(null)", NULL},
	{"nist-sp800-53r5/baselines/"
	 "NIST_SP-800-53_rev5_PRIVACY-baseline-resolved-profile_catalog-min.json",
	 FL_OK, 16, 102, 81, 0, 0, 102, "(null)", NULL},
	/* 6 functions; 22 + 12 stale categories; 106 current subcategories
	 * (with examples) + 79 stale CSF 1.1 ones */
	{"nist-csf-2.0/NIST_CSF_v2.0_catalog.xml", FL_OK,
	 6, 219, 34, 0, 106, 0, "CSF", NULL},
	/* profiles are not catalogs */
	{"nist-sp800-53r5/baselines/NIST_SP-800-53_rev5_LOW-baseline_profile.json",
	 FL_E_SYNTAX, 0, 0, 0, 0, 0, 0, NULL, "not an OSCAL catalog (profile)"},
	{"nist-sp800-53r5/baselines/NIST_SP-800-53_rev5_HIGH-baseline_profile.json",
	 FL_E_SYNTAX, 0, 0, 0, 0, 0, 0, NULL, "not an OSCAL catalog (profile)"},
};

static void
test_corpus(void **state)
{
	const struct corpus_case *c = *state;
	char dir[1024], path[1400];
	struct timespec t0, t1;
	struct stat sb;
	struct fl_buf b;
	struct fl_diag d;
	struct rec r;

	if (corpus_dir(dir, sizeof dir) != NULL)
		snprintf(path, sizeof path, "%s/%s", dir, c->file);
	if (corpus_dir(dir, sizeof dir) == NULL || stat(path, &sb) != 0) {
		/* cmocka 1.1's skip() prints "not ok ... # SKIP", which
		 * tests/run.sh counts as a failure: say so and pass */
		print_message("skipped: no corpus (%s)\n", c->file);
		return;
	}
	fl_buf_init(&b, 0);
	assert_int_equal(fl_buf_read_file(&b, path, &d), FL_OK);
	rec_init(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(parse(b.data, b.len, NULL, &r, &d), c->rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* a figure, not a check: this build has the sanitizers on */
	print_message("%s: %zu bytes in %.0f ms\n", c->file, b.len,
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (c->rc != FL_OK) {
		assert_string_equal(d.msg, c->msg);
		assert_int_equal(d.line, 1);
		assert_int_equal(d.col, 1);
		assert_int_equal(r.controls, 0);
	} else {
		assert_int_equal(r.catalogs, 1);
		assert_int_equal(r.groups, c->groups);
		assert_int_equal(r.controls, c->controls);
		assert_int_equal(r.top, c->top);
		assert_int_equal(r.withdrawn, c->withdrawn);
		assert_int_equal(r.examples, c->examples);
		assert_int_equal(r.objectives, c->objectives);
		assert_int_equal(r.methods, c->objectives);
		assert_string_equal(r.framework, c->framework);
	}
	rec_release(&r);
	fl_buf_release(&b);
}

/* Two controls of the real catalogue, whole: the flattening on real data. */
static void
test_corpus_ac1(void **state)
{
	static const char stmt[] =
		"a. Develop, document, and disseminate to "
		"{{ insert: param, ac-1_prm_1 }}:\n"
		"  1. {{ insert: param, ac-1_prm_2 }} access control policy "
		"that:\n"
		"    (a) Addresses purpose, scope, roles, responsibilities, "
		"management commitment, coordination among organizational "
		"entities, and compliance; and\n"
		"    (b) Is consistent with applicable laws, executive orders, "
		"directives, regulations, policies, standards, and guidelines; "
		"and\n"
		"  2. Procedures to facilitate the implementation of the access "
		"control policy and the associated access controls;\n"
		"b. Designate an {{ insert: param, ac-1_prm_3 }} to manage the "
		"development, documentation, and dissemination of the access "
		"control policy and procedures; and\n"
		"c. Review and update the current access control:\n"
		"  1. Policy {{ insert: param, ac-1_prm_4 }} and following "
		"{{ insert: param, ac-1_prm_5 }}; and\n"
		"  2. Procedures {{ insert: param, ac-1_prm_6 }} and following "
		"{{ insert: param, ac-1_prm_7 }}.";
	char dir[1024], path[1400];
	struct fl_buf b;
	struct fl_diag d;
	struct rec r;

	(void)state;
	if (corpus_dir(dir, sizeof dir) == NULL) {
		print_message("skipped: no corpus\n");
		return;
	}
	snprintf(path, sizeof path,
		 "%s/nist-sp800-53r5/NIST_SP-800-53_rev5_catalog.json", dir);
	fl_buf_init(&b, 0);
	assert_int_equal(fl_buf_read_file(&b, path, &d), FL_OK);
	rec_init(&r);
	fl_strlcpy(r.want, "ac-1", sizeof r.want);
	assert_int_equal(parse(b.data, b.len, NULL, &r, &d), FL_OK);
	assert_string_equal(r.kept_text[0], stmt);
	assert_string_equal(r.kept_text[5], "AC-1");
	assert_string_equal(r.kept_text[8], "ac");
	assert_int_equal(r.kept.line, 79);
	rec_release(&r);
	fl_buf_release(&b);
}

/* ---- the fixture ------------------------------------------------------ */

static void
test_fixture_fields(void **state)
{
	static const char *const files[] = {"mini.json", "mini.xml"};
	static const char stmt[] =
		"a. Tell {{ insert: param, fam-1_prm_1 }}:\n"
		"  1. what to do; and\n"
		"    (a) how, *really*;\n"
		"  2. when.\n"
		"b. Review {{ insert: param, fam-1_prm_2 }}.";
	static const char params[] =
		"[{\"id\":\"fam-1_prm_1\",\"label\":\"organization-defined "
		"roles\",\"choices\":[]},{\"id\":\"fam-1_prm_2\",\"label\":null,"
		"\"choices\":[\"daily\",\"weekly {{ insert: param, fam-1_prm_1 "
		"}}\"]}]";
	static const unsigned long lines[] = {21, 14};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct fl_buf b;
		struct fl_diag d;
		struct rec r;

		read_fixture(files[i], &b);
		rec_init(&r);
		fl_strlcpy(r.want, "fam-1", sizeof r.want);
		assert_int_equal(parse(b.data, b.len, NULL, &r, &d), FL_OK);
		assert_string_equal(r.kept_text[0], stmt);
		assert_string_equal(r.kept_text[1],
				    "First paragraph.\n\nSecond paragraph.");
		assert_string_equal(r.kept_text[2],
				    "FAM-01a. people are told;\n"
				    "FAM-01b. reviews happen.");
		assert_string_equal(r.kept_text[3], "EXAMINE, TEST");
		assert_string_equal(r.kept_text[4], params);
		/* the class-less label wins over the zero-padded one */
		assert_string_equal(r.kept_text[5], "FAM-1");
		assert_string_equal(r.kept_text[6], "fam-01");
		assert_string_equal(r.kept_text[7], "First Control");
		assert_string_equal(r.kept_text[8], "fam");
		assert_null(r.kept_text[9]);
		assert_int_equal(r.kept.examples, 2);
		assert_int_equal(r.kept.withdrawn, 0);
		assert_int_equal(r.kept.line, lines[i]);
		assert_int_equal(r.groups, 3);
		assert_int_equal(r.controls, 4);
		assert_int_equal(r.withdrawn, 1);
		assert_string_equal(r.framework, "MINI");
		rec_release(&r);
		fl_buf_release(&b);
	}
}

/* The same catalog in JSON and in XML gives the same records. */
static void
test_json_xml_same(void **state)
{
	static const char expect_head[] =
		"catalog 00000000-0000-4000-8000-000000000001|Mini Catalog|1.2|"
		"1.1.2|2026-01-02T03:04:05Z|MINI\n"
		"group fam|Family|family|(null)|0\n";
	static const char expect_tail[] =
		"group outer|Outer|(null)|(null)|1\n"
		"group inner|Inner|(null)|outer|2\n"
		"control in-1|Inner Control|(null)|(null)|(null)|inner|(null)|"
		"0|0|3\n[(null)]\n[(null)]\n[(null)]\n[(null)]\n[(null)]\n";
	struct fl_buf bj, bx;
	struct fl_diag d;
	struct rec rj, rx;
	size_t tl = sizeof expect_tail - 1;

	(void)state;
	read_fixture("mini.json", &bj);
	read_fixture("mini.xml", &bx);
	rec_init(&rj);
	rec_init(&rx);
	assert_int_equal(parse(bj.data, bj.len, NULL, &rj, &d), FL_OK);
	assert_int_equal(parse(bx.data, bx.len, NULL, &rx, &d), FL_OK);
	assert_string_equal(fl_buf_str(&rj.log), fl_buf_str(&rx.log));
	assert_memory_equal(rj.log.data, expect_head, sizeof expect_head - 1);
	assert_true(rj.log.len > tl);
	assert_string_equal(rj.log.data + rj.log.len - tl, expect_tail);
	assert_non_null(strstr(fl_buf_str(&rj.log),
			       "control fam-1.1|Gone|enhancement|FAM-1(1)|"
			       "(null)|fam|fam-1|1|0|1\n"));
	assert_non_null(strstr(fl_buf_str(&rj.log),
			       "control fam-1.2|Kept|enhancement|FAM-1(2)|"
			       "(null)|fam|fam-1|0|0|2\n[Keep it.]\n"));
	rec_release(&rj);
	rec_release(&rx);
	fl_buf_release(&bj);
	fl_buf_release(&bx);
}

/* A BOM and leading blank lines change nothing but the lines. */
static void
test_bom(void **state)
{
	static const char *const docs[] = {
		"\xEF\xBB\xBF\n  {\"catalog\":{\"uuid\":\"u\",\"controls\":"
		"[{\"id\":\"c\",\"title\":\"T\"}]}}",
		"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<catalog uuid=\"u\">"
		"<control id=\"c\"><title>T</title></control></catalog>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct fl_diag d;
		struct rec r;

		rec_init(&r);
		r.with_lines = 1;
		assert_int_equal(parse(docs[i], strlen(docs[i]), NULL, &r, &d),
				 FL_OK);
		assert_string_equal(fl_buf_str(&r.log),
				    "catalog u|(null)|(null)|(null)|(null)|"
				    "(null)\ncontrol c|T|(null)|(null)|(null)|"
				    "(null)|(null)|0|0|0|2\n[(null)]\n[(null)]\n"
				    "[(null)]\n[(null)]\n[(null)]\n");
		rec_release(&r);
	}
}

/* ---- bad inputs ------------------------------------------------------- */

#define NS " xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\""

struct bad_case {
	const char *name;
	const char *in;
	fl_err rc;
	unsigned long line, col;
	const char *msg; /* a substring of the diag */
};

static const struct bad_case bad_cases[] = {
	{"empty", "", FL_E_SYNTAX, 1, 1, "empty file"},
	{"blank", " \n\t\r\n  ", FL_E_SYNTAX, 1, 1, "empty file"},
	{"bom only", "\xEF\xBB\xBF\n", FL_E_SYNTAX, 1, 1, "empty file"},
	{"neither", "\n  hello", FL_E_SYNTAX, 2, 3, "neither JSON nor XML"},
	{"truncated json",
	 "{\"catalog\": {\n  \"uuid\": \"u\",\n  \"groups\": [{\"id\": \"g\"",
	 FL_E_SYNTAX, 3, 23, "expected near end of file"},
	{"truncated json string", "{\"catalog\": {\"uuid\": \"abc",
	 FL_E_SYNTAX, 1, 25, "premature end of input"},
	{"truncated xml",
	 "<catalog" NS ">\n  <metadata><title>T</title></metadata>\n  <group",
	 FL_E_SYNTAX, 3, 3, "unclosed token"},
	{"truncated xml element",
	 "<catalog" NS ">\n  <metadata><title>T</title></metadata>\n",
	 FL_E_SYNTAX, 3, 1, "no element found"},
	{"billion laughs",
	 "<?xml version=\"1.0\"?>\n"
	 "<!DOCTYPE lolz [\n"
	 " <!ENTITY lol \"lol\">\n"
	 " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	 " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	 "]>\n"
	 "<catalog" NS "><metadata><title>&lol3;</title></metadata></catalog>",
	 FL_E_SYNTAX, 2, 1, "DOCTYPE not allowed"},
	{"external entity",
	 "<!DOCTYPE catalog [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>"
	 "<catalog" NS "><metadata><title>&xxe;</title></metadata></catalog>",
	 FL_E_SYNTAX, 1, 1, "DOCTYPE not allowed"},
	{"external dtd",
	 "<?xml version=\"1.0\"?>\n<!DOCTYPE catalog SYSTEM "
	 "\"http://example.org/x.dtd\">\n<catalog" NS "/>",
	 FL_E_SYNTAX, 2, 1, "DOCTYPE not allowed"},
	{"undeclared entity",
	 "<catalog" NS ">\n<metadata><title>&xxe;</title></metadata></catalog>",
	 FL_E_SYNTAX, 2, 18, "undefined entity"},
	{"json profile", "{\"profile\": {\"uuid\": \"u\"}}", FL_E_SYNTAX, 1, 1,
	 "not an OSCAL catalog (profile)"},
	{"json other", "\n\n  {\"x\": 1}", FL_E_SYNTAX, 3, 3,
	 "not an OSCAL catalog"},
	{"json array", "[1, 2]", FL_E_SYNTAX, 1, 1, "not an OSCAL catalog"},
	{"json catalog not object", "{\"catalog\": []}", FL_E_SYNTAX, 1, 1,
	 "not an OSCAL catalog"},
	{"xml profile", "<?xml version=\"1.0\"?>\n<profile" NS "/>",
	 FL_E_SYNTAX, 2, 1, "not an OSCAL catalog (profile)"},
	{"xml foreign catalog", "<catalog xmlns=\"urn:other\"/>", FL_E_SYNTAX,
	 1, 1, "not an OSCAL catalog"},
	{"json duplicate key",
	 "{\"catalog\": {\"uuid\": \"a\",\n \"uuid\": \"b\"}}", FL_E_SYNTAX, 2,
	 7, "duplicate object key"},
	{"json control without id",
	 "{\"catalog\": {\"controls\": [\n  {\"title\": \"T\"}]}}",
	 FL_E_SYNTAX, 2, 3, "a control needs an id"},
	{"json groups not array", "{\"catalog\": {\"groups\":\n  5}}",
	 FL_E_SYNTAX, 2, 3, "'groups' must be an array"},
	{"json title not string",
	 "{\"catalog\": {\"controls\": [{\"id\": \"c\",\n \"title\": 7}]}}",
	 FL_E_SYNTAX, 2, 11, "'title' must be a string"},
	{"json bad prop",
	 "{\"catalog\": {\"controls\": [{\"id\": \"c\", \"props\": [\n"
	 "  {\"name\": \"label\"}]}]}}",
	 FL_E_SYNTAX, 2, 3, "a prop needs a name and a value"},
	{"json bad part deep",
	 "{\"catalog\": {\"controls\": [{\"id\": \"c\", \"parts\": [\n"
	 " {\"name\": \"statement\", \"parts\": [{\"name\": \"item\",\n"
	 "   \"parts\": [ 3 ]}]}]}]}}",
	 FL_E_SYNTAX, 3, 15, "a part must be an object"},
	{"xml control without id",
	 "<catalog" NS ">\n <group id=\"g\">\n  <control><title>T</title>"
	 "</control></group></catalog>",
	 FL_E_SYNTAX, 3, 3, "a control needs an id"},
	{"xml junk after root", "<catalog" NS "/>\n<x/>", FL_E_SYNTAX, 2, 1,
	 "junk after document element"},
	{"json nul byte", "{\"catalog\": {\"uuid\": \"a\\u0000b\"}}",
	 FL_E_SYNTAX, 1, 31, "\\u0000 is not allowed"},
	{"json bad utf8", "{\"catalog\": {\"uuid\": \"\xff\"}}", FL_E_SYNTAX,
	 1, 22, "unable to decode byte 0xff"},
	{"xml bad utf8", "<catalog" NS "><x>\xff</x></catalog>", FL_E_SYNTAX,
	 1, 55, "not well-formed"},
};

static void
test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct fl_diag d;
		struct rec r;
		fl_err rc;

		rec_init(&r);
		rc = parse(c->in, strlen(c->in), NULL, &r, &d);
		if (rc != c->rc || d.line != c->line || d.col != c->col ||
		    strstr(d.msg, c->msg) == NULL || strcmp(d.file, "in") != 0)
			fail_msg("%s: got %d %s:%lu:%lu: %s", c->name, rc,
				 d.file, d.line, d.col, d.msg);
		assert_int_equal(r.controls, 0);
		rec_release(&r);
	}
}

/* A document nested n deep: groups (XML) or controls (JSON), one line. */
static char *
nest(int xml, size_t n)
{
	struct fl_buf b;
	size_t i;

	fl_buf_init(&b, 0);
	if (xml) {
		fl_buf_puts(&b, "<catalog" NS ">");
		for (i = 0; i < n; i++)
			fl_buf_printf(&b, "<group id=\"g%zu\">", i);
		for (i = 0; i < n; i++)
			fl_buf_puts(&b, "</group>");
		fl_buf_puts(&b, "</catalog>");
	} else {
		fl_buf_puts(&b, "{\"catalog\":{\"controls\":[");
		for (i = 0; i < n; i++)
			fl_buf_printf(&b, "{\"id\":\"c%zu\",\"controls\":[", i);
		for (i = 0; i < n; i++)
			fl_buf_puts(&b, "]}");
		fl_buf_puts(&b, "]}}");
	}
	return fl_buf_steal(&b);
}

/* Column of the k-th (0-based) occurrence of s in text, 1-based. */
static unsigned long
col_of(const char *text, const char *s, size_t k)
{
	const char *p = text;

	for (;;) {
		p = strstr(p, s);
		assert_non_null(p);
		if (k-- == 0)
			return (unsigned long)(p - text) + 1;
		p++;
	}
}

static void
test_depth_bomb(void **state)
{
	struct fl_diag d;
	struct rec r;
	char *doc;
	size_t i, len;

	(void)state;
	for (i = 0; i < 2; i++) {
		/* 64 levels are fine: the 65th is refused where it starts */
		doc = nest((int)i, 64);
		rec_init(&r);
		assert_int_equal(parse(doc, strlen(doc), NULL, &r, &d), FL_OK);
		assert_int_equal(i ? r.groups : r.controls, 64);
		rec_release(&r);
		free(doc);

		doc = nest((int)i, 200);
		rec_init(&r);
		assert_int_equal(parse(doc, strlen(doc), NULL, &r, &d),
				 FL_E_LIMIT);
		assert_int_equal(d.line, 1);
		assert_int_equal(d.col, col_of(doc, i ? "<group" : "{\"id\"",
					       64));
		assert_string_equal(d.msg, "nesting deeper than 64 levels");
		rec_release(&r);
		free(doc);
	}

	/* deeper than jansson's own parser will go */
	len = 100000;
	doc = malloc(len + 1);
	assert_non_null(doc);
	memset(doc, '[', len);
	doc[len] = '\0';
	rec_init(&r);
	assert_int_equal(parse(doc, len, NULL, &r, &d), FL_E_LIMIT);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, 2049);
	assert_non_null(strstr(d.msg, "maximum parsing depth"));
	rec_release(&r);

	/* XML elements that are not groups, controls or parts */
	memcpy(doc, "<catalog" NS ">", sizeof "<catalog" NS ">" - 1);
	for (i = sizeof "<catalog" NS ">" - 1; i + 3 <= len; i += 3)
		memcpy(doc + i, "<a>", 3);
	rec_init(&r);
	assert_int_equal(parse(doc, i, NULL, &r, &d), FL_E_LIMIT);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, sizeof "<catalog" NS ">" + 95 * 3);
	assert_string_equal(d.msg, "elements nested deeper than 96 levels");
	rec_release(&r);
	free(doc);
}

struct limit_case {
	const char *file;
	struct fl_oscal_limits lim;
	fl_err rc;
	unsigned long line, col;
	const char *msg;
};

static void
test_limits(void **state)
{
	static const struct limit_case cases[] = {
		{"mini.json", {0, 0, 2}, FL_E_LIMIT, 134, 15,
		 "more than 2 controls"},
		{"mini.xml", {0, 0, 2}, FL_E_LIMIT, 83, 7,
		 "more than 2 controls"},
		{"mini.json", {0, 0, 4}, FL_OK, 0, 0, ""},
		{"mini.xml", {0, 0, 4}, FL_OK, 0, 0, ""},
		/* group 1, control 2, statement 3, items a. 4, 1. 5, (a) 6 */
		{"mini.json", {5, 0, 0}, FL_E_LIMIT, 57, 27,
		 "nesting deeper than 5 levels"},
		{"mini.xml", {5, 0, 0}, FL_E_LIMIT, 36, 13,
		 "nesting deeper than 5 levels"},
		{"mini.json", {6, 0, 0}, FL_OK, 0, 0, ""},
		{"mini.xml", {6, 0, 0}, FL_OK, 0, 0, ""},
		/* the uuid is 36 bytes */
		{"mini.json", {0, 35, 0}, FL_E_LIMIT, 3, 13,
		 "text longer than 35 bytes"},
		{"mini.xml", {0, 35, 0}, FL_E_LIMIT, 2, 1,
		 "text longer than 35 bytes"},
		/* the second param's text is 55 bytes (with the first: 92) */
		{"mini.json", {0, 40, 0}, FL_E_LIMIT, 27, 15,
		 "text longer than 40 bytes"},
		{"mini.xml", {0, 40, 0}, FL_E_LIMIT, 19, 7,
		 "text longer than 40 bytes"},
		/* the statement is 139 bytes: item b. goes over */
		{"mini.json", {0, 130, 0}, FL_E_LIMIT, 73, 19,
		 "text longer than 130 bytes"},
		{"mini.xml", {0, 130, 0}, FL_E_LIMIT, 46, 9,
		 "text longer than 130 bytes"},
		/* the params JSON is 163 bytes: refused at its control */
		{"mini.json", {0, 150, 0}, FL_E_LIMIT, 21, 11,
		 "text longer than 150 bytes"},
		{"mini.xml", {0, 150, 0}, FL_E_LIMIT, 14, 5,
		 "text longer than 150 bytes"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct limit_case *c = &cases[i];
		struct fl_buf b;
		struct fl_diag d;
		struct rec r;
		fl_err rc;

		read_fixture(c->file, &b);
		rec_init(&r);
		rc = parse(b.data, b.len, &c->lim, &r, &d);
		if (rc != c->rc || d.line != c->line || d.col != c->col ||
		    strstr(d.msg, c->msg) == NULL)
			fail_msg("case %zu (%s): got %d %lu:%lu: %s", i,
				 c->file, rc, d.line, d.col, d.msg);
		rec_release(&r);
		fl_buf_release(&b);
	}
}

/* A sink's error stops the reader and its diag is left alone. */
static void
test_sink_stops(void **state)
{
	static const char *const files[] = {"mini.json", "mini.xml"};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct fl_buf b;
		struct fl_diag d;
		struct rec r;

		read_fixture(files[i], &b);
		rec_init(&r);
		r.fail_at = 2;
		fl_diag_clear(&d);
		fl_diag_msg(&d, FL_E_DB, "sink says no");
		{
			struct fl_oscal_sink sink = {&r, rec_catalog, rec_group,
						     rec_control};
			assert_int_equal(fl_oscal_parse(b.data, b.len, "in",
							NULL, &sink, &d),
					 FL_E_DB);
		}
		assert_int_equal(r.controls, 2);
		assert_string_equal(d.msg, "sink says no");
		rec_release(&r);
		fl_buf_release(&b);
	}
}

/* No sink, or a sink without callbacks: the document is only checked. */
static void
test_no_sink(void **state)
{
	static const struct fl_oscal_sink empty = {NULL, NULL, NULL, NULL};
	struct fl_buf b;
	struct fl_diag d;

	(void)state;
	read_fixture("mini.xml", &b);
	assert_int_equal(fl_oscal_parse(b.data, b.len, "in", NULL, NULL, &d),
			 FL_OK);
	assert_int_equal(fl_oscal_parse(b.data, b.len, "in", NULL, &empty, &d),
			 FL_OK);
	fl_buf_release(&b);
	read_fixture("mini.json", &b);
	assert_int_equal(fl_oscal_parse(b.data, b.len, "in", NULL, NULL, &d),
			 FL_OK);
	fl_buf_release(&b);
	assert_int_equal(fl_oscal_parse(NULL, 0, "in", NULL, NULL, &d),
			 FL_E_SYNTAX);
}

/* XML prose: lists, inline markup, whitespace, foreign elements. */
static void
test_xml_prose(void **state)
{
	static const struct {
		const char *body, *statement;
	} cases[] = {
		{"<p>  one\n\t two  </p>", "one two"},
		{"<p>a <em>b</em> <strong>c</strong> <code>d</code></p>",
		 "a *b* **c** `d`"},
		{"<p>x</p><ol><li>first</li><li>second</li></ol>",
		 "x\n1. first\n2. second"},
		{"<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"<p>see <a href=\"#x\">this</a>.</p>", "see this."},
		{"<p>v<insert type=\"param\" id-ref=\"p1\"/>w</p>",
		 "v{{ insert: param, p1 }}w"},
		{"<p>kept</p><x:note xmlns:x=\"urn:x\"><p>dropped</p></x:note>",
		 "kept"},
		{"<prop name=\"label\" value=\"L\"><remarks><p>no</p></remarks>"
		 "</prop><p>yes</p>", "L yes"},
		{"<pre>a\n  b</pre>", "a\n  b"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fl_buf b;
		struct fl_diag d;
		struct rec r;

		fl_buf_init(&b, 0);
		fl_buf_printf(&b,
			      "<catalog" NS "><control id=\"c\"><title>T"
			      "</title><part name=\"statement\">%s</part>"
			      "</control></catalog>",
			      cases[i].body);
		rec_init(&r);
		fl_strlcpy(r.want, "c", sizeof r.want);
		if (parse(b.data, b.len, NULL, &r, &d) != FL_OK)
			fail_msg("case %zu: %s", i, d.msg);
		if (r.kept_text[0] == NULL ||
		    strcmp(r.kept_text[0], cases[i].statement) != 0)
			fail_msg("case %zu: got [%s]", i, nz(r.kept_text[0]));
		rec_release(&r);
		fl_buf_release(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define CORPUS(name, i) {name, test_corpus, NULL, NULL, &corpus_cases[i]}
		CORPUS("corpus: 800-53r5 catalogue", 0),
		CORPUS("corpus: LOW baseline", 1),
		CORPUS("corpus: MODERATE baseline", 2),
		CORPUS("corpus: HIGH baseline", 3),
		CORPUS("corpus: PRIVACY baseline", 4),
		CORPUS("corpus: CSF 2.0 (XML)", 5),
		CORPUS("corpus: LOW profile refused", 6),
		CORPUS("corpus: HIGH profile refused", 7),
#undef CORPUS
		cmocka_unit_test(test_corpus_ac1),
		cmocka_unit_test(test_fixture_fields),
		cmocka_unit_test(test_json_xml_same),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_depth_bomb),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_sink_stops),
		cmocka_unit_test(test_no_sink),
		cmocka_unit_test(test_xml_prose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
