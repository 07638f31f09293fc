/* fuzz_scan_zap: the zap reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "zap"
#include "fuzz_scan.h"
