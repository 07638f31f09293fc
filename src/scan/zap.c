/*
 * OWASP ZAP XML reports (OWASPZAPReport/site/alerts/alertitem), from the
 * 2.x "traditional" XML through ZAP 2.16's with request and response
 * headers.  One finding per alertitem, as DefectDojo reads them: the
 * plugin id is the rule, riskcode the severity (0 Info .. 3 High), cweid
 * the CWE, and every instance's URL a location (older reports give one
 * uri per alertitem instead of instances).  Descriptions, solutions and
 * references are HTML and are turned into text.
 *
 * A location keeps scheme, host, port and path but not the query: ZAP
 * makes queries up as it attacks (DefectDojo drops them for the same
 * reason), and a location is part of a finding's identity.  The query, the
 * method, the parameter, the attack and ZAP's evidence of each instance go
 * to the finding's evidence with the request and response headers, bounded.
 * An alert with confidence 0 is one a user marked a false positive in ZAP.
 * Each site is reported to the sink as a covered host.
 */
#include <string.h>

#include "scan.h"

#define ZAP_TEXT_MAX ((size_t)64 << 20)    /* one element's text */
#define ZAP_EVIDENCE_MAX ((size_t)64 << 10)
#define ZAP_HEADERS_MAX 2048               /* each header block in evidence */

struct zap {
	const struct fl_scan_sink *sink;
	struct fl_xml *x;
	struct fl_diag *d;
	struct fl_finding f;
	struct fl_buf tmp, ev;
	/* the site */
	char host[512];
	unsigned port;
	int ssl;
	/* the alert */
	int in_alert, sev_set;
	char riskdesc[64], wasc[16];
	/* the instance (or an old alertitem's own uri/param/attack/evidence) */
	char uri[4096], method[16], param[512], attack[1024], evidence[1024];
	char other[1024], reqh[ZAP_HEADERS_MAX], resph[ZAP_HEADERS_MAX];
};

/* Multi-line text (headers, other info) into dst, each line trimmed of
 * the indentation pretty-printed reports give it, blank lines dropped. */
static void
copy_lines(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t i = 0, k, o = 0;

	while (i < n && o + 1 < dstsz) {
		const char *l = s + i;
		size_t ll;

		for (k = i; k < n && s[k] != '\n'; k++)
			;
		ll = fl_scan_trim(&l, k - i);
		i = k + 1;
		if (ll == 0)
			continue;
		if (o > 0)
			dst[o++] = '\n';
		if (ll > dstsz - 1 - o)
			ll = dstsz - 1 - o;
		memcpy(dst + o, l, ll);
		o += ll;
	}
	dst[o] = '\0';
}

static void
instance_reset(struct zap *c)
{
	c->uri[0] = c->method[0] = c->param[0] = c->attack[0] = '\0';
	c->evidence[0] = c->other[0] = c->reqh[0] = c->resph[0] = '\0';
}

/* Append to the evidence until it is full; a full evidence is not an error. */
static fl_err
ev_put(struct zap *c, const char *label, const char *v)
{
	fl_err rc;

	if (v[0] == '\0')
		return FL_OK;
	rc = fl_buf_printf(&c->ev, "%s%s\n", label, v);
	return rc == FL_E_LIMIT ? FL_OK : rc;
}

/* The URL of an instance as a location (the query only in the evidence). */
static fl_err
add_uri(struct zap *c)
{
	struct fl_scan_loc *l;
	fl_err rc;

	if (c->uri[0] == '\0')
		return FL_OK;
	if ((rc = fl_finding_add_url(&c->f, c->uri, strlen(c->uri))) != FL_OK)
		return rc;
	l = &c->f.locs[c->f.nlocs - 1];
	free(l->query);
	l->query = NULL;
	return FL_OK;
}

static fl_err
end_instance(struct zap *c)
{
	char line[4200];
	fl_err rc;

	if ((rc = add_uri(c)) != FL_OK)
		return rc;
	snprintf(line, sizeof(line), "%s%s%s%s", c->ev.len ? "\n" : "", c->method,
		 c->method[0] ? " " : "", c->uri);
	if ((rc = ev_put(c, "", line)) != FL_OK ||
	    (rc = ev_put(c, "Parameter: ", c->param)) != FL_OK ||
	    (rc = ev_put(c, "Attack: ", c->attack)) != FL_OK ||
	    (rc = ev_put(c, "Evidence: ", c->evidence)) != FL_OK ||
	    (rc = ev_put(c, "Other info: ", c->other)) != FL_OK ||
	    (rc = ev_put(c, "Request:\n", c->reqh)) != FL_OK ||
	    (rc = ev_put(c, "Response:\n", c->resph)) != FL_OK)
		return rc;
	instance_reset(c);
	return FL_OK;
}

static fl_err
end_alert(struct zap *c)
{
	fl_err rc = FL_OK;

	if (c->uri[0] != '\0' || c->evidence[0] != '\0')
		rc = end_instance(c); /* an old report's single uri */
	if (rc == FL_OK && !c->sev_set) {
		int s = fl_sev_parse(c->riskdesc, strcspn(c->riskdesc, " ("));

		c->f.severity = s < 0 ? FL_SEV_INFO : s;
	}
	if (rc == FL_OK && c->f.nlocs == 0 && c->host[0] != '\0')
		rc = fl_finding_add_loc(&c->f, c->host, c->port,
					c->ssl ? "https" : "http", NULL);
	if (rc == FL_OK && c->wasc[0] != '\0') {
		char w[40];

		snprintf(w, sizeof(w), "WASC-%s", c->wasc);
		rc = fl_finding_append(&c->f, FL_FF_REFERENCES, "\n", w, strlen(w));
	}
	while (c->ev.len > 0 && c->ev.data[c->ev.len - 1] == '\n')
		c->ev.len--;
	if (rc == FL_OK && c->ev.len > 0)
		rc = fl_finding_set(&c->f, FL_FF_EVIDENCE, c->ev.data, c->ev.len);
	if (rc == FL_OK)
		rc = c->sink->finding(c->sink->ctx, &c->f);
	fl_finding_reset(&c->f);
	c->in_alert = 0;
	return rc;
}

static fl_err
zap_start(void *ctx, struct fl_xml *x, const char *name, const char **atts,
	  int depth)
{
	struct zap *c = ctx;
	const char *v;

	c->x = x;
	if (depth == 0) {
		struct fl_scan_meta m;

		if (strcmp(name, "OWASPZAPReport") != 0)
			return fl_xml_fail(x, c->d, FL_E_SYNTAX,
					   "not a ZAP report (root element <%s>)",
					   name);
		if (c->sink->meta == NULL)
			return FL_OK;
		memset(&m, 0, sizeof(m));
		m.scanner = "ZAP";
		m.version = fl_xml_attr(atts, "version");
		m.started = fl_xml_attr(atts, "generated");
		return c->sink->meta(c->sink->ctx, &m);
	}
	if (depth == 1 && strcmp(name, "site") == 0) {
		long p;

		v = fl_xml_attr(atts, "host");
		fl_scan_copy(c->host, sizeof(c->host), v ? v : "", v ? strlen(v) : 0);
		v = fl_xml_attr(atts, "ssl");
		c->ssl = v != NULL && strcmp(v, "true") == 0;
		v = fl_xml_attr(atts, "port");
		c->port = v != NULL && fl_parse_long(v, 1, 65535, &p) == 0 ?
			  (unsigned)p : (c->ssl ? 443 : 80);
		if (c->host[0] != '\0')
			return fl_scan_host_seen(c->sink, c->host, NULL, NULL);
		return FL_OK;
	}
	if (depth == 3 && strcmp(name, "alertitem") == 0) {
		unsigned long line, col;

		fl_finding_reset(&c->f);
		fl_buf_reset(&c->ev);
		instance_reset(c);
		c->in_alert = 1;
		c->sev_set = 0;
		c->riskdesc[0] = c->wasc[0] = '\0';
		fl_xml_pos(x, &line, &col);
		c->f.src_line = line;
	} else if (c->in_alert && depth == 5 && strcmp(name, "instance") == 0) {
		/* an old-style uri of this alertitem before its instances */
		if (c->uri[0] != '\0')
			return end_instance(c);
		instance_reset(c);
	}
	return FL_OK;
}

/* A child of <instance> (depth 6) or, in old reports, of <alertitem>. */
static int
instance_field(struct zap *c, const char *name, const char *s, size_t n)
{
	static const struct {
		const char *name;
		size_t off, size;
	} fields[] = {
		{ "uri", offsetof(struct zap, uri), sizeof(((struct zap *)0)->uri) },
		{ "method", offsetof(struct zap, method), sizeof(((struct zap *)0)->method) },
		{ "param", offsetof(struct zap, param), sizeof(((struct zap *)0)->param) },
		{ "attack", offsetof(struct zap, attack), sizeof(((struct zap *)0)->attack) },
		{ "evidence", offsetof(struct zap, evidence), sizeof(((struct zap *)0)->evidence) },
		{ "otherinfo", offsetof(struct zap, other), sizeof(((struct zap *)0)->other) },
		{ "requestheader", offsetof(struct zap, reqh), sizeof(((struct zap *)0)->reqh) },
		{ "responseheader", offsetof(struct zap, resph), sizeof(((struct zap *)0)->resph) },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(name, fields[i].name) == 0) {
			copy_lines((char *)c + fields[i].off, fields[i].size, s, n);
			return 1;
		}
	return 0;
}

static fl_err
alert_field(struct zap *c, const char *name, const char *s, size_t n)
{
	const char *t = s;
	size_t tn = fl_scan_trim(&t, n);
	long v;
	char num[16];

	if (strcmp(name, "pluginid") == 0)
		return fl_finding_set(&c->f, FL_FF_VULN_ID_FROM_TOOL, t, tn);
	if (strcmp(name, "alert") == 0)
		return fl_finding_set(&c->f, FL_FF_TITLE, t, tn);
	if (strcmp(name, "name") == 0 && c->f.text[FL_FF_TITLE] == NULL)
		return fl_finding_set(&c->f, FL_FF_TITLE, t, tn);
	if (strcmp(name, "desc") == 0)
		return fl_scan_set_html(&c->f, FL_FF_DESCRIPTION, &c->tmp, s, n);
	if (strcmp(name, "solution") == 0)
		return fl_scan_set_html(&c->f, FL_FF_MITIGATION, &c->tmp, s, n);
	if (strcmp(name, "reference") == 0)
		return fl_scan_set_html(&c->f, FL_FF_REFERENCES, &c->tmp, s, n);
	if (strcmp(name, "riskdesc") == 0) {
		fl_scan_copy(c->riskdesc, sizeof(c->riskdesc), s, n);
		return FL_OK;
	}
	fl_scan_copy(num, sizeof(num), s, n);
	if (strcmp(name, "riskcode") == 0 && fl_parse_long(num, 0, 4, &v) == 0) {
		c->f.severity = v > FL_SEV_CRITICAL ? FL_SEV_CRITICAL : (int)v;
		c->sev_set = 1;
	} else if (strcmp(name, "confidence") == 0 && strcmp(num, "0") == 0) {
		c->f.status = FL_FS_FALSE_POSITIVE;
	} else if (strcmp(name, "cweid") == 0 &&
		   fl_parse_long(num, 1, 1000000, &v) == 0) {
		c->f.cwe = (int)v;
		return fl_strlist_add_unique(&c->f.cwes, num, strlen(num));
	} else if (strcmp(name, "wascid") == 0 &&
		   fl_parse_long(num, 1, 1000000, &v) == 0) {
		fl_strlcpy(c->wasc, num, sizeof(c->wasc));
	}
	return FL_OK;
}

static fl_err
zap_end(void *ctx, struct fl_xml *x, const char *name, const char *text,
	size_t len, int depth)
{
	struct zap *c = ctx;

	c->x = x;
	if (!c->in_alert)
		return FL_OK;
	if (depth == 3 && strcmp(name, "alertitem") == 0)
		return end_alert(c);
	if (depth == 4) {
		fl_err rc;

		/* an old report's alertitem is its own single instance; a
		 * second uri in it starts another */
		if (strcmp(name, "uri") == 0 && c->uri[0] != '\0' &&
		    (rc = end_instance(c)) != FL_OK)
			return rc;
		if (instance_field(c, name, text, len))
			return FL_OK;
		return alert_field(c, name, text, len);
	}
	if (depth == 5 && strcmp(name, "instance") == 0)
		return end_instance(c);
	if (depth == 6 && instance_field(c, name, text, len))
		return FL_OK;
	return FL_OK;
}

static fl_err
zap_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	 struct fl_diag *d)
{
	struct fl_xml_handlers h = { NULL, zap_start, zap_end };
	struct zap *c;
	fl_err rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	c->sink = sink;
	c->d = d;
	fl_finding_init(&c->f);
	fl_buf_init(&c->tmp, (size_t)16 << 20);
	fl_buf_init(&c->ev, ZAP_EVIDENCE_MAX);
	h.ctx = c;
	rc = fl_xml_stream(src, &h, ZAP_TEXT_MAX, d);
	fl_finding_reset(&c->f);
	fl_buf_release(&c->tmp);
	fl_buf_release(&c->ev);
	free(c);
	return rc;
}

static int
zap_sniff(const char *head, size_t n, const char *path)
{
	(void)path;
	return fl_scan_has(head, n, "<OWASPZAPReport") ? 95 : 0;
}

const struct fl_scan_format fl_fmt_zap = {
	"zap", "OWASP ZAP XML report", zap_sniff, zap_read
};
