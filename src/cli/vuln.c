/*
 * vuln: scanner reports in, findings tracked to closure.  This file holds
 * the commands; the readers are in scan/, the register in store/vuln.c.
 */
#include <string.h>

#include <sodium.h>
#include <unistd.h>

#include "../scan/intel.h"
#include "../scan/scan.h"
#include "../store/vuln.h"
#include "cli.h"

#define OPT_END {NULL, 0, NULL, NULL}

/*
 * The unit of work of every command that reads or changes findings: one
 * transaction that starts with the acceptance sweeps (an expired risk
 * acceptance reopens the risk and the findings it covered) and, for
 * listings, brings priorities up to date with the assets' criticality and
 * the threat intelligence.
 */
struct work {
	char today[11];
	struct fl_table reopened;   /* findings whose acceptance ended */
	struct fl_table risks;      /* risks whose acceptance expired */
	int in_tx;
};

static int
work_begin(struct fl_ctx *ctx, struct work *w, int reprioritize)
{
	long changed;
	fl_err rc;

	memset(w, 0, sizeof(*w));
	fl_table_init(&w->reopened);
	fl_table_init(&w->risks);
	fl_time_date(fl_now(), w->today);
	if ((rc = fl_store_begin(ctx->st)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	w->in_tx = 1;
	rc = fl_store_risk_sweep(ctx->st, w->today, fl_table_add, &w->risks);
	if (rc == FL_OK)
		rc = fl_vuln_sweep(ctx->st, w->today, fl_table_add, &w->reopened,
				   &ctx->diag);
	if (rc == FL_OK && reprioritize)
		rc = fl_vuln_reprioritize(ctx->st, 0, &changed, &ctx->diag);
	if (rc != FL_OK) {
		fl_store_rollback(ctx->st);
		w->in_tx = 0;
		fl_table_release(&w->reopened);
		fl_table_release(&w->risks);
		return fl_cli_fail(ctx, rc);
	}
	return 0;
}

static int
work_end(struct fl_ctx *ctx, struct work *w, fl_err rc)
{
	size_t r;

	if (w->in_tx) {
		w->in_tx = 0;
		if (rc == FL_OK)
			rc = fl_store_commit(ctx->st);
		else
			fl_store_rollback(ctx->st);
	}
	if (rc == FL_OK)
		for (r = 0; r < w->risks.nrows; r++)
			fprintf(stderr, "firstline: risk %s acceptance expired "
				"on %s: reopened\n",
				fl_table_cell(&w->risks, r, "ref"),
				fl_table_cell(&w->risks, r, "expired_on"));
	if (rc == FL_OK)
		for (r = 0; r < w->reopened.nrows; r++)
			fprintf(stderr, "firstline: finding %s (%s on %s): risk "
				"acceptance ended, reopened\n",
				fl_table_cell(&w->reopened, r, "id"),
				fl_table_cell(&w->reopened, r, "title"),
				fl_table_cell(&w->reopened, r, "asset"));
	fl_table_release(&w->reopened);
	fl_table_release(&w->risks);
	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

/* A finding id: "12" or "F-12". */
static int
finding_id(const char *s, long long *id)
{
	long v;

	if ((s[0] == 'F' || s[0] == 'f') && s[1] == '-')
		s += 2;
	if (fl_parse_long(s, 1, LONG_MAX, &v) != 0)
		return -1;
	*id = v;
	return 0;
}

/* ---- vuln formats ------------------------------------------------------ */

static int
run_formats(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_buf b;
	struct fl_json j;
	size_t i;

	(void)a;
	if (!ctx->json) {
		for (i = 0; fl_scan_formats[i] != NULL; i++)
			printf("%-16s %s\n", fl_scan_formats[i]->name,
			       fl_scan_formats[i]->label);
		return 0;
	}
	fl_buf_init(&b, 0);
	fl_json_init(&j, &b, 0);
	fl_json_arr_open(&j);
	for (i = 0; fl_scan_formats[i] != NULL; i++) {
		fl_json_obj_open(&j);
		fl_json_key(&j, "name");
		fl_json_str(&j, fl_scan_formats[i]->name);
		fl_json_key(&j, "label");
		fl_json_str(&j, fl_scan_formats[i]->label);
		fl_json_obj_close(&j);
	}
	fl_json_arr_close(&j);
	printf("%s\n", fl_buf_str(&b));
	fl_buf_release(&b);
	return 0;
}

/* ---- vuln parse -------------------------------------------------------- */

static fl_err
parse_finding(void *ctx, const struct fl_finding *f)
{
	return fl_scan_group_add(ctx, f);
}

static int
print_parsed(struct fl_ctx *ctx, const char *format,
	     const struct fl_scan_group *g, int raw)
{
	size_t i, n = fl_scan_group_count(g);

	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;

		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "format");
		if (format != NULL)
			fl_json_str(&j, format);
		else
			fl_json_null(&j);
		fl_json_key(&j, "grouping");
		fl_json_str(&j, raw ? "raw" : "defectdojo");
		fl_json_key(&j, "findings");
		fl_json_arr_open(&j);
		for (i = 0; i < n; i++)
			fl_finding_json(fl_scan_group_at(g, i), &j);
		fl_json_arr_close(&j);
		fl_json_obj_close(&j);
		if (fwrite(b.data, 1, b.len, stdout) != b.len ||
		    fputc('\n', stdout) == EOF) {
			fl_buf_release(&b);
			return fl_cli_error(FL_EX_IO, "cannot write output");
		}
		fl_buf_release(&b);
		return 0;
	}
	printf("%s: %zu finding%s\n", format ? format : "empty", n,
	       n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const struct fl_finding *f = fl_scan_group_at(g, i);
		const char *t = f->text[FL_FF_TITLE];

		printf("%-8s %-60.60s %s%s%zu location%s\n",
		       fl_sev_name(f->severity), t ? t : "(untitled)",
		       f->vuln_ids.n ? f->vuln_ids.v[0] : "",
		       f->vuln_ids.n ? " " : "", f->nlocs,
		       f->nlocs == 1 ? "" : "s");
	}
	return 0;
}

static const struct fl_opt parse_opts[] = {
	{"format", FL_OPT_VALUE, "NAME",
	 "read as this format instead of detecting it (see vuln formats)"},
	{"raw", FL_OPT_FLAG, NULL,
	 "one finding per report item, without DefectDojo's grouping"},
	{NULL, 0, NULL, NULL}
};

/*
 * The raw view with --json streams: each item is written as the reader
 * hands it over, so memory stays flat however long the report is (a
 * report that turns out bad mid-way leaves the output unfinished and
 * exits 65).
 */
struct raw_out {
	struct fl_buf b;
	size_t n;
	fl_err werr;
};

static fl_err
parse_raw_json(void *ctx, const struct fl_finding *f)
{
	struct raw_out *o = ctx;
	struct fl_json j;

	fl_buf_reset(&o->b);
	fl_json_init(&j, &o->b, 0);
	if (o->n++ > 0)
		fl_buf_putc(&o->b, ',');
	fl_finding_json(f, &j);
	if (fwrite(o->b.data, 1, o->b.len, stdout) != o->b.len)
		return o->werr = FL_E_IO;
	return FL_OK;
}

/* A raw table: every item as the reader gave it (no group key merge). */
static fl_err
parse_raw(void *ctx, const struct fl_finding *f)
{
	struct fl_finding c;
	fl_err rc;

	if ((rc = fl_finding_copy(&c, f)) != FL_OK)
		return rc;
	free(c.text[FL_FF_GROUP_KEY]);
	c.text[FL_FF_GROUP_KEY] = NULL;
	rc = fl_scan_group_add(ctx, &c);
	fl_finding_reset(&c);
	return rc;
}

static int
run_parse_raw_json(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_scan_src src;
	struct fl_scan_sink sink;
	const struct fl_scan_format *fmt = NULL;
	const char *forced = fl_arg(a, "format");
	struct raw_out o;
	struct fl_buf name;
	fl_err rc;

	if (forced != NULL && (fmt = fl_scan_format_find(forced)) == NULL)
		return fl_cli_usage(ctx, "unknown format '%s' (see `firstline "
				    "vuln formats`)", forced);
	if ((rc = fl_scan_src_open(&src, a->pos[0], &ctx->diag)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	if (fmt == NULL && (rc = fl_scan_detect(&src, &fmt, &ctx->diag)) != FL_OK) {
		fl_scan_src_close(&src);
		return fl_cli_fail(ctx, rc);
	}
	memset(&o, 0, sizeof(o));
	fl_buf_init(&o.b, 0);
	fl_buf_init(&name, 0);
	fl_json_escape(&name, fmt ? fmt->name : "", fmt ? strlen(fmt->name) : 0);
	printf("{\"format\":%s,\"grouping\":\"raw\",\"findings\":[",
	       fmt ? fl_buf_str(&name) : "null");
	fl_buf_release(&name);
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &o;
	sink.finding = parse_raw_json;
	rc = fmt ? fmt->read(&src, &sink, &ctx->diag) : FL_OK;
	fl_scan_src_close(&src);
	fl_buf_release(&o.b);
	if (rc == FL_E_IO && o.werr == FL_E_IO)
		return fl_cli_error(FL_EX_IO, "cannot write output");
	if (rc != FL_OK) {
		fflush(stdout);
		fputc('\n', stdout);
		return fl_cli_fail(ctx, rc);
	}
	printf("]}\n");
	return 0;
}

static int
run_parse(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_scan_group *g;
	struct fl_scan_sink sink;
	const struct fl_scan_format *fmt = NULL;
	int raw = fl_flag(a, "raw"), code;
	fl_err rc;

	if (raw && ctx->json)
		return run_parse_raw_json(ctx, a);
	if ((g = fl_scan_group_new()) == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	memset(&sink, 0, sizeof(sink));
	sink.ctx = g;
	sink.finding = raw ? parse_raw : parse_finding;
	rc = fl_scan_read_file(a->pos[0], fl_arg(a, "format"), &sink, &fmt,
			       &ctx->diag);
	if (rc != FL_OK) {
		fl_scan_group_free(g);
		return fl_cli_fail(ctx, rc);
	}
	code = print_parsed(ctx, fmt ? fmt->name : NULL, g, raw);
	fl_scan_group_free(g);
	return code;
}

/* ---- vuln import ------------------------------------------------------- */

static void
hash_bytes(void *ctx, const char *p, size_t n)
{
	fl_sha256_add(ctx, p, n);
}

static void
print_import(struct fl_ctx *ctx, const char *file, const char *format,
	     const struct fl_vuln_import_result *r)
{
	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;

		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "file");
		fl_json_str(&j, file);
		fl_json_key(&j, "format");
		fl_json_str(&j, format);
		fl_json_key(&j, "scope");
		fl_json_str(&j, r->scope);
		fl_json_key(&j, "duplicate");
		fl_json_bool(&j, r->duplicate);
		fl_json_key(&j, "scan");
		fl_json_int(&j, r->duplicate ? r->duplicate_of : r->scan_id);
#define NUM(k) fl_json_key(&j, #k); fl_json_int(&j, r->k)
		NUM(items); NUM(hosts); NUM(discovered); NUM(created);
		NUM(reopened); NUM(changed); NUM(fixed); NUM(not_seen);
		NUM(unchanged);
#undef NUM
		fl_json_obj_close(&j);
		printf("%s\n", fl_buf_str(&b));
		fl_buf_release(&b);
		return;
	}
	if (r->duplicate) {
		printf("%s: already imported as scan %lld (scope %s): nothing "
		       "changed\n", file, r->duplicate_of, r->scope);
		return;
	}
	printf("%s: %s, scan %lld (scope %s): %ld item%s on %ld host%s "
	       "(%ld discovered); %ld new, %ld reopened, %ld changed, %ld "
	       "unchanged; %ld fixed, %ld not seen\n", file, format, r->scan_id,
	       r->scope, r->items, r->items == 1 ? "" : "s", r->hosts,
	       r->hosts == 1 ? "" : "s", r->discovered, r->created, r->reopened,
	       r->changed, r->unchanged, r->fixed, r->not_seen);
}

static int
import_one(struct fl_ctx *ctx, const struct fl_args *a, const char *file)
{
	struct fl_scan_src src;
	const struct fl_scan_format *fmt = NULL;
	const char *forced = fl_arg(a, "format");
	struct fl_vuln_import_opts o;
	struct fl_vuln_import *imp = NULL;
	struct fl_vuln_import_result r;
	struct fl_scan_sink sink;
	struct work w;
	struct fl_sha256 *h;
	char hexhash[65];
	int code;
	fl_err rc;

	fl_diag_clear(&ctx->diag);
	if (forced != NULL && (fmt = fl_scan_format_find(forced)) == NULL)
		return fl_cli_usage(ctx, "unknown format '%s' (see `firstline "
				    "vuln formats`)", forced);
	if ((rc = fl_scan_src_open(&src, file, &ctx->diag)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	if ((h = fl_sha256_begin()) == NULL) {
		fl_scan_src_close(&src);
		return fl_cli_fail(ctx, fl_diag_msg(&ctx->diag, FL_E_NOMEM,
						    "out of memory"));
	}
	src.on_bytes = hash_bytes;
	src.on_bytes_ctx = h;
	if (fmt == NULL &&
	    ((rc = fl_scan_detect(&src, &fmt, &ctx->diag)) != FL_OK ||
	     fmt == NULL)) {
		fl_sha256_end(h, hexhash);
		fl_scan_src_close(&src);
		if (rc != FL_OK)
			return fl_cli_fail(ctx, rc);
		if (!ctx->json)
			printf("%s: empty report: nothing to import\n", file);
		return 0;
	}
	if ((code = work_begin(ctx, &w, 0)) != 0) {
		fl_sha256_end(h, hexhash);
		fl_scan_src_close(&src);
		return code;
	}
	memset(&o, 0, sizeof(o));
	o.scope = fl_arg(a, "scope");
	o.entity = fl_arg(a, "entity");
	o.asset = fl_arg(a, "asset");
	o.format = fmt->name;
	o.source = file;
	{
		off_t end = lseek(src.fd, 0, SEEK_END);

		o.bytes = end > 0 ? (long long)end : 0;
		lseek(src.fd, (off_t)src.nhead, SEEK_SET);
	}
	rc = fl_vuln_import_begin(ctx->st, &o, &imp, &ctx->diag);
	if (rc == FL_OK) {
		fl_vuln_import_sink(imp, &sink);
		/* parsing on one core, storing on the other; drained, so the
		 * hash covers what the reader left unread: the identity is
		 * the file */
		rc = fl_scan_read_threaded(fmt, &src, 1, &sink, &ctx->diag);
	}
	if (fl_sha256_end(h, hexhash) != FL_OK && rc == FL_OK)
		rc = fl_diag_msg(&ctx->diag, FL_E_INTERNAL, "%s: SHA-256"
				 " failed", file);
	if (rc == FL_OK)
		rc = fl_vuln_import_end(imp, hexhash, &r, &ctx->diag);
	fl_scan_src_close(&src);
	if (rc == FL_OK && r.duplicate) {
		/* nothing of this import may stay */
		fl_store_rollback(ctx->st);
		w.in_tx = 0;
	}
	fl_vuln_import_free(imp);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	print_import(ctx, file, fmt->name, &r);
	return 0;
}

static int
run_import(struct fl_ctx *ctx, const struct fl_args *a)
{
	int i, code, first = 0;

	for (i = 0; i < a->npos; i++) {
		code = import_one(ctx, a, a->pos[i]);
		if (code != 0 && first == 0)
			first = code;
	}
	return first;
}

static const struct fl_opt import_opts[] = {
	{"scope", FL_OPT_VALUE, "NAME",
	 "the scans this one re-scans (default: the scanner, e.g. tenable)"},
	{"entity", FL_OPT_VALUE, "ENTITY", "entity of assets the scan discovers"},
	{"asset", FL_OPT_VALUE, "ASSET",
	 "asset of every finding of the report (an image, a repository, one "
	 "web application); default: by host"},
	{"format", FL_OPT_VALUE, "NAME", "read as this format (see vuln formats)"},
	OPT_END
};

/* ---- vuln scans, list, show, stats ----------------------------------------- */

static int
run_scans(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;

	fl_table_init(&t);
	return fl_table_finish(ctx, &t, fl_vuln_scans(ctx->st, fl_arg(a, "scope"),
						 fl_table_add, &t, &ctx->diag),
			  "id,scope,format,scanned_at,items,hosts,created,"
			  "reopened,changed,fixed,not_seen,source");
}

static const struct fl_opt scans_opts[] = {
	{"scope", FL_OPT_VALUE, "NAME", "only scans of this scope"},
	OPT_END
};

static int
run_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_vuln_filter f;
	struct fl_table t;
	struct work w;
	long limit = 0;
	int code;
	fl_err rc;

	if (fl_arg(a, "limit") &&
	    fl_parse_long(fl_arg(a, "limit"), 1, 100000000, &limit) != 0)
		return fl_cli_usage(ctx, "--limit must be a positive number");
	if ((code = work_begin(ctx, &w, 1)) != 0)
		return code;
	memset(&f, 0, sizeof(f));
	f.status = fl_arg(a, "status");
	f.priority = fl_arg(a, "priority");
	f.asset = fl_arg(a, "asset");
	f.scope = fl_arg(a, "scope");
	f.overdue = fl_flag(a, "overdue");
	f.kev = fl_flag(a, "kev");
	f.today = w.today;
	f.limit = limit;
	fl_table_init(&t);
	rc = fl_vuln_list(ctx->st, &f, fl_table_add, &t, &ctx->diag);
	if (rc == FL_OK && t.err != FL_OK)
		rc = t.err;
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	code = fl_table_print(ctx, &t, "id,priority,due,status,severity,title,"
			      "asset,place,cve,kev,epss");
	fl_table_release(&t);
	return code;
}

static const struct fl_opt list_opts[] = {
	{"overdue", FL_OPT_FLAG, NULL, "only findings past their deadline"},
	{"priority", FL_OPT_VALUE, "P", "only this priority (P1..P4)"},
	{"asset", FL_OPT_VALUE, "ASSET", "only this asset (name, hostname or IP)"},
	{"status", FL_OPT_VALUE, "STATUS",
	 "open, not_seen, fixed, false_positive, risk_accepted or all "
	 "(default: open and not_seen)"},
	{"scope", FL_OPT_VALUE, "NAME", "only this scope"},
	{"kev", FL_OPT_FLAG, NULL, "only findings whose CVE is in CISA's KEV"},
	{"limit", FL_OPT_VALUE, "N", "at most N findings"},
	OPT_END
};

static int
run_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const parts[] = {"cves", "history", "scans"};
	struct fl_table t, p[3];
	struct work w;
	long long id = 0;
	size_t k, r;
	int code, c;
	fl_err rc;

	if (finding_id(a->pos[0], &id) != 0)
		return fl_cli_usage(ctx, "'%s' is not a finding id", a->pos[0]);
	if ((code = work_begin(ctx, &w, 1)) != 0)
		return code;
	fl_table_init(&t);
	for (k = 0; k < 3; k++)
		fl_table_init(&p[k]);
	rc = fl_vuln_show(ctx->st, id, w.today, fl_table_add, &t, &ctx->diag);
	for (k = 0; rc == FL_OK && k < 3; k++)
		rc = fl_vuln_show_part(ctx->st, id, parts[k], fl_table_add, &p[k],
				       &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		goto out;
	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;

		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		for (c = 0; t.nrows > 0 && c < t.ncol; c++) {
			fl_json_key(&j, t.names[c]);
			fl_table_json_cell(&j, &t, c, t.rows[0][c]);
		}
		for (k = 0; k < 3; k++) {
			fl_json_key(&j, parts[k]);
			fl_json_arr_open(&j);
			for (r = 0; r < p[k].nrows; r++) {
				fl_json_obj_open(&j);
				for (c = 0; c < p[k].ncol; c++) {
					fl_json_key(&j, p[k].names[c]);
					fl_table_json_cell(&j, &p[k], c,
							   p[k].rows[r][c]);
				}
				fl_json_obj_close(&j);
			}
			fl_json_arr_close(&j);
		}
		fl_json_obj_close(&j);
		printf("%s\n", fl_buf_str(&b));
		fl_buf_release(&b);
		goto out;
	}
	code = fl_table_print_one(ctx, &t);
	for (k = 0; code == 0 && k < 3; k++) {
		printf("\n%s:\n", parts[k]);
		code = fl_table_print(ctx, &p[k], NULL);
	}
out:
	fl_table_release(&t);
	for (k = 0; k < 3; k++)
		fl_table_release(&p[k]);
	return code;
}

static int
run_stats(struct fl_ctx *ctx, const struct fl_args *a)
{
	static const char *const pn[] = {"none", "P1", "P2", "P3", "P4"};
	struct fl_vuln_stats s;
	struct fl_vuln_sla sla;
	struct work w;
	int code, p;
	fl_err rc;

	if ((code = work_begin(ctx, &w, 1)) != 0)
		return code;
	rc = fl_vuln_stats(ctx->st, w.today, fl_arg(a, "scope"), &s, &ctx->diag);
	if (rc == FL_OK)
		rc = fl_vuln_sla_get(ctx->st, &sla, &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	if (ctx->json) {
		struct fl_buf b;
		struct fl_json j;

		fl_buf_init(&b, 0);
		fl_json_init(&j, &b, 0);
		fl_json_obj_open(&j);
		fl_json_key(&j, "today");
		fl_json_str(&j, w.today);
		fl_json_key(&j, "open");
		fl_json_obj_open(&j);
		for (p = 1; p <= 4; p++) {
			fl_json_key(&j, pn[p]);
			fl_json_obj_open(&j);
			fl_json_key(&j, "open");
			fl_json_int(&j, s.open[p]);
			fl_json_key(&j, "overdue");
			fl_json_int(&j, s.overdue[p]);
			fl_json_key(&j, "sla_days");
			fl_json_int(&j, sla.days[p]);
			fl_json_key(&j, "age");
			fl_json_arr_open(&j);
			fl_json_int(&j, s.age[p][0]);
			fl_json_int(&j, s.age[p][1]);
			fl_json_int(&j, s.age[p][2]);
			fl_json_int(&j, s.age[p][3]);
			fl_json_arr_close(&j);
			fl_json_key(&j, "mttr_days");
			if (s.mttr_by_prio[p] < 0)
				fl_json_null(&j);
			else
				fl_json_num(&j, s.mttr_by_prio[p]);
			fl_json_obj_close(&j);
		}
		fl_json_key(&j, "info");
		fl_json_int(&j, s.open[0]);
		fl_json_obj_close(&j);
#define NUM(k) fl_json_key(&j, #k); fl_json_int(&j, s.k)
		NUM(not_seen); NUM(fixed); NUM(false_positive); NUM(risk_accepted);
		NUM(kev_open); NUM(sla_met); NUM(sla_total); NUM(open_in_sla);
		NUM(open_with_due);
#undef NUM
		fl_json_key(&j, "mttr_days");
		if (s.mttr_days < 0)
			fl_json_null(&j);
		else
			fl_json_num(&j, s.mttr_days);
		fl_json_obj_close(&j);
		printf("%s\n", fl_buf_str(&b));
		fl_buf_release(&b);
		return 0;
	}
	printf("open findings by priority and age (days since first seen), "
	       "%s\n\n", w.today);
	printf("%-9s %6s %8s %6s %6s %6s %6s %8s %9s\n", "priority", "open",
	       "overdue", "<=30", "<=90", "<=180", ">180", "SLA days",
	       "MTTR days");
	for (p = 1; p <= 4; p++) {
		char mttr[16] = "-";

		if (s.mttr_by_prio[p] >= 0)
			snprintf(mttr, sizeof(mttr), "%.1f", s.mttr_by_prio[p]);
		printf("%-9s %6ld %8ld %6ld %6ld %6ld %6ld %8d %9s\n", pn[p],
		       s.open[p], s.overdue[p], s.age[p][0], s.age[p][1],
		       s.age[p][2], s.age[p][3], sla.days[p], mttr);
	}
	printf("%-9s %6ld\n\n", "info", s.open[0]);
	printf("not seen in the last scan: %ld   in KEV: %ld\n", s.not_seen,
	       s.kev_open);
	printf("closed: %ld fixed, %ld false positive; %ld risk accepted\n",
	       s.fixed, s.false_positive, s.risk_accepted);
	if (s.sla_total > 0)
		printf("SLA compliance, fixed: %ld of %ld within the deadline "
		       "(%.0f%%)\n", s.sla_met, s.sla_total,
		       100.0 * (double)s.sla_met / (double)s.sla_total);
	else
		printf("SLA compliance, fixed: no fixed finding had a deadline\n");
	if (s.open_with_due > 0)
		printf("SLA compliance, open: %ld of %ld still within the "
		       "deadline (%.0f%%)\n", s.open_in_sla, s.open_with_due,
		       100.0 * (double)s.open_in_sla / (double)s.open_with_due);
	if (s.mttr_days >= 0)
		printf("mean time to remediate: %.1f days\n", s.mttr_days);
	else
		printf("mean time to remediate: no finding fixed yet\n");
	return 0;
}

static const struct fl_opt stats_opts[] = {
	{"scope", FL_OPT_VALUE, "NAME", "only this scope"},
	OPT_END
};

/* ---- vuln set, risk, escalate, sla ---------------------------------------------- */

/*
 * One change per finding named on the command line, all in one unit of
 * work: every id is checked before anything is changed, and the first
 * refusal rolls the whole command back.
 */
typedef fl_err (*finding_fn)(struct fl_ctx *ctx, const struct fl_args *a,
			     long long id, int *counted);

static int
each_finding(struct fl_ctx *ctx, const struct fl_args *a, finding_fn fn,
	     int *counted)
{
	struct work w;
	long long id = 0;
	int i, code;
	fl_err rc = FL_OK;

	*counted = 0;
	for (i = 0; i < a->npos; i++)
		if (finding_id(a->pos[i], &id) != 0)
			return fl_cli_usage(ctx, "'%s' is not a finding id",
					    a->pos[i]);
	if ((code = work_begin(ctx, &w, 0)) != 0)
		return code;
	for (i = 0; rc == FL_OK && i < a->npos; i++) {
		finding_id(a->pos[i], &id);
		rc = fn(ctx, a, id, counted);
	}
	return work_end(ctx, &w, rc);
}

static fl_err
set_one(struct fl_ctx *ctx, const struct fl_args *a, long long id, int *counted)
{
	(void)counted;
	return fl_vuln_set_status(ctx->st, id, fl_arg(a, "status"),
				  fl_arg(a, "reason"), &ctx->diag);
}

static int
run_set(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *status = fl_arg(a, "status");
	int code, n;

	if (status == NULL)
		return fl_cli_usage(ctx, "--status is required (false_positive, "
				    "fixed or open)");
	if ((code = each_finding(ctx, a, set_one, &n)) != 0)
		return code;
	printf("%d finding%s now %s\n", a->npos, a->npos == 1 ? "" : "s", status);
	return 0;
}

static const struct fl_opt set_opts[] = {
	{"status", FL_OPT_VALUE, "STATUS", "false_positive, fixed or open"},
	{"reason", FL_OPT_VALUE, "TEXT",
	 "why (required for false_positive and fixed)"},
	OPT_END
};

static fl_err
risk_one(struct fl_ctx *ctx, const struct fl_args *a, long long id,
	 int *counted)
{
	int accepted = 0;
	fl_err rc = fl_vuln_link_risk(ctx->st, id, fl_arg(a, "risk"), &accepted,
				      &ctx->diag);

	*counted += accepted;
	return rc;
}

static int
run_risk(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *risk = fl_arg(a, "risk");
	int code, nacc;

	if (risk == NULL)
		return fl_cli_usage(ctx, "--risk R-NNNN is required");
	if ((code = each_finding(ctx, a, risk_one, &nacc)) != 0)
		return code;
	printf("%d finding%s linked to %s", a->npos, a->npos == 1 ? "" : "s",
	       risk);
	if (nacc > 0)
		printf("; %d risk-accepted until the acceptance ends", nacc);
	printf("\n");
	return 0;
}

static const struct fl_opt risk_opts[] = {
	{"risk", FL_OPT_VALUE, "REF", "the risk (R-NNNN) that covers the findings"},
	OPT_END
};

static int
run_escalate(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	struct work w;
	int code;
	fl_err rc;

	if ((code = work_begin(ctx, &w, 1)) != 0)
		return code;
	fl_table_init(&t);
	rc = fl_vuln_escalate(ctx->st, w.today, !fl_flag(a, "dry-run"),
			      fl_table_add, &t, &ctx->diag);
	if (rc == FL_OK && t.err != FL_OK)
		rc = t.err;
	if ((code = work_end(ctx, &w, rc)) != 0) {
		fl_table_release(&t);
		return code;
	}
	if (!ctx->json && t.nrows == 0) {
		printf("no overdue P1 finding without a risk\n");
		fl_table_release(&t);
		return 0;
	}
	code = fl_table_print(ctx, &t, fl_flag(a, "dry-run")
			      ? "scanner,rule,title,findings,assets,oldest_due"
			      : "risk,title,findings,assets,oldest_due");
	fl_table_release(&t);
	return code;
}

static const struct fl_opt escalate_opts[] = {
	{"dry-run", FL_OPT_FLAG, NULL, "only list what would be proposed"},
	OPT_END
};

static int
run_sla(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *set = fl_arg(a, "set");
	struct fl_vuln_sla s;
	char text[80], err[128];
	long changed = 0;
	int code;
	fl_err rc;

	if ((rc = fl_vuln_sla_get(ctx->st, &s, &ctx->diag)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	if (set != NULL) {
		struct work w;

		if (fl_vuln_sla_parse(set, &s, err, sizeof(err)) != 0)
			return fl_cli_usage(ctx, "--set: %s", err);
		if ((code = work_begin(ctx, &w, 0)) != 0)
			return code;
		rc = fl_vuln_sla_set(ctx->st, &s, &ctx->diag);
		if (rc == FL_OK)
			rc = fl_vuln_reprioritize(ctx->st, 1, &changed, &ctx->diag);
		if ((code = work_end(ctx, &w, rc)) != 0)
			return code;
	}
	fl_vuln_sla_format(&s, text, sizeof(text));
	if (ctx->json)
		printf("{\"P1\":%d,\"P2\":%d,\"P3\":%d,\"P4\":%d}\n", s.days[1],
		       s.days[2], s.days[3], s.days[4]);
	else
		printf("%s%s\n", text, set ? " (deadlines recomputed)" : "");
	return 0;
}

static const struct fl_opt sla_opts[] = {
	{"set", FL_OPT_VALUE, "P1=D,...",
	 "change the days per priority (e.g. P1=14,P2=30)"},
	OPT_END
};

/* ---- vuln enrich ----------------------------------------------------------------- */

struct enrich {
	struct fl_store *st;
	long n;
	char version[64];
	char score_date[16];
};

static fl_err
on_kev(void *ctx, const struct fl_kev_entry *e, struct fl_diag *d)
{
	struct enrich *x = ctx;
	struct fl_vuln_kev k;

	k.cve = e->cve;
	k.vendor = e->vendor;
	k.product = e->product;
	k.name = e->name;
	k.date_added = e->date_added;
	k.due_date = e->due_date;
	k.ransomware = e->ransomware == FL_KEV_RANSOM_KNOWN ? "known" : "unknown";
	if (x->n == 0 && e->catalog_version != NULL)
		fl_strlcpy(x->version, e->catalog_version, sizeof(x->version));
	x->n++;
	return fl_vuln_kev_put(x->st, &k, d);
}

static fl_err
on_epss(void *ctx, const struct fl_epss_entry *e, struct fl_diag *d)
{
	struct enrich *x = ctx;
	struct fl_vuln_epss v;

	v.cve = e->cve;
	v.score = e->score;
	v.percentile = e->percentile;
	v.score_date = e->score_date;
	if (x->n == 0 && e->score_date != NULL)
		fl_strlcpy(x->score_date, e->score_date, sizeof(x->score_date));
	x->n++;
	return fl_vuln_epss_put(x->st, &v, d);
}

static fl_err
enrich_file(struct fl_ctx *ctx, const char *path, int kev, struct enrich *x)
{
	struct fl_buf b;
	enum fl_intel_kind k;
	fl_err rc;

	fl_buf_init(&b, (size_t)512 << 20);
	if ((rc = fl_buf_read_file(&b, path, &ctx->diag)) != FL_OK) {
		fl_buf_release(&b);
		return rc;
	}
	k = fl_intel_sniff(b.data ? b.data : "", b.len);
	if (kev && k != FL_INTEL_KEV_JSON && k != FL_INTEL_KEV_CSV)
		rc = fl_diag_set(&ctx->diag, FL_E_SYNTAX, path, 1, 1, "not a KEV "
				 "catalogue (CISA's JSON or CSV)%s",
				 k == FL_INTEL_UNKNOWN ? "" : ": is it --epss?");
	else if (!kev && k != FL_INTEL_EPSS_FIRST && k != FL_INTEL_EPSS_KEV)
		rc = fl_diag_set(&ctx->diag, FL_E_SYNTAX, path, 1, 1, "not an EPSS "
				 "file (FIRST's CSV or the KEV_EPSS CSV)%s",
				 k == FL_INTEL_UNKNOWN ? "" : ": is it --kev?");
	else if (kev && (rc = fl_vuln_kev_clear(ctx->st, &ctx->diag)) == FL_OK)
		rc = fl_intel_parse_kev(b.data, b.len, path, on_kev, x, &ctx->diag);
	else if (!kev)
		rc = fl_intel_parse_epss(b.data, b.len, path, on_epss, x,
					 &ctx->diag);
	fl_buf_release(&b);
	return rc;
}

static int
run_enrich(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *kev = fl_arg(a, "kev"), *epss = fl_arg(a, "epss");
	struct enrich xk, xe;
	char what[16] = "";
	long kf = 0, ef = 0;
	struct work w;
	int code;
	fl_err rc = FL_OK;

	if (kev == NULL && epss == NULL)
		return fl_cli_usage(ctx, "give --kev FILE, --epss FILE or both");
	memset(&xk, 0, sizeof(xk));
	memset(&xe, 0, sizeof(xe));
	xk.st = xe.st = ctx->st;
	if ((code = work_begin(ctx, &w, 0)) != 0)
		return code;
	if (kev != NULL)
		rc = enrich_file(ctx, kev, 1, &xk);
	if (rc == FL_OK && epss != NULL)
		rc = enrich_file(ctx, epss, 0, &xe);
	snprintf(what, sizeof(what), "%s%s%s", kev ? "kev" : "",
		 kev && epss ? "," : "", epss ? "epss" : "");
	if (rc == FL_OK)
		rc = fl_vuln_enrich_done(ctx->st, what, xk.n, xe.n, &kf, &ef,
					 &ctx->diag);
	if ((code = work_end(ctx, &w, rc)) != 0)
		return code;
	if (ctx->json) {
		printf("{\"kev\":%ld,\"kev_version\":", xk.n);
		if (xk.version[0])
			printf("\"%s\"", xk.version);
		else
			printf("null");
		printf(",\"epss\":%ld,\"epss_date\":", xe.n);
		if (xe.score_date[0])
			printf("\"%s\"", xe.score_date);
		else
			printf("null");
		printf(",\"kev_findings\":%ld,\"epss_findings\":%ld}\n", kf, ef);
		return 0;
	}
	if (kev != NULL)
		printf("KEV: %ld entries%s%s\n", xk.n,
		       xk.version[0] ? ", catalogue " : "", xk.version);
	if (epss != NULL)
		printf("EPSS: %ld scores%s%s\n", xe.n,
		       xe.score_date[0] ? " of " : "", xe.score_date);
	printf("findings to remediate: %ld in KEV, %ld with an EPSS score; "
	       "priorities recomputed\n", kf, ef);
	return 0;
}

static const struct fl_opt enrich_opts[] = {
	{"kev", FL_OPT_VALUE, "FILE",
	 "CISA's KEV catalogue, JSON or CSV (replaces the one loaded)"},
	{"epss", FL_OPT_VALUE, "FILE",
	 "EPSS scores: FIRST's daily CSV or the KEV_EPSS CSV"},
	OPT_END
};

const struct fl_cmd fl_cmds_vuln[] = {
	{"vuln", "formats", "", "list the scanner report formats firstline reads",
	 "Every format `vuln parse` and `vuln import` read, by the name that "
	 "--format takes: nessus (Tenable .nessus v2 XML), tenable-was-xml, "
	 "tenable-csv (Nessus, Tenable.io/.sc and WAS CSV exports), "
	 "openvas-xml, openvas-csv (OpenVAS / Greenbone), qualys-xml, "
	 "qualys-csv, nmap (XML with NSE results such as vulners), trivy (JSON, "
	 "legacy and schema 2, Kubernetes), grype (JSON), sarif (SARIF 2.1.0), "
	 "nuclei (JSON and JSON lines), zap (OWASP ZAP XML) and burp (Burp "
	 "Suite XML). The format of a report is detected from its content, "
	 "never from its name; --format overrides the guess. XML is streamed "
	 "and any DOCTYPE is refused, so no entity is ever expanded or fetched.",
	 NULL, 0, 0, FL_CMD_NODB | FL_CMD_JSON, run_formats,
	 "name (as --format takes it), label"},
	{"vuln", "parse", "FILE", "read a scanner report without storing it",
	 "Reads one report and prints its findings without touching the "
	 "database. Findings are grouped the way DefectDojo's parser for the "
	 "format groups them (for instance one Nessus finding per plugin and "
	 "severity across all hosts, with every host as a location), so the "
	 "reading can be compared with an independent implementation; --raw "
	 "shows one finding per report item instead, as `vuln import` stores "
	 "them.\n\n"
	 "Bad input (truncated XML, a JSON syntax error, an empty XML file, a "
	 "DOCTYPE that declares entities) is refused with FILE:LINE:COL and "
	 "exit 65.",
	 parse_opts, 1, 1, FL_CMD_NODB | FL_CMD_JSON, run_parse,
	 "one object {format, grouping, findings}; each finding has title, "
	 "severity (Info..Critical), cwe, cwes, cvssv3_score, cvssv4_score, "
	 "epss_score, epss_percentile, vuln_ids, cvssv3, cvssv4, "
	 "vuln_id_from_tool, unique_id_from_tool, component_name, "
	 "component_version, file_path, fix_version, mitigation, references, "
	 "description, impact, service, date, evidence, line, fix_available, "
	 "status (open, fixed, false_positive), authenticated, nb_occurences, "
	 "locations [{host, port, protocol, path}], report_line"},
	{"vuln", "import", "FILE...", "import scanner reports into the register",
	 "Reads each report (format detected from its content, or --format) "
	 "and stores one finding per rule and place: asset and port/protocol, "
	 "URL path, component and version, or file and line. Assets are matched "
	 "by name, hostname, FQDN or IP address and created as discovered when "
	 "unknown. A finding's identity uses stable keys only (the scanner's "
	 "rule id, the place), so the same vulnerability in the next scan is "
	 "the same finding, with its first and last sighting and every scan "
	 "that saw it.\n\n"
	 "Re-scans: a finding of the same scope that a newer scan no longer "
	 "shows is fixed when that scan covered its host and port (and logged "
	 "in, for a credentialed check), otherwise not seen. A fixed or not "
	 "seen finding that reappears is reopened with its history; a new "
	 "severity is an update. Importing the same file again changes "
	 "nothing: its SHA-256 identifies it (vuln scans --json shows it).\n\n"
	 "Each file is one transaction: a bad report is refused with "
	 "FILE:LINE:COL and exit 65, and nothing of it is stored.",
	 import_opts, 1, -1, FL_CMD_JSON, run_import,
	 "one object per file: file, format, scope, duplicate, scan, items, "
	 "hosts, discovered, created, reopened, changed, fixed, not_seen, "
	 "unchanged"},
	{"vuln", "scans", "", "list imported scans",
	 "Every imported report with what it changed; --json adds the "
	 "report's SHA-256.", scans_opts, 0, 0,
	 FL_CMD_JSON, run_scans,
	 "id, scope, format, source, name, scanned_at, imported_at, "
	 "imported_by, items, hosts, created, reopened, changed, fixed, "
	 "not_seen, unchanged"},
	{"vuln", "list", "", "list findings, most urgent first",
	 "Findings still to remediate (open and not seen) by default, ordered "
	 "by priority and deadline. Priorities follow one formula: base = CVSS "
	 "v4, else v3, else by severity (Critical 9.5, High 8.0, Medium 5.5, "
	 "Low 2.5, Info 0); score = base + 0.5 x (asset criticality - 2) + 1.5 "
	 "when EPSS >= 0.5, + 1.0 when EPSS >= 0.1, - 0.5 when EPSS < 0.01; P1 "
	 "when the CVE is in CISA's KEV or score >= 9, P2 >= 7, P3 >= 4, else "
	 "P4; informational findings have no priority. The deadline is first "
	 "seen + the SLA of the priority (vuln sla), and a KEV finding is due no "
	 "later than CISA's date.",
	 list_opts, 0, 0, FL_CMD_JSON, run_list,
	 "id, priority, due, overdue (0/1), status, severity, title, asset, "
	 "place, cve (first), cves (count), kev (0/1), kev_due, epss, cvss, "
	 "scanner, rule, scope, first_seen, last_seen, risk"},
	{"vuln", "show", "ID", "show a finding with its history",
	 "Every field of the finding, the scanner's text, its CVEs with KEV "
	 "and EPSS, its history (who changed what, when and why) and every "
	 "scan that saw it.", NULL, 1, 1, FL_CMD_JSON, run_show,
	 "the fields of vuln list and description, mitigation, references, "
	 "cvss3, cvss3_vector, cvss4, cvss4_vector, cwe, component, "
	 "component_version, file_path, line, port, protocol, path, "
	 "authenticated, evidence, status_reason, status_by, status_at, "
	 "fixed_at, times_reopened, priority_score, scans (count); and arrays "
	 "cves [{cve, kev_due, ransomware, epss, epss_percentile}], history "
	 "[{at, actor, kind, from, to, reason, scan}], scans [{scan, "
	 "scanned_at, source, severity}]"},
	{"vuln", "stats", "", "open findings by priority and age, SLA compliance",
	 "Open findings by priority and age, how many are past their deadline, "
	 "SLA compliance (fixed within the deadline, open still within it) and "
	 "the mean time to remediate (first seen to fixed).",
	 stats_opts, 0, 0, FL_CMD_JSON, run_stats,
	 "one object: today, open {P1..P4: {open, overdue, sla_days, age "
	 "[<=30, <=90, <=180, >180 days], mttr_days}, info}, not_seen, fixed, "
	 "false_positive, risk_accepted, kev_open, sla_met, sla_total, "
	 "open_in_sla, open_with_due, mttr_days"},
	{"vuln", "set", "ID...", "mark findings false positive, fixed or open",
	 "The status workflow: false_positive needs --reason (why it is not a "
	 "vulnerability), fixed needs --reason (how the fix was verified, e.g. "
	 "a retest), open reopens a finding. Each change is kept with who and "
	 "when. Risk acceptance goes through `vuln risk`.",
	 set_opts, 1, -1, 0, run_set, NULL},
	{"vuln", "risk", "ID...", "link findings to a risk (acceptance)",
	 "Links findings to a risk of the register. When the risk is accepted "
	 "(with its approver and expiry), the findings become risk_accepted; "
	 "when the acceptance expires or the risk is reopened, they are "
	 "reopened by the next vuln command.",
	 risk_opts, 1, -1, 0, run_risk, NULL},
	{"vuln", "escalate", "", "propose a risk for every overdue P1 no risk covers",
	 "Finds every P1 finding past its deadline that no risk covers, grouped "
	 "by scanner rule, and proposes a risk per rule in the register (status "
	 "identified, linked to the affected assets and the findings), ready "
	 "to be assessed and escalated to the ISO. --dry-run only lists them.",
	 escalate_opts, 0, 0, FL_CMD_JSON, run_escalate,
	 "risk (new reference, null with --dry-run), scanner, rule, title, "
	 "findings, assets, oldest_due"},
	{"vuln", "enrich", "", "load CISA KEV and FIRST EPSS (offline files)",
	 "Loads the threat intelligence that prioritises findings, from files "
	 "the user refreshes: CISA's Known Exploited Vulnerabilities catalogue "
	 "(JSON or CSV as CISA publishes it; replaces the one loaded) and EPSS "
	 "scores (FIRST's daily CSV with its #model_version comment line, or "
	 "the KEV_EPSS CSV; updated per CVE). Findings get KEV membership with "
	 "CISA's due date and EPSS, and every priority and deadline is "
	 "recomputed. One transaction: a bad file (FILE:LINE:COL, exit 65) "
	 "changes nothing.",
	 enrich_opts, 0, 0, FL_CMD_JSON, run_enrich,
	 "one object: kev (entries), kev_version, epss (scores), epss_date, "
	 "kev_findings, epss_findings"},
	{"vuln", "sla", "", "show or set the remediation time per priority",
	 "Days to remediate per priority; the defaults are P1 7, P2 30, P3 90, "
	 "P4 180. A KEV finding is due no later than CISA's date whatever its "
	 "priority's days. Changing them recomputes every deadline.",
	 sla_opts, 0, 0, FL_CMD_JSON, run_sla, "one object {P1, P2, P3, P4} (days)"},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
