/*
 * logsource: which events a Sigma rule's logsource means, as data.
 *
 * A rule says `logsource: {product: windows, category: process_creation}`;
 * the events are Sysmon's EventID 1 in the Sysmon channel, or Security's
 * 4688 where the image is called NewProcessName.  That knowledge lives in a
 * mapping file (the shipped data/logsources.yml, or --mapping FILE), in the
 * schema SigmaHQ's CI uses for its regression tests:
 *
 *   logsources:
 *     NAME:
 *       product: P      category: C      service: S
 *       conditions: {FIELD: VALUE | [VALUES]}   # what the events carry
 *       rewrite: {product: P, service: S}       # the service it comes from
 *       fieldmappings: {RULE_FIELD: EVENT_FIELD}
 *       sources: ["WinEventLog:CHANNEL", ...]   # File: sources are ignored
 *
 * A rule's logsource resolves to alternatives: each a set of channels
 * (empty: any), a set of field conditions, and field renames.  A logsource
 * the mapping does not know resolves to one alternative without
 * restrictions: the rule is tried on every event of its product (see
 * docs/detection.md, "Logsources").
 */
#ifndef FL_DETECT_LOGSOURCE_H
#define FL_DETECT_LOGSOURCE_H

#include "detect/sigma.h"

struct fl_logsource_cond {
	const char *field;
	const char **val;
	size_t nval;
};

struct fl_logsource_alt {
	const char *name;              /* the mapping entry ("" when none) */
	const char *product;           /* the entry's product, or NULL */
	const char **channel;          /* any of these Channel values */
	size_t nchannel;
	struct fl_logsource_cond *cond; /* all of these */
	size_t ncond;
	const char **map_from, **map_to; /* rule field -> event field */
	size_t nmap;
};

struct fl_logmap;

/* Parse a mapping (YAML text of n bytes; name for diagnostics). */
fl_err fl_logmap_parse(const char *name, const char *text, size_t n,
		       struct fl_logmap **out, struct fl_diag *d);
/* The shipped mapping (data/logsources.yml, embedded in the binary). */
fl_err fl_logmap_default(struct fl_logmap **out, struct fl_diag *d);
fl_err fl_logmap_load(const char *path, struct fl_logmap **out,
		      struct fl_diag *d);
void fl_logmap_free(struct fl_logmap *m);
size_t fl_logmap_entries(const struct fl_logmap *m);

/*
 * The alternatives of a logsource, valid while the map lives.  Never
 * empty: an unknown logsource gives one alternative without restrictions
 * (*known is then 0).  The array is allocated; free it with free().
 */
fl_err fl_logmap_resolve(const struct fl_logmap *m,
			 const struct fl_sigma_logsource *ls,
			 struct fl_logsource_alt **alts, size_t *nalt,
			 int *known);

/*
 * A field mapping for events whose names differ from Sigma's (ECS,
 * Winlogbeat): a YAML file `fieldmappings: {SIGMA_FIELD: EVENT_FIELD or
 * [EVENT_FIELDS]}`.  Each event name becomes another spelling of the
 * Sigma name in KEYS, so a rule on Image reads process.executable.  Load
 * it before the rules are compiled.  Refusals name FILE:LINE:COL.
 */
struct fl_keys;
fl_err fl_fieldmap_load(const char *path, struct fl_keys *keys,
			size_t *nmapped, struct fl_diag *d);

#endif
