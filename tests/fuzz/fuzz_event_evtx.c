/*
 * fuzz_event_evtx: the EVTX reader on arbitrary bytes.  The first byte is
 * a mode:
 *   1   tight limits (8 fields, depth 4, names of 16 bytes, 300-byte
 *       records), so the limit paths are reached with small inputs;
 *   2   a case-insensitive dictionary;
 *   4   the input after the file header is padded with zeros to whole
 *       64 KiB chunks, so seeds and mutants stay small;
 *   8   the file header and chunk checksums are made right, so mutations
 *       reach the records instead of stopping at a CRC;
 *   16  read through a file descriptor (the reader's window) rather than
 *       in place.
 * Besides the sanitizers it aborts when an invariant breaks:
 *  - every name and value, and the host, lies inside the reader's window
 *    or scratch (fl_r_owns), and is valid UTF-8; names are never empty;
 *  - a bad record or chunk has the source name, no line and a reason;
 *  - each call consumes a record (28 bytes at least), a chunk or the file
 *    header, so there are never more results than size / 28 + 3;
 *  - key lookups agree with the fields, as in fuzz_event.h.
 */
#include "detect/event_int.h"

#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static uint32_t
crc32(const unsigned char *p, size_t n, uint32_t crc)
{
	static uint32_t t[256];
	size_t i;
	int k;

	if (t[1] == 0)
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;

			for (k = 0; k < 8; k++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			t[i] = c;
		}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Make the file header's and every chunk's checksums right. */
static void
fix_crcs(unsigned char *b, size_t n)
{
	size_t c = 0;

	if (n >= 4096 && memcmp(b, "ElfFile", 8) == 0) {
		put32(b + 124, crc32(b, 120, 0));
		c = 4096;
	}
	for (; c <= n && n - c >= 65536; c += 65536) {
		unsigned char *k = b + c;
		uint32_t fso = (uint32_t)k[48] | (uint32_t)k[49] << 8 |
		    (uint32_t)k[50] << 16 | (uint32_t)k[51] << 24;

		if (memcmp(k, "ElfChnk", 8) != 0)
			continue;
		if (fso >= 512 && fso <= 65536)
			put32(k + 52, crc32(k + 512, fso - 512, 0));
		put32(k + 124, crc32(k + 128, 384, crc32(k, 120, 0)));
	}
}

static int
utf8_ok(const char *p, size_t n)
{
	size_t i = 0;
	int l;

	while (i < n) {
		if ((l = fl_utf8_seq((const unsigned char *)p + i, n - i)) <= 0)
			return 0;
		i += (size_t)l;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"EventID", "Image", "Data",
		"Provider_Name", "Computer", "SubjectUserName", "a", "Header_1",
		"Event.x", "TimeCreated_SystemTime"};
	struct fl_reader_opts o;
	struct fl_keys *k = NULL;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	unsigned long results = 0;
	unsigned mode = 0;
	unsigned char *buf;
	size_t i, n, body;
	int fd = -1;

	if (size > 0) {
		mode = data[0];
		data++, size--;
	}
	if (size > (size_t)8 << 20)
		return 0;
	n = size;
	body = size >= 8 && memcmp(data, "ElfFile", 8) == 0 ? 4096 : 0;
	if ((mode & 4) && n > body && (n - body) % 65536)
		n += 65536 - (n - body) % 65536;
	if (n < size)
		n = size;
	if ((buf = calloc(1, n ? n : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (mode & 8)
		fix_crcs(buf, n);
	memset(&o, 0, sizeof o);
	/* blocks under 128 KiB: ASan maps and unmaps bigger ones per input */
	o.max_record = 32768;
	o.chunk = 4096;
	if (mode & 1) {
		o.max_record = 300;
		o.max_fields = 8;
		o.max_depth = 4;
		o.max_name = 16;
	}
	if (fl_keys_new(mode & 2, &k) != FL_OK) {
		free(buf);
		return 0;
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		fl_keys_add(k, names[i], strlen(names[i]), NULL);
	if (mode & 16) {
		fd = memfd_create("fuzz", 0);
		if (fd < 0 || write(fd, buf, n) != (ssize_t)n ||
		    lseek(fd, 0, SEEK_SET) != 0 ||
		    fl_reader_open_fd(FL_FMT_EVTX, fd, "fuzz", k, &o, &r,
				      &d) != FL_OK)
			goto out;
	} else if (fl_reader_open_mem(FL_FMT_EVTX, buf, n, "fuzz", k, &o, &r,
				      &d) != FL_OK)
		goto out;
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		check(++results <= n / 28 + 3);
		check(rc == FL_READ_OK || rc == FL_READ_BAD);
		if (rc == FL_READ_BAD) {
			check(strcmp(d.file, "fuzz") == 0);
			check(d.line == 0 && d.col == 0);
			check(d.msg[0] != '\0');
			continue;
		}
		check(ev.nfields <= (o.max_fields ? o.max_fields : 2048));
		check(ev.host.p != NULL);
		check(fl_r_owns(r, ev.host.p, ev.host.n));
		for (i = 0; i < ev.nfields; i++) {
			const struct fl_field *f = &ev.fields[i], *g;

			check(f->name.n > 0);
			check(fl_r_owns(r, f->name.p, f->name.n));
			check(utf8_ok(f->name.p, f->name.n));
			check(f->value.p != NULL);
			check(fl_r_owns(r, f->value.p, f->value.n));
			check(utf8_ok(f->value.p, f->value.n));
			check(f->type <= FL_V_NULL);
			check(f->key == fl_keys_find(k, f->name.p, f->name.n));
			if (f->key == FL_KEY_NONE)
				continue;
			g = fl_event_get(&ev, f->key);
			check(g != NULL && g <= f && g->key == f->key);
			for (; g; g = fl_event_next(&ev, g))
				check(g->key == f->key);
		}
	}
	fl_reader_close(r);
out:
	if (fd >= 0)
		close(fd);
	fl_keys_free(k);
	free(buf);
	return 0;
}
