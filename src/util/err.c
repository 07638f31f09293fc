/*
 * err: error names, exit codes and diagnostics.  The mapping to sysexits is
 * the one documented in firstline(1): 65 bad input data, 66 missing input,
 * 70 internal error, 74 I/O or database error.
 */
#include "util.h"

#include <string.h>

void
fl_diag_clear(struct fl_diag *d)
{
	if (d == NULL)
		return;
	d->file[0] = '\0';
	d->line = d->col = 0;
	d->msg[0] = '\0';
}

fl_err
fl_diag_set(struct fl_diag *d, fl_err rc, const char *file, unsigned long line,
	    unsigned long col, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return rc;
	fl_strlcpy(d->file, file ? file : "", sizeof d->file);
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return rc;
}

fl_err
fl_diag_msg(struct fl_diag *d, fl_err rc, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return rc;
	d->file[0] = '\0';
	d->line = d->col = 0;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
fl_err_str(fl_err rc)
{
	switch (rc) {
	case FL_OK: return "ok";
	case FL_E_NOMEM: return "out of memory";
	case FL_E_LIMIT: return "limit exceeded";
	case FL_E_SYNTAX: return "syntax error";
	case FL_E_IO: return "i/o error";
	case FL_E_DB: return "database error";
	case FL_E_NOTFOUND: return "not found";
	case FL_E_INVAL: return "invalid request";
	case FL_E_NOINPUT: return "cannot open input";
	case FL_E_INTERNAL: return "internal error";
	}
	return "unknown error";
}

int
fl_err_exit(fl_err rc)
{
	switch (rc) {
	case FL_OK: return 0;
	case FL_E_SYNTAX:
	case FL_E_LIMIT:
	case FL_E_INVAL:
	case FL_E_NOTFOUND: return 65;
	case FL_E_NOINPUT: return 66;
	case FL_E_IO:
	case FL_E_DB: return 74;
	case FL_E_NOMEM:
	case FL_E_INTERNAL: return 70;
	}
	return 70;
}
