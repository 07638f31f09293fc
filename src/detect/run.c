/*
 * run: the detection driver (run.h).
 *
 * Parallel path, for a regular file in a format whose records can be found
 * from a cut: the main thread reads the file in blocks of about 4 MiB, each
 * cut where a record starts (after a newline for syslog, before a line
 * beginning with "{" for JSON — the same resynchronisation point the JSON
 * reader uses — and on 64 KiB chunk boundaries for EVTX), and queues them.
 * Workers read and match a block and write what matched into the block's
 * result buffer: the whole event (so a correlation can read any field) and
 * the rules it matched.  The main thread consumes results strictly in block
 * order: it renumbers lines, reports alerts and feeds the correlation
 * engine.  Alerts are therefore identical for any number of threads.
 *
 * Stream path, for everything else (standard input, compressed input,
 * auditd, a follow): one reader, matching and consuming as it goes.
 *
 * Bounds: blocks in flight are 2 per worker plus one; a block holds its
 * input and its results; results of a block are at most the block's events
 * (copied once).  Input records longer than the reader's max_record are the
 * reader's to refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect/event_int.h"
#include "detect/run.h"

#define MAX_HITS 512
#define EVTX_HEADER 4096
#define EVTX_CHUNK 65536

int
fl_detect_level(const char *s)
{
	static const char *const names[] = {"informational", "low", "medium",
					    "high", "critical"};
	int i;

	for (i = 0; s && i < 5; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i + 1;
	return 0;
}

/* ---- blocks ------------------------------------------------------------------ */

enum { B_QUEUED, B_TAKEN, B_DONE };
enum { R_EVENT = 1, R_BAD = 2 };

struct block {
	struct block *next;
	char *data;
	size_t len, cap;       /* bytes in data, and its size */
	unsigned long long off; /* where data lies in the file */
	int state;
	struct fl_buf out;     /* serialized results */
	unsigned long long lines, events, bad, regex_errors;
	int fatal;
	struct fl_diag fd;
};

/* A result record: fixed head, then cids, fields, host, strings. */
struct rhead {
	uint32_t kind, nhits, nfields, hostlen;
	uint64_t record;
	int64_t time;
	uint32_t nsec, pad;
};
struct rfield {
	uint32_t nlen, vlen, key, next;
	uint32_t type, pad;
};

struct fl_detect {
	const struct fl_match *m;
	struct fl_corr *corr;
	const struct fl_keys *keys;
	struct fl_detect_opts o;
	struct fl_detect_stats st;

	/* workers */
	pthread_t *th;
	unsigned nth;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done;
	struct block *head, *tail; /* in file order */
	const char *cur_source;
	enum fl_format cur_fmt;
	int quit;

	/* consumer state */
	const struct fl_detect_sink *sink;
	const char *source;       /* of the input being consumed */
	unsigned long long line_base;
	int renumber;             /* records are lines (not EVTX ids) */
	struct fl_field *fields;
	size_t capfields;
	uint32_t *slot_gen, *slot_first, *slot_last;
	unsigned nkeys;
	uint32_t gen;
	int stopped;
	int64_t max_time;         /* follow: the newest event time seen */
	/* result buffers of finished blocks, reused so that their pages
	   are not faulted in again for every block */
	struct fl_buf spare[16];
	size_t nspare;
	/* the same for the input blocks' buffers (fresh memory for every
	   4 MiB block was 4% of a run: faults and the zeroing of pages) */
	struct {
		char *p;
		size_t cap;
	} spdata[16];
	size_t nspdata;
};

/*
 * Append an event that matched, with its hits, to out.  Only the fields
 * whose names some rule or correlation reads (a key) are kept: nothing
 * else is ever looked at again.  One reservation per event, then copies.
 */
static fl_err
keep_event(struct fl_buf *out, const struct fl_event *ev,
	   const struct fl_match_hit *hits, size_t nh)
{
	struct rhead h;
	size_t i, need = sizeof h + nh * sizeof(uint32_t) + ev->host.n, nf = 0;
	char *p;

	for (i = 0; i < ev->nfields; i++) {
		const struct fl_field *f = &ev->fields[i];

		if (f->key == FL_KEY_NONE)
			continue;
		need += sizeof(struct rfield) + f->name.n + f->value.n;
		nf++;
	}
	{
		fl_err rc = fl_buf_reserve(out, need);

		if (rc != FL_OK)
			return rc;
	}
	p = out->data + out->len;
	memset(&h, 0, sizeof h);
	h.kind = R_EVENT;
	h.nhits = (uint32_t)nh;
	h.nfields = (uint32_t)nf;
	h.hostlen = (uint32_t)ev->host.n;
	h.record = ev->record;
	h.time = ev->time;
	h.nsec = ev->nsec;
	memcpy(p, &h, sizeof h);
	p += sizeof h;
	for (i = 0; i < nh; i++) {
		uint32_t cid = hits[i].cid;

		memcpy(p, &cid, sizeof cid);
		p += sizeof cid;
	}
	for (i = 0; i < ev->nfields; i++) {
		const struct fl_field *f = &ev->fields[i];
		struct rfield rf;

		if (f->key == FL_KEY_NONE)
			continue;
		memset(&rf, 0, sizeof rf);
		rf.nlen = (uint32_t)f->name.n;
		rf.vlen = (uint32_t)f->value.n;
		rf.key = f->key;
		rf.type = f->type;
		memcpy(p, &rf, sizeof rf);
		p += sizeof rf;
		memcpy(p, f->name.p, f->name.n);
		p += f->name.n;
		memcpy(p, f->value.p, f->value.n);
		p += f->value.n;
	}
	memcpy(p, ev->host.p, ev->host.n);
	p += ev->host.n;
	out->len = (size_t)(p - out->data);
	out->data[out->len] = '\0';
	return FL_OK;
}

static fl_err
keep_bad(struct fl_buf *out, const struct fl_diag *d)
{
	struct rhead h;
	fl_err rc;

	memset(&h, 0, sizeof h);
	h.kind = R_BAD;
	h.record = d->line;
	h.nsec = (uint32_t)d->col;
	h.hostlen = (uint32_t)strlen(d->msg);
	if ((rc = fl_buf_append(out, &h, sizeof h)) != FL_OK)
		return rc;
	return fl_buf_append(out, d->msg, h.hostlen);
}

/* Read and match one block (any thread). */
static void
run_block(struct fl_detect *dt, struct fl_match_ctx *mc, struct block *b,
	  const char *source, enum fl_format fmt)
{
	struct fl_match_hit hits[MAX_HITS];
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	const char *p, *e;

	struct fl_reader_opts ro = dt->o.reader;
	struct fl_reader_stats rs;

	fl_diag_clear(&d);
	ro.base = b->off;
	/* syslog: lines that hold no literal any rule needs are not parsed */
	if (fmt == FL_FMT_SYSLOG &&
	    fl_match_linefilter(dt->m, mc, FL_FAM_SYSLOG, b->data, b->len)) {
		ro.keep = fl_match_line_keep;
		ro.keep_ctx = mc;
	}
	if (fl_reader_open_mem(fmt, b->data, b->len, source, dt->keys,
			       &ro, &r, &d) != FL_OK) {
		b->fatal = 1;
		b->fd = d;
		return;
	}
	for (;;) {
		enum fl_read rr = fl_reader_next(r, &ev, &d);

		if (rr == FL_READ_END)
			break;
		if (rr == FL_READ_FATAL) {
			b->fatal = 1;
			b->fd = d;
			break;
		}
		if (rr == FL_READ_BAD) {
			b->bad++;
			if (keep_bad(&b->out, &d) != FL_OK)
				goto full;
			continue;
		}
		{
			enum fl_family fam = fl_match_family(dt->m, fmt, &ev);
			size_t nh = fl_match_event(dt->m, mc, &ev, fam, hits,
						   MAX_HITS);

			b->events++;
			if (nh && keep_event(&b->out, &ev, hits, nh) != FL_OK)
				goto full;
		}
	}
	fl_reader_stats(r, &rs);
	b->events += rs.skipped;
	fl_reader_close(r);
	for (p = b->data, e = b->data + b->len;
	     p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		b->lines++;
	return;
full:
	fl_reader_close(r);
	b->fatal = 1;
	fl_diag_set(&b->fd, FL_E_NOMEM, source, 0, 0,
		    "out of memory keeping the matches of a block");
}

static void *
worker(void *arg)
{
	struct fl_detect *dt = arg;
	struct fl_match_ctx *mc = NULL;

	if (fl_match_ctx_new(dt->m, &mc) != FL_OK)
		mc = NULL;
	pthread_mutex_lock(&dt->mu);
	for (;;) {
		struct block *b;

		for (b = dt->head; b && b->state != B_QUEUED; b = b->next)
			;
		if (b == NULL) {
			if (dt->quit)
				break;
			pthread_cond_wait(&dt->cv_work, &dt->mu);
			continue;
		}
		b->state = B_TAKEN;
		{
			const char *src = dt->cur_source;
			enum fl_format fmt = dt->cur_fmt;

			pthread_mutex_unlock(&dt->mu);
			if (mc)
				run_block(dt, mc, b, src, fmt);
			else {
				b->fatal = 1;
				fl_diag_msg(&b->fd, FL_E_NOMEM, "out of memory");
			}
			pthread_mutex_lock(&dt->mu);
		}
		if (mc)
			b->regex_errors = fl_match_ctx_take_errors(mc);
		b->state = B_DONE;
		pthread_cond_broadcast(&dt->cv_done);
	}
	pthread_mutex_unlock(&dt->mu);
	fl_match_ctx_free(mc);
	return NULL;
}

/* ---- consuming ---------------------------------------------------------------- */

static int
corr_emit(void *ctx, const struct fl_corr_alert *a)
{
	struct fl_detect *dt = ctx;
	struct fl_alert al;
	int lv = fl_detect_level(a->rule->level);

	if (lv < dt->o.min_level)
		return 0;
	memset(&al, 0, sizeof al);
	al.rule = a->rule;
	al.time = a->time;
	al.nsec = a->nsec;
	al.host = a->host;
	al.corr = a;
	if (a->nref) {
		al.source = a->ref[0].source;
		al.record = a->ref[0].record;
	}
	dt->st.alerts++;
	dt->st.by_level[lv]++;
	if (dt->sink && dt->sink->alert && dt->sink->alert(dt->sink->ctx, &al)) {
		dt->stopped = 1;
		return 1;
	}
	return 0;
}

/* An event with its hits, in input order. */
static fl_err
consume_event(struct fl_detect *dt, const struct fl_event *ev,
	      const uint32_t *cid, const struct fl_match_hit *hits, size_t nh)
{
	size_t i;

	for (i = 0; i < nh && !dt->stopped; i++) {
		unsigned c = cid ? cid[i] : hits[i].cid;
		const struct fl_sigma_rule *r;
		size_t nk;
		const unsigned *k;

		k = fl_match_fields(dt->m, c, &nk);
		r = hits ? hits[i].rule : NULL;
		if (r == NULL) {
			/* rebuilt from a block: the cid names the rule */
			struct fl_match_hit h;

			if (fl_match_hit_of(dt->m, c, &h) != 0)
				continue;
			r = h.rule;
		}
		dt->st.matches++;
		if (dt->corr == NULL || fl_corr_generates(dt->corr, r)) {
			int lv = fl_detect_level(r->level);

			if (lv >= dt->o.min_level) {
				struct fl_alert al;

				memset(&al, 0, sizeof al);
				al.rule = r;
				al.source = ev->source;
				al.record = ev->record;
				al.time = ev->time;
				al.nsec = ev->nsec;
				al.host = ev->host;
				al.ev = ev;
				al.keys = k;
				al.nkeys = nk;
				dt->st.alerts++;
				dt->st.by_level[lv]++;
				if (dt->sink && dt->sink->alert &&
				    dt->sink->alert(dt->sink->ctx, &al)) {
					dt->stopped = 1;
					break;
				}
			}
		}
		if (dt->corr && fl_corr_wants(dt->corr, r)) {
			fl_err rc = fl_corr_event(dt->corr, r, ev, corr_emit, dt);

			if (rc != FL_OK && !dt->stopped)
				return rc;
		}
	}
	return FL_OK;
}

static fl_err
grow_fields(struct fl_detect *dt, size_t n)
{
	struct fl_field *f;

	if (n <= dt->capfields)
		return FL_OK;
	if ((f = realloc(dt->fields, n * sizeof *f)) == NULL)
		return FL_E_NOMEM;
	dt->fields = f;
	dt->capfields = n;
	return FL_OK;
}

static void
report_bad(struct fl_detect *dt, const struct fl_diag *d)
{
	dt->st.bad++;
	if (dt->sink && dt->sink->bad)
		dt->sink->bad(dt->sink->ctx, d);
}

/* Replay a block's results. */
static fl_err
consume_block(struct fl_detect *dt, struct block *b)
{
	const char *p = b->out.data, *e = b->out.data + b->out.len;
	fl_err rc;

	while (p && p + sizeof(struct rhead) <= e && !dt->stopped) {
		struct rhead h;
		struct fl_event ev;
		const uint32_t *cid;
		size_t i;

		memcpy(&h, p, sizeof h);
		p += sizeof h;
		if (h.kind == R_BAD) {
			struct fl_diag d;
			unsigned long line = (unsigned long)h.record;

			if (dt->renumber && line)
				line += (unsigned long)dt->line_base;
			fl_diag_set(&d, FL_E_SYNTAX, dt->source, line, h.nsec,
				    "%.*s", (int)h.hostlen, p);
			p += h.hostlen;
			report_bad(dt, &d);
			continue;
		}
		cid = (const uint32_t *)(const void *)p;
		p += (size_t)h.nhits * sizeof(uint32_t);
		if ((rc = grow_fields(dt, h.nfields + 1)) != FL_OK)
			return rc;
		if (++dt->gen == 0) {
			memset(dt->slot_gen, 0, (dt->nkeys + 1) *
						    sizeof *dt->slot_gen);
			dt->gen = 1;
		}
		for (i = 0; i < h.nfields; i++) {
			struct rfield rf;
			struct fl_field *f = &dt->fields[i];

			memcpy(&rf, p, sizeof rf);
			p += sizeof rf;
			f->name.p = p;
			f->name.n = rf.nlen;
			p += rf.nlen;
			f->value.p = p;
			f->value.n = rf.vlen;
			p += rf.vlen;
			f->key = rf.key;
			f->next = 0;
			f->type = (unsigned char)rf.type;
			if (f->key == FL_KEY_NONE || f->key > dt->nkeys)
				continue;
			if (dt->slot_gen[f->key] != dt->gen) {
				dt->slot_gen[f->key] = dt->gen;
				dt->slot_first[f->key] = (uint32_t)i;
			} else {
				dt->fields[dt->slot_last[f->key]].next =
				    (unsigned)i + 1;
			}
			dt->slot_last[f->key] = (uint32_t)i;
		}
		memset(&ev, 0, sizeof ev);
		ev.fields = dt->fields;
		ev.nfields = h.nfields;
		ev.source = dt->source;
		ev.record = h.record + (dt->renumber ? dt->line_base : 0);
		ev.time = h.time;
		ev.nsec = h.nsec;
		ev.host.p = p;
		ev.host.n = h.hostlen;
		p += h.hostlen;
		ev.slot_gen = dt->slot_gen;
		ev.slot_first = dt->slot_first;
		ev.gen = dt->gen;
		ev.nkeys = dt->nkeys;
		{
			/* the cids are not aligned in the buffer: copy them */
			uint32_t c[MAX_HITS];
			size_t n = h.nhits < MAX_HITS ? h.nhits : MAX_HITS;

			memcpy(c, cid, n * sizeof *c);
			if ((rc = consume_event(dt, &ev, c, NULL, n)) != FL_OK)
				return rc;
		}
	}
	dt->st.events += b->events;
	if (dt->renumber)
		dt->line_base += b->lines;
	return FL_OK;
}

/* ---- the engine ------------------------------------------------------------------ */

fl_err
fl_detect_new(const struct fl_match *m, struct fl_corr *corr,
	      const struct fl_keys *keys, const struct fl_detect_opts *o,
	      struct fl_detect **out)
{
	struct fl_detect *dt = calloc(1, sizeof *dt);
	unsigned i;

	*out = NULL;
	if (dt == NULL)
		return FL_E_NOMEM;
	dt->m = m;
	dt->corr = corr;
	dt->keys = keys;
	if (o)
		dt->o = *o;
	if (dt->o.threads == 0)
		dt->o.threads = 1;
	if (dt->o.threads > 64)
		dt->o.threads = 64;
	if (dt->o.block == 0)
		dt->o.block = (size_t)4 << 20;
	dt->nkeys = fl_keys_count(keys);
	dt->slot_gen = calloc(dt->nkeys + 1, sizeof *dt->slot_gen);
	dt->slot_first = calloc(dt->nkeys + 1, sizeof *dt->slot_first);
	dt->slot_last = calloc(dt->nkeys + 1, sizeof *dt->slot_last);
	if (!dt->slot_gen || !dt->slot_first || !dt->slot_last) {
		fl_detect_free(dt);
		return FL_E_NOMEM;
	}
	pthread_mutex_init(&dt->mu, NULL);
	pthread_cond_init(&dt->cv_work, NULL);
	pthread_cond_init(&dt->cv_done, NULL);
	if (dt->o.threads > 1) {
		if ((dt->th = calloc(dt->o.threads, sizeof *dt->th)) == NULL) {
			fl_detect_free(dt);
			return FL_E_NOMEM;
		}
		for (i = 0; i < dt->o.threads; i++) {
			if (pthread_create(&dt->th[i], NULL, worker, dt) != 0)
				break;
			dt->nth++;
		}
	}
	*out = dt;
	return FL_OK;
}

void
fl_detect_free(struct fl_detect *dt)
{
	unsigned i;

	if (dt == NULL)
		return;
	if (dt->nth) {
		pthread_mutex_lock(&dt->mu);
		dt->quit = 1;
		pthread_cond_broadcast(&dt->cv_work);
		pthread_mutex_unlock(&dt->mu);
		for (i = 0; i < dt->nth; i++)
			pthread_join(dt->th[i], NULL);
	}
	free(dt->th);
	if (dt->slot_gen) {
		pthread_mutex_destroy(&dt->mu);
		pthread_cond_destroy(&dt->cv_work);
		pthread_cond_destroy(&dt->cv_done);
	}
	free(dt->slot_gen);
	free(dt->slot_first);
	free(dt->slot_last);
	free(dt->fields);
	while (dt->nspare)
		fl_buf_release(&dt->spare[--dt->nspare]);
	while (dt->nspdata)
		free(dt->spdata[--dt->nspdata].p);
	free(dt);
}

void
fl_detect_stats(const struct fl_detect *dt, struct fl_detect_stats *s)
{
	*s = dt->st;
}

static void
block_free(struct fl_detect *dt, struct block *b)
{
	if (b == NULL)
		return;
	if (dt && b->data && b->cap <= ((size_t)64 << 20) &&
	    dt->nspdata < sizeof dt->spdata / sizeof dt->spdata[0]) {
		dt->spdata[dt->nspdata].p = b->data;
		dt->spdata[dt->nspdata++].cap = b->cap;
	} else {
		free(b->data);
	}
	if (dt && dt->nspare < sizeof dt->spare / sizeof dt->spare[0] &&
	    b->out.cap <= ((size_t)64 << 20)) {
		fl_buf_reset(&b->out);
		dt->spare[dt->nspare++] = b->out;
	} else {
		fl_buf_release(&b->out);
	}
	free(b);
}

/* A buffer of at least n bytes for an input block, a spare one when
 * there is one large enough; its size in *cap. */
static char *
block_buffer(struct fl_detect *dt, size_t n, size_t *cap)
{
	char *p;

	while (dt->nspdata) {
		dt->nspdata--;
		p = dt->spdata[dt->nspdata].p;
		if (dt->spdata[dt->nspdata].cap >= n) {
			*cap = dt->spdata[dt->nspdata].cap;
			return p;
		}
		free(p);
	}
	/* a little more: the bytes carried over vary from block to block */
	if (n < SIZE_MAX / 2 && (p = malloc(n + n / 16)) != NULL) {
		*cap = n + n / 16;
		return p;
	}
	if ((p = malloc(n)) != NULL)
		*cap = n;
	return p;
}

/* Where the next block may be cut: the end of the last whole record. */
static size_t
cut_point(enum fl_format fmt, const char *p, size_t n, int eof)
{
	size_t i;

	if (eof)
		return n;
	if (fmt == FL_FMT_SYSLOG) {
		const char *nl = memrchr(p, '\n', n);

		return nl ? (size_t)(nl - p) + 1 : 0;
	}
	/* JSON: before a line that starts with '{' */
	for (i = n; i > 1; i--)
		if (p[i - 1] == '{' && p[i - 2] == '\n')
			return i - 1;
	return 0;
}

static int
splittable(enum fl_format fmt)
{
	return fmt == FL_FMT_JSON || fmt == FL_FMT_SYSLOG || fmt == FL_FMT_EVTX;
}

static fl_err
finish_block(struct fl_detect *dt, struct block *b, struct fl_diag *d)
{
	fl_err rc;

	dt->st.regex_errors += b->regex_errors;
	if ((rc = consume_block(dt, b)) != FL_OK)
		return fl_diag_msg(d, rc, "%s: out of memory", dt->source);
	if (b->fatal) {
		dt->st.failed++;
		if (dt->sink && dt->sink->failed)
			dt->sink->failed(dt->sink->ctx, &b->fd);
	}
	return FL_OK;
}

/* Read up to want bytes (short only at end of file). */
static ssize_t
read_full(int fd, char *p, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = read(fd, p + got, want - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static fl_err
run_parallel(struct fl_detect *dt, int fd, const char *path,
	     enum fl_format fmt, unsigned long long total, struct fl_diag *d)
{
	struct fl_match_ctx *mc = NULL;
	char *carry = NULL;
	size_t ncarry = 0, inflight = 0, maxin = 2 * dt->o.threads + 1;
	size_t blk = dt->o.block;
	unsigned long long done = 0;
	int eof = 0, first = 1;
	fl_err rc = FL_OK;

	if (fmt == FL_FMT_EVTX)
		blk = (blk / EVTX_CHUNK + 1) * EVTX_CHUNK;
	if (dt->nth == 0 && fl_match_ctx_new(dt->m, &mc) != FL_OK)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	pthread_mutex_lock(&dt->mu);
	dt->cur_source = path;
	dt->cur_fmt = fmt;
	pthread_mutex_unlock(&dt->mu);
	/* Every input is read, a block at a time, never mapped: the copy
	 * leaves the block in the CPU's caches for the thread that parses it,
	 * where a mapping's pages came from memory through a TLB miss each.
	 * 1 GB of JSON lines on 2 threads: 1.92 s mapped, 1.57 s read. */
	for (;;) {
		/* fill the queue */
		while (!eof && inflight < maxin) {
			size_t want = blk + (fmt == FL_FMT_EVTX && first ?
					     EVTX_HEADER : 0);
			struct block *b = calloc(1, sizeof *b);
			char *buf;
			ssize_t got;
			size_t cut;

			if (b == NULL ||
			    (buf = block_buffer(dt, ncarry + want, &b->cap)) ==
				    NULL) {
				free(b);
				rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
				goto out;
			}
			if (ncarry)
				memcpy(buf, carry, ncarry);
			/* the carried bytes were the end of what was read */
			b->off = done - ncarry;
			got = read_full(fd, buf + ncarry, want);
			if (got < 0) {
				free(buf);
				free(b);
				rc = fl_diag_set(d, FL_E_IO, path, 0, 0,
						 "read: %s", strerror(errno));
				goto out;
			}
			first = 0;
			if ((size_t)got < want)
				eof = 1;
			done += (unsigned long long)got;
			dt->st.bytes += (unsigned long long)got;
			if (fmt == FL_FMT_EVTX)
				cut = ncarry + (size_t)got;
			else
				cut = cut_point(fmt, buf, ncarry + (size_t)got,
						eof);
			if (cut == 0 && !eof) {
				/* no record start in a whole block: one
				 * huge record; let the reader refuse it */
				cut = ncarry + (size_t)got;
			}
			free(carry);
			carry = NULL;
			ncarry = ncarry + (size_t)got - cut;
			if (ncarry) {
				if ((carry = malloc(ncarry)) == NULL) {
					free(buf);
					free(b);
					rc = fl_diag_msg(d, FL_E_NOMEM,
							 "out of memory");
					goto out;
				}
				memcpy(carry, buf + cut, ncarry);
			}
			b->data = buf;
			b->len = cut;
			if (dt->nspare)
				b->out = dt->spare[--dt->nspare];
			else
				fl_buf_init(&b->out, (size_t)1 << 31);
			pthread_mutex_lock(&dt->mu);
			if (dt->tail)
				dt->tail->next = b;
			else
				dt->head = b;
			dt->tail = b;
			inflight++;
			pthread_cond_signal(&dt->cv_work);
			pthread_mutex_unlock(&dt->mu);
		}
		if (inflight == 0)
			break;
		/* the oldest block, in order */
		{
			struct block *b;

			if (dt->nth == 0) {
				b = dt->head;
				run_block(dt, mc, b, path, fmt);
				b->regex_errors = fl_match_ctx_take_errors(mc);
				b->state = B_DONE;
			}
			pthread_mutex_lock(&dt->mu);
			while (dt->head->state != B_DONE)
				pthread_cond_wait(&dt->cv_done, &dt->mu);
			b = dt->head;
			dt->head = b->next;
			if (dt->head == NULL)
				dt->tail = NULL;
			pthread_mutex_unlock(&dt->mu);
			inflight--;
			rc = finish_block(dt, b, d);
			block_free(dt, b);
			if (rc != FL_OK)
				goto out;
			if (dt->sink && dt->sink->progress)
				dt->sink->progress(dt->sink->ctx, done, total);
			if (dt->stopped)
				break;
		}
	}
out:
	/* drain what is still queued (an error or a stop) */
	pthread_mutex_lock(&dt->mu);
	while (dt->head) {
		struct block *b = dt->head;

		while (b->state == B_TAKEN)
			pthread_cond_wait(&dt->cv_done, &dt->mu);
		dt->head = b->next;
		block_free(dt, b);
	}
	dt->tail = NULL;
	pthread_mutex_unlock(&dt->mu);
	free(carry);
	fl_match_ctx_free(mc);
	return rc;
}

static fl_err
run_stream(struct fl_detect *dt, int fd, const char *path,
	   enum fl_format fmt, const void *head, size_t head_n,
	   struct fl_diag *d)
{
	struct fl_reader_opts ro = dt->o.reader;
	struct fl_match_hit hits[MAX_HITS];
	struct fl_match_ctx *mc;
	struct fl_reader *r;
	struct fl_reader_stats rs;
	struct fl_event ev;
	struct fl_diag bd;
	fl_err rc = FL_OK;

	if (fl_match_ctx_new(dt->m, &mc) != FL_OK)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	ro.head = head;
	ro.head_n = head_n;
	if ((rc = fl_reader_open_fd(fmt, fd, path, dt->keys, &ro, &r, d)) !=
	    FL_OK) {
		fl_match_ctx_free(mc);
		return rc;
	}
	fl_diag_clear(&bd);
	while (!dt->stopped) {
		enum fl_read rr = fl_reader_next(r, &ev, &bd);

		if (rr == FL_READ_END)
			break;
		if (rr == FL_READ_FATAL) {
			dt->st.failed++;
			if (dt->sink && dt->sink->failed)
				dt->sink->failed(dt->sink->ctx, &bd);
			break;
		}
		if (rr == FL_READ_BAD) {
			report_bad(dt, &bd);
			continue;
		}
		dt->st.events++;
		{
			enum fl_family fam = fl_match_family(dt->m, fmt, &ev);
			size_t nh = fl_match_event(dt->m, mc, &ev, fam, hits,
						   MAX_HITS);

			if (nh && (rc = consume_event(dt, &ev, NULL, hits,
						      nh)) != FL_OK) {
				fl_diag_msg(d, rc, "%s: out of memory", path);
				break;
			}
		}
	}
	fl_reader_stats(r, &rs);
	dt->st.bytes += rs.bytes;
	dt->st.regex_errors += fl_match_ctx_take_errors(mc);
	fl_reader_close(r);
	fl_match_ctx_free(mc);
	return rc;
}

/* The end of the whole records in p[0..n) for a follow: after the last
 * newline (JSON: before a line that starts with '{', or the end when the
 * text ends an object). */
static size_t
follow_cut(enum fl_format fmt, const char *p, size_t n)
{
	const char *nl;
	size_t i;

	if (n == 0 || (nl = memrchr(p, '\n', n)) == NULL)
		return 0;
	if (fmt != FL_FMT_JSON)
		return (size_t)(nl - p) + 1;
	for (i = (size_t)(nl - p); i > 0 && (p[i - 1] == '\r' ||
					     p[i - 1] == ' ' ||
					     p[i - 1] == '\t'); i--)
		;
	if (i > 0 && p[i - 1] == '}')
		return (size_t)(nl - p) + 1;
	return cut_point(fmt, p, n, 0);
}

/* What makes auditd lines one event: the node (empty without one) and the
 * audit(SECONDS.MILLIS:SERIAL) stamp. */
struct akey {
	const char *node, *stamp;
	size_t nn, sn;
};

/* The key of the line p (n bytes, no newline); 0 when it is no record. */
static int
audit_key(const char *p, size_t n, struct akey *k)
{
	const char *s = memmem(p, n, "msg=audit(", 10), *e, *sp;

	if (s == NULL || (e = memchr(s, ')', n - (size_t)(s - p))) == NULL)
		return 0;
	k->stamp = s;
	k->sn = (size_t)(e - s);
	k->node = p;
	k->nn = 0;
	if (n > 5 && memcmp(p, "node=", 5) == 0 &&
	    (sp = memchr(p, ' ', (size_t)(s - p))) != NULL)
		k->nn = (size_t)(sp - p);
	return 1;
}

static int
audit_same(const struct akey *a, const struct akey *b)
{
	return a->sn == b->sn && memcmp(a->stamp, b->stamp, a->sn) == 0 &&
	       a->nn == b->nn && memcmp(a->node, b->node, a->nn) == 0;
}

/*
 * auditd: the records of one event share one stamp, and auditd writes
 * them one by one, so a follow read can fall between them.  Where the
 * whole lines of p (n bytes, ending in a newline) end in an event that no
 * EOE record closed, the cut is before that event's first line: it is
 * read with the records that complete it, or once the file has been
 * quiet for a while (run_follow).
 */
static size_t
audit_hold_cut(const char *p, size_t n)
{
	const char *ls;
	struct akey last, k;

	if (n == 0)
		return 0;
	/* the last line, without its newline */
	ls = p + n - 1;
	while (ls > p && ls[-1] != '\n')
		ls--;
	if (!audit_key(ls, (size_t)(p + n - 1 - ls), &last))
		return n;
	{
		/* the record's type follows the node, if any */
		const char *t = ls + (last.nn ? last.nn + 1 : 0);

		if ((size_t)(last.stamp - t) >= 9 && memcmp(t, "type=EOE ", 9) == 0)
			return n;
	}
	/* back over the lines of the same event */
	while (ls > p) {
		const char *q = ls - 1, *qs = q; /* q: the newline before */

		while (qs > p && qs[-1] != '\n')
			qs--;
		if (!audit_key(qs, (size_t)(q - qs), &k) || !audit_same(&k, &last))
			break;
		ls = qs;
	}
	return (size_t)(ls - p);
}

/* Match the whole records of one batch of a followed file. */
static fl_err
follow_batch(struct fl_detect *dt, struct fl_match_ctx *mc, const char *p,
	     size_t n, const char *path, enum fl_format fmt, struct fl_diag *d)
{
	struct fl_match_hit hits[MAX_HITS];
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag bd;
	const char *q, *e = p + n;
	fl_err rc = FL_OK;

	if ((rc = fl_reader_open_mem(fmt, p, n, path, dt->keys, &dt->o.reader,
				     &r, d)) != FL_OK)
		return rc;
	fl_diag_clear(&bd);
	while (!dt->stopped) {
		enum fl_read rr = fl_reader_next(r, &ev, &bd);

		if (rr == FL_READ_END || rr == FL_READ_FATAL)
			break;
		if (rr == FL_READ_BAD) {
			if (bd.line)
				bd.line += (unsigned long)dt->line_base;
			report_bad(dt, &bd);
			continue;
		}
		ev.record += dt->line_base;
		dt->st.events++;
		if (ev.time > dt->max_time)
			dt->max_time = ev.time;
		{
			enum fl_family fam = fl_match_family(dt->m, fmt, &ev);
			size_t nh = fl_match_event(dt->m, mc, &ev, fam, hits,
						   MAX_HITS);

			if (nh && (rc = consume_event(dt, &ev, NULL, hits,
						      nh)) != FL_OK)
				break;
			/* quiet groups close as event time moves on */
			if (nh == 0 && dt->corr && ev.time &&
			    (rc = fl_corr_advance(dt->corr, ev.time, corr_emit,
						  dt)) != FL_OK)
				break;
		}
	}
	fl_reader_close(r);
	for (q = p; q < e && (q = memchr(q, '\n', (size_t)(e - q))) != NULL;
	     q++)
		dt->line_base++;
	dt->st.bytes += n;
	return rc;
}

/*
 * Follow a growing file, like tail -F: match what is there, then poll for
 * more; a file that shrinks (truncated, rotated in place) is read again
 * from its start, one replaced under the same name is reopened.  Only
 * whole records are read; a partial last line waits for its end.
 */
static fl_err
run_follow(struct fl_detect *dt, int fd, const char *path, enum fl_format fmt,
	   const void *head, size_t head_n, struct fl_diag *d)
{
	struct fl_match_ctx *mc;
	size_t cap = dt->o.reader.max_record ? dt->o.reader.max_record : 1 << 20;
	size_t len = 0;
	char *buf;
	int own = -1, idle = 0, quiet = 0;
	off_t pos = 0;
	time_t last_wall = 0;
	fl_err rc = FL_OK;

	cap += 1 << 20;
	if ((buf = malloc(cap)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	if (fl_match_ctx_new(dt->m, &mc) != FL_OK) {
		free(buf);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	if (head_n && head_n <= cap) {
		memcpy(buf, head, head_n);
		len = head_n;
	}
	while (!dt->stopped && !(dt->o.stop && *dt->o.stop)) {
		ssize_t got = read(fd, buf + len, cap - len);
		size_t cut;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = fl_diag_set(d, FL_E_IO, path, 0, 0, "read: %s",
					 strerror(errno));
			break;
		}
		pos += got;
		len += (size_t)got;
		if (got > 0)
			quiet = 0;
		cut = follow_cut(fmt, buf, len);
		/* an auditd event not closed yet waits for its other records,
		 * a second at most (five quiet polls) */
		if (fmt == FL_FMT_AUDITD && quiet < 5)
			cut = audit_hold_cut(buf, cut);
		if (cut == 0 && len == cap) {
			/* a record longer than the limit: let the reader
			 * refuse it and go on after it */
			cut = len;
		}
		if (cut) {
			if ((rc = follow_batch(dt, mc, buf, cut, path, fmt, d)) !=
			    FL_OK)
				break;
			memmove(buf, buf + cut, len - cut);
			len -= cut;
			idle = 0;
			if (dt->sink && dt->sink->progress)
				dt->sink->progress(dt->sink->ctx, 0, 0);
		}
		if (got > 0)
			continue;
		/* At the end: wait, and let quiet windows close.  Event time
		 * is taken to move on with the clock from the newest event
		 * seen (a live log), never to jump to the clock (an old log
		 * being replayed keeps its own time). */
		if (cut || last_wall == 0)
			last_wall = time(NULL);
		if (dt->corr && dt->max_time && ++idle % 5 == 0)
			(void)fl_corr_advance(dt->corr, dt->max_time +
					      (int64_t)(time(NULL) - last_wall),
					      corr_emit, dt);
		{
			struct timespec ts = {0, 200 * 1000 * 1000};
			struct stat now, byname;

			nanosleep(&ts, NULL);
			quiet++;
			if (fd == 0 || fstat(fd, &now) != 0)
				continue;
			if (now.st_size < pos) {
				/* truncated: start again */
				lseek(fd, 0, SEEK_SET);
				pos = 0;
				len = 0;
			} else if (stat(path, &byname) == 0 &&
				   (byname.st_ino != now.st_ino ||
				    byname.st_dev != now.st_dev)) {
				int nfd = open(path, O_RDONLY | O_CLOEXEC);

				if (nfd >= 0) {
					if (own >= 0)
						close(own);
					own = fd = nfd;
					pos = 0;
					len = 0;
				}
			}
		}
	}
	if (own >= 0)
		close(own);
	fl_match_ctx_free(mc);
	free(buf);
	return rc;
}

fl_err
fl_detect_fd(struct fl_detect *dt, int fd, const char *path,
	     enum fl_format fmt, const void *head, size_t head_n,
	     const struct fl_detect_sink *sink, struct fl_diag *d)
{
	struct stat sb;
	unsigned char magic[64];
	int plain = 0;

	dt->sink = sink;
	dt->source = path;
	dt->line_base = 0;
	dt->renumber = fmt != FL_FMT_EVTX;
	dt->st.files++;
	if (head_n == 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    !dt->o.follow && splittable(fmt)) {
		ssize_t n = pread(fd, magic, sizeof magic, 0);

		/* compressed input is a stream (the reader's own test) */
		plain = n >= 0 && fl_z_kind(magic, (size_t)n) == 0;
	}
	if (dt->o.follow && fmt != FL_FMT_EVTX)
		return run_follow(dt, fd, path, fmt, head, head_n, d);
	if (plain) {
		struct fl_reader_opts saved = dt->o.reader;
		fl_err rc;

		/* Blocks are read from memory: undated syslog lines take their
		 * year from the file's time, as a stream read does (a line
		 * later in the year than that is last year's), so every block
		 * dates alike whichever it is. */
		if (dt->o.reader.year == 0 && dt->o.reader.ref_time == 0)
			dt->o.reader.ref_time = sb.st_mtime;
		rc = run_parallel(dt, fd, path, fmt,
				  (unsigned long long)sb.st_size, d);
		dt->o.reader = saved;
		return rc;
	}
	return run_stream(dt, fd, path, fmt, head, head_n, d);
}

fl_err
fl_detect_file(struct fl_detect *dt, const char *path, enum fl_format fmt,
	       const struct fl_detect_sink *sink, struct fl_diag *d)
{
	int fd;
	fl_err rc;

	if (strcmp(path, "-") == 0)
		return fl_detect_fd(dt, 0, path, fmt, NULL, 0, sink, d);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		dt->st.failed++;
		return fl_diag_set(d, FL_E_NOINPUT, path, 0, 0, "%s",
				   strerror(errno));
	}
	rc = fl_detect_fd(dt, fd, path, fmt, NULL, 0, sink, d);
	close(fd);
	return rc;
}

fl_err
fl_detect_finish(struct fl_detect *dt, const struct fl_detect_sink *sink,
		 struct fl_diag *d)
{
	fl_err rc;

	dt->sink = sink;
	if (dt->corr == NULL || dt->stopped)
		return FL_OK;
	if ((rc = fl_corr_flush(dt->corr, corr_emit, dt)) != FL_OK &&
	    !dt->stopped)
		return fl_diag_msg(d, rc, "correlation: out of memory");
	return FL_OK;
}
