/* fuzz_scan_tenable_csv: the tenable-csv reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "tenable-csv"
#include "fuzz_scan.h"
