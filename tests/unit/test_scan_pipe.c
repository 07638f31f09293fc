/*
 * test_scan_pipe: the reader thread of `vuln import` (scan/pipe.c).  A
 * made-up format produces thousands of events, many more than the ring
 * holds, with strings of every length; the sink must see exactly that
 * stream, in order, whether it keeps up or lags behind.  An error of the
 * sink stops the reader soon after; an error of the reader reaches the
 * caller with its message, after every event before it.  With drain, the
 * byte hook sees the whole file although the reader read only its start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scan/scan.h"

#define EVENTS 6000

struct plan {
	int fail_at;            /* the reader fails before event i (-1 never) */
	atomic_int produced;    /* events the reader handed on (read by the
				 * consumer, to see how far ahead it is) */
	size_t big;             /* every finding's evidence this long (0: varied) */
};

static struct plan plan;

/* What event i is: a host every 7th, else a finding. */
static int
is_host(int i)
{
	return i % 7 == 3;
}

static void
evidence_of(int i, char *buf, size_t cap)
{
	size_t n = plan.big ? plan.big : (size_t)(i * 37) % 4999, k;

	if (n >= cap)
		n = cap - 1;

	for (k = 0; k < n; k++)
		buf[k] = (char)('a' + (i + (int)k) % 26);
	buf[n] = '\0';
}

static fl_err
fake_read(struct fl_scan_src *src, const struct fl_scan_sink *sink,
	  struct fl_diag *d)
{
	static char ev[1 << 20];
	struct fl_scan_meta m = {"Fake", "1", "plan", NULL, NULL};
	char name[32], got[16];
	size_t n;
	fl_err rc;
	int i;

	/* the start only: drain must read the rest */
	if ((rc = fl_scan_src_read(src, got, sizeof(got), &n, d)) != FL_OK)
		return rc;
	if ((rc = sink->meta(sink->ctx, &m)) != FL_OK)
		return rc;
	for (i = 0; i < (plan.big ? 300 : EVENTS); i++) {
		if (i == plan.fail_at)
			return fl_diag_msg(d, FL_E_SYNTAX, "bad event %d", i);
		snprintf(name, sizeof(name), "h%d", i);
		if (is_host(i)) {
			struct fl_scan_host h = {name, "10.0.0.1", NULL, i & 1,
						 NULL, NULL, NULL};

			rc = sink->host(sink->ctx, &h);
		} else {
			struct fl_finding f;

			fl_finding_init(&f);
			evidence_of(i, ev, sizeof(ev));
			snprintf(name, sizeof(name), "f%d", i);
			rc = fl_finding_setz(&f, FL_FF_TITLE, name);
			if (rc == FL_OK && ev[0] != '\0')
				rc = fl_finding_setz(&f, FL_FF_EVIDENCE, ev);
			if (rc == FL_OK && i % 2 == 0)
				rc = fl_strlist_add(&f.vuln_ids, "CVE-2024-1", 10);
			if (rc == FL_OK && i % 3 == 0)
				rc = fl_finding_add_loc(&f, name, (unsigned)i,
							"tcp", NULL);
			f.severity = i % 5;
			if (rc == FL_OK)
				rc = sink->finding(sink->ctx, &f);
			fl_finding_reset(&f);
		}
		if (rc != FL_OK)
			return rc;
		plan.produced++;
	}
	return FL_OK;
}

static const struct fl_scan_format fake = {"fake", "a plan", NULL, fake_read};

struct seen {
	int next;               /* the event expected next */
	int metas;
	int stop_at;            /* the sink fails at event i (-1 never) */
	int lag;                /* sleep now and then */
	int bad;                /* first mismatch, or -1 */
	int ahead;              /* most events the reader was in front */
	unsigned long long bytes;
};

static void
lag(struct seen *s)
{
	struct timespec ts = {0, 200000};

	if (s->lag && s->next % 150 == 0)
		nanosleep(&ts, NULL);
}

static fl_err
on_meta(void *ctx, const struct fl_scan_meta *m)
{
	struct seen *s = ctx;

	if (strcmp(m->scanner, "Fake") != 0 || strcmp(m->name, "plan") != 0)
		s->bad = 0;
	s->metas++;
	return FL_OK;
}

static fl_err
on_host(void *ctx, const struct fl_scan_host *h)
{
	struct seen *s = ctx;
	char want[32];

	snprintf(want, sizeof(want), "h%d", s->next);
	if (s->next == s->stop_at)
		return FL_E_DB;
	if (!is_host(s->next) || strcmp(h->host, want) != 0 ||
	    strcmp(h->ip, "10.0.0.1") != 0 || h->fqdn != NULL ||
	    h->authenticated != (s->next & 1))
		if (s->bad < 0)
			s->bad = s->next;
	s->next++;
	lag(s);
	return FL_OK;
}

static fl_err
on_finding(void *ctx, const struct fl_finding *f)
{
	static char ev[1 << 20];
	struct seen *s = ctx;
	char want[32];
	int i = s->next, ok;

	if (atomic_load(&plan.produced) - i > s->ahead)
		s->ahead = atomic_load(&plan.produced) - i;

	if (i == s->stop_at)
		return FL_E_DB;
	snprintf(want, sizeof(want), "f%d", i);
	evidence_of(i, ev, sizeof(ev));
	ok = !is_host(i) && strcmp(f->text[FL_FF_TITLE], want) == 0 &&
	     (ev[0] == '\0' ? f->text[FL_FF_EVIDENCE] == NULL
			    : strcmp(f->text[FL_FF_EVIDENCE], ev) == 0) &&
	     f->vuln_ids.n == (i % 2 == 0 ? 1u : 0u) &&
	     (i % 2 != 0 || strcmp(f->vuln_ids.v[0], "CVE-2024-1") == 0) &&
	     f->nlocs == (i % 3 == 0 ? 1u : 0u) && f->severity == i % 5;
	if (ok && i % 3 == 0) {
		snprintf(want, sizeof(want), "f%d", i);
		ok = strcmp(f->locs[0].host, want) == 0 &&
		     f->locs[0].port == (unsigned)i &&
		     strcmp(f->locs[0].protocol, "tcp") == 0;
	}
	if (!ok && s->bad < 0)
		s->bad = i;
	s->next++;
	lag(s);
	return FL_OK;
}

static void
count_bytes(void *ctx, const char *p, size_t n)
{
	(void)p;
	((struct seen *)ctx)->bytes += n;
}

/* Run the fake reader over a file of 100,000 bytes. */
static fl_err
run(struct seen *s, int stop_at, int fail_at, int lagging, struct fl_diag *d)
{
	static char data[100000];
	struct fl_scan_sink sink = {s, on_meta, on_host, on_finding};
	struct fl_scan_src src;
	fl_err rc;

	memset(data, 'x', sizeof(data));
	memset(s, 0, sizeof(*s));
	s->stop_at = stop_at;
	s->lag = lagging;
	s->bad = -1;
	plan.fail_at = fail_at;
	plan.produced = 0;
	fl_diag_clear(d);
	fl_scan_src_mem(&src, "plan.bin", data, sizeof(data));
	src.on_bytes = count_bytes;
	src.on_bytes_ctx = s;
	rc = fl_scan_read_threaded(&fake, &src, 1, &sink, d);
	fl_scan_src_close(&src);
	return rc;
}

static void
test_whole_stream(void **state)
{
	struct seen s;
	struct fl_diag d;
	int lagging;

	(void)state;
	for (lagging = 0; lagging < 2; lagging++) {
		assert_int_equal(run(&s, -1, -1, lagging, &d), FL_OK);
		assert_int_equal(s.bad, -1);
		assert_int_equal(s.metas, 1);
		assert_int_equal(s.next, EVENTS);
		assert_int_equal(plan.produced, EVENTS);
		/* drained: every byte of the file went by the hook */
		assert_int_equal(s.bytes, 100000);
	}
}

/* Findings of a megabyte each: the ring holds about 8 MB of them, not a
 * thousand slots' worth. */
static void
test_large_events_bounded(void **state)
{
	struct seen s;
	struct fl_diag d;

	(void)state;
	plan.big = 1 << 20;
	assert_int_equal(run(&s, -1, -1, 1, &d), FL_OK);
	plan.big = 0;
	assert_int_equal(s.bad, -1);
	assert_int_equal(s.next, 300);
	assert_true(s.ahead >= 2);
	assert_true(s.ahead <= 12);
}

static void
test_sink_error_stops_reader(void **state)
{
	struct seen s;
	struct fl_diag d;

	(void)state;
	assert_int_equal(run(&s, 777, -1, 0, &d), FL_E_DB);
	assert_int_equal(s.bad, -1);
	assert_int_equal(s.next, 777);
	/* the reader stopped within a ring's length of the failure */
	assert_true(plan.produced >= 777);
	assert_true(plan.produced <= 777 + 1024 + 8);
	assert_int_equal(run(&s, 0, -1, 1, &d), FL_E_DB);
	assert_int_equal(s.next, 0);
}

static void
test_reader_error_reaches_caller(void **state)
{
	struct seen s;
	struct fl_diag d;

	(void)state;
	assert_int_equal(run(&s, -1, 300, 0, &d), FL_E_SYNTAX);
	assert_string_equal(d.msg, "bad event 300");
	/* everything before the bad event was delivered, in order */
	assert_int_equal(s.bad, -1);
	assert_int_equal(s.next, 300);
	assert_int_equal(run(&s, -1, 0, 1, &d), FL_E_SYNTAX);
	assert_int_equal(s.next, 0);
	assert_int_equal(s.metas, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_stream),
		cmocka_unit_test(test_large_events_bounded),
		cmocka_unit_test(test_sink_error_stops_reader),
		cmocka_unit_test(test_reader_error_reaches_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
