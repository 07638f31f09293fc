/*
 * fuzz_hscache: the scanner cache's file format (detect/hscache.c) on
 * arbitrary bytes.  The first byte chooses the way in:
 *  - even: the bytes are a whole file (header, checksum, framing);
 *  - odd: the bytes after it are a file's body, given a true header and
 *    checksum, so the framing of the databases is reached.
 * Only the framing is checked (mem NULL): Vectorscan's deserializer trusts
 * its input, which is why a file must be ours and match its checksum
 * before any of it is handed over.
 *
 * Invariants, besides the sanitizers: a refused input leaves every
 * database NULL; an accepted body's lengths add up to the whole of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/hscache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(c) ((c) ? (void)0 : fail(__LINE__, #c))
#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define NDB 4

static void
fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_hscache.c:%d: invariant broken: %s\n", line, what);
	abort();
}

/* Whether body is NDB length-prefixed parts, exactly. */
static int
framed(const uint8_t *p, size_t n)
{
	size_t at = 0, i;

	for (i = 0; i < NDB; i++) {
		unsigned long dl;

		if (n - at < 4)
			return 0;
		dl = (unsigned long)p[at] | (unsigned long)p[at + 1] << 8 |
		     (unsigned long)p[at + 2] << 16 |
		     (unsigned long)p[at + 3] << 24;
		at += 4;
		if (dl > n - at)
			return 0;
		at += dl;
	}
	return at == n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_database_t *db[NDB];
	char sum[65], head[256];
	unsigned char *file;
	size_t i, hl;
	int hit;

	if (size == 0 || size > (1 << 20))
		return 0;
	if ((data[0] & 1) == 0) {
		hit = fl_hscache_parse(data + 1, size - 1, KEY, db, NDB, NULL);
		for (i = 0; i < NDB; i++)
			check(db[i] == NULL);
		(void)hit;
		return 0;
	}
	if (fl_sha256_mem(data + 1, size - 1, sum) != FL_OK)
		return 0;
	hl = (size_t)snprintf(head, sizeof head, "FLHSC1\n%s\n%d\n%s\n", KEY,
			      NDB, sum);
	if ((file = malloc(hl + size - 1)) == NULL)
		return 0;
	memcpy(file, head, hl);
	memcpy(file + hl, data + 1, size - 1);
	hit = fl_hscache_parse(file, hl + size - 1, KEY, db, NDB, NULL);
	check(hit == framed(data + 1, size - 1));
	for (i = 0; i < NDB; i++)
		check(db[i] == NULL);
	free(file);
	return 0;
}
