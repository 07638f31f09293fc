/* fuzz_scan_qualys_xml: the qualys-xml reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "qualys-xml"
#include "fuzz_scan.h"
