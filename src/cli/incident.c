/*
 * incident: the commands of the incident group — the security incident
 * process (NIST SP 800-61), its regulatory clocks (DORA, NIS2, GDPR) and
 * the internal one (the ISO informed in time).
 *
 * Every command is one transaction that starts with the clock sweep
 * (fl_incident_sweep): a clock at 75 % of its time or past its deadline
 * is put in the outbox for the ISO by whichever incident command runs
 * first, reading ones included.  This file parses options and prints; the
 * rules are core's (core/incident.c, core/dora.c, core/clocks.c) and the
 * storage store/incident*.c's.  Refusals come from the store with their
 * reason and exit 65, the database unchanged (the transaction is rolled
 * back); usage errors exit 64.
 */
#include "incident_int.h"

#include <errno.h>

#define OPT_END {NULL, 0, NULL, NULL}

/* ---- the unit of work -------------------------------------------------- */

struct work {
	time_t now;
	int in_tx;
};

static int
work_begin(struct fl_ctx *ctx, struct work *w)
{
	fl_err rc;

	w->now = fl_now();
	w->in_tx = 0;
	if ((rc = fl_store_begin(ctx->st)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	w->in_tx = 1;
	if ((rc = fl_incident_sweep(ctx->st, w->now, &ctx->diag)) != FL_OK) {
		fl_store_rollback(ctx->st);
		w->in_tx = 0;
		return fl_cli_fail(ctx, rc);
	}
	return 0;
}

/* Commit when rc is FL_OK, else roll back and report. */
static int
work_end(struct fl_ctx *ctx, struct work *w, fl_err rc)
{
	if (!w->in_tx)
		return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
	w->in_tx = 0;
	return fl_cli_finish(ctx, rc);
}

/* Give up without a message (the caller reports a usage error). */
static void
work_abort(struct fl_ctx *ctx, struct work *w)
{
	if (w->in_tx)
		fl_store_rollback(ctx->st);
	w->in_tx = 0;
}

/* yes/no option into *out (-1 when not given); 0 or an exit code. */
static int
yesno(struct fl_ctx *ctx, const struct fl_args *a, const char *name, int *out)
{
	const char *v = fl_arg(a, name);

	*out = -1;
	if (v == NULL)
		return 0;
	if (fl_streq_ci(v, "yes") || fl_streq_ci(v, "y") || strcmp(v, "1") == 0 ||
	    fl_streq_ci(v, "true"))
		*out = 1;
	else if (fl_streq_ci(v, "no") || fl_streq_ci(v, "n") ||
		 strcmp(v, "0") == 0 || fl_streq_ci(v, "false"))
		*out = 0;
	else
		return fl_cli_usage(ctx, "--%s takes yes or no, not '%s'", name, v);
	return 0;
}

/*
 * For a terminal: "major_json" columns become "major" with yes/no, so the
 * column lists below can name them as JSON does.
 */
static void
flatten(struct fl_table *t)
{
	size_t r;
	int c;

	for (c = 0; c < t->ncol; c++) {
		if (!fl_cli_is_json_name(t->names[c]))
			continue;
		t->names[c][strlen(t->names[c]) - 5] = '\0';
		for (r = 0; r < t->nrows; r++) {
			char *v = t->rows[r][c];

			if (v && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0))
				fl_strlcpy(v, v[0] == 't' ? "yes" : "no", strlen(v) + 1);
		}
	}
}

static int
print_table(struct fl_ctx *ctx, struct fl_table *t, fl_err rc,
	    const char *cols)
{
	if (rc == FL_OK && t->err == FL_OK && !ctx->json)
		flatten(t);
	return fl_table_finish(ctx, t, rc, cols);
}

/* Write buffer b to path (NULL: stdout). */
static int
write_out(const char *path, const struct fl_buf *b)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	int bad;

	if (f == NULL)
		return fl_cli_error(FL_EX_IO, "%s: cannot write: %s", path,
				    strerror(errno));
	bad = b->len && fwrite(b->data, 1, b->len, f) != b->len;
	if (path)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	if (bad)
		return fl_cli_error(FL_EX_IO, "%s: write error",
				    path ? path : "stdout");
	return 0;
}

/* ---- new, set ---------------------------------------------------------- */

#define FIELD_OPTS \
	{"title", FL_OPT_VALUE, "TEXT", "what happened, one line"}, \
	{"description", FL_OPT_VALUE, "TEXT", "longer description"}, \
	{"category", FL_OPT_VALUE, "CAT", "malware, phishing, " \
	 "unauthorised-access, data-breach, denial-of-service, misuse, " \
	 "vulnerability-exploitation, other"}, \
	{"severity", FL_OPT_VALUE, "SEV", "low, medium, high or critical"}, \
	{"entity", FL_OPT_VALUE, "CODE", "entity affected (code or name)"}, \
	{"reporter", FL_OPT_VALUE, "PERSON", "who reported it (e-mail or name)"}, \
	{"handler", FL_OPT_VALUE, "PERSON", "who handles it (e-mail or name)"}, \
	{"tlp", FL_OPT_VALUE, "MARK", "TLP 2.0: CLEAR, GREEN, AMBER (default), " \
	 "AMBER+STRICT, RED"}, \
	{"services", FL_OPT_VALUE, "TEXT", "affected services, as named"}, \
	{"critical-function", FL_OPT_VALUE, "yes|no", \
	 "the affected services support a critical or important function"}, \
	{"personal-data", FL_OPT_VALUE, "yes|no", \
	 "personal data were breached (starts the GDPR Art. 33 clock)"}, \
	{"dora", FL_OPT_VALUE, "yes|no", "DORA applies (default: entity regime)"}, \
	{"nis2", FL_OPT_VALUE, "yes|no", "NIS2 applies (default: entity regime)"}, \
	{"gdpr", FL_OPT_VALUE, "yes|no", \
	 "GDPR clocks apply (default: with --personal-data)"}, \
	{"art5-5", FL_OPT_VALUE, "yes|no", "credit institution, CCP, trading " \
	 "venue or NIS2 essential/important entity: no weekend relief " \
	 "(Reg. 2025/301 Art. 5(5))"}, \
	{"art5-6", FL_OPT_VALUE, "yes|no", \
	 "the authority disapplied the weekend relief (Art. 5(6))"}, \
	{"aware", FL_OPT_VALUE, "TIME", "when the entity became aware " \
	 "(default now; UTC)"}, \
	{"occurred", FL_OPT_VALUE, "TIME", "when it began, where known"}

static const struct fl_opt new_opts[] = {
	FIELD_OPTS,
	{"asset", FL_OPT_MULTI, "ASSET", "affected asset (name, hostname or IP)"},
	OPT_END
};

static int
flag_opts(struct fl_ctx *ctx, const struct fl_args *a, int *cf, int *pd,
	  int *dora, int *nis2, int *gdpr, int *a55, int *a56)
{
	int code;

	if ((code = yesno(ctx, a, "critical-function", cf)) != 0 ||
	    (code = yesno(ctx, a, "personal-data", pd)) != 0 ||
	    (code = yesno(ctx, a, "dora", dora)) != 0 ||
	    (code = yesno(ctx, a, "nis2", nis2)) != 0 ||
	    (code = yesno(ctx, a, "gdpr", gdpr)) != 0 ||
	    (code = yesno(ctx, a, "art5-5", a55)) != 0 ||
	    (code = yesno(ctx, a, "art5-6", a56)) != 0)
		return code;
	return 0;
}

static int
run_new(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_incident_new in;
	struct work w;
	char ref[FL_INC_REF_MAX];
	int code, ntasks = 0;
	fl_err rc;

	memset(&in, 0, sizeof in);
	in.title = fl_arg(a, "title");
	in.description = fl_arg(a, "description");
	in.category = fl_arg(a, "category");
	in.severity = fl_arg(a, "severity");
	in.entity = fl_arg(a, "entity");
	in.reporter = fl_arg(a, "reporter");
	in.handler = fl_arg(a, "handler");
	in.tlp = fl_arg(a, "tlp");
	in.services = fl_arg(a, "services");
	in.aware = fl_arg(a, "aware");
	in.occurred = fl_arg(a, "occurred");
	in.nassets = fl_arg_multi(a, "asset", &in.assets);
	if ((code = flag_opts(ctx, a, &in.critical_function, &in.personal_data,
			      &in.dora, &in.nis2, &in.gdpr, &in.art5_5,
			      &in.art5_6)) != 0)
		return code;
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_create(ctx->st, &in, w.now, ref, &ntasks, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s\n", ref);
	return 0;
}

static const struct fl_opt set_opts[] = {
	FIELD_OPTS,
	{"root-cause", FL_OPT_VALUE, "TEXT", "the root cause (needed to close)"},
	{"root-cause-type", FL_OPT_VALUE, "TYPE", "malicious-actions, "
	 "process-failure, system-failure, human-error, external-event "
	 "(DORA final report)"},
	{"cause-key", FL_OPT_VALUE, "KEY", "short key of the apparent root cause; "
	 "incidents with the same key recur (DORA RTS Art. 8(2))"},
	{"lessons", FL_OPT_VALUE, "TEXT", "lessons learned (needed to close)"},
	{"at", FL_OPT_VALUE, "TIME", "when a raised severity or a personal-data "
	 "breach became known (default now)"},
	OPT_END
};

static int
run_set(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_incident_set s;
	struct work w;
	int code, changed = 0, ntasks = 0;
	fl_err rc;

	fl_incident_set_init(&s);
	s.title = fl_arg(a, "title");
	s.description = fl_arg(a, "description");
	s.category = fl_arg(a, "category");
	s.severity = fl_arg(a, "severity");
	s.entity = fl_arg(a, "entity");
	s.reporter = fl_arg(a, "reporter");
	s.handler = fl_arg(a, "handler");
	s.tlp = fl_arg(a, "tlp");
	s.services = fl_arg(a, "services");
	s.aware = fl_arg(a, "aware");
	s.occurred = fl_arg(a, "occurred");
	s.root_cause = fl_arg(a, "root-cause");
	s.root_cause_type = fl_arg(a, "root-cause-type");
	s.cause_key = fl_arg(a, "cause-key");
	s.lessons = fl_arg(a, "lessons");
	s.at = fl_arg(a, "at");
	if ((code = flag_opts(ctx, a, &s.critical_function, &s.personal_data,
			      &s.dora, &s.nis2, &s.gdpr, &s.art5_5,
			      &s.art5_6)) != 0)
		return code;
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_set(ctx->st, a->pos[0], &s, w.now, &changed, &ntasks,
			     &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	if (!changed)
		printf("%s: nothing changed\n", a->pos[0]);
	else if (ntasks)
		printf("%s: updated; %d task%s added from the template\n",
		       a->pos[0], ntasks, ntasks == 1 ? "" : "s");
	else
		printf("%s: updated\n", a->pos[0]);
	return 0;
}

/* ---- move, note, event ------------------------------------------------- */

static const struct fl_opt move_opts[] = {
	{"reason", FL_OPT_VALUE, "TEXT", "why (required to skip containment of "
	 "a high or critical incident, and to close straight from triage)"},
	{"at", FL_OPT_VALUE, "TIME", "when it happened (default now)"},
	OPT_END
};

static int
run_move(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct work w;
	int code;
	fl_err rc;

	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_move(ctx->st, a->pos[0], a->pos[1], fl_arg(a, "reason"),
			      fl_arg(a, "at"), w.now, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: %s\n", a->pos[0], a->pos[1]);
	return 0;
}

static const struct fl_opt note_opts[] = {
	{"at", FL_OPT_VALUE, "TIME", "when it happened (back-dating keeps both "
	 "times)"},
	{"decision", FL_OPT_FLAG, NULL, "record a decision rather than a note"},
	OPT_END
};

static int
run_note(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct work w;
	int code;
	fl_err rc;

	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_note(ctx->st, a->pos[0], a->pos[1],
			      fl_flag(a, "decision") ? "decision" : "note",
			      fl_arg(a, "at"), w.now, &ctx->diag);
	return work_end(ctx, &w, rc);
}

static const struct fl_opt event_opts[] = {
	{"at", FL_OPT_VALUE, "TIME", "when it happened (default now)"},
	{"detail", FL_OPT_VALUE, "TEXT", "how, to whom, reference numbers"},
	OPT_END
};

static int
run_event(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct work w;
	int code;
	fl_err rc;

	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_event(ctx->st, a->pos[0], a->pos[1], fl_arg(a, "at"),
			       fl_arg(a, "detail"), w.now, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: %s recorded\n", a->pos[0], a->pos[1]);
	return 0;
}

/* ---- list -------------------------------------------------------------- */

static const struct fl_opt list_opts[] = {
	{"state", FL_OPT_VALUE, "STATE", "only incidents in this state"},
	{"severity", FL_OPT_VALUE, "SEV", "only incidents of this severity"},
	OPT_END
};

static int
run_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	int code;
	fl_err rc;

	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_incident_list(ctx->st, fl_arg(a, "state"), fl_arg(a, "severity"),
			      fl_table_add, &t, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	return print_table(ctx, &t, FL_OK, "ref,title,severity,state,entity,"
			   "handler,major,open_tasks,aware_at");
}

/* ---- the dossier (show, report, export) -------------------------------- */

static void
dossier_init(struct fl_dossier *x)
{
	memset(x, 0, sizeof *x);
	fl_table_init(&x->inc);
	fl_table_init(&x->clocks);
	fl_table_init(&x->cls);
	fl_table_init(&x->recur);
	fl_table_init(&x->tasks);
	fl_table_init(&x->obs);
	fl_table_init(&x->ev);
	fl_table_init(&x->custody);
	fl_table_init(&x->links);
	fl_table_init(&x->timeline);
}

void
fl_dossier_release(struct fl_dossier *x)
{
	fl_table_release(&x->inc);
	fl_table_release(&x->clocks);
	fl_table_release(&x->cls);
	fl_table_release(&x->recur);
	fl_table_release(&x->tasks);
	fl_table_release(&x->obs);
	fl_table_release(&x->ev);
	fl_table_release(&x->custody);
	fl_table_release(&x->links);
	fl_table_release(&x->timeline);
}

fl_err
fl_dossier_load(struct fl_store *st, const char *ref, time_t now,
		struct fl_dossier *x, struct fl_diag *d)
{
	struct fl_table *all[10];
	fl_err rc;
	int k;

	dossier_init(x);
	x->now = now;
	if (fl_incident_ref_norm(ref, x->ref) != 0)
		fl_strlcpy(x->ref, ref ? ref : "", sizeof x->ref);
	rc = fl_incident_show(st, ref, fl_table_add, &x->inc, d);
	if (rc == FL_OK)
		rc = fl_incident_clocks(st, ref, now, -1, fl_table_add, &x->clocks,
					d);
	if (rc == FL_OK)
		rc = fl_incident_classification(st, ref, fl_table_add, &x->cls, d);
	if (rc == FL_OK)
		rc = fl_incident_dora_input(st, ref, &x->din, x->states,
					    &x->classified, d);
	if (rc == FL_OK)
		rc = fl_incident_recurring(st, ref, fl_table_add, &x->recur,
					   &x->group, d);
	if (rc == FL_OK)
		rc = fl_incident_tasks(st, ref, now, fl_table_add, &x->tasks, d);
	if (rc == FL_OK)
		rc = fl_incident_observables(st, ref, fl_table_add, &x->obs, d);
	if (rc == FL_OK)
		rc = fl_incident_evidence(st, ref, fl_table_add, &x->ev, d);
	if (rc == FL_OK)
		rc = fl_incident_custody(st, ref, fl_table_add, &x->custody, d);
	if (rc == FL_OK)
		rc = fl_incident_links(st, ref, fl_table_add, &x->links, d);
	if (rc == FL_OK)
		rc = fl_incident_timeline(st, ref, fl_table_add, &x->timeline, d);
	all[0] = &x->inc;
	all[1] = &x->clocks;
	all[2] = &x->cls;
	all[3] = &x->recur;
	all[4] = &x->tasks;
	all[5] = &x->obs;
	all[6] = &x->ev;
	all[7] = &x->custody;
	all[8] = &x->links;
	all[9] = &x->timeline;
	for (k = 0; rc == FL_OK && k < 10; k++)
		if (all[k]->err)
			rc = all[k]->err;
	if (rc == FL_OK && x->inc.nrows != 1)
		rc = FL_E_INTERNAL;
	return rc;
}

const char *
fl_dossier_get(const struct fl_dossier *x, const char *name)
{
	return x->inc.nrows ? fl_table_cell(&x->inc, 0, name) : NULL;
}

void
fl_dossier_json_table(struct fl_json *j, struct fl_table *t)
{
	size_t r;
	int c;

	fl_json_arr_open(j);
	for (r = 0; r < t->nrows; r++) {
		fl_json_obj_open(j);
		for (c = 0; c < t->ncol; c++) {
			char key[128];
			size_t n = strlen(t->names[c]);

			fl_strlcpy(key, t->names[c], sizeof key);
			if (fl_cli_is_json_name(key) && n - 5 < sizeof key)
				key[n - 5] = '\0';
			fl_json_key(j, key);
			fl_table_json_cell(j, t, c, t->rows[r][c]);
		}
		fl_json_obj_close(j);
	}
	fl_json_arr_close(j);
}

/* ---- show -------------------------------------------------------------- */

static const char *
dash(const char *s)
{
	return s && *s ? s : "-";
}

static void
heading(const char *h, size_t n)
{
	printf("\n%s (%zu)\n", h, n);
}

static int
print_sub(struct fl_ctx *ctx, struct fl_table *t, const char *cols)
{
	int json = ctx->json, code;

	ctx->json = 0;
	flatten(t);
	code = t->nrows ? fl_table_print(ctx, t, cols) : 0;
	ctx->json = json;
	return code;
}

static void
print_regimes(const struct fl_dossier *x)
{
	const char *v;
	int n = 0;

	printf("%-12s", "regimes");
	if ((v = fl_dossier_get(x, "dora_json")) && strcmp(v, "true") == 0) {
		const char *maj = fl_dossier_get(x, "major_json");

		printf(" DORA%s", maj && strcmp(maj, "true") == 0
					  ? " (major)" : " (not major)");
		n++;
	}
	if ((v = fl_dossier_get(x, "nis2_json")) && strcmp(v, "true") == 0) {
		printf("%s NIS2", n++ ? "," : "");
	}
	if ((v = fl_dossier_get(x, "gdpr_json")) && strcmp(v, "true") == 0) {
		printf("%s GDPR", n++ ? "," : "");
	}
	printf("%s internal\n", n ? "," : "");
}

static void
print_classification(const struct fl_dossier *x)
{
	const char *fired, *maj;
	int c;

	if (x->cls.nrows == 0) {
		printf("\nDORA classification: none recorded (incident classify)\n");
		return;
	}
	fired = fl_table_cell(&x->cls, 0, "fired");
	maj = fl_table_cell(&x->cls, 0, "major_json");
	printf("\nDORA classification (%s by %s): %s\n",
	       dash(fl_table_cell(&x->cls, 0, "classified_at")),
	       dash(fl_table_cell(&x->cls, 0, "classified_by")),
	       maj && strcmp(maj, "true") == 0 ? "MAJOR" : "not major");
	for (c = 0; c < FL_DORA_NCRITERIA; c++) {
		const char *nm = fl_dora_criterion_name((enum fl_dora_criterion)c);
		int met = 0;
		const char *p = fired;
		size_t n = strlen(nm);

		while (p && *p) {
			if (strncmp(p, nm, n) == 0 && (p[n] == ',' || p[n] == '\0' ||
						       p[n] == ' ')) {
				met = 1;
				break;
			}
			p = strchr(p, ',');
			if (p)
				p++;
			while (p && *p == ' ')
				p++;
		}
		printf("  %-18s %-14s %s\n", nm,
		       fl_dora_criterion_article((enum fl_dora_criterion)c),
		       met ? "met" : "-");
	}
	printf("  %s\n", dash(fl_table_cell(&x->cls, 0, "reason")));
}

static void
print_recurring(const struct fl_dossier *x)
{
	size_t r;
	char fired[FL_DORA_LIST_MAX];

	if (x->recur.nrows == 0)
		return;
	fl_dora_fired_list(x->group.fired, fired, sizeof fired);
	printf("\nrecurring incidents (same cause key, within 6 months) are "
	       "together MAJOR (RTS Art. 8(2); criteria met: %s):\n", fired);
	for (r = 0; r < x->recur.nrows; r++)
		printf("  %s  %s  %s\n", dash(fl_table_cell(&x->recur, r, "ref")),
		       dash(fl_table_cell(&x->recur, r, "aware_at")),
		       dash(fl_table_cell(&x->recur, r, "title")));
	printf("  offered for aggregation: report them as one major incident\n");
}

static void
print_timeline(const struct fl_dossier *x)
{
	size_t r;

	heading("timeline", x->timeline.nrows);
	for (r = 0; r < x->timeline.nrows; r++) {
		const char *at = fl_table_cell(&x->timeline, r, "at");
		const char *rec = fl_table_cell(&x->timeline, r, "recorded_at");

		printf("  %s  %-14s %-12s %s", dash(at),
		       dash(fl_table_cell(&x->timeline, r, "kind")),
		       dash(fl_table_cell(&x->timeline, r, "author")),
		       dash(fl_table_cell(&x->timeline, r, "text")));
		if (at && rec && strcmp(at, rec) != 0)
			printf("  [recorded %s]", rec);
		printf("\n");
	}
}

static int
show_json(struct fl_ctx *ctx, struct fl_dossier *x)
{
	struct fl_buf b;
	struct fl_json j;
	char fired[FL_DORA_LIST_MAX];
	int c, code;

	fl_buf_init(&b, 0);
	fl_json_init(&j, &b, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "incident");
	fl_json_obj_open(&j);
	for (c = 0; c < x->inc.ncol; c++) {
		char key[128];
		size_t n = strlen(x->inc.names[c]);

		fl_strlcpy(key, x->inc.names[c], sizeof key);
		if (fl_cli_is_json_name(key) && n - 5 < sizeof key)
			key[n - 5] = '\0';
		fl_json_key(&j, key);
		fl_table_json_cell(&j, &x->inc, c, x->inc.rows[0][c]);
	}
	fl_json_obj_close(&j);
	fl_json_key(&j, "clocks");
	fl_dossier_json_table(&j, &x->clocks);
	fl_json_key(&j, "classification");
	if (x->cls.nrows) {
		struct fl_table *t = &x->cls;

		fl_json_obj_open(&j);
		for (c = 0; c < t->ncol; c++) {
			char key[128];
			size_t n = strlen(t->names[c]);

			fl_strlcpy(key, t->names[c], sizeof key);
			if (fl_cli_is_json_name(key) && n - 5 < sizeof key)
				key[n - 5] = '\0';
			fl_json_key(&j, key);
			fl_table_json_cell(&j, t, c, t->rows[0][c]);
		}
		fl_json_obj_close(&j);
	} else {
		fl_json_null(&j);
	}
	fl_json_key(&j, "recurring");
	fl_dossier_json_table(&j, &x->recur);
	fl_json_key(&j, "recurring_criteria");
	fl_dora_fired_list(x->group.fired, fired, sizeof fired);
	fl_json_str(&j, fired);
	fl_json_key(&j, "tasks");
	fl_dossier_json_table(&j, &x->tasks);
	fl_json_key(&j, "observables");
	fl_dossier_json_table(&j, &x->obs);
	fl_json_key(&j, "evidence");
	fl_dossier_json_table(&j, &x->ev);
	fl_json_key(&j, "custody");
	fl_dossier_json_table(&j, &x->custody);
	fl_json_key(&j, "links");
	fl_dossier_json_table(&j, &x->links);
	fl_json_key(&j, "timeline");
	fl_dossier_json_table(&j, &x->timeline);
	fl_json_obj_close(&j);
	fl_buf_putc(&b, '\n');
	code = write_out(NULL, &b);
	fl_buf_release(&b);
	return code;
}

static int
run_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_dossier x;
	struct work w;
	const char *v;
	int code;
	fl_err rc;

	(void)a;
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_dossier_load(ctx->st, a->pos[0], w.now, &x, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_dossier_release(&x);
		return code;
	}
	if (ctx->json) {
		code = show_json(ctx, &x);
		fl_dossier_release(&x);
		return code;
	}
	printf("%s  %s\n", x.ref, dash(fl_dossier_get(&x, "title")));
	printf("%-12s %s (since %s)\n", "state", dash(fl_dossier_get(&x, "state")),
	       dash(fl_dossier_get(&x, fl_dossier_get(&x, "closed_at") ? "closed_at"
					: fl_dossier_get(&x, "recovered_at") ? "recovered_at"
					: fl_dossier_get(&x, "eradicated_at") ? "eradicated_at"
					: fl_dossier_get(&x, "contained_at") ? "contained_at"
					: fl_dossier_get(&x, "triaged_at") ? "triaged_at"
					: "detected_at")));
	printf("%-12s %s   category %s   TLP:%s\n", "severity",
	       dash(fl_dossier_get(&x, "severity")),
	       dash(fl_dossier_get(&x, "category")), dash(fl_dossier_get(&x, "tlp")));
	printf("%-12s %s%s%s%s\n", "entity", dash(fl_dossier_get(&x, "entity")),
	       fl_dossier_get(&x, "entity_name") ? " (" : "",
	       fl_dossier_get(&x, "entity_name") ? fl_dossier_get(&x, "entity_name") : "",
	       fl_dossier_get(&x, "entity_name") ? ")" : "");
	printf("%-12s %s\n", "handler", dash(fl_dossier_get(&x, "handler_email")));
	printf("%-12s %s\n", "reporter", dash(fl_dossier_get(&x, "reporter_email")));
	printf("%-12s %s   occurred %s\n", "aware", dash(fl_dossier_get(&x, "aware_at")),
	       dash(fl_dossier_get(&x, "occurred_at")));
	print_regimes(&x);
	v = fl_dossier_get(&x, "critical_function_json");
	printf("%-12s %s%s\n", "services", dash(fl_dossier_get(&x, "services")),
	       v && strcmp(v, "true") == 0 ? " (critical or important function)" : "");
	if ((v = fl_dossier_get(&x, "containment_skip_reason")))
		printf("%-12s %s\n", "no contain", v);
	if ((v = fl_dossier_get(&x, "close_reason")))
		printf("%-12s %s\n", "closed as", v);
	printf("%-12s %s%s%s%s\n", "root cause", dash(fl_dossier_get(&x, "root_cause")),
	       fl_dossier_get(&x, "root_cause_type") ? " [" : "",
	       fl_dossier_get(&x, "root_cause_type") ? fl_dossier_get(&x, "root_cause_type") : "",
	       fl_dossier_get(&x, "root_cause_type") ? "]" : "");
	if ((v = fl_dossier_get(&x, "cause_key")))
		printf("%-12s %s\n", "cause key", v);
	printf("%-12s %s\n", "lessons", dash(fl_dossier_get(&x, "lessons_learned")));
	if ((v = fl_dossier_get(&x, "description")))
		printf("\n%s\n", v);

	heading("clocks", x.clocks.nrows);
	code = print_sub(ctx, &x.clocks, "regime,clock,status,start,deadline,"
			 "time_left,done");
	print_classification(&x);
	print_recurring(&x);
	heading("tasks", x.tasks.nrows);
	if (code == 0)
		code = print_sub(ctx, &x.tasks, "num,status,due,owner,title");
	heading("observables", x.obs.nrows);
	if (code == 0)
		code = print_sub(ctx, &x.obs, "type,value,tlp,other_incidents");
	heading("evidence", x.ev.nrows);
	if (code == 0)
		code = print_sub(ctx, &x.ev, "id,name,sha256,size,holder,location");
	heading("custody", x.custody.nrows);
	if (code == 0)
		code = print_sub(ctx, &x.custody, "evidence,at,from,to,purpose");
	heading("links", x.links.nrows);
	if (code == 0)
		code = print_sub(ctx, &x.links, "kind,key,title");
	print_timeline(&x);
	fl_dossier_release(&x);
	return code;
}

/* ---- tasks ------------------------------------------------------------- */

static const struct fl_opt task_opts[] = {
	{"owner", FL_OPT_VALUE, "PERSON", "add: who does it"},
	{"due", FL_OPT_VALUE, "TIME|SPAN", "add: due time, or a span from now "
	 "(4h, 2d)"},
	{"at", FL_OPT_VALUE, "TIME", "done: when it was done (default now)"},
	{"cancel", FL_OPT_FLAG, NULL, "done: cancelled rather than done"},
	OPT_END
};

static int
run_task(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *act = a->pos[0];
	struct fl_table t;
	struct work w;
	long num = 0;
	int code;
	fl_err rc;

	if (strcmp(act, "add") == 0) {
		if (a->npos != 3)
			return fl_cli_usage(ctx, "usage: incident task add ID TITLE");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		rc = fl_incident_task_add(ctx->st, a->pos[1], a->pos[2],
					  fl_arg(a, "owner"), fl_arg(a, "due"),
					  w.now, &num, &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0)
			return code;
		printf("%ld\n", num);
		return 0;
	}
	if (strcmp(act, "done") == 0) {
		if (a->npos != 3 || fl_parse_long(a->pos[2], 1, LONG_MAX, &num) != 0)
			return fl_cli_usage(ctx, "usage: incident task done ID N");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		rc = fl_incident_task_done(ctx->st, a->pos[1], num,
					   fl_flag(a, "cancel"), fl_arg(a, "at"),
					   w.now, &ctx->diag);
		return work_end(ctx, &w, rc);
	}
	if (strcmp(act, "list") == 0) {
		if (a->npos != 2)
			return fl_cli_usage(ctx, "usage: incident task list ID");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		fl_table_init(&t);
		rc = fl_incident_tasks(ctx->st, a->pos[1], w.now, fl_table_add, &t,
				       &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0) {
			fl_table_release(&t);
			return code;
		}
		return print_table(ctx, &t, FL_OK, "num,status,due,owner,overdue,"
				   "title");
	}
	return fl_cli_usage(ctx, "unknown task action '%s' (add, done, list)", act);
}

/* ---- observables ------------------------------------------------------- */

static const struct fl_opt obs_opts[] = {
	{"tlp", FL_OPT_VALUE, "MARK", "add: the marking of this sighting "
	 "(default: the incident's)"},
	OPT_END
};

static int
run_observable(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *act = a->pos[0];
	struct fl_table t;
	struct work w;
	int code, fresh = 0;
	fl_err rc;

	if (strcmp(act, "add") == 0) {
		if (a->npos != 4)
			return fl_cli_usage(ctx, "usage: incident observable add ID "
					    "TYPE VALUE");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		rc = fl_incident_observable_add(ctx->st, a->pos[1], a->pos[2],
						a->pos[3], fl_arg(a, "tlp"), w.now,
						&fresh, &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0)
			return code;
		printf("%s: observable %s added%s\n", a->pos[1], a->pos[2],
		       fresh ? "" : " (seen before)");
		return 0;
	}
	if (strcmp(act, "list") == 0) {
		if (a->npos != 2)
			return fl_cli_usage(ctx, "usage: incident observable list ID");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		fl_table_init(&t);
		rc = fl_incident_observables(ctx->st, a->pos[1], fl_table_add, &t,
					     &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0) {
			fl_table_release(&t);
			return code;
		}
		return print_table(ctx, &t, FL_OK, NULL);
	}
	return fl_cli_usage(ctx, "unknown observable action '%s' (add, list)",
			    act);
}

static const struct fl_opt search_opts[] = {
	{"observable", FL_OPT_VALUE, "VALUE", "the value to look for (any "
	 "spelling: defanged, upper case, any IPv6 form)"},
	{"type", FL_OPT_VALUE, "TYPE", "only observables of this type"},
	OPT_END
};

static int
run_search(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	const char *v = fl_arg(a, "observable");
	int code;
	fl_err rc;

	if (v == NULL)
		return fl_cli_usage(ctx, "'incident search' needs --observable VALUE");
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_incident_observable_search(ctx->st, v, fl_arg(a, "type"),
					   fl_table_add, &t, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	return print_table(ctx, &t, FL_OK, "incident,state,severity,type,value,tlp,"
			   "title");
}

/* ---- evidence ---------------------------------------------------------- */

static const struct fl_opt ev_opts[] = {
	{"by", FL_OPT_VALUE, "PERSON", "add: who collected it"},
	{"location", FL_OPT_VALUE, "TEXT", "add: where it is kept; handover: "
	 "where it goes (optional)"},
	{"description", FL_OPT_VALUE, "TEXT", "add: what it is"},
	{"to", FL_OPT_VALUE, "PERSON", "handover: the recipient"},
	{"purpose", FL_OPT_VALUE, "TEXT", "handover: why it changes hands"},
	{"at", FL_OPT_VALUE, "TIME", "add, handover: when (default now)"},
	OPT_END
};

static int
run_evidence(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *act = a->pos[0];
	struct fl_evidence_in in;
	struct fl_table t;
	struct work w;
	char sha[65];
	long long id = 0, size = 0;
	long bad = 0, evid;
	int code;
	fl_err rc;

	if (strcmp(act, "add") == 0) {
		if (a->npos != 3)
			return fl_cli_usage(ctx, "usage: incident evidence add ID FILE "
					    "--by PERSON --location TEXT");
		memset(&in, 0, sizeof in);
		in.file = a->pos[2];
		in.by = fl_arg(a, "by");
		in.location = fl_arg(a, "location");
		in.description = fl_arg(a, "description");
		in.at = fl_arg(a, "at");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		rc = fl_incident_evidence_add(ctx->st, a->pos[1], &in, w.now, &id,
					      sha, &size, &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0)
			return code;
		printf("evidence %lld: sha256 %s, %lld bytes\n", id, sha, size);
		return 0;
	}
	if (strcmp(act, "handover") == 0) {
		if (a->npos != 3 || fl_parse_long(a->pos[2], 1, LONG_MAX, &evid) != 0)
			return fl_cli_usage(ctx, "usage: incident evidence handover ID "
					    "EVIDENCE --to PERSON --purpose TEXT");
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		rc = fl_incident_evidence_handover(ctx->st, a->pos[1], evid,
						   fl_arg(a, "to"),
						   fl_arg(a, "purpose"),
						   fl_arg(a, "location"),
						   fl_arg(a, "at"), w.now,
						   &ctx->diag);
		return work_end(ctx, &w, rc);
	}
	if (strcmp(act, "verify") == 0 || strcmp(act, "list") == 0) {
		int verify = act[0] == 'v';

		if (a->npos != 2)
			return fl_cli_usage(ctx, "usage: incident evidence %s ID", act);
		if ((code = work_begin(ctx, &w)) != 0)
			return code;
		fl_table_init(&t);
		rc = verify ? fl_incident_evidence_verify(ctx->st, a->pos[1], w.now,
							  &bad, fl_table_add, &t,
							  &ctx->diag)
			    : fl_incident_evidence(ctx->st, a->pos[1],
						   fl_table_add, &t, &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0) {
			fl_table_release(&t);
			return code;
		}
		code = print_table(ctx, &t, FL_OK, verify ? "id,name,result,sha256,"
				   "now_sha256" : "id,name,sha256,size,holder,"
				   "location,collected_at");
		if (code == 0 && verify && bad > 0) {
			fprintf(stderr, "firstline: %ld evidence item%s failed "
				"verification\n", bad, bad == 1 ? "" : "s");
			return FL_EX_DATA;
		}
		return code;
	}
	return fl_cli_usage(ctx, "unknown evidence action '%s' (add, handover, "
			    "verify, list)", act);
}

/* ---- classify ---------------------------------------------------------- */

static const struct fl_opt classify_opts[] = {
	{"clients", FL_OPT_VALUE, "N", "affected clients (Art. 9(1)(b): > 100 000)"},
	{"clients-share", FL_OPT_VALUE, "PCT", "affected clients, % of the "
	 "service's clients (Art. 9(1)(a): > 10)"},
	{"counterparts-share", FL_OPT_VALUE, "PCT", "affected financial "
	 "counterparts, % (Art. 9(1)(c): > 30)"},
	{"tx-count-share", FL_OPT_VALUE, "PCT", "affected transactions, % of the "
	 "daily average number (Art. 9(1)(d): > 10)"},
	{"tx-value-share", FL_OPT_VALUE, "PCT", "their value, % of the daily "
	 "average value (Art. 9(1)(e): > 10)"},
	{"relevant-affected", FL_OPT_FLAG, NULL, "relevant clients or "
	 "counterparts affected (Art. 9(1)(f))"},
	{"media", FL_OPT_FLAG, NULL, "reflected in the media (Art. 2(1)(a))"},
	{"complaints", FL_OPT_FLAG, NULL, "repetitive complaints (Art. 2(1)(b))"},
	{"regulatory", FL_OPT_FLAG, NULL, "regulatory requirements (likely) not "
	 "met (Art. 2(1)(c))"},
	{"client-loss", FL_OPT_FLAG, NULL, "clients or counterparts (likely) "
	 "lost, material impact (Art. 2(1)(d))"},
	{"duration", FL_OPT_VALUE, "HOURS", "duration (Art. 9(3)(a): > 24)"},
	{"downtime", FL_OPT_VALUE, "HOURS", "downtime of services supporting "
	 "critical functions (Art. 9(3)(b): > 2)"},
	{"member-states", FL_OPT_VALUE, "N", "Member States with an impact, own "
	 "included (Art. 9(4): >= 2)"},
	{"states", FL_OPT_VALUE, "CODES", "those Member States by code (DE,FR)"},
	{"data-availability", FL_OPT_FLAG, NULL, "data made unavailable (Art. 5(a))"},
	{"data-authenticity", FL_OPT_FLAG, NULL, "authenticity affected (Art. 5(b))"},
	{"data-integrity", FL_OPT_FLAG, NULL, "data modified (Art. 5(c))"},
	{"data-confidentiality", FL_OPT_FLAG, NULL, "data disclosed (Art. 5(d))"},
	{"data-adverse", FL_OPT_FLAG, NULL, "the data impact harms business "
	 "objectives or compliance (Art. 9(5)(a))"},
	{"critical-functions", FL_OPT_FLAG, NULL, "services supporting critical "
	 "or important functions affected (Art. 6(a))"},
	{"supervised-services", FL_OPT_FLAG, NULL, "authorised or supervised "
	 "financial services affected (Art. 6(b))"},
	{"malicious-access", FL_OPT_FLAG, NULL, "successful malicious "
	 "unauthorised access (Art. 6(c))"},
	{"access-data-loss", FL_OPT_FLAG, NULL, "that access may result in data "
	 "losses (Art. 9(5)(b): major alone)"},
	{"cost-direct", FL_OPT_VALUE, "EUR", "direct costs and losses (Art. 7)"},
	{"cost-indirect", FL_OPT_VALUE, "EUR", "indirect costs and losses; "
	 "summed (Art. 9(6): > 100 000)"},
	{"at", FL_OPT_VALUE, "TIME", "when the classification was made (default "
	 "now)"},
	{"fresh", FL_OPT_FLAG, NULL, "start from nothing instead of the latest "
	 "classification's inputs"},
	OPT_END
};

static int
num_opt(struct fl_ctx *ctx, const struct fl_args *a, const char *name,
	double *out)
{
	const char *v = fl_arg(a, name);
	char *end;
	double x;

	if (v == NULL)
		return 0;
	x = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || x != x)
		return fl_cli_usage(ctx, "--%s takes a number, not '%s'", name, v);
	*out = x;
	return 0;
}

static void
flag_into(const struct fl_args *a, const char *name, int *out)
{
	if (fl_flag(a, name))
		*out = 1;
}

static void
json_criteria(struct fl_json *j, unsigned fired)
{
	int c;

	fl_json_arr_open(j);
	for (c = 0; c < FL_DORA_NCRITERIA; c++) {
		fl_json_obj_open(j);
		fl_json_key(j, "criterion");
		fl_json_str(j, fl_dora_criterion_name((enum fl_dora_criterion)c));
		fl_json_key(j, "article");
		fl_json_str(j, fl_dora_criterion_article((enum fl_dora_criterion)c));
		fl_json_key(j, "met");
		fl_json_bool(j, (fired & FL_DORA_BIT(c)) != 0);
		fl_json_obj_close(j);
	}
	fl_json_arr_close(j);
}

static int
run_classify(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_dora_input in;
	struct fl_dora_result res, group;
	struct fl_table rec, inc;
	struct work w;
	char codes[64], fired[FL_DORA_LIST_MAX], norm[FL_INC_REF_MAX];
	const char *states = fl_arg(a, "states");
	double v;
	long n;
	int code, found = 0, became = 0, c;
	fl_err rc;

	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_dora_input(ctx->st, a->pos[0], &in, codes, &found,
				    &ctx->diag);
	if (rc != FL_OK)
		return work_end(ctx, &w, rc);
	if (fl_flag(a, "fresh")) {
		memset(&in, 0, sizeof in);
		codes[0] = '\0';
	}
	if (fl_arg(a, "clients")) {
		if (fl_parse_long(fl_arg(a, "clients"), 0, LONG_MAX, &n) != 0) {
			work_abort(ctx, &w);
			return fl_cli_usage(ctx, "--clients takes a whole number");
		}
		in.clients = n;
	}
	if (fl_arg(a, "member-states")) {
		if (fl_parse_long(fl_arg(a, "member-states"), 0, 100, &n) != 0) {
			work_abort(ctx, &w);
			return fl_cli_usage(ctx, "--member-states takes a number");
		}
		in.member_states = (int)n;
	}
#define NUM(name, field) \
	do { \
		v = in.field; \
		if ((code = num_opt(ctx, a, name, &v)) != 0) { \
			work_abort(ctx, &w); \
			return code; \
		} \
		in.field = v; \
	} while (0)
	NUM("clients-share", clients_pct);
	NUM("counterparts-share", counterparts_pct);
	NUM("tx-count-share", tx_count_pct);
	NUM("tx-value-share", tx_value_pct);
	NUM("duration", duration_h);
	NUM("downtime", downtime_h);
	NUM("cost-direct", cost_direct_eur);
	NUM("cost-indirect", cost_indirect_eur);
#undef NUM
	flag_into(a, "relevant-affected", &in.relevant_affected);
	flag_into(a, "media", &in.rep_media);
	flag_into(a, "complaints", &in.rep_complaints);
	flag_into(a, "regulatory", &in.rep_regulatory);
	flag_into(a, "client-loss", &in.rep_client_loss);
	flag_into(a, "data-availability", &in.data_availability);
	flag_into(a, "data-authenticity", &in.data_authenticity);
	flag_into(a, "data-integrity", &in.data_integrity);
	flag_into(a, "data-confidentiality", &in.data_confidentiality);
	flag_into(a, "data-adverse", &in.data_adverse);
	flag_into(a, "critical-functions", &in.crit_functions);
	flag_into(a, "supervised-services", &in.crit_supervised);
	flag_into(a, "malicious-access", &in.malicious_access);
	flag_into(a, "access-data-loss", &in.access_data_loss);
	/* the recorded codes stay unless new ones are given */
	if (states == NULL && codes[0])
		states = codes;
	in.member_state_set = 0;
	rc = fl_incident_classify(ctx->st, a->pos[0], &in, states,
				  fl_arg(a, "at"), w.now, &res, &became,
				  &ctx->diag);
	fl_table_init(&rec);
	fl_table_init(&inc);
	memset(&group, 0, sizeof group);
	if (rc == FL_OK)
		rc = fl_incident_recurring(ctx->st, a->pos[0], fl_table_add, &rec,
					   &group, &ctx->diag);
	if (rc == FL_OK)
		rc = fl_incident_show(ctx->st, a->pos[0], fl_table_add, &inc,
				      &ctx->diag);
	if (rc == FL_OK && (rec.err || inc.err))
		rc = FL_E_NOMEM;
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&rec);
		fl_table_release(&inc);
		return code;
	}
	if (fl_incident_ref_norm(a->pos[0], norm) != 0)
		fl_strlcpy(norm, a->pos[0], sizeof norm);
	fl_dora_fired_list(res.fired, fired, sizeof fired);
	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;
		char gf[FL_DORA_LIST_MAX];

		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "incident");
		fl_json_str(&j, norm);
		fl_json_key(&j, "major");
		fl_json_bool(&j, res.major);
		fl_json_key(&j, "became_major");
		fl_json_bool(&j, became);
		fl_json_key(&j, "reason");
		fl_json_str(&j, res.reason ? res.reason : "");
		fl_json_key(&j, "fired");
		fl_json_arr_open(&j);
		for (c = 0; c < FL_DORA_NCRITERIA; c++)
			if (res.fired & FL_DORA_BIT(c))
				fl_json_str(&j, fl_dora_criterion_name(
							(enum fl_dora_criterion)c));
		fl_json_arr_close(&j);
		fl_json_key(&j, "criteria");
		json_criteria(&j, res.fired);
		fl_json_key(&j, "classified_major_at");
		if (inc.nrows && fl_table_cell(&inc, 0, "classified_major_at"))
			fl_json_str(&j, fl_table_cell(&inc, 0, "classified_major_at"));
		else
			fl_json_null(&j);
		fl_json_key(&j, "recurring");
		fl_dossier_json_table(&j, &rec);
		fl_json_key(&j, "recurring_criteria");
		fl_dora_fired_list(group.fired, gf, sizeof gf);
		fl_json_str(&j, gf);
		fl_json_obj_close(&j);
		fl_buf_putc(&b, '\n');
		code = write_out(NULL, &b);
		fl_buf_release(&b);
	} else {
		size_t r;

		printf("%s: %s (Delegated Regulation (EU) 2024/1772 Art. 8(1))\n",
		       norm, res.major ? "MAJOR ICT-related incident" : "not major");
		printf("  %s\n", res.reason ? res.reason : "");
		for (c = 0; c < FL_DORA_NCRITERIA; c++)
			printf("  %-18s %-14s %s\n",
			       fl_dora_criterion_name((enum fl_dora_criterion)c),
			       fl_dora_criterion_article((enum fl_dora_criterion)c),
			       res.fired & FL_DORA_BIT(c) ? "met" : "-");
		if (became)
			printf("classified as major at %s: the DORA clocks start\n",
			       dash(fl_table_cell(&inc, 0, "classified_major_at")));
		if (rec.nrows) {
			printf("recurring with the same cause key within 6 months, "
			       "together major (RTS Art. 8(2)); offered for "
			       "aggregation:\n");
			for (r = 0; r < rec.nrows; r++)
				printf("  %s  %s\n", dash(fl_table_cell(&rec, r, "ref")),
				       dash(fl_table_cell(&rec, r, "title")));
		}
		code = 0;
	}
	if (inc.nrows && res.major) {
		const char *dora = fl_table_cell(&inc, 0, "dora_json");

		if (dora && strcmp(dora, "false") == 0)
			fprintf(stderr, "firstline: DORA does not apply to %s: no DORA "
				"clocks run (incident set %s --dora yes)\n", norm,
				norm);
	}
	fl_table_release(&rec);
	fl_table_release(&inc);
	return code;
}

/* ---- link -------------------------------------------------------------- */

static const struct fl_opt link_opts[] = {
	{"risk", FL_OPT_MULTI, "REF", "a risk of the register (R-0004)"},
	{"finding", FL_OPT_MULTI, "N", "a scanner finding (12 or F-12)"},
	{"asset", FL_OPT_MULTI, "ASSET", "an asset (name, hostname or IP)"},
	OPT_END
};

static int
run_link(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *const *risks, *const *findings, *const *assets;
	int nr = fl_arg_multi(a, "risk", &risks);
	int nf = fl_arg_multi(a, "finding", &findings);
	int na = fl_arg_multi(a, "asset", &assets);
	struct work w;
	long added = 0;
	int code;
	fl_err rc;

	if (nr + nf + na == 0)
		return fl_cli_usage(ctx, "'incident link' needs --risk, --finding or "
				    "--asset");
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_incident_link(ctx->st, a->pos[0], risks, nr, findings, nf, assets,
			      na, &added, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: %ld link%s added\n", a->pos[0], added, added == 1 ? "" : "s");
	return 0;
}

/* ---- clocks ------------------------------------------------------------ */

static const struct fl_opt clocks_opts[] = {
	{"due-within", FL_OPT_VALUE, "SPAN", "only clocks due within this span "
	 "(30m, 4h, 2d) or already breached"},
	OPT_END
};

static int
run_clocks(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	long long within = -1;
	const char *dw = fl_arg(a, "due-within");
	int code;
	fl_err rc;

	if (dw && fl_incident_parse_span(dw, &within) != 0)
		return fl_cli_usage(ctx, "--due-within takes a span: 30m, 4h, 2d");
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_incident_clocks(ctx->st, a->npos ? a->pos[0] : NULL, w.now, within,
				fl_table_add, &t, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	return print_table(ctx, &t, FL_OK, "incident,severity,regime,clock,status,"
			   "deadline,time_left,elapsed_pct");
}

static const struct fl_opt rules_opts[] = {
	{"set", FL_OPT_VALUE, "FILE", "use the clock rules in FILE (format of "
	 "data/clocks.conf)"},
	{"default", FL_OPT_FLAG, NULL, "return to the shipped rules"},
	OPT_END
};

static int
run_rules(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_clock_set *set;
	struct fl_buf b;
	const char *path = fl_arg(a, "set");
	char *text = NULL;
	int code;
	fl_err rc;

	if (path && fl_flag(a, "default"))
		return fl_cli_usage(ctx, "--set and --default exclude each other");
	if (path == NULL && !fl_flag(a, "default")) {
		if ((rc = fl_store_setting_get(ctx->st, "clock_rules", &text)) != FL_OK)
			return fl_cli_fail(ctx, rc);
		fputs(text ? text : fl_data_text("clocks.conf"), stdout);
		free(text);
		return 0;
	}
	if ((set = malloc(sizeof *set)) == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	fl_buf_init(&b, (size_t)FL_CLOCK_TEXT_MAX + 1);
	rc = FL_OK;
	if (path) {
		rc = fl_buf_read_file(&b, path, &ctx->diag);
		if (rc == FL_E_LIMIT)
			rc = fl_diag_set(&ctx->diag, FL_E_LIMIT, path, 0, 0, "clock "
					 "rules are larger than %d bytes",
					 FL_CLOCK_TEXT_MAX);
		if (rc == FL_OK)
			rc = fl_clocks_parse(fl_buf_str(&b), b.len, path, set,
					     &ctx->diag);
	}
	free(set);
	if (rc != FL_OK) {
		fl_buf_release(&b);
		return fl_cli_fail(ctx, rc);
	}
	if ((rc = fl_store_begin(ctx->st)) != FL_OK) {
		fl_buf_release(&b);
		return fl_cli_fail(ctx, rc);
	}
	rc = fl_incident_clock_rules_set(ctx->st, path ? fl_buf_str(&b) : NULL,
					 &ctx->diag);
	fl_buf_release(&b);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	printf("clock rules: %s\n", path ? path : "the shipped data/clocks.conf");
	return 0;
}

/* ---- report, export ---------------------------------------------------- */

static const struct fl_opt report_opts[] = {
	{"format", FL_OPT_VALUE, "md|html", "Markdown (default) or HTML"},
	{"output", FL_OPT_VALUE, "FILE", "write to FILE instead of stdout (also -o FILE)"},
	OPT_END
};

static int
run_report(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_dossier x;
	struct fl_buf b;
	struct work w;
	const char *fmt = fl_arg(a, "format");
	int code;
	fl_err rc;

	if (fmt == NULL)
		fmt = "md";
	if (strcmp(fmt, "md") != 0 && strcmp(fmt, "html") != 0)
		return fl_cli_usage(ctx, "--format is md or html");
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_dossier_load(ctx->st, a->pos[0], w.now, &x, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_dossier_release(&x);
		return code;
	}
	fl_buf_init(&b, 0);
	rc = fl_incident_report_write(&x, fmt, &b);
	fl_dossier_release(&x);
	code = rc == FL_OK ? write_out(fl_arg(a, "output"), &b)
			   : fl_cli_fail(ctx, rc);
	fl_buf_release(&b);
	return code;
}

static const struct fl_opt export_opts[] = {
	{"dora", FL_OPT_FLAG, NULL, "the DORA reporting template (required)"},
	{"stage", FL_OPT_VALUE, "STAGE", "initial, intermediate or final "
	 "(default: the report the incident is at)"},
	{"output", FL_OPT_VALUE, "FILE", "write to FILE instead of stdout (also -o FILE)"},
	OPT_END
};

static int
run_export(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_dossier x;
	struct fl_buf b;
	struct work w;
	const char *stage = fl_arg(a, "stage");
	int code;
	fl_err rc;

	if (!fl_flag(a, "dora"))
		return fl_cli_usage(ctx, "'incident export' needs --dora (the one "
				    "template it writes)");
	if (stage && strcmp(stage, "initial") != 0 &&
	    strcmp(stage, "intermediate") != 0 && strcmp(stage, "final") != 0)
		return fl_cli_usage(ctx, "--stage is initial, intermediate or final");
	if ((code = work_begin(ctx, &w)) != 0)
		return code;
	rc = fl_dossier_load(ctx->st, a->pos[0], w.now, &x, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_dossier_release(&x);
		return code;
	}
	fl_buf_init(&b, 0);
	rc = fl_incident_export_dora(&x, stage, &b, &ctx->diag);
	fl_dossier_release(&x);
	code = rc == FL_OK ? write_out(fl_arg(a, "output"), &b)
			   : fl_cli_fail(ctx, rc);
	fl_buf_release(&b);
	return code;
}

/* ---- the table --------------------------------------------------------- */

#define EXITS "\n\nExit status: 0 done, 64 usage error, 65 refused (a rule, " \
	"a missing required field, an unknown reference; nothing changed), " \
	"74 database error."

const struct fl_cmd fl_cmds_incident[] = {
	{"incident", "new", NULL, "record a security incident",
	 "Records an incident in state detected and prints its reference\n"
	 "(IR-YYYY-NNNN).  --title, --category and --severity are required.\n"
	 "The task templates of the category are added (data/incident-tasks.conf).\n"
	 "A high or critical incident is put in the outbox for the ISO\n"
	 "(incident.new).  DORA and NIS2 follow the entity's regime unless\n"
	 "given; --personal-data yes starts the GDPR Art. 33 clock at --aware." EXITS,
	 new_opts, 0, 0, 0, run_new, NULL},
	{"incident", "list", NULL, "list incidents, newest first",
	 "Every incident, or those in --state or of --severity." EXITS,
	 list_opts, 0, 0, FL_CMD_JSON, run_list,
	 "  ref         IR-YYYY-NNNN\n"
	 "  title       one line\n"
	 "  category    malware, phishing, ...\n"
	 "  severity    low, medium, high, critical\n"
	 "  state       detected, triaged, contained, eradicated, recovered, closed\n"
	 "  entity      entity code or null\n"
	 "  handler     handler's e-mail or null\n"
	 "  tlp         CLEAR, GREEN, AMBER, AMBER+STRICT, RED\n"
	 "  major       true when the latest DORA classification is major\n"
	 "  aware_at    when the entity became aware (UTC)\n"
	 "  open_tasks  tasks still open\n"
	 "  updated_at  last change"},
	{"incident", "show", "ID", "show an incident: fields, clocks, timeline, "
	 "tasks, observables, evidence, classification",
	 "Everything about one incident.  The timeline merges the incident's\n"
	 "own entries (back-dated ones show when they were recorded) with what\n"
	 "the outbox queued and delivered about it.  Recurring incidents with\n"
	 "the same cause key that are together major are offered for\n"
	 "aggregation (DORA RTS Art. 8(2))." EXITS,
	 NULL, 1, 1, FL_CMD_JSON, run_show,
	 "  one object: incident (every field), clocks, classification (or\n"
	 "  null), recurring, recurring_criteria, tasks, observables, evidence,\n"
	 "  custody, links, timeline (arrays of objects; the fields of the\n"
	 "  matching listings)"},
	{"incident", "set", "ID", "change an incident's fields",
	 "Changes what is given; \"\" clears an optional field.  A raised\n"
	 "severity restarts the ISO clock at --at and, to high or critical,\n"
	 "goes to the ISO; a lowered one keeps the clock.  A new category adds\n"
	 "its task templates.  A closed incident takes no changes." EXITS,
	 set_opts, 1, 1, 0, run_set, NULL},
	{"incident", "move", "ID STATE", "move an incident through its lifecycle",
	 "detected -> triaged -> contained -> eradicated -> recovered -> closed\n"
	 "(NIST SP 800-61), one state at a time, never back.  Containment may\n"
	 "be skipped (triaged -> eradicated): freely for a low or medium\n"
	 "incident, with --reason for a high or critical one.  A triaged\n"
	 "incident that is no incident may be closed directly with --reason.\n"
	 "Closing needs a root cause and lessons learned (incident set).\n"
	 "--at may not precede the time the current state was entered." EXITS,
	 move_opts, 2, 2, 0, run_move, NULL},
	{"incident", "note", "ID TEXT", "add a note or decision to the timeline",
	 "--at back-dates the entry to when it happened; the time it was\n"
	 "recorded is kept beside it." EXITS,
	 note_opts, 2, 2, 0, run_note, NULL},
	{"incident", "event", "ID NAME", "record a clock event (iso-informed, "
	 "dora-initial, ...)",
	 "NAME is one of iso-informed, dora-initial, dora-intermediate,\n"
	 "dora-intermediate-latest, dora-final, nis2-aware, nis2-early-warning,\n"
	 "nis2-notification, nis2-final, pd-breach-aware, gdpr-notified,\n"
	 "pd-high-risk, gdpr-subjects-informed.  Each happens once (an updated\n"
	 "intermediate report is dora-intermediate-latest, recorded each time).\n"
	 "The ISO counts as informed when this is recorded, or when the outbox\n"
	 "delivered a message to the ISO - never when one is only queued." EXITS,
	 event_opts, 2, 2, 0, run_event, NULL},
	{"incident", "task", "add ID TITLE | done ID N | list ID",
	 "add, complete or list an incident's tasks",
	 "add prints the new task's number.  done marks an open task done (or\n"
	 "cancelled with --cancel).  list shows them with owner and due time." EXITS,
	 task_opts, 2, 3, FL_CMD_JSON, run_task,
	 "  num       task number within the incident\n"
	 "  title     what to do\n"
	 "  owner     e-mail or null\n"
	 "  due       due time (UTC) or null\n"
	 "  status    open, done, cancelled\n"
	 "  done_at   when done or cancelled\n"
	 "  overdue   true when open and past due\n"
	 "  template  the category whose template added it, or null"},
	{"incident", "observable", "add ID TYPE VALUE | list ID",
	 "record or list an incident's observables",
	 "TYPE is ip, domain, url, hash, email, account or filename.  Values\n"
	 "are normalised (canonical IP, lower-case domain, e-mail and hash,\n"
	 "refanged hxxp/[.]) and stored once, so every incident that saw one\n"
	 "shares it." EXITS,
	 obs_opts, 2, 4, FL_CMD_JSON, run_observable,
	 "  type             observable type\n"
	 "  value            normalised value\n"
	 "  tlp              marking of this sighting\n"
	 "  added_at         when it was added\n"
	 "  added_by         who added it\n"
	 "  other_incidents  how many other incidents saw it"},
	{"incident", "search", NULL, "find every incident that saw an observable",
	 "Searches by the value in every normal form it has, whatever its\n"
	 "spelling." EXITS,
	 search_opts, 0, 0, FL_CMD_JSON, run_search,
	 "  type, value, tlp   the observable and the sighting's marking\n"
	 "  incident, title, state, severity   the incident\n"
	 "  added_at           when it was added to that incident"},
	{"incident", "evidence", "add ID FILE | handover ID N | verify ID | list ID",
	 "register evidence, hand it over, verify its hashes",
	 "add hashes FILE (SHA-256, streamed), records its size, who collected\n"
	 "it (--by) and where it is kept (--location), and opens its chain of\n"
	 "custody.  handover passes item N from its holder to --to for\n"
	 "--purpose.  verify re-hashes every file: match, mismatch, missing or\n"
	 "unreadable; it exits 65 when any item fails, and records the check\n"
	 "on the timeline." EXITS,
	 ev_opts, 2, 3, FL_CMD_JSON, run_evidence,
	 "  list: id, name, sha256, size, collected_by, collected_at, location,\n"
	 "        holder, description, path\n"
	 "  verify: id, name, path, sha256, now_sha256, size, now_size, result"},
	{"incident", "classify", "ID", "classify an incident under DORA "
	 "(Delegated Regulation (EU) 2024/1772)",
	 "Records the criteria and decides \"major\" as RTS Art. 8(1) does:\n"
	 "critical services affected AND (a malicious unauthorised access that\n"
	 "may lose data OR two further thresholds met).  Starts from the latest\n"
	 "classification's inputs (--fresh: from nothing).  A change to major\n"
	 "starts the DORA clocks and goes to the ISO (incident.major).\n"
	 "Thresholds: docs/dora-classification.md." EXITS,
	 classify_opts, 1, 1, FL_CMD_JSON, run_classify,
	 "  incident, major, became_major, reason, fired (criteria met),\n"
	 "  criteria (criterion, article, met), classified_major_at,\n"
	 "  recurring (ref, title, aware_at, cause_key), recurring_criteria"},
	{"incident", "link", "ID", "link risks, findings and assets",
	 "Every reference is checked first; one unknown refuses them all." EXITS,
	 link_opts, 1, 1, 0, run_link, NULL},
	{"incident", "clocks", "[ID]", "every running clock, most urgent first",
	 "Without ID: every clock still owed across incidents (running, or\n"
	 "breached and not done), most urgent first, each with its regime\n"
	 "(DORA, NIS2, GDPR, internal).  With ID: all clocks of the incident.\n"
	 "Rules and legal sources: incident clock-rules, docs/clocks.md." EXITS,
	 clocks_opts, 0, 1, FL_CMD_JSON, run_clocks,
	 "  incident, title, severity\n"
	 "  regime        DORA, NIS2, GDPR, internal\n"
	 "  clock         the rule's name (initial-notification, ...)\n"
	 "  status        not-started, running, met, breached\n"
	 "  start, due    start; the time limit (UTC)\n"
	 "  deadline      the time limit moved by the weekend relief, if any\n"
	 "  done          when it was met, or null\n"
	 "  time_left     e.g. 3h12m, -45m when overdue (null when done or untimed)\n"
	 "  seconds_left  the same in seconds\n"
	 "  elapsed_pct   share of the time gone (75: warning; over 100: late)\n"
	 "  relieved, capped   weekend relief applied; the 24 h bound applied\n"
	 "  cite          the legal source"},
	{"incident", "clock-rules", NULL, "print or replace the clock rules",
	 "Prints the rules in force.  --set FILE replaces them (the internal\n"
	 "ISO times per severity are configured this way); --default returns\n"
	 "to the shipped data/clocks.conf." EXITS,
	 rules_opts, 0, 0, 0, run_rules, NULL},
	{"incident", "report", "ID", "write the incident report for the ISO",
	 "Summary, DORA classification with the criteria that fired, timeline,\n"
	 "clocks and whether each was met, tasks, observables, evidence with\n"
	 "hashes and custody, root cause and lessons learned.  HTML is one\n"
	 "self-contained file, every value escaped." EXITS,
	 report_opts, 1, 1, 0, run_report, NULL},
	{"incident", "export", "ID", "export the DORA reporting template as JSON",
	 "--dora writes the data fields of the major-incident reporting\n"
	 "template (Commission Implementing Regulation (EU) 2025/302, Annex I)\n"
	 "for the stage the incident is at: initial notification, intermediate\n"
	 "report, final report.  Fields the record cannot fill are null and\n"
	 "listed under \"missing\".  Refused (65) when not classified major." EXITS,
	 export_opts, 1, 1, 0, run_export, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
