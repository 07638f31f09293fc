/*
 * hscache: compiled Vectorscan databases kept on disk between runs.
 *
 * Compiling the literal scanners of SigmaHQ's Windows rules (27,000
 * literals) takes longer than matching 100 MB of events.  The databases
 * depend only on the literals, their flags, the library's version and the
 * CPU, so they are kept in one file per rule set, named by the SHA-256 of
 * all of these, and read back when the same rule set runs again.
 *
 * The cache is private: its directory is created 0700, and a file is only
 * read when it is a regular file owned by the user, writable by no one
 * else, in such a directory, and its contents match the SHA-256 stored
 * with them.  Any failure to read or write is a miss, never an error: the
 * scanners are then compiled as without a cache.
 */
#ifndef FL_DETECT_HSCACHE_H
#define FL_DETECT_HSCACHE_H

#include <stddef.h>

#include <hs.h>

#include "util/util.h"

/* The default directory: $XDG_CACHE_HOME/firstline, else
 * $HOME/.cache/firstline; NULL when neither is set or it does not fit. */
const char *fl_hscache_dir(char *buf, size_t n);

/* The memory of the databases read back: one block for them all. */
struct fl_hscache_mem;

/*
 * Read the n databases of the set named key (64 hex chars) into db[0..n)
 * (NULL where the set has none), all in one block of memory, *mem.
 * Returns 1 when all were read, 0 on a miss (db left all NULL).  The
 * databases are freed with the block, never with hs_free_database().
 */
int fl_hscache_load(const char *dir, const char *key, hs_database_t **db,
		    size_t n, struct fl_hscache_mem **mem);
void fl_hscache_mem_free(struct fl_hscache_mem *mem);

/*
 * The same from the bytes of a file, p[0..len).  With mem NULL only the
 * header, the checksum and the framing are checked (1: they hold), and
 * nothing reaches Vectorscan, whose deserializer trusts its input: the
 * fuzz harness's way in.
 */
int fl_hscache_parse(const unsigned char *p, size_t len, const char *key,
		     hs_database_t **db, size_t n, struct fl_hscache_mem **mem);
/* Keep db[0..n) under key; quietly does nothing when it cannot. */
void fl_hscache_store(const char *dir, const char *key,
		      hs_database_t *const *db, size_t n);

#endif
