/*
 * fuzz_reqlist: fl_reqlist_sniff and fl_reqlist_parse on arbitrary bytes.
 * Besides the sanitizers it checks: a refusal names the file and a
 * position; every reported requirement has a non-empty id and name and
 * comes in order; the list callback comes once, before the items.
 */
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	int lists;
	size_t items;
};

static void
check(int cond)
{
	if (!cond)
		abort();
}

static fl_err
on_list(void *ctx, const struct fl_reqlist_meta *m)
{
	struct fz *z = ctx;

	(void)m;
	check(z->lists++ == 0 && z->items == 0);
	return FL_OK;
}

static fl_err
on_item(void *ctx, const struct fl_reqlist_item *r)
{
	struct fz *z = ctx;

	check(z->lists == 1);
	check(r->seq == z->items++);
	check(r->id && *r->id && r->name && *r->name);
	return FL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_reqlist_sink sink = {NULL, on_list, on_item};
	struct fz z = {0, 0};
	struct fl_diag d;
	fl_err rc;

	(void)fl_reqlist_sniff((const char *)data, size);
	sink.ctx = &z;
	fl_diag_clear(&d);
	rc = fl_reqlist_parse((const char *)data, size, "fuzz.json", &sink, &d);
	if (rc == FL_OK) {
		check(z.lists == 1);
	} else {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT || rc == FL_E_NOMEM);
		check(strcmp(d.file, "fuzz.json") == 0);
		check(rc == FL_E_NOMEM || (d.line >= 1 && d.col >= 1));
		check(z.items == 0);
	}
	return 0;
}
