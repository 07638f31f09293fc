/*
 * fuzz_event_auditd: the auditd event reader (record headers, grouping by
 * stamp, key=value pairs, hex values, joined arguments, ENRICHED parts) on
 * arbitrary bytes; the invariants are in fuzz_event.h.
 */
#include "fuzz_event.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_event(FL_FMT_AUDITD, data, size);
}
