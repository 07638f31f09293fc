/*
 * sigma: Sigma rules (specification 2.1) as data.  YAML files are read
 * into rules, correlation rules and meta filters; a rule set resolves the
 * references between them.  The result is the input of the compiled
 * matcher: an immutable tree that several threads may read at once.
 *
 * Refused, never guessed: an unknown or contradictory modifier, a value of
 * the wrong type, a condition naming an identifier that does not exist, a
 * placeholder without a value list, a correlation whose rules are not in
 * the set.  Every refusal carries FILE:LINE:COL and a reason; nothing is
 * dropped silently.  Everything read is bounded (struct fl_sigma_limits).
 *
 * Ownership: a set owns everything reachable from it (one arena); strings
 * are NUL-terminated copies with their lengths where bytes matter.  After
 * fl_sigma_set_resolve() nothing in the set changes until it is freed.
 */
#ifndef FL_SIGMA_H
#define FL_SIGMA_H

#include "util/util.h"

struct fl_sigma_limits {
	size_t max_file;    /* bytes of one file (1 MiB) */
	size_t max_docs;    /* YAML documents in one file (256) */
	size_t max_items;   /* entries of one list or map (65536) */
	size_t max_str;     /* bytes of one scalar (64 KiB) */
	unsigned max_depth; /* YAML nesting (16) */
	size_t max_cond;    /* bytes of one condition (4096) */
	unsigned max_cond_depth; /* condition nesting (64) */
	size_t max_expand;  /* values one placeholder value expands to (4096) */
	size_t max_files;   /* files in a set (100000) */
	size_t max_rules;   /* documents in a set (200000) */
};
void fl_sigma_limits_default(struct fl_sigma_limits *l);

/* ---- values and field conditions --------------------------------------- */

enum fl_sigma_vtype {
	FL_SV_STRING, /* text as written: wildcards and escapes preserved */
	FL_SV_NUMBER, /* a plain YAML number; text keeps its spelling */
	FL_SV_BOOL,
	FL_SV_NULL,   /* null or ~: the field is absent or null */
	FL_SV_EMPTY,  /* '': the field is the empty string */
	FL_SV_CIDR    /* a network (|cidr), parsed into ip/prefix */
};

struct fl_sigma_value {
	enum fl_sigma_vtype type;
	const char *s;   /* text (never NULL); for STRING the raw Sigma text */
	size_t len;
	double num;      /* NUMBER (and the number of a time/compare value) */
	int is_int;      /* NUMBER written as an integer */
	int boolean;     /* BOOL */
	int wildcard;    /* STRING with an unescaped * or ? */
	unsigned char ip[16]; /* CIDR: address, network byte order */
	int ipv6;        /* CIDR: 0 IPv4 (4 bytes), 1 IPv6 */
	int prefix;      /* CIDR: prefix length */
	unsigned long line, col;
};

/* Modifiers, in the order of the specification's appendix. */
enum fl_sigma_mod {
	FL_SM_CONTAINS, FL_SM_STARTSWITH, FL_SM_ENDSWITH, FL_SM_ALL,
	FL_SM_EXISTS, FL_SM_CASED, FL_SM_NEQ, FL_SM_WINDASH, FL_SM_RE,
	FL_SM_RE_I, FL_SM_RE_M, FL_SM_RE_S, FL_SM_BASE64, FL_SM_BASE64OFFSET,
	FL_SM_UTF16LE, FL_SM_UTF16BE, FL_SM_UTF16, FL_SM_WIDE, FL_SM_LT,
	FL_SM_LTE, FL_SM_GT, FL_SM_GTE, FL_SM_MINUTE, FL_SM_HOUR, FL_SM_DAY,
	FL_SM_WEEK, FL_SM_MONTH, FL_SM_YEAR, FL_SM_CIDR, FL_SM_EXPAND,
	FL_SM_FIELDREF, FL_SM_COUNT
};
#define FL_SIGMA_MAX_MODS 8
#define FL_SM_BIT(m) (1u << (m))
/* Name of a modifier as written in rules ("contains"). */
const char *fl_sigma_mod_name(enum fl_sigma_mod m);

/*
 * One "field|mod|mod: value(s)".  Values are OR'ed, AND'ed with |all.
 * Modifiers are kept in the order written, because encodings apply in
 * that order (wide|base64offset|contains: UTF-16LE first).  Placeholders
 * (|expand) are already replaced by their value lists.
 */
struct fl_sigma_fcond {
	const char *field; /* NULL: a keyword search over the whole event */
	enum fl_sigma_mod mod[FL_SIGMA_MAX_MODS];
	unsigned nmod;
	unsigned mods;     /* FL_SM_BIT set of mod[] */
	struct fl_sigma_value *val;
	size_t nval;
	unsigned long line, col;
};

/* A search identifier: OR of groups, each group an AND of conditions. */
struct fl_sigma_group {
	struct fl_sigma_fcond *cond;
	size_t ncond;
};
struct fl_sigma_search {
	const char *name;
	struct fl_sigma_group *group;
	size_t ngroup;
	unsigned long line, col;
};

/* ---- conditions --------------------------------------------------------- */

enum fl_sigma_op {
	FL_SIGMA_ID,     /* a search identifier */
	FL_SIGMA_NOT,    /* one kid */
	FL_SIGMA_AND,    /* two or more kids (nested ANDs are flattened) */
	FL_SIGMA_OR,     /* two or more kids */
	FL_SIGMA_ONE_OF, /* "1 of P" / "any of P": kids are the IDs P names */
	FL_SIGMA_ALL_OF  /* "all of P" */
};

struct fl_sigma_node {
	enum fl_sigma_op op;
	unsigned long col;  /* 1-based column in the condition text */
	size_t ident;       /* ID: index into the identifier list */
	const char *name;   /* ID: the identifier; *_OF: pattern, NULL = them */
	struct fl_sigma_node **kid;
	size_t nkid;
};

/* A parsed condition with its own memory (for tools and tests). */
struct fl_sigma_cond;
/*
 * Parse text[0..len) against the identifiers ids[0..nids).  On error
 * returns NULL, FL_E_SYNTAX (or FL_E_LIMIT / FL_E_NOMEM) in *rc and the
 * reason with col (1-based column in text) in d.  lim may be NULL.
 */
struct fl_sigma_cond *fl_sigma_cond_parse(const char *text, size_t len,
					  const char *const *ids, size_t nids,
					  const struct fl_sigma_limits *lim,
					  fl_err *rc, struct fl_diag *d);
const struct fl_sigma_node *fl_sigma_cond_root(const struct fl_sigma_cond *c);
void fl_sigma_cond_free(struct fl_sigma_cond *c);
/*
 * Canonical text of a condition: every and/or group in parentheses, "1 of"
 * for "any of"; parsing it again gives the same tree.
 */
fl_err fl_sigma_node_print(const struct fl_sigma_node *n, struct fl_buf *out);

/* ---- rules, correlations, filters --------------------------------------- */

enum fl_sigma_kind { FL_SIGMA_RULE, FL_SIGMA_CORRELATION, FL_SIGMA_FILTER };

enum fl_sigma_corr_type {
	FL_SC_EVENT_COUNT, FL_SC_VALUE_COUNT, FL_SC_TEMPORAL,
	FL_SC_TEMPORAL_ORDERED, FL_SC_VALUE_SUM, FL_SC_VALUE_AVG,
	FL_SC_VALUE_PERCENTILE
};
/* Correlation condition operators; a range is several of them AND'ed. */
enum fl_sigma_cmp { FL_SC_GT, FL_SC_GTE, FL_SC_LT, FL_SC_LTE, FL_SC_EQ,
		    FL_SC_NEQ, FL_SC_NCMP };

struct fl_sigma_strs {
	const char **v;
	size_t n;
};

struct fl_sigma_rule;

/* A reference to another document by id or name, resolved in the set. */
struct fl_sigma_ref {
	const char *text;
	struct fl_sigma_rule *target; /* NULL until resolved */
	unsigned long line, col;
};

struct fl_sigma_alias {
	const char *name;               /* the alias used in group-by */
	const char **rule, **field;     /* per referenced rule (by name) */
	struct fl_sigma_rule **target;  /* resolved rule of rule[i] */
	size_t n;
};

struct fl_sigma_corr {
	enum fl_sigma_corr_type type;
	struct fl_sigma_ref *ref;
	size_t nref;
	struct fl_sigma_strs group_by;
	long long timespan; /* seconds */
	unsigned cmp_mask;  /* FL_SC_* bits present in the condition */
	double cmp[FL_SC_NCMP];
	struct fl_sigma_strs field; /* value_*: the field(s) */
	/* temporal: a boolean condition over the referenced rules (ids are
	 * indices into ref[]), or NULL (all of them, with the range if any) */
	struct fl_sigma_node *tcond;
	struct fl_sigma_alias *alias;
	size_t nalias;
	int generate;
};

struct fl_sigma_logsource {
	const char *product, *category, *service, *definition;
};

struct fl_sigma_rule {
	enum fl_sigma_kind kind;
	const char *file;
	unsigned long line, col;   /* where the document starts */
	const char *id, *name, *title, *status, *level, *description;
	const char *author, *date, *modified, *taxonomy, *license;
	struct fl_sigma_strs tags, references, falsepositives, fields;
	struct fl_sigma_logsource logsource;
	/* rules: detection; filters: the filter's selections */
	struct fl_sigma_search *search;
	size_t nsearch;
	struct fl_sigma_node **cond; /* a list of conditions is OR'ed */
	size_t ncond;
	struct fl_sigma_ref *filter_ref; /* filters: the rules filtered */
	size_t nfilter_ref;
	struct fl_sigma_corr *corr;      /* correlations */
	size_t index;   /* position in the set's list */
	size_t nused;   /* how many correlations refer to this document */
	int refused;    /* not usable; its refusal is in the set's list */
};

/* ---- placeholder values -------------------------------------------------- */

struct fl_sigma_vars;
struct fl_sigma_vars *fl_sigma_vars_new(void);
void fl_sigma_vars_free(struct fl_sigma_vars *v);
/* Add value to the list of placeholder name (without the % signs). */
fl_err fl_sigma_vars_add(struct fl_sigma_vars *v, const char *name,
			 const char *value);
/*
 * Load lists from a YAML file: a map of name to a list of strings (or one
 * string).  Errors name the file, line and column.
 */
fl_err fl_sigma_vars_load(struct fl_sigma_vars *v, const char *path,
			  struct fl_diag *d);

/* ---- rule sets ------------------------------------------------------------ */

struct fl_sigma_refusal {
	struct fl_diag d;                 /* FILE:LINE:COL and the reason */
	const struct fl_sigma_rule *rule; /* NULL when the file is refused */
};

struct fl_sigma_stats {
	size_t files, rules, correlations, filters, refused;
};

struct fl_sigma_set;
/* lim and vars are copied/borrowed: vars must outlive the loading calls. */
struct fl_sigma_set *fl_sigma_set_new(const struct fl_sigma_limits *lim,
				      const struct fl_sigma_vars *vars);
void fl_sigma_set_free(struct fl_sigma_set *s);
/*
 * Load a file, or every *.yml / *.yaml under a directory (recursively, in
 * name order).  Bad rules and bad files become refusals; the return is an
 * error only when the path itself is missing (FL_E_NOINPUT), a set limit
 * is hit (FL_E_LIMIT) or memory runs out.
 */
fl_err fl_sigma_set_add_path(struct fl_sigma_set *s, const char *path,
			     struct fl_diag *d);
/* Load one file's bytes under the given name (tests, fuzzing). */
fl_err fl_sigma_set_add_mem(struct fl_sigma_set *s, const char *name,
			    const char *buf, size_t len);
/*
 * Resolve references (correlations and filters to rules, by id or name,
 * chains included); refuse duplicates, unknown or refused targets and
 * cycles.  Call once after loading.
 */
fl_err fl_sigma_set_resolve(struct fl_sigma_set *s);

/* Documents in load order (refused ones included, marked refused). */
struct fl_sigma_rule *const *fl_sigma_set_rules(const struct fl_sigma_set *s,
						size_t *n);
const struct fl_sigma_refusal *
fl_sigma_set_refusals(const struct fl_sigma_set *s, size_t *n);
void fl_sigma_set_stats(const struct fl_sigma_set *s,
			struct fl_sigma_stats *st);

/*
 * A Sigma string value as parts for a matcher: literal runs (escapes
 * removed, bytes in lit), "*" and "?".  Rules: \* and \? are literal
 * wildcards, \\ is one backslash, any other backslash (also a trailing
 * one) is itself.  Returns FL_E_LIMIT when more than maxparts are needed.
 */
enum fl_sigma_part_kind { FL_SP_LIT, FL_SP_STAR, FL_SP_ONE };
struct fl_sigma_part {
	enum fl_sigma_part_kind kind;
	size_t off, len; /* LIT: bytes lit->data[off..off+len) */
};
fl_err fl_sigma_glob(const char *s, size_t n, struct fl_buf *lit,
		     struct fl_sigma_part *parts, size_t maxparts,
		     size_t *nparts);

/* Names for printing. */
const char *fl_sigma_kind_name(enum fl_sigma_kind k);
const char *fl_sigma_corr_type_name(enum fl_sigma_corr_type t);
const char *fl_sigma_cmp_name(enum fl_sigma_cmp c);

#endif
