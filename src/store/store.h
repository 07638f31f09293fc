/*
 * store: the only module that speaks SQL.
 *
 * The rest of firstline sees an opaque struct fl_store, transactions, and
 * one function per domain operation.  Every statement binds its parameters;
 * no SQL text is ever built from input.  Listings come back as generic rows
 * (struct fl_row) whose column names are the stable field names of the
 * --json output, so cli/ prints tables and JSON without knowing the schema.
 *
 * The schema lives in migrations/NNN_name.sql, written in SQL that both
 * SQLite and PostgreSQL accept; the one back-end-specific spelling (an
 * auto-numbered primary key) is the token {{ID}}.  Anything SQLite-only
 * (pragmas, the FTS5 index) stays in sqlite.c.
 *
 * Every change made through a domain function appends a hash-chained entry
 * to the audit log inside the same transaction, so the log can never
 * disagree with the data it describes.
 */
#ifndef FL_STORE_H
#define FL_STORE_H

#include "../util/util.h"

struct fl_store;

/* ---- connection and transactions ---------------------------------- */

/*
 * Open (and with create != 0, create) the database at path and apply any
 * pending migrations.  On success *out owns the connection: fl_store_close.
 * Without create, a missing file is FL_E_NOINPUT ("run firstline init").
 */
fl_err fl_store_open(const char *path, int create, struct fl_store **out,
		     struct fl_diag *d);
void fl_store_close(struct fl_store *st);
/* Schema version after migrations. */
int fl_store_schema_version(struct fl_store *st);
/* Who is acting: recorded in the audit log.  The string is copied. */
void fl_store_set_actor(struct fl_store *st, const char *actor);
const char *fl_store_actor(const struct fl_store *st);

/* One transaction per unit of work (an import, a command).  Not nested. */
fl_err fl_store_begin(struct fl_store *st);
fl_err fl_store_commit(struct fl_store *st);
void fl_store_rollback(struct fl_store *st);

/* The last database error message (borrowed, valid until the next call). */
const char *fl_store_errmsg(struct fl_store *st);

/* ---- generic rows --------------------------------------------------- */

enum fl_col_type { FL_COL_NULL, FL_COL_INT, FL_COL_REAL, FL_COL_TEXT };

/* One result row; all pointers are borrowed for the duration of the callback. */
struct fl_row {
	int ncol;
	const char *const *names; /* stable field names */
	const char *const *vals;  /* text of each value, NULL for SQL NULL */
	const enum fl_col_type *types;
};
/* Called once per row; a non-FL_OK return stops the query with that code. */
typedef fl_err (*fl_row_fn)(void *ctx, const struct fl_row *row);

/* Value of column name in row, or NULL when absent or NULL. */
const char *fl_row_get(const struct fl_row *row, const char *name);

/* ---- settings (key/value, e.g. the risk matrix text) --------------- */

/* *out is malloc'ed, or NULL when unset. */
fl_err fl_store_setting_get(struct fl_store *st, const char *key, char **out);
fl_err fl_store_setting_set(struct fl_store *st, const char *key,
			    const char *value);

/* ---- audit trail ---------------------------------------------------- */

/*
 * Append one entry: action ("risk.create"), object ("risk:R-0003"),
 * before/after as JSON text or NULL.  Time and actor come from the store.
 * The entry's hash is BLAKE2b-256 over the previous hash and the entry's
 * fields (see core/audit.c), so any edit, deletion or reordering of rows
 * breaks the chain.
 */
fl_err fl_store_audit(struct fl_store *st, const char *action,
		      const char *object, const char *before, const char *after);
/* Every entry in order, oldest first (fields: seq, time, actor, action,
 * object, before, after, hash). limit 0 means all; newest_first reverses. */
fl_err fl_store_audit_list(struct fl_store *st, long limit, int newest_first,
			   fl_row_fn fn, void *ctx);
/*
 * Re-compute the chain.  FL_OK when intact; FL_E_SYNTAX with *bad_seq set to
 * the first entry whose hash, link or sequence is wrong, and a reason in d.
 */
fl_err fl_store_audit_verify(struct fl_store *st, long *checked,
			     long *bad_seq, struct fl_diag *d);

/* ---- entities, people, assets (store/org.c) -------------------------- */
/* SECTION org: owned by the org/asset work; edit only inside this block. */
/* END SECTION org */

/* ---- catalogues and controls (store/catalog.c) --------------------- */
/* SECTION catalog */
/* END SECTION catalog */

/* ---- implementation, evidence, tests (store/control.c) -------------- */
/* SECTION control */
/* END SECTION control */

/* ---- risk register (store/risk.c) ------------------------------------ */
/* SECTION risk */
/* END SECTION risk */

#endif
