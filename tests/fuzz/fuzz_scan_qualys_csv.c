/* fuzz_scan_qualys_csv: the qualys-csv reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "qualys-csv"
#include "fuzz_scan.h"
