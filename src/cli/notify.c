/*
 * notify: the outbox commands — who is told what (routes, webhooks, the
 * SMTP server, role addresses), what is queued, and `notify run`, which
 * delivers everything that is due.
 *
 * `notify run` wires the store (store/notify.h) to the senders
 * (notify/send.h): for each due message it claims the attempt in one short
 * transaction, sends with no transaction open (a slow mail server must not
 * hold the database), and records the outcome in a second one.  A message
 * that cannot be attempted because something is not configured (no
 * address for its role, no SMTP server, a secret that cannot be read) is
 * reported and left due, not counted as an attempt: it goes out on the
 * first run after the configuration is fixed.
 *
 * Secrets are never printed: `notify smtp` shows where the password comes
 * from, not what it is.
 */
#include "cli.h"
#include "../core/notify.h"
#include "../notify/send.h"
#include "../store/incident.h"
#include "../store/notify.h"

#define OPT_END {NULL, 0, NULL, NULL}
#define RUN_MAX 10000
#define PASSWORD_ENV "FIRSTLINE_SMTP_PASSWORD"

static int
begin(struct fl_ctx *ctx)
{
	fl_err rc = fl_store_begin(ctx->st);

	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

static int
parse_id(struct fl_ctx *ctx, const char *s, long long *id)
{
	long v;

	if (fl_parse_long(s, 1, LONG_MAX, &v) != 0)
		return fl_cli_usage(ctx, "'%s' is not a notification or route "
				    "number", s);
	*id = v;
	return 0;
}

/* --now TIME, else now (which honours $FIRSTLINE_NOW). */
static int
now_opt(struct fl_ctx *ctx, const struct fl_args *a, time_t *now)
{
	const char *v = fl_arg(a, "now");

	if (v == NULL) {
		*now = fl_now();
		return 0;
	}
	if (fl_time_parse(v, now) != 0)
		return fl_cli_usage(ctx, "--now must be YYYY-MM-DD or "
				    "YYYY-MM-DDTHH:MM:SSZ, not '%s'", v);
	return 0;
}

/* ---- route --------------------------------------------------------------- */

static const struct fl_opt route_opts[] = {
	{"event", FL_OPT_VALUE, "PATTERN",
	 "add: an event (risk.escalated), a prefix (incident.*) or *"},
	{"min-severity", FL_OPT_VALUE, "SEV",
	 "add: only notices of this severity or higher (low, medium, high, "
	 "critical); default any"},
	{"mail", FL_OPT_VALUE, "ADDRESS|ROLE",
	 "add: send an e-mail to an address or to a role (iso, itso, ...)"},
	{"webhook", FL_OPT_VALUE, "NAME", "add: POST to this webhook"},
	OPT_END
};

static int
run_route(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *act = a->pos[0];
	struct fl_notify_route_in r;
	struct fl_table t;
	long long id = 0;
	int code;
	fl_err rc;

	if (strcmp(act, "list") == 0) {
		if (a->npos != 1)
			return fl_cli_usage(ctx, "'notify route list' takes no "
					    "arguments");
		fl_table_init(&t);
		rc = fl_notify_route_list(ctx->st, fl_table_add, &t);
		return fl_table_finish(ctx, &t, rc, NULL);
	}
	if (strcmp(act, "rm") == 0) {
		if (a->npos != 2)
			return fl_cli_usage(ctx, "usage: notify route rm ID");
		if ((code = parse_id(ctx, a->pos[1], &id)) != 0)
			return code;
		if ((code = begin(ctx)) != 0)
			return code;
		rc = fl_notify_route_rm(ctx->st, id, &ctx->diag);
		if ((code = fl_cli_finish(ctx, rc)) != 0)
			return code;
		printf("removed route %lld\n", id);
		return 0;
	}
	if (strcmp(act, "add") != 0)
		return fl_cli_usage(ctx, "unknown action '%s': add, list or rm",
				    act);
	if (a->npos != 1)
		return fl_cli_usage(ctx, "'notify route add' takes options only");
	memset(&r, 0, sizeof r);
	r.event = fl_arg(a, "event");
	r.min_severity = fl_arg(a, "min-severity");
	if (r.event == NULL)
		return fl_cli_usage(ctx, "'notify route add' needs --event");
	if ((fl_arg(a, "mail") != NULL) == (fl_arg(a, "webhook") != NULL))
		return fl_cli_usage(ctx, "'notify route add' needs one of --mail "
				    "or --webhook");
	r.channel = fl_arg(a, "mail") ? "mail" : "webhook";
	r.target = fl_arg(a, "mail") ? fl_arg(a, "mail") : fl_arg(a, "webhook");
	if ((code = begin(ctx)) != 0)
		return code;
	rc = fl_notify_route_add(ctx->st, &r, &id, &ctx->diag);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	printf("route %lld: %s%s%s -> %s %s\n", id, r.event,
	       r.min_severity ? " from " : "",
	       r.min_severity ? r.min_severity : "", r.channel, r.target);
	return 0;
}

/* ---- webhook ------------------------------------------------------------- */

static const struct fl_opt webhook_opts[] = {
	{"secret-env", FL_OPT_VALUE, "VARIABLE",
	 "add: sign with the key in this environment variable"},
	{"secret-file", FL_OPT_VALUE, "PATH",
	 "add: sign with the key in this file (absolute path)"},
	OPT_END
};

static int
run_webhook(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *act = a->pos[0], *env = fl_arg(a, "secret-env");
	const char *file = fl_arg(a, "secret-file");
	char ref[1100];
	struct fl_table t;
	int code, replaced = 0;
	fl_err rc;

	if (strcmp(act, "list") == 0) {
		if (a->npos != 1)
			return fl_cli_usage(ctx, "'notify webhook list' takes no "
					    "arguments");
		fl_table_init(&t);
		rc = fl_notify_webhook_list(ctx->st, fl_table_add, &t);
		return fl_table_finish(ctx, &t, rc, NULL);
	}
	if (strcmp(act, "rm") == 0) {
		if (a->npos != 2)
			return fl_cli_usage(ctx, "usage: notify webhook rm NAME");
		if ((code = begin(ctx)) != 0)
			return code;
		rc = fl_notify_webhook_rm(ctx->st, a->pos[1], &ctx->diag);
		if ((code = fl_cli_finish(ctx, rc)) != 0)
			return code;
		printf("removed webhook %s\n", a->pos[1]);
		return 0;
	}
	if (strcmp(act, "add") != 0)
		return fl_cli_usage(ctx, "unknown action '%s': add, list or rm",
				    act);
	if (a->npos != 3)
		return fl_cli_usage(ctx, "usage: notify webhook add NAME URL");
	if (env && file)
		return fl_cli_usage(ctx, "give --secret-env or --secret-file, "
				    "not both");
	ref[0] = '\0';
	if (env)
		snprintf(ref, sizeof ref, "env:%s", env);
	else if (file)
		snprintf(ref, sizeof ref, "file:%s", file);
	if (ref[0] && !fl_notify_secret_ref_valid(ref))
		return fl_cli_usage(ctx, "%s", env ? "--secret-env names an "
				    "environment variable (A-Z, 0-9, _)"
				    : "--secret-file needs an absolute path");
	if ((code = begin(ctx)) != 0)
		return code;
	rc = fl_notify_webhook_add(ctx->st, a->pos[1], a->pos[2],
				   ref[0] ? ref : NULL, &replaced, &ctx->diag);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	printf("%s webhook %s (%s)\n", replaced ? "updated" : "added",
	       a->pos[1], ref[0] ? "signed" : "unsigned");
	return 0;
}

/* ---- settings: smtp, config, role -------------------------------------- */

struct setting_opt {
	const char *opt, *key, *field;
};

static const struct setting_opt smtp_keys[] = {
	{"url", "notify.smtp.url", "url"},
	{"from", "notify.smtp.from", "from"},
	{"user", "notify.smtp.user", "user"},
	{"starttls", "notify.smtp.starttls", "starttls"},
	{"cafile", "notify.smtp.cafile", "cafile"},
	{"password-file", "notify.smtp.password_file", "password_file"},
	{NULL, NULL, NULL}
};

static const struct setting_opt config_keys[] = {
	{"timeout", "notify.timeout", "timeout"},
	{"max-attempts", "notify.max_attempts", "max_attempts"},
	{"webhook-cafile", "notify.webhook.cafile", "webhook_cafile"},
	{NULL, NULL, NULL}
};

/* Apply --OPT VALUE and --clear OPT for the keys of one command. */
static int
apply_settings(struct fl_ctx *ctx, const struct fl_args *a,
	       const struct setting_opt *keys, int *nchanged)
{
	const char *const *clear;
	int nclear = fl_arg_multi(a, "clear", &clear), i, k, changed, any = 0;
	fl_err rc = FL_OK;
	int code;

	*nchanged = 0;
	for (i = 0; i < nclear; i++) {
		for (k = 0; keys[k].opt; k++)
			if (strcmp(clear[i], keys[k].opt) == 0)
				break;
		if (keys[k].opt == NULL)
			return fl_cli_usage(ctx, "--clear: unknown setting '%s'",
					    clear[i]);
		if (fl_arg(a, keys[k].opt))
			return fl_cli_usage(ctx, "--%s and --clear %s contradict",
					    keys[k].opt, keys[k].opt);
	}
	for (k = 0; keys[k].opt; k++)
		any |= fl_arg(a, keys[k].opt) != NULL;
	if (!any && nclear == 0)
		return 0;
	if ((code = begin(ctx)) != 0)
		return code;
	for (k = 0; keys[k].opt && rc == FL_OK; k++) {
		const char *v = fl_arg(a, keys[k].opt);

		for (i = 0; v == NULL && i < nclear; i++)
			if (strcmp(clear[i], keys[k].opt) == 0)
				break;
		if (v == NULL && i == nclear)
			continue;
		rc = fl_notify_setting_set(ctx->st, keys[k].key, v, &changed,
					   &ctx->diag);
		*nchanged += changed;
	}
	return fl_cli_finish(ctx, rc);
}

static fl_err
add_setting_row(struct fl_table *t, const char *field, const char *value)
{
	const char *names[2] = {"setting", "value"};
	const char *vals[2] = {field, value};
	enum fl_col_type types[2] = {FL_COL_TEXT,
				     value ? FL_COL_TEXT : FL_COL_NULL};
	struct fl_row row = {2, names, vals, types};

	return fl_table_add(t, &row);
}

/*
 * Print settings as "setting value" lines, or with --json as one object
 * (field: value).  extra adds computed fields after the stored ones.
 */
static int
show_settings(struct fl_ctx *ctx, const struct setting_opt *keys,
	      const char *const *extra, size_t nextra)
{
	struct fl_table t;
	struct fl_buf b;
	struct fl_json j;
	size_t r;
	int k, code = 0;
	fl_err rc = FL_OK;

	fl_table_init(&t);
	for (k = 0; keys[k].opt && rc == FL_OK; k++) {
		char *v = NULL;

		if ((rc = fl_store_setting_get(ctx->st, keys[k].key, &v)) == FL_OK)
			rc = add_setting_row(&t, keys[k].field, v);
		free(v);
	}
	for (r = 0; r + 1 < nextra && rc == FL_OK; r += 2)
		rc = add_setting_row(&t, extra[r], extra[r + 1]);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	fl_buf_init(&b, 0);
	if (ctx->json) {
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		for (r = 0; r < t.nrows; r++) {
			fl_json_key(&j, t.rows[r][0]);
			if (t.rows[r][1])
				fl_json_str(&j, t.rows[r][1]);
			else
				fl_json_null(&j);
		}
		fl_json_obj_close(&j);
		fl_buf_putc(&b, '\n');
	} else {
		for (r = 0; r < t.nrows; r++)
			fl_buf_printf(&b, "%-14s %s\n", t.rows[r][0],
				      t.rows[r][1] ? t.rows[r][1] : "-");
	}
	if (fwrite(fl_buf_str(&b), 1, b.len, stdout) != b.len ||
	    fflush(stdout) != 0)
		code = fl_cli_error(FL_EX_IO, "cannot write output");
	fl_buf_release(&b);
	fl_table_release(&t);
	return code;
}

static const struct fl_opt smtp_opts[] = {
	{"url", FL_OPT_VALUE, "URL",
	 "the server: smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT"},
	{"from", FL_OPT_VALUE, "ADDRESS", "sender: name@domain or \"Name <name@domain>\""},
	{"user", FL_OPT_VALUE, "NAME", "log in as NAME"},
	{"starttls", FL_OPT_VALUE, "require|try|off",
	 "STARTTLS on smtp:// (default require)"},
	{"cafile", FL_OPT_VALUE, "PATH", "CA bundle for a private CA"},
	{"password-file", FL_OPT_VALUE, "PATH",
	 "file holding the password ($" PASSWORD_ENV " wins when set)"},
	{"clear", FL_OPT_MULTI, "SETTING",
	 "unset a setting (url, from, user, starttls, cafile, password-file)"},
	OPT_END
};

static int
run_smtp(struct fl_ctx *ctx, const struct fl_args *a)
{
	char *pwfile = NULL, src[1200];
	const char *extra[2];
	int code, n;
	fl_err rc;

	if ((code = apply_settings(ctx, a, smtp_keys, &n)) != 0)
		return code;
	rc = fl_store_setting_get(ctx->st, "notify.smtp.password_file", &pwfile);
	if (rc != FL_OK)
		return fl_cli_fail(ctx, rc);
	/* where the password comes from, never the password */
	if (getenv(PASSWORD_ENV) && *getenv(PASSWORD_ENV))
		snprintf(src, sizeof src, "from $%s", PASSWORD_ENV);
	else if (pwfile)
		snprintf(src, sizeof src, "from file %s", pwfile);
	else
		snprintf(src, sizeof src, "none");
	free(pwfile);
	extra[0] = "password";
	extra[1] = src;
	return show_settings(ctx, smtp_keys, extra, 2);
}

static const struct fl_opt config_opts[] = {
	{"timeout", FL_OPT_VALUE, "SECONDS",
	 "time allowed per delivery attempt (default 30)"},
	{"max-attempts", FL_OPT_VALUE, "N",
	 "attempts before a message is given up (default 10)"},
	{"webhook-cafile", FL_OPT_VALUE, "PATH",
	 "CA bundle for https webhooks with a private CA"},
	{"clear", FL_OPT_MULTI, "SETTING",
	 "unset a setting (timeout, max-attempts, webhook-cafile)"},
	OPT_END
};

static int
run_config(struct fl_ctx *ctx, const struct fl_args *a)
{
	int code, n;

	if ((code = apply_settings(ctx, a, config_keys, &n)) != 0)
		return code;
	return show_settings(ctx, config_keys, NULL, 0);
}

static const struct fl_opt role_opts[] = {
	{"clear", FL_OPT_FLAG, NULL, "forget the role's address"},
	OPT_END
};

static int
run_role(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *role = a->pos[0];
	char key[64], *stored = NULL, *rcpt = NULL, *why = NULL;
	int code, changed = 0;
	fl_err rc;

	if (!fl_person_role_valid(role))
		return fl_cli_usage(ctx, "unknown role '%s': " FL_PERSON_ROLES,
				    role);
	if (a->npos == 2 && fl_flag(a, "clear"))
		return fl_cli_usage(ctx, "give an ADDRESS or --clear, not both");
	snprintf(key, sizeof key, "notify.%s", role);
	if (a->npos == 2 || fl_flag(a, "clear")) {
		if ((code = begin(ctx)) != 0)
			return code;
		rc = fl_notify_setting_set(ctx->st, key,
					   a->npos == 2 ? a->pos[1] : NULL,
					   &changed, &ctx->diag);
		if ((code = fl_cli_finish(ctx, rc)) != 0)
			return code;
	}
	rc = fl_store_setting_get(ctx->st, key, &stored);
	if (rc == FL_OK)
		rc = fl_notify_resolve(ctx->st, role, &rcpt, &why);
	if (rc != FL_OK) {
		free(stored);
		return fl_cli_fail(ctx, rc);
	}
	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;

		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "role");
		fl_json_str(&j, role);
		fl_json_key(&j, "address");
		stored ? fl_json_str(&j, stored) : fl_json_null(&j);
		fl_json_key(&j, "recipients");
		rcpt ? fl_json_str(&j, rcpt) : fl_json_null(&j);
		fl_json_obj_close(&j);
		printf("%s\n", fl_buf_str(&b));
		fl_buf_release(&b);
	} else if (rcpt) {
		printf("%s: %s%s\n", role, rcpt, stored ? "" : " (the people "
		       "with the role)");
	} else {
		printf("%s: %s\n", role, why ? why : "no address");
	}
	free(stored);
	free(rcpt);
	free(why);
	return fflush(stdout) == 0 ? 0 : fl_cli_error(FL_EX_IO, "cannot write output");
}

/* ---- list, show ---------------------------------------------------------- */

static const struct fl_opt list_opts[] = {
	{"status", FL_OPT_VALUE, "pending|delivered|failed", "only these"},
	{"ref", FL_OPT_VALUE, "REF", "only about this (incident:..., risk:...)"},
	OPT_END
};

static int
run_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	fl_err rc;

	fl_table_init(&t);
	rc = fl_notify_list(ctx->st, fl_arg(a, "status"), fl_arg(a, "ref"),
			    fl_table_add, &t, &ctx->diag);
	return fl_table_finish(ctx, &t, rc, "id,status,event,ref,channel,target,"
			  "attempts,next_attempt_at,subject");
}

static int
run_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table m, at;
	struct fl_buf b;
	struct fl_json j;
	long long id = 0;
	size_t r;
	int c, code;
	fl_err rc;

	if ((code = parse_id(ctx, a->pos[0], &id)) != 0)
		return code;
	fl_table_init(&m);
	fl_table_init(&at);
	rc = fl_notify_show(ctx->st, id, fl_table_add, &m, &ctx->diag);
	if (rc == FL_OK)
		rc = fl_notify_attempts(ctx->st, id, fl_table_add, &at,
					&ctx->diag);
	if (rc == FL_OK && (m.err || at.err))
		rc = FL_E_NOMEM;
	if (rc != FL_OK) {
		fl_table_release(&m);
		fl_table_release(&at);
		return fl_cli_fail(ctx, rc);
	}
	fl_buf_init(&b, 0);
	if (ctx->json) {
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		for (c = 0; c < m.ncol; c++) {
			const char *n = m.names[c];

			fl_json_key(&j, fl_cli_is_json_name(n) ? "data" : n);
			fl_table_json_cell(&j, &m, c, m.rows[0][c]);
		}
		fl_json_key(&j, "attempts_list");
		fl_json_arr_open(&j);
		for (r = 0; r < at.nrows; r++) {
			fl_json_obj_open(&j);
			for (c = 0; c < at.ncol; c++) {
				fl_json_key(&j, at.names[c]);
				fl_table_json_cell(&j, &at, c, at.rows[r][c]);
			}
			fl_json_obj_close(&j);
		}
		fl_json_arr_close(&j);
		fl_json_obj_close(&j);
		fl_buf_putc(&b, '\n');
	} else {
		for (c = 0; c < m.ncol; c++) {
			const char *v = m.rows[0][c];

			if (strcmp(m.names[c], "body") == 0)
				continue;
			fl_buf_printf(&b, "%-16s %s\n",
				      fl_cli_is_json_name(m.names[c]) ? "data"
								      : m.names[c],
				      v ? v : "-");
		}
		fl_buf_printf(&b, "\n%s\n",
			      fl_table_cell(&m, 0, "body")
				      ? fl_table_cell(&m, 0, "body") : "");
		fl_buf_printf(&b, "\nattempts:\n");
		if (at.nrows == 0)
			fl_buf_printf(&b, "  (none)\n");
		for (r = 0; r < at.nrows; r++)
			fl_buf_printf(&b, "  %s  %-9s %s\n",
				      fl_table_cell(&at, r, "at"),
				      fl_table_cell(&at, r, "outcome"),
				      fl_table_cell(&at, r, "detail")
					      ? fl_table_cell(&at, r, "detail")
					      : "");
	}
	code = fwrite(fl_buf_str(&b), 1, b.len, stdout) != b.len ||
			       fflush(stdout) != 0
		       ? fl_cli_error(FL_EX_IO, "cannot write output")
		       : 0;
	fl_buf_release(&b);
	fl_table_release(&m);
	fl_table_release(&at);
	return code;
}

/* ---- run ----------------------------------------------------------------- */

/* What one run knows about the senders, read once. */
struct runconf {
	char *url, *from, *user, *starttls, *cafile, *pwfile, *wh_cafile;
	long timeout;
	int pw_tried;       /* the password was looked for */
	char *password;     /* secret: wiped by runconf_release */
	size_t pwlen;
	char pw_why[600];   /* why there is none, when needed */
};

static void
runconf_release(struct runconf *c)
{
	free(c->url);
	free(c->from);
	free(c->user);
	free(c->starttls);
	free(c->cafile);
	free(c->pwfile);
	free(c->wh_cafile);
	fl_secret_free(c->password, c->pwlen);
	memset(c, 0, sizeof *c);
}

static fl_err
runconf_load(struct fl_store *st, struct runconf *c)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"notify.smtp.url", offsetof(struct runconf, url)},
		{"notify.smtp.from", offsetof(struct runconf, from)},
		{"notify.smtp.user", offsetof(struct runconf, user)},
		{"notify.smtp.starttls", offsetof(struct runconf, starttls)},
		{"notify.smtp.cafile", offsetof(struct runconf, cafile)},
		{"notify.smtp.password_file", offsetof(struct runconf, pwfile)},
		{"notify.webhook.cafile", offsetof(struct runconf, wh_cafile)},
	};
	char *t = NULL;
	size_t i;
	long v;
	fl_err rc;

	memset(c, 0, sizeof *c);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((rc = fl_store_setting_get(st, keys[i].key,
					       (char **)((char *)c +
							 keys[i].off))) != FL_OK)
			return rc;
	c->timeout = 30;
	if ((rc = fl_store_setting_get(st, "notify.timeout", &t)) != FL_OK)
		return rc;
	if (t && fl_parse_long(t, 1, 600, &v) == 0)
		c->timeout = v;
	free(t);
	return FL_OK;
}

/* The SMTP password, read on first need.  0 ok (or none needed), -1 with
 * c->pw_why set. */
static int
runconf_password(struct runconf *c)
{
	struct fl_diag d;
	char ref[1100];
	const char *e = getenv(PASSWORD_ENV);

	if (c->user == NULL)
		return 0;
	if (c->pw_tried)
		return c->password ? 0 : -1;
	c->pw_tried = 1;
	fl_diag_clear(&d);
	if (e && *e)
		snprintf(ref, sizeof ref, "env:%s", PASSWORD_ENV);
	else if (c->pwfile)
		snprintf(ref, sizeof ref, "file:%s", c->pwfile);
	else {
		snprintf(c->pw_why, sizeof c->pw_why, "notify.smtp.user is set "
			 "but there is no password: set $%s or 'firstline "
			 "notify smtp --password-file PATH'", PASSWORD_ENV);
		return -1;
	}
	if (fl_secret_read(ref, &c->password, &c->pwlen, &d) != FL_OK) {
		snprintf(c->pw_why, sizeof c->pw_why, "SMTP password: %s", d.msg);
		return -1;
	}
	return 0;
}

struct outcome {
	long long id;
	const char *what;  /* delivered, retry, failed, waiting */
	long attempt;
	char next[21];
	char detail[512];
};

static void
print_outcome(struct fl_ctx *ctx, struct fl_json *j, const struct fl_outmsg *m,
	      const struct outcome *o)
{
	const char *to = m->rcpt ? m->rcpt : m->target;

	if (ctx->json) {
		fl_json_obj_open(j);
		fl_json_key(j, "id");
		fl_json_int(j, o->id);
		fl_json_key(j, "outcome");
		fl_json_str(j, o->what);
		fl_json_key(j, "channel");
		fl_json_str(j, m->channel);
		fl_json_key(j, "target");
		fl_json_str(j, m->target);
		fl_json_key(j, "to");
		fl_json_str(j, to);
		fl_json_key(j, "event");
		fl_json_str(j, m->event);
		fl_json_key(j, "ref");
		fl_json_str(j, m->ref);
		fl_json_key(j, "attempt");
		fl_json_int(j, o->attempt);
		fl_json_key(j, "next_attempt_at");
		o->next[0] ? fl_json_str(j, o->next) : fl_json_null(j);
		fl_json_key(j, "detail");
		fl_json_str(j, o->detail);
		fl_json_obj_close(j);
		return;
	}
	if (strcmp(o->what, "retry") == 0)
		printf("%-9s #%lld %s %s (attempt %ld, next at %s): %s\n",
		       o->what, o->id, m->channel, to, o->attempt, o->next,
		       o->detail);
	else
		printf("%-9s #%lld %s %s: %s\n", o->what, o->id, m->channel, to,
		       o->detail);
}

/* Send m; fills o->detail; returns 1 delivered, 0 not, -1 refused for good. */
static int
deliver(struct runconf *c, const struct fl_outmsg *m, time_t now,
	struct outcome *o)
{
	char msgid[160], dom[256], id[64];
	struct fl_diag d;
	fl_err rc;

	fl_diag_clear(&d);
	snprintf(id, sizeof id, "fl.%lld.%s", m->id, m->token);
	if (strcmp(m->channel, "mail") == 0) {
		struct fl_smtp_conf sc;
		struct fl_mail ml;
		struct fl_buf text;
		const char *at;

		if (fl_mail_addr(c->from, dom, sizeof dom) != 0 ||
		    (at = strchr(dom, '@')) == NULL)
			return 0; /* checked before claiming */
		snprintf(msgid, sizeof msgid, "%s@%s", id, at + 1);
		memset(&ml, 0, sizeof ml);
		ml.from = c->from;
		ml.to = m->rcpt;
		ml.subject = m->subject;
		ml.body = m->body;
		ml.msgid = msgid;
		ml.event = m->event;
		ml.ref = m->ref;
		ml.severity = m->severity;
		ml.date = now;
		fl_buf_init(&text, 0);
		if ((rc = fl_mail_format(&ml, &text, &d)) != FL_OK) {
			fl_strlcpy(o->detail, d.msg, sizeof o->detail);
			fl_buf_release(&text);
			return rc == FL_E_INVAL ? -1 : 0;
		}
		memset(&sc, 0, sizeof sc);
		sc.url = c->url;
		sc.from = c->from;
		sc.user = c->user;
		sc.password = c->password;
		sc.cafile = c->cafile;
		sc.timeout = c->timeout;
		sc.starttls = c->starttls == NULL ||
					      strcmp(c->starttls, "require") == 0
				      ? FL_STARTTLS_REQUIRE
			      : strcmp(c->starttls, "try") == 0 ? FL_STARTTLS_TRY
								 : FL_STARTTLS_OFF;
		rc = fl_mail_send(&sc, &ml, text.data, text.len, o->detail,
				  sizeof o->detail);
		fl_buf_release(&text);
		/* a refusal here is about the configuration, not the message */
		return rc == FL_OK ? 1 : 0;
	} else {
		struct fl_webhook_doc w;
		struct fl_webhook_conf wc;
		char *body = NULL, *secret = NULL;
		size_t len = 0, slen = 0;
		int ok;

		if (m->secret_ref &&
		    fl_secret_read(m->secret_ref, &secret, &slen, &d) != FL_OK) {
			fl_strlcpy(o->detail, d.msg, sizeof o->detail);
			return 0;
		}
		memset(&w, 0, sizeof w);
		w.event = m->event;
		w.ref = m->ref;
		w.severity = m->severity;
		w.subject = m->subject;
		w.text = m->body;
		w.data = m->data;
		w.id = id;
		w.sent_at = now;
		if ((rc = fl_webhook_body(&w, &body, &len, &d)) != FL_OK) {
			fl_secret_free(secret, slen);
			fl_strlcpy(o->detail, d.msg, sizeof o->detail);
			return rc == FL_E_INVAL ? -1 : 0;
		}
		memset(&wc, 0, sizeof wc);
		wc.url = m->url;
		wc.secret = secret;
		wc.secretlen = slen;
		wc.cafile = c->wh_cafile;
		wc.timeout = c->timeout;
		ok = fl_webhook_post(&wc, m->event, id, body, len, now, o->detail,
				     sizeof o->detail) == FL_OK;
		fl_secret_free(secret, slen);
		free(body);
		return ok;
	}
}

/* Why m cannot be attempted now (configuration), or NULL when it can. */
static const char *
blocked(struct runconf *c, const struct fl_outmsg *m, char *buf, size_t bufsz)
{
	char addr[256];
	struct fl_diag d;
	char *s = NULL;
	size_t n = 0;

	if (strcmp(m->channel, "mail") == 0) {
		if (m->rcpt == NULL)
			return m->why ? m->why : "no recipient";
		if (c->url == NULL)
			return "no SMTP server: set one with 'firstline notify "
			       "smtp --url smtp://HOST:PORT --from ADDRESS'";
		if (fl_mail_addr(c->from, addr, sizeof addr) != 0)
			return "no sender: set one with 'firstline notify smtp "
			       "--from ADDRESS'";
		if (runconf_password(c) != 0)
			return c->pw_why;
		if (c->password && strncmp(c->url, "smtps://", 8) != 0 &&
		    c->starttls != NULL && strcmp(c->starttls, "require") != 0)
			return "refusing to send the SMTP password without TLS: "
			       "'firstline notify smtp --starttls require' or an "
			       "smtps:// URL";
		return NULL;
	}
	if (m->url == NULL)
		return m->why ? m->why : "no webhook";
	/* a key that cannot be read now would fail every attempt alike */
	if (m->secret_ref) {
		fl_diag_clear(&d);
		if (fl_secret_read(m->secret_ref, &s, &n, &d) != FL_OK) {
			snprintf(buf, bufsz, "webhook %s: %s", m->target, d.msg);
			return buf;
		}
		fl_secret_free(s, n);
	}
	return NULL;
}

static const struct fl_opt run_opts[] = {
	{"now", FL_OPT_VALUE, "TIME",
	 "deliver what is due at TIME (YYYY-MM-DDTHH:MM:SSZ) instead of now"},
	{"limit", FL_OPT_VALUE, "N", "deliver at most N messages (default all)"},
	OPT_END
};

/*
 * A delivered message to the ISO role about an incident is the moment the
 * ISO was informed (the internal clock's done event), unless it was
 * recorded before: delivery counts, never queuing.  In the transaction
 * that records the delivery.
 */
static fl_err
iso_told(struct fl_ctx *ctx, const struct fl_outmsg *m)
{
	char at[21], how[300];
	int recorded = 0;

	if (m->ref == NULL || strncmp(m->ref, "incident:", 9) != 0 ||
	    m->target == NULL || strcmp(m->target, "iso") != 0)
		return FL_OK;
	/* the mail left now, whatever --now chose as the run's due time */
	fl_time_iso(fl_now(), at);
	snprintf(how, sizeof how, "%s to the ISO delivered (message %lld, %s)",
		 m->channel ? m->channel : "message", m->id,
		 m->event ? m->event : "notice");
	return fl_incident_iso_delivered(ctx->st, m->ref + 9, at, how,
					 &recorded, &ctx->diag);
}

static int
run_run(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct runconf c;
	struct fl_buf jb;
	struct fl_json j;
	long long *ids = NULL;
	size_t n = 0, i;
	long limit = RUN_MAX, ndel = 0, nretry = 0, nfail = 0, nwait = 0;
	time_t now;
	char why[600];
	int code = 0;
	fl_err rc;

	if ((code = now_opt(ctx, a, &now)) != 0)
		return code;
	if (fl_arg(a, "limit") &&
	    fl_parse_long(fl_arg(a, "limit"), 1, RUN_MAX, &limit) != 0)
		return fl_cli_usage(ctx, "--limit must be 1 to %d", RUN_MAX);
	/* the clocks that reached 75% or passed their deadline since the
	 * last command queue their notices first, to go out in this run */
	if ((code = begin(ctx)) != 0 ||
	    (code = fl_cli_finish(ctx, fl_incident_sweep(ctx->st, now,
							 &ctx->diag))) != 0)
		return code;
	if ((ids = calloc((size_t)limit, sizeof *ids)) == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	if ((rc = runconf_load(ctx->st, &c)) != FL_OK ||
	    (rc = fl_notify_due(ctx->st, now, ids, (size_t)limit, &n,
				&ctx->diag)) != FL_OK) {
		runconf_release(&c);
		free(ids);
		return fl_cli_fail(ctx, rc);
	}
	if (n > 0 && fl_send_global_init() != FL_OK) {
		runconf_release(&c);
		free(ids);
		return fl_cli_error(FL_EX_SOFTWARE, "cannot initialise libcurl");
	}
	fl_buf_init(&jb, 0);
	fl_json_init(&j, &jb, 0);
	fl_json_arr_open(&j);
	for (i = 0; i < n && code == 0; i++) {
		struct fl_outmsg m;
		struct outcome o;
		const char *status = NULL, *reason;
		int claimed = 0, sent;

		memset(&o, 0, sizeof o);
		o.id = ids[i];
		if ((rc = fl_notify_load(ctx->st, ids[i], &m, &ctx->diag)) != FL_OK) {
			code = fl_cli_fail(ctx, rc);
			break;
		}
		if ((reason = blocked(&c, &m, why, sizeof why)) != NULL) {
			o.what = "waiting";
			o.attempt = m.attempts;
			fl_strlcpy(o.detail, reason, sizeof o.detail);
			print_outcome(ctx, &j, &m, &o);
			nwait++;
			fl_outmsg_release(&m);
			continue;
		}
		if ((code = begin(ctx)) != 0) {
			fl_outmsg_release(&m);
			break;
		}
		rc = fl_notify_claim(ctx->st, m.id, now, m.rcpt, &claimed,
				     &ctx->diag);
		if ((code = fl_cli_finish(ctx, rc)) != 0 || !claimed) {
			fl_outmsg_release(&m);
			continue;
		}
		o.attempt = m.attempts + 1;
		sent = deliver(&c, &m, now, &o);
		if ((code = begin(ctx)) != 0) {
			fl_outmsg_release(&m);
			break;
		}
		rc = fl_notify_record(ctx->st, m.id, now, sent > 0, sent < 0,
				      o.detail, &status, o.next, &ctx->diag);
		if (rc == FL_OK && strcmp(status, "delivered") == 0)
			rc = iso_told(ctx, &m);
		if ((code = fl_cli_finish(ctx, rc)) != 0) {
			fl_outmsg_release(&m);
			break;
		}
		if (strcmp(status, "delivered") == 0) {
			o.what = "delivered";
			ndel++;
		} else if (strcmp(status, "failed") == 0) {
			o.what = "failed";
			nfail++;
		} else {
			o.what = "retry";
			nretry++;
		}
		print_outcome(ctx, &j, &m, &o);
		fl_outmsg_release(&m);
	}
	if (n > 0)
		fl_send_global_cleanup();
	runconf_release(&c);
	free(ids);
	fl_json_arr_close(&j);
	if (code == 0) {
		if (ctx->json)
			printf("%s\n", fl_buf_str(&jb));
		else
			printf("%ld delivered, %ld to retry, %ld failed, %ld "
			       "waiting for configuration\n",
			       ndel, nretry, nfail, nwait);
	}
	fl_buf_release(&jb);
	if (code != 0)
		return code;
	if (fflush(stdout) != 0)
		return fl_cli_error(FL_EX_IO, "cannot write output");
	if (nfail > 0)
		return fl_cli_error(FL_EX_IO, "%ld notification(s) failed for "
				    "good: see 'firstline notify list --status "
				    "failed', then 'notify retry ID'", nfail);
	if (nwait > 0)
		return fl_cli_error(FL_EX_DATA, "%ld notification(s) wait for "
				    "configuration (see above)", nwait);
	return 0;
}

/* ---- retry, test ---------------------------------------------------------- */

static const struct fl_opt retry_opts[] = {
	{"now", FL_OPT_VALUE, "TIME", "due from TIME instead of now"},
	OPT_END
};

static int
run_retry(struct fl_ctx *ctx, const struct fl_args *a)
{
	long long id = 0;
	time_t now;
	int code;
	fl_err rc;

	if ((code = parse_id(ctx, a->pos[0], &id)) != 0 ||
	    (code = now_opt(ctx, a, &now)) != 0 || (code = begin(ctx)) != 0)
		return code;
	rc = fl_notify_retry(ctx->st, id, now, &ctx->diag);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	printf("notification %lld is due again: 'firstline notify run' sends "
	       "it\n", id);
	return 0;
}

static const struct fl_opt test_opts[] = {
	{"event", FL_OPT_VALUE, "EVENT", "event name (default notify.test)"},
	{"ref", FL_OPT_VALUE, "REF", "what it is about (default test:notify)"},
	{"severity", FL_OPT_VALUE, "SEV", "low, medium, high or critical"},
	{"subject", FL_OPT_VALUE, "TEXT", "subject line"},
	{"body", FL_OPT_VALUE, "TEXT", "message text"},
	{"data", FL_OPT_VALUE, "JSON", "a JSON object for webhooks' \"data\""},
	OPT_END
};

static int
run_test(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_notice n;
	int code, queued = 0;
	fl_err rc;

	memset(&n, 0, sizeof n);
	n.event = fl_arg(a, "event") ? fl_arg(a, "event") : "notify.test";
	n.ref = fl_arg(a, "ref") ? fl_arg(a, "ref") : "test:notify";
	n.severity = fl_arg(a, "severity");
	n.subject = fl_arg(a, "subject") ? fl_arg(a, "subject")
					 : "firstline test notification";
	n.body = fl_arg(a, "body") ? fl_arg(a, "body")
				   : "This is a test of firstline's "
				     "notifications: no action is needed.";
	n.json = fl_arg(a, "data");
	if ((code = begin(ctx)) != 0)
		return code;
	rc = fl_notify_enqueue(ctx->st, &n, &queued, &ctx->diag);
	if ((code = fl_cli_finish(ctx, rc)) != 0)
		return code;
	printf("queued %d message(s) for %s: 'firstline notify run' sends "
	       "them\n", queued, n.event);
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

const struct fl_cmd fl_cmds_notify[] = {
	{"notify", "route", "add|list|rm [ID]",
	 "who is told about which events (the routing table)",
	 "'route add --event PATTERN (--mail ADDRESS|ROLE | --webhook NAME)\n"
	 "[--min-severity SEV]' adds a route; 'route list' lists them; 'route\n"
	 "rm ID' removes one.  A notice goes to every route whose pattern\n"
	 "matches its event (exact, a prefix such as incident.*, or *) and\n"
	 "whose minimum severity it reaches.  A notice that no route takes\n"
	 "goes to the ISO (role iso) anyway: nothing is dropped.  Events:\n"
	 "incident.new, incident.major, clock.warning, clock.breached,\n"
	 "risk.escalated.",
	 route_opts, 1, 2, FL_CMD_JSON, run_route,
	 "  id            route number (for 'route rm')\n"
	 "  event         event pattern\n"
	 "  min_severity  lowest severity taken, or null for any\n"
	 "  channel       mail or webhook\n"
	 "  target        address or role (mail), webhook name (webhook)\n"
	 "  created_at    when the route was added"},
	{"notify", "webhook", "add NAME URL | list | rm NAME",
	 "webhook receivers (JSON POST, optional HMAC-SHA256 signature)",
	 "'webhook add NAME URL [--secret-env VAR | --secret-file PATH]'\n"
	 "adds (or replaces) a receiver.  With a secret, every POST carries\n"
	 "X-Firstline-Signature: sha256=HEX, the HMAC-SHA256 of the exact\n"
	 "body under the key, and X-Firstline-Timestamp.  The key is read\n"
	 "from the variable or file at each delivery and never stored.\n"
	 "'webhook rm NAME' refuses while a route uses it.",
	 webhook_opts, 1, 3, FL_CMD_JSON, run_webhook,
	 "  name          the webhook's name (route target)\n"
	 "  url           where it is POSTed\n"
	 "  secret_ref    env:VARIABLE or file:PATH holding the key, or null\n"
	 "  routes        routes that use it\n"
	 "  created_at    when it was added"},
	{"notify", "smtp", NULL, "show or set the SMTP server for e-mail",
	 "Without options, shows the settings.  The password is never\n"
	 "stored or shown: it is read from $" PASSWORD_ENV ", else from\n"
	 "the file given with --password-file.  smtp:// uses STARTTLS (by\n"
	 "default required); smtps:// is TLS from the start.  A password is\n"
	 "never sent without TLS.",
	 smtp_opts, 0, 0, FL_CMD_JSON, run_smtp,
	 "  url, from, user, starttls, cafile, password_file  the settings\n"
	 "                (null when unset)\n"
	 "  password      where the password comes from (never its value)"},
	{"notify", "config", NULL, "show or set delivery timeout and retry limit",
	 "Failed deliveries are retried after 1, 5, 15 and 60 minutes, then\n"
	 "every 6 hours, until --max-attempts attempts were made; then the\n"
	 "message is failed (still listed; 'notify retry ID' tries again).",
	 config_opts, 0, 0, FL_CMD_JSON, run_config,
	 "  timeout, max_attempts, webhook_cafile  the settings (null: default)"},
	{"notify", "role", "ROLE [ADDRESS]",
	 "show or set the e-mail address of a role (iso, itso, ...)",
	 "A route's mail target may be a role.  Its address is this setting\n"
	 "(notify.ROLE), else the e-mails of the people who hold the role.\n"
	 "Messages queued while a role had no address wait and are sent by\n"
	 "the first 'notify run' after one is set.",
	 role_opts, 1, 2, FL_CMD_JSON, run_role,
	 "  role          the role\n"
	 "  address       the configured address, or null\n"
	 "  recipients    where its mail goes now, or null"},
	{"notify", "list", NULL, "list the outbox",
	 "Every message, oldest first: pending (waiting for its next\n"
	 "attempt), delivered or failed (given up; 'notify retry ID').",
	 list_opts, 0, 0, FL_CMD_JSON, run_list,
	 "  id               message number\n"
	 "  event            incident.new, risk.escalated, ...\n"
	 "  ref              what it is about: incident:..., risk:...\n"
	 "  severity         low, medium, high, critical or null\n"
	 "  channel          mail or webhook\n"
	 "  target           address, role or webhook name\n"
	 "  rcpt             the address(es) it goes to, or null when unknown\n"
	 "  status           pending, delivered or failed\n"
	 "  attempts         delivery attempts made\n"
	 "  next_attempt_at  when it is tried next (pending)\n"
	 "  created_at       when it was queued\n"
	 "  delivered_at     when the server accepted it, or null\n"
	 "  last_error       why the last attempt failed, or null\n"
	 "  subject          the subject line"},
	{"notify", "show", "ID", "show one message and its delivery attempts",
	 NULL, NULL, 1, 1, FL_CMD_JSON, run_show,
	 "  the fields of 'notify list --json', plus:\n"
	 "  dedup            the notice's deduplication key, or null\n"
	 "  body             the message text\n"
	 "  data             the JSON object sent to webhooks, or null\n"
	 "  attempts_list    [{n, at, ok, outcome, detail}], oldest first;\n"
	 "                   outcome is delivered, retry or failed"},
	{"notify", "run", NULL, "deliver every message that is due",
	 "Sends each pending message whose next attempt is due, oldest\n"
	 "first, and prints one line per message: delivered, retry (with the\n"
	 "next attempt's time), failed (given up after the attempt limit, or\n"
	 "refused for good) or waiting (cannot be attempted until something\n"
	 "is configured; not counted as an attempt).  Every attempt is\n"
	 "recorded.  Exit status: 0 when nothing failed for good and nothing\n"
	 "waits for configuration; 65 when messages wait for configuration;\n"
	 "74 when a message failed for good.",
	 run_opts, 0, 0, FL_CMD_JSON, run_run,
	 "  id               message number\n"
	 "  outcome          delivered, retry, failed or waiting\n"
	 "  channel, target  as in 'notify list'\n"
	 "  to               the address(es) or target it went to\n"
	 "  event, ref       the notice\n"
	 "  attempt          this attempt's number\n"
	 "  next_attempt_at  for retry: when it is tried next; else null\n"
	 "  detail           the server's answer or the error"},
	{"notify", "retry", "ID", "make a failed message due again",
	 "The message is pending from now (or --now) and the backoff and\n"
	 "attempt limit start over.  A delivered message is refused.",
	 retry_opts, 1, 1, 0, run_retry, NULL},
	{"notify", "test", NULL, "queue a test notice through the routes",
	 "Queues a notice as the incident and risk modules do, so routes,\n"
	 "addresses and receivers can be checked end to end with 'notify\n"
	 "run'.",
	 test_opts, 0, 0, 0, run_test, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
