/*
 * run: detection over inputs — read events, match them, correlate, and
 * hand every alert to a callback in input order.
 *
 * A regular file whose records can be found from any offset (JSON, syslog,
 * EVTX chunks) is cut into blocks that worker threads match in parallel;
 * the results are handed back in block order, so the alerts, their order
 * and the correlations are the same for any number of threads.  Other
 * inputs (standard input, compressed files, auditd) are read as one
 * stream.  Memory is bounded by the blocks in flight, not by the input.
 *
 * Nothing here prints: alerts and bad records go to callbacks.
 */
#ifndef FL_DETECT_RUN_H
#define FL_DETECT_RUN_H

#include "detect/corr.h"
#include "detect/event.h"
#include "detect/match.h"

struct fl_detect_opts {
	unsigned threads;        /* workers (0: 1) */
	int min_level;           /* alerts below are not reported (0 = all) */
	int input_format;        /* -1: by content; else an enum fl_format */
	struct fl_reader_opts reader;
	size_t block;            /* bytes per block (4 MiB) */
	int follow;              /* tail: wait for more input at the end */
	volatile int *stop;      /* set to non-zero to end a follow */
};

/* Levels as numbers: informational 1, low 2, medium 3, high 4, critical 5;
 * 0 for anything else. */
int fl_detect_level(const char *s);

/* An alert: one event that matched a rule, or a correlation that fired. */
struct fl_alert {
	const struct fl_sigma_rule *rule;
	const char *source;
	unsigned long long record;
	int64_t time;
	uint32_t nsec;
	struct fl_slice host;
	const struct fl_event *ev;   /* the event (NULL for a correlation) */
	const unsigned *keys;        /* the rule's fields in the event */
	size_t nkeys;
	const struct fl_corr_alert *corr; /* a correlation's details */
};

struct fl_detect_sink {
	void *ctx;
	/* an alert; non-zero stops the run */
	int (*alert)(void *ctx, const struct fl_alert *a);
	/* a record that was skipped (d says FILE:LINE:COL and why) */
	void (*bad)(void *ctx, const struct fl_diag *d);
	/* an input that could not be read at all */
	void (*failed)(void *ctx, const struct fl_diag *d);
	/* bytes done of the current total, for a progress line (may be NULL) */
	void (*progress)(void *ctx, unsigned long long done,
			 unsigned long long total);
};

struct fl_detect_stats {
	unsigned long long files, failed, events, bad, bytes;
	unsigned long long matches;   /* rule matches before correlation */
	unsigned long long alerts;    /* alerts reported */
	unsigned long long regex_errors;
	unsigned long long by_level[6];
};

struct fl_detect;
/* The engine over a compiled matcher and a correlation engine (both
 * borrowed; corr may be NULL).  KEYS must be the dictionary both used. */
fl_err fl_detect_new(const struct fl_match *m, struct fl_corr *corr,
		     const struct fl_keys *keys,
		     const struct fl_detect_opts *o, struct fl_detect **out);
void fl_detect_free(struct fl_detect *dt);

/* Detect over one input (a path, or "-" for standard input) of the given
 * format; compressed input is recognised by the reader. */
fl_err fl_detect_file(struct fl_detect *dt, const char *path,
		      enum fl_format fmt, const struct fl_detect_sink *sink,
		      struct fl_diag *d);
/* The same over an open FD (borrowed, at its start) named PATH; HEAD_N
 * bytes at HEAD were already read from it (a pipe) and come first. */
fl_err fl_detect_fd(struct fl_detect *dt, int fd, const char *path,
		    enum fl_format fmt, const void *head, size_t head_n,
		    const struct fl_detect_sink *sink, struct fl_diag *d);
/* End of all input: correlations report what is still open. */
fl_err fl_detect_finish(struct fl_detect *dt,
			const struct fl_detect_sink *sink, struct fl_diag *d);
void fl_detect_stats(const struct fl_detect *dt, struct fl_detect_stats *s);

#endif
