/*
 * detect: Sigma detection from the command line.  This file has the rule
 * commands: `detect rules check` loads rule files and directories and says,
 * for every rule that cannot be used, where and why; `detect rules list`
 * lists what was loaded.  Neither opens the database.
 */
#include "cli.h"

#include "detect/sigma.h"

static const struct fl_opt rules_opts[] = {
	{"placeholders", FL_OPT_VALUE, "FILE",
	 "value lists for %placeholders% (YAML: name: [values])"},
	{NULL, 0, NULL, NULL}
};

/* Load every path into a resolved set; NULL after printing an error. */
static struct fl_sigma_set *
load_set(struct fl_ctx *ctx, const struct fl_args *a, int first,
	 struct fl_sigma_vars **varsp, int *code)
{
	struct fl_sigma_vars *vars = NULL;
	struct fl_sigma_set *s;
	const char *ph = fl_arg(a, "placeholders");
	fl_err rc;
	int i;

	*varsp = NULL;
	if (ph) {
		if ((vars = fl_sigma_vars_new()) == NULL) {
			*code = fl_cli_fail(ctx, FL_E_NOMEM);
			return NULL;
		}
		if ((rc = fl_sigma_vars_load(vars, ph, &ctx->diag)) != FL_OK) {
			fl_sigma_vars_free(vars);
			*code = fl_cli_fail(ctx, rc);
			return NULL;
		}
	}
	if ((s = fl_sigma_set_new(NULL, vars)) == NULL) {
		fl_sigma_vars_free(vars);
		*code = fl_cli_fail(ctx, FL_E_NOMEM);
		return NULL;
	}
	for (i = first; i < a->npos; i++)
		if ((rc = fl_sigma_set_add_path(s, a->pos[i], &ctx->diag)) !=
		    FL_OK)
			goto fail;
	if ((rc = fl_sigma_set_resolve(s)) != FL_OK)
		goto fail;
	*varsp = vars;
	return s;
fail:
	fl_sigma_set_free(s);
	fl_sigma_vars_free(vars);
	*code = fl_cli_fail(ctx, rc);
	return NULL;
}

static int
run_check(struct fl_ctx *ctx, struct fl_sigma_set *s)
{
	const struct fl_sigma_refusal *ref;
	struct fl_sigma_stats st;
	struct fl_buf b;
	struct fl_json j;
	size_t n, i;

	ref = fl_sigma_set_refusals(s, &n);
	fl_sigma_set_stats(s, &st);
	fl_buf_init(&b, 0);
	if (ctx->json) {
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "files");
		fl_json_int(&j, (long long)st.files);
		fl_json_key(&j, "rules");
		fl_json_int(&j, (long long)st.rules);
		fl_json_key(&j, "correlations");
		fl_json_int(&j, (long long)st.correlations);
		fl_json_key(&j, "filters");
		fl_json_int(&j, (long long)st.filters);
		fl_json_key(&j, "refused");
		fl_json_int(&j, (long long)st.refused);
		fl_json_key(&j, "refusals");
		fl_json_arr_open(&j);
		for (i = 0; i < n; i++) {
			const struct fl_sigma_rule *r = ref[i].rule;

			fl_json_obj_open(&j);
			fl_json_key(&j, "file");
			fl_json_str(&j, ref[i].d.file);
			fl_json_key(&j, "line");
			fl_json_int(&j, (long long)ref[i].d.line);
			fl_json_key(&j, "col");
			fl_json_int(&j, (long long)ref[i].d.col);
			fl_json_key(&j, "reason");
			fl_json_str(&j, ref[i].d.msg);
			fl_json_key(&j, "kind");
			if (r)
				fl_json_str(&j, fl_sigma_kind_name(r->kind));
			else
				fl_json_str(&j, "file");
			fl_json_key(&j, "id");
			if (r && r->id)
				fl_json_str(&j, r->id);
			else
				fl_json_null(&j);
			fl_json_key(&j, "title");
			if (r && r->title)
				fl_json_str(&j, r->title);
			else
				fl_json_null(&j);
			fl_json_obj_close(&j);
		}
		fl_json_arr_close(&j);
		fl_json_obj_close(&j);
		fl_buf_putc(&b, '\n');
	} else {
		for (i = 0; i < n; i++)
			fl_buf_printf(&b, "%s:%lu:%lu: %s\n", ref[i].d.file,
				      ref[i].d.line, ref[i].d.col,
				      ref[i].d.msg);
		fl_buf_printf(&b,
			      "%zu files: %zu rules, %zu correlations, %zu "
			      "filters; %zu refused\n",
			      st.files, st.rules, st.correlations, st.filters,
			      st.refused);
	}
	fwrite(b.data ? b.data : "", 1, b.len, stdout);
	fl_buf_release(&b);
	if (fflush(stdout) != 0)
		return fl_cli_error(FL_EX_IO, "cannot write the output");
	return st.refused ? FL_EX_DATA : FL_EX_OK;
}

static int
run_list(struct fl_ctx *ctx, struct fl_sigma_set *s)
{
	static const char *const names[] = {"id", "title", "level", "kind",
					    "status", "product", "category",
					    "service", "file", "line", "usable"};
	enum fl_col_type types[11];
	struct fl_sigma_rule *const *r;
	struct fl_table t;
	struct fl_row row;
	const char *vals[11];
	char line[24];
	size_t n, i;
	int c, code;

	for (c = 0; c < 11; c++)
		types[c] = FL_COL_TEXT;
	types[9] = FL_COL_INT;
	types[10] = FL_COL_INT;
	row.ncol = 11;
	row.names = names;
	row.vals = vals;
	row.types = types;
	fl_table_init(&t);
	r = fl_sigma_set_rules(s, &n);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "%lu", r[i]->line);
		vals[0] = r[i]->id;
		vals[1] = r[i]->title;
		vals[2] = r[i]->level;
		vals[3] = fl_sigma_kind_name(r[i]->kind);
		vals[4] = r[i]->status;
		vals[5] = r[i]->logsource.product;
		vals[6] = r[i]->logsource.category;
		vals[7] = r[i]->logsource.service;
		vals[8] = r[i]->file;
		vals[9] = line;
		vals[10] = r[i]->refused ? "0" : "1";
		if (fl_table_add(&t, &row) != FL_OK)
			break;
	}
	code = fl_table_print(ctx, &t, "id,level,kind,product,category,"
				       "service,title");
	fl_table_release(&t);
	return code;
}

static int
run_rules(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_sigma_vars *vars = NULL;
	struct fl_sigma_set *s;
	const char *what = a->pos[0];
	int code = 0;

	if (strcmp(what, "check") != 0 && strcmp(what, "list") != 0)
		return fl_cli_usage(ctx, "unknown action '%s': check or list",
				    what);
	if (a->npos < 2)
		return fl_cli_usage(ctx, "rules %s needs a rule file or "
				    "directory", what);
	if ((s = load_set(ctx, a, 1, &vars, &code)) == NULL)
		return code;
	code = strcmp(what, "check") == 0 ? run_check(ctx, s)
					  : run_list(ctx, s);
	fl_sigma_set_free(s);
	fl_sigma_vars_free(vars);
	return code;
}

const struct fl_cmd fl_cmds_detect[] = {
	{"detect", "rules", "check|list DIR|FILE...",
	 "check or list Sigma rules, correlations and filters",
	 "check: loads every *.yml and *.yaml file under each DIR (recursively)\n"
	 "and each FILE, resolves the references of correlation rules and\n"
	 "filters across all of them, and prints one line FILE:LINE:COL:\n"
	 "reason for every rule, correlation, filter or file that cannot be\n"
	 "used, then a summary.  Exits 0 when everything is usable and 65 when\n"
	 "anything was refused; a missing path exits 66.\n"
	 "\n"
	 "list: the same loading, then one row per document (refused ones\n"
	 "with usable 0).\n"
	 "\n"
	 "Rules whose values use %placeholders% with the expand modifier need\n"
	 "--placeholders FILE, a YAML map of placeholder name to a list of\n"
	 "values; without a list for every placeholder such a rule is refused.\n"
	 "docs/detection.md says what is supported and what is refused.",
	 rules_opts, 2, -1, FL_CMD_NODB | FL_CMD_JSON, run_rules,
	 "  check --json: one object\n"
	 "  files         files read\n"
	 "  rules         detection rules read (refused ones included)\n"
	 "  correlations  correlation rules read\n"
	 "  filters       meta filters read\n"
	 "  refused       refusals (documents and whole files)\n"
	 "  refusals      [{file, line, col, reason, kind (rule, correlation,\n"
	 "                filter or file), id, title}]\n"
	 "  list --json: one object per document\n"
	 "  id, title, level, status   as written in the document (or null)\n"
	 "  kind          rule, correlation or filter\n"
	 "  product, category, service the logsource\n"
	 "  file, line    where the document starts\n"
	 "  usable        1, or 0 when refused"},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
