/*
 * test_event_jsonl: the JSON event reader, by table (input -> every event
 * and bad record it gives, rendered as text; see event_test.h), then the
 * field dictionary, typed values, times and hosts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event_test.h"

struct jcase {
	const char *name;
	const char *in;
	const char *want;
	size_t max_record, max_fields;
	unsigned max_depth;
};

#define EVTX_DUMP \
	"{\n" \
	"  \"Event\": {\n" \
	"    \"#attributes\": {\n" \
	"      \"xmlns\": \"http://schemas.microsoft.com/win/2004/08/events/event\"\n" \
	"    },\n" \
	"    \"System\": {\n" \
	"      \"Provider\": {\n" \
	"        \"#attributes\": {\n" \
	"          \"Name\": \"Microsoft-Windows-Sysmon\",\n" \
	"          \"Guid\": \"5770385F\"\n" \
	"        }\n" \
	"      },\n" \
	"      \"EventID\": 1,\n" \
	"      \"TimeCreated\": {\n" \
	"        \"#attributes\": {\n" \
	"          \"SystemTime\": \"2025-11-27T07:40:10.165324Z\"\n" \
	"        }\n" \
	"      },\n" \
	"      \"EventRecordID\": 571146,\n" \
	"      \"Correlation\": null,\n" \
	"      \"Execution\": {\n" \
	"        \"#attributes\": {\n" \
	"          \"ProcessID\": 3544,\n" \
	"          \"ThreadID\": 4272\n" \
	"        }\n" \
	"      },\n" \
	"      \"Channel\": \"Microsoft-Windows-Sysmon/Operational\",\n" \
	"      \"Computer\": \"swachchhanda\",\n" \
	"      \"Security\": {\n" \
	"        \"#attributes\": {\n" \
	"          \"UserID\": \"S-1-5-18\"\n" \
	"        }\n" \
	"      }\n" \
	"    },\n" \
	"    \"EventData\": {\n" \
	"      \"RuleName\": \"-\",\n" \
	"      \"Image\": \"C:\\\\Windows\\\\System32\\\\cmd.exe\",\n" \
	"      \"CommandLine\": \"cmd /c \\\"whoami\\\"\"\n" \
	"    }\n" \
	"  }\n" \
	"}\n"

static const struct jcase cases[] = {
	{"flat jsonl", "{\"EventID\":4688,\"Channel\":\"Security\",\"Image\":"
	 "\"C:\\\\x.exe\",\"ok\":true,\"no\":false,\"n\":null}\n{\"a\":\"b\"}\n",
	 "E1|EventID=4688|Channel=Security|Image=C:\\x.exe|ok=true|no=false|n=<null>\n"
	 "E2|a=b\n", 0, 0, 0},
	{"otrf time and host", "{\"TimeCreated\":\"2020-10-19 03:30:41.104\","
	 "\"Hostname\":\"WORKSTATION5\",\"EventID\":1102}",
	 "E1 t=1603078241.104000000 h=WORKSTATION5|TimeCreated=2020-10-19 "
	 "03:30:41.104|Hostname=WORKSTATION5|EventID=1102\n", 0, 0, 0},
	{"evtx_dump pretty", EVTX_DUMP,
	 "E1 t=1764229210.165324000 h=swachchhanda"
	 "|Provider_Name=Microsoft-Windows-Sysmon|Provider_Guid=5770385F"
	 "|EventID=1|TimeCreated_SystemTime=2025-11-27T07:40:10.165324Z"
	 "|EventRecordID=571146|Correlation=<null>|Execution_ProcessID=3544"
	 "|Execution_ThreadID=4272|Channel=Microsoft-Windows-Sysmon/Operational"
	 "|Computer=swachchhanda|Security_UserID=S-1-5-18|RuleName=-"
	 "|Image=C:\\Windows\\System32\\cmd.exe|CommandLine=cmd /c \"whoami\"\n", 0, 0, 0},
	{"evtx_dump twice", EVTX_DUMP EVTX_DUMP,
	 "E1 t=1764229210.165324000 h=swachchhanda"
	 "|Provider_Name=Microsoft-Windows-Sysmon|Provider_Guid=5770385F"
	 "|EventID=1|TimeCreated_SystemTime=2025-11-27T07:40:10.165324Z"
	 "|EventRecordID=571146|Correlation=<null>|Execution_ProcessID=3544"
	 "|Execution_ThreadID=4272|Channel=Microsoft-Windows-Sysmon/Operational"
	 "|Computer=swachchhanda|Security_UserID=S-1-5-18|RuleName=-"
	 "|Image=C:\\Windows\\System32\\cmd.exe|CommandLine=cmd /c \"whoami\"\n"
	 "E42 t=1764229210.165324000 h=swachchhanda"
	 "|Provider_Name=Microsoft-Windows-Sysmon|Provider_Guid=5770385F"
	 "|EventID=1|TimeCreated_SystemTime=2025-11-27T07:40:10.165324Z"
	 "|EventRecordID=571146|Correlation=<null>|Execution_ProcessID=3544"
	 "|Execution_ThreadID=4272|Channel=Microsoft-Windows-Sysmon/Operational"
	 "|Computer=swachchhanda|Security_UserID=S-1-5-18|RuleName=-"
	 "|Image=C:\\Windows\\System32\\cmd.exe|CommandLine=cmd /c \"whoami\"\n", 0, 0, 0},
	{"evtx_dump userdata and #text",
	 "{\"Event\":{\"System\":{\"EventID\":{\"#attributes\":{\"Qualifiers\":"
	 "16384},\"#text\":7036},\"Channel\":\"System\"},\"UserData\":{"
	 "\"Operation_ClientFailure\":{\"#attributes\":{\"xmlns\":\"x\"},"
	 "\"ClientProcessId\":25920,\"User\":\"a\\\\b\"}}}}",
	 "E1|EventID_Qualifiers=16384|EventID=7036|Channel=System"
	 "|ClientProcessId=25920|User=a\\b\n", 0, 0, 0},
	{"nested dotted and arrays",
	 "{\"host\":{\"name\":\"h1\",\"ip\":[\"10.0.0.1\",\"::1\"]},"
	 "\"tags\":[],\"o\":{},\"l\":[{\"k\":1},{\"k\":[2,[3]]}]}",
	 "E1 h=h1|host.name=h1|host.ip=10.0.0.1|host.ip=::1|l.k=1|l.k=2|l.k=3\n", 0, 0, 0},
	{"concatenated pretty", "{\n  \"a\": 1\n}\n\n{\n  \"b\": {\"c\": "
	 "[1, 2]}\n}",
	 "E1|a=1\nE5|b.c=1|b.c=2\n", 0, 0, 0},
	{"same line", "{\"a\":1}{\"a\":2} {\"a\":3}\n",
	 "E1|a=1\nE1|a=2\nE1|a=3\n", 0, 0, 0},
	{"crlf and bom", "\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":2}\r\n",
	 "E1|a=1\nE2|b=2\n", 0, 0, 0},
	{"escapes", "{\"s\":\"a\\\"b\\\\c\\/d\\n\\t\\b\\f\\r|\\u00e9\\u20ac"
	 "\\ud83d\\ude00\\u0041\"}",
	 "E1|s=a\"b\\c/d\n\t\b\f\r|\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" "A\n", 0, 0, 0},
	{"escaped key", "{\"a\\u0062\":\"x\",\"\":\"empty key\"}",
	 "E1|ab=x\n", 0, 0, 0},
	{"utf-8 raw", "{\"s\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
	 "E1|s=\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n", 0, 0, 0},
	{"lone high surrogate", "{\"s\":\"\\ud83d\"}\n{\"ok\":1}\n",
	 "B1:7:lone high surrogate in \\u escape\nE2|ok=1\n", 0, 0, 0},
	{"high surrogate then letter", "{\"s\":\"\\ud83dx\"}\n{\"ok\":1}\n",
	 "B1:7:lone high surrogate in \\u escape\nE2|ok=1\n", 0, 0, 0},
	{"lone low surrogate", "{\"s\":\"\\ude00\"}\n{\"ok\":1}\n",
	 "B1:7:lone low surrogate in \\u escape\nE2|ok=1\n", 0, 0, 0},
	{"bad hex", "{\"s\":\"\\u12G4\"}\n{\"ok\":1}\n",
	 "B1:7:invalid \\u escape\nE2|ok=1\n", 0, 0, 0},
	{"bad escape", "{\"s\":\"\\x\"}\n{\"ok\":1}\n",
	 "B1:7:invalid escape in string\nE2|ok=1\n", 0, 0, 0},
	{"invalid utf-8 byte", "{\"s\":\"a\xFF\"}\n{\"ok\":1}\n",
	 "B1:8:invalid UTF-8\nE2|ok=1\n", 0, 0, 0},
	{"overlong utf-8", "{\"s\":\"\xC0\xAF\"}\n{\"ok\":1}\n",
	 "B1:7:invalid UTF-8\nE2|ok=1\n", 0, 0, 0},
	{"utf-8 surrogate", "{\"s\":\"\xED\xA0\x80\"}\n{\"ok\":1}\n",
	 "B1:7:invalid UTF-8\nE2|ok=1\n", 0, 0, 0},
	{"invalid utf-8 after escape", "{\"s\":\"\\n\xFE\"}\n{\"ok\":1}\n",
	 "B1:9:invalid UTF-8\nE2|ok=1\n", 0, 0, 0},
	{"control char", "{\"s\":\"a\tb\"}\n{\"ok\":1}\n",
	 "B1:8:control character in string\nE2|ok=1\n", 0, 0, 0},
	{"truncated at end", "{\"a\":1\n{\"b\":2}\n{\"c\":",
	 "B2:1:expected ',' or '}'\nE2|b=2\nB3:6:unexpected end of input\n", 0, 0, 0},
	{"unterminated string", "{\"a\":\"xyz",
	 "B1:6:unterminated string\n", 0, 0, 0},
	{"not an object", "hello\n[1,2]\n\"s\"\n{\"a\":1}\n",
	 /* one bad record up to the next line that starts with '{' */
	 "B1:1:expected '{' at the start of an event\nE4|a=1\n", 0, 0, 0},
	{"trailing garbage", "{\"a\":1} x\n{\"b\":2}\n",
	 "E1|a=1\nB1:9:expected '{' at the start of an event\nE2|b=2\n", 0, 0, 0},
	{"broken pretty object resyncs", "{\n  \"a\": tru,\n  \"x\": {\n"
	 "    \"y\": 1\n  }\n}\n{\n  \"b\": 1\n}\n",
	 "B2:8:invalid literal\nE7|b=1\n", 0, 0, 0},
	{"numbers", "{\"a\":-1.5e+3,\"b\":0,\"c\":1E9,\"d\":-0.25}\n"
	 "{\"x\":01}\n{\"x\":1.}\n{\"x\":-}\n{\"x\":1e}\n{\"ok\":1}",
	 "E1|a=-1.5e+3|b=0|c=1E9|d=-0.25\nB2:7:expected ',' or '}'\n"
	 "B3:8:invalid number\nB4:7:invalid number\nB5:8:invalid number\n"
	 "E6|ok=1\n", 0, 0, 0},
	{"missing colon", "{\"a\" 1}\n{\"a\":1 \"b\":2}\n{1:2}\n{\"ok\":1}",
	 "B1:6:expected ':'\nB2:8:expected ',' or '}'\n"
	 "B3:2:expected a string key\nE4|ok=1\n", 0, 0, 0},
	{"empty object", "{}\n{ }\n", "E1\nE2\n", 0, 0, 0},
	{"line over the limit", "{\"big\":\"0123456789012345678901234567890"
	 "123456789012345678901234567890123456789\"}\n{\"ok\":1}\n",
	 "B1:1:event longer than 64 bytes: skipped\nE2|ok=1\n", 64, 0, 0},
	{"depth limit", "{\"a\":{\"b\":{\"c\":1}}}\n{\"a\":[[1]]}\n"
	 "{\"a\":{\"b\":1}}\n",
	 "B1:11:nesting deeper than 2\nB2:7:nesting deeper than 2\n"
	 "E3|a.b=1\n", 0, 0, 2},
	{"field limit", "{\"a\":1,\"b\":2,\"c\":3}\n{\"a\":[1,2,3]}\n"
	 "{\"a\":1,\"b\":2}\n",
	 "B1:18:more than 2 fields\nB2:11:more than 2 fields\nE3|a=1|b=2\n",
	 0, 2, 0},
	{"blank only", " \n\r\n\t", "", 0, 0, 0},
	{"empty", "", "", 0, 0, 0},
};

static void
test_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct jcase *c = &cases[i];
		struct fl_reader_opts o;
		struct fl_buf out;

		memset(&o, 0, sizeof o);
		o.max_record = c->max_record;
		o.max_fields = c->max_fields;
		o.max_depth = c->max_depth;
		fl_buf_init(&out, 1 << 20);
		ev_run(FL_FMT_JSON, c->in, strlen(c->in), &o, NULL, &out);
		if (strcmp(fl_buf_str(&out), c->want) != 0)
			print_error("case '%s':\n got: %s\nwant: %s\n", c->name,
				    fl_buf_str(&out), c->want);
		assert_string_equal(fl_buf_str(&out), c->want);
		fl_buf_release(&out);
	}
}

/* A 10 MB line is reported and skipped; the next line is read. */
static void
test_huge_line(void **state)
{
	size_t n = (size_t)10 << 20, i;
	char *in = malloc(n + 32);
	struct fl_buf out;

	(void)state;
	assert_non_null(in);
	memcpy(in, "{\"x\":\"", 6);
	for (i = 6; i < n; i++)
		in[i] = 'a';
	memcpy(in + n, "\"}\n{\"ok\":1}\n", 12);
	fl_buf_init(&out, 1 << 20);
	ev_run(FL_FMT_JSON, in, n + 12, NULL, NULL, &out);
	assert_string_equal(fl_buf_str(&out),
			    "B1:1:event longer than 1048576 bytes: skipped\n"
			    "E2|ok=1\n");
	fl_buf_release(&out);
	free(in);
}

static void
test_types(void **state)
{
	static const char in[] = "{\"s\":\"1\",\"n\":1,\"b\":true,\"z\":null}";
	static const unsigned char want[] = {FL_V_STR, FL_V_NUM, FL_V_BOOL,
					     FL_V_NULL};
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	size_t i;

	(void)state;
	assert_int_equal(fl_reader_open_mem(FL_FMT_JSON, in, sizeof in - 1,
					    "t", NULL, NULL, &r, &d), FL_OK);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	assert_int_equal(ev.nfields, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(ev.fields[i].type, want[i]);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_END);
	fl_reader_close(r);
}

static void
test_keys(void **state)
{
	static const char in[] =
	    "{\"image\":\"a\",\"Image\":\"b\",\"process\":{\"executable\":\"c\"},"
	    "\"x\":[\"1\",\"2\"],\"other\":0}\n{\"y\":1}";
	struct fl_keys *k;
	unsigned image, x, y, again;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	const struct fl_field *f;

	(void)state;
	assert_int_equal(fl_keys_new(1, &k), FL_OK);
	assert_int_equal(fl_keys_add(k, "Image", 5, &image), FL_OK);
	assert_int_equal(fl_keys_add(k, "x", 1, &x), FL_OK);
	assert_int_equal(fl_keys_add(k, "y", 1, &y), FL_OK);
	assert_int_equal(fl_keys_add(k, "IMAGE", 5, &again), FL_OK);
	assert_int_equal(again, image);
	assert_int_equal(fl_keys_count(k), 3);
	assert_int_equal(fl_keys_alias(k, "process.executable", 18, image),
			 FL_OK);
	assert_int_equal(fl_keys_alias(k, "z", 1, 99), FL_E_INVAL);
	assert_int_equal(fl_keys_find(k, "iMaGe", 5), image);
	assert_int_equal(fl_keys_find(k, "nope", 4), FL_KEY_NONE);

	assert_int_equal(fl_reader_open_mem(FL_FMT_JSON, in, sizeof in - 1,
					    "t", k, NULL, &r, &d), FL_OK);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	/* three fields for Image: two spellings and the alias, in order */
	f = fl_event_get(&ev, image);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_memory_equal(f->value.p, "a", 1);
	f = fl_event_next(&ev, f);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_memory_equal(f->value.p, "b", 1);
	f = fl_event_next(&ev, f);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_memory_equal(f->value.p, "c", 1);
	assert_null(fl_event_next(&ev, f));
	f = fl_event_get(&ev, x);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_non_null(fl_event_next(&ev, f));
	assert_null(fl_event_get(&ev, y));
	assert_null(fl_event_get(&ev, FL_KEY_NONE));
	assert_null(fl_event_get(&ev, 1000));
	f = fl_event_find(&ev, "other", 5);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_int_equal(f->key, FL_KEY_NONE);
	/* the next event retires the previous one's slots */
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	assert_null(fl_event_get(&ev, image));
	assert_null(fl_event_get(&ev, x));
	assert_non_null(fl_event_get(&ev, y));
	fl_reader_close(r);
	fl_keys_free(k);
}

struct tcase {
	const char *in;
	int ok;
	long long sec;
	unsigned nsec;
};

static void
test_time(void **state)
{
	static const struct tcase t[] = {
		{"1970-01-01T00:00:00Z", 1, 0, 0},
		{"2020-10-19 03:30:41.104", 1, 1603078241, 104000000},
		{"2025-11-27T07:40:10.165324Z", 1, 1764229210, 165324000},
		{"2024-02-29T12:00:00+02:00", 1, 1709200800, 0},
		{"2024-02-29T12:00:00-0130", 1, 1709213400, 0},
		{"2000-03-01T00:00:00.5", 1, 951868800, 500000000},
		{"2023-02-29T00:00:00Z", 0, 0, 0},
		{"2023-13-01T00:00:00Z", 0, 0, 0},
		{"2023-01-01T24:00:00Z", 0, 0, 0},
		{"2023-01-01T00:00:00.Z", 0, 0, 0},
		{"2023-01-01T00:00:00Zx", 0, 0, 0},
		{"2023-01-01", 0, 0, 0},
		{"Dec 10 06:55:46", 0, 0, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t s = 0;
		uint32_t ns = 0;
		int rc = fl_event_parse_time(t[i].in, strlen(t[i].in), &s, &ns);

		assert_int_equal(rc == 0, t[i].ok);
		if (t[i].ok) {
			assert_int_equal(s, t[i].sec);
			assert_int_equal(ns, t[i].nsec);
		}
	}
}

static void
test_stats(void **state)
{
	static const char in[] = "{\"a\":1}\nxx\n{\"a\":2}\n";
	struct fl_reader *r;
	struct fl_reader_stats st;
	struct fl_buf out;

	(void)state;
	fl_buf_init(&out, 1 << 16);
	assert_int_equal(fl_reader_open_mem(FL_FMT_JSON, in, sizeof in - 1,
					    "t", NULL, NULL, &r, NULL), FL_OK);
	assert_int_equal(ev_drain(r, &out), 3);
	fl_reader_stats(r, &st);
	assert_int_equal(st.events, 2);
	assert_int_equal(st.bad, 1);
	assert_int_equal(st.bytes, sizeof in - 1);
	assert_int_equal(st.lines, 3);
	fl_reader_close(r);
	fl_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
