/*
 * store/detect: detection alerts and the incidents they open (detect.h).
 *
 * Every alert stored and every incident opened or joined is audited in the
 * caller's transaction.  What it refuses: an alert without a title, source
 * or level, text with control characters in the one-line fields, and
 * lengths over the bounds below (the rule files are untrusted input).
 */
#include "store_int.h"
#include "detect.h"
#include "incident.h"

#define ONE_LINE_MAX 1024
#define JSON_MAX (64 * 1024)

static int
one_line(const char *s, size_t max)
{
	const unsigned char *p;
	size_t n = 0;

	if (s == NULL)
		return 1;
	for (p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x20 || *p == 0x7f || n >= max)
			return 0;
	return 1;
}

static int
level_rank(const char *l)
{
	static const char *const names[] = {"informational", "low", "medium",
					    "high", "critical"};
	int i;

	for (i = 0; l && i < 5; i++)
		if (fl_streq_ci(l, names[i]))
			return i;
	return -1;
}

/* The incident category an alert's ATT&CK tactic suggests. */
static const char *
category_of(const struct fl_alert_rec *a)
{
	static const struct {
		const char *tag, *cat;
	} map[] = {
		{"attack.exfiltration", "data-breach"},
		{"attack.collection", "data-breach"},
		{"attack.impact", "malware"},
		{"attack.credential-access", "unauthorised-access"},
		{"attack.credential_access", "unauthorised-access"},
		{"attack.initial-access", "unauthorised-access"},
		{"attack.initial_access", "unauthorised-access"},
		{"attack.privilege-escalation", "unauthorised-access"},
		{"attack.privilege_escalation", "unauthorised-access"},
		{"attack.lateral-movement", "unauthorised-access"},
		{"attack.lateral_movement", "unauthorised-access"},
		{"attack.persistence", "malware"},
		{"attack.execution", "malware"},
		{"attack.defense-evasion", "malware"},
		{"attack.defense_evasion", "malware"},
		{"attack.command-and-control", "malware"},
		{"attack.command_and_control", "malware"},
	};
	size_t i, j;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		for (j = 0; j < a->ntags; j++)
			if (fl_streq_ci(a->tags[j], map[i].tag))
				return map[i].cat;
	return "other";
}

static fl_err
fingerprint(const struct fl_alert_rec *a, char out[65])
{
	struct fl_buf b;
	fl_err rc;

	fl_buf_init(&b, 0);
	fl_buf_printf(&b, "%s\x1f%s\x1f%llu\x1f%s", a->rule_id ? a->rule_id :
		      a->title, a->source, a->record, a->key ? a->key : "");
	rc = fl_sha256_mem(b.data ? b.data : "", b.len, out);
	fl_buf_release(&b);
	return rc;
}

/* Open an incident for the alert; ref receives its reference. */
static fl_err
open_incident(struct fl_store *st, const struct fl_alert_rec *a,
	      const char *severity, time_t now, char ref[FL_INC_REF_MAX],
	      struct fl_diag *d)
{
	struct fl_incident_new in;
	struct fl_buf title, desc;
	fl_err rc;

	memset(&in, 0, sizeof in);
	in.critical_function = in.personal_data = -1;
	in.dora = in.nis2 = in.gdpr = in.art5_5 = in.art5_6 = -1;
	fl_buf_init(&title, 400);
	fl_buf_init(&desc, 8192);
	fl_buf_printf(&title, "%.*s%s%.*s", 300, a->title,
		      a->host[0] ? " on " : "", 80, a->host);
	fl_buf_printf(&desc, "Opened by firstline detection: Sigma rule %s "
		      "(%s, level %s).", a->rule_id ? a->rule_id : "(no id)",
		      a->title, a->level);
	if (a->description && one_line(a->description, 4000))
		fl_buf_printf(&desc, " %s", a->description);
	in.title = fl_buf_str(&title);
	in.description = fl_buf_str(&desc);
	in.category = category_of(a);
	in.severity = severity;
	in.occurred = a->time;
	rc = fl_incident_create(st, &in, now, ref, NULL, d);
	fl_buf_release(&title);
	fl_buf_release(&desc);
	return rc;
}

static fl_err
timeline_alert(struct fl_store *st, const char *ref,
	       const struct fl_alert_rec *a, time_t now, struct fl_diag *d)
{
	struct fl_buf t;
	char at[21];
	fl_err rc;

	fl_buf_init(&t, 4000);
	if (a->correlation)
		fl_buf_printf(&t, "Alert: %.300s (%llu events) on %.80s, %.300s "
			      "record %llu", a->title, a->count,
			      a->host[0] ? a->host : "an unknown host",
			      a->source, a->record);
	else
		fl_buf_printf(&t, "Alert: %.300s on %.80s, %.300s record %llu",
			      a->title, a->host[0] ? a->host : "an unknown host",
			      a->source, a->record);
	if (a->group_json)
		fl_buf_printf(&t, " %.1000s", a->group_json);
	fl_time_iso(now, at);
	/* the event's time when it is known and not in the future */
	if (a->time) {
		time_t et;

		if (fl_time_parse(a->time, &et) == 0 && et <= now)
			fl_time_iso(et, at);
	}
	rc = fl_incident_note(st, ref, fl_buf_str(&t), "alert", at, now, d);
	fl_buf_release(&t);
	return rc;
}

/* Open or join the incident of the alert's rule and host. */
static fl_err
incident_for(struct fl_store *st, const struct fl_alert_rec *a,
	     long long alert_id, long long window, time_t now,
	     struct fl_alert_result *res, struct fl_diag *d)
{
	static const char *const sev[] = {NULL, "low", "medium", "high",
					  "critical"};
	const char *rule = a->rule_id ? a->rule_id : a->title;
	char *ref = NULL, *last = NULL, *state = NULL, *cur = NULL;
	char nref[FL_INC_REF_MAX], *before = NULL, *after = NULL;
	long long inc_id = 0;
	int lv = level_rank(a->level);
	time_t t_last, t_now;
	fl_err rc;

	if (lv <= 0)
		return FL_OK; /* informational: stored, no incident */
	rc = st_query_text(st, &ref, "SELECT i.ref FROM detect_incident di"
			   " JOIN incident i ON i.id = di.incident_id"
			   " WHERE di.rule_id = ? AND di.host = ?", "tt", rule,
			   a->host);
	if (rc != FL_OK && rc != FL_E_NOTFOUND)
		return rc;
	if (rc == FL_OK) {
		if ((rc = st_query_text(st, &last, "SELECT last_alert FROM "
					"detect_incident WHERE rule_id = ? AND "
					"host = ?", "tt", rule, a->host)) != FL_OK ||
		    (rc = st_query_text(st, &state, "SELECT state FROM incident"
					" WHERE ref = ?", "t", ref)) != FL_OK ||
		    (rc = st_query_text(st, &cur, "SELECT severity FROM "
					"incident WHERE ref = ?", "t", ref)) !=
			FL_OK)
			goto out;
		t_now = now;
		if (a->time && fl_time_parse(a->time, &t_now) != 0)
			t_now = now;
		if (strcmp(state, "closed") != 0 && last &&
		    fl_time_parse(last, &t_last) == 0 &&
		    (long long)(t_now - t_last) <= window &&
		    (long long)(t_last - t_now) <= window) {
			/* join; raise the severity, never lower it */
			if (level_rank(cur) < lv) {
				struct fl_incident_set s;
				int changed = 0, ntasks = 0;

				fl_incident_set_init(&s);
				s.severity = sev[lv];
				if ((rc = fl_incident_set(st, ref, &s, now,
							  &changed, &ntasks,
							  d)) != FL_OK)
					goto out;
			}
			fl_strlcpy(res->incident, ref, sizeof res->incident);
			res->joined = 1;
			goto link;
		}
	}
	if ((rc = open_incident(st, a, sev[lv], now, nref, d)) != FL_OK)
		goto out;
	fl_strlcpy(res->incident, nref, sizeof res->incident);
	res->opened = 1;
link:
	if ((rc = timeline_alert(st, res->incident, a, now, d)) != FL_OK)
		goto out;
	if ((rc = st_query_int(st, &inc_id, "SELECT id FROM incident WHERE "
			       "ref = ?", "t", res->incident)) != FL_OK)
		goto out;
	{
		char at[21];
		const char *when = a->time;

		if (when == NULL) {
			fl_time_iso(now, at);
			when = at;
		}
		if ((rc = st_query_json(st, &before, "SELECT * FROM "
					"detect_incident WHERE rule_id = ? AND "
					"host = ?", "tt", rule, a->host)) != FL_OK)
			goto out;
		/* last_alert only moves forward */
		rc = st_exec(st, "INSERT INTO detect_incident (rule_id, host,"
			     " incident_id, last_alert) VALUES (?, ?, ?, ?)"
			     " ON CONFLICT (rule_id, host) DO UPDATE SET"
			     " incident_id = excluded.incident_id, last_alert ="
			     " CASE WHEN detect_incident.incident_id ="
			     " excluded.incident_id AND"
			     " detect_incident.last_alert > excluded.last_alert"
			     " THEN detect_incident.last_alert ELSE"
			     " excluded.last_alert END", "ttit", rule, a->host,
			     inc_id, when);
		if (rc != FL_OK)
			goto out;
		if ((rc = st_exec(st, "UPDATE detect_alert SET incident_id = ?"
				  " WHERE id = ?", "ii", inc_id, alert_id)) !=
		    FL_OK)
			goto out;
		if ((rc = st_query_json(st, &after, "SELECT * FROM "
					"detect_incident WHERE rule_id = ? AND "
					"host = ?", "tt", rule, a->host)) != FL_OK)
			goto out;
		rc = fl_store_audit(st, res->opened ? "detect.incident-open" :
				    "detect.incident-join", res->incident,
				    before, after);
	}
out:
	free(ref);
	free(last);
	free(state);
	free(cur);
	free(before);
	free(after);
	return rc;
}

fl_err
fl_alert_store(struct fl_store *st, const struct fl_alert_rec *a,
	       int open_incidents, long long window, time_t now,
	       struct fl_alert_result *res, struct fl_diag *d)
{
	char fp[65], at[21], key[96];
	long long id = 0, seen = 0;
	char *row = NULL;
	fl_err rc;

	memset(res, 0, sizeof *res);
	if (a->title == NULL || a->source == NULL || a->level == NULL ||
	    a->host == NULL || !one_line(a->title, ONE_LINE_MAX) ||
	    !one_line(a->rule_id, ONE_LINE_MAX) ||
	    !one_line(a->host, ONE_LINE_MAX) ||
	    !one_line(a->level, 64) || strlen(a->source) > 4096 ||
	    (a->group_json && strlen(a->group_json) > JSON_MAX) ||
	    (a->fields_json && strlen(a->fields_json) > JSON_MAX))
		return fl_diag_msg(d, FL_E_INVAL, "alert of rule %.100s: a "
				   "field is missing, too long or holds "
				   "control characters", a->title ? a->title :
				   "(no title)");
	if ((rc = fingerprint(a, fp)) != FL_OK)
		return fl_diag_msg(d, rc, "alert of rule %.100s: no"
				   " fingerprint", a->title);
	rc = st_query_int(st, &seen, "SELECT id FROM detect_alert WHERE "
			  "fingerprint = ?", "t", fp);
	if (rc == FL_OK)
		return FL_OK; /* stored before: nothing to do */
	if (rc != FL_E_NOTFOUND)
		return rc;
	fl_time_iso(now, at);
	rc = st_insert(st, &id, "INSERT INTO detect_alert (fingerprint,"
		       " rule_id, rule_title, level, kind, event_time, host,"
		       " source, record, count, group_json, fields_json,"
		       " stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		       " ?)", "ttttttttiittt", fp,
		       a->rule_id ? a->rule_id : a->title, a->title, a->level,
		       a->correlation ? "correlation" : "event", a->time,
		       a->host, a->source, (long long)a->record,
		       (long long)a->count, a->group_json, a->fields_json, at);
	if (rc != FL_OK)
		return rc;
	res->stored = 1;
	if ((rc = st_query_json(st, &row, "SELECT * FROM detect_alert WHERE "
				"id = ?", "i", id)) != FL_OK)
		return rc;
	snprintf(key, sizeof key, "alert:%lld", id);
	rc = fl_store_audit(st, "detect.alert", key, NULL, row);
	free(row);
	if (rc == FL_OK && open_incidents)
		rc = incident_for(st, a, id, window, now, res, d);
	return rc;
}

fl_err
fl_alert_list(struct fl_store *st, const char *rule_id, const char *min_level,
	      long limit, fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	int rank = min_level ? level_rank(min_level) : 0;

	if (min_level && rank < 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown level '%s'",
				   min_level);
	return st_query(st, "SELECT a.id AS id, a.rule_id AS rule_id,"
			" a.rule_title AS title, a.level AS level, a.kind AS"
			" kind, a.event_time AS time, a.host AS host, a.source"
			" AS source, a.record AS record, a.count AS count,"
			" a.group_json AS group_json, a.fields_json AS"
			" fields_json, a.stored_at AS stored_at, i.ref AS"
			" incident FROM detect_alert a LEFT JOIN incident i ON"
			" i.id = a.incident_id WHERE (CAST(? AS TEXT) IS NULL OR a.rule_id ="
			" ?) AND (CASE lower(a.level) WHEN 'informational' THEN"
			" 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high'"
			" THEN 3 WHEN 'critical' THEN 4 ELSE 0 END) >= ?"
			" ORDER BY a.event_time DESC, a.id DESC LIMIT ?", fn,
			ctx, "ttii", rule_id, rule_id, (long long)rank,
			limit > 0 ? (long long)limit : (long long)-1);
}
