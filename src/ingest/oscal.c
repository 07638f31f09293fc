/*
 * ingest/oscal: the OSCAL catalog reader.  It turns a catalog document, JSON
 * (through jansson) or XML (through expat, streamed in chunks), into one
 * callback for the catalog's metadata and then one per group and control in
 * document order, each naming its parents.
 *
 * Both front ends share the back end below them: the same flattening of
 * parts into lines ("a. ...", nested items indented two spaces per level),
 * the same parameter JSON and the same limits, so one catalog gives the
 * same records in either syntax.  XML markup in prose is rendered as the
 * Markdown that OSCAL's own JSON uses (<em> as *x*, <strong> as **x**,
 * <code> as `x`, <insert> as "{{ insert: param, ID }}"), with XML's
 * insignificant whitespace collapsed.
 *
 * It refuses: any other OSCAL model (profiles included), XML with a DOCTYPE
 * (so no entity is ever declared, expanded or fetched), JSON with duplicate
 * keys (which "id" would win?), input nested, sized or counted beyond
 * struct fl_oscal_limits.  Every refusal names file, line and column;
 * columns count characters from 1, as jansson and expat do.
 *
 * JSON is parsed into jansson's tree, which has no positions, so a small
 * locator re-walks the (already validated) text next to the tree to find
 * where each group, control and part starts.
 */
#include "ingest.h"

#include <expat.h>
#include <jansson.h>

#define DEF_DEPTH 64
#define DEF_TEXT ((size_t)4 << 20)
#define DEF_CONTROLS 200000
/* XML elements that are not groups, controls or parts (metadata, prose
 * markup, props with remarks) may nest this much deeper than the limit. */
#define XML_EXTRA_DEPTH 32
#define XML_CHUNK 65536
#define NOPOS SIZE_MAX
#define METHODS_SEEN 16

static const char oscal_ns[] = "http://csrc.nist.gov/ns/oscal/1.0";

/* ---- shared back end -------------------------------------------------- */

/* The text fields of the control being collected, reused for each one. */
struct ctl {
	struct fl_buf title, klass, label, sort_id;
	int label_state, sort_state; /* 0 none, 1 from a classed prop, 2 plain */
	int withdrawn;
	size_t examples, nparams;
	struct fl_buf statement, guidance, objectives, methods, params;
	struct fl_json pj;
	size_t nmethods, moff[METHODS_SEEN], mlen[METHODS_SEEN];
};

struct op {
	const char *file;
	struct fl_oscal_limits lim;
	const struct fl_oscal_sink *sink;
	struct fl_diag *d;
	size_t ngroups, ncontrols;
	struct ctl c;
};

static fl_err op_err(struct op *op, fl_err rc, unsigned long line,
		     unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static fl_err
op_err(struct op *op, fl_err rc, unsigned long line, unsigned long col,
       const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return fl_diag_set(op->d, rc, op->file, line, col, "%s", msg);
}

/* The message for a failed append into a capped text buffer. */
static fl_err
op_text_err(struct op *op, fl_err rc, unsigned long line, unsigned long col)
{
	if (rc == FL_E_LIMIT)
		return op_err(op, rc, line, col, "text longer than %zu bytes",
			      op->lim.max_text);
	return op_err(op, rc, line, col, "%s", fl_err_str(rc));
}

static void
ctl_init(struct ctl *c, size_t max_text)
{
	/* +1: fl_buf counts the terminating NUL against its cap */
	fl_buf_init(&c->title, max_text + 1);
	fl_buf_init(&c->klass, max_text + 1);
	fl_buf_init(&c->label, max_text + 1);
	fl_buf_init(&c->sort_id, max_text + 1);
	fl_buf_init(&c->statement, max_text + 1);
	fl_buf_init(&c->guidance, max_text + 1);
	fl_buf_init(&c->objectives, max_text + 1);
	fl_buf_init(&c->methods, max_text + 1);
	/* params is checked against max_text after each parameter instead:
	 * see params_add */
	fl_buf_init(&c->params, SIZE_MAX / 2);
}

static void
ctl_release(struct ctl *c)
{
	fl_buf_release(&c->title);
	fl_buf_release(&c->klass);
	fl_buf_release(&c->label);
	fl_buf_release(&c->sort_id);
	fl_buf_release(&c->statement);
	fl_buf_release(&c->guidance);
	fl_buf_release(&c->objectives);
	fl_buf_release(&c->methods);
	fl_buf_release(&c->params);
}

static void
ctl_reset(struct ctl *c)
{
	fl_buf_reset(&c->title);
	fl_buf_reset(&c->klass);
	fl_buf_reset(&c->label);
	fl_buf_reset(&c->sort_id);
	fl_buf_reset(&c->statement);
	fl_buf_reset(&c->guidance);
	fl_buf_reset(&c->objectives);
	fl_buf_reset(&c->methods);
	fl_buf_reset(&c->params);
	fl_json_init(&c->pj, &c->params, 0);
	c->label_state = c->sort_state = 0;
	c->withdrawn = 0;
	c->examples = c->nparams = c->nmethods = 0;
}

/*
 * Keep the first value of a prop, unless a later one has no class: the
 * resolved 800-53 baselines carry three labels per control ("AC-01" with
 * class zero-padded, "AC-1", "AC-01" with class sp800-53a) and the
 * class-less one is the label people use.
 */
static fl_err
pick(struct fl_buf *b, int *state, const char *value, int has_class)
{
	int want = has_class ? 1 : 2;

	if (*state >= want)
		return FL_OK;
	fl_buf_reset(b);
	*state = want;
	return fl_buf_puts(b, value);
}

/* A control-level prop: label, sort-id, status.  Others are not ours. */
static fl_err
ctl_prop(struct ctl *c, const char *name, const char *value, int has_class)
{
	if (strcmp(name, "label") == 0)
		return pick(&c->label, &c->label_state, value, has_class);
	if (strcmp(name, "sort-id") == 0)
		return pick(&c->sort_id, &c->sort_state, value, has_class);
	if (strcmp(name, "status") == 0 && strcmp(value, "withdrawn") == 0)
		c->withdrawn = 1;
	return FL_OK;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/*
 * Append one flattened line to out: indentation by nesting (the top part
 * and its direct items at the margin), the label, the prose.  A part
 * without prose gives no line (*wrote says whether one was written): the
 * 800-53A objective "AC-02a." only heads its children, which carry their
 * own labels, and so they are not indented under it either.
 */
static fl_err
put_line(struct fl_buf *out, size_t level, const char *label,
	 const char *prose, size_t plen, int *wrote)
{
	fl_err rc = FL_OK;
	size_t i, llen = 0;

	*wrote = 0;
	while (plen > 0 && is_blank(*prose))
		prose++, plen--;
	while (plen > 0 && is_blank(prose[plen - 1]))
		plen--;
	if (plen == 0)
		return FL_OK;
	*wrote = 1;
	if (label != NULL) {
		while (is_blank(*label))
			label++;
		llen = strlen(label);
		while (llen > 0 && is_blank(label[llen - 1]))
			llen--;
	}
	if (out->len > 0)
		rc = fl_buf_putc(out, '\n');
	for (i = 1; rc == FL_OK && i < level; i++)
		rc = fl_buf_append(out, "  ", 2);
	if (rc == FL_OK && llen > 0) {
		rc = fl_buf_append(out, label, llen);
		if (rc == FL_OK)
			rc = fl_buf_putc(out, ' ');
	}
	if (rc == FL_OK)
		rc = fl_buf_append(out, prose, plen);
	return rc;
}

/* The level of a part's children: the top part's items sit at the margin,
 * deeper items one step in from the nearest part that wrote a line. */
static size_t
child_level(size_t level, int wrote)
{
	return level == 0 || wrote ? level + 1 : level;
}

/*
 * Add a method ("EXAMINE") to the comma-separated list, once.  Only the
 * first METHODS_SEEN are remembered for that: a real control has three,
 * and a crafted one with thousands must not cost quadratic time.
 */
static fl_err
method_add(struct ctl *c, const char *s)
{
	size_t n = strlen(s), k;
	fl_err rc;

	if (n == 0)
		return FL_OK;
	for (k = 0; k < c->nmethods && k < METHODS_SEEN; k++)
		if (c->mlen[k] == n &&
		    memcmp(c->methods.data + c->moff[k], s, n) == 0)
			return FL_OK;
	if (c->methods.len > 0 && (rc = fl_buf_puts(&c->methods, ", ")))
		return rc;
	if (c->nmethods < METHODS_SEEN) {
		c->moff[c->nmethods] = c->methods.len;
		c->mlen[c->nmethods] = n;
	}
	c->nmethods++;
	return fl_buf_append(&c->methods, s, n);
}

/*
 * Append one parameter to the control's params array.  fl_json's writer
 * does not report allocation failures, so the worst case it can need (every
 * byte escaped as \u00XX) is reserved first: after that nothing it appends
 * can fail.  The raw text is capped by max_text before anything is written.
 * The caller says where it failed.
 */
static fl_err
params_add(struct op *op, const char *id, const char *label,
	   const char *const *choices, size_t n)
{
	struct ctl *c = &op->c;
	size_t raw, bound, i, old;
	fl_err rc;

	raw = strlen(id) + (label ? strlen(label) : 0);
	for (i = 0; i < n; i++)
		if (fl_size_add(raw, strlen(choices[i]), &raw))
			raw = SIZE_MAX;
	if (raw > op->lim.max_text || c->params.len > op->lim.max_text - raw)
		return FL_E_LIMIT;
	/* 6 bytes per input byte, 8 per choice for quotes and commas, keys */
	if (fl_size_mul(raw, 6, &bound) || fl_size_mul(n, 8, &i) ||
	    fl_size_add(bound, i, &bound) || fl_size_add(bound, 64, &bound) ||
	    bound > INT_MAX)
		return FL_E_LIMIT;
	old = c->params.len;
	if ((rc = fl_buf_printf(&c->params, "%*s", (int)bound, "")) != FL_OK)
		return rc;
	c->params.len = old;
	c->params.data[old] = '\0';

	if (c->nparams++ == 0)
		fl_json_arr_open(&c->pj);
	fl_json_obj_open(&c->pj);
	fl_json_key(&c->pj, "id");
	fl_json_str(&c->pj, id);
	fl_json_key(&c->pj, "label");
	fl_json_str(&c->pj, label);
	fl_json_key(&c->pj, "choices");
	fl_json_arr_open(&c->pj);
	for (i = 0; i < n; i++)
		fl_json_str(&c->pj, choices[i]);
	fl_json_arr_close(&c->pj);
	fl_json_obj_close(&c->pj);
	return FL_OK;
}

static fl_err
emit_catalog(struct op *op, const struct fl_oscal_catalog *cat)
{
	if (op->sink == NULL || op->sink->catalog == NULL)
		return FL_OK;
	return op->sink->catalog(op->sink->ctx, cat);
}

/* Count a group against the limits before its content is read. */
static fl_err
count_group(struct op *op, size_t *seq, unsigned long line, unsigned long col)
{
	if (op->ngroups >= op->lim.max_controls)
		return op_err(op, FL_E_LIMIT, line, col, "more than %zu groups",
			      op->lim.max_controls);
	*seq = op->ngroups++;
	return FL_OK;
}

static fl_err
count_control(struct op *op, size_t *seq, unsigned long line,
	      unsigned long col)
{
	if (op->ncontrols >= op->lim.max_controls)
		return op_err(op, FL_E_LIMIT, line, col,
			      "more than %zu controls", op->lim.max_controls);
	*seq = op->ncontrols++;
	return FL_OK;
}

static fl_err
emit_group(struct op *op, const struct fl_oscal_group *g)
{
	if (op->sink == NULL || op->sink->group == NULL)
		return FL_OK;
	return op->sink->group(op->sink->ctx, g);
}

/* Complete o (id, title, class, parents, seq, line set by the front end)
 * from the collected fields and hand it to the sink. */
static fl_err
emit_control(struct op *op, struct fl_oscal_control *o, unsigned long col)
{
	struct ctl *c = &op->c;

	o->label = c->label_state ? fl_buf_str(&c->label) : NULL;
	o->sort_id = c->sort_state ? fl_buf_str(&c->sort_id) : NULL;
	o->withdrawn = c->withdrawn;
	o->examples = c->examples;
	o->statement = c->statement.len ? fl_buf_str(&c->statement) : NULL;
	o->guidance = c->guidance.len ? fl_buf_str(&c->guidance) : NULL;
	o->objectives = c->objectives.len ? fl_buf_str(&c->objectives) : NULL;
	o->methods = c->methods.len ? fl_buf_str(&c->methods) : NULL;
	o->params_json = NULL;
	if (c->nparams > 0) {
		fl_json_arr_close(&c->pj); /* reserved by params_add's bound */
		if (c->params.len > op->lim.max_text)
			return op_text_err(op, FL_E_LIMIT, o->line, col);
		o->params_json = fl_buf_str(&c->params);
	}
	if (op->sink == NULL || op->sink->control == NULL)
		return FL_OK;
	return op->sink->control(op->sink->ctx, o);
}

/* Where a top-level part of a control goes. */
enum part_kind { P_OTHER, P_STATEMENT, P_GUIDANCE, P_OBJECTIVE, P_METHOD,
		 P_EXAMPLE };

static enum part_kind
part_kind(const char *name)
{
	if (name == NULL)
		return P_OTHER;
	if (strcmp(name, "statement") == 0)
		return P_STATEMENT;
	if (strcmp(name, "guidance") == 0)
		return P_GUIDANCE;
	if (strcmp(name, "assessment-objective") == 0 ||
	    strcmp(name, "objective") == 0)
		return P_OBJECTIVE;
	/* "assessment" is the OSCAL 1.0 name for assessment-method */
	if (strcmp(name, "assessment-method") == 0 ||
	    strcmp(name, "assessment") == 0)
		return P_METHOD;
	if (strcmp(name, "example") == 0)
		return P_EXAMPLE;
	return P_OTHER;
}

static struct fl_buf *
part_out(struct ctl *c, enum part_kind k)
{
	switch (k) {
	case P_STATEMENT: return &c->statement;
	case P_GUIDANCE: return &c->guidance;
	case P_OBJECTIVE: return &c->objectives;
	default: return NULL;
	}
}

/* ---- JSON ------------------------------------------------------------- */

struct jctx {
	struct op *op;
	const char *t; /* the text jansson parsed, for the locator */
	size_t n;
	size_t pc_off; /* position cache: bytes [0, pc_off) consumed */
	unsigned long pc_line, pc_col;
};

/*
 * The locator.  It runs only over text jansson has accepted, but it is
 * still bounded by n everywhere and answers NOPOS when lost (a key
 * written with escapes, say); a position of 0:0 then means "unknown".
 */
static size_t
jl_ws(const struct jctx *j, size_t i)
{
	while (i < j->n && is_blank(j->t[i]))
		i++;
	return i;
}

/* i at an opening quote: the index just past the closing one.  Prose is
 * most of a catalog's bytes, so this jumps from quote to quote. */
static size_t
jl_strend(const struct jctx *j, size_t i)
{
	const char *q;

	for (i++; i < j->n; i = (size_t)(q - j->t) + 1) {
		size_t bs = 0;
		if ((q = memchr(j->t + i, '"', j->n - i)) == NULL)
			return NOPOS;
		while (q - bs > j->t + i && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			return (size_t)(q - j->t) + 1;
	}
	return NOPOS;
}

/* Skip one value starting at i: the index just past it. */
static size_t
jl_skip(const struct jctx *j, size_t i)
{
	size_t depth = 0;

	if (i == NOPOS || (i = jl_ws(j, i)) >= j->n)
		return NOPOS;
	if (j->t[i] != '"' && j->t[i] != '{' && j->t[i] != '[') {
		while (i < j->n && !is_blank(j->t[i]) && j->t[i] != ',' &&
		       j->t[i] != '}' && j->t[i] != ']')
			i++;
		return i;
	}
	do {
		if (i >= j->n)
			return NOPOS;
		switch (j->t[i]) {
		case '"':
			if ((i = jl_strend(j, i)) == NOPOS)
				return NOPOS;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return NOPOS;
			depth--;
			break;
		default:
			break;
		}
		i++;
	} while (depth > 0);
	return i;
}

struct jm {
	const char *key;
	size_t off; /* of the member's value, or NOPOS */
};

/* Find the values of several members of the object at obj in one pass. */
static void
jl_members(const struct jctx *j, size_t obj, struct jm *m, size_t nm)
{
	size_t i, k, found = 0;

	for (k = 0; k < nm; k++)
		m[k].off = NOPOS;
	if (obj == NOPOS || obj >= j->n || j->t[obj] != '{')
		return;
	i = jl_ws(j, obj + 1);
	while (i < j->n && j->t[i] == '"') {
		size_t ks = i + 1, e = jl_strend(j, i);
		if (e == NOPOS)
			return;
		i = jl_ws(j, e);
		if (i >= j->n || j->t[i] != ':')
			return;
		i = jl_ws(j, i + 1);
		for (k = 0; k < nm; k++) {
			if (m[k].off == NOPOS && strlen(m[k].key) == e - 1 - ks &&
			    memcmp(m[k].key, j->t + ks, e - 1 - ks) == 0) {
				m[k].off = i;
				found++;
			}
		}
		if (found == nm || (i = jl_skip(j, i)) == NOPOS)
			return;
		i = jl_ws(j, i);
		if (i >= j->n || j->t[i] != ',')
			return;
		i = jl_ws(j, i + 1);
	}
}

static size_t
jl_member(const struct jctx *j, size_t obj, const char *key)
{
	struct jm m = {key, NOPOS};

	jl_members(j, obj, &m, 1);
	return m.off;
}

/* The first element of the array at arr, then each next one. */
static size_t
jl_first(const struct jctx *j, size_t arr)
{
	size_t i;

	if (arr == NOPOS || arr >= j->n || j->t[arr] != '[')
		return NOPOS;
	i = jl_ws(j, arr + 1);
	return i < j->n && j->t[i] != ']' ? i : NOPOS;
}

static size_t
jl_next(const struct jctx *j, size_t el)
{
	size_t i = jl_skip(j, el);

	if (i == NOPOS || (i = jl_ws(j, i)) >= j->n || j->t[i] != ',')
		return NOPOS;
	return jl_ws(j, i + 1);
}

static size_t
jl_index(const struct jctx *j, size_t arr, size_t idx)
{
	size_t el = jl_first(j, arr);

	while (idx-- > 0 && el != NOPOS)
		el = jl_next(j, el);
	return el;
}

/*
 * Where a value is: known (off), or element idx of the array in member
 * key of the value at up (the member itself when idx is NOPOS).  Groups and controls are located as they are
 * walked (each needs its line); parts, params and props only when one of
 * them is wrong, which keeps the locator off most of the bytes.
 */
struct jpath {
	const struct jpath *up;
	size_t off;
	const char *key;
	size_t idx;
};

static size_t
jp_off(const struct jctx *j, const struct jpath *p)
{
	if (p == NULL)
		return NOPOS;
	if (p->off != NOPOS || p->up == NULL)
		return p->off;
	if (p->idx == NOPOS)
		return jl_member(j, jp_off(j, p->up), p->key);
	return jl_index(j, jl_member(j, jp_off(j, p->up), p->key), p->idx);
}

/*
 * Line and column (1-based, counting characters as jansson does) of the
 * byte at off.  Requests come mostly in document order, so counting goes
 * on from the last answer.
 */
static void
jl_pos(struct jctx *j, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = *col = 0;
	if (off == NOPOS || off >= j->n)
		return;
	if (off < j->pc_off) {
		j->pc_off = 0;
		j->pc_line = 1;
		j->pc_col = 0;
	}
	for (i = j->pc_off; i < off; i++) {
		if (j->t[i] == '\n') {
			j->pc_line++;
			j->pc_col = 0;
		} else if (((unsigned char)j->t[i] & 0xC0) != 0x80) {
			j->pc_col++;
		}
	}
	j->pc_off = off;
	*line = j->pc_line;
	*col = j->pc_col + 1;
}

static fl_err j_err(struct jctx *j, fl_err rc, size_t off, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

static fl_err
j_err(struct jctx *j, fl_err rc, size_t off, const char *fmt, ...)
{
	unsigned long line, col;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	jl_pos(j, off, &line, &col);
	return fl_diag_set(j->op->d, rc, j->op->file, line, col, "%s", msg);
}

static fl_err
j_text_err(struct jctx *j, fl_err rc, size_t off)
{
	unsigned long line, col;

	jl_pos(j, off, &line, &col);
	return op_text_err(j->op, rc, line, col);
}

/* The offset of member key of the value at `at`, for a message. */
static size_t
jp_member(const struct jctx *j, const struct jpath *at, const char *key)
{
	return jl_member(j, jp_off(j, at), key);
}

/* A string member of obj (at `at`), or NULL when absent. */
static fl_err
j_str(struct jctx *j, json_t *obj, const struct jpath *at, const char *key,
      const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return FL_OK;
	if (!json_is_string(v))
		return j_err(j, FL_E_SYNTAX, jp_member(j, at, key),
			     "'%s' must be a string", key);
	if (json_string_length(v) > j->op->lim.max_text)
		return j_text_err(j, FL_E_LIMIT, jp_member(j, at, key));
	*out = json_string_value(v);
	return FL_OK;
}

/* An array member of obj, or NULL when absent. */
static fl_err
j_arr(struct jctx *j, json_t *obj, const struct jpath *at, const char *key,
      json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return FL_OK;
	if (!json_is_array(v))
		return j_err(j, FL_E_SYNTAX, jp_member(j, at, key),
			     "'%s' must be an array", key);
	*out = v;
	return FL_OK;
}

static fl_err
j_obj(struct jctx *j, json_t *obj, const struct jpath *at, const char *key,
      json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return FL_OK;
	if (!json_is_object(v))
		return j_err(j, FL_E_SYNTAX, jp_member(j, at, key),
			     "'%s' must be an object", key);
	*out = v;
	return FL_OK;
}

/* Element i of the props array of the object at `at`: name and value must
 * be strings; has_class says whether it carries a class. */
static fl_err
j_prop(struct jctx *j, json_t *props, const struct jpath *at, size_t i,
       const char **name, const char **value, int *has_class)
{
	struct jpath pp = {at, NOPOS, "props", i};
	json_t *p = json_array_get(props, i);
	fl_err rc;

	if (!json_is_object(p))
		return j_err(j, FL_E_SYNTAX, jp_off(j, &pp),
			     "a prop must be an object");
	if ((rc = j_str(j, p, &pp, "name", name)) != FL_OK ||
	    (rc = j_str(j, p, &pp, "value", value)) != FL_OK)
		return rc;
	if (*name == NULL || *value == NULL)
		return j_err(j, FL_E_SYNTAX, jp_off(j, &pp),
			     "a prop needs a name and a value");
	*has_class = json_object_get(p, "class") != NULL;
	return FL_OK;
}

static fl_err
j_check_depth(struct jctx *j, size_t depth, const struct jpath *at)
{
	if (depth > j->op->lim.max_depth)
		return j_err(j, FL_E_LIMIT, jp_off(j, at),
			     "nesting deeper than %zu levels",
			     j->op->lim.max_depth);
	return FL_OK;
}

/* Flatten a part and its sub-parts into out, one line each. */
static fl_err
j_flatten(struct jctx *j, json_t *part, const struct jpath *at,
	  struct fl_buf *out, size_t level, size_t depth)
{
	const char *prose, *label = NULL;
	int label_plain = 0, wrote = 0;
	json_t *props, *parts;
	size_t i;
	fl_err rc;

	if ((rc = j_check_depth(j, depth, at)) != FL_OK)
		return rc;
	if (!json_is_object(part))
		return j_err(j, FL_E_SYNTAX, jp_off(j, at),
			     "a part must be an object");
	if ((rc = j_arr(j, part, at, "props", &props)) != FL_OK ||
	    (rc = j_arr(j, part, at, "parts", &parts)) != FL_OK ||
	    (rc = j_str(j, part, at, "prose", &prose)) != FL_OK)
		return rc;
	for (i = 0; props != NULL && i < json_array_size(props); i++) {
		const char *name, *value;
		int has_class;
		if ((rc = j_prop(j, props, at, i, &name, &value,
				 &has_class)) != FL_OK)
			return rc;
		if (strcmp(name, "label") == 0 &&
		    (label == NULL || (!label_plain && !has_class))) {
			label = value;
			label_plain = !has_class;
		}
	}
	if (prose != NULL && (rc = put_line(out, level, label, prose,
					    strlen(prose), &wrote)) != FL_OK)
		return j_text_err(j, rc, jp_off(j, at));
	for (i = 0; parts != NULL && i < json_array_size(parts); i++) {
		struct jpath cp = {at, NOPOS, "parts", i};
		if ((rc = j_flatten(j, json_array_get(parts, i), &cp, out,
				    child_level(level, wrote), depth + 1)) !=
		    FL_OK)
			return rc;
	}
	return FL_OK;
}

/* The method props of an assessment-method part. */
static fl_err
j_methods(struct jctx *j, json_t *part, const struct jpath *at)
{
	json_t *props;
	size_t i;
	fl_err rc;

	if ((rc = j_arr(j, part, at, "props", &props)) != FL_OK)
		return rc;
	for (i = 0; props != NULL && i < json_array_size(props); i++) {
		const char *name, *value;
		int has_class;
		if ((rc = j_prop(j, props, at, i, &name, &value,
				 &has_class)) != FL_OK)
			return rc;
		if (strcmp(name, "method") == 0 &&
		    (rc = method_add(&j->op->c, value)) != FL_OK)
			return j_text_err(j, rc, jp_off(j, at));
	}
	return FL_OK;
}

/* One param: id, label and the choices of its select. */
static fl_err
j_param(struct jctx *j, json_t *p, const struct jpath *at)
{
	struct jpath sp = {at, NOPOS, "select", NOPOS};
	const char *id, *label, **choices = NULL;
	json_t *sel, *ch = NULL;
	size_t k, n = 0;
	fl_err rc;

	if (!json_is_object(p))
		return j_err(j, FL_E_SYNTAX, jp_off(j, at),
			     "a param must be an object");
	if ((rc = j_str(j, p, at, "id", &id)) != FL_OK ||
	    (rc = j_str(j, p, at, "label", &label)) != FL_OK ||
	    (rc = j_obj(j, p, at, "select", &sel)) != FL_OK)
		return rc;
	if (sel != NULL && (rc = j_arr(j, sel, &sp, "choice", &ch)) != FL_OK)
		return rc;
	if (ch != NULL && (n = json_array_size(ch)) > 0 &&
	    (choices = calloc(n, sizeof *choices)) == NULL)
		return j_err(j, FL_E_NOMEM, jp_off(j, at), "out of memory");
	for (k = 0; k < n; k++) {
		json_t *v = json_array_get(ch, k);
		if (!json_is_string(v)) {
			free(choices);
			return j_err(j, FL_E_SYNTAX, jp_off(j, at),
				     "a choice must be a string");
		}
		choices[k] = json_string_value(v);
	}
	rc = params_add(j->op, id ? id : "", label, choices, n);
	free(choices);
	if (rc != FL_OK)
		return j_text_err(j, rc, jp_off(j, at));
	return FL_OK;
}

static fl_err j_controls(struct jctx *j, json_t *arr, size_t aoff,
			 const char *group_id, const char *parent_id,
			 size_t depth);

static fl_err
j_control(struct jctx *j, json_t *c, size_t off, const char *group_id,
	  const char *parent_id, size_t depth)
{
	struct jpath at = {NULL, off, NULL, 0};
	struct fl_oscal_control o;
	struct op *op = j->op;
	json_t *props, *params, *parts, *kids;
	unsigned long col;
	size_t i;
	fl_err rc;

	memset(&o, 0, sizeof o);
	if ((rc = j_check_depth(j, depth, &at)) != FL_OK)
		return rc;
	if (!json_is_object(c))
		return j_err(j, FL_E_SYNTAX, off, "a control must be an object");
	jl_pos(j, off, &o.line, &col);
	if ((rc = count_control(op, &o.seq, o.line, col)) != FL_OK)
		return rc;
	if ((rc = j_str(j, c, &at, "id", &o.id)) != FL_OK ||
	    (rc = j_str(j, c, &at, "title", &o.title)) != FL_OK ||
	    (rc = j_str(j, c, &at, "class", &o.class)) != FL_OK ||
	    (rc = j_arr(j, c, &at, "props", &props)) != FL_OK ||
	    (rc = j_arr(j, c, &at, "params", &params)) != FL_OK ||
	    (rc = j_arr(j, c, &at, "parts", &parts)) != FL_OK ||
	    (rc = j_arr(j, c, &at, "controls", &kids)) != FL_OK)
		return rc;
	if (o.id == NULL || o.id[0] == '\0')
		return j_err(j, FL_E_SYNTAX, off, "a control needs an id");
	if (o.title == NULL)
		o.title = "";
	o.group_id = group_id;
	o.parent_id = parent_id;

	ctl_reset(&op->c);
	for (i = 0; props != NULL && i < json_array_size(props); i++) {
		const char *name, *value;
		int has_class;
		if ((rc = j_prop(j, props, &at, i, &name, &value,
				 &has_class)) != FL_OK)
			return rc;
		if ((rc = ctl_prop(&op->c, name, value, has_class)) != FL_OK)
			return j_text_err(j, rc, off);
	}
	for (i = 0; params != NULL && i < json_array_size(params); i++) {
		struct jpath pp = {&at, NOPOS, "params", i};
		if ((rc = j_param(j, json_array_get(params, i), &pp)) != FL_OK)
			return rc;
	}
	for (i = 0; parts != NULL && i < json_array_size(parts); i++) {
		struct jpath pp = {&at, NOPOS, "parts", i};
		json_t *p = json_array_get(parts, i);
		const char *name = NULL;
		enum part_kind k;

		if (!json_is_object(p))
			return j_err(j, FL_E_SYNTAX, jp_off(j, &pp),
				     "a part must be an object");
		if ((rc = j_str(j, p, &pp, "name", &name)) != FL_OK)
			return rc;
		k = part_kind(name);
		if (k == P_EXAMPLE)
			op->c.examples++;
		else if (k == P_METHOD)
			rc = j_methods(j, p, &pp);
		else if (part_out(&op->c, k) != NULL)
			rc = j_flatten(j, p, &pp, part_out(&op->c, k), 0,
				       depth + 1);
		if (rc != FL_OK)
			return rc;
	}
	if ((rc = emit_control(op, &o, col)) != FL_OK)
		return rc;
	if (kids != NULL)
		return j_controls(j, kids, jl_member(j, off, "controls"),
				  group_id, o.id, depth + 1);
	return FL_OK;
}

static fl_err
j_controls(struct jctx *j, json_t *arr, size_t aoff, const char *group_id,
	   const char *parent_id, size_t depth)
{
	size_t i, el = jl_first(j, aoff);
	fl_err rc;

	for (i = 0; i < json_array_size(arr); i++) {
		if ((rc = j_control(j, json_array_get(arr, i), el, group_id,
				    parent_id, depth)) != FL_OK)
			return rc;
		el = jl_next(j, el);
	}
	return FL_OK;
}

static fl_err j_groups(struct jctx *j, json_t *arr, size_t aoff,
		       const char *parent_id, size_t depth);

/*
 * The groups and controls inside a catalog or group, in the order their
 * keys appear (jansson keeps insertion order).
 */
static fl_err
j_children(struct jctx *j, json_t *obj, size_t off, const char *group_id,
	   size_t depth)
{
	struct jm m[2] = {{"groups", NOPOS}, {"controls", NOPOS}};
	const char *key;
	json_t *v;
	fl_err rc;

	jl_members(j, off, m, 2);
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "groups") == 0) {
			if (!json_is_array(v))
				return j_err(j, FL_E_SYNTAX, m[0].off,
					     "'groups' must be an array");
			rc = j_groups(j, v, m[0].off, group_id, depth);
		} else if (strcmp(key, "controls") == 0) {
			if (!json_is_array(v))
				return j_err(j, FL_E_SYNTAX, m[1].off,
					     "'controls' must be an array");
			rc = j_controls(j, v, m[1].off, group_id, NULL, depth);
		} else {
			continue;
		}
		if (rc != FL_OK)
			return rc;
	}
	return FL_OK;
}

static fl_err
j_group(struct jctx *j, json_t *g, size_t off, const char *parent_id,
	size_t depth)
{
	struct jpath at = {NULL, off, NULL, 0};
	struct fl_oscal_group o;
	unsigned long line, col;
	fl_err rc;

	memset(&o, 0, sizeof o);
	if ((rc = j_check_depth(j, depth, &at)) != FL_OK)
		return rc;
	if (!json_is_object(g))
		return j_err(j, FL_E_SYNTAX, off, "a group must be an object");
	jl_pos(j, off, &line, &col);
	if ((rc = count_group(j->op, &o.seq, line, col)) != FL_OK)
		return rc;
	o.line = line;
	if ((rc = j_str(j, g, &at, "id", &o.id)) != FL_OK ||
	    (rc = j_str(j, g, &at, "title", &o.title)) != FL_OK ||
	    (rc = j_str(j, g, &at, "class", &o.class)) != FL_OK)
		return rc;
	if (o.id == NULL)
		o.id = "";
	if (o.title == NULL)
		o.title = "";
	o.parent_id = parent_id;
	if ((rc = emit_group(j->op, &o)) != FL_OK)
		return rc;
	return j_children(j, g, off, o.id, depth + 1);
}

static fl_err
j_groups(struct jctx *j, json_t *arr, size_t aoff, const char *parent_id,
	 size_t depth)
{
	size_t i, el = jl_first(j, aoff);
	fl_err rc;

	for (i = 0; i < json_array_size(arr); i++) {
		if ((rc = j_group(j, json_array_get(arr, i), el, parent_id,
				  depth)) != FL_OK)
			return rc;
		el = jl_next(j, el);
	}
	return FL_OK;
}

/* The OSCAL models a root object can name, for a clearer refusal. */
static const char *const oscal_models[] = {
	"profile", "component-definition", "system-security-plan",
	"assessment-plan", "assessment-results",
	"plan-of-action-and-milestones", "mapping-collection", NULL
};

static fl_err
j_not_catalog(struct jctx *j, json_t *root, size_t off)
{
	size_t i;

	if (json_is_object(root))
		for (i = 0; oscal_models[i] != NULL; i++)
			if (json_object_get(root, oscal_models[i]) != NULL)
				return j_err(j, FL_E_SYNTAX, off,
					     "not an OSCAL catalog (%s)",
					     oscal_models[i]);
	return j_err(j, FL_E_SYNTAX, off, "not an OSCAL catalog");
}

static fl_err
j_metadata(struct jctx *j, json_t *c, const struct jpath *cat_at)
{
	struct jpath at = {cat_at, NOPOS, "metadata", NOPOS};
	struct fl_oscal_catalog cat;
	json_t *meta = NULL, *props = NULL;
	size_t i;
	fl_err rc;

	memset(&cat, 0, sizeof cat);
	if ((rc = j_str(j, c, cat_at, "uuid", &cat.uuid)) != FL_OK ||
	    (rc = j_obj(j, c, cat_at, "metadata", &meta)) != FL_OK)
		return rc;
	if (meta != NULL &&
	    ((rc = j_str(j, meta, &at, "title", &cat.title)) != FL_OK ||
	     (rc = j_str(j, meta, &at, "version", &cat.version)) != FL_OK ||
	     (rc = j_str(j, meta, &at, "oscal-version",
			 &cat.oscal_version)) != FL_OK ||
	     (rc = j_str(j, meta, &at, "last-modified",
			 &cat.last_modified)) != FL_OK ||
	     (rc = j_arr(j, meta, &at, "props", &props)) != FL_OK))
		return rc;
	for (i = 0; props != NULL && i < json_array_size(props); i++) {
		const char *name, *value;
		int has_class;
		if ((rc = j_prop(j, props, &at, i, &name, &value,
				 &has_class)) != FL_OK)
			return rc;
		if (cat.framework == NULL &&
		    strcmp(name, "framework-identifier") == 0)
			cat.framework = value;
	}
	return emit_catalog(j->op, &cat);
}

static fl_err
json_parse(struct op *op, const char *t, size_t n)
{
	struct jctx j = {op, t, n, 0, 1, 0};
	struct jpath at = {NULL, NOPOS, NULL, 0};
	json_t *root, *c;
	json_error_t e;
	size_t roff;
	fl_err rc;

	root = json_loadb(t, n, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL) {
		switch (json_error_code(&e)) {
		case json_error_out_of_memory: rc = FL_E_NOMEM; break;
		case json_error_stack_overflow: rc = FL_E_LIMIT; break;
		default: rc = FL_E_SYNTAX; break;
		}
		/* jansson says column 0 when the error follows a newline */
		return op_err(op, rc, e.line > 0 ? (unsigned long)e.line : 1,
			      e.column > 0 ? (unsigned long)e.column : 1, "%s",
			      e.text);
	}
	roff = jl_ws(&j, 0);
	c = json_is_object(root) ? json_object_get(root, "catalog") : NULL;
	if (!json_is_object(c)) {
		rc = j_not_catalog(&j, root, roff);
		goto out;
	}
	at.off = jl_member(&j, roff, "catalog");
	if ((rc = j_metadata(&j, c, &at)) != FL_OK)
		goto out;
	rc = j_children(&j, c, at.off, NULL, 1);
out:
	json_decref(root);
	return rc;
}

/* ---- XML -------------------------------------------------------------- */

enum xk {
	XK_IGNORE,    /* not ours: the whole subtree is skipped */
	XK_CATALOG,
	XK_META,
	XK_META_TEXT, /* title, version, oscal-version, last-modified */
	XK_GROUP,
	XK_CONTROL,
	XK_TITLE,     /* of a group or control */
	XK_PARAM,
	XK_PLABEL,    /* a param's label */
	XK_SELECT,
	XK_CHOICE,
	XK_PART,      /* a part whose prose is kept */
	XK_MPART,     /* an assessment-method part: only its method props */
	XK_BLOCK,     /* p, li, h1..h6, pre, ... */
	XK_LIST,      /* ol, ul */
	XK_INLINE     /* em, strong, code, a, insert, ... */
};

enum { MT_TITLE, MT_VERSION, MT_OSCAL, MT_MODIFIED, MT_N };

struct xframe {
	enum xk kind;
	int sub;             /* META_TEXT: field; LIST: ordered; BLOCK: pre */
	const char *marker;  /* INLINE: closing markup */
	char *id;            /* GROUP, CONTROL: own id, for their children */
	char *label;         /* PART: the label prop */
	int label_plain;
	struct fl_buf *out;  /* PART: the flattened field it feeds */
	size_t level;        /* PART: nesting below the control's part */
	int done;            /* PART: line flushed; GROUP/CONTROL: emitted */
	int wrote;           /* PART: the flush gave a line */
	long items;          /* LIST: items so far */
	size_t sdepth;       /* groups, controls and parts around, itself incl. */
	size_t seq;          /* GROUP, CONTROL */
	unsigned long line, col;
	struct fl_buf *txt;  /* where character data goes while innermost */
};

struct xp {
	struct op *op;
	XML_Parser p;
	const char *data;       /* the whole document, for x_doctype */
	size_t len;
	fl_err rc;
	struct xframe *st;
	size_t n, cap, max_elem;
	char *root_ns;          /* namespace of <catalog>, "" for none */
	struct fl_buf scratch;  /* titles, labels, choices, metadata text */
	struct fl_buf pending;  /* prose of the innermost kept part */
	struct fl_buf *txt;
	int ws, fresh, pre;     /* whitespace collapsing state */
	/* the catalog */
	char *uuid, *framework, *meta[MT_N];
	int cat_done;
	/* the group being read (at most one is unemitted at a time) */
	struct fl_buf gtitle;
	char *gclass;
	/* the param being read */
	char *pid, *plabel, **choices;
	size_t nchoices, capchoices;
	int in_select;
};

static void
x_pos(struct xp *x, unsigned long *line, unsigned long *col)
{
	*line = (unsigned long)XML_GetCurrentLineNumber(x->p);
	*col = (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1;
}

/* Stop the parser with an error at the current event. */
static void x_fail(struct xp *x, fl_err rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
x_fail(struct xp *x, fl_err rc, const char *fmt, ...)
{
	unsigned long line, col;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	x_pos(x, &line, &col);
	x->rc = fl_diag_set(x->op->d, rc, x->op->file, line, col, "%s", msg);
	XML_StopParser(x->p, XML_FALSE);
}

static void
x_text_fail(struct xp *x, fl_err rc)
{
	if (rc == FL_E_LIMIT)
		x_fail(x, rc, "text longer than %zu bytes", x->op->lim.max_text);
	else
		x_fail(x, rc, "%s", fl_err_str(rc));
}

/* Stop with an error whose diag is already written (by a sink, say). */
static void
x_stop(struct xp *x, fl_err rc)
{
	x->rc = rc;
	XML_StopParser(x->p, XML_FALSE);
}

/* Pass on a result whose diag is written, stopping on an error. */
static fl_err
x_pass(struct xp *x, fl_err rc)
{
	if (rc != FL_OK)
		x_stop(x, rc);
	return rc;
}

static const char *
x_attr(const XML_Char **atts, const char *name)
{
	for (; atts[0] != NULL; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* Character data, with runs of XML whitespace collapsed to one space and
 * none at the start or end of a block. */
static fl_err
x_chars(struct xp *x, const char *s, size_t n)
{
	size_t i = 0, run;
	fl_err rc;

	while (i < n) {
		if (!x->pre && is_blank(s[i])) {
			if (!x->fresh)
				x->ws = 1;
			i++;
			continue;
		}
		run = i;
		while (run < n && (x->pre || !is_blank(s[run])))
			run++;
		if (x->ws && (rc = fl_buf_putc(x->txt, ' ')) != FL_OK)
			return rc;
		x->ws = 0;
		if ((rc = fl_buf_append(x->txt, s + i, run - i)) != FL_OK)
			return rc;
		x->fresh = 0;
		i = run;
	}
	return FL_OK;
}

static void XMLCALL
x_cdata(void *ud, const XML_Char *s, int len)
{
	struct xp *x = ud;
	fl_err rc;

	if (x->rc != FL_OK || x->txt == NULL || len <= 0)
		return;
	if ((rc = x_chars(x, s, (size_t)len)) != FL_OK)
		x_text_fail(x, rc);
}

/* Markup that is not text (an inline marker, an insertion). */
static fl_err
x_mark(struct xp *x, const char *s)
{
	fl_err rc;

	if (x->txt == NULL)
		return FL_OK;
	if (x->ws && (rc = fl_buf_putc(x->txt, ' ')) != FL_OK)
		return rc;
	x->ws = 0;
	x->fresh = 0;
	return fl_buf_puts(x->txt, s);
}

/* Start capturing a short text (title, label, choice) into scratch. */
static void
x_capture(struct xp *x, struct xframe *f)
{
	fl_buf_reset(&x->scratch);
	f->txt = &x->scratch;
	x->ws = 0;
	x->fresh = 1;
}

static fl_err
x_emit_catalog(struct xp *x)
{
	struct fl_oscal_catalog cat;

	if (x->cat_done)
		return FL_OK;
	x->cat_done = 1;
	cat.uuid = x->uuid;
	cat.title = x->meta[MT_TITLE];
	cat.version = x->meta[MT_VERSION];
	cat.oscal_version = x->meta[MT_OSCAL];
	cat.last_modified = x->meta[MT_MODIFIED];
	cat.framework = x->framework;
	return emit_catalog(x->op, &cat);
}

/* The id of the nearest frame of kind k below index i, or NULL. */
static const char *
x_enclosing(struct xp *x, size_t i, enum xk k)
{
	while (i-- > 0)
		if (x->st[i].kind == k)
			return x->st[i].id;
	return NULL;
}

static fl_err
x_emit_group(struct xp *x, size_t i)
{
	struct xframe *f = &x->st[i];
	struct fl_oscal_group o;

	if (f->done)
		return FL_OK;
	f->done = 1;
	o.id = f->id;
	o.title = fl_buf_str(&x->gtitle);
	o.class = x->gclass;
	o.parent_id = x_enclosing(x, i, XK_GROUP);
	o.seq = f->seq;
	o.line = f->line;
	return emit_group(x->op, &o);
}

static fl_err
x_emit_control(struct xp *x, size_t i)
{
	struct xframe *f = &x->st[i];
	struct fl_oscal_control o;
	struct ctl *c = &x->op->c;

	if (f->done)
		return FL_OK;
	f->done = 1;
	memset(&o, 0, sizeof o);
	o.id = f->id;
	o.title = fl_buf_str(&c->title);
	o.class = c->klass.len ? fl_buf_str(&c->klass) : NULL;
	o.group_id = x_enclosing(x, i, XK_GROUP);
	o.parent_id = x_enclosing(x, i, XK_CONTROL);
	o.seq = f->seq;
	o.line = f->line;
	return emit_control(x->op, &o, f->col);
}

/* Write a kept part's pending prose as its line. */
static fl_err
x_part_flush(struct xp *x, struct xframe *f)
{
	fl_err rc;
	int wrote;

	rc = put_line(f->out, f->level, f->done ? NULL : f->label,
		      x->pending.data, x->pending.len, &wrote);
	f->done = 1;
	f->wrote |= wrote;
	fl_buf_reset(&x->pending);
	x->ws = 0;
	x->fresh = 1;
	return rc;
}

static void
x_param_clear(struct xp *x)
{
	size_t i;

	free(x->pid);
	free(x->plabel);
	for (i = 0; i < x->nchoices; i++)
		free(x->choices[i]);
	free(x->choices);
	x->pid = x->plabel = NULL;
	x->choices = NULL;
	x->nchoices = x->capchoices = 0;
	x->in_select = 0;
}

static fl_err
x_choice_add(struct xp *x)
{
	char *s, **nc;
	size_t ncap;

	if (x->nchoices == x->capchoices) {
		ncap = x->capchoices ? x->capchoices * 2 : 8;
		if (ncap > SIZE_MAX / sizeof *nc)
			return FL_E_NOMEM;
		nc = realloc(x->choices, ncap * sizeof *nc);
		if (nc == NULL)
			return FL_E_NOMEM;
		x->choices = nc;
		x->capchoices = ncap;
	}
	if ((s = fl_strndup(fl_buf_str(&x->scratch), x->scratch.len)) == NULL)
		return FL_E_NOMEM;
	x->choices[x->nchoices++] = s;
	return FL_OK;
}

static int
is_block(const char *l)
{
	static const char *const b[] = {"p", "h1", "h2", "h3", "h4", "h5",
		"h6", "pre", "blockquote", "table", NULL};
	size_t i;

	for (i = 0; b[i] != NULL; i++)
		if (strcmp(l, b[i]) == 0)
			return 1;
	return 0;
}

/* Closing markup of an inline element: OSCAL's Markdown equivalents. */
static const char *
inline_marker(const char *l)
{
	if (strcmp(l, "em") == 0 || strcmp(l, "i") == 0)
		return "*";
	if (strcmp(l, "strong") == 0 || strcmp(l, "b") == 0)
		return "**";
	if (strcmp(l, "code") == 0)
		return "`";
	return "";
}

/* <insert type="param" id-ref="ID"/> as OSCAL JSON writes it. */
static fl_err
x_insert(struct xp *x, const XML_Char **atts)
{
	const char *type = x_attr(atts, "type");
	const char *ref = x_attr(atts, "id-ref");
	fl_err rc;

	if ((rc = x_mark(x, "{{ insert: ")) != FL_OK ||
	    (rc = fl_buf_puts(x->txt, type ? type : "param")) != FL_OK ||
	    (rc = fl_buf_puts(x->txt, ", ")) != FL_OK ||
	    (rc = fl_buf_puts(x->txt, ref ? ref : "")) != FL_OK)
		return rc;
	return fl_buf_puts(x->txt, " }}");
}

/* End the prose so far with n line breaks (none at its start): a block
 * after a block is one blank line apart however deeply both are nested. */
static fl_err
x_break(struct xp *x, size_t n)
{
	struct fl_buf *b = &x->pending;
	size_t have = 0;
	fl_err rc;

	x->ws = 0;
	x->fresh = 1;
	if (b->len == 0)
		return FL_OK;
	while (have < n && have < b->len && b->data[b->len - 1 - have] == '\n')
		have++;
	for (; have < n; have++)
		if ((rc = fl_buf_putc(b, '\n')) != FL_OK)
			return rc;
	return FL_OK;
}

/*
 * An element inside text (a title, a choice, a kept part's prose): block
 * and list structure becomes line breaks, inline markup becomes Markdown.
 * Titles and choices are one line, so there blocks are only spaces.
 */
static fl_err
x_start_text(struct xp *x, struct xframe *top, struct xframe *f,
	     const char *l, const XML_Char **atts)
{
	int prose = top->txt == &x->pending;
	char mark[32];
	fl_err rc;

	f->txt = top->txt;
	f->kind = XK_INLINE;
	if (strcmp(l, "insert") == 0) {
		f->txt = NULL; /* an insert has no content of its own */
		return x_insert(x, atts);
	}
	if (strcmp(l, "ol") == 0 || strcmp(l, "ul") == 0) {
		f->kind = XK_LIST;
		f->sub = l[0] == 'o';
		return FL_OK;
	}
	if (strcmp(l, "br") == 0 || strcmp(l, "td") == 0 ||
	    strcmp(l, "th") == 0 ||
	    (!prose && (is_block(l) || strcmp(l, "li") == 0))) {
		x->ws = !x->fresh;
		return FL_OK;
	}
	if (strcmp(l, "li") == 0) {
		f->kind = XK_BLOCK;
		if (top->kind == XK_LIST && top->sub)
			snprintf(mark, sizeof mark, "%ld. ", ++top->items);
		else
			fl_strlcpy(mark, "- ", sizeof mark);
		if ((rc = x_break(x, 1)) != FL_OK)
			return rc;
		return fl_buf_puts(&x->pending, mark);
	}
	if (strcmp(l, "tr") == 0) {
		f->kind = XK_BLOCK;
		return x_break(x, 1);
	}
	if (is_block(l)) {
		f->kind = XK_BLOCK;
		if ((rc = x_break(x, 2)) != FL_OK)
			return rc;
		if (strcmp(l, "pre") == 0) {
			f->sub = 1;
			x->pre++;
		}
		return FL_OK;
	}
	f->marker = inline_marker(l);
	return f->marker[0] != '\0' ? x_mark(x, f->marker) : FL_OK;
}

/* A prop: what it means depends on where it is. */
static fl_err
x_prop(struct xp *x, struct xframe *top, const XML_Char **atts)
{
	const char *name = x_attr(atts, "name");
	const char *value = x_attr(atts, "value");
	int has_class = x_attr(atts, "class") != NULL;

	if (name == NULL || value == NULL)
		return FL_OK;
	switch (top->kind) {
	case XK_META:
		if (x->framework == NULL &&
		    strcmp(name, "framework-identifier") == 0 &&
		    (x->framework = fl_strdup(value)) == NULL)
			return FL_E_NOMEM;
		return FL_OK;
	case XK_CONTROL:
		return ctl_prop(&x->op->c, name, value, has_class);
	case XK_PART:
		if (strcmp(name, "label") == 0 &&
		    (top->label == NULL || (!top->label_plain && !has_class))) {
			free(top->label);
			if ((top->label = fl_strdup(value)) == NULL)
				return FL_E_NOMEM;
			top->label_plain = !has_class;
		}
		return FL_OK;
	case XK_MPART:
		if (strcmp(name, "method") == 0)
			return method_add(&x->op->c, value);
		return FL_OK;
	default:
		return FL_OK;
	}
}

static int
x_structural(enum xk k)
{
	return k == XK_GROUP || k == XK_CONTROL || k == XK_PART ||
	       k == XK_MPART;
}

/* Decide what the new element f (local name l, a child of top) is. */
static fl_err
x_classify(struct xp *x, struct xframe *top, struct xframe *f, const char *l,
	   const XML_Char **atts)
{
	size_t ti = (size_t)(top - x->st);
	const char *s;
	fl_err rc;

	switch (top->kind) {
	case XK_CATALOG:
		if (strcmp(l, "metadata") == 0) {
			f->kind = XK_META;
		} else if (strcmp(l, "group") == 0 ||
			   strcmp(l, "control") == 0) {
			f->kind = l[0] == 'g' ? XK_GROUP : XK_CONTROL;
			return x_pass(x, x_emit_catalog(x));
		}
		return FL_OK;
	case XK_META:
		if (strcmp(l, "prop") == 0)
			return x_prop(x, top, atts);
		f->sub = strcmp(l, "title") == 0 ? MT_TITLE
		       : strcmp(l, "version") == 0 ? MT_VERSION
		       : strcmp(l, "oscal-version") == 0 ? MT_OSCAL
		       : strcmp(l, "last-modified") == 0 ? MT_MODIFIED : -1;
		if (f->sub >= 0 && x->meta[f->sub] == NULL) {
			f->kind = XK_META_TEXT;
			x_capture(x, f);
		}
		return FL_OK;
	case XK_GROUP:
		if (strcmp(l, "title") == 0 && !top->done) {
			f->kind = XK_TITLE;
			x_capture(x, f);
		} else if (strcmp(l, "group") == 0 ||
			   strcmp(l, "control") == 0) {
			f->kind = l[0] == 'g' ? XK_GROUP : XK_CONTROL;
			return x_pass(x, x_emit_group(x, ti));
		}
		return FL_OK;
	case XK_CONTROL:
		if (strcmp(l, "control") == 0) {
			f->kind = XK_CONTROL;
			return x_pass(x, x_emit_control(x, ti));
		}
		if (top->done) /* after an enhancement: too late to matter */
			return FL_OK;
		if (strcmp(l, "title") == 0) {
			f->kind = XK_TITLE;
			x_capture(x, f);
		} else if (strcmp(l, "param") == 0) {
			f->kind = XK_PARAM;
			x_param_clear(x);
			s = x_attr(atts, "id");
			if ((x->pid = fl_strdup(s ? s : "")) == NULL)
				return FL_E_NOMEM;
		} else if (strcmp(l, "prop") == 0) {
			return x_prop(x, top, atts);
		} else if (strcmp(l, "part") == 0) {
			enum part_kind k = part_kind(x_attr(atts, "name"));
			if (k == P_EXAMPLE)
				x->op->c.examples++;
			else if (k == P_METHOD)
				f->kind = XK_MPART;
			else if ((f->out = part_out(&x->op->c, k)) != NULL) {
				f->kind = XK_PART;
				f->txt = &x->pending;
				fl_buf_reset(&x->pending);
				x->ws = 0;
				x->fresh = 1;
			}
		}
		return FL_OK;
	case XK_PARAM:
		if (strcmp(l, "label") == 0 && x->plabel == NULL) {
			f->kind = XK_PLABEL;
			x_capture(x, f);
		} else if (strcmp(l, "select") == 0 && !x->in_select) {
			f->kind = XK_SELECT;
			x->in_select = 1;
		}
		return FL_OK;
	case XK_SELECT:
		if (strcmp(l, "choice") == 0) {
			f->kind = XK_CHOICE;
			x_capture(x, f);
		}
		return FL_OK;
	case XK_MPART:
		if (strcmp(l, "prop") == 0)
			return x_prop(x, top, atts);
		return FL_OK;
	case XK_PART:
		if (strcmp(l, "prop") == 0)
			return x_prop(x, top, atts);
		if (strcmp(l, "part") == 0) {
			if ((rc = x_part_flush(x, top)) != FL_OK) {
				/* name the part whose text is too long */
				op_text_err(x->op, rc, top->line, top->col);
				return x_pass(x, rc);
			}
			f->kind = XK_PART;
			f->out = top->out;
			f->level = child_level(top->level, top->wrote);
			f->txt = &x->pending;
			return FL_OK;
		}
		if (strcmp(l, "title") == 0 || strcmp(l, "link") == 0)
			return FL_OK;
		return x_start_text(x, top, f, l, atts);
	case XK_META_TEXT:
	case XK_TITLE:
	case XK_PLABEL:
	case XK_CHOICE:
	case XK_BLOCK:
	case XK_LIST:
	case XK_INLINE:
		if (top->txt == NULL)
			return FL_OK;
		return x_start_text(x, top, f, l, atts);
	case XK_IGNORE:
		return FL_OK;
	}
	return FL_OK;
}

/* Split an expat name "URI\1local" (or "local"). */
static const char *
x_split(const XML_Char *name, size_t *nslen)
{
	const char *sep = strrchr(name, '\x01');

	if (sep == NULL) {
		*nslen = 0;
		return name;
	}
	*nslen = (size_t)(sep - name);
	return sep + 1;
}

static fl_err
x_root(struct xp *x, struct xframe *f, const XML_Char *name, const char *l,
       size_t nslen, const XML_Char **atts)
{
	const char *uuid;

	if (strcmp(l, "catalog") != 0 ||
	    (nslen > 0 && (nslen != sizeof oscal_ns - 1 ||
			   memcmp(name, oscal_ns, nslen) != 0))) {
		x_fail(x, FL_E_SYNTAX, "not an OSCAL catalog (%s)", l);
		return x->rc;
	}
	if ((x->root_ns = fl_strndup(name, nslen)) == NULL)
		return FL_E_NOMEM;
	uuid = x_attr(atts, "uuid");
	if (uuid != NULL && (x->uuid = fl_strdup(uuid)) == NULL)
		return FL_E_NOMEM;
	f->kind = XK_CATALOG;
	return FL_OK;
}

static fl_err
x_push(struct xp *x, struct xframe **out)
{
	struct xframe *ns;
	size_t ncap;

	if (x->n == x->cap) {
		ncap = x->cap ? x->cap * 2 : 32;
		if (ncap > SIZE_MAX / sizeof *ns)
			return FL_E_NOMEM;
		if ((ns = realloc(x->st, ncap * sizeof *ns)) == NULL)
			return FL_E_NOMEM;
		x->st = ns;
		x->cap = ncap;
	}
	*out = &x->st[x->n++];
	memset(*out, 0, sizeof **out);
	return FL_OK;
}

static void XMLCALL
x_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xp *x = ud;
	struct xframe *f, *top;
	const char *l, *s;
	size_t nslen, i;
	fl_err rc;

	if (x->rc != FL_OK)
		return;
	if (x->n >= x->max_elem) {
		x_fail(x, FL_E_LIMIT, "elements nested deeper than %zu levels",
		       x->max_elem);
		return;
	}
	if ((rc = x_push(x, &f)) != FL_OK) {
		x_fail(x, rc, "%s", fl_err_str(rc));
		return;
	}
	x_pos(x, &f->line, &f->col);
	for (i = 0; atts[i] != NULL; i++) {
		/* attribute values are text too (ids, labels, the uuid) */
		if (strlen(atts[i]) > x->op->lim.max_text) {
			x_text_fail(x, FL_E_LIMIT);
			return;
		}
	}
	l = x_split(name, &nslen);
	if (x->n == 1) {
		if ((rc = x_root(x, f, name, l, nslen, atts)) != FL_OK &&
		    x->rc == FL_OK)
			x_fail(x, rc, "%s", fl_err_str(rc));
		return;
	}
	top = &x->st[x->n - 2];
	f->sdepth = top->sdepth;
	/* OSCAL's elements are in the root's namespace; others are
	 * extensions we do not read */
	if (nslen != strlen(x->root_ns) || memcmp(name, x->root_ns, nslen) != 0)
		rc = FL_OK;
	else
		rc = x_classify(x, top, f, l, atts);
	if (rc != FL_OK) {
		if (x->rc == FL_OK)
			x_text_fail(x, rc);
		return;
	}
	if (x_structural(f->kind) && ++f->sdepth > x->op->lim.max_depth) {
		x_fail(x, FL_E_LIMIT, "nesting deeper than %zu levels",
		       x->op->lim.max_depth);
		return;
	}
	if (f->kind == XK_GROUP || f->kind == XK_CONTROL) {
		s = x_attr(atts, "id");
		if (f->kind == XK_GROUP)
			rc = count_group(x->op, &f->seq, f->line, f->col);
		else
			rc = count_control(x->op, &f->seq, f->line, f->col);
		if (rc != FL_OK) {
			x_stop(x, rc);
			return;
		}
		if (f->kind == XK_CONTROL && (s == NULL || s[0] == '\0')) {
			x_fail(x, FL_E_SYNTAX, "a control needs an id");
			return;
		}
		if ((f->id = fl_strdup(s ? s : "")) == NULL) {
			x_fail(x, FL_E_NOMEM, "out of memory");
			return;
		}
		s = x_attr(atts, "class");
		if (f->kind == XK_GROUP) {
			fl_buf_reset(&x->gtitle);
			free(x->gclass);
			x->gclass = NULL;
			if (s != NULL && (x->gclass = fl_strdup(s)) == NULL)
				rc = FL_E_NOMEM;
		} else {
			ctl_reset(&x->op->c);
			if (s != NULL)
				rc = fl_buf_puts(&x->op->c.klass, s);
		}
		if (rc != FL_OK)
			x_text_fail(x, rc);
	}
	x->txt = f->txt;
}

/* Move the captured short text to where it belongs. */
static fl_err
x_end_capture(struct xp *x, struct xframe *f, struct xframe *top)
{
	struct fl_buf *dst;

	switch (f->kind) {
	case XK_META_TEXT:
		x->meta[f->sub] = fl_strndup(fl_buf_str(&x->scratch),
					     x->scratch.len);
		return x->meta[f->sub] ? FL_OK : FL_E_NOMEM;
	case XK_TITLE:
		dst = top->kind == XK_GROUP ? &x->gtitle : &x->op->c.title;
		fl_buf_reset(dst);
		return fl_buf_append(dst, x->scratch.data, x->scratch.len);
	case XK_PLABEL:
		x->plabel = fl_strndup(fl_buf_str(&x->scratch), x->scratch.len);
		return x->plabel ? FL_OK : FL_E_NOMEM;
	case XK_CHOICE:
		return x_choice_add(x);
	default:
		return FL_OK;
	}
}

static void XMLCALL
x_end(void *ud, const XML_Char *name)
{
	struct xp *x = ud;
	struct xframe *f, *top;
	fl_err rc = FL_OK;
	int said = 0; /* the diag is written: only stop */

	(void)name;
	if (x->rc != FL_OK || x->n == 0)
		return;
	f = &x->st[x->n - 1];
	top = x->n > 1 ? &x->st[x->n - 2] : NULL;
	switch (f->kind) {
	case XK_CATALOG:
	case XK_META:
		rc = x_emit_catalog(x);
		said = 1;
		break;
	case XK_GROUP:
		rc = x_emit_group(x, x->n - 1);
		said = 1;
		break;
	case XK_CONTROL:
		rc = x_emit_control(x, x->n - 1);
		said = 1;
		break;
	case XK_PARAM:
		rc = params_add(x->op, x->pid, x->plabel,
				(const char *const *)x->choices, x->nchoices);
		x_param_clear(x);
		if (rc != FL_OK) {
			/* name the param, as the JSON reader does */
			op_text_err(x->op, rc, f->line, f->col);
			said = 1;
		}
		break;
	case XK_PART:
		if ((!f->done || x->pending.len > 0) &&
		    (rc = x_part_flush(x, f)) != FL_OK) {
			op_text_err(x->op, rc, f->line, f->col);
			said = 1;
		}
		break;
	case XK_BLOCK:
		if (f->sub)
			x->pre--;
		x->ws = 0;
		break;
	case XK_INLINE:
		if (f->marker != NULL && f->marker[0] != '\0' &&
		    f->txt != NULL)
			rc = fl_buf_puts(f->txt, f->marker);
		break;
	default:
		rc = x_end_capture(x, f, top);
		break;
	}
	free(f->id);
	free(f->label);
	x->n--;
	x->txt = x->n > 0 ? x->st[x->n - 1].txt : NULL;
	if (rc != FL_OK) {
		if (said)
			x_stop(x, rc);
		else
			x_text_fail(x, rc);
	}
}

static void XMLCALL
x_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
	  const XML_Char *pubid, int has_internal_subset)
{
	struct xp *x = ud;
	XML_Index idx = XML_GetCurrentByteIndex(x->p);
	unsigned long line, col;
	size_t i, k;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	if (x->rc != FL_OK)
		return;
	/* expat is past the name by now: point at "<!DOCTYPE" itself when
	 * it is on the same line */
	x_pos(x, &line, &col);
	if (idx >= 0 && (size_t)idx < x->len) {
		for (i = (size_t)idx; i > 0 && x->data[i] != '\n'; i--)
			if (x->len - i >= 9 &&
			    memcmp(x->data + i, "<!DOCTYPE", 9) == 0)
				break;
		if (x->len - i >= 9 && memcmp(x->data + i, "<!DOCTYPE", 9) == 0)
			for (k = i; k < (size_t)idx && col > 1; k++)
				if (((unsigned char)x->data[k] & 0xC0) != 0x80)
					col--;
	}
	x->rc = fl_diag_set(x->op->d, FL_E_SYNTAX, x->op->file, line, col,
			    "DOCTYPE not allowed");
	XML_StopParser(x->p, XML_FALSE);
}

/* Unreachable without a DOCTYPE; here so that no later change to the
 * handler above can let an entity through. */
static void XMLCALL
x_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
	 int value_len, const XML_Char *base, const XML_Char *sysid,
	 const XML_Char *pubid, const XML_Char *notation)
{
	struct xp *x = ud;

	(void)name, (void)is_param, (void)value, (void)value_len, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	if (x->rc == FL_OK)
		x_fail(x, FL_E_SYNTAX, "entity declarations not allowed");
}

static void
x_release(struct xp *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		free(x->st[i].id);
		free(x->st[i].label);
	}
	free(x->st);
	x_param_clear(x);
	free(x->root_ns);
	free(x->uuid);
	free(x->framework);
	for (i = 0; i < MT_N; i++)
		free(x->meta[i]);
	free(x->gclass);
	fl_buf_release(&x->scratch);
	fl_buf_release(&x->pending);
	fl_buf_release(&x->gtitle);
	if (x->p != NULL)
		XML_ParserFree(x->p);
}

static fl_err
xml_parse(struct op *op, const char *data, size_t len)
{
	struct xp x;
	size_t off = 0;
	fl_err rc;

	memset(&x, 0, sizeof x);
	x.op = op;
	x.data = data;
	x.len = len;
	x.max_elem = op->lim.max_depth > SIZE_MAX - XML_EXTRA_DEPTH
			     ? SIZE_MAX
			     : op->lim.max_depth + XML_EXTRA_DEPTH;
	fl_buf_init(&x.scratch, op->lim.max_text + 1);
	fl_buf_init(&x.pending, op->lim.max_text + 1);
	fl_buf_init(&x.gtitle, op->lim.max_text + 1);
	/* \1 cannot occur in a namespace name, so it splits URI from name */
	x.p = XML_ParserCreateNS(NULL, '\x01');
	if (x.p == NULL) {
		rc = op_err(op, FL_E_NOMEM, 0, 0, "out of memory");
		goto out;
	}
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, x_start, x_end);
	XML_SetCharacterDataHandler(x.p, x_cdata);
	XML_SetStartDoctypeDeclHandler(x.p, x_doctype);
	XML_SetEntityDeclHandler(x.p, x_entity);
	XML_SetParamEntityParsing(x.p, XML_PARAM_ENTITY_PARSING_NEVER);

	/* in chunks, so the parser never holds the whole document */
	do {
		size_t n = len - off > XML_CHUNK ? XML_CHUNK : len - off;
		int final = off + n == len;
		if (XML_Parse(x.p, data + off, (int)n, final) !=
		    XML_STATUS_OK) {
			enum XML_Error e = XML_GetErrorCode(x.p);
			if (x.rc != FL_OK) {
				rc = x.rc;
			} else {
				rc = e == XML_ERROR_NO_MEMORY ? FL_E_NOMEM
							      : FL_E_SYNTAX;
				rc = op_err(op, rc,
					    XML_GetCurrentLineNumber(x.p),
					    XML_GetCurrentColumnNumber(x.p) + 1,
					    "%s", XML_ErrorString(e));
			}
			goto out;
		}
		off += n;
	} while (off < len);
	rc = x.rc;
out:
	x_release(&x);
	return rc;
}

/* ---- entry ------------------------------------------------------------ */

fl_err
fl_oscal_parse(const char *data, size_t len, const char *filename,
	       const struct fl_oscal_limits *lim,
	       const struct fl_oscal_sink *sink, struct fl_diag *d)
{
	struct op op;
	size_t start = 0, i, line = 1, col = 1;
	fl_err rc;

	if (data == NULL && len > 0)
		return fl_diag_msg(d, FL_E_INTERNAL, "no data");
	memset(&op, 0, sizeof op);
	op.file = filename ? filename : "";
	op.sink = sink;
	op.d = d;
	op.lim.max_depth = lim && lim->max_depth ? lim->max_depth : DEF_DEPTH;
	op.lim.max_text = lim && lim->max_text ? lim->max_text : DEF_TEXT;
	op.lim.max_controls =
		lim && lim->max_controls ? lim->max_controls : DEF_CONTROLS;
	if (op.lim.max_text > SIZE_MAX / 8)
		op.lim.max_text = SIZE_MAX / 8;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	for (i = start; i < len && is_blank(data[i]); i++) {
		if (data[i] == '\n')
			line++, col = 1;
		else
			col++;
	}
	if (i == len)
		return op_err(&op, FL_E_SYNTAX, 1, 1, "empty file");
	if (data[i] != '{' && data[i] != '[' && data[i] != '<')
		return op_err(&op, FL_E_SYNTAX, line, col,
			      "not an OSCAL catalog (neither JSON nor XML)");

	ctl_init(&op.c, op.lim.max_text);
	ctl_reset(&op.c);
	if (data[i] == '<')
		rc = xml_parse(&op, data, len); /* expat skips the BOM */
	else
		rc = json_parse(&op, data + start, len - start);
	ctl_release(&op.c);
	return rc;
}
