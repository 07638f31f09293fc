/*
 * test_event_zstream: compressed input.  Fixtures of every text format are
 * compressed here, at run time, with zlib and libzstd, and must give the
 * very events the plain bytes give, in memory and from a file in 256 KiB
 * and 16-byte chunks (event_test.h); so must several gzip members or zstd
 * frames one after the other, NUL padding after a member and a skippable
 * zstd frame.  A stream cut short, a corrupt one and bytes after a member
 * that start no member end the reading with FL_READ_FATAL and the byte
 * offset, after the events decoded before the damage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <zlib.h>
#include <zstd.h>

#include "event_test.h"
#include "detect/event_int.h"

/* gzip bytes of IN (one member) appended to OUT. */
static void
gz(struct fl_buf *out, const char *in, size_t n)
{
	z_stream s;
	unsigned char tmp[4096];
	int ret;

	memset(&s, 0, sizeof s);
	assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (unsigned char *)(uintptr_t)in;
	s.avail_in = (uInt)n;
	do {
		s.next_out = tmp;
		s.avail_out = sizeof tmp;
		ret = deflate(&s, Z_FINISH);
		assert_true(ret == Z_OK || ret == Z_STREAM_END);
		fl_buf_append(out, tmp, sizeof tmp - s.avail_out);
	} while (ret != Z_STREAM_END);
	deflateEnd(&s);
}

/* zstd bytes of IN (one frame) appended to OUT. */
static void
zst(struct fl_buf *out, const char *in, size_t n)
{
	size_t cap = ZSTD_compressBound(n), got;
	char *tmp = malloc(cap);

	assert_non_null(tmp);
	got = ZSTD_compress(tmp, cap, in, n, 3);
	assert_false(ZSTD_isError(got));
	fl_buf_append(out, tmp, got);
	free(tmp);
}

static const char syslog_in[] =
    "Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for invalid user "
    "webmaster from 173.234.31.186 port 38926 ssh2\n"
    "Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from "
    "119.137.62.142 port 49116 ssh2\n"
    "not syslog\n"
    "Mar  3 10:00:05 srv sudo:    bob : TTY=pts/1 ; PWD=/root ; USER=root ;"
    " COMMAND=/bin/cat /etc/shadow\n";
static const char json_in[] =
    "{\"EventID\": 4688, \"Computer\": \"ws1\", \"CommandLine\": \"cmd /c "
    "whoami\", \"@timestamp\": \"2024-01-05T10:00:00Z\"}\n"
    "{\"Event\": {\"System\": {\"EventID\": 1, \"Provider\": {\"#attributes\":"
    " {\"Name\": \"Sysmon\"}}}, \"EventData\": {\"Image\": \"C:\\\\x.exe\"}}}"
    "\n{broken\n"
    "{\"a\": [1, 2, {\"b\": null}]}";
static const char auditd_in[] =
    "type=SYSCALL msg=audit(1604994496.155:92733): arch=c000003e syscall=59 "
    "success=yes exit=0 comm=\"arp\" exe=\"/usr/sbin/arp\" key=(null)\n"
    "type=EXECVE msg=audit(1604994496.155:92733): argc=2 a0=\"arp\" "
    "a1=\"-a\"\n"
    "type=PROCTITLE msg=audit(1604994496.155:92733): proctitle=617270002D61\n"
    "junk\n"
    "type=CWD msg=audit(1604994496.156:92734): cwd=\"/home/wardog\"\n";

struct fcase {
	enum fl_format fmt;
	const char *in;
	size_t n;
};

static const struct fcase fcases[] = {
	{FL_FMT_SYSLOG, syslog_in, sizeof syslog_in - 1},
	{FL_FMT_JSON, json_in, sizeof json_in - 1},
	{FL_FMT_AUDITD, auditd_in, sizeof auditd_in - 1},
};

static void
render(enum fl_format fmt, const char *in, size_t n, struct fl_buf *out)
{
	struct fl_reader_opts o;

	memset(&o, 0, sizeof o);
	o.year = 2015;
	ev_run(fmt, in, n, &o, NULL, out);
}

/* Every format: gzip and zstd give what the plain bytes give. */
static void
test_same_events(void **state)
{
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
		const struct fcase *c = &fcases[i];
		struct fl_buf plain, want, z, got;

		fl_buf_init(&plain, 1 << 20);
		fl_buf_init(&want, 1 << 20);
		render(c->fmt, c->in, c->n, &want);
		assert_true(want.len > 0);
		for (k = 0; k < 2; k++) {
			fl_buf_init(&z, 1 << 20);
			fl_buf_init(&got, 1 << 20);
			if (k == 0)
				gz(&z, c->in, c->n);
			else
				zst(&z, c->in, c->n);
			render(c->fmt, z.data, z.len, &got);
			assert_string_equal(fl_buf_str(&got),
					    fl_buf_str(&want));
			fl_buf_release(&z);
			fl_buf_release(&got);
		}
		fl_buf_release(&plain);
		fl_buf_release(&want);
	}
}

/* A large input: many windows of decompressed bytes, long lines across
 * them; zstd with a skippable frame first. */
static void
test_large(void **state)
{
	struct fl_buf plain, want, z, got;
	int i;

	(void)state;
	fl_buf_init(&plain, 8 << 20);
	fl_buf_init(&want, 64 << 20);
	for (i = 0; i < 4000; i++)
		fl_buf_printf(&plain, "Dec 10 06:55:%02d h%d sshd[%d]: Failed "
			      "password for u%d from 10.0.%d.%d port %d ssh2"
			      "%*s\n", i % 60, i % 7, i, i, i / 250, i % 250,
			      1000 + i, i % 5 == 0 ? 3000 : 0, "");
	render(FL_FMT_SYSLOG, plain.data, plain.len, &want);
	fl_buf_init(&z, 8 << 20);
	fl_buf_init(&got, 64 << 20);
	gz(&z, plain.data, plain.len);
	render(FL_FMT_SYSLOG, z.data, z.len, &got);
	assert_string_equal(fl_buf_str(&got), fl_buf_str(&want));
	fl_buf_reset(&z);
	fl_buf_reset(&got);
	/* a skippable frame: magic 0x184D2A5E, 4 bytes of length, 4 bytes */
	fl_buf_append(&z, "\x5e\x2a\x4d\x18\x04\x00\x00\x00skip", 12);
	zst(&z, plain.data, plain.len);
	render(FL_FMT_SYSLOG, z.data, z.len, &got);
	assert_string_equal(fl_buf_str(&got), fl_buf_str(&want));
	fl_buf_release(&plain);
	fl_buf_release(&want);
	fl_buf_release(&z);
	fl_buf_release(&got);
}

/* gzip -c a >> b; zstd frames one after another; NUL padding after the
 * last gzip member. */
static void
test_concatenated(void **state)
{
	struct fl_buf want, z, got;
	size_t half = 145; /* inside the second line */

	(void)state;
	fl_buf_init(&want, 1 << 20);
	render(FL_FMT_SYSLOG, syslog_in, sizeof syslog_in - 1, &want);
	fl_buf_init(&z, 1 << 20);
	fl_buf_init(&got, 1 << 20);
	gz(&z, syslog_in, half);
	gz(&z, syslog_in + half, sizeof syslog_in - 1 - half);
	render(FL_FMT_SYSLOG, z.data, z.len, &got);
	assert_string_equal(fl_buf_str(&got), fl_buf_str(&want));

	fl_buf_append(&z, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
	fl_buf_reset(&got);
	render(FL_FMT_SYSLOG, z.data, z.len, &got);
	assert_string_equal(fl_buf_str(&got), fl_buf_str(&want));

	fl_buf_reset(&z);
	fl_buf_reset(&got);
	zst(&z, syslog_in, half);
	zst(&z, syslog_in + half, sizeof syslog_in - 1 - half);
	render(FL_FMT_SYSLOG, z.data, z.len, &got);
	assert_string_equal(fl_buf_str(&got), fl_buf_str(&want));
	fl_buf_release(&want);
	fl_buf_release(&z);
	fl_buf_release(&got);
}

struct dcase {
	const char *name;
	int zstd;
	int cut;            /* bytes cut off the end */
	int flip;           /* 1 + offset of a byte to break, from the end */
	const char *tail;   /* bytes appended after the stream */
	size_t tailn;
	const char *want_prefix; /* the last line of the rendering */
};

static const struct dcase dcases[] = {
	{"gzip without its trailer", 0, 8, 0, NULL, 0,
	 "F:truncated gzip stream at byte "},
	{"gzip cut inside the data", 0, 40, 0, NULL, 0,
	 "F:truncated gzip stream at byte "},
	{"zstd cut short", 1, 3, 0, NULL, 0,
	 "F:truncated zstd stream at byte "},
	{"gzip with a broken crc", 0, 0, 8, NULL, 0,
	 "F:corrupt gzip stream at byte "},
	{"zstd with garbage after the frame", 1, 0, 0, "garbage!", 8,
	 "F:corrupt zstd stream at byte "},
	{"gzip with garbage after the member", 0, 0, 0, "garbage!", 8,
	 "F:trailing garbage after gzip stream at byte "},
	{"gzip with garbage after NUL padding", 0, 0, 0, "\0\0x", 3,
	 "F:trailing garbage after gzip stream at byte "},
};

/* Damaged streams: the events before the damage, then one fatal result
 * that names the stream and the byte; never a crash. */
static void
test_damaged(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
		const struct dcase *c = &dcases[i];
		struct fl_buf z, got;
		const char *last, *s;

		fl_buf_init(&z, 1 << 20);
		fl_buf_init(&got, 1 << 20);
		if (c->zstd)
			zst(&z, syslog_in, sizeof syslog_in - 1);
		else
			gz(&z, syslog_in, sizeof syslog_in - 1);
		z.len -= (size_t)c->cut;
		if (c->flip)
			z.data[z.len - (size_t)c->flip] ^= 0x55;
		if (c->tail)
			fl_buf_append(&z, c->tail, c->tailn);
		render(FL_FMT_SYSLOG, z.data, z.len, &got);
		s = fl_buf_str(&got);
		assert_true(got.len > 0 && s[got.len - 1] == '\n');
		for (last = s + got.len - 1; last > s && last[-1] != '\n';
		     last--)
			;
		if (strncmp(last, c->want_prefix, strlen(c->want_prefix)))
			print_error("case '%s': got %s\n", c->name, s);
		assert_int_equal(strncmp(last, c->want_prefix,
					 strlen(c->want_prefix)), 0);
		fl_buf_release(&z);
		fl_buf_release(&got);
	}
}

/* Random bytes behind a gzip or zstd magic: fatal, never a crash. */
static void
test_garbage(void **state)
{
	unsigned char in[4096];
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	uint32_t x = 2463534242u;
	size_t i;
	int k;

	(void)state;
	for (k = 0; k < 64; k++) {
		enum fl_read rc;
		int n = 0;

		for (i = 0; i < sizeof in; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			in[i] = (unsigned char)x;
		}
		if (k % 2)
			memcpy(in, "\x1f\x8b\x08", 3);
		else
			memcpy(in, "\x28\xb5\x2f\xfd", 4);
		assert_int_equal(fl_reader_open_mem(FL_FMT_SYSLOG, in,
						    sizeof in, "g", NULL, NULL,
						    &r, &d), FL_OK);
		while ((rc = fl_reader_next(r, &ev, &d)) == FL_READ_OK ||
		       rc == FL_READ_BAD)
			assert_true(++n < 100000);
		assert_int_equal(rc, FL_READ_FATAL);
		assert_non_null(strstr(d.msg, k % 2 ? "gzip" : "zstd"));
		fl_reader_close(r);
	}
}

/* opts.head: bytes already taken from the fd come first (a pipe that
 * was sniffed), compressed or not. */
static void
test_head(void **state)
{
	struct fl_buf want, z;
	int k;

	(void)state;
	fl_buf_init(&want, 1 << 20);
	render(FL_FMT_SYSLOG, syslog_in, sizeof syslog_in - 1, &want);
	for (k = 0; k < 2; k++) {
		struct fl_reader_opts o;
		struct fl_reader *r;
		struct fl_diag d;
		struct fl_buf got;
		int p[2];
		size_t head = k ? 7 : 2;

		fl_buf_init(&z, 1 << 20);
		fl_buf_init(&got, 1 << 20);
		if (k)
			gz(&z, syslog_in, sizeof syslog_in - 1);
		else
			fl_buf_append(&z, syslog_in, sizeof syslog_in - 1);
		assert_int_equal(pipe(p), 0);
		assert_int_equal(write(p[1], z.data + head, z.len - head),
				 (ssize_t)(z.len - head));
		close(p[1]);
		memset(&o, 0, sizeof o);
		o.year = 2015;
		o.head = z.data;
		o.head_n = head;
		assert_int_equal(fl_reader_open_fd(FL_FMT_SYSLOG, p[0], "t",
						   NULL, &o, &r, &d), FL_OK);
		ev_drain(r, &got);
		fl_reader_close(r);
		close(p[0]);
		assert_string_equal(fl_buf_str(&got), fl_buf_str(&want));
		fl_buf_release(&z);
		fl_buf_release(&got);
	}
	fl_buf_release(&want);
}

/* fl_z_head: the start of a compressed file, for sniffing. */
static void
test_z_head(void **state)
{
	struct fl_buf z;
	char out[64];
	size_t n;

	(void)state;
	fl_buf_init(&z, 1 << 20);
	gz(&z, auditd_in, sizeof auditd_in - 1);
	n = fl_z_head(z.data, z.len / 2, out, sizeof out);
	assert_true(n > 5 && n <= sizeof out);
	assert_memory_equal(out, "type=", 5);
	fl_buf_reset(&z);
	zst(&z, json_in, sizeof json_in - 1);
	n = fl_z_head(z.data, z.len, out, sizeof out);
	assert_int_equal(n, sizeof out);
	assert_memory_equal(out, json_in, sizeof out);
	assert_int_equal(fl_z_head("plain", 5, out, sizeof out), 0);
	assert_int_equal(fl_z_kind("\x1f\x8b", 2), FL_Z_NONE);
	fl_buf_release(&z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_events),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_z_head),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
