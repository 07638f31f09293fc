/*
 * The vulnerability register.  An import turns each raw finding of a
 * report into one row per rule and place (asset + port/protocol, URL path,
 * component and version, or file and line) within a scope, identified by a
 * hash of those stable keys only: never by free text such as plugin output,
 * so the same vulnerability in the next scan is the same finding.
 *
 * The hot path (one finding) is three statements: look the finding up,
 * insert or update it, record that this scan saw it.  Assets, rules and
 * their threat intelligence are looked up once per import and cached.  An
 * import is audited as one entry (scan.import, with its counts); each
 * finding's own history is in finding_event, and every status change a
 * person makes is audited on its own.
 */
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "store_int.h"
#include "vuln.h"

/* plugin output kept per finding; the rule's text is stored once */
#define EVIDENCE_MAX 1024
#define KEYPART_MAX 2048

/* ---- a small string -> integer map for the per-import caches ------------ */

struct smap_ent {
	char *key;
	long long val;
	long long aux;   /* a second value (asset criticality, ...) */
	double x, y;     /* rule: epss, cvss */
	char *text;      /* rule: kev due date */
};
struct smap {
	struct smap_ent *v;
	size_t n, cap; /* cap is a power of two */
};

static uint64_t
smap_hash(const char *s)
{
	return fl_scan_hash(s, strlen(s));
}

static struct smap_ent *
smap_get(struct smap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = (size_t)smap_hash(key) & (m->cap - 1); m->v[i].key != NULL;
	     i = (i + 1) & (m->cap - 1))
		if (strcmp(m->v[i].key, key) == 0)
			return &m->v[i];
	return NULL;
}

static fl_err smap_put(struct smap *m, const char *key, struct smap_ent **out);

static fl_err
smap_grow(struct smap *m)
{
	struct smap old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 256;
	m->n = 0;
	if ((m->v = calloc(m->cap, sizeof(*m->v))) == NULL) {
		*m = old;
		return FL_E_NOMEM;
	}
	for (i = 0; i < old.cap; i++) {
		struct smap_ent *e;
		size_t k;

		if (old.v[i].key == NULL)
			continue;
		for (k = (size_t)smap_hash(old.v[i].key) & (m->cap - 1);
		     m->v[k].key != NULL; k = (k + 1) & (m->cap - 1))
			;
		e = &m->v[k];
		*e = old.v[i];
		m->n++;
	}
	free(old.v);
	return FL_OK;
}

static void smap_free(struct smap *m);

/*
 * The caches only spare statements whose effect is idempotent (lookups,
 * ON CONFLICT DO NOTHING inserts), so when one grows past SMAP_MAX it is
 * simply emptied: memory stays flat however many hosts a report has, and
 * reports list a host's items together, so little is asked twice.
 */
#define SMAP_MAX 16384

static fl_err
smap_put(struct smap *m, const char *key, struct smap_ent **out)
{
	size_t i;
	fl_err rc;

	if (m->n >= SMAP_MAX)
		smap_free(m);
	if ((m->n + 1) * 2 > m->cap && (rc = smap_grow(m)) != FL_OK)
		return rc;
	for (i = (size_t)smap_hash(key) & (m->cap - 1); m->v[i].key != NULL;
	     i = (i + 1) & (m->cap - 1))
		if (strcmp(m->v[i].key, key) == 0) {
			*out = &m->v[i];
			return FL_OK;
		}
	memset(&m->v[i], 0, sizeof(m->v[i]));
	if ((m->v[i].key = fl_strdup(key)) == NULL)
		return FL_E_NOMEM;
	m->n++;
	*out = &m->v[i];
	return FL_OK;
}

static void
smap_free(struct smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->v[i].key);
		free(m->v[i].text);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static fl_err prio_basis_store(struct fl_store *st);

/* ---- families and small helpers ----------------------------------------- */

const char *
fl_vuln_family(const char *format)
{
	static const struct {
		const char *prefix, *family;
	} fam[] = {
		{"nessus", "tenable"}, {"tenable", "tenable"},
		{"openvas", "openvas"}, {"qualys", "qualys"},
	};
	size_t i;

	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		if (strncmp(format, fam[i].prefix, strlen(fam[i].prefix)) == 0)
			return fam[i].family;
	return format;
}

static int
sev_rank(const char *s)
{
	static const char *const names[] = {"Info", "Low", "Medium", "High",
					    "Critical"};
	int i;

	for (i = 0; s != NULL && i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return 0;
}

static void
hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A nullable number as text for binding: NULL when absent (< 0). */
static const char *
numtxt(double v, char buf[static 32])
{
	if (v < 0)
		return NULL;
	snprintf(buf, 32, "%.15g", v);
	return buf;
}

/* Append a length-prefixed part, so "a|b"+"c" never equals "a"+"b|c". */
static void
key_part(crypto_generichash_state *h, const char *s)
{
	unsigned char len[4];
	size_t n = s ? strlen(s) : 0;

	if (n > KEYPART_MAX)
		n = KEYPART_MAX;
	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	crypto_generichash_update(h, len, 4);
	if (n > 0)
		crypto_generichash_update(h, (const unsigned char *)s, n);
}

/*
 * The import's in-memory keys are built on its hot path, once or more per
 * finding: plain copies, not snprintf.  dec writes v in decimal (at most
 * 20 digits and the NUL, so 24 bytes hold any), cat appends s (NULL as
 * "") at *n within cap, always NUL-terminated, cut where cap ends as
 * snprintf would.
 */
static char *
dec(char out[static 24], unsigned long long v)
{
	char tmp[24];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return out;
}

static void
cat(char *dst, size_t cap, size_t *n, const char *s, size_t max)
{
	size_t k = s ? strlen(s) : 0;

	if (k > max)
		k = max;
	if (*n + 1 >= cap)
		return;
	if (k > cap - 1 - *n)
		k = cap - 1 - *n;
	memcpy(dst + *n, s ? s : "", k);
	*n += k;
	dst[*n] = '\0';
}

static void
lower_into(char *dst, size_t dstsz, const char *src)
{
	size_t i;

	if (dstsz == 0)
		return;
	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < dstsz; i++)
		dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32
								   : src[i]);
	dst[i] = '\0';
}

/* ---- the import ---------------------------------------------------------- */

struct fl_vuln_import {
	struct fl_store *st;
	struct fl_diag *d, own_d;
	char scope[128], family[32], format[32], source[512];
	char default_host[256];
	int asset_given;           /* --asset: the report's target does not
				    * override it */
	char now[21];
	char scanned_at[21];
	int started;               /* first finding seen: scanned_at fixed */
	long long scan_id, entity_id;
	char entity_txt[24];       /* entity_id bound as nullable text */
	int has_entity;
	struct fl_vuln_sla sla;
	struct smap assets;        /* host key -> asset id (aux: criticality) */
	struct smap covered;       /* asset id -> authenticated (val) */
	struct smap ports;         /* "asset/port/proto" */
	struct smap rules;         /* family\x1frule -> rule id (x epss, text kev due) */
	struct smap fresh;         /* asset id -> no finding in the scope before */
	int scope_empty;           /* the scope had no finding before: every
				    * asset is fresh and none can be absent */
	/* Due dates of new findings without a KEV date, per priority: they
	 * all start on scanned_at, fixed once the first finding is in
	 * (started), before this is filled ("" until computed). */
	char due_new[5][11];
	/* The place of the last finding, and what it resolved to: a report
	 * lists a host's findings together, so most findings need no key
	 * built and no lookup for their asset. */
	struct {
		char host[256], ip[64], fqdn[256], hkey[256];
		long long aid;
		int crit, valid;
	} last;
	struct fl_vuln_import_result r;
};

struct fl_diag *
fl_vuln_import_diag(struct fl_vuln_import *imp)
{
	return imp->d;
}

static fl_err
db_err(struct fl_vuln_import *imp, fl_err rc)
{
	if (imp->d->msg[0] == '\0')
		fl_diag_msg(imp->d, rc, "%s", fl_store_errmsg(imp->st));
	return rc;
}

fl_err
fl_vuln_import_begin(struct fl_store *st, const struct fl_vuln_import_opts *o,
		     struct fl_vuln_import **out, struct fl_diag *d)
{
	struct fl_vuln_import *imp;
	char pending[64];
	const char *base;
	fl_err rc;

	*out = NULL;
	if (o->scope != NULL && (o->scope[0] == '\0' || strlen(o->scope) >= 128))
		return fl_diag_msg(d, FL_E_INVAL, "--scope must be 1..127 characters");
	if ((imp = calloc(1, sizeof(*imp))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	imp->st = st;
	imp->d = d;
	fl_strlcpy(imp->format, o->format, sizeof(imp->format));
	fl_strlcpy(imp->family, fl_vuln_family(o->format), sizeof(imp->family));
	fl_strlcpy(imp->scope, o->scope ? o->scope : imp->family,
		   sizeof(imp->scope));
	fl_strlcpy(imp->source, o->source, sizeof(imp->source));
	if (o->asset != NULL) {
		fl_strlcpy(imp->default_host, o->asset, sizeof(imp->default_host));
		imp->asset_given = 1;
	} else {
		size_t n;

		base = strrchr(o->source, '/');
		base = base ? base + 1 : o->source;
		fl_strlcpy(imp->default_host, base, sizeof(imp->default_host));
		/* the file's base name without its extension */
		n = strlen(imp->default_host);
		while (n > 0 && imp->default_host[n - 1] != '.')
			n--;
		if (n > 1)
			imp->default_host[n - 1] = '\0';
	}
	if (o->entity != NULL) {
		if ((rc = fl_store_entity_resolve(st, o->entity, &imp->entity_id,
						  d)) != FL_OK)
			goto fail;
		imp->has_entity = 1;
		snprintf(imp->entity_txt, sizeof(imp->entity_txt), "%lld",
			 imp->entity_id);
	}
	if ((rc = fl_vuln_sla_get(st, &imp->sla, d)) != FL_OK)
		goto fail;
	{
		long changed;

		/* the import computes priorities with today's criticality:
		 * findings it will not touch must be current as well */
		if ((rc = fl_vuln_reprioritize(st, 0, &changed, d)) != FL_OK)
			goto fail;
	}
	{
		long long any = 1;

		rc = st_query_int(st, &any, "SELECT EXISTS (SELECT 1 FROM"
				  " finding WHERE scope = ?)", "t", imp->scope);
		if (rc != FL_OK) {
			rc = db_err(imp, rc);
			goto fail;
		}
		imp->scope_empty = any == 0;
	}
	st_now(imp->now);
	fl_strlcpy(imp->scanned_at, imp->now, sizeof(imp->scanned_at));
	/* the file's hash is known at the end; a unique placeholder till then */
	snprintf(pending, sizeof(pending), "pending:%08x%08x",
		 randombytes_random(), randombytes_random());
	rc = st_insert(st, &imp->scan_id,
			  "INSERT INTO scan (scope, format, scanner, source,"
			  " sha256, bytes, entity_id, scanned_at, imported_at,"
			  " imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "ttttti" "tttt", imp->scope, imp->format, imp->family,
			  imp->source, pending, o->bytes,
			  imp->has_entity ? imp->entity_txt : NULL, imp->now,
			  imp->now, fl_store_actor(st));
	if (rc != FL_OK) {
		rc = db_err(imp, rc);
		goto fail;
	}
	fl_strlcpy(imp->r.scope, imp->scope, sizeof(imp->r.scope));
	imp->r.scan_id = imp->scan_id;
	*out = imp;
	return FL_OK;
fail:
	free(imp);
	return rc;
}

void
fl_vuln_import_free(struct fl_vuln_import *imp)
{
	if (imp == NULL)
		return;
	smap_free(&imp->assets);
	smap_free(&imp->covered);
	smap_free(&imp->ports);
	smap_free(&imp->rules);
	smap_free(&imp->fresh);
	free(imp);
}

/* A report time we can read (ISO-8601 forms) into ISO UTC text. */
static int
iso_time(const char *s, char out[static 21])
{
	time_t t;
	char tmp[32];

	if (s == NULL)
		return -1;
	fl_strlcpy(tmp, s, sizeof(tmp));
	if (strlen(tmp) > 19)
		tmp[19] = '\0';
	if (fl_time_parse(tmp, &t) != 0)
		return -1;
	fl_time_iso(t, out);
	return 0;
}

static fl_err
on_meta(void *ctx, const struct fl_scan_meta *m)
{
	struct fl_vuln_import *imp = ctx;
	char t[21];

	if (!imp->started && iso_time(m->started, t) == 0)
		fl_strlcpy(imp->scanned_at, t, sizeof(imp->scanned_at));
	if (m->target != NULL && m->target[0] != '\0' && !imp->asset_given &&
	    !imp->started &&
	    strlen(m->target) < sizeof(imp->default_host))
		fl_strlcpy(imp->default_host, m->target, sizeof(imp->default_host));
	if (m->name != NULL &&
	    st_exec(imp->st, "UPDATE scan SET name = ? WHERE id = ?", "ti",
		    m->name, imp->scan_id) != FL_OK)
		return db_err(imp, FL_E_DB);
	return FL_OK;
}

/*
 * The asset a host key names: found by name, hostname or address, else
 * created as "discovered" with the addresses the report gave.
 */
static fl_err
asset_for(struct fl_vuln_import *imp, const char *host, const char *ip,
	  const char *fqdn, long long *id, int *crit)
{
	const char *keys[3] = {fqdn, host, ip};
	char key[600], name[256], canon[64];
	struct smap_ent *e;
	long long aid = 0;
	size_t k, kn = 0;
	int discovered;
	fl_err rc;

	key[0] = '\0';
	cat(key, sizeof(key), &kn, host, SIZE_MAX);
	cat(key, sizeof(key), &kn, "\x1f", 1);
	cat(key, sizeof(key), &kn, ip, SIZE_MAX);
	cat(key, sizeof(key), &kn, "\x1f", 1);
	cat(key, sizeof(key), &kn, fqdn, SIZE_MAX);
	if ((e = smap_get(&imp->assets, key)) != NULL) {
		*id = e->val;
		*crit = (int)e->aux;
		return FL_OK;
	}
	for (k = 0; k < 3; k++) {
		if (keys[k] == NULL || keys[k][0] == '\0')
			continue;
		rc = fl_store_asset_find(imp->st, keys[k], &aid);
		if (rc == FL_OK)
			break;
		if (rc != FL_E_NOTFOUND)
			return db_err(imp, rc);
	}
	discovered = k == 3;
	if (discovered) {
		/* discovered: named by its DNS name when the report has one */
		char *before = NULL, *after = NULL, obj[300];
		const char *nm = fqdn && *fqdn ? fqdn : host && *host ? host : ip;
		long long n = 0;

		if (nm == NULL || *nm == '\0')
			nm = "unknown-host";
		lower_into(name, sizeof(name), nm);
		if (st_canon_ip(nm, canon, sizeof(canon)) == 0)
			fl_strlcpy(name, canon, sizeof(name));
		/* a name can be taken by an asset known under other
		 * addresses: the new one gets a numbered name */
		if (st_query_int(imp->st, &n, "SELECT COUNT(*) FROM asset WHERE"
				 " lower(name) = lower(?)", "t", name) == FL_OK &&
		    n > 0) {
			char base[200];

			fl_strlcpy(base, name, sizeof(base));
			snprintf(name, sizeof(name), "%s#%ld", base,
				 imp->r.discovered + 1);
		}
		rc = st_insert(imp->st, &aid,
				  "INSERT INTO asset (name, description, entity_id,"
				  " status, created_at, updated_at) VALUES"
				  " (?, ?, ?, 'discovered', ?, ?)",
				  "ttttt", name, "discovered by a scan",
				  imp->has_entity ? imp->entity_txt : NULL,
				  imp->now, imp->now);
		if (rc != FL_OK)
			return db_err(imp, rc);
		for (k = 0; k < 3; k++) {
			const char *kind = "hostname";
			char v[256];

			if (keys[k] == NULL || keys[k][0] == '\0')
				continue;
			if (st_canon_ip(keys[k], v, sizeof(v)) == 0)
				kind = "ip";
			else {
				size_t n2;

				lower_into(v, sizeof(v), keys[k]);
				n2 = strlen(v);
				if (n2 > 1 && v[n2 - 1] == '.')
					v[n2 - 1] = '\0';
				/* a URL-ish or spaced name is not a hostname */
				if (strpbrk(v, " /:@") != NULL)
					continue;
			}
			if (st_exec(imp->st, "INSERT INTO asset_address (asset_id,"
				    " kind, value) VALUES (?, ?, ?) ON CONFLICT"
				    " DO NOTHING", "itt", aid, kind, v) != FL_OK)
				return db_err(imp, FL_E_DB);
		}
		snprintf(obj, sizeof(obj), "asset:%s", name);
		{
			/* the row as inserted, without reading it back */
			struct fl_buf b;
			struct fl_json j;

			fl_buf_init(&b, 0);
			fl_json_init(&j, &b, 0);
			fl_json_obj_open(&j);
			fl_json_key(&j, "name");
			fl_json_str(&j, name);
			fl_json_key(&j, "status");
			fl_json_str(&j, "discovered");
			fl_json_key(&j, "description");
			fl_json_str(&j, "discovered by a scan");
			fl_json_obj_close(&j);
			if ((after = fl_buf_steal(&b)) == NULL)
				return fl_diag_msg(imp->d, FL_E_NOMEM,
						   "out of memory");
		}
		rc = fl_store_audit(imp->st, "asset.discover", obj, before, after);
		free(after);
		if (rc != FL_OK)
			return db_err(imp, rc);
		imp->r.discovered++;
	}
	if ((rc = smap_put(&imp->assets, key, &e)) != FL_OK)
		return fl_diag_msg(imp->d, rc, "out of memory");
	e->val = aid;
	if (discovered) {
		e->aux = 2; /* created just now: the default criticality */
	} else {
		long long c = 2;

		if (st_query_int(imp->st, &c, "SELECT CASE WHEN conf >= integ AND"
				 " conf >= avail THEN conf WHEN integ >= avail"
				 " THEN integ ELSE avail END FROM asset WHERE"
				 " id = ?", "i", aid) != FL_OK)
			c = 2;
		e->aux = c;
	}
	*id = aid;
	*crit = (int)e->aux;
	return FL_OK;
}

/*
 * The key a host is known by in coverage: its address when the report
 * gives one, else its name in lower case.
 */
static void
host_key(const char *host, const char *ip, const char *fqdn, char *out,
	 size_t outsz)
{
	const char *k = ip && *ip ? ip : fqdn && *fqdn ? fqdn : host ? host : "";
	char canon[64];

	if (st_canon_ip(k, canon, sizeof(canon)) == 0)
		fl_strlcpy(out, canon, outsz);
	else if (host && *host && st_canon_ip(host, canon, sizeof(canon)) == 0)
		fl_strlcpy(out, canon, outsz);
	else
		lower_into(out, outsz, k);
}

/* Record that the scan reached a host (authenticated: 1 yes, else 0). */
static fl_err
cover(struct fl_vuln_import *imp, long long aid, const char *host,
      int authenticated)
{
	struct smap_ent *e;
	fl_err rc;

	if ((e = smap_get(&imp->covered, host)) != NULL) {
		if (authenticated == 1 && e->val != 1) {
			e->val = 1;
			if (st_exec(imp->st, "UPDATE scan_host SET authenticated = 1"
				    " WHERE scan_id = ? AND host = ?", "it",
				    imp->scan_id, host) != FL_OK)
				return db_err(imp, FL_E_DB);
		}
		return FL_OK;
	}
	if ((rc = smap_put(&imp->covered, host, &e)) != FL_OK)
		return fl_diag_msg(imp->d, rc, "out of memory");
	e->val = authenticated == 1;
	/* the cache may have been emptied: the row can exist already */
	if (st_exec(imp->st, "INSERT INTO scan_host (scan_id, host, asset_id,"
		    " authenticated) VALUES (?, ?, ?, ?) ON CONFLICT (scan_id,"
		    " host) DO UPDATE SET authenticated = CASE WHEN"
		    " excluded.authenticated = 1 THEN 1 ELSE"
		    " scan_host.authenticated END", "itii", imp->scan_id,
		    host, aid, (long long)(authenticated == 1)) != FL_OK)
		return db_err(imp, FL_E_DB);
	return FL_OK;
}

static fl_err
on_host(void *ctx, const struct fl_scan_host *h)
{
	struct fl_vuln_import *imp = ctx;
	long long aid;
	int crit;
	char t[21], key[256];
	fl_err rc;

	if (!imp->started && iso_time(h->start, t) == 0 &&
	    strcmp(imp->scanned_at, imp->now) == 0)
		fl_strlcpy(imp->scanned_at, t, sizeof(imp->scanned_at));
	if ((h->host == NULL || !*h->host) && (h->ip == NULL || !*h->ip) &&
	    (h->fqdn == NULL || !*h->fqdn))
		return FL_OK;
	if (imp->asset_given)
		rc = asset_for(imp, imp->default_host, NULL, NULL, &aid, &crit);
	else
		rc = asset_for(imp, h->host, h->ip, h->fqdn, &aid, &crit);
	if (rc != FL_OK)
		return rc;
	host_key(h->host, h->ip, h->fqdn, key, sizeof(key));
	return cover(imp, aid, key, h->authenticated);
}

static fl_err
port_seen(struct fl_vuln_import *imp, const char *host, unsigned port,
	  const char *proto)
{
	char key[320];
	struct smap_ent *e;
	fl_err rc;

	char num[24];
	size_t n = 0;

	key[0] = '\0';
	cat(key, sizeof(key), &n, host, SIZE_MAX);
	cat(key, sizeof(key), &n, "/", 1);
	cat(key, sizeof(key), &n, dec(num, port), SIZE_MAX);
	cat(key, sizeof(key), &n, "/", 1);
	cat(key, sizeof(key), &n, proto, SIZE_MAX);
	if (smap_get(&imp->ports, key) != NULL)
		return FL_OK;
	if ((rc = smap_put(&imp->ports, key, &e)) != FL_OK)
		return fl_diag_msg(imp->d, rc, "out of memory");
	if (st_exec(imp->st, "INSERT INTO scan_port (scan_id, host, port,"
		    " protocol) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		    "itit", imp->scan_id, host, (long long)port, proto) != FL_OK)
		return db_err(imp, FL_E_DB);
	return FL_OK;
}

struct rule_intel {
	double epss;
	char kev_due[11];
	int kev;
};

static fl_err
intel_row(void *ctx, const struct fl_row *row)
{
	struct rule_intel *ri = ctx;
	const char *e = fl_row_get(row, "epss");
	const char *k = fl_row_get(row, "kev_due");

	if (e != NULL)
		ri->epss = strtod(e, NULL);
	if (st_row_int(row, "kev", 0) > 0) {
		ri->kev = 1;
		if (k != NULL)
			fl_strlcpy(ri->kev_due, k, sizeof(ri->kev_due));
	}
	return FL_OK;
}

#define RULE_INTEL_SQL \
	"SELECT (SELECT MAX(e.score) FROM vuln_rule_cve c JOIN epss e" \
	" ON e.cve = c.cve WHERE c.rule_id = r.id) AS epss," \
	" (SELECT COUNT(*) FROM vuln_rule_cve c JOIN kev k ON k.cve = c.cve" \
	" WHERE c.rule_id = r.id) AS kev," \
	" (SELECT MIN(k.due_date) FROM vuln_rule_cve c JOIN kev k" \
	" ON k.cve = c.cve WHERE c.rule_id = r.id) AS kev_due," \
	" r.epss_reported FROM vuln_rule r WHERE r.id = ?"

/* The rule of a finding, created or refreshed once per import. */
static fl_err
rule_for(struct fl_vuln_import *imp, const struct fl_finding *f,
	 struct smap_ent **out)
{
	const char *rule = f->text[FL_FF_VULN_ID_FROM_TOOL];
	const char *title = f->text[FL_FF_TITLE];
	char key[KEYPART_MAX + 64];
	struct smap_ent *e;
	struct rule_intel ri;
	char n3[32], n4[32], ne[32], cwe[16];
	long long rid;
	size_t i, n = 0;
	fl_err rc;

	if (rule == NULL || *rule == '\0')
		rule = f->vuln_ids.n > 0 ? f->vuln_ids.v[0] : title;
	if (rule == NULL || *rule == '\0')
		rule = "(untitled)";
	if (title == NULL || *title == '\0')
		title = rule;
	key[0] = '\0';
	cat(key, sizeof(key), &n, imp->family, SIZE_MAX);
	cat(key, sizeof(key), &n, "\x1f", 1);
	cat(key, sizeof(key), &n, rule, KEYPART_MAX);
	if ((e = smap_get(&imp->rules, key)) != NULL) {
		*out = e;
		return FL_OK;
	}
	snprintf(cwe, sizeof(cwe), "%d", f->cwe);
	rc = st_query_int(imp->st, &rid,
			  "INSERT INTO vuln_rule (scanner, rule, title, description,"
			  " mitigation, refs, cvss3, cvss3_vector, cvss4,"
			  " cvss4_vector, cwe, epss_reported, updated_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " ON CONFLICT (scanner, rule) DO UPDATE SET"
			  " title = excluded.title,"
			  " description = COALESCE(excluded.description, vuln_rule.description),"
			  " mitigation = COALESCE(excluded.mitigation, vuln_rule.mitigation),"
			  " refs = COALESCE(excluded.refs, vuln_rule.refs),"
			  " cvss3 = COALESCE(excluded.cvss3, vuln_rule.cvss3),"
			  " cvss3_vector = COALESCE(excluded.cvss3_vector, vuln_rule.cvss3_vector),"
			  " cvss4 = COALESCE(excluded.cvss4, vuln_rule.cvss4),"
			  " cvss4_vector = COALESCE(excluded.cvss4_vector, vuln_rule.cvss4_vector),"
			  " cwe = COALESCE(excluded.cwe, vuln_rule.cwe),"
			  " epss_reported = COALESCE(excluded.epss_reported, vuln_rule.epss_reported),"
			  " updated_at = excluded.updated_at RETURNING id",
			  "tttttt" "tt" "tt" "t" "t" "t",
			  imp->family, rule, title, f->text[FL_FF_DESCRIPTION],
			  f->text[FL_FF_MITIGATION], f->text[FL_FF_REFERENCES],
			  numtxt(f->cvssv3_score, n3), f->text[FL_FF_CVSSV3],
			  numtxt(f->cvssv4_score, n4), f->text[FL_FF_CVSSV4],
			  f->cwe > 0 ? cwe : NULL, numtxt(f->epss_score, ne),
			  imp->now);
	if (rc != FL_OK)
		return db_err(imp, rc);
	for (i = 0; i < f->vuln_ids.n; i++)
		if (st_exec(imp->st, "INSERT INTO vuln_rule_cve (rule_id, cve)"
			    " VALUES (?, ?) ON CONFLICT DO NOTHING", "it", rid,
			    f->vuln_ids.v[i]) != FL_OK)
			return db_err(imp, FL_E_DB);
	memset(&ri, 0, sizeof(ri));
	ri.epss = -1;
	if ((rc = st_query(imp->st, RULE_INTEL_SQL, intel_row, &ri, "i", rid)) != FL_OK)
		return db_err(imp, rc);
	if (ri.epss < 0 && f->epss_score >= 0)
		ri.epss = f->epss_score;
	if ((rc = smap_put(&imp->rules, key, &e)) != FL_OK)
		return fl_diag_msg(imp->d, rc, "out of memory");
	e->val = rid;
	e->x = ri.epss;
	e->aux = ri.kev;
	/* the scores the priority needs, from this report */
	e->y = f->cvssv4_score >= 0 ? f->cvssv4_score : f->cvssv3_score;
	if (ri.kev && ri.kev_due[0] != '\0' &&
	    (e->text = fl_strdup(ri.kev_due)) == NULL)
		return fl_diag_msg(imp->d, FL_E_NOMEM, "out of memory");
	*out = e;
	return FL_OK;
}

static const char *const prio_names[] = {NULL, "P1", "P2", "P3", "P4"};

/* Copy column name of row into buf ("" for NULL or absent). */
static void
row_text(const struct fl_row *row, const char *name, char *buf, size_t sz)
{
	const char *v = fl_row_get(row, name);

	fl_strlcpy(buf, v ? v : "", sz);
}

struct existing {
	long long id, last_scan, reopened;
	char status[16], severity[16], first_seen[21];
	int found;
};

static fl_err
existing_row(void *ctx, const struct fl_row *row)
{
	struct existing *x = ctx;

	x->found = 1;
	x->id = st_row_int(row, "id", 0);
	x->last_scan = st_row_int(row, "last_scan_id", 0);
	x->reopened = st_row_int(row, "times_reopened", 0);
	row_text(row, "status", x->status, sizeof(x->status));
	row_text(row, "severity", x->severity, sizeof(x->severity));
	row_text(row, "first_seen", x->first_seen, sizeof(x->first_seen));
	return FL_OK;
}

static fl_err
event(struct fl_store *st, long long fid, const char *at, const char *kind,
      const char *old, const char *new, const char *reason, long long scan)
{
	char sid[24];

	/* nullable integers are bound as text: both back ends convert */
	snprintf(sid, sizeof(sid), "%lld", scan);
	return st_exec(st, "INSERT INTO finding_event (finding_id, at, actor, kind,"
		       " old_value, new_value, reason, scan_id) VALUES"
		       " (?, ?, ?, ?, ?, ?, ?, ?)", "ittttttt",
		       fid, at, fl_store_actor(st), kind, old, new, reason,
		       scan > 0 ? sid : NULL);
}

#define FINDING_LOOKUP \
	"SELECT id, status, severity, last_scan_id, first_seen," \
	" times_reopened FROM finding WHERE scope = ? AND asset_id = ?" \
	" AND fkey = ?"

/*
 * Whether the asset had no finding in the scope when this import first met
 * it (then every finding of it here is new, and the per-finding lookup can
 * be skipped).  Asked once per asset and remembered.
 */
static fl_err
asset_fresh(struct fl_vuln_import *imp, long long aid, int *fresh)
{
	char key[32];
	struct smap_ent *e;
	long long n = 0;
	fl_err rc;

	if (imp->scope_empty) {
		*fresh = 1;
		return FL_OK;
	}
	snprintf(key, sizeof(key), "%lld", aid);
	if ((e = smap_get(&imp->fresh, key)) != NULL) {
		*fresh = (int)e->val;
		return FL_OK;
	}
	rc = st_query_int(imp->st, &n, "SELECT COUNT(*) FROM finding WHERE"
			  " scope = ? AND asset_id = ?", "ti", imp->scope, aid);
	if (rc != FL_OK && rc != FL_E_NOTFOUND)
		return db_err(imp, rc);
	if ((rc = smap_put(&imp->fresh, key, &e)) != FL_OK)
		return fl_diag_msg(imp->d, rc, "out of memory");
	e->val = n == 0;
	*fresh = (int)e->val;
	return FL_OK;
}

static int
same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Copy s (NULL as "") into a last-place field; 0 when it does not fit. */
static int
keep_text(char *dst, size_t cap, const char *s)
{
	return fl_strlcpy(dst, s ? s : "", cap) < cap;
}

/*
 * The asset, its criticality and the coverage key of a finding's place
 * (its location's host, address and name, or the report's default host),
 * recorded as covered by the scan.
 */
static fl_err
place_of(struct fl_vuln_import *imp, const struct fl_scan_loc *loc,
	 long long *aid, int *crit, char hkey[static 256])
{
	const char *host = imp->default_host, *ip = NULL, *fqdn = NULL;
	fl_err rc;

	if (loc != NULL && ((loc->host && *loc->host) ||
			    (loc->ip && *loc->ip) ||
			    (loc->fqdn && *loc->fqdn))) {
		host = loc->host;
		ip = loc->ip;
		fqdn = loc->fqdn;
	}
	if (imp->last.valid && same_text(imp->last.host, host) &&
	    same_text(imp->last.ip, ip) && same_text(imp->last.fqdn, fqdn)) {
		*aid = imp->last.aid;
		*crit = imp->last.crit;
		fl_strlcpy(hkey, imp->last.hkey, 256);
		return FL_OK;
	}
	/* --asset puts every finding of the report on that asset */
	if (imp->asset_given)
		rc = asset_for(imp, imp->default_host, NULL, NULL, aid, crit);
	else
		rc = asset_for(imp, host, ip, fqdn, aid, crit);
	if (rc != FL_OK)
		return rc;
	host_key(host, ip, fqdn, hkey, 256);
	if ((rc = cover(imp, *aid, hkey, -1)) != FL_OK)
		return rc;
	imp->last.valid = keep_text(imp->last.host, sizeof(imp->last.host),
				    host) &&
			  keep_text(imp->last.ip, sizeof(imp->last.ip), ip) &&
			  keep_text(imp->last.fqdn, sizeof(imp->last.fqdn),
				    fqdn);
	imp->last.aid = *aid;
	imp->last.crit = *crit;
	fl_strlcpy(imp->last.hkey, hkey, sizeof(imp->last.hkey));
	return FL_OK;
}

/* One place of one raw finding. */
static fl_err
upsert(struct fl_vuln_import *imp, const struct fl_finding *f,
       struct smap_ent *rule, const struct fl_scan_loc *loc)
{
	crypto_generichash_state h;
	unsigned char bin[16];
	char fkey[33], proto[16], portbuf[24], linebuf[24], due[11] = "";
	char hkey[256];
	const char *sev = fl_sev_name(f->severity), *status;
	struct fl_vuln_prio_in pin;
	struct existing x;
	long long aid, fid = 0;
	unsigned port = 0;
	int crit = 2, prio, fresh = 0;
	double score = 0;
	char evidence[EVIDENCE_MAX + 1];
	const char *ev = f->text[FL_FF_EVIDENCE];
	fl_err rc;

	if ((rc = place_of(imp, loc, &aid, &crit, hkey)) != FL_OK)
		return rc;
	proto[0] = '\0';
	if (loc != NULL) {
		port = loc->port;
		lower_into(proto, sizeof(proto), loc->protocol);
	}
	if (port > 0 && proto[0] == '\0')
		fl_strlcpy(proto, "tcp", sizeof(proto));
	if (port > 0 && (rc = port_seen(imp, hkey, port, proto)) != FL_OK)
		return rc;

	/* identity: rule, asset and place; nothing a scan rewords */
	dec(portbuf, port);
	dec(linebuf, f->line > 0 ? (unsigned long long)f->line : 0);
	crypto_generichash_init(&h, NULL, 0, sizeof(bin));
	{
		char aidbuf[24];

		key_part(&h, rule->key);
		key_part(&h, dec(aidbuf, (unsigned long long)aid));
		key_part(&h, hkey);
	}
	key_part(&h, portbuf);
	key_part(&h, port > 0 ? proto : "");
	key_part(&h, loc ? loc->path : NULL);
	key_part(&h, f->text[FL_FF_COMPONENT_NAME]);
	key_part(&h, f->text[FL_FF_COMPONENT_VERSION]);
	key_part(&h, f->text[FL_FF_FILE_PATH]);
	key_part(&h, f->line > 0 ? linebuf : "");
	crypto_generichash_final(&h, bin, sizeof(bin));
	hex(bin, sizeof(bin), fkey);

	if (ev != NULL) {
		fl_strlcpy(evidence, ev, sizeof(evidence));
		ev = evidence;
	}
	memset(&x, 0, sizeof(x));
	if ((rc = asset_fresh(imp, aid, &fresh)) != FL_OK)
		return rc;
	/* an asset without findings in the scope has nothing to look up */
	if (!fresh && (rc = st_query(imp->st, FINDING_LOOKUP, existing_row, &x,
				     "tit", imp->scope, aid, fkey)) != FL_OK)
		return db_err(imp, rc);

	pin.cvss4 = f->cvssv4_score;
	pin.cvss3 = f->cvssv3_score;
	if (pin.cvss4 < 0 && pin.cvss3 < 0 && rule->y >= 0)
		pin.cvss3 = rule->y;
	pin.severity = f->severity;
	pin.epss = rule->x;
	pin.kev = rule->aux > 0;
	pin.criticality = crit;
	prio = fl_vuln_priority(&pin, &score);

	if (!x.found) {
		status = f->status == FL_FS_FALSE_POSITIVE ? "false_positive"
			 : f->status == FL_FS_FIXED ? "fixed" : "open";
		if (rule->text == NULL && prio >= 1 && prio <= 4) {
			if (imp->due_new[prio][0] == '\0')
				fl_vuln_due(imp->scanned_at, prio, &imp->sla,
					    NULL, imp->due_new[prio]);
			memcpy(due, imp->due_new[prio], sizeof(due));
		} else {
			fl_vuln_due(imp->scanned_at, prio, &imp->sla,
				    rule->text, due);
		}
		rc = st_insert(imp->st, &fid,
				  "INSERT INTO finding (scope, fkey, rule_id, asset_id,"
				  " host, port, protocol, path, component, component_version,"
				  " file_path, line, severity, authenticated, evidence,"
				  " status, status_reason, status_by, status_at,"
				  " priority, priority_score, due, first_seen,"
				  " last_seen, first_scan_id, last_scan_id, fixed_at,"
				  " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?,"
				  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
				  " ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
				  "ttii" "t" "tt" "tttt" "t" "t" "i" "t" "ttt" "t"
				  "tdt" "tt" "ii" "t" "tt",
				  imp->scope, fkey, rule->val, aid, hkey,
				  port > 0 ? portbuf : NULL, port > 0 ? proto : NULL,
				  loc ? loc->path : NULL,
				  f->text[FL_FF_COMPONENT_NAME],
				  f->text[FL_FF_COMPONENT_VERSION],
				  f->text[FL_FF_FILE_PATH],
				  f->line > 0 ? linebuf : NULL, sev,
				  (long long)(f->authenticated == 1), ev, status,
				  f->status == FL_FS_FALSE_POSITIVE
					  ? "suppressed in the report"
					  : f->status == FL_FS_FIXED
						    ? "reported as fixed" : NULL,
				  fl_store_actor(imp->st), imp->scanned_at,
				  prio_names[prio], score, due[0] ? due : NULL,
				  imp->scanned_at, imp->scanned_at, imp->scan_id,
				  imp->scan_id,
				  f->status == FL_FS_FIXED ? imp->scanned_at : NULL,
				  imp->now, imp->now);
		if (rc != FL_OK)
			return db_err(imp, rc);
		if (st_changes(imp->st) == 0) {
			/* the same place twice in one report, on an asset
			 * whose lookup was skipped: it is there now */
			if ((rc = st_query(imp->st, FINDING_LOOKUP, existing_row,
					   &x, "tit", imp->scope, aid,
					   fkey)) != FL_OK)
				return db_err(imp, rc);
			if (x.found && x.last_scan == imp->scan_id)
				return FL_OK;
			return fl_diag_msg(imp->d, FL_E_INTERNAL, "finding %s"
					   " neither inserted nor found", fkey);
		}
		/* the common "created open" is implied by first_seen and
		 * first_scan_id (vuln show derives it): one insert less per
		 * new finding on the import's hot path */
		if (strcmp(status, "open") != 0 &&
		    (rc = event(imp->st, fid, imp->now, "created", NULL, status,
				NULL, imp->scan_id)) != FL_OK)
			return db_err(imp, rc);
		imp->r.created++;
	} else if (x.last_scan == imp->scan_id) {
		/* the same finding twice in one report: counted once */
		return FL_OK;
	} else {
		int reopen = strcmp(x.status, "fixed") == 0 ||
			     strcmp(x.status, "not_seen") == 0;
		int sevchg = strcmp(x.severity, sev) != 0;

		fid = x.id;
		status = reopen ? "open" : x.status;
		fl_vuln_due(x.first_seen, prio, &imp->sla, rule->text, due);
		rc = st_exec(imp->st,
			     "UPDATE finding SET severity = ?, evidence = ?,"
			     " last_seen = ?, last_scan_id = ?, status = ?,"
			     " status_at = CASE WHEN status = ? THEN status_at"
			     " ELSE ? END,"
			     " status_reason = CASE WHEN status = ? THEN"
			     " status_reason ELSE ? END,"
			     " fixed_at = CASE WHEN ? = 'open' THEN NULL ELSE fixed_at END,"
			     " times_reopened = ?, authenticated = ?,"
			     " priority = ?, priority_score = ?, due = ?,"
			     " updated_at = ? WHERE id = ?",
			     "ttti" "t" "tt" "tt" "t" "ii" "tdt" "ti",
			     sev, ev, imp->scanned_at, imp->scan_id, status,
			     status, imp->scanned_at, status,
			     reopen ? "seen again by a scan" : NULL, status,
			     x.reopened + (strcmp(x.status, "fixed") == 0),
			     (long long)(f->authenticated == 1),
			     prio_names[prio], score, due[0] ? due : NULL,
			     imp->now, fid);
		if (rc != FL_OK)
			return db_err(imp, rc);
		if (reopen && (rc = event(imp->st, fid, imp->now, "status",
					  x.status, "open", "seen again by a scan",
					  imp->scan_id)) != FL_OK)
			return db_err(imp, rc);
		if (sevchg && (rc = event(imp->st, fid, imp->now, "severity",
					  x.severity, sev, NULL,
					  imp->scan_id)) != FL_OK)
			return db_err(imp, rc);
		if (reopen)
			imp->r.reopened++;
		else if (sevchg)
			imp->r.changed++;
		else
			imp->r.unchanged++;
	}
	/* the first sighting is the finding's first_scan_id (with the
	 * severity it had then): only later ones need a row */
	if (x.found &&
	    st_exec(imp->st, "INSERT INTO finding_scan (finding_id, scan_id,"
		    " severity) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", "iit",
		    fid, imp->scan_id, sev) != FL_OK)
		return db_err(imp, FL_E_DB);
	return FL_OK;
}

static fl_err
on_finding(void *ctx, const struct fl_finding *f)
{
	struct fl_vuln_import *imp = ctx;
	struct smap_ent *rule;
	size_t i;
	fl_err rc;

	imp->started = 1;
	imp->r.items++;
	if ((rc = rule_for(imp, f, &rule)) != FL_OK)
		return rc;
	if (f->nlocs == 0)
		return upsert(imp, f, rule, NULL);
	for (i = 0; i < f->nlocs; i++)
		if ((rc = upsert(imp, f, rule, &f->locs[i])) != FL_OK)
			return rc;
	return FL_OK;
}

void
fl_vuln_import_sink(struct fl_vuln_import *imp, struct fl_scan_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = imp;
	sink->meta = on_meta;
	sink->host = on_host;
	sink->finding = on_finding;
}

/*
 * Whether scan ?1 covered finding f: it reached f's asset (logged in, for
 * a finding of a credentialed check) and, for a finding on a port,
 * reported something on that port.
 */
#define COVERED \
	" (EXISTS (SELECT 1 FROM scan_host h WHERE h.scan_id = ?" \
	" AND h.host = f.host AND (f.authenticated = 0" \
	" OR h.authenticated = 1)) AND (f.port IS NULL OR EXISTS" \
	" (SELECT 1 FROM scan_port p WHERE p.scan_id = ? AND" \
	" p.host = f.host AND p.port = f.port AND" \
	" p.protocol = f.protocol)))"
/* Findings of the scope this scan (not older than them) did not show. */
#define ABSENT \
	" f.scope = ? AND f.last_scan_id <> ? AND f.last_seen <= ?"

fl_err
fl_vuln_import_end(struct fl_vuln_import *imp, const char *file_hash,
		   struct fl_vuln_import_result *r, struct fl_diag *d)
{
	struct fl_store *st = imp->st;
	char *after = NULL, obj[64], reason[64];
	long long dup = 0;
	fl_err rc;

	imp->d = d;
	rc = st_query_int(st, &dup, "SELECT id FROM scan WHERE scope = ? AND"
			  " sha256 = ?", "tt", imp->scope, file_hash);
	if (rc == FL_OK) {
		*r = imp->r;
		r->duplicate = 1;
		r->duplicate_of = dup;
		return FL_OK;
	}
	if (rc != FL_E_NOTFOUND)
		return db_err(imp, rc);
	snprintf(reason, sizeof(reason), "absent from scan %lld", imp->scan_id);
	/* a scope's first scan has nothing to close: skip the four passes
	 * over its findings, which are all this scan's */
	if (imp->scope_empty)
		goto counted;
	/* covered and absent: fixed (open, not seen, or accepted alike) */
	if ((rc = st_exec(st, "INSERT INTO finding_event (finding_id, at, actor,"
			  " kind, old_value, new_value, reason, scan_id)"
			  " SELECT f.id, ?, ?, 'status', f.status, 'fixed', ?, ?"
			  " FROM finding f WHERE" ABSENT " AND f.status IN"
			  " ('open','not_seen','risk_accepted') AND" COVERED,
			  "ttti" "tit" "ii", imp->now, fl_store_actor(st),
			  reason, imp->scan_id, imp->scope, imp->scan_id,
			  imp->scanned_at, imp->scan_id, imp->scan_id)) != FL_OK ||
	    (rc = st_exec(st, "UPDATE finding SET status = 'fixed',"
			  " status_reason = ?, status_by = ?, status_at = ?,"
			  " fixed_at = ?, updated_at = ? WHERE id IN (SELECT f.id"
			  " FROM finding f WHERE" ABSENT " AND f.status IN"
			  " ('open','not_seen','risk_accepted') AND" COVERED ")",
			  "ttttt" "tit" "ii", reason, fl_store_actor(st),
			  imp->scanned_at, imp->scanned_at, imp->now, imp->scope,
			  imp->scan_id, imp->scanned_at, imp->scan_id,
			  imp->scan_id)) != FL_OK)
		return db_err(imp, rc);
	imp->r.fixed = (long)st_changes(st);
	/* not covered: an open finding is only "not seen" */
	if ((rc = st_exec(st, "INSERT INTO finding_event (finding_id, at, actor,"
			  " kind, old_value, new_value, reason, scan_id)"
			  " SELECT f.id, ?, ?, 'status', f.status, 'not_seen', ?, ?"
			  " FROM finding f WHERE" ABSENT " AND f.status = 'open'",
			  "ttti" "tit", imp->now, fl_store_actor(st), reason,
			  imp->scan_id, imp->scope, imp->scan_id,
			  imp->scanned_at)) != FL_OK ||
	    (rc = st_exec(st, "UPDATE finding SET status = 'not_seen',"
			  " status_reason = ?, status_by = ?, status_at = ?,"
			  " updated_at = ? WHERE id IN (SELECT f.id FROM finding f"
			  " WHERE" ABSENT " AND f.status = 'open')",
			  "tttt" "tit", reason, fl_store_actor(st),
			  imp->scanned_at, imp->now, imp->scope, imp->scan_id,
			  imp->scanned_at)) != FL_OK)
		return db_err(imp, rc);
	imp->r.not_seen = (long)st_changes(st);
counted:
	{
		long long hosts = 0;

		if ((rc = st_query_int(st, &hosts, "SELECT COUNT(*) FROM scan_host"
				       " WHERE scan_id = ?", "i",
				       imp->scan_id)) != FL_OK)
			return db_err(imp, rc);
		imp->r.hosts = (long)hosts;
	}
	if ((rc = st_exec(st, "UPDATE scan SET sha256 = ?, scanned_at = ?,"
			  " items = ?, hosts = ?, created = ?, reopened = ?,"
			  " changed = ?, fixed = ?, not_seen = ?, unchanged = ?"
			  " WHERE id = ?", "tt" "iiiiiiii" "i", file_hash,
			  imp->scanned_at, (long long)imp->r.items,
			  (long long)imp->r.hosts, (long long)imp->r.created,
			  (long long)imp->r.reopened, (long long)imp->r.changed,
			  (long long)imp->r.fixed, (long long)imp->r.not_seen,
			  (long long)imp->r.unchanged, imp->scan_id)) != FL_OK)
		return db_err(imp, rc);
	if ((rc = st_query_json(st, &after, "SELECT id, scope, format, source,"
				" sha256, bytes, scanned_at, items, hosts, created,"
				" reopened, changed, fixed, not_seen, unchanged"
				" FROM scan WHERE id = ?", "i", imp->scan_id)) != FL_OK)
		return db_err(imp, rc);
	snprintf(obj, sizeof(obj), "scan:%lld", imp->scan_id);
	rc = fl_store_audit(st, "scan.import", obj, NULL, after);
	if (rc == FL_OK)
		rc = prio_basis_store(st); /* discovered assets included */
	free(after);
	if (rc != FL_OK)
		return db_err(imp, rc);
	*r = imp->r;
	return FL_OK;
}

/* ---- SLA ------------------------------------------------------------------ */

fl_err
fl_vuln_sla_get(struct fl_store *st, struct fl_vuln_sla *s, struct fl_diag *d)
{
	char *v = NULL, err[128];
	fl_err rc;

	fl_vuln_sla_default(s);
	if ((rc = fl_store_setting_get(st, "vuln.sla", &v)) != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (v != NULL && fl_vuln_sla_parse(v, s, err, sizeof(err)) != 0) {
		free(v);
		return fl_diag_msg(d, FL_E_INVAL, "setting vuln.sla: %s", err);
	}
	free(v);
	return FL_OK;
}

fl_err
fl_vuln_sla_set(struct fl_store *st, const struct fl_vuln_sla *s,
		struct fl_diag *d)
{
	struct fl_vuln_sla old;
	char before[80], after[80], bj[128], aj[128];
	fl_err rc;

	if ((rc = fl_vuln_sla_get(st, &old, d)) != FL_OK)
		return rc;
	fl_vuln_sla_format(&old, before, sizeof(before));
	fl_vuln_sla_format(s, after, sizeof(after));
	if (strcmp(before, after) == 0)
		return FL_OK;
	if ((rc = fl_store_setting_set(st, "vuln.sla", after)) != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	snprintf(bj, sizeof(bj), "{\"sla\":\"%s\"}", before);
	snprintf(aj, sizeof(aj), "{\"sla\":\"%s\"}", after);
	if ((rc = fl_store_audit(st, "vuln.sla", "setting:vuln.sla", bj, aj)) != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

/* ---- priorities ------------------------------------------------------------ */

struct reprio {
	struct fl_vuln_sla sla;
	struct upd {
		long long id;
		char prio[3], due[11];
		double score;
	} *v;
	size_t n, cap;
	fl_err err;
};

static double
row_num(const struct fl_row *row, const char *name)
{
	const char *v = fl_row_get(row, name);

	return v ? strtod(v, NULL) : -1;
}

static fl_err
reprio_row(void *ctx, const struct fl_row *row)
{
	struct reprio *rp = ctx;
	struct fl_vuln_prio_in in;
	const char *op = fl_row_get(row, "priority"), *od = fl_row_get(row, "due");
	const char *kd = fl_row_get(row, "kev_due");
	char due[11] = "";
	double score;
	long long c = st_row_int(row, "crit", 2);
	int p;

	in.cvss4 = row_num(row, "cvss4");
	in.cvss3 = row_num(row, "cvss3");
	in.severity = sev_rank(fl_row_get(row, "severity"));
	in.epss = row_num(row, "epss");
	if (in.epss < 0)
		in.epss = row_num(row, "epss_reported");
	in.kev = st_row_int(row, "kev", 0) > 0;
	in.criticality = (int)c;
	p = fl_vuln_priority(&in, &score);
	fl_vuln_due(fl_row_get(row, "first_seen"), p, &rp->sla,
		    in.kev ? kd : NULL, due);
	if ((op == NULL ? p == 0 : p > 0 && strcmp(op, prio_names[p]) == 0) &&
	    (od == NULL ? due[0] == '\0' : strcmp(od, due) == 0))
		return FL_OK;
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? rp->cap * 2 : 256;
		struct upd *v = reallocarray(rp->v, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		rp->v = v;
		rp->cap = cap;
	}
	rp->v[rp->n].id = st_row_int(row, "id", 0);
	fl_strlcpy(rp->v[rp->n].prio, p ? prio_names[p] : "", 3);
	fl_strlcpy(rp->v[rp->n].due, due, sizeof(rp->v[rp->n].due));
	rp->v[rp->n].score = score;
	rp->n++;
	return FL_OK;
}

/*
 * What the stored priorities were computed with, besides the threat
 * intelligence and the SLA (whose loaders force a pass): the assets and
 * their criticality.  A pass is needed only when this changed.
 */
static fl_err
prio_basis(struct fl_store *st, char **out)
{
	return st_query_text(st, out, "SELECT COUNT(*) || ':' || COALESCE(SUM("
			     "id * (conf * 16 + integ * 4 + avail)), 0) FROM asset",
			     "");
}

static fl_err
prio_basis_store(struct fl_store *st)
{
	char *b = NULL;
	fl_err rc = prio_basis(st, &b);

	if (rc == FL_OK)
		rc = fl_store_setting_set(st, "vuln.prio_basis", b ? b : "");
	free(b);
	return rc;
}

fl_err
fl_vuln_reprioritize(struct fl_store *st, int force, long *changed,
		     struct fl_diag *d)
{
	struct reprio rp;
	size_t i;
	fl_err rc;

	memset(&rp, 0, sizeof(rp));
	*changed = 0;
	if (!force) {
		char *now = NULL, *was = NULL;
		int same;

		if ((rc = prio_basis(st, &now)) != FL_OK ||
		    (rc = fl_store_setting_get(st, "vuln.prio_basis", &was)) != FL_OK) {
			free(now);
			return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
		}
		same = now != NULL && was != NULL && strcmp(now, was) == 0;
		free(now);
		free(was);
		if (same)
			return FL_OK;
	}
	if ((rc = fl_vuln_sla_get(st, &rp.sla, d)) != FL_OK)
		return rc;
	rc = st_query(st, "SELECT f.id, f.severity, f.first_seen, f.priority,"
		      " f.due, r.cvss3, r.cvss4, r.epss_reported,"
		      " CASE WHEN a.conf >= a.integ AND a.conf >= a.avail THEN"
		      " a.conf WHEN a.integ >= a.avail THEN a.integ ELSE a.avail"
		      " END AS crit,"
		      " (SELECT MAX(e.score) FROM vuln_rule_cve c JOIN epss e"
		      " ON e.cve = c.cve WHERE c.rule_id = r.id) AS epss,"
		      " (SELECT COUNT(*) FROM vuln_rule_cve c JOIN kev k"
		      " ON k.cve = c.cve WHERE c.rule_id = r.id) AS kev,"
		      " (SELECT MIN(k.due_date) FROM vuln_rule_cve c JOIN kev k"
		      " ON k.cve = c.cve WHERE c.rule_id = r.id) AS kev_due"
		      " FROM finding f JOIN vuln_rule r ON r.id = f.rule_id"
		      " JOIN asset a ON a.id = f.asset_id"
		      " WHERE f.status IN ('open','not_seen','risk_accepted')",
		      reprio_row, &rp, "");
	for (i = 0; rc == FL_OK && i < rp.n; i++)
		rc = st_exec(st, "UPDATE finding SET priority = ?, due = ?,"
			     " priority_score = ? WHERE id = ?", "ttdi",
			     rp.v[i].prio[0] ? rp.v[i].prio : NULL,
			     rp.v[i].due[0] ? rp.v[i].due : NULL, rp.v[i].score,
			     rp.v[i].id);
	if (rc == FL_OK)
		*changed = (long)rp.n;
	if (rc == FL_OK)
		rc = prio_basis_store(st);
	free(rp.v);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

/* ---- acceptance sweep -------------------------------------------------------- */

struct sweep {
	struct fl_store *st;
	long long *ids;
	size_t n, cap;
};

static fl_err
sweep_row(void *ctx, const struct fl_row *row)
{
	struct sweep *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		long long *v = reallocarray(s->ids, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		s->ids = v;
		s->cap = cap;
	}
	s->ids[s->n++] = st_row_int(row, "id", 0);
	return FL_OK;
}

#define FINDING_BRIEF \
	"SELECT f.id, r.title, a.name AS asset, k.ref AS risk FROM finding f" \
	" JOIN vuln_rule r ON r.id = f.rule_id JOIN asset a ON a.id = f.asset_id" \
	" LEFT JOIN risk k ON k.id = f.risk_id"

fl_err
fl_vuln_sweep(struct fl_store *st, const char *today, fl_row_fn fn, void *ctx,
	      struct fl_diag *d)
{
	struct sweep s;
	char now[21], obj[40];
	size_t i;
	fl_err rc;

	memset(&s, 0, sizeof(s));
	rc = st_query(st, FINDING_BRIEF " WHERE f.status = 'risk_accepted' AND"
		      " (k.id IS NULL OR k.status <> 'accepted' OR"
		      " k.accept_expires IS NULL OR k.accept_expires < ?)",
		      sweep_row, &s, "t", today);
	st_now(now);
	for (i = 0; rc == FL_OK && i < s.n; i++) {
		char *before = NULL, *after = NULL;

		if ((rc = st_query_json(st, &before, "SELECT id, status, risk_id"
					" FROM finding WHERE id = ?", "i",
					s.ids[i])) != FL_OK)
			break;
		rc = st_exec(st, "UPDATE finding SET status = 'open', status_reason"
			     " = 'risk acceptance ended', status_by = ?,"
			     " status_at = ?, updated_at = ? WHERE id = ?", "ttti",
			     fl_store_actor(st), now, now, s.ids[i]);
		if (rc == FL_OK)
			rc = event(st, s.ids[i], now, "status", "risk_accepted",
				   "open", "risk acceptance ended", 0);
		if (rc == FL_OK)
			rc = st_query_json(st, &after, "SELECT id, status, risk_id"
					   " FROM finding WHERE id = ?", "i",
					   s.ids[i]);
		snprintf(obj, sizeof(obj), "finding:%lld", s.ids[i]);
		if (rc == FL_OK)
			rc = fl_store_audit(st, "finding.acceptance-ended", obj,
					    before, after);
		free(before);
		free(after);
		if (rc == FL_OK && fn != NULL)
			rc = st_query(st, FINDING_BRIEF " WHERE f.id = ?", fn, ctx,
				      "i", s.ids[i]);
	}
	free(s.ids);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

/* ---- listings ---------------------------------------------------------------- */

#define PLACE \
	"CASE WHEN f.component IS NOT NULL THEN f.component ||" \
	" COALESCE(' ' || f.component_version, '')" \
	" WHEN f.file_path IS NOT NULL THEN f.file_path ||" \
	" COALESCE(':' || f.line, '')" \
	" WHEN f.path IS NOT NULL THEN COALESCE(f.protocol || '://', '')" \
	" || a.name || COALESCE(':' || f.port, '') || f.path" \
	" WHEN f.port IS NOT NULL THEN f.port || '/' || f.protocol" \
	" ELSE 'host' END"

#define KEV_OF(r) \
	"(SELECT COUNT(*) FROM vuln_rule_cve c JOIN kev k ON k.cve = c.cve" \
	" WHERE c.rule_id = " r ".id)"

#define LIST_COLS \
	"SELECT f.id, f.priority, f.due," \
	" CASE WHEN f.due IS NOT NULL AND f.due < ? AND f.status IN" \
	" ('open','not_seen') THEN 1 ELSE 0 END AS overdue," \
	" f.status, f.severity, r.title, a.name AS asset, f.host, " PLACE " AS place," \
	" (SELECT MIN(c.cve) FROM vuln_rule_cve c WHERE c.rule_id = r.id) AS cve," \
	" (SELECT COUNT(*) FROM vuln_rule_cve c WHERE c.rule_id = r.id) AS cves," \
	" CASE WHEN " KEV_OF("r") " > 0 THEN 1 ELSE 0 END AS kev," \
	" (SELECT MIN(k.due_date) FROM vuln_rule_cve c JOIN kev k ON" \
	" k.cve = c.cve WHERE c.rule_id = r.id) AS kev_due," \
	" COALESCE((SELECT MAX(e.score) FROM vuln_rule_cve c JOIN epss e ON" \
	" e.cve = c.cve WHERE c.rule_id = r.id), r.epss_reported) AS epss," \
	" COALESCE(r.cvss4, r.cvss3) AS cvss, r.scanner, r.rule, f.scope," \
	" f.first_seen, f.last_seen, rk.ref AS risk" \
	" FROM finding f JOIN vuln_rule r ON r.id = f.rule_id" \
	" JOIN asset a ON a.id = f.asset_id LEFT JOIN risk rk ON rk.id = f.risk_id"

fl_err
fl_vuln_list(struct fl_store *st, const struct fl_vuln_filter *flt,
	     fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	long long aid = 0;
	const char *status = flt->status;
	fl_err rc;

	if (flt->asset != NULL &&
	    (rc = fl_store_asset_resolve(st, flt->asset, &aid, d)) != FL_OK)
		return rc;
	if (status != NULL && strcmp(status, "all") != 0 &&
	    strcmp(status, "open") != 0 && strcmp(status, "fixed") != 0 &&
	    strcmp(status, "not_seen") != 0 &&
	    strcmp(status, "false_positive") != 0 &&
	    strcmp(status, "risk_accepted") != 0)
		return fl_diag_msg(d, FL_E_INVAL, "unknown status '%s' (open,"
				   " not_seen, fixed, false_positive,"
				   " risk_accepted, all)", status);
	if (flt->priority != NULL &&
	    (strlen(flt->priority) != 2 ||
	     (flt->priority[0] != 'P' && flt->priority[0] != 'p') ||
	     flt->priority[1] < '1' || flt->priority[1] > '4'))
		return fl_diag_msg(d, FL_E_INVAL, "priority must be P1..P4");
	{
		char prio[3] = "";

		if (flt->priority != NULL) {
			prio[0] = 'P';
			prio[1] = flt->priority[1];
			prio[2] = '\0';
		}
		rc = st_query(st, LIST_COLS
			      " WHERE (CAST(? AS TEXT) IS NULL AND f.status IN"
			      " ('open','not_seen') OR ? = 'all' OR f.status = ?)"
			      " AND (CAST(? AS TEXT) IS NULL OR f.priority = ?)"
			      " AND (? = 0 OR f.asset_id = ?)"
			      " AND (CAST(? AS TEXT) IS NULL OR f.scope = ?)"
			      " AND (? = 0 OR (f.due IS NOT NULL AND f.due < ?"
			      " AND f.status IN ('open','not_seen')))"
			      " AND (? = 0 OR " KEV_OF("r") " > 0)"
			      " ORDER BY CASE WHEN f.priority IS NULL THEN 9 ELSE 0"
			      " END, f.priority, f.due, f.id LIMIT ?",
			      fn, ctx, "t" "ttt" "tt" "ii" "tt" "it" "i" "i",
			      flt->today, status, status, status,
			      prio[0] ? prio : NULL, prio[0] ? prio : NULL,
			      aid, aid, flt->scope, flt->scope,
			      (long long)flt->overdue, flt->today,
			      (long long)flt->kev,
			      flt->limit > 0 ? (long long)flt->limit : LLONG_MAX);
	}
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

fl_err
fl_vuln_show(struct fl_store *st, long long id, const char *today,
	     fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	long long n = 0;
	fl_err rc;

	if (st_query_int(st, &n, "SELECT COUNT(*) FROM finding WHERE id = ?",
			 "i", id) != FL_OK || n == 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no finding %lld (see"
				   " `firstline vuln list`)", id);
	rc = st_query(st, "SELECT x.*, r.description, r.mitigation,"
		      " r.refs AS \"references\", r.cvss3, r.cvss3_vector,"
		      " r.cvss4, r.cvss4_vector, r.cwe, f.component,"
		      " f.component_version, f.file_path, f.line, f.port,"
		      " f.protocol, f.path, f.authenticated, f.evidence,"
		      " f.status_reason, f.status_by, f.status_at, f.fixed_at,"
		      " f.times_reopened, f.priority_score,"
		      " 1 + (SELECT COUNT(*) FROM finding_scan s WHERE"
		      " s.finding_id = f.id) AS scans"
		      " FROM (" LIST_COLS " WHERE f.id = ?) x"
		      " JOIN finding f ON f.id = x.id JOIN vuln_rule r ON"
		      " r.id = f.rule_id", fn, ctx, "ti", today, id);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

fl_err
fl_vuln_show_part(struct fl_store *st, long long id, const char *part,
		  fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	fl_err rc;

	if (strcmp(part, "history") == 0)
		rc = st_query(st, "SELECT at, actor, kind, \"from\", \"to\","
			      " reason, scan FROM (SELECT 0 AS seq, s.imported_at"
			      " AS at, s.imported_by AS actor, 'created' AS kind,"
			      " NULL AS \"from\", 'open' AS \"to\", NULL AS reason,"
			      " s.id AS scan FROM finding f JOIN scan s ON"
			      " s.id = f.first_scan_id WHERE f.id = ? AND NOT EXISTS"
			      " (SELECT 1 FROM finding_event e WHERE e.finding_id ="
			      " f.id AND e.kind = 'created')"
			      " UNION ALL SELECT id AS seq, at, actor, kind,"
			      " old_value, new_value, reason, scan_id FROM"
			      " finding_event WHERE finding_id = ?) h ORDER BY seq",
			      fn, ctx, "ii", id, id);
	else if (strcmp(part, "scans") == 0)
		/* the first sighting has no row of its own: its severity
		 * is the one the first severity change replaced, if any */
		rc = st_query(st, "SELECT s.id AS scan, s.scanned_at, s.source,"
			      " x.severity FROM (SELECT f.first_scan_id AS"
			      " scan_id, COALESCE((SELECT e.old_value FROM"
			      " finding_event e WHERE e.finding_id = f.id AND"
			      " e.kind = 'severity' ORDER BY e.id LIMIT 1),"
			      " f.severity) AS severity FROM finding f WHERE"
			      " f.id = ? UNION ALL SELECT scan_id, severity FROM"
			      " finding_scan WHERE finding_id = ?) x JOIN scan s"
			      " ON s.id = x.scan_id ORDER BY s.scanned_at, s.id",
			      fn, ctx, "ii", id, id);
	else
		rc = st_query(st, "SELECT c.cve, k.due_date AS kev_due,"
			      " k.ransomware, e.score AS epss, e.percentile AS"
			      " epss_percentile FROM finding f JOIN vuln_rule_cve c"
			      " ON c.rule_id = f.rule_id LEFT JOIN kev k ON"
			      " k.cve = c.cve LEFT JOIN epss e ON e.cve = c.cve"
			      " WHERE f.id = ? ORDER BY c.cve", fn, ctx, "i", id);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

fl_err
fl_vuln_scans(struct fl_store *st, const char *scope, fl_row_fn fn, void *ctx,
	      struct fl_diag *d)
{
	fl_err rc = st_query(st, "SELECT id, scope, format, source, sha256,"
			     " name, scanned_at, imported_at, imported_by, items,"
			     " hosts, created, reopened, changed, fixed,"
			     " not_seen, unchanged FROM scan WHERE"
			     " sha256 NOT LIKE 'pending:%' AND"
			     " (CAST(? AS TEXT) IS NULL OR scope = ?) ORDER BY id",
			     fn, ctx, "tt", scope, scope);

	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

/* ---- statistics ---------------------------------------------------------------- */

static int
day_diff(const char *from, const char *to, long *days)
{
	char a[11], b[11];
	time_t ta, tb;

	if (from == NULL || to == NULL || strlen(from) < 10 || strlen(to) < 10)
		return -1;
	memcpy(a, from, 10);
	a[10] = '\0';
	memcpy(b, to, 10);
	b[10] = '\0';
	if (fl_time_parse(a, &ta) != 0 || fl_time_parse(b, &tb) != 0)
		return -1;
	*days = (long)((tb - ta) / 86400);
	return 0;
}

struct stats_ctx {
	struct fl_vuln_stats *s;
	const char *today;
	double mttr_sum[5], mttr_all;
	long mttr_n[5], mttr_alln;
};

static fl_err
stats_row(void *ctx, const struct fl_row *row)
{
	struct stats_ctx *c = ctx;
	struct fl_vuln_stats *s = c->s;
	const char *status = fl_row_get(row, "status");
	const char *prio = fl_row_get(row, "priority");
	const char *due = fl_row_get(row, "due");
	const char *first = fl_row_get(row, "first_seen");
	const char *fixed = fl_row_get(row, "fixed_at");
	int p = prio != NULL && prio[0] == 'P' ? prio[1] - '0' : 0;
	long age = 0, ttr;

	if (p < 0 || p > 4)
		p = 0;
	if (status == NULL)
		return FL_OK;
	if (strcmp(status, "open") == 0 || strcmp(status, "not_seen") == 0) {
		int bucket;

		if (strcmp(status, "not_seen") == 0)
			s->not_seen++;
		s->open[p]++;
		if (st_row_int(row, "kev", 0) > 0)
			s->kev_open++;
		day_diff(first, c->today, &age);
		bucket = age <= 30 ? 0 : age <= 90 ? 1 : age <= 180 ? 2 : 3;
		s->age[p][bucket]++;
		if (due != NULL) {
			s->open_with_due++;
			if (strncmp(due, c->today, 10) < 0)
				s->overdue[p]++;
			else
				s->open_in_sla++;
		}
	} else if (strcmp(status, "fixed") == 0) {
		s->fixed++;
		if (due != NULL && fixed != NULL) {
			s->sla_total++;
			if (strncmp(fixed, due, 10) <= 0)
				s->sla_met++;
		}
		if (day_diff(first, fixed, &ttr) == 0) {
			c->mttr_sum[p] += (double)ttr;
			c->mttr_n[p]++;
			c->mttr_all += (double)ttr;
			c->mttr_alln++;
		}
	} else if (strcmp(status, "false_positive") == 0)
		s->false_positive++;
	else if (strcmp(status, "risk_accepted") == 0)
		s->risk_accepted++;
	return FL_OK;
}

fl_err
fl_vuln_stats(struct fl_store *st, const char *today, const char *scope,
	      struct fl_vuln_stats *s, struct fl_diag *d)
{
	struct stats_ctx c;
	int i;
	fl_err rc;

	memset(s, 0, sizeof(*s));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.today = today;
	rc = st_query(st, "SELECT f.status, f.priority, f.due, f.first_seen,"
		      " f.fixed_at, " KEV_OF("r") " AS kev FROM finding f"
		      " JOIN vuln_rule r ON r.id = f.rule_id"
		      " WHERE CAST(? AS TEXT) IS NULL OR f.scope = ?",
		      stats_row, &c, "tt", scope, scope);
	if (rc != FL_OK) {
		if (d->msg[0] == '\0')
			fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
		return rc;
	}
	s->mttr_days = c.mttr_alln ? c.mttr_all / (double)c.mttr_alln : -1;
	for (i = 0; i < 5; i++)
		s->mttr_by_prio[i] = c.mttr_n[i] ? c.mttr_sum[i] / (double)c.mttr_n[i]
						 : -1;
	return FL_OK;
}

/* ---- status workflow ------------------------------------------------------------ */

#define FINDING_IMAGE \
	"SELECT id, status, status_reason, status_by, status_at, risk_id," \
	" fixed_at FROM finding WHERE id = ?"

fl_err
fl_vuln_set_status(struct fl_store *st, long long id, const char *status,
		   const char *reason, struct fl_diag *d)
{
	char *old = NULL, now[21], *before = NULL, *after = NULL, obj[40];
	fl_err rc;

	if (strcmp(status, "risk_accepted") == 0)
		return fl_diag_msg(d, FL_E_INVAL, "a finding is risk-accepted"
				   " through an accepted risk: `firstline vuln"
				   " risk %lld --risk R-...`", id);
	if (strcmp(status, "false_positive") != 0 &&
	    strcmp(status, "fixed") != 0 && strcmp(status, "open") != 0)
		return fl_diag_msg(d, FL_E_INVAL, "status must be false_positive,"
				   " fixed or open");
	if ((strcmp(status, "open") != 0) && (reason == NULL || *reason == '\0'))
		return fl_diag_msg(d, FL_E_INVAL, "%s needs --reason (%s)", status,
				   strcmp(status, "fixed") == 0
					   ? "how the fix was verified"
					   : "why it is not a vulnerability");
	rc = st_query_text(st, &old, "SELECT status FROM finding WHERE id = ?",
			   "i", id);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no finding %lld (see `firstline vuln"
				   " list`)", id);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (strcmp(old, status) == 0) {
		fl_diag_msg(d, FL_E_INVAL, "finding %lld is already %s", id, status);
		free(old);
		return FL_E_INVAL;
	}
	st_now(now);
	snprintf(obj, sizeof(obj), "finding:%lld", id);
	if ((rc = st_query_json(st, &before, FINDING_IMAGE, "i", id)) == FL_OK &&
	    (rc = st_exec(st, "UPDATE finding SET status = ?, status_reason = ?,"
			  " status_by = ?, status_at = ?, fixed_at = CASE WHEN"
			  " ? = 'fixed' THEN ? ELSE NULL END, times_reopened ="
			  " times_reopened + CASE WHEN status = 'fixed' AND"
			  " ? = 'open' THEN 1 ELSE 0 END, updated_at = ?"
			  " WHERE id = ?", "tttt" "tt" "t" "t" "i", status,
			  reason, fl_store_actor(st), now, status, now, status,
			  now, id)) == FL_OK &&
	    (rc = event(st, id, now, "status", old, status, reason, 0)) == FL_OK &&
	    (rc = st_query_json(st, &after, FINDING_IMAGE, "i", id)) == FL_OK)
		rc = fl_store_audit(st, "finding.status", obj, before, after);
	free(old);
	free(before);
	free(after);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

struct risk_state {
	long long id;
	char ref[16], status[16], expires[16], approver[128];
	int found;
};

static fl_err
risk_state_row(void *ctx, const struct fl_row *row)
{
	struct risk_state *r = ctx;

	r->found = 1;
	r->id = st_row_int(row, "id", 0);
	row_text(row, "ref", r->ref, sizeof(r->ref));
	row_text(row, "status", r->status, sizeof(r->status));
	row_text(row, "accept_expires", r->expires, sizeof(r->expires));
	row_text(row, "approver", r->approver, sizeof(r->approver));
	return FL_OK;
}

fl_err
fl_vuln_link_risk(struct fl_store *st, long long id, const char *risk,
		  int *accepted, struct fl_diag *d)
{
	struct risk_state r;
	char *old = NULL, now[21], *before = NULL, *after = NULL, obj[40];
	char reason[256], today[11];
	fl_err rc;

	*accepted = 0;
	memset(&r, 0, sizeof(r));
	if ((rc = st_query(st, "SELECT k.id, k.ref, k.status, k.accept_expires,"
			   " p.email AS approver FROM risk k LEFT JOIN person p"
			   " ON p.id = k.accept_approver_id WHERE k.ref = ?",
			   risk_state_row, &r, "t", risk)) != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (!r.found)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no risk '%s' (see"
				   " `firstline risk list`)", risk);
	rc = st_query_text(st, &old, "SELECT status FROM finding WHERE id = ?",
			   "i", id);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no finding %lld (see `firstline vuln"
				   " list`)", id);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	st_now(now);
	fl_time_date(fl_now(), today);
	*accepted = strcmp(r.status, "accepted") == 0 && r.expires[0] != '\0' &&
		    strcmp(r.expires, today) >= 0 &&
		    (strcmp(old, "open") == 0 || strcmp(old, "not_seen") == 0 ||
		     strcmp(old, "risk_accepted") == 0);
	snprintf(reason, sizeof(reason), "accepted in %s by %s until %s", r.ref,
		 r.approver, r.expires);
	snprintf(obj, sizeof(obj), "finding:%lld", id);
	if ((rc = st_query_json(st, &before, FINDING_IMAGE, "i", id)) == FL_OK &&
	    (rc = st_exec(st, "UPDATE finding SET risk_id = ?, updated_at = ?"
			  " WHERE id = ?", "iti", r.id, now, id)) == FL_OK &&
	    (rc = event(st, id, now, "risk", NULL, r.ref, NULL, 0)) == FL_OK &&
	    *accepted && strcmp(old, "risk_accepted") != 0) {
		if ((rc = st_exec(st, "UPDATE finding SET status = 'risk_accepted',"
				  " status_reason = ?, status_by = ?, status_at = ?"
				  " WHERE id = ?", "ttti", reason,
				  fl_store_actor(st), now, id)) == FL_OK)
			rc = event(st, id, now, "status", old, "risk_accepted",
				   reason, 0);
	}
	if (rc == FL_OK &&
	    (rc = st_query_json(st, &after, FINDING_IMAGE, "i", id)) == FL_OK)
		rc = fl_store_audit(st, "finding.risk", obj, before, after);
	free(old);
	free(before);
	free(after);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

/* ---- escalation -------------------------------------------------------------------- */

#define OVERDUE_P1 \
	" f.priority = 'P1' AND f.due IS NOT NULL AND f.due < ? AND" \
	" f.status IN ('open','not_seen') AND f.risk_id IS NULL"

struct esc_group {
	long long rule_id;
	char *title, *rule, *scanner, *oldest;
	long findings, assets;
};
struct esc {
	struct esc_group *v;
	size_t n, cap;
};

static fl_err
esc_row(void *ctx, const struct fl_row *row)
{
	struct esc *e = ctx;
	struct esc_group *g;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct esc_group *v = reallocarray(e->v, cap, sizeof(*v));

		if (v == NULL)
			return FL_E_NOMEM;
		e->v = v;
		e->cap = cap;
	}
	g = &e->v[e->n];
	memset(g, 0, sizeof(*g));
	g->rule_id = st_row_int(row, "rule_id", 0);
	g->findings = (long)st_row_int(row, "findings", 0);
	g->assets = (long)st_row_int(row, "assets", 0);
	g->title = fl_strdup(fl_row_get(row, "title"));
	g->rule = fl_strdup(fl_row_get(row, "rule"));
	g->scanner = fl_strdup(fl_row_get(row, "scanner"));
	g->oldest = fl_strdup(fl_row_get(row, "oldest_due"));
	e->n++;
	if (g->title == NULL || g->rule == NULL || g->scanner == NULL ||
	    g->oldest == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

struct names {
	char **v;
	size_t n, cap;
};

static fl_err
name_row(void *ctx, const struct fl_row *row)
{
	struct names *nm = ctx;
	const char *v = fl_row_get(row, "name");

	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 16;
		char **p = reallocarray(nm->v, cap, sizeof(*p));

		if (p == NULL)
			return FL_E_NOMEM;
		nm->v = p;
		nm->cap = cap;
	}
	if ((nm->v[nm->n] = fl_strdup(v ? v : "")) == NULL)
		return FL_E_NOMEM;
	nm->n++;
	return FL_OK;
}

static fl_err
escalate_one(struct fl_store *st, const char *today, struct esc_group *g,
	     char ref[static 16], struct fl_diag *d)
{
	struct names nm;
	struct fl_risk_new rn;
	char title[300], desc[700], obj[40], after[200], now[21];
	size_t i;
	fl_err rc;

	memset(&nm, 0, sizeof(nm));
	rc = st_query(st, "SELECT DISTINCT a.name FROM finding f JOIN asset a ON"
		      " a.id = f.asset_id WHERE f.rule_id = ? AND" OVERDUE_P1
		      " ORDER BY a.name LIMIT 500", name_row, &nm, "it",
		      g->rule_id, today);
	if (rc == FL_OK) {
		memset(&rn, 0, sizeof(rn));
		snprintf(title, sizeof(title), "Overdue P1 vulnerability: %.240s",
			 g->title);
		snprintf(desc, sizeof(desc), "%ld finding%s of %s rule %s on %ld"
			 " asset%s past the remediation deadline since %s"
			 " (proposed by `vuln escalate`).", g->findings,
			 g->findings == 1 ? "" : "s", g->scanner, g->rule,
			 g->assets, g->assets == 1 ? "" : "s", g->oldest);
		rn.title = title;
		rn.description = desc;
		rn.category = "vulnerability";
		rn.vulnerability = g->title;
		rn.assets = (const char *const *)nm.v;
		rn.nassets = (int)nm.n;
		rc = fl_store_risk_create(st, &rn, ref, d);
	}
	st_now(now);
	if (rc == FL_OK)
		rc = st_exec(st, "INSERT INTO finding_event (finding_id, at, actor,"
			     " kind, new_value, reason) SELECT f.id, ?, ?, 'risk',"
			     " ?, 'proposed by vuln escalate' FROM finding f WHERE"
			     " f.rule_id = ? AND" OVERDUE_P1, "ttti" "t", now,
			     fl_store_actor(st), ref, g->rule_id, today);
	if (rc == FL_OK)
		rc = st_exec(st, "UPDATE finding SET risk_id = (SELECT id FROM"
			     " risk WHERE ref = ?), updated_at = ? WHERE id IN"
			     " (SELECT f.id FROM finding f WHERE f.rule_id = ?"
			     " AND" OVERDUE_P1 ")", "tti" "t", ref, now,
			     g->rule_id, today);
	if (rc == FL_OK) {
		snprintf(obj, sizeof(obj), "risk:%s", ref);
		snprintf(after, sizeof(after), "{\"findings\":%ld,\"rule_id\":%lld}",
			 g->findings, g->rule_id);
		rc = fl_store_audit(st, "finding.escalate", obj, NULL, after);
	}
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	return rc;
}

fl_err
fl_vuln_escalate(struct fl_store *st, const char *today, int create,
		 fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	static const char *const names[] = {"risk", "scanner", "rule", "title",
					    "findings", "assets", "oldest_due"};
	static const enum fl_col_type types[] = {FL_COL_TEXT, FL_COL_TEXT,
		FL_COL_TEXT, FL_COL_TEXT, FL_COL_INT, FL_COL_INT, FL_COL_TEXT};
	struct esc e;
	size_t i;
	fl_err rc;

	memset(&e, 0, sizeof(e));
	rc = st_query(st, "SELECT r.id AS rule_id, r.scanner, r.rule, r.title,"
		      " COUNT(*) AS findings, COUNT(DISTINCT f.asset_id) AS assets,"
		      " MIN(f.due) AS oldest_due FROM finding f JOIN vuln_rule r"
		      " ON r.id = f.rule_id WHERE" OVERDUE_P1
		      " GROUP BY r.id, r.scanner, r.rule, r.title"
		      " ORDER BY MIN(f.due), r.id", esc_row, &e, "t", today);
	for (i = 0; rc == FL_OK && i < e.n; i++) {
		struct esc_group *g = &e.v[i];
		char ref[16] = "", nf[24], na[24];
		const char *vals[7];
		struct fl_row row;

		if (create && (rc = escalate_one(st, today, g, ref, d)) != FL_OK)
			break;
		snprintf(nf, sizeof(nf), "%ld", g->findings);
		snprintf(na, sizeof(na), "%ld", g->assets);
		vals[0] = ref[0] ? ref : NULL;
		vals[1] = g->scanner;
		vals[2] = g->rule;
		vals[3] = g->title;
		vals[4] = nf;
		vals[5] = na;
		vals[6] = g->oldest;
		row.ncol = 7;
		row.names = names;
		row.vals = vals;
		row.types = types;
		if (fn != NULL)
			rc = fn(ctx, &row);
	}
	for (i = 0; i < e.n; i++) {
		free(e.v[i].title);
		free(e.v[i].rule);
		free(e.v[i].scanner);
		free(e.v[i].oldest);
	}
	free(e.v);
	if (rc != FL_OK && d->msg[0] == '\0')
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

/* ---- threat intelligence ------------------------------------------------------------ */

fl_err
fl_vuln_kev_clear(struct fl_store *st, struct fl_diag *d)
{
	fl_err rc = st_exec(st, "DELETE FROM kev", "");

	if (rc != FL_OK)
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

fl_err
fl_vuln_kev_put(struct fl_store *st, const struct fl_vuln_kev *k,
		struct fl_diag *d)
{
	char now[21];
	fl_err rc;

	st_now(now);
	rc = st_exec(st, "INSERT INTO kev (cve, vendor, product, name, date_added,"
		     " due_date, ransomware, loaded_at) VALUES (?, ?, ?, ?, ?, ?,"
		     " ?, ?) ON CONFLICT (cve) DO UPDATE SET vendor ="
		     " excluded.vendor, product = excluded.product, name ="
		     " excluded.name, date_added = excluded.date_added, due_date"
		     " = excluded.due_date, ransomware = excluded.ransomware,"
		     " loaded_at = excluded.loaded_at", "tttttttt", k->cve,
		     k->vendor, k->product, k->name, k->date_added, k->due_date,
		     k->ransomware, now);
	if (rc != FL_OK)
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

fl_err
fl_vuln_epss_put(struct fl_store *st, const struct fl_vuln_epss *e,
		 struct fl_diag *d)
{
	char now[21], pct[32];
	fl_err rc;

	st_now(now);
	rc = st_exec(st, "INSERT INTO epss (cve, score, percentile, score_date,"
		     " loaded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (cve) DO"
		     " UPDATE SET score = excluded.score, percentile ="
		     " excluded.percentile, score_date = excluded.score_date,"
		     " loaded_at = excluded.loaded_at", "tdttt", e->cve, e->score,
		     numtxt(e->percentile, pct), e->score_date, now);
	if (rc != FL_OK)
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

fl_err
fl_vuln_enrich_done(struct fl_store *st, const char *what, long kev, long epss,
		    long *kev_findings, long *epss_findings, struct fl_diag *d)
{
	long long nk = 0, ne = 0;
	long changed;
	char after[256];
	fl_err rc;

	if ((rc = fl_vuln_reprioritize(st, 1, &changed, d)) != FL_OK)
		return rc;
	if ((rc = st_query_int(st, &nk, "SELECT COUNT(*) FROM finding f WHERE"
			       " f.status IN ('open','not_seen','risk_accepted')"
			       " AND EXISTS (SELECT 1 FROM vuln_rule_cve c JOIN kev k ON"
			       " k.cve = c.cve WHERE c.rule_id = f.rule_id)", "")) != FL_OK &&
	    rc != FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if ((rc = st_query_int(st, &ne, "SELECT COUNT(*) FROM finding f WHERE"
			       " f.status IN ('open','not_seen','risk_accepted')"
			       " AND EXISTS (SELECT 1 FROM vuln_rule_cve c JOIN epss"
			       " e ON e.cve = c.cve WHERE c.rule_id = f.rule_id)",
			       "")) != FL_OK && rc != FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	*kev_findings = (long)nk;
	*epss_findings = (long)ne;
	snprintf(after, sizeof(after), "{\"sources\":\"%s\",\"kev\":%ld,"
		 "\"epss\":%ld,\"kev_findings\":%lld,\"epss_findings\":%lld,"
		 "\"reprioritized\":%ld}", what, kev, epss, nk, ne, changed);
	rc = fl_store_audit(st, "vuln.enrich", "intel", NULL, after);
	if (rc != FL_OK)
		fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}
