/*
 * nmap XML (-oX).  Every open port of every host is an "Open port: N/proto"
 * finding (Info) with the service's product and version as its component;
 * NSE script results that say what is vulnerable become findings of their
 * own: each entry of the vulners script (its id as title and rule, the
 * severity from its CVSS score, its CVE) as DefectDojo's Nmap parser reads
 * them, and every table the NSE vulns library marks VULNERABLE (smb-vuln-*,
 * ssl-heartbleed...).  Every host whose status is up is reported to the
 * sink as covered, so an import can close what a rescan no longer finds.
 *
 * Grouping for `vuln parse` follows DefectDojo: an open port is one
 * finding per port across all hosts, a vulners entry one finding per id.
 * DefectDojo keys open ports on the number alone, which would title an
 * open 53/udp "Open port: 53/tcp" when 53/tcp came first; the key here is
 * number and protocol.  Script output text is kept in descriptions only,
 * never used for identity: it is written for people and changes between
 * script versions.  Nothing nmap writes is refused except a document
 * whose root is not <nmaprun>.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "scan.h"

#define NM_NAME 256
#define NM_SCRIPTS_MAX ((size_t)64 << 10)  /* other scripts' output per port */
#define NM_OUTPUT_MAX 4096                 /* one script's output in it */

struct nm {
	const struct fl_scan_sink *sink;
	struct fl_xml *x;
	struct fl_diag *d;
	struct fl_finding f;
	char date[24];                  /* nmaprun start, UTC */
	/* the host being read */
	int host_up;
	char ipv4[64], ipv6[64], mac[64], ptr[NM_NAME], user[NM_NAME];
	char os[NM_NAME], hstart[24], hend[24];
	/* the port being read */
	int in_port, port_open;
	unsigned port;
	char proto[16], svc[64], product[NM_NAME], version[128];
	char extrainfo[NM_NAME];
	struct fl_buf scripts;
	/* the script being read (depth -1: none) */
	int sdepth, vulners;
	char script_id[128], cpe[NM_NAME], sub_key[32], elem_key[64];
	/* the entry being read inside it */
	int in_entry;
	char v_id[NM_NAME], v_cvss[32], v_type[64], v_title[512], v_state[64];
	char v_risk[32];
	double v_score;
};

static void
copy_attr(char *dst, size_t dstsz, const char **atts, const char *name)
{
	const char *v = fl_xml_attr(atts, name);

	fl_scan_copy(dst, dstsz, v ? v : "", v ? strlen(v) : 0);
}

/* Seconds since the epoch to "2014-03-29T14:46:56" (UTC), or "". */
static void
epoch_iso(const char *s, char out[24])
{
	struct tm tm;
	time_t t;
	long v;

	out[0] = '\0';
	if (s == NULL || fl_parse_long(s, 0, 253402300799L, &v) != 0)
		return;
	t = (time_t)v;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		out[0] = '\0';
}

static const char *
nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* The name a location carries: DefectDojo's choice (PTR name, else the
 * address), then whatever else the host was called. */
static const char *
host_name(const struct nm *c)
{
	const char *v[] = { c->ptr, c->ipv4, c->ipv6, c->user, c->mac };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i][0] != '\0')
			return v[i];
	return NULL;
}

static const char *
host_ip(const struct nm *c)
{
	return nz(c->ipv4) ? c->ipv4 : nz(c->ipv6);
}

static const char *
host_fqdn(const struct nm *c)
{
	return nz(c->ptr) ? c->ptr : nz(c->user);
}

static fl_err
add_host_loc(struct nm *c, unsigned port, const char *proto)
{
	const char *ip = host_ip(c), *fqdn = host_fqdn(c);
	struct fl_scan_loc *l;
	fl_err rc;

	if ((rc = fl_finding_add_loc(&c->f, host_name(c), port, proto, NULL)) != FL_OK)
		return rc;
	if (ip == NULL || fqdn == NULL)
		return FL_OK; /* only one of name and address: host says it */
	l = &c->f.locs[c->f.nlocs - 1];
	return fl_scan_loc_names(l, ip, fqdn);
}

static fl_err
put_line(struct fl_buf *b, const char *label, const char *v)
{
	if (v == NULL || *v == '\0')
		return FL_OK;
	return fl_buf_printf(b, "%s: %s\n", label, v);
}

static fl_err
host_lines(const struct nm *c, struct fl_buf *b)
{
	fl_err rc;

	if ((rc = put_line(b, "IP Address", host_ip(c))) != FL_OK ||
	    (rc = put_line(b, "FQDN", c->ptr)) != FL_OK)
		return rc;
	return put_line(b, "Hostname", c->user);
}

static fl_err
emit(struct nm *c)
{
	fl_err rc = FL_OK;

	if (nz(c->date) != NULL)
		rc = fl_finding_setz(&c->f, FL_FF_DATE, c->date);
	if (rc == FL_OK)
		rc = c->sink->finding(c->sink->ctx, &c->f);
	fl_finding_reset(&c->f);
	return rc;
}

/* </port> of an open port: its "Open port" finding. */
static fl_err
emit_port(struct nm *c)
{
	struct fl_buf b;
	char title[64], key[64];
	fl_err rc;

	fl_finding_reset(&c->f);
	snprintf(title, sizeof(title), "Open port: %u/%s", c->port, c->proto);
	snprintf(key, sizeof(key), "nmap:%u/%s", c->port, c->proto);
	fl_buf_init(&b, (size_t)1 << 20);
	if ((rc = host_lines(c, &b)) != FL_OK ||
	    (rc = fl_buf_printf(&b, "Port/Protocol: %u/%s\n", c->port,
				c->proto)) != FL_OK ||
	    (rc = put_line(&b, "Service", c->svc)) != FL_OK ||
	    (rc = put_line(&b, "Product", c->product)) != FL_OK ||
	    (rc = put_line(&b, "Version", c->version)) != FL_OK ||
	    (rc = put_line(&b, "Extra Info", c->extrainfo)) != FL_OK)
		goto out;
	if (c->scripts.len > 0 &&
	    ((rc = fl_buf_putc(&b, '\n')) != FL_OK ||
	     (rc = fl_buf_append(&b, c->scripts.data, c->scripts.len)) != FL_OK))
		goto out;
	c->f.severity = FL_SEV_INFO;
	if ((rc = fl_finding_setz(&c->f, FL_FF_TITLE, title)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_GROUP_KEY, key)) != FL_OK ||
	    (rc = fl_finding_set(&c->f, FL_FF_DESCRIPTION, b.data ? b.data : "",
				 b.len)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_COMPONENT_NAME, nz(c->product))) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_COMPONENT_VERSION, nz(c->version))) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_SERVICE, nz(c->svc))) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_MITIGATION, "N/A")) != FL_OK ||
	    (rc = add_host_loc(c, c->port, c->proto)) != FL_OK)
		goto out;
	rc = emit(c);
out:
	fl_buf_release(&b);
	fl_finding_reset(&c->f);
	return rc;
}

/*
 * Field k (0-based) of a CPE name, "cpe:/a:openbsd:openssh:7.4" (2.2) or
 * "cpe:2.3:a:openbsd:openssh:7.4:*:..." (2.3, where "\:" is a colon):
 * 0 part, 1 vendor, 2 product, 3 version.  "" when absent or "*"/"-".
 */
static void
cpe_field(const char *cpe, int k, char *out, size_t outsz)
{
	const char *p;
	size_t n = 0;
	int i = 0;

	out[0] = '\0';
	if (strncmp(cpe, "cpe:2.3:", 8) == 0)
		p = cpe + 8;
	else if (strncmp(cpe, "cpe:/", 5) == 0)
		p = cpe + 5;
	else
		return;
	for (; *p != '\0' && i <= k; p++) {
		if (*p == ':') {
			i++;
			continue;
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (i == k && n + 1 < outsz)
			out[n++] = *p;
	}
	out[n] = '\0';
	if (strcmp(out, "*") == 0 || strcmp(out, "-") == 0)
		out[0] = '\0';
}

/* </table> of one vulners entry. */
static fl_err
emit_vulners(struct nm *c)
{
	struct fl_buf b;
	char product[128], version[64], key[NM_NAME + 16], ref[NM_NAME + 128];
	fl_err rc;

	if (c->v_id[0] == '\0') {
		fl_finding_reset(&c->f);
		return FL_OK; /* an entry without id names nothing */
	}
	fl_buf_init(&b, (size_t)16 << 20);
	if ((rc = fl_buf_printf(&b, "ID: %s\nCPE: %s\n", c->v_id, c->cpe)) != FL_OK ||
	    (c->f.text[FL_FF_DESCRIPTION] != NULL &&
	     (rc = fl_buf_puts(&b, c->f.text[FL_FF_DESCRIPTION])) != FL_OK))
		goto out;
	cpe_field(c->cpe, 2, product, sizeof(product));
	cpe_field(c->cpe, 3, version, sizeof(version));
	snprintf(key, sizeof(key), "vulners:%s", c->v_id);
	/* DefectDojo's scale: 0 Info, <4 Low, <7 Medium, <9 High (no score: Info) */
	c->f.severity = fl_sev_from_cvss(fl_scan_score(c->v_cvss, strlen(c->v_cvss)));
	if ((rc = fl_finding_set(&c->f, FL_FF_DESCRIPTION, b.data ? b.data : "",
				 b.len)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_TITLE, c->v_id)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_VULN_ID_FROM_TOOL, c->v_id)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_GROUP_KEY, key)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_COMPONENT_NAME, nz(product))) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_COMPONENT_VERSION, nz(version))) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_SERVICE, nz(c->svc))) != FL_OK)
		goto out;
	if (c->v_type[0] != '\0') {
		snprintf(ref, sizeof(ref), "https://vulners.com/%s/%s", c->v_type,
			 c->v_id);
		if ((rc = fl_finding_setz(&c->f, FL_FF_REFERENCES, ref)) != FL_OK)
			goto out;
	}
	/* The id is the CVE for type "cve"; exploit and advisory ids
	 * (MSF:ILITIES/UBUNTU-CVE-2019-6111/) name the CVE they are for. */
	if (strcmp(c->v_type, "cve") == 0)
		rc = fl_strlist_add_unique(&c->f.vuln_ids, c->v_id, strlen(c->v_id));
	else
		rc = fl_scan_find_cves(&c->f, c->v_id, strlen(c->v_id));
	if (rc != FL_OK || (rc = add_host_loc(c, c->port, c->proto)) != FL_OK)
		goto out;
	rc = emit(c);
out:
	fl_buf_release(&b);
	fl_finding_reset(&c->f);
	return rc;
}

static int
contains_ci(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, w, n) == 0)
			return 1;
	return 0;
}

/* </table> of one NSE vulns-library result: a finding when vulnerable. */
static fl_err
emit_vulns(struct nm *c)
{
	char key[NM_NAME + 160];
	int sev;
	fl_err rc;

	if (!contains_ci(c->v_state, "VULNERABLE") ||
	    contains_ci(c->v_state, "NOT VULNERABLE")) {
		fl_finding_reset(&c->f);
		return FL_OK;
	}
	if ((sev = fl_sev_parse(c->v_risk, strlen(c->v_risk))) < 0)
		sev = c->v_score >= 0 ? fl_sev_from_cvss(c->v_score) : FL_SEV_MEDIUM;
	c->f.severity = sev;
	snprintf(key, sizeof(key), "nse:%s:%s", c->script_id, c->v_id);
	if ((rc = fl_finding_setz(&c->f, FL_FF_TITLE,
				  nz(c->v_title) ? c->v_title : c->script_id)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_VULN_ID_FROM_TOOL, c->script_id)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_GROUP_KEY, key)) != FL_OK ||
	    (rc = fl_finding_setz(&c->f, FL_FF_SERVICE, c->in_port ? nz(c->svc) : NULL)) != FL_OK ||
	    (rc = fl_scan_find_cves(&c->f, c->v_id, strlen(c->v_id))) != FL_OK ||
	    (rc = add_host_loc(c, c->in_port ? c->port : 0,
			       c->in_port ? c->proto : NULL)) != FL_OK) {
		fl_finding_reset(&c->f);
		return rc;
	}
	return emit(c);
}

static void
host_reset(struct nm *c)
{
	c->host_up = 0;
	c->ipv4[0] = c->ipv6[0] = c->mac[0] = c->ptr[0] = c->user[0] = '\0';
	c->os[0] = c->hstart[0] = c->hend[0] = '\0';
	c->in_port = c->port_open = 0;
	c->sdepth = -1;
}

static fl_err
start_script(struct nm *c, const char **atts, int depth)
{
	const char *out = fl_xml_attr(atts, "output");
	fl_err rc;

	c->sdepth = depth;
	copy_attr(c->script_id, sizeof(c->script_id), atts, "id");
	c->vulners = strcmp(c->script_id, "vulners") == 0;
	c->cpe[0] = '\0';
	if (!c->in_port || c->vulners || !c->port_open)
		return FL_OK;
	/* the port's other scripts go into its description, bounded */
	rc = fl_buf_printf(&c->scripts, "Script ID: %s\nScript Output: %.*s\n",
			   c->script_id, NM_OUTPUT_MAX, out ? out : "");
	return rc == FL_E_LIMIT ? FL_OK : rc;
}

static void
start_entry(struct nm *c, const char **atts)
{
	unsigned long line, col;

	fl_finding_reset(&c->f);
	c->in_entry = 1;
	c->v_id[0] = c->v_cvss[0] = c->v_type[0] = c->v_title[0] = '\0';
	c->v_state[0] = c->v_risk[0] = '\0';
	c->v_score = -1;
	if (!c->vulners)
		copy_attr(c->v_id, sizeof(c->v_id), atts, "key");
	fl_xml_pos(c->x, &line, &col);
	c->f.src_line = line;
}

static fl_err
nm_start(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	 int depth)
{
	struct nm *c = ctx;
	const char *parent = fl_xml_path(x, depth - 1), *v;

	c->x = x;
	if (depth == 0) {
		struct fl_scan_meta m;

		if (strcmp(name, "nmaprun") != 0)
			return fl_xml_fail(x, c->d, FL_E_SYNTAX,
					   "not an nmap report (root element <%s>)",
					   name);
		epoch_iso(fl_xml_attr(atts, "start"), c->date);
		if (c->sink->meta == NULL)
			return FL_OK;
		memset(&m, 0, sizeof(m));
		m.scanner = "nmap";
		m.version = fl_xml_attr(atts, "version");
		m.name = fl_xml_attr(atts, "args");
		m.started = nz(c->date);
		return c->sink->meta(c->sink->ctx, &m);
	}
	if (c->sdepth >= 0 && depth > c->sdepth) {
		int level = depth - c->sdepth;

		if (strcmp(name, "elem") == 0)
			copy_attr(c->elem_key, sizeof(c->elem_key), atts, "key");
		else if (strcmp(name, "table") != 0)
			return FL_OK;
		else if (c->vulners && level == 1)
			copy_attr(c->cpe, sizeof(c->cpe), atts, "key");
		else if ((c->vulners && level == 2) || (!c->vulners && level == 1))
			start_entry(c, atts);
		else if (!c->vulners && level == 2)
			copy_attr(c->sub_key, sizeof(c->sub_key), atts, "key");
		return FL_OK;
	}
	if (depth == 1 && strcmp(name, "host") == 0) {
		host_reset(c);
		epoch_iso(fl_xml_attr(atts, "starttime"), c->hstart);
		epoch_iso(fl_xml_attr(atts, "endtime"), c->hend);
	} else if (depth == 2 && strcmp(name, "status") == 0) {
		v = fl_xml_attr(atts, "state");
		c->host_up = v != NULL && strcmp(v, "up") == 0;
	} else if (depth == 2 && strcmp(name, "address") == 0) {
		v = fl_xml_attr(atts, "addrtype");
		if (v == NULL || strcmp(v, "ipv4") == 0) {
			if (c->ipv4[0] == '\0')
				copy_attr(c->ipv4, sizeof(c->ipv4), atts, "addr");
		} else if (strcmp(v, "ipv6") == 0) {
			if (c->ipv6[0] == '\0')
				copy_attr(c->ipv6, sizeof(c->ipv6), atts, "addr");
		} else if (strcmp(v, "mac") == 0 && c->mac[0] == '\0')
			copy_attr(c->mac, sizeof(c->mac), atts, "addr");
	} else if (depth == 3 && strcmp(name, "hostname") == 0) {
		v = fl_xml_attr(atts, "type");
		if (v != NULL && strcmp(v, "PTR") == 0 && c->ptr[0] == '\0')
			copy_attr(c->ptr, sizeof(c->ptr), atts, "name");
		else if (v != NULL && strcmp(v, "user") == 0 && c->user[0] == '\0')
			copy_attr(c->user, sizeof(c->user), atts, "name");
	} else if (depth == 3 && strcmp(name, "osmatch") == 0) {
		if (c->os[0] == '\0')
			copy_attr(c->os, sizeof(c->os), atts, "name");
	} else if (depth == 3 && strcmp(name, "port") == 0 &&
		   parent != NULL && strcmp(parent, "ports") == 0) {
		long p;

		c->in_port = 1;
		c->port_open = 0;
		c->port = 0;
		v = fl_xml_attr(atts, "portid");
		if (v != NULL && fl_parse_long(v, 0, 65535, &p) == 0)
			c->port = (unsigned)p;
		copy_attr(c->proto, sizeof(c->proto), atts, "protocol");
		c->svc[0] = c->product[0] = c->version[0] = c->extrainfo[0] = '\0';
		fl_buf_reset(&c->scripts);
	} else if (c->in_port && depth == 4 && strcmp(name, "state") == 0) {
		v = fl_xml_attr(atts, "state");
		c->port_open = v != NULL && strcmp(v, "open") == 0;
	} else if (c->in_port && depth == 4 && strcmp(name, "service") == 0) {
		copy_attr(c->svc, sizeof(c->svc), atts, "name");
		copy_attr(c->product, sizeof(c->product), atts, "product");
		copy_attr(c->version, sizeof(c->version), atts, "version");
		copy_attr(c->extrainfo, sizeof(c->extrainfo), atts, "extrainfo");
	} else if (strcmp(name, "script") == 0 &&
		   ((c->in_port && depth == 4) ||
		    (depth == 3 && parent != NULL && strcmp(parent, "hostscript") == 0))) {
		return start_script(c, atts, depth);
	}
	return FL_OK;
}

/* <elem> inside a script's entry. */
static fl_err
entry_elem(struct nm *c, int level, const char *s, size_t n)
{
	char k[64];
	size_t i;
	fl_err rc;

	for (i = 0; c->elem_key[i] != '\0' && i + 1 < sizeof(k); i++)
		k[i] = (char)tolower((unsigned char)c->elem_key[i]);
	k[i] = '\0';
	n = fl_scan_trim(&s, n);
	if (c->vulners && level == 3) {
		if (strcmp(k, "id") == 0)
			fl_scan_copy(c->v_id, sizeof(c->v_id), s, n);
		else if (strcmp(k, "cvss") == 0)
			fl_scan_copy(c->v_cvss, sizeof(c->v_cvss), s, n);
		else if (strcmp(k, "type") == 0)
			fl_scan_copy(c->v_type, sizeof(c->v_type), s, n);
		/* every attribute of the entry, as "key: value" lines */
		if ((rc = fl_finding_append(&c->f, FL_FF_DESCRIPTION, "", k,
					    strlen(k))) != FL_OK ||
		    (rc = fl_finding_append(&c->f, FL_FF_DESCRIPTION, "", ": ",
					    2)) != FL_OK ||
		    (rc = fl_finding_append(&c->f, FL_FF_DESCRIPTION, "", s,
					    n)) != FL_OK)
			return rc;
		return fl_finding_append(&c->f, FL_FF_DESCRIPTION, "", "\n", 1);
	}
	if (c->vulners)
		return FL_OK;
	if (level == 2) {
		if (strcmp(k, "title") == 0)
			fl_scan_copy(c->v_title, sizeof(c->v_title), s, n);
		else if (strcmp(k, "state") == 0)
			fl_scan_copy(c->v_state, sizeof(c->v_state), s, n);
		else if (strcmp(k, "risk_factor") == 0)
			fl_scan_copy(c->v_risk, sizeof(c->v_risk), s, n);
		return FL_OK;
	}
	if (level != 3)
		return FL_OK;
	if (strcmp(c->sub_key, "ids") == 0)
		return fl_scan_find_cves(&c->f, s, n);
	if (strcmp(c->sub_key, "refs") == 0)
		return fl_finding_append(&c->f, FL_FF_REFERENCES, "\n", s, n);
	if (strcmp(c->sub_key, "description") == 0)
		return fl_finding_append(&c->f, FL_FF_DESCRIPTION, "\n", s, n);
	if (strcmp(c->sub_key, "scores") == 0) {
		double v = fl_scan_score(s, n);

		if (v > c->v_score)
			c->v_score = v;
	}
	return FL_OK;
}

static fl_err
nm_end(void *ctx, struct fl_xml *x, const char *name, const char *text,
       size_t len, int depth)
{
	struct nm *c = ctx;

	c->x = x;
	if (c->sdepth >= 0 && depth > c->sdepth) {
		int level = depth - c->sdepth, open = !c->in_port || c->port_open;

		if (strcmp(name, "elem") == 0 && c->in_entry)
			return entry_elem(c, level, text, len);
		if (strcmp(name, "table") != 0)
			return FL_OK;
		if ((c->vulners && level == 2) || (!c->vulners && level == 1)) {
			c->in_entry = 0;
			if (!open) {
				fl_finding_reset(&c->f);
				return FL_OK;
			}
			return c->vulners ? (c->in_port ? emit_vulners(c) : FL_OK)
					  : emit_vulns(c);
		}
		if (!c->vulners && level == 2)
			c->sub_key[0] = '\0';
		return FL_OK;
	}
	if (c->sdepth == depth && strcmp(name, "script") == 0) {
		c->sdepth = -1;
		c->in_entry = 0;
		fl_finding_reset(&c->f);
		return FL_OK;
	}
	if (c->in_port && depth == 3 && strcmp(name, "port") == 0) {
		fl_err rc = c->port_open ? emit_port(c) : FL_OK;

		c->in_port = c->port_open = 0;
		return rc;
	}
	if (depth == 1 && strcmp(name, "host") == 0 && c->host_up &&
	    c->sink->host != NULL && host_name(c) != NULL) {
		struct fl_scan_host h;

		memset(&h, 0, sizeof(h));
		h.host = host_name(c);
		h.ip = host_ip(c);
		h.fqdn = host_fqdn(c);
		h.authenticated = -1;
		h.start = nz(c->hstart);
		h.end = nz(c->hend);
		h.os = nz(c->os);
		return c->sink->host(c->sink->ctx, &h);
	}
	return FL_OK;
}

static fl_err
nmap_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	  struct fl_diag *d)
{
	struct fl_xml_handlers h = { NULL, nm_start, nm_end };
	struct nm *c;
	fl_err rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	c->sink = sink;
	c->d = d;
	c->sdepth = -1;
	fl_finding_init(&c->f);
	fl_buf_init(&c->scripts, NM_SCRIPTS_MAX);
	h.ctx = c;
	rc = fl_xml_stream(src, &h, 0, d);
	fl_finding_reset(&c->f);
	fl_buf_release(&c->scripts);
	free(c);
	return rc;
}

static int
nmap_sniff(const char *head, size_t n, const char *path)
{
	(void)path;
	if (fl_scan_has(head, n, "<nmaprun"))
		return 95;
	if (fl_scan_has(head, n, "<!DOCTYPE nmaprun"))
		return 90;
	return 0;
}

const struct fl_scan_format fl_fmt_nmap = {
	"nmap", "nmap XML (-oX): open ports, vulners and NSE vulns results",
	nmap_sniff, nmap_read
};
