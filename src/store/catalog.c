/*
 * catalog: catalogues (frameworks, resolved baselines, the Group's own),
 * their groups and controls, mappings from Group controls to framework
 * requirements, search and coverage.  A profile's baseline is built by
 * copying the selected controls of a stored framework through the same
 * importer, so it compares before it writes like any other import.
 *
 * Imports compare before they write.  Each group and control the reader
 * reports is looked up under (catalogue, key) and written only when a field
 * differs, so re-importing a file leaves the database byte for byte as it
 * was and the audit trail gets nothing: an ITSO can re-run an import at
 * any time without cluttering the log.  The keys seen during an import are
 * kept in a small hash table, which gives the parents' row ids, catches
 * duplicate ids, and tells afterwards which stored rows the file no longer
 * has.
 *
 * It refuses to delete a control that something refers to (an
 * implementation, a test, a risk, a mapping, an enhancement): such a
 * control is kept and marked withdrawn, because a framework's new release
 * must not silently take the Group's evidence with it.
 */
#include "store_int.h"

#include <ctype.h>

struct find_ctx {
	long long id;
	int n;
};

static fl_err
find_row(void *ctx, const struct fl_row *row)
{
	struct find_ctx *f = ctx;
	const char *id = fl_row_get(row, "id");
	long v = 0;

	if (id && fl_parse_long(id, 1, LONG_MAX, &v) == 0)
		f->id = v;
	f->n++;
	return FL_OK;
}

fl_err
fl_store_control_find(struct fl_store *st, const char *ref, long long *id)
{
	struct find_ctx f = {0, 0};
	const char *colon = strchr(ref, ':');
	char cat[128];
	fl_err rc;

	if (colon && (size_t)(colon - ref) < sizeof cat) {
		memcpy(cat, ref, (size_t)(colon - ref));
		cat[colon - ref] = '\0';
		rc = st_query(st,
			      "SELECT c.id FROM control c JOIN catalog k"
			      " ON k.id = c.catalog_id WHERE lower(k.key) = lower(?)"
			      " AND (lower(c.key) = lower(?) OR lower(c.label) = lower(?))"
			      " LIMIT 2",
			      find_row, &f, "ttt", cat, colon + 1, colon + 1);
		if (rc != FL_OK)
			return rc;
		if (f.n == 1) {
			*id = f.id;
			return FL_OK;
		}
		if (f.n > 1)
			return FL_E_INVAL;
		/* a colon may belong to the key itself: fall through */
		f.n = 0;
	}
	/* Group catalogues first: that is what an ITSO means by a control. */
	rc = st_query(st,
		      "SELECT c.id FROM control c JOIN catalog k ON k.id = c.catalog_id"
		      " WHERE k.kind = 'group' AND (lower(c.key) = lower(?)"
		      " OR lower(c.label) = lower(?)) LIMIT 2",
		      find_row, &f, "tt", ref, ref);
	if (rc == FL_OK && f.n == 0)
		rc = st_query(st,
			      "SELECT c.id FROM control c JOIN catalog k"
			      " ON k.id = c.catalog_id WHERE k.kind = 'framework'"
			      " AND (lower(c.key) = lower(?) OR lower(c.label) = lower(?))"
			      " LIMIT 2",
			      find_row, &f, "tt", ref, ref);
	if (rc != FL_OK)
		return rc;
	if (f.n == 0)
		return FL_E_NOTFOUND;
	if (f.n > 1)
		return FL_E_INVAL;
	*id = f.id;
	return FL_OK;
}

/* ---- small helpers ------------------------------------------------------ */

/* A copy of the first row of a query, for compare-before-write. */
#define RC_MAXCOL 24
struct rowcopy {
	int found, n;
	char *name[RC_MAXCOL];
	char *val[RC_MAXCOL];
	fl_err err;
};

static void
rowcopy_release(struct rowcopy *r)
{
	int i;

	for (i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->val[i]);
	}
	memset(r, 0, sizeof *r);
}

static fl_err
rowcopy_fn(void *ctx, const struct fl_row *row)
{
	struct rowcopy *r = ctx;
	int i;

	if (r->found++)
		return FL_OK;
	for (i = 0; i < row->ncol && i < RC_MAXCOL; i++) {
		r->name[i] = fl_strdup(row->names[i]);
		r->val[i] = row->vals[i] ? fl_strdup(row->vals[i]) : NULL;
		r->n = i + 1;
		if (r->name[i] == NULL || (row->vals[i] && r->val[i] == NULL))
			return r->err = FL_E_NOMEM;
	}
	return FL_OK;
}

static const char *
rc_get(const struct rowcopy *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->name[i], name) == 0)
			return r->val[i];
	return NULL;
}

static long long
rc_int(const struct rowcopy *r, const char *name)
{
	const char *v = rc_get(r, name);
	long x = 0;

	if (v == NULL || fl_parse_long(v, LONG_MIN, LONG_MAX, &x) != 0)
		return 0;
	return x;
}

/* NULL-aware string equality; "" and NULL are the same (no value). */
static int
same_text(const char *a, const char *b)
{
	if (a == NULL || *a == '\0')
		return b == NULL || *b == '\0';
	return b != NULL && strcmp(a, b) == 0;
}

static const char *
nz(const char *s)
{
	return s && *s ? s : NULL;
}

static const char *
base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/*
 * kmap: key -> row id for the rows seen in one import (open addressing,
 * fl_hash64).  flags carry the CSF bookkeeping; line the first occurrence.
 */
struct kv {
	char *key;
	long long id;
	unsigned flags;
	unsigned long line;
};
struct kmap {
	struct kv *v;
	size_t cap, n;
};

enum {
	KF_TOP = 1,          /* a control without a parent (CSF category) */
	KF_EXPLICIT_WD = 2,  /* the file marks it withdrawn */
	KF_CURRENT_CHILD = 4, /* has a current subcategory */
	KF_STORED_WD = 8,    /* stored withdrawn value */
	KF_WRITTEN = 16      /* inserted or updated by this import */
};

static uint64_t
key_hash(const char *s)
{
	return fl_hash64(s, strlen(s));
}

static struct kv *
kmap_get(const struct kmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0 || key == NULL)
		return NULL;
	for (i = key_hash(key) & (m->cap - 1); m->v[i].key; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->v[i].key, key) == 0)
			return &m->v[i];
	return NULL;
}

static fl_err
kmap_put(struct kmap *m, const char *key, long long id, struct kv **out)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256, k;
		struct kv *nv;
		if (ncap > SIZE_MAX / sizeof *nv)
			return FL_E_NOMEM;
		nv = calloc(ncap, sizeof *nv);
		if (nv == NULL)
			return FL_E_NOMEM;
		for (k = 0; k < m->cap; k++) {
			if (m->v[k].key == NULL)
				continue;
			for (i = key_hash(m->v[k].key) & (ncap - 1); nv[i].key;
			     i = (i + 1) & (ncap - 1))
				;
			nv[i] = m->v[k];
		}
		free(m->v);
		m->v = nv;
		m->cap = ncap;
	}
	for (i = key_hash(key) & (m->cap - 1); m->v[i].key; i = (i + 1) & (m->cap - 1))
		;
	if ((m->v[i].key = fl_strdup(key)) == NULL)
		return FL_E_NOMEM;
	m->v[i].id = id;
	m->v[i].flags = 0;
	m->v[i].line = 0;
	m->n++;
	*out = &m->v[i];
	return FL_OK;
}

static void
kmap_release(struct kmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* A list of row ids. */
struct idlist {
	long long *v;
	size_t n, cap;
	fl_err err;
};

static fl_err
idlist_fn(void *ctx, const struct fl_row *row)
{
	struct idlist *l = ctx;
	const char *id = row->vals[0];
	long v = 0;

	if (id == NULL || fl_parse_long(id, LONG_MIN, LONG_MAX, &v) != 0)
		return FL_OK;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		long long *nv = realloc(l->v, ncap * sizeof *nv);
		if (nv == NULL)
			return l->err = FL_E_NOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = v;
	return FL_OK;
}

/* ---- key derivation ------------------------------------------------------ */

static void
slugify(const char *s, char *out, size_t outsz)
{
	size_t o = 0;
	int dash = 0;

	if (outsz == 0)
		return;
	for (; s && *s && o + 1 < outsz; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || (c == '.' && o > 0 && isdigit((unsigned char)s[1]))) {
			if (dash && o > 0 && o + 2 < outsz)
				out[o++] = '-';
			dash = 0;
			out[o++] = (char)tolower(c);
		} else {
			dash = 1;
		}
	}
	out[o] = '\0';
	if (o == 0)
		fl_strlcpy(out, "catalog", outsz);
}

/* Lowercase copy for pattern tests. */
static void
lower_copy(const char *s, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < outsz; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	if (outsz)
		out[i] = '\0';
}

/* Revision number after "revision", "rev." or "rev": "revision 5.1.1" -> 5. */
static int
revision_of(const char *t)
{
	static const char *const words[] = {"revision", "rev.", "rev"};
	size_t k;

	for (k = 0; k < sizeof words / sizeof *words; k++) {
		const char *p = strstr(t, words[k]);
		if (p == NULL)
			continue;
		p += strlen(words[k]);
		while (*p == ' ')
			p++;
		if (isdigit((unsigned char)*p))
			return *p - '0';
	}
	return -1;
}

void
fl_store_catalog_derive(const char *title, const char *framework, char *key,
			size_t keysz, char *kind, size_t kindsz, char *base,
			size_t basesz)
{
	static const char *const levels[] = {"low", "moderate", "high",
					     "privacy"};
	char t[512], b[128];
	size_t k;
	int rev;

	lower_copy(title ? title : "", t, sizeof t);
	fl_strlcpy(kind, "framework", kindsz);
	fl_strlcpy(base, "", basesz);
	if (strstr(t, "800-53") != NULL) {
		rev = revision_of(t);
		if (rev > 0)
			snprintf(b, sizeof b, "nist-800-53r%d", rev);
		else
			fl_strlcpy(b, "nist-800-53", sizeof b);
		if (strstr(t, "baseline") != NULL) {
			for (k = 0; k < sizeof levels / sizeof *levels; k++) {
				if (strstr(t, levels[k]) == NULL)
					continue;
				snprintf(key, keysz, "%s-%s", b, levels[k]);
				fl_strlcpy(kind, "baseline", kindsz);
				fl_strlcpy(base, b, basesz);
				return;
			}
		}
		fl_strlcpy(key, b, keysz);
		return;
	}
	if ((framework && fl_streq_ci(framework, "CSF")) ||
	    strstr(t, "cybersecurity framework") != NULL) {
		const char *v = strstr(t, "2.0") ? "2.0"
			      : strstr(t, "1.1") ? "1.1" : NULL;
		if (v)
			snprintf(key, keysz, "nist-csf-%s", v);
		else
			fl_strlcpy(key, "nist-csf", keysz);
		return;
	}
	slugify(title, key, keysz < 64 ? keysz : 64);
}

/* ---- the importer --------------------------------------------------------- */

struct fl_catalog_import {
	struct fl_store *st;
	char *key_opt, *title_opt, *base_opt, *kind_opt, *id_prefix;
	char *source, *sha;
	int partial, existing_only;
	int have_meta, csf, cat_changed;
	long long cat_id;
	char *before;
	struct kmap groups, controls;
	struct fl_catalog_counts c;
	long map_changes;
	long group_seq;
};

fl_err
fl_store_catalog_import_new(struct fl_store *st,
			    const struct fl_catalog_opts *o,
			    struct fl_catalog_import **out)
{
	struct fl_catalog_import *imp;

	*out = NULL;
	if ((imp = calloc(1, sizeof *imp)) == NULL)
		return FL_E_NOMEM;
	imp->st = st;
	imp->partial = o->partial;
	imp->existing_only = o->existing_only;
	if ((o->key && (imp->key_opt = fl_strdup(o->key)) == NULL) ||
	    (o->title && (imp->title_opt = fl_strdup(o->title)) == NULL) ||
	    (o->base_key && (imp->base_opt = fl_strdup(o->base_key)) == NULL) ||
	    (o->kind && (imp->kind_opt = fl_strdup(o->kind)) == NULL) ||
	    (o->id_prefix && (imp->id_prefix = fl_strdup(o->id_prefix)) == NULL) ||
	    (o->source && (imp->source = fl_strdup(o->source)) == NULL) ||
	    (o->source_sha256 && (imp->sha = fl_strdup(o->source_sha256)) == NULL)) {
		fl_store_catalog_import_free(imp);
		return FL_E_NOMEM;
	}
	*out = imp;
	return FL_OK;
}

void
fl_store_catalog_import_free(struct fl_catalog_import *imp)
{
	if (imp == NULL)
		return;
	free(imp->key_opt);
	free(imp->title_opt);
	free(imp->base_opt);
	free(imp->kind_opt);
	free(imp->id_prefix);
	free(imp->source);
	free(imp->sha);
	free(imp->before);
	kmap_release(&imp->groups);
	kmap_release(&imp->controls);
	free(imp);
}

static fl_err
db_diag(struct fl_catalog_import *imp, fl_err rc, struct fl_diag *d)
{
	if (rc == FL_E_DB)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(imp->st));
	if (rc == FL_E_NOMEM)
		return fl_diag_msg(d, rc, "out of memory");
	return rc;
}

/* The catalogue's image for the audit trail. */
static fl_err
catalog_image(struct fl_store *st, long long id, char **out)
{
	return st_query_json(st, out,
			     "SELECT k.key, k.title, k.kind, k.version, k.base_key,"
			     " k.source, k.source_sha256,"
			     " (SELECT COUNT(*) FROM catalog_group g"
			     "  WHERE g.catalog_id = k.id) AS groups,"
			     " (SELECT COUNT(*) FROM control c"
			     "  WHERE c.catalog_id = k.id) AS controls,"
			     " (SELECT COUNT(*) FROM control c WHERE c.catalog_id = k.id"
			     "  AND c.withdrawn <> 0) AS withdrawn"
			     " FROM catalog k WHERE k.id = ?",
			     "i", id);
}

fl_err
fl_store_catalog_import_meta(struct fl_catalog_import *imp,
			     const struct fl_catalog_meta *m,
			     struct fl_diag *d)
{
	struct fl_store *st = imp->st;
	struct rowcopy r;
	char key[128], kind[16], base[128], now[21];
	const char *title, *basep;
	fl_err rc;

	if (imp->have_meta)
		return fl_diag_set(d, FL_E_SYNTAX, imp->source ? imp->source : "",
				   0, 0, "more than one catalogue in the file");
	/*
	 * Without a title nothing names the catalogue: every untitled file
	 * would become "catalog", and a full import of one would delete the
	 * controls the previous one left there.
	 */
	if (imp->key_opt == NULL && nz(m->title) == NULL &&
	    nz(m->short_id) == NULL)
		return fl_diag_set(d, FL_E_SYNTAX,
				   imp->source ? imp->source : "", 1, 1,
				   "the catalogue has no title (metadata title)"
				   " to derive its key from: give --key");
	imp->have_meta = 1;
	fl_store_catalog_derive(nz(m->short_id) ? m->short_id : m->title,
				m->framework, key, sizeof key, kind, sizeof kind,
				base, sizeof base);
	if (imp->key_opt)
		fl_strlcpy(key, imp->key_opt, sizeof key);
	if (imp->kind_opt)
		fl_strlcpy(kind, imp->kind_opt, sizeof kind);
	if (imp->base_opt) {
		fl_strlcpy(kind, "baseline", sizeof kind);
		fl_strlcpy(base, imp->base_opt, sizeof base);
	}
	basep = base[0] ? base : NULL;
	imp->csf = m->framework && fl_streq_ci(m->framework, "CSF");
	fl_strlcpy(imp->c.key, key, sizeof imp->c.key);
	fl_strlcpy(imp->c.kind, kind, sizeof imp->c.kind);

	memset(&r, 0, sizeof r);
	rc = st_query(st,
		      "SELECT id, title, kind, version, oscal_version, uuid,"
		      " base_key, framework, last_modified FROM catalog"
		      " WHERE key = ?",
		      rowcopy_fn, &r, "t", key);
	if (rc == FL_OK)
		rc = r.err;
	if (rc != FL_OK)
		goto out;
	title = imp->title_opt ? imp->title_opt
	      : nz(m->title) ? m->title
	      : r.found ? rc_get(&r, "title") : key;
	if (r.found) {
		imp->cat_id = rc_int(&r, "id");
		if (!same_text(rc_get(&r, "kind"), kind)) {
			rc = fl_diag_msg(d, FL_E_INVAL,
					 "catalogue '%s' exists as a %s catalogue,"
					 " not a %s one: choose another --key",
					 key, rc_get(&r, "kind"), kind);
			goto out;
		}
		if ((rc = catalog_image(st, imp->cat_id, &imp->before)) != FL_OK)
			goto out;
		/* a spreadsheet carries no metadata: keep what is stored */
		if (imp->partial) {
			if (!same_text(rc_get(&r, "title"), title)) {
				rc = st_exec(st, "UPDATE catalog SET title = ? WHERE id = ?",
					     "ti", title, imp->cat_id);
				imp->cat_changed = 1;
			}
			goto out;
		}
		if (!same_text(rc_get(&r, "title"), title) ||
		    !same_text(rc_get(&r, "version"), m->version) ||
		    !same_text(rc_get(&r, "oscal_version"), m->oscal_version) ||
		    !same_text(rc_get(&r, "uuid"), m->uuid) ||
		    !same_text(rc_get(&r, "base_key"), basep) ||
		    !same_text(rc_get(&r, "framework"), m->framework) ||
		    !same_text(rc_get(&r, "last_modified"), m->last_modified)) {
			rc = st_exec(st,
				     "UPDATE catalog SET title = ?, version = ?,"
				     " oscal_version = ?, uuid = ?, base_key = ?,"
				     " framework = ?, last_modified = ? WHERE id = ?",
				     "ttttttti",
				     title, nz(m->version), nz(m->oscal_version),
				     nz(m->uuid), basep, nz(m->framework),
				     nz(m->last_modified), imp->cat_id);
			imp->cat_changed = 1;
		}
		goto out;
	}
	st_now(now);
	imp->c.created = 1;
	imp->cat_changed = 1;
	rc = st_query_int(st, &imp->cat_id,
			  "INSERT INTO catalog (key, title, kind, version,"
			  " oscal_version, uuid, base_key, framework,"
			  " last_modified, source, source_sha256, imported_at,"
			  " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " RETURNING id",
			  "ttttttttttttt", key, title, kind, nz(m->version),
			  nz(m->oscal_version), nz(m->uuid), basep,
			  nz(m->framework), nz(m->last_modified),
			  base_name(imp->source), imp->sha, now, now);
out:
	rowcopy_release(&r);
	return db_diag(imp, rc, d);
}

static fl_err
need_meta(struct fl_catalog_import *imp, struct fl_diag *d)
{
	if (imp->have_meta && imp->cat_id > 0)
		return FL_OK;
	return fl_diag_msg(d, FL_E_INTERNAL,
			   "catalogue content before its metadata");
}

static const char *
src_name(const struct fl_catalog_import *imp)
{
	return imp->source ? imp->source : "";
}

fl_err
fl_store_catalog_import_group(struct fl_catalog_import *imp,
			      const struct fl_catalog_group *g,
			      struct fl_diag *d)
{
	struct fl_store *st = imp->st;
	struct rowcopy r;
	struct kv *e, *parent = NULL;
	char keybuf[32];
	const char *key = g->key;
	long long parent_id = 0, id = 0;
	fl_err rc;

	if ((rc = need_meta(imp, d)) != FL_OK)
		return rc;
	if (key == NULL || *key == '\0') {
		/* OSCAL allows a group without an id: name it by position */
		snprintf(keybuf, sizeof keybuf, "#%ld", g->seq + 1);
		key = keybuf;
	}
	if ((e = kmap_get(&imp->groups, key)) != NULL) {
		if (imp->partial)
			return FL_OK; /* a spreadsheet names a group on every row */
		return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), g->line, 1,
				   "duplicate group id '%s'", key);
	}
	if (g->parent_key && *g->parent_key) {
		if ((parent = kmap_get(&imp->groups, g->parent_key)) == NULL)
			return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), g->line, 1,
					   "group '%s' names an unknown parent '%s'",
					   key, g->parent_key);
		parent_id = parent->id;
	}
	memset(&r, 0, sizeof r);
	rc = st_query(st,
		      "SELECT id, parent_id, title, class, seq FROM catalog_group"
		      " WHERE catalog_id = ? AND key = ?",
		      rowcopy_fn, &r, "it", imp->cat_id, key);
	if (rc == FL_OK)
		rc = r.err;
	if (rc != FL_OK)
		goto out;
	if (r.found) {
		id = rc_int(&r, "id");
		if (imp->partial) {
			/* spreadsheets only add groups; the title is the key */
		} else if (rc_int(&r, "parent_id") != parent_id ||
			   !same_text(rc_get(&r, "title"), g->title) ||
			   !same_text(rc_get(&r, "class"), g->class) ||
			   rc_int(&r, "seq") != g->seq) {
			rc = st_exec(st,
				     "UPDATE catalog_group SET parent_id ="
				     " NULLIF(?, 0), title = ?, class = ?, seq = ?"
				     " WHERE id = ?",
				     "ittii",
				     parent_id, g->title ? g->title : key,
				     nz(g->class), (long long)g->seq, id);
			imp->c.groups_changed++;
		}
	} else {
		long long seq = g->seq;
		if (imp->partial &&
		    (rc = st_query_int(st, &seq,
				       "SELECT COALESCE(MAX(seq) + 1, 0) FROM"
				       " catalog_group WHERE catalog_id = ?",
				       "i", imp->cat_id)) != FL_OK)
			goto out;
		rc = st_query_int(st, &id,
				  "INSERT INTO catalog_group (catalog_id, key,"
				  " parent_id, title, class, seq) VALUES"
				  " (?, ?, NULLIF(?, 0), ?, ?, ?) RETURNING id",
				  "ititti",
				  imp->cat_id, key, parent_id,
				  g->title && *g->title ? g->title : key,
				  nz(g->class), seq);
		imp->c.groups_changed++;
	}
	if (rc == FL_OK && (rc = kmap_put(&imp->groups, key, id, &e)) == FL_OK)
		e->line = g->line;
out:
	rowcopy_release(&r);
	return db_diag(imp, rc, d);
}

/* A list of (id, text) pairs: existing mappings of one control. */
struct pairs {
	size_t n, cap;
	long long *id;
	char **s;
	fl_err err;
};

static fl_err
pairs_fn(void *ctx, const struct fl_row *row)
{
	struct pairs *p = ctx;
	long v = 0;

	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		long long *ni = realloc(p->id, ncap * sizeof *ni);
		char **ns;
		if (ni == NULL)
			return p->err = FL_E_NOMEM;
		p->id = ni;
		if ((ns = realloc(p->s, ncap * sizeof *ns)) == NULL)
			return p->err = FL_E_NOMEM;
		p->s = ns;
		p->cap = ncap;
	}
	if (row->vals[0])
		fl_parse_long(row->vals[0], LONG_MIN, LONG_MAX, &v);
	p->id[p->n] = v;
	if ((p->s[p->n] = fl_strdup(row->vals[1] ? row->vals[1] : "")) == NULL)
		return p->err = FL_E_NOMEM;
	p->n++;
	return FL_OK;
}

static void
pairs_release(struct pairs *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->s[i]);
	free(p->s);
	free(p->id);
	memset(p, 0, sizeof *p);
}

/*
 * Make the control's refs of each framework in c->map_frameworks exactly
 * those of c->refs: delete what the row no longer names, add what is new.
 * New refs start unresolved; _finish resolves them all at once.
 */
static fl_err
sync_mappings(struct fl_catalog_import *imp, long long cid,
	      const struct fl_catalog_control *c)
{
	struct fl_store *st = imp->st;
	size_t f, i, k;
	fl_err rc = FL_OK;

	for (f = 0; f < c->nmap_frameworks && rc == FL_OK; f++) {
		const char *fw = c->map_frameworks[f];
		struct pairs have;

		memset(&have, 0, sizeof have);
		rc = st_query(st,
			      "SELECT id, ref FROM control_mapping WHERE"
			      " control_id = ? AND framework = ?",
			      pairs_fn, &have, "it", cid, fw);
		if (rc == FL_OK)
			rc = have.err;
		/* drop the refs the row no longer names */
		for (k = 0; k < have.n && rc == FL_OK; k++) {
			int keep = 0;
			for (i = 0; i < c->nrefs && !keep; i++)
				keep = strcmp(c->refs[i].framework, fw) == 0 &&
				       strcmp(c->refs[i].ref, have.s[k]) == 0;
			if (keep)
				continue;
			rc = st_exec(st, "DELETE FROM control_mapping WHERE id = ?",
				     "i", have.id[k]);
			imp->map_changes++;
		}
		/* add the new ones, once each */
		for (i = 0; i < c->nrefs && rc == FL_OK; i++) {
			int dup = 0;
			if (strcmp(c->refs[i].framework, fw) != 0)
				continue;
			for (k = 0; k < i && !dup; k++)
				dup = strcmp(c->refs[k].framework, fw) == 0 &&
				      strcmp(c->refs[k].ref, c->refs[i].ref) == 0;
			if (dup)
				continue;
			imp->c.mappings++;
			for (k = 0; k < have.n && !dup; k++)
				dup = strcmp(have.s[k], c->refs[i].ref) == 0;
			if (dup)
				continue;
			rc = st_exec(st,
				     "INSERT INTO control_mapping (control_id,"
				     " framework, ref) VALUES (?, ?, ?)",
				     "itt", cid, fw, c->refs[i].ref);
			imp->map_changes++;
		}
		pairs_release(&have);
	}
	return rc;
}

/*
 * A spreadsheet without ids: the stored control with the same title keeps
 * its key, a new one gets PREFIX + the next free number (GC-001, ...), so
 * the first import numbers by row order and later ones never renumber.
 */
static fl_err
prefix_key(struct fl_catalog_import *imp, const char *title, char *out,
	   size_t outsz)
{
	struct fl_store *st = imp->st;
	struct pairs have;
	size_t plen = strlen(imp->id_prefix), i, o = 0;
	long long max = 0;
	char *pat;
	fl_err rc;

	memset(&have, 0, sizeof have);
	rc = st_query(st,
		      "SELECT id, key FROM control WHERE catalog_id = ?"
		      " AND lower(title) = lower(?) LIMIT 2",
		      pairs_fn, &have, "it", imp->cat_id, title);
	if (rc == FL_OK)
		rc = have.err;
	if (rc == FL_OK && have.n == 1) {
		fl_strlcpy(out, have.s[0], outsz);
		pairs_release(&have);
		return FL_OK;
	}
	pairs_release(&have);
	if (rc != FL_OK)
		return rc;
	/*
	 * LIKE narrows the rows (its case rules differ between SQLite and
	 * PostgreSQL, so it may give more), the prefix is then compared here
	 * byte for byte: SQL's substr counts characters, and with a bound
	 * length a prefix such as "MAß-" never matched.
	 */
	if (fl_size_mul(plen, 2, &o) || fl_size_add(o, 2, &o) ||
	    (pat = malloc(o)) == NULL)
		return FL_E_NOMEM;
	o = 0;
	for (i = 0; i < plen; i++) {
		if (strchr("%_!", imp->id_prefix[i]))
			pat[o++] = '!';
		pat[o++] = imp->id_prefix[i];
	}
	pat[o++] = '%';
	pat[o] = '\0';
	rc = st_query(st,
		      "SELECT id, key FROM control WHERE catalog_id = ?"
		      " AND key LIKE ? ESCAPE '!'",
		      pairs_fn, &have, "it", imp->cat_id, pat);
	free(pat);
	if (rc == FL_OK)
		rc = have.err;
	for (i = 0; i < have.n && rc == FL_OK; i++) {
		long v;
		if (strncmp(have.s[i], imp->id_prefix, plen) == 0 &&
		    fl_parse_long(have.s[i] + plen, 0, 999999999, &v) == 0 &&
		    v > max)
			max = v;
	}
	pairs_release(&have);
	if (rc == FL_OK)
		snprintf(out, outsz, "%s%03lld", imp->id_prefix, max + 1);
	return rc;
}

/* In partial mode, "differs" ignores fields the file does not have. */
static int
differs(int partial, const char *old, const char *new)
{
	if (partial && new == NULL)
		return 0;
	return !same_text(old, new);
}

fl_err
fl_store_catalog_import_control(struct fl_catalog_import *imp,
				const struct fl_catalog_control *c,
				int *skipped, struct fl_diag *d)
{
	struct fl_store *st = imp->st;
	struct rowcopy r;
	struct kv *e, *g = NULL, *p = NULL;
	char keybuf[256];
	const char *key = nz(c->key), *title, *label = nz(c->label);
	long long id = 0, group_id = 0, parent_id = 0, seq = c->seq;
	int withdrawn, changed = 0;
	unsigned flags = 0;
	fl_err rc;

	if (skipped)
		*skipped = 0;
	if ((rc = need_meta(imp, d)) != FL_OK)
		return rc;
	title = nz(c->title) ? c->title : key;
	if (key == NULL && imp->id_prefix && title) {
		if ((rc = prefix_key(imp, title, keybuf, sizeof keybuf)) != FL_OK)
			return db_diag(imp, rc, d);
		key = keybuf;
	} else if (key != NULL && imp->partial) {
		/* a mapping export may name controls by their title */
		struct pairs have;
		long long n = 0;
		memset(&have, 0, sizeof have);
		rc = st_query_int(st, &n,
				  "SELECT COUNT(*) FROM control WHERE"
				  " catalog_id = ? AND key = ?",
				  "it", imp->cat_id, key);
		if (rc == FL_OK && n == 0)
			rc = st_query(st,
				      "SELECT id, key FROM control WHERE"
				      " catalog_id = ? AND lower(title) = lower(?)"
				      " LIMIT 2",
				      pairs_fn, &have, "it", imp->cat_id, key);
		if (rc == FL_OK)
			rc = have.err;
		if (rc == FL_OK && have.n == 1 && kmap_get(&imp->controls, have.s[0]) == NULL) {
			fl_strlcpy(keybuf, have.s[0], sizeof keybuf);
			key = keybuf;
		}
		pairs_release(&have);
		if (rc != FL_OK)
			return db_diag(imp, rc, d);
	}
	if (key == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), c->line, 1,
				   "control without an id");
	if (title == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), c->line, 1,
				   "control '%s' has no title", key);
	if ((e = kmap_get(&imp->controls, key)) != NULL)
		return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), c->line, 1,
				   "duplicate control id '%s' (first on line %lu)",
				   key, e->line);
	/* a spreadsheet's id is its label (searchable), unless it is the title */
	if (label == NULL && imp->partial && strcmp(key, title) != 0)
		label = key;
	if (nz(c->group_key)) {
		if ((g = kmap_get(&imp->groups, c->group_key)) == NULL)
			return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), c->line, 1,
					   "control '%s' names an unknown group '%s'",
					   key, c->group_key);
		group_id = g->id;
	}
	if (nz(c->parent_key)) {
		if ((p = kmap_get(&imp->controls, c->parent_key)) == NULL)
			return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), c->line, 1,
					   "control '%s' names an unknown parent '%s'",
					   key, c->parent_key);
		parent_id = p->id;
	}

	memset(&r, 0, sizeof r);
	rc = st_query(st,
		      "SELECT id, label, title, class, group_id, parent_id, seq,"
		      " sort_key, withdrawn, statement, guidance, params,"
		      " objectives, methods, description FROM control"
		      " WHERE catalog_id = ? AND key = ?",
		      rowcopy_fn, &r, "it", imp->cat_id, key);
	if (rc == FL_OK)
		rc = r.err;
	if (rc != FL_OK)
		goto out;
	if (!r.found && imp->existing_only) {
		if (skipped)
			*skipped = 1;
		imp->c.skipped++;
		goto out;
	}

	/* withdrawn: the file's word, the CSF rule, or (spreadsheets) kept */
	withdrawn = c->withdrawn != 0;
	if (imp->partial) {
		withdrawn = r.found ? rc_int(&r, "withdrawn") != 0 : 0;
	} else if (imp->csf && parent_id) {
		withdrawn = withdrawn || c->examples == 0;
	} else if (imp->csf) {
		/* a category: decided in _finish, once its children are known */
		flags |= KF_TOP;
		if (withdrawn)
			flags |= KF_EXPLICIT_WD;
		withdrawn = r.found ? rc_int(&r, "withdrawn") != 0 : withdrawn;
		if (withdrawn)
			flags |= KF_STORED_WD;
	}

	if (r.found) {
		id = rc_int(&r, "id");
		changed = differs(imp->partial, rc_get(&r, "label"), label) ||
			  !same_text(rc_get(&r, "title"), title) ||
			  differs(imp->partial, rc_get(&r, "class"), c->class) ||
			  differs(imp->partial, rc_get(&r, "sort_key"), c->sort_key) ||
			  differs(imp->partial, rc_get(&r, "statement"), c->statement) ||
			  differs(imp->partial, rc_get(&r, "guidance"), c->guidance) ||
			  differs(imp->partial, rc_get(&r, "params"), c->params_json) ||
			  differs(imp->partial, rc_get(&r, "objectives"), c->objectives) ||
			  differs(imp->partial, rc_get(&r, "methods"), c->methods) ||
			  differs(imp->partial, rc_get(&r, "description"), c->description) ||
			  (rc_int(&r, "withdrawn") != 0) != withdrawn;
		if (imp->partial)
			changed = changed ||
				  (group_id && rc_int(&r, "group_id") != group_id);
		else
			changed = changed || rc_int(&r, "group_id") != group_id ||
				  rc_int(&r, "parent_id") != parent_id ||
				  rc_int(&r, "seq") != seq;
		if (changed && imp->partial) {
			rc = st_exec(st,
				     "UPDATE control SET label = COALESCE(?, label),"
				     " title = ?, class = COALESCE(?, class),"
				     " group_id = COALESCE(NULLIF(?, 0), group_id),"
				     " sort_key = COALESCE(?, sort_key),"
				     " statement = COALESCE(?, statement),"
				     " guidance = COALESCE(?, guidance),"
				     " params = COALESCE(?, params),"
				     " objectives = COALESCE(?, objectives),"
				     " methods = COALESCE(?, methods),"
				     " description = COALESCE(?, description)"
				     " WHERE id = ?",
				     "tttitttttt" "ti",
				     label, title, nz(c->class), group_id,
				     nz(c->sort_key), nz(c->statement), nz(c->guidance),
				     nz(c->params_json), nz(c->objectives),
				     nz(c->methods), nz(c->description), id);
		} else if (changed) {
			rc = st_exec(st,
				     "UPDATE control SET label = ?, title = ?,"
				     " class = ?, group_id = NULLIF(?, 0),"
				     " parent_id = NULLIF(?, 0), seq = ?,"
				     " sort_key = ?, withdrawn = ?, statement = ?,"
				     " guidance = ?, params = ?, objectives = ?,"
				     " methods = ?, description = ? WHERE id = ?",
				     "tttiiitittttt" "ti",
				     label, title, nz(c->class), group_id,
				     parent_id, seq, nz(c->sort_key),
				     (long long)withdrawn, nz(c->statement),
				     nz(c->guidance), nz(c->params_json),
				     nz(c->objectives), nz(c->methods),
				     nz(c->description), id);
		}
		if (changed)
			imp->c.updated++;
		else
			imp->c.unchanged++;
	} else {
		if (imp->partial &&
		    (rc = st_query_int(st, &seq,
				       "SELECT COALESCE(MAX(seq) + 1, 0) FROM control"
				       " WHERE catalog_id = ?",
				       "i", imp->cat_id)) != FL_OK)
			goto out;
		rc = st_query_int(st, &id,
				  "INSERT INTO control (catalog_id, key, label, title,"
				  " class, group_id, parent_id, seq, sort_key,"
				  " withdrawn, statement, guidance, params,"
				  " objectives, methods, description) VALUES"
				  " (?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?,"
				  " ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  "ittttiiitittttt" "t",
				  imp->cat_id, key, label, title,
				  nz(c->class), group_id, parent_id, seq,
				  nz(c->sort_key), (long long)withdrawn,
				  nz(c->statement), nz(c->guidance),
				  nz(c->params_json), nz(c->objectives),
				  nz(c->methods), nz(c->description));
		imp->c.inserted++;
		flags |= KF_WRITTEN;
	}
	if (rc != FL_OK)
		goto out;
	if ((rc = kmap_put(&imp->controls, key, id, &e)) != FL_OK)
		goto out;
	e->flags = flags | (changed ? KF_WRITTEN : 0);
	e->line = c->line;
	/* the kmap may have moved: look the parent up again */
	if (imp->csf && !imp->partial && parent_id && !withdrawn &&
	    (p = kmap_get(&imp->controls, c->parent_key)) != NULL)
		p->flags |= KF_CURRENT_CHILD;
	if (c->nmap_frameworks)
		rc = sync_mappings(imp, id, c);
out:
	rowcopy_release(&r);
	return db_diag(imp, rc, d);
}

/* ---- finishing an import -------------------------------------------------- */

/*
 * The target of a mapping: the control of the catalogue named by the
 * mapping's framework whose key or label equals the ref, ignoring case and
 * spaces ("AC-2 (1)", "ac-2(1)" and the key "ac-2.1" via the label
 * "AC-2(1)"), with "Article" read as "Art." (a spreadsheet's "Article
 * 21(2) (i)" is the list's "Art. 21(2)(i)").  Current controls win over
 * withdrawn ones with the same label.
 */
#define NORM(x) "replace(lower(replace(" x ", ' ', '')), 'article', 'art.')"
#define RESOLVE_TARGET \
	"(SELECT c.id FROM control c WHERE c.catalog_id =" \
	" (SELECT k.id FROM catalog k" \
	"  WHERE lower(k.key) = lower(control_mapping.framework)) AND" \
	" (" NORM("c.key") " = " NORM("control_mapping.ref") " OR" \
	"  " NORM("c.label") " = " NORM("control_mapping.ref") ")" \
	" ORDER BY c.withdrawn, c.id LIMIT 1)"

static fl_err
resolve_framework(struct fl_store *st, const char *framework, long *changed)
{
	fl_err rc;

	if (framework)
		rc = st_exec(st,
			     "UPDATE control_mapping SET target_id = " RESOLVE_TARGET
			     " WHERE lower(framework) = lower(?) AND"
			     " COALESCE(target_id, 0) <> COALESCE(" RESOLVE_TARGET
			     ", 0)",
			     "t", framework);
	else
		rc = st_exec(st,
			     "UPDATE control_mapping SET target_id = " RESOLVE_TARGET
			     " WHERE COALESCE(target_id, 0) <> COALESCE("
			     RESOLVE_TARGET ", 0)",
			     "");
	*changed = rc == FL_OK ? (long)st_changes(st) : 0;
	return rc;
}

static fl_err
resolve_group(struct fl_store *st, long long cat_id, long *changed)
{
	fl_err rc;

	rc = st_exec(st,
		     "UPDATE control_mapping SET target_id = " RESOLVE_TARGET
		     " WHERE control_id IN (SELECT id FROM control WHERE"
		     " catalog_id = ?) AND COALESCE(target_id, 0) <> COALESCE("
		     RESOLVE_TARGET ", 0)",
		     "i", cat_id);
	*changed = rc == FL_OK ? (long)st_changes(st) : 0;
	return rc;
}

fl_err
fl_store_catalog_resolve(struct fl_store *st, const char *framework,
			 long *changed)
{
	char object[160], *after = NULL;
	fl_err rc;

	if ((rc = resolve_framework(st, framework, changed)) != FL_OK ||
	    *changed == 0)
		return rc;
	snprintf(object, sizeof object, "mapping:%s", framework ? framework : "*");
	rc = st_query_json(st, &after,
			   "SELECT ? AS framework, ? AS changed,"
			   " (SELECT COUNT(*) FROM control_mapping WHERE"
			   "  target_id IS NULL) AS unresolved",
			   "ti", framework, (long long)*changed);
	if (rc == FL_OK)
		rc = fl_store_audit(st, "catalog.resolve", object, NULL, after);
	free(after);
	return rc;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Sorted ids of the rows seen in this import. */
static fl_err
seen_ids(const struct kmap *m, struct idlist *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	if (m->n == 0)
		return FL_OK;
	if ((out->v = calloc(m->n, sizeof *out->v)) == NULL)
		return FL_E_NOMEM;
	out->cap = m->n;
	for (i = 0; i < m->cap; i++)
		if (m->v[i].key)
			out->v[out->n++] = m->v[i].id;
	qsort(out->v, out->n, sizeof *out->v, cmp_ll);
	return FL_OK;
}

static int
seen(const struct idlist *l, long long id)
{
	return l->n && bsearch(&id, l->v, l->n, sizeof *l->v, cmp_ll) != NULL;
}

/*
 * Full mode: rows the file no longer has.  Newest first, so enhancements go
 * before the controls they belong to and subgroups before their groups.
 */
static fl_err
remove_missing(struct fl_catalog_import *imp)
{
	struct fl_store *st = imp->st;
	struct idlist have, all;
	size_t i;
	fl_err rc;

	if ((rc = seen_ids(&imp->controls, &have)) != FL_OK)
		return rc;
	memset(&all, 0, sizeof all);
	rc = st_query(st, "SELECT id FROM control WHERE catalog_id = ?"
		      " ORDER BY id DESC", idlist_fn, &all, "i", imp->cat_id);
	if (rc == FL_OK)
		rc = all.err;
	for (i = 0; i < all.n && rc == FL_OK; i++) {
		long long used = 0, id = all.v[i];
		if (seen(&have, id))
			continue;
		rc = st_query_int(st, &used,
				  "SELECT (SELECT COUNT(*) FROM implementation"
				  "  WHERE control_id = ?) +"
				  " (SELECT COUNT(*) FROM control_test WHERE control_id = ?) +"
				  " (SELECT COUNT(*) FROM risk_control WHERE control_id = ?) +"
				  " (SELECT COUNT(*) FROM control_mapping"
				  "  WHERE control_id = ? OR target_id = ?) +"
				  " (SELECT COUNT(*) FROM control WHERE parent_id = ?)",
				  "iiiiii", id, id, id, id, id, id);
		if (rc != FL_OK)
			break;
		if (used) {
			rc = st_exec(st, "UPDATE control SET withdrawn = 1"
				     " WHERE id = ? AND withdrawn = 0", "i", id);
			if (rc == FL_OK && st_changes(st) > 0)
				imp->c.retired++;
		} else {
			rc = st_exec(st, "DELETE FROM control WHERE id = ?", "i", id);
			imp->c.removed++;
		}
	}
	free(have.v);
	free(all.v);
	if (rc != FL_OK)
		return rc;

	if ((rc = seen_ids(&imp->groups, &have)) != FL_OK)
		return rc;
	memset(&all, 0, sizeof all);
	rc = st_query(st, "SELECT id FROM catalog_group WHERE catalog_id = ?"
		      " ORDER BY id DESC", idlist_fn, &all, "i", imp->cat_id);
	if (rc == FL_OK)
		rc = all.err;
	for (i = 0; i < all.n && rc == FL_OK; i++) {
		long long used = 0, id = all.v[i];
		if (seen(&have, id))
			continue;
		rc = st_query_int(st, &used,
				  "SELECT (SELECT COUNT(*) FROM control WHERE group_id = ?)"
				  " + (SELECT COUNT(*) FROM catalog_group"
				  " WHERE parent_id = ?)",
				  "ii", id, id);
		if (rc == FL_OK && used == 0) {
			rc = st_exec(st, "DELETE FROM catalog_group WHERE id = ?",
				     "i", id);
			imp->c.groups_changed++;
		}
	}
	free(have.v);
	free(all.v);
	return rc;
}

/* CSF: a category is current iff one of its subcategories is. */
static fl_err
fix_categories(struct fl_catalog_import *imp)
{
	size_t i;
	fl_err rc = FL_OK;

	for (i = 0; i < imp->controls.cap && rc == FL_OK; i++) {
		struct kv *e = &imp->controls.v[i];
		int want, stored;
		if (e->key == NULL || !(e->flags & KF_TOP))
			continue;
		want = (e->flags & KF_EXPLICIT_WD) || !(e->flags & KF_CURRENT_CHILD);
		stored = (e->flags & KF_STORED_WD) != 0;
		if (want == stored)
			continue;
		rc = st_exec(imp->st, "UPDATE control SET withdrawn = ? WHERE id = ?",
			     "ii", (long long)want, e->id);
		if (!(e->flags & KF_WRITTEN)) {
			imp->c.updated++;
			imp->c.unchanged--;
			e->flags |= KF_WRITTEN;
		}
	}
	return rc;
}

fl_err
fl_store_catalog_import_finish(struct fl_catalog_import *imp,
			       struct fl_catalog_counts *out,
			       struct fl_diag *d)
{
	struct fl_store *st = imp->st;
	struct fl_catalog_counts *c = &imp->c;
	char object[160], now[21], *after = NULL;
	long long n = 0;
	long resolved = 0;
	fl_err rc;

	if (!imp->have_meta)
		return fl_diag_set(d, FL_E_SYNTAX, src_name(imp), 0, 0,
				   "no catalogue in the file");
	if ((rc = need_meta(imp, d)) != FL_OK)
		return rc;
	if (!imp->partial && (rc = remove_missing(imp)) != FL_OK)
		goto out;
	if (imp->csf && !imp->partial && (rc = fix_categories(imp)) != FL_OK)
		goto out;
	if (strcmp(c->kind, "group") == 0)
		rc = resolve_group(st, imp->cat_id, &resolved);
	else
		rc = resolve_framework(st, c->key, &resolved);
	if (rc != FL_OK)
		goto out;
	c->mappings_resolved = resolved;

	if ((rc = st_query_int(st, &n, "SELECT COUNT(*) FROM catalog_group"
			       " WHERE catalog_id = ?", "i", imp->cat_id)) != FL_OK)
		goto out;
	c->groups = (long)n;
	if ((rc = st_query_int(st, &n, "SELECT COUNT(*) FROM control"
			       " WHERE catalog_id = ?", "i", imp->cat_id)) != FL_OK)
		goto out;
	c->controls = (long)n;
	if ((rc = st_query_int(st, &n, "SELECT COUNT(*) FROM control"
			       " WHERE catalog_id = ? AND withdrawn <> 0",
			       "i", imp->cat_id)) != FL_OK)
		goto out;
	c->withdrawn = (long)n;

	c->changed = imp->cat_changed || c->inserted || c->updated ||
		     c->removed || c->retired || c->groups_changed ||
		     imp->map_changes || resolved;
	if (!c->changed)
		goto out;
	st_now(now);
	rc = st_exec(st, "UPDATE catalog SET updated_at = ?, source = ?,"
		     " source_sha256 = ? WHERE id = ?",
		     "ttti", now, base_name(imp->source), imp->sha, imp->cat_id);
	if (rc != FL_OK)
		goto out;
	rc = st_query_json(st, &after,
			   "SELECT k.key, k.title, k.kind, k.version, k.base_key,"
			   " k.source, k.source_sha256, ? AS groups, ? AS controls,"
			   " ? AS withdrawn, ? AS inserted, ? AS updated,"
			   " ? AS removed, ? AS retired, ? AS mappings_changed,"
			   " ? AS mappings_resolved FROM catalog k WHERE k.id = ?",
			   "iiiiiiiiii",
			   (long long)c->groups, (long long)c->controls,
			   (long long)c->withdrawn, (long long)c->inserted,
			   (long long)c->updated, (long long)c->removed,
			   (long long)c->retired, (long long)imp->map_changes,
			   (long long)resolved, imp->cat_id);
	if (rc != FL_OK)
		goto out;
	snprintf(object, sizeof object, "catalog:%s", c->key);
	rc = fl_store_audit(st, "catalog.import", object, imp->before, after);
out:
	free(after);
	if (rc == FL_OK && out)
		*out = *c;
	return db_diag(imp, rc, d);
}

/* ---- listings --------------------------------------------------------------- */

fl_err
fl_store_mapping_summary(struct fl_store *st, const char *group_key,
			 fl_row_fn fn, void *ctx)
{
	return st_query(st,
			"SELECT m.framework, COUNT(*) AS refs,"
			" COUNT(m.target_id) AS resolved,"
			" COUNT(*) - COUNT(m.target_id) AS unresolved,"
			" (SELECT COUNT(*) FROM catalog k2 WHERE"
			"  lower(k2.key) = lower(m.framework)) AS catalogue"
			" FROM control_mapping m JOIN control c ON c.id = m.control_id"
			" JOIN catalog k ON k.id = c.catalog_id"
			" WHERE k.key = COALESCE(?, k.key)"
			" GROUP BY m.framework ORDER BY m.framework",
			fn, ctx, "t", group_key);
}

fl_err
fl_store_mapping_unresolved(struct fl_store *st, const char *group_key,
			    fl_row_fn fn, void *ctx)
{
	return st_query(st,
			"SELECT c.key AS control, m.framework, m.ref"
			" FROM control_mapping m JOIN control c ON c.id = m.control_id"
			" JOIN catalog k ON k.id = c.catalog_id"
			" WHERE k.key = COALESCE(?, k.key) AND m.target_id IS NULL"
			" AND EXISTS (SELECT 1 FROM catalog k2 WHERE"
			"  lower(k2.key) = lower(m.framework))"
			" ORDER BY m.framework, m.ref, c.key",
			fn, ctx, "t", group_key);
}

fl_err
fl_store_catalog_list(struct fl_store *st, fl_row_fn fn, void *ctx)
{
	return st_query(st,
			"SELECT k.key, k.title, k.kind, k.version, k.base_key,"
			" (SELECT COUNT(*) FROM catalog_group g"
			"  WHERE g.catalog_id = k.id) AS groups,"
			" (SELECT COUNT(*) FROM control c"
			"  WHERE c.catalog_id = k.id) AS controls,"
			" (SELECT COUNT(*) FROM control c WHERE c.catalog_id = k.id"
			"  AND c.withdrawn <> 0) AS withdrawn,"
			" (SELECT COUNT(*) FROM control_mapping m JOIN control c"
			"  ON c.id = m.control_id WHERE c.catalog_id = k.id) AS mappings,"
			" k.source, k.imported_at, k.updated_at"
			" FROM catalog k ORDER BY k.kind, k.key",
			fn, ctx, "");
}

/* Rows collected for a second pass. */
struct rows {
	struct rowcopy *r;
	size_t n, cap;
	fl_err err;
};

static fl_err
rows_fn(void *ctx, const struct fl_row *row)
{
	struct rows *l = ctx;
	fl_err rc;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 32;
		struct rowcopy *nr = realloc(l->r, ncap * sizeof *nr);
		if (nr == NULL)
			return l->err = FL_E_NOMEM;
		l->r = nr;
		l->cap = ncap;
	}
	memset(&l->r[l->n], 0, sizeof l->r[l->n]);
	rc = rowcopy_fn(&l->r[l->n], row);
	l->n++;
	if (rc == FL_OK)
		rc = l->r[l->n - 1].err;
	return rc != FL_OK ? (l->err = rc) : FL_OK;
}

static void
rows_release(struct rows *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		rowcopy_release(&l->r[i]);
	free(l->r);
	memset(l, 0, sizeof *l);
}

/* A row made in C, for results the SQL cannot give portably. */
#define SY_MAX 16
struct synth {
	int n;
	const char *names[SY_MAX];
	const char *vals[SY_MAX];
	enum fl_col_type types[SY_MAX];
	char num[SY_MAX][24];
};

static void
sy_text(struct synth *s, const char *name, const char *v, enum fl_col_type t)
{
	if (s->n >= SY_MAX)
		return;
	s->names[s->n] = name;
	s->vals[s->n] = v;
	s->types[s->n] = v ? t : FL_COL_NULL;
	s->n++;
}

static void
sy_int(struct synth *s, const char *name, long long v)
{
	if (s->n >= SY_MAX)
		return;
	snprintf(s->num[s->n], sizeof s->num[s->n], "%lld", v);
	sy_text(s, name, s->num[s->n], FL_COL_INT);
}

static fl_err
sy_emit(struct synth *s, fl_row_fn fn, void *ctx)
{
	struct fl_row row;

	row.ncol = s->n;
	row.names = s->names;
	row.vals = s->vals;
	row.types = s->types;
	return fn ? fn(ctx, &row) : FL_OK;
}

struct classes_ctx {
	struct fl_json *j;
};

static fl_err
class_fn(void *ctx, const struct fl_row *row)
{
	struct classes_ctx *c = ctx;
	const char *cls = fl_row_get(row, "class");
	long n = 0, w = 0;

	fl_parse_long(fl_row_get(row, "controls"), 0, LONG_MAX, &n);
	if (fl_row_get(row, "withdrawn"))
		fl_parse_long(fl_row_get(row, "withdrawn"), 0, LONG_MAX, &w);
	fl_json_key(c->j, cls && *cls ? cls : "none");
	fl_json_obj_open(c->j);
	fl_json_key(c->j, "controls");
	fl_json_int(c->j, n);
	fl_json_key(c->j, "withdrawn");
	fl_json_int(c->j, w);
	fl_json_key(c->j, "current");
	fl_json_int(c->j, n - w);
	fl_json_obj_close(c->j);
	return FL_OK;
}

fl_err
fl_store_catalog_stats(struct fl_store *st, fl_row_fn fn, void *ctx)
{
	struct rows l;
	struct fl_buf b;
	struct fl_json j;
	struct classes_ctx cc;
	size_t i;
	fl_err rc;

	memset(&l, 0, sizeof l);
	rc = st_query(st,
		      "SELECT k.id AS cid, k.key AS id, k.title, k.kind,"
		      " (SELECT COUNT(*) FROM catalog_group g"
		      "  WHERE g.catalog_id = k.id) AS groups,"
		      " (SELECT COUNT(*) FROM control c"
		      "  WHERE c.catalog_id = k.id) AS controls,"
		      " (SELECT COUNT(*) FROM control c WHERE c.catalog_id = k.id"
		      "  AND c.withdrawn <> 0) AS withdrawn"
		      " FROM catalog k ORDER BY k.kind, k.key",
		      rows_fn, &l, "");
	if (rc == FL_OK)
		rc = l.err;
	fl_buf_init(&b, 0);
	for (i = 0; i < l.n && rc == FL_OK; i++) {
		struct synth s;
		long long ctl = rc_int(&l.r[i], "controls"),
			  wd = rc_int(&l.r[i], "withdrawn");

		fl_buf_reset(&b);
		fl_json_init(&j, &b, 0);
		cc.j = &j;
		fl_json_obj_open(&j);
		rc = st_query(st,
			      "SELECT COALESCE(class, '') AS class,"
			      " COUNT(*) AS controls,"
			      " SUM(CASE WHEN withdrawn <> 0 THEN 1 ELSE 0 END)"
			      " AS withdrawn FROM control WHERE catalog_id = ?"
			      " GROUP BY COALESCE(class, '') ORDER BY 1",
			      class_fn, &cc, "i", rc_int(&l.r[i], "cid"));
		fl_json_obj_close(&j);
		if (rc != FL_OK)
			break;
		memset(&s, 0, sizeof s);
		sy_text(&s, "id", rc_get(&l.r[i], "id"), FL_COL_TEXT);
		sy_text(&s, "title", rc_get(&l.r[i], "title"), FL_COL_TEXT);
		sy_text(&s, "kind", rc_get(&l.r[i], "kind"), FL_COL_TEXT);
		sy_int(&s, "groups", rc_int(&l.r[i], "groups"));
		sy_int(&s, "controls", ctl);
		sy_int(&s, "withdrawn", wd);
		sy_int(&s, "current", ctl - wd);
		sy_text(&s, "classes_json", fl_buf_str(&b), FL_COL_TEXT);
		rc = sy_emit(&s, fn, ctx);
	}
	fl_buf_release(&b);
	rows_release(&l);
	return rc;
}

fl_err
fl_store_control_list(struct fl_store *st, const char *key, const char *group,
		      enum fl_control_filter which, fl_row_fn fn, void *ctx)
{
	long long cat = 0, w = which == FL_CTL_ALL ? 2
			   : which == FL_CTL_WITHDRAWN ? 1 : 0;
	fl_err rc;

	rc = st_query_int(st, &cat, "SELECT id FROM catalog WHERE lower(key) = lower(?)",
			  "t", key);
	if (rc != FL_OK)
		return rc;
	if (group)
		return st_query(st,
				"SELECT c.key, COALESCE(c.label, c.key) AS label,"
				" c.title, c.class, g.key AS \"group\","
				" COALESCE(p.label, p.key) AS parent, c.withdrawn"
				" FROM control c"
				" JOIN catalog_group g ON g.id = c.group_id"
				" LEFT JOIN control p ON p.id = c.parent_id"
				" WHERE c.catalog_id = ? AND (? = 2 OR c.withdrawn = ?)"
				" AND (lower(g.key) = lower(?) OR lower(g.title) = lower(?))"
				" ORDER BY c.seq",
				fn, ctx, "iiitt", cat, w, w, group, group);
	return st_query(st,
			"SELECT c.key, COALESCE(c.label, c.key) AS label,"
			" c.title, c.class, g.key AS \"group\","
			" COALESCE(p.label, p.key) AS parent, c.withdrawn"
			" FROM control c"
			" LEFT JOIN catalog_group g ON g.id = c.group_id"
			" LEFT JOIN control p ON p.id = c.parent_id"
			" WHERE c.catalog_id = ? AND (? = 2 OR c.withdrawn = ?)"
			" ORDER BY c.seq",
			fn, ctx, "iii", cat, w, w);
}

fl_err
fl_store_control_get(struct fl_store *st, long long id, fl_row_fn fn,
		     void *ctx)
{
	return st_query(st,
			"SELECT k.key AS catalog, k.title AS catalog_title,"
			" k.kind AS catalog_kind, c.key,"
			" COALESCE(c.label, c.key) AS label, c.title, c.class,"
			" g.key AS \"group\", g.title AS group_title,"
			" COALESCE(p.label, p.key) AS parent, c.withdrawn,"
			" c.sort_key, c.statement,"
			" c.params AS params_json, c.guidance, c.objectives,"
			" c.methods, c.description"
			" FROM control c JOIN catalog k ON k.id = c.catalog_id"
			" LEFT JOIN catalog_group g ON g.id = c.group_id"
			" LEFT JOIN control p ON p.id = c.parent_id"
			" WHERE c.id = ?",
			fn, ctx, "i", id);
}

fl_err
fl_store_control_related(struct fl_store *st, long long id,
			 enum fl_control_rel rel, fl_row_fn fn, void *ctx)
{
	switch (rel) {
	case FL_REL_ENHANCEMENTS:
		return st_query(st,
				"SELECT c.key, COALESCE(c.label, c.key) AS label,"
				" c.title, c.withdrawn FROM control c"
				" WHERE c.parent_id = ? ORDER BY c.seq",
				fn, ctx, "i", id);
	case FL_REL_MAPS_TO:
		return st_query(st,
				"SELECT m.framework, m.ref, k.key AS catalog, t.key,"
				" COALESCE(t.label, t.key) AS label, t.title"
				" FROM control_mapping m"
				" LEFT JOIN control t ON t.id = m.target_id"
				" LEFT JOIN catalog k ON k.id = t.catalog_id"
				" WHERE m.control_id = ? ORDER BY m.framework, m.id",
				fn, ctx, "i", id);
	case FL_REL_MAPPED_FROM:
		/* a baseline control stands for its framework's control */
		return st_query(st,
				"SELECT DISTINCT gk.key AS catalog, g.key,"
				" COALESCE(g.label, g.key) AS label, g.title"
				" FROM control_mapping m"
				" JOIN control g ON g.id = m.control_id"
				" JOIN catalog gk ON gk.id = g.catalog_id"
				" WHERE m.target_id = ? OR m.target_id IN"
				" (SELECT fc.id FROM control bc"
				"  JOIN catalog bk ON bk.id = bc.catalog_id"
				"  JOIN catalog fk ON fk.key = bk.base_key"
				"  JOIN control fc ON fc.catalog_id = fk.id"
				"  AND fc.key = bc.key WHERE bc.id = ?)"
				" ORDER BY gk.key, g.key",
				fn, ctx, "ii", id, id);
	}
	return FL_E_INTERNAL;
}

fl_err
fl_store_control_search(struct fl_store *st, const char *query,
			const char *catalog, long limit, fl_row_fn fn,
			void *ctx)
{
	return st_control_search(st, query, catalog, limit, fn, ctx);
}

/* ---- coverage ---------------------------------------------------------------- */

struct cov_req {
	long count;
	long long last_gid;
	struct fl_buf by;  /* JSON array text being built */
	struct fl_json j;
	struct fl_buf text; /* the same, "a; b" */
};

struct cov {
	struct rows reqs;
	struct cov_req *r;
	struct kmap idx;   /* requirement key -> index */
	fl_err err;
};

static fl_err
cov_map_fn(void *ctx, const struct fl_row *row)
{
	struct cov *c = ctx;
	const char *target = fl_row_get(row, "target");
	const char *gkey = fl_row_get(row, "gkey");
	const char *gid = fl_row_get(row, "gid");
	struct kv *e = kmap_get(&c->idx, target);
	struct cov_req *q;
	long v = 0;

	if (e == NULL || gkey == NULL)
		return FL_OK;
	q = &c->r[e->id];
	if (gid)
		fl_parse_long(gid, 0, LONG_MAX, &v);
	if (q->count && q->last_gid == v)
		return FL_OK; /* the same Group control through another ref */
	q->last_gid = v;
	if (q->count++)
		fl_buf_puts(&q->text, "; ");
	fl_buf_puts(&q->text, gkey);
	fl_json_str(&q->j, gkey);
	return FL_OK;
}

fl_err
fl_store_catalog_coverage(struct fl_store *st, const char *framework,
			  const char *baseline, const char *group_catalog,
			  fl_row_fn fn, void *ctx, long *total, long *covered,
			  char *fwout, size_t fwsz, struct fl_diag *d)
{
	struct cov c;
	char *fw = NULL, *kind = NULL;
	size_t i;
	fl_err rc;

	*total = *covered = 0;
	memset(&c, 0, sizeof c);
	if (baseline) {
		rc = st_query_text(st, &fw, "SELECT base_key FROM catalog"
				   " WHERE key = ? AND kind = 'baseline'",
				   "t", baseline);
		if (rc == FL_E_NOTFOUND)
			return fl_diag_msg(d, rc, "no baseline catalogue '%s'"
					   " (see 'catalog list')", baseline);
		if (rc != FL_OK)
			return rc;
		if (framework) {
			free(fw);
			fw = NULL;
		}
	}
	if (framework == NULL && fw == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "coverage needs --framework"
				   " (or a --baseline that names its framework)");
	if (framework == NULL)
		framework = fw;
	fl_strlcpy(fwout, framework, fwsz);
	rc = st_query_text(st, &kind, "SELECT kind FROM catalog WHERE key = ?",
			   "t", framework);
	if (rc == FL_E_NOTFOUND) {
		rc = fl_diag_msg(d, rc, "no catalogue '%s' (see 'catalog list')",
				 framework);
		goto out;
	}
	if (rc != FL_OK)
		goto out;
	if (strcmp(kind, "group") == 0) {
		rc = fl_diag_msg(d, FL_E_INVAL, "'%s' is a Group catalogue, not a"
				 " framework", framework);
		goto out;
	}
	if (group_catalog) {
		long long n = 0;
		rc = st_query_int(st, &n, "SELECT COUNT(*) FROM catalog WHERE"
				  " key = ? AND kind = 'group'", "t", group_catalog);
		if (rc == FL_OK && n == 0)
			rc = fl_diag_msg(d, FL_E_NOTFOUND, "no Group catalogue '%s'",
					 group_catalog);
		if (rc != FL_OK)
			goto out;
	}

	rc = st_query(st,
		      "SELECT c.key, COALESCE(c.label, c.key) AS label, c.title,"
		      " c.class FROM control c JOIN catalog k ON k.id = c.catalog_id"
		      " WHERE k.key = ? AND c.withdrawn = 0 ORDER BY c.seq",
		      rows_fn, &c.reqs, "t", baseline ? baseline : framework);
	if (rc == FL_OK)
		rc = c.reqs.err;
	if (rc != FL_OK)
		goto out;
	if (c.reqs.n && (c.r = calloc(c.reqs.n, sizeof *c.r)) == NULL) {
		rc = FL_E_NOMEM;
		goto out;
	}
	for (i = 0; i < c.reqs.n; i++) {
		struct kv *e;
		fl_buf_init(&c.r[i].by, 0);
		fl_buf_init(&c.r[i].text, 0);
		fl_json_init(&c.r[i].j, &c.r[i].by, 0);
		fl_json_arr_open(&c.r[i].j);
		if (kmap_get(&c.idx, rc_get(&c.reqs.r[i], "key")))
			continue;
		if ((rc = kmap_put(&c.idx, rc_get(&c.reqs.r[i], "key"),
				   (long long)i, &e)) != FL_OK)
			goto out;
	}
	/* every direct mapping from a Group control into the framework or
	 * the baseline, one requirement key each */
	rc = st_query(st,
		      "SELECT t.key AS target, g.id AS gid, g.key AS gkey"
		      " FROM control_mapping m"
		      " JOIN control t ON t.id = m.target_id"
		      " JOIN catalog tk ON tk.id = t.catalog_id"
		      " JOIN control g ON g.id = m.control_id"
		      " JOIN catalog gk ON gk.id = g.catalog_id"
		      " WHERE gk.kind = 'group' AND gk.key = COALESCE(?, gk.key)"
		      " AND (tk.key = ? OR tk.key = ?)"
		      " ORDER BY t.key, gk.id, g.seq, g.id",
		      cov_map_fn, &c, "ttt", group_catalog, framework,
		      baseline ? baseline : framework);
	if (rc != FL_OK)
		goto out;
	for (i = 0; i < c.reqs.n && rc == FL_OK; i++) {
		struct synth s;
		struct rowcopy *q = &c.reqs.r[i];

		fl_json_arr_close(&c.r[i].j);
		(*total)++;
		if (c.r[i].count)
			(*covered)++;
		memset(&s, 0, sizeof s);
		sy_text(&s, "key", rc_get(q, "key"), FL_COL_TEXT);
		sy_text(&s, "label", rc_get(q, "label"), FL_COL_TEXT);
		sy_text(&s, "title", rc_get(q, "title"), FL_COL_TEXT);
		sy_text(&s, "class", rc_get(q, "class"), FL_COL_TEXT);
		sy_text(&s, "covered_json", c.r[i].count ? "true" : "false",
			FL_COL_TEXT);
		sy_int(&s, "count", c.r[i].count);
		sy_text(&s, "mapped_by_json", fl_buf_str(&c.r[i].by), FL_COL_TEXT);
		sy_text(&s, "mapped_by", fl_buf_str(&c.r[i].text), FL_COL_TEXT);
		rc = sy_emit(&s, fn, ctx);
	}
out:
	if (c.r)
		for (i = 0; i < c.reqs.n; i++) {
			fl_buf_release(&c.r[i].by);
			fl_buf_release(&c.r[i].text);
		}
	free(c.r);
	rows_release(&c.reqs);
	kmap_release(&c.idx);
	free(fw);
	free(kind);
	return rc;
}

/* ---- profiles: a selection of a framework's controls ------------------------ */

/* Index of the row whose column col equals key, or -1 (n is small). */
static long
rows_find(const struct rows *l, const char *col, const char *key)
{
	size_t i;
	const char *v;

	if (key == NULL)
		return -1;
	for (i = 0; i < l->n; i++)
		if ((v = rc_get(&l->r[i], col)) != NULL && strcmp(v, key) == 0)
			return (long)i;
	return -1;
}

fl_err
fl_store_catalog_base_for(struct fl_store *st, const char *const *ids,
			  size_t nids, char *key, size_t keysz)
{
	struct rows fw;
	size_t i, k, found = 0, some = 0, have;
	long long n;
	fl_err rc;

	memset(&fw, 0, sizeof fw);
	rc = st_query(st, "SELECT id, key FROM catalog WHERE kind = 'framework'"
		      " ORDER BY key", rows_fn, &fw, "");
	if (rc == FL_OK)
		rc = fw.err;
	for (i = 0; rc == FL_OK && i < fw.n; i++) {
		for (k = have = 0; k < nids && rc == FL_OK; k++) {
			rc = st_query_int(st, &n,
					  "SELECT COUNT(*) FROM control WHERE"
					  " catalog_id = ? AND key = ?",
					  "it", rc_int(&fw.r[i], "id"), ids[k]);
			have += rc == FL_OK && n > 0;
		}
		if (rc != FL_OK || have == 0)
			continue;
		if (have == nids && found++ == 0)
			fl_strlcpy(key, rc_get(&fw.r[i], "key"), keysz);
		/* the only one with any of them: the import names the rest */
		if (found == 0 && some++ == 0)
			fl_strlcpy(key, rc_get(&fw.r[i], "key"), keysz);
	}
	rows_release(&fw);
	if (rc != FL_OK)
		return rc;
	if (found == 0)
		return some == 0 ? FL_E_NOTFOUND : some > 1 ? FL_E_INVAL : FL_OK;
	return found > 1 ? FL_E_INVAL : FL_OK;
}

fl_err
fl_store_catalog_import_select(struct fl_catalog_import *imp,
			       const char *base_key, int all,
			       const char *const *ids, size_t nids,
			       const char *const *xids, size_t nxids,
			       struct fl_diag *d)
{
	struct fl_store *st = imp->st;
	struct rows cs, gs;
	unsigned char *sel = NULL, *gsel = NULL;
	long long base_id = 0;
	long j, seq = 0;
	size_t i;
	fl_err rc;

	if ((rc = need_meta(imp, d)) != FL_OK)
		return rc;
	memset(&cs, 0, sizeof cs);
	memset(&gs, 0, sizeof gs);
	rc = st_query_int(st, &base_id, "SELECT id FROM catalog WHERE key = ?"
			  " AND kind = 'framework'", "t", base_key);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no framework catalogue '%s' is"
				   " imported: import it first", base_key);
	if (rc != FL_OK)
		return db_diag(imp, rc, d);
	rc = st_query(st,
		      "SELECT c.key, c.label, c.title, c.class, c.sort_key,"
		      " c.withdrawn, c.statement, c.guidance, c.params,"
		      " c.objectives, c.methods, c.description,"
		      " p.key AS parent_key, g.key AS group_key"
		      " FROM control c LEFT JOIN control p ON p.id = c.parent_id"
		      " LEFT JOIN catalog_group g ON g.id = c.group_id"
		      " WHERE c.catalog_id = ? ORDER BY c.seq, c.id",
		      rows_fn, &cs, "i", base_id);
	if (rc == FL_OK)
		rc = cs.err;
	if (rc == FL_OK)
		rc = st_query(st,
			      "SELECT g.key, g.title, g.class, p.key AS parent_key"
			      " FROM catalog_group g LEFT JOIN catalog_group p"
			      " ON p.id = g.parent_id WHERE g.catalog_id = ?"
			      " ORDER BY g.seq, g.id",
			      rows_fn, &gs, "i", base_id);
	if (rc == FL_OK)
		rc = gs.err;
	if (rc != FL_OK)
		goto out;
	if ((sel = calloc(cs.n + 1, 1)) == NULL ||
	    (gsel = calloc(gs.n + 1, 1)) == NULL) {
		rc = FL_E_NOMEM;
		goto out;
	}
	if (all)
		memset(sel, 1, cs.n);
	for (i = 0; i < nids + nxids; i++) {
		const char *id = i < nids ? ids[i] : xids[i - nids];
		if ((j = rows_find(&cs, "key", id)) < 0) {
			rc = fl_diag_msg(d, FL_E_SYNTAX,
					 "the profile selects '%s', which catalogue"
					 " '%s' does not have", id, base_key);
			goto out;
		}
		sel[j] = i < nids; /* exclusions come after inclusions */
	}
	/* ancestors: an enhancement is shown under its control */
	for (i = 0; i < cs.n; i++) {
		if (!sel[i])
			continue;
		j = (long)i;
		while ((j = rows_find(&cs, "key", rc_get(&cs.r[j], "parent_key"))) >= 0 &&
		       !sel[j])
			sel[j] = 1;
	}
	/* the groups holding a selected control, with their ancestors */
	for (i = 0; i < cs.n; i++) {
		if (!sel[i])
			continue;
		j = rows_find(&gs, "key", rc_get(&cs.r[i], "group_key"));
		while (j >= 0 && !gsel[j]) {
			gsel[j] = 1;
			j = rows_find(&gs, "key", rc_get(&gs.r[j], "parent_key"));
		}
	}
	for (i = 0; i < gs.n && rc == FL_OK; i++) {
		struct fl_catalog_group g;
		if (!gsel[i])
			continue;
		memset(&g, 0, sizeof g);
		g.key = rc_get(&gs.r[i], "key");
		g.title = rc_get(&gs.r[i], "title");
		g.class = rc_get(&gs.r[i], "class");
		g.parent_key = rc_get(&gs.r[i], "parent_key");
		g.seq = seq++;
		rc = fl_store_catalog_import_group(imp, &g, d);
	}
	seq = 0;
	for (i = 0; i < cs.n && rc == FL_OK; i++) {
		const struct rowcopy *r = &cs.r[i];
		struct fl_catalog_control c;
		if (!sel[i])
			continue;
		memset(&c, 0, sizeof c);
		c.key = rc_get(r, "key");
		c.label = rc_get(r, "label");
		c.title = rc_get(r, "title");
		c.class = rc_get(r, "class");
		c.sort_key = rc_get(r, "sort_key");
		c.group_key = rc_get(r, "group_key");
		c.parent_key = rc_get(r, "parent_key");
		c.withdrawn = rc_int(r, "withdrawn") != 0;
		c.statement = rc_get(r, "statement");
		c.guidance = rc_get(r, "guidance");
		c.params_json = rc_get(r, "params");
		c.objectives = rc_get(r, "objectives");
		c.methods = rc_get(r, "methods");
		c.description = rc_get(r, "description");
		c.seq = seq++;
		rc = fl_store_catalog_import_control(imp, &c, NULL, d);
	}
	free(sel);
	free(gsel);
	rows_release(&cs);
	rows_release(&gs);
	return rc;
out:
	free(sel);
	free(gsel);
	rows_release(&cs);
	rows_release(&gs);
	return db_diag(imp, rc, d);
}

fl_err
fl_store_control_resolve(struct fl_store *st, const char *ref, long long *id,
			 struct fl_diag *d)
{
	fl_err rc = fl_store_control_find(st, ref, id);

	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "unknown control '%s'", ref);
	if (rc == FL_E_INVAL)
		return fl_diag_msg(d, rc, "control '%s' is ambiguous: name its "
				   "catalogue (CATALOG:KEY)", ref);
	return rc;
}
