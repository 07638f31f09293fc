/*
 * fuzz_intel_kev: fl_intel_parse_kev (JSON and CSV catalogues) and the
 * sniffer on arbitrary bytes (the body is fuzz_intel.h).
 *
 * Besides the sanitizers, the harness checks what the reader promises and
 * aborts when a promise breaks: every entry handed on has a well-formed
 * CVE id and two real dates, its CWE list is CWE-N ids, entries are
 * numbered from 0 without gaps; a refusal is FL_E_SYNTAX or FL_E_LIMIT
 * with the file name, a position and a reason; and a callback's error
 * comes back unchanged (the first byte, when odd, stops at entry two).
 */
#define FUZZ_NAME "fuzz.kev"
#include "fuzz_intel.h"

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void
check_date(const char *s)
{
	check(s != NULL && strlen(s) == 10 && digits(s, 4) && s[4] == '-' &&
	      digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2));
}

static fl_err
on_entry(void *ctx, const struct fl_kev_entry *e, struct fl_diag *d)
{
	struct fz *z = ctx;
	size_t k, n;

	check(e->index == z->n++);
	check(e->cve != NULL && (n = strlen(e->cve)) >= 13 && n <= 28);
	check(memcmp(e->cve, "CVE-", 4) == 0 && digits(e->cve + 4, 4) &&
	      e->cve[8] == '-' && digits(e->cve + 9, n - 9));
	check_date(e->date_added);
	check_date(e->due_date);
	check(e->vendor && e->product && e->name && e->required_action);
	check(e->ransomware == FL_KEV_RANSOM_KNOWN ||
	      e->ransomware == FL_KEV_RANSOM_UNKNOWN);
	check(e->ncwes <= FL_KEV_MAX_CWES);
	for (k = 0; k < e->ncwes; k++)
		check(strncmp(e->cwes[k], "CWE-", 4) == 0 &&
		      e->cwes[k][4] != '\0' &&
		      digits(e->cwes[k] + 4, strlen(e->cwes[k] + 4)));
	return fuzz_next(z, d);
}

static fl_err
fuzz_parse(const char *data, size_t size, struct fz *z, struct fl_diag *d)
{
	return fl_intel_parse_kev(data, size, FUZZ_NAME, on_entry, z, d);
}
