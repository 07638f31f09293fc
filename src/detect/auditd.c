/*
 * auditd: the Linux audit raw log reader (audit.log as auditd writes it,
 * RAW or ENRICHED, and ausearch's output of it).
 *
 * A record is one line: "[node=HOST ]type=TYPE msg=audit(SECS.MSEC:SERIAL):
 * key=value ...".  The kernel writes the records of one event (SYSCALL,
 * EXECVE, CWD, PATH..., PROCTITLE, EOE) one after the other under the same
 * stamp, so one event is a run of consecutive lines with the same node and
 * stamp: it ends at an EOE record, at a line with another stamp or node, at
 * a blank line and at a line that is not a record.  Its fields are every
 * record's key=value pairs in order, so a name that several records carry
 * (name and nametype of each PATH) repeats as a JSON array does; the record
 * types are the repeated field "type", and "node" is a field once.
 *
 * Values as Sigma's auditd rules (and ausearch -i) read them:
 *  - "quoted" and 'quoted' values lose their quotes;
 *  - the fields the kernel hex-encodes when they hold a blank, a quote or a
 *    control byte (acct, cmd, comm, cwd, data, dir, exe, file, key, name,
 *    ocomm, path, proctitle, and an EXECVE record's a0..aN) are decoded
 *    when they are unquoted hex; a NUL becomes a space (proctitle's
 *    argument separator; trailing NULs are dropped); a decoded value that
 *    is not UTF-8 keeps its hex text;
 *  - an argument too long for one record (a1_len=N a1[0]=.. a1[1]=..) is
 *    joined into one a1 field (its bytes that are not UTF-8 become '?');
 *  - a key that holds several rule keys (hex, separated by 0x01) gives one
 *    key field per rule key;
 *  - a user-space record's msg='op=login acct="root" res=failed' is
 *    flattened into its own key=value pairs;
 *  - the ENRICHED part after 0x1d (ARCH=x86_64 SYSCALL=openat AUID="root")
 *    keeps its upper-case names; a RAW SYSCALL record gets ARCH and SYSCALL
 *    from its arch and syscall numbers (x86_64, i386, aarch64), so rules
 *    written against ENRICHED logs (SYSCALL: 'execve') match both;
 *  - words that are not key=value (an AVC's "avc:  denied  { read } for")
 *    are skipped.
 * The event's time is the stamp's, its host the node, its record the line
 * of its first record.
 *
 * Memory: the lines of one event stay in the input window until the event
 * is returned, so an event is bounded by max_record bytes and AU_MAX_RECS
 * records; a longer run of one stamp goes on as the next event.
 *
 * It refuses, as a bad record with its line and column: a line that is not
 * a record (no type=, no msg=audit(...) stamp), invalid UTF-8, a line over
 * max_record and an event over max_fields.  Blank lines and ausearch's
 * separators ("----", "time->...") are skipped without a report.
 */
#include "event_int.h"

#include "auditd_sys.h"

#define AU_MAX_RECS 256

/* Where the parts of a record's header are, as offsets into its line. */
struct hdr {
	size_t node, node_n;
	size_t type, type_n;
	size_t stamp, stamp_n; /* "SECS.MSEC:SERIAL" */
	size_t body;
	int64_t sec;
	uint32_t nsec;
	const char *err;       /* why the line is not a record */
	size_t err_at;
};

enum mode { M_RAW, M_INNER, M_ENRICHED };

/* One event being built. */
struct ap {
	struct fl_reader *r;
	int full;              /* max_fields reached or scratch full */
	int execve;            /* the record is an EXECVE: aN are arguments */
	int has_arch, has_sysname;
	struct fl_slice arch, sysno;
	size_t pend;           /* 1 + index of the joined argument, 0: none */
	size_t pend_off;       /* its first byte in scratch */
};

#define SEQ(p, n, lit) ((n) == sizeof(lit) - 1 && memcmp((p), (lit), (n)) == 0)

static int
hbad(struct hdr *h, size_t at, const char *why)
{
	h->err = why;
	h->err_at = at;
	return -1;
}

/* Digits at lp[*i, n): at least one, at most max; their value. */
static int
num(const char *lp, size_t n, size_t *i, size_t max, uint64_t *v,
    size_t *nd)
{
	size_t s = *i;

	*v = 0;
	while (*i < n && *i - s < max && lp[*i] >= '0' && lp[*i] <= '9')
		*v = *v * 10 + (uint64_t)(lp[(*i)++] - '0');
	*nd = *i - s;
	return *nd ? 0 : -1;
}

/* Parse the header of the record in lp[0, n): 0 a record, 1 a line to skip
 * (ausearch's separators), -1 not a record (h->err says why). */
static int
hdr_parse(const char *lp, size_t n, struct hdr *h)
{
	uint64_t v;
	size_t i = 0, nd;

	memset(h, 0, sizeof *h);
	if ((n >= 4 && memcmp(lp, "----", 4) == 0) ||
	    (n >= 6 && memcmp(lp, "time->", 6) == 0))
		return 1;
	if (n >= 5 && memcmp(lp, "node=", 5) == 0) {
		h->node = i = 5;
		while (i < n && lp[i] != ' ')
			i++;
		if ((h->node_n = i - h->node) == 0)
			return hbad(h, i, "empty node=");
		while (i < n && lp[i] == ' ')
			i++;
	}
	if (n - i < 5 || memcmp(lp + i, "type=", 5) != 0)
		return hbad(h, i, "not an audit record: no type=");
	h->type = i += 5;
	while (i < n && lp[i] != ' ')
		i++;
	if ((h->type_n = i - h->type) == 0)
		return hbad(h, i, "empty type=");
	while (i < n && lp[i] == ' ')
		i++;
	if (n - i < 10 || memcmp(lp + i, "msg=audit(", 10) != 0)
		return hbad(h, i, "no msg=audit(...) stamp");
	h->stamp = i += 10;
	if (num(lp, n, &i, 12, &v, &nd) != 0)
		return hbad(h, i, "bad msg=audit(...) stamp: no seconds");
	h->sec = (int64_t)v;
	if (i >= n || lp[i] != '.')
		return hbad(h, i, "bad msg=audit(...) stamp: expected '.'");
	i++;
	if (num(lp, n, &i, 9, &v, &nd) != 0)
		return hbad(h, i, "bad msg=audit(...) stamp: no milliseconds");
	h->nsec = (uint32_t)v;
	for (; nd < 9; nd++)
		h->nsec *= 10;
	if (i >= n || lp[i] != ':')
		return hbad(h, i, "bad msg=audit(...) stamp: expected ':'");
	i++;
	if (num(lp, n, &i, 20, &v, &nd) != 0)
		return hbad(h, i, "bad msg=audit(...) stamp: no serial");
	h->stamp_n = i - h->stamp;
	if (i >= n || lp[i] != ')')
		return hbad(h, i, "bad msg=audit(...) stamp: expected ')'");
	i++;
	if (i < n && lp[i] == ':')
		i++;
	h->body = i;
	return 0;
}

/* Whether two records (lines A and B) have the same node and stamp. */
static int
same(const char *a, const struct hdr *ha, const char *b,
     const struct hdr *hb)
{
	return ha->stamp_n == hb->stamp_n && ha->node_n == hb->node_n &&
	    memcmp(a + ha->stamp, b + hb->stamp, ha->stamp_n) == 0 &&
	    memcmp(a + ha->node, b + hb->node, ha->node_n) == 0;
}

static int
is_eoe(const char *lp, const struct hdr *h)
{
	return SEQ(lp + h->type, h->type_n, "EOE");
}

/* The first invalid UTF-8 byte, or NULL. */
static const char *
bad_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;
	int l;

	while (s < e) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((l = fl_utf8_seq(s, (size_t)(e - s))) <= 0)
			return (const char *)s;
		s += l;
	}
	return NULL;
}

/* ---- values ------------------------------------------------------------ */

static void
field(struct ap *a, const char *k, size_t kn, const char *v, size_t vn)
{
	if (fl_r_field(a->r, k, kn, v, vn, FL_V_STR, FL_KEY_UNSET) != 0)
		a->full = 1;
}

/* A name and value that are not in the line (ARCH=x86_64): copied to
 * scratch so every slice of an event lies in the reader's buffers. */
static void
field_c(struct ap *a, const char *k, const char *v)
{
	size_t kn = strlen(k), vn = strlen(v);
	const char *qk = fl_r_scratch(a->r, k, kn);
	const char *qv = fl_r_scratch(a->r, v, vn);

	if (qk == NULL || qv == NULL)
		a->full = 1;
	else
		field(a, qk, kn, qv, vn);
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_hex(const char *v, size_t vn)
{
	size_t i;

	if (vn < 2 || vn % 2)
		return 0;
	for (i = 0; i < vn; i++)
		if (hexval((unsigned char)v[i]) < 0)
			return 0;
	return 1;
}

/* Decode the hex text v (is_hex) onto the end of scratch; NULL when full. */
static char *
unhex(struct fl_reader *r, const char *v, size_t vn)
{
	char *q;
	size_t i;

	if (vn / 2 > r->scrcap - r->scrlen)
		return NULL;
	q = r->scr + r->scrlen;
	for (i = 0; i < vn / 2; i++)
		q[i] = (char)(hexval((unsigned char)v[2 * i]) << 4 |
			      hexval((unsigned char)v[2 * i + 1]));
	r->scrlen += vn / 2;
	return q;
}

/* The fields the kernel writes with audit_log_untrustedstring(): quoted
 * when clean, hex when not. */
static int
hex_field(const char *k, size_t kn)
{
	static const char *const names[] = {"acct", "cmd", "comm", "cwd",
		"data", "dir", "exe", "file", "key", "name", "ocomm", "path",
		"proctitle"};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (kn == strlen(names[i]) && memcmp(k, names[i], kn) == 0)
			return 1;
	return 0;
}

/* "aN" (*piece 0) or "aN[M]" (*piece 1, *an the length of "aN"). */
static int
is_arg(const char *k, size_t kn, size_t *an, int *piece)
{
	size_t i = 1;

	if (kn < 2 || k[0] != 'a')
		return 0;
	while (i < kn && k[i] >= '0' && k[i] <= '9')
		i++;
	if (i == 1)
		return 0;
	*an = i;
	*piece = 0;
	if (i == kn)
		return 1;
	if (k[i] != '[' || k[kn - 1] != ']' || kn - i < 3)
		return 0;
	for (i++; i < kn - 1; i++)
		if (k[i] < '0' || k[i] > '9')
			return 0;
	*piece = 1;
	return 1;
}

/* A joined argument is complete: NULs to spaces, bytes that are not UTF-8
 * to '?' (a piece boundary may have cut a character: only the whole is
 * judged). */
static void
flush_arg(struct ap *a)
{
	struct fl_reader *r = a->r;
	unsigned char *s, *e;
	int l;

	if (a->pend == 0)
		return;
	s = (unsigned char *)r->scr + a->pend_off;
	e = s + r->fields[a->pend - 1].value.n;
	while (s < e) {
		if (*s == 0)
			*s = ' ';
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((l = fl_utf8_seq(s, (size_t)(e - s))) <= 0) {
			*s++ = '?';
			continue;
		}
		s += l;
	}
	a->pend = 0;
}

/* One piece of a long EXECVE argument: appended to the argument it
 * continues (the previous field, when it is the same aN being joined). */
static void
arg_piece(struct ap *a, const char *k, size_t an, const char *v, size_t vn,
	  int quoted)
{
	struct fl_reader *r = a->r;
	struct fl_field *f;
	int cont = 0;

	if (a->pend && a->pend == r->nfields) {
		f = &r->fields[a->pend - 1];
		cont = f->name.n == an && memcmp(f->name.p, k, an) == 0;
	}
	if (!cont) {
		flush_arg(a);
		if (a->full || fl_r_field(r, k, an, "", 0, FL_V_STR,
					  FL_KEY_UNSET) != 0) {
			a->full = 1;
			return;
		}
		a->pend = r->nfields;
		a->pend_off = r->scrlen;
	}
	if (!quoted && is_hex(v, vn) ? unhex(r, v, vn) == NULL :
	    fl_r_scratch(r, v, vn) == NULL) {
		a->full = 1;
		return;
	}
	f = &r->fields[a->pend - 1];
	f->value.p = r->scr + a->pend_off;
	f->value.n = r->scrlen - a->pend_off;
}

/* An unquoted value of a field the kernel may hex-encode.  SPLIT: a key,
 * where 0x01 separates several rule keys. */
static void
decoded(struct ap *a, const char *k, size_t kn, const char *v, size_t vn,
	int split)
{
	struct fl_reader *r = a->r;
	size_t mark = r->scrlen, m, i, s;
	char *q;

	if (!is_hex(v, vn)) {
		field(a, k, kn, v, vn);
		return;
	}
	if ((q = unhex(r, v, vn)) == NULL) {
		a->full = 1;
		return;
	}
	m = vn / 2;
	while (m > 0 && q[m - 1] == '\0')
		m--;
	if (bad_utf8(q, m) != NULL) {
		r->scrlen = mark; /* not text: the hex says more */
		field(a, k, kn, v, vn);
		return;
	}
	for (i = 0; i < m; i++)
		if (q[i] == '\0')
			q[i] = ' ';
	if (!split) {
		field(a, k, kn, q, m);
		return;
	}
	for (i = s = 0; i <= m; i++) {
		if (i < m && q[i] != '\x01')
			continue;
		if (i > s)
			field(a, k, kn, q + s, i - s);
		s = i + 1;
	}
}

static void
value(struct ap *a, const char *k, size_t kn, const char *v, size_t vn,
      int quoted, enum mode mode)
{
	size_t an = 0;
	int piece = 0;
	int arg = a->execve && mode == M_RAW && is_arg(k, kn, &an, &piece);

	if (!(arg && piece))
		flush_arg(a);
	if (mode == M_ENRICHED) {
		if (SEQ(k, kn, "SYSCALL"))
			a->has_sysname = 1;
		else if (SEQ(k, kn, "ARCH"))
			a->has_arch = 1;
		field(a, k, kn, v, vn);
		return;
	}
	if (mode == M_RAW && SEQ(k, kn, "arch")) {
		a->arch.p = v;
		a->arch.n = vn;
	} else if (mode == M_RAW && SEQ(k, kn, "syscall")) {
		a->sysno.p = v;
		a->sysno.n = vn;
	}
	if (arg) {
		if (piece) {
			arg_piece(a, k, an, v, vn, quoted);
			return;
		}
		if (!quoted) {
			decoded(a, k, kn, v, vn, 0);
			return;
		}
	} else if (!quoted && hex_field(k, kn)) {
		decoded(a, k, kn, v, vn, SEQ(k, kn, "key"));
		return;
	}
	field(a, k, kn, v, vn);
}

static int
key_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '[' ||
	    c == ']' || c == '.';
}

/* The key=value pairs of p[0, e). */
static void
kv(struct ap *a, const char *p, const char *e, enum mode mode)
{
	while (p < e && !a->full) {
		const char *ks, *ke, *vs, *ve;
		char q = 0;

		while (p < e && *p == ' ')
			p++;
		ks = p;
		while (p < e && key_byte(*p))
			p++;
		if (p == ks || p >= e || *p != '=') {
			/* a word that is not key=value */
			while (p < e && *p != ' ')
				p++;
			continue;
		}
		ke = p++;
		if (p < e && (*p == '"' || *p == '\'')) {
			q = *p++;
			vs = p;
			if ((ve = memchr(p, q, (size_t)(e - p))) == NULL)
				ve = e; /* unterminated: to the end */
			p = ve < e ? ve + 1 : e;
		} else {
			vs = p;
			while (p < e && *p != ' ')
				p++;
			ve = p;
		}
		if (q == '\'' && mode == M_RAW &&
		    SEQ(ks, (size_t)(ke - ks), "msg")) {
			kv(a, vs, ve, M_INNER);
			continue;
		}
		value(a, ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), q != 0,
		      mode);
	}
}

/* ARCH and SYSCALL of a RAW SYSCALL record, by the tables of
 * auditd_sys.h. */
static void
syscall_name(struct ap *a)
{
	const char *const *t;
	const char *arch;
	size_t tn, i;
	uint64_t no = 0;

	if (SEQ(a->arch.p, a->arch.n, "c000003e")) {
		t = sys_x86_64, tn = sizeof sys_x86_64 / sizeof *t;
		arch = "x86_64";
	} else if (SEQ(a->arch.p, a->arch.n, "40000003")) {
		t = sys_i386, tn = sizeof sys_i386 / sizeof *t;
		arch = "i386";
	} else if (SEQ(a->arch.p, a->arch.n, "c00000b7")) {
		t = sys_generic, tn = sizeof sys_generic / sizeof *t;
		arch = "aarch64";
	} else
		return;
	if (!a->has_arch)
		field_c(a, "ARCH", arch);
	if (a->has_sysname || a->sysno.n == 0 || a->sysno.n > 4)
		return;
	for (i = 0; i < a->sysno.n; i++) {
		if (a->sysno.p[i] < '0' || a->sysno.p[i] > '9')
			return;
		no = no * 10 + (uint64_t)(a->sysno.p[i] - '0');
	}
	if (no < tn && t[no] != NULL)
		field_c(a, "SYSCALL", t[no]);
}

/* One record's fields. */
static void
record(struct ap *a, const char *lp, size_t n, const struct hdr *h)
{
	const char *b = lp + h->body, *e = lp + n, *x;

	a->execve = SEQ(lp + h->type, h->type_n, "EXECVE");
	a->has_arch = a->has_sysname = 0;
	a->arch.n = a->sysno.n = 0;
	a->arch.p = a->sysno.p = lp;
	field(a, lp + h->type - 5, 4, lp + h->type, h->type_n);
	x = memchr(b, '\x1d', (size_t)(e - b));
	kv(a, b, x ? x : e, M_RAW);
	if (x)
		kv(a, x + 1, e, M_ENRICHED);
	flush_arg(a);
	if (SEQ(lp + h->type, h->type_n, "SYSCALL"))
		syscall_name(a);
}

/* ---- lines and events -------------------------------------------------- */

/* The line at offset OFF from the window's start, within LIMIT bytes of
 * it.  1: found, *len its bytes without the newline, *next the offset past
 * it; 0: none, *cut set when the line goes on past LIMIT; -1: read error.
 * Fills may move the window: callers keep offsets, not pointers. */
static int
line_at(struct fl_reader *r, size_t off, size_t limit, size_t *len,
	size_t *next, int *cut, struct fl_diag *d)
{
	size_t scanned = off;

	*cut = 0;
	for (;;) {
		const char *p = r->buf + r->start, *nl;
		size_t avail = r->end - r->start;
		size_t lim = avail < limit ? avail : limit;
		int f;

		nl = scanned < lim ?
		    memchr(p + scanned, '\n', lim - scanned) : NULL;
		if (nl != NULL) {
			*len = (size_t)(nl - p) - off;
			*next = (size_t)(nl - p) + 1;
			return 1;
		}
		if (lim > scanned)
			scanned = lim;
		if (avail >= limit) {
			*cut = 1;
			return 0;
		}
		if (!r->eof) {
			if ((f = fl_r_fill(r, d)) < 0)
				return -1;
			if (f > 0 || r->eof)
				continue;
		}
		if (avail > off) {
			*len = avail - off;
			*next = avail;
			return 1;
		}
		return 0;
	}
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

static size_t
chomp(const char *p, size_t n)
{
	return n && p[n - 1] == '\r' ? n - 1 : n;
}

/* The event of the lines in window[start, start + gend). */
static enum fl_read
build(struct fl_reader *r, size_t gend, struct fl_event *ev,
      struct fl_diag *d)
{
	struct ap a;
	const char *p = r->buf + r->start;
	unsigned long line = r->line;
	size_t off = 0;
	int first = 1;

	memset(&a, 0, sizeof a);
	a.r = r;
	r->nfields = 0;
	r->scrlen = 0;
	while (off < gend && !a.full) {
		const char *lp = p + off;
		const char *nl = memchr(lp, '\n', gend - off);
		size_t n = nl ? (size_t)(nl - lp) : gend - off;
		struct hdr h;

		off += n + (nl != NULL);
		n = chomp(lp, n);
		if (hdr_parse(lp, n, &h) != 0 || is_eoe(lp, &h))
			continue;
		if (first) {
			first = 0;
			ev->time = h.sec;
			ev->nsec = h.nsec;
			if (h.node_n) {
				ev->host.p = lp + h.node;
				ev->host.n = h.node_n;
				field(&a, lp, 4, lp + h.node, h.node_n);
			}
		}
		record(&a, lp, n, &h);
	}
	fl_r_consume(r, gend);
	if (a.full) {
		fl_diag_set(d, FL_E_LIMIT, r->source, line, 1,
			    "event with more than %zu fields: skipped",
			    r->o.max_fields);
		return FL_READ_BAD;
	}
	fl_r_finish(r, ev, line);
	return FL_READ_OK;
}

static enum fl_read
bad_line(struct fl_reader *r, struct fl_diag *d, size_t next, size_t col,
	 const char *msg)
{
	unsigned long line = r->line;

	fl_r_consume(r, next);
	fl_diag_set(d, FL_E_SYNTAX, r->source, line, (unsigned long)col, "%s",
		    msg);
	return FL_READ_BAD;
}

enum fl_read
fl_auditd_next(struct fl_reader *r, struct fl_event *ev, struct fl_diag *d)
{
	size_t limit = r->o.max_record + 2; /* a line, its CR and LF */

	for (;;) {
		size_t len, next, n, gend, nrec;
		const char *lp, *bad;
		struct hdr h0;
		int cut, rc;

		if ((rc = line_at(r, 0, limit, &len, &next, &cut, d)) < 0)
			return FL_READ_FATAL;
		if (rc == 0 && !cut)
			return FL_READ_END;
		lp = r->buf + r->start;
		if (rc == 0 || (n = chomp(lp, len)) > r->o.max_record) {
			fl_diag_set(d, FL_E_LIMIT, r->source, r->line, 1,
				    "line longer than %zu bytes: skipped",
				    r->o.max_record);
			if (rc == 0)
				return fl_r_skip_line(r, d);
			fl_r_consume(r, next);
			return FL_READ_BAD;
		}
		if (blank(lp, n)) {
			fl_r_consume(r, next);
			continue;
		}
		if ((bad = bad_utf8(lp, n)) != NULL)
			return bad_line(r, d, next, (size_t)(bad - lp) + 1,
					"invalid UTF-8");
		if ((rc = hdr_parse(lp, n, &h0)) < 0)
			return bad_line(r, d, next, h0.err_at + 1, h0.err);
		if (rc > 0 || is_eoe(lp, &h0)) {
			fl_r_consume(r, next);
			continue;
		}
		/* the records that follow with the same node and stamp */
		gend = next;
		for (nrec = 1; nrec < AU_MAX_RECS; nrec++) {
			const char *q;
			struct hdr h;

			if ((rc = line_at(r, gend, limit, &len, &next, &cut,
					  d)) < 0)
				return FL_READ_FATAL;
			if (rc == 0)
				break;
			lp = r->buf + r->start;
			q = lp + gend;
			n = chomp(q, len);
			if (blank(q, n) || hdr_parse(q, n, &h) != 0 ||
			    !same(q, &h, lp, &h0) || bad_utf8(q, n) != NULL)
				break;
			gend = next;
			if (is_eoe(q, &h))
				break;
		}
		return build(r, gend, ev, d);
	}
}
