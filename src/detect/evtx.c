/*
 * evtx: the Windows XML event log reader (.evtx files, and runs of whole
 * 64 KiB chunks cut from them), decoded here from the binary format:
 *
 *   file header "ElfFile\0" (4096 bytes, CRC32 of its first 120 bytes),
 *   chunks "ElfChnk\0" of 65536 bytes (a 512-byte header with a CRC32 of
 *   itself and one of the records), records "**\0\0" (size, record id,
 *   FILETIME written, binary XML, size again) between the chunk header and
 *   the chunk's free space offset;
 *   binary XML: fragment headers, elements with attributes, text values,
 *   CDATA, character and entity references, PIs, and template instances
 *   whose definitions live in the chunk (inline at first use, referenced by
 *   offset later) filled with typed substitution values, nested binary XML
 *   values (type 0x21) decoded in place.
 *
 * Memory is one chunk (in fd mode read 64 KiB at a time; in memory mode the
 * caller's bytes read in place) and per-chunk caches: element and attribute
 * names decoded once to UTF-8 into an arena at the front of the reader's
 * scratch (so names are slices the reader owns and carry their dictionary
 * key), and template definitions by offset.  A record is decoded into a
 * small tree (arrays that grow to what the largest record needs, up to
 * their limits), then flattened into fields; nothing is allocated per
 * record.  Element starts inside template definitions carry a dependency
 * identifier that plain elements (records written without templates,
 * nested binary XML) lack; the layout the context implies is tried first
 * and the other one when its name offset cannot be right.
 *
 * Field names are exactly those the JSON reader (jsonl.c) produces from the
 * evtx_dump JSON rendering of the same event: the tree is walked as
 * evtx_dump shapes it (EventData/UserData "Data" elements keyed by their
 * Name attribute or gathered under "Data", repeated sibling names numbered
 * Name, Name_1, Name_2..., attributes with empty values dropped, an element
 * with nothing in it a null) and named with jsonl.c's rules (System and
 * EventData children by their own names, attributes joined with '_',
 * other nesting dotted).  Values are rendered as Windows renders them:
 * UTF-16 as UTF-8 (a lone surrogate as U+FFFD; control characters kept;
 * a string ends at its first NUL), integers in decimal, HexInt32/64 and
 * SizeT as "0x..." lower-case, GUIDs "{...}" upper-case, SIDs "S-1-...",
 * FILETIME and SYSTEMTIME as ISO-8601 UTC ("...T..:..:..1234567Z"), binary
 * as upper-case hex, booleans "true"/"false", and each element of an array
 * value as its own field value.
 *
 * What it refuses, as a bad record or chunk with where and why, going on
 * with the next one: a chunk without its signature (an all-zero chunk is
 * unused space and skipped silently), with a bad header or records
 * checksum, a free space offset out of range or cut short by the end of
 * the input (the rest of that chunk is skipped); a record whose framing is
 * broken (the rest of its chunk is skipped, as no record boundary is
 * guessed); a record whose binary XML is malformed or refers to a template
 * or substitution that does not exist, nests deeper than max_depth
 * (elements and templates), gives more than max_fields fields or a name
 * longer than max_name, or does more than a fixed amount of work (a
 * template that substitutes a nested template into itself twice at every
 * level would otherwise double the work per level).  Records past a
 * chunk's free space offset are remnants of an older log and are not read.
 */
#include "event_int.h"

#include <errno.h>
#include <unistd.h>

#define EVTX_HDR        4096u    /* the file header block */
#define EVTX_CHUNK      65536u
#define EVTX_CHDR       512u     /* chunk header with its offset tables */
#define EVTX_REC        24u      /* record header before the binary XML */
#define NAME_ARENA      (32u << 10) /* names of one chunk, as UTF-8 */
#define NAME_SLOTS      1024u    /* name cache slots (power of two) */
#define TMPL_SLOTS      256u     /* template cache slots (power of two) */
#define MAX_SUBS        16384u   /* substitution values in nesting */
#define MAX_NODES       8192u
#define MAX_VALS        16384u
#define WORK_MAX        (1ul << 20) /* tokens and values per record */
#define REC_SCRATCH     (4u * EVTX_CHUNK) /* text of one record */

enum { S_START, S_CHUNK, S_END };

/* A name or value as a field key: bytes, dictionary key, and whether the
 * bytes lie in the reader's scratch (else they are a constant). */
struct key {
	const char *p;
	size_t n;
	unsigned key;
	int owned;
};

struct xval {
	const char *p;
	uint32_t n;
	unsigned char type;     /* enum fl_vtype */
};

struct vlist {
	uint32_t v0, nv;        /* x->vals[v0, v0 + nv) */
};

struct xattr {
	struct key name;
	struct vlist v;
};

struct xnode {
	struct key name;
	int32_t first, last, next; /* children, -1: none */
	uint32_t a0, na;        /* x->attrs[a0, a0 + na) */
	struct vlist v;         /* the text content */
};

struct sub {
	uint32_t off, n;        /* the value's bytes in the chunk */
	unsigned char type;
};

struct xname {
	uint32_t off, cgen;     /* valid while cgen is the chunk's */
	struct key k;
};

struct xtmpl {
	uint32_t off, cgen, body, len;
};

struct evtx {
	const unsigned char *ck; /* the chunk being read */
	unsigned long long cno;  /* its index in the file (for messages) */
	unsigned long long coff; /* its offset in the file (for messages) */
	uint32_t cgen;           /* bumped per chunk: retires the caches */
	size_t rec, recend;      /* next record; end of the records */
	int state, have;
	size_t moff;             /* in place: offset of the next chunk */
	int window;              /* read through the reader's window (fd
				    mode, compressed input), else in place */

	struct xname *names;
	size_t nnames, alen;     /* used slots and arena bytes this chunk */
	struct xtmpl *tmpls;
	size_t ntmpls;

	/* the record's tree: grown on demand up to their limits, so a
	   reader of small records stays small */
	struct xnode *nodes;
	size_t nn, capn, maxn;
	struct xattr *attrs;
	size_t na, capa;
	struct xval *vals;
	size_t nv, capv;
	struct sub *subs;
	size_t ns, caps;
	unsigned long work;

	/* the record's error: message, offset in the chunk, limit or not */
	char emsg[160];
	int err, limit;

	uint32_t crc[8][256];
};

/* ---- little-endian loads and CRC32 ------------------------------------ */

static uint16_t
rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The tables of a slice-by-8 CRC32 (RFC 1952), built per reader so no
 * global state is shared between threads. */
static void
crc_init(uint32_t t[8][256])
{
	uint32_t c;
	unsigned i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		t[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
}

static uint32_t
crc32_add(uint32_t t[8][256], uint32_t crc, const unsigned char *p,
	  size_t n)
{
	crc = ~crc;
	while (n >= 8) {
		uint32_t a = crc ^ rd32(p), b = rd32(p + 4);

		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^
		    t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^ t[3][b & 0xff] ^
		    t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^
		    t[0][b >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- errors ------------------------------------------------------------ */

static int
fail(struct evtx *x, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct evtx *x, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (x->err)
		return -1;
	x->err = 1;
	va_start(ap, fmt);
	n = vsnprintf(x->emsg, sizeof x->emsg, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof x->emsg && off)
		snprintf(x->emsg + n, sizeof x->emsg - (size_t)n,
			 " at chunk offset 0x%zx", off);
	return -1;
}

static int
limit(struct evtx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
limit(struct evtx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->err)
		return -1;
	x->err = x->limit = 1;
	va_start(ap, fmt);
	vsnprintf(x->emsg, sizeof x->emsg, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Room for NEED elements of SIZE in the array P of *cap elements, doubling
 * up to MAX: the array (moved or not), or NULL with the record's error set.
 */
static void *
grow(struct evtx *x, void *p, size_t *cap, size_t need, size_t size,
     size_t max, const char *what)
{
	size_t c = *cap;
	void *q;

	if (need <= c)
		return p;
	if (need > max) {
		limit(x, "more than %zu %s", max, what);
		return NULL;
	}
	while (c < need)
		c *= 2;
	if (c > max)
		c = max;
	if ((q = realloc(p, c * size)) == NULL) {
		limit(x, "out of memory for %zu %s", c, what);
		return NULL;
	}
	*cap = c;
	return q;
}

#define GROW(x, arr, cap, need, max, what) \
	do { \
		void *g_ = grow((x), (x)->arr, &(x)->cap, (need), \
				sizeof *(x)->arr, (max), (what)); \
		if (g_ == NULL) \
			return -1; \
		(x)->arr = g_; \
	} while (0)

/* ---- text into scratch ------------------------------------------------- */

/* Room for N bytes at the end of scratch, or NULL. */
static char *
room(struct fl_reader *r, size_t n)
{
	return n <= r->scrcap - r->scrlen ? r->scr + r->scrlen : NULL;
}

/*
 * N UTF-16LE units at S as UTF-8 at O, which has room for 3 * N bytes (a
 * pair of units gives 4 bytes, a lone surrogate 3).  Stops at a NUL unit
 * when STOP; *end (if not NULL) gets the units consumed including it.
 */
static size_t
u16_utf8(char *o, const unsigned char *s, size_t n, int stop, size_t *end)
{
	char *o0 = o;
	size_t i = 0;

	while (i < n) {
		uint32_t c;

		/* four ASCII units, none NUL, at a time: the common case */
		while (n - i >= 4) {
			uint64_t v = rd64(s + 2 * i);

			if ((v & UINT64_C(0xFF80FF80FF80FF80)) ||
			    ((v - UINT64_C(0x0001000100010001)) &
			     UINT64_C(0x8000800080008000)))
				break;
			o[0] = (char)v;
			o[1] = (char)(v >> 16);
			o[2] = (char)(v >> 32);
			o[3] = (char)(v >> 48);
			o += 4;
			i += 4;
		}
		if (i >= n)
			break;
		c = rd16(s + 2 * i);
		if (c < 0x80) {
			if (c == 0 && stop) {
				i++;
				break;
			}
			*o++ = (char)c;
			i++;
			continue;
		}
		i++;
		if (c >= 0xD800 && c <= 0xDBFF && i < n) {
			uint32_t lo = rd16(s + 2 * i);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else
				c = 0xFFFD;
		} else if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		o += fl_utf8_put(c, o);
	}
	if (end)
		*end = i;
	return (size_t)(o - o0);
}

/* Windows-1252 bytes 0x80-0x9F; the rest of the code page is Latin-1. */
static const uint16_t cp1252[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

/* ANSI (code page 1252) bytes as UTF-8, stopping at a NUL; room 3 * n. */
static size_t
ansi_utf8(char *o, const unsigned char *s, size_t n, size_t *end)
{
	char *o0 = o;
	size_t i;

	for (i = 0; i < n && s[i]; i++) {
		if (s[i] < 0x80)
			*o++ = (char)s[i];
		else if (s[i] < 0xA0)
			o += fl_utf8_put(cp1252[s[i] - 0x80], o);
		else
			o += fl_utf8_put(s[i], o);
	}
	if (end)
		*end = i < n ? i + 1 : i;
	return (size_t)(o - o0);
}

static size_t
put_u64(char *o, uint64_t v)
{
	char t[20];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		o[i] = t[n - 1 - i];
	return n;
}

static size_t
put_i64(char *o, int64_t v)
{
	if (v < 0) {
		o[0] = '-';
		return 1 + put_u64(o + 1, (uint64_t)0 - (uint64_t)v);
	}
	return put_u64(o, (uint64_t)v);
}

static size_t
put_hex(char *o, uint64_t v)
{
	static const char hx[] = "0123456789abcdef";
	char t[16];
	size_t n = 0, i;

	o[0] = '0';
	o[1] = 'x';
	do {
		t[n++] = hx[v & 15];
		v >>= 4;
	} while (v);
	for (i = 0; i < n; i++)
		o[2 + i] = t[n - 1 - i];
	return 2 + n;
}

static size_t
put_digits(char *o, unsigned v, unsigned width)
{
	unsigned i;

	for (i = width; i > 0; i--) {
		o[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return width;
}

/* Civil date of a day count since 1970-01-01 (Hinnant's inverse). */
static void
civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDThh:mm:ss" at o (the year as wide as it needs). */
static size_t
put_ymdhms(char *o, int64_t y, unsigned mo, unsigned d, unsigned h,
	   unsigned mi, unsigned s)
{
	size_t n;

	n = y >= 0 && y <= 9999 ? put_digits(o, (unsigned)y, 4) :
	    put_i64(o, y);
	o[n++] = '-';
	n += put_digits(o + n, mo, 2);
	o[n++] = '-';
	n += put_digits(o + n, d, 2);
	o[n++] = 'T';
	n += put_digits(o + n, h, 2);
	o[n++] = ':';
	n += put_digits(o + n, mi, 2);
	o[n++] = ':';
	n += put_digits(o + n, s, 2);
	return n;
}

/* FILETIME (100 ns since 1601) as ISO-8601 UTC with seven digits. */
static size_t
put_filetime(char *o, uint64_t ft)
{
	uint64_t secs = ft / 10000000u;
	unsigned frac = (unsigned)(ft % 10000000u);
	int64_t t = (int64_t)secs - INT64_C(11644473600), days, y;
	unsigned mo, d;
	int64_t sod;
	size_t n;

	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	sod = t - days * 86400;
	civil(days, &y, &mo, &d);
	n = put_ymdhms(o, y, mo, d, (unsigned)(sod / 3600),
		       (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
	o[n++] = '.';
	n += put_digits(o + n, frac, 7);
	o[n++] = 'Z';
	return n;
}

static size_t
put_hexbytes(char *o, const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		o[2 * i] = hx[p[i] >> 4];
		o[2 * i + 1] = hx[p[i] & 15];
	}
	return 2 * n;
}

static size_t
put_guid(char *o, const unsigned char *p)
{
	static const char hx[] = "0123456789ABCDEF";
	static const unsigned char order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9,
		10, 11, 12, 13, 14, 15};
	size_t n = 0;
	unsigned i;

	o[n++] = '{';
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			o[n++] = '-';
		o[n++] = hx[p[order[i]] >> 4];
		o[n++] = hx[p[order[i]] & 15];
	}
	o[n++] = '}';
	return n;
}

/* The size of the SID at p (n bytes), or 0 when it is malformed. */
static size_t
sid_size(const unsigned char *p, size_t n)
{
	size_t need;

	if (n < 8)
		return 0;
	need = 8 + 4 * (size_t)p[1];
	return need <= n ? need : 0;
}

static size_t
put_sid(char *o, const unsigned char *p)
{
	uint64_t auth = 0;
	size_t n = 0;
	unsigned i;

	for (i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	o[n++] = 'S';
	o[n++] = '-';
	n += put_u64(o + n, p[0]);
	o[n++] = '-';
	/* MS-DTYP: an authority of 2^32 or more is written in hex */
	n += auth >> 32 ? put_hex(o + n, auth) : put_u64(o + n, auth);
	for (i = 0; i < p[1]; i++) {
		o[n++] = '-';
		n += put_u64(o + n, rd32(p + 8 + 4 * i));
	}
	return n;
}

/* The shortest %g text that reads back as the same double. */
static size_t
put_double(char *o, double v, int single)
{
	int prec, len = 0;

	for (prec = single ? 6 : 15; prec <= 17; prec++) {
		len = snprintf(o, 32, "%.*g", prec, v);
		if (single ? (float)strtod(o, NULL) == (float)v :
		    strtod(o, NULL) == v)
			break;
	}
	return len > 0 && len < 32 ? (size_t)len : 0;
}

/* ---- values ------------------------------------------------------------ */

/*
 * Append text [p, p+n) (already in scratch) to the value list T: as a new
 * value when SEP (array elements), else joined to the last value, so that
 * pieces of one element's text become one value.
 */
static int
add_val(struct evtx *x, struct fl_reader *r, struct vlist *t, const char *p,
	size_t n, int type, int sep)
{
	struct xval *l;

	if (!sep && t->nv > 0) {
		l = &x->vals[t->v0 + t->nv - 1];
		if (n == 0)
			return 0;
		if (l->n == 0) {
			l->p = p;
			l->n = (uint32_t)n;
			l->type = (unsigned char)type;
		} else if (l->p + l->n == p) {
			l->n += (uint32_t)n;
			l->type = FL_V_STR;
		} else {
			char *q = room(r, (size_t)l->n + n);

			if (q == NULL)
				return limit(x, "record too large");
			memcpy(q, l->p, l->n);
			memmove(q + l->n, p, n);
			l->p = q;
			l->n += (uint32_t)n;
			l->type = FL_V_STR;
			r->scrlen += l->n;
		}
		return 0;
	}
	if (!sep && n == 0)
		return 0;
	if (t->nv > 0 && t->v0 + t->nv != x->nv) {
		/* text after a child's: move the list to the end */
		GROW(x, vals, capv, x->nv + t->nv + 1, MAX_VALS, "values");
		memcpy(&x->vals[x->nv], &x->vals[t->v0],
		       t->nv * sizeof *x->vals);
		t->v0 = (uint32_t)x->nv;
		x->nv += t->nv;
	}
	GROW(x, vals, capv, x->nv + 1, MAX_VALS, "values");
	if (t->nv == 0)
		t->v0 = (uint32_t)x->nv;
	l = &x->vals[x->nv++];
	l->p = n ? p : "";
	l->n = (uint32_t)n;
	l->type = (unsigned char)type;
	t->nv++;
	return 0;
}

/* Text of N bytes written at the end of scratch: commit and append it. */
static int
add_scr(struct evtx *x, struct fl_reader *r, struct vlist *t, size_t n,
	int type, int sep)
{
	const char *p = r->scr + r->scrlen;

	r->scrlen += n;
	return add_val(x, r, t, p, n, type, sep);
}

/* One value of base type TYPE (no array flag) from N bytes at V. */
static int
render1(struct evtx *x, struct fl_reader *r, struct vlist *t, unsigned type,
	const unsigned char *v, size_t n, int sep)
{
	static const unsigned char width[] = {0, 0, 0, 1, 1, 2, 2, 4, 4, 8, 8,
		4, 8, 0, 0, 16, 0, 8, 16, 0, 4, 8};
	size_t w = type < sizeof width ? width[type] : 0, len = 0;
	int vt = FL_V_STR;
	char *o;

	if (w && n < w)
		type = 0x0e; /* too short for its type: show the bytes */
	switch (type) {
	case 0x01:
	case 0x02:
		if ((o = room(r, 3 * n + 1)) == NULL)
			return limit(x, "record too large");
		len = type == 0x01 ? u16_utf8(o, v, n / 2, 1, NULL) :
		    ansi_utf8(o, v, n, NULL);
		break;
	case 0x10:
		if (n != 4 && n != 8)
			type = 0x0e;
		break;
	case 0x13:
		if (sid_size(v, n) == 0)
			type = 0x0e;
		break;
	default:
		break;
	}
	if (type != 0x01 && type != 0x02) {
		size_t need = type == 0x0e || type > 0x15 ? 2 * n : 64;

		if (type == 0x13)
			need = 24 + 11 * (size_t)v[1];
		if ((o = room(r, need)) == NULL)
			return limit(x, "record too large");
	}
	switch (type) {
	case 0x00:
	case 0x01:
	case 0x02:
		break;
	case 0x03:
		len = put_i64(o, (int8_t)v[0]);
		vt = FL_V_NUM;
		break;
	case 0x04:
		len = put_u64(o, v[0]);
		vt = FL_V_NUM;
		break;
	case 0x05:
		len = put_i64(o, (int16_t)rd16(v));
		vt = FL_V_NUM;
		break;
	case 0x06:
		len = put_u64(o, rd16(v));
		vt = FL_V_NUM;
		break;
	case 0x07:
		len = put_i64(o, (int32_t)rd32(v));
		vt = FL_V_NUM;
		break;
	case 0x08:
		len = put_u64(o, rd32(v));
		vt = FL_V_NUM;
		break;
	case 0x09:
		len = put_i64(o, (int64_t)rd64(v));
		vt = FL_V_NUM;
		break;
	case 0x0a:
		len = put_u64(o, rd64(v));
		vt = FL_V_NUM;
		break;
	case 0x0b: {
		float f;
		uint32_t u = rd32(v);

		memcpy(&f, &u, 4);
		len = put_double(o, f, 1);
		vt = FL_V_NUM;
		break;
	}
	case 0x0c: {
		double f;
		uint64_t u = rd64(v);

		memcpy(&f, &u, 8);
		len = put_double(o, f, 0);
		vt = FL_V_NUM;
		break;
	}
	case 0x0d: {
		uint32_t b = 0;
		size_t i;

		for (i = 0; i < n && i < 4; i++)
			b |= (uint32_t)v[i] << (8 * i);
		len = b ? 4 : 5;
		memcpy(o, b ? "true" : "false", len);
		vt = FL_V_BOOL;
		break;
	}
	case 0x0f:
		len = put_guid(o, v);
		break;
	case 0x10:
		len = put_hex(o, n == 4 ? rd32(v) : rd64(v));
		break;
	case 0x11:
		len = put_filetime(o, rd64(v));
		break;
	case 0x12: {
		unsigned y = rd16(v), mo = rd16(v + 2), d = rd16(v + 6);
		size_t k;

		k = put_ymdhms(o, y, mo, d, rd16(v + 8), rd16(v + 10),
			       rd16(v + 12));
		o[k++] = '.';
		k += put_digits(o + k, rd16(v + 14) % 1000, 3);
		o[k++] = 'Z';
		len = k;
		break;
	}
	case 0x13:
		len = put_sid(o, v);
		break;
	case 0x14:
		len = put_hex(o, rd32(v));
		break;
	case 0x15:
		len = put_hex(o, rd64(v));
		break;
	case 0x21:
		return 0; /* binary XML outside element content: no text */
	default:
		len = put_hexbytes(o, v, n);
		break;
	}
	return add_scr(x, r, t, len, vt, sep);
}

/* A substitution value: one value, or one per element of an array. */
static int
render(struct evtx *x, struct fl_reader *r, struct vlist *t, unsigned type,
       const unsigned char *v, size_t n)
{
	unsigned base = type & 0x7f;
	size_t w = 0, i = 0, used;
	char *o;

	if (!(type & 0x80))
		return render1(x, r, t, base, v, n, 0);
	if (n == 0) /* an empty array is one empty element */
		return add_val(x, r, t, "", 0, FL_V_STR, 1);
	switch (base) {
	case 0x01:
	case 0x02:
		/* NUL-terminated strings, one after another */
		while (i < n) {
			if (++x->work > WORK_MAX)
				return limit(x, "record too complex");
			if (base == 0x01 && n - i < 2)
				break; /* an odd last byte */
			if ((o = room(r, 3 * (n - i) + 1)) == NULL)
				return limit(x, "record too large");
			if (base == 0x01) {
				size_t k = u16_utf8(o, v + i, (n - i) / 2, 1, &used);

				if (add_scr(x, r, t, k, FL_V_STR, 1))
					return -1;
				i += 2 * used;
			} else {
				size_t k = ansi_utf8(o, v + i, n - i, &used);

				if (add_scr(x, r, t, k, FL_V_STR, 1))
					return -1;
				i += used;
			}
		}
		return 0;
	case 0x03: case 0x04: w = 1; break;
	case 0x05: case 0x06: w = 2; break;
	case 0x07: case 0x08: case 0x0b: case 0x0d: case 0x14: w = 4; break;
	case 0x09: case 0x0a: case 0x0c: case 0x11: case 0x15: w = 8; break;
	case 0x0f: case 0x12: w = 16; break;
	case 0x10: w = n % 8 == 0 ? 8 : 4; break;
	case 0x13:
		while (i < n) {
			size_t k = sid_size(v + i, n - i);

			if (++x->work > WORK_MAX)
				return limit(x, "record too complex");
			if (k == 0)
				return render1(x, r, t, 0x0e, v + i, n - i, 1);
			if (render1(x, r, t, 0x13, v + i, k, 1))
				return -1;
			i += k;
		}
		return 0;
	default:
		return render1(x, r, t, 0x0e, v, n, 1);
	}
	for (i = 0; i + w <= n; i += w) {
		if (++x->work > WORK_MAX)
			return limit(x, "record too complex");
		if (render1(x, r, t, base, v + i, w, 1))
			return -1;
	}
	return 0;
}

/* ---- binary XML --------------------------------------------------------- */

struct bx {
	struct evtx *x;
	struct fl_reader *r;
	const unsigned char *ck;
	size_t cklen;
	size_t s0, ns;          /* substitution values: x->subs[s0, s0 + ns) */
	int dep;                /* element starts carry a dependency id */
};

#define NEED(b, pos, lim, k) \
	do { \
		if ((lim) - (pos) < (k)) \
			return fail((b)->x, (pos), "binary XML cut short"); \
	} while (0)

/*
 * The name at chunk offset NO; when it is stored right here (NO == *pos)
 * the cursor moves past it.  Names are decoded once per chunk into the
 * arena at the front of scratch; when the arena or the table is full the
 * name goes to the record's scratch.
 */
static int
get_name(struct bx *b, uint32_t no, size_t *pos, size_t lim, struct key *out)
{
	struct evtx *x = b->x;
	struct fl_reader *r = b->r;
	size_t cnt, slot, i;
	struct xname *e = NULL;
	char *o;

	if (no == *pos) {
		NEED(b, *pos, lim, 8);
		cnt = rd16(b->ck + no + 6);
		NEED(b, *pos, lim, 8 + 2 * cnt + 2);
		*pos += 8 + 2 * cnt + 2;
	} else if (no > b->cklen - 8 || no < 8) {
		return fail(x, *pos, "name offset 0x%x out of range", no);
	}
	slot = (no * 2654435761u) & (NAME_SLOTS - 1);
	for (i = 0; i < NAME_SLOTS; i++) {
		e = &x->names[(slot + i) & (NAME_SLOTS - 1)];
		if (e->cgen != x->cgen)
			break;
		if (e->off == no) {
			*out = e->k;
			return 0;
		}
	}
	cnt = rd16(b->ck + no + 6);
	if (cnt > (b->cklen - no - 8) / 2)
		return fail(x, no, "name longer than its chunk");
	if (x->nnames < NAME_SLOTS / 2 && x->alen + 3 * cnt <= NAME_ARENA &&
	    e && e->cgen != x->cgen) {
		o = r->scr + x->alen;
		out->n = u16_utf8(o, b->ck + no + 8, cnt, 0, NULL);
		out->p = o;
		x->alen += out->n;
		out->owned = 1;
		out->key = r->keys ? fl_keys_find(r->keys, o, out->n) :
		    FL_KEY_NONE;
		e->off = no;
		e->cgen = x->cgen;
		e->k = *out;
		x->nnames++;
		return 0;
	}
	if ((o = room(r, 3 * cnt)) == NULL)
		return limit(x, "record too large");
	out->n = u16_utf8(o, b->ck + no + 8, cnt, 0, NULL);
	out->p = o;
	out->owned = 1;
	out->key = FL_KEY_UNSET;
	r->scrlen += out->n;
	return 0;
}

static int parse_fragment(struct bx *b, size_t *pos, size_t lim, int32_t parent,
			  unsigned depth);

static int
deeper(struct bx *b, unsigned depth)
{
	if (depth < b->r->o.max_depth)
		return 0;
	return limit(b->x, "nesting deeper than %u", b->r->o.max_depth);
}

/* A template instance at *pos: the definition (inline or cached), the
 * values, then the definition's body decoded with them. */
static int
parse_template(struct bx *b, size_t *pos, size_t lim, int32_t parent,
	       unsigned depth)
{
	struct evtx *x = b->x;
	size_t p = *pos, vp, bp, s0, i;
	uint32_t def, body = 0, len = 0, cnt, slot, k;
	struct xtmpl *e = NULL;
	struct bx nb;
	int rc;

	if (deeper(b, depth))
		return -1;
	NEED(b, p, lim, 10);
	def = rd32(b->ck + p + 6);
	p += 10;
	slot = (def * 2654435761u) & (TMPL_SLOTS - 1);
	for (k = 0; k < TMPL_SLOTS; k++) {
		e = &x->tmpls[(slot + k) & (TMPL_SLOTS - 1)];
		if (e->cgen != x->cgen || e->off == def)
			break;
	}
	if (def == p) {
		NEED(b, p, lim, 24);
		len = rd32(b->ck + p + 20);
		body = (uint32_t)p + 24;
		if (len > lim - body)
			return fail(x, p, "template definition longer than "
				    "its record");
		p = body + len;
	} else if (e && e->cgen == x->cgen && e->off == def) {
		body = e->body;
		len = e->len;
		e = NULL;
	} else {
		if (def < EVTX_CHDR || def > b->cklen - 24)
			return fail(x, *pos, "template definition offset 0x%x "
				    "out of range", def);
		len = rd32(b->ck + def + 20);
		body = def + 24;
		if (len > b->cklen - body)
			return fail(x, *pos, "template definition at 0x%x "
				    "longer than its chunk", def);
	}
	if (e && e->cgen != x->cgen && x->ntmpls < TMPL_SLOTS / 2) {
		e->off = def;
		e->cgen = x->cgen;
		e->body = body;
		e->len = len;
		x->ntmpls++;
	}
	NEED(b, p, lim, 4);
	cnt = rd32(b->ck + p);
	p += 4;
	if (cnt > (lim - p) / 4)
		return fail(x, p, "more template values than the record holds");
	GROW(x, subs, caps, x->ns + cnt, MAX_SUBS, "template values");
	s0 = x->ns;
	vp = p + 4 * (size_t)cnt;
	for (i = 0; i < cnt; i++) {
		struct sub *s = &x->subs[s0 + i];

		s->n = rd16(b->ck + p + 4 * i);
		s->type = b->ck[p + 4 * i + 2];
		s->off = (uint32_t)vp;
		if (s->n > lim - vp)
			return fail(x, vp, "template value %zu longer than "
				    "its record", i);
		vp += s->n;
	}
	x->ns += cnt;
	*pos = vp;
	nb = *b;
	nb.s0 = s0;
	nb.ns = cnt;
	nb.dep = 1;
	bp = body;
	rc = parse_fragment(&nb, &bp, (size_t)body + len, parent, depth + 1);
	x->ns = s0;
	return rc;
}

/* A node under PARENT (-1: a root). */
static int
new_node(struct evtx *x, int32_t parent, const struct key *name,
	 int32_t *out)
{
	struct xnode *n;
	int32_t id;

	GROW(x, nodes, capn, x->nn + 1, x->maxn, "elements");
	id = (int32_t)x->nn++;
	n = &x->nodes[id];
	n->name = *name;
	n->first = n->last = n->next = -1;
	n->a0 = (uint32_t)x->na;
	n->na = 0;
	n->v.v0 = n->v.nv = 0;
	if (parent >= 0) {
		struct xnode *pn = &x->nodes[parent];

		if (pn->last >= 0)
			x->nodes[pn->last].next = id;
		else
			pn->first = id;
		pn->last = id;
	}
	*out = id;
	return 0;
}

/*
 * One piece of text content at *pos (value text, CDATA, references,
 * substitutions) for the value list T; NODE >= 0 when it is an element's
 * content, where a binary XML value is decoded into children.
 */
static int
parse_piece(struct bx *b, size_t *pos, size_t lim, struct vlist *t,
	    int32_t node, unsigned depth)
{
	struct evtx *x = b->x;
	struct fl_reader *r = b->r;
	const unsigned char *ck = b->ck;
	size_t p = *pos, cnt;
	unsigned tok = ck[p] & 0xbf;
	char *o;

	switch (tok) {
	case 0x05: /* value text: a UTF-16 string */
		NEED(b, p, lim, 4);
		if (ck[p + 1] != 0x01)
			return fail(x, p, "value text of type 0x%02x",
				    ck[p + 1]);
		cnt = rd16(ck + p + 2);
		NEED(b, p, lim, 4 + 2 * cnt);
		if ((o = room(r, 3 * cnt)) == NULL)
			return limit(x, "record too large");
		*pos = p + 4 + 2 * cnt;
		return add_scr(x, r, t, u16_utf8(o, ck + p + 4, cnt, 1, NULL),
			       FL_V_STR, 0);
	case 0x07: /* CDATA */
		NEED(b, p, lim, 3);
		cnt = rd16(ck + p + 1);
		NEED(b, p, lim, 3 + 2 * cnt);
		if ((o = room(r, 3 * cnt)) == NULL)
			return limit(x, "record too large");
		*pos = p + 3 + 2 * cnt;
		return add_scr(x, r, t, u16_utf8(o, ck + p + 3, cnt, 0, NULL),
			       FL_V_STR, 0);
	case 0x08: { /* character reference */
		uint32_t c;

		NEED(b, p, lim, 3);
		c = rd16(ck + p + 1);
		*pos = p + 3;
		if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		if ((o = room(r, 4)) == NULL)
			return limit(x, "record too large");
		return add_scr(x, r, t, fl_utf8_put(c, o), FL_V_STR, 0);
	}
	case 0x09: { /* entity reference: the five XML entities */
		static const char *const ent[] = {"lt", "<", "gt", ">", "amp",
			"&", "quot", "\"", "apos", "'"};
		struct key nm;
		size_t i;

		NEED(b, p, lim, 5);
		*pos = p + 5;
		if (get_name(b, rd32(ck + p + 1), pos, lim, &nm))
			return -1;
		if ((o = room(r, nm.n + 2)) == NULL)
			return limit(x, "record too large");
		for (i = 0; i < 10; i += 2)
			if (nm.n == strlen(ent[i]) &&
			    memcmp(nm.p, ent[i], nm.n) == 0) {
				o[0] = ent[i + 1][0];
				return add_scr(x, r, t, 1, FL_V_STR, 0);
			}
		o[0] = '&';
		memcpy(o + 1, nm.p, nm.n);
		o[nm.n + 1] = ';';
		return add_scr(x, r, t, nm.n + 2, FL_V_STR, 0);
	}
	case 0x0d: /* normal substitution */
	case 0x0e: { /* optional substitution */
		const struct sub *s;
		unsigned id;

		NEED(b, p, lim, 4);
		id = rd16(ck + p + 1);
		*pos = p + 4;
		if (id >= b->ns)
			return fail(x, p, "substitution %u of %zu values", id,
				    b->ns);
		s = &x->subs[b->s0 + id];
		if (s->type == 0x00)
			return 0;
		if (s->type == 0x21) {
			struct bx nb = *b;
			size_t q = s->off;

			if (node < 0 || s->n == 0)
				return 0;
			nb.s0 = nb.ns = 0;
			nb.dep = 0;
			return parse_fragment(&nb, &q, (size_t)s->off + s->n,
					      node, depth + 1);
		}
		return render(x, r, t, s->type, ck + s->off, s->n);
	}
	default:
		return fail(x, p, "unexpected token 0x%02x in text", ck[p]);
	}
}

/* Skip a PI target (0x0a) or PI data (0x0b) at *pos. */
static int
skip_pi(struct bx *b, size_t *pos, size_t lim)
{
	size_t p = *pos;
	struct key nm;

	if ((b->ck[p] & 0xbf) == 0x0a) {
		NEED(b, p, lim, 5);
		*pos = p + 5;
		return get_name(b, rd32(b->ck + p + 1), pos, lim, &nm);
	}
	NEED(b, p, lim, 3);
	NEED(b, p, lim, 3 + 2 * (size_t)rd16(b->ck + p + 1));
	*pos = p + 3 + 2 * (size_t)rd16(b->ck + p + 1);
	return 0;
}

/*
 * Where the name offset of the element start at P lies: with a dependency
 * identifier (template definitions) it is at P + 7, without (records and
 * nested binary XML written as plain elements) at P + 5.  The context's
 * layout is tried first; if its name offset is implausible (neither the
 * name right behind it nor one earlier in the chunk) the other one.
 */
static int
name_at(struct bx *b, size_t p, size_t lim, size_t *at)
{
	size_t first = b->dep ? 7 : 5, second = b->dep ? 5 : 7, c;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		c = pass ? second : first;
		if (lim - p >= c + 4) {
			uint32_t no = rd32(b->ck + p + c);

			if (no == p + c + 4 || (no < p && no >= 8)) {
				*at = c;
				return 0;
			}
		}
	}
	if (lim - p < first + 4)
		return fail(b->x, p, "binary XML cut short");
	return fail(b->x, p, "element name offset 0x%x out of range",
		    rd32(b->ck + p + first));
}

static int
parse_element(struct bx *b, size_t *pos, size_t lim, int32_t parent,
	      unsigned depth)
{
	struct evtx *x = b->x;
	const unsigned char *ck = b->ck;
	size_t p = *pos, at = 0;
	int hasattr = ck[p] & 0x40;
	struct key nm;
	int32_t id = -1;

	if (deeper(b, depth))
		return -1;
	if (name_at(b, p, lim, &at))
		return -1;
	p += at + 4;
	if (get_name(b, rd32(ck + *pos + at), &p, lim, &nm))
		return -1;
	if (hasattr) {
		NEED(b, p, lim, 4);
		p += 4;
	}
	if (new_node(x, parent, &nm, &id))
		return -1;
	while (hasattr && p < lim && (ck[p] & 0xbf) == 0x06) {
		struct xattr *a;
		size_t ai;

		if (++x->work > WORK_MAX)
			return limit(x, "record too complex");
		NEED(b, p, lim, 5);
		p += 5;
		if (get_name(b, rd32(ck + p - 4), &p, lim, &nm))
			return -1;
		GROW(x, attrs, capa, x->na + 1, x->maxn, "attributes");
		ai = x->na++;
		a = &x->attrs[ai];
		a->name = nm;
		a->v.v0 = a->v.nv = 0;
		x->nodes[id].na++;
		while (p < lim) {
			unsigned t = ck[p] & 0xbf;

			if (t != 0x05 && t != 0x08 && t != 0x09 && t != 0x0d &&
			    t != 0x0e)
				break;
			if (++x->work > WORK_MAX)
				return limit(x, "record too complex");
			if (parse_piece(b, &p, lim, &x->attrs[ai].v, -1, depth))
				return -1;
		}
	}
	NEED(b, p, lim, 1);
	if (ck[p] == 0x03) {
		*pos = p + 1;
		return 0;
	}
	if (ck[p] != 0x02)
		return fail(x, p, "unexpected token 0x%02x in a start tag",
			    ck[p]);
	p++;
	for (;;) {
		unsigned t;

		NEED(b, p, lim, 1);
		if (++x->work > WORK_MAX)
			return limit(x, "record too complex");
		t = ck[p] & 0xbf;
		switch (t) {
		case 0x04:
			*pos = p + 1;
			return 0;
		case 0x01:
			if (parse_element(b, &p, lim, id, depth + 1))
				return -1;
			break;
		case 0x05:
		case 0x07:
		case 0x08:
		case 0x09:
		case 0x0d:
		case 0x0e:
			if (parse_piece(b, &p, lim, &x->nodes[id].v, id, depth))
				return -1;
			break;
		case 0x0a:
		case 0x0b:
			if (skip_pi(b, &p, lim))
				return -1;
			break;
		case 0x0c:
			if (parse_template(b, &p, lim, id, depth + 1))
				return -1;
			break;
		default:
			return fail(x, p, "unexpected token 0x%02x in "
				    "element content", ck[p]);
		}
	}
}

/* Fragments at *pos up to an end-of-file token or LIM. */
static int
parse_fragment(struct bx *b, size_t *pos, size_t lim, int32_t parent,
	       unsigned depth)
{
	struct evtx *x = b->x;

	while (*pos < lim) {
		if (++x->work > WORK_MAX)
			return limit(x, "record too complex");
		switch (b->ck[*pos] & 0xbf) {
		case 0x00:
			(*pos)++;
			return 0;
		case 0x0f:
			NEED(b, *pos, lim, 4);
			*pos += 4;
			break;
		case 0x0c:
			if (parse_template(b, pos, lim, parent, depth))
				return -1;
			break;
		case 0x01:
			if (parse_element(b, pos, lim, parent, depth))
				return -1;
			break;
		case 0x0a:
		case 0x0b:
			if (skip_pi(b, pos, lim))
				return -1;
			break;
		default:
			return fail(x, *pos, "unexpected token 0x%02x",
				    b->ck[*pos]);
		}
	}
	return 0;
}

/* ---- flattening: the evtx_dump shape named by jsonl.c's rules ---------- */

struct em {
	struct evtx *x;
	struct fl_reader *r;
	size_t plen;            /* bytes of r->path in use */
};

static int
keyis(const struct key *k, const char *s, size_t n)
{
	return k->n == n && memcmp(k->p, s, n) == 0;
}

#define KEYIS(k, s) keyis((k), (s), sizeof(s) - 1)

static const struct key k_attrs = {"#attributes", 11, FL_KEY_UNSET, 0};
static const struct key k_text = {"#text", 5, FL_KEY_UNSET, 0};
static const struct key k_data = {"Data", 4, FL_KEY_UNSET, 0};

static int
path_put(struct em *m, const char *p, size_t n)
{
	if (n > m->r->o.max_name - m->plen)
		return limit(m->x, "field name too long");
	memcpy(m->r->path + m->plen, p, n);
	m->plen += n;
	return 0;
}

/* The frame of an object under K in FRAME; extends the path. */
static int
descend(struct em *m, int frame, const struct key *k, int *nf)
{
	struct fl_evstep st;

	fl_evshape_step(frame, k->p, k->n, &st);
	*nf = st.frame;
	if ((st.pre[0] && path_put(m, st.pre, 1)) ||
	    (st.key && path_put(m, k->p, k->n)) ||
	    (st.post[0] && path_put(m, st.post, 1)))
		return -1;
	return 0;
}

/* A scalar under K in FRAME (as jsonl.c's emit()). */
static int
emit(struct em *m, int frame, const struct key *k, const char *v, size_t vn,
     int type)
{
	struct fl_reader *r = m->r;
	const char *name;
	unsigned key = FL_KEY_UNSET;
	size_t n;
	char *o;

	if (frame == FL_EF_SKIP)
		return 0;
	if (frame == FL_EF_HOLD && KEYIS(k, "#text")) {
		if ((o = room(r, m->plen)) == NULL)
			return limit(m->x, "record too large");
		memcpy(o, r->path, m->plen);
		r->scrlen += m->plen;
		name = o;
		n = m->plen;
	} else if (m->plen == 0) {
		n = k->n;
		if (k->owned) {
			name = k->p;
			key = k->key;
		} else {
			if ((o = room(r, n)) == NULL)
				return limit(m->x, "record too large");
			memcpy(o, k->p, n);
			r->scrlen += n;
			name = o;
		}
	} else {
		size_t sep = frame == FL_EF_HOLD;

		if (k->n + sep > r->o.max_name - m->plen)
			return limit(m->x, "field name too long");
		n = m->plen + sep + k->n;
		if ((o = room(r, n)) == NULL)
			return limit(m->x, "record too large");
		memcpy(o, r->path, m->plen);
		if (sep)
			o[m->plen] = '_';
		memcpy(o + m->plen + sep, k->p, k->n);
		r->scrlen += n;
		name = o;
	}
	if (n == 0)
		return 0;
	if (fl_r_field(r, name, n, v, vn, type, key) != 0)
		return limit(m->x, "more than %zu fields", r->o.max_fields);
	return 0;
}

/* A value list under K: null when empty, else each value (an array gives
 * one field per element, as jsonl.c reads a JSON array). */
static int
emit_vals(struct em *m, int frame, const struct key *k, const struct vlist *v)
{
	uint32_t i;

	if (v->nv == 0)
		return emit(m, frame, k, "", 0, FL_V_NULL);
	for (i = 0; i < v->nv; i++) {
		const struct xval *xv = &m->x->vals[v->v0 + i];

		if (emit(m, frame, k, xv->p, xv->n, xv->type))
			return -1;
	}
	return 0;
}

static int
has_text(const struct evtx *x, const struct vlist *v)
{
	uint32_t i;

	for (i = 0; i < v->nv; i++)
		if (x->vals[v->v0 + i].n)
			return 1;
	return 0;
}

static int
attrs_text(const struct evtx *x, const struct xnode *n)
{
	uint32_t i;

	for (i = 0; i < n->na; i++)
		if (has_text(x, &x->attrs[n->a0 + i].v))
			return 1;
	return 0;
}

static int
is_container(const struct key *k)
{
	return KEYIS(k, "EventData") || KEYIS(k, "UserData");
}

/* The text of the Name attribute of N, or NULL. */
static const struct xval *
data_name(const struct evtx *x, const struct xnode *n)
{
	uint32_t i;

	for (i = 0; i < n->na; i++) {
		const struct xattr *a = &x->attrs[n->a0 + i];

		if (KEYIS(&a->name, "Name"))
			return has_text(x, &a->v) ? &x->vals[a->v.v0] : NULL;
	}
	return NULL;
}

static int elem_value(struct em *m, int32_t id, const struct key *k,
		      int frame, int container);

static int
body(struct em *m, int32_t id, const struct key *k, int frame, int container)
{
	struct evtx *x = m->x;
	const struct xnode *n = &x->nodes[id];
	size_t plen = m->plen, aplen;
	int nf, af, flatten = 0, positional = 0;
	int32_t c, c2;
	uint32_t i;

	if (descend(m, frame, k, &nf))
		return -1;
	if (attrs_text(x, n)) {
		aplen = m->plen;
		if (descend(m, nf, &k_attrs, &af))
			return -1;
		for (i = 0; i < n->na; i++) {
			const struct xattr *a = &x->attrs[n->a0 + i];

			if (has_text(x, &a->v) && emit_vals(m, af, &a->name, &a->v))
				return -1;
		}
		m->plen = aplen;
	}
	if (has_text(x, &n->v) && emit_vals(m, nf, &k_text, &n->v))
		return -1;
	if (container)
		for (c = n->first; c >= 0 && !flatten; c = x->nodes[c].next)
			flatten = KEYIS(&x->nodes[c].name, "Data") &&
			    data_name(x, &x->nodes[c]) != NULL;
	for (c = n->first; c >= 0; c = x->nodes[c].next) {
		const struct xnode *cn = &x->nodes[c];
		struct key ck;
		unsigned dup = 0;

		if (container && KEYIS(&cn->name, "Data")) {
			if (flatten) {
				const struct xval *nv = data_name(x, cn);

				if (nv == NULL)
					continue;
				ck.p = nv->p;
				ck.n = nv->n;
				ck.key = FL_KEY_UNSET;
				ck.owned = 1;
				if (elem_value(m, c, &ck, nf, -1))
					return -1;
			} else if (!positional) {
				size_t dplen = m->plen;
				int df;

				positional = 1;
				if (descend(m, nf, &k_data, &df))
					return -1;
				for (c2 = c; c2 >= 0; c2 = x->nodes[c2].next)
					if (KEYIS(&x->nodes[c2].name, "Data") &&
					    elem_value(m, c2, &k_text, df, -1))
						return -1;
				m->plen = dplen;
			}
			continue;
		}
		/* a repeated name is numbered: Name, Name_1, Name_2... */
		for (c2 = n->first; c2 != c; c2 = x->nodes[c2].next)
			if (x->nodes[c2].name.n == cn->name.n &&
			    memcmp(x->nodes[c2].name.p, cn->name.p,
				   cn->name.n) == 0)
				dup++;
		ck = cn->name;
		if (dup) {
			char *o = room(m->r, cn->name.n + 12);

			if (o == NULL)
				return limit(x, "record too large");
			memcpy(o, cn->name.p, cn->name.n);
			o[cn->name.n] = '_';
			ck.n = cn->name.n + 1 + put_u64(o + cn->name.n + 1, dup);
			ck.p = o;
			ck.key = FL_KEY_UNSET;
			ck.owned = 1;
			m->r->scrlen += ck.n;
		}
		if (elem_value(m, c, &ck, nf, is_container(&cn->name)))
			return -1;
	}
	m->plen = plen;
	return 0;
}

/*
 * Element ID as the value of key K in FRAME: null when it holds nothing,
 * its text when that is all, else an object.  CONTAINER -1 marks a Data
 * element of EventData/UserData: empty it is "", and only its children
 * make it an object.
 */
static int
elem_value(struct em *m, int32_t id, const struct key *k, int frame,
	   int container)
{
	const struct evtx *x = m->x;
	const struct xnode *n = &x->nodes[id];
	int text = has_text(x, &n->v), child = n->first >= 0;

	if (container < 0) {
		if (child)
			return body(m, id, k, frame, 0);
		if (!text)
			return emit(m, frame, k, "", 0, FL_V_STR);
		return emit_vals(m, frame, k, &n->v);
	}
	if (!child && !attrs_text(x, n)) {
		if (!text)
			return emit(m, frame, k, "", 0, FL_V_NULL);
		return emit_vals(m, frame, k, &n->v);
	}
	return body(m, id, k, frame, container);
}

/* ---- records ------------------------------------------------------------ */

static int
name_is(const struct fl_field *f, const char *s, size_t n)
{
	return f->name.n == n && memcmp(f->name.p, s, n) == 0;
}

/* Time, host and record number from the fields; the record header's id
 * and time when the event has none. */
static void
stamp(struct fl_reader *r, struct fl_event *ev, uint64_t id, uint64_t ft,
      unsigned long long *rec)
{
	int t = 0, h = 0, n = 0;
	size_t i;

	*rec = id;
	for (i = 0; i < r->nfields && (!t || !h || !n); i++) {
		const struct fl_field *f = &r->fields[i];

		if (!t && name_is(f, "TimeCreated_SystemTime", 22))
			t = fl_event_parse_time(f->value.p, f->value.n,
						&ev->time, &ev->nsec) == 0;
		else if (!h && name_is(f, "Computer", 8)) {
			ev->host = f->value;
			h = 1;
		} else if (!n && name_is(f, "EventRecordID", 13)) {
			unsigned long long v = 0;
			size_t k;

			for (k = 0; k < f->value.n && k < 20; k++) {
				if (f->value.p[k] < '0' || f->value.p[k] > '9')
					break;
				v = v * 10 + (unsigned)(f->value.p[k] - '0');
			}
			if (k == f->value.n && k > 0 && k < 20)
				*rec = v;
			n = 1;
		}
	}
	if (!t && ft >= UINT64_C(116444736000000000)) {
		ev->time = (int64_t)(ft / 10000000u) - INT64_C(11644473600);
		ev->nsec = (uint32_t)(ft % 10000000u) * 100;
	}
}

/* Decode the binary XML in [start, end) of the chunk into *ev. */
static int
decode(struct fl_reader *r, struct evtx *x, size_t start, size_t end,
       uint64_t id, uint64_t ft, struct fl_event *ev)
{
	struct bx b;
	struct em m;
	size_t pos = start;
	unsigned long long rec;

	r->nfields = 0;
	r->scrlen = NAME_ARENA;
	x->nn = x->na = x->nv = x->ns = 0;
	x->work = 0;
	x->err = x->limit = 0;
	memset(&b, 0, sizeof b);
	b.x = x;
	b.r = r;
	b.ck = x->ck;
	b.cklen = EVTX_CHUNK;
	if (parse_fragment(&b, &pos, end, -1, 0))
		return -1;
	if (x->nn == 0)
		return fail(x, 0, "no element in the record");
	m.x = x;
	m.r = r;
	m.plen = 0;
	if (elem_value(&m, 0, &x->nodes[0].name, FL_EF_TOP, 0))
		return -1;
	stamp(r, ev, id, ft, &rec);
	fl_r_finish(r, ev, (unsigned long)rec);
	return 0;
}

/* ---- chunks ------------------------------------------------------------- */

static int
all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static enum fl_read
bad(struct fl_reader *r, struct fl_diag *d, fl_err rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum fl_read
bad(struct fl_reader *r, struct fl_diag *d, fl_err rc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fl_diag_set(d, rc, r->source, 0, 0, "%s", msg);
	return FL_READ_BAD;
}

/* Check the chunk now at x->ck and start reading its records. */
static enum fl_read
open_chunk(struct fl_reader *r, struct evtx *x, struct fl_diag *d)
{
	const unsigned char *c = x->ck;
	uint32_t crc, fso;

	x->have = 0;
	if (memcmp(c, "ElfChnk", 8) != 0) {
		if (all_zero(c, EVTX_CHUNK))
			return FL_READ_OK; /* unused space */
		return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): no "
			   "chunk signature", x->cno, x->coff);
	}
	crc = crc32_add(x->crc, 0, c, 120);
	crc = crc32_add(x->crc, crc, c + 128, EVTX_CHDR - 128);
	if (crc != rd32(c + 124))
		return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): header "
			   "checksum mismatch", x->cno, x->coff);
	fso = rd32(c + 48);
	if (fso < EVTX_CHDR || fso > EVTX_CHUNK)
		return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): free "
			   "space offset %u out of range", x->cno, x->coff, fso);
	if (crc32_add(x->crc, 0, c + EVTX_CHDR, fso - EVTX_CHDR) !=
	    rd32(c + 52))
		return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): "
			   "records checksum mismatch", x->cno, x->coff);
	x->rec = EVTX_CHDR;
	x->recend = fso;
	x->have = 1;
	x->nnames = x->alen = x->ntmpls = 0;
	if (++x->cgen == 0) {
		/* after 2^32 chunks the old generations could alias */
		memset(x->names, 0, NAME_SLOTS * sizeof *x->names);
		memset(x->tmpls, 0, TMPL_SLOTS * sizeof *x->tmpls);
		x->cgen = 1;
	}
	return FL_READ_OK;
}

/* Window mode: at least N bytes at buf[start...] unless the input ends
 * first; -1 on a read error (d filled). */
static int
want(struct fl_reader *r, size_t n, struct fl_diag *d)
{
	int f;

	while (r->end - r->start < n && !r->eof) {
		if (r->cap - r->start < n) {
			memmove(r->own, r->own + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if ((f = fl_r_fill(r, d)) < 0)
			return -1;
		if (f == 0)
			break;
	}
	return 0;
}

/* Input that starts with a chunk, not the file header: a run of chunks,
 * numbered from where it lies in its file (reader option base). */
static enum fl_read
run_start(struct fl_reader *r, struct evtx *x)
{
	x->coff = r->o.base;
	x->cno = r->o.base >= EVTX_HDR ?
		 (r->o.base - EVTX_HDR) / EVTX_CHUNK : 0;
	return FL_READ_OK;
}

/* The file header (or a first chunk) at the start of the input. */
static enum fl_read
start(struct fl_reader *r, struct evtx *x, struct fl_diag *d)
{
	const unsigned char *p;
	size_t n;

	x->state = S_CHUNK;
	if (x->window) {
		if (want(r, EVTX_HDR, d))
			return FL_READ_FATAL;
		p = (const unsigned char *)r->buf + r->start;
		n = r->end - r->start;
	} else {
		p = (const unsigned char *)r->buf;
		n = r->end;
	}
	if (n == 0) {
		x->state = S_END;
		return FL_READ_OK;
	}
	if (n >= 8 && memcmp(p, "ElfChnk", 8) == 0)
		return run_start(r, x);
	if (n >= 8 && all_zero(p, 8)) {
		/* a run of chunks that starts with an unused one */
		if (x->window) {
			if (want(r, EVTX_CHUNK, d))
				return FL_READ_FATAL;
			p = (const unsigned char *)r->buf + r->start;
			n = r->end - r->start;
		}
		if (n >= EVTX_CHUNK && all_zero(p, EVTX_CHUNK))
			return run_start(r, x);
	}
	if (n < 8 || memcmp(p, "ElfFile", 8) != 0) {
		x->state = S_END;
		return bad(r, d, FL_E_SYNTAX, "not an EVTX file (no ElfFile or "
			   "ElfChnk signature)");
	}
	if (n < EVTX_HDR) {
		x->state = S_END;
		return bad(r, d, FL_E_SYNTAX, "file header cut short (%zu of "
			   "%u bytes)", n, EVTX_HDR);
	}
	x->coff = EVTX_HDR;
	if (x->window)
		r->start += EVTX_HDR;
	else
		x->moff = EVTX_HDR;
	if (crc32_add(x->crc, 0, p, 120) != rd32(p + 124))
		return bad(r, d, FL_E_SYNTAX, "file header checksum mismatch");
	return FL_READ_OK;
}

/* The next chunk into x->ck; FL_READ_OK with x->have set when there is one
 * to read, FL_READ_OK with state S_END at the end. */
static enum fl_read
next_chunk(struct fl_reader *r, struct evtx *x, struct fl_diag *d)
{
	size_t n;

	if (x->have)
		x->cno++, x->coff += EVTX_CHUNK;
	x->have = 0;
	if (x->window) {
		if (want(r, EVTX_CHUNK, d))
			return FL_READ_FATAL;
		n = r->end - r->start < EVTX_CHUNK ? r->end - r->start :
		    EVTX_CHUNK;
		x->ck = (const unsigned char *)r->buf + r->start;
		r->start += n; /* the bytes stay put until the next fill */
	} else {
		n = r->end - x->moff < EVTX_CHUNK ? r->end - x->moff :
		    EVTX_CHUNK;
		x->ck = (const unsigned char *)r->buf + x->moff;
		x->moff += n;
	}
	if (n == 0) {
		x->state = S_END;
		return FL_READ_OK;
	}
	if (n < EVTX_CHUNK) {
		x->state = S_END;
		if (all_zero(x->ck, n))
			return FL_READ_OK;
		return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): cut "
			   "short (%zu of %u bytes)", x->cno, x->coff, n,
			   EVTX_CHUNK);
	}
	if (open_chunk(r, x, d) == FL_READ_BAD) {
		/* count it as read, so the next call moves on */
		x->cno++, x->coff += EVTX_CHUNK;
		return FL_READ_BAD;
	}
	if (!x->have)
		x->cno++, x->coff += EVTX_CHUNK; /* unused: skipped */
	return FL_READ_OK;
}

enum fl_read
fl_evtx_next(struct fl_reader *r, struct fl_event *ev, struct fl_diag *d)
{
	struct evtx *x = r->fx;
	enum fl_read rc;

	for (;;) {
		const unsigned char *c;
		size_t off, size;
		uint64_t id, ft;

		if (x->state == S_END)
			return FL_READ_END;
		if (x->state == S_START) {
			if ((rc = start(r, x, d)) != FL_READ_OK)
				return rc;
			continue;
		}
		if (!x->have || x->rec >= x->recend) {
			if ((rc = next_chunk(r, x, d)) != FL_READ_OK)
				return rc;
			continue;
		}
		c = x->ck;
		off = x->rec;
		if (EVTX_CHUNK - off < EVTX_REC + 4 ||
		    memcmp(c + off, "**\0\0", 4) != 0) {
			x->rec = x->recend;
			return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): "
				   "no record signature at chunk offset 0x%zx; "
				   "rest of the chunk skipped", x->cno, x->coff,
				   off);
		}
		size = rd32(c + off + 4);
		id = rd64(c + off + 8);
		ft = rd64(c + off + 16);
		if (size < EVTX_REC + 4 || size > EVTX_CHUNK - off ||
		    rd32(c + off + size - 4) != size) {
			x->rec = x->recend;
			return bad(r, d, FL_E_SYNTAX, "chunk %llu (offset %llu): "
				   "record %llu at chunk offset 0x%zx: bad size "
				   "%zu; rest of the chunk skipped", x->cno,
				   x->coff, (unsigned long long)id, off, size);
		}
		x->rec = off + size;
		if (size > r->o.max_record)
			return bad(r, d, FL_E_LIMIT, "record %llu: longer than %zu "
				   "bytes: skipped", (unsigned long long)id,
				   r->o.max_record);
		if (decode(r, x, off + EVTX_REC, off + size - 4, id, ft, ev) == 0)
			return FL_READ_OK;
		r->nfields = 0;
		return bad(r, d, x->limit ? FL_E_LIMIT : FL_E_SYNTAX,
			   "record %llu (chunk %llu): %s",
			   (unsigned long long)id, x->cno, x->emsg);
	}
}

static void
evtx_free(void *p)
{
	struct evtx *x = p;

	if (x == NULL)
		return;
	free(x->names);
	free(x->tmpls);
	free(x->nodes);
	free(x->attrs);
	free(x->vals);
	free(x->subs);
	free(x);
}

fl_err
fl_evtx_setup(struct fl_reader *r, struct fl_diag *d)
{
	struct evtx *x;
	char *scr;

	if ((x = calloc(1, sizeof *x)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	r->fx = x;
	r->fx_free = evtx_free;
	crc_init(x->crc);
	x->state = S_START;
	x->maxn = r->o.max_fields + 64 < MAX_NODES ? r->o.max_fields + 64 :
	    MAX_NODES;
	x->capn = x->capa = 64;
	x->capv = x->caps = 256;
	x->names = calloc(NAME_SLOTS, sizeof *x->names);
	x->tmpls = calloc(TMPL_SLOTS, sizeof *x->tmpls);
	x->nodes = malloc(x->capn * sizeof *x->nodes);
	x->attrs = malloc(x->capa * sizeof *x->attrs);
	x->vals = malloc(x->capv * sizeof *x->vals);
	x->subs = malloc(x->caps * sizeof *x->subs);
	/* the name arena goes in front of the record scratch, so names are
	   slices of the reader's own scratch; a record (64 KiB at most) needs
	   far less than the 2 x max_record other formats get */
	if (r->scrcap > REC_SCRATCH)
		r->scrcap = REC_SCRATCH;
	scr = malloc(NAME_ARENA + r->scrcap);
	if (!x->names || !x->tmpls || !x->nodes || !x->attrs || !x->vals ||
	    !x->subs || !scr) {
		free(scr);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	free(r->scr);
	r->scr = scr;
	r->scrcap += NAME_ARENA;
	r->scrlen = NAME_ARENA;
	if (r->own) {
		/* fd mode or compressed input: the window holds one chunk,
		   read 64 KiB at a time (nothing is in it yet) */
		x->window = 1;
		free(r->own);
		if ((r->own = malloc(EVTX_CHUNK)) == NULL)
			return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		r->buf = r->own;
		r->cap = EVTX_CHUNK;
		r->start = r->end = 0;
	}
	return FL_OK;
}

fl_err
fl_evtx_chunk_span(const void *p, size_t n, size_t *first, size_t *count)
{
	*first = *count = 0;
	if (n >= 8 && memcmp(p, "ElfFile", 8) == 0)
		*first = EVTX_HDR;
	else if (n < 8 || memcmp(p, "ElfChnk", 8) != 0)
		return FL_E_SYNTAX;
	if (n > *first)
		*count = (n - *first) / EVTX_CHUNK;
	return FL_OK;
}
