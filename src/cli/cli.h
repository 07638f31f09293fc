/*
 * cli: the command line.  main.c dispatches `firstline [GLOBAL] GROUP VERB`
 * to one struct fl_cmd; each file of this folder defines the commands of
 * one group in a table.  Option parsing, --help, the man pages, error
 * messages and the table/JSON printers are shared here so every command
 * behaves alike.
 *
 * Exit codes (sysexits): 0 ok, 64 usage, 65 bad input data, 66 missing
 * input file, 70 internal error, 74 I/O or database error.
 */
#ifndef FL_CLI_H
#define FL_CLI_H

#include "../store/store.h"

enum { FL_EX_OK = 0, FL_EX_USAGE = 64, FL_EX_DATA = 65, FL_EX_NOINPUT = 66,
       FL_EX_SOFTWARE = 70, FL_EX_IO = 74 };

enum fl_opt_kind {
	FL_OPT_FLAG,  /* --name */
	FL_OPT_VALUE, /* --name VALUE or --name=VALUE; last one wins */
	FL_OPT_MULTI  /* --name VALUE, repeatable */
};

struct fl_opt {
	const char *name; /* without the leading "--"; NULL ends a table */
	enum fl_opt_kind kind;
	const char *metavar;
	const char *help;
};

#define FL_MAX_OPTS 40

struct fl_args {
	int npos;
	char **pos; /* borrowed from argv */
	const struct fl_opt *opts;
	int nopts;
	const char *val[FL_MAX_OPTS];
	int count[FL_MAX_OPTS];
	const char **multi[FL_MAX_OPTS]; /* malloc'ed arrays of borrowed strings */
};

/* Value of --name, or NULL when not given. */
const char *fl_arg(const struct fl_args *a, const char *name);
/* Whether flag --name was given. */
int fl_flag(const struct fl_args *a, const char *name);
/* Values of a repeatable --name; returns the count. */
int fl_arg_multi(const struct fl_args *a, const char *name,
		 const char *const **vals);

/* Command flags. */
enum {
	FL_CMD_NODB = 1 << 0, /* does not open the database */
	FL_CMD_JSON = 1 << 1, /* a listing: gets --json */
	FL_CMD_CREATE = 1 << 2 /* creates the database when missing */
};

struct fl_ctx;

struct fl_cmd {
	const char *group; /* "risk"; NULL ends a table */
	const char *verb;  /* "list", or NULL for a group-less command (init) */
	const char *synopsis; /* positional arguments, e.g. "ID" */
	const char *summary;  /* one line, lowercase, no full stop */
	const char *description; /* paragraphs for --help and the man page */
	const struct fl_opt *opts; /* may be NULL */
	int min_pos, max_pos;      /* max_pos -1: unbounded */
	int flags;
	int (*run)(struct fl_ctx *ctx, const struct fl_args *a);
	const char *json_fields; /* documentation of --json fields, or NULL */
};

struct fl_ctx {
	const char *db_path;
	const char *actor;
	struct fl_store *st; /* opened by main unless FL_CMD_NODB */
	const struct fl_cmd *cmd;
	int json; /* --json was given */
	struct fl_diag diag;
	const char *argv0;
};

/* Every group's table, defined in its own file. */
extern const struct fl_cmd fl_cmds_misc[];    /* init, demo, version */
extern const struct fl_cmd fl_cmds_org[];     /* entity, person, asset */
extern const struct fl_cmd fl_cmds_catalog[];
extern const struct fl_cmd fl_cmds_control[];
extern const struct fl_cmd fl_cmds_risk[];
extern const struct fl_cmd fl_cmds_audit[];
extern const struct fl_cmd fl_cmds_demo[];
extern const struct fl_cmd fl_cmds_vuln[];
extern const struct fl_cmd fl_cmds_notify[];
extern const struct fl_cmd fl_cmds_incident[];
extern const struct fl_cmd fl_cmds_detect[];   /* Sigma rules */
extern const struct fl_cmd fl_cmds_detect_run[]; /* detect run, tail */

/* ---- errors -------------------------------------------------------- */

/*
 * Print one line for rc and ctx->diag to stderr and return the exit code:
 * "firstline: FILE:LINE:COL: what" for input files, "firstline: what"
 * otherwise.  For FL_E_DB with an empty diag, the store's message is used.
 */
int fl_cli_fail(struct fl_ctx *ctx, fl_err rc);
/* Print "firstline: <msg>" and return FL_EX_USAGE (or the given code). */
int fl_cli_usage(struct fl_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fl_cli_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- output -------------------------------------------------------- */

/*
 * A listing: rows are collected (copied) from fl_row callbacks, then printed
 * as an aligned table (only the columns named in cols, comma-separated, or
 * all when NULL) or, with ctx->json, as a JSON array of objects with every
 * column.  Column names ending in "_json" hold JSON text and are embedded
 * as values under the name without the suffix.
 */
struct fl_table {
	int ncol;
	char **names;
	enum fl_col_type *types;
	char ***rows; /* rows[r][c], NULL for SQL NULL */
	size_t nrows, cap;
	fl_err err;
};
void fl_table_init(struct fl_table *t);
void fl_table_release(struct fl_table *t);
/* fl_row_fn that appends a row to the fl_table passed as ctx. */
fl_err fl_table_add(void *ctx, const struct fl_row *row);
/* Print and return an exit code. */
int fl_table_print(struct fl_ctx *ctx, struct fl_table *t, const char *cols);
/*
 * Print t as filled by a query that returned rc (its error, or t's own,
 * is reported instead), release t, and return the exit code.
 */
int fl_table_finish(struct fl_ctx *ctx, struct fl_table *t, fl_err rc,
		    const char *cols);
/* Print one row vertically ("field: value" lines) or as one JSON object. */
int fl_table_print_one(struct fl_ctx *ctx, struct fl_table *t);

/* Value of column name in row r of t (borrowed), or NULL. */
const char *fl_table_cell(const struct fl_table *t, size_t r, const char *name);
/* Write cell (c, value v) of t as a JSON value, typed as fl_table_print
 * does (numbers as numbers, *_json columns verbatim). */
void fl_table_json_cell(struct fl_json *j, struct fl_table *t, int c,
			const char *v);
/* Whether a column holds JSON text (its name ends in "_json"). */
int fl_cli_is_json_name(const char *name);

/*
 * End a writing command: commit when rc is FL_OK, otherwise (or when the
 * commit fails) roll back, print the error and return its exit code.
 */
int fl_cli_finish(struct fl_ctx *ctx, fl_err rc);

/* Whether stderr is a terminal (progress is shown only then). */
int fl_cli_progress_enabled(void);

/* Man page text (roff) of a group, generated from the tables. */
void fl_cli_man(FILE *out, const char *group);

/* Run a whole command line (used by main and by the demo). */
int fl_cli_main(int argc, char **argv);

#endif
