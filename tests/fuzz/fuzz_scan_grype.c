/* fuzz_scan_grype: the grype reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "grype"
#include "fuzz_scan.h"
