/*
 * Opening a report, telling its format from its content, and handing it to
 * the right reader.  The file name is only a tie-breaker: two formats that
 * look alike (a Nessus CSV and a Qualys CSV) are told apart by their header
 * line, never by the extension; --format overrides the guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"

const struct fl_scan_format *const fl_scan_formats[] = {
	&fl_fmt_nessus, &fl_fmt_tenable_was_xml, &fl_fmt_tenable_csv,
	&fl_fmt_openvas_xml, &fl_fmt_openvas_csv,
	&fl_fmt_qualys_xml, &fl_fmt_qualys_csv, &fl_fmt_nmap,
	&fl_fmt_trivy, &fl_fmt_grype, &fl_fmt_sarif, &fl_fmt_nuclei,
	&fl_fmt_zap, &fl_fmt_burp,
	NULL
};

const struct fl_scan_format *
fl_scan_format_find(const char *name)
{
	size_t i;

	for (i = 0; fl_scan_formats[i] != NULL; i++)
		if (strcmp(fl_scan_formats[i]->name, name) == 0)
			return fl_scan_formats[i];
	return NULL;
}

fl_err
fl_scan_src_open(struct fl_scan_src *s, const char *path, struct fl_diag *d)
{
	ssize_t r;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->max_bytes = (size_t)1 << 30;
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return fl_diag_set(d, errno == ENOENT ? FL_E_NOINPUT : FL_E_IO,
				   path, 0, 0, "cannot open: %s", strerror(errno));
	while (s->nhead < sizeof(s->head)) {
		r = read(s->fd, s->head + s->nhead, sizeof(s->head) - s->nhead);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fl_diag_set(d, FL_E_IO, path, 0, 0, "cannot read: %s",
				    strerror(errno));
			close(s->fd);
			s->fd = -1;
			return FL_E_IO;
		}
		if (r == 0) {
			s->eof = 1;
			break;
		}
		s->nhead += (size_t)r;
	}
	return FL_OK;
}

void
fl_scan_src_mem(struct fl_scan_src *s, const char *name, const char *data,
		size_t len)
{
	memset(s, 0, sizeof(*s));
	s->path = name;
	s->fd = -1;
	s->max_bytes = (size_t)1 << 30;
	s->nhead = len < sizeof(s->head) ? len : sizeof(s->head);
	memcpy(s->head, data, s->nhead);
	s->mem = data;
	s->mem_len = len;
	s->mem_off = s->nhead;
	s->eof = s->mem_off == len;
}

void
fl_scan_src_close(struct fl_scan_src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

fl_err
fl_scan_src_read(struct fl_scan_src *s, char *buf, size_t n, size_t *got,
		 struct fl_diag *d)
{
	ssize_t r;

	*got = 0;
	if (s->head_off < s->nhead) {
		size_t k = s->nhead - s->head_off;

		if (k > n)
			k = n;
		memcpy(buf, s->head + s->head_off, k);
		s->head_off += k;
		*got = k;
		goto seen;
	}
	if (s->eof)
		return FL_OK;
	if (s->mem != NULL) {
		size_t k = s->mem_len - s->mem_off;

		if (k > n)
			k = n;
		memcpy(buf, s->mem + s->mem_off, k);
		s->mem_off += k;
		s->eof = k == 0;
		*got = k;
		goto seen;
	}
	for (;;) {
		r = read(s->fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fl_diag_set(d, FL_E_IO, s->path, 0, 0,
					   "cannot read: %s", strerror(errno));
		break;
	}
	if (r == 0)
		s->eof = 1;
	*got = (size_t)r;
seen:
	s->bytes_read += *got;
	if (s->on_bytes != NULL && *got > 0)
		s->on_bytes(s->on_bytes_ctx, buf, *got);
	return FL_OK;
}

fl_err
fl_scan_src_slurp(struct fl_scan_src *s, char **out, size_t *len,
		  struct fl_diag *d)
{
	struct fl_buf b;
	char chunk[65536];
	size_t got;
	fl_err rc;

	fl_buf_init(&b, s->max_bytes);
	for (;;) {
		if ((rc = fl_scan_src_read(s, chunk, sizeof(chunk), &got, d)) != FL_OK)
			goto fail;
		if (got == 0)
			break;
		if ((rc = fl_buf_append(&b, chunk, got)) != FL_OK) {
			if (rc == FL_E_LIMIT)
				fl_diag_set(d, rc, s->path, 0, 0,
					    "larger than %zu bytes", s->max_bytes);
			goto fail;
		}
	}
	if ((rc = fl_buf_putc(&b, '\0')) != FL_OK)
		goto fail;
	*len = b.len - 1;
	*out = fl_buf_steal(&b);
	return FL_OK;
fail:
	fl_buf_release(&b);
	return rc;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static int
ends_with_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

fl_err
fl_scan_detect(struct fl_scan_src *src, const struct fl_scan_format **out,
	       struct fl_diag *d)
{
	int best = 0, score;
	size_t i;

	*out = NULL;
	if (src->eof && blank(src->head, src->nhead)) {
		if (ends_with_ci(src->path, ".xml") ||
		    ends_with_ci(src->path, ".nessus"))
			return fl_diag_set(d, FL_E_SYNTAX, src->path, 1, 1,
					   "empty XML document (no element found)");
		return FL_OK; /* an empty report: no findings */
	}
	for (i = 0; fl_scan_formats[i] != NULL; i++) {
		score = fl_scan_formats[i]->sniff(src->head, src->nhead, src->path);
		if (score > best) {
			best = score;
			*out = fl_scan_formats[i];
		}
	}
	if (*out == NULL)
		return fl_diag_set(d, FL_E_SYNTAX, src->path, 1, 1,
				   "not a scanner report firstline reads "
				   "(see `firstline vuln formats`)");
	return FL_OK;
}

fl_err
fl_scan_read_file(const char *path, const char *forced,
		  const struct fl_scan_sink *sink,
		  const struct fl_scan_format **used, struct fl_diag *d)
{
	struct fl_scan_src src;
	fl_err rc;

	*used = NULL;
	if (forced != NULL && fl_scan_format_find(forced) == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "unknown format '%s' "
				   "(see `firstline vuln formats`)", forced);
	if ((rc = fl_scan_src_open(&src, path, d)) != FL_OK)
		return rc;
	rc = fl_scan_read_src(&src, forced, sink, used, d);
	fl_scan_src_close(&src);
	return rc;
}

fl_err
fl_scan_read_src(struct fl_scan_src *src, const char *forced,
		 const struct fl_scan_sink *sink,
		 const struct fl_scan_format **used, struct fl_diag *d)
{
	const struct fl_scan_format *fmt = NULL;
	fl_err rc;

	*used = NULL;
	if (forced != NULL && (fmt = fl_scan_format_find(forced)) == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "unknown format '%s' "
				   "(see `firstline vuln formats`)", forced);
	if (fmt == NULL &&
	    ((rc = fl_scan_detect(src, &fmt, d)) != FL_OK || fmt == NULL))
		return rc;
	*used = fmt;
	return fmt->read(src, sink, d);
}
