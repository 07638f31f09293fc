/*
 * fuzz_logmap: the logsource mapping parser (detect/logsource.c) on
 * arbitrary bytes, and the resolution of a few logsources against what it
 * accepted.
 *
 * Invariants, besides the sanitizers:
 * - a refusal names the file and says why in printable text;
 * - an accepted mapping resolves every logsource to at least one
 *   alternative, each with non-NULL channels, conditions and renames
 *   where it says it has them.
 */
#include "detect/logsource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(c) ((c) ? (void)0 : fail(__LINE__, #c))

static void
fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_logmap.c:%d: invariant broken: %s\n", line, what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fl_sigma_logsource ls[] = {
		{"windows", "process_creation", NULL, NULL},
		{"windows", NULL, "security", NULL},
		{NULL, "a", "b", NULL},
		{"linux", NULL, "sshd", NULL},
		{NULL, NULL, NULL, NULL},
	};
	struct fl_logmap *m = NULL;
	struct fl_diag d;
	size_t i, j, k;

	if (size > (1 << 20))
		return 0;
	fl_diag_clear(&d);
	if (fl_logmap_parse("fuzz.yml", (const char *)data, size, &m, &d) !=
	    FL_OK) {
		check(m == NULL);
		check(strcmp(d.file, "fuzz.yml") == 0 || d.file[0] == '\0');
		check(d.msg[0] != '\0');
		for (i = 0; d.msg[i]; i++)
			check((unsigned char)d.msg[i] >= 0x20);
		return 0;
	}
	for (i = 0; i < sizeof ls / sizeof ls[0]; i++) {
		struct fl_logsource_alt *alts;
		size_t n;
		int known;

		check(fl_logmap_resolve(m, &ls[i], &alts, &n, &known) == FL_OK);
		check(n >= 1);
		for (j = 0; j < n; j++) {
			check(alts[j].name != NULL);
			for (k = 0; k < alts[j].nchannel; k++)
				check(alts[j].channel[k] != NULL);
			for (k = 0; k < alts[j].ncond; k++)
				check(alts[j].cond[k].field != NULL);
			for (k = 0; k < alts[j].nmap; k++)
				check(alts[j].map_from[k] && alts[j].map_to[k]);
		}
		free(alts);
	}
	fl_logmap_free(m);
	return 0;
}
