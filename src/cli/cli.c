/*
 * cli: dispatch, option parsing, help and man pages, error lines and the
 * table/JSON printers shared by every command group.
 *
 * Options are parsed from the command's own table so that --help, the man
 * page and the parser can never disagree.  Unknown options are usage
 * errors (exit 64), never ignored.
 */
#include "cli.h"

#include <ctype.h>
#include <unistd.h>

static const struct fl_cmd *const groups[] = {
	fl_cmds_misc, fl_cmds_org, fl_cmds_catalog, fl_cmds_control,
	fl_cmds_risk, fl_cmds_vuln, fl_cmds_incident, fl_cmds_detect, fl_cmds_detect_run, fl_cmds_notify, fl_cmds_audit, fl_cmds_demo, NULL
};

/* One line per command group for the main help and the man pages. */
static const struct {
	const char *group, *summary;
} group_summaries[] = {
	{"entity", "the Group's legal entities and org units"},
	{"person", "people and their roles (itso, citso, iso, control-owner, ...)"},
	{"asset", "assets: owners, criticality, hostnames and addresses; CSV import"},
	{"catalog", "framework catalogues (OSCAL) and the Group control catalogue"},
	{"control", "implementation per entity, evidence, effectiveness tests"},
	{"risk", "the IT security risk register, treatment and ISO escalation"},
	{"vuln", "scanner reports: import, findings, KEV/EPSS, priority and SLA"},
	{"incident", "security incidents: lifecycle, DORA/NIS2/GDPR clocks, evidence, reports"},
	{"detect", "Sigma detection: check and list rules, correlations, filters"},
	{"notify", "the outbox: routes, SMTP and webhooks, delivery with retries"},
	{"audit", "the hash-chained audit trail: list and verify"},
	{NULL, NULL}
};

static const char *
group_summary(const char *group)
{
	int i;

	for (i = 0; group_summaries[i].group; i++)
		if (strcmp(group_summaries[i].group, group) == 0)
			return group_summaries[i].summary;
	return "commands of the group";
}

static const struct fl_opt json_opt = {"json", FL_OPT_FLAG, NULL,
				       "print a JSON array of objects"};

/* ---- arguments -------------------------------------------------------- */

static int
opt_index(const struct fl_args *a, const char *name)
{
	int i;

	for (i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return i;
	return -1;
}

const char *
fl_arg(const struct fl_args *a, const char *name)
{
	int i = opt_index(a, name);

	return i < 0 ? NULL : a->val[i];
}

int
fl_flag(const struct fl_args *a, const char *name)
{
	int i = opt_index(a, name);

	return i >= 0 && a->count[i] > 0;
}

int
fl_arg_multi(const struct fl_args *a, const char *name,
	     const char *const **vals)
{
	int i = opt_index(a, name);

	if (i < 0 || a->count[i] == 0) {
		*vals = NULL;
		return 0;
	}
	*vals = (const char *const *)a->multi[i];
	return a->count[i];
}

static void
args_release(struct fl_args *a)
{
	int i;

	for (i = 0; i < FL_MAX_OPTS; i++)
		free(a->multi[i]);
	free(a->pos);
}

/* Options of cmd plus the implicit --json and --help. */
static int
collect_opts(const struct fl_cmd *cmd, struct fl_opt *out)
{
	int n = 0;
	const struct fl_opt *o;

	for (o = cmd->opts; o && o->name && n < FL_MAX_OPTS - 2; o++)
		out[n++] = *o;
	if (cmd->flags & FL_CMD_JSON)
		out[n++] = json_opt;
	out[n].name = "help";
	out[n].kind = FL_OPT_FLAG;
	out[n].metavar = NULL;
	out[n].help = "show this help";
	n++;
	return n;
}

static int
parse_args(struct fl_ctx *ctx, const struct fl_cmd *cmd, struct fl_opt *opts,
	   int nopts, int argc, char **argv, struct fl_args *a)
{
	int i, k, only_pos = 0;

	memset(a, 0, sizeof *a);
	a->opts = opts;
	a->nopts = nopts;
	a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
	if (a->pos == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	for (i = 0; i < argc; i++) {
		char *arg = argv[i], *eq, name[64];
		const char *val = NULL;

		if (only_pos || arg[0] != '-' || arg[1] != '-' || arg[2] == '\0') {
			if (!only_pos && strcmp(arg, "--") == 0) {
				only_pos = 1;
				continue;
			}
			/* -o is --output for every command that has one */
			if (!only_pos && strcmp(arg, "-o") == 0 &&
			    (k = opt_index(a, "output")) >= 0) {
				if (i + 1 >= argc)
					return fl_cli_usage(ctx, "option '-o' "
							    "needs a value");
				a->val[k] = argv[++i];
				a->count[k]++;
				continue;
			}
			if (!only_pos && arg[0] == '-' && arg[1] != '\0' &&
			    arg[1] != '-' && strcmp(arg, "-h") != 0)
				return fl_cli_usage(ctx, "unknown option '%s'", arg);
			if (strcmp(arg, "-h") == 0) {
				k = opt_index(a, "help");
				a->count[k]++;
				continue;
			}
			a->pos[a->npos++] = arg;
			continue;
		}
		eq = strchr(arg + 2, '=');
		if ((size_t)(eq ? eq - (arg + 2) : (ptrdiff_t)strlen(arg + 2)) >=
		    sizeof name)
			return fl_cli_usage(ctx, "unknown option '%s'", arg);
		if (eq) {
			memcpy(name, arg + 2, (size_t)(eq - (arg + 2)));
			name[eq - (arg + 2)] = '\0';
			val = eq + 1;
		} else {
			fl_strlcpy(name, arg + 2, sizeof name);
		}
		k = opt_index(a, name);
		if (k < 0)
			return fl_cli_usage(ctx, "unknown option '--%s' for '%s%s%s'",
					    name, cmd->group,
					    cmd->verb ? " " : "",
					    cmd->verb ? cmd->verb : "");
		if (opts[k].kind == FL_OPT_FLAG) {
			if (val)
				return fl_cli_usage(ctx, "option '--%s' takes no value",
						    name);
			a->count[k]++;
			continue;
		}
		if (val == NULL) {
			if (i + 1 >= argc)
				return fl_cli_usage(ctx, "option '--%s' needs a value",
						    name);
			val = argv[++i];
		}
		if (opts[k].kind == FL_OPT_MULTI) {
			const char **m = realloc(a->multi[k],
						 (size_t)(a->count[k] + 1) * sizeof *m);
			if (m == NULL)
				return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
			m[a->count[k]] = val;
			a->multi[k] = m;
		}
		a->val[k] = val;
		a->count[k]++;
	}
	return 0;
}

/* ---- help ------------------------------------------------------------- */

static void
print_cmd_help(FILE *f, const struct fl_cmd *cmd)
{
	struct fl_opt opts[FL_MAX_OPTS];
	int n = collect_opts(cmd, opts), i;

	fprintf(f, "usage: firstline [--db PATH] %s%s%s%s%s%s\n\n", cmd->group,
		cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
		n > 1 ? " [OPTIONS]" : "", cmd->synopsis ? " " : "",
		cmd->synopsis ? cmd->synopsis : "");
	fprintf(f, "%s\n", cmd->summary);
	if (cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	fprintf(f, "\noptions:\n");
	for (i = 0; i < n; i++) {
		char left[80];
		snprintf(left, sizeof left, "--%s%s%s%s", opts[i].name,
			 opts[i].metavar ? " " : "",
			 opts[i].metavar ? opts[i].metavar : "",
			 opts[i].kind == FL_OPT_MULTI ? " ..." : "");
		fprintf(f, "  %-30s %s\n", left, opts[i].help);
	}
	if (cmd->json_fields)
		fprintf(f, "\n--json fields:\n%s\n", cmd->json_fields);
}

static void
print_group_help(FILE *f, const char *group)
{
	const struct fl_cmd *const *g;
	const struct fl_cmd *c;

	fprintf(f, "usage: firstline [--db PATH] %s VERB [OPTIONS]\n\nverbs:\n",
		group);
	for (g = groups; *g; g++)
		for (c = *g; c->group; c++)
			if (strcmp(c->group, group) == 0 && c->verb)
				fprintf(f, "  %-14s %s\n", c->verb, c->summary);
	fprintf(f, "\n'firstline %s VERB --help' tells more.\n", group);
}

static void
print_main_help(FILE *f)
{
	const struct fl_cmd *const *g;
	const struct fl_cmd *c;
	const char *last = "";

	fprintf(f,
		"usage: firstline [--db PATH] [--as PERSON] GROUP VERB [OPTIONS] [ARGS]\n\n"
		"firstline: the IT Security Officer's workbench (catalogue and controls,\n"
		"risk register, audit trail), in one binary and one database.\n\n"
		"global options:\n"
		"  --db PATH      database file (default $FIRSTLINE_DB, then ./firstline.db)\n"
		"  --as PERSON    who is acting, recorded in the audit trail\n"
		"                 (default $FIRSTLINE_ACTOR, then the login name)\n"
		"  --version      print the version\n\n"
		"commands:\n");
	for (g = groups; *g; g++)
		for (c = *g; c->group; c++) {
			if (c->verb && strcmp(last, c->group) == 0)
				continue;
			last = c->group;
			if (c->verb)
				fprintf(f, "  %-10s %s\n", c->group,
					group_summary(c->group));
			else
				fprintf(f, "  %-10s %s\n", c->group, c->summary);
		}
	fprintf(f,
		"\nexit codes: 0 ok, 64 usage, 65 bad input data, 66 missing input file,\n"
		"70 internal error, 74 I/O or database error.\n"
		"'firstline GROUP --help' lists a group's verbs; 'firstline demo' builds\n"
		"a workspace to try them on.\n");
}

static void
man_escape(FILE *f, const char *s)
{
	int bol = 1;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
		bol = *s == '\n';
	}
}

void
fl_cli_man(FILE *f, const char *group)
{
	const struct fl_cmd *const *g;
	const struct fl_cmd *c;
	int i, n;

	fprintf(f, ".TH FIRSTLINE-%s 1 \"\" \"firstline\" \"firstline manual\"\n",
		group);
	for (i = 0; group[i]; i++)
		;
	fprintf(f, ".SH NAME\nfirstline\\-%s \\- ", group);
	for (g = groups; *g; g++)
		for (c = *g; c->group; c++)
			if (strcmp(c->group, group) == 0) {
				man_escape(f, c->verb ? group_summary(group) : c->summary);
				goto named;
			}
named:
	fprintf(f, "\n.SH SYNOPSIS\n");
	for (g = groups; *g; g++)
		for (c = *g; c->group; c++) {
			if (strcmp(c->group, group) != 0)
				continue;
			fprintf(f, ".B firstline\n[\\-\\-db PATH] %s%s%s [OPTIONS] ",
				c->group, c->verb ? " " : "", c->verb ? c->verb : "");
			if (c->synopsis)
				man_escape(f, c->synopsis);
			fprintf(f, "\n.br\n");
		}
	fprintf(f, ".SH COMMANDS\n");
	for (g = groups; *g; g++)
		for (c = *g; c->group; c++) {
			struct fl_opt opts[FL_MAX_OPTS];
			if (strcmp(c->group, group) != 0)
				continue;
			fprintf(f, ".SS %s%s%s\n", c->group, c->verb ? " " : "",
				c->verb ? c->verb : "");
			man_escape(f, c->summary);
			fprintf(f, ".\n");
			if (c->description) {
				fprintf(f, ".PP\n");
				man_escape(f, c->description);
				fprintf(f, "\n");
			}
			n = collect_opts(c, opts);
			for (i = 0; i < n; i++) {
				fprintf(f, ".TP\n.B \\-\\-");
				man_escape(f, opts[i].name);
				if (opts[i].metavar) {
					fprintf(f, " ");
					man_escape(f, opts[i].metavar);
				}
				fprintf(f, "\n");
				man_escape(f, opts[i].help);
				fprintf(f, "\n");
			}
			if (c->json_fields) {
				fprintf(f, ".PP\nJSON fields (\\-\\-json):\n.nf\n");
				man_escape(f, c->json_fields);
				fprintf(f, "\n.fi\n");
			}
		}
	fprintf(f,
		".SH EXIT STATUS\n0 ok, 64 usage error, 65 bad input data, 66 missing "
		"input file, 70 internal error, 74 I/O or database error.\n"
		".SH ENVIRONMENT\n.TP\n.B FIRSTLINE_DB\ndatabase file when \\-\\-db is "
		"not given.\n.TP\n.B FIRSTLINE_ACTOR\nwho is acting, for the audit "
		"trail.\n.SH SEE ALSO\n.BR firstline (1)\n");
}

/* ---- errors ------------------------------------------------------------ */

int
fl_cli_error(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("firstline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int
fl_cli_usage(struct fl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	fputs("firstline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return FL_EX_USAGE;
}

int
fl_cli_fail(struct fl_ctx *ctx, fl_err rc)
{
	const struct fl_diag *d = &ctx->diag;
	const char *msg = d->msg[0] ? d->msg : NULL;

	if (rc == FL_OK)
		return 0;
	if (msg == NULL && rc == FL_E_DB && ctx->st)
		msg = fl_store_errmsg(ctx->st);
	if (msg == NULL)
		msg = fl_err_str(rc);
	if (d->file[0] && d->line)
		fprintf(stderr, "firstline: %s:%lu:%lu: %s\n", d->file, d->line,
			d->col ? d->col : 1, msg);
	else if (d->file[0])
		fprintf(stderr, "firstline: %s: %s\n", d->file, msg);
	else
		fprintf(stderr, "firstline: %s\n", msg);
	return fl_err_exit(rc);
}

int
fl_cli_progress_enabled(void)
{
	return isatty(STDERR_FILENO);
}

/* ---- tables -------------------------------------------------------------- */

void
fl_table_init(struct fl_table *t)
{
	memset(t, 0, sizeof *t);
}

void
fl_table_release(struct fl_table *t)
{
	size_t r;
	int c;

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncol; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	for (c = 0; c < t->ncol; c++)
		free(t->names[c]);
	free(t->names);
	free(t->types);
	memset(t, 0, sizeof *t);
}

fl_err
fl_table_add(void *ctx, const struct fl_row *row)
{
	struct fl_table *t = ctx;
	char **cells;
	int c;

	if (t->names == NULL) {
		t->names = calloc((size_t)row->ncol + 1, sizeof *t->names);
		t->types = calloc((size_t)row->ncol + 1, sizeof *t->types);
		if (t->names == NULL || t->types == NULL)
			return t->err = FL_E_NOMEM;
		t->ncol = row->ncol;
		for (c = 0; c < row->ncol; c++)
			if ((t->names[c] = fl_strdup(row->names[c])) == NULL)
				return t->err = FL_E_NOMEM;
	}
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char ***r = realloc(t->rows, ncap * sizeof *r);
		if (r == NULL)
			return t->err = FL_E_NOMEM;
		t->rows = r;
		t->cap = ncap;
	}
	cells = calloc((size_t)t->ncol + 1, sizeof *cells);
	if (cells == NULL)
		return t->err = FL_E_NOMEM;
	for (c = 0; c < t->ncol && c < row->ncol; c++) {
		if (row->types[c] != FL_COL_NULL)
			t->types[c] = row->types[c];
		if (row->vals[c] && (cells[c] = fl_strdup(row->vals[c])) == NULL) {
			t->rows[t->nrows++] = cells;
			return t->err = FL_E_NOMEM;
		}
	}
	t->rows[t->nrows++] = cells;
	return FL_OK;
}

int
fl_cli_is_json_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, "_json") == 0;
}

const char *
fl_table_cell(const struct fl_table *t, size_t r, const char *name)
{
	int c;

	for (c = 0; c < t->ncol; c++)
		if (strcmp(t->names[c], name) == 0)
			return t->rows[r][c];
	return NULL;
}

int
fl_cli_finish(struct fl_ctx *ctx, fl_err rc)
{
	if (rc == FL_OK)
		rc = fl_store_commit(ctx->st);
	if (rc != FL_OK) {
		fl_store_rollback(ctx->st);
		return fl_cli_fail(ctx, rc);
	}
	return 0;
}

static void
json_cell(struct fl_json *j, struct fl_table *t, int c, const char *v)
{
	if (v == NULL) {
		fl_json_null(j);
	} else if (fl_cli_is_json_name(t->names[c])) {
		/* already JSON, produced by the store: embed verbatim */
		if (j->after_key)
			j->after_key = 0;
		fl_buf_puts(j->out, v);
	} else if (t->types[c] == FL_COL_INT || t->types[c] == FL_COL_REAL) {
		char *end;
		double d = strtod(v, &end);
		if (*end == '\0' && t->types[c] == FL_COL_INT)
			fl_json_int(j, strtoll(v, NULL, 10));
		else if (*end == '\0')
			fl_json_num(j, d);
		else
			fl_json_str(j, v);
	} else {
		fl_json_str(j, v);
	}
}

void
fl_table_json_cell(struct fl_json *j, struct fl_table *t, int c, const char *v)
{
	json_cell(j, t, c, v);
}

static void
json_key_for(struct fl_json *j, const char *name)
{
	char k[128];
	size_t n = strlen(name);

	if (fl_cli_is_json_name(name) && n - 5 < sizeof k) {
		memcpy(k, name, n - 5);
		k[n - 5] = '\0';
		fl_json_key(j, k);
	} else {
		fl_json_key(j, name);
	}
}

static void
json_row(struct fl_json *j, struct fl_table *t, size_t r)
{
	int c;

	fl_json_obj_open(j);
	for (c = 0; c < t->ncol; c++) {
		json_key_for(j, t->names[c]);
		json_cell(j, t, c, t->rows[r][c]);
	}
	fl_json_obj_close(j);
}

static int
flush_buf(struct fl_buf *b)
{
	int bad = b->len && fwrite(b->data, 1, b->len, stdout) != b->len;

	fl_buf_reset(b);
	if (bad || fflush(stdout) != 0)
		return fl_cli_error(FL_EX_IO, "cannot write output");
	return 0;
}

/* Display width of a UTF-8 string, counting code points. */
static size_t
text_width(const char *s, size_t maxbytes)
{
	size_t w = 0, i;

	for (i = 0; s[i] && i < maxbytes; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

/* Bytes of s that fit in w code points, ending on a character boundary. */
static size_t
fit_bytes(const char *s, size_t w)
{
	size_t i = 0, n = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (n == w)
				break;
			n++;
		}
		i++;
	}
	return i;
}

static void
cell_text(const char *v, char *out, size_t outsz)
{
	size_t i, o = 0;

	/* one line per row: control characters become spaces */
	for (i = 0; v && v[i] && o + 1 < outsz; i++)
		out[o++] = ((unsigned char)v[i] < 0x20) ? ' ' : v[i];
	out[o] = '\0';
	if (v && v[i] && outsz > 4) {
		/* cut on a character boundary and mark it */
		while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
			o--;
		if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
			o--;
		out[o] = '\0';
	}
}

int
fl_table_print(struct fl_ctx *ctx, struct fl_table *t, const char *cols)
{
	struct fl_buf b;
	struct fl_json j;
	size_t r;
	int c, rc = 0;

	if (t->err)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	fl_buf_init(&b, 0);
	if (ctx->json) {
		fl_json_init(&j, &b, 0);
		fl_json_arr_open(&j);
		for (r = 0; r < t->nrows; r++) {
			json_row(&j, t, r);
			if (b.len > 1 << 16 && (rc = flush_buf(&b)) != 0)
				break;
		}
		fl_json_arr_close(&j);
		fl_buf_putc(&b, '\n');
		if (rc == 0)
			rc = flush_buf(&b);
		fl_buf_release(&b);
		return rc;
	}
	if (t->nrows == 0) {
		fl_buf_release(&b);
		fprintf(stdout, "(none)\n");
		return 0;
	}
	{
		int sel[FL_MAX_OPTS * 2], nsel = 0;
		size_t width[FL_MAX_OPTS * 2];
		char cell[256];
		const size_t cap = 60;

		for (c = 0; c < t->ncol && nsel < (int)(sizeof sel / sizeof *sel); c++) {
			if (cols) {
				const char *p = cols;
				size_t n = strlen(t->names[c]);
				int found = 0;
				while ((p = strstr(p, t->names[c])) != NULL) {
					if ((p == cols || p[-1] == ',') &&
					    (p[n] == ',' || p[n] == '\0')) {
						found = 1;
						break;
					}
					p += n;
				}
				if (!found)
					continue;
			}
			sel[nsel++] = c;
		}
		for (c = 0; c < nsel; c++) {
			width[c] = text_width(t->names[sel[c]], SIZE_MAX);
			for (r = 0; r < t->nrows; r++) {
				size_t w;
				cell_text(t->rows[r][sel[c]], cell, sizeof cell);
				w = text_width(cell, SIZE_MAX);
				if (w > cap)
					w = cap;
				if (w > width[c])
					width[c] = w;
			}
		}
		for (c = 0; c < nsel; c++) {
			size_t k;
			for (k = 0; t->names[sel[c]][k]; k++)
				fl_buf_putc(&b, (char)toupper((unsigned char)t->names[sel[c]][k]));
			if (c + 1 < nsel)
				fl_buf_printf(&b, "%*s", (int)(width[c] - k + 2), "");
		}
		fl_buf_putc(&b, '\n');
		for (r = 0; r < t->nrows; r++) {
			for (c = 0; c < nsel; c++) {
				size_t w, nb;
				cell_text(t->rows[r][sel[c]], cell, sizeof cell);
				if (t->rows[r][sel[c]] == NULL)
					fl_strlcpy(cell, "-", sizeof cell);
				w = text_width(cell, SIZE_MAX);
				if (w > cap) {
					nb = fit_bytes(cell, cap - 1);
					fl_buf_append(&b, cell, nb);
					fl_buf_puts(&b, "\xE2\x80\xA6");
					w = cap;
				} else {
					fl_buf_puts(&b, cell);
				}
				if (c + 1 < nsel)
					fl_buf_printf(&b, "%*s", (int)(width[c] - w + 2), "");
			}
			fl_buf_putc(&b, '\n');
			if (b.len > 1 << 16 && (rc = flush_buf(&b)) != 0)
				break;
		}
	}
	if (rc == 0)
		rc = flush_buf(&b);
	fl_buf_release(&b);
	return rc;
}

int
fl_table_finish(struct fl_ctx *ctx, struct fl_table *t, fl_err rc,
		const char *cols)
{
	int code;

	if (rc == FL_OK && t->err != FL_OK)
		rc = t->err;
	if (rc != FL_OK) {
		fl_table_release(t);
		return fl_cli_fail(ctx, rc);
	}
	code = fl_table_print(ctx, t, cols);
	fl_table_release(t);
	return code;
}

int
fl_table_print_one(struct fl_ctx *ctx, struct fl_table *t)
{
	struct fl_buf b;
	struct fl_json j;
	int c, rc;
	size_t wmax = 0;

	if (t->err)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	if (t->nrows == 0)
		return fl_cli_error(FL_EX_DATA, "not found");
	fl_buf_init(&b, 0);
	if (ctx->json) {
		fl_json_init(&j, &b, 0);
		json_row(&j, t, 0);
		fl_buf_putc(&b, '\n');
	} else {
		for (c = 0; c < t->ncol; c++)
			if (strlen(t->names[c]) > wmax)
				wmax = strlen(t->names[c]);
		for (c = 0; c < t->ncol; c++) {
			const char *v = t->rows[0][c];
			fl_buf_printf(&b, "%-*s  %s\n", (int)wmax, t->names[c],
				      v ? v : "-");
		}
	}
	rc = flush_buf(&b);
	fl_buf_release(&b);
	return rc;
}

/* ---- dispatch -------------------------------------------------------------- */

static const struct fl_cmd *
find_cmd(const char *group, const char *verb, int *group_known)
{
	const struct fl_cmd *const *g;
	const struct fl_cmd *c;

	*group_known = 0;
	for (g = groups; *g; g++)
		for (c = *g; c->group; c++) {
			if (strcmp(c->group, group) != 0)
				continue;
			*group_known = 1;
			if (c->verb == NULL)
				return c;
			if (verb && strcmp(c->verb, verb) == 0)
				return c;
		}
	return NULL;
}

static const char *
default_actor(void)
{
	const char *a = getenv("FIRSTLINE_ACTOR");

	if (a && *a)
		return a;
	a = getenv("USER");
	if (a && *a)
		return a;
	a = getlogin();
	return a && *a ? a : "unknown";
}

int
fl_cli_main(int argc, char **argv)
{
	struct fl_ctx ctx;
	struct fl_args a;
	struct fl_opt opts[FL_MAX_OPTS];
	const struct fl_cmd *cmd;
	int i = 1, known = 0, nopts, code, skip;
	fl_err rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.argv0 = argv[0];
	ctx.db_path = getenv("FIRSTLINE_DB");
	if (ctx.db_path == NULL || *ctx.db_path == '\0')
		ctx.db_path = "firstline.db";
	ctx.actor = default_actor();
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			ctx.db_path = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			ctx.db_path = argv[i++] + 5;
		} else if (strcmp(argv[i], "--as") == 0 && i + 1 < argc) {
			ctx.actor = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--as=", 5) == 0) {
			ctx.actor = argv[i++] + 5;
		} else if (strcmp(argv[i], "--help") == 0 ||
			   strcmp(argv[i], "-h") == 0) {
			print_main_help(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("firstline %s\n", FL_VERSION);
			return 0;
		} else {
			return fl_cli_usage(&ctx, "unknown global option '%s'",
					    argv[i]);
		}
	}
	if (i >= argc) {
		print_main_help(stderr);
		return FL_EX_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc) {
			cmd = find_cmd(argv[i + 1], NULL, &known);
			if (known && (cmd == NULL || cmd->verb)) {
				print_group_help(stdout, argv[i + 1]);
				return 0;
			}
			if (cmd) {
				print_cmd_help(stdout, cmd);
				return 0;
			}
		}
		print_main_help(stdout);
		return 0;
	}
	cmd = find_cmd(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &known);
	if (cmd == NULL) {
		if (!known)
			return fl_cli_usage(&ctx, "unknown command '%s' (try "
					    "'firstline --help')", argv[i]);
		if (i + 1 < argc && strcmp(argv[i + 1], "--help") != 0 &&
		    strcmp(argv[i + 1], "-h") != 0) {
			fl_cli_usage(&ctx, "unknown verb '%s' for '%s'",
				     argv[i + 1], argv[i]);
			print_group_help(stderr, argv[i]);
			return FL_EX_USAGE;
		}
		print_group_help(i + 1 < argc ? stdout : stderr, argv[i]);
		return i + 1 < argc ? 0 : FL_EX_USAGE;
	}
	ctx.cmd = cmd;
	skip = cmd->verb ? 2 : 1;
	nopts = collect_opts(cmd, opts);
	if ((code = parse_args(&ctx, cmd, opts, nopts, argc - i - skip,
			       argv + i + skip, &a)) != 0) {
		args_release(&a);
		return code;
	}
	if (fl_flag(&a, "help")) {
		print_cmd_help(stdout, cmd);
		args_release(&a);
		return 0;
	}
	if (a.npos < cmd->min_pos ||
	    (cmd->max_pos >= 0 && a.npos > cmd->max_pos)) {
		fl_cli_usage(&ctx, "'%s%s%s' takes %s%s", cmd->group,
			     cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
			     cmd->synopsis ? cmd->synopsis : "no arguments",
			     " (see --help)");
		args_release(&a);
		return FL_EX_USAGE;
	}
	ctx.json = fl_flag(&a, "json");
	if (!(cmd->flags & FL_CMD_NODB)) {
		rc = fl_store_open(ctx.db_path, (cmd->flags & FL_CMD_CREATE) != 0,
				   &ctx.st, &ctx.diag);
		if (rc != FL_OK) {
			code = fl_cli_fail(&ctx, rc);
			args_release(&a);
			return code;
		}
		fl_store_set_actor(ctx.st, ctx.actor);
	}
	code = cmd->run(&ctx, &a);
	fl_store_close(ctx.st);
	args_release(&a);
	return code;
}
