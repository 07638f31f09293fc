/* fuzz_scan_trivy: the trivy reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "trivy"
#include "fuzz_scan.h"
