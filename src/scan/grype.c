/*
 * grype: Anchore Grype JSON reports (`grype TARGET -o json`), from the
 * early layout (vulnerability links, cvssV2/cvssV3, fixedInVersion, one
 * matchDetails object) to the current one (urls, cvss[], epss[], fix with
 * state and versions, matchDetails[], relatedVulnerabilities[]).
 *
 * One raw finding per match: a vulnerability in one artifact (package and
 * version) at its first location.  DefectDojo's default mode merges the
 * matches of the same vulnerability, package and version found at several
 * paths, so the group key is its title "ID in name:version"; the raw
 * finding keeps the file path for `vuln import`.  The location host is the
 * scanned source (the image as the user named it, or the directory), so
 * the same package in the same image is the same finding next time.
 *
 * vuln_ids are the match's id then every related vulnerability's id (a
 * GHSA and its CVE); CVSS v3/v4 and EPSS come from the vulnerability, else
 * from its first related vulnerability, as DefectDojo reads them.  Severity
 * is Grype's word (Negligible and Unknown are Info).
 *
 * It refuses a JSON syntax error (with jansson's line and column) and a
 * JSON value that is not an object.  The report is read whole (bounded by
 * the source's max_bytes) and freed as soon as it is parsed; strings may
 * hold \u0000 (Grype writes it in some versions), which is dropped.
 */
#include <jansson.h>
#include <string.h>

#include "scan.h"

#define TEXT_MAX ((size_t)16 << 20)

struct grype {
	const struct fl_scan_sink *sink;
	const char *path;
	struct fl_diag *d;
	struct fl_finding f;
	fl_err rc;              /* first failure while composing; sticks */
	struct fl_buf tmp;      /* text being composed for one field */
	struct fl_buf host;     /* the scanned source */
};

/* ---- reading members -------------------------------------------------- */

/* Do two JSON strings hold the same bytes? */
static int
same(json_t *a, json_t *b)
{
	return json_is_string(a) && json_is_string(b) &&
	       json_string_length(a) == json_string_length(b) &&
	       memcmp(json_string_value(a), json_string_value(b),
		      json_string_length(a)) == 0;
}

static int
has_prefix(json_t *v, const char *p)
{
	size_t k = strlen(p);

	return json_is_string(v) && json_string_length(v) >= k &&
	       memcmp(json_string_value(v), p, k) == 0;
}

/* ---- composing text (errors stick in g->rc) --------------------------- */

static void
cat(struct grype *g, struct fl_buf *b, const char *s, size_t n)
{
	if (g->rc == FL_OK && s != NULL)
		g->rc = fl_scan_put(b, s, n);
}

static void
cats(struct grype *g, const char *s)
{
	if (s != NULL)
		cat(g, &g->tmp, s, strlen(s));
}

/* A JSON string value (nothing for anything else). */
static void
catv(struct grype *g, json_t *v)
{
	if (json_is_string(v))
		cat(g, &g->tmp, json_string_value(v), json_string_length(v));
}

/* Field k := the text composed so far; start a new text. */
static void
take(struct grype *g, enum fl_ff k)
{
	if (g->rc == FL_OK)
		g->rc = fl_finding_set(&g->f, k, fl_buf_str(&g->tmp), g->tmp.len);
	fl_buf_reset(&g->tmp);
}

/* Field k := a JSON string, when it is one and not empty. */
static void
setv(struct grype *g, enum fl_ff k, json_t *v)
{
	if (!json_is_string(v) || json_string_length(v) == 0)
		return;
	fl_buf_reset(&g->tmp);
	catv(g, v);
	take(g, k);
}

/* Start a new line of a multi-line text unless it is still empty. */
static void
line(struct grype *g)
{
	if (g->tmp.len > 0)
		cats(g, "\n");
}

static void
add_id(struct grype *g, json_t *v)
{
	if (g->rc == FL_OK && json_is_string(v) && json_string_length(v) > 0 &&
	    memchr(json_string_value(v), '\0', json_string_length(v)) == NULL)
		g->rc = fl_strlist_add_unique(&g->f.vuln_ids,
					      json_string_value(v),
					      json_string_length(v));
}

/* ---- one match -------------------------------------------------------- */

/*
 * The first CVSS entry whose vector starts with prefix: current reports
 * list them in cvss[] (vector, metrics.baseScore), early ones have one
 * cvssV3 object (vector, baseScore).  Returns 1 when one was taken.
 */
static int
take_cvss(struct grype *g, json_t *vuln, const char *prefix, enum fl_ff k,
	  double *score)
{
	json_t *c, *e;
	size_t i;

	json_array_foreach(json_object_get(vuln, "cvss"), i, e) {
		if (!has_prefix(json_object_get(e, "vector"), prefix))
			continue;
		setv(g, k, json_object_get(e, "vector"));
		*score = fl_scan_json_score(json_object_get(
			json_object_get(e, "metrics"), "baseScore"));
		return 1;
	}
	c = json_object_get(vuln, "cvssV3");
	if (strcmp(prefix, "CVSS:3.") == 0 &&
	    has_prefix(json_object_get(c, "vector"), prefix)) {
		setv(g, k, json_object_get(c, "vector"));
		*score = fl_scan_json_score(json_object_get(c, "baseScore"));
		return 1;
	}
	return 0;
}

/* EPSS of the entry for cve in v's epss[]; 1 when found. */
static int
take_epss(struct grype *g, json_t *v, json_t *cve)
{
	json_t *e;
	size_t i;
	double s, p;

	json_array_foreach(json_object_get(v, "epss"), i, e) {
		if (!same(json_object_get(e, "cve"), cve))
			continue;
		s = fl_scan_json_score(json_object_get(e, "epss"));
		p = fl_scan_json_score(json_object_get(e, "percentile"));
		if (s < 0 || p < 0)
			continue;
		g->f.epss_score = s;
		g->f.epss_percentile = p;
		return 1;
	}
	return 0;
}

/* "Upgrade to version: V" or a list, as DefectDojo words it. */
static void
fix(struct grype *g, json_t *vuln)
{
	json_t *fx = json_object_get(vuln, "fix"), *vers, *v;
	size_t i, n;

	if (json_is_object(fx)) {
		vers = json_object_get(fx, "versions");
		n = json_array_size(vers);
		g->f.fix_available = n > 0 ||
			has_prefix(json_object_get(fx, "state"), "fixed");
		if (n == 0)
			return;
		cats(g, "Upgrade to version:");
		json_array_foreach(vers, i, v) {
			cats(g, n == 1 ? " " : "\n- ");
			catv(g, v);
		}
		take(g, FL_FF_MITIGATION);
		json_array_foreach(vers, i, v) {
			if (i > 0)
				cats(g, ", ");
			catv(g, v);
		}
		take(g, FL_FF_FIX_VERSION);
		return;
	}
	v = json_object_get(vuln, "fixedInVersion");
	if (v == NULL)
		return;
	g->f.fix_available = json_is_string(v) && json_string_length(v) > 0;
	if (!g->f.fix_available)
		return;
	cats(g, "Upgrade to version: ");
	catv(g, v);
	take(g, FL_FF_MITIGATION);
	setv(g, FL_FF_FIX_VERSION, v);
}

/* URLs: one on a line of its own, several as a list; never the source again. */
static void
urls(struct grype *g, json_t *list, json_t *datasource, const char *one,
     const char *many)
{
	json_t *u;
	size_t i, n = json_array_size(list);

	if (n == 1) {
		u = json_array_get(list, 0);
		if (!same(u, datasource)) {
			line(g);
			cats(g, one);
			catv(g, u);
		}
		return;
	}
	if (n == 0)
		return;
	line(g);
	cats(g, many);
	json_array_foreach(list, i, u)
		if (!same(u, datasource)) {
			cats(g, "\n- ");
			catv(g, u);
		}
}

static void
describe(struct grype *g, json_t *m, json_t *vuln, json_t *rel, json_t *art)
{
	json_t *md = json_object_get(m, "matchDetails"), *e, *v;
	size_t i;

	if (json_string_length(v = json_object_get(vuln, "namespace")) > 0) {
		cats(g, "**Vulnerability Namespace:** ");
		catv(g, v);
	}
	if (json_string_length(v = json_object_get(vuln, "description")) > 0) {
		line(g);
		cats(g, "**Vulnerability Description:** ");
		catv(g, v);
	}
	e = json_object_get(rel, "description");
	if (json_string_length(e) > 0 && !same(e, v)) {
		line(g);
		cats(g, "**Related Vulnerability Description:** ");
		catv(g, e);
	}
	if (json_is_object(md) || json_array_size(md) == 1) {
		line(g);
		cats(g, "**Matcher:** ");
		catv(g, json_object_get(json_is_object(md) ? md :
					json_array_get(md, 0), "matcher"));
	} else if (json_array_size(md) > 1) {
		line(g);
		cats(g, "**Matchers:**");
		json_array_foreach(md, i, e) {
			cats(g, "\n- ");
			catv(g, json_object_get(e, "matcher"));
		}
	}
	if (json_string_length(v = json_object_get(art, "purl")) > 0) {
		line(g);
		cats(g, "**Package URL:** ");
		catv(g, v);
	}
	take(g, FL_FF_DESCRIPTION);
}

static void
references(struct grype *g, json_t *vuln, json_t *rel)
{
	json_t *ds = json_object_get(vuln, "dataSource"), *list, *v;

	if (json_string_length(ds) > 0) {
		cats(g, "**Vulnerability Datasource:** ");
		catv(g, ds);
	}
	list = json_object_get(vuln, "urls");
	if (list == NULL)
		list = json_object_get(vuln, "links");
	urls(g, list, ds, "**Vulnerability URL:** ", "**Vulnerability URLs:**");
	if (json_string_length(v = json_object_get(rel, "dataSource")) > 0) {
		line(g);
		cats(g, "**Related Vulnerability Datasource:** ");
		catv(g, v);
	}
	urls(g, json_object_get(rel, "urls"), ds,
	     "**Related Vulnerability URL:** ", "**Related Vulnerability URLs:**");
	if (g->tmp.len > 0)
		take(g, FL_FF_REFERENCES);
	fl_buf_reset(&g->tmp);
}

static fl_err
match(struct grype *g, json_t *m)
{
	json_t *vuln, *rel, *art, *id, *loc, *e;
	size_t i, n;
	const char *sev;
	double score = -1;
	int s;
	fl_err rc;

	if (!json_is_object(m) ||
	    !json_is_object(vuln = json_object_get(m, "vulnerability")))
		return FL_OK;
	id = json_object_get(vuln, "id");
	rel = json_array_get(json_object_get(m, "relatedVulnerabilities"), 0);
	if (!json_is_object(rel))
		rel = NULL;
	art = json_object_get(m, "artifact");
	sev = fl_scan_json_str(vuln, "severity", &n);
	s = sev != NULL ? fl_sev_parse(sev, n) : -1;
	g->f.severity = s < 0 ? FL_SEV_INFO : s;
	/* title "ID in name:version", DefectDojo's and the group key */
	catv(g, id);
	cats(g, " in ");
	catv(g, json_object_get(art, "name"));
	cats(g, ":");
	catv(g, json_object_get(art, "version"));
	take(g, FL_FF_TITLE);
	if (g->rc == FL_OK)
		g->rc = fl_finding_setz(&g->f, FL_FF_GROUP_KEY,
					g->f.text[FL_FF_TITLE]);
	setv(g, FL_FF_VULN_ID_FROM_TOOL, id);
	add_id(g, id);
	json_array_foreach(json_object_get(m, "relatedVulnerabilities"), i, e)
		add_id(g, json_object_get(e, "id"));
	setv(g, FL_FF_COMPONENT_NAME, json_object_get(art, "name"));
	setv(g, FL_FF_COMPONENT_VERSION, json_object_get(art, "version"));
	loc = json_array_get(json_object_get(art, "locations"), 0);
	setv(g, FL_FF_FILE_PATH, json_is_object(loc) ?
	     json_object_get(loc, "path") : loc);
	if (take_cvss(g, vuln, "CVSS:3.", FL_FF_CVSSV3, &score) ||
	    take_cvss(g, rel, "CVSS:3.", FL_FF_CVSSV3, &score))
		g->f.cvssv3_score = score;
	score = -1;
	if (take_cvss(g, vuln, "CVSS:4.", FL_FF_CVSSV4, &score) ||
	    take_cvss(g, rel, "CVSS:4.", FL_FF_CVSSV4, &score))
		g->f.cvssv4_score = score;
	if (!take_epss(g, vuln, id) && rel != NULL)
		take_epss(g, rel, json_object_get(rel, "id"));
	fix(g, vuln);
	describe(g, m, vuln, rel, art);
	references(g, vuln, rel);
	rc = g->rc;
	if (rc == FL_OK && g->host.len > 0)
		rc = fl_finding_add_loc(&g->f, fl_buf_str(&g->host), 0, NULL, NULL);
	if (rc != FL_OK)
		rc = fl_scan_text_fail(g->d, g->path, rc, TEXT_MAX);
	else
		rc = g->sink->finding(g->sink->ctx, &g->f);
	fl_finding_reset(&g->f);
	fl_buf_reset(&g->tmp);
	g->rc = FL_OK;
	return rc;
}

/*
 * What was scanned: an image as the user named it (userInput), a
 * directory or file (target is then a string), or the image's first tag.
 */
static void
source(struct grype *g, json_t *root)
{
	json_t *tg = json_object_get(json_object_get(root, "source"), "target");
	json_t *v = tg;

	if (json_is_object(tg)) {
		v = json_object_get(tg, "userInput");
		if (json_string_length(v) == 0)
			v = json_array_get(json_object_get(tg, "tags"), 0);
		if (json_string_length(v) == 0)
			v = json_object_get(tg, "path");
	}
	if (json_is_string(v))
		cat(g, &g->host, json_string_value(v), json_string_length(v));
}

static fl_err
start(struct grype *g, json_t *root)
{
	json_t *desc = json_object_get(root, "descriptor");
	struct fl_scan_meta m;
	fl_err rc;

	source(g, root);
	if (g->rc != FL_OK)
		return fl_scan_text_fail(g->d, g->path, g->rc, TEXT_MAX);
	if (g->sink->meta != NULL) {
		memset(&m, 0, sizeof(m));
		m.scanner = "Grype";
		m.version = fl_scan_json_str(desc, "version", NULL);
		m.target = g->host.len > 0 ? fl_buf_str(&g->host) : NULL;
		m.started = fl_scan_json_str(desc, "timestamp", NULL);
		if ((rc = g->sink->meta(g->sink->ctx, &m)) != FL_OK)
			return rc;
	}
	if (g->host.len == 0)
		return FL_OK;
	return fl_scan_host_seen(g->sink, fl_buf_str(&g->host), NULL, NULL);
}

static fl_err
read_doc(struct grype *g, json_t *root)
{
	json_t *m;
	size_t i;
	fl_err rc;

	if (!json_is_object(root))
		return fl_diag_set(g->d, FL_E_SYNTAX, g->path, 1, 1,
				   "not a Grype report (not a JSON object)");
	if ((rc = start(g, root)) != FL_OK)
		return rc;
	json_array_foreach(json_object_get(root, "matches"), i, m)
		if ((rc = match(g, m)) != FL_OK)
			return rc;
	return FL_OK;
}

/* ---- the format ------------------------------------------------------- */

static int
grype_sniff(const char *head, size_t n, const char *path)
{
	const char *p = head, *mt;
	size_t m;

	(void)path;
	m = fl_scan_trim(&p, n);
	if (m == 0 || *p != '{' ||
	    (mt = fl_scan_find(p, m, "\"matches\"")) == NULL)
		return 0;
	/* a match is a vulnerability in an artifact */
	if (fl_scan_has(mt, m - (size_t)(mt - p), "\"vulnerability\"") ||
	    fl_scan_has(mt, m - (size_t)(mt - p), "\"artifact\""))
		return 90;
	/* an empty report: the descriptor names grype, or a source follows */
	if (fl_scan_has(p, m, "\"grype\"") || fl_scan_has(p, m, "\"source\""))
		return 80;
	return 40;
}

static fl_err
grype_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	   struct fl_diag *d)
{
	struct grype g;
	json_t *root;
	fl_err rc;

	if ((rc = fl_scan_json_load(src, JSON_DECODE_ANY | JSON_ALLOW_NUL,
				    &root, d)) != FL_OK)
		return rc;
	memset(&g, 0, sizeof(g));
	g.sink = sink;
	g.path = src->path;
	g.d = d;
	fl_finding_init(&g.f);
	fl_buf_init(&g.tmp, TEXT_MAX);
	fl_buf_init(&g.host, TEXT_MAX);
	rc = read_doc(&g, root);
	fl_finding_reset(&g.f);
	fl_buf_release(&g.tmp);
	fl_buf_release(&g.host);
	json_decref(root);
	return rc;
}

const struct fl_scan_format fl_fmt_grype = {
	"grype", "Anchore Grype JSON", grype_sniff, grype_read
};
