/*
 * audit: append and verify the hash-chained audit trail.
 *
 * Appends happen inside the caller's transaction, so an entry exists exactly
 * when the change it describes was committed.  The head of the chain (last
 * sequence number and hash) is also kept in setting 'audit_head': deleting
 * the newest rows leaves an intact-looking chain, and the head is what
 * catches that.  Someone able to rewrite the whole file can rewrite the
 * head too; `audit head` prints it so it can be anchored outside (in the
 * ISO report, a ticket, a signed mail).
 */
#include "store_int.h"
#include "../core/core.h"

struct tail {
	long long seq;
	char hash[65];
};

static fl_err
tail_row(void *ctx, const struct fl_row *row)
{
	struct tail *t = ctx;
	const char *seq = fl_row_get(row, "seq"), *h = fl_row_get(row, "hash");
	long v = 0;

	if (seq && fl_parse_long(seq, 0, LONG_MAX, &v) == 0)
		t->seq = v;
	fl_strlcpy(t->hash, h ? h : "", sizeof t->hash);
	return FL_OK;
}

fl_err
fl_store_audit(struct fl_store *st, const char *action, const char *object,
	       const char *before, const char *after)
{
	struct tail t = {0, ""};
	struct fl_audit_entry e;
	char ts[21], hash[65], head[96];
	fl_err rc;

	fl_strlcpy(t.hash, fl_audit_genesis, sizeof t.hash);
	rc = st_query(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
		      tail_row, &t, "");
	if (rc != FL_OK)
		return rc;
	st_now(ts);
	e.seq = t.seq + 1;
	e.ts = ts;
	e.actor = fl_store_actor(st);
	e.action = action;
	e.object = object;
	e.before = before;
	e.after = after;
	fl_audit_hash(t.hash, &e, hash);
	rc = st_exec(st,
		     "INSERT INTO audit (seq, ts, actor, action, object, before,"
		     " after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     "ittttttt" "t", e.seq, ts, e.actor, action, object, before,
		     after, t.hash, hash);
	if (rc != FL_OK)
		return rc;
	snprintf(head, sizeof head, "%lld:%s", e.seq, hash);
	return fl_store_setting_set(st, "audit_head", head);
}

fl_err
fl_store_audit_list(struct fl_store *st, long limit, int newest_first,
		    fl_row_fn fn, void *ctx)
{
	const char *sql = newest_first
		? "SELECT seq, ts AS time, actor, action, object, before, after,"
		  " hash FROM audit ORDER BY seq DESC LIMIT ?"
		: "SELECT seq, ts AS time, actor, action, object, before, after,"
		  " hash FROM audit ORDER BY seq LIMIT ?";

	/* "no limit" is the largest one: PostgreSQL refuses LIMIT -1 */
	return st_query(st, sql, fn, ctx, "i",
			limit > 0 ? (long long)limit : LLONG_MAX);
}

struct verify {
	long long expect_seq;
	char prev[65];
	long checked;
	long bad_seq;
	char why[256];
};

static fl_err
verify_row(void *ctx, const struct fl_row *row)
{
	struct verify *v = ctx;
	struct fl_audit_entry e;
	char hash[65];
	const char *seq = fl_row_get(row, "seq");
	const char *prev = fl_row_get(row, "prev_hash");
	const char *stored = fl_row_get(row, "hash");
	long s = 0;

	if (seq == NULL || fl_parse_long(seq, 1, LONG_MAX, &s) != 0)
		s = -1;
	if (s != v->expect_seq) {
		v->bad_seq = s > 0 ? s : v->expect_seq;
		snprintf(v->why, sizeof v->why,
			 "expected entry %lld, found %ld: an entry was removed "
			 "or reordered",
			 v->expect_seq, s);
		return FL_E_SYNTAX;
	}
	if (prev == NULL || strcmp(prev, v->prev) != 0) {
		v->bad_seq = s;
		snprintf(v->why, sizeof v->why,
			 "entry %ld does not link to entry %ld", s, s - 1);
		return FL_E_SYNTAX;
	}
	e.seq = s;
	e.ts = fl_row_get(row, "ts");
	e.actor = fl_row_get(row, "actor");
	e.action = fl_row_get(row, "action");
	e.object = fl_row_get(row, "object");
	e.before = fl_row_get(row, "before");
	e.after = fl_row_get(row, "after");
	fl_audit_hash(v->prev, &e, hash);
	if (stored == NULL || strcmp(stored, hash) != 0) {
		v->bad_seq = s;
		snprintf(v->why, sizeof v->why,
			 "entry %ld was altered: its hash does not match its "
			 "content",
			 s);
		return FL_E_SYNTAX;
	}
	fl_strlcpy(v->prev, stored, sizeof v->prev);
	v->expect_seq++;
	v->checked++;
	return FL_OK;
}

fl_err
fl_store_audit_verify(struct fl_store *st, long *checked, long *bad_seq,
		      struct fl_diag *d)
{
	struct verify v;
	char *head = NULL, want[96];
	fl_err rc;

	memset(&v, 0, sizeof v);
	v.expect_seq = 1;
	fl_strlcpy(v.prev, fl_audit_genesis, sizeof v.prev);
	*bad_seq = 0;
	rc = st_query(st,
		      "SELECT seq, ts, actor, action, object, before, after,"
		      " prev_hash, hash FROM audit ORDER BY seq",
		      verify_row, &v, "");
	*checked = v.checked;
	if (rc == FL_E_SYNTAX) {
		*bad_seq = v.bad_seq;
		return fl_diag_msg(d, rc, "%s", v.why);
	}
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if ((rc = fl_store_setting_get(st, "audit_head", &head)) != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (v.checked == 0 && head == NULL)
		return FL_OK;
	snprintf(want, sizeof want, "%lld:%s", v.expect_seq - 1, v.prev);
	if (head == NULL || strcmp(head, want) != 0) {
		*bad_seq = v.expect_seq;
		rc = fl_diag_msg(d, FL_E_SYNTAX,
				 "the chain ends at entry %lld but the recorded "
				 "head is %s: newest entries were removed",
				 v.expect_seq - 1, head ? head : "missing");
	}
	free(head);
	return rc;
}
