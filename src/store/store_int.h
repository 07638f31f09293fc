/*
 * store_int.h: helpers shared by the files of store/ only (never included
 * outside this folder).  They keep each domain file to its SQL and its
 * bindings.
 *
 * Parameter lists are described by a type string, one letter a value:
 *   t  const char *   (NULL binds SQL NULL)
 *   i  long long
 *   d  double
 *   n  nothing passed; binds NULL
 */
#ifndef FL_STORE_INT_H
#define FL_STORE_INT_H

#include "store.h"

/* Run a statement that returns no rows (or whose rows are ignored). */
fl_err st_exec(struct fl_store *st, const char *sql, const char *types, ...);
/*
 * An INSERT of one row into a table with an {{ID}} key; *id receives the
 * new row's id.  (SQLite reads it from the connection; "RETURNING id" would
 * build a temporary table per execution, too slow for an import's hot
 * path.  Another back end appends RETURNING itself.)
 */
fl_err st_insert(struct fl_store *st, long long *id, const char *sql,
		 const char *types, ...);
/* Rows changed by the last st_exec. */
long long st_changes(struct fl_store *st);
/* Run a query; fn is called per row (fn may be NULL to only count). */
fl_err st_query(struct fl_store *st, const char *sql, fl_row_fn fn, void *ctx,
		const char *types, ...);
/* First column of the first row as an integer; FL_E_NOTFOUND when no row
 * (or the value is NULL). */
fl_err st_query_int(struct fl_store *st, long long *out, const char *sql,
		    const char *types, ...);
/* First column of the first row as malloc'ed text (NULL for SQL NULL);
 * FL_E_NOTFOUND when no row. */
fl_err st_query_text(struct fl_store *st, char **out, const char *sql,
		     const char *types, ...);
/* First row as a JSON object (malloc'ed), for audit before/after images;
 * *out is NULL when there is no row. */
fl_err st_query_json(struct fl_store *st, char **out, const char *sql,
		     const char *types, ...);

/* Integer value of column name in row, or dflt when absent, NULL or not
 * an integer. */
long long st_row_int(const struct fl_row *row, const char *name,
		     long long dflt);

/* An IPv4 or IPv6 address in inet_ntop's canonical form (out: at least
 * INET6_ADDRSTRLEN bytes); 0 when s is one, -1 when not. */
int st_canon_ip(const char *s, char *out, size_t outsz);

/* Now as ISO-8601 UTC text (fl_now(), so $FIRSTLINE_NOW pins it). */
void st_now(char out[static 21]);

/* Back-end hooks, implemented in sqlite.c. */
int st_is_sqlite(const struct fl_store *st);
/*
 * What the prepared-statement cache did since fl_store_open (the cache is
 * emptied once after the migrations): for tests and measurements.
 */
struct st_stmt_stats {
	long long hits;      /* statements reused from the cache */
	long long prepares;  /* statements compiled */
	long long nested;    /* compiled because the cached one was in use */
	long long evictions; /* finalized to make room */
	int cached;          /* statements held now */
};
void st_stmt_stats(const struct fl_store *st, struct st_stmt_stats *out);
/* Full-text search of controls (catalog.c's fl_store_control_search): the
 * back end's own index and query syntax stay behind this call. */
fl_err st_control_search(struct fl_store *st, const char *query,
			 const char *catalog, long limit, fl_row_fn fn,
			 void *ctx);

#endif
