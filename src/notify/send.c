/*
 * notify/send: SMTP and webhook delivery with libcurl, and the message
 * formats they carry (see send.h).
 *
 * Why libcurl for SMTP: it speaks STARTTLS, SMTPS, AUTH (PLAIN, LOGIN,
 * CRAM-MD5...) and dot-stuffing correctly, with certificate checks on by
 * default; what is ours is the message itself, which we build strictly:
 * every header value is checked for line breaks so nothing a producer
 * writes into a subject can add a header or a recipient.
 *
 * This file refuses to: follow webhook redirects (a signed body must go
 * where it was configured to), send a password without TLS, or put a
 * secret into anything it returns.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "send.h"

#define SECRET_MAX 4096
#define ANSWER_MAX 200

/* ---- dates and addresses ---------------------------------------------------- */

void
fl_mail_date(time_t t, char out[static 32])
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu",
				       "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May",
					 "Jun", "Jul", "Aug", "Sep", "Oct",
					 "Nov", "Dec"};
	struct tm tm;

	/* by hand: strftime's %a and %b follow the locale */
	gmtime_r(&t, &tm);
	snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d +0000",
		 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A plain addr-spec: printable ASCII, one '@', no specials. */
static int
plain_addr(const char *a, size_t n)
{
	size_t i, at = 0, ats = 0;

	if (n < 3 || n > 254)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return 0;
		if (c == '@') {
			at = i;
			ats++;
		}
	}
	return ats == 1 && at > 0 && at + 1 < n && a[at + 1] != '.' &&
	       a[n - 1] != '.';
}

int
fl_mail_addr(const char *from, char *out, size_t outsz)
{
	const char *lt, *gt;
	size_t n;

	if (from == NULL)
		return -1;
	if ((lt = strrchr(from, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0')
			return -1;
		lt++;
		n = (size_t)(gt - lt);
	} else {
		lt = from;
		n = strlen(from);
	}
	if (n >= outsz || !plain_addr(lt, n))
		return -1;
	memcpy(out, lt, n);
	out[n] = '\0';
	return 0;
}

/* No CR, LF or other control byte but TAB. */
static int
header_safe(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

/* ---- RFC 2047 subjects --------------------------------------------------- */

/* bytes of each encoded word: 39 bytes -> 52 base64 characters, so a word
 * is 64 bytes and "Subject: " plus one stays within 76 */
#define WORD_BYTES 39

fl_err
fl_mail_encode_subject(const char *s, struct fl_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, k;
	int plain = 1;
	fl_err rc;

	if (!header_safe(s))
		return FL_E_INVAL;
	for (i = 0; i < n; i++)
		if (p[i] >= 0x80)
			plain = 0;
	/* "=?" in plain text would be read as the start of an encoded word */
	if (plain && strstr(s, "=?") == NULL)
		return fl_buf_append(out, s, n);
	for (i = 0; i < n; i = k) {
		char b64[sodium_base64_ENCODED_LEN(WORD_BYTES,
						   sodium_base64_VARIANT_ORIGINAL)];

		k = i + WORD_BYTES < n ? i + WORD_BYTES : n;
		/* never split a UTF-8 sequence between two words */
		while (k < n && k > i + 1 && (p[k] & 0xC0) == 0x80)
			k--;
		sodium_bin2base64(b64, sizeof b64, p + i, k - i,
				  sodium_base64_VARIANT_ORIGINAL);
		if ((i > 0 && (rc = fl_buf_puts(out, "\r\n ")) != FL_OK) ||
		    (rc = fl_buf_printf(out, "=?UTF-8?B?%s?=", b64)) != FL_OK)
			return rc;
	}
	return FL_OK;
}

/* ---- bodies ------------------------------------------------------------------ */

static int
needs_qp(const char *body, size_t len)
{
	size_t i, line = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '\n') {
			line = 0;
			continue;
		}
		if (c == '\r' && i + 1 < len && body[i + 1] == '\n')
			continue;
		if ((c < 0x20 && c != '\t') || c >= 0x7f || ++line > 998)
			return 1;
	}
	return 0;
}

fl_err
fl_mail_encode_body(const char *body, size_t len, struct fl_buf *out, int *qp)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0;
	fl_err rc = FL_OK;

	*qp = needs_qp(body, len);
	for (i = 0; i < len && rc == FL_OK; i++) {
		unsigned char c = (unsigned char)body[i];
		char tok[4];
		size_t tn;
		int eol_next;

		if (c == '\r' && i + 1 < len && body[i + 1] == '\n')
			continue;
		if (c == '\n') {
			rc = fl_buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		if (!*qp) {
			rc = fl_buf_putc(out, (char)c);
			continue;
		}
		eol_next = i + 1 == len || body[i + 1] == '\n' ||
			   (body[i + 1] == '\r' && i + 2 < len &&
			    body[i + 2] == '\n');
		/* a space or tab before a line end would be lost in transit */
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !eol_next)) {
			tok[0] = (char)c;
			tn = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			tn = 3;
		}
		/* soft break: an encoded line is at most 76 bytes with its '=' */
		if (col + tn > 75) {
			rc = fl_buf_puts(out, "=\r\n");
			col = 0;
		}
		if (rc == FL_OK)
			rc = fl_buf_append(out, tok, tn);
		col += tn;
	}
	if (rc == FL_OK && (out->len < 2 || out->data[out->len - 1] != '\n'))
		rc = fl_buf_puts(out, "\r\n");
	return rc;
}

/* ---- the message ------------------------------------------------------------- */

/* Every address of a ", "-list is plain. */
static int
addr_list_valid(const char *to)
{
	const char *p = to, *e;

	if (to == NULL || *to == '\0')
		return 0;
	for (;;) {
		e = strchr(p, ',');
		if (!plain_addr(p, e ? (size_t)(e - p) : strlen(p)))
			return 0;
		if (e == NULL)
			return 1;
		p = e + 1;
		while (*p == ' ')
			p++;
	}
}

static fl_err
header(struct fl_buf *b, const char *name, const char *value,
       struct fl_diag *d)
{
	if (value == NULL)
		return FL_OK;
	if (!header_safe(value))
		return fl_diag_msg(d, FL_E_INVAL, "refused: the %s header holds "
				   "a line break or control character", name);
	if (fl_buf_puts(b, name) || fl_buf_puts(b, ": ") ||
	    fl_buf_puts(b, value) || fl_buf_puts(b, "\r\n"))
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	return FL_OK;
}

fl_err
fl_mail_format(const struct fl_mail *m, struct fl_buf *out, struct fl_diag *d)
{
	char date[32], addr[256];
	int qp = 0;
	fl_err rc;

	if (m->from == NULL || !header_safe(m->from) ||
	    fl_mail_addr(m->from, addr, sizeof addr) != 0)
		return fl_diag_msg(d, FL_E_INVAL, "refused: the sender is not "
				   "name@domain or \"Name <name@domain>\"");
	if (m->to == NULL || !addr_list_valid(m->to))
		return fl_diag_msg(d, FL_E_INVAL, "refused: a recipient is not a "
				   "plain name@domain");
	if (m->subject == NULL || m->msgid == NULL || m->body == NULL)
		return fl_diag_msg(d, FL_E_INTERNAL, "incomplete message");
	fl_mail_date(m->date, date);
	if ((rc = header(out, "Date", date, d)) != FL_OK ||
	    (rc = header(out, "From", m->from, d)) != FL_OK ||
	    (rc = header(out, "To", m->to, d)) != FL_OK)
		return rc;
	if (!header_safe(m->subject))
		return fl_diag_msg(d, FL_E_INVAL, "refused: the Subject header "
				   "holds a line break or control character");
	if (fl_buf_puts(out, "Subject: ") ||
	    fl_mail_encode_subject(m->subject, out) ||
	    fl_buf_puts(out, "\r\n"))
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	if (!header_safe(m->msgid) || strchr(m->msgid, '<') ||
	    strchr(m->msgid, '>') || strchr(m->msgid, ' '))
		return fl_diag_msg(d, FL_E_INVAL, "refused: bad Message-ID");
	if (fl_buf_printf(out, "Message-ID: <%s>\r\n", m->msgid))
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	if ((rc = header(out, "MIME-Version", "1.0", d)) != FL_OK ||
	    (rc = header(out, "Content-Type", "text/plain; charset=utf-8",
			 d)) != FL_OK ||
	    (rc = header(out, "Auto-Submitted", "auto-generated", d)) != FL_OK ||
	    (rc = header(out, "X-Firstline-Event", m->event, d)) != FL_OK ||
	    (rc = header(out, "X-Firstline-Ref", m->ref, d)) != FL_OK ||
	    (rc = header(out, "X-Firstline-Severity", m->severity, d)) != FL_OK)
		return rc;
	{
		struct fl_buf body;

		fl_buf_init(&body, 0);
		rc = fl_mail_encode_body(m->body, strlen(m->body), &body, &qp);
		if (rc == FL_OK)
			rc = header(out, "Content-Transfer-Encoding",
				    qp ? "quoted-printable" : "7bit", d);
		if (rc == FL_OK &&
		    (fl_buf_puts(out, "\r\n") ||
		     fl_buf_append(out, body.data ? body.data : "", body.len)))
			rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		fl_buf_release(&body);
	}
	return rc;
}

/* ---- webhook document and signature --------------------------------------------- */

void
fl_hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
		   size_t len, char out[static 65])
{
	crypto_auth_hmacsha256_state s;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&s, key, keylen);
	crypto_auth_hmacsha256_update(&s, msg, len);
	crypto_auth_hmacsha256_final(&s, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
	sodium_memzero(&s, sizeof s);
}

static int
put_str(json_t *o, const char *k, const char *v)
{
	json_t *s = v ? json_string(v) : json_null();

	/* json_string refuses invalid UTF-8: send what we can, not nothing */
	if (s == NULL && v != NULL)
		s = json_stringn_nocheck(v, strlen(v));
	return s == NULL || json_object_set_new(o, k, s) != 0 ? -1 : 0;
}

fl_err
fl_webhook_body(const struct fl_webhook_doc *w, char **out, size_t *len,
		struct fl_diag *d)
{
	json_t *o = json_object(), *data = NULL;
	char ts[21];
	int bad;

	*out = NULL;
	*len = 0;
	if (o == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	if (w->data != NULL) {
		json_error_t je;

		data = json_loads(w->data, 0, &je);
		if (data == NULL || !json_is_object(data)) {
			json_decref(data);
			json_decref(o);
			return fl_diag_msg(d, FL_E_INVAL, "the message's data is "
					   "not a JSON object");
		}
	}
	fl_time_iso(w->sent_at, ts);
	bad = put_str(o, "event", w->event) || put_str(o, "ref", w->ref) ||
	      put_str(o, "severity", w->severity) ||
	      put_str(o, "subject", w->subject) || put_str(o, "text", w->text);
	if (!bad)
		bad = json_object_set_new(o, "data", data ? data : json_null());
	else
		json_decref(data);
	if (!bad)
		bad = put_str(o, "id", w->id) || put_str(o, "sent_at", ts);
	if (!bad)
		*out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (*out == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	*len = strlen(*out);
	return FL_OK;
}

/* ---- secrets ----------------------------------------------------------------- */

void
fl_secret_free(char *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

fl_err
fl_secret_read(const char *ref, char **out, size_t *len, struct fl_diag *d)
{
	const char *v;
	size_t n;
	FILE *f;

	*out = NULL;
	*len = 0;
	if (ref == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "no secret reference");
	if (strncmp(ref, "env:", 4) == 0) {
		if ((v = getenv(ref + 4)) == NULL || *v == '\0')
			return fl_diag_msg(d, FL_E_INVAL, "the secret is not "
					   "set: environment variable %.64s is "
					   "empty", ref + 4);
		n = strlen(v);
		if (n > SECRET_MAX)
			return fl_diag_msg(d, FL_E_LIMIT, "the secret in %.64s is "
					   "longer than %d bytes", ref + 4,
					   SECRET_MAX);
		if ((*out = malloc(n + 1)) == NULL)
			return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		memcpy(*out, v, n + 1);
		*len = n;
		return FL_OK;
	}
	if (strncmp(ref, "file:", 5) != 0)
		return fl_diag_msg(d, FL_E_INVAL, "bad secret reference: "
				   "env:VARIABLE or file:/path");
	if ((f = fopen(ref + 5, "rb")) == NULL)
		return fl_diag_msg(d, FL_E_NOINPUT, "cannot read the secret file "
				   "%.200s", ref + 5);
	if ((*out = malloc(SECRET_MAX + 2)) == NULL) {
		fclose(f);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	n = fread(*out, 1, SECRET_MAX + 1, f);
	fclose(f);
	if (n > SECRET_MAX) {
		fl_secret_free(*out, SECRET_MAX + 2);
		*out = NULL;
		return fl_diag_msg(d, FL_E_LIMIT, "the secret file %.200s is "
				   "longer than %d bytes", ref + 5, SECRET_MAX);
	}
	/* editors end files with a newline; it is not part of the secret */
	if (n > 0 && (*out)[n - 1] == '\n')
		n--;
	if (n > 0 && (*out)[n - 1] == '\r')
		n--;
	(*out)[n] = '\0';
	if (n == 0 || memchr(*out, '\0', n) != NULL) {
		fl_secret_free(*out, SECRET_MAX + 2);
		*out = NULL;
		return fl_diag_msg(d, FL_E_INVAL, "the secret file %.200s is "
				   "empty or holds a NUL byte", ref + 5);
	}
	/* fl_secret_free wipes len bytes: all of the secret (what follows
	 * it is the dropped newline, now a NUL, or was never written) */
	*len = n;
	return FL_OK;
}

/* ---- libcurl ----------------------------------------------------------------- */

fl_err
fl_send_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? FL_OK
								  : FL_E_INTERNAL;
}

void
fl_send_global_cleanup(void)
{
	curl_global_cleanup();
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
	struct upload *u = ctx;
	size_t n = size * nitems;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* The start of what a webhook answered, printable, for the detail. */
struct answer {
	char text[ANSWER_MAX + 1];
	size_t n;
};

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb, i;

	for (i = 0; i < n && a->n < ANSWER_MAX; i++) {
		unsigned char c = (unsigned char)p[i];

		a->text[a->n++] = (c < 0x20 || c >= 0x7f) ? ' ' : (char)c;
	}
	a->text[a->n] = '\0';
	return n;
}

static void
common_opts(CURL *h, const char *protocols, const char *cafile, long timeout,
	    char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
			 strncmp(protocols, "smtp", 4) == 0
				 ? (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS)
				 : (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cafile)
		curl_easy_setopt(h, CURLOPT_CAINFO, cafile);
}

static void
curl_detail(char *detail, size_t detailsz, CURLcode cc, const char *errbuf)
{
	snprintf(detail, detailsz, "%s", errbuf[0] ? errbuf
						    : curl_easy_strerror(cc));
}

fl_err
fl_mail_send(const struct fl_smtp_conf *c, const struct fl_mail *m,
	     const char *msg, size_t len, char *detail, size_t detailsz)
{
	char errbuf[CURL_ERROR_SIZE] = "", addr[264], env[270];
	struct curl_slist *rcpt = NULL, *tmp;
	struct upload u = {msg, len};
	const char *p, *e;
	CURLcode cc;
	long code = 0;
	CURL *h;
	fl_err rc = FL_E_INTERNAL;

	detail[0] = '\0';
	if (c->url == NULL || (strncmp(c->url, "smtp://", 7) != 0 &&
			       strncmp(c->url, "smtps://", 8) != 0)) {
		snprintf(detail, detailsz, "no SMTP server: set one with "
			 "'firstline notify smtp --url smtp://HOST:PORT'");
		return FL_E_INVAL;
	}
	if (fl_mail_addr(c->from, addr, sizeof addr) != 0) {
		snprintf(detail, detailsz, "no valid sender: set one with "
			 "'firstline notify smtp --from ADDRESS'");
		return FL_E_INVAL;
	}
	if (c->password && strncmp(c->url, "smtps://", 8) != 0 &&
	    c->starttls != FL_STARTTLS_REQUIRE) {
		snprintf(detail, detailsz, "refusing to send the SMTP password "
			 "without TLS: use smtps:// or notify.smtp.starttls "
			 "require");
		return FL_E_INVAL;
	}
	if ((h = curl_easy_init()) == NULL) {
		snprintf(detail, detailsz, "cannot start libcurl");
		return FL_E_NOMEM;
	}
	snprintf(env, sizeof env, "<%s>", addr);
	for (p = m->to; p && *p; p = e ? e + 1 : NULL) {
		char one[264];
		size_t n;

		while (*p == ' ')
			p++;
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n + 3 > sizeof one || !plain_addr(p, n)) {
			snprintf(detail, detailsz, "refused: bad recipient");
			rc = FL_E_INVAL;
			goto out;
		}
		one[0] = '<';
		memcpy(one + 1, p, n);
		one[n + 1] = '>';
		one[n + 2] = '\0';
		if ((tmp = curl_slist_append(rcpt, one)) == NULL) {
			rc = FL_E_NOMEM;
			goto out;
		}
		rcpt = tmp;
	}
	common_opts(h, "smtp,smtps", c->cafile, c->timeout, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, env);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 c->starttls == FL_STARTTLS_REQUIRE ? (long)CURLUSESSL_ALL
			 : c->starttls == FL_STARTTLS_TRY   ? (long)CURLUSESSL_TRY
							    : (long)CURLUSESSL_NONE);
	if (c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		if (c->password)
			curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK) {
		snprintf(detail, detailsz, "%ld accepted by %s for %s", code,
			 c->url, m->to);
		rc = FL_OK;
	} else {
		curl_detail(detail, detailsz, cc, errbuf);
		rc = FL_E_IO;
	}
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc;
}

fl_err
fl_webhook_post(const struct fl_webhook_conf *c, const char *event,
		const char *id, const char *body, size_t len, time_t ts,
		char *detail, size_t detailsz)
{
	char errbuf[CURL_ERROR_SIZE] = "", line[256], hex[65];
	struct curl_slist *hdr = NULL, *tmp;
	struct answer a;
	CURLcode cc;
	long code = 0;
	CURL *h;
	fl_err rc = FL_E_NOMEM;
	int i;

	detail[0] = '\0';
	memset(&a, 0, sizeof a);
	if ((h = curl_easy_init()) == NULL) {
		snprintf(detail, detailsz, "cannot start libcurl");
		return FL_E_NOMEM;
	}
	for (i = 0; i < 7; i++) {
		line[0] = '\0';
		switch (i) {
		case 0:
			fl_strlcpy(line, "Content-Type: application/json",
				   sizeof line);
			break;
		case 1:
			/* no "100-continue" round trip: the body is small */
			fl_strlcpy(line, "Expect:", sizeof line);
			break;
		case 2:
			snprintf(line, sizeof line, "User-Agent: firstline/%s",
				 FL_VERSION);
			break;
		case 3:
			if (event && header_safe(event))
				snprintf(line, sizeof line,
					 "X-Firstline-Event: %.200s", event);
			break;
		case 4:
			if (id && header_safe(id))
				snprintf(line, sizeof line,
					 "X-Firstline-Delivery: %.200s", id);
			break;
		case 5:
			if (c->secret)
				snprintf(line, sizeof line,
					 "X-Firstline-Timestamp: %lld",
					 (long long)ts);
			break;
		case 6:
			if (c->secret) {
				fl_hmac_sha256_hex(c->secret, c->secretlen, body,
						   len, hex);
				snprintf(line, sizeof line,
					 "X-Firstline-Signature: sha256=%s", hex);
			}
			break;
		}
		if (line[0] == '\0')
			continue;
		if ((tmp = curl_slist_append(hdr, line)) == NULL)
			goto out;
		hdr = tmp;
	}
	common_opts(h, "http,https", c->cafile, c->timeout, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK) {
		curl_detail(detail, detailsz, cc, errbuf);
		rc = FL_E_IO;
	} else if (code >= 200 && code < 300) {
		snprintf(detail, detailsz, "HTTP %ld from %s", code, c->url);
		rc = FL_OK;
	} else {
		snprintf(detail, detailsz, "HTTP %ld from %s%s%s", code, c->url,
			 a.n ? ": " : "", a.text);
		rc = FL_E_IO;
	}
out:
	sodium_memzero(hex, sizeof hex);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (rc == FL_E_NOMEM && detail[0] == '\0')
		snprintf(detail, detailsz, "out of memory");
	return rc;
}
