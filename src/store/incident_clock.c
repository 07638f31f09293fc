/*
 * store/incident_clock: the notification clocks of incidents, computed
 * from the stored event times by core/clocks.c, and the sweep that turns
 * a clock at 75 % or past its deadline into a notice for the ISO.
 *
 * Clocks are never stored: they are derived from the times of the events
 * every time they are shown, so a corrected (back-dated) event moves its
 * deadlines with it and nothing can go stale.  What is stored is what
 * happened — the events — and, in the outbox, what the ISO was told.
 */
#include "incident_int.h"
#include "notify.h"

/* ---- rules and facts --------------------------------------------------- */

fl_err
fl_incident_clock_rules(struct fl_store *st, struct fl_clock_set *s,
			struct fl_diag *d)
{
	char *text = NULL;
	fl_err rc;

	if ((rc = fl_store_setting_get(st, "clock_rules", &text)) != FL_OK)
		return rc;
	if (text == NULL)
		return fl_clocks_default(s, d);
	rc = fl_clocks_parse(text, strlen(text), "setting clock_rules", s, d);
	free(text);
	return rc;
}

fl_err
fl_incident_clock_rules_set(struct fl_store *st, const char *text,
			    struct fl_diag *d)
{
	char *before = NULL;
	fl_err rc;

	(void)d;
	if ((rc = fl_store_setting_get(st, "clock_rules", &before)) != FL_OK)
		return rc;
	if (text)
		rc = fl_store_setting_set(st, "clock_rules", text);
	else
		rc = st_exec(st, "DELETE FROM setting WHERE key = 'clock_rules'",
			     "");
	if (rc == FL_OK) {
		struct fl_buf a, b;

		/* the texts as JSON strings, so the audit image stays JSON */
		fl_buf_init(&a, 0);
		fl_buf_init(&b, 0);
		if (before)
			fl_json_escape(&a, before, strlen(before));
		if (text)
			fl_json_escape(&b, text, strlen(text));
		rc = fl_store_audit(st, "incident.clock-rules",
				    "setting:clock_rules",
				    before ? fl_buf_str(&a) : NULL,
				    text ? fl_buf_str(&b) : NULL);
		fl_buf_release(&a);
		fl_buf_release(&b);
	}
	free(before);
	return rc;
}

void
inc_facts(const struct inc *in, struct fl_clock_facts *f)
{
	int k;

	memset(f, 0, sizeof *f);
	for (k = 0; k < FL_CLOCK_NEVENTS; k++)
		f->ev[k] = in->ev[k];
	/* the DORA clocks run only while the latest classification is major */
	if (!in->major)
		f->ev[FL_CLOCK_EV_CLASSIFIED_MAJOR] = 0;
	f->regimes = FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL);
	if (in->dora)
		f->regimes |= FL_CLOCK_REGIME_BIT(FL_CLOCK_DORA);
	if (in->nis2)
		f->regimes |= FL_CLOCK_REGIME_BIT(FL_CLOCK_NIS2);
	if (in->gdpr || in->personal_data)
		f->regimes |= FL_CLOCK_REGIME_BIT(FL_CLOCK_GDPR);
	f->severity = in->severity >= FL_INC_SEV_LOW &&
				      in->severity <= FL_INC_SEV_CRITICAL
			      ? (enum fl_clock_severity)in->severity
			      : FL_CLOCK_SEV_NONE;
	f->flags = (in->art5_5 ? FL_CLOCK_F_ART5_5 : 0) |
		   (in->art5_6 ? FL_CLOCK_F_ART5_6 : 0);
}

fl_err
fl_incident_facts(struct fl_store *st, const char *ref,
		  struct fl_clock_facts *f, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	memset(f, 0, sizeof *f);
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	inc_facts(&in, f);
	return FL_OK;
}

/* ---- every incident ---------------------------------------------------- */

struct incs {
	struct inc *v;
	size_t n, cap;
	fl_err err;
};

static fl_err
incs_row(void *ctx, const struct fl_row *row)
{
	struct incs *l = ctx;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct inc *nv = realloc(l->v, nc * sizeof *nv);

		if (nv == NULL)
			return l->err = FL_E_NOMEM;
		l->v = nv;
		l->cap = nc;
	}
	return inc_row(&l->v[l->n++], row);
}

/* Every incident (ref NULL) or one, loaded. */
static fl_err
load_incs(struct fl_store *st, const char *ref, struct incs *l,
	  struct fl_diag *d)
{
	fl_err rc;

	memset(l, 0, sizeof *l);
	if (ref) {
		if ((l->v = malloc(sizeof *l->v)) == NULL)
			return FL_E_NOMEM;
		l->cap = 1;
		if ((rc = inc_load(st, ref, &l->v[0], d)) != FL_OK)
			return rc;
		l->n = 1;
		return FL_OK;
	}
	rc = st_query(st, INC_SELECT_ALL " ORDER BY id", incs_row, l, "");
	return rc == FL_OK ? l->err : rc;
}

/* A computed clock and the incident it belongs to. */
struct clk {
	struct fl_clock c;
	size_t inc;
};

static int
clk_cmp(const void *a, const void *b)
{
	const struct clk *x = a, *y = b;
	int c = fl_clock_urgency_cmp(&x->c, &y->c);

	if (c != 0)
		return c;
	return x->inc < y->inc ? -1 : (x->inc > y->inc);
}

/* Whether a clock is still owed: running, or breached and not done. */
static int
owed(const struct fl_clock *c)
{
	return c->status == FL_CLOCK_RUNNING ||
	       (c->status == FL_CLOCK_BREACHED && c->done == 0);
}

/* Elapsed share as a whole percentage, bounded (a clock breached years
 * ago is far past 100 %, and a double beyond int is undefined to cast). */
static int
pct_of(double elapsed)
{
	double p = elapsed * 100.0 + 1e-9;

	return p > 1e9 ? 1000000000 : p < 0 ? 0 : (int)p;
}

static void
iso_or_null(time_t t, char buf[static 21], const char **out)
{
	if (t) {
		fl_time_iso(t, buf);
		*out = buf;
	} else {
		*out = NULL;
	}
}

static fl_err
emit_clock(const struct inc *in, const struct fl_clock *c, time_t now,
	   fl_row_fn fn, void *ctx)
{
	static const char *const names[] = {
		"incident", "title", "severity", "regime", "clock", "status",
		"start", "due", "deadline", "done", "time_left", "seconds_left",
		"elapsed_pct", "relieved_json", "capped_json", "cite"
	};
	static const enum fl_col_type types[] = {
		FL_COL_TEXT, FL_COL_TEXT, FL_COL_TEXT, FL_COL_TEXT, FL_COL_TEXT,
		FL_COL_TEXT, FL_COL_TEXT, FL_COL_TEXT, FL_COL_TEXT, FL_COL_TEXT,
		FL_COL_TEXT, FL_COL_INT, FL_COL_INT, FL_COL_TEXT, FL_COL_TEXT,
		FL_COL_TEXT
	};
	char start[21], due[21], dl[21], done[21], left[24], secs[24], pct[24];
	const char *vals[16];
	struct fl_row row;
	int timed = c->deadline != 0 && !c->untimed;

	vals[0] = in->ref;
	vals[1] = in->title;
	vals[2] = fl_incident_severity_name(in->severity);
	vals[3] = fl_clock_regime_name(c->regime);
	vals[4] = c->name;
	vals[5] = fl_clock_status_name(c->status);
	iso_or_null(c->start, start, &vals[6]);
	iso_or_null(c->due, due, &vals[7]);
	iso_or_null(c->deadline, dl, &vals[8]);
	iso_or_null(c->done, done, &vals[9]);
	if (timed && c->done == 0) {
		long long s = (long long)(c->deadline - now);

		fl_incident_span_text(s, left);
		snprintf(secs, sizeof secs, "%lld", s);
		vals[10] = left;
		vals[11] = secs;
	} else {
		vals[10] = NULL;
		vals[11] = NULL;
	}
	if (timed) {
		snprintf(pct, sizeof pct, "%d", pct_of(c->elapsed));
		vals[12] = pct;
	} else {
		vals[12] = NULL;
	}
	vals[13] = c->relieved ? "true" : "false";
	vals[14] = c->capped ? "true" : "false";
	vals[15] = c->cite;
	row.ncol = 16;
	row.names = names;
	row.vals = vals;
	row.types = types;
	return fn(ctx, &row);
}

fl_err
fl_incident_clocks(struct fl_store *st, const char *ref, time_t now,
		   long long within, fl_row_fn fn, void *ctx,
		   struct fl_diag *d)
{
	struct fl_clock_set *set;
	struct fl_clock one[FL_CLOCK_MAX_RULES];
	struct fl_clock_facts f;
	struct clk *all = NULL;
	struct incs l;
	size_t k, n, i, nall = 0, cap = 0;
	fl_err rc;

	if ((set = malloc(sizeof *set)) == NULL)
		return FL_E_NOMEM;
	if ((rc = fl_incident_clock_rules(st, set, d)) != FL_OK) {
		free(set);
		return rc;
	}
	rc = load_incs(st, ref, &l, d);
	for (k = 0; rc == FL_OK && k < l.n; k++) {
		inc_facts(&l.v[k], &f);
		if ((rc = fl_clocks_compute(set, &f, now, one, FL_CLOCK_MAX_RULES,
					    &n)) != FL_OK)
			break;
		for (i = 0; i < n; i++) {
			if (ref == NULL && !owed(&one[i]))
				continue;
			if (ref == NULL && within >= 0 &&
			    (one[i].untimed || one[i].deadline == 0 ||
			     (long long)(one[i].deadline - now) > within))
				continue;
			if (nall == cap) {
				size_t nc = cap ? cap * 2 : 32;
				struct clk *na = realloc(all, nc * sizeof *na);

				if (na == NULL) {
					rc = FL_E_NOMEM;
					break;
				}
				all = na;
				cap = nc;
			}
			all[nall].c = one[i];
			all[nall].inc = k;
			nall++;
		}
	}
	if (rc == FL_OK && ref == NULL && nall > 1)
		qsort(all, nall, sizeof *all, clk_cmp);
	for (k = 0; rc == FL_OK && k < nall; k++)
		rc = emit_clock(&l.v[all[k].inc], &all[k].c, now, fn, ctx);
	free(all);
	free(l.v);
	free(set);
	return rc;
}

/* ---- the sweep --------------------------------------------------------- */

static fl_err
notice_clock(struct fl_store *st, const struct inc *in, const struct fl_clock *c,
	     int breached, time_t now, struct fl_diag *d)
{
	struct fl_notice n;
	struct fl_buf body, data;
	struct fl_json j;
	char subject[400], ref[48], dedup[200], dl[21], start[21], left[24];
	const char *regime = fl_clock_regime_name(c->regime);
	fl_err rc;

	fl_time_iso(c->deadline, dl);
	fl_time_iso(c->start, start);
	fl_incident_span_text((long long)(c->deadline - now), left);
	snprintf(ref, sizeof ref, "incident:%s", in->ref);
	snprintf(dedup, sizeof dedup, "clock:%s:%s:%s:%s:%s", in->ref, regime,
		 c->name, breached ? "breached" : "warning", dl);
	if (breached)
		snprintf(subject, sizeof subject, "%s: %s %s deadline %s %s", in->ref,
			 regime, c->name, dl, c->done ? "was missed" : "breached");
	else
		snprintf(subject, sizeof subject, "%s: %s %s due %s (%d%% of the "
			 "time gone, %s left)", in->ref, regime, c->name, dl,
			 pct_of(c->elapsed), left);
	fl_buf_init(&body, 0);
	fl_buf_init(&data, 0);
	fl_buf_printf(&body,
		      "Incident:  %s\nTitle:     %s\nSeverity:  %s\n"
		      "Clock:     %s %s\nStarted:   %s\nDeadline:  %s\n"
		      "Status:    %s\nSource:    %s\n",
		      in->ref, in->title, fl_incident_severity_name(in->severity),
		      regime, c->name, start, dl,
		      breached ? (c->done ? "breached (done late)" : "breached")
			       : "running, 75% of the time gone",
		      c->cite);
	fl_json_init(&j, &data, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "incident");
	fl_json_str(&j, in->ref);
	fl_json_key(&j, "title");
	fl_json_str(&j, in->title);
	fl_json_key(&j, "regime");
	fl_json_str(&j, regime);
	fl_json_key(&j, "clock");
	fl_json_str(&j, c->name);
	fl_json_key(&j, "status");
	fl_json_str(&j, fl_clock_status_name(c->status));
	fl_json_key(&j, "start");
	fl_json_str(&j, start);
	fl_json_key(&j, "deadline");
	fl_json_str(&j, dl);
	fl_json_key(&j, "elapsed_pct");
	fl_json_int(&j, pct_of(c->elapsed));
	fl_json_key(&j, "cite");
	fl_json_str(&j, c->cite);
	fl_json_obj_close(&j);
	memset(&n, 0, sizeof n);
	n.event = breached ? "clock.breached" : "clock.warning";
	n.ref = ref;
	n.severity = fl_incident_severity_name(in->severity);
	n.subject = subject;
	n.body = fl_buf_str(&body);
	n.json = fl_buf_str(&data);
	n.dedup = dedup;
	rc = fl_notify_enqueue(st, &n, NULL, d);
	fl_buf_release(&body);
	fl_buf_release(&data);
	return rc;
}

fl_err
fl_incident_sweep(struct fl_store *st, time_t now, struct fl_diag *d)
{
	struct fl_clock_set *set;
	struct fl_clock one[FL_CLOCK_MAX_RULES];
	struct fl_clock_facts f;
	struct incs l;
	size_t k, n, i;
	fl_err rc;

	if ((set = malloc(sizeof *set)) == NULL)
		return FL_E_NOMEM;
	if ((rc = fl_incident_clock_rules(st, set, d)) != FL_OK) {
		free(set);
		return rc;
	}
	rc = load_incs(st, NULL, &l, d);
	for (k = 0; rc == FL_OK && k < l.n; k++) {
		inc_facts(&l.v[k], &f);
		if ((rc = fl_clocks_compute(set, &f, now, one, FL_CLOCK_MAX_RULES,
					    &n)) != FL_OK)
			break;
		for (i = 0; rc == FL_OK && i < n; i++) {
			const struct fl_clock *c = &one[i];

			if (c->untimed || c->deadline == 0)
				continue;
			if (c->status == FL_CLOCK_BREACHED)
				rc = notice_clock(st, &l.v[k], c, 1, now, d);
			else if (c->status == FL_CLOCK_RUNNING &&
				 c->elapsed >= 0.75)
				rc = notice_clock(st, &l.v[k], c, 0, now, d);
		}
	}
	free(l.v);
	free(set);
	return rc;
}
