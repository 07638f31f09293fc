/*
 * The finding model every scanner reader fills, its JSON form, and the
 * DefectDojo-style grouping that `vuln parse` shows.  Strings are owned by
 * the finding and bounded; a reader resets and refills one finding per
 * report item, so memory stays flat however long the report is.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "scan.h"

#define FL_FIELD_MAX ((size_t)16 << 20)
#define FL_LIST_MAX 100000
#define FL_LOCS_MAX 1000000

static const char *const sev_names[] = {
	"Info", "Low", "Medium", "High", "Critical"
};

const char *
fl_sev_name(int sev)
{
	if (sev < FL_SEV_INFO || sev > FL_SEV_CRITICAL)
		return "Info";
	return sev_names[sev];
}

static int
word_eq(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i] != '\0'; i++)
		if (tolower((unsigned char)s[i]) != w[i])
			return 0;
	return i == n && w[i] == '\0';
}

int
fl_sev_parse(const char *s, size_t n)
{
	static const struct {
		const char *w;
		int sev;
	} words[] = {
		{ "critical", FL_SEV_CRITICAL }, { "urgent", FL_SEV_CRITICAL },
		{ "high", FL_SEV_HIGH }, { "error", FL_SEV_HIGH },
		{ "medium", FL_SEV_MEDIUM }, { "moderate", FL_SEV_MEDIUM },
		{ "warning", FL_SEV_MEDIUM },
		{ "low", FL_SEV_LOW }, { "note", FL_SEV_LOW },
		{ "info", FL_SEV_INFO }, { "informational", FL_SEV_INFO },
		{ "information", FL_SEV_INFO }, { "none", FL_SEV_INFO },
		{ "negligible", FL_SEV_INFO }, { "log", FL_SEV_INFO },
		{ "unknown", FL_SEV_INFO },
	};
	size_t i;

	n = fl_scan_trim(&s, n);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (word_eq(s, n, words[i].w))
			return words[i].sev;
	return -1;
}

int
fl_sev_from_cvss(double score)
{
	if (score >= 9.0)
		return FL_SEV_CRITICAL;
	if (score >= 7.0)
		return FL_SEV_HIGH;
	if (score >= 4.0)
		return FL_SEV_MEDIUM;
	if (score > 0.0)
		return FL_SEV_LOW;
	return FL_SEV_INFO;
}

size_t
fl_scan_trim(const char **s, size_t n)
{
	const char *p = *s;

	while (n > 0 && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	*s = p;
	return n;
}

double
fl_scan_score(const char *s, size_t n)
{
	char tmp[32];
	char *end;
	double v;

	n = fl_scan_trim(&s, n);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	if (*end != '\0' || !isfinite(v) || v < 0)
		return -1;
	return v;
}

void
fl_finding_init(struct fl_finding *f)
{
	memset(f, 0, sizeof(*f));
	f->cvssv3_score = f->cvssv4_score = -1;
	f->epss_score = f->epss_percentile = -1;
	f->fix_available = -1;
	f->nb_occurences = 1;
}

void
fl_strlist_free(struct fl_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

static uint64_t
ci_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

/* (Re)build the index of a list so add_unique stays linear overall. */
static fl_err
strlist_index(struct fl_strlist *l)
{
	size_t ns = 64, i, k;
	size_t *idx;

	while (ns < l->n * 2 + 2)
		ns *= 2;
	if ((idx = calloc(ns, sizeof(*idx))) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < l->n; i++) {
		for (k = (size_t)ci_hash(l->v[i], strlen(l->v[i])) & (ns - 1);
		     idx[k] != 0; k = (k + 1) & (ns - 1))
			;
		idx[k] = i + 1;
	}
	free(l->idx);
	l->idx = idx;
	l->nidx = ns;
	return FL_OK;
}

static void
loc_free(struct fl_scan_loc *l)
{
	free(l->host);
	free(l->ip);
	free(l->fqdn);
	free(l->protocol);
	free(l->path);
	free(l->query);
}

void
fl_finding_reset(struct fl_finding *f)
{
	size_t i;

	for (i = 0; i < FL_FF__N; i++)
		free(f->text[i]);
	fl_strlist_free(&f->cwes);
	fl_strlist_free(&f->vuln_ids);
	for (i = 0; i < f->nlocs; i++)
		loc_free(&f->locs[i]);
	free(f->locs);
	fl_finding_init(f);
}

fl_err
fl_finding_set(struct fl_finding *f, enum fl_ff k, const char *s, size_t n)
{
	char *c;

	if ((unsigned)k >= FL_FF__N)
		return FL_E_INVAL;
	if (n > FL_FIELD_MAX)
		return FL_E_LIMIT;
	if ((c = fl_strndup(s, n)) == NULL)
		return FL_E_NOMEM;
	free(f->text[k]);
	f->text[k] = c;
	return FL_OK;
}

fl_err
fl_finding_setz(struct fl_finding *f, enum fl_ff k, const char *s)
{
	if (s == NULL) {
		if ((unsigned)k < FL_FF__N) {
			free(f->text[k]);
			f->text[k] = NULL;
		}
		return FL_OK;
	}
	return fl_finding_set(f, k, s, strlen(s));
}

fl_err
fl_finding_append(struct fl_finding *f, enum fl_ff k, const char *sep,
		  const char *s, size_t n)
{
	size_t old, seplen, total;
	char *c;

	if ((unsigned)k >= FL_FF__N)
		return FL_E_INVAL;
	if (f->text[k] == NULL)
		return fl_finding_set(f, k, s, n);
	old = strlen(f->text[k]);
	seplen = old > 0 && sep != NULL ? strlen(sep) : 0;
	if (fl_size_add(old, seplen, &total) || fl_size_add(total, n, &total) ||
	    total > FL_FIELD_MAX)
		return FL_E_LIMIT;
	if ((c = realloc(f->text[k], total + 1)) == NULL)
		return FL_E_NOMEM;
	if (seplen > 0)
		memcpy(c + old, sep, seplen);
	memcpy(c + old + seplen, s, n);
	c[total] = '\0';
	f->text[k] = c;
	return FL_OK;
}

static fl_err
strlist_push(struct fl_strlist *l, const char *s, size_t n)
{
	char *c;

	if (l->n >= FL_LIST_MAX)
		return FL_E_LIMIT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		char **v = reallocarray(l->v, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	if ((c = fl_strndup(s, n)) == NULL)
		return FL_E_NOMEM;
	l->v[l->n++] = c;
	return FL_OK;
}

fl_err
fl_strlist_add(struct fl_strlist *l, const char *s, size_t n)
{
	/* the index, if any, is rebuilt by the next add_unique */
	free(l->idx);
	l->idx = NULL;
	l->nidx = 0;
	return strlist_push(l, s, n);
}

fl_err
fl_strlist_add_unique(struct fl_strlist *l, const char *s, size_t n)
{
	size_t i, k;
	fl_err rc;

	if (l->n < 16) {
		for (i = 0; i < l->n; i++)
			if (strlen(l->v[i]) == n && strncasecmp(l->v[i], s, n) == 0)
				return FL_OK;
		return strlist_push(l, s, n);
	}
	if ((l->idx == NULL || (l->n + 1) * 2 > l->nidx) &&
	    (rc = strlist_index(l)) != FL_OK)
		return rc;
	for (k = (size_t)ci_hash(s, n) & (l->nidx - 1); l->idx[k] != 0;
	     k = (k + 1) & (l->nidx - 1)) {
		const char *v = l->v[l->idx[k] - 1];

		if (strlen(v) == n && strncasecmp(v, s, n) == 0)
			return FL_OK;
	}
	if ((rc = strlist_push(l, s, n)) != FL_OK)
		return rc;
	l->idx[k] = l->n;
	return FL_OK;
}

static fl_err
dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL || *s == '\0')
		return FL_OK;
	if ((*dst = fl_strdup(s)) == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

static fl_err
grow_locs(struct fl_finding *f)
{
	struct fl_scan_loc *v;
	size_t cap;

	if (f->nlocs < f->locs_cap)
		return FL_OK;
	if (f->nlocs >= FL_LOCS_MAX)
		return FL_E_LIMIT;
	cap = f->locs_cap ? f->locs_cap * 2 : 2;
	if ((v = reallocarray(f->locs, cap, sizeof(*v))) == NULL)
		return FL_E_NOMEM;
	f->locs = v;
	f->locs_cap = cap;
	return FL_OK;
}

void
fl_finding_pop_loc(struct fl_finding *f)
{
	if (f->nlocs == 0)
		return;
	f->nlocs--;
	loc_free(&f->locs[f->nlocs]);
	memset(&f->locs[f->nlocs], 0, sizeof(f->locs[0]));
}

fl_err
fl_finding_add_loc(struct fl_finding *f, const char *host, unsigned port,
		   const char *protocol, const char *path)
{
	struct fl_scan_loc *l;
	fl_err rc;

	if ((rc = grow_locs(f)) != FL_OK)
		return rc;
	l = &f->locs[f->nlocs];
	memset(l, 0, sizeof(*l));
	l->port = port;
	if ((rc = dup_opt(&l->host, host)) != FL_OK ||
	    (rc = dup_opt(&l->protocol, protocol)) != FL_OK ||
	    (rc = dup_opt(&l->path, path)) != FL_OK) {
		loc_free(l);
		return rc;
	}
	f->nlocs++;
	return FL_OK;
}

/*
 * scheme://[user@]host[:port][/path][?query][#frag].  IPv6 literals in
 * brackets keep their brackets off.  A string without "://" is taken as a
 * bare host.
 */
fl_err
fl_finding_add_url(struct fl_finding *f, const char *url, size_t n)
{
	const char *p = url, *e, *hs, *he, *scheme = NULL;
	char sch[16] = "", host[512], pathbuf[4096], query[4096];
	size_t sl = 0, hl;
	unsigned port = 0;
	struct fl_scan_loc *l;
	fl_err rc;

	n = fl_scan_trim(&p, n);
	e = p + n;
	for (hs = p; hs + 2 < e; hs++)
		if (hs[0] == ':' && hs[1] == '/' && hs[2] == '/')
			break;
	if (hs + 2 < e) {
		sl = (size_t)(hs - p);
		if (sl < sizeof(sch)) {
			size_t i;

			for (i = 0; i < sl; i++)
				sch[i] = (char)tolower((unsigned char)p[i]);
			sch[sl] = '\0';
			scheme = sch;
		}
		hs += 3;
	} else
		hs = p;
	/* authority ends at / ? # */
	for (he = hs; he < e && *he != '/' && *he != '?' && *he != '#'; he++)
		;
	{
		const char *at = NULL, *q;

		for (q = hs; q < he; q++)
			if (*q == '@')
				at = q;
		if (at != NULL)
			hs = at + 1;
	}
	{
		const char *hend = he, *colon = NULL, *q;

		if (hs < he && *hs == '[') {
			for (q = hs; q < he && *q != ']'; q++)
				;
			if (q < he && q + 1 < he && q[1] == ':')
				colon = q + 1;
			hend = q < he ? q : he;
			hs++;
		} else {
			for (q = hs; q < he; q++)
				if (*q == ':')
					colon = q;
			if (colon != NULL)
				hend = colon;
		}
		if (colon != NULL) {
			long v;
			char pb[8];
			size_t pl = (size_t)(he - colon - 1);

			if (pl > 0 && pl < sizeof(pb)) {
				memcpy(pb, colon + 1, pl);
				pb[pl] = '\0';
				if (fl_parse_long(pb, 0, 65535, &v) == 0)
					port = (unsigned)v;
			}
		}
		hl = (size_t)(hend - hs);
		if (hl >= sizeof(host))
			hl = sizeof(host) - 1;
		memcpy(host, hs, hl);
		host[hl] = '\0';
	}
	pathbuf[0] = query[0] = '\0';
	if (he < e && *he == '/') {
		const char *q = he;
		size_t pl;

		while (q < e && *q != '?' && *q != '#')
			q++;
		pl = (size_t)(q - he);
		if (pl >= sizeof(pathbuf))
			pl = sizeof(pathbuf) - 1;
		memcpy(pathbuf, he, pl);
		pathbuf[pl] = '\0';
		he = q;
	}
	if (he < e && *he == '?') {
		const char *q = he + 1;
		size_t ql;

		while (q < e && *q != '#')
			q++;
		ql = (size_t)(q - he - 1);
		if (ql >= sizeof(query))
			ql = sizeof(query) - 1;
		memcpy(query, he + 1, ql);
		query[ql] = '\0';
	}
	if (port == 0 && scheme != NULL) {
		if (strcmp(scheme, "https") == 0)
			port = 443;
		else if (strcmp(scheme, "http") == 0)
			port = 80;
	}
	if ((rc = fl_finding_add_loc(f, host, port, scheme,
				     pathbuf[0] ? pathbuf : NULL)) != FL_OK)
		return rc;
	l = &f->locs[f->nlocs - 1];
	if (query[0] != '\0' && (l->query = fl_strdup(query)) == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

static fl_err
loc_copy(struct fl_scan_loc *d, const struct fl_scan_loc *s)
{
	fl_err rc;

	memset(d, 0, sizeof(*d));
	d->port = s->port;
	if ((rc = dup_opt(&d->host, s->host)) != FL_OK ||
	    (rc = dup_opt(&d->ip, s->ip)) != FL_OK ||
	    (rc = dup_opt(&d->fqdn, s->fqdn)) != FL_OK ||
	    (rc = dup_opt(&d->protocol, s->protocol)) != FL_OK ||
	    (rc = dup_opt(&d->path, s->path)) != FL_OK ||
	    (rc = dup_opt(&d->query, s->query)) != FL_OK) {
		loc_free(d);
		return rc;
	}
	return FL_OK;
}

static fl_err
list_copy(struct fl_strlist *d, const struct fl_strlist *s)
{
	size_t i;
	fl_err rc;

	for (i = 0; i < s->n; i++)
		if ((rc = fl_strlist_add(d, s->v[i], strlen(s->v[i]))) != FL_OK)
			return rc;
	return FL_OK;
}

fl_err
fl_finding_copy(struct fl_finding *dst, const struct fl_finding *src)
{
	size_t i;
	fl_err rc;

	fl_finding_init(dst);
	for (i = 0; i < FL_FF__N; i++)
		if (src->text[i] != NULL &&
		    (dst->text[i] = fl_strdup(src->text[i])) == NULL)
			goto nomem;
	dst->severity = src->severity;
	dst->cwe = src->cwe;
	dst->cvssv3_score = src->cvssv3_score;
	dst->cvssv4_score = src->cvssv4_score;
	dst->epss_score = src->epss_score;
	dst->epss_percentile = src->epss_percentile;
	dst->line = src->line;
	dst->fix_available = src->fix_available;
	dst->status = src->status;
	dst->authenticated = src->authenticated;
	dst->nb_occurences = src->nb_occurences;
	dst->src_line = src->src_line;
	if ((rc = list_copy(&dst->cwes, &src->cwes)) != FL_OK ||
	    (rc = list_copy(&dst->vuln_ids, &src->vuln_ids)) != FL_OK)
		goto fail;
	for (i = 0; i < src->nlocs; i++) {
		if ((rc = grow_locs(dst)) != FL_OK)
			goto fail;
		if ((rc = loc_copy(&dst->locs[dst->nlocs], &src->locs[i])) != FL_OK)
			goto fail;
		dst->nlocs++;
	}
	return FL_OK;
nomem:
	rc = FL_E_NOMEM;
fail:
	fl_finding_reset(dst);
	return rc;
}

/* CVE-YYYY-N{4,}: the year is four digits, the number at least four. */
fl_err
fl_scan_find_cves(struct fl_finding *f, const char *s, size_t n)
{
	size_t i, j;
	fl_err rc;

	for (i = 0; i + 13 <= n; i++) {
		if ((s[i] != 'C' && s[i] != 'c') || strncasecmp(s + i, "CVE-", 4) != 0)
			continue;
		if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-'))
			continue;
		for (j = i + 4; j < i + 8; j++)
			if (!isdigit((unsigned char)s[j]))
				break;
		if (j != i + 8 || s[j] != '-')
			continue;
		j++;
		while (j < n && isdigit((unsigned char)s[j]) && j - i < 24)
			j++;
		if (j - (i + 9) < 4)
			continue;
		{
			char id[32];
			size_t k, len = j - i;

			for (k = 0; k < len; k++)
				id[k] = (char)toupper((unsigned char)s[i + k]);
			if ((rc = fl_strlist_add_unique(&f->vuln_ids, id, len)) != FL_OK)
				return rc;
		}
		i = j - 1;
	}
	return FL_OK;
}

static void
json_text(struct fl_json *j, const char *key, const char *v)
{
	fl_json_key(j, key);
	if (v == NULL)
		fl_json_null(j);
	else
		fl_json_str(j, v);
}

static void
json_score(struct fl_json *j, const char *key, double v)
{
	fl_json_key(j, key);
	if (v < 0)
		fl_json_null(j);
	else
		fl_json_num(j, v);
}

static void
json_list(struct fl_json *j, const char *key, const struct fl_strlist *l)
{
	size_t i;

	fl_json_key(j, key);
	fl_json_arr_open(j);
	for (i = 0; i < l->n; i++)
		fl_json_str(j, l->v[i]);
	fl_json_arr_close(j);
}

static const char *const status_names[] = {
	"open", "fixed", "false_positive"
};

void
fl_finding_json(const struct fl_finding *f, struct fl_json *j)
{
	static const struct {
		const char *key;
		enum fl_ff k;
	} texts[] = {
		{ "cvssv3", FL_FF_CVSSV3 },
		{ "cvssv4", FL_FF_CVSSV4 },
		{ "vuln_id_from_tool", FL_FF_VULN_ID_FROM_TOOL },
		{ "unique_id_from_tool", FL_FF_UNIQUE_ID_FROM_TOOL },
		{ "component_name", FL_FF_COMPONENT_NAME },
		{ "component_version", FL_FF_COMPONENT_VERSION },
		{ "file_path", FL_FF_FILE_PATH },
		{ "fix_version", FL_FF_FIX_VERSION },
		{ "mitigation", FL_FF_MITIGATION },
		{ "references", FL_FF_REFERENCES },
		{ "description", FL_FF_DESCRIPTION },
		{ "impact", FL_FF_IMPACT },
		{ "service", FL_FF_SERVICE },
		{ "date", FL_FF_DATE },
		{ "evidence", FL_FF_EVIDENCE },
	};
	size_t i;

	fl_json_obj_open(j);
	json_text(j, "title", f->text[FL_FF_TITLE]);
	fl_json_key(j, "severity");
	fl_json_str(j, fl_sev_name(f->severity));
	fl_json_key(j, "cwe");
	if (f->cwe > 0)
		fl_json_int(j, f->cwe);
	else
		fl_json_null(j);
	json_list(j, "cwes", &f->cwes);
	json_score(j, "cvssv3_score", f->cvssv3_score);
	json_score(j, "cvssv4_score", f->cvssv4_score);
	json_score(j, "epss_score", f->epss_score);
	json_score(j, "epss_percentile", f->epss_percentile);
	json_list(j, "vuln_ids", &f->vuln_ids);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		json_text(j, texts[i].key, f->text[texts[i].k]);
	fl_json_key(j, "line");
	if (f->line > 0)
		fl_json_int(j, f->line);
	else
		fl_json_null(j);
	fl_json_key(j, "fix_available");
	if (f->fix_available < 0)
		fl_json_null(j);
	else
		fl_json_bool(j, f->fix_available);
	fl_json_key(j, "status");
	fl_json_str(j, status_names[f->status >= 0 && f->status <= 2 ? f->status : 0]);
	fl_json_key(j, "authenticated");
	fl_json_bool(j, f->authenticated);
	fl_json_key(j, "nb_occurences");
	fl_json_int(j, (long long)f->nb_occurences);
	fl_json_key(j, "locations");
	fl_json_arr_open(j);
	for (i = 0; i < f->nlocs; i++) {
		const struct fl_scan_loc *l = &f->locs[i];

		fl_json_obj_open(j);
		json_text(j, "host", l->host);
		if (l->ip != NULL)
			json_text(j, "ip", l->ip);
		if (l->fqdn != NULL)
			json_text(j, "fqdn", l->fqdn);
		fl_json_key(j, "port");
		if (l->port > 0)
			fl_json_int(j, l->port);
		else
			fl_json_null(j);
		json_text(j, "protocol", l->protocol);
		json_text(j, "path", l->path);
		if (l->query != NULL)
			json_text(j, "query", l->query);
		fl_json_obj_close(j);
	}
	fl_json_arr_close(j);
	if (f->src_line > 0) {
		fl_json_key(j, "report_line");
		fl_json_int(j, (long long)f->src_line);
	}
	fl_json_obj_close(j);
}

/* ---- grouping ------------------------------------------------------------ */

struct fl_scan_group {
	struct fl_finding *v;
	size_t n, cap;
	/* open-addressed index of group keys -> position in v */
	size_t *slots;
	size_t nslots;
};

struct fl_scan_group *
fl_scan_group_new(void)
{
	return calloc(1, sizeof(struct fl_scan_group));
}

void
fl_scan_group_free(struct fl_scan_group *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		fl_finding_reset(&g->v[i]);
	free(g->v);
	free(g->slots);
	free(g);
}

static int
loc_eq(const struct fl_scan_loc *a, const struct fl_scan_loc *b)
{
#define SEQ(x, y) ((x) == NULL ? (y) == NULL : (y) != NULL && strcmp((x), (y)) == 0)
	return a->port == b->port && SEQ(a->host, b->host) &&
	       SEQ(a->protocol, b->protocol) && SEQ(a->path, b->path) &&
	       SEQ(a->query, b->query);
#undef SEQ
}

static fl_err
rehash(struct fl_scan_group *g)
{
	size_t ns = g->nslots ? g->nslots * 2 : 64, i;
	size_t *s = calloc(ns, sizeof(*s));

	if (s == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < g->n; i++) {
		const char *k = g->v[i].text[FL_FF_GROUP_KEY];
		size_t h;

		if (k == NULL)
			continue;
		h = (size_t)(fl_scan_hash(k, strlen(k)) & (ns - 1));
		while (s[h] != 0)
			h = (h + 1) & (ns - 1);
		s[h] = i + 1;
	}
	free(g->slots);
	g->slots = s;
	g->nslots = ns;
	return FL_OK;
}

static fl_err
merge_into(struct fl_finding *dst, const struct fl_finding *src)
{
	size_t i, k;
	fl_err rc;

	dst->nb_occurences += src->nb_occurences;
	for (i = 0; i < src->nlocs; i++) {
		for (k = 0; k < dst->nlocs; k++)
			if (loc_eq(&dst->locs[k], &src->locs[i]))
				break;
		if (k < dst->nlocs)
			continue;
		if ((rc = grow_locs(dst)) != FL_OK)
			return rc;
		if ((rc = loc_copy(&dst->locs[dst->nlocs], &src->locs[i])) != FL_OK)
			return rc;
		dst->nlocs++;
	}
	for (i = 0; i < src->vuln_ids.n; i++)
		if ((rc = fl_strlist_add_unique(&dst->vuln_ids, src->vuln_ids.v[i],
						strlen(src->vuln_ids.v[i]))) != FL_OK)
			return rc;
	return FL_OK;
}

fl_err
fl_scan_group_add(struct fl_scan_group *g, const struct fl_finding *f)
{
	const char *key = f->text[FL_FF_GROUP_KEY];
	size_t h = 0;
	fl_err rc;

	if (key != NULL) {
		if (g->nslots == 0 || (g->n + 1) * 2 > g->nslots)
			if ((rc = rehash(g)) != FL_OK)
				return rc;
		h = (size_t)(fl_scan_hash(key, strlen(key)) & (g->nslots - 1));
		while (g->slots[h] != 0) {
			struct fl_finding *e = &g->v[g->slots[h] - 1];

			if (strcmp(e->text[FL_FF_GROUP_KEY], key) == 0)
				return merge_into(e, f);
			h = (h + 1) & (g->nslots - 1);
		}
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct fl_finding *v = reallocarray(g->v, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		g->v = v;
		g->cap = cap;
	}
	if ((rc = fl_finding_copy(&g->v[g->n], f)) != FL_OK)
		return rc;
	g->n++;
	if (key != NULL)
		g->slots[h] = g->n;
	return FL_OK;
}

size_t
fl_scan_group_count(const struct fl_scan_group *g)
{
	return g->n;
}

const struct fl_finding *
fl_scan_group_at(const struct fl_scan_group *g, size_t i)
{
	return i < g->n ? &g->v[i] : NULL;
}

/* ---- HTML to text (ZAP and Burp write their prose as HTML) --------------- */

struct html_out {
	struct fl_buf *b;
	int brk;        /* line breaks owed before the next text: 0, 1 or 2 */
	int space;      /* a blank owed before the next text */
	const char *li; /* a list marker owed before the next text */
	fl_err rc;
};

static void
html_put(struct html_out *o, const char *s, size_t n)
{
	if (o->rc != FL_OK || n == 0)
		return;
	if (o->b->len > 0 && o->brk > 0)
		o->rc = fl_buf_append(o->b, "\n\n", (size_t)o->brk);
	else if (o->b->len > 0 && o->space)
		o->rc = fl_buf_putc(o->b, ' ');
	if (o->rc == FL_OK && o->li != NULL)
		o->rc = fl_buf_puts(o->b, o->li);
	o->brk = o->space = 0;
	o->li = NULL;
	if (o->rc == FL_OK)
		o->rc = fl_buf_append(o->b, s, n);
}

static void
html_break(struct html_out *o, int k)
{
	if (k > o->brk)
		o->brk = k;
}

/* Code point to UTF-8; 0 for what must not appear in text. */
static size_t
utf8_put(unsigned long cp, char out[4])
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return fl_utf8_put(cp, out);
}

/* An entity at s[0] == '&': its text into out, the bytes consumed returned
 * (0 when it is not one we know, so the '&' stays as written). */
static size_t
html_entity(const char *s, size_t n, char out[4], size_t *outlen)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {
		{ "lt;", "<" }, { "gt;", ">" }, { "amp;", "&" }, { "quot;", "\"" },
		{ "apos;", "'" }, { "nbsp;", " " },
	};
	size_t i, k;

	if (n >= 4 && s[1] == '#') {
		unsigned long cp = 0;
		int hex = s[2] == 'x' || s[2] == 'X';

		for (i = hex ? 3 : 2; i < n && i < 12 && s[i] != ';'; i++) {
			int c = (unsigned char)s[i], v;

			if (isdigit(c))
				v = c - '0';
			else if (hex && isxdigit(c))
				v = tolower(c) - 'a' + 10;
			else
				return 0;
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
		}
		if (i >= n || s[i] != ';' || i == (hex ? 3u : 2u))
			return 0;
		*outlen = utf8_put(cp, out);
		return i + 1;
	}
	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		size_t l = strlen(named[k].name);

		if (n > l && strncmp(s + 1, named[k].name, l) == 0) {
			*outlen = strlen(named[k].text);
			memcpy(out, named[k].text, *outlen);
			return l + 1;
		}
	}
	return 0;
}

/* The value of attribute name in a tag's bytes, or NULL. */
static const char *
html_attr(const char *t, size_t n, const char *name, size_t *vlen)
{
	size_t l = strlen(name), i;

	for (i = 0; i + l + 1 < n; i++) {
		const char *v, *e;
		char q;

		if (strncasecmp(t + i, name, l) != 0 || t[i + l] != '=' ||
		    (i > 0 && !isspace((unsigned char)t[i - 1])))
			continue;
		v = t + i + l + 1;
		q = *v == '"' || *v == '\'' ? *v++ : 0;
		for (e = v; e < t + n && (q ? *e != q : !isspace((unsigned char)*e) && *e != '>'); e++)
			;
		*vlen = (size_t)(e - v);
		return v;
	}
	return NULL;
}

/* Plain text line by line: each line trimmed (reports indent their text
 * with the XML), runs of blank lines kept as one. */
static fl_err
plain_lines(struct fl_buf *out, const char *s, size_t n)
{
	size_t i = 0, k, blank = 0, start = out->len;
	fl_err rc;

	while (i < n) {
		const char *l = s + i;
		size_t ll;

		for (k = i; k < n && s[k] != '\n'; k++)
			;
		ll = fl_scan_trim(&l, k - i);
		i = k + 1;
		if (ll == 0) {
			blank = 1;
			continue;
		}
		if (out->len > start &&
		    (rc = fl_buf_append(out, "\n\n", blank ? 2 : 1)) != FL_OK)
			return rc;
		if ((rc = fl_buf_append(out, l, ll)) != FL_OK)
			return rc;
		blank = 0;
	}
	return FL_OK;
}

fl_err
fl_scan_html_text(struct fl_buf *out, const char *s, size_t n)
{
	struct html_out o = { out, 0, 0, NULL, FL_OK };
	const char *href = NULL;
	size_t hlen = 0, astart = 0, i, k;

	n = fl_scan_trim(&s, n);
	if (memchr(s, '<', n) == NULL)
		return plain_lines(out, s, n); /* plain text: keep its lines */
	for (i = 0; i < n && o.rc == FL_OK; ) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<' && i + 3 < n && strncmp(s + i, "<!--", 4) == 0) {
			for (k = i + 4; k + 2 < n && strncmp(s + k, "-->", 3) != 0; k++)
				;
			i = k + 3;
			continue;
		}
		if (c == '<' && i + 1 < n &&
		    (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
			const char *t = s + i + 1, *e = memchr(t, '>', n - i - 1);
			char name[12];
			size_t nl = 0, tl;
			int closing = *t == '/';

			if (e == NULL)
				break; /* an unterminated tag ends the text */
			tl = (size_t)(e - t);
			for (k = closing; k < tl && isalnum((unsigned char)t[k]) &&
			     nl + 1 < sizeof(name); k++)
				name[nl++] = (char)tolower((unsigned char)t[k]);
			name[nl] = '\0';
			i = (size_t)(e - s) + 1;
			if (strcmp(name, "br") == 0 || strcmp(name, "tr") == 0 ||
			    strcmp(name, "div") == 0)
				html_break(&o, 1);
			else if (strcmp(name, "li") == 0) {
				html_break(&o, 1);
				if (!closing)
					o.li = "- ";
			} else if (strcmp(name, "p") == 0 || strcmp(name, "ul") == 0 ||
				   strcmp(name, "ol") == 0 || strcmp(name, "table") == 0 ||
				   strcmp(name, "pre") == 0 ||
				   (name[0] == 'h' && name[1] >= '1' && name[1] <= '6'))
				html_break(&o, 2);
			else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
				o.space = 1;
			else if (strcmp(name, "a") == 0 && !closing) {
				href = html_attr(t, tl, "href", &hlen);
				astart = out->len;
			} else if (strcmp(name, "a") == 0 && href != NULL) {
				/* the link target after its text, unless they agree */
				while (astart < out->len &&
				       isspace((unsigned char)out->data[astart]))
					astart++;
				if (hlen > 0 && (out->len - astart != hlen ||
				    memcmp(out->data + astart, href, hlen) != 0)) {
					o.space = 1;
					html_put(&o, "(", 1);
					if (o.rc == FL_OK)
						o.rc = fl_buf_append(out, href, hlen);
					if (o.rc == FL_OK)
						o.rc = fl_buf_putc(out, ')');
				}
				href = NULL;
			}
			continue;
		}
		if (isspace(c)) {
			o.space = 1;
			i++;
			continue;
		}
		if (c == '&') {
			char u[4];
			size_t ul = 0, used = html_entity(s + i, n - i, u, &ul);

			if (used > 0) {
				if (ul == 1 && u[0] == ' ')
					o.space = 1;
				else
					html_put(&o, u, ul);
				i += used;
				continue;
			}
		}
		for (k = i + 1; k < n && s[k] != '<' && s[k] != '&' &&
		     !isspace((unsigned char)s[k]); k++)
			;
		html_put(&o, s + i, k - i);
		i = k;
	}
	return o.rc;
}
