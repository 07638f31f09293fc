/*
 * store/incident.h: security incidents — the record, its lifecycle and
 * timeline, tasks, observables, evidence and custody, the DORA
 * classification, the notification clocks and the notices they cause.
 *
 * An incident is named by its reference, "IR-2026-0001" (any case; the
 * number may be written without its zeros).  Every write validates first,
 * refuses with FL_E_INVAL (a rule), FL_E_NOTFOUND (an unknown incident,
 * person, entity, asset, risk or finding) and a reason in d, and only then
 * writes; each write puts an entry on the incident's timeline where it is
 * an event of the incident, and appends an audit entry (incident.*) with
 * before/after images, all in the caller's transaction.  A refusal
 * therefore leaves the database as it was once the caller rolls back.
 *
 * Times are ISO-8601 UTC text ("2026-03-02T08:00:00Z", or any form
 * fl_time_parse reads); "now" is passed in so that callers pin it
 * (fl_now()).  A time given for something that happened (--at) may lie in
 * the past, never after now.  All strings are borrowed for the call.
 */
#ifndef FL_STORE_INCIDENT_H
#define FL_STORE_INCIDENT_H

#include "store.h"
#include "../core/clocks.h"
#include "../core/dora.h"
#include "../core/incident.h"

#define FL_INC_REF_MAX 24

/* "IR-2026-0001", "ir-2026-1" -> "IR-2026-0001"; 0 ok, -1 not a reference. */
int fl_incident_ref_norm(const char *in, char out[static FL_INC_REF_MAX]);

/* ---- the record -------------------------------------------------------- */

/*
 * A new incident.  title, category and severity are required.  Flags are
 * 1 yes, 0 no, -1 not given: critical_function and personal_data default
 * to no; dora and nis2 default to the entity's regime (entity add
 * --regime), gdpr to personal_data; art5_5/art5_6 to no.  aware (when the
 * entity became aware) defaults to now, occurred to unknown.
 */
struct fl_incident_new {
	const char *title, *description, *category, *severity;
	const char *entity, *reporter, *handler, *tlp, *services;
	const char *aware, *occurred;
	int critical_function, personal_data;
	int dora, nis2, gdpr, art5_5, art5_6;
	const char *const *assets;
	int nassets;
};

/*
 * Create it in state detected, add the task templates of its category,
 * and (high or critical) enqueue "incident.new".  ref receives the
 * reference; *ntasks (may be NULL) the number of template tasks added.
 */
fl_err fl_incident_create(struct fl_store *st, const struct fl_incident_new *in,
			  time_t now, char ref[static FL_INC_REF_MAX],
			  int *ntasks, struct fl_diag *d);

/*
 * Change fields.  NULL (or -1 for a flag) leaves a field; "" clears an
 * optional text or reference (description, entity, reporter, handler,
 * services, root_cause, root_cause_type, cause_key, lessons, occurred).
 * at is when a raised severity or a personal-data breach became known
 * (NULL: now).  Rules: a closed incident takes no changes; a new category
 * adds its task templates; a raise of the severity restarts the internal
 * ISO clock (severity-set = at; a lowering keeps it, so it never buys
 * time) and, to high or critical, enqueues "incident.new"; personal_data
 * yes records pd-breach-aware (at) unless recorded, and turns GDPR on.
 * *changed is 0 when nothing differed (nothing is written then).
 */
struct fl_incident_set {
	const char *title, *description, *category, *severity;
	const char *entity, *reporter, *handler, *tlp, *services;
	const char *root_cause, *root_cause_type, *cause_key, *lessons;
	const char *aware, *occurred;
	const char *at;
	int critical_function, personal_data;
	int dora, nis2, gdpr, art5_5, art5_6;
};
void fl_incident_set_init(struct fl_incident_set *s);
fl_err fl_incident_set(struct fl_store *st, const char *ref,
		       const struct fl_incident_set *s, time_t now,
		       int *changed, int *ntasks, struct fl_diag *d);

/*
 * Move to state (a name), at the time at (NULL: now; not before the time
 * the current state was entered).  The rules are fl_incident_move_check's;
 * a reason is recorded with the move (and is required where the rules say).
 */
fl_err fl_incident_move(struct fl_store *st, const char *ref,
			const char *state, const char *reason, const char *at,
			time_t now, struct fl_diag *d);

/* A note ("note") or decision ("decision") on the timeline at at. */
fl_err fl_incident_note(struct fl_store *st, const char *ref, const char *text,
			const char *kind, const char *at, time_t now,
			struct fl_diag *d);

/*
 * Record a clock event by its name in the rule file (iso-informed,
 * dora-initial, dora-intermediate, dora-intermediate-latest, dora-final,
 * nis2-aware, nis2-early-warning, nis2-notification, nis2-final,
 * pd-breach-aware, gdpr-notified, pd-high-risk, gdpr-subjects-informed) at
 * at (NULL: now).  An event happens once: recording it again is refused,
 * except dora-intermediate-latest (each updated intermediate report).
 * "aware", "severity-set" and "classified-major" are set by create, set
 * and classify, not here.  detail (may be NULL) goes on the timeline.
 */
fl_err fl_incident_event(struct fl_store *st, const char *ref,
			 const char *name, const char *at, const char *detail,
			 time_t now, struct fl_diag *d);

/*
 * The ISO was told by a delivered message (for the outbox's delivery
 * loop): records iso-informed at at when it is not yet recorded, with how
 * on the timeline.  *recorded says whether it was.  Delivery of a message
 * is what counts, never its queuing.
 */
fl_err fl_incident_iso_delivered(struct fl_store *st, const char *ref,
				 const char *at, const char *how,
				 int *recorded, struct fl_diag *d);

/*
 * Listing.  Fields: ref, title, category, severity, state, entity,
 * handler, tlp, major_json (true/false), aware_at, open_tasks, updated_at.
 * state and severity filter when not NULL (FL_E_INVAL when unknown).
 */
fl_err fl_incident_list(struct fl_store *st, const char *state,
			const char *severity, fl_row_fn fn, void *ctx,
			struct fl_diag *d);

/*
 * One row with every field: ref, title, description, category, severity,
 * state, entity, entity_name, services, critical_function_json, reporter,
 * reporter_email, handler, handler_email, tlp, the transition times
 * (detected_at ... closed_at), containment_skip_reason, close_reason, the
 * clock event times (aware_at, occurred_at, severity_set_at,
 * iso_informed_at, classified_major_at, dora_*_at, nis2_*_at,
 * pd_breach_aware_at, gdpr_notified_at, pd_high_risk_at,
 * gdpr_subjects_informed_at), dora_json, nis2_json, gdpr_json,
 * personal_data_json, major_json, art5_5_json, art5_6_json, root_cause,
 * root_cause_type, cause_key, lessons_learned, created_at, updated_at.
 */
fl_err fl_incident_show(struct fl_store *st, const char *ref, fl_row_fn fn,
			void *ctx, struct fl_diag *d);

/*
 * The timeline, oldest first by at (then as recorded): the incident's own
 * entries and, from the outbox (fl_notify_for_ref), every message queued
 * about it and every delivery attempt.  Fields: at, recorded_at, author,
 * kind, text, source ("incident" or "outbox").
 */
fl_err fl_incident_timeline(struct fl_store *st, const char *ref,
			    fl_row_fn fn, void *ctx, struct fl_diag *d);

/* Linked objects: kind (asset, risk, finding), key, title. */
fl_err fl_incident_links(struct fl_store *st, const char *ref, fl_row_fn fn,
			 void *ctx, struct fl_diag *d);

/*
 * Link risks ("R-0004"), findings ("12" or "F-12") and assets (name,
 * hostname or IP).  Every reference is resolved before anything is
 * written; one unknown refuses all.  *added counts the new links.
 */
fl_err fl_incident_link(struct fl_store *st, const char *ref,
			const char *const *risks, int nrisks,
			const char *const *findings, int nfindings,
			const char *const *assets, int nassets, long *added,
			struct fl_diag *d);

/* ---- tasks ------------------------------------------------------------- */

/*
 * Add a task; due is a time, or a span from now ("4h", "2d"), or NULL.
 * owner is a person (NULL: none).  *num receives its number.
 */
fl_err fl_incident_task_add(struct fl_store *st, const char *ref,
			    const char *title, const char *owner,
			    const char *due, time_t now, long *num,
			    struct fl_diag *d);
/* Mark task num done (or cancelled) at at (NULL: now).  Only open tasks. */
fl_err fl_incident_task_done(struct fl_store *st, const char *ref, long num,
			     int cancel, const char *at, time_t now,
			     struct fl_diag *d);
/* Fields: num, title, owner, due, status, done_at, overdue_json, template. */
fl_err fl_incident_tasks(struct fl_store *st, const char *ref, time_t now,
			 fl_row_fn fn, void *ctx, struct fl_diag *d);

/* ---- observables ------------------------------------------------------- */

/* ip, domain, url, hash, email, account, filename. */
#define FL_OBS_TYPES "ip, domain, url, hash, email, account, filename"
#define FL_OBS_VALUE_MAX 2048
int fl_observable_type_valid(const char *type);

/*
 * The stored form of an observable, so the same thing is stored once:
 *   ip        inet_ntop's canonical form (IPv4 dotted, IPv6 compressed
 *             lower case)
 *   domain    lower case, no trailing dot; ASCII letters, digits, '-',
 *             '_' and dots (an IDN in its xn-- form)
 *   url       scheme and host in lower case, the rest as given
 *   hash      lower-case hex of 32, 40, 64 or 128 digits (MD5, SHA-1,
 *             SHA-256, SHA-512)
 *   email     lower case, one '@', a domain after it
 *   account   as given (trimmed): case can matter
 *   filename  as given (trimmed)
 * Defanged input is refanged first for ip, domain, url and email
 * ("hxxp", "[.]", "(.)", "[dot]", "[:]", "[@]").  Blanks around the value
 * are dropped; control characters refuse it.  out has FL_OBS_VALUE_MAX
 * bytes.  FL_E_INVAL with the reason in d.
 */
fl_err fl_observable_norm(const char *type, const char *value,
			  char out[static FL_OBS_VALUE_MAX], struct fl_diag *d);

/*
 * Link an observable to the incident (created when new) with its TLP
 * (NULL: the incident's).  Adding it again updates the marking.  *fresh
 * (may be NULL) is 1 when the observable was new to the database.
 */
fl_err fl_incident_observable_add(struct fl_store *st, const char *ref,
				  const char *type, const char *value,
				  const char *tlp, time_t now, int *fresh,
				  struct fl_diag *d);
/* Fields: type, value, tlp, added_at, added_by, other_incidents. */
fl_err fl_incident_observables(struct fl_store *st, const char *ref,
			       fl_row_fn fn, void *ctx, struct fl_diag *d);
/*
 * Every incident an observable was seen in, searched by value in any of
 * its normal forms (type NULL: all types).  Fields: type, value, tlp,
 * incident, title, state, severity, added_at.
 */
fl_err fl_incident_observable_search(struct fl_store *st, const char *value,
				     const char *type, fl_row_fn fn, void *ctx,
				     struct fl_diag *d);

/* ---- evidence ---------------------------------------------------------- */

struct fl_evidence_in {
	const char *file;        /* path of the file to register */
	const char *by;          /* who collected it (a person) */
	const char *location;    /* where it is kept */
	const char *description; /* may be NULL */
	const char *at;          /* when collected (NULL: now) */
};
/*
 * Register a file: SHA-256 (streamed) and size, the collector as first
 * holder, and the collection as the first custody entry.  A missing file
 * is FL_E_NOINPUT.  id, sha256 and size receive what was recorded.
 */
fl_err fl_incident_evidence_add(struct fl_store *st, const char *ref,
				const struct fl_evidence_in *in, time_t now,
				long long *id, char sha256[static 65],
				long long *size, struct fl_diag *d);
/*
 * Hand evidence id (of this incident) from its holder to another person,
 * for a purpose, optionally to a new location.
 */
fl_err fl_incident_evidence_handover(struct fl_store *st, const char *ref,
				     long long id, const char *to,
				     const char *purpose, const char *location,
				     const char *at, time_t now,
				     struct fl_diag *d);
/* Fields: id, name, sha256, size, collected_by, collected_at, location,
 * holder, description, path. */
fl_err fl_incident_evidence(struct fl_store *st, const char *ref,
			    fl_row_fn fn, void *ctx, struct fl_diag *d);
/* The chain of custody: evidence, at, from, to, purpose, location,
 * recorded_at, recorded_by. */
fl_err fl_incident_custody(struct fl_store *st, const char *ref,
			   fl_row_fn fn, void *ctx, struct fl_diag *d);
/*
 * Re-hash every evidence file of the incident.  Fields: id, name, path,
 * sha256, now_sha256, size, now_size, result (match, mismatch, missing,
 * unreadable).  *bad counts the rest.  Writes one timeline entry and an
 * audit entry with the outcome.
 */
fl_err fl_incident_evidence_verify(struct fl_store *st, const char *ref,
				   time_t now, long *bad, fl_row_fn fn,
				   void *ctx, struct fl_diag *d);

/* ---- DORA classification ----------------------------------------------- */

/*
 * Record a classification: the inputs are checked (fl_dora_check),
 * classified (fl_dora_classify) and stored with the result.  at is when
 * it was made (NULL: now).  A change to major sets classified-major = at
 * (the DORA clocks start) and enqueues "incident.major"; a change back to
 * not major stops them.  res receives the result; *became_major whether
 * this classification made it major.
 */
fl_err fl_incident_classify(struct fl_store *st, const char *ref,
			    const struct fl_dora_input *in,
			    const char *member_state_codes, const char *at,
			    time_t now, struct fl_dora_result *res,
			    int *became_major, struct fl_diag *d);
/*
 * The latest classification's inputs (zeroed when there is none: *found
 * 0) and the Member State codes as recorded (64 bytes).
 */
fl_err fl_incident_dora_input(struct fl_store *st, const char *ref,
			      struct fl_dora_input *in, char codes[static 64],
			      int *found, struct fl_diag *d);
/* The latest classification row: every input column, major_json, fired,
 * reason, classified_at, classified_by (no row: none classified). */
fl_err fl_incident_classification(struct fl_store *st, const char *ref,
				  fl_row_fn fn, void *ctx, struct fl_diag *d);

/*
 * Recurring incidents (RTS Art. 8(2)): other incidents with the same
 * cause key, not major on their own, within 6 months before this one
 * (by awareness date), that together with it meet Art. 8(1).  fn gets
 * one row per incident of the group (ref, title, aware_at, cause_key) when
 * the group is major; res (may be NULL) receives the group's result.
 * Nothing is offered for an incident without a cause key or without a
 * classification, or that is major on its own.
 */
fl_err fl_incident_recurring(struct fl_store *st, const char *ref,
			     fl_row_fn fn, void *ctx,
			     struct fl_dora_result *res, struct fl_diag *d);

/* ---- clocks and notices ------------------------------------------------ */

/*
 * The active clock rules: setting 'clock_rules' when set (the text of a
 * clocks.conf), else the shipped data/clocks.conf.
 */
fl_err fl_incident_clock_rules(struct fl_store *st, struct fl_clock_set *s,
			       struct fl_diag *d);
/* Store rule text (already parsed by the caller) as setting 'clock_rules';
 * NULL returns to the shipped rules.  Audited. */
fl_err fl_incident_clock_rules_set(struct fl_store *st, const char *text,
				   struct fl_diag *d);

/*
 * The clock facts of an incident from its stored times: every event time,
 * the regimes (DORA when it applies, its events only while the latest
 * classification is major; NIS2; GDPR when it applies or personal data
 * were breached; internal always), the severity and the Art. 5(5)/(6)
 * flags.
 */
fl_err fl_incident_facts(struct fl_store *st, const char *ref,
			 struct fl_clock_facts *f, struct fl_diag *d);

/*
 * Clocks, one row each.  With ref: every clock of that incident in rule
 * order.  Without: every clock still owed across incidents — running, or
 * breached and not done — most urgent first (fl_clock_urgency_cmp); with
 * within >= 0 only those whose deadline is at most within seconds away
 * (breached ones included, untimed duties not).  Fields: incident, title,
 * severity, regime, clock, status, start, due, deadline, done, time_left,
 * seconds_left, elapsed_pct, relieved_json, capped_json, cite.
 */
fl_err fl_incident_clocks(struct fl_store *st, const char *ref, time_t now,
			  long long within, fl_row_fn fn, void *ctx,
			  struct fl_diag *d);

/*
 * The clock sweep: for every incident, each running timed clock at 75 %
 * of its time or more enqueues "clock.warning" once, and each breached
 * clock "clock.breached" once (fl_notice.dedup keys
 * "clock:IR-2026-0001:DORA:initial-notification:warning:<deadline>", so a
 * clock restarted with a new deadline warns again).  Call at the start of
 * every incident command and from `notify run`, inside the transaction.
 */
fl_err fl_incident_sweep(struct fl_store *st, time_t now, struct fl_diag *d);

#endif
