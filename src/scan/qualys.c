/*
 * Qualys reports: the XML asset data report (ASSET_DATA_REPORT: a
 * HOST_LIST whose VULN_INFOs name a QID, then a GLOSSARY that says what
 * each QID is), the XML scan report (SCAN: IP / VULNS|INFOS|PRACTICES /
 * CAT / VULN|INFO|PRACTICE, each item complete in itself), and the CSV
 * exports: the detection report ("IP","Network","DNS",...,"QID","Title",
 * ...) and the PCI one (IP,HOSTNAME,...,QID,VULN TITLE,...), after any
 * preamble lines Qualys writes above the header.
 *
 * One raw finding per detection, titled "QID-N | TITLE" and identified by
 * the QID (the bare number, in every shape, so the same QID from an XML and
 * a CSV report is the same rule), located at the host (its DNS name when
 * known, else its address; both kept as fqdn and ip) and the port.  The
 * severity is Qualys's level 1..5 read as Info, Low, Medium, High,
 * Critical: DefectDojo's default ("legacy") mapping.  Its other setting
 * (1-2 Low, 3 Medium, 4-5 High) loses Info and Critical and is not
 * modelled.  A CVSS v3 score comes from the detection (CVSS3_FINAL) or else
 * the glossary; a CVSS v2 score is not a v3 score and is not used as one.
 *
 * The asset data report puts the glossary after the hosts, so detections
 * wait (compactly, with their own text only) until it has been read; when
 * the glossary comes first, each host is emitted as soon as it closes.
 * The XML findings are not merged (DefectDojo keeps one per detection);
 * the CSV findings merge by QID, as DefectDojo does.
 *
 * Hosts: a host logged in to is one whose "... Authentication Method"
 * detection did not fall back to a NULL session, or that a Cloud Agent
 * reports (tracking method AGENT/QAGENT); an "... Authentication Failed"
 * or "... Not Attempted" detection says it was not.  A detection counts as
 * authenticated when its host was logged in to and it is not on a port (a
 * local check), or when an agent found it.
 */
#include <ctype.h>
#include <string.h>

#include "../ingest/ingest.h"
#include "scan.h"

#define QX_MAX_HOSTS 1000000
#define QX_MAX_PENDING 10000000
#define QX_MAX_GLOSSARY 1000000

/* ---- shared ------------------------------------------------------------- */

/* Qualys level "1".."5" (or a word) -> DefectDojo's legacy severity. */
static int
qualys_sev(const char *s)
{
	const char *p = s;
	size_t n;
	int sev;

	if (s == NULL)
		return FL_SEV_INFO;
	n = fl_scan_trim(&p, strlen(s));
	if (n == 1 && p[0] >= '1' && p[0] <= '5')
		return p[0] - '1'; /* 1 Info, 2 Low, 3 Medium, 4 High, 5 Critical */
	sev = fl_sev_parse(p, n);
	return sev < 0 ? FL_SEV_INFO : sev;
}

/*
 * "9.0 (AV:N/AC:H/...)" -> score 9.0 and, with prefix, the vector
 * "CVSS:3.0/AV:N/..."; "8.2" -> the score alone; "-" or "" -> nothing.
 */
static fl_err
set_cvss3(struct fl_finding *f, const char *base, const char *temporal,
	  const char *prefix)
{
	const char *p = base, *open, *close;
	size_t n;
	double v;
	fl_err rc;

	if (base == NULL)
		return FL_OK;
	n = fl_scan_trim(&p, strlen(base));
	if (n == 0 || (n == 1 && p[0] == '-'))
		return FL_OK;
	for (open = p; open < p + n && *open != '('; open++)
		;
	/* a vector only comes with its score */
	if ((v = fl_scan_score(p, (size_t)(open - p))) < 0)
		return FL_OK;
	f->cvssv3_score = v;
	if (open == p + n)
		return FL_OK;
	for (close = open; close < p + n && *close != ')'; close++)
		;
	if (close == p + n || close == open + 1)
		return FL_OK;
	if ((rc = fl_finding_set(f, FL_FF_CVSSV3, prefix, strlen(prefix))) != FL_OK ||
	    (rc = fl_finding_append(f, FL_FF_CVSSV3, "", open + 1,
				    (size_t)(close - open - 1))) != FL_OK)
		return rc;
	if (temporal == NULL)
		return FL_OK;
	/* DefectDojo's CSV vector carries the temporal metrics too */
	p = temporal;
	n = fl_scan_trim(&p, strlen(temporal));
	for (open = p; open < p + n && *open != '('; open++)
		;
	for (close = open; close < p + n && *close != ')'; close++)
		;
	if (open < p + n && close < p + n && close > open + 1)
		rc = fl_finding_append(f, FL_FF_CVSSV3, "/", open + 1,
				       (size_t)(close - open - 1));
	return rc;
}

/*
 * Qualys texts are HTML fragments ("<P>", "<BR>", "&quot;"): tags become
 * line breaks or nothing, the common entities their characters, so the
 * text reads as text.
 */
static fl_err
set_html(struct fl_finding *f, enum fl_ff k, const char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&#39;", '\'' }, { "&apos;", '\'' },
		{ "&nbsp;", ' ' },
	};
	char *c;
	size_t i, j, o = 0, e;
	fl_err rc;

	n = fl_scan_trim(&s, n);
	if (n == 0)
		return FL_OK;
	if ((c = malloc(n + 1)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '<' && i + 1 < n &&
		    (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
			for (j = i + 1; j < n && j < i + 512 && s[j] != '>'; j++)
				;
			if (j < n && s[j] == '>') {
				char t = (char)toupper((unsigned char)s[i + 1] == '/' ?
						       (unsigned char)s[i + 2] :
						       (unsigned char)s[i + 1]);

				if ((t == 'P' || t == 'B') && o > 0) {
					while (o > 0 && c[o - 1] == ' ')
						o--;
					if (o > 0 && c[o - 1] != '\n')
						c[o++] = '\n';
					while (j + 1 < n && s[j + 1] == ' ')
						j++;
				}
				i = j;
				continue;
			}
		}
		if (s[i] == '&') {
			for (e = 0; e < sizeof(ents) / sizeof(ents[0]); e++) {
				size_t el = strlen(ents[e].ent);

				if (i + el <= n && strncasecmp(s + i, ents[e].ent, el) == 0)
					break;
			}
			if (e < sizeof(ents) / sizeof(ents[0])) {
				c[o++] = ents[e].c;
				i += strlen(ents[e].ent) - 1;
				continue;
			}
		}
		c[o++] = s[i];
	}
	while (o > 0 && isspace((unsigned char)c[o - 1]))
		o--;
	rc = fl_finding_set(f, k, c, o);
	free(c);
	return rc;
}

/* Add "CVE-1, CVE-2" items (trimmed, non-empty) to the finding's ids. */
static fl_err
add_split(struct fl_strlist *l, const char *s, size_t n)
{
	size_t i = 0, j, len;
	const char *p;
	fl_err rc;

	while (i < n) {
		for (j = i; j < n && s[j] != ','; j++)
			;
		p = s + i;
		len = fl_scan_trim(&p, j - i);
		if (len > 0 && !(len == 1 && p[0] == '-') &&
		    (rc = fl_strlist_add_unique(l, p, len)) != FL_OK)
			return rc;
		i = j + 1;
	}
	return FL_OK;
}

static unsigned
port_num(const char *s)
{
	return fl_scan_port(s, s != NULL ? strlen(s) : 0);
}

/* The location at host, with the address and the name kept as well. */
static fl_err
set_location(struct fl_finding *f, const char *ip, const char *name,
	     unsigned port, const char *proto)
{
	struct fl_scan_loc *l;
	const char *host = !fl_scan_blank(name) ? name : ip;
	char low[16];
	size_t i;
	fl_err rc;

	if (fl_scan_blank(host))
		return FL_OK;
	low[0] = '\0';
	if (!fl_scan_blank(proto)) {
		for (i = 0; proto[i] != '\0' && i + 1 < sizeof(low); i++)
			low[i] = (char)tolower((unsigned char)proto[i]);
		low[i] = '\0';
	}
	if ((rc = fl_finding_add_loc(f, host, port, low[0] ? low : NULL,
				     NULL)) != FL_OK)
		return rc;
	l = &f->locs[f->nlocs - 1];
	if (!fl_scan_blank(ip) && !fl_scan_blank(name) && strcmp(ip, name) != 0)
		return fl_scan_loc_names(l, ip, name);
	return FL_OK;
}

/* What a detection says about logging in to its host: 1, 0 or -1. */
static int
auth_hint(const char *title, const char *result)
{
	size_t tl;

	if (title == NULL)
		return -1;
	tl = strlen(title);
	if (fl_scan_has(title, tl, "Authentication Method"))
		return result != NULL &&
		       fl_scan_has(result, strlen(result), "NULL session") ? 0 : 1;
	if (fl_scan_has(title, tl, "Authentication Failed") ||
	    fl_scan_has(title, tl, "Authentication Not Attempted"))
		return 0;
	return -1;
}

static int
auth_merge(int cur, int hint)
{
	if (cur == 1 || hint == 1)
		return 1;
	if (cur == 0 || hint == 0)
		return 0;
	return -1;
}

static int
is_agent(const char *tracking)
{
	return tracking != NULL && (fl_streq_ci(tracking, "AGENT") ||
				    fl_streq_ci(tracking, "QAGENT"));
}

static fl_err
report_host(const struct fl_scan_sink *sink, const char *ip, const char *name,
	    int auth, const char *os)
{
	struct fl_scan_host h;

	if (sink->host == NULL)
		return FL_OK;
	memset(&h, 0, sizeof(h));
	h.ip = fl_scan_blank(ip) ? NULL : ip;
	h.fqdn = fl_scan_blank(name) ? NULL : name;
	h.host = h.fqdn != NULL ? h.fqdn : h.ip;
	h.authenticated = auth;
	h.os = fl_scan_blank(os) ? NULL : os;
	if (h.host == NULL)
		return FL_OK;
	return sink->host(sink->ctx, &h);
}

static int
qid_parse(const char *s, size_t n, unsigned long *out)
{
	char tmp[24];
	long v;

	n = fl_scan_trim(&s, n);
	if (n >= 4 && strncasecmp(s, "qid_", 4) == 0)
		s += 4, n -= 4;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (fl_parse_long(tmp, 0, LONG_MAX, &v) != 0)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

/* ---- XML ------------------------------------------------------------------ */

static int
qualys_xml_sniff(const char *head, size_t n, const char *path)
{
	char root[64];

	(void)path;
	if (fl_scan_xml_root(head, n, root, sizeof(root)) == 0)
		return 0;
	if (strcmp(root, "ASSET_DATA_REPORT") == 0)
		return 95;
	if (strcmp(root, "SCAN") == 0)
		return fl_scan_has(head, n, "<IP ") ||
		       fl_scan_has(head, n, "<HEADER") ||
		       fl_scan_has(head, n, "qualys") ? 90 : 60;
	return 0;
}

/* One GLOSSARY/VULN_DETAILS_LIST/VULN_DETAILS. */
enum qx_g { G_TITLE, G_SEVERITY, G_CATEGORY, G_THREAT, G_IMPACT, G_SOLUTION,
	    G_CVSS3, G__N };
struct qx_gloss {
	unsigned long qid;
	char *t[G__N];
	struct fl_strlist cves, urls;
};

/* One HOST/VULN_INFO_LIST/VULN_INFO, kept until the glossary is known. */
enum qx_v { V_TYPE, V_PORT, V_PROTO, V_RESULT, V_FIRST, V_LAST, V_STATUS,
	    V_CVSS3, V__N };
struct qx_info {
	size_t host;             /* index into hosts */
	unsigned long qid, line;
	int has_qid;
	char *v[V__N];
};

enum qx_h { HO_IP, HO_DNS, HO_NETBIOS, HO_OS, HO_TRACK, HO__N };
struct qx_host {
	char *h[HO__N];
};

/* The item of the SCAN shape: VULN, INFO or PRACTICE, with its text. */
enum qx_s { S_TITLE, S_DIAG, S_CONSEQ, S_SOLUTION, S_RESULT, S_CVSS3, S__N };

struct qx_xml {
	const struct fl_scan_sink *sink;
	struct fl_diag *d;
	struct fl_finding f;
	int meta_sent;
	char *m_name, *m_date;
	char *key;               /* the open SCAN HEADER/KEY's name */

	/* glossary: entries and an index by QID */
	struct qx_gloss *g;
	size_t ng, gcap, *gslot, ngslot;
	int gdepth;              /* open VULN_DETAILS, -1 */
	char *gqid;              /* its QID */
	int gloss_done;

	/* hosts and detections waiting for the glossary */
	struct qx_host *hosts;
	size_t nhosts, hcap;
	struct qx_info *pend;
	size_t npend, pcap;
	int hdepth, idepth;      /* open HOST / VULN_INFO, -1 */

	/* SCAN shape */
	int ipdepth, sdepth;     /* open IP / item, -1 */
	char *ip, *ipname, *ipos;
	int ipauth;
	char *s[S__N];
	char *cat_port, *cat_proto;
	unsigned long s_qid;
	int s_sev, s_has_qid;
};

static fl_err
qx_meta(struct qx_xml *c)
{
	return fl_scan_meta_once(c->sink, &c->meta_sent, "Qualys", c->m_name,
				 c->m_date);
}

static void
gloss_free(struct qx_gloss *g)
{
	fl_scan_clear(g->t, G__N);
	fl_strlist_free(&g->cves);
	fl_strlist_free(&g->urls);
}

static size_t
qid_hash(unsigned long q, size_t mask)
{
	uint64_t h = (uint64_t)q * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h >> 17) & mask;
}

static fl_err
gloss_index(struct qx_xml *c)
{
	size_t ns = c->ngslot ? c->ngslot * 2 : 256, i, h;
	size_t *s = calloc(ns, sizeof(*s));

	if (s == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < c->ng; i++) {
		h = qid_hash(c->g[i].qid, ns - 1);
		while (s[h] != 0)
			h = (h + 1) & (ns - 1);
		s[h] = i + 1;
	}
	free(c->gslot);
	c->gslot = s;
	c->ngslot = ns;
	return FL_OK;
}

static const struct qx_gloss *
gloss_find(const struct qx_xml *c, unsigned long qid)
{
	size_t h;

	if (c->ngslot == 0)
		return NULL;
	h = qid_hash(qid, c->ngslot - 1);
	while (c->gslot[h] != 0) {
		if (c->g[c->gslot[h] - 1].qid == qid)
			return &c->g[c->gslot[h] - 1];
		h = (h + 1) & (c->ngslot - 1);
	}
	return NULL;
}

/* A new glossary entry (its QID is set when the entry closes). */
static fl_err
gloss_open(struct qx_xml *c, struct fl_xml *x)
{
	if (c->ng >= QX_MAX_GLOSSARY)
		return fl_xml_fail(x, c->d, FL_E_LIMIT,
				   "more than %d glossary entries", QX_MAX_GLOSSARY);
	if (c->ng == c->gcap) {
		size_t cap = c->gcap ? c->gcap * 2 : 64;
		struct qx_gloss *v = reallocarray(c->g, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		c->g = v;
		c->gcap = cap;
	}
	memset(&c->g[c->ng], 0, sizeof(c->g[c->ng]));
	return FL_OK;
}

/* The open entry is complete: index it by QID (the first entry wins). */
static fl_err
gloss_close(struct qx_xml *c, const char *id)
{
	struct qx_gloss *e = &c->g[c->ng];
	size_t h;

	if (id == NULL || qid_parse(id, strlen(id), &e->qid) != 0 ||
	    gloss_find(c, e->qid) != NULL) {
		gloss_free(e);
		return FL_OK;
	}
	c->ng++;
	if (c->ngslot == 0 || c->ng * 2 > c->ngslot)
		return gloss_index(c);
	h = qid_hash(e->qid, c->ngslot - 1);
	while (c->gslot[h] != 0)
		h = (h + 1) & (c->ngslot - 1);
	c->gslot[h] = c->ng;
	return FL_OK;
}

static void
info_free(struct qx_info *in)
{
	fl_scan_clear(in->v, V__N);
}

static void
host_free(struct qx_host *h)
{
	fl_scan_clear(h->h, HO__N);
}

/* One finding of the asset data report: a detection and its glossary. */
static fl_err
qx_emit_info(struct qx_xml *c, const struct qx_info *in,
	     const struct qx_host *h, int host_auth)
{
	struct fl_finding *f = &c->f;
	const struct qx_gloss *g = in->has_qid ? gloss_find(c, in->qid) : NULL;
	const char *name = !fl_scan_blank(h->h[HO_DNS]) ? h->h[HO_DNS] :
			   h->h[HO_NETBIOS];
	char buf[48];
	size_t i;
	fl_err rc;

	fl_finding_reset(f);
	f->src_line = in->line;
	snprintf(buf, sizeof(buf), "%lu", in->qid);
	if (in->has_qid &&
	    (rc = fl_finding_setz(f, FL_FF_VULN_ID_FROM_TOOL, buf)) != FL_OK)
		return rc;
	if (in->has_qid)
		snprintf(buf, sizeof(buf), "QID-%lu", in->qid);
	else
		fl_strlcpy(buf, "QID-? (no QID in the report)", sizeof(buf));
	if ((rc = fl_finding_setz(f, FL_FF_TITLE, buf)) != FL_OK)
		return rc;
	if (g != NULL && !fl_scan_blank(g->t[G_TITLE]) &&
	    (rc = fl_finding_append(f, FL_FF_TITLE, " | ", g->t[G_TITLE],
				    strlen(g->t[G_TITLE]))) != FL_OK)
		return rc;
	f->severity = g != NULL ? qualys_sev(g->t[G_SEVERITY]) : FL_SEV_INFO;
	if (in->v[V_CVSS3] != NULL && !fl_scan_blank(in->v[V_CVSS3]) &&
	    strcmp(in->v[V_CVSS3], "-") != 0)
		rc = set_cvss3(f, in->v[V_CVSS3], NULL, "CVSS:3.0/");
	else if (g != NULL)
		rc = set_cvss3(f, g->t[G_CVSS3], NULL, "CVSS:3.0/");
	if (rc != FL_OK)
		return rc;
	if (g != NULL) {
		for (i = 0; i < g->cves.n; i++)
			if ((rc = fl_strlist_add_unique(&f->vuln_ids, g->cves.v[i],
							strlen(g->cves.v[i]))) != FL_OK)
				return rc;
		for (i = 0; i < g->urls.n; i++)
			if ((rc = fl_finding_append(f, FL_FF_REFERENCES, "\n",
						    g->urls.v[i],
						    strlen(g->urls.v[i]))) != FL_OK)
				return rc;
		if ((g->t[G_THREAT] != NULL &&
		     (rc = set_html(f, FL_FF_DESCRIPTION, g->t[G_THREAT],
				    strlen(g->t[G_THREAT]))) != FL_OK) ||
		    (g->t[G_IMPACT] != NULL &&
		     (rc = set_html(f, FL_FF_IMPACT, g->t[G_IMPACT],
				    strlen(g->t[G_IMPACT]))) != FL_OK) ||
		    (g->t[G_SOLUTION] != NULL &&
		     (rc = set_html(f, FL_FF_MITIGATION, g->t[G_SOLUTION],
				    strlen(g->t[G_SOLUTION]))) != FL_OK))
			return rc;
	}
	if ((in->v[V_RESULT] != NULL &&
	     (rc = fl_finding_setz(f, FL_FF_EVIDENCE, in->v[V_RESULT])) != FL_OK) ||
	    (in->v[V_LAST] != NULL &&
	     (rc = fl_finding_setz(f, FL_FF_DATE, in->v[V_LAST])) != FL_OK))
		return rc;
	if (in->v[V_STATUS] != NULL && fl_streq_ci(in->v[V_STATUS], "Fixed"))
		f->status = FL_FS_FIXED;
	f->authenticated = is_agent(h->h[HO_TRACK]) ||
			   (host_auth == 1 && port_num(in->v[V_PORT]) == 0);
	if ((rc = set_location(f, h->h[HO_IP], name, port_num(in->v[V_PORT]),
			       in->v[V_PROTO])) != FL_OK ||
	    (rc = qx_meta(c)) != FL_OK)
		return rc;
	return c->sink->finding(c->sink->ctx, f);
}

/* Emit every waiting detection (hosts in order) and forget them. */
static fl_err
qx_flush(struct qx_xml *c)
{
	size_t i = 0, k, end;
	fl_err rc = FL_OK;

	for (k = 0; k < c->nhosts && rc == FL_OK; k++) {
		const struct qx_host *h = &c->hosts[k];
		int auth = is_agent(h->h[HO_TRACK]) ? 1 : -1;

		for (end = i; end < c->npend && c->pend[end].host == k; end++) {
			const struct qx_gloss *g = c->pend[end].has_qid ?
						   gloss_find(c, c->pend[end].qid) : NULL;

			if (g != NULL)
				auth = auth_merge(auth, auth_hint(g->t[G_TITLE],
						  c->pend[end].v[V_RESULT]));
		}
		for (; i < end && rc == FL_OK; i++)
			rc = qx_emit_info(c, &c->pend[i], h, auth);
		if (rc == FL_OK)
			rc = report_host(c->sink, h->h[HO_IP],
					 !fl_scan_blank(h->h[HO_DNS]) ? h->h[HO_DNS] :
					 h->h[HO_NETBIOS], auth, h->h[HO_OS]);
		i = end;
	}
	for (i = 0; i < c->npend; i++)
		info_free(&c->pend[i]);
	for (k = 0; k < c->nhosts; k++)
		host_free(&c->hosts[k]);
	c->npend = c->nhosts = 0;
	return rc;
}

static fl_err
qx_host_open(struct qx_xml *c, struct fl_xml *x)
{
	if (c->nhosts >= QX_MAX_HOSTS)
		return fl_xml_fail(x, c->d, FL_E_LIMIT, "more than %d hosts",
				   QX_MAX_HOSTS);
	if (c->nhosts == c->hcap) {
		size_t cap = c->hcap ? c->hcap * 2 : 16;
		struct qx_host *v = reallocarray(c->hosts, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		c->hosts = v;
		c->hcap = cap;
	}
	memset(&c->hosts[c->nhosts], 0, sizeof(c->hosts[0]));
	c->nhosts++;
	return FL_OK;
}

static fl_err
qx_info_open(struct qx_xml *c, struct fl_xml *x)
{
	unsigned long line, col;

	if (c->npend >= QX_MAX_PENDING)
		return fl_xml_fail(x, c->d, FL_E_LIMIT,
				   "more than %d detections before the glossary",
				   QX_MAX_PENDING);
	if (c->npend == c->pcap) {
		size_t cap = c->pcap ? c->pcap * 2 : 64;
		struct qx_info *v = reallocarray(c->pend, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		c->pend = v;
		c->pcap = cap;
	}
	memset(&c->pend[c->npend], 0, sizeof(c->pend[0]));
	c->pend[c->npend].host = c->nhosts - 1;
	fl_xml_pos(x, &line, &col);
	c->pend[c->npend].line = line;
	c->npend++;
	return FL_OK;
}

/* ---- the SCAN shape: one item at a time ---- */

static fl_err
qx_scan_item(struct qx_xml *c)
{
	struct fl_finding *f = &c->f;
	char buf[48];
	fl_err rc;

	f->severity = c->s_sev;
	if (c->s_has_qid) {
		snprintf(buf, sizeof(buf), "%lu", c->s_qid);
		if ((rc = fl_finding_setz(f, FL_FF_VULN_ID_FROM_TOOL, buf)) != FL_OK)
			return rc;
	}
	if (c->s_has_qid)
		snprintf(buf, sizeof(buf), "QID-%lu", c->s_qid);
	else
		fl_strlcpy(buf, "QID-? (no QID in the report)", sizeof(buf));
	if ((rc = fl_finding_setz(f, FL_FF_TITLE, buf)) != FL_OK)
		return rc;
	if (!fl_scan_blank(c->s[S_TITLE]) &&
	    (rc = fl_finding_append(f, FL_FF_TITLE, " | ", c->s[S_TITLE],
				    strlen(c->s[S_TITLE]))) != FL_OK)
		return rc;
	if ((rc = set_cvss3(f, c->s[S_CVSS3], NULL, "CVSS:3.0/")) != FL_OK)
		return rc;
	if ((c->s[S_DIAG] != NULL &&
	     (rc = set_html(f, FL_FF_DESCRIPTION, c->s[S_DIAG],
			    strlen(c->s[S_DIAG]))) != FL_OK) ||
	    (c->s[S_CONSEQ] != NULL &&
	     (rc = set_html(f, FL_FF_IMPACT, c->s[S_CONSEQ],
			    strlen(c->s[S_CONSEQ]))) != FL_OK) ||
	    (c->s[S_SOLUTION] != NULL &&
	     (rc = set_html(f, FL_FF_MITIGATION, c->s[S_SOLUTION],
			    strlen(c->s[S_SOLUTION]))) != FL_OK) ||
	    (c->s[S_RESULT] != NULL &&
	     (rc = fl_finding_setz(f, FL_FF_EVIDENCE, c->s[S_RESULT])) != FL_OK))
		return rc;
	c->ipauth = auth_merge(c->ipauth, auth_hint(c->s[S_TITLE], c->s[S_RESULT]));
	/* the host's login is known only when the IP closes: local checks
	 * (no port) are marked by the auth hints seen so far */
	f->authenticated = c->ipauth == 1 && port_num(c->cat_port) == 0;
	if ((rc = set_location(f, c->ip, c->ipname, port_num(c->cat_port),
			       c->cat_proto)) != FL_OK ||
	    (rc = qx_meta(c)) != FL_OK)
		return rc;
	rc = c->sink->finding(c->sink->ctx, f);
	fl_finding_reset(f);
	return rc;
}

static int
is_item(const char *name, const char *parent, const char *grand)
{
	if (parent == NULL || grand == NULL || strcmp(parent, "CAT") != 0)
		return 0;
	return (strcmp(name, "VULN") == 0 && strcmp(grand, "VULNS") == 0) ||
	       (strcmp(name, "INFO") == 0 && strcmp(grand, "INFOS") == 0) ||
	       (strcmp(name, "PRACTICE") == 0 && strcmp(grand, "PRACTICES") == 0);
}

static fl_err
qx_start(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	 int depth)
{
	struct qx_xml *c = ctx;
	const char *parent = depth > 0 ? fl_xml_path(x, depth - 1) : "";
	const char *grand = depth > 1 ? fl_xml_path(x, depth - 2) : NULL;
	fl_err rc;

	if (c->idepth >= 0 || c->gdepth >= 0 || c->sdepth >= 0)
		return FL_OK;
	if (strcmp(name, "VULN_DETAILS") == 0 && strcmp(parent, "VULN_DETAILS_LIST") == 0) {
		if ((rc = gloss_open(c, x)) != FL_OK)
			return rc;
		c->gdepth = depth;
		return FL_OK;
	}
	if (c->hdepth >= 0) {
		if (strcmp(name, "VULN_INFO") == 0 &&
		    strcmp(parent, "VULN_INFO_LIST") == 0) {
			if ((rc = qx_info_open(c, x)) != FL_OK)
				return rc;
			c->idepth = depth;
		}
		return FL_OK;
	}
	if (strcmp(name, "HOST") == 0 && strcmp(parent, "HOST_LIST") == 0) {
		if ((rc = qx_host_open(c, x)) != FL_OK)
			return rc;
		c->hdepth = depth;
		return FL_OK;
	}
	/* SCAN shape */
	if (c->ipdepth < 0 && strcmp(name, "IP") == 0 && strcmp(parent, "SCAN") == 0) {
		const char *v = fl_xml_attr(atts, "value");
		const char *n = fl_xml_attr(atts, "name");

		c->ipdepth = depth;
		c->ipauth = -1;
		free(c->ip);
		free(c->ipname);
		free(c->ipos);
		c->ip = c->ipname = c->ipos = NULL;
		if ((v != NULL && (rc = fl_scan_keep(&c->ip, v, strlen(v))) != FL_OK) ||
		    (n != NULL && strcmp(n, "No registered hostname") != 0 &&
		     (rc = fl_scan_keep(&c->ipname, n, strlen(n))) != FL_OK))
			return rc;
		return FL_OK;
	}
	if (c->ipdepth >= 0 && strcmp(name, "CAT") == 0) {
		const char *p = fl_xml_attr(atts, "port");
		const char *pr = fl_xml_attr(atts, "protocol");

		free(c->cat_port);
		free(c->cat_proto);
		c->cat_port = c->cat_proto = NULL;
		if ((p != NULL && (rc = fl_scan_keep(&c->cat_port, p, strlen(p))) != FL_OK) ||
		    (pr != NULL && (rc = fl_scan_keep(&c->cat_proto, pr, strlen(pr))) != FL_OK))
			return rc;
		return FL_OK;
	}
	if (c->ipdepth >= 0 && is_item(name, parent, grand)) {
		const char *num = fl_xml_attr(atts, "number");
		const char *sev = fl_xml_attr(atts, "severity");
		unsigned long line, col;

		c->sdepth = depth;
		fl_scan_clear(c->s, S__N);
		fl_finding_reset(&c->f);
		fl_xml_pos(x, &line, &col);
		c->f.src_line = line;
		c->s_has_qid = num != NULL && qid_parse(num, strlen(num), &c->s_qid) == 0;
		if (!c->s_has_qid)
			c->s_qid = 0;
		c->s_sev = qualys_sev(sev);
	}
	return FL_OK;
}

static fl_err
qx_gloss_end(struct qx_xml *c, struct fl_xml *x, const char *name,
	     const char *text, size_t len, int depth)
{
	struct qx_gloss *e = &c->g[c->ng];
	const char *parent = fl_xml_path(x, depth - 1);
	int rel = depth - c->gdepth;

	if (rel == 0) {
		fl_err rc = gloss_close(c, c->gqid);

		free(c->gqid);
		c->gqid = NULL;
		c->gdepth = -1;
		return rc;
	}
	if (rel == 1) {
		static const struct {
			const char *name;
			enum qx_g k;
		} map[] = {
			{ "TITLE", G_TITLE }, { "SEVERITY", G_SEVERITY },
			{ "CATEGORY", G_CATEGORY }, { "THREAT", G_THREAT },
			{ "IMPACT", G_IMPACT }, { "SOLUTION", G_SOLUTION },
		};
		size_t i;

		if (strcmp(name, "QID") == 0)
			return fl_scan_keep(&c->gqid, text, len);
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(name, map[i].name) == 0)
				return fl_scan_keep(&e->t[map[i].k], text, len);
		return FL_OK;
	}
	if (rel == 2 && strcmp(name, "CVSS3_BASE") == 0 &&
	    strcmp(parent, "CVSS3_SCORE") == 0)
		return fl_scan_keep(&e->t[G_CVSS3], text, len);
	if (rel == 3 && strcmp(parent, "CVE_ID") == 0) {
		const char *p = text;
		size_t n = fl_scan_trim(&p, len);

		if (n == 0)
			return FL_OK;
		if (strcmp(name, "ID") == 0)
			return fl_strlist_add_unique(&e->cves, p, n);
		if (strcmp(name, "URL") == 0)
			return fl_strlist_add_unique(&e->urls, p, n);
	}
	return FL_OK;
}

static fl_err
qx_info_end(struct qx_xml *c, const char *name, const char *text, size_t len,
	    int depth)
{
	static const struct {
		const char *name;
		enum qx_v k;
	} map[] = {
		{ "TYPE", V_TYPE }, { "PORT", V_PORT }, { "PROTOCOL", V_PROTO },
		{ "RESULT", V_RESULT }, { "FIRST_FOUND", V_FIRST },
		{ "LAST_FOUND", V_LAST }, { "VULN_STATUS", V_STATUS },
		{ "CVSS3_FINAL", V_CVSS3 },
	};
	struct qx_info *in = &c->pend[c->npend - 1];
	size_t i;

	if (depth == c->idepth) {
		c->idepth = -1;
		return FL_OK;
	}
	if (depth != c->idepth + 1)
		return FL_OK;
	if (strcmp(name, "QID") == 0) {
		in->has_qid = qid_parse(text, len, &in->qid) == 0;
		return FL_OK;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(name, map[i].name) == 0)
			return fl_scan_keep(&in->v[map[i].k], text, len);
	return FL_OK;
}

static fl_err
qx_scan_end(struct qx_xml *c, const char *name, const char *text, size_t len,
	    int depth, const char *parent)
{
	static const struct {
		const char *name;
		enum qx_s k;
	} map[] = {
		{ "TITLE", S_TITLE }, { "DIAGNOSIS", S_DIAG },
		{ "CONSEQUENCE", S_CONSEQ }, { "SOLUTION", S_SOLUTION },
		{ "RESULT", S_RESULT }, { "CVSS3_BASE", S_CVSS3 },
	};
	size_t i;
	fl_err rc;

	if (c->sdepth >= 0) {
		int rel = depth - c->sdepth;

		if (rel == 0) {
			rc = qx_scan_item(c);
			c->sdepth = -1;
			return rc;
		}
		if (rel == 1) {
			for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
				if (strcmp(name, map[i].name) == 0)
					return fl_scan_keep(&c->s[map[i].k], text, len);
			return FL_OK;
		}
		if (rel == 3 && strcmp(name, "ID") == 0 &&
		    strcmp(parent, "CVE_ID") == 0) {
			const char *p = text;
			size_t n = fl_scan_trim(&p, len);

			return n ? fl_strlist_add_unique(&c->f.vuln_ids, p, n) : FL_OK;
		}
		if (rel == 3 && strcmp(name, "URL") == 0 &&
		    strcmp(parent, "CVE_ID") == 0) {
			const char *p = text;
			size_t n = fl_scan_trim(&p, len);

			return n ? fl_finding_append(&c->f, FL_FF_REFERENCES, "\n",
						     p, n) : FL_OK;
		}
		return FL_OK;
	}
	if (depth == c->ipdepth) {
		rc = report_host(c->sink, c->ip, c->ipname, c->ipauth, c->ipos);
		c->ipdepth = -1;
		return rc;
	}
	if (depth == c->ipdepth + 1 && strcmp(name, "OS") == 0)
		return fl_scan_keep(&c->ipos, text, len);
	return FL_OK;
}

static fl_err
qx_end(void *ctx, struct fl_xml *x, const char *name, const char *text,
       size_t len, int depth)
{
	struct qx_xml *c = ctx;
	const char *parent = depth > 0 ? fl_xml_path(x, depth - 1) : "";

	if (c->gdepth >= 0)
		return qx_gloss_end(c, x, name, text, len, depth);
	if (c->idepth >= 0)
		return qx_info_end(c, name, text, len, depth);
	if (c->hdepth >= 0) {
		static const struct {
			const char *name;
			enum qx_h k;
		} map[] = {
			{ "IP", HO_IP }, { "DNS", HO_DNS }, { "NETBIOS", HO_NETBIOS },
			{ "OPERATING_SYSTEM", HO_OS }, { "TRACKING_METHOD", HO_TRACK },
		};
		struct qx_host *h = &c->hosts[c->nhosts - 1];
		size_t i;

		if (depth == c->hdepth) {
			c->hdepth = -1;
			return c->gloss_done ? qx_flush(c) : FL_OK;
		}
		if (depth == c->hdepth + 1)
			for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
				if (strcmp(name, map[i].name) == 0)
					return fl_scan_keep(&h->h[map[i].k], text, len);
		return FL_OK;
	}
	if (c->ipdepth >= 0)
		return qx_scan_end(c, name, text, len, depth, parent);
	if (strcmp(name, "GLOSSARY") == 0) {
		c->gloss_done = 1;
		return qx_flush(c);
	}
	/* report name and time: asset data report HEADER, scan HEADER/KEY */
	if (strcmp(parent, "HEADER") == 0 && strcmp(name, "TEMPLATE") == 0 &&
	    c->m_name == NULL)
		return fl_scan_keep(&c->m_name, text, len);
	if (strcmp(parent, "HEADER") == 0 &&
	    strcmp(name, "GENERATION_DATETIME") == 0 && c->m_date == NULL)
		return fl_scan_keep(&c->m_date, text, len);
	if (depth == 0) {
		fl_err rc = qx_flush(c);  /* a report without a glossary */

		return rc != FL_OK ? rc : qx_meta(c);
	}
	return FL_OK;
}

/* SCAN HEADER/KEY name="TITLE"|"DATE": the attribute is on the start tag. */
static fl_err
qx_start_key(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	     int depth)
{
	struct qx_xml *c = ctx;

	if (strcmp(name, "KEY") == 0 && depth == 2 &&
	    strcmp(fl_xml_path(x, 1), "HEADER") == 0) {
		const char *k = fl_xml_attr(atts, "value");

		free(c->key);
		c->key = NULL;
		return k != NULL ? fl_scan_keep(&c->key, k, strlen(k)) : FL_OK;
	}
	return qx_start(ctx, x, name, atts, depth);
}

static fl_err
qx_end_key(void *ctx, struct fl_xml *x, const char *name, const char *text,
	   size_t len, int depth)
{
	struct qx_xml *c = ctx;

	if (strcmp(name, "KEY") == 0 && depth == 2 && c->key != NULL) {
		fl_err rc = FL_OK;

		if (strcmp(c->key, "TITLE") == 0 && c->m_name == NULL)
			rc = fl_scan_keep(&c->m_name, text, len);
		else if (strcmp(c->key, "DATE") == 0 && c->m_date == NULL)
			rc = fl_scan_keep(&c->m_date, text, len);
		free(c->key);
		c->key = NULL;
		return rc;
	}
	return qx_end(ctx, x, name, text, len, depth);
}

static fl_err
qualys_xml_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		struct fl_diag *d)
{
	struct qx_xml c;
	struct fl_xml_handlers h = { &c, qx_start_key, qx_end_key };
	size_t i;
	fl_err rc;

	memset(&c, 0, sizeof(c));
	c.sink = sink;
	c.d = d;
	c.gdepth = c.hdepth = c.idepth = c.ipdepth = c.sdepth = -1;
	fl_finding_init(&c.f);
	rc = fl_xml_stream(src, &h, 0, d);
	if (rc == FL_E_NOMEM && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "out of memory");
	fl_finding_reset(&c.f);
	for (i = 0; i < c.ng; i++)
		gloss_free(&c.g[i]);
	if (c.gdepth >= 0)
		gloss_free(&c.g[c.ng]);
	free(c.g);
	free(c.gslot);
	for (i = 0; i < c.npend; i++)
		info_free(&c.pend[i]);
	free(c.pend);
	for (i = 0; i < c.nhosts; i++)
		host_free(&c.hosts[i]);
	free(c.hosts);
	fl_scan_clear(c.s, S__N);
	free(c.ip);
	free(c.ipname);
	free(c.ipos);
	free(c.cat_port);
	free(c.cat_proto);
	free(c.m_name);
	free(c.m_date);
	free(c.key);
	free(c.gqid);
	return rc;
}

const struct fl_scan_format fl_fmt_qualys_xml = {
	"qualys-xml", "Qualys asset data report or scan report XML",
	qualys_xml_sniff, qualys_xml_read
};

/* ---- CSV ------------------------------------------------------------------ */

enum qc_c {
	Q_IP, Q_DNS, Q_NETBIOS, Q_HOSTNAME, Q_FQDN, Q_TRACK, Q_OS, Q_OS2, Q_QID,
	Q_TITLE, Q_VTITLE, Q_STATUS, Q_SEVERITY, Q_PORT, Q_PROTO, Q_LAST,
	Q_LASTSCAN, Q_CVE, Q_CVE2, Q_CVSS3, Q_CVSS3T, Q_CVSS31, Q_CVSS31T,
	Q_THREAT, Q_IMPACT, Q_SOLUTION, Q_RESULTS, Q_RESULT, Q_FP,
	Q__N
};
static const char *const qc_cols[Q__N] = {
	"IP", "DNS", "NetBIOS", "HOSTNAME", "FQDN", "Tracking Method", "OS",
	"OPERATING SYSTEM", "QID", "Title", "VULN TITLE", "Vuln Status",
	"Severity", "Port", "Protocol", "Last Detected", "LAST SCAN", "CVE ID",
	"CVEID", "CVSS3 Base", "CVSS3 Temporal", "CVSS3.1 Base",
	"CVSS3.1 Temporal", "Threat", "Impact", "Solution", "Results", "RESULT",
	"FALSE POSITIVE STATUS",
};

/* A line of the first bytes that names QID and a title column. */
static int
qualys_csv_sniff(const char *head, size_t n, const char *path)
{
	size_t i = 0, eol;

	(void)path;
	while (i < n) {
		for (eol = i; eol < n && head[eol] != '\n'; eol++)
			;
		if (fl_scan_has(head + i, eol - i, "QID") &&
		    (fl_scan_has(head + i, eol - i, "Title") ||
		     fl_scan_has(head + i, eol - i, "VULN TITLE")) &&
		    fl_scan_has(head + i, eol - i, "IP"))
			return 90;
		i = eol + 1;
	}
	return 0;
}

struct qx_csv {
	const struct fl_scan_sink *sink;
	const char *path;
	struct fl_csv_header hdr;
	int have_hdr, meta_sent, nrec;
	long col[Q__N];
	struct fl_finding f;
	struct fl_strset hosts;  /* hosts already reported, by key */
};

static const char *
qget(const struct qx_csv *c, const struct fl_csv_record *rec, enum qc_c k)
{
	return fl_csv_get(rec, c->col[k]);
}

/* The first non-blank of two columns (the detection and the PCI names). */
static const char *
qget2(const struct qx_csv *c, const struct fl_csv_record *rec, enum qc_c a,
      enum qc_c b)
{
	const char *s = qget(c, rec, a);

	return !fl_scan_blank(s) ? s : qget(c, rec, b);
}

static fl_err
qc_row(struct qx_csv *c, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct fl_finding *f = &c->f;
	const char *title = qget2(c, rec, Q_TITLE, Q_VTITLE);
	const char *qid = qget(c, rec, Q_QID), *ip = qget(c, rec, Q_IP);
	const char *name, *s;
	char *tip = NULL, *tname = NULL, key[64];
	int agent, isnew;
	fl_err rc;

	if (fl_scan_blank(title) || strcmp(title, "Title") == 0)
		return FL_OK;  /* a repeated header, or a summary line */
	fl_finding_reset(f);
	f->src_line = rec->line;
	name = qget(c, rec, Q_FQDN);
	if (fl_scan_blank(name))
		name = qget(c, rec, Q_DNS);
	if (fl_scan_blank(name))
		name = qget(c, rec, Q_HOSTNAME);
	{
		const char *p = ip;
		size_t n = fl_scan_trim(&p, strlen(ip));

		if ((tip = fl_strndup(p, n)) == NULL)
			return FL_E_NOMEM;
		p = name;
		n = fl_scan_trim(&p, strlen(name));
		if ((tname = fl_strndup(p, n)) == NULL) {
			free(tip);
			return FL_E_NOMEM;
		}
	}
	{
		const char *p = qid;
		size_t n = fl_scan_trim(&p, strlen(qid));

		if ((n > 0 &&
		     (rc = fl_finding_set(f, FL_FF_VULN_ID_FROM_TOOL, p, n)) != FL_OK) ||
		    (rc = fl_finding_set(f, FL_FF_TITLE, "QID-", 4)) != FL_OK ||
		    (rc = fl_finding_append(f, FL_FF_TITLE, "", p, n)) != FL_OK ||
		    (rc = fl_finding_append(f, FL_FF_TITLE, "", " | ", 3)) != FL_OK ||
		    (rc = fl_finding_append(f, FL_FF_TITLE, "", title,
					    strlen(title))) != FL_OK)
			goto out;
		/* DefectDojo merges the rows of one QID into one finding */
		snprintf(key, sizeof(key), "qualys-qid:%.*s",
			 (int)(n < 40 ? n : 40), p);
		if (n > 0 &&
		    (rc = fl_finding_setz(f, FL_FF_GROUP_KEY, key)) != FL_OK)
			goto out;
	}
	f->severity = qualys_sev(qget(c, rec, Q_SEVERITY));
	if (c->col[Q_CVSS31] >= 0 && !fl_scan_blank(qget(c, rec, Q_CVSS31)))
		rc = set_cvss3(f, qget(c, rec, Q_CVSS31), qget(c, rec, Q_CVSS31T),
			       "CVSS:3.1/");
	else
		rc = set_cvss3(f, qget(c, rec, Q_CVSS3), qget(c, rec, Q_CVSS3T),
			       "CVSS:3.0/");
	if (rc != FL_OK)
		goto out;
	s = qget2(c, rec, Q_CVE, Q_CVE2);
	if ((rc = add_split(&f->vuln_ids, s, strlen(s))) != FL_OK)
		goto out;
	s = qget(c, rec, Q_THREAT);
	if ((rc = set_html(f, FL_FF_DESCRIPTION, s, strlen(s))) != FL_OK)
		goto out;
	s = qget(c, rec, Q_IMPACT);
	if ((rc = set_html(f, FL_FF_IMPACT, s, strlen(s))) != FL_OK)
		goto out;
	s = qget(c, rec, Q_SOLUTION);
	if ((rc = set_html(f, FL_FF_MITIGATION, s, strlen(s))) != FL_OK)
		goto out;
	s = qget2(c, rec, Q_RESULTS, Q_RESULT);
	if (!fl_scan_blank(s) && (rc = fl_finding_setz(f, FL_FF_EVIDENCE, s)) != FL_OK)
		goto out;
	s = qget2(c, rec, Q_LAST, Q_LASTSCAN);
	if (!fl_scan_blank(s) && (rc = fl_finding_setz(f, FL_FF_DATE, s)) != FL_OK)
		goto out;
	if (fl_streq_ci(qget(c, rec, Q_STATUS), "Fixed"))
		f->status = FL_FS_FIXED;
	agent = is_agent(qget(c, rec, Q_TRACK));
	f->authenticated = agent;
	if ((rc = set_location(f, tip, tname, port_num(qget(c, rec, Q_PORT)),
			       qget(c, rec, Q_PROTO))) != FL_OK)
		goto out;
	if (tip[0] != '\0' || tname[0] != '\0') {
		rc = fl_strset_add(&c->hosts, tname[0] ? tname : tip,
				   QX_MAX_HOSTS, NULL, &isnew);
		if (rc == FL_E_LIMIT)
			rc = fl_diag_set(d, rc, c->path, rec->line, 1,
					 "more than %d hosts", QX_MAX_HOSTS);
		if (rc == FL_OK && isnew)
			rc = report_host(c->sink, tip, tname, agent ? 1 : -1,
					 qget2(c, rec, Q_OS, Q_OS2));
		if (rc != FL_OK)
			goto out;
	}
	if ((rc = fl_scan_meta_once(c->sink, &c->meta_sent, "Qualys", NULL,
				    NULL)) != FL_OK)
		goto out;
	rc = c->sink->finding(c->sink->ctx, f);
out:
	free(tip);
	free(tname);
	fl_finding_reset(f);
	return rc;
}

static fl_err
qc_record(void *ctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct qx_csv *c = ctx;
	struct fl_csv_header h;
	size_t k;
	fl_err rc;

	c->nrec++;
	if (c->have_hdr)
		return qc_row(c, rec, d);
	/* the preamble (report title, company, filters) ends at the header */
	if ((rc = fl_csv_header_init(&h, rec)) != FL_OK)
		return rc;
	if (fl_csv_col(&h, "QID") < 0 || (fl_csv_col(&h, "Title") < 0 &&
					  fl_csv_col(&h, "VULN TITLE") < 0)) {
		fl_csv_header_release(&h);
		return FL_OK;
	}
	c->hdr = h;
	c->have_hdr = 1;
	for (k = 0; k < Q__N; k++)
		c->col[k] = fl_csv_col(&c->hdr, qc_cols[k]);
	return FL_OK;
}

static fl_err
qualys_csv_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		struct fl_diag *d)
{
	struct qx_csv c;
	char *data = NULL;
	size_t len;
	fl_err rc;

	memset(&c, 0, sizeof(c));
	c.sink = sink;
	c.path = src->path;
	fl_finding_init(&c.f);
	if ((rc = fl_scan_src_slurp(src, &data, &len, d)) != FL_OK)
		return rc;
	rc = fl_csv_parse(data, len, src->path, ',', NULL, qc_record, &c, d);
	if (rc == FL_OK && !c.have_hdr && c.nrec > 0)
		rc = fl_diag_set(d, FL_E_SYNTAX, src->path, 1, 1,
				 "not a Qualys CSV export: no header line "
				 "with 'QID' and 'Title' columns");
	if (rc == FL_OK)
		rc = fl_scan_meta_once(sink, &c.meta_sent, "Qualys", NULL,
				       NULL);
	if (rc == FL_E_NOMEM && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "out of memory");
	free(data);
	fl_finding_reset(&c.f);
	fl_csv_header_release(&c.hdr);
	fl_strset_free(&c.hosts);
	return rc;
}

const struct fl_scan_format fl_fmt_qualys_csv = {
	"qualys-csv", "Qualys CSV export (detections, PCI)",
	qualys_csv_sniff, qualys_csv_read
};
