/*
 * core: the domain rules of firstline, with no I/O.  Pure functions over
 * plain structs, tested directly with tables of cases: the audit hash
 * chain, the risk matrix and its consequences (levels, escalation, review
 * cadence, acceptance expiry), and control effectiveness.
 */
#ifndef FL_CORE_H
#define FL_CORE_H

#include "../util/util.h"

/* ---- audit chain (core/audit.c) ----------------------------------- */

/* The chain starts from this hash (64 hex zeros). */
extern const char fl_audit_genesis[65];

struct fl_audit_entry {
	long long seq;
	const char *ts, *actor, *action, *object;
	const char *before, *after; /* may be NULL */
};

/*
 * hash = BLAKE2b-256(prev_hash || seq || ts || actor || action || object ||
 * before || after), each field length-prefixed (NULL distinct from ""), as
 * 64 lowercase hex characters in out.
 */
void fl_audit_hash(const char prev_hex[65], const struct fl_audit_entry *e,
		   char out[static 65]);

/* SECTION risk: owned by the risk work; edit only inside this block. */

/*
 * The risk policy: a likelihood x impact matrix, the ordered levels, the
 * review cadence of each level and the level from which risks go to the
 * ISO.  Parsed from the text format documented in data/risk-matrix.conf;
 * a plain value struct (no pointers), so it can be copied and compared.
 * Levels are numbered 0 (lowest) .. nlevels-1; scale points 1 .. n.
 */
#define FL_RISK_MAX_SCALE 10   /* points on each axis */
#define FL_RISK_MAX_LEVELS 8
#define FL_RISK_NAME_MAX 32    /* bytes of a name, with its NUL */
#define FL_RISK_TEXT_MAX 65536 /* largest policy text accepted */
#define FL_RISK_REVIEW_MAX 3650 /* longest review cadence, days */

struct fl_risk_matrix {
	int nlik, nimp, nlevels;
	char lik[FL_RISK_MAX_SCALE][FL_RISK_NAME_MAX]; /* [point - 1] */
	char imp[FL_RISK_MAX_SCALE][FL_RISK_NAME_MAX];
	char level[FL_RISK_MAX_LEVELS][FL_RISK_NAME_MAX];
	int review_days[FL_RISK_MAX_LEVELS];
	int escalate; /* lowest level that goes to the ISO */
	signed char grid[FL_RISK_MAX_SCALE][FL_RISK_MAX_SCALE]; /* [l-1][i-1] */
};

/*
 * Parse policy text (text, len; need not be NUL-terminated) into *m.
 * filename is only used in diagnostics.  Every malformed line is
 * FL_E_SYNTAX with FILE:LINE:COL in d (the column of the offending word);
 * an incomplete policy (a missing row, review or escalate line) points at
 * the declaration that lacks it.  Text over FL_RISK_TEXT_MAX is FL_E_LIMIT.
 * On error *m is left zeroed.
 */
fl_err fl_risk_matrix_parse(const char *text, size_t len, const char *filename,
			    struct fl_risk_matrix *m, struct fl_diag *d);

/* Level index of (likelihood, impact), or -1 when outside the matrix. */
int fl_risk_level(const struct fl_risk_matrix *m, int likelihood, int impact);
/* Name of level idx (borrowed from m), or NULL when out of range. */
const char *fl_risk_level_name(const struct fl_risk_matrix *m, int idx);
/* Index of a level name (case-insensitive), or -1 when unknown (or NULL). */
int fl_risk_level_find(const struct fl_risk_matrix *m, const char *name);
/*
 * Order two level names by the policy: <0, 0, >0 like strcmp.  An unknown
 * name (or NULL: not assessed) ranks below every known level.
 */
int fl_risk_level_cmp(const struct fl_risk_matrix *m, const char *a,
		      const char *b);
/* Whether level idx goes to the ISO (it is at or above the escalate level). */
int fl_risk_escalates(const struct fl_risk_matrix *m, int idx);
/* Review cadence of level idx in days, or -1 when out of range. */
int fl_risk_review_days(const struct fl_risk_matrix *m, int idx);

/*
 * Whether a residual assessment is allowed.  The residual is what remains
 * after controls, and controls lower likelihood or impact, never raise
 * either: so the residual likelihood may not exceed the inherent
 * likelihood, the residual impact may not exceed the inherent impact, and
 * (for matrices that are not monotonic) the residual level may not exceed
 * the inherent level.  FL_OK, or FL_E_INVAL with the reason in d;
 * out-of-range points are FL_E_INVAL too.
 */
fl_err fl_risk_check_residual(const struct fl_risk_matrix *m, int inh_l,
			      int inh_i, int res_l, int res_i,
			      struct fl_diag *d);

/*
 * Whether an assessment must be escalated to the ISO.  old_level is the
 * level of the same basis (inherent or residual) before, -1 when there was
 * none; reported says whether an escalation for this basis at new_level or
 * above is still open.  Escalate when new_level goes to the ISO and it is
 * an increase, or it is not a decrease and the ISO has no open escalation
 * for it.  Decreases never escalate.
 */
int fl_risk_needs_escalation(const struct fl_risk_matrix *m, int old_level,
			     int new_level, int reported);

/*
 * Dates are 'YYYY-MM-DD' text.  Next review: last review plus the cadence
 * of level (out: 11 bytes); FL_E_INVAL for a bad date or level.
 */
fl_err fl_risk_next_review(const struct fl_risk_matrix *m, const char *last,
			   int level, char out[static 11]);
/* A review is overdue the day after it is due (today > next). */
int fl_risk_review_overdue(const char *next, const char *today);
/*
 * An acceptance holds through its expiry day and has expired from the day
 * after (today > expires).  A missing or unreadable date counts as expired:
 * an acceptance nobody can date is not one.
 */
int fl_risk_acceptance_expired(const char *expires, const char *today);
/* Whole days from date a to date b (b - a); 0 when either is unreadable. */
int fl_risk_days_between(const char *a, const char *b);
/* END SECTION risk */

/* SECTION control */

/*
 * Control implementation, tests and evidence (core/control.c).  The table
 * that derives a control's effectiveness from its latest tests is at the
 * top of core/control.c; these functions are its only implementation.
 */

#define FL_TEST_MAX_AGE_DEFAULT 365 /* days before a test counts as stale */
#define FL_EVIDENCE_WARN_DEFAULT 30 /* days before expiry that warn */

/* The result of one control test (the latest of its kind). */
enum fl_test_result {
	FL_TR_NONE = 0,   /* no test of this kind recorded */
	FL_TR_EFFECTIVE,
	FL_TR_PARTIAL,    /* "partially-effective" */
	FL_TR_INEFFECTIVE
};

/* A control's effectiveness in an entity, derived from its latest tests. */
enum fl_effect {
	FL_EFF_NOT_APPLICABLE, /* implementation status not-applicable */
	FL_EFF_NOT_TESTED,
	FL_EFF_OPERATING_ONLY, /* operating effective, design not tested */
	FL_EFF_DESIGN_ONLY,    /* design effective, operating not tested */
	FL_EFF_EFFECTIVE,
	FL_EFF_PARTIAL,        /* partially effective */
	FL_EFF_INEFFECTIVE
};

struct fl_effect_in {
	enum fl_test_result design, operating; /* latest test of each kind */
	int design_age, operating_age; /* days since that test (ignored for NONE) */
	int max_age;        /* a test older than this many days is stale; <= 0: 365 */
	int not_applicable; /* the implementation is recorded not-applicable */
};

struct fl_effect_out {
	enum fl_effect state;
	int design_stale, operating_stale; /* the latest test of the kind is stale */
};

/* Derive the effectiveness (see the table in core/control.c). */
void fl_control_effect(const struct fl_effect_in *in, struct fl_effect_out *out);
/* Stable token of a state ("design-effective"), used in JSON and the store. */
const char *fl_effect_name(enum fl_effect e);
/* The same for people ("design effective, operating not tested"). */
const char *fl_effect_label(enum fl_effect e);
/* Parse a token back; 0 ok, -1 unknown. */
int fl_effect_parse(const char *s, enum fl_effect *out);
/*
 * Assurance order for "the worst of several entities": 0 is the least
 * assurance (ineffective), higher is better; not-applicable ranks above
 * everything so it never hides a real state.
 */
int fl_effect_rank(enum fl_effect e);

/* "effective", "partially-effective", "ineffective"; 0 ok, -1 unknown. */
int fl_test_result_parse(const char *s, enum fl_test_result *out);
const char *fl_test_result_name(enum fl_test_result r);
/* "design" or "operating". */
int fl_test_kind_valid(const char *s);
/* inquiry, observation, inspection, reperformance, examine, interview, test,
 * analytics (audit practice and NIST SP 800-53A). */
int fl_test_method_valid(const char *s);
/* A test is stale when it is more than max_age days old (max_age <= 0:
 * the default).  A test dated exactly max_age days ago is not stale. */
int fl_test_stale(int age_days, int max_age);

/* planned, partial, implemented, not-applicable. */
int fl_impl_status_valid(const char *s);
/*
 * Whether an implementation is overdue: it has a due date (has_due),
 * days_left = due - today is negative, and the status is planned or
 * partial (implemented and not-applicable are never overdue).
 */
int fl_impl_overdue(const char *status, int has_due, int days_left);

enum fl_evidence_state {
	FL_EV_CURRENT,  /* no expiry, or more than warn_days left */
	FL_EV_EXPIRING, /* 0..warn_days days left (expires today: expiring) */
	FL_EV_EXPIRED   /* expires_on < today */
};
/* days_left = expires_on - today; has_expiry 0 means it never expires;
 * warn_days < 0 means the default. */
enum fl_evidence_state fl_evidence_state(int has_expiry, int days_left,
					 int warn_days);
const char *fl_evidence_state_name(enum fl_evidence_state s);
/* END SECTION control */

/* SECTION vuln: finding priority and remediation deadlines (core/vuln.c) */

/*
 * The priority of a finding, P1 (fix first) to P4.  One formula, the one
 * docs/vulnerabilities.md and the man page state:
 *
 *   base  = CVSS v4 base score, else v3, else by severity (Critical 9.5,
 *           High 8.0, Medium 5.5, Low 2.5, Info 0)
 *   score = base
 *         + 0.5 x (asset criticality - 2)     criticality = max(C, I, A), 1..4
 *         + 1.5 when EPSS >= 0.5, 1.0 when EPSS >= 0.1,
 *           -0.5 when EPSS is known and below 0.01
 *   P1 when the CVE is in CISA's KEV catalogue or score >= 9.0,
 *   P2 when score >= 7.0, P3 when score >= 4.0, else P4.
 *   An informational finding (base 0, not in KEV) has no priority and no
 *   deadline.
 *
 * Returns 0 for "no priority", else 1..4; *score receives the score.
 */
struct fl_vuln_prio_in {
	double cvss4, cvss3;  /* base scores, < 0 when absent */
	int severity;         /* 0 Info .. 4 Critical */
	double epss;          /* < 0 when unknown */
	int kev;              /* listed in KEV */
	int criticality;      /* 1..4 */
};
int fl_vuln_priority(const struct fl_vuln_prio_in *in, double *score);

/* Remediation time per priority, in days (index 1..4; 0 unused). */
struct fl_vuln_sla {
	int days[5];
};
/* The defaults: P1 7, P2 30, P3 90, P4 180. */
void fl_vuln_sla_default(struct fl_vuln_sla *s);
/*
 * Parse "P1=7,P2=30,P3=90,P4=180" (any subset, in any order, blanks
 * allowed) over the values already in s.  Days 1..3650.  0 or -1 with
 * a reason in err.
 */
int fl_vuln_sla_parse(const char *text, struct fl_vuln_sla *s, char *err,
		      size_t errsz);
/* Back to "P1=7,P2=30,P3=90,P4=180". */
void fl_vuln_sla_format(const struct fl_vuln_sla *s, char *out, size_t outsz);
/*
 * The deadline: first_seen (YYYY-MM-DD...) + the priority's days, but no
 * later than kev_due when given (CISA's date for a KEV finding).  out
 * receives YYYY-MM-DD; -1 when first_seen is not a date or prio is 0.
 */
int fl_vuln_due(const char *first_seen, int prio, const struct fl_vuln_sla *s,
		const char *kev_due, char out[static 11]);
/* END SECTION vuln */

#endif
