/*
 * sigma_load: Sigma YAML (specification 2.1) into the rule model of
 * sigma.h, and rule sets that resolve references between documents.
 *
 * A file may hold several YAML documents: rules, correlation rules and
 * meta filters side by side.  Each document is checked whole: every field
 * modifier is known and fits its neighbours and its values (a regular
 * expression compiles with PCRE2, a CIDR is a network, a number is a
 * number), every condition parses and names only existing identifiers,
 * every placeholder of an |expand value has a value list.  A document that
 * fails is kept, marked refused, with FILE:LINE:COL and the reason; a file
 * that is not YAML is refused whole.  Nothing is skipped without a word.
 *
 * Refused on purpose: YAML aliases (a rule is small; aliases only invite
 * expansion bombs), Sigma 1 rule collections (action: global) and
 * aggregations in conditions (they are correlation rules now), placeholders
 * without a list (the specification says a tool that cannot resolve them
 * must reject the rule).  Wildcards and backslashes in values are kept as
 * written: fl_sigma_glob() turns them into parts for the matcher.
 */
#include "detect/sigma_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <libfyaml.h>
#include <pcre2.h>

void
fl_sigma_limits_default(struct fl_sigma_limits *l)
{
	l->max_file = (size_t)1 << 20;
	l->max_docs = 256;
	l->max_items = 65536;
	l->max_str = (size_t)64 << 10;
	l->max_depth = 16;
	l->max_cond = 4096;
	l->max_cond_depth = 64;
	l->max_expand = 4096;
	l->max_files = 100000;
	l->max_rules = 200000;
}

/* ---- arena ---------------------------------------------------------------- */

struct fl_sigma_ablock {
	struct fl_sigma_ablock *next;
	size_t used, size;
	max_align_t data[];
};

void
fl_sigma_arena_init(struct fl_sigma_arena *a, size_t max)
{
	a->head = NULL;
	a->total = 0;
	a->max = max;
}

void
fl_sigma_arena_release(struct fl_sigma_arena *a)
{
	struct fl_sigma_ablock *b, *n;

	for (b = a->head; b; b = n) {
		n = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

void *
fl_sigma_alloc(struct fl_sigma_arena *a, size_t n)
{
	struct fl_sigma_ablock *b = a->head;
	size_t al = sizeof(max_align_t), need, size;
	void *p;

	if (fl_size_add(n, al - 1, &need) != 0)
		return NULL;
	need -= need % al;
	if (need == 0)
		need = al;
	if (b == NULL || b->size - b->used < need) {
		size = need > 65536 ? need : 65536;
		if (a->total + size > a->max || a->total + size < a->total)
			return NULL;
		if ((b = malloc(sizeof *b + size)) == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += size;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

void *
fl_sigma_allocv(struct fl_sigma_arena *a, size_t n, size_t size)
{
	size_t t;

	if (fl_size_mul(n, size, &t) != 0)
		return NULL;
	return fl_sigma_alloc(a, t ? t : 1);
}

char *
fl_sigma_strndup(struct fl_sigma_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = fl_sigma_alloc(a, n + 1)) == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const mod_names[FL_SM_COUNT] = {
	"contains", "startswith", "endswith", "all", "exists", "cased", "neq",
	"windash", "re", "i", "m", "s", "base64", "base64offset", "utf16le",
	"utf16be", "utf16", "wide", "lt", "lte", "gt", "gte", "minute", "hour",
	"day", "week", "month", "year", "cidr", "expand", "fieldref"
};

const char *
fl_sigma_mod_name(enum fl_sigma_mod m)
{
	return (unsigned)m < FL_SM_COUNT ? mod_names[m] : "?";
}

const char *
fl_sigma_kind_name(enum fl_sigma_kind k)
{
	switch (k) {
	case FL_SIGMA_RULE:
		return "rule";
	case FL_SIGMA_CORRELATION:
		return "correlation";
	case FL_SIGMA_FILTER:
		return "filter";
	}
	return "?";
}

static const char *const corr_names[] = {
	"event_count", "value_count", "temporal", "temporal_ordered",
	"value_sum", "value_avg", "value_percentile"
};

const char *
fl_sigma_corr_type_name(enum fl_sigma_corr_type t)
{
	return (unsigned)t <= FL_SC_VALUE_PERCENTILE ? corr_names[t] : "?";
}

static const char *const cmp_names[FL_SC_NCMP] = {"gt", "gte", "lt", "lte",
						  "eq", "neq"};

const char *
fl_sigma_cmp_name(enum fl_sigma_cmp c)
{
	return (unsigned)c < FL_SC_NCMP ? cmp_names[c] : "?";
}

/* ---- wildcards and escapes ----------------------------------------------- */

fl_err
fl_sigma_glob(const char *s, size_t n, struct fl_buf *lit,
	      struct fl_sigma_part *parts, size_t maxparts, size_t *nparts)
{
	size_t i, np = 0;
	fl_err rc;

	*nparts = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		enum fl_sigma_part_kind k = FL_SP_LIT;

		if (c == '\\' && i + 1 < n &&
		    (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\'))
			c = s[++i];
		else if (c == '*')
			k = FL_SP_STAR;
		else if (c == '?')
			k = FL_SP_ONE;
		if (k == FL_SP_LIT && np > 0 && parts[np - 1].kind == FL_SP_LIT) {
			parts[np - 1].len++;
		} else {
			if (np == maxparts)
				return FL_E_LIMIT;
			parts[np].kind = k;
			parts[np].off = lit->len;
			parts[np].len = k == FL_SP_LIT;
			np++;
		}
		if (k == FL_SP_LIT && (rc = fl_buf_putc(lit, c)) != FL_OK)
			return rc;
	}
	*nparts = np;
	return FL_OK;
}

static int
has_wildcard(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\'))
			i++;
		else if (s[i] == '*' || s[i] == '?')
			return 1;
	}
	return 0;
}

/* ---- placeholder values --------------------------------------------------- */

struct var {
	char *name;
	char **val;
	size_t n, cap;
};
struct fl_sigma_vars {
	struct var *v;
	size_t n, cap;
};

struct fl_sigma_vars *
fl_sigma_vars_new(void)
{
	return calloc(1, sizeof(struct fl_sigma_vars));
}

void
fl_sigma_vars_free(struct fl_sigma_vars *v)
{
	size_t i, j;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		for (j = 0; j < v->v[i].n; j++)
			free(v->v[i].val[j]);
		free(v->v[i].val);
		free(v->v[i].name);
	}
	free(v->v);
	free(v);
}

static const struct var *
vars_find(const struct fl_sigma_vars *v, const char *name, size_t len)
{
	size_t i;

	for (i = 0; v && i < v->n; i++)
		if (strlen(v->v[i].name) == len &&
		    memcmp(v->v[i].name, name, len) == 0)
			return &v->v[i];
	return NULL;
}

fl_err
fl_sigma_vars_add(struct fl_sigma_vars *v, const char *name,
		  const char *value)
{
	struct var *e = NULL;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0)
			e = &v->v[i];
	if (e == NULL) {
		if (v->n == v->cap) {
			size_t nc = v->cap ? v->cap * 2 : 8;
			struct var *nv = realloc(v->v, nc * sizeof *nv);
			if (nv == NULL)
				return FL_E_NOMEM;
			v->v = nv;
			v->cap = nc;
		}
		e = &v->v[v->n];
		memset(e, 0, sizeof *e);
		if ((e->name = fl_strdup(name)) == NULL)
			return FL_E_NOMEM;
		v->n++;
	}
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 8;
		char **nv;

		if (nc > 1000000)
			return FL_E_LIMIT;
		if ((nv = realloc(e->val, nc * sizeof *nv)) == NULL)
			return FL_E_NOMEM;
		e->val = nv;
		e->cap = nc;
	}
	if ((e->val[e->n] = fl_strdup(value)) == NULL)
		return FL_E_NOMEM;
	e->n++;
	return FL_OK;
}

/* Messages quote rule text: control characters become '?'. */
static void
clean_msg(char *m)
{
	for (; *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			*m = '?';
}

/*
 * Offset of the first byte that is not valid UTF-8 (len when all is).
 * Sigma files are UTF-8, and libfyaml 0.7 can loop for ever on invalid
 * bytes in a directive line: they never reach it.
 */
static size_t
utf8_bad(const unsigned char *p, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		unsigned char c = p[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/* ---- YAML helpers ---------------------------------------------------------- */

static void
quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

/* A parser that collects its errors instead of printing them. */
static struct fy_parser *
yaml_open(const char *buf, size_t len, struct fy_diag **dgp)
{
	struct fy_diag_cfg dc;
	struct fy_parse_cfg pc;
	struct fy_diag *dg;
	struct fy_parser *p;

	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = quiet_output;
	dc.colorize = false;
	if ((dg = fy_diag_create(&dc)) == NULL)
		return NULL;
	fy_diag_set_collect_errors(dg, true);
	memset(&pc, 0, sizeof pc);
	pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
	pc.diag = dg;
	if ((p = fy_parser_create(&pc)) == NULL) {
		fy_diag_destroy(dg);
		return NULL;
	}
	if (fy_parser_set_string(p, buf, len) != 0) {
		fy_parser_destroy(p);
		fy_diag_destroy(dg);
		return NULL;
	}
	*dgp = dg;
	return p;
}

static void
yaml_close(struct fy_parser *p, struct fy_diag *dg)
{
	fy_parser_destroy(p);
	fy_diag_destroy(dg);
}

/*
 * Keep a position inside buf: libfyaml reports errors at the end of the
 * input one line past the last one.
 */
static void
clamp_pos(const char *buf, size_t len, unsigned long *line,
	  unsigned long *col)
{
	size_t i, start = 0, ll;
	unsigned long l = 1;

	/* YAML 1.2 line breaks: \n, \r\n and a lone \r */
	for (i = 0; i < len && l < *line; i++)
		if (buf[i] == '\n' ||
		    (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n'))) {
			l++;
			start = i + 1;
		}
	*line = l;
	for (ll = 0; start + ll < len && buf[start + ll] != '\n' &&
		     buf[start + ll] != '\r';
	     ll++)
		;
	if (*col < 1)
		*col = 1;
	if (*col > ll + 1)
		*col = ll + 1;
}

/* The first error the parser collected, as a position and a reason. */
static void
yaml_error(struct fy_diag *dg, const char *file, const char *buf, size_t len,
	   struct fl_diag *d)
{
	struct fy_diag_error *e;
	void *it = NULL;
	unsigned long line = 1, col = 1;
	const char *msg = "parse error";

	if ((e = fy_diag_errors_iterate(dg, &it)) != NULL) {
		line = e->line > 0 ? (unsigned long)e->line : 1;
		col = e->column > 0 ? (unsigned long)e->column : 1;
		if (e->msg)
			msg = e->msg;
	}
	clamp_pos(buf, len, &line, &col);
	fl_diag_set(d, FL_E_SYNTAX, file, line, col, "invalid YAML: %s", msg);
	clean_msg(d->msg);
}

/* 1-based position of a node: its token, or its first key or item. */
static void
node_pos(struct fy_node *n, unsigned long *line, unsigned long *col)
{
	const struct fy_mark *m = NULL;
	struct fy_token *t;
	void *it = NULL;
	int guard = 0;

	while (n != NULL && m == NULL && guard++ < 64) {
		if (fy_node_is_scalar(n)) {
			if ((t = fy_node_get_scalar_token(n)) != NULL)
				m = fy_token_start_mark(t);
			break;
		}
		it = NULL;
		if (fy_node_is_mapping(n)) {
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
			n = p ? fy_node_pair_key(p) : NULL;
		} else if (fy_node_is_sequence(n)) {
			n = fy_node_sequence_iterate(n, &it);
		} else {
			break;
		}
	}
	if (m) {
		*line = (unsigned long)m->line + 1;
		*col = (unsigned long)m->column + 1;
	}
}

/* ---- loading one document --------------------------------------------------- */

struct fl_sigma_set {
	struct fl_sigma_limits lim;
	const struct fl_sigma_vars *vars;
	struct fl_sigma_arena a;
	struct fl_sigma_rule **rule;
	size_t nrule, caprule;
	struct fl_sigma_refusal *ref;
	size_t nref, capref;
	struct fl_sigma_stats st;
	int resolved;
	/* the file being loaded: positions are kept inside it */
	const char *cur_buf;
	size_t cur_len;
};

/* Loading state of one document. */
struct ld {
	struct fl_sigma_set *s;
	struct fl_sigma_arena *a;
	const char *file;
	struct fl_sigma_rule *r;
	struct fy_node *root;
	unsigned long line, col; /* fallback position */
	fl_err rc;               /* FL_OK until the first refusal */
	struct fl_diag d;
};

static fl_err
refuse(struct ld *l, struct fy_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static fl_err
refuse(struct ld *l, struct fy_node *n, const char *fmt, ...)
{
	unsigned long line = l->line, col = l->col;
	va_list ap;

	if (l->rc != FL_OK)
		return l->rc;
	node_pos(n, &line, &col);
	l->rc = FL_E_SYNTAX;
	fl_strlcpy(l->d.file, l->file, sizeof l->d.file);
	l->d.line = line;
	l->d.col = col;
	va_start(ap, fmt);
	vsnprintf(l->d.msg, sizeof l->d.msg, fmt, ap);
	va_end(ap);
	clean_msg(l->d.msg);
	return l->rc;
}

static fl_err
refuse_at(struct ld *l, unsigned long line, unsigned long col,
	  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static fl_err
refuse_at(struct ld *l, unsigned long line, unsigned long col,
	  const char *fmt, ...)
{
	va_list ap;

	if (l->rc != FL_OK)
		return l->rc;
	l->rc = FL_E_SYNTAX;
	fl_strlcpy(l->d.file, l->file, sizeof l->d.file);
	l->d.line = line;
	l->d.col = col;
	va_start(ap, fmt);
	vsnprintf(l->d.msg, sizeof l->d.msg, fmt, ap);
	va_end(ap);
	clean_msg(l->d.msg);
	return l->rc;
}

static fl_err
nomem(struct ld *l)
{
	if (l->rc == FL_OK) {
		l->rc = FL_E_NOMEM;
		fl_diag_set(&l->d, FL_E_NOMEM, l->file, l->line, l->col,
			    "out of memory (or the rule set's memory cap)");
	}
	return l->rc;
}

/* Printable, bounded text of a key for messages. */
static const char *
shown(const char *s, size_t n, char *buf, size_t bufsz)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < bufsz && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < n && k + 3 < bufsz) {
		buf[k++] = '.';
		buf[k++] = '.';
		buf[k++] = '.';
	}
	buf[k] = '\0';
	return buf;
}

/* Scalar text of n (NULL when n is not a scalar). */
static const char *
scalar(struct ld *l, struct fy_node *n, size_t *len)
{
	const char *t;

	if (n == NULL || !fy_node_is_scalar(n) || fy_node_is_alias(n))
		return NULL;
	if ((t = fy_node_get_scalar(n, len)) == NULL) {
		*len = 0;
		return "";
	}
	if (*len > l->s->lim.max_str) {
		refuse(l, n, "value longer than %zu bytes", l->s->lim.max_str);
		return NULL;
	}
	return t;
}

static int
is_plain(struct fy_node *n)
{
	return fy_node_get_style(n) == FYNS_PLAIN;
}

static int
plain_null(const char *t, size_t n)
{
	return n == 0 || (n == 1 && t[0] == '~') ||
	       (n == 4 && (memcmp(t, "null", 4) == 0 ||
			   memcmp(t, "Null", 4) == 0 ||
			   memcmp(t, "NULL", 4) == 0));
}

static int
plain_bool(const char *t, size_t n, int *b)
{
	static const char *const yes[] = {"true", "True", "TRUE"};
	static const char *const no[] = {"false", "False", "FALSE"};
	size_t i;

	for (i = 0; i < 3; i++) {
		if (n == 4 && memcmp(t, yes[i], 4) == 0)
			return *b = 1, 1;
		if (n == 5 && memcmp(t, no[i], 5) == 0)
			return *b = 0, 1;
	}
	return 0;
}

/* YAML 1.2 core schema numbers; 0 and the value, or -1. */
static int
parse_number(const char *t, size_t n, double *out, int *is_int)
{
	char buf[64], *end;
	size_t i = 0;
	int digits = 0;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'o')) {
		int base = buf[1] == 'x' ? 16 : 8;
		unsigned long long v;

		for (i = 2; i < n; i++)
			if (base == 16 ? !isxdigit((unsigned char)buf[i])
				       : (buf[i] < '0' || buf[i] > '7'))
				return -1;
		errno = 0;
		v = strtoull(buf + 2, &end, base);
		if (errno || *end)
			return -1;
		*out = (double)v;
		*is_int = 1;
		return 0;
	}
	if (buf[i] == '-' || buf[i] == '+')
		i++;
	for (; i < n && isdigit((unsigned char)buf[i]); i++)
		digits++;
	if (i == n && digits > 0) {
		errno = 0;
		*out = strtod(buf, &end);
		*is_int = 1;
		return errno == ERANGE || *end ? -1 : 0;
	}
	/* floats: digits, '.', digits, exponent; no inf/nan in rules */
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)buf[i]) && !strchr("+-.eE", buf[i]))
			return -1;
	if (!digits && !(buf[0] == '.' || (n > 1 && buf[1] == '.')))
		return -1;
	errno = 0;
	*out = strtod(buf, &end);
	if (errno == ERANGE || *end || !isfinite(*out))
		return -1;
	*is_int = 0;
	return 0;
}

static struct fy_node *
map_get(struct fy_node *map, const char *key)
{
	struct fy_node_pair *p;
	void *it = NULL;
	size_t kl, n = strlen(key);
	const char *k;

	if (map == NULL || !fy_node_is_mapping(map))
		return NULL;
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(p);

		if (kn == NULL || !fy_node_is_scalar(kn))
			continue;
		if ((k = fy_node_get_scalar(kn, &kl)) != NULL && kl == n &&
		    memcmp(k, key, n) == 0)
			return fy_node_pair_value(p);
	}
	return NULL;
}

/* The key node of key in map (for positions), or map itself. */
static struct fy_node *
map_key(struct fy_node *map, const char *key)
{
	struct fy_node_pair *p;
	void *it = NULL;
	size_t kl, n = strlen(key);
	const char *k;

	if (map == NULL || !fy_node_is_mapping(map))
		return map;
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(p);

		if (kn && fy_node_is_scalar(kn) &&
		    (k = fy_node_get_scalar(kn, &kl)) != NULL && kl == n &&
		    memcmp(k, key, n) == 0)
			return kn;
	}
	return map;
}

/* Node n whose scalar text is copied into the arena (NULL: absent). */
static const char *
get_str(struct ld *l, struct fy_node *map, const char *key, int required)
{
	struct fy_node *n = map_get(map, key);
	const char *t;
	char *c;
	size_t len;

	if (n == NULL) {
		if (required)
			refuse(l, map, "'%s' is mandatory", key);
		return NULL;
	}
	if ((t = scalar(l, n, &len)) == NULL) {
		refuse(l, n, "'%s' must be a single value", key);
		return NULL;
	}
	if (is_plain(n) && plain_null(t, len)) {
		if (required)
			refuse(l, n, "'%s' is empty", key);
		return NULL;
	}
	if ((c = fl_sigma_strndup(l->a, t, len)) == NULL)
		nomem(l);
	return c;
}

/* A list of scalars, or one scalar, into strs. */
static void
get_strs(struct ld *l, struct fy_node *map, const char *key,
	 struct fl_sigma_strs *out)
{
	struct fy_node *n = map_get(map, key), *it_n;
	void *it = NULL;
	const char *t;
	size_t len, cnt;

	out->v = NULL;
	out->n = 0;
	if (n == NULL || l->rc != FL_OK)
		return;
	if (fy_node_is_scalar(n)) {
		if ((t = scalar(l, n, &len)) == NULL)
			return;
		if (is_plain(n) && plain_null(t, len))
			return;
		if ((out->v = fl_sigma_allocv(l->a, 1, sizeof *out->v)) ==
			    NULL ||
		    (out->v[0] = fl_sigma_strndup(l->a, t, len)) == NULL) {
			nomem(l);
			return;
		}
		out->n = 1;
		return;
	}
	if (!fy_node_is_sequence(n)) {
		refuse(l, n, "'%s' must be a list of values", key);
		return;
	}
	cnt = (size_t)fy_node_sequence_item_count(n);
	if (cnt > l->s->lim.max_items) {
		refuse(l, n, "'%s' has more than %zu entries", key,
		       l->s->lim.max_items);
		return;
	}
	if ((out->v = fl_sigma_allocv(l->a, cnt, sizeof *out->v)) == NULL) {
		nomem(l);
		return;
	}
	while ((it_n = fy_node_sequence_iterate(n, &it)) != NULL) {
		if ((t = scalar(l, it_n, &len)) == NULL) {
			refuse(l, it_n, "entries of '%s' must be single values",
			       key);
			return;
		}
		if ((out->v[out->n] = fl_sigma_strndup(l->a, t, len)) == NULL) {
			nomem(l);
			return;
		}
		out->n++;
	}
}

/* Refuse aliases and nesting beyond the limit anywhere in the document. */
static void
check_tree(struct ld *l, struct fy_node *n, unsigned depth)
{
	struct fy_node_pair *p;
	struct fy_node *k;
	void *it = NULL;

	if (n == NULL || l->rc != FL_OK)
		return;
	if (depth > l->s->lim.max_depth) {
		refuse(l, n, "nested deeper than %u levels",
		       l->s->lim.max_depth);
		return;
	}
	if (fy_node_is_alias(n)) {
		refuse(l, n, "YAML aliases are not accepted in rules");
		return;
	}
	if (fy_node_is_mapping(n)) {
		if ((size_t)fy_node_mapping_item_count(n) > l->s->lim.max_items) {
			refuse(l, n, "a map with more than %zu entries",
			       l->s->lim.max_items);
			return;
		}
		while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
			k = fy_node_pair_key(p);
			if (k != NULL && !fy_node_is_scalar(k)) {
				refuse(l, k, "a map key must be a single value");
				return;
			}
			if (k != NULL)
				check_tree(l, k, depth + 1);
			check_tree(l, fy_node_pair_value(p), depth + 1);
		}
	} else if (fy_node_is_sequence(n)) {
		if ((size_t)fy_node_sequence_item_count(n) > l->s->lim.max_items) {
			refuse(l, n, "a list with more than %zu entries",
			       l->s->lim.max_items);
			return;
		}
		while ((k = fy_node_sequence_iterate(n, &it)) != NULL)
			check_tree(l, k, depth + 1);
	}
}

/* ---- field conditions ---------------------------------------------------------- */

static int
mod_lookup(const char *s, size_t n)
{
	int i;

	for (i = 0; i < FL_SM_COUNT; i++)
		if (strlen(mod_names[i]) == n && memcmp(mod_names[i], s, n) == 0)
			return i;
	return -1;
}

#define MB(m) FL_SM_BIT(FL_SM_##m)
#define M_MATCH (MB(CONTAINS) | MB(STARTSWITH) | MB(ENDSWITH))
#define M_UTF (MB(UTF16LE) | MB(UTF16BE) | MB(UTF16) | MB(WIDE))
#define M_B64 (MB(BASE64) | MB(BASE64OFFSET))
#define M_REFL (MB(RE_I) | MB(RE_M) | MB(RE_S))
#define M_CMP (MB(LT) | MB(LTE) | MB(GT) | MB(GTE))
#define M_TIME (MB(MINUTE) | MB(HOUR) | MB(DAY) | MB(WEEK) | MB(MONTH) | \
		MB(YEAR))
/* modifiers of plain string matching, which combine with one another */
#define M_STRING (M_MATCH | M_UTF | M_B64 | MB(ALL) | MB(CASED) | \
		  MB(NEQ) | MB(WINDASH) | MB(EXPAND))

static int
popcount(unsigned v)
{
	return __builtin_popcount(v);
}

/* Index in f->mod of the first modifier of mask, or -1. */
static int
first_of(const struct fl_sigma_fcond *f, unsigned mask)
{
	unsigned i;

	for (i = 0; i < f->nmod; i++)
		if (mask & FL_SM_BIT(f->mod[i]))
			return (int)i;
	return -1;
}

static int
last_of(const struct fl_sigma_fcond *f, unsigned mask)
{
	int i;

	for (i = (int)f->nmod - 1; i >= 0; i--)
		if (mask & FL_SM_BIT(f->mod[i]))
			return i;
	return -1;
}

/* Name of the first modifier of f in mask. */
static const char *
name_of(const struct fl_sigma_fcond *f, unsigned mask)
{
	int i = first_of(f, mask);

	return i < 0 ? "?" : mod_names[f->mod[i]];
}

/* Whether the modifiers fit together; refuses with the reason. */
static fl_err
check_mods(struct ld *l, struct fy_node *key, const struct fl_sigma_fcond *f)
{
	unsigned m = f->mods, other;
	static const struct {
		unsigned mask;
		const char *what;
	} one[] = {
		{M_MATCH, "contains, startswith and endswith"},
		{M_UTF, "utf16le, utf16be, utf16 and wide"},
		{M_B64, "base64 and base64offset"},
		{M_CMP, "lt, lte, gt and gte"},
		{M_TIME, "minute, hour, day, week, month and year"},
	};
	size_t i;

	for (i = 0; i < sizeof one / sizeof one[0]; i++)
		if (popcount(m & one[i].mask) > 1)
			return refuse(l, key, "only one of %s may be given",
				      one[i].what);
	if (m & MB(EXISTS)) {
		if (m != MB(EXISTS))
			return refuse(l, key,
				      "'exists' cannot be combined with '%s'",
				      name_of(f, m & ~MB(EXISTS)));
		return FL_OK;
	}
	if (m & M_REFL) {
		if (!(m & MB(RE)))
			return refuse(l, key,
				      "'%s' is a sub-modifier of 're' and "
				      "needs it", name_of(f, m & M_REFL));
		if (first_of(f, M_REFL) < first_of(f, MB(RE)))
			return refuse(l, key, "'%s' must follow 're'",
				      name_of(f, m & M_REFL));
	}
	if (m & MB(RE)) {
		other = m & ~(MB(RE) | M_REFL | MB(ALL));
		if (other)
			return refuse(l, key, "'re' cannot be combined with '%s'",
				      name_of(f, other));
		return FL_OK;
	}
	if (m & MB(CIDR)) {
		other = m & ~(MB(CIDR) | MB(NEQ) | MB(EXPAND));
		if (other)
			return refuse(l, key,
				      "'cidr' cannot be combined with '%s'",
				      name_of(f, other));
		return FL_OK;
	}
	if (m & (M_CMP | M_TIME)) {
		other = m & ~(M_CMP | M_TIME | MB(NEQ));
		if (other)
			return refuse(l, key, "'%s' cannot be combined with '%s'",
				      name_of(f, m & (M_CMP | M_TIME)),
				      name_of(f, other));
		if ((m & MB(NEQ)) && (m & M_CMP))
			return refuse(l, key, "'neq' cannot be combined with "
					      "'%s'", name_of(f, m & M_CMP));
		if ((m & M_TIME) && (m & M_CMP) &&
		    first_of(f, M_CMP) < first_of(f, M_TIME))
			return refuse(l, key, "'%s' must come before '%s'",
				      name_of(f, m & M_TIME),
				      name_of(f, m & M_CMP));
		return FL_OK;
	}
	if (m & MB(FIELDREF)) {
		other = m & ~(MB(FIELDREF) | M_MATCH | MB(NEQ) | MB(CASED));
		if (other)
			return refuse(l, key,
				      "'fieldref' cannot be combined with '%s'",
				      name_of(f, other));
		return FL_OK;
	}
	/* string matching: encodings in order, wildcards added after them */
	if ((m & M_UTF) && (m & M_B64) &&
	    first_of(f, M_UTF) > first_of(f, M_B64))
		return refuse(l, key, "'%s' must come before '%s'",
			      name_of(f, m & M_UTF), name_of(f, m & M_B64));
	if ((m & M_MATCH) && (m & (M_UTF | M_B64)) &&
	    first_of(f, M_MATCH) < last_of(f, M_UTF | M_B64))
		return refuse(l, key,
			      "'%s' before '%s' would encode its wildcards: "
			      "write it after the encoding",
			      name_of(f, m & M_MATCH),
			      mod_names[f->mod[last_of(f, M_UTF | M_B64)]]);
	if ((m & MB(WINDASH)) && (m & (M_UTF | M_B64)) &&
	    first_of(f, MB(WINDASH)) > first_of(f, M_UTF | M_B64))
		return refuse(l, key, "'windash' must come before '%s'",
			      name_of(f, m & (M_UTF | M_B64)));
	if ((m & MB(CASED)) && (m & M_B64))
		return refuse(l, key, "'cased' has no meaning with '%s' "
				      "(encoded values are matched exactly)",
			      name_of(f, m & M_B64));
	if (m & ~M_STRING)
		return refuse(l, key, "modifier '%s' cannot be used here",
			      name_of(f, m & ~M_STRING));
	return FL_OK;
}

static int
parse_cidr(const char *s, size_t n, struct fl_sigma_value *v)
{
	char buf[64], *slash;
	long pre = -1;
	int six;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (fl_parse_long(slash + 1, 0, 128, &pre) != 0 ||
		    !isdigit((unsigned char)slash[1]))
			return -1;
	}
	six = strchr(buf, ':') != NULL;
	if (inet_pton(six ? AF_INET6 : AF_INET, buf, v->ip) != 1)
		return -1;
	if (pre < 0)
		pre = six ? 128 : 32;
	if (!six && pre > 32)
		return -1;
	v->ipv6 = six;
	v->prefix = (int)pre;
	return 0;
}

static const struct {
	enum fl_sigma_mod m;
	int lo, hi;
} time_range[] = {
	{FL_SM_MINUTE, 0, 59}, {FL_SM_HOUR, 0, 23}, {FL_SM_DAY, 1, 31},
	{FL_SM_WEEK, 1, 53},   {FL_SM_MONTH, 1, 12}, {FL_SM_YEAR, 0, 9999},
};

/* Check one value against the modifiers; converts where the type says. */
static fl_err
check_value(struct ld *l, struct fy_node *vn, struct fl_sigma_fcond *f,
	    struct fl_sigma_value *v)
{
	unsigned m = f->mods;
	char kb[80];

	if (v->type == FL_SV_NULL) {
		if (m & ~MB(NEQ))
			return refuse(l, vn, "null cannot take modifier '%s'",
				      name_of(f, m & ~MB(NEQ)));
		return FL_OK;
	}
	if (m & MB(EXISTS)) {
		if (v->type != FL_SV_BOOL)
			return refuse(l, vn, "'exists' takes true or false");
		return FL_OK;
	}
	if (v->type == FL_SV_BOOL) {
		if (m & ~MB(NEQ))
			return refuse(l, vn, "true/false cannot take modifier "
					     "'%s' (quote it to match text)",
				      name_of(f, m & ~MB(NEQ)));
		return FL_OK;
	}
	if (m & (M_CMP | M_TIME)) {
		int is_int;

		if (v->type != FL_SV_NUMBER &&
		    parse_number(v->s, v->len, &v->num, &is_int) != 0)
			return refuse(l, vn, "'%s' takes a number, not '%s'",
				      name_of(f, m & (M_CMP | M_TIME)),
				      shown(v->s, v->len, kb, sizeof kb));
		if (v->type != FL_SV_NUMBER)
			v->is_int = is_int;
		v->type = FL_SV_NUMBER;
		if (m & M_TIME) {
			size_t i;
			int k = first_of(f, M_TIME);

			for (i = 0; i < sizeof time_range / sizeof time_range[0];
			     i++)
				if (time_range[i].m == f->mod[k] &&
				    (!v->is_int || v->num < time_range[i].lo ||
				     v->num > time_range[i].hi))
					return refuse(l, vn,
						      "'%s' takes a whole number "
						      "from %d to %d",
						      mod_names[f->mod[k]],
						      time_range[i].lo,
						      time_range[i].hi);
		}
		return FL_OK;
	}
	/* everything else matches text: numbers are their spelling */
	if (v->type == FL_SV_NUMBER && (m & ~MB(NEQ)))
		v->type = FL_SV_STRING;
	if (m & MB(CIDR)) {
		if (parse_cidr(v->s, v->len, v) != 0)
			return refuse(l, vn, "'%s' is not an IPv4 or IPv6 "
					     "network (address/prefix)",
				      shown(v->s, v->len, kb, sizeof kb));
		v->type = FL_SV_CIDR;
		return FL_OK;
	}
	if (m & MB(RE)) {
		uint32_t opt = PCRE2_UTF;
		PCRE2_SIZE off;
		int ec;
		pcre2_code *re;

		if (m & MB(RE_I))
			opt |= PCRE2_CASELESS;
		if (m & MB(RE_M))
			opt |= PCRE2_MULTILINE;
		if (m & MB(RE_S))
			opt |= PCRE2_DOTALL;
		re = pcre2_compile((PCRE2_SPTR)v->s, v->len, opt, &ec, &off,
				   NULL);
		if (re == NULL) {
			PCRE2_UCHAR msg[160];

			pcre2_get_error_message(ec, msg, sizeof msg);
			return refuse(l, vn,
				      "regular expression does not compile at "
				      "offset %zu: %s", (size_t)off,
				      (const char *)msg);
		}
		pcre2_code_free(re);
		v->type = v->len ? FL_SV_STRING : FL_SV_EMPTY;
		return FL_OK;
	}
	if (m & MB(FIELDREF)) {
		if (v->len == 0)
			return refuse(l, vn, "'fieldref' takes a field name");
		v->type = FL_SV_STRING;
		return FL_OK;
	}
	if (v->type == FL_SV_STRING)
		v->wildcard = has_wildcard(v->s, v->len);
	return FL_OK;
}

/* A scalar as a typed value. */
static fl_err
read_value(struct ld *l, struct fy_node *n, struct fl_sigma_value *v)
{
	const char *t;
	size_t len;

	if ((t = scalar(l, n, &len)) == NULL)
		return refuse(l, n, "a value must be a single value or a list "
				    "of them");
	node_pos(n, &v->line, &v->col);
	if ((v->s = fl_sigma_strndup(l->a, t, len)) == NULL)
		return nomem(l);
	v->len = len;
	v->type = len ? FL_SV_STRING : FL_SV_EMPTY;
	if (is_plain(n)) {
		if (plain_null(t, len))
			v->type = FL_SV_NULL;
		else if (plain_bool(t, len, &v->boolean))
			v->type = FL_SV_BOOL;
		else if (parse_number(t, len, &v->num, &v->is_int) == 0)
			v->type = FL_SV_NUMBER;
	}
	return FL_OK;
}

/*
 * |expand: replace each %name% (not after a backslash) by every value of
 * its list, the cartesian product for several; "\%" is a plain "%".
 */
static fl_err
expand_value(struct ld *l, struct fy_node *vn, const struct fl_sigma_value *in,
	     struct fl_sigma_value **out, size_t *nout, size_t *cap)
{
	const struct var *slot[16];
	size_t nslot = 0, i, j, total = 1, idx[16];
	struct fl_buf b;
	char kb[80];
	fl_err rc = FL_OK;

	/* find placeholders */
	for (i = 0; i < in->len; i++) {
		if (in->s[i] == '\\' && i + 1 < in->len && in->s[i + 1] == '%') {
			i++;
			continue;
		}
		if (in->s[i] != '%')
			continue;
		for (j = i + 1; j < in->len && in->s[j] != '%'; j++)
			;
		if (j == in->len || j == i + 1)
			break;
		if (nslot == sizeof slot / sizeof slot[0])
			return refuse(l, vn, "more than 16 placeholders in one "
					     "value");
		slot[nslot] = vars_find(l->s->vars, in->s + i + 1, j - i - 1);
		if (slot[nslot] == NULL || slot[nslot]->n == 0)
			return refuse(l, vn,
				      "placeholder %%%s%% has no value list "
				      "(give one with --placeholders)",
				      shown(in->s + i + 1, j - i - 1, kb,
					    sizeof kb));
		if (fl_size_mul(total, slot[nslot]->n, &total) != 0 ||
		    total > l->s->lim.max_expand)
			return refuse(l, vn, "placeholders expand to more than "
					     "%zu values", l->s->lim.max_expand);
		nslot++;
		i = j;
	}
	if (*nout + total > l->s->lim.max_expand)
		return refuse(l, vn, "placeholders expand to more than %zu "
				     "values", l->s->lim.max_expand);
	if (*nout + total > *cap) {
		size_t nc = (*nout + total) * 2;
		struct fl_sigma_value *nv = fl_sigma_allocv(l->a, nc, sizeof *nv);

		if (nv == NULL)
			return nomem(l);
		if (*nout)
			memcpy(nv, *out, *nout * sizeof *nv);
		*out = nv;
		*cap = nc;
	}
	memset(idx, 0, sizeof idx);
	fl_buf_init(&b, l->s->lim.max_str * 4);
	for (;;) {
		size_t k = 0;
		struct fl_sigma_value *v;

		fl_buf_reset(&b);
		for (i = 0; i < in->len && rc == FL_OK; i++) {
			if (in->s[i] == '\\' && i + 1 < in->len &&
			    in->s[i + 1] == '%') {
				rc = fl_buf_putc(&b, '%');
				i++;
				continue;
			}
			if (in->s[i] == '%' && k < nslot) {
				for (j = i + 1; in->s[j] != '%'; j++)
					;
				rc = fl_buf_puts(&b, slot[k]->val[idx[k]]);
				k++;
				i = j;
				continue;
			}
			rc = fl_buf_putc(&b, in->s[i]);
		}
		if (rc != FL_OK) {
			fl_buf_release(&b);
			return rc == FL_E_NOMEM ? nomem(l)
						: refuse(l, vn, "expanded value "
								"too long");
		}
		v = &(*out)[(*nout)++];
		*v = *in;
		if ((v->s = fl_sigma_strndup(l->a, fl_buf_str(&b), b.len)) ==
		    NULL) {
			fl_buf_release(&b);
			return nomem(l);
		}
		v->len = b.len;
		v->type = b.len ? FL_SV_STRING : FL_SV_EMPTY;
		/* odometer over the lists */
		for (k = nslot; k > 0; k--) {
			if (++idx[k - 1] < slot[k - 1]->n)
				break;
			idx[k - 1] = 0;
		}
		if (k == 0)
			break;
	}
	fl_buf_release(&b);
	return FL_OK;
}

/* "field|mod|mod" and its value(s) into f. */
static fl_err
read_fcond(struct ld *l, struct fy_node *key, const char *k, size_t klen,
	   struct fy_node *val, struct fl_sigma_fcond *f)
{
	const char *bar = memchr(k, '|', klen), *p, *e;
	struct fl_sigma_value *vals = NULL;
	struct fy_node *it_n;
	void *it = NULL;
	size_t cnt, i, flen = bar ? (size_t)(bar - k) : klen;
	char kb[80];

	node_pos(key, &f->line, &f->col);
	if (flen > 0 && (f->field = fl_sigma_strndup(l->a, k, flen)) == NULL)
		return nomem(l);
	if (memchr(k, '\0', klen))
		return refuse(l, key, "NUL byte in a field name");
	for (p = bar; p != NULL && p < k + klen; p = e) {
		int m;

		p++;
		e = memchr(p, '|', (size_t)(k + klen - p));
		if (e == NULL)
			e = k + klen;
		if (e == p)
			return refuse(l, key, "empty modifier in '%s'",
				      shown(k, klen, kb, sizeof kb));
		if ((m = mod_lookup(p, (size_t)(e - p))) < 0)
			return refuse(l, key, "unknown modifier '%s'",
				      shown(p, (size_t)(e - p), kb, sizeof kb));
		if (f->mods & FL_SM_BIT(m))
			return refuse(l, key, "modifier '%s' given twice",
				      mod_names[m]);
		if (f->nmod == FL_SIGMA_MAX_MODS)
			return refuse(l, key, "more than %d modifiers",
				      FL_SIGMA_MAX_MODS);
		f->mod[f->nmod++] = (enum fl_sigma_mod)m;
		f->mods |= FL_SM_BIT(m);
		if (e == k + klen)
			break;
	}
	if (check_mods(l, key, f) != FL_OK)
		return l->rc;
	if (f->field == NULL && (f->mods & (MB(EXISTS) | MB(FIELDREF) |
					    M_CMP | M_TIME | MB(CIDR))))
		return refuse(l, key, "'%s' needs a field name",
			      name_of(f, f->mods & (MB(EXISTS) | MB(FIELDREF) |
						    M_CMP | M_TIME |
						    MB(CIDR))));
	/* values */
	if (val == NULL || fy_node_is_scalar(val)) {
		cnt = 1;
	} else if (fy_node_is_sequence(val)) {
		cnt = (size_t)fy_node_sequence_item_count(val);
		if (cnt == 0)
			return refuse(l, key, "empty list of values");
	} else {
		return refuse(l, val, "the value of '%s' must be a single "
				      "value or a list of them",
			      shown(k, klen, kb, sizeof kb));
	}
	if ((vals = fl_sigma_allocv(l->a, cnt, sizeof *vals)) == NULL)
		return nomem(l);
	if (val == NULL) {
		vals[0].type = FL_SV_NULL;
		vals[0].s = "";
		vals[0].line = f->line;
		vals[0].col = f->col;
		f->nval = 1;
	} else if (fy_node_is_scalar(val)) {
		if (read_value(l, val, &vals[0]) != FL_OK)
			return l->rc;
		f->nval = 1;
	} else {
		while ((it_n = fy_node_sequence_iterate(val, &it)) != NULL) {
			if (!fy_node_is_scalar(it_n))
				return refuse(l, it_n, "a list of values may "
						       "hold only single values");
			if (read_value(l, it_n, &vals[f->nval]) != FL_OK)
				return l->rc;
			f->nval++;
		}
	}
	if ((f->mods & MB(ALL)) && f->nval < 2)
		return refuse(l, key, "'all' needs a list of two or more values");
	if ((f->mods & MB(EXISTS)) && f->nval != 1)
		return refuse(l, key, "'exists' takes one value");
	if (f->mods & MB(EXPAND)) {
		struct fl_sigma_value *ex = NULL;
		size_t nex = 0, excap = 0;

		for (i = 0; i < f->nval; i++) {
			if (vals[i].type != FL_SV_STRING)
				return refuse_at(l, vals[i].line, vals[i].col,
						 "'expand' takes text with "
						 "%%placeholders%%");
			if (expand_value(l, val, &vals[i], &ex, &nex, &excap) !=
			    FL_OK)
				return l->rc;
		}
		vals = ex;
		f->nval = nex;
	}
	for (i = 0; i < f->nval; i++)
		if (check_value(l, val ? val : key, f, &vals[i]) != FL_OK)
			return l->rc;
	f->val = vals;
	return FL_OK;
}

/* ---- search identifiers and conditions -------------------------------------- */

static fl_err
read_group(struct ld *l, struct fy_node *kn, struct fy_node *map,
	   struct fl_sigma_group *g)
{
	struct fy_node_pair *p;
	void *it = NULL;
	size_t cnt = (size_t)fy_node_mapping_item_count(map), klen;
	const char *k;

	if (cnt == 0)
		return refuse(l, kn, "empty map in a search identifier");
	if ((g->cond = fl_sigma_allocv(l->a, cnt, sizeof *g->cond)) == NULL)
		return nomem(l);
	while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *fk = fy_node_pair_key(p);

		if ((k = scalar(l, fk, &klen)) == NULL)
			return refuse(l, fk ? fk : map, "a field name must be "
							 "text");
		if (read_fcond(l, fk, k, klen, fy_node_pair_value(p),
			       &g->cond[g->ncond]) != FL_OK)
			return l->rc;
		g->ncond++;
	}
	return FL_OK;
}

static fl_err
read_search(struct ld *l, struct fy_node *kn, const char *name, size_t nlen,
	    struct fy_node *v, struct fl_sigma_search *se)
{
	struct fy_node *it_n;
	void *it = NULL;
	size_t cnt, maps = 0, scalars = 0;

	/* any name is an identifier: one that a condition cannot spell
	 * (SigmaHQ has "select_x|endswith") is still reached by patterns */
	node_pos(kn, &se->line, &se->col);
	if (nlen == 0 || memchr(name, '\0', nlen))
		return refuse(l, kn, "a search identifier needs a name");
	if ((se->name = fl_sigma_strndup(l->a, name, nlen)) == NULL)
		return nomem(l);
	if (v == NULL || (fy_node_is_scalar(v) && is_plain(v) &&
			  fy_node_get_scalar_length(v) == 0))
		return refuse(l, kn, "search identifier '%s' is empty",
			      se->name);
	if (fy_node_is_mapping(v)) {
		if ((se->group = fl_sigma_allocv(l->a, 1, sizeof *se->group)) ==
		    NULL)
			return nomem(l);
		se->ngroup = 1;
		return read_group(l, kn, v, &se->group[0]);
	}
	if (fy_node_is_scalar(v)) {
		/* one keyword */
		if ((se->group = fl_sigma_allocv(l->a, 1, sizeof *se->group)) ==
			    NULL ||
		    (se->group[0].cond = fl_sigma_allocv(l->a, 1,
							 sizeof(struct
								fl_sigma_fcond))) ==
			    NULL)
			return nomem(l);
		se->ngroup = 1;
		se->group[0].ncond = 1;
		return read_fcond(l, kn, "", 0, v, &se->group[0].cond[0]);
	}
	cnt = (size_t)fy_node_sequence_item_count(v);
	if (cnt == 0)
		return refuse(l, kn, "search identifier '%s' is an empty list",
			      se->name);
	while ((it_n = fy_node_sequence_iterate(v, &it)) != NULL) {
		if (fy_node_is_mapping(it_n))
			maps++;
		else if (fy_node_is_scalar(it_n))
			scalars++;
		else
			return refuse(l, it_n, "a search identifier's list "
					       "holds maps or values, not lists");
	}
	if (maps && scalars)
		return refuse(l, v, "search identifier '%s' mixes maps and "
				    "plain values in one list", se->name);
	if (scalars) {
		/* keywords: field-less values, OR'ed */
		if ((se->group = fl_sigma_allocv(l->a, 1, sizeof *se->group)) ==
			    NULL ||
		    (se->group[0].cond = fl_sigma_allocv(l->a, 1,
							 sizeof(struct
								fl_sigma_fcond))) ==
			    NULL)
			return nomem(l);
		se->ngroup = 1;
		se->group[0].ncond = 1;
		return read_fcond(l, kn, "", 0, v, &se->group[0].cond[0]);
	}
	if ((se->group = fl_sigma_allocv(l->a, cnt, sizeof *se->group)) == NULL)
		return nomem(l);
	it = NULL;
	while ((it_n = fy_node_sequence_iterate(v, &it)) != NULL) {
		if (read_group(l, kn, it_n, &se->group[se->ngroup]) != FL_OK)
			return l->rc;
		se->ngroup++;
	}
	return FL_OK;
}

/* One condition string: parse, or refuse at the column inside it. */
static fl_err
read_cond(struct ld *l, struct fy_node *cn, const char *const *ids,
	  size_t nids, struct fl_sigma_node **out)
{
	unsigned long line = l->line, col = l->col, ecol;
	const char *t;
	size_t len;
	char msg[300];
	fl_err rc;

	if ((t = scalar(l, cn, &len)) == NULL)
		return refuse(l, cn, "a condition must be text");
	node_pos(cn, &line, &col);
	rc = fl_sigma_cond_build(l->a, t, len, ids, nids, l->s->lim.max_cond,
				 l->s->lim.max_cond_depth, out, &ecol, msg,
				 sizeof msg);
	if (rc == FL_E_NOMEM)
		return nomem(l);
	if (rc != FL_OK) {
		/* the token's mark is where the text starts (inside quotes);
		 * a condition over several lines is reported at its start */
		int oneline = memchr(t, '\n', len) == NULL &&
			      fy_node_get_style(cn) != FYNS_DOUBLE_QUOTED;

		return refuse_at(l, line, oneline ? col + ecol - 1 : col,
				 "condition, column %lu: %s", ecol, msg);
	}
	return FL_OK;
}

/* The search identifiers of a detection (or filter) map, and its
 * condition(s).  skip names keys that are not identifiers. */
static fl_err
read_detection(struct ld *l, struct fy_node *det, const char *const *skip)
{
	struct fl_sigma_rule *r = l->r;
	struct fy_node_pair *p;
	struct fy_node *cn = NULL, *it_n;
	void *it = NULL;
	const char **ids;
	size_t cnt, klen, i;
	const char *k;

	if (det == NULL || !fy_node_is_mapping(det))
		return refuse(l, det ? det : l->root,
			      r->kind == FL_SIGMA_FILTER
				      ? "'filter' must be a map"
				      : "'detection' must be a map");
	cnt = (size_t)fy_node_mapping_item_count(det);
	if ((r->search = fl_sigma_allocv(l->a, cnt, sizeof *r->search)) == NULL)
		return nomem(l);
	while ((p = fy_node_mapping_iterate(det, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(p);
		int skipped = 0;

		if ((k = scalar(l, kn, &klen)) == NULL)
			return refuse(l, det, "a search identifier must be "
					      "text");
		if (klen == 9 && memcmp(k, "condition", 9) == 0) {
			cn = fy_node_pair_value(p);
			continue;
		}
		for (i = 0; skip && skip[i]; i++)
			if (strlen(skip[i]) == klen &&
			    memcmp(skip[i], k, klen) == 0)
				skipped = 1;
		if (skipped)
			continue;
		if (read_search(l, kn, k, klen, fy_node_pair_value(p),
				&r->search[r->nsearch]) != FL_OK)
			return l->rc;
		r->nsearch++;
	}
	if (cn == NULL)
		return refuse(l, det, "'condition' is missing");
	if (r->nsearch == 0)
		return refuse(l, det, "no search identifier");
	if ((ids = fl_sigma_allocv(l->a, r->nsearch, sizeof *ids)) == NULL)
		return nomem(l);
	for (i = 0; i < r->nsearch; i++)
		ids[i] = r->search[i].name;
	if (fy_node_is_sequence(cn)) {
		cnt = (size_t)fy_node_sequence_item_count(cn);
		if (cnt == 0)
			return refuse(l, map_key(det, "condition"),
				      "empty list of conditions");
		if ((r->cond = fl_sigma_allocv(l->a, cnt, sizeof *r->cond)) ==
		    NULL)
			return nomem(l);
		it = NULL;
		while ((it_n = fy_node_sequence_iterate(cn, &it)) != NULL) {
			if (read_cond(l, it_n, ids, r->nsearch,
				      &r->cond[r->ncond]) != FL_OK)
				return l->rc;
			r->ncond++;
		}
		return FL_OK;
	}
	if ((r->cond = fl_sigma_allocv(l->a, 1, sizeof *r->cond)) == NULL)
		return nomem(l);
	if (read_cond(l, cn, ids, r->nsearch, &r->cond[0]) != FL_OK)
		return l->rc;
	r->ncond = 1;
	return FL_OK;
}

/* ---- correlations and filters ------------------------------------------------ */

static fl_err
read_refs(struct ld *l, struct fy_node *map, const char *what,
	  struct fl_sigma_ref **out, size_t *nout)
{
	struct fy_node *n = map_get(map, what);
	struct fy_node *it_n;
	void *it = NULL;
	const char *t;
	size_t cnt, len;

	if (n == NULL)
		return refuse(l, map, "'%s' is mandatory", what);
	cnt = fy_node_is_sequence(n) ? (size_t)fy_node_sequence_item_count(n)
				     : 1;
	if (!fy_node_is_sequence(n) && !fy_node_is_scalar(n))
		return refuse(l, n, "'%s' must be a list of rule ids or names",
			      what);
	if (cnt == 0)
		return refuse(l, map_key(map, what), "'%s' is empty", what);
	if ((*out = fl_sigma_allocv(l->a, cnt, sizeof **out)) == NULL)
		return nomem(l);
	*nout = 0;
	for (;;) {
		struct fl_sigma_ref *r;

		if (fy_node_is_sequence(n)) {
			if ((it_n = fy_node_sequence_iterate(n, &it)) == NULL)
				break;
		} else {
			if (*nout)
				break;
			it_n = n;
		}
		if ((t = scalar(l, it_n, &len)) == NULL || len == 0)
			return refuse(l, it_n, "'%s' holds rule ids or names",
				      what);
		r = &(*out)[(*nout)++];
		node_pos(it_n, &r->line, &r->col);
		if ((r->text = fl_sigma_strndup(l->a, t, len)) == NULL)
			return nomem(l);
	}
	return FL_OK;
}

/* "5m" into seconds: s, m, h, d, w (months and years vary in length). */
static int
parse_timespan(const char *t, size_t n, long long *out)
{
	char num[16];
	long v;
	long long unit;

	if (n < 2 || n > 12)
		return -1;
	switch (t[n - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	memcpy(num, t, n - 1);
	num[n - 1] = '\0';
	if (!isdigit((unsigned char)num[0]) ||
	    fl_parse_long(num, 1, 100000000L, &v) != 0)
		return -1;
	*out = (long long)v * unit;
	return *out <= 10LL * 366 * 86400 ? 0 : -1;
}

static fl_err
read_corr_cond(struct ld *l, struct fy_node *cn, struct fl_sigma_corr *c)
{
	struct fy_node_pair *p;
	void *it = NULL;
	const char *k, *t;
	size_t klen, len;
	char kb[80];
	int i, is_int;
	double v;

	if (!fy_node_is_mapping(cn))
		return refuse(l, cn, "a correlation condition is a map of "
				     "gt, gte, lt, lte, eq, neq (and field)");
	while ((p = fy_node_mapping_iterate(cn, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(p),
			       *vn = fy_node_pair_value(p);

		if ((k = scalar(l, kn, &klen)) == NULL)
			return refuse(l, cn, "bad key in condition");
		if (klen == 5 && memcmp(k, "field", 5) == 0) {
			get_strs(l, cn, "field", &c->field);
			if (l->rc != FL_OK)
				return l->rc;
			if (c->field.n == 0)
				return refuse(l, kn, "'field' is empty");
			continue;
		}
		for (i = 0; i < FL_SC_NCMP; i++)
			if (strlen(cmp_names[i]) == klen &&
			    memcmp(cmp_names[i], k, klen) == 0)
				break;
		if (i == FL_SC_NCMP)
			return refuse(l, kn, "unknown condition '%s' (gt, gte, "
					     "lt, lte, eq, neq, field)",
				      shown(k, klen, kb, sizeof kb));
		if ((t = scalar(l, vn, &len)) == NULL ||
		    parse_number(t, len, &v, &is_int) != 0)
			return refuse(l, vn ? vn : kn,
				      "'%s' takes a number", cmp_names[i]);
		c->cmp_mask |= 1u << i;
		c->cmp[i] = v;
	}
	if (c->cmp_mask == 0)
		return refuse(l, cn, "the condition has no comparison (gt, "
				     "gte, lt, lte, eq, neq)");
	return FL_OK;
}

static fl_err
read_aliases(struct ld *l, struct fy_node *an, struct fl_sigma_corr *c)
{
	struct fy_node_pair *p, *q;
	void *it = NULL, *it2;
	size_t cnt, klen, vlen;
	const char *k, *t;
	char kb[80];

	if (!fy_node_is_mapping(an))
		return refuse(l, an, "'aliases' must be a map of alias to "
				     "rule name to field");
	cnt = (size_t)fy_node_mapping_item_count(an);
	if ((c->alias = fl_sigma_allocv(l->a, cnt, sizeof *c->alias)) == NULL)
		return nomem(l);
	while ((p = fy_node_mapping_iterate(an, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(p),
			       *vn = fy_node_pair_value(p);
		struct fl_sigma_alias *al = &c->alias[c->nalias];
		size_t m;

		if ((k = scalar(l, kn, &klen)) == NULL || klen == 0)
			return refuse(l, an, "an alias needs a name");
		if (vn == NULL || !fy_node_is_mapping(vn) ||
		    (m = (size_t)fy_node_mapping_item_count(vn)) == 0)
			return refuse(l, vn ? vn : kn,
				      "alias '%s' must map rule names to "
				      "fields", shown(k, klen, kb, sizeof kb));
		if ((al->name = fl_sigma_strndup(l->a, k, klen)) == NULL ||
		    (al->rule = fl_sigma_allocv(l->a, m, sizeof *al->rule)) ==
			    NULL ||
		    (al->field = fl_sigma_allocv(l->a, m, sizeof *al->field)) ==
			    NULL ||
		    (al->target = fl_sigma_allocv(l->a, m,
						  sizeof *al->target)) == NULL)
			return nomem(l);
		it2 = NULL;
		while ((q = fy_node_mapping_iterate(vn, &it2)) != NULL) {
			struct fy_node *rk = fy_node_pair_key(q),
				       *rv = fy_node_pair_value(q);

			if ((k = scalar(l, rk, &klen)) == NULL ||
			    (t = scalar(l, rv, &vlen)) == NULL || vlen == 0)
				return refuse(l, rv ? rv : rk,
					      "alias '%s' maps a rule name to a "
					      "field name", al->name);
			if ((al->rule[al->n] = fl_sigma_strndup(l->a, k,
								klen)) ==
				    NULL ||
			    (al->field[al->n] = fl_sigma_strndup(l->a, t,
								 vlen)) == NULL)
				return nomem(l);
			al->n++;
		}
		c->nalias++;
	}
	return FL_OK;
}

static fl_err
read_correlation(struct ld *l, struct fy_node *cn)
{
	struct fl_sigma_corr *c;
	struct fy_node *n;
	const char *t;
	size_t len, i;
	int b;
	char kb[80];

	if (!fy_node_is_mapping(cn))
		return refuse(l, cn, "'correlation' must be a map");
	if ((c = fl_sigma_alloc(l->a, sizeof *c)) == NULL)
		return nomem(l);
	l->r->corr = c;
	if ((n = map_get(cn, "type")) == NULL)
		return refuse(l, cn, "'type' is mandatory");
	if ((t = scalar(l, n, &len)) == NULL)
		return refuse(l, n, "'type' must be a single value");
	for (i = 0; i <= FL_SC_VALUE_PERCENTILE; i++)
		if (strlen(corr_names[i]) == len &&
		    memcmp(corr_names[i], t, len) == 0)
			break;
	if (i > FL_SC_VALUE_PERCENTILE)
		return refuse(l, n, "unknown correlation type '%s'",
			      shown(t, len, kb, sizeof kb));
	c->type = (enum fl_sigma_corr_type)i;
	if (read_refs(l, cn, "rules", &c->ref, &c->nref) !=
	    FL_OK)
		return l->rc;
	get_strs(l, cn, "group-by", &c->group_by);
	if ((n = map_get(cn, "timespan")) == NULL)
		return refuse(l, cn, "'timespan' is mandatory");
	if ((t = scalar(l, n, &len)) == NULL ||
	    parse_timespan(t, len, &c->timespan) != 0)
		return refuse(l, n, "timespan must be a number and s, m, h, d "
				    "or w (at most 10 years), e.g. 5m");
	if ((n = map_get(cn, "aliases")) != NULL &&
	    read_aliases(l, n, c) != FL_OK)
		return l->rc;
	n = map_get(cn, "generate");
	if (n == NULL)
		n = map_get(l->root, "generate");
	if (n != NULL) {
		if ((t = scalar(l, n, &len)) == NULL || !plain_bool(t, len, &b))
			return refuse(l, n, "'generate' is true or false");
		c->generate = b;
	}
	n = map_get(cn, "condition");
	if (n == NULL) {
		if (c->type != FL_SC_TEMPORAL &&
		    c->type != FL_SC_TEMPORAL_ORDERED)
			return refuse(l, cn, "'condition' is mandatory for %s",
				      corr_names[c->type]);
	} else if (fy_node_is_scalar(n) && (c->type == FL_SC_TEMPORAL ||
					    c->type == FL_SC_TEMPORAL_ORDERED)) {
		const char **ids = fl_sigma_allocv(l->a, c->nref, sizeof *ids);

		if (ids == NULL)
			return nomem(l);
		for (i = 0; i < c->nref; i++)
			ids[i] = c->ref[i].text;
		if (read_cond(l, n, ids, c->nref, &c->tcond) != FL_OK)
			return l->rc;
	} else if (read_corr_cond(l, n, c) != FL_OK) {
		return l->rc;
	}
	switch (c->type) {
	case FL_SC_VALUE_COUNT:
	case FL_SC_VALUE_SUM:
	case FL_SC_VALUE_AVG:
	case FL_SC_VALUE_PERCENTILE:
		if (c->field.n == 0)
			return refuse(l, n ? n : cn,
				      "%s needs 'field' in its condition",
				      corr_names[c->type]);
		break;
	default:
		if (c->field.n)
			return refuse(l, n, "'field' has no meaning for %s",
				      corr_names[c->type]);
	}
	if (c->type == FL_SC_VALUE_PERCENTILE)
		for (i = 0; i < FL_SC_NCMP; i++)
			if ((c->cmp_mask & (1u << i)) &&
			    (c->cmp[i] < 0 || c->cmp[i] > 100))
				return refuse(l, n, "a percentile is from 0 to "
						    "100");
	for (i = 0; i < c->group_by.n; i++)
		if (c->group_by.v[i][0] == '\0')
			return refuse(l, map_get(cn, "group-by"),
				      "empty field name in group-by");
	return FL_OK;
}

static const char *const levels[] = {"informational", "low", "medium", "high",
				     "critical", NULL};
static const char *const statuses[] = {"stable", "test", "experimental",
				       "deprecated", "unsupported", NULL};

static int
one_of(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return 1;
	return 0;
}

/* The fields every kind of document shares. */
static void
read_meta(struct ld *l)
{
	struct fl_sigma_rule *r = l->r;
	struct fy_node *root = l->root, *ls;

	r->title = get_str(l, root, "title", 0);
	r->id = get_str(l, root, "id", 0);
	r->name = get_str(l, root, "name", 0);
	r->status = get_str(l, root, "status", 0);
	r->level = get_str(l, root, "level", 0);
	r->description = get_str(l, root, "description", 0);
	r->author = get_str(l, root, "author", 0);
	r->date = get_str(l, root, "date", 0);
	r->modified = get_str(l, root, "modified", 0);
	r->taxonomy = get_str(l, root, "taxonomy", 0);
	r->license = get_str(l, root, "license", 0);
	get_strs(l, root, "tags", &r->tags);
	get_strs(l, root, "references", &r->references);
	get_strs(l, root, "falsepositives", &r->falsepositives);
	get_strs(l, root, "fields", &r->fields);
	if ((ls = map_get(root, "logsource")) != NULL) {
		if (!fy_node_is_mapping(ls)) {
			refuse(l, ls, "'logsource' must be a map");
			return;
		}
		r->logsource.product = get_str(l, ls, "product", 0);
		r->logsource.category = get_str(l, ls, "category", 0);
		r->logsource.service = get_str(l, ls, "service", 0);
		r->logsource.definition = get_str(l, ls, "definition", 0);
	}
}

static void
check_meta(struct ld *l)
{
	struct fl_sigma_rule *r = l->r;

	if (r->title == NULL)
		refuse(l, l->root, "'title' is mandatory");
	else if (r->level && !one_of(r->level, levels))
		refuse(l, map_get(l->root, "level"),
		       "level must be informational, low, medium, high or "
		       "critical");
	else if (r->status && !one_of(r->status, statuses))
		refuse(l, map_get(l->root, "status"),
		       "status must be stable, test, experimental, deprecated "
		       "or unsupported");
	else if (r->kind != FL_SIGMA_CORRELATION &&
		 map_get(l->root, "logsource") == NULL)
		refuse(l, l->root, "'logsource' is mandatory");
}

/* ---- the set ---------------------------------------------------------------- */

static fl_err
add_refusal(struct fl_sigma_set *s, const struct fl_diag *d,
	    const struct fl_sigma_rule *r)
{
	if (s->nref == s->capref) {
		size_t nc = s->capref ? s->capref * 2 : 64;
		struct fl_sigma_refusal *n = realloc(s->ref, nc * sizeof *n);

		if (n == NULL)
			return FL_E_NOMEM;
		s->ref = n;
		s->capref = nc;
	}
	s->ref[s->nref].d = *d;
	s->ref[s->nref].rule = r;
	/* libfyaml may mark an empty scalar past the end of its line */
	if (s->cur_buf)
		clamp_pos(s->cur_buf, s->cur_len, &s->ref[s->nref].d.line,
			  &s->ref[s->nref].d.col);
	s->nref++;
	s->st.refused++;
	return FL_OK;
}

static fl_err
file_refusal(struct fl_sigma_set *s, const char *file, unsigned long line,
	     unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static fl_err
file_refusal(struct fl_sigma_set *s, const char *file, unsigned long line,
	     unsigned long col, const char *fmt, ...)
{
	struct fl_diag d;
	va_list ap;

	fl_diag_clear(&d);
	fl_strlcpy(d.file, file, sizeof d.file);
	d.line = line;
	d.col = col;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	clean_msg(d.msg);
	return add_refusal(s, &d, NULL);
}

static fl_err
add_rule(struct fl_sigma_set *s, struct fl_sigma_rule *r)
{
	if (s->nrule == s->caprule) {
		size_t nc = s->caprule ? s->caprule * 2 : 256;
		struct fl_sigma_rule **n = realloc(s->rule, nc * sizeof *n);

		if (n == NULL)
			return FL_E_NOMEM;
		s->rule = n;
		s->caprule = nc;
	}
	r->index = s->nrule;
	s->rule[s->nrule++] = r;
	switch (r->kind) {
	case FL_SIGMA_RULE:
		s->st.rules++;
		break;
	case FL_SIGMA_CORRELATION:
		s->st.correlations++;
		break;
	case FL_SIGMA_FILTER:
		s->st.filters++;
		break;
	}
	return FL_OK;
}

/* One YAML document; a refusal is recorded, never returned. */
static fl_err
load_doc(struct fl_sigma_set *s, const char *file, struct fy_node *root)
{
	static const char *const filter_skip[] = {"rules", NULL};
	struct ld l;
	struct fl_sigma_rule *r;
	unsigned long line = 1, col = 1;

	if (root == NULL)
		return FL_OK; /* an empty document ("---" at the end) */
	node_pos(root, &line, &col);
	memset(&l, 0, sizeof l);
	l.s = s;
	l.a = &s->a;
	l.file = file;
	l.root = root;
	l.line = line;
	l.col = col;
	if (!fy_node_is_mapping(root))
		return file_refusal(s, file, line, col,
				    "a Sigma document is a map (title, "
				    "detection, ...)");
	if (s->nrule >= s->lim.max_rules)
		return FL_E_LIMIT;
	if ((r = fl_sigma_alloc(&s->a, sizeof *r)) == NULL ||
	    (r->file = fl_sigma_strndup(&s->a, file, strlen(file))) == NULL)
		return FL_E_NOMEM;
	l.r = r;
	clamp_pos(s->cur_buf, s->cur_len, &line, &col);
	r->line = line;
	r->col = col;
	if (map_get(root, "correlation"))
		r->kind = FL_SIGMA_CORRELATION;
	else if (map_get(root, "filter"))
		r->kind = FL_SIGMA_FILTER;
	else if (map_get(root, "detection"))
		r->kind = FL_SIGMA_RULE;
	else if (map_get(root, "action"))
		return file_refusal(s, file, line, col,
				    "rule collections (action: ...) are Sigma "
				    "1 syntax");
	else
		return file_refusal(s, file, line, col,
				    "neither a rule (detection), a correlation "
				    "nor a filter");
	check_tree(&l, root, 0);
	if (l.rc == FL_OK)
		read_meta(&l);
	if (l.rc == FL_OK)
		check_meta(&l);
	if (l.rc == FL_OK) {
		switch (r->kind) {
		case FL_SIGMA_RULE:
			read_detection(&l, map_get(root, "detection"), NULL);
			break;
		case FL_SIGMA_FILTER: {
			struct fy_node *f = map_get(root, "filter");

			if (f == NULL || !fy_node_is_mapping(f)) {
				refuse(&l, f ? f : root,
				       "'filter' must be a map");
				break;
			}
			if (read_refs(&l, f, "rules",
				      &r->filter_ref, &r->nfilter_ref) == FL_OK)
				read_detection(&l, f, filter_skip);
			break;
		}
		case FL_SIGMA_CORRELATION:
			read_correlation(&l, map_get(root, "correlation"));
			break;
		}
	}
	if (l.rc == FL_E_NOMEM)
		return FL_E_NOMEM;
	if (add_rule(s, r) != FL_OK)
		return FL_E_NOMEM;
	if (l.rc != FL_OK) {
		r->refused = 1;
		return add_refusal(s, &l.d, r);
	}
	return FL_OK;
}

fl_err
fl_sigma_set_add_mem(struct fl_sigma_set *s, const char *name,
		     const char *buf, size_t len)
{
	struct fy_parser *p;
	struct fy_diag *dg = NULL;
	struct fy_document *doc;
	size_t ndocs = 0, first = s->nrule, i, bad;
	fl_err rc = FL_OK;

	if (s->st.files >= s->lim.max_files)
		return FL_E_LIMIT;
	s->st.files++;
	if (len > s->lim.max_file)
		return file_refusal(s, name, 1, 1, "file larger than %zu bytes",
				    s->lim.max_file);
	if (len == 0)
		return file_refusal(s, name, 1, 1, "empty file");
	if (memchr(buf, '\0', len) != NULL)
		return file_refusal(s, name, 1, 1, "NUL byte: not a YAML "
						   "text file");
	if ((bad = utf8_bad((const unsigned char *)buf, len)) < len) {
		unsigned long line = 1, col = 1;

		for (i = 0; i < bad; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		return file_refusal(s, name, line, col,
				    "invalid UTF-8 (Sigma files are UTF-8)");
	}
	if ((p = yaml_open(buf, len, &dg)) == NULL)
		return FL_E_NOMEM;
	s->cur_buf = buf;
	s->cur_len = len;
	while (rc == FL_OK && (doc = fy_parse_load_document(p)) != NULL) {
		if (++ndocs > s->lim.max_docs) {
			fy_parse_document_destroy(p, doc);
			rc = FL_E_LIMIT;
			break;
		}
		rc = load_doc(s, name, fy_document_root(doc));
		fy_parse_document_destroy(p, doc);
	}
	if (rc == FL_OK && fy_parser_get_stream_error(p)) {
		struct fl_diag d;

		/* the whole file goes: a half-read file may miss the base
		 * rules of its correlations.  Its documents stay listed,
		 * refused with the file's one refusal. */
		for (i = first; i < s->nrule; i++)
			s->rule[i]->refused = 1;
		fl_diag_clear(&d);
		yaml_error(dg, name, buf, len, &d);
		rc = add_refusal(s, &d, NULL);
	} else if (rc == FL_E_LIMIT) {
		rc = file_refusal(s, name, 1, 1,
				  "more than %zu YAML documents in one file",
				  s->lim.max_docs);
	}
	yaml_close(p, dg);
	s->cur_buf = NULL;
	s->cur_len = 0;
	return rc;
}

static int
has_ext(const char *n)
{
	size_t l = strlen(n);

	return (l > 4 && strcmp(n + l - 4, ".yml") == 0) ||
	       (l > 5 && strcmp(n + l - 5, ".yaml") == 0);
}

/* A directory entry: its name, and its type when readdir knew it. */
struct dent {
	char *name;
	unsigned char type;   /* DT_DIR, DT_REG, or DT_UNKNOWN: ask stat */
};

static int
cmp_dent(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
		      ((const struct dent *)b)->name);
}

static fl_err add_path(struct fl_sigma_set *s, const char *path, int depth,
		       struct fl_diag *d);
static fl_err add_file(struct fl_sigma_set *s, const char *path,
		       struct fl_diag *d);

static fl_err
add_dir(struct fl_sigma_set *s, const char *path, int depth, struct fl_diag *d)
{
	DIR *dir;
	struct dirent *e;
	struct dent *ents = NULL, *ne;
	char full[4096];
	size_t n = 0, cap = 0, i;
	fl_err rc = FL_OK;

	if (depth > 32)
		return fl_diag_set(d, FL_E_LIMIT, path, 0, 0,
				   "directories nested deeper than 32");
	if ((dir = opendir(path)) == NULL)
		return fl_diag_set(d, FL_E_NOINPUT, path, 0, 0,
				   "cannot open directory: %s", strerror(errno));
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (cap > 1000000 ||
			    (ne = realloc(ents, cap * sizeof *ne)) == NULL) {
				rc = FL_E_NOMEM;
				break;
			}
			ents = ne;
		}
		if ((ents[n].name = fl_strdup(e->d_name)) == NULL) {
			rc = FL_E_NOMEM;
			break;
		}
		/* a link or an unknown type is asked of stat, which
		   follows links as before */
		ents[n].type = e->d_type == DT_DIR || e->d_type == DT_REG ?
				       e->d_type : DT_UNKNOWN;
		n++;
	}
	closedir(dir);
	if (rc == FL_OK)
		qsort(ents, n, sizeof *ents, cmp_dent);
	for (i = 0; i < n && rc == FL_OK; i++) {
		unsigned char type = ents[i].type;
		struct stat sb;

		if ((size_t)snprintf(full, sizeof full, "%s/%s", path,
				     ents[i].name) >= sizeof full)
			continue;
		/* readdir's type spares a stat per entry (2,400 for
		   SigmaHQ's Windows rules) */
		if (type == DT_REG && !has_ext(ents[i].name))
			continue;
		if (type == DT_UNKNOWN) {
			if (stat(full, &sb) != 0)
				continue;
			type = S_ISDIR(sb.st_mode) ? DT_DIR :
			       S_ISREG(sb.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR)
			rc = add_dir(s, full, depth + 1, d);
		else if (type == DT_REG && has_ext(ents[i].name))
			rc = add_file(s, full, d);
	}
	for (i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	return rc;
}

/* A rule file: read and loaded, or refused with the reason. */
static fl_err
add_file(struct fl_sigma_set *s, const char *path, struct fl_diag *d)
{
	struct fl_buf b;
	struct fl_diag fd;
	fl_err rc;

	fl_buf_init(&b, s->lim.max_file + 1);
	fl_diag_clear(&fd);
	rc = fl_buf_read_file(&b, path, &fd);
	if (rc == FL_E_LIMIT) {
		s->st.files++;
		rc = file_refusal(s, path, 1, 1, "file larger than %zu bytes",
				  s->lim.max_file);
	} else if (rc == FL_E_NOINPUT || rc == FL_E_IO) {
		s->st.files++;
		rc = file_refusal(s, path, 1, 1, "%s", fd.msg);
	} else if (rc == FL_OK) {
		rc = fl_sigma_set_add_mem(s, path, b.data, b.len);
	}
	fl_buf_release(&b);
	if (rc == FL_E_LIMIT)
		fl_diag_set(d, rc, path, 0, 0, "rule set limit reached");
	return rc;
}

static fl_err
add_path(struct fl_sigma_set *s, const char *path, int depth,
	 struct fl_diag *d)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return fl_diag_set(d, FL_E_NOINPUT, path, 0, 0, "%s",
				   strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return add_dir(s, path, depth, d);
	return add_file(s, path, d);
}

fl_err
fl_sigma_set_add_path(struct fl_sigma_set *s, const char *path,
		      struct fl_diag *d)
{
	return add_path(s, path, 0, d);
}

struct fl_sigma_set *
fl_sigma_set_new(const struct fl_sigma_limits *lim,
		 const struct fl_sigma_vars *vars)
{
	struct fl_sigma_set *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	if (lim)
		s->lim = *lim;
	else
		fl_sigma_limits_default(&s->lim);
	s->vars = vars;
	fl_sigma_arena_init(&s->a, (size_t)1 << 30);
	return s;
}

void
fl_sigma_set_free(struct fl_sigma_set *s)
{
	if (s == NULL)
		return;
	fl_sigma_arena_release(&s->a);
	free(s->rule);
	free(s->ref);
	free(s);
}

struct fl_sigma_rule *const *
fl_sigma_set_rules(const struct fl_sigma_set *s, size_t *n)
{
	*n = s->nrule;
	return s->rule;
}

const struct fl_sigma_refusal *
fl_sigma_set_refusals(const struct fl_sigma_set *s, size_t *n)
{
	*n = s->nref;
	return s->ref;
}

void
fl_sigma_set_stats(const struct fl_sigma_set *s, struct fl_sigma_stats *st)
{
	*st = s->st;
}

/* ---- resolving --------------------------------------------------------------- */

/* Mark r refused at (line, col) with a reason. */
static fl_err
late_refuse(struct fl_sigma_set *s, struct fl_sigma_rule *r,
	    unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static fl_err
late_refuse(struct fl_sigma_set *s, struct fl_sigma_rule *r,
	    unsigned long line, unsigned long col, const char *fmt, ...)
{
	struct fl_diag d;
	va_list ap;

	if (r->refused)
		return FL_OK;
	r->refused = 1;
	fl_diag_clear(&d);
	fl_strlcpy(d.file, r->file, sizeof d.file);
	d.line = line;
	d.col = col;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	clean_msg(d.msg);
	return add_refusal(s, &d, r);
}

/* Index of names for lookup: sorted pointers to (key, rule). */
struct ent {
	const char *key;
	struct fl_sigma_rule *r;
	size_t ord; /* load order: the first of equal keys wins */
};

static int
cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static struct fl_sigma_rule *
lookup(const struct ent *e, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(e[mid].key, key);

		if (c == 0) {
			while (mid > 0 && strcmp(e[mid - 1].key, key) == 0)
				mid--;
			return e[mid].r;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Build the index of ids (what == 0) or names (1); refuse duplicates. */
static fl_err
build_index(struct fl_sigma_set *s, int what, struct ent **out, size_t *nout)
{
	struct ent *e;
	size_t i, n = 0, first;
	fl_err rc;

	if ((e = calloc(s->nrule ? s->nrule : 1, sizeof *e)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < s->nrule; i++) {
		const char *k = what ? s->rule[i]->name : s->rule[i]->id;

		if (k == NULL)
			continue;
		e[n].key = k;
		e[n].r = s->rule[i];
		e[n].ord = i;
		n++;
	}
	qsort(e, n, sizeof *e, cmp_ent);
	for (i = 1, first = 0; i < n; i++) {
		if (strcmp(e[i].key, e[first].key) != 0) {
			first = i;
			continue;
		}
		if ((rc = late_refuse(s, e[i].r, e[i].r->line, e[i].r->col,
				      "%s '%.100s' is already used by %.200s:%lu",
				      what ? "name" : "id", e[i].key,
				      e[first].r->file, e[first].r->line)) !=
		    FL_OK) {
			free(e);
			return rc;
		}
	}
	*out = e;
	*nout = n;
	return FL_OK;
}

static struct fl_sigma_rule *
find_ref(const struct ent *ids, size_t nids, const struct ent *names,
	 size_t nnames, const char *key)
{
	struct fl_sigma_rule *r = lookup(ids, nids, key);

	return r ? r : lookup(names, nnames, key);
}

/*
 * Depth-first search through correlation references with colours (0 new,
 * 1 on the path, 2 done): a reference to a document on the path is a
 * loop.  Chains deeper than 64 are refused as well.
 */
static fl_err
visit(struct fl_sigma_set *s, struct fl_sigma_rule *r, unsigned char *colour,
      unsigned depth)
{
	size_t i;
	fl_err rc = FL_OK;

	colour[r->index] = 1;
	for (i = 0; i < r->corr->nref && rc == FL_OK; i++) {
		struct fl_sigma_rule *t = r->corr->ref[i].target;

		if (t == NULL || t->kind != FL_SIGMA_CORRELATION ||
		    t->corr == NULL)
			continue;
		if (colour[t->index] == 1)
			rc = late_refuse(s, r, r->corr->ref[i].line,
					 r->corr->ref[i].col,
					 "correlation chain loops back through "
					 "'%.100s'", r->corr->ref[i].text);
		else if (colour[t->index] == 0 && depth >= 64)
			rc = late_refuse(s, r, r->corr->ref[i].line,
					 r->corr->ref[i].col,
					 "correlation chain deeper than 64");
		else if (colour[t->index] == 0)
			rc = visit(s, t, colour, depth + 1);
	}
	colour[r->index] = 2;
	return rc;
}

fl_err
fl_sigma_set_resolve(struct fl_sigma_set *s)
{
	struct ent *ids = NULL, *names = NULL;
	size_t nids = 0, nnames = 0, i, j, k;
	unsigned char *colour = NULL;
	fl_err rc;
	int changed;

	if (s->resolved)
		return FL_OK;
	s->resolved = 1;
	if ((rc = build_index(s, 0, &ids, &nids)) != FL_OK ||
	    (rc = build_index(s, 1, &names, &nnames)) != FL_OK)
		goto out;
	for (i = 0; i < s->nrule && rc == FL_OK; i++) {
		struct fl_sigma_rule *r = s->rule[i];
		struct fl_sigma_ref *ref;
		size_t nref;

		if (r->kind == FL_SIGMA_CORRELATION && r->corr) {
			ref = r->corr->ref;
			nref = r->corr->nref;
		} else if (r->kind == FL_SIGMA_FILTER) {
			ref = r->filter_ref;
			nref = r->nfilter_ref;
		} else {
			continue;
		}
		for (j = 0; j < nref && rc == FL_OK; j++) {
			struct fl_sigma_rule *t =
				find_ref(ids, nids, names, nnames, ref[j].text);

			ref[j].target = t;
			if (t == NULL)
				rc = late_refuse(s, r, ref[j].line, ref[j].col,
						 "refers to '%.100s', which is "
						 "no rule of the set (by id or "
						 "name)", ref[j].text);
			else if (t == r)
				rc = late_refuse(s, r, ref[j].line, ref[j].col,
						 "refers to itself");
			else if (t->kind == FL_SIGMA_FILTER)
				rc = late_refuse(s, r, ref[j].line, ref[j].col,
						 "refers to filter '%.100s'",
						 ref[j].text);
			else if (r->kind == FL_SIGMA_FILTER &&
				 t->kind != FL_SIGMA_RULE)
				rc = late_refuse(s, r, ref[j].line, ref[j].col,
						 "a filter applies to rules, "
						 "not to correlation '%.100s'",
						 ref[j].text);
			else if (r->kind == FL_SIGMA_CORRELATION)
				t->nused++;
		}
		/* aliases name rules of this correlation by name */
		if (r->kind == FL_SIGMA_CORRELATION && r->corr && !r->refused)
			for (j = 0; j < r->corr->nalias && rc == FL_OK; j++) {
				struct fl_sigma_alias *al = &r->corr->alias[j];

				for (k = 0; k < al->n && rc == FL_OK; k++) {
					size_t m;

					for (m = 0; m < nref; m++)
						if (ref[m].target &&
						    (strcmp(ref[m].text,
							    al->rule[k]) == 0 ||
						     (ref[m].target->name &&
						      strcmp(ref[m].target->name,
							     al->rule[k]) == 0)))
							break;
					if (m == nref)
						rc = late_refuse(
							s, r, r->line, r->col,
							"alias '%.60s' names "
							"'%.100s', which is not "
							"one of the correlated "
							"rules",
							al->name, al->rule[k]);
					else
						al->target[k] = ref[m].target;
				}
			}
	}
	/* cycles, then refusal spreading along references until stable */
	if (rc == FL_OK && (colour = calloc(s->nrule + 1, 1)) == NULL)
		rc = FL_E_NOMEM;
	for (i = 0; i < s->nrule && rc == FL_OK; i++)
		if (s->rule[i]->kind == FL_SIGMA_CORRELATION &&
		    s->rule[i]->corr && colour[i] == 0)
			rc = visit(s, s->rule[i], colour, 0);
	free(colour);
	do {
		changed = 0;
		for (i = 0; i < s->nrule && rc == FL_OK; i++) {
			struct fl_sigma_rule *r = s->rule[i];

			if (r->refused || r->kind != FL_SIGMA_CORRELATION ||
			    r->corr == NULL)
				continue;
			for (j = 0; j < r->corr->nref; j++) {
				struct fl_sigma_ref *ref = &r->corr->ref[j];

				if (ref->target && ref->target->refused) {
					rc = late_refuse(s, r, ref->line,
							 ref->col,
							 "refers to '%.100s', "
							 "which is refused",
							 ref->text);
					changed = 1;
					break;
				}
			}
		}
	} while (changed && rc == FL_OK);
out:
	free(ids);
	free(names);
	return rc;
}

/* ---- placeholder files -------------------------------------------------------- */

fl_err
fl_sigma_vars_load(struct fl_sigma_vars *v, const char *path,
		   struct fl_diag *d)
{
	struct fy_parser *p;
	struct fy_diag *dg = NULL;
	struct fy_document *doc = NULL;
	struct fy_node *root, *val, *it_n;
	struct fy_node_pair *pr;
	struct fl_buf b;
	void *it = NULL, *it2;
	fl_err rc;
	char name[256], *vv;
	const char *k, *t;
	size_t klen, tlen;
	unsigned long line = 1, col = 1;

	fl_buf_init(&b, (size_t)16 << 20);
	if ((rc = fl_buf_read_file(&b, path, d)) != FL_OK) {
		fl_buf_release(&b);
		return rc;
	}
	/* as for rule files: libfyaml never sees a NUL or invalid UTF-8 */
	if (b.len && (memchr(b.data, '\0', b.len) != NULL ||
		      utf8_bad((const unsigned char *)b.data, b.len) < b.len)) {
		size_t bad = memchr(b.data, '\0', b.len) ?
		    (size_t)((const char *)memchr(b.data, '\0', b.len) - b.data) :
		    utf8_bad((const unsigned char *)b.data, b.len), i;

		for (i = 0; i < bad; i++) {
			if (b.data[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		fl_buf_release(&b);
		return fl_diag_set(d, FL_E_SYNTAX, path, line, col,
				   "not UTF-8 text (a NUL byte or invalid "
				   "UTF-8)");
	}
	if ((p = yaml_open(b.data, b.len, &dg)) == NULL) {
		fl_buf_release(&b);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	doc = fy_parse_load_document(p);
	if (doc == NULL && fy_parser_get_stream_error(p)) {
		yaml_error(dg, path, b.data, b.len, d);
		rc = FL_E_SYNTAX;
		goto out;
	}
	root = doc ? fy_document_root(doc) : NULL;
	if (root == NULL || !fy_node_is_mapping(root)) {
		rc = fl_diag_set(d, FL_E_SYNTAX, path, 1, 1,
				 "placeholder file: a map of name to a list of "
				 "values");
		goto out;
	}
	while ((pr = fy_node_mapping_iterate(root, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(pr);

		val = fy_node_pair_value(pr);
		node_pos(kn, &line, &col);
		if (kn == NULL || !fy_node_is_scalar(kn) ||
		    (k = fy_node_get_scalar(kn, &klen)) == NULL ||
		    klen == 0 || klen + 1 > sizeof name) {
			rc = fl_diag_set(d, FL_E_SYNTAX, path, line, col,
					 "placeholder names are text of 1 to "
					 "250 bytes");
			goto out;
		}
		/* %name% and name are the same placeholder */
		if (klen > 2 && k[0] == '%' && k[klen - 1] == '%') {
			k++;
			klen -= 2;
		}
		memcpy(name, k, klen);
		name[klen] = '\0';
		if (val == NULL || (!fy_node_is_scalar(val) &&
				    !fy_node_is_sequence(val))) {
			rc = fl_diag_set(d, FL_E_SYNTAX, path, line, col,
					 "placeholder '%s': a list of values",
					 name);
			goto out;
		}
		it2 = NULL;
		for (;;) {
			if (fy_node_is_sequence(val)) {
				if ((it_n = fy_node_sequence_iterate(val, &it2)) ==
				    NULL)
					break;
			} else {
				if (it2)
					break;
				it_n = val;
				it2 = val;
			}
			node_pos(it_n, &line, &col);
			if (!fy_node_is_scalar(it_n) ||
			    (t = fy_node_get_scalar(it_n, &tlen)) == NULL ||
			    tlen > 65536 || memchr(t, '\0', tlen)) {
				rc = fl_diag_set(d, FL_E_SYNTAX, path, line, col,
						 "placeholder '%s': values are "
						 "text", name);
				goto out;
			}
			if ((vv = fl_strndup(t, tlen)) == NULL) {
				rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
				goto out;
			}
			rc = fl_sigma_vars_add(v, name, vv);
			free(vv);
			if (rc != FL_OK) {
				fl_diag_set(d, rc, path, line, col,
					    "placeholder '%s': %s", name,
					    fl_err_str(rc));
				goto out;
			}
		}
	}
	rc = FL_OK;
out:
	if (doc)
		fy_parse_document_destroy(p, doc);
	yaml_close(p, dg);
	fl_buf_release(&b);
	return rc;
}
