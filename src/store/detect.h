/*
 * store/detect: alerts of detection runs, kept once each, and the incidents
 * they open.
 *
 * An alert is identified by a fingerprint (the rule, the input, the record,
 * and for a correlation its group and the time it fired), so running the
 * same files again stores nothing twice and adds nothing to a timeline.
 *
 * With incidents: the alerts of one rule on one host belong to one
 * incident while each comes within `window` seconds (event time) of the
 * previous one and the incident is not closed; otherwise a new incident is
 * opened.  The incident's severity follows the rule's level (critical,
 * high, medium, low; informational alerts open none) and is raised, never
 * lowered, by a later alert; opening or raising to high or critical
 * notifies the ISO through the outbox, as every incident does.
 */
#ifndef FL_STORE_DETECT_H
#define FL_STORE_DETECT_H

#include "store.h"

struct fl_alert_rec {
	const char *rule_id;     /* the Sigma id (NULL: the title is used) */
	const char *title, *level, *description;
	const char *const *tags;
	size_t ntags;
	int correlation;
	const char *time;        /* ISO-8601 UTC, or NULL when unknown */
	const char *host;        /* "" when unknown */
	const char *source;
	unsigned long long record;
	unsigned long long count;
	const char *group_json;  /* correlation: {"field": "value"} or NULL */
	const char *fields_json; /* {"field": "value"} or NULL */
	const char *key;         /* extra identity (a correlation's group and
				    first event), or NULL */
};

struct fl_alert_result {
	int stored;              /* 0: the same alert was stored before */
	int opened;              /* an incident was opened */
	int joined;              /* the alert joined an open incident */
	char incident[32];       /* its reference, or "" */
};

/*
 * Store one alert (inside the caller's transaction) and, with
 * open_incidents, open or update its incident; window is in seconds.
 */
fl_err fl_alert_store(struct fl_store *st, const struct fl_alert_rec *a,
		      int open_incidents, long long window, time_t now,
		      struct fl_alert_result *res, struct fl_diag *d);

/*
 * Stored alerts, newest first (at most limit; 0 = all), optionally of one
 * rule id or of one level and above.  Fields: id, rule_id, title, level,
 * kind, time, host, source, record, count, group_json, fields_json,
 * stored_at, incident.
 */
fl_err fl_alert_list(struct fl_store *st, const char *rule_id,
		     const char *min_level, long limit, fl_row_fn fn,
		     void *ctx, struct fl_diag *d);

#endif
