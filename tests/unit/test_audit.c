/*
 * test_audit: the hash chain (core) and the store's append/verify, with
 * each kind of tampering done directly in the SQLite file.
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

static void
test_hash_fields_distinct(void **state)
{
	struct fl_audit_entry a = {1, "t", "me", "x.create", "x:1", NULL, "{}"};
	struct fl_audit_entry b = a;
	char ha[65], hb[65];

	(void)state;
	fl_audit_hash(fl_audit_genesis, &a, ha);
	fl_audit_hash(fl_audit_genesis, &b, hb);
	assert_string_equal(ha, hb);
	b.before = ""; /* NULL and "" differ */
	fl_audit_hash(fl_audit_genesis, &b, hb);
	assert_string_not_equal(ha, hb);
	b = a;
	b.actor = "mex";
	b.action = ".create"; /* shifting bytes between fields differs */
	fl_audit_hash(fl_audit_genesis, &b, hb);
	assert_string_not_equal(ha, hb);
	b = a;
	b.seq = 2;
	fl_audit_hash(fl_audit_genesis, &b, hb);
	assert_string_not_equal(ha, hb);
	assert_int_equal(strlen(ha), 64);
}

static char dbpath[64];

static int
setup(void **state)
{
	struct fl_store *st;
	struct fl_diag d;
	int i;

	(void)state;
	snprintf(dbpath, sizeof dbpath, "/tmp/fl-audit-%d.db", (int)getpid());
	unlink(dbpath);
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	fl_store_set_actor(st, "tester");
	assert_int_equal(fl_store_begin(st), FL_OK);
	for (i = 1; i <= 5; i++) {
		char obj[32], after[64];
		snprintf(obj, sizeof obj, "risk:R-%04d", i);
		snprintf(after, sizeof after, "{\"n\":%d}", i);
		assert_int_equal(fl_store_audit(st, "risk.create", obj, NULL, after),
				 FL_OK);
	}
	assert_int_equal(fl_store_commit(st), FL_OK);
	fl_store_close(st);
	return 0;
}

static int
teardown(void **state)
{
	char p[80];

	(void)state;
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static void
tamper(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long
verify(long *checked)
{
	struct fl_store *st;
	struct fl_diag d;
	long bad = -1;
	fl_err rc;

	assert_int_equal(fl_store_open(dbpath, 0, &st, &d), FL_OK);
	rc = fl_store_audit_verify(st, checked, &bad, &d);
	fl_store_close(st);
	return rc == FL_OK ? 0 : bad;
}

static void
test_intact(void **state)
{
	long n = 0;

	(void)state;
	assert_int_equal(verify(&n), 0);
	assert_int_equal(n, 5);
}

static void
test_altered(void **state)
{
	long n = 0;

	(void)state;
	tamper("UPDATE audit SET after = '{\"n\":99}' WHERE seq = 3");
	assert_int_equal(verify(&n), 3);
	assert_int_equal(n, 2);
}

static void
test_deleted(void **state)
{
	long n = 0;

	(void)state;
	tamper("DELETE FROM audit WHERE seq = 2");
	assert_int_equal(verify(&n), 3);
}

static void
test_deleted_last(void **state)
{
	long n = 0;

	(void)state;
	tamper("DELETE FROM audit WHERE seq = 5");
	assert_int_equal(verify(&n), 5);
	assert_int_equal(n, 4);
}

static void
test_reordered(void **state)
{
	long n = 0;

	(void)state;
	/* swap the contents of entries 2 and 4, keeping their seq numbers */
	tamper("CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2,4);"
	       "UPDATE audit SET ts=(SELECT ts FROM t WHERE seq=4),"
	       " object=(SELECT object FROM t WHERE seq=4),"
	       " after=(SELECT after FROM t WHERE seq=4),"
	       " prev_hash=(SELECT prev_hash FROM t WHERE seq=4),"
	       " hash=(SELECT hash FROM t WHERE seq=4) WHERE seq=2;"
	       "UPDATE audit SET ts=(SELECT ts FROM t WHERE seq=2),"
	       " object=(SELECT object FROM t WHERE seq=2),"
	       " after=(SELECT after FROM t WHERE seq=2),"
	       " prev_hash=(SELECT prev_hash FROM t WHERE seq=2),"
	       " hash=(SELECT hash FROM t WHERE seq=2) WHERE seq=4;");
	assert_int_equal(verify(&n), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_fields_distinct),
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_altered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
