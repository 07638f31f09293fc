/*
 * org: entities (the Group's legal entities and org units), people with
 * their roles, and assets with the hostnames and addresses that scanners
 * and logs use to name them.
 *
 * Values are stored in one canonical spelling (e-mails and hostnames in
 * lower case, IP addresses as inet_ntop writes them, tags lower case and
 * sorted) so that lookups are exact and a re-import of the same inventory
 * compares equal and changes nothing.  Every write compares the object's
 * image before and after and audits only a real change.
 *
 * It refuses: an address claimed by two assets, an owner or entity that
 * does not exist, a name several people share used as a reference, a
 * second central entity, values outside their ranges.  It never guesses
 * which of two things was meant.
 */
#include "store_int.h"

#include <arpa/inet.h>
#include <ctype.h>

#define MAX_ADDRS 256  /* hostnames plus IP addresses of one asset */
#define MAX_TAGS 64
#define MAX_TAG_LEN 64
#define MAX_NAME_LEN 200

/* ---- lookups ------------------------------------------------------------ */

struct role_ctx {
	long long id;
	char *role;
	size_t rolesz;
	int n;
};

static fl_err
person_row(void *ctx, const struct fl_row *row)
{
	struct role_ctx *r = ctx;
	const char *id = fl_row_get(row, "id"), *role = fl_row_get(row, "role");
	long v = 0;

	if (id && fl_parse_long(id, 1, LONG_MAX, &v) == 0)
		r->id = v;
	if (r->rolesz)
		fl_strlcpy(r->role, role ? role : "", r->rolesz);
	r->n++;
	return FL_OK;
}

fl_err
fl_store_person_find(struct fl_store *st, const char *key, long long *id,
		     char *role, size_t rolesz)
{
	struct role_ctx r = {0, role, rolesz, 0};
	char email[256];
	size_t k, n = strlen(key);
	fl_err rc = FL_OK;

	/*
	 * E-mails are stored lowered by canon_email (ASCII only); lowering
	 * the key the same way here, not with SQL's lower(), keeps lookups
	 * alike on every back end (PostgreSQL's lower() also folds "Ä").
	 */
	if (n < sizeof email) {
		for (k = 0; k <= n; k++)
			email[k] = (char)tolower((unsigned char)key[k]);
		rc = st_query(st, "SELECT id, role FROM person WHERE email = ?",
			      person_row, &r, "t", email);
	}
	if (rc == FL_OK && r.n == 0)
		rc = st_query(st,
			      "SELECT id, role FROM person WHERE lower(name) = lower(?)"
			      " LIMIT 2",
			      person_row, &r, "t", key);
	if (rc != FL_OK)
		return rc;
	if (r.n == 0)
		return FL_E_NOTFOUND;
	if (r.n > 1)
		return FL_E_INVAL;
	*id = r.id;
	return FL_OK;
}

fl_err
fl_store_entity_find(struct fl_store *st, const char *key, long long *id)
{
	return st_query_int(st, id,
			    "SELECT id FROM entity WHERE lower(code) = lower(?)"
			    " OR lower(name) = lower(?) ORDER BY"
			    " (lower(code) = lower(?)) DESC LIMIT 1",
			    "ttt", key, key, key);
}

/*
 * The canonical spelling of an IP address into out (at least
 * INET6_ADDRSTRLEN bytes); 0 when s is one, -1 when not.
 */
int
st_canon_ip(const char *s, char *out, size_t outsz)
{
	unsigned char bin[16];

	if (inet_pton(AF_INET, s, bin) == 1)
		return inet_ntop(AF_INET, bin, out, (socklen_t)outsz) ? 0 : -1;
	if (inet_pton(AF_INET6, s, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, (socklen_t)outsz) ? 0 : -1;
	return -1;
}

fl_err
fl_store_asset_find(struct fl_store *st, const char *key, long long *id)
{
	char canon[256];
	size_t n;
	fl_err rc = st_query_int(st, id,
				 "SELECT id FROM asset WHERE lower(name) = lower(?)",
				 "t", key);

	if (rc != FL_E_NOTFOUND)
		return rc;
	if (st_canon_ip(key, canon, sizeof canon) == 0)
		return st_query_int(st, id,
				    "SELECT asset_id FROM asset_address"
				    " WHERE kind = 'ip' AND value = ?",
				    "t", canon);
	/* hostnames are stored lower case, without the root's final dot */
	n = fl_strlcpy(canon, key, sizeof canon);
	if (n >= sizeof canon)
		return FL_E_NOTFOUND;
	if (n > 1 && canon[n - 1] == '.')
		canon[n - 1] = '\0';
	for (n = 0; canon[n]; n++)
		canon[n] = (char)tolower((unsigned char)canon[n]);
	return st_query_int(st, id,
			    "SELECT asset_id FROM asset_address"
			    " WHERE kind = 'hostname' AND value = ?",
			    "t", canon);
}

/* ---- validation ----------------------------------------------------------- */

int
fl_person_role_valid(const char *role)
{
	static const char *const roles[] = {"itso", "citso", "iso",
					    "control-owner", "auditor", "staff"};
	size_t k;

	for (k = 0; role && k < sizeof roles / sizeof *roles; k++)
		if (strcmp(role, roles[k]) == 0)
			return 1;
	return 0;
}

int
fl_entity_regime_valid(const char *regime)
{
	return regime && (strcmp(regime, "dora") == 0 ||
			  strcmp(regime, "nis2") == 0 ||
			  strcmp(regime, "none") == 0);
}

/* No control characters (they break tables, logs and CSV round trips). */
static int
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int
blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int
valid_code(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' && s[n] != '_' &&
		    s[n] != '-')
			return 0;
	return n >= 1 && n <= 32;
}

/* A lower-case copy of a plausible e-mail address, or -1. */
static int
canon_email(const char *s, char *out, size_t outsz)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s), k;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    n > 254 || n >= outsz)
		return -1;
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '"' ||
		    c == '<' || c == '>')
			return -1;
		out[k] = (char)tolower(c);
	}
	out[n] = '\0';
	return 0;
}

/*
 * A hostname in lower case without a final dot, or -1: labels of letters,
 * digits, '-' and '_' (Windows names use it), at most 63 each and 253 in
 * all, not starting or ending with '-', and a last label that is not all
 * digits (that would be a mistyped IPv4 address).
 */
static int
canon_hostname(const char *s, char *out, size_t outsz)
{
	size_t n = strlen(s), k, label = 0;
	int alldigit = 1;

	if (n > 1 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || n >= outsz)
		return -1;
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == '.') {
			if (label == 0 || s[k - 1] == '-')
				return -1;
			label = 0;
			alldigit = 1;
			out[k] = '.';
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return -1;
		if ((c == '-' && label == 0) || ++label > 63)
			return -1;
		if (!isdigit(c))
			alldigit = 0;
		out[k] = (char)tolower(c);
	}
	if (label == 0 || s[n - 1] == '-' || alldigit)
		return -1;
	out[n] = '\0';
	return 0;
}

/* A tag: lower case, no blanks, separators, quotes or brackets. */
static int
canon_tag(const char *s, char *out, size_t outsz)
{
	size_t n = strlen(s), k;

	if (n == 0 || n > MAX_TAG_LEN || n >= outsz)
		return -1;
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c <= 0x20 || c == 0x7f || strchr(",;\"\\[]", c))
			return -1;
		out[k] = (char)tolower(c);
	}
	out[n] = '\0';
	return 0;
}

/* ---- small helpers ----------------------------------------------------- */

static fl_err
id_row(void *ctx, const struct fl_row *row)
{
	long long *id = ctx;
	const char *v = row->ncol > 0 ? row->vals[0] : NULL;
	long x = 0;

	if (v && fl_parse_long(v, 1, LONG_MAX, &x) == 0)
		*id = x;
	return FL_OK;
}

/* Whether an entity's code or name already uses s (other than entity skip). */
static fl_err
entity_name_taken(struct fl_store *st, const char *s, long long skip,
		  char **holder)
{
	fl_err rc = st_query_text(st, holder,
				  "SELECT code FROM entity WHERE id <> ? AND"
				  " (lower(code) = lower(?) OR lower(name) = lower(?))"
				  " LIMIT 1",
				  "itt", skip, s, s);

	if (rc == FL_E_NOTFOUND) {
		*holder = NULL;
		return FL_OK;
	}
	return rc;
}

/* Audit a change from before to after (either NULL); nothing when equal. */
static fl_err
audit_change(struct fl_store *st, const char *action, const char *object,
	     const char *before, const char *after, int *changed)
{
	if (before && after && strcmp(before, after) == 0) {
		if (changed)
			*changed = 0;
		return FL_OK;
	}
	if (changed)
		*changed = 1;
	return fl_store_audit(st, action, object, before, after);
}

/* ---- entities ----------------------------------------------------------- */

static fl_err
entity_image(struct fl_store *st, long long id, char **out)
{
	return st_query_json(st, out,
			     "SELECT code, name, is_central AS central, regime"
			     " FROM entity WHERE id = ?",
			     "i", id);
}

/* Refuse a second central entity. */
static fl_err
check_central(struct fl_store *st, long long self, struct fl_diag *d)
{
	char *other = NULL;
	fl_err rc = st_query_text(st, &other,
				  "SELECT code FROM entity WHERE is_central = 1"
				  " AND id <> ? LIMIT 1",
				  "i", self);

	if (rc == FL_E_NOTFOUND)
		return FL_OK;
	if (rc == FL_OK)
		rc = fl_diag_msg(d, FL_E_INVAL,
				 "entity '%s' is already the central entity",
				 other ? other : "?");
	free(other);
	return rc;
}

static fl_err
check_entity_fields(struct fl_store *st, const struct fl_entity_in *e,
		    long long self, struct fl_diag *d)
{
	char *holder = NULL;
	fl_err rc;

	if (e->code && !valid_code(e->code))
		return fl_diag_msg(d, FL_E_INVAL,
				   "invalid entity code '%s' (1-32 letters, digits, "
				   "'.', '_' or '-')", e->code);
	if (e->name && (blank(e->name) || !printable(e->name) ||
			strlen(e->name) > MAX_NAME_LEN))
		return fl_diag_msg(d, FL_E_INVAL, "invalid entity name '%s'",
				   e->name);
	if (e->regime && !fl_entity_regime_valid(e->regime))
		return fl_diag_msg(d, FL_E_INVAL,
				   "unknown regime '%s' (dora, nis2 or none)",
				   e->regime);
	/* a code or name must name one entity only, so lookups never guess */
	if (e->code) {
		if ((rc = entity_name_taken(st, e->code, self, &holder)) != FL_OK)
			return rc;
		if (holder) {
			rc = fl_diag_msg(d, FL_E_INVAL,
					 "entity '%s' already exists", holder);
			free(holder);
			return rc;
		}
	}
	if (e->name && (e->code == NULL || !fl_streq_ci(e->code, e->name))) {
		if ((rc = entity_name_taken(st, e->name, self, &holder)) != FL_OK)
			return rc;
		if (holder) {
			rc = fl_diag_msg(d, FL_E_INVAL,
					 "the name '%s' is already used by entity '%s'",
					 e->name, holder);
			free(holder);
			return rc;
		}
	}
	if (e->central == 1)
		return check_central(st, self, d);
	return FL_OK;
}

fl_err
fl_store_entity_add(struct fl_store *st, const struct fl_entity_in *e,
		    struct fl_diag *d)
{
	char now[21], obj[64], *after = NULL;
	long long id = 0;
	fl_err rc;

	if (e->code == NULL || e->name == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "an entity needs a code and a name");
	if ((rc = check_entity_fields(st, e, 0, d)) != FL_OK)
		return rc;
	st_now(now);
	rc = st_exec(st,
		     "INSERT INTO entity (code, name, is_central, regime, created_at)"
		     " VALUES (?, ?, ?, ?, ?)",
		     "ttitt", e->code, e->name, (long long)(e->central == 1),
		     e->regime, now);
	if (rc == FL_OK)
		rc = st_query_int(st, &id, "SELECT id FROM entity WHERE code = ?",
				  "t", e->code);
	if (rc == FL_OK)
		rc = entity_image(st, id, &after);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "entity:%s", e->code);
		rc = fl_store_audit(st, "entity.create", obj, NULL, after);
	}
	free(after);
	return rc;
}

fl_err
fl_store_entity_set(struct fl_store *st, const char *key,
		    const struct fl_entity_in *e, int *changed,
		    struct fl_diag *d)
{
	char obj[64], *before = NULL, *after = NULL, *code = NULL;
	long long id = 0;
	fl_err rc;

	*changed = 0;
	if ((rc = fl_store_entity_find(st, key, &id)) == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no entity '%s'", key);
	if (rc != FL_OK)
		return rc;
	if ((rc = check_entity_fields(st, e, id, d)) != FL_OK)
		return rc;
	if ((rc = entity_image(st, id, &before)) != FL_OK)
		return rc;
	if (rc == FL_OK && e->code)
		rc = st_exec(st, "UPDATE entity SET code = ? WHERE id = ?", "ti",
			     e->code, id);
	if (rc == FL_OK && e->name)
		rc = st_exec(st, "UPDATE entity SET name = ? WHERE id = ?", "ti",
			     e->name, id);
	if (rc == FL_OK && e->central >= 0)
		rc = st_exec(st, "UPDATE entity SET is_central = ? WHERE id = ?",
			     "ii", (long long)(e->central == 1), id);
	if (rc == FL_OK && e->regime)
		rc = st_exec(st, "UPDATE entity SET regime = ? WHERE id = ?", "ti",
			     e->regime, id);
	if (rc == FL_OK)
		rc = entity_image(st, id, &after);
	if (rc == FL_OK)
		rc = st_query_text(st, &code, "SELECT code FROM entity WHERE id = ?",
				   "i", id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "entity:%s", code ? code : key);
		rc = audit_change(st, "entity.update", obj, before, after, changed);
	}
	free(code);
	free(before);
	free(after);
	return rc;
}

#define ENTITY_COLS \
	"SELECT e.code, e.name," \
	" CASE WHEN e.is_central = 1 THEN 'true' ELSE 'false' END AS central_json," \
	" e.regime," \
	" (SELECT count(*) FROM person p WHERE p.entity_id = e.id) AS people," \
	" (SELECT count(*) FROM asset a WHERE a.entity_id = e.id) AS assets," \
	" e.created_at FROM entity e"

fl_err
fl_store_entity_list(struct fl_store *st, fl_row_fn fn, void *ctx)
{
	return st_query(st, ENTITY_COLS " ORDER BY e.is_central DESC, e.code", fn,
			ctx, "");
}

fl_err
fl_store_entity_show(struct fl_store *st, const char *key, fl_row_fn fn,
		     void *ctx, struct fl_diag *d)
{
	long long id = 0;
	fl_err rc = fl_store_entity_find(st, key, &id);

	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no entity '%s'", key);
	if (rc != FL_OK)
		return rc;
	return st_query(st, ENTITY_COLS " WHERE e.id = ?", fn, ctx, "i", id);
}

/* ---- people --------------------------------------------------------------- */

static fl_err
person_image(struct fl_store *st, long long id, char **out)
{
	return st_query_json(st, out,
			     "SELECT p.email, p.name, p.department, p.role,"
			     " e.code AS entity FROM person p"
			     " LEFT JOIN entity e ON e.id = p.entity_id"
			     " WHERE p.id = ?",
			     "i", id);
}

/* Resolve a person reference with a message for each way it can fail. */
fl_err
fl_store_person_resolve(struct fl_store *st, const char *what,
			const char *key, long long *id, char *role,
			size_t rolesz, struct fl_diag *d)
{
	fl_err rc = fl_store_person_find(st, key, id, role, rolesz);

	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "unknown %s '%s' (no person with that "
				   "e-mail or name)", what, key);
	if (rc == FL_E_INVAL)
		return fl_diag_msg(d, rc, "%s '%s' is ambiguous: several people "
				   "have that name; use the e-mail", what, key);
	return rc;
}

fl_err
fl_store_entity_resolve(struct fl_store *st, const char *key, long long *id,
			struct fl_diag *d)
{
	fl_err rc = fl_store_entity_find(st, key, id);

	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "unknown entity '%s'", key);
	return rc;
}

/* Validate the given fields; email_out receives the canonical e-mail. */
static fl_err
check_person_fields(struct fl_store *st, const struct fl_person_in *p,
		    long long self, char *email_out, size_t emailsz,
		    struct fl_diag *d)
{
	char *holder = NULL;
	fl_err rc;

	if (p->email) {
		if (canon_email(p->email, email_out, emailsz) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "invalid e-mail address '%s'",
					   p->email);
		rc = st_query_text(st, &holder,
				   "SELECT name FROM person WHERE email = ? AND id <> ?",
				   "ti", email_out, self);
		if (rc == FL_OK) {
			rc = fl_diag_msg(d, FL_E_INVAL,
					 "%s already belongs to %s", email_out,
					 holder ? holder : "someone else");
			free(holder);
			return rc;
		}
		if (rc != FL_E_NOTFOUND)
			return rc;
	}
	if (p->name && (blank(p->name) || !printable(p->name) ||
			strlen(p->name) > MAX_NAME_LEN || strchr(p->name, '@')))
		return fl_diag_msg(d, FL_E_INVAL, "invalid name '%s'%s", p->name,
				   p->name && strchr(p->name, '@')
					   ? " (a name, not an e-mail)" : "");
	if (p->department && (!printable(p->department) ||
			      strlen(p->department) > MAX_NAME_LEN))
		return fl_diag_msg(d, FL_E_INVAL, "invalid department '%s'",
				   p->department);
	if (p->role && !fl_person_role_valid(p->role))
		return fl_diag_msg(d, FL_E_INVAL, "unknown role '%s' (one of "
				   FL_PERSON_ROLES ")", p->role);
	return FL_OK;
}

fl_err
fl_store_person_add(struct fl_store *st, const struct fl_person_in *p,
		    struct fl_diag *d)
{
	char email[256], now[21], obj[300], *after = NULL;
	long long id = 0, entity = 0;
	fl_err rc;

	if (p->email == NULL || p->name == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "a person needs an e-mail and a name");
	if ((rc = check_person_fields(st, p, 0, email, sizeof email, d)) != FL_OK)
		return rc;
	if (p->entity && *p->entity &&
	    (rc = fl_store_entity_resolve(st, p->entity, &entity, d)) != FL_OK)
		return rc;
	st_now(now);
	rc = st_exec(st,
		     "INSERT INTO person (email, name, department, role, entity_id,"
		     " created_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)",
		     "ttttit", email, p->name,
		     p->department && *p->department ? p->department : NULL,
		     p->role ? p->role : "staff", entity, now);
	if (rc == FL_OK)
		rc = st_query_int(st, &id, "SELECT id FROM person WHERE email = ?",
				  "t", email);
	if (rc == FL_OK)
		rc = person_image(st, id, &after);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "person:%s", email);
		rc = fl_store_audit(st, "person.create", obj, NULL, after);
	}
	free(after);
	return rc;
}

fl_err
fl_store_person_set(struct fl_store *st, const char *key,
		    const struct fl_person_in *p, int *changed,
		    struct fl_diag *d)
{
	char email[256], obj[300], *before = NULL, *after = NULL, *cur = NULL;
	long long id = 0, entity = 0;
	fl_err rc;

	*changed = 0;
	if ((rc = fl_store_person_resolve(st, "person", key, &id, NULL, 0, d)) != FL_OK)
		return rc;
	if ((rc = check_person_fields(st, p, id, email, sizeof email, d)) != FL_OK)
		return rc;
	if (p->entity && *p->entity &&
	    (rc = fl_store_entity_resolve(st, p->entity, &entity, d)) != FL_OK)
		return rc;
	if ((rc = person_image(st, id, &before)) != FL_OK)
		return rc;
	if (rc == FL_OK && p->email)
		rc = st_exec(st, "UPDATE person SET email = ? WHERE id = ?", "ti",
			     email, id);
	if (rc == FL_OK && p->name)
		rc = st_exec(st, "UPDATE person SET name = ? WHERE id = ?", "ti",
			     p->name, id);
	if (rc == FL_OK && p->department)
		rc = st_exec(st, "UPDATE person SET department = ? WHERE id = ?",
			     "ti", *p->department ? p->department : NULL, id);
	if (rc == FL_OK && p->role)
		rc = st_exec(st, "UPDATE person SET role = ? WHERE id = ?", "ti",
			     p->role, id);
	if (rc == FL_OK && p->entity)
		rc = st_exec(st,
			     "UPDATE person SET entity_id = NULLIF(?, 0) WHERE id = ?",
			     "ii", entity, id);
	if (rc == FL_OK)
		rc = person_image(st, id, &after);
	if (rc == FL_OK)
		rc = st_query_text(st, &cur, "SELECT email FROM person WHERE id = ?",
				   "i", id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "person:%s", cur ? cur : key);
		rc = audit_change(st, "person.update", obj, before, after, changed);
	}
	free(cur);
	free(before);
	free(after);
	return rc;
}

#define PERSON_COLS \
	"SELECT p.email, p.name, p.department, p.role, e.code AS entity," \
	" (SELECT count(*) FROM asset a WHERE a.owner_id = p.id) AS assets," \
	" p.created_at FROM person p LEFT JOIN entity e ON e.id = p.entity_id"

fl_err
fl_store_person_list(struct fl_store *st, const char *role, const char *entity,
		     fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	long long eid = 0;
	fl_err rc;

	if (role && !fl_person_role_valid(role))
		return fl_diag_msg(d, FL_E_INVAL, "unknown role '%s' (one of "
				   FL_PERSON_ROLES ")", role);
	if (entity && (rc = fl_store_entity_resolve(st, entity, &eid, d)) != FL_OK)
		return rc;
	return st_query(st,
			PERSON_COLS " WHERE (CAST(? AS TEXT) IS NULL"
			" OR p.role = ?) AND (? = 0 OR p.entity_id = ?)"
			" ORDER BY lower(p.name), p.email",
			fn, ctx, "ttii", role, role, eid, eid);
}

fl_err
fl_store_person_show(struct fl_store *st, const char *key, fl_row_fn fn,
		     void *ctx, struct fl_diag *d)
{
	long long id = 0;
	fl_err rc = fl_store_person_resolve(st, "person", key, &id, NULL, 0, d);

	if (rc != FL_OK)
		return rc;
	return st_query(st, PERSON_COLS " WHERE p.id = ?", fn, ctx, "i", id);
}

/* ---- assets --------------------------------------------------------------- */

struct addr {
	const char *kind; /* "hostname" or "ip" */
	char value[256];
};

struct addrs {
	struct addr a[MAX_ADDRS];
	size_t n;
};

static int
addrs_has(const struct addrs *s, const char *kind, const char *value)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (strcmp(s->a[k].kind, kind) == 0 &&
		    strcmp(s->a[k].value, value) == 0)
			return 1;
	return 0;
}

/* Canonical, de-duplicated hostnames and IPs of in into s. */
static fl_err
collect_addrs(const struct fl_asset_in *in, struct addrs *s,
	      enum fl_asset_field *bad, struct fl_diag *d)
{
	char v[256];
	size_t k;

	s->n = 0;
	for (k = 0; in->hostnames && k < in->nhostnames; k++) {
		const char *h = in->hostnames[k];
		*bad = FL_AF_HOSTNAMES;
		if (st_canon_ip(h, v, sizeof v) == 0)
			return fl_diag_msg(d, FL_E_INVAL, "'%s' is an IP address, "
					   "not a hostname", h);
		if (canon_hostname(h, v, sizeof v) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "invalid hostname '%s'", h);
		if (addrs_has(s, "hostname", v))
			continue;
		if (s->n == MAX_ADDRS)
			return fl_diag_msg(d, FL_E_INVAL, "more than %d addresses",
					   MAX_ADDRS);
		s->a[s->n].kind = "hostname";
		fl_strlcpy(s->a[s->n++].value, v, sizeof v);
	}
	for (k = 0; in->ips && k < in->nips; k++) {
		*bad = FL_AF_IPS;
		if (st_canon_ip(in->ips[k], v, sizeof v) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "invalid IP address '%s'",
					   in->ips[k]);
		if (addrs_has(s, "ip", v))
			continue;
		if (s->n == MAX_ADDRS)
			return fl_diag_msg(d, FL_E_INVAL, "more than %d addresses",
					   MAX_ADDRS);
		s->a[s->n].kind = "ip";
		fl_strlcpy(s->a[s->n++].value, v, sizeof v);
	}
	*bad = FL_AF_NONE;
	return FL_OK;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Tags into "a,b,c": lower case, sorted, de-duplicated. */
static fl_err
join_tags(const struct fl_asset_in *in, struct fl_buf *out, struct fl_diag *d)
{
	char canon[MAX_TAGS][MAX_TAG_LEN + 1];
	const char *sorted[MAX_TAGS];
	size_t k, n = 0;
	fl_err rc = FL_OK;

	for (k = 0; k < in->ntags; k++) {
		if (n == MAX_TAGS)
			return fl_diag_msg(d, FL_E_INVAL, "more than %d tags",
					   MAX_TAGS);
		if (canon_tag(in->tags[k], canon[n], sizeof canon[n]) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "invalid tag '%s' (at most "
					   "%d characters, no blanks, commas, "
					   "semicolons, quotes or brackets)",
					   in->tags[k], MAX_TAG_LEN);
		sorted[n] = canon[n];
		n++;
	}
	if (n > 1)
		qsort(sorted, n, sizeof *sorted, cmp_str);
	for (k = 0; k < n && rc == FL_OK; k++) {
		if (k > 0 && strcmp(sorted[k], sorted[k - 1]) == 0)
			continue;
		if (out->len)
			rc = fl_buf_putc(out, ',');
		if (rc == FL_OK)
			rc = fl_buf_puts(out, sorted[k]);
	}
	/* an empty list is "", not NULL (NULL keeps the stored tags) */
	return rc == FL_OK ? fl_buf_append(out, "", 0) : rc;
}

/* The addresses of an asset as JSON arrays. */
struct addr_json {
	struct fl_buf host, ip;
	struct fl_json jh, ji;
};

static fl_err
addr_json_row(void *ctx, const struct fl_row *row)
{
	struct addr_json *x = ctx;
	const char *kind = fl_row_get(row, "kind"), *v = fl_row_get(row, "value");

	if (kind && v)
		fl_json_str(strcmp(kind, "ip") == 0 ? &x->ji : &x->jh, v);
	return FL_OK;
}

static fl_err
addr_json_build(struct fl_store *st, long long id, struct addr_json *x)
{
	fl_err rc;

	fl_buf_init(&x->host, 0);
	fl_buf_init(&x->ip, 0);
	fl_json_init(&x->jh, &x->host, 0);
	fl_json_init(&x->ji, &x->ip, 0);
	fl_json_arr_open(&x->jh);
	fl_json_arr_open(&x->ji);
	rc = st_query(st,
		      "SELECT kind, value FROM asset_address WHERE asset_id = ?"
		      " ORDER BY kind, value",
		      addr_json_row, x, "i", id);
	fl_json_arr_close(&x->jh);
	fl_json_arr_close(&x->ji);
	if (rc == FL_OK && (x->host.data == NULL || x->ip.data == NULL))
		rc = FL_E_NOMEM;
	return rc;
}

static void
addr_json_release(struct addr_json *x)
{
	fl_buf_release(&x->host);
	fl_buf_release(&x->ip);
}

/* The audit image: the asset's fields and its addresses, no timestamps. */
static fl_err
asset_image(struct fl_store *st, long long id, char **out)
{
	struct addr_json x;
	struct fl_buf b;
	char *obj = NULL;
	size_t n;
	fl_err rc;

	*out = NULL;
	rc = st_query_json(st, &obj,
			   "SELECT a.name, a.description, p.email AS owner,"
			   " e.code AS entity, a.conf AS c, a.integ AS i,"
			   " a.avail AS a, a.tags, a.status FROM asset a"
			   " LEFT JOIN person p ON p.id = a.owner_id"
			   " LEFT JOIN entity e ON e.id = a.entity_id"
			   " WHERE a.id = ?",
			   "i", id);
	if (rc != FL_OK || obj == NULL)
		return rc == FL_OK ? FL_E_NOTFOUND : rc;
	if ((rc = addr_json_build(st, id, &x)) != FL_OK) {
		addr_json_release(&x);
		free(obj);
		return rc;
	}
	/* splice the address arrays into the object before its last brace */
	n = strlen(obj);
	fl_buf_init(&b, 0);
	fl_buf_append(&b, obj, n - 1);
	fl_buf_printf(&b, ",\"hostnames\":%s,\"ips\":%s}", fl_buf_str(&x.host),
		      fl_buf_str(&x.ip));
	addr_json_release(&x);
	free(obj);
	if (b.data == NULL || b.data[b.len - 1] != '}') {
		fl_buf_release(&b);
		return FL_E_NOMEM;
	}
	*out = fl_buf_steal(&b);
	return FL_OK;
}

static fl_err
have_row(void *ctx, const struct fl_row *row)
{
	struct addrs *s = ctx;
	const char *kind = fl_row_get(row, "kind"), *v = fl_row_get(row, "value");

	if (kind == NULL || v == NULL || s->n == MAX_ADDRS)
		return FL_OK;
	s->a[s->n].kind = strcmp(kind, "ip") == 0 ? "ip" : "hostname";
	fl_strlcpy(s->a[s->n++].value, v, sizeof s->a[0].value);
	return FL_OK;
}

/*
 * Make the asset's addresses of one kind equal to those in want, touching
 * only the rows that differ (so an unchanged inventory leaves the table,
 * and a dump of it, byte for byte as it was).
 */
static fl_err
sync_addrs(struct fl_store *st, long long id, const char *kind,
	   const struct addrs *want)
{
	struct addrs *have = malloc(sizeof *have);
	size_t k;
	fl_err rc;

	if (have == NULL)
		return FL_E_NOMEM;
	have->n = 0;
	rc = st_query(st,
		      "SELECT kind, value FROM asset_address WHERE asset_id = ?"
		      " AND kind = ?",
		      have_row, have, "it", id, kind);
	for (k = 0; rc == FL_OK && k < have->n; k++)
		if (!addrs_has(want, kind, have->a[k].value))
			rc = st_exec(st,
				     "DELETE FROM asset_address WHERE kind = ?"
				     " AND value = ?",
				     "tt", kind, have->a[k].value);
	for (k = 0; rc == FL_OK && k < want->n; k++)
		if (strcmp(want->a[k].kind, kind) == 0 &&
		    !addrs_has(have, kind, want->a[k].value))
			rc = st_exec(st,
				     "INSERT INTO asset_address (asset_id, kind, value)"
				     " VALUES (?, ?, ?)",
				     "itt", id, kind, want->a[k].value);
	free(have);
	return rc;
}

/* Refuse an address that another asset already has. */
static fl_err
check_addr_owners(struct fl_store *st, long long self, const struct addrs *s,
		  enum fl_asset_field *bad, struct fl_diag *d)
{
	size_t k;

	for (k = 0; k < s->n; k++) {
		char *holder = NULL;
		fl_err rc = st_query_text(st, &holder,
					  "SELECT a.name FROM asset_address x"
					  " JOIN asset a ON a.id = x.asset_id"
					  " WHERE x.kind = ? AND x.value = ?"
					  " AND x.asset_id <> ?",
					  "tti", s->a[k].kind, s->a[k].value, self);
		if (rc == FL_E_NOTFOUND)
			continue;
		if (rc != FL_OK)
			return rc;
		*bad = strcmp(s->a[k].kind, "ip") == 0 ? FL_AF_IPS : FL_AF_HOSTNAMES;
		rc = fl_diag_msg(d, FL_E_INVAL, "%s %s already belongs to asset '%s'",
				 strcmp(s->a[k].kind, "ip") == 0 ? "IP address"
								 : "hostname",
				 s->a[k].value, holder ? holder : "?");
		free(holder);
		return rc;
	}
	return FL_OK;
}

static fl_err
check_cia(const struct fl_asset_in *in, enum fl_asset_field *bad,
	  struct fl_diag *d)
{
	static const char *const what[] = {"confidentiality", "integrity",
					   "availability"};
	const int v[] = {in->c, in->i, in->a};
	const enum fl_asset_field f[] = {FL_AF_C, FL_AF_I, FL_AF_A};
	int k;

	for (k = 0; k < 3; k++)
		if (v[k] != 0 && (v[k] < 1 || v[k] > 4)) {
			*bad = f[k];
			return fl_diag_msg(d, FL_E_INVAL, "%s must be 1-4, not %d",
					   what[k], v[k]);
		}
	return FL_OK;
}

/*
 * Write the asset's scalar fields that in states, in one statement.  name
 * NULL keeps the stored spelling: 'asset set web01' names the asset
 * "Web01", it does not rename it.
 */
static fl_err
update_fields(struct fl_store *st, long long id, const struct fl_asset_in *in,
	      const char *name, long long owner, long long entity,
	      const char *tags)
{
	return st_exec(st,
		       "UPDATE asset SET name = COALESCE(?, name),"
		       " description = CASE WHEN ? = 1 THEN ? ELSE description END,"
		       " owner_id = CASE WHEN ? = 1 THEN NULLIF(?, 0) ELSE owner_id END,"
		       " entity_id = CASE WHEN ? = 1 THEN NULLIF(?, 0) ELSE entity_id END,"
		       " conf = COALESCE(NULLIF(?, 0), conf),"
		       " integ = COALESCE(NULLIF(?, 0), integ),"
		       " avail = COALESCE(NULLIF(?, 0), avail),"
		       " tags = COALESCE(?, tags) WHERE id = ?",
		       "titiiiiiiiti", name,
		       (long long)(in->description != NULL),
		       in->description && *in->description ? in->description : NULL,
		       (long long)(in->owner != NULL), owner,
		       (long long)(in->entity != NULL), entity, (long long)in->c,
		       (long long)in->i, (long long)in->a, tags, id);
}

fl_err
fl_store_asset_put(struct fl_store *st, const struct fl_asset_in *in,
		   enum fl_put_mode mode, enum fl_put_result *result,
		   enum fl_asset_field *bad, struct fl_diag *d)
{
	struct addrs *want = NULL;
	struct fl_buf tags;
	char now[21], obj[MAX_NAME_LEN + 16], *before = NULL, *after = NULL;
	char *name = NULL;
	long long id = 0, owner = 0, entity = 0;
	int changed = 0;
	fl_err rc = FL_E_INTERNAL;

	*result = FL_PUT_UNCHANGED;
	*bad = FL_AF_NAME;
	fl_buf_init(&tags, 0);
	if (in->name == NULL || blank(in->name))
		return fl_diag_msg(d, FL_E_INVAL, "missing asset name");
	if (!printable(in->name) || strlen(in->name) > MAX_NAME_LEN)
		return fl_diag_msg(d, FL_E_INVAL, "invalid asset name '%s'",
				   in->name);
	rc = st_query(st, "SELECT id FROM asset WHERE lower(name) = lower(?)",
		      id_row, &id, "t", in->name);
	if (rc != FL_OK)
		return rc;
	if (mode == FL_PUT_CREATE && id)
		return fl_diag_msg(d, FL_E_INVAL, "asset '%s' already exists",
				   in->name);
	if (mode == FL_PUT_UPDATE && id == 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no asset '%s'", in->name);

	/* everything is checked before anything is written */
	*bad = FL_AF_NONE;
	if ((rc = check_cia(in, bad, d)) != FL_OK)
		return rc;
	*bad = FL_AF_DESCRIPTION;
	if (in->description && strlen(in->description) > 65536)
		return fl_diag_msg(d, FL_E_INVAL, "description longer than 64 KiB");
	*bad = FL_AF_TAGS;
	if (in->tags && (rc = join_tags(in, &tags, d)) != FL_OK)
		goto out;
	*bad = FL_AF_OWNER;
	if (in->owner && *in->owner &&
	    (rc = fl_store_person_resolve(st, "owner", in->owner, &owner, NULL, 0, d)) != FL_OK)
		goto out;
	*bad = FL_AF_ENTITY;
	if (in->entity && *in->entity &&
	    (rc = fl_store_entity_resolve(st, in->entity, &entity, d)) != FL_OK)
		goto out;
	if ((want = malloc(sizeof *want)) == NULL) {
		rc = FL_E_NOMEM;
		goto out;
	}
	if ((rc = collect_addrs(in, want, bad, d)) != FL_OK ||
	    (rc = check_addr_owners(st, id, want, bad, d)) != FL_OK)
		goto out;
	*bad = FL_AF_NONE;

	st_now(now);
	if (id == 0) {
		rc = st_exec(st,
			     "INSERT INTO asset (name, created_at, updated_at)"
			     " VALUES (?, ?, ?)",
			     "ttt", in->name, now, now);
		if (rc == FL_OK)
			rc = st_query_int(st, &id,
					  "SELECT id FROM asset WHERE name = ?", "t",
					  in->name);
	} else {
		rc = asset_image(st, id, &before);
	}
	if (rc == FL_OK)
		rc = update_fields(st, id, in,
				   mode == FL_PUT_UPDATE ? NULL : in->name,
				   owner, entity,
				   in->tags ? fl_buf_str(&tags) : NULL);
	if (rc == FL_OK && in->hostnames)
		rc = sync_addrs(st, id, "hostname", want);
	if (rc == FL_OK && in->ips)
		rc = sync_addrs(st, id, "ip", want);
	if (rc == FL_OK)
		rc = asset_image(st, id, &after);
	if (rc != FL_OK)
		goto out;
	if ((rc = st_query_text(st, &name,
				"SELECT name FROM asset WHERE id = ?", "i",
				id)) != FL_OK)
		goto out;
	snprintf(obj, sizeof obj, "asset:%s", name ? name : in->name);
	if (before == NULL) {
		rc = fl_store_audit(st, "asset.create", obj, NULL, after);
		*result = FL_PUT_CREATED;
	} else {
		rc = audit_change(st, "asset.update", obj, before, after, &changed);
		if (rc == FL_OK && changed) {
			rc = st_exec(st, "UPDATE asset SET updated_at = ? WHERE id = ?",
				     "ti", now, id);
			*result = FL_PUT_UPDATED;
		}
	}
out:
	free(want);
	free(name);
	free(before);
	free(after);
	fl_buf_release(&tags);
	return rc;
}

/*
 * Listing rows get the asset's addresses and tags as JSON arrays added in
 * C: string aggregation is spelled differently in every SQL dialect.
 */
struct asset_rows {
	struct fl_store *st;
	fl_row_fn fn;
	void *ctx;
};

#define ASSET_MAXCOL 24

static fl_err
asset_row(void *vctx, const struct fl_row *row)
{
	struct asset_rows *x = vctx;
	const char *names[ASSET_MAXCOL], *vals[ASSET_MAXCOL];
	enum fl_col_type types[ASSET_MAXCOL];
	const char *idv = fl_row_get(row, "id");
	struct fl_row out;
	struct addr_json aj;
	struct fl_buf tags;
	struct fl_json j;
	long l = 0;
	int c, n = 0;
	fl_err rc;

	if (idv == NULL || fl_parse_long(idv, 1, LONG_MAX, &l) != 0)
		return FL_E_INTERNAL;
	fl_buf_init(&tags, 0);
	if ((rc = addr_json_build(x->st, l, &aj)) != FL_OK)
		goto out;
	for (c = 0; c < row->ncol && n < ASSET_MAXCOL - 2; c++) {
		const char *v = row->vals[c];

		if (strcmp(row->names[c], "id") == 0)
			continue;
		if (strcmp(row->names[c], "tags") == 0) {
			/* "a,b" -> ["a","b"] */
			const char *p = v ? v : "";
			fl_json_init(&j, &tags, 0);
			fl_json_arr_open(&j);
			while (*p) {
				const char *e = strchr(p, ',');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				if (len)
					fl_json_strn(&j, p, len);
				p += len + (e != NULL);
			}
			fl_json_arr_close(&j);
			names[n] = "tags_json";
			vals[n] = fl_buf_str(&tags);
			types[n++] = FL_COL_TEXT;
			continue;
		}
		names[n] = row->names[c];
		vals[n] = v;
		types[n++] = row->types[c];
		if (strcmp(row->names[c], "status") == 0) {
			names[n] = "hostnames_json";
			vals[n] = fl_buf_str(&aj.host);
			types[n++] = FL_COL_TEXT;
			names[n] = "ips_json";
			vals[n] = fl_buf_str(&aj.ip);
			types[n++] = FL_COL_TEXT;
		}
	}
	out.ncol = n;
	out.names = names;
	out.vals = vals;
	out.types = types;
	rc = x->fn(x->ctx, &out);
out:
	addr_json_release(&aj);
	fl_buf_release(&tags);
	return rc;
}

#define ASSET_COLS \
	"SELECT a.id, a.name, a.description, p.email AS owner," \
	" e.code AS entity, a.conf AS c, a.integ AS i, a.avail AS a, a.tags," \
	" a.status, a.created_at, a.updated_at FROM asset a" \
	" LEFT JOIN person p ON p.id = a.owner_id" \
	" LEFT JOIN entity e ON e.id = a.entity_id"

fl_err
fl_store_asset_list(struct fl_store *st, const char *entity, const char *tag,
		    fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	struct asset_rows x = {st, fn, ctx};
	char canon[MAX_TAG_LEN + 1], pat[2 * MAX_TAG_LEN + 8];
	long long eid = 0;
	size_t k, o = 0;
	fl_err rc;

	if (entity && (rc = fl_store_entity_resolve(st, entity, &eid, d)) != FL_OK)
		return rc;
	if (tag) {
		if (canon_tag(tag, canon, sizeof canon) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "invalid tag '%s'", tag);
		/* match one element of the comma list; LIKE's own
		 * characters in the tag are escaped */
		pat[o++] = '%';
		pat[o++] = ',';
		for (k = 0; canon[k]; k++) {
			if (canon[k] == '%' || canon[k] == '_' || canon[k] == '!')
				pat[o++] = '!';
			pat[o++] = canon[k];
		}
		pat[o++] = ',';
		pat[o++] = '%';
		pat[o] = '\0';
	}
	return st_query(st,
			ASSET_COLS " WHERE (? = 0 OR a.entity_id = ?)"
			" AND (CAST(? AS TEXT) IS NULL"
			" OR (',' || a.tags || ',') LIKE ? ESCAPE '!')"
			" ORDER BY lower(a.name)",
			asset_row, &x, "iitt", eid, eid, tag ? pat : NULL,
			tag ? pat : NULL);
}

fl_err
fl_store_asset_show(struct fl_store *st, const char *key, fl_row_fn fn,
		    void *ctx, struct fl_diag *d)
{
	struct asset_rows x = {st, fn, ctx};
	long long id = 0;
	fl_err rc = fl_store_asset_find(st, key, &id);

	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "no asset named '%s' or with that "
				   "hostname or address", key);
	if (rc != FL_OK)
		return rc;
	return st_query(st, ASSET_COLS " WHERE a.id = ?", asset_row, &x, "i", id);
}

fl_err
fl_store_asset_resolve(struct fl_store *st, const char *key, long long *id,
		       struct fl_diag *d)
{
	fl_err rc = fl_store_asset_find(st, key, id);

	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, rc, "unknown asset '%s' (no asset with that "
				   "name, hostname or address)", key);
	return rc;
}
