/*
 * The small pieces several scanner readers need alike: looking into the
 * first bytes of a report (a bounded search, the XML root element), trimmed
 * copies of short texts, the set of hosts already reported to the sink,
 * and loading a whole JSON report with jansson so that a syntax error is
 * one FILE:LINE:COL message.  Each was written out in several readers
 * before; one copy here keeps their behaviour the same everywhere.
 *
 * Nothing here decides what a report means: a reader still chooses which
 * fields to read and how they map to a finding.  Every input is a
 * (pointer, length) pair or a string the reader already owns; nothing here
 * prints, and the JSON loader refuses what jansson refuses.
 */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "scan.h"

int
fl_scan_blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

void
fl_scan_copy(char *dst, size_t dstsz, const char *s, size_t n)
{
	n = fl_scan_trim(&s, n);
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

fl_err
fl_scan_keep(char **slot, const char *s, size_t n)
{
	char *c;

	if (s == NULL)
		return FL_OK;
	n = fl_scan_trim(&s, n);
	if ((c = fl_strndup(s, n)) == NULL)
		return FL_E_NOMEM;
	free(*slot);
	*slot = c;
	return FL_OK;
}

void
fl_scan_clear(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

unsigned
fl_scan_port(const char *s, size_t n)
{
	char tmp[8];
	long v;

	n = fl_scan_trim(&s, n);
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (fl_parse_long(tmp, 1, 65535, &v) != 0)
		return 0;
	return (unsigned)v;
}

int
fl_scan_sev_word(const char *s)
{
	static const char *const w[] = {
		"info", "low", "medium", "high", "critical"
	};
	int i;

	if (s != NULL)
		for (i = 0; i < 5; i++)
			if (strcasecmp(s, w[i]) == 0)
				return i;
	return -1;
}

const char *
fl_scan_find(const char *s, size_t n, const char *w)
{
	return memmem(s, n, w, strlen(w));
}

int
fl_scan_has(const char *s, size_t n, const char *w)
{
	return fl_scan_find(s, n, w) != NULL;
}

size_t
fl_scan_skip_blank(const char *head, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && isspace((unsigned char)head[i]))
		i++;
	return i;
}

size_t
fl_scan_xml_root(const char *h, size_t n, char *name, size_t namesz)
{
	size_t i = fl_scan_skip_blank(h, n), k = 0;

	for (;;) {
		while (i < n && isspace((unsigned char)h[i]))
			i++;
		if (i + 1 >= n || h[i] != '<')
			return 0;
		if (h[i + 1] == '?') {
			for (i += 2; i + 1 < n && !(h[i] == '?' && h[i + 1] == '>'); i++)
				;
			i += 2;
		} else if (i + 3 < n && memcmp(h + i, "<!--", 4) == 0) {
			for (i += 4; i + 2 < n && memcmp(h + i, "-->", 3) != 0; i++)
				;
			i += 3;
		} else if (h[i + 1] == '!') {
			int depth = 0;

			/* a DOCTYPE: the '>' in its internal subset [...] */
			for (i += 2; i < n && (h[i] != '>' || depth > 0); i++) {
				if (h[i] == '[')
					depth++;
				else if (h[i] == ']')
					depth--;
			}
			i++;
		} else
			break;
	}
	for (i++; i < n && k + 1 < namesz &&
	     (isalnum((unsigned char)h[i]) || h[i] == '_' || h[i] == '-' ||
	      h[i] == '.' || h[i] == ':'); i++)
		name[k++] = h[i];
	name[k] = '\0';
	return k;
}

fl_err
fl_scan_set_html(struct fl_finding *f, enum fl_ff k, struct fl_buf *tmp,
		 const char *s, size_t n)
{
	fl_err rc;

	fl_buf_reset(tmp);
	if ((rc = fl_scan_html_text(tmp, s, n)) != FL_OK)
		return rc;
	if (tmp->len == 0)
		return FL_OK;
	return fl_finding_set(f, k, tmp->data, tmp->len);
}

fl_err
fl_scan_loc_names(struct fl_scan_loc *l, const char *ip, const char *fqdn)
{
	if ((l->ip = fl_strdup(ip)) == NULL ||
	    (l->fqdn = fl_strdup(fqdn)) == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

fl_err
fl_scan_host_seen(const struct fl_scan_sink *sink, const char *host,
		  const char *ip, const char *fqdn)
{
	struct fl_scan_host h;

	if (sink->host == NULL)
		return FL_OK;
	memset(&h, 0, sizeof(h));
	h.host = host;
	h.ip = ip;
	h.fqdn = fqdn;
	h.authenticated = -1;
	return sink->host(sink->ctx, &h);
}

fl_err
fl_scan_meta_once(const struct fl_scan_sink *sink, int *sent,
		  const char *scanner, const char *name, const char *started)
{
	struct fl_scan_meta m;

	if (*sent || sink->meta == NULL)
		return FL_OK;
	*sent = 1;
	memset(&m, 0, sizeof(m));
	m.scanner = scanner;
	m.name = fl_scan_blank(name) ? NULL : name;
	m.started = fl_scan_blank(started) ? NULL : started;
	return sink->meta(sink->ctx, &m);
}

uint64_t
fl_scan_hash(const char *s, size_t n)
{
	return fl_hash64(s, n);
}

/* ---- a set of strings --------------------------------------------------- */

void
fl_strset_free(struct fl_strset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

static fl_err
strset_rehash(struct fl_strset *set)
{
	size_t ns = set->nslot ? set->nslot * 2 : 64, i, h;
	size_t *s = calloc(ns, sizeof(*s));

	if (s == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < set->n; i++) {
		const char *k = set->v[i];

		h = (size_t)(fl_scan_hash(k, strlen(k)) & (ns - 1));
		while (s[h] != 0)
			h = (h + 1) & (ns - 1);
		s[h] = i + 1;
	}
	free(set->slot);
	set->slot = s;
	set->nslot = ns;
	return FL_OK;
}

fl_err
fl_strset_add(struct fl_strset *set, const char *s, size_t max, size_t *pos,
	      int *added)
{
	size_t h, len = strlen(s);
	fl_err rc;

	*added = 0;
	if (set->nslot == 0 || (set->n + 1) * 2 > set->nslot)
		if ((rc = strset_rehash(set)) != FL_OK)
			return rc;
	h = (size_t)(fl_scan_hash(s, len) & (set->nslot - 1));
	while (set->slot[h] != 0) {
		if (strcmp(set->v[set->slot[h] - 1], s) == 0) {
			if (pos != NULL)
				*pos = set->slot[h] - 1;
			return FL_OK;
		}
		h = (h + 1) & (set->nslot - 1);
	}
	if (set->n >= max)
		return FL_E_LIMIT;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		char **v = reallocarray(set->v, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		set->v = v;
		set->cap = cap;
	}
	if ((set->v[set->n] = fl_strndup(s, len)) == NULL)
		return FL_E_NOMEM;
	if (pos != NULL)
		*pos = set->n;
	set->slot[h] = ++set->n;
	*added = 1;
	return FL_OK;
}

/* ---- JSON reports ------------------------------------------------------ */

fl_err
fl_scan_json_load(struct fl_scan_src *src, size_t flags, json_t **root,
		  struct fl_diag *d)
{
	json_error_t err;
	char *buf = NULL;
	size_t len = 0;
	fl_err rc;

	*root = NULL;
	if ((rc = fl_scan_src_slurp(src, &buf, &len, d)) != FL_OK)
		return rc;
	*root = json_loadb(buf, len, flags, &err);
	free(buf);
	if (*root == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, src->path,
				   err.line > 0 ? (unsigned long)err.line : 1,
				   err.column > 0 ? (unsigned long)err.column : 1,
				   "%s", err.text);
	return FL_OK;
}

const char *
fl_scan_json_str(json_t *o, const char *key, size_t *n)
{
	json_t *v = json_object_get(o, key);

	if (n != NULL)
		*n = 0;
	if (!json_is_string(v))
		return NULL;
	if (n != NULL)
		*n = json_string_length(v);
	return json_string_value(v);
}

double
fl_scan_json_score(json_t *v)
{
	double x;

	if (json_is_number(v)) {
		x = json_number_value(v);
		return x >= 0 ? x : -1;
	}
	if (json_is_string(v))
		return fl_scan_score(json_string_value(v), json_string_length(v));
	return -1;
}

fl_err
fl_scan_put(struct fl_buf *b, const char *s, size_t n)
{
	const char *z;
	fl_err rc;

	while (n > 0 && (z = memchr(s, '\0', n)) != NULL) {
		if ((rc = fl_buf_append(b, s, (size_t)(z - s))) != FL_OK)
			return rc;
		n -= (size_t)(z - s) + 1;
		s = z + 1;
	}
	return fl_buf_append(b, s, n);
}

fl_err
fl_scan_text_fail(struct fl_diag *d, const char *path, fl_err rc, size_t max)
{
	if (rc == FL_E_LIMIT)
		return fl_diag_set(d, rc, path, 0, 0,
				   "a finding's text is longer than %zu bytes",
				   max);
	if (rc == FL_E_NOMEM)
		return fl_diag_set(d, rc, path, 0, 0, "out of memory");
	return rc;
}
