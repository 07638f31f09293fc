/*
 * test_vuln: the rules of vulnerability remediation (core/vuln.c) and the
 * finding model every scanner reader fills (scan/finding.c), as tables of
 * cases: the priority formula at its thresholds, SLA parsing and
 * deadlines (KEV dates, month and leap-year ends), severity words, CVE
 * extraction, URL locations, and DefectDojo-style grouping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/core.h"
#include "scan/scan.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void
test_priority(void **state)
{
	static const struct {
		double cvss4, cvss3;
		int sev;
		double epss;
		int kev, crit;
		int prio;
		double score;
	} cases[] = {
		/* KEV wins whatever the score */
		{-1, 3.1, FL_SEV_LOW, -1, 1, 1, 1, 2.6},
		{-1, -1, FL_SEV_INFO, -1, 1, 2, 1, 0.0},
		/* thresholds at criticality 2 (no adjustment) */
		{-1, 9.0, FL_SEV_CRITICAL, -1, 0, 2, 1, 9.0},
		{-1, 8.9, FL_SEV_HIGH, -1, 0, 2, 2, 8.9},
		{-1, 7.0, FL_SEV_HIGH, -1, 0, 2, 2, 7.0},
		{-1, 6.9, FL_SEV_MEDIUM, -1, 0, 2, 3, 6.9},
		{-1, 4.0, FL_SEV_MEDIUM, -1, 0, 2, 3, 4.0},
		{-1, 3.9, FL_SEV_LOW, -1, 0, 2, 4, 3.9},
		/* v4 preferred over v3 */
		{9.3, 5.0, FL_SEV_MEDIUM, -1, 0, 2, 1, 9.3},
		/* severity when no CVSS */
		{-1, -1, FL_SEV_CRITICAL, -1, 0, 2, 1, 9.5},
		{-1, -1, FL_SEV_HIGH, -1, 0, 2, 2, 8.0},
		{-1, -1, FL_SEV_MEDIUM, -1, 0, 2, 3, 5.5},
		{-1, -1, FL_SEV_LOW, -1, 0, 2, 4, 2.5},
		{-1, -1, FL_SEV_INFO, 0.9, 0, 4, 0, 2.5},
		/* asset criticality moves by 0.5 per step */
		{-1, 8.0, FL_SEV_HIGH, -1, 0, 4, 1, 9.0},
		{-1, 7.0, FL_SEV_HIGH, -1, 0, 1, 3, 6.5},
		{-1, 7.0, FL_SEV_HIGH, -1, 0, 0, 2, 7.0}, /* unknown: as 2 */
		/* EPSS bands */
		{-1, 7.5, FL_SEV_HIGH, 0.5, 0, 2, 1, 9.0},
		{-1, 7.5, FL_SEV_HIGH, 0.49, 0, 2, 2, 8.5},
		{-1, 6.0, FL_SEV_MEDIUM, 0.1, 0, 2, 2, 7.0},
		{-1, 6.0, FL_SEV_MEDIUM, 0.0999, 0, 2, 3, 6.0},
		{-1, 4.2, FL_SEV_MEDIUM, 0.009, 0, 2, 4, 3.7},
		{-1, 4.2, FL_SEV_MEDIUM, 0.01, 0, 2, 3, 4.2},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct fl_vuln_prio_in in;
		double score = -99;
		int p;

		in.cvss4 = cases[i].cvss4;
		in.cvss3 = cases[i].cvss3;
		in.severity = cases[i].sev;
		in.epss = cases[i].epss;
		in.kev = cases[i].kev;
		in.criticality = cases[i].crit;
		p = fl_vuln_priority(&in, &score);
		if (p != cases[i].prio || score < cases[i].score - 1e-9 ||
		    score > cases[i].score + 1e-9)
			fail_msg("case %zu: P%d score %.3f, want P%d %.3f", i, p,
				 score, cases[i].prio, cases[i].score);
	}
}

static void
test_sla(void **state)
{
	static const struct {
		const char *text;
		int ok;
		int d1, d2, d3, d4;
	} cases[] = {
		{"", 1, 7, 30, 90, 180},
		{"P1=14", 1, 14, 30, 90, 180},
		{" p2 = 45 , P4=365 ", 1, 7, 45, 90, 365},
		{"P1=1,P2=2,P3=3,P4=3650", 1, 1, 2, 3, 3650},
		{"P5=3", 0, 0, 0, 0, 0},
		{"P1=0", 0, 0, 0, 0, 0},
		{"P1=3651", 0, 0, 0, 0, 0},
		{"P1=", 0, 0, 0, 0, 0},
		{"P1 14", 0, 0, 0, 0, 0},
		{"P1=7x", 0, 0, 0, 0, 0},
		{"P1=9999999", 0, 0, 0, 0, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct fl_vuln_sla s;
		char err[128] = "", out[80];
		int rc;

		fl_vuln_sla_default(&s);
		rc = fl_vuln_sla_parse(cases[i].text, &s, err, sizeof(err));
		if ((rc == 0) != cases[i].ok)
			fail_msg("case %zu '%s': rc %d (%s)", i, cases[i].text, rc,
				 err);
		if (!cases[i].ok) {
			assert_true(err[0] != '\0');
			continue;
		}
		assert_int_equal(s.days[1], cases[i].d1);
		assert_int_equal(s.days[2], cases[i].d2);
		assert_int_equal(s.days[3], cases[i].d3);
		assert_int_equal(s.days[4], cases[i].d4);
		fl_vuln_sla_format(&s, out, sizeof(out));
		fl_vuln_sla_default(&s);
		assert_int_equal(fl_vuln_sla_parse(out, &s, err, sizeof(err)), 0);
		assert_int_equal(s.days[4], cases[i].d4);
	}
}

static void
test_due(void **state)
{
	static const struct {
		const char *first;
		int prio;
		const char *kev;
		const char *want; /* NULL: no deadline */
	} cases[] = {
		{"2026-06-01T10:00:00Z", 1, NULL, "2026-06-08"},
		{"2026-06-01", 2, NULL, "2026-07-01"},
		{"2026-12-30T23:59:59Z", 1, NULL, "2027-01-06"},
		{"2028-02-01", 3, NULL, "2028-05-01"}, /* leap year: 29 days in Feb */
		{"2027-02-01", 3, NULL, "2027-05-02"},
		{"2026-06-01", 4, NULL, "2026-11-28"},
		/* a KEV date earlier than the SLA wins; a later one does not */
		{"2026-06-01", 2, "2026-06-10", "2026-06-10"},
		{"2026-06-01", 1, "2026-07-01", "2026-06-08"},
		{"2026-06-01", 1, "2020-09-21", "2020-09-21"},
		{"2026-06-01", 0, NULL, NULL},
		{"not a date", 1, NULL, NULL},
		{"2026-13-01", 1, NULL, NULL},
	};
	struct fl_vuln_sla s;
	size_t i;

	(void)state;
	fl_vuln_sla_default(&s);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char out[11] = "";
		int rc = fl_vuln_due(cases[i].first, cases[i].prio, &s,
				     cases[i].kev, out);

		if (cases[i].want == NULL) {
			if (rc == 0)
				fail_msg("case %zu: got %s, want none", i, out);
			continue;
		}
		if (rc != 0 || strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: got %s (rc %d), want %s", i, out, rc,
				 cases[i].want);
	}
}

static void
test_severity_words(void **state)
{
	static const struct {
		const char *w;
		int sev;
	} cases[] = {
		{"Critical", FL_SEV_CRITICAL}, {"HIGH", FL_SEV_HIGH},
		{" medium ", FL_SEV_MEDIUM}, {"Moderate", FL_SEV_MEDIUM},
		{"low", FL_SEV_LOW}, {"Informational", FL_SEV_INFO},
		{"none", FL_SEV_INFO}, {"error", FL_SEV_HIGH},
		{"warning", FL_SEV_MEDIUM}, {"note", FL_SEV_LOW},
		{"", -1}, {"highest", -1}, {"hig", -1}, {"5", -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++)
		if (fl_sev_parse(cases[i].w, strlen(cases[i].w)) != cases[i].sev)
			fail_msg("'%s'", cases[i].w);
	assert_int_equal(fl_sev_from_cvss(9.0), FL_SEV_CRITICAL);
	assert_int_equal(fl_sev_from_cvss(8.99), FL_SEV_HIGH);
	assert_int_equal(fl_sev_from_cvss(4.0), FL_SEV_MEDIUM);
	assert_int_equal(fl_sev_from_cvss(0.1), FL_SEV_LOW);
	assert_int_equal(fl_sev_from_cvss(0.0), FL_SEV_INFO);
	assert_string_equal(fl_sev_name(FL_SEV_HIGH), "High");
	assert_string_equal(fl_sev_name(42), "Info");
}

static void
test_cves(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* comma-joined */
	} cases[] = {
		{"see CVE-2021-44228 and cve-2021-45046.", "CVE-2021-44228,CVE-2021-45046"},
		{"CVE-2021-44228 CVE-2021-44228", "CVE-2021-44228"},
		{"CVE-2014-0160,CVE-2024-123456", "CVE-2014-0160,CVE-2024-123456"},
		{"CVE-21-1234 CVE-2021-123 XCVE-2021-1234", ""},
		{"GHSA-xxxx CVE-2021", ""},
		{"tail CVE-2023-0001", "CVE-2023-0001"},
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct fl_finding f;
		char got[256] = "";
		size_t off = 0;

		fl_finding_init(&f);
		assert_int_equal(fl_scan_find_cves(&f, cases[i].text,
						   strlen(cases[i].text)), FL_OK);
		for (k = 0; k < f.vuln_ids.n && off < sizeof(got); k++)
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s",
						k ? "," : "", f.vuln_ids.v[k]);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got,
				 cases[i].want);
		fl_finding_reset(&f);
	}
}

static void
test_urls(void **state)
{
	static const struct {
		const char *url;
		const char *host, *proto, *path, *query;
		unsigned port;
	} cases[] = {
		{"https://example.com/a/b?x=1#f", "example.com", "https", "/a/b", "x=1", 443},
		{"http://example.com:8080", "example.com", "http", NULL, NULL, 8080},
		{"http://user@10.0.0.1:81/p", "10.0.0.1", "http", "/p", NULL, 81},
		{"https://[2001:db8::1]:8443/x", "2001:db8::1", "https", "/x", NULL, 8443},
		{"https://[2001:db8::1]/", "2001:db8::1", "https", "/", NULL, 443},
		{"example.com", "example.com", NULL, NULL, NULL, 0},
		{"ftp://h:99999/", "h", "ftp", "/", NULL, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct fl_finding f;
		const struct fl_scan_loc *l;

		fl_finding_init(&f);
		assert_int_equal(fl_finding_add_url(&f, cases[i].url,
						    strlen(cases[i].url)), FL_OK);
		assert_int_equal(f.nlocs, 1);
		l = &f.locs[0];
		assert_string_equal(l->host, cases[i].host);
#define OPT_EQ(a, b) do { if ((b) == NULL) assert_null(a); \
	else assert_string_equal((a), (b)); } while (0)
		OPT_EQ(l->protocol, cases[i].proto);
		OPT_EQ(l->path, cases[i].path);
		OPT_EQ(l->query, cases[i].query);
#undef OPT_EQ
		if (l->port != cases[i].port)
			fail_msg("case %zu: port %u", i, l->port);
		fl_finding_reset(&f);
	}
}

static void
add(struct fl_scan_group *g, const char *key, const char *title,
    const char *host, unsigned port)
{
	struct fl_finding f;

	fl_finding_init(&f);
	assert_int_equal(fl_finding_setz(&f, FL_FF_TITLE, title), FL_OK);
	if (key != NULL)
		assert_int_equal(fl_finding_setz(&f, FL_FF_GROUP_KEY, key), FL_OK);
	assert_int_equal(fl_finding_add_loc(&f, host, port, "tcp", NULL), FL_OK);
	assert_int_equal(fl_scan_group_add(g, &f), FL_OK);
	fl_finding_reset(&f);
}

static void
test_grouping(void **state)
{
	struct fl_scan_group *g = fl_scan_group_new();
	const struct fl_finding *f;
	int i;
	char key[32], host[32];

	(void)state;
	assert_non_null(g);
	add(g, "k1", "one", "h1", 443);
	add(g, "k2", "two", "h1", 80);
	add(g, "k1", "one again", "h2", 443);
	add(g, "k1", "one thrice", "h2", 443); /* same place: not repeated */
	add(g, NULL, "loner", "h3", 22);
	add(g, NULL, "loner", "h3", 22);       /* no key: never merged */
	assert_int_equal(fl_scan_group_count(g), 4);
	f = fl_scan_group_at(g, 0);
	assert_string_equal(f->text[FL_FF_TITLE], "one");
	assert_int_equal(f->nb_occurences, 3);
	assert_int_equal(f->nlocs, 2);
	assert_string_equal(f->locs[1].host, "h2");
	assert_string_equal(fl_scan_group_at(g, 1)->text[FL_FF_TITLE], "two");
	assert_null(fl_scan_group_at(g, 4));
	/* many keys: the index grows and order stays first appearance */
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "m%d", i % 500);
		snprintf(host, sizeof(host), "h%d", i);
		add(g, key, key, host, 1);
	}
	assert_int_equal(fl_scan_group_count(g), 504);
	f = fl_scan_group_at(g, 4 + 499);
	assert_string_equal(f->text[FL_FF_TITLE], "m499");
	assert_int_equal(f->nlocs, 2);
	fl_scan_group_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_sla),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_severity_words),
		cmocka_unit_test(test_cves),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_grouping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
