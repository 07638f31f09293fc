/*
 * hscache: compiled Vectorscan databases kept on disk between runs.
 *
 * A file holds one rule set's databases:
 *
 *   "FLHSC1\n"  key (64 hex) "\n"  n (decimal) "\n"  sha256 (64 hex) "\n"
 *   then n times: length (4 bytes, little-endian; 0: no database) and the
 *   serialized database
 *
 * where sha256 covers everything after its own line.  The checksum guards
 * against a file cut short or damaged; the owner and mode checks guard
 * against anyone else writing it (Vectorscan's deserializer trusts its
 * input, so nothing is handed to it that we did not write).
 */
#include "detect/hscache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "FLHSC1\n"
#define FILE_MAX ((size_t)256 << 20) /* a larger file is not read */
#define KEEP 16                     /* files kept; the oldest go first */

const char *
fl_hscache_dir(char *buf, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	int w;

	if (x && x[0] == '/')
		w = snprintf(buf, n, "%s/firstline", x);
	else if (h && h[0] == '/')
		w = snprintf(buf, n, "%s/.cache/firstline", h);
	else
		return NULL;
	return w > 0 && (size_t)w < n ? buf : NULL;
}

/* The directory is ours and no one else may write in it. */
static int
private_dir(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

/* Create dir (and a missing parent) 0700; 0 when it is private. */
static int
make_dir(const char *dir)
{
	char parent[4096];
	const char *slash = strrchr(dir, '/');

	if (private_dir(dir))
		return 0;
	if (slash && slash != dir && (size_t)(slash - dir) < sizeof parent) {
		memcpy(parent, dir, (size_t)(slash - dir));
		parent[slash - dir] = '\0';
		if (mkdir(parent, 0700) != 0 && errno != EEXIST)
			return -1;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	return private_dir(dir) ? 0 : -1;
}

static int
file_name(char *buf, size_t n, const char *dir, const char *key)
{
	size_t i;
	int w;

	if (strlen(key) != 64)
		return -1;
	for (i = 0; i < 64; i++)
		if (!((key[i] >= '0' && key[i] <= '9') ||
		      (key[i] >= 'a' && key[i] <= 'f')))
			return -1;
	w = snprintf(buf, n, "%s/%s.hs", dir, key);
	return w > 0 && (size_t)w < n ? 0 : -1;
}

/* The whole file, mapped, when it is ours, private and not too large. */
static unsigned char *
map_private(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0 ||
	    st.st_size <= 0 || (unsigned long long)st.st_size > FILE_MAX) {
		close(fd);
		return NULL;
	}
	/* mapped rather than read: the page cache's pages, no copy, and
	 * a fault per sixteen pages instead of one per page.  Files are
	 * replaced by rename, never cut in place, so the mapping cannot
	 * lose its end while it is read. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	/* a used file is a young one: the pruning keeps it */
	(void)futimens(fd, NULL);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

/* One block for all the databases; huge pages when it is large, since
 * a page fault per 4 KiB is dear on a virtual machine. */
struct fl_hscache_mem {
	void *base;
	size_t len;
};

#define HUGE_PAGE ((size_t)2 << 20)

static struct fl_hscache_mem *
mem_new(size_t need)
{
	struct fl_hscache_mem *m = malloc(sizeof *m);
	size_t len = need + HUGE_PAGE;
	char *p;

	if (m == NULL)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		free(m);
		return NULL;
	}
	m->base = p;
	m->len = len;
#ifdef MADV_HUGEPAGE
	if (need >= HUGE_PAGE)
		(void)madvise((void *)(((uintptr_t)p + HUGE_PAGE - 1) &
				       ~(uintptr_t)(HUGE_PAGE - 1)),
			      need & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
	return m;
}

void
fl_hscache_mem_free(struct fl_hscache_mem *m)
{
	if (m == NULL)
		return;
	munmap(m->base, m->len);
	free(m);
}

/* One header line: the bytes up to '\n' at *at, advanced past it. */
static const unsigned char *
line(const unsigned char *p, size_t len, size_t *at, size_t *n)
{
	const unsigned char *s = p + *at, *e;

	if (*at >= len || (e = memchr(s, '\n', len - *at)) == NULL)
		return NULL;
	*n = (size_t)(e - s);
	*at += *n + 1;
	return s;
}

static int
line_is(const unsigned char *s, size_t n, const char *want)
{
	return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

/* The little-endian length at p. */
static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int
fl_hscache_parse(const unsigned char *p, size_t len, const char *key,
		 hs_database_t **db, size_t n, struct fl_hscache_mem **mem)
{
	char num[32], sum[65];
	const unsigned char *s;
	struct fl_hscache_mem *m = NULL;
	size_t at = 0, sn, i, body, need = 0, off = 0;

	memset(db, 0, n * sizeof *db);
	if (mem)
		*mem = NULL;
	snprintf(num, sizeof num, "%zu", n);
	if (len < sizeof MAGIC - 1 || memcmp(p, MAGIC, sizeof MAGIC - 1) != 0)
		return 0;
	at = sizeof MAGIC - 1;
	s = line(p, len, &at, &sn);
	if (!line_is(s, sn, key))
		return 0;
	s = line(p, len, &at, &sn);
	if (!line_is(s, sn, num))
		return 0;
	if ((s = line(p, len, &at, &sn)) == NULL || sn != 64)
		return 0;
	body = at;
	if (fl_sha256_mem(p + body, len - body, sum) != FL_OK ||
	    memcmp(sum, s, 64) != 0)
		return 0;
	/* the framing, and the sizes for one block of memory */
	for (i = 0; i < n; i++) {
		uint32_t dl;
		size_t sz;

		if (len - at < 4)
			return 0;
		dl = le32(p + at);
		at += 4;
		if (dl > len - at)
			return 0;
		if (dl && mem) {
			if (hs_serialized_database_size((const char *)p + at,
							dl, &sz) != HS_SUCCESS ||
			    sz > FILE_MAX)
				return 0;
			need += (sz + 63) & ~(size_t)63;
		}
		at += dl;
	}
	if (at != len)
		return 0;
	if (mem == NULL)
		return 1;
	if ((m = mem_new(need ? need : 1)) == NULL)
		return 0;
	off = (((uintptr_t)m->base + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1)) -
	      (uintptr_t)m->base;
	for (at = body, i = 0; i < n; i++) {
		uint32_t dl = le32(p + at);
		size_t sz;

		at += 4;
		if (dl == 0)
			continue;
		(void)hs_serialized_database_size((const char *)p + at, dl, &sz);
		db[i] = (hs_database_t *)(void *)((char *)m->base + off);
		if (hs_deserialize_database_at((const char *)p + at, dl,
					       db[i]) != HS_SUCCESS) {
			memset(db, 0, n * sizeof *db);
			fl_hscache_mem_free(m);
			return 0;
		}
		off += (sz + 63) & ~(size_t)63;
		at += dl;
	}
	*mem = m;
	return 1;
}

int
fl_hscache_load(const char *dir, const char *key, hs_database_t **db,
		size_t n, struct fl_hscache_mem **mem)
{
	char path[4096];
	unsigned char *p;
	size_t len = 0;
	int hit;

	memset(db, 0, n * sizeof *db);
	*mem = NULL;
	if (dir == NULL || !private_dir(dir) ||
	    file_name(path, sizeof path, dir, key) != 0 ||
	    (p = map_private(path, &len)) == NULL)
		return 0;
	hit = fl_hscache_parse(p, len, key, db, n, mem);
	munmap(p, len);
	return hit;
}

/* Keep the KEEP - 1 youngest files of the cache, so one more fits. */
static void
prune(const char *dir)
{
	struct {
		char name[80];
		time_t t;
	} f[KEEP];
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	size_t nf = 0, i, old;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		size_t nl = strlen(e->d_name);

		if (nl != 67 || strcmp(e->d_name + 64, ".hs") != 0 ||
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
			(int)sizeof path ||
		    lstat(path, &st) != 0)
			continue;
		if (nf < KEEP - 1) {
			memcpy(f[nf].name, e->d_name, nl + 1);
			f[nf++].t = st.st_mtime;
			continue;
		}
		/* full: the oldest of those kept and this one goes */
		for (old = 0, i = 1; i < nf; i++)
			if (f[i].t < f[old].t)
				old = i;
		if (st.st_mtime > f[old].t) {
			snprintf(path, sizeof path, "%s/%s", dir, f[old].name);
			memcpy(f[old].name, e->d_name, nl + 1);
			f[old].t = st.st_mtime;
		}
		(void)unlink(path);
	}
	closedir(d);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *b = p;

	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

void
fl_hscache_store(const char *dir, const char *key, hs_database_t *const *db,
		 size_t n)
{
	char path[4096], tmp[4096], head[256], sum[65];
	struct fl_buf body;
	size_t i;
	int fd, ok = 1, w;

	if (dir == NULL || make_dir(dir) != 0 ||
	    file_name(path, sizeof path, dir, key) != 0 ||
	    (w = snprintf(tmp, sizeof tmp, "%s/.new-", dir)) < 0 ||
	    (size_t)w + 7 > sizeof tmp)
		return;
	/* mkstemp's template: six of 'X' it replaces */
	memset(tmp + w, 'X', 6);
	tmp[w + 6] = '\0';
	fl_buf_init(&body, FILE_MAX);
	for (i = 0; i < n && ok; i++) {
		char *ser = NULL;
		size_t sl = 0;
		unsigned char le[4];

		if (db[i] && (hs_serialize_database(db[i], &ser, &sl) !=
			      HS_SUCCESS || sl > UINT32_MAX)) {
			free(ser);
			ok = 0;
			break;
		}
		le[0] = (unsigned char)sl;
		le[1] = (unsigned char)(sl >> 8);
		le[2] = (unsigned char)(sl >> 16);
		le[3] = (unsigned char)(sl >> 24);
		if (fl_buf_append(&body, le, 4) != FL_OK ||
		    (sl && fl_buf_append(&body, ser, sl) != FL_OK))
			ok = 0;
		free(ser);
	}
	if (!ok || fl_sha256_mem(body.data ? body.data : "", body.len, sum) !=
			   FL_OK)
		goto out;
	w = snprintf(head, sizeof head, "%s%s\n%zu\n%s\n", MAGIC, key, n, sum);
	if (w <= 0 || (size_t)w >= sizeof head)
		goto out;
	prune(dir);
	if ((fd = mkstemp(tmp)) < 0)
		goto out;
	ok = write_all(fd, head, (size_t)w) == 0 &&
	     write_all(fd, body.data ? body.data : "", body.len) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0)
		(void)unlink(tmp);
out:
	fl_buf_release(&body);
}
