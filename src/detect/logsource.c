/*
 * logsource: the logsource mapping file and the resolution of a rule's
 * logsource into alternatives (logsource.h).
 *
 * What it refuses: a file that is not YAML, a `logsources` that is not a
 * map, an entry or a field of the wrong shape; each refusal names the file,
 * line and column.  Unknown keys of an entry are ignored (the SigmaHQ file
 * carries backend-specific ones).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libfyaml.h>

#include "detect/event.h"
#include "detect/event_int.h"
#include "detect/logsource.h"
#include "detect/sigma_int.h"

struct entry {
	const char *name, *product, *category, *service;
	const char *rw_product, *rw_service;
	struct fl_logsource_cond *cond;
	size_t ncond;
	const char **map_from, **map_to;
	size_t nmap;
	const char **channel; /* from WinEventLog: sources */
	size_t nchannel;
};

struct fl_logmap {
	struct fl_sigma_arena a;
	struct entry *e;
	size_t n;
};

#define MAP_MAX_BYTES ((size_t)64 << 20)
#define MAP_MAX_ENTRIES 4096
#define MAP_MAX_ITEMS 4096

struct ld {
	struct fl_logmap *m;
	const char *file;
	struct fl_diag *d;
};

static void
pos(struct fy_node *n, unsigned long *line, unsigned long *col)
{
	const struct fy_mark *mk = NULL;
	struct fy_token *t;

	int guard = 0;

	*line = *col = 0;
	/* a collection has no token of its own: use its first scalar */
	while (n && !fy_node_is_scalar(n) && guard++ < 32) {
		void *it = NULL;

		if (fy_node_is_mapping(n)) {
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);

			n = p ? fy_node_pair_key(p) : NULL;
		} else if (fy_node_is_sequence(n)) {
			n = fy_node_sequence_iterate(n, &it);
		} else {
			n = NULL;
		}
	}
	if (n && fy_node_is_scalar(n) &&
	    (t = fy_node_get_scalar_token(n)) != NULL)
		mk = fy_token_start_mark(t);
	if (mk) {
		*line = (unsigned long)mk->line + 1;
		*col = (unsigned long)mk->column + 1;
	}
}

static void
quiet(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

static fl_err
bad(struct ld *l, struct fy_node *n, const char *what)
{
	unsigned long line, col;

	pos(n, &line, &col);
	return fl_diag_set(l->d, FL_E_SYNTAX, l->file, line, col, "%s", what);
}

/* A scalar's text copied into the arena; NULL when n is not a scalar. */
static const char *
text(struct ld *l, struct fy_node *n)
{
	const char *t;
	size_t len;

	if (n == NULL || !fy_node_is_scalar(n))
		return NULL;
	if ((t = fy_node_get_scalar(n, &len)) == NULL)
		return NULL;
	return fl_sigma_strndup(&l->m->a, t, len);
}

static fl_err
opt_str(struct ld *l, struct fy_node *map, const char *key, const char **out)
{
	struct fy_node *v = fy_node_mapping_lookup_by_string(map, key, FY_NT);

	*out = NULL;
	if (v == NULL || (fy_node_is_scalar(v) && fy_node_get_scalar_length(v)
						   == 0))
		return FL_OK;
	if ((*out = text(l, v)) == NULL)
		return fy_node_is_scalar(v) ? fl_diag_msg(l->d, FL_E_NOMEM,
							  "out of memory")
					    : bad(l, v, "expected a string");
	return FL_OK;
}

/* A scalar or a list of scalars. */
static fl_err
str_list(struct ld *l, struct fy_node *v, const char ***out, size_t *n)
{
	void *it = NULL;
	struct fy_node *x;
	size_t cnt, i = 0;

	*out = NULL;
	*n = 0;
	if (fy_node_is_scalar(v)) {
		if ((*out = fl_sigma_allocv(&l->m->a, 1, sizeof **out)) == NULL ||
		    ((*out)[0] = text(l, v)) == NULL)
			return fl_diag_msg(l->d, FL_E_NOMEM, "out of memory");
		*n = 1;
		return FL_OK;
	}
	if (!fy_node_is_sequence(v))
		return bad(l, v, "expected a value or a list of values");
	cnt = (size_t)fy_node_sequence_item_count(v);
	if (cnt > MAP_MAX_ITEMS)
		return bad(l, v, "list too long");
	if (cnt == 0)
		return FL_OK;
	if ((*out = fl_sigma_allocv(&l->m->a, cnt, sizeof **out)) == NULL)
		return fl_diag_msg(l->d, FL_E_NOMEM, "out of memory");
	while ((x = fy_node_sequence_iterate(v, &it)) != NULL && i < cnt) {
		if (!fy_node_is_scalar(x))
			return bad(l, x, "expected a value");
		if (((*out)[i++] = text(l, x)) == NULL)
			return fl_diag_msg(l->d, FL_E_NOMEM, "out of memory");
	}
	*n = i;
	return FL_OK;
}

static fl_err
load_entry(struct ld *l, const char *name, struct fy_node *v, struct entry *e)
{
	struct fy_node *x;
	struct fy_node_pair *p;
	void *it;
	size_t cnt, i;
	fl_err rc;

	if (!fy_node_is_mapping(v))
		return bad(l, v, "a logsource entry must be a map");
	e->name = name;
	if ((rc = opt_str(l, v, "product", &e->product)) != FL_OK ||
	    (rc = opt_str(l, v, "category", &e->category)) != FL_OK ||
	    (rc = opt_str(l, v, "service", &e->service)) != FL_OK)
		return rc;
	if ((x = fy_node_mapping_lookup_by_string(v, "rewrite", FY_NT))) {
		if (!fy_node_is_mapping(x))
			return bad(l, x, "rewrite must be a map");
		if ((rc = opt_str(l, x, "product", &e->rw_product)) != FL_OK ||
		    (rc = opt_str(l, x, "service", &e->rw_service)) != FL_OK)
			return rc;
	}
	if ((x = fy_node_mapping_lookup_by_string(v, "conditions", FY_NT))) {
		if (!fy_node_is_mapping(x))
			return bad(l, x, "conditions must be a map");
		cnt = (size_t)fy_node_mapping_item_count(x);
		if (cnt > MAP_MAX_ITEMS)
			return bad(l, x, "too many conditions");
		e->cond = fl_sigma_allocv(&l->m->a, cnt ? cnt : 1,
					  sizeof *e->cond);
		if (e->cond == NULL)
			return fl_diag_msg(l->d, FL_E_NOMEM, "out of memory");
		it = NULL;
		i = 0;
		while ((p = fy_node_mapping_iterate(x, &it)) != NULL && i < cnt) {
			struct fl_logsource_cond *c = &e->cond[i];

			if ((c->field = text(l, fy_node_pair_key(p))) == NULL)
				return bad(l, fy_node_pair_key(p),
					   "a condition needs a field name");
			if ((rc = str_list(l, fy_node_pair_value(p), &c->val,
					   &c->nval)) != FL_OK)
				return rc;
			i++;
		}
		e->ncond = i;
	}
	if ((x = fy_node_mapping_lookup_by_string(v, "fieldmappings", FY_NT))) {
		if (!fy_node_is_mapping(x))
			return bad(l, x, "fieldmappings must be a map");
		cnt = (size_t)fy_node_mapping_item_count(x);
		if (cnt > MAP_MAX_ITEMS)
			return bad(l, x, "too many fieldmappings");
		e->map_from = fl_sigma_allocv(&l->m->a, cnt ? cnt : 1,
					      sizeof *e->map_from);
		e->map_to = fl_sigma_allocv(&l->m->a, cnt ? cnt : 1,
					    sizeof *e->map_to);
		if (!e->map_from || !e->map_to)
			return fl_diag_msg(l->d, FL_E_NOMEM, "out of memory");
		it = NULL;
		i = 0;
		while ((p = fy_node_mapping_iterate(x, &it)) != NULL && i < cnt) {
			e->map_from[i] = text(l, fy_node_pair_key(p));
			e->map_to[i] = text(l, fy_node_pair_value(p));
			if (!e->map_from[i] || !e->map_to[i])
				return bad(l, fy_node_pair_value(p),
					   "a field mapping is FIELD: FIELD");
			i++;
		}
		e->nmap = i;
	}
	if ((x = fy_node_mapping_lookup_by_string(v, "sources", FY_NT))) {
		const char **src;
		size_t ns;

		if ((rc = str_list(l, x, &src, &ns)) != FL_OK)
			return rc;
		e->channel = fl_sigma_allocv(&l->m->a, ns ? ns : 1,
					     sizeof *e->channel);
		if (e->channel == NULL)
			return fl_diag_msg(l->d, FL_E_NOMEM, "out of memory");
		for (i = 0; i < ns; i++)
			if (strncmp(src[i], "WinEventLog:", 12) == 0 &&
			    src[i][12] != '\0')
				e->channel[e->nchannel++] = src[i] + 12;
	}
	return FL_OK;
}

/*
 * YAML files are UTF-8 without NUL bytes.  Anything else is refused here,
 * before libfyaml sees it: libfyaml 0.7 can loop for ever on invalid
 * bytes in a directive line.  Returns 0, or -1 with the position in d.
 */
static int
bytes_ok(const char *name, const char *p, size_t n, struct fl_diag *d)
{
	unsigned long line = 1, col = 1;
	size_t i = 0;

	while (i < n) {
		int k;

		if (p[i] == '\0') {
			fl_diag_set(d, FL_E_SYNTAX, name, line, col,
				    "a NUL byte (YAML files are UTF-8 text)");
			return -1;
		}
		if ((unsigned char)p[i] < 0x80) {
			if (p[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
			i++;
			continue;
		}
		if ((k = fl_utf8_seq((const unsigned char *)p + i, n - i)) <= 0) {
			fl_diag_set(d, FL_E_SYNTAX, name, line, col,
				    "invalid UTF-8 (YAML files are UTF-8 text)");
			return -1;
		}
		i += (size_t)k;
		col++;
	}
	return 0;
}

fl_err
fl_logmap_parse(const char *name, const char *buf, size_t len,
		struct fl_logmap **out, struct fl_diag *d)
{
	struct fy_parse_cfg pc;
	struct fy_diag_cfg dc;
	struct fy_diag *dg;
	struct fy_document *doc;
	struct fy_node *root, *ls;
	struct fy_node_pair *p;
	struct fl_logmap *m;
	struct ld l;
	void *it = NULL;
	size_t cnt;
	fl_err rc = FL_OK;

	*out = NULL;
	if (len > MAP_MAX_BYTES)
		return fl_diag_set(d, FL_E_LIMIT, name, 0, 0,
				   "mapping larger than %zu bytes",
				   MAP_MAX_BYTES);
	if (bytes_ok(name, buf, len, d) != 0)
		return FL_E_SYNTAX;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	fl_sigma_arena_init(&m->a, MAP_MAX_BYTES * 4);
	memset(&pc, 0, sizeof pc);
	pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
	/* errors are collected, never printed: the caller says them */
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = quiet;
	dc.colorize = false;
	if ((pc.diag = dg = fy_diag_create(&dc)) == NULL) {
		fl_logmap_free(m);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	fy_diag_set_collect_errors(dg, true);
	doc = fy_document_build_from_string(&pc, buf, len);
	if (doc == NULL) {
		struct fy_diag_error *e;
		void *eit = NULL;
		unsigned long line = 0, col = 0;
		const char *why = "parse error";
		char msg[200];
		size_t i;

		if ((e = fy_diag_errors_iterate(dg, &eit)) != NULL) {
			line = e->line > 0 ? (unsigned long)e->line : 1;
			col = e->column > 0 ? (unsigned long)e->column : 1;
			if (e->msg)
				why = e->msg;
		}
		snprintf(msg, sizeof msg, "%s", why);
		for (i = 0; msg[i]; i++)
			if ((unsigned char)msg[i] < 0x20)
				msg[i] = ' ';
		fy_diag_destroy(dg);
		fl_logmap_free(m);
		return fl_diag_set(d, FL_E_SYNTAX, name, line, col,
				   "invalid YAML: %s", msg);
	}
	l.m = m;
	l.file = name;
	l.d = d;
	root = fy_document_root(doc);
	if (root == NULL || !fy_node_is_mapping(root) ||
	    (ls = fy_node_mapping_lookup_by_string(root, "logsources",
						   FY_NT)) == NULL ||
	    !fy_node_is_mapping(ls)) {
		rc = bad(&l, root, "expected a map with a `logsources` map");
		goto out;
	}
	cnt = (size_t)fy_node_mapping_item_count(ls);
	if (cnt > MAP_MAX_ENTRIES) {
		rc = bad(&l, ls, "too many logsource entries");
		goto out;
	}
	if ((m->e = calloc(cnt ? cnt : 1, sizeof *m->e)) == NULL) {
		rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		goto out;
	}
	while ((p = fy_node_mapping_iterate(ls, &it)) != NULL && m->n < cnt) {
		const char *ename = text(&l, fy_node_pair_key(p));

		if (ename == NULL) {
			rc = bad(&l, fy_node_pair_key(p),
				 "an entry needs a name");
			goto out;
		}
		rc = load_entry(&l, ename, fy_node_pair_value(p), &m->e[m->n]);
		if (rc != FL_OK)
			goto out;
		m->n++;
	}
out:
	fy_document_destroy(doc);
	fy_diag_destroy(dg);
	if (rc != FL_OK) {
		fl_logmap_free(m);
		return rc;
	}
	*out = m;
	return FL_OK;
}

fl_err
fl_logmap_default(struct fl_logmap **out, struct fl_diag *d)
{
	const char *t = fl_data_text("logsources.yml");

	if (t == NULL)
		return fl_diag_msg(d, FL_E_INTERNAL, "logsources.yml is not "
				   "embedded in this binary");
	return fl_logmap_parse("data/logsources.yml", t, strlen(t), out, d);
}

fl_err
fl_logmap_load(const char *path, struct fl_logmap **out, struct fl_diag *d)
{
	struct fl_buf b;
	fl_err rc;

	fl_buf_init(&b, MAP_MAX_BYTES);
	if ((rc = fl_buf_read_file(&b, path, d)) == FL_OK)
		rc = fl_logmap_parse(path, b.data ? b.data : "", b.len, out, d);
	fl_buf_release(&b);
	return rc;
}

void
fl_logmap_free(struct fl_logmap *m)
{
	if (m == NULL)
		return;
	fl_sigma_arena_release(&m->a);
	free(m->e);
	free(m);
}

size_t
fl_logmap_entries(const struct fl_logmap *m)
{
	return m->n;
}

/* Sigma compares logsource values case-insensitively; NULL is "any". */
static int
same(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

static int
product_fits(const struct entry *e, const struct fl_sigma_logsource *ls)
{
	return e->product == NULL || ls->product == NULL ||
	       same(e->product, ls->product);
}

/* The channels and conditions of the service entries named svc. */
static void
service_of(const struct fl_logmap *m, const char *product, const char *svc,
	   struct fl_logsource_alt *a, const struct entry **first)
{
	size_t i;

	*first = NULL;
	for (i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i];

		if (e->category || !same(e->service, svc))
			continue;
		if (e->product && product && !same(e->product, product))
			continue;
		if (*first == NULL)
			*first = e;
		if (e->nchannel && a->channel == NULL) {
			a->channel = e->channel;
			a->nchannel = e->nchannel;
		}
		if (e->ncond && a->cond == NULL) {
			a->cond = e->cond;
			a->ncond = e->ncond;
		}
		if (e->nmap && a->map_from == NULL) {
			a->map_from = e->map_from;
			a->map_to = e->map_to;
			a->nmap = e->nmap;
		}
	}
}

/* Whether mapping entry e serves the logsource of a rule with a
 * category: the category and product, and a service the rule names. */
static int
entry_fits(const struct entry *e, const struct fl_sigma_logsource *ls)
{
	const char *svc;

	if (!same(e->category, ls->category) || !product_fits(e, ls))
		return 0;
	svc = e->rw_service ? e->rw_service : e->service;
	/* A rule naming a service as well keeps to it. */
	return !(ls->service && svc && !same(svc, ls->service));
}

fl_err
fl_logmap_resolve(const struct fl_logmap *m,
		  const struct fl_sigma_logsource *ls,
		  struct fl_logsource_alt **alts, size_t *nalt, int *known)
{
	struct fl_logsource_alt *v;
	const struct entry *se;
	size_t i, n = 0;

	*alts = NULL;
	*nalt = 0;
	*known = 0;
	/* sized to the entries that fit: one per mapping entry was 8 KiB of
	   zeroed memory per rule, 19 MB for SigmaHQ's Windows rules */
	for (i = 0; m && ls->category && i < m->n; i++)
		if (entry_fits(&m->e[i], ls))
			n++;
	if ((v = calloc(n + 1, sizeof *v)) == NULL)
		return FL_E_NOMEM;
	n = 0;
	for (i = 0; m && ls->category && i < m->n; i++) {
		const struct entry *e = &m->e[i];
		const char *svc;

		if (!entry_fits(e, ls))
			continue;
		svc = e->rw_service ? e->rw_service : e->service;
		v[n].name = e->name;
		v[n].product = e->product;
		v[n].cond = e->cond;
		v[n].ncond = e->ncond;
		v[n].map_from = e->map_from;
		v[n].map_to = e->map_to;
		v[n].nmap = e->nmap;
		v[n].channel = e->channel;
		v[n].nchannel = e->nchannel;
		if (svc && v[n].nchannel == 0) {
			struct fl_logsource_alt s = {0};

			service_of(m, ls->product, svc, &s, &se);
			v[n].channel = s.channel;
			v[n].nchannel = s.nchannel;
		}
		n++;
	}
	if (n == 0 && m && ls->service) {
		service_of(m, ls->product, ls->service, &v[0], &se);
		if (se) {
			v[0].name = se->name;
			v[0].product = se->product;
			n = 1;
		}
	}
	if (n == 0) {
		v[0].name = "";
		n = 1;
	} else {
		*known = 1;
	}
	*alts = v;
	*nalt = n;
	return FL_OK;
}

/* ---- field mappings (ECS, Winlogbeat) --------------------------------------- */

fl_err
fl_fieldmap_load(const char *path, struct fl_keys *keys, size_t *nmapped,
		 struct fl_diag *d)
{
	struct fl_logmap *m;
	struct fl_buf b;
	struct fy_parse_cfg pc;
	struct fy_document *doc = NULL;
	struct fy_node *root, *fm;
	struct fy_node_pair *p;
	struct ld l;
	void *it = NULL;
	fl_err rc;

	*nmapped = 0;
	fl_buf_init(&b, MAP_MAX_BYTES);
	if ((rc = fl_buf_read_file(&b, path, d)) != FL_OK) {
		fl_buf_release(&b);
		return rc;
	}
	if (bytes_ok(path, b.data ? b.data : "", b.len, d) != 0) {
		fl_buf_release(&b);
		return FL_E_SYNTAX;
	}
	/* an empty mapping lends its arena to the names read */
	if ((rc = fl_logmap_parse(path, "logsources: {}", 14, &m, d)) != FL_OK) {
		fl_buf_release(&b);
		return rc;
	}
	memset(&pc, 0, sizeof pc);
	pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
	l.m = m;
	l.file = path;
	l.d = d;
	{
		struct fy_diag_cfg dc;
		struct fy_diag *dg;

		fy_diag_cfg_default(&dc);
		dc.fp = NULL;
		dc.output_fn = quiet;
		dc.colorize = false;
		if ((pc.diag = dg = fy_diag_create(&dc)) == NULL) {
			rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
			goto out;
		}
		fy_diag_set_collect_errors(dg, true);
		doc = fy_document_build_from_string(&pc, b.data ? b.data : "",
						    b.len);
		if (doc == NULL) {
			struct fy_diag_error *e;
			void *eit = NULL;

			if ((e = fy_diag_errors_iterate(dg, &eit)) != NULL)
				rc = fl_diag_set(d, FL_E_SYNTAX, path,
						 e->line > 0 ? (unsigned long)e->line : 1,
						 e->column > 0 ? (unsigned long)e->column : 1,
						 "invalid YAML: %.200s",
						 e->msg ? e->msg : "parse error");
			else
				rc = fl_diag_set(d, FL_E_SYNTAX, path, 1, 1,
						 "invalid YAML");
			fy_diag_destroy(dg);
			goto out;
		}
		fy_diag_destroy(dg);
	}
	root = fy_document_root(doc);
	if (root == NULL || !fy_node_is_mapping(root) ||
	    (fm = fy_node_mapping_lookup_by_string(root, "fieldmappings",
						   FY_NT)) == NULL ||
	    !fy_node_is_mapping(fm)) {
		rc = bad(&l, root, "expected a map with a `fieldmappings` map");
		goto out;
	}
	while ((p = fy_node_mapping_iterate(fm, &it)) != NULL) {
		const char *sigma = text(&l, fy_node_pair_key(p));
		const char **ev;
		size_t nev, i;
		unsigned key;

		if (sigma == NULL || *sigma == '\0') {
			rc = bad(&l, fy_node_pair_key(p), "a mapping needs a "
				 "Sigma field name");
			goto out;
		}
		if ((rc = str_list(&l, fy_node_pair_value(p), &ev, &nev)) !=
		    FL_OK)
			goto out;
		if ((rc = fl_keys_add(keys, sigma, strlen(sigma), &key)) !=
		    FL_OK) {
			rc = fl_diag_msg(d, rc, "out of memory");
			goto out;
		}
		for (i = 0; i < nev; i++) {
			if (ev[i] == NULL || *ev[i] == '\0' ||
			    fl_keys_alias(keys, ev[i], strlen(ev[i]), key) !=
				FL_OK) {
				rc = bad(&l, fy_node_pair_value(p),
					 "an event field is mapped to two "
					 "Sigma fields, or is empty");
				goto out;
			}
			(*nmapped)++;
		}
	}
out:
	if (doc)
		fy_document_destroy(doc);
	fl_logmap_free(m);
	fl_buf_release(&b);
	return rc;
}
