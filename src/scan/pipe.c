/*
 * scan/pipe: read a report on a second thread while the calling thread
 * consumes what it finds.
 *
 * `vuln import` is two jobs of about the same size: parsing the report
 * (expat and the reader) and storing its findings (SQLite).  Run one after
 * the other they add up; on two cores they can overlap.  The reader thread
 * copies each event (meta, host, finding) flat into a slot of a small ring
 * and the calling thread hands it to the real sink, in the order the
 * reader produced them, so the sink sees exactly the stream it would see
 * without the thread.  Only the calling thread ever touches the sink (and
 * so the database).
 *
 * The copy is flat: every string of an event goes into one buffer that the
 * slot keeps and reuses, so a finding costs two memcpy passes and no
 * allocation once the ring is warm.  The ring is bounded, so memory is;
 * the sides hand slots over through two counters, in batches, and take a
 * lock only to sleep, when the ring is full or empty.  The waits have
 * hysteresis (a side that had to wait is woken when half the ring is
 * ready), so the threads do not ping-pong: on two cores of a virtual
 * machine every wake-up costs tens of microseconds.
 *
 * It refuses nothing the plain reader accepts: when a thread cannot be
 * started, the report is read on the calling thread instead.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define RING 1024
/* Bytes of events the ring may hold beyond the one being filled: a
 * report of huge items (megabytes of plugin output each) waits on the
 * consumer instead of filling every slot. */
#define BUDGET ((size_t)8 << 20)
/* A slot buffer above this, much larger than its event, is given back. */
#define SLOT_KEEP ((size_t)256 << 10)

enum ev_kind { EV_META, EV_HOST, EV_FINDING };

struct slot {
	enum ev_kind kind;
	struct fl_finding f;       /* a view: pointers into mem */
	struct fl_scan_host h;
	struct fl_scan_meta m;
	char *mem;                 /* the event's strings, back to back */
	size_t cap;
	size_t bytes;              /* of mem the event uses */
	char **ptrs;               /* vuln_ids.v then cwes.v */
	size_t ptrs_cap;
	struct fl_scan_loc *locs;
	size_t locs_cap;
};

/* Slots a side fills or empties before it tells the other: one shared
 * write per batch instead of one per event.  Well under RING / 2, the
 * mark at which a sleeping side is woken. */
#define BATCH 8

struct pipe {
	pthread_mutex_t mu;        /* only for the waits */
	pthread_cond_t can_put, can_take;
	struct slot ring[RING];
	/* Slots published by the reader and released by the consumer, ever:
	 * each counter has one writer.  The slots from taken to put are the
	 * consumer's, the others the reader's.  Neither side takes the lock
	 * while the ring is neither full nor empty; the counters sit apart,
	 * so the two cores do not fight over one cache line. */
	alignas(64) atomic_size_t put, bytes_put;
	alignas(64) atomic_size_t taken, bytes_taken;
	alignas(64) atomic_int put_waiting, take_waiting;
	atomic_int done;           /* the reader has returned */
	atomic_int stop;           /* the consumer failed: reader, give up */
	/* the reader thread's side */
	alignas(64) size_t put_local;  /* slots filled, published or not */
	size_t bytes_local;        /* their bytes */
	size_t taken_seen;         /* taken, as last read */
	size_t bytes_seen;         /* bytes_taken, as last read */
	const struct fl_scan_format *fmt;
	struct fl_scan_src *src;
	int drain;
	fl_err rc;
	struct fl_diag d;
	/* the consumer's side */
	alignas(64) size_t taken_local; /* slots emptied, released or not */
	size_t bytes_done;         /* their bytes */
	size_t put_seen;           /* put, as last read */
};

/* ---- flat copies ------------------------------------------------------ */

struct sizer {
	size_t n;
	int overflow;
};

static void
size_str(struct sizer *z, const char *s)
{
	size_t k;

	if (s == NULL)
		return;
	k = strlen(s) + 1;
	if (z->n > SIZE_MAX - k)
		z->overflow = 1;
	else
		z->n += k;
}

/* Copy s to the slot's buffer at *off (sized beforehand). */
static char *
put_str(struct slot *sl, size_t *off, const char *s)
{
	char *p;
	size_t k;

	if (s == NULL)
		return NULL;
	k = strlen(s) + 1;
	p = sl->mem + *off;
	memcpy(p, s, k);
	*off += k;
	return p;
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *q;
	size_t n = *cap ? *cap : 16;

	/* one huge event must not keep its memory in the slot for ever */
	if (*cap > SLOT_KEEP / elem && need < *cap / 4) {
		if ((q = realloc(*p, need * elem)) == NULL)
			return -1;
		*p = q;
		*cap = need;
		return 0;
	}
	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return -1;
		n *= 2;
	}
	if ((q = realloc(*p, n * elem)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static size_t
loc_strings(struct sizer *z, const struct fl_scan_loc *l)
{
	size_str(z, l->host);
	size_str(z, l->ip);
	size_str(z, l->fqdn);
	size_str(z, l->protocol);
	size_str(z, l->path);
	size_str(z, l->query);
	return z->n;
}

static fl_err
copy_finding(struct slot *sl, const struct fl_finding *f)
{
	struct sizer z = {0, 0};
	size_t i, off = 0, nptrs, len[FL_FF__N];
	int k;

	/* the text fields are most of the bytes (descriptions, plugin
	 * output): measured once, copied with the lengths */
	for (k = 0; k < FL_FF__N; k++) {
		len[k] = f->text[k] ? strlen(f->text[k]) + 1 : 0;
		if (z.n > SIZE_MAX - len[k])
			z.overflow = 1;
		else
			z.n += len[k];
	}
	for (i = 0; i < f->vuln_ids.n; i++)
		size_str(&z, f->vuln_ids.v[i]);
	for (i = 0; i < f->cwes.n; i++)
		size_str(&z, f->cwes.v[i]);
	for (i = 0; i < f->nlocs; i++)
		loc_strings(&z, &f->locs[i]);
	nptrs = f->vuln_ids.n + f->cwes.n;
	if (z.overflow || nptrs < f->vuln_ids.n ||
	    grow((void **)&sl->mem, &sl->cap, z.n ? z.n : 1, 1) != 0 ||
	    grow((void **)&sl->ptrs, &sl->ptrs_cap, nptrs ? nptrs : 1,
		 sizeof(char *)) != 0 ||
	    grow((void **)&sl->locs, &sl->locs_cap, f->nlocs ? f->nlocs : 1,
		 sizeof(struct fl_scan_loc)) != 0)
		return FL_E_NOMEM;

	sl->kind = EV_FINDING;
	sl->bytes = z.n;
	sl->f = *f;
	for (k = 0; k < FL_FF__N; k++) {
		if (f->text[k] == NULL) {
			sl->f.text[k] = NULL;
			continue;
		}
		sl->f.text[k] = memcpy(sl->mem + off, f->text[k], len[k]);
		off += len[k];
	}
	for (i = 0; i < f->vuln_ids.n; i++)
		sl->ptrs[i] = put_str(sl, &off, f->vuln_ids.v[i]);
	for (i = 0; i < f->cwes.n; i++)
		sl->ptrs[f->vuln_ids.n + i] = put_str(sl, &off, f->cwes.v[i]);
	sl->f.vuln_ids.v = f->vuln_ids.n ? sl->ptrs : NULL;
	sl->f.vuln_ids.cap = f->vuln_ids.n;
	sl->f.vuln_ids.idx = NULL;
	sl->f.vuln_ids.nidx = 0;
	sl->f.cwes.v = f->cwes.n ? sl->ptrs + f->vuln_ids.n : NULL;
	sl->f.cwes.cap = f->cwes.n;
	sl->f.cwes.idx = NULL;
	sl->f.cwes.nidx = 0;
	for (i = 0; i < f->nlocs; i++) {
		const struct fl_scan_loc *l = &f->locs[i];
		struct fl_scan_loc *c = &sl->locs[i];

		*c = *l;
		c->host = put_str(sl, &off, l->host);
		c->ip = put_str(sl, &off, l->ip);
		c->fqdn = put_str(sl, &off, l->fqdn);
		c->protocol = put_str(sl, &off, l->protocol);
		c->path = put_str(sl, &off, l->path);
		c->query = put_str(sl, &off, l->query);
	}
	sl->f.locs = f->nlocs ? sl->locs : NULL;
	sl->f.locs_cap = f->nlocs;
	return FL_OK;
}

static fl_err
copy_host(struct slot *sl, const struct fl_scan_host *h)
{
	struct sizer z = {0, 0};
	size_t off = 0;

	size_str(&z, h->host);
	size_str(&z, h->ip);
	size_str(&z, h->fqdn);
	size_str(&z, h->start);
	size_str(&z, h->end);
	size_str(&z, h->os);
	if (z.overflow || grow((void **)&sl->mem, &sl->cap, z.n ? z.n : 1, 1))
		return FL_E_NOMEM;
	sl->kind = EV_HOST;
	sl->bytes = z.n;
	sl->h = *h;
	sl->h.host = put_str(sl, &off, h->host);
	sl->h.ip = put_str(sl, &off, h->ip);
	sl->h.fqdn = put_str(sl, &off, h->fqdn);
	sl->h.start = put_str(sl, &off, h->start);
	sl->h.end = put_str(sl, &off, h->end);
	sl->h.os = put_str(sl, &off, h->os);
	return FL_OK;
}

static fl_err
copy_meta(struct slot *sl, const struct fl_scan_meta *m)
{
	struct sizer z = {0, 0};
	size_t off = 0;

	size_str(&z, m->scanner);
	size_str(&z, m->version);
	size_str(&z, m->name);
	size_str(&z, m->target);
	size_str(&z, m->started);
	if (z.overflow || grow((void **)&sl->mem, &sl->cap, z.n ? z.n : 1, 1))
		return FL_E_NOMEM;
	sl->kind = EV_META;
	sl->bytes = z.n;
	sl->m = *m;
	sl->m.scanner = put_str(sl, &off, m->scanner);
	sl->m.version = put_str(sl, &off, m->version);
	sl->m.name = put_str(sl, &off, m->name);
	sl->m.target = put_str(sl, &off, m->target);
	sl->m.started = put_str(sl, &off, m->started);
	return FL_OK;
}

/* ---- the reader thread's sink --------------------------------------- */

/*
 * Wake the other side if it sleeps on cv and wake() holds.  A sleeper
 * sets its flag under the lock and looks again before it waits; the
 * counters and flags are sequentially consistent, so either the sleeper
 * sees the new count or this sees the flag, and the lock keeps the signal
 * from falling between its look and its wait.
 */
static void
wake(struct pipe *p, atomic_int *waiting, pthread_cond_t *cv)
{
	pthread_mutex_lock(&p->mu);
	atomic_store(waiting, 0);
	pthread_cond_signal(cv);
	pthread_mutex_unlock(&p->mu);
}

/* The reader: make its filled slots the consumer's, and wake the
 * consumer once a batch of RING / 2 waits for it, or at once when the
 * reader itself is about to sleep (the budget can stop it far short of
 * a batch). */
static void
publish(struct pipe *p, int sleeping)
{
	atomic_store(&p->bytes_put, p->bytes_local);
	atomic_store(&p->put, p->put_local);
	if (atomic_load(&p->take_waiting) &&
	    (sleeping || p->put_local - atomic_load(&p->taken) >= RING / 2))
		wake(p, &p->take_waiting, &p->can_take);
}

/*
 * The next free slot, waiting while the ring is full; NULL when the
 * consumer has stopped.  Only the reader calls it.
 */
/*
 * Whether the reader may fill another slot: one is free and the events
 * the consumer holds stay within the budget (an empty ring takes any
 * event, however large).
 */
static int
room(struct pipe *p)
{
	size_t n = p->put_local - p->taken_seen;

	return n < RING && (n == 0 || p->bytes_local -
				      atomic_load(&p->bytes_taken) <= BUDGET);
}

static struct slot *
slot_get(struct pipe *p)
{
	if (p->put_local - p->taken_seen == RING ||
	    p->bytes_local - p->bytes_seen > BUDGET) {
		p->taken_seen = atomic_load(&p->taken);
		p->bytes_seen = atomic_load(&p->bytes_taken);
		if (!room(p)) {
			/* full: all of it the consumer's before sleeping */
			publish(p, 1);
			pthread_mutex_lock(&p->mu);
			while (!atomic_load(&p->stop)) {
				atomic_store(&p->put_waiting, 1);
				p->taken_seen = atomic_load(&p->taken);
				if (room(p))
					break;
				pthread_cond_wait(&p->can_put, &p->mu);
			}
			atomic_store(&p->put_waiting, 0);
			pthread_mutex_unlock(&p->mu);
			p->bytes_seen = atomic_load(&p->bytes_taken);
		}
	}
	if (atomic_load_explicit(&p->stop, memory_order_relaxed))
		return NULL;
	return &p->ring[p->put_local % RING];
}

/* The slot slot_get gave is filled. */
static void
slot_put(struct pipe *p)
{
	p->bytes_local += p->ring[p->put_local % RING].bytes;
	p->put_local++;
	if (p->put_local % BATCH == 0)
		publish(p, 0);
}

/* The consumer: give its emptied slots back, and wake the reader once
 * half the ring is free (or the consumer has stopped). */
static void
release(struct pipe *p)
{
	atomic_store(&p->bytes_taken, p->bytes_done);
	atomic_store(&p->taken, p->taken_local);
	if (atomic_load(&p->put_waiting) &&
	    (atomic_load(&p->stop) ||
	     (atomic_load(&p->put) - p->taken_local <= RING / 2 &&
	      atomic_load(&p->bytes_put) - p->bytes_done <= BUDGET / 2)))
		wake(p, &p->put_waiting, &p->can_put);
}

/* The reader's error when the consumer stopped it (its own diag holds
 * the reason; this one is never shown). */
static fl_err
stopped(struct pipe *p)
{
	return fl_diag_msg(&p->d, FL_E_INTERNAL, "import stopped");
}

static fl_err
put_meta(void *ctx, const struct fl_scan_meta *m)
{
	struct pipe *p = ctx;
	struct slot *sl = slot_get(p);

	if (sl == NULL)
		return stopped(p);
	if (copy_meta(sl, m) != FL_OK)
		return fl_diag_msg(&p->d, FL_E_NOMEM, "out of memory");
	slot_put(p);
	return FL_OK;
}

static fl_err
put_host(void *ctx, const struct fl_scan_host *h)
{
	struct pipe *p = ctx;
	struct slot *sl = slot_get(p);

	if (sl == NULL)
		return stopped(p);
	if (copy_host(sl, h) != FL_OK)
		return fl_diag_msg(&p->d, FL_E_NOMEM, "out of memory");
	slot_put(p);
	return FL_OK;
}

static fl_err
put_finding(void *ctx, const struct fl_finding *f)
{
	struct pipe *p = ctx;
	struct slot *sl = slot_get(p);

	if (sl == NULL)
		return stopped(p);
	if (copy_finding(sl, f) != FL_OK)
		return fl_diag_msg(&p->d, FL_E_NOMEM, "out of memory");
	slot_put(p);
	return FL_OK;
}

static void *
reader_main(void *arg)
{
	struct pipe *p = arg;
	struct fl_scan_sink sink = {p, put_meta, put_host, put_finding};
	char chunk[65536];
	size_t got;

	p->rc = p->fmt->read(p->src, &sink, &p->d);
	/* the caller hashes the file as it streams by: read what the
	 * reader left so every byte is seen */
	while (p->drain && p->rc == FL_OK &&
	       (p->rc = fl_scan_src_read(p->src, chunk, sizeof(chunk), &got,
					 &p->d)) == FL_OK && got > 0)
		;
	atomic_store(&p->put, p->put_local);
	atomic_store(&p->done, 1);
	wake(p, &p->take_waiting, &p->can_take);
	return NULL;
}

/* ---- the consumer ----------------------------------------------------- */

static fl_err
deliver(const struct slot *sl, const struct fl_scan_sink *sink)
{
	switch (sl->kind) {
	case EV_META:
		return sink->meta ? sink->meta(sink->ctx, &sl->m) : FL_OK;
	case EV_HOST:
		return sink->host ? sink->host(sink->ctx, &sl->h) : FL_OK;
	case EV_FINDING:
		return sink->finding(sink->ctx, &sl->f);
	}
	return FL_E_INTERNAL;
}

static void
pipe_free(struct pipe *p)
{
	size_t i;

	for (i = 0; i < RING; i++) {
		free(p->ring[i].mem);
		free(p->ring[i].ptrs);
		free(p->ring[i].locs);
	}
	pthread_cond_destroy(&p->can_put);
	pthread_cond_destroy(&p->can_take);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

fl_err
fl_scan_read_threaded(const struct fl_scan_format *fmt,
		      struct fl_scan_src *src, int drain,
		      const struct fl_scan_sink *sink, struct fl_diag *d)
{
	struct pipe *p;
	pthread_t tid;
	fl_err rc = FL_OK;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	p->fmt = fmt;
	p->src = src;
	p->drain = drain;
	fl_diag_clear(&p->d);
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return fl_diag_msg(d, FL_E_NOMEM, "cannot create a lock");
	}
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_take, NULL);
	if (pthread_create(&tid, NULL, reader_main, p) != 0) {
		/* no second thread: read here, as the plain reader does */
		char chunk[65536];
		size_t got;

		pipe_free(p);
		rc = fmt->read(src, sink, d);
		while (drain && rc == FL_OK &&
		       (rc = fl_scan_src_read(src, chunk, sizeof(chunk), &got,
					      d)) == FL_OK && got > 0)
			;
		return rc;
	}
	for (;;) {
		if (p->taken_local == p->put_seen &&
		    (p->put_seen = atomic_load(&p->put)) == p->taken_local) {
			/* empty: done, or sleep till a batch is ready */
			release(p);
			pthread_mutex_lock(&p->mu);
			for (;;) {
				atomic_store(&p->take_waiting, 1);
				if (atomic_load(&p->put) != p->taken_local ||
				    atomic_load(&p->done))
					break;
				pthread_cond_wait(&p->can_take, &p->mu);
			}
			atomic_store(&p->take_waiting, 0);
			pthread_mutex_unlock(&p->mu);
			/* done comes after the last put: one more look */
			if ((p->put_seen = atomic_load(&p->put)) ==
			    p->taken_local)
				break;
		}
		rc = deliver(&p->ring[p->taken_local % RING], sink);
		p->bytes_done += p->ring[p->taken_local % RING].bytes;
		p->taken_local++;
		if (rc != FL_OK) {
			atomic_store(&p->stop, 1);
			release(p);
			break;
		}
		if (p->taken_local % BATCH == 0)
			release(p);
	}
	pthread_join(tid, NULL);
	/* the consumer's error explains itself; the reader's when it had
	 * the first one (a malformed report) */
	if (rc == FL_OK && p->rc != FL_OK) {
		rc = p->rc;
		*d = p->d;
	}
	pipe_free(p);
	return rc;
}
