/*
 * catalog: commands of the catalog group — importing frameworks (OSCAL JSON
 * or XML) and the Group's own catalogue (a spreadsheet export with mappings
 * to framework ids), listing, showing, searching, statistics, and the gap
 * analysis (coverage) an ITSO hands to the ISO.
 *
 * The commands wire ingest/ readers to store/ importers inside one
 * transaction: a bad file leaves the database exactly as it was.  An
 * OSCAL profile only points into a catalogue: it is resolved against a
 * framework catalogue already imported (its "modify" is not applied).
 */
#include "cli.h"
#include "../ingest/ingest.h"

#include <jansson.h>

/* ---- shared ---------------------------------------------------------------- */

static int
fail_rollback(struct fl_ctx *ctx, fl_err rc)
{
	fl_store_rollback(ctx->st);
	return fl_cli_fail(ctx, rc);
}

/* Drop a column of a collected table (JSON and table views differ). */
static void
table_drop(struct fl_table *t, const char *name)
{
	size_t r;
	int c, k;

	for (c = 0; c < t->ncol; c++)
		if (strcmp(t->names[c], name) == 0)
			break;
	if (c == t->ncol)
		return;
	free(t->names[c]);
	for (r = 0; r < t->nrows; r++) {
		free(t->rows[r][c]);
		for (k = c; k + 1 < t->ncol; k++)
			t->rows[r][k] = t->rows[r][k + 1];
	}
	for (k = c; k + 1 < t->ncol; k++) {
		t->names[k] = t->names[k + 1];
		t->types[k] = t->types[k + 1];
	}
	t->ncol--;
}

static void
table_rename(struct fl_table *t, const char *from, const char *to)
{
	int c;

	for (c = 0; c < t->ncol; c++) {
		char *n;
		if (strcmp(t->names[c], from) != 0)
			continue;
		if ((n = fl_strdup(to)) == NULL) {
			t->err = FL_E_NOMEM;
			return;
		}
		free(t->names[c]);
		t->names[c] = n;
	}
}

/* One row of t as a JSON object's members (the object is already open). */
static void
json_members(struct fl_json *j, const struct fl_table *t, size_t r)
{
	int c;

	for (c = 0; c < t->ncol; c++) {
		const char *name = t->names[c], *v = t->rows[r][c];
		size_t n = strlen(name);
		char key[64];

		if (n > 5 && strcmp(name + n - 5, "_json") == 0 &&
		    n - 5 < sizeof key) {
			memcpy(key, name, n - 5);
			key[n - 5] = '\0';
			fl_json_key(j, key);
			if (v == NULL) {
				fl_json_null(j);
			} else {
				/* JSON made by the store: embed it as it is */
				j->after_key = 0;
				fl_buf_puts(j->out, v);
			}
			continue;
		}
		fl_json_key(j, name);
		if (v == NULL)
			fl_json_null(j);
		else if (t->types[c] == FL_COL_INT)
			fl_json_int(j, strtoll(v, NULL, 10));
		else if (t->types[c] == FL_COL_REAL)
			fl_json_num(j, strtod(v, NULL));
		else
			fl_json_str(j, v);
	}
}

static void
table_json_array(struct fl_json *j, const struct fl_table *t)
{
	size_t r;

	fl_json_arr_open(j);
	for (r = 0; r < t->nrows; r++) {
		fl_json_obj_open(j);
		json_members(j, t, r);
		fl_json_obj_close(j);
	}
	fl_json_arr_close(j);
}

static int
write_buf(struct fl_buf *b)
{
	if (fwrite(b->data ? b->data : "", 1, b->len, stdout) != b->len ||
	    fflush(stdout) != 0)
		return fl_cli_error(FL_EX_IO, "cannot write output");
	return 0;
}

static void
print_summary(const struct fl_catalog_counts *c)
{
	if (!c->changed) {
		printf("%s: unchanged (%ld groups, %ld controls, %ld withdrawn)\n",
		       c->key, c->groups, c->controls, c->withdrawn);
		return;
	}
	printf("%s: %s %s catalogue: %ld groups, %ld controls, %ld withdrawn\n",
	       c->key, c->created ? "imported" : "updated", c->kind, c->groups,
	       c->controls, c->withdrawn);
	printf("  controls: %ld new, %ld changed, %ld unchanged, %ld removed,"
	       " %ld retired (kept, marked withdrawn: still referred to)\n",
	       c->inserted, c->updated, c->unchanged, c->removed, c->retired);
}

/* Per framework: how many refs resolved, and which did not. */
static void
print_mappings(struct fl_ctx *ctx, const char *key)
{
	struct fl_table t;
	size_t r;
	int shown = 0, w = 10;

	fl_table_init(&t);
	if (fl_store_mapping_summary(ctx->st, key, fl_table_add, &t) != FL_OK ||
	    t.err || t.nrows == 0) {
		fl_table_release(&t);
		return;
	}
	printf("  mappings by framework:\n");
	for (r = 0; r < t.nrows; r++)
		if ((int)strlen(fl_table_cell(&t, r, "framework")) > w)
			w = (int)strlen(fl_table_cell(&t, r, "framework"));
	for (r = 0; r < t.nrows; r++) {
		const char *have = fl_table_cell(&t, r, "catalogue");
		printf("    %-*s %5s refs, %5s resolved, %5s unresolved%s\n", w,
		       fl_table_cell(&t, r, "framework"), fl_table_cell(&t, r, "refs"),
		       fl_table_cell(&t, r, "resolved"), fl_table_cell(&t, r, "unresolved"),
		       have && strcmp(have, "0") != 0 ? ""
						       : " (no such catalogue: kept as text)");
	}
	fl_table_release(&t);
	fl_table_init(&t);
	if (fl_store_mapping_unresolved(ctx->st, key, fl_table_add, &t) == FL_OK &&
	    !t.err)
		for (r = 0; r < t.nrows; r++) {
			if (shown++ == 10) {
				printf("    ... %zu more unresolved\n", t.nrows - 10);
				break;
			}
			printf("    unresolved: %s %s (control %s)\n",
			       fl_table_cell(&t, r, "framework"), fl_table_cell(&t, r, "ref"),
			       fl_table_cell(&t, r, "control"));
		}
	fl_table_release(&t);
}

/* ---- catalog import ------------------------------------------------------- */

struct oscal_ctx {
	struct fl_catalog_import *imp;
	struct fl_diag *d;
};

static fl_err
on_catalog(void *vctx, const struct fl_oscal_catalog *c)
{
	struct oscal_ctx *o = vctx;
	struct fl_catalog_meta m;

	memset(&m, 0, sizeof m);
	m.title = c->title;
	m.version = c->version;
	m.oscal_version = c->oscal_version;
	m.uuid = c->uuid;
	m.last_modified = c->last_modified;
	m.framework = c->framework;
	return fl_store_catalog_import_meta(o->imp, &m, o->d);
}

static fl_err
on_group(void *vctx, const struct fl_oscal_group *g)
{
	struct oscal_ctx *o = vctx;
	struct fl_catalog_group cg;

	memset(&cg, 0, sizeof cg);
	cg.key = g->id;
	cg.title = g->title;
	cg.class = g->class;
	cg.parent_key = g->parent_id;
	cg.seq = (long)g->seq;
	cg.line = g->line;
	return fl_store_catalog_import_group(o->imp, &cg, o->d);
}

static fl_err
on_control(void *vctx, const struct fl_oscal_control *c)
{
	struct oscal_ctx *o = vctx;
	struct fl_catalog_control cc;

	memset(&cc, 0, sizeof cc);
	cc.key = c->id;
	cc.label = c->label;
	cc.title = c->title;
	cc.class = c->class;
	cc.sort_key = c->sort_id;
	cc.group_key = c->group_id;
	cc.parent_key = c->parent_id;
	cc.withdrawn = c->withdrawn;
	cc.examples = (long)c->examples;
	cc.statement = c->statement;
	cc.guidance = c->guidance;
	cc.objectives = c->objectives;
	cc.methods = c->methods;
	cc.params_json = c->params_json;
	cc.seq = (long)c->seq;
	cc.line = c->line;
	return fl_store_catalog_import_control(o->imp, &cc, NULL, o->d);
}

/* A requirement list (DORA, NIS2): one control per requirement. */
static fl_err
on_list(void *vctx, const struct fl_reqlist_meta *l)
{
	struct oscal_ctx *o = vctx;
	struct fl_catalog_meta m;

	memset(&m, 0, sizeof m);
	m.title = l->name ? l->name : l->id;
	m.short_id = l->id;
	m.version = l->version;
	return fl_store_catalog_import_meta(o->imp, &m, o->d);
}

static fl_err
on_item(void *vctx, const struct fl_reqlist_item *r)
{
	struct oscal_ctx *o = vctx;
	struct fl_catalog_control cc;

	memset(&cc, 0, sizeof cc);
	cc.key = r->id;
	cc.label = r->id;
	cc.title = r->name;
	cc.statement = r->description;
	cc.seq = (long)r->seq;
	return fl_store_catalog_import_control(o->imp, &cc, NULL, o->d);
}

/* An OSCAL profile: find its base, then copy the selected controls. */
struct profile_ctx {
	struct fl_ctx *ctx;
	struct fl_catalog_opts *o;
	struct fl_catalog_import **imp;
};

static fl_err
on_profile(void *vctx, const struct fl_oscal_profile *p)
{
	struct profile_ctx *pc = vctx;
	struct fl_diag *d = &pc->ctx->diag;
	struct fl_catalog_meta m;
	const char *given = pc->o->base_key;
	char base[128];
	fl_err rc;

	if (given != NULL) {
		fl_strlcpy(base, given, sizeof base);
	} else {
		rc = p->nids ? fl_store_catalog_base_for(pc->ctx->st, p->ids,
							 p->nids, base,
							 sizeof base)
			     : FL_E_NOTFOUND;
		if (rc == FL_E_NOTFOUND)
			return fl_diag_msg(d, rc, "profile '%s' selects controls"
					   " of a catalogue that is not imported:"
					   " import the catalogue first or pass"
					   " --base KEY", p->title);
		if (rc == FL_E_INVAL)
			return fl_diag_msg(d, rc, "profile '%s' selects controls"
					   " that several imported catalogues"
					   " have: pass --base KEY", p->title);
		if (rc != FL_OK)
			return fl_diag_msg(d, rc, "%s",
					   fl_store_errmsg(pc->ctx->st));
	}
	pc->o->base_key = base;
	rc = fl_store_catalog_import_new(pc->ctx->st, pc->o, pc->imp);
	pc->o->base_key = given; /* base is on this stack frame */
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "out of memory");
	memset(&m, 0, sizeof m);
	m.title = p->title;
	m.version = p->version;
	m.oscal_version = p->oscal_version;
	m.uuid = p->uuid;
	m.last_modified = p->last_modified;
	if ((rc = fl_store_catalog_import_meta(*pc->imp, &m, d)) != FL_OK)
		return rc;
	return fl_store_catalog_import_select(*pc->imp, base, p->include_all,
					      p->ids, p->nids, p->xids,
					      p->nxids, d);
}

static const struct fl_opt import_opts[] = {
	{"key", FL_OPT_VALUE, "KEY", "catalogue key (default: derived from the title)"},
	{"title", FL_OPT_VALUE, "TITLE", "catalogue title (default: the file's)"},
	{"base", FL_OPT_VALUE, "KEY",
	 "store it as a baseline of framework KEY (resolved profiles are"
	 " recognised; a profile's controls are taken from KEY)"},
	{NULL, 0, NULL, NULL}
};

static int
run_import(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *path = a->pos[0];
	struct fl_catalog_opts o;
	struct fl_catalog_import *imp = NULL;
	struct fl_catalog_counts counts;
	struct fl_oscal_sink sink;
	struct oscal_ctx oc;
	struct fl_buf b;
	char sha[65];
	fl_err rc;

	fl_buf_init(&b, 0);
	if ((rc = fl_buf_read_file(&b, path, &ctx->diag)) != FL_OK) {
		fl_buf_release(&b);
		return fl_cli_fail(ctx, rc);
	}
	/* hash the bytes parsed, not a second read that could differ */
	if ((rc = fl_sha256_mem(b.data, b.len, sha)) != FL_OK) {
		fl_buf_release(&b);
		return fl_cli_fail(ctx, fl_diag_msg(&ctx->diag, rc,
						    "%s: SHA-256 failed", path));
	}
	memset(&o, 0, sizeof o);
	o.key = fl_arg(a, "key");
	o.title = fl_arg(a, "title");
	o.base_key = fl_arg(a, "base");
	o.source = path;
	o.source_sha256 = sha;
	if ((rc = fl_store_begin(ctx->st)) != FL_OK) {
		fl_buf_release(&b);
		return fl_cli_fail(ctx, rc);
	}
	if (fl_oscal_profile_sniff(b.data, b.len)) {
		struct profile_ctx pc;
		pc.ctx = ctx;
		pc.o = &o;
		pc.imp = &imp;
		if ((rc = fl_oscal_profile_parse(b.data, b.len, path, on_profile,
						 &pc, &ctx->diag)) != FL_OK)
			goto fail;
		goto finish;
	}
	if ((rc = fl_store_catalog_import_new(ctx->st, &o, &imp)) != FL_OK)
		goto fail;
	oc.imp = imp;
	oc.d = &ctx->diag;
	if (fl_reqlist_sniff(b.data, b.len)) {
		struct fl_reqlist_sink rs;
		rs.ctx = &oc;
		rs.list = on_list;
		rs.item = on_item;
		if ((rc = fl_reqlist_parse(b.data, b.len, path, &rs,
					   &ctx->diag)) != FL_OK)
			goto fail;
		goto finish;
	}
	sink.ctx = &oc;
	sink.catalog = on_catalog;
	sink.group = on_group;
	sink.control = on_control;
	if ((rc = fl_oscal_parse(b.data, b.len, path, NULL, &sink,
				 &ctx->diag)) != FL_OK) {
		size_t n = strlen(ctx->diag.msg), pl = strlen(path);
		if (rc == FL_E_SYNTAX && pl > 4 &&
			 fl_streq_ci(path + pl - 4, ".csv"))
			snprintf(ctx->diag.msg + n, sizeof ctx->diag.msg - n,
				 ": a spreadsheet is read by 'catalog import-csv'");
		goto fail;
	}
finish:
	if ((rc = fl_store_catalog_import_finish(imp, &counts, &ctx->diag)) != FL_OK)
		goto fail;
	if ((rc = fl_store_commit(ctx->st)) != FL_OK)
		goto fail;
	fl_store_catalog_import_free(imp);
	fl_buf_release(&b);
	print_summary(&counts);
	if (counts.mappings_resolved)
		printf("  resolved %ld pending Group mappings to %s\n",
		       counts.mappings_resolved, counts.key);
	return 0;
fail:
	fl_store_catalog_import_free(imp);
	fl_buf_release(&b);
	return fail_rollback(ctx, rc);
}

/* ---- catalog import-csv ----------------------------------------------------- */

#define MAX_MAPS 32

struct csv_ctx {
	struct fl_ctx *ctx;
	struct fl_catalog_import *imp;
	struct fl_csv_header h;
	const char *file;
	const char *id_name, *title_name, *text_name, *desc_name, *guid_name;
	const char *obj_name, *group_name;
	long id_col, title_col, text_col, desc_col, guid_col, obj_col, group_col;
	size_t nmap;
	const char *map_fw[MAX_MAPS], *map_name[MAX_MAPS];
	char *map_buf[MAX_MAPS];
	long map_col[MAX_MAPS];
	char sep;
	long rows, skipped;
};

static fl_err
find_col(struct csv_ctx *c, const char *name, long *col, struct fl_diag *d)
{
	*col = -1;
	if (name == NULL)
		return FL_OK;
	if ((*col = fl_csv_col(&c->h, name)) >= 0)
		return FL_OK;
	return fl_diag_set(d, FL_E_SYNTAX, c->file, 1, 1,
			   "no column '%s' in the header", name);
}

/* A field with surrounding whitespace removed; NULL when col is -1. */
static char *
field(const struct fl_csv_record *rec, long col, int *oom)
{
	const char *s;
	size_t n;
	char *out;

	if (col < 0)
		return NULL;
	s = fl_csv_get(rec, col);
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		     s[n - 1] == '\n'))
		n--;
	if ((out = fl_strndup(s, n)) == NULL)
		*oom = 1;
	return out;
}

/* Whether a mapping cell entry says "nothing": spreadsheets write dashes. */
static int
is_none(const char *s)
{
	return *s == '\0' || strcmp(s, "-") == 0 ||
	       strcmp(s, "\xE2\x80\x94") == 0 || /* em dash */
	       strcmp(s, "\xE2\x80\x93") == 0 || /* en dash */
	       fl_streq_ci(s, "n/a") || fl_streq_ci(s, "none");
}

static fl_err
csv_header(struct csv_ctx *c, const struct fl_csv_record *rec,
	   struct fl_diag *d)
{
	fl_err rc;
	size_t k;

	if ((rc = fl_csv_header_init(&c->h, rec)) != FL_OK)
		return fl_diag_msg(d, rc, "out of memory");
	if ((rc = find_col(c, c->id_name, &c->id_col, d)) != FL_OK ||
	    (rc = find_col(c, c->title_name, &c->title_col, d)) != FL_OK ||
	    (rc = find_col(c, c->text_name, &c->text_col, d)) != FL_OK ||
	    (rc = find_col(c, c->desc_name, &c->desc_col, d)) != FL_OK ||
	    (rc = find_col(c, c->guid_name, &c->guid_col, d)) != FL_OK ||
	    (rc = find_col(c, c->obj_name, &c->obj_col, d)) != FL_OK ||
	    (rc = find_col(c, c->group_name, &c->group_col, d)) != FL_OK)
		return rc;
	for (k = 0; k < c->nmap; k++)
		if ((rc = find_col(c, c->map_name[k], &c->map_col[k], d)) != FL_OK)
			return rc;
	return FL_OK;
}

static fl_err
csv_row(void *vctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct csv_ctx *c = vctx;
	struct fl_catalog_control cc;
	struct fl_catalog_ref *refs = NULL;
	size_t nrefs = 0, caprefs = 0, k;
	char *id = NULL, *title = NULL, *text = NULL, *desc = NULL;
	char *guid = NULL, *obj = NULL, *group = NULL, *cells[MAX_MAPS] = {0};
	int oom = 0, skipped = 0;
	fl_err rc = FL_OK;

	if (rec->index == 0)
		return csv_header(c, rec, d);
	if (rec->nfields != c->h.n)
		return fl_diag_set(d, FL_E_SYNTAX, c->file, rec->line, 1,
				   "the row has %zu fields, the header %zu",
				   rec->nfields, c->h.n);
	id = field(rec, c->id_col, &oom);
	title = field(rec, c->title_col, &oom);
	text = field(rec, c->text_col, &oom);
	desc = field(rec, c->desc_col, &oom);
	guid = field(rec, c->guid_col, &oom);
	obj = field(rec, c->obj_col, &oom);
	group = field(rec, c->group_col, &oom);
	for (k = 0; k < c->nmap && !oom; k++)
		cells[k] = field(rec, c->map_col[k], &oom);
	if (oom) {
		rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		goto out;
	}
	/* the column of a field is its position in the row, from 1 */
	if (c->id_col >= 0 && *id == '\0') {
		rc = fl_diag_set(d, FL_E_SYNTAX, c->file, rec->line,
				 (unsigned long)c->id_col + 1,
				 "empty id in column '%s'", c->id_name);
		goto out;
	}
	if (*title == '\0') {
		rc = fl_diag_set(d, FL_E_SYNTAX, c->file, rec->line,
				 (unsigned long)c->title_col + 1,
				 "empty title in column '%s'", c->title_name);
		goto out;
	}
	/* split each mapping cell into refs: "AC-2, IA-4" */
	for (k = 0; k < c->nmap; k++) {
		char *p = cells[k];
		while (p && *p) {
			char *e = strchr(p, c->sep), *s = p;
			size_t n;
			if (e)
				*e = '\0';
			p = e ? e + 1 : NULL;
			while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
				s++;
			n = strlen(s);
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
				     s[n - 1] == '\n' || s[n - 1] == '\r'))
				s[--n] = '\0';
			if (is_none(s))
				continue;
			if (nrefs == caprefs) {
				size_t ncap = caprefs ? caprefs * 2 : 16;
				struct fl_catalog_ref *nr = realloc(refs, ncap * sizeof *nr);
				if (nr == NULL) {
					rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
					goto out;
				}
				refs = nr;
				caprefs = ncap;
			}
			refs[nrefs].framework = c->map_fw[k];
			refs[nrefs].ref = s;
			nrefs++;
		}
	}
	memset(&cc, 0, sizeof cc);
	cc.key = id;
	cc.title = title;
	cc.statement = text && *text ? text : NULL;
	cc.description = desc && *desc ? desc : NULL;
	cc.guidance = guid && *guid ? guid : NULL;
	cc.objectives = obj && *obj ? obj : NULL;
	cc.group_key = group && *group ? group : NULL;
	cc.seq = (long)rec->index - 1;
	cc.line = rec->line;
	cc.map_frameworks = c->map_fw;
	cc.nmap_frameworks = c->nmap;
	cc.refs = refs;
	cc.nrefs = nrefs;
	if (cc.group_key) {
		struct fl_catalog_group g;
		memset(&g, 0, sizeof g);
		g.key = cc.group_key;
		g.title = cc.group_key;
		g.line = rec->line;
		if ((rc = fl_store_catalog_import_group(c->imp, &g, d)) != FL_OK)
			goto out;
	}
	rc = fl_store_catalog_import_control(c->imp, &cc, &skipped, d);
	c->rows++;
	if (rc == FL_OK && skipped) {
		if (c->skipped++ < 10)
			printf("  skipped line %lu: no control '%s' in the"
			       " catalogue\n", rec->line, id ? id : title);
	}
out:
	free(refs);
	free(id);
	free(title);
	free(text);
	free(desc);
	free(guid);
	free(obj);
	free(group);
	for (k = 0; k < c->nmap; k++)
		free(cells[k]);
	return rc;
}

static const struct fl_opt csv_opts[] = {
	{"key", FL_OPT_VALUE, "KEY", "the Group catalogue's key (required)"},
	{"title", FL_OPT_VALUE, "TITLE", "its title (default: kept, or the key)"},
	{"id-column", FL_OPT_VALUE, "COLUMN", "column holding the control id"},
	{"id-prefix", FL_OPT_VALUE, "PREFIX",
	 "no id column: number controls PREFIX001, PREFIX002, ... by row order"},
	{"title-column", FL_OPT_VALUE, "COLUMN", "column holding the title (required)"},
	{"text-column", FL_OPT_VALUE, "COLUMN", "the control's statement"},
	{"description-column", FL_OPT_VALUE, "COLUMN", "a free description"},
	{"guidance-column", FL_OPT_VALUE, "COLUMN", "guidance"},
	{"objectives-column", FL_OPT_VALUE, "COLUMN",
	 "test procedure / audit methodology"},
	{"group-column", FL_OPT_VALUE, "COLUMN", "the control's group (domain)"},
	{"map-column", FL_OPT_MULTI, "FRAMEWORK=COLUMN",
	 "ids of FRAMEWORK (a catalogue key or any label) in COLUMN"},
	{"map-separator", FL_OPT_VALUE, "CHAR",
	 "separator between ids in a mapping cell (default ',')"},
	{"existing-only", FL_OPT_FLAG, NULL,
	 "only update controls the catalogue has; report and skip other rows"},
	{NULL, 0, NULL, NULL}
};

static int
run_import_csv(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *path = a->pos[0], *sep = fl_arg(a, "map-separator");
	const char *const *maps;
	struct fl_catalog_opts o;
	struct fl_catalog_counts counts;
	struct csv_ctx c;
	struct fl_buf b;
	char sha[65];
	int nmaps, i, code;
	fl_err rc;

	memset(&c, 0, sizeof c);
	c.ctx = ctx;
	c.file = path;
	c.id_name = fl_arg(a, "id-column");
	c.title_name = fl_arg(a, "title-column");
	c.text_name = fl_arg(a, "text-column");
	c.desc_name = fl_arg(a, "description-column");
	c.guid_name = fl_arg(a, "guidance-column");
	c.obj_name = fl_arg(a, "objectives-column");
	c.group_name = fl_arg(a, "group-column");
	c.sep = ',';
	if (fl_arg(a, "key") == NULL || *fl_arg(a, "key") == '\0')
		return fl_cli_usage(ctx, "import-csv needs --key KEY");
	if (c.title_name == NULL)
		return fl_cli_usage(ctx, "import-csv needs --title-column COLUMN");
	if ((c.id_name == NULL) == (fl_arg(a, "id-prefix") == NULL))
		return fl_cli_usage(ctx, "import-csv needs either --id-column or"
				    " --id-prefix");
	if (sep) {
		while (*sep == ' ')
			sep++;
		if (strlen(sep) != 1 && !(strlen(sep) > 1 && sep[1] == ' '))
			return fl_cli_usage(ctx, "--map-separator takes one character");
		c.sep = *sep;
	}
	nmaps = fl_arg_multi(a, "map-column", &maps);
	if (nmaps > MAX_MAPS)
		return fl_cli_usage(ctx, "at most %d --map-column options", MAX_MAPS);
	for (i = 0; i < nmaps; i++) {
		const char *eq = strchr(maps[i], '=');
		if (eq == NULL || eq == maps[i] || eq[1] == '\0') {
			code = fl_cli_usage(ctx, "--map-column takes FRAMEWORK=COLUMN,"
					    " not '%s'", maps[i]);
			goto out_maps;
		}
		if ((c.map_buf[i] = fl_strdup(maps[i])) == NULL) {
			code = fl_cli_error(FL_EX_SOFTWARE, "out of memory");
			goto out_maps;
		}
		c.map_buf[i][eq - maps[i]] = '\0';
		c.map_fw[i] = c.map_buf[i];
		c.map_name[i] = c.map_buf[i] + (eq - maps[i]) + 1;
		c.nmap++;
	}

	fl_buf_init(&b, 0);
	if ((rc = fl_buf_read_file(&b, path, &ctx->diag)) != FL_OK) {
		fl_buf_release(&b);
		code = fl_cli_fail(ctx, rc);
		goto out_maps;
	}
	if ((rc = fl_sha256_mem(b.data, b.len, sha)) != FL_OK) {
		fl_buf_release(&b);
		code = fl_cli_fail(ctx, fl_diag_msg(&ctx->diag, rc,
						    "%s: SHA-256 failed", path));
		goto out_maps;
	}
	memset(&o, 0, sizeof o);
	o.key = fl_arg(a, "key");
	o.title = fl_arg(a, "title");
	o.kind = "group";
	o.partial = 1;
	o.existing_only = fl_flag(a, "existing-only");
	o.id_prefix = fl_arg(a, "id-prefix");
	o.source = path;
	o.source_sha256 = sha;
	if ((rc = fl_store_begin(ctx->st)) != FL_OK) {
		fl_buf_release(&b);
		code = fl_cli_fail(ctx, rc);
		goto out_maps;
	}
	if ((rc = fl_store_catalog_import_new(ctx->st, &o, &c.imp)) == FL_OK) {
		struct fl_catalog_meta m;
		memset(&m, 0, sizeof m);
		rc = fl_store_catalog_import_meta(c.imp, &m, &ctx->diag);
	}
	if (rc == FL_OK)
		rc = fl_csv_parse(b.data, b.len, path, 0, NULL, csv_row, &c,
				  &ctx->diag);
	if (rc == FL_OK && c.h.names == NULL)
		rc = fl_diag_set(&ctx->diag, FL_E_SYNTAX, path, 1, 1,
				 "empty file: no header row");
	if (rc == FL_OK)
		rc = fl_store_catalog_import_finish(c.imp, &counts, &ctx->diag);
	if (rc == FL_OK)
		rc = fl_store_commit(ctx->st);
	fl_buf_release(&b);
	fl_store_catalog_import_free(c.imp);
	fl_csv_header_release(&c.h);
	if (rc != FL_OK) {
		code = fail_rollback(ctx, rc);
		goto out_maps;
	}
	print_summary(&counts);
	if (c.skipped)
		printf("  skipped %ld rows naming no control of %s (--existing-only)\n",
		       c.skipped, counts.key);
	if (counts.mappings || counts.mappings_resolved)
		printf("  %ld mapping refs in the file; %ld (re)resolved now\n",
		       counts.mappings, counts.mappings_resolved);
	print_mappings(ctx, counts.key);
	code = 0;
out_maps:
	for (i = 0; i < MAX_MAPS; i++)
		free(c.map_buf[i]);
	return code;
}

/* ---- catalog list / stats ------------------------------------------------------ */

static const struct fl_opt list_opts[] = {
	{"controls", FL_OPT_FLAG, NULL, "list the controls of catalogue KEY"},
	{"group", FL_OPT_VALUE, "GROUP", "only controls of this group (key or title)"},
	{"withdrawn", FL_OPT_FLAG, NULL, "only withdrawn controls"},
	{"all", FL_OPT_FLAG, NULL, "current and withdrawn controls"},
	{NULL, 0, NULL, NULL}
};

static int
run_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	enum fl_control_filter which = FL_CTL_CURRENT;
	fl_err rc;
	int code;

	fl_table_init(&t);
	if (a->npos == 0) {
		if (fl_flag(a, "controls") || fl_arg(a, "group"))
			return fl_cli_usage(ctx, "--controls needs a catalogue KEY");
		if ((rc = fl_store_catalog_list(ctx->st, fl_table_add, &t)) != FL_OK) {
			fl_table_release(&t);
			return fl_cli_fail(ctx, rc);
		}
		code = fl_table_print(ctx, &t, "key,kind,controls,withdrawn,groups,"
				      "mappings,version,title");
		fl_table_release(&t);
		return code;
	}
	if (fl_flag(a, "withdrawn") && fl_flag(a, "all"))
		return fl_cli_usage(ctx, "--withdrawn and --all exclude each other");
	if (fl_flag(a, "withdrawn"))
		which = FL_CTL_WITHDRAWN;
	else if (fl_flag(a, "all"))
		which = FL_CTL_ALL;
	rc = fl_store_control_list(ctx->st, a->pos[0], fl_arg(a, "group"), which,
				   fl_table_add, &t);
	if (rc == FL_E_NOTFOUND) {
		fl_table_release(&t);
		return fl_cli_error(FL_EX_DATA, "no catalogue '%s' (see 'catalog list')",
				    a->pos[0]);
	}
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	code = fl_table_print(ctx, &t, which == FL_CTL_CURRENT
				       ? "label,title,group,parent"
				       : "label,title,group,parent,withdrawn");
	fl_table_release(&t);
	return code;
}

static int
run_stats(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	fl_err rc;
	int code;

	(void)a;
	fl_table_init(&t);
	if ((rc = fl_store_catalog_stats(ctx->st, fl_table_add, &t)) != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	code = fl_table_print(ctx, &t, "id,kind,groups,controls,withdrawn,current,title");
	fl_table_release(&t);
	return code;
}

/* ---- catalog show ------------------------------------------------------------- */

static void
print_block(const char *name, const char *text)
{
	const char *p = text, *e;

	if (text == NULL || *text == '\0')
		return;
	printf("%s:\n", name);
	while (*p) {
		e = strchr(p, '\n');
		printf("  %.*s\n", (int)(e ? e - p : (ptrdiff_t)strlen(p)), p);
		if (e == NULL)
			break;
		p = e + 1;
	}
}

/* Parameters as "id: label (choices: a | b)", one per line. */
static void
print_params(const char *params)
{
	json_t *root, *p;
	json_error_t err;
	size_t i, k;

	if (params == NULL || *params == '\0')
		return;
	root = json_loads(params, 0, &err);
	if (root == NULL || !json_is_array(root) || json_array_size(root) == 0) {
		json_decref(root);
		return;
	}
	printf("parameters:\n");
	json_array_foreach(root, i, p) {
		const char *id = json_string_value(json_object_get(p, "id"));
		const char *label = json_string_value(json_object_get(p, "label"));
		json_t *ch = json_object_get(p, "choices"), *v;
		printf("  %s:", id ? id : "?");
		if (label)
			printf(" %s", label);
		if (json_is_array(ch) && json_array_size(ch)) {
			printf(" (choices:");
			json_array_foreach(ch, k, v)
				printf("%s %s", k ? " |" : "",
				       json_string_value(v) ? json_string_value(v) : "");
			printf(")");
		}
		printf("\n");
	}
	json_decref(root);
}

static int
run_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const struct {
		enum fl_control_rel rel;
		const char *name;
	} rels[] = {
		{FL_REL_ENHANCEMENTS, "enhancements"},
		{FL_REL_MAPPED_FROM, "mapped_from"},
		{FL_REL_MAPS_TO, "maps_to"},
	};
	struct fl_table main, rel[3];
	long long id = 0;
	size_t i, r;
	fl_err rc;
	int code = 0;

	rc = fl_store_control_find(ctx->st, a->pos[0], &id);
	if (rc == FL_E_NOTFOUND)
		return fl_cli_error(FL_EX_DATA, "no control '%s' (try 'catalog search'"
				    " or CATALOG:KEY)", a->pos[0]);
	if (rc == FL_E_INVAL)
		return fl_cli_error(FL_EX_DATA, "'%s' names several controls: say"
				    " CATALOG:KEY (see 'catalog list')", a->pos[0]);
	if (rc != FL_OK)
		return fl_cli_fail(ctx, rc);
	fl_table_init(&main);
	for (i = 0; i < 3; i++)
		fl_table_init(&rel[i]);
	rc = fl_store_control_get(ctx->st, id, fl_table_add, &main);
	for (i = 0; i < 3 && rc == FL_OK; i++)
		rc = fl_store_control_related(ctx->st, id, rels[i].rel, fl_table_add,
					      &rel[i]);
	if (rc != FL_OK) {
		code = fl_cli_fail(ctx, rc);
		goto out;
	}
	if (main.err || rel[0].err || rel[1].err || rel[2].err || main.nrows == 0) {
		code = fl_cli_error(FL_EX_SOFTWARE, "out of memory");
		goto out;
	}
	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;
		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		json_members(&j, &main, 0);
		for (i = 0; i < 3; i++) {
			fl_json_key(&j, rels[i].name);
			table_json_array(&j, &rel[i]);
		}
		fl_json_obj_close(&j);
		fl_buf_putc(&b, '\n');
		code = write_buf(&b);
		fl_buf_release(&b);
		goto out;
	}
	{
		const char *v;
		if (strcmp(fl_table_cell(&main, 0, "label"), fl_table_cell(&main, 0, "title")) == 0)
			printf("%s\n", fl_table_cell(&main, 0, "title"));
		else
			printf("%s  %s\n", fl_table_cell(&main, 0, "label"),
			       fl_table_cell(&main, 0, "title"));
		printf("catalogue   %s (%s): %s\n", fl_table_cell(&main, 0, "catalog"),
		       fl_table_cell(&main, 0, "catalog_kind"), fl_table_cell(&main, 0, "catalog_title"));
		printf("key         %s\n", fl_table_cell(&main, 0, "key"));
		if ((v = fl_table_cell(&main, 0, "group")) != NULL)
			printf("group       %s  %s\n", v,
			       fl_table_cell(&main, 0, "group_title") ? fl_table_cell(&main, 0, "group_title") : "");
		if ((v = fl_table_cell(&main, 0, "parent")) != NULL)
			printf("parent      %s\n", v);
		if ((v = fl_table_cell(&main, 0, "class")) != NULL)
			printf("class       %s\n", v);
		v = fl_table_cell(&main, 0, "withdrawn");
		printf("withdrawn   %s\n", v && strcmp(v, "0") != 0 ? "yes" : "no");
		print_block("statement", fl_table_cell(&main, 0, "statement"));
		print_block("description", fl_table_cell(&main, 0, "description"));
		print_params(fl_table_cell(&main, 0, "params_json"));
		print_block("guidance", fl_table_cell(&main, 0, "guidance"));
		print_block("assessment objectives", fl_table_cell(&main, 0, "objectives"));
		print_block("assessment methods", fl_table_cell(&main, 0, "methods"));
	}
	if (rel[0].nrows) {
		printf("enhancements (%zu):\n", rel[0].nrows);
		for (r = 0; r < rel[0].nrows; r++) {
			const char *w = fl_table_cell(&rel[0], r, "withdrawn");
			printf("  %-12s %s%s\n", fl_table_cell(&rel[0], r, "label"),
			       fl_table_cell(&rel[0], r, "title"),
			       w && strcmp(w, "0") != 0 ? " (withdrawn)" : "");
		}
	}
	if (rel[1].nrows) {
		printf("mapped from (Group controls that cover it, %zu):\n",
		       rel[1].nrows);
		for (r = 0; r < rel[1].nrows; r++) {
			const char *l = fl_table_cell(&rel[1], r, "label");
			const char *t = fl_table_cell(&rel[1], r, "title");
			printf("  %s:%s%s%s\n", fl_table_cell(&rel[1], r, "catalog"), l,
			       strcmp(l, t) ? "  " : "", strcmp(l, t) ? t : "");
		}
	}
	if (rel[2].nrows) {
		printf("maps to (%zu):\n", rel[2].nrows);
		for (r = 0; r < rel[2].nrows; r++) {
			const char *k = fl_table_cell(&rel[2], r, "catalog");
			if (k)
				printf("  %-16s %-14s -> %s:%s  %s\n",
				       fl_table_cell(&rel[2], r, "framework"),
				       fl_table_cell(&rel[2], r, "ref"), k,
				       fl_table_cell(&rel[2], r, "label"),
				       fl_table_cell(&rel[2], r, "title"));
			else
				printf("  %-16s %-14s (not resolved)\n",
				       fl_table_cell(&rel[2], r, "framework"),
				       fl_table_cell(&rel[2], r, "ref"));
		}
	}
	fflush(stdout);
out:
	fl_table_release(&main);
	for (i = 0; i < 3; i++)
		fl_table_release(&rel[i]);
	return code;
}

/* ---- catalog search ------------------------------------------------------------ */

static const struct fl_opt search_opts[] = {
	{"catalog", FL_OPT_VALUE, "KEY", "search only this catalogue"},
	{"limit", FL_OPT_VALUE, "N", "at most N results (default 20)"},
	{NULL, 0, NULL, NULL}
};

static int
run_search(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct fl_buf q;
	long limit = 20;
	int i, code;
	fl_err rc = FL_OK;

	if (fl_arg(a, "limit") &&
	    fl_parse_long(fl_arg(a, "limit"), 1, 100000, &limit) != 0)
		return fl_cli_usage(ctx, "--limit must be a number from 1 to 100000");
	/* every positional word is part of the query */
	fl_buf_init(&q, 4096);
	for (i = 0; i < a->npos && rc == FL_OK; i++) {
		if (i)
			rc = fl_buf_putc(&q, ' ');
		if (rc == FL_OK)
			rc = fl_buf_puts(&q, a->pos[i]);
	}
	if (rc != FL_OK) {
		fl_buf_release(&q);
		return fl_cli_usage(ctx, "query too long");
	}
	fl_table_init(&t);
	rc = fl_store_control_search(ctx->st, fl_buf_str(&q), fl_arg(a, "catalog"),
				     limit, fl_table_add, &t);
	fl_buf_release(&q);
	if (rc == FL_E_INVAL) {
		fl_table_release(&t);
		return fl_cli_usage(ctx, "search needs at least one word");
	}
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	code = fl_table_print(ctx, &t, "catalog,label,title,score,snippet");
	fl_table_release(&t);
	return code;
}

/* ---- catalog coverage ------------------------------------------------------------ */

static const struct fl_opt coverage_opts[] = {
	{"framework", FL_OPT_VALUE, "KEY", "the framework (default: the baseline's)"},
	{"baseline", FL_OPT_VALUE, "KEY", "only the controls of this baseline"},
	{"group-catalog", FL_OPT_VALUE, "KEY",
	 "count only this Group catalogue's mappings (default: every one)"},
	{"gaps", FL_OPT_FLAG, NULL, "list only requirements no Group control covers"},
	{"summary", FL_OPT_FLAG, NULL, "print only the summary (an object with --json)"},
	{NULL, 0, NULL, NULL}
};

static int
run_coverage(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	long total = 0, covered = 0;
	char fw[128] = "";
	double pct;
	size_t r;
	fl_err rc;
	int code = 0;

	fl_table_init(&t);
	rc = fl_store_catalog_coverage(ctx->st, fl_arg(a, "framework"),
				       fl_arg(a, "baseline"),
				       fl_arg(a, "group-catalog"), fl_table_add, &t,
				       &total, &covered, fw, sizeof fw, &ctx->diag);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	pct = total ? 100.0 * (double)covered / (double)total : 0.0;
	if (fl_flag(a, "summary")) {
		if (ctx->json) {
			struct fl_buf b;
			struct fl_json j;
			fl_buf_init(&b, 0);
			fl_json_init(&j, &b, 0);
			fl_json_obj_open(&j);
			fl_json_key(&j, "framework");
			fl_json_str(&j, fw);
			fl_json_key(&j, "baseline");
			if (fl_arg(a, "baseline"))
				fl_json_str(&j, fl_arg(a, "baseline"));
			else
				fl_json_null(&j);
			fl_json_key(&j, "group_catalog");
			if (fl_arg(a, "group-catalog"))
				fl_json_str(&j, fl_arg(a, "group-catalog"));
			else
				fl_json_null(&j);
			fl_json_key(&j, "total");
			fl_json_int(&j, total);
			fl_json_key(&j, "covered");
			fl_json_int(&j, covered);
			fl_json_key(&j, "uncovered");
			fl_json_int(&j, total - covered);
			/* one decimal, as printed: not 40.299999999999997 */
			fl_json_key(&j, "percent");
			j.after_key = 0;
			fl_buf_printf(&b, "%.1f", pct);
			fl_json_obj_close(&j);
			fl_buf_putc(&b, '\n');
			code = write_buf(&b);
			fl_buf_release(&b);
		} else {
			printf("covered %ld of %ld (%.1f%%) of %s%s%s\n", covered,
			       total, pct, fw, fl_arg(a, "baseline") ? " baseline " : "",
			       fl_arg(a, "baseline") ? fl_arg(a, "baseline") : "");
		}
		fl_table_release(&t);
		return code;
	}
	if (fl_flag(a, "gaps")) {
		/* keep the rows nobody covers */
		size_t w = 0;
		int c;
		for (r = 0; r < t.nrows; r++) {
			const char *v = fl_table_cell(&t, r, "covered_json");
			if (v && strcmp(v, "false") == 0) {
				t.rows[w++] = t.rows[r];
				continue;
			}
			for (c = 0; c < t.ncol; c++)
				free(t.rows[r][c]);
			free(t.rows[r]);
		}
		t.nrows = w;
	}
	if (ctx->json) {
		table_drop(&t, "mapped_by");
		code = fl_table_print(ctx, &t, NULL);
	} else {
		table_rename(&t, "covered_json", "covered");
		for (r = 0; r < t.nrows; r++) {
			int c;
			for (c = 0; c < t.ncol; c++)
				if (strcmp(t.names[c], "covered") == 0 && t.rows[r][c]) {
					char *v = fl_strdup(strcmp(t.rows[r][c], "true") == 0
							    ? "yes" : "no");
					if (v) {
						free(t.rows[r][c]);
						t.rows[r][c] = v;
					}
				}
		}
		code = fl_table_print(ctx, &t, "label,title,covered,count,mapped_by");
		if (code == 0)
			printf("covered %ld of %ld (%.1f%%) of %s%s%s\n", covered,
			       total, pct, fw, fl_arg(a, "baseline") ? " baseline " : "",
			       fl_arg(a, "baseline") ? fl_arg(a, "baseline") : "");
	}
	fl_table_release(&t);
	return code;
}

/* ---- catalog resolve / mappings ----------------------------------------------- */

static const struct fl_opt resolve_opts[] = {
	{"framework", FL_OPT_VALUE, "KEY", "only mappings to this framework"},
	{NULL, 0, NULL, NULL}
};

static int
run_resolve(struct fl_ctx *ctx, const struct fl_args *a)
{
	long changed = 0;
	fl_err rc;

	if ((rc = fl_store_begin(ctx->st)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	if ((rc = fl_store_catalog_resolve(ctx->st, fl_arg(a, "framework"),
					   &changed)) != FL_OK ||
	    (rc = fl_store_commit(ctx->st)) != FL_OK)
		return fail_rollback(ctx, rc);
	printf("%ld mappings changed target\n", changed);
	print_mappings(ctx, NULL);
	return 0;
}

static const struct fl_opt mappings_opts[] = {
	{"unresolved", FL_OPT_FLAG, NULL,
	 "list the refs that name no control of an imported framework"},
	{NULL, 0, NULL, NULL}
};

static int
run_mappings(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	fl_err rc;
	int code;

	fl_table_init(&t);
	if (fl_flag(a, "unresolved"))
		rc = fl_store_mapping_unresolved(ctx->st, a->npos ? a->pos[0] : NULL,
						 fl_table_add, &t);
	else
		rc = fl_store_mapping_summary(ctx->st, a->npos ? a->pos[0] : NULL,
					      fl_table_add, &t);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	code = fl_table_print(ctx, &t, NULL);
	fl_table_release(&t);
	return code;
}

/* ---- the table -------------------------------------------------------------------- */

const struct fl_cmd fl_cmds_catalog[] = {
	{"catalog", "import", "FILE", "import an OSCAL catalogue (JSON or XML)",
	 "Reads an OSCAL catalog document — NIST SP 800-53 rev5, a resolved\n"
	 "800-53 baseline (LOW, MODERATE, HIGH, PRIVACY), NIST CSF 2.0 — and\n"
	 "keeps its groups (with their parents), controls and enhancements,\n"
	 "statements, parameters, guidance, assessment objectives and methods,\n"
	 "and withdrawn status.\n\n"
	 "The key defaults to one derived from the title: nist-800-53r5,\n"
	 "nist-800-53r5-low (-moderate, -high, -privacy; stored as baselines of\n"
	 "nist-800-53r5), nist-csf-2.0, otherwise a slug of the title.\n\n"
	 "NIST CSF 2.0: NIST's file also carries 91 CSF 1.1 entries that it does\n"
	 "not mark withdrawn.  When the catalogue's framework identifier is CSF,\n"
	 "a subcategory is current iff it has an implementation example and a\n"
	 "category iff it has a current subcategory; the rest are imported\n"
	 "marked withdrawn.\n\n"
	 "The whole file is one transaction.  Importing the same file again\n"
	 "changes nothing (\"unchanged\", no audit entry); a changed file\n"
	 "updates what changed, and controls it no longer has are deleted, or\n"
	 "kept and marked withdrawn when something refers to them.  One audit\n"
	 "entry (catalog.import) records each import that changed anything.\n"
	 "Pending Group mappings to this framework are resolved.\n\n"
	 "A requirement list (a JSON object with a \"controls\" array of {id,\n"
	 "name}, as the DORA and NIS2 lists in the corpus) is read too: one\n"
	 "control per requirement, key derived from its name (dora, nis2).\n\n"
	 "An OSCAL profile (JSON, as NIST's *_profile.json) is resolved against\n"
	 "a framework catalogue already imported: --base KEY, or the one\n"
	 "imported framework that has every selected id (nist-800-53r5 for\n"
	 "the 800-53 baselines).  It is stored as a baseline catalogue whose\n"
	 "controls are the selected ones (include-controls with-ids, or\n"
	 "include-all, less exclude-controls with-ids) with their parent\n"
	 "controls and groups, each copied from the base.  Its key is derived\n"
	 "from the title as for resolved baselines, so a profile and the\n"
	 "resolved catalogue of the same baseline update the same catalogue\n"
	 "(nist-800-53r5-low).  The profile's \"modify\" (set-params, alters)\n"
	 "is not applied.  A profile whose base is not imported, or that\n"
	 "selects an id the base lacks, is refused (exit 65).\n"
	 "A malformed file is refused with FILE:LINE:COL and exit 65, leaving\n"
	 "the database as it was; a missing file exits 66.",
	 import_opts, 1, 1, 0, run_import, NULL},
	{"catalog", "import-csv", "FILE",
	 "import the Group's control catalogue from a spreadsheet export (CSV)",
	 "Creates or updates Group catalogue --key (kind 'group') from a CSV\n"
	 "file with a header row.  Each row is a control: --id-column names its\n"
	 "id, --title-column its title; the other columns are optional.\n\n"
	 "Without an id column, either let the title be the id\n"
	 "(--id-column \"Title\"), or use --id-prefix GC- to number controls\n"
	 "GC-001, GC-002, ... in row order: a row whose title the catalogue\n"
	 "already has keeps that control's id, a new one gets the next free\n"
	 "number, so re-imports never renumber.\n\n"
	 "Upsert: a row names an existing control by id (or, failing that, by\n"
	 "its exact title), and only the columns given are written; importing\n"
	 "a second file with the same --key adds to the same controls (the\n"
	 "eramba mapping_controls_to_requirements.csv with --id-column\n"
	 "\"Control Title\").  Rows naming a control the catalogue does not\n"
	 "have add it, or with --existing-only are reported and skipped.\n\n"
	 "--map-column FRAMEWORK=COLUMN (repeatable): COLUMN holds ids of\n"
	 "FRAMEWORK separated by --map-separator (default ','; \"-\" and \"—\"\n"
	 "mean none).  FRAMEWORK is a catalogue key (nist-800-53r5=\"NIST\n"
	 "800-53 Rev5\") or any label (iso27001-2022=\"ISO 27001:2022\").  A ref\n"
	 "resolves to the control of the catalogue with that key whose label or\n"
	 "key matches, ignoring case and spaces (AC-2(1) -> ac-2.1); others\n"
	 "are kept as text, reported, and resolved when that framework is\n"
	 "imported (or by 'catalog resolve').  For each framework given, a\n"
	 "control's refs become exactly those of its row.\n\n"
	 "A malformed row is refused with FILE:LINE:COL and exit 65; nothing is\n"
	 "stored.",
	 csv_opts, 1, 1, 0, run_import_csv, NULL},
	{"catalog", "list", "[KEY]", "list catalogues, or the controls of one",
	 "Without KEY: every catalogue with its counts.  With KEY (and\n"
	 "--controls): its current controls in document order, or with\n"
	 "--withdrawn only the withdrawn ones, with --all both.",
	 list_opts, 0, 1, FL_CMD_JSON, run_list,
	 "  catalogues:\n"
	 "  key          catalogue key (nist-800-53r5, ...)\n"
	 "  title        title\n"
	 "  kind         framework, baseline or group\n"
	 "  version      the catalogue's version\n"
	 "  base_key     for a baseline, the framework it selects from\n"
	 "  groups       number of groups (families, functions)\n"
	 "  controls     controls, enhancements, subcategories (withdrawn too)\n"
	 "  withdrawn    how many of them are withdrawn\n"
	 "  mappings     mapping refs from this catalogue's controls\n"
	 "  source       file name last imported\n"
	 "  imported_at  first import (UTC)\n"
	 "  updated_at   last import that changed something (UTC)\n"
	 "  controls of KEY:\n"
	 "  key, label   id (ac-2.1) and display label (AC-2(1))\n"
	 "  title, class title and OSCAL class\n"
	 "  group        group key, or null\n"
	 "  parent       the control an enhancement belongs to, or null\n"
	 "  withdrawn    1 when withdrawn, else 0"},
	{"catalog", "show", "REF",
	 "show one control: statement, parameters, guidance, mappings",
	 "REF is KEY or label (AC-2, ac-2.1, GV.OC-01, a Group control's id),\n"
	 "or CATALOG:KEY when several catalogues have it.  Without a catalogue\n"
	 "Group catalogues are searched first, then frameworks.  Shows the\n"
	 "enhancements, the Group controls that map to it (for a baseline\n"
	 "control: to its framework control) and what it maps to.",
	 NULL, 1, 1, FL_CMD_JSON, run_show,
	 "  one object: catalog, catalog_title, catalog_kind, key, label, title,\n"
	 "  class, group, group_title, parent, withdrawn (0/1), sort_key,\n"
	 "  statement, params (array of {id, label, choices}), guidance,\n"
	 "  objectives, methods, description, and the arrays\n"
	 "  enhancements [{key, label, title, withdrawn}],\n"
	 "  mapped_from [{catalog, key, label, title}] (Group controls),\n"
	 "  maps_to [{framework, ref, catalog, key, label, title}] (catalog\n"
	 "  null when the ref is unresolved)"},
	{"catalog", "search", "QUERY...",
	 "full-text search over labels, titles and statements",
	 "Every word must occur (stemmed: \"accounts\" finds \"account\"); words\n"
	 "are matched as phrases, so \"AC-2\" works.  Results are ranked by\n"
	 "bm25 with labels and titles weighing most; withdrawn controls last.",
	 search_opts, 1, -1, FL_CMD_JSON, run_search,
	 "  catalog    catalogue key\n"
	 "  key        control key\n"
	 "  label      display label\n"
	 "  title      title\n"
	 "  withdrawn  1 when withdrawn\n"
	 "  score      relevance (higher is better)\n"
	 "  snippet    the best matching passage, matches in [brackets]"},
	{"catalog", "stats", NULL, "count groups, controls and withdrawn per catalogue",
	 "Per catalogue: its groups and its controls, where controls counts\n"
	 "every control, enhancement or subcategory, withdrawn ones included.",
	 NULL, 0, 0, FL_CMD_JSON, run_stats,
	 "  id         catalogue key\n"
	 "  title      title\n"
	 "  kind       framework, baseline or group\n"
	 "  groups     groups (800-53 families, CSF functions)\n"
	 "  controls   all controls, enhancements, subcategories\n"
	 "  withdrawn  withdrawn among them\n"
	 "  current    controls - withdrawn\n"
	 "  classes    per OSCAL class: {\"category\": {\"controls\": N,\n"
	 "             \"withdrawn\": N, \"current\": N}, ...} (\"none\" when unclassed)"},
	{"catalog", "coverage", NULL,
	 "gap analysis: which framework requirements Group controls cover",
	 "For each current control of --framework (each enhancement or\n"
	 "subcategory is a requirement of its own), or each control of\n"
	 "--baseline (standing for the framework control with the same id):\n"
	 "covered when at least one Group control maps to it directly; how many\n"
	 "and which.  Ends with \"covered N of M (P%)\".  --gaps lists only the\n"
	 "uncovered; --summary prints only the totals.",
	 coverage_opts, 0, 0, FL_CMD_JSON, run_coverage,
	 "  key        requirement key (ac-2.1)\n"
	 "  label      display label (AC-2(1))\n"
	 "  title      title\n"
	 "  class      OSCAL class\n"
	 "  covered    true when at least one Group control maps to it\n"
	 "  count      how many Group controls do\n"
	 "  mapped_by  their keys (array)\n"
	 "  with --summary, one object: framework, baseline, group_catalog,\n"
	 "  total, covered, uncovered, percent"},
	{"catalog", "resolve", NULL, "resolve pending mappings against imported frameworks",
	 "Sets the target of every Group mapping whose framework is an imported\n"
	 "catalogue and whose ref names one of its controls (label or key,\n"
	 "ignoring case and spaces), then prints the mappings per framework.\n"
	 "'catalog import' does this for the framework it imports.",
	 resolve_opts, 0, 0, 0, run_resolve, NULL},
	{"catalog", "mappings", "[KEY]",
	 "mapping refs per framework (of Group catalogue KEY, or all)",
	 "Per framework: refs, how many resolved to an imported control, how\n"
	 "many did not, and whether a catalogue with that key exists.  With\n"
	 "--unresolved: the refs of imported frameworks that name no control.",
	 mappings_opts, 0, 1, FL_CMD_JSON, run_mappings,
	 "  framework   framework key or label\n"
	 "  refs        mapping refs\n"
	 "  resolved    refs that name an imported control\n"
	 "  unresolved  refs that do not\n"
	 "  catalogue   1 when a catalogue with that key is imported\n"
	 "  with --unresolved: control, framework, ref"},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
