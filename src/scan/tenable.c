/*
 * tenable: Nessus .nessus v2 XML (also what Tenable WAS exports as XML),
 * and the CSV exports of Nessus, Tenable Security Center, Tenable
 * Vulnerability Management (Tenable.io, "asset.* / definition.*" columns)
 * and Tenable WAS.
 *
 * The .nessus reader is the hot path of an import (a report of 50,000
 * hosts is about 1 GB), so it keeps memory flat and allocation-free in the
 * steady state: every field of the ReportItem being read lives in a
 * reusable buffer owned by the reader, and the finding handed to the sink
 * is a view over those buffers (it owns nothing, so it is re-initialised
 * for the next item rather than reset).  A sink that keeps a finding copies
 * it, as the grouper does.  The WAS XML is the same NessusClientData_v2
 * schema (a Report of type "was" whose host is a URL), so both registered
 * names share that reader and differ only in the scanner they report.
 *
 * What DefectDojo's Tenable parser does and we do the same: an XML item's
 * title is its pluginName, its severity Nessus' 0..4 unless a CVSS v3 base
 * score is given, its location the host's FQDN (or the ReportHost name)
 * with the item's port and the service as protocol when it is a URL
 * scheme; XML findings merge on severity + plugin name across hosts, CSV
 * rows on severity + title + host + port + synopsis.  Where we differ, on
 * purpose: CVSS v3 scores map to severity by the CVSS v3 table (Medium
 * from 4.0, not 5.0); every <cve> of an item is kept (not only the first)
 * and no id is listed twice.
 *
 * It refuses what is not its format (another root element, a CSV without
 * a plugin-name column) with file, line and column, and it never trusts a
 * length: every buffer is capped at the finding model's field limit.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "../ingest/ingest.h"
#include "scan.h"

#define TN_FIELD_MAX ((size_t)16 << 20) /* = finding.c's field limit */
#define TN_LIST_MAX 100000              /* = finding.c's list limit */

static char na_text[] = "N/A";

/* ---- shared helpers ----------------------------------------------------- */

static int
has_prefix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncasecmp(s, p, k) == 0;
}

/*
 * A CVSS base score.  Some Nessus CSV exports lose the decimal separator
 * ("75" for 7.5): a whole number between 10 and 100 is read that way.
 */
static double
cvss_score(const char *s, size_t n)
{
	double v;

	n = fl_scan_trim(&s, n);
	if ((v = fl_scan_score(s, n)) < 0)
		return -1;
	if (v > 10.0) {
		if (memchr(s, '.', n) != NULL || v > 100.0)
			return -1;
		v /= 10.0;
	}
	return v;
}

/*
 * An EPSS probability in [0, 1].  "3833" (an export that dropped "0.")
 * means 0.3833; a value above 1 with a decimal point is a percentage.
 */
static double
epss_score(const char *s, size_t n)
{
	char tmp[40];
	double v;
	size_t i;

	n = fl_scan_trim(&s, n);
	if (n == 0 || n + 2 >= sizeof(tmp))
		return -1;
	for (i = 0; i < n && isdigit((unsigned char)s[i]); i++)
		;
	if (i == n && n > 1) {
		tmp[0] = '0';
		tmp[1] = '.';
		memcpy(tmp + 2, s, n);
		return fl_scan_score(tmp, n + 2);
	}
	if ((v = fl_scan_score(s, n)) < 0)
		return -1;
	if (v > 1.0)
		v = v <= 100.0 ? v / 100.0 : -1;
	return v;
}

/*
 * A CVSS v3 vector in canonical form, as DefectDojo stores it: the
 * "CVSS:3.x/" prefix (3.0 when the report leaves it out), the metrics in
 * the specification's order, metrics "not defined" (X) left out.  A vector
 * we cannot read metric by metric is kept as written, with the prefix.
 */
static fl_err
cvss3_vector(struct fl_buf *out, const char *s, size_t n)
{
	static const char *const order[] = {
		"AV", "AC", "PR", "UI", "S", "C", "I", "A", "E", "RL", "RC",
		"CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI",
		"MA",
	};
	enum { NM = sizeof(order) / sizeof(order[0]) };
	const char *val[NM];
	size_t vlen[NM], i, k;
	const char *p, *e, *prefix = "CVSS:3.0/";
	size_t plen = 9;
	fl_err rc;

	fl_buf_reset(out);
	n = fl_scan_trim(&s, n);
	if (has_prefix_ci(s, n, "CVSS3#")) {
		s += 6;
		n -= 6;
	}
	if (has_prefix_ci(s, n, "CVSS:3.") && n > 8 && s[8] == '/') {
		prefix = s;
		s += 9;
		n -= 9;
	}
	if (n == 0)
		return FL_OK;
	memset(val, 0, sizeof(val));
	memset(vlen, 0, sizeof(vlen));
	for (p = s, e = s + n; p < e;) {
		const char *q = memchr(p, '/', (size_t)(e - p)), *c;

		if (q == NULL)
			q = e;
		c = memchr(p, ':', (size_t)(q - p));
		if (c == NULL)
			goto raw;
		for (k = 0; k < NM; k++)
			if (strlen(order[k]) == (size_t)(c - p) &&
			    memcmp(order[k], p, (size_t)(c - p)) == 0)
				break;
		if (k == NM || c + 1 == q || val[k] != NULL)
			goto raw;
		val[k] = c + 1;
		vlen[k] = (size_t)(q - c - 1);
		p = q + 1;
	}
	if ((rc = fl_buf_append(out, prefix, plen)) != FL_OK)
		return rc;
	for (i = 0, k = 0; k < NM; k++) {
		if (val[k] == NULL || (vlen[k] == 1 && val[k][0] == 'X'))
			continue;
		if ((i++ > 0 && (rc = fl_buf_putc(out, '/')) != FL_OK) ||
		    (rc = fl_buf_puts(out, order[k])) != FL_OK ||
		    (rc = fl_buf_putc(out, ':')) != FL_OK ||
		    (rc = fl_buf_append(out, val[k], vlen[k])) != FL_OK)
			return rc;
	}
	return FL_OK;
raw:
	fl_buf_reset(out);
	if ((rc = fl_buf_append(out, prefix, plen)) != FL_OK)
		return rc;
	return fl_buf_append(out, s, n);
}

/* A CVSS v4 vector with its "CVSS:4.0/" prefix. */
static fl_err
cvss4_vector(struct fl_buf *out, const char *s, size_t n)
{
	fl_err rc;

	fl_buf_reset(out);
	n = fl_scan_trim(&s, n);
	if (n == 0)
		return FL_OK;
	if (!has_prefix_ci(s, n, "CVSS:4.") &&
	    (rc = fl_buf_puts(out, "CVSS:4.0/")) != FL_OK)
		return rc;
	return fl_buf_append(out, s, n);
}

/*
 * The schemes a URL library knows a default port for (hyperlink's table,
 * which DefectDojo consults): a Nessus service name that is one of them is
 * the location's protocol, any other falls back to tcp/udp.
 */
static int
url_scheme(const char *s)
{
	static const char *const schemes[] = {
		"acap", "afp", "dict", "dns", "file", "ftp", "git", "gopher",
		"http", "https", "imap", "ipp", "ipps", "irc", "ircs", "ldap",
		"ldaps", "mms", "msrp", "msrps", "mtqp", "nfs", "nntp", "nntps",
		"pop", "prospero", "redis", "rsync", "rtsp", "rtsps", "rtspu",
		"sftp", "smb", "snmp", "ssh", "steam", "svn", "telnet",
		"ventrilo", "vnc", "wais", "ws", "wss", "xmpp",
	};
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strcmp(s, schemes[i]) == 0)
			return 1;
	return 0;
}

/* Keep [A-Za-z0-9+-] of s in out (size outsz), as DefectDojo cleans it. */
static void
clean_proto(char *out, size_t outsz, const char *s)
{
	size_t k = 0;

	for (; s != NULL && *s != '\0' && k + 1 < outsz; s++)
		if (isalnum((unsigned char)*s) || *s == '-' || *s == '+')
			out[k++] = *s;
	out[k] = '\0';
}

/*
 * Nessus' protocol rule: the service name when it is a URL scheme ("www"
 * is http), else the transport ("tcp", "udp").  Returns 1 for a "general"
 * item, which is about the host alone (no protocol, no port).
 */
static int
item_protocol(char out[static 32], const char *svc, const char *transport)
{
	char t[32];

	clean_proto(out, 32, svc);
	if (out[0] == '\0')
		return 0;
	if (strcmp(out, "www") == 0)
		fl_strlcpy(out, "http", 32);
	if (!url_scheme(out) && transport != NULL) {
		clean_proto(t, sizeof(t), transport);
		fl_strlcpy(out, t, 32);
	}
	if (strcmp(out, "general") == 0) {
		out[0] = '\0';
		return 1;
	}
	return 0;
}

static int
looks_like_ip(const char *s)
{
	unsigned char a[16];

	return s != NULL && (inet_pton(AF_INET, s, a) == 1 ||
			     inet_pton(AF_INET6, s, a) == 1);
}

/* "CWE-94", "94", "CWE:79" -> 94; 0 when there is no number. */
static int
cwe_number(const char *s, size_t n)
{
	long v = 0;
	size_t i = 0;

	n = fl_scan_trim(&s, n);
	if (has_prefix_ci(s, n, "CWE"))
		i = 3;
	while (i < n && (s[i] == '-' || s[i] == ':' || s[i] == ' ' || s[i] == '#'))
		i++;
	if (i == n)
		return 0;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
		if (v > 1000000)
			return 0;
	}
	return (int)v;
}

/*
 * An id list for one item (CVEs, CWEs): the strings in one buffer, their
 * offsets in order, and a hash index stamped with a generation number so
 * that starting the next item costs nothing however large the last was.
 */
struct idslot {
	uint32_t gen;
	uint32_t idx;
};

struct idlist {
	struct fl_buf text;     /* NUL-separated ids */
	size_t *off;
	char **ptr;             /* built at emit time, text no longer moves */
	size_t n, cap;
	struct idslot *slots;
	size_t nslots;
	uint32_t gen;
};

static void
idlist_init(struct idlist *l)
{
	memset(l, 0, sizeof(*l));
	fl_buf_init(&l->text, TN_FIELD_MAX);
	l->gen = 1;
}

static void
idlist_release(struct idlist *l)
{
	fl_buf_release(&l->text);
	free(l->off);
	free(l->ptr);
	free(l->slots);
}

static void
idlist_clear(struct idlist *l)
{
	fl_buf_reset(&l->text);
	l->n = 0;
	if (++l->gen == 0) {    /* wrapped: forget every stamp */
		if (l->slots != NULL)
			memset(l->slots, 0, l->nslots * sizeof(*l->slots));
		l->gen = 1;
	}
}

static fl_err
idlist_rehash(struct idlist *l)
{
	size_t ns = l->nslots ? l->nslots * 2 : 64, i, h;
	struct idslot *s = calloc(ns, sizeof(*s));

	if (s == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < l->n; i++) {
		const char *v = l->text.data + l->off[i];

		h = (size_t)fl_scan_hash(v, strlen(v)) & (ns - 1);
		while (s[h].gen == l->gen)
			h = (h + 1) & (ns - 1);
		s[h].gen = l->gen;
		s[h].idx = (uint32_t)i;
	}
	free(l->slots);
	l->slots = s;
	l->nslots = ns;
	return FL_OK;
}

/* Add (s, n) unless already there (exact match: callers normalise case). */
static fl_err
idlist_add(struct idlist *l, const char *s, size_t n)
{
	size_t h, start;
	fl_err rc;

	if (n == 0)
		return FL_OK;
	if (l->n >= TN_LIST_MAX)
		return FL_E_LIMIT;
	if ((l->n + 1) * 2 > l->nslots && (rc = idlist_rehash(l)) != FL_OK)
		return rc;
	h = (size_t)fl_scan_hash(s, n) & (l->nslots - 1);
	while (l->slots[h].gen == l->gen) {
		const char *v = l->text.data + l->off[l->slots[h].idx];

		if (strlen(v) == n && memcmp(v, s, n) == 0)
			return FL_OK;
		h = (h + 1) & (l->nslots - 1);
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		size_t *o = reallocarray(l->off, cap, sizeof(*o));
		char **p;

		if (o == NULL)
			return FL_E_NOMEM;
		l->off = o;
		if ((p = reallocarray(l->ptr, cap, sizeof(*p))) == NULL)
			return FL_E_NOMEM;
		l->ptr = p;
		l->cap = cap;
	}
	start = l->text.len;
	if ((rc = fl_buf_append(&l->text, s, n)) != FL_OK ||
	    (rc = fl_buf_putc(&l->text, '\0')) != FL_OK) {
		l->text.len = start;
		return rc;
	}
	l->off[l->n] = start;
	l->slots[h].gen = l->gen;
	l->slots[h].idx = (uint32_t)l->n;
	l->n++;
	return FL_OK;
}

/* Point a finding's list at the ids (borrowed until the next clear). */
static void
idlist_view(struct idlist *l, struct fl_strlist *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		l->ptr[i] = l->text.data + l->off[i];
	out->v = l->ptr;
	out->n = out->cap = l->n;
}

/* ---- .nessus v2 XML ------------------------------------------------------ */

/* The ReportItem children we keep (the first of each, as DefectDojo). */
enum item_field {
	IF_SYNOPSIS, IF_DESCRIPTION, IF_SOLUTION, IF_OUTPUT, IF_PLUGIN_NAME,
	IF_RISK_FACTOR, IF_CVSS3_VECTOR, IF_CVSS3_SCORE, IF_CVSSV3,
	IF_CVSS4_VECTOR, IF_CVSS4_SCORE, IF_CVSS, IF_CVSS_VECTOR,
	IF_CVSS_BASE, IF_CVSS_TEMPORAL, IF_EPSS,
	IF__N,
	/* repeated children, collected as lists */
	IF_CVE, IF_CWE, IF_SEE_ALSO, IF_XREF,
	IF_NONE
};

/* HostProperties tags we keep. */
enum host_tag {
	HT_IP, HT_FQDN, HT_HOSTNAME, HT_CRED, HT_START, HT_END, HT_OS,
	HT__N, HT_NONE = HT__N
};

struct nessus {
	struct fl_scan_src *src;
	const struct fl_scan_sink *sink;
	struct fl_diag *d;
	int was;                /* read as the WAS format */
	int meta_sent;
	int host_depth, props_depth, item_depth; /* -1: not inside */
	int tag;                /* enum host_tag of the open <tag> */
	int field;              /* enum item_field of the open child */

	/* the ReportHost being read */
	struct fl_buf h_name, h_tag[HT__N];
	int host_sent, host_auth;
	struct fl_buf u_host, u_proto, u_path; /* host-fqdn given as a URL */
	unsigned u_port;
	int is_url;

	/* the ReportItem being read */
	struct fl_buf title, plugin_id, svc, transport;
	struct fl_buf fld[IF__N];
	unsigned char have[IF__N];
	struct idlist cves, cwes;
	struct fl_buf see_also, xref;
	unsigned port;
	int sev_attr;           /* 0..4, or -1 when absent or invalid */
	unsigned long item_line;

	/* composed at emit time */
	struct fl_buf impact, v3vec, v4vec, key;
	struct fl_finding f;
	struct fl_scan_loc loc;
	char proto[32];
};

static void
nessus_init(struct nessus *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->host_depth = c->props_depth = c->item_depth = -1;
	c->tag = HT_NONE;
	c->field = IF_NONE;
	fl_buf_init(&c->h_name, TN_FIELD_MAX);
	for (i = 0; i < HT__N; i++)
		fl_buf_init(&c->h_tag[i], TN_FIELD_MAX);
	fl_buf_init(&c->u_host, TN_FIELD_MAX);
	fl_buf_init(&c->u_proto, TN_FIELD_MAX);
	fl_buf_init(&c->u_path, TN_FIELD_MAX);
	fl_buf_init(&c->title, TN_FIELD_MAX);
	fl_buf_init(&c->plugin_id, TN_FIELD_MAX);
	fl_buf_init(&c->svc, TN_FIELD_MAX);
	fl_buf_init(&c->transport, TN_FIELD_MAX);
	for (i = 0; i < IF__N; i++)
		fl_buf_init(&c->fld[i], TN_FIELD_MAX);
	idlist_init(&c->cves);
	idlist_init(&c->cwes);
	fl_buf_init(&c->see_also, TN_FIELD_MAX);
	fl_buf_init(&c->xref, TN_FIELD_MAX);
	fl_buf_init(&c->impact, TN_FIELD_MAX);
	fl_buf_init(&c->v3vec, TN_FIELD_MAX);
	fl_buf_init(&c->v4vec, TN_FIELD_MAX);
	fl_buf_init(&c->key, TN_FIELD_MAX);
}

static void
nessus_release(struct nessus *c)
{
	size_t i;

	fl_buf_release(&c->h_name);
	for (i = 0; i < HT__N; i++)
		fl_buf_release(&c->h_tag[i]);
	fl_buf_release(&c->u_host);
	fl_buf_release(&c->u_proto);
	fl_buf_release(&c->u_path);
	fl_buf_release(&c->title);
	fl_buf_release(&c->plugin_id);
	fl_buf_release(&c->svc);
	fl_buf_release(&c->transport);
	for (i = 0; i < IF__N; i++)
		fl_buf_release(&c->fld[i]);
	idlist_release(&c->cves);
	idlist_release(&c->cwes);
	fl_buf_release(&c->see_also);
	fl_buf_release(&c->xref);
	fl_buf_release(&c->impact);
	fl_buf_release(&c->v3vec);
	fl_buf_release(&c->v4vec);
	fl_buf_release(&c->key);
}

/* The text of a buffer, or NULL when empty (the finding's "absent"). */
static char *
opt(struct fl_buf *b)
{
	return b->len > 0 ? b->data : NULL;
}

static fl_err
set_trimmed(struct fl_buf *b, const char *s, size_t n)
{
	n = fl_scan_trim(&s, n);
	fl_buf_reset(b);
	return fl_buf_append(b, s, n);
}

static fl_err
set_attr(struct fl_buf *b, const char *s)
{
	fl_buf_reset(b);
	return s == NULL ? FL_OK : set_trimmed(b, s, strlen(s));
}

static int
field_of(const char *name)
{
	switch (name[0]) {
	case 'c':
		if (strcmp(name, "cve") == 0)
			return IF_CVE;
		if (strcmp(name, "cwe") == 0)
			return IF_CWE;
		if (strcmp(name, "cvss3_vector") == 0)
			return IF_CVSS3_VECTOR;
		if (strcmp(name, "cvss3_base_score") == 0)
			return IF_CVSS3_SCORE;
		if (strcmp(name, "cvssv3") == 0)
			return IF_CVSSV3;
		if (strcmp(name, "cvss4_vector") == 0)
			return IF_CVSS4_VECTOR;
		if (strcmp(name, "cvss4_base_score") == 0)
			return IF_CVSS4_SCORE;
		if (strcmp(name, "cvss") == 0)
			return IF_CVSS;
		if (strcmp(name, "cvss_vector") == 0)
			return IF_CVSS_VECTOR;
		if (strcmp(name, "cvss_base_score") == 0)
			return IF_CVSS_BASE;
		if (strcmp(name, "cvss_temporal_score") == 0)
			return IF_CVSS_TEMPORAL;
		break;
	case 'd':
		if (strcmp(name, "description") == 0)
			return IF_DESCRIPTION;
		break;
	case 'e':
		if (strcmp(name, "epss_score") == 0)
			return IF_EPSS;
		break;
	case 'p':
		if (strcmp(name, "plugin_output") == 0)
			return IF_OUTPUT;
		if (strcmp(name, "plugin_name") == 0)
			return IF_PLUGIN_NAME;
		break;
	case 'r':
		if (strcmp(name, "risk_factor") == 0)
			return IF_RISK_FACTOR;
		break;
	case 's':
		if (strcmp(name, "synopsis") == 0)
			return IF_SYNOPSIS;
		if (strcmp(name, "solution") == 0)
			return IF_SOLUTION;
		if (strcmp(name, "see_also") == 0)
			return IF_SEE_ALSO;
		break;
	case 'x':
		if (strcmp(name, "xref") == 0)
			return IF_XREF;
		break;
	}
	return IF_NONE;
}

static int
tag_of(const char *name)
{
	static const char *const tags[HT__N] = {
		"host-ip", "host-fqdn", "hostname", "Credentialed_Scan",
		"HOST_START", "HOST_END", "operating-system",
	};
	size_t i;

	if (name == NULL)
		return HT_NONE;
	for (i = 0; i < HT__N; i++)
		if (strcmp(name, tags[i]) == 0)
			return (int)i;
	return HT_NONE;
}

/* Position-bearing diag for a failure without one (a sink's, a limit). */
static fl_err
nessus_fail(struct nessus *c, struct fl_xml *x, fl_err rc, const char *what)
{
	if (c->d->msg[0] != '\0')
		return rc;
	if (rc == FL_E_LIMIT)
		return fl_xml_fail(x, c->d, rc, "%s: too large", what);
	if (rc == FL_E_NOMEM)
		return fl_xml_fail(x, c->d, rc, "out of memory");
	return fl_xml_fail(x, c->d, rc, "%s: %s", what, fl_err_str(rc));
}

/* The host is known (its properties read): tell the sink, once. */
static fl_err
host_ready(struct nessus *c, struct fl_xml *x)
{
	struct fl_scan_host h;
	const char *cred = fl_buf_str(&c->h_tag[HT_CRED]);
	struct fl_buf *fq = &c->h_tag[HT_FQDN];
	fl_err rc;

	if (c->host_sent)
		return FL_OK;
	c->host_sent = 1;
	c->host_auth = fl_streq_ci(cred, "true") ? 1 :
		       fl_streq_ci(cred, "false") ? 0 : -1;
	c->is_url = 0;
	if (fq->len > 0 && fl_scan_find(fq->data, fq->len, "://") != NULL) {
		/* a WAS target: the location is the URL */
		struct fl_finding tmp;
		struct fl_scan_loc *l;

		fl_finding_init(&tmp);
		rc = fl_finding_add_url(&tmp, fq->data, fq->len);
		if (rc == FL_OK) {
			l = &tmp.locs[0];
			c->is_url = 1;
			c->u_port = l->port;
			if ((rc = set_attr(&c->u_host, l->host)) == FL_OK &&
			    (rc = set_attr(&c->u_proto, l->protocol)) == FL_OK)
				rc = set_attr(&c->u_path, l->path);
		}
		fl_finding_reset(&tmp);
		if (rc != FL_OK)
			return nessus_fail(c, x, rc, "host-fqdn");
	}
	if (c->sink->host == NULL)
		return FL_OK;
	memset(&h, 0, sizeof(h));
	/*
	 * A WAS target is named by its URL: the asset is the URL's host.  A
	 * host the report names by address is better named by its hostname
	 * when the scan found one (the address is kept in ip).
	 */
	h.host = c->is_url ? opt(&c->u_host) : opt(&c->h_name);
	if (h.host == NULL)
		h.host = opt(fq);
	h.ip = opt(&c->h_tag[HT_IP]);
	if (h.ip == NULL && looks_like_ip(h.host))
		h.ip = h.host;
	if (looks_like_ip(h.host) && c->h_tag[HT_HOSTNAME].len > 0)
		h.host = c->h_tag[HT_HOSTNAME].data;
	h.fqdn = c->is_url ? opt(&c->u_host) : opt(fq);
	h.authenticated = c->host_auth;
	h.start = opt(&c->h_tag[HT_START]);
	h.end = opt(&c->h_tag[HT_END]);
	h.os = opt(&c->h_tag[HT_OS]);
	if ((rc = c->sink->host(c->sink->ctx, &h)) != FL_OK)
		return nessus_fail(c, x, rc, "host");
	return FL_OK;
}

static fl_err
host_begin(struct nessus *c, const char **atts, int depth)
{
	size_t i;

	c->host_depth = depth;
	c->host_sent = 0;
	c->host_auth = -1;
	c->is_url = 0;
	for (i = 0; i < HT__N; i++)
		fl_buf_reset(&c->h_tag[i]);
	return set_attr(&c->h_name, fl_xml_attr(atts, "name"));
}

static fl_err
item_begin(struct nessus *c, struct fl_xml *x, const char **atts, int depth)
{
	const char *v;
	long n;
	size_t i;
	fl_err rc;
	unsigned long col;

	c->item_depth = depth;
	fl_xml_pos(x, &c->item_line, &col);
	for (i = 0; i < IF__N; i++)
		fl_buf_reset(&c->fld[i]);
	memset(c->have, 0, sizeof(c->have));
	idlist_clear(&c->cves);
	idlist_clear(&c->cwes);
	fl_buf_reset(&c->see_also);
	fl_buf_reset(&c->xref);
	c->port = 0;
	if ((v = fl_xml_attr(atts, "port")) != NULL &&
	    fl_parse_long(v, 0, 65535, &n) == 0)
		c->port = (unsigned)n;
	c->sev_attr = -1;
	if ((v = fl_xml_attr(atts, "severity")) != NULL &&
	    fl_parse_long(v, 0, 4, &n) == 0)
		c->sev_attr = (int)n;
	if ((rc = set_attr(&c->title, fl_xml_attr(atts, "pluginName"))) != FL_OK ||
	    (rc = set_attr(&c->plugin_id, fl_xml_attr(atts, "pluginID"))) != FL_OK ||
	    (rc = set_attr(&c->svc, fl_xml_attr(atts, "svc_name"))) != FL_OK ||
	    (rc = set_attr(&c->transport, fl_xml_attr(atts, "protocol"))) != FL_OK)
		return nessus_fail(c, x, rc, "ReportItem");
	return FL_OK;
}

/* Text of one ReportItem child. */
static fl_err
item_field(struct nessus *c, struct fl_xml *x, const char *text, size_t len)
{
	const char *s = text, *p, *e;
	size_t n = fl_scan_trim(&s, len), k;
	char id[64];
	fl_err rc = FL_OK;

	if (n == 0)
		return FL_OK;
	switch (c->field) {
	case IF_CVE:
		/* CVE ids are upper case; anything longer is not one */
		if (n >= sizeof(id))
			break;
		for (k = 0; k < n; k++)
			id[k] = (char)toupper((unsigned char)s[k]);
		rc = idlist_add(&c->cves, id, n);
		break;
	case IF_CWE:
		rc = idlist_add(&c->cwes, s, n);
		break;
	case IF_SEE_ALSO:
		/* one reference per line, as DefectDojo splits them */
		for (p = s, e = s + n; p < e && rc == FL_OK;) {
			while (p < e && isspace((unsigned char)*p))
				p++;
			for (k = 0; p + k < e && !isspace((unsigned char)p[k]); k++)
				;
			if (k > 0 && (rc = fl_buf_append(&c->see_also, p, k)) == FL_OK)
				rc = fl_buf_putc(&c->see_also, '\n');
			p += k;
		}
		break;
	case IF_XREF:
		if ((rc = fl_buf_append(&c->xref, s, n)) == FL_OK)
			rc = fl_buf_putc(&c->xref, '\n');
		break;
	default:
		if (c->field < IF__N && !c->have[c->field]) {
			c->have[c->field] = 1;
			rc = fl_buf_append(&c->fld[c->field], s, n);
		}
		break;
	}
	if (rc != FL_OK)
		return nessus_fail(c, x, rc, "ReportItem field");
	return FL_OK;
}

static fl_err
impact_line(struct fl_buf *b, const char *label, const struct fl_buf *v)
{
	fl_err rc;

	if (v->len == 0)
		return FL_OK;
	if ((rc = fl_buf_puts(b, label)) != FL_OK ||
	    (rc = fl_buf_append(b, v->data, v->len)) != FL_OK)
		return rc;
	return fl_buf_putc(b, '\n');
}

/* DefectDojo's impact: the description, then the CVSS figures. */
static fl_err
build_impact(struct nessus *c)
{
	struct fl_buf *b = &c->impact;
	fl_err rc;

	fl_buf_reset(b);
	if (c->fld[IF_DESCRIPTION].len > 0 &&
	    ((rc = fl_buf_append(b, c->fld[IF_DESCRIPTION].data,
				 c->fld[IF_DESCRIPTION].len)) != FL_OK ||
	     (rc = fl_buf_puts(b, "\n\n")) != FL_OK))
		return rc;
	if ((rc = impact_line(b, "CVSS Score: ", &c->fld[IF_CVSS])) != FL_OK ||
	    (rc = impact_line(b, "CVSSv3 Score: ", &c->fld[IF_CVSSV3])) != FL_OK ||
	    (rc = impact_line(b, "CVSS Vector: ", &c->fld[IF_CVSS_VECTOR])) != FL_OK ||
	    (rc = impact_line(b, "CVSSv3 Vector: ", &c->fld[IF_CVSS3_VECTOR])) != FL_OK ||
	    (rc = impact_line(b, "CVSS Base Score: ", &c->fld[IF_CVSS_BASE])) != FL_OK)
		return rc;
	return impact_line(b, "CVSS Temporal Score: ", &c->fld[IF_CVSS_TEMPORAL]);
}

/* The item is complete: fill the view and hand it to the sink. */
static fl_err
item_end(struct nessus *c, struct fl_xml *x)
{
	struct fl_finding *f = &c->f;
	struct fl_scan_loc *l = &c->loc;
	struct fl_buf *fq = &c->h_tag[HT_FQDN];
	double v3;
	int sev, general;
	size_t i;
	fl_err rc;

	if ((rc = host_ready(c, x)) != FL_OK)
		return rc;
	fl_finding_init(f);
	if (c->title.len == 0 && c->fld[IF_PLUGIN_NAME].len > 0 &&
	    (rc = fl_buf_append(&c->title, c->fld[IF_PLUGIN_NAME].data,
				c->fld[IF_PLUGIN_NAME].len)) != FL_OK)
		goto fail;
	f->text[FL_FF_TITLE] = opt(&c->title);

	/* Nessus' severity, unless a CVSS v3 base score says otherwise */
	sev = c->sev_attr;
	if (sev < 0)
		sev = fl_sev_parse(c->fld[IF_RISK_FACTOR].data,
				   c->fld[IF_RISK_FACTOR].len);
	if (sev < 0)
		sev = FL_SEV_INFO;
	v3 = fl_scan_score(c->fld[IF_CVSS3_SCORE].data, c->fld[IF_CVSS3_SCORE].len);
	if (v3 > 10.0)
		v3 = -1;
	if (v3 >= 0)
		sev = fl_sev_from_cvss(v3);
	else
		v3 = cvss_score(c->fld[IF_CVSSV3].data, c->fld[IF_CVSSV3].len);
	f->severity = sev;
	f->cvssv3_score = v3;
	f->cvssv4_score = cvss_score(c->fld[IF_CVSS4_SCORE].data,
				     c->fld[IF_CVSS4_SCORE].len);
	f->epss_score = epss_score(c->fld[IF_EPSS].data, c->fld[IF_EPSS].len);
	if ((rc = cvss3_vector(&c->v3vec, c->fld[IF_CVSS3_VECTOR].data,
			       c->fld[IF_CVSS3_VECTOR].len)) != FL_OK ||
	    (rc = cvss4_vector(&c->v4vec, c->fld[IF_CVSS4_VECTOR].data,
			       c->fld[IF_CVSS4_VECTOR].len)) != FL_OK)
		goto fail;
	f->text[FL_FF_CVSSV3] = opt(&c->v3vec);
	f->text[FL_FF_CVSSV4] = opt(&c->v4vec);
	f->text[FL_FF_VULN_ID_FROM_TOOL] = opt(&c->plugin_id);
	idlist_view(&c->cves, &f->vuln_ids);
	idlist_view(&c->cwes, &f->cwes);
	for (i = 0; i < c->cwes.n && f->cwe == 0; i++)
		f->cwe = cwe_number(f->cwes.v[i], strlen(f->cwes.v[i]));

	f->text[FL_FF_MITIGATION] = c->fld[IF_SOLUTION].len ?
				    c->fld[IF_SOLUTION].data : na_text;
	if (c->xref.len > 0 &&
	    (rc = fl_buf_append(&c->see_also, c->xref.data, c->xref.len)) != FL_OK)
		goto fail;
	f->text[FL_FF_REFERENCES] = opt(&c->see_also);
	f->text[FL_FF_DESCRIPTION] = c->fld[IF_SYNOPSIS].len ?
				     c->fld[IF_SYNOPSIS].data :
				     opt(&c->fld[IF_DESCRIPTION]);
	if ((rc = build_impact(c)) != FL_OK)
		goto fail;
	f->text[FL_FF_IMPACT] = opt(&c->impact);
	f->text[FL_FF_SERVICE] = opt(&c->svc);
	f->text[FL_FF_EVIDENCE] = opt(&c->fld[IF_OUTPUT]);
	f->authenticated = c->host_auth == 1 && c->port == 0;
	f->src_line = c->item_line;

	/* one location: the host (its FQDN when known), port, protocol */
	memset(l, 0, sizeof(*l));
	if (c->is_url) {
		l->host = opt(&c->u_host);
		l->port = c->u_port;
		l->protocol = opt(&c->u_proto);
		l->path = opt(&c->u_path);
		l->fqdn = l->host;
	} else {
		l->host = fq->len ? fq->data : opt(&c->h_name);
		l->fqdn = opt(fq);
		general = item_protocol(c->proto, c->svc.data,
					opt(&c->transport));
		l->protocol = c->proto[0] ? c->proto : NULL;
		l->port = general ? 0 : c->port;
	}
	l->ip = opt(&c->h_tag[HT_IP]);
	if (l->ip == NULL && looks_like_ip(c->h_name.data))
		l->ip = c->h_name.data;
	f->locs = l;
	f->nlocs = f->locs_cap = 1;

	/* DefectDojo merges by severity and plugin name, across hosts */
	fl_buf_reset(&c->key);
	if ((rc = fl_buf_puts(&c->key, fl_sev_name(sev))) != FL_OK ||
	    (rc = fl_buf_putc(&c->key, '|')) != FL_OK ||
	    (rc = fl_buf_append(&c->key, c->title.data, c->title.len)) != FL_OK)
		goto fail;
	f->text[FL_FF_GROUP_KEY] = c->key.data;

	rc = c->sink->finding(c->sink->ctx, f);
	fl_finding_init(f);     /* a view: nothing to free */
	if (rc != FL_OK)
		goto fail;
	return FL_OK;
fail:
	fl_finding_init(f);
	return nessus_fail(c, x, rc, "ReportItem");
}

static fl_err
nessus_start(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	     int depth)
{
	struct nessus *c = ctx;
	fl_err rc;

	if (depth == 0) {
		if (strcmp(name, "NessusClientData_v2") != 0)
			return fl_xml_fail(x, c->d, FL_E_SYNTAX,
					   "not a Nessus v2 report: root element "
					   "<%s>, expected <NessusClientData_v2>",
					   name);
		return FL_OK;
	}
	if (c->item_depth >= 0) {
		if (depth == c->item_depth + 1)
			c->field = field_of(name);
		return FL_OK;
	}
	if (c->props_depth >= 0) {
		if (depth == c->props_depth + 1)
			c->tag = strcmp(name, "tag") == 0 ?
				 tag_of(fl_xml_attr(atts, "name")) : HT_NONE;
		return FL_OK;
	}
	if (c->host_depth >= 0) {
		if (strcmp(name, "ReportItem") == 0)
			return item_begin(c, x, atts, depth);
		if (strcmp(name, "HostProperties") == 0 && !c->host_sent)
			c->props_depth = depth;
		return FL_OK;
	}
	if (strcmp(name, "ReportHost") == 0) {
		if ((rc = host_begin(c, atts, depth)) != FL_OK)
			return nessus_fail(c, x, rc, "ReportHost");
		return FL_OK;
	}
	if (strcmp(name, "Report") == 0) {
		const char *type = fl_xml_attr(atts, "type");

		if (type != NULL && strcmp(type, "was") == 0)
			c->was = 1;
		if (!c->meta_sent && c->sink->meta != NULL) {
			struct fl_scan_meta m;

			c->meta_sent = 1;
			memset(&m, 0, sizeof(m));
			m.scanner = c->was ? "Tenable WAS" : "Nessus";
			m.name = fl_xml_attr(atts, "name");
			if ((rc = c->sink->meta(c->sink->ctx, &m)) != FL_OK)
				return nessus_fail(c, x, rc, "Report");
		}
	}
	return FL_OK;
}

static fl_err
nessus_end(void *ctx, struct fl_xml *x, const char *name, const char *text,
	   size_t len, int depth)
{
	struct nessus *c = ctx;
	fl_err rc;

	(void)name;
	if (c->item_depth >= 0) {
		if (depth == c->item_depth + 1) {
			rc = item_field(c, x, text, len);
			c->field = IF_NONE;
			return rc;
		}
		if (depth == c->item_depth) {
			c->item_depth = -1;
			return item_end(c, x);
		}
		return FL_OK;
	}
	if (c->props_depth >= 0) {
		if (depth == c->props_depth + 1 && c->tag != HT_NONE) {
			rc = set_trimmed(&c->h_tag[c->tag], text, len);
			c->tag = HT_NONE;
			if (rc != FL_OK)
				return nessus_fail(c, x, rc, "HostProperties tag");
		} else if (depth == c->props_depth) {
			c->props_depth = -1;
			return host_ready(c, x);
		}
		return FL_OK;
	}
	if (c->host_depth >= 0 && depth == c->host_depth) {
		c->host_depth = -1;
		return host_ready(c, x);
	}
	return FL_OK;
}

static fl_err
nessus_stream(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	      struct fl_diag *d, int was)
{
	struct fl_xml_handlers h = { NULL, nessus_start, nessus_end };
	struct nessus *c;
	fl_err rc;

	if ((c = malloc(sizeof(*c))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	nessus_init(c);
	c->src = src;
	c->sink = sink;
	c->d = d;
	c->was = was;
	h.ctx = c;
	rc = fl_xml_stream(src, &h, 0, d);
	nessus_release(c);
	free(c);
	return rc;
}

/*
 * Sniffers: the root element.  A WAS export (its Report type "was", or the
 * WAS user agent in its policy) scores above the plain .nessus reading.
 */
static int
nessus_root(const char *head, size_t n)
{
	return fl_scan_find(head, n, "<NessusClientData_v2") != NULL;
}

static int
was_marks(const char *head, size_t n)
{
	return fl_scan_find(head, n, "type=\"was\"") != NULL ||
	       fl_scan_find(head, n, "_user_agent>WAS/") != NULL;
}

static int
nessus_sniff(const char *head, size_t n, const char *path)
{
	(void)path;
	if (!nessus_root(head, n))
		return 0;
	return was_marks(head, n) ? 80 : 95;
}

static fl_err
nessus_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	    struct fl_diag *d)
{
	return nessus_stream(src, sink, d, 0);
}

const struct fl_scan_format fl_fmt_nessus = {
	"nessus", "Tenable Nessus .nessus v2 XML", nessus_sniff, nessus_read
};

static int
tenable_was_xml_sniff(const char *head, size_t n, const char *path)
{
	(void)path;
	return nessus_root(head, n) && was_marks(head, n) ? 96 : 0;
}

static fl_err
tenable_was_xml_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		     struct fl_diag *d)
{
	return nessus_stream(src, sink, d, 1);
}

const struct fl_scan_format fl_fmt_tenable_was_xml = {
	"tenable-was-xml", "Tenable WAS XML (NessusClientData_v2)",
	tenable_was_xml_sniff, tenable_was_xml_read
};

/* ---- CSV exports ----------------------------------------------------------- */

/*
 * Columns by meaning, each with the names the exports use for it, in the
 * order DefectDojo looks them up (the first column present wins, even when
 * empty, as a dict lookup with a default does).
 */
enum csv_col {
	CC_TITLE, CC_RISK, CC_SEVERITY, CC_SYNOPSIS, CC_SOLUTION,
	CC_DESCRIPTION, CC_SEE_ALSO, CC_PLUGIN, CC_PUBLISHED, CC_MODIFIED,
	CC_PLUGIN_INFO, CC_HOST, CC_DNS, CC_IP, CC_FQDN, CC_PORT, CC_PROTOCOL,
	CC_OUTPUT, CC_CVE, CC_CWE, CC_CPE, CC_V3VEC, CC_V3SCORE, CC_V4SCORE,
	CC_EPSS, CC_CHECK_TYPE, CC_AUTH_DATE, CC_UNAUTH_DATE, CC_HOST_START,
	CC_HOST_END, CC_OS, CC_SERVICE,
	CC__N
};

static const char *const csv_names[CC__N][6] = {
	[CC_TITLE] = { "Name", "Plugin Name", "definition.name", "asset.name" },
	[CC_RISK] = { "Risk" },
	[CC_SEVERITY] = { "Severity" },
	[CC_SYNOPSIS] = { "Synopsis", "definition.synopsis" },
	[CC_SOLUTION] = { "Solution", "definition.solution",
			  "Steps to Remediate" },
	[CC_DESCRIPTION] = { "Description", "definition.description" },
	[CC_SEE_ALSO] = { "See Also", "definition.see_also" },
	[CC_PLUGIN] = { "Plugin ID", "Plugin", "definition.id" },
	[CC_PUBLISHED] = { "Plugin Publication Date",
			   "definition.plugin_published" },
	[CC_MODIFIED] = { "Plugin Modification Date",
			  "definition.plugin_updated" },
	[CC_PLUGIN_INFO] = { "Plugin Information" },
	[CC_HOST] = { "Host", "asset.host_name" },
	[CC_DNS] = { "DNS Name" },
	[CC_IP] = { "IP Address", "asset.display_ipv4_address" },
	[CC_FQDN] = { "FQDN", "DNS Name", "asset.display_fqdn" },
	[CC_PORT] = { "Port", "asset.port" },
	[CC_PROTOCOL] = { "Protocol" },
	[CC_OUTPUT] = { "Plugin Output", "output", "Plugin Text" },
	[CC_CVE] = { "CVE", "definition.cve" },
	[CC_CWE] = { "CWE", "definition.cwe" },
	[CC_CPE] = { "CPE", "definition.cpe" },
	[CC_V3VEC] = { "CVSS V3 Vector", "CVSS3 Vector",
		       "definition.cvss3.base_vector" },
	[CC_V3SCORE] = { "CVSSv3", "definition.cvss3.base_score",
			 "CVSS V3 Base Score", "CVSS3 Base Score",
			 "CVSS v3.0 Base Score" },
	[CC_V4SCORE] = { "CVSS v4.0 Base Score", "CVSS V4 Base Score",
			 "definition.cvss4.base_score" },
	[CC_EPSS] = { "EPSS Score", "definition.epss.score" },
	[CC_CHECK_TYPE] = { "Check Type", "Plugin Type", "definition.type" },
	[CC_AUTH_DATE] = { "Last Authenticated Results Date" },
	[CC_UNAUTH_DATE] = { "Last Unauthenticated Results Date" },
	[CC_HOST_START] = { "Host Start" },
	[CC_HOST_END] = { "Host End" },
	[CC_OS] = { "OS", "asset.operating_system" },
	[CC_SERVICE] = { "Service" },
};

struct tcsv {
	struct fl_scan_src *src;
	const struct fl_scan_sink *sink;
	long col[CC__N];
	struct fl_finding f;
	struct fl_buf tmp, key;
	struct fl_strset hosts;     /* hosts already announced to the sink */
};

/* The field of the record for a meaning, or NULL when no such column. */
static const char *
cget(const struct tcsv *c, const struct fl_csv_record *r, enum csv_col k)
{
	return c->col[k] < 0 ? NULL : fl_csv_get(r, c->col[k]);
}

/* Trimmed field, "" when the column is missing. */
static const char *
cval(const struct tcsv *c, const struct fl_csv_record *r, enum csv_col k,
     size_t *n)
{
	const char *s = cget(c, r, k);

	if (s == NULL)
		s = "";
	*n = fl_scan_trim(&s, strlen(s));
	return s;
}

static fl_err
set_field(struct fl_finding *f, enum fl_ff k, const char *s, size_t n)
{
	if (n == 0)
		return FL_OK;
	return fl_finding_set(f, k, s, n);
}

/*
 * Severity: the Risk column, else Severity (Tenable.io spells it
 * "severity"), a word or Tenable's 0..4.  "None" and anything unknown is
 * Info.
 */
static int
csv_severity(const struct tcsv *c, const struct fl_csv_record *r)
{
	const char *s;
	size_t n;
	long v;
	int sev;
	char tmp[8];

	s = cval(c, r, CC_RISK, &n);
	if (c->col[CC_RISK] < 0 || n == 0)
		s = cval(c, r, CC_SEVERITY, &n);
	if (n == 0)
		return FL_SEV_INFO;
	if (n < sizeof(tmp)) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (fl_parse_long(tmp, LONG_MIN, LONG_MAX, &v) == 0)
			return v >= 0 && v <= 4 ? (int)v : FL_SEV_INFO;
	}
	sev = fl_sev_parse(s, n);
	return sev < 0 ? FL_SEV_INFO : sev;
}

/* The first "cpe:/part:vendor:product:version" of the field. */
static fl_err
csv_cpe(struct fl_finding *f, const char *s, size_t n)
{
	const char *p = fl_scan_find(s, n, "cpe:/"), *e, *q;
	const char *part[4];
	size_t plen[4], k = 0;
	fl_err rc;

	if (p == NULL)
		return FL_OK;
	for (e = p + 5; e < s + n && !isspace((unsigned char)*e); e++)
		;
	for (q = p + 5; k < 4;) {
		const char *c = memchr(q, ':', (size_t)(e - q));

		part[k] = q;
		plen[k] = (size_t)((c ? c : e) - q);
		k++;
		if (c == NULL)
			break;
		q = c + 1;
	}
	if (k >= 3 && (rc = set_field(f, FL_FF_COMPONENT_NAME, part[2],
				      plen[2])) != FL_OK)
		return rc;
	if (k >= 4 && (rc = set_field(f, FL_FF_COMPONENT_VERSION, part[3],
				      plen[3])) != FL_OK)
		return rc;
	return FL_OK;
}

/* "See Also" plus the plugin's identity, as DefectDojo writes references. */
static fl_err
csv_references(struct tcsv *c, const struct fl_csv_record *r)
{
	static const struct {
		const char *label;
		enum csv_col k;
	} lines[] = {
		{ "Tenable Plugin ID: ", CC_PLUGIN },
		{ "Plugin Information: ", CC_PLUGIN_INFO },
		{ "Plugin Publication Date: ", CC_PUBLISHED },
		{ "Plugin Modification Date: ", CC_MODIFIED },
	};
	struct fl_buf *b = &c->tmp;
	const char *s;
	size_t n, i;
	fl_err rc;

	fl_buf_reset(b);
	s = cval(c, r, CC_SEE_ALSO, &n);
	if ((rc = fl_buf_append(b, n ? s : "N/A", n ? n : 3)) != FL_OK)
		return rc;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		s = cval(c, r, lines[i].k, &n);
		if ((rc = fl_buf_putc(b, '\n')) != FL_OK ||
		    (rc = fl_buf_puts(b, lines[i].label)) != FL_OK ||
		    (rc = fl_buf_append(b, n ? s : "N/A", n ? n : 3)) != FL_OK)
			return rc;
	}
	return fl_finding_set(&c->f, FL_FF_REFERENCES, b->data, b->len);
}

/* DefectDojo's merge key: severity, title, host, port, synopsis. */
static fl_err
csv_key(struct tcsv *c, const struct fl_csv_record *r, int sev,
	const char *title, size_t tlen)
{
	struct fl_buf *b = &c->key;
	const char *s;
	fl_err rc;

	fl_buf_reset(b);
	if ((rc = fl_buf_puts(b, fl_sev_name(sev))) != FL_OK ||
	    (rc = fl_buf_putc(b, '\x1f')) != FL_OK ||
	    (rc = fl_buf_append(b, title, tlen)) != FL_OK)
		return rc;
	s = cget(c, r, CC_HOST);
	if ((rc = fl_buf_putc(b, '\x1f')) != FL_OK ||
	    (rc = fl_buf_puts(b, s ? s : "No host")) != FL_OK)
		return rc;
	s = cget(c, r, CC_PORT);
	if ((rc = fl_buf_putc(b, '\x1f')) != FL_OK ||
	    (rc = fl_buf_puts(b, s ? s : "No port")) != FL_OK)
		return rc;
	s = cget(c, r, CC_SYNOPSIS);
	if ((rc = fl_buf_putc(b, '\x1f')) != FL_OK ||
	    (rc = fl_buf_puts(b, s ? s : "No synopsis")) != FL_OK)
		return rc;
	return fl_finding_set(&c->f, FL_FF_GROUP_KEY, b->data, b->len);
}

/*
 * The location: Host, else DNS Name, else IP Address (a URL in the host
 * column is parsed as one); the port unless "" or 0.
 */
static fl_err
csv_location(struct tcsv *c, const struct fl_csv_record *r)
{
	struct fl_finding *f = &c->f;
	struct fl_scan_loc *l;
	const char *host, *s;
	char proto[32];
	size_t hn, n, k;
	long port = 0;
	fl_err rc;

	host = cval(c, r, CC_HOST, &hn);
	if (hn == 0)
		host = cval(c, r, CC_DNS, &hn);
	if (hn == 0)
		host = cval(c, r, CC_IP, &hn);
	if (hn == 0) {
		host = "localhost";
		hn = 9;
	}
	if (fl_scan_find(host, hn, "://") != NULL)
		return fl_finding_add_url(f, host, hn);
	s = cval(c, r, CC_PORT, &n);
	if (n > 0 && n < 8) {
		char tmp[8];

		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (fl_parse_long(tmp, 0, 65535, &port) != 0)
			port = 0;
	}
	s = cval(c, r, CC_PROTOCOL, &n);
	for (k = 0; k < n && k + 1 < sizeof(proto); k++)
		proto[k] = (char)tolower((unsigned char)s[k]);
	proto[k] = '\0';
	fl_buf_reset(&c->tmp);
	if ((rc = fl_buf_append(&c->tmp, host, hn)) != FL_OK)
		return rc;
	if ((rc = fl_finding_add_loc(f, c->tmp.data, (unsigned)port,
				     proto[0] ? proto : NULL, NULL)) != FL_OK)
		return rc;
	l = &f->locs[f->nlocs - 1];
	s = cval(c, r, CC_IP, &n);
	if (n > 0 && (l->ip = fl_strndup(s, n)) == NULL)
		return FL_E_NOMEM;
	s = cval(c, r, CC_FQDN, &n);
	if (n > 0 && (l->fqdn = fl_strndup(s, n)) == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

/* Announce a row's host to the sink the first time it is seen. */
static fl_err
csv_host(struct tcsv *c, const struct fl_csv_record *r)
{
	const struct fl_scan_loc *l = &c->f.locs[c->f.nlocs - 1];
	struct fl_scan_host h;
	const char *s;
	size_t n;
	int added;

	if (c->sink->host == NULL || l->host == NULL)
		return FL_OK;
	if (fl_strset_add(&c->hosts, l->host, SIZE_MAX, NULL, &added) != FL_OK)
		return FL_E_NOMEM;
	if (!added)
		return FL_OK;
	memset(&h, 0, sizeof(h));
	h.host = l->host;
	h.ip = l->ip != NULL ? l->ip : looks_like_ip(l->host) ? l->host : NULL;
	h.fqdn = l->fqdn;
	h.authenticated = -1;
	cval(c, r, CC_AUTH_DATE, &n);
	if (n > 0)
		h.authenticated = 1;
	else if (cval(c, r, CC_UNAUTH_DATE, &n), n > 0)
		h.authenticated = 0;
	/* the start/end/os fields are NUL-terminated in the record */
	if ((s = cget(c, r, CC_HOST_START)) != NULL && *s != '\0')
		h.start = s;
	if ((s = cget(c, r, CC_HOST_END)) != NULL && *s != '\0')
		h.end = s;
	if ((s = cget(c, r, CC_OS)) != NULL && *s != '\0')
		h.os = s;
	return c->sink->host(c->sink->ctx, &h);
}

static fl_err
csv_header(struct tcsv *c, const struct fl_csv_record *r, struct fl_diag *d)
{
	struct fl_csv_header h;
	struct fl_scan_meta m;
	size_t k, i;
	fl_err rc;

	if ((rc = fl_csv_header_init(&h, r)) != FL_OK)
		return fl_diag_set(d, rc, c->src->path, r->line, 1, "out of memory");
	for (k = 0; k < CC__N; k++) {
		c->col[k] = -1;
		for (i = 0; i < 6 && csv_names[k][i] != NULL; i++)
			if ((c->col[k] = fl_csv_col(&h, csv_names[k][i])) >= 0)
				break;
	}
	memset(&m, 0, sizeof(m));
	if (fl_csv_col(&h, "asset.id") >= 0 ||
	    fl_csv_col(&h, "Vulnerability State") >= 0)
		m.scanner = "Tenable Vulnerability Management";
	else if (fl_csv_col(&h, "Repository") >= 0)
		m.scanner = "Tenable Security Center";
	else if (fl_csv_col(&h, "CVSSv3") >= 0)
		m.scanner = "Tenable WAS";
	else
		m.scanner = "Nessus";
	fl_csv_header_release(&h);
	if (c->col[CC_TITLE] < 0)
		return fl_diag_set(d, FL_E_SYNTAX, c->src->path, r->line, 1,
				   "not a Tenable CSV export: no Name, Plugin "
				   "Name or asset.name column");
	if (c->sink->meta != NULL && (rc = c->sink->meta(c->sink->ctx, &m)) != FL_OK)
		return rc;
	return FL_OK;
}

static fl_err
csv_row(struct tcsv *c, const struct fl_csv_record *r)
{
	struct fl_finding *f = &c->f;
	const char *title, *s;
	size_t tlen, n;
	int sev;
	fl_err rc;

	title = cval(c, r, CC_TITLE, &tlen);
	if (tlen == 0)
		return FL_OK;   /* an empty row (exports pad with them) */
	fl_finding_reset(f);
	f->src_line = r->line;
	sev = csv_severity(c, r);
	f->severity = sev;
	if ((rc = fl_finding_set(f, FL_FF_TITLE, title, tlen)) != FL_OK)
		return rc;
	s = cval(c, r, CC_PLUGIN, &n);
	if ((rc = set_field(f, FL_FF_VULN_ID_FROM_TOOL, s, n)) != FL_OK)
		return rc;
	s = cval(c, r, CC_SYNOPSIS, &n);
	if ((rc = set_field(f, FL_FF_DESCRIPTION, s, n)) != FL_OK)
		return rc;
	s = cval(c, r, CC_SOLUTION, &n);
	if ((rc = fl_finding_set(f, FL_FF_MITIGATION, n ? s : "N/A",
				 n ? n : 3)) != FL_OK)
		return rc;
	s = cval(c, r, CC_DESCRIPTION, &n);
	if ((rc = fl_finding_set(f, FL_FF_IMPACT, n ? s : "N/A",
				 n ? n : 3)) != FL_OK)
		return rc;
	if ((rc = csv_references(c, r)) != FL_OK)
		return rc;
	s = cval(c, r, CC_OUTPUT, &n);
	if ((rc = set_field(f, FL_FF_EVIDENCE, s, n)) != FL_OK)
		return rc;
	s = cval(c, r, CC_SERVICE, &n);
	if ((rc = set_field(f, FL_FF_SERVICE, s, n)) != FL_OK)
		return rc;
	s = cval(c, r, CC_V3VEC, &n);
	if (n > 0) {
		if ((rc = cvss3_vector(&c->tmp, s, n)) != FL_OK ||
		    (rc = set_field(f, FL_FF_CVSSV3, c->tmp.data, c->tmp.len)) != FL_OK)
			return rc;
	}
	s = cval(c, r, CC_V3SCORE, &n);
	f->cvssv3_score = cvss_score(s, n);
	s = cval(c, r, CC_V4SCORE, &n);
	f->cvssv4_score = cvss_score(s, n);
	s = cval(c, r, CC_EPSS, &n);
	f->epss_score = epss_score(s, n);
	s = cval(c, r, CC_CVE, &n);
	if ((rc = fl_scan_find_cves(f, s, n)) != FL_OK)
		return rc;
	s = cval(c, r, CC_CWE, &n);
	if (n > 0) {
		/* "CWE-200" or "200", several separated by commas; a weakness
		 * is named by a few, so a cell naming more is cut at 64 */
		const char *p = s, *e = s + n;

		while (p < e && f->cwes.n < 64) {
			const char *q = p;
			size_t k;
			int w;

			while (q < e && *q != ',' && *q != ';' && *q != '\n')
				q++;
			k = fl_scan_trim(&p, (size_t)(q - p));
			if (k > 0 && (w = cwe_number(p, k)) > 0) {
				if (f->cwe == 0)
					f->cwe = w;
				if ((rc = fl_strlist_add_unique(&f->cwes, p, k)) != FL_OK)
					return rc;
			}
			p = q + 1;
		}
	}
	s = cval(c, r, CC_CPE, &n);
	if ((rc = csv_cpe(f, s, n)) != FL_OK)
		return rc;
	s = cval(c, r, CC_CHECK_TYPE, &n);
	f->authenticated = n == 5 && strncasecmp(s, "local", 5) == 0;
	if ((rc = csv_location(c, r)) != FL_OK ||
	    (rc = csv_key(c, r, sev, title, tlen)) != FL_OK ||
	    (rc = csv_host(c, r)) != FL_OK)
		return rc;
	return c->sink->finding(c->sink->ctx, f);
}

static fl_err
csv_record(void *ctx, const struct fl_csv_record *r, struct fl_diag *d)
{
	struct tcsv *c = ctx;
	fl_err rc;

	if (r->index == 0)
		return csv_header(c, r, d);
	if ((rc = csv_row(c, r)) != FL_OK && d->msg[0] == '\0')
		fl_diag_set(d, rc, c->src->path, r->line, 1, "%s",
			    rc == FL_E_LIMIT ? "record too large" :
			    fl_err_str(rc));
	return rc;
}

static fl_err
tenable_csv_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		 struct fl_diag *d)
{
	struct fl_csv_limits lim = { 1024, TN_FIELD_MAX, 0 };
	struct tcsv *c;
	char *data = NULL;
	size_t len;
	fl_err rc;

	if ((rc = fl_scan_src_slurp(src, &data, &len, d)) != FL_OK)
		return rc;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		free(data);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	c->src = src;
	c->sink = sink;
	fl_finding_init(&c->f);
	fl_buf_init(&c->tmp, TN_FIELD_MAX);
	fl_buf_init(&c->key, TN_FIELD_MAX);
	rc = fl_csv_parse(data, len, src->path, 0, &lim, csv_record, c, d);
	fl_finding_reset(&c->f);
	fl_buf_release(&c->tmp);
	fl_buf_release(&c->key);
	fl_strset_free(&c->hosts);
	free(c);
	free(data);
	return rc;
}

/*
 * A Tenable CSV header names a plugin id column (Plugin ID, Plugin,
 * definition.id) and a plugin name column (Name, Plugin Name, asset.name
 * or definition.name); no other scanner's export does both.
 */
static int
csv_head_has(const char *head, size_t n, const char *name)
{
	const char *p = head, *e, *q;
	size_t k = strlen(name);

	for (e = head; e < head + n && *e != '\n' && *e != '\r'; e++)
		;
	while (p < e) {
		const char *s;
		size_t len;

		for (q = p; q < e && *q != ',' && *q != ';' && *q != '\t'; q++)
			;
		s = p;
		len = fl_scan_trim(&s, (size_t)(q - p));
		if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
			s++;
			len -= 2;
		}
		if (len == k && strncasecmp(s, name, k) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

static int
tenable_csv_sniff(const char *head, size_t n, const char *path)
{
	int id, name;

	(void)path;
	if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) {
		head += 3;
		n -= 3;
	}
	id = csv_head_has(head, n, "Plugin ID") || csv_head_has(head, n, "Plugin") ||
	     csv_head_has(head, n, "definition.id");
	name = csv_head_has(head, n, "Name") || csv_head_has(head, n, "Plugin Name") ||
	       csv_head_has(head, n, "asset.name") ||
	       csv_head_has(head, n, "definition.name");
	return id && name ? 90 : 0;
}

const struct fl_scan_format fl_fmt_tenable_csv = {
	"tenable-csv", "Nessus, Tenable.sc/.io and Tenable WAS CSV exports",
	tenable_csv_sniff, tenable_csv_read
};
