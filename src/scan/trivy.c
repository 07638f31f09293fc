/*
 * trivy: Aqua Trivy JSON reports (`trivy image|fs|config|k8s -f json`).
 *
 * Three shapes are read.  The legacy report is a top-level array of
 * results (or `null` when nothing was found).  SchemaVersion 2 is an object
 * whose Results each name a Target and hold Vulnerabilities,
 * Misconfigurations, Secrets and Licenses.  The Kubernetes report names a
 * ClusterName and lists workloads (under Vulnerabilities,
 * Misconfigurations or Resources), each with its own Results.
 *
 * One raw finding per vulnerability, misconfiguration, secret or license,
 * titled, scored and classified as DefectDojo's Trivy parser does (it
 * merges nothing, so no group key is set).  Severity comes from the CVSS
 * entry of the vulnerability's SeveritySource (else nvd, ghsa, redhat,
 * bitnami) when there is one, Trivy's own word otherwise.  Every finding
 * has one location whose host is what was scanned: the ArtifactName, the
 * cluster and workload for Kubernetes, or the result's Target; and its
 * component (package and version) or file path, so the same package in the
 * same image is the same finding in the next scan.  Trivy's Status
 * "not_affected" (the vendor says this package is not vulnerable) is read
 * as mitigated; "fixed" only says a fixed version exists, the installed
 * one is still vulnerable, so it stays open with fix_available.
 *
 * It refuses a JSON syntax error (with jansson's line and column) and a
 * JSON value that is none of the three shapes.  The report is read whole
 * (bounded by the source's max_bytes) and freed as soon as it is parsed;
 * strings may hold \u0000, which is dropped, never used to cut a field.
 */
#include <jansson.h>
#include <string.h>

#include "scan.h"

#define TEXT_MAX ((size_t)16 << 20)

struct trivy {
	const struct fl_scan_sink *sink;
	const char *path;
	struct fl_diag *d;
	struct fl_finding f;
	fl_err rc;              /* first failure while composing; sticks */
	struct fl_buf tmp;      /* text being composed for one field */
	struct fl_buf host;     /* location host of the results being read */
	struct fl_buf lasthost; /* the host last reported to sink->host */
	struct fl_buf service;  /* Kubernetes "namespace / Kind / name" */
	int fixed_host;         /* host is the artifact, not each Target */
};

/* ---- reading members -------------------------------------------------- */

/* Does member key hold exactly the string w? */
static int
jeq(json_t *o, const char *key, const char *w)
{
	size_t n;
	const char *s = fl_scan_json_str(o, key, &n);

	return s != NULL && n == strlen(w) && memcmp(s, w, n) == 0;
}

/* ---- composing text (errors stick in t->rc) --------------------------- */

static void
cat(struct trivy *t, struct fl_buf *b, const char *s, size_t n)
{
	if (t->rc == FL_OK && s != NULL)
		t->rc = fl_scan_put(b, s, n);
}

static void
cats(struct trivy *t, const char *s)
{
	if (s != NULL)
		cat(t, &t->tmp, s, strlen(s));
}

/* The string member key, or nothing when it is absent. */
static void
catm(struct trivy *t, json_t *o, const char *key)
{
	size_t n;
	const char *s = fl_scan_json_str(o, key, &n);

	cat(t, &t->tmp, s, n);
}

/* Field k := the text composed so far; start a new text. */
static void
take(struct trivy *t, enum fl_ff k)
{
	if (t->rc == FL_OK)
		t->rc = fl_finding_set(&t->f, k, fl_buf_str(&t->tmp), t->tmp.len);
	fl_buf_reset(&t->tmp);
}

/* Field k := string member key, when it is there and not empty. */
static void
setm(struct trivy *t, enum fl_ff k, json_t *o, const char *key)
{
	size_t n;

	if (fl_scan_json_str(o, key, &n) == NULL || n == 0)
		return;
	fl_buf_reset(&t->tmp);
	catm(t, o, key);
	take(t, k);
}

/* The strings of array member key joined with sep, skipping one. */
static void
catlist(struct trivy *t, json_t *o, const char *key, const char *sep,
	const char *skip, size_t skipn)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i, first = 1;

	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		if (skip != NULL && json_string_length(v) == skipn &&
		    memcmp(json_string_value(v), skip, skipn) == 0) {
			skip = NULL; /* only the first copy, as DefectDojo */
			continue;
		}
		if (!first)
			cats(t, sep);
		cat(t, &t->tmp, json_string_value(v), json_string_length(v));
		first = 0;
	}
}

static long
jline(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) <= LONG_MAX)
		return (long)json_integer_value(v);
	return 0;
}

/* Severity from Trivy's word; -1 for none DefectDojo knows. */
static int
word_sev(json_t *o)
{
	size_t n;
	const char *s = fl_scan_json_str(o, "Severity", &n);

	return s != NULL ? fl_sev_parse(s, n) : -1;
}

/* The same, Info for none. */
static int
word_sev_info(json_t *o)
{
	int sev = word_sev(o);

	return sev < 0 ? FL_SEV_INFO : sev;
}

/* ---- one finding ------------------------------------------------------ */

/* A failure while composing, as a message on the report. */
static fl_err
fail(struct trivy *t, fl_err rc)
{
	return fl_scan_text_fail(t->d, t->path, rc, TEXT_MAX);
}

/* Hand the finding to the sink with its location, and start a new one. */
static fl_err
emit(struct trivy *t)
{
	fl_err rc = t->rc;

	if (rc == FL_OK && t->host.len > 0)
		rc = fl_finding_add_loc(&t->f, fl_buf_str(&t->host), 0, NULL,
					NULL);
	if (rc == FL_OK && t->service.len > 0)
		rc = fl_finding_setz(&t->f, FL_FF_SERVICE,
				     fl_buf_str(&t->service));
	if (rc != FL_OK)
		rc = fail(t, rc);
	else
		rc = t->sink->finding(t->sink->ctx, &t->f);
	fl_finding_reset(&t->f);
	fl_buf_reset(&t->tmp);
	t->rc = FL_OK;
	return rc;
}

/* Tell the sink a target was scanned (once while it stays the same). */
static fl_err
report_host(struct trivy *t)
{
	fl_err rc;

	if (t->sink->host == NULL || t->host.len == 0 ||
	    (t->lasthost.len == t->host.len &&
	     memcmp(t->lasthost.data, t->host.data, t->host.len) == 0))
		return FL_OK;
	fl_buf_reset(&t->lasthost);
	if ((rc = fl_buf_append(&t->lasthost, t->host.data, t->host.len)) != FL_OK)
		return fail(t, rc);
	return fl_scan_host_seen(t->sink, fl_buf_str(&t->host), NULL, NULL);
}

static const char *const cvss_sources[] = {
	"nvd", "ghsa", "redhat", "bitnami"
};

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return s != NULL && n >= k && memcmp(s, p, k) == 0;
}

/*
 * DefectDojo's rule: the CVSS entry of the SeveritySource, else the first
 * of nvd, ghsa, redhat, bitnami, decides the severity from its score (v3,
 * then v4, then v2); without one, Trivy's word does.  -1: no severity at
 * all (DefectDojo skips such an item).
 */
static int
vuln_severity(struct trivy *t, json_t *v)
{
	json_t *cvss = json_object_get(v, "CVSS"), *cls = NULL;
	const char *src, *vec;
	char key[64];
	size_t n, i;
	double s3, s4, s2;

	if (json_is_object(cvss)) {
		src = fl_scan_json_str(v, "SeveritySource", &n);
		if (src != NULL && n < sizeof(key) && memchr(src, '\0', n) == NULL) {
			memcpy(key, src, n);
			key[n] = '\0';
			cls = json_object_get(cvss, key);
		}
		for (i = 0; !json_is_object(cls) &&
		     i < sizeof(cvss_sources) / sizeof(cvss_sources[0]); i++)
			cls = json_object_get(cvss, cvss_sources[i]);
	}
	if (!json_is_object(cls))
		return word_sev(v);
	vec = fl_scan_json_str(cls, "V3Vector", &n);
	if (has_prefix(vec, n, "CVSS:3."))
		setm(t, FL_FF_CVSSV3, cls, "V3Vector");
	vec = fl_scan_json_str(cls, "V40Vector", &n);
	if (has_prefix(vec, n, "CVSS:4."))
		setm(t, FL_FF_CVSSV4, cls, "V40Vector");
	s3 = fl_scan_json_score(json_object_get(cls, "V3Score"));
	s4 = fl_scan_json_score(json_object_get(cls, "V40Score"));
	s2 = fl_scan_json_score(json_object_get(cls, "V2Score"));
	t->f.cvssv3_score = s3;
	t->f.cvssv4_score = s4;
	if (s3 >= 0)
		return fl_sev_from_cvss(s3);
	if (s4 >= 0)
		return fl_sev_from_cvss(s4);
	if (s2 >= 0)
		return fl_sev_from_cvss(s2);
	return word_sev(v);
}

/* "CWE-787" -> 787 into cwe (first) and "787" into cwes. */
static void
vuln_cwes(struct trivy *t, json_t *v)
{
	json_t *a = json_object_get(v, "CweIDs"), *c;
	size_t i, n, k;
	const char *s;
	long num;
	char digits[16];

	json_array_foreach(a, i, c) {
		if (!json_is_string(c))
			continue;
		s = json_string_value(c);
		n = json_string_length(c);
		if (n > 4 && strncasecmp(s, "CWE-", 4) == 0) {
			s += 4;
			n -= 4;
		}
		for (k = 0; k < n && k < sizeof(digits) - 1 &&
		     s[k] >= '0' && s[k] <= '9'; k++)
			digits[k] = s[k];
		digits[k] = '\0';
		if (k == 0 || k != n || fl_parse_long(digits, 1, 100000000, &num) != 0)
			continue;
		if (t->f.cwe == 0)
			t->f.cwe = (int)num;
		if (t->rc == FL_OK)
			t->rc = fl_strlist_add_unique(&t->f.cwes, digits, k);
	}
}

static fl_err
vulnerability(struct trivy *t, json_t *res, json_t *v)
{
	const char *id, *pkg, *ver;
	size_t idn, pkgn, vern, fixedn;
	int sev;

	if (!json_is_object(v) ||
	    (pkg = fl_scan_json_str(v, "PkgName", &pkgn)) == NULL)
		return FL_OK; /* DefectDojo skips an item without a package */
	if ((sev = vuln_severity(t, v)) < 0) {
		fl_finding_reset(&t->f);
		t->rc = FL_OK;
		return FL_OK;
	}
	t->f.severity = sev;
	id = fl_scan_json_str(v, "VulnerabilityID", &idn);
	ver = fl_scan_json_str(v, "InstalledVersion", &vern);
	fl_scan_json_str(v, "FixedVersion", &fixedn);
	/* title: "ID package version", as DefectDojo */
	if (idn > 0) {
		cat(t, &t->tmp, id, idn);
		cats(t, " ");
	}
	cat(t, &t->tmp, pkg, pkgn);
	if (vern > 0) {
		cats(t, " ");
		cat(t, &t->tmp, ver, vern);
	}
	take(t, FL_FF_TITLE);
	if (idn > 0) {
		setm(t, FL_FF_VULN_ID_FROM_TOOL, v, "VulnerabilityID");
		if (t->rc == FL_OK)
			t->rc = fl_strlist_add_unique(&t->f.vuln_ids,
						      t->f.text[FL_FF_VULN_ID_FROM_TOOL],
						      strlen(t->f.text[FL_FF_VULN_ID_FROM_TOOL]));
	}
	setm(t, FL_FF_COMPONENT_NAME, v, "PkgName");
	setm(t, FL_FF_COMPONENT_VERSION, v, "InstalledVersion");
	/* the file: the package's own path, else the target it was found in */
	if (jeq(res, "Class", "os-pkgs") || jeq(res, "Class", "lang-pkgs")) {
		if (fl_scan_json_str(v, "PkgPath", NULL) != NULL)
			setm(t, FL_FF_FILE_PATH, v, "PkgPath");
		else
			setm(t, FL_FF_FILE_PATH, res, "Target");
	} else if (jeq(res, "Class", "config"))
		setm(t, FL_FF_FILE_PATH, res, "Target");
	setm(t, FL_FF_MITIGATION, v, "FixedVersion");
	setm(t, FL_FF_FIX_VERSION, v, "FixedVersion");
	t->f.fix_available = fixedn > 0;
	setm(t, FL_FF_IMPACT, v, "Status");
	if (jeq(v, "Status", "not_affected"))
		t->f.status = FL_FS_FIXED;
	vuln_cwes(t, v);
	catlist(t, v, "References", "\n", NULL, 0);
	if (t->tmp.len > 0)
		take(t, FL_FF_REFERENCES);
	fl_buf_reset(&t->tmp);
	catm(t, v, "Title");
	cats(t, "\n**Target:** ");
	catm(t, res, "Target");
	cats(t, "\n**Type:** ");
	catm(t, res, "Type");
	cats(t, "\n**Fixed version:** ");
	catm(t, v, "FixedVersion");
	cats(t, "\n\n");
	catm(t, v, "Description");
	cats(t, "\n");
	take(t, FL_FF_DESCRIPTION);
	return emit(t);
}

static fl_err
misconfiguration(struct trivy *t, json_t *res, json_t *m)
{
	json_t *cause, *lines, *ln, *num;
	const char *primary;
	size_t primaryn, before, i;

	if (!json_is_object(m))
		return FL_OK;
	t->f.severity = word_sev_info(m);
	catm(t, m, "ID");
	cats(t, " - ");
	catm(t, m, "Title");
	take(t, FL_FF_TITLE);
	setm(t, FL_FF_VULN_ID_FROM_TOOL, m, "ID");
	setm(t, FL_FF_MITIGATION, m, "Resolution");
	setm(t, FL_FF_FILE_PATH, res, "Target");
	t->f.fix_available = 1;
	cause = json_object_get(m, "CauseMetadata");
	t->f.line = jline(cause, "StartLine");
	/* references: the primary URL first, then the others */
	primary = fl_scan_json_str(m, "PrimaryURL", &primaryn);
	cat(t, &t->tmp, primary, primaryn);
	before = t->tmp.len;
	if (before > 0)
		cats(t, "\n");
	catlist(t, m, "References", "\n", primaryn ? primary : NULL, primaryn);
	if (before > 0 && t->tmp.len == before + 1) {
		t->tmp.len = before; /* nothing after the primary URL */
		t->tmp.data[before] = '\0';
	}
	if (t->tmp.len > 0)
		take(t, FL_FF_REFERENCES);
	fl_buf_reset(&t->tmp);
	cats(t, "**Target:** ");
	catm(t, res, "Target");
	cats(t, "\n**Type:** ");
	catm(t, m, "Type");
	cats(t, "\n\n");
	catm(t, m, "Description");
	cats(t, "\n");
	catm(t, m, "Message");
	lines = json_object_get(json_object_get(cause, "Code"), "Lines");
	if (json_array_size(lines) > 0) {
		cats(t, "\nNumber\tContent\n");
		json_array_foreach(lines, i, ln) {
			char nb[32] = "";

			num = json_object_get(ln, "Number");
			if (json_is_integer(num))
				snprintf(nb, sizeof(nb), "%lld",
					 (long long)json_integer_value(num));
			cats(t, nb);
			cats(t, "\t");
			catm(t, ln, "Content");
			cats(t, "\n");
		}
	}
	cats(t, "\n");
	take(t, FL_FF_DESCRIPTION);
	return emit(t);
}

/*
 * What a secret and a license share: the severity (Info without a word),
 * the title "KIND detected in TARGET - NAME", and the description
 * "NAME\n**Category:** CATEGORY\n**LABEL:** VALUE\n", VALUE from member key.
 */
static void
detected(struct trivy *t, json_t *res, json_t *o, const char *kind,
	 const char *name, const char *label, const char *key)
{
	t->f.severity = word_sev_info(o);
	cats(t, kind);
	cats(t, " detected in ");
	catm(t, res, "Target");
	cats(t, " - ");
	catm(t, o, name);
	take(t, FL_FF_TITLE);
	catm(t, o, name);
	cats(t, "\n**Category:** ");
	catm(t, o, "Category");
	cats(t, "\n**");
	cats(t, label);
	cats(t, ":** ");
	catm(t, o, key);
	cats(t, "\n");
	take(t, FL_FF_DESCRIPTION);
}

static fl_err
secret(struct trivy *t, json_t *res, json_t *s)
{
	if (!json_is_object(s))
		return FL_OK;
	detected(t, res, s, "Secret", "Title", "Match", "Match");
	setm(t, FL_FF_VULN_ID_FROM_TOOL, s, "RuleID");
	setm(t, FL_FF_FILE_PATH, res, "Target");
	t->f.line = jline(s, "StartLine");
	t->f.fix_available = 1;
	return emit(t);
}

static fl_err
license(struct trivy *t, json_t *res, json_t *l)
{
	if (!json_is_object(l))
		return FL_OK;
	detected(t, res, l, "License", "Name", "Package", "PkgName");
	setm(t, FL_FF_VULN_ID_FROM_TOOL, l, "Name");
	setm(t, FL_FF_COMPONENT_NAME, l, "PkgName");
	setm(t, FL_FF_FILE_PATH, l, "FilePath");
	setm(t, FL_FF_REFERENCES, l, "Link");
	t->f.fix_available = 1;
	return emit(t);
}

/* One result (a Target): its items in DefectDojo's order. */
static fl_err
result(struct trivy *t, json_t *res)
{
	static const struct {
		const char *key;
		fl_err (*fn)(struct trivy *, json_t *, json_t *);
	} kinds[] = {
		{ "Vulnerabilities", vulnerability },
		{ "Misconfigurations", misconfiguration },
		{ "Secrets", secret },
		{ "Licenses", license },
	};
	json_t *item;
	size_t i, k, n;
	const char *tgt;
	fl_err rc;

	if (!json_is_object(res) || json_object_get(res, "Target") == NULL)
		return FL_OK;
	if (!t->fixed_host) {
		tgt = fl_scan_json_str(res, "Target", &n);
		fl_buf_reset(&t->host);
		cat(t, &t->host, tgt, n);
		if (t->rc != FL_OK)
			return fail(t, t->rc);
	}
	if ((rc = report_host(t)) != FL_OK)
		return rc;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		json_array_foreach(json_object_get(res, kinds[k].key), i, item)
			if ((rc = kinds[k].fn(t, res, item)) != FL_OK)
				return rc;
	return FL_OK;
}

static fl_err
results(struct trivy *t, json_t *a)
{
	json_t *res;
	size_t i;
	fl_err rc;

	json_array_foreach(a, i, res)
		if ((rc = result(t, res)) != FL_OK)
			return rc;
	return FL_OK;
}

/* Append the parts that are there, joined by sep. */
static void
join3(struct trivy *t, struct fl_buf *b, json_t *o, const char *sep)
{
	static const char *const keys[] = { "Namespace", "Kind", "Name" };
	const char *s;
	size_t i, n;

	for (i = 0; i < 3; i++) {
		if ((s = fl_scan_json_str(o, keys[i], &n)) == NULL || n == 0)
			continue;
		if (b->len > 0)
			cat(t, b, sep, strlen(sep));
		cat(t, b, s, n);
	}
}

/*
 * The Kubernetes report: every workload is a target of its own, named
 * cluster/namespace/Kind/name; its service is DefectDojo's
 * "namespace / Kind / name".
 */
static fl_err
kubernetes(struct trivy *t, json_t *root)
{
	static const char *const lists[] = {
		"Vulnerabilities", "Misconfigurations", "Resources"
	};
	json_t *w;
	const char *cluster;
	size_t i, k, cn;
	fl_err rc;

	cluster = fl_scan_json_str(root, "ClusterName", &cn);
	t->fixed_host = 1;
	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		json_array_foreach(json_object_get(root, lists[k]), i, w) {
			if (!json_is_object(w))
				continue;
			fl_buf_reset(&t->host);
			fl_buf_reset(&t->service);
			cat(t, &t->host, cluster, cn);
			join3(t, &t->host, w, "/");
			join3(t, &t->service, w, " / ");
			if (t->rc != FL_OK)
				return fail(t, t->rc);
			if ((rc = results(t, json_object_get(w, "Results"))) != FL_OK)
				return rc;
		}
	}
	return FL_OK;
}

static fl_err
meta(struct trivy *t, json_t *root)
{
	struct fl_scan_meta m;

	if (t->sink->meta == NULL)
		return FL_OK;
	memset(&m, 0, sizeof(m));
	m.scanner = "Trivy";
	m.version = fl_scan_json_str(json_object_get(root, "Trivy"), "Version",
				     NULL);
	m.target = fl_scan_json_str(root, "ArtifactName", NULL);
	if (m.target == NULL)
		m.target = fl_scan_json_str(root, "ClusterName", NULL);
	m.started = fl_scan_json_str(root, "CreatedAt", NULL);
	return t->sink->meta(t->sink->ctx, &m);
}

static fl_err
read_doc(struct trivy *t, json_t *root)
{
	const char *art;
	size_t n;
	fl_err rc;

	if (json_is_null(root))
		return FL_OK; /* the legacy report of a clean scan */
	if (json_is_array(root))
		return results(t, root);
	if (!json_is_object(root))
		return fl_diag_set(t->d, FL_E_SYNTAX, t->path, 1, 1,
				   "not a Trivy report (a JSON %s)",
				   json_is_string(root) ? "string" : "scalar");
	if (json_is_array(json_object_get(root, "Results"))) {
		if ((rc = meta(t, root)) != FL_OK)
			return rc;
		art = fl_scan_json_str(root, "ArtifactName", &n);
		if (n > 0) {
			cat(t, &t->host, art, n);
			if (t->rc != FL_OK)
				return fail(t, t->rc);
			t->fixed_host = 1;
		}
		return results(t, json_object_get(root, "Results"));
	}
	if (json_object_get(root, "ClusterName") != NULL) {
		if ((rc = meta(t, root)) != FL_OK)
			return rc;
		return kubernetes(t, root);
	}
	if (json_object_get(root, "SchemaVersion") != NULL)
		return FL_OK; /* a report whose scan found no result at all */
	return fl_diag_set(t->d, FL_E_SYNTAX, t->path, 1, 1,
			   "not a Trivy report (no Results, no ClusterName)");
}

/* ---- the format ------------------------------------------------------- */

static int
trivy_sniff(const char *head, size_t n, const char *path)
{
	const char *p = head;
	size_t m;

	(void)path;
	m = fl_scan_trim(&p, n);
	if (m == 4 && memcmp(p, "null", 4) == 0)
		return 20; /* Trivy's legacy report of a clean scan */
	if (m == 0 || (*p != '{' && *p != '['))
		return 0;
	if (fl_scan_has(p, m, "\"SchemaVersion\"") &&
	    (fl_scan_has(p, m, "\"ArtifactName\"") ||
	     fl_scan_has(p, m, "\"Results\"")))
		return 90;
	if (fl_scan_has(p, m, "\"ClusterName\""))
		return 85;
	/* legacy: an array of results, each a Target with its Type */
	if (*p == '[' && fl_scan_has(p, m, "\"Target\"") &&
	    (fl_scan_has(p, m, "\"Vulnerabilities\"") ||
	     fl_scan_has(p, m, "\"Type\"")))
		return 70;
	return 0;
}

static fl_err
trivy_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	   struct fl_diag *d)
{
	struct trivy t;
	json_t *root;
	fl_err rc;

	if ((rc = fl_scan_json_load(src, JSON_DECODE_ANY | JSON_ALLOW_NUL,
				    &root, d)) != FL_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.sink = sink;
	t.path = src->path;
	t.d = d;
	fl_finding_init(&t.f);
	fl_buf_init(&t.tmp, TEXT_MAX);
	fl_buf_init(&t.host, TEXT_MAX);
	fl_buf_init(&t.lasthost, TEXT_MAX);
	fl_buf_init(&t.service, TEXT_MAX);
	rc = read_doc(&t, root);
	fl_finding_reset(&t.f);
	fl_buf_release(&t.tmp);
	fl_buf_release(&t.host);
	fl_buf_release(&t.lasthost);
	fl_buf_release(&t.service);
	json_decref(root);
	return rc;
}

const struct fl_scan_format fl_fmt_trivy = {
	"trivy", "Aqua Trivy JSON (legacy, SchemaVersion 2, Kubernetes)",
	trivy_sniff, trivy_read
};
