/*
 * The streaming XML driver every scanner reader uses.  The report is fed to
 * expat 64 KiB at a time, so a 1 GB .nessus file costs the same memory as a
 * small one.  It refuses what a scanner report never needs and an attacker
 * would: every entity declaration (so neither "billion laughs" nor external
 * entities can happen; no DTD or entity is ever fetched), and nesting
 * deeper than FL_XML_MAX_DEPTH.  A DOCTYPE itself is allowed, because real
 * reports carry one: nmap writes <!DOCTYPE nmaprun>, Burp an internal
 * subset of ELEMENT and ATTLIST declarations, Qualys a SYSTEM DTD URL that
 * is never read.
 */
#include <expat.h>
#include <string.h>

#include "scan.h"

#define FL_XML_CHUNK 65536
#define FL_XML_MAX_DEPTH 256

struct fl_xml {
	XML_Parser p;
	const struct fl_xml_handlers *h;
	struct fl_scan_src *src;
	struct fl_diag *d;
	fl_err rc;
	int depth;                       /* elements open */
	struct fl_buf names[FL_XML_MAX_DEPTH]; /* reused: no allocation per element */
	struct fl_buf text[FL_XML_MAX_DEPTH];
	size_t max_text;
};

void
fl_xml_pos(struct fl_xml *x, unsigned long *line, unsigned long *col)
{
	*line = (unsigned long)XML_GetCurrentLineNumber(x->p);
	*col = (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1;
}

const char *
fl_xml_path(struct fl_xml *x, int depth)
{
	if (depth < 0 || depth >= x->depth)
		return NULL;
	return fl_buf_str(&x->names[depth]);
}

const char *
fl_xml_attr(const char **atts, const char *name)
{
	size_t i;

	for (i = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

fl_err
fl_xml_fail(struct fl_xml *x, struct fl_diag *d, fl_err rc, const char *fmt, ...)
{
	unsigned long line, col;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fl_xml_pos(x, &line, &col);
	return fl_diag_set(d, rc, x->src->path, line, col, "%s", msg);
}

static void
stop(struct fl_xml *x, fl_err rc)
{
	if (x->rc == FL_OK)
		x->rc = rc;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct fl_xml *x = ud;
	fl_err rc;

	if (x->rc != FL_OK)
		return;
	if (x->depth >= FL_XML_MAX_DEPTH) {
		stop(x, fl_xml_fail(x, x->d, FL_E_LIMIT,
				    "elements nested deeper than %d",
				    FL_XML_MAX_DEPTH));
		return;
	}
	fl_buf_reset(&x->names[x->depth]);
	if (fl_buf_puts(&x->names[x->depth], name) != FL_OK) {
		stop(x, fl_xml_fail(x, x->d, FL_E_NOMEM, "out of memory"));
		return;
	}
	fl_buf_reset(&x->text[x->depth]);
	x->depth++;
	if (x->h->start != NULL &&
	    (rc = x->h->start(x->h->ctx, x, name, (const char **)atts,
			      x->depth - 1)) != FL_OK)
		stop(x, rc);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct fl_xml *x = ud;
	struct fl_buf *t;
	fl_err rc = FL_OK;

	if (x->rc != FL_OK || x->depth == 0)
		return;
	t = &x->text[x->depth - 1];
	if (x->h->end != NULL)
		rc = x->h->end(x->h->ctx, x, name, fl_buf_str(t), t->len,
			       x->depth - 1);
	x->depth--;
	if (rc != FL_OK)
		stop(x, rc);
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct fl_xml *x = ud;
	fl_err rc;

	if (x->rc != FL_OK || x->depth == 0 || len <= 0)
		return;
	rc = fl_buf_append(&x->text[x->depth - 1], s, (size_t)len);
	if (rc == FL_E_LIMIT)
		stop(x, fl_xml_fail(x, x->d, rc, "text of <%s> longer than %zu bytes",
				    fl_buf_str(&x->names[x->depth - 1]),
				    x->max_text));
	else if (rc != FL_OK)
		stop(x, fl_xml_fail(x, x->d, rc, "out of memory"));
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
	   const XML_Char *pubid, int has_internal_subset)
{
	/*
	 * Nothing to refuse yet: the external subset (sysid) is never read
	 * (parameter entity parsing is off and there is no external entity
	 * handler), and the internal subset is checked declaration by
	 * declaration below.
	 */
	(void)ud, (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
}

/* Any entity declaration, internal or external, parsed or not, stops the
 * parse at the declaration: no entity is ever defined, so none expands. */
static void XMLCALL
on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
	  int value_len, const XML_Char *base, const XML_Char *sysid,
	  const XML_Char *pubid, const XML_Char *notation)
{
	struct fl_xml *x = ud;

	(void)name, (void)is_param, (void)value, (void)value_len, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	if (x->rc == FL_OK)
		stop(x, fl_xml_fail(x, x->d, FL_E_SYNTAX,
				    "DOCTYPE with entity declarations not allowed"));
}

/* A reference to an entity nobody declared (possible once a DOCTYPE names
 * an external subset, which is never read): refused rather than dropped,
 * so no text silently goes missing. */
static void XMLCALL
on_skipped(void *ud, const XML_Char *name, int is_param)
{
	struct fl_xml *x = ud;

	(void)is_param;
	if (x->rc == FL_OK)
		stop(x, fl_xml_fail(x, x->d, FL_E_SYNTAX,
				    "reference to undeclared entity '%s'", name));
}

fl_err
fl_xml_stream(struct fl_scan_src *src, const struct fl_xml_handlers *h,
	      size_t max_text, struct fl_diag *d)
{
	struct fl_xml *x;
	char *chunk = NULL;
	size_t got, total = 0;
	int i, final;
	fl_err rc = FL_OK;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	x->h = h;
	x->src = src;
	x->d = d;
	x->max_text = max_text ? max_text : (size_t)16 << 20;
	for (i = 0; i < FL_XML_MAX_DEPTH; i++) {
		fl_buf_init(&x->text[i], x->max_text);
		fl_buf_init(&x->names[i], 4096);
	}
	if ((chunk = malloc(FL_XML_CHUNK)) == NULL ||
	    (x->p = XML_ParserCreate(NULL)) == NULL) {
		rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		goto out;
	}
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetSkippedEntityHandler(x->p, on_skipped);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	do {
		if ((rc = fl_scan_src_read(src, chunk, FL_XML_CHUNK, &got, d)) != FL_OK)
			goto out;
		final = got == 0;
		total += got;
		if (XML_Parse(x->p, chunk, (int)got, final) != XML_STATUS_OK) {
			enum XML_Error e = XML_GetErrorCode(x->p);

			if (x->rc != FL_OK) {
				rc = x->rc;
			} else {
				unsigned long line, col;

				fl_xml_pos(x, &line, &col);
				rc = fl_diag_set(d, e == XML_ERROR_NO_MEMORY ?
						 FL_E_NOMEM : FL_E_SYNTAX,
						 src->path, line, col, "%s%s",
						 XML_ErrorString(e),
						 total == 0 ? " (empty document)" : "");
			}
			goto out;
		}
	} while (!final);
	rc = x->rc;
out:
	if (x->p != NULL)
		XML_ParserFree(x->p);
	for (i = 0; i < FL_XML_MAX_DEPTH; i++) {
		fl_buf_release(&x->text[i]);
		fl_buf_release(&x->names[i]);
	}
	free(chunk);
	free(x);
	return rc;
}
