/* fuzz_scan_nessus: the nessus reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "nessus"
#include "fuzz_scan.h"
