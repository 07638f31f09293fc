/* fuzz_scan_openvas_csv: the openvas-csv reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "openvas-csv"
#include "fuzz_scan.h"
