/*
 * test_scan_util: the helpers the scanner readers share (scan/util.c), as
 * tables of inputs and what each must give: the XML root element behind a
 * prolog, comments and a DOCTYPE; the bounded search and the start of a
 * head; ports, severity words and trimmed copies; the string set with its
 * order, index and limit; JSON members and scores, text without its NUL
 * bytes, and a JSON report's syntax error as FILE:LINE:COL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "scan/scan.h"

static void
test_xml_root(void **state)
{
	static const struct {
		const char *head, *want;
	} cases[] = {
		{ "<report id=\"1\">", "report" },
		{ "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<SCAN value=\"x\">", "SCAN" },
		{ "<?xml version=\"1.0\"?><!-- a > b --><!-- c -->\n <ns:a/>", "ns:a" },
		{ "<!DOCTYPE issues [<!ELEMENT issues (issue*)>\n<!ATTLIST issues burpVersion CDATA \"\">]><issues>",
		  "issues" },
		{ "<!DOCTYPE nmaprun><?xml-stylesheet href=\"x\"?><nmaprun>", "nmaprun" },
		{ "<get_reports_response status=\"200\">", "get_reports_response" },
		{ "<a.b-c_d>", "a.b-c_d" },
		{ "", "" },
		{ "   ", "" },
		{ "{\"runs\": []}", "" },
		{ "<?xml version=\"1.0\"?>", "" },          /* cut before the root */
		{ "<!-- never closed <report>", "" },
	};
	char name[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = fl_scan_xml_root(cases[i].head, strlen(cases[i].head),
					    name, sizeof(name));

		assert_int_equal(n, strlen(cases[i].want));
		if (n > 0)
			assert_string_equal(name, cases[i].want);
	}
	/* a name longer than the buffer is cut, never overrun */
	assert_int_equal(fl_scan_xml_root("<NessusClientData_v2>", 21, name, 8), 7);
	assert_string_equal(name, "NessusC");
}

static void
test_head(void **state)
{
	static const char head[] = "{\"matches\": [], \"source\": {}}";
	static const struct {
		const char *s;
		size_t n;
		const char *w;
		long at;                /* offset of the match, -1 none */
	} finds[] = {
		{ head, sizeof(head) - 1, "\"matches\"", 1 },
		{ head, sizeof(head) - 1, "\"source\"", 16 },
		{ head, 10, "\"matches\"", 1 },
		{ head, 9, "\"matches\"", -1 },   /* only within the n bytes */
		{ head, sizeof(head) - 1, "grype", -1 },
		{ "a\0b<x>", 6, "<x>", 3 },       /* NUL bytes are bytes */
	};
	static const struct {
		const char *s;
		size_t want;
	} starts[] = {
		{ "{}", 0 }, { " \t\r\n[", 4 }, { "\xEF\xBB\xBF {", 4 },
		{ "\xEF\xBB", 0 }, { "   ", 3 }, { "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		const char *p = fl_scan_find(finds[i].s, finds[i].n, finds[i].w);

		assert_int_equal(p == NULL ? -1 : (long)(p - finds[i].s), finds[i].at);
		assert_int_equal(fl_scan_has(finds[i].s, finds[i].n, finds[i].w),
				 finds[i].at >= 0);
	}
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		assert_int_equal(fl_scan_skip_blank(starts[i].s, strlen(starts[i].s)),
				 starts[i].want);
}

static void
test_words(void **state)
{
	static const struct {
		const char *s;
		unsigned port;
	} ports[] = {
		{ "443", 443 }, { " 22 ", 22 }, { "65535", 65535 }, { "0", 0 },
		{ "65536", 0 }, { "general", 0 }, { "-", 0 }, { "", 0 },
		{ "1234567", 0 }, { "80/tcp", 0 },
	};
	static const struct {
		const char *s;
		int sev;
	} sevs[] = {
		{ "info", FL_SEV_INFO }, { "LOW", FL_SEV_LOW }, { "Medium", FL_SEV_MEDIUM },
		{ "high", FL_SEV_HIGH }, { "CRITICAL", FL_SEV_CRITICAL },
		{ "unknown", -1 }, { "moderate", -1 }, { " high", -1 }, { "", -1 },
		{ NULL, -1 },
	};
	static const struct {
		const char *s;
		int blank;
	} blanks[] = {
		{ NULL, 1 }, { "", 1 }, { " \t\n", 1 }, { " x ", 0 },
	};
	char dst[6];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		assert_int_equal(fl_scan_port(ports[i].s, strlen(ports[i].s)),
				 ports[i].port);
	assert_int_equal(fl_scan_port(NULL, 0), 0);
	for (i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
		assert_int_equal(fl_scan_sev_word(sevs[i].s), sevs[i].sev);
	for (i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++)
		assert_int_equal(fl_scan_blank(blanks[i].s), blanks[i].blank);
	fl_scan_copy(dst, sizeof(dst), "  abc \n", 7);
	assert_string_equal(dst, "abc");
	fl_scan_copy(dst, sizeof(dst), " abcdefgh", 9);
	assert_string_equal(dst, "abcde");
}

static void
test_keep(void **state)
{
	char *v[2] = { NULL, NULL };

	(void)state;
	assert_int_equal(fl_scan_keep(&v[0], "  a b \n", 7), FL_OK);
	assert_string_equal(v[0], "a b");
	assert_int_equal(fl_scan_keep(&v[0], NULL, 0), FL_OK);   /* unchanged */
	assert_string_equal(v[0], "a b");
	assert_int_equal(fl_scan_keep(&v[1], "xy", 1), FL_OK);
	assert_string_equal(v[1], "x");
	fl_scan_clear(v, 2);
	assert_null(v[0]);
	assert_null(v[1]);
}

static void
test_strset(void **state)
{
	struct fl_strset set;
	char key[32];
	size_t i, pos;
	int added;

	(void)state;
	memset(&set, 0, sizeof(set));
	/* enough strings to grow the index several times */
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "host-%zu.test", i);
		assert_int_equal(fl_strset_add(&set, key, 1000, &pos, &added), FL_OK);
		assert_true(added);
		assert_int_equal(pos, i);
	}
	for (i = 0; i < 1000; i += 7) {
		snprintf(key, sizeof(key), "host-%zu.test", i);
		assert_int_equal(fl_strset_add(&set, key, 1000, &pos, &added), FL_OK);
		assert_false(added);
		assert_int_equal(pos, i);
		assert_string_equal(set.v[i], key);
	}
	/* full: a new string is refused, one already there is still found */
	assert_int_equal(fl_strset_add(&set, "another", 1000, NULL, &added),
			 FL_E_LIMIT);
	assert_false(added);
	assert_int_equal(fl_strset_add(&set, "host-999.test", 1000, NULL, &added),
			 FL_OK);
	assert_false(added);
	assert_int_equal(set.n, 1000);
	/* exact match: case and blanks count */
	assert_int_equal(fl_strset_add(&set, "HOST-1.test", SIZE_MAX, NULL,
				       &added), FL_OK);
	assert_true(added);
	fl_strset_free(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.v);
}

static void
test_json_load(void **state)
{
	static const struct {
		const char *in;
		size_t flags;
		fl_err rc;
		unsigned long line, col;
	} cases[] = {
		{ "{\"a\": [1, 2]}", 0, FL_OK, 0, 0 },
		{ "null", JSON_DECODE_ANY, FL_OK, 0, 0 },
		{ "null", 0, FL_E_SYNTAX, 1, 4 },           /* no bare value */
		{ "{\"a\": \n [1,, 2]}", 0, FL_E_SYNTAX, 2, 5 },
		{ "", 0, FL_E_SYNTAX, 1, 1 },               /* nothing at all */
		{ "{\"a\": \"x\\u0000y\"}", JSON_ALLOW_NUL, FL_OK, 0, 0 },
		{ "{\"a\": \"x\\u0000y\"}", 0, FL_E_SYNTAX, 1, 16 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fl_scan_src src;
		struct fl_diag d;
		json_t *root;
		fl_err rc;

		fl_diag_clear(&d);
		fl_scan_src_mem(&src, "r.json", cases[i].in, strlen(cases[i].in));
		rc = fl_scan_json_load(&src, cases[i].flags, &root, &d);
		print_message("%zu: %s:%lu:%lu: %s\n", i, d.file, d.line, d.col,
			      d.msg);
		assert_int_equal(rc, cases[i].rc);
		if (rc == FL_OK) {
			assert_non_null(root);
			json_decref(root);
			continue;
		}
		assert_null(root);
		assert_string_equal(d.file, "r.json");
		assert_int_equal(d.line, cases[i].line);
		assert_int_equal(d.col, cases[i].col);
		assert_true(d.msg[0] != '\0');
	}
}

static void
test_json_members(void **state)
{
	static const struct {
		const char *key, *str;
		size_t n;
		double score;
	} cases[] = {
		{ "s", "a\0b", 3, -1 }, { "e", "", 0, -1 }, { "num", NULL, 0, 7.5 },
		{ "neg", NULL, 0, -1 }, { "txt", "9.8", 3, 9.8 },
		{ "word", "high", 4, -1 }, { "arr", NULL, 0, -1 },
		{ "missing", NULL, 0, -1 },
	};
	json_error_t err;
	json_t *o = json_loads("{\"s\": \"a\\u0000b\", \"e\": \"\", \"num\": 7.5, "
			       "\"neg\": -2, \"txt\": \"9.8\", \"word\": \"high\", "
			       "\"arr\": [1]}", JSON_ALLOW_NUL, &err);
	size_t i, n;

	(void)state;
	assert_non_null(o);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = fl_scan_json_str(o, cases[i].key, &n);

		if (cases[i].str == NULL)
			assert_null(s);
		else
			assert_memory_equal(s, cases[i].str, cases[i].n);
		assert_int_equal(n, cases[i].n);
		assert_true(fl_scan_json_score(json_object_get(o, cases[i].key)) ==
			    cases[i].score);
	}
	assert_null(fl_scan_json_str(NULL, "s", NULL));
	json_decref(o);
}

static void
test_put(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		const char *want;
	} cases[] = {
		{ "abc", 3, "abc" }, { "a\0b\0\0c", 6, "abc" }, { "\0", 1, "" },
		{ "ab\0", 3, "ab" }, { "", 0, "" },
	};
	struct fl_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fl_buf_init(&b, 0);
		assert_int_equal(fl_scan_put(&b, cases[i].s, cases[i].n), FL_OK);
		assert_string_equal(fl_buf_str(&b), cases[i].want);
		assert_int_equal(b.len, strlen(cases[i].want));
		fl_buf_release(&b);
	}
	fl_buf_init(&b, 4);
	assert_int_equal(fl_scan_put(&b, "ab\0cdef", 7), FL_E_LIMIT);
	fl_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_root),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_strset),
		cmocka_unit_test(test_json_load),
		cmocka_unit_test(test_json_members),
		cmocka_unit_test(test_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
