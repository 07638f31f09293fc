/*
 * fuzz_intel_epss: fl_intel_parse_epss (FIRST's daily CSV and the
 * KEV_EPSS CSV) on arbitrary bytes (the body is fuzz_intel.h).
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

#define FUZZ_NAME "fuzz.csv"
#include "fuzz_intel.h"

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
	return fuzz_next(z, d);
}

static fl_err
fuzz_parse(const char *data, size_t size, struct fz *z, struct fl_diag *d)
{
	return fl_intel_parse_epss(data, size, FUZZ_NAME, on_row, z, d);
}
