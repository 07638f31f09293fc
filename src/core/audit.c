/*
 * audit: the hash chain of the audit trail.  Each entry's hash covers the
 * previous entry's hash and every field of the entry, length-prefixed so
 * that no two different entries serialise alike ("ab"+"c" vs "a"+"bc") and
 * NULL differs from the empty string.  The sequence number is inside the
 * hash, so removing or swapping rows breaks the chain even when the removed
 * row's neighbours are re-linked by hand.
 */
#include "core.h"

#include <sodium.h>

const char fl_audit_genesis[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static void
put_field(crypto_generichash_state *h, const char *s)
{
	unsigned char len[8];
	unsigned long long n = s ? (unsigned long long)strlen(s) : ~0ULL;
	int i;

	for (i = 7; i >= 0; i--, n >>= 8)
		len[i] = (unsigned char)(n & 0xff);
	crypto_generichash_update(h, len, sizeof len);
	if (s)
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

void
fl_audit_hash(const char prev_hex[65], const struct fl_audit_entry *e,
	      char out[static 65])
{
	crypto_generichash_state h;
	unsigned char md[32];
	char seq[32];

	snprintf(seq, sizeof seq, "%lld", e->seq);
	crypto_generichash_init(&h, NULL, 0, sizeof md);
	put_field(&h, prev_hex);
	put_field(&h, seq);
	put_field(&h, e->ts);
	put_field(&h, e->actor);
	put_field(&h, e->action);
	put_field(&h, e->object);
	put_field(&h, e->before);
	put_field(&h, e->after);
	crypto_generichash_final(&h, md, sizeof md);
	sodium_bin2hex(out, 65, md, sizeof md);
}
