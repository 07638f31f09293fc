/*
 * fuzz_csv: fl_csv_parse and the header lookups on arbitrary bytes.
 *
 * The first byte chooses the delimiter (detected, ',', ';' or tab) and
 * whether tight limits apply, so the limit paths are reached without
 * megabyte inputs.  Besides the sanitizers, the harness checks invariants
 * and aborts when one breaks: records are numbered from 0 without gaps and
 * their lines never go back; field lengths agree with the terminated
 * copies; a header lookup finds a column at or before the one it was taken
 * from; a syntax error has a position.  And a round trip: every accepted
 * input is written back with all fields quoted and parsed again, and must
 * give the same fields.
 */
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct fl_csv_header h;
	int have_header;
	size_t n;
	unsigned long last_line;
	struct fl_buf echo; /* the records, rewritten with every field quoted */
};

static void
check(int cond)
{
	if (!cond)
		abort();
}

static fl_err
on_record(void *ctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct fz *z = ctx;
	size_t k;
	long c;
	fl_err rc;

	(void)d;
	check(rec->index == z->n++);
	check(rec->line >= 1 && rec->line >= z->last_line);
	check(rec->nfields >= 1);
	z->last_line = rec->line;
	for (k = 0; k < rec->nfields; k++) {
		size_t i;

		check(strlen(rec->fields[k]) == rec->lens[k]);
		fl_buf_putc(&z->echo, k ? ',' : '\n');
		fl_buf_putc(&z->echo, '"');
		for (i = 0; i < rec->lens[k]; i++) {
			if (rec->fields[k][i] == '"')
				fl_buf_putc(&z->echo, '"');
			fl_buf_putc(&z->echo, rec->fields[k][i]);
		}
		fl_buf_putc(&z->echo, '"');
	}
	if (!z->have_header) {
		if ((rc = fl_csv_header_init(&z->h, rec)) != FL_OK)
			return rc;
		z->have_header = 1;
		check(z->h.n == rec->nfields);
		for (k = 0; k < z->h.n; k++) {
			c = fl_csv_col(&z->h, z->h.names[k]);
			check(c >= 0 && (size_t)c <= k);
		}
		return FL_OK;
	}
	for (c = -1; c <= (long)rec->nfields; c++) {
		const char *v = fl_csv_get(rec, c);
		check(v != NULL);
		if (c < 0 || (size_t)c >= rec->nfields)
			check(*v == '\0');
	}
	(void)fl_csv_get(rec, fl_csv_col(&z->h, "name"));
	(void)fl_csv_get(rec, fl_csv_col(&z->h, " IP address "));
	return FL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {0, ',', ';', '\t'};
	static const struct fl_csv_limits tight = {4, 16, 8};
	const struct fl_csv_limits *lim;
	struct fz z, again;
	struct fl_diag d;
	unsigned mode = 0;
	fl_err rc;

	if (size > 0) {
		mode = data[0];
		data++, size--;
	}
	lim = (mode & 4) ? &tight : NULL;
	memset(&z, 0, sizeof z);
	fl_buf_init(&z.echo, 64u << 20);
	fl_diag_clear(&d);
	rc = fl_csv_parse((const char *)data, size, "fuzz.csv", delims[mode & 3],
			  lim, on_record, &z, &d);
	if (rc == FL_E_SYNTAX || rc == FL_E_LIMIT) {
		check(strcmp(d.file, "fuzz.csv") == 0);
		check(d.line >= 1 && d.col >= 1);
		check(d.msg[0] != '\0');
	} else {
		check(rc == FL_OK);
	}
	fl_csv_header_release(&z.h);

	if (rc == FL_OK && z.echo.len > 0) {
		/* what was read, written back quoted, reads the same */
		memset(&again, 0, sizeof again);
		fl_buf_init(&again.echo, 64u << 20);
		rc = fl_csv_parse(z.echo.data + 1, z.echo.len - 1, "echo.csv", ',',
				  lim, on_record, &again, &d);
		check(rc == FL_OK);
		check(again.n == z.n);
		check(again.echo.len == z.echo.len &&
		      memcmp(again.echo.data, z.echo.data, z.echo.len) == 0);
		fl_csv_header_release(&again.h);
		fl_buf_release(&again.echo);
	}
	fl_buf_release(&z.echo);
	return 0;
}
