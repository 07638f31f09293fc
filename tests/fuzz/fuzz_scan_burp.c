/* fuzz_scan_burp: the burp reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "burp"
#include "fuzz_scan.h"
