/*
 * test_store: the statement helpers of store_int.h and the prepared
 * statement cache behind them (store/sqlite.c).  This test includes the
 * store's internal header on purpose: the cache is invisible through
 * store.h, and what it must never do (hand a stepping statement to a
 * nested call, keep stale bindings, outlive the connection) only shows
 * through the helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "store/store_int.h"

static char dbpath[64];

static void
unlink_db(void)
{
	char p[80];

	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
}

static int
setup(void **state)
{
	struct fl_store *st;
	struct fl_diag d;

	snprintf(dbpath, sizeof dbpath, "/tmp/fl-store-%d.db", (int)getpid());
	unlink_db();
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	assert_int_equal(st_exec(st, "CREATE TABLE t (n INTEGER, s TEXT)", ""),
			 FL_OK);
	assert_int_equal(st_exec(st, "INSERT INTO t (n, s) VALUES (1, 'a'), "
				 "(2, 'b'), (3, 'c'), (4, 'd')", ""), FL_OK);
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	fl_store_close(*state);
	unlink_db();
	return 0;
}

/* The key is the text: the same SQL from another buffer is a hit. */
static void
test_key_is_content(void **state)
{
	struct fl_store *st = *state;
	struct st_stmt_stats a, b;
	char sql[64];
	long long n = 0;

	fl_strlcpy(sql, "SELECT COUNT(*) FROM t WHERE n > ?", sizeof sql);
	assert_int_equal(st_query_int(st, &n, "SELECT COUNT(*) FROM t WHERE n > ?",
				      "i", 1LL), FL_OK);
	assert_int_equal(n, 3);
	st_stmt_stats(st, &a);
	assert_int_equal(st_query_int(st, &n, sql, "i", 2LL), FL_OK);
	assert_int_equal(n, 2);
	st_stmt_stats(st, &b);
	assert_int_equal(b.hits, a.hits + 1);
	assert_int_equal(b.prepares, a.prepares);
	/* the same buffer with other text is another statement */
	fl_strlcpy(sql, "SELECT COUNT(*) FROM t WHERE n < ?", sizeof sql);
	assert_int_equal(st_query_int(st, &n, sql, "i", 2LL), FL_OK);
	assert_int_equal(n, 1);
	st_stmt_stats(st, &a);
	assert_int_equal(a.prepares, b.prepares + 1);
}

/* A reused statement starts with no bindings and no leftover row. */
static void
test_bindings_cleared(void **state)
{
	static const struct {
		const char *types;
		long long v;
		fl_err rc;
		long long want;
	} cases[] = {
		{"i", 7, FL_OK, 7},
		{"", 0, FL_E_NOTFOUND, 0},   /* ?1 is NULL again */
		{"i", -3, FL_OK, -3},
		{"n", 0, FL_E_NOTFOUND, 0},
		{"", 0, FL_E_NOTFOUND, 0},
	};
	struct fl_store *st = *state;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long long got = 0;
		fl_err rc = cases[i].types[0]
			? st_query_int(st, &got, "SELECT ?", cases[i].types,
				       cases[i].v)
			: st_query_int(st, &got, "SELECT ?", "");
		assert_int_equal(rc, cases[i].rc);
		if (rc == FL_OK)
			assert_int_equal(got, cases[i].want);
	}
}

struct nest {
	struct fl_store *st;
	int depth, rows[4];
	long long sum;
};

/* Each row of the outer query runs the very same query again. */
static fl_err
nest_row(void *ctx, const struct fl_row *row)
{
	struct nest *z = ctx;
	char *text = NULL;
	long long n = 0;
	fl_err rc;

	z->rows[z->depth]++;
	z->sum += strtoll(fl_row_get(row, "n"), NULL, 10);
	if (z->depth == 2)
		return FL_OK;
	z->depth++;
	rc = st_query(z->st, "SELECT n, s FROM t ORDER BY n", nest_row, z, "");
	z->depth--;
	if (rc != FL_OK)
		return rc;
	/* the one-row helpers with the same text as each other, too */
	if ((rc = st_query_int(z->st, &n, "SELECT n FROM t WHERE s = ?", "t",
			       "c")) != FL_OK)
		return rc;
	assert_int_equal(n, 3);
	if ((rc = st_query_text(z->st, &text, "SELECT s FROM t WHERE n = ?",
				"i", 2LL)) != FL_OK)
		return rc;
	assert_string_equal(text, "b");
	free(text);
	return FL_OK;
}

static void
test_nested_same_sql(void **state)
{
	struct nest z = {*state, 0, {0}, 0};
	struct st_stmt_stats a, b;
	long long n = 0;

	st_stmt_stats(z.st, &a);
	assert_int_equal(st_query(z.st, "SELECT n, s FROM t ORDER BY n",
				  nest_row, &z, ""), FL_OK);
	/* 4 outer rows, each with 4 inner, each with 4 innermost */
	assert_int_equal(z.rows[0], 4);
	assert_int_equal(z.rows[1], 16);
	assert_int_equal(z.rows[2], 64);
	assert_int_equal(z.sum, 10 + 4 * 10 + 16 * 10);
	st_stmt_stats(z.st, &b);
	/* 4 + 16 nested runs, each a private statement */
	assert_int_equal(b.nested - a.nested, 20);
	assert_true(b.cached <= 128);
	/* the cached one is idle again and reused */
	st_stmt_stats(z.st, &a);
	assert_int_equal(st_query(z.st, "SELECT n, s FROM t ORDER BY n", NULL,
				  NULL, ""), FL_OK);
	st_stmt_stats(z.st, &b);
	assert_int_equal(b.hits, a.hits + 1);
	assert_int_equal(b.nested, a.nested);
	/* and nothing is left stepping: a write transaction commits */
	assert_int_equal(fl_store_begin(z.st), FL_OK);
	assert_int_equal(st_exec(z.st, "UPDATE t SET s = upper(s)", ""), FL_OK);
	assert_int_equal(st_changes(z.st), 4);
	assert_int_equal(fl_store_commit(z.st), FL_OK);
	assert_int_equal(st_query_int(z.st, &n, "SELECT COUNT(*) FROM t "
				      "WHERE s = upper(s)", ""), FL_OK);
	assert_int_equal(n, 4);
}

/* More distinct statements than the cache holds: bounded, LRU out. */
static void
test_eviction(void **state)
{
	struct fl_store *st = *state;
	struct st_stmt_stats a, b;
	char sql[64];
	long long n;
	int i;

	st_stmt_stats(st, &a);
	for (i = 0; i < 300; i++) {
		snprintf(sql, sizeof sql, "SELECT %d + ?", i);
		assert_int_equal(st_query_int(st, &n, sql, "i", 1LL), FL_OK);
		assert_int_equal(n, i + 1);
		/* one statement used all along stays */
		assert_int_equal(st_query_int(st, &n, "SELECT COUNT(*) FROM t",
					      ""), FL_OK);
		assert_int_equal(n, 4);
	}
	st_stmt_stats(st, &b);
	assert_int_equal(b.cached, 128);
	/* the 300 and the count, which stays the most recently used */
	assert_int_equal(b.prepares - a.prepares, 301);
	assert_true(b.evictions > a.evictions);
	/* the most recent is held, the oldest was finalized */
	st_stmt_stats(st, &a);
	assert_int_equal(st_query_int(st, &n, "SELECT 299 + ?", "i", 1LL), FL_OK);
	assert_int_equal(st_query_int(st, &n, "SELECT 0 + ?", "i", 1LL), FL_OK);
	assert_int_equal(n, 1);
	st_stmt_stats(st, &b);
	assert_int_equal(b.hits - a.hits, 1);
	assert_int_equal(b.prepares - a.prepares, 1);
}

/* A failed step leaves the cached statement usable. */
static void
test_error_then_reuse(void **state)
{
	static const struct {
		const char *key;
		fl_err rc;
	} cases[] = {
		{"k1", FL_OK},
		{"k1", FL_E_DB}, /* duplicate primary key */
		{"k2", FL_OK},
		{"k2", FL_E_DB},
		{"k3", FL_OK},
	};
	struct fl_store *st = *state;
	long long n = 0;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(st_exec(st, "INSERT INTO setting (key, value) "
					 "VALUES (?, 'v')", "t", cases[i].key),
				 cases[i].rc);
	assert_int_equal(st_query_int(st, &n, "SELECT COUNT(*) FROM setting "
				      "WHERE key LIKE 'k_'", ""), FL_OK);
	assert_int_equal(n, 3);
}

/* A schema change under a cached statement: it re-prepares itself. */
static void
test_schema_change(void **state)
{
	struct fl_store *st = *state;
	char *s = NULL;

	assert_int_equal(st_query_text(st, &s, "SELECT * FROM t ORDER BY 1 "
				       "LIMIT 1", ""), FL_OK);
	assert_string_equal(s, "1");
	free(s);
	assert_int_equal(st_exec(st, "DROP TABLE t", ""), FL_OK);
	assert_int_equal(st_query_text(st, &s, "SELECT * FROM t ORDER BY 1 "
				       "LIMIT 1", ""), FL_E_DB);
	assert_int_equal(st_exec(st, "CREATE TABLE t (word TEXT)", ""), FL_OK);
	assert_int_equal(st_exec(st, "INSERT INTO t VALUES ('x')", ""), FL_OK);
	assert_int_equal(st_query_text(st, &s, "SELECT * FROM t ORDER BY 1 "
				       "LIMIT 1", ""), FL_OK);
	assert_string_equal(s, "x");
	free(s);
}

/*
 * Closing with statements cached: sqlite3_close only succeeds without
 * live statements, and the last connection of a WAL database removes the
 * -wal file when it does.  Reopening starts with an empty cache.
 */
static void
test_close_finalizes(void **state)
{
	struct fl_store *st = *state;
	struct st_stmt_stats s;
	struct fl_diag d;
	char wal[80];
	long long n = 0;

	assert_int_equal(st_query_int(st, &n, "SELECT COUNT(*) FROM t", ""),
			 FL_OK);
	st_stmt_stats(st, &s);
	assert_true(s.cached > 0);
	fl_store_close(st);
	*state = NULL;
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	assert_int_equal(access(wal, F_OK), -1);
	assert_int_equal(fl_store_open(dbpath, 0, &st, &d), FL_OK);
	*state = st;
	st_stmt_stats(st, &s);
	assert_int_equal(s.cached, 0);
	assert_int_equal(st_query_int(st, &n, "SELECT COUNT(*) FROM t", ""),
			 FL_OK);
	assert_int_equal(n, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_is_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bindings_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_same_sql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_then_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_finalizes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
