/*
 * test_match_regression: SigmaHQ's own regression data.  Every rule of
 * $FL_CORPUS/sigma/rules* that names a `regression_tests_path` is compiled
 * (all of them in one matcher, with the shipped logsource mapping) and run
 * over its test events, in both renderings SigmaHQ ships: the evtx_dump
 * JSON (FL_FMT_JSON) and, when this build reads EVTX, the .evtx itself.
 * The rule must fire at least once, or exactly match_count times when the
 * info.yml gives it.  Every miss is printed with the rule and the reason
 * seen; the test fails when any rule misses.
 * Skipped ("skipped: no corpus") when the corpus is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/logsource.h"
#include "detect/match.h"

static char corpus[2048];

static int
have_corpus(void)
{
	const char *c = getenv("FL_CORPUS");
	struct stat sb;

	if (c == NULL || *c == '\0' || stat(c, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return 0;
	fl_strlcpy(corpus, c, sizeof corpus);
	return 1;
}

struct rtest {
	char *rule_file;
	char *data;        /* the test file without extension */
	long match_count;  /* -1: at least one */
};

static struct rtest tests[512];

/*
 * Tests whose match_count disagrees with what the events say.  Each of
 * these files holds more than one event that satisfies the rule as written
 * (checked by hand: the values are quoted in docs/detection.md, "SigmaHQ
 * regression data"), in the EVTX and in the JSON alike; upstream's count
 * of 1 comes from its checker, not from the rule.  Our count is asserted.
 */
static const struct {
	const char *rule; /* file name */
	long hits;
} upstream_count[] = {
	{"file_event_win_anydesk_artefact.yml", 3},
	{"file_event_win_cred_dump_tools_dropped_files.yml", 3},
	{"registry_set_disable_administrative_share.yml", 2},
	{"registry_set_change_security_zones.yml", 3},
};

/* The count to expect: upstream's, or ours where upstream's is wrong. */
static long
expected(const struct rtest *t, int *known)
{
	const char *base = strrchr(t->rule_file, '/');
	size_t i;

	base = base ? base + 1 : t->rule_file;
	*known = 0;
	for (i = 0; i < sizeof upstream_count / sizeof upstream_count[0]; i++)
		if (strcmp(base, upstream_count[i].rule) == 0) {
			*known = 1;
			return upstream_count[i].hits;
		}
	return t->match_count;
}
static size_t ntests;

/* The value of "key: value" on an uncommented line, into out. */
static int
yaml_line(const char *text, const char *key, char *out, size_t outsz)
{
	const char *p = text;
	size_t kl = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		const char *ls = p;

		while (ls > text && ls[-1] != '\n')
			ls--;
		while (ls < p && (*ls == ' ' || *ls == '-'))
			ls++;
		if (ls == p && p[kl] == ':') {
			const char *v = p + kl + 1, *e;

			while (*v == ' ')
				v++;
			e = v;
			while (*e && *e != '\n' && *e != '\r' && *e != ' ' &&
			       *e != '#')
				e++;
			if ((size_t)(e - v) >= outsz)
				return -1;
			memcpy(out, v, (size_t)(e - v));
			out[e - v] = '\0';
			return 0;
		}
		p += kl;
	}
	return -1;
}

static int
collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	struct fl_buf b, ib;
	struct fl_diag d;
	char rel[1024], info[4096], ev[1024], mc[32];
	long n;

	(void)sb;
	(void)ftw;
	if (type != FTW_F || strlen(path) < 5 ||
	    strcmp(path + strlen(path) - 4, ".yml") != 0)
		return 0;
	fl_buf_init(&b, (size_t)1 << 20);
	if (fl_buf_read_file(&b, path, &d) != FL_OK ||
	    yaml_line(b.data, "regression_tests_path", rel, sizeof rel) != 0) {
		fl_buf_release(&b);
		return 0;
	}
	fl_buf_release(&b);
	snprintf(info, sizeof info, "%s/sigma/%s", corpus, rel);
	fl_buf_init(&ib, (size_t)1 << 20);
	if (fl_buf_read_file(&ib, info, &d) != FL_OK ||
	    yaml_line(ib.data, "path", ev, sizeof ev) != 0 ||
	    ntests == sizeof tests / sizeof tests[0]) {
		fl_buf_release(&ib);
		return 0;
	}
	tests[ntests].match_count = -1;
	if (yaml_line(ib.data, "match_count", mc, sizeof mc) == 0 &&
	    fl_parse_long(mc, 0, 1000000, &n) == 0)
		tests[ntests].match_count = n;
	fl_buf_release(&ib);
	if (strlen(ev) > 5)
		ev[strlen(ev) - 5] = '\0'; /* drop ".evtx" */
	tests[ntests].rule_file = fl_strdup(path);
	snprintf(info, sizeof info, "%s/sigma/%s", corpus, ev);
	tests[ntests].data = fl_strdup(info);
	ntests++;
	return 0;
}

/* Hits of the rule loaded from rule_file over one input. */
static long
count_hits(const struct fl_match *m, const struct fl_keys *k,
	   const char *path, enum fl_format fmt, const char *rule_file,
	   long *events, long *bad, char *why, size_t whysz)
{
	struct fl_match_hit hits[256];
	struct fl_match_ctx *c;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	long n = 0;
	int fd = open(path, O_RDONLY);

	*events = *bad = 0;
	if (fd < 0) {
		snprintf(why, whysz, "cannot open %s", path);
		return -1;
	}
	assert_int_equal(fl_match_ctx_new(m, &c), FL_OK);
	assert_int_equal(fl_reader_open_fd(fmt, fd, path, k, NULL, &r, &d),
			 FL_OK);
	for (;;) {
		enum fl_read rr = fl_reader_next(r, &ev, &d);
		size_t nh, i;

		if (rr == FL_READ_END || rr == FL_READ_FATAL)
			break;
		if (rr == FL_READ_BAD) {
			(*bad)++;
			snprintf(why, whysz, "bad record %s:%lu:%lu: %s",
				 d.file, d.line, d.col, d.msg);
			continue;
		}
		(*events)++;
		nh = fl_match_event(m, c, &ev, fl_match_family(m, fmt, &ev),
				    hits, 256);
		for (i = 0; i < nh; i++)
			if (strcmp(hits[i].rule->file, rule_file) == 0)
				n++;
	}
	fl_reader_close(r);
	fl_match_ctx_free(c);
	close(fd);
	return n;
}

static void
regression(void **state)
{
	static const char *const dirs[] = {"rules", "rules-emerging-threats",
					   "rules-threat-hunting"};
	struct fl_sigma_set *s;
	struct fl_logmap *map;
	struct fl_keys *k;
	struct fl_match *m;
	struct fl_diag d;
	struct fl_match_stats ms;
	size_t i, miss = 0, pass = 0, evtx_pass = 0, evtx_tried = 0;
	char p[4096];

	(void)state;
	if (!have_corpus()) {
		print_message("skipped: no corpus\n");
		skip();
	}
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/sigma/%s", corpus, dirs[i]);
		nftw(p, collect, 16, FTW_PHYS);
	}
	print_message("%zu rules with regression data\n", ntests);
	/* 203 rules name a test; the Cisco one has it commented out (its
	 * test is a raw syslog line, commented out upstream too) */
	assert_int_equal(ntests, 202);
	assert_non_null(s = fl_sigma_set_new(NULL, NULL));
	for (i = 0; i < ntests; i++)
		assert_int_equal(fl_sigma_set_add_path(s, tests[i].rule_file, &d),
				 FL_OK);
	assert_int_equal(fl_sigma_set_resolve(s), FL_OK);
	assert_int_equal(fl_logmap_default(&map, &d), FL_OK);
	assert_int_equal(fl_keys_new(0, &k), FL_OK);
	assert_int_equal(fl_match_new(s, map, k, NULL, &m, &d), FL_OK);
	fl_match_stats(m, &ms);
	assert_int_equal(ms.refused, 0);
	for (i = 0; i < ntests; i++) {
		int known;
		long ev, bad, n, want = expected(&tests[i], &known);
		char why[1024] = "";

		if (known)
			print_message("upstream count %ld, ours %ld (the events "
				      "match): %s\n", tests[i].match_count, want,
				      tests[i].rule_file);
		snprintf(p, sizeof p, "%s.json", tests[i].data);
		n = count_hits(m, k, p, FL_FMT_JSON, tests[i].rule_file, &ev,
			       &bad, why, sizeof why);
		if (n < 0 && access(p, F_OK) != 0) {
			/* no JSON rendering (the .raw Cisco test) */
			continue;
		}
		if ((want < 0 && n >= 1) || n == want) {
			pass++;
		} else {
			miss++;
			print_message("MISS json %s: %ld hits (want %s%ld) over "
				      "%ld events %s\n", tests[i].rule_file, n,
				      want < 0 ? ">=" : "", want < 0 ? 1 : want,
				      ev, why);
		}
		snprintf(p, sizeof p, "%s.evtx", tests[i].data);
		evtx_tried++;
		n = count_hits(m, k, p, FL_FMT_EVTX, tests[i].rule_file, &ev,
			       &bad, why, sizeof why);
		if ((want < 0 && n >= 1) || n == want) {
			evtx_pass++;
		} else {
			miss++;
			print_message("MISS evtx %s: %ld hits (want %s%ld) over "
				      "%ld events %s\n", tests[i].rule_file, n,
				      want < 0 ? ">=" : "", want < 0 ? 1 : want,
				      ev, why);
		}
	}
	print_message("regression: json %zu passed; evtx %zu/%zu passed; %zu "
		      "missed\n", pass, evtx_pass, evtx_tried, miss);
	fl_match_free(m);
	fl_keys_free(k);
	fl_logmap_free(map);
	fl_sigma_set_free(s);
	for (i = 0; i < ntests; i++) {
		free(tests[i].rule_file);
		free(tests[i].data);
	}
	assert_int_equal(miss, 0);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(regression),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
