/*
 * util: the small pieces every other module stands on.
 *
 * One error type for the whole program (fl_err), a diagnostic that says where
 * in an input file something went wrong (fl_diag), a capped growable byte
 * buffer (fl_buf), a JSON writer that escapes every byte (fl_json), and
 * overflow-checked size arithmetic.  Nothing here prints or exits.
 */
#ifndef FL_UTIL_H
#define FL_UTIL_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum fl_err {
	FL_OK = 0,
	FL_E_NOMEM,    /* allocation failed */
	FL_E_LIMIT,    /* a configured bound was hit: size, depth, count */
	FL_E_SYNTAX,   /* malformed input; the diag says where and why */
	FL_E_IO,       /* reading or writing a file failed */
	FL_E_DB,       /* the database refused or failed */
	FL_E_NOTFOUND, /* a named object does not exist */
	FL_E_INVAL,    /* a well-formed request that the rules refuse */
	FL_E_NOINPUT,  /* an input file does not exist or cannot be opened */
	FL_E_INTERNAL  /* a broken invariant: a bug, never bad input */
} fl_err;

/* Where and why: filled by the module that failed, printed by cli/. */
struct fl_diag {
	char file[256]; /* input file, or "" when not about a file */
	unsigned long line, col; /* 1-based; 0 when unknown */
	char msg[512];
};

/* Reset a diag to "nothing said". */
void fl_diag_clear(struct fl_diag *d);
/* Record file/line/col and a printf-style reason; returns rc for chaining. */
fl_err fl_diag_set(struct fl_diag *d, fl_err rc, const char *file,
		   unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Same without a position. */
fl_err fl_diag_msg(struct fl_diag *d, fl_err rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Short lowercase name of an error code ("out of memory"). */
const char *fl_err_str(fl_err rc);
/* The sysexits code for an error: 65 data, 66 no input, 70 internal, 74 io/db. */
int fl_err_exit(fl_err rc);

/* Overflow-checked arithmetic: returns 0 and stores the result, or -1. */
static inline int
fl_size_add(size_t a, size_t b, size_t *out)
{
	return __builtin_add_overflow(a, b, out) ? -1 : 0;
}
static inline int
fl_size_mul(size_t a, size_t b, size_t *out)
{
	return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

/*
 * fl_buf: a growable byte buffer with a hard cap.  The data is always
 * NUL-terminated so it can be handed to C string APIs, but its length is
 * authoritative.  The caller embeds the struct: fl_buf_init / fl_buf_release.
 */
struct fl_buf {
	char *data;
	size_t len, cap, max;
};
#define FL_BUF_DEFAULT_MAX ((size_t)256 << 20)

void fl_buf_init(struct fl_buf *b, size_t max);
void fl_buf_release(struct fl_buf *b);
void fl_buf_reset(struct fl_buf *b);
fl_err fl_buf_append(struct fl_buf *b, const void *p, size_t n);
/* Room for extra more bytes (and the NUL), so that writers may fill
 * data + len directly and then move len. */
fl_err fl_buf_reserve(struct fl_buf *b, size_t extra);
fl_err fl_buf_puts(struct fl_buf *b, const char *s);
fl_err fl_buf_putc(struct fl_buf *b, char c);
fl_err fl_buf_printf(struct fl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the bytes to the caller (who frees them); the buffer is left empty. */
char *fl_buf_steal(struct fl_buf *b);
/* The text, never NULL ("" when empty). */
const char *fl_buf_str(const struct fl_buf *b);
/* Read a whole file into b (capped by b->max).  Missing file: FL_E_NOINPUT. */
fl_err fl_buf_read_file(struct fl_buf *b, const char *path, struct fl_diag *d);

/*
 * fl_json: a streaming JSON writer into an fl_buf.  Strings are escaped
 * byte by byte; invalid UTF-8 is replaced by U+FFFD so the output is always
 * valid JSON.  Commas are inserted automatically.
 */
struct fl_json {
	struct fl_buf *out;
	int depth;
	unsigned char need_comma[64];
	int after_key;
	int pretty;
};
void fl_json_init(struct fl_json *j, struct fl_buf *out, int pretty);
void fl_json_obj_open(struct fl_json *j);
void fl_json_obj_close(struct fl_json *j);
void fl_json_arr_open(struct fl_json *j);
void fl_json_arr_close(struct fl_json *j);
void fl_json_key(struct fl_json *j, const char *k);
/* A key of n bytes (not NUL-terminated). */
void fl_json_keyn(struct fl_json *j, const char *k, size_t n);
void fl_json_str(struct fl_json *j, const char *s);
void fl_json_strn(struct fl_json *j, const char *s, size_t n);
void fl_json_int(struct fl_json *j, long long v);
void fl_json_num(struct fl_json *j, double v);
void fl_json_bool(struct fl_json *j, int v);
void fl_json_null(struct fl_json *j);
/* Append s to b as a JSON string literal (with quotes). */
fl_err fl_json_escape(struct fl_buf *b, const char *s, size_t n);

/* Strings. */
/* Copy at most dstsz-1 bytes and NUL-terminate; returns strlen(src). */
size_t fl_strlcpy(char *dst, const char *src, size_t dstsz);
/* Code point cp (below 0x110000; surrogates too, for callers that carry
 * UTF-16's lone ones along) as UTF-8 into out, which has room for the
 * bytes it takes; the byte count, 1 to 4. */
size_t fl_utf8_put(unsigned long cp, char *out);
/* malloc'ed copy; NULL on allocation failure or NULL input. */
char *fl_strdup(const char *s);
char *fl_strndup(const char *s, size_t n);
/* Parse a decimal integer in [min,max] from the whole string; 0 ok, -1 not. */
int fl_parse_long(const char *s, long min, long max, long *out);
/* Trim ASCII whitespace in place; returns s. */
char *fl_trim(char *s);
/* Case-insensitive ASCII equality. */
int fl_streq_ci(const char *a, const char *b);

/* Time, always UTC. */
/* Now, or $FIRSTLINE_NOW (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) for tests. */
time_t fl_now(void);
/* "2026-11-27T23:42:00Z" into out (at least 21 bytes). */
void fl_time_iso(time_t t, char out[static 21]);
/* "2026-11-27" into out (at least 11 bytes). */
void fl_time_date(time_t t, char out[static 11]);
/* Parse YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z]; 0 ok, -1 not a valid date. */
int fl_time_parse(const char *s, time_t *out);
/* Days from date a to date b (b - a), both YYYY-MM-DD or timestamps. */
int fl_days_between(time_t a, time_t b);

/* SHA-256 of a file as 64 hex chars; FL_E_NOINPUT when missing, FL_E_IO
 * when it cannot be read. */
fl_err fl_sha256_file(const char *path, char out[static 65], struct fl_diag *d);
/* The same, with the number of bytes hashed in *size (may be NULL). */
fl_err fl_sha256_file_size(const char *path, char out[static 65],
			   long long *size, struct fl_diag *d);
/* A 64-bit hash of n bytes: for hash tables, never for security. */
uint64_t fl_hash64(const void *p, size_t n);
/* SHA-256 of bytes already in memory (what was parsed is what is hashed);
 * FL_E_NOMEM or FL_E_INTERNAL leave out empty. */
fl_err fl_sha256_mem(const void *p, size_t n, char out[static 65]);
/* SHA-256 of bytes as they stream by: begin (NULL: out of memory), add,
 * and end, which writes 64 hex digits and frees the state (also a NULL
 * one, saying FL_E_NOMEM). */
struct fl_sha256;
struct fl_sha256 *fl_sha256_begin(void);
void fl_sha256_add(struct fl_sha256 *h, const void *p, size_t n);
fl_err fl_sha256_end(struct fl_sha256 *h, char out[static 65]);

/*
 * Files compiled into the binary by tools/embed_sql.py: the schema
 * migrations (src/store/migrations) and the shipped data (data/).
 */
struct fl_migration {
	int version;
	const char *name;
	const char *backend; /* "sqlite": that back end only; NULL: all */
	const char *sql;
};
struct fl_datafile {
	const char *name;
	const char *text;
};
extern const struct fl_migration fl_migrations[]; /* ends with version 0 */
extern const struct fl_datafile fl_datafiles[];   /* ends with name NULL */
/* Text of shipped data file NAME (base name, e.g. "risk-matrix.conf"), or NULL. */
const char *fl_data_text(const char *name);

#include "banned.h"

#endif
