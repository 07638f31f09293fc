/*
 * intel: the KEV catalogue and EPSS score readers (see intel.h).
 *
 * JSON goes through jansson, CSV through the ingest CSV reader; this file
 * adds what those do not know: which columns and members the formats
 * have, the comment line FIRST puts before its header, and the checks on
 * every value (CVE ids, calendar dates, scores).  It refuses rather than
 * guesses: a KEV entry without a due date or an EPSS row with a score of
 * 1.5 is an error with its position, not a record with a hole, because a
 * wrong due date or score silently moves a finding's priority.
 *
 * Positions: jansson reports positions for syntax errors only; its tree
 * has none.  For a bad value in a well-formed KEV document a small cursor
 * walks the (already validated) bytes next to the tree, one array element
 * per entry, so the error still names the line and column of the value.
 * CSV errors point at the field: the record's line comes from the CSV
 * reader and the column is found by walking that record again, which is
 * only done once, on the way out.
 *
 * It does not: fetch anything, merge files, or check the catalogue's
 * "count" (a catalogue trimmed by hand is still a catalogue).
 */
#include <jansson.h>
#include <math.h>

#include "../ingest/ingest.h"
#include "intel.h"

#define SNIFF_HEAD 4096
#define COLSTEP(c) ((((unsigned char)(c)) & 0xC0) != 0x80)
static const char bom[] = "\xEF\xBB\xBF";

/* ---- value checks ------------------------------------------------------ */

static int
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* CVE-YYYY-NNNN+ as CVE defines it: four digits of year, 4 to 19 of id. */
static int
valid_cve(const char *s)
{
	size_t n = strlen(s);

	return n >= 13 && n <= 28 && memcmp(s, "CVE-", 4) == 0 &&
	       is_digits(s + 4, 4) && s[8] == '-' && is_digits(s + 9, n - 9) &&
	       memcmp(s + 4, "1999", 4) >= 0;
}

/* A real calendar date, exactly YYYY-MM-DD (no time, no trailing text). */
static int
valid_date_n(const char *s, size_t n)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !is_digits(s, 4) ||
	    !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
		return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return 0;
	if (m == 2 && dd == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

static int
valid_date(const char *s)
{
	return valid_date_n(s, strlen(s));
}

static int
valid_cwe(const char *s, size_t n)
{
	return n > 4 && n <= 16 && memcmp(s, "CWE-", 4) == 0 &&
	       is_digits(s + 4, n - 4);
}

/*
 * A decimal number in [lo,hi].  Only digits, one point and an exponent
 * are accepted, so "nan", "inf" and hex floats never get to strtod.
 * Returns -1 when s is not such a number.
 */
static int
parse_score(const char *s, double lo, double hi, double *out)
{
	char *end;
	size_t i, n = strlen(s);
	int digits = 0;
	double v;

	if (n == 0 || n > 32)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits = 1;
		else if (s[i] != '.' && s[i] != 'e' && s[i] != 'E' &&
			 s[i] != '-' && s[i] != '+')
			return -1;
	}
	if (!digits)
		return -1;
	v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Copy field s without surrounding blanks into out[outsz]; -1 if too long. */
static int
trimmed(const char *s, char *out, size_t outsz)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= outsz)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static enum fl_kev_ransomware
ransom_word(const char *s, int *ok)
{
	char w[16];

	*ok = 1;
	if (s == NULL || trimmed(s, w, sizeof w) != 0) {
		*ok = s == NULL;
		return FL_KEV_RANSOM_UNKNOWN;
	}
	if (fl_streq_ci(w, "known"))
		return FL_KEV_RANSOM_KNOWN;
	if (w[0] == '\0' || fl_streq_ci(w, "unknown"))
		return FL_KEV_RANSOM_UNKNOWN;
	*ok = 0;
	return FL_KEV_RANSOM_UNKNOWN;
}

/* ---- sniffing ---------------------------------------------------------- */

static size_t
skip_bom_ws(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, bom, 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\r' || data[i] == '\n'))
		i++;
	return i;
}

static int
has(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

/* Whether the header line [s, s+n) has column NAME (case-insensitive). */
static int
header_has(const char *s, size_t n, const char *name)
{
	size_t i = 0, k = strlen(name);

	while (i <= n) {
		size_t a = i, b;

		while (i < n && s[i] != ',')
			i++;
		b = i;
		while (a < b && (s[a] == ' ' || s[a] == '"'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '"' ||
				 s[b - 1] == '\r'))
			b--;
		if (b - a == k) {
			size_t j;
			for (j = 0; j < k; j++)
				if ((s[a + j] | 0x20) != (name[j] | 0x20))
					break;
			if (j == k)
				return 1;
		}
		i++;
	}
	return 0;
}

enum fl_intel_kind
fl_intel_sniff(const char *data, size_t len)
{
	size_t i, e;
	int comment = 0;

	if (len > SNIFF_HEAD)
		len = SNIFF_HEAD;
	i = skip_bom_ws(data, len);
	if (i < len && data[i] == '{')
		return has(data + i, len - i, "\"vulnerabilities\"") ||
		       has(data + i, len - i, "\"catalogVersion\"") ?
		       FL_INTEL_KEV_JSON : FL_INTEL_UNKNOWN;
	if (i < len && data[i] == '#') {
		/* FIRST's comment line; the header follows it */
		comment = 1;
		while (i < len && data[i] != '\n')
			i++;
		i = skip_bom_ws(data + i, len - i) + i;
	}
	for (e = i; e < len && data[e] != '\n'; e++)
		;
	if (header_has(data + i, e - i, "cveID") &&
	    header_has(data + i, e - i, "dueDate"))
		return FL_INTEL_KEV_CSV;
	if (!header_has(data + i, e - i, "cve") ||
	    !header_has(data + i, e - i, "epss"))
		return FL_INTEL_UNKNOWN;
	if (header_has(data + i, e - i, "EPSS Percentile"))
		return FL_INTEL_EPSS_KEV;
	if (header_has(data + i, e - i, "percentile"))
		return FL_INTEL_EPSS_FIRST;
	return comment ? FL_INTEL_EPSS_FIRST : FL_INTEL_UNKNOWN;
}

const char *
fl_intel_kind_name(enum fl_intel_kind k)
{
	switch (k) {
	case FL_INTEL_KEV_JSON:
		return "kev-json";
	case FL_INTEL_KEV_CSV:
		return "kev-csv";
	case FL_INTEL_EPSS_FIRST:
		return "epss-first";
	case FL_INTEL_EPSS_KEV:
		return "epss-kev";
	case FL_INTEL_UNKNOWN:
		break;
	}
	return "unknown";
}

/* ---- positions in a JSON document jansson has accepted ----------------- */

struct jcur {
	const char *p, *end;
	unsigned long line, col;
	int ok; /* 0 once the walk lost its way: positions fall back to 1:1 */
};

static void
jc_step(struct jcur *c)
{
	if (c->p >= c->end)
		return;
	if (*c->p == '\n') {
		c->line++;
		c->col = 1;
	} else {
		c->col += COLSTEP(*c->p);
	}
	c->p++;
}

static void
jc_ws(struct jcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\r' || *c->p == '\n'))
		jc_step(c);
}

static void
jc_string(struct jcur *c)
{
	jc_step(c); /* the opening quote */
	while (c->p < c->end && *c->p != '"') {
		if (*c->p == '\\')
			jc_step(c);
		jc_step(c);
	}
	jc_step(c);
}

/* Skip one value; containers by counting brackets outside strings. */
static void
jc_value(struct jcur *c)
{
	long depth = 0;

	if (c->p >= c->end) {
		c->ok = 0;
		return;
	}
	if (*c->p == '"') {
		jc_string(c);
		return;
	}
	if (*c->p != '{' && *c->p != '[') {
		while (c->p < c->end && *c->p != ',' && *c->p != '}' &&
		       *c->p != ']' && *c->p != ' ' && *c->p != '\t' &&
		       *c->p != '\r' && *c->p != '\n')
			jc_step(c);
		return;
	}
	while (c->p < c->end) {
		if (*c->p == '"') {
			jc_string(c);
			continue;
		}
		if (*c->p == '{' || *c->p == '[')
			depth++;
		else if (*c->p == '}' || *c->p == ']')
			depth--;
		jc_step(c);
		if (depth == 0)
			return;
	}
	c->ok = 0;
}

/*
 * With c on an object's '{', move c to the value of member KEY (compared
 * byte for byte with the raw key).  Returns 0, or -1 with c unusable.
 */
static int
jc_member(struct jcur *c, const char *key)
{
	size_t klen = strlen(key);

	if (c->p >= c->end || *c->p != '{')
		return -1;
	jc_step(c);
	for (;;) {
		const char *k;
		int match;

		jc_ws(c);
		if (c->p >= c->end || *c->p != '"')
			return -1;
		k = c->p + 1;
		jc_string(c);
		match = (size_t)(c->p - k) == klen + 1 &&
			memcmp(k, key, klen) == 0;
		jc_ws(c);
		if (c->p >= c->end || *c->p != ':')
			return -1;
		jc_step(c);
		jc_ws(c);
		if (match)
			return 0;
		jc_value(c);
		jc_ws(c);
		if (c->p >= c->end || *c->p != ',')
			return -1;
		jc_step(c);
	}
}

/* ---- KEV JSON ---------------------------------------------------------- */

struct kev_json {
	const char *filename;
	struct jcur elem; /* at the current entry's first byte */
	struct fl_diag *d;
};

/* An error about member KEY (NULL: the entry) of the current entry. */
static fl_err kev_json_err(struct kev_json *k, const char *key,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static fl_err
kev_json_err(struct kev_json *k, const char *key, const char *fmt, ...)
{
	struct jcur c = k->elem;
	unsigned long line = 1, col = 1;
	char msg[sizeof k->d->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c.ok) {
		line = c.line, col = c.col;
		if (key != NULL && jc_member(&c, key) == 0)
			line = c.line, col = c.col;
	}
	return fl_diag_set(k->d, FL_E_SYNTAX, k->filename, line, col, "%s", msg);
}

/* A string member: NULL when absent (or null); *bad when another type. */
static const char *
jstr(json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

static fl_err
kev_json_entry(struct kev_json *k, json_t *o, struct fl_kev_entry *e,
	       const char **cwes)
{
	const struct {
		const char *key;
		const char **slot;
		int required;
	} members[] = {
		{"cveID", &e->cve, 1},
		{"vendorProject", &e->vendor, 1},
		{"product", &e->product, 1},
		{"vulnerabilityName", &e->name, 1},
		{"dateAdded", &e->date_added, 1},
		{"dueDate", &e->due_date, 1},
		{"requiredAction", &e->required_action, 1},
		{"shortDescription", &e->description, 0},
		{"notes", &e->notes, 0},
	};
	json_t *arr, *v;
	size_t i;
	int ok;

	if (!json_is_object(o))
		return kev_json_err(k, NULL, "KEV entry is not an object");
	for (i = 0; i < sizeof members / sizeof *members; i++) {
		const char **slot = members[i].slot;
		int bad = 0;

		*slot = jstr(o, members[i].key, &bad);
		if (bad)
			return kev_json_err(k, members[i].key,
					    "\"%s\" is not a string",
					    members[i].key);
		if (*slot == NULL && members[i].required)
			return kev_json_err(k, NULL, "KEV entry has no \"%s\"",
					    members[i].key);
		if (*slot != NULL && **slot == '\0' && !members[i].required)
			*slot = NULL;
	}
	if (!valid_cve(e->cve))
		return kev_json_err(k, "cveID", "not a CVE id: '%s'", e->cve);
	if (!valid_date(e->date_added))
		return kev_json_err(k, "dateAdded", "not a date (YYYY-MM-DD): '%s'",
				    e->date_added);
	if (!valid_date(e->due_date))
		return kev_json_err(k, "dueDate", "not a date (YYYY-MM-DD): '%s'",
				    e->due_date);
	v = json_object_get(o, "knownRansomwareCampaignUse");
	if (v != NULL && !json_is_null(v) && !json_is_string(v))
		return kev_json_err(k, "knownRansomwareCampaignUse",
				    "\"knownRansomwareCampaignUse\" is not a string");
	e->ransomware = ransom_word(json_is_string(v) ? json_string_value(v) : NULL,
				    &ok);
	if (!ok)
		return kev_json_err(k, "knownRansomwareCampaignUse",
				    "knownRansomwareCampaignUse is '%s', not"
				    " Known or Unknown", json_string_value(v));
	e->ncwes = 0;
	arr = json_object_get(o, "cwes");
	if (arr != NULL && !json_is_null(arr) && !json_is_array(arr))
		return kev_json_err(k, "cwes", "\"cwes\" is not an array");
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL || !valid_cwe(s, strlen(s)))
			return kev_json_err(k, "cwes", "not a CWE id: '%s'",
					    s ? s : "(not a string)");
		if (e->ncwes >= FL_KEV_MAX_CWES)
			return kev_json_err(k, "cwes", "more than %d CWEs",
					    FL_KEV_MAX_CWES);
		cwes[e->ncwes++] = s;
	}
	e->cwes = cwes;
	return FL_OK;
}

static fl_err
kev_json(const char *data, size_t len, const char *filename, fl_kev_fn fn,
	 void *ctx, struct fl_diag *d)
{
	const char *cwes[FL_KEV_MAX_CWES];
	struct kev_json k;
	struct fl_kev_entry e;
	json_error_t jerr;
	json_t *root, *arr, *o;
	size_t i, skip = 0;
	int bad = 0;
	const char *version, *released;
	fl_err rc = FL_OK;

	/* jansson refuses a BOM; an editor may have added one */
	if (len >= 3 && memcmp(data, bom, 3) == 0)
		skip = 3;
	root = json_loadb(data + skip, len - skip, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, filename,
				   jerr.line > 0 ? (unsigned long)jerr.line : 1,
				   jerr.column > 0 ? (unsigned long)jerr.column : 1,
				   "%s", jerr.text);
	arr = json_object_get(root, "vulnerabilities");
	if (!json_is_object(root) || !json_is_array(arr)) {
		json_decref(root);
		return fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				   "not a KEV catalogue: expected an object with"
				   " a \"vulnerabilities\" array");
	}
	memset(&k, 0, sizeof k);
	k.filename = filename;
	k.d = d;
	k.elem.p = data + skip;
	k.elem.end = data + len;
	k.elem.line = k.elem.col = 1;
	k.elem.ok = 1;
	jc_ws(&k.elem);
	if (jc_member(&k.elem, "vulnerabilities") != 0 || k.elem.p >= k.elem.end ||
	    *k.elem.p != '[')
		k.elem.ok = 0;
	jc_step(&k.elem);
	version = jstr(root, "catalogVersion", &bad);
	released = jstr(root, "dateReleased", &bad);
	if (bad) {
		json_decref(root);
		return fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				   "catalogVersion and dateReleased must be strings");
	}
	json_array_foreach(arr, i, o) {
		jc_ws(&k.elem);
		if (i > 0 && k.elem.ok) {
			if (k.elem.p < k.elem.end && *k.elem.p == ',')
				jc_step(&k.elem);
			else
				k.elem.ok = 0;
			jc_ws(&k.elem);
		}
		memset(&e, 0, sizeof e);
		if ((rc = kev_json_entry(&k, o, &e, cwes)) != FL_OK)
			break;
		e.catalog_version = version;
		e.date_released = released;
		e.line = k.elem.ok ? k.elem.line : 0;
		e.index = i;
		if ((rc = fn(ctx, &e, d)) != FL_OK)
			break;
		if (k.elem.ok)
			jc_value(&k.elem);
	}
	json_decref(root);
	return rc;
}

/* ---- CSV: shared pieces ------------------------------------------------ */

/*
 * Line and column of field FIELD of the record starting on line LINE,
 * walking the record again the way the CSV reader read it.
 */
static void
csv_locate(const char *data, size_t len, unsigned long line, long field,
	   unsigned long *oline, unsigned long *ocol)
{
	size_t i = 0;
	unsigned long l = 1, col = 1;
	long k = 0;

	if (len >= 3 && memcmp(data, bom, 3) == 0)
		i = 3;
	while (i < len && l < line)
		if (data[i++] == '\n')
			l++;
	while (k < field && i < len) {
		if (data[i] == '"') {
			i++, col++;
			while (i < len) {
				if (data[i] == '"' && i + 1 < len && data[i + 1] == '"') {
					i += 2, col += 2;
				} else if (data[i] == '"') {
					i++, col++;
					break;
				} else if (data[i] == '\n') {
					i++, l++, col = 1;
				} else {
					col += COLSTEP(data[i]);
					i++;
				}
			}
		}
		while (i < len && data[i] != ',' && data[i] != '\n') {
			col += COLSTEP(data[i]);
			i++;
		}
		if (i >= len || data[i] != ',')
			break;
		i++, col++, k++;
	}
	*oline = l;
	*ocol = col;
}

struct csvctx {
	const char *data;	/* the whole file, for csv_locate */
	size_t len;
	const char *filename;
	unsigned long line_off;	/* lines before the part given to the reader */
	struct fl_diag *d;
	int own_diag;		/* the diag was set here or by the caller's
				 * callback, not by the CSV reader */
	struct fl_csv_header h;
	size_t nrows;
};

/* An error about field FIELD (-1: the record) of record REC. */
static fl_err csv_err(struct csvctx *c, const struct fl_csv_record *rec,
		      long field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static fl_err
csv_err(struct csvctx *c, const struct fl_csv_record *rec, long field,
	const char *fmt, ...)
{
	unsigned long line = rec->line + c->line_off, col = 1;
	char msg[sizeof c->d->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (field >= 0)
		csv_locate(c->data, c->len, line, field, &line, &col);
	c->own_diag = 1;
	return fl_diag_set(c->d, FL_E_SYNTAX, c->filename, line, col, "%s", msg);
}

/* Every data record has as many fields as the header: catches truncation. */
static fl_err
csv_width(struct csvctx *c, const struct fl_csv_record *rec)
{
	char n[48];

	if (rec->nfields == c->h.n)
		return FL_OK;
	snprintf(n, sizeof n, "%zu fields, the header has %zu", rec->nfields,
		 c->h.n);
	return csv_err(c, rec, rec->nfields < c->h.n ? (long)rec->nfields - 1 :
		       (long)c->h.n, "record has %s", n);
}

/* After fl_csv_parse: its own positions are relative to the part it read. */
static fl_err
csv_done(struct csvctx *c, fl_err rc)
{
	if ((rc == FL_E_LIMIT || rc == FL_E_SYNTAX) && !c->own_diag &&
	    c->d->line > 0 && c->d->line <= ULONG_MAX - c->line_off)
		c->d->line += c->line_off;
	fl_csv_header_release(&c->h);
	return rc;
}

/* The header's names, kept for fl_csv_col. */
static fl_err
csv_header(struct csvctx *c, const struct fl_csv_record *rec)
{
	fl_err rc = fl_csv_header_init(&c->h, rec);

	if (rc != FL_OK) {
		c->own_diag = 1;
		fl_diag_set(c->d, rc, c->filename, rec->line + c->line_off, 1,
			    "out of memory");
	}
	return rc;
}

/* ---- KEV CSV ----------------------------------------------------------- */

enum { KC_CVE, KC_VENDOR, KC_PRODUCT, KC_NAME, KC_ADDED, KC_DUE, KC_ACTION,
       KC_DESC, KC_RANSOM, KC_NOTES, KC_CWES, KC__N };
static const char *const kev_cols[KC__N] = {
	"cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded",
	"dueDate", "requiredAction", "shortDescription",
	"knownRansomwareCampaignUse", "notes", "cwes"
};
#define KC_REQUIRED KC_DESC /* columns before this one must be present */

struct kev_csv {
	struct csvctx c;
	long col[KC__N];
	struct fl_buf cwebuf;	/* the cwes field, split in place */
	const char *cwes[FL_KEV_MAX_CWES];
	fl_kev_fn fn;
	void *ctx;
};

static fl_err
kev_csv_cwes(struct kev_csv *k, const struct fl_csv_record *rec,
	     struct fl_kev_entry *e)
{
	const char *f = fl_csv_get(rec, k->col[KC_CWES]);
	char *s, *p;
	fl_err rc;

	e->cwes = k->cwes;
	e->ncwes = 0;
	fl_buf_reset(&k->cwebuf);
	if ((rc = fl_buf_puts(&k->cwebuf, f)) != FL_OK) {
		k->c.own_diag = 1;
		return fl_diag_set(k->c.d, rc, k->c.filename,
				   rec->line + k->c.line_off, 1, "%s",
				   fl_err_str(rc));
	}
	s = k->cwebuf.data;
	if (s == NULL)
		return FL_OK;
	/* "CWE-59, CWE-436": split on commas, blanks around each dropped */
	for (p = s; ; p++) {
		if (*p != ',' && *p != '\0')
			continue;
		{
			char *a = s, *b = p;
			int last = *p == '\0';

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			*b = '\0';
			if (a < b || !last || e->ncwes > 0) {
				if (!valid_cwe(a, (size_t)(b - a)))
					return csv_err(&k->c, rec, k->col[KC_CWES],
						       "not a CWE id: '%s'", a);
				if (e->ncwes >= FL_KEV_MAX_CWES)
					return csv_err(&k->c, rec, k->col[KC_CWES],
						       "more than %d CWEs", FL_KEV_MAX_CWES);
				k->cwes[e->ncwes++] = a;
			}
			if (last)
				break;
			s = p + 1;
		}
	}
	return FL_OK;
}

static fl_err
kev_csv_row(void *ctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct kev_csv *k = ctx;
	struct fl_kev_entry e;
	char cve[32], added[16], due[16];
	const char *v;
	size_t i;
	int ok;
	fl_err rc;

	if (rec->index == 0) {
		if ((rc = csv_header(&k->c, rec)) != FL_OK)
			return rc;
		for (i = 0; i < KC__N; i++) {
			k->col[i] = fl_csv_col(&k->c.h, kev_cols[i]);
			if (k->col[i] < 0 && i < KC_REQUIRED)
				return csv_err(&k->c, rec, -1,
					       "not a KEV catalogue: no '%s' column",
					       kev_cols[i]);
		}
		return FL_OK;
	}
	if ((rc = csv_width(&k->c, rec)) != FL_OK)
		return rc;
	memset(&e, 0, sizeof e);
	v = fl_csv_get(rec, k->col[KC_CVE]);
	if (trimmed(v, cve, sizeof cve) != 0 || !valid_cve(cve))
		return csv_err(&k->c, rec, k->col[KC_CVE], "not a CVE id: '%s'", v);
	v = fl_csv_get(rec, k->col[KC_ADDED]);
	if (trimmed(v, added, sizeof added) != 0 || !valid_date(added))
		return csv_err(&k->c, rec, k->col[KC_ADDED],
			       "not a date (YYYY-MM-DD): '%s'", v);
	v = fl_csv_get(rec, k->col[KC_DUE]);
	if (trimmed(v, due, sizeof due) != 0 || !valid_date(due))
		return csv_err(&k->c, rec, k->col[KC_DUE],
			       "not a date (YYYY-MM-DD): '%s'", v);
	e.ransomware = ransom_word(k->col[KC_RANSOM] < 0 ? NULL :
				   fl_csv_get(rec, k->col[KC_RANSOM]), &ok);
	if (!ok)
		return csv_err(&k->c, rec, k->col[KC_RANSOM],
			       "knownRansomwareCampaignUse is '%s', not Known or"
			       " Unknown", fl_csv_get(rec, k->col[KC_RANSOM]));
	if ((rc = kev_csv_cwes(k, rec, &e)) != FL_OK)
		return rc;
	e.cve = cve;
	e.date_added = added;
	e.due_date = due;
	e.vendor = fl_csv_get(rec, k->col[KC_VENDOR]);
	e.product = fl_csv_get(rec, k->col[KC_PRODUCT]);
	e.name = fl_csv_get(rec, k->col[KC_NAME]);
	e.required_action = fl_csv_get(rec, k->col[KC_ACTION]);
	e.description = fl_csv_get(rec, k->col[KC_DESC]);
	if (*e.description == '\0')
		e.description = NULL;
	e.notes = fl_csv_get(rec, k->col[KC_NOTES]);
	if (*e.notes == '\0')
		e.notes = NULL;
	e.line = rec->line + k->c.line_off;
	e.index = k->c.nrows++;
	if ((rc = k->fn(k->ctx, &e, d)) != FL_OK)
		k->c.own_diag = 1;
	return rc;
}

static fl_err
kev_csv(const char *data, size_t len, const char *filename, fl_kev_fn fn,
	void *ctx, struct fl_diag *d)
{
	struct kev_csv k;
	fl_err rc;

	memset(&k, 0, sizeof k);
	k.c.data = data;
	k.c.len = len;
	k.c.filename = filename;
	k.c.d = d;
	k.fn = fn;
	k.ctx = ctx;
	/* the CSV reader's longest field, and its NUL */
	fl_buf_init(&k.cwebuf, ((size_t)1 << 20) + 16);
	rc = fl_csv_parse(data, len, filename, ',', NULL, kev_csv_row, &k, d);
	if (rc == FL_OK && k.c.h.n == 0)
		rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				 "not a KEV catalogue: the file is empty");
	fl_buf_release(&k.cwebuf);
	return csv_done(&k.c, rc);
}

fl_err
fl_intel_parse_kev(const char *data, size_t len, const char *filename,
		   fl_kev_fn fn, void *ctx, struct fl_diag *d)
{
	size_t i = skip_bom_ws(data, len);

	if (i < len && (data[i] == '{' || data[i] == '['))
		return kev_json(data, len, filename, fn, ctx, d);
	return kev_csv(data, len, filename, fn, ctx, d);
}

/* ---- EPSS -------------------------------------------------------------- */

enum { EC_CVE, EC_EPSS, EC_PCT, EC_CVSS3, EC_DESC, EC_VENDOR, EC_PRODUCT,
       EC__N };

struct epss {
	struct csvctx c;
	long col[EC__N];
	char model[64];		/* from the comment line, "" when absent */
	char score_date[11];
	fl_epss_fn fn;
	void *ctx;
};

/*
 * FIRST's comment line, "#model_version:v2026.06.15,score_date:2026-09-
 * 29T12:00:22Z": the pairs are read by name, others ignored.  [s, s+n) is
 * the line without its '#' and line end; col is where s is on line 1.
 */
static fl_err
epss_comment(struct epss *x, const char *s, size_t n, unsigned long col)
{
	size_t i = 0, k;

	while (i < n) {
		size_t a = i, colon, e, vlen;
		const char *v;
		unsigned long vcol = col;

		while (i < n && s[i] != ',')
			i++;
		e = i++;
		for (colon = a; colon < e && s[colon] != ':'; colon++)
			;
		/* a pair without ':' has an empty value */
		v = colon < e ? s + colon + 1 : s + e;
		vlen = (size_t)(s + e - v);
		for (k = 0; s + k < v; k++)
			vcol += COLSTEP(s[k]);
		if (colon - a == 13 && memcmp(s + a, "model_version", 13) == 0) {
			if (vlen >= sizeof x->model)
				return fl_diag_set(x->c.d, FL_E_SYNTAX, x->c.filename,
						   1, vcol, "model_version too long");
			memcpy(x->model, v, vlen);
			x->model[vlen] = '\0';
		} else if (colon - a == 10 && memcmp(s + a, "score_date", 10) == 0) {
			/* a timestamp; the date is what a score is for */
			if (vlen < 10 || !valid_date_n(v, 10) ||
			    (vlen > 10 && v[10] != 'T'))
				return fl_diag_set(x->c.d, FL_E_SYNTAX, x->c.filename,
						   1, vcol, "score_date is not a date"
						   " (YYYY-MM-DD...)");
			memcpy(x->score_date, v, 10);
			x->score_date[10] = '\0';
		}
	}
	return FL_OK;
}

static fl_err
epss_row(void *ctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct epss *x = ctx;
	struct fl_epss_entry e;
	char cve[32], num[40];
	const char *v;
	fl_err rc;

	if (rec->index == 0) {
		if ((rc = csv_header(&x->c, rec)) != FL_OK)
			return rc;
		x->col[EC_CVE] = fl_csv_col(&x->c.h, "cve");
		x->col[EC_EPSS] = fl_csv_col(&x->c.h, "epss");
		x->col[EC_PCT] = fl_csv_col(&x->c.h, "percentile");
		if (x->col[EC_PCT] < 0)
			x->col[EC_PCT] = fl_csv_col(&x->c.h, "EPSS Percentile");
		x->col[EC_CVSS3] = fl_csv_col(&x->c.h, "CVSS3");
		x->col[EC_DESC] = fl_csv_col(&x->c.h, "Description");
		x->col[EC_VENDOR] = fl_csv_col(&x->c.h, "Vendor");
		x->col[EC_PRODUCT] = fl_csv_col(&x->c.h, "Product");
		if (x->col[EC_CVE] < 0 || x->col[EC_EPSS] < 0 || x->col[EC_PCT] < 0)
			return csv_err(&x->c, rec, -1, "not an EPSS file: "
				       "the header needs cve, epss and percentile"
				       " (or EPSS Percentile) columns");
		return FL_OK;
	}
	if ((rc = csv_width(&x->c, rec)) != FL_OK)
		return rc;
	memset(&e, 0, sizeof e);
	v = fl_csv_get(rec, x->col[EC_CVE]);
	if (trimmed(v, cve, sizeof cve) != 0 || !valid_cve(cve))
		return csv_err(&x->c, rec, x->col[EC_CVE], "not a CVE id: '%s'", v);
	v = fl_csv_get(rec, x->col[EC_EPSS]);
	if (trimmed(v, num, sizeof num) != 0 ||
	    parse_score(num, 0, 1, &e.score) != 0)
		return csv_err(&x->c, rec, x->col[EC_EPSS],
			       "EPSS score '%s' is not a number in [0,1]", v);
	v = fl_csv_get(rec, x->col[EC_PCT]);
	if (trimmed(v, num, sizeof num) != 0 ||
	    parse_score(num, 0, 1, &e.percentile) != 0)
		return csv_err(&x->c, rec, x->col[EC_PCT],
			       "percentile '%s' is not a number in [0,1]", v);
	e.cvss3 = -1;
	if (x->col[EC_CVSS3] >= 0) {
		v = fl_csv_get(rec, x->col[EC_CVSS3]);
		if (trimmed(v, num, sizeof num) != 0 ||
		    (num[0] != '\0' && parse_score(num, 0, 10, &e.cvss3) != 0))
			return csv_err(&x->c, rec, x->col[EC_CVSS3],
				       "CVSS3 '%s' is not a number in [0,10]", v);
	}
	e.cve = cve;
	e.score_date = x->score_date[0] ? x->score_date : NULL;
	e.model_version = x->model[0] ? x->model : NULL;
	if (x->col[EC_DESC] >= 0 && *(v = fl_csv_get(rec, x->col[EC_DESC])))
		e.description = v;
	if (x->col[EC_VENDOR] >= 0 && *(v = fl_csv_get(rec, x->col[EC_VENDOR])))
		e.vendor = v;
	if (x->col[EC_PRODUCT] >= 0 && *(v = fl_csv_get(rec, x->col[EC_PRODUCT])))
		e.product = v;
	e.line = rec->line + x->c.line_off;
	e.index = x->c.nrows++;
	if ((rc = x->fn(x->ctx, &e, d)) != FL_OK)
		x->c.own_diag = 1;
	return rc;
}

fl_err
fl_intel_parse_epss(const char *data, size_t len, const char *filename,
		    fl_epss_fn fn, void *ctx, struct fl_diag *d)
{
	struct epss x;
	size_t i = 0, start;
	fl_err rc;

	memset(&x, 0, sizeof x);
	x.c.data = data;
	x.c.len = len;
	x.c.filename = filename;
	x.c.d = d;
	x.fn = fn;
	x.ctx = ctx;
	if (len >= 3 && memcmp(data, bom, 3) == 0)
		i = 3;
	if (i < len && data[i] == '#') {
		unsigned long col = 2;
		size_t e;

		start = ++i;
		while (i < len && data[i] != '\n')
			i++;
		e = i;
		if (e > start && data[e - 1] == '\r')
			e--;
		if ((rc = epss_comment(&x, data + start, e - start, col)) != FL_OK)
			return rc;
		if (i < len)
			i++;
		x.c.line_off = 1;
		data += i;
		len -= i;
	}
	rc = fl_csv_parse(data, len, filename, ',', NULL, epss_row, &x, d);
	if (rc == FL_OK && x.c.h.n == 0)
		rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				 "not an EPSS file: no header line");
	return csv_done(&x.c, rc);
}
