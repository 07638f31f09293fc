/*
 * test_clocks: the notification clocks (core/clocks.c) as tables of cases —
 * the shipped rules, every clock one second before, at and one second after
 * its deadline (running, met, breached), a DORA incident classified as
 * major after the 24-hour mark, the weekend and holiday relief of
 * Delegated Regulation (EU) 2025/301 Art. 5(4)-(6), calendar months at
 * month ends and across summer time, the untimed GDPR Art. 34 duty, the
 * 75% mark, urgency order, and the rule parser's errors with positions.
 *
 * June 2025 is the reference week: Mon 2, Tue 3, ... Sat 7, Sun 8, Mon 9;
 * local time (CEST) is UTC+2 then, UTC+1 (CET) in winter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/clocks.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NOFLAGS 0u
#define STRICT (FL_CLOCK_F_ART5_5 | FL_CLOCK_F_ART5_6) /* no relief at all */

static time_t
T(const char *iso)
{
	time_t t;

	if (iso == NULL)
		return 0;
	if (fl_time_parse(iso, &t) != 0)
		fail_msg("bad time in a test table: %s", iso);
	return t;
}

static const char *
iso(time_t t, char buf[static 21])
{
	if (t == 0)
		fl_strlcpy(buf, "0", 21);
	else
		fl_time_iso(t, buf);
	return buf;
}

static void
default_set(struct fl_clock_set *s)
{
	struct fl_diag d;

	fl_diag_clear(&d);
	if (fl_clocks_default(s, &d) != FL_OK)
		fail_msg("shipped rules refused: %s:%lu:%lu: %s", d.file, d.line,
			 d.col, d.msg);
}

static void
parse_ok(const char *text, struct fl_clock_set *s)
{
	struct fl_diag d;

	fl_diag_clear(&d);
	if (fl_clocks_parse(text, strlen(text), "t.conf", s, &d) != FL_OK)
		fail_msg("parse failed: %s:%lu:%lu: %s", d.file, d.line, d.col,
			 d.msg);
}

/* "aware=2025-06-03T08:00:00Z dora-initial=..." into f->ev */
static void
set_events(struct fl_clock_facts *f, const char *spec)
{
	const char *p = spec;

	while (p && *p) {
		char name[48], when[32];
		const char *eq, *end;
		int ev;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		eq = strchr(p, '=');
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		if (eq == NULL || eq > end || (size_t)(eq - p) >= sizeof name ||
		    (size_t)(end - eq - 1) >= sizeof when)
			fail_msg("bad event spec: %s", spec);
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		memcpy(when, eq + 1, (size_t)(end - eq - 1));
		when[end - eq - 1] = '\0';
		ev = fl_clock_event_find(name);
		if (ev < 0)
			fail_msg("unknown event in a test table: %s", name);
		f->ev[ev] = T(when);
		p = end;
	}
}

static void
facts(struct fl_clock_facts *f, const char *events,
      enum fl_clock_severity sev, unsigned flags)
{
	memset(f, 0, sizeof *f);
	f->regimes = FL_CLOCK_ALL_REGIMES;
	f->severity = sev;
	f->flags = flags;
	set_events(f, events);
}

/* The clock REGIME NAME of an incident, computed at now. */
static struct fl_clock
clock_of(const struct fl_clock_set *s, const struct fl_clock_facts *f,
	 time_t now, const char *regime, const char *name)
{
	struct fl_clock out[FL_CLOCK_MAX_RULES];
	size_t n = 0, i;

	assert_int_equal(fl_clocks_compute(s, f, now, out, ARRAY_LEN(out), &n),
			 FL_OK);
	for (i = 0; i < n; i++)
		if (strcmp(fl_clock_regime_name(out[i].regime), regime) == 0 &&
		    strcmp(out[i].name, name) == 0)
			return out[i];
	fail_msg("no clock %s %s", regime, name);
	return out[0];
}

/* ---- the shipped rules ---------------------------------------------------- */

static void
test_default_rules(void **state)
{
	static const struct {
		const char *regime, *name, *cite; /* cite: a substring */
	} want[] = {
		{"DORA", "initial-notification", "2025/301 Art. 5(1)(a), 5(2)"},
		{"DORA", "intermediate-report", "2025/301 Art. 5(1)(b)"},
		{"DORA", "final-report", "2025/301 Art. 5(1)(c)"},
		{"NIS2", "early-warning", "2022/2555 Art. 23(4)(a)"},
		{"NIS2", "incident-notification", "2022/2555 Art. 23(4)(b)"},
		{"NIS2", "final-report", "2022/2555 Art. 23(4)(d)"},
		{"GDPR", "authority-notification", "2016/679 Art. 33(1)"},
		{"GDPR", "inform-data-subjects", "2016/679 Art. 34(1)"},
		{"internal", "iso-informed", "within 1 hour"},
		{"internal", "iso-informed", "within 4 hours"},
		{"internal", "iso-informed", "within 24 hours"},
		{"internal", "iso-informed", "weekly ISO report"},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	default_set(&s);
	assert_int_equal(s.nrules, (int)ARRAY_LEN(want));
	assert_int_equal(s.zone_min, 60);
	assert_int_equal(s.eu_summer, 1);
	assert_int_equal(s.nholidays, 0);
	for (k = 0; k < ARRAY_LEN(want); k++) {
		const struct fl_clock_rule *r = &s.rule[k];

		assert_string_equal(fl_clock_regime_name(r->regime),
				    want[k].regime);
		assert_string_equal(r->name, want[k].name);
		if (strstr(r->cite, want[k].cite) == NULL)
			fail_msg("%s %s cites '%s', expected '%s' in it",
				 want[k].regime, want[k].name, r->cite,
				 want[k].cite);
	}
	/* the DORA initial bound is the lapsing one of Art. 5(2) */
	assert_int_equal(s.rule[0].cap_event, FL_CLOCK_EV_AWARE);
	assert_int_equal(s.rule[0].cap_lapses, 1);
	assert_int_equal(s.rule[0].cap.n, 24);
	/* Art. 5(5) keeps the final report's relief; only 5(6) removes it */
	assert_int_equal(s.rule[0].no_relief_if, STRICT);
	assert_int_equal(s.rule[1].no_relief_if, STRICT);
	assert_int_equal(s.rule[2].no_relief_if, FL_CLOCK_F_ART5_6);
	assert_int_equal(s.rule[7].within.unit, FL_CLOCK_U_NONE);
}

/* ---- every deadline, one second either side --------------------------- */

static void
test_around_deadlines(void **state)
{
	static const struct {
		const char *what, *regime, *name;
		enum fl_clock_severity sev;
		const char *events;
		const char *start, *deadline;
		int capped;
	} cases[] = {
		{"DORA initial, the 24 h bound governs", "DORA",
		 "initial-notification", FL_CLOCK_SEV_HIGH,
		 "aware=2025-06-02T08:00:00Z classified-major=2025-06-03T06:00:00Z",
		 "2025-06-03T06:00:00Z", "2025-06-03T08:00:00Z", 1},
		{"DORA initial, 4 h from classification", "DORA",
		 "initial-notification", FL_CLOCK_SEV_HIGH,
		 "aware=2025-06-03T08:00:00Z classified-major=2025-06-03T09:00:00Z",
		 "2025-06-03T09:00:00Z", "2025-06-03T13:00:00Z", 0},
		{"DORA intermediate, 72 h from the initial", "DORA",
		 "intermediate-report", FL_CLOCK_SEV_HIGH,
		 "aware=2025-06-03T08:00:00Z classified-major=2025-06-03T09:00:00Z "
		 "dora-initial=2025-06-03T11:00:00Z",
		 "2025-06-03T11:00:00Z", "2025-06-06T11:00:00Z", 0},
		{"DORA final, a month from the intermediate", "DORA",
		 "final-report", FL_CLOCK_SEV_HIGH,
		 "dora-initial=2025-06-03T11:00:00Z "
		 "dora-intermediate=2025-06-04T10:00:00Z",
		 "2025-06-04T10:00:00Z", "2025-07-04T10:00:00Z", 0},
		{"DORA final, from the latest updated intermediate", "DORA",
		 "final-report", FL_CLOCK_SEV_HIGH,
		 "dora-initial=2025-06-03T11:00:00Z "
		 "dora-intermediate=2025-06-04T10:00:00Z "
		 "dora-intermediate-latest=2025-06-10T09:00:00Z",
		 "2025-06-10T09:00:00Z", "2025-07-10T09:00:00Z", 0},
		{"NIS2 early warning, 24 h", "NIS2", "early-warning",
		 FL_CLOCK_SEV_HIGH, "nis2-aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", "2025-06-04T08:00:00Z", 0},
		{"NIS2 incident notification, 72 h", "NIS2",
		 "incident-notification", FL_CLOCK_SEV_HIGH,
		 "nis2-aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", "2025-06-06T08:00:00Z", 0},
		{"NIS2 final, a month from the notification (a Sunday)", "NIS2",
		 "final-report", FL_CLOCK_SEV_HIGH,
		 "nis2-aware=2025-06-03T08:00:00Z "
		 "nis2-notification=2025-06-06T08:00:00Z",
		 "2025-06-06T08:00:00Z", "2025-07-06T08:00:00Z", 0},
		{"GDPR Art. 33, 72 h", "GDPR", "authority-notification",
		 FL_CLOCK_SEV_HIGH, "pd-breach-aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", "2025-06-06T08:00:00Z", 0},
		{"GDPR Art. 33 over a weekend: no relief", "GDPR",
		 "authority-notification", FL_CLOCK_SEV_HIGH,
		 "pd-breach-aware=2025-06-05T08:00:00Z",
		 "2025-06-05T08:00:00Z", "2025-06-08T08:00:00Z", 0},
		{"ISO, critical: 1 h", "internal", "iso-informed",
		 FL_CLOCK_SEV_CRITICAL, "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", "2025-06-03T09:00:00Z", 0},
		{"ISO, high: 4 h", "internal", "iso-informed", FL_CLOCK_SEV_HIGH,
		 "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", "2025-06-03T12:00:00Z", 0},
		{"ISO, medium: 24 h", "internal", "iso-informed",
		 FL_CLOCK_SEV_MEDIUM, "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", "2025-06-04T08:00:00Z", 0},
		{"ISO, raised to critical later: from the raise", "internal",
		 "iso-informed", FL_CLOCK_SEV_CRITICAL,
		 "aware=2025-06-03T08:00:00Z severity-set=2025-06-04T10:00:00Z",
		 "2025-06-04T10:00:00Z", "2025-06-04T11:00:00Z", 0},
	};
	static const struct {
		long delta; /* seconds from the deadline */
		int done;   /* the done event happens at deadline + delta */
		enum fl_clock_status want;
	} around[] = {
		{-1, 0, FL_CLOCK_RUNNING},  {0, 0, FL_CLOCK_RUNNING},
		{1, 0, FL_CLOCK_BREACHED},  {-1, 1, FL_CLOCK_MET},
		{0, 1, FL_CLOCK_MET},       {1, 1, FL_CLOCK_BREACHED},
	};
	struct fl_clock_set s;
	size_t k, a;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		time_t dl = T(cases[k].deadline);

		for (a = 0; a < ARRAY_LEN(around); a++) {
			struct fl_clock_facts f;
			struct fl_clock c;
			char b1[21], b2[21];
			time_t now = dl + around[a].delta;

			/* STRICT: no weekend relief, the bare deadline */
			facts(&f, cases[k].events, cases[k].sev, STRICT);
			c = clock_of(&s, &f, now, cases[k].regime, cases[k].name);
			if (around[a].done) {
				f.ev[c.rule->done] = now;
				/* asked a week later: the record decides */
				now = dl + 7 * 86400;
				c = clock_of(&s, &f, now, cases[k].regime,
					     cases[k].name);
			}
			if (c.status != around[a].want || c.deadline != dl ||
			    c.due != dl || c.start != T(cases[k].start) ||
			    c.capped != cases[k].capped || c.relieved)
				fail_msg("%s, %+lds%s: got %s start %s deadline "
					 "%s capped %d relieved %d, want %s",
					 cases[k].what, around[a].delta,
					 around[a].done ? " (done)" : "",
					 fl_clock_status_name(c.status),
					 iso(c.start, b1), iso(c.deadline, b2),
					 c.capped, c.relieved,
					 fl_clock_status_name(around[a].want));
			if (around[a].done && c.done != dl + around[a].delta)
				fail_msg("%s: done time not reported",
					 cases[k].what);
		}
	}
}

/* ---- DORA: classified as major after the 24-hour mark ------------------- */

/*
 * Delegated Regulation (EU) 2025/301 Art. 5(1)(a) joins two bounds (4 h
 * from classification "and" no later than 24 h from awareness: the earlier
 * governs), and Art. 5(2) says that an incident classified as major only
 * after those 24 hours is notified within 4 hours from classification.  So
 * a late classification is not born breached: it gets its 4 hours.
 */
static void
test_late_classification(void **state)
{
	static const struct {
		const char *what, *classified, *now, *sent;
		const char *deadline;
		int capped;
		enum fl_clock_status want;
		double elapsed;
	} cases[] = {
		{"classified after 2 h: 4 h governs", "2025-06-02T10:00:00Z",
		 "2025-06-02T11:00:00Z", NULL, "2025-06-02T14:00:00Z", 0,
		 FL_CLOCK_RUNNING, 0.25},
		{"classified after 21 h: the 24 h bound governs",
		 "2025-06-03T05:00:00Z", "2025-06-03T07:30:00Z", NULL,
		 "2025-06-03T08:00:00Z", 1, FL_CLOCK_RUNNING, 2.5 / 3.0},
		{"classified 1 s before the mark: 1 s left",
		 "2025-06-03T07:59:59Z", "2025-06-03T08:00:00Z", NULL,
		 "2025-06-03T08:00:00Z", 1, FL_CLOCK_RUNNING, 1.0},
		{"... and breached a second later", "2025-06-03T07:59:59Z",
		 "2025-06-03T08:00:01Z", NULL, "2025-06-03T08:00:00Z", 1,
		 FL_CLOCK_BREACHED, 2.0},
		{"classified exactly at the mark: Art. 5(2), 4 h",
		 "2025-06-03T08:00:00Z", "2025-06-03T09:00:00Z", NULL,
		 "2025-06-03T12:00:00Z", 0, FL_CLOCK_RUNNING, 0.25},
		{"classified after 31 h: running, not breached",
		 "2025-06-03T15:00:00Z", "2025-06-03T16:00:00Z", NULL,
		 "2025-06-03T19:00:00Z", 0, FL_CLOCK_RUNNING, 0.25},
		{"late, sent within its 4 h: met", "2025-06-03T15:00:00Z",
		 "2025-06-05T00:00:00Z", "2025-06-03T18:59:59Z",
		 "2025-06-03T19:00:00Z", 0, FL_CLOCK_MET, 14399.0 / 14400.0},
		{"late, sent after its 4 h: breached", "2025-06-03T15:00:00Z",
		 "2025-06-05T00:00:00Z", "2025-06-03T19:00:01Z",
		 "2025-06-03T19:00:00Z", 0, FL_CLOCK_BREACHED, 14401.0 / 14400.0},
		{"late, not sent by then: breached", "2025-06-03T15:00:00Z",
		 "2025-06-03T19:00:01Z", NULL, "2025-06-03T19:00:00Z", 0,
		 FL_CLOCK_BREACHED, 14401.0 / 14400.0},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_facts f;
		struct fl_clock c;
		char b[21];

		facts(&f, "aware=2025-06-02T08:00:00Z", FL_CLOCK_SEV_HIGH,
		      STRICT);
		f.ev[FL_CLOCK_EV_CLASSIFIED_MAJOR] = T(cases[k].classified);
		f.ev[FL_CLOCK_EV_DORA_INITIAL] = T(cases[k].sent);
		c = clock_of(&s, &f, T(cases[k].now), "DORA",
			     "initial-notification");
		if (c.status != cases[k].want || c.deadline != T(cases[k].deadline) ||
		    c.capped != cases[k].capped)
			fail_msg("%s: got %s, deadline %s, capped %d",
				 cases[k].what, fl_clock_status_name(c.status),
				 iso(c.deadline, b), c.capped);
		/* elapsed is a share of the (possibly 1-second) window */
		if (cases[k].elapsed < 1.5 &&
		    (c.elapsed < cases[k].elapsed - 1e-6 ||
		     c.elapsed > cases[k].elapsed + 1e-6))
			fail_msg("%s: elapsed %f, want %f", cases[k].what,
				 c.elapsed, cases[k].elapsed);
		if (cases[k].elapsed >= 1.5 && c.elapsed <= 1.0)
			fail_msg("%s: elapsed %f, want past 1", cases[k].what,
				 c.elapsed);
	}
	/* not major (yet): nothing runs, whatever the time */
	{
		struct fl_clock_facts f;
		struct fl_clock c;

		facts(&f, "aware=2025-06-02T08:00:00Z", FL_CLOCK_SEV_HIGH,
		      STRICT);
		c = clock_of(&s, &f, T("2025-07-01T00:00:00Z"), "DORA",
			     "initial-notification");
		assert_int_equal(c.status, FL_CLOCK_NOT_STARTED);
		assert_int_equal(c.deadline, 0);
		c = clock_of(&s, &f, T("2025-07-01T00:00:00Z"), "DORA",
			     "intermediate-report");
		assert_int_equal(c.status, FL_CLOCK_NOT_STARTED);
	}
}

/*
 * A rule file can ask for the strict reading (a plain cap: the earlier
 * bound always governs), under which a late classification is breached
 * the moment it is recorded.  The shipped file does not: see above.
 */
static void
test_strict_cap(void **state)
{
	static const char rules[] =
		"DORA initial-notification classified-major 4h cap=aware+24h "
		"done=dora-initial \"strict reading, for comparison\"\n";
	struct fl_clock_set s;
	struct fl_clock_facts f;
	struct fl_clock c;

	(void)state;
	parse_ok(rules, &s);
	assert_int_equal(s.rule[0].cap_lapses, 0);
	facts(&f, "aware=2025-06-02T08:00:00Z "
		  "classified-major=2025-06-03T15:00:00Z",
	      FL_CLOCK_SEV_HIGH, 0);
	c = clock_of(&s, &f, T("2025-06-03T15:00:00Z"), "DORA",
		     "initial-notification");
	assert_int_equal(c.status, FL_CLOCK_BREACHED);
	assert_int_equal(c.deadline, T("2025-06-03T08:00:00Z"));
	assert_int_equal(c.capped, 1);
	assert_true(c.elapsed >= 1.0);
	/* a bound whose event is unknown does not bind */
	f.ev[FL_CLOCK_EV_AWARE] = 0;
	c = clock_of(&s, &f, T("2025-06-03T15:00:00Z"), "DORA",
		     "initial-notification");
	assert_int_equal(c.status, FL_CLOCK_RUNNING);
	assert_int_equal(c.deadline, T("2025-06-03T19:00:00Z"));
}

/* ---- weekends and holidays -------------------------------------------- */

static void
test_weekend_relief(void **state)
{
	static const struct {
		const char *what, *extra; /* extra: lines after the rules */
		const char *name;
		const char *events;
		unsigned flags;
		const char *due, *deadline;
	} cases[] = {
		{"intermediate due Sat 12:00 CEST: Mon noon", "",
		 "intermediate-report", "dora-initial=2025-06-04T10:00:00Z",
		 NOFLAGS, "2025-06-07T10:00:00Z", "2025-06-09T10:00:00Z"},
		{"... not for a credit institution (Art. 5(5))", "",
		 "intermediate-report", "dora-initial=2025-06-04T10:00:00Z",
		 FL_CLOCK_F_ART5_5, "2025-06-07T10:00:00Z",
		 "2025-06-07T10:00:00Z"},
		{"... nor where the authority said so (Art. 5(6))", "",
		 "intermediate-report", "dora-initial=2025-06-04T10:00:00Z",
		 FL_CLOCK_F_ART5_6, "2025-06-07T10:00:00Z",
		 "2025-06-07T10:00:00Z"},
		{"final due Sat: a credit institution keeps the relief", "",
		 "final-report", "dora-intermediate=2025-05-07T09:00:00Z",
		 FL_CLOCK_F_ART5_5, "2025-06-07T09:00:00Z",
		 "2025-06-09T10:00:00Z"},
		{"final due Sat: not after an Art. 5(6) decision", "",
		 "final-report", "dora-intermediate=2025-05-07T09:00:00Z",
		 FL_CLOCK_F_ART5_6, "2025-06-07T09:00:00Z",
		 "2025-06-07T09:00:00Z"},
		{"initial due Sun: Mon noon", "", "initial-notification",
		 "aware=2025-06-07T14:00:00Z classified-major=2025-06-08T06:00:00Z",
		 NOFLAGS, "2025-06-08T10:00:00Z", "2025-06-09T10:00:00Z"},
		{"initial due Sun, credit institution: no relief", "",
		 "initial-notification",
		 "aware=2025-06-07T14:00:00Z classified-major=2025-06-08T06:00:00Z",
		 FL_CLOCK_F_ART5_5, "2025-06-08T10:00:00Z",
		 "2025-06-08T10:00:00Z"},
		{"Sun 22:30 UTC is Mon 00:30 CEST: no relief", "",
		 "intermediate-report", "dora-initial=2025-06-05T22:30:00Z",
		 NOFLAGS, "2025-06-08T22:30:00Z", "2025-06-08T22:30:00Z"},
		{"Fri 22:30 UTC is Sat 00:30 CEST: relief", "",
		 "intermediate-report", "dora-initial=2025-06-03T22:30:00Z",
		 NOFLAGS, "2025-06-06T22:30:00Z", "2025-06-09T10:00:00Z"},
		{"Fri 21:59:59 UTC is Fri 23:59:59 CEST: no relief", "",
		 "intermediate-report", "dora-initial=2025-06-03T21:59:59Z",
		 NOFLAGS, "2025-06-06T21:59:59Z", "2025-06-06T21:59:59Z"},
		{"Sat and then Whit Monday a holiday: Tue noon",
		 "holiday 2025-06-09\n", "intermediate-report",
		 "dora-initial=2025-06-04T10:00:00Z", NOFLAGS,
		 "2025-06-07T10:00:00Z", "2025-06-10T10:00:00Z"},
		{"due on a Friday holiday: Mon noon", "holiday 2025-06-06\n",
		 "intermediate-report", "dora-initial=2025-06-03T10:00:00Z",
		 NOFLAGS, "2025-06-06T10:00:00Z", "2025-06-09T10:00:00Z"},
		{"holidays on Fri, Mon and Tue: Wed noon",
		 "holiday 2025-06-10\nholiday 2025-06-06\nholiday 2025-06-09\n",
		 "intermediate-report", "dora-initial=2025-06-03T10:00:00Z",
		 NOFLAGS, "2025-06-06T10:00:00Z", "2025-06-11T10:00:00Z"},
		{"due on a Tuesday: no relief", "", "intermediate-report",
		 "dora-initial=2025-06-07T10:00:00Z", NOFLAGS,
		 "2025-06-10T10:00:00Z", "2025-06-10T10:00:00Z"},
		{"winter: Sat due, Mon 12:00 CET is 11:00 UTC", "",
		 "intermediate-report", "dora-initial=2025-01-08T09:00:00Z",
		 NOFLAGS, "2025-01-11T09:00:00Z", "2025-01-13T11:00:00Z"},
		{"over the spring change: Sat due, Mon 12:00 CEST", "",
		 "intermediate-report", "dora-initial=2025-03-26T10:00:00Z",
		 NOFLAGS, "2025-03-29T10:00:00Z", "2025-03-31T10:00:00Z"},
		{"over the autumn change: Sun due, Mon 12:00 CET", "",
		 "intermediate-report", "dora-initial=2025-10-23T10:00:00Z",
		 NOFLAGS, "2025-10-26T10:00:00Z", "2025-10-27T11:00:00Z"},
	};
	const char *base = fl_data_text("clocks.conf");
	size_t k;

	(void)state;
	assert_non_null(base);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_set s;
		struct fl_clock_facts f;
		struct fl_clock c;
		char text[16384], b1[21], b2[21];

		snprintf(text, sizeof text, "%s%s", base, cases[k].extra);
		parse_ok(text, &s);
		facts(&f, cases[k].events, FL_CLOCK_SEV_HIGH, cases[k].flags);
		c = clock_of(&s, &f, T(cases[k].due), "DORA", cases[k].name);
		if (c.due != T(cases[k].due) ||
		    c.deadline != T(cases[k].deadline) ||
		    c.relieved != (c.due != c.deadline))
			fail_msg("%s: due %s deadline %s relieved %d",
				 cases[k].what, iso(c.due, b1),
				 iso(c.deadline, b2), c.relieved);
	}
}

/*
 * A run of holidays on every weekday, weekends in between: the relief
 * walks past all of them to the first working day.  256 holidays with
 * their weekends are 360 days off in a row (found by fuzz_clocks: the
 * walk used to stop after 264 days, on a Saturday).
 */
static void
test_relief_long_run(void **state)
{
	static const struct {
		int nholidays; /* weekdays from Mon 9 June 2025 */
		const char *deadline;
	} cases[] = {
		{1, "2025-06-10T10:00:00Z"},
		{5, "2025-06-16T10:00:00Z"},
		{FL_CLOCK_MAX_HOLIDAYS, "2026-06-02T10:00:00Z"},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_set s;
		struct fl_clock_facts f;
		struct fl_clock c;
		struct fl_buf b;
		char date[11], b1[21];
		time_t day = T("2025-06-09T00:00:00Z");
		int n = 0;

		fl_buf_init(&b, 1u << 20);
		assert_int_equal(fl_buf_puts(&b, fl_data_text("clocks.conf")),
				 FL_OK);
		for (; n < cases[k].nholidays; day += 86400) {
			struct tm tm;

			gmtime_r(&day, &tm);
			if (tm.tm_wday == 0 || tm.tm_wday == 6)
				continue;
			fl_time_date(day, date);
			assert_int_equal(fl_buf_printf(&b, "holiday %s\n", date),
					 FL_OK);
			n++;
		}
		parse_ok(fl_buf_str(&b), &s);
		fl_buf_release(&b);
		assert_int_equal(s.nholidays, cases[k].nholidays);
		facts(&f, "dora-initial=2025-06-04T10:00:00Z", FL_CLOCK_SEV_HIGH,
		      NOFLAGS);
		c = clock_of(&s, &f, T("2025-06-07T10:00:00Z"), "DORA",
			     "intermediate-report");
		if (c.deadline != T(cases[k].deadline) ||
		    !fl_clocks_working_day(&s, c.deadline))
			fail_msg("%d holidays: deadline %s, want %s",
				 cases[k].nholidays, iso(c.deadline, b1),
				 cases[k].deadline);
	}
}

/* Running, met and breached around a relieved deadline. */
static void
test_weekend_status(void **state)
{
	static const struct {
		const char *what, *now, *sent;
		enum fl_clock_status want;
	} cases[] = {
		{"Sat, just past the bare limit: still running",
		 "2025-06-07T10:00:01Z", NULL, FL_CLOCK_RUNNING},
		{"Sun evening: running", "2025-06-08T20:00:00Z", NULL,
		 FL_CLOCK_RUNNING},
		{"Mon 11:59:59 CEST", "2025-06-09T09:59:59Z", NULL,
		 FL_CLOCK_RUNNING},
		{"Mon 12:00:00 CEST", "2025-06-09T10:00:00Z", NULL,
		 FL_CLOCK_RUNNING},
		{"Mon 12:00:01 CEST: breached", "2025-06-09T10:00:01Z", NULL,
		 FL_CLOCK_BREACHED},
		{"sent Sun: met", "2025-06-20T00:00:00Z", "2025-06-08T15:00:00Z",
		 FL_CLOCK_MET},
		{"sent Mon at noon: met", "2025-06-20T00:00:00Z",
		 "2025-06-09T10:00:00Z", FL_CLOCK_MET},
		{"sent Mon 12:00:01: breached", "2025-06-20T00:00:00Z",
		 "2025-06-09T10:00:01Z", FL_CLOCK_BREACHED},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_facts f;
		struct fl_clock c;

		facts(&f, "dora-initial=2025-06-04T10:00:00Z", FL_CLOCK_SEV_HIGH,
		      NOFLAGS);
		f.ev[FL_CLOCK_EV_DORA_INTERMEDIATE] = T(cases[k].sent);
		c = clock_of(&s, &f, T(cases[k].now), "DORA",
			     "intermediate-report");
		if (c.status != cases[k].want || !c.relieved)
			fail_msg("%s: got %s (relieved %d)", cases[k].what,
				 fl_clock_status_name(c.status), c.relieved);
	}
}

static void
test_working_days(void **state)
{
	static const struct {
		const char *t;
		int working;
	} cases[] = {
		{"2025-06-06T21:59:59Z", 1}, /* Fri 23:59:59 CEST */
		{"2025-06-06T22:00:00Z", 0}, /* Sat 00:00 CEST */
		{"2025-06-08T21:59:59Z", 0}, /* Sun 23:59:59 CEST */
		{"2025-06-08T22:00:00Z", 1}, /* Mon 00:00 CEST */
		{"2025-01-10T22:59:59Z", 1}, /* Fri 23:59:59 CET */
		{"2025-01-10T23:00:00Z", 0}, /* Sat 00:00 CET */
		{"2025-12-25T12:00:00Z", 0}, /* a holiday in this set */
		{"2025-12-24T12:00:00Z", 1},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	parse_ok("zone +01:00 eu-summer-time\nholiday 2025-12-25\n"
		 "GDPR x pd-breach-aware 72h done=gdpr-notified \"c\"\n", &s);
	for (k = 0; k < ARRAY_LEN(cases); k++)
		if (fl_clocks_working_day(&s, T(cases[k].t)) != cases[k].working)
			fail_msg("%s: working day should be %d", cases[k].t,
				 cases[k].working);
}

/* ---- calendar months ----------------------------------------------------- */

static void
test_months(void **state)
{
	static const struct {
		const char *zone; /* zone line, "" for UTC */
		const char *from;
		int n;
		const char *want;
	} cases[] = {
		/* same day next month, same local time */
		{"CET", "2025-01-15T10:00:00Z", 1, "2025-02-15T10:00:00Z"},
		/* the day does not exist: the last day of the month */
		{"CET", "2025-01-31T10:00:00Z", 1, "2025-02-28T10:00:00Z"},
		{"CET", "2024-01-31T10:00:00Z", 1, "2024-02-29T10:00:00Z"},
		{"CET", "2025-01-29T10:00:00Z", 1, "2025-02-28T10:00:00Z"},
		{"CET", "2024-01-30T10:00:00Z", 1, "2024-02-29T10:00:00Z"},
		{"CET", "2025-03-31T10:00:00Z", 1, "2025-04-30T10:00:00Z"},
		{"CET", "2025-05-31T10:00:00Z", 1, "2025-06-30T10:00:00Z"},
		{"CET", "2025-08-31T10:00:00Z", 1, "2025-09-30T10:00:00Z"},
		{"CET", "2025-10-31T11:00:00Z", 1, "2025-11-30T11:00:00Z"},
		{"CET", "2025-02-28T10:00:00Z", 1, "2025-03-28T10:00:00Z"},
		/* over the year end */
		{"CET", "2025-12-31T10:00:00Z", 1, "2026-01-31T10:00:00Z"},
		{"CET", "2025-12-15T10:00:00Z", 2, "2026-02-15T10:00:00Z"},
		{"CET", "2024-02-29T10:00:00Z", 12, "2025-02-28T10:00:00Z"},
		/* local wall time is kept across summer time */
		{"CET", "2025-03-10T09:00:00Z", 1, "2025-04-10T08:00:00Z"},
		{"CET", "2025-10-10T08:00:00Z", 1, "2025-11-10T09:00:00Z"},
		/* the local date decides: 23:30 UTC on 31 Jan is 1 Feb in CET */
		{"CET", "2025-01-31T23:30:00Z", 1, "2025-02-28T23:30:00Z"},
		{"CET", "2025-11-30T23:30:00Z", 1, "2025-12-31T23:30:00Z"},
		{"CET", "2025-01-30T22:30:00Z", 1, "2025-02-28T22:30:00Z"},
		/* a wall time in the spring gap is taken an hour early; the
		 * autumn hour that happens twice is its first instant */
		{"CET", "2025-01-30T01:30:00Z", 2, "2025-03-30T00:30:00Z"},
		{"CET", "2025-09-26T00:30:00Z", 1, "2025-10-26T00:30:00Z"},
		/* in UTC */
		{"", "2025-01-31T23:30:00Z", 1, "2025-02-28T23:30:00Z"},
		{"", "2025-03-10T09:00:00Z", 1, "2025-04-10T09:00:00Z"},
		{"", "2024-01-31T00:00:00Z", 1, "2024-02-29T00:00:00Z"},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_set s;
		char text[256], b[21];
		time_t got;

		snprintf(text, sizeof text, "%s\nGDPR x pd-breach-aware 72h "
			 "done=gdpr-notified \"c\"\n",
			 cases[k].zone[0] ? "zone +01:00 eu-summer-time" : "");
		parse_ok(text, &s);
		got = fl_clocks_add_months(&s, T(cases[k].from), cases[k].n);
		if (got != T(cases[k].want))
			fail_msg("%s + %d months: got %s, want %s",
				 cases[k].from, cases[k].n, iso(got, b),
				 cases[k].want);
	}
}

/* The month arithmetic as the clocks use it. */
static void
test_month_clocks(void **state)
{
	static const struct {
		const char *regime, *name, *events, *deadline;
	} cases[] = {
		{"NIS2", "final-report", "nis2-notification=2025-01-31T10:00:00Z",
		 "2025-02-28T10:00:00Z"},
		{"NIS2", "final-report", "nis2-notification=2024-01-31T10:00:00Z",
		 "2024-02-29T10:00:00Z"},
		{"DORA", "final-report", "dora-intermediate=2025-03-31T08:00:00Z",
		 "2025-04-30T08:00:00Z"},
		{"DORA", "final-report", "dora-intermediate=2025-01-31T10:00:00Z",
		 "2025-02-28T10:00:00Z"},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_facts f;
		struct fl_clock c;
		char b[21];

		facts(&f, cases[k].events, FL_CLOCK_SEV_HIGH, STRICT);
		c = clock_of(&s, &f, T(cases[k].deadline), cases[k].regime,
			     cases[k].name);
		if (c.deadline != T(cases[k].deadline) ||
		    c.status != FL_CLOCK_RUNNING)
			fail_msg("%s %s from %s: deadline %s (%s)",
				 cases[k].regime, cases[k].name, cases[k].events,
				 iso(c.deadline, b),
				 fl_clock_status_name(c.status));
	}
}

/* ---- untimed duties, regimes, severity ------------------------------------ */

static void
test_untimed(void **state)
{
	static const struct {
		const char *regime, *name;
		enum fl_clock_severity sev;
		const char *events, *now;
		enum fl_clock_status want;
	} cases[] = {
		{"GDPR", "inform-data-subjects", FL_CLOCK_SEV_HIGH,
		 "pd-breach-aware=2025-06-03T08:00:00Z", "2030-01-01T00:00:00Z",
		 FL_CLOCK_NOT_STARTED},
		{"GDPR", "inform-data-subjects", FL_CLOCK_SEV_HIGH,
		 "pd-high-risk=2025-06-03T09:00:00Z", "2030-01-01T00:00:00Z",
		 FL_CLOCK_RUNNING},
		{"GDPR", "inform-data-subjects", FL_CLOCK_SEV_HIGH,
		 "pd-high-risk=2025-06-03T09:00:00Z "
		 "gdpr-subjects-informed=2025-06-20T09:00:00Z",
		 "2030-01-01T00:00:00Z", FL_CLOCK_MET},
		{"internal", "iso-informed", FL_CLOCK_SEV_LOW,
		 "aware=2025-06-03T08:00:00Z", "2030-01-01T00:00:00Z",
		 FL_CLOCK_RUNNING},
		{"internal", "iso-informed", FL_CLOCK_SEV_LOW,
		 "aware=2025-06-03T08:00:00Z iso-informed=2025-06-09T08:00:00Z",
		 "2030-01-01T00:00:00Z", FL_CLOCK_MET},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_facts f;
		struct fl_clock c;

		facts(&f, cases[k].events, cases[k].sev, NOFLAGS);
		c = clock_of(&s, &f, T(cases[k].now), cases[k].regime,
			     cases[k].name);
		if (c.status != cases[k].want || !c.untimed || c.deadline != 0 ||
		    c.due != 0 || c.elapsed != 0.0)
			fail_msg("%s %s (%s): got %s", cases[k].regime,
				 cases[k].name, cases[k].events,
				 fl_clock_status_name(c.status));
	}
}

static void
test_applicable(void **state)
{
	static const struct {
		unsigned regimes;
		enum fl_clock_severity sev;
		size_t want;
	} cases[] = {
		{FL_CLOCK_ALL_REGIMES, FL_CLOCK_SEV_HIGH, 9},
		{FL_CLOCK_ALL_REGIMES, FL_CLOCK_SEV_NONE, 8},
		{FL_CLOCK_REGIME_BIT(FL_CLOCK_DORA), FL_CLOCK_SEV_HIGH, 3},
		{FL_CLOCK_REGIME_BIT(FL_CLOCK_NIS2), FL_CLOCK_SEV_HIGH, 3},
		{FL_CLOCK_REGIME_BIT(FL_CLOCK_GDPR), FL_CLOCK_SEV_CRITICAL, 2},
		{FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL), FL_CLOCK_SEV_LOW, 1},
		{FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL), FL_CLOCK_SEV_NONE, 0},
		{FL_CLOCK_REGIME_BIT(FL_CLOCK_DORA) |
			 FL_CLOCK_REGIME_BIT(FL_CLOCK_GDPR) |
			 FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL),
		 FL_CLOCK_SEV_MEDIUM, 6},
		{0, FL_CLOCK_SEV_CRITICAL, 0},
	};
	struct fl_clock_set s;
	struct fl_clock out[FL_CLOCK_MAX_RULES];
	size_t k, n;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_facts f;

		facts(&f, "aware=2025-06-03T08:00:00Z", cases[k].sev, NOFLAGS);
		f.regimes = cases[k].regimes;
		assert_int_equal(fl_clocks_compute(&s, &f, T("2025-06-03T09:00:00Z"),
						   out, ARRAY_LEN(out), &n),
				 FL_OK);
		if (n != cases[k].want)
			fail_msg("regimes %#x severity %d: %zu clocks, want %zu",
				 cases[k].regimes, (int)cases[k].sev, n,
				 cases[k].want);
	}
	/* the right internal rule for each severity */
	{
		static const struct {
			enum fl_clock_severity sev;
			const char *deadline; /* NULL: untimed */
		} sev[] = {
			{FL_CLOCK_SEV_CRITICAL, "2025-06-03T09:00:00Z"},
			{FL_CLOCK_SEV_HIGH, "2025-06-03T12:00:00Z"},
			{FL_CLOCK_SEV_MEDIUM, "2025-06-04T08:00:00Z"},
			{FL_CLOCK_SEV_LOW, NULL},
		};
		for (k = 0; k < ARRAY_LEN(sev); k++) {
			struct fl_clock_facts f;
			struct fl_clock c;

			facts(&f, "aware=2025-06-03T08:00:00Z", sev[k].sev,
			      NOFLAGS);
			c = clock_of(&s, &f, T("2025-06-03T08:30:00Z"),
				     "internal", "iso-informed");
			assert_int_equal(c.deadline, T(sev[k].deadline));
			assert_int_equal(c.untimed, sev[k].deadline == NULL);
		}
	}
	/* too small an output array */
	{
		struct fl_clock_facts f;

		facts(&f, "aware=2025-06-03T08:00:00Z", FL_CLOCK_SEV_HIGH,
		      NOFLAGS);
		assert_int_equal(fl_clocks_compute(&s, &f, 0, out, 3, &n),
				 FL_E_LIMIT);
		assert_int_equal(n, 3);
	}
}

/* ---- the 75% mark ------------------------------------------------------ */

static void
test_elapsed(void **state)
{
	static const struct {
		const char *what, *regime, *name;
		enum fl_clock_severity sev;
		unsigned flags;
		const char *events, *now;
		double want;
	} cases[] = {
		{"critical ISO clock at 45 min", "internal", "iso-informed",
		 FL_CLOCK_SEV_CRITICAL, NOFLAGS, "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:45:00Z", 0.75},
		{"... at 44:59", "internal", "iso-informed",
		 FL_CLOCK_SEV_CRITICAL, NOFLAGS, "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:44:59Z", 2699.0 / 3600.0},
		{"... at the start", "internal", "iso-informed",
		 FL_CLOCK_SEV_CRITICAL, NOFLAGS, "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T08:00:00Z", 0.0},
		{"... before the start (a back-dated start)", "internal",
		 "iso-informed", FL_CLOCK_SEV_CRITICAL, NOFLAGS,
		 "aware=2025-06-03T08:00:00Z", "2025-06-03T07:00:00Z", 0.0},
		{"... frozen when met at 30 min", "internal", "iso-informed",
		 FL_CLOCK_SEV_CRITICAL, NOFLAGS,
		 "aware=2025-06-03T08:00:00Z iso-informed=2025-06-03T08:30:00Z",
		 "2025-06-03T20:00:00Z", 0.5},
		{"... two hours late", "internal", "iso-informed",
		 FL_CLOCK_SEV_CRITICAL, NOFLAGS, "aware=2025-06-03T08:00:00Z",
		 "2025-06-03T10:00:00Z", 2.0},
		{"GDPR 72 h at 54 h", "GDPR", "authority-notification",
		 FL_CLOCK_SEV_HIGH, NOFLAGS, "pd-breach-aware=2025-06-03T08:00:00Z",
		 "2025-06-05T14:00:00Z", 0.75},
		/* relieved: Wed 10:00 to Mon 10:00 UTC is 120 h; 90 h is Sun 04:00 */
		{"relieved DORA intermediate: a share of the relieved span",
		 "DORA", "intermediate-report", FL_CLOCK_SEV_HIGH, NOFLAGS,
		 "dora-initial=2025-06-04T10:00:00Z", "2025-06-08T04:00:00Z", 0.75},
	};
	struct fl_clock_set s;
	size_t k;

	(void)state;
	default_set(&s);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_facts f;
		struct fl_clock c;

		facts(&f, cases[k].events, cases[k].sev, cases[k].flags);
		c = clock_of(&s, &f, T(cases[k].now), cases[k].regime,
			     cases[k].name);
		if (c.elapsed < cases[k].want - 1e-9 ||
		    c.elapsed > cases[k].want + 1e-9)
			fail_msg("%s: elapsed %.9f, want %.9f", cases[k].what,
				 c.elapsed, cases[k].want);
	}
}

/* ---- urgency order ------------------------------------------------------ */

static void
test_urgency(void **state)
{
	struct fl_clock_set s;
	struct fl_clock_facts f;
	struct fl_clock out[FL_CLOCK_MAX_RULES];
	static const char *const want[] = {
		/* breached and owed, soonest deadline first */
		"internal iso-informed",         /* Tue 09:00, breached */
		"GDPR authority-notification",   /* Thu 09:00, running */
		"DORA intermediate-report",      /* Fri 10:00, running */
		"GDPR inform-data-subjects",     /* untimed, running */
		"DORA final-report",             /* not started */
		"NIS2 early-warning",
		"NIS2 final-report",
		"NIS2 incident-notification",
		"DORA initial-notification",     /* met */
	};
	size_t n, k;

	(void)state;
	default_set(&s);
	facts(&f, "aware=2025-06-03T08:00:00Z "
		  "classified-major=2025-06-03T08:30:00Z "
		  "dora-initial=2025-06-03T10:00:00Z "
		  "pd-breach-aware=2025-06-02T09:00:00Z "
		  "pd-high-risk=2025-06-03T09:00:00Z",
	      FL_CLOCK_SEV_CRITICAL, STRICT);
	assert_int_equal(fl_clocks_compute(&s, &f, T("2025-06-03T11:00:00Z"), out,
					   ARRAY_LEN(out), &n),
			 FL_OK);
	assert_int_equal(n, ARRAY_LEN(want));
	qsort(out, n, sizeof out[0], fl_clock_urgency_cmp);
	for (k = 0; k < n; k++) {
		char got[96];

		snprintf(got, sizeof got, "%s %s",
			 fl_clock_regime_name(out[k].regime), out[k].name);
		if (strcmp(got, want[k]) != 0)
			fail_msg("position %zu: %s (%s), want %s", k, got,
				 fl_clock_status_name(out[k].status), want[k]);
	}
}

/* ---- names -------------------------------------------------------------- */

static void
test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < FL_CLOCK_NEVENTS; i++)
		assert_int_equal(fl_clock_event_find(fl_clock_event_name(
					 (enum fl_clock_event)i)),
				 i);
	assert_int_equal(fl_clock_event_find("nope"), -1);
	assert_int_equal(fl_clock_event_find(NULL), -1);
	assert_null(fl_clock_event_name(FL_CLOCK_NEVENTS));
	assert_int_equal(fl_clock_severity_find("Critical"),
			 FL_CLOCK_SEV_CRITICAL);
	assert_int_equal(fl_clock_severity_find("urgent"), -1);
	assert_string_equal(fl_clock_severity_name(FL_CLOCK_SEV_LOW), "low");
	assert_string_equal(fl_clock_regime_name(FL_CLOCK_INTERNAL), "internal");
	assert_null(fl_clock_regime_name(FL_CLOCK_NREGIMES));
	assert_string_equal(fl_clock_status_name(FL_CLOCK_NOT_STARTED),
			    "not-started");
	assert_string_equal(fl_clock_status_name(FL_CLOCK_BREACHED), "breached");
}

/* ---- the parser ----------------------------------------------------------- */

#define OKLINE "NIS2 a aware 24h done=iso-informed \"c\"\n"

static void
test_good_files(void **state)
{
	struct fl_clock_set s;

	(void)state;
	/* CRLF, comments after words, '#' inside a citation, case of the
	 * regime, a list of severities */
	parse_ok("# head\r\n\r\nnis2 a aware 24h done=iso-informed "
		 "\"Art. #1\" # tail\r\n"
		 "internal b aware 1h severity=high,critical done=iso-informed "
		 "\"c\"\r\n"
		 "internal b aware 2h severity=low done=iso-informed \"c\"\n",
		 &s);
	assert_int_equal(s.nrules, 3);
	assert_int_equal(s.rule[0].regime, FL_CLOCK_NIS2);
	assert_string_equal(s.rule[0].cite, "Art. #1");
	assert_int_equal(s.rule[0].line, 3);
	assert_int_equal(s.rule[1].severities,
			 (1u << FL_CLOCK_SEV_HIGH) | (1u << FL_CLOCK_SEV_CRITICAL));
	assert_int_equal(s.zone_min, 0);
	assert_int_equal(s.eu_summer, 0);
	/* no trailing newline; a negative zone */
	parse_ok("zone -05:30\n" "NIS2 a aware 3d done=iso-informed \"c\"", &s);
	assert_int_equal(s.zone_min, -330);
	assert_int_equal(s.rule[0].within.unit, FL_CLOCK_U_DAYS);
	assert_int_equal(s.rule[0].within.n, 3);
	/* a UTF-8 citation is kept as it is */
	parse_ok("GDPR a pd-breach-aware 72h done=gdpr-notified "
		 "\"DSGVO Art. 33 Abs. 1 \xc2\xa7\"\n", &s);
	assert_string_equal(s.rule[0].cite, "DSGVO Art. 33 Abs. 1 \xc2\xa7");
}

static void
test_bad_files(void **state)
{
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *msg; /* substring of the reason */
	} cases[] = {
		{"bogus a aware 24h done=iso-informed \"c\"\n", 1, 1,
		 "unknown regime 'bogus'"},
		{"NIS2 A aware 24h done=iso-informed \"c\"\n", 1, 6,
		 "may only hold"},
		{"NIS2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aware 24h "
		 "done=iso-informed \"c\"\n", 1, 6, "longer than 47"},
		{"NIS2 a awake 24h done=iso-informed \"c\"\n", 1, 8,
		 "unknown event 'awake'"},
		{"NIS2 a aware,nis3 24h done=iso-informed \"c\"\n", 1, 14,
		 "unknown event 'nis3'"},
		{"NIS2 a aware,,aware 24h done=iso-informed \"c\"\n", 1, 14,
		 "empty item"},
		{"NIS2 a aware, 24h done=iso-informed \"c\"\n", 1, 13,
		 "empty item"},
		{"NIS2 a aware,aware 24h done=iso-informed \"c\"\n", 1, 14,
		 "listed twice"},
		{"NIS2 a aware 24x done=iso-informed \"c\"\n", 1, 16,
		 "unknown unit 'x'"},
		{"NIS2 a aware 0h done=iso-informed \"c\"\n", 1, 14,
		 "out of range"},
		{"NIS2 a aware 13month done=iso-informed \"c\"\n", 1, 14,
		 "out of range"},
		{"NIS2 a aware 9999h done=iso-informed \"c\"\n", 1, 14,
		 "out of range"},
		{"NIS2 a aware h done=iso-informed \"c\"\n", 1, 14,
		 "expected a duration"},
		{"NIS2 a aware 24h \"c\"\n", 1, 18, "no done=EVENT"},
		{"NIS2 a aware 24h done=iso-informed\n", 1, 35,
		 "has no citation"},
		{"NIS2 a aware\n", 1, 13, "incomplete line"},
		{"NIS2 a aware 24h \"c\" \"d\"\n", 1, 18,
		 "only be the last word"},
		{"NIS2 a aware 24h when=x \"c\"\n", 1, 18,
		 "unknown option 'when'"},
		{"NIS2 a aware 24h sometimes \"c\"\n", 1, 18,
		 "expected an option KEY=VALUE"},
		{"NIS2 a aware 24h done= \"c\"\n", 1, 23, "has no value"},
		{"NIS2 a aware 24h done=iso-informed done=aware \"c\"\n", 1, 36,
		 "given twice"},
		{"NIS2 a aware 24h done=aware \"c\"\n", 1, 23,
		 "both starts and meets"},
		{"NIS2 a aware 24h cap=aware24h done=iso-informed \"c\"\n", 1, 22,
		 "expected EVENT+DURATION"},
		{"NIS2 a aware 24h cap=nope+1h done=iso-informed \"c\"\n", 1, 22,
		 "unknown event 'nope'"},
		{"NIS2 a aware 24h cap=aware+none done=iso-informed \"c\"\n", 1,
		 28, "needs a time limit"},
		{"NIS2 a aware 24h cap=aware+1h cap-lapses=aware+2h "
		 "done=iso-informed \"c\"\n", 1, 31, "only one bound"},
		{"NIS2 a aware 24h severity=urgent done=iso-informed \"c\"\n", 1,
		 27, "unknown severity 'urgent'"},
		{"NIS2 a aware 24h severity=none done=iso-informed \"c\"\n", 1,
		 27, "unknown severity 'none'"},
		{"NIS2 a aware 24h severity=low,low done=iso-informed \"c\"\n", 1,
		 31, "listed twice"},
		{"NIS2 a aware 24h relief=sunday done=iso-informed \"c\"\n", 1,
		 25, "unknown relief 'sunday'"},
		{"NIS2 a aware 24h relief=noon-next-working-day "
		 "no-relief-if=art5-7 done=iso-informed \"c\"\n", 1, 60,
		 "unknown entity flag 'art5-7'"},
		{"NIS2 a aware 24h done=iso-informed no-relief-if=art5-5 "
		 "\"c\"\n", 1, 56, "no-relief-if without relief"},
		{"NIS2 a aware none cap=aware+1h done=iso-informed \"c\"\n", 1,
		 14, "untimed"},
		{"NIS2 a aware none relief=noon-next-working-day "
		 "done=iso-informed \"c\"\n", 1, 14, "untimed"},
		{"NIS2 a aware 24h done=iso-informed \"\"\n", 1, 36,
		 "citation is empty"},
		{"NIS2 a aware 24h done=iso-informed \"abc\n", 1, 36,
		 "unterminated"},
		{"NIS2 a aware 24h done=iso-informed \"a\"b\n", 1, 39,
		 "blank after the closing quote"},
		{"NIS2 a aware 24h done=iso-informed c\"d\"\n", 1, 37,
		 "quote inside a word"},
		{"NIS2 a \"aware\" 24h done=iso-informed \"c\"\n", 1, 8,
		 "only be the last word"},
		{"\"NIS2\" a aware 24h done=iso-informed \"c\"\n", 1, 1,
		 "not a quoted string"},
		{"NIS2 a aware 24h done=iso-informed \"a\tb\"\n", 1, 38,
		 "control character"},
		{OKLINE OKLINE, 2, 6, "already defined on line 1"},
		{"internal i aware 1h severity=high done=iso-informed \"c\"\n"
		 "internal i aware 2h severity=low,high done=iso-informed \"c\"\n",
		 2, 10, "already defined on line 1"},
		{"internal i aware 1h severity=high done=iso-informed \"c\"\n"
		 "internal i aware 2h done=iso-informed \"c\"\n",
		 2, 10, "already defined on line 1"},
		{"zone 01:00\n" OKLINE, 1, 6, "expected an offset"},
		{"zone +1:00\n" OKLINE, 1, 6, "expected an offset"},
		{"zone +15:00\n" OKLINE, 1, 6, "out of range"},
		{"zone -12:30\n" OKLINE, 1, 6, "out of range"},
		{"zone +01:60\n" OKLINE, 1, 6, "out of range"},
		{"zone +01:00 summer\n" OKLINE, 1, 13, "eu-summer-time"},
		{"zone +01:00 eu-summer-time x\n" OKLINE, 1, 28, "unexpected 'x'"},
		{"zone\n" OKLINE, 1, 5, "incomplete line"},
		{"zone +01:00\nzone +01:00\n" OKLINE, 2, 1, "given twice"},
		{"holiday 2025-02-30\n" OKLINE, 1, 9, "expected a date"},
		{"holiday 25-12-2025\n" OKLINE, 1, 9, "expected a date"},
		{"holiday 2025-12-25T00:00\n" OKLINE, 1, 9, "expected a date"},
		{"holiday\n" OKLINE, 1, 8, "incomplete line"},
		{"holiday 2025-12-25 2025-12-26\n" OKLINE, 1, 20,
		 "unexpected '2025-12-26'"},
		{"holiday 2025-12-25\nholiday 2025-12-25\n" OKLINE, 2, 9,
		 "given twice"},
		{"# comments only\n\n", 2, 1, "no clocks defined"},
		{"", 1, 1, "no clocks defined"},
		{"# one\n# two\n" OKLINE "NIS2 b aware 1h sometimes \"c\"\n", 4,
		 17, "expected an option"},
		{"NIS2 a aware 24h done=iso-informed a b c d e f g h i j k l m "
		 "\"c\"\n", 1, 58, "too many words"},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_clock_set s;
		struct fl_diag d;
		fl_err rc;

		fl_diag_clear(&d);
		memset(&s, 0x5a, sizeof s);
		rc = fl_clocks_parse(cases[k].text, strlen(cases[k].text),
				     "c.conf", &s, &d);
		if (rc != FL_E_SYNTAX || d.line != cases[k].line ||
		    d.col != cases[k].col || strstr(d.msg, cases[k].msg) == NULL ||
		    strcmp(d.file, "c.conf") != 0)
			fail_msg("case %zu (%s): got rc %d at %lu:%lu '%s', want "
				 "%lu:%lu '%s'", k, cases[k].text, (int)rc, d.line,
				 d.col, d.msg, cases[k].line, cases[k].col,
				 cases[k].msg);
		/* a refused file leaves nothing behind */
		assert_int_equal(s.nrules, 0);
		assert_int_equal(s.nholidays, 0);
	}
}

static void
test_bad_bytes_and_limits(void **state)
{
	static const char nul_word[] = "NIS2 a aw\0are 24h done=iso-informed "
				       "\"c\"\n";
	static const char nul_cite[] = "NIS2 a aware 24h done=iso-informed "
				       "\"c\0\"\n";
	struct fl_clock_set s;
	struct fl_diag d;
	char *big;
	size_t i, len;

	(void)state;
	fl_diag_clear(&d);
	assert_int_equal(fl_clocks_parse(nul_word, sizeof nul_word - 1, "n",
					 &s, &d),
			 FL_E_SYNTAX);
	assert_int_equal(d.col, 10);
	assert_non_null(strstr(d.msg, "NUL byte"));
	assert_int_equal(fl_clocks_parse(nul_cite, sizeof nul_cite - 1, "n",
					 &s, &d),
			 FL_E_SYNTAX);
	assert_non_null(strstr(d.msg, "NUL byte"));

	/* over the size limit */
	len = FL_CLOCK_TEXT_MAX + 1;
	big = malloc(len);
	assert_non_null(big);
	memset(big, '#', len);
	assert_int_equal(fl_clocks_parse(big, len, "big", &s, &d), FL_E_LIMIT);
	free(big);

	/* one clock too many */
	big = malloc(FL_CLOCK_TEXT_MAX);
	assert_non_null(big);
	len = 0;
	for (i = 0; i <= FL_CLOCK_MAX_RULES; i++)
		len += (size_t)snprintf(big + len, FL_CLOCK_TEXT_MAX - len,
					"NIS2 c%zu aware 1h done=iso-informed "
					"\"c\"\n", i);
	assert_int_equal(fl_clocks_parse(big, len, "many", &s, &d),
			 FL_E_SYNTAX);
	assert_int_equal(d.line, FL_CLOCK_MAX_RULES + 1);
	assert_non_null(strstr(d.msg, "more than 48 clocks"));
	free(big);

	/* a citation of 256 bytes is one too long */
	{
		char line[512];
		size_t n = (size_t)snprintf(line, sizeof line,
					    "NIS2 a aware 24h done=iso-informed "
					    "\"");

		memset(line + n, 'x', FL_CLOCK_CITE_MAX);
		n += FL_CLOCK_CITE_MAX;
		line[n++] = '"';
		assert_int_equal(fl_clocks_parse(line, n, "long", &s, &d),
				 FL_E_SYNTAX);
		assert_non_null(strstr(d.msg, "longer than 255"));
		/* 255 is fine */
		memmove(line + n - 2, line + n - 1, 1);
		assert_int_equal(fl_clocks_parse(line, n - 1, "long", &s, &d),
				 FL_OK);
		assert_int_equal(strlen(s.rule[0].cite), FL_CLOCK_CITE_MAX - 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rules),
		cmocka_unit_test(test_around_deadlines),
		cmocka_unit_test(test_late_classification),
		cmocka_unit_test(test_strict_cap),
		cmocka_unit_test(test_weekend_relief),
		cmocka_unit_test(test_relief_long_run),
		cmocka_unit_test(test_weekend_status),
		cmocka_unit_test(test_working_days),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_month_clocks),
		cmocka_unit_test(test_untimed),
		cmocka_unit_test(test_applicable),
		cmocka_unit_test(test_elapsed),
		cmocka_unit_test(test_urgency),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_good_files),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_bad_bytes_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
