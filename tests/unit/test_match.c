/*
 * test_match: what the compiled matcher says, table by table.  Each case is
 * a rule's detection, an event (one JSON object) and whether the rule
 * matches it: every modifier of Sigma 2.1 and their combinations, the
 * spec's escaping, null/empty/missing fields, keywords, numbers, booleans,
 * condition forms, meta filters, and the logsource mapping (channels, event
 * ids, Security 4688 field renames).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "detect/logsource.h"
#include "detect/match.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

/* How many events of json (JSON lines) the rules of yaml match (hits). */
static long
run(const char *yaml, const char *json, const struct fl_sigma_vars *vars,
    const char *mapping, long *refused)
{
	struct fl_sigma_set *s = fl_sigma_set_new(NULL, vars);
	struct fl_logmap *map;
	struct fl_keys *k;
	struct fl_match *m;
	struct fl_match_ctx *c;
	struct fl_reader *r;
	struct fl_match_hit hits[16];
	struct fl_event ev;
	struct fl_diag d;
	struct fl_sigma_stats st;
	long n = 0;

	assert_non_null(s);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", yaml, strlen(yaml)),
			 FL_OK);
	assert_int_equal(fl_sigma_set_resolve(s), FL_OK);
	fl_sigma_set_stats(s, &st);
	*refused = (long)st.refused;
	if (mapping)
		assert_int_equal(fl_logmap_parse("m.yml", mapping,
						 strlen(mapping), &map, &d),
				 FL_OK);
	else
		assert_int_equal(fl_logmap_default(&map, &d), FL_OK);
	assert_int_equal(fl_keys_new(0, &k), FL_OK);
	assert_int_equal(fl_match_new(s, map, k, NULL, &m, &d), FL_OK);
	assert_int_equal(fl_match_ctx_new(m, &c), FL_OK);
	assert_int_equal(fl_reader_open_mem(FL_FMT_JSON, json, strlen(json),
					    "t.json", k, NULL, &r, &d), FL_OK);
	while (fl_reader_next(r, &ev, &d) == FL_READ_OK)
		n += (long)fl_match_event(m, c, &ev,
					  fl_match_family(m, FL_FMT_JSON, &ev),
					  hits, NELEM(hits));
	fl_reader_close(r);
	fl_match_ctx_free(c);
	fl_match_free(m);
	fl_keys_free(k);
	fl_logmap_free(map);
	fl_sigma_set_free(s);
	return n;
}

struct mcase {
	const char *det;   /* detection body, indented by 4 */
	const char *event; /* one JSON object */
	int want;          /* 1 match, 0 no match */
};

static void
run_cases(const struct mcase *cs, size_t n, const struct fl_sigma_vars *v)
{
	char yaml[4096];
	size_t i;

	for (i = 0; i < n; i++) {
		long refused, got;

		snprintf(yaml, sizeof yaml,
			 "title: t\nid: 11111111-1111-1111-1111-111111111111\n"
			 "logsource:\n    product: windows\n    category: test\n"
			 "detection:\n%s\nlevel: low\n", cs[i].det);
		got = run(yaml, cs[i].event, v, NULL, &refused);
		if (refused)
			BAD("case %zu refused:\n%s", i, cs[i].det);
		else if (got != cs[i].want)
			BAD("case %zu: got %ld want %d\n%s\nevent %s", i, got,
			    cs[i].want, cs[i].det, cs[i].event);
	}
}

#define SEL(x) "    sel:\n        " x "\n    condition: sel"

static void
test_strings(void **state)
{
	static const struct mcase cs[] = {
		/* equality ignores ASCII case; not a substring */
		{SEL("Image: 'C:\\Windows\\cmd.exe'"), "{\"Image\":\"c:\\\\windows\\\\CMD.EXE\"}", 1},
		{SEL("Image: 'cmd.exe'"), "{\"Image\":\"c:\\\\cmd.exe\"}", 0},
		{SEL("Image|cased: 'CMD.exe'"), "{\"Image\":\"cmd.exe\"}", 0},
		{SEL("Image|cased: 'CMD.exe'"), "{\"Image\":\"CMD.exe\"}", 1},
		{SEL("Image|contains: 'WINDOWS'"), "{\"Image\":\"c:\\\\windows\\\\x\"}", 1},
		{SEL("Image|contains|cased: 'WINDOWS'"), "{\"Image\":\"c:\\\\windows\\\\x\"}", 0},
		{SEL("Image|startswith: 'c:\\'"), "{\"Image\":\"C:\\\\x\"}", 1},
		{SEL("Image|startswith: 'd:\\'"), "{\"Image\":\"C:\\\\x\"}", 0},
		{SEL("Image|endswith: '\\x.EXE'"), "{\"Image\":\"C:\\\\X.exe\"}", 1},
		{SEL("Image|endswith: '\\y.exe'"), "{\"Image\":\"C:\\\\x.exe\"}", 0},
		/* lists are OR'ed; |all AND's them */
		{SEL("Image|endswith: ['\\a.exe', '\\x.exe']"), "{\"Image\":\"C:\\\\x.exe\"}", 1},
		{SEL("CommandLine|contains|all: ['-nop', '-enc']"), "{\"CommandLine\":\"ps -nop -w h -enc AA\"}", 1},
		{SEL("CommandLine|contains|all: ['-nop', '-enc']"), "{\"CommandLine\":\"ps -nop\"}", 0},
		/* wildcards: * any run, ? one character (UTF-8 aware) */
		{SEL("Image: '*\\cmd.exe'"), "{\"Image\":\"C:\\\\w\\\\cmd.exe\"}", 1},
		/* \\* is a literal star: a backslash before a wildcard is
		 * written \\\\ */
		{SEL("Image: 'c:\\*\\cmd.exe'"), "{\"Image\":\"C:\\\\a\\\\b\\\\cmd.exe\"}", 0},
		{SEL("Image: 'c:\\\\*\\cmd.exe'"), "{\"Image\":\"C:\\\\a\\\\b\\\\cmd.exe\"}", 1},
		{SEL("Image: 'c:\\\\*\\cmd.exe'"), "{\"Image\":\"D:\\\\a\\\\cmd.exe\"}", 0},
		{SEL("User: 'a?c'"), "{\"User\":\"abc\"}", 1},
		{SEL("User: 'a?c'"), "{\"User\":\"a\\u00e9c\"}", 1},
		{SEL("User: 'a?c'"), "{\"User\":\"abbc\"}", 0},
		{SEL("User|contains: 'a*c'"), "{\"User\":\"xxabbbcxx\"}", 1},
		{SEL("User|startswith: 'a*c'"), "{\"User\":\"xabc\"}", 0},
		{SEL("User|endswith: 'a*c'"), "{\"User\":\"xabxc\"}", 1},
		{SEL("User: '*a*a*b'"), "{\"User\":\"aaab\"}", 1},
		{SEL("User: '*a*a*b'"), "{\"User\":\"ab\"}", 0},
		/* escaping: \\* and \\? are the characters, \\\\ one backslash */
		{SEL("User: 'a\\*b'"), "{\"User\":\"a*b\"}", 1},
		{SEL("User: 'a\\*b'"), "{\"User\":\"axb\"}", 0},
		{SEL("User: 'a\\?b'"), "{\"User\":\"axb\"}", 0},
		{SEL("User: 'a\\?b'"), "{\"User\":\"a?b\"}", 1},
		{SEL("Path: 'c:\\\\*'"), "{\"Path\":\"c:\\\\temp\"}", 1},
		{SEL("Path: 'c:\\\\\\*'"), "{\"Path\":\"c:\\\\*\"}", 1},
		{SEL("Path: 'c:\\\\\\*'"), "{\"Path\":\"c:\\\\x\"}", 0},
		{SEL("Path: 'a\\b'"), "{\"Path\":\"a\\\\b\"}", 1},
		/* several values of one field: any of them */
		{SEL("ip: '10.0.0.2'"), "{\"ip\":[\"10.0.0.1\",\"10.0.0.2\"]}", 1},
		/* a missing field matches nothing */
		{SEL("Missing|contains: 'a'"), "{\"Image\":\"a\"}", 0},
		{SEL("Image|neq: 'a.exe'"), "{\"Image\":\"b.exe\"}", 1},
		{SEL("Image|neq: 'a.exe'"), "{\"Image\":\"A.EXE\"}", 0},
	};

	(void)state;
	run_cases(cs, NELEM(cs), NULL);
}

static void
test_values(void **state)
{
	static const struct mcase cs[] = {
		/* numbers: the text, or the same number */
		{SEL("EventID: 4688"), "{\"EventID\":4688}", 1},
		{SEL("EventID: 4688"), "{\"EventID\":\"4688\"}", 1},
		{SEL("EventID: 4688"), "{\"EventID\":46881}", 0},
		{SEL("EventID: [1, 4688]"), "{\"EventID\":1}", 1},
		{SEL("Enabled: true"), "{\"Enabled\":true}", 1},
		{SEL("Enabled: true"), "{\"Enabled\":\"True\"}", 1},
		{SEL("Enabled: false"), "{\"Enabled\":true}", 0},
		/* null: absent or null (or empty); '' : present and empty */
		{SEL("Desc: null"), "{\"Image\":\"a\"}", 1},
		{SEL("Desc: null"), "{\"Desc\":null}", 1},
		{SEL("Desc: null"), "{\"Desc\":\"x\"}", 0},
		{SEL("Desc: ''"), "{\"Desc\":\"\"}", 1},
		{SEL("Desc: ''"), "{\"Desc\":\"x\"}", 0},
		{SEL("Desc: ''"), "{\"Image\":\"a\"}", 0},
		{SEL("Desc|exists: true"), "{\"Desc\":\"\"}", 1},
		{SEL("Desc|exists: true"), "{\"Image\":\"a\"}", 0},
		{SEL("Desc|exists: false"), "{\"Image\":\"a\"}", 1},
		/* comparisons */
		{SEL("Size|lt: 10"), "{\"Size\":\"9\"}", 1},
		{SEL("Size|lt: 10"), "{\"Size\":10}", 0},
		{SEL("Size|lte: 10"), "{\"Size\":10}", 1},
		{SEL("Size|gt: 10"), "{\"Size\":10.5}", 1},
		{SEL("Size|gte: 10"), "{\"Size\":9}", 0},
		{SEL("Size|gt: 10"), "{\"Size\":\"big\"}", 0},
		/* networks */
		{SEL("ip|cidr: '10.0.0.0/8'"), "{\"ip\":\"10.20.30.40\"}", 1},
		{SEL("ip|cidr: '10.0.0.0/8'"), "{\"ip\":\"11.0.0.1\"}", 0},
		{SEL("ip|cidr: '192.168.1.128/25'"), "{\"ip\":\"192.168.1.200\"}", 1},
		{SEL("ip|cidr: '192.168.1.128/25'"), "{\"ip\":\"192.168.1.100\"}", 0},
		{SEL("ip|cidr: 'fe80::/10'"), "{\"ip\":\"FE80::1\"}", 1},
		{SEL("ip|cidr: 'fe80::/10'"), "{\"ip\":\"10.0.0.1\"}", 0},
		{SEL("ip|cidr: ['10.0.0.0/8', '::1/128']"), "{\"ip\":\"::1\"}", 1},
		/* parts of a timestamp */
		{SEL("UtcTime|hour: 16"), "{\"UtcTime\":\"2016-09-19 16:50:06.123\"}", 1},
		{SEL("UtcTime|minute: 50"), "{\"UtcTime\":\"2016-09-19 16:50:06.123\"}", 1},
		{SEL("UtcTime|day: 19"), "{\"UtcTime\":\"2016-09-19T16:50:06Z\"}", 1},
		{SEL("UtcTime|month: 9"), "{\"UtcTime\":\"2016-09-19T16:50:06Z\"}", 1},
		{SEL("UtcTime|year: 2016"), "{\"UtcTime\":\"2016-09-19T16:50:06Z\"}", 1},
		{SEL("UtcTime|week: 38"), "{\"UtcTime\":\"2016-09-19T16:50:06Z\"}", 1},
		{SEL("UtcTime|week: 53"), "{\"UtcTime\":\"2021-01-03T00:00:00Z\"}", 1},
		{SEL("UtcTime|week: 1"), "{\"UtcTime\":\"2024-12-30T00:00:00Z\"}", 1},
		{SEL("UtcTime|week: 52"), "{\"UtcTime\":\"2023-01-01T00:00:00Z\"}", 1},
		{SEL("UtcTime|year: 2017"), "{\"UtcTime\":\"2016-09-19T16:50:06Z\"}", 0},
		/* field references */
		{SEL("User|fieldref: Target"), "{\"User\":\"Bob\",\"Target\":\"bob\"}", 1},
		{SEL("User|fieldref: Target"), "{\"User\":\"Bob\",\"Target\":\"al\"}", 0},
		{SEL("User|fieldref|contains: Target"), "{\"User\":\"xBobx\",\"Target\":\"bob\"}", 1},
		{SEL("User|fieldref|startswith: Target"), "{\"User\":\"bobby\",\"Target\":\"bob\"}", 1},
		{SEL("User|fieldref|endswith: Target"), "{\"User\":\"bobby\",\"Target\":\"bob\"}", 0},
	};

	(void)state;
	run_cases(cs, NELEM(cs), NULL);
}

static void
test_regex_encodings(void **state)
{
	static const struct mcase cs[] = {
		{SEL("CommandLine|re: 'ab+c'"), "{\"CommandLine\":\"xabbbc\"}", 1},
		{SEL("CommandLine|re: 'ABC'"), "{\"CommandLine\":\"abc\"}", 0},
		{SEL("CommandLine|re|i: 'ABC'"), "{\"CommandLine\":\"abc\"}", 1},
		{SEL("CommandLine|re|m: '^b$'"), "{\"CommandLine\":\"a\\nb\\nc\"}", 1},
		{SEL("CommandLine|re: '^b$'"), "{\"CommandLine\":\"a\\nb\\nc\"}", 0},
		{SEL("CommandLine|re|s: 'a.b'"), "{\"CommandLine\":\"a\\nb\"}", 1},
		{SEL("CommandLine|re: 'a.b'"), "{\"CommandLine\":\"a\\nb\"}", 0},
		/* windash: - / and the three Unicode dashes */
		{SEL("CommandLine|windash|contains: ' -enc '"), "{\"CommandLine\":\"ps /enc AA\"}", 1},
		{SEL("CommandLine|windash|contains: ' -enc '"), "{\"CommandLine\":\"ps \\u2013enc AA\"}", 1},
		{SEL("CommandLine|windash|contains: ' -enc '"), "{\"CommandLine\":\"ps \\u2014enc AA\"}", 1},
		{SEL("CommandLine|windash|contains: ' -enc '"), "{\"CommandLine\":\"ps \\u2015enc AA\"}", 1},
		{SEL("CommandLine|windash|contains: ' -enc '"), "{\"CommandLine\":\"ps +enc AA\"}", 0},
		/* base64 is compared as written (cased) */
		{SEL("Data|base64: 'abc'"), "{\"Data\":\"YWJj\"}", 1},
		{SEL("Data|base64|contains: 'abc'"), "{\"Data\":\"xxYWJjxx\"}", 1},
		{SEL("Data|base64|contains: 'abc'"), "{\"Data\":\"xxywjjxx\"}", 0},
		/* base64offset: the three alignments of "http://" */
		{SEL("Data|base64offset|contains: 'http://'"), "{\"Data\":\"aHR0cDovL2V2aWw=\"}", 1},
		{SEL("Data|base64offset|contains: 'http://'"), "{\"Data\":\"eGh0dHA6Ly9ldmls\"}", 1},
		{SEL("Data|base64offset|contains: 'http://'"), "{\"Data\":\"eHhodHRwOi8vZXZpbA==\"}", 1},
		{SEL("Data|base64offset|contains: 'http://'"), "{\"Data\":\"ZnRwOi8vZXZpbA==\"}", 0},
		/* UTF-16 then base64: "ping" */
		{SEL("Data|wide|base64: 'ping'"), "{\"Data\":\"cABpAG4AZwA=\"}", 1},
		{SEL("Data|utf16le|base64: 'ping'"), "{\"Data\":\"cABpAG4AZwA=\"}", 1},
		{SEL("Data|utf16be|base64: 'ping'"), "{\"Data\":\"AHAAaQBuAGc=\"}", 1},
		{SEL("Data|utf16|base64: 'ping'"), "{\"Data\":\"//5wAGkAbgBnAA==\"}", 1},
		{SEL("Data|wide|base64offset|contains: 'ping'"), "{\"Data\":\"JABwAGkAbgBnAA==\"}", 1},
	};

	(void)state;
	run_cases(cs, NELEM(cs), NULL);
}

static void
test_conditions(void **state)
{
	static const struct mcase cs[] = {
		{"    a:\n        X: 1\n    b:\n        Y: 2\n    condition: a and not b",
		 "{\"X\":1,\"Y\":3}", 1},
		{"    a:\n        X: 1\n    b:\n        Y: 2\n    condition: a and not b",
		 "{\"X\":1,\"Y\":2}", 0},
		{"    sel_a:\n        X: 1\n    sel_b:\n        Y: 2\n    condition: 1 of sel_*",
		 "{\"Y\":2}", 1},
		{"    sel_a:\n        X: 1\n    sel_b:\n        Y: 2\n    condition: all of sel_*",
		 "{\"Y\":2}", 0},
		{"    sel_a:\n        X: 1\n    sel_b:\n        Y: 2\n    condition: all of them",
		 "{\"X\":1,\"Y\":2}", 1},
		{"    sel_a:\n        X: 1\n    sel_b:\n        Y: 2\n    condition: not 1 of them",
		 "{\"Z\":1}", 1},
		/* and binds tighter than or */
		{"    a:\n        X: 1\n    b:\n        Y: 1\n    c:\n        Z: 1\n    condition: a or b and c",
		 "{\"X\":1}", 1},
		{"    a:\n        X: 1\n    b:\n        Y: 1\n    c:\n        Z: 1\n    condition: (a or b) and c",
		 "{\"X\":1}", 0},
		/* a map AND's its fields; a list of maps OR's them */
		{"    sel:\n        X: 1\n        Y: 2\n    condition: sel", "{\"X\":1,\"Y\":3}", 0},
		{"    sel:\n        - X: 1\n        - Y: 2\n    condition: sel", "{\"X\":0,\"Y\":2}", 1},
		/* keywords: any value of the event, as a substring */
		{"    keywords:\n        - 'mimikatz'\n    condition: keywords",
		 "{\"A\":\"x\",\"B\":\"run MIMIKATZ now\"}", 1},
		{"    keywords:\n        - 'mimikatz'\n    condition: keywords",
		 "{\"A\":\"x\"}", 0},
		{"    keywords:\n        '|all':\n            - 'a1'\n            - 'b2'\n    condition: keywords",
		 "{\"A\":\"a1\",\"B\":\"b2\"}", 1},
		{"    keywords:\n        '|all':\n            - 'a1'\n            - 'b2'\n    condition: keywords",
		 "{\"A\":\"a1\"}", 0},
		/* a list of conditions is OR'ed */
		{"    a:\n        X: 1\n    b:\n        Y: 1\n    condition:\n        - a\n        - b",
		 "{\"Y\":1}", 1},
	};

	(void)state;
	run_cases(cs, NELEM(cs), NULL);
}

static void
test_placeholders(void **state)
{
	static const struct mcase cs[] = {
		{SEL("User|expand: '%Admins%'"), "{\"User\":\"adm_bob\"}", 1},
		{SEL("User|expand: '%Admins%'"), "{\"User\":\"root\"}", 1},
		{SEL("User|expand: '%Admins%'"), "{\"User\":\"bob\"}", 0},
	};
	struct fl_sigma_vars *v = fl_sigma_vars_new();

	(void)state;
	assert_non_null(v);
	assert_int_equal(fl_sigma_vars_add(v, "Admins", "adm_*"), FL_OK);
	assert_int_equal(fl_sigma_vars_add(v, "Admins", "root"), FL_OK);
	run_cases(cs, NELEM(cs), v);
	fl_sigma_vars_free(v);
}

/* Meta filters drop the matches of the rules they name. */
static void
test_filters(void **state)
{
	static const char rules[] =
	    "title: Whoami\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
	    "logsource:\n    category: process_creation\n    product: windows\n"
	    "detection:\n    sel:\n        Image|endswith: '\\whoami.exe'\n"
	    "    condition: sel\nlevel: low\n"
	    "---\n"
	    "title: Admins are fine\n"
	    "logsource:\n    category: process_creation\n    product: windows\n"
	    "filter:\n    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
	    "    selection:\n        User|startswith: 'adm_'\n"
	    "    condition: selection\n";
	static const char ev[] =
	    "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
	    "\"Image\":\"C:\\\\w\\\\whoami.exe\",\"User\":\"adm_x\"}\n"
	    "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
	    "\"Image\":\"C:\\\\w\\\\whoami.exe\",\"User\":\"bob\"}\n";
	long refused;

	(void)state;
	assert_int_equal(run(rules, ev, NULL, NULL, &refused), 1);
	assert_int_equal(refused, 0);
}

/* The logsource decides which events a rule is tried on. */
static void
test_logsources(void **state)
{
	static const char rule[] =
	    "title: Whoami\n"
	    "logsource:\n    category: process_creation\n    product: windows\n"
	    "detection:\n    sel:\n        Image|endswith: '\\whoami.exe'\n"
	    "    condition: sel\nlevel: low\n";
	static const struct {
		const char *ev;
		long want;
	} cs[] = {
		/* Sysmon 1 in the Sysmon channel */
		{"{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
		 "\"Image\":\"C:\\\\whoami.exe\"}", 1},
		/* the channel compares without case */
		{"{\"Channel\":\"microsoft-windows-sysmon/operational\",\"EventID\":\"1\","
		 "\"Image\":\"C:\\\\whoami.exe\"}", 1},
		/* another event id of the same channel */
		{"{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":11,"
		 "\"Image\":\"C:\\\\whoami.exe\"}", 0},
		/* Security 4688, where Image is NewProcessName */
		{"{\"Channel\":\"Security\",\"EventID\":4688,"
		 "\"NewProcessName\":\"C:\\\\whoami.exe\"}", 1},
		{"{\"Channel\":\"Security\",\"EventID\":4688,"
		 "\"Image\":\"C:\\\\whoami.exe\"}", 0},
		/* the right id in another channel */
		{"{\"Channel\":\"System\",\"EventID\":1,"
		 "\"Image\":\"C:\\\\whoami.exe\"}", 0},
	};
	static const char svc_rule[] =
	    "title: Svc\n"
	    "logsource:\n    product: windows\n    service: security\n"
	    "detection:\n    sel:\n        EventID: 4625\n"
	    "    condition: sel\nlevel: low\n";
	static const char unknown_rule[] =
	    "title: Unmapped\n"
	    "logsource:\n    product: windows\n    service: no-such-service\n"
	    "detection:\n    sel:\n        EventID: 4625\n"
	    "    condition: sel\nlevel: low\n";
	static const char linux_rule[] =
	    "title: Linux\n"
	    "logsource:\n    product: linux\n"
	    "detection:\n    sel:\n        EventID: 4625\n"
	    "    condition: sel\nlevel: low\n";
	size_t i;
	long refused;

	(void)state;
	for (i = 0; i < NELEM(cs); i++) {
		long got = run(rule, cs[i].ev, NULL, NULL, &refused);

		if (got != cs[i].want)
			BAD("logsource case %zu: got %ld want %ld", i, got,
			    cs[i].want);
	}
	assert_int_equal(run(svc_rule, "{\"Channel\":\"Security\",\"EventID\":4625}",
			     NULL, NULL, &refused), 1);
	assert_int_equal(run(svc_rule, "{\"Channel\":\"System\",\"EventID\":4625}",
			     NULL, NULL, &refused), 0);
	/* a service the mapping does not know: every Windows event */
	assert_int_equal(run(unknown_rule, "{\"Channel\":\"System\",\"EventID\":4625}",
			     NULL, NULL, &refused), 1);
	/* a rule of no product (web, database logs) is not tried on
	 * Windows events, only on events of no known family */
	assert_int_equal(run("title: Db\nlogsource:\n    category: database\n"
			     "detection:\n    keywords:\n        - dump\n"
			     "    condition: keywords\nlevel: low\n",
			     "{\"Channel\":\"System\",\"EventID\":1,\"R\":\"dump\"}\n"
			     "{\"query\":\"mysqldump all\"}\n", NULL, NULL,
			     &refused), 1);
	/* but one whose logsource maps to Windows events is: SigmaHQ's
	 * antivirus rules name no product; Signature is Defender's Threat
	 * Name (a name with a space) */
	assert_int_equal(run("title: Av\nlogsource:\n    category: antivirus\n"
			     "detection:\n    sel:\n        Signature|contains: mimikatz\n"
			     "    condition: sel\nlevel: high\n",
			     "{\"Channel\":\"Microsoft-Windows-Windows Defender/Operational\","
			     "\"EventID\":1116,\"Threat Name\":\"HackTool:Win32/Mimikatz\"}\n",
			     NULL, NULL, &refused), 1);
	/* a Linux rule is not tried on Windows events */
	assert_int_equal(run(linux_rule, "{\"Channel\":\"System\",\"EventID\":4625}",
			     NULL, NULL, &refused), 0);
	/* a mapping of our own */
	assert_int_equal(run(svc_rule, "{\"Channel\":\"Sec2\",\"EventID\":4625}",
			     NULL, "logsources:\n  s: {service: security, "
			     "sources: ['WinEventLog:Sec2']}\n", &refused), 1);
}

static void
test_bad_mapping(void **state)
{
	static const struct {
		const char *text;
		unsigned long line;
	} cs[] = {
		{"nothing: here\n", 1},
		{"logsources:\n  a: [1, 2]\n", 2},
		{"logsources:\n  a:\n    conditions: [1]\n", 3},
		{"logsources:\n  a:\n    fieldmappings: x\n", 3},
		{"logsources: {a: {conditions: {EventID: {x: 1}}}}\n", 1},
		/* invalid YAML: libfyaml's position and reason */
		{"logsources: [1, 2\n", 2},
		/* invalid UTF-8 in a directive line (libfyaml would loop) */
		{"%\xc3']\n", 1},
		{"logsources:\n  a: {service: \"x\xff\"}\n", 2},
	};
	struct fl_logmap *m;
	struct fl_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cs); i++) {
		fl_diag_clear(&d);
		if (fl_logmap_parse("m.yml", cs[i].text, strlen(cs[i].text), &m,
				    &d) == FL_OK) {
			fl_logmap_free(m);
			BAD("mapping case %zu accepted", i);
		} else if (d.line != cs[i].line ||
			   strcmp(d.file, "m.yml") != 0) {
			BAD("mapping case %zu: %s:%lu: %s", i, d.file, d.line,
			    d.msg);
		}
	}
	assert_int_equal(fl_logmap_default(&m, &d), FL_OK);
	assert_true(fl_logmap_entries(m) > 80);
	fl_logmap_free(m);
}

/* A rule for Security events, its logsource naming no event id. */
static long
run_security(const char *det, const char *json)
{
	char yaml[2048];
	long refused, n;

	snprintf(yaml, sizeof yaml,
		 "title: t\nlogsource:\n    product: windows\n"
		 "    service: security\ndetection:\n%s\nlevel: low\n", det);
	n = run(yaml, json, NULL, NULL, &refused);
	assert_int_equal(refused, 0);
	return n;
}

#define SEC(id, more) "{\"Channel\":\"Security\",\"EventID\":" id more "}\n"

/* The index files a rule under the event ids its detection allows when
 * its logsource names none: what it matches must not change. */
static void
test_detection_event_ids(void **state)
{
	static const char one[] =
	    "    sel:\n        EventID: 4663\n        X: a\n    condition: sel";
	static const char two[] =
	    "    sel:\n        EventID:\n            - 4663\n            - 4656\n"
	    "        X: a\n    condition: sel";
	static const char either[] =
	    "    a:\n        EventID: 4663\n    b:\n        X: b\n"
	    "    condition: a or b";
	static const char notid[] =
	    "    a:\n        EventID: 4663\n    condition: not a";
	static const char andnot[] =
	    "    a:\n        EventID: 4663\n    b:\n        X: b\n"
	    "    condition: a and not b";
	static const char text[] =
	    "    sel:\n        EventID: '4663'\n    condition: sel";
	static const char many[] =
	    "    sel:\n        EventID|lt: 5000\n    condition: sel";

	(void)state;
	assert_int_equal(run_security(one, SEC("4663", ",\"X\":\"a\"")), 1);
	assert_int_equal(run_security(one, SEC("4664", ",\"X\":\"a\"")), 0);
	/* a number compares as a number, whatever its spelling */
	assert_int_equal(run_security(one, SEC("\"04663\"", ",\"X\":\"a\"")), 1);
	assert_int_equal(run_security(one, SEC("\"4663.0\"", ",\"X\":\"a\"")), 1);
	assert_int_equal(run_security(one, SEC("\"4663x\"", ",\"X\":\"a\"")), 0);
	assert_int_equal(run_security(two, SEC("4656", ",\"X\":\"a\"")), 1);
	assert_int_equal(run_security(two, SEC("4663", ",\"X\":\"a\"")), 1);
	assert_int_equal(run_security(two, SEC("4657", ",\"X\":\"a\"")), 0);
	/* a branch without an id bounds nothing */
	assert_int_equal(run_security(either, SEC("1", ",\"X\":\"b\"")), 1);
	assert_int_equal(run_security(either, SEC("4663", "")), 1);
	assert_int_equal(run_security(notid, SEC("1", "")), 1);
	assert_int_equal(run_security(notid, SEC("4663", "")), 0);
	assert_int_equal(run_security(andnot, SEC("4663", ",\"X\":\"c\"")), 1);
	assert_int_equal(run_security(andnot, SEC("4663", ",\"X\":\"b\"")), 0);
	/* a quoted id is text: equal text only */
	assert_int_equal(run_security(text, SEC("4663", "")), 1);
	assert_int_equal(run_security(text, SEC("\"04663\"", "")), 0);
	assert_int_equal(run_security(many, SEC("4624", "")), 1);
	assert_int_equal(run_security(many, SEC("5156", "")), 0);
	/* several events: each in its own slot */
	assert_int_equal(run_security(two, SEC("4656", ",\"X\":\"a\"")
					   SEC("4663", ",\"X\":\"a\"")
					   SEC("4624", ",\"X\":\"a\"")
					   SEC("4663", ",\"X\":\"z\"")), 2);
}

/* Keyword literals are scanned over every value joined by a separator:
 * a literal must not match across two values. */
static void
test_keyword_join(void **state)
{
	static const struct mcase cs[] = {
		{"    keywords:\n        - 'foobar'\n    condition: keywords",
		 "{\"A\":\"foo\",\"B\":\"bar\"}", 0},
		{"    keywords:\n        - 'foobar'\n    condition: keywords",
		 "{\"A\":\"foo\",\"B\":\"xfoobarx\"}", 1},
		/* the separator is a byte no keyword holds: UTF-16 of U+00FF
		 * holds 0xff, so "a\0" and "\0" joined by 0xff would be
		 * 61 00 ff 00, the literal */
		{"    keywords:\n        '|utf16le':\n            - \"a\\xff\"\n    condition: keywords",
		 "{\"A\":\"a\\u0000\",\"B\":\"\\u0000\"}", 0},
		{"    keywords:\n        - 'zz'\n    condition: keywords",
		 "{\"A\":\"z\",\"B\":\"z\"}", 0},
		{"    keywords:\n        - 'zz'\n    condition: keywords",
		 "{\"A\":\"z\",\"B\":\"azzb\"}", 1},
		/* with a field condition beside */
		{"    keywords:\n        - 'ab'\n    sel:\n        A: 'a'\n"
		 "    condition: keywords and sel",
		 "{\"A\":\"a\",\"B\":\"b\"}", 0},
	};

	(void)state;
	run_cases(cs, NELEM(cs), NULL);
}

/* Values seen before are not scanned again: what their scan found is
 * replayed, with the same outcome as a scan. */
static void
test_recall(void **state)
{
	static const char rule[] =
	    "    sel:\n        CommandLine|contains:\n"
	    "            - 'a1'\n            - 'b2'\n            - 'c3'\n"
	    "            - 'd4'\n            - 'e5'\n            - 'f6'\n"
	    "            - 'g7'\n            - 'h8'\n"
	    "    f:\n        CommandLine|contains|all:\n"
	    "            - 'a1'\n            - 'b2'\n            - 'c3'\n"
	    "            - 'd4'\n            - 'e5'\n            - 'f6'\n"
	    "            - 'g7'\n            - 'h8'\n"
	    "    condition: sel and not f";
	/* seven of eight literals: more than the recall keeps */
	static const char seven[] =
	    "{\"CommandLine\":\"a1 b2 c3 d4 e5 f6 g7\"}\n";
	static const char eight[] =
	    "{\"CommandLine\":\"a1 b2 c3 d4 e5 f6 g7 h8\"}\n";
	static const char one[] = "{\"CommandLine\":\"x c3 x\"}\n";
	static const char none[] = "{\"CommandLine\":\"nothing\"}\n";
	char json[4096], yaml[2048];
	size_t used = 0;
	long refused;
	int i;

	(void)state;
	snprintf(yaml, sizeof yaml,
		 "title: t\nlogsource:\n    product: windows\n"
		 "    category: test\ndetection:\n%s\nlevel: low\n", rule);
	for (i = 0; i < 3; i++)
		used += (size_t)snprintf(json + used, sizeof json - used,
					 "%s%s%s%s", seven, eight, one, none);
	assert_true(used < sizeof json);
	/* seven and one match, eight is filtered, none misses: each time */
	assert_int_equal(run(yaml, json, NULL, NULL, &refused), 6);
	assert_int_equal(refused, 0);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_teardown(test_strings, no_bad_cases),
		cmocka_unit_test_teardown(test_values, no_bad_cases),
		cmocka_unit_test_teardown(test_regex_encodings, no_bad_cases),
		cmocka_unit_test_teardown(test_conditions, no_bad_cases),
		cmocka_unit_test_teardown(test_placeholders, no_bad_cases),
		cmocka_unit_test_teardown(test_filters, no_bad_cases),
		cmocka_unit_test_teardown(test_logsources, no_bad_cases),
		cmocka_unit_test_teardown(test_bad_mapping, no_bad_cases),
		cmocka_unit_test(test_detection_event_ids),
		cmocka_unit_test_teardown(test_keyword_join, no_bad_cases),
		cmocka_unit_test(test_recall),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
