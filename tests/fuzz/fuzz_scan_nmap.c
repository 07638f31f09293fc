/* fuzz_scan_nmap: the nmap reader on arbitrary bytes (see fuzz_scan.h). */
#define FUZZ_FORMAT "nmap"
#include "fuzz_scan.h"
