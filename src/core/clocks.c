/*
 * core/clocks: the notification clocks of an incident, with no I/O.
 *
 * The rules (which clock starts at which event, how long it runs, what
 * bound caps it, which event meets it, whether the weekend relief of
 * Delegated Regulation (EU) 2025/301 Art. 5(4) applies, and the legal
 * source) are parsed from the line format documented in data/clocks.conf
 * into a plain struct.  Computing the clocks of an incident is a pure
 * function of that struct, the incident's event times and "now".
 *
 * Calendar rules (a month, a weekend day, noon of the next working day)
 * are taken in the set's local time: a fixed standard offset plus, when
 * asked, EU summer time, which every Member State switches at 01:00 UTC on
 * the last Sunday of March and of October (Directive 2000/84/EC).  That is
 * exact for the Union without a time-zone database, and a deadline at
 * 23:30 UTC on a Sunday is a Monday deadline in Frankfurt, which matters
 * when a relief depends on the day.  Hours are elapsed time and ignore it.
 *
 * The parser refuses rather than guesses: an unknown event, a clock with
 * no "done" event, a missing citation or two rules for the same clock of
 * the same incident are errors with FILE:LINE:COL.
 */
#include "clocks.h"

#include <ctype.h>

#define MAX_WORDS 16

struct word {
	const char *p;
	size_t n;
	unsigned long col;
	int quoted; /* a "..." string; p and n exclude the quotes */
};

struct parser {
	const char *file;
	struct fl_clock_set *s;
	struct fl_diag *d;
	unsigned long line;
	int have_zone;
};

static const char *const regime_names[FL_CLOCK_NREGIMES] = {
	"DORA", "NIS2", "GDPR", "internal",
};

static const char *const event_names[FL_CLOCK_NEVENTS] = {
	"aware", "severity-set", "iso-informed", "classified-major",
	"dora-initial", "dora-intermediate", "dora-intermediate-latest",
	"dora-final", "nis2-aware", "nis2-early-warning", "nis2-notification",
	"nis2-final", "pd-breach-aware", "gdpr-notified", "pd-high-risk",
	"gdpr-subjects-informed",
};

static const char *const severity_names[FL_CLOCK_NSEV] = {
	"none", "low", "medium", "high", "critical",
};

static const char *const status_names[] = {
	"not-started", "running", "met", "breached",
};

static const struct {
	const char *name;
	unsigned bit;
} flag_names[] = {
	{"art5-5", FL_CLOCK_F_ART5_5},
	{"art5-6", FL_CLOCK_F_ART5_6},
};

/* ---- parsing ---------------------------------------------------------- */

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

/* Bytes as a printable, bounded C string for messages. */
static const char *
show(const char *p, size_t n, char *buf, size_t bufsz)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < bufsz; i++) {
		unsigned char c = (unsigned char)p[i];
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[o] = '\0';
	if (i < n && bufsz > 4)
		memcpy(buf + bufsz - 4, "...", 4);
	return buf;
}

static int
span_is(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n == k && memcmp(p, s, k) == 0;
}

static int
span_is_ci(const char *p, size_t n, const char *s)
{
	size_t i, k = strlen(s);

	if (n != k)
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)p[i]) != tolower((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
find_name(const char *const *names, int count, const char *p, size_t n)
{
	int i;

	for (i = 0; i < count; i++)
		if (span_is(p, n, names[i]))
			return i;
	return -1;
}

/* A decimal number of at most 6 digits from p[0..n), or -1. */
static long
small_number(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 6)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/*
 * A duration: Nh, Nd, Nmonth (or Nmonths), or "none" when allow_none.
 * col is the column of p[0].
 */
static fl_err
take_duration(struct parser *ps, const char *p, size_t n, unsigned long col,
	      int allow_none, struct fl_clock_dur *out)
{
	static const struct {
		const char *unit;
		enum fl_clock_unit u;
		long max;
	} units[] = {
		{"h", FL_CLOCK_U_HOURS, 8784},
		{"d", FL_CLOCK_U_DAYS, 366},
		{"month", FL_CLOCK_U_MONTHS, 12},
		{"months", FL_CLOCK_U_MONTHS, 12},
	};
	char buf[48];
	size_t digits = 0, k;
	long v;

	if (span_is(p, n, "none")) {
		if (!allow_none)
			return perr(ps, col, "a bound needs a time limit, not "
				    "'none'");
		out->n = 0;
		out->unit = FL_CLOCK_U_NONE;
		return FL_OK;
	}
	while (digits < n && p[digits] >= '0' && p[digits] <= '9')
		digits++;
	if (digits == 0)
		return perr(ps, col, "expected a duration (like 4h, 3d or "
			    "1month%s), found '%s'", allow_none ? ", or none" : "",
			    show(p, n, buf, sizeof buf));
	for (k = 0; k < sizeof units / sizeof units[0]; k++)
		if (span_is(p + digits, n - digits, units[k].unit))
			break;
	if (k == sizeof units / sizeof units[0])
		return perr(ps, col + digits, "unknown unit '%s' (expected h, d "
			    "or month)", show(p + digits, n - digits, buf,
					      sizeof buf));
	v = small_number(p, digits);
	if (v < 1 || v > units[k].max)
		return perr(ps, col, "duration %s is out of range (1 to %ld%s)",
			    show(p, n, buf, sizeof buf), units[k].max,
			    units[k].unit);
	out->n = (int)v;
	out->unit = units[k].u;
	return FL_OK;
}

/* One event name at p[0..n), column col. */
static fl_err
take_event(struct parser *ps, const char *p, size_t n, unsigned long col,
	   int *out)
{
	char buf[48];
	int ev = find_name(event_names, FL_CLOCK_NEVENTS, p, n);

	if (ev < 0)
		return perr(ps, col, "unknown event '%s' (see the list of events "
			    "in clocks.conf)", show(p, n, buf, sizeof buf));
	*out = ev;
	return FL_OK;
}

/*
 * A comma-separated list p[0..n) starting at column col, each item
 * checked by item(); at least one item, no empty ones.
 */
typedef fl_err (*item_fn)(struct parser *, const char *, size_t,
			  unsigned long, unsigned *);

static fl_err
take_list(struct parser *ps, const char *p, size_t n, unsigned long col,
	  item_fn item, unsigned *bits)
{
	size_t i = 0;
	fl_err rc;

	*bits = 0;
	for (;;) {
		size_t j = i;

		while (j < n && p[j] != ',')
			j++;
		if (j == i)
			return perr(ps, col + i, "empty item in a list (two "
				    "commas, or a comma at an end)");
		if ((rc = item(ps, p + i, j - i, col + i, bits)) != FL_OK)
			return rc;
		if (j == n)
			return FL_OK;
		i = j + 1;
		if (i == n)
			return perr(ps, col + i - 1, "empty item in a list (two "
				    "commas, or a comma at an end)");
	}
}

static fl_err
item_event(struct parser *ps, const char *p, size_t n, unsigned long col,
	   unsigned *bits)
{
	char buf[48];
	int ev = 0;
	fl_err rc;

	if ((rc = take_event(ps, p, n, col, &ev)) != FL_OK)
		return rc;
	if (*bits & (1u << ev))
		return perr(ps, col, "event '%s' is listed twice",
			    show(p, n, buf, sizeof buf));
	*bits |= 1u << ev;
	return FL_OK;
}

static fl_err
item_severity(struct parser *ps, const char *p, size_t n, unsigned long col,
	      unsigned *bits)
{
	char buf[48];
	int sev = find_name(severity_names, FL_CLOCK_NSEV, p, n);

	if (sev <= FL_CLOCK_SEV_NONE)
		return perr(ps, col, "unknown severity '%s' (expected low, "
			    "medium, high or critical)",
			    show(p, n, buf, sizeof buf));
	if (*bits & (1u << sev))
		return perr(ps, col, "severity '%s' is listed twice",
			    severity_names[sev]);
	*bits |= 1u << sev;
	return FL_OK;
}

static fl_err
item_flag(struct parser *ps, const char *p, size_t n, unsigned long col,
	  unsigned *bits)
{
	char buf[48];
	size_t k;

	for (k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
		if (span_is(p, n, flag_names[k].name)) {
			*bits |= flag_names[k].bit;
			return FL_OK;
		}
	return perr(ps, col, "unknown entity flag '%s' (expected art5-5 or "
		    "art5-6)", show(p, n, buf, sizeof buf));
}

static fl_err
want_plain(struct parser *ps, const struct word *w)
{
	if (w->quoted)
		return perr(ps, w->col, "a quoted citation can only be the last "
			    "word of a clock line");
	return FL_OK;
}

/* zone +HH:MM [eu-summer-time] */
static fl_err
line_zone(struct parser *ps, const struct word *w, int nw, unsigned long eol)
{
	char buf[48];
	long h, m;
	fl_err rc;
	int i;

	for (i = 1; i < nw; i++)
		if ((rc = want_plain(ps, &w[i])) != FL_OK)
			return rc;
	if (ps->have_zone)
		return perr(ps, w[0].col, "'zone' is given twice");
	if (nw < 2)
		return perr(ps, eol, "incomplete line: expected 'zone +HH:MM "
			    "[eu-summer-time]'");
	if (nw > 3)
		return perr(ps, w[3].col, "unexpected '%s': the line is 'zone "
			    "+HH:MM [eu-summer-time]'",
			    show(w[3].p, w[3].n, buf, sizeof buf));
	if (w[1].n != 6 || (w[1].p[0] != '+' && w[1].p[0] != '-') ||
	    w[1].p[3] != ':' || (h = small_number(w[1].p + 1, 2)) < 0 ||
	    (m = small_number(w[1].p + 4, 2)) < 0)
		return perr(ps, w[1].col, "expected an offset from UTC like "
			    "+01:00, found '%s'",
			    show(w[1].p, w[1].n, buf, sizeof buf));
	if (m > 59 || h * 60 + m > 14 * 60 ||
	    (w[1].p[0] == '-' && h * 60 + m > 12 * 60))
		return perr(ps, w[1].col, "offset %s is out of range (-12:00 to "
			    "+14:00)", show(w[1].p, w[1].n, buf, sizeof buf));
	ps->s->zone_min = (int)((w[1].p[0] == '-' ? -1 : 1) * (h * 60 + m));
	if (nw == 3) {
		if (!span_is(w[2].p, w[2].n, "eu-summer-time"))
			return perr(ps, w[2].col, "unexpected '%s': expected "
				    "'eu-summer-time' or nothing",
				    show(w[2].p, w[2].n, buf, sizeof buf));
		ps->s->eu_summer = 1;
	}
	ps->have_zone = 1;
	return FL_OK;
}

/* holiday YYYY-MM-DD */
static fl_err
line_holiday(struct parser *ps, const struct word *w, int nw,
	     unsigned long eol)
{
	struct fl_clock_set *s = ps->s;
	char buf[48], date[11];
	time_t t;
	long day;
	int i;

	if (nw < 2)
		return perr(ps, eol, "incomplete line: expected 'holiday "
			    "YYYY-MM-DD'");
	if (nw > 2)
		return perr(ps, w[2].col, "unexpected '%s': the line is "
			    "'holiday YYYY-MM-DD'",
			    show(w[2].p, w[2].n, buf, sizeof buf));
	if (w[1].quoted || w[1].n != 10)
		goto bad;
	memcpy(date, w[1].p, 10);
	date[10] = '\0';
	if (fl_time_parse(date, &t) != 0)
		goto bad;
	day = (long)(t / 86400);
	for (i = 0; i < s->nholidays; i++)
		if (s->holiday[i] == day)
			return perr(ps, w[1].col, "holiday %s is given twice",
				    date);
	if (s->nholidays == FL_CLOCK_MAX_HOLIDAYS)
		return perr(ps, w[0].col, "more than %d holidays",
			    FL_CLOCK_MAX_HOLIDAYS);
	/* keep them sorted: the relief walks forward from a deadline */
	for (i = s->nholidays; i > 0 && s->holiday[i - 1] > day; i--)
		s->holiday[i] = s->holiday[i - 1];
	s->holiday[i] = day;
	s->nholidays++;
	return FL_OK;
bad:
	return perr(ps, w[1].col, "expected a date YYYY-MM-DD, found '%s'",
		    show(w[1].p, w[1].n, buf, sizeof buf));
}

static int
name_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)p[i]) ||
		      isdigit((unsigned char)p[i]) || p[i] == '-'))
			return 0;
	return n > 0;
}

/* One "key=value" option of a clock line. */
static fl_err
take_option(struct parser *ps, const struct word *w, struct fl_clock_rule *r,
	    unsigned *seen, unsigned long *done_col)
{
	static const char *const keys[] = {
		"done", "cap", "cap-lapses", "severity", "relief",
		"no-relief-if",
	};
	char buf[48];
	const char *eq = memchr(w->p, '=', w->n);
	size_t klen, vlen;
	const char *v;
	unsigned long vcol;
	int k;
	fl_err rc;

	if (eq == NULL)
		return perr(ps, w->col, "expected an option KEY=VALUE or the "
			    "quoted citation, found '%s'",
			    show(w->p, w->n, buf, sizeof buf));
	klen = (size_t)(eq - w->p);
	v = eq + 1;
	vlen = w->n - klen - 1;
	vcol = w->col + klen + 1;
	k = find_name(keys, (int)(sizeof keys / sizeof keys[0]), w->p, klen);
	if (k < 0)
		return perr(ps, w->col, "unknown option '%s' (expected done, "
			    "cap, cap-lapses, severity, relief or "
			    "no-relief-if)", show(w->p, klen, buf, sizeof buf));
	/* cap and cap-lapses are one bound */
	if (*seen & (1u << (k == 2 ? 1 : k))) {
		if (k == 1 || k == 2)
			return perr(ps, w->col, "only one bound per clock (cap "
				    "or cap-lapses)");
		return perr(ps, w->col, "option '%s' is given twice",
			    show(w->p, klen, buf, sizeof buf));
	}
	*seen |= 1u << (k == 2 ? 1 : k);
	if (vlen == 0)
		return perr(ps, vcol, "option '%s' has no value",
			    show(w->p, klen, buf, sizeof buf));
	switch (k) {
	case 0:
		*done_col = vcol;
		return take_event(ps, v, vlen, vcol, &r->done);
	case 1:
	case 2: {
		const char *plus = memchr(v, '+', vlen);
		size_t elen;

		if (plus == NULL)
			return perr(ps, vcol, "expected EVENT+DURATION (like "
				    "aware+24h), found '%s'",
				    show(v, vlen, buf, sizeof buf));
		elen = (size_t)(plus - v);
		if ((rc = take_event(ps, v, elen, vcol, &r->cap_event)) != FL_OK)
			return rc;
		r->cap_lapses = k == 2;
		return take_duration(ps, plus + 1, vlen - elen - 1,
				     vcol + elen + 1, 0, &r->cap);
	}
	case 3:
		return take_list(ps, v, vlen, vcol, item_severity,
				 &r->severities);
	case 4:
		if (!span_is(v, vlen, "noon-next-working-day"))
			return perr(ps, vcol, "unknown relief '%s' (expected "
				    "noon-next-working-day)",
				    show(v, vlen, buf, sizeof buf));
		r->relief = 1;
		return FL_OK;
	default:
		return take_list(ps, v, vlen, vcol, item_flag, &r->no_relief_if);
	}
}

/* Two rules for one clock of the same incident would give two deadlines. */
static fl_err
check_duplicate(struct parser *ps, const struct fl_clock_rule *r,
		unsigned long col)
{
	const struct fl_clock_set *s = ps->s;
	int i;

	for (i = 0; i < s->nrules; i++) {
		const struct fl_clock_rule *o = &s->rule[i];
		unsigned a = r->severities ? r->severities : ~0u;
		unsigned b = o->severities ? o->severities : ~0u;

		if (o->regime == r->regime && strcmp(o->name, r->name) == 0 &&
		    (a & b) != 0)
			return perr(ps, col, "clock '%s %s' is already defined "
				    "on line %lu for the same severity",
				    regime_names[r->regime], r->name, o->line);
	}
	return FL_OK;
}

/* REGIME NAME START DURATION [KEY=VALUE ...] "CITATION" */
static fl_err
line_clock(struct parser *ps, int regime, const struct word *w, int nw,
	   unsigned long eol)
{
	struct fl_clock_rule r;
	const struct word *cite;
	char buf[48];
	unsigned seen = 0;
	unsigned long done_col = 0;
	size_t i;
	int k;
	fl_err rc;

	memset(&r, 0, sizeof r);
	r.regime = (enum fl_clock_regime)regime;
	r.cap_event = -1;
	r.done = -1;
	r.line = ps->line;
	for (k = 1; k < nw - 1; k++)
		if ((rc = want_plain(ps, &w[k])) != FL_OK)
			return rc;
	if (nw < 5 || !w[nw - 1].quoted) {
		if (nw < 5)
			return perr(ps, eol, "incomplete line: expected 'REGIME "
				    "NAME START DURATION [KEY=VALUE ...] "
				    "\"CITATION\"'");
		return perr(ps, eol, "the clock has no citation: end the line "
			    "with its legal source in double quotes");
	}
	if (w[1].n >= FL_CLOCK_NAME_MAX)
		return perr(ps, w[1].col, "clock name '%s' is longer than %d "
			    "bytes", show(w[1].p, w[1].n, buf, sizeof buf),
			    FL_CLOCK_NAME_MAX - 1);
	if (!name_ok(w[1].p, w[1].n))
		return perr(ps, w[1].col, "clock name '%s' may only hold "
			    "lowercase letters, digits and '-'",
			    show(w[1].p, w[1].n, buf, sizeof buf));
	memcpy(r.name, w[1].p, w[1].n);
	if ((rc = take_list(ps, w[2].p, w[2].n, w[2].col, item_event,
			    &r.start)) != FL_OK ||
	    (rc = take_duration(ps, w[3].p, w[3].n, w[3].col, 1,
				&r.within)) != FL_OK)
		return rc;
	for (k = 4; k < nw - 1; k++)
		if ((rc = take_option(ps, &w[k], &r, &seen, &done_col)) != FL_OK)
			return rc;
	if (r.done < 0)
		return perr(ps, w[nw - 1].col, "the clock has no done=EVENT: say "
			    "which event meets it");
	if (r.start & (1u << r.done))
		return perr(ps, done_col, "event '%s' both starts and meets the "
			    "clock", event_names[r.done]);
	if (r.within.unit == FL_CLOCK_U_NONE &&
	    (r.cap_event >= 0 || r.relief))
		return perr(ps, w[3].col, "an untimed clock ('none') cannot "
			    "have a cap or a relief");
	if (r.no_relief_if && !r.relief)
		return perr(ps, w[nw - 1].col, "no-relief-if without "
			    "relief=noon-next-working-day");
	cite = &w[nw - 1];
	if (cite->n == 0)
		return perr(ps, cite->col, "the citation is empty");
	if (cite->n >= FL_CLOCK_CITE_MAX)
		return perr(ps, cite->col, "the citation is longer than %d bytes",
			    FL_CLOCK_CITE_MAX - 1);
	for (i = 0; i < cite->n; i++)
		if ((unsigned char)cite->p[i] < 0x20 ||
		    (unsigned char)cite->p[i] == 0x7f)
			return perr(ps, cite->col + 1 + i, "control character "
				    "in the citation");
	memcpy(r.cite, cite->p, cite->n);
	if ((rc = check_duplicate(ps, &r, w[1].col)) != FL_OK)
		return rc;
	if (ps->s->nrules == FL_CLOCK_MAX_RULES)
		return perr(ps, w[0].col, "more than %d clocks",
			    FL_CLOCK_MAX_RULES);
	ps->s->rule[ps->s->nrules++] = r;
	return FL_OK;
}

static int
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split a line into words and "quoted strings"; '#' outside quotes ends it. */
static fl_err
split(struct parser *ps, const char *p, size_t n, struct word *w, int *nw)
{
	size_t i = 0;

	*nw = 0;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t start;

		if (blank(c)) {
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (c == '\0')
			return perr(ps, i + 1, "NUL byte in a clock file");
		if (*nw == MAX_WORDS)
			return perr(ps, i + 1, "too many words on one line");
		start = i;
		if (c == '"') {
			const char *q = memchr(p + i + 1, '"', n - i - 1);

			if (q == NULL)
				return perr(ps, i + 1, "unterminated quoted "
					    "string");
			w[*nw].p = p + i + 1;
			w[*nw].n = (size_t)(q - (p + i + 1));
			w[*nw].quoted = 1;
			if (memchr(w[*nw].p, '\0', w[*nw].n) != NULL)
				return perr(ps, i + 1, "NUL byte in a clock "
					    "file");
			i = (size_t)(q - p) + 1;
			if (i < n && !blank((unsigned char)p[i]) && p[i] != '#')
				return perr(ps, i + 1, "expected a blank after "
					    "the closing quote");
		} else {
			while (i < n) {
				c = (unsigned char)p[i];
				if (blank(c) || c == '#')
					break;
				if (c == '\0')
					return perr(ps, i + 1, "NUL byte in a "
						    "clock file");
				if (c == '"')
					return perr(ps, i + 1, "a quote inside "
						    "a word");
				i++;
			}
			w[*nw].p = p + start;
			w[*nw].n = i - start;
			w[*nw].quoted = 0;
		}
		w[*nw].col = start + 1;
		(*nw)++;
	}
	return FL_OK;
}

static fl_err
parse_line(struct parser *ps, const char *p, size_t n)
{
	struct word w[MAX_WORDS];
	char buf[48];
	unsigned long eol;
	int nw, r;
	fl_err rc;

	if ((rc = split(ps, p, n, w, &nw)) != FL_OK)
		return rc;
	if (nw == 0)
		return FL_OK;
	/* the column just past the last word, for "incomplete line" */
	eol = w[nw - 1].col + w[nw - 1].n + (w[nw - 1].quoted ? 2 : 0);
	if (w[0].quoted)
		return perr(ps, w[0].col, "a line starts with a regime or a "
			    "keyword, not a quoted string");
	if (span_is(w[0].p, w[0].n, "zone"))
		return line_zone(ps, w, nw, eol);
	if (span_is(w[0].p, w[0].n, "holiday"))
		return line_holiday(ps, w, nw, eol);
	for (r = 0; r < FL_CLOCK_NREGIMES; r++)
		if (span_is_ci(w[0].p, w[0].n, regime_names[r]))
			return line_clock(ps, r, w, nw, eol);
	return perr(ps, w[0].col, "unknown regime '%s' (expected DORA, NIS2, "
		    "GDPR or internal, or the keyword zone or holiday)",
		    show(w[0].p, w[0].n, buf, sizeof buf));
}

fl_err
fl_clocks_parse(const char *text, size_t len, const char *filename,
		struct fl_clock_set *s, struct fl_diag *d)
{
	struct parser ps;
	size_t pos = 0;
	fl_err rc = FL_E_INTERNAL;

	memset(s, 0, sizeof *s);
	memset(&ps, 0, sizeof ps);
	ps.file = filename ? filename : "";
	ps.s = s;
	ps.d = d;
	if (text == NULL && len > 0)
		goto out;
	if (len > FL_CLOCK_TEXT_MAX) {
		rc = fl_diag_set(d, FL_E_LIMIT, ps.file, 0, 0,
				 "clock rules are larger than %d bytes",
				 FL_CLOCK_TEXT_MAX);
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
	if (s->nrules == 0) {
		ps.line = ps.line ? ps.line : 1;
		rc = perr(&ps, 1, "no clocks defined: a rule file without "
			  "clocks would keep no deadline");
		goto out;
	}
	rc = FL_OK;
out:
	if (rc != FL_OK)
		memset(s, 0, sizeof *s);
	return rc;
}

fl_err
fl_clocks_default(struct fl_clock_set *s, struct fl_diag *d)
{
	const char *t = fl_data_text("clocks.conf");

	if (t == NULL) {
		memset(s, 0, sizeof *s);
		return fl_diag_msg(d, FL_E_INTERNAL, "clocks.conf is not "
				   "embedded in this binary");
	}
	return fl_clocks_parse(t, strlen(t), "clocks.conf", s, d);
}

/* ---- local time --------------------------------------------------------- */

static long
floor_div(long long a, long b)
{
	long long q = a / b;

	return (long)(q - ((a % b != 0) && ((a < 0) != (b < 0))));
}

static int
days_in_month(int y, int m) /* m 1..12 */
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* Day number (since 1970-01-01) of y-m-d, m 1..12. */
static long
civil_day(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return floor_div((long long)timegm(&tm), 86400);
}

/* 0 = Sunday ... 6 = Saturday; 1970-01-01 was a Thursday. */
static int
weekday(long day)
{
	return (int)(((day % 7) + 7 + 4) % 7);
}

/* 01:00 UTC on the last Sunday of month m of year y. */
static time_t
eu_switch(int y, int m)
{
	long last = civil_day(y, m, days_in_month(y, m));

	return (time_t)(last - weekday(last)) * 86400 + 3600;
}

static int
utc_year(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* Seconds to add to UTC t to get the local wall time. */
static long
utc_offset(const struct fl_clock_set *s, time_t t)
{
	long off = (long)s->zone_min * 60;

	if (s->eu_summer) {
		int y = utc_year(t);

		if (t >= eu_switch(y, 3) && t < eu_switch(y, 10))
			off += 3600;
	}
	return off;
}

/*
 * The UTC instant of local wall time L.  In the autumn hour that happens
 * twice the earlier instant is taken; a wall time that does not exist
 * (the spring gap) is taken as summer time, an hour early: both err on
 * the side of the earlier deadline.
 */
static time_t
local_to_utc(const struct fl_clock_set *s, long long L)
{
	long std = (long)s->zone_min * 60;
	time_t winter = (time_t)(L - std), summer = (time_t)(L - std - 3600);

	if (!s->eu_summer)
		return winter;
	if (utc_offset(s, summer) == std + 3600)
		return summer;
	if (utc_offset(s, winter) == std)
		return winter;
	return summer;
}

static long
local_day(const struct fl_clock_set *s, time_t t)
{
	return floor_div((long long)t + utc_offset(s, t), 86400);
}

static int
day_is_working(const struct fl_clock_set *s, long day)
{
	int lo = 0, hi = s->nholidays, wd = weekday(day);

	if (wd == 0 || wd == 6)
		return 0;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (s->holiday[mid] == day)
			return 0;
		if (s->holiday[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 1;
}

int
fl_clocks_working_day(const struct fl_clock_set *s, time_t t)
{
	return day_is_working(s, local_day(s, t));
}

time_t
fl_clocks_add_months(const struct fl_clock_set *s, time_t t, int n)
{
	long long L = (long long)t + utc_offset(s, t);
	long day = floor_div(L, 86400);
	long sec = (long)(L - (long long)day * 86400);
	time_t midnight = (time_t)day * 86400;
	struct tm tm;
	int y, m, d;

	gmtime_r(&midnight, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + n; /* 0-based month, may run past December */
	y += m / 12;
	m %= 12;
	d = tm.tm_mday;
	if (d > days_in_month(y, m + 1))
		d = days_in_month(y, m + 1);
	return local_to_utc(s, (long long)civil_day(y, m + 1, d) * 86400 + sec);
}

/*
 * Delegated Regulation (EU) 2025/301 Art. 5(4): a time limit that falls
 * on a weekend day or a bank holiday may be met by noon of the next
 * working day.
 */
static time_t
relieve(const struct fl_clock_set *s, time_t due)
{
	long day = local_day(s, due);
	int guard;

	if (day_is_working(s, day))
		return due;
	/*
	 * Every weekday of a run of days off is a distinct holiday, so a run
	 * holds at most FL_CLOCK_MAX_HOLIDAYS / 5 + 1 weeks (with their
	 * weekends, not only the holidays): a working day comes within that.
	 */
	for (guard = 0; guard < (FL_CLOCK_MAX_HOLIDAYS / 5 + 1) * 7; guard++)
		if (day_is_working(s, ++day))
			break;
	return local_to_utc(s, (long long)day * 86400 + 12 * 3600);
}

/* ---- computing -------------------------------------------------------- */

static time_t
add_dur(const struct fl_clock_set *s, time_t t, struct fl_clock_dur dur)
{
	switch (dur.unit) {
	case FL_CLOCK_U_HOURS:
		return t + (time_t)dur.n * 3600;
	case FL_CLOCK_U_DAYS:
		return t + (time_t)dur.n * 86400;
	case FL_CLOCK_U_MONTHS:
		return fl_clocks_add_months(s, t, dur.n);
	case FL_CLOCK_U_NONE:
		break;
	}
	return t;
}

static void
compute_one(const struct fl_clock_set *s, const struct fl_clock_rule *r,
	    const struct fl_clock_facts *f, time_t now, struct fl_clock *c)
{
	time_t ref, span;
	int ev;

	memset(c, 0, sizeof *c);
	c->rule = r;
	c->regime = r->regime;
	c->name = r->name;
	c->cite = r->cite;
	c->untimed = r->within.unit == FL_CLOCK_U_NONE;
	c->done = f->ev[r->done];
	/* the latest start event that has happened: a severity raised later
	 * restarts the ISO clock, an updated report restarts the next one */
	for (ev = 0; ev < FL_CLOCK_NEVENTS; ev++)
		if ((r->start & (1u << ev)) && f->ev[ev] > c->start)
			c->start = f->ev[ev];
	if (c->start == 0) {
		c->status = c->done ? FL_CLOCK_MET : FL_CLOCK_NOT_STARTED;
		return;
	}
	if (c->untimed) {
		c->status = c->done ? FL_CLOCK_MET : FL_CLOCK_RUNNING;
		return;
	}
	c->due = add_dur(s, c->start, r->within);
	if (r->cap_event >= 0 && f->ev[r->cap_event] != 0) {
		time_t bound = add_dur(s, f->ev[r->cap_event], r->cap);

		/* 2025/301 Art. 5(2): classified as major only after the 24
		 * hours, the notification is due 4 hours from classification */
		if (!(r->cap_lapses && c->start >= bound) && bound < c->due) {
			c->due = bound;
			c->capped = 1;
		}
	}
	c->deadline = c->due;
	if (r->relief && (f->flags & r->no_relief_if) == 0) {
		c->deadline = relieve(s, c->due);
		c->relieved = c->deadline != c->due;
	}
	if (c->done)
		c->status = c->done <= c->deadline ? FL_CLOCK_MET
						   : FL_CLOCK_BREACHED;
	else
		c->status = now > c->deadline ? FL_CLOCK_BREACHED
					      : FL_CLOCK_RUNNING;
	ref = c->done ? c->done : now;
	span = c->deadline - c->start;
	if (span > 0)
		c->elapsed = (double)(ref - c->start) / (double)span;
	else
		c->elapsed = ref >= c->deadline ? 1.0 : 0.0;
	if (c->elapsed < 0)
		c->elapsed = 0;
}

fl_err
fl_clocks_compute(const struct fl_clock_set *s, const struct fl_clock_facts *f,
		  time_t now, struct fl_clock *out, size_t max, size_t *n)
{
	int i;

	*n = 0;
	for (i = 0; i < s->nrules; i++) {
		const struct fl_clock_rule *r = &s->rule[i];

		if ((f->regimes & FL_CLOCK_REGIME_BIT(r->regime)) == 0)
			continue;
		if (r->severities != 0 &&
		    ((unsigned)f->severity >= FL_CLOCK_NSEV ||
		     (r->severities & (1u << f->severity)) == 0))
			continue;
		if (*n == max)
			return FL_E_LIMIT;
		compute_one(s, r, f, now, &out[(*n)++]);
	}
	return FL_OK;
}

static int
urgency_rank(const struct fl_clock *c)
{
	switch (c->status) {
	case FL_CLOCK_BREACHED:
		return c->done ? 5 : 0;
	case FL_CLOCK_RUNNING:
		return c->untimed ? 2 : 1;
	case FL_CLOCK_NOT_STARTED:
		return 3;
	case FL_CLOCK_MET:
		return 4;
	}
	return 6;
}

int
fl_clock_urgency_cmp(const void *a, const void *b)
{
	const struct fl_clock *x = a, *y = b;
	int rx = urgency_rank(x), ry = urgency_rank(y), c;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if ((rx == 0 || rx == 1) && x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	if (x->regime != y->regime)
		return x->regime < y->regime ? -1 : 1;
	c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	return (c > 0) - (c < 0);
}

/* ---- names ------------------------------------------------------------ */

const char *
fl_clock_regime_name(enum fl_clock_regime r)
{
	return (unsigned)r < FL_CLOCK_NREGIMES ? regime_names[r] : NULL;
}

const char *
fl_clock_status_name(enum fl_clock_status st)
{
	return (unsigned)st < sizeof status_names / sizeof status_names[0]
		       ? status_names[st]
		       : NULL;
}

const char *
fl_clock_event_name(enum fl_clock_event ev)
{
	return (unsigned)ev < FL_CLOCK_NEVENTS ? event_names[ev] : NULL;
}

int
fl_clock_event_find(const char *name)
{
	return name ? find_name(event_names, FL_CLOCK_NEVENTS, name,
				strlen(name))
		    : -1;
}

const char *
fl_clock_severity_name(enum fl_clock_severity sev)
{
	return (unsigned)sev < FL_CLOCK_NSEV ? severity_names[sev] : NULL;
}

int
fl_clock_severity_find(const char *name)
{
	if (name == NULL)
		return -1;
	{
		size_t n = strlen(name);
		int i;

		for (i = 0; i < FL_CLOCK_NSEV; i++)
			if (span_is_ci(name, n, severity_names[i]))
				return i;
	}
	return -1;
}
