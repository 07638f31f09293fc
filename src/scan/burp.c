/*
 * Burp Suite XML reports (issues/issue, with or without base64 requests
 * and responses).  One raw finding per issue: the issue type is the rule,
 * the serial number the instance, host and path the URL location, the
 * CWEs come from vulnerabilityClassifications.  Burp writes its prose as
 * HTML; background, detail, remediation and references are turned into
 * text.  For `vuln parse`, DefectDojo's grouping is kept: one finding per
 * issue type, the first issue's fields, every issue's URL a location.
 *
 * The request and response of each issue go to the evidence, decoded when
 * base64, bounded: the request's first 4 KiB and the response's headers,
 * since a response body can be megabytes of anything.  Nothing is
 * refused except a document whose root is not <issues>; Burp's own
 * internal DTD (ELEMENT and ATTLIST declarations) is read like any other,
 * an entity declaration in it is refused by the XML driver.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "scan.h"

#define BURP_TEXT_MAX ((size_t)64 << 20)    /* one element's text */
#define BURP_EVIDENCE_MAX ((size_t)64 << 10)
#define BURP_MSG_MAX 4096                   /* of one request or response */
#define BURP_HOSTS_MAX 10000                /* distinct hosts reported */

struct burp {
	const struct fl_scan_sink *sink;
	struct fl_xml *x;
	struct fl_diag *d;
	struct fl_finding f;
	struct fl_buf detail, rem_bg, rem_detail, refs, ev, tmp;
	struct fl_strset hosts;     /* hosts already reported */
	int in_issue;
	char host[1024], ip[64], path[4096], location[4096], confidence[32];
	int b64;                    /* the request/response being read is base64 */
	char method[16];
	/* a Collaborator interaction */
	char c_type[32], c_origin[64], c_time[64], c_lookup_type[32];
	char c_lookup_host[512];
};

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decode the first bytes of base64 text into out (at most outsz bytes);
 * blanks are skipped, decoding stops at '=' or anything else. */
static size_t
b64_prefix(const char *s, size_t n, char *out, size_t outsz)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	for (i = 0; i < n && o < outsz; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		if ((v = b64_value((unsigned char)s[i])) < 0)
			break;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	return o;
}

/*
 * A request or response into the evidence: decoded, cut to its first
 * BURP_MSG_MAX bytes (a response to its headers), control bytes shown as
 * '.', so the text is safe to store and print.
 */
static fl_err
ev_message(struct burp *c, const char *label, const char *s, size_t n,
	   int headers_only)
{
	char msg[BURP_MSG_MAX];
	size_t m, i, k;
	fl_err rc;

	n = fl_scan_trim(&s, n);
	if (c->b64)
		m = b64_prefix(s, n, msg, sizeof(msg));
	else {
		m = n < sizeof(msg) ? n : sizeof(msg);
		memcpy(msg, s, m);
	}
	if (headers_only)
		for (i = 0; i + 1 < m; i++)
			if (msg[i] == '\n' && (msg[i + 1] == '\n' ||
			    (msg[i + 1] == '\r' && i + 2 < m && msg[i + 2] == '\n'))) {
				m = i;
				break;
			}
	for (i = k = 0; i < m; i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (ch == '\r')
			continue;
		msg[k++] = (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ?
			   '.' : (char)ch;
	}
	m = k;
	while (m > 0 && isspace((unsigned char)msg[m - 1]))
		m--;
	rc = fl_buf_printf(&c->ev, "%s%s:%s%.*s\n", c->ev.len ? "\n" : "", label,
			   m ? "\n" : " (empty)", (int)m, msg);
	return rc == FL_E_LIMIT ? FL_OK : rc;
}

static fl_err
html_into(struct fl_buf *b, const char *s, size_t n)
{
	fl_err rc;

	if (b->len > 0 && (rc = fl_buf_puts(b, "\n\n")) != FL_OK)
		return rc;
	return fl_scan_html_text(b, s, n);
}

/* Every "CWE-N" in the classifications: the first as cwe, all as spelled. */
static fl_err
find_cwes(struct fl_finding *f, const char *s, size_t n)
{
	size_t i, j;
	fl_err rc;

	for (i = 0; i + 4 < n; i++) {
		if (strncasecmp(s + i, "CWE-", 4) != 0 ||
		    (i > 0 && isalnum((unsigned char)s[i - 1])))
			continue;
		for (j = i + 4; j < n && isdigit((unsigned char)s[j]); j++)
			;
		if (j == i + 4 || j - i - 4 > 7)
			continue; /* no number, or none a CWE has */
		if (f->cwe == 0) {
			long v;
			char num[12];

			fl_scan_copy(num, sizeof(num), s + i + 4, j - i - 4);
			if (fl_parse_long(num, 1, 10000000, &v) == 0)
				f->cwe = (int)v;
		}
		if ((rc = fl_strlist_add_unique(&f->cwes, s + i, j - i)) != FL_OK)
			return rc;
		i = j - 1;
	}
	return FL_OK;
}

static int
is_ip(const char *s)
{
	unsigned char a[16];
	char tmp[64];
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = '\0';
		s = tmp;
	}
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* The issue's URL as its location, the address beside the name. */
static fl_err
add_location(struct burp *c)
{
	struct fl_scan_loc *l;
	struct fl_buf u;
	fl_err rc;

	if (c->host[0] == '\0')
		return FL_OK;
	fl_buf_init(&u, sizeof(c->host) + sizeof(c->path));
	if ((rc = fl_buf_puts(&u, c->host)) != FL_OK ||
	    (c->path[0] != '/' && c->path[0] != '\0' &&
	     (rc = fl_buf_putc(&u, '/')) != FL_OK) ||
	    (rc = fl_buf_puts(&u, c->path)) != FL_OK ||
	    (rc = fl_finding_add_url(&c->f, u.data, u.len)) != FL_OK)
		goto out;
	l = &c->f.locs[c->f.nlocs - 1];
	if (c->ip[0] != '\0' && l->host != NULL && !is_ip(l->host))
		rc = fl_scan_loc_names(l, c->ip, l->host);
out:
	fl_buf_release(&u);
	return rc;
}

/* The first time a host is seen, tell the sink it was covered. */
static fl_err
report_host(struct burp *c)
{
	const struct fl_scan_loc *l;
	int added;

	if (c->sink->host == NULL || c->f.nlocs == 0)
		return FL_OK;
	l = &c->f.locs[c->f.nlocs - 1];
	if (l->host == NULL || c->hosts.n >= BURP_HOSTS_MAX)
		return FL_OK;
	if (fl_strset_add(&c->hosts, l->host, BURP_HOSTS_MAX, NULL,
			  &added) != FL_OK)
		return FL_E_NOMEM;
	if (!added)
		return FL_OK;
	return fl_scan_host_seen(c->sink, l->host, l->ip, l->fqdn);
}

static fl_err
set_buf(struct burp *c, enum fl_ff k, const struct fl_buf *b)
{
	if (b->len == 0)
		return FL_OK;
	return fl_finding_set(&c->f, k, b->data, b->len);
}

static fl_err
end_issue(struct burp *c)
{
	struct fl_buf *t = &c->tmp;
	const char *vid = c->f.text[FL_FF_VULN_ID_FROM_TOOL];
	fl_err rc;

	c->in_issue = 0;
	fl_buf_reset(t);
	/* DefectDojo's description starts with the URL; the location and
	 * confidence say which parameter and how sure Burp is */
	if ((rc = fl_buf_printf(t, "URL: %s%s\n", c->host, c->path)) != FL_OK ||
	    (c->location[0] != '\0' &&
	     (rc = fl_buf_printf(t, "Location: %s\n", c->location)) != FL_OK) ||
	    (c->confidence[0] != '\0' &&
	     (rc = fl_buf_printf(t, "Confidence: %s\n", c->confidence)) != FL_OK) ||
	    (c->detail.len > 0 &&
	     ((rc = fl_buf_putc(t, '\n')) != FL_OK ||
	      (rc = fl_buf_append(t, c->detail.data, c->detail.len)) != FL_OK)))
		goto out;
	if ((rc = set_buf(c, FL_FF_DESCRIPTION, t)) != FL_OK)
		goto out;
	/* remediation detail first, then the background, as DefectDojo does */
	fl_buf_reset(t);
	if ((c->rem_detail.len > 0 &&
	     (rc = fl_buf_append(t, c->rem_detail.data, c->rem_detail.len)) != FL_OK) ||
	    (c->rem_bg.len > 0 &&
	     ((t->len > 0 && (rc = fl_buf_puts(t, "\n\n")) != FL_OK) ||
	      (rc = fl_buf_append(t, c->rem_bg.data, c->rem_bg.len)) != FL_OK)))
		goto out;
	if ((rc = set_buf(c, FL_FF_MITIGATION, t)) != FL_OK ||
	    (rc = set_buf(c, FL_FF_REFERENCES, &c->refs)) != FL_OK)
		goto out;
	while (c->ev.len > 0 && c->ev.data[c->ev.len - 1] == '\n')
		c->ev.len--;
	if ((rc = set_buf(c, FL_FF_EVIDENCE, &c->ev)) != FL_OK)
		goto out;
	if (vid != NULL && *vid != '\0') {
		fl_buf_reset(t);
		if ((rc = fl_buf_printf(t, "burp:%s", vid)) != FL_OK ||
		    (rc = set_buf(c, FL_FF_GROUP_KEY, t)) != FL_OK)
			goto out;
	}
	if ((rc = add_location(c)) != FL_OK || (rc = report_host(c)) != FL_OK)
		goto out;
	rc = c->sink->finding(c->sink->ctx, &c->f);
out:
	fl_finding_reset(&c->f);
	return rc;
}

static void
start_issue(struct burp *c, struct fl_xml *x)
{
	unsigned long line, col;

	fl_finding_reset(&c->f);
	fl_buf_reset(&c->detail);
	fl_buf_reset(&c->rem_bg);
	fl_buf_reset(&c->rem_detail);
	fl_buf_reset(&c->refs);
	fl_buf_reset(&c->ev);
	c->host[0] = c->ip[0] = c->path[0] = c->location[0] = '\0';
	c->confidence[0] = '\0';
	c->in_issue = 1;
	fl_xml_pos(x, &line, &col);
	c->f.src_line = line;
}

static fl_err
burp_start(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	   int depth)
{
	struct burp *c = ctx;
	const char *v;

	c->x = x;
	if (depth == 0) {
		struct fl_scan_meta m;

		if (strcmp(name, "issues") != 0)
			return fl_xml_fail(x, c->d, FL_E_SYNTAX,
					   "not a Burp report (root element <%s>)",
					   name);
		if (c->sink->meta == NULL)
			return FL_OK;
		memset(&m, 0, sizeof(m));
		m.scanner = "Burp Suite";
		m.version = fl_xml_attr(atts, "burpVersion");
		m.started = fl_xml_attr(atts, "exportTime");
		return c->sink->meta(c->sink->ctx, &m);
	}
	if (depth == 1 && strcmp(name, "issue") == 0) {
		start_issue(c, x);
		return FL_OK;
	}
	if (!c->in_issue)
		return FL_OK;
	if (depth == 2 && strcmp(name, "host") == 0) {
		v = fl_xml_attr(atts, "ip");
		fl_scan_copy(c->ip, sizeof(c->ip), v ? v : "", v ? strlen(v) : 0);
	} else if (strcmp(name, "request") == 0 || strcmp(name, "response") == 0 ||
		   strcmp(name, "responseRedirected") == 0) {
		v = fl_xml_attr(atts, "base64");
		c->b64 = v != NULL && strcmp(v, "true") == 0;
		v = fl_xml_attr(atts, "method");
		fl_scan_copy(c->method, sizeof(c->method), v ? v : "", v ? strlen(v) : 0);
	} else if (depth == 2 && strcmp(name, "collaboratorEvent") == 0) {
		c->c_type[0] = c->c_origin[0] = c->c_time[0] = '\0';
		c->c_lookup_type[0] = c->c_lookup_host[0] = '\0';
	}
	return FL_OK;
}

/* </collaboratorEvent>: what Burp's Collaborator saw, as a sentence. */
static fl_err
end_collaborator(struct burp *c)
{
	fl_err rc;

	if (c->c_type[0] == '\0')
		return FL_OK;
	if (c->detail.len > 0 && (rc = fl_buf_puts(&c->detail, "\n\n")) != FL_OK)
		return rc;
	if (strcmp(c->c_type, "DNS") == 0)
		return fl_buf_printf(&c->detail, "The Collaborator server received "
				     "a DNS lookup of type %s for the domain name "
				     "%s at %s originating from %s.",
				     c->c_lookup_type, c->c_lookup_host, c->c_time,
				     c->c_origin);
	return fl_buf_printf(&c->detail, "The Collaborator server received %s "
			     "%s interaction at %s originating from %s.",
			     c->c_type[0] == 'H' ? "an" : "a", c->c_type,
			     c->c_time, c->c_origin);
}

static fl_err
burp_end(void *ctx, struct fl_xml *x, const char *name, const char *s,
	 size_t n, int depth)
{
	struct burp *c = ctx;
	const char *t = s;
	size_t tn = fl_scan_trim(&t, n);

	c->x = x;
	if (!c->in_issue)
		return FL_OK;
	if (depth == 1)
		return end_issue(c);
	if (strcmp(name, "request") == 0)
		return ev_message(c, "Request", s, n, 0);
	if (strcmp(name, "response") == 0)
		return ev_message(c, "Response", s, n, 1);
	if (depth == 3 && strcmp(fl_xml_path(x, 2), "collaboratorEvent") == 0) {
		if (strcmp(name, "interactionType") == 0)
			fl_scan_copy(c->c_type, sizeof(c->c_type), s, n);
		else if (strcmp(name, "originIp") == 0)
			fl_scan_copy(c->c_origin, sizeof(c->c_origin), s, n);
		else if (strcmp(name, "time") == 0)
			fl_scan_copy(c->c_time, sizeof(c->c_time), s, n);
		else if (strcmp(name, "lookupType") == 0)
			fl_scan_copy(c->c_lookup_type, sizeof(c->c_lookup_type), s, n);
		else if (strcmp(name, "lookupHost") == 0)
			fl_scan_copy(c->c_lookup_host, sizeof(c->c_lookup_host), s, n);
		return FL_OK;
	}
	if (depth == 3 && strcmp(name, "issueDetailItem") == 0) {
		fl_err rc;

		if ((rc = fl_buf_puts(&c->detail, c->detail.len ? "\n- " : "- ")) != FL_OK)
			return rc;
		return fl_scan_html_text(&c->detail, s, n);
	}
	if (depth != 2)
		return FL_OK;
	if (strcmp(name, "serialNumber") == 0)
		return fl_finding_set(&c->f, FL_FF_UNIQUE_ID_FROM_TOOL, t, tn);
	if (strcmp(name, "type") == 0)
		return fl_finding_set(&c->f, FL_FF_VULN_ID_FROM_TOOL, t, tn);
	if (strcmp(name, "name") == 0)
		return fl_finding_set(&c->f, FL_FF_TITLE, t, tn);
	if (strcmp(name, "host") == 0)
		fl_scan_copy(c->host, sizeof(c->host), s, n);
	else if (strcmp(name, "path") == 0)
		fl_scan_copy(c->path, sizeof(c->path), s, n);
	else if (strcmp(name, "location") == 0)
		fl_scan_copy(c->location, sizeof(c->location), s, n);
	else if (strcmp(name, "confidence") == 0)
		fl_scan_copy(c->confidence, sizeof(c->confidence), s, n);
	else if (strcmp(name, "severity") == 0) {
		int sev = fl_sev_parse(t, tn);

		if (sev < 0 && tn == 14 && strncasecmp(t, "false positive", 14) == 0)
			c->f.status = FL_FS_FALSE_POSITIVE;
		c->f.severity = sev < 0 ? FL_SEV_INFO : sev;
	} else if (strcmp(name, "issueBackground") == 0)
		return fl_scan_set_html(&c->f, FL_FF_IMPACT, &c->tmp, s, n);
	else if (strcmp(name, "issueDetail") == 0)
		return html_into(&c->detail, s, n);
	else if (strcmp(name, "remediationBackground") == 0)
		return html_into(&c->rem_bg, s, n);
	else if (strcmp(name, "remediationDetail") == 0)
		return html_into(&c->rem_detail, s, n);
	else if (strcmp(name, "references") == 0)
		return html_into(&c->refs, s, n);
	else if (strcmp(name, "vulnerabilityClassifications") == 0) {
		fl_err rc;

		if ((rc = find_cwes(&c->f, s, n)) != FL_OK)
			return rc;
		return html_into(&c->refs, s, n);
	} else if (strcmp(name, "collaboratorEvent") == 0)
		return end_collaborator(c);
	return FL_OK;
}

static fl_err
burp_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	  struct fl_diag *d)
{
	struct fl_xml_handlers h = { NULL, burp_start, burp_end };
	struct burp *c;
	fl_err rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	c->sink = sink;
	c->d = d;
	fl_finding_init(&c->f);
	fl_buf_init(&c->detail, (size_t)16 << 20);
	fl_buf_init(&c->rem_bg, (size_t)16 << 20);
	fl_buf_init(&c->rem_detail, (size_t)16 << 20);
	fl_buf_init(&c->refs, (size_t)16 << 20);
	fl_buf_init(&c->tmp, (size_t)16 << 20);
	fl_buf_init(&c->ev, BURP_EVIDENCE_MAX);
	h.ctx = c;
	rc = fl_xml_stream(src, &h, BURP_TEXT_MAX, d);
	fl_finding_reset(&c->f);
	fl_buf_release(&c->detail);
	fl_buf_release(&c->rem_bg);
	fl_buf_release(&c->rem_detail);
	fl_buf_release(&c->refs);
	fl_buf_release(&c->tmp);
	fl_buf_release(&c->ev);
	fl_strset_free(&c->hosts);
	free(c);
	return rc;
}

/* The root is <issues burpVersion=...>, often after Burp's internal DTD
 * (<!DOCTYPE issues [...]>), which can fill the first 4 KiB by itself. */
static int
burp_sniff(const char *head, size_t n, const char *path)
{
	(void)path;
	if (fl_scan_has(head, n, "<issues") &&
	    fl_scan_has(head, n, "burpVersion"))
		return 95;
	if (fl_scan_has(head, n, "<!DOCTYPE issues") &&
	    fl_scan_has(head, n, "serialNumber"))
		return 90;
	if (fl_scan_has(head, n, "<issues") &&
	    fl_scan_has(head, n, "<serialNumber>"))
		return 80;
	return 0;
}

const struct fl_scan_format fl_fmt_burp = {
	"burp", "Burp Suite XML issues report", burp_sniff, burp_read
};
