/*
 * csv: an RFC 4180 reader for spreadsheet exports (asset inventories,
 * control catalogues, HR rosters, scanner CSVs).
 *
 * It accepts what spreadsheets really write: a UTF-8 BOM, CRLF or LF line
 * ends (mixed within one file, as hand-edited exports are), quoted fields
 * with "" escapes and embedded line breaks, ',' ';' or tab as the
 * delimiter, blank lines (skipped).  It refuses what is ambiguous: a quote
 * inside an unquoted field, text after a closing quote, a quoted field that
 * never closes, a bare carriage return, and NUL bytes — each with the line
 * and column where it happened (columns count characters, not bytes, so
 * they match what an editor shows; an unclosed quote is reported where it
 * opened, which is where the mistake is).
 *
 * Every field of a record is copied into one reusable buffer, so memory is
 * bounded by the longest record (at most 4 x max_field_len of text), never
 * by the file.
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

/* Record the field that starts at text offset start and ends at text.len. */
static fl_err
rec_add_field(struct csv_rec *r, size_t start, size_t max_fields)
{
	if (r->n >= max_fields)
		return FL_E_LIMIT;
	if (r->n == r->cap) {
		size_t ncap, bytes;
		size_t *o, *l;
		const char **p;

		if (fl_size_mul(r->cap ? r->cap : 8, 2, &ncap))
			return FL_E_LIMIT;
		if (ncap > max_fields)
			ncap = max_fields;
		if (fl_size_mul(ncap, sizeof *o, &bytes))
			return FL_E_LIMIT;
		if ((o = realloc(r->offs, bytes)) == NULL)
			return FL_E_NOMEM;
		r->offs = o;
		if ((l = realloc(r->lens, bytes)) == NULL)
			return FL_E_NOMEM;
		r->lens = l;
		if (fl_size_mul(ncap, sizeof *p, &bytes))
			return FL_E_LIMIT;
		if ((p = realloc(r->ptrs, bytes)) == NULL)
			return FL_E_NOMEM;
		r->ptrs = p;
		r->cap = ncap;
	}
	r->offs[r->n] = start;
	r->lens[r->n] = r->text.len - start;
	r->n++;
	return fl_buf_putc(&r->text, '\0');
}

/* The delimiter occurring most often outside quotes on the first line. */
static char
detect_delim(const char *p, size_t len)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int inq = 0;

	for (i = 0; i < len && (inq || p[i] != '\n'); i++) {
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

/* A UTF-8 continuation byte does not start a new column. */
#define COLSTEP(c) ((((unsigned char)(c)) & 0xC0) != 0x80)

fl_err
fl_csv_parse(const char *data, size_t len, const char *filename, char delim,
	     const struct fl_csv_limits *lim, fl_csv_fn fn, void *ctx,
	     struct fl_diag *d)
{
	size_t max_fields = lim && lim->max_fields ? lim->max_fields
						   : CSV_DEF_FIELDS;
	size_t max_len = lim && lim->max_field_len ? lim->max_field_len
						   : CSV_DEF_FIELD_LEN;
	size_t max_recs = lim && lim->max_records ? lim->max_records
						  : CSV_DEF_RECORDS;
	struct csv_rec r;
	struct fl_csv_record out;
	unsigned long line = 1, col = 1, rec_line;
	size_t i = 0, start, nrec = 0, reccap;
	const char *why = NULL;
	fl_err rc = FL_OK;

	if (delim == '"' || delim == '\r' || delim == '\n')
		return fl_diag_msg(d, FL_E_INVAL, "invalid CSV delimiter");
	if (data == NULL || len == 0)
		return FL_OK;
	/* room for 4 maximal fields plus every field's terminator */
	if (fl_size_mul(max_len, 4, &reccap) ||
	    fl_size_add(reccap, max_fields, &reccap) ||
	    fl_size_add(reccap, 1, &reccap))
		reccap = SIZE_MAX;
	memset(&r, 0, sizeof r);
	fl_buf_init(&r.text, reccap);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (delim == 0)
		delim = detect_delim(data + i, len - i);

	while (i < len) {
		int first_quoted = -1;

		fl_buf_reset(&r.text);
		r.n = 0;
		rec_line = line;
		for (;;) {
			int quoted = i < len && data[i] == '"';

			if (first_quoted < 0)
				first_quoted = quoted;
			start = r.text.len;
			if (quoted) {
				unsigned long qline = line, qcol = col;

				i++, col++;
				for (;;) {
					size_t s = i;

					while (i < len && data[i] != '"' &&
					       data[i] != '\n' && data[i] != '\0') {
						col += COLSTEP(data[i]);
						i++;
					}
					if (r.text.len - start + (i - s) > max_len) {
						why = "field too long";
						rc = FL_E_LIMIT;
						goto limit;
					}
					if ((rc = fl_buf_append(&r.text, data + s,
								i - s)) != FL_OK)
						goto limit;
					if (i >= len) {
						rc = fl_diag_set(d, FL_E_SYNTAX, filename,
								 qline, qcol,
								 "unterminated quoted field");
						goto out;
					}
					if (data[i] == '\0') {
						rc = fl_diag_set(d, FL_E_SYNTAX, filename,
								 line, col,
								 "NUL byte in field");
						goto out;
					}
					if (data[i] == '\n') {
						rc = fl_buf_putc(&r.text, '\n');
						i++, line++, col = 1;
					} else if (i + 1 < len && data[i + 1] == '"') {
						rc = fl_buf_putc(&r.text, '"');
						i += 2, col += 2;
					} else {
						i++, col++;
						break;
					}
					if (rc != FL_OK)
						goto limit;
					if (r.text.len - start > max_len) {
						why = "field too long";
						rc = FL_E_LIMIT;
						goto limit;
					}
				}
			} else {
				size_t s = i;

				while (i < len && data[i] != delim &&
				       data[i] != '\n' && data[i] != '\r') {
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
					col += COLSTEP(data[i]);
					if (++i - s > max_len) {
						why = "field too long";
						rc = FL_E_LIMIT;
						goto limit;
					}
				}
				if ((rc = fl_buf_append(&r.text, data + s, i - s)) !=
				    FL_OK)
					goto limit;
			}
			if ((rc = rec_add_field(&r, start, max_fields)) != FL_OK) {
				if (r.n >= max_fields)
					why = "too many fields in a record";
				goto limit;
			}
			if (i < len && data[i] == delim) {
				i++, col++;
				continue;
			}
			if (i < len && data[i] == '\r') {
				if (i + 1 < len && data[i + 1] != '\n') {
					rc = fl_diag_set(d, FL_E_SYNTAX, filename, line,
							 col, "carriage return inside a record");
					goto out;
				}
				i++, col++;
			}
			if (i < len && data[i] == '\n') {
				i++, line++, col = 1;
				break;
			}
			if (i >= len)
				break;
			/* only a quoted field can end anywhere else */
			rc = fl_diag_set(d, FL_E_SYNTAX, filename, line, col,
					 "unexpected character after a quoted field");
			goto out;
		}
		/*
		 * One empty unquoted field is a blank line ("\n", "\r\n", or a
		 * lone "\r" at the end): spreadsheets leave them, nobody means
		 * them as a record.  A quoted "" is a real record.
		 */
		if (r.n == 1 && r.lens[0] == 0 && !first_quoted)
			continue;
		if (nrec >= max_recs) {
			why = "too many records";
			rc = FL_E_LIMIT;
			line = rec_line, col = 1;
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
		out.index = nrec++;
		if ((rc = fn(ctx, &out, d)) != FL_OK)
			goto out;
	}
	goto out;
limit:
	if (rc == FL_E_LIMIT)
		fl_diag_set(d, rc, filename, line, col, "%s (limits: %zu fields, "
			    "%zu bytes a field, %zu records)",
			    why ? why : "record too long", max_fields, max_len,
			    max_recs);
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
		char *s = fl_strndup(rec->fields[k], rec->lens[k]);
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

/* Compare ignoring ASCII case and surrounding blanks. */
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

	for (k = 0; k < h->n && k < LONG_MAX; k++)
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
