/*
 * reqlist: the plain requirement lists that GRC tools publish for
 * regulations, one JSON object with an id, a name and an array of
 * requirements, each an id and a short title:
 *
 *	{"id": "DORA", "name": "DORA",
 *	 "controls": [{"id": "Art. 5(1)", "name": "Internal governance ..."}]}
 *
 * (the Probo framework files for DORA and NIS2 in the corpus).  They carry
 * no hierarchy and no text beyond an optional "description"; other members
 * (a "logo" with inline SVG, for one) are ignored, never shown.
 *
 * It refuses: anything that is not such an object, a requirement without
 * an id or a name, two requirements with the same id, duplicate JSON keys,
 * more requirements than the limit.  jansson gives line and column for
 * JSON syntax errors; the structure errors point at the start of the file,
 * because jansson's tree carries no positions.
 */
#include "ingest.h"

#include <jansson.h>

#define REQ_MAX_ITEMS 200000

/* The members a requirement list starts with; an OSCAL document starts
 * with its model name ("catalog", "profile") or "$schema". */
static const char *const first_keys[] = {
	"id", "name", "title", "version", "description", "controls",
	"requirements", "logo"
};

int
fl_reqlist_sniff(const char *data, size_t len)
{
	size_t i = 0, k, n;
	const char *key;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i >= len || data[i++] != '{')
		return 0;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i >= len || data[i++] != '"')
		return 0;
	key = data + i;
	for (n = 0; i + n < len && key[n] != '"' && key[n] != '\\' && n < 32; n++)
		;
	if (i + n >= len || key[n] != '"')
		return 0;
	for (k = 0; k < sizeof first_keys / sizeof *first_keys; k++)
		if (strlen(first_keys[k]) == n && memcmp(first_keys[k], key, n) == 0)
			return 1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *
str_member(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

fl_err
fl_reqlist_parse(const char *data, size_t len, const char *filename,
		 const struct fl_reqlist_sink *sink, struct fl_diag *d)
{
	struct fl_reqlist_meta meta;
	json_error_t jerr;
	json_t *root, *items, *it;
	const char **ids;
	size_t i, k;
	fl_err rc = FL_OK;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, filename,
				   jerr.line > 0 ? (unsigned long)jerr.line : 1,
				   jerr.column > 0 ? (unsigned long)jerr.column : 1,
				   "%s", jerr.text);
	items = json_object_get(root, "controls");
	if (items == NULL)
		items = json_object_get(root, "requirements");
	if (!json_is_object(root) || !json_is_array(items)) {
		json_decref(root);
		return fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				   "not a requirement list: expected an object"
				   " with a \"controls\" array");
	}
	if (json_array_size(items) > REQ_MAX_ITEMS) {
		json_decref(root);
		return fl_diag_set(d, FL_E_LIMIT, filename, 1, 1,
				   "more than %d requirements", REQ_MAX_ITEMS);
	}
	/* validate everything before the first callback */
	ids = calloc(json_array_size(items) + 1, sizeof *ids);
	if (ids == NULL) {
		json_decref(root);
		return fl_diag_set(d, FL_E_NOMEM, filename, 0, 0, "out of memory");
	}
	json_array_foreach(items, i, it) {
		const char *id = json_is_object(it) ? str_member(it, "id") : NULL;
		const char *name = json_is_object(it) ? str_member(it, "name") : NULL;
		if (id == NULL || *id == '\0' || name == NULL || *name == '\0') {
			free(ids);
			json_decref(root);
			return fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
					   "requirement %zu has no \"id\" or no"
					   " \"name\"", i + 1);
		}
		ids[i] = id;
	}
	/* duplicates: sorted, they sit next to each other */
	qsort(ids, json_array_size(items), sizeof *ids, cmp_str);
	for (k = 1; k < json_array_size(items); k++)
		if (strcmp(ids[k - 1], ids[k]) == 0) {
			rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
					 "duplicate requirement id '%s'", ids[k]);
			free(ids);
			json_decref(root);
			return rc;
		}
	free(ids);
	meta.id = str_member(root, "id");
	meta.name = str_member(root, "name");
	if (meta.name == NULL)
		meta.name = str_member(root, "title");
	meta.version = str_member(root, "version");
	if (sink->list)
		rc = sink->list(sink->ctx, &meta);
	json_array_foreach(items, i, it) {
		struct fl_reqlist_item r;
		if (rc != FL_OK)
			break;
		r.id = str_member(it, "id");
		r.name = str_member(it, "name");
		r.description = str_member(it, "description");
		r.seq = i;
		if (sink->item)
			rc = sink->item(sink->ctx, &r);
	}
	json_decref(root);
	return rc;
}
