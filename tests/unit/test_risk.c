/*
 * test_risk: the rules of the risk register (core/risk.c) as tables of
 * cases — the policy parser and its errors with positions, levels at the
 * grid's corners and edges, residual checks, escalation decisions, review
 * dates and acceptance expiry on and around their boundary days — and the
 * store's escalation and acceptance sweep on a temporary database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char small3[] =
	"# a 3x3 policy\n"
	"likelihood 1 low\nlikelihood 2 mid\nlikelihood 3 high\n"
	"impact 1 minor\nimpact 2 major\nimpact 3 critical\n"
	"level green\nlevel amber\nlevel red\n"
	"row 3: amber red red\n"
	"row 2: green amber red\n"
	"row 1: green green amber\n"
	"review red 30\nreview amber 90\nreview green 365\n"
	"escalate red\n";

static void
parse_ok(const char *text, struct fl_risk_matrix *m)
{
	struct fl_diag d;

	fl_diag_clear(&d);
	if (fl_risk_matrix_parse(text, strlen(text), "t.conf", m, &d) != FL_OK)
		fail_msg("parse failed: %s:%lu:%lu: %s", d.file, d.line, d.col,
			 d.msg);
}

static void
default_matrix(struct fl_risk_matrix *m)
{
	const char *t = fl_data_text("risk-matrix.conf");

	assert_non_null(t);
	parse_ok(t, m);
}

/* ---- the shipped policy ----------------------------------------------- */

static void
test_default_policy(void **state)
{
	struct fl_risk_matrix m;

	(void)state;
	default_matrix(&m);
	assert_int_equal(m.nlik, 5);
	assert_int_equal(m.nimp, 5);
	assert_int_equal(m.nlevels, 4);
	assert_string_equal(m.level[0], "low");
	assert_string_equal(m.level[3], "high");
	assert_string_equal(m.lik[4], "almost-certain");
	assert_string_equal(m.imp[0], "negligible");
	assert_string_equal(m.level[m.escalate], "significant");
	assert_int_equal(fl_risk_review_days(&m, 3), 90);
	assert_int_equal(fl_risk_review_days(&m, 2), 180);
	assert_int_equal(fl_risk_review_days(&m, 1), 365);
	assert_int_equal(fl_risk_review_days(&m, 0), 730);
	assert_int_equal(fl_risk_review_days(&m, 4), -1);
	assert_int_equal(fl_risk_review_days(&m, -1), -1);
}

static void
test_levels(void **state)
{
	static const struct {
		int l, i;
		const char *want; /* NULL: outside */
	} cases[] = {
		/* the four corners */
		{1, 1, "low"}, {1, 5, "significant"},
		{5, 1, "medium"}, {5, 5, "high"},
		/* edges and the middle */
		{3, 3, "significant"}, {2, 3, "medium"}, {3, 1, "low"},
		{4, 4, "high"}, {2, 5, "significant"}, {1, 4, "medium"},
		{4, 2, "medium"}, {5, 2, "significant"},
		/* just outside each side */
		{0, 1, NULL}, {1, 0, NULL}, {6, 1, NULL}, {1, 6, NULL},
		{0, 0, NULL}, {6, 6, NULL}, {-1, 3, NULL}, {3, 100, NULL},
	};
	struct fl_risk_matrix m;
	size_t k;

	(void)state;
	default_matrix(&m);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		int lv = fl_risk_level(&m, cases[k].l, cases[k].i);
		const char *got = fl_risk_level_name(&m, lv);
		if (cases[k].want == NULL) {
			if (lv != -1)
				fail_msg("(%d,%d): expected outside, got %d",
					 cases[k].l, cases[k].i, lv);
		} else if (got == NULL || strcmp(got, cases[k].want) != 0) {
			fail_msg("(%d,%d): expected %s, got %s", cases[k].l,
				 cases[k].i, cases[k].want, got ? got : "NULL");
		}
	}
}

static void
test_small_matrix(void **state)
{
	static const struct {
		int l, i;
		const char *want;
	} cases[] = {
		{1, 1, "green"}, {3, 3, "red"}, {1, 3, "amber"}, {3, 1, "amber"},
		{2, 2, "amber"}, {2, 3, "red"}, {4, 1, NULL}, {1, 4, NULL},
	};
	struct fl_risk_matrix m;
	size_t k;

	(void)state;
	parse_ok(small3, &m);
	assert_int_equal(m.nlik, 3);
	assert_int_equal(m.nimp, 3);
	assert_string_equal(m.level[m.escalate], "red");
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		const char *got = fl_risk_level_name(
			&m, fl_risk_level(&m, cases[k].l, cases[k].i));
		if (cases[k].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[k].want);
	}
	/* CRLF line ends and trailing comments are fine */
	{
		char crlf[2048];
		size_t i, o = 0;
		for (i = 0; small3[i] && o + 3 < sizeof crlf; i++) {
			if (small3[i] == '\n') {
				crlf[o++] = ' ';
				crlf[o++] = '#';
				crlf[o++] = '\r';
			}
			crlf[o++] = small3[i];
		}
		crlf[o] = '\0';
		parse_ok(crlf, &m);
		assert_int_equal(fl_risk_level(&m, 3, 3), 2);
	}
}

/* ---- malformed policies ------------------------------------------------ */

#define HEAD2 \
	"likelihood 1 lo\nlikelihood 2 hi\nimpact 1 small\nimpact 2 big\n" \
	"level low\nlevel high\n"
#define TAIL2 "review low 365\nreview high 90\nescalate high\n"

static void
test_bad_policies(void **state)
{
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *msg; /* substring of the reason */
	} cases[] = {
		/* a complete, valid file for reference is HEAD2 rows TAIL2 */
		{"bogus 1 x\n", 1, 1, "unknown keyword 'bogus'"},
		{"  likelihood 2 x\n", 1, 14, "out of order"},
		{"likelihood 1 a\nlikelihood 2 a\n", 2, 14, "used twice"},
		{"likelihood one a\n", 1, 12, "expected likelihood"},
		{"likelihood 11 a\n", 1, 12, "out of range"},
		{"likelihood 1\n", 1, 13, "incomplete line"},
		{"likelihood 1 a b\n", 1, 16, "unexpected 'b'"},
		{"likelihood 1 a/b\n", 1, 15, "may only hold"},
		{"level x\nlevel X\n", 2, 7, "declared twice"},
		{"level aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1, 7,
		 "longer than"},
		{HEAD2 "row 2: low medium\n", 7, 12, "unknown level 'medium'"},
		{HEAD2 "row 2: low\n", 7, 11, "has 1 levels"},
		{HEAD2 "row 2: low high high\n", 7, 17, "more than the 2"},
		{HEAD2 "row 2 low high\n", 7, 5, "expected 'likelihood:'"},
		{HEAD2 "row 3: low high\n", 7, 5, "out of range"},
		{HEAD2 "row 2: low high\nrow 2: low high\n", 8, 5, "twice"},
		{HEAD2 "row: low\n", 7, 1, "unknown keyword 'row:'"},
		{"row 1: low\n", 1, 1, "before the likelihood"},
		{HEAD2 "row 2: low high\nrow 1: low low\nlevel x\n", 9, 1,
		 "declare the scales"},
		{HEAD2 "row 2: low high\n" TAIL2, 1, 12, "likelihood 1 (lo) has no"},
		{HEAD2 "row 2: low high\nrow 1: low low\nreview high 90\n"
		       "escalate high\n", 5, 7, "level 'low' has no 'review"},
		{HEAD2 "row 2: low high\nrow 1: low low\nreview low 0\n", 9, 12,
		 "out of range"},
		{HEAD2 "row 2: low high\nrow 1: low low\nreview low soon\n", 9, 12,
		 "expected days"},
		{HEAD2 "row 2: low high\nrow 1: low low\nreview low 9\n"
		       "review low 9\n", 10, 8, "given twice"},
		{HEAD2 "row 2: low high\nrow 1: low low\nreview low 365\n"
		       "review high 90\n", 10, 1, "no 'escalate LEVEL'"},
		{HEAD2 "row 2: low high\nrow 1: low low\nescalate top\n", 9, 10,
		 "unknown level 'top'"},
		{HEAD2 "row 2: low high\nrow 1: low low\n" TAIL2 "escalate low\n",
		 12, 1, "twice"},
		{"", 1, 1, "no likelihood scale"},
		{"# only a comment\n\n", 2, 1, "no likelihood scale"},
		{"likelihood 1 a\n", 1, 1, "no impact scale"},
		{"likelihood 1 a\nimpact 1 b\n", 2, 1, "no levels"},
	};
	struct fl_risk_matrix m;
	struct fl_diag d;
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		fl_err rc;

		fl_diag_clear(&d);
		rc = fl_risk_matrix_parse(cases[k].text, strlen(cases[k].text),
					  "bad.conf", &m, &d);
		if (rc != FL_E_SYNTAX || d.line != cases[k].line ||
		    d.col != cases[k].col || strstr(d.msg, cases[k].msg) == NULL ||
		    strcmp(d.file, "bad.conf") != 0)
			fail_msg("case %zu: got rc %d %s:%lu:%lu: %s; expected "
				 "%lu:%lu '%s'", k, (int)rc, d.file, d.line, d.col,
				 d.msg, cases[k].line, cases[k].col, cases[k].msg);
		assert_int_equal(m.nlik, 0); /* zeroed on error */
	}
	/* the reference file of the table parses */
	parse_ok(HEAD2 "row 2: low high\nrow 1: low low\n" TAIL2, &m);
}

static void
test_bad_bytes(void **state)
{
	static const char nul[] = "likelihood 1 a\0b\n";
	char *big;
	struct fl_risk_matrix m;
	struct fl_diag d;

	(void)state;
	fl_diag_clear(&d);
	assert_int_equal(fl_risk_matrix_parse(nul, sizeof nul - 1, "n.conf", &m,
					      &d), FL_E_SYNTAX);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, 15);
	assert_non_null(strstr(d.msg, "NUL"));
	big = malloc(FL_RISK_TEXT_MAX + 2);
	assert_non_null(big);
	memset(big, '#', FL_RISK_TEXT_MAX + 1);
	big[FL_RISK_TEXT_MAX + 1] = '\0';
	assert_int_equal(fl_risk_matrix_parse(big, FL_RISK_TEXT_MAX + 1, "b.conf",
					      &m, &d), FL_E_LIMIT);
	/* exactly at the limit is only a (long) comment: no scale */
	assert_int_equal(fl_risk_matrix_parse(big, FL_RISK_TEXT_MAX, "b.conf",
					      &m, &d), FL_E_SYNTAX);
	free(big);
	/* the length is authoritative: text past it is never read */
	parse_ok(small3, &m);
	assert_int_equal(fl_risk_matrix_parse(small3, 20, "s.conf", &m, &d),
			 FL_E_SYNTAX);
}

/* ---- ordering ------------------------------------------------------------ */

static void
test_level_order(void **state)
{
	static const struct {
		const char *a, *b;
		int want; /* sign */
	} cases[] = {
		{"low", "high", -1}, {"high", "low", 1}, {"high", "high", 0},
		{"significant", "medium", 1}, {"medium", "significant", -1},
		{"HIGH", "high", 0}, {NULL, "low", -1}, {"low", NULL, 1},
		{NULL, NULL, 0}, {"bogus", "low", -1}, {"bogus", NULL, 0},
	};
	struct fl_risk_matrix m;
	size_t k;

	(void)state;
	default_matrix(&m);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		int got = fl_risk_level_cmp(&m, cases[k].a, cases[k].b);
		got = (got > 0) - (got < 0);
		if (got != cases[k].want)
			fail_msg("cmp(%s, %s) = %d, expected %d",
				 cases[k].a ? cases[k].a : "NULL",
				 cases[k].b ? cases[k].b : "NULL", got,
				 cases[k].want);
	}
	assert_int_equal(fl_risk_level_find(&m, "Significant"), 2);
	assert_int_equal(fl_risk_level_find(&m, "signif"), -1);
	assert_int_equal(fl_risk_escalates(&m, 0), 0);
	assert_int_equal(fl_risk_escalates(&m, 1), 0);
	assert_int_equal(fl_risk_escalates(&m, 2), 1);
	assert_int_equal(fl_risk_escalates(&m, 3), 1);
	assert_int_equal(fl_risk_escalates(&m, 4), 0);
	assert_int_equal(fl_risk_escalates(&m, -1), 0);
}

/* ---- residual ------------------------------------------------------------ */

static void
test_residual(void **state)
{
	static const struct {
		int il, ii, rl, ri;
		fl_err want;
		const char *msg;
	} cases[] = {
		{4, 4, 4, 4, FL_OK, NULL},         /* equal: controls did nothing */
		{4, 4, 2, 3, FL_OK, NULL},
		{5, 5, 1, 1, FL_OK, NULL},         /* corner to corner */
		{1, 1, 1, 1, FL_OK, NULL},
		{4, 4, 5, 4, FL_E_INVAL, "likelihood 5 exceeds"},
		{4, 4, 4, 5, FL_E_INVAL, "impact 5 exceeds"},
		/* lower level but a higher impact: still refused */
		{5, 2, 1, 3, FL_E_INVAL, "impact 3 exceeds"},
		{3, 3, 0, 3, FL_E_INVAL, "outside"},
		{3, 3, 3, 6, FL_E_INVAL, "outside"},
		{6, 3, 3, 3, FL_E_INVAL, "inherent likelihood 6"},
	};
	struct fl_risk_matrix m;
	struct fl_diag d;
	size_t k;

	(void)state;
	default_matrix(&m);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		fl_err rc;

		fl_diag_clear(&d);
		rc = fl_risk_check_residual(&m, cases[k].il, cases[k].ii,
					    cases[k].rl, cases[k].ri, &d);
		if (rc != cases[k].want ||
		    (cases[k].msg && strstr(d.msg, cases[k].msg) == NULL))
			fail_msg("case %zu: rc %d '%s'", k, (int)rc, d.msg);
	}
	/* a non-monotonic matrix: lower on both axes, higher level */
	{
		static const char odd[] =
			"likelihood 1 a\nlikelihood 2 b\nimpact 1 x\nimpact 2 y\n"
			"level lo\nlevel hi\nrow 2: hi lo\nrow 1: hi lo\n"
			"review lo 10\nreview hi 5\nescalate hi\n";
		parse_ok(odd, &m);
		assert_int_equal(fl_risk_check_residual(&m, 2, 2, 2, 1, &d),
				 FL_E_INVAL);
		assert_non_null(strstr(d.msg, "level hi exceeds"));
		assert_int_equal(fl_risk_check_residual(&m, 2, 1, 1, 1, &d),
				 FL_OK);
	}
	/* a NULL diag is allowed */
	default_matrix(&m);
	assert_int_equal(fl_risk_check_residual(&m, 1, 1, 2, 2, NULL),
			 FL_E_INVAL);
}

/* ---- escalation ---------------------------------------------------------- */

static void
test_escalation(void **state)
{
	enum { NONE = -1, LOW, MED, SIG, HIGH };
	static const struct {
		int old, new_, reported, want;
		const char *why;
	} cases[] = {
		{NONE, LOW, 0, 0, "new, below the escalation level"},
		{NONE, MED, 0, 0, "new medium"},
		{NONE, SIG, 0, 1, "new at the escalation level"},
		{NONE, HIGH, 0, 1, "new high"},
		{NONE, SIG, 1, 0, "new but already open for the ISO"},
		{LOW, SIG, 0, 1, "rise into the escalation level"},
		{MED, HIGH, 0, 1, "rise into high"},
		{SIG, HIGH, 0, 1, "increase between escalating levels"},
		{SIG, HIGH, 1, 1, "increase even with an open escalation"},
		{HIGH, SIG, 0, 0, "decrease between escalating levels"},
		{HIGH, SIG, 1, 0, "decrease, open escalation"},
		{HIGH, LOW, 0, 0, "decrease out of escalation"},
		{SIG, MED, 0, 0, "decrease below"},
		{SIG, SIG, 1, 0, "equal, still open"},
		{SIG, SIG, 0, 1, "equal, acknowledged: reported again"},
		{HIGH, HIGH, 1, 0, "equal high, open"},
		{MED, MED, 0, 0, "equal below"},
		{LOW, MED, 0, 0, "rise below the escalation level"},
		{LOW, LOW, 0, 0, "equal low"},
		{NONE, 4, 0, 0, "an unknown level never escalates"},
	};
	struct fl_risk_matrix m;
	size_t k;

	(void)state;
	default_matrix(&m);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		int got = fl_risk_needs_escalation(&m, cases[k].old,
						   cases[k].new_,
						   cases[k].reported);
		if (got != cases[k].want)
			fail_msg("%s: got %d", cases[k].why, got);
	}
}

/* ---- dates ------------------------------------------------------------- */

static void
test_next_review(void **state)
{
	static const struct {
		const char *last;
		int level;
		fl_err rc;
		const char *want;
	} cases[] = {
		{"2026-01-01", 3, FL_OK, "2026-04-01"},  /* high, 90 days */
		{"2026-01-01", 2, FL_OK, "2026-06-30"},  /* significant, 180 */
		{"2026-01-01", 1, FL_OK, "2027-01-01"},  /* medium, 365 */
		{"2026-01-01", 0, FL_OK, "2028-01-01"},  /* low, 730 */
		{"2028-02-01", 1, FL_OK, "2029-01-31"},  /* over a 29 February */
		{"2026-12-15", 3, FL_OK, "2027-03-15"},  /* over the year end */
		{"2026-01-01T23:59:59Z", 3, FL_OK, "2026-04-01"},
		{"2026-02-30", 3, FL_E_INVAL, ""},
		{"soon", 3, FL_E_INVAL, ""},
		{NULL, 3, FL_E_INVAL, ""},
		{"2026-01-01", 4, FL_E_INVAL, ""},
		{"2026-01-01", -1, FL_E_INVAL, ""},
	};
	struct fl_risk_matrix m;
	char out[11];
	size_t k;

	(void)state;
	default_matrix(&m);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		fl_err rc = fl_risk_next_review(&m, cases[k].last,
						cases[k].level, out);
		if (rc != cases[k].rc || strcmp(out, cases[k].want) != 0)
			fail_msg("case %zu: rc %d '%s', expected '%s'", k,
				 (int)rc, out, cases[k].want);
	}
}

static void
test_overdue_and_expiry(void **state)
{
	static const struct {
		const char *date, *today;
		int overdue, expired;
	} cases[] = {
		{"2026-10-01", "2026-09-30", 0, 0}, /* the day before */
		{"2026-10-01", "2026-10-01", 0, 0}, /* the day itself */
		{"2026-10-01", "2026-10-02", 1, 1}, /* the day after */
		{"2026-10-01", "2027-10-01", 1, 1},
		{"2026-12-31", "2027-01-01", 1, 1}, /* over the year end */
		{"2028-02-29", "2028-02-29", 0, 0}, /* a leap day */
		{"2028-02-29", "2028-03-01", 1, 1},
		{"2026-10-01", "2026-10-01T23:59:59Z", 0, 0},
		{NULL, "2026-10-01", 0, 1},  /* undated: never due, expired */
		{"garbage", "2026-10-01", 0, 1},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		int o = fl_risk_review_overdue(cases[k].date, cases[k].today);
		int e = fl_risk_acceptance_expired(cases[k].date, cases[k].today);
		if (o != cases[k].overdue || e != cases[k].expired)
			fail_msg("case %zu (%s on %s): overdue %d expired %d", k,
				 cases[k].date ? cases[k].date : "NULL",
				 cases[k].today, o, e);
	}
	assert_int_equal(fl_risk_days_between("2026-10-01", "2026-10-31"), 30);
	assert_int_equal(fl_risk_days_between("2026-10-31", "2026-10-01"), -30);
	assert_int_equal(fl_risk_days_between("x", "2026-10-01"), 0);
}

/* ---- the store: escalation and the acceptance sweep ----------------------- */

static char dbpath[64];

static void
sql(const char *stmt)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	if (sqlite3_exec(db, stmt, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", stmt, err ? err : "?");
	sqlite3_close(db);
}

static fl_err
count_row(void *ctx, const struct fl_row *row)
{
	(void)row;
	(*(long *)ctx)++;
	return FL_OK;
}

static long
open_escalations(struct fl_store *st)
{
	struct fl_diag d;
	long n = 0;

	assert_int_equal(fl_store_risk_escalations(st, NULL, 0, count_row, &n,
						   &d), FL_OK);
	return n;
}

static void
test_store_flow(void **state)
{
	struct fl_risk_matrix m;
	struct fl_risk_outcome o;
	struct fl_risk_new r;
	struct fl_risk_treatment t;
	struct fl_store *st;
	struct fl_diag d;
	char ref[16];
	long swept = 0;

	(void)state;
	snprintf(dbpath, sizeof dbpath, "/tmp/fl-risk-%d.db", (int)getpid());
	unlink(dbpath);
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	fl_store_close(st);
	sql("INSERT INTO person (email, name, role, created_at) VALUES"
	    " ('iso@x', 'Iso', 'iso', 'now'), ('bob@x', 'Bob', 'staff', 'now')");
	assert_int_equal(fl_store_open(dbpath, 0, &st, &d), FL_OK);
	fl_store_set_actor(st, "tester");
	default_matrix(&m);

	memset(&r, 0, sizeof r);
	r.title = "laptop theft";
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_store_risk_create(st, &r, ref, &d), FL_OK);
	assert_string_equal(ref, "R-0001");
	assert_int_equal(fl_store_risk_create(st, &r, ref, &d), FL_OK);
	assert_string_equal(ref, "R-0002");
	/* first inherent at high: escalated */
	assert_int_equal(fl_store_risk_assess(st, &m, "R-0001", 0, 4, 4,
					      "2026-01-10", &o, &d), FL_OK);
	assert_string_equal(o.level, "high");
	assert_string_equal(o.next_review, "2026-04-10");
	assert_int_equal(o.nesc, 1);
	assert_string_equal(o.esc_reason[0], "new inherent level high");
	/* same level again while the escalation is open: nothing new */
	assert_int_equal(fl_store_risk_assess(st, &m, "r-1", 0, 4, 5,
					      "2026-01-10", &o, &d), FL_OK);
	assert_int_equal(o.nesc, 0);
	/* residual above inherent refused */
	assert_int_equal(fl_store_risk_assess(st, &m, "1", 1, 5, 5,
					      "2026-01-10", &o, &d), FL_E_INVAL);
	/* residual medium: no escalation; current level medium */
	assert_int_equal(fl_store_risk_assess(st, &m, "R-0001", 1, 2, 3,
					      "2026-01-10", &o, &d), FL_OK);
	assert_int_equal(o.nesc, 0);
	assert_string_equal(o.current, "medium");
	assert_string_equal(o.next_review, "2027-01-10");
	/* inherent may not drop below the residual */
	assert_int_equal(fl_store_risk_assess(st, &m, "R-0001", 0, 1, 1,
					      "2026-01-10", &o, &d), FL_E_INVAL);
	/* residual rises to significant: escalated with the old level */
	assert_int_equal(fl_store_risk_assess(st, &m, "R-0001", 1, 3, 3,
					      "2026-01-10", &o, &d), FL_OK);
	assert_int_equal(o.nesc, 1);
	assert_string_equal(o.esc_reason[0],
			    "new residual level significant (was medium)");
	assert_int_equal(open_escalations(st), 2);
	/* acknowledgement needs the role */
	assert_int_equal(fl_store_risk_ack(st, 1, "bob@x", &d), FL_E_INVAL);
	assert_int_equal(fl_store_risk_ack(st, 1, "Iso", &d), FL_OK);
	assert_int_equal(fl_store_risk_ack(st, 1, "Iso", &d), FL_E_INVAL);
	assert_int_equal(open_escalations(st), 1);

	/* acceptance: staff refused, expiry must be after today */
	memset(&t, 0, sizeof t);
	t.kind = FL_TREAT_ACCEPT;
	t.approver = "bob@x";
	t.justification = "cheap laptops";
	t.expires = "2026-03-01";
	assert_int_equal(fl_store_risk_treat(st, "R-0001", &t, "2026-01-10", &d),
			 FL_E_INVAL);
	assert_non_null(strstr(d.msg, "must hold the iso or citso role"));
	t.approver = "iso@x";
	t.expires = "2026-01-10";
	assert_int_equal(fl_store_risk_treat(st, "R-0001", &t, "2026-01-10", &d),
			 FL_E_INVAL);
	t.expires = "2026-01-11";
	assert_int_equal(fl_store_risk_treat(st, "R-0002", &t, "2026-01-10", &d),
			 FL_E_INVAL); /* not assessed */
	assert_int_equal(fl_store_risk_treat(st, "R-0001", &t, "2026-01-10", &d),
			 FL_OK);
	/* the expiry day itself: still accepted; the day after: reopened */
	assert_int_equal(fl_store_risk_sweep(st, "2026-01-11", count_row, &swept),
			 FL_OK);
	assert_int_equal(swept, 0);
	assert_int_equal(fl_store_risk_sweep(st, "2026-01-12", count_row, &swept),
			 FL_OK);
	assert_int_equal(swept, 1);
	assert_int_equal(fl_store_risk_sweep(st, "2026-01-13", count_row, &swept),
			 FL_OK);
	assert_int_equal(swept, 1);
	assert_int_equal(fl_store_commit(st), FL_OK);
	fl_store_close(st);
	unlink(dbpath);
	{
		char p[80];
		snprintf(p, sizeof p, "%s-wal", dbpath);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", dbpath);
		unlink(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_small_matrix),
		cmocka_unit_test(test_bad_policies),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_level_order),
		cmocka_unit_test(test_residual),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_next_review),
		cmocka_unit_test(test_overdue_and_expiry),
		cmocka_unit_test(test_store_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
