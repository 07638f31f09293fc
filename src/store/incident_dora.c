/*
 * store/incident_dora: the DORA classification of incidents — every
 * criterion input recorded with the result (Delegated Regulation (EU)
 * 2024/1772, decided by core/dora.c), the classification time that starts
 * the DORA clocks, and the recurring incidents of RTS Art. 8(2) offered
 * for aggregation.
 *
 * Classifications are kept, newest last: the history of what was known
 * when is part of the record.  The latest decides whether the incident is
 * major now.  Refuses inputs out of range (fl_dora_check) and Member State
 * codes that are not EU/EEA states.
 */
#include "incident_int.h"
#include "notify.h"

#include <ctype.h>

#define DORA_COLS \
	"clients, clients_pct, counterparts_pct, tx_count_pct, tx_value_pct," \
	" relevant_affected, rep_media, rep_complaints, rep_regulatory," \
	" rep_client_loss, duration_h, downtime_h, member_states," \
	" member_state_codes, data_availability, data_authenticity," \
	" data_integrity, data_confidentiality, data_adverse, crit_functions," \
	" crit_supervised, malicious_access, access_data_loss," \
	" cost_direct_eur, cost_indirect_eur"

static double
row_real(const struct fl_row *row, const char *name)
{
	const char *v = fl_row_get(row, name);
	char *end;
	double x;

	if (v == NULL)
		return 0;
	x = strtod(v, &end);
	return *end == '\0' ? x : 0;
}

/* Member State codes "de, fr" -> bits and the stored text "DE,FR". */
static fl_err
states_parse(const char *codes, unsigned long *bits, char out[static 64],
	     struct fl_diag *d)
{
	const char *p = codes;
	char code[8];
	unsigned long seen = 0, b;
	size_t o = 0, n;

	*bits = 0;
	out[0] = '\0';
	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (n = 0; p[n] && p[n] != ',' && p[n] != ' '; n++)
			;
		if (n >= sizeof code)
			return fl_diag_msg(d, FL_E_INVAL, "--states: '%.*s' is not "
					   "a Member State code", (int)n, p);
		memcpy(code, p, n);
		code[n] = '\0';
		if ((b = fl_dora_member_state_bit(code)) == 0)
			return fl_diag_msg(d, FL_E_INVAL, "--states: '%s' is not "
					   "the code of an EU or EEA state (DE, "
					   "FR, EL, ...)", code);
		p += n;
		if (seen & b)
			continue;
		seen |= b;
		if (o + n + 2 >= 64)
			return fl_diag_msg(d, FL_E_INVAL, "--states: too many codes");
		if (o)
			out[o++] = ',';
		for (size_t i = 0; i < n; i++)
			out[o++] = (char)toupper((unsigned char)code[i]);
		out[o] = '\0';
	}
	*bits = seen;
	return FL_OK;
}

struct dora_load {
	struct fl_dora_input *in;
	char *codes;
	int found;
};

static void
row_to_input(const struct fl_row *row, struct fl_dora_input *in,
	     char codes[static 64])
{
	const char *c = fl_row_get(row, "member_state_codes");
	struct fl_diag q;
	unsigned long bits = 0;

	memset(in, 0, sizeof *in);
	in->clients = st_row_int(row, "clients", 0);
	in->clients_pct = row_real(row, "clients_pct");
	in->counterparts_pct = row_real(row, "counterparts_pct");
	in->tx_count_pct = row_real(row, "tx_count_pct");
	in->tx_value_pct = row_real(row, "tx_value_pct");
	in->relevant_affected = (int)st_row_int(row, "relevant_affected", 0);
	in->rep_media = (int)st_row_int(row, "rep_media", 0);
	in->rep_complaints = (int)st_row_int(row, "rep_complaints", 0);
	in->rep_regulatory = (int)st_row_int(row, "rep_regulatory", 0);
	in->rep_client_loss = (int)st_row_int(row, "rep_client_loss", 0);
	in->duration_h = row_real(row, "duration_h");
	in->downtime_h = row_real(row, "downtime_h");
	in->member_states = (int)st_row_int(row, "member_states", 0);
	in->data_availability = (int)st_row_int(row, "data_availability", 0);
	in->data_authenticity = (int)st_row_int(row, "data_authenticity", 0);
	in->data_integrity = (int)st_row_int(row, "data_integrity", 0);
	in->data_confidentiality = (int)st_row_int(row, "data_confidentiality", 0);
	in->data_adverse = (int)st_row_int(row, "data_adverse", 0);
	in->crit_functions = (int)st_row_int(row, "crit_functions", 0);
	in->crit_supervised = (int)st_row_int(row, "crit_supervised", 0);
	in->malicious_access = (int)st_row_int(row, "malicious_access", 0);
	in->access_data_loss = (int)st_row_int(row, "access_data_loss", 0);
	in->cost_direct_eur = row_real(row, "cost_direct_eur");
	in->cost_indirect_eur = row_real(row, "cost_indirect_eur");
	codes[0] = '\0';
	if (c && states_parse(c, &bits, codes, &q) == FL_OK)
		in->member_state_set = bits;
}

static fl_err
dora_load_row(void *ctx, const struct fl_row *row)
{
	struct dora_load *l = ctx;

	l->found = 1;
	row_to_input(row, l->in, l->codes);
	return FL_OK;
}

fl_err
fl_incident_dora_input(struct fl_store *st, const char *ref,
		       struct fl_dora_input *in, char codes[static 64],
		       int *found, struct fl_diag *d)
{
	struct dora_load l;
	struct inc inc;
	fl_err rc;

	memset(in, 0, sizeof *in);
	codes[0] = '\0';
	*found = 0;
	if ((rc = inc_load(st, ref, &inc, d)) != FL_OK)
		return rc;
	l.in = in;
	l.codes = codes;
	l.found = 0;
	rc = st_query(st, "SELECT " DORA_COLS " FROM incident_dora WHERE"
		      " incident_id = ? ORDER BY id DESC LIMIT 1", dora_load_row,
		      &l, "i", inc.id);
	*found = l.found;
	return rc;
}

fl_err
fl_incident_classification(struct fl_store *st, const char *ref, fl_row_fn fn,
			   void *ctx, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	return st_query(st, "SELECT classified_at, classified_by, CASE WHEN"
			" major <> 0 THEN 'true' ELSE 'false' END AS major_json,"
			" fired, reason, " DORA_COLS " FROM incident_dora WHERE"
			" incident_id = ? ORDER BY id DESC LIMIT 1", fn, ctx, "i",
			in.id);
}

static fl_err
notice_major(struct fl_store *st, const struct inc *in,
	     const struct fl_dora_result *res, const char *fired,
	     const char *at, struct fl_diag *d)
{
	struct fl_notice n;
	struct fl_buf body, data;
	struct fl_json j;
	char subject[400], ref[48], title[204];
	fl_err rc;

	snprintf(ref, sizeof ref, "incident:%s", in->ref);
	inc_cut(in->title, title, 200);
	snprintf(subject, sizeof subject, "%s classified as a major ICT-related "
		 "incident (DORA): %s", in->ref, title);
	fl_buf_init(&body, 0);
	fl_buf_init(&data, 0);
	fl_buf_printf(&body,
		      "Incident:    %s\nTitle:       %s\nSeverity:    %s\n"
		      "Classified:  %s as major (Delegated Regulation (EU) "
		      "2024/1772 Art. 8)\nCriteria:    %s\n\n%s\n\n"
		      "The DORA initial notification is due within 4 hours of "
		      "the classification and no later than 24 hours after "
		      "awareness (Delegated Regulation (EU) 2025/301 Art. 5).\n",
		      in->ref, in->title,
		      fl_incident_severity_name(in->severity), at, fired,
		      res->reason ? res->reason : "");
	fl_json_init(&j, &data, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "incident");
	fl_json_str(&j, in->ref);
	fl_json_key(&j, "title");
	fl_json_str(&j, in->title);
	fl_json_key(&j, "severity");
	fl_json_str(&j, fl_incident_severity_name(in->severity));
	fl_json_key(&j, "classified_at");
	fl_json_str(&j, at);
	fl_json_key(&j, "criteria");
	fl_json_str(&j, fired);
	fl_json_key(&j, "reason");
	fl_json_str(&j, res->reason ? res->reason : "");
	fl_json_obj_close(&j);
	memset(&n, 0, sizeof n);
	n.event = "incident.major";
	n.ref = ref;
	n.severity = fl_incident_severity_name(in->severity);
	n.subject = subject;
	n.body = fl_buf_str(&body);
	n.json = fl_buf_str(&data);
	rc = fl_notify_enqueue(st, &n, NULL, d);
	fl_buf_release(&body);
	fl_buf_release(&data);
	return rc;
}

fl_err
fl_incident_classify(struct fl_store *st, const char *ref,
		     const struct fl_dora_input *input,
		     const char *member_state_codes, const char *at,
		     time_t now, struct fl_dora_result *res, int *became_major,
		     struct fl_diag *d)
{
	struct fl_dora_input in = *input;
	struct inc inc;
	char codes[64], atiso[21], fired[FL_DORA_LIST_MAX], text[800];
	char *before = NULL, *row = NULL;
	unsigned long bits = 0;
	long long rid = 0;
	time_t t;
	fl_err rc;

	*became_major = 0;
	memset(res, 0, sizeof *res);
	if ((rc = inc_load(st, ref, &inc, d)) != FL_OK)
		return rc;
	if ((rc = states_parse(member_state_codes, &bits, codes, d)) != FL_OK)
		return rc;
	in.member_state_set |= bits;
	if ((rc = inc_when(at, now, "--at", &t, atiso, d)) != FL_OK)
		return rc;
	if ((rc = fl_dora_classify(&in, res, d)) != FL_OK)
		return rc;
	fl_dora_fired_list(res->fired, fired, sizeof fired);
	if ((rc = inc_image(st, inc.id, &before)) != FL_OK)
		return rc;
	rc = st_insert(st, &rid,
		       "INSERT INTO incident_dora (incident_id, classified_at,"
		       " classified_by, " DORA_COLS ", major, fired, reason)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		       " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       "itt" "idddd" "iiiii" "ddi" "t" "iiiii" "iiii" "dd" "itt",
		       inc.id, atiso, fl_store_actor(st), in.clients,
		       in.clients_pct, in.counterparts_pct, in.tx_count_pct,
		       in.tx_value_pct, (long long)(in.relevant_affected != 0),
		       (long long)(in.rep_media != 0),
		       (long long)(in.rep_complaints != 0),
		       (long long)(in.rep_regulatory != 0),
		       (long long)(in.rep_client_loss != 0), in.duration_h,
		       in.downtime_h, (long long)in.member_states,
		       codes[0] ? codes : NULL,
		       (long long)(in.data_availability != 0),
		       (long long)(in.data_authenticity != 0),
		       (long long)(in.data_integrity != 0),
		       (long long)(in.data_confidentiality != 0),
		       (long long)(in.data_adverse != 0),
		       (long long)(in.crit_functions != 0),
		       (long long)(in.crit_supervised != 0),
		       (long long)(in.malicious_access != 0),
		       (long long)(in.access_data_loss != 0),
		       in.cost_direct_eur, in.cost_indirect_eur,
		       (long long)res->major, fired,
		       res->reason ? res->reason : "");
	if (rc == FL_OK && res->major && !inc.major) {
		*became_major = 1;
		rc = st_exec(st, "UPDATE incident SET dora_major = 1,"
			     " classified_major_at = ? WHERE id = ?", "ti", atiso,
			     inc.id);
	} else if (rc == FL_OK && !res->major && inc.major) {
		rc = st_exec(st, "UPDATE incident SET dora_major = 0 WHERE id = ?",
			     "i", inc.id);
	}
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "DORA classification: %s%s (criteria "
			 "met: %s) - %.400s",
			 res->major ? "major" : "not major",
			 *became_major ? ", the DORA clocks start"
				       : (!res->major && inc.major
						  ? ", reclassified as non-major"
						  : ""),
			 fired[0] ? fired : "none", res->reason ? res->reason : "");
		rc = inc_timeline(st, inc.id, atiso, "classification", text);
	}
	if (rc == FL_OK)
		rc = inc_touch(st, inc.id);
	if (rc == FL_OK)
		rc = st_query_json(st, &row, "SELECT * FROM incident_dora WHERE"
				   " id = ?", "i", rid);
	if (rc == FL_OK) {
		char obj[48];

		snprintf(obj, sizeof obj, "incident:%s", inc.ref);
		rc = fl_store_audit(st, "incident.classify", obj, before, row);
	}
	if (rc == FL_OK && *became_major && inc.dora)
		rc = notice_major(st, &inc, res, fired, atiso, d);
	free(before);
	free(row);
	return rc;
}

/* ---- recurring incidents (RTS Art. 8(2)) ------------------------------- */

struct prior {
	char ref[FL_INC_REF_MAX], date[11], title[304];
	char aware[21];
	struct fl_dora_input in;
};

struct priors {
	struct prior *v;
	size_t n, cap;
	fl_err err;
};

static fl_err
prior_row(void *ctx, const struct fl_row *row)
{
	struct priors *p = ctx;
	struct prior *x;
	char codes[64];
	const char *v;

	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 8;
		struct prior *nv;

		if (nc > 4096)
			return p->err = FL_E_LIMIT;
		if ((nv = realloc(p->v, nc * sizeof *nv)) == NULL)
			return p->err = FL_E_NOMEM;
		p->v = nv;
		p->cap = nc;
	}
	x = &p->v[p->n++];
	memset(x, 0, sizeof *x);
	fl_strlcpy(x->ref, (v = fl_row_get(row, "ref")) ? v : "", sizeof x->ref);
	fl_strlcpy(x->title, (v = fl_row_get(row, "title")) ? v : "",
		   sizeof x->title);
	fl_strlcpy(x->aware, (v = fl_row_get(row, "aware_at")) ? v : "",
		   sizeof x->aware);
	fl_strlcpy(x->date, x->aware, sizeof x->date);
	row_to_input(row, &x->in, codes);
	return FL_OK;
}

fl_err
fl_incident_recurring(struct fl_store *st, const char *ref, fl_row_fn fn,
		      void *ctx, struct fl_dora_result *res, struct fl_diag *d)
{
	static const char *const names[] = {"ref", "title", "aware_at",
					    "cause_key"};
	static const enum fl_col_type types[] = {FL_COL_TEXT, FL_COL_TEXT,
						 FL_COL_TEXT, FL_COL_TEXT};
	struct fl_dora_incident today, *prior = NULL;
	struct fl_dora_result r;
	struct priors ps;
	struct inc in;
	unsigned char *take = NULL;
	size_t ntake = 0, k;
	char date[11], aware[21];
	int found = 0;
	fl_err rc;

	if (res)
		memset(res, 0, sizeof *res);
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (in.cause_key[0] == '\0')
		return FL_OK;
	memset(&today, 0, sizeof today);
	{
		char codes[64];

		rc = fl_incident_dora_input(st, in.ref, &today.in, codes, &found, d);
	}
	if (rc != FL_OK || !found)
		return rc;
	fl_time_iso(in.ev[FL_CLOCK_EV_AWARE], aware);
	fl_strlcpy(date, aware, sizeof date);
	today.date = date;
	today.root_cause = in.cause_key;
	memset(&ps, 0, sizeof ps);
	rc = st_query(st,
		      "SELECT i.ref, i.title, i.aware_at, " DORA_COLS " FROM"
		      " incident i JOIN incident_dora x ON x.id = (SELECT"
		      " MAX(y.id) FROM incident_dora y WHERE y.incident_id ="
		      " i.id) WHERE i.id <> ? AND i.cause_key = ? ORDER BY"
		      " i.aware_at", prior_row, &ps, "it", in.id, in.cause_key);
	if (rc == FL_OK)
		rc = ps.err;
	if (rc == FL_OK && ps.n > 0) {
		prior = calloc(ps.n, sizeof *prior);
		take = calloc(ps.n, 1);
		if (prior == NULL || take == NULL)
			rc = FL_E_NOMEM;
	}
	for (k = 0; rc == FL_OK && k < ps.n; k++) {
		prior[k].date = ps.v[k].date;
		prior[k].root_cause = in.cause_key;
		prior[k].in = ps.v[k].in;
	}
	if (rc == FL_OK)
		rc = fl_dora_recurring(&today, prior, ps.n, take, &ntake, NULL,
				       &r, d);
	if (rc == FL_OK && r.major) {
		if (res)
			*res = r;
		for (k = 0; rc == FL_OK && fn && k <= ps.n; k++) {
			const char *vals[4];
			struct fl_row row;

			if (k < ps.n && !take[k])
				continue;
			vals[0] = k < ps.n ? ps.v[k].ref : in.ref;
			vals[1] = k < ps.n ? ps.v[k].title : in.title;
			vals[2] = k < ps.n ? ps.v[k].aware : aware;
			vals[3] = in.cause_key;
			row.ncol = 4;
			row.names = names;
			row.vals = vals;
			row.types = types;
			rc = fn(ctx, &row);
		}
	}
	free(prior);
	free(take);
	free(ps.v);
	return rc;
}
