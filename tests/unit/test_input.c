/*
 * test_input: input discovery.  Sniffing by table (EVTX magic, JSON after
 * a BOM and blanks, auditd with and without node= and after ausearch's
 * separators, syslog for the rest, and each of them inside gzip and
 * zstd).  The walk over a tree made here in a temporary directory: name
 * order, recursion, a symbolic link to a file followed, links to
 * directories (one a loop) and a broken link skipped with the reason, a
 * FIFO skipped, a missing path reported, a forced format, a callback that
 * stops the walk; every file handed over is read to its end by the reader
 * from the descriptor given, so the sniffing must leave it at its start.
 * Standard input: a pipe (its head handed over) and a regular file read
 * from its current offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "detect/input.h"
#include "util/util.h"

static const char *const fmt_names[] = {"json", "syslog", "evtx", "auditd"};

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

static const char audit_txt[] =
    "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59\n"
    "type=EXECVE msg=audit(1.000:1): argc=1 a0=\"ls\"\n"
    "type=CWD msg=audit(2.000:2): cwd=\"/\"\n";
static const char json_txt[] =
    "{\"EventID\": 1}\n{\"EventID\": 2}\n{\"EventID\": 3}\n";
static const char syslog_txt[] =
    "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user x from 1.2.3.4\n";

struct scase {
	const char *name, *in;
	size_t n;
	int pack;       /* 0 plain, 1 gzip, 2 zstd */
	enum fl_format want;
};

#define S(s) s, sizeof(s) - 1
static const struct scase scases[] = {
	{"evtx magic", S("ElfFile\0\0\0\0\0\0\0\0"), 0, FL_FMT_EVTX},
	{"json after BOM and blanks", S("\xEF\xBB\xBF \r\n\t{\"a\": 1}"), 0,
	 FL_FMT_JSON},
	{"json pretty", S("\n\n{\n  \"Event\": {}\n}\n"), 0, FL_FMT_JSON},
	{"auditd", S(audit_txt), 0, FL_FMT_AUDITD},
	{"auditd with node", S("node=web-1.example type=USER_LOGIN msg=audit("
			       "1.000:1): res=failed\n"), 0, FL_FMT_AUDITD},
	{"auditd after ausearch separators",
	 S("----\ntime->Thu Mar 28 10:36:03 2013\ntype=PATH msg=audit(1.0:1):"
	   " name=\"/a\"\n"), 0, FL_FMT_AUDITD},
	{"auditd after blank lines and a BOM", S("\xEF\xBB\xBF\n  \ntype=CWD"),
	 0, FL_FMT_AUDITD},
	{"syslog", S(syslog_txt), 0, FL_FMT_SYSLOG},
	{"syslog, a type= later", S("Dec 10 06:55:46 h p: x\ntype=CWD\n"), 0,
	 FL_FMT_SYSLOG},
	{"empty node=", S("node= type=CWD msg=audit(1.0:1):\n"), 0,
	 FL_FMT_SYSLOG},
	{"nodes=", S("nodes=a type=CWD\n"), 0, FL_FMT_SYSLOG},
	{"empty", S(""), 0, FL_FMT_SYSLOG},
	{"[ is not json", S("[{\"a\": 1}]"), 0, FL_FMT_SYSLOG},
	{"gzip auditd", S(audit_txt), 1, FL_FMT_AUDITD},
	{"gzip json", S(json_txt), 1, FL_FMT_JSON},
	{"gzip evtx", S("ElfFile\0\0\0\0\0\0\0\0\0\0\0\0"), 1, FL_FMT_EVTX},
	{"zstd json", S(json_txt), 2, FL_FMT_JSON},
	{"zstd syslog", S(syslog_txt), 2, FL_FMT_SYSLOG},
	{"zstd auditd", S(audit_txt), 2, FL_FMT_AUDITD},
};
#undef S

static void
test_sniff(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof scases / sizeof scases[0]; i++) {
		const struct scase *c = &scases[i];
		struct fl_buf b;
		int comp = -1;
		enum fl_format f;

		fl_buf_init(&b, 1 << 20);
		if (c->pack == 1)
			gz(&b, c->in, c->n);
		else if (c->pack == 2)
			zst(&b, c->in, c->n);
		else
			fl_buf_append(&b, c->in, c->n);
		f = fl_input_sniff(b.data, b.len, &comp);
		if (f != c->want || comp != c->pack)
			print_error("case '%s': got %s/%d\n", c->name,
				    fmt_names[f], comp);
		assert_int_equal(f, c->want);
		assert_int_equal(comp, c->pack);
		fl_buf_release(&b);
	}
}

static void
test_format_names(void **state)
{
	enum fl_format f;

	(void)state;
	assert_int_equal(fl_input_format("jsonl", &f), 0);
	assert_int_equal(f, FL_FMT_JSON);
	assert_int_equal(fl_input_format("auditd", &f), 0);
	assert_int_equal(f, FL_FMT_AUDITD);
	assert_int_equal(fl_input_format("evtx", &f), 0);
	assert_int_equal(f, FL_FMT_EVTX);
	assert_int_equal(fl_input_format("syslog", &f), 0);
	assert_int_equal(f, FL_FMT_SYSLOG);
	assert_int_equal(fl_input_format("csv", &f), -1);
}

/* ---- the walk ---------------------------------------------------------- */

struct seen {
	struct fl_buf out;
	const char *root;   /* replaced by ROOT in the rendering */
	int stop_after;     /* 0: never */
	int calls;
};

/* One line per input: "PATH FORMAT COMPRESSED events=N" or
 * "PATH skip: WHY"; each input is read to its end. */
static int
collect(void *ctx, const struct fl_input *in)
{
	struct seen *s = ctx;
	const char *p = in->path;
	size_t rl = strlen(s->root);

	if (strncmp(p, s->root, rl) == 0) {
		fl_buf_puts(&s->out, "ROOT");
		p += rl;
	}
	fl_buf_puts(&s->out, p);
	if (in->err != FL_OK) {
		assert_int_equal(in->fd, -1);
		fl_buf_printf(&s->out, " skip: %s\n", in->why->msg);
	} else {
		struct fl_reader_opts o;
		struct fl_reader *r;
		struct fl_event ev;
		struct fl_diag d;
		enum fl_read rc;
		int events = 0, bad = 0;

		memset(&o, 0, sizeof o);
		o.year = 2015;
		o.head = in->head;
		o.head_n = in->head_n;
		assert_int_equal(fl_reader_open_fd(in->fmt, in->fd, in->path,
						   NULL, &o, &r, &d), FL_OK);
		while ((rc = fl_reader_next(r, &ev, &d)) == FL_READ_OK ||
		       rc == FL_READ_BAD)
			rc == FL_READ_OK ? events++ : bad++;
		fl_reader_close(r);
		fl_buf_printf(&s->out, " %s %d events=%d%s%s\n",
			      fmt_names[in->fmt], in->compressed, events,
			      bad ? " bad" : "",
			      rc == FL_READ_FATAL ? " fatal" : "");
	}
	s->calls++;
	return s->stop_after && s->calls >= s->stop_after;
}

static char root[64];

static void
put(const char *rel, const void *p, size_t n)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static void
mk(const char *rel, int kind, const char *target)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	if (kind == 'd')
		assert_int_equal(mkdir(path, 0755), 0);
	else if (kind == 'l')
		assert_int_equal(symlink(target, path), 0);
	else
		assert_int_equal(mkfifo(path, 0644), 0);
}

static int
setup_tree(void **state)
{
	struct fl_buf b;

	(void)state;
	snprintf(root, sizeof root, "/tmp/fl-input-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	fl_buf_init(&b, 1 << 20);
	put("a.audit", audit_txt, sizeof audit_txt - 1);
	mk("b", 'd', NULL);
	put("b/z.log", syslog_txt, sizeof syslog_txt - 1);
	put("b/a.json", json_txt, sizeof json_txt - 1);
	mk("b/c", 'd', NULL);
	put("b/c/deep.log", syslog_txt, sizeof syslog_txt - 1);
	gz(&b, json_txt, sizeof json_txt - 1);
	put("c.gz", b.data, b.len);
	fl_buf_reset(&b);
	zst(&b, audit_txt, sizeof audit_txt - 1);
	put("d.zst", b.data, b.len);
	put("empty", "", 0);
	mk("fifo", 'f', NULL);
	mk("link-file", 'l', "a.audit");
	mk("link-to-b", 'l', "b");
	mk("loop", 'l', ".");
	mk("missing-link", 'l', "nowhere");
	/* gzip that says json and then stops short */
	fl_buf_reset(&b);
	gz(&b, json_txt, sizeof json_txt - 1);
	b.len -= 8; /* the trailer: every event, then the error */
	put("x-broken.gz", b.data, b.len);
	fl_buf_release(&b);
	return 0;
}

static int
teardown_tree(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
walk(const char *const *paths, size_t n, int fmt, int stop_after,
     const char *want)
{
	struct seen s;
	struct fl_diag d;
	int stopped = -1;

	memset(&s, 0, sizeof s);
	fl_buf_init(&s.out, 1 << 20);
	s.root = root;
	s.stop_after = stop_after;
	assert_int_equal(fl_input_walk(paths, n, fmt, collect, &s, &stopped,
				       &d), FL_OK);
	assert_int_equal(stopped, stop_after ? 1 : 0);
	if (strcmp(fl_buf_str(&s.out), want) != 0)
		print_error("got:\n%s", fl_buf_str(&s.out));
	assert_string_equal(fl_buf_str(&s.out), want);
	fl_buf_release(&s.out);
}

static void
test_walk(void **state)
{
	const char *paths[] = {root, "/nonexistent-fl-input"};

	(void)state;
	walk(paths, 2, FL_INPUT_SNIFF, 0,
	     "ROOT/a.audit auditd 0 events=2\n"
	     "ROOT/b/a.json json 0 events=3\n"
	     "ROOT/b/c/deep.log syslog 0 events=1\n"
	     "ROOT/b/z.log syslog 0 events=1\n"
	     "ROOT/c.gz json 1 events=3\n"
	     "ROOT/d.zst auditd 2 events=2\n"
	     "ROOT/empty syslog 0 events=0\n"
	     "ROOT/fifo skip: not a regular file\n"
	     "ROOT/link-file auditd 0 events=2\n"
	     "ROOT/link-to-b skip: symbolic link to a directory: not "
	     "followed\n"
	     "ROOT/loop skip: symbolic link to a directory: not followed\n"
	     "ROOT/missing-link skip: broken symbolic link: No such file or "
	     "directory\n"
	     "ROOT/x-broken.gz json 1 events=3 fatal\n"
	     "/nonexistent-fl-input skip: cannot read: No such file or "
	     "directory\n");
}

/* A trailing slash, a file named directly, a link named directly (it is
 * followed: the user named it), a forced format. */
static void
test_walk_named(void **state)
{
	char b[128], link[128], file[128];
	const char *paths[3] = {b, link, file};

	(void)state;
	snprintf(b, sizeof b, "%s/b/", root);
	snprintf(link, sizeof link, "%s/link-to-b", root);
	snprintf(file, sizeof file, "%s/c.gz", root);
	walk(paths, 3, FL_INPUT_SNIFF, 0,
	     "ROOT/b/a.json json 0 events=3\n"
	     "ROOT/b/c/deep.log syslog 0 events=1\n"
	     "ROOT/b/z.log syslog 0 events=1\n"
	     "ROOT/link-to-b/a.json json 0 events=3\n"
	     "ROOT/link-to-b/c/deep.log syslog 0 events=1\n"
	     "ROOT/link-to-b/z.log syslog 0 events=1\n"
	     "ROOT/c.gz json 1 events=3\n");
	walk(paths + 2, 1, FL_FMT_SYSLOG, 0,
	     "ROOT/c.gz syslog 1 events=0 bad\n");
	walk(paths, 1, FL_INPUT_SNIFF, 2,
	     "ROOT/b/a.json json 0 events=3\n"
	     "ROOT/b/c/deep.log syslog 0 events=1\n");
}

/* Standard input: a pipe of zstd auditd (its head is handed over), then
 * a regular file read from where its offset stands. */
static void
test_stdin(void **state)
{
	const char *paths[] = {"-"};
	struct fl_buf b;
	int saved = dup(0), p[2], fd;
	char path[128];

	(void)state;
	assert_true(saved >= 0);
	fl_buf_init(&b, 1 << 20);
	zst(&b, audit_txt, sizeof audit_txt - 1);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], b.data, b.len), (ssize_t)b.len);
	close(p[1]);
	assert_int_equal(dup2(p[0], 0), 0);
	close(p[0]);
	walk(paths, 1, FL_INPUT_SNIFF, 0, "- auditd 2 events=2\n");

	snprintf(path, sizeof path, "%s/a.audit", root);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	/* past the first event: the second is what is left */
	assert_int_equal(lseek(fd, 105, SEEK_SET), 105);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	walk(paths, 1, FL_INPUT_SNIFF, 0, "- auditd 0 events=1\n");
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	fl_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_named),
		cmocka_unit_test(test_stdin),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
