/*
 * test_notify: the outbox's pure parts (routing rules, backoff, the mail
 * message, RFC 2047 subjects, quoted-printable bodies, the webhook document
 * and its HMAC) and the store's queue (routing, dedup, claim/record with
 * backoff and give-up, retry, the timeline of a reference), all as tables
 * of cases with the values they must produce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <unistd.h>

#include "core/notify.h"
#include "notify/send.h"
#include "store/notify.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- core rules ------------------------------------------------------------ */

static void
test_backoff(void **state)
{
	static const struct {
		long n, secs;
	} cases[] = {
		{-3, 60}, {0, 60}, {1, 60}, {2, 300}, {3, 900}, {4, 3600},
		{5, 21600}, {6, 21600}, {10, 21600}, {1000, 21600},
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		assert_int_equal(fl_notify_backoff(cases[i].n), cases[i].secs);
}

static void
test_event_match(void **state)
{
	static const struct {
		const char *pattern, *event;
		int want;
	} cases[] = {
		{"*", "incident.new", 1},
		{"*", "risk.escalated", 1},
		{"incident.*", "incident.new", 1},
		{"incident.*", "incident.clock.breached", 1},
		{"incident.*", "incident", 0},
		{"incident.*", "incident.", 0},
		{"incident.*", "incidents.new", 0},
		{"incident.*", "risk.escalated", 0},
		{"incident.new", "incident.new", 1},
		{"incident.new", "incident.newer", 0},
		{"incident.new", "incident", 0},
		{"clock.*", "clock.warning", 1},
		{NULL, "x", 0},
		{"x", NULL, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		assert_int_equal(fl_notify_event_match(cases[i].pattern,
						       cases[i].event),
				 cases[i].want);
}

static void
test_pattern_valid(void **state)
{
	static const struct {
		const char *p;
		int want;
	} cases[] = {
		{"*", 1}, {"incident.new", 1}, {"incident.*", 1}, {"a", 1},
		{"risk.escalated", 1}, {"a-b_c.d9", 1},
		{"", 0}, {NULL, 0}, {".x", 0}, {"x.", 0}, {"x..y", 0},
		{"Incident.new", 0}, {"x.*.y", 0}, {"x*", 0}, {"*.x", 0},
		{"x y", 0}, {"x\n", 0},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		assert_int_equal(fl_notify_pattern_valid(cases[i].p),
				 cases[i].want);
}

static void
test_severity(void **state)
{
	static const struct {
		const char *min, *sev;
		int want;
	} cases[] = {
		{NULL, NULL, 1}, {NULL, "low", 1}, {"", "critical", 1},
		{"high", "high", 1}, {"high", "critical", 1},
		{"high", "medium", 0}, {"high", NULL, 0}, {"low", "low", 1},
		{"critical", "high", 0}, {"medium", "bogus", 0},
		{"bogus", "critical", 0},
	};
	size_t i;

	(void)state;
	assert_int_equal(fl_notify_severity_rank("low"), 1);
	assert_int_equal(fl_notify_severity_rank("critical"), 4);
	assert_int_equal(fl_notify_severity_rank("High"), 0);
	assert_int_equal(fl_notify_severity_rank(NULL), 0);
	for (i = 0; i < N(cases); i++)
		assert_int_equal(fl_notify_severity_match(cases[i].min,
							  cases[i].sev),
				 cases[i].want);
}

static void
test_level_severity(void **state)
{
	static const struct {
		const char *name;
		int idx, nlevels;
		const char *want;
	} cases[] = {
		/* the shipped matrix: low, medium, significant, high */
		{"low", 0, 4, "low"},
		{"medium", 1, 4, "medium"},
		{"significant", 2, 4, "high"},
		{"high", 3, 4, "high"},
		{"HIGH", 3, 4, "high"},
		{"Critical", 0, 4, "critical"},
		/* unknown names by place: the top is critical */
		{"extreme", 4, 5, "critical"},
		{"tolerable", 0, 5, "low"},
		{"notable", 1, 5, "low"},
		{"serious", 2, 5, "medium"},
		{"grave", 3, 5, "high"},
		{"x", 5, 5, "low"},
		{"x", -1, 5, "low"},
		{"x", 0, 1, "low"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		assert_string_equal(fl_notify_level_severity(cases[i].name,
							     cases[i].idx,
							     cases[i].nlevels),
				    cases[i].want);
}

/* ---- message formats ------------------------------------------------------- */

static void
test_mail_date(void **state)
{
	static const struct {
		time_t t;
		const char *want;
	} cases[] = {
		{0, "Thu, 01 Jan 1970 00:00:00 +0000"},
		{1772445600, "Mon, 02 Mar 2026 10:00:00 +0000"},
		{1798761599, "Thu, 31 Dec 2026 23:59:59 +0000"},
		{951782400, "Tue, 29 Feb 2000 00:00:00 +0000"},
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		fl_mail_date(cases[i].t, out);
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_mail_addr(void **state)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} cases[] = {
		{"itso@example.org", "itso@example.org"},
		{"firstline <itso@example.org>", "itso@example.org"},
		{"<a@b.c>", "a@b.c"},
		{"a@b", "a@b"},
		{"firstline <itso@example.org> x", NULL},
		{"itso", NULL},
		{"@example.org", NULL},
		{"a@", NULL},
		{"a@@b", NULL},
		{"a b@c", NULL},
		{"a@b,c@d", NULL},
		{"a@b\r\nBcc: x@y", NULL},
		{"x <a@b\r\n>", NULL},
		{"a@.b", NULL},
		{NULL, NULL},
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		int r = fl_mail_addr(cases[i].in, out, sizeof out);

		if (cases[i].want == NULL) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_string_equal(out, cases[i].want);
		}
	}
}

static void
test_subject(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"Risk R-0001 escalated", "Risk R-0001 escalated"},
		{"tab\tinside", "tab\tinside"},
		{"Größe", "=?UTF-8?B?R3LDtsOfZQ==?="},
		/* "=?" would start an encoded word in plain text */
		{"a =?x?= b", "=?UTF-8?B?YSA9P3g/PSBi?="},
		{"\xe2\x82\xac", "=?UTF-8?B?4oKs?="},
	};
	struct fl_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		fl_buf_init(&b, 0);
		assert_int_equal(fl_mail_encode_subject(cases[i].in, &b), FL_OK);
		assert_string_equal(fl_buf_str(&b), cases[i].want);
		fl_buf_release(&b);
	}
}

static void
test_subject_refused(void **state)
{
	static const char *const bad[] = {
		"x\r\nBcc: evil@example.org", "x\nBcc: y", "x\ry", "nul\x01",
		"del\x7f", "Größe\nTo: x",
	};
	struct fl_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		fl_buf_init(&b, 0);
		assert_int_equal(fl_mail_encode_subject(bad[i], &b), FL_E_INVAL);
		assert_int_equal(b.len, 0);
		fl_buf_release(&b);
	}
}

/* Decode "=?UTF-8?B?...?=" words separated by CRLF SP back into bytes;
 * checks each word and each line's length on the way. */
static void
decode_words(const char *enc, size_t first_line_extra, char *out,
	     size_t outsz)
{
	const char *p = enc, *e;
	size_t o = 0, line = first_line_extra;

	while (*p) {
		unsigned char bin[64];
		size_t n = 0, wl;

		assert_true(strncmp(p, "=?UTF-8?B?", 10) == 0);
		e = strstr(p + 10, "?=");
		assert_non_null(e);
		wl = (size_t)(e + 2 - p);
		assert_true(wl <= 75); /* RFC 2047: an encoded word */
		line += wl;
		assert_true(line <= 76); /* RFC 2047: a line with words */
		assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10,
						   (size_t)(e - p - 10), NULL,
						   &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		/* a word ends on a character boundary: valid UTF-8 alone */
		if (n > 0)
			assert_true((bin[n - 1] & 0xC0) != 0xC0);
		if (n > 1 && (bin[n - 2] & 0xE0) == 0xE0)
			assert_true(0 && "word ends inside a 3/4-byte sequence");
		assert_true(o + n < outsz);
		memcpy(out + o, bin, n);
		o += n;
		p = e + 2;
		if (*p) {
			assert_true(strncmp(p, "\r\n ", 3) == 0);
			p += 3;
			line = 1;
		}
	}
	out[o] = '\0';
}

static void
test_subject_long(void **state)
{
	static const char *const cases[] = {
		/* 2-byte characters: 39 bytes would split one */
		"üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü",
		/* 3-byte characters */
		"€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€",
		/* 4-byte characters */
		"\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
		"\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
		"\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92",
		"Sicherheitsvorfall IR-2026-0007: Größere Störung der Zahlungs"
		"verkehrssysteme, meldepflichtig nach DORA Art. 19",
	};
	struct fl_buf b;
	char back[1024];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		fl_buf_init(&b, 0);
		assert_int_equal(fl_mail_encode_subject(cases[i], &b), FL_OK);
		/* more than one word: the case really exercises the split */
		assert_non_null(strstr(fl_buf_str(&b), "\r\n "));
		decode_words(fl_buf_str(&b), strlen("Subject: "), back,
			     sizeof back);
		assert_string_equal(back, cases[i]);
		fl_buf_release(&b);
	}
}

static void
test_body(void **state)
{
	static const struct {
		const char *in, *want;
		int qp;
	} cases[] = {
		{"hello\nworld", "hello\r\nworld\r\n", 0},
		{"hello\r\nworld\n", "hello\r\nworld\r\n", 0},
		{"", "\r\n", 0},
		{"tab\there \n", "tab\there \r\n", 0},
		{"Grüße", "Gr=C3=BC=C3=9Fe\r\n", 1},
		{"a=b ü", "a=3Db =C3=BC\r\n", 1},
		/* a space before a line end is encoded, elsewhere kept */
		{"ü \nx", "=C3=BC=20\r\nx\r\n", 1},
		{"ü\t", "=C3=BC=09\r\n", 1},
		{"bell\x07", "bell=07\r\n", 1},
	};
	struct fl_buf b;
	size_t i;
	int qp;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		fl_buf_init(&b, 0);
		assert_int_equal(fl_mail_encode_body(cases[i].in,
						     strlen(cases[i].in), &b,
						     &qp),
				 FL_OK);
		assert_string_equal(fl_buf_str(&b), cases[i].want);
		assert_int_equal(qp, cases[i].qp);
		fl_buf_release(&b);
	}
}

static void
test_body_long_lines(void **state)
{
	char in[1200], *line;
	struct fl_buf b;
	size_t i;
	int qp;

	(void)state;
	/* 999 ASCII bytes on one line: too long for 7bit */
	memset(in, 'x', 999);
	in[999] = '\0';
	fl_buf_init(&b, 0);
	assert_int_equal(fl_mail_encode_body(in, strlen(in), &b, &qp), FL_OK);
	assert_int_equal(qp, 1);
	/* every line at most 76 bytes; soft breaks end in '=' */
	for (line = b.data; *line;) {
		char *eol = strstr(line, "\r\n");

		assert_non_null(eol);
		assert_true(eol - line <= 76);
		if (eol[2] != '\0')
			assert_int_equal(eol[-1], '=');
		line = eol + 2;
	}
	/* nothing lost: the x's survive the soft breaks */
	for (i = 0, line = b.data; *line; line++)
		i += *line == 'x';
	assert_int_equal(i, 999);
	fl_buf_release(&b);
	/* 998 is still fine as 7bit */
	in[998] = '\0';
	fl_buf_init(&b, 0);
	assert_int_equal(fl_mail_encode_body(in, strlen(in), &b, &qp), FL_OK);
	assert_int_equal(qp, 0);
	assert_int_equal(b.len, 1000);
	fl_buf_release(&b);
}

static void
test_mail_format(void **state)
{
	struct fl_mail m = {
		"firstline <itso@example.org>", "iso@example.org, ciso@example.org",
		"Risk R-0001 escalated", "Line one\nZeile zwei: Grüße\n",
		"fl.7.abc@example.org", "risk.escalated", "risk:R-0001", "high",
		1772445600,
	};
	static const char want[] =
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
		"From: firstline <itso@example.org>\r\n"
		"To: iso@example.org, ciso@example.org\r\n"
		"Subject: Risk R-0001 escalated\r\n"
		"Message-ID: <fl.7.abc@example.org>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Auto-Submitted: auto-generated\r\n"
		"X-Firstline-Event: risk.escalated\r\n"
		"X-Firstline-Ref: risk:R-0001\r\n"
		"X-Firstline-Severity: high\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n"
		"\r\n"
		"Line one\r\n"
		"Zeile zwei: Gr=C3=BC=C3=9Fe\r\n";
	struct fl_diag d;
	struct fl_buf b;

	(void)state;
	fl_buf_init(&b, 0);
	fl_diag_clear(&d);
	assert_int_equal(fl_mail_format(&m, &b, &d), FL_OK);
	assert_string_equal(fl_buf_str(&b), want);
	fl_buf_release(&b);
	/* without a severity, no X-Firstline-Severity header */
	m.severity = NULL;
	m.body = "plain";
	fl_buf_init(&b, 0);
	assert_int_equal(fl_mail_format(&m, &b, &d), FL_OK);
	assert_null(strstr(fl_buf_str(&b), "Severity"));
	assert_non_null(strstr(fl_buf_str(&b), "Content-Transfer-Encoding: 7bit\r\n\r\nplain\r\n"));
	fl_buf_release(&b);
}

static void
test_mail_injection(void **state)
{
	static const struct {
		const char *from, *to, *subject, *msgid, *event, *ref;
		const char *why; /* a word the refusal names */
	} cases[] = {
		{"a@b.c", "x@y.z", "s\r\nBcc: evil@e.org", "i@b", NULL, NULL, "Subject"},
		{"a@b.c", "x@y.z", "s\nX: y", "i@b", NULL, NULL, "Subject"},
		{"a@b.c\r\nBcc: e@e.org", "x@y.z", "s", "i@b", NULL, NULL, "sender"},
		{"a <a@b.c>\r\n", "x@y.z", "s", "i@b", NULL, NULL, "sender"},
		{"a@b.c", "x@y.z\r\nBcc: e@e.org", "s", "i@b", NULL, NULL, "recipient"},
		{"a@b.c", "x@y.z,e@e.org>", "s", "i@b", NULL, NULL, "recipient"},
		{"a@b.c", "x@y.z", "s", "i@b>\r\nBcc: e@e.org", NULL, NULL, "Message-ID"},
		{"a@b.c", "x@y.z", "s", "i@b", "ev\r\nBcc: e@e.org", NULL, "X-Firstline-Event"},
		{"a@b.c", "x@y.z", "s", "i@b", NULL, "r\nBcc: e@e.org", "X-Firstline-Ref"},
	};
	struct fl_mail m;
	struct fl_diag d;
	struct fl_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		memset(&m, 0, sizeof m);
		m.from = cases[i].from;
		m.to = cases[i].to;
		m.subject = cases[i].subject;
		m.msgid = cases[i].msgid;
		m.event = cases[i].event;
		m.ref = cases[i].ref;
		m.body = "body";
		fl_buf_init(&b, 0);
		fl_diag_clear(&d);
		assert_int_equal(fl_mail_format(&m, &b, &d), FL_E_INVAL);
		assert_non_null(strstr(d.msg, cases[i].why));
		assert_null(strstr(fl_buf_str(&b), "Bcc"));
		fl_buf_release(&b);
	}
}

static void
test_hmac(void **state)
{
	/* RFC 4231 test cases 1, 2 and 6 (a key longer than a block) */
	unsigned char k1[20], k6[131];
	static const struct {
		int key; /* 1, 2 or 6 */
		const char *msg, *want;
	} cases[] = {
		{1, "Hi There",
		 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{2, "what do ya want for nothing?",
		 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{6, "Test Using Larger Than Block-Size Key - Hash Key First",
		 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	};
	char hex[65];
	size_t i;

	(void)state;
	memset(k1, 0x0b, sizeof k1);
	memset(k6, 0xaa, sizeof k6);
	for (i = 0; i < N(cases); i++) {
		const void *k = cases[i].key == 1 ? (const void *)k1
				: cases[i].key == 2 ? (const void *)"Jefe"
						    : (const void *)k6;
		size_t kl = cases[i].key == 1 ? sizeof k1
			    : cases[i].key == 2 ? 4 : sizeof k6;

		fl_hmac_sha256_hex(k, kl, cases[i].msg, strlen(cases[i].msg),
				   hex);
		assert_string_equal(hex, cases[i].want);
	}
}

static void
test_webhook_body(void **state)
{
	struct fl_webhook_doc w = {
		"risk.escalated", "risk:R-0001", "high", "Risk \"R-0001\"",
		"line 1\nline 2", "{\"level\": \"high\", \"n\": 2}", "fl.7.abc",
		1772445600,
	};
	struct fl_diag d;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	fl_diag_clear(&d);
	assert_int_equal(fl_webhook_body(&w, &out, &len, &d), FL_OK);
	assert_string_equal(out,
			    "{\"event\":\"risk.escalated\",\"ref\":\"risk:R-0001\","
			    "\"severity\":\"high\",\"subject\":\"Risk \\\"R-0001\\\"\","
			    "\"text\":\"line 1\\nline 2\",\"data\":{\"level\":"
			    "\"high\",\"n\":2},\"id\":\"fl.7.abc\",\"sent_at\":"
			    "\"2026-03-02T10:00:00Z\"}");
	assert_int_equal(len, strlen(out));
	free(out);
	w.data = NULL;
	w.severity = NULL;
	assert_int_equal(fl_webhook_body(&w, &out, &len, &d), FL_OK);
	assert_non_null(strstr(out, "\"severity\":null"));
	assert_non_null(strstr(out, "\"data\":null"));
	free(out);
	w.data = "[1]";
	assert_int_equal(fl_webhook_body(&w, &out, &len, &d), FL_E_INVAL);
	assert_null(out);
	w.data = "{bad";
	assert_int_equal(fl_webhook_body(&w, &out, &len, &d), FL_E_INVAL);
}

static void
test_secret_read(void **state)
{
	static const struct {
		const char *content; /* NULL: no file */
		const char *want;    /* NULL: refused */
	} cases[] = {
		{"s3cret\n", "s3cret"},
		{"s3cret\r\n", "s3cret"},
		{"two words", "two words"},
		{"keep\n\n", "keep\n"},
		{"\n", NULL},
		{"", NULL},
		{NULL, NULL},
	};
	char path[64], ref[80], *out;
	struct fl_diag d;
	size_t i, len;

	(void)state;
	snprintf(path, sizeof path, "/tmp/fl-notify-secret-%d", (int)getpid());
	snprintf(ref, sizeof ref, "file:%s", path);
	for (i = 0; i < N(cases); i++) {
		unlink(path);
		if (cases[i].content) {
			FILE *f = fopen(path, "wb");

			assert_non_null(f);
			fputs(cases[i].content, f);
			fclose(f);
		}
		fl_diag_clear(&d);
		out = NULL;
		if (cases[i].want) {
			assert_int_equal(fl_secret_read(ref, &out, &len, &d), FL_OK);
			assert_string_equal(out, cases[i].want);
			assert_int_equal(len, strlen(cases[i].want));
		} else {
			assert_int_not_equal(fl_secret_read(ref, &out, &len, &d),
					     FL_OK);
			assert_null(out);
			assert_non_null(strstr(d.msg, path));
		}
		fl_secret_free(out, len);
	}
	unlink(path);
	setenv("FL_TEST_NOTIFY_KEY", "from-env", 1);
	assert_int_equal(fl_secret_read("env:FL_TEST_NOTIFY_KEY", &out, &len, &d),
			 FL_OK);
	assert_string_equal(out, "from-env");
	fl_secret_free(out, len);
	unsetenv("FL_TEST_NOTIFY_KEY");
	fl_diag_clear(&d);
	assert_int_equal(fl_secret_read("env:FL_TEST_NOTIFY_KEY", &out, &len, &d),
			 FL_E_INVAL);
	assert_null(out);
	assert_int_equal(fl_secret_read("plain", &out, &len, &d), FL_E_INVAL);
}

/* ---- the store's queue ---------------------------------------------------- */

static char dbpath[64];

static int
db_setup(void **state)
{
	struct fl_store *st;
	struct fl_diag d;

	snprintf(dbpath, sizeof dbpath, "/tmp/fl-notify-%d.db", (int)getpid());
	unlink(dbpath);
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	fl_store_set_actor(st, "tester");
	*state = st;
	return 0;
}

static int
db_teardown(void **state)
{
	char p[80];

	fl_store_close(*state);
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

struct rows {
	int n;
	char v[16][4][96]; /* up to 16 rows of up to 4 chosen fields */
	const char *fields[4];
};

static fl_err
rows_add(void *ctx, const struct fl_row *row)
{
	struct rows *r = ctx;
	int f;

	if (r->n == 16)
		return FL_E_LIMIT;
	for (f = 0; f < 4 && r->fields[f]; f++) {
		const char *v = fl_row_get(row, r->fields[f]);

		fl_strlcpy(r->v[r->n][f], v ? v : "(null)", sizeof r->v[0][0]);
	}
	r->n++;
	return FL_OK;
}

static void
list_messages(struct fl_store *st, struct rows *r, const char *f0,
	      const char *f1, const char *f2, const char *f3)
{
	struct fl_diag d;

	memset(r, 0, sizeof *r);
	r->fields[0] = f0;
	r->fields[1] = f1;
	r->fields[2] = f2;
	r->fields[3] = f3;
	fl_diag_clear(&d);
	assert_int_equal(fl_notify_list(st, NULL, NULL, rows_add, r, &d), FL_OK);
}

static void
add_route(struct fl_store *st, const char *event, const char *min,
	  const char *channel, const char *target)
{
	struct fl_notify_route_in r = {event, min, channel, target};
	struct fl_diag d;
	long long id;

	fl_diag_clear(&d);
	assert_int_equal(fl_notify_route_add(st, &r, &id, &d), FL_OK);
	assert_true(id > 0);
}

static void
test_enqueue_default_iso(void **state)
{
	struct fl_store *st = *state;
	struct fl_notice n = {"incident.new", "incident:IR-1", "high",
			      "New incident", "body", NULL, NULL};
	struct fl_diag d;
	struct rows r;
	int q = -1, changed;

	/* no route: the ISO gets it; without an address it waits */
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	assert_int_equal(q, 1);
	list_messages(st, &r, "target", "rcpt", "status", "last_error");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0][0], "iso");
	assert_string_equal(r.v[0][1], "(null)");
	assert_string_equal(r.v[0][2], "pending");
	assert_non_null(strstr(r.v[0][3], "notify role iso"));
	/* with notify.iso set, the address is resolved when queued */
	assert_int_equal(fl_notify_setting_set(st, "notify.iso", "iso@example.org",
					       &changed, &d), FL_OK);
	assert_int_equal(changed, 1);
	n.ref = "incident:IR-2";
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	list_messages(st, &r, "target", "rcpt", "last_error", NULL);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[1][1], "iso@example.org");
	assert_string_equal(r.v[1][2], "(null)");
	assert_int_equal(fl_store_commit(st), FL_OK);
}

static void
test_enqueue_routes(void **state)
{
	static const struct {
		const char *event, *severity;
		int want;               /* messages queued */
		const char *targets;    /* their targets, in route order */
	} cases[] = {
		{"incident.new", "critical", 3, "soc-list@example.org,iso,hook"},
		{"incident.new", "high", 2, "iso,hook"},
		{"incident.new", "low", 1, "iso"},
		{"incident.new", NULL, 1, "iso"},
		{"risk.escalated", "critical", 1, "itso@example.org"},
		/* nothing matches: the ISO anyway */
		{"clock.warning", "high", 1, "iso"},
	};
	struct fl_store *st = *state;
	struct fl_diag d;
	struct rows r;
	size_t i;
	int q, k, replaced;

	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_webhook_add(st, "hook", "http://127.0.0.1:9/x",
					       "env:HOOK_KEY", &replaced, &d),
			 FL_OK);
	add_route(st, "incident.*", "critical", "mail", "soc-list@example.org");
	add_route(st, "incident.*", NULL, "mail", "iso");
	add_route(st, "incident.new", "high", "webhook", "hook");
	add_route(st, "risk.escalated", NULL, "mail", "itso@example.org");
	for (i = 0; i < N(cases); i++) {
		struct fl_notice n = {cases[i].event, "incident:IR-9",
				      cases[i].severity, "s", "b", NULL, NULL};
		char got[256] = "";

		fl_diag_clear(&d);
		assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
		assert_int_equal(q, cases[i].want);
		list_messages(st, &r, "target", NULL, NULL, NULL);
		for (k = r.n - q; k < r.n; k++) {
			if (got[0])
				fl_strlcpy(got + strlen(got), ",",
					   sizeof got - strlen(got));
			fl_strlcpy(got + strlen(got), r.v[k][0],
				   sizeof got - strlen(got));
		}
		assert_string_equal(got, cases[i].targets);
	}
	fl_store_rollback(st);
}

static void
test_enqueue_refused(void **state)
{
	static const struct fl_notice bad[] = {
		{"Incident.New", "incident:1", NULL, "s", "b", NULL, NULL},
		{"incident.*", "incident:1", NULL, "s", "b", NULL, NULL},
		{"incident.new", "incident 1", NULL, "s", "b", NULL, NULL},
		{"incident.new", "", NULL, "s", "b", NULL, NULL},
		{"incident.new", "incident:1", "severe", "s", "b", NULL, NULL},
		{"incident.new", "incident:1", NULL, "", "b", NULL, NULL},
		{"incident.new", "incident:1", NULL, "s\r\nBcc: x@y.z", "b", NULL,
		 NULL},
		{"incident.new", "incident:1", NULL, "s", "b", "[1,2]", NULL},
		{"incident.new", "incident:1", NULL, "s", "b", "{\"a\":", NULL},
		{"incident.new", "incident:1", NULL, "s", "b", NULL, ""},
	};
	struct fl_store *st = *state;
	struct fl_diag d;
	struct rows r;
	size_t i;
	int q;

	assert_int_equal(fl_store_begin(st), FL_OK);
	for (i = 0; i < N(bad); i++) {
		fl_diag_clear(&d);
		q = -1;
		assert_int_not_equal(fl_notify_enqueue(st, &bad[i], &q, &d), FL_OK);
		assert_int_equal(q, 0);
		assert_true(d.msg[0] != '\0');
	}
	list_messages(st, &r, "id", NULL, NULL, NULL);
	assert_int_equal(r.n, 0);
	fl_store_rollback(st);
}

static void
test_dedup(void **state)
{
	struct fl_store *st = *state;
	struct fl_notice n = {"clock.warning", "incident:IR-3", "high",
			      "75% of the DORA initial clock", "b", NULL,
			      "clock:IR-3:dora.initial:75"};
	struct fl_diag d;
	struct rows r;
	int q;

	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	assert_int_equal(q, 1);
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	assert_int_equal(q, 0);
	n.dedup = "clock:IR-3:dora.initial:100";
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	assert_int_equal(q, 1);
	list_messages(st, &r, "id", NULL, NULL, NULL);
	assert_int_equal(r.n, 2);
	assert_int_equal(fl_store_commit(st), FL_OK);
}

/* One attempt at t: claim and record; returns the status. */
static const char *
attempt(struct fl_store *st, long long id, time_t t, int ok, char *next)
{
	const char *status = NULL;
	struct fl_diag d;
	int claimed = 0;

	fl_diag_clear(&d);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_claim(st, id, t, "iso@example.org", &claimed,
					 &d), FL_OK);
	assert_int_equal(claimed, 1);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_record(st, id, t, ok, 0,
					  ok ? "250 ok" : "connection refused",
					  &status, next, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	return status;
}

static void
test_retry_schedule(void **state)
{
	/* each failed attempt moves the next one by the backoff; the
	 * third is the last (notify.max_attempts 3) */
	static const struct {
		const char *at, *status, *next;
	} cases[] = {
		{"2026-03-02T10:00:00Z", "pending", "2026-03-02T10:01:00Z"},
		{"2026-03-02T10:01:00Z", "pending", "2026-03-02T10:06:00Z"},
		{"2026-03-02T10:06:00Z", "failed", ""},
	};
	struct fl_store *st = *state;
	struct fl_notice n = {"risk.escalated", "risk:R-0001", "high", "s", "b",
			      NULL, NULL};
	long long ids[4];
	struct fl_diag d;
	struct rows r;
	size_t i, nids;
	char next[21];
	time_t t;
	int q, claimed, changed;

	/* queued at 10:00 */
	setenv("FIRSTLINE_NOW", "2026-03-02T10:00:00Z", 1);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_setting_set(st, "notify.max_attempts", "3",
					       &changed, &d), FL_OK);
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	unsetenv("FIRSTLINE_NOW");
	for (i = 0; i < N(cases); i++) {
		assert_int_equal(fl_time_parse(cases[i].at, &t), 0);
		/* due exactly then, not a second before */
		assert_int_equal(fl_notify_due(st, t - 1, ids, 4, &nids, &d),
				 FL_OK);
		assert_int_equal(nids, 0);
		assert_int_equal(fl_notify_due(st, t, ids, 4, &nids, &d), FL_OK);
		assert_int_equal(nids, 1);
		assert_string_equal(attempt(st, ids[0], t, 0, next),
				    cases[i].status);
		assert_string_equal(next, cases[i].next);
	}
	/* failed: not due, not claimable */
	assert_int_equal(fl_notify_due(st, t + 86400, ids, 4, &nids, &d), FL_OK);
	assert_int_equal(nids, 0);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_claim(st, 1, t + 86400, NULL, &claimed, &d),
			 FL_OK);
	assert_int_equal(claimed, 0);
	/* retry: due at once, the limit starts over */
	assert_int_equal(fl_notify_retry(st, 1, t + 86400, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_string_equal(attempt(st, 1, t + 86400, 0, next), "pending");
	assert_string_equal(attempt(st, 1, t + 86400 + 60, 1, next), "delivered");
	list_messages(st, &r, "status", "attempts", "delivered_at",
		      "next_attempt_at");
	assert_string_equal(r.v[0][0], "delivered");
	assert_string_equal(r.v[0][1], "5");
	assert_string_equal(r.v[0][2], "2026-03-03T10:07:00Z");
	assert_string_equal(r.v[0][3], "(null)");
	/* delivered: retry refused */
	fl_diag_clear(&d);
	assert_int_equal(fl_notify_retry(st, 1, t, &d), FL_E_INVAL);
	assert_int_equal(fl_notify_retry(st, 99, t, &d), FL_E_NOTFOUND);
}

static void
test_timeline(void **state)
{
	static const char *const want[][2] = {
		{"2026-03-02T10:00:00Z", "queued"},
		{"2026-03-02T10:00:00Z", "attempt"},
		{"2026-03-02T10:01:00Z", "delivered"},
	};
	struct fl_store *st = *state;
	struct fl_notice n = {"incident.major", "incident:IR-5", "critical",
			      "Major", "b", NULL, NULL};
	struct fl_diag d;
	struct rows r;
	char next[21];
	time_t t;
	size_t i;
	int q;

	setenv("FIRSTLINE_NOW", "2026-03-02T10:00:00Z", 1);
	assert_int_equal(fl_time_parse("2026-03-02T10:00:00Z", &t), 0);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_notify_enqueue(st, &n, &q, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	unsetenv("FIRSTLINE_NOW");
	assert_string_equal(attempt(st, 1, t, 0, next), "pending");
	assert_string_equal(attempt(st, 1, t + 60, 1, next), "delivered");
	memset(&r, 0, sizeof r);
	r.fields[0] = "at";
	r.fields[1] = "kind";
	r.fields[2] = "detail";
	r.fields[3] = "channel";
	assert_int_equal(fl_notify_for_ref(st, "incident:IR-5", rows_add, &r, &d),
			 FL_OK);
	assert_int_equal(r.n, (int)N(want));
	for (i = 0; i < N(want); i++) {
		assert_string_equal(r.v[i][0], want[i][0]);
		assert_string_equal(r.v[i][1], want[i][1]);
		assert_string_equal(r.v[i][3], "mail");
	}
	assert_string_equal(r.v[1][2], "connection refused");
	assert_string_equal(r.v[2][2], "250 ok");
	/* another reference sees none of it */
	memset(&r, 0, sizeof r);
	r.fields[0] = "at";
	assert_int_equal(fl_notify_for_ref(st, "incident:IR-6", rows_add, &r, &d),
			 FL_OK);
	assert_int_equal(r.n, 0);
}

static void
test_settings(void **state)
{
	static const struct {
		const char *key, *value;
		fl_err want;
	} cases[] = {
		{"notify.smtp.url", "smtp://mail.example.org:587", FL_OK},
		{"notify.smtp.url", "smtps://mail.example.org", FL_OK},
		{"notify.smtp.url", "smtp://[::1]:2525", FL_OK},
		{"notify.smtp.url", "smtp://user:pw@mail.example.org", FL_E_INVAL},
		{"notify.smtp.url", "http://mail.example.org", FL_E_INVAL},
		{"notify.smtp.url", "smtp://mail.example.org:0", FL_E_INVAL},
		{"notify.smtp.url", "smtp://mail.example.org:", FL_E_INVAL},
		{"notify.smtp.url", "smtp://mail.example.org:99999", FL_E_INVAL},
		{"notify.smtp.url", "smtp://host\r\n", FL_E_INVAL},
		{"notify.smtp.from", "firstline <itso@example.org>", FL_OK},
		{"notify.smtp.from", "itso@example.org", FL_OK},
		{"notify.smtp.from", "a@b\r\nBcc: x@y", FL_E_INVAL},
		{"notify.smtp.from", "\"x\" <a@b>", FL_E_INVAL},
		{"notify.smtp.starttls", "require", FL_OK},
		{"notify.smtp.starttls", "maybe", FL_E_INVAL},
		{"notify.smtp.cafile", "/etc/ssl/ca.pem", FL_OK},
		{"notify.smtp.cafile", "ca.pem", FL_E_INVAL},
		{"notify.timeout", "30", FL_OK},
		{"notify.timeout", "0", FL_E_INVAL},
		{"notify.max_attempts", "1001", FL_E_INVAL},
		{"notify.iso", "iso@example.org", FL_OK},
		{"notify.iso", "iso", FL_E_INVAL},
		{"notify.boss", "b@example.org", FL_E_INVAL},
		{"notify.smtp.password", "secret", FL_E_INVAL},
	};
	struct fl_store *st = *state;
	struct fl_diag d;
	size_t i;
	int changed;

	assert_int_equal(fl_store_begin(st), FL_OK);
	for (i = 0; i < N(cases); i++) {
		fl_diag_clear(&d);
		assert_int_equal(fl_notify_setting_set(st, cases[i].key,
						       cases[i].value, &changed,
						       &d),
				 cases[i].want);
	}
	/* the same value again changes nothing; clearing does */
	assert_int_equal(fl_notify_setting_set(st, "notify.timeout", "30",
					       &changed, &d), FL_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(fl_notify_setting_set(st, "notify.timeout", NULL,
					       &changed, &d), FL_OK);
	assert_int_equal(changed, 1);
	fl_store_rollback(st);
}

static void
test_webhook_rules(void **state)
{
	static const struct {
		const char *name, *url, *ref;
		fl_err want;
	} cases[] = {
		{"soc", "https://soc.example.org/hook", "env:SOC_KEY", FL_OK},
		{"soc-2", "http://127.0.0.1:8080/x?y=1", NULL, FL_OK},
		{"files", "https://x.example.org", "file:/etc/firstline/key", FL_OK},
		{"bad name", "https://x.example.org", NULL, FL_E_INVAL},
		{"creds", "https://u:p@x.example.org/", NULL, FL_E_INVAL},
		{"scheme", "ftp://x.example.org/", NULL, FL_E_INVAL},
		{"ref", "https://x.example.org", "SOC_KEY", FL_E_INVAL},
		{"ref2", "https://x.example.org", "env:soc key", FL_E_INVAL},
		{"ref3", "https://x.example.org", "file:relative", FL_E_INVAL},
	};
	struct fl_notify_route_in r = {"incident.*", NULL, "webhook", "nope"};
	struct fl_store *st = *state;
	struct fl_diag d;
	long long id, kept;
	size_t i;
	int replaced;

	assert_int_equal(fl_store_begin(st), FL_OK);
	for (i = 0; i < N(cases); i++) {
		fl_diag_clear(&d);
		assert_int_equal(fl_notify_webhook_add(st, cases[i].name,
						       cases[i].url, cases[i].ref,
						       &replaced, &d),
				 cases[i].want);
	}
	/* a route needs an existing webhook; rm refuses while one uses it */
	assert_int_equal(fl_notify_route_add(st, &r, &id, &d), FL_E_NOTFOUND);
	r.target = "soc";
	assert_int_equal(fl_notify_route_add(st, &r, &id, &d), FL_OK);
	kept = id;
	assert_int_equal(fl_notify_route_add(st, &r, &id, &d), FL_E_INVAL);
	assert_int_equal(id, 0);
	assert_int_equal(fl_notify_webhook_rm(st, "soc", &d), FL_E_INVAL);
	assert_int_equal(fl_notify_route_rm(st, kept, &d), FL_OK);
	assert_int_equal(fl_notify_route_rm(st, kept, &d), FL_E_NOTFOUND);
	assert_int_equal(fl_notify_webhook_rm(st, "soc", &d), FL_OK);
	assert_int_equal(fl_notify_webhook_rm(st, "soc", &d), FL_E_NOTFOUND);
	fl_store_rollback(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_event_match),
		cmocka_unit_test(test_pattern_valid),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_level_severity),
		cmocka_unit_test(test_mail_date),
		cmocka_unit_test(test_mail_addr),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_subject_refused),
		cmocka_unit_test(test_subject_long),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_body_long_lines),
		cmocka_unit_test(test_mail_format),
		cmocka_unit_test(test_mail_injection),
		cmocka_unit_test(test_hmac),
		cmocka_unit_test(test_webhook_body),
		cmocka_unit_test(test_secret_read),
		cmocka_unit_test_setup_teardown(test_enqueue_default_iso,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_enqueue_routes, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_enqueue_refused, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_dedup, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_retry_schedule, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_timeline, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_settings, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_webhook_rules, db_setup,
						db_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
