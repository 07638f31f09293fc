/* fuzz_scan_openvas_xml: the openvas-xml reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "openvas-xml"
#include "fuzz_scan.h"
