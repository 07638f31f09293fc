/*
 * store/incident_obs: observables (indicators) of incidents — normalised
 * so that one thing is stored once however it was written, linked to
 * every incident it was seen in, and searchable across all of them.
 *
 * Normalisation is the whole point: "198.51.100.7", "198[.]51.100.7" and
 * "hxxp://EVIL.example/x" must meet their earlier sightings.  It refuses
 * what it cannot make canonical (a hash of a length no algorithm has, a
 * "domain" with blanks) instead of storing a second spelling.
 */
#include "incident_int.h"

#include <ctype.h>
#include <strings.h>

static const char *const obs_types[] = {
	"ip", "domain", "url", "hash", "email", "account", "filename", NULL
};

int
fl_observable_type_valid(const char *type)
{
	int k;

	for (k = 0; type && obs_types[k]; k++)
		if (strcmp(type, obs_types[k]) == 0)
			return 1;
	return 0;
}

/* Replace each "from" (case-insensitive) by "to" in s (in place). */
static void
replace_ci(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), i = 0, n;

	/* to is never longer than from: the text only shrinks */
	while (s[i]) {
		if (strncasecmp(s + i, from, fl) == 0) {
			n = strlen(s + i + fl);
			memcpy(s + i, to, tl);
			memmove(s + i + tl, s + i + fl, n + 1);
			i += tl;
		} else {
			i++;
		}
	}
}

/* Undo the usual defanging of indicators in reports and tickets. */
static void
refang(char *s)
{
	static const char *const dots[] = {"[.]", "(.)", "{.}", "[dot]",
					   "(dot)", "{dot}", NULL};
	int k;

	for (k = 0; dots[k]; k++)
		replace_ci(s, dots[k], ".");
	replace_ci(s, "[:]", ":");
	replace_ci(s, "[@]", "@");
	replace_ci(s, "[at]", "@");
	replace_ci(s, "(at)", "@");
	replace_ci(s, "[://]", "://");
	if (strncasecmp(s, "hxxp", 4) == 0)
		memcpy(s, "http", 4);
	else if (strncasecmp(s, "fxp", 3) == 0)
		memcpy(s, "ftp", 3);
}

static void
lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
}

/* A host name: labels of [a-z0-9_-], 1..63 bytes, at most 253 in all. */
static int
domain_ok(const char *s)
{
	size_t n = strlen(s), lab = 0, i;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '_') || c >= 0x80)
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0;
}

fl_err
fl_observable_norm(const char *type, const char *value,
		   char out[static FL_OBS_VALUE_MAX], struct fl_diag *d)
{
	char *v = out, ip[64], *sep;
	size_t n, i;

	out[0] = '\0';
	if (!fl_observable_type_valid(type))
		return fl_diag_msg(d, FL_E_INVAL, "unknown observable type '%s' "
				   "(one of " FL_OBS_TYPES ")", type ? type : "");
	if (value == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "an observable needs a value");
	while (*value == ' ' || *value == '\t')
		value++;
	n = strlen(value);
	while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (n == 0)
		return fl_diag_msg(d, FL_E_INVAL, "an observable needs a value");
	if (n >= FL_OBS_VALUE_MAX)
		return fl_diag_msg(d, FL_E_INVAL, "observable longer than %d "
				   "bytes", FL_OBS_VALUE_MAX - 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
			return fl_diag_msg(d, FL_E_INVAL, "control character in "
					   "the observable");
	memcpy(v, value, n);
	v[n] = '\0';
	if (strcmp(type, "account") == 0 || strcmp(type, "filename") == 0)
		return FL_OK;
	if (strcmp(type, "hash") == 0) {
		lower(v, n);
		for (i = 0; i < n; i++)
			if (!isxdigit((unsigned char)v[i]))
				return fl_diag_msg(d, FL_E_INVAL, "a hash is hex "
						   "digits: '%s'", v);
		if (n != 32 && n != 40 && n != 64 && n != 128)
			return fl_diag_msg(d, FL_E_INVAL, "a hash has 32, 40, 64 "
					   "or 128 hex digits (MD5, SHA-1, "
					   "SHA-256, SHA-512), not %zu", n);
		return FL_OK;
	}
	refang(v);
	n = strlen(v);
	if (strcmp(type, "ip") == 0) {
		if (st_canon_ip(v, ip, sizeof ip) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is not an IP "
					   "address", v);
		fl_strlcpy(out, ip, FL_OBS_VALUE_MAX);
		return FL_OK;
	}
	if (strcmp(type, "domain") == 0) {
		lower(v, n);
		if (n > 1 && v[n - 1] == '.')
			v[--n] = '\0';
		if (st_canon_ip(v, ip, sizeof ip) == 0)
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is an IP address: "
					   "use type ip", v);
		if (!domain_ok(v))
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is not a domain "
					   "name (ASCII; an IDN in its xn-- "
					   "form)", v);
		return FL_OK;
	}
	if (strcmp(type, "email") == 0) {
		char *at = strchr(v, '@');

		lower(v, n);
		if (at == NULL || at == v || strchr(at + 1, '@') != NULL ||
		    !domain_ok(at + 1) || strchr(v, ' ') != NULL)
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is not an e-mail "
					   "address", v);
		return FL_OK;
	}
	/* url: scheme://[userinfo@]host[:port][/path...] */
	if ((sep = strstr(v, "://")) == NULL || sep == v)
		return fl_diag_msg(d, FL_E_INVAL, "'%s' is not a URL "
				   "(scheme://host/...)", v);
	for (i = 0; v + i < sep; i++)
		if (!(isalnum((unsigned char)v[i]) || v[i] == '+' ||
		      v[i] == '-' || v[i] == '.'))
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is not a URL "
					   "(bad scheme)", v);
	lower(v, (size_t)(sep - v));
	{
		char *host = sep + 3, *end = host, *at;

		while (*end && *end != '/' && *end != '?' && *end != '#')
			end++;
		/* userinfo keeps its case; the host does not have one */
		at = memchr(host, '@', (size_t)(end - host));
		if (at)
			host = at + 1;
		if (host == end)
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is not a URL (no "
					   "host)", v);
		lower(host, (size_t)(end - host));
		for (i = 0; v[i]; i++)
			if (v[i] == ' ')
				return fl_diag_msg(d, FL_E_INVAL, "a URL has no "
						   "blanks (encode them as %%20)");
	}
	return FL_OK;
}

/* ---- link, list, search ------------------------------------------------ */

fl_err
fl_incident_observable_add(struct fl_store *st, const char *ref,
			   const char *type, const char *value,
			   const char *tlp, time_t now, int *fresh,
			   struct fl_diag *d)
{
	struct inc in;
	char *norm, mark[16], nowiso[21], *row = NULL, text[600];
	long long oid = 0, have = 0;
	int r;
	fl_err rc;

	if (fresh)
		*fresh = 0;
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (tlp) {
		r = fl_incident_tlp_norm(tlp, mark);
		if (r == -2)
			return fl_diag_msg(d, FL_E_INVAL, "TLP:WHITE is TLP 1.0; "
					   "TLP 2.0 calls it CLEAR");
		if (r != 0)
			return fl_diag_msg(d, FL_E_INVAL, "unknown TLP marking "
					   "'%s' (one of " FL_INC_TLPS ")", tlp);
	} else {
		fl_strlcpy(mark, in.tlp, sizeof mark);
	}
	if ((norm = malloc(FL_OBS_VALUE_MAX)) == NULL)
		return FL_E_NOMEM;
	if ((rc = fl_observable_norm(type, value, norm, d)) != FL_OK)
		goto out;
	fl_time_iso(now, nowiso);
	rc = st_query_int(st, &oid, "SELECT id FROM observable WHERE type = ? AND"
			  " value = ?", "tt", type, norm);
	if (rc == FL_E_NOTFOUND) {
		rc = st_insert(st, &oid, "INSERT INTO observable (type, value,"
			       " first_seen) VALUES (?, ?, ?)", "ttt", type, norm,
			       nowiso);
		if (rc == FL_OK && fresh)
			*fresh = 1;
	}
	if (rc != FL_OK)
		goto out;
	rc = st_query_int(st, &have, "SELECT COUNT(*) FROM incident_observable"
			  " WHERE incident_id = ? AND observable_id = ?", "ii",
			  in.id, oid);
	if (rc == FL_OK && have)
		rc = st_exec(st, "UPDATE incident_observable SET tlp = ? WHERE"
			     " incident_id = ? AND observable_id = ?", "tii",
			     mark, in.id, oid);
	else if (rc == FL_OK)
		rc = st_exec(st, "INSERT INTO incident_observable (incident_id,"
			     " observable_id, tlp, added_at, added_by) VALUES (?,"
			     " ?, ?, ?, ?)", "iittt", in.id, oid, mark, nowiso,
			     fl_store_actor(st));
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "observable %s %.500s (TLP:%s)%s",
			 type, norm, mark, have ? " marking updated" : "");
		rc = inc_timeline(st, in.id, nowiso, "observable", text);
	}
	if (rc == FL_OK)
		rc = st_query_json(st, &row, "SELECT o.type, o.value, l.tlp,"
				   " l.added_at, l.added_by FROM"
				   " incident_observable l JOIN observable o ON"
				   " o.id = l.observable_id WHERE l.incident_id"
				   " = ? AND l.observable_id = ?", "ii", in.id,
				   oid);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK)
		rc = inc_audit_json(st, "incident.observable", &in, row);
out:
	free(row);
	free(norm);
	return rc;
}

fl_err
fl_incident_observables(struct fl_store *st, const char *ref, fl_row_fn fn,
			void *ctx, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT o.type, o.value, l.tlp, l.added_at, l.added_by,"
			" (SELECT COUNT(*) FROM incident_observable x WHERE"
			" x.observable_id = o.id AND x.incident_id <> l.incident_id)"
			" AS other_incidents FROM incident_observable l JOIN"
			" observable o ON o.id = l.observable_id WHERE"
			" l.incident_id = ? ORDER BY o.type, o.value",
			fn, ctx, "i", in.id);
}

#define NCAND 8

fl_err
fl_incident_observable_search(struct fl_store *st, const char *value,
			      const char *type, fl_row_fn fn, void *ctx,
			      struct fl_diag *d)
{
	char *cand[NCAND], *tmp;
	struct fl_diag quiet;
	int nc = 0, k, j;
	fl_err rc = FL_OK;

	if (type && !fl_observable_type_valid(type))
		return fl_diag_msg(d, FL_E_INVAL, "unknown observable type '%s' "
				   "(one of " FL_OBS_TYPES ")", type);
	if (value == NULL || *value == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "search for what? (--observable "
				   "VALUE)");
	memset(cand, 0, sizeof cand);
	/* the value in every normal form it has, as each type would store it */
	for (k = 0; obs_types[k] && rc == FL_OK; k++) {
		if (type && strcmp(type, obs_types[k]) != 0)
			continue;
		if ((tmp = malloc(FL_OBS_VALUE_MAX)) == NULL) {
			rc = FL_E_NOMEM;
			break;
		}
		if (fl_observable_norm(obs_types[k], value, tmp, &quiet) != FL_OK) {
			free(tmp);
			continue;
		}
		for (j = 0; j < nc; j++)
			if (strcmp(cand[j], tmp) == 0)
				break;
		if (j < nc || nc == NCAND)
			free(tmp);
		else
			cand[nc++] = tmp;
	}
	if (rc == FL_OK && nc == 0 && type) {
		/* say why the value is not one of that type */
		if ((tmp = malloc(FL_OBS_VALUE_MAX)) == NULL)
			return FL_E_NOMEM;
		rc = fl_observable_norm(type, value, tmp, d);
		free(tmp);
	}
	if (rc == FL_OK && nc > 0)
		rc = st_query(st,
			      "SELECT o.type, o.value, l.tlp, i.ref AS incident,"
			      " i.title, i.state, i.severity, l.added_at FROM"
			      " observable o JOIN incident_observable l ON"
			      " l.observable_id = o.id JOIN incident i ON i.id ="
			      " l.incident_id WHERE o.value IN (?, ?, ?, ?, ?, ?,"
			      " ?, ?) AND (CAST(? AS TEXT) IS NULL OR o.type = ?) ORDER BY"
			      " i.aware_at, i.ref",
			      fn, ctx, "tttt" "tttt" "tt", cand[0], cand[1],
			      cand[2], cand[3], cand[4], cand[5], cand[6], cand[7],
			      type, type);
	for (k = 0; k < NCAND; k++)
		free(cand[k]);
	return rc;
}
