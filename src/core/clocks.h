/*
 * core/clocks: the notification clocks of a security incident — the
 * regulatory deadlines (DORA, NIS2, GDPR) and the internal one (the ISO is
 * told in time) — as a pure computation over a rule set and an incident's
 * event times.  No database, no printing, no "now" of its own.
 *
 * The rules live in data/clocks.conf (embedded in the binary), one clock per
 * line with the legal source it comes from; the format is documented there
 * and in docs/clocks.md.  The parser refuses rather than guesses: a clock
 * that silently does not exist is a deadline nobody keeps.
 *
 * Ownership: struct fl_clock_set is a plain value (no pointers); the
 * struct fl_clock results point into the set they were computed from
 * (name, citation) and live as long as it does.
 */
#ifndef FL_CORE_CLOCKS_H
#define FL_CORE_CLOCKS_H

#include "../util/util.h"

#define FL_CLOCK_MAX_RULES 48
#define FL_CLOCK_NAME_MAX 48   /* bytes of a clock name, with its NUL */
#define FL_CLOCK_CITE_MAX 256  /* bytes of a citation, with its NUL */
#define FL_CLOCK_MAX_HOLIDAYS 256
#define FL_CLOCK_TEXT_MAX 65536 /* largest rule text accepted */

/* The regimes a clock belongs to. */
enum fl_clock_regime {
	FL_CLOCK_DORA,
	FL_CLOCK_NIS2,
	FL_CLOCK_GDPR,
	FL_CLOCK_INTERNAL,
	FL_CLOCK_NREGIMES
};
#define FL_CLOCK_REGIME_BIT(r) (1u << (r))
#define FL_CLOCK_ALL_REGIMES ((1u << FL_CLOCK_NREGIMES) - 1)

/*
 * The events of an incident that start or meet a clock.  The names in
 * the comments are the ones the rule file uses.
 */
enum fl_clock_event {
	FL_CLOCK_EV_AWARE,              /* aware: the entity became aware */
	FL_CLOCK_EV_SEVERITY_SET,       /* severity-set: current severity given */
	FL_CLOCK_EV_ISO_INFORMED,       /* iso-informed */
	FL_CLOCK_EV_CLASSIFIED_MAJOR,   /* classified-major (DORA) */
	FL_CLOCK_EV_DORA_INITIAL,       /* dora-initial: notification sent */
	FL_CLOCK_EV_DORA_INTERMEDIATE,  /* dora-intermediate: first one sent */
	FL_CLOCK_EV_DORA_INTERMEDIATE_LATEST, /* dora-intermediate-latest */
	FL_CLOCK_EV_DORA_FINAL,         /* dora-final */
	FL_CLOCK_EV_NIS2_AWARE,         /* nis2-aware: of the significant incident */
	FL_CLOCK_EV_NIS2_EARLY_WARNING, /* nis2-early-warning */
	FL_CLOCK_EV_NIS2_NOTIFICATION,  /* nis2-notification */
	FL_CLOCK_EV_NIS2_FINAL,         /* nis2-final */
	FL_CLOCK_EV_PD_BREACH_AWARE,    /* pd-breach-aware: personal-data breach */
	FL_CLOCK_EV_GDPR_NOTIFIED,      /* gdpr-notified: supervisory authority */
	FL_CLOCK_EV_PD_HIGH_RISK,       /* pd-high-risk: Art. 34 high risk found */
	FL_CLOCK_EV_GDPR_SUBJECTS_INFORMED, /* gdpr-subjects-informed */
	FL_CLOCK_NEVENTS
};

enum fl_clock_severity {
	FL_CLOCK_SEV_NONE, /* not triaged yet: no internal clock applies */
	FL_CLOCK_SEV_LOW,
	FL_CLOCK_SEV_MEDIUM,
	FL_CLOCK_SEV_HIGH,
	FL_CLOCK_SEV_CRITICAL,
	FL_CLOCK_NSEV
};

/*
 * Facts about the entity that switch the weekend relief of Delegated
 * Regulation (EU) 2025/301 Art. 5(4) off (named in the rule file).
 */
#define FL_CLOCK_F_ART5_5 0x1u /* art5-5: credit institution, CCP, trading
				  venue, or NIS2 essential/important entity */
#define FL_CLOCK_F_ART5_6 0x2u /* art5-6: the competent authority has
				  disapplied the relief for this entity */

enum fl_clock_unit { FL_CLOCK_U_NONE, FL_CLOCK_U_HOURS, FL_CLOCK_U_DAYS,
		     FL_CLOCK_U_MONTHS };

struct fl_clock_dur {
	int n;
	enum fl_clock_unit unit; /* FL_CLOCK_U_NONE: untimed ("without undue
				    delay"), n is 0 */
};

struct fl_clock_rule {
	enum fl_clock_regime regime;
	char name[FL_CLOCK_NAME_MAX];
	unsigned start;           /* event bits: starts at the latest of these */
	struct fl_clock_dur within;
	int done;                 /* the event that meets it */
	int cap_event;            /* -1: no "no later than" bound */
	struct fl_clock_dur cap;
	int cap_lapses;           /* the bound does not apply once the start
				     is at or after it (2025/301 Art. 5(2)) */
	unsigned severities;      /* bits of enum fl_clock_severity; 0 = any */
	int relief;               /* weekend/holiday: noon next working day */
	unsigned no_relief_if;    /* FL_CLOCK_F_* that switch the relief off */
	char cite[FL_CLOCK_CITE_MAX];
	unsigned long line;       /* where the rule was defined */
};

struct fl_clock_set {
	int nrules;
	struct fl_clock_rule rule[FL_CLOCK_MAX_RULES];
	int zone_min;     /* standard offset of local time from UTC, minutes */
	int eu_summer;    /* EU summer time applies (+1 h, Directive 2000/84/EC) */
	int nholidays;
	long holiday[FL_CLOCK_MAX_HOLIDAYS]; /* local days since 1970-01-01 */
};

/*
 * Parse rule text (text, len; need not be NUL-terminated) into *s.
 * filename is only used in diagnostics.  A malformed line is FL_E_SYNTAX
 * with FILE:LINE:COL in d (the column of the offending word); text over
 * FL_CLOCK_TEXT_MAX is FL_E_LIMIT.  On error *s is left zeroed.
 */
fl_err fl_clocks_parse(const char *text, size_t len, const char *filename,
		       struct fl_clock_set *s, struct fl_diag *d);
/* The shipped rules (data/clocks.conf), parsed into *s. */
fl_err fl_clocks_default(struct fl_clock_set *s, struct fl_diag *d);

/* What is known about one incident. */
struct fl_clock_facts {
	time_t ev[FL_CLOCK_NEVENTS]; /* UTC; 0 = has not happened */
	unsigned regimes;            /* FL_CLOCK_REGIME_BIT()s that apply */
	enum fl_clock_severity severity;
	unsigned flags;              /* FL_CLOCK_F_* */
};

enum fl_clock_status {
	FL_CLOCK_NOT_STARTED, /* the start event has not happened */
	FL_CLOCK_RUNNING,     /* started, not met, deadline not passed */
	FL_CLOCK_MET,         /* done by the deadline (or untimed and done) */
	FL_CLOCK_BREACHED     /* deadline passed: not done, or done late */
};

struct fl_clock {
	const struct fl_clock_rule *rule; /* borrowed from the set */
	enum fl_clock_regime regime;
	const char *name, *cite;          /* borrowed from the set */
	enum fl_clock_status status;
	time_t start;    /* 0: not started */
	time_t due;      /* the time limit of the rule and its bound; 0 when
			    untimed or not started */
	time_t deadline; /* due, moved by the weekend relief where it applies */
	time_t done;     /* when the done event happened; 0: not yet */
	double elapsed;  /* share of start..deadline gone by at now (or at
			    done): 0.75 is the warning mark, > 1 is late;
			    0 when untimed or not started */
	int capped;      /* the "no later than" bound set due */
	int relieved;    /* deadline differs from due by the relief */
	int untimed;     /* a duty without a time limit (a flag) */
};

/*
 * The clocks that apply to an incident (its regimes, its severity), in the
 * order of the rule file, into out[0..max-1]; *n says how many.  More than
 * max applicable clocks is FL_E_LIMIT (FL_CLOCK_MAX_RULES always fits).
 * Deadlines: "within N h/d" is elapsed time from the start; "N month" is
 * the same local time on the same day N calendar months later, or on the
 * last day of a shorter month.  A clock is met when its done event is at
 * or before the deadline, breached when now (or the done event) is after it.
 */
fl_err fl_clocks_compute(const struct fl_clock_set *s,
			 const struct fl_clock_facts *f, time_t now,
			 struct fl_clock *out, size_t max, size_t *n);

/*
 * Order for "most urgent first": breached and still owed, then running by
 * deadline (soonest first), running untimed duties, not started, met and
 * breached-but-done last.  For qsort over struct fl_clock.
 */
int fl_clock_urgency_cmp(const void *a, const void *b);

/* t plus n calendar months in the set's local time (clamped to month end). */
time_t fl_clocks_add_months(const struct fl_clock_set *s, time_t t, int n);
/* Whether the local day of t is a working day (not Sat/Sun or a holiday). */
int fl_clocks_working_day(const struct fl_clock_set *s, time_t t);

/* Names, as in the rule file; NULL (or -1 for the finders) when unknown. */
const char *fl_clock_regime_name(enum fl_clock_regime r);
const char *fl_clock_status_name(enum fl_clock_status st);
const char *fl_clock_event_name(enum fl_clock_event ev);
int fl_clock_event_find(const char *name);
const char *fl_clock_severity_name(enum fl_clock_severity sev);
int fl_clock_severity_find(const char *name);

#endif
