/*
 * match: a resolved Sigma rule set compiled into one immutable matcher.
 *
 * Compiling does the work once: every value is turned into what its
 * modifiers mean (encoded, lower-cased, split into glob parts, a compiled
 * regular expression, a network), every field name into a key of the
 * event dictionary (through the logsource's field renames), and every
 * rule's logsource into an index entry by channel and event id, so that an
 * event is only tried against the rules that can apply to it.
 *
 * The matcher is read-only after fl_match_new() and may be shared by any
 * number of threads; each thread brings its own struct fl_match_ctx
 * (scratch space, regex match data).
 *
 * Semantics (docs/detection.md, "Matching"): string comparisons ignore
 * ASCII case unless |cased; a field with several values matches when one
 * does; a missing field matches only null and |exists: false.
 */
#ifndef FL_DETECT_MATCH_H
#define FL_DETECT_MATCH_H

#include "detect/event.h"
#include "detect/logsource.h"
#include "detect/sigma.h"

/* Where an event comes from decides which rules' products apply. */
enum fl_family {
	FL_FAM_ANY,     /* unknown (JSON without Windows fields): every rule */
	FL_FAM_WINDOWS, /* EVTX, or JSON with Channel/EventID */
	FL_FAM_SYSLOG,  /* product linux, syslog services */
	FL_FAM_AUDITD   /* product linux, service auditd */
};

struct fl_match;

struct fl_match_stats {
	size_t rules;       /* detection rules compiled */
	size_t alts;        /* rule x logsource alternatives */
	size_t unmapped;    /* rules whose logsource the mapping does not know */
	size_t regexes;     /* regular expressions compiled */
	size_t refused;     /* rules that could not be compiled (diags) */
	size_t literals;    /* distinct (field, literal) pairs */
	size_t scanners;    /* fields with a literal scanner */
	size_t prefiltered; /* compiled rules skipped unless a literal occurs */
	int cached;         /* the scanners were read from the cache */
};

/* How a matcher is built (NULL: the defaults, no cache). */
struct fl_match_opts {
	/* compiled literal scanners are kept here between runs (hscache.h);
	   NULL: compile them every time */
	const char *cache_dir;
};

/*
 * Compile the usable rules of SET (refused ones are skipped) with the
 * logsource mapping MAP into a matcher; field names are added to KEYS.
 * A rule that cannot be compiled (a regex PCRE2 refuses at match-time
 * settings) is reported through refusals, not fatal.
 */
fl_err fl_match_new(const struct fl_sigma_set *set,
		    const struct fl_logmap *map, struct fl_keys *keys,
		    const struct fl_match_opts *o, struct fl_match **out,
		    struct fl_diag *d);
void fl_match_free(struct fl_match *m);
void fl_match_stats(const struct fl_match *m, struct fl_match_stats *s);
/* Rules that could not be compiled, with FILE:LINE:COL reasons. */
const struct fl_diag *fl_match_refusals(const struct fl_match *m, size_t *n);

/* One rule that matched: the rule and the logsource alternative. */
struct fl_match_hit {
	const struct fl_sigma_rule *rule;
	const struct fl_logsource_alt *alt;
	unsigned cid; /* index of the compiled rule (for fl_match_fields) */
};

struct fl_match_ctx;
fl_err fl_match_ctx_new(const struct fl_match *m, struct fl_match_ctx **out);
void fl_match_ctx_free(struct fl_match_ctx *c);

/*
 * The family of an event read in format FMT (JSON is Windows when it
 * carries a Channel or an EventID).
 */
enum fl_family fl_match_family(const struct fl_match *m,
			       enum fl_format fmt, const struct fl_event *ev);

/*
 * Match EV; the rules that match are written to hits (at most max, in
 * rule order) and their number returned.  Errors (a regex that hits its
 * match limit) are counted in the context, never fatal.
 */
size_t fl_match_event(const struct fl_match *m, struct fl_match_ctx *c,
		      const struct fl_event *ev, enum fl_family fam,
		      struct fl_match_hit *hits, size_t max);

/* The event keys a compiled rule reads (for alert output): n keys. */
const unsigned *fl_match_fields(const struct fl_match *m, unsigned cid,
				size_t *n);
/* The rule and alternative of a compiled rule; -1 when cid is unknown. */
int fl_match_hit_of(const struct fl_match *m, unsigned cid,
		    struct fl_match_hit *h);
/* Regex evaluations that failed (match limit) since the last call. */
unsigned long long fl_match_ctx_take_errors(struct fl_match_ctx *c);

/*
 * The syslog line filter: when every rule that applies to syslog needs a
 * literal of the program, host, pid or message, scan a block of raw lines
 * (p, n bytes; the context remembers them) once.  Returns 1 when the
 * filter is ready, 0 when every line must be parsed.  Then
 * fl_match_line_keep(ctx, line, len) says whether a line of that block,
 * asked in order, can match anything (a reader's keep callback).
 */
int fl_match_linefilter(const struct fl_match *m, struct fl_match_ctx *c,
			enum fl_family fam, const char *p, size_t n);
int fl_match_line_keep(void *ctx, const char *line, size_t n);

#endif
