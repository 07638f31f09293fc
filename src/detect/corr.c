/*
 * corr: Sigma correlation rules over a stream of rule matches.
 *
 * The state is per correlation and per group (the tuple of group-by
 * values).  A group with no alert open holds a window: its recent matches,
 * each kept as a small entry (time, where it was read, the value the type
 * needs), never as an event, with running aggregates next to it (a count
 * per referenced rule, a reference-counted hash of distinct values, a sum,
 * an order-statistic tree for percentile ranks), so a match costs
 * O(log n) and no step rescans the window except temporal_ordered.  When
 * the condition holds the window becomes an alert: from then on a match
 * only updates the alert's totals, and the window is gone.  A group with
 * neither is freed at once, so memory follows the groups that are active.
 *
 * Time is event time only.  The watermark is the newest time seen (any
 * match, any rule, or fl_corr_advance); every group sits in one heap
 * ordered by its deadline (when its alert closes, its window empties or,
 * for conditions decided at the window's end, its window ends), ties
 * broken by the group's creation number.  Deadlines are settled only when
 * the watermark moves forward, in that order, which is what makes the
 * alerts the same whether the input is fed whole or with fl_corr_advance()
 * calls in between: the same matches see the same state.
 *
 * What it refuses: it never guesses past a bound.  A group or entry beyond
 * max_groups / max_window, a value cut to max_value, a match too far back
 * in time: each is counted in the stats.  Semantics: docs/detection.md,
 * "Correlation windows".
 */
#include "detect/corr.h"

#include <math.h>

/* ---- small helpers ------------------------------------------------------- */

static uint64_t
hbytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t
sat_sub(int64_t a, int64_t b)
{
	return a < INT64_MIN + b ? INT64_MIN : a - b;
}

/* A plain decimal number: [+-]digits[.digits][e[+-]digits]; no hex, no
 * inf/nan (strtod would take them, and "0x10" in a field is text). */
static int
numval(const char *p, size_t n, double *out)
{
	char buf[64];
	size_t i = 0, dig = 0;
	char *end;

	if (n == 0 || n >= sizeof buf)
		return 0;
	if (p[i] == '+' || p[i] == '-')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		dig++;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			dig++;
	if (dig == 0)
		return 0;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t ed = 0;

		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			ed++;
		if (ed == 0)
			return 0;
	}
	if (i != n)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*out = strtod(buf, &end);
	return end == buf + n && isfinite(*out);
}

/* Linear probing, deleting: whether the entry at J (whose home slot is K)
 * may move back into the hole at I without leaving its probe run. */
static int
fills_hole(size_t i, size_t j, size_t k)
{
	if (j > i)
		return k <= i || k > j;
	return k <= i && k > j;
}

/* ---- interned strings (sources, hosts) ----------------------------------- */

struct istr {
	uint64_t h;
	size_t n;
	char s[]; /* NUL-terminated */
};

struct itab {
	struct istr **t;
	size_t cap, n;
};

#define ITAB_MAX ((size_t)1 << 20)

static fl_err
itab_grow(struct itab *it)
{
	size_t ncap = it->cap ? it->cap * 2 : 64, i;
	struct istr **nt = calloc(ncap, sizeof *nt);

	if (nt == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < it->cap; i++)
		if (it->t[i]) {
			size_t j = it->t[i]->h & (ncap - 1);

			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = it->t[i];
		}
	free(it->t);
	it->t = nt;
	it->cap = ncap;
	return FL_OK;
}

/* The interned copy of p[0..n) into *out: NULL when ITAB_MAX strings are
 * held already (the caller counts it). */
static fl_err
itab_get(struct itab *it, const char *p, size_t n, const struct istr **out)
{
	uint64_t h = hbytes(p, n);
	struct istr *s;
	size_t j, m = it->cap - 1;

	if (it->cap) {
		for (j = h & m; it->t[j]; j = (j + 1) & m)
			if (it->t[j]->h == h && it->t[j]->n == n &&
			    memcmp(it->t[j]->s, p, n) == 0) {
				*out = it->t[j];
				return FL_OK;
			}
	}
	*out = NULL;
	if (it->n >= ITAB_MAX)
		return FL_OK;
	if ((it->n + 1) * 2 > it->cap && itab_grow(it) != FL_OK)
		return FL_E_NOMEM;
	if ((s = malloc(sizeof *s + n + 1)) == NULL)
		return FL_E_NOMEM;
	s->h = h;
	s->n = n;
	memcpy(s->s, p, n);
	s->s[n] = '\0';
	m = it->cap - 1; /* it may have grown */
	for (j = h & m; it->t[j]; j = (j + 1) & m)
		;
	it->t[j] = s;
	it->n++;
	*out = s;
	return FL_OK;
}

static void
itab_free(struct itab *it)
{
	size_t i;

	for (i = 0; i < it->cap; i++)
		free(it->t[i]);
	free(it->t);
}

/* ---- distinct values with reference counts ------------------------------- */

struct vnode {
	size_t refs;
	uint64_t h;
	size_t n;
	char s[];
};

struct vset {
	struct vnode **t;
	size_t cap, n;
};

static size_t
vset_slot(const struct vset *vs, const char *p, size_t n, uint64_t h)
{
	size_t j;

	for (j = h & (vs->cap - 1); vs->t[j]; j = (j + 1) & (vs->cap - 1))
		if (vs->t[j]->h == h && vs->t[j]->n == n &&
		    memcmp(vs->t[j]->s, p, n) == 0)
			break;
	return j;
}

static fl_err
vset_grow(struct vset *vs)
{
	size_t ncap = vs->cap ? vs->cap * 2 : 16, i;
	struct vnode **nt = calloc(ncap, sizeof *nt);

	if (nt == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < vs->cap; i++)
		if (vs->t[i]) {
			size_t j = vs->t[i]->h & (ncap - 1);

			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = vs->t[i];
		}
	free(vs->t);
	vs->t = nt;
	vs->cap = ncap;
	return FL_OK;
}

/* The node of p[0..n), made (with refs 0) when absent and fewer than max
 * are held; *node NULL when the set is full. */
static fl_err
vset_get(struct vset *vs, const char *p, size_t n, size_t max,
	 struct vnode **node)
{
	uint64_t h = hbytes(p, n);
	struct vnode *v;
	size_t j;

	*node = NULL;
	if (vs->cap) {
		j = vset_slot(vs, p, n, h);
		if (vs->t[j]) {
			*node = vs->t[j];
			return FL_OK;
		}
	}
	if (vs->n >= max)
		return FL_OK;
	if ((vs->n + 1) * 2 > vs->cap && vset_grow(vs) != FL_OK)
		return FL_E_NOMEM;
	if ((v = malloc(sizeof *v + n)) == NULL)
		return FL_E_NOMEM;
	v->refs = 0;
	v->h = h;
	v->n = n;
	memcpy(v->s, p, n);
	j = vset_slot(vs, p, n, h);
	vs->t[j] = v;
	vs->n++;
	*node = v;
	return FL_OK;
}

/* Remove and free V (linear probing: shift the run back over the hole). */
static void
vset_del(struct vset *vs, struct vnode *v)
{
	size_t m = vs->cap - 1, i, j, k;

	for (i = v->h & m; vs->t[i] != v; i = (i + 1) & m)
		;
	for (j = i;;) {
		j = (j + 1) & m;
		if (vs->t[j] == NULL)
			break;
		k = vs->t[j]->h & m;
		if (fills_hole(i, j, k)) {
			vs->t[i] = vs->t[j];
			i = j;
		}
	}
	vs->t[i] = NULL;
	vs->n--;
	free(v);
}

static void
vset_free(struct vset *vs)
{
	size_t i;

	for (i = 0; i < vs->cap; i++)
		free(vs->t[i]);
	free(vs->t);
	memset(vs, 0, sizeof *vs);
}

/* ---- numbers in order: a treap with subtree counts (percentile ranks) ---- */

struct tnode {
	double k;
	size_t cnt, size;
	uint32_t prio;
	struct tnode *l, *r;
};

static size_t
tsize(const struct tnode *t)
{
	return t ? t->size : 0;
}

static void
tfix(struct tnode *t)
{
	t->size = t->cnt + tsize(t->l) + tsize(t->r);
}

static struct tnode *
trot_r(struct tnode *t)
{
	struct tnode *l = t->l;

	t->l = l->r;
	l->r = t;
	tfix(t);
	tfix(l);
	return l;
}

static struct tnode *
trot_l(struct tnode *t)
{
	struct tnode *r = t->r;

	t->r = r->l;
	r->l = t;
	tfix(t);
	tfix(r);
	return r;
}

/* Insert nw->k; *used says whether nw became a node (else a count rose). */
static struct tnode *
tins(struct tnode *t, struct tnode *nw, int *used)
{
	if (t == NULL) {
		*used = 1;
		return nw;
	}
	if (nw->k == t->k) {
		t->cnt++;
	} else if (nw->k < t->k) {
		t->l = tins(t->l, nw, used);
		if (t->l->prio > t->prio)
			t = trot_r(t);
	} else {
		t->r = tins(t->r, nw, used);
		if (t->r->prio > t->prio)
			t = trot_l(t);
	}
	tfix(t);
	return t;
}

static struct tnode *
tdel(struct tnode *t, double k)
{
	if (t == NULL)
		return NULL;
	if (k < t->k) {
		t->l = tdel(t->l, k);
	} else if (k > t->k) {
		t->r = tdel(t->r, k);
	} else if (t->cnt > 1) {
		t->cnt--;
	} else if (t->l == NULL || t->r == NULL) {
		struct tnode *kid = t->l ? t->l : t->r;

		free(t);
		return kid;
	} else if (t->l->prio > t->r->prio) {
		t = trot_r(t);
		t->r = tdel(t->r, k);
	} else {
		t = trot_l(t);
		t->l = tdel(t->l, k);
	}
	tfix(t);
	return t;
}

/* How many keys are <= k. */
static size_t
tle(const struct tnode *t, double k)
{
	size_t c = 0;

	while (t) {
		if (k < t->k) {
			t = t->l;
		} else {
			c += tsize(t->l) + t->cnt;
			t = t->r;
		}
	}
	return c;
}

static void
tfree(struct tnode *t)
{
	while (t) {
		struct tnode *r = t->r;

		tfree(t->l);
		free(t);
		t = r;
	}
}

/* ---- the engine's data --------------------------------------------------- */

/* How one name is read from the matches of one referenced rule. */
struct fget {
	unsigned key; /* a detection rule's events: the dictionary key */
	int gidx;     /* a correlation's alerts: its group value, -1 none */
};

/* A distinct rule a correlation refers to. */
struct slot {
	const struct fl_sigma_rule *target;
	struct corr *child; /* the target when it is a correlation */
	struct fget *grp;   /* per group-by name */
	struct fget *val;   /* per value field */
};

struct corr {
	const struct fl_sigma_rule *rule;
	const struct fl_sigma_corr *sc;
	int64_t ts;
	int late;       /* the condition is decided when a window ends */
	int generates;
	size_t ngroup, nval;
	struct fl_slice *gname;
	struct slot *slot;
	size_t nslot;
	size_t *refslot; /* per ref[]: its slot */
	struct grp **tab; /* groups by key */
	size_t tcap, ngrp;
};

struct sub {
	struct corr *c;
	size_t slot;
};

struct subs {
	struct sub *v;
	size_t n;
};

/* A match kept in a window. */
struct ent {
	int64_t time;
	uint32_t nsec;
	uint32_t slot;
	const char *source;
	const struct istr *host;
	unsigned long long record;
	struct fl_corr_ref *more; /* a correlation's alert: its refs */
	size_t nmore;
	struct vnode *val;        /* value_count, or percentile over text */
	double num;
	int hasnum;
};

/* An open alert, or one being reported. */
struct alert {
	int64_t time;
	uint32_t nsec;
	int64_t first, last;
	unsigned long long count;
	struct fl_corr_ref *ref;
	size_t nref, refcap;
	const struct istr *host;
	int hostmix;
	double sum, value;
	unsigned long long nnum;
	struct vset vs;      /* value_count: the distinct values counted */
	unsigned char *seen; /* temporal: per ref[] */
};

struct grp {
	struct corr *c;
	uint64_t seq, h;
	size_t hpos;
	int64_t deadline, hkey; /* hkey <= deadline: its place in the heap */
	char *key;
	size_t keylen;
	struct fl_slice *val; /* ngroup values, into key */
	/* the window, in time order */
	struct ent *ring;
	size_t head, n, cap;
	int64_t newest, t0;
	struct vset vs;
	double sum;
	size_t nnum, ntext;
	struct tnode *tr;
	size_t *scnt; /* temporal: entries per slot */
	int open;
	struct alert a;
};

/* One match as the correlations see it: an event or a child's alert. */
struct in {
	int64_t time;
	uint32_t nsec;
	const char *source;
	unsigned long long record;
	const struct istr *host;
	const struct fl_event *ev;
	const struct grp *child;
	const struct fl_corr_ref *refs;
	size_t nrefs;
};

struct fl_corr {
	struct fl_corr_opts o;
	struct corr *corr;
	size_t ncorr;
	struct fl_sigma_rule *const *rules;
	size_t nrules;
	struct subs *subs;    /* per rule index: who wants its matches */
	unsigned char *gen;   /* per rule index: fl_corr_generates */
	struct grp **heap;
	size_t hn, hcap;
	int64_t wm;
	int have_wm;
	uint64_t seq;
	uint32_t rng;
	struct itab strs;
	const char *last_src;
	const struct istr *last_isrc;
	unsigned char *seen;  /* scratch: per ref[] of the widest correlation */
	size_t maxref;
	struct fl_buf kb, vb; /* scratch: group key, value text */
	fl_corr_emit emit;
	void *ctx;
	struct fl_corr_stats st;
};

void
fl_corr_opts_default(struct fl_corr_opts *o)
{
	o->max_refs = 100;
	o->max_groups = 100000;
	o->max_window = 1000000;
	o->max_value = 1024;
}

/* ---- the deadline heap --------------------------------------------------- */

/*
 * Deadlines only grow while a group lives (its newest match, its alert's
 * last match), and a busy group moves its deadline at every match.  So the
 * heap orders by hkey, a deadline that may be stale (smaller); settle()
 * re-keys a group that reaches the top with a stale key instead of
 * settling it.  What is settled still goes in (deadline, seq) order.
 */
static int
hless(const struct grp *a, const struct grp *b)
{
	return a->hkey < b->hkey || (a->hkey == b->hkey && a->seq < b->seq);
}

static void
hset(struct fl_corr *e, size_t i, struct grp *g)
{
	e->heap[i] = g;
	g->hpos = i;
}

static void
hup(struct fl_corr *e, size_t i)
{
	struct grp *g = e->heap[i];

	while (i > 0 && hless(g, e->heap[(i - 1) / 2])) {
		hset(e, i, e->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	hset(e, i, g);
}

static void
hdown(struct fl_corr *e, size_t i)
{
	struct grp *g = e->heap[i];

	for (;;) {
		size_t k = 2 * i + 1;

		if (k >= e->hn)
			break;
		if (k + 1 < e->hn && hless(e->heap[k + 1], e->heap[k]))
			k++;
		if (!hless(e->heap[k], g))
			break;
		hset(e, i, e->heap[k]);
		i = k;
	}
	hset(e, i, g);
}

static fl_err
hpush(struct fl_corr *e, struct grp *g)
{
	if (e->hn == e->hcap) {
		size_t ncap = e->hcap ? e->hcap * 2 : 64;
		struct grp **nh = realloc(e->heap, ncap * sizeof *nh);

		if (nh == NULL)
			return FL_E_NOMEM;
		e->heap = nh;
		e->hcap = ncap;
	}
	hset(e, e->hn++, g);
	hup(e, e->hn - 1);
	return FL_OK;
}

static void
hremove(struct fl_corr *e, struct grp *g)
{
	size_t i = g->hpos;

	e->hn--;
	if (i == e->hn)
		return;
	hset(e, i, e->heap[e->hn]);
	hup(e, i);
	hdown(e, e->heap[i]->hpos);
}

static void
hdeadline(struct fl_corr *e, struct grp *g, int64_t d)
{
	g->deadline = d;
	if (d < g->hkey) {
		g->hkey = d;
		hup(e, g->hpos);
	}
}

/* ---- groups -------------------------------------------------------------- */

static struct ent *
ent_at(const struct grp *g, size_t i)
{
	return &g->ring[(g->head + i) % g->cap];
}

static int
is_temporal(const struct corr *c)
{
	return c->sc->type == FL_SC_TEMPORAL ||
	       c->sc->type == FL_SC_TEMPORAL_ORDERED;
}

static fl_err
tab_grow(struct corr *c)
{
	size_t ncap = c->tcap ? c->tcap * 2 : 64, i;
	struct grp **nt = calloc(ncap, sizeof *nt);

	if (nt == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < c->tcap; i++)
		if (c->tab[i]) {
			size_t j = c->tab[i]->h & (ncap - 1);

			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = c->tab[i];
		}
	free(c->tab);
	c->tab = nt;
	c->tcap = ncap;
	return FL_OK;
}

static void
tab_del(struct corr *c, struct grp *g)
{
	size_t m = c->tcap - 1, i, j, k;

	for (i = g->h & m; c->tab[i] != g; i = (i + 1) & m)
		;
	for (j = i;;) {
		j = (j + 1) & m;
		if (c->tab[j] == NULL)
			break;
		k = c->tab[j]->h & m;
		if (fills_hole(i, j, k)) {
			c->tab[i] = c->tab[j];
			i = j;
		}
	}
	c->tab[i] = NULL;
	c->ngrp--;
}

static void
alert_release(struct alert *a)
{
	free(a->ref);
	vset_free(&a->vs);
	free(a->seen);
	memset(a, 0, sizeof *a);
}

/* Forget an entry's share of the window's aggregates. */
static void
untrack(struct grp *g, struct ent *en)
{
	struct corr *c = g->c;

	if (en->val) {
		if (c->sc->type == FL_SC_VALUE_PERCENTILE)
			g->ntext--;
		if (--en->val->refs == 0)
			vset_del(&g->vs, en->val);
		en->val = NULL;
	}
	if (en->hasnum) {
		if (c->sc->type == FL_SC_VALUE_PERCENTILE)
			g->tr = tdel(g->tr, en->num);
		g->sum -= en->num;
		if (--g->nnum == 0)
			g->sum = 0; /* no rounding left behind */
	}
	if (g->scnt)
		g->scnt[en->slot]--;
	free(en->more);
	en->more = NULL;
}

/* Empty the window (its aggregates with it). */
static void
window_clear(struct grp *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		struct ent *en = ent_at(g, i);

		en->val = NULL; /* the nodes go with the set */
		free(en->more);
	}
	g->n = 0;
	g->head = 0;
	vset_free(&g->vs);
	tfree(g->tr);
	g->tr = NULL;
	g->sum = 0;
	g->nnum = g->ntext = 0;
	if (g->scnt)
		memset(g->scnt, 0, g->c->nslot * sizeof *g->scnt);
}

static void
grp_free(struct fl_corr *e, struct grp *g)
{
	hremove(e, g);
	tab_del(g->c, g);
	window_clear(g);
	alert_release(&g->a);
	free(g->ring);
	free(g->scnt);
	free(g->val);
	free(g->key);
	free(g);
	e->st.open_groups--;
}

/* Append p[0..n) (cut to max_value) to the key as a length and bytes. */
static fl_err
key_put(struct fl_corr *e, const char *p, size_t n)
{
	uint32_t l;

	if (n > e->o.max_value) {
		n = e->o.max_value;
		e->st.truncated++;
	}
	l = (uint32_t)n;
	if (fl_buf_append(&e->kb, &l, sizeof l) != FL_OK ||
	    fl_buf_append(&e->kb, p, n) != FL_OK)
		return FL_E_NOMEM;
	return FL_OK;
}

/* What IN has for the name F reads, or 0 when it lacks it. */
static int
in_get(const struct in *in, const struct fget *f, struct fl_slice *out)
{
	if (in->ev) {
		const struct fl_field *fd = fl_event_get(in->ev, f->key);

		if (fd == NULL || fd->type == FL_V_NULL)
			return 0;
		*out = fd->value;
		return 1;
	}
	if (in->child == NULL || f->gidx < 0 || in->child->val[f->gidx].n == 0)
		return 0;
	*out = in->child->val[f->gidx];
	return 1;
}

/* The group of IN in C, made when new; *out NULL when max_groups is
 * reached (counted). */
static fl_err
grp_of(struct fl_corr *e, struct corr *c, const struct slot *s,
       const struct in *in, struct grp **out)
{
	struct fl_slice v;
	struct grp *g;
	uint64_t h;
	size_t i, j, off;

	*out = NULL;
	fl_buf_reset(&e->kb);
	for (i = 0; i < c->ngroup; i++) {
		if (!in_get(in, &s->grp[i], &v))
			v.p = "", v.n = 0;
		if (key_put(e, v.p, v.n) != FL_OK)
			return FL_E_NOMEM;
	}
	h = hbytes(e->kb.data, e->kb.len);
	for (j = h & (c->tcap - 1); c->tcap && c->tab[j];
	     j = (j + 1) & (c->tcap - 1)) {
		g = c->tab[j];
		if (g->h == h && g->keylen == e->kb.len &&
		    memcmp(g->key, e->kb.data, e->kb.len) == 0) {
			*out = g;
			return FL_OK;
		}
	}
	if (c->ngrp >= e->o.max_groups) {
		e->st.dropped++;
		return FL_OK;
	}
	if ((c->ngrp + 1) * 2 > c->tcap && tab_grow(c) != FL_OK)
		return FL_E_NOMEM;
	if ((g = calloc(1, sizeof *g)) == NULL)
		return FL_E_NOMEM;
	g->c = c;
	g->h = h;
	g->keylen = e->kb.len;
	if ((g->key = malloc(e->kb.len ? e->kb.len : 1)) == NULL ||
	    (c->ngroup &&
	     (g->val = calloc(c->ngroup, sizeof *g->val)) == NULL) ||
	    (is_temporal(c) &&
	     (g->scnt = calloc(c->nslot, sizeof *g->scnt)) == NULL))
		goto nomem;
	if (e->kb.len)
		memcpy(g->key, e->kb.data, e->kb.len);
	for (i = 0, off = 0; i < c->ngroup; i++) {
		uint32_t l;

		memcpy(&l, g->key + off, sizeof l);
		g->val[i].p = g->key + off + sizeof l;
		g->val[i].n = l;
		off += sizeof l + l;
	}
	g->seq = e->seq++;
	g->deadline = g->hkey = sat_add(in->time, c->ts);
	if (hpush(e, g) != FL_OK)
		goto nomem;
	for (j = h & (c->tcap - 1); c->tab[j]; j = (j + 1) & (c->tcap - 1))
		;
	c->tab[j] = g;
	c->ngrp++;
	if (++e->st.open_groups > e->st.peak_groups)
		e->st.peak_groups = e->st.open_groups;
	*out = g;
	return FL_OK;
nomem:
	free(g->scnt);
	free(g->val);
	free(g->key);
	free(g);
	return FL_E_NOMEM;
}

/* ---- entries ------------------------------------------------------------- */

static int
text_counted(const struct corr *c)
{
	return c->sc->type == FL_SC_VALUE_COUNT ||
	       c->sc->type == FL_SC_VALUE_PERCENTILE;
}

/*
 * The value IN has for C: value_count reads every field (a tuple when
 * there are several); the numeric types read the first field as a number
 * (value_percentile keeps text that is not a number as text).  Fills
 * e->vb with the text; *hastext / *hasnum say what was found.
 */
static fl_err
in_value(struct fl_corr *e, struct corr *c, const struct slot *s,
	 const struct in *in, int *hastext, int *hasnum, double *num)
{
	struct fl_slice v;
	size_t i, found = 0;

	*hastext = *hasnum = 0;
	fl_buf_reset(&e->vb);
	if (c->nval == 0)
		return FL_OK;
	if (c->sc->type == FL_SC_VALUE_COUNT && c->nval > 1) {
		for (i = 0; i < c->nval; i++) {
			if (in_get(in, &s->val[i], &v))
				found++;
			else
				v.p = "", v.n = 0;
			if (v.n > e->o.max_value) {
				v.n = e->o.max_value;
				e->st.truncated++;
			}
			if (fl_buf_append(&e->vb, &v.n, sizeof v.n) != FL_OK ||
			    fl_buf_append(&e->vb, v.p, v.n) != FL_OK)
				return FL_E_NOMEM;
		}
		*hastext = found > 0;
		return FL_OK;
	}
	if (!in_get(in, &s->val[0], &v))
		return FL_OK;
	if (c->sc->type != FL_SC_VALUE_COUNT && numval(v.p, v.n, num)) {
		*hasnum = 1;
		return FL_OK;
	}
	if (!text_counted(c))
		return FL_OK;
	if (v.n > e->o.max_value) {
		v.n = e->o.max_value;
		e->st.truncated++;
	}
	if (fl_buf_append(&e->vb, v.p, v.n) != FL_OK)
		return FL_E_NOMEM;
	*hastext = 1;
	return FL_OK;
}

/* Copy the refs a child's alert brings (at most max_refs). */
static fl_err
copy_refs(struct fl_corr *e, const struct in *in, struct ent *en)
{
	size_t n = in->nrefs < e->o.max_refs ? in->nrefs : e->o.max_refs;

	en->more = NULL;
	en->nmore = 0;
	if (in->child == NULL || n == 0)
		return FL_OK;
	if ((en->more = malloc(n * sizeof *en->more)) == NULL)
		return FL_E_NOMEM;
	memcpy(en->more, in->refs, n * sizeof *en->more);
	en->nmore = n;
	return FL_OK;
}

/* Insert EN into the window in time order (after equal times); *pos gets
 * its index.  The caller has checked n < max_window. */
static fl_err
window_insert(struct fl_corr *e, struct grp *g, const struct ent *en,
	      size_t *pos)
{
	size_t i;

	if (g->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 8;
		struct ent *nr;

		if (ncap > e->o.max_window)
			ncap = e->o.max_window;
		if ((nr = malloc(ncap * sizeof *nr)) == NULL)
			return FL_E_NOMEM;
		for (i = 0; i < g->n; i++)
			nr[i] = *ent_at(g, i);
		free(g->ring);
		g->ring = nr;
		g->cap = ncap;
		g->head = 0;
	}
	i = g->n++;
	while (i > 0 && ent_at(g, i - 1)->time > en->time) {
		*ent_at(g, i) = *ent_at(g, i - 1);
		i--;
	}
	*ent_at(g, i) = *en;
	*pos = i;
	return FL_OK;
}

/* Count EN (already in the window) in the window's aggregates. */
static fl_err
track(struct fl_corr *e, struct grp *g, struct ent *en, int hastext)
{
	struct corr *c = g->c;

	if (hastext) {
		struct vnode *v;

		/* never full: a node lives only while an entry holds it */
		if (vset_get(&g->vs, e->vb.data, e->vb.len, e->o.max_window,
			     &v) != FL_OK)
			return FL_E_NOMEM;
		if (v == NULL)
			return FL_E_INTERNAL;
		v->refs++;
		en->val = v;
		if (c->sc->type == FL_SC_VALUE_PERCENTILE)
			g->ntext++;
	}
	if (en->hasnum) {
		if (c->sc->type == FL_SC_VALUE_PERCENTILE) {
			struct tnode *t = malloc(sizeof *t);
			int used = 0;

			if (t == NULL)
				return FL_E_NOMEM;
			t->k = en->num;
			t->cnt = t->size = 1;
			e->rng ^= e->rng << 13;
			e->rng ^= e->rng >> 17;
			e->rng ^= e->rng << 5;
			t->prio = e->rng;
			t->l = t->r = NULL;
			g->tr = tins(g->tr, t, &used);
			if (!used)
				free(t);
		}
		g->sum += en->num;
		g->nnum++;
	}
	if (g->scnt)
		g->scnt[en->slot]++;
	return FL_OK;
}

/* ---- measuring and conditions -------------------------------------------- */

static int
cmp_ok(const struct fl_sigma_corr *sc, double v)
{
	static const int ops[] = {FL_SC_GT, FL_SC_GTE, FL_SC_LT, FL_SC_LTE,
				  FL_SC_EQ, FL_SC_NEQ};
	size_t i;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		int op = ops[i];
		double b = sc->cmp[op];

		if (!(sc->cmp_mask & (1u << op)))
			continue;
		if ((op == FL_SC_GT && !(v > b)) ||
		    (op == FL_SC_GTE && !(v >= b)) ||
		    (op == FL_SC_LT && !(v < b)) ||
		    (op == FL_SC_LTE && !(v <= b)) ||
		    (op == FL_SC_EQ && !(v == b)) ||
		    (op == FL_SC_NEQ && !(v != b)))
			return 0;
	}
	return 1;
}

static int
tcond_eval(const struct fl_sigma_node *n, const unsigned char *seen,
	   size_t nseen)
{
	size_t i;

	switch (n->op) {
	case FL_SIGMA_ID:
		return n->ident < nseen && seen[n->ident];
	case FL_SIGMA_NOT:
		return n->nkid == 1 && !tcond_eval(n->kid[0], seen, nseen);
	case FL_SIGMA_AND:
	case FL_SIGMA_ALL_OF:
		for (i = 0; i < n->nkid; i++)
			if (!tcond_eval(n->kid[i], seen, nseen))
				return 0;
		return 1;
	case FL_SIGMA_OR:
	case FL_SIGMA_ONE_OF:
		for (i = 0; i < n->nkid; i++)
			if (tcond_eval(n->kid[i], seen, nseen))
				return 1;
		return 0;
	}
	return 0;
}

/*
 * Which referenced rules the window holds, into e->seen; returns how many.
 * temporal_ordered: rule i counts when it matched after the match chosen
 * for the previous rule that counts (the earliest such match is chosen;
 * rules without one are skipped).
 */
static size_t
window_seen(struct fl_corr *e, const struct grp *g)
{
	const struct corr *c = g->c;
	size_t i, j, pos = 0, nseen = 0;

	for (i = 0; i < c->sc->nref; i++) {
		e->seen[i] = 0;
		if (c->sc->type == FL_SC_TEMPORAL) {
			e->seen[i] = g->scnt[c->refslot[i]] > 0;
		} else if (g->scnt[c->refslot[i]] > 0) {
			for (j = pos; j < g->n; j++)
				if (ent_at(g, j)->slot == c->refslot[i])
					break;
			if (j < g->n) {
				e->seen[i] = 1;
				pos = j + 1;
			}
		}
		nseen += e->seen[i];
	}
	return nseen;
}

static int
temporal_holds(struct fl_corr *e, const struct grp *g, double *value)
{
	const struct fl_sigma_corr *sc = g->c->sc;
	size_t nseen = window_seen(e, g);

	*value = (double)nseen;
	if (sc->tcond)
		return tcond_eval(sc->tcond, e->seen, sc->nref);
	if (sc->cmp_mask)
		return cmp_ok(sc, (double)nseen);
	return nseen == sc->nref;
}

/*
 * Whether the window's condition holds, with its measure in *value.
 * OPENER (NULL at a window's end) is the entry just added: percentile
 * ranks are its value's.
 */
static int
window_holds(struct fl_corr *e, const struct grp *g, const struct ent *opener,
	     double *value)
{
	const struct fl_sigma_corr *sc = g->c->sc;

	switch (sc->type) {
	case FL_SC_EVENT_COUNT:
		*value = (double)g->n;
		break;
	case FL_SC_VALUE_COUNT:
		*value = (double)g->vs.n;
		break;
	case FL_SC_VALUE_SUM:
	case FL_SC_VALUE_AVG:
		if (g->nnum == 0)
			return 0;
		*value = sc->type == FL_SC_VALUE_SUM ? g->sum
						     : g->sum / (double)g->nnum;
		break;
	case FL_SC_VALUE_PERCENTILE:
		if (opener == NULL)
			return 0;
		if (opener->hasnum)
			*value = 100.0 * (double)tle(g->tr, opener->num) /
				 (double)g->nnum;
		else if (opener->val)
			*value = 100.0 * (double)opener->val->refs /
				 (double)g->ntext;
		else
			return 0;
		break;
	case FL_SC_TEMPORAL:
	case FL_SC_TEMPORAL_ORDERED:
		return temporal_holds(e, g, value);
	}
	return cmp_ok(sc, *value);
}

/* ---- alerts -------------------------------------------------------------- */

static void
alert_host(struct alert *a, const struct istr *h, int first)
{
	if (first)
		a->host = h;
	else if (a->host != h)
		a->hostmix = 1;
}

static fl_err
alert_ref(struct fl_corr *e, struct alert *a, const struct fl_corr_ref *r)
{
	if (a->nref >= e->o.max_refs)
		return FL_OK;
	if (a->nref == a->refcap) {
		size_t ncap = a->refcap ? a->refcap * 2 : 8;
		struct fl_corr_ref *nr;

		if (ncap > e->o.max_refs)
			ncap = e->o.max_refs;
		if ((nr = realloc(a->ref, ncap * sizeof *nr)) == NULL)
			return FL_E_NOMEM;
		a->ref = nr;
		a->refcap = ncap;
	}
	a->ref[a->nref++] = *r;
	return FL_OK;
}

static fl_err
alert_refs_of(struct fl_corr *e, struct alert *a, const struct ent *en)
{
	struct fl_corr_ref r;
	size_t i;
	fl_err rc = FL_OK;

	if (en->more) {
		for (i = 0; i < en->nmore && rc == FL_OK; i++)
			rc = alert_ref(e, a, &en->more[i]);
		return rc;
	}
	r.source = en->source;
	r.record = en->record;
	r.time = en->time;
	r.nsec = en->nsec;
	return alert_ref(e, a, &r);
}

/* The alert's measure over every event it counted. */
static double
alert_value(const struct corr *c, const struct alert *a)
{
	size_t i, n = 0;

	switch (c->sc->type) {
	case FL_SC_EVENT_COUNT:
		return (double)a->count;
	case FL_SC_VALUE_COUNT:
		return (double)a->vs.n;
	case FL_SC_VALUE_SUM:
		return a->sum;
	case FL_SC_VALUE_AVG:
		return a->nnum ? a->sum / (double)a->nnum : 0;
	case FL_SC_VALUE_PERCENTILE:
		return a->value;
	case FL_SC_TEMPORAL:
	case FL_SC_TEMPORAL_ORDERED:
		for (i = 0; i < c->sc->nref; i++)
			n += a->seen && a->seen[i];
		return (double)n;
	}
	return 0;
}

static fl_err feed(struct fl_corr *e, struct corr *c, size_t si,
		   const struct in *in);

/* Give A of G to the caller when the correlation generates (else count it
 * as chained only). */
static fl_err
alert_emit(struct fl_corr *e, struct grp *g, const struct alert *a)
{
	const struct corr *c = g->c;
	struct fl_corr_alert out;

	if (!c->generates) {
		e->st.chained++;
		return FL_OK;
	}
	memset(&out, 0, sizeof out);
	out.rule = c->rule;
	out.time = a->time;
	out.nsec = a->nsec;
	out.first = a->first;
	out.last = a->last;
	out.count = a->count;
	out.value = alert_value(c, a);
	out.group_name = c->gname;
	out.group_value = g->val;
	out.ngroup = c->ngroup;
	out.host.p = "";
	if (a->host && !a->hostmix) {
		out.host.p = a->host->s;
		out.host.n = a->host->n;
	}
	out.ref = a->ref;
	out.nref = a->nref;
	e->st.alerts++;
	if (e->emit && e->emit(e->ctx, &out) != 0)
		return FL_E_INTERNAL;
	return FL_OK;
}

/* Feed A of G to the correlations that refer to G's correlation, as a
 * match at the alert's time with the group values as its fields. */
static fl_err
alert_chain(struct fl_corr *e, struct grp *g, const struct alert *a)
{
	const struct subs *ss = &e->subs[g->c->rule->index];
	struct in in;
	size_t i;
	fl_err rc = FL_OK;

	memset(&in, 0, sizeof in);
	in.time = a->time;
	in.nsec = a->nsec;
	in.host = a->hostmix ? NULL : a->host;
	in.child = g;
	in.refs = a->ref;
	in.nrefs = a->nref;
	if (in.nrefs) {
		in.source = a->ref[0].source;
		in.record = a->ref[0].record;
	}
	for (i = 0; i < ss->n && rc == FL_OK; i++)
		rc = feed(e, ss->v[i].c, ss->v[i].slot, &in);
	return rc;
}

/* Build an alert from the whole window (the window is left as it was).
 * OPENER is the index of the match that made the condition true, or
 * (size_t)-1. */
static fl_err
alert_from_window(struct fl_corr *e, struct grp *g, size_t opener,
		  struct alert *a)
{
	const struct corr *c = g->c;
	size_t i;
	fl_err rc = FL_OK;

	a->first = ent_at(g, 0)->time;
	a->last = g->newest;
	a->count = g->n;
	a->sum = g->sum;
	a->nnum = g->nnum;
	for (i = 0; i < g->n && rc == FL_OK; i++) {
		const struct ent *en = ent_at(g, i);

		alert_host(a, en->host, i == 0);
		if (a->nref < e->o.max_refs) {
			rc = alert_refs_of(e, a, en);
		} else if (i == opener && e->o.max_refs > 0) {
			/* the match that made it true is always a ref */
			a->nref--;
			rc = alert_refs_of(e, a, en);
		}
	}
	if (rc == FL_OK && is_temporal(c)) {
		if ((a->seen = malloc(c->sc->nref)) == NULL)
			return FL_E_NOMEM;
		memcpy(a->seen, e->seen, c->sc->nref);
	}
	return rc;
}

/* The condition holds at OPENER (an index in the window): open the alert,
 * hand the window's totals to it, drop the window, tell the parents. */
static fl_err
alert_open(struct fl_corr *e, struct grp *g, size_t opener, double value)
{
	const struct ent *op = ent_at(g, opener);
	struct alert *a = &g->a;
	fl_err rc;

	memset(a, 0, sizeof *a);
	a->time = op->time;
	a->nsec = op->nsec;
	a->value = value;
	if ((rc = alert_from_window(e, g, opener, a)) != FL_OK) {
		alert_release(a);
		return rc;
	}
	if (g->c->sc->type == FL_SC_VALUE_COUNT) {
		a->vs = g->vs; /* the distinct values so far go on counting */
		memset(&g->vs, 0, sizeof g->vs);
	}
	window_clear(g);
	g->open = 1;
	hdeadline(e, g, sat_add(a->last, g->c->ts));
	return alert_chain(e, g, a);
}

/* An open alert counts one more match. */
static fl_err
alert_extend(struct fl_corr *e, struct grp *g, const struct ent *en,
	     int hastext)
{
	struct corr *c = g->c;
	struct alert *a = &g->a;
	size_t i;
	fl_err rc;

	a->count++;
	if (en->time > a->last)
		a->last = en->time;
	if (en->time < a->first)
		a->first = en->time;
	alert_host(a, en->host, 0);
	if ((rc = alert_refs_of(e, a, en)) != FL_OK)
		return rc;
	if (en->hasnum) {
		a->sum += en->num;
		a->nnum++;
	}
	if (hastext && c->sc->type == FL_SC_VALUE_COUNT) {
		struct vnode *v;

		if (vset_get(&a->vs, e->vb.data, e->vb.len, e->o.max_window,
			     &v) != FL_OK)
			return FL_E_NOMEM;
		if (v)
			v->refs++;
		else
			e->st.dropped++;
	}
	if (a->seen)
		for (i = 0; i < c->sc->nref; i++)
			if (c->refslot[i] == en->slot)
				a->seen[i] = 1;
	hdeadline(e, g, sat_add(a->last, c->ts));
	return FL_OK;
}

/* Close G's open alert: report it with its totals; the group starts
 * afresh. */
static fl_err
alert_close(struct fl_corr *e, struct grp *g)
{
	fl_err rc = alert_emit(e, g, &g->a);

	alert_release(&g->a);
	g->open = 0;
	return rc;
}

/* A window decided at its end has ended: report it if the condition
 * holds, and empty it. */
static fl_err
window_end(struct fl_corr *e, struct grp *g)
{
	struct alert a;
	double value = 0;
	fl_err rc = FL_OK;

	if (g->n && window_holds(e, g, NULL, &value)) {
		memset(&a, 0, sizeof a);
		a.time = sat_add(g->t0, g->c->ts);
		a.value = value;
		if ((rc = alert_from_window(e, g, (size_t)-1, &a)) == FL_OK &&
		    g->c->sc->type == FL_SC_VALUE_COUNT) {
			a.vs = g->vs;
			memset(&g->vs, 0, sizeof g->vs);
		}
		if (rc == FL_OK)
			rc = alert_emit(e, g, &a);
		if (rc == FL_OK)
			rc = alert_chain(e, g, &a);
		alert_release(&a);
	}
	window_clear(g);
	return rc;
}

/* ---- feeding ------------------------------------------------------------- */

static fl_err
make_entry(struct fl_corr *e, struct corr *c, size_t si, const struct in *in,
	   struct ent *en, int *hastext)
{
	memset(en, 0, sizeof *en);
	en->time = in->time;
	en->nsec = in->nsec;
	en->slot = (uint32_t)si;
	en->source = in->source;
	en->record = in->record;
	en->host = in->host;
	if (in_value(e, c, &c->slot[si], in, hastext, &en->hasnum,
		     &en->num) != FL_OK)
		return FL_E_NOMEM;
	return copy_refs(e, in, en);
}

/* A window decided at its end: [t0, t0 + timespan] from the group's first
 * match (a match after it has ended it already, in feed()). */
static fl_err
feed_late(struct fl_corr *e, struct grp *g, struct ent *en, int hastext)
{
	int64_t ts = g->c->ts;
	size_t pos;
	fl_err rc;

	if (g->n && en->time < g->t0) {
		e->st.late++;
		return FL_OK;
	}
	if (g->n == 0) {
		g->t0 = en->time;
		g->newest = en->time;
	}
	if (g->n >= e->o.max_window) {
		e->st.dropped++;
		return FL_OK;
	}
	if ((rc = window_insert(e, g, en, &pos)) != FL_OK)
		return rc;
	en->more = NULL; /* the window owns it now */
	if (en->time > g->newest)
		g->newest = en->time;
	hdeadline(e, g, sat_add(g->t0, ts));
	return track(e, g, ent_at(g, pos), hastext);
}

/* A sliding window: the matches of the last timespan seconds before the
 * group's newest; the condition is checked at every match. */
static fl_err
feed_early(struct fl_corr *e, struct grp *g, struct ent *en, int hastext)
{
	int64_t ts = g->c->ts, from;
	double value = 0;
	size_t pos;
	fl_err rc;

	if (g->n && en->time < sat_sub(g->newest, ts)) {
		e->st.late++;
		return FL_OK;
	}
	if (g->n == 0 || en->time > g->newest)
		g->newest = en->time;
	from = sat_sub(g->newest, ts);
	while (g->n && ent_at(g, 0)->time < from) {
		untrack(g, ent_at(g, 0));
		g->head = (g->head + 1) % g->cap;
		g->n--;
	}
	if (g->n >= e->o.max_window) {
		e->st.dropped++;
		return FL_OK;
	}
	if ((rc = window_insert(e, g, en, &pos)) != FL_OK)
		return rc;
	en->more = NULL;
	if ((rc = track(e, g, ent_at(g, pos), hastext)) != FL_OK)
		return rc;
	if (window_holds(e, g, ent_at(g, pos), &value))
		return alert_open(e, g, pos, value);
	hdeadline(e, g, sat_add(g->newest, ts));
	return FL_OK;
}

/* IN matched the rule of slot SI of correlation C. */
static fl_err
feed(struct fl_corr *e, struct corr *c, size_t si, const struct in *in)
{
	struct grp *g;
	struct ent en;
	int hastext = 0;
	fl_err rc;

	if ((rc = grp_of(e, c, &c->slot[si], in, &g)) != FL_OK || g == NULL)
		return rc;
	memset(&en, 0, sizeof en);
	/* what this match ends is settled before its value is read: a
	   window's end feeds the correlations above, which reuse e->vb */
	if (g->open && in->time > sat_add(g->a.last, c->ts))
		rc = alert_close(e, g); /* a gap longer than the timespan */
	else if (!g->open && c->late && g->n &&
		 in->time > sat_add(g->t0, c->ts))
		rc = window_end(e, g);
	if (rc != FL_OK ||
	    (rc = make_entry(e, c, si, in, &en, &hastext)) != FL_OK)
		goto out;
	if (g->open) {
		if (en.time < sat_sub(g->a.first, c->ts))
			e->st.late++;
		else
			rc = alert_extend(e, g, &en, hastext);
	} else if (c->late) {
		rc = feed_late(e, g, &en, hastext);
	} else {
		rc = feed_early(e, g, &en, hastext);
	}
out:
	free(en.more);
	if (!g->open && g->n == 0)
		grp_free(e, g);
	return rc;
}

/* ---- time ---------------------------------------------------------------- */

/* Settle every group whose deadline is before LIMIT (all when ALL), in
 * deadline order. */
static fl_err
settle(struct fl_corr *e, int64_t limit, int all)
{
	fl_err rc = FL_OK;

	while (e->hn && rc == FL_OK &&
	       (all || e->heap[0]->hkey < limit)) {
		struct grp *g = e->heap[0];

		if (g->hkey != g->deadline) {
			g->hkey = g->deadline;
			hdown(e, 0);
			continue;
		}
		/* chains only lead to other correlations (the rule set has
		   no cycles), so nothing fed below comes back to G */
		if (g->open)
			rc = alert_close(e, g);
		else if (g->c->late)
			rc = window_end(e, g);
		grp_free(e, g); /* an early window: every match is too old */
	}
	return rc;
}

static fl_err
move_to(struct fl_corr *e, int64_t now)
{
	if (e->have_wm && now <= e->wm)
		return FL_OK;
	e->have_wm = 1;
	e->wm = now;
	return settle(e, now, 0);
}

fl_err
fl_corr_event(struct fl_corr *c, const struct fl_sigma_rule *rule,
	      const struct fl_event *ev, fl_corr_emit emit, void *ctx)
{
	const struct subs *ss;
	const struct istr *is;
	struct in in;
	size_t i;
	fl_err rc;

	c->emit = emit;
	c->ctx = ctx;
	c->st.fed++;
	if ((rc = move_to(c, ev->time)) != FL_OK)
		return rc;
	if (!fl_corr_wants(c, rule))
		return FL_OK;
	ss = &c->subs[rule->index];
	if (ss->n == 0)
		return FL_OK;
	memset(&in, 0, sizeof in);
	in.time = ev->time;
	in.nsec = ev->nsec;
	in.record = ev->record;
	in.ev = ev;
	/* sources change rarely: one comparison, not a hash, per match */
	in.source = "";
	if (ev->source && (ev->source != c->last_src || c->last_isrc == NULL ||
			   strcmp(ev->source, c->last_isrc->s) != 0)) {
		if (itab_get(&c->strs, ev->source, strlen(ev->source), &is) !=
		    FL_OK)
			return FL_E_NOMEM;
		c->last_src = ev->source;
		c->last_isrc = is;
		if (is == NULL)
			c->st.truncated++;
	}
	if (ev->source && c->last_isrc)
		in.source = c->last_isrc->s;
	if (ev->host.n) {
		size_t n = ev->host.n;

		if (n > c->o.max_value) {
			n = c->o.max_value;
			c->st.truncated++;
		}
		if (itab_get(&c->strs, ev->host.p, n, &in.host) != FL_OK)
			return FL_E_NOMEM;
		if (in.host == NULL)
			c->st.truncated++;
	}
	for (i = 0; i < ss->n && rc == FL_OK; i++)
		rc = feed(c, ss->v[i].c, ss->v[i].slot, &in);
	return rc;
}

fl_err
fl_corr_advance(struct fl_corr *c, int64_t now, fl_corr_emit emit,
		void *ctx)
{
	c->emit = emit;
	c->ctx = ctx;
	return move_to(c, now);
}

fl_err
fl_corr_flush(struct fl_corr *c, fl_corr_emit emit, void *ctx)
{
	c->emit = emit;
	c->ctx = ctx;
	return settle(c, 0, 1);
}

/* ---- setup --------------------------------------------------------------- */

int
fl_corr_wants(const struct fl_corr *c, const struct fl_sigma_rule *rule)
{
	return rule && rule->kind == FL_SIGMA_RULE && rule->index < c->nrules &&
	       c->rules[rule->index] == rule && c->subs[rule->index].n > 0;
}

int
fl_corr_generates(const struct fl_corr *c, const struct fl_sigma_rule *rule)
{
	if (rule == NULL || rule->index >= c->nrules ||
	    c->rules[rule->index] != rule)
		return 1;
	return c->gen[rule->index];
}

/* The field a correlation's NAME stands for in matches of TARGET: the
 * alias's field for that rule, else NAME itself. */
static const char *
alias_field(const struct fl_sigma_corr *sc, const char *name,
	    const struct fl_sigma_rule *target)
{
	size_t i, j;

	for (i = 0; i < sc->nalias; i++) {
		const struct fl_sigma_alias *al = &sc->alias[i];

		if (strcmp(al->name, name) != 0)
			continue;
		for (j = 0; j < al->n; j++)
			if (al->target && al->target[j] == target)
				return al->field[j];
	}
	return name;
}

static fl_err
fget_make(struct fl_keys *keys, const struct fl_sigma_corr *sc,
	  const struct slot *s, const char *name, struct fget *f)
{
	const char *field = alias_field(sc, name, s->target);
	size_t i;

	f->key = FL_KEY_NONE;
	f->gidx = -1;
	if (s->child) {
		for (i = 0; i < s->child->ngroup; i++)
			if (strcmp(s->child->sc->group_by.v[i], field) == 0) {
				f->gidx = (int)i;
				break;
			}
		return FL_OK;
	}
	return fl_keys_add(keys, field, strlen(field), &f->key);
}

static fl_err
corr_setup(struct fl_corr *e, struct corr *c, const long *cidx,
	   struct fl_keys *keys)
{
	const struct fl_sigma_corr *sc = c->sc;
	size_t i, j;
	fl_err rc;

	if ((c->refslot = calloc(sc->nref, sizeof *c->refslot)) == NULL ||
	    (c->slot = calloc(sc->nref, sizeof *c->slot)) == NULL)
		return FL_E_NOMEM;
	for (i = 0; i < sc->nref; i++) {
		const struct fl_sigma_rule *t = sc->ref[i].target;

		for (j = 0; j < c->nslot; j++)
			if (c->slot[j].target == t)
				break;
		c->refslot[i] = j;
		if (j < c->nslot)
			continue;
		c->slot[j].target = t;
		if (t && t->kind == FL_SIGMA_CORRELATION &&
		    t->index < e->nrules && cidx[t->index] >= 0)
			c->slot[j].child = &e->corr[cidx[t->index]];
		c->nslot++;
	}
	for (j = 0; j < c->nslot; j++) {
		struct slot *s = &c->slot[j];

		if ((c->ngroup &&
		     (s->grp = calloc(c->ngroup, sizeof *s->grp)) == NULL) ||
		    (c->nval && (s->val = calloc(c->nval, sizeof *s->val)) ==
				       NULL))
			return FL_E_NOMEM;
		for (i = 0; i < c->ngroup; i++)
			if ((rc = fget_make(keys, sc, s, sc->group_by.v[i],
					    &s->grp[i])) != FL_OK)
				return rc;
		for (i = 0; i < c->nval; i++)
			if ((rc = fget_make(keys, sc, s, sc->field.v[i],
					    &s->val[i])) != FL_OK)
				return rc;
	}
	return FL_OK;
}

static fl_err
sub_add(struct subs *ss, struct corr *c, size_t slot)
{
	struct sub *nv = realloc(ss->v, (ss->n + 1) * sizeof *nv);

	if (nv == NULL)
		return FL_E_NOMEM;
	ss->v = nv;
	ss->v[ss->n].c = c;
	ss->v[ss->n].slot = slot;
	ss->n++;
	return FL_OK;
}

/* Decided only when a window ends: a measure that only grows while a
 * window fills, under upper bounds alone ("fewer than 3"). */
static int
decided_late(const struct fl_sigma_corr *sc)
{
	unsigned lower = (1u << FL_SC_GT) | (1u << FL_SC_GTE) |
			 (1u << FL_SC_EQ);

	if (sc->type == FL_SC_VALUE_AVG || sc->type == FL_SC_VALUE_PERCENTILE)
		return 0;
	if (sc->tcond || sc->cmp_mask == 0)
		return 0;
	return (sc->cmp_mask & lower) == 0;
}

fl_err
fl_corr_new(const struct fl_sigma_set *set, struct fl_keys *keys,
	    const struct fl_corr_opts *o, struct fl_corr **out,
	    struct fl_diag *d)
{
	struct fl_corr *e;
	long *cidx = NULL;
	size_t i, j, n = 0;
	fl_err rc = FL_E_NOMEM;

	*out = NULL;
	if (set == NULL || keys == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "correlations need a rule "
				   "set and a field dictionary");
	if ((e = calloc(1, sizeof *e)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	fl_corr_opts_default(&e->o);
	if (o) {
		if (o->max_refs)
			e->o.max_refs = o->max_refs;
		if (o->max_groups)
			e->o.max_groups = o->max_groups;
		if (o->max_window)
			e->o.max_window = o->max_window;
		if (o->max_value)
			e->o.max_value = o->max_value;
	}
	fl_buf_init(&e->kb, FL_BUF_DEFAULT_MAX);
	fl_buf_init(&e->vb, FL_BUF_DEFAULT_MAX);
	e->rng = 0x9e3779b9u;
	e->rules = fl_sigma_set_rules(set, &e->nrules);
	if ((e->nrules && ((e->subs = calloc(e->nrules, sizeof *e->subs)) ==
				   NULL ||
			   (e->gen = malloc(e->nrules)) == NULL ||
			   (cidx = malloc(e->nrules * sizeof *cidx)) ==
				   NULL)))
		goto fail;
	for (i = 0; i < e->nrules; i++) {
		const struct fl_sigma_rule *r = e->rules[i];

		cidx[i] = -1;
		e->gen[i] = 1;
		if (r->index != i) {
			rc = FL_E_INTERNAL;
			goto fail;
		}
		if (r->kind == FL_SIGMA_CORRELATION && !r->refused && r->corr)
			cidx[i] = (long)n++;
	}
	if (n && (e->corr = calloc(n, sizeof *e->corr)) == NULL)
		goto fail;
	e->ncorr = n;
	for (i = 0; i < e->nrules; i++) {
		struct corr *c;

		if (cidx[i] < 0)
			continue;
		c = &e->corr[cidx[i]];
		c->rule = e->rules[i];
		c->sc = c->rule->corr;
		c->ts = c->sc->timespan;
		c->late = decided_late(c->sc);
		c->ngroup = c->sc->group_by.n;
		c->nval = c->sc->field.n;
		if (c->sc->nref > e->maxref)
			e->maxref = c->sc->nref;
		if (c->ngroup &&
		    (c->gname = calloc(c->ngroup, sizeof *c->gname)) == NULL)
			goto fail;
		for (j = 0; j < c->ngroup; j++) {
			c->gname[j].p = c->sc->group_by.v[j];
			c->gname[j].n = strlen(c->sc->group_by.v[j]);
		}
	}
	if (e->maxref && (e->seen = calloc(e->maxref, 1)) == NULL)
		goto fail;
	/* the rules a correlation refers to stop generating alerts of their
	   own unless one of the correlations referring to them says so */
	for (i = 0; i < e->ncorr; i++)
		for (j = 0; j < e->corr[i].sc->nref; j++) {
			const struct fl_sigma_rule *t =
				e->corr[i].sc->ref[j].target;

			if (t && t->index < e->nrules)
				e->gen[t->index] = 0;
		}
	for (i = 0; i < e->ncorr; i++)
		for (j = 0; j < e->corr[i].sc->nref; j++) {
			const struct fl_sigma_rule *t =
				e->corr[i].sc->ref[j].target;

			if (t && t->index < e->nrules &&
			    e->corr[i].sc->generate)
				e->gen[t->index] = 1;
		}
	for (i = 0; i < e->ncorr; i++) {
		struct corr *c = &e->corr[i];

		c->generates = e->gen[c->rule->index];
		if ((rc = corr_setup(e, c, cidx, keys)) != FL_OK)
			goto fail;
		for (j = 0; j < c->nslot; j++) {
			const struct fl_sigma_rule *t = c->slot[j].target;

			rc = FL_E_NOMEM;
			if (t && t->index < e->nrules &&
			    sub_add(&e->subs[t->index], c, j) != FL_OK)
				goto fail;
		}
	}
	free(cidx);
	*out = e;
	return FL_OK;
fail:
	free(cidx);
	fl_corr_free(e);
	if (rc == FL_E_INTERNAL)
		return fl_diag_msg(d, rc, "rule set not resolved in order");
	return fl_diag_msg(d, rc, "%s", fl_err_str(rc));
}

void
fl_corr_free(struct fl_corr *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	while (c->hn)
		grp_free(c, c->heap[0]);
	for (i = 0; i < c->ncorr; i++) {
		struct corr *k = &c->corr[i];

		for (j = 0; j < k->nslot; j++) {
			free(k->slot[j].grp);
			free(k->slot[j].val);
		}
		free(k->slot);
		free(k->refslot);
		free(k->gname);
		free(k->tab);
	}
	free(c->corr);
	if (c->subs)
		for (i = 0; i < c->nrules; i++)
			free(c->subs[i].v);
	free(c->subs);
	free(c->gen);
	free(c->heap);
	free(c->seen);
	itab_free(&c->strs);
	fl_buf_release(&c->kb);
	fl_buf_release(&c->vb);
	free(c);
}

void
fl_corr_stats(const struct fl_corr *c, struct fl_corr_stats *s)
{
	*s = c->st;
}
