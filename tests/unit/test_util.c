/* test_util: buffers, JSON escaping, parsing and dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/util.h"

static void
test_buf_cap(void **state)
{
	struct fl_buf b;

	(void)state;
	fl_buf_init(&b, 16);
	assert_int_equal(fl_buf_puts(&b, "0123456789"), FL_OK);
	assert_int_equal(fl_buf_puts(&b, "0123456789"), FL_E_LIMIT);
	assert_string_equal(fl_buf_str(&b), "0123456789");
	assert_int_equal(fl_buf_printf(&b, "%d", 42), FL_OK);
	assert_string_equal(fl_buf_str(&b), "012345678942");
	fl_buf_release(&b);
}

static void
test_json_escape(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{"plain", 5, "\"plain\""},
		{"q\"b\\", 4, "\"q\\\"b\\\\\""},
		{"nl\n\t", 4, "\"nl\\n\\t\""},
		{"\x01", 1, "\"\\u0001\""},
		{"caf\xc3\xa9", 5, "\"caf\xc3\xa9\""},
		{"bad\xff", 4, "\"bad\xef\xbf\xbd\""},
		{"trunc\xc3", 6, "\"trunc\xef\xbf\xbd\""},
		{"sur\xed\xa0\x80", 6, "\"sur\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
		{"nul\0x", 5, "\"nul\\u0000x\""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fl_buf b;
		fl_buf_init(&b, 0);
		assert_int_equal(fl_json_escape(&b, cases[i].in, cases[i].n), FL_OK);
		assert_string_equal(fl_buf_str(&b), cases[i].out);
		fl_buf_release(&b);
	}
}

static void
test_json_writer(void **state)
{
	struct fl_buf b;
	struct fl_json j;

	(void)state;
	fl_buf_init(&b, 0);
	fl_json_init(&j, &b, 0);
	fl_json_arr_open(&j);
	fl_json_obj_open(&j);
	fl_json_key(&j, "a");
	fl_json_int(&j, 1);
	fl_json_key(&j, "b");
	fl_json_arr_open(&j);
	fl_json_str(&j, "x");
	fl_json_null(&j);
	fl_json_arr_close(&j);
	fl_json_obj_close(&j);
	fl_json_obj_open(&j);
	fl_json_obj_close(&j);
	fl_json_arr_close(&j);
	assert_string_equal(fl_buf_str(&b), "[{\"a\":1,\"b\":[\"x\",null]},{}]");
	fl_buf_release(&b);
}

static void
test_parse_long(void **state)
{
	long v = 0;

	(void)state;
	assert_int_equal(fl_parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(fl_parse_long("101", 0, 100, &v), -1);
	assert_int_equal(fl_parse_long("-1", 0, 100, &v), -1);
	assert_int_equal(fl_parse_long("4x", 0, 100, &v), -1);
	assert_int_equal(fl_parse_long("", 0, 100, &v), -1);
	assert_int_equal(fl_parse_long(" 4", 0, 100, &v), -1);
	assert_int_equal(fl_parse_long("99999999999999999999", 0, LONG_MAX, &v), -1);
}

static void
test_dates(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *iso;
	} cases[] = {
		{"2026-11-27", 1, "2026-11-27T00:00:00Z"},
		{"2024-02-29", 1, "2024-02-29T00:00:00Z"},
		{"2023-02-29", 0, NULL},
		{"2026-13-01", 0, NULL},
		{"2026-11-27T23:42:05Z", 1, "2026-11-27T23:42:05Z"},
		{"2026-11-27T23:42", 1, "2026-11-27T23:42:00Z"},
		{"2026-11-27T23:42:05.123Z", 1, "2026-11-27T23:42:05Z"},
		{"2026-11-27x", 0, NULL},
		{"27.11.2026", 0, NULL},
		{"", 0, NULL},
	};
	size_t i;
	time_t t, u;
	char iso[21];

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		int r = fl_time_parse(cases[i].in, &t);
		assert_int_equal(r == 0, cases[i].ok);
		if (cases[i].ok) {
			fl_time_iso(t, iso);
			assert_string_equal(iso, cases[i].iso);
		}
	}
	assert_int_equal(fl_time_parse("2026-01-01", &t), 0);
	assert_int_equal(fl_time_parse("2026-12-31T23:59:59Z", &u), 0);
	assert_int_equal(fl_days_between(t, u), 364);
	assert_int_equal(fl_days_between(u, t), -364);
}

static void
test_err_exit(void **state)
{
	(void)state;
	assert_int_equal(fl_err_exit(FL_OK), 0);
	assert_int_equal(fl_err_exit(FL_E_SYNTAX), 65);
	assert_int_equal(fl_err_exit(FL_E_NOINPUT), 66);
	assert_int_equal(fl_err_exit(FL_E_INTERNAL), 70);
	assert_int_equal(fl_err_exit(FL_E_DB), 74);
}

/* One UTF-8 encoder for the JSON, EVTX and scanner readers: every length,
 * and a lone surrogate as EVTX carries it along. */
static void
test_utf8_put(void **state)
{
	static const struct {
		unsigned long cp;
		const char *want;
	} cases[] = {
		{0x41, "A"},
		{0x7F, "\x7F"},
		{0x80, "\xC2\x80"},
		{0xE9, "\xC3\xA9"},
		{0x7FF, "\xDF\xBF"},
		{0x800, "\xE0\xA0\x80"},
		{0x20AC, "\xE2\x82\xAC"},
		{0xD800, "\xED\xA0\x80"},
		{0xFFFF, "\xEF\xBF\xBF"},
		{0x10000, "\xF0\x90\x80\x80"},
		{0x1F600, "\xF0\x9F\x98\x80"},
		{0x10FFFF, "\xF4\x8F\xBF\xBF"},
	};
	char out[4];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = fl_utf8_put(cases[i].cp, out);
		assert_int_equal(n, strlen(cases[i].want));
		assert_memory_equal(out, cases[i].want, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_utf8_put),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_err_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
