/*
 * bench_parsers: throughput of firstline's hot paths for the foundation:
 * the OSCAL and CSV readers (bytes in, records out, no database) and the
 * audit chain (append and verify N entries in a scratch database).
 *
 *   bench_parsers oscal FILE [RUNS]
 *   bench_parsers csv FILE [RUNS]
 *   bench_parsers audit N DBFILE
 *
 * Prints one line per measurement: what, size, best wall time, rate.
 * The reference figures (Python's json/csv modules on the same bytes) are
 * printed by bench/run.sh next to these.
 */
#include "ingest/ingest.h"
#include "store/store.h"

#include <sodium.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t nrec;

static fl_err
count_group(void *ctx, const struct fl_oscal_group *g)
{
	(void)ctx;
	(void)g;
	nrec++;
	return FL_OK;
}

static fl_err
count_control(void *ctx, const struct fl_oscal_control *c)
{
	(void)ctx;
	(void)c;
	nrec++;
	return FL_OK;
}

static fl_err
count_csv(void *ctx, const struct fl_csv_record *r, struct fl_diag *d)
{
	(void)ctx;
	(void)r;
	(void)d;
	nrec++;
	return FL_OK;
}

static int
bench_file(const char *kind, const char *path, int runs)
{
	struct fl_buf b;
	struct fl_diag d;
	double best = 1e30;
	int i;
	fl_err rc = FL_OK;

	fl_buf_init(&b, (size_t)1 << 31);
	if (fl_buf_read_file(&b, path, &d) != FL_OK) {
		fprintf(stderr, "%s: %s\n", path, d.msg);
		return 1;
	}
	for (i = 0; i < runs; i++) {
		double t0 = now_s(), dt;
		nrec = 0;
		if (strcmp(kind, "oscal") == 0) {
			struct fl_oscal_sink sink = {NULL, NULL, count_group,
						     count_control};
			rc = fl_oscal_parse(b.data, b.len, path, NULL, &sink, &d);
		} else {
			rc = fl_csv_parse(b.data, b.len, path, 0, NULL, count_csv,
					  NULL, &d);
		}
		dt = now_s() - t0;
		if (rc != FL_OK) {
			fprintf(stderr, "%s:%lu:%lu: %s\n", path, d.line, d.col, d.msg);
			return 1;
		}
		if (dt < best)
			best = dt;
	}
	printf("%-6s %-48s %8.2f MB %8zu records  best of %d: %8.1f ms  %7.1f MB/s\n",
	       kind, strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
	       (double)b.len / 1e6, nrec, runs, best * 1e3,
	       (double)b.len / 1e6 / best);
	fl_buf_release(&b);
	return 0;
}

static int
bench_audit(long n, const char *db)
{
	struct fl_store *st;
	struct fl_diag d;
	double t0, t1, t2;
	long i, checked = 0, bad = 0;

	unlink(db);
	if (fl_store_open(db, 1, &st, &d) != FL_OK) {
		fprintf(stderr, "%s\n", d.msg);
		return 1;
	}
	fl_store_set_actor(st, "bench");
	t0 = now_s();
	if (fl_store_begin(st) != FL_OK)
		return 1;
	for (i = 0; i < n; i++) {
		char obj[32];
		snprintf(obj, sizeof obj, "risk:R-%06ld", i);
		if (fl_store_audit(st, "risk.assess", obj,
				   "{\"inh_level\":\"medium\"}",
				   "{\"inh_level\":\"high\"}") != FL_OK) {
			fprintf(stderr, "append failed: %s\n", fl_store_errmsg(st));
			return 1;
		}
	}
	if (fl_store_commit(st) != FL_OK)
		return 1;
	t1 = now_s();
	if (fl_store_audit_verify(st, &checked, &bad, &d) != FL_OK) {
		fprintf(stderr, "verify failed: %s\n", d.msg);
		return 1;
	}
	t2 = now_s();
	printf("audit  append %ld entries (one transaction): %8.1f ms  %9.0f entries/s\n",
	       n, (t1 - t0) * 1e3, (double)n / (t1 - t0));
	printf("audit  verify %ld entries:                   %8.1f ms  %9.0f entries/s\n",
	       checked, (t2 - t1) * 1e3, (double)checked / (t2 - t1));
	fl_store_close(st);
	unlink(db);
	return 0;
}

int
main(int argc, char **argv)
{
	long runs = 5;

	if (sodium_init() < 0)
		return 1;
	if (argc >= 3 && (strcmp(argv[1], "oscal") == 0 || strcmp(argv[1], "csv") == 0)) {
		if (argc >= 4 && fl_parse_long(argv[3], 1, 1000, &runs) != 0)
			return 64;
		return bench_file(argv[1], argv[2], (int)runs);
	}
	if (argc == 4 && strcmp(argv[1], "audit") == 0) {
		long n;
		if (fl_parse_long(argv[2], 1, 100000000, &n) != 0)
			return 64;
		return bench_audit(n, argv[3]);
	}
	fprintf(stderr, "usage: bench_parsers oscal|csv FILE [RUNS] | audit N DBFILE\n");
	return 64;
}
