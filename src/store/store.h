/*
 * store: the only module that speaks SQL.
 *
 * The rest of firstline sees an opaque struct fl_store, transactions, and
 * one function per domain operation.  Every statement binds its parameters;
 * no SQL text is ever built from input.  Listings come back as generic rows
 * (struct fl_row) whose column names are the stable field names of the
 * --json output, so cli/ prints tables and JSON without knowing the schema.
 *
 * The schema lives in migrations/NNN_name.sql, written in SQL that both
 * SQLite and PostgreSQL accept; the one back-end-specific spelling (an
 * auto-numbered primary key) is the token {{ID}}.  Anything SQLite-only
 * (pragmas, the FTS5 index) stays in sqlite.c.
 *
 * Every change made through a domain function appends a hash-chained entry
 * to the audit log inside the same transaction, so the log can never
 * disagree with the data it describes.
 */
#ifndef FL_STORE_H
#define FL_STORE_H

#include "../util/util.h"

struct fl_store;

/* ---- connection and transactions ---------------------------------- */

/*
 * Open (and with create != 0, create) the database at path and apply any
 * pending migrations.  On success *out owns the connection: fl_store_close.
 * Without create, a missing file is FL_E_NOINPUT ("run firstline init").
 */
fl_err fl_store_open(const char *path, int create, struct fl_store **out,
		     struct fl_diag *d);
void fl_store_close(struct fl_store *st);
/* Schema version after migrations. */
int fl_store_schema_version(struct fl_store *st);
/* Who is acting: recorded in the audit log.  The string is copied. */
void fl_store_set_actor(struct fl_store *st, const char *actor);
const char *fl_store_actor(const struct fl_store *st);

/* One transaction per unit of work (an import, a command).  Not nested. */
fl_err fl_store_begin(struct fl_store *st);
fl_err fl_store_commit(struct fl_store *st);
void fl_store_rollback(struct fl_store *st);

/* The last database error message (borrowed, valid until the next call). */
const char *fl_store_errmsg(struct fl_store *st);

/* ---- generic rows --------------------------------------------------- */

enum fl_col_type { FL_COL_NULL, FL_COL_INT, FL_COL_REAL, FL_COL_TEXT };

/* One result row; all pointers are borrowed for the duration of the callback. */
struct fl_row {
	int ncol;
	const char *const *names; /* stable field names */
	const char *const *vals;  /* text of each value, NULL for SQL NULL */
	const enum fl_col_type *types;
};
/* Called once per row; a non-FL_OK return stops the query with that code. */
typedef fl_err (*fl_row_fn)(void *ctx, const struct fl_row *row);

/* Value of column name in row, or NULL when absent or NULL. */
const char *fl_row_get(const struct fl_row *row, const char *name);

/* ---- settings (key/value, e.g. the risk matrix text) --------------- */

/* *out is malloc'ed, or NULL when unset. */
fl_err fl_store_setting_get(struct fl_store *st, const char *key, char **out);
fl_err fl_store_setting_set(struct fl_store *st, const char *key,
			    const char *value);

/* ---- audit trail ---------------------------------------------------- */

/*
 * Append one entry: action ("risk.create"), object ("risk:R-0003"),
 * before/after as JSON text or NULL.  Time and actor come from the store.
 * The entry's hash is BLAKE2b-256 over the previous hash and the entry's
 * fields (see core/audit.c), so any edit, deletion or reordering of rows
 * breaks the chain.
 */
fl_err fl_store_audit(struct fl_store *st, const char *action,
		      const char *object, const char *before, const char *after);
/* Every entry in order, oldest first (fields: seq, time, actor, action,
 * object, before, after, hash). limit 0 means all; newest_first reverses. */
fl_err fl_store_audit_list(struct fl_store *st, long limit, int newest_first,
			   fl_row_fn fn, void *ctx);
/*
 * Re-compute the chain.  FL_OK when intact; FL_E_SYNTAX with *bad_seq set to
 * the first entry whose hash, link or sequence is wrong, and a reason in d.
 */
fl_err fl_store_audit_verify(struct fl_store *st, long *checked,
			     long *bad_seq, struct fl_diag *d);

/* ---- entities, people, assets (store/org.c) -------------------------- */
/* SECTION org: owned by the org/asset work; edit only inside this block. */

/*
 * Lookups used across the store's users.  Each returns FL_E_NOTFOUND when
 * nothing matches.  A person is found by e-mail or by exact name
 * (case-insensitive); a name that several people share is FL_E_INVAL
 * (ambiguous: use the e-mail); role receives the person's role ("iso", ...)
 * when rolesz > 0.  An entity is found by code or name (names are unique
 * across codes and names, so this is never ambiguous).  An asset by name,
 * hostname or IP address (any spelling of an IPv6 address).
 */
fl_err fl_store_person_find(struct fl_store *st, const char *key,
			    long long *id, char *role, size_t rolesz);
fl_err fl_store_entity_find(struct fl_store *st, const char *key,
			    long long *id);
fl_err fl_store_asset_find(struct fl_store *st, const char *key,
			   long long *id);
/*
 * The same lookups for a command's arguments: on failure d says what the
 * reference was for (what: "owner", "approver", ...) and how to fix it, so
 * every command words a missing or ambiguous reference alike.
 */
fl_err fl_store_person_resolve(struct fl_store *st, const char *what,
			       const char *key, long long *id, char *role,
			       size_t rolesz, struct fl_diag *d);
fl_err fl_store_entity_resolve(struct fl_store *st, const char *key,
			       long long *id, struct fl_diag *d);
fl_err fl_store_asset_resolve(struct fl_store *st, const char *key,
			      long long *id, struct fl_diag *d);

/*
 * Writes.  Each validates its input, refuses with FL_E_INVAL (bad or
 * conflicting value) or FL_E_NOTFOUND (a named entity, person or asset does
 * not exist) and a reason in d, and audits what it changed (entity.create,
 * entity.update, person.create, person.update, asset.create, asset.update)
 * with before/after images.  A write that changes nothing audits nothing
 * and reports *changed = 0.  The caller owns the transaction.
 * All strings are borrowed for the call.
 */

/* The roles a person can hold, as one line for messages. */
#define FL_PERSON_ROLES "itso, citso, iso, control-owner, auditor, staff"
int fl_person_role_valid(const char *role);
/* dora, nis2 or none. */
int fl_entity_regime_valid(const char *regime);

/*
 * An entity.  add: code (letters, digits, '.', '_', '-'; at most 32) and
 * name required; central 1 makes it the Group's central IT (only one entity
 * may be); regime NULL is unknown.  set: NULL or central -1 leaves a field
 * as it is.
 */
struct fl_entity_in {
	const char *code, *name;
	int central;
	const char *regime;
};
fl_err fl_store_entity_add(struct fl_store *st, const struct fl_entity_in *e,
			   struct fl_diag *d);
fl_err fl_store_entity_set(struct fl_store *st, const char *key,
			   const struct fl_entity_in *e, int *changed,
			   struct fl_diag *d);
/* Rows: code, name, central_json (true/false), regime, people, assets,
 * created_at.  show: one row for an entity found by code or name. */
fl_err fl_store_entity_list(struct fl_store *st, fl_row_fn fn, void *ctx);
fl_err fl_store_entity_show(struct fl_store *st, const char *key,
			    fl_row_fn fn, void *ctx, struct fl_diag *d);

/*
 * A person.  add: email and name required; role NULL is staff; department
 * and entity NULL are none.  The e-mail is stored in lower case and is
 * unique.  set: NULL leaves a field; "" clears department or entity.
 */
struct fl_person_in {
	const char *email, *name, *department, *role, *entity;
};
fl_err fl_store_person_add(struct fl_store *st, const struct fl_person_in *p,
			   struct fl_diag *d);
fl_err fl_store_person_set(struct fl_store *st, const char *key,
			   const struct fl_person_in *p, int *changed,
			   struct fl_diag *d);
/* Rows: email, name, department, role, entity, assets (owned), created_at.
 * role and entity filter when not NULL. */
fl_err fl_store_person_list(struct fl_store *st, const char *role,
			    const char *entity, fl_row_fn fn, void *ctx,
			    struct fl_diag *d);
fl_err fl_store_person_show(struct fl_store *st, const char *key,
			    fl_row_fn fn, void *ctx, struct fl_diag *d);

/*
 * An asset, named uniquely (case-insensitively).  For an update, NULL
 * leaves a field as it is and 0 leaves a criticality; "" clears owner,
 * entity or description; a non-NULL list (count 0 allowed) replaces the
 * hostnames, IP addresses or tags.  A new asset gets 2 for an unstated
 * criticality.  Hostnames are stored in lower case without a final dot;
 * IP addresses (IPv4 or IPv6, checked with inet_pton) in canonical form;
 * tags in lower case.  No address may belong to two assets.
 */
struct fl_asset_in {
	const char *name, *description, *owner, *entity;
	int c, i, a;
	const char *const *hostnames;
	size_t nhostnames;
	const char *const *ips;
	size_t nips;
	const char *const *tags;
	size_t ntags;
};
/* Which input field a refusal is about (for file:line:col positions). */
enum fl_asset_field {
	FL_AF_NONE, FL_AF_NAME, FL_AF_DESCRIPTION, FL_AF_OWNER, FL_AF_ENTITY,
	FL_AF_C, FL_AF_I, FL_AF_A, FL_AF_HOSTNAMES, FL_AF_IPS, FL_AF_TAGS
};
enum fl_put_mode { FL_PUT_CREATE, FL_PUT_UPDATE, FL_PUT_UPSERT };
enum fl_put_result { FL_PUT_CREATED, FL_PUT_UPDATED, FL_PUT_UNCHANGED };
fl_err fl_store_asset_put(struct fl_store *st, const struct fl_asset_in *a,
			  enum fl_put_mode mode, enum fl_put_result *result,
			  enum fl_asset_field *bad, struct fl_diag *d);
/*
 * Rows: name, description, owner (e-mail), entity (code), c, i, a,
 * tags_json, status, hostnames_json, ips_json (JSON arrays of strings),
 * created_at, updated_at.  entity and tag filter when not NULL.
 */
fl_err fl_store_asset_list(struct fl_store *st, const char *entity,
			   const char *tag, fl_row_fn fn, void *ctx,
			   struct fl_diag *d);
fl_err fl_store_asset_show(struct fl_store *st, const char *key,
			   fl_row_fn fn, void *ctx, struct fl_diag *d);
/* END SECTION org */

/* ---- catalogues and controls (store/catalog.c) --------------------- */
/* SECTION catalog */

/*
 * Find a control by reference: "KEY" or "CATALOG:KEY", matched
 * case-insensitively against the control's key or label (so "ac-2",
 * "AC-2" and "nist-800-53r5:AC-2(1)" all work).  Without a catalogue, the
 * Group catalogues are searched first; a reference that matches several
 * controls is FL_E_INVAL (ambiguous), none is FL_E_NOTFOUND.
 */
fl_err fl_store_control_find(struct fl_store *st, const char *ref,
			     long long *id);
/* The same, with a message in d for a missing or ambiguous reference. */
fl_err fl_store_control_resolve(struct fl_store *st, const char *ref,
				long long *id, struct fl_diag *d);

/*
 * Importing a catalogue.  The caller (cli/) reads the file with an ingest/
 * reader and streams what it finds into an importer, inside one
 * transaction it opens and commits (or rolls back on any error):
 *
 *	fl_store_catalog_import_new -> _meta -> (_group | _control)* -> _finish
 *
 * Every group and control is compared with what is stored under
 * (catalogue, key) and written only when it differs, so importing the same
 * file twice writes nothing at all and appends no audit entry.  A changed
 * file updates what changed; one audit entry (catalog.import, with counts)
 * describes the whole import.
 *
 * Two modes.  Full (OSCAL): the file is the whole catalogue; a control or
 * group the file no longer has is deleted, or, when something refers to it
 * (an implementation, a test, a risk, a mapping, a child), kept and marked
 * withdrawn.  Partial (a Group spreadsheet): a NULL field means "this file
 * has no such column" and leaves the stored value alone; controls not in
 * the file stay as they are.
 *
 * NIST CSF: when the catalogue's framework identifier is "CSF", the stale
 * CSF 1.1 entries that NIST's file does not mark withdrawn are recognised
 * by the rule the corpus README verified: a control with a parent
 * (subcategory) is current iff it has at least one example part; a
 * top-level control (category) is current iff at least one of its
 * subcategories is.  The others are imported marked withdrawn.
 *
 * After the controls, mappings are resolved: a framework import resolves
 * the pending mappings that name it; a Group import resolves its own.
 */
struct fl_catalog_import;

struct fl_catalog_opts {
	const char *key;      /* --key; NULL: derived from the title */
	const char *title;    /* --title; NULL: from the file */
	const char *base_key; /* --base: store as a baseline of this framework */
	const char *kind;     /* "group" for spreadsheets; NULL: derived */
	int partial;          /* see above */
	int existing_only;    /* partial: skip rows naming no stored control */
	const char *id_prefix; /* partial: rows without a key get PREFIX-NNN */
	const char *source;   /* file path, for diagnostics (base name stored) */
	const char *source_sha256;
};

struct fl_catalog_meta {
	const char *title, *version, *oscal_version, *uuid, *last_modified;
	const char *framework; /* OSCAL framework-identifier, or NULL */
	const char *short_id;  /* "NIS2": the key is derived from it when set */
};

struct fl_catalog_group {
	const char *key;        /* "" or NULL: named from its position */
	const char *title, *class;
	const char *parent_key; /* enclosing group, or NULL */
	long seq;
	unsigned long line;
};

struct fl_catalog_ref {
	const char *framework; /* a catalogue key, or any label */
	const char *ref;       /* the framework's id as written (AC-2(1)) */
};

struct fl_catalog_control {
	const char *key;       /* NULL only with opts.id_prefix */
	const char *label, *title, *class, *sort_key;
	const char *group_key;  /* nearest enclosing group, or NULL */
	const char *parent_key; /* enclosing control (enhancement), or NULL */
	int withdrawn;
	long examples;          /* CSF: example parts */
	const char *statement, *guidance, *params_json, *objectives, *methods;
	const char *description;
	long seq;
	unsigned long line;     /* for diagnostics; 0 unknown */
	/*
	 * Mappings (partial mode): for each framework in map_frameworks the
	 * control's refs become exactly those of refs that name it.
	 */
	const char *const *map_frameworks;
	size_t nmap_frameworks;
	const struct fl_catalog_ref *refs;
	size_t nrefs;
};

struct fl_catalog_counts {
	char key[128], kind[16];
	int created;            /* the catalogue did not exist */
	int changed;            /* anything was written */
	long groups, controls, withdrawn; /* the catalogue after the import */
	long inserted, updated, unchanged, removed, retired, skipped;
	long groups_changed;
	long mappings, mappings_resolved; /* refs touched by this import */
};

/* opts' strings are copied.  *out is freed with _free (also on error). */
fl_err fl_store_catalog_import_new(struct fl_store *st,
				   const struct fl_catalog_opts *opts,
				   struct fl_catalog_import **out);
fl_err fl_store_catalog_import_meta(struct fl_catalog_import *imp,
				    const struct fl_catalog_meta *m,
				    struct fl_diag *d);
fl_err fl_store_catalog_import_group(struct fl_catalog_import *imp,
				     const struct fl_catalog_group *g,
				     struct fl_diag *d);
/* *skipped (may be NULL) is set when existing_only skipped the row. */
fl_err fl_store_catalog_import_control(struct fl_catalog_import *imp,
				       const struct fl_catalog_control *c,
				       int *skipped, struct fl_diag *d);
fl_err fl_store_catalog_import_finish(struct fl_catalog_import *imp,
				      struct fl_catalog_counts *out,
				      struct fl_diag *d);
void fl_store_catalog_import_free(struct fl_catalog_import *imp);

/*
 * The key and kind a catalogue gets from its title when no --key is given:
 * "NIST SP 800-53 Revision 5 ..." -> nist-800-53r5 (framework); a resolved
 * "... LOW IMPACT BASELINE" -> nist-800-53r5-low (baseline of
 * nist-800-53r5; also -moderate, -high, -privacy); the Cybersecurity
 * Framework (or framework identifier CSF) -> nist-csf-2.0; anything else
 * a slug of the title.  base receives "" when it is not a baseline.
 */
void fl_store_catalog_derive(const char *title, const char *framework,
			     char *key, size_t keysz, char *kind,
			     size_t kindsz, char *base, size_t basesz);

/*
 * A profile's selection (cli/ reads the profile with ingest/profile.c):
 * after _meta, import into the baseline the controls of framework
 * catalogue base_key whose keys are in ids (every control when all), less
 * those in xids, together with their ancestors (an enhancement keeps its
 * control, as NIST's resolved baselines do) and the groups holding them.
 * Each control's fields are copied from the base.  base_key not imported
 * as a framework: FL_E_NOTFOUND; an id the base lacks: FL_E_SYNTAX naming
 * it; nothing is imported then.
 */
fl_err fl_store_catalog_import_select(struct fl_catalog_import *imp,
				      const char *base_key, int all,
				      const char *const *ids, size_t nids,
				      const char *const *xids, size_t nxids,
				      struct fl_diag *d);
/* The key of the one framework catalogue holding every id (or, when none
 * holds all, the only one holding any): FL_E_NOTFOUND when none holds
 * any, FL_E_INVAL when several qualify. */
fl_err fl_store_catalog_base_for(struct fl_store *st, const char *const *ids,
				 size_t nids, char *key, size_t keysz);

/*
 * Resolve mappings whose framework is framework (all when NULL): a ref
 * resolves to the control of the catalogue with that key whose label or
 * key equals it, ignoring case and spaces (AC-2(1) -> ac-2.1).  *changed
 * counts the mappings whose target changed.  Appends catalog.resolve to
 * the audit trail when anything changed.
 */
fl_err fl_store_catalog_resolve(struct fl_store *st, const char *framework,
				long *changed);
/* Per framework of a catalogue's mappings (group_key NULL: all): framework,
 * refs, resolved, unresolved, catalogue (1 when a catalogue with that key
 * exists). */
fl_err fl_store_mapping_summary(struct fl_store *st, const char *group_key,
				fl_row_fn fn, void *ctx);
/* Unresolved refs of frameworks that do have a catalogue: control, framework,
 * ref. */
fl_err fl_store_mapping_unresolved(struct fl_store *st, const char *group_key,
				   fl_row_fn fn, void *ctx);

/* Catalogues: key, title, kind, version, base_key, groups, controls,
 * withdrawn, mappings, source, imported_at, updated_at. */
fl_err fl_store_catalog_list(struct fl_store *st, fl_row_fn fn, void *ctx);
/* Per catalogue: id (the key), title, kind, groups, controls, withdrawn,
 * current, classes_json ({"class": {"controls": N, "withdrawn": N}}). */
fl_err fl_store_catalog_stats(struct fl_store *st, fl_row_fn fn, void *ctx);

enum fl_control_filter { FL_CTL_CURRENT, FL_CTL_WITHDRAWN, FL_CTL_ALL };
/* Controls of catalogue key (FL_E_NOTFOUND when none), optionally of one
 * group (key or title): key, label, title, class, group, parent,
 * withdrawn. */
fl_err fl_store_control_list(struct fl_store *st, const char *key,
			     const char *group, enum fl_control_filter which,
			     fl_row_fn fn, void *ctx);
/* One control: catalog, catalog_title, catalog_kind, key, label, title,
 * class, group, group_title, parent, withdrawn, sort_key, statement,
 * params_json, guidance, objectives, methods, description. */
fl_err fl_store_control_get(struct fl_store *st, long long id, fl_row_fn fn,
			    void *ctx);
enum fl_control_rel {
	FL_REL_ENHANCEMENTS, /* key, label, title, withdrawn */
	FL_REL_MAPS_TO,      /* framework, ref, catalog, key, label, title */
	FL_REL_MAPPED_FROM   /* catalog, key, label, title (Group controls) */
};
fl_err fl_store_control_related(struct fl_store *st, long long id,
				enum fl_control_rel rel, fl_row_fn fn,
				void *ctx);

/*
 * Full-text search over labels, titles, statements, guidance and
 * descriptions, best match first (bm25; withdrawn controls last): catalog,
 * key, label, title, withdrawn, score, snippet.  The query is words, all
 * of which must occur (each is matched as a phrase, so "AC-2" works);
 * catalog NULL searches every catalogue.
 */
fl_err fl_store_control_search(struct fl_store *st, const char *query,
			       const char *catalog, long limit, fl_row_fn fn,
			       void *ctx);

/*
 * Gap analysis.  The requirements are the current controls of framework
 * (enhancements and subcategories each count), or with baseline the
 * baseline's controls (each stands for the framework control with the same
 * key).  A requirement is covered when at least one Group control (of
 * group_catalog, or of any Group catalogue when NULL) maps to it directly.
 * Rows: key, label, title, class, covered_json (true/false), count,
 * mapped_by_json (array of Group control keys), mapped_by (the same as
 * "a; b" text).  total/covered are set; fw receives the framework key used.
 */
fl_err fl_store_catalog_coverage(struct fl_store *st, const char *framework,
				 const char *baseline,
				 const char *group_catalog, fl_row_fn fn,
				 void *ctx, long *total, long *covered,
				 char *fw, size_t fwsz, struct fl_diag *d);
/* END SECTION catalog */

/* ---- implementation, evidence, tests (store/control.c) -------------- */
/* SECTION control */

/*
 * Implementation of a control in an entity, its evidence and its tests.
 * Every write appends an audit entry (control.implement, evidence.add,
 * control.test) inside the caller's transaction; the caller begins and
 * commits.  Refusals are FL_E_INVAL with the reason in d; a missing
 * evidence file is FL_E_NOINPUT.  Dates are 'YYYY-MM-DD'.  Strings in the
 * request structs are borrowed for the call.
 */

/* Upsert of the implementation of control_id in entity_id.  A NULL (0 for
 * owner_id) field keeps the stored value; a new row starts as 'planned'.
 * clear_owner / clear_due remove them.  The resulting row must have a
 * justification when its status is not-applicable. */
struct fl_impl_req {
	const char *status;        /* planned|partial|implemented|not-applicable */
	long long owner_id;        /* the Control Implementation Responsible */
	int clear_owner;
	const char *justification;
	const char *due;
	int clear_due;
};
fl_err fl_store_control_implement(struct fl_store *st, long long control_id,
				  long long entity_id,
				  const struct fl_impl_req *req,
				  struct fl_diag *d);

/*
 * Register evidence for the implementation of control_id in entity_id,
 * which must exist (FL_E_INVAL otherwise: evidence for a control the
 * entity has not recorded is refused rather than inventing a 'planned'
 * row).  Exactly one of file and url.  A file is stored by its absolute
 * path with its SHA-256 and size; url must be http:// or https://.
 * collected NULL means today; neither date may lie in the future nor
 * expires precede collected.  *id (may be NULL) receives the new id.
 */
struct fl_evidence_req {
	const char *file, *url, *description, *collected, *expires;
};
fl_err fl_store_evidence_add(struct fl_store *st, long long control_id,
			     long long entity_id,
			     const struct fl_evidence_req *req, long long *id,
			     struct fl_diag *d);

/* A test of control_id in entity_id; the implementation must exist.
 * kind design|operating, result effective|partially-effective|ineffective,
 * method NULL or one of fl_test_method_valid, date not in the future. */
struct fl_test_req {
	const char *kind, *date, *method, *sample, *result, *notes;
	long long tester_id;
};
fl_err fl_store_control_test(struct fl_store *st, long long control_id,
			     long long entity_id, const struct fl_test_req *req,
			     long long *id, struct fl_diag *d);

/* Thresholds: settings control.test_max_age and control.evidence_warning
 * (days), defaulting to FL_TEST_MAX_AGE_DEFAULT and
 * FL_EVIDENCE_WARN_DEFAULT.  Setting one (value > 0, or >= 0 for the
 * warning) is audited as control.policy; pass -1 to leave it. */
fl_err fl_store_control_policy(struct fl_store *st, int *max_age,
			       int *warn_days);
fl_err fl_store_control_policy_set(struct fl_store *st, int max_age,
				   int warn_days, struct fl_diag *d);

/*
 * Filters of the listings below; 0 (NULL) means "all".  catalog is a
 * catalogue key (case-insensitive; FL_E_NOTFOUND when none has it).
 * max_age / warn_days 0 means the stored policy.
 */
struct fl_control_q {
	long long control_id, entity_id;
	const char *catalog;
	int max_age, warn_days;
	/* control status only: recorded keeps the rows with an
	 * implementation record or a test; gaps keeps the rows that need
	 * attention (status planned or partial, overdue, ineffective or
	 * partially effective, a stale test, expired evidence, or
	 * implemented but never tested).  Both may be set. */
	int recorded, gaps;
};

/*
 * One row per Group control (non-withdrawn, catalogue kind 'group') and
 * entity, plus every other control/entity pair with an implementation or
 * a test; with catalog, only that catalogue's controls.  Fields:
 * entity, catalog, control, title, owner, owner_email, status (NULL: not
 * recorded), justification, due, evidence, evidence_expired,
 * evidence_expiring, design_result, design_date, operating_result,
 * operating_date, control_id, entity_id, then the derived overdue_json
 * ("true"/"false"), effectiveness (fl_effect_name), stale_json.
 * Ordered by entity code, catalogue key, control order.  q->recorded and
 * q->gaps narrow the rows (see struct fl_control_q).
 */
fl_err fl_store_control_status(struct fl_store *st,
			       const struct fl_control_q *q, fl_row_fn fn,
			       void *ctx);
/* Evidence, newest first.  Fields: id, entity, catalog, control, kind,
 * location, sha256, size, description, collected, expires, days_left,
 * state (fl_evidence_state_name). */
fl_err fl_store_evidence_list(struct fl_store *st, const struct fl_control_q *q,
			      fl_row_fn fn, void *ctx);
/* Tests, newest first.  Fields: id, entity, catalog, control, kind, date,
 * tester, tester_email, method, sample, result, notes, age_days,
 * stale_json. */
fl_err fl_store_control_tests(struct fl_store *st, const struct fl_control_q *q,
			      fl_row_fn fn, void *ctx);
/* Re-hash every file evidence (URLs are listed as not checked).  Fields:
 * those of fl_store_evidence_list up to expires, then now_sha256,
 * now_size (NULL when not hashed) and result (ok, changed, missing,
 * unreadable, not-checked).  *bad counts changed + missing + unreadable.
 * fn may be NULL.  Writes nothing. */
fl_err fl_store_evidence_verify(struct fl_store *st,
				const struct fl_control_q *q, long *bad,
				fl_row_fn fn, void *ctx);
/* One control's identity: fields id, catalog, catalog_kind, control, key,
 * title, withdrawn. */
fl_err fl_store_control_info(struct fl_store *st, long long control_id,
			     fl_row_fn fn, void *ctx);

/*
 * The effectiveness of a control for display next to a risk: the token of
 * fl_effect_name ("effective", "design-effective", "not-tested", ...),
 * followed by " (stale)" when a latest test is older than the policy's
 * age.  With entity_id 0, the lowest assurance (fl_effect_rank) over the
 * entities where the control is recorded (implementation or test),
 * ignoring not-applicable unless that is all there is; "not-tested" when
 * it is recorded nowhere.  out is always NUL-terminated (truncated to
 * outsz).  Reads only.
 */
fl_err fl_store_control_effectiveness(struct fl_store *st,
				      long long control_id,
				      long long entity_id, char *out,
				      size_t outsz);
/* END SECTION control */

/* ---- risk register (store/risk.c) ------------------------------------ */
/* SECTION risk */

/*
 * The risk register.  A risk is named by its reference ("R-0001"; "r-1"
 * and "1" are accepted too).  Functions that decide levels take the
 * active policy (struct fl_risk_matrix, core.h), borrowed.  Dates are
 * 'YYYY-MM-DD' text; "today" is passed in so callers pin it (fl_now()).
 * Every write audits in the caller's transaction; refusals are FL_E_INVAL
 * or FL_E_NOTFOUND with the reason in d and the database untouched.
 */
struct fl_risk_matrix;

/* The active policy: setting 'risk_matrix', else the shipped default.
 * *text is malloc'ed; *source names where it came from (static). */
fl_err fl_store_risk_policy_text(struct fl_store *st, char **text,
				 const char **source);
/* Parse the active policy into *m (errors name the setting or file). */
fl_err fl_store_risk_policy_load(struct fl_store *st,
				 struct fl_risk_matrix *m, struct fl_diag *d);
/*
 * Store policy text (already parsed by the caller into newm) as setting
 * 'risk_matrix' and re-level every open risk under it: levels and next
 * reviews are recomputed, and risks that now reach the escalation level
 * (or rose) are escalated.  oldm is the policy being replaced.  A risk
 * assessed outside the new matrix is FL_E_INVAL.  *releveled and
 * *escalated count what changed.
 */
fl_err fl_store_risk_policy_set(struct fl_store *st, const char *text,
				const struct fl_risk_matrix *oldm,
				const struct fl_risk_matrix *newm,
				const char *today, long *releveled,
				long *escalated, struct fl_diag *d);

struct fl_risk_new {
	const char *title; /* required */
	const char *description, *category, *threat, *vulnerability;
	const char *entity; /* entity code or name */
	const char *owner;  /* person e-mail or name */
	const char *const *assets;
	int nassets;
	const char *const *controls;
	int ncontrols;
};
/* Create a risk; ref receives its new reference ("R-0001"). */
fl_err fl_store_risk_create(struct fl_store *st, const struct fl_risk_new *r,
			    char ref[static 16], struct fl_diag *d);

/* What an assessment or review led to (filled by the store). */
struct fl_risk_outcome {
	char ref[16];
	char level[32];   /* level of the basis just assessed */
	char current[32]; /* residual level when assessed, else inherent */
	char status[16];
	char next_review[11];
	int reopened;     /* a decision taken at another level was cleared */
	int nesc;         /* escalations created */
	long long esc_id[2];
	char esc_reason[2][160];
};
/*
 * Assess likelihood x impact, inherent (residual == 0) or residual.  A
 * residual needs an inherent assessment and may not exceed it (see
 * fl_risk_check_residual); an inherent one may not fall below an existing
 * residual.  Sets reviewed_on = today and next_review by the cadence of
 * the current level; escalates as fl_risk_needs_escalation says.
 */
fl_err fl_store_risk_assess(struct fl_store *st, const struct fl_risk_matrix *m,
			    const char *ref, int residual, int likelihood,
			    int impact, const char *today,
			    struct fl_risk_outcome *out, struct fl_diag *d);

enum fl_risk_treat_kind {
	FL_TREAT_MITIGATE, FL_TREAT_ACCEPT, FL_TREAT_TRANSFER, FL_TREAT_AVOID
};
struct fl_risk_treatment {
	enum fl_risk_treat_kind kind;
	const char *plan, *owner, *due;  /* mitigate */
	const char *approver, *expires;  /* accept */
	const char *justification;       /* accept, transfer, avoid */
	const char *const *controls;     /* mitigate: controls to link */
	int ncontrols;
};
/*
 * Record a treatment decision; status becomes treating, accepted,
 * transferred or avoided.  Needs an assessment.  An acceptance needs an
 * approver holding the iso or citso role and an expiry after today.
 */
fl_err fl_store_risk_treat(struct fl_store *st, const char *ref,
			   const struct fl_risk_treatment *t,
			   const char *today, struct fl_diag *d);
/* Link controls and assets (already linked ones are kept); *added counts
 * the new links. */
fl_err fl_store_risk_link(struct fl_store *st, const char *ref,
			  const char *const *controls, int ncontrols,
			  const char *const *assets, int nassets, long *added,
			  struct fl_diag *d);
/* Record a review today; next_review by the cadence of the current level. */
fl_err fl_store_risk_review(struct fl_store *st, const struct fl_risk_matrix *m,
			    const char *ref, const char *notes,
			    const char *today, struct fl_risk_outcome *out,
			    struct fl_diag *d);
/* Close a risk with a reason. */
fl_err fl_store_risk_close(struct fl_store *st, const char *ref,
			   const char *reason, const char *today,
			   struct fl_diag *d);

/*
 * Listings.  Levels (inherent_level, residual_level, level) are computed
 * from the likelihood and impact under m, so they always follow the policy
 * in force; level is the residual level when assessed, else the inherent.
 * Fields of risk_list: ref, title, category, status, entity, owner,
 * inherent_likelihood, inherent_impact, inherent_level,
 * residual_likelihood, residual_impact, residual_level, level, treatment,
 * next_review, open_escalations.  Closed risks only with all or
 * status "closed".
 */
struct fl_risk_filter {
	const char *level;  /* level name or NULL */
	const char *status; /* status or NULL */
	const char *entity; /* entity code/name or NULL */
	int all;            /* include closed risks */
};
fl_err fl_store_risk_list(struct fl_store *st, const struct fl_risk_matrix *m,
			  const struct fl_risk_filter *f, fl_row_fn fn,
			  void *ctx, struct fl_diag *d);
/* One row with every field of the risk, and controls_json, assets_json and
 * escalations_json (open escalations) as JSON arrays. */
fl_err fl_store_risk_show(struct fl_store *st, const struct fl_risk_matrix *m,
			  const char *ref, fl_row_fn fn, void *ctx,
			  struct fl_diag *d);
/* Linked controls: control, catalog, title, implementation (status in the
 * risk's entity; for a risk without entity "implemented in N of M
 * entities"), effectiveness (fl_store_control_effectiveness in the risk's
 * entity, or the weakest over the entities). */
fl_err fl_store_risk_controls(struct fl_store *st, const char *ref,
			      fl_row_fn fn, void *ctx, struct fl_diag *d);
/* Linked assets: asset, entity, conf, integ, avail. */
fl_err fl_store_risk_assets(struct fl_store *st, const char *ref,
			    fl_row_fn fn, void *ctx, struct fl_diag *d);
/* Reviews overdue (next_review < today), acceptances expiring within
 * 30 days and mitigations past their due date (treatment 'mitigate',
 * treatment_due < today) of risks not closed: ref, title, kind
 * (review-overdue, acceptance-expiring, treatment-overdue), date, days
 * (overdue by / left), level, status, owner. */
fl_err fl_store_risk_due(struct fl_store *st, const struct fl_risk_matrix *m,
			 const char *today, fl_row_fn fn, void *ctx);
/* Heatmap counts of open (not closed) risks by assessed point:
 * likelihood, impact, count. */
fl_err fl_store_risk_heatmap(struct fl_store *st, int residual, fl_row_fn fn,
			     void *ctx);

/* Escalations (open only unless all; of one risk when ref != NULL): id,
 * ref, title, basis, level, reason, created_at, state (open,
 * acknowledged), ack_by, ack_at. */
fl_err fl_store_risk_escalations(struct fl_store *st, const char *ref, int all,
				 fl_row_fn fn, void *ctx, struct fl_diag *d);
/* Acknowledge escalation id; the person must hold the iso or citso role. */
fl_err fl_store_risk_ack(struct fl_store *st, long long id, const char *by,
			 struct fl_diag *d);

/*
 * The acceptance sweep: every accepted risk whose acceptance expired
 * before today is reopened (status assessed, treatment cleared) and
 * audited as risk.acceptance-expired.  Call inside a transaction; fn (may
 * be NULL) receives ref, title, expired_on for each one reopened.
 */
fl_err fl_store_risk_sweep(struct fl_store *st, const char *today,
			   fl_row_fn fn, void *ctx);
/* END SECTION risk */

#endif
