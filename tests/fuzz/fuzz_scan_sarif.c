/* fuzz_scan_sarif: the sarif reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "sarif"
#include "fuzz_scan.h"
