/*
 * profile: OSCAL profiles in JSON, read for their selection.  A profile
 * names controls of another catalogue ("imports": include-controls with-ids,
 * include-all, exclude-controls with-ids); `catalog import` resolves the
 * selection against a framework catalogue already in the database.
 *
 * It reads the metadata and the selection only: "merge" and "modify"
 * (set-params, alters) are not applied, so a baseline imported from a
 * profile carries the framework's own text.  It refuses: anything that is
 * not {"profile": {...}}, a profile without a metadata title or without
 * imports, an import that selects nothing or both include-all and
 * include-controls, a selector without with-ids (a "matching" pattern
 * cannot be resolved against stored ids), an id that is not a non-empty
 * string, duplicate JSON keys, more ids than PROF_MAX_IDS.  jansson gives
 * line and column for JSON syntax errors; structure errors point at the
 * start of the file, because jansson's tree carries no positions.
 */
#include "ingest.h"

#include <jansson.h>

#define PROF_MAX_IDS 200000

int
fl_oscal_profile_sniff(const char *data, size_t len)
{
	static const char want[] = "\"profile\"";
	size_t i = 0;

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
	return len - i >= sizeof want - 1 &&
	       memcmp(data + i, want, sizeof want - 1) == 0;
}

/* A string member: *out NULL when absent; a non-string is refused. */
static fl_err
opt_str(json_t *o, const char *name, const char **out, const char *file,
	const char *where, struct fl_diag *d)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL)
		return FL_OK;
	if (!json_is_string(v))
		return fl_diag_set(d, FL_E_SYNTAX, file, 1, 1,
				   "%s \"%s\" is not a string", where, name);
	*out = json_string_value(v);
	return FL_OK;
}

/* Append the with-ids of a selector array (include- or exclude-controls). */
static fl_err
add_ids(json_t *sels, const char *what, size_t imp_no, const char ***ids,
	size_t *n, size_t *cap, const char *file, struct fl_diag *d)
{
	json_t *sel, *with, *id;
	size_t i, k;

	if (!json_is_array(sels))
		return fl_diag_set(d, FL_E_SYNTAX, file, 1, 1,
				   "import %zu: \"%s\" is not an array", imp_no,
				   what);
	json_array_foreach(sels, i, sel) {
		with = json_is_object(sel) ? json_object_get(sel, "with-ids")
					   : NULL;
		if (!json_is_array(with))
			return fl_diag_set(d, FL_E_SYNTAX, file, 1, 1,
					   "import %zu: %s selector %zu has no"
					   " \"with-ids\" array (only with-ids"
					   " selects controls)", imp_no, what,
					   i + 1);
		json_array_foreach(with, k, id) {
			if (!json_is_string(id) || json_string_length(id) == 0)
				return fl_diag_set(d, FL_E_SYNTAX, file, 1, 1,
						   "import %zu: %s id %zu is not"
						   " a non-empty string", imp_no,
						   what, k + 1);
			if (*n >= PROF_MAX_IDS)
				return fl_diag_set(d, FL_E_LIMIT, file, 1, 1,
						   "more than %d control ids",
						   PROF_MAX_IDS);
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				const char **p = realloc(*ids, nc * sizeof *p);
				if (p == NULL)
					return fl_diag_set(d, FL_E_NOMEM, file, 0, 0,
							   "out of memory");
				*ids = p;
				*cap = nc;
			}
			(*ids)[(*n)++] = json_string_value(id);
		}
	}
	return FL_OK;
}

fl_err
fl_oscal_profile_parse(const char *data, size_t len, const char *filename,
		       fl_profile_fn fn, void *ctx, struct fl_diag *d)
{
	struct fl_oscal_profile p;
	json_error_t jerr;
	json_t *root, *prof, *meta, *imports, *im, *inc;
	const char **ids = NULL, **xids = NULL, *href;
	size_t i, nids = 0, cap = 0, nx = 0, xcap = 0;
	fl_err rc = FL_OK;

	memset(&p, 0, sizeof p);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, filename,
				   jerr.line > 0 ? (unsigned long)jerr.line : 1,
				   jerr.column > 0 ? (unsigned long)jerr.column : 1,
				   "%s", jerr.text);
	prof = json_is_object(root) ? json_object_get(root, "profile") : NULL;
	meta = json_is_object(prof) ? json_object_get(prof, "metadata") : NULL;
	imports = json_is_object(prof) ? json_object_get(prof, "imports") : NULL;
	if (!json_is_object(prof)) {
		rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				 "not an OSCAL profile: expected an object"
				 " with a \"profile\" object");
		goto out;
	}
	if (!json_is_object(meta)) {
		rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				 "the profile has no \"metadata\" object");
		goto out;
	}
	if ((rc = opt_str(prof, "uuid", &p.uuid, filename, "profile", d)) != FL_OK ||
	    (rc = opt_str(meta, "title", &p.title, filename, "metadata", d)) != FL_OK ||
	    (rc = opt_str(meta, "version", &p.version, filename, "metadata", d)) != FL_OK ||
	    (rc = opt_str(meta, "oscal-version", &p.oscal_version, filename,
			  "metadata", d)) != FL_OK ||
	    (rc = opt_str(meta, "last-modified", &p.last_modified, filename,
			  "metadata", d)) != FL_OK)
		goto out;
	if (p.title == NULL || *p.title == '\0') {
		rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				 "the profile has no metadata \"title\"");
		goto out;
	}
	if (!json_is_array(imports) || json_array_size(imports) == 0) {
		rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
				 "the profile has no \"imports\" array");
		goto out;
	}
	json_array_foreach(imports, i, im) {
		if (!json_is_object(im)) {
			rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
					 "import %zu is not an object", i + 1);
			goto out;
		}
		if ((rc = opt_str(im, "href", &href, filename, "import",
				  d)) != FL_OK)
			goto out;
		inc = json_object_get(im, "include-controls");
		if (json_object_get(im, "include-all") != NULL) {
			if (!json_is_object(json_object_get(im, "include-all")) ||
			    inc != NULL) {
				rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
						 "import %zu: \"include-all\" must be"
						 " an object, without include-controls",
						 i + 1);
				goto out;
			}
			p.include_all = 1;
		} else if (inc == NULL) {
			rc = fl_diag_set(d, FL_E_SYNTAX, filename, 1, 1,
					 "import %zu selects nothing (no"
					 " include-controls or include-all)", i + 1);
			goto out;
		} else if ((rc = add_ids(inc, "include-controls", i + 1, &ids,
					 &nids, &cap, filename, d)) != FL_OK) {
			goto out;
		}
		if (json_object_get(im, "exclude-controls") != NULL &&
		    (rc = add_ids(json_object_get(im, "exclude-controls"),
				  "exclude-controls", i + 1, &xids, &nx, &xcap,
				  filename, d)) != FL_OK)
			goto out;
	}
	p.ids = ids;
	p.nids = nids;
	p.xids = xids;
	p.nxids = nx;
	rc = fn ? fn(ctx, &p) : FL_OK;
out:
	free(ids);
	free(xids);
	json_decref(root);
	return rc;
}
