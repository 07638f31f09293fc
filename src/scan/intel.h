/*
 * intel: readers for the threat-intelligence files `vuln enrich` loads,
 * the offline copies the user refreshes by hand:
 *
 *   - CISA's Known Exploited Vulnerabilities catalogue, in JSON
 *     (known_exploited_vulnerabilities.json) or in CSV (the same columns);
 *   - EPSS scores, either FIRST's daily CSV (a "#model_version:...,
 *     score_date:..." comment line, then cve,epss,percentile) or the
 *     KEV_EPSS CSV (CVE,CVSS3,EPSS,EPSS Percentile,Description,Vendor,
 *     Product).
 *
 * Which of the forms a file is in is told from its content, never from its
 * name.  Like the ingest readers these are pure functions from bytes to
 * records: (pointer, length) and a file name for diagnostics in, one
 * callback per record out; no database, no printing.  Malformed input - a
 * syntax error, a missing column, a CVE id that is not CVE-YYYY-NNNN+, a
 * date that is not a real YYYY-MM-DD, a score outside [0,1] - stops the
 * reader with FL_E_SYNTAX and a diag naming FILE:LINE:COL.  Every record is
 * validated before it is handed on, but records already handed on stay
 * handed on: a caller that wants all or nothing wraps the parse in a
 * transaction.  A callback's non-FL_OK return stops the reader with that
 * code and its diag untouched.
 */
#ifndef FL_INTEL_H
#define FL_INTEL_H

#include "../util/util.h"

/* What a file holds, from its first bytes (fl_intel_sniff). */
enum fl_intel_kind {
	FL_INTEL_UNKNOWN = 0,
	FL_INTEL_KEV_JSON,
	FL_INTEL_KEV_CSV,
	FL_INTEL_EPSS_FIRST,	/* FIRST's daily CSV */
	FL_INTEL_EPSS_KEV	/* the KEV_EPSS CSV */
};
/* The kind of data (up to its first 4 KiB are looked at). */
enum fl_intel_kind fl_intel_sniff(const char *data, size_t len);
/* "kev-json", "kev-csv", "epss-first", "epss-kev" or "unknown". */
const char *fl_intel_kind_name(enum fl_intel_kind k);

/* knownRansomwareCampaignUse: CISA says "Known" or "Unknown". */
enum fl_kev_ransomware {
	FL_KEV_RANSOM_UNKNOWN = 0,	/* "Unknown", or the field is absent */
	FL_KEV_RANSOM_KNOWN = 1
};

#define FL_KEV_MAX_CWES 64

struct fl_kev_entry {
	const char *cve;		/* "CVE-2021-44228" */
	const char *vendor;		/* vendorProject */
	const char *product;
	const char *name;		/* vulnerabilityName */
	const char *date_added;		/* YYYY-MM-DD */
	const char *due_date;		/* YYYY-MM-DD: CISA's remediation date */
	const char *required_action;
	const char *description;	/* shortDescription, or NULL */
	const char *notes;		/* or NULL */
	enum fl_kev_ransomware ransomware;
	const char *const *cwes;	/* "CWE-79"..., in file order */
	size_t ncwes;
	const char *catalog_version;	/* JSON catalogVersion; NULL in CSV */
	const char *date_released;	/* JSON dateReleased; NULL in CSV */
	unsigned long line;		/* where the entry starts, 1-based; 0 unknown */
	size_t index;			/* 0 for the first entry */
};

struct fl_epss_entry {
	const char *cve;
	double score;			/* EPSS probability, [0,1] */
	double percentile;		/* [0,1] */
	const char *score_date;		/* YYYY-MM-DD from FIRST's comment line, or NULL */
	const char *model_version;	/* "v2026.06.15" from the comment line, or NULL */
	double cvss3;			/* KEV_EPSS CVSS3 base score [0,10]; < 0 absent */
	const char *description;	/* KEV_EPSS only, else NULL */
	const char *vendor, *product;	/* KEV_EPSS only, else NULL */
	unsigned long line;		/* 1-based */
	size_t index;			/* 0 for the first score row */
};

/* All pointers in an entry are borrowed for the call only. */
typedef fl_err (*fl_kev_fn)(void *ctx, const struct fl_kev_entry *e,
			    struct fl_diag *d);
typedef fl_err (*fl_epss_fn)(void *ctx, const struct fl_epss_entry *e,
			     struct fl_diag *d);

/*
 * The KEV catalogue in JSON (first non-blank byte '{') or CSV (a header
 * naming cveID, vendorProject, product, vulnerabilityName, dateAdded,
 * requiredAction and dueDate; shortDescription, knownRansomwareCampaignUse,
 * notes and cwes are read when present).  Unknown members and columns are
 * ignored; "count" is not checked against the entries, so a catalogue
 * trimmed by hand still reads.  Duplicate CVEs are handed on as they come.
 */
fl_err fl_intel_parse_kev(const char *data, size_t len, const char *filename,
			  fl_kev_fn fn, void *ctx, struct fl_diag *d);

/*
 * EPSS scores: FIRST's CSV (the comment line is optional; its score_date
 * and model_version are passed with every row) or the KEV_EPSS CSV (an
 * empty CVSS3 gives cvss3 < 0).
 */
fl_err fl_intel_parse_epss(const char *data, size_t len, const char *filename,
			   fl_epss_fn fn, void *ctx, struct fl_diag *d);

#endif
