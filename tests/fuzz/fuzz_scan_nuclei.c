/* fuzz_scan_nuclei: the nuclei reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "nuclei"
#include "fuzz_scan.h"
