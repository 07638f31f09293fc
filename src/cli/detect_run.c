/*
 * detect run / detect tail: Sigma detection over log files from the
 * command line.  Loads the rules, compiles them with the logsource mapping,
 * walks the inputs and prints every alert (JSON lines, CSV or a table) on
 * stdout and a summary on stderr; with --store the alerts are kept in the
 * database and with --open-incidents they open or update incidents.
 *
 * Bad rules and bad records are reported on stderr (FILE:LINE:COL: why)
 * and the run goes on with the rest; the exit code says that happened.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#include "detect/corr.h"
#include "detect/hscache.h"
#include "detect/input.h"
#include "detect/logsource.h"
#include "detect/match.h"
#include "detect/run.h"
#include "detect/sigma.h"
#include "../store/detect.h"

enum out_fmt { OUT_JSONL, OUT_CSV, OUT_TABLE };

struct runner {
	struct fl_ctx *ctx;
	struct fl_detect *dt;
	const struct fl_keys *keys;
	enum out_fmt fmt;
	enum fl_format force;      /* with has_force */
	int has_force;
	struct fl_buf line;
	int progress;
	unsigned long long shown_bad;
	int missing;               /* an input path did not exist */
	int unreadable;            /* an input could not be read */
	int store, open_incidents, follow;
	long long window;
	fl_err store_rc;
	struct fl_diag store_diag;
	unsigned long long stored, opened, joined;
};

#define MAX_BAD_SHOWN 100

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
iso_time(int64_t t, uint32_t ns, char out[40])
{
	char base[21];

	if (t == 0) {
		out[0] = '\0';
		return;
	}
	fl_time_iso((time_t)t, base);
	if (ns == 0) {
		snprintf(out, 40, "%s", base);
		return;
	}
	/* "YYYY-MM-DDTHH:MM:SSZ" -> with microseconds */
	snprintf(out, 40, "%.19s.%06uZ", base, (unsigned)(ns / 1000));
}

static void
json_slice(struct fl_json *j, struct fl_slice s)
{
	fl_json_strn(j, s.p, s.n);
}

/* The alert as one JSON object (no newline). */
static void
alert_json(struct fl_json *j, const struct runner *rn,
	   const struct fl_alert *a)
{
	const struct fl_sigma_rule *r = a->rule;
	char ts[40];
	size_t i;

	fl_json_obj_open(j);
	fl_json_key(j, "rule_id");
	fl_json_str(j, r->id ? r->id : "");
	fl_json_key(j, "title");
	fl_json_str(j, r->title ? r->title : "");
	fl_json_key(j, "level");
	fl_json_str(j, r->level ? r->level : "");
	iso_time(a->time, a->nsec, ts);
	fl_json_key(j, "time");
	if (ts[0])
		fl_json_str(j, ts);
	else
		fl_json_null(j);
	fl_json_key(j, "host");
	json_slice(j, a->host);
	fl_json_key(j, "source");
	fl_json_str(j, a->source ? a->source : "");
	fl_json_key(j, "record");
	fl_json_int(j, (long long)a->record);
	if (r->tags.n) {
		fl_json_key(j, "tags");
		fl_json_arr_open(j);
		for (i = 0; i < r->tags.n; i++)
			fl_json_str(j, r->tags.v[i]);
		fl_json_arr_close(j);
	}
	if (a->ev) {
		fl_json_key(j, "fields");
		fl_json_obj_open(j);
		for (i = 0; i < a->nkeys; i++) {
			const struct fl_field *f = fl_event_get(a->ev, a->keys[i]);

			if (f == NULL)
				continue;
			fl_json_keyn(j, f->name.p, f->name.n);
			if (f->next) {
				fl_json_arr_open(j);
				for (; f; f = fl_event_next(a->ev, f))
					json_slice(j, f->value);
				fl_json_arr_close(j);
			} else {
				json_slice(j, f->value);
			}
		}
		fl_json_obj_close(j);
	}
	if (a->corr) {
		const struct fl_corr_alert *c = a->corr;

		fl_json_key(j, "correlation");
		fl_json_str(j, fl_sigma_corr_type_name(r->corr->type));
		fl_json_key(j, "count");
		fl_json_int(j, (long long)c->count);
		fl_json_key(j, "value");
		fl_json_num(j, c->value);
		iso_time(c->first, 0, ts);
		fl_json_key(j, "first");
		fl_json_str(j, ts);
		iso_time(c->last, 0, ts);
		fl_json_key(j, "last");
		fl_json_str(j, ts);
		fl_json_key(j, "group");
		fl_json_obj_open(j);
		for (i = 0; i < c->ngroup; i++) {
			fl_json_keyn(j, c->group_name[i].p, c->group_name[i].n);
			json_slice(j, c->group_value[i]);
		}
		fl_json_obj_close(j);
		fl_json_key(j, "events");
		fl_json_arr_open(j);
		for (i = 0; i < c->nref; i++) {
			fl_json_obj_open(j);
			fl_json_key(j, "source");
			fl_json_str(j, c->ref[i].source);
			fl_json_key(j, "record");
			fl_json_int(j, (long long)c->ref[i].record);
			iso_time(c->ref[i].time, c->ref[i].nsec, ts);
			fl_json_key(j, "time");
			fl_json_str(j, ts);
			fl_json_obj_close(j);
		}
		fl_json_arr_close(j);
	}
	(void)rn;
	fl_json_obj_close(j);
}

/* A CSV cell: quoted when it holds a comma, quote or line break. */
static void
csv_cell(struct fl_buf *b, const char *p, size_t n, int last)
{
	size_t i;
	int q = 0;

	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			q = 1;
	if (q)
		fl_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			fl_buf_putc(b, '"');
		fl_buf_putc(b, p[i]);
	}
	if (q)
		fl_buf_putc(b, '"');
	fl_buf_putc(b, last ? '\n' : ',');
}

static void
csv_str(struct fl_buf *b, const char *s, int last)
{
	csv_cell(b, s ? s : "", s ? strlen(s) : 0, last);
}

/* What the alert is about, in a few words: group values or fields. */
static void
details(struct fl_buf *b, const struct fl_alert *a)
{
	size_t i;

	if (a->corr) {
		for (i = 0; i < a->corr->ngroup; i++)
			fl_buf_printf(b, "%s%.*s=%.*s", i ? " " : "",
				      (int)a->corr->group_name[i].n,
				      a->corr->group_name[i].p,
				      (int)a->corr->group_value[i].n,
				      a->corr->group_value[i].p);
		return;
	}
	for (i = 0; i < a->nkeys; i++) {
		const struct fl_field *f = fl_event_get(a->ev, a->keys[i]);

		if (f == NULL)
			continue;
		fl_buf_printf(b, "%s%.*s=%.*s", b->len ? " " : "",
			      (int)f->name.n, f->name.p,
			      (int)(f->value.n > 200 ? 200 : f->value.n),
			      f->value.p);
	}
}

/* The alert into the database (detect run --store). */
static fl_err
keep(struct runner *rn, const struct fl_alert *a)
{
	struct fl_alert_rec rec;
	struct fl_alert_result res;
	struct fl_buf g, f, k;
	struct fl_json j;
	char ts[40], host[256];
	size_t i;
	fl_err rc;

	memset(&rec, 0, sizeof rec);
	fl_buf_init(&g, 64 << 10);
	fl_buf_init(&f, 64 << 10);
	fl_buf_init(&k, 64 << 10);
	rec.rule_id = a->rule->id;
	rec.title = a->rule->title ? a->rule->title : "(untitled rule)";
	rec.level = a->rule->level ? a->rule->level : "informational";
	rec.description = a->rule->description;
	rec.tags = a->rule->tags.v;
	rec.ntags = a->rule->tags.n;
	rec.correlation = a->corr != NULL;
	if (a->time) {
		char base[21];

		fl_time_iso((time_t)a->time, base);
		snprintf(ts, sizeof ts, "%s", base);
		rec.time = ts;
	}
	snprintf(host, sizeof host, "%.*s", (int)(a->host.n < 255 ?
						  a->host.n : 255), a->host.p ?
		 a->host.p : "");
	rec.host = host;
	rec.source = a->source ? a->source : "";
	rec.record = a->record;
	rec.count = a->corr ? a->corr->count : 1;
	if (a->corr) {
		fl_json_init(&j, &g, 0);
		fl_json_obj_open(&j);
		for (i = 0; i < a->corr->ngroup; i++) {
			fl_json_keyn(&j, a->corr->group_name[i].p,
				     a->corr->group_name[i].n);
			json_slice(&j, a->corr->group_value[i]);
		}
		fl_json_obj_close(&j);
		rec.group_json = fl_buf_str(&g);
		/* the same correlation fires again only in a new window */
		fl_buf_printf(&k, "%s\x1f%lld", rec.group_json,
			      (long long)a->corr->first);
		rec.key = fl_buf_str(&k);
	} else if (a->ev) {
		fl_json_init(&j, &f, 0);
		fl_json_obj_open(&j);
		for (i = 0; i < a->nkeys; i++) {
			const struct fl_field *fd = fl_event_get(a->ev,
								 a->keys[i]);

			if (fd == NULL)
				continue;
			fl_json_keyn(&j, fd->name.p, fd->name.n);
			json_slice(&j, fd->value);
		}
		fl_json_obj_close(&j);
		rec.fields_json = fl_buf_str(&f);
	}
	if (rn->follow && (rc = fl_store_begin(rn->ctx->st)) != FL_OK)
		goto out;
	rc = fl_alert_store(rn->ctx->st, &rec, rn->open_incidents, rn->window,
			    fl_now(), &res, &rn->store_diag);
	if (rn->follow) {
		if (rc == FL_OK)
			rc = fl_store_commit(rn->ctx->st);
		else
			fl_store_rollback(rn->ctx->st);
	}
	if (rc == FL_OK) {
		rn->stored += res.stored;
		rn->opened += res.opened;
		rn->joined += res.joined;
	}
out:
	fl_buf_release(&g);
	fl_buf_release(&f);
	fl_buf_release(&k);
	return rc;
}

static int
on_alert(void *ctx, const struct fl_alert *a)
{
	struct runner *rn = ctx;
	struct fl_buf *b = &rn->line;
	char ts[40], num[32];

	fl_buf_reset(b);
	if (rn->store && rn->store_rc == FL_OK)
		rn->store_rc = keep(rn, a);
	if (rn->fmt == OUT_JSONL) {
		struct fl_json j;

		fl_json_init(&j, b, 0);
		alert_json(&j, rn, a);
		fl_buf_putc(b, '\n');
	} else {
		struct fl_buf det;

		iso_time(a->time, a->nsec, ts);
		fl_buf_init(&det, 4096);
		details(&det, a);
		if (rn->fmt == OUT_CSV) {
			csv_str(b, ts, 0);
			csv_str(b, a->rule->level, 0);
			csv_str(b, a->rule->id, 0);
			csv_str(b, a->rule->title, 0);
			csv_cell(b, a->host.p, a->host.n, 0);
			csv_str(b, a->source, 0);
			snprintf(num, sizeof num, "%llu", a->record);
			csv_str(b, num, 0);
			snprintf(num, sizeof num, "%llu",
				 a->corr ? a->corr->count : 1ULL);
			csv_str(b, num, 0);
			csv_cell(b, det.data ? det.data : "", det.len, 1);
		} else {
			fl_buf_printf(b, "%-20.20s  %-8.8s  %-50.50s  %-16.*s  "
				      "%s:%llu",
				      ts, a->rule->level ? a->rule->level : "",
				      a->rule->title ? a->rule->title : "",
				      (int)(a->host.n > 16 ? 16 : a->host.n),
				      a->host.p ? a->host.p : "",
				      a->source ? a->source : "", a->record);
			if (a->corr)
				fl_buf_printf(b, "  count=%llu",
					      a->corr->count);
			if (det.len)
				fl_buf_printf(b, "  %s", det.data);
			fl_buf_putc(b, '\n');
		}
		fl_buf_release(&det);
	}
	if (fwrite(b->data, 1, b->len, stdout) != b->len)
		return 1; /* stdout closed: stop */
	return 0;
}

static void
on_bad(void *ctx, const struct fl_diag *d)
{
	struct runner *rn = ctx;

	if (++rn->shown_bad > MAX_BAD_SHOWN) {
		if (rn->shown_bad == MAX_BAD_SHOWN + 1)
			fprintf(stderr, "firstline: more bad records; only "
				"the first %d are shown\n", MAX_BAD_SHOWN);
		return;
	}
	fprintf(stderr, "firstline: %s:%lu:%lu: %s (skipped)\n", d->file,
		d->line, d->col, d->msg);
}

static void
on_failed(void *ctx, const struct fl_diag *d)
{
	(void)ctx;
	if (d->file[0])
		fprintf(stderr, "firstline: %s: %s\n", d->file, d->msg);
	else
		fprintf(stderr, "firstline: %s\n", d->msg);
}

static void
on_progress(void *ctx, unsigned long long done, unsigned long long total)
{
	struct runner *rn = ctx;

	if (!rn->progress || total == 0)
		return;
	fprintf(stderr, "\r%5.1f%% of %s (%llu MB)", 100.0 * (double)done /
		(double)total, rn->dt ? "input" : "", total >> 20);
}

/* Whether the first non-blank line of a regular file reads as syslog. */
static int
syslog_head(int fd)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	const char *p = buf, *e, *nl;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	int ok = 0;

	if (n <= 0)
		return 1; /* empty: nothing to refuse */
	e = buf + n;
	while (p < e && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t'))
		p++;
	if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
		nl = e;
	if (fl_reader_open_mem(FL_FMT_SYSLOG, p, (size_t)(nl - p), "head",
			       NULL, NULL, &r, &d) != FL_OK)
		return 1;
	ok = fl_reader_next(r, &ev, &d) == FL_READ_OK;
	fl_reader_close(r);
	return ok;
}

static int
on_input(void *ctx, const struct fl_input *in)
{
	struct runner *rn = ctx;
	struct fl_detect_sink sink = {rn, on_alert, on_bad, on_failed,
				      on_progress};
	struct fl_diag d;
	fl_err rc;

	if (stop_flag)
		return 1;
	if (in->err != FL_OK) {
		on_failed(rn, in->why);
		if (in->err == FL_E_NOINPUT)
			rn->missing = 1;
		else
			rn->unreadable = 1;
		return 0;
	}
	/* a README or licence met in a directory of logs is not read as
	 * a broken syslog file: skipped, said once */
	if (in->below_dir && in->fmt == FL_FMT_SYSLOG && !rn->has_force &&
	    !syslog_head(in->fd)) {
		fprintf(stderr, "firstline: %s: skipped: its first line is not "
			"syslog (--input-format syslog reads it anyway)\n",
			in->path);
		return 0;
	}
	fl_diag_clear(&d);
	rc = fl_detect_fd(rn->dt, in->fd, in->path, in->fmt, in->head,
			  in->head_n, &sink, &d);
	if (rn->progress)
		fputs("\r\033[K", stderr);
	if (rc != FL_OK) {
		on_failed(rn, &d);
		if (rc == FL_E_NOMEM)
			return 1;
		rn->unreadable = 1;
	}
	return 0;
}

static const struct fl_opt run_opts[] = {
	{"rules", FL_OPT_MULTI, "DIR|FILE",
	 "Sigma rules: a file, a directory (recursively), or builtin:linux "
	 "for the shipped Linux rules; repeatable"},
	{"placeholders", FL_OPT_VALUE, "FILE",
	 "value lists for %placeholders% (YAML: name: [values])"},
	{"mapping", FL_OPT_VALUE, "FILE",
	 "logsource mapping (default: the shipped data/logsources.yml)"},
	{"field-map", FL_OPT_VALUE, "FILE",
	 "event field names to read as Sigma's (ECS, Winlogbeat): YAML "
	 "fieldmappings: {Image: process.executable}"},
	{"format", FL_OPT_VALUE, "jsonl|csv|table",
	 "how alerts are printed (default jsonl)"},
	{"min-level", FL_OPT_VALUE, "LEVEL",
	 "informational, low, medium, high or critical: report alerts of "
	 "this level and above"},
	{"threads", FL_OPT_VALUE, "N", "worker threads (default: the cores)"},
	{"input-format", FL_OPT_VALUE, "json|syslog|evtx|auditd",
	 "read every input as this format instead of recognising it"},
	{"store", FL_OPT_FLAG, NULL,
	 "keep the alerts in the database (deduplicated)"},
	{"open-incidents", FL_OPT_FLAG, NULL,
	 "open or update an incident per rule and host (implies --store)"},
	{"incident-window", FL_OPT_VALUE, "DURATION",
	 "alerts of a rule and host within this time of the incident's last "
	 "alert join it (default 24h; s, m, h, d)"},
	{"max-record", FL_OPT_VALUE, "BYTES",
	 "longest record read (default 1 MiB); longer ones are skipped"},
	{"year", FL_OPT_VALUE, "YYYY",
	 "year of syslog timestamps that have none (default: from the file)"},
	{"cache", FL_OPT_VALUE, "DIR",
	 "keep the compiled literal scanners here between runs (default "
	 "$XDG_CACHE_HOME/firstline, else ~/.cache/firstline)"},
	{"no-cache", FL_OPT_FLAG, NULL,
	 "compile the literal scanners every time, keeping nothing"},
	{NULL, 0, NULL, NULL}
};

static int
parse_duration(const char *s, long long *secs)
{
	long v;
	size_t n = strlen(s);
	long long mul = 1;
	char num[32];

	if (n == 0 || n >= sizeof num)
		return -1;
	switch (s[n - 1]) {
	case 's': mul = 1; n--; break;
	case 'm': mul = 60; n--; break;
	case 'h': mul = 3600; n--; break;
	case 'd': mul = 86400; n--; break;
	default: break;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	if (fl_parse_long(num, 1, 3650L * 86400, &v) != 0)
		return -1;
	*secs = (long long)v * mul;
	return 0;
}

static long
cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : n;
}

/* Load rules: refusals are warned about, the rest is used. */
static struct fl_sigma_set *
load_rules(struct fl_ctx *ctx, const struct fl_args *a,
	   struct fl_sigma_vars **varsp, size_t *refused, int *code)
{
	const char *const *paths;
	const char *ph = fl_arg(a, "placeholders");
	struct fl_sigma_vars *vars = NULL;
	struct fl_sigma_set *s;
	const struct fl_sigma_refusal *ref;
	size_t n, i;
	int np, k;
	fl_err rc;

	*varsp = NULL;
	if ((np = fl_arg_multi(a, "rules", &paths)) == 0) {
		*code = fl_cli_usage(ctx, "--rules DIR|FILE is required");
		return NULL;
	}
	if (ph) {
		if ((vars = fl_sigma_vars_new()) == NULL) {
			*code = fl_cli_fail(ctx, FL_E_NOMEM);
			return NULL;
		}
		if ((rc = fl_sigma_vars_load(vars, ph, &ctx->diag)) != FL_OK) {
			fl_sigma_vars_free(vars);
			*code = fl_cli_fail(ctx, rc);
			return NULL;
		}
	}
	if ((s = fl_sigma_set_new(NULL, vars)) == NULL) {
		fl_sigma_vars_free(vars);
		*code = fl_cli_fail(ctx, FL_E_NOMEM);
		return NULL;
	}
	for (k = 0; k < np; k++) {
		if (strncmp(paths[k], "builtin:", 8) == 0) {
			/* rules shipped inside the binary (data/rules/NAME) */
			char name[64];
			const char *text;

			snprintf(name, sizeof name, "%.40s-rules.yml",
				 paths[k] + 8);
			if ((text = fl_data_text(name)) == NULL) {
				*code = fl_cli_usage(ctx, "%s: no such shipped "
						     "rule set (builtin:linux)",
						     paths[k]);
				goto fail_quiet;
			}
			rc = fl_sigma_set_add_mem(s, paths[k], text,
						  strlen(text));
		} else {
			rc = fl_sigma_set_add_path(s, paths[k], &ctx->diag);
		}
		if (rc != FL_OK)
			goto fail;
	}
	if ((rc = fl_sigma_set_resolve(s)) != FL_OK)
		goto fail;
	ref = fl_sigma_set_refusals(s, &n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "firstline: %s:%lu:%lu: %s (rule not used)\n",
			ref[i].d.file, ref[i].d.line, ref[i].d.col,
			ref[i].d.msg);
	*refused = n;
	*varsp = vars;
	return s;
fail:
	*code = fl_cli_fail(ctx, rc);
fail_quiet:
	fl_sigma_set_free(s);
	fl_sigma_vars_free(vars);
	return NULL;
}

static void
summary(const struct fl_detect_stats *st, const struct fl_match_stats *ms,
	size_t refused, double secs)
{
	static const char *const lv[] = {"other", "informational", "low",
					 "medium", "high", "critical"};
	int i, first = 1;

	fprintf(stderr, "firstline: detect: %llu file%s, %llu events",
		st->files, st->files == 1 ? "" : "s", st->events);
	if (st->bad)
		fprintf(stderr, " (%llu bad records skipped)", st->bad);
	fprintf(stderr, ", %.1f MB in %.2f s (%.0f events/s)\n",
		(double)st->bytes / 1e6, secs,
		secs > 0 ? (double)st->events / secs : 0.0);
	fprintf(stderr, "firstline: detect: %llu alert%s", st->alerts,
		st->alerts == 1 ? "" : "s");
	for (i = 5; i >= 0; i--) {
		if (st->by_level[i] == 0)
			continue;
		fprintf(stderr, "%s%llu %s", first ? ": " : ", ",
			st->by_level[i], lv[i]);
		first = 0;
	}
	fprintf(stderr, "; %zu rules compiled%s", ms->rules,
		ms->cached ? " (scanners from the cache)" : "");
	if (refused + ms->refused)
		fprintf(stderr, ", %zu refused", refused + ms->refused);
	if (st->regex_errors)
		fprintf(stderr, ", %llu regex evaluations over their limit",
			st->regex_errors);
	fputc('\n', stderr);
}

/*
 * The rule set and the matcher are built in the main thread's heap, a
 * page fault per 4 KiB touched: dear on a virtual machine, and a third
 * of loading SigmaHQ's Windows rules.  Let the heap grow 64 MiB at a time
 * and take transparent huge pages (a fault per 2 MiB), as glibc's own
 * glibc.malloc.hugetlb=1 tunable would (which cannot be set from inside).
 */
static void
heap_huge(void)
{
#if defined(MADV_HUGEPAGE) && defined(M_TOP_PAD)
	uintptr_t old = (uintptr_t)sbrk(0), lo, hi;
	void *held[64];
	int n = 0;

	/* a heap that grows by 64 MiB at once, grown now (from free space
	 * first, so until the break moves), and the new part advised: the
	 * kernel gives later growth a mapping without the advice */
	(void)mallopt(M_TOP_PAD, 64 << 20);
	while (n < 64 && (uintptr_t)sbrk(0) == old &&
	       (held[n] = malloc(120000)) != NULL)
		n++;
	hi = (uintptr_t)sbrk(0);
	lo = (old + 4095) & ~(uintptr_t)4095;
	if (hi > lo && hi - lo < ((uintptr_t)1 << 30))
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	while (n > 0)
		free(held[--n]);
#endif
}

static int
run_detect(struct fl_ctx *ctx, const struct fl_args *a, int follow)
{
	struct runner rn;
	struct fl_sigma_vars *vars = NULL;
	struct fl_sigma_set *set;
	struct fl_logmap *map = NULL;
	struct fl_keys *keys = NULL;
	struct fl_match *m = NULL;
	struct fl_corr *corr = NULL;
	struct fl_detect_opts o;
	struct fl_detect_stats st;
	struct fl_match_stats ms;
	struct fl_match_opts mo;
	struct fl_detect_sink sink;
	struct timespec t0, t1;
	char cache[4096];
	const char *v;
	size_t refused = 0, i, nmr;
	const struct fl_diag *mr;
	long long window = 86400;
	int code = 0, store = fl_flag(a, "store") || fl_flag(a, "open-incidents");
	fl_err rc;

	heap_huge();
	memset(&rn, 0, sizeof rn);
	memset(&o, 0, sizeof o);
	rn.ctx = ctx;
	o.threads = (unsigned)cores();
	o.follow = follow;
	/* tests cut small inputs into many blocks to check their order */
	if ((v = getenv("FIRSTLINE_DETECT_BLOCK")) != NULL) {
		long blk;

		if (fl_parse_long(v, 256, 1L << 30, &blk) == 0)
			o.block = (size_t)blk;
	}
	o.stop = (volatile int *)(uintptr_t)&stop_flag;
	if ((v = fl_arg(a, "format")) != NULL) {
		if (strcmp(v, "jsonl") == 0 || strcmp(v, "json") == 0)
			rn.fmt = OUT_JSONL;
		else if (strcmp(v, "csv") == 0)
			rn.fmt = OUT_CSV;
		else if (strcmp(v, "table") == 0)
			rn.fmt = OUT_TABLE;
		else
			return fl_cli_usage(ctx, "--format: jsonl, csv or table");
	}
	if ((v = fl_arg(a, "min-level")) != NULL &&
	    (o.min_level = fl_detect_level(v)) == 0)
		return fl_cli_usage(ctx, "--min-level: informational, low, "
				    "medium, high or critical");
	if ((v = fl_arg(a, "threads")) != NULL) {
		long t;

		if (fl_parse_long(v, 1, 64, &t) != 0)
			return fl_cli_usage(ctx, "--threads: 1 to 64");
		o.threads = (unsigned)t;
	}
	if ((v = fl_arg(a, "input-format")) != NULL) {
		if (fl_input_format(v, &rn.force) != 0)
			return fl_cli_usage(ctx, "--input-format: json, syslog, "
					    "evtx or auditd");
		rn.has_force = 1;
	}
	if ((v = fl_arg(a, "incident-window")) != NULL &&
	    parse_duration(v, &window) != 0)
		return fl_cli_usage(ctx, "--incident-window: a duration such "
				    "as 90m, 24h or 7d");
	if ((v = fl_arg(a, "max-record")) != NULL) {
		long mr2;

		if (fl_parse_long(v, 1024, 1L << 30, &mr2) != 0)
			return fl_cli_usage(ctx, "--max-record: 1024 bytes to "
					    "1 GiB");
		o.reader.max_record = (size_t)mr2;
	}
	if ((v = fl_arg(a, "year")) != NULL) {
		long y;

		if (fl_parse_long(v, 1970, 9999, &y) != 0)
			return fl_cli_usage(ctx, "--year: 1970 to 9999");
		o.reader.year = (int)y;
	}
	if ((set = load_rules(ctx, a, &vars, &refused, &code)) == NULL)
		return code;
	if ((v = fl_arg(a, "mapping")) != NULL)
		rc = fl_logmap_load(v, &map, &ctx->diag);
	else
		rc = fl_logmap_default(&map, &ctx->diag);
	if (rc != FL_OK) {
		code = fl_cli_fail(ctx, rc);
		goto out;
	}
	if ((rc = fl_keys_new(0, &keys)) != FL_OK) {
		code = fl_cli_fail(ctx, rc);
		goto out;
	}
	if ((v = fl_arg(a, "field-map")) != NULL) {
		size_t nmapped;

		/* before the rules: the event names become the rules' keys */
		if ((rc = fl_fieldmap_load(v, keys, &nmapped, &ctx->diag)) !=
		    FL_OK) {
			code = fl_cli_fail(ctx, rc);
			goto out;
		}
	}
	memset(&mo, 0, sizeof mo);
	if (!fl_flag(a, "no-cache"))
		mo.cache_dir = (v = fl_arg(a, "cache")) != NULL ? v :
			       fl_hscache_dir(cache, sizeof cache);
	if ((rc = fl_match_new(set, map, keys, &mo, &m, &ctx->diag)) != FL_OK ||
	    (rc = fl_corr_new(set, keys, NULL, &corr, &ctx->diag)) != FL_OK) {
		code = fl_cli_fail(ctx, rc);
		goto out;
	}
	mr = fl_match_refusals(m, &nmr);
	for (i = 0; i < nmr; i++)
		fprintf(stderr, "firstline: %s:%lu:%lu: %s (rule not used)\n",
			mr[i].file, mr[i].line, mr[i].col, mr[i].msg);
	if ((rc = fl_detect_new(m, corr, keys, &o, &rn.dt)) != FL_OK) {
		code = fl_cli_fail(ctx, rc);
		goto out;
	}
	if (store) {
		if ((rc = fl_store_open(ctx->db_path, 0, &ctx->st,
					&ctx->diag)) != FL_OK) {
			code = fl_cli_fail(ctx, rc);
			goto out;
		}
		fl_store_set_actor(ctx->st, ctx->actor);
		rn.store = 1;
		rn.open_incidents = fl_flag(a, "open-incidents");
		rn.window = window;
		rn.follow = follow;
		if (!follow && (rc = fl_store_begin(ctx->st)) != FL_OK) {
			code = fl_cli_fail(ctx, rc);
			goto out;
		}
	}
	rn.keys = keys;
	rn.progress = fl_cli_progress_enabled() && !follow;
	fl_buf_init(&rn.line, (size_t)64 << 20);
	if (rn.fmt == OUT_CSV)
		fputs("time,level,rule_id,title,host,source,record,count,"
		      "details\n", stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = fl_input_walk((const char *const *)a->pos, (size_t)a->npos,
			   rn.has_force ? (int)rn.force : FL_INPUT_SNIFF,
			   on_input, &rn, NULL, &ctx->diag);
	if (rc == FL_OK) {
		sink.ctx = &rn;
		sink.alert = on_alert;
		sink.bad = on_bad;
		sink.failed = on_failed;
		sink.progress = NULL;
		rc = fl_detect_finish(rn.dt, &sink, &ctx->diag);
	}
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fl_detect_stats(rn.dt, &st);
	fl_match_stats(m, &ms);
	if (rn.store) {
		if (!follow) {
			if (rn.store_rc == FL_OK && rc == FL_OK)
				rn.store_rc = fl_store_commit(ctx->st);
			else
				fl_store_rollback(ctx->st);
		}
		rn.store = 0;
		if (rn.store_rc != FL_OK) {
			ctx->diag = rn.store_diag;
			code = fl_cli_fail(ctx, rn.store_rc);
			goto out;
		}
		fprintf(stderr, "firstline: detect: %llu alert%s stored, %llu "
			"incident%s opened, %llu alert%s joined an open "
			"incident\n", rn.stored, rn.stored == 1 ? "" : "s",
			rn.opened, rn.opened == 1 ? "" : "s", rn.joined,
			rn.joined == 1 ? "" : "s");
	}
	summary(&st, &ms, refused,
		(double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (rc != FL_OK)
		code = fl_cli_fail(ctx, rc);
	else if (rn.missing)
		code = FL_EX_NOINPUT;
	else if (st.bad || st.failed || rn.unreadable || refused || ms.refused)
		code = FL_EX_DATA;
out:
	if (rn.store && !follow)
		fl_store_rollback(ctx->st);
	fl_buf_release(&rn.line);
	fl_detect_free(rn.dt);
	fl_corr_free(corr);
	fl_match_free(m);
	fl_keys_free(keys);
	fl_logmap_free(map);
	fl_sigma_set_free(set);
	fl_sigma_vars_free(vars);
	return code;
}

static int
cmd_run(struct fl_ctx *ctx, const struct fl_args *a)
{
	return run_detect(ctx, a, 0);
}

static int
cmd_tail(struct fl_ctx *ctx, const struct fl_args *a)
{
	return run_detect(ctx, a, 1);
}

#define RUN_EXITS                                                        \
	"\n"                                                             \
	"Exit codes: 0 every input read and every rule used (whether or "  \
	"not\nanything matched); 65 some records or rules were refused "  \
	"(they are\nlisted on stderr; the rest ran); 66 an input does not " \
	"exist; 64 usage;\n70 internal error; 74 database error."

#define ALERT_FIELDS                                                     \
	"  one JSON object per line (--format jsonl):\n"                 \
	"  rule_id       the Sigma rule's id\n"                           \
	"  title, level  the rule's title and level\n"                    \
	"  time          the event's time (ISO 8601 UTC), or null\n"      \
	"  host          the event's host (Computer, hostname...)\n"      \
	"  source        the input file\n"                                \
	"  record        EVTX record id, or the line of the event\n"      \
	"  tags          the rule's tags\n"                               \
	"  fields        the fields the rule reads, with their values\n"  \
	"  correlation   for a correlation: its type, and\n"              \
	"  count         the events it counted\n"                         \
	"  value         the measured value (count, distinct values, sum...)\n" \
	"  first, last   times of the first and last event counted\n"     \
	"  group         the group-by fields and their values\n"          \
	"  events        [{source, record, time}] of the first 100 events counted"

static const struct fl_opt alerts_opts[] = {
	{"rule", FL_OPT_VALUE, "ID", "only the alerts of this rule id"},
	{"min-level", FL_OPT_VALUE, "LEVEL", "this level and above"},
	{"limit", FL_OPT_VALUE, "N", "at most N alerts (newest first)"},
	{NULL, 0, NULL, NULL}
};

static int
cmd_alerts(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	const char *v;
	long limit = 0;
	fl_err rc;

	if ((v = fl_arg(a, "limit")) != NULL &&
	    fl_parse_long(v, 1, 100000000L, &limit) != 0)
		return fl_cli_usage(ctx, "--limit: a positive number");
	fl_table_init(&t);
	rc = fl_alert_list(ctx->st, fl_arg(a, "rule"), fl_arg(a, "min-level"),
			   limit, fl_table_add, &t, &ctx->diag);
	return fl_table_finish(ctx, &t, rc, "id,time,level,title,host,count,"
			       "incident");
}

const struct fl_cmd fl_cmds_detect_run[] = {
	{"detect", "run", "INPUT...",
	 "run Sigma rules over log files and print the alerts",
	 "Loads the rules (--rules, repeatable), maps their logsources to\n"
	 "channels and event ids (data/logsources.yml or --mapping), then\n"
	 "reads every INPUT: a file, a directory (walked recursively, in name\n"
	 "order) or - for standard input.  The format of each file is\n"
	 "recognised by its content: EVTX, JSON (JSON lines, concatenated or\n"
	 "pretty-printed objects), Linux auditd, or syslog; gzip and zstd\n"
	 "files are read as streams.  Alerts go to stdout in input order,\n"
	 "the same for any --threads; a summary goes to stderr, and a\n"
	 "progress line too when stderr is a terminal.\n"
	 "\n"
	 "Correlation rules count the matches of their rules in sliding\n"
	 "windows per group; a sustained attack is one alert, reported when\n"
	 "its window closes (docs/detection.md).  Bad records and rules that\n"
	 "cannot be used are reported with FILE:LINE:COL and skipped.\n"
	 "\n"
	 "--store keeps the alerts in the database, once each; with\n"
	 "--open-incidents an alert opens an incident for its rule and host,\n"
	 "or joins the open one whose last alert is within --incident-window;\n"
	 "high and critical incidents notify the ISO (firstline notify)."
	 RUN_EXITS,
	 run_opts, 1, -1, FL_CMD_NODB | FL_CMD_JSON, cmd_run,
	 ALERT_FIELDS},
	{"detect", "tail", "FILE|-",
	 "follow a growing log file and print alerts as they happen",
	 "Like detect run over one input, but at its end waits for more\n"
	 "(like tail -F) until interrupted.  Correlation windows close as\n"
	 "event time advances, and also when the clock passes their end while\n"
	 "the file is quiet.  Memory stays bounded: only open windows are\n"
	 "kept."
	 RUN_EXITS,
	 run_opts, 1, 1, FL_CMD_NODB | FL_CMD_JSON, cmd_tail,
	 ALERT_FIELDS},
	{"detect", "alerts", NULL,
	 "list the alerts kept by detect run --store",
	 "Newest first.  Each alert is kept once however often the same input\n"
	 "is run again; its incident is the one --open-incidents opened or\n"
	 "joined.",
	 alerts_opts, 0, 0, FL_CMD_JSON, cmd_alerts,
	 "  id            the alert's number\n"
	 "  rule_id       the Sigma rule's id (or its title when it has none)\n"
	 "  title, level  the rule's title and level\n"
	 "  kind          event or correlation\n"
	 "  time          the event's (or the correlation's) time\n"
	 "  host, source, record  where it was seen\n"
	 "  count         events counted (1 for a single event)\n"
	 "  group         a correlation's group-by values\n"
	 "  fields        the fields the rule read, with their values\n"
	 "  stored_at     when it was stored\n"
	 "  incident      the incident it belongs to, or null"},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
