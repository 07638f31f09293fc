/*
 * cli/incident_int.h: what the incident commands (incident.c) share with
 * the report and the DORA export (incident_report.c): everything known
 * about one incident, loaded once.  Never included outside cli/.
 */
#ifndef FL_CLI_INCIDENT_INT_H
#define FL_CLI_INCIDENT_INT_H

#include "cli.h"
#include "../store/incident.h"

struct fl_dossier {
	char ref[FL_INC_REF_MAX];
	time_t now;
	struct fl_table inc;      /* fl_incident_show: one row */
	struct fl_table clocks;   /* fl_incident_clocks of the incident */
	struct fl_table cls;      /* the latest classification (0 or 1 row) */
	struct fl_table recur;    /* recurring group (empty: none offered) */
	struct fl_table tasks, obs, ev, custody, links, timeline;
	struct fl_dora_result group; /* the recurring group's result */
	struct fl_dora_input din; /* the latest classification's inputs */
	char states[64];          /* its Member State codes */
	int classified;
};

/* Load (inside the caller's transaction).  Release even on failure. */
fl_err fl_dossier_load(struct fl_store *st, const char *ref, time_t now,
		       struct fl_dossier *x, struct fl_diag *d);
void fl_dossier_release(struct fl_dossier *x);

/* Cell of row 0 (the incident), or NULL. */
const char *fl_dossier_get(const struct fl_dossier *x, const char *name);

/* The incident report for the ISO, "md" or "html", appended to out. */
fl_err fl_incident_report_write(const struct fl_dossier *x, const char *format,
				struct fl_buf *out);

/*
 * The fields of the DORA reporting template (Implementing Regulation (EU)
 * 2025/302, Annex I) for stage "initial", "intermediate" or "final" (NULL:
 * the stage the incident is at), as a JSON document appended to out.
 * FL_E_INVAL when the incident is not classified as major.
 */
fl_err fl_incident_export_dora(const struct fl_dossier *x, const char *stage,
			       struct fl_buf *out, struct fl_diag *d);

/* A table as a JSON array of objects (keys without their "_json"). */
void fl_dossier_json_table(struct fl_json *j, struct fl_table *t);

#endif
