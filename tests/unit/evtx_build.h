/*
 * evtx_build: EVTX files written byte by byte for test_evtx (and, through
 * it, the fuzz seeds): a file header, 64 KiB chunks with their CRCs, and
 * records of binary XML put together from the tokens the format defines.
 * Names are written inline at first use in a chunk and referenced by
 * offset afterwards, and template definitions inline at first use, as
 * Windows writes them.
 */
#ifndef FL_EVTX_BUILD_H
#define FL_EVTX_BUILD_H

#include <stdint.h>
#include <string.h>

#define EB_HDR 4096u
#define EB_CHUNK 65536u
#define EB_MAXCHUNKS 4u

struct eb {
	unsigned char b[EB_HDR + EB_MAXCHUNKS * EB_CHUNK];
	size_t n;            /* bytes of the file so far */
	size_t ck;           /* offset of the open chunk */
	size_t pos;          /* where the next byte goes */
	size_t rec;          /* the open record */
	unsigned nchunks;
	uint64_t first, last; /* record ids of the open chunk */
	struct {
		char s[40];
		uint32_t off;
	} names[128];
	unsigned nnames;
	size_t tsize[8], vcnt[8], vdesc[8], vi[8], vstart[8];
	unsigned depth;      /* open template instances */
};

static uint32_t
eb_crc(const unsigned char *p, size_t n, uint32_t crc)
{
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

static void
eb_w(struct eb *e, size_t at, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		e->b[at + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static void
eb_put(struct eb *e, uint64_t v, int bytes)
{
	eb_w(e, e->pos, v, bytes);
	e->pos += (size_t)bytes;
}

static void
eb_bytes(struct eb *e, const void *p, size_t n)
{
	memcpy(e->b + e->pos, p, n);
	e->pos += n;
}

/* Hex digits (spaces allowed) as bytes. */
static void
eb_hex(struct eb *e, const char *hex)
{
	unsigned v = 0;
	int half = 0;

	for (; *hex; hex++) {
		char c = *hex;

		if (c == ' ')
			continue;
		v = v << 4 | (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		if (++half == 2) {
			e->b[e->pos++] = (unsigned char)v;
			v = 0;
			half = 0;
		}
	}
}

/* UTF-8 (ASCII and two-byte sequences are enough here) as UTF-16LE units;
 * the unit count. */
static size_t
eb_utf16(struct eb *e, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		unsigned c = *p++;

		if (c >= 0xC0 && *p)
			c = (c & 0x1F) << 6 | (*p++ & 0x3F);
		eb_put(e, c, 2);
		n++;
	}
	return n;
}

static size_t
eb_u16len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A file header; chunks follow. */
static void
eb_init(struct eb *e)
{
	memset(e, 0, sizeof *e);
	memcpy(e->b, "ElfFile", 8);
	eb_w(e, 32, 128, 4);
	eb_w(e, 36, 1, 2);
	eb_w(e, 38, 3, 2);
	eb_w(e, 40, EB_HDR, 2);
	e->n = EB_HDR;
}

static void
eb_chunk(struct eb *e)
{
	e->ck = EB_HDR + e->nchunks * EB_CHUNK;
	memcpy(e->b + e->ck, "ElfChnk", 8);
	eb_w(e, e->ck + 40, 128, 4);
	e->pos = e->ck + 512;
	e->nnames = 0;
	e->first = e->last = 0;
	e->nchunks++;
	e->n = e->ck + EB_CHUNK;
}

/* Close the open chunk: free space offset, record ids, both CRCs; and the
 * file header's chunk count and CRC. */
static void
eb_chunk_end(struct eb *e)
{
	size_t c = e->ck, fso = e->pos - c;

	eb_w(e, c + 8, e->first, 8);
	eb_w(e, c + 16, e->last, 8);
	eb_w(e, c + 24, e->first, 8);
	eb_w(e, c + 32, e->last, 8);
	eb_w(e, c + 48, fso, 4);
	eb_w(e, c + 52, eb_crc(e->b + c + 512, fso - 512, 0), 4);
	eb_w(e, c + 124, eb_crc(e->b + c + 128, 384,
				eb_crc(e->b + c, 120, 0)), 4);
	eb_w(e, 16, e->nchunks - 1, 8);
	eb_w(e, 42, e->nchunks, 2);
	eb_w(e, 124, eb_crc(e->b, 120, 0), 4);
}

/* A record header; the binary XML follows. */
static void
eb_rec(struct eb *e, uint64_t id, uint64_t filetime)
{
	e->rec = e->pos;
	eb_bytes(e, "**\0\0", 4);
	eb_put(e, 0, 4);
	eb_put(e, id, 8);
	eb_put(e, filetime, 8);
	if (e->first == 0)
		e->first = id;
	e->last = id;
}

static void
eb_rec_end(struct eb *e)
{
	size_t size = e->pos + 4 - e->rec;

	eb_put(e, size, 4);
	eb_w(e, e->rec + 4, size, 4);
}

/* A name reference: inline at its first use in the chunk. */
static void
eb_name(struct eb *e, const char *s)
{
	unsigned i;

	for (i = 0; i < e->nnames; i++)
		if (strcmp(e->names[i].s, s) == 0) {
			eb_put(e, e->names[i].off, 4);
			return;
		}
	if (e->nnames < 128) {
		snprintf(e->names[e->nnames].s, sizeof e->names[0].s, "%s", s);
		e->names[e->nnames++].off = (uint32_t)(e->pos + 4 - e->ck);
	}
	eb_put(e, e->pos + 4 - e->ck, 4);
	eb_put(e, 0, 4);            /* next string */
	eb_put(e, 0, 2);            /* hash: not checked by readers */
	eb_put(e, eb_u16len(s), 2);
	eb_utf16(e, s);
	eb_put(e, 0, 2);
}

static void
eb_frag(struct eb *e)
{
	eb_hex(e, "0f010100");
}

/* <NAME (attrs follow when ATTRS); DEP: with a dependency identifier, as
 * in template definitions. */
static void
eb_open(struct eb *e, const char *name, int attrs, int dep)
{
	eb_put(e, attrs ? 0x41 : 0x01, 1);
	if (dep)
		eb_put(e, 0xFFFF, 2);
	eb_put(e, 0, 4);            /* data size: not needed by readers */
	eb_name(e, name);
	if (attrs)
		eb_put(e, 0, 4);    /* attribute list size */
}

static void
eb_attr(struct eb *e, const char *name, int more)
{
	eb_put(e, more ? 0x46 : 0x06, 1);
	eb_name(e, name);
}

static void
eb_text(struct eb *e, const char *s)
{
	eb_put(e, 0x05, 1);
	eb_put(e, 0x01, 1);
	eb_put(e, eb_u16len(s), 2);
	eb_utf16(e, s);
}

static void
eb_sub(struct eb *e, unsigned id, unsigned type, int optional)
{
	eb_put(e, optional ? 0x0e : 0x0d, 1);
	eb_put(e, id, 2);
	eb_put(e, type, 1);
}

static void eb_close_start(struct eb *e) { eb_put(e, 0x02, 1); }
static void eb_close_empty(struct eb *e) { eb_put(e, 0x03, 1); }
static void eb_end(struct eb *e) { eb_put(e, 0x04, 1); }
static void eb_eof(struct eb *e) { eb_put(e, 0x00, 1); }

/* <NAME>text</NAME> (or a substitution when TEXT is NULL). */
static void
eb_leaf(struct eb *e, const char *name, const char *text, int sub,
	unsigned type, int dep)
{
	eb_open(e, name, 0, dep);
	eb_close_start(e);
	if (text)
		eb_text(e, text);
	else
		eb_sub(e, (unsigned)sub, type, 1);
	eb_end(e);
}

/* A template instance with its definition inline: the body follows, then
 * eb_tmpl_body_end(); DEF gets the definition's offset for later
 * instances (eb_tmpl_ref). */
static void
eb_tmpl_def(struct eb *e, uint32_t *def)
{
	unsigned d = e->depth++;

	eb_put(e, 0x0c, 1);
	eb_put(e, 1, 1);
	eb_put(e, 0x1234, 4);
	*def = (uint32_t)(e->pos + 4 - e->ck);
	eb_put(e, *def, 4);
	eb_put(e, 0, 4);            /* next template */
	eb_hex(e, "00112233445566778899aabbccddeeff");
	e->tsize[d] = e->pos;
	eb_put(e, 0, 4);
	eb_frag(e);
}

static void
eb_tmpl_body_end(struct eb *e)
{
	size_t at = e->tsize[e->depth - 1];

	eb_eof(e);
	eb_w(e, at, e->pos - at - 4, 4);
}

/* A template instance of the definition at DEF. */
static void
eb_tmpl_ref(struct eb *e, uint32_t def)
{
	e->depth++;
	eb_put(e, 0x0c, 1);
	eb_put(e, 1, 1);
	eb_put(e, 0x1234, 4);
	eb_put(e, def, 4);
}

/* The instance's N values: eb_val() each, then eb_vals_end(). */
static void
eb_vals(struct eb *e, unsigned n)
{
	unsigned d = e->depth - 1;

	eb_put(e, n, 4);
	e->vdesc[d] = e->pos;
	e->vcnt[d] = n;
	e->vi[d] = 0;
	e->pos += 4 * (size_t)n;
}

/* Start value data of TYPE; eb_val_end() measures it. */
static void
eb_val(struct eb *e, unsigned type)
{
	unsigned d = e->depth - 1;

	eb_w(e, e->vdesc[d] + 4 * e->vi[d] + 2, type, 1);
	e->vstart[d] = e->pos;
}

static void
eb_val_end(struct eb *e)
{
	unsigned d = e->depth - 1;

	eb_w(e, e->vdesc[d] + 4 * e->vi[d], e->pos - e->vstart[d], 2);
	e->vi[d]++;
}

static void
eb_val_hex(struct eb *e, unsigned type, const char *hex)
{
	eb_val(e, type);
	eb_hex(e, hex);
	eb_val_end(e);
}

static void
eb_val_str(struct eb *e, const char *s)
{
	eb_val(e, 0x01);
	eb_utf16(e, s);
	eb_val_end(e);
}

static void
eb_vals_end(struct eb *e)
{
	e->depth--;
}

#endif
