/*
 * csv: an RFC 4180 reader for spreadsheet exports (asset inventories,
 * control catalogues, HR rosters, scanner CSVs).
 *
 * It accepts what spreadsheets really write: a UTF-8 BOM, CRLF or LF line
 * ends, quoted fields with "" escapes and embedded line breaks, ',' ';' or
 * tab as the delimiter.  It refuses what is ambiguous: a quote inside an
 * unquoted field, text after a closing quote, a quoted field that never
 * closes, and NUL bytes — each with the line and column where it happened.
 * Every field is copied into one reusable buffer per record, so memory is
 * bounded by the longest record, never by the file.
 */
#include "ingest.h"

#define CSV_DEF_FIELDS 512
#define CSV_DEF_FIELD_LEN ((size_t)1 << 20)
#define CSV_DEF_RECORDS 10000000

struct csv_rec {
	struct fl_buf text;   /* field bytes, each NUL-terminated */
	size_t *offs, *lens;  /* per field, into text */
	const char **ptrs;
	size_t n, cap;
};

static fl_err
rec_add_field(struct csv_rec *r, size_t start, size_t max_fields)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		size_t *o, *l;
		const char **p;
		if (ncap > max_fields + 1)
			ncap = max_fields + 1;
		if (ncap <= r->n)
			return FL_E_LIMIT;
		o = realloc(r->offs, ncap * sizeof *o);
		if (o == NULL)
			return FL_E_NOMEM;
		r->offs = o;
		l = realloc(r->lens, ncap * sizeof *l);
		if (l == NULL)
			return FL_E_NOMEM;
		r->lens = l;
		p = realloc(r->ptrs, ncap * sizeof *p);
		if (p == NULL)
			return FL_E_NOMEM;
		r->ptrs = p;
		r->cap = ncap;
	}
	r->offs[r->n] = start;
	r->lens[r->n] = r->text.len - start;
	r->n++;
	return fl_buf_putc(&r->text, '\0');
}

static char
detect_delim(const char *p, size_t len)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int inq = 0;

	for (i = 0; i < len && p[i] != '\n'; i++) {
		if (p[i] == '"')
			inq = !inq;
		else if (!inq && p[i] == ',')
			comma++;
		else if (!inq && p[i] == ';')
			semi++;
		else if (!inq && p[i] == '\t')
			tab++;
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

fl_err
fl_csv_parse(const char *data, size_t len, const char *filename, char delim,
	     const struct fl_csv_limits *lim, fl_csv_fn fn, void *ctx,
	     struct fl_diag *d)
{
	size_t max_fields = lim && lim->max_fields ? lim->max_fields : CSV_DEF_FIELDS;
	size_t max_len = lim && lim->max_field_len ? lim->max_field_len
						   : CSV_DEF_FIELD_LEN;
	size_t max_recs = lim && lim->max_records ? lim->max_records
						  : CSV_DEF_RECORDS;
	struct csv_rec r;
	struct fl_csv_record out;
	unsigned long line = 1, col = 1, rec_line = 1;
	size_t i = 0, start, nrec = 0;
	fl_err rc = FL_OK;

	memset(&r, 0, sizeof r);
	fl_buf_init(&r.text, max_len * 4 > max_len ? max_len * 4 : max_len);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (delim == 0)
		delim = detect_delim(data + i, len - i);

	while (i < len && rc == FL_OK) {
		/* one record */
		fl_buf_reset(&r.text);
		r.n = 0;
		rec_line = line;
		for (;;) {
			int quoted = 0;

			start = r.text.len;
			if (i < len && data[i] == '"') {
				quoted = 1;
				i++, col++;
				for (;;) {
					if (i >= len) {
						rc = fl_diag_set(d, FL_E_SYNTAX, filename,
								 line, col,
								 "unterminated quoted field");
						goto out;
					}
					if (data[i] == '"') {
						if (i + 1 < len && data[i + 1] == '"') {
							rc = fl_buf_putc(&r.text, '"');
							i += 2, col += 2;
						} else {
							i++, col++;
							break;
						}
					} else {
						if (data[i] == '\0') {
							rc = fl_diag_set(d, FL_E_SYNTAX,
									 filename, line, col,
									 "NUL byte in field");
							goto out;
						}
						if (data[i] == '\n')
							line++, col = 0;
						rc = fl_buf_putc(&r.text, data[i]);
						i++, col++;
					}
					if (rc != FL_OK)
						goto limit;
					if (r.text.len - start > max_len) {
						rc = FL_E_LIMIT;
						goto limit;
					}
				}
			} else {
				size_t s = i;
				while (i < len && data[i] != delim && data[i] != '\n' &&
				       data[i] != '\r') {
					if (data[i] == '"') {
						rc = fl_diag_set(d, FL_E_SYNTAX, filename,
								 line, col,
								 "quote inside an unquoted field");
						goto out;
					}
					if (data[i] == '\0') {
						rc = fl_diag_set(d, FL_E_SYNTAX, filename,
								 line, col,
								 "NUL byte in field");
						goto out;
					}
					i++, col++;
				}
				if (i - s > max_len) {
					rc = FL_E_LIMIT;
					goto limit;
				}
				if ((rc = fl_buf_append(&r.text, data + s, i - s)) != FL_OK)
					goto limit;
			}
			if ((rc = rec_add_field(&r, start, max_fields)) != FL_OK)
				goto limit;
			if (r.n > max_fields) {
				rc = FL_E_LIMIT;
				goto limit;
			}
			if (i < len && data[i] == delim) {
				i++, col++;
				continue;
			}
			if (i < len && data[i] == '\r') {
				i++, col++;
				if (i < len && data[i] != '\n') {
					rc = fl_diag_set(d, FL_E_SYNTAX, filename, line,
							 col, "carriage return inside a record");
					goto out;
				}
			}
			if (i < len && data[i] == '\n') {
				i++;
				line++, col = 1;
				break;
			}
			if (i >= len)
				break;
			/* after a closing quote only a delimiter or a line end */
			(void)quoted;
			rc = fl_diag_set(d, FL_E_SYNTAX, filename, line, col,
					 "unexpected character after a quoted field");
			goto out;
		}
		/* skip blank lines: a record of one empty unquoted field */
		if (r.n == 1 && r.lens[0] == 0 && data[i - 1] == '\n' &&
		    (i < 2 || data[i - 2] == '\n' || data[i - 2] == '\r'))
			continue;
		if (++nrec > max_recs) {
			rc = FL_E_LIMIT;
			goto limit;
		}
		{
			size_t k;
			for (k = 0; k < r.n; k++)
				r.ptrs[k] = r.text.data + r.offs[k];
		}
		out.nfields = r.n;
		out.fields = r.ptrs;
		out.lens = r.lens;
		out.line = rec_line;
		out.index = nrec - 1;
		if ((rc = fn(ctx, &out, d)) != FL_OK)
			goto out;
	}
	goto out;
limit:
	if (rc == FL_E_LIMIT)
		fl_diag_set(d, rc, filename, line, col,
			    "record too large (fields, field length or record count limit)");
	else if (rc == FL_E_NOMEM)
		fl_diag_set(d, rc, filename, line, col, "out of memory");
out:
	fl_buf_release(&r.text);
	free(r.offs);
	free(r.lens);
	free(r.ptrs);
	return rc;
}

fl_err
fl_csv_header_init(struct fl_csv_header *h, const struct fl_csv_record *rec)
{
	size_t k;

	h->n = 0;
	h->names = calloc(rec->nfields ? rec->nfields : 1, sizeof *h->names);
	if (h->names == NULL)
		return FL_E_NOMEM;
	for (k = 0; k < rec->nfields; k++) {
		char *s = fl_strdup(rec->fields[k]);
		if (s == NULL) {
			fl_csv_header_release(h);
			return FL_E_NOMEM;
		}
		h->names[h->n++] = s;
	}
	return FL_OK;
}

void
fl_csv_header_release(struct fl_csv_header *h)
{
	size_t k;

	for (k = 0; k < h->n; k++)
		free(h->names[k]);
	free(h->names);
	h->names = NULL;
	h->n = 0;
}

/* Compare ignoring case and surrounding whitespace. */
static int
name_eq(const char *a, const char *b)
{
	size_t la, lb, k;

	while (*a == ' ' || *a == '\t')
		a++;
	while (*b == ' ' || *b == '\t')
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la && (a[la - 1] == ' ' || a[la - 1] == '\t'))
		la--;
	while (lb && (b[lb - 1] == ' ' || b[lb - 1] == '\t'))
		lb--;
	if (la != lb)
		return 0;
	for (k = 0; k < la; k++) {
		unsigned char ca = (unsigned char)a[k], cb = (unsigned char)b[k];
		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca + 32);
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb + 32);
		if (ca != cb)
			return 0;
	}
	return 1;
}

long
fl_csv_col(const struct fl_csv_header *h, const char *name)
{
	size_t k;

	for (k = 0; k < h->n; k++)
		if (name_eq(h->names[k], name))
			return (long)k;
	return -1;
}

const char *
fl_csv_get(const struct fl_csv_record *rec, long col)
{
	if (col < 0 || (size_t)col >= rec->nfields)
		return "";
	return rec->fields[col];
}
