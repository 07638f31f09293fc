/*
 * jsonl: the JSON event reader.  One top-level object is one event,
 * whether the objects stand one per line (JSON lines), are pretty-printed
 * over many lines, or follow each other on one line.
 *
 * It has its own scanner rather than jansson: an event is never built as a
 * tree, strings without escapes are not copied (the field points into the
 * input window), strings with escapes are unescaped once into scratch, and
 * numbers stay as their text.  The common string case runs eight bytes at
 * a time.  Nested objects are flattened as they are read:
 *  - the evtx_dump shape {"Event": {"System": {...}, "EventData": {...}}}
 *    gives the names Sigma rules use: EventData and UserData children by
 *    their own names, System fields by theirs, XML attributes joined with
 *    '_' (Provider_Name, TimeCreated_SystemTime, Execution_ProcessID) and
 *    "#text" under the element's name;
 *  - any other nesting gives dotted names ("host.name"); a mapping to the
 *    names rules expect (ECS, Winlogbeat) is a dictionary alias
 *    (fl_keys_alias), applied when keys are stamped;
 *  - array elements repeat their field's name.
 *
 * It refuses, as a bad record with its position: malformed JSON, invalid
 * UTF-8 (in the raw bytes or through \u escapes: a lone surrogate), a
 * top-level value that is not an object, nesting deeper than max_depth, a
 * flattened name longer than max_name, more than max_fields fields and a
 * record longer than max_record.  After a bad record it resumes at the
 * next line that begins with '{': the first byte of a JSON line, and of a
 * pretty-printed top-level object.
 */
#include "event_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct jp {
	struct fl_reader *r;
	const unsigned char *b, *p, *e; /* record start, cursor, window end */
	int eof;                        /* no bytes beyond e */
	unsigned long line;
	const unsigned char *ls;        /* start of the line, NULL: col0 */
	unsigned long col0;
	size_t plen;                    /* bytes of r->path in use */
	const unsigned char *vstart;    /* the value being emitted */
	int need_more, limit;
	const char *err;
	char ebuf[96];
	unsigned long eline, ecol;
};

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

static int
fail_at(struct jp *j, const unsigned char *at, const char *msg)
{
	if (j->err == NULL && !j->need_more) {
		j->err = msg;
		j->eline = j->line;
		j->ecol = j->ls ? (unsigned long)(at - j->ls) + 1 :
		    j->col0 + (unsigned long)(at - j->b);
	}
	return -1;
}

static int
need(struct jp *j, const unsigned char *at, const char *msg)
{
	if (j->eof)
		return fail_at(j, at, msg);
	if (j->err == NULL)
		j->need_more = 1;
	return -1;
}

static int
ws(struct jp *j)
{
	const unsigned char *p = j->p, *e = j->e;

	for (; p < e; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r')
			continue;
		if (*p == '\n') {
			j->line++;
			j->ls = p + 1;
			continue;
		}
		break;
	}
	j->p = p;
	return p < e ? 0 : need(j, p, "unexpected end of input");
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

/* Four hex digits at p (bounded by e): the value, -1 bad, -2 cut short. */
static long
hex4(const unsigned char *p, const unsigned char *e)
{
	long v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		if (p + i >= e)
			return -2;
		if ((h = hexval(p[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * The rest of a string that has an escape at p: decoded into scratch.
 * Decoded text is never longer than its source, so the room check is done
 * once, for the whole remaining window.
 */
#ifdef __SSE2__
/* The bytes of p[0..16) a string cannot copy as they are: '"', '\\',
 * controls and non-ASCII (a signed compare below 0x20 finds both), as a
 * bit mask. */
static inline int
special16(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

	return _mm_movemask_epi8(_mm_or_si128(
		_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		_mm_cmplt_epi8(x, _mm_set1_epi8(0x20))));
}
#endif

static int
str_slow(struct jp *j, const unsigned char *s, const unsigned char *p,
	 struct fl_slice *out)
{
	struct fl_reader *r = j->r;
	const unsigned char *e = j->e;
	char *o0, *o;
	size_t room = r->scrcap - r->scrlen;
	long cp, lo;
	int l;

	if ((size_t)(e - s) > room) {
		j->limit = 1;
		return fail_at(j, s, "record too large to unescape");
	}
	o0 = o = r->scr + r->scrlen;
	memcpy(o, s, (size_t)(p - s));
	o += p - s;
	while (p < e) {
		unsigned char c;

#ifdef __SSE2__
		/* Windows paths escape every backslash: copy the runs between
		 * escapes sixteen bytes at a time (o never passes p - s + o0,
		 * so o + 16 stays within the room checked above) */
		while (e - p >= 16) {
			int mask = special16(p);

			_mm_prefetch((const char *)p + 384, _MM_HINT_T0);
			/* all sixteen are stored, the clean ones kept */
			memcpy(o, p, 16);
			if (mask != 0) {
				size_t n = (size_t)__builtin_ctz((unsigned)mask);

				o += n;
				p += n;
				break;
			}
			o += 16;
			p += 16;
		}
		if (p >= e)
			break;
#endif
		c = *p;
		if (c == '"') {
			out->p = o0;
			out->n = (size_t)(o - o0);
			r->scrlen += out->n;
			j->p = p + 1;
			return 0;
		}
		if (c < 0x20)
			return fail_at(j, p, "control character in string");
		if (c >= 0x80) {
			if ((l = fl_utf8_seq(p, (size_t)(e - p))) == 0)
				return fail_at(j, p, "invalid UTF-8");
			if (l < 0)
				break;
			memcpy(o, p, (size_t)l);
			o += l, p += l;
			continue;
		}
		if (c != '\\') {
			*o++ = (char)c;
			p++;
			continue;
		}
		if (p + 1 >= e)
			break;
		switch (p[1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if ((cp = hex4(p + 2, e)) == -2)
				goto cut;
			if (cp < 0)
				return fail_at(j, p, "invalid \\u escape");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail_at(j, p, "lone low surrogate in \\u escape");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (p + 7 >= e)
					goto cut;
				if (p[6] != '\\' || p[7] != 'u')
					return fail_at(j, p, "lone high surrogate in \\u escape");
				if ((lo = hex4(p + 8, e)) == -2)
					goto cut;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail_at(j, p, "lone high surrogate in \\u escape");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			o += fl_utf8_put((unsigned long)cp, o);
			p += 6;
			continue;
		default:
			return fail_at(j, p, "invalid escape in string");
		}
		p += 2;
	}
cut:
	return need(j, s - 1, "unterminated string");
}

/* A string at j->p (on its opening quote) into *out. */
static int
str(struct jp *j, struct fl_slice *out)
{
	const unsigned char *s = j->p + 1, *p = s, *e = j->e;
	int l;

	for (;;) {
#ifdef __SSE2__
		/* sixteen bytes at a time: a signed compare below 0x20 finds
		 * controls and non-ASCII (0x80 and up) alike */
		while (e - p >= 16) {
			int mask = special16(p);

			/* the input comes from the page cache, not the CPU's:
			 * ask for the bytes a few loads ahead (the hardware's
			 * prefetcher stops at each 4 KiB page) */
			_mm_prefetch((const char *)p + 384, _MM_HINT_T0);
			if (mask != 0) {
				p += __builtin_ctz((unsigned)mask);
				break;
			}
			p += 16;
		}
#endif
		/* eight bytes without '"', '\\', controls or non-ASCII */
		while (e - p >= 8) {
			uint64_t x, q, b, t;

			memcpy(&x, p, 8);
			q = x ^ (ONES * '"');
			b = x ^ (ONES * '\\');
			t = ((q - ONES) & ~q) | ((b - ONES) & ~b) |
			    ((x - ONES * 0x20) & ~x) | x;
			if (t & HIGH)
				break;
			p += 8;
		}
		if (p >= e)
			return need(j, s - 1, "unterminated string");
		if (*p == '"') {
			out->p = (const char *)s;
			out->n = (size_t)(p - s);
			j->p = p + 1;
			return 0;
		}
		if (*p == '\\')
			return str_slow(j, s, p, out);
		if (*p < 0x20)
			return fail_at(j, p, "control character in string");
		if (*p >= 0x80) {
			if ((l = fl_utf8_seq(p, (size_t)(e - p))) == 0)
				return fail_at(j, p, "invalid UTF-8");
			if (l < 0)
				return need(j, p, "invalid UTF-8");
			p += l;
		} else
			p++;
	}
}

static int
isdig(const unsigned char *p, const unsigned char *e)
{
	return p < e && *p >= '0' && *p <= '9';
}

static int
num(struct jp *j, struct fl_slice *out)
{
	const unsigned char *s = j->p, *p = s, *e = j->e;

	if (p < e && *p == '-')
		p++;
	if (p >= e)
		return need(j, s, "invalid number");
	if (*p == '0')
		p++;
	else if (isdig(p, e))
		while (isdig(p, e))
			p++;
	else
		return fail_at(j, p, "invalid number");
	if (p < e && *p == '.') {
		p++;
		if (p >= e)
			return need(j, s, "invalid number");
		if (!isdig(p, e))
			return fail_at(j, p, "invalid number");
		while (isdig(p, e))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e)
			return need(j, s, "invalid number");
		if (!isdig(p, e))
			return fail_at(j, p, "invalid number");
		while (isdig(p, e))
			p++;
	}
	if (p >= e && !j->eof)
		return need(j, s, "invalid number"); /* it may go on */
	out->p = (const char *)s;
	out->n = (size_t)(p - s);
	j->p = p;
	return 0;
}

static int
lit(struct jp *j, const char *word, size_t n)
{
	size_t avail = (size_t)(j->e - j->p);

	if (memcmp(j->p, word, avail < n ? avail : n) != 0)
		return fail_at(j, j->p, "invalid literal");
	if (avail < n)
		return need(j, j->p, "invalid literal");
	j->p += n;
	return 0;
}

static int
keyis(const struct fl_slice *k, const char *s)
{
	size_t n = strlen(s);

	return k->n == n && memcmp(k->p, s, n) == 0;
}

static int
path_put(struct jp *j, const char *p, size_t n)
{
	if (n > j->r->o.max_name - j->plen) {
		j->limit = 1;
		return fail_at(j, j->p, "field name too long");
	}
	memcpy(j->r->path + j->plen, p, n);
	j->plen += n;
	return 0;
}

/* The frame of an object found under KEY in FRAME; extends the path. */
static int
descend(struct jp *j, int frame, const struct fl_slice *k, int *nf)
{
	struct fl_evstep st;

	fl_evshape_step(frame, k->p, k->n, &st);
	*nf = st.frame;
	if ((st.pre[0] && path_put(j, st.pre, 1)) ||
	    (st.key && path_put(j, k->p, k->n)) ||
	    (st.post[0] && path_put(j, st.post, 1)))
		return -1;
	return 0;
}

static int
emit(struct jp *j, int frame, const struct fl_slice *k,
     const struct fl_slice *v, int type)
{
	struct fl_reader *r = j->r;
	const char *name;
	size_t n;

	if (frame == FL_EF_SKIP)
		return 0;
	if (frame == FL_EF_HOLD && keyis(k, "#text")) {
		name = fl_r_scratch(r, r->path, j->plen);
		n = j->plen;
	} else if (j->plen == 0) {
		name = k->p;
		n = k->n;
	} else {
		size_t sep = frame == FL_EF_HOLD;

		if (k->n + sep > r->o.max_name - j->plen) {
			j->limit = 1;
			return fail_at(j, j->vstart, "field name too long");
		}
		n = j->plen + sep + k->n;
		name = NULL;
		if (n <= r->scrcap - r->scrlen) {
			char *o = r->scr + r->scrlen;

			memcpy(o, r->path, j->plen);
			if (sep)
				o[j->plen] = '_';
			memcpy(o + j->plen + sep, k->p, k->n);
			r->scrlen += n;
			name = o;
		}
	}
	if (name == NULL) {
		j->limit = 1;
		return fail_at(j, j->vstart, "record too large");
	}
	if (n == 0)
		return 0; /* an empty key at the top: no name to give it */
	if (fl_r_field(r, name, n, v->p, v->n, type, FL_KEY_UNSET) != 0) {
		j->limit = 1;
		snprintf(j->ebuf, sizeof j->ebuf, "more than %zu fields",
			 r->o.max_fields);
		return fail_at(j, j->vstart, j->ebuf);
	}
	return 0;
}

static int value(struct jp *j, int frame, const struct fl_slice *k,
		 unsigned depth);

static int
deeper(struct jp *j, unsigned depth)
{
	if (depth <= j->r->o.max_depth)
		return 0;
	j->limit = 1;
	snprintf(j->ebuf, sizeof j->ebuf, "nesting deeper than %u",
		 j->r->o.max_depth);
	return fail_at(j, j->p, j->ebuf);
}

static int
obj(struct jp *j, int frame, unsigned depth)
{
	struct fl_slice k;

	if (deeper(j, depth))
		return -1;
	j->p++;
	if (ws(j))
		return -1;
	if (*j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (*j->p != '"')
			return fail_at(j, j->p, "expected a string key");
		if (str(j, &k) || ws(j))
			return -1;
		if (*j->p != ':')
			return fail_at(j, j->p, "expected ':'");
		j->p++;
		if (ws(j) || value(j, frame, &k, depth) || ws(j))
			return -1;
		if (*j->p == '}') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return fail_at(j, j->p, "expected ',' or '}'");
		j->p++;
		if (ws(j))
			return -1;
	}
}

static int
arr(struct jp *j, int frame, const struct fl_slice *k, unsigned depth)
{
	if (deeper(j, depth))
		return -1;
	j->p++;
	if (ws(j))
		return -1;
	if (*j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (value(j, frame, k, depth) || ws(j))
			return -1;
		if (*j->p == ']') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return fail_at(j, j->p, "expected ',' or ']'");
		j->p++;
		if (ws(j))
			return -1;
	}
}

/* A value at j->p (not whitespace) found under key K in FRAME. */
static int
value(struct jp *j, int frame, const struct fl_slice *k, unsigned depth)
{
	struct fl_slice v;
	size_t plen = j->plen;
	int nf, rc;

	j->vstart = j->p;
	switch (*j->p) {
	case '{':
		if (descend(j, frame, k, &nf))
			return -1;
		rc = obj(j, nf, depth + 1);
		j->plen = plen;
		return rc;
	case '[':
		return arr(j, frame, k, depth + 1);
	case '"':
		if (str(j, &v))
			return -1;
		return emit(j, frame, k, &v, FL_V_STR);
	case 't':
		v.p = (const char *)j->p;
		v.n = 4;
		return lit(j, "true", 4) ? -1 : emit(j, frame, k, &v, FL_V_BOOL);
	case 'f':
		v.p = (const char *)j->p;
		v.n = 5;
		return lit(j, "false", 5) ? -1 : emit(j, frame, k, &v, FL_V_BOOL);
	case 'n':
		v.p = (const char *)j->p;
		v.n = 0;
		return lit(j, "null", 4) ? -1 : emit(j, frame, k, &v, FL_V_NULL);
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
			if (num(j, &v))
				return -1;
			return emit(j, frame, k, &v, FL_V_NUM);
		}
		return fail_at(j, j->p, "unexpected character");
	}
}

/* Time and host from the names the known shapes use, best first. */
static void
stamp(struct fl_reader *r, struct fl_event *ev)
{
	static const char *const tnames[] = {"TimeCreated_SystemTime",
		"@timestamp", "UtcTime", "TimeCreated", "EventTime",
		"timestamp", NULL};
	static const char *const hnames[] = {"Computer", "Hostname",
		"host.name", "host.hostname", "hostname", "host", NULL};
	int tbest = 100, hbest = 100, i;
	size_t f;

	for (f = 0; f < r->nfields; f++) {
		const struct fl_field *fd = &r->fields[f];

		if (fd->type != FL_V_STR)
			continue;
		for (i = 0; i < tbest && tnames[i]; i++)
			if (fd->name.n == strlen(tnames[i]) &&
			    memcmp(fd->name.p, tnames[i], fd->name.n) == 0 &&
			    fl_event_parse_time(fd->value.p, fd->value.n,
						&ev->time, &ev->nsec) == 0) {
				tbest = i;
				break;
			}
		for (i = 0; i < hbest && hnames[i]; i++)
			if (fd->name.n == strlen(hnames[i]) &&
			    memcmp(fd->name.p, hnames[i], fd->name.n) == 0) {
				hbest = i;
				ev->host = fd->value;
				break;
			}
	}
}

/* Skip to the next line that begins with '{' (or the end). */
static enum fl_read
resync(struct fl_reader *r, struct fl_diag *d)
{
	struct fl_diag io;
	int f;

	for (;;) {
		const char *p = r->buf + r->start, *e = r->buf + r->end;
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (nl == NULL) {
			fl_r_consume(r, (size_t)(e - p));
			if ((f = fl_r_fill(r, &io)) < 0)
				goto fatal;
			if (f == 0)
				return FL_READ_BAD;
			continue;
		}
		fl_r_consume(r, (size_t)(nl + 1 - p));
		if (r->start == r->end) {
			if ((f = fl_r_fill(r, &io)) < 0)
				goto fatal;
			if (f == 0)
				return FL_READ_BAD;
		}
		if (r->buf[r->start] == '{')
			return FL_READ_BAD;
	}
fatal:
	*d = io;
	return FL_READ_FATAL;
}

static enum fl_read
bad(struct fl_reader *r, struct fl_diag *d, fl_err rc, unsigned long line,
    unsigned long col, const char *msg)
{
	fl_diag_set(d, rc, r->source, line, col, "%s", msg);
	return resync(r, d);
}

enum fl_read
fl_jsonl_next(struct fl_reader *r, struct fl_event *ev, struct fl_diag *d)
{
	struct jp j;
	int f;

	for (;;) {
		const unsigned char *p = (const unsigned char *)r->buf + r->start;
		const unsigned char *e = (const unsigned char *)r->buf + r->end;
		const unsigned char *q = p;
		size_t avail;
		char msg[96];

		/* whitespace between records, and a BOM at the very start */
		if (r->line == 1 && r->col == 1 && e - p >= 3 && p[0] == 0xEF &&
		    p[1] == 0xBB && p[2] == 0xBF)
			q += 3;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r' ||
				 *q == '\n'))
			q++;
		fl_r_consume(r, (size_t)(q - p));
		if (q == e) {
			if ((f = fl_r_fill(r, d)) < 0)
				return FL_READ_FATAL;
			if (f == 0)
				return FL_READ_END;
			continue;
		}
		if (*q != '{')
			return bad(r, d, FL_E_SYNTAX, r->line, r->col,
				   "expected '{' at the start of an event");

		avail = r->end - r->start;
		memset(&j, 0, sizeof j);
		j.r = r;
		j.b = j.p = q;
		j.e = q + (avail < r->o.max_record ? avail : r->o.max_record);
		j.eof = r->eof && avail <= r->o.max_record;
		j.line = r->line;
		j.col0 = r->col;
		r->nfields = 0;
		r->scrlen = 0;
		if (obj(&j, FL_EF_TOP, 1) == 0) {
			unsigned long line = r->line;

			stamp(r, ev);
			fl_r_finish(r, ev, line);
			r->line = j.line;
			r->col = j.ls ? (unsigned long)(j.p - j.ls) + 1 :
			    j.col0 + (unsigned long)(j.p - j.b);
			r->start += (size_t)(j.p - j.b);
			return FL_READ_OK;
		}
		if (j.need_more) {
			if (avail >= r->o.max_record) {
				snprintf(msg, sizeof msg,
					 "event longer than %zu bytes: skipped",
					 r->o.max_record);
				return bad(r, d, FL_E_LIMIT, r->line, r->col, msg);
			}
			if ((f = fl_r_fill(r, d)) < 0)
				return FL_READ_FATAL;
			continue; /* parse again with more bytes (or at eof) */
		}
		return bad(r, d, j.limit ? FL_E_LIMIT : FL_E_SYNTAX, j.eline,
			   j.ecol, j.err ? j.err : "malformed JSON");
	}
}
