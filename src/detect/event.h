/*
 * event: what detection reads (an event: named fields with values, a
 * source, a record number, a time and a host) and the streaming readers
 * that turn log files into events (JSON objects, syslog lines).
 *
 * This is the hot path: a reader reads its input in fixed chunks into one
 * buffer it owns and reuses, and an event's names and values are
 * (pointer, length) slices into that buffer or into the reader's scratch
 * space.  Nothing is allocated per event once the reader is open, and the
 * memory a reader holds is bounded by its limits (the longest record), never
 * by the size of the input.
 *
 * Field lookup: the matcher looks up the same few names in every event, so
 * names are interned once, at setup, in a dictionary (struct fl_keys) that
 * maps each name the rules use to a small integer key.  The reader stamps
 * every field it produces with its key (one hash of the name per field) and
 * fills a per-reader slot table, so fl_event_get(ev, key) is an array load:
 * no string comparison per lookup, and no per-event table to clear (a
 * generation counter retires the previous event's slots).  Fields whose
 * names are not in the dictionary keep key FL_KEY_NONE and stay reachable
 * by fl_event_find() (a linear scan, for output and tests).  The dictionary
 * is immutable while readers use it, so one dictionary serves every thread.
 *
 * What it refuses: it never guesses a record boundary inside a record; a bad
 * record (malformed JSON, invalid UTF-8, a record over the size limit, a
 * line that is not syslog) is reported with FILE:LINE:COL and skipped, and
 * the next call goes on with the next record.
 */
#ifndef FL_DETECT_EVENT_H
#define FL_DETECT_EVENT_H

#include "util/util.h"

/* Bytes borrowed from a reader: valid until the next fl_reader_next(). */
struct fl_slice {
	const char *p;
	size_t n;
};

/* ---- field-name dictionary -------------------------------------------- */

#define FL_KEY_NONE 0u
struct fl_keys;

/* A new empty dictionary; nocase: names compare ASCII-case-insensitively. */
fl_err fl_keys_new(int nocase, struct fl_keys **out);
void fl_keys_free(struct fl_keys *k);
/* Intern NAME (n bytes); *key gets its key (1, 2, ...), the same for the
 * same name.  Not while a reader uses the dictionary. */
fl_err fl_keys_add(struct fl_keys *k, const char *name, size_t n,
		   unsigned *key);
/* Make ALIAS resolve to an existing KEY: the hook for field mappings
 * (ECS/Winlogbeat "process.executable" read as "Image"). */
fl_err fl_keys_alias(struct fl_keys *k, const char *alias, size_t n,
		     unsigned key);
/* The key of NAME, or FL_KEY_NONE. */
unsigned fl_keys_find(const struct fl_keys *k, const char *name, size_t n);
/* The highest key handed out (0 when empty). */
unsigned fl_keys_count(const struct fl_keys *k);

/* ---- events ------------------------------------------------------------ */

enum fl_vtype { FL_V_STR, FL_V_NUM, FL_V_BOOL, FL_V_NULL };

struct fl_field {
	struct fl_slice name;   /* never empty */
	struct fl_slice value;  /* unescaped UTF-8; numbers as their text */
	unsigned key;           /* FL_KEY_NONE when not in the dictionary */
	unsigned next;          /* 1 + index of the next field with the same
				   key (arrays, repeated names), 0 at the end */
	unsigned char type;     /* enum fl_vtype */
};

struct fl_event {
	const struct fl_field *fields;
	size_t nfields;
	const char *source;     /* the input's name, as given to the reader */
	unsigned long long record; /* line of the record's first byte; EVTX:
				      the EventRecordID */
	int64_t time;           /* UTC seconds since 1970; 0 when unknown */
	uint32_t nsec;          /* fraction of that second */
	struct fl_slice host;   /* empty when unknown */
	/* the slot table: the first field of key k is fields[first[k]] when
	   gen[k] == this event's generation */
	const uint32_t *slot_gen, *slot_first;
	uint32_t gen;
	unsigned nkeys;
};

/* The first field with KEY, or NULL; more through ->next. */
static inline const struct fl_field *
fl_event_get(const struct fl_event *ev, unsigned key)
{
	if (key == FL_KEY_NONE || key > ev->nkeys || ev->slot_gen[key] != ev->gen)
		return NULL;
	return &ev->fields[ev->slot_first[key]];
}
/* The next field with the same key as F, or NULL. */
static inline const struct fl_field *
fl_event_next(const struct fl_event *ev, const struct fl_field *f)
{
	return f->next ? &ev->fields[f->next - 1] : NULL;
}
/* The first field named NAME (exact bytes), or NULL: a linear scan. */
const struct fl_field *fl_event_find(const struct fl_event *ev,
				     const char *name, size_t n);

/* ---- readers ----------------------------------------------------------- */

enum fl_format {
	FL_FMT_JSON,   /* JSON lines, concatenated or pretty-printed objects */
	FL_FMT_SYSLOG, /* RFC 3164 / RFC 5424 lines, one event per line */
	FL_FMT_EVTX,   /* Windows XML event log files (binary XML records) */
	FL_FMT_AUDITD  /* Linux audit raw logs: records grouped by event serial */
};

struct fl_reader_opts {
	size_t max_record;  /* bytes of one record (line/object); 0: 1 MiB */
	size_t max_fields;  /* fields of one event; 0: 2048 */
	unsigned max_depth; /* JSON nesting; 0: 32 */
	size_t max_name;    /* bytes of a flattened field name; 0: 512 */
	size_t chunk;       /* bytes per read(2); 0: 256 KiB */
	/* syslog: the year of undated (RFC 3164) timestamps.  0: the year of
	   ref_time, or of the file's mtime, or of now; a first timestamp
	   later in the year than that reference is taken as last year's.
	   Later lines roll over to the next year when the month jumps back
	   (Dec -> Jan). */
	int year;
	time_t ref_time;
	long utc_offset;    /* syslog: seconds east of UTC of undated stamps */
	/* EVTX from memory: the offset of the bytes in their file, so that a
	   run of chunks cut from a large file names its chunks by their place
	   in the file (chunk 40, offset 2625536), not in the run */
	unsigned long long base;
	/* fd mode: HEAD_N bytes already read from the fd (a pipe whose first
	   bytes fl_input_walk() looked at), read before the fd; borrowed */
	const void *head;
	size_t head_n;
	/* syslog: a line for which keep(keep_ctx, line, len) is 0 cannot
	   matter to the caller: it is skipped without being parsed and
	   counted in stats.skipped */
	int (*keep)(void *ctx, const char *line, size_t n);
	void *keep_ctx;
};

enum fl_read {
	FL_READ_OK,    /* *ev holds the next event */
	FL_READ_END,   /* no more input */
	FL_READ_BAD,   /* a record was skipped; *d says where and why; go on */
	FL_READ_FATAL  /* reading failed (*d says why); stop */
};

struct fl_reader;

/* Read events of format FMT from FD (borrowed; not closed).  SOURCE is the
 * name used in events and diagnostics (copied).  KEYS (borrowed, may be
 * NULL) must outlive the reader.  OPTS may be NULL.  Input that starts as
 * gzip or zstd does (in either mode) is decompressed as it is read; a
 * corrupt or cut-short stream is FL_READ_FATAL. */
fl_err fl_reader_open_fd(enum fl_format fmt, int fd, const char *source,
			 const struct fl_keys *keys,
			 const struct fl_reader_opts *opts,
			 struct fl_reader **out, struct fl_diag *d);
/* The same over N bytes at P (borrowed: they must outlive the reader and
 * are read in place, not copied). */
fl_err fl_reader_open_mem(enum fl_format fmt, const void *p, size_t n,
			  const char *source, const struct fl_keys *keys,
			  const struct fl_reader_opts *opts,
			  struct fl_reader **out, struct fl_diag *d);
void fl_reader_close(struct fl_reader *r);
/* The next event.  *ev borrows from the reader until the next call. */
enum fl_read fl_reader_next(struct fl_reader *r, struct fl_event *ev,
			    struct fl_diag *d);

struct fl_reader_stats {
	unsigned long long events, bad, bytes, lines;
	unsigned long long skipped; /* lines the keep callback skipped */
};
void fl_reader_stats(const struct fl_reader *r, struct fl_reader_stats *s);

/* EVTX: where the whole 64 KiB chunks of the N bytes at P lie: *first is
 * the offset of the first (4096 after an "ElfFile" header, 0 when P starts
 * at an "ElfChnk"), *count how many whole chunks follow.  A caller may cut
 * [first, first + count * 65536) into runs of whole chunks and read each
 * with fl_reader_open_mem(FL_FMT_EVTX, ...) on its own thread: a chunk
 * holds its own string and template tables.  FL_E_SYNTAX when P starts
 * with neither signature. */
fl_err fl_evtx_chunk_span(const void *p, size_t n, size_t *first,
			  size_t *count);

/* Parse "YYYY-MM-DD[T ]hh:mm:ss[.f...][Z|+hh:mm|-hhmm]" (n bytes) into
 * UTC seconds and nanoseconds; 0 ok, -1 not such a timestamp. */
int fl_event_parse_time(const char *p, size_t n, int64_t *sec,
			uint32_t *nsec);

#endif
