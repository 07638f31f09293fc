/*
 * ingest: readers for untrusted input files.  Each reader is a pure
 * function from bytes to records: it takes (pointer, length), the file name
 * for diagnostics and its limits, and calls back once per record.  It never
 * touches the database and never prints; a malformed input stops it with
 * FL_E_SYNTAX (or FL_E_LIMIT) and a diag naming file, line and column.
 * A callback's non-FL_OK return stops the reader with that code.
 */
#ifndef FL_INGEST_H
#define FL_INGEST_H

#include "../util/util.h"

/* ---- CSV (ingest/csv.c) ------------------------------------------------ */

/*
 * RFC 4180 CSV: quoted fields with "" escapes and embedded newlines, CRLF or
 * LF line ends, a UTF-8 BOM skipped, blank lines skipped.  delim 0 means
 * detect from the header line (',' ';' or tab, whichever occurs most outside
 * quotes); '"', CR or LF as delim is FL_E_INVAL.  A record's text is bounded
 * by 4 x max_field_len.  Error columns count characters (UTF-8), from 1.
 */
struct fl_csv_limits {
	size_t max_fields;    /* per record; default 512 */
	size_t max_field_len; /* bytes; default 1 MiB */
	size_t max_records;   /* default 10,000,000 */
};

struct fl_csv_record {
	size_t nfields;
	const char *const *fields; /* NUL-terminated copies, borrowed */
	const size_t *lens;
	unsigned long line;        /* line where the record starts */
	size_t index;              /* 0 for the first record (the header) */
};

typedef fl_err (*fl_csv_fn)(void *ctx, const struct fl_csv_record *rec,
			    struct fl_diag *d);

fl_err fl_csv_parse(const char *data, size_t len, const char *filename,
		    char delim, const struct fl_csv_limits *lim, fl_csv_fn fn,
		    void *ctx, struct fl_diag *d);

/*
 * A header-addressed view: after fl_csv_header() on the first record,
 * fl_csv_col() finds a column by name (case-insensitive, trimmed) and
 * fl_csv_get() returns a record's field or "" when the record is short.
 */
struct fl_csv_header {
	size_t n;
	char **names;
};
fl_err fl_csv_header_init(struct fl_csv_header *h,
			  const struct fl_csv_record *rec);
void fl_csv_header_release(struct fl_csv_header *h);
/* Index of the column, or -1. */
long fl_csv_col(const struct fl_csv_header *h, const char *name);
const char *fl_csv_get(const struct fl_csv_record *rec, long col);

/* ---- OSCAL catalogues (ingest/oscal.c) ---------------------------------- */

/*
 * OSCAL catalog documents, JSON or XML (detected from the first non-blank
 * byte: '{' JSON, '<' XML).  The reader walks groups and controls in
 * document order and reports each with its parent, so the caller can
 * rebuild the hierarchy.  XML with a DOCTYPE is refused (no entity
 * expansion, no external fetch).
 *
 * Text fields are flattened prose: statement items keep their labels
 * ("a. ... 1. ..."), one item per line; parameter insertions are kept as
 * "{{ insert: param, ID }}" so the text can be rendered with the Group's
 * own parameter values later.
 */
struct fl_oscal_limits {
	size_t max_depth;      /* nesting of groups/controls/parts; default 64 */
	size_t max_text;       /* bytes of one text field; default 4 MiB */
	size_t max_controls;   /* default 200,000 */
};

struct fl_oscal_catalog {
	const char *uuid, *title, *version, *oscal_version, *last_modified;
	const char *framework;  /* prop framework-identifier (e.g. "CSF"), or NULL */
};

struct fl_oscal_group {
	const char *id, *title, *class; /* id may be NULL in OSCAL; "" then */
	const char *parent_id;          /* enclosing group id, or NULL */
	size_t seq;                     /* document order, from 0 */
	unsigned long line;             /* where it starts (0: unknown) */
};

struct fl_oscal_control {
	const char *id, *title, *class;
	const char *label;      /* prop label (e.g. "AC-2(1)"), or NULL */
	const char *sort_id;    /* prop sort-id, or NULL */
	const char *group_id;   /* nearest enclosing group, or NULL */
	const char *parent_id;  /* enclosing control (enhancement), or NULL */
	int withdrawn;          /* prop status = withdrawn */
	size_t examples;        /* parts named "example" (CSF) */
	const char *statement;  /* flattened, or NULL */
	const char *guidance;   /* flattened, or NULL */
	const char *objectives; /* assessment-objective parts, flattened, or NULL */
	const char *methods;    /* assessment-method names, comma-separated, or NULL */
	const char *params_json; /* JSON array [{"id","label","choices":[...]}], or NULL */
	size_t seq;             /* document order, from 0 */
	unsigned long line;     /* where the control starts (1-based; 0 unknown) */
};

struct fl_oscal_sink {
	void *ctx;
	fl_err (*catalog)(void *ctx, const struct fl_oscal_catalog *c);
	fl_err (*group)(void *ctx, const struct fl_oscal_group *g);
	fl_err (*control)(void *ctx, const struct fl_oscal_control *c);
};

/* All pointers in the callbacks are borrowed for the call only. */
fl_err fl_oscal_parse(const char *data, size_t len, const char *filename,
		      const struct fl_oscal_limits *lim,
		      const struct fl_oscal_sink *sink, struct fl_diag *d);

/* ---- OSCAL profiles (ingest/profile.c) ----------------------------------- */

/*
 * An OSCAL profile in JSON, read for what it selects.  The callback gets
 * the metadata and the selection over all imports: every control of the
 * base when include_all, else the include-controls with-ids (ids may
 * repeat), less the exclude-controls with-ids (xids).  Which catalogue the
 * ids belong to is the caller's business (hrefs are not followed); "merge"
 * and "modify" are not read.  fl_oscal_profile_sniff says whether a
 * document's first member is "profile".
 */
struct fl_oscal_profile {
	const char *uuid, *title, *version, *oscal_version, *last_modified;
	int include_all;
	const char *const *ids;  /* include-controls with-ids, document order */
	size_t nids;
	const char *const *xids; /* exclude-controls with-ids */
	size_t nxids;
};
typedef fl_err (*fl_profile_fn)(void *ctx, const struct fl_oscal_profile *p);
int fl_oscal_profile_sniff(const char *data, size_t len);
/* All pointers in the callback are borrowed for the call only. */
fl_err fl_oscal_profile_parse(const char *data, size_t len,
			      const char *filename, fl_profile_fn fn,
			      void *ctx, struct fl_diag *d);

/* ---- requirement lists (ingest/reqlist.c) -------------------------------- */

/*
 * A regulation's requirement list as GRC tools publish it: one JSON object
 * {"id", "name", "controls": [{"id", "name", "description"?}, ...]}
 * ("requirements" is accepted for "controls").  fl_reqlist_sniff says
 * whether a JSON document looks like one (its first member is id, name,
 * title, version, description, controls, requirements or logo) rather than
 * an OSCAL document, so `catalog import` can pick the reader.
 */
struct fl_reqlist_meta {
	const char *id, *name, *version; /* each may be NULL */
};
struct fl_reqlist_item {
	const char *id, *name, *description; /* description may be NULL */
	size_t seq;
};
struct fl_reqlist_sink {
	void *ctx;
	fl_err (*list)(void *ctx, const struct fl_reqlist_meta *m);
	fl_err (*item)(void *ctx, const struct fl_reqlist_item *r);
};
int fl_reqlist_sniff(const char *data, size_t len);
/* All pointers in the callbacks are borrowed for the call only. */
fl_err fl_reqlist_parse(const char *data, size_t len, const char *filename,
			const struct fl_reqlist_sink *sink, struct fl_diag *d);

#endif
