/*
 * input: input discovery for detection (see input.h for the rules): the
 * walk over files, directories and standard input, and the sniffing of a
 * file's format from its first bytes.
 *
 * A file is opened once and handed to the callback open, so what was
 * sniffed is what is read (no second open that could find another file).
 * Sniffing a regular file uses pread(), which leaves the offset where the
 * reader starts; a pipe cannot be read twice, so its first bytes go to the
 * callback with the descriptor, for the reader to read first.  A pipe is
 * read only until its format is decided (its first line), so a live
 * stream (tail -f | firstline detect tail -) is not held up.
 *
 * Memory: one head buffer for the whole walk, and per directory level the
 * names of that directory (sorted before they are visited).
 */
#include "detect/input.h"
#include "event_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* What decides a plain file: its first line or object, well within 4 KiB
 * but for the longest first lines. */
#define PLAIN_HEAD ((size_t)4096)
/* A compressed head: zstd decodes a block only once it has it whole, and a
 * block takes up to 128 KiB. */
#define HEAD_MAX ((size_t)192 << 10)
#define MAX_DEPTH 64

struct walk {
	fl_input_cb cb;
	void *ctx;
	int fmt;
	int stopped;
	unsigned char *head;    /* HEAD_MAX bytes */
	dev_t dev[MAX_DEPTH];   /* the directories on the way down */
	ino_t ino[MAX_DEPTH];
	int depth;
};

/* ---- sniffing ---------------------------------------------------------- */

static int
pfx(const unsigned char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(p, lit, l) == 0;
}

/* "type=" or "node=NAME type=" at the start of the line p[0, n). */
static int
audit_line(const unsigned char *p, size_t n)
{
	size_t i = 5;

	if (pfx(p, n, "type="))
		return 1;
	if (!pfx(p, n, "node="))
		return 0;
	while (i < n && p[i] != ' ' && p[i] != '\t')
		i++;
	if (i == 5)
		return 0;
	while (i < n && p[i] == ' ')
		i++;
	return pfx(p + i, n - i, "type=");
}

/* The format of plain bytes; *decided: more bytes could not change it. */
static enum fl_format
sniff_plain(const unsigned char *p, size_t n, int *decided)
{
	size_t i = 0;

	*decided = 1;
	if (n >= 8 && memcmp(p, "ElfFile", 8) == 0)
		return FL_FMT_EVTX;
	if (n < 8 && memcmp(p, "ElfFile", n) == 0 && n > 0)
		*decided = 0;
	if (pfx(p, n, "\xEF\xBB\xBF"))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
			 p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{')
		return FL_FMT_JSON;
	/* the first line that says something: from its start again, since
	   the blanks skipped may have been on it */
	for (i = pfx(p, n, "\xEF\xBB\xBF") ? 3 : 0; i < n;) {
		const unsigned char *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) : n, s = i;

		while (s < e && (p[s] == ' ' || p[s] == '\t' || p[s] == '\r'))
			s++;
		i = e + 1;
		if (s == e && nl)
			continue; /* blank */
		if (nl && (pfx(p + s, e - s, "----") ||
			   pfx(p + s, e - s, "time->")))
			continue; /* ausearch's separators */
		if (nl == NULL && e - s < 64 && n < PLAIN_HEAD)
			*decided = 0; /* "node=" may be cut short */
		return audit_line(p + s, e - s) ? FL_FMT_AUDITD : FL_FMT_SYSLOG;
	}
	*decided = n >= PLAIN_HEAD;
	return FL_FMT_SYSLOG;
}

static enum fl_format
sniff(const void *head, size_t n, int *compressed, int *decided)
{
	unsigned char plain[PLAIN_HEAD];
	int kind = fl_z_kind(head, n);
	size_t m;

	if (compressed)
		*compressed = kind;
	if (kind == FL_Z_NONE) {
		enum fl_format f = sniff_plain(head, n, decided);

		if (n < 4 && f != FL_FMT_JSON)
			*decided = 0; /* a magic may be cut short */
		return f;
	}
	m = fl_z_head(head, n, plain, sizeof plain);
	return sniff_plain(plain, m, decided);
}

enum fl_format
fl_input_sniff(const void *head, size_t n, int *compressed)
{
	int decided;

	return sniff(head, n, compressed, &decided);
}

int
fl_input_format(const char *name, enum fl_format *out)
{
	static const struct {
		const char *name;
		enum fl_format fmt;
	} t[] = {{"json", FL_FMT_JSON}, {"jsonl", FL_FMT_JSON},
		 {"syslog", FL_FMT_SYSLOG}, {"evtx", FL_FMT_EVTX},
		 {"auditd", FL_FMT_AUDITD}};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0) {
			*out = t[i].fmt;
			return 0;
		}
	return -1;
}

/* ---- the walk ---------------------------------------------------------- */

static void
call(struct walk *w, const struct fl_input *in)
{
	struct fl_input c = *in;

	c.below_dir = w->depth > 0;
	if (w->cb(w->ctx, &c) != 0)
		w->stopped = 1;
}

static void
skip(struct walk *w, const char *path, fl_err err, const char *why,
     int errnum)
{
	struct fl_diag d;
	struct fl_input in;

	if (errnum)
		fl_diag_set(&d, err, path, 0, 0, "%s: %s", why,
			    strerror(errnum));
	else
		fl_diag_set(&d, err, path, 0, 0, "%s", why);
	memset(&in, 0, sizeof in);
	in.path = path;
	in.fd = -1;
	in.fmt = FL_FMT_SYSLOG;
	in.err = err;
	in.why = &d;
	call(w, &in);
}

/* The head of a regular file, from its current offset, without moving
 * it: 4 KiB, or more when the file is compressed.  -1 on a read error. */
static long
head_file(struct walk *w, int fd)
{
	off_t at = lseek(fd, 0, SEEK_CUR);
	size_t n = 0, want = PLAIN_HEAD;
	ssize_t got;

	if (at < 0)
		at = 0;
	for (;;) {
		do
			got = pread(fd, w->head + n, want - n, at + (off_t)n);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		n += (size_t)got;
		if (got == 0 || n == want) {
			if (got == 0 || want == HEAD_MAX ||
			    fl_z_kind(w->head, n) == FL_Z_NONE)
				return (long)n;
			want = HEAD_MAX;
		}
	}
}

/* The head of a pipe: read until its format is decided. */
static long
head_pipe(struct walk *w, int fd)
{
	size_t n = 0;
	ssize_t got;
	int decided = 0;

	while (n < HEAD_MAX) {
		do
			got = read(fd, w->head + n, HEAD_MAX - n);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		n += (size_t)got;
		(void)sniff(w->head, n, NULL, &decided);
		if (decided)
			break;
	}
	return (long)n;
}

/* An open input: sniff it and hand it over.  PIPE: it cannot be read
 * twice. */
static void
visit(struct walk *w, const char *path, int fd, int pipe)
{
	struct fl_input in;
	long n = pipe ? head_pipe(w, fd) : head_file(w, fd);
	int kind, decided;

	if (n < 0) {
		skip(w, path, FL_E_IO, "read", errno);
		return;
	}
	memset(&in, 0, sizeof in);
	in.path = path;
	in.fd = fd;
	in.fmt = sniff(w->head, (size_t)n, &kind, &decided);
	in.compressed = kind;
	if (w->fmt != FL_INPUT_SNIFF)
		in.fmt = (enum fl_format)w->fmt;
	if (pipe) {
		in.head = w->head;
		in.head_n = (size_t)n;
	}
	call(w, &in);
}

static fl_err walk_path(struct walk *w, const char *path, int top);

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static fl_err
walk_dir(struct walk *w, const char *path, const struct stat *sb)
{
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, plen = strlen(path);
	fl_err rc = FL_OK;
	int k;

	for (k = 0; k < w->depth; k++)
		if (w->dev[k] == sb->st_dev && w->ino[k] == sb->st_ino) {
			skip(w, path, FL_E_INVAL,
			     "directory inside itself: not entered", 0);
			return FL_OK;
		}
	if (w->depth == MAX_DEPTH) {
		skip(w, path, FL_E_INVAL, "directories nested too deep", 0);
		return FL_OK;
	}
	if ((dir = opendir(path)) == NULL) {
		skip(w, path, FL_E_NOINPUT, "cannot open directory", errno);
		return FL_OK;
	}
	for (;;) {
		errno = 0;
		if ((e = readdir(dir)) == NULL)
			break;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof *nn)) == NULL) {
				rc = FL_E_NOMEM;
				break;
			}
			names = nn;
		}
		if ((names[n] = fl_strdup(e->d_name)) == NULL) {
			rc = FL_E_NOMEM;
			break;
		}
		n++;
	}
	if (rc == FL_OK && errno != 0)
		skip(w, path, FL_E_IO, "cannot read directory", errno);
	closedir(dir);
	if (rc == FL_OK)
		qsort(names, n, sizeof *names, name_cmp);
	w->dev[w->depth] = sb->st_dev;
	w->ino[w->depth] = sb->st_ino;
	w->depth++;
	for (i = 0; rc == FL_OK && i < n && !w->stopped; i++) {
		size_t len = plen + 1 + strlen(names[i]) + 1;
		char *child = malloc(len);

		if (child == NULL) {
			rc = FL_E_NOMEM;
			break;
		}
		/* "dir/" given by the user: no second slash */
		snprintf(child, len, "%s%s%s", path,
			 plen && path[plen - 1] == '/' ? "" : "/", names[i]);
		if (strlen(child) >= PATH_MAX)
			skip(w, child, FL_E_INVAL, "path too long", 0);
		else
			rc = walk_path(w, child, 0);
		free(child);
	}
	w->depth--;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static fl_err
walk_path(struct walk *w, const char *path, int top)
{
	struct stat sb;
	int fd;

	if (top && strcmp(path, "-") == 0) {
		if (fstat(0, &sb) != 0) {
			skip(w, path, FL_E_NOINPUT, "standard input", errno);
			return FL_OK;
		}
		if (S_ISDIR(sb.st_mode)) {
			skip(w, path, FL_E_INVAL,
			     "standard input is a directory", 0);
			return FL_OK;
		}
		visit(w, path, 0, !S_ISREG(sb.st_mode));
		return FL_OK;
	}
	/* below a directory a link is looked at, not followed blindly */
	if ((top ? stat(path, &sb) : lstat(path, &sb)) != 0) {
		skip(w, path, FL_E_NOINPUT, "cannot read", errno);
		return FL_OK;
	}
	if (S_ISLNK(sb.st_mode)) {
		if (stat(path, &sb) != 0) {
			skip(w, path, FL_E_NOINPUT, "broken symbolic link",
			     errno);
			return FL_OK;
		}
		if (S_ISDIR(sb.st_mode)) {
			skip(w, path, FL_E_INVAL,
			     "symbolic link to a directory: not followed", 0);
			return FL_OK;
		}
	}
	if (S_ISDIR(sb.st_mode))
		return walk_dir(w, path, &sb);
	if (!top && !S_ISREG(sb.st_mode)) {
		skip(w, path, FL_E_INVAL, "not a regular file", 0);
		return FL_OK;
	}
	/* O_NONBLOCK: a file swapped for a FIFO since lstat() must not hang
	   the walk; a FIFO named on the command line is waited for */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | (top ? 0 : O_NONBLOCK))) <
	    0) {
		skip(w, path, FL_E_NOINPUT, "cannot open", errno);
		return FL_OK;
	}
	if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode) ||
	    (!top && !S_ISREG(sb.st_mode))) {
		skip(w, path, FL_E_INVAL, "changed while it was looked at", 0);
		close(fd);
		return FL_OK;
	}
	if (!top)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	visit(w, path, fd, !S_ISREG(sb.st_mode));
	close(fd);
	return FL_OK;
}

fl_err
fl_input_walk(const char *const *paths, size_t n, int fmt, fl_input_cb cb,
	      void *ctx, int *stopped, struct fl_diag *d)
{
	struct walk w;
	fl_err rc = FL_OK;
	size_t i;

	memset(&w, 0, sizeof w);
	w.cb = cb;
	w.ctx = ctx;
	w.fmt = fmt;
	if ((w.head = malloc(HEAD_MAX)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	for (i = 0; i < n && rc == FL_OK && !w.stopped; i++)
		rc = walk_path(&w, paths[i], 1);
	free(w.head);
	if (stopped)
		*stopped = w.stopped;
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "out of memory");
	return FL_OK;
}
