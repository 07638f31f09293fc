/*
 * control: commands of the control group: the implementation of Group
 * controls in each entity (owner, status, due date), their evidence and
 * their design and operating tests, and the status views that derive each
 * control's effectiveness from its latest tests (rules: core/control.c).
 *
 * "evidence" takes a sub-verb (add, list, verify) as its first argument:
 * the command table has one verb per entry, so the three share one option
 * table and each refuses the options that are not its own.
 *
 * Each writing command is one transaction; any refusal rolls it back, so a
 * refused command leaves the database exactly as it was.
 */
#include "cli.h"
#include "../core/core.h"

/* ---- lookups ----------------------------------------------------------- */

static int
find_control(struct fl_ctx *ctx, const char *ref, long long *id)
{
	fl_err rc = fl_store_control_resolve(ctx->st, ref, id, &ctx->diag);

	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

static int
find_entity(struct fl_ctx *ctx, const char *key, long long *id)
{
	fl_err rc = fl_store_entity_resolve(ctx->st, key, id, &ctx->diag);

	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

static int
find_person(struct fl_ctx *ctx, const char *key, long long *id)
{
	fl_err rc = fl_store_person_resolve(ctx->st, "person", key, id, NULL, 0,
					    &ctx->diag);

	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

/* The optional --entity filter: 0 when not given. */
static int
entity_filter(struct fl_ctx *ctx, const struct fl_args *a, long long *id)
{
	*id = 0;
	if (fl_arg(a, "entity") == NULL)
		return 0;
	return find_entity(ctx, fl_arg(a, "entity"), id);
}

static int
days_opt(struct fl_ctx *ctx, const struct fl_args *a, const char *name,
	 long min, int *out)
{
	long v;

	if (fl_arg(a, name) == NULL)
		return 0;
	if (fl_parse_long(fl_arg(a, name), min, 36500, &v) != 0)
		return fl_cli_usage(ctx, "--%s must be a number of days (%ld..36500)",
				    name, min);
	*out = (int)v;
	return 0;
}

/* ---- printing --------------------------------------------------------- */

/* A collected table as a JSON array, with the conventions of fl_table_print. */
static void
json_table(struct fl_json *j, const struct fl_table *t)
{
	size_t r;
	int c;

	fl_json_arr_open(j);
	for (r = 0; r < t->nrows; r++) {
		fl_json_obj_open(j);
		for (c = 0; c < t->ncol; c++) {
			const char *v = t->rows[r][c], *n = t->names[c];
			char key[128];

			if (fl_cli_is_json_name(n) && strlen(n) - 5 < sizeof key) {
				memcpy(key, n, strlen(n) - 5);
				key[strlen(n) - 5] = '\0';
				fl_json_key(j, key);
			} else {
				fl_json_key(j, n);
			}
			if (v == NULL)
				fl_json_null(j);
			else if (fl_cli_is_json_name(n) && strcmp(v, "true") == 0)
				fl_json_bool(j, 1);
			else if (fl_cli_is_json_name(n) && strcmp(v, "false") == 0)
				fl_json_bool(j, 0);
			else if (t->types[c] == FL_COL_INT)
				fl_json_int(j, strtoll(v, NULL, 10));
			else
				fl_json_str(j, v);
		}
		fl_json_obj_close(j);
	}
	fl_json_arr_close(j);
}

/*
 * Text tables: a "*_json" column (a JSON value, e.g. true) is shown under
 * its name without the suffix, as the JSON view names it.
 */
static fl_err
text_row(void *vctx, const struct fl_row *row)
{
	const char *names[64];
	char buf[64][64];
	struct fl_row out = *row;
	int i;

	if (row->ncol > 64)
		return FL_E_INTERNAL;
	for (i = 0; i < row->ncol; i++) {
		size_t n = strlen(row->names[i]);
		names[i] = row->names[i];
		if (fl_cli_is_json_name(row->names[i]) && n - 5 < sizeof buf[i]) {
			memcpy(buf[i], row->names[i], n - 5);
			buf[i][n - 5] = '\0';
			names[i] = buf[i];
		}
	}
	out.names = names;
	return fl_table_add(vctx, &out);
}

/* Rows for a listing: as stored for JSON, renamed for text. */
static fl_row_fn
row_sink(const struct fl_ctx *ctx)
{
	return ctx->json ? fl_table_add : text_row;
}

/*
 * Text view of status rows: one readable column per concern.  The JSON
 * view keeps the separate fields.
 */

static fl_err
status_disp_row(void *vctx, const struct fl_row *row)
{
	struct fl_table *t = vctx;
	static const char *const names[] = {
		"entity", "control", "status", "owner", "due", "evidence",
		"design", "operating", "effectiveness"
	};
	enum fl_col_type types[9];
	const char *vals[9];
	const char *status = fl_row_get(row, "status");
	const char *due = fl_row_get(row, "due"), *ov = fl_row_get(row, "overdue_json");
	const char *ev = fl_row_get(row, "evidence");
	const char *exp = fl_row_get(row, "evidence_expired");
	const char *st = fl_row_get(row, "stale_json"), *eff = fl_row_get(row, "effectiveness");
	char cat_ctl[300], due_s[40], ev_s[64], eff_s[96];
	struct fl_row out;
	enum fl_effect e;
	int i;

	snprintf(cat_ctl, sizeof cat_ctl, "%s:%s",
		 fl_row_get(row, "catalog") ? fl_row_get(row, "catalog") : "",
		 fl_row_get(row, "control") ? fl_row_get(row, "control") : "");
	snprintf(due_s, sizeof due_s, "%s%s", due ? due : "-",
		 ov && strcmp(ov, "true") == 0 ? " OVERDUE" : "");
	if (exp && strcmp(exp, "0") != 0)
		snprintf(ev_s, sizeof ev_s, "%s (%s expired)", ev ? ev : "0", exp);
	else
		snprintf(ev_s, sizeof ev_s, "%s", ev ? ev : "0");
	snprintf(eff_s, sizeof eff_s, "%s%s",
		 fl_effect_parse(eff, &e) == 0 ? fl_effect_label(e) : "-",
		 st && strcmp(st, "true") == 0 ? " (stale)" : "");
	vals[0] = fl_row_get(row, "entity");
	vals[1] = cat_ctl;
	vals[2] = status ? status : "not recorded";
	vals[3] = fl_row_get(row, "owner");
	vals[4] = due_s;
	vals[5] = ev_s;
	vals[6] = fl_row_get(row, "design_result");
	vals[7] = fl_row_get(row, "operating_result");
	vals[8] = eff_s;
	for (i = 0; i < 9; i++)
		types[i] = vals[i] ? FL_COL_TEXT : FL_COL_NULL;
	out.ncol = 9;
	out.names = names;
	out.vals = vals;
	out.types = types;
	return fl_table_add(t, &out);
}

/* ---- control implement ------------------------------------------------ */

static const struct fl_opt implement_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE", "the entity (code or name); required"},
	{"owner", FL_OPT_VALUE, "PERSON",
	 "the Control Implementation Responsible (e-mail or name; 'none' clears)"},
	{"status", FL_OPT_VALUE, "STATUS",
	 "planned, partial, implemented or not-applicable"},
	{"justification", FL_OPT_VALUE, "TEXT",
	 "why (required for not-applicable; '' clears)"},
	{"due", FL_OPT_VALUE, "DATE", "due date YYYY-MM-DD ('none' clears)"},
	{NULL, 0, NULL, NULL}
};

static fl_err
print_status_line(void *vctx, const struct fl_row *row)
{
	const char *owner = fl_row_get(row, "owner");
	const char *due = fl_row_get(row, "due");
	const char *ov = fl_row_get(row, "overdue_json");

	(void)vctx;
	printf("%s:%s in %s: %s", fl_row_get(row, "catalog"),
	       fl_row_get(row, "control"), fl_row_get(row, "entity"),
	       fl_row_get(row, "status") ? fl_row_get(row, "status")
					 : "not recorded");
	if (owner)
		printf(", owner %s", owner);
	if (due)
		printf(", due %s%s", due,
		       ov && strcmp(ov, "true") == 0 ? " (overdue)" : "");
	printf("; effectiveness %s\n", fl_row_get(row, "effectiveness"));
	return FL_OK;
}

static int
show_line(struct fl_ctx *ctx, long long cid, long long eid)
{
	struct fl_control_q q;
	fl_err rc;

	memset(&q, 0, sizeof q);
	q.control_id = cid;
	q.entity_id = eid;
	rc = fl_store_control_status(ctx->st, &q, print_status_line, NULL);
	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

static int
run_implement(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_impl_req req;
	const char *owner = fl_arg(a, "owner"), *due = fl_arg(a, "due");
	long long cid, eid;
	int code;

	if (fl_arg(a, "entity") == NULL)
		return fl_cli_usage(ctx, "'control implement' needs --entity CODE");
	memset(&req, 0, sizeof req);
	if ((code = find_control(ctx, a->pos[0], &cid)) != 0 ||
	    (code = find_entity(ctx, fl_arg(a, "entity"), &eid)) != 0)
		return code;
	if (owner && strcmp(owner, "none") == 0)
		req.clear_owner = 1;
	else if (owner && (code = find_person(ctx, owner, &req.owner_id)) != 0)
		return code;
	if (due && strcmp(due, "none") == 0)
		req.clear_due = 1;
	else
		req.due = due;
	req.status = fl_arg(a, "status");
	req.justification = fl_arg(a, "justification");
	if (fl_store_begin(ctx->st) != FL_OK)
		return fl_cli_fail(ctx, FL_E_DB);
	code = fl_cli_finish(ctx, fl_store_control_implement(ctx->st, cid, eid, &req,
						      &ctx->diag));
	return code ? code : show_line(ctx, cid, eid);
}

/* ---- control evidence add|list|verify ----------------------------------- */

static const struct fl_opt evidence_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE",
	 "the entity (add: required; list, verify: filter)"},
	{"file", FL_OPT_VALUE, "PATH", "add: an evidence file (hashed with SHA-256)"},
	{"url", FL_OPT_VALUE, "URL", "add: an evidence URL (http or https)"},
	{"description", FL_OPT_VALUE, "TEXT", "add: what the evidence shows"},
	{"collected", FL_OPT_VALUE, "DATE", "add: date collected (default today)"},
	{"expires", FL_OPT_VALUE, "DATE", "add: date the evidence expires"},
	{"control", FL_OPT_VALUE, "REF", "list, verify: only this control"},
	{"catalog", FL_OPT_VALUE, "KEY", "list, verify: only this catalogue"},
	{"expired", FL_OPT_FLAG, NULL, "list: only expired evidence"},
	{"expiring", FL_OPT_VALUE, "DAYS",
	 "list: only evidence expiring within DAYS days (not yet expired)"},
	{NULL, 0, NULL, NULL}
};

/* Refuse options that belong to another sub-verb. */
static int
only_opts(struct fl_ctx *ctx, const struct fl_args *a, const char *verb,
	  const char *const *allowed)
{
	const struct fl_opt *o;
	const char *const *p;

	for (o = evidence_opts; o->name; o++) {
		if (!fl_flag(a, o->name))
			continue;
		for (p = allowed; *p; p++)
			if (strcmp(*p, o->name) == 0)
				break;
		if (*p == NULL)
			return fl_cli_usage(ctx, "option '--%s' does not apply to "
					    "'control evidence %s'", o->name, verb);
	}
	return 0;
}

static int
evidence_add(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const allowed[] = {
		"entity", "file", "url", "description", "collected", "expires", NULL
	};
	struct fl_evidence_req req;
	long long cid, eid, id = 0;
	int code;
	fl_err rc;

	if ((code = only_opts(ctx, a, "add", allowed)) != 0)
		return code;
	if (a->npos != 2)
		return fl_cli_usage(ctx, "'control evidence add' takes REF");
	if (fl_arg(a, "entity") == NULL)
		return fl_cli_usage(ctx, "'control evidence add' needs --entity CODE");
	if ((fl_arg(a, "file") == NULL) == (fl_arg(a, "url") == NULL))
		return fl_cli_usage(ctx, "'control evidence add' needs --file PATH "
				    "or --url URL");
	if (ctx->json)
		return fl_cli_usage(ctx, "'control evidence add' has no --json");
	if ((code = find_control(ctx, a->pos[1], &cid)) != 0 ||
	    (code = find_entity(ctx, fl_arg(a, "entity"), &eid)) != 0)
		return code;
	memset(&req, 0, sizeof req);
	req.file = fl_arg(a, "file");
	req.url = fl_arg(a, "url");
	req.description = fl_arg(a, "description");
	req.collected = fl_arg(a, "collected");
	req.expires = fl_arg(a, "expires");
	if (fl_store_begin(ctx->st) != FL_OK)
		return fl_cli_fail(ctx, FL_E_DB);
	rc = fl_store_evidence_add(ctx->st, cid, eid, &req, &id, &ctx->diag);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	printf("evidence %lld registered for %s in %s\n", id, a->pos[1],
	       fl_arg(a, "entity"));
	return 0;
}

/* The listing filters shared by list and verify. */
static int
evidence_query(struct fl_ctx *ctx, const struct fl_args *a,
	       struct fl_control_q *q)
{
	int code;

	memset(q, 0, sizeof *q);
	if ((code = entity_filter(ctx, a, &q->entity_id)) != 0)
		return code;
	if (fl_arg(a, "control") &&
	    (code = find_control(ctx, fl_arg(a, "control"), &q->control_id)) != 0)
		return code;
	q->catalog = fl_arg(a, "catalog");
	return 0;
}

static int
list_fail(struct fl_ctx *ctx, const struct fl_control_q *q, fl_err rc)
{
	if (rc == FL_E_NOTFOUND && q->catalog)
		return fl_cli_error(FL_EX_DATA, "no catalogue '%s'", q->catalog);
	return fl_cli_fail(ctx, rc);
}

struct ev_filter {
	struct fl_table *t;
	int json;
	int expired, expiring; /* expiring: -1 when not asked */
};

static fl_err
ev_filter_row(void *vctx, const struct fl_row *row)
{
	struct ev_filter *f = vctx;
	const char *state = fl_row_get(row, "state");
	const char *left = fl_row_get(row, "days_left");
	long n = 0;
	int keep = 0;

	if (f->expired && state && strcmp(state, "expired") == 0)
		keep = 1;
	if (f->expiring >= 0 && left &&
	    fl_parse_long(left, LONG_MIN, LONG_MAX, &n) == 0 && n >= 0 &&
	    n <= f->expiring)
		keep = 1;
	if (!f->expired && f->expiring < 0)
		keep = 1;
	if (!keep)
		return FL_OK;
	return f->json ? fl_table_add(f->t, row) : text_row(f->t, row);
}

static int
evidence_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const allowed[] = {
		"entity", "control", "catalog", "expired", "expiring", NULL
	};
	struct fl_control_q q;
	struct fl_table t;
	struct ev_filter f;
	int code;
	fl_err rc;

	if ((code = only_opts(ctx, a, "list", allowed)) != 0)
		return code;
	if (a->npos != 1)
		return fl_cli_usage(ctx, "'control evidence list' takes no REF "
				    "(use --control)");
	f.expired = fl_flag(a, "expired");
	f.expiring = -1;
	if ((code = days_opt(ctx, a, "expiring", 0, &f.expiring)) != 0 ||
	    (code = evidence_query(ctx, a, &q)) != 0)
		return code;
	fl_table_init(&t);
	f.t = &t;
	f.json = ctx->json;
	rc = fl_store_evidence_list(ctx->st, &q, ev_filter_row, &f);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return list_fail(ctx, &q, rc);
	}
	code = fl_table_print(ctx, &t,
			      "id,entity,catalog,control,kind,location,collected,"
			      "expires,state");
	fl_table_release(&t);
	return code;
}

static int
evidence_verify(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const allowed[] = {
		"entity", "control", "catalog", NULL
	};
	struct fl_control_q q;
	struct fl_table t;
	long bad = 0;
	int code;
	fl_err rc;

	if ((code = only_opts(ctx, a, "verify", allowed)) != 0)
		return code;
	if (a->npos != 1)
		return fl_cli_usage(ctx, "'control evidence verify' takes no REF "
				    "(use --control)");
	if ((code = evidence_query(ctx, a, &q)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_store_evidence_verify(ctx->st, &q, &bad, row_sink(ctx), &t);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return list_fail(ctx, &q, rc);
	}
	code = fl_table_print(ctx, &t, "id,entity,control,kind,location,result");
	fl_table_release(&t);
	if (code != 0)
		return code;
	if (bad > 0)
		return fl_cli_error(FL_EX_DATA,
				    "%ld evidence file%s changed, missing or "
				    "unreadable since registration",
				    bad, bad == 1 ? "" : "s");
	return 0;
}

static int
run_evidence(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *sub = a->pos[0];

	if (strcmp(sub, "add") == 0)
		return evidence_add(ctx, a);
	if (strcmp(sub, "list") == 0)
		return evidence_list(ctx, a);
	if (strcmp(sub, "verify") == 0)
		return evidence_verify(ctx, a);
	return fl_cli_usage(ctx, "unknown 'control evidence' verb '%s' (add, "
			    "list, verify)", sub);
}

/* ---- control test -------------------------------------------------------- */

static const struct fl_opt test_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE", "the entity (code or name); required"},
	{"kind", FL_OPT_VALUE, "KIND", "design or operating; required"},
	{"date", FL_OPT_VALUE, "DATE", "date of the test YYYY-MM-DD; required"},
	{"tester", FL_OPT_VALUE, "PERSON", "who tested (e-mail or name); required"},
	{"method", FL_OPT_VALUE, "METHOD",
	 "inquiry, observation, inspection, reperformance, examine, interview, "
	 "test or analytics"},
	{"sample", FL_OPT_VALUE, "TEXT", "what was sampled (e.g. '25 of 310 joiners')"},
	{"result", FL_OPT_VALUE, "RESULT",
	 "effective, partially-effective or ineffective; required"},
	{"notes", FL_OPT_VALUE, "TEXT", "findings, exceptions, follow-up"},
	{NULL, 0, NULL, NULL}
};

static int
run_test(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const required[] = {
		"entity", "kind", "date", "tester", "result", NULL
	};
	const char *const *r;
	struct fl_test_req req;
	long long cid, eid, id = 0;
	char eff[64];
	int code;
	fl_err rc;

	for (r = required; *r; r++)
		if (fl_arg(a, *r) == NULL)
			return fl_cli_usage(ctx, "'control test' needs --%s", *r);
	memset(&req, 0, sizeof req);
	if ((code = find_control(ctx, a->pos[0], &cid)) != 0 ||
	    (code = find_entity(ctx, fl_arg(a, "entity"), &eid)) != 0 ||
	    (code = find_person(ctx, fl_arg(a, "tester"), &req.tester_id)) != 0)
		return code;
	req.kind = fl_arg(a, "kind");
	req.date = fl_arg(a, "date");
	req.method = fl_arg(a, "method");
	req.sample = fl_arg(a, "sample");
	req.result = fl_arg(a, "result");
	req.notes = fl_arg(a, "notes");
	if (fl_store_begin(ctx->st) != FL_OK)
		return fl_cli_fail(ctx, FL_E_DB);
	rc = fl_store_control_test(ctx->st, cid, eid, &req, &id, &ctx->diag);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	if ((rc = fl_store_control_effectiveness(ctx->st, cid, eid, eff,
						 sizeof eff)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	printf("test %lld recorded: %s %s; %s in %s is now %s\n", id, req.kind,
	       req.result, a->pos[0], fl_arg(a, "entity"), eff);
	return 0;
}

/* ---- control status -------------------------------------------------------- */

static const struct fl_opt status_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE", "only this entity"},
	{"catalog", FL_OPT_VALUE, "KEY", "only this catalogue's controls"},
	{"max-age", FL_OPT_VALUE, "DAYS",
	 "tests older than DAYS are stale (default: control policy, 365)"},
	{"recorded", FL_OPT_FLAG, NULL,
	 "only controls the entity has recorded or tested"},
	{"gaps", FL_OPT_FLAG, NULL,
	 "only gaps: planned/partial, overdue, weak, stale, expired, untested"},
	{NULL, 0, NULL, NULL}
};

static int
run_status(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_control_q q;
	struct fl_table t;
	int code;
	fl_err rc;

	memset(&q, 0, sizeof q);
	if ((code = entity_filter(ctx, a, &q.entity_id)) != 0 ||
	    (code = days_opt(ctx, a, "max-age", 1, &q.max_age)) != 0)
		return code;
	q.catalog = fl_arg(a, "catalog");
	q.recorded = fl_flag(a, "recorded");
	q.gaps = fl_flag(a, "gaps");
	fl_table_init(&t);
	rc = fl_store_control_status(ctx->st, &q,
				     ctx->json ? fl_table_add : status_disp_row,
				     &t);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return list_fail(ctx, &q, rc);
	}
	code = fl_table_print(ctx, &t, NULL);
	fl_table_release(&t);
	return code;
}

/* ---- control show ------------------------------------------------------------ */

static const struct fl_opt show_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE", "only this entity"},
	{"max-age", FL_OPT_VALUE, "DAYS", "tests older than DAYS are stale"},
	{NULL, 0, NULL, NULL}
};

static int
print_json_show(struct fl_table *info, struct fl_table *impl,
		struct fl_table *ev, struct fl_table *tests)
{
	struct fl_buf b;
	struct fl_json j;
	const char *w = fl_table_cell(info, 0, "withdrawn");
	int rc = 0;

	fl_buf_init(&b, 0);
	fl_json_init(&j, &b, 0);
	fl_json_obj_open(&j);
	fl_json_key(&j, "catalog");
	fl_json_str(&j, fl_table_cell(info, 0, "catalog"));
	fl_json_key(&j, "catalog_kind");
	fl_json_str(&j, fl_table_cell(info, 0, "catalog_kind"));
	fl_json_key(&j, "control");
	fl_json_str(&j, fl_table_cell(info, 0, "control"));
	fl_json_key(&j, "key");
	fl_json_str(&j, fl_table_cell(info, 0, "key"));
	fl_json_key(&j, "title");
	fl_json_str(&j, fl_table_cell(info, 0, "title"));
	fl_json_key(&j, "withdrawn");
	fl_json_bool(&j, w && strcmp(w, "0") != 0);
	fl_json_key(&j, "implementations");
	json_table(&j, impl);
	fl_json_key(&j, "evidence");
	json_table(&j, ev);
	fl_json_key(&j, "tests");
	json_table(&j, tests);
	fl_json_obj_close(&j);
	fl_buf_putc(&b, '\n');
	if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
		rc = fl_cli_error(FL_EX_IO, "cannot write output");
	fl_buf_release(&b);
	return rc;
}

static int
run_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table info, impl, ev, tests;
	struct fl_control_q q;
	int code;
	fl_err rc;

	memset(&q, 0, sizeof q);
	if ((code = find_control(ctx, a->pos[0], &q.control_id)) != 0 ||
	    (code = entity_filter(ctx, a, &q.entity_id)) != 0 ||
	    (code = days_opt(ctx, a, "max-age", 1, &q.max_age)) != 0)
		return code;
	fl_table_init(&info);
	fl_table_init(&impl);
	fl_table_init(&ev);
	fl_table_init(&tests);
	rc = fl_store_control_info(ctx->st, q.control_id, fl_table_add, &info);
	if (rc == FL_OK)
		rc = fl_store_control_status(ctx->st, &q, row_sink(ctx), &impl);
	if (rc == FL_OK)
		rc = fl_store_evidence_list(ctx->st, &q, row_sink(ctx), &ev);
	if (rc == FL_OK)
		rc = fl_store_control_tests(ctx->st, &q, row_sink(ctx), &tests);
	if (rc == FL_OK && (info.err || impl.err || ev.err || tests.err))
		rc = FL_E_NOMEM;
	if (rc == FL_OK && info.nrows == 0)
		rc = FL_E_NOTFOUND;
	if (rc != FL_OK) {
		code = fl_cli_fail(ctx, rc);
	} else if (ctx->json) {
		code = print_json_show(&info, &impl, &ev, &tests);
	} else {
		printf("%s:%s  %s%s\n\nimplementations:\n", fl_table_cell(&info, 0, "catalog"),
		       fl_table_cell(&info, 0, "control"), fl_table_cell(&info, 0, "title"),
		       strcmp(fl_table_cell(&info, 0, "withdrawn"), "0") ? " (withdrawn)" : "");
		fflush(stdout);
		code = fl_table_print(ctx, &impl,
				      "entity,status,owner,justification,due,"
				      "evidence,evidence_expired,design_result,"
				      "design_date,operating_result,operating_date,"
				      "effectiveness,stale");
		if (code == 0) {
			printf("\nevidence:\n");
			fflush(stdout);
			code = fl_table_print(ctx, &ev,
					      "id,entity,kind,location,collected,"
					      "expires,state,description");
		}
		if (code == 0) {
			printf("\ntests:\n");
			fflush(stdout);
			code = fl_table_print(ctx, &tests,
					      "id,entity,kind,date,tester,method,"
					      "sample,result,stale,notes");
		}
	}
	fl_table_release(&info);
	fl_table_release(&impl);
	fl_table_release(&ev);
	fl_table_release(&tests);
	return code;
}

/* ---- control tests ------------------------------------------------------------- */

static const struct fl_opt tests_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE", "only this entity"},
	{"control", FL_OPT_VALUE, "REF", "only this control"},
	{"catalog", FL_OPT_VALUE, "KEY", "only this catalogue's controls"},
	{NULL, 0, NULL, NULL}
};

static int
run_tests(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_control_q q;
	struct fl_table t;
	int code;
	fl_err rc;

	memset(&q, 0, sizeof q);
	if ((code = entity_filter(ctx, a, &q.entity_id)) != 0)
		return code;
	if (fl_arg(a, "control") &&
	    (code = find_control(ctx, fl_arg(a, "control"), &q.control_id)) != 0)
		return code;
	q.catalog = fl_arg(a, "catalog");
	fl_table_init(&t);
	rc = fl_store_control_tests(ctx->st, &q, row_sink(ctx), &t);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return list_fail(ctx, &q, rc);
	}
	code = fl_table_print(ctx, &t,
			      "id,entity,catalog,control,kind,date,tester,method,"
			      "result,stale");
	fl_table_release(&t);
	return code;
}

/* ---- control policy ------------------------------------------------------------- */

static const struct fl_opt policy_opts[] = {
	{"test-max-age", FL_OPT_VALUE, "DAYS",
	 "tests older than DAYS are reported stale (default 365)"},
	{"evidence-warning", FL_OPT_VALUE, "DAYS",
	 "evidence expiring within DAYS is reported expiring (default 30)"},
	{NULL, 0, NULL, NULL}
};

static int
run_policy(struct fl_ctx *ctx, const struct fl_args *a)
{
	int age = -1, warn = -1, code;
	fl_err rc;

	if ((code = days_opt(ctx, a, "test-max-age", 1, &age)) != 0 ||
	    (code = days_opt(ctx, a, "evidence-warning", 0, &warn)) != 0)
		return code;
	if (age > 0 || warn >= 0) {
		if (fl_store_begin(ctx->st) != FL_OK)
			return fl_cli_fail(ctx, FL_E_DB);
		rc = fl_store_control_policy_set(ctx->st, age, warn, &ctx->diag);
		if ((code = fl_cli_finish(ctx, rc)) != 0)
			return code;
	}
	if ((rc = fl_store_control_policy(ctx->st, &age, &warn)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	if (ctx->json)
		printf("{\"test_max_age\":%d,\"evidence_warning\":%d}\n", age, warn);
	else
		printf("tests are stale after %d days; evidence is expiring "
		       "%d days before its expiry date\n", age, warn);
	return 0;
}

/* ---- the table -------------------------------------------------------------------- */

#define STATUS_FIELDS                                                        \
	"  entity             entity code\n"                                 \
	"  catalog            catalogue key\n"                               \
	"  control            control label (or key)\n"                      \
	"  title              control title\n"                               \
	"  owner              Control Implementation Responsible (name)\n"   \
	"  owner_email        their e-mail\n"                                \
	"  status             planned, partial, implemented, not-applicable,\n" \
	"                     or null when the entity has not recorded it\n" \
	"  justification      why (not-applicable needs one)\n"              \
	"  due                due date or null\n"                            \
	"  evidence           number of evidence items\n"                    \
	"  evidence_expired   evidence whose expiry date has passed\n"       \
	"  evidence_expiring  evidence expiring within the warning window\n" \
	"  design_result      latest design test: effective,\n"              \
	"                     partially-effective, ineffective, or null\n"   \
	"  design_date        its date\n"                                    \
	"  operating_result   latest operating test, as design_result\n"     \
	"  operating_date     its date\n"                                    \
	"  control_id         internal id of the control\n"                  \
	"  entity_id          internal id of the entity\n"                   \
	"  overdue            true when due has passed and status is planned\n" \
	"                     or partial\n"                                  \
	"  effectiveness      not-applicable, not-tested, design-effective,\n" \
	"                     operating-effective, effective,\n"             \
	"                     partially-effective or ineffective\n"          \
	"  stale              true when a latest test is older than the\n"   \
	"                     policy's age (default 365 days)"

const struct fl_cmd fl_cmds_control[] = {
	{"control", "implement", "REF",
	 "record how a control is implemented in an entity",
	 "Creates or updates the implementation of control REF (KEY or\n"
	 "CATALOG:KEY) in an entity: its owner (the Control Implementation\n"
	 "Responsible), status (planned, partial, implemented, not-applicable)\n"
	 "and due date.  Options not given keep their recorded value; a new\n"
	 "record starts as planned.  not-applicable needs a justification\n"
	 "(exit 65 without one, and nothing is changed).  Running the same\n"
	 "command again changes nothing and writes no audit entry.\n"
	 "Audited as control.implement.",
	 implement_opts, 1, 1, 0, run_implement, NULL},
	{"control", "evidence", "add REF | list | verify",
	 "register, list and verify evidence of control implementation",
	 "control evidence add REF --entity CODE (--file PATH | --url URL)\n"
	 "    [--description TEXT] [--collected DATE] [--expires DATE]\n"
	 "  Registers evidence for the implementation of REF in the entity,\n"
	 "  which must be recorded first (control implement): evidence is not\n"
	 "  allowed to create a control record by itself.  A file is stored by\n"
	 "  its absolute path with its SHA-256 and size (missing file: exit\n"
	 "  66).  Collection defaults to today and may not lie in the future.\n"
	 "  Audited as evidence.add.\n"
	 "control evidence list [--entity CODE] [--control REF] [--catalog KEY]\n"
	 "    [--expired] [--expiring DAYS] [--json]\n"
	 "  Evidence, newest first, with its state: current, expiring (within\n"
	 "  the policy's warning window, default 30 days, expiring today\n"
	 "  included) or expired (expiry date before today).\n"
	 "control evidence verify [--entity CODE] [--control REF] [--json]\n"
	 "  Re-hashes every evidence file and reports ok, changed, missing or\n"
	 "  unreadable (URLs: not-checked); exits 65 when any file changed,\n"
	 "  is missing or unreadable.",
	 evidence_opts, 1, 2, FL_CMD_JSON, run_evidence,
	 "  list:\n"
	 "  id           evidence id\n"
	 "  entity       entity code\n"
	 "  catalog      catalogue key\n"
	 "  control      control label (or key)\n"
	 "  kind         file or url\n"
	 "  location     absolute path or URL\n"
	 "  sha256       SHA-256 at registration (files)\n"
	 "  size         bytes at registration (files)\n"
	 "  description  what it shows\n"
	 "  collected    date collected\n"
	 "  expires      expiry date or null\n"
	 "  days_left    days until expiry (negative: expired) or null\n"
	 "  state        current, expiring or expired\n"
	 "  verify: id, entity, catalog, control, kind, location, sha256, size,\n"
	 "  description, collected, expires as above, and\n"
	 "  now_sha256   SHA-256 now (null when missing or a URL)\n"
	 "  now_size     bytes now\n"
	 "  result       ok, changed, missing, unreadable or not-checked"},
	{"control", "test", "REF", "record a design or operating test of a control",
	 "Records a test of control REF in an entity: kind (design or\n"
	 "operating), date (not in the future), tester, method, sample,\n"
	 "result (effective, partially-effective, ineffective) and notes.  The\n"
	 "control must be recorded in the entity first.  The control's\n"
	 "effectiveness is derived from its latest design and operating tests:\n"
	 "either ineffective makes it ineffective, either partially effective\n"
	 "makes it partially effective, both effective make it effective; a\n"
	 "single effective test gives design-effective or operating-effective.\n"
	 "Audited as control.test.",
	 test_opts, 1, 1, 0, run_test, NULL},
	{"control", "status", NULL,
	 "implementation, evidence and effectiveness per control and entity",
	 "One row per Group control and entity (and per other control an\n"
	 "entity has recorded or tested): owner, status, due date (overdue\n"
	 "flagged), evidence and expired evidence, latest design and operating\n"
	 "results and the derived effectiveness, with stale tests flagged.\n"
	 "--recorded keeps the rows where the entity has an implementation\n"
	 "record or a test of the control (drops the \"not recorded\" rows).\n"
	 "--gaps keeps the rows that need attention: status planned or\n"
	 "partial; overdue; effectiveness ineffective or partially-effective;\n"
	 "a stale test; expired evidence; or implemented but never tested.\n"
	 "Both may be given; the fields are the same either way.",
	 status_opts, 0, 0, FL_CMD_JSON, run_status, STATUS_FIELDS},
	{"control", "show", "REF", "one control: implementations, evidence, tests",
	 "Everything recorded about control REF: per entity the status view\n"
	 "of 'control status', every evidence item and the full test history.",
	 show_opts, 1, 1, FL_CMD_JSON, run_show,
	 "  one object:\n"
	 "  catalog, catalog_kind, control, key, title, withdrawn (bool)\n"
	 "  implementations  array of 'control status' rows for this control\n"
	 "  evidence         array of 'control evidence list' rows\n"
	 "  tests            array of 'control tests' rows, newest first"},
	{"control", "tests", NULL, "list control tests, newest first",
	 "Every design and operating test, newest first, with its age and\n"
	 "whether it is stale.",
	 tests_opts, 0, 0, FL_CMD_JSON, run_tests,
	 "  id            test id\n"
	 "  entity        entity code\n"
	 "  catalog       catalogue key\n"
	 "  control       control label (or key)\n"
	 "  kind          design or operating\n"
	 "  date          date of the test\n"
	 "  tester        tester's name\n"
	 "  tester_email  tester's e-mail\n"
	 "  method        test method or null\n"
	 "  sample        sample description or null\n"
	 "  result        effective, partially-effective or ineffective\n"
	 "  notes         notes or null\n"
	 "  age_days      days since the test\n"
	 "  stale         true when older than the policy's age"},
	{"control", "policy", NULL, "show or set the test age and evidence warning",
	 "Tests older than --test-max-age days (default 365) are reported\n"
	 "stale; evidence within --evidence-warning days of its expiry date\n"
	 "(default 30) is reported expiring.  Without options, prints them.\n"
	 "Changes are audited as control.policy.",
	 policy_opts, 0, 0, FL_CMD_JSON, run_policy,
	 "  test_max_age      days\n"
	 "  evidence_warning  days"},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
