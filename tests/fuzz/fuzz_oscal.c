/*
 * fuzz_oscal: libFuzzer harness for the OSCAL catalog reader.  Each input
 * is read twice, with the default limits and with tight ones (so the limit
 * paths run too), into a sink that touches every string it is given and
 * checks what the reader promises: text fields within max_text, params_json
 * valid JSON, document order in seq, a diag on every refusal.  A broken
 * promise aborts, which the fuzzer reports like a crash.
 */
#include "ingest/ingest.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	size_t max_text;
	size_t groups, controls, bytes;
};

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
touch(struct fz *z, const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	check(n <= z->max_text);
	z->bytes += n;
}

static fl_err
fz_catalog(void *ctx, const struct fl_oscal_catalog *c)
{
	struct fz *z = ctx;

	touch(z, c->uuid);
	touch(z, c->title);
	touch(z, c->version);
	touch(z, c->oscal_version);
	touch(z, c->last_modified);
	touch(z, c->framework);
	return FL_OK;
}

static fl_err
fz_group(void *ctx, const struct fl_oscal_group *g)
{
	struct fz *z = ctx;

	check(g->id != NULL && g->title != NULL);
	check(g->seq == z->groups++);
	touch(z, g->id);
	touch(z, g->title);
	touch(z, g->class);
	touch(z, g->parent_id);
	return FL_OK;
}

static fl_err
fz_control(void *ctx, const struct fl_oscal_control *c)
{
	struct fz *z = ctx;

	check(c->id != NULL && c->id[0] != '\0' && c->title != NULL);
	check(c->seq == z->controls++);
	touch(z, c->id);
	touch(z, c->title);
	touch(z, c->class);
	touch(z, c->label);
	touch(z, c->sort_id);
	touch(z, c->group_id);
	touch(z, c->parent_id);
	touch(z, c->statement);
	touch(z, c->guidance);
	touch(z, c->objectives);
	touch(z, c->methods);
	if (c->params_json != NULL) {
		json_error_t e;
		json_t *j;
		check(strlen(c->params_json) <= z->max_text);
		j = json_loads(c->params_json, 0, &e);
		check(json_is_array(j));
		json_decref(j);
	}
	return FL_OK;
}

static void
run(const uint8_t *data, size_t size, const struct fl_oscal_limits *lim,
    size_t max_text)
{
	struct fz z = {max_text, 0, 0, 0};
	struct fl_oscal_sink sink = {&z, fz_catalog, fz_group, fz_control};
	struct fl_diag d;
	fl_err rc;

	fl_diag_clear(&d);
	rc = fl_oscal_parse((const char *)data, size, "fuzz", lim, &sink, &d);
	if (rc == FL_E_SYNTAX || rc == FL_E_LIMIT)
		check(d.msg[0] != '\0' && strcmp(d.file, "fuzz") == 0);
	else
		check(rc == FL_OK || rc == FL_E_NOMEM);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fl_oscal_limits tight = {6, 64, 8};

	run(data, size, NULL, (size_t)4 << 20);
	run(data, size, &tight, tight.max_text);
	return 0;
}
