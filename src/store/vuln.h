/*
 * store/vuln.h: the vulnerability register — imported scans, findings per
 * asset and place, their status workflow, KEV/EPSS and priorities.
 *
 * An import is streamed: begin, then the reader's sink (one call per raw
 * finding and per scanned host), then end, which applies the re-scan
 * semantics (what this scan no longer shows is fixed when the scan covered
 * its host, port and, for credentialed checks, logged in; otherwise not
 * seen) and writes one audit entry for the scan.  The caller wraps the
 * whole in one transaction and rolls back on any error, so a bad report
 * leaves the database as it was.
 */
#ifndef FL_STORE_VULN_H
#define FL_STORE_VULN_H

#include "store.h"
#include "../core/core.h"
#include "../scan/scan.h"

struct fl_vuln_import_opts {
	const char *scope;   /* NULL: the format's family (nessus, trivy, ...) */
	const char *entity;  /* entity of assets discovered by the scan, or NULL */
	const char *asset;   /* asset of every finding of the report (an image,
			      * a repository, one web application); NULL: by
			      * host, and for findings on no host the report's
			      * target, else the file's base name */
	const char *format;  /* the format the report was read as */
	const char *source;  /* the file, as named on the command line */
	long long bytes;
};

struct fl_vuln_import_result {
	long long scan_id;
	char scope[128];
	long items, hosts, discovered;
	long created, reopened, changed, fixed, not_seen, unchanged;
	int duplicate;              /* the same file was imported before */
	long long duplicate_of;     /* that scan's id */
};

struct fl_vuln_import;
fl_err fl_vuln_import_begin(struct fl_store *st,
			    const struct fl_vuln_import_opts *o,
			    struct fl_vuln_import **out, struct fl_diag *d);
/* The sink to hand to the reader (fl_scan_read_*). */
void fl_vuln_import_sink(struct fl_vuln_import *imp, struct fl_scan_sink *sink);
/* The diag a failed sink call filled. */
struct fl_diag *fl_vuln_import_diag(struct fl_vuln_import *imp);
/*
 * Finish: file_hash identifies the report's bytes.  When the scope already
 * holds a scan of the same bytes, r->duplicate is set and the caller must
 * roll back (nothing of this import may stay).
 */
fl_err fl_vuln_import_end(struct fl_vuln_import *imp, const char *file_hash,
			  struct fl_vuln_import_result *r, struct fl_diag *d);
void fl_vuln_import_free(struct fl_vuln_import *imp);

/* The scope family of a format name ("tenable-csv" -> "tenable"). */
const char *fl_vuln_family(const char *format);

/*
 * Findings whose risk acceptance ended (the risk is no longer accepted,
 * or its acceptance expired before today) are reopened.  fn (may be NULL)
 * gets id, title, asset, risk for each.  Call inside the transaction.
 */
fl_err fl_vuln_sweep(struct fl_store *st, const char *today, fl_row_fn fn,
		     void *ctx, struct fl_diag *d);
/*
 * Recompute priority and deadline of every finding still to remediate;
 * *changed counts the rows updated.  Without force, only when the assets
 * or their criticality changed since the last pass (loading KEV/EPSS and
 * changing the SLA force one).
 */
fl_err fl_vuln_reprioritize(struct fl_store *st, int force, long *changed,
			    struct fl_diag *d);

/* The SLA in force (setting vuln.sla, else the defaults). */
fl_err fl_vuln_sla_get(struct fl_store *st, struct fl_vuln_sla *s,
		       struct fl_diag *d);
fl_err fl_vuln_sla_set(struct fl_store *st, const struct fl_vuln_sla *s,
		       struct fl_diag *d);

struct fl_vuln_filter {
	const char *status;    /* one status, "all", or NULL: open and not_seen */
	const char *priority;  /* P1..P4 or NULL */
	const char *asset;     /* name, hostname or IP, or NULL */
	const char *scope;
	const char *today;     /* for overdue */
	int overdue;           /* only findings past their deadline */
	int kev;               /* only KEV findings */
	long limit;            /* 0: all */
};
/*
 * Rows: id, priority, due, overdue (0/1), status, severity, title, asset,
 * place, cves, kev (0/1), kev_due, epss, cvss, scanner, rule, scope,
 * first_seen, last_seen, risk.  Most urgent first.
 */
fl_err fl_vuln_list(struct fl_store *st, const struct fl_vuln_filter *f,
		    fl_row_fn fn, void *ctx, struct fl_diag *d);
/* One finding, every field (rule text included) and history_json,
 * scans_json. */
fl_err fl_vuln_show(struct fl_store *st, long long id, const char *today,
		    fl_row_fn fn, void *ctx, struct fl_diag *d);
/* Parts of a finding: "history" (at, actor, kind, from, to, reason,
 * scan), "scans" (scan, scanned_at, source, severity) or "cves" (cve,
 * kev_due, ransomware, epss, epss_percentile). */
fl_err fl_vuln_show_part(struct fl_store *st, long long id, const char *part,
			 fl_row_fn fn, void *ctx, struct fl_diag *d);
/* Imported scans: id, scope, format, source, scanned_at, imported_at,
 * items, hosts, created, reopened, changed, fixed, not_seen, unchanged. */
fl_err fl_vuln_scans(struct fl_store *st, const char *scope, fl_row_fn fn,
		     void *ctx, struct fl_diag *d);

/* Statistics (the SLA report). */
struct fl_vuln_stats {
	long open[5];              /* by priority; [0] = no priority (info) */
	long age[5][4];            /* open by priority and age: <=30, <=90,
				    * <=180, >180 days since first seen */
	long overdue[5];
	long not_seen, fixed, false_positive, risk_accepted;
	long kev_open;
	long sla_met, sla_total;   /* fixed within / all fixed with a deadline */
	long open_in_sla, open_with_due;
	double mttr_days;          /* mean first_seen -> fixed; < 0 if none */
	double mttr_by_prio[5];
};
fl_err fl_vuln_stats(struct fl_store *st, const char *today, const char *scope,
		     struct fl_vuln_stats *s, struct fl_diag *d);

/* Manual status: false_positive (reason required), fixed (reason
 * required: verified by a retest), open (reopen).  risk_accepted only
 * through fl_vuln_link_risk. */
fl_err fl_vuln_set_status(struct fl_store *st, long long id,
			  const char *status, const char *reason,
			  struct fl_diag *d);
/*
 * Link a finding to a risk.  When the risk is accepted (approver and
 * expiry from the register), the finding becomes risk_accepted until the
 * acceptance ends.  *accepted says whether it did.
 */
fl_err fl_vuln_link_risk(struct fl_store *st, long long id, const char *risk,
			 int *accepted, struct fl_diag *d);

/*
 * Escalation: every P1 finding past its deadline that no risk covers,
 * grouped by rule.  With create, a risk (status identified) is created per
 * rule, linked to the assets, and the findings linked to it.  Rows: risk
 * (ref or NULL), rule, title, findings, assets, oldest_due.
 */
fl_err fl_vuln_escalate(struct fl_store *st, const char *today, int create,
			fl_row_fn fn, void *ctx, struct fl_diag *d);

/* Threat intelligence, loaded by `vuln enrich`. */
struct fl_vuln_kev {
	const char *cve, *vendor, *product, *name, *date_added, *due_date,
		*ransomware;
};
struct fl_vuln_epss {
	const char *cve, *score_date;
	double score, percentile; /* percentile < 0 when absent */
};
/* Replace the KEV catalogue: begin, put each entry, done. */
fl_err fl_vuln_kev_clear(struct fl_store *st, struct fl_diag *d);
fl_err fl_vuln_kev_put(struct fl_store *st, const struct fl_vuln_kev *k,
		       struct fl_diag *d);
fl_err fl_vuln_epss_put(struct fl_store *st, const struct fl_vuln_epss *e,
			struct fl_diag *d);
/* After loading: how many findings still to remediate are in KEV / have an
 * EPSS score; audits vuln.enrich with the counts. */
fl_err fl_vuln_enrich_done(struct fl_store *st, const char *what, long kev,
			   long epss, long *kev_findings, long *epss_findings,
			   struct fl_diag *d);

#endif
