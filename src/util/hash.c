/* hash: SHA-256 of evidence files, streamed through libsodium. */
#include "util.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

fl_err
fl_sha256_file_size(const char *path, char out[static 65], long long *size,
		    struct fl_diag *d)
{
	crypto_hash_sha256_state st;
	unsigned char chunk[65536], md[crypto_hash_sha256_BYTES];
	long long total = 0;
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL)
		return fl_diag_set(d, errno == ENOENT || errno == ENOTDIR ?
				   FL_E_NOINPUT : FL_E_IO, path, 0, 0,
				   "cannot open: %s", strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		crypto_hash_sha256_update(&st, chunk, n);
		total += (long long)n;
	}
	if (ferror(f)) {
		fclose(f);
		return fl_diag_set(d, FL_E_IO, path, 0, 0, "read error");
	}
	fclose(f);
	crypto_hash_sha256_final(&st, md);
	sodium_bin2hex(out, 65, md, sizeof md);
	if (size)
		*size = total;
	return FL_OK;
}

fl_err
fl_sha256_file(const char *path, char out[static 65], struct fl_diag *d)
{
	return fl_sha256_file_size(path, out, NULL, d);
}

/* FNV-1a: a fast, non-cryptographic hash for in-memory tables. */
uint64_t
fl_hash64(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
fl_sha256_mem(const void *p, size_t n, char out[static 65])
{
	unsigned char md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, p, n);
	sodium_bin2hex(out, 65, md, sizeof md);
}
