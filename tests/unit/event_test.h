/*
 * event_test: what test_event_jsonl and test_event_syslog share.  A reader
 * run is rendered as text, one line per result, so a table case states the
 * whole outcome in one string:
 *   E<record> t=<sec>[.<nsec>] h=<host>|name=value|name=value...
 *   B<line>:<col>:<reason>
 * null values render as <null>.  Every case runs three ways (in memory,
 * from a file in 256 KiB chunks, from a file in 16-byte chunks) and the
 * three renderings must agree: chunk boundaries must never show.
 */
#ifndef FL_EVENT_TEST_H
#define FL_EVENT_TEST_H

#include <fcntl.h>
#include <unistd.h>

#include "detect/event.h"

static void
ev_render(struct fl_buf *out, const struct fl_event *ev)
{
	size_t i;

	fl_buf_printf(out, "E%llu", ev->record);
	if (ev->time || ev->nsec) {
		fl_buf_printf(out, " t=%lld", (long long)ev->time);
		if (ev->nsec)
			fl_buf_printf(out, ".%09u", (unsigned)ev->nsec);
	}
	if (ev->host.n)
		fl_buf_printf(out, " h=%.*s", (int)ev->host.n, ev->host.p);
	for (i = 0; i < ev->nfields; i++) {
		const struct fl_field *f = &ev->fields[i];

		fl_buf_putc(out, '|');
		fl_buf_append(out, f->name.p, f->name.n);
		fl_buf_putc(out, '=');
		if (f->type == FL_V_NULL)
			fl_buf_puts(out, "<null>");
		else
			fl_buf_append(out, f->value.p, f->value.n);
	}
	fl_buf_putc(out, '\n');
}

/* Read everything from R into OUT; returns the number of results. */
static int
ev_drain(struct fl_reader *r, struct fl_buf *out)
{
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	int n = 0;

	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		if (++n > 10000)
			break; /* a reader that never ends is a failure */
		if (rc == FL_READ_OK)
			ev_render(out, &ev);
		else if (rc == FL_READ_BAD)
			fl_buf_printf(out, "B%lu:%lu:%s\n", d.line, d.col, d.msg);
		else {
			fl_buf_printf(out, "F:%s\n", d.msg);
			break;
		}
	}
	return n;
}

static char ev_tmpl[64];

/* Render INPUT (n bytes) read as FMT; asserts the three ways agree. */
static void
ev_run(enum fl_format fmt, const char *input, size_t n,
       const struct fl_reader_opts *opts, const struct fl_keys *keys,
       struct fl_buf *out)
{
	struct fl_reader_opts o;
	struct fl_reader *r;
	struct fl_diag d;
	struct fl_buf other;
	size_t chunks[2] = {0, 16};
	int fd, k;

	memset(&o, 0, sizeof o);
	if (opts)
		o = *opts;
	assert_int_equal(fl_reader_open_mem(fmt, input, n, "t", keys, &o, &r,
					    &d), FL_OK);
	ev_drain(r, out);
	fl_reader_close(r);

	snprintf(ev_tmpl, sizeof ev_tmpl, "/tmp/fl-event-XXXXXX");
	fd = mkstemp(ev_tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, input, n), (ssize_t)n);
	for (k = 0; k < 2; k++) {
		o.chunk = chunks[k];
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		fl_buf_init(&other, 1 << 20);
		assert_int_equal(fl_reader_open_fd(fmt, fd, "t", keys, &o, &r,
						   &d), FL_OK);
		ev_drain(r, &other);
		fl_reader_close(r);
		assert_string_equal(fl_buf_str(&other), fl_buf_str(out));
		fl_buf_release(&other);
	}
	close(fd);
	unlink(ev_tmpl);
}

#endif
