/*
 * fuzz_profile: fl_oscal_profile_sniff and fl_oscal_profile_parse on
 * arbitrary bytes.  Besides the sanitizers it checks: a refusal names the
 * file and a position; an accepted profile has a title and every id it
 * reports is a non-empty string; the callback comes at most once.
 */
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static fl_err
on_profile(void *ctx, const struct fl_oscal_profile *p)
{
	int *calls = ctx;
	size_t i;

	check((*calls)++ == 0);
	check(p->title && *p->title);
	for (i = 0; i < p->nids; i++)
		check(p->ids[i] && *p->ids[i]);
	for (i = 0; i < p->nxids; i++)
		check(p->xids[i] && *p->xids[i]);
	return FL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_diag d;
	int calls = 0;
	fl_err rc;

	(void)fl_oscal_profile_sniff((const char *)data, size);
	fl_diag_clear(&d);
	rc = fl_oscal_profile_parse((const char *)data, size, "fuzz.json",
				    on_profile, &calls, &d);
	if (rc == FL_OK) {
		check(calls == 1);
	} else {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT || rc == FL_E_NOMEM);
		check(strcmp(d.file, "fuzz.json") == 0);
		check(rc == FL_E_NOMEM || (d.line >= 1 && d.col >= 1));
		check(calls == 0);
	}
	return 0;
}
