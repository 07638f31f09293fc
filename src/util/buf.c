/*
 * buf: a capped growable byte buffer (after curl's dynbuf).  Growth doubles
 * up to the cap given at init; appending past the cap fails with FL_E_LIMIT
 * and leaves the contents as they were, so one bad record cannot exhaust
 * memory.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void
fl_buf_init(struct fl_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : FL_BUF_DEFAULT_MAX;
}

void
fl_buf_release(struct fl_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
fl_buf_reset(struct fl_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static fl_err
buf_reserve(struct fl_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (fl_size_add(b->len, extra, &need) || fl_size_add(need, 1, &need))
		return FL_E_LIMIT;
	if (need > b->max)
		return FL_E_LIMIT;
	if (need <= b->cap)
		return FL_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need) {
		if (fl_size_mul(ncap, 2, &ncap)) {
			ncap = need;
			break;
		}
	}
	if (ncap > b->max)
		ncap = b->max;
	p = realloc(b->data, ncap);
	if (p == NULL)
		return FL_E_NOMEM;
	b->data = p;
	b->cap = ncap;
	return FL_OK;
}

fl_err
fl_buf_reserve(struct fl_buf *b, size_t extra)
{
	return buf_reserve(b, extra);
}

fl_err
fl_buf_append(struct fl_buf *b, const void *p, size_t n)
{
	fl_err rc;

	if ((rc = buf_reserve(b, n)) != FL_OK)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return FL_OK;
}

fl_err
fl_buf_puts(struct fl_buf *b, const char *s)
{
	return fl_buf_append(b, s, strlen(s));
}

fl_err
fl_buf_putc(struct fl_buf *b, char c)
{
	return fl_buf_append(b, &c, 1);
}

fl_err
fl_buf_printf(struct fl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	fl_err rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return FL_E_INTERNAL;
	if ((rc = buf_reserve(b, (size_t)n)) != FL_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return FL_OK;
}

char *
fl_buf_steal(struct fl_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *
fl_buf_str(const struct fl_buf *b)
{
	return b->data ? b->data : "";
}

fl_err
fl_buf_read_file(struct fl_buf *b, const char *path, struct fl_diag *d)
{
	FILE *f;
	char chunk[65536];
	size_t n;
	fl_err rc = FL_OK;

	f = fopen(path, "rb");
	if (f == NULL)
		return fl_diag_set(d, FL_E_NOINPUT, path, 0, 0, "cannot open: %s",
				   strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if ((rc = fl_buf_append(b, chunk, n)) != FL_OK) {
			fl_diag_set(d, rc, path, 0, 0, "%s",
				    rc == FL_E_LIMIT ? "file too large"
						     : fl_err_str(rc));
			break;
		}
	}
	if (rc == FL_OK && ferror(f))
		rc = fl_diag_set(d, FL_E_IO, path, 0, 0, "read error");
	fclose(f);
	if (rc == FL_OK && b->data == NULL)
		rc = fl_buf_append(b, "", 0);
	return rc;
}
