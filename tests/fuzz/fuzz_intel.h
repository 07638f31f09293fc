/*
 * The body of the KEV and EPSS fuzz harnesses: fuzz_intel_NAME.c defines
 * FUZZ_NAME (the file name the reader is told), includes this, and then
 * defines fuzz_parse() with a callback that checks every record it is
 * handed and ends with fuzz_next().  The first byte, when odd, makes the
 * callback stop at the second record; the rest is the input, which the
 * sniffer reads too.  Besides the sanitizers this aborts when a promise
 * breaks: a refusal is FL_E_SYNTAX or FL_E_LIMIT with the file name, a
 * position and a reason, and a callback's error comes back unchanged.
 */
#include <string.h>

#include "scan/intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	size_t n, stop_at;      /* records seen; stop at this one (0 never) */
	unsigned long line;     /* the last record's line */
};

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* The reader on (data, size) with the harness's callback and z as ctx. */
static fl_err fuzz_parse(const char *data, size_t size, struct fz *z,
			 struct fl_diag *d);

/* A callback's return, once it has counted its record in z->n. */
static fl_err
fuzz_next(struct fz *z, struct fl_diag *d)
{
	if (z->n == z->stop_at)
		return fl_diag_set(d, FL_E_INVAL, "callback", 9, 9, "stop");
	return FL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z;
	struct fl_diag d;
	fl_err rc;

	memset(&z, 0, sizeof z);
	if (size > 0) {
		z.stop_at = (data[0] & 1) ? 2 : 0;
		data++, size--;
	}
	(void)fl_intel_kind_name(fl_intel_sniff((const char *)data, size));
	fl_diag_clear(&d);
	rc = fuzz_parse((const char *)data, size, &z, &d);
	if (rc == FL_E_INVAL) {
		check(z.stop_at && z.n == z.stop_at);
		check(strcmp(d.file, "callback") == 0 && d.line == 9);
	} else if (rc != FL_OK) {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT);
		check(strcmp(d.file, FUZZ_NAME) == 0);
		check(d.line >= 1 && d.col >= 1);
		check(d.msg[0] != '\0');
	}
	return 0;
}
