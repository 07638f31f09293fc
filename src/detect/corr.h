/*
 * corr: Sigma correlation rules over a stream of rule matches.
 *
 * The matcher says "rule R matched event E"; the engine keeps, per
 * correlation and per group (the group-by values), only the state of the
 * windows still open, and says "correlation C fired" when a window closes
 * with its condition met.  The window semantics are in docs/detection.md
 * ("Correlation windows"); in short: a sliding window of `timespan` seconds
 * per group, an alert opens at the event that makes the condition true and
 * grows while the same group keeps matching within the timespan, and is
 * reported once, when it closes.  Closing is driven by event time only (the
 * time of the newest event seen, or the end of input), never by the wall
 * clock, so the same input gives the same alerts whether it is read whole or
 * fed a line at a time.
 *
 * Chaining: a correlation that another correlation refers to feeds it an
 * event at the moment its condition first holds (the alert's time), with
 * the group values as fields.
 *
 * Not thread-safe: one engine per ordered stream of matches.  Memory is
 * bounded by struct fl_corr_opts; what a bound cuts off is counted, never
 * silently lost (fl_corr_stats).
 */
#ifndef FL_DETECT_CORR_H
#define FL_DETECT_CORR_H

#include "detect/event.h"
#include "detect/sigma.h"

/* Bounds; 0 in a field means its default (in brackets). */
struct fl_corr_opts {
	size_t max_refs;   /* event references kept per alert (100) */
	size_t max_groups; /* open groups per correlation (100000) */
	size_t max_window; /* events kept in one group's window (1000000) */
	size_t max_value;  /* bytes of one group-by or counted value (1024) */
};
void fl_corr_opts_default(struct fl_corr_opts *o);

/* An event an alert counted: where it was read. */
struct fl_corr_ref {
	const char *source;          /* interned: valid while the engine lives */
	unsigned long long record;   /* the event's record (EVTX id or line) */
	int64_t time;
	uint32_t nsec;
};

struct fl_corr_alert {
	const struct fl_sigma_rule *rule; /* the correlation */
	int64_t time;          /* when its condition first held */
	uint32_t nsec;
	int64_t first, last;   /* times of the first and last event counted */
	unsigned long long count; /* events counted in the alert */
	double value;          /* the measured value over the events counted:
				  the event count, the distinct-value count,
				  the sum, the average, the percentile rank
				  (0-100) of the value that opened the alert,
				  or the referenced rules seen (temporal) */
	/* the group-by fields and their values, in the rule's order */
	const struct fl_slice *group_name, *group_value;
	size_t ngroup;
	struct fl_slice host;  /* the events' host when they all share one */
	const struct fl_corr_ref *ref; /* the first events counted, always
					  with the one that opened the alert */
	size_t nref;           /* <= max_refs; count says how many in all */
};

/* Called for every alert of a correlation that generates (see
 * fl_corr_generates: a correlation that only feeds others with `generate`
 * false is counted in stats.chained instead).  A is valid during the call
 * only.  A non-zero return stops the engine's call and is returned from it
 * as FL_E_INTERNAL; the engine stays usable. */
typedef int (*fl_corr_emit)(void *ctx, const struct fl_corr_alert *a);

struct fl_corr;
/*
 * An engine for the correlations of a resolved set.  The names the
 * correlations read (group-by fields, aliases, value fields) are added to
 * KEYS here, so call this before any reader is opened with KEYS.
 */
fl_err fl_corr_new(const struct fl_sigma_set *set, struct fl_keys *keys,
		   const struct fl_corr_opts *o, struct fl_corr **out,
		   struct fl_diag *d);
void fl_corr_free(struct fl_corr *c);

/* Whether a match of detection rule RULE is of interest to a correlation
 * (false for correlations: their alerts are fed inside the engine). */
int fl_corr_wants(const struct fl_corr *c, const struct fl_sigma_rule *rule);
/* Whether a match of RULE is an alert of its own: true unless every
 * correlation that refers to it leaves `generate` false. */
int fl_corr_generates(const struct fl_corr *c,
		      const struct fl_sigma_rule *rule);

/*
 * Detection rule RULE matched EV.  Events come in input order; times may
 * step back (several files, clock skew) and the engine copes (docs).  May
 * emit alerts of windows that this event's time closes.  RULE NULL (or a
 * rule no correlation wants) only moves time forward, as advance does.
 * EV is borrowed for the call: what the engine keeps it copies.
 */
fl_err fl_corr_event(struct fl_corr *c, const struct fl_sigma_rule *rule,
		     const struct fl_event *ev, fl_corr_emit emit, void *ctx);
/* Event time has reached NOW (seconds) with no match: close what ends
 * before it.  Call it with the time of every event read that matched
 * nothing wanted (the watermark is the newest event, matched or not), and
 * on a live tail between events.  NOW promises that later matches are at
 * NOW or after; an earlier one is a step back (docs). */
fl_err fl_corr_advance(struct fl_corr *c, int64_t now, fl_corr_emit emit,
		       void *ctx);
/* End of input: report every open alert, decide every window that waits
 * for its end; no state is left (the engine can go on being fed). */
fl_err fl_corr_flush(struct fl_corr *c, fl_corr_emit emit, void *ctx);

struct fl_corr_stats {
	unsigned long long fed;      /* matches fed */
	unsigned long long alerts;   /* alerts emitted */
	unsigned long long dropped;  /* matches (or their values) not
					counted because max_groups or
					max_window was reached */
	unsigned long long late;     /* matches older than their group's
					window: time stepped back too far */
	unsigned long long truncated; /* values cut to max_value bytes */
	unsigned long long chained;  /* alerts that only fed other
					correlations (generate false) */
	size_t open_groups;          /* groups with state now */
	size_t peak_groups;
};
void fl_corr_stats(const struct fl_corr *c, struct fl_corr_stats *s);

#endif
