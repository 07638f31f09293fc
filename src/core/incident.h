/*
 * core/incident: the rules of a security incident that need no database —
 * the lifecycle of NIST SP 800-61 (detected -> triaged -> contained ->
 * eradicated -> recovered -> closed) with the moves it allows, the
 * vocabularies (category, severity, TLP 2.0), and the task templates per
 * category (data/incident-tasks.conf).
 *
 * Pure functions over plain values; the store applies them.  The
 * lifecycle table is at the top of core/incident.c and is the only place
 * that decides whether a move is allowed.  It refuses rather than guesses:
 * an unknown state, category or marking is an error, never a default.
 */
#ifndef FL_CORE_INCIDENT_H
#define FL_CORE_INCIDENT_H

#include "../util/util.h"

enum fl_inc_state {
	FL_INC_DETECTED,
	FL_INC_TRIAGED,
	FL_INC_CONTAINED,
	FL_INC_ERADICATED,
	FL_INC_RECOVERED,
	FL_INC_CLOSED,
	FL_INC_NSTATES
};

/* Severities 1..4, numbered like enum fl_clock_severity (clocks.h). */
enum fl_inc_severity {
	FL_INC_SEV_LOW = 1,
	FL_INC_SEV_MEDIUM,
	FL_INC_SEV_HIGH,
	FL_INC_SEV_CRITICAL
};

/* "detected" ... "closed"; NULL when out of range. */
const char *fl_incident_state_name(int state);
/* Index of a state name (exact, lower case), or -1. */
int fl_incident_state_find(const char *name);
/* "low" ... "critical" -> 1..4; 0 when unknown. */
int fl_incident_severity_find(const char *name);
const char *fl_incident_severity_name(int sev);

/*
 * Category: malware, phishing, unauthorised-access, data-breach,
 * denial-of-service, misuse, vulnerability-exploitation, other.  The input
 * is matched case-insensitively with blanks or '_' taken as '-' and the
 * American "unauthorized"; out receives the token (32 bytes).  0 ok, -1
 * unknown.
 */
#define FL_INC_CATEGORIES "malware, phishing, unauthorised-access, " \
	"data-breach, denial-of-service, misuse, vulnerability-exploitation, other"
int fl_incident_category_norm(const char *in, char out[static 32]);

/*
 * TLP 2.0 (FIRST): CLEAR, GREEN, AMBER, AMBER+STRICT, RED; any case, with
 * or without "TLP:".  out receives the upper-case token (16 bytes).  0 ok;
 * -1 unknown; -2 for TLP 1.0's WHITE (TLP 2.0 calls it CLEAR: refused so
 * nobody believes a marking was kept that was changed).
 */
#define FL_INC_TLPS "CLEAR, GREEN, AMBER, AMBER+STRICT, RED"
int fl_incident_tlp_norm(const char *in, char out[static 16]);

/*
 * DORA's high-level root-cause classes (Implementing Regulation (EU)
 * 2025/302, Annex I field 4.1): malicious-actions, process-failure,
 * system-failure, human-error, external-event.  1 valid, 0 not.
 */
#define FL_INC_CAUSE_TYPES "malicious-actions, process-failure, " \
	"system-failure, human-error, external-event"
int fl_incident_cause_type_valid(const char *s);

/* What kind of move a requested transition is (see core/incident.c). */
enum fl_inc_move_kind {
	FL_MOVE_REFUSED,        /* not allowed */
	FL_MOVE_STEP,           /* the next state */
	FL_MOVE_SKIP_CONTAIN,   /* triaged -> eradicated, containment skipped */
	FL_MOVE_CLOSE_UNFOUNDED /* triaged -> closed: not an incident after all */
};

struct fl_inc_move {
	int from, to;       /* enum fl_inc_state */
	int severity;       /* 1..4 */
	int has_reason;     /* a reason was given with the move */
	int has_root_cause; /* the incident records a root cause */
	int has_lessons;    /* and lessons learned */
};

/*
 * The kind of from -> to by the table alone (no reasons, no closing
 * requirements): what `incident move` could do from a state.
 */
enum fl_inc_move_kind fl_incident_move_kind(int from, int to);

/*
 * Whether the move is allowed: FL_OK with *kind set, or FL_E_INVAL with the
 * reason in d (and *kind FL_MOVE_REFUSED).  The rules:
 *   - states advance one at a time; nothing moves backwards and closed is
 *     final; moving to the current state is refused;
 *   - containment may be skipped (triaged -> eradicated): by a low or
 *     medium incident freely, by a high or critical one only with a
 *     reason, which is recorded;
 *   - a triaged incident that turns out not to be one may be closed
 *     directly, with a reason;
 *   - closing needs a root cause and lessons learned, whatever the path.
 */
fl_err fl_incident_move_check(const struct fl_inc_move *m,
			      enum fl_inc_move_kind *kind, struct fl_diag *d);

/* ---- task templates (data/incident-tasks.conf) ------------------------- */

#define FL_TASK_TPL_MAX 128     /* templates in one file */
#define FL_TASK_TITLE_MAX 200   /* bytes of a title, with its NUL */
#define FL_TASK_TEXT_MAX 65536  /* largest file accepted */
#define FL_TASK_DUE_MAX_H 8760  /* a year */

struct fl_task_tpl {
	char category[32];
	char title[FL_TASK_TITLE_MAX];
	int due_h;            /* hours after the template is applied; -1 none */
	unsigned long line;   /* where it was defined */
};

struct fl_task_tpls {
	int n;
	struct fl_task_tpl t[FL_TASK_TPL_MAX];
};

/*
 * Parse template text (text, len; need not be NUL-terminated):
 *   CATEGORY DUE "TITLE"
 * CATEGORY a category token, DUE Nh, Nd or '-' (no due time), the title
 * in double quotes last.  '#' outside quotes starts a comment; blank lines
 * are ignored.  A malformed line is FL_E_SYNTAX with FILE:LINE:COL in d;
 * text over FL_TASK_TEXT_MAX is FL_E_LIMIT.  On error *out is zeroed.
 */
fl_err fl_incident_tasks_parse(const char *text, size_t len,
			       const char *filename, struct fl_task_tpls *out,
			       struct fl_diag *d);
/* The shipped templates (data/incident-tasks.conf), parsed. */
fl_err fl_incident_tasks_default(struct fl_task_tpls *out, struct fl_diag *d);

/*
 * A duration for --due-within or a relative due time: Nm, Nh or Nd (N 1 to
 * 100000), into seconds.  0 ok, -1 not one.
 */
int fl_incident_parse_span(const char *s, long long *secs);

/*
 * Time left as text: "45m", "3h12m", "2d04h"; negative spans get a '-'
 * ("-1h05m": overdue).  out at least 24 bytes.
 */
void fl_incident_span_text(long long secs, char out[static 24]);

#endif
