/*
 * store/incident_int.h: what the files of the incident store share
 * (incident.c, incident_obs.c, incident_ev.c, incident_clock.c): the
 * incident as loaded, times, and the audit and timeline helpers.  Never
 * included outside store/.
 */
#ifndef FL_STORE_INCIDENT_INT_H
#define FL_STORE_INCIDENT_INT_H

#include "store_int.h"
#include "incident.h"

/* The parts of an incident the rules look at. */
struct inc {
	long long id, entity_id, handler_id;
	char ref[FL_INC_REF_MAX];
	char title[304];
	char category[32], tlp[16], cause_key[128];
	int state, severity; /* enum fl_inc_state, 1..4 */
	time_t state_at[FL_INC_NSTATES];  /* 0: not entered */
	time_t ev[FL_CLOCK_NEVENTS];      /* 0: has not happened */
	int dora, nis2, gdpr, personal_data, major, art5_5, art5_6;
	int critical_function, has_root_cause, has_lessons;
	int found;
};

/* Column of each clock event in table incident (enum fl_clock_event order). */
extern const char *const inc_event_col[FL_CLOCK_NEVENTS];

/* Load by reference: FL_E_NOTFOUND with the reason in d. */
fl_err inc_load(struct fl_store *st, const char *ref, struct inc *in,
		struct fl_diag *d);
/* The row callback behind inc_load (for loops over every incident). */
fl_err inc_row(void *ctx, const struct fl_row *row);
/* Every column inc_row reads, "SELECT ... FROM incident" (add WHERE). */
#define INC_SELECT_ALL \
	"SELECT id, ref, title, category, severity, state, tlp, entity_id," \
	" handler_id, detected_at, triaged_at, contained_at, eradicated_at," \
	" recovered_at, closed_at, aware_at, severity_set_at," \
	" iso_informed_at, classified_major_at, dora_initial_at," \
	" dora_intermediate_at, dora_intermediate_latest_at, dora_final_at," \
	" nis2_aware_at, nis2_early_warning_at, nis2_notification_at," \
	" nis2_final_at, pd_breach_aware_at, gdpr_notified_at," \
	" pd_high_risk_at, gdpr_subjects_informed_at, reg_dora, reg_nis2," \
	" reg_gdpr, personal_data, dora_major, art5_5, art5_6," \
	" critical_function, root_cause, lessons_learned, cause_key" \
	" FROM incident"

/*
 * A time given for something that happened: s NULL is now; otherwise it
 * must parse and not lie after now.  iso receives the canonical text.
 * what names the option in messages ("--at").
 */
fl_err inc_when(const char *s, time_t now, const char *what, time_t *t,
		char iso[static 21], struct fl_diag *d);
/* s is at most max bytes without control characters (multiline: \n, \r
 * allowed). */
int inc_text_ok(const char *s, size_t max, int multiline);

/* The incident row as JSON (malloc'ed). */
fl_err inc_image(struct fl_store *st, long long id, char **out);
/* Audit action on the incident: before (consumed) and the row now. */
fl_err inc_audit(struct fl_store *st, const char *action, const struct inc *in,
		 char *before);
/* Audit action with an after image of a child row (borrowed). */
fl_err inc_audit_json(struct fl_store *st, const char *action,
		      const struct inc *in, const char *after);
fl_err inc_touch(struct fl_store *st, long long id);
/* One timeline entry at at (NULL: now), written now by the actor. */
fl_err inc_timeline(struct fl_store *st, long long id, const char *at,
		    const char *kind, const char *text);

/* At most max bytes of s into out (max + 1 bytes), cut on a UTF-8
 * character boundary: a subject line never ends in half a character. */
void inc_cut(const char *s, char *out, size_t max);

/* The clock facts of a loaded incident. */
void inc_facts(const struct inc *in, struct fl_clock_facts *f);

#endif
