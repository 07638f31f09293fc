/*
 * The body of every scanner-reader fuzz harness: fuzz_scan_NAME.c defines
 * FUZZ_FORMAT and includes this.  The bytes are read as that format (and,
 * when the first byte is odd, through detection instead, so the sniffers
 * are fuzzed too).  Besides the sanitizers it checks invariants and aborts
 * when one breaks: a refusal has a file, a position and a message; every
 * finding has a known severity and occurrence count, and its lists and
 * locations are consistent.
 */
#include <string.h>

#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static fl_err
on_finding(void *ctx, const struct fl_finding *f)
{
	size_t i;

	(void)ctx;
	check(f->severity >= FL_SEV_INFO && f->severity <= FL_SEV_CRITICAL);
	check(f->nb_occurences >= 1);
	check(f->nlocs <= f->locs_cap);
	for (i = 0; i < f->vuln_ids.n; i++)
		check(f->vuln_ids.v[i] != NULL);
	for (i = 0; i < f->nlocs; i++)
		check(f->locs[i].port <= 65535);
	return FL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_scan_src src;
	struct fl_scan_sink sink;
	const struct fl_scan_format *used;
	struct fl_diag d;
	int detect = 0;
	fl_err rc;

	if (size > 0) {
		detect = data[0] & 1;
		data++, size--;
	}
	memset(&sink, 0, sizeof(sink));
	sink.finding = on_finding;
	fl_diag_clear(&d);
	fl_scan_src_mem(&src, "fuzz.in", (const char *)data, size);
	rc = fl_scan_read_src(&src, detect ? NULL : FUZZ_FORMAT, &sink, &used, &d);
	if (rc == FL_E_SYNTAX || rc == FL_E_LIMIT) {
		check(strcmp(d.file, "fuzz.in") == 0);
		check(d.msg[0] != '\0');
	} else {
		check(rc == FL_OK);
	}
	return 0;
}
