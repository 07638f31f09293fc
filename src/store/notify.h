/*
 * store/notify.h: the outbox — what the ISO (and the other roles of the
 * routing table) must be told, kept in the database until it is delivered.
 *
 * Producers (incidents, clocks, the risk register) enqueue a notice inside
 * their own transaction, so a notice exists exactly when the event that
 * caused it was committed.  Routing turns one notice into one message per
 * matching route (e-mail over SMTP, or a webhook); delivery happens later,
 * by `notify run` or the server, with retries and backoff, and every
 * attempt is kept.  Nothing is lost while a mail server is down.
 */
#ifndef FL_STORE_NOTIFY_H
#define FL_STORE_NOTIFY_H

#include "store.h"

struct fl_notice {
	const char *event;    /* incident.new, incident.major, clock.warning,
			       * clock.breached, risk.escalated */
	const char *ref;      /* what it is about: "incident:IR-2026-0001",
			       * "risk:R-0004" */
	const char *severity; /* low, medium, high, critical, or NULL */
	const char *subject;  /* one line */
	const char *body;     /* plain text, the mail's body */
	const char *json;     /* a JSON object: the webhook's "data", or NULL */
	const char *dedup;    /* NULL, or a key: a second notice with the same
			       * key is not enqueued (one warning per clock) */
};

/*
 * Enqueue n: one outbox message per route matching n->event and
 * n->severity.  Call inside the producer's transaction.  *queued (may be
 * NULL) gets the number of messages created (0 when no route matches or
 * the dedup key was seen before).
 */
fl_err fl_notify_enqueue(struct fl_store *st, const struct fl_notice *n,
			 int *queued, struct fl_diag *d);

/*
 * Every message and delivery attempt about ref, oldest first, for the
 * timeline of an incident or risk.  Row fields: at, kind ("queued",
 * "attempt", "delivered", "failed"), channel ("mail", "webhook"), target,
 * event, subject, detail.
 */
fl_err fl_notify_for_ref(struct fl_store *st, const char *ref, fl_row_fn fn,
			 void *ctx, struct fl_diag *d);

/*
 * Is a a plain e-mail address (local@domain, printable ASCII, nothing that
 * could end a header or name a second recipient)?
 */
int fl_notify_address_valid(const char *a);

/*
 * The address(es) of a mail target: an address is itself; a role ("iso")
 * is setting notify.ROLE, else the e-mails of the people holding the role
 * (", "-separated).  *rcpt is malloc'ed, or NULL when the role has no
 * address; then *why (when why is not NULL) is a malloc'ed sentence saying
 * how to configure one.  The caller frees both.
 */
fl_err fl_notify_resolve(struct fl_store *st, const char *target, char **rcpt,
			 char **why);

/* ---- routes, webhooks and settings (the `notify` commands) ------------ */

/*
 * A route: notices whose event matches pattern (exact, "prefix.*" or "*")
 * and whose severity is at least min_severity (NULL: any) go to target on
 * channel: an e-mail address or a role for "mail", a webhook's name for
 * "webhook" (which must exist).  One route per (event, channel, target).
 * *id receives the new route's number.  Audited notify.route.add / .rm.
 */
struct fl_notify_route_in {
	const char *event, *min_severity, *channel, *target;
};
fl_err fl_notify_route_add(struct fl_store *st,
			   const struct fl_notify_route_in *r, long long *id,
			   struct fl_diag *d);
fl_err fl_notify_route_rm(struct fl_store *st, long long id,
			  struct fl_diag *d);
/* Rows: id, event, min_severity, channel, target, created_at. */
fl_err fl_notify_route_list(struct fl_store *st, fl_row_fn fn, void *ctx);

/*
 * A webhook: name (letters, digits, '_', '-', '.'; at most 64), an http://
 * or https:// URL without credentials, and where its HMAC key is read at
 * delivery: secret_ref "env:VARIABLE", "file:/absolute/path" or NULL
 * (unsigned).  The key itself is never stored.  add replaces an existing
 * webhook of that name (*replaced says so); rm refuses while a route
 * names it.  Audited notify.webhook.add / .update / .rm.
 */
fl_err fl_notify_webhook_add(struct fl_store *st, const char *name,
			     const char *url, const char *secret_ref,
			     int *replaced, struct fl_diag *d);
fl_err fl_notify_webhook_rm(struct fl_store *st, const char *name,
			    struct fl_diag *d);
/* Rows: name, url, secret_ref, routes, created_at. */
fl_err fl_notify_webhook_list(struct fl_store *st, fl_row_fn fn, void *ctx);
/* 1 when ref is a valid secret reference (see above). */
int fl_notify_secret_ref_valid(const char *ref);

/*
 * Set (value not NULL) or clear one notify.* setting, validated by key:
 *   notify.smtp.url            smtp://HOST[:PORT] or smtps://..., no
 *                              user or password in it
 *   notify.smtp.from           an address, optionally "Name <address>"
 *   notify.smtp.user           the login name
 *   notify.smtp.starttls       require, try or off
 *   notify.smtp.cafile         CA bundle for a private CA (absolute path)
 *   notify.smtp.password_file  file holding the password (absolute path)
 *   notify.webhook.cafile      CA bundle for https webhooks
 *   notify.timeout             seconds per delivery attempt, 1..600
 *   notify.max_attempts        attempts before giving up, 1..1000
 *   notify.ROLE                the address of a role (iso, itso, ...)
 * *changed is 0 when the value was already so.  Audited setting.set.
 */
fl_err fl_notify_setting_set(struct fl_store *st, const char *key,
			     const char *value, int *changed,
			     struct fl_diag *d);

/* ---- the queue ---------------------------------------------------------- */

/*
 * Rows: id, event, ref, severity, channel, target, rcpt, status, attempts,
 * next_attempt_at, created_at, delivered_at, last_error, subject.  status
 * and ref filter when not NULL.  Oldest first.
 */
fl_err fl_notify_list(struct fl_store *st, const char *status,
		      const char *ref, fl_row_fn fn, void *ctx,
		      struct fl_diag *d);
/* One message: the list's fields plus body, data_json, dedup.
 * FL_E_NOTFOUND (with d) when there is none. */
fl_err fl_notify_show(struct fl_store *st, long long id, fl_row_fn fn,
		      void *ctx, struct fl_diag *d);
/* A message's attempts, oldest first: n, at, ok, outcome, detail. */
fl_err fl_notify_attempts(struct fl_store *st, long long id, fl_row_fn fn,
			  void *ctx, struct fl_diag *d);

/*
 * The ids of the pending messages due at now (next_attempt_at <= now),
 * oldest first, at most max.  *n gets the count.
 */
fl_err fl_notify_due(struct fl_store *st, time_t now, long long *ids,
		     size_t max, size_t *n, struct fl_diag *d);

/* A message loaded for delivery.  Every string is owned (malloc'ed). */
struct fl_outmsg {
	long long id;
	long attempts;       /* made so far */
	char *event, *ref, *severity, *subject, *body, *data;
	char *channel, *target, *token, *created_at;
	char *rcpt;          /* mail: resolved now; NULL when unknown */
	char *url;           /* webhook: NULL when the webhook is gone */
	char *secret_ref;    /* webhook: NULL when unsigned */
	char *why;           /* when rcpt or url is NULL: what to configure */
};
void fl_outmsg_release(struct fl_outmsg *m);
/* Load message id (any status); addresses and the webhook are looked up
 * now.  FL_E_NOTFOUND when there is none. */
fl_err fl_notify_load(struct fl_store *st, long long id, struct fl_outmsg *m,
		      struct fl_diag *d);

/*
 * Take message id for one attempt at now: counts the attempt, records rcpt
 * (the address(es) it goes to, may be NULL), and moves next_attempt_at to
 * when a retry would be due, so a run that dies while sending leaves the
 * message to be tried again, not lost.  *claimed is 0 when the message is
 * no longer pending and due (another run took it).  Audited
 * notify.attempt.  The caller owns the transaction; commit it before
 * sending.
 */
fl_err fl_notify_claim(struct fl_store *st, long long id, time_t now,
		       const char *rcpt, int *claimed, struct fl_diag *d);
/*
 * Record how the claimed attempt went (detail: the server's answer or the
 * error; never a secret).  ok: delivered.  Otherwise pending again with
 * the backoff (core/notify.h), or failed when permanent (the message can
 * never be sent as it is, e.g. a refused header) or once setting
 * notify.max_attempts attempts (default FL_NOTIFY_MAX_ATTEMPTS) were made
 * since the last retry.  *status (may be NULL) gets "delivered", "pending" or "failed";
 * *next (may be NULL, 21 bytes) the next attempt's time when pending.
 * Audited notify.delivered / notify.retry / notify.failed.
 */
fl_err fl_notify_record(struct fl_store *st, long long id, time_t now,
			int ok, int permanent, const char *detail,
			const char **status, char *next, struct fl_diag *d);
/*
 * Make a failed or pending message due at now again; the backoff and the
 * attempt limit start over.  A delivered message is refused (FL_E_INVAL).
 * Audited notify.requeue.
 */
fl_err fl_notify_retry(struct fl_store *st, long long id, time_t now,
		       struct fl_diag *d);

#endif
