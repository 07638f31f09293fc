/*
 * store/incident: security incidents (see incident.h) — the record and
 * its lifecycle, the timeline, links, tasks, and the notices an incident
 * causes.  Observables, evidence, the DORA classification and the clocks
 * are in incident_obs.c, incident_ev.c and incident_clock.c; what they
 * share is in incident_int.h.
 *
 * The rules are core's: the lifecycle table (core/incident.c), the DORA
 * test (core/dora.c) and the clocks (core/clocks.c).  This file loads,
 * checks references and times, applies those rules in one place per
 * operation and stores the outcome.  It refuses: any change to a closed
 * incident's fields or state, a time in the future for something that
 * happened, an event recorded twice, an unknown person, entity, asset,
 * risk or finding.  Nothing is written before every check has passed.
 */
#include "incident_int.h"
#include "notify.h"

/* ---- references and times ---------------------------------------------- */

int
fl_incident_ref_norm(const char *in, char out[static FL_INC_REF_MAX])
{
	char num[16];
	const char *p = in, *dash;
	long year, n;
	size_t k;

	if (p == NULL || (p[0] != 'I' && p[0] != 'i') ||
	    (p[1] != 'R' && p[1] != 'r') || p[2] != '-')
		return -1;
	p += 3;
	if ((dash = strchr(p, '-')) == NULL || (size_t)(dash - p) != 4)
		return -1;
	memcpy(num, p, 4);
	num[4] = '\0';
	if (fl_parse_long(num, 1970, 9999, &year) != 0)
		return -1;
	k = strlen(dash + 1);
	if (k == 0 || k >= 10 || fl_parse_long(dash + 1, 1, 99999999, &n) != 0)
		return -1;
	snprintf(out, FL_INC_REF_MAX, "IR-%04ld-%04ld", year, n);
	return 0;
}

fl_err
inc_when(const char *s, time_t now, const char *what, time_t *t,
	 char iso[static 21], struct fl_diag *d)
{
	if (s == NULL) {
		*t = now;
	} else if (fl_time_parse(s, t) != 0) {
		return fl_diag_msg(d, FL_E_INVAL, "%s '%s' is not a time "
				   "(YYYY-MM-DDTHH:MM[:SS]Z, UTC)", what, s);
	} else if (*t > now) {
		return fl_diag_msg(d, FL_E_INVAL, "%s %s is in the future: "
				   "record what has happened", what, s);
	}
	fl_time_iso(*t, iso);
	return FL_OK;
}

int
inc_text_ok(const char *s, size_t max, int multiline)
{
	const unsigned char *p;

	if (s == NULL || strlen(s) > max)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t' && !(multiline && (*p == '\n' ||
								  *p == '\r'))) ||
		    *p == 0x7f)
			return 0;
	return 1;
}

void
inc_cut(const char *s, char *out, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* ---- the incident as loaded -------------------------------------------- */

/* Column of each clock event, in enum fl_clock_event order. */
const char *const inc_event_col[FL_CLOCK_NEVENTS] = {
	"aware_at", "severity_set_at", "iso_informed_at", "classified_major_at",
	"dora_initial_at", "dora_intermediate_at", "dora_intermediate_latest_at",
	"dora_final_at", "nis2_aware_at", "nis2_early_warning_at",
	"nis2_notification_at", "nis2_final_at", "pd_breach_aware_at",
	"gdpr_notified_at", "pd_high_risk_at", "gdpr_subjects_informed_at"
};

/* Column of the time each state was entered. */
static const char *const state_col[FL_INC_NSTATES] = {
	"detected_at", "triaged_at", "contained_at", "eradicated_at",
	"recovered_at", "closed_at"
};


static time_t
row_time(const struct fl_row *row, const char *name)
{
	const char *v = fl_row_get(row, name);
	time_t t;

	return v && fl_time_parse(v, &t) == 0 ? t : 0;
}

fl_err
inc_row(void *ctx, const struct fl_row *row)
{
	struct inc *in = ctx;
	const char *v;
	int k;

	memset(in, 0, sizeof *in);
	in->found = 1;
	in->id = st_row_int(row, "id", 0);
	in->entity_id = st_row_int(row, "entity_id", 0);
	in->handler_id = st_row_int(row, "handler_id", 0);
	fl_strlcpy(in->ref, (v = fl_row_get(row, "ref")) ? v : "", sizeof in->ref);
	fl_strlcpy(in->title, (v = fl_row_get(row, "title")) ? v : "",
		   sizeof in->title);
	fl_strlcpy(in->category, (v = fl_row_get(row, "category")) ? v : "",
		   sizeof in->category);
	fl_strlcpy(in->tlp, (v = fl_row_get(row, "tlp")) ? v : "", sizeof in->tlp);
	fl_strlcpy(in->cause_key, (v = fl_row_get(row, "cause_key")) ? v : "",
		   sizeof in->cause_key);
	in->severity = fl_incident_severity_find(fl_row_get(row, "severity"));
	in->state = fl_incident_state_find(fl_row_get(row, "state"));
	for (k = 0; k < FL_INC_NSTATES; k++)
		in->state_at[k] = row_time(row, state_col[k]);
	for (k = 0; k < FL_CLOCK_NEVENTS; k++)
		in->ev[k] = row_time(row, inc_event_col[k]);
	in->dora = st_row_int(row, "reg_dora", 0) != 0;
	in->nis2 = st_row_int(row, "reg_nis2", 0) != 0;
	in->gdpr = st_row_int(row, "reg_gdpr", 0) != 0;
	in->personal_data = st_row_int(row, "personal_data", 0) != 0;
	in->major = st_row_int(row, "dora_major", 0) != 0;
	in->art5_5 = st_row_int(row, "art5_5", 0) != 0;
	in->art5_6 = st_row_int(row, "art5_6", 0) != 0;
	in->critical_function = st_row_int(row, "critical_function", 0) != 0;
	v = fl_row_get(row, "root_cause");
	in->has_root_cause = v && *v;
	v = fl_row_get(row, "lessons_learned");
	in->has_lessons = v && *v;
	return FL_OK;
}

fl_err
inc_load(struct fl_store *st, const char *ref, struct inc *in,
	 struct fl_diag *d)
{
	char norm[FL_INC_REF_MAX];
	fl_err rc;

	memset(in, 0, sizeof *in);
	if (fl_incident_ref_norm(ref, norm) != 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "'%s' is not an incident "
				   "reference (IR-2026-0001)", ref ? ref : "");
	rc = st_query(st, INC_SELECT_ALL " WHERE ref = ?", inc_row, in, "t", norm);
	if (rc != FL_OK)
		return rc;
	if (!in->found)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no incident %s", norm);
	return FL_OK;
}

/* Load and refuse a closed incident. */
static fl_err
load_open(struct fl_store *st, const char *ref, struct inc *in,
	  const char *what, struct fl_diag *d)
{
	fl_err rc = inc_load(st, ref, in, d);

	if (rc == FL_OK && in->state == FL_INC_CLOSED)
		return fl_diag_msg(d, FL_E_INVAL, "%s is closed: %s", in->ref,
				   what);
	return rc;
}

/* ---- audit, timeline --------------------------------------------------- */

fl_err
inc_image(struct fl_store *st, long long id, char **out)
{
	return st_query_json(st, out, "SELECT * FROM incident WHERE id = ?", "i",
			     id);
}

fl_err
inc_audit(struct fl_store *st, const char *action, const struct inc *in,
	  char *before)
{
	char *after = NULL, obj[48];
	fl_err rc;

	rc = inc_image(st, in->id, &after);
	snprintf(obj, sizeof obj, "incident:%s", in->ref);
	if (rc == FL_OK)
		rc = fl_store_audit(st, action, obj, before, after);
	free(before);
	free(after);
	return rc;
}

fl_err
inc_audit_json(struct fl_store *st, const char *action, const struct inc *in,
	       const char *after)
{
	char obj[48];

	snprintf(obj, sizeof obj, "incident:%s", in->ref);
	return fl_store_audit(st, action, obj, NULL, after);
}

fl_err
inc_touch(struct fl_store *st, long long id)
{
	char now[21];

	st_now(now);
	return st_exec(st, "UPDATE incident SET updated_at = ? WHERE id = ?",
		       "ti", now, id);
}

fl_err
inc_timeline(struct fl_store *st, long long id, const char *at,
	     const char *kind, const char *text)
{
	char now[21];

	st_now(now);
	return st_exec(st,
		       "INSERT INTO incident_timeline (incident_id, at,"
		       " recorded_at, author, kind, text) VALUES (?, ?, ?, ?,"
		       " ?, ?)",
		       "itttt" "t", id, at ? at : now, now, fl_store_actor(st),
		       kind, text);
}

/* ---- notices ----------------------------------------------------------- */

/*
 * Tell the ISO (through the outbox) about the incident: event is
 * "incident.new" (the major classification has its own notice, in
 * incident_dora.c); why is one line.
 */
static fl_err
notice_incident(struct fl_store *st, const struct inc *in, const char *event,
		const char *why, struct fl_diag *d)
{
	struct fl_notice n;
	struct fl_buf body, data;
	struct fl_json j;
	char subject[400], ref[48], aware[21], title[204];
	const char *sev = fl_incident_severity_name(in->severity);
	fl_err rc;

	fl_time_iso(in->ev[FL_CLOCK_EV_AWARE], aware);
	snprintf(ref, sizeof ref, "incident:%s", in->ref);
	inc_cut(in->title, title, 200);
	snprintf(subject, sizeof subject, "%s %s incident: %s", in->ref,
		 sev ? sev : "", title);
	fl_buf_init(&body, 0);
	fl_buf_init(&data, 0);
	fl_buf_printf(&body,
		      "Incident:  %s\nTitle:     %s\nSeverity:  %s\n"
		      "Category:  %s\nState:     %s\nAware:     %s\nTLP:       %s\n"
		      "\n%s\n",
		      in->ref, in->title, sev ? sev : "-", in->category,
		      fl_incident_state_name(in->state), aware, in->tlp, why);
	fl_json_init(&j, &data, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "incident");
	fl_json_str(&j, in->ref);
	fl_json_key(&j, "title");
	fl_json_str(&j, in->title);
	fl_json_key(&j, "severity");
	fl_json_str(&j, sev ? sev : "");
	fl_json_key(&j, "category");
	fl_json_str(&j, in->category);
	fl_json_key(&j, "state");
	fl_json_str(&j, fl_incident_state_name(in->state));
	fl_json_key(&j, "aware_at");
	fl_json_str(&j, aware);
	fl_json_key(&j, "tlp");
	fl_json_str(&j, in->tlp);
	fl_json_key(&j, "reason");
	fl_json_str(&j, why);
	fl_json_obj_close(&j);
	memset(&n, 0, sizeof n);
	n.event = event;
	n.ref = ref;
	n.severity = sev;
	n.subject = subject;
	n.body = fl_buf_str(&body);
	n.json = fl_buf_str(&data);
	rc = fl_notify_enqueue(st, &n, NULL, d);
	fl_buf_release(&body);
	fl_buf_release(&data);
	return rc;
}

/* ---- references to other objects --------------------------------------- */

/* "R-0004", "r-4", "4" -> risk id. */
static fl_err
risk_find(struct fl_store *st, const char *key, long long *id,
	  struct fl_diag *d)
{
	char norm[16];
	const char *p = key;
	long n;
	fl_err rc;

	if (p && (p[0] == 'R' || p[0] == 'r') && p[1] == '-')
		p += 2;
	if (p == NULL || fl_parse_long(p, 1, 99999999, &n) != 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "'%s' is not a risk "
				   "reference (R-0001)", key ? key : "");
	snprintf(norm, sizeof norm, "R-%04ld", n);
	rc = st_query_int(st, id, "SELECT id FROM risk WHERE ref = ?", "t", norm);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "unknown risk %s", norm);
	return rc;
}

/* "12" or "F-12" -> finding id. */
static fl_err
finding_find(struct fl_store *st, const char *key, long long *id,
	     struct fl_diag *d)
{
	const char *p = key;
	long n;
	fl_err rc;

	if (p && (p[0] == 'F' || p[0] == 'f') && p[1] == '-')
		p += 2;
	if (p == NULL || fl_parse_long(p, 1, LONG_MAX, &n) != 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "'%s' is not a finding "
				   "number (12 or F-12)", key ? key : "");
	rc = st_query_int(st, id, "SELECT id FROM finding WHERE id = ?", "i",
			  (long long)n);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "unknown finding %ld", n);
	return rc;
}

/* Resolve every reference, then link: one unknown refuses all. */
static fl_err
link_all(struct fl_store *st, long long inc_id, const char *const *risks,
	 int nrisks, const char *const *findings, int nfindings,
	 const char *const *assets, int nassets, long *added,
	 struct fl_buf *what, struct fl_diag *d)
{
	long long *ids;
	size_t n = (size_t)(nrisks > 0 ? nrisks : 0) +
		   (size_t)(nfindings > 0 ? nfindings : 0) +
		   (size_t)(nassets > 0 ? nassets : 0);
	int k;
	fl_err rc = FL_OK;

	*added = 0;
	if (n == 0)
		return FL_OK;
	if ((ids = calloc(n, sizeof *ids)) == NULL)
		return FL_E_NOMEM;
	for (k = 0; k < nrisks && rc == FL_OK; k++)
		rc = risk_find(st, risks[k], &ids[k], d);
	for (k = 0; k < nfindings && rc == FL_OK; k++)
		rc = finding_find(st, findings[k], &ids[nrisks + k], d);
	for (k = 0; k < nassets && rc == FL_OK; k++)
		rc = fl_store_asset_resolve(st, assets[k],
					    &ids[nrisks + nfindings + k], d);
	for (k = 0; k < nrisks && rc == FL_OK; k++) {
		rc = st_exec(st, "INSERT INTO incident_risk (incident_id, risk_id)"
			     " VALUES (?, ?) ON CONFLICT DO NOTHING", "ii",
			     inc_id, ids[k]);
		if (rc == FL_OK && st_changes(st) > 0) {
			(*added)++;
			fl_buf_printf(what, "%srisk %s", what->len ? ", " : "",
				      risks[k]);
		}
	}
	for (k = 0; k < nfindings && rc == FL_OK; k++) {
		rc = st_exec(st, "INSERT INTO incident_finding (incident_id,"
			     " finding_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			     "ii", inc_id, ids[nrisks + k]);
		if (rc == FL_OK && st_changes(st) > 0) {
			(*added)++;
			fl_buf_printf(what, "%sfinding %lld", what->len ? ", " : "",
				      ids[nrisks + k]);
		}
	}
	for (k = 0; k < nassets && rc == FL_OK; k++) {
		rc = st_exec(st, "INSERT INTO incident_asset (incident_id,"
			     " asset_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			     "ii", inc_id, ids[nrisks + nfindings + k]);
		if (rc == FL_OK && st_changes(st) > 0) {
			(*added)++;
			fl_buf_printf(what, "%sasset %s", what->len ? ", " : "",
				      assets[k]);
		}
	}
	free(ids);
	return rc;
}

/* ---- task templates ---------------------------------------------------- */

static fl_err
next_task_num(struct fl_store *st, long long inc_id, long *num)
{
	long long n = 0;
	fl_err rc = st_query_int(st, &n, "SELECT COALESCE(MAX(num), 0) FROM"
				 " incident_task WHERE incident_id = ?", "i",
				 inc_id);

	*num = (long)n + 1;
	return rc;
}

/*
 * Add the templates of category to incident in: tasks whose title the
 * incident already has are not added twice.  Owner: the handler.
 */
static fl_err
apply_templates(struct fl_store *st, const struct inc *in, time_t now,
		int *added, struct fl_diag *d)
{
	struct fl_task_tpls *tp;
	char nowiso[21], due[21], text[160];
	long num;
	int k;
	fl_err rc;

	*added = 0;
	if ((tp = malloc(sizeof *tp)) == NULL)
		return FL_E_NOMEM;
	rc = fl_incident_tasks_default(tp, d);
	fl_time_iso(now, nowiso);
	for (k = 0; rc == FL_OK && k < tp->n; k++) {
		const struct fl_task_tpl *t = &tp->t[k];
		long long have = 0;

		if (strcmp(t->category, in->category) != 0)
			continue;
		rc = st_query_int(st, &have, "SELECT COUNT(*) FROM incident_task"
				  " WHERE incident_id = ? AND title = ?", "it",
				  in->id, t->title);
		if (rc != FL_OK || have > 0)
			continue;
		if ((rc = next_task_num(st, in->id, &num)) != FL_OK)
			break;
		if (t->due_h >= 0)
			fl_time_iso(now + (time_t)t->due_h * 3600, due);
		rc = st_exec(st,
			     "INSERT INTO incident_task (incident_id, num, title,"
			     " owner_id, due, template, created_at) VALUES (?, ?,"
			     " ?, NULLIF(?, 0), ?, ?, ?)",
			     "iitit" "tt", in->id, (long long)num, t->title,
			     in->handler_id, t->due_h >= 0 ? due : NULL,
			     in->category, nowiso);
		if (rc == FL_OK)
			(*added)++;
	}
	free(tp);
	if (rc == FL_OK && *added > 0) {
		snprintf(text, sizeof text, "%d task%s added from the %s "
			 "template", *added, *added == 1 ? "" : "s",
			 in->category);
		rc = inc_timeline(st, in->id, nowiso, "task", text);
	}
	return rc;
}

/* ---- create ------------------------------------------------------------ */

#define TITLE_MAX 300
#define TEXT_MAX 65536

static fl_err
check_title(const char *t, struct fl_diag *d)
{
	if (t == NULL || *t == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "an incident needs a title "
				   "(--title)");
	if (!inc_text_ok(t, TITLE_MAX, 0))
		return fl_diag_msg(d, FL_E_INVAL, "the title must be one line of "
				   "at most %d bytes", TITLE_MAX);
	return FL_OK;
}

static fl_err
check_category(const char *c, char out[static 32], struct fl_diag *d)
{
	if (c == NULL || *c == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "an incident needs a category "
				   "(--category: " FL_INC_CATEGORIES ")");
	if (fl_incident_category_norm(c, out) != 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown category '%s' (one of "
				   FL_INC_CATEGORIES ")", c);
	return FL_OK;
}

static fl_err
check_severity(const char *s, int *sev, struct fl_diag *d)
{
	if (s == NULL || *s == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "an incident needs a severity "
				   "(--severity: low, medium, high, critical)");
	if ((*sev = fl_incident_severity_find(s)) == 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown severity '%s' (low, "
				   "medium, high, critical)", s);
	return FL_OK;
}

static fl_err
check_tlp(const char *s, char out[static 16], struct fl_diag *d)
{
	int r = fl_incident_tlp_norm(s, out);

	if (r == -2)
		return fl_diag_msg(d, FL_E_INVAL, "TLP:WHITE is TLP 1.0; TLP 2.0 "
				   "calls it CLEAR (one of " FL_INC_TLPS ")");
	if (r != 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown TLP marking '%s' (one "
				   "of " FL_INC_TLPS ")", s ? s : "");
	return FL_OK;
}

static fl_err
opt_person(struct fl_store *st, const char *what, const char *key,
	   long long *id, struct fl_diag *d)
{
	*id = 0;
	if (key == NULL || *key == '\0')
		return FL_OK;
	return fl_store_person_resolve(st, what, key, id, NULL, 0, d);
}

static fl_err
next_ref(struct fl_store *st, time_t now, char ref[static FL_INC_REF_MAX])
{
	char year[5], like[16];
	struct tm tm;
	long long n = 0;
	fl_err rc;

	gmtime_r(&now, &tm);
	snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
	snprintf(like, sizeof like, "IR-%s-%%", year);
	rc = st_query_int(st, &n, "SELECT COALESCE(MAX(CAST(substr(ref, 9) AS"
			  " INTEGER)), 0) FROM incident WHERE ref LIKE ?", "t",
			  like);
	if (rc != FL_OK)
		return rc;
	snprintf(ref, FL_INC_REF_MAX, "IR-%s-%04lld", year, n + 1);
	return FL_OK;
}

static int
flag_or(int v, int dflt)
{
	return v < 0 ? dflt : v != 0;
}

fl_err
fl_incident_create(struct fl_store *st, const struct fl_incident_new *in,
		   time_t now, char ref[static FL_INC_REF_MAX], int *ntasks,
		   struct fl_diag *d)
{
	char category[32], tlp[16], aware[21], occurred[21], nowiso[21];
	char *regime = NULL, text[512];
	long long entity = 0, reporter = 0, handler = 0, id = 0;
	time_t ta, to = 0;
	int sev = 0, pd, added = 0, k;
	struct inc inc;
	struct fl_buf what;
	long nlinked = 0;
	fl_err rc;

	if (ntasks)
		*ntasks = 0;
	ref[0] = '\0';
	if ((rc = check_title(in->title, d)) != FL_OK ||
	    (rc = check_category(in->category, category, d)) != FL_OK ||
	    (rc = check_severity(in->severity, &sev, d)) != FL_OK ||
	    (rc = check_tlp(in->tlp ? in->tlp : "AMBER", tlp, d)) != FL_OK)
		return rc;
	if (in->description && !inc_text_ok(in->description, TEXT_MAX, 1))
		return fl_diag_msg(d, FL_E_INVAL, "the description is longer than "
				   "%d bytes or holds control characters",
				   TEXT_MAX);
	if (in->services && !inc_text_ok(in->services, TITLE_MAX, 0))
		return fl_diag_msg(d, FL_E_INVAL, "--services: one line of at most "
				   "%d bytes", TITLE_MAX);
	if ((rc = inc_when(in->aware, now, "--aware", &ta, aware, d)) != FL_OK)
		return rc;
	if (in->occurred) {
		if ((rc = inc_when(in->occurred, now, "--occurred", &to, occurred,
				   d)) != FL_OK)
			return rc;
		if (to > ta)
			return fl_diag_msg(d, FL_E_INVAL, "--occurred %s is after "
					   "the entity became aware (%s)",
					   occurred, aware);
	}
	if (in->entity && *in->entity &&
	    (rc = fl_store_entity_resolve(st, in->entity, &entity, d)) != FL_OK)
		return rc;
	if ((rc = opt_person(st, "reporter", in->reporter, &reporter, d)) != FL_OK ||
	    (rc = opt_person(st, "handler", in->handler, &handler, d)) != FL_OK)
		return rc;
	for (k = 0; k < in->nassets; k++) {
		long long aid;
		if ((rc = fl_store_asset_resolve(st, in->assets[k], &aid, d)) != FL_OK)
			return rc;
	}
	if (entity && (rc = st_query_text(st, &regime, "SELECT regime FROM"
					  " entity WHERE id = ?", "i",
					  entity)) != FL_OK)
		return rc;
	pd = flag_or(in->personal_data, 0);
	fl_time_iso(now, nowiso);
	if ((rc = next_ref(st, now, ref)) != FL_OK)
		goto out;
	rc = st_insert(st, &id,
		       "INSERT INTO incident (ref, title, description, category,"
		       " severity, entity_id, services, critical_function,"
		       " reporter_id, handler_id, tlp, state, detected_at,"
		       " aware_at, occurred_at, severity_set_at,"
		       " pd_breach_aware_at, reg_dora, reg_nis2, reg_gdpr,"
		       " personal_data, art5_5, art5_6, created_at, updated_at)"
		       " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0),"
		       " NULLIF(?, 0), ?, 'detected', ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		       " ?, ?, ?, ?)",
		       "ttttt" "itii" "it" "ttttt" "iiiiii" "tt",
		       ref, in->title, in->description, category,
		       fl_incident_severity_name(sev), entity, in->services,
		       (long long)flag_or(in->critical_function, 0), reporter,
		       handler, tlp, aware, aware, in->occurred ? occurred : NULL,
		       aware, pd ? aware : NULL,
		       (long long)flag_or(in->dora, regime && strcmp(regime, "dora") == 0),
		       (long long)flag_or(in->nis2, regime && strcmp(regime, "nis2") == 0),
		       (long long)flag_or(in->gdpr, pd), (long long)pd,
		       (long long)flag_or(in->art5_5, 0),
		       (long long)flag_or(in->art5_6, 0), nowiso, nowiso);
	if (rc != FL_OK)
		goto out;
	fl_buf_init(&what, 0);
	rc = link_all(st, id, NULL, 0, NULL, 0, in->assets, in->nassets,
		      &nlinked, &what, d);
	fl_buf_release(&what);
	if (rc == FL_OK)
		rc = inc_load(st, ref, &inc, d);
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "detected: %s %s incident recorded",
			 fl_incident_severity_name(sev), category);
		rc = inc_timeline(st, id, aware, "transition", text);
	}
	if (rc == FL_OK)
		rc = apply_templates(st, &inc, now, &added, d);
	if (rc == FL_OK)
		rc = inc_audit(st, "incident.create", &inc, NULL);
	if (rc == FL_OK && sev >= FL_INC_SEV_HIGH)
		rc = notice_incident(st, &inc, "incident.new", "A new incident "
				     "of high or critical severity was "
				     "recorded.", d);
	if (rc == FL_OK && ntasks)
		*ntasks = added;
out:
	free(regime);
	if (rc != FL_OK)
		ref[0] = '\0';
	return rc;
}

/* ---- set --------------------------------------------------------------- */

void
fl_incident_set_init(struct fl_incident_set *s)
{
	memset(s, 0, sizeof *s);
	s->critical_function = s->personal_data = -1;
	s->dora = s->nis2 = s->gdpr = s->art5_5 = s->art5_6 = -1;
}

/* One change of a set, applied after every check passed. */
struct change {
	struct fl_buf list; /* "severity medium -> high, title" */
	int n;
};

static void
changed_field(struct change *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
changed_field(struct change *c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fl_buf_printf(&c->list, "%s%s", c->n++ ? ", " : "", buf);
}

/*
 * Set text column col to v ("" clears to NULL when clearable) when it
 * differs.  col comes from this file's constant names, never from input.
 */
static fl_err
set_text(struct fl_store *st, long long id, const char *col, const char *v,
	 int clearable, struct change *c)
{
	char sel[96], upd[96];
	char *cur = NULL;
	const char *nv = v;
	fl_err rc;

	if (v == NULL)
		return FL_OK;
	if (*v == '\0' && clearable)
		nv = NULL;
	snprintf(sel, sizeof sel, "SELECT %s FROM incident WHERE id = ?", col);
	if ((rc = st_query_text(st, &cur, sel, "i", id)) != FL_OK)
		return rc;
	if ((cur == NULL && nv == NULL) ||
	    (cur != NULL && nv != NULL && strcmp(cur, nv) == 0)) {
		free(cur);
		return FL_OK;
	}
	free(cur);
	snprintf(upd, sizeof upd, "UPDATE incident SET %s = ? WHERE id = ?", col);
	if ((rc = st_exec(st, upd, "ti", nv, id)) != FL_OK)
		return rc;
	changed_field(c, "%s", col);
	return FL_OK;
}

static fl_err
set_int(struct fl_store *st, long long id, const char *col, long long cur,
	long long v, const char *label, struct change *c)
{
	char upd[96];
	fl_err rc;

	if (v == cur)
		return FL_OK;
	snprintf(upd, sizeof upd, "UPDATE incident SET %s = NULLIF(?, -1) WHERE"
		 " id = ?", col);
	if ((rc = st_exec(st, upd, "ii", v, id)) != FL_OK)
		return rc;
	if (label)
		changed_field(c, "%s", label);
	return FL_OK;
}

static fl_err
cur_id(struct fl_store *st, long long id, const char *col, long long *out)
{
	char sel[96];
	fl_err rc;

	snprintf(sel, sizeof sel, "SELECT COALESCE(%s, 0) FROM incident WHERE"
		 " id = ?", col);
	rc = st_query_int(st, out, sel, "i", id);
	return rc;
}

/* A reference field: "" clears (-1 to set_int), else the resolved id. */
static fl_err
resolve_ref(struct fl_store *st, const char *what, const char *key,
	    long long *id, struct fl_diag *d)
{
	*id = -2; /* not given */
	if (key == NULL)
		return FL_OK;
	if (*key == '\0') {
		*id = -1;
		return FL_OK;
	}
	if (strcmp(what, "entity") == 0)
		return fl_store_entity_resolve(st, key, id, d);
	return fl_store_person_resolve(st, what, key, id, NULL, 0, d);
}

fl_err
fl_incident_set(struct fl_store *st, const char *ref,
		const struct fl_incident_set *s, time_t now, int *changed,
		int *ntasks, struct fl_diag *d)
{
	struct inc in;
	struct change c;
	char category[32] = "", tlp[16] = "", at[21], aware[21], occurred[21];
	char *before = NULL, sevtext[64];
	long long ent, rep, hnd, cur;
	time_t tat, taw = 0, toc = 0;
	int sev = 0, added = 0, raised = 0, catchg = 0;
	fl_err rc;

	*changed = 0;
	if (ntasks)
		*ntasks = 0;
	if ((rc = load_open(st, ref, &in, "no changes to a closed incident",
			    d)) != FL_OK)
		return rc;
	/* every check before the first write */
	if (s->title && (rc = check_title(s->title, d)) != FL_OK)
		return rc;
	if (s->category && (rc = check_category(s->category, category, d)) != FL_OK)
		return rc;
	if (s->severity && (rc = check_severity(s->severity, &sev, d)) != FL_OK)
		return rc;
	if (s->tlp && (rc = check_tlp(s->tlp, tlp, d)) != FL_OK)
		return rc;
	if (s->description && !inc_text_ok(s->description, TEXT_MAX, 1))
		return fl_diag_msg(d, FL_E_INVAL, "the description is longer than "
				   "%d bytes or holds control characters",
				   TEXT_MAX);
	if ((s->root_cause && !inc_text_ok(s->root_cause, TEXT_MAX, 1)) ||
	    (s->lessons && !inc_text_ok(s->lessons, TEXT_MAX, 1)))
		return fl_diag_msg(d, FL_E_INVAL, "root cause and lessons learned "
				   "are at most %d bytes of text", TEXT_MAX);
	if (s->services && !inc_text_ok(s->services, TITLE_MAX, 0))
		return fl_diag_msg(d, FL_E_INVAL, "--services: one line of at most "
				   "%d bytes", TITLE_MAX);
	if (s->root_cause_type && *s->root_cause_type &&
	    !fl_incident_cause_type_valid(s->root_cause_type))
		return fl_diag_msg(d, FL_E_INVAL, "unknown root cause type '%s' "
				   "(one of " FL_INC_CAUSE_TYPES ")",
				   s->root_cause_type);
	if (s->cause_key && !inc_text_ok(s->cause_key, 120, 0))
		return fl_diag_msg(d, FL_E_INVAL, "--cause-key: one line of at "
				   "most 120 bytes");
	if ((rc = inc_when(s->at, now, "--at", &tat, at, d)) != FL_OK)
		return rc;
	if (s->aware && (rc = inc_when(s->aware, now, "--aware", &taw, aware,
				       d)) != FL_OK)
		return rc;
	if (s->occurred && *s->occurred &&
	    (rc = inc_when(s->occurred, now, "--occurred", &toc, occurred,
			   d)) != FL_OK)
		return rc;
	if (toc && toc > (taw ? taw : in.ev[FL_CLOCK_EV_AWARE]))
		return fl_diag_msg(d, FL_E_INVAL, "--occurred %s is after the "
				   "entity became aware", occurred);
	if ((rc = resolve_ref(st, "entity", s->entity, &ent, d)) != FL_OK ||
	    (rc = resolve_ref(st, "reporter", s->reporter, &rep, d)) != FL_OK ||
	    (rc = resolve_ref(st, "handler", s->handler, &hnd, d)) != FL_OK)
		return rc;

	if ((rc = inc_image(st, in.id, &before)) != FL_OK)
		return rc;
	memset(&c, 0, sizeof c);
	fl_buf_init(&c.list, 0);
	rc = set_text(st, in.id, "title", s->title, 0, &c);
	if (rc == FL_OK)
		rc = set_text(st, in.id, "description", s->description, 1, &c);
	if (rc == FL_OK && s->category && strcmp(category, in.category) != 0) {
		rc = set_text(st, in.id, "category", category, 0, &c);
		catchg = 1;
	}
	if (rc == FL_OK && sev && sev != in.severity) {
		raised = sev > in.severity;
		rc = st_exec(st, "UPDATE incident SET severity = ? WHERE id = ?",
			     "ti", fl_incident_severity_name(sev), in.id);
		/* a raise restarts the ISO clock; a lowering never buys time */
		if (rc == FL_OK && raised)
			rc = st_exec(st, "UPDATE incident SET severity_set_at = ?"
				     " WHERE id = ?", "ti", at, in.id);
		snprintf(sevtext, sizeof sevtext, "severity %s -> %s",
			 fl_incident_severity_name(in.severity),
			 fl_incident_severity_name(sev));
		changed_field(&c, "%s", sevtext);
	}
	if (rc == FL_OK && s->tlp)
		rc = set_text(st, in.id, "tlp", tlp, 0, &c);
	if (rc == FL_OK)
		rc = set_text(st, in.id, "services", s->services, 1, &c);
	if (rc == FL_OK)
		rc = set_text(st, in.id, "root_cause", s->root_cause, 1, &c);
	if (rc == FL_OK)
		rc = set_text(st, in.id, "root_cause_type", s->root_cause_type, 1,
			      &c);
	if (rc == FL_OK && s->cause_key) {
		char key[128];
		size_t i;

		fl_strlcpy(key, s->cause_key, sizeof key);
		for (i = 0; key[i]; i++)
			if (key[i] >= 'A' && key[i] <= 'Z')
				key[i] = (char)(key[i] - 'A' + 'a');
		rc = set_text(st, in.id, "cause_key", key, 1, &c);
	}
	if (rc == FL_OK)
		rc = set_text(st, in.id, "lessons_learned", s->lessons, 1, &c);
	if (rc == FL_OK && s->aware) {
		char old[21];

		fl_time_iso(in.ev[FL_CLOCK_EV_AWARE], old);
		if (strcmp(old, aware) != 0) {
			/* the times set from awareness follow it */
			rc = st_exec(st, "UPDATE incident SET"
				     " severity_set_at = CASE WHEN severity_set_at"
				     " = aware_at THEN ? ELSE severity_set_at END,"
				     " detected_at = CASE WHEN detected_at ="
				     " aware_at THEN ? ELSE detected_at END,"
				     " pd_breach_aware_at = CASE WHEN"
				     " pd_breach_aware_at = aware_at THEN ? ELSE"
				     " pd_breach_aware_at END, aware_at = ? WHERE"
				     " id = ?", "tttt" "i", aware, aware, aware,
				     aware, in.id);
			changed_field(&c, "aware %s -> %s", old, aware);
		}
	}
	if (rc == FL_OK && s->occurred)
		rc = set_text(st, in.id, "occurred_at", *s->occurred ? occurred : "",
			      1, &c);
	if (rc == FL_OK && ent != -2 && (rc = cur_id(st, in.id, "entity_id",
						     &cur)) == FL_OK)
		rc = set_int(st, in.id, "entity_id", cur ? cur : -1, ent,
			     "entity", &c);
	if (rc == FL_OK && rep != -2 && (rc = cur_id(st, in.id, "reporter_id",
						     &cur)) == FL_OK)
		rc = set_int(st, in.id, "reporter_id", cur ? cur : -1, rep,
			     "reporter", &c);
	if (rc == FL_OK && hnd != -2 && (rc = cur_id(st, in.id, "handler_id",
						     &cur)) == FL_OK)
		rc = set_int(st, in.id, "handler_id", cur ? cur : -1, hnd,
			     "handler", &c);
	if (rc == FL_OK && s->critical_function >= 0)
		rc = set_int(st, in.id, "critical_function", in.critical_function,
			     s->critical_function != 0, "critical function", &c);
	if (rc == FL_OK && s->personal_data >= 0 &&
	    (s->personal_data != 0) != in.personal_data) {
		rc = set_int(st, in.id, "personal_data", in.personal_data,
			     s->personal_data != 0, "personal-data breach", &c);
		if (rc == FL_OK && s->personal_data) {
			if (!in.ev[FL_CLOCK_EV_PD_BREACH_AWARE])
				rc = st_exec(st, "UPDATE incident SET"
					     " pd_breach_aware_at = ? WHERE id = ?",
					     "ti", at, in.id);
			if (rc == FL_OK && s->gdpr < 0)
				rc = st_exec(st, "UPDATE incident SET reg_gdpr = 1"
					     " WHERE id = ?", "i", in.id);
		}
	}
	if (rc == FL_OK && s->dora >= 0)
		rc = set_int(st, in.id, "reg_dora", in.dora, s->dora != 0, "DORA",
			     &c);
	if (rc == FL_OK && s->nis2 >= 0)
		rc = set_int(st, in.id, "reg_nis2", in.nis2, s->nis2 != 0, "NIS2",
			     &c);
	if (rc == FL_OK && s->gdpr >= 0)
		rc = set_int(st, in.id, "reg_gdpr", in.gdpr, s->gdpr != 0, "GDPR",
			     &c);
	if (rc == FL_OK && s->art5_5 >= 0)
		rc = set_int(st, in.id, "art5_5", in.art5_5, s->art5_5 != 0,
			     "art5-5", &c);
	if (rc == FL_OK && s->art5_6 >= 0)
		rc = set_int(st, in.id, "art5_6", in.art5_6, s->art5_6 != 0,
			     "art5-6", &c);
	if (rc != FL_OK || c.n == 0) {
		fl_buf_release(&c.list);
		free(before);
		return rc;
	}
	*changed = 1;
	rc = inc_touch(st, in.id);
	if (rc == FL_OK) {
		char text[600];

		snprintf(text, sizeof text, "changed: %.580s", fl_buf_str(&c.list));
		rc = inc_timeline(st, in.id, at, "note", text);
	}
	fl_buf_release(&c.list);
	if (rc == FL_OK) {
		char ref2[FL_INC_REF_MAX];

		/* reload: inc_load clears in before it reads the reference */
		fl_strlcpy(ref2, in.ref, sizeof ref2);
		rc = inc_load(st, ref2, &in, d);
	}
	if (rc == FL_OK && catchg)
		rc = apply_templates(st, &in, now, &added, d);
	if (rc == FL_OK)
		rc = inc_audit(st, "incident.update", &in, before);
	else
		free(before);
	if (rc == FL_OK && raised && sev >= FL_INC_SEV_HIGH)
		rc = notice_incident(st, &in, "incident.new", "The incident's "
				     "severity was raised to high or critical.",
				     d);
	if (rc == FL_OK && ntasks)
		*ntasks = added;
	return rc;
}

/* ---- move -------------------------------------------------------------- */

fl_err
fl_incident_move(struct fl_store *st, const char *ref, const char *state,
		 const char *reason, const char *at, time_t now,
		 struct fl_diag *d)
{
	struct fl_inc_move m;
	enum fl_inc_move_kind kind;
	struct inc in;
	char atiso[21], since[21], upd[128], text[700];
	char *before = NULL;
	time_t t;
	int to = fl_incident_state_find(state);
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (to < 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown state '%s' (detected, "
				   "triaged, contained, eradicated, recovered, "
				   "closed)", state ? state : "");
	if (reason && (*reason == '\0' || !inc_text_ok(reason, 512, 0)))
		return fl_diag_msg(d, FL_E_INVAL, "--reason: one line of 1 to 512 "
				   "bytes");
	memset(&m, 0, sizeof m);
	m.from = in.state;
	m.to = to;
	m.severity = in.severity;
	m.has_reason = reason != NULL;
	m.has_root_cause = in.has_root_cause;
	m.has_lessons = in.has_lessons;
	if ((rc = fl_incident_move_check(&m, &kind, d)) != FL_OK) {
		char why[sizeof d->msg];

		fl_strlcpy(why, d->msg, sizeof why);
		return fl_diag_msg(d, rc, "%s: %s", in.ref, why);
	}
	if ((rc = inc_when(at, now, "--at", &t, atiso, d)) != FL_OK)
		return rc;
	if (in.state_at[in.state] && t < in.state_at[in.state]) {
		fl_time_iso(in.state_at[in.state], since);
		return fl_diag_msg(d, FL_E_INVAL, "%s: --at %s is before the "
				   "incident became %s (%s)", in.ref, atiso,
				   fl_incident_state_name(in.state), since);
	}
	if ((rc = inc_image(st, in.id, &before)) != FL_OK)
		return rc;
	snprintf(upd, sizeof upd, "UPDATE incident SET state = ?, %s = ? WHERE"
		 " id = ?", state_col[to]);
	rc = st_exec(st, upd, "tti", fl_incident_state_name(to), atiso, in.id);
	if (rc == FL_OK && kind == FL_MOVE_SKIP_CONTAIN)
		rc = st_exec(st, "UPDATE incident SET containment_skip_reason = ?"
			     " WHERE id = ?", "ti",
			     reason ? reason : "low or medium severity", in.id);
	if (rc == FL_OK && kind == FL_MOVE_CLOSE_UNFOUNDED)
		rc = st_exec(st, "UPDATE incident SET close_reason = ? WHERE id = ?",
			     "ti", reason, in.id);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "%s -> %s%s%s%s",
			 fl_incident_state_name(in.state),
			 fl_incident_state_name(to),
			 kind == FL_MOVE_SKIP_CONTAIN ? " (containment skipped)" : "",
			 reason ? ": " : "", reason ? reason : "");
		rc = inc_timeline(st, in.id, atiso, "transition", text);
	}
	if (rc == FL_OK) {
		in.state = to;
		rc = inc_audit(st, "incident.move", &in, before);
	} else {
		free(before);
	}
	return rc;
}

/* ---- notes and events -------------------------------------------------- */

fl_err
fl_incident_note(struct fl_store *st, const char *ref, const char *text,
		 const char *kind, const char *at, time_t now, struct fl_diag *d)
{
	struct inc in;
	char atiso[21], *row = NULL;
	long long tid = 0;
	time_t t;
	fl_err rc;

	if (kind == NULL || (strcmp(kind, "note") != 0 &&
			     strcmp(kind, "decision") != 0 &&
			     strcmp(kind, "alert") != 0))
		return fl_diag_msg(d, FL_E_INTERNAL, "a note is a note, a "
				   "decision or an alert");
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (text == NULL || *text == '\0' || !inc_text_ok(text, TEXT_MAX, 1))
		return fl_diag_msg(d, FL_E_INVAL, "a note needs text (at most %d "
				   "bytes, no control characters)", TEXT_MAX);
	if ((rc = inc_when(at, now, "--at", &t, atiso, d)) != FL_OK)
		return rc;
	if ((rc = inc_timeline(st, in.id, atiso, kind, text)) != FL_OK)
		return rc;
	if ((rc = st_query_int(st, &tid, "SELECT MAX(id) FROM incident_timeline"
			       " WHERE incident_id = ?", "i", in.id)) != FL_OK)
		return rc;
	rc = st_query_json(st, &row, "SELECT id, at, recorded_at, author, kind,"
			   " text FROM incident_timeline WHERE id = ?", "i", tid);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK)
		rc = inc_audit_json(st, "incident.note", &in, row);
	free(row);
	return rc;
}

/* What each recordable event means, for the timeline. */
static const char *
event_label(int ev)
{
	switch (ev) {
	case FL_CLOCK_EV_ISO_INFORMED: return "ISO informed";
	case FL_CLOCK_EV_DORA_INITIAL: return "DORA initial notification submitted";
	case FL_CLOCK_EV_DORA_INTERMEDIATE: return "DORA intermediate report submitted";
	case FL_CLOCK_EV_DORA_INTERMEDIATE_LATEST:
		return "updated DORA intermediate report submitted";
	case FL_CLOCK_EV_DORA_FINAL: return "DORA final report submitted";
	case FL_CLOCK_EV_NIS2_AWARE:
		return "aware of a significant incident (NIS2)";
	case FL_CLOCK_EV_NIS2_EARLY_WARNING: return "NIS2 early warning submitted";
	case FL_CLOCK_EV_NIS2_NOTIFICATION:
		return "NIS2 incident notification submitted";
	case FL_CLOCK_EV_NIS2_FINAL: return "NIS2 final report submitted";
	case FL_CLOCK_EV_PD_BREACH_AWARE: return "aware of a personal-data breach";
	case FL_CLOCK_EV_GDPR_NOTIFIED:
		return "supervisory authority notified (GDPR Art. 33)";
	case FL_CLOCK_EV_PD_HIGH_RISK:
		return "breach found likely to result in a high risk (GDPR Art. 34)";
	case FL_CLOCK_EV_GDPR_SUBJECTS_INFORMED:
		return "data subjects informed (GDPR Art. 34)";
	}
	return NULL;
}

/* The event a report presupposes, or -1. */
static int
event_needs(int ev)
{
	switch (ev) {
	case FL_CLOCK_EV_DORA_INTERMEDIATE: return FL_CLOCK_EV_DORA_INITIAL;
	case FL_CLOCK_EV_DORA_INTERMEDIATE_LATEST:
		return FL_CLOCK_EV_DORA_INTERMEDIATE;
	case FL_CLOCK_EV_DORA_FINAL: return FL_CLOCK_EV_DORA_INTERMEDIATE;
	case FL_CLOCK_EV_NIS2_FINAL: return FL_CLOCK_EV_NIS2_NOTIFICATION;
	}
	return -1;
}

static fl_err
record_event(struct fl_store *st, struct inc *in, int ev, const char *atiso,
	     const char *detail)
{
	char upd[128], text[700];
	char *before = NULL;
	fl_err rc;

	if ((rc = inc_image(st, in->id, &before)) != FL_OK)
		return rc;
	snprintf(upd, sizeof upd, "UPDATE incident SET %s = ? WHERE id = ?",
		 inc_event_col[ev]);
	rc = st_exec(st, upd, "ti", atiso, in->id);
	/* the event says the regime applies: its clocks must run */
	if (rc == FL_OK && ev == FL_CLOCK_EV_PD_BREACH_AWARE)
		rc = st_exec(st, "UPDATE incident SET personal_data = 1,"
			     " reg_gdpr = 1 WHERE id = ?", "i", in->id);
	if (rc == FL_OK && ev == FL_CLOCK_EV_NIS2_AWARE)
		rc = st_exec(st, "UPDATE incident SET reg_nis2 = 1 WHERE id = ?",
			     "i", in->id);
	if (rc == FL_OK)
		rc = inc_touch(st, in->id);
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "%s%s%.600s", event_label(ev),
			 detail ? ": " : "", detail ? detail : "");
		rc = inc_timeline(st, in->id, atiso, "notification", text);
	}
	if (rc == FL_OK)
		rc = inc_audit(st, "incident.event", in, before);
	else
		free(before);
	return rc;
}

fl_err
fl_incident_event(struct fl_store *st, const char *ref, const char *name,
		  const char *at, const char *detail, time_t now,
		  struct fl_diag *d)
{
	struct inc in;
	char atiso[21], when[21];
	int ev = fl_clock_event_find(name), need;
	time_t t;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (ev == FL_CLOCK_EV_AWARE || ev == FL_CLOCK_EV_SEVERITY_SET)
		return fl_diag_msg(d, FL_E_INVAL, "'%s' is set with incident set "
				   "(--aware, --severity)", name);
	if (ev == FL_CLOCK_EV_CLASSIFIED_MAJOR)
		return fl_diag_msg(d, FL_E_INVAL, "'classified-major' is recorded "
				   "by incident classify");
	if (ev < 0 || event_label(ev) == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "unknown event '%s' (iso-informed, "
				   "dora-initial, dora-intermediate, "
				   "dora-intermediate-latest, dora-final, "
				   "nis2-aware, nis2-early-warning, "
				   "nis2-notification, nis2-final, "
				   "pd-breach-aware, gdpr-notified, "
				   "pd-high-risk, gdpr-subjects-informed)",
				   name ? name : "");
	if (detail && !inc_text_ok(detail, 600, 0))
		return fl_diag_msg(d, FL_E_INVAL, "--detail: one line of at most "
				   "600 bytes");
	if ((rc = inc_when(at, now, "--at", &t, atiso, d)) != FL_OK)
		return rc;
	if (in.ev[ev] && ev != FL_CLOCK_EV_DORA_INTERMEDIATE_LATEST) {
		fl_time_iso(in.ev[ev], when);
		return fl_diag_msg(d, FL_E_INVAL, "%s: %s was already recorded at "
				   "%s", in.ref, name, when);
	}
	need = event_needs(ev);
	if (need >= 0 && !in.ev[need])
		return fl_diag_msg(d, FL_E_INVAL, "%s: record %s first", in.ref,
				   fl_clock_event_name((enum fl_clock_event)need));
	if (need >= 0 && t < in.ev[need]) {
		fl_time_iso(in.ev[need], when);
		return fl_diag_msg(d, FL_E_INVAL, "%s: %s at %s would be before "
				   "%s (%s)", in.ref, name, atiso,
				   fl_clock_event_name((enum fl_clock_event)need),
				   when);
	}
	return record_event(st, &in, ev, atiso, detail);
}

fl_err
fl_incident_iso_delivered(struct fl_store *st, const char *ref, const char *at,
			  const char *how, int *recorded, struct fl_diag *d)
{
	struct inc in;
	char atiso[21];
	time_t t;
	fl_err rc;

	*recorded = 0;
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (in.ev[FL_CLOCK_EV_ISO_INFORMED])
		return FL_OK;
	if ((rc = inc_when(at, fl_now(), "delivery time", &t, atiso, d)) != FL_OK)
		return rc;
	if ((rc = record_event(st, &in, FL_CLOCK_EV_ISO_INFORMED, atiso,
			       how ? how : "message delivered")) == FL_OK)
		*recorded = 1;
	return rc;
}

/* ---- listings ---------------------------------------------------------- */

fl_err
fl_incident_list(struct fl_store *st, const char *state, const char *severity,
		 fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	if (state && fl_incident_state_find(state) < 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown state '%s' (detected, "
				   "triaged, contained, eradicated, recovered, "
				   "closed)", state);
	if (severity && fl_incident_severity_find(severity) == 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown severity '%s' (low, "
				   "medium, high, critical)", severity);
	return st_query(st,
			"SELECT i.ref, i.title, i.category, i.severity, i.state,"
			" e.code AS entity, h.email AS handler, i.tlp,"
			" CASE WHEN i.dora_major <> 0 THEN 'true' ELSE 'false'"
			" END AS major_json, i.aware_at,"
			" (SELECT COUNT(*) FROM incident_task t WHERE"
			" t.incident_id = i.id AND t.status = 'open') AS"
			" open_tasks, i.updated_at"
			" FROM incident i LEFT JOIN entity e ON e.id = i.entity_id"
			" LEFT JOIN person h ON h.id = i.handler_id"
			" WHERE (CAST(? AS TEXT) IS NULL OR i.state = ?) AND (CAST(? AS TEXT) IS NULL OR"
			" i.severity = ?) ORDER BY i.aware_at DESC, i.id DESC",
			fn, ctx, "tttt", state, state,
			severity ? fl_incident_severity_name(
					   fl_incident_severity_find(severity))
				 : NULL,
			severity ? fl_incident_severity_name(
					   fl_incident_severity_find(severity))
				 : NULL);
}

#define B(c) " CASE WHEN i." c " <> 0 THEN 'true' ELSE 'false' END AS "

fl_err
fl_incident_show(struct fl_store *st, const char *ref, fl_row_fn fn,
		 void *ctx, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT i.ref, i.title, i.description, i.category,"
			" i.severity, i.state, e.code AS entity, e.name AS"
			" entity_name, i.services," B("critical_function")
			"critical_function_json, r.name AS reporter, r.email AS"
			" reporter_email, h.name AS handler, h.email AS"
			" handler_email, i.tlp, i.detected_at, i.triaged_at,"
			" i.contained_at, i.eradicated_at, i.recovered_at,"
			" i.closed_at, i.containment_skip_reason, i.close_reason,"
			" i.aware_at, i.occurred_at, i.severity_set_at,"
			" i.iso_informed_at, i.classified_major_at,"
			" i.dora_initial_at, i.dora_intermediate_at,"
			" i.dora_intermediate_latest_at, i.dora_final_at,"
			" i.nis2_aware_at, i.nis2_early_warning_at,"
			" i.nis2_notification_at, i.nis2_final_at,"
			" i.pd_breach_aware_at, i.gdpr_notified_at,"
			" i.pd_high_risk_at, i.gdpr_subjects_informed_at,"
			B("reg_dora") "dora_json," B("reg_nis2") "nis2_json,"
			B("reg_gdpr") "gdpr_json," B("personal_data")
			"personal_data_json," B("dora_major") "major_json,"
			B("art5_5") "art5_5_json," B("art5_6") "art5_6_json,"
			" i.root_cause, i.root_cause_type, i.cause_key,"
			" i.lessons_learned, i.created_at, i.updated_at"
			" FROM incident i LEFT JOIN entity e ON e.id = i.entity_id"
			" LEFT JOIN person r ON r.id = i.reporter_id"
			" LEFT JOIN person h ON h.id = i.handler_id"
			" WHERE i.id = ?", fn, ctx, "i", in.id);
}
#undef B

/* ---- timeline ---------------------------------------------------------- */

struct tl_entry {
	char *at, *recorded_at, *author, *kind, *text;
	int outbox;
	size_t seq;
};

struct tl_list {
	struct tl_entry *e;
	size_t n, cap;
	fl_err err;
};

static fl_err
tl_push(struct tl_list *l, const char *at, const char *rec, const char *author,
	const char *kind, const char *text, int outbox)
{
	struct tl_entry *e;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;
		struct tl_entry *ne = realloc(l->e, nc * sizeof *ne);

		if (ne == NULL)
			return l->err = FL_E_NOMEM;
		l->e = ne;
		l->cap = nc;
	}
	e = &l->e[l->n];
	e->at = fl_strdup(at ? at : "");
	e->recorded_at = fl_strdup(rec ? rec : (at ? at : ""));
	e->author = fl_strdup(author ? author : "");
	e->kind = fl_strdup(kind ? kind : "");
	e->text = fl_strdup(text ? text : "");
	e->outbox = outbox;
	e->seq = l->n;
	l->n++;
	if (!e->at || !e->recorded_at || !e->author || !e->kind || !e->text)
		return l->err = FL_E_NOMEM;
	return FL_OK;
}

static fl_err
tl_own_row(void *ctx, const struct fl_row *row)
{
	return tl_push(ctx, fl_row_get(row, "at"), fl_row_get(row, "recorded_at"),
		       fl_row_get(row, "author"), fl_row_get(row, "kind"),
		       fl_row_get(row, "text"), 0);
}

static fl_err
tl_outbox_row(void *ctx, const struct fl_row *row)
{
	const char *kind = fl_row_get(row, "kind"), *ch = fl_row_get(row, "channel");
	const char *tg = fl_row_get(row, "target"), *ev = fl_row_get(row, "event");
	const char *sub = fl_row_get(row, "subject"), *det = fl_row_get(row, "detail");
	struct fl_buf b;
	fl_err rc;

	fl_buf_init(&b, 0);
	fl_buf_printf(&b, "%s %s to %s: %s", kind ? kind : "?", ch ? ch : "?",
		      tg ? tg : "?", ev ? ev : "?");
	if (sub && *sub)
		fl_buf_printf(&b, " \"%s\"", sub);
	if (det && *det)
		fl_buf_printf(&b, " (%s)", det);
	rc = tl_push(ctx, fl_row_get(row, "at"), NULL, "outbox", "notification",
		     fl_buf_str(&b), 1);
	fl_buf_release(&b);
	return rc;
}

static int
tl_cmp(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;
	time_t tx = 0, ty = 0;
	int c;

	/* compare as times: a back-dated entry may be written "2026-03-02" */
	if (fl_time_parse(x->at, &tx) == 0 && fl_time_parse(y->at, &ty) == 0 &&
	    tx != ty)
		return tx < ty ? -1 : 1;
	if ((c = strcmp(x->at, y->at)) != 0)
		return c;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

fl_err
fl_incident_timeline(struct fl_store *st, const char *ref, fl_row_fn fn,
		     void *ctx, struct fl_diag *d)
{
	static const char *const names[] = {"at", "recorded_at", "author", "kind",
					    "text", "source"};
	static const enum fl_col_type types[] = {FL_COL_TEXT, FL_COL_TEXT,
						 FL_COL_TEXT, FL_COL_TEXT,
						 FL_COL_TEXT, FL_COL_TEXT};
	struct tl_list l;
	struct inc in;
	char nref[48];
	size_t k;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	memset(&l, 0, sizeof l);
	rc = st_query(st, "SELECT at, recorded_at, author, kind, text FROM"
		      " incident_timeline WHERE incident_id = ? ORDER BY at, id",
		      tl_own_row, &l, "i", in.id);
	snprintf(nref, sizeof nref, "incident:%s", in.ref);
	if (rc == FL_OK)
		rc = fl_notify_for_ref(st, nref, tl_outbox_row, &l, d);
	if (rc == FL_OK)
		rc = l.err;
	if (rc == FL_OK && l.n > 1)
		qsort(l.e, l.n, sizeof *l.e, tl_cmp);
	for (k = 0; rc == FL_OK && k < l.n; k++) {
		const char *vals[6];
		struct fl_row row;

		vals[0] = l.e[k].at;
		vals[1] = l.e[k].recorded_at;
		vals[2] = l.e[k].author;
		vals[3] = l.e[k].kind;
		vals[4] = l.e[k].text;
		vals[5] = l.e[k].outbox ? "outbox" : "incident";
		row.ncol = 6;
		row.names = names;
		row.vals = vals;
		row.types = types;
		rc = fn(ctx, &row);
	}
	for (k = 0; k < l.n; k++) {
		free(l.e[k].at);
		free(l.e[k].recorded_at);
		free(l.e[k].author);
		free(l.e[k].kind);
		free(l.e[k].text);
	}
	free(l.e);
	return rc;
}

/* ---- links ------------------------------------------------------------- */

fl_err
fl_incident_link(struct fl_store *st, const char *ref,
		 const char *const *risks, int nrisks,
		 const char *const *findings, int nfindings,
		 const char *const *assets, int nassets, long *added,
		 struct fl_diag *d)
{
	struct inc in;
	struct fl_buf what;
	char *after = NULL;
	fl_err rc;

	*added = 0;
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	fl_buf_init(&what, 0);
	rc = link_all(st, in.id, risks, nrisks, findings, nfindings, assets,
		      nassets, added, &what, d);
	if (rc == FL_OK && *added > 0) {
		char text[600];
		struct fl_buf img;
		struct fl_json j;

		snprintf(text, sizeof text, "linked %.580s", fl_buf_str(&what));
		rc = inc_timeline(st, in.id, NULL, "note", text);
		if (rc == FL_OK)
			rc = inc_touch(st, in.id);
		fl_buf_init(&img, 0);
		fl_json_init(&j, &img, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "linked");
		fl_json_str(&j, fl_buf_str(&what));
		fl_json_obj_close(&j);
		after = fl_buf_steal(&img);
		fl_buf_release(&img);
		if (rc == FL_OK && after == NULL)
			rc = FL_E_NOMEM;
		if (rc == FL_OK)
			rc = inc_audit_json(st, "incident.link", &in, after);
		free(after);
	}
	fl_buf_release(&what);
	return rc;
}

fl_err
fl_incident_links(struct fl_store *st, const char *ref, fl_row_fn fn,
		  void *ctx, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT 'asset' AS kind, a.name AS key, a.description AS"
			" title FROM incident_asset l JOIN asset a ON a.id ="
			" l.asset_id WHERE l.incident_id = ?"
			" UNION ALL SELECT 'risk', r.ref, r.title FROM"
			" incident_risk l JOIN risk r ON r.id = l.risk_id WHERE"
			" l.incident_id = ?"
			" UNION ALL SELECT 'finding', CAST(f.id AS TEXT),"
			" v.title FROM incident_finding l JOIN finding f ON f.id"
			" = l.finding_id JOIN vuln_rule v ON v.id = f.rule_id"
			" WHERE l.incident_id = ? ORDER BY 1, 2",
			fn, ctx, "iii", in.id, in.id, in.id);
}

/* ---- tasks ------------------------------------------------------------- */

fl_err
fl_incident_task_add(struct fl_store *st, const char *ref, const char *title,
		     const char *owner, const char *due, time_t now, long *num,
		     struct fl_diag *d)
{
	struct inc in;
	long long oid = 0, tid = 0;
	long long span;
	char dueiso[21], nowiso[21], text[300], *row = NULL;
	time_t t;
	fl_err rc;

	*num = 0;
	if ((rc = load_open(st, ref, &in, "no new tasks", d)) != FL_OK)
		return rc;
	if (title == NULL || *title == '\0' || !inc_text_ok(title, 199, 0))
		return fl_diag_msg(d, FL_E_INVAL, "a task needs a title of one line "
				   "and at most 199 bytes");
	if (owner && (rc = fl_store_person_resolve(st, "owner", owner, &oid, NULL,
						   0, d)) != FL_OK)
		return rc;
	if (due) {
		if (fl_incident_parse_span(due, &span) == 0)
			t = now + (time_t)span;
		else if (fl_time_parse(due, &t) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "--due '%s' is neither a "
					   "time nor a span (4h, 2d)", due);
		fl_time_iso(t, dueiso);
	}
	fl_time_iso(now, nowiso);
	if ((rc = next_task_num(st, in.id, num)) != FL_OK)
		return rc;
	rc = st_insert(st, &tid,
		       "INSERT INTO incident_task (incident_id, num, title,"
		       " owner_id, due, created_at) VALUES (?, ?, ?, NULLIF(?,"
		       " 0), ?, ?)", "iitit" "t", in.id, (long long)*num, title,
		       oid, due ? dueiso : NULL, nowiso);
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "task %ld added: %s", *num, title);
		rc = inc_timeline(st, in.id, nowiso, "task", text);
	}
	if (rc == FL_OK)
		rc = st_query_json(st, &row, "SELECT * FROM incident_task WHERE"
				   " id = ?", "i", tid);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK)
		rc = inc_audit_json(st, "incident.task-add", &in, row);
	free(row);
	return rc;
}

fl_err
fl_incident_task_done(struct fl_store *st, const char *ref, long num,
		      int cancel, const char *at, time_t now, struct fl_diag *d)
{
	struct inc in;
	char atiso[21], text[300], obj[64], *before = NULL, *after = NULL;
	char *status = NULL, *title = NULL;
	long long tid = 0;
	time_t t;
	fl_err rc;

	if ((rc = load_open(st, ref, &in, "its tasks are final", d)) != FL_OK)
		return rc;
	if ((rc = inc_when(at, now, "--at", &t, atiso, d)) != FL_OK)
		return rc;
	rc = st_query_int(st, &tid, "SELECT id FROM incident_task WHERE"
			  " incident_id = ? AND num = ?", "ii", in.id,
			  (long long)num);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "%s has no task %ld", in.ref, num);
	if (rc == FL_OK)
		rc = st_query_text(st, &status, "SELECT status FROM incident_task"
				   " WHERE id = ?", "i", tid);
	if (rc == FL_OK && status && strcmp(status, "open") != 0)
		rc = fl_diag_msg(d, FL_E_INVAL, "%s task %ld is already %s",
				 in.ref, num, status);
	free(status);
	if (rc == FL_OK)
		rc = st_query_json(st, &before, "SELECT * FROM incident_task"
				   " WHERE id = ?", "i", tid);
	if (rc == FL_OK)
		rc = st_exec(st, "UPDATE incident_task SET status = ?, done_at = ?"
			     " WHERE id = ?", "tti", cancel ? "cancelled" : "done",
			     atiso, tid);
	if (rc == FL_OK)
		rc = st_query_text(st, &title, "SELECT title FROM incident_task"
				   " WHERE id = ?", "i", tid);
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "task %ld %s: %s", num,
			 cancel ? "cancelled" : "done", title ? title : "");
		rc = inc_timeline(st, in.id, atiso, "task", text);
	}
	if (rc == FL_OK)
		rc = st_query_json(st, &after, "SELECT * FROM incident_task"
				   " WHERE id = ?", "i", tid);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "incident:%s", in.ref);
		rc = fl_store_audit(st, cancel ? "incident.task-cancel"
					       : "incident.task-done",
				    obj, before, after);
	}
	free(title);
	free(before);
	free(after);
	return rc;
}

fl_err
fl_incident_tasks(struct fl_store *st, const char *ref, time_t now,
		  fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	struct inc in;
	char nowiso[21];
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	fl_time_iso(now, nowiso);
	return st_query(st,
			"SELECT t.num, t.title, p.email AS owner, t.due, t.status,"
			" t.done_at, CASE WHEN t.status = 'open' AND t.due IS NOT"
			" NULL AND t.due < ? THEN 'true' ELSE 'false' END AS"
			" overdue_json, t.template FROM incident_task t LEFT JOIN"
			" person p ON p.id = t.owner_id WHERE t.incident_id = ?"
			" ORDER BY t.num", fn, ctx, "ti", nowiso, in.id);
}
