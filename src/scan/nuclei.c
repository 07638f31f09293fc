/*
 * Nuclei results (ProjectDiscovery's template scanner): the JSON export
 * (one array of results, -json-export) and JSON lines (one result a line,
 * -jsonl, and the older -json).  An array is read whole with jansson; JSON
 * lines are read line by line, so only one line is ever held.  Every result
 * is one raw finding at the place it matched (matched-at, or matched in
 * older versions, else the host, else the url): a URL gives host, port,
 * scheme and path, a "host:port" gives host and port.  Its fields are
 * DefectDojo's: the template's name is the title, template-id the rule,
 * the matcher name the component, the classification gives CVEs, CWEs,
 * CVSS and EPSS.
 *
 * DefectDojo merges the results of one template with the same type,
 * matcher and host into one finding with several endpoints, and counts
 * them in nb_occurences; that is the group key here (it hashes the same
 * string with SHA-256; a plain key groups the same).  Each scanned host is
 * reported to the sink once, with the address when the result gives one.
 *
 * It refuses: a line or array element that is not a JSON object, and an
 * object that has neither a template id nor an "info" block (not a Nuclei
 * result).  A severity Nuclei has but DefectDojo does not ("unknown") is
 * Low, as DefectDojo makes it.  Request and response bodies are not kept;
 * the curl command (or the request, cut short) is the evidence.
 */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "scan.h"

#define LINE_MAX_BYTES ((size_t)64 << 20)   /* one JSON line */
#define EVIDENCE_MAX ((size_t)8192)
#define HOSTS_MAX 100000                    /* hosts remembered for sink->host */

/* ---- small jansson accessors ------------------------------------------- */

static json_t *
jget(json_t *o, const char *k)
{
	return json_is_object(o) ? json_object_get(o, k) : NULL;
}

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = jget(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * A timestamp with at most microseconds: Nuclei writes nanoseconds
 * ("11:02:11.829446505+03:00"), DefectDojo (Python's datetime) keeps six
 * digits of them.
 */
static fl_err
set_date(struct fl_finding *f, const char *ts)
{
	const char *dot, *e;
	fl_err rc;

	if (ts == NULL || *ts == '\0')
		return FL_OK;
	if ((dot = strchr(ts, '.')) == NULL)
		return fl_finding_setz(f, FL_FF_DATE, ts);
	for (e = dot + 1; isdigit((unsigned char)*e); e++)
		;
	if (e - dot - 1 <= 6)
		return fl_finding_setz(f, FL_FF_DATE, ts);
	if ((rc = fl_finding_set(f, FL_FF_DATE, ts, (size_t)(dot - ts) + 7)) != FL_OK)
		return rc;
	return fl_finding_append(f, FL_FF_DATE, "", e, strlen(e));
}

/* The first non-empty string among two spellings of a key. */
static const char *
jstr2(json_t *o, const char *a, const char *b)
{
	const char *s = jstr(o, a);

	return s != NULL && *s != '\0' ? s : jstr(o, b);
}

/* ---- reader state ------------------------------------------------------- */

struct nuclei {
	struct fl_scan_src *src;
	const struct fl_scan_sink *sink;
	struct fl_diag *d;
	struct fl_finding f;
	struct fl_buf b;        /* scratch: description, references, key */
	struct fl_strset hosts;  /* hosts already reported */
	int meta_done;
	int sink_failed;        /* the error came from the sink: keep its diag */
};

/* DefectDojo: the five severities in any case; anything else is Low. */
static int
severity(const char *s)
{
	int sev = fl_scan_sev_word(s);

	return sev < 0 ? FL_SEV_LOW : sev;
}

/* A string, or the strings of an array joined by sep, into the field. */
static fl_err
set_joined(struct fl_finding *f, enum fl_ff k, json_t *v, const char *sep)
{
	json_t *e;
	size_t i;
	fl_err rc;

	if (json_is_string(v))
		return json_string_length(v) == 0 ? FL_OK :
		       fl_finding_set(f, k, json_string_value(v), json_string_length(v));
	json_array_foreach(v, i, e)
		if (json_is_string(e) &&
		    (rc = fl_finding_append(f, k, sep, json_string_value(e),
					    json_string_length(e))) != FL_OK)
			return rc;
	return FL_OK;
}

/* "cwe-79" -> 79; 0 for anything else ("nvd-cve-other"). */
static int
cwe_number(const char *s)
{
	long v;

	if (strncasecmp(s, "cwe-", 4) != 0 || fl_parse_long(s + 4, 1, 99999999, &v) != 0)
		return 0;
	return (int)v;
}

/* A string or an array of strings as an array (a new reference, or NULL). */
static json_t *
as_list(json_t *v)
{
	if (json_is_string(v))
		return json_pack("[O]", v);
	return json_incref(v);
}

/* Classification: CVEs (upper case), CWEs (the first is f->cwe), CVSS, EPSS. */
static fl_err
classification(struct fl_finding *f, json_t *c)
{
	json_t *v, *e;
	const char *vec;
	double score;
	size_t i, k;
	fl_err rc;

	v = as_list(jget(c, "cve-id"));
	json_array_foreach(v, i, e) {
		char id[64];
		size_t n = json_string_length(e);

		if (!json_is_string(e) || n == 0 || n >= sizeof(id))
			continue;
		for (k = 0; k < n; k++)
			id[k] = (char)toupper((unsigned char)json_string_value(e)[k]);
		if ((rc = fl_strlist_add_unique(&f->vuln_ids, id, n)) != FL_OK) {
			json_decref(v);
			return rc;
		}
	}
	json_decref(v);
	v = as_list(jget(c, "cwe-id"));
	json_array_foreach(v, i, e) {
		int n;

		if (!json_is_string(e))
			continue;
		/* DefectDojo takes the first entry; a word there means no CWE */
		n = cwe_number(json_string_value(e));
		if (i == 0)
			f->cwe = n;
		if (n > 0 && (rc = fl_strlist_add_unique(&f->cwes, json_string_value(e),
							 json_string_length(e))) != FL_OK) {
			json_decref(v);
			return rc;
		}
	}
	json_decref(v);
	score = fl_scan_json_score(jget(c, "cvss-score"));
	if ((vec = jstr(c, "cvss-metrics")) != NULL && strncmp(vec, "CVSS:4", 6) == 0) {
		if ((rc = fl_finding_setz(f, FL_FF_CVSSV4, vec)) != FL_OK)
			return rc;
		f->cvssv4_score = score;
	} else {
		if (vec != NULL && strncmp(vec, "CVSS:3", 6) == 0 &&
		    (rc = fl_finding_setz(f, FL_FF_CVSSV3, vec)) != FL_OK)
			return rc;
		f->cvssv3_score = score;
	}
	f->epss_score = fl_scan_json_score(jget(c, "epss-score"));
	f->epss_percentile = fl_scan_json_score(jget(c, "epss-percentile"));
	return FL_OK;
}

/* info.description, then the extracted results (DefectDojo's layout). */
static fl_err
description(struct nuclei *s, json_t *info, json_t *item)
{
	struct fl_finding *f = &s->f;
	json_t *ex = jget(item, "extracted-results"), *e;
	const char *d = jstr(info, "description");
	size_t i;
	fl_err rc;

	if (!json_is_array(ex))
		ex = jget(item, "extracted_results");
	if (d != NULL && *d != '\0' &&
	    (rc = fl_finding_setz(f, FL_FF_DESCRIPTION, d)) != FL_OK)
		return rc;
	if (json_array_size(ex) == 0)
		return FL_OK;
	if ((rc = fl_finding_append(f, FL_FF_DESCRIPTION, "", "\n**Results:**", 13)) != FL_OK)
		return rc;
	json_array_foreach(ex, i, e)
		if (json_is_string(e) &&
		    (rc = fl_finding_append(f, FL_FF_DESCRIPTION, "\n",
					    json_string_value(e),
					    json_string_length(e))) != FL_OK)
			return rc;
	return FL_OK;
}

/* An IP address literal (v4 dotted, or anything with a colon: v6). */
static int
is_ip(const char *s)
{
	size_t i, dots = 0;

	if (strchr(s, ':') != NULL)
		return 1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return dots == 3;
}

/*
 * The place: matched (older versions) or matched-at, else the host, else
 * the url.  The address and the port the result gives fill what the URL
 * leaves out.
 * *hostp: the host of the place, NULL when there is none.
 */
static fl_err
place(struct fl_finding *f, json_t *item, const char **hostp)
{
	struct fl_scan_loc *l;
	const char *m = jstr2(item, "matched", "matched-at"), *ip = jstr(item, "ip");
	json_t *port = jget(item, "port");
	long pv = 0;
	size_t n;
	fl_err rc;

	*hostp = NULL;
	if (m == NULL || *m == '\0')
		m = jstr(item, "host");
	if (m == NULL || *m == '\0') {
		/* some versions write only "url", as "/http://host/" */
		if ((m = jstr(item, "url")) != NULL && m[0] == '/' &&
		    strstr(m, "://") != NULL && isalpha((unsigned char)m[1]))
			m++;
	}
	if (m == NULL || *m == '\0')
		return FL_OK;
	if ((rc = fl_finding_add_url(f, m, strlen(m))) != FL_OK)
		return rc;
	l = &f->locs[f->nlocs - 1];
	if (l->host == NULL) {
		fl_finding_pop_loc(f); /* it named no host */
		return FL_OK;
	}
	*hostp = l->host;
	if (l->port == 0) {
		if (json_is_integer(port))
			pv = (long)json_integer_value(port);
		else if (json_is_string(port) &&
			 fl_parse_long(json_string_value(port), 1, 65535, &pv) != 0)
			pv = 0;
		if (pv > 0 && pv <= 65535)
			l->port = (unsigned)pv;
	}
	if (ip == NULL || *ip == '\0')
		return FL_OK;
	/* "10.10.10.10." has been seen: the trailing dot is no part of it */
	n = strlen(ip);
	if (n > 1 && ip[n - 1] == '.' && strchr(ip, ':') == NULL)
		n--;
	if (strlen(l->host) == n && strncmp(l->host, ip, n) == 0)
		return FL_OK;
	if ((l->ip = fl_strndup(ip, n)) == NULL)
		return FL_E_NOMEM;
	if (!is_ip(l->host) && (l->fqdn = fl_strdup(l->host)) == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

/* The host the result was about, once per host. */
static fl_err
report_host(struct nuclei *s, const struct fl_scan_loc *l)
{
	int added;
	fl_err rc;

	if (s->sink->host == NULL)
		return FL_OK;
	if (s->hosts.n >= HOSTS_MAX)
		added = 1;      /* too many to remember: report again */
	else if ((rc = fl_strset_add(&s->hosts, l->host, HOSTS_MAX, NULL,
				     &added)) != FL_OK)
		return rc;
	if (!added)
		return FL_OK;
	if ((rc = fl_scan_host_seen(s->sink, l->host, l->ip, l->fqdn)) != FL_OK)
		s->sink_failed = 1;
	return rc;
}

/* Evidence: the curl command that reproduces it, else the request (cut). */
static fl_err
evidence(struct fl_finding *f, json_t *item)
{
	const char *c = jstr(item, "curl-command"), *r = jstr(item, "request");
	size_t n;

	if (c != NULL && *c != '\0')
		return fl_finding_setz(f, FL_FF_EVIDENCE, c);
	if (r == NULL || *r == '\0')
		return FL_OK;
	n = strlen(r);
	if (n > EVIDENCE_MAX) {
		/* cut on a character boundary */
		n = EVIDENCE_MAX;
		while (n > 0 && ((unsigned char)r[n] & 0xc0) == 0x80)
			n--;
	}
	return fl_finding_set(f, FL_FF_EVIDENCE, r, n);
}

/* DefectDojo's merge key: template, type, matcher, host. */
static fl_err
group_key(struct nuclei *s, const char *tid, const char *type,
	  const char *matcher, const char *host)
{
	fl_buf_reset(&s->b);
	if (fl_buf_printf(&s->b, "%s\x1f%s\x1f%s\x1f%s", tid ? tid : "",
			  type ? type : "", matcher ? matcher : "",
			  host ? host : "") != FL_OK)
		return FL_E_LIMIT;
	return fl_finding_set(&s->f, FL_FF_GROUP_KEY, s->b.data, s->b.len);
}

/* One result: line is where it is (0 inside an array). */
static fl_err
item(struct nuclei *s, json_t *it, unsigned long line, size_t index)
{
	struct fl_finding *f = &s->f;
	json_t *info = jget(it, "info");
	const char *tid = jstr2(it, "templateID", "template-id");
	const char *name, *matcher, *host, *type;
	fl_err rc;

	if (!json_is_object(it) || (tid == NULL && !json_is_object(info)))
		return fl_diag_set(s->d, FL_E_SYNTAX, s->src->path,
				   line ? line : 1, 1, "%s %zu is not a Nuclei result "
				   "(an object with \"template-id\" and \"info\")",
				   line ? "line" : "array element",
				   line ? (size_t)line : index + 1);
	if (!s->meta_done && s->sink->meta != NULL) {
		struct fl_scan_meta m;

		s->meta_done = 1;
		memset(&m, 0, sizeof(m));
		m.scanner = "Nuclei";
		m.started = jstr(it, "timestamp");
		if ((rc = s->sink->meta(s->sink->ctx, &m)) != FL_OK) {
			s->sink_failed = 1;
			return rc;
		}
	}
	if (!json_is_object(info))
		info = NULL;
	if ((name = jstr(info, "name")) == NULL || *name == '\0')
		name = tid != NULL ? tid : "Nuclei result";
	matcher = jstr2(it, "matcher-name", "matcher_name");
	type = jstr(it, "type");
	f->src_line = line;
	f->severity = severity(jstr(info, "severity"));
	if ((rc = fl_finding_setz(f, FL_FF_TITLE, name)) != FL_OK ||
	    (tid != NULL && *tid != '\0' &&
	     (rc = fl_finding_setz(f, FL_FF_VULN_ID_FROM_TOOL, tid)) != FL_OK) ||
	    (matcher != NULL && *matcher != '\0' &&
	     (rc = fl_finding_setz(f, FL_FF_COMPONENT_NAME, matcher)) != FL_OK) ||
	    (rc = set_date(f, jstr(it, "timestamp"))) != FL_OK ||
	    (rc = description(s, info, it)) != FL_OK ||
	    (rc = set_joined(f, FL_FF_REFERENCES, jget(info, "reference"), "\n")) != FL_OK ||
	    (rc = fl_finding_setz(f, FL_FF_MITIGATION, jstr(info, "remediation"))) != FL_OK ||
	    (rc = fl_finding_setz(f, FL_FF_IMPACT, jstr(info, "impact"))) != FL_OK ||
	    (rc = classification(f, jget(info, "classification"))) != FL_OK ||
	    (rc = evidence(f, it)) != FL_OK ||
	    (rc = place(f, it, &host)) != FL_OK ||
	    (rc = group_key(s, tid, type, matcher, host)) != FL_OK)
		goto out;
	if (f->nlocs > 0 && (rc = report_host(s, &f->locs[0])) != FL_OK)
		goto out;
	if ((rc = s->sink->finding(s->sink->ctx, f)) != FL_OK)
		s->sink_failed = 1;
out:
	fl_finding_reset(f);
	return rc;
}

/* One line of JSON lines; blank lines are skipped. */
static fl_err
one_line(struct nuclei *s, const char *p, size_t n, unsigned long line)
{
	json_error_t je;
	json_t *it;
	const char *t = p;
	fl_err rc;

	if (fl_scan_trim(&t, n) == 0)
		return FL_OK;
	if ((it = json_loadb(p, n, 0, &je)) == NULL)
		return fl_diag_set(s->d, FL_E_SYNTAX, s->src->path, line,
				   je.column > 0 ? (unsigned long)je.column : 1,
				   "%s", je.text);
	rc = item(s, it, line, 0);
	json_decref(it);
	return rc;
}

/* JSON lines, streamed: a line is held only until it is complete. */
static fl_err
read_lines(struct nuclei *s)
{
	struct fl_buf pend;
	char chunk[65536];
	const char *p, *nl;
	size_t got, off;
	unsigned long line = 1;
	fl_err rc;

	fl_buf_init(&pend, LINE_MAX_BYTES);
	for (;;) {
		if ((rc = fl_scan_src_read(s->src, chunk, sizeof(chunk), &got, s->d)) != FL_OK)
			goto out;
		if (got == 0)
			break;
		for (off = 0; (nl = memchr(chunk + off, '\n', got - off)) != NULL;
		     off = (size_t)(nl - chunk) + 1, line++) {
			p = chunk + off;
			if (pend.len > 0) {
				if ((rc = fl_buf_append(&pend, p, (size_t)(nl - p))) != FL_OK)
					goto toolong;
				rc = one_line(s, pend.data, pend.len, line);
				fl_buf_reset(&pend);
			} else
				rc = one_line(s, p, (size_t)(nl - p), line);
			if (rc != FL_OK)
				goto out;
		}
		if (off < got && (rc = fl_buf_append(&pend, chunk + off, got - off)) != FL_OK)
			goto toolong;
	}
	rc = pend.len > 0 ? one_line(s, pend.data, pend.len, line) : FL_OK;
	goto out;
toolong:
	if (rc == FL_E_LIMIT)
		fl_diag_set(s->d, rc, s->src->path, line, 1,
			    "line longer than %zu bytes", LINE_MAX_BYTES);
out:
	fl_buf_release(&pend);
	return rc;
}

/* The JSON export: one array of results. */
static fl_err
read_array(struct nuclei *s)
{
	json_t *root, *it;
	size_t i;
	fl_err rc;

	if ((rc = fl_scan_json_load(s->src, 0, &root, s->d)) != FL_OK)
		return rc;
	json_array_foreach(root, i, it)
		if ((rc = item(s, it, 0, i)) != FL_OK)
			break;
	json_decref(root);
	return rc;
}

/* The first byte that is not blank (after a UTF-8 byte order mark). */
static int
first_char(const char *h, size_t n)
{
	size_t i = fl_scan_skip_blank(h, n);

	return i < n ? (unsigned char)h[i] : -1;
}

/* JSON with a template id and an info block: a Nuclei result. */
static int
nuclei_sniff(const char *head, size_t n, const char *path)
{
	int c = first_char(head, n);

	(void)path;
	if (c != '{' && c != '[')
		return 0;
	if (!fl_scan_has(head, n, "\"template-id\"") &&
	    !fl_scan_has(head, n, "\"templateID\""))
		return 0;
	if (!fl_scan_has(head, n, "\"info\""))
		return 40;
	if (fl_scan_has(head, n, "\"matched-at\"") ||
	    fl_scan_has(head, n, "\"matched\"") ||
	    fl_scan_has(head, n, "\"host\""))
		return 90;
	return 80;
}

static fl_err
nuclei_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	    struct fl_diag *d)
{
	struct nuclei s;
	fl_err rc;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.sink = sink;
	s.d = d;
	fl_finding_init(&s.f);
	fl_buf_init(&s.b, (size_t)1 << 20);
	if (first_char(src->head, src->nhead) == '[')
		rc = read_array(&s);
	else
		rc = read_lines(&s);
	if (rc == FL_E_NOMEM && !s.sink_failed)
		fl_diag_set(d, rc, src->path, 0, 0, "out of memory");
	else if (rc == FL_E_LIMIT && !s.sink_failed && d->msg[0] == '\0')
		fl_diag_set(d, rc, src->path, 0, 0, "a field is longer than allowed");
	fl_finding_reset(&s.f);
	fl_buf_release(&s.b);
	fl_strset_free(&s.hosts);
	return rc;
}

const struct fl_scan_format fl_fmt_nuclei = {
	"nuclei", "Nuclei JSON export and JSON lines", nuclei_sniff, nuclei_read
};
