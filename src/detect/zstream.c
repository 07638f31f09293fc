/*
 * zstream: compressed input for every event reader.  A gzip (.gz, also
 * several members one after the other, as "gzip -c a >> b" writes) or
 * zstd (.zst, several frames, skippable frames) input is recognised by its
 * first bytes, never by its name, and decompressed inside the reader's
 * fill (fl_r_fill), so the formats see the same window of plain bytes
 * they read from a plain file.
 *
 * Memory stays fixed: the compressed bytes pass through one input block of
 * the reader's chunk size (in memory mode the caller's bytes are read in
 * place), and the decompressed bytes go straight into the reader's window.
 * zlib holds a 32 KiB window; a zstd frame may ask for a window up to
 * 128 MiB (zstd's default limit, which "zstd --long" stays within) and is
 * refused beyond it.  Output is not bounded by a ratio: it streams, and the
 * readers' own limits bound a record.
 *
 * It refuses, as a fatal error with the compressed byte offset where
 * decoding stopped: a corrupt stream, a stream cut short, and bytes after
 * a gzip member that start no further member (trailing NUL padding, as
 * tape blocking adds, is allowed).
 */
#include "event_int.h"

#define ZLIB_CONST /* next_in points to const bytes */
#include <zlib.h>
#include <zstd.h>

struct fl_zs {
	int kind;
	z_stream gz;
	int gz_init;
	ZSTD_DCtx *zd;
	unsigned char *buf;           /* fd mode: compressed bytes read */
	const unsigned char *in;      /* buf, or the caller's bytes */
	size_t pos, len, cap;         /* in[pos, len) not yet decoded */
	int in_eof;                   /* no compressed bytes beyond len */
	int done;                     /* at the end of a member / frame */
	int pad;                      /* gzip: NUL padding after the end */
	const char *broken;           /* the error to report after the bytes
					 decoded up to it were delivered */
	unsigned long long off;       /* compressed bytes decoded */
};

int
fl_z_kind(const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8)
		return FL_Z_GZIP;
	if (n >= 4 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd &&
	    b[0] == 0x28)
		return FL_Z_ZSTD;
	if (n >= 4 && (b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d &&
	    b[3] == 0x18)
		return FL_Z_ZSTD; /* a skippable frame first (pzstd) */
	return FL_Z_NONE;
}

static const char *
kname(int kind)
{
	return kind == FL_Z_GZIP ? "gzip" : "zstd";
}

void
fl_z_free(struct fl_zs *z)
{
	if (z == NULL)
		return;
	if (z->gz_init)
		inflateEnd(&z->gz);
	ZSTD_freeDCtx(z->zd);
	free(z->buf);
	free(z);
}

static fl_err
z_init(struct fl_zs *z, int kind)
{
	z->kind = kind;
	if (kind == FL_Z_GZIP) {
		/* 16 + 15: a gzip wrapper only, the largest window */
		if (inflateInit2(&z->gz, 16 + MAX_WBITS) != Z_OK)
			return FL_E_NOMEM;
		z->gz_init = 1;
		return FL_OK;
	}
	if ((z->zd = ZSTD_createDCtx()) == NULL)
		return FL_E_NOMEM;
	/* 2^27: zstd's own default, stated so that it stays the bound */
	if (ZSTD_isError(ZSTD_DCtx_setParameter(z->zd, ZSTD_d_windowLogMax,
						27)))
		return FL_E_INTERNAL;
	return FL_OK;
}

fl_err
fl_z_open(struct fl_reader *r, int kind, const void *p, size_t n,
	  struct fl_diag *d)
{
	struct fl_zs *z;
	fl_err rc;

	if ((z = calloc(1, sizeof *z)) == NULL)
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	if ((rc = z_init(z, kind)) != FL_OK) {
		fl_z_free(z);
		return fl_diag_set(d, rc, r->source, 0, 0,
				   "cannot start %s decompression",
				   kname(kind));
	}
	if (r->fd < 0) {
		/* memory mode: the caller's bytes are the whole input */
		z->in = p;
		z->len = n;
		z->in_eof = 1;
	} else {
		z->cap = r->chunk > n ? r->chunk : n;
		if ((z->buf = malloc(z->cap)) == NULL) {
			fl_z_free(z);
			return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		}
		if (n)
			memcpy(z->buf, p, n);
		z->in = z->buf;
		z->len = n;
	}
	r->zs = z;
	return FL_OK;
}

static long
z_fail(struct fl_reader *r, struct fl_diag *d, const char *what,
       const char *why)
{
	struct fl_zs *z = r->zs;

	if (why && *why)
		fl_diag_set(d, FL_E_SYNTAX, r->source, 0, 0,
			    "%s %s stream at byte %llu: %s", what,
			    kname(z->kind), z->off, why);
	else
		fl_diag_set(d, FL_E_SYNTAX, r->source, 0, 0,
			    "%s %s stream at byte %llu", what, kname(z->kind),
			    z->off);
	return -1;
}

/* Between gzip members: NUL padding to the end, or the next member. */
static long
gz_next_member(struct fl_reader *r, struct fl_diag *d)
{
	struct fl_zs *z = r->zs;

	while (z->pos < z->len && z->in[z->pos] == 0) {
		z->pos++;
		z->off++;
		z->pad = 1;
	}
	if (z->pos == z->len)
		return 0; /* more input decides */
	if (z->pad || z->in[z->pos] != 0x1f)
		return z_fail(r, d, "trailing garbage after", NULL);
	if (inflateReset(&z->gz) != Z_OK)
		return z_fail(r, d, "corrupt", NULL);
	z->done = 0;
	return 0;
}

long
fl_z_read(struct fl_reader *r, char *dst, size_t n, struct fl_diag *d)
{
	struct fl_zs *z = r->zs;

	if (z->broken)
		return z_fail(r, d, "corrupt", z->broken);
	for (;;) {
		size_t avail, used, made;
		const char *err = NULL;

		if (z->pos == z->len && !z->in_eof) {
			long got = fl_r_raw(r, z->buf, z->cap, d);

			if (got < 0)
				return -1;
			z->pos = 0;
			z->len = (size_t)got;
			if (got == 0)
				z->in_eof = 1;
			continue;
		}
		if (z->kind == FL_Z_GZIP && z->done &&
		    gz_next_member(r, d) < 0)
			return -1;
		if (z->pos == z->len) {
			if (!z->in_eof)
				continue;
			if (!z->done)
				return z_fail(r, d, "truncated", NULL);
			return 0;
		}
		avail = z->len - z->pos;
		if (z->kind == FL_Z_GZIP) {
			int ret;

			/* zlib counts in uInt: feed at most 1 GiB a call */
			z->gz.next_in = z->in + z->pos;
			z->gz.avail_in = (uInt)(avail < (1u << 30) ? avail :
						1u << 30);
			z->gz.next_out = (Bytef *)dst;
			z->gz.avail_out = (uInt)(n < (1u << 30) ? n : 1u << 30);
			ret = inflate(&z->gz, Z_NO_FLUSH);
			used = (size_t)(z->gz.next_in - (z->in + z->pos));
			made = (size_t)((char *)z->gz.next_out - dst);
			z->pos += used;
			z->off += used;
			if (ret == Z_STREAM_END)
				z->done = 1;
			else if (ret != Z_OK && !(ret == Z_BUF_ERROR && used))
				err = z->gz.msg ? z->gz.msg : "inflate failed";
		} else {
			ZSTD_inBuffer ib = {z->in + z->pos, avail, 0};
			ZSTD_outBuffer ob = {dst, n, 0};
			size_t ret = ZSTD_decompressStream(z->zd, &ob, &ib);

			used = ib.pos;
			made = ob.pos;
			z->pos += used;
			z->off += used;
			if (ZSTD_isError(ret))
				err = ZSTD_getErrorName(ret);
			else
				z->done = ret == 0;
		}
		if (err && made == 0)
			return z_fail(r, d, "corrupt", err);
		if (err)
			z->broken = err; /* these bytes first, then the error */
		if (made > 0)
			return (long)made;
		if (used == 0 && !z->done)
			return z_fail(r, d, "corrupt", "no progress");
	}
}

size_t
fl_z_head(const void *p, size_t n, void *out, size_t cap)
{
	struct fl_zs z;
	size_t made = 0;
	int kind = fl_z_kind(p, n);

	memset(&z, 0, sizeof z);
	if (kind == FL_Z_NONE || cap == 0 || z_init(&z, kind) != FL_OK)
		goto out;
	if (kind == FL_Z_GZIP) {
		z.gz.next_in = p;
		z.gz.avail_in = (uInt)(n < (1u << 30) ? n : 1u << 30);
		z.gz.next_out = out;
		z.gz.avail_out = (uInt)(cap < (1u << 30) ? cap : 1u << 30);
		/* a head is usually cut short: what came out is what counts */
		(void)inflate(&z.gz, Z_SYNC_FLUSH);
		made = (size_t)((unsigned char *)z.gz.next_out -
				(unsigned char *)out);
	} else {
		ZSTD_inBuffer ib = {p, n, 0};
		ZSTD_outBuffer ob = {out, cap, 0};
		size_t ret, was;

		do {
			was = ib.pos + ob.pos;
			ret = ZSTD_decompressStream(z.zd, &ob, &ib);
		} while (!ZSTD_isError(ret) && ob.pos < cap && ib.pos < n &&
			 ib.pos + ob.pos > was);
		made = ob.pos;
	}
out:
	if (z.gz_init)
		inflateEnd(&z.gz);
	ZSTD_freeDCtx(z.zd);
	return made;
}
