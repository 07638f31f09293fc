/*
 * fuzz_clocks: fl_clocks_parse (the notification-clock rules) on arbitrary
 * bytes, then fl_clocks_compute and the urgency order over what it
 * accepted.
 *
 * Besides the sanitizers, the harness aborts when an invariant breaks:
 * - a refusal is FL_E_SYNTAX (or FL_E_LIMIT for oversized text), leaves
 *   the set zeroed, names the file and a position inside the input, and
 *   says why in printable text;
 * - an accepted set keeps every promise of clocks.h and the grammar in
 *   data/clocks.conf (limits, names, events, durations in range, a done
 *   event that does not start the clock, bounds and relief only on timed
 *   clocks, a citation, holidays sorted and distinct, no two rules for the
 *   same clock and severity);
 * - computed over fixed incidents (a weekend, both EU summer-time changes,
 *   month ends, events out of order, nothing yet), every clock agrees with
 *   its rule and its status with its times, a relieved deadline is later
 *   than the time limit and on a working day, elapsed is a finite share,
 *   and qsort with fl_clock_urgency_cmp orders as the header documents;
 * - a round trip: the accepted set written back in the documented format
 *   (each rule on its original line) parses to the same struct, byte for
 *   byte (the header promises a plain value with no pointers).
 */
#include "core/clocks.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define check(c) ((c) ? (void)0 : fail(__LINE__, #c))
#define LAST_DAY 2932896L /* 9999-12-31, the last date fl_time_parse takes */

static void
fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_clocks.c:%d: invariant broken: %s\n", line, what);
	abort();
}

static int
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

/* Lines, and the length of the longest, for bounding diag positions. */
static void
measure(const uint8_t *data, size_t size, unsigned long *lines,
	size_t *longest)
{
	size_t i, cur = 0;

	*lines = size > 0;
	*longest = 0;
	for (i = 0; i < size; i++) {
		if (data[i] == '\n') {
			if (i + 1 < size)
				(*lines)++;
			cur = 0;
		} else if (++cur > *longest) {
			*longest = cur;
		}
	}
}

/* A NUL-terminated string within max bytes, zero-padded to max. */
static size_t
check_padded(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	check(n < max);
	check(all_zero(s + n, max - n));
	return n;
}

static void
check_dur(const struct fl_clock_dur *d, int allow_none)
{
	switch (d->unit) {
	case FL_CLOCK_U_NONE:
		check(allow_none);
		check(d->n == 0);
		break;
	case FL_CLOCK_U_HOURS:
		check(d->n >= 1 && d->n <= 8784);
		break;
	case FL_CLOCK_U_DAYS:
		check(d->n >= 1 && d->n <= 366);
		break;
	case FL_CLOCK_U_MONTHS:
		check(d->n >= 1 && d->n <= 12);
		break;
	default:
		check(0);
	}
}

static void
check_rule(const struct fl_clock_rule *r, unsigned long lines)
{
	size_t n, i;

	check((unsigned)r->regime < FL_CLOCK_NREGIMES);
	check(fl_clock_regime_name(r->regime) != NULL);
	n = check_padded(r->name, FL_CLOCK_NAME_MAX);
	check(n > 0);
	for (i = 0; i < n; i++)
		check((r->name[i] >= 'a' && r->name[i] <= 'z') ||
		      (r->name[i] >= '0' && r->name[i] <= '9') ||
		      r->name[i] == '-');
	check(r->start != 0 && r->start < (1u << FL_CLOCK_NEVENTS));
	check_dur(&r->within, 1);
	check(r->done >= 0 && r->done < FL_CLOCK_NEVENTS);
	check((r->start & (1u << r->done)) == 0);
	check(fl_clock_event_find(fl_clock_event_name(
		      (enum fl_clock_event)r->done)) == r->done);
	if (r->cap_event < 0) {
		check(r->cap_event == -1);
		check(r->cap.n == 0 && r->cap.unit == FL_CLOCK_U_NONE);
		check(r->cap_lapses == 0);
	} else {
		check(r->cap_event < FL_CLOCK_NEVENTS);
		check_dur(&r->cap, 0);
		check(r->cap_lapses == 0 || r->cap_lapses == 1);
	}
	/* severity bits: low..critical, never "none" */
	check((r->severities & ~((1u << FL_CLOCK_NSEV) - 1)) == 0);
	check((r->severities & (1u << FL_CLOCK_SEV_NONE)) == 0);
	check(r->relief == 0 || r->relief == 1);
	check((r->no_relief_if & ~(FL_CLOCK_F_ART5_5 | FL_CLOCK_F_ART5_6)) ==
	      0);
	check(r->no_relief_if == 0 || r->relief);
	if (r->within.unit == FL_CLOCK_U_NONE)
		check(r->cap_event == -1 && !r->relief);
	n = check_padded(r->cite, FL_CLOCK_CITE_MAX);
	check(n > 0);
	for (i = 0; i < n; i++)
		check((unsigned char)r->cite[i] >= 0x20 &&
		      (unsigned char)r->cite[i] != 0x7f && r->cite[i] != '"');
	check(r->line >= 1 && r->line <= lines);
}

static void
check_set(const struct fl_clock_set *s, unsigned long lines)
{
	int i, j;

	check(s->nrules >= 1 && s->nrules <= FL_CLOCK_MAX_RULES);
	check(all_zero(&s->rule[s->nrules],
		       (size_t)(FL_CLOCK_MAX_RULES - s->nrules) *
			       sizeof s->rule[0]));
	for (i = 0; i < s->nrules; i++) {
		const struct fl_clock_rule *r = &s->rule[i];

		check_rule(r, lines);
		if (i > 0)
			check(r->line > s->rule[i - 1].line);
		/* no two rules for one clock of the same incident */
		for (j = 0; j < i; j++) {
			const struct fl_clock_rule *o = &s->rule[j];
			unsigned a = r->severities ? r->severities : ~0u;
			unsigned b = o->severities ? o->severities : ~0u;

			check(o->regime != r->regime ||
			      strcmp(o->name, r->name) != 0 || (a & b) == 0);
		}
	}
	check(s->zone_min >= -12 * 60 && s->zone_min <= 14 * 60);
	check(s->eu_summer == 0 || s->eu_summer == 1);
	check(s->nholidays >= 0 && s->nholidays <= FL_CLOCK_MAX_HOLIDAYS);
	for (i = 0; i < s->nholidays; i++) {
		check(s->holiday[i] >= 0 && s->holiday[i] <= LAST_DAY);
		if (i > 0)
			check(s->holiday[i] > s->holiday[i - 1]);
		/* a holiday is never a working day, in any zone */
		check(!fl_clocks_working_day(s, (time_t)s->holiday[i] * 86400 +
							 43200 -
							 (time_t)s->zone_min * 60));
	}
	check(all_zero(&s->holiday[s->nholidays],
		       (size_t)(FL_CLOCK_MAX_HOLIDAYS - s->nholidays) *
			       sizeof s->holiday[0]));
}

/* ---- computing ---------------------------------------------------------- */

/*
 * Fixed incidents.  2025: Fri 28 March is before the spring change (Sun 30
 * March 01:00 UTC), Fri 24 October before the autumn one (Sun 26 October);
 * 2024 is a leap year with a Saturday 31 August; the extremes test the
 * arithmetic at the ends of the range fl_time_parse gives.  "-" leaves an
 * event out (0: has not happened).
 */
static const struct {
	const char *ev[FL_CLOCK_NEVENTS];
	const char *now;
} scenario[] = {
	/* a weekend and the spring change, most clocks met or late */
	{{"2025-03-28T21:30:00Z", "2025-03-29T07:00:00Z",
	  "2025-03-29T23:00:00Z", "2025-03-29T22:45:00Z",
	  "2025-03-30T02:30:00Z", "2025-04-02T01:00:00Z",
	  "2025-04-04T09:00:00Z", "-", "2025-03-29T10:00:00Z",
	  "2025-03-30T11:00:00Z", "2025-03-31T09:00:00Z", "-",
	  "2025-03-28T23:59:59Z", "2025-03-31T23:59:59Z",
	  "2025-03-30T00:59:59Z", "-"},
	 "2025-04-30T10:00:00Z"},
	/* the autumn change: every clock started, nothing done yet */
	{{"2025-10-24T22:59:59Z", "2025-10-25T23:30:00Z", "-",
	  "2025-10-25T00:59:59Z", "2025-10-26T00:30:00Z",
	  "2025-10-26T01:00:00Z", "2025-10-26T01:59:59Z", "-",
	  "2025-10-24T23:00:00Z", "-", "2025-10-25T22:00:00Z", "-",
	  "2025-10-26T00:59:59Z", "-", "2025-10-26T02:00:00Z", "-"},
	 "2025-10-26T01:30:00Z"},
	/* month ends in a leap year; done exactly at plausible deadlines */
	{{"2024-01-31T23:30:00Z", "2024-02-29T12:00:00Z",
	  "2024-02-29T13:00:00Z", "2024-08-30T20:00:00Z",
	  "2024-08-31T00:00:00Z", "2024-01-31T23:30:00Z",
	  "2024-03-31T00:30:00Z", "2024-04-30T00:30:00Z",
	  "2024-12-31T23:00:00Z", "2025-01-01T23:00:00Z",
	  "2025-01-03T23:00:00Z", "2025-02-03T23:00:00Z",
	  "2024-02-28T23:59:59Z", "2024-03-02T23:59:59Z",
	  "2024-08-31T12:00:00Z", "2024-08-31T12:00:01Z"},
	 "2024-09-01T00:00:00Z"},
	/* nothing has happened */
	{{"-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-",
	  "-", "-", "-"},
	 "2025-06-07T12:00:00Z"},
	/* done events only, and starts out of order: done before start,
	 * a bound that ended before the clock started */
	{{"2025-12-24T10:00:00Z", "2025-12-20T10:00:00Z",
	  "2025-12-19T10:00:00Z", "2025-12-27T10:00:00Z", "-",
	  "2025-12-26T10:00:00Z", "-", "2025-12-01T00:00:00Z", "-",
	  "2025-12-25T00:00:00Z", "-", "2025-12-31T23:59:59Z", "-",
	  "2025-12-21T00:00:00Z", "-", "2025-12-22T00:00:00Z"},
	 "2025-12-24T09:00:00Z"},
	/* the ends of the range */
	{{"1970-01-01T00:00:01Z", "9999-12-31T23:00:00Z",
	  "1970-01-02T00:00:00Z", "1970-01-01T00:00:01Z",
	  "9999-12-30T12:00:00Z", "9999-12-31T00:00:00Z",
	  "9999-12-31T22:00:00Z", "9999-12-31T23:59:59Z",
	  "1970-01-03T00:00:00Z", "1970-01-04T00:00:00Z",
	  "9999-12-24T00:00:00Z", "-", "9999-11-30T23:00:00Z",
	  "9999-12-31T23:59:59Z", "1970-01-31T23:00:00Z", "-"},
	 "9999-12-31T23:59:59Z"},
	/* 02:30 CET: whole months later land in the spring gap (30 March
	 * 2025, 02:00-03:00 local does not exist), or in the autumn hour
	 * that happens twice (26 October 2025) */
	{{"2024-03-30T01:30:00Z", "2025-01-30T01:30:00Z",
	  "2025-02-28T01:30:00Z", "2024-10-26T00:30:00Z",
	  "2025-03-26T00:30:00Z", "2024-12-26T01:30:00Z",
	  "2025-08-26T00:30:00Z", "-", "2025-01-30T01:30:00Z", "-",
	  "2024-10-30T01:30:00Z", "-", "2025-02-28T23:30:00Z", "-",
	  "2024-09-30T00:30:00Z", "-"},
	 "2025-03-30T01:30:00Z"},
};

static time_t ev_time[NELEM(scenario)][FL_CLOCK_NEVENTS];
static time_t now_time[NELEM(scenario)];

static time_t
parse_time(const char *iso)
{
	time_t t;

	if (iso[0] == '-')
		return 0;
	check(fl_time_parse(iso, &t) == 0);
	return t;
}

static void
load_scenarios(void)
{
	static int done;
	size_t k;
	int e;

	if (done)
		return;
	for (k = 0; k < NELEM(scenario); k++) {
		for (e = 0; e < FL_CLOCK_NEVENTS; e++)
			ev_time[k][e] = parse_time(scenario[k].ev[e]);
		now_time[k] = parse_time(scenario[k].now);
	}
	done = 1;
}

static int
applies(const struct fl_clock_rule *r, const struct fl_clock_facts *f)
{
	if ((f->regimes & FL_CLOCK_REGIME_BIT(r->regime)) == 0)
		return 0;
	if (r->severities == 0)
		return 1;
	return (unsigned)f->severity < FL_CLOCK_NSEV &&
	       (r->severities & (1u << f->severity)) != 0;
}

static void
check_clock(const struct fl_clock_set *s, const struct fl_clock *c,
	    const struct fl_clock_facts *f, time_t now)
{
	const struct fl_clock_rule *r = c->rule;
	time_t start = 0, span, ref, t;
	int e;

	check(r >= s->rule && r < s->rule + s->nrules);
	check(c->regime == r->regime);
	check(c->name == r->name && c->cite == r->cite);
	check(c->done == f->ev[r->done]);
	check(c->untimed == (r->within.unit == FL_CLOCK_U_NONE));
	for (e = 0; e < FL_CLOCK_NEVENTS; e++)
		if ((r->start & (1u << e)) && f->ev[e] > start)
			start = f->ev[e];
	check(c->start == start);
	check(isfinite(c->elapsed) && c->elapsed >= 0);
	check(c->relieved == 0 || c->relieved == 1);
	check(c->capped == 0 || c->capped == 1);
	if (start == 0 || c->untimed) {
		check(c->due == 0 && c->deadline == 0);
		check(c->elapsed == 0 && !c->capped && !c->relieved);
		if (c->done)
			check(c->status == FL_CLOCK_MET);
		else
			check(c->status == (start ? FL_CLOCK_RUNNING
						  : FL_CLOCK_NOT_STARTED));
		return;
	}
	check(c->due != 0);
	/* a bound only ever brings the time limit forward */
	if (c->capped)
		check(r->cap_event >= 0 && f->ev[r->cap_event] != 0);
	/* a lapsing bound binds only a clock that started before it */
	if (c->capped && r->cap_lapses)
		check(start < c->due);
	if (r->within.unit != FL_CLOCK_U_MONTHS) {
		t = start + (time_t)r->within.n *
				    (r->within.unit == FL_CLOCK_U_HOURS ? 3600
									: 86400);
		check(c->capped ? c->due < t : c->due == t);
	} else if (!c->capped) {
		check(c->due > start &&
		      c->due <= start + (time_t)r->within.n * 32 * 86400);
	}
	check(c->relieved == (c->deadline != c->due));
	if (!r->relief || (f->flags & r->no_relief_if) != 0) {
		check(!c->relieved);
	} else if (c->relieved) {
		/* noon of the next working day: later, and a working day */
		check(c->deadline > c->due);
		check(c->deadline - c->due < 400 * 86400L);
		check(!fl_clocks_working_day(s, c->due));
		check(fl_clocks_working_day(s, c->deadline));
		/* the next one: every day from the limit to the deadline's
		 * midnight is off (summer time never changes on a working
		 * day, so that midnight is 12 hours before local noon) */
		for (t = c->due; t < c->deadline - 43200; t += 6 * 3600)
			check(!fl_clocks_working_day(s, t));
		check(fl_clocks_working_day(s, c->deadline - 43200));
	} else {
		check(fl_clocks_working_day(s, c->due));
	}
	if (c->done)
		check(c->status == (c->done <= c->deadline ? FL_CLOCK_MET
							   : FL_CLOCK_BREACHED));
	else
		check(c->status == (now > c->deadline ? FL_CLOCK_BREACHED
						      : FL_CLOCK_RUNNING));
	ref = c->done ? c->done : now;
	span = c->deadline - start;
	if (span > 0 && ref >= start) {
		if (c->status == FL_CLOCK_BREACHED)
			check(c->elapsed >= 1);
		else
			check(c->elapsed <= 1);
	}
}

/* The documented urgency groups: lower is more urgent. */
static int
group(const struct fl_clock *c)
{
	switch (c->status) {
	case FL_CLOCK_BREACHED:
		return c->done ? 4 : 0;
	case FL_CLOCK_RUNNING:
		return c->untimed ? 2 : 1;
	case FL_CLOCK_NOT_STARTED:
		return 3;
	case FL_CLOCK_MET:
		return 4;
	}
	check(0);
	return -1;
}

static void
check_order(struct fl_clock *out, size_t n)
{
	size_t i, j;

	qsort(out, n, sizeof out[0], fl_clock_urgency_cmp);
	for (i = 0; i < n; i++) {
		check(fl_clock_urgency_cmp(&out[i], &out[i]) == 0);
		for (j = i + 1; j < n; j++) {
			int ab = fl_clock_urgency_cmp(&out[i], &out[j]);
			int ba = fl_clock_urgency_cmp(&out[j], &out[i]);

			check(ab <= 0);
			check((ab < 0) == (ba > 0) && (ab == 0) == (ba == 0));
		}
		if (i == 0)
			continue;
		check(group(&out[i - 1]) <= group(&out[i]));
		/* breached and owed, then running: soonest deadline first */
		if (group(&out[i - 1]) == group(&out[i]) && group(&out[i]) <= 1)
			check(out[i - 1].deadline <= out[i].deadline);
	}
}

static void
check_compute(const struct fl_clock_set *s)
{
	static const unsigned flags[] = {0, FL_CLOCK_F_ART5_5,
					 FL_CLOCK_F_ART5_6,
					 FL_CLOCK_F_ART5_5 | FL_CLOCK_F_ART5_6};
	struct fl_clock out[FL_CLOCK_MAX_RULES];
	struct fl_clock_facts f;
	size_t k, n, i, want;
	int sev, r;

	load_scenarios();
	for (k = 0; k < NELEM(scenario); k++)
		for (sev = 0; sev <= FL_CLOCK_NSEV; sev++) {
			memset(&f, 0, sizeof f);
			memcpy(f.ev, ev_time[k], sizeof f.ev);
			/* every regime, then one at a time */
			f.regimes = (sev + (int)k) % 2 == 0
					    ? FL_CLOCK_ALL_REGIMES
					    : FL_CLOCK_REGIME_BIT(
						      (sev + (int)k) %
						      FL_CLOCK_NREGIMES);
			/* FL_CLOCK_NSEV: a severity out of range */
			f.severity = (enum fl_clock_severity)sev;
			f.flags = flags[(k + (size_t)sev) % NELEM(flags)];
			memset(out, 0xa5, sizeof out);
			check(fl_clocks_compute(s, &f, now_time[k], out,
						NELEM(out), &n) == FL_OK);
			for (want = 0, r = 0; r < s->nrules; r++)
				want += (size_t)applies(&s->rule[r], &f);
			check(n == want);
			for (i = 0; i < n; i++) {
				check(applies(out[i].rule, &f));
				/* in the order of the rule file */
				if (i > 0)
					check(out[i].rule > out[i - 1].rule);
				check_clock(s, &out[i], &f, now_time[k]);
			}
			/* one slot short of what applies */
			if (n > 0) {
				size_t m;

				check(fl_clocks_compute(s, &f, now_time[k], out,
							n - 1, &m) ==
				      FL_E_LIMIT);
				check(fl_clocks_compute(s, &f, now_time[k], out,
							n, &m) == FL_OK &&
				      m == n);
			}
			check_order(out, n);
		}
}

/* ---- round trip --------------------------------------------------------- */

static int
put_dur(struct fl_buf *b, const struct fl_clock_dur *d)
{
	switch (d->unit) {
	case FL_CLOCK_U_HOURS:
		return fl_buf_printf(b, "%dh", d->n);
	case FL_CLOCK_U_DAYS:
		return fl_buf_printf(b, "%dd", d->n);
	case FL_CLOCK_U_MONTHS:
		return fl_buf_printf(b, "%dmonth%s", d->n, d->n > 1 ? "s" : "");
	case FL_CLOCK_U_NONE:
		break;
	}
	return fl_buf_puts(b, "none");
}

static int
put_rule(struct fl_buf *b, const struct fl_clock_rule *r)
{
	const char *sep = "";
	int bad = 0, e;

	bad |= fl_buf_printf(b, "%s %s ", fl_clock_regime_name(r->regime),
			     r->name);
	for (e = 0; e < FL_CLOCK_NEVENTS; e++)
		if (r->start & (1u << e)) {
			bad |= fl_buf_printf(b, "%s%s", sep,
					     fl_clock_event_name(
						     (enum fl_clock_event)e));
			sep = ",";
		}
	bad |= fl_buf_putc(b, ' ');
	bad |= put_dur(b, &r->within);
	bad |= fl_buf_printf(b, " done=%s",
			     fl_clock_event_name((enum fl_clock_event)r->done));
	if (r->cap_event >= 0) {
		bad |= fl_buf_printf(b, " %s=%s+",
				     r->cap_lapses ? "cap-lapses" : "cap",
				     fl_clock_event_name(
					     (enum fl_clock_event)r->cap_event));
		bad |= put_dur(b, &r->cap);
	}
	if (r->severities) {
		sep = " severity=";
		for (e = FL_CLOCK_SEV_LOW; e < FL_CLOCK_NSEV; e++)
			if (r->severities & (1u << e)) {
				bad |= fl_buf_printf(
					b, "%s%s", sep,
					fl_clock_severity_name(
						(enum fl_clock_severity)e));
				sep = ",";
			}
	}
	if (r->relief)
		bad |= fl_buf_puts(b, " relief=noon-next-working-day");
	if (r->no_relief_if)
		bad |= fl_buf_printf(b, " no-relief-if=%s%s%s",
				     r->no_relief_if & FL_CLOCK_F_ART5_5
					     ? "art5-5" : "",
				     r->no_relief_if == (FL_CLOCK_F_ART5_5 |
							 FL_CLOCK_F_ART5_6)
					     ? "," : "",
				     r->no_relief_if & FL_CLOCK_F_ART5_6
					     ? "art5-6" : "");
	bad |= fl_buf_printf(b, " \"%s\"\n", r->cite);
	return bad;
}

/*
 * The set in the documented format.  A rule records its line, so each
 * goes back on that line; the zone and the holidays fill the lines in
 * between, then follow the last rule.
 */
static int
write_back(const struct fl_clock_set *s, struct fl_buf *b)
{
	int zone = s->zone_min != 0 || s->eu_summer, h = 0, i = 0, bad = 0;
	unsigned long line;
	char date[11];

	for (line = 1; i < s->nrules || zone || h < s->nholidays; line++) {
		if (i < s->nrules && s->rule[i].line == line) {
			bad |= put_rule(b, &s->rule[i++]);
		} else if (zone) {
			int m = s->zone_min < 0 ? -s->zone_min : s->zone_min;

			bad |= fl_buf_printf(b, "zone %c%02d:%02d%s\n",
					     s->zone_min < 0 ? '-' : '+', m / 60,
					     m % 60,
					     s->eu_summer ? " eu-summer-time"
							  : "");
			zone = 0;
		} else if (h < s->nholidays) {
			fl_time_date((time_t)s->holiday[h++] * 86400, date);
			bad |= fl_buf_printf(b, "holiday %s\n", date);
		} else {
			bad |= fl_buf_putc(b, '\n');
		}
	}
	return bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fl_clock_set s, again;
	struct fl_diag d;
	struct fl_buf b;
	unsigned long lines;
	size_t longest, i;
	fl_err rc;

	fl_diag_clear(&d);
	memset(&s, 0xa5, sizeof s); /* the parser must not rely on a zeroed s */
	rc = fl_clocks_parse((const char *)data, size, "fuzz.conf", &s, &d);
	measure(data, size, &lines, &longest);
	if (rc != FL_OK) {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT);
		check(all_zero(&s, sizeof s));
		check(strcmp(d.file, "fuzz.conf") == 0);
		check(d.msg[0] != '\0');
		for (i = 0; d.msg[i]; i++)
			check((unsigned char)d.msg[i] >= 0x20 &&
			      (unsigned char)d.msg[i] < 0x7f);
		if (rc == FL_E_LIMIT) {
			check(size > FL_CLOCK_TEXT_MAX);
			return 0;
		}
		check(d.line >= 1 && d.line <= (lines ? lines : 1));
		check(d.col >= 1 && d.col <= longest + 1);
		return 0;
	}
	check(size <= FL_CLOCK_TEXT_MAX);
	check_set(&s, lines);
	check_compute(&s);

	fl_buf_init(&b, 1u << 20);
	check(write_back(&s, &b) == 0);
	memset(&again, 0x5a, sizeof again);
	rc = fl_clocks_parse(b.data, b.len, "again.conf", &again, &d);
	check(rc == FL_OK);
	check(memcmp(&s, &again, sizeof s) == 0);
	fl_buf_release(&b);
	return 0;
}
