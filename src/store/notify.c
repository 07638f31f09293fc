/*
 * store/notify: the outbox (see notify.h).  Enqueueing routes a notice to
 * one message per matching route; when nothing matches, the message goes to
 * the ISO anyway, because a notice nobody receives is the failure this
 * module exists to prevent.  A mail target may be a role ("iso") whose
 * address is looked up when queued and again at each attempt, so a message
 * queued before anyone configured the address is delivered once they do.
 *
 * This file keeps the queue, the routes and the webhook list; it never
 * talks to the network (notify/ does, driven by cli/) and never stores a
 * secret: a webhook's key and the SMTP password are read from the
 * environment or a file when a message is sent.
 */
#include <jansson.h>
#include <sodium.h>

#include "store_int.h"
#include "notify.h"
#include "../core/notify.h"

#define EVENT_MAX 64
#define REF_MAX 128
#define SUBJECT_MAX 400
#define BODY_MAX (64 * 1024)
#define DATA_MAX (256 * 1024)
#define DEDUP_MAX 200
#define TARGET_MAX 254
#define RCPT_MAX 2048
#define ROUTES_MAX 256

/* ---- validation ----------------------------------------------------------- */

/* No control characters but TAB: a header value never spans lines. */
static int
one_line(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

int
fl_notify_address_valid(const char *a)
{
	const char *at, *p;
	size_t n;

	if (a == NULL || (n = strlen(a)) < 3 || n > TARGET_MAX)
		return 0;
	if ((at = strchr(a, '@')) == NULL || at == a || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	/*
	 * A plain addr-spec only: no display name, no quoting, no comments,
	 * nothing that could close a header or start another recipient.
	 */
	for (p = a; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return 0;
	}
	return at[1] != '.' && a[n - 1] != '.';
}

static fl_err
check_notice(const struct fl_notice *n, struct fl_diag *d)
{
	if (n->event == NULL || !fl_notify_pattern_valid(n->event) ||
	    strchr(n->event, '*') != NULL)
		return fl_diag_msg(d, FL_E_INVAL, "invalid notice event '%s': "
				   "words of a-z, 0-9, '_', '-' joined by dots",
				   n->event ? n->event : "");
	if (n->ref == NULL || *n->ref == '\0' || strlen(n->ref) > REF_MAX ||
	    !one_line(n->ref) || strchr(n->ref, ' ') != NULL)
		return fl_diag_msg(d, FL_E_INVAL, "invalid notice reference "
				   "'%s': one word of at most %d bytes",
				   n->ref ? n->ref : "", REF_MAX);
	if (n->severity != NULL && fl_notify_severity_rank(n->severity) == 0)
		return fl_diag_msg(d, FL_E_INVAL, "invalid severity '%s': low, "
				   "medium, high or critical", n->severity);
	if (n->subject == NULL || *n->subject == '\0' ||
	    strlen(n->subject) > SUBJECT_MAX)
		return fl_diag_msg(d, FL_E_INVAL, "a notice needs a subject of "
				   "1 to %d bytes", SUBJECT_MAX);
	if (!one_line(n->subject))
		return fl_diag_msg(d, FL_E_INVAL, "the subject contains a line "
				   "break or control character: refused (it "
				   "would become a mail header)");
	if (n->body != NULL && strlen(n->body) > BODY_MAX)
		return fl_diag_msg(d, FL_E_LIMIT, "the notice body is longer "
				   "than %d bytes", BODY_MAX);
	if (n->dedup != NULL && (*n->dedup == '\0' ||
				 strlen(n->dedup) > DEDUP_MAX))
		return fl_diag_msg(d, FL_E_INVAL, "a dedup key has 1 to %d "
				   "bytes", DEDUP_MAX);
	if (n->json != NULL) {
		size_t len = strlen(n->json);
		json_error_t je;
		json_t *j;
		int obj;

		if (len > DATA_MAX)
			return fl_diag_msg(d, FL_E_LIMIT, "the notice data is "
					   "longer than %d bytes", DATA_MAX);
		if ((j = json_loadb(n->json, len, JSON_REJECT_DUPLICATES,
				    &je)) == NULL)
			return fl_diag_msg(d, FL_E_INVAL, "the notice data is "
					   "not JSON: %s", je.text);
		obj = json_is_object(j);
		json_decref(j);
		if (!obj)
			return fl_diag_msg(d, FL_E_INVAL, "the notice data must "
					   "be a JSON object");
	}
	return FL_OK;
}

/* ---- role addresses ------------------------------------------------------- */

struct addr_list {
	struct fl_buf b;
	int n;
};

static fl_err
addr_row(void *ctx, const struct fl_row *row)
{
	struct addr_list *a = ctx;
	const char *e = fl_row_get(row, "email");

	if (e == NULL || !fl_notify_address_valid(e))
		return FL_OK;
	if (a->b.len + strlen(e) + 3 > RCPT_MAX)
		return FL_E_LIMIT; /* stop at a whole address */
	if (a->n++ > 0 && fl_buf_puts(&a->b, ", ") != FL_OK)
		return FL_E_NOMEM;
	return fl_buf_puts(&a->b, e);
}

fl_err
fl_notify_resolve(struct fl_store *st, const char *target, char **rcpt,
		  char **why)
{
	struct addr_list a;
	char key[64], *v = NULL;
	fl_err rc;

	*rcpt = NULL;
	if (why)
		*why = NULL;
	if (strchr(target, '@') != NULL) {
		*rcpt = fl_strdup(target);
		return *rcpt ? FL_OK : FL_E_NOMEM;
	}
	snprintf(key, sizeof key, "notify.%s", target);
	if ((rc = fl_store_setting_get(st, key, &v)) != FL_OK)
		return rc;
	if (v != NULL && fl_notify_address_valid(v)) {
		*rcpt = v;
		return FL_OK;
	}
	free(v);
	/* no configured address: the people who hold the role */
	fl_buf_init(&a.b, RCPT_MAX);
	a.n = 0;
	rc = st_query(st, "SELECT email FROM person WHERE role = ? ORDER BY email",
		      addr_row, &a, "t", target);
	if (rc == FL_E_LIMIT)
		rc = FL_OK; /* enough recipients; the list is cut at an entry */
	if (rc != FL_OK) {
		fl_buf_release(&a.b);
		return rc;
	}
	if (a.n > 0) {
		*rcpt = fl_buf_steal(&a.b);
		return *rcpt ? FL_OK : FL_E_NOMEM;
	}
	fl_buf_release(&a.b);
	if (why) {
		struct fl_buf w;

		fl_buf_init(&w, 512);
		if (fl_buf_printf(&w, "no address for role '%s': run "
				  "'firstline notify role %s ADDRESS' (setting "
				  "notify.%s) or give a person the role",
				  target, target, target) != FL_OK) {
			fl_buf_release(&w);
			return FL_E_NOMEM;
		}
		*why = fl_buf_steal(&w);
	}
	return FL_OK;
}

/* ---- enqueue -------------------------------------------------------------- */

struct route {
	long long id;
	char channel[16];
	char target[TARGET_MAX + 1];
};

struct route_match {
	const struct fl_notice *n;
	struct route *v;
	size_t count;
};

static fl_err
route_row(void *ctx, const struct fl_row *row)
{
	struct route_match *m = ctx;
	const char *ev = fl_row_get(row, "event");
	const char *min = fl_row_get(row, "min_severity");
	const char *ch = fl_row_get(row, "channel");
	const char *tg = fl_row_get(row, "target");
	struct route *r;

	if (ev == NULL || ch == NULL || tg == NULL ||
	    !fl_notify_event_match(ev, m->n->event) ||
	    !fl_notify_severity_match(min, m->n->severity))
		return FL_OK;
	if (m->count == ROUTES_MAX)
		return FL_E_LIMIT;
	r = &m->v[m->count++];
	r->id = st_row_int(row, "id", 0);
	fl_strlcpy(r->channel, ch, sizeof r->channel);
	fl_strlcpy(r->target, tg, sizeof r->target);
	return FL_OK;
}

static fl_err
queue_one(struct fl_store *st, const struct fl_notice *n,
	  const struct route *r, const char *now)
{
	unsigned char raw[12];
	char token[25], obj[48], *rcpt = NULL, *why = NULL, *after = NULL;
	long long id = 0;
	fl_err rc = FL_OK;

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, sizeof token, raw, sizeof raw);
	if (strcmp(r->channel, "mail") == 0 &&
	    (rc = fl_notify_resolve(st, r->target, &rcpt, &why)) != FL_OK)
		return rc;
	rc = st_insert(st, &id,
		       "INSERT INTO notify_message (event, ref, severity,"
		       " subject, body, data, channel, target, rcpt, route_id,"
		       " dedup, token, status, next_attempt_at, created_at,"
		       " last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0),"
		       " ?, ?,"
		       " 'pending', ?, ?, ?)",
		       "tttttt" "ttt" "i" "ttttt", n->event, n->ref, n->severity,
		       n->subject, n->body ? n->body : "", n->json, r->channel,
		       r->target, rcpt, r->id, n->dedup, token, now, now, why);
	if (rc == FL_OK)
		rc = st_query_json(st, &after,
				   "SELECT id, event, ref, severity, subject,"
				   " channel, target, rcpt, dedup, status,"
				   " next_attempt_at, created_at, last_error"
				   " FROM notify_message WHERE id = ?", "i", id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify:%lld", id);
		rc = fl_store_audit(st, "notify.enqueue", obj, NULL, after);
	}
	free(after);
	free(rcpt);
	free(why);
	return rc;
}

fl_err
fl_notify_enqueue(struct fl_store *st, const struct fl_notice *n, int *queued,
		  struct fl_diag *d)
{
	struct route_match m;
	struct route iso;
	char now[21];
	long long seen = 0;
	size_t i;
	fl_err rc;

	if (queued)
		*queued = 0;
	if ((rc = check_notice(n, d)) != FL_OK)
		return rc;
	if (n->dedup != NULL) {
		rc = st_query_int(st, &seen, "SELECT COUNT(*) FROM notify_message"
				  " WHERE dedup = ?", "t", n->dedup);
		if (rc != FL_OK)
			return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
		if (seen > 0)
			return FL_OK;
	}
	m.n = n;
	m.count = 0;
	if ((m.v = calloc(ROUTES_MAX, sizeof *m.v)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	rc = st_query(st, "SELECT id, event, min_severity, channel, target"
		      " FROM notify_route ORDER BY id", route_row, &m, "");
	if (rc == FL_E_LIMIT) {
		free(m.v);
		return fl_diag_msg(d, rc, "more than %d routes match '%s'",
				   ROUTES_MAX, n->event);
	}
	if (rc != FL_OK) {
		free(m.v);
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	}
	st_now(now);
	if (m.count == 0) {
		/* nothing is silently dropped: unrouted notices go to the ISO */
		memset(&iso, 0, sizeof iso);
		fl_strlcpy(iso.channel, "mail", sizeof iso.channel);
		fl_strlcpy(iso.target, "iso", sizeof iso.target);
		rc = queue_one(st, n, &iso, now);
		i = rc == FL_OK ? 1 : 0;
	} else {
		for (i = 0; i < m.count; i++)
			if ((rc = queue_one(st, n, &m.v[i], now)) != FL_OK)
				break;
	}
	free(m.v);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "queueing '%s': %s", n->event,
				   fl_store_errmsg(st));
	if (queued)
		*queued = (int)i;
	return FL_OK;
}

/* ---- the timeline of a reference ------------------------------------------ */

fl_err
fl_notify_for_ref(struct fl_store *st, const char *ref, fl_row_fn fn,
		  void *ctx, struct fl_diag *d)
{
	fl_err rc;

	rc = st_query(st,
		      "SELECT at, kind, channel, target, event, subject, detail"
		      " FROM (SELECT m.created_at AS at, 'queued' AS kind,"
		      " m.channel AS channel, m.target AS target, m.event AS"
		      " event, m.subject AS subject, CASE WHEN m.rcpt IS NULL"
		      " THEN m.last_error ELSE 'to ' || m.rcpt END AS detail,"
		      " 0 AS ord, m.id AS mid, 0 AS aid FROM notify_message m"
		      " WHERE m.ref = ?"
		      " UNION ALL SELECT a.at, CASE a.outcome WHEN 'retry' THEN"
		      " 'attempt' ELSE a.outcome END, m.channel, m.target,"
		      " m.event, m.subject, a.detail, 1, m.id, a.id FROM"
		      " notify_attempt a JOIN notify_message m ON m.id ="
		      " a.message_id WHERE m.ref = ?) t"
		      " ORDER BY at, mid, ord, aid",
		      fn, ctx, "tt", ref, ref);
	if (rc != FL_OK && rc != FL_E_NOMEM && d != NULL && d->msg[0] == '\0')
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

/* ---- routes ---------------------------------------------------------------- */

static int
name_valid(const char *s, size_t max)
{
	const char *p;

	if (s == NULL || *s == '\0' || strlen(s) > max)
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-.", *p)))
			return 0;
	return 1;
}

static fl_err
audit_row(struct fl_store *st, const char *action, const char *obj,
	  const char *before, const char *sql, const char *key, long long id)
{
	char *after = NULL;
	fl_err rc;

	if (sql != NULL) {
		rc = key ? st_query_json(st, &after, sql, "t", key)
			 : st_query_json(st, &after, sql, "i", id);
		if (rc != FL_OK)
			return rc;
	}
	rc = fl_store_audit(st, action, obj, before, after);
	free(after);
	return rc;
}

#define ROUTE_SQL \
	"SELECT id, event, min_severity, channel, target, created_at" \
	" FROM notify_route"

fl_err
fl_notify_route_add(struct fl_store *st, const struct fl_notify_route_in *r,
		    long long *id, struct fl_diag *d)
{
	char now[21], obj[40];
	long long n = 0;
	fl_err rc;

	*id = 0;
	if (!fl_notify_pattern_valid(r->event))
		return fl_diag_msg(d, FL_E_INVAL, "invalid event pattern '%s': "
				   "an event (incident.new), a prefix "
				   "(incident.*) or *", r->event ? r->event : "");
	if (r->min_severity && fl_notify_severity_rank(r->min_severity) == 0)
		return fl_diag_msg(d, FL_E_INVAL, "invalid minimum severity "
				   "'%s': low, medium, high or critical",
				   r->min_severity);
	if (r->channel == NULL || r->target == NULL)
		return FL_E_INTERNAL;
	if (strcmp(r->channel, "mail") == 0) {
		if (strchr(r->target, '@') ? !fl_notify_address_valid(r->target)
					   : !fl_person_role_valid(r->target))
			return fl_diag_msg(d, FL_E_INVAL, "invalid mail target "
					   "'%s': a plain address (name@domain) "
					   "or a role (" FL_PERSON_ROLES ")",
					   r->target);
	} else if (strcmp(r->channel, "webhook") == 0) {
		rc = st_query_int(st, &n, "SELECT COUNT(*) FROM notify_webhook"
				  " WHERE name = ?", "t", r->target);
		if (rc != FL_OK)
			return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
		if (n == 0)
			return fl_diag_msg(d, FL_E_NOTFOUND, "unknown webhook "
					   "'%s': add it with 'firstline notify "
					   "webhook add %s URL'", r->target,
					   r->target);
	} else {
		return fl_diag_msg(d, FL_E_INVAL, "invalid channel '%s': mail "
				   "or webhook", r->channel);
	}
	rc = st_query_int(st, &n, "SELECT COUNT(*) FROM notify_route WHERE"
			  " event = ? AND channel = ? AND target = ?", "ttt",
			  r->event, r->channel, r->target);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (n > 0)
		return fl_diag_msg(d, FL_E_INVAL, "a route for '%s' to %s %s "
				   "exists already", r->event, r->channel,
				   r->target);
	st_now(now);
	rc = st_insert(st, id, "INSERT INTO notify_route (event, min_severity,"
		       " channel, target, created_at) VALUES (?, ?, ?, ?, ?)",
		       "ttttt", r->event, r->min_severity, r->channel,
		       r->target, now);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify_route:%lld", *id);
		rc = audit_row(st, "notify.route.add", obj, NULL,
			       ROUTE_SQL " WHERE id = ?", NULL, *id);
	}
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

fl_err
fl_notify_route_rm(struct fl_store *st, long long id, struct fl_diag *d)
{
	char *before = NULL, obj[40];
	fl_err rc;

	rc = st_query_json(st, &before, ROUTE_SQL " WHERE id = ?", "i", id);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (before == NULL)
		return fl_diag_msg(d, FL_E_NOTFOUND, "no route %lld (see "
				   "'firstline notify route list')", id);
	rc = st_exec(st, "DELETE FROM notify_route WHERE id = ?", "i", id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify_route:%lld", id);
		rc = audit_row(st, "notify.route.rm", obj, before, NULL, NULL, 0);
	}
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

fl_err
fl_notify_route_list(struct fl_store *st, fl_row_fn fn, void *ctx)
{
	return st_query(st, ROUTE_SQL " ORDER BY id", fn, ctx, "");
}

/* ---- webhooks ------------------------------------------------------------- */

int
fl_notify_secret_ref_valid(const char *ref)
{
	const char *p;

	if (ref == NULL || strlen(ref) > 1024 || !one_line(ref))
		return 0;
	if (strncmp(ref, "env:", 4) == 0) {
		p = ref + 4;
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
			return 0;
		for (; *p; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			      *p == '_'))
				return 0;
		return 1;
	}
	return strncmp(ref, "file:/", 6) == 0 && ref[6] != '\0';
}

/* host[:port] or [v6]:port between p and end: the port, when given, is
 * 1..65535. */
static int
port_valid(const char *p, const char *end)
{
	const char *colon;
	long v = 0;

	if (*p == '[') {
		if ((p = memchr(p, ']', (size_t)(end - p))) == NULL)
			return 0;
		colon = p + 1 < end && p[1] == ':' ? p + 1 : NULL;
		if (colon == NULL && p + 1 != end)
			return 0;
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon == p)
			return 0;
	}
	if (colon == NULL)
		return 1;
	if (end - colon < 2 || end - colon > 6)
		return 0;
	for (p = colon + 1; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= 65535;
}

/* http(s) or smtp(s) URL: the scheme, a host, no credentials, one line. */
static int
url_valid(const char *url, const char *const *schemes)
{
	const char *host = NULL, *end, *p;
	size_t i, n;

	if (url == NULL || (n = strlen(url)) > 2048)
		return 0;
	for (i = 0; schemes[i]; i++) {
		size_t k = strlen(schemes[i]);

		if (n > k && strncmp(url, schemes[i], k) == 0) {
			host = url + k;
			break;
		}
	}
	if (host == NULL || *host == '\0' || *host == '/' || *host == ':')
		return 0;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	end = host + strcspn(host, "/?#");
	/* user:password@host would put a secret in the database */
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return 0;
	return port_valid(host, end);
}

static const char *const http_schemes[] = {"http://", "https://", NULL};
static const char *const smtp_schemes[] = {"smtp://", "smtps://", NULL};

#define WEBHOOK_SQL \
	"SELECT w.name, w.url, w.secret_ref, (SELECT COUNT(*) FROM" \
	" notify_route r WHERE r.channel = 'webhook' AND r.target =" \
	" w.name) AS routes, w.created_at FROM notify_webhook w"

fl_err
fl_notify_webhook_add(struct fl_store *st, const char *name, const char *url,
		      const char *secret_ref, int *replaced, struct fl_diag *d)
{
	char *before = NULL, now[21], obj[96];
	fl_err rc;

	*replaced = 0;
	if (!name_valid(name, 64))
		return fl_diag_msg(d, FL_E_INVAL, "invalid webhook name '%s': "
				   "letters, digits, '_', '-', '.' (at most 64)",
				   name ? name : "");
	if (!url_valid(url, http_schemes))
		return fl_diag_msg(d, FL_E_INVAL, "invalid webhook URL: http:// "
				   "or https://, a host, no user or password "
				   "(give the key with --secret-env or "
				   "--secret-file)");
	if (secret_ref && !fl_notify_secret_ref_valid(secret_ref))
		return fl_diag_msg(d, FL_E_INVAL, "invalid secret reference: "
				   "env:VARIABLE or file:/absolute/path");
	rc = st_query_json(st, &before, WEBHOOK_SQL " WHERE w.name = ?", "t",
			   name);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	st_now(now);
	if (before)
		rc = st_exec(st, "UPDATE notify_webhook SET url = ?, secret_ref"
			     " = ? WHERE name = ?", "ttt", url, secret_ref, name);
	else
		rc = st_exec(st, "INSERT INTO notify_webhook (name, url,"
			     " secret_ref, created_at) VALUES (?, ?, ?, ?)",
			     "tttt", name, url, secret_ref, now);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify_webhook:%s", name);
		rc = audit_row(st, before ? "notify.webhook.update"
					  : "notify.webhook.add", obj, before,
			       WEBHOOK_SQL " WHERE w.name = ?", name, 0);
	}
	*replaced = before != NULL;
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

fl_err
fl_notify_webhook_rm(struct fl_store *st, const char *name, struct fl_diag *d)
{
	char *before = NULL, obj[96];
	long long n = 0;
	fl_err rc;

	rc = st_query_json(st, &before, WEBHOOK_SQL " WHERE w.name = ?", "t",
			   name);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (before == NULL)
		return fl_diag_msg(d, FL_E_NOTFOUND, "unknown webhook '%s'", name);
	rc = st_query_int(st, &n, "SELECT COUNT(*) FROM notify_route WHERE"
			  " channel = 'webhook' AND target = ?", "t", name);
	if (rc == FL_OK && n > 0) {
		free(before);
		return fl_diag_msg(d, FL_E_INVAL, "webhook '%s' is used by %lld "
				   "route(s): remove them first", name, n);
	}
	if (rc == FL_OK)
		rc = st_exec(st, "DELETE FROM notify_webhook WHERE name = ?", "t",
			     name);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify_webhook:%s", name);
		rc = audit_row(st, "notify.webhook.rm", obj, before, NULL, NULL, 0);
	}
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

fl_err
fl_notify_webhook_list(struct fl_store *st, fl_row_fn fn, void *ctx)
{
	return st_query(st, WEBHOOK_SQL " ORDER BY w.name", fn, ctx, "");
}

/* ---- settings ------------------------------------------------------------- */

/* "Name <addr>" or "addr", one line, with a valid address inside. */
static int
from_valid(const char *v)
{
	const char *lt, *gt;
	char addr[TARGET_MAX + 1];
	size_t n;

	if (v == NULL || strlen(v) > 300 || !one_line(v))
		return 0;
	if ((lt = strrchr(v, '<')) == NULL)
		return fl_notify_address_valid(v);
	if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0' ||
	    (n = (size_t)(gt - lt - 1)) >= sizeof addr)
		return 0;
	memcpy(addr, lt + 1, n);
	addr[n] = '\0';
	/* the display name: no brackets or quotes that would confuse parsers */
	for (gt = v; gt < lt; gt++)
		if (strchr("<>\"\\,;:@", *gt))
			return 0;
	return fl_notify_address_valid(addr);
}

static int
key_known(const char *key)
{
	static const char *const keys[] = {
		"notify.smtp.url", "notify.smtp.from", "notify.smtp.user",
		"notify.smtp.starttls", "notify.smtp.cafile",
		"notify.smtp.password_file", "notify.webhook.cafile",
		"notify.timeout", "notify.max_attempts", NULL
	};
	size_t i;

	for (i = 0; keys[i]; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return strncmp(key, "notify.", 7) == 0 && fl_person_role_valid(key + 7);
}

static fl_err
check_setting(const char *key, const char *v, struct fl_diag *d)
{
	long n;

	if (strcmp(key, "notify.smtp.url") == 0) {
		if (!url_valid(v, smtp_schemes))
			return fl_diag_msg(d, FL_E_INVAL, "invalid SMTP URL: "
					   "smtp://HOST[:PORT] or smtps://HOST"
					   "[:PORT], no user or password in it");
	} else if (strcmp(key, "notify.smtp.from") == 0) {
		if (!from_valid(v))
			return fl_diag_msg(d, FL_E_INVAL, "invalid sender: "
					   "name@domain or \"Name <name@domain>\"");
	} else if (strcmp(key, "notify.smtp.user") == 0) {
		if (*v == '\0' || strlen(v) > 256 || !one_line(v))
			return fl_diag_msg(d, FL_E_INVAL, "invalid SMTP user");
	} else if (strcmp(key, "notify.smtp.starttls") == 0) {
		if (strcmp(v, "require") && strcmp(v, "try") && strcmp(v, "off"))
			return fl_diag_msg(d, FL_E_INVAL, "invalid STARTTLS "
					   "mode '%s': require, try or off", v);
	} else if (strcmp(key, "notify.smtp.cafile") == 0 ||
		   strcmp(key, "notify.smtp.password_file") == 0 ||
		   strcmp(key, "notify.webhook.cafile") == 0) {
		if (v[0] != '/' || strlen(v) > 1024 || !one_line(v))
			return fl_diag_msg(d, FL_E_INVAL, "%s must be an absolute "
					   "path", key);
	} else if (strcmp(key, "notify.timeout") == 0) {
		if (fl_parse_long(v, 1, 600, &n) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "the timeout is 1 to 600 "
					   "seconds, not '%s'", v);
	} else if (strcmp(key, "notify.max_attempts") == 0) {
		if (fl_parse_long(v, 1, FL_NOTIFY_MAX_ATTEMPTS_LIMIT, &n) != 0)
			return fl_diag_msg(d, FL_E_INVAL, "the attempt limit is 1 "
					   "to %d, not '%s'",
					   FL_NOTIFY_MAX_ATTEMPTS_LIMIT, v);
	} else if (strncmp(key, "notify.", 7) == 0 &&
		   fl_person_role_valid(key + 7)) {
		if (!fl_notify_address_valid(v))
			return fl_diag_msg(d, FL_E_INVAL, "invalid address '%s' "
					   "for role %s: a plain name@domain",
					   v, key + 7);
	} else {
		return fl_diag_msg(d, FL_E_INVAL, "unknown setting '%s'", key);
	}
	return FL_OK;
}

fl_err
fl_notify_setting_set(struct fl_store *st, const char *key, const char *value,
		      int *changed, struct fl_diag *d)
{
	char *old = NULL, *before = NULL, obj[96];
	fl_err rc;

	*changed = 0;
	if (key == NULL || strlen(key) > 64)
		return fl_diag_msg(d, FL_E_INVAL, "unknown setting");
	if (value && (rc = check_setting(key, value, d)) != FL_OK)
		return rc;
	if (!value && !key_known(key))
		return fl_diag_msg(d, FL_E_INVAL, "unknown setting '%s'", key);
	if ((rc = fl_store_setting_get(st, key, &old)) != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if ((old == NULL && value == NULL) ||
	    (old && value && strcmp(old, value) == 0)) {
		free(old);
		return FL_OK;
	}
	free(old);
	rc = st_query_json(st, &before, "SELECT key, value FROM setting WHERE"
			   " key = ?", "t", key);
	if (rc == FL_OK)
		rc = value ? fl_store_setting_set(st, key, value)
			   : st_exec(st, "DELETE FROM setting WHERE key = ?", "t",
				     key);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "setting:%s", key);
		rc = audit_row(st, "setting.set", obj, before,
			       value ? "SELECT key, value FROM setting WHERE"
				       " key = ?" : NULL, key, 0);
	}
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	*changed = 1;
	return FL_OK;
}

/* ---- the queue ------------------------------------------------------------ */

/* next_attempt_at means something only while a message is pending */
#define MSG_FIELDS \
	"id, event, ref, severity, channel, target, rcpt, status, attempts," \
	" CASE WHEN status = 'pending' THEN next_attempt_at END AS" \
	" next_attempt_at, created_at, delivered_at, last_error, subject"

static fl_err
not_found(struct fl_diag *d, long long id)
{
	return fl_diag_msg(d, FL_E_NOTFOUND, "no notification %lld (see "
			   "'firstline notify list')", id);
}

fl_err
fl_notify_list(struct fl_store *st, const char *status, const char *ref,
	       fl_row_fn fn, void *ctx, struct fl_diag *d)
{
	fl_err rc;

	if (status && strcmp(status, "pending") && strcmp(status, "delivered") &&
	    strcmp(status, "failed"))
		return fl_diag_msg(d, FL_E_INVAL, "invalid status '%s': pending, "
				   "delivered or failed", status);
	rc = st_query(st, "SELECT " MSG_FIELDS " FROM notify_message WHERE"
		      " (CAST(? AS TEXT) IS NULL OR status = ?) AND (CAST(? AS TEXT)"
		      " IS NULL OR ref = ?)"
		      " ORDER BY id", fn, ctx, "tttt", status, status, ref, ref);
	if (rc != FL_OK && d->msg[0] == '\0')
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

struct count_fn {
	fl_row_fn fn;
	void *ctx;
	long n;
};

static fl_err
count_row(void *ctx, const struct fl_row *row)
{
	struct count_fn *c = ctx;

	c->n++;
	return c->fn ? c->fn(c->ctx, row) : FL_OK;
}

fl_err
fl_notify_show(struct fl_store *st, long long id, fl_row_fn fn, void *ctx,
	       struct fl_diag *d)
{
	struct count_fn c = {fn, ctx, 0};
	fl_err rc;

	rc = st_query(st, "SELECT " MSG_FIELDS ", dedup, body, data AS"
		      " data_json FROM notify_message WHERE id = ?", count_row,
		      &c, "i", id);
	if (rc != FL_OK)
		return d->msg[0] ? rc : fl_diag_msg(d, rc, "%s",
						   fl_store_errmsg(st));
	return c.n ? FL_OK : not_found(d, id);
}

fl_err
fl_notify_attempts(struct fl_store *st, long long id, fl_row_fn fn, void *ctx,
		   struct fl_diag *d)
{
	fl_err rc;

	rc = st_query(st, "SELECT a.id AS n, a.at, a.ok, a.outcome, a.detail"
		      " FROM notify_attempt a WHERE a.message_id = ? ORDER BY"
		      " a.id", fn, ctx, "i", id);
	if (rc != FL_OK && d->msg[0] == '\0')
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return rc;
}

struct id_list {
	long long *v;
	size_t n, max;
};

static fl_err
id_row(void *ctx, const struct fl_row *row)
{
	struct id_list *l = ctx;

	if (l->n == l->max)
		return FL_E_LIMIT;
	l->v[l->n++] = st_row_int(row, "id", 0);
	return FL_OK;
}

fl_err
fl_notify_due(struct fl_store *st, time_t now, long long *ids, size_t max,
	      size_t *n, struct fl_diag *d)
{
	struct id_list l = {ids, 0, max};
	char ts[21];
	fl_err rc;

	fl_time_iso(now, ts);
	rc = st_query(st, "SELECT id FROM notify_message WHERE status ="
		      " 'pending' AND next_attempt_at <= ? ORDER BY"
		      " next_attempt_at, id LIMIT ?", id_row, &l, "ti", ts,
		      (long long)max);
	*n = l.n;
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

void
fl_outmsg_release(struct fl_outmsg *m)
{
	if (m == NULL)
		return;
	free(m->event);
	free(m->ref);
	free(m->severity);
	free(m->subject);
	free(m->body);
	free(m->data);
	free(m->channel);
	free(m->target);
	free(m->token);
	free(m->created_at);
	free(m->rcpt);
	free(m->url);
	free(m->secret_ref);
	free(m->why);
	memset(m, 0, sizeof *m);
}

struct load_ctx {
	struct fl_outmsg *m;
	int n;
	int nomem;
};

static char *
dup_col(struct load_ctx *l, const struct fl_row *row, const char *name)
{
	const char *v = fl_row_get(row, name);
	char *p;

	if (v == NULL)
		return NULL;
	if ((p = fl_strdup(v)) == NULL)
		l->nomem = 1;
	return p;
}

static fl_err
load_row(void *ctx, const struct fl_row *row)
{
	struct load_ctx *l = ctx;
	struct fl_outmsg *m = l->m;

	l->n++;
	m->id = st_row_int(row, "id", 0);
	m->attempts = (long)st_row_int(row, "attempts", 0);
	m->event = dup_col(l, row, "event");
	m->ref = dup_col(l, row, "ref");
	m->severity = dup_col(l, row, "severity");
	m->subject = dup_col(l, row, "subject");
	m->body = dup_col(l, row, "body");
	m->data = dup_col(l, row, "data");
	m->channel = dup_col(l, row, "channel");
	m->target = dup_col(l, row, "target");
	m->token = dup_col(l, row, "token");
	m->created_at = dup_col(l, row, "created_at");
	m->url = dup_col(l, row, "url");
	m->secret_ref = dup_col(l, row, "secret_ref");
	if (l->nomem || m->event == NULL || m->ref == NULL ||
	    m->subject == NULL || m->body == NULL || m->channel == NULL ||
	    m->target == NULL || m->token == NULL || m->created_at == NULL)
		return FL_E_NOMEM;
	return FL_OK;
}

fl_err
fl_notify_load(struct fl_store *st, long long id, struct fl_outmsg *m,
	       struct fl_diag *d)
{
	struct load_ctx l = {m, 0, 0};
	char buf[160];
	fl_err rc;

	memset(m, 0, sizeof *m);
	rc = st_query(st, "SELECT m.id, m.attempts, m.event, m.ref,"
		      " m.severity, m.subject, m.body, m.data, m.channel,"
		      " m.target, m.token, m.created_at, w.url, w.secret_ref"
		      " FROM notify_message m LEFT JOIN notify_webhook w ON"
		      " m.channel = 'webhook' AND w.name = m.target WHERE"
		      " m.id = ?", load_row, &l, "i", id);
	if (rc == FL_OK && l.n == 0)
		rc = not_found(d, id);
	else if (rc == FL_OK && strcmp(m->channel, "mail") == 0)
		rc = fl_notify_resolve(st, m->target, &m->rcpt, &m->why);
	else if (rc == FL_OK && m->url == NULL) {
		snprintf(buf, sizeof buf, "webhook '%.64s' no longer exists: add "
			 "it again with 'firstline notify webhook add'",
			 m->target);
		if ((m->why = fl_strdup(buf)) == NULL)
			rc = FL_E_NOMEM;
	}
	if (rc != FL_OK) {
		fl_outmsg_release(m);
		if (d->msg[0] == '\0')
			fl_diag_msg(d, rc, "%s", rc == FL_E_NOMEM ? "out of memory"
						: fl_store_errmsg(st));
	}
	return rc;
}

#define IMAGE_SQL \
	"SELECT id, status, attempts, rcpt, next_attempt_at, delivered_at," \
	" last_error FROM notify_message WHERE id = ?"

/* max attempts since the last retry before a message is given up */
static long
max_attempts(struct fl_store *st)
{
	char *v = NULL;
	long n = FL_NOTIFY_MAX_ATTEMPTS;

	if (fl_store_setting_get(st, "notify.max_attempts", &v) == FL_OK &&
	    v != NULL &&
	    fl_parse_long(v, 1, FL_NOTIFY_MAX_ATTEMPTS_LIMIT, &n) != 0)
		n = FL_NOTIFY_MAX_ATTEMPTS;
	free(v);
	return n;
}

fl_err
fl_notify_claim(struct fl_store *st, long long id, time_t now,
		const char *rcpt, int *claimed, struct fl_diag *d)
{
	long long attempts = 0, base = 0;
	char ts[21], next[21], obj[40], *before = NULL;
	fl_err rc;

	*claimed = 0;
	fl_time_iso(now, ts);
	rc = st_query_json(st, &before, IMAGE_SQL, "i", id);
	if (rc == FL_OK && before == NULL)
		return not_found(d, id);
	if (rc == FL_OK)
		rc = st_query_int(st, &attempts, "SELECT attempts FROM"
				  " notify_message WHERE id = ?", "i", id);
	if (rc == FL_OK)
		rc = st_query_int(st, &base, "SELECT retry_base FROM"
				  " notify_message WHERE id = ?", "i", id);
	if (rc != FL_OK)
		goto out;
	fl_time_iso(now + fl_notify_backoff((long)(attempts + 1 - base)), next);
	rc = st_exec(st, "UPDATE notify_message SET attempts = attempts + 1,"
		     " next_attempt_at = ?, rcpt = COALESCE(?, rcpt) WHERE id ="
		     " ? AND status = 'pending' AND next_attempt_at <= ?",
		     "ttit", next, rcpt, id, ts);
	if (rc != FL_OK || st_changes(st) != 1)
		goto out;
	snprintf(obj, sizeof obj, "notify:%lld", id);
	rc = audit_row(st, "notify.attempt", obj, before, IMAGE_SQL, NULL, id);
	if (rc == FL_OK)
		*claimed = 1;
out:
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

fl_err
fl_notify_record(struct fl_store *st, long long id, time_t now, int ok,
		 int permanent, const char *detail, const char **status,
		 char *next, struct fl_diag *d)
{
	long long attempts = 0, base = 0;
	const char *outcome, *action;
	char ts[21], obj[40], *before = NULL, cut[1024];
	fl_err rc;

	if (status)
		*status = NULL;
	if (next)
		next[0] = '\0';
	fl_time_iso(now, ts);
	/* a server's answer can be long: keep the start, on one line */
	fl_strlcpy(cut, detail ? detail : "", sizeof cut);
	for (char *p = cut; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	rc = st_query_json(st, &before, IMAGE_SQL, "i", id);
	if (rc == FL_OK && before == NULL)
		return not_found(d, id);
	if (rc == FL_OK)
		rc = st_query_int(st, &attempts, "SELECT attempts FROM"
				  " notify_message WHERE id = ?", "i", id);
	if (rc == FL_OK)
		rc = st_query_int(st, &base, "SELECT retry_base FROM"
				  " notify_message WHERE id = ?", "i", id);
	if (rc != FL_OK)
		goto out;
	if (ok) {
		outcome = "delivered";
		action = "notify.delivered";
		rc = st_exec(st, "UPDATE notify_message SET status = 'delivered',"
			     " delivered_at = ?, last_error = NULL WHERE id = ?",
			     "ti", ts, id);
	} else if (permanent || attempts - base >= max_attempts(st)) {
		outcome = "failed";
		action = "notify.failed";
		rc = st_exec(st, "UPDATE notify_message SET status = 'failed',"
			     " last_error = ? WHERE id = ?", "ti", cut, id);
	} else {
		char at[21];

		outcome = "pending";
		action = "notify.retry";
		/* the claim counted this attempt; the wait follows from it */
		fl_time_iso(now + fl_notify_backoff((long)(attempts - base)), at);
		rc = st_exec(st, "UPDATE notify_message SET next_attempt_at = ?,"
			     " last_error = ? WHERE id = ?", "tti", at, cut, id);
		if (next)
			fl_strlcpy(next, at, 21);
	}
	if (rc == FL_OK)
		rc = st_exec(st, "INSERT INTO notify_attempt (message_id, at, ok,"
			     " outcome, detail) VALUES (?, ?, ?, ?, ?)", "itit" "t",
			     id, ts, (long long)(ok != 0),
			     strcmp(outcome, "pending") == 0 ? "retry" : outcome,
			     cut);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify:%lld", id);
		rc = audit_row(st, action, obj, before, IMAGE_SQL, NULL, id);
	}
	if (rc == FL_OK && status)
		*status = outcome;
out:
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}

fl_err
fl_notify_retry(struct fl_store *st, long long id, time_t now,
		struct fl_diag *d)
{
	char ts[21], obj[40], *before = NULL, *status = NULL;
	fl_err rc;

	fl_time_iso(now, ts);
	rc = st_query_text(st, &status, "SELECT status FROM notify_message"
			   " WHERE id = ?", "i", id);
	if (rc == FL_E_NOTFOUND)
		return not_found(d, id);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	if (status && strcmp(status, "delivered") == 0) {
		free(status);
		return fl_diag_msg(d, FL_E_INVAL, "notification %lld was "
				   "delivered already", id);
	}
	free(status);
	rc = st_query_json(st, &before, IMAGE_SQL, "i", id);
	if (rc == FL_OK)
		rc = st_exec(st, "UPDATE notify_message SET status = 'pending',"
			     " next_attempt_at = ?, retry_base = attempts WHERE"
			     " id = ?", "ti", ts, id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "notify:%lld", id);
		rc = audit_row(st, "notify.requeue", obj, before, IMAGE_SQL, NULL,
			       id);
	}
	free(before);
	if (rc != FL_OK)
		return fl_diag_msg(d, rc, "%s", fl_store_errmsg(st));
	return FL_OK;
}
