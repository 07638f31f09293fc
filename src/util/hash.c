/*
 * hash: SHA-256 of reports and evidence files, streamed.
 *
 * OpenSSL's SHA-256 rather than libsodium's: it uses the CPU's SHA
 * instructions where there are some, about six times the speed, and a
 * report is hashed on the same core that parses it (`vuln import`).
 * libsodium keeps everything else (BLAKE2b, argon2id, random tokens).
 */
#include "util.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static void hex32(const unsigned char md[32], char out[static 65]);

struct fl_sha256 {
	EVP_MD_CTX *md;
	int failed;
};

struct fl_sha256 *
fl_sha256_begin(void)
{
	struct fl_sha256 *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	if ((h->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h->md);
		free(h);
		return NULL;
	}
	return h;
}

void
fl_sha256_add(struct fl_sha256 *h, const void *p, size_t n)
{
	if (n > 0 && EVP_DigestUpdate(h->md, p, n) != 1)
		h->failed = 1;
}

fl_err
fl_sha256_end(struct fl_sha256 *h, char out[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int ok;

	out[0] = '\0';
	if (h == NULL)
		return FL_E_NOMEM;
	ok = !h->failed && EVP_DigestFinal_ex(h->md, md, &n) == 1 && n == 32;
	EVP_MD_CTX_free(h->md);
	free(h);
	if (!ok)
		return FL_E_INTERNAL;
	hex32(md, out);
	return FL_OK;
}

fl_err
fl_sha256_file_size(const char *path, char out[static 65], long long *size,
		    struct fl_diag *d)
{
	struct fl_sha256 *h;
	unsigned char chunk[65536];
	long long total = 0;
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL)
		return fl_diag_set(d, errno == ENOENT || errno == ENOTDIR ?
				   FL_E_NOINPUT : FL_E_IO, path, 0, 0,
				   "cannot open: %s", strerror(errno));
	if ((h = fl_sha256_begin()) == NULL) {
		fclose(f);
		return fl_diag_msg(d, FL_E_NOMEM, "out of memory");
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		fl_sha256_add(h, chunk, n);
		total += (long long)n;
	}
	if (ferror(f)) {
		fclose(f);
		fl_sha256_end(h, out);
		return fl_diag_set(d, FL_E_IO, path, 0, 0, "read error");
	}
	fclose(f);
	if (fl_sha256_end(h, out) != FL_OK)
		return fl_diag_msg(d, FL_E_INTERNAL, "%s: SHA-256 failed", path);
	if (size)
		*size = total;
	return FL_OK;
}

fl_err
fl_sha256_file(const char *path, char out[static 65], struct fl_diag *d)
{
	return fl_sha256_file_size(path, out, NULL, d);
}

/* Eight bytes at a time, each word multiplied in and the result mixed
 * (the finaliser of MurmurHash3): a fast, non-cryptographic hash for
 * in-memory tables.  Byte-at-a-time FNV-1a cost four cycles a byte, which
 * showed when a detection run hashes every field value it scans. */
static uint64_t
hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t
fl_hash64(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n * 0x100000001b3ULL);
	uint64_t w;

	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		w *= 0x87c37b91114253d5ULL;
		w = (w << 31) | (w >> 33);
		h ^= w * 0x4cf5ad432745937fULL;
		h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
	}
	if (n) {
		w = 0;
		memcpy(&w, b, n);
		w *= 0x87c37b91114253d5ULL;
		w = (w << 31) | (w >> 33);
		h ^= w * 0x4cf5ad432745937fULL;
	}
	return hash_mix(h);
}

static void
hex32(const unsigned char md[32], char out[static 65])
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hexd[md[i] >> 4];
		out[2 * i + 1] = hexd[md[i] & 15];
	}
	out[64] = '\0';
}

fl_err
fl_sha256_mem(const void *p, size_t n, char out[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return FL_E_INTERNAL;
	hex32(md, out);
	return FL_OK;
}
