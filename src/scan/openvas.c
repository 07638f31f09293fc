/*
 * OpenVAS / Greenbone reports: the XML report (a GMP export whose
 * <results> hold one <result> per NVT hit, nested in one or two <report>
 * elements, or inside <get_reports_response>) and the CSV export ("IP,
 * Hostname, Port, Port Protocol, CVSS, Severity, ..., NVT Name, ...", with
 * or without the QoD column and the EPSS columns newer Greenbone adds).
 *
 * One raw finding per result or row, located at the host (the address as
 * host, the name as fqdn when both are given) and port, identified by the
 * NVT OID.  The group key is DefectDojo's "OpenVAS Parser v2" merge key,
 * sha256 of location, title, OID and severity, so identical results (the
 * same NVT on the same port twice, e.g. two vulnerable Java runtimes) merge
 * into one finding that counts nb_occurences.  The title is the NVT name,
 * never the name glued to host and port as DefectDojo's v1 parser does.
 * The score is Greenbone's severity (the CVSS it rates the result by), as
 * DefectDojo keeps it.
 *
 * Hosts: an XML report's host summaries say which hosts were scanned and
 * whether a login succeeded (host details "Auth-SSH-Success" and the
 * like); a host that has results but no summary is reported at the end
 * with authentication unknown.  A result counts as authenticated when its
 * quality-of-detection type is a local check (package, registry,
 * executable version), which needs a login.
 *
 * It refuses nothing a real report holds; it does not read the report's
 * notes, overrides or delta sections (a <result> is an item only directly
 * under <results>).
 */
#include <ctype.h>
#include <string.h>

#include "../ingest/ingest.h"
#include "scan.h"

#define OV_MAX_HOSTS 1000000

/* ---- shared between the XML and CSV readers ----------------------------- */

/* A trimmed copy of (s, n); NULL only when out of memory. */
static char *
dup_trim(const char *s, size_t n)
{
	n = fl_scan_trim(&s, n);
	return fl_strndup(s, n);
}

/*
 * Hosts seen in results, so each is reported to sink->host exactly once:
 * keys are the addresses (or the names when there is no address), and
 * v[i] is what is known of keys.v[i].
 */
struct ov_host {
	char *name;
	int done;
};
struct ov_hosts {
	struct fl_strset keys;
	struct ov_host *v;
	size_t cap;
};

static void
hosts_free(struct ov_hosts *hs)
{
	size_t i;

	for (i = 0; i < hs->keys.n; i++)
		free(hs->v[i].name);
	free(hs->v);
	fl_strset_free(&hs->keys);
	memset(hs, 0, sizeof(*hs));
}

/* Find key, adding it (with name) when new; *out is the entry. */
static fl_err
hosts_get(struct ov_hosts *hs, const char *key, const char *name,
	  struct ov_host **out)
{
	struct ov_host *e;
	size_t i;
	int added;
	fl_err rc;

	/* room for a new entry first, so a key never lacks one */
	if (hs->keys.n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 16;
		struct ov_host *v = reallocarray(hs->v, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		hs->v = v;
		hs->cap = cap;
	}
	if ((rc = fl_strset_add(&hs->keys, key, OV_MAX_HOSTS, &i,
				&added)) != FL_OK)
		return rc;
	e = &hs->v[i];
	if (added) {
		memset(e, 0, sizeof(*e));
		if (!fl_scan_blank(name) && (e->name = fl_strdup(name)) == NULL)
			return FL_E_NOMEM;
	}
	*out = e;
	return FL_OK;
}

static fl_err
report_host(const struct fl_scan_sink *sink, const char *ip, const char *name,
	    int auth, const char *start, const char *end, const char *os)
{
	struct fl_scan_host h;

	if (sink->host == NULL)
		return FL_OK;
	memset(&h, 0, sizeof(h));
	h.ip = fl_scan_blank(ip) ? NULL : ip;
	h.fqdn = fl_scan_blank(name) ? NULL : name;
	h.host = h.ip != NULL ? h.ip : h.fqdn;
	h.authenticated = auth;
	h.start = fl_scan_blank(start) ? NULL : start;
	h.end = fl_scan_blank(end) ? NULL : end;
	h.os = fl_scan_blank(os) ? NULL : os;
	return sink->host(sink->ctx, &h);
}

/*
 * Set a text field, joining the lines OpenVAS wraps with an indent ("...
 * allows\n  to compute") into one, as DefectDojo does; other line breaks
 * (paragraphs, lists) stay.
 */
static fl_err
set_unwrapped(struct fl_finding *f, enum fl_ff k, const char *s, size_t n)
{
	char *c;
	size_t i, o = 0;
	fl_err rc;

	n = fl_scan_trim(&s, n);
	if (n == 0)
		return FL_OK;
	if ((c = malloc(n + 1)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && i + 2 < n && s[i + 1] == ' ' && s[i + 2] == ' ') {
			while (o > 0 && c[o - 1] == ' ')
				o--;
			if (o > 0 && c[o - 1] != '\n')
				c[o++] = ' ';
			for (i++; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
				;
			i--;
			continue;
		}
		c[o++] = s[i];
	}
	rc = fl_finding_set(f, k, c, o);
	free(c);
	return rc;
}

/* Set a text field unless the report left it blank. */
static fl_err
set_opt(struct fl_finding *f, enum fl_ff k, const char *s)
{
	return fl_scan_blank(s) ? FL_OK : fl_finding_setz(f, k, s);
}

/* Add "a,b, c" items (trimmed, non-empty) to a list. */
static fl_err
add_split(struct fl_strlist *l, const char *s, size_t n, char sep)
{
	size_t i = 0, j, len;
	const char *p;
	fl_err rc;

	while (i < n) {
		for (j = i; j < n && s[j] != sep; j++)
			;
		p = s + i;
		len = fl_scan_trim(&p, j - i);
		if (len > 0 && (rc = fl_strlist_add_unique(l, p, len)) != FL_OK)
			return rc;
		i = j + 1;
	}
	return FL_OK;
}

/* An OID that is itself a CVE id (results of the "CVE" scanner). */
static fl_err
add_oid_cve(struct fl_finding *f, const char *oid)
{
	if (oid == NULL || strncasecmp(oid, "CVE-", 4) != 0)
		return FL_OK;
	return fl_scan_find_cves(f, oid, strlen(oid));
}

/*
 * The location at host; the address and the name are kept as ip and fqdn
 * when the report gives both (DefectDojo names the XML location by the
 * address and the CSV one by the name, and so do we).
 */
static fl_err
set_location(struct fl_finding *f, const char *host, const char *ip,
	     const char *name, unsigned port, const char *proto)
{
	struct fl_scan_loc *l;
	fl_err rc;

	if (fl_scan_blank(host) && port == 0)
		return FL_OK;
	if ((rc = fl_finding_add_loc(f, fl_scan_blank(host) ? NULL : host, port,
				     fl_scan_blank(proto) ? NULL : proto,
				     NULL)) != FL_OK)
		return rc;
	l = &f->locs[f->nlocs - 1];
	if (!fl_scan_blank(ip) && !fl_scan_blank(name) && strcmp(ip, name) != 0)
		return fl_scan_loc_names(l, ip, name);
	return FL_OK;
}

/*
 * DefectDojo v2's merge key: sha256 over location, title, OID and
 * severity; nothing volatile (the specific result, timestamps) is in it.
 */
static fl_err
set_group_key(struct fl_finding *f)
{
	const struct fl_scan_loc *l = f->nlocs > 0 ? &f->locs[0] : NULL;
	struct fl_buf b;
	char hex[65];
	fl_err rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_printf(&b, "%s\x1f%u\x1f%s\x1f%s\x1f%s\x1f%s",
			   l && l->host ? l->host : "", l ? l->port : 0,
			   l && l->protocol ? l->protocol : "",
			   f->text[FL_FF_TITLE] ? f->text[FL_FF_TITLE] : "",
			   f->text[FL_FF_VULN_ID_FROM_TOOL] ?
			   f->text[FL_FF_VULN_ID_FROM_TOOL] : "",
			   fl_sev_name(f->severity));
	if (rc == FL_OK && (rc = fl_sha256_mem(b.data, b.len, hex)) == FL_OK)
		rc = fl_finding_set(f, FL_FF_GROUP_KEY, hex, 64);
	fl_buf_release(&b);
	return rc;
}

/* Threat word ("High", "Log"), else the severity score. */
static int
severity_of(const char *threat, const char *score)
{
	int sev = -1;

	if (!fl_scan_blank(threat))
		sev = fl_sev_parse(threat, strlen(threat));
	if (sev < 0 && !fl_scan_blank(score))
		sev = fl_sev_from_cvss(fl_scan_score(score, strlen(score)));
	return sev < 0 ? FL_SEV_INFO : sev;
}

/* Greenbone's severity: 0.0 (a log message) is no score at all. */
static void
set_score(struct fl_finding *f, const char *score)
{
	double v;

	if (fl_scan_blank(score))
		return;
	v = fl_scan_score(score, strlen(score));
	if (v <= 0)
		return;
	if (f->text[FL_FF_CVSSV4] != NULL)
		f->cvssv4_score = v;
	else
		f->cvssv3_score = v;
}

static fl_err
set_vector(struct fl_finding *f, const char *v)
{
	if (fl_scan_blank(v))
		return FL_OK;
	if (strncmp(v, "CVSS:4", 6) == 0)
		return fl_finding_setz(f, FL_FF_CVSSV4, v);
	if (strncmp(v, "CVSS:3", 6) == 0)
		return fl_finding_setz(f, FL_FF_CVSSV3, v);
	return FL_OK; /* a CVSS v2 vector: no field for it */
}

/*
 * A fix exists when the NVT's solution type says so ("VendorFix") or the
 * solution says to update (DefectDojo's heuristic); "NoneAvailable" and
 * "WillNotFix" say there is none; anything else is unknown (-1).
 */
static int
fix_of(const char *type, size_t n, const char *solution)
{
	n = fl_scan_trim(&type, n);
	if (n == 9 && strncasecmp(type, "VendorFix", 9) == 0)
		return 1;
	if ((n == 13 && strncasecmp(type, "NoneAvailable", 13) == 0) ||
	    (n == 10 && strncasecmp(type, "WillNotFix", 10) == 0))
		return 0;
	if (solution != NULL && (strstr(solution, "Update to version") != NULL ||
	    strstr(solution, "The vendor has released updates") != NULL))
		return 1;
	return -1;
}

/* ---- XML ------------------------------------------------------------------ */

static int
openvas_xml_sniff(const char *head, size_t n, const char *path)
{
	char root[64];

	(void)path;
	if (fl_scan_xml_root(head, n, root, sizeof(root)) == 0)
		return 0;
	if (strcmp(root, "get_reports_response") == 0)
		return 95;
	if (strcmp(root, "report") != 0)
		return 0;
	if (fl_scan_has(head, n, "format_id=") ||
	    fl_scan_has(head, n, "<results") || fl_scan_has(head, n, "<gmp>") ||
	    fl_scan_has(head, n, "<omp>") || fl_scan_has(head, n, "<nvt "))
		return 95;
	return 50;
}

/* What one <result> says, kept until it closes. */
enum ov_r {
	R_ID, R_NAME, R_NVT_NAME, R_OID, R_HOST, R_HOSTNAME, R_PORT, R_THREAT,
	R_SCORE, R_RESULT, R_TAGS, R_SOLUTION, R_VECTOR, R_QOD_TYPE, R_CREATED,
	R_EPSS, R_EPSS_PCT, R_CVES, R_SOLTYPE,
	R__N
};
/* What one host summary (<report><host>) says. */
enum ov_h {
	H_IP, H_START, H_END, H_NAME, H_OS, H_DNAME, H_DVALUE,
	H__N
};

struct ov_xml {
	const struct fl_scan_sink *sink;
	struct fl_diag *d;
	struct fl_finding f;
	char *r[R__N];
	char *h[H__N];
	int rdepth, hdepth;  /* depth of the open <result> / host summary, -1 */
	int sevtype;         /* CVSS version of the open nvt/severities/severity */
	int hauth;
	struct ov_hosts hosts;
	char *m_name, *m_task, *m_start;
	int meta_sent;
};

static fl_err
keep_first(char **slot, const char *s, size_t n)
{
	return *slot != NULL ? FL_OK : fl_scan_keep(slot, s, n);
}

/* "tags": key=value|key=value; returns the value of key (borrowed span). */
static int
tag_get(const char *tags, const char *key, const char **val, size_t *len)
{
	size_t kl = strlen(key);
	const char *p = tags, *e;

	if (tags == NULL)
		return 0;
	while (*p != '\0') {
		for (e = p; *e != '\0' && *e != '|'; e++)
			;
		if ((size_t)(e - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			*val = p + kl + 1;
			*len = (size_t)(e - *val);
			return 1;
		}
		p = *e == '|' ? e + 1 : e;
	}
	return 0;
}

/* Quality-of-detection types that only a logged-in check can have. */
static int
local_qod(const char *t, size_t n)
{
	static const char *const local[] = {
		"package", "package_unreliable", "registry",
		"executable_version", "executable_version_unreliable",
	};
	size_t i;

	n = fl_scan_trim(&t, n);
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strlen(local[i]) == n && strncmp(t, local[i], n) == 0)
			return 1;
	return 0;
}

static fl_err
ovx_emit(struct ov_xml *c, struct fl_xml *x)
{
	struct fl_finding *f = &c->f;
	struct ov_host *hst;
	const char *title, *tv, *port, *slash;
	char proto[32] = "";
	size_t tl;
	unsigned pnum = 0;
	fl_err rc;

	title = !fl_scan_blank(c->r[R_NVT_NAME]) ? c->r[R_NVT_NAME] : c->r[R_NAME];
	if ((rc = set_opt(f, FL_FF_TITLE, title)) != FL_OK ||
	    (rc = set_opt(f, FL_FF_VULN_ID_FROM_TOOL, c->r[R_OID])) != FL_OK ||
	    (rc = set_opt(f, FL_FF_UNIQUE_ID_FROM_TOOL, c->r[R_ID])) != FL_OK ||
	    (rc = set_opt(f, FL_FF_EVIDENCE, c->r[R_RESULT])) != FL_OK ||
	    (rc = set_opt(f, FL_FF_DATE, c->r[R_CREATED])) != FL_OK)
		return rc;
	f->severity = severity_of(c->r[R_THREAT], c->r[R_SCORE]);
	if (c->r[R_VECTOR] != NULL)
		rc = set_vector(f, c->r[R_VECTOR]);
	else if (tag_get(c->r[R_TAGS], "cvss_base_vector", &tv, &tl)) {
		char *v = dup_trim(tv, tl);

		rc = v == NULL ? FL_E_NOMEM : set_vector(f, v);
		free(v);
	}
	if (rc != FL_OK)
		return rc;
	set_score(f, c->r[R_SCORE]);
	if (c->r[R_EPSS] != NULL)
		f->epss_score = fl_scan_score(c->r[R_EPSS], strlen(c->r[R_EPSS]));
	if (c->r[R_EPSS_PCT] != NULL)
		f->epss_percentile = fl_scan_score(c->r[R_EPSS_PCT],
						   strlen(c->r[R_EPSS_PCT]));
	if (tag_get(c->r[R_TAGS], "summary", &tv, &tl) &&
	    (rc = set_unwrapped(f, FL_FF_DESCRIPTION, tv, tl)) != FL_OK)
		return rc;
	if (tag_get(c->r[R_TAGS], "insight", &tv, &tl) &&
	    fl_scan_trim(&tv, tl) > 0) {
		struct fl_finding tmp;

		/* unwrap into a scratch field, then append as a paragraph */
		fl_finding_init(&tmp);
		if ((rc = set_unwrapped(&tmp, FL_FF_DESCRIPTION, tv, tl)) == FL_OK &&
		    tmp.text[FL_FF_DESCRIPTION] != NULL)
			rc = fl_finding_append(f, FL_FF_DESCRIPTION, "\n\n",
					       tmp.text[FL_FF_DESCRIPTION],
					       strlen(tmp.text[FL_FF_DESCRIPTION]));
		fl_finding_reset(&tmp);
		if (rc != FL_OK)
			return rc;
	}
	if (tag_get(c->r[R_TAGS], "impact", &tv, &tl) &&
	    (rc = set_unwrapped(f, FL_FF_IMPACT, tv, tl)) != FL_OK)
		return rc;
	if (c->r[R_SOLUTION] != NULL)
		rc = set_unwrapped(f, FL_FF_MITIGATION, c->r[R_SOLUTION],
				   strlen(c->r[R_SOLUTION]));
	else if (tag_get(c->r[R_TAGS], "solution", &tv, &tl))
		rc = set_unwrapped(f, FL_FF_MITIGATION, tv, tl);
	if (rc != FL_OK)
		return rc;
	if (c->r[R_SOLTYPE] != NULL)
		f->fix_available = fix_of(c->r[R_SOLTYPE], strlen(c->r[R_SOLTYPE]),
					  f->text[FL_FF_MITIGATION]);
	else if (tag_get(c->r[R_TAGS], "solution_type", &tv, &tl))
		f->fix_available = fix_of(tv, tl, f->text[FL_FF_MITIGATION]);
	else
		f->fix_available = fix_of("", 0, f->text[FL_FF_MITIGATION]);
	if (c->r[R_CVES] != NULL &&
	    (rc = fl_scan_find_cves(f, c->r[R_CVES], strlen(c->r[R_CVES]))) != FL_OK)
		return rc;
	if ((rc = add_oid_cve(f, c->r[R_OID])) != FL_OK)
		return rc;
	if (c->r[R_QOD_TYPE] != NULL)
		f->authenticated = local_qod(c->r[R_QOD_TYPE], strlen(c->r[R_QOD_TYPE]));
	else if (tag_get(c->r[R_TAGS], "qodType", &tv, &tl))
		f->authenticated = local_qod(tv, tl);
	/* "512/tcp", "general/tcp", "cpe-12345/tcp" */
	if ((port = c->r[R_PORT]) != NULL) {
		slash = strrchr(port, '/');
		if (slash != NULL) {
			pnum = fl_scan_port(port, (size_t)(slash - port));
			fl_strlcpy(proto, slash + 1, sizeof(proto));
		} else
			pnum = fl_scan_port(port, strlen(port));
	}
	if ((rc = set_location(f, !fl_scan_blank(c->r[R_HOST]) ? c->r[R_HOST] :
			       c->r[R_HOSTNAME], c->r[R_HOST], c->r[R_HOSTNAME],
			       pnum, proto)) != FL_OK ||
	    (rc = set_group_key(f)) != FL_OK)
		return rc;
	if (!fl_scan_blank(c->r[R_HOST]) || !fl_scan_blank(c->r[R_HOSTNAME])) {
		const char *key = !fl_scan_blank(c->r[R_HOST]) ? c->r[R_HOST] :
				  c->r[R_HOSTNAME];

		if ((rc = hosts_get(&c->hosts, key, c->r[R_HOSTNAME], &hst)) != FL_OK)
			return rc == FL_E_LIMIT ?
			       fl_xml_fail(x, c->d, rc, "more than %d hosts",
					   OV_MAX_HOSTS) : rc;
	}
	if ((rc = fl_scan_meta_once(c->sink, &c->meta_sent, "OpenVAS",
				    c->m_task != NULL ? c->m_task : c->m_name,
				    c->m_start)) != FL_OK)
		return rc;
	rc = c->sink->finding(c->sink->ctx, f);
	fl_finding_reset(f);
	return rc;
}

/* Host details "Auth-SSH-Success", "Auth-SMB-Failure", ... */
static void
ovx_detail(struct ov_xml *c)
{
	const char *n = c->h[H_DNAME];
	size_t len;

	if (n == NULL)
		return;
	len = strlen(n);
	if (strcmp(n, "hostname") == 0 && c->h[H_NAME] == NULL && c->h[H_DVALUE]) {
		c->h[H_NAME] = c->h[H_DVALUE];
		c->h[H_DVALUE] = NULL;
	} else if (strcmp(n, "best_os_txt") == 0 && c->h[H_DVALUE]) {
		free(c->h[H_OS]);
		c->h[H_OS] = c->h[H_DVALUE];
		c->h[H_DVALUE] = NULL;
	} else if (strncmp(n, "Auth-", 5) == 0) {
		if (len > 8 && strcmp(n + len - 8, "-Success") == 0)
			c->hauth = 1;
		else if (len > 8 && strcmp(n + len - 8, "-Failure") == 0 &&
			 c->hauth != 1)
			c->hauth = 0;
	}
}

static fl_err
ovx_host_done(struct ov_xml *c, struct fl_xml *x)
{
	struct ov_host *e;
	const char *key = !fl_scan_blank(c->h[H_IP]) ? c->h[H_IP] : c->h[H_NAME];
	fl_err rc;

	if (fl_scan_blank(key))
		return FL_OK;
	if ((rc = hosts_get(&c->hosts, key, c->h[H_NAME], &e)) != FL_OK)
		return rc == FL_E_LIMIT ?
		       fl_xml_fail(x, c->d, rc, "more than %d hosts", OV_MAX_HOSTS) :
		       rc;
	if (e->done)
		return FL_OK;
	e->done = 1;
	return report_host(c->sink, c->h[H_IP],
			   c->h[H_NAME] != NULL ? c->h[H_NAME] : e->name,
			   c->hauth, c->h[H_START], c->h[H_END], c->h[H_OS]);
}

static fl_err
ovx_start(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	  int depth)
{
	struct ov_xml *c = ctx;
	const char *parent = depth > 0 ? fl_xml_path(x, depth - 1) : "";

	if (c->rdepth >= 0) {
		int rel = depth - c->rdepth;

		if (rel == 1 && strcmp(name, "nvt") == 0) {
			const char *oid = fl_xml_attr(atts, "oid");

			return oid ? fl_scan_keep(&c->r[R_OID], oid, strlen(oid)) : FL_OK;
		}
		if (rel == 2 && strcmp(name, "solution") == 0 &&
		    strcmp(parent, "nvt") == 0) {
			const char *t = fl_xml_attr(atts, "type");

			return t ? fl_scan_keep(&c->r[R_SOLTYPE], t, strlen(t)) : FL_OK;
		}
		if (rel == 3 && strcmp(name, "ref") == 0 &&
		    strcmp(parent, "refs") == 0) {
			const char *type = fl_xml_attr(atts, "type");
			const char *id = fl_xml_attr(atts, "id");

			if (type == NULL || id == NULL)
				return FL_OK;
			if (strcasecmp(type, "cve") == 0) {
				const char *p = id;
				size_t len = fl_scan_trim(&p, strlen(id));

				return len ? fl_strlist_add_unique(&c->f.vuln_ids,
								   p, len) : FL_OK;
			}
			if (strcasecmp(type, "url") == 0 && !fl_scan_blank(id))
				return fl_finding_append(&c->f, FL_FF_REFERENCES,
							 "\n", id, strlen(id));
			return FL_OK;
		}
		if (rel == 3 && strcmp(name, "severity") == 0 &&
		    strcmp(parent, "severities") == 0) {
			const char *t = fl_xml_attr(atts, "type");

			c->sevtype = t == NULL ? 0 :
				     strncmp(t, "cvss_base_v3", 12) == 0 ? 3 :
				     strncmp(t, "cvss_base_v4", 12) == 0 ? 4 : 0;
		}
		return FL_OK;
	}
	if (c->hdepth >= 0)
		return FL_OK;
	if (strcmp(name, "result") == 0 && strcmp(parent, "results") == 0) {
		unsigned long line, col;
		const char *id = fl_xml_attr(atts, "id");

		c->rdepth = depth;
		fl_scan_clear(c->r, R__N);
		fl_finding_reset(&c->f);
		fl_xml_pos(x, &line, &col);
		c->f.src_line = line;
		return id ? fl_scan_keep(&c->r[R_ID], id, strlen(id)) : FL_OK;
	}
	if (strcmp(name, "host") == 0 && strcmp(parent, "report") == 0) {
		c->hdepth = depth;
		c->hauth = -1;
		fl_scan_clear(c->h, H__N);
	}
	return FL_OK;
}

static fl_err
ovx_result_end(struct ov_xml *c, struct fl_xml *x, const char *name,
	       const char *text, size_t len, int depth)
{
	static const struct {
		int rel;
		const char *parent, *name;
		enum ov_r slot;
	} map[] = {
		{ 1, NULL, "name", R_NAME },
		{ 1, NULL, "host", R_HOST },
		{ 1, NULL, "port", R_PORT },
		{ 1, NULL, "threat", R_THREAT },
		{ 1, NULL, "severity", R_SCORE },
		{ 1, NULL, "description", R_RESULT },
		{ 1, NULL, "creation_time", R_CREATED },
		{ 2, "host", "hostname", R_HOSTNAME },
		{ 2, "nvt", "name", R_NVT_NAME },
		{ 2, "nvt", "tags", R_TAGS },
		{ 2, "nvt", "solution", R_SOLUTION },
		{ 2, "nvt", "cve", R_CVES },
		{ 2, "qod", "type", R_QOD_TYPE },
		{ 4, "max_severity", "score", R_EPSS },
		{ 4, "max_severity", "percentile", R_EPSS_PCT },
	};
	const char *parent = fl_xml_path(x, depth - 1);
	int rel = depth - c->rdepth;
	size_t i;

	if (rel == 0) {
		fl_err rc = ovx_emit(c, x);

		c->rdepth = -1;
		return rc;
	}
	if (rel == 4 && c->sevtype != 0 && strcmp(name, "value") == 0 &&
	    strcmp(parent, "severity") == 0)
		return keep_first(&c->r[R_VECTOR], text, len);
	if (rel == 3 && strcmp(name, "severity") == 0)
		c->sevtype = 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].rel == rel && strcmp(map[i].name, name) == 0 &&
		    (map[i].parent == NULL || strcmp(map[i].parent, parent) == 0))
			return fl_scan_keep(&c->r[map[i].slot], text, len);
	return FL_OK;
}

static fl_err
ovx_end(void *ctx, struct fl_xml *x, const char *name, const char *text,
	size_t len, int depth)
{
	struct ov_xml *c = ctx;
	const char *parent = depth > 0 ? fl_xml_path(x, depth - 1) : "";
	fl_err rc;

	if (c->rdepth >= 0)
		return ovx_result_end(c, x, name, text, len, depth);
	if (c->hdepth >= 0) {
		int rel = depth - c->hdepth;

		if (rel == 0) {
			rc = ovx_host_done(c, x);
			c->hdepth = -1;
			return rc;
		}
		if (rel == 1 && strcmp(name, "ip") == 0)
			return fl_scan_keep(&c->h[H_IP], text, len);
		if (rel == 1 && strcmp(name, "start") == 0)
			return fl_scan_keep(&c->h[H_START], text, len);
		if (rel == 1 && strcmp(name, "end") == 0)
			return fl_scan_keep(&c->h[H_END], text, len);
		if (rel == 1 && strcmp(name, "detail") == 0) {
			ovx_detail(c);
			free(c->h[H_DNAME]);
			free(c->h[H_DVALUE]);
			c->h[H_DNAME] = c->h[H_DVALUE] = NULL;
			return FL_OK;
		}
		if (rel == 2 && strcmp(parent, "detail") == 0) {
			if (strcmp(name, "name") == 0)
				return fl_scan_keep(&c->h[H_DNAME], text, len);
			if (strcmp(name, "value") == 0)
				return fl_scan_keep(&c->h[H_DVALUE], text, len);
		}
		return FL_OK;
	}
	if (depth <= 2 && strcmp(name, "name") == 0 && strcmp(parent, "report") == 0)
		return keep_first(&c->m_name, text, len);
	if (depth <= 3 && strcmp(name, "name") == 0 && strcmp(parent, "task") == 0)
		return keep_first(&c->m_task, text, len);
	if (strcmp(name, "scan_start") == 0)
		return keep_first(&c->m_start, text, len);
	if (depth == 0) {
		size_t i;

		/* hosts with results but no summary: reached, login unknown */
		for (i = 0; i < c->hosts.keys.n; i++) {
			struct ov_host *e = &c->hosts.v[i];

			if (e->done)
				continue;
			e->done = 1;
			if ((rc = report_host(c->sink, c->hosts.keys.v[i], e->name,
					      -1, NULL, NULL, NULL)) != FL_OK)
				return rc;
		}
		return fl_scan_meta_once(c->sink, &c->meta_sent, "OpenVAS",
					 c->m_task != NULL ? c->m_task : c->m_name,
					 c->m_start);
	}
	return FL_OK;
}

static fl_err
openvas_xml_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		 struct fl_diag *d)
{
	struct ov_xml c;
	struct fl_xml_handlers h = { &c, ovx_start, ovx_end };
	fl_err rc;

	memset(&c, 0, sizeof(c));
	c.sink = sink;
	c.d = d;
	c.rdepth = c.hdepth = -1;
	fl_finding_init(&c.f);
	rc = fl_xml_stream(src, &h, 0, d);
	if (rc == FL_E_NOMEM && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "out of memory");
	fl_finding_reset(&c.f);
	fl_scan_clear(c.r, R__N);
	fl_scan_clear(c.h, H__N);
	hosts_free(&c.hosts);
	free(c.m_name);
	free(c.m_task);
	free(c.m_start);
	return rc;
}

const struct fl_scan_format fl_fmt_openvas_xml = {
	"openvas-xml", "OpenVAS / Greenbone XML report",
	openvas_xml_sniff, openvas_xml_read
};

/* ---- CSV ------------------------------------------------------------------ */

enum ov_c {
	C_IP, C_HOSTNAME, C_PORT, C_PROTO, C_CVSS, C_SEVERITY, C_NAME,
	C_SUMMARY, C_RESULT, C_OID, C_CVES, C_TASK, C_TIME, C_RID, C_IMPACT,
	C_SOLUTION, C_INSIGHT, C_REFS, C_CWE, C_EPSS, C_EPSS_PCT, C_SOLTYPE,
	C__N
};
static const char *const ov_cols[C__N] = {
	"IP", "Hostname", "Port", "Port Protocol", "CVSS", "Severity",
	"NVT Name", "Summary", "Specific Result", "NVT OID", "CVEs",
	"Task Name", "Timestamp", "Result ID", "Impact", "Solution",
	"Vulnerability Insight", "Other References", "CWEID",
	"Max Severity EPSS score", "Max Severity EPSS percentile",
	"Solution Type",
};

/* The header line names these columns (any case); the first two decide. */
static int
openvas_csv_sniff(const char *head, size_t n, const char *path)
{
	size_t eol;

	(void)path;
	for (eol = 0; eol < n && head[eol] != '\n'; eol++)
		;
	if (fl_scan_has(head, eol, "NVT Name") &&
	    fl_scan_has(head, eol, "NVT OID"))
		return 95;
	if (fl_scan_has(head, eol, "NVT Name") &&
	    fl_scan_has(head, eol, "Hostname"))
		return 70;
	return 0;
}

struct ov_csv {
	const struct fl_scan_sink *sink;
	const char *path;
	struct fl_csv_header hdr;
	int have_hdr, meta_sent;
	long col[C__N];
	struct fl_finding f;
	struct ov_hosts hosts;
};

static const char *
cget(const struct ov_csv *c, const struct fl_csv_record *rec, enum ov_c k)
{
	return fl_csv_get(rec, c->col[k]);
}

static fl_err
ovc_row(struct ov_csv *c, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct fl_finding *f = &c->f;
	struct ov_host *e;
	const char *ip = cget(c, rec, C_IP), *name = cget(c, rec, C_HOSTNAME);
	const char *s;
	char *tip = NULL, *tname = NULL;
	long cwe;
	size_t i;
	fl_err rc;

	for (i = 0; i < rec->nfields && rec->lens[i] == 0; i++)
		;
	if (i == rec->nfields)
		return FL_OK;  /* a row of empty fields */
	fl_finding_reset(f);
	f->src_line = rec->line;
	/* gvmd pads host names with blanks (greenbone/gvmd#2378) */
	if ((tip = dup_trim(ip, strlen(ip))) == NULL ||
	    (tname = dup_trim(name, strlen(name))) == NULL) {
		rc = FL_E_NOMEM;
		goto out;
	}
	if ((rc = set_opt(f, FL_FF_TITLE, cget(c, rec, C_NAME))) != FL_OK ||
	    (rc = set_opt(f, FL_FF_VULN_ID_FROM_TOOL, cget(c, rec, C_OID))) != FL_OK ||
	    (rc = set_opt(f, FL_FF_UNIQUE_ID_FROM_TOOL, cget(c, rec, C_RID))) != FL_OK)
		goto out;
	f->severity = severity_of(cget(c, rec, C_SEVERITY), cget(c, rec, C_CVSS));
	set_score(f, cget(c, rec, C_CVSS));
	if (!fl_scan_blank(s = cget(c, rec, C_EPSS)))
		f->epss_score = fl_scan_score(s, strlen(s));
	if (!fl_scan_blank(s = cget(c, rec, C_EPSS_PCT)))
		f->epss_percentile = fl_scan_score(s, strlen(s));
	s = cget(c, rec, C_CWE);
	if (!fl_scan_blank(s) && fl_parse_long(s, 1, 1000000, &cwe) == 0) {
		char buf[24];

		f->cwe = (int)cwe;
		snprintf(buf, sizeof(buf), "CWE-%ld", cwe);
		if ((rc = fl_strlist_add(&f->cwes, buf, strlen(buf))) != FL_OK)
			goto out;
	}
	if ((rc = add_oid_cve(f, cget(c, rec, C_OID))) != FL_OK)
		goto out;
	s = cget(c, rec, C_CVES);
	if ((rc = add_split(&f->vuln_ids, s, strlen(s), ',')) != FL_OK)
		goto out;
	s = cget(c, rec, C_SUMMARY);
	if ((rc = set_unwrapped(f, FL_FF_DESCRIPTION, s, strlen(s))) != FL_OK)
		goto out;
	if (!fl_scan_blank(s = cget(c, rec, C_INSIGHT))) {
		struct fl_finding tmp;

		fl_finding_init(&tmp);
		if ((rc = set_unwrapped(&tmp, FL_FF_DESCRIPTION, s, strlen(s))) == FL_OK)
			rc = fl_finding_append(f, FL_FF_DESCRIPTION, "\n\n",
					       tmp.text[FL_FF_DESCRIPTION],
					       strlen(tmp.text[FL_FF_DESCRIPTION]));
		fl_finding_reset(&tmp);
		if (rc != FL_OK)
			goto out;
	}
	s = cget(c, rec, C_IMPACT);
	if ((rc = set_unwrapped(f, FL_FF_IMPACT, s, strlen(s))) != FL_OK)
		goto out;
	s = cget(c, rec, C_SOLUTION);
	if ((rc = set_unwrapped(f, FL_FF_MITIGATION, s, strlen(s))) != FL_OK)
		goto out;
	s = cget(c, rec, C_SOLTYPE);
	f->fix_available = fix_of(s, strlen(s), f->text[FL_FF_MITIGATION]);
	if ((rc = set_opt(f, FL_FF_EVIDENCE, cget(c, rec, C_RESULT))) != FL_OK ||
	    (rc = set_opt(f, FL_FF_DATE, cget(c, rec, C_TIME))) != FL_OK)
		goto out;
	if (!fl_scan_blank(s = cget(c, rec, C_REFS))) {
		struct fl_strlist refs = { 0 };

		rc = add_split(&refs, s, strlen(s), ',');
		for (i = 0; rc == FL_OK && i < refs.n; i++)
			rc = fl_finding_append(f, FL_FF_REFERENCES, "\n",
					       refs.v[i], strlen(refs.v[i]));
		fl_strlist_free(&refs);
		if (rc != FL_OK)
			goto out;
	}
	/* the host name wins as DefectDojo's host; the address is kept too */
	s = cget(c, rec, C_PORT);
	if ((rc = set_location(f, tname[0] != '\0' ? tname : tip, tip, tname,
			       fl_scan_port(s, strlen(s)),
			       cget(c, rec, C_PROTO))) != FL_OK)
		goto out;
	if ((rc = set_group_key(f)) != FL_OK)
		goto out;
	if (tip[0] != '\0' || tname[0] != '\0') {
		rc = hosts_get(&c->hosts, tip[0] ? tip : tname, tname, &e);
		if (rc == FL_E_LIMIT)
			rc = fl_diag_set(d, rc, c->path, rec->line, 1,
					 "more than %d hosts", OV_MAX_HOSTS);
		if (rc != FL_OK)
			goto out;
		if (!e->done) {
			e->done = 1;
			if ((rc = report_host(c->sink, tip, tname, -1, NULL, NULL,
					      NULL)) != FL_OK)
				goto out;
		}
	}
	if ((rc = fl_scan_meta_once(c->sink, &c->meta_sent, "OpenVAS",
				    cget(c, rec, C_TASK), NULL)) != FL_OK)
		goto out;
	rc = c->sink->finding(c->sink->ctx, f);
out:
	free(tip);
	free(tname);
	fl_finding_reset(f);
	return rc;
}

static fl_err
ovc_record(void *ctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct ov_csv *c = ctx;
	size_t k;
	fl_err rc;

	if (c->have_hdr)
		return ovc_row(c, rec, d);
	if ((rc = fl_csv_header_init(&c->hdr, rec)) != FL_OK)
		return rc;
	c->have_hdr = 1;
	for (k = 0; k < C__N; k++)
		c->col[k] = fl_csv_col(&c->hdr, ov_cols[k]);
	if (c->col[C_NAME] < 0)
		return fl_diag_set(d, FL_E_SYNTAX, c->path, rec->line, 1,
				   "not an OpenVAS CSV export: no 'NVT Name' column");
	if (c->col[C_IP] < 0 && c->col[C_HOSTNAME] < 0)
		return fl_diag_set(d, FL_E_SYNTAX, c->path, rec->line, 1,
				   "not an OpenVAS CSV export: no 'IP' or "
				   "'Hostname' column");
	return FL_OK;
}

static fl_err
openvas_csv_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		 struct fl_diag *d)
{
	struct ov_csv c;
	char *data = NULL;
	size_t len;
	fl_err rc;

	memset(&c, 0, sizeof(c));
	c.sink = sink;
	c.path = src->path;
	fl_finding_init(&c.f);
	if ((rc = fl_scan_src_slurp(src, &data, &len, d)) != FL_OK)
		return rc;
	rc = fl_csv_parse(data, len, src->path, ',', NULL, ovc_record, &c, d);
	if (rc == FL_OK)
		rc = fl_scan_meta_once(sink, &c.meta_sent, "OpenVAS", NULL,
				       NULL);
	if (rc == FL_E_NOMEM && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "out of memory");
	free(data);
	fl_finding_reset(&c.f);
	fl_csv_header_release(&c.hdr);
	hosts_free(&c.hosts);
	return rc;
}

const struct fl_scan_format fl_fmt_openvas_csv = {
	"openvas-csv", "OpenVAS / Greenbone CSV export",
	openvas_csv_sniff, openvas_csv_read
};
