/*
 * fuzz_intel_epss: fl_intel_parse_epss (FIRST's daily CSV and the
 * KEV_EPSS CSV) on arbitrary bytes.
 *
 * Besides the sanitizers, the harness checks what the reader promises and
 * aborts when a promise breaks: every row handed on has a CVE id, a score
 * and a percentile in [0,1], a CVSS3 in [0,10] or absent (< 0), a score
 * date that is YYYY-MM-DD when there is one, lines that never go back;
 * a refusal is FL_E_SYNTAX or FL_E_LIMIT with the file name, a position
 * and a reason; a callback's error comes back unchanged (the first byte,
 * when odd, stops at row two).
 */
#include <math.h>

#include "scan/intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	size_t n, stop_at;
	unsigned long line;
};

static void
check(int cond)
{
	if (!cond)
		abort();
}

static fl_err
on_row(void *ctx, const struct fl_epss_entry *e, struct fl_diag *d)
{
	struct fz *z = ctx;

	check(e->index == z->n++);
	check(e->line > z->line);
	z->line = e->line;
	check(e->cve != NULL && strncmp(e->cve, "CVE-", 4) == 0 &&
	      strlen(e->cve) >= 13 && strlen(e->cve) <= 28);
	check(isfinite(e->score) && e->score >= 0 && e->score <= 1);
	check(isfinite(e->percentile) && e->percentile >= 0 &&
	      e->percentile <= 1);
	check(e->cvss3 < 0 || (isfinite(e->cvss3) && e->cvss3 <= 10));
	check(e->score_date == NULL ||
	      (strlen(e->score_date) == 10 && e->score_date[4] == '-' &&
	       e->score_date[7] == '-'));
	if (z->n == z->stop_at)
		return fl_diag_set(d, FL_E_INVAL, "callback", 9, 9, "stop");
	return FL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z;
	struct fl_diag d;
	fl_err rc;

	memset(&z, 0, sizeof z);
	if (size > 0) {
		z.stop_at = (data[0] & 1) ? 2 : 0;
		data++, size--;
	}
	(void)fl_intel_sniff((const char *)data, size);
	fl_diag_clear(&d);
	rc = fl_intel_parse_epss((const char *)data, size, "fuzz.csv", on_row,
				 &z, &d);
	if (rc == FL_E_INVAL) {
		check(z.stop_at && z.n == z.stop_at);
		check(strcmp(d.file, "callback") == 0 && d.line == 9);
	} else if (rc != FL_OK) {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT);
		check(strcmp(d.file, "fuzz.csv") == 0);
		check(d.line >= 1 && d.col >= 1);
		check(d.msg[0] != '\0');
	}
	return 0;
}
