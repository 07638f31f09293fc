/*
 * fuzz_event_jsonl: the JSON event reader on arbitrary bytes; the
 * invariants are in fuzz_event.h.
 */
#include "fuzz_event.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_event(FL_FMT_JSON, data, size);
}
