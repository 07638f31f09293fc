/*
 * event_int: what the readers (jsonl.c, syslog.c) share with the reader
 * core (event.c).  Not a public API: only detect/ and its tests and fuzz
 * harnesses include it.
 *
 * The input window: buf[start, end) is read but not yet consumed.  In fd
 * mode buf is the reader's own block of cap bytes (max_record + chunk);
 * r_fill() moves the unconsumed tail to the front and reads one more chunk.
 * In memory mode buf is the caller's bytes and eof is set from the start.
 * Scratch holds what is not in the input as such (unescaped strings,
 * flattened names, small constants); it is one fixed block, reset per
 * record and never moved, so a slice into it stays valid for the event.
 */
#ifndef FL_DETECT_EVENT_INT_H
#define FL_DETECT_EVENT_INT_H

#include "event.h"

#define FL_KEY_UNSET UINT_MAX /* a field whose key finish() looks up */

/* The key of the field at one position of the last event: a file's next
 * event mostly has the same names in the same order, and comparing a
 * name with the one before costs less than hashing and finding it. */
#define FL_KPRED_FIELDS 128
#define FL_KPRED_NAME 40
struct fl_kpred {
	uint32_t n;             /* name length; UINT32_MAX: none yet */
	unsigned key;
	char name[FL_KPRED_NAME];
};

struct fl_reader {
	enum fl_format fmt;
	int fd;                 /* -1 in memory mode */
	const char *buf;        /* the window; == own in fd mode */
	char *own;
	size_t cap, start, end, chunk;
	int eof;
	unsigned long line;     /* line of buf[start] */
	unsigned long col;      /* 1-based column of buf[start] */

	struct fl_reader_opts o;
	char *source;

	struct fl_field *fields;
	size_t nfields;

	char *path;             /* JSON: the flattened name prefix */
	char *scr;              /* scratch */
	size_t scrlen, scrcap;

	const struct fl_keys *keys;
	uint32_t *slot_gen, *slot_first, *slot_last;
	unsigned nkeys;
	uint32_t gen;
	struct fl_kpred *kp;    /* the last event's names (fl_r_finish) */

	/* syslog */
	int sy_year, sy_month;  /* year in force and month of the last line */
	unsigned sy_key[64];    /* keys of the fixed syslog field names */

	/* compressed input (zstream.c): NULL while the input is plain */
	struct fl_zs *zs;
	int zchecked;           /* fd mode: the first bytes were looked at */
	size_t headoff;         /* bytes of o.head already read */

	/* a format's own state (EVTX, auditd), freed by fx_free at close */
	void *fx;
	void (*fx_free)(void *fx);

	struct fl_reader_stats st;
};

/* Read more input behind buf[start, end).  1: got bytes; 0: end of input
 * (eof set); -1: I/O error (d filled). */
int fl_r_fill(struct fl_reader *r, struct fl_diag *d);
/* fd mode: up to N bytes of raw input (o.head, then the fd) into DST;
 * the count, 0 at the end, -1 on an I/O error (d filled). */
long fl_r_raw(struct fl_reader *r, void *dst, size_t n, struct fl_diag *d);
/* Copy N bytes into scratch; NULL when scratch is full. */
const char *fl_r_scratch(struct fl_reader *r, const void *p, size_t n);
/* Append a field; -1 when max_fields is reached. */
int fl_r_field(struct fl_reader *r, const char *name, size_t nn,
	       const char *val, size_t vn, int type, unsigned key);
/* Stamp keys, link repeated names, fill *ev from the reader's fields. */
void fl_r_finish(struct fl_reader *r, struct fl_event *ev, unsigned long line);
/* Consume N bytes of the window, counting the lines they hold. */
void fl_r_consume(struct fl_reader *r, size_t n);
/* Skip the rest of an over-long line, up to its newline or the end of the
 * input: FL_READ_BAD (the line was refused), or FL_READ_FATAL with d set
 * when reading fails. */
enum fl_read fl_r_skip_line(struct fl_reader *r, struct fl_diag *d);
/* Whether [p, p+n) lies inside the reader's input window or scratch: the
 * fuzz harnesses' invariant. */
int fl_r_owns(const struct fl_reader *r, const char *p, size_t n);

/* Length of the valid UTF-8 sequence at p (at most n bytes); 0 when it is
 * invalid, -1 when it is cut short by the end of the bytes. */
int fl_utf8_seq(const unsigned char *p, size_t n);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t fl_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Field names of the evtx_dump JSON shape, which jsonl.c reads and evtx.c
 * renders EVTX records into (event.c): Event.System.X and
 * Event.EventData.X are X, a nested element X.Y is X_Y, its attributes
 * X_ and its text X, and anything else keeps its dotted path.  A reader
 * walks the objects with a frame each; fl_evshape_step tells, for an
 * object found under key K in FRAME, the frame it opens and what to add
 * to the field-name path: pre, then K itself when key is set, then post.
 */
enum fl_evframe {
	FL_EF_TOP, FL_EF_GEN, FL_EF_EVT, FL_EF_UDATA, FL_EF_SYS, FL_EF_DATA,
	FL_EF_HOLD, FL_EF_ATTR, FL_EF_SKIP
};
struct fl_evstep {
	int frame;
	const char *pre, *post; /* "" or one character */
	int key;
};
void fl_evshape_step(int frame, const char *k, size_t n, struct fl_evstep *out);

/* Compressed input (zstream.c). */
enum { FL_Z_NONE, FL_Z_GZIP, FL_Z_ZSTD };
struct fl_zs;
/* What the first N bytes at P start: FL_Z_GZIP, FL_Z_ZSTD or FL_Z_NONE
 * (by magic bytes; 4 bytes decide). */
int fl_z_kind(const void *p, size_t n);
/* Decompress r's input, of KIND, from now on.  Memory mode: P (n bytes,
 * borrowed) is the whole compressed input; fd mode: P holds the first N
 * bytes already read from the fd (copied). */
fl_err fl_z_open(struct fl_reader *r, int kind, const void *p, size_t n,
		 struct fl_diag *d);
/* Up to N decompressed bytes into DST: the count, 0 at the end of the
 * input, -1 when the stream is corrupt or cut short (d filled). */
long fl_z_read(struct fl_reader *r, char *dst, size_t n, struct fl_diag *d);
void fl_z_free(struct fl_zs *z);
/* For sniffing: what the compressed bytes P (n) start with, decompressed,
 * up to CAP bytes into OUT; the count.  A head cut short is no error. */
size_t fl_z_head(const void *p, size_t n, void *out, size_t cap);

/* Format entry points. */
enum fl_read fl_jsonl_next(struct fl_reader *r, struct fl_event *ev,
			   struct fl_diag *d);
void fl_syslog_setup(struct fl_reader *r);
enum fl_read fl_syslog_next(struct fl_reader *r, struct fl_event *ev,
			    struct fl_diag *d);
enum fl_read fl_auditd_next(struct fl_reader *r, struct fl_event *ev,
			    struct fl_diag *d);
/* EVTX: setup allocates the chunk state (r->fx) and moves scratch. */
fl_err fl_evtx_setup(struct fl_reader *r, struct fl_diag *d);
enum fl_read fl_evtx_next(struct fl_reader *r, struct fl_event *ev,
			  struct fl_diag *d);

#endif
