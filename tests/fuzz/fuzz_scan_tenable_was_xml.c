/* fuzz_scan_tenable_was_xml: the tenable-was-xml reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "tenable-was-xml"
#include "fuzz_scan.h"
