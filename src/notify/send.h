/*
 * notify/send: delivering one outbox message — an e-mail over SMTP or a
 * JSON POST to a webhook, both with libcurl — and the pure pieces behind
 * them (the RFC 5322 message, RFC 2047 subjects, the webhook document and
 * its HMAC-SHA256 signature), which are tested on their own.
 *
 * Nothing here touches the database: cli/ loads a message from the store,
 * hands it here, and records what came back.  Nothing here prints, and no
 * secret (the SMTP password, a webhook key) ever reaches a detail string,
 * a diag or a log: secrets are read with fl_secret_read, borrowed for one
 * call and wiped by fl_secret_free.
 *
 * Refused rather than sent: a header value with a line break (header
 * injection), an address that is not a plain name@domain, a password over
 * a connection that is not TLS.
 */
#ifndef FL_NOTIFY_SEND_H
#define FL_NOTIFY_SEND_H

#include "../util/util.h"

/* ---- pure parts ----------------------------------------------------------- */

/* "Tue, 27 Nov 2026 23:42:00 +0000" (RFC 5322 date, UTC, C locale). */
void fl_mail_date(time_t t, char out[static 32]);

/*
 * Append the Subject header's value for s to out: s itself when it is
 * printable ASCII, else RFC 2047 encoded words (=?UTF-8?B?...?=), each at
 * most 64 bytes, separated by CRLF SP so no line of the field is longer
 * than 76 bytes.  FL_E_INVAL when s has a CR, LF or other control byte.
 */
fl_err fl_mail_encode_subject(const char *s, struct fl_buf *out);

/*
 * The body for transfer: lines end in CRLF; 7bit when every byte is
 * printable ASCII and no line is longer than 998 bytes (*qp = 0), else
 * quoted-printable (*qp = 1) with lines of at most 76 bytes.
 */
fl_err fl_mail_encode_body(const char *body, size_t len, struct fl_buf *out,
			   int *qp);

struct fl_mail {
	const char *from;      /* "Name <a@b>" or "a@b" */
	const char *to;        /* addresses separated by ", " */
	const char *subject;
	const char *body;      /* plain text, UTF-8 */
	const char *msgid;     /* without angle brackets: "fl.12.ab@b" */
	const char *event, *ref, *severity; /* X-Firstline-*; may be NULL */
	time_t date;
};

/*
 * The whole RFC 5322 message (headers, blank line, encoded body, CRLF line
 * ends) into out.  FL_E_INVAL with the reason in d when a header value
 * holds a line break or control byte, or an address is not plain.
 */
fl_err fl_mail_format(const struct fl_mail *m, struct fl_buf *out,
		      struct fl_diag *d);

/* The address inside "Name <a@b>" or "a@b" into out; -1 when none. */
int fl_mail_addr(const char *from, char *out, size_t outsz);

/* Lowercase hex HMAC-SHA256 of msg under key (any length). */
void fl_hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
			size_t len, char out[static 65]);

struct fl_webhook_doc {
	const char *event, *ref, *severity, *subject, *text;
	const char *data;  /* JSON object text, or NULL */
	const char *id;    /* stable across retries */
	time_t sent_at;
};
/*
 * The webhook's JSON document, compact, fields in this order: event, ref,
 * severity, subject, text, data, id, sent_at.  *out is malloc'ed.
 */
fl_err fl_webhook_body(const struct fl_webhook_doc *w, char **out,
		       size_t *len, struct fl_diag *d);

/* ---- secrets -------------------------------------------------------------- */

/*
 * Read a secret named by ref: "env:VARIABLE" or "file:/path" (at most
 * 4 KiB; one final newline is dropped).  *out is malloc'ed: give it back
 * with fl_secret_free, which wipes it.  An empty secret is an error; the
 * diag names the reference, never the value.
 */
fl_err fl_secret_read(const char *ref, char **out, size_t *len,
		      struct fl_diag *d);
void fl_secret_free(char *p, size_t len);

/* ---- delivery ------------------------------------------------------------- */

enum fl_starttls { FL_STARTTLS_REQUIRE, FL_STARTTLS_TRY, FL_STARTTLS_OFF };

struct fl_smtp_conf {
	const char *url;      /* smtp://host:port or smtps://host:port */
	const char *from;     /* the From header; its address is the sender */
	const char *user;     /* NULL: no authentication */
	const char *password; /* borrowed secret, or NULL */
	const char *cafile;   /* NULL: the system's CAs */
	enum fl_starttls starttls;
	long timeout;         /* seconds */
};

/* Once per process before sending, and once after. */
fl_err fl_send_global_init(void);
void fl_send_global_cleanup(void);

/*
 * Send the formatted message msg (len bytes) to the addresses of m->to.
 * FL_OK: the server accepted it; detail says so ("250 ...").  FL_E_IO:
 * not delivered, detail says why (worth a retry).  FL_E_INVAL: refused
 * before connecting (configuration), detail says why.
 */
fl_err fl_mail_send(const struct fl_smtp_conf *c, const struct fl_mail *m,
		    const char *msg, size_t len, char *detail,
		    size_t detailsz);

struct fl_webhook_conf {
	const char *url;
	const char *secret;   /* borrowed, or NULL: unsigned */
	size_t secretlen;
	const char *cafile;   /* NULL: the system's CAs */
	long timeout;
};

/*
 * POST body (len bytes) with Content-Type: application/json, and with a
 * secret the headers X-Firstline-Timestamp (Unix seconds of ts) and
 * X-Firstline-Signature: sha256=HEX (HMAC-SHA256 of exactly the body).
 * Redirects are not followed.  FL_OK for a 2xx answer; FL_E_IO otherwise,
 * detail says why.
 */
fl_err fl_webhook_post(const struct fl_webhook_conf *c, const char *event,
		       const char *id, const char *body, size_t len, time_t ts,
		       char *detail, size_t detailsz);

#endif
