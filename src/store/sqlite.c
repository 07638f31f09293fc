/*
 * sqlite: the embedded back end.  Opens the file with WAL and foreign keys,
 * applies the embedded migrations in order (each in its own transaction,
 * recorded in setting 'schema_version'), builds the FTS5 index that only
 * SQLite has, and implements the statement helpers of store_int.h.
 *
 * Prepared statements are cached per store, keyed by their SQL text: an
 * import runs the same few statements thousands of times, and compiling
 * SQL was most of its time (sqlite3Parser and the code generator's
 * allocations dominated a profile of a 10,000-row asset import).  The
 * cache is small and bounded (STMT_CACHE_MAX, least recently used out),
 * and it refuses to hand one statement to two users: a row callback that
 * runs the same SQL while the outer statement is still stepping gets a
 * statement of its own, finalized after use.  Nothing outlives
 * fl_store_close, and the cache is emptied after the migrations ran their
 * DDL (prepare_v2 statements re-prepare themselves after a schema change
 * anyway; emptying it keeps that a non-event).
 */
#include "store_int.h"
#include "../core/core.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Room for every distinct statement of one command many times over (a
 * catalogue or asset import with its audit entries uses under twenty),
 * small enough that a linear scan of the hashes costs nothing next to one
 * prepare.
 */
#define STMT_CACHE_MAX 128

struct stmt_slot {
	sqlite3_stmt *s;
	char *sql;              /* owned copy: the key is the text, not the pointer */
	const char *src;        /* the caller's pointer last time: a fast path
				 * only, the text is still compared */
	unsigned long long hash;
	unsigned long long used; /* st->tick when last handed out (LRU) */
	int busy;               /* handed out and not yet given back */
};

/* A statement handed out by stmt_get and given back by stmt_put. */
struct stmt {
	sqlite3_stmt *s;
	struct stmt_slot *slot; /* NULL: prepared for this call only */
};

struct fl_store {
	sqlite3 *db;
	char actor[128];
	int in_tx;
	long long changes;
	char errmsg[512];
	struct stmt_slot cache[STMT_CACHE_MAX]; /* [0, ncache) are in use */
	int ncache;
	unsigned long long tick;
	struct st_stmt_stats stats;
};

static fl_err
db_fail(struct fl_store *st, const char *what)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s: %s", what,
		 sqlite3_errmsg(st->db));
	return FL_E_DB;
}

const char *
fl_store_errmsg(struct fl_store *st)
{
	return st->errmsg;
}

int
st_is_sqlite(const struct fl_store *st)
{
	(void)st;
	return 1;
}

void
st_now(char out[static 21])
{
	fl_time_iso(fl_now(), out);
}

/* ---- binding ---------------------------------------------------------- */

static fl_err
bind_va(struct fl_store *st, sqlite3_stmt *s, const char *types, va_list ap)
{
	int i = 1, rc = SQLITE_OK;
	const char *t;

	for (t = types ? types : ""; *t && rc == SQLITE_OK; t++, i++) {
		switch (*t) {
		case 't': {
			const char *v = va_arg(ap, const char *);
			/* static: the caller's text outlives the statement's
			 * use, and stmt_put clears the bindings; no copy */
			rc = v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC)
			       : sqlite3_bind_null(s, i);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int64(s, i, va_arg(ap, long long));
			break;
		case 'd':
			rc = sqlite3_bind_double(s, i, va_arg(ap, double));
			break;
		case 'n':
			rc = sqlite3_bind_null(s, i);
			break;
		default:
			snprintf(st->errmsg, sizeof st->errmsg,
				 "bad bind type '%c'", *t);
			return FL_E_INTERNAL;
		}
	}
	if (rc != SQLITE_OK)
		return db_fail(st, "bind");
	return FL_OK;
}

/* ---- statement cache ---------------------------------------------------- */

/* Only a filter before strcmp. */
static unsigned long long
sql_hash(const char *sql)
{
	return fl_hash64(sql, strlen(sql));
}

static void
slot_clear(struct stmt_slot *e)
{
	sqlite3_finalize(e->s);
	free(e->sql);
	memset(e, 0, sizeof *e);
}

/* Finalize every cached statement; none may be handed out. */
static void
cache_flush(struct fl_store *st)
{
	int i;

	for (i = 0; i < st->ncache; i++)
		slot_clear(&st->cache[i]);
	st->ncache = 0;
}

/*
 * The slot a new statement goes into: a free one, else the least recently
 * used one that is not handed out (its statement finalized); NULL when
 * every slot is busy, and the statement then lives for one call only.
 */
static struct stmt_slot *
cache_victim(struct fl_store *st)
{
	struct stmt_slot *v = NULL;
	int i;

	if (st->ncache < STMT_CACHE_MAX)
		return &st->cache[st->ncache++];
	for (i = 0; i < st->ncache; i++) {
		struct stmt_slot *e = &st->cache[i];
		if (!e->busy && (v == NULL || e->used < v->used))
			v = e;
	}
	if (v != NULL) {
		slot_clear(v);
		st->stats.evictions++;
	}
	return v;
}

/*
 * Hand out a prepared statement for sql, from the cache when it holds an
 * idle one.  A statement is busy from stmt_get to stmt_put, so a nested
 * call with the same text (a row callback) prepares its own.
 */
static fl_err
stmt_get(struct fl_store *st, const char *sql, struct stmt *out)
{
	unsigned long long h;
	struct stmt_slot *e;
	char *key;
	int i, twin = 0;

	out->s = NULL;
	out->slot = NULL;
	/* the statements of a hot loop come from the same literal each time */
	for (i = 0; i < st->ncache; i++) {
		e = &st->cache[i];
		if (e->src != sql || e->busy || strcmp(e->sql, sql) != 0)
			continue;
		e->busy = 1;
		e->used = ++st->tick;
		out->s = e->s;
		out->slot = e;
		st->stats.hits++;
		return FL_OK;
	}
	h = sql_hash(sql);
	for (i = 0; i < st->ncache; i++) {
		e = &st->cache[i];
		if (e->hash != h || strcmp(e->sql, sql) != 0)
			continue;
		if (e->busy) {
			twin = 1;
			break;
		}
		e->busy = 1;
		e->used = ++st->tick;
		e->src = sql;
		out->s = e->s;
		out->slot = e;
		st->stats.hits++;
		return FL_OK;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &out->s, NULL) != SQLITE_OK) {
		sqlite3_finalize(out->s);
		out->s = NULL;
		return db_fail(st, "prepare");
	}
	st->stats.prepares++;
	/* one slot per text: the busy one stays, this one is for this call */
	if (twin) {
		st->stats.nested++;
		return FL_OK;
	}
	/* an empty statement (only a comment) has no handle to keep */
	if (out->s == NULL || (key = fl_strdup(sql)) == NULL)
		return FL_OK;
	if ((e = cache_victim(st)) == NULL) {
		free(key);
		return FL_OK;
	}
	e->s = out->s;
	e->sql = key;
	e->src = sql;
	e->hash = h;
	e->used = ++st->tick;
	e->busy = 1;
	out->slot = e;
	return FL_OK;
}

/* Give a statement back: reset for the next user, or finalized. */
static void
stmt_put(struct stmt *h)
{
	if (h->slot == NULL) {
		sqlite3_finalize(h->s);
	} else {
		sqlite3_reset(h->s);
		sqlite3_clear_bindings(h->s);
		h->slot->busy = 0;
	}
	h->s = NULL;
	h->slot = NULL;
}

void
st_stmt_stats(const struct fl_store *st, struct st_stmt_stats *out)
{
	*out = st->stats;
	out->cached = st->ncache;
}

/* Run s to completion, feeding rows to fn. */
static fl_err
run_rows(struct fl_store *st, sqlite3_stmt *s, fl_row_fn fn, void *ctx)
{
	const char *names[128], *vals[128];
	enum fl_col_type types[128];
	struct fl_row row;
	int n, i, rc;
	fl_err frc;

	n = sqlite3_column_count(s);
	if (n > 128)
		n = 128;
	for (i = 0; i < n; i++)
		names[i] = sqlite3_column_name(s, i);
	row.ncol = n;
	row.names = names;
	row.vals = vals;
	row.types = types;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fn == NULL)
			continue;
		for (i = 0; i < n; i++) {
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL: types[i] = FL_COL_NULL; break;
			case SQLITE_INTEGER: types[i] = FL_COL_INT; break;
			case SQLITE_FLOAT: types[i] = FL_COL_REAL; break;
			default: types[i] = FL_COL_TEXT; break;
			}
			vals[i] = (const char *)sqlite3_column_text(s, i);
			if (vals[i] == NULL && types[i] != FL_COL_NULL) {
				/* only on allocation failure */
				return FL_E_NOMEM;
			}
		}
		if ((frc = fn(ctx, &row)) != FL_OK)
			return frc;
	}
	if (rc != SQLITE_DONE)
		return db_fail(st, "step");
	return FL_OK;
}

fl_err
st_exec(struct fl_store *st, const char *sql, const char *types, ...)
{
	struct stmt h;
	va_list ap;
	fl_err rc;

	if ((rc = stmt_get(st, sql, &h)) != FL_OK)
		return rc;
	va_start(ap, types);
	rc = bind_va(st, h.s, types, ap);
	va_end(ap);
	if (rc == FL_OK)
		rc = run_rows(st, h.s, NULL, NULL);
	st->changes = sqlite3_changes(st->db);
	stmt_put(&h);
	return rc;
}

fl_err
st_insert(struct fl_store *st, long long *id, const char *sql,
	  const char *types, ...)
{
	struct stmt h;
	va_list ap;
	fl_err rc;

	if ((rc = stmt_get(st, sql, &h)) != FL_OK)
		return rc;
	va_start(ap, types);
	rc = bind_va(st, h.s, types, ap);
	va_end(ap);
	if (rc == FL_OK)
		rc = run_rows(st, h.s, NULL, NULL);
	st->changes = sqlite3_changes(st->db);
	if (rc == FL_OK)
		*id = sqlite3_last_insert_rowid(st->db);
	stmt_put(&h);
	return rc;
}

long long
st_changes(struct fl_store *st)
{
	return st->changes;
}

fl_err
st_query(struct fl_store *st, const char *sql, fl_row_fn fn, void *ctx,
	 const char *types, ...)
{
	struct stmt h;
	va_list ap;
	fl_err rc;

	if ((rc = stmt_get(st, sql, &h)) != FL_OK)
		return rc;
	va_start(ap, types);
	rc = bind_va(st, h.s, types, ap);
	va_end(ap);
	if (rc == FL_OK)
		rc = run_rows(st, h.s, fn, ctx);
	stmt_put(&h);
	return rc;
}

/* Step h (obtained here) to its first row; the caller gives h back. */
static fl_err
first_row(struct fl_store *st, const char *sql, const char *types, va_list ap,
	  struct stmt *h)
{
	fl_err rc;
	int src;

	if ((rc = stmt_get(st, sql, h)) != FL_OK)
		return rc;
	if ((rc = bind_va(st, h->s, types, ap)) != FL_OK)
		return rc;
	src = sqlite3_step(h->s);
	if (src == SQLITE_DONE)
		return FL_E_NOTFOUND;
	if (src != SQLITE_ROW)
		return db_fail(st, "step");
	return FL_OK;
}

fl_err
st_query_int(struct fl_store *st, long long *out, const char *sql,
	     const char *types, ...)
{
	struct stmt h;
	va_list ap;
	fl_err rc;

	va_start(ap, types);
	rc = first_row(st, sql, types, ap, &h);
	va_end(ap);
	if (rc == FL_OK) {
		if (sqlite3_column_type(h.s, 0) == SQLITE_NULL)
			rc = FL_E_NOTFOUND;
		else
			*out = sqlite3_column_int64(h.s, 0);
	}
	stmt_put(&h);
	return rc;
}

fl_err
st_query_text(struct fl_store *st, char **out, const char *sql,
	      const char *types, ...)
{
	struct stmt h;
	va_list ap;
	fl_err rc;

	*out = NULL;
	va_start(ap, types);
	rc = first_row(st, sql, types, ap, &h);
	va_end(ap);
	if (rc == FL_OK && sqlite3_column_type(h.s, 0) != SQLITE_NULL) {
		*out = fl_strdup((const char *)sqlite3_column_text(h.s, 0));
		if (*out == NULL)
			rc = FL_E_NOMEM;
	}
	stmt_put(&h);
	return rc;
}

fl_err
st_query_json(struct fl_store *st, char **out, const char *sql,
	      const char *types, ...)
{
	sqlite3_stmt *s;
	struct stmt h;
	struct fl_buf b;
	struct fl_json j;
	va_list ap;
	fl_err rc;
	int i, n;

	*out = NULL;
	va_start(ap, types);
	rc = first_row(st, sql, types, ap, &h);
	va_end(ap);
	if (rc != FL_OK) {
		stmt_put(&h);
		return rc == FL_E_NOTFOUND ? FL_OK : rc;
	}
	s = h.s;
	fl_buf_init(&b, 0);
	fl_json_init(&j, &b, 0);
	fl_json_obj_open(&j);
	n = sqlite3_column_count(s);
	for (i = 0; i < n; i++) {
		fl_json_key(&j, sqlite3_column_name(s, i));
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_NULL: fl_json_null(&j); break;
		case SQLITE_INTEGER: fl_json_int(&j, sqlite3_column_int64(s, i)); break;
		case SQLITE_FLOAT: fl_json_num(&j, sqlite3_column_double(s, i)); break;
		default: fl_json_str(&j, (const char *)sqlite3_column_text(s, i)); break;
		}
	}
	fl_json_obj_close(&j);
	stmt_put(&h);
	*out = fl_buf_steal(&b);
	return *out ? FL_OK : FL_E_NOMEM;
}

long long
st_row_int(const struct fl_row *row, const char *name, long long dflt)
{
	const char *v = fl_row_get(row, name);
	long x;

	if (v == NULL || fl_parse_long(v, LONG_MIN, LONG_MAX, &x) != 0)
		return dflt;
	return x;
}

const char *
fl_row_get(const struct fl_row *row, const char *name)
{
	int i;

	for (i = 0; i < row->ncol; i++)
		if (strcmp(row->names[i], name) == 0)
			return row->vals[i];
	return NULL;
}

/* ---- transactions ------------------------------------------------------ */

fl_err
fl_store_begin(struct fl_store *st)
{
	if (st->in_tx)
		return FL_E_INTERNAL;
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, "begin");
	st->in_tx = 1;
	return FL_OK;
}

fl_err
fl_store_commit(struct fl_store *st)
{
	if (!st->in_tx)
		return FL_E_INTERNAL;
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fl_err rc = db_fail(st, "commit");
		fl_store_rollback(st);
		return rc;
	}
	st->in_tx = 0;
	return FL_OK;
}

void
fl_store_rollback(struct fl_store *st)
{
	if (!st->in_tx)
		return;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

/* ---- settings ---------------------------------------------------------- */

fl_err
fl_store_setting_get(struct fl_store *st, const char *key, char **out)
{
	fl_err rc = st_query_text(st, out, "SELECT value FROM setting WHERE key = ?",
				  "t", key);

	return rc == FL_E_NOTFOUND ? FL_OK : rc;
}

fl_err
fl_store_setting_set(struct fl_store *st, const char *key, const char *value)
{
	return st_exec(st,
		       "INSERT INTO setting (key, value) VALUES (?, ?) "
		       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		       "tt", key, value);
}

/* ---- migrations -------------------------------------------------------- */

/*
 * Replace the portable tokens by this back end's words: {{ID}} is the
 * auto-numbered key; {{NOROWID}} ends a table whose primary key is all it
 * is looked up by (a sighting, a covered port), which SQLite then stores
 * as that one B-tree instead of a table and an index beside it.
 */
static char *
migration_sql(const char *sql)
{
	static const struct {
		const char *tok, *rep;
	} subst[] = {
		{"{{ID}}", "INTEGER PRIMARY KEY"},
		{"{{NOROWID}}", "WITHOUT ROWID"},
	};
	struct fl_buf b;
	const char *p, *best;
	size_t i, k = 0;

	fl_buf_init(&b, 0);
	for (;;) {
		best = NULL;
		for (i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
			p = strstr(sql, subst[i].tok);
			if (p != NULL && (best == NULL || p < best)) {
				best = p;
				k = i;
			}
		}
		if (best == NULL)
			break;
		if (fl_buf_append(&b, sql, (size_t)(best - sql)) ||
		    fl_buf_puts(&b, subst[k].rep)) {
			fl_buf_release(&b);
			return NULL;
		}
		sql = best + strlen(subst[k].tok);
	}
	if (fl_buf_puts(&b, sql)) {
		fl_buf_release(&b);
		return NULL;
	}
	return fl_buf_steal(&b);
}

static const char fts_sql[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS control_fts USING fts5("
	" label, title, statement, guidance, description,"
	" content='control', content_rowid='id',"
	" tokenize='porter unicode61');"
	"CREATE TRIGGER IF NOT EXISTS control_fts_ai AFTER INSERT ON control BEGIN"
	" INSERT INTO control_fts(rowid, label, title, statement, guidance, description)"
	" VALUES (new.id, new.label, new.title, new.statement, new.guidance, new.description);"
	"END;"
	"CREATE TRIGGER IF NOT EXISTS control_fts_ad AFTER DELETE ON control BEGIN"
	" INSERT INTO control_fts(control_fts, rowid, label, title, statement, guidance, description)"
	" VALUES ('delete', old.id, old.label, old.title, old.statement, old.guidance, old.description);"
	"END;"
	"CREATE TRIGGER IF NOT EXISTS control_fts_au AFTER UPDATE ON control BEGIN"
	" INSERT INTO control_fts(control_fts, rowid, label, title, statement, guidance, description)"
	" VALUES ('delete', old.id, old.label, old.title, old.statement, old.guidance, old.description);"
	" INSERT INTO control_fts(rowid, label, title, statement, guidance, description)"
	" VALUES (new.id, new.label, new.title, new.statement, new.guidance, new.description);"
	"END;";

/*
 * Words become FTS5 phrases ("AC-2" -> "AC-2", tokenised as ac 2), so no
 * user input is ever read as FTS5 syntax; all of them must match.  A
 * control whose title is exactly the query comes first ("account
 * management" -> AC-2 before its enhancements), then bm25 with labels and
 * titles weighing most.
 */
fl_err
st_control_search(struct fl_store *st, const char *query, const char *catalog,
		  long limit, fl_row_fn fn, void *ctx)
{
	struct fl_buf q;
	const char *p = query;
	int words = 0;
	fl_err rc = FL_OK;

	fl_buf_init(&q, 4096);
	while (*p && rc == FL_OK && words < 32) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		if (words++)
			rc = fl_buf_putc(&q, ' ');
		if (rc == FL_OK)
			rc = fl_buf_putc(&q, '"');
		for (; *p && *p != ' ' && *p != '\t' && *p != '\n' &&
			    *p != '\r' && rc == FL_OK; p++)
			rc = *p == '"' ? fl_buf_puts(&q, "\"\"") : fl_buf_putc(&q, *p);
		if (rc == FL_OK)
			rc = fl_buf_putc(&q, '"');
	}
	if (rc == FL_OK && words == 0)
		rc = FL_E_INVAL;
	if (rc == FL_OK)
		rc = st_query(st,
			      "SELECT k.key AS catalog, c.key,"
			      " COALESCE(c.label, c.key) AS label, c.title,"
			      " c.withdrawn,"
			      " round(-bm25(control_fts, 10.0, 5.0, 1.0, 0.2, 1.0), 3)"
			      " AS score,"
			      " snippet(control_fts, -1, '[', ']', '...', 10) AS snippet"
			      " FROM control_fts"
			      " JOIN control c ON c.id = control_fts.rowid"
			      " JOIN catalog k ON k.id = c.catalog_id"
			      " WHERE control_fts MATCH ?"
			      " AND k.key = COALESCE(?, k.key)"
			      " ORDER BY c.withdrawn,"
			      " CASE WHEN lower(c.title) = lower(?) THEN 0 ELSE 1 END,"
			      " bm25(control_fts, 10.0, 5.0, 1.0, 0.2, 1.0), c.id"
			      " LIMIT ?",
			      fn, ctx, "ttti", fl_buf_str(&q), catalog, query,
			      (long long)(limit > 0 ? limit : -1));
	fl_buf_release(&q);
	return rc;
}

static fl_err migrate_all(struct fl_store *st, struct fl_diag *d);

/* Whether the open transaction left a row pointing at nothing. */
static fl_err
fk_check(struct fl_store *st, const char *name)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s,
			       NULL) != SQLITE_OK)
		return db_fail(st, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *child = (const char *)sqlite3_column_text(s, 0);
		const char *parent = (const char *)sqlite3_column_text(s, 2);

		snprintf(st->errmsg, sizeof st->errmsg, "%s: a row of %s points"
			 " at a missing row of %s", name, child ? child : "?",
			 parent ? parent : "?");
		sqlite3_finalize(s);
		return FL_E_DB;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, name);
	return FL_OK;
}

/*
 * Apply the migrations the database has not seen, each in a transaction.
 * Foreign keys are off while they run, as SQLite's procedure for
 * rebuilding a table requires (dropping the old table would otherwise
 * cascade to every row pointing at it); each migration is checked with
 * foreign_key_check before it commits instead.
 */
static fl_err
migrate(struct fl_store *st, struct fl_diag *d)
{
	fl_err rc;

	if (sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL,
			 NULL) != SQLITE_OK)
		return fl_diag_msg(d, db_fail(st, "migrations"), "%s",
				   st->errmsg);
	rc = migrate_all(st, d);
	if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL,
			 NULL) != SQLITE_OK && rc == FL_OK)
		rc = fl_diag_msg(d, db_fail(st, "migrations"), "%s",
				 st->errmsg);
	return rc;
}

static fl_err
migrate_all(struct fl_store *st, struct fl_diag *d)
{
	const struct fl_migration *m;
	long long cur = 0;
	fl_err rc;
	char *sql, ver[16];
	int have;

	have = st_query_int(st, &cur,
			    "SELECT COUNT(*) FROM sqlite_master WHERE name = 'setting'",
			    "") == FL_OK && cur > 0;
	cur = 0;
	if (have) {
		char *v = NULL;
		long lv = 0;
		if ((rc = fl_store_setting_get(st, "schema_version", &v)) != FL_OK)
			return fl_diag_msg(d, rc, "%s", st->errmsg);
		if (v && fl_parse_long(v, 0, 100000, &lv) == 0)
			cur = lv;
		free(v);
	}
	for (m = fl_migrations; m->version; m++) {
		if (m->version <= cur)
			continue;
		/* another back end's step: only its version is recorded */
		if ((sql = migration_sql(m->backend == NULL ||
					 strcmp(m->backend, "sqlite") == 0
					 ? m->sql : "")) == NULL)
			return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		if ((rc = fl_store_begin(st)) != FL_OK) {
			free(sql);
			return fl_diag_msg(d, rc, "%s", st->errmsg);
		}
		if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			rc = db_fail(st, m->name);
			free(sql);
			fl_store_rollback(st);
			return fl_diag_msg(d, rc, "migration %s", st->errmsg);
		}
		free(sql);
		if ((rc = fk_check(st, m->name)) != FL_OK) {
			fl_store_rollback(st);
			return fl_diag_msg(d, rc, "migration %s", st->errmsg);
		}
		snprintf(ver, sizeof ver, "%d", m->version);
		if ((rc = fl_store_setting_set(st, "schema_version", ver)) != FL_OK ||
		    (rc = fl_store_commit(st)) != FL_OK) {
			fl_store_rollback(st);
			return fl_diag_msg(d, rc, "migration %s: %s", m->name,
					   st->errmsg);
		}
	}
	if (sqlite3_exec(st->db, fts_sql, NULL, NULL, NULL) != SQLITE_OK)
		return fl_diag_msg(d, db_fail(st, "fts"), "%s", st->errmsg);
	return FL_OK;
}

int
fl_store_schema_version(struct fl_store *st)
{
	char *v = NULL;
	long lv = 0;

	if (fl_store_setting_get(st, "schema_version", &v) == FL_OK && v)
		fl_parse_long(v, 0, 100000, &lv);
	free(v);
	return (int)lv;
}

/* ---- open/close -------------------------------------------------------- */

/*
 * Process-wide settings, made once before SQLite is first used: each
 * connection is used by one thread at a time (no per-call mutexes), and
 * SQLite keeps no memory statistics (no counter updates per allocation).
 */
static void
sqlite_configure(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

fl_err
fl_store_open(const char *path, int create, struct fl_store **out,
	      struct fl_diag *d)
{
	struct fl_store *st;
	struct stat sb;
	fl_err rc;
	int flags = SQLITE_OPEN_READWRITE;

	*out = NULL;
	if (!create && stat(path, &sb) != 0)
		return fl_diag_msg(d, FL_E_NOINPUT,
				   "no database at '%s': run 'firstline init' "
				   "or pass --db",
				   path);
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	sqlite_configure();
	fl_strlcpy(st->actor, "unknown", sizeof st->actor);
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		rc = fl_diag_msg(d, FL_E_DB, "cannot open database '%s': %s",
				 path, st->db ? sqlite3_errmsg(st->db) : "no memory");
		fl_store_close(st);
		return rc;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* more and larger lookaside slots: the statements of an import
	 * build records of a few hundred bytes each, many times over */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 512, 1024);
	sqlite3_busy_timeout(st->db, 5000);
	if (sqlite3_exec(st->db,
			 "PRAGMA foreign_keys = ON;"
			 /* for a new database only: rows of a few hundred
			  * bytes (findings with their evidence) in 16 KiB
			  * pages take a quarter of the reads and writes of
			  * 4 KiB ones through a large import */
			 "PRAGMA page_size = 16384;"
			 "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = NORMAL;"
			 /* a 4 MiB page cache: an import appends (findings
			  * in rowid order, their keys host after host), so
			  * the pages it needs again are few; the rest spill
			  * to the WAL while the reader thread still parses,
			  * instead of all at the commit that ends the import
			  * (measured: 116 MB and 1 GB imports and re-imports
			  * all faster than with 24 MiB) */
			 "PRAGMA cache_size = -4096;"
			 "PRAGMA temp_store = MEMORY;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		rc = fl_diag_msg(d, FL_E_DB, "cannot open database '%s': %s",
				 path, sqlite3_errmsg(st->db));
		fl_store_close(st);
		return rc;
	}
	if ((rc = migrate(st, d)) != FL_OK) {
		fl_store_close(st);
		return rc;
	}
	/* what the migrations prepared was prepared around their DDL */
	cache_flush(st);
	*out = st;
	return FL_OK;
}

void
fl_store_close(struct fl_store *st)
{
	if (st == NULL)
		return;
	fl_store_rollback(st);
	/* sqlite3_close refuses a connection with live statements */
	cache_flush(st);
	sqlite3_close(st->db);
	free(st);
}

void
fl_store_set_actor(struct fl_store *st, const char *actor)
{
	fl_strlcpy(st->actor, actor && *actor ? actor : "unknown",
		   sizeof st->actor);
}

const char *
fl_store_actor(const struct fl_store *st)
{
	return st->actor;
}
