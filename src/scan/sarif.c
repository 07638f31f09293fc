/*
 * SARIF 2.1.0, the interchange format that static analysers of every kind
 * write (CodeQL, Semgrep, Flawfinder, Gitleaks, SpotBugs, ShellCheck,
 * Grype, Dependency-Check, Dockle...).  The log is read whole with jansson
 * (it is one JSON document) and turned into one raw finding per result and
 * physical location, as DefectDojo's SARIF parser does: a result that
 * points at three files is three findings, a result without a location is
 * one finding without a file.  DefectDojo merges nothing, so no group key.
 *
 * For each result: the rule is found by ruleId in tool.driver.rules (or in
 * the first extension when the driver has none, as DefectDojo does), else
 * through rule.toolComponent/ruleIndex into an extension; the title is the
 * message (messageStrings[id] of the rule with {N} replaced by the
 * arguments), else the rule's descriptions, name or id, shortened to 150
 * characters the way Python's textwrap.shorten does; the severity is the
 * level (error High, warning Medium, note Info, anything else Medium) unless
 * the rule's properties give a security-severity (a CVSS score or a word);
 * CWEs come from the rule (relationships, properties.cwe or tags such as
 * "external/cwe/cwe-079"), the result's properties.cwe and its CWE taxa;
 * unique_id_from_tool from fingerprints / partialFingerprints; the date is
 * the last invocation's end time, as written.  A suppressed result is a
 * false positive; one whose baselineState is "absent" is fixed.
 *
 * It refuses: anything but a JSON object at the top.  It ignores results of
 * a kind other than "fail" (pass, open, review... are not findings), does
 * not resolve uriBaseId against originalUriBaseIds (file_path is the uri as
 * the tool wrote it, which is what identifies the file across scans), and
 * never follows an external property file or any other reference out of
 * the document.  A file_path is not a place on the network: the finding
 * gets a location only when the artifact's uri is an http(s) URL.
 */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "scan.h"

#define TITLE_MAX 150           /* DefectDojo: textwrap.shorten(title, 150) */
#define PLACEHOLDER " [...]"    /* textwrap's default placeholder */
#define TEXT_MAX ((size_t)16 << 20)
#define FP_KEYS_MAX 256         /* fingerprint methods looked at per result */

/* ---- small jansson accessors (NULL when absent or of another type) ------ */

static json_t *
jget(json_t *o, const char *k)
{
	return json_is_object(o) ? json_object_get(o, k) : NULL;
}

static json_t *
jobj(json_t *o, const char *k)
{
	json_t *v = jget(o, k);

	return json_is_object(v) ? v : NULL;
}

static json_t *
jarr(json_t *o, const char *k)
{
	json_t *v = jget(o, k);

	return json_is_array(v) ? v : NULL;
}

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = jget(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- rules by id -------------------------------------------------------- */

struct rules {
	json_t **slot;
	size_t mask;            /* capacity - 1; 0 with slot NULL when empty */
};

/* An open-addressed index of a rules array; a later duplicate id wins. */
static fl_err
rules_build(struct rules *t, json_t *arr)
{
	size_t n = json_array_size(arr), cap = 16, i, h;
	json_t *r;

	memset(t, 0, sizeof(*t));
	if (n == 0)
		return FL_OK;
	while (cap < n * 2)
		cap <<= 1;
	if ((t->slot = calloc(cap, sizeof(*t->slot))) == NULL)
		return FL_E_NOMEM;
	t->mask = cap - 1;
	json_array_foreach(arr, i, r) {
		const char *id = jstr(r, "id");

		if (id == NULL)
			continue;
		h = (size_t)fl_scan_hash(id, strlen(id)) & t->mask;
		while (t->slot[h] != NULL &&
		       strcmp(jstr(t->slot[h], "id"), id) != 0)
			h = (h + 1) & t->mask;
		t->slot[h] = r;
	}
	return FL_OK;
}

static json_t *
rules_find(const struct rules *t, const char *id)
{
	size_t h;

	if (t->slot == NULL)
		return NULL;
	h = (size_t)fl_scan_hash(id, strlen(id)) & t->mask;
	while (t->slot[h] != NULL) {
		if (strcmp(jstr(t->slot[h], "id"), id) == 0)
			return t->slot[h];
		h = (h + 1) & t->mask;
	}
	return NULL;
}

/* ---- reader state ------------------------------------------------------- */

struct sarif {
	struct fl_scan_src *src;
	const struct fl_scan_sink *sink;
	struct fl_finding f;
	/* scratch text, reused for every result */
	struct fl_buf msg, shortd, fulld, desc, tmp;
	int meta_done;
	int sink_failed;        /* the error came from the sink: keep its diag */
};

struct run {
	json_t *extensions, *driver_rules, *artifacts;
	struct rules tab;
	const char *date;
};

/*
 * The rule of a result.  *idp is the rule id the result names (ruleId, or
 * rule.id), NULL when it names none.
 */
static json_t *
result_rule(const struct run *r, json_t *res, const char **idp)
{
	json_t *ref = jobj(res, "rule"), *rules = r->driver_rules, *ix, *rule;
	const char *id = jstr(res, "ruleId"), *rid;

	if (id == NULL)
		id = jstr(ref, "id");
	*idp = id;
	if (id != NULL && (rule = rules_find(&r->tab, id)) != NULL)
		return rule;
	/* a rule of an extension (a query pack): rule.toolComponent.index */
	ix = jget(jobj(ref, "toolComponent"), "index");
	if (json_is_integer(ix) && json_integer_value(ix) >= 0)
		rules = jarr(json_array_get(r->extensions,
					    (size_t)json_integer_value(ix)), "rules");
	ix = jget(res, "ruleIndex");
	if (!json_is_integer(ix))
		ix = jget(ref, "index");
	if (!json_is_integer(ix) || json_integer_value(ix) < 0)
		return NULL;
	rule = json_array_get(rules, (size_t)json_integer_value(ix));
	if (!json_is_object(rule))
		return NULL;
	rid = jstr(rule, "id");
	if (id != NULL && (rid == NULL || strcmp(rid, id) != 0))
		return NULL;
	if (id == NULL)
		*idp = rid;
	return rule;
}

/* ---- messages ----------------------------------------------------------- */

/*
 * Replace {N} by the N-th argument; {{ and }} stand for single braces
 * (SARIF 3.11.5).  A placeholder without its argument stays as written.
 */
static fl_err
substitute(struct fl_buf *b, const char *t, json_t *args)
{
	size_t nargs = json_array_size(args), idx, k;
	const char *p = t, *lit = t, *q;
	fl_err rc;

	while (*p != '\0') {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			if ((rc = fl_buf_append(b, lit, (size_t)(p - lit) + 1)) != FL_OK)
				return rc;
			p += 2;
			lit = p;
			continue;
		}
		if (p[0] != '{' || !isdigit((unsigned char)p[1])) {
			p++;
			continue;
		}
		idx = 0;
		for (q = p + 1, k = 0; isdigit((unsigned char)*q) && k < 9; q++, k++)
			idx = idx * 10 + (size_t)(*q - '0');
		if (*q != '}' || idx >= nargs ||
		    !json_is_string(json_array_get(args, idx))) {
			p++;
			continue;
		}
		if ((rc = fl_buf_append(b, lit, (size_t)(p - lit))) != FL_OK ||
		    (rc = fl_buf_append(b, json_string_value(json_array_get(args, idx)),
					json_string_length(json_array_get(args, idx)))) != FL_OK)
			return rc;
		p = q + 1;
		lit = p;
	}
	return fl_buf_append(b, lit, (size_t)(p - lit));
}

/*
 * The text of a message (or multiformatMessageString) into b: the rule's
 * messageStrings[id] when the message names one, else its own text (or
 * markdown), with the arguments put in.  *found = 0 when there is none.
 */
static fl_err
message(struct fl_buf *b, json_t *m, json_t *rule, int *found)
{
	const char *id = jstr(m, "id"), *t = NULL;
	json_t *args = jarr(m, "arguments");

	fl_buf_reset(b);
	*found = 0;
	if (id != NULL && rule != NULL) {
		json_t *ms = jobj(jobj(rule, "messageStrings"), id);

		if ((t = jstr(ms, "text")) == NULL)
			t = jstr(ms, "markdown");
	}
	if (t == NULL && (t = jstr(m, "text")) == NULL)
		t = jstr(m, "markdown");
	if (t == NULL)
		return FL_OK;
	*found = 1;
	if (json_array_size(args) == 0)
		return fl_buf_append(b, t, strlen(t));
	return substitute(b, t, args);
}

/* ---- textwrap.shorten ---------------------------------------------------- */

/* Bytes of the whitespace character at p (Python's str.split() set), or 0. */
static size_t
ws_at(const unsigned char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r') ||
	    (p[0] >= 0x1c && p[0] <= 0x1f))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if ((p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) ||
	    (p[0] == 0xe2 && p[1] == 0x80 &&
	     ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 ||
	      p[2] == 0xaf)) ||
	    (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) ||
	    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80))
		return 3;
	return 0;
}

/* Characters (code points) in UTF-8 bytes. */
static size_t
cp_count(const unsigned char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Bytes of the first k characters of p. */
static size_t
cp_bytes(const unsigned char *p, size_t n, size_t k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xc0) != 0x80 && k-- == 0)
			break;
	return i;
}

/* textwrap's "letter": \w but not a digit; any non-ASCII byte counts. */
static int
letter(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

/* Start of the character before byte offset j (j > 0). */
static size_t
cp_prev(const unsigned char *w, size_t j)
{
	do
		j--;
	while (j > 0 && (w[j] & 0xc0) == 0x80);
	return j;
}

/* Byte offset of the character after the one at j. */
static size_t
cp_next(const unsigned char *w, size_t n, size_t j)
{
	for (j++; j < n && (w[j] & 0xc0) == 0x80; j++)
		;
	return j;
}

/*
 * End of the chunk of word w that starts at i: textwrap breaks a
 * hyphenated word after a hyphen with two letters (or letter-hyphen-
 * letter) before it and two letters, maybe hyphenated, after it.
 */
static size_t
chunk_end(const unsigned char *w, size_t n, size_t i)
{
	size_t j, a, b, c, e;

	for (j = i + 1; j < n; j++) {
		if (w[j] != '-')
			continue;
		a = cp_prev(w, j);
		if (!letter(w[a]) || a == 0)
			continue;
		b = cp_prev(w, a);
		if (!letter(w[b]) &&
		    !(w[b] == '-' && b > 0 && letter(w[cp_prev(w, b)])))
			continue;
		c = j + 1;
		if (c >= n || !letter(w[c]) || (e = cp_next(w, n, c)) >= n)
			continue;
		if (letter(w[e]) || (w[e] == '-' && e + 1 < n && letter(w[e + 1])))
			return j + 1;
	}
	return n;
}

/* Next word of s[*i..n): its start and length; 0 at the end. */
static size_t
next_word(const unsigned char *s, size_t n, size_t *i, size_t *start)
{
	size_t k, e;

	while (*i < n && (k = ws_at(s + *i, n - *i)) > 0)
		*i += k;
	*start = *i;
	while (*i < n && ws_at(s + *i, n - *i) == 0)
		(*i)++;
	e = *i;
	return e - *start;
}

struct chunk {
	const unsigned char *p;
	size_t nb, ncp;
	int word;               /* not whitespace (textwrap's chunk.strip()) */
};

/*
 * Python's textwrap.shorten(s, TITLE_MAX): whitespace collapsed to single
 * spaces; when that is too long, as many chunks as fit with " [...]" after
 * them.  Lengths are in characters, as Python counts them.
 */
static fl_err
shorten(struct fl_buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	struct chunk ch[TITLE_MAX + 4], c;
	size_t i = 0, st, wl, total = 0, words = 0, nch = 0, cur = 0, k;
	fl_err rc;

	fl_buf_reset(out);
	while ((wl = next_word(s, n, &i, &st)) > 0) {
		total += cp_count(s + st, wl);
		words++;
	}
	if (total + (words ? words - 1 : 0) <= TITLE_MAX) {
		for (i = 0, k = 0; (wl = next_word(s, n, &i, &st)) > 0; k++)
			if ((k > 0 && (rc = fl_buf_putc(out, ' ')) != FL_OK) ||
			    (rc = fl_buf_append(out, s + st, wl)) != FL_OK)
				return rc;
		return FL_OK;
	}
	/* fill the line chunk by chunk until one does not fit */
	memset(&c, 0, sizeof(c));
	for (i = 0, k = 0; (wl = next_word(s, n, &i, &st)) > 0; k++) {
		size_t a = 0, e;

		if (k > 0) {
			c.p = (const unsigned char *)" ";
			c.nb = c.ncp = 1;
			c.word = 0;
			if (cur + 1 > TITLE_MAX)
				goto full;
			ch[nch++] = c;
			cur++;
		}
		while (a < wl) {
			e = chunk_end(s + st, wl, a);
			c.p = s + st + a;
			c.nb = e - a;
			c.ncp = cp_count(c.p, c.nb);
			c.word = 1;
			if (cur + c.ncp > TITLE_MAX)
				goto full;
			ch[nch++] = c;
			cur += c.ncp;
			a = e;
		}
	}
	/* not reached: the text is longer than the width */
	return FL_E_INTERNAL;
full:
	if (c.ncp > TITLE_MAX) {
		/*
		 * A chunk longer than the whole width is cut where the line
		 * ends, or just after its last hyphen before that when
		 * something other than hyphens precedes it.
		 */
		size_t left = TITLE_MAX - cur, end = left, pos = 0, b;
		int other = 0;

		for (b = 0; b < c.nb && pos < left; b++) {
			if ((c.p[b] & 0xc0) == 0x80)
				continue;
			if (c.p[b] == '-' && pos > 0 && other)
				end = pos + 1;
			if (c.p[b] != '-')
				other = 1;
			pos++;
		}
		c.nb = cp_bytes(c.p, c.nb, end);
		c.ncp = end;
		ch[nch++] = c;
		cur += end;
	}
	if (nch > 0 && !ch[nch - 1].word) {
		nch--;
		cur--;
	}
	while (nch > 0) {
		if (ch[nch - 1].word && ch[nch - 1].nb > 0 &&
		    cur + strlen(PLACEHOLDER) <= TITLE_MAX) {
			for (k = 0; k < nch; k++)
				if ((rc = fl_buf_append(out, ch[k].p, ch[k].nb)) != FL_OK)
					return rc;
			return fl_buf_puts(out, PLACEHOLDER);
		}
		cur -= ch[nch - 1].ncp;
		nch--;
	}
	return fl_buf_puts(out, PLACEHOLDER + 1);
}

/* ---- the fields of a finding -------------------------------------------- */

/* DefectDojo: note Info, warning Medium, error High, anything else Medium. */
static int
level_severity(const char *level)
{
	if (level == NULL)
		return FL_SEV_MEDIUM;
	if (strcmp(level, "note") == 0)
		return FL_SEV_INFO;
	if (strcmp(level, "error") == 0)
		return FL_SEV_HIGH;
	return FL_SEV_MEDIUM;
}

/* The number of a CWE spelling "cwe-NNN" (any case), or -1. */
static long
cwe_number(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 5 || strncasecmp(s, "cwe-", 4) != 0)
		return -1;
	for (i = 4; i < n && i < 13; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return i == n ? v : -1;
}

/*
 * The first "cwe-N" in s (as DefectDojo's regex finds it): its number into
 * *last and its spelling into the finding's list, once per number.
 */
static fl_err
cwe_search(struct fl_finding *f, const char *s, long *last)
{
	const char *p, *q;
	size_t i;
	long v;

	if (s == NULL)
		return FL_OK;
	for (p = s; (p = strcasestr(p, "cwe-")) != NULL; p++) {
		for (q = p + 4; isdigit((unsigned char)*q) && q - p < 13; q++)
			;
		if (q == p + 4 || isdigit((unsigned char)*q))
			continue;
		v = cwe_number(p, (size_t)(q - p));
		*last = v;
		for (i = 0; i < f->cwes.n; i++)
			if (cwe_number(f->cwes.v[i], strlen(f->cwes.v[i])) == v)
				return FL_OK;
		return fl_strlist_add(&f->cwes, p, (size_t)(q - p));
	}
	return FL_OK;
}

/* CWE of a string or of every string of an array. */
static fl_err
cwe_search_value(struct fl_finding *f, json_t *v, long *last)
{
	size_t i;
	json_t *e;
	fl_err rc;

	if (json_is_string(v))
		return cwe_search(f, json_string_value(v), last);
	json_array_foreach(v, i, e)
		if (json_is_string(e) &&
		    (rc = cwe_search(f, json_string_value(e), last)) != FL_OK)
			return rc;
	return FL_OK;
}

/*
 * CWEs, with DefectDojo's precedence: the result's CWE taxa, else its
 * properties.cwe, else the rule's (relationships when it has them, else
 * properties.cwe, else tags); within a source the last one counts.
 */
static fl_err
cwes(struct fl_finding *f, json_t *res, json_t *rule)
{
	long rule_cwe = -1, prop_cwe = -1, taxa_cwe = -1;
	json_t *a, *e, *props = jobj(rule, "properties");
	size_t i;
	fl_err rc;

	if ((a = jarr(rule, "relationships")) != NULL) {
		json_array_foreach(a, i, e)
			if ((rc = cwe_search(f, jstr(jobj(e, "target"), "id"),
					     &rule_cwe)) != FL_OK)
				return rc;
	} else if (jget(props, "cwe") != NULL) {
		if ((rc = cwe_search_value(f, jget(props, "cwe"), &rule_cwe)) != FL_OK)
			return rc;
	} else if ((rc = cwe_search_value(f, jarr(props, "tags"),
					  &rule_cwe)) != FL_OK)
		return rc;
	if ((rc = cwe_search_value(f, jget(jobj(res, "properties"), "cwe"),
				   &prop_cwe)) != FL_OK)
		return rc;
	json_array_foreach(jarr(res, "taxa"), i, e) {
		const char *id = jstr(e, "id");
		char sp[32];
		long v;
		const char *tc = jstr(jobj(e, "toolComponent"), "name");

		if (id == NULL || tc == NULL || strcasecmp(tc, "CWE") != 0)
			continue;
		if (fl_parse_long(id, 0, 999999999, &v) == 0)
			snprintf(sp, sizeof(sp), "CWE-%ld", v);
		else
			snprintf(sp, sizeof(sp), "CWE-%.20s", id);
		if ((rc = cwe_search(f, sp, &taxa_cwe)) != FL_OK)
			return rc;
	}
	if (taxa_cwe > 0)
		f->cwe = (int)taxa_cwe;
	else if (prop_cwe > 0)
		f->cwe = (int)prop_cwe;
	else if (rule_cwe > 0)
		f->cwe = (int)rule_cwe;
	return FL_OK;
}

/* The first CVE-Y-N in a rule id (DefectDojo's cve_try). */
static fl_err
cve_of_rule(struct fl_finding *f, const char *id)
{
	const char *p, *q, *r;
	char buf[48];
	size_t i, n;

	for (p = id; (p = strcasestr(p, "cve-")) != NULL; p++) {
		for (q = p + 4; isdigit((unsigned char)*q); q++)
			;
		if (q == p + 4 || *q != '-')
			continue;
		for (r = q + 1; isdigit((unsigned char)*r); r++)
			;
		if (r == q + 1 || (n = (size_t)(r - p)) >= sizeof(buf))
			continue;
		for (i = 0; i < n; i++)
			buf[i] = (char)toupper((unsigned char)p[i]);
		return fl_strlist_add_unique(&f->vuln_ids, buf, n);
	}
	return FL_OK;
}

/* A fingerprint value: a string, or {"value": string} as Black Duck nests it. */
static const char *
fp_value(json_t *v)
{
	if (json_is_object(v))
		v = json_object_get(v, "value");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

struct fp {
	const char *method;
	size_t mlen;
	long version;
	const char *value;
};

/* "method/v2" -> method, 2; a key without a version is version 0. */
static void
fp_key(const char *key, struct fp *e)
{
	const char *slash = strrchr(key, '/'), *prev;
	char num[24];
	size_t i, k = 0;

	e->method = key;
	e->mlen = strlen(key);
	e->version = 0;
	if (slash == NULL)
		return;
	for (i = 1; slash[i] != '\0' && k + 1 < sizeof(num); i++)
		if (slash[i] != 'v')
			num[k++] = slash[i];
	num[k] = '\0';
	if (slash[i] != '\0' || fl_parse_long(num, 0, LONG_MAX, &e->version) != 0) {
		e->version = 0;
		return;
	}
	for (prev = slash; prev > key && prev[-1] != '/'; prev--)
		;
	e->method = prev;
	e->mlen = (size_t)(slash - prev);
}

static int
fp_cmp(const void *a, const void *b)
{
	const struct fp *x = a, *y = b;
	size_t n = x->mlen < y->mlen ? x->mlen : y->mlen;
	int c = memcmp(x->method, y->method, n);

	if (c != 0)
		return c;
	return x->mlen < y->mlen ? -1 : x->mlen > y->mlen;
}

/*
 * DefectDojo's unique_id_from_tool: from fingerprints the newest version
 * of the first method; from partialFingerprints every method's newest
 * version sorted by method, as "method:value|method:value".
 */
static fl_err
unique_id(struct fl_finding *f, json_t *res, struct fl_buf *b)
{
	struct fp e[FP_KEYS_MAX], k;
	json_t *o = jobj(res, "fingerprints"), *v;
	const char *key;
	size_t n = 0, i;
	int partial = 0;
	fl_err rc;

	if (json_object_size(o) == 0) {
		o = jobj(res, "partialFingerprints");
		partial = 1;
	}
	json_object_foreach(o, key, v) {
		if ((k.value = fp_value(v)) == NULL)
			continue;
		fp_key(key, &k);
		for (i = 0; i < n; i++)
			if (e[i].mlen == k.mlen && memcmp(e[i].method, k.method, k.mlen) == 0)
				break;
		if (i < n) {
			if (e[i].version < k.version)
				e[i] = k;
		} else if (n < FP_KEYS_MAX)
			e[n++] = k;
	}
	if (n == 0)
		return FL_OK;
	if (!partial)
		return fl_finding_setz(f, FL_FF_UNIQUE_ID_FROM_TOOL, e[0].value);
	qsort(e, n, sizeof(e[0]), fp_cmp);
	fl_buf_reset(b);
	for (i = 0; i < n; i++)
		if ((i > 0 && (rc = fl_buf_putc(b, '|')) != FL_OK) ||
		    (rc = fl_buf_append(b, e[i].method, e[i].mlen)) != FL_OK ||
		    (rc = fl_buf_putc(b, ':')) != FL_OK ||
		    (rc = fl_buf_puts(b, e[i].value)) != FL_OK)
			return rc;
	return fl_finding_set(f, FL_FF_UNIQUE_ID_FROM_TOOL, b->data, b->len);
}

/* Suppressed unless every suppression is under review or rejected. */
static int
suppressed(json_t *res)
{
	json_t *a = jarr(res, "suppressions"), *e;
	size_t i;

	json_array_foreach(a, i, e) {
		const char *st = jstr(e, "status");

		if (st == NULL || strcmp(st, "accepted") == 0)
			return 1;
	}
	return 0;
}

/* The code snippet of a location: its region's, else its context region's. */
static const char *
snippet(json_t *loc)
{
	json_t *pl = jobj(loc, "physicalLocation");
	const char *s = jstr(jobj(jobj(pl, "region"), "snippet"), "text");

	if (s == NULL)
		s = jstr(jobj(jobj(pl, "contextRegion"), "snippet"), "text");
	return s;
}

/* One step of a code flow: "1. uri:L15:C3\t-\tsnippet\n\tmessage\n". */
static fl_err
flow_step(struct fl_buf *b, size_t k, json_t *l)
{
	json_t *pl = jobj(l, "physicalLocation"), *m = jobj(l, "message");
	json_t *rg = jobj(pl, "region");
	json_t *ln = jget(rg, "startLine"), *col = jget(rg, "startColumn");
	const char *uri = jstr(jobj(pl, "artifactLocation"), "uri");
	const char *sn = jstr(jobj(rg, "snippet"), "text"), *mt;
	fl_err rc;

	if ((rc = fl_buf_printf(b, "%zu. %s", k, uri ? uri : "")) != FL_OK)
		return rc;
	if (json_is_integer(ln) &&
	    (rc = fl_buf_printf(b, ":L%lld", (long long)json_integer_value(ln))) != FL_OK)
		return rc;
	if (json_is_integer(col) &&
	    (rc = fl_buf_printf(b, ":C%lld", (long long)json_integer_value(col))) != FL_OK)
		return rc;
	if (sn != NULL && (rc = fl_buf_printf(b, "\t-\t%s", sn)) != FL_OK)
		return rc;
	if ((rc = fl_buf_putc(b, '\n')) != FL_OK || m == NULL)
		return rc;
	if ((mt = jstr(m, "markdown")) == NULL)
		mt = jstr(m, "text");
	return fl_buf_printf(b, "\t%s\n", mt ? mt : "");
}

/* Every step of every thread flow of every code flow. */
static fl_err
code_flows(struct fl_buf *b, json_t *flows)
{
	json_t *cf, *tf, *st;
	size_t i, j, k;
	fl_err rc;

	/* DefectDojo keeps only the last thread flow; every one is kept here */
	json_array_foreach(flows, i, cf) {
		json_array_foreach(jarr(cf, "threadFlows"), j, tf) {
			json_t *steps = jarr(tf, "locations");

			if (steps == NULL)
				continue;
			if ((rc = fl_buf_puts(b, "**Code flow:**\n")) != FL_OK)
				return rc;
			json_array_foreach(steps, k, st) {
				if ((rc = flow_step(b, k + 1, jobj(st, "location"))) != FL_OK)
					return rc;
			}
		}
	}
	return FL_OK;
}

/* DefectDojo's description: message, snippet, rule name and descriptions, code flows. */
static fl_err
description(struct sarif *s, json_t *res, json_t *rule, json_t *loc,
	    int have_msg)
{
	struct fl_buf *b = &s->desc;
	const char *sn = snippet(loc), *msg = have_msg ? fl_buf_str(&s->msg) : "";
	int fs = 0, ff = 0;
	fl_err rc;

	fl_buf_reset(b);
	if (have_msg && (rc = fl_buf_printf(b, "**Result message:** %s\n", msg)) != FL_OK)
		return rc;
	if (sn != NULL && (rc = fl_buf_printf(b, "**Snippet:**\n```\n%s\n```\n", sn)) != FL_OK)
		return rc;
	if (rule != NULL) {
		const char *name = jstr(rule, "name");

		if (name != NULL && (rc = fl_buf_printf(b, "**Rule name:** %s\n", name)) != FL_OK)
			return rc;
		if ((rc = message(&s->shortd, jobj(rule, "shortDescription"), rule, &fs)) != FL_OK ||
		    (rc = message(&s->fulld, jobj(rule, "fullDescription"), rule, &ff)) != FL_OK)
			return rc;
		if (fs && strcmp(fl_buf_str(&s->shortd), msg) != 0 &&
		    (rc = fl_buf_printf(b, "**Rule short description:** %s\n",
					fl_buf_str(&s->shortd))) != FL_OK)
			return rc;
		if (ff && strcmp(fl_buf_str(&s->fulld), msg) != 0 &&
		    strcmp(fl_buf_str(&s->fulld), fs ? fl_buf_str(&s->shortd) : "") != 0 &&
		    (rc = fl_buf_printf(b, "**Rule full description:** %s\n",
					fl_buf_str(&s->fulld))) != FL_OK)
			return rc;
	}
	if ((rc = code_flows(b, jarr(res, "codeFlows"))) != FL_OK)
		return rc;
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	if (b->len == 0)
		return FL_OK;
	return fl_finding_set(&s->f, FL_FF_DESCRIPTION, b->data, b->len);
}

/* Title: the message, else the rule's descriptions, name or id. */
static fl_err
title(struct sarif *s, json_t *rule, const char *rule_id, int have_msg)
{
	const char *t = NULL;
	int found = 0;
	fl_err rc;

	if (have_msg)
		t = fl_buf_str(&s->msg);
	if (t == NULL && rule != NULL) {
		if ((rc = message(&s->tmp, jobj(rule, "shortDescription"), rule, &found)) != FL_OK)
			return rc;
		if (!found && (rc = message(&s->tmp, jobj(rule, "fullDescription"),
					    rule, &found)) != FL_OK)
			return rc;
		if (found)
			t = fl_buf_str(&s->tmp);
		else if ((t = jstr(rule, "name")) == NULL)
			t = jstr(rule, "id");
	}
	if (t == NULL)
		t = rule_id != NULL ? rule_id : "SARIF result";
	/* shorten() writes into desc, which description() fills afterwards */
	if ((rc = shorten(&s->desc, t, strlen(t))) != FL_OK)
		return rc;
	return fl_finding_set(&s->f, FL_FF_TITLE, s->desc.data ? s->desc.data : "",
			      s->desc.len);
}

/* Severity, and the CVSS score when the rule's security-severity is one. */
static void
severity(struct fl_finding *f, json_t *res, json_t *rule)
{
	const char *level = jstr(res, "level");
	json_t *ss = jget(jobj(rule, "properties"), "security-severity");
	double score;
	int w;

	if (level == NULL)
		level = jstr(jobj(rule, "defaultConfiguration"), "level");
	f->severity = level_severity(level);
	if (ss == NULL)
		return;
	if ((score = fl_scan_json_score(ss)) >= 0) {
		/* DefectDojo: a score over 10 is still Critical; it is no CVSS score */
		if (score <= 10)
			f->cvssv3_score = score;
		f->severity = fl_sev_from_cvss(score);
		return;
	}
	/* a word ("HIGH"), or DefectDojo's Info for anything else */
	w = json_is_string(ss) ? fl_scan_sev_word(json_string_value(ss)) : -1;
	f->severity = w >= 0 ? w : FL_SEV_INFO;
}

/* References: the rule's helpUri, else its help text when that is a URL. */
static fl_err
references(struct sarif *s, json_t *rule)
{
	const char *u = jstr(rule, "helpUri");
	int found = 0;
	fl_err rc;

	if (u != NULL)
		return fl_finding_setz(&s->f, FL_FF_REFERENCES, u);
	if ((rc = message(&s->tmp, jobj(rule, "help"), rule, &found)) != FL_OK)
		return rc;
	if (found && strncmp(fl_buf_str(&s->tmp), "http", 4) == 0)
		return fl_finding_set(&s->f, FL_FF_REFERENCES, s->tmp.data, s->tmp.len);
	return FL_OK;
}

/* Mitigation: the descriptions of the proposed fixes, one a line. */
static fl_err
mitigation(struct fl_finding *f, json_t *res)
{
	json_t *fx;
	size_t i;
	fl_err rc;

	json_array_foreach(jarr(res, "fixes"), i, fx) {
		const char *t = jstr(jobj(fx, "description"), "text");

		if (t != NULL && (rc = fl_finding_append(f, FL_FF_MITIGATION, "\n",
							 t, strlen(t))) != FL_OK)
			return rc;
	}
	return FL_OK;
}

/* file_path and line of a location; a URL artifact is also a place. */
static fl_err
place(struct fl_finding *f, const struct run *r, json_t *loc)
{
	json_t *pl = jobj(loc, "physicalLocation");
	json_t *al = jobj(pl, "artifactLocation"), *rg = jobj(pl, "region");
	json_t *ix = jget(al, "index"), *line;
	const char *uri = jstr(al, "uri");
	fl_err rc;

	if (uri == NULL && json_is_integer(ix) && json_integer_value(ix) >= 0)
		uri = jstr(jobj(json_array_get(r->artifacts,
					       (size_t)json_integer_value(ix)), "location"),
			   "uri");
	if (uri != NULL) {
		if ((rc = fl_finding_setz(f, FL_FF_FILE_PATH, uri)) != FL_OK)
			return rc;
		if ((strncasecmp(uri, "http://", 7) == 0 ||
		     strncasecmp(uri, "https://", 8) == 0) &&
		    (rc = fl_finding_add_url(f, uri, strlen(uri))) != FL_OK)
			return rc;
	}
	/* a region given in bytes has no line (DefectDojo) */
	line = jget(rg, "startLine");
	if (jget(rg, "byteOffset") == NULL && json_is_integer(line) &&
	    json_integer_value(line) > 0 && json_integer_value(line) <= LONG_MAX)
		f->line = (long)json_integer_value(line);
	return FL_OK;
}

/* One raw finding: result res at location loc (NULL: it has none). */
static fl_err
emit(struct sarif *s, const struct run *r, json_t *res, json_t *loc)
{
	struct fl_finding *f = &s->f;
	const char *id;
	json_t *rule = result_rule(r, res, &id);
	int have_msg;
	fl_err rc;

	if ((rc = message(&s->msg, jobj(res, "message"), rule, &have_msg)) != FL_OK ||
	    (rc = title(s, rule, id, have_msg)) != FL_OK ||
	    (rc = description(s, res, rule, loc, have_msg)) != FL_OK ||
	    (rc = references(s, rule)) != FL_OK ||
	    (rc = mitigation(f, res)) != FL_OK ||
	    (rc = cwes(f, res, rule)) != FL_OK ||
	    (rc = unique_id(f, res, &s->tmp)) != FL_OK ||
	    (rc = place(f, r, loc)) != FL_OK ||
	    (rc = fl_finding_setz(f, FL_FF_DATE, r->date)) != FL_OK)
		goto out;
	severity(f, res, rule);
	if (id != NULL &&
	    ((rc = fl_finding_setz(f, FL_FF_VULN_ID_FROM_TOOL, id)) != FL_OK ||
	     (rc = cve_of_rule(f, id)) != FL_OK))
		goto out;
	if (suppressed(res))
		f->status = FL_FS_FALSE_POSITIVE;
	else if (jstr(res, "baselineState") != NULL &&
		 strcmp(jstr(res, "baselineState"), "absent") == 0)
		f->status = FL_FS_FIXED;
	if ((rc = s->sink->finding(s->sink->ctx, f)) != FL_OK)
		s->sink_failed = 1;
out:
	fl_finding_reset(f);
	return rc;
}

/* The scanner that wrote the first run, once. */
static fl_err
meta(struct sarif *s, json_t *run)
{
	struct fl_scan_meta m;
	json_t *drv = jobj(jobj(run, "tool"), "driver");
	json_t *inv = json_array_get(jarr(run, "invocations"), 0);
	json_t *vcp = json_array_get(jarr(run, "versionControlProvenance"), 0);
	fl_err rc;

	if (s->meta_done || s->sink->meta == NULL)
		return FL_OK;
	s->meta_done = 1;
	memset(&m, 0, sizeof(m));
	m.scanner = jstr(drv, "name");
	if ((m.version = jstr(drv, "version")) == NULL)
		m.version = jstr(drv, "semanticVersion");
	m.name = jstr(jobj(run, "automationDetails"), "id");
	m.target = jstr(vcp, "repositoryUri");
	m.started = jstr(inv, "startTimeUtc");
	if ((rc = s->sink->meta(s->sink->ctx, &m)) != FL_OK)
		s->sink_failed = 1;
	return rc;
}

static fl_err
read_run(struct sarif *s, json_t *run)
{
	struct run r;
	json_t *tool = jobj(run, "tool"), *res, *locs, *loc, *inv;
	size_t i, k;
	fl_err rc;

	memset(&r, 0, sizeof(r));
	r.driver_rules = jarr(jobj(tool, "driver"), "rules");
	r.extensions = jarr(tool, "extensions");
	r.artifacts = jarr(run, "artifacts");
	inv = jarr(run, "invocations");
	if (json_array_size(inv) > 0)
		r.date = jstr(json_array_get(inv, json_array_size(inv) - 1), "endTimeUtc");
	if ((rc = meta(s, run)) != FL_OK)
		return rc;
	/* DefectDojo: the first extension's rules when the driver has none */
	if ((rc = rules_build(&r.tab, json_array_size(r.driver_rules) > 0 ?
			      r.driver_rules :
			      jarr(json_array_get(r.extensions, 0), "rules"))) != FL_OK)
		return rc;
	json_array_foreach(jarr(run, "results"), i, res) {
		const char *kind = jstr(res, "kind");

		if (!json_is_object(res) || (kind != NULL && strcmp(kind, "fail") != 0))
			continue;
		locs = jarr(res, "locations");
		if (json_array_size(locs) == 0) {
			if ((rc = emit(s, &r, res, NULL)) != FL_OK)
				goto out;
			continue;
		}
		json_array_foreach(locs, k, loc)
			if ((rc = emit(s, &r, res, loc)) != FL_OK)
				goto out;
	}
out:
	free(r.tab.slot);
	return rc;
}

/* A JSON object with "runs" and the SARIF schema, or a tool driver. */
static int
sarif_sniff(const char *head, size_t n, const char *path)
{
	size_t i = fl_scan_skip_blank(head, n);
	int runs, schema = 0;
	const char *p;

	(void)path;
	if (i >= n || head[i] != '{')
		return 0;
	runs = fl_scan_has(head, n, "\"runs\"");
	if ((p = fl_scan_find(head, n, "\"$schema\"")) != NULL) {
		size_t left = n - (size_t)(p - head);

		schema = fl_scan_has(p, left < 200 ? left : 200, "sarif");
	}
	if (runs && schema)
		return 95;
	if (runs && (fl_scan_has(head, n, "\"driver\"") ||
		     fl_scan_has(head, n, "\"2.1.0\"")))
		return 85;
	if (schema)
		return 70;
	return 0;
}

static fl_err
sarif_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	   struct fl_diag *d)
{
	struct sarif s;
	json_t *root, *run;
	size_t i;
	fl_err rc;

	if ((rc = fl_scan_json_load(src, 0, &root, d)) != FL_OK)
		return rc;
	if (!json_is_object(root)) {
		json_decref(root);
		return fl_diag_set(d, FL_E_SYNTAX, src->path, 1, 1,
				   "not a SARIF log: expected an object with \"runs\"");
	}
	memset(&s, 0, sizeof(s));
	s.src = src;
	s.sink = sink;
	fl_finding_init(&s.f);
	fl_buf_init(&s.msg, TEXT_MAX);
	fl_buf_init(&s.shortd, TEXT_MAX);
	fl_buf_init(&s.fulld, TEXT_MAX);
	fl_buf_init(&s.desc, TEXT_MAX);
	fl_buf_init(&s.tmp, TEXT_MAX);
	rc = FL_OK;
	json_array_foreach(jarr(root, "runs"), i, run)
		if (json_is_object(run) && (rc = read_run(&s, run)) != FL_OK)
			break;
	if (rc != FL_OK && !s.sink_failed) {
		if (rc == FL_E_LIMIT)
			fl_diag_set(d, rc, src->path, 0, 0,
				    "a text of run %zu is longer than %zu bytes",
				    i + 1, TEXT_MAX);
		else
			fl_diag_set(d, rc, src->path, 0, 0, "%s", fl_err_str(rc));
	}
	fl_finding_reset(&s.f);
	fl_buf_release(&s.msg);
	fl_buf_release(&s.shortd);
	fl_buf_release(&s.fulld);
	fl_buf_release(&s.desc);
	fl_buf_release(&s.tmp);
	json_decref(root);
	return rc;
}

const struct fl_scan_format fl_fmt_sarif = {
	"sarif", "SARIF 2.1.0 (any static analyser)", sarif_sniff, sarif_read
};
