/*
 * core/risk: the rules of the risk register, with no I/O.
 *
 * The policy (likelihood x impact matrix, ordered levels, review cadence,
 * escalation level) is parsed from the small line format documented in
 * data/risk-matrix.conf into a plain struct.  Everything else here is a
 * pure decision over that struct and 'YYYY-MM-DD' dates: the level of an
 * assessment, whether a residual assessment is allowed, whether a change
 * goes to the ISO, when the next review is due, whether an acceptance has
 * expired.
 *
 * The parser refuses rather than guesses: an incomplete grid, an unknown
 * level, a missing review cadence or a missing escalation level is an
 * error with the file, line and column, because a silently defaulted risk
 * policy decides what the ISO never hears about.
 */
#include "core.h"

#include <ctype.h>

#define MAX_WORDS 16

struct word {
	const char *p;
	size_t n;
	unsigned long col;
};

struct parser {
	const char *file;
	struct fl_risk_matrix *m;
	struct fl_diag *d;
	unsigned long line;
	int decls_closed; /* a row, review or escalate line was seen */
	unsigned long lik_line[FL_RISK_MAX_SCALE];
	unsigned long lik_col[FL_RISK_MAX_SCALE];
	unsigned long level_line[FL_RISK_MAX_LEVELS];
	unsigned long level_col[FL_RISK_MAX_LEVELS];
	int have_row[FL_RISK_MAX_SCALE];
	int have_escalate;
};

static fl_err
perr(struct parser *ps, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static fl_err
perr(struct parser *ps, unsigned long col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return fl_diag_set(ps->d, FL_E_SYNTAX, ps->file, ps->line, col, "%s",
			   msg);
}

static int
word_is(const struct word *w, const char *s)
{
	size_t n = strlen(s);

	return w->n == n && memcmp(w->p, s, n) == 0;
}

/* A word as a printable, bounded C string for messages. */
static const char *
word_show(const struct word *w, char *buf, size_t bufsz)
{
	size_t i, o = 0;

	for (i = 0; i < w->n && o + 1 < bufsz; i++) {
		unsigned char c = (unsigned char)w->p[i];
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[o] = '\0';
	if (i < w->n && bufsz > 4)
		memcpy(buf + bufsz - 4, "...", 4);
	return buf;
}

static int
name_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/*
 * Validate w as a name and copy it to out, zero-padded: callers copy the
 * whole array into the matrix, which must be comparable byte for byte
 * (found by fuzz_matrix: stack bytes after the NUL made two parses of one
 * policy differ).
 */
static fl_err
take_name(struct parser *ps, const struct word *w, const char *what,
	  char out[FL_RISK_NAME_MAX])
{
	char show[48];
	size_t i;

	if (w->n >= FL_RISK_NAME_MAX)
		return perr(ps, w->col, "%s name '%s' is longer than %d bytes",
			    what, word_show(w, show, sizeof show),
			    FL_RISK_NAME_MAX - 1);
	for (i = 0; i < w->n; i++)
		if (!name_char((unsigned char)w->p[i]))
			return perr(ps, w->col + i,
				    "%s name '%s' may only hold letters, digits, "
				    "'-', '_' and '.'",
				    what, word_show(w, show, sizeof show));
	memset(out, 0, FL_RISK_NAME_MAX);
	memcpy(out, w->p, w->n);
	return FL_OK;
}

/* Parse w as a decimal number in [min, max]; trailing ':' allowed when
 * colon is set (and then required). */
static fl_err
take_number(struct parser *ps, const struct word *w, long min, long max,
	    int colon, const char *what, long *out)
{
	char buf[24], show[48];
	size_t n = w->n;

	if (colon) {
		if (n == 0 || w->p[n - 1] != ':')
			return perr(ps, w->col, "expected '%s:' (a number and a "
				    "colon), found '%s'", what,
				    word_show(w, show, sizeof show));
		n--;
	}
	if (n == 0 || n >= sizeof buf)
		return perr(ps, w->col, "expected %s, found '%s'", what,
			    word_show(w, show, sizeof show));
	memcpy(buf, w->p, n);
	buf[n] = '\0';
	if (fl_parse_long(buf, LONG_MIN, LONG_MAX, out) != 0)
		return perr(ps, w->col, "expected %s, found '%s'", what,
			    word_show(w, show, sizeof show));
	if (*out < min || *out > max)
		return perr(ps, w->col, "%s %ld is out of range (%ld to %ld)",
			    what, *out, min, max);
	return FL_OK;
}

/* Level index of a word, or an error naming it. */
static fl_err
take_level(struct parser *ps, const struct word *w, int *idx)
{
	char show[48];
	int i;

	for (i = 0; i < ps->m->nlevels; i++)
		if (word_is(w, ps->m->level[i])) {
			*idx = i;
			return FL_OK;
		}
	return perr(ps, w->col, "unknown level '%s' (declare it with 'level "
		    "NAME' first)", word_show(w, show, sizeof show));
}

static fl_err
want_words(struct parser *ps, const struct word *w, int nw, int want,
	   const char *usage, unsigned long eol)
{
	char show[48];

	if (nw > want)
		return perr(ps, w[want].col, "unexpected '%s': the line is '%s'",
			    word_show(&w[want], show, sizeof show), usage);
	if (nw < want)
		return perr(ps, eol, "incomplete line: expected '%s'", usage);
	return FL_OK;
}

static fl_err
decl_open(struct parser *ps, const struct word *w)
{
	char show[48];

	if (ps->decls_closed)
		return perr(ps, w->col,
			    "'%s' after a row, review or escalate line: "
			    "declare the scales and levels first",
			    word_show(w, show, sizeof show));
	return FL_OK;
}

static fl_err
line_scale(struct parser *ps, const struct word *w, int nw, unsigned long eol)
{
	int is_lik = word_is(&w[0], "likelihood");
	const char *what = is_lik ? "likelihood" : "impact";
	int *count = is_lik ? &ps->m->nlik : &ps->m->nimp;
	char (*names)[FL_RISK_NAME_MAX] = is_lik ? ps->m->lik : ps->m->imp;
	char name[FL_RISK_NAME_MAX];
	long pt;
	int i;
	fl_err rc;

	if ((rc = decl_open(ps, &w[0])) != FL_OK ||
	    (rc = want_words(ps, w, nw, 3,
			     is_lik ? "likelihood N NAME" : "impact N NAME",
			     eol)) != FL_OK ||
	    (rc = take_number(ps, &w[1], 1, FL_RISK_MAX_SCALE, 0, what,
			      &pt)) != FL_OK ||
	    (rc = take_name(ps, &w[2], what, name)) != FL_OK)
		return rc;
	if (pt != *count + 1)
		return perr(ps, w[1].col, "%s %ld out of order: expected %s %d "
			    "(points go 1, 2, 3, ... from the lowest)",
			    what, pt, what, *count + 1);
	for (i = 0; i < *count; i++)
		if (strcmp(names[i], name) == 0)
			return perr(ps, w[2].col, "%s name '%s' is used twice",
				    what, name);
	memcpy(names[*count], name, sizeof name);
	if (is_lik) {
		ps->lik_line[*count] = ps->line;
		ps->lik_col[*count] = w[1].col;
	}
	(*count)++;
	return FL_OK;
}

static fl_err
line_level(struct parser *ps, const struct word *w, int nw, unsigned long eol)
{
	struct fl_risk_matrix *m = ps->m;
	char name[FL_RISK_NAME_MAX];
	int i;
	fl_err rc;

	if ((rc = decl_open(ps, &w[0])) != FL_OK ||
	    (rc = want_words(ps, w, nw, 2, "level NAME", eol)) != FL_OK ||
	    (rc = take_name(ps, &w[1], "level", name)) != FL_OK)
		return rc;
	if (m->nlevels == FL_RISK_MAX_LEVELS)
		return perr(ps, w[1].col, "more than %d levels",
			    FL_RISK_MAX_LEVELS);
	for (i = 0; i < m->nlevels; i++)
		if (fl_streq_ci(m->level[i], name))
			return perr(ps, w[1].col, "level '%s' is declared twice",
				    name);
	memcpy(m->level[m->nlevels], name, sizeof name);
	ps->level_line[m->nlevels] = ps->line;
	ps->level_col[m->nlevels] = w[1].col;
	m->review_days[m->nlevels] = -1;
	m->nlevels++;
	return FL_OK;
}

static fl_err
line_row(struct parser *ps, const struct word *w, int nw, unsigned long eol)
{
	struct fl_risk_matrix *m = ps->m;
	long l;
	int i, lv;
	fl_err rc;

	ps->decls_closed = 1;
	if (m->nlik == 0 || m->nimp == 0 || m->nlevels == 0)
		return perr(ps, w[0].col, "a row before the likelihood, impact "
			    "and level lines it refers to");
	if (nw < 2)
		return perr(ps, eol, "incomplete line: expected 'row L: LEVEL "
			    "...'");
	if ((rc = take_number(ps, &w[1], 1, m->nlik, 1, "likelihood",
			      &l)) != FL_OK)
		return rc;
	if (ps->have_row[l - 1])
		return perr(ps, w[1].col, "row %ld is given twice", l);
	if (nw - 2 > m->nimp)
		return perr(ps, w[2 + m->nimp].col, "row %ld has more than the "
			    "%d levels of the impact scale", l, m->nimp);
	if (nw - 2 < m->nimp)
		return perr(ps, eol, "row %ld has %d levels; the impact scale "
			    "has %d points", l, nw - 2, m->nimp);
	for (i = 0; i < m->nimp; i++) {
		if ((rc = take_level(ps, &w[2 + i], &lv)) != FL_OK)
			return rc;
		m->grid[l - 1][i] = (signed char)lv;
	}
	ps->have_row[l - 1] = 1;
	return FL_OK;
}

static fl_err
line_review(struct parser *ps, const struct word *w, int nw, unsigned long eol)
{
	long days;
	int lv;
	fl_err rc;

	ps->decls_closed = 1;
	if ((rc = want_words(ps, w, nw, 3, "review LEVEL DAYS", eol)) != FL_OK ||
	    (rc = take_level(ps, &w[1], &lv)) != FL_OK ||
	    (rc = take_number(ps, &w[2], 1, FL_RISK_REVIEW_MAX, 0, "days",
			      &days)) != FL_OK)
		return rc;
	if (ps->m->review_days[lv] > 0)
		return perr(ps, w[1].col, "review cadence of '%s' is given twice",
			    ps->m->level[lv]);
	ps->m->review_days[lv] = (int)days;
	return FL_OK;
}

static fl_err
line_escalate(struct parser *ps, const struct word *w, int nw,
	      unsigned long eol)
{
	int lv;
	fl_err rc;

	ps->decls_closed = 1;
	if ((rc = want_words(ps, w, nw, 2, "escalate LEVEL", eol)) != FL_OK ||
	    (rc = take_level(ps, &w[1], &lv)) != FL_OK)
		return rc;
	if (ps->have_escalate)
		return perr(ps, w[0].col, "'escalate' is given twice");
	ps->m->escalate = lv;
	ps->have_escalate = 1;
	return FL_OK;
}

static fl_err
parse_line(struct parser *ps, const char *p, size_t n)
{
	struct word w[MAX_WORDS];
	char show[48];
	size_t i = 0;
	int nw = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t start;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' ||
		    c == '\f') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (c == '\0')
			return perr(ps, i + 1, "NUL byte in a policy file");
		if (nw == MAX_WORDS)
			return perr(ps, i + 1, "too many words on one line");
		start = i;
		while (i < n) {
			c = (unsigned char)p[i];
			if (c == ' ' || c == '\t' || c == '\r' || c == '\v' ||
			    c == '\f' || c == '#')
				break;
			if (c == '\0')
				return perr(ps, i + 1, "NUL byte in a policy file");
			i++;
		}
		w[nw].p = p + start;
		w[nw].n = i - start;
		w[nw].col = start + 1;
		nw++;
	}
	if (nw == 0)
		return FL_OK;
	/* the column just past the last word, for "incomplete line" */
	{
		unsigned long eol = w[nw - 1].col + w[nw - 1].n;

		if (word_is(&w[0], "likelihood") || word_is(&w[0], "impact"))
			return line_scale(ps, w, nw, eol);
		if (word_is(&w[0], "level"))
			return line_level(ps, w, nw, eol);
		if (word_is(&w[0], "row"))
			return line_row(ps, w, nw, eol);
		if (word_is(&w[0], "review"))
			return line_review(ps, w, nw, eol);
		if (word_is(&w[0], "escalate"))
			return line_escalate(ps, w, nw, eol);
	}
	return perr(ps, w[0].col, "unknown keyword '%s' (expected likelihood, "
		    "impact, level, row, review or escalate)",
		    word_show(&w[0], show, sizeof show));
}

/* After the last line: every part of the policy must be there. */
static fl_err
check_complete(struct parser *ps, unsigned long last_line)
{
	struct fl_risk_matrix *m = ps->m;
	int i;

	ps->line = last_line;
	if (m->nlik == 0)
		return perr(ps, 1, "no likelihood scale ('likelihood N NAME' "
			    "lines)");
	if (m->nimp == 0)
		return perr(ps, 1, "no impact scale ('impact N NAME' lines)");
	if (m->nlevels == 0)
		return perr(ps, 1, "no levels ('level NAME' lines)");
	for (i = 0; i < m->nlik; i++)
		if (!ps->have_row[i]) {
			ps->line = ps->lik_line[i];
			return perr(ps, ps->lik_col[i], "likelihood %d (%s) has "
				    "no 'row %d:' line: the grid is incomplete",
				    i + 1, m->lik[i], i + 1);
		}
	for (i = 0; i < m->nlevels; i++)
		if (m->review_days[i] <= 0) {
			ps->line = ps->level_line[i];
			return perr(ps, ps->level_col[i], "level '%s' has no "
				    "'review %s DAYS' line", m->level[i],
				    m->level[i]);
		}
	if (!ps->have_escalate)
		return perr(ps, 1, "no 'escalate LEVEL' line: say which levels "
			    "go to the ISO");
	return FL_OK;
}

fl_err
fl_risk_matrix_parse(const char *text, size_t len, const char *filename,
		     struct fl_risk_matrix *m, struct fl_diag *d)
{
	struct parser ps;
	size_t pos = 0;
	fl_err rc = FL_E_INTERNAL;

	memset(m, 0, sizeof *m);
	memset(&ps, 0, sizeof ps);
	ps.file = filename ? filename : "";
	ps.m = m;
	ps.d = d;
	if (len > FL_RISK_TEXT_MAX) {
		rc = fl_diag_set(d, FL_E_LIMIT, ps.file, 0, 0,
				 "risk policy is larger than %d bytes",
				 FL_RISK_TEXT_MAX);
		goto out;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		ps.line++;
		if ((rc = parse_line(&ps, text + pos, n)) != FL_OK)
			goto out;
		pos += n + (nl ? 1 : 0);
	}
	rc = check_complete(&ps, ps.line ? ps.line : 1);
out:
	if (rc != FL_OK)
		memset(m, 0, sizeof *m);
	return rc;
}

/* ---- decisions ------------------------------------------------------- */

int
fl_risk_level(const struct fl_risk_matrix *m, int likelihood, int impact)
{
	if (likelihood < 1 || likelihood > m->nlik || impact < 1 ||
	    impact > m->nimp)
		return -1;
	return m->grid[likelihood - 1][impact - 1];
}

const char *
fl_risk_level_name(const struct fl_risk_matrix *m, int idx)
{
	if (idx < 0 || idx >= m->nlevels)
		return NULL;
	return m->level[idx];
}

int
fl_risk_level_find(const struct fl_risk_matrix *m, const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < m->nlevels; i++)
		if (fl_streq_ci(m->level[i], name))
			return i;
	return -1;
}

int
fl_risk_level_cmp(const struct fl_risk_matrix *m, const char *a,
		  const char *b)
{
	int ia = fl_risk_level_find(m, a), ib = fl_risk_level_find(m, b);

	return (ia > ib) - (ia < ib);
}

int
fl_risk_escalates(const struct fl_risk_matrix *m, int idx)
{
	return idx >= 0 && idx < m->nlevels && idx >= m->escalate;
}

int
fl_risk_review_days(const struct fl_risk_matrix *m, int idx)
{
	if (idx < 0 || idx >= m->nlevels)
		return -1;
	return m->review_days[idx];
}

fl_err
fl_risk_check_residual(const struct fl_risk_matrix *m, int inh_l, int inh_i,
		       int res_l, int res_i, struct fl_diag *d)
{
	int inh = fl_risk_level(m, inh_l, inh_i);
	int res = fl_risk_level(m, res_l, res_i);

	if (inh < 0)
		return fl_diag_msg(d, FL_E_INVAL, "inherent likelihood %d / "
				   "impact %d is outside the %dx%d matrix",
				   inh_l, inh_i, m->nlik, m->nimp);
	if (res < 0)
		return fl_diag_msg(d, FL_E_INVAL, "residual likelihood %d / "
				   "impact %d is outside the %dx%d matrix",
				   res_l, res_i, m->nlik, m->nimp);
	if (res_l > inh_l)
		return fl_diag_msg(d, FL_E_INVAL, "residual likelihood %d "
				   "exceeds the inherent likelihood %d",
				   res_l, inh_l);
	if (res_i > inh_i)
		return fl_diag_msg(d, FL_E_INVAL, "residual impact %d exceeds "
				   "the inherent impact %d", res_i, inh_i);
	if (res > inh)
		return fl_diag_msg(d, FL_E_INVAL, "residual level %s exceeds "
				   "the inherent level %s", m->level[res],
				   m->level[inh]);
	return FL_OK;
}

int
fl_risk_needs_escalation(const struct fl_risk_matrix *m, int old_level,
			 int new_level, int reported)
{
	if (!fl_risk_escalates(m, new_level))
		return 0;
	if (old_level >= 0 && new_level < old_level)
		return 0;
	if (old_level >= 0 && new_level > old_level)
		return 1;
	return !reported;
}

/* Midnight UTC of a 'YYYY-MM-DD' date (a timestamp's date part counts). */
static int
parse_day(const char *s, time_t *out)
{
	char day[11];

	if (s == NULL || strlen(s) < 10)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	return fl_time_parse(day, out);
}

fl_err
fl_risk_next_review(const struct fl_risk_matrix *m, const char *last,
		    int level, char out[static 11])
{
	int days = fl_risk_review_days(m, level);
	time_t t;

	out[0] = '\0';
	if (days < 0 || parse_day(last, &t) != 0)
		return FL_E_INVAL;
	fl_time_date(t + (time_t)days * 86400, out);
	return FL_OK;
}

int
fl_risk_days_between(const char *a, const char *b)
{
	time_t ta, tb;

	if (parse_day(a, &ta) != 0 || parse_day(b, &tb) != 0)
		return 0;
	return fl_days_between(ta, tb);
}

int
fl_risk_review_overdue(const char *next, const char *today)
{
	time_t tn, tt;

	/* no next review date means never assessed: nothing is due yet */
	if (parse_day(next, &tn) != 0 || parse_day(today, &tt) != 0)
		return 0;
	return fl_days_between(tn, tt) > 0;
}

int
fl_risk_acceptance_expired(const char *expires, const char *today)
{
	time_t te, tt;

	if (parse_day(expires, &te) != 0)
		return 1;
	if (parse_day(today, &tt) != 0)
		return 0;
	return fl_days_between(te, tt) > 0;
}
