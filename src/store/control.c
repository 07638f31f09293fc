/*
 * control: the implementation of controls in entities (owner, status, due
 * date), their evidence and their design and operating tests, and the
 * listings that put these together with the states core/control.c derives.
 *
 * Derived values (effectiveness, staleness, overdue, evidence state) are
 * computed in C by the core rules and appended to each row, not written as
 * SQL, so each rule has one definition.  The exception is the two evidence
 * counts of the status listing, which compare dates in SQL against limits
 * taken from the same rule (expired: before today; expiring: today up to
 * today + the warning window).
 *
 * Refuses: evidence or tests for a control the entity has not recorded
 * (no silent 'planned' rows); not-applicable without a justification; test
 * and collection dates in the future; expiry before collection; evidence
 * files that are missing or not regular files; URLs other than http(s).
 */
#include "store_int.h"
#include "../core/core.h"

#include <errno.h>
#include <strings.h>
#include <sys/stat.h>

#define DATE_LEN 10

static int
valid_date(const char *s)
{
	time_t t;

	return s && strlen(s) == DATE_LEN && fl_time_parse(s, &t) == 0;
}

/* Days from today to date s (negative: s is in the past); 0 if unparsable. */
static int
days_from(time_t now, const char *s)
{
	time_t t;

	if (s == NULL || fl_time_parse(s, &t) != 0)
		return 0;
	return fl_days_between(now, t);
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* ---- names for audit objects and messages ----------------------------- */

struct names {
	char catalog[128], control[128], entity[128];
	int n;
};

static fl_err
names_row(void *ctx, const struct fl_row *row)
{
	struct names *n = ctx;
	const char *k = fl_row_get(row, "catalog"), *c = fl_row_get(row, "control");
	const char *e = fl_row_get(row, "entity");

	fl_strlcpy(n->catalog, k ? k : "", sizeof n->catalog);
	fl_strlcpy(n->control, c ? c : "", sizeof n->control);
	fl_strlcpy(n->entity, e ? e : "", sizeof n->entity);
	n->n++;
	return FL_OK;
}

static fl_err
get_names(struct fl_store *st, long long cid, long long eid, struct names *n,
	  struct fl_diag *d)
{
	fl_err rc;

	memset(n, 0, sizeof *n);
	rc = st_query(st,
		      "SELECT k.key AS catalog, COALESCE(c.label, c.key) AS control,"
		      " e.code AS entity FROM control c"
		      " JOIN catalog k ON k.id = c.catalog_id"
		      " CROSS JOIN entity e WHERE c.id = ? AND e.id = ?",
		      names_row, n, "ii", cid, eid);
	if (rc != FL_OK)
		return rc;
	if (n->n == 0)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no control %lld or entity %lld",
				   cid, eid);
	return FL_OK;
}

/* ---- implementation ---------------------------------------------------- */

static const char impl_image[] =
	"SELECT i.id, k.key AS catalog, COALESCE(c.label, c.key) AS control,"
	" e.code AS entity, p.email AS owner, i.status, i.justification,"
	" i.due_date AS due, i.updated_at FROM implementation i"
	" JOIN control c ON c.id = i.control_id"
	" JOIN catalog k ON k.id = c.catalog_id"
	" JOIN entity e ON e.id = i.entity_id"
	" LEFT JOIN person p ON p.id = i.owner_id"
	" WHERE i.control_id = ? AND i.entity_id = ?";

struct impl_cur {
	int found;
	long long id, owner_id;
	char status[32], due[16];
	char *justification; /* malloc'ed */
	fl_err err;
};

static fl_err
impl_row(void *ctx, const struct fl_row *row)
{
	struct impl_cur *c = ctx;
	const char *s = fl_row_get(row, "status"), *due = fl_row_get(row, "due_date");
	const char *j = fl_row_get(row, "justification");

	c->found = 1;
	c->id = st_row_int(row, "id", 0);
	c->owner_id = st_row_int(row, "owner_id", 0);
	fl_strlcpy(c->status, s ? s : "", sizeof c->status);
	fl_strlcpy(c->due, due ? due : "", sizeof c->due);
	if (j && (c->justification = fl_strdup(j)) == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

static fl_err
impl_get(struct fl_store *st, long long cid, long long eid, struct impl_cur *c)
{
	memset(c, 0, sizeof *c);
	return st_query(st,
			"SELECT id, owner_id, status, justification, due_date"
			" FROM implementation WHERE control_id = ? AND entity_id = ?",
			impl_row, c, "ii", cid, eid);
}

static int
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

fl_err
fl_store_control_implement(struct fl_store *st, long long control_id,
			   long long entity_id, const struct fl_impl_req *req,
			   struct fl_diag *d)
{
	struct impl_cur cur;
	struct names nm;
	const char *status, *just, *due;
	char obj[420], ts[21], *before = NULL, *after = NULL;
	long long owner;
	fl_err rc = FL_E_INTERNAL;

	memset(&cur, 0, sizeof cur);
	if (req->status && !fl_impl_status_valid(req->status))
		return fl_diag_msg(d, FL_E_INVAL,
				   "unknown status '%s' (planned, partial, "
				   "implemented, not-applicable)",
				   req->status);
	if (req->due && !req->clear_due && !valid_date(req->due))
		return fl_diag_msg(d, FL_E_INVAL,
				   "due date '%s' is not a date (YYYY-MM-DD)",
				   req->due);
	if ((rc = get_names(st, control_id, entity_id, &nm, d)) != FL_OK)
		return rc;
	if ((rc = impl_get(st, control_id, entity_id, &cur)) != FL_OK)
		goto out;

	status = req->status ? req->status : cur.found ? cur.status : "planned";
	just = req->justification ? req->justification : cur.justification;
	if (blank(just))
		just = NULL; /* an empty justification clears it */
	owner = req->clear_owner ? 0 : req->owner_id ? req->owner_id : cur.owner_id;
	due = req->clear_due ? NULL : req->due ? req->due
				       : (cur.due[0] ? cur.due : NULL);
	if (strcmp(status, "not-applicable") == 0 && just == NULL) {
		rc = fl_diag_msg(d, FL_E_INVAL,
				 "not-applicable needs a justification: say why "
				 "%s:%s does not apply in %s",
				 nm.catalog, nm.control, nm.entity);
		goto out;
	}
	if (cur.found && strcmp(status, cur.status) == 0 &&
	    str_same(just, cur.justification) && owner == cur.owner_id &&
	    str_same(due, cur.due[0] ? cur.due : NULL)) {
		rc = FL_OK; /* nothing changes: no write, no audit entry */
		goto out;
	}
	if ((rc = st_query_json(st, &before, impl_image, "ii", control_id,
				entity_id)) != FL_OK)
		goto out;
	st_now(ts);
	rc = st_exec(st,
		     "INSERT INTO implementation (control_id, entity_id, owner_id,"
		     " status, justification, due_date, updated_at)"
		     " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?)"
		     " ON CONFLICT (control_id, entity_id) DO UPDATE SET"
		     " owner_id = excluded.owner_id, status = excluded.status,"
		     " justification = excluded.justification,"
		     " due_date = excluded.due_date, updated_at = excluded.updated_at",
		     "iiitttt", control_id, entity_id, owner, status, just, due, ts);
	if (rc != FL_OK)
		goto out;
	if ((rc = st_query_json(st, &after, impl_image, "ii", control_id,
				entity_id)) != FL_OK)
		goto out;
	snprintf(obj, sizeof obj, "implementation:%s:%s@%s", nm.catalog,
		 nm.control, nm.entity);
	rc = fl_store_audit(st, "control.implement", obj, before, after);
out:
	free(cur.justification);
	free(before);
	free(after);
	return rc;
}

/* The implementation that evidence and tests attach to; FL_E_INVAL (with
 * the reason) when the entity has not recorded the control. */
static fl_err
impl_required(struct fl_store *st, long long cid, long long eid,
	      struct names *nm, long long *impl_id, struct fl_diag *d)
{
	fl_err rc;

	if ((rc = get_names(st, cid, eid, nm, d)) != FL_OK)
		return rc;
	rc = st_query_int(st, impl_id,
			  "SELECT id FROM implementation WHERE control_id = ?"
			  " AND entity_id = ?",
			  "ii", cid, eid);
	if (rc == FL_E_NOTFOUND)
		return fl_diag_msg(d, FL_E_INVAL,
				   "%s:%s has no implementation recorded in %s: "
				   "record it first (control implement)",
				   nm->catalog, nm->control, nm->entity);
	return rc;
}

/* ---- evidence ------------------------------------------------------------ */

static const char evidence_image[] =
	"SELECT v.id, k.key AS catalog, COALESCE(c.label, c.key) AS control,"
	" e.code AS entity, v.kind, v.location, v.sha256, v.size, v.description,"
	" v.collected_on AS collected, v.expires_on AS expires, v.created_at"
	" FROM evidence v JOIN implementation i ON i.id = v.implementation_id"
	" JOIN control c ON c.id = i.control_id"
	" JOIN catalog k ON k.id = c.catalog_id"
	" JOIN entity e ON e.id = i.entity_id WHERE v.id = ?";

static int
valid_url(const char *u)
{
	size_t i;

	if (strlen(u) > 2048)
		return 0;
	if (strncasecmp(u, "https://", 8) == 0)
		i = 8;
	else if (strncasecmp(u, "http://", 7) == 0)
		i = 7;
	else
		return 0;
	if (u[i] == '\0')
		return 0;
	for (; u[i]; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
			return 0;
	return 1;
}

/* Stat, resolve and hash an evidence file. */
static fl_err
hash_file(const char *path, char **abs, char hex[65], long long *size,
	  struct fl_diag *d)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return fl_diag_set(d, errno == ENOENT || errno == ENOTDIR
					      ? FL_E_NOINPUT : FL_E_IO,
				   path, 0, 0, "evidence file: %s", strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return fl_diag_set(d, FL_E_NOINPUT, path, 0, 0,
				   "evidence file is not a regular file");
	/* the absolute path, so that verify works from any directory */
	if ((*abs = realpath(path, NULL)) == NULL)
		return fl_diag_set(d, FL_E_IO, path, 0, 0, "cannot resolve: %s",
				   strerror(errno));
	*size = (long long)sb.st_size;
	return fl_sha256_file(*abs, hex, d);
}

fl_err
fl_store_evidence_add(struct fl_store *st, long long control_id,
		      long long entity_id, const struct fl_evidence_req *req,
		      long long *id, struct fl_diag *d)
{
	struct names nm;
	char today[11], ts[21], hex[65], obj[64], *abs = NULL, *after = NULL;
	const char *collected;
	long long impl_id = 0, size = 0, newid = 0;
	fl_err rc = FL_E_INTERNAL;

	if ((req->file == NULL) == (req->url == NULL))
		return fl_diag_msg(d, FL_E_INVAL,
				   "evidence is a file or a URL: give exactly one");
	if (req->url && !valid_url(req->url))
		return fl_diag_msg(d, FL_E_INVAL,
				   "'%s' is not an http:// or https:// URL",
				   req->url);
	fl_time_date(fl_now(), today);
	collected = req->collected ? req->collected : today;
	if (!valid_date(collected))
		return fl_diag_msg(d, FL_E_INVAL,
				   "collection date '%s' is not a date (YYYY-MM-DD)",
				   collected);
	if (strcmp(collected, today) > 0)
		return fl_diag_msg(d, FL_E_INVAL,
				   "collection date %s is in the future", collected);
	if (req->expires && !valid_date(req->expires))
		return fl_diag_msg(d, FL_E_INVAL,
				   "expiry date '%s' is not a date (YYYY-MM-DD)",
				   req->expires);
	if (req->expires && strcmp(req->expires, collected) < 0)
		return fl_diag_msg(d, FL_E_INVAL,
				   "evidence expires (%s) before it was collected (%s)",
				   req->expires, collected);
	if ((rc = impl_required(st, control_id, entity_id, &nm, &impl_id, d)) !=
	    FL_OK)
		return rc;
	if (req->file &&
	    (rc = hash_file(req->file, &abs, hex, &size, d)) != FL_OK)
		goto out;
	st_now(ts);
	if (abs)
		rc = st_query_int(st, &newid,
				  "INSERT INTO evidence (implementation_id, kind,"
				  " location, sha256, size, description, collected_on,"
				  " expires_on, created_at) VALUES (?, 'file', ?, ?, ?,"
				  " ?, ?, ?, ?) RETURNING id",
				  "ittittt" "t", impl_id, abs, hex, size,
				  req->description, collected, req->expires, ts);
	else
		rc = st_query_int(st, &newid,
				  "INSERT INTO evidence (implementation_id, kind,"
				  " location, description, collected_on, expires_on,"
				  " created_at) VALUES (?, 'url', ?, ?, ?, ?, ?)"
				  " RETURNING id",
				  "itttt" "t", impl_id, req->url, req->description,
				  collected, req->expires, ts);
	if (rc != FL_OK)
		goto out;
	if ((rc = st_query_json(st, &after, evidence_image, "i", newid)) != FL_OK)
		goto out;
	snprintf(obj, sizeof obj, "evidence:%lld", newid);
	if ((rc = fl_store_audit(st, "evidence.add", obj, NULL, after)) != FL_OK)
		goto out;
	if (id)
		*id = newid;
out:
	free(abs);
	free(after);
	return rc;
}

/* ---- tests ---------------------------------------------------------------- */

static const char test_image[] =
	"SELECT t.id, k.key AS catalog, COALESCE(c.label, c.key) AS control,"
	" e.code AS entity, t.kind, t.tested_on AS date, p.email AS tester,"
	" t.method, t.sample, t.result, t.notes, t.created_at"
	" FROM control_test t JOIN control c ON c.id = t.control_id"
	" JOIN catalog k ON k.id = c.catalog_id"
	" JOIN entity e ON e.id = t.entity_id"
	" LEFT JOIN person p ON p.id = t.tester_id WHERE t.id = ?";

fl_err
fl_store_control_test(struct fl_store *st, long long control_id,
		      long long entity_id, const struct fl_test_req *req,
		      long long *id, struct fl_diag *d)
{
	struct names nm;
	enum fl_test_result r;
	char today[11], ts[21], obj[64], *after = NULL;
	long long impl_id = 0, newid = 0;
	fl_err rc = FL_E_INTERNAL;

	if (!fl_test_kind_valid(req->kind))
		return fl_diag_msg(d, FL_E_INVAL,
				   "test kind '%s' is neither design nor operating",
				   req->kind ? req->kind : "");
	if (fl_test_result_parse(req->result, &r) != 0)
		return fl_diag_msg(d, FL_E_INVAL,
				   "test result '%s' is not effective, "
				   "partially-effective or ineffective",
				   req->result ? req->result : "");
	if (req->method && !fl_test_method_valid(req->method))
		return fl_diag_msg(d, FL_E_INVAL,
				   "unknown test method '%s' (inquiry, observation, "
				   "inspection, reperformance, examine, interview, "
				   "test, analytics)",
				   req->method);
	if (!valid_date(req->date))
		return fl_diag_msg(d, FL_E_INVAL,
				   "test date '%s' is not a date (YYYY-MM-DD)",
				   req->date ? req->date : "");
	fl_time_date(fl_now(), today);
	if (strcmp(req->date, today) > 0)
		return fl_diag_msg(d, FL_E_INVAL, "test date %s is in the future",
				   req->date);
	if (req->tester_id <= 0)
		return fl_diag_msg(d, FL_E_INVAL, "a test needs a tester");
	if ((rc = impl_required(st, control_id, entity_id, &nm, &impl_id, d)) !=
	    FL_OK)
		return rc;
	st_now(ts);
	rc = st_query_int(st, &newid,
			  "INSERT INTO control_test (control_id, entity_id, kind,"
			  " tested_on, tester_id, method, sample, result, notes,"
			  " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " RETURNING id",
			  "iitti" "ttttt", control_id, entity_id, req->kind,
			  req->date, req->tester_id, req->method, req->sample,
			  fl_test_result_name(r), req->notes, ts);
	if (rc != FL_OK)
		goto out;
	if ((rc = st_query_json(st, &after, test_image, "i", newid)) != FL_OK)
		goto out;
	snprintf(obj, sizeof obj, "control-test:%lld", newid);
	if ((rc = fl_store_audit(st, "control.test", obj, NULL, after)) != FL_OK)
		goto out;
	if (id)
		*id = newid;
out:
	free(after);
	return rc;
}

/* ---- policy ------------------------------------------------------------------ */

static fl_err
setting_days(struct fl_store *st, const char *key, int def, int min, int *out)
{
	char *v = NULL;
	long n;
	fl_err rc = fl_store_setting_get(st, key, &v);

	if (rc != FL_OK)
		return rc;
	*out = def;
	if (v && fl_parse_long(v, min, 36500, &n) == 0)
		*out = (int)n;
	free(v);
	return FL_OK;
}

fl_err
fl_store_control_policy(struct fl_store *st, int *max_age, int *warn_days)
{
	fl_err rc;

	rc = setting_days(st, "control.test_max_age", FL_TEST_MAX_AGE_DEFAULT, 1,
			  max_age);
	if (rc == FL_OK)
		rc = setting_days(st, "control.evidence_warning",
				  FL_EVIDENCE_WARN_DEFAULT, 0, warn_days);
	return rc;
}

fl_err
fl_store_control_policy_set(struct fl_store *st, int max_age, int warn_days,
			    struct fl_diag *d)
{
	char before[96], after[96], v[24];
	int oa, ow;
	fl_err rc;

	if (max_age == 0 || max_age > 36500 || warn_days > 36500)
		return fl_diag_msg(d, FL_E_INVAL,
				   "test age must be 1..36500 days, warning "
				   "0..36500 days");
	if ((rc = fl_store_control_policy(st, &oa, &ow)) != FL_OK)
		return rc;
	snprintf(before, sizeof before,
		 "{\"test_max_age\":%d,\"evidence_warning\":%d}", oa, ow);
	if (max_age > 0) {
		snprintf(v, sizeof v, "%d", max_age);
		if ((rc = fl_store_setting_set(st, "control.test_max_age", v)) !=
		    FL_OK)
			return rc;
		oa = max_age;
	}
	if (warn_days >= 0) {
		snprintf(v, sizeof v, "%d", warn_days);
		if ((rc = fl_store_setting_set(st, "control.evidence_warning",
					       v)) != FL_OK)
			return rc;
		ow = warn_days;
	}
	snprintf(after, sizeof after,
		 "{\"test_max_age\":%d,\"evidence_warning\":%d}", oa, ow);
	if (strcmp(before, after) == 0)
		return FL_OK;
	return fl_store_audit(st, "control.policy", "policy:control", before,
			      after);
}

/* ---- listings ------------------------------------------------------------------ */

/*
 * A row with derived columns appended.  The base row's pointers stay
 * borrowed from the query; the derived values live in buf.
 */
#define XCOL 64

struct xrow {
	const char *names[XCOL], *vals[XCOL];
	enum fl_col_type types[XCOL];
	char buf[6][80];
	int nbuf;
	struct fl_row row;
};

static void
xrow_start(struct xrow *x, const struct fl_row *row)
{
	int i, n = row->ncol < XCOL - 8 ? row->ncol : XCOL - 8;

	for (i = 0; i < n; i++) {
		x->names[i] = row->names[i];
		x->vals[i] = row->vals[i];
		x->types[i] = row->types[i];
	}
	x->nbuf = 0;
	x->row.ncol = n;
	x->row.names = x->names;
	x->row.vals = x->vals;
	x->row.types = x->types;
}

static void
xrow_add(struct xrow *x, const char *name, const char *val,
	 enum fl_col_type t)
{
	int i = x->row.ncol;

	if (i >= XCOL)
		return;
	x->names[i] = name;
	x->vals[i] = val;
	x->types[i] = val ? t : FL_COL_NULL;
	x->row.ncol++;
}

static void
xrow_add_int(struct xrow *x, const char *name, long long v)
{
	char *b;

	if (x->nbuf >= (int)(sizeof x->buf / sizeof *x->buf))
		return;
	b = x->buf[x->nbuf++];
	snprintf(b, sizeof x->buf[0], "%lld", v);
	xrow_add(x, name, b, FL_COL_INT);
}

struct list_ctx {
	fl_row_fn fn;
	void *ctx;
	time_t now;
	int max_age, warn_days;
	int recorded, gaps; /* status: the filters of fl_control_q */
	long bad; /* verify: changed, missing or unreadable files */
};

/* Fill the policy and "now" of a listing, and resolve its catalogue. */
static fl_err
list_begin(struct fl_store *st, const struct fl_control_q *q,
	   struct list_ctx *c, long long *catalog_id)
{
	int age, warn;
	fl_err rc;

	if ((rc = fl_store_control_policy(st, &age, &warn)) != FL_OK)
		return rc;
	c->now = fl_now();
	c->max_age = q->max_age > 0 ? q->max_age : age;
	c->warn_days = q->warn_days > 0 ? q->warn_days : warn;
	c->recorded = q->recorded;
	c->gaps = q->gaps;
	c->bad = 0;
	*catalog_id = 0;
	if (q->catalog)
		return st_query_int(st, catalog_id,
				    "SELECT id FROM catalog WHERE lower(key) = lower(?)",
				    "t", q->catalog);
	return FL_OK;
}

static void
latest(const struct fl_row *row, const char *rcol, const char *dcol,
       time_t now, enum fl_test_result *res, int *age)
{
	const char *r = fl_row_get(row, rcol), *dt = fl_row_get(row, dcol);

	*res = FL_TR_NONE;
	*age = 0;
	if (r && fl_test_result_parse(r, res) == 0)
		*age = -days_from(now, dt);
	else
		*res = FL_TR_NONE;
}

/* Does a status row need the ITSO's attention (control status --gaps)?
 * A row not recorded at all is not a gap here: --gaps answers "what of
 * what we track is weak", and the Group-wide blanks are the plain
 * listing's "not recorded" rows. */
static int
status_gap(const struct fl_row *row, int overdue,
	   const struct fl_effect_out *out)
{
	const char *status = fl_row_get(row, "status");
	const char *expired = fl_row_get(row, "evidence_expired");
	int tested = fl_row_get(row, "design_result") != NULL ||
		     fl_row_get(row, "operating_result") != NULL;

	if (status && (strcmp(status, "planned") == 0 ||
		       strcmp(status, "partial") == 0))
		return 1;
	if (status && strcmp(status, "implemented") == 0 && !tested)
		return 1;
	if (overdue || out->design_stale || out->operating_stale)
		return 1;
	if (out->state == FL_EFF_INEFFECTIVE || out->state == FL_EFF_PARTIAL)
		return 1;
	return expired && strcmp(expired, "0") != 0;
}

static fl_err
status_row(void *vctx, const struct fl_row *row)
{
	struct list_ctx *c = vctx;
	struct fl_effect_in in;
	struct fl_effect_out out;
	struct xrow x;
	const char *status = fl_row_get(row, "status");
	const char *due = fl_row_get(row, "due");
	int overdue;

	memset(&in, 0, sizeof in);
	in.max_age = c->max_age;
	in.not_applicable = status && strcmp(status, "not-applicable") == 0;
	latest(row, "design_result", "design_date", c->now, &in.design,
	       &in.design_age);
	latest(row, "operating_result", "operating_date", c->now, &in.operating,
	       &in.operating_age);
	fl_control_effect(&in, &out);
	overdue = status && due && fl_impl_overdue(status, 1, days_from(c->now, due));
	if (c->recorded && status == NULL &&
	    fl_row_get(row, "design_result") == NULL &&
	    fl_row_get(row, "operating_result") == NULL)
		return FL_OK;
	if (c->gaps && !status_gap(row, overdue, &out))
		return FL_OK;
	xrow_start(&x, row);
	xrow_add(&x, "overdue_json", overdue ? "true" : "false", FL_COL_TEXT);
	xrow_add(&x, "effectiveness", fl_effect_name(out.state), FL_COL_TEXT);
	xrow_add(&x, "stale_json",
		 out.design_stale || out.operating_stale ? "true" : "false",
		 FL_COL_TEXT);
	return c->fn(c->ctx, &x.row);
}

/* The latest test of a kind: by test date, then by entry order. */
#define LATEST(col, kind)                                                   \
	"(SELECT t." col " FROM control_test t WHERE t.control_id = p.cid"  \
	" AND t.entity_id = p.eid AND t.kind = '" kind "'"                  \
	" ORDER BY t.tested_on DESC, t.id DESC LIMIT 1)"

fl_err
fl_store_control_status(struct fl_store *st, const struct fl_control_q *q,
			fl_row_fn fn, void *ctx)
{
	struct list_ctx c;
	char today[11], warn_to[11];
	long long cat = 0;
	fl_err rc;

	c.fn = fn;
	c.ctx = ctx;
	if ((rc = list_begin(st, q, &c, &cat)) != FL_OK)
		return rc;
	fl_time_date(c.now, today);
	fl_time_date(c.now + (time_t)c.warn_days * 86400, warn_to);
	return st_query(st,
		"WITH pairs AS ("
		" SELECT c.id AS cid, e.id AS eid FROM control c"
		" JOIN catalog k ON k.id = c.catalog_id CROSS JOIN entity e"
		" WHERE k.kind = 'group' AND c.withdrawn = 0"
		" UNION SELECT control_id, entity_id FROM implementation"
		" UNION SELECT control_id, entity_id FROM control_test)"
		" SELECT e.code AS entity, k.key AS catalog,"
		" COALESCE(c.label, c.key) AS control, c.title,"
		" o.name AS owner, o.email AS owner_email, i.status,"
		" i.justification, i.due_date AS due,"
		" (SELECT COUNT(*) FROM evidence v"
		"  WHERE v.implementation_id = i.id) AS evidence,"
		" (SELECT COUNT(*) FROM evidence v WHERE v.implementation_id = i.id"
		"  AND v.expires_on < ?) AS evidence_expired,"
		" (SELECT COUNT(*) FROM evidence v WHERE v.implementation_id = i.id"
		"  AND v.expires_on >= ? AND v.expires_on <= ?) AS evidence_expiring,"
		" " LATEST("result", "design") " AS design_result,"
		" " LATEST("tested_on", "design") " AS design_date,"
		" " LATEST("result", "operating") " AS operating_result,"
		" " LATEST("tested_on", "operating") " AS operating_date,"
		" c.id AS control_id, e.id AS entity_id"
		" FROM pairs p JOIN control c ON c.id = p.cid"
		" JOIN catalog k ON k.id = c.catalog_id"
		" JOIN entity e ON e.id = p.eid"
		" LEFT JOIN implementation i ON i.control_id = p.cid"
		"  AND i.entity_id = p.eid"
		" LEFT JOIN person o ON o.id = i.owner_id"
		" WHERE (? = 0 OR c.id = ?) AND (? = 0 OR e.id = ?)"
		" AND (? = 0 OR k.id = ?)"
		" ORDER BY e.code, k.key, c.seq, c.id",
		status_row, &c, "ttt" "iiiiii", today, today, warn_to,
		q->control_id, q->control_id, q->entity_id, q->entity_id, cat,
		cat);
}

#define EVIDENCE_SELECT                                                     \
	"SELECT v.id, e.code AS entity, k.key AS catalog,"                  \
	" COALESCE(c.label, c.key) AS control, v.kind, v.location,"         \
	" v.sha256, v.size, v.description, v.collected_on AS collected,"    \
	" v.expires_on AS expires FROM evidence v"                          \
	" JOIN implementation i ON i.id = v.implementation_id"              \
	" JOIN control c ON c.id = i.control_id"                            \
	" JOIN catalog k ON k.id = c.catalog_id"                            \
	" JOIN entity e ON e.id = i.entity_id"                              \
	" WHERE (? = 0 OR c.id = ?) AND (? = 0 OR e.id = ?)"                \
	" AND (? = 0 OR k.id = ?)"

static fl_err
evidence_row(void *vctx, const struct fl_row *row)
{
	struct list_ctx *c = vctx;
	struct xrow x;
	const char *exp = fl_row_get(row, "expires");
	int left = exp ? days_from(c->now, exp) : 0;
	enum fl_evidence_state s = fl_evidence_state(exp != NULL, left,
						      c->warn_days);

	xrow_start(&x, row);
	if (exp)
		xrow_add_int(&x, "days_left", left);
	else
		xrow_add(&x, "days_left", NULL, FL_COL_NULL);
	xrow_add(&x, "state", fl_evidence_state_name(s), FL_COL_TEXT);
	return c->fn(c->ctx, &x.row);
}

fl_err
fl_store_evidence_list(struct fl_store *st, const struct fl_control_q *q,
		       fl_row_fn fn, void *ctx)
{
	struct list_ctx c;
	long long cat = 0;
	fl_err rc;

	c.fn = fn;
	c.ctx = ctx;
	if ((rc = list_begin(st, q, &c, &cat)) != FL_OK)
		return rc;
	return st_query(st,
			EVIDENCE_SELECT " ORDER BY v.collected_on DESC, v.id DESC",
			evidence_row, &c, "iiiiii", q->control_id, q->control_id,
			q->entity_id, q->entity_id, cat, cat);
}

static fl_err
verify_row(void *vctx, const struct fl_row *row)
{
	struct list_ctx *c = vctx;
	struct xrow x;
	struct fl_diag d;
	struct stat sb;
	const char *kind = fl_row_get(row, "kind");
	const char *loc = fl_row_get(row, "location");
	const char *want = fl_row_get(row, "sha256");
	const char *result;
	char hex[65];
	int have = 0;

	if (kind == NULL || strcmp(kind, "file") != 0 || loc == NULL) {
		result = "not-checked";
	} else if (stat(loc, &sb) != 0) {
		result = errno == ENOENT || errno == ENOTDIR ? "missing"
							     : "unreadable";
	} else if (!S_ISREG(sb.st_mode) ||
		   fl_sha256_file(loc, hex, &d) != FL_OK) {
		result = "unreadable";
	} else {
		have = 1;
		result = want && strcmp(want, hex) == 0 ? "ok" : "changed";
	}
	if (strcmp(result, "ok") != 0 && strcmp(result, "not-checked") != 0)
		c->bad++;
	xrow_start(&x, row);
	xrow_add(&x, "now_sha256", have ? hex : NULL, FL_COL_TEXT);
	if (have)
		xrow_add_int(&x, "now_size", (long long)sb.st_size);
	else
		xrow_add(&x, "now_size", NULL, FL_COL_NULL);
	xrow_add(&x, "result", result, FL_COL_TEXT);
	return c->fn ? c->fn(c->ctx, &x.row) : FL_OK;
}

fl_err
fl_store_evidence_verify(struct fl_store *st, const struct fl_control_q *q,
			 long *bad, fl_row_fn fn, void *ctx)
{
	struct list_ctx c;
	long long cat = 0;
	fl_err rc;

	c.fn = fn;
	c.ctx = ctx;
	*bad = 0;
	if ((rc = list_begin(st, q, &c, &cat)) != FL_OK)
		return rc;
	rc = st_query(st, EVIDENCE_SELECT " ORDER BY v.id", verify_row, &c,
		      "iiiiii", q->control_id, q->control_id, q->entity_id,
		      q->entity_id, cat, cat);
	*bad = c.bad;
	return rc;
}

static fl_err
test_row(void *vctx, const struct fl_row *row)
{
	struct list_ctx *c = vctx;
	struct xrow x;
	int age = -days_from(c->now, fl_row_get(row, "date"));

	xrow_start(&x, row);
	xrow_add_int(&x, "age_days", age);
	xrow_add(&x, "stale_json", fl_test_stale(age, c->max_age) ? "true" : "false",
		 FL_COL_TEXT);
	return c->fn(c->ctx, &x.row);
}

fl_err
fl_store_control_tests(struct fl_store *st, const struct fl_control_q *q,
		       fl_row_fn fn, void *ctx)
{
	struct list_ctx c;
	long long cat = 0;
	fl_err rc;

	c.fn = fn;
	c.ctx = ctx;
	if ((rc = list_begin(st, q, &c, &cat)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT t.id, e.code AS entity, k.key AS catalog,"
			" COALESCE(c.label, c.key) AS control, t.kind,"
			" t.tested_on AS date, p.name AS tester,"
			" p.email AS tester_email, t.method, t.sample, t.result,"
			" t.notes FROM control_test t"
			" JOIN control c ON c.id = t.control_id"
			" JOIN catalog k ON k.id = c.catalog_id"
			" JOIN entity e ON e.id = t.entity_id"
			" LEFT JOIN person p ON p.id = t.tester_id"
			" WHERE (? = 0 OR c.id = ?) AND (? = 0 OR e.id = ?)"
			" AND (? = 0 OR k.id = ?)"
			" ORDER BY t.tested_on DESC, t.id DESC",
			test_row, &c, "iiiiii", q->control_id, q->control_id,
			q->entity_id, q->entity_id, cat, cat);
}

fl_err
fl_store_control_info(struct fl_store *st, long long control_id, fl_row_fn fn,
		      void *ctx)
{
	return st_query(st,
			"SELECT c.id, k.key AS catalog, k.kind AS catalog_kind,"
			" COALESCE(c.label, c.key) AS control, c.key, c.title,"
			" c.withdrawn FROM control c"
			" JOIN catalog k ON k.id = c.catalog_id WHERE c.id = ?",
			fn, ctx, "i", control_id);
}

/* ---- effectiveness for the risk register ---------------------------- */

struct eff_ctx {
	int n, stale;
	enum fl_effect worst;
};

static fl_err
eff_row(void *vctx, const struct fl_row *row)
{
	struct eff_ctx *c = vctx;
	const char *stale = fl_row_get(row, "stale_json");
	enum fl_effect e;
	int s = stale && strcmp(stale, "true") == 0;

	/* a Group control the entity has not recorded says nothing */
	if (fl_row_get(row, "status") == NULL &&
	    fl_row_get(row, "design_result") == NULL &&
	    fl_row_get(row, "operating_result") == NULL)
		return FL_OK;
	if (fl_effect_parse(fl_row_get(row, "effectiveness"), &e) != 0)
		return FL_E_INTERNAL;
	if (c->n == 0 || fl_effect_rank(e) < fl_effect_rank(c->worst)) {
		c->worst = e;
		c->stale = s;
	} else if (e == c->worst) {
		c->stale |= s;
	}
	c->n++;
	return FL_OK;
}

fl_err
fl_store_control_effectiveness(struct fl_store *st, long long control_id,
			       long long entity_id, char *out, size_t outsz)
{
	struct fl_control_q q;
	struct eff_ctx c = {0, 0, FL_EFF_NOT_TESTED};
	fl_err rc;

	if (outsz)
		out[0] = '\0';
	memset(&q, 0, sizeof q);
	q.control_id = control_id;
	q.entity_id = entity_id;
	if ((rc = fl_store_control_status(st, &q, eff_row, &c)) != FL_OK)
		return rc;
	if (c.n == 0)
		c.worst = FL_EFF_NOT_TESTED;
	if (outsz)
		snprintf(out, outsz, "%s%s", fl_effect_name(c.worst),
			 c.stale ? " (stale)" : "");
	return FL_OK;
}
