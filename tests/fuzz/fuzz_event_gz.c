/*
 * fuzz_event_gz: compressed input on arbitrary bytes.  The first byte
 * chooses the stream (gzip or zstd: its magic is written over the first
 * bytes, so that every input goes through a decompressor), the format read
 * from the decompressed bytes and tight limits.  Besides the sanitizers it
 * aborts when an invariant breaks:
 *  - reading ends (FL_READ_END, or FL_READ_FATAL naming the stream and
 *    the byte where it broke) once the decompressed bytes are read: a
 *    stream that inflates past 8 MiB is cut off by the harness, not by
 *    the reader;
 *  - every value of every event lies inside the reader's window or
 *    scratch.
 */
#include "detect/event_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fl_format fmts[] = {FL_FMT_SYSLOG, FL_FMT_JSON,
					      FL_FMT_AUDITD, FL_FMT_SYSLOG};
	struct fl_reader_opts o;
	struct fl_reader_stats st;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	unsigned char *in;
	unsigned mode;
	int zstd;
	size_t i;

	if (size < 5)
		return 0;
	mode = data[0];
	data++, size--;
	zstd = mode & 1;
	if ((in = malloc(size)) == NULL)
		return 0;
	memcpy(in, data, size);
	if (zstd)
		memcpy(in, "\x28\xb5\x2f\xfd", 4);
	else
		memcpy(in, "\x1f\x8b\x08", 3);
	memset(&o, 0, sizeof o);
	o.year = 2020;
	o.max_record = 4096;
	if (mode & 8) {
		o.max_record = 64;
		o.max_fields = 8;
		o.chunk = 16;
	}
	if (fl_reader_open_mem(fmts[(mode >> 1) & 3], in, size, "fuzz", NULL,
			       &o, &r, &d) != FL_OK) {
		free(in);
		return 0;
	}
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		if (rc == FL_READ_FATAL) {
			check(strstr(d.msg, zstd ? "zstd stream at byte " :
				     "gzip stream at byte ") != NULL);
			break;
		}
		for (i = 0; rc == FL_READ_OK && i < ev.nfields; i++)
			check(fl_r_owns(r, ev.fields[i].value.p,
					ev.fields[i].value.n));
		fl_reader_stats(r, &st);
		if (st.bytes > (8u << 20))
			break;
	}
	fl_reader_close(r);
	free(in);
	return 0;
}
