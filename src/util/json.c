/*
 * json: a small streaming JSON writer.  Every string goes through
 * fl_json_escape, which escapes control characters, quotes and backslashes,
 * and replaces invalid UTF-8 with U+FFFD: whatever bytes a scanner report or
 * a user put into the database, the output parses.  Allocation failures
 * inside the writer are sticky in the buffer (it stops growing) and are
 * caught by the caller's final length check; listings are small.
 */
#include "util.h"

#include <math.h>
#include <string.h>

static size_t
utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

fl_err
fl_json_escape(struct fl_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run;
	fl_err rc = fl_buf_putc(b, '"');

	while (rc == FL_OK && i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			run = i;
			while (run < n && p[run] >= 0x20 && p[run] < 0x80 &&
			       p[run] != '"' && p[run] != '\\')
				run++;
			rc = fl_buf_append(b, p + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"': rc = fl_buf_puts(b, "\\\""); i++; continue;
		case '\\': rc = fl_buf_puts(b, "\\\\"); i++; continue;
		case '\n': rc = fl_buf_puts(b, "\\n"); i++; continue;
		case '\r': rc = fl_buf_puts(b, "\\r"); i++; continue;
		case '\t': rc = fl_buf_puts(b, "\\t"); i++; continue;
		default: break;
		}
		if (c < 0x20) {
			rc = fl_buf_printf(b, "\\u%04x", c);
			i++;
			continue;
		}
		run = utf8_valid_len(p + i, n - i);
		if (run == 0) {
			rc = fl_buf_puts(b, "\xEF\xBF\xBD");
			i++;
		} else {
			rc = fl_buf_append(b, p + i, run);
			i += run;
		}
	}
	if (rc == FL_OK)
		rc = fl_buf_putc(b, '"');
	return rc;
}

void
fl_json_init(struct fl_json *j, struct fl_buf *out, int pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
}

static void
json_indent(struct fl_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fl_buf_putc(j->out, '\n');
	for (i = 0; i < j->depth; i++)
		fl_buf_puts(j->out, "  ");
}

static void
json_pre_value(struct fl_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->depth < 64) {
		if (j->need_comma[j->depth])
			fl_buf_putc(j->out, ',');
		j->need_comma[j->depth] = 1;
		json_indent(j);
	}
}

static void
json_open(struct fl_json *j, char c)
{
	json_pre_value(j);
	fl_buf_putc(j->out, c);
	if (j->depth < 63)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

static void
json_close(struct fl_json *j, char c)
{
	int had = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		json_indent(j);
	fl_buf_putc(j->out, c);
}

void fl_json_obj_open(struct fl_json *j) { json_open(j, '{'); }
void fl_json_obj_close(struct fl_json *j) { json_close(j, '}'); }
void fl_json_arr_open(struct fl_json *j) { json_open(j, '['); }
void fl_json_arr_close(struct fl_json *j) { json_close(j, ']'); }

void
fl_json_key(struct fl_json *j, const char *k)
{
	json_pre_value(j);
	fl_json_escape(j->out, k, strlen(k));
	fl_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = 1;
}

void
fl_json_keyn(struct fl_json *j, const char *k, size_t n)
{
	json_pre_value(j);
	fl_json_escape(j->out, k, n);
	fl_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = 1;
}

void
fl_json_strn(struct fl_json *j, const char *s, size_t n)
{
	json_pre_value(j);
	fl_json_escape(j->out, s, n);
}

void
fl_json_str(struct fl_json *j, const char *s)
{
	if (s == NULL) {
		fl_json_null(j);
		return;
	}
	fl_json_strn(j, s, strlen(s));
}

void
fl_json_int(struct fl_json *j, long long v)
{
	json_pre_value(j);
	fl_buf_printf(j->out, "%lld", v);
}

void
fl_json_num(struct fl_json *j, double v)
{
	json_pre_value(j);
	if (!isfinite(v))
		fl_buf_puts(j->out, "null");
	else {
		/* the shortest of %.15g and %.17g that reads back as v, so
		 * 7.1 prints as 7.1 and not 7.0999999999999996 */
		char tmp[40];

		snprintf(tmp, sizeof(tmp), "%.15g", v);
		if (strtod(tmp, NULL) != v)
			snprintf(tmp, sizeof(tmp), "%.17g", v);
		fl_buf_puts(j->out, tmp);
	}
}

void
fl_json_bool(struct fl_json *j, int v)
{
	json_pre_value(j);
	fl_buf_puts(j->out, v ? "true" : "false");
}

void
fl_json_null(struct fl_json *j)
{
	json_pre_value(j);
	fl_buf_puts(j->out, "null");
}
