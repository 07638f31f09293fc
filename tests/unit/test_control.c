/*
 * test_control: the effectiveness table of core/control.c row by row, the
 * stale, expiry and overdue boundaries, and the store's implementation,
 * evidence and test functions against a seeded SQLite file with "now"
 * pinned by $FIRSTLINE_NOW.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"

/* ---- core: the effectiveness table ---------------------------------- */

#define E FL_TR_EFFECTIVE
#define P FL_TR_PARTIAL
#define I FL_TR_INEFFECTIVE
#define N FL_TR_NONE

static void
test_effect_table(void **state)
{
	static const struct {
		int na;
		enum fl_test_result design, operating;
		enum fl_effect want;
	} cases[] = {
		/* every design x operating combination */
		{0, N, N, FL_EFF_NOT_TESTED},
		{0, N, E, FL_EFF_OPERATING_ONLY},
		{0, N, P, FL_EFF_PARTIAL},
		{0, N, I, FL_EFF_INEFFECTIVE},
		{0, E, N, FL_EFF_DESIGN_ONLY},
		{0, E, E, FL_EFF_EFFECTIVE},
		{0, E, P, FL_EFF_PARTIAL},
		{0, E, I, FL_EFF_INEFFECTIVE},
		{0, P, N, FL_EFF_PARTIAL},
		{0, P, E, FL_EFF_PARTIAL},
		{0, P, P, FL_EFF_PARTIAL},
		{0, P, I, FL_EFF_INEFFECTIVE},
		{0, I, N, FL_EFF_INEFFECTIVE},
		{0, I, E, FL_EFF_INEFFECTIVE},
		{0, I, P, FL_EFF_INEFFECTIVE},
		{0, I, I, FL_EFF_INEFFECTIVE},
		/* not-applicable wins over any test */
		{1, N, N, FL_EFF_NOT_APPLICABLE},
		{1, E, E, FL_EFF_NOT_APPLICABLE},
		{1, I, I, FL_EFF_NOT_APPLICABLE},
		{1, P, N, FL_EFF_NOT_APPLICABLE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fl_effect_in in;
		struct fl_effect_out out;

		memset(&in, 0, sizeof in);
		in.not_applicable = cases[i].na;
		in.design = cases[i].design;
		in.operating = cases[i].operating;
		fl_control_effect(&in, &out);
		if (out.state != cases[i].want)
			fail_msg("case %zu: got %s, want %s", i,
				 fl_effect_name(out.state),
				 fl_effect_name(cases[i].want));
		assert_int_equal(out.design_stale, 0);
		assert_int_equal(out.operating_stale, 0);
	}
}

static void
test_stale_boundaries(void **state)
{
	static const struct {
		int age, max_age, stale;
	} cases[] = {
		{0, 0, 0},
		{364, 0, 0},
		{365, 0, 0}, /* exactly a year old: still current */
		{366, 0, 1},
		{-3, 0, 0},  /* dated in the future */
		{365, -1, 0},
		{366, -1, 1},
		{90, 90, 0},
		{91, 90, 1},
		{1, 1, 0},
		{2, 1, 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		if (fl_test_stale(cases[i].age, cases[i].max_age) != cases[i].stale)
			fail_msg("case %zu: age %d max %d", i, cases[i].age,
				 cases[i].max_age);
}

static void
test_effect_stale(void **state)
{
	static const struct {
		int na;
		enum fl_test_result d, o;
		int dage, oage, max;
		int dstale, ostale;
		enum fl_effect want;
	} cases[] = {
		{0, E, E, 365, 365, 0, 0, 0, FL_EFF_EFFECTIVE},
		{0, E, E, 366, 10, 0, 1, 0, FL_EFF_EFFECTIVE},
		{0, E, E, 10, 366, 0, 0, 1, FL_EFF_EFFECTIVE},
		{0, I, E, 400, 400, 0, 1, 1, FL_EFF_INEFFECTIVE},
		/* an absent test is never stale, whatever its "age" */
		{0, N, N, 9999, 9999, 0, 0, 0, FL_EFF_NOT_TESTED},
		{0, E, N, 100, 9999, 0, 0, 0, FL_EFF_DESIGN_ONLY},
		/* a configured age */
		{0, E, E, 31, 30, 30, 1, 0, FL_EFF_EFFECTIVE},
		/* not-applicable is never stale */
		{1, E, E, 999, 999, 0, 0, 0, FL_EFF_NOT_APPLICABLE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fl_effect_in in;
		struct fl_effect_out out;

		memset(&in, 0, sizeof in);
		in.not_applicable = cases[i].na;
		in.design = cases[i].d;
		in.operating = cases[i].o;
		in.design_age = cases[i].dage;
		in.operating_age = cases[i].oage;
		in.max_age = cases[i].max;
		fl_control_effect(&in, &out);
		if (out.state != cases[i].want ||
		    out.design_stale != cases[i].dstale ||
		    out.operating_stale != cases[i].ostale)
			fail_msg("case %zu: %s %d %d", i, fl_effect_name(out.state),
				 out.design_stale, out.operating_stale);
	}
}

static void
test_evidence_state(void **state)
{
	static const struct {
		int has, left, warn;
		enum fl_evidence_state want;
	} cases[] = {
		{0, -100, -1, FL_EV_CURRENT}, /* no expiry date */
		{1, -1, -1, FL_EV_EXPIRED},   /* expired yesterday */
		{1, -365, -1, FL_EV_EXPIRED},
		{1, 0, -1, FL_EV_EXPIRING},   /* expires today */
		{1, 1, -1, FL_EV_EXPIRING},
		{1, 30, -1, FL_EV_EXPIRING},  /* default window edge */
		{1, 31, -1, FL_EV_CURRENT},
		{1, 0, 0, FL_EV_EXPIRING},
		{1, 1, 0, FL_EV_CURRENT},
		{1, -1, 0, FL_EV_EXPIRED},
		{1, 7, 7, FL_EV_EXPIRING},
		{1, 8, 7, FL_EV_CURRENT},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		if (fl_evidence_state(cases[i].has, cases[i].left, cases[i].warn) !=
		    cases[i].want)
			fail_msg("case %zu", i);
	assert_string_equal(fl_evidence_state_name(FL_EV_CURRENT), "current");
	assert_string_equal(fl_evidence_state_name(FL_EV_EXPIRING), "expiring");
	assert_string_equal(fl_evidence_state_name(FL_EV_EXPIRED), "expired");
}

static void
test_overdue(void **state)
{
	static const struct {
		const char *status;
		int has_due, left, want;
	} cases[] = {
		{"planned", 1, -1, 1},
		{"partial", 1, -1, 1},
		{"planned", 1, 0, 0}, /* due today: not yet overdue */
		{"planned", 1, 5, 0},
		{"implemented", 1, -100, 0},
		{"not-applicable", 1, -100, 0},
		{"planned", 0, -100, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		if (fl_impl_overdue(cases[i].status, cases[i].has_due,
				    cases[i].left) != cases[i].want)
			fail_msg("case %zu", i);
}

static void
test_names(void **state)
{
	static const char *const results[] = {
		"effective", "partially-effective", "ineffective"
	};
	static const char *const bad[] = {
		"", "Effective", "partial", "partially effective", "none"
	};
	enum fl_test_result r;
	enum fl_effect e, back;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(fl_test_result_parse(results[i], &r), 0);
		assert_string_equal(fl_test_result_name(r), results[i]);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(fl_test_result_parse(bad[i], &r), -1);
	assert_int_equal(fl_test_result_parse(NULL, &r), -1);
	for (e = FL_EFF_NOT_APPLICABLE; e <= FL_EFF_INEFFECTIVE; e++) {
		assert_int_equal(fl_effect_parse(fl_effect_name(e), &back), 0);
		assert_int_equal(back, e);
		assert_true(strlen(fl_effect_label(e)) > 0);
	}
	assert_string_equal(fl_effect_label(FL_EFF_DESIGN_ONLY),
			    "design effective, operating not tested");
	assert_int_equal(fl_effect_parse("bogus", &back), -1);
	assert_true(fl_test_kind_valid("design"));
	assert_true(fl_test_kind_valid("operating"));
	assert_false(fl_test_kind_valid("Design"));
	assert_false(fl_test_kind_valid(NULL));
	assert_true(fl_test_method_valid("reperformance"));
	assert_false(fl_test_method_valid("guess"));
	assert_true(fl_impl_status_valid("not-applicable"));
	assert_false(fl_impl_status_valid("done"));
}

static void
test_rank(void **state)
{
	/* lowest assurance first */
	static const enum fl_effect order[] = {
		FL_EFF_INEFFECTIVE, FL_EFF_NOT_TESTED, FL_EFF_PARTIAL,
		FL_EFF_OPERATING_ONLY, FL_EFF_DESIGN_ONLY, FL_EFF_EFFECTIVE,
		FL_EFF_NOT_APPLICABLE
	};
	size_t i;

	(void)state;
	for (i = 1; i < sizeof order / sizeof *order; i++)
		assert_true(fl_effect_rank(order[i - 1]) < fl_effect_rank(order[i]));
}

/* ---- store ----------------------------------------------------------- */

static char dbpath[64], evpath[64];

static void
seed(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long long
count(struct fl_store *st, const char *table)
{
	struct fl_buf b;
	long long n = -1;
	sqlite3 *db;
	sqlite3_stmt *s;

	(void)st;
	fl_buf_init(&b, 0);
	fl_buf_printf(&b, "SELECT COUNT(*) FROM %s", table);
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, fl_buf_str(&b), -1, &s, NULL),
			 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	fl_buf_release(&b);
	return n;
}

static int
setup(void **state)
{
	struct fl_store *st;
	struct fl_diag d;
	FILE *f;

	(void)state;
	snprintf(dbpath, sizeof dbpath, "/tmp/fl-control-%d.db", (int)getpid());
	snprintf(evpath, sizeof evpath, "/tmp/fl-control-%d.txt", (int)getpid());
	unlink(dbpath);
	setenv("FIRSTLINE_NOW", "2026-03-01", 1);
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	fl_store_close(st);
	seed("INSERT INTO entity (code, name, is_central, created_at) VALUES"
	     " ('HQ', 'Head Office', 1, 'x'), ('DE', 'Germany', 0, 'x');"
	     "INSERT INTO person (email, name, role, created_at) VALUES"
	     " ('ann@ex.com', 'Ann', 'control-owner', 'x'),"
	     " ('tom@ex.com', 'Tom', 'auditor', 'x');"
	     "INSERT INTO catalog (key, title, kind, imported_at, updated_at)"
	     " VALUES ('grp', 'Group', 'group', 'x', 'x');"
	     "INSERT INTO control (catalog_id, key, label, title, seq) VALUES"
	     " (1, 'IAM-01', 'IAM-01', 'Access reviews', 1),"
	     " (1, 'LOG-02', 'LOG-02', 'Logging', 2);");
	f = fopen(evpath, "w");
	assert_non_null(f);
	fputs("hello\n", f);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	char p[80];

	(void)state;
	unlink(dbpath);
	unlink(evpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static struct fl_store *
open_st(void)
{
	struct fl_store *st;
	struct fl_diag d;

	assert_int_equal(fl_store_open(dbpath, 0, &st, &d), FL_OK);
	fl_store_set_actor(st, "tester");
	return st;
}

/* One write in its own transaction, as the CLI does. */
static fl_err
implement(struct fl_store *st, long long cid, long long eid, const char *status,
	  long long owner, const char *just, const char *due)
{
	struct fl_impl_req r;
	struct fl_diag d;
	fl_err rc;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.owner_id = owner;
	r.justification = just;
	r.due = due;
	assert_int_equal(fl_store_begin(st), FL_OK);
	rc = fl_store_control_implement(st, cid, eid, &r, &d);
	if (rc == FL_OK)
		rc = fl_store_commit(st);
	else
		fl_store_rollback(st);
	return rc;
}

static fl_err
add_test(struct fl_store *st, long long cid, long long eid, const char *kind,
	 const char *date, const char *result)
{
	struct fl_test_req r;
	struct fl_diag d;
	fl_err rc;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.date = date;
	r.result = result;
	r.tester_id = 2;
	assert_int_equal(fl_store_begin(st), FL_OK);
	rc = fl_store_control_test(st, cid, eid, &r, NULL, &d);
	if (rc == FL_OK)
		rc = fl_store_commit(st);
	else
		fl_store_rollback(st);
	return rc;
}

static fl_err
add_evidence(struct fl_store *st, long long cid, long long eid,
	     const char *file, const char *url, const char *collected,
	     const char *expires)
{
	struct fl_evidence_req r;
	struct fl_diag d;
	fl_err rc;

	memset(&r, 0, sizeof r);
	r.file = file;
	r.url = url;
	r.collected = collected;
	r.expires = expires;
	assert_int_equal(fl_store_begin(st), FL_OK);
	rc = fl_store_evidence_add(st, cid, eid, &r, NULL, &d);
	if (rc == FL_OK)
		rc = fl_store_commit(st);
	else
		fl_store_rollback(st);
	return rc;
}

struct got {
	char status[32], eff[32], stale[8], overdue[8], expired[8], expiring[8];
	char result[16];
	int n;
};

static fl_err
got_row(void *ctx, const struct fl_row *row)
{
	struct got *g = ctx;
	const char *v;

#define GET(field, col)                                                     \
	v = fl_row_get(row, col);                                           \
	fl_strlcpy(g->field, v ? v : "", sizeof g->field)
	GET(status, "status");
	GET(eff, "effectiveness");
	GET(stale, "stale_json");
	GET(overdue, "overdue_json");
	GET(expired, "evidence_expired");
	GET(expiring, "evidence_expiring");
	GET(result, "result");
#undef GET
	g->n++;
	return FL_OK;
}

static struct got
status_of(struct fl_store *st, long long cid, long long eid)
{
	struct fl_control_q q;
	struct got g;

	memset(&q, 0, sizeof q);
	memset(&g, 0, sizeof g);
	q.control_id = cid;
	q.entity_id = eid;
	assert_int_equal(fl_store_control_status(st, &q, got_row, &g), FL_OK);
	assert_int_equal(g.n, 1);
	return g;
}

static void
test_implement(void **state)
{
	struct fl_store *st = open_st();
	long long audits;

	(void)state;
	/* entity ids: HQ 1, DE 2; controls IAM-01 1, LOG-02 2 */
	assert_int_equal(implement(st, 1, 2, "implemented", 1, NULL, "2026-06-30"),
			 FL_OK);
	audits = count(st, "audit");
	assert_int_equal(audits, 1);
	/* the same again changes nothing and audits nothing */
	assert_int_equal(implement(st, 1, 2, "implemented", 1, NULL, "2026-06-30"),
			 FL_OK);
	assert_int_equal(count(st, "audit"), audits);
	/* not-applicable without a justification is refused, row unchanged */
	assert_int_equal(implement(st, 1, 2, "not-applicable", 0, NULL, NULL),
			 FL_E_INVAL);
	assert_int_equal(implement(st, 1, 2, "not-applicable", 0, "  ", NULL),
			 FL_E_INVAL);
	assert_string_equal(status_of(st, 1, 2).status, "implemented");
	assert_int_equal(count(st, "audit"), audits);
	/* with one it is accepted; a later owner change keeps it */
	assert_int_equal(implement(st, 2, 2, "not-applicable", 0,
				   "no logging platform in DE", NULL), FL_OK);
	assert_int_equal(implement(st, 2, 2, NULL, 1, NULL, NULL), FL_OK);
	assert_string_equal(status_of(st, 2, 2).status, "not-applicable");
	assert_string_equal(status_of(st, 2, 2).eff, "not-applicable");
	/* clearing the justification of an N/A row is refused */
	assert_int_equal(implement(st, 2, 2, NULL, 0, "", NULL), FL_E_INVAL);
	/* validation */
	assert_int_equal(implement(st, 1, 1, "done", 0, NULL, NULL), FL_E_INVAL);
	assert_int_equal(implement(st, 1, 1, NULL, 0, NULL, "2026-02-30"),
			 FL_E_INVAL);
	assert_int_equal(implement(st, 1, 1, NULL, 0, NULL, "26-01-01"),
			 FL_E_INVAL);
	/* a new row starts as planned */
	assert_int_equal(implement(st, 1, 1, NULL, 0, NULL, NULL), FL_OK);
	assert_string_equal(status_of(st, 1, 1).status, "planned");
	/* overdue: due yesterday and planned; due today is not */
	assert_int_equal(implement(st, 1, 1, NULL, 0, NULL, "2026-02-28"), FL_OK);
	assert_string_equal(status_of(st, 1, 1).overdue, "true");
	assert_int_equal(implement(st, 1, 1, NULL, 0, NULL, "2026-03-01"), FL_OK);
	assert_string_equal(status_of(st, 1, 1).overdue, "false");
	assert_int_equal(implement(st, 1, 1, "implemented", 0, NULL, "2026-01-01"),
			 FL_OK);
	assert_string_equal(status_of(st, 1, 1).overdue, "false");
	fl_store_close(st);
}

static void
test_tests_and_staleness(void **state)
{
	struct fl_store *st = open_st();
	char eff[64];

	(void)state;
	/* tests need the implementation first */
	assert_int_equal(add_test(st, 1, 2, "design", "2026-01-10", "effective"),
			 FL_E_INVAL);
	assert_int_equal(count(st, "control_test"), 0);
	assert_int_equal(implement(st, 1, 2, "implemented", 1, NULL, NULL), FL_OK);
	assert_string_equal(status_of(st, 1, 2).eff, "not-tested");
	/* refusals */
	assert_int_equal(add_test(st, 1, 2, "design", "2026-03-02", "effective"),
			 FL_E_INVAL); /* tomorrow */
	assert_int_equal(add_test(st, 1, 2, "audit", "2026-01-10", "effective"),
			 FL_E_INVAL);
	assert_int_equal(add_test(st, 1, 2, "design", "2026-01-10", "good"),
			 FL_E_INVAL);
	assert_int_equal(count(st, "control_test"), 0);
	/* exactly 365 days old on 2026-03-01: current */
	assert_int_equal(add_test(st, 1, 2, "design", "2025-03-01", "effective"),
			 FL_OK);
	assert_string_equal(status_of(st, 1, 2).eff, "design-effective");
	assert_string_equal(status_of(st, 1, 2).stale, "false");
	assert_int_equal(add_test(st, 1, 2, "operating", "2026-03-01", "effective"),
			 FL_OK);
	assert_string_equal(status_of(st, 1, 2).eff, "effective");
	/* a day later the design test is 366 days old: stale */
	setenv("FIRSTLINE_NOW", "2026-03-02", 1);
	assert_string_equal(status_of(st, 1, 2).eff, "effective");
	assert_string_equal(status_of(st, 1, 2).stale, "true");
	assert_int_equal(fl_store_control_effectiveness(st, 1, 2, eff, sizeof eff),
			 FL_OK);
	assert_string_equal(eff, "effective (stale)");
	setenv("FIRSTLINE_NOW", "2026-03-01", 1);
	assert_int_equal(fl_store_control_effectiveness(st, 1, 2, eff, sizeof eff),
			 FL_OK);
	assert_string_equal(eff, "effective");
	/* the latest test of a kind decides, by date then by entry */
	assert_int_equal(add_test(st, 1, 2, "operating", "2026-02-01", "ineffective"),
			 FL_OK); /* older than the effective one: ignored */
	assert_string_equal(status_of(st, 1, 2).eff, "effective");
	assert_int_equal(add_test(st, 1, 2, "operating", "2026-03-01",
				  "partially-effective"), FL_OK);
	assert_string_equal(status_of(st, 1, 2).eff, "partially-effective");
	/* entity 0: the lowest assurance where recorded; HQ not recorded */
	assert_int_equal(fl_store_control_effectiveness(st, 1, 0, eff, sizeof eff),
			 FL_OK);
	assert_string_equal(eff, "partially-effective");
	assert_int_equal(implement(st, 1, 1, "planned", 0, NULL, NULL), FL_OK);
	assert_int_equal(fl_store_control_effectiveness(st, 1, 0, eff, sizeof eff),
			 FL_OK);
	assert_string_equal(eff, "not-tested");
	assert_int_equal(fl_store_control_effectiveness(st, 1, 1, eff, sizeof eff),
			 FL_OK);
	assert_string_equal(eff, "not-tested");
	/* not recorded anywhere */
	assert_int_equal(fl_store_control_effectiveness(st, 2, 0, eff, sizeof eff),
			 FL_OK);
	assert_string_equal(eff, "not-tested");
	/* a short buffer is truncated, never overrun */
	assert_int_equal(fl_store_control_effectiveness(st, 1, 2, eff, 5), FL_OK);
	assert_string_equal(eff, "part");
	/* a configured age */
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_store_control_policy_set(st, 30, -1, NULL), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_string_equal(status_of(st, 1, 2).stale, "true");
	fl_store_close(st);
}

static void
test_evidence(void **state)
{
	struct fl_store *st = open_st();
	struct fl_control_q q;
	struct got g;
	long bad = -1;
	FILE *f;

	(void)state;
	memset(&q, 0, sizeof q);
	/* no implementation yet */
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, NULL, NULL),
			 FL_E_INVAL);
	assert_int_equal(implement(st, 1, 2, "implemented", 1, NULL, NULL), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, "/nonexistent/x.pdf", NULL, NULL,
				      NULL), FL_E_NOINPUT);
	assert_int_equal(add_evidence(st, 1, 2, "/tmp", NULL, NULL, NULL),
			 FL_E_NOINPUT);
	assert_int_equal(add_evidence(st, 1, 2, NULL, "ftp://x/y", NULL, NULL),
			 FL_E_INVAL);
	assert_int_equal(add_evidence(st, 1, 2, NULL, "https://x/a b", NULL, NULL),
			 FL_E_INVAL);
	assert_int_equal(add_evidence(st, 1, 2, evpath, "https://x/", NULL, NULL),
			 FL_E_INVAL);
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-03-02", NULL),
			 FL_E_INVAL); /* collected tomorrow */
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-02-01",
				      "2026-01-31"), FL_E_INVAL);
	assert_int_equal(count(st, "evidence"), 0);
	/* expires yesterday, today, in 30 and in 31 days */
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-01-01",
				      "2026-02-28"), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, NULL, "https://wiki.ex.com/iam",
				      NULL, "2026-03-01"), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, NULL, "https://wiki.ex.com/a",
				      NULL, "2026-03-31"), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, NULL, "https://wiki.ex.com/b",
				      NULL, "2026-04-01"), FL_OK);
	g = status_of(st, 1, 2);
	assert_string_equal(g.expired, "1");
	assert_string_equal(g.expiring, "2");
	/* the registered hash is SHA-256("hello\n") */
	assert_int_equal(fl_store_evidence_verify(st, &q, &bad, NULL, NULL), FL_OK);
	assert_int_equal(bad, 0);
	f = fopen(evpath, "a");
	assert_non_null(f);
	fputs("tampered\n", f);
	fclose(f);
	memset(&g, 0, sizeof g);
	assert_int_equal(fl_store_evidence_verify(st, &q, &bad, got_row, &g), FL_OK);
	assert_int_equal(bad, 1);
	assert_int_equal(g.n, 4);
	unlink(evpath);
	assert_int_equal(fl_store_evidence_verify(st, &q, &bad, NULL, NULL), FL_OK);
	assert_int_equal(bad, 1);
	fl_store_close(st);
}

static fl_err
state_row(void *ctx, const struct fl_row *row)
{
	struct fl_buf *b = ctx;

	fl_buf_printf(b, "%s:%s ", fl_row_get(row, "expires"),
		      fl_row_get(row, "state"));
	return FL_OK;
}

static void
test_evidence_list_states(void **state)
{
	struct fl_store *st = open_st();
	struct fl_control_q q;
	struct fl_buf b;

	(void)state;
	memset(&q, 0, sizeof q);
	assert_int_equal(implement(st, 1, 2, "implemented", 1, NULL, NULL), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-01-01",
				      "2026-02-28"), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-01-02",
				      "2026-03-01"), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-01-03",
				      "2026-03-31"), FL_OK);
	assert_int_equal(add_evidence(st, 1, 2, evpath, NULL, "2026-01-04",
				      "2026-04-01"), FL_OK);
	fl_buf_init(&b, 0);
	assert_int_equal(fl_store_evidence_list(st, &q, state_row, &b), FL_OK);
	assert_string_equal(fl_buf_str(&b),
			    "2026-04-01:current 2026-03-31:expiring "
			    "2026-03-01:expiring 2026-02-28:expired ");
	q.catalog = "nosuch";
	assert_int_equal(fl_store_evidence_list(st, &q, state_row, &b),
			 FL_E_NOTFOUND);
	fl_buf_release(&b);
	fl_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effect_table),
		cmocka_unit_test(test_stale_boundaries),
		cmocka_unit_test(test_effect_stale),
		cmocka_unit_test(test_evidence_state),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rank),
		cmocka_unit_test_setup_teardown(test_implement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tests_and_staleness, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_list_states, setup,
						teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
