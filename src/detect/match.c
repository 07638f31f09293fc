/*
 * match: compile a Sigma rule set into an immutable matcher and match
 * events against it (match.h).
 *
 * Compile time does everything that does not depend on the event: the
 * modifiers' encodings (windash, UTF-16, base64, base64offset) expand a
 * value into its variants; values are lower-cased once unless |cased; a
 * wildcard value becomes glob parts; |re becomes a JIT-compiled PCRE2
 * program; the logsource becomes index entries by channel and event id.
 *
 * Match time is a hash lookup of (channel, event id) and then only the
 * rules filed there.  Field values are lower-cased at most once per event
 * (a per-context cache keyed by the field's position) and compared with
 * memcmp/memmem.  Nothing is allocated per event once the context has
 * grown to the largest event seen.
 *
 * What it refuses: a rule whose regular expression PCRE2 will not compile
 * is reported (FILE:LINE:COL) and left out; nothing else is dropped.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <hs.h>

#include "detect/match.h"
#include "detect/event_int.h"
#include "detect/hscache.h"
#include "detect/sigma_int.h"

enum pk {
	PK_EQ, PK_CONTAINS, PK_START, PK_END, PK_GLOB, PK_RE, PK_CIDR,
	PK_CMP, PK_NUM, PK_EXISTS, PK_NULL, PK_EMPTY, PK_REF, PK_TIME
};

/* One variant of one value: what a single comparison needs. */
struct pat {
	unsigned char kind;    /* enum pk */
	unsigned char cased;
	unsigned char neg;     /* |neq */
	unsigned char digits;  /* PK_NUM: lit is a plain decimal (no sign,
				  no leading zero), so a plain decimal value
				  that differs from it is another number */
	unsigned char op;      /* PK_CMP: enum fl_sigma_mod LT..GTE;
				  PK_REF: PK_EQ/CONTAINS/START/END;
				  PK_TIME: enum fl_sigma_mod MINUTE..YEAR */
	const char *lit;       /* needle, lower-cased unless cased */
	size_t len;
	struct fl_sigma_part *part; /* PK_GLOB, offsets into lit */
	size_t npart;
	pcre2_code *re;
	unsigned char ip[16];
	int ipv6, prefix;
	double num;
	unsigned refkey;
	int boolean;
	unsigned litid;        /* a literal the value must contain (0: none),
				  found for all patterns at once by the
				  field's literal scanner */
};

struct val {             /* one Sigma value: any of its variants */
	struct pat *p;
	size_t np;
};

struct fc {              /* a field condition */
	unsigned key;        /* FL_KEY_NONE: keyword search */
	int keyword, all;
	struct val *v;
	size_t nv;
};

struct grp {
	struct fc *c;
	size_t nc;
};

struct srch {
	struct grp *g;
	size_t ng;
};

/* A meta filter on a rule: its selections and condition. */
struct cfilter {
	const struct fl_sigma_rule *f;
	struct srch *s;
	size_t ns;
};

struct crule {
	const struct fl_sigma_rule *r;
	const struct fl_logsource_alt *alt;
	struct srch *s;
	size_t ns;
	struct cfilter *flt; /* a match is dropped when any filter matches */
	size_t nflt;
	struct fc *chk;      /* the logsource's conditions other than the
				index's channel and event id */
	size_t nchk;
	unsigned *keys;      /* keys read, for output */
	size_t nkeys;
	unsigned *need;      /* the rule cannot match unless one of these
				literals occurs (NULL: no such set) */
	size_t nneed;
	unsigned fams;       /* families of events it applies to */
};

/* A compiled rule as the event loop needs it, without touching the rule:
 * 56% of that loop was the load of the rule's index through two pointers. */
struct sref {
	unsigned cid;        /* compiled rule */
	unsigned ri;         /* its rule's index (seen[]) */
	unsigned gated;      /* runs only when one of its literals occurs */
};

/* (channel, event id) -> compiled rules, per family. */
struct slot {
	char *key;           /* "channel\x1feventid", lower-case; * = any */
	unsigned *cid;
	size_t n, cap;
	struct sref *ref;    /* cid[] packed, once compiled (slot_fields) */
	unsigned *fkey;      /* the fields whose literals its rules need
				(0: keywords, every value); scanned first */
	size_t nfkey;
};
struct index {
	struct slot *s;
	size_t cap, n;       /* open addressing, cap a power of two */
};

struct fl_match {
	struct fl_sigma_arena a;
	struct crule *cr;
	size_t ncr;
	struct index idx[4]; /* by enum fl_family */
	struct fl_logsource_alt **alts; /* per rule, freed at the end */
	size_t *nalt;
	size_t nalts;
	pcre2_code **re;
	size_t nre, capre;
	struct fl_diag *refusal;
	size_t nrefusal;
	unsigned k_channel, k_eventid;
	size_t nrules, max_search;
	struct fl_match_stats st;
	/* literals: lit[id] for id 1..nlit; one scanner per field key */
	struct lit *lit;
	size_t nlit, caplit;
	struct lithash *lh;
	size_t lhcap;
	hs_database_t **db;   /* by key, NULL where a field has no literal */
	unsigned ndb;
	struct fl_hscache_mem *dbmem; /* db[] read from the cache live here */
	/* keyword literals look at every value of an event: the values are
	   joined by a byte no keyword literal holds and scanned at once, so
	   no match can span two values (-1: every byte is taken) */
	int kwsep;
	/* literal -> the compiled rules that need it: lr_id[lr_off[l] ..
	   lr_off[l + 1]) */
	size_t *lr_off;
	unsigned *lr_id;
	/* syslog lines: every literal some rule needs, on fields whose
	   values are verbatim parts of the line; NULL when a rule has none */
	hs_database_t *linedb;
};

/* A literal some pattern needs, on one field. */
struct lit {
	unsigned key;
	int cased;
	const char *text;
	size_t len;
};
struct lithash {
	uint64_t h;
	unsigned id;
};

/*
 * The recall: field values scanned lately and the literals each scan
 * found.  Values repeat from event to event (an image path, its hashes,
 * a DLL every process loads), so a value found here is not scanned again:
 * its literals are replayed.  Direct-mapped; a collision only costs a
 * scan, and the value's bytes are compared, never only its hash.
 */
#define RECALL_SLOTS 4096 /* a power of two */
#define RECALL_MAX 2048   /* longer values are always scanned */
#define RECALL_IDS 6      /* a value with more literals is not kept */
struct recall {
	uint64_t h;
	char *v;              /* NULL: empty slot */
	uint32_t n, cap;
	unsigned key;
	unsigned nid;
	unsigned id[RECALL_IDS];
};

struct fl_match_ctx {
	const struct fl_match *m;
	struct recall *rc;    /* RECALL_SLOTS; NULL: scan every value */
	unsigned rec_id[RECALL_IDS], rec_n;
	int rec_on, rec_over; /* a scan being recorded; it found too many */
	char *kw;             /* the values joined, for the keyword scan */
	size_t kwcap;
	/* literals found in the current event, and fields scanned */
	uint32_t *lit_gen, *scan_gen;
	uint32_t *rule_gen;  /* compiled rules one of whose literals occurs */
	hs_scratch_t *hs;
	/* the line filter: end offsets of literal occurrences in a block */
	const char *lf_base;
	size_t *lf_end, lf_n, lf_cap, lf_cur;
	int lf_full;
	/* lower-cased field values of the current event, by field index */
	uint32_t *lgen;
	size_t *loff, *llen;
	size_t nslot;
	char *lbuf;
	size_t lcap, lused;
	uint32_t gen;
	/* per rule: seen in this event */
	uint32_t *seen;
	signed char *memo;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
	unsigned long long errors;
};

/* ---- helpers -------------------------------------------------------------- */

static void
lower(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] + 32);
}

static int parse_num(const char *p, size_t n, double *out);

/* Digits only, 1 to 9 of them, no leading zero unless "0" alone. */
static int
plain_decimal(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 9 || (p[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* An event id as the index spells it: a number in plain decimal ("04624"
 * and "4624.0" are 4624), other text as it is.  Returns the length
 * written to buf (at least 24 bytes), or 0 to use p, n as they are. */
static size_t
eid_plain(const char *p, size_t n, char *buf)
{
	double x;

	if (plain_decimal(p, n) || parse_num(p, n, &x) != 0 || x < 0 ||
	    x > 999999999 || x != (double)(unsigned)x)
		return 0;
	return (size_t)snprintf(buf, 24, "%u", (unsigned)x);
}

static struct slot *
idx_find(const struct index *x, const char *k, size_t n)
{
	size_t i;

	if (x->cap == 0)
		return NULL;
	for (i = (size_t)fl_hash64(k, n) & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
		struct slot *s = &x->s[i];

		if (s->key == NULL)
			return NULL;
		if (strlen(s->key) == n && memcmp(s->key, k, n) == 0)
			return s;
	}
}

static fl_err
idx_grow(struct index *x)
{
	struct index y;
	size_t i, j;

	y.cap = x->cap ? x->cap * 2 : 64;
	y.n = x->n;
	if ((y.s = calloc(y.cap, sizeof *y.s)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < x->cap; i++) {
		if (x->s[i].key == NULL)
			continue;
		j = (size_t)fl_hash64(x->s[i].key, strlen(x->s[i].key)) &
		    (y.cap - 1);
		while (y.s[j].key)
			j = (j + 1) & (y.cap - 1);
		y.s[j] = x->s[i];
	}
	free(x->s);
	*x = y;
	return FL_OK;
}

static fl_err
idx_add(struct index *x, const char *k, unsigned cid)
{
	struct slot *s;
	size_t n = strlen(k), i;

	if ((s = idx_find(x, k, n)) == NULL) {
		if ((x->n + 1) * 2 > x->cap && idx_grow(x) != FL_OK)
			return FL_E_NOMEM;
		i = (size_t)fl_hash64(k, n) & (x->cap - 1);
		while (x->s[i].key)
			i = (i + 1) & (x->cap - 1);
		s = &x->s[i];
		if ((s->key = fl_strdup(k)) == NULL)
			return FL_E_NOMEM;
		x->n++;
	}
	if (s->n && s->cid[s->n - 1] == cid)
		return FL_OK;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		unsigned *p = realloc(s->cid, nc * sizeof *p);

		if (p == NULL)
			return FL_E_NOMEM;
		s->cid = p;
		s->cap = nc;
	}
	s->cid[s->n++] = cid;
	return FL_OK;
}

static void
idx_free(struct index *x)
{
	size_t i;

	for (i = 0; i < x->cap; i++) {
		free(x->s[i].key);
		free(x->s[i].cid);
		free(x->s[i].ref);
		free(x->s[i].fkey);
	}
	free(x->s);
}

/* ---- compiling values ------------------------------------------------------ */

#define MAX_VARIANTS 64

struct cc {                /* compile state */
	struct fl_match *m;
	unsigned cur_key;          /* field of the values being compiled */
	int no_lit;                /* their literals are not scanned for */
	struct pat pbuf[MAX_VARIANTS]; /* the variants of the current value */
	struct fl_keys *keys;
	const struct fl_sigma_rule *r;
	const struct fl_logsource_alt *alt;
	struct fl_buf tmp;
	fl_err rc;
	char msg[256];
	unsigned long line, col;
};

struct bytes {
	char *p;
	size_t n;
};

static char *
adup(struct cc *c, const void *p, size_t n)
{
	char *s = fl_sigma_alloc(&c->m->a, n + 1);

	if (s == NULL) {
		c->rc = FL_E_NOMEM;
		return NULL;
	}
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *
base64(struct cc *c, const unsigned char *p, size_t n, size_t *outn)
{
	size_t o = 0, i;
	char *s;

	if (n > ((size_t)1 << 24))
		return NULL;
	if ((s = fl_sigma_alloc(&c->m->a, (n + 2) / 3 * 4 + 1)) == NULL) {
		c->rc = FL_E_NOMEM;
		return NULL;
	}
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 |
			     p[i + 2];
		s[o++] = b64[v >> 18 & 63];
		s[o++] = b64[v >> 12 & 63];
		s[o++] = b64[v >> 6 & 63];
		s[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		s[o++] = b64[v >> 18 & 63];
		s[o++] = b64[v >> 12 & 63];
		s[o++] = '=';
		s[o++] = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		s[o++] = b64[v >> 18 & 63];
		s[o++] = b64[v >> 12 & 63];
		s[o++] = b64[v >> 6 & 63];
		s[o++] = '=';
	}
	s[o] = '\0';
	*outn = o;
	return s;
}

/* UTF-8 to UTF-16 (be: big-endian; bom: with a byte order mark). */
static char *
utf16(struct cc *c, const char *p, size_t n, int be, int bom, size_t *outn)
{
	char *s;
	size_t i = 0, o = 0;

	if (n > ((size_t)1 << 24))
		return NULL;
	if ((s = fl_sigma_alloc(&c->m->a, n * 4 + 3)) == NULL) {
		c->rc = FL_E_NOMEM;
		return NULL;
	}
	if (bom) {
		s[o++] = be ? '\xfe' : '\xff';
		s[o++] = be ? '\xff' : '\xfe';
	}
	while (i < n) {
		unsigned char b = (unsigned char)p[i];
		unsigned long cp;
		int len = fl_utf8_seq((const unsigned char *)p + i, n - i);

		if (len <= 0) {
			cp = b; /* not UTF-8: the byte as Latin-1 */
			len = 1;
		} else if (len == 1) {
			cp = b;
		} else {
			int k;

			cp = b & (0xff >> (len + 1));
			for (k = 1; k < len; k++)
				cp = cp << 6 | ((unsigned char)p[i + (size_t)k] & 0x3f);
		}
		i += (size_t)len;
		if (cp >= 0x10000) {
			unsigned long v = cp - 0x10000;
			unsigned hi = 0xd800 | (unsigned)(v >> 10);
			unsigned lo = 0xdc00 | (unsigned)(v & 0x3ff);

			s[o++] = (char)(be ? hi >> 8 : hi & 0xff);
			s[o++] = (char)(be ? hi & 0xff : hi >> 8);
			s[o++] = (char)(be ? lo >> 8 : lo & 0xff);
			s[o++] = (char)(be ? lo & 0xff : lo >> 8);
		} else {
			s[o++] = (char)(be ? cp >> 8 : cp & 0xff);
			s[o++] = (char)(be ? cp & 0xff : cp >> 8);
		}
	}
	*outn = o;
	return s;
}

/*
 * windash: every dash or slash that starts a word ("-enc", "/c") in each
 * of the five spellings Windows command lines accept.
 */
static const char *const dashes[] = {"-", "/", "\xe2\x80\x93",
				     "\xe2\x80\x94", "\xe2\x80\x95"};

static size_t
windash(struct cc *c, const char *s, size_t n, struct bytes *out)
{
	size_t k, i;

	for (k = 0; k < 5; k++) {
		char *o = fl_sigma_alloc(&c->m->a, n * 3 + 1);
		size_t on = 0;

		if (o == NULL) {
			c->rc = FL_E_NOMEM;
			return 0;
		}
		for (i = 0; i < n; i++) {
			int start = (s[i] == '-' || s[i] == '/') &&
				    (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
				    i + 1 < n && isalnum((unsigned char)s[i + 1]);

			if (start) {
				size_t dl = strlen(dashes[k]);

				memcpy(o + on, dashes[k], dl);
				on += dl;
			} else {
				o[on++] = s[i];
			}
		}
		o[on] = '\0';
		out[k].p = o;
		out[k].n = on;
	}
	return 5;
}

/* The literal bytes of a Sigma string (escapes removed, wildcards kept as
 * the characters they are). */
static char *
unescape(struct cc *c, const char *s, size_t n, size_t *outn)
{
	char *o = fl_sigma_alloc(&c->m->a, n + 1);
	size_t i, on = 0;

	if (o == NULL) {
		c->rc = FL_E_NOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\'))
			i++;
		o[on++] = s[i];
	}
	o[on] = '\0';
	*outn = on;
	return o;
}

static int
has_mod(const struct fl_sigma_fcond *f, enum fl_sigma_mod m)
{
	return (f->mods & FL_SM_BIT(m)) != 0;
}

static uint64_t
lit_hash(unsigned key, int cased, const char *p, size_t n)
{
	uint64_t h = fl_hash64(p, n);

	return h ^ ((uint64_t)key * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)cased;
}

/* The id of a literal on a field, added when new (0 on no memory). */
static unsigned
lit_intern(struct fl_match *m, unsigned key, int cased, const char *p,
	   size_t n)
{
	uint64_t h = lit_hash(key, cased, p, n);
	size_t i;

	if ((m->nlit + 1) * 2 >= m->lhcap) {
		size_t nc = m->lhcap ? m->lhcap * 2 : 4096, j;
		struct lithash *t = calloc(nc, sizeof *t);

		if (t == NULL)
			return 0;
		for (j = 0; j < m->lhcap; j++) {
			size_t k;

			if (m->lh[j].id == 0)
				continue;
			for (k = m->lh[j].h & (nc - 1); t[k].id;
			     k = (k + 1) & (nc - 1))
				;
			t[k] = m->lh[j];
		}
		free(m->lh);
		m->lh = t;
		m->lhcap = nc;
	}
	for (i = h & (m->lhcap - 1); m->lh[i].id; i = (i + 1) & (m->lhcap - 1)) {
		const struct lit *l = &m->lit[m->lh[i].id];

		if (m->lh[i].h == h && l->key == key && l->cased == cased &&
		    l->len == n && memcmp(l->text, p, n) == 0)
			return m->lh[i].id;
	}
	if (m->nlit + 1 >= m->caplit) {
		size_t nc = m->caplit ? m->caplit * 2 : 1024;
		struct lit *t = realloc(m->lit, nc * sizeof *t);

		if (t == NULL)
			return 0;
		m->lit = t;
		m->caplit = nc;
	}
	m->nlit++;
	m->lit[m->nlit].key = key;
	m->lit[m->nlit].cased = cased;
	m->lit[m->nlit].text = p;
	m->lit[m->nlit].len = n;
	m->lh[i].h = h;
	m->lh[i].id = (unsigned)m->nlit;
	return (unsigned)m->nlit;
}

/* The pattern's literal, for the field scanner: the whole needle, or a
 * glob's longest literal run. */
static fl_err
pat_literal(struct cc *c, struct pat *p)
{
	const char *t = p->lit;
	size_t n = p->len, i;

	if (c->no_lit)
		return FL_OK;
	if (p->kind == PK_GLOB) {
		n = 0;
		for (i = 0; i < p->npart; i++)
			if (p->part[i].kind == FL_SP_LIT && p->part[i].len > n) {
				n = p->part[i].len;
				t = p->lit + p->part[i].off;
			}
	}
	if (n == 0)
		return FL_OK;
	if ((p->litid = lit_intern(c->m, c->cur_key, p->cased, t, n)) == 0)
		return c->rc = FL_E_NOMEM;
	return FL_OK;
}

/* A string pattern from raw Sigma text (glob) or literal bytes. */
static fl_err
string_pat(struct cc *c, struct pat *p, const char *s, size_t n, int raw,
	   int cased, int how)
{
	struct fl_sigma_part parts[256], *pp;
	size_t np = 0, i, j;
	int wild = 0;

	p->cased = (unsigned char)cased;
	if (raw) {
		fl_buf_reset(&c->tmp);
		if (fl_sigma_glob(s, n, &c->tmp, parts + 1, 254, &np) != FL_OK) {
			snprintf(c->msg, sizeof c->msg,
				 "value has too many wildcards");
			return c->rc = FL_E_LIMIT;
		}
		for (i = 1; i <= np; i++)
			if (parts[i].kind != FL_SP_LIT)
				wild = 1;
		s = c->tmp.data ? c->tmp.data : "";
		n = c->tmp.len;
	}
	if (!wild) {
		if ((p->lit = adup(c, s, n)) == NULL)
			return c->rc;
		p->len = n;
		if (!cased)
			lower((char *)(uintptr_t)p->lit, n);
		p->kind = (unsigned char)how;
		return pat_literal(c, p);
	}
	/* glob: the literal bytes plus parts, anchored with * as needed */
	if ((p->lit = adup(c, s, n)) == NULL)
		return c->rc;
	p->len = n;
	if (!cased)
		lower((char *)(uintptr_t)p->lit, n);
	j = 0;
	pp = fl_sigma_allocv(&c->m->a, np + 2, sizeof *pp);
	if (pp == NULL)
		return c->rc = FL_E_NOMEM;
	if (how == PK_CONTAINS || how == PK_END)
		pp[j++].kind = FL_SP_STAR;
	for (i = 1; i <= np; i++)
		pp[j++] = parts[i];
	if (how == PK_CONTAINS || how == PK_START)
		pp[j++].kind = FL_SP_STAR;
	p->part = pp;
	p->npart = j;
	p->kind = PK_GLOB;
	return pat_literal(c, p);
}

static fl_err
add_pat(struct cc *c, struct val *v, size_t cap, struct pat **out)
{
	if (v->np == cap) {
		snprintf(c->msg, sizeof c->msg, "too many variants of a value");
		return c->rc = FL_E_LIMIT;
	}
	*out = &v->p[v->np++];
	memset(*out, 0, sizeof **out);
	return FL_OK;
}

static fl_err
track_re(struct fl_match *m, pcre2_code *re)
{
	if (m->nre == m->capre) {
		size_t nc = m->capre ? m->capre * 2 : 64;
		pcre2_code **p = realloc(m->re, nc * sizeof *p);

		if (p == NULL)
			return FL_E_NOMEM;
		m->re = p;
		m->capre = nc;
	}
	m->re[m->nre++] = re;
	return FL_OK;
}

static int
is_time_mod(enum fl_sigma_mod m)
{
	return m >= FL_SM_MINUTE && m <= FL_SM_YEAR;
}

/* Compile one value of a field condition into its variants (in c->pbuf). */
static fl_err
compile_variants(struct cc *c, const struct fl_sigma_fcond *f,
	      const struct fl_sigma_value *sv, struct val *v)
{
	struct bytes var[MAX_VARIANTS], nxt[MAX_VARIANTS];
	size_t nvar, i, k;
	int how = PK_EQ, cased = has_mod(f, FL_SM_CASED), encoded = 0;
	int neg = has_mod(f, FL_SM_NEQ);
	struct pat *p;
	unsigned t;

	v->p = c->pbuf;
	v->np = 0;
	if (has_mod(f, FL_SM_CONTAINS) || f->field == NULL)
		how = PK_CONTAINS;
	else if (has_mod(f, FL_SM_STARTSWITH))
		how = PK_START;
	else if (has_mod(f, FL_SM_ENDSWITH))
		how = PK_END;

	if (has_mod(f, FL_SM_EXISTS)) {
		if (add_pat(c, v, MAX_VARIANTS, &p))
			return c->rc;
		p->kind = PK_EXISTS;
		p->boolean = sv->type == FL_SV_BOOL ? sv->boolean : 1;
		return FL_OK;
	}
	if (has_mod(f, FL_SM_FIELDREF)) {
		if (add_pat(c, v, MAX_VARIANTS, &p))
			return c->rc;
		p->kind = PK_REF;
		p->op = (unsigned char)how;
		p->cased = (unsigned char)cased;
		p->neg = (unsigned char)neg;
		if (fl_keys_add(c->keys, sv->s, sv->len, &p->refkey) != FL_OK)
			return c->rc = FL_E_NOMEM;
		return FL_OK;
	}
	if (has_mod(f, FL_SM_CIDR) || sv->type == FL_SV_CIDR) {
		if (add_pat(c, v, MAX_VARIANTS, &p))
			return c->rc;
		p->kind = PK_CIDR;
		p->neg = (unsigned char)neg;
		memcpy(p->ip, sv->ip, sizeof p->ip);
		p->ipv6 = sv->ipv6;
		p->prefix = sv->prefix;
		return FL_OK;
	}
	for (t = 0; t < f->nmod; t++) {
		enum fl_sigma_mod md = f->mod[t];

		if (md >= FL_SM_LT && md <= FL_SM_GTE) {
			if (add_pat(c, v, MAX_VARIANTS, &p))
				return c->rc;
			p->kind = PK_CMP;
			p->op = (unsigned char)md;
			p->num = sv->num;
			p->neg = (unsigned char)neg;
			return FL_OK;
		}
		if (is_time_mod(md)) {
			if (add_pat(c, v, MAX_VARIANTS, &p))
				return c->rc;
			p->kind = PK_TIME;
			p->op = (unsigned char)md;
			p->num = sv->num;
			p->neg = (unsigned char)neg;
			return FL_OK;
		}
	}
	if (has_mod(f, FL_SM_RE)) {
		uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
		int ec;
		PCRE2_SIZE off;
		pcre2_code *re;

		if (has_mod(f, FL_SM_RE_I))
			opt |= PCRE2_CASELESS;
		if (has_mod(f, FL_SM_RE_M))
			opt |= PCRE2_MULTILINE;
		if (has_mod(f, FL_SM_RE_S))
			opt |= PCRE2_DOTALL;
		re = pcre2_compile((PCRE2_SPTR)sv->s, sv->len, opt, &ec, &off,
				   NULL);
		if (re == NULL) {
			PCRE2_UCHAR em[128];

			pcre2_get_error_message(ec, em, sizeof em);
			snprintf(c->msg, sizeof c->msg,
				 "regular expression: %s at offset %zu",
				 (const char *)em, (size_t)off);
			c->line = sv->line;
			c->col = sv->col;
			return c->rc = FL_E_SYNTAX;
		}
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		if (track_re(c->m, re) != FL_OK) {
			pcre2_code_free(re);
			return c->rc = FL_E_NOMEM;
		}
		c->m->st.regexes++;
		if (add_pat(c, v, MAX_VARIANTS, &p))
			return c->rc;
		p->kind = PK_RE;
		p->re = re;
		p->neg = (unsigned char)neg;
		return FL_OK;
	}
	switch (sv->type) {
	case FL_SV_NULL:
		if (add_pat(c, v, MAX_VARIANTS, &p))
			return c->rc;
		p->kind = PK_NULL;
		p->neg = (unsigned char)neg;
		return FL_OK;
	case FL_SV_EMPTY:
		if (how == PK_EQ) {
			if (add_pat(c, v, MAX_VARIANTS, &p))
				return c->rc;
			p->kind = PK_EMPTY;
			p->neg = (unsigned char)neg;
			return FL_OK;
		}
		break;
	case FL_SV_NUMBER:
		if (how == PK_EQ && f->nmod == (unsigned)!!neg) {
			if (add_pat(c, v, MAX_VARIANTS, &p))
				return c->rc;
			p->kind = PK_NUM;
			p->num = sv->num;
			p->neg = (unsigned char)neg;
			if ((p->lit = adup(c, sv->s, sv->len)) == NULL)
				return c->rc;
			p->len = sv->len;
			lower((char *)(uintptr_t)p->lit, p->len);
			p->digits = (unsigned char)plain_decimal(p->lit, p->len);
			return FL_OK;
		}
		break;
	default:
		break;
	}

	/* Strings: windash first (a text rewrite that keeps wildcards), then
	 * the encodings in the order written, on the literal bytes. */
	var[0].p = (char *)(uintptr_t)sv->s;
	var[0].n = sv->len;
	nvar = 1;
	if (has_mod(f, FL_SM_WINDASH)) {
		if (windash(c, sv->s, sv->len, var) == 0)
			return c->rc;
		nvar = 5;
	}
	for (t = 0; t < f->nmod; t++) {
		enum fl_sigma_mod md = f->mod[t];
		size_t nn = 0;

		if (md != FL_SM_BASE64 && md != FL_SM_BASE64OFFSET &&
		    md != FL_SM_UTF16LE && md != FL_SM_UTF16BE &&
		    md != FL_SM_UTF16 && md != FL_SM_WIDE)
			continue;
		if (!encoded) {
			for (i = 0; i < nvar; i++)
				if ((var[i].p = unescape(c, var[i].p, var[i].n,
							 &var[i].n)) == NULL)
					return c->rc;
			encoded = 1;
		}
		for (i = 0; i < nvar; i++) {
			if (md == FL_SM_BASE64) {
				nxt[nn].p = base64(c, (const unsigned char *)
						   var[i].p, var[i].n, &nxt[nn].n);
				if (nxt[nn].p == NULL)
					return c->rc ? c->rc : FL_E_LIMIT;
				nn++;
			} else if (md == FL_SM_BASE64OFFSET) {
				/* The three alignments; the characters that
				 * depend on neighbouring bytes are cut off. */
				static const size_t cut_start[3] = {0, 2, 3};
				static const size_t cut_end[3] = {0, 3, 2};
				for (k = 0; k < 3 && nn < MAX_VARIANTS; k++) {
					unsigned char *tmp;
					size_t en, e, sidx;
					char *enc;

					tmp = fl_sigma_alloc(&c->m->a,
							     var[i].n + 3);
					if (tmp == NULL)
						return c->rc = FL_E_NOMEM;
					memcpy(tmp + k, var[i].p, var[i].n);
					enc = base64(c, tmp, var[i].n + k, &en);
					if (enc == NULL)
						return c->rc ? c->rc : FL_E_LIMIT;
					e = cut_end[(var[i].n + k) % 3];
					sidx = cut_start[k];
					if (sidx + e >= en)
						continue;
					nxt[nn].p = enc + sidx;
					nxt[nn].n = en - sidx - e;
					nn++;
				}
			} else {
				int be = md == FL_SM_UTF16BE;
				int bom = md == FL_SM_UTF16;

				nxt[nn].p = utf16(c, var[i].p, var[i].n, be, bom,
						  &nxt[nn].n);
				if (nxt[nn].p == NULL)
					return c->rc ? c->rc : FL_E_LIMIT;
				nn++;
			}
			if (nn >= MAX_VARIANTS)
				break;
		}
		memcpy(var, nxt, nn * sizeof *var);
		nvar = nn;
	}
	for (i = 0; i < nvar; i++) {
		if (add_pat(c, v, MAX_VARIANTS, &p))
			return c->rc;
		p->neg = (unsigned char)neg;
		/* encoded bytes are compared as they are: base64 is cased */
		if (string_pat(c, p, var[i].p, var[i].n, !encoded,
			       cased || encoded, how) != FL_OK)
			return c->rc;
	}
	return FL_OK;
}

/* Compile one value; its variants are kept in exactly the room they need. */
static fl_err
compile_value(struct cc *c, const struct fl_sigma_fcond *f,
	      const struct fl_sigma_value *sv, struct val *v)
{
	struct pat *p;

	if (compile_variants(c, f, sv, v) != FL_OK)
		return c->rc;
	if ((p = fl_sigma_allocv(&c->m->a, v->np ? v->np : 1, sizeof *p)) == NULL)
		return c->rc = FL_E_NOMEM;
	memcpy(p, c->pbuf, v->np * sizeof *p);
	v->p = p;
	return FL_OK;
}

static const char *
mapped(const struct fl_logsource_alt *alt, const char *field)
{
	size_t i;

	for (i = 0; alt && i < alt->nmap; i++)
		if (strcmp(alt->map_from[i], field) == 0)
			return alt->map_to[i];
	return field;
}

static fl_err
note_key(struct cc *c, struct crule *cr, unsigned key, size_t cap)
{
	size_t i;

	for (i = 0; i < cr->nkeys; i++)
		if (cr->keys[i] == key)
			return FL_OK;
	if (cr->nkeys < cap)
		cr->keys[cr->nkeys++] = key;
	return FL_OK;
}

static fl_err
compile_fc(struct cc *c, struct crule *cr, size_t keycap,
	   const struct fl_sigma_fcond *f, struct fc *out)
{
	size_t i;

	c->line = f->line;
	c->col = f->col;
	out->keyword = f->field == NULL;
	out->all = has_mod(f, FL_SM_ALL);
	/* keywords: key 0 stands for "any field" in the literal scanners */
	c->cur_key = FL_KEY_NONE;
	c->no_lit = 0;
	if (f->field) {
		const char *name = mapped(c->alt, f->field);

		if (fl_keys_add(c->keys, name, strlen(name), &out->key) != FL_OK)
			return c->rc = FL_E_NOMEM;
		note_key(c, cr, out->key, keycap);
		c->cur_key = out->key;
	}
	out->nv = f->nval;
	out->v = fl_sigma_allocv(&c->m->a, f->nval ? f->nval : 1,
				 sizeof *out->v);
	if (out->v == NULL)
		return c->rc = FL_E_NOMEM;
	for (i = 0; i < f->nval; i++)
		if (compile_value(c, f, &f->val[i], &out->v[i]) != FL_OK)
			return c->rc;
	return FL_OK;
}

/* The logsource's own conditions other than EventID. */
static fl_err
compile_checks(struct cc *c, struct crule *cr)
{
	const struct fl_logsource_alt *a = cr->alt;
	size_t i, j, n = 0;

	cr->chk = fl_sigma_allocv(&c->m->a, a->ncond ? a->ncond : 1,
				  sizeof *cr->chk);
	if (cr->chk == NULL)
		return c->rc = FL_E_NOMEM;
	for (i = 0; i < a->ncond; i++) {
		const struct fl_logsource_cond *lc = &a->cond[i];
		struct fc *fc = &cr->chk[n];

		if (strcmp(lc->field, "EventID") == 0)
			continue;
		if (fl_keys_add(c->keys, lc->field, strlen(lc->field),
				&fc->key) != FL_OK)
			return c->rc = FL_E_NOMEM;
		c->cur_key = fc->key;
		fc->nv = lc->nval;
		fc->v = fl_sigma_allocv(&c->m->a, lc->nval ? lc->nval : 1,
					sizeof *fc->v);
		if (fc->v == NULL)
			return c->rc = FL_E_NOMEM;
		for (j = 0; j < lc->nval; j++) {
			struct pat *p;

			fc->v[j].p = fl_sigma_allocv(&c->m->a, 1, sizeof *p);
			if (fc->v[j].p == NULL)
				return c->rc = FL_E_NOMEM;
			fc->v[j].np = 1;
			p = fc->v[j].p;
			if (string_pat(c, p, lc->val[j], strlen(lc->val[j]), 0,
				       0, PK_EQ) != FL_OK)
				return c->rc;
		}
		n++;
	}
	cr->nchk = n;
	return FL_OK;
}

/* ---- literal needs ----------------------------------------------------------- */

/*
 * A set of literals one of which must occur for something to match, or
 * "any" (no such set is known).  Computed once per compiled rule, so that
 * a rule none of whose literals is in the event is not evaluated at all.
 */
#define NEED_MAX 512

struct need {
	int any;
	unsigned *id;
	size_t n;
};

/* What a need may use: the literals, and (for the line filter) only the
 * fields whose values are verbatim parts of a raw line (verbatim[key]). */
struct needcx {
	const struct fl_match *m;
	const unsigned char *verbatim; /* NULL: every field */
	size_t nverbatim;
};

/* The length of a need's shortest literal: longer is more selective. */
static size_t
need_minlen(const struct needcx *x, const struct need *n)
{
	size_t i, min = (size_t)-1;

	for (i = 0; i < n->n; i++)
		if (x->m->lit[n->id[i]].len < min)
			min = x->m->lit[n->id[i]].len;
	return min;
}

static void
need_any(struct need *n)
{
	free(n->id);
	n->id = NULL;
	n->n = 0;
	n->any = 1;
}

static int
need_add(struct need *n, unsigned id)
{
	unsigned *p;
	size_t i;

	if (n->any)
		return 0;
	for (i = 0; i < n->n; i++)
		if (n->id[i] == id)
			return 0;
	if (n->n == NEED_MAX) {
		need_any(n);
		return 0;
	}
	if ((p = realloc(n->id, (n->n + 1) * sizeof *p)) == NULL)
		return -1;
	n->id = p;
	n->id[n->n++] = id;
	return 0;
}

/* a := a OR b (b is consumed) */
static int
need_union(struct need *a, struct need *b)
{
	size_t i;
	int rc = 0;

	if (b->any)
		need_any(a);
	for (i = 0; i < b->n && !a->any && rc == 0; i++)
		rc = need_add(a, b->id[i]);
	free(b->id);
	b->id = NULL;
	b->n = 0;
	return rc;
}

/* a := the better of a and b for an AND (b is consumed): fewer literals,
 * then longer ones */
static void
need_and(const struct needcx *x, struct need *a, struct need *b)
{
	if (!b->any && (a->any || b->n < a->n ||
			(b->n == a->n && need_minlen(x, b) > need_minlen(x, a)))) {
		free(a->id);
		*a = *b;
	} else {
		free(b->id);
	}
	b->id = NULL;
	b->n = 0;
}

static int
need_fc(const struct needcx *x, const struct fc *fc, struct need *out)
{
	size_t i, j, nv;

	memset(out, 0, sizeof *out);
	if (fc->nv == 0 || (x->verbatim && (fc->keyword ||
					    fc->key >= x->nverbatim ||
					    !x->verbatim[fc->key]))) {
		out->any = 1;
		return 0;
	}
	/* |all: any one value's literals are needed */
	nv = fc->all ? 1 : fc->nv;
	for (i = 0; i < nv; i++)
		for (j = 0; j < fc->v[i].np; j++) {
			const struct pat *p = &fc->v[i].p[j];

			if (p->litid == 0 || p->neg) {
				need_any(out);
				return 0;
			}
			if (need_add(out, p->litid) != 0)
				return -1;
		}
	return 0;
}

static int
need_search(const struct needcx *x, const struct srch *s, struct need *out)
{
	size_t i, j;

	memset(out, 0, sizeof *out);
	for (i = 0; i < s->ng; i++) {
		struct need g = {1, NULL, 0};

		for (j = 0; j < s->g[i].nc; j++) {
			struct need f;

			if (need_fc(x, &s->g[i].c[j], &f) != 0)
				return -1;
			need_and(x, &g, &f);
		}
		if (need_union(out, &g) != 0)
			return -1;
	}
	if (s->ng == 0)
		out->any = 1;
	return 0;
}

static int
need_node(const struct needcx *x, const struct crule *cr,
	  const struct fl_sigma_node *n, struct need *out)
{
	size_t i;
	int and;

	memset(out, 0, sizeof *out);
	switch (n->op) {
	case FL_SIGMA_ID:
		if (n->ident >= cr->ns) {
			out->any = 1;
			return 0;
		}
		return need_search(x, &cr->s[n->ident], out);
	case FL_SIGMA_NOT:
		out->any = 1;
		return 0;
	default:
		break;
	}
	and = n->op == FL_SIGMA_AND || n->op == FL_SIGMA_ALL_OF;
	if (and)
		out->any = 1;
	for (i = 0; i < n->nkid; i++) {
		struct need k;

		if (need_node(x, cr, n->kid[i], &k) != 0)
			return -1;
		if (and)
			need_and(x, out, &k);
		else if (need_union(out, &k) != 0)
			return -1;
	}
	if (n->nkid == 0)
		need_any(out);
	return 0;
}

/* The literals one of which a rule needs (the whole rule: its condition
 * and its logsource's checks); out->any when there is no such set. */
static fl_err
crule_need(const struct needcx *x, const struct crule *cr, struct need *all)
{
	size_t i;

	memset(all, 0, sizeof *all);
	for (i = 0; i < cr->r->ncond; i++) {
		struct need k;

		if (need_node(x, cr, cr->r->cond[i], &k) != 0 ||
		    need_union(all, &k) != 0) {
			free(all->id);
			return FL_E_NOMEM;
		}
	}
	if (cr->r->ncond == 0)
		need_any(all);
	for (i = 0; i < cr->nchk; i++) {
		struct need k;

		if (need_fc(x, &cr->chk[i], &k) != 0) {
			free(all->id);
			return FL_E_NOMEM;
		}
		need_and(x, all, &k);
	}
	return FL_OK;
}

static fl_err
rule_need(struct fl_match *m, struct crule *cr)
{
	struct needcx x = {m, NULL, 0};
	struct need all;

	if (crule_need(&x, cr, &all) != FL_OK)
		return FL_E_NOMEM;
	if (!all.any && all.n) {
		cr->need = fl_sigma_allocv(&m->a, all.n, sizeof *cr->need);
		if (cr->need == NULL) {
			free(all.id);
			return FL_E_NOMEM;
		}
		memcpy(cr->need, all.id, all.n * sizeof *cr->need);
		cr->nneed = all.n;
		m->st.prefiltered++;
	}
	free(all.id);
	return FL_OK;
}

/* For each index slot, the fields its rules' literals are on: an event
 * filed there has those fields scanned, and no others. */
static fl_err
slot_fields(struct fl_match *m)
{
	size_t f, i, j, k, l;

	for (f = 0; f < 4; f++) {
		struct index *x = &m->idx[f];

		for (i = 0; i < x->cap; i++) {
			struct slot *s = &x->s[i];

			if (s->key == NULL)
				continue;
			if ((s->ref = calloc(s->n ? s->n : 1,
					     sizeof *s->ref)) == NULL)
				return FL_E_NOMEM;
			for (j = 0; j < s->n; j++) {
				const struct crule *cr = &m->cr[s->cid[j]];

				s->ref[j].cid = s->cid[j];
				s->ref[j].ri = (unsigned)cr->r->index;
				s->ref[j].gated = cr->nneed != 0;

				for (k = 0; k < cr->nneed; k++) {
					unsigned key = m->lit[cr->need[k]].key;
					unsigned *p;

					for (l = 0; l < s->nfkey; l++)
						if (s->fkey[l] == key)
							break;
					if (l < s->nfkey)
						continue;
					p = realloc(s->fkey, (s->nfkey + 1) *
							     sizeof *p);
					if (p == NULL)
						return FL_E_NOMEM;
					s->fkey = p;
					s->fkey[s->nfkey++] = key;
				}
			}
		}
	}
	return FL_OK;
}

/* For each literal, the compiled rules that need it. */
static fl_err
index_literals(struct fl_match *m)
{
	size_t i, k, total = 0, *fill;

	if ((m->lr_off = calloc(m->nlit + 2, sizeof *m->lr_off)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < m->ncr; i++)
		for (k = 0; k < m->cr[i].nneed; k++)
			m->lr_off[m->cr[i].need[k] + 1]++;
	for (i = 1; i <= m->nlit + 1; i++)
		m->lr_off[i] += m->lr_off[i - 1];
	total = m->lr_off[m->nlit + 1];
	if ((m->lr_id = malloc((total ? total : 1) * sizeof *m->lr_id)) == NULL)
		return FL_E_NOMEM;
	if ((fill = calloc(m->nlit + 1, sizeof *fill)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < m->ncr; i++)
		for (k = 0; k < m->cr[i].nneed; k++) {
			unsigned l = m->cr[i].need[k];

			m->lr_id[m->lr_off[l] + fill[l]++] = (unsigned)i;
		}
	free(fill);
	return FL_OK;
}

/*
 * The syslog line filter.  When every rule that applies to syslog needs a
 * literal on a field whose value is a verbatim part of the raw line (the
 * program, host, pid or message), a line that holds none of those
 * literals cannot match anything and need not be parsed: one scan of a
 * whole block finds the lines worth parsing.
 */
static fl_err
build_linefilter(struct fl_match *m, struct fl_keys *keys, struct fl_diag *d)
{
	static const char *const names[] = {"program", "host", "pid",
					    "message"};
	struct needcx x;
	unsigned char *verb;
	unsigned *lits = NULL;
	size_t nkeys = fl_keys_count(keys) + 1, nl = 0, i, k, nrules = 0;
	const char **expr = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t *lens = NULL;
	hs_compile_error_t *err = NULL;
	fl_err rc = FL_OK;

	if ((verb = calloc(nkeys, 1)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		unsigned key = fl_keys_find(keys, names[i], strlen(names[i]));

		if (key != FL_KEY_NONE && key < nkeys)
			verb[key] = 1;
	}
	x.m = m;
	x.verbatim = verb;
	x.nverbatim = nkeys;
	for (i = 0; i < m->ncr; i++) {
		struct need nd;
		unsigned *t;

		if (!(m->cr[i].fams & 1u << FL_FAM_SYSLOG))
			continue;
		nrules++;
		if (crule_need(&x, &m->cr[i], &nd) != FL_OK) {
			rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
			goto out;
		}
		if (nd.any || nd.n == 0) {
			free(nd.id);
			goto out; /* this rule may match any line */
		}
		if ((t = realloc(lits, (nl + nd.n) * sizeof *t)) == NULL) {
			free(nd.id);
			rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
			goto out;
		}
		lits = t;
		for (k = 0; k < nd.n; k++)
			lits[nl++] = nd.id[k];
		free(nd.id);
	}
	if (nrules == 0 || nl == 0)
		goto out;
	expr = malloc(nl * sizeof *expr);
	flags = malloc(nl * sizeof *flags);
	ids = malloc(nl * sizeof *ids);
	lens = malloc(nl * sizeof *lens);
	if (!expr || !flags || !ids || !lens) {
		rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nl; i++) {
		const struct lit *l = &m->lit[lits[i]];

		expr[i] = l->text;
		lens[i] = l->len;
		ids[i] = (unsigned)i;
		flags[i] = l->cased ? 0 : HS_FLAG_CASELESS;
	}
	if (hs_compile_lit_multi(expr, flags, ids, lens, (unsigned)nl,
				 HS_MODE_BLOCK, NULL, &m->linedb, &err) !=
	    HS_SUCCESS) {
		/* no filter is slower, never wrong */
		hs_free_compile_error(err);
		m->linedb = NULL;
	}
out:
	free(verb);
	free(lits);
	free(expr);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

/* One literal scanner per field, over all the literals of that field.
 * The fields are compiled on several threads (Vectorscan's compiler is
 * the longest part of loading a large rule set). */
struct scanjob {
	struct fl_match *m;
	const unsigned *order;  /* literal ids grouped by key */
	const size_t *start;    /* order[start[k] .. start[k + 1]) */
	unsigned next, nkeys;   /* the next key to take */
	pthread_mutex_t mu;
	int failed;
	char msg[256];
};

static unsigned
scan_flags(const struct lit *l)
{
	return HS_FLAG_SINGLEMATCH | (l->cased ? 0 : HS_FLAG_CASELESS);
}

static void *
scan_worker(void *arg)
{
	struct scanjob *j = arg;
	struct fl_match *m = j->m;

	for (;;) {
		hs_compile_error_t *err = NULL;
		const char **expr;
		unsigned *flags, *ids, k;
		size_t *lens, i, n;
		int ok;

		pthread_mutex_lock(&j->mu);
		while (j->next < j->nkeys &&
		       j->start[j->next] == j->start[j->next + 1])
			j->next++;
		k = j->next < j->nkeys && !j->failed ? j->next++ : j->nkeys;
		pthread_mutex_unlock(&j->mu);
		if (k >= j->nkeys)
			return NULL;
		n = j->start[k + 1] - j->start[k];
		expr = malloc(n * sizeof *expr);
		flags = malloc(n * sizeof *flags);
		ids = malloc(n * sizeof *ids);
		lens = malloc(n * sizeof *lens);
		ok = expr && flags && ids && lens;
		for (i = 0; ok && i < n; i++) {
			const struct lit *l = &m->lit[j->order[j->start[k] + i]];

			expr[i] = l->text;
			lens[i] = l->len;
			ids[i] = j->order[j->start[k] + i];
			flags[i] = scan_flags(l);
		}
		if (ok && hs_compile_lit_multi(expr, flags, ids, lens,
					       (unsigned)n, HS_MODE_BLOCK, NULL,
					       &m->db[k], &err) != HS_SUCCESS)
			ok = 0;
		if (!ok) {
			pthread_mutex_lock(&j->mu);
			if (!j->failed)
				snprintf(j->msg, sizeof j->msg, "%s",
					 err && err->message ? err->message :
					 "out of memory");
			j->failed = 1;
			pthread_mutex_unlock(&j->mu);
		}
		hs_free_compile_error(err);
		free(expr);
		free(flags);
		free(ids);
		free(lens);
	}
}

/* A byte no keyword literal holds (-1 when they hold all 256). */
static int
keyword_separator(const struct fl_match *m)
{
	unsigned char used[256];
	size_t i, j;
	int b;

	memset(used, 0, sizeof used);
	for (i = 1; i <= m->nlit; i++) {
		const struct lit *l = &m->lit[i];

		if (l->key != FL_KEY_NONE)
			continue;
		for (j = 0; j < l->len; j++) {
			unsigned char ch = (unsigned char)l->text[j];

			used[ch] = 1;
			/* caseless literals match either case */
			if (!l->cased && ch >= 'a' && ch <= 'z')
				used[ch - 32] = 1;
			if (!l->cased && ch >= 'A' && ch <= 'Z')
				used[ch + 32] = 1;
		}
	}
	/* a byte never in valid UTF-8 first */
	for (b = 0xff; b >= 0; b--)
		if (!used[b])
			return b;
	return -1;
}

/* The name of a set of scanners in the cache: everything the compiled
 * databases depend on (the library, the CPU, every literal and flag). */
static fl_err
scanners_key(const struct fl_match *m, const unsigned *order,
	     const size_t *start, char key[static 65])
{
	struct fl_sha256 *h = fl_sha256_begin();
	hs_platform_info_t pl;
	unsigned long long word[4];
	const char *v = hs_version();
	size_t i;
	unsigned k;

	key[0] = '\0';
	if (h == NULL)
		return FL_E_NOMEM;
	memset(&pl, 0, sizeof pl);
	if (hs_populate_platform(&pl) != HS_SUCCESS) {
		(void)fl_sha256_end(h, key);
		key[0] = '\0';
		return FL_E_INTERNAL;
	}
	fl_sha256_add(h, "firstline scanners 1\n", 21);
	fl_sha256_add(h, v, strlen(v) + 1);
	word[0] = pl.tune;
	word[1] = pl.cpu_features;
	word[2] = m->ndb;
	word[3] = HS_MODE_BLOCK;
	fl_sha256_add(h, word, sizeof word);
	for (k = 0; k < m->ndb; k++) {
		word[0] = k;
		word[1] = start[k + 1] - start[k];
		fl_sha256_add(h, word, 2 * sizeof word[0]);
		for (i = start[k]; i < start[k + 1]; i++) {
			const struct lit *l = &m->lit[order[i]];

			word[0] = order[i];
			word[1] = scan_flags(l);
			word[2] = l->len;
			fl_sha256_add(h, word, 3 * sizeof word[0]);
			fl_sha256_add(h, l->text, l->len);
		}
	}
	return fl_sha256_end(h, key);
}

static fl_err
build_scanners(struct fl_match *m, const char *cache_dir, struct fl_diag *d)
{
	char key[65] = "";
	struct scanjob j;
	pthread_t th[8];
	unsigned *order = NULL, maxkey = 0, k;
	size_t *start = NULL, *fill = NULL, i;
	long nt = sysconf(_SC_NPROCESSORS_ONLN);
	int started = 0, t;
	fl_err rc = FL_OK;

	for (i = 1; i <= m->nlit; i++)
		if (m->lit[i].key > maxkey)
			maxkey = m->lit[i].key;
	m->ndb = maxkey + 1;
	if ((m->db = calloc(m->ndb, sizeof *m->db)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	order = malloc((m->nlit + 1) * sizeof *order);
	start = calloc(m->ndb + 1, sizeof *start);
	fill = calloc(m->ndb + 1, sizeof *fill);
	if (!order || !start || !fill) {
		rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		goto out;
	}
	/* group the literal ids by key (a counting sort) */
	for (i = 1; i <= m->nlit; i++)
		start[m->lit[i].key + 1]++;
	for (k = 1; k <= m->ndb; k++)
		start[k] += start[k - 1];
	for (i = 1; i <= m->nlit; i++) {
		k = m->lit[i].key;
		order[start[k] + fill[k]++] = (unsigned)i;
	}
	if (cache_dir && scanners_key(m, order, start, key) == FL_OK &&
	    fl_hscache_load(cache_dir, key, m->db, m->ndb, &m->dbmem)) {
		for (k = 0; k < m->ndb; k++)
			if ((m->db[k] != NULL) != (start[k] != start[k + 1]))
				break;
		if (k == m->ndb) {
			m->st.cached = 1;
			goto done;
		}
		memset(m->db, 0, m->ndb * sizeof *m->db);
		fl_hscache_mem_free(m->dbmem);
		m->dbmem = NULL;
	}
	memset(&j, 0, sizeof j);
	j.m = m;
	j.order = order;
	j.start = start;
	j.nkeys = m->ndb;
	pthread_mutex_init(&j.mu, NULL);
	if (nt < 1)
		nt = 1;
	if (nt > 8)
		nt = 8;
	for (t = 1; t < nt; t++)
		if (pthread_create(&th[started], NULL, scan_worker, &j) == 0)
			started++;
	scan_worker(&j);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&j.mu);
	if (j.failed) {
		rc = fl_diag_msg(d, FL_E_INTERNAL, "literal scanner: %s", j.msg);
		goto out;
	}
	if (cache_dir && key[0])
		fl_hscache_store(cache_dir, key, m->db, m->ndb);
done:
	for (k = 0; k < m->ndb; k++)
		if (m->db[k])
			m->st.scanners++;
	m->kwsep = keyword_separator(m);
out:
	free(order);
	free(start);
	free(fill);
	return rc;
}

/* The families of events a rule is tried on: by its product, or, when it
 * names none, by the product of the mapping entry its logsource resolved
 * to (SigmaHQ's antivirus rules name no product; the mapping files them
 * under Windows Defender); with neither, JSON events of no known family. */
static unsigned
family_mask(const struct fl_sigma_rule *r, const struct fl_logsource_alt *a)
{
	const char *p = r->logsource.product, *s = r->logsource.service;
	unsigned any = 1u << FL_FAM_ANY;

	if (p == NULL)
		p = a->product;
	if (p == NULL)
		return any;
	if (strcasecmp(p, "windows") == 0)
		return any | 1u << FL_FAM_WINDOWS;
	if (strcasecmp(p, "linux") == 0) {
		if (s && strcasecmp(s, "auditd") == 0)
			return any | 1u << FL_FAM_AUDITD;
		return any | 1u << FL_FAM_SYSLOG;
	}
	return any;
}

/*
 * The event ids a rule's detection can match at most, for the index: a
 * rule whose logsource names no event id but whose every selection says
 * "EventID: 4634" is filed under that id rather than tried on every event
 * of its channel.  A set of ids, or any (the detection does not bound it,
 * or bounds it to more than EIDS_MAX ids).
 */
#define EIDS_MAX 16
struct eids {
	int any;
	size_t n;
	size_t len[EIDS_MAX];
	char v[EIDS_MAX][24]; /* copied with the struct, so no pointers */
};

static void
eids_add(struct eids *e, const char *p, size_t n)
{
	size_t i;

	if (e->any)
		return;
	for (i = 0; i < e->n; i++)
		if (e->len[i] == n && memcmp(e->v[i], p, n) == 0)
			return;
	if (e->n == EIDS_MAX || n >= sizeof e->v[0]) {
		e->any = 1;
		return;
	}
	memcpy(e->v[e->n], p, n);
	e->v[e->n][n] = '\0';
	e->len[e->n++] = n;
}

static void
eids_union(struct eids *a, const struct eids *b)
{
	size_t i;

	if (b->any)
		a->any = 1;
	for (i = 0; i < b->n && !a->any; i++)
		eids_add(a, b->v[i], b->len[i]);
}

/* The ids an EventID field condition allows, or any. */
static void
eids_fc(const struct fl_match *m, const struct fc *fc, struct eids *out)
{
	size_t i, j;
	char buf[24];

	memset(out, 0, sizeof *out);
	if (fc->keyword || fc->key != m->k_eventid || fc->nv == 0 ||
	    (fc->all && fc->nv > 1)) {
		out->any = 1;
		return;
	}
	for (i = 0; i < fc->nv && !out->any; i++) {
		const struct val *v = &fc->v[i];

		for (j = 0; j < v->np && !out->any; j++) {
			const struct pat *p = &v->p[j];

			if (p->neg || (p->kind != PK_NUM && p->kind != PK_EQ)) {
				out->any = 1;
			} else if (p->kind == PK_NUM) {
				size_t n = eid_plain(p->lit, p->len, buf);

				if (n == 0 && !plain_decimal(p->lit, p->len))
					out->any = 1;
				else if (n)
					eids_add(out, buf, n);
				else
					eids_add(out, p->lit, p->len);
			} else if (plain_decimal(p->lit, p->len)) {
				eids_add(out, p->lit, p->len);
			} else {
				out->any = 1;
			}
		}
	}
}

/* A selection: any of its groups, each bounded by an EventID condition
 * among its field conditions (all of which must hold). */
static void
eids_search(const struct fl_match *m, const struct srch *s, struct eids *out)
{
	struct eids g, f;
	size_t i, j;

	memset(out, 0, sizeof *out);
	if (s->ng == 0)
		out->any = 1;
	for (i = 0; i < s->ng && !out->any; i++) {
		memset(&g, 0, sizeof g);
		g.any = 1;
		for (j = 0; j < s->g[i].nc && g.any; j++) {
			eids_fc(m, &s->g[i].c[j], &f);
			if (!f.any)
				g = f;
		}
		eids_union(out, &g);
	}
}

static void
eids_node(const struct fl_match *m, const struct crule *cr,
	  const struct fl_sigma_node *n, int depth, struct eids *out)
{
	struct eids k;
	size_t i;

	memset(out, 0, sizeof *out);
	if (depth > 64) {
		out->any = 1;
		return;
	}
	switch (n->op) {
	case FL_SIGMA_ID:
		if (n->ident >= cr->ns)
			out->any = 1;
		else
			eids_search(m, &cr->s[n->ident], out);
		return;
	case FL_SIGMA_NOT:
		out->any = 1;
		return;
	case FL_SIGMA_AND:
	case FL_SIGMA_ALL_OF:
		/* every kid must hold: any one of them bounds the whole;
		   the smallest bound is kept */
		out->any = 1;
		for (i = 0; i < n->nkid; i++) {
			eids_node(m, cr, n->kid[i], depth + 1, &k);
			if (!k.any && (out->any || k.n < out->n))
				*out = k;
		}
		return;
	default: /* OR, ONE_OF: any kid may hold */
		if (n->nkid == 0)
			out->any = 1;
		for (i = 0; i < n->nkid && !out->any; i++) {
			eids_node(m, cr, n->kid[i], depth + 1, &k);
			eids_union(out, &k);
		}
		return;
	}
}

/* The rule's conditions are alternatives: the union of their bounds. */
static void
eids_rule(const struct fl_match *m, const struct crule *cr, struct eids *out)
{
	struct eids k;
	size_t i;

	memset(out, 0, sizeof *out);
	if (cr->r->ncond == 0)
		out->any = 1;
	for (i = 0; i < cr->r->ncond && !out->any; i++) {
		eids_node(m, cr, cr->r->cond[i], 0, &k);
		eids_union(out, &k);
	}
}

/* File a compiled rule under its channels and event ids. */
static fl_err
index_rule(struct fl_match *m, unsigned cid, unsigned fams)
{
	const struct fl_logsource_alt *a = m->cr[cid].alt;
	const struct fl_logsource_cond *eid = NULL;
	struct eids *de = NULL;
	char key[512];
	size_t i, j, nc, ne;
	int f;

	for (i = 0; i < a->ncond; i++)
		if (strcmp(a->cond[i].field, "EventID") == 0)
			eid = &a->cond[i];
	if (eid == NULL || eid->nval == 0) {
		/* no id from the logsource: perhaps from the detection */
		if ((de = malloc(sizeof *de)) == NULL)
			return FL_E_NOMEM;
		eids_rule(m, &m->cr[cid], de);
		if (de->any || de->n == 0) {
			free(de);
			de = NULL;
		}
	}
	nc = a->nchannel ? a->nchannel : 1;
	ne = eid && eid->nval ? eid->nval : de ? de->n : 1;
	for (i = 0; i < nc; i++) {
		for (j = 0; j < ne; j++) {
			int n = snprintf(key, sizeof key, "%s\x1f%s",
					 a->nchannel ? a->channel[i] : "*",
					 eid && eid->nval ? eid->val[j] :
					 de ? de->v[j] : "*");

			if (n < 0 || (size_t)n >= sizeof key)
				continue;
			lower(key, (size_t)n);
			for (f = 0; f < 4; f++)
				if ((fams & 1u << f) &&
				    idx_add(&m->idx[f], key, cid) != FL_OK) {
					free(de);
					return FL_E_NOMEM;
				}
		}
	}
	free(de);
	return FL_OK;
}

static fl_err
refusal(struct fl_match *m, struct cc *c)
{
	struct fl_diag *p = realloc(m->refusal, (m->nrefusal + 1) * sizeof *p);

	if (p == NULL)
		return FL_E_NOMEM;
	m->refusal = p;
	memset(&p[m->nrefusal], 0, sizeof *p);
	fl_diag_set(&p[m->nrefusal], FL_E_SYNTAX, c->r->file, c->line, c->col,
		    "%s", c->msg[0] ? c->msg : "cannot compile this rule");
	m->nrefusal++;
	m->st.refused++;
	return FL_OK;
}

/* The selections of a rule or a filter. */
static fl_err
compile_searches(struct cc *c, struct crule *cr, const struct fl_sigma_rule *r,
		 size_t keycap, struct srch **out, size_t *nout)
{
	struct srch *ss;
	size_t i, j, k;

	ss = fl_sigma_allocv(&c->m->a, r->nsearch ? r->nsearch : 1,
			     sizeof *ss);
	if (ss == NULL)
		return c->rc = FL_E_NOMEM;
	for (i = 0; i < r->nsearch; i++) {
		const struct fl_sigma_search *sr = &r->search[i];
		struct srch *s = &ss[i];

		s->ng = sr->ngroup;
		s->g = fl_sigma_allocv(&c->m->a, sr->ngroup ? sr->ngroup : 1,
				       sizeof *s->g);
		if (s->g == NULL)
			return c->rc = FL_E_NOMEM;
		for (j = 0; j < sr->ngroup; j++) {
			const struct fl_sigma_group *sg = &sr->group[j];
			struct grp *g = &s->g[j];

			g->nc = sg->ncond;
			g->c = fl_sigma_allocv(&c->m->a,
					       sg->ncond ? sg->ncond : 1,
					       sizeof *g->c);
			if (g->c == NULL)
				return c->rc = FL_E_NOMEM;
			for (k = 0; k < sg->ncond; k++)
				if (compile_fc(c, cr, keycap, &sg->cond[k],
					       &g->c[k]) != FL_OK)
					return c->rc;
		}
	}
	*out = ss;
	*nout = r->nsearch;
	return FL_OK;
}

static size_t
field_count(const struct fl_sigma_rule *r)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->nsearch; i++)
		for (j = 0; j < r->search[i].ngroup; j++)
			n += r->search[i].group[j].ncond;
	return n;
}

static int
filters_rule(const struct fl_sigma_rule *f, const struct fl_sigma_rule *r)
{
	size_t i;

	for (i = 0; i < f->nfilter_ref; i++)
		if (f->filter_ref[i].target == r)
			return 1;
	return 0;
}

static fl_err
compile_rule(struct cc *c, struct crule *cr, struct fl_sigma_rule *const *all,
	     size_t nall)
{
	const struct fl_sigma_rule *r = c->r;
	size_t i, nf = field_count(r), nflt = 0;

	for (i = 0; i < nall; i++)
		if (all[i]->kind == FL_SIGMA_FILTER && !all[i]->refused &&
		    filters_rule(all[i], r)) {
			nflt++;
			nf += field_count(all[i]);
		}
	nf += r->fields.n;
	cr->keys = fl_sigma_allocv(&c->m->a, nf + 1, sizeof *cr->keys);
	if (cr->keys == NULL)
		return c->rc = FL_E_NOMEM;
	if (compile_searches(c, cr, r, nf, &cr->s, &cr->ns) != FL_OK)
		return c->rc;
	/* the fields the rule asks to see with an alert */
	for (i = 0; i < r->fields.n; i++) {
		const char *name = mapped(c->alt, r->fields.v[i]);
		unsigned k;

		if (fl_keys_add(c->keys, name, strlen(name), &k) != FL_OK)
			return c->rc = FL_E_NOMEM;
		note_key(c, cr, k, nf);
	}
	if (nflt) {
		cr->flt = fl_sigma_allocv(&c->m->a, nflt, sizeof *cr->flt);
		if (cr->flt == NULL)
			return c->rc = FL_E_NOMEM;
		for (i = 0; i < nall; i++) {
			struct cfilter *cf;

			if (all[i]->kind != FL_SIGMA_FILTER || all[i]->refused ||
			    !filters_rule(all[i], r))
				continue;
			cf = &cr->flt[cr->nflt++];
			cf->f = all[i];
			if (all[i]->nsearch > c->m->max_search)
				c->m->max_search = all[i]->nsearch;
			if (compile_searches(c, cr, all[i], nf, &cf->s,
					     &cf->ns) != FL_OK)
				return c->rc;
		}
	}
	return compile_checks(c, cr);
}

fl_err
fl_match_new(const struct fl_sigma_set *set, const struct fl_logmap *map,
	     struct fl_keys *keys, const struct fl_match_opts *o,
	     struct fl_match **out, struct fl_diag *d)
{
	struct fl_sigma_rule *const *rules;
	struct fl_match *m;
	struct cc c;
	size_t nr, i, j, total = 0;
	fl_err rc = FL_OK;

	*out = NULL;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	fl_sigma_arena_init(&m->a, (size_t)1 << 32);
	rules = fl_sigma_set_rules(set, &nr);
	m->nrules = nr;
	if ((m->alts = calloc(nr ? nr : 1, sizeof *m->alts)) == NULL ||
	    (m->nalt = calloc(nr ? nr : 1, sizeof *m->nalt)) == NULL)
		goto nomem;
	m->nalts = nr;
	/* first pass: the alternatives, to size the compiled rules */
	for (i = 0; i < nr; i++) {
		size_t na;
		int known;

		if (rules[i]->kind != FL_SIGMA_RULE || rules[i]->refused)
			continue;
		if (fl_logmap_resolve(map, &rules[i]->logsource, &m->alts[i],
				      &na, &known) != FL_OK)
			goto nomem;
		m->nalt[i] = na;
		total += na;
		if (!known)
			m->st.unmapped++;
		m->st.rules++;
		if (rules[i]->nsearch > m->max_search)
			m->max_search = rules[i]->nsearch;
	}
	if ((m->cr = calloc(total ? total : 1, sizeof *m->cr)) == NULL)
		goto nomem;
	if (fl_keys_add(keys, "Channel", 7, &m->k_channel) != FL_OK ||
	    fl_keys_add(keys, "EventID", 7, &m->k_eventid) != FL_OK)
		goto nomem;
	memset(&c, 0, sizeof c);
	c.m = m;
	c.keys = keys;
	fl_buf_init(&c.tmp, (size_t)1 << 20);
	for (i = 0; i < nr; i++) {
		size_t na = m->nalt[i];
		unsigned fams;

		if (m->alts[i] == NULL)
			continue;
		for (j = 0; j < na; j++) {
			struct crule *cr = &m->cr[m->ncr];

			fams = family_mask(rules[i], &m->alts[i][j]);
			memset(cr, 0, sizeof *cr);
			cr->r = rules[i];
			cr->alt = &m->alts[i][j];
			cr->fams = fams;
			c.r = rules[i];
			c.alt = cr->alt;
			c.rc = FL_OK;
			c.msg[0] = '\0';
			c.line = rules[i]->line;
			c.col = rules[i]->col;
			if (compile_rule(&c, cr, rules, nr) != FL_OK) {
				if (c.rc == FL_E_NOMEM) {
					fl_buf_release(&c.tmp);
					goto nomem;
				}
				if (refusal(m, &c) != FL_OK) {
					fl_buf_release(&c.tmp);
					goto nomem;
				}
				break;
			}
			if (rule_need(m, cr) != FL_OK ||
			    index_rule(m, (unsigned)m->ncr, fams) != FL_OK) {
				fl_buf_release(&c.tmp);
				goto nomem;
			}
			m->ncr++;
			m->st.alts++;
		}
	}
	fl_buf_release(&c.tmp);
	m->st.literals = m->nlit;
	if (index_literals(m) != FL_OK || slot_fields(m) != FL_OK)
		goto nomem;
	if ((rc = build_scanners(m, o ? o->cache_dir : NULL, d)) != FL_OK ||
	    (rc = build_linefilter(m, keys, d)) != FL_OK) {
		fl_match_free(m);
		return rc;
	}
	*out = m;
	return rc;
nomem:
	fl_match_free(m);
	return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
}

void
fl_match_free(struct fl_match *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nre; i++)
		pcre2_code_free(m->re[i]);
	for (i = 0; m->db && !m->dbmem && i < m->ndb; i++)
		if (m->db[i])
			hs_free_database(m->db[i]);
	free(m->db);
	fl_hscache_mem_free(m->dbmem);
	free(m->lit);
	free(m->lh);
	free(m->lr_off);
	free(m->lr_id);
	if (m->linedb)
		hs_free_database(m->linedb);
	free(m->re);
	for (i = 0; i < 4; i++)
		idx_free(&m->idx[i]);
	for (i = 0; m->alts && i < m->nalts; i++)
		free(m->alts[i]);
	free(m->alts);
	free(m->nalt);
	free(m->cr);
	free(m->refusal);
	fl_sigma_arena_release(&m->a);
	free(m);
}

void
fl_match_stats(const struct fl_match *m, struct fl_match_stats *s)
{
	*s = m->st;
}

const struct fl_diag *
fl_match_refusals(const struct fl_match *m, size_t *n)
{
	*n = m->nrefusal;
	return m->refusal;
}

const unsigned *
fl_match_fields(const struct fl_match *m, unsigned cid, size_t *n)
{
	if (cid >= m->ncr) {
		*n = 0;
		return NULL;
	}
	*n = m->cr[cid].nkeys;
	return m->cr[cid].keys;
}

/* ---- contexts --------------------------------------------------------------- */

fl_err
fl_match_ctx_new(const struct fl_match *m, struct fl_match_ctx **out)
{
	struct fl_match_ctx *c = calloc(1, sizeof *c);

	*out = NULL;
	if (c == NULL)
		return FL_E_NOMEM;
	c->m = m;
	c->seen = calloc(m->nrules + 1, sizeof *c->seen);
	c->memo = malloc(m->max_search + 1);
	c->md = pcre2_match_data_create(1, NULL);
	c->mc = pcre2_match_context_create(NULL);
	c->js = pcre2_jit_stack_create(32 << 10, 1 << 20, NULL);
	c->lit_gen = calloc(m->nlit + 1, sizeof *c->lit_gen);
	c->scan_gen = calloc(m->ndb + 1, sizeof *c->scan_gen);
	c->rule_gen = calloc(m->ncr + 1, sizeof *c->rule_gen);
	/* without it every value is scanned: slower, the same result */
	c->rc = m->ndb ? calloc(RECALL_SLOTS, sizeof *c->rc) : NULL;
	if (!c->seen || !c->memo || !c->md || !c->mc || !c->js ||
	    !c->lit_gen || !c->scan_gen || !c->rule_gen) {
		fl_match_ctx_free(c);
		return FL_E_NOMEM;
	}
	{
		unsigned k;

		for (k = 0; k < m->ndb; k++)
			if (m->db[k] && hs_alloc_scratch(m->db[k], &c->hs) !=
					    HS_SUCCESS) {
				fl_match_ctx_free(c);
				return FL_E_NOMEM;
			}
		if (m->linedb && hs_alloc_scratch(m->linedb, &c->hs) !=
				     HS_SUCCESS) {
			fl_match_ctx_free(c);
			return FL_E_NOMEM;
		}
	}
	/* untrusted subjects: bound backtracking */
	pcre2_set_match_limit(c->mc, 1000000);
	pcre2_set_depth_limit(c->mc, 10000);
	pcre2_jit_stack_assign(c->mc, NULL, c->js);
	*out = c;
	return FL_OK;
}

void
fl_match_ctx_free(struct fl_match_ctx *c)
{
	if (c == NULL)
		return;
	free(c->lgen);
	free(c->loff);
	free(c->llen);
	free(c->lbuf);
	free(c->seen);
	free(c->memo);
	free(c->lit_gen);
	free(c->scan_gen);
	free(c->rule_gen);
	free(c->lf_end);
	free(c->kw);
	if (c->rc) {
		size_t i;

		for (i = 0; i < RECALL_SLOTS; i++)
			free(c->rc[i].v);
		free(c->rc);
	}
	if (c->hs)
		hs_free_scratch(c->hs);
	if (c->md)
		pcre2_match_data_free(c->md);
	if (c->mc)
		pcre2_match_context_free(c->mc);
	if (c->js)
		pcre2_jit_stack_free(c->js);
	free(c);
}

unsigned long long
fl_match_ctx_take_errors(struct fl_match_ctx *c)
{
	unsigned long long n = c->errors;

	c->errors = 0;
	return n;
}

int
fl_match_hit_of(const struct fl_match *m, unsigned cid,
		struct fl_match_hit *h)
{
	if (cid >= m->ncr)
		return -1;
	h->rule = m->cr[cid].r;
	h->alt = m->cr[cid].alt;
	h->cid = cid;
	return 0;
}

/* The lower-cased text of field fi of the current event. */
static int
lowered(struct fl_match_ctx *c, const struct fl_event *ev, size_t fi,
	struct fl_slice *out)
{
	const struct fl_field *f = &ev->fields[fi];
	char *p;

	if (fi < c->nslot && c->lgen[fi] == c->gen) {
		out->p = c->lbuf + c->loff[fi];
		out->n = c->llen[fi];
		return 0;
	}
	if (fi >= c->nslot) {
		size_t n = ev->nfields > fi ? ev->nfields : fi + 1;
		uint32_t *g = realloc(c->lgen, n * sizeof *g);
		size_t *o, *l;

		if (g == NULL)
			return -1;
		c->lgen = g;
		memset(g + c->nslot, 0, (n - c->nslot) * sizeof *g);
		if ((o = realloc(c->loff, n * sizeof *o)) == NULL)
			return -1;
		c->loff = o;
		if ((l = realloc(c->llen, n * sizeof *l)) == NULL)
			return -1;
		c->llen = l;
		c->nslot = n;
	}
	if (c->lused + f->value.n + 1 > c->lcap) {
		size_t nc = c->lcap ? c->lcap : 4096;

		while (nc < c->lused + f->value.n + 1)
			nc *= 2;
		if ((p = realloc(c->lbuf, nc)) == NULL)
			return -1;
		c->lbuf = p;
		c->lcap = nc;
	}
	p = c->lbuf + c->lused;
	memcpy(p, f->value.p, f->value.n);
	lower(p, f->value.n);
	c->lgen[fi] = c->gen;
	c->loff[fi] = c->lused;
	c->llen[fi] = f->value.n;
	c->lused += f->value.n;
	out->p = p;
	out->n = f->value.n;
	return 0;
}

/* ---- comparing ----------------------------------------------------------------- */

static int
glob_match(const struct pat *p, const char *s, size_t n)
{
	size_t pi = 0, si = 0, star_pi = (size_t)-1, star_si = 0;

	while (1) {
		if (pi < p->npart) {
			const struct fl_sigma_part *pt = &p->part[pi];

			if (pt->kind == FL_SP_STAR) {
				star_pi = pi++;
				star_si = si;
				continue;
			}
			if (pt->kind == FL_SP_ONE && si < n) {
				int l = fl_utf8_seq((const unsigned char *)s + si,
						    n - si);

				si += l > 0 ? (size_t)l : 1;
				pi++;
				continue;
			}
			if (pt->kind == FL_SP_LIT && pt->len <= n - si &&
			    memcmp(s + si, p->lit + pt->off, pt->len) == 0) {
				si += pt->len;
				pi++;
				continue;
			}
		} else if (si == n) {
			return 1;
		}
		if (star_pi == (size_t)-1 || star_si >= n)
			return 0;
		/* backtrack: the star takes one more byte; jump to the
		 * next place the literal after it can start */
		star_si++;
		if (star_pi + 1 < p->npart &&
		    p->part[star_pi + 1].kind == FL_SP_LIT) {
			const struct fl_sigma_part *nx = &p->part[star_pi + 1];
			const char *hit;

			if (star_si > n)
				return 0;
			hit = memmem(s + star_si, n - star_si, p->lit + nx->off,
				     nx->len);
			if (hit == NULL)
				return 0;
			star_si = (size_t)(hit - s);
		}
		pi = star_pi + 1;
		si = star_si;
	}
}

static int
parse_num(const char *p, size_t n, double *out)
{
	char buf[64], *end;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*out = strtod(buf, &end);
	return end == buf + n ? 0 : -1;
}

static int
parse_ip(const char *p, size_t n, unsigned char ip[16], int *v6)
{
	char buf[64];

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, ip) == 1) {
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, ip) == 1) {
		*v6 = 1;
		return 0;
	}
	return -1;
}

static int
cidr_match(const struct pat *p, const char *s, size_t n)
{
	unsigned char ip[16];
	int v6, full, rem;

	if (parse_ip(s, n, ip, &v6) != 0 || v6 != p->ipv6)
		return 0;
	full = p->prefix / 8;
	rem = p->prefix % 8;
	if (memcmp(ip, p->ip, (size_t)full) != 0)
		return 0;
	if (rem) {
		unsigned char mask = (unsigned char)(0xff << (8 - rem));

		return (ip[full] & mask) == (p->ip[full] & mask);
	}
	return 1;
}

static int
time_part(const struct pat *p, const char *s, size_t n)
{
	struct tm tm;
	char w[8];
	int64_t sec;
	uint32_t ns;
	time_t t;
	long v;

	if (fl_event_parse_time(s, n, &sec, &ns) != 0)
		return 0;
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	switch (p->op) {
	case FL_SM_MINUTE:
		v = tm.tm_min;
		break;
	case FL_SM_HOUR:
		v = tm.tm_hour;
		break;
	case FL_SM_DAY:
		v = tm.tm_mday;
		break;
	case FL_SM_WEEK:
		/* ISO 8601 week: the one holding the year's first Thursday
		 * is week 1 */
		if (strftime(w, sizeof w, "%V", &tm) == 0)
			return 0;
		v = strtol(w, NULL, 10);
		break;
	case FL_SM_MONTH:
		v = tm.tm_mon + 1;
		break;
	default:
		v = (long)tm.tm_year + 1900;
		break;
	}
	return (double)v == p->num;
}

/* One pattern against one value (raw bytes s; low = lower-cased). */
static int
pat_value(struct fl_match_ctx *c, const struct fl_event *ev,
	  const struct pat *p, const struct fl_field *f, size_t fi)
{
	struct fl_slice v;
	double x;

	if (p->cased || p->kind == PK_RE || p->kind == PK_CIDR ||
	    p->kind == PK_CMP || p->kind == PK_TIME) {
		v = f->value;
	} else if (lowered(c, ev, fi, &v) != 0) {
		c->errors++;
		return 0;
	}
	switch (p->kind) {
	case PK_EQ:
		return v.n == p->len && memcmp(v.p, p->lit, v.n) == 0;
	case PK_CONTAINS:
		return p->len == 0 || memmem(v.p, v.n, p->lit, p->len) != NULL;
	case PK_START:
		return v.n >= p->len && memcmp(v.p, p->lit, p->len) == 0;
	case PK_END:
		return v.n >= p->len &&
		       memcmp(v.p + v.n - p->len, p->lit, p->len) == 0;
	case PK_GLOB:
		return glob_match(p, v.p, v.n);
	case PK_NUM:
		if (v.n == p->len && memcmp(v.p, p->lit, v.n) == 0)
			return 1;
		if (p->digits && plain_decimal(v.p, v.n))
			return 0; /* two plain decimals: other text, other number */
		return parse_num(v.p, v.n, &x) == 0 && x == p->num;
	case PK_EMPTY:
		return v.n == 0;
	case PK_RE: {
		int rc = pcre2_match(p->re, (PCRE2_SPTR)v.p, v.n, 0, 0, c->md,
				     c->mc);

		if (rc >= 0)
			return 1;
		if (rc != PCRE2_ERROR_NOMATCH)
			c->errors++;
		return 0;
	}
	case PK_CIDR:
		return cidr_match(p, v.p, v.n);
	case PK_CMP:
		if (parse_num(v.p, v.n, &x) != 0)
			return 0;
		switch (p->op) {
		case FL_SM_LT:
			return x < p->num;
		case FL_SM_LTE:
			return x <= p->num;
		case FL_SM_GT:
			return x > p->num;
		default:
			return x >= p->num;
		}
	case PK_TIME:
		return time_part(p, v.p, v.n);
	default:
		return 0;
	}
}

static int
ref_match(struct fl_match_ctx *c, const struct fl_event *ev,
	  const struct pat *p, size_t fi)
{
	const struct fl_field *r;
	struct fl_slice a, b;

	for (r = fl_event_get(ev, p->refkey); r; r = fl_event_next(ev, r)) {
		size_t ri = (size_t)(r - ev->fields);

		if (p->cased) {
			a = ev->fields[fi].value;
			b = r->value;
		} else if (lowered(c, ev, fi, &a) != 0 ||
			   lowered(c, ev, ri, &b) != 0) {
			c->errors++;
			return 0;
		}
		switch (p->op) {
		case PK_CONTAINS:
			if (b.n == 0 || memmem(a.p, a.n, b.p, b.n))
				return 1;
			break;
		case PK_START:
			if (a.n >= b.n && memcmp(a.p, b.p, b.n) == 0)
				return 1;
			break;
		case PK_END:
			if (a.n >= b.n && memcmp(a.p + a.n - b.n, b.p, b.n) == 0)
				return 1;
			break;
		default:
			if (a.n == b.n && memcmp(a.p, b.p, a.n) == 0)
				return 1;
			break;
		}
	}
	return 0;
}

static int
on_literal(unsigned int id, unsigned long long from, unsigned long long to,
	   unsigned int flags, void *ctx)
{
	struct fl_match_ctx *c = ctx;
	const struct fl_match *m = c->m;
	size_t i;

	(void)from;
	(void)to;
	(void)flags;
	c->lit_gen[id] = c->gen;
	for (i = m->lr_off[id]; i < m->lr_off[id + 1]; i++)
		c->rule_gen[m->lr_id[i]] = c->gen;
	if (c->rec_on) {
		if (c->rec_n < RECALL_IDS)
			c->rec_id[c->rec_n++] = id;
		else
			c->rec_over = 1;
	}
	return 0;
}

/* Scan one value of field key (0: a keyword scan) with the field's
 * literal scanner, or replay what the scan of the same bytes found. */
static void
scan_value(struct fl_match_ctx *c, unsigned key, const char *p, size_t n)
{
	const struct fl_match *m = c->m;
	struct recall *r = NULL;
	unsigned i;

	if (n <= RECALL_MAX && c->rc) {
		uint64_t h = fl_hash64(p, n) ^ ((uint64_t)key << 32);

		r = &c->rc[h & (RECALL_SLOTS - 1)];
		if (r->v && r->h == h && r->key == key && r->n == n &&
		    memcmp(r->v, p, n) == 0) {
			c->rec_on = 0;
			for (i = 0; i < r->nid; i++)
				(void)on_literal(r->id[i], 0, 0, 0, c);
			return;
		}
		r->h = h;
		r->key = key;
		r->nid = 0;
		r->n = 0;
		c->rec_on = 1;
		c->rec_n = 0;
		c->rec_over = 0;
	}
	if (hs_scan(m->db[key], p, (unsigned)n, 0, c->hs, on_literal, c) !=
	    HS_SUCCESS) {
		c->errors++;
		r = NULL; /* an incomplete scan is not kept */
	}
	c->rec_on = 0;
	if (r == NULL || c->rec_over)
		return;
	if (r->cap < n) {
		uint32_t cap = n < 64 ? 64 : (uint32_t)n;
		char *v = realloc(r->v, cap);

		if (v == NULL)
			return; /* r->n stays 0: never a hit */
		r->v = v;
		r->cap = cap;
	}
	if (r->v == NULL)
		return;
	memcpy(r->v, p, n);
	r->n = (uint32_t)n;
	memcpy(r->id, c->rec_id, c->rec_n * sizeof *r->id);
	r->nid = c->rec_n;
}

/* The keyword scan: every value of the event joined by the separator
 * byte, in one scan.  -1 when the values do not fit (scan one by one). */
static int
keyword_scan(struct fl_match_ctx *c, const struct fl_event *ev)
{
	size_t i, n = 0;
	char *q;

	for (i = 0; i < ev->nfields; i++)
		n += ev->fields[i].value.n + 1;
	if (n > UINT_MAX)
		return -1;
	if (n > c->kwcap) {
		size_t cap = n < 4096 ? 4096 : n;

		if ((q = realloc(c->kw, cap)) == NULL)
			return -1;
		c->kw = q;
		c->kwcap = cap;
	}
	q = c->kw;
	for (i = 0; i < ev->nfields; i++) {
		const struct fl_field *f = &ev->fields[i];

		if (f->value.n == 0)
			continue;
		memcpy(q, f->value.p, f->value.n);
		q += f->value.n;
		*q++ = (char)c->m->kwsep;
	}
	if (q == c->kw)
		return 0;
	if (hs_scan(c->m->db[0], c->kw, (unsigned)(q - c->kw), 0, c->hs,
		    on_literal, c) != HS_SUCCESS)
		c->errors++;
	return 0;
}

/* Scan field key of the event (key 0: every value, for keywords) with
 * its literal scanner, once per event. */
static int
present_key(struct fl_match_ctx *c, const struct fl_event *ev, unsigned key)
{
	const struct fl_match *m = c->m;
	const struct fl_field *f;
	size_t i;

	if (c->scan_gen[key] == c->gen)
		return 0;
	c->scan_gen[key] = c->gen;
	if (key >= m->ndb || m->db[key] == NULL)
		return 0;
	if (key == FL_KEY_NONE) {
		if (m->kwsep >= 0 && keyword_scan(c, ev) == 0)
			return 0;
		for (i = 0; i < ev->nfields; i++) {
			f = &ev->fields[i];
			if (f->value.n == 0 || f->value.n > UINT_MAX)
				continue;
			if (hs_scan(m->db[0], f->value.p, (unsigned)f->value.n,
				    0, c->hs, on_literal, c) != HS_SUCCESS)
				c->errors++;
		}
		return 0;
	}
	for (f = fl_event_get(ev, key); f; f = fl_event_next(ev, f)) {
		if (f->value.n == 0 || f->value.n > UINT_MAX)
			continue;
		scan_value(c, key, f->value.p, f->value.n);
	}
	return 0;
}

/* Whether literal id occurs in its field (any value) of the event: the
 * field is scanned once, for all its literals, the first time it is asked. */
static int
present(struct fl_match_ctx *c, const struct fl_event *ev, unsigned id)
{
	present_key(c, ev, c->m->lit[id].key);
	return c->lit_gen[id] == c->gen;
}

/* A pattern against a field (all its values); missing-field rules here. */
static int
pat_field(struct fl_match_ctx *c, const struct fl_event *ev,
	  const struct pat *p, unsigned key)
{
	const struct fl_field *f = fl_event_get(ev, key);

	if (p->kind == PK_EXISTS)
		return (f != NULL) == (p->boolean != 0);
	if (p->kind == PK_NULL) {
		int null = f == NULL;

		for (; f && !null; f = fl_event_next(ev, f))
			if (f->type == FL_V_NULL || f->value.n == 0)
				null = 1;
		return p->neg ? !null : null;
	}
	if (p->litid && !p->neg && f) {
		if (!present(c, ev, p->litid))
			return 0;
		if (p->kind == PK_CONTAINS)
			return 1; /* the literal is the whole needle */
	}
	for (; f; f = fl_event_next(ev, f)) {
		size_t fi = (size_t)(f - ev->fields);
		int hit;

		if (p->kind == PK_EMPTY && f->type == FL_V_NULL)
			hit = 1;
		else if (p->kind == PK_REF)
			hit = ref_match(c, ev, p, fi);
		else
			hit = pat_value(c, ev, p, f, fi);
		if (p->neg)
			hit = !hit;
		if (hit)
			return 1;
	}
	return 0;
}

/* A keyword: any value of any field. */
static int
pat_keyword(struct fl_match_ctx *c, const struct fl_event *ev,
	    const struct pat *p)
{
	size_t i;

	if (p->litid && !p->neg) {
		if (!present(c, ev, p->litid))
			return 0;
		if (p->kind == PK_CONTAINS)
			return 1;
	}
	for (i = 0; i < ev->nfields; i++)
		if (pat_value(c, ev, p, &ev->fields[i], i))
			return 1;
	return 0;
}

static int
eval_fc(struct fl_match_ctx *c, const struct fl_event *ev,
	const struct fc *fc)
{
	size_t i, j;

	for (i = 0; i < fc->nv; i++) {
		const struct val *v = &fc->v[i];
		int hit = 0;

		for (j = 0; j < v->np && !hit; j++)
			hit = fc->keyword ? pat_keyword(c, ev, &v->p[j])
					  : pat_field(c, ev, &v->p[j], fc->key);
		if (fc->all && !hit)
			return 0;
		if (!fc->all && hit)
			return 1;
	}
	return fc->all && fc->nv > 0;
}

static int
eval_search(struct fl_match_ctx *c, const struct fl_event *ev,
	    const struct srch *s)
{
	size_t i, j;

	for (i = 0; i < s->ng; i++) {
		const struct grp *g = &s->g[i];

		for (j = 0; j < g->nc; j++)
			if (!eval_fc(c, ev, &g->c[j]))
				break;
		if (j == g->nc)
			return 1;
	}
	return 0;
}

static int
eval_node(struct fl_match_ctx *c, const struct fl_event *ev,
	  const struct srch *s, size_t ns, const struct fl_sigma_node *n)
{
	size_t i;

	switch (n->op) {
	case FL_SIGMA_ID:
		if (n->ident >= ns)
			return 0;
		if (c->memo[n->ident] < 0)
			c->memo[n->ident] = (signed char)eval_search(
			    c, ev, &s[n->ident]);
		return c->memo[n->ident];
	case FL_SIGMA_NOT:
		return n->nkid ? !eval_node(c, ev, s, ns, n->kid[0]) : 0;
	case FL_SIGMA_AND:
	case FL_SIGMA_ALL_OF:
		for (i = 0; i < n->nkid; i++)
			if (!eval_node(c, ev, s, ns, n->kid[i]))
				return 0;
		return n->nkid > 0;
	default: /* OR, ONE_OF */
		for (i = 0; i < n->nkid; i++)
			if (eval_node(c, ev, s, ns, n->kid[i]))
				return 1;
		return 0;
	}
}

/* A condition list (OR'ed) over its selections. */
static int
eval_conds(struct fl_match_ctx *c, const struct fl_event *ev,
	   const struct fl_sigma_rule *r, const struct srch *s, size_t ns)
{
	size_t i;

	memset(c->memo, 0xff, ns);
	for (i = 0; i < r->ncond; i++)
		if (eval_node(c, ev, s, ns, r->cond[i]))
			return 1;
	return 0;
}

static int
eval_rule(struct fl_match_ctx *c, const struct fl_event *ev,
	  const struct crule *cr)
{
	size_t i;

	for (i = 0; i < cr->nchk; i++)
		if (!eval_fc(c, ev, &cr->chk[i]))
			return 0;
	if (!eval_conds(c, ev, cr->r, cr->s, cr->ns))
		return 0;
	for (i = 0; i < cr->nflt; i++)
		if (eval_conds(c, ev, cr->flt[i].f, cr->flt[i].s,
			       cr->flt[i].ns))
			return 0;
	return 1;
}

enum fl_family
fl_match_family(const struct fl_match *m, enum fl_format fmt,
		const struct fl_event *ev)
{
	switch (fmt) {
	case FL_FMT_EVTX:
		return FL_FAM_WINDOWS;
	case FL_FMT_SYSLOG:
		return FL_FAM_SYSLOG;
	case FL_FMT_AUDITD:
		return FL_FAM_AUDITD;
	default:
		if (fl_event_get(ev, m->k_channel) ||
		    fl_event_get(ev, m->k_eventid))
			return FL_FAM_WINDOWS;
		return FL_FAM_ANY;
	}
}

/* Scan the fields a slot's rules need literals from (each once per
 * event): marks the literals found and the rules they may trigger. */
static void
scan_fields(struct fl_match_ctx *c, const struct fl_event *ev,
	    const struct slot *s)
{
	size_t i;

	for (i = 0; s && i < s->nfkey; i++) {
		unsigned k = s->fkey[i];

		if (c->scan_gen[k] == c->gen)
			continue;
		/* present() scans the field (or, for 0, every value) */
		(void)present_key(c, ev, k);
	}
}

static size_t
try_slot(const struct fl_match *m, struct fl_match_ctx *c,
	 const struct fl_event *ev, const struct slot *s,
	 struct fl_match_hit *hits, size_t nh, size_t max)
{
	size_t i;

	if (s == NULL)
		return nh;
	for (i = 0; i < s->n && nh < max; i++) {
		const struct sref *sr = &s->ref[i];
		const struct crule *cr;

		/* a rule with literals runs only when one of them occurs */
		if (sr->gated && c->rule_gen[sr->cid] != c->gen)
			continue;
		if (c->seen[sr->ri] == c->gen)
			continue;
		cr = &m->cr[sr->cid];
		if (!eval_rule(c, ev, cr))
			continue;
		c->seen[sr->ri] = c->gen;
		hits[nh].rule = cr->r;
		hits[nh].alt = cr->alt;
		hits[nh].cid = sr->cid;
		nh++;
	}
	return nh;
}

size_t
fl_match_event(const struct fl_match *m, struct fl_match_ctx *c,
	       const struct fl_event *ev, enum fl_family fam,
	       struct fl_match_hit *hits, size_t max)
{
	const struct index *x = &m->idx[fam];
	const struct fl_field *f;
	char key[300];
	const struct slot *slots[4];
	size_t nh = 0, cl = 1, el = 1, i, j, n, ns = 0;
	const char *ch = "*", *eid = "*";
	char eidbuf[24];

	if (++c->gen == 0) {
		memset(c->seen, 0, (m->nrules + 1) * sizeof *c->seen);
		memset(c->lit_gen, 0, (m->nlit + 1) * sizeof *c->lit_gen);
		memset(c->scan_gen, 0, (m->ndb + 1) * sizeof *c->scan_gen);
		memset(c->rule_gen, 0, (m->ncr + 1) * sizeof *c->rule_gen);
		if (c->lgen)
			memset(c->lgen, 0, c->nslot * sizeof *c->lgen);
		c->gen = 1;
	}
	c->lused = 0;
	if ((f = fl_event_get(ev, m->k_channel)) != NULL && f->value.n < 200) {
		ch = f->value.p;
		cl = f->value.n;
	}
	if ((f = fl_event_get(ev, m->k_eventid)) != NULL && f->value.n < 24) {
		eid = f->value.p;
		el = f->value.n;
		if ((n = eid_plain(eid, el, eidbuf)) > 0) {
			eid = eidbuf;
			el = n;
		}
	}
	/* (channel, id), (channel, *), (*, id), (*, *) */
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			const char *a = i ? "*" : ch, *b = j ? "*" : eid;
			size_t an = i ? 1 : cl, bn = j ? 1 : el;

			if ((i == 0 && ch[0] == '*' && cl == 1) ||
			    (j == 0 && eid[0] == '*' && el == 1))
				continue;
			memcpy(key, a, an);
			key[an] = '\x1f';
			memcpy(key + an + 1, b, bn);
			n = an + 1 + bn;
			lower(key, n);
			slots[ns++] = idx_find(x, key, n);
		}
	}
	/* first the literals (the scans decide which rules run), then the
	 * rules */
	for (i = 0; i < ns; i++)
		scan_fields(c, ev, slots[i]);
	for (i = 0; i < ns; i++)
		nh = try_slot(m, c, ev, slots[i], hits, nh, max);
	/* in rule order, whatever slot they came from */
	for (i = 1; i < nh; i++) {
		struct fl_match_hit h = hits[i];

		for (j = i; j > 0 && hits[j - 1].rule->index > h.rule->index; j--)
			hits[j] = hits[j - 1];
		hits[j] = h;
	}
	return nh;
}

/* ---- the syslog line filter ----------------------------------------------------- */

#define LF_MAX ((size_t)1 << 24) /* occurrences kept per block */

static int
on_line_literal(unsigned int id, unsigned long long from,
		unsigned long long to, unsigned int flags, void *ctx)
{
	struct fl_match_ctx *c = ctx;

	(void)id;
	(void)from;
	(void)flags;
	if (c->lf_n == c->lf_cap) {
		size_t nc = c->lf_cap ? c->lf_cap * 2 : 4096;
		size_t *p;

		if (nc > LF_MAX || (p = realloc(c->lf_end, nc * sizeof *p)) ==
				       NULL) {
			c->lf_full = 1;
			return 1; /* stop: keep every line of this block */
		}
		c->lf_end = p;
		c->lf_cap = nc;
	}
	c->lf_end[c->lf_n++] = (size_t)to;
	return 0;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int
fl_match_linefilter(const struct fl_match *m, struct fl_match_ctx *c,
		    enum fl_family fam, const char *p, size_t n)
{
	size_t i;

	c->lf_base = NULL;
	if (fam != FL_FAM_SYSLOG || m->linedb == NULL || n == 0 ||
	    n > UINT_MAX)
		return 0;
	c->lf_n = c->lf_cur = 0;
	c->lf_full = 0;
	if (hs_scan(m->linedb, p, (unsigned)n, 0, c->hs, on_line_literal,
		    c) != HS_SUCCESS && !c->lf_full)
		return 0;
	if (c->lf_full)
		return 0;
	for (i = 1; i < c->lf_n; i++)
		if (c->lf_end[i] < c->lf_end[i - 1]) {
			qsort(c->lf_end, c->lf_n, sizeof *c->lf_end, cmp_size);
			break;
		}
	c->lf_base = p;
	return 1;
}

int
fl_match_line_keep(void *ctx, const char *line, size_t n)
{
	struct fl_match_ctx *c = ctx;
	size_t lo, hi;

	if (c->lf_base == NULL || line < c->lf_base)
		return 1;
	lo = (size_t)(line - c->lf_base);
	hi = lo + n;
	while (c->lf_cur < c->lf_n && c->lf_end[c->lf_cur] <= lo)
		c->lf_cur++;
	return c->lf_cur < c->lf_n && c->lf_end[c->lf_cur] <= hi;
}
