/*
 * risk: commands of the risk group — the IT security risk register.
 *
 * Every command runs in one transaction that starts with the acceptance
 * sweep (fl_store_risk_sweep), so an expired acceptance is reopened by the
 * first risk command that runs after it expires, whichever it is; the
 * reopening is announced on stderr once the transaction has committed
 * (never for work that was rolled back).  Commands that compute levels
 * take --matrix FILE to use another policy than the stored one.
 *
 * This file parses options and prints; the rules are in core/risk.c and
 * the storage in store/risk.c.  It refuses nothing itself beyond usage
 * errors: refusals come from the store with their reason.
 */
#include "cli.h"
#include "../core/core.h"

/* One command's unit of work: policy, today, and the sweep's notices. */
struct work {
	struct fl_risk_matrix m;
	char today[11];
	struct fl_table notices;
	int in_tx;
	int no_policy; /* the command loads its policy itself */
};

#define OPT_MATRIX \
	{"matrix", FL_OPT_VALUE, "FILE", \
	 "use the risk policy in FILE instead of the stored one"}
#define OPT_END {NULL, 0, NULL, NULL}

/* Parse a policy file given on the command line into *m. */
static fl_err
read_policy_file(struct fl_ctx *ctx, const char *path,
		 struct fl_risk_matrix *m, char **text_out)
{
	struct fl_buf b;
	fl_err rc;

	fl_buf_init(&b, (size_t)FL_RISK_TEXT_MAX + 1);
	rc = fl_buf_read_file(&b, path, &ctx->diag);
	if (rc == FL_E_LIMIT)
		rc = fl_diag_set(&ctx->diag, FL_E_LIMIT, path, 0, 0,
				 "risk policy is larger than %d bytes",
				 FL_RISK_TEXT_MAX);
	if (rc == FL_OK)
		rc = fl_risk_matrix_parse(fl_buf_str(&b), b.len, path, m,
					  &ctx->diag);
	if (rc == FL_OK && text_out)
		*text_out = fl_buf_steal(&b);
	fl_buf_release(&b);
	return rc;
}

static void
work_init(struct work *w)
{
	memset(w, 0, sizeof *w);
	fl_table_init(&w->notices);
	fl_time_date(fl_now(), w->today);
}

/*
 * Load the policy (--matrix FILE, else the stored one), open the
 * transaction and run the acceptance sweep.  Returns 0 or an exit code.
 */
static int
work_begin(struct fl_ctx *ctx, const struct fl_args *a, struct work *w)
{
	const char *path = fl_arg(a, "matrix");
	fl_err rc;

	if (w->no_policy) {
		rc = FL_OK;
	} else if (path) {
		rc = read_policy_file(ctx, path, &w->m, NULL);
	} else {
		rc = fl_store_risk_policy_load(ctx->st, &w->m, &ctx->diag);
	}
	if (rc != FL_OK)
		return fl_cli_fail(ctx, rc);
	if ((rc = fl_store_begin(ctx->st)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	w->in_tx = 1;
	rc = fl_store_risk_sweep(ctx->st, w->today, fl_table_add, &w->notices);
	if (rc == FL_OK && w->notices.err)
		rc = w->notices.err;
	if (rc != FL_OK) {
		fl_store_rollback(ctx->st);
		w->in_tx = 0;
		/* the sweep may have collected notices before it failed */
		fl_table_release(&w->notices);
		return fl_cli_fail(ctx, rc);
	}
	return 0;
}

/*
 * Commit (rc == FL_OK) and announce what the sweep reopened, or roll
 * back and report rc.  Returns 0 or an exit code.
 */
static int
work_end(struct fl_ctx *ctx, struct work *w, fl_err rc)
{
	size_t r;

	if (w->in_tx) {
		w->in_tx = 0;
		if (rc == FL_OK)
			rc = fl_store_commit(ctx->st);
		else
			fl_store_rollback(ctx->st);
	}
	if (rc == FL_OK) {
		for (r = 0; r < w->notices.nrows; r++) {
			char **row = w->notices.rows[r];
			fprintf(stderr, "firstline: risk %s acceptance expired "
				"on %s: reopened\n", row[0] ? row[0] : "?",
				row[2] ? row[2] : "?");
		}
	}
	fl_table_release(&w->notices);
	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

/* Give up the unit of work without a message (the caller reports). */
static void
work_abort(struct fl_ctx *ctx, struct work *w)
{
	if (w->in_tx)
		fl_store_rollback(ctx->st);
	w->in_tx = 0;
	fl_table_release(&w->notices);
}

/* A scale point given as a number or by its name ("likely"). */
static int
scale_point(const struct fl_risk_matrix *m, int lik, const char *s, int *out)
{
	const char(*names)[FL_RISK_NAME_MAX] = lik ? m->lik : m->imp;
	int n = lik ? m->nlik : m->nimp, i;
	long v;

	if (fl_parse_long(s, 1, 1000, &v) == 0) {
		*out = (int)v;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (fl_streq_ci(names[i], s)) {
			*out = i + 1;
			return 0;
		}
	return -1;
}

static int
known_status(const char *s)
{
	static const char *const st[] = {"identified", "assessed", "treating",
					 "accepted", "transferred", "avoided",
					 "closed", NULL};
	int i;

	for (i = 0; st[i]; i++)
		if (strcmp(st[i], s) == 0)
			return 1;
	return 0;
}

/* ---- add ---------------------------------------------------------------- */

static const struct fl_opt add_opts[] = {
	{"title", FL_OPT_VALUE, "TEXT", "what can go wrong (required)"},
	{"description", FL_OPT_VALUE, "TEXT", "longer description"},
	{"category", FL_OPT_VALUE, "TEXT", "category, e.g. access, supplier"},
	{"entity", FL_OPT_VALUE, "CODE", "entity the risk belongs to"},
	{"owner", FL_OPT_VALUE, "PERSON", "risk owner (e-mail or name)"},
	{"threat", FL_OPT_VALUE, "TEXT", "threat"},
	{"vulnerability", FL_OPT_VALUE, "TEXT", "vulnerability"},
	{"asset", FL_OPT_MULTI, "ASSET", "affected asset (name, hostname or IP)"},
	{"control", FL_OPT_MULTI, "REF", "control that addresses the risk"},
	OPT_END
};

static int
run_add(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_risk_new r;
	struct work w;
	char ref[16];
	int code;
	fl_err rc;

	memset(&r, 0, sizeof r);
	r.title = fl_arg(a, "title");
	if (r.title == NULL || *r.title == '\0')
		return fl_cli_usage(ctx, "'risk add' needs --title");
	r.description = fl_arg(a, "description");
	r.category = fl_arg(a, "category");
	r.entity = fl_arg(a, "entity");
	r.owner = fl_arg(a, "owner");
	r.threat = fl_arg(a, "threat");
	r.vulnerability = fl_arg(a, "vulnerability");
	r.nassets = fl_arg_multi(a, "asset", &r.assets);
	r.ncontrols = fl_arg_multi(a, "control", &r.controls);
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	rc = fl_store_risk_create(ctx->st, &r, ref, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s\n", ref);
	return 0;
}

/* ---- assess, review ------------------------------------------------------ */

static const struct fl_opt assess_opts[] = {
	{"likelihood", FL_OPT_VALUE, "L", "likelihood: a scale point (1-5) or its name"},
	{"impact", FL_OPT_VALUE, "I", "impact: a scale point (1-5) or its name"},
	{"residual", FL_OPT_FLAG, NULL, "the residual assessment (after controls)"},
	OPT_MATRIX,
	OPT_END
};

static void
print_outcome(const struct fl_risk_outcome *o)
{
	int k;

	if (o->reopened)
		printf("%s: the previous treatment decision was for another "
		       "level and is cleared: decide again\n", o->ref);
	for (k = 0; k < o->nesc; k++)
		printf("%s: escalated to the ISO (escalation %lld: %s)\n",
		       o->ref, o->esc_id[k], o->esc_reason[k]);
}

static int
run_assess(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_risk_outcome o;
	struct work w;
	const char *ls = fl_arg(a, "likelihood"), *is = fl_arg(a, "impact");
	int l = 0, i = 0, residual = fl_flag(a, "residual"), code;
	fl_err rc;

	if (ls == NULL || is == NULL)
		return fl_cli_usage(ctx, "'risk assess' needs --likelihood and "
				    "--impact");
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	if (scale_point(&w.m, 1, ls, &l) != 0 || scale_point(&w.m, 0, is, &i) != 0) {
		work_abort(ctx, &w);
		return fl_cli_usage(ctx, "--likelihood and --impact take a "
				    "scale point (1-%d, 1-%d) or its name",
				    w.m.nlik, w.m.nimp);
	}
	rc = fl_store_risk_assess(ctx->st, &w.m, a->pos[0], residual, l, i,
				  w.today, &o, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: %s %dx%d %s; current level %s, status %s, next review %s\n",
	       o.ref, residual ? "residual" : "inherent", l, i, o.level,
	       o.current, o.status, o.next_review);
	print_outcome(&o);
	return 0;
}

static const struct fl_opt review_opts[] = {
	{"notes", FL_OPT_VALUE, "TEXT", "what the review found"},
	OPT_MATRIX,
	OPT_END
};

static int
run_review(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_risk_outcome o;
	struct work w;
	int code;
	fl_err rc;

	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	rc = fl_store_risk_review(ctx->st, &w.m, a->pos[0], fl_arg(a, "notes"),
				  w.today, &o, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: reviewed on %s (level %s); next review %s\n", o.ref,
	       w.today, o.current, o.next_review);
	return 0;
}

/* ---- treat --------------------------------------------------------------- */

static const struct fl_opt treat_opts[] = {
	{"mitigate", FL_OPT_FLAG, NULL, "reduce the risk with a plan and controls"},
	{"accept", FL_OPT_FLAG, NULL, "accept the risk (approved by the ISO or CITSO)"},
	{"transfer", FL_OPT_FLAG, NULL, "transfer the risk (insurance, contract)"},
	{"avoid", FL_OPT_FLAG, NULL, "avoid the risk (stop the activity)"},
	{"plan", FL_OPT_VALUE, "TEXT", "mitigate: the treatment plan"},
	{"owner", FL_OPT_VALUE, "PERSON", "mitigate: who carries out the plan"},
	{"due", FL_OPT_VALUE, "DATE", "mitigate: due date (YYYY-MM-DD)"},
	{"control", FL_OPT_MULTI, "REF", "mitigate: control to link"},
	{"approver", FL_OPT_VALUE, "PERSON", "accept: approver, role iso or citso"},
	{"expires", FL_OPT_VALUE, "DATE", "accept: expiry date, after today"},
	{"justification", FL_OPT_VALUE, "TEXT", "accept, transfer, avoid: why"},
	OPT_END
};

static int
run_treat(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const verbs[] = {"mitigate", "accept", "transfer",
					    "avoid"};
	struct fl_risk_treatment t;
	struct work w;
	int k, nkinds = 0, code;
	fl_err rc;

	memset(&t, 0, sizeof t);
	for (k = 0; k < 4; k++)
		if (fl_flag(a, verbs[k])) {
			t.kind = (enum fl_risk_treat_kind)k;
			nkinds++;
		}
	if (nkinds != 1)
		return fl_cli_usage(ctx, "'risk treat' takes exactly one of "
				    "--mitigate, --accept, --transfer, --avoid");
	t.plan = fl_arg(a, "plan");
	t.owner = fl_arg(a, "owner");
	t.due = fl_arg(a, "due");
	t.approver = fl_arg(a, "approver");
	t.expires = fl_arg(a, "expires");
	t.justification = fl_arg(a, "justification");
	t.ncontrols = fl_arg_multi(a, "control", &t.controls);
	switch (t.kind) {
	case FL_TREAT_MITIGATE:
		if (!t.plan || !t.owner || !t.due)
			return fl_cli_usage(ctx, "--mitigate needs --plan, "
					    "--owner and --due");
		break;
	case FL_TREAT_ACCEPT:
		if (!t.approver || !t.justification || !t.expires)
			return fl_cli_usage(ctx, "--accept needs --approver, "
					    "--justification and --expires");
		break;
	default:
		if (!t.justification)
			return fl_cli_usage(ctx, "--%s needs --justification",
					    verbs[t.kind]);
		break;
	}
	if (t.kind != FL_TREAT_MITIGATE && t.ncontrols > 0)
		return fl_cli_usage(ctx, "--control goes with --mitigate (or "
				    "use 'risk link')");
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	rc = fl_store_risk_treat(ctx->st, a->pos[0], &t, w.today, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: %s\n", a->pos[0], verbs[t.kind]);
	return 0;
}

/* ---- link, close ----------------------------------------------------------- */

static const struct fl_opt link_opts[] = {
	{"control", FL_OPT_MULTI, "REF", "control (KEY or CATALOG:KEY)"},
	{"asset", FL_OPT_MULTI, "ASSET", "asset (name, hostname or IP)"},
	OPT_END
};

static int
run_link(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *const *controls, *const *assets;
	int nc = fl_arg_multi(a, "control", &controls);
	int na = fl_arg_multi(a, "asset", &assets);
	struct work w;
	long added = 0;
	int code;
	fl_err rc;

	if (nc + na == 0)
		return fl_cli_usage(ctx, "'risk link' needs --control or --asset");
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	rc = fl_store_risk_link(ctx->st, a->pos[0], controls, nc, assets, na,
				&added, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: %ld new link%s\n", a->pos[0], added, added == 1 ? "" : "s");
	return 0;
}

static const struct fl_opt close_opts[] = {
	{"reason", FL_OPT_VALUE, "TEXT", "why the risk no longer exists (required)"},
	OPT_END
};

static int
run_close(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct work w;
	int code;
	fl_err rc;

	if (fl_arg(a, "reason") == NULL || *fl_arg(a, "reason") == '\0')
		return fl_cli_usage(ctx, "'risk close' needs --reason");
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	rc = fl_store_risk_close(ctx->st, a->pos[0], fl_arg(a, "reason"),
				 w.today, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("%s: closed\n", a->pos[0]);
	return 0;
}

/* ---- list, show, due ----------------------------------------------------- */

static const struct fl_opt list_opts[] = {
	{"level", FL_OPT_VALUE, "LEVEL", "only risks at this current level"},
	{"status", FL_OPT_VALUE, "STATUS", "only risks in this status"},
	{"entity", FL_OPT_VALUE, "CODE", "only risks of this entity"},
	{"all", FL_OPT_FLAG, NULL, "include closed risks"},
	OPT_MATRIX,
	OPT_END
};

static int
run_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_risk_filter f;
	struct fl_table t;
	struct work w;
	int code;
	fl_err rc;

	memset(&f, 0, sizeof f);
	f.level = fl_arg(a, "level");
	f.status = fl_arg(a, "status");
	f.entity = fl_arg(a, "entity");
	f.all = fl_flag(a, "all");
	if (f.status && !known_status(f.status))
		return fl_cli_usage(ctx, "unknown status '%s' (identified, "
				    "assessed, treating, accepted, transferred, "
				    "avoided, closed)", f.status);
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	if (f.level && fl_risk_level_find(&w.m, f.level) < 0) {
		work_abort(ctx, &w);
		return fl_cli_usage(ctx, "unknown level '%s'", f.level);
	}
	fl_table_init(&t);
	rc = fl_store_risk_list(ctx->st, &w.m, &f, fl_table_add, &t, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	code = fl_table_print(ctx, &t,
			      "ref,status,level,inherent_level,residual_level,"
			      "treatment,next_review,open_escalations,owner,title");
	fl_table_release(&t);
	return code;
}

static const struct fl_opt show_opts[] = {
	OPT_MATRIX,
	OPT_END
};

static int
print_section(struct fl_ctx *ctx, const char *title, const char *ref,
	      fl_err (*list)(struct fl_store *, const char *, fl_row_fn,
			     void *, struct fl_diag *))
{
	struct fl_table t;
	fl_err rc;
	int code;

	fl_table_init(&t);
	rc = list(ctx->st, ref, fl_table_add, &t, &ctx->diag);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	printf("\n%s:\n", title);
	code = fl_table_print(ctx, &t, NULL);
	fl_table_release(&t);
	return code;
}

static fl_err
open_escalations_of(struct fl_store *st, const char *ref, fl_row_fn fn,
		    void *c, struct fl_diag *d)
{
	return fl_store_risk_escalations(st, ref, 0, fn, c, d);
}

static int
run_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	size_t wmax = 0;
	int c, code;
	fl_err rc;

	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_store_risk_show(ctx->st, &w.m, a->pos[0], fl_table_add, &t,
				&ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	if (ctx->json || t.err || t.nrows == 0) {
		code = fl_table_print_one(ctx, &t);
		fl_table_release(&t);
		return code;
	}
	for (c = 0; c < t.ncol; c++)
		if (!fl_cli_is_json_name(t.names[c]) && strlen(t.names[c]) > wmax)
			wmax = strlen(t.names[c]);
	for (c = 0; c < t.ncol; c++) {
		const char *v = t.rows[0][c];
		if (!fl_cli_is_json_name(t.names[c]))
			printf("%-*s  %s\n", (int)wmax, t.names[c], v ? v : "-");
	}
	fl_table_release(&t);
	if ((code = print_section(ctx, "controls", a->pos[0],
				  fl_store_risk_controls)) != 0 ||
	    (code = print_section(ctx, "assets", a->pos[0],
				  fl_store_risk_assets)) != 0 ||
	    (code = print_section(ctx, "open escalations", a->pos[0],
				  open_escalations_of)) != 0)
		return code;
	return fflush(stdout) == 0 ? 0 : fl_cli_error(FL_EX_IO, "cannot write output");
}

static const struct fl_opt due_opts[] = {
	OPT_MATRIX,
	OPT_END
};

static int
run_due(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	int code;
	fl_err rc;

	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_store_risk_due(ctx->st, &w.m, w.today, fl_table_add, &t);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	code = fl_table_print(ctx, &t, "ref,kind,date,days,level,status,owner,title");
	fl_table_release(&t);
	return code;
}

/* ---- escalations --------------------------------------------------------- */

static const struct fl_opt esc_opts[] = {
	{"all", FL_OPT_FLAG, NULL, "include acknowledged escalations"},
	{"risk", FL_OPT_VALUE, "REF", "only the escalations of this risk"},
	OPT_END
};

static int
run_escalations(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	int code;
	fl_err rc;

	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_store_risk_escalations(ctx->st, fl_arg(a, "risk"),
				       fl_flag(a, "all"), fl_table_add, &t,
				       &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	code = fl_table_print(ctx, &t,
			      "id,ref,basis,level,state,created_at,ack_by,reason");
	fl_table_release(&t);
	return code;
}

static const struct fl_opt ack_opts[] = {
	{"by", FL_OPT_VALUE, "PERSON", "the acknowledging ISO or CITSO (required)"},
	OPT_END
};

static int
run_ack(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct work w;
	long id;
	int code;
	fl_err rc;

	if (fl_parse_long(a->pos[0], 1, LONG_MAX, &id) != 0)
		return fl_cli_usage(ctx, "'%s' is not an escalation id (see "
				    "'risk escalations')", a->pos[0]);
	if (fl_arg(a, "by") == NULL)
		return fl_cli_usage(ctx, "'risk ack' needs --by PERSON");
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0)
		return code;
	rc = fl_store_risk_ack(ctx->st, id, fl_arg(a, "by"), &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	printf("escalation %ld acknowledged by %s\n", id, fl_arg(a, "by"));
	return 0;
}

/* ---- heatmap and matrix ---------------------------------------------------- */

struct grid {
	long n[2][FL_RISK_MAX_SCALE][FL_RISK_MAX_SCALE]; /* [basis][l-1][i-1] */
	long outside[2], total[2];
};

struct grid_fill {
	struct grid *g;
	int basis;
	const struct fl_risk_matrix *m;
};

static fl_err
grid_row(void *vctx, const struct fl_row *row)
{
	struct grid_fill *f = vctx;
	const char *ls = fl_row_get(row, "likelihood");
	const char *is = fl_row_get(row, "impact");
	const char *cs = fl_row_get(row, "count");
	long l = 0, i = 0, n = 0;

	if (!ls || !is || !cs || fl_parse_long(ls, LONG_MIN, LONG_MAX, &l) ||
	    fl_parse_long(is, LONG_MIN, LONG_MAX, &i) ||
	    fl_parse_long(cs, 0, LONG_MAX, &n))
		return FL_E_INTERNAL;
	f->g->total[f->basis] += n;
	if (fl_risk_level(f->m, (int)l, (int)i) < 0)
		f->g->outside[f->basis] += n;
	else
		f->g->n[f->basis][l - 1][i - 1] += n;
	return FL_OK;
}

/* Shortest prefix length that tells the levels apart (at most 3). */
static int
abbrev_len(const struct fl_risk_matrix *m)
{
	int k, x, y;

	for (k = 1; k < 3; k++) {
		int clash = 0;
		for (x = 0; x < m->nlevels && !clash; x++)
			for (y = x + 1; y < m->nlevels && !clash; y++)
				if (strncmp(m->level[x], m->level[y], (size_t)k) == 0)
					clash = 1;
		if (!clash)
			return k;
	}
	return 3;
}

static void
level_abbrev(const struct fl_risk_matrix *m, int lv, int k, char out[8])
{
	int c;

	for (c = 0; c < k && m->level[lv][c]; c++)
		out[c] = (char)(c == 0 && m->level[lv][c] >= 'a' &&
					m->level[lv][c] <= 'z'
				? m->level[lv][c] - 'a' + 'A'
				: m->level[lv][c]);
	out[c] = '\0';
}

/*
 * Draw the grid: likelihood rows from the top (highest) down, impact
 * columns; each cell the level's abbreviation and, with counts, how many
 * risks sit there.  which: -1 no counts, 0 inherent, 1 residual, 2 both.
 */
static void
draw_grid(const struct fl_risk_matrix *m, const struct grid *g, int which)
{
	char cell[40], ab[8];
	int l, i, k = abbrev_len(m), namew = 10, cw;

	for (l = 0; l < m->nlik; l++)
		if ((int)strlen(m->lik[l]) + 3 > namew)
			namew = (int)strlen(m->lik[l]) + 3;
	cw = which == 2 ? 11 : 8;
	printf("%-*s", namew, "likelihood");
	for (i = 0; i < m->nimp; i++)
		printf("%-*d", cw, i + 1);
	printf("(impact)\n");
	for (l = m->nlik; l >= 1; l--) {
		char left[48];

		snprintf(left, sizeof left, "%d %s", l, m->lik[l - 1]);
		printf("%-*s", namew, left);
		for (i = 1; i <= m->nimp; i++) {
			int lv = fl_risk_level(m, l, i);

			level_abbrev(m, lv, k, ab);
			if (which < 0)
				snprintf(cell, sizeof cell, "%s", ab);
			else if (which == 2)
				snprintf(cell, sizeof cell, "%s %ld/%ld", ab,
					 g->n[0][l - 1][i - 1],
					 g->n[1][l - 1][i - 1]);
			else
				snprintf(cell, sizeof cell, "%s %ld", ab,
					 g->n[which][l - 1][i - 1]);
			printf("%-*s", i < m->nimp ? cw : 0, cell);
		}
		printf("\n");
	}
	printf("impact: ");
	for (i = 0; i < m->nimp; i++)
		printf("%s%d %s", i ? ", " : "", i + 1, m->imp[i]);
	printf("\nlevels: ");
	for (l = 0; l < m->nlevels; l++) {
		level_abbrev(m, l, k, ab);
		printf("%s%s %s", l ? ", " : "", ab, m->level[l]);
	}
	printf(" (%s and above go to the ISO)\n", m->level[m->escalate]);
}

static const struct fl_opt heat_opts[] = {
	{"residual", FL_OPT_FLAG, NULL, "count residual assessments"},
	{"both", FL_OPT_FLAG, NULL, "count inherent and residual (inherent/residual)"},
	OPT_MATRIX,
	OPT_END
};

static int
run_heatmap(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const bname[] = {"inherent", "residual"};
	struct grid *g;
	struct grid_fill f;
	struct work w;
	int both = fl_flag(a, "both"), res = fl_flag(a, "residual"), b, code;
	int which = both ? 2 : res;
	fl_err rc = FL_OK;

	if (both && res)
		return fl_cli_usage(ctx, "--both already includes --residual");
	if ((g = calloc(1, sizeof *g)) == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	work_init(&w);
	if ((code = work_begin(ctx, a, &w)) != 0) {
		free(g);
		return code;
	}
	f.g = g;
	f.m = &w.m;
	for (b = 0; b < 2 && rc == FL_OK; b++) {
		if (!both && b != res)
			continue;
		f.basis = b;
		rc = fl_store_risk_heatmap(ctx->st, b, grid_row, &f);
	}
	if ((code = work_end(ctx, &w, rc)) != 0) {
		free(g);
		return code;
	}
	if (ctx->json) {
		struct fl_buf out;
		struct fl_json j;
		int l, i;

		fl_buf_init(&out, 0);
		fl_json_init(&j, &out, 0);
		fl_json_arr_open(&j);
		for (l = w.m.nlik; l >= 1; l--)
			for (i = 1; i <= w.m.nimp; i++) {
				int lv = fl_risk_level(&w.m, l, i);
				fl_json_obj_open(&j);
				fl_json_key(&j, "likelihood");
				fl_json_int(&j, l);
				fl_json_key(&j, "likelihood_name");
				fl_json_str(&j, w.m.lik[l - 1]);
				fl_json_key(&j, "impact");
				fl_json_int(&j, i);
				fl_json_key(&j, "impact_name");
				fl_json_str(&j, w.m.imp[i - 1]);
				fl_json_key(&j, "level");
				fl_json_str(&j, fl_risk_level_name(&w.m, lv));
				fl_json_key(&j, "escalates");
				fl_json_bool(&j, fl_risk_escalates(&w.m, lv));
				if (both) {
					fl_json_key(&j, "inherent");
					fl_json_int(&j, g->n[0][l - 1][i - 1]);
					fl_json_key(&j, "residual");
					fl_json_int(&j, g->n[1][l - 1][i - 1]);
				} else {
					fl_json_key(&j, "count");
					fl_json_int(&j, g->n[res][l - 1][i - 1]);
				}
				fl_json_obj_close(&j);
			}
		fl_json_arr_close(&j);
		fl_buf_putc(&out, '\n');
		code = fwrite(out.data, 1, out.len, stdout) == out.len ? 0 : FL_EX_IO;
		fl_buf_release(&out);
		free(g);
		return code;
	}
	printf("%s risk heatmap: open risks by likelihood and impact%s\n\n",
	       both ? "inherent/residual" : bname[res],
	       both ? " (cells: inherent/residual)" : "");
	draw_grid(&w.m, g, which);
	for (b = 0; b < 2; b++) {
		if (!both && b != res)
			continue;
		printf("%ld risk%s with a%s %s assessment", g->total[b],
		       g->total[b] == 1 ? "" : "s", b ? "" : "n", bname[b]);
		if (g->outside[b])
			printf(", %ld outside this %dx%d matrix", g->outside[b],
			       w.m.nlik, w.m.nimp);
		printf("\n");
	}
	free(g);
	return 0;
}

static const struct fl_opt matrix_opts[] = {
	{"set", FL_OPT_VALUE, "FILE", "store the policy in FILE and re-level every open risk"},
	{"raw", FL_OPT_FLAG, NULL, "print the policy text (to edit and --set it)"},
	OPT_MATRIX,
	OPT_END
};

static void
matrix_json(const struct fl_risk_matrix *m, const char *source)
{
	struct fl_buf out;
	struct fl_json j;
	int l, i;

	fl_buf_init(&out, 0);
	fl_json_init(&j, &out, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "source");
	fl_json_str(&j, source);
	fl_json_key(&j, "likelihood");
	fl_json_arr_open(&j);
	for (l = 0; l < m->nlik; l++)
		fl_json_str(&j, m->lik[l]);
	fl_json_arr_close(&j);
	fl_json_key(&j, "impact");
	fl_json_arr_open(&j);
	for (i = 0; i < m->nimp; i++)
		fl_json_str(&j, m->imp[i]);
	fl_json_arr_close(&j);
	fl_json_key(&j, "levels");
	fl_json_arr_open(&j);
	for (l = 0; l < m->nlevels; l++) {
		fl_json_obj_open(&j);
		fl_json_key(&j, "name");
		fl_json_str(&j, m->level[l]);
		fl_json_key(&j, "review_days");
		fl_json_int(&j, m->review_days[l]);
		fl_json_key(&j, "escalates");
		fl_json_bool(&j, fl_risk_escalates(m, l));
		fl_json_obj_close(&j);
	}
	fl_json_arr_close(&j);
	fl_json_key(&j, "escalate");
	fl_json_str(&j, m->level[m->escalate]);
	fl_json_key(&j, "grid");
	fl_json_arr_open(&j);
	for (l = 1; l <= m->nlik; l++) {
		fl_json_arr_open(&j);
		for (i = 1; i <= m->nimp; i++)
			fl_json_str(&j, fl_risk_level_name(m, fl_risk_level(m, l, i)));
		fl_json_arr_close(&j);
	}
	fl_json_arr_close(&j);
	fl_json_obj_close(&j);
	fl_buf_putc(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	fl_buf_release(&out);
}

static int
matrix_set(struct fl_ctx *ctx, const struct fl_args *a, const char *path)
{
	struct fl_risk_matrix *oldm, *newm;
	struct work w;
	char *text = NULL, *cur = NULL;
	const char *src = NULL;
	long relev = 0, esc = 0;
	int code;
	fl_err rc;

	oldm = calloc(1, sizeof *oldm);
	newm = calloc(1, sizeof *newm);
	if (oldm == NULL || newm == NULL) {
		free(oldm);
		free(newm);
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	}
	rc = read_policy_file(ctx, path, newm, &text);
	if (rc == FL_OK)
		rc = fl_store_risk_policy_load(ctx->st, oldm, &ctx->diag);
	if (rc == FL_OK)
		rc = fl_store_risk_policy_text(ctx->st, &cur, &src);
	if (rc != FL_OK) {
		code = fl_cli_fail(ctx, rc);
		goto out;
	}
	work_init(&w);
	w.no_policy = 1;
	if ((code = work_begin(ctx, a, &w)) != 0)
		goto out;
	if (strcmp(cur, text) == 0) {
		if ((code = work_end(ctx, &w, FL_OK)) == 0)
			printf("risk policy unchanged (%s)\n", src);
		goto out;
	}
	rc = fl_store_risk_policy_set(ctx->st, text, oldm, newm, w.today, &relev,
				      &esc, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		goto out;
	printf("risk policy stored (setting risk_matrix): %dx%d, %d levels; "
	       "%ld risk%s re-levelled, %ld escalation%s\n", newm->nlik,
	       newm->nimp, newm->nlevels, relev, relev == 1 ? "" : "s", esc,
	       esc == 1 ? "" : "s");
out:
	free(text);
	free(cur);
	free(oldm);
	free(newm);
	return code;
}

static int
run_matrix(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_risk_matrix *m;
	const char *path = fl_arg(a, "matrix"), *src = NULL;
	char *text = NULL;
	int code = 0, l;
	fl_err rc;

	if (fl_arg(a, "set")) {
		if (path)
			return fl_cli_usage(ctx, "--set stores a policy; "
					    "--matrix only tries one");
		return matrix_set(ctx, a, fl_arg(a, "set"));
	}
	/* like every risk command, run the acceptance sweep first */
	{
		struct work w;

		work_init(&w);
		w.no_policy = 1;
		if ((code = work_begin(ctx, a, &w)) != 0 ||
		    (code = work_end(ctx, &w, FL_OK)) != 0)
			return code;
	}
	if ((m = calloc(1, sizeof *m)) == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	if (path) {
		rc = read_policy_file(ctx, path, m, &text);
		src = path;
	} else {
		rc = fl_store_risk_policy_text(ctx->st, &text, &src);
		if (rc == FL_OK)
			rc = fl_risk_matrix_parse(text, strlen(text), src, m,
						  &ctx->diag);
	}
	if (rc != FL_OK) {
		code = fl_cli_fail(ctx, rc);
	} else if (fl_flag(a, "raw")) {
		fputs(text, stdout);
	} else if (ctx->json) {
		matrix_json(m, src);
	} else {
		printf("risk policy from %s: %dx%d\n\n", src, m->nlik, m->nimp);
		draw_grid(m, NULL, -1);
		printf("review: ");
		for (l = m->nlevels - 1; l >= 0; l--)
			printf("%s every %d days%s", m->level[l], m->review_days[l],
			       l ? ", " : "\n");
	}
	free(text);
	free(m);
	return code;
}

/* ---- the table ------------------------------------------------------------- */

const struct fl_cmd fl_cmds_risk[] = {
	{"risk", "add", NULL, "record a new risk and print its reference",
	 "Records a risk (status identified) and prints its new reference,\n"
	 "R-0001, R-0002, ... in order.  Owner, entity, assets and controls\n"
	 "must exist; any unknown name refuses the whole command (exit 65).",
	 add_opts, 0, 0, 0, run_add, NULL},
	{"risk", "assess", "REF", "assess likelihood and impact (inherent or residual)",
	 "Assesses the risk on the policy's likelihood x impact matrix: the\n"
	 "inherent risk by default, the residual risk (after controls) with\n"
	 "--residual.  A residual needs an inherent assessment and may exceed\n"
	 "it neither in likelihood nor in impact nor in level (exit 65, nothing\n"
	 "changed); an inherent assessment may not fall below the residual.\n"
	 "Sets the review date by the cadence of the current level (the\n"
	 "residual when assessed).  A level at or above the policy's\n"
	 "escalation level is escalated to the ISO when it is new, when it\n"
	 "rose, or when no escalation of it is open; decreases never escalate.\n"
	 "An acceptance, transfer or avoidance decided at another level is\n"
	 "cleared (status assessed) since it no longer covers the risk.",
	 assess_opts, 1, 1, 0, run_assess, NULL},
	{"risk", "treat", "REF", "decide the treatment: mitigate, accept, transfer, avoid",
	 "Records the treatment decision, replacing any earlier one (the audit\n"
	 "trail keeps it).  --mitigate needs --plan, --owner and --due and may\n"
	 "link controls; status treating.  --accept needs an approver holding\n"
	 "the iso or citso role, a justification and an expiry after today;\n"
	 "status accepted.  When an acceptance expires, the next risk command\n"
	 "reopens the risk and says so.  --transfer and --avoid need a\n"
	 "justification.  The risk must be assessed first.",
	 treat_opts, 1, 1, 0, run_treat, NULL},
	{"risk", "link", "REF", "link controls and assets to a risk",
	 "Links controls (KEY or CATALOG:KEY) and assets (name, hostname or IP)\n"
	 "to the risk; links that exist already are kept.",
	 link_opts, 1, 1, 0, run_link, NULL},
	{"risk", "review", "REF", "record a periodic review",
	 "Records that the risk was reviewed today and sets the next review by\n"
	 "the cadence of its current level.",
	 review_opts, 1, 1, 0, run_review, NULL},
	{"risk", "close", "REF", "close a risk that no longer exists",
	 "Closes the risk with a reason.  Closed risks leave the listings\n"
	 "(see --all), the heatmap and the due list; they cannot be changed.",
	 close_opts, 1, 1, 0, run_close, NULL},
	{"risk", "list", NULL, "list the risk register",
	 "Lists open risks (closed ones with --all or --status closed).  Levels\n"
	 "are computed under the policy in force (or --matrix FILE); level is\n"
	 "the current level: the residual when assessed, else the inherent.",
	 list_opts, 0, 0, FL_CMD_JSON, run_list,
	 "  ref                   risk reference, R-0001\n"
	 "  title, category       as recorded\n"
	 "  status                identified, assessed, treating, accepted,\n"
	 "                        transferred, avoided, closed\n"
	 "  entity, owner         entity code and owner's name, or null\n"
	 "  inherent_likelihood, inherent_impact, inherent_level\n"
	 "  residual_likelihood, residual_impact, residual_level\n"
	 "                        assessments (null when not assessed)\n"
	 "  level                 current level (residual, else inherent)\n"
	 "  treatment             mitigate, accept, transfer, avoid, or null\n"
	 "  next_review           date of the next review\n"
	 "  open_escalations      escalations not yet acknowledged"},
	{"risk", "show", "REF", "show a risk with its controls, assets and escalations",
	 "Shows every field of the risk, the linked controls with their\n"
	 "implementation status and their effectiveness (derived from their\n"
	 "latest design and operating tests, in the risk's entity), the linked\n"
	 "assets, and its open escalations.",
	 show_opts, 1, 1, FL_CMD_JSON, run_show,
	 "  the fields of 'risk list', and description, owner_email, threat,\n"
	 "  vulnerability, treatment_plan, treatment_owner, treatment_due,\n"
	 "  treatment_justification, accept_approver, accept_expires,\n"
	 "  reviewed_on, review_notes, closed_on, closed_reason, created_at,\n"
	 "  updated_at;\n"
	 "  controls      [{control, catalog, title, implementation,\n"
	 "                effectiveness}]\n"
	 "  assets        [{asset, entity, conf, integ, avail}]\n"
	 "  escalations   open escalations, fields as in 'risk escalations'"},
	{"risk", "due", NULL, "list overdue reviews and mitigations, expiring acceptances",
	 "Lists open risks whose review date has passed, accepted risks\n"
	 "whose acceptance expires within 30 days, and open risks being\n"
	 "mitigated whose treatment due date has passed.  A risk may appear\n"
	 "once for each.",
	 due_opts, 0, 0, FL_CMD_JSON, run_due,
	 "  ref, title   the risk\n"
	 "  kind         review-overdue, acceptance-expiring or\n"
	 "               treatment-overdue\n"
	 "  date         the review date, the acceptance's expiry or the\n"
	 "               mitigation's due date (treatment_due)\n"
	 "  days         days overdue (review, mitigation) or days left\n"
	 "               (acceptance)\n"
	 "  level        current level under the policy in force\n"
	 "  status       the risk's status\n"
	 "  owner        risk owner's name"},
	{"risk", "escalations", NULL, "list escalations to the ISO",
	 "Lists escalations waiting for the ISO's acknowledgement (all of them\n"
	 "with --all).",
	 esc_opts, 0, 0, FL_CMD_JSON, run_escalations,
	 "  id           escalation id, for 'risk ack'\n"
	 "  ref, title   the risk\n"
	 "  basis        inherent or residual\n"
	 "  level        the level escalated\n"
	 "  reason       what changed, e.g. \"new residual level high (was\n"
	 "               significant)\"\n"
	 "  created_at   when\n"
	 "  state        open or acknowledged\n"
	 "  ack_by, ack_at   who acknowledged and when, or null"},
	{"risk", "ack", "ID", "acknowledge an escalation (ISO or CITSO)",
	 "Records that the ISO (or the CITSO) took note of the escalation.  The\n"
	 "person named by --by must hold the iso or citso role.",
	 ack_opts, 1, 1, 0, run_ack, NULL},
	{"risk", "heatmap", NULL, "draw the risk matrix with counts per cell",
	 "Draws the likelihood x impact matrix (likelihood 5 at the top) with\n"
	 "each cell's level abbreviation and the number of open risks assessed\n"
	 "there: inherent by default, residual with --residual, both with\n"
	 "--both.",
	 heat_opts, 0, 0, FL_CMD_JSON, run_heatmap,
	 "  one object per cell, highest likelihood first:\n"
	 "  likelihood, likelihood_name, impact, impact_name   the cell\n"
	 "  level, escalates   its level and whether it goes to the ISO\n"
	 "  count              risks there (inherent, or residual with --residual)\n"
	 "  inherent, residual with --both instead of count"},
	{"risk", "matrix", NULL, "show the risk policy, or store a new one",
	 "Shows the policy in force: the stored one (setting risk_matrix), else\n"
	 "the shipped data/risk-matrix.conf, or FILE with --matrix.  --raw\n"
	 "prints its text.  --set FILE checks FILE (errors as FILE:LINE:COL,\n"
	 "exit 65), stores it, and re-levels every open risk under it,\n"
	 "escalating risks that rose or now reach the escalation level; a\n"
	 "risk assessed outside the new matrix refuses the change.",
	 matrix_opts, 0, 0, FL_CMD_JSON, run_matrix,
	 "  source       where the policy came from\n"
	 "  likelihood   names of the likelihood points, 1 first\n"
	 "  impact       names of the impact points, 1 first\n"
	 "  levels       [{name, review_days, escalates}], lowest first\n"
	 "  escalate     the lowest level that goes to the ISO\n"
	 "  grid         grid[likelihood-1][impact-1] = level name"},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
