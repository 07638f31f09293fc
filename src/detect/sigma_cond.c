/*
 * sigma_cond: the Sigma condition grammar, text to a tree.
 *
 *   expr    := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | primary
 *   primary := "(" expr ")" | ("1" | "any" | "all") "of" (PATTERN | "them")
 *            | IDENT
 *
 * Precedence is the specification's: or < and < not < "x of" < brackets.
 * Keywords are matched without regard to case.  Patterns use "*" for any
 * run of characters and must name at least one identifier; "them" names
 * every identifier that does not start with "_".  Nested ANDs and ORs are
 * flattened so the matcher sees n-ary nodes.
 *
 * Refused: an identifier that does not exist, "N of" for N other than 1,
 * Sigma 1 aggregations ("| count() > 5", "near"): those are correlation
 * rules now.  Every error names the column inside the condition.
 */
#include "detect/sigma_int.h"

#include <ctype.h>

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_OF, T_ONE, T_ALL,
	   T_THEM, T_WORD, T_PIPE, T_BAD };

struct cp {
	struct fl_sigma_arena *a;
	const char *s;
	size_t len, pos;
	const char *const *ids;
	size_t nids;
	unsigned depth, max_depth;
	/* current token */
	enum tok t;
	size_t tpos, tlen;
	/* error */
	unsigned long errcol;
	char *msg;
	size_t msgsz;
	fl_err rc;
};

static int
word_char(unsigned char c)
{
	return c > ' ' && c != '(' && c != ')' && c != '|' && c != 0x7f;
}

static int
word_is(const struct cp *p, const char *kw)
{
	size_t n = strlen(kw), i;

	if (p->tlen != n)
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)p->s[p->tpos + i]) != kw[i])
			return 0;
	return 1;
}

static void
next(struct cp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
	p->tpos = p->pos;
	p->tlen = 0;
	if (p->pos >= p->len) {
		p->t = T_END;
		return;
	}
	switch (p->s[p->pos]) {
	case '(':
		p->t = T_LP;
		p->pos++;
		p->tlen = 1;
		return;
	case ')':
		p->t = T_RP;
		p->pos++;
		p->tlen = 1;
		return;
	case '|':
		p->t = T_PIPE;
		p->tlen = 1;
		return;
	default:
		break;
	}
	if (!word_char((unsigned char)p->s[p->pos])) {
		p->t = T_BAD;
		p->tlen = 1;
		return;
	}
	while (p->pos < p->len && word_char((unsigned char)p->s[p->pos]))
		p->pos++;
	p->tlen = p->pos - p->tpos;
	if (word_is(p, "and"))
		p->t = T_AND;
	else if (word_is(p, "or"))
		p->t = T_OR;
	else if (word_is(p, "not"))
		p->t = T_NOT;
	else if (word_is(p, "of"))
		p->t = T_OF;
	else if (word_is(p, "1") || word_is(p, "any"))
		p->t = T_ONE;
	else if (word_is(p, "all"))
		p->t = T_ALL;
	else if (word_is(p, "them"))
		p->t = T_THEM;
	else
		p->t = T_WORD;
}

static fl_err
err(struct cp *p, size_t pos, fl_err rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static fl_err
err(struct cp *p, size_t pos, fl_err rc, const char *fmt, ...)
{
	va_list ap;

	if (p->rc != FL_OK)
		return p->rc;
	p->rc = rc;
	p->errcol = (unsigned long)pos + 1;
	va_start(ap, fmt);
	vsnprintf(p->msg, p->msgsz, fmt, ap);
	va_end(ap);
	return rc;
}

/* The current token, quoted and cut for a message. */
static const char *
tok_text(const struct cp *p, char *buf, size_t n)
{
	size_t i, k = 0;

	if (p->t == T_END)
		return "end of condition";
	for (i = 0; i < p->tlen && k + 4 < n && i < 40; i++) {
		unsigned char c = (unsigned char)p->s[p->tpos + i];
		buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[k] = '\0';
	return buf;
}

static struct fl_sigma_node *
node(struct cp *p, enum fl_sigma_op op, size_t pos)
{
	struct fl_sigma_node *n = fl_sigma_alloc(p->a, sizeof *n);

	if (n == NULL) {
		err(p, pos, FL_E_NOMEM, "out of memory");
		return NULL;
	}
	n->op = op;
	n->col = (unsigned long)pos + 1;
	return n;
}

static int
glob_match(const char *pat, size_t plen, const char *s)
{
	size_t pi = 0, star = (size_t)-1;
	const char *si = s, *mark = NULL;

	while (*si) {
		if (pi < plen && pat[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < plen && pat[pi] == *si) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < plen && pat[pi] == '*')
		pi++;
	return pi == plen;
}

static struct fl_sigma_node *parse_or(struct cp *p);

static struct fl_sigma_node *
parse_of(struct cp *p)
{
	enum fl_sigma_op op = p->t == T_ALL ? FL_SIGMA_ALL_OF : FL_SIGMA_ONE_OF;
	size_t start = p->tpos, i, k, pat = 0, plen = 0;
	struct fl_sigma_node *n, *id;
	char buf[48];
	int them;

	next(p);
	if (p->t != T_OF)
		return err(p, p->tpos, FL_E_SYNTAX,
			   "expected 'of' after '%s', found '%s'",
			   op == FL_SIGMA_ALL_OF ? "all" : "1",
			   tok_text(p, buf, sizeof buf)), NULL;
	next(p);
	them = p->t == T_THEM;
	if (!them && p->t != T_WORD)
		return err(p, p->tpos, FL_E_SYNTAX,
			   "expected an identifier pattern or 'them' after "
			   "'of', found '%s'", tok_text(p, buf, sizeof buf)),
		       NULL;
	pat = p->tpos;
	plen = p->tlen;
	if ((n = node(p, op, start)) == NULL)
		return NULL;
	if (!them && (n->name = fl_sigma_strndup(p->a, p->s + pat, plen)) ==
			     NULL)
		return err(p, start, FL_E_NOMEM, "out of memory"), NULL;
	for (k = 0, i = 0; i < p->nids; i++)
		if (them ? p->ids[i][0] != '_'
			 : glob_match(p->s + pat, plen, p->ids[i]))
			k++;
	if (k == 0)
		return err(p, pat, FL_E_SYNTAX,
			   them ? "'them' names no search identifier%s"
				: "pattern '%s' matches no search identifier",
			   them ? "" : tok_text(p, buf, sizeof buf)),
		       NULL;
	if ((n->kid = fl_sigma_allocv(p->a, k, sizeof *n->kid)) == NULL)
		return err(p, start, FL_E_NOMEM, "out of memory"), NULL;
	for (i = 0; i < p->nids; i++) {
		if (them ? p->ids[i][0] == '_'
			 : !glob_match(p->s + pat, plen, p->ids[i]))
			continue;
		if ((id = node(p, FL_SIGMA_ID, pat)) == NULL)
			return NULL;
		id->ident = i;
		id->name = p->ids[i];
		n->kid[n->nkid++] = id;
	}
	next(p);
	return n;
}

static struct fl_sigma_node *
parse_primary(struct cp *p)
{
	struct fl_sigma_node *n;
	size_t i, start = p->tpos;
	char buf[48];

	switch (p->t) {
	case T_LP:
		next(p);
		if ((n = parse_or(p)) == NULL)
			return NULL;
		if (p->t != T_RP)
			return err(p, p->t == T_END ? start : p->tpos,
				   FL_E_SYNTAX,
				   p->t == T_END ? "'(' is never closed"
						 : "expected ')', found '%s'",
				   tok_text(p, buf, sizeof buf)), NULL;
		next(p);
		return n;
	case T_ONE:
	case T_ALL:
		return parse_of(p);
	case T_WORD:
		break;
	case T_PIPE:
		return err(p, p->tpos, FL_E_SYNTAX,
			   "aggregations ('| count() ...') are Sigma 1 syntax; "
			   "write a correlation rule"), NULL;
	case T_END:
		return err(p, p->tpos, FL_E_SYNTAX,
			   "condition ends where an identifier was expected"),
		       NULL;
	default:
		return err(p, p->tpos, FL_E_SYNTAX,
			   "expected an identifier, found '%s'",
			   tok_text(p, buf, sizeof buf)), NULL;
	}
	/* "2 of x": only 1 and all are defined */
	if (p->tlen > 0 && isdigit((unsigned char)p->s[p->tpos])) {
		size_t save = p->pos, tp = p->tpos;

		next(p);
		if (p->t == T_OF)
			return err(p, tp, FL_E_SYNTAX,
				   "only '1 of' and 'all of' are defined"), NULL;
		p->pos = save;
		p->tpos = tp;
		p->t = T_WORD;
		p->tlen = save - tp;
	}
	for (i = 0; i < p->nids; i++)
		if (strlen(p->ids[i]) == p->tlen &&
		    memcmp(p->ids[i], p->s + p->tpos, p->tlen) == 0)
			break;
	if (i == p->nids) {
		if (memchr(p->s + p->tpos, '*', p->tlen))
			return err(p, p->tpos, FL_E_SYNTAX,
				   "a pattern needs '1 of' or 'all of' before "
				   "it: '%s'", tok_text(p, buf, sizeof buf)),
			       NULL;
		if (word_is(p, "near"))
			return err(p, p->tpos, FL_E_SYNTAX,
				   "'near' is Sigma 1 syntax; write a "
				   "temporal correlation rule"), NULL;
		return err(p, p->tpos, FL_E_SYNTAX,
			   "unknown search identifier '%s'",
			   tok_text(p, buf, sizeof buf)), NULL;
	}
	if ((n = node(p, FL_SIGMA_ID, p->tpos)) == NULL)
		return NULL;
	n->ident = i;
	n->name = p->ids[i];
	next(p);
	return n;
}

static struct fl_sigma_node *
parse_not(struct cp *p)
{
	struct fl_sigma_node *n, *k;
	size_t start = p->tpos;

	if (p->t != T_NOT)
		return parse_primary(p);
	if (++p->depth > p->max_depth)
		return err(p, start, FL_E_LIMIT,
			   "condition nested deeper than %u", p->max_depth),
		       NULL;
	next(p);
	if ((k = parse_not(p)) == NULL)
		return NULL;
	p->depth--;
	if ((n = node(p, FL_SIGMA_NOT, start)) == NULL)
		return NULL;
	if ((n->kid = fl_sigma_allocv(p->a, 1, sizeof *n->kid)) == NULL)
		return err(p, start, FL_E_NOMEM, "out of memory"), NULL;
	n->kid[0] = k;
	n->nkid = 1;
	return n;
}

/* Append k to the n-ary node n, taking k's kids when it is the same op. */
static int
add_kid(struct cp *p, struct fl_sigma_node *n, struct fl_sigma_node *k,
	size_t *cap)
{
	size_t add = k->op == n->op ? k->nkid : 1, i;

	if (n->nkid + add > *cap) {
		size_t nc = (*cap ? *cap * 2 : 4);
		struct fl_sigma_node **nk;

		while (nc < n->nkid + add)
			nc *= 2;
		if ((nk = fl_sigma_allocv(p->a, nc, sizeof *nk)) == NULL)
			return -1;
		if (n->nkid)
			memcpy(nk, n->kid, n->nkid * sizeof *nk);
		n->kid = nk;
		*cap = nc;
	}
	if (k->op == n->op)
		for (i = 0; i < k->nkid; i++)
			n->kid[n->nkid++] = k->kid[i];
	else
		n->kid[n->nkid++] = k;
	return 0;
}

static struct fl_sigma_node *
parse_bin(struct cp *p, enum tok t, enum fl_sigma_op op)
{
	struct fl_sigma_node *first, *k, *n = NULL;
	size_t start = p->tpos, cap = 0;

	if (++p->depth > p->max_depth)
		return err(p, start, FL_E_LIMIT,
			   "condition nested deeper than %u", p->max_depth),
		       NULL;
	first = t == T_OR ? parse_bin(p, T_AND, FL_SIGMA_AND) : parse_not(p);
	if (first == NULL)
		return NULL;
	while (p->t == t) {
		next(p);
		k = t == T_OR ? parse_bin(p, T_AND, FL_SIGMA_AND) : parse_not(p);
		if (k == NULL)
			return NULL;
		if (n == NULL) {
			if ((n = node(p, op, first->col - 1)) == NULL)
				return NULL;
			if (add_kid(p, n, first, &cap) != 0)
				return err(p, start, FL_E_NOMEM, "out of memory"),
				       NULL;
		}
		if (add_kid(p, n, k, &cap) != 0)
			return err(p, start, FL_E_NOMEM, "out of memory"), NULL;
	}
	p->depth--;
	return n ? n : first;
}

static struct fl_sigma_node *
parse_or(struct cp *p)
{
	return parse_bin(p, T_OR, FL_SIGMA_OR);
}

fl_err
fl_sigma_cond_build(struct fl_sigma_arena *a, const char *text, size_t len,
		    const char *const *ids, size_t nids, size_t max_len,
		    unsigned max_depth, struct fl_sigma_node **out,
		    unsigned long *errcol, char *msg, size_t msgsz)
{
	struct cp p;
	struct fl_sigma_node *n;
	char buf[48];

	memset(&p, 0, sizeof p);
	p.a = a;
	p.s = text;
	p.len = len;
	p.ids = ids;
	p.nids = nids;
	p.max_depth = max_depth;
	p.msg = msg;
	p.msgsz = msgsz;
	*out = NULL;
	*errcol = 0;
	if (msgsz)
		msg[0] = '\0';
	if (len > max_len) {
		err(&p, 0, FL_E_LIMIT, "condition longer than %zu bytes",
		    max_len);
		*errcol = p.errcol;
		return p.rc;
	}
	if (memchr(text, '\0', len) != NULL) {
		err(&p, (size_t)((const char *)memchr(text, '\0', len) - text),
		    FL_E_SYNTAX, "NUL byte in condition");
		*errcol = p.errcol;
		return p.rc;
	}
	next(&p);
	if (p.t == T_END) {
		err(&p, 0, FL_E_SYNTAX, "empty condition");
	} else if ((n = parse_or(&p)) != NULL) {
		if (p.t != T_END)
			err(&p, p.tpos, FL_E_SYNTAX,
			    p.t == T_RP ? "unbalanced ')'"
			    : p.t == T_PIPE
				    ? "aggregations ('| count() ...') are "
				      "Sigma 1 syntax; write a correlation rule"
				    : "expected 'and', 'or' or the end, found "
				      "'%s'",
			    tok_text(&p, buf, sizeof buf));
		else
			*out = n;
	}
	*errcol = p.errcol;
	return p.rc;
}

/* ---- printing ------------------------------------------------------------ */

static fl_err
print_node(const struct fl_sigma_node *n, struct fl_buf *b, unsigned depth)
{
	fl_err rc = FL_OK;
	size_t i;

	if (depth > 1000)
		return FL_E_LIMIT;
	switch (n->op) {
	case FL_SIGMA_ID:
		return fl_buf_puts(b, n->name);
	case FL_SIGMA_NOT:
		if ((rc = fl_buf_puts(b, "not ")) != FL_OK)
			return rc;
		return print_node(n->kid[0], b, depth + 1);
	case FL_SIGMA_AND:
	case FL_SIGMA_OR:
		if ((rc = fl_buf_putc(b, '(')) != FL_OK)
			return rc;
		for (i = 0; i < n->nkid && rc == FL_OK; i++) {
			if (i > 0)
				rc = fl_buf_puts(b, n->op == FL_SIGMA_AND
							    ? " and " : " or ");
			if (rc == FL_OK)
				rc = print_node(n->kid[i], b, depth + 1);
		}
		return rc != FL_OK ? rc : fl_buf_putc(b, ')');
	case FL_SIGMA_ONE_OF:
	case FL_SIGMA_ALL_OF:
		return fl_buf_printf(b, "%s of %s",
				     n->op == FL_SIGMA_ONE_OF ? "1" : "all",
				     n->name ? n->name : "them");
	}
	return FL_E_INTERNAL;
}

fl_err
fl_sigma_node_print(const struct fl_sigma_node *n, struct fl_buf *out)
{
	return print_node(n, out, 0);
}

/* ---- standalone conditions ----------------------------------------------- */

struct fl_sigma_cond {
	struct fl_sigma_arena a;
	struct fl_sigma_node *root;
};

struct fl_sigma_cond *
fl_sigma_cond_parse(const char *text, size_t len, const char *const *ids,
		    size_t nids, const struct fl_sigma_limits *lim, fl_err *rc,
		    struct fl_diag *d)
{
	struct fl_sigma_limits def;
	struct fl_sigma_cond *c;
	unsigned long col;
	char msg[256];

	if (lim == NULL) {
		fl_sigma_limits_default(&def);
		lim = &def;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		*rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		return NULL;
	}
	fl_sigma_arena_init(&c->a, (size_t)64 << 20);
	*rc = fl_sigma_cond_build(&c->a, text, len, ids, nids, lim->max_cond,
				  lim->max_cond_depth, &c->root, &col, msg,
				  sizeof msg);
	if (*rc != FL_OK) {
		fl_diag_set(d, *rc, "", 1, col, "%s", msg);
		fl_sigma_cond_free(c);
		return NULL;
	}
	return c;
}

const struct fl_sigma_node *
fl_sigma_cond_root(const struct fl_sigma_cond *c)
{
	return c ? c->root : NULL;
}

void
fl_sigma_cond_free(struct fl_sigma_cond *c)
{
	if (c == NULL)
		return;
	fl_sigma_arena_release(&c->a);
	free(c);
}
