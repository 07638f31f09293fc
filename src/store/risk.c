/*
 * store/risk: the risk register — risks, their assessments and treatment,
 * links to controls and assets, escalations to the ISO, and the sweep that
 * reopens expired acceptances.
 *
 * The rules (levels, what may be assessed, what escalates, review dates)
 * are core/risk.c's; this file only loads and stores, and applies them in
 * one place per operation.  Levels are stored with each assessment as a
 * record of what they were, but listings recompute them from likelihood
 * and impact under the policy passed in, so what is shown always follows
 * the policy in force (or the --matrix being tried).
 *
 * Refuses: a residual above the inherent assessment, an inherent below an
 * existing residual, treatment of an unassessed risk, an acceptance not
 * approved by an iso/citso or without a future expiry, any change to a
 * closed risk.  Each refusal leaves the database untouched (nothing is
 * written before the checks pass).
 */
#include "store_int.h"
#include "notify.h"
#include "../core/core.h"
#include "../core/notify.h"

#define MAX_COLS 64

/* ---- small helpers ---------------------------------------------------- */

static int
valid_day(const char *s)
{
	time_t t;

	return s && strlen(s) == 10 && fl_time_parse(s, &t) == 0;
}

/* "R-0001", "r-1", "1" -> "R-0001"; -1 when not a reference. */
static int
ref_norm(const char *ref, char out[static 16])
{
	const char *p = ref;
	long n;

	if (p == NULL)
		return -1;
	if ((p[0] == 'R' || p[0] == 'r') && p[1] == '-')
		p += 2;
	if (fl_parse_long(p, 1, 99999999, &n) != 0)
		return -1;
	snprintf(out, 16, "R-%04ld", n);
	return 0;
}

struct risk_state {
	long long id, entity_id;
	char ref[16], status[16], treatment[16];
	int inh_l, inh_i, res_l, res_i; /* 0: not assessed */
	char inh_level[32], res_level[32];
	char reviewed_on[11], next_review[11];
	int found;
};

static fl_err
state_row(void *ctx, const struct fl_row *row)
{
	struct risk_state *rs = ctx;
	const char *v;

	rs->found = 1;
	rs->id = st_row_int(row, "id", 0);
	rs->entity_id = st_row_int(row, "entity_id", 0);
	fl_strlcpy(rs->ref, (v = fl_row_get(row, "ref")) ? v : "", sizeof rs->ref);
	fl_strlcpy(rs->status, (v = fl_row_get(row, "status")) ? v : "",
		   sizeof rs->status);
	fl_strlcpy(rs->treatment, (v = fl_row_get(row, "treatment")) ? v : "",
		   sizeof rs->treatment);
	fl_strlcpy(rs->inh_level, (v = fl_row_get(row, "inh_level")) ? v : "",
		   sizeof rs->inh_level);
	fl_strlcpy(rs->res_level, (v = fl_row_get(row, "res_level")) ? v : "",
		   sizeof rs->res_level);
	fl_strlcpy(rs->reviewed_on, (v = fl_row_get(row, "reviewed_on")) ? v : "",
		   sizeof rs->reviewed_on);
	fl_strlcpy(rs->next_review, (v = fl_row_get(row, "next_review")) ? v : "",
		   sizeof rs->next_review);
	rs->inh_l = (int)st_row_int(row, "inh_likelihood", 0);
	rs->inh_i = (int)st_row_int(row, "inh_impact", 0);
	rs->res_l = (int)st_row_int(row, "res_likelihood", 0);
	rs->res_i = (int)st_row_int(row, "res_impact", 0);
	return FL_OK;
}

static fl_err
risk_load(struct fl_store *st, const char *ref, struct risk_state *rs,
	  struct fl_diag *d)
{
	char norm[16];
	fl_err rc;

	memset(rs, 0, sizeof *rs);
	if (ref_norm(ref, norm) != 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "'%s' is not a risk "
				   "reference (R-0001)", ref ? ref : "");
	if ((rc = st_query(st,
			   "SELECT id, ref, status, treatment, entity_id,"
			   " inh_likelihood, inh_impact, inh_level,"
			   " res_likelihood, res_impact, res_level,"
			   " reviewed_on, next_review FROM risk WHERE ref = ?",
			   state_row, rs, "t", norm)) != FL_OK)
		return rc;
	if (!rs->found)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no risk %s", norm);
	return FL_OK;
}

static fl_err
load_open(struct fl_store *st, const char *ref, struct risk_state *rs,
	  struct fl_diag *d)
{
	fl_err rc = risk_load(st, ref, rs, d);

	if (rc == FL_OK && strcmp(rs->status, "closed") == 0)
		return fl_diag_msg(d, FL_E_INVAL, "risk %s is closed", rs->ref);
	return rc;
}

/* ---- audit images ------------------------------------------------------ */

static fl_err
str_array_row(void *ctx, const struct fl_row *row)
{
	fl_json_str(ctx, row->ncol > 0 && row->vals[0] ? row->vals[0] : "");
	return FL_OK;
}

static fl_err
json_str_array(struct fl_store *st, struct fl_buf *b, const char *sql,
	       long long id)
{
	struct fl_json j;
	fl_err rc;

	fl_json_init(&j, b, 0);
	fl_json_arr_open(&j);
	rc = st_query(st, sql, str_array_row, &j, "i", id);
	fl_json_arr_close(&j);
	return rc;
}

/*
 * The whole risk as JSON for the audit trail: its row plus the names of
 * linked controls and assets, so a link shows up as a difference.
 */
static fl_err
risk_image(struct fl_store *st, long long id, char **out)
{
	struct fl_buf b;
	char *base = NULL;
	size_t n;
	fl_err rc;

	*out = NULL;
	rc = st_query_json(st, &base, "SELECT * FROM risk WHERE id = ?", "i", id);
	if (rc != FL_OK || base == NULL)
		return rc;
	n = strlen(base);
	fl_buf_init(&b, 0);
	if (n < 2 || base[n - 1] != '}') {
		free(base);
		return FL_E_INTERNAL;
	}
	rc = fl_buf_append(&b, base, n - 1);
	free(base);
	if (rc == FL_OK)
		rc = fl_buf_puts(&b, ",\"controls\":");
	if (rc == FL_OK)
		rc = json_str_array(st, &b,
				    "SELECT COALESCE(c.label, c.key) FROM"
				    " risk_control rc JOIN control c ON"
				    " c.id = rc.control_id WHERE rc.risk_id = ?"
				    " ORDER BY c.sort_key, c.key", id);
	if (rc == FL_OK)
		rc = fl_buf_puts(&b, ",\"assets\":");
	if (rc == FL_OK)
		rc = json_str_array(st, &b,
				    "SELECT a.name FROM risk_asset ra JOIN asset a"
				    " ON a.id = ra.asset_id WHERE ra.risk_id = ?"
				    " ORDER BY a.name", id);
	if (rc == FL_OK)
		rc = fl_buf_putc(&b, '}');
	if (rc != FL_OK) {
		fl_buf_release(&b);
		return rc;
	}
	*out = fl_buf_steal(&b);
	return *out ? FL_OK : FL_E_NOMEM;
}

/* Audit a change to risk id whose before image is *before (consumed). */
static fl_err
audit_risk(struct fl_store *st, const char *action, long long id,
	   const char *ref, char *before)
{
	char *after = NULL, obj[32];
	fl_err rc;

	rc = risk_image(st, id, &after);
	snprintf(obj, sizeof obj, "risk:%s", ref);
	if (rc == FL_OK)
		rc = fl_store_audit(st, action, obj, before, after);
	free(before);
	free(after);
	return rc;
}

static fl_err
touch(struct fl_store *st, long long id)
{
	char now[21];

	st_now(now);
	return st_exec(st, "UPDATE risk SET updated_at = ? WHERE id = ?", "ti",
		       now, id);
}

/* ---- lookups of related objects ---------------------------------------- */

/*
 * Resolve all names first, then link: a bad name anywhere refuses the
 * whole command before anything is written.
 */
static fl_err
link_all(struct fl_store *st, long long risk_id, const char *const *controls,
	 int ncontrols, const char *const *assets, int nassets, long *added,
	 struct fl_diag *d)
{
	long long *ids = NULL, id;
	size_t n = (size_t)(ncontrols > 0 ? ncontrols : 0) +
		   (size_t)(nassets > 0 ? nassets : 0);
	int k;
	fl_err rc = FL_OK;

	if (added)
		*added = 0;
	if (n == 0)
		return FL_OK;
	if ((ids = calloc(n, sizeof *ids)) == NULL)
		return FL_E_NOMEM;
	for (k = 0; k < ncontrols && rc == FL_OK; k++)
		rc = fl_store_control_resolve(st, controls[k], &ids[k], d);
	for (k = 0; k < nassets && rc == FL_OK; k++)
		rc = fl_store_asset_resolve(st, assets[k], &ids[ncontrols + k], d);
	for (k = 0; k < ncontrols && rc == FL_OK; k++) {
		id = ids[k];
		rc = st_exec(st,
			     "INSERT INTO risk_control (risk_id, control_id)"
			     " VALUES (?, ?) ON CONFLICT DO NOTHING",
			     "ii", risk_id, id);
		if (rc == FL_OK && added)
			*added += (long)st_changes(st);
	}
	for (k = 0; k < nassets && rc == FL_OK; k++) {
		id = ids[ncontrols + k];
		rc = st_exec(st,
			     "INSERT INTO risk_asset (risk_id, asset_id)"
			     " VALUES (?, ?) ON CONFLICT DO NOTHING",
			     "ii", risk_id, id);
		if (rc == FL_OK && added)
			*added += (long)st_changes(st);
	}
	free(ids);
	return rc;
}

/* ---- policy ------------------------------------------------------------- */

fl_err
fl_store_risk_policy_text(struct fl_store *st, char **text,
			  const char **source)
{
	const char *dflt;
	fl_err rc;

	*text = NULL;
	if ((rc = fl_store_setting_get(st, "risk_matrix", text)) != FL_OK)
		return rc;
	if (*text) {
		*source = "setting risk_matrix";
		return FL_OK;
	}
	if ((dflt = fl_data_text("risk-matrix.conf")) == NULL)
		return FL_E_INTERNAL;
	*source = "risk-matrix.conf";
	*text = fl_strdup(dflt);
	return *text ? FL_OK : FL_E_NOMEM;
}

fl_err
fl_store_risk_policy_load(struct fl_store *st, struct fl_risk_matrix *m,
			  struct fl_diag *d)
{
	const char *source = NULL;
	char *text = NULL;
	fl_err rc;

	if ((rc = fl_store_risk_policy_text(st, &text, &source)) != FL_OK)
		return rc;
	rc = fl_risk_matrix_parse(text, strlen(text), source, m, d);
	free(text);
	return rc;
}

/* ---- escalation ------------------------------------------------------- */

struct reported_ctx {
	const struct fl_risk_matrix *m;
	int max; /* highest open escalated level, -1 none */
};

static fl_err
reported_row(void *ctx, const struct fl_row *row)
{
	struct reported_ctx *r = ctx;
	int lv = fl_risk_level_find(r->m, fl_row_get(row, "level"));

	if (lv > r->max)
		r->max = lv;
	return FL_OK;
}

enum esc_why { WHY_ASSESS, WHY_POLICY };

/*
 * Tell the ISO about escalation esc_id through the outbox, in the same
 * transaction: the notice exists exactly when the escalation does.
 */
static fl_err
notify_escalation(struct fl_store *st, const struct fl_risk_matrix *m,
		  const struct risk_state *rs, const char *basis, int level,
		  const char *why, long long esc_id)
{
	struct fl_notice n;
	struct fl_diag d;
	struct fl_buf body, data;
	struct fl_json j;
	char *title = NULL, subject[200], ref[40], dedup[48];
	const char *lname = fl_risk_level_name(m, level);
	fl_err rc;

	if (lname == NULL)
		return FL_E_INTERNAL;
	rc = st_query_text(st, &title, "SELECT title FROM risk WHERE id = ?",
			   "i", rs->id);
	if (rc != FL_OK)
		return rc;
	fl_buf_init(&body, 0);
	fl_buf_init(&data, 0);
	fl_json_init(&j, &data, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "risk");
	fl_json_str(&j, rs->ref);
	fl_json_key(&j, "title");
	fl_json_str(&j, title ? title : "");
	fl_json_key(&j, "level");
	fl_json_str(&j, lname);
	fl_json_key(&j, "basis");
	fl_json_str(&j, basis);
	fl_json_key(&j, "reason");
	fl_json_str(&j, why);
	fl_json_key(&j, "escalation");
	fl_json_int(&j, esc_id);
	fl_json_obj_close(&j);
	if (fl_buf_printf(&body, "Risk %s has been escalated to the ISO.\n\n"
			  "Risk:       %s %s\nLevel:      %s (%s)\n"
			  "Reason:     %s\nEscalation: %lld\n\n"
			  "Acknowledge it with: firstline risk ack %lld "
			  "--by PERSON\n", rs->ref, rs->ref, title ? title : "",
			  lname, basis, why, esc_id, esc_id) != FL_OK ||
	    data.len == 0) {
		rc = FL_E_NOMEM;
		goto out;
	}
	snprintf(subject, sizeof subject, "Risk %s escalated (%s level %s): %s",
		 rs->ref, basis, lname, title ? title : "");
	/* the title is free text: a line break must not reach a mail header */
	for (char *p = subject; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	{
		/* a title cut short must not end inside a UTF-8 sequence */
		size_t k = strlen(subject), s0 = k;
		unsigned char lead;

		while (s0 > 0 && ((unsigned char)subject[s0 - 1] & 0xC0) == 0x80)
			s0--;
		lead = s0 > 0 ? (unsigned char)subject[s0 - 1] : 0;
		if (lead >= 0xC0 &&
		    k - (s0 - 1) < (lead >= 0xF0 ? 4u : lead >= 0xE0 ? 3u : 2u))
			subject[s0 - 1] = '\0';
	}
	snprintf(ref, sizeof ref, "risk:%s", rs->ref);
	snprintf(dedup, sizeof dedup, "escalation:%lld", esc_id);
	memset(&n, 0, sizeof n);
	n.event = "risk.escalated";
	n.ref = ref;
	n.severity = fl_notify_level_severity(lname, level, m->nlevels);
	n.subject = subject;
	n.body = fl_buf_str(&body);
	n.json = fl_buf_str(&data);
	n.dedup = dedup;
	fl_diag_clear(&d);
	rc = fl_notify_enqueue(st, &n, NULL, &d);
out:
	fl_buf_release(&body);
	fl_buf_release(&data);
	free(title);
	return rc;
}

/*
 * Escalate basis of risk rs when core says so.  old_level/new_level are
 * indexes under m.  Returns the new escalation's id in *esc_id (0: none).
 */
static fl_err
escalate_if(struct fl_store *st, const struct fl_risk_matrix *m,
	    const struct risk_state *rs, const char *basis, int old_level,
	    int new_level, enum esc_why why, long long *esc_id, char *reason,
	    size_t reasonsz)
{
	struct reported_ctx r = {m, -1};
	const char *nname = fl_risk_level_name(m, new_level);
	const char *oname = fl_risk_level_name(m, old_level);
	char why_buf[160], now[21], obj[40], *after = NULL;
	const char *tail = why == WHY_POLICY ? " under the changed risk policy" : "";
	fl_err rc;

	*esc_id = 0;
	if (!fl_risk_escalates(m, new_level))
		return FL_OK;
	rc = st_query(st,
		      "SELECT level FROM escalation WHERE risk_id = ? AND"
		      " basis = ? AND ack_at IS NULL",
		      reported_row, &r, "it", rs->id, basis);
	if (rc != FL_OK)
		return rc;
	if (!fl_risk_needs_escalation(m, old_level, new_level,
				      r.max >= new_level))
		return FL_OK;
	if (oname == NULL)
		snprintf(why_buf, sizeof why_buf, "new %s level %s%s", basis,
			 nname, tail);
	else if (old_level != new_level)
		snprintf(why_buf, sizeof why_buf, "new %s level %s (was %s)%s",
			 basis, nname, oname, tail);
	else if (why == WHY_POLICY)
		snprintf(why_buf, sizeof why_buf, "%s level %s now goes to the "
			 "ISO under the changed risk policy", basis, nname);
	else
		snprintf(why_buf, sizeof why_buf, "%s level %s confirmed by "
			 "reassessment", basis, nname);
	st_now(now);
	rc = st_exec(st,
		     "INSERT INTO escalation (risk_id, level, basis, reason,"
		     " created_at) VALUES (?, ?, ?, ?, ?)",
		     "ittt" "t", rs->id, nname, basis, why_buf, now);
	if (rc == FL_OK)
		rc = st_query_int(st, esc_id,
				  "SELECT MAX(id) FROM escalation WHERE risk_id = ?",
				  "i", rs->id);
	if (rc == FL_OK)
		rc = st_query_json(st, &after,
				   "SELECT x.id, r.ref, x.level, x.basis, x.reason,"
				   " x.created_at, x.ack_by, x.ack_at FROM"
				   " escalation x JOIN risk r ON r.id = x.risk_id"
				   " WHERE x.id = ?", "i", *esc_id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "escalation:%lld", *esc_id);
		rc = fl_store_audit(st, "escalation.create", obj, NULL, after);
	}
	if (rc == FL_OK)
		rc = notify_escalation(st, m, rs, basis, new_level, why_buf,
				       *esc_id);
	free(after);
	if (reason)
		fl_strlcpy(reason, why_buf, reasonsz);
	return rc;
}

static void
outcome_esc(struct fl_risk_outcome *out, long long id, const char *reason)
{
	if (out == NULL || id == 0 || out->nesc >= 2)
		return;
	out->esc_id[out->nesc] = id;
	fl_strlcpy(out->esc_reason[out->nesc], reason,
		   sizeof out->esc_reason[0]);
	out->nesc++;
}

/* ---- create ------------------------------------------------------------- */

fl_err
fl_store_risk_create(struct fl_store *st, const struct fl_risk_new *r,
		     char ref[static 16], struct fl_diag *d)
{
	long long entity = 0, owner = 0, next = 0, id = 0;
	char now[21];
	fl_err rc;

	ref[0] = '\0';
	if (r->title == NULL || *r->title == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "a risk needs a title");
	if (r->entity &&
	    (rc = fl_store_entity_resolve(st, r->entity, &entity, d)) != FL_OK)
		return rc;
	if (r->owner &&
	    (rc = fl_store_person_resolve(st, "owner", r->owner, &owner, NULL, 0, d)) != FL_OK)
		return rc;
	/* the next number after the highest reference ever given */
	rc = st_query_int(st, &next,
			  "SELECT MAX(CAST(substr(ref, 3) AS INTEGER)) FROM risk",
			  "");
	if (rc == FL_E_NOTFOUND)
		next = 0;
	else if (rc != FL_OK)
		return rc;
	snprintf(ref, 16, "R-%04lld", next + 1);
	st_now(now);
	/* the ids are bound as integers (0: none): a NULL bound as text
	 * into an INTEGER column is refused by PostgreSQL */
	rc = st_query_int(st, &id,
			  "INSERT INTO risk (ref, title, description, category,"
			  " entity_id, owner_id, threat, vulnerability, status,"
			  " created_at, updated_at) VALUES (?, ?, ?, ?,"
			  " NULLIF(?, 0), NULLIF(?, 0), ?, ?, 'identified',"
			  " ?, ?) RETURNING id",
			  "tttt" "iitt" "tt", ref, r->title, r->description,
			  r->category, entity, owner, r->threat,
			  r->vulnerability, now, now);
	if (rc == FL_OK)
		rc = link_all(st, id, r->controls, r->ncontrols, r->assets,
			      r->nassets, NULL, d);
	if (rc == FL_OK)
		rc = audit_risk(st, "risk.create", id, ref, NULL);
	return rc;
}

/* ---- assess ----------------------------------------------------------- */

/* Current level: the residual when assessed, else the inherent. */
static int
current_level(const struct fl_risk_matrix *m, int inh_l, int inh_i, int res_l,
	      int res_i)
{
	if (res_l > 0)
		return fl_risk_level(m, res_l, res_i);
	if (inh_l > 0)
		return fl_risk_level(m, inh_l, inh_i);
	return -1;
}

static int
is_decided(const char *status)
{
	return strcmp(status, "accepted") == 0 ||
	       strcmp(status, "transferred") == 0 ||
	       strcmp(status, "avoided") == 0;
}

static const char clear_treatment_sql[] =
	"UPDATE risk SET treatment = NULL, treatment_plan = NULL,"
	" treatment_owner_id = NULL, treatment_due = NULL,"
	" treatment_justification = NULL, accept_approver_id = NULL,"
	" accept_expires = NULL WHERE id = ?";

fl_err
fl_store_risk_assess(struct fl_store *st, const struct fl_risk_matrix *m,
		     const char *ref, int residual, int likelihood, int impact,
		     const char *today, struct fl_risk_outcome *out,
		     struct fl_diag *d)
{
	struct risk_state rs;
	const char *basis = residual ? "residual" : "inherent";
	char next[11], *before = NULL, reason[160];
	const char *status;
	long long esc = 0;
	int new_level, old_level, cur, reopen = 0;
	fl_err rc;

	memset(out, 0, sizeof *out);
	if (!valid_day(today))
		return FL_E_INTERNAL;
	if ((rc = load_open(st, ref, &rs, d)) != FL_OK)
		return rc;
	new_level = fl_risk_level(m, likelihood, impact);
	if (new_level < 0)
		return fl_diag_msg(d, FL_E_INVAL, "%s: likelihood %d / impact %d "
				   "is outside the %dx%d risk matrix", rs.ref,
				   likelihood, impact, m->nlik, m->nimp);
	if (residual) {
		if (rs.inh_l == 0)
			return fl_diag_msg(d, FL_E_INVAL, "%s has no inherent "
					   "assessment: assess it without "
					   "--residual first", rs.ref);
		if ((rc = fl_risk_check_residual(m, rs.inh_l, rs.inh_i,
						 likelihood, impact, d)) != FL_OK) {
			char why[sizeof d->msg];

			fl_strlcpy(why, d->msg, sizeof why);
			return fl_diag_msg(d, rc, "%s: %s (inherent %dx%d): "
					   "a residual may not exceed the "
					   "inherent assessment", rs.ref, why,
					   rs.inh_l, rs.inh_i);
		}
		old_level = rs.res_l ? fl_risk_level(m, rs.res_l, rs.res_i) : -1;
		cur = new_level;
	} else {
		if (rs.res_l &&
		    fl_risk_check_residual(m, likelihood, impact, rs.res_l,
					   rs.res_i, NULL) != FL_OK)
			return fl_diag_msg(d, FL_E_INVAL, "%s: the residual "
					   "assessment (%dx%d) would exceed an "
					   "inherent %dx%d: reassess the "
					   "residual first", rs.ref, rs.res_l,
					   rs.res_i, likelihood, impact);
		old_level = rs.inh_l ? fl_risk_level(m, rs.inh_l, rs.inh_i) : -1;
		cur = current_level(m, likelihood, impact, rs.res_l, rs.res_i);
	}
	if ((rc = fl_risk_next_review(m, today, cur, next)) != FL_OK)
		return FL_E_INTERNAL;
	/*
	 * A mitigation in progress stays in progress: a residual reassessment
	 * is its expected result.  An acceptance, transfer or avoidance was
	 * decided for a given level; when the level changes the decision no
	 * longer covers the risk, so it is reopened for a new one.
	 */
	status = rs.status;
	if (strcmp(status, "identified") == 0 || strcmp(status, "assessed") == 0)
		status = "assessed";
	else if (is_decided(status) && old_level != new_level) {
		status = "assessed";
		reopen = 1;
	}
	if ((rc = risk_image(st, rs.id, &before)) != FL_OK)
		return rc;
	if (residual)
		rc = st_exec(st,
			     "UPDATE risk SET res_likelihood = ?, res_impact = ?,"
			     " res_level = ?, status = ?, reviewed_on = ?,"
			     " next_review = ? WHERE id = ?",
			     "iitttti", (long long)likelihood, (long long)impact,
			     fl_risk_level_name(m, new_level), status, today,
			     next, rs.id);
	else
		rc = st_exec(st,
			     "UPDATE risk SET inh_likelihood = ?, inh_impact = ?,"
			     " inh_level = ?, status = ?, reviewed_on = ?,"
			     " next_review = ? WHERE id = ?",
			     "iitttti", (long long)likelihood, (long long)impact,
			     fl_risk_level_name(m, new_level), status, today,
			     next, rs.id);
	if (rc == FL_OK && reopen)
		rc = st_exec(st, clear_treatment_sql, "i", rs.id);
	if (rc == FL_OK)
		rc = touch(st, rs.id);
	if (rc != FL_OK) {
		free(before);
		return rc;
	}
	if ((rc = audit_risk(st, "risk.assess", rs.id, rs.ref, before)) != FL_OK)
		return rc;
	rc = escalate_if(st, m, &rs, basis, old_level, new_level, WHY_ASSESS,
			 &esc, reason, sizeof reason);
	if (rc != FL_OK)
		return rc;
	outcome_esc(out, esc, reason);
	fl_strlcpy(out->ref, rs.ref, sizeof out->ref);
	fl_strlcpy(out->level, fl_risk_level_name(m, new_level), sizeof out->level);
	fl_strlcpy(out->current, fl_risk_level_name(m, cur), sizeof out->current);
	fl_strlcpy(out->status, status, sizeof out->status);
	fl_strlcpy(out->next_review, next, sizeof out->next_review);
	out->reopened = reopen;
	return FL_OK;
}

/* ---- treat ------------------------------------------------------------ */

static int
approver_role(const char *role)
{
	return strcmp(role, "iso") == 0 || strcmp(role, "citso") == 0;
}

fl_err
fl_store_risk_treat(struct fl_store *st, const char *ref,
		    const struct fl_risk_treatment *t, const char *today,
		    struct fl_diag *d)
{
	static const char *const kinds[] = {"mitigate", "accept", "transfer",
					    "avoid"};
	static const char *const states[] = {"treating", "accepted",
					     "transferred", "avoided"};
	struct risk_state rs;
	long long owner = 0, approver = 0;
	char role[32] = "", *before = NULL;
	fl_err rc;

	if (!valid_day(today) || (unsigned)t->kind > FL_TREAT_AVOID)
		return FL_E_INTERNAL;
	if ((rc = load_open(st, ref, &rs, d)) != FL_OK)
		return rc;
	if (rs.inh_l == 0)
		return fl_diag_msg(d, FL_E_INVAL, "%s is not assessed: assess "
				   "it before deciding its treatment", rs.ref);
	switch (t->kind) {
	case FL_TREAT_MITIGATE:
		if (t->plan == NULL || *t->plan == '\0' || t->owner == NULL ||
		    t->due == NULL)
			return fl_diag_msg(d, FL_E_INVAL, "a mitigation needs "
					   "--plan, --owner and --due");
		if (!valid_day(t->due))
			return fl_diag_msg(d, FL_E_INVAL, "due date '%s' is "
					   "not a date (YYYY-MM-DD)", t->due);
		if ((rc = fl_store_person_resolve(st, "owner", t->owner, &owner, NULL, 0,
				      d)) != FL_OK)
			return rc;
		break;
	case FL_TREAT_ACCEPT:
		if (t->approver == NULL || t->expires == NULL ||
		    t->justification == NULL || *t->justification == '\0')
			return fl_diag_msg(d, FL_E_INVAL, "an acceptance needs "
					   "--approver, --justification and "
					   "--expires");
		if ((rc = fl_store_person_resolve(st, "approver", t->approver, &approver,
				      role, sizeof role, d)) != FL_OK)
			return rc;
		if (!approver_role(role))
			return fl_diag_msg(d, FL_E_INVAL, "approver '%s' must "
					   "hold the iso or citso role (has "
					   "%s)", t->approver, role);
		if (!valid_day(t->expires))
			return fl_diag_msg(d, FL_E_INVAL, "expiry '%s' is not a "
					   "date (YYYY-MM-DD)", t->expires);
		if (fl_risk_days_between(today, t->expires) <= 0)
			return fl_diag_msg(d, FL_E_INVAL, "expiry %s is not in "
					   "the future (today is %s)",
					   t->expires, today);
		break;
	case FL_TREAT_TRANSFER:
	case FL_TREAT_AVOID:
		if (t->justification == NULL || *t->justification == '\0')
			return fl_diag_msg(d, FL_E_INVAL, "--%s needs "
					   "--justification", kinds[t->kind]);
		break;
	}
	if ((rc = risk_image(st, rs.id, &before)) != FL_OK)
		return rc;
	/* a new decision replaces the previous one whole; the audit keeps it */
	rc = st_exec(st, clear_treatment_sql, "i", rs.id);
	if (rc == FL_OK)
		rc = st_exec(st,
			     "UPDATE risk SET treatment = ?, status = ?,"
			     " treatment_justification = ? WHERE id = ?",
			     "ttti", kinds[t->kind], states[t->kind],
			     t->kind == FL_TREAT_MITIGATE ? NULL : t->justification,
			     rs.id);
	if (rc == FL_OK && t->kind == FL_TREAT_MITIGATE)
		rc = st_exec(st,
			     "UPDATE risk SET treatment_plan = ?,"
			     " treatment_owner_id = ?, treatment_due = ?"
			     " WHERE id = ?",
			     "titi", t->plan, owner, t->due, rs.id);
	if (rc == FL_OK && t->kind == FL_TREAT_ACCEPT)
		rc = st_exec(st,
			     "UPDATE risk SET accept_approver_id = ?,"
			     " accept_expires = ? WHERE id = ?",
			     "iti", approver, t->expires, rs.id);
	if (rc == FL_OK && t->kind == FL_TREAT_MITIGATE)
		rc = link_all(st, rs.id, t->controls, t->ncontrols, NULL, 0,
			      NULL, d);
	if (rc == FL_OK)
		rc = touch(st, rs.id);
	if (rc != FL_OK) {
		free(before);
		return rc;
	}
	return audit_risk(st, "risk.treat", rs.id, rs.ref, before);
}

/* ---- link, review, close ------------------------------------------------- */

fl_err
fl_store_risk_link(struct fl_store *st, const char *ref,
		   const char *const *controls, int ncontrols,
		   const char *const *assets, int nassets, long *added,
		   struct fl_diag *d)
{
	struct risk_state rs;
	char *before = NULL;
	fl_err rc;

	*added = 0;
	if ((rc = load_open(st, ref, &rs, d)) != FL_OK)
		return rc;
	if ((rc = risk_image(st, rs.id, &before)) != FL_OK)
		return rc;
	rc = link_all(st, rs.id, controls, ncontrols, assets, nassets, added, d);
	if (rc == FL_OK && *added > 0)
		rc = touch(st, rs.id);
	if (rc != FL_OK || *added == 0) {
		free(before);
		return rc;
	}
	return audit_risk(st, "risk.link", rs.id, rs.ref, before);
}

fl_err
fl_store_risk_review(struct fl_store *st, const struct fl_risk_matrix *m,
		     const char *ref, const char *notes, const char *today,
		     struct fl_risk_outcome *out, struct fl_diag *d)
{
	struct risk_state rs;
	char next[11], *before = NULL;
	int cur;
	fl_err rc;

	memset(out, 0, sizeof *out);
	if (!valid_day(today))
		return FL_E_INTERNAL;
	if ((rc = load_open(st, ref, &rs, d)) != FL_OK)
		return rc;
	if (rs.inh_l == 0)
		return fl_diag_msg(d, FL_E_INVAL, "%s is not assessed: its "
				   "review cadence follows its level", rs.ref);
	cur = current_level(m, rs.inh_l, rs.inh_i, rs.res_l, rs.res_i);
	if (cur < 0)
		return fl_diag_msg(d, FL_E_INVAL, "%s is assessed outside the "
				   "%dx%d risk matrix in force: reassess it",
				   rs.ref, m->nlik, m->nimp);
	if (fl_risk_next_review(m, today, cur, next) != FL_OK)
		return FL_E_INTERNAL;
	if ((rc = risk_image(st, rs.id, &before)) != FL_OK)
		return rc;
	rc = st_exec(st,
		     "UPDATE risk SET reviewed_on = ?, next_review = ?,"
		     " review_notes = ? WHERE id = ?",
		     "ttti", today, next, notes, rs.id);
	if (rc == FL_OK)
		rc = touch(st, rs.id);
	if (rc != FL_OK) {
		free(before);
		return rc;
	}
	fl_strlcpy(out->ref, rs.ref, sizeof out->ref);
	fl_strlcpy(out->current, fl_risk_level_name(m, cur), sizeof out->current);
	fl_strlcpy(out->status, rs.status, sizeof out->status);
	fl_strlcpy(out->next_review, next, sizeof out->next_review);
	return audit_risk(st, "risk.review", rs.id, rs.ref, before);
}

fl_err
fl_store_risk_close(struct fl_store *st, const char *ref, const char *reason,
		    const char *today, struct fl_diag *d)
{
	struct risk_state rs;
	char *before = NULL;
	fl_err rc;

	if (!valid_day(today))
		return FL_E_INTERNAL;
	if (reason == NULL || *reason == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "closing a risk needs --reason");
	if ((rc = load_open(st, ref, &rs, d)) != FL_OK)
		return rc;
	if ((rc = risk_image(st, rs.id, &before)) != FL_OK)
		return rc;
	rc = st_exec(st,
		     "UPDATE risk SET status = 'closed', closed_on = ?,"
		     " closed_reason = ?, next_review = NULL WHERE id = ?",
		     "tti", today, reason, rs.id);
	if (rc == FL_OK)
		rc = touch(st, rs.id);
	if (rc != FL_OK) {
		free(before);
		return rc;
	}
	return audit_risk(st, "risk.close", rs.id, rs.ref, before);
}

/* ---- listings ------------------------------------------------------------ */

/*
 * Rewrites rows on their way to the caller: levels recomputed under the
 * policy, "days" computed from today, rows filtered by level.  The row's
 * text is borrowed from the query; replaced cells point into m or buf.
 */
struct rewrite {
	const struct fl_risk_matrix *m;
	const char *today;
	int want_level; /* -1: any */
	fl_row_fn fn;
	void *ctx;
};

static int
col_index(const struct fl_row *row, const char *name)
{
	int i;

	for (i = 0; i < row->ncol; i++)
		if (strcmp(row->names[i], name) == 0)
			return i;
	return -1;
}

static fl_err
rewrite_row(void *vctx, const struct fl_row *row)
{
	struct rewrite *rw = vctx;
	const char *vals[MAX_COLS];
	enum fl_col_type types[MAX_COLS];
	struct fl_row out;
	char days[16];
	int inh = -1, res = -1, cur, c, n = row->ncol;

	if (n > MAX_COLS)
		return FL_E_INTERNAL;
	memcpy(vals, row->vals, (size_t)n * sizeof *vals);
	memcpy(types, row->types, (size_t)n * sizeof *types);
	if (fl_row_get(row, "inherent_likelihood"))
		inh = fl_risk_level(rw->m,
				    (int)st_row_int(row, "inherent_likelihood", 0),
				    (int)st_row_int(row, "inherent_impact", 0));
	if (fl_row_get(row, "residual_likelihood"))
		res = fl_risk_level(rw->m,
				    (int)st_row_int(row, "residual_likelihood", 0),
				    (int)st_row_int(row, "residual_impact", 0));
	cur = fl_row_get(row, "residual_likelihood") ? res : inh;
	if (rw->want_level >= 0 && cur != rw->want_level)
		return FL_OK;
	if ((c = col_index(row, "inherent_level")) >= 0) {
		vals[c] = fl_risk_level_name(rw->m, inh);
		types[c] = vals[c] ? FL_COL_TEXT : FL_COL_NULL;
	}
	if ((c = col_index(row, "residual_level")) >= 0) {
		vals[c] = fl_risk_level_name(rw->m, res);
		types[c] = vals[c] ? FL_COL_TEXT : FL_COL_NULL;
	}
	if ((c = col_index(row, "level")) >= 0) {
		vals[c] = fl_risk_level_name(rw->m, cur);
		types[c] = vals[c] ? FL_COL_TEXT : FL_COL_NULL;
	}
	if ((c = col_index(row, "days")) >= 0 && rw->today) {
		const char *kind = fl_row_get(row, "kind");
		const char *date = fl_row_get(row, "date");
		int dd = fl_risk_days_between(rw->today, date);

		/* overdue reviews and mitigations count days past;
		 * acceptances days left */
		if (kind && (strcmp(kind, "review-overdue") == 0 ||
			     strcmp(kind, "treatment-overdue") == 0))
			dd = -dd;
		snprintf(days, sizeof days, "%d", dd);
		vals[c] = days;
		types[c] = FL_COL_INT;
	}
	out.ncol = n;
	out.names = row->names;
	out.vals = vals;
	out.types = types;
	return rw->fn(rw->ctx, &out);
}

#define RISK_LIST_COLS \
	"r.ref, r.title, r.category, r.status, e.code AS entity," \
	" p.name AS owner, r.inh_likelihood AS inherent_likelihood," \
	" r.inh_impact AS inherent_impact, r.inh_level AS inherent_level," \
	" r.res_likelihood AS residual_likelihood," \
	" r.res_impact AS residual_impact, r.res_level AS residual_level," \
	" r.inh_level AS level, r.treatment, r.next_review"

fl_err
fl_store_risk_list(struct fl_store *st, const struct fl_risk_matrix *m,
		   const struct fl_risk_filter *f, fl_row_fn fn, void *ctx,
		   struct fl_diag *d)
{
	struct rewrite rw = {m, NULL, -1, fn, ctx};
	long long entity = 0;
	int all = f->all || (f->status && strcmp(f->status, "closed") == 0);
	fl_err rc;

	if (f->level && (rw.want_level = fl_risk_level_find(m, f->level)) < 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown level '%s'", f->level);
	if (f->entity &&
	    (rc = fl_store_entity_resolve(st, f->entity, &entity, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT " RISK_LIST_COLS ", (SELECT COUNT(*) FROM"
			" escalation x WHERE x.risk_id = r.id AND x.ack_at IS"
			" NULL) AS open_escalations FROM risk r"
			" LEFT JOIN entity e ON e.id = r.entity_id"
			" LEFT JOIN person p ON p.id = r.owner_id"
			" WHERE (? <> 0 OR r.status <> 'closed')"
			" AND (CAST(? AS TEXT) IS NULL OR r.status = ?)"
			" AND (? = 0 OR r.entity_id = ?) ORDER BY r.id",
			rewrite_row, &rw, "itti" "i", (long long)all, f->status,
			f->status, entity, entity);
}

/* fl_row_fn writing each row as a JSON object into an array. */
static fl_err
json_obj_row(void *ctx, const struct fl_row *row)
{
	struct fl_json *j = ctx;
	int c;

	fl_json_obj_open(j);
	for (c = 0; c < row->ncol; c++) {
		fl_json_key(j, row->names[c]);
		if (row->vals[c] == NULL)
			fl_json_null(j);
		else if (row->types[c] == FL_COL_INT)
			fl_json_int(j, strtoll(row->vals[c], NULL, 10));
		else
			fl_json_str(j, row->vals[c]);
	}
	fl_json_obj_close(j);
	return FL_OK;
}

/* Run a listing into a malloc'ed JSON array. */
typedef fl_err (*list_fn)(struct fl_store *, const char *, fl_row_fn, void *,
			  struct fl_diag *);

static fl_err
json_list(struct fl_store *st, const char *ref, list_fn list, char **out,
	  struct fl_diag *d)
{
	struct fl_buf b;
	struct fl_json j;
	fl_err rc;

	*out = NULL;
	fl_buf_init(&b, 0);
	fl_json_init(&j, &b, 0);
	fl_json_arr_open(&j);
	rc = list(st, ref, json_obj_row, &j, d);
	fl_json_arr_close(&j);
	if (rc != FL_OK) {
		fl_buf_release(&b);
		return rc;
	}
	*out = fl_buf_steal(&b);
	return *out ? FL_OK : FL_E_NOMEM;
}

static fl_err
open_escalations(struct fl_store *st, const char *ref, fl_row_fn fn,
		 void *ctx, struct fl_diag *d)
{
	return fl_store_risk_escalations(st, ref, 0, fn, ctx, d);
}

/* The show row plus the three JSON arrays, handed on as one row. */
struct show_ctx {
	const char *extra_names[3];
	const char *extra_vals[3];
	struct rewrite rw;
};

static fl_err
show_row(void *vctx, const struct fl_row *row)
{
	struct show_ctx *s = vctx;
	const char *names[MAX_COLS], *vals[MAX_COLS];
	enum fl_col_type types[MAX_COLS];
	struct fl_row out;
	int c, n = row->ncol;

	if (n + 3 > MAX_COLS)
		return FL_E_INTERNAL;
	memcpy(names, row->names, (size_t)n * sizeof *names);
	memcpy(vals, row->vals, (size_t)n * sizeof *vals);
	memcpy(types, row->types, (size_t)n * sizeof *types);
	for (c = 0; c < 3; c++) {
		names[n + c] = s->extra_names[c];
		vals[n + c] = s->extra_vals[c];
		types[n + c] = FL_COL_TEXT;
	}
	out.ncol = n + 3;
	out.names = names;
	out.vals = vals;
	out.types = types;
	return rewrite_row(&s->rw, &out);
}

fl_err
fl_store_risk_show(struct fl_store *st, const struct fl_risk_matrix *m,
		   const char *ref, fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	struct show_ctx s;
	struct risk_state rs;
	char *controls = NULL, *assets = NULL, *escs = NULL;
	fl_err rc;

	if ((rc = risk_load(st, ref, &rs, d)) != FL_OK)
		return rc;
	rc = json_list(st, rs.ref, fl_store_risk_controls, &controls, d);
	if (rc == FL_OK)
		rc = json_list(st, rs.ref, fl_store_risk_assets, &assets, d);
	if (rc == FL_OK)
		rc = json_list(st, rs.ref, open_escalations, &escs, d);
	if (rc == FL_OK) {
		memset(&s, 0, sizeof s);
		s.extra_names[0] = "controls_json";
		s.extra_names[1] = "assets_json";
		s.extra_names[2] = "escalations_json";
		s.extra_vals[0] = controls;
		s.extra_vals[1] = assets;
		s.extra_vals[2] = escs;
		s.rw.m = m;
		s.rw.want_level = -1;
		s.rw.fn = fn;
		s.rw.ctx = ctx;
		rc = st_query(st,
			      "SELECT r.ref, r.title, r.description, r.category,"
			      " r.status, e.code AS entity, p.name AS owner,"
			      " p.email AS owner_email, r.threat, r.vulnerability,"
			      " r.inh_likelihood AS inherent_likelihood,"
			      " r.inh_impact AS inherent_impact,"
			      " r.inh_level AS inherent_level,"
			      " r.res_likelihood AS residual_likelihood,"
			      " r.res_impact AS residual_impact,"
			      " r.res_level AS residual_level,"
			      " r.inh_level AS level, r.treatment, r.treatment_plan,"
			      " tp.name AS treatment_owner, r.treatment_due,"
			      " r.treatment_justification,"
			      " ap.name AS accept_approver, r.accept_expires,"
			      " r.reviewed_on, r.next_review, r.review_notes,"
			      " r.closed_on, r.closed_reason, r.created_at,"
			      " r.updated_at FROM risk r"
			      " LEFT JOIN entity e ON e.id = r.entity_id"
			      " LEFT JOIN person p ON p.id = r.owner_id"
			      " LEFT JOIN person tp ON tp.id = r.treatment_owner_id"
			      " LEFT JOIN person ap ON ap.id = r.accept_approver_id"
			      " WHERE r.id = ?",
			      show_row, &s, "i", rs.id);
	}
	free(controls);
	free(assets);
	free(escs);
	return rc;
}

/* Effectiveness of each linked control, computed before the listing so
 * no query runs inside another. */
struct eff {
	long long id;
	char text[48];
};

struct eff_list {
	struct eff *v;
	size_t n, cap;
};

static fl_err
eff_id_row(void *vctx, const struct fl_row *row)
{
	struct eff_list *l = vctx;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct eff *nv = realloc(l->v, ncap * sizeof *nv);
		if (nv == NULL)
			return FL_E_NOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n].id = st_row_int(row, "id", 0);
	l->v[l->n].text[0] = '\0';
	l->n++;
	return FL_OK;
}

struct eff_rewrite {
	const struct eff_list *l;
	fl_row_fn fn;
	void *ctx;
};

/* Drop the control_id column and append effectiveness. */
static fl_err
eff_row(void *vctx, const struct fl_row *row)
{
	struct eff_rewrite *e = vctx;
	const char *names[MAX_COLS], *vals[MAX_COLS];
	enum fl_col_type types[MAX_COLS];
	struct fl_row out;
	long long id = st_row_int(row, "control_id", 0);
	size_t k;
	int c, n = 0;

	if (row->ncol >= MAX_COLS)
		return FL_E_INTERNAL;
	for (c = 0; c < row->ncol; c++) {
		if (strcmp(row->names[c], "control_id") == 0)
			continue;
		names[n] = row->names[c];
		vals[n] = row->vals[c];
		types[n] = row->types[c];
		n++;
	}
	names[n] = "effectiveness";
	vals[n] = NULL;
	types[n] = FL_COL_NULL;
	for (k = 0; k < e->l->n; k++)
		if (e->l->v[k].id == id) {
			vals[n] = e->l->v[k].text;
			types[n] = FL_COL_TEXT;
		}
	out.ncol = n + 1;
	out.names = names;
	out.vals = vals;
	out.types = types;
	return e->fn(e->ctx, &out);
}

fl_err
fl_store_risk_controls(struct fl_store *st, const char *ref, fl_row_fn fn,
		       void *ctx, struct fl_diag *d)
{
	struct risk_state rs;
	struct eff_list l = {NULL, 0, 0};
	struct eff_rewrite e;
	size_t k;
	fl_err rc;

	if ((rc = risk_load(st, ref, &rs, d)) != FL_OK)
		return rc;
	rc = st_query(st, "SELECT control_id AS id FROM risk_control WHERE"
		      " risk_id = ?", eff_id_row, &l, "i", rs.id);
	/* in the risk's entity; for a Group-wide risk, the weakest entity */
	for (k = 0; k < l.n && rc == FL_OK; k++)
		rc = fl_store_control_effectiveness(st, l.v[k].id, rs.entity_id,
						    l.v[k].text,
						    sizeof l.v[k].text);
	e.l = &l;
	e.fn = fn;
	e.ctx = ctx;
	/*
	 * Implementation in the risk's entity when it has one; otherwise how
	 * many of the entities where it applies have implemented it, since a
	 * Group-wide risk depends on all of them.
	 */
	if (rc == FL_OK)
		rc = st_query(st,
			      "SELECT c.id AS control_id,"
			      " COALESCE(c.label, c.key) AS control, k.key AS catalog,"
			      " c.title,"
			      " CASE WHEN ? <> 0 THEN (SELECT i.status FROM"
			      "  implementation i WHERE i.control_id = c.id AND"
			      "  i.entity_id = ?)"
			      " ELSE 'implemented in ' || CAST((SELECT COUNT(*) FROM"
			      "  implementation i WHERE i.control_id = c.id AND"
			      "  i.status = 'implemented') AS TEXT) || ' of ' ||"
			      "  CAST((SELECT COUNT(*) FROM implementation i WHERE"
			      "  i.control_id = c.id AND i.status <> 'not-applicable')"
			      "  AS TEXT) || ' entities' END AS implementation"
			      " FROM risk_control rc JOIN control c ON c.id = rc.control_id"
			      " JOIN catalog k ON k.id = c.catalog_id WHERE rc.risk_id = ?"
			      " ORDER BY k.key, c.sort_key, c.key",
			      eff_row, &e, "iii", rs.entity_id, rs.entity_id, rs.id);
	free(l.v);
	return rc;
}

fl_err
fl_store_risk_assets(struct fl_store *st, const char *ref, fl_row_fn fn,
		     void *ctx, struct fl_diag *d)
{
	struct risk_state rs;
	fl_err rc;

	if ((rc = risk_load(st, ref, &rs, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT a.name AS asset, e.code AS entity, a.conf,"
			" a.integ, a.avail FROM risk_asset ra"
			" JOIN asset a ON a.id = ra.asset_id"
			" LEFT JOIN entity e ON e.id = a.entity_id"
			" WHERE ra.risk_id = ? ORDER BY a.name",
			fn, ctx, "i", rs.id);
}

fl_err
fl_store_risk_due(struct fl_store *st, const struct fl_risk_matrix *m,
		  const char *today, fl_row_fn fn, void *ctx)
{
	struct rewrite rw = {m, today, -1, fn, ctx};
	char horizon[11];
	time_t t;

	if (!valid_day(today) || fl_time_parse(today, &t) != 0)
		return FL_E_INTERNAL;
	fl_time_date(t + 30 * 86400, horizon);
	return st_query(st,
			"SELECT * FROM ("
			"SELECT r.ref, r.title, 'review-overdue' AS kind,"
			" r.next_review AS date, 0 AS days,"
			" r.inh_likelihood AS inherent_likelihood,"
			" r.inh_impact AS inherent_impact,"
			" r.res_likelihood AS residual_likelihood,"
			" r.res_impact AS residual_impact, r.inh_level AS level,"
			" r.status, p.name AS owner FROM risk r"
			" LEFT JOIN person p ON p.id = r.owner_id"
			" WHERE r.status <> 'closed' AND r.next_review < ?"
			" UNION ALL "
			"SELECT r.ref, r.title, 'acceptance-expiring' AS kind,"
			" r.accept_expires AS date, 0 AS days,"
			" r.inh_likelihood, r.inh_impact, r.res_likelihood,"
			" r.res_impact, r.inh_level, r.status, p.name"
			" FROM risk r LEFT JOIN person p ON p.id = r.owner_id"
			" WHERE r.status = 'accepted' AND r.accept_expires >= ?"
			" AND r.accept_expires <= ?"
			" UNION ALL "
			"SELECT r.ref, r.title, 'treatment-overdue' AS kind,"
			" r.treatment_due AS date, 0 AS days,"
			" r.inh_likelihood, r.inh_impact, r.res_likelihood,"
			" r.res_impact, r.inh_level, r.status, p.name"
			" FROM risk r LEFT JOIN person p ON p.id = r.owner_id"
			" WHERE r.status <> 'closed' AND r.treatment = 'mitigate'"
			" AND r.treatment_due < ?) due ORDER BY date, ref, kind",
			rewrite_row, &rw, "tttt", today, today, horizon, today);
}

fl_err
fl_store_risk_heatmap(struct fl_store *st, int residual, fl_row_fn fn,
		      void *ctx)
{
	if (residual)
		return st_query(st,
				"SELECT res_likelihood AS likelihood, res_impact AS"
				" impact, COUNT(*) AS count FROM risk WHERE"
				" status <> 'closed' AND res_likelihood IS NOT NULL"
				" GROUP BY res_likelihood, res_impact",
				fn, ctx, "");
	return st_query(st,
			"SELECT inh_likelihood AS likelihood, inh_impact AS"
			" impact, COUNT(*) AS count FROM risk WHERE"
			" status <> 'closed' AND inh_likelihood IS NOT NULL"
			" GROUP BY inh_likelihood, inh_impact",
			fn, ctx, "");
}

/* ---- escalations ------------------------------------------------------- */

fl_err
fl_store_risk_escalations(struct fl_store *st, const char *ref, int all,
			  fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	struct risk_state rs;
	fl_err rc;

	memset(&rs, 0, sizeof rs);
	if (ref && (rc = risk_load(st, ref, &rs, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT x.id, r.ref, r.title, x.basis, x.level, x.reason,"
			" x.created_at, CASE WHEN x.ack_at IS NULL THEN 'open'"
			" ELSE 'acknowledged' END AS state, p.name AS ack_by,"
			" x.ack_at FROM escalation x JOIN risk r ON r.id = x.risk_id"
			" LEFT JOIN person p ON p.id = x.ack_by"
			" WHERE (? <> 0 OR x.ack_at IS NULL)"
			" AND (? = 0 OR x.risk_id = ?) ORDER BY x.id",
			fn, ctx, "iii", (long long)(all != 0), rs.id, rs.id);
}

static const char esc_image_sql[] =
	"SELECT x.id, r.ref, x.level, x.basis, x.reason, x.created_at,"
	" x.ack_by, x.ack_at FROM escalation x JOIN risk r ON r.id = x.risk_id"
	" WHERE x.id = ?";

fl_err
fl_store_risk_ack(struct fl_store *st, long long id, const char *by,
		  struct fl_diag *d)
{
	long long person = 0, acked = 0;
	char role[32] = "", now[21], obj[40], *before = NULL, *after = NULL;
	fl_err rc;

	rc = st_query_int(st, &acked,
			  "SELECT CASE WHEN ack_at IS NULL THEN 0 ELSE 1 END"
			  " FROM escalation WHERE id = ?", "i", id);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no escalation %lld", id);
	if (rc != FL_OK)
		return rc;
	if (acked)
		return fl_diag_msg(d, FL_E_INVAL, "escalation %lld is already "
				   "acknowledged", id);
	if ((rc = fl_store_person_resolve(st, "--by", by, &person, role, sizeof role,
			      d)) != FL_OK)
		return rc;
	if (!approver_role(role))
		return fl_diag_msg(d, FL_E_INVAL, "'%s' must hold the iso or "
				   "citso role to acknowledge an escalation "
				   "(has %s)", by, role);
	if ((rc = st_query_json(st, &before, esc_image_sql, "i", id)) != FL_OK)
		return rc;
	st_now(now);
	rc = st_exec(st, "UPDATE escalation SET ack_by = ?, ack_at = ? WHERE id = ?",
		     "iti", person, now, id);
	if (rc == FL_OK)
		rc = st_query_json(st, &after, esc_image_sql, "i", id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "escalation:%lld", id);
		rc = fl_store_audit(st, "escalation.ack", obj, before, after);
	}
	free(before);
	free(after);
	return rc;
}

/* ---- acceptance sweep --------------------------------------------------- */

struct expired {
	long long id;
	char ref[16];
	char title[256];
	char expires[11];
};

struct sweep_ctx {
	struct expired *v;
	size_t n, cap;
	fl_err err;
};

static fl_err
sweep_row(void *vctx, const struct fl_row *row)
{
	struct sweep_ctx *s = vctx;
	struct expired *e;
	const char *v;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		struct expired *nv = realloc(s->v, ncap * sizeof *nv);
		if (nv == NULL)
			return FL_E_NOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	e = &s->v[s->n++];
	e->id = st_row_int(row, "id", 0);
	fl_strlcpy(e->ref, (v = fl_row_get(row, "ref")) ? v : "", sizeof e->ref);
	fl_strlcpy(e->title, (v = fl_row_get(row, "title")) ? v : "",
		   sizeof e->title);
	fl_strlcpy(e->expires, (v = fl_row_get(row, "accept_expires")) ? v : "",
		   sizeof e->expires);
	return FL_OK;
}

fl_err
fl_store_risk_sweep(struct fl_store *st, const char *today, fl_row_fn fn,
		    void *ctx)
{
	static const char *const names[] = {"ref", "title", "expired_on"};
	static const enum fl_col_type types[] = {FL_COL_TEXT, FL_COL_TEXT,
						 FL_COL_TEXT};
	struct sweep_ctx s = {NULL, 0, 0, FL_OK};
	char *before = NULL;
	size_t k;
	fl_err rc;

	if (!valid_day(today))
		return FL_E_INTERNAL;
	/* collect first: no writes while the query is still reading */
	rc = st_query(st,
		      "SELECT id, ref, title, accept_expires FROM risk"
		      " WHERE status = 'accepted' AND (accept_expires IS NULL"
		      " OR accept_expires < ?) ORDER BY id",
		      sweep_row, &s, "t", today);
	for (k = 0; k < s.n && rc == FL_OK; k++) {
		struct expired *e = &s.v[k];

		if (!fl_risk_acceptance_expired(e->expires, today))
			continue;
		if ((rc = risk_image(st, e->id, &before)) != FL_OK)
			break;
		rc = st_exec(st, "UPDATE risk SET status = 'assessed' WHERE id = ?",
			     "i", e->id);
		if (rc == FL_OK)
			rc = st_exec(st, clear_treatment_sql, "i", e->id);
		if (rc == FL_OK)
			rc = touch(st, e->id);
		if (rc != FL_OK) {
			free(before);
			break;
		}
		rc = audit_risk(st, "risk.acceptance-expired", e->id, e->ref,
				before);
		if (rc == FL_OK && fn) {
			const char *vals[3] = {e->ref, e->title, e->expires};
			struct fl_row row = {3, names, vals, types};
			rc = fn(ctx, &row);
		}
	}
	free(s.v);
	return rc;
}

/* ---- policy change ------------------------------------------------------ */

static fl_err
relevel_row(void *vctx, const struct fl_row *row)
{
	return sweep_row(vctx, row);
}

fl_err
fl_store_risk_policy_set(struct fl_store *st, const char *text,
			 const struct fl_risk_matrix *oldm,
			 const struct fl_risk_matrix *newm, const char *today,
			 long *releveled, long *escalated, struct fl_diag *d)
{
	struct sweep_ctx s = {NULL, 0, 0, FL_OK};
	struct fl_buf b;
	struct fl_json j;
	char *old_text = NULL, *before_img = NULL, *after_img = NULL;
	size_t k;
	fl_err rc;

	*releveled = *escalated = 0;
	if (!valid_day(today))
		return FL_E_INTERNAL;
	rc = st_query(st, "SELECT id, ref, title, NULL AS accept_expires FROM risk"
		      " WHERE status <> 'closed' AND inh_likelihood IS NOT NULL"
		      " ORDER BY id", relevel_row, &s, "");
	/* check every risk fits before changing anything */
	for (k = 0; k < s.n && rc == FL_OK; k++) {
		struct risk_state rs;

		if ((rc = risk_load(st, s.v[k].ref, &rs, d)) != FL_OK)
			break;
		if (fl_risk_level(newm, rs.inh_l, rs.inh_i) < 0 ||
		    (rs.res_l && fl_risk_level(newm, rs.res_l, rs.res_i) < 0))
			rc = fl_diag_msg(d, FL_E_INVAL, "%s is assessed at %dx%d, "
					 "outside the new %dx%d matrix: reassess "
					 "or close it first", rs.ref,
					 rs.res_l && fl_risk_level(newm, rs.res_l,
						 rs.res_i) < 0 ? rs.res_l : rs.inh_l,
					 rs.res_l && fl_risk_level(newm, rs.res_l,
						 rs.res_i) < 0 ? rs.res_i : rs.inh_i,
					 newm->nlik, newm->nimp);
	}
	/* the policy itself, audited as text */
	if (rc == FL_OK)
		rc = fl_store_setting_get(st, "risk_matrix", &old_text);
	if (rc == FL_OK) {
		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "risk_matrix");
		fl_json_str(&j, old_text);
		fl_json_obj_close(&j);
		before_img = fl_buf_steal(&b);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "risk_matrix");
		fl_json_str(&j, text);
		fl_json_obj_close(&j);
		after_img = fl_buf_steal(&b);
		if (before_img == NULL || after_img == NULL)
			rc = FL_E_NOMEM;
	}
	if (rc == FL_OK)
		rc = fl_store_setting_set(st, "risk_matrix", text);
	if (rc == FL_OK)
		rc = fl_store_audit(st, "risk.matrix", "setting:risk_matrix",
				    before_img, after_img);
	free(old_text);
	free(before_img);
	free(after_img);
	for (k = 0; k < s.n && rc == FL_OK; k++) {
		static const char *const bases[] = {"inherent", "residual"};
		struct risk_state rs;
		char next[11], reason[160], *before = NULL;
		int b2, cur, nl[2], changed = 0;
		const char *stored[2];

		if ((rc = risk_load(st, s.v[k].ref, &rs, d)) != FL_OK)
			break;
		stored[0] = rs.inh_level;
		stored[1] = rs.res_level;
		nl[0] = fl_risk_level(newm, rs.inh_l, rs.inh_i);
		nl[1] = rs.res_l ? fl_risk_level(newm, rs.res_l, rs.res_i) : -1;
		cur = rs.res_l ? nl[1] : nl[0];
		/* the review date follows the new cadence of the current level */
		fl_strlcpy(next, rs.next_review, sizeof next);
		if (valid_day(rs.reviewed_on))
			fl_risk_next_review(newm, rs.reviewed_on, cur, next);
		if (strcmp(stored[0], fl_risk_level_name(newm, nl[0])) != 0 ||
		    (rs.res_l && strcmp(stored[1],
					fl_risk_level_name(newm, nl[1])) != 0) ||
		    strcmp(next, rs.next_review) != 0)
			changed = 1;
		if (changed) {
			if ((rc = risk_image(st, rs.id, &before)) != FL_OK)
				break;
			rc = st_exec(st,
				     "UPDATE risk SET inh_level = ?, res_level = ?,"
				     " next_review = ? WHERE id = ?",
				     "ttti", fl_risk_level_name(newm, nl[0]),
				     fl_risk_level_name(newm, nl[1]),
				     next[0] ? next : NULL, rs.id);
			if (rc == FL_OK)
				rc = touch(st, rs.id);
			if (rc != FL_OK) {
				free(before);
				break;
			}
			(*releveled)++;
			rc = audit_risk(st, "risk.relevel", rs.id, rs.ref, before);
		}
		/*
		 * Escalate what rose, and what goes to the ISO now but did not
		 * under the old policy; an unchanged level that was already
		 * going to the ISO is not reported again.
		 */
		for (b2 = 0; b2 < 2 && rc == FL_OK; b2++) {
			long long esc = 0;
			int old_new = fl_risk_level_find(newm, stored[b2]);
			int was = fl_risk_escalates(oldm,
						    fl_risk_level_find(oldm, stored[b2]));

			if (nl[b2] < 0 || (old_new == nl[b2] && was))
				continue;
			rc = escalate_if(st, newm, &rs, bases[b2], old_new,
					 nl[b2], WHY_POLICY, &esc, reason,
					 sizeof reason);
			if (esc)
				(*escalated)++;
		}
	}
	free(s.v);
	return rc;
}
