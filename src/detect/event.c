/*
 * event: the field-name dictionary, the reader core shared by every event
 * format (the chunked input window, the scratch block, the field table and
 * its key slots) and the small pure helpers (UTF-8, civil dates, ISO time).
 *
 * Memory is fixed when a reader opens: the window (max_record + chunk
 * bytes), the scratch (2 x max_record), the field table (max_fields) and
 * the slot table (one entry per dictionary key).  The blocks are allocated
 * but only the pages a record touches become resident, so a reader over
 * short lines costs little, and none is ever moved: a bigger record than
 * the limit is a bad record, not a reallocation.  It refuses to read past
 * the limits it was given, and it never prints.
 */
#include "event_int.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- dictionary ------------------------------------------------------- */

struct kent {
	char *name;     /* NULL: empty slot */
	size_t n;
	uint32_t hash;
	unsigned key;
};

struct fl_keys {
	struct kent *t;
	size_t mask, used;
	unsigned nkeys;
	int nocase;
};

static unsigned char
fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* FNV-1a: names are short (5-30 bytes), so a byte loop beats setup costs
 * of wider hashes, and the table stays below half full. */
static uint32_t
khash(const struct fl_keys *k, const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	if (k->nocase)
		for (i = 0; i < n; i++)
			h = (h ^ fold((unsigned char)s[i])) * 16777619u;
	else
		for (i = 0; i < n; i++)
			h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int
keq(const struct fl_keys *k, const struct kent *e, const char *s, size_t n)
{
	size_t i;

	if (e->n != n)
		return 0;
	if (!k->nocase)
		return memcmp(e->name, s, n) == 0;
	for (i = 0; i < n; i++)
		if (fold((unsigned char)e->name[i]) != fold((unsigned char)s[i]))
			return 0;
	return 1;
}

fl_err
fl_keys_new(int nocase, struct fl_keys **out)
{
	struct fl_keys *k;

	*out = NULL;
	if ((k = calloc(1, sizeof *k)) == NULL)
		return FL_E_NOMEM;
	if ((k->t = calloc(64, sizeof *k->t)) == NULL) {
		free(k);
		return FL_E_NOMEM;
	}
	k->mask = 63;
	k->nocase = nocase != 0;
	*out = k;
	return FL_OK;
}

void
fl_keys_free(struct fl_keys *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i <= k->mask; i++)
		free(k->t[i].name);
	free(k->t);
	free(k);
}

static struct kent *
kslot(const struct fl_keys *k, const char *s, size_t n, uint32_t h)
{
	size_t i = h & k->mask;

	while (k->t[i].name != NULL) {
		if (k->t[i].hash == h && keq(k, &k->t[i], s, n))
			return &k->t[i];
		i = (i + 1) & k->mask;
	}
	return &k->t[i];
}

static fl_err
kgrow(struct fl_keys *k)
{
	struct kent *old = k->t;
	size_t oldn = k->mask + 1, i;

	if ((k->t = calloc(oldn * 2, sizeof *k->t)) == NULL) {
		k->t = old;
		return FL_E_NOMEM;
	}
	k->mask = oldn * 2 - 1;
	for (i = 0; i < oldn; i++) {
		size_t j;

		if (old[i].name == NULL)
			continue;
		j = old[i].hash & k->mask;
		while (k->t[j].name != NULL)
			j = (j + 1) & k->mask;
		k->t[j] = old[i];
	}
	free(old);
	return FL_OK;
}

static fl_err
kput(struct fl_keys *k, const char *name, size_t n, unsigned key,
     unsigned *out)
{
	uint32_t h;
	struct kent *e;
	fl_err rc;

	if (n == 0 || n > 4096)
		return FL_E_INVAL;
	h = khash(k, name, n);
	e = kslot(k, name, n, h);
	if (e->name != NULL) {
		if (out)
			*out = e->key;
		return key == 0 || e->key == key ? FL_OK : FL_E_INVAL;
	}
	if ((k->used + 1) * 2 > k->mask + 1) {
		if ((rc = kgrow(k)) != FL_OK)
			return rc;
		e = kslot(k, name, n, h);
	}
	if ((e->name = fl_strndup(name, n)) == NULL)
		return FL_E_NOMEM;
	e->n = n;
	e->hash = h;
	e->key = key ? key : ++k->nkeys;
	k->used++;
	if (out)
		*out = e->key;
	return FL_OK;
}

fl_err
fl_keys_add(struct fl_keys *k, const char *name, size_t n, unsigned *key)
{
	unsigned tmp;

	return kput(k, name, n, 0, key ? key : &tmp);
}

fl_err
fl_keys_alias(struct fl_keys *k, const char *alias, size_t n, unsigned key)
{
	if (key == FL_KEY_NONE || key > k->nkeys)
		return FL_E_INVAL;
	return kput(k, alias, n, key, NULL);
}

unsigned
fl_keys_find(const struct fl_keys *k, const char *name, size_t n)
{
	const struct kent *e;

	if (k == NULL || n == 0)
		return FL_KEY_NONE;
	e = kslot(k, name, n, khash(k, name, n));
	return e->name ? e->key : FL_KEY_NONE;
}

unsigned
fl_keys_count(const struct fl_keys *k)
{
	return k ? k->nkeys : 0;
}

/* ---- reader core ------------------------------------------------------ */

static fl_err
r_open(enum fl_format fmt, const char *source, const struct fl_keys *keys,
       const struct fl_reader_opts *opts, struct fl_reader **out,
       struct fl_diag *d)
{
	struct fl_reader *r;
	size_t n;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	r->fmt = fmt;
	r->fd = -1;
	if (opts)
		r->o = *opts;
	if (r->o.max_record == 0)
		r->o.max_record = (size_t)1 << 20;
	if (r->o.max_record > ((size_t)1 << 30))
		r->o.max_record = (size_t)1 << 30;
	if (r->o.max_fields == 0)
		r->o.max_fields = 2048;
	if (r->o.max_fields > 1000000)
		r->o.max_fields = 1000000;
	if (r->o.max_depth == 0)
		r->o.max_depth = 32;
	if (r->o.max_depth > 256)
		r->o.max_depth = 256;
	if (r->o.max_name == 0)
		r->o.max_name = 512;
	if (r->o.chunk == 0)
		r->o.chunk = (size_t)256 << 10;
	if (r->o.chunk < 16)
		r->o.chunk = 16; /* room past a line of max_record + CRLF */
	r->chunk = r->o.chunk;
	r->line = 1;
	r->col = 1;
	r->keys = keys;
	r->nkeys = fl_keys_count(keys);
	r->scrcap = 2 * r->o.max_record + 4096;
	r->source = fl_strdup(source ? source : "-");
	r->fields = calloc(r->o.max_fields, sizeof *r->fields);
	r->scr = malloc(r->scrcap);
	r->path = malloc(r->o.max_name + 2);
	n = (size_t)r->nkeys + 1;
	r->slot_gen = calloc(n, sizeof *r->slot_gen);
	r->slot_first = calloc(n, sizeof *r->slot_first);
	r->slot_last = calloc(n, sizeof *r->slot_last);
	if ((r->kp = malloc(FL_KPRED_FIELDS * sizeof *r->kp)) != NULL)
		for (n = 0; n < FL_KPRED_FIELDS; n++)
			r->kp[n].n = UINT32_MAX;
	if (!r->source || !r->fields || !r->scr || !r->path || !r->slot_gen ||
	    !r->slot_first || !r->slot_last || !r->kp) {
		fl_reader_close(r);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	*out = r;
	return FL_OK;
}

fl_err
fl_reader_open_fd(enum fl_format fmt, int fd, const char *source,
		  const struct fl_keys *keys, const struct fl_reader_opts *opts,
		  struct fl_reader **out, struct fl_diag *d)
{
	struct fl_reader *r;
	fl_err rc;

	if ((rc = r_open(fmt, source, keys, opts, &r, d)) != FL_OK)
		return rc;
	r->fd = fd;
	r->cap = r->o.max_record + r->chunk;
	if ((r->own = malloc(r->cap)) == NULL) {
		fl_reader_close(r);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	r->buf = r->own;
	if (fmt == FL_FMT_SYSLOG && r->o.year == 0 && r->o.ref_time == 0) {
		struct stat sb;

		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
			r->o.ref_time = sb.st_mtime;
	}
	if (fmt == FL_FMT_SYSLOG)
		fl_syslog_setup(r);
	if (fmt == FL_FMT_EVTX && (rc = fl_evtx_setup(r, d)) != FL_OK) {
		fl_reader_close(r);
		return rc;
	}
	*out = r;
	return FL_OK;
}

/* Memory mode over compressed bytes: the reader decompresses into a
 * window of its own, as in fd mode. */
static fl_err
r_zmem(struct fl_reader *r, const void *p, size_t n, struct fl_diag *d)
{
	r->cap = r->o.max_record + r->chunk;
	if ((r->own = malloc(r->cap)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	r->buf = r->own;
	r->end = 0;
	r->eof = 0;
	r->st.bytes = 0;
	return fl_z_open(r, fl_z_kind(p, n), p, n, d);
}

fl_err
fl_reader_open_mem(enum fl_format fmt, const void *p, size_t n,
		   const char *source, const struct fl_keys *keys,
		   const struct fl_reader_opts *opts, struct fl_reader **out,
		   struct fl_diag *d)
{
	struct fl_reader *r;
	fl_err rc;

	if ((rc = r_open(fmt, source, keys, opts, &r, d)) != FL_OK)
		return rc;
	r->buf = n ? p : "";
	r->cap = r->end = n;
	r->eof = 1;
	r->st.bytes = n;
	if (fl_z_kind(p, n) != FL_Z_NONE &&
	    (rc = r_zmem(r, p, n, d)) != FL_OK) {
		fl_reader_close(r);
		return rc;
	}
	if (fmt == FL_FMT_SYSLOG)
		fl_syslog_setup(r);
	if (fmt == FL_FMT_EVTX && (rc = fl_evtx_setup(r, d)) != FL_OK) {
		fl_reader_close(r);
		return rc;
	}
	*out = r;
	return FL_OK;
}

void
fl_reader_close(struct fl_reader *r)
{
	if (r == NULL)
		return;
	if (r->fx_free)
		r->fx_free(r->fx);
	fl_z_free(r->zs);
	free(r->own);
	free(r->source);
	free(r->fields);
	free(r->scr);
	free(r->path);
	free(r->slot_gen);
	free(r->slot_first);
	free(r->slot_last);
	free(r->kp);
	free(r);
}

void
fl_reader_stats(const struct fl_reader *r, struct fl_reader_stats *s)
{
	*s = r->st;
	s->lines = r->line - 1;
}

enum fl_read
fl_reader_next(struct fl_reader *r, struct fl_event *ev, struct fl_diag *d)
{
	enum fl_read rc;

	memset(ev, 0, sizeof *ev);
	switch (r->fmt) {
	case FL_FMT_JSON:
		rc = fl_jsonl_next(r, ev, d);
		break;
	case FL_FMT_SYSLOG:
		rc = fl_syslog_next(r, ev, d);
		break;
	case FL_FMT_AUDITD:
		rc = fl_auditd_next(r, ev, d);
		break;
	case FL_FMT_EVTX:
		rc = fl_evtx_next(r, ev, d);
		break;
	default:
		fl_diag_set(d, FL_E_INTERNAL, r->source, 0, 0,
			    "no reader for this format");
		rc = FL_READ_FATAL;
		break;
	}
	if (rc == FL_READ_OK)
		r->st.events++;
	else if (rc == FL_READ_BAD)
		r->st.bad++;
	return rc;
}

/* The first fill in fd mode: read up to a chunk and look at its first
 * bytes; when they start a compressed stream they go to the decompressor.
 * 1: plain bytes read; 0: end of input; 2: compressed, read through it;
 * -1: I/O error. */
static int
r_zsniff(struct fl_reader *r, struct fl_diag *d)
{
	size_t want = r->cap - r->end < r->chunk ? r->cap - r->end : r->chunk;
	size_t got = 0;
	long n;
	int kind;

	r->zchecked = 1;
	while (got < 4) { /* a pipe may hand over fewer bytes a read */
		if ((n = fl_r_raw(r, r->own + r->end + got, want - got, d)) < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if ((kind = fl_z_kind(r->own + r->end, got)) != FL_Z_NONE)
		return fl_z_open(r, kind, r->own + r->end, got, d) == FL_OK ?
		    2 : -1;
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += got;
	r->st.bytes += got;
	return 1;
}

int
fl_r_fill(struct fl_reader *r, struct fl_diag *d)
{
	long got;
	int rc;

	if (r->eof)
		return 0;
	if (r->start > 0 && r->cap - r->end < r->chunk) {
		memmove(r->own, r->own + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end >= r->cap)
		return 0; /* the caller checks the record limit first */
	if (!r->zchecked && r->fd >= 0 && (rc = r_zsniff(r, d)) != 2)
		return rc;
	got = r->zs ? fl_z_read(r, r->own + r->end, r->cap - r->end, d) :
	    fl_r_raw(r, r->own + r->end, r->cap - r->end, d);
	if (got < 0)
		return -1;
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)got;
	r->st.bytes += (unsigned long long)got;
	return 1;
}

long
fl_r_raw(struct fl_reader *r, void *dst, size_t n, struct fl_diag *d)
{
	ssize_t got;

	if (r->headoff < r->o.head_n) {
		size_t k = r->o.head_n - r->headoff;

		if (k > n)
			k = n;
		memcpy(dst, (const char *)r->o.head + r->headoff, k);
		r->headoff += k;
		return (long)k;
	}
	do
		got = read(r->fd, dst, n);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		fl_diag_set(d, FL_E_IO, r->source, r->line, 0, "read: %s",
			    strerror(errno));
		return -1;
	}
	return (long)got;
}

void
fl_r_consume(struct fl_reader *r, size_t n)
{
	const char *p = r->buf + r->start, *e = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		r->line++;
		r->col = 1;
		p = nl + 1;
	}
	r->col += (unsigned long)(e - p);
	r->start += n;
}

const char *
fl_r_scratch(struct fl_reader *r, const void *p, size_t n)
{
	char *q;

	if (n > r->scrcap - r->scrlen)
		return NULL;
	q = r->scr + r->scrlen;
	if (n)
		memcpy(q, p, n);
	r->scrlen += n;
	return q;
}

int
fl_r_field(struct fl_reader *r, const char *name, size_t nn, const char *val,
	   size_t vn, int type, unsigned key)
{
	struct fl_field *f;

	if (r->nfields >= r->o.max_fields)
		return -1;
	f = &r->fields[r->nfields++];
	f->name.p = name;
	f->name.n = nn;
	f->value.p = vn ? val : "";
	f->value.n = vn;
	f->type = (unsigned char)type;
	f->key = key;
	f->next = 0;
	return 0;
}

/*
 * The key of a field name.  Windows Defender and a few other providers
 * name their fields with spaces ("Threat Name") where Sigma rules write
 * them without ("ThreatName"): a name with spaces that is not in the
 * dictionary is looked up again without them.
 */
static unsigned
key_of(const struct fl_keys *k, const char *p, size_t n)
{
	unsigned key = fl_keys_find(k, p, n);
	char buf[128];
	size_t i, o = 0;

	if (key != FL_KEY_NONE || n >= sizeof buf || memchr(p, ' ', n) == NULL)
		return key;
	for (i = 0; i < n; i++)
		if (p[i] != ' ')
			buf[o++] = p[i];
	return o ? fl_keys_find(k, buf, o) : FL_KEY_NONE;
}

/* The key of field i, f: the key the last event's field i had when the
 * names are the same, else found (and remembered for the next event). */
static unsigned
name_key(struct fl_reader *r, size_t i, const struct fl_field *f)
{
	struct fl_kpred *p = i < FL_KPRED_FIELDS ? &r->kp[i] : NULL;
	unsigned k;

	if (r->keys == NULL)
		return FL_KEY_NONE;
	if (p && p->n == f->name.n && memcmp(p->name, f->name.p, p->n) == 0)
		return p->key;
	k = key_of(r->keys, f->name.p, f->name.n);
	if (p && f->name.n <= FL_KPRED_NAME) {
		p->n = (uint32_t)f->name.n;
		p->key = k;
		memcpy(p->name, f->name.p, f->name.n);
	}
	return k;
}

void
fl_r_finish(struct fl_reader *r, struct fl_event *ev, unsigned long line)
{
	size_t i;

	if (++r->gen == 0) {
		/* after 2^32 events the old generations could alias */
		memset(r->slot_gen, 0, ((size_t)r->nkeys + 1) * sizeof *r->slot_gen);
		r->gen = 1;
	}
	for (i = 0; i < r->nfields; i++) {
		struct fl_field *f = &r->fields[i];
		unsigned k = f->key;

		if (k == FL_KEY_UNSET)
			k = f->key = name_key(r, i, f);
		if (k == FL_KEY_NONE)
			continue;
		if (r->slot_gen[k] != r->gen) {
			r->slot_gen[k] = r->gen;
			r->slot_first[k] = (uint32_t)i;
		} else {
			r->fields[r->slot_last[k]].next = (unsigned)i + 1;
		}
		r->slot_last[k] = (uint32_t)i;
	}
	ev->fields = r->fields;
	ev->nfields = r->nfields;
	ev->source = r->source;
	ev->record = line;
	ev->slot_gen = r->slot_gen;
	ev->slot_first = r->slot_first;
	ev->gen = r->gen;
	ev->nkeys = r->nkeys;
	if (ev->host.p == NULL)
		ev->host.p = "";
}

int
fl_r_owns(const struct fl_reader *r, const char *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, b, s;

	if (n == 0)
		return 1;
	b = (uintptr_t)r->buf;
	if (a >= b && a - b <= r->end && n <= r->end - (a - b))
		return 1;
	s = (uintptr_t)r->scr;
	return a >= s && a - s <= r->scrlen && n <= r->scrlen - (a - s);
}

const struct fl_field *
fl_event_find(const struct fl_event *ev, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].name.n == n &&
		    memcmp(ev->fields[i].name.p, name, n) == 0)
			return &ev->fields[i];
	return NULL;
}

/* ---- helpers ---------------------------------------------------------- */

int
fl_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	int len, i;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		len = 2;
	else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* UTF-16 surrogates are not characters */
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80, hi = 0xBF;
	}
	return len;
}

int64_t
fl_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: exact for the proleptic calendar */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char *p, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return 0;
}

static int
leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
fl_event_parse_time(const char *p, size_t n, int64_t *sec, uint32_t *nsec)
{
	static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31,
					      30, 31, 30, 31};
	unsigned y, mo, dd, hh, mi, ss, oh = 0, om = 0;
	uint32_t ns = 0, scale = 100000000;
	size_t i;
	int64_t t;
	int sign = 0;

	if (n < 19 || p[4] != '-' || p[7] != '-' ||
	    (p[10] != 'T' && p[10] != ' ' && p[10] != 't') || p[13] != ':' ||
	    p[16] != ':')
		return -1;
	if (digits(p, 4, &y) || digits(p + 5, 2, &mo) || digits(p + 8, 2, &dd) ||
	    digits(p + 11, 2, &hh) || digits(p + 14, 2, &mi) ||
	    digits(p + 17, 2, &ss))
		return -1;
	if (mo < 1 || mo > 12 || dd < 1 ||
	    dd > (unsigned)(mdays[mo - 1] + (mo == 2 && leap(y))) ||
	    hh > 23 || mi > 59 ||
	    ss > 60)
		return -1;
	i = 19;
	if (i < n && (p[i] == '.' || p[i] == ',')) {
		i++;
		if (i >= n || p[i] < '0' || p[i] > '9')
			return -1;
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
			ns += (uint32_t)(p[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i < n && (p[i] == 'Z' || p[i] == 'z'))
		i++;
	else if (i < n && (p[i] == '+' || p[i] == '-')) {
		sign = p[i] == '-' ? -1 : 1;
		i++;
		if (n - i >= 5 && p[i + 2] == ':') {
			if (digits(p + i, 2, &oh) || digits(p + i + 3, 2, &om))
				return -1;
			i += 5;
		} else if (n - i >= 4) {
			if (digits(p + i, 2, &oh) || digits(p + i + 2, 2, &om))
				return -1;
			i += 4;
		} else if (n - i == 2) {
			if (digits(p + i, 2, &oh))
				return -1;
			i += 2;
		} else
			return -1;
		if (oh > 23 || om > 59)
			return -1;
	}
	if (i != n)
		return -1;
	t = fl_days_from_civil(y, mo, dd) * 86400 + hh * 3600 + mi * 60 + ss;
	t -= sign * (int64_t)(oh * 3600 + om * 60);
	*sec = t;
	*nsec = ns;
	return 0;
}

/* ---- the evtx_dump shape ------------------------------------------------ */

static int
key_is(const char *k, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(k, s, n) == 0;
}

void
fl_evshape_step(int frame, const char *k, size_t n, struct fl_evstep *out)
{
	out->pre = out->post = "";
	out->key = 0;
	switch (frame) {
	case FL_EF_TOP:
		if (key_is(k, n, "Event")) {
			out->frame = FL_EF_EVT;
			return;
		}
		break;
	case FL_EF_EVT:
		if (key_is(k, n, "System"))
			out->frame = FL_EF_SYS;
		else if (key_is(k, n, "EventData"))
			out->frame = FL_EF_DATA;
		else if (key_is(k, n, "UserData"))
			out->frame = FL_EF_UDATA;
		else if (key_is(k, n, "#attributes"))
			out->frame = FL_EF_SKIP;
		else
			break;
		return;
	case FL_EF_UDATA:
		/* UserData's one child element holds the data */
		out->frame = FL_EF_DATA;
		return;
	case FL_EF_SYS:
	case FL_EF_DATA:
		if (key_is(k, n, "#attributes")) {
			out->frame = FL_EF_SKIP;
			return;
		}
		out->frame = FL_EF_HOLD;
		out->key = 1;
		return;
	case FL_EF_HOLD:
		out->pre = "_";
		if (key_is(k, n, "#attributes")) {
			out->frame = FL_EF_ATTR;
			return;
		}
		out->frame = FL_EF_HOLD;
		out->key = 1;
		return;
	case FL_EF_SKIP:
		out->frame = FL_EF_SKIP;
		return;
	default:
		break;
	}
	out->frame = FL_EF_GEN;
	out->key = 1;
	out->post = ".";
}

enum fl_read
fl_r_skip_line(struct fl_reader *r, struct fl_diag *d)
{
	struct fl_diag io;
	int f;

	for (;;) {
		const char *p = r->buf + r->start, *e = r->buf + r->end;
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (nl) {
			fl_r_consume(r, (size_t)(nl + 1 - p));
			return FL_READ_BAD;
		}
		fl_r_consume(r, (size_t)(e - p));
		if ((f = fl_r_fill(r, &io)) < 0) {
			*d = io;
			return FL_READ_FATAL;
		}
		if (f == 0)
			return FL_READ_BAD;
	}
}
