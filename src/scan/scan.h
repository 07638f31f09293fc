/*
 * scan: readers for vulnerability scanner reports.
 *
 * Every reader turns one report into a stream of raw findings, one per
 * item the scanner wrote (a Nessus ReportItem, an OpenVAS result, a Trivy
 * vulnerability, a ZAP alert with its instances...), with the fields named
 * as DefectDojo's Finding model names them, so our reading of a sample can
 * be compared with an independent implementation.  A reader never touches
 * the database, never prints, and never holds a whole XML document in
 * memory: XML is streamed through expat (fl_xml_stream) with every entity
 * declaration refused, so no entity is ever declared, expanded or fetched.
 *
 * Two consumers read the stream: `vuln parse` groups raw findings the way
 * DefectDojo's parser for the format groups them (by the reader's
 * group_key, see fl_scan_group), and `vuln import` stores every raw finding
 * per asset and location.
 */
#ifndef FL_SCAN_H
#define FL_SCAN_H

#include "../util/util.h"

struct fl_scan_format;

enum fl_sev {
	FL_SEV_INFO, FL_SEV_LOW, FL_SEV_MEDIUM, FL_SEV_HIGH, FL_SEV_CRITICAL
};
/* "Info" .. "Critical" (DefectDojo's spelling). */
const char *fl_sev_name(int sev);
/*
 * Severity from a scanner's word, case-insensitive: critical, high,
 * medium/moderate, low, info/informational/none/negligible/log/unknown/
 * note/warning/error (SARIF levels map error->High, warning->Medium,
 * note->Low, none->Info).  Returns -1 for anything else.
 */
int fl_sev_parse(const char *s, size_t n);
/* CVSS base score to severity: 9.0 Critical, 7.0 High, 4.0 Medium, 0.1 Low. */
int fl_sev_from_cvss(double score);

/* Text fields of a finding; NULL = absent. */
enum fl_ff {
	FL_FF_TITLE,
	FL_FF_CVSSV3,           /* vector "CVSS:3.x/AV:..." */
	FL_FF_CVSSV4,
	FL_FF_VULN_ID_FROM_TOOL, /* scanner rule: plugin id, OID, QID, template id */
	FL_FF_UNIQUE_ID_FROM_TOOL, /* scanner's per-instance id */
	FL_FF_COMPONENT_NAME,
	FL_FF_COMPONENT_VERSION,
	FL_FF_FILE_PATH,
	FL_FF_FIX_VERSION,
	FL_FF_MITIGATION,
	FL_FF_REFERENCES,
	FL_FF_DESCRIPTION,
	FL_FF_IMPACT,
	FL_FF_SERVICE,
	FL_FF_DATE,             /* as the report gives it */
	FL_FF_EVIDENCE,         /* plugin output, request/response excerpt */
	FL_FF_GROUP_KEY,        /* DefectDojo's merge key inside one report */
	FL_FF__N
};

enum fl_fstatus {
	FL_FS_OPEN,             /* as reported */
	FL_FS_FIXED,            /* the report says it is fixed (Trivy "fixed") */
	FL_FS_FALSE_POSITIVE,   /* suppressed in the report (SARIF suppressions) */
};

struct fl_scan_loc {
	char *host;      /* hostname, FQDN or IP as the report names it */
	char *ip;        /* the address when the report gives it as well */
	char *fqdn;      /* the DNS name when the report gives it as well */
	unsigned port;   /* 0 = none */
	char *protocol;  /* "tcp", "udp", "http", "https", ... or NULL */
	char *path;      /* URL path (for web findings) or NULL */
	char *query;     /* URL query or NULL */
};

struct fl_strlist {
	char **v;
	size_t n, cap;
	size_t *idx, nidx;  /* case-insensitive hash index, built past 16 */
};

struct fl_finding {
	char *text[FL_FF__N];
	int severity;           /* enum fl_sev */
	int cwe;                /* first CWE, 0 = none given */
	struct fl_strlist cwes; /* every CWE as the report spells it */
	struct fl_strlist vuln_ids; /* CVE/GHSA/..., ordered, no duplicates */
	double cvssv3_score, cvssv4_score, epss_score, epss_percentile; /* <0: absent */
	long line;              /* 0 = absent */
	int fix_available;      /* -1 unknown, 0 no, 1 yes */
	int status;             /* enum fl_fstatus */
	int authenticated;      /* found by a credentialed (local) check */
	unsigned long nb_occurences; /* raw items merged (1 for a raw finding) */
	struct fl_scan_loc *locs;
	size_t nlocs, locs_cap;
	unsigned long src_line; /* where the item starts in the report (0: unknown) */
};

void fl_finding_init(struct fl_finding *f);
/* Free every field and make it empty again (reusable). */
void fl_finding_reset(struct fl_finding *f);
/* Set a text field to a copy of (s, n), replacing it; n bounded by 16 MiB. */
fl_err fl_finding_set(struct fl_finding *f, enum fl_ff k, const char *s, size_t n);
fl_err fl_finding_setz(struct fl_finding *f, enum fl_ff k, const char *s);
/* Append text to a field (creating it), with sep between when non-empty. */
fl_err fl_finding_append(struct fl_finding *f, enum fl_ff k, const char *sep,
			 const char *s, size_t n);
fl_err fl_strlist_add(struct fl_strlist *l, const char *s, size_t n);
/* Add unless an equal string (case-insensitive) is already there. */
fl_err fl_strlist_add_unique(struct fl_strlist *l, const char *s, size_t n);
void fl_strlist_free(struct fl_strlist *l);
/* Add a location; every pointer may be NULL.  Returns it for more fields. */
fl_err fl_finding_add_loc(struct fl_finding *f, const char *host,
			  unsigned port, const char *protocol, const char *path);
/* Fill a location from a URL "scheme://host[:port]/path?query". */
fl_err fl_finding_add_url(struct fl_finding *f, const char *url, size_t n);
/* Deep copy (for the grouper). */
fl_err fl_finding_copy(struct fl_finding *dst, const struct fl_finding *src);
/* Write the finding as one JSON object (the `vuln parse` shape). */
void fl_finding_json(const struct fl_finding *f, struct fl_json *j);

/*
 * What the scan covered, so an import can tell "fixed" from "not seen":
 * one call per scanned host (the host was reached; authenticated when the
 * scan logged in to it), before or after its findings.
 */
struct fl_scan_host {
	const char *host, *ip, *fqdn;  /* any may be NULL */
	int authenticated;             /* -1 unknown, 0 no, 1 yes */
	const char *start, *end;       /* scan times as given, or NULL */
	const char *os;                /* or NULL */
};

struct fl_scan_meta {
	const char *scanner;   /* "Nessus", "OpenVAS", "Trivy", ... */
	const char *version;   /* scanner version or NULL */
	const char *name;      /* report or policy name, or NULL */
	const char *target;    /* artifact / image / target, or NULL */
	const char *started;   /* scan time as given, or NULL */
};

struct fl_scan_sink {
	void *ctx;
	fl_err (*meta)(void *ctx, const struct fl_scan_meta *m);     /* may be NULL */
	fl_err (*host)(void *ctx, const struct fl_scan_host *h);     /* may be NULL */
	fl_err (*finding)(void *ctx, const struct fl_finding *f);
};

/*
 * The input: an open file and its name for messages.  head holds the first
 * bytes (already read for detection); readers read the rest through
 * fl_scan_src_read (streaming) or fl_scan_src_slurp (whole file, for JSON
 * and CSV readers, bounded by max_bytes).
 */
struct fl_scan_src {
	const char *path;
	int fd;
	char head[4096];
	size_t nhead, head_off; /* bytes in head, bytes of head consumed */
	int eof;
	size_t max_bytes;       /* slurp limit; default 1 GiB */
	const char *mem;        /* a memory source (fuzzing, tests), or NULL */
	size_t mem_len, mem_off;
	/* Called with every byte range fl_scan_src_read hands out (the
	 * importer hashes the report as it streams by); may be NULL. */
	void (*on_bytes)(void *ctx, const char *p, size_t n);
	void *on_bytes_ctx;
	unsigned long long bytes_read;
};
fl_err fl_scan_src_open(struct fl_scan_src *s, const char *path, struct fl_diag *d);
/* A source over bytes in memory (borrowed), named name in messages. */
void fl_scan_src_mem(struct fl_scan_src *s, const char *name, const char *data,
		     size_t len);
/* Detect the format of src and read it with sink (as fl_scan_read_file). */
fl_err fl_scan_read_src(struct fl_scan_src *src, const char *forced_format,
			const struct fl_scan_sink *sink,
			const struct fl_scan_format **used, struct fl_diag *d);
void fl_scan_src_close(struct fl_scan_src *s);
/*
 * Read src as fmt on a second thread while the calling thread hands the
 * stream to sink, in the reader's order (scan/pipe.c).  With drain, the
 * rest of the file is read after the reader is done, so src->on_bytes sees
 * every byte.  Without a second thread, reads on the calling thread.
 */
fl_err fl_scan_read_threaded(const struct fl_scan_format *fmt,
			     struct fl_scan_src *src, int drain,
			     const struct fl_scan_sink *sink, struct fl_diag *d);
/* Read up to n bytes (head first); *got = 0 at end of file. */
fl_err fl_scan_src_read(struct fl_scan_src *s, char *buf, size_t n,
			size_t *got, struct fl_diag *d);
/* The whole input in one NUL-terminated buffer (freed by the caller). */
fl_err fl_scan_src_slurp(struct fl_scan_src *s, char **out, size_t *len,
			 struct fl_diag *d);

/* A report format: name, a content sniffer and the reader. */
struct fl_scan_format {
	const char *name;       /* "nessus", "tenable-csv", "trivy", ... */
	const char *label;      /* "Tenable Nessus .nessus v2 XML" */
	/* Confidence 0..100 that head (the first bytes) is this format. */
	int (*sniff)(const char *head, size_t n, const char *path);
	fl_err (*read)(struct fl_scan_src *src, const struct fl_scan_sink *sink,
		       struct fl_diag *d);
};
/* Every format, NULL-terminated. */
extern const struct fl_scan_format *const fl_scan_formats[];
const struct fl_scan_format *fl_scan_format_find(const char *name);
/*
 * The format of an opened input, from its content: the best sniffer
 * wins.  An empty (or blank) input is "empty" (no findings) unless its
 * name says XML (.xml, .nessus): that is an empty XML document, refused.
 */
fl_err fl_scan_detect(struct fl_scan_src *src, const struct fl_scan_format **out,
		      struct fl_diag *d);
/* Open, detect (or use forced), read; the one call the CLI makes. */
fl_err fl_scan_read_file(const char *path, const char *forced_format,
			 const struct fl_scan_sink *sink,
			 const struct fl_scan_format **used, struct fl_diag *d);

/*
 * The DefectDojo view: raw findings with the same group_key merge into the
 * first one (locations appended without duplicates, nb_occurences summed);
 * findings without a key stay as they are.  Order is first appearance.
 */
struct fl_scan_group;
struct fl_scan_group *fl_scan_group_new(void);
void fl_scan_group_free(struct fl_scan_group *g);
fl_err fl_scan_group_add(struct fl_scan_group *g, const struct fl_finding *f);
size_t fl_scan_group_count(const struct fl_scan_group *g);
const struct fl_finding *fl_scan_group_at(const struct fl_scan_group *g, size_t i);

/* ---- streaming XML (scan/xml.c) ----------------------------------------- */

/*
 * An expat driver shared by every XML reader.  It feeds the input in 64 KiB
 * chunks, refuses every entity declaration (a bare DOCTYPE or one with
 * ELEMENT/ATTLIST declarations is read) and any
 * nesting deeper than 256, keeps the element path, and collects each
 * element's character data (capped at max_text, default 16 MiB, longer is
 * FL_E_LIMIT) so the end handler gets the text of the element it closes.
 * Namespaces are not processed: names are as written ("ns:elem").
 */
struct fl_xml;
struct fl_xml_handlers {
	void *ctx;
	/* depth: 0 for the root.  atts: name, value, ..., NULL. */
	fl_err (*start)(void *ctx, struct fl_xml *x, const char *name,
			const char **atts, int depth);
	/* text: the element's own character data, trimmed of nothing. */
	fl_err (*end)(void *ctx, struct fl_xml *x, const char *name,
		      const char *text, size_t len, int depth);
};
fl_err fl_xml_stream(struct fl_scan_src *src, const struct fl_xml_handlers *h,
		     size_t max_text, struct fl_diag *d);
/* Where the parser is (for messages from handlers). */
void fl_xml_pos(struct fl_xml *x, unsigned long *line, unsigned long *col);
/* The name of the element at depth (0 = root), or NULL. */
const char *fl_xml_path(struct fl_xml *x, int depth);
/* Attribute value by name, or NULL. */
const char *fl_xml_attr(const char **atts, const char *name);
/* A handler's own complaint, with the parser's position. */
fl_err fl_xml_fail(struct fl_xml *x, struct fl_diag *d, fl_err rc,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- the readers (one file each) ---------------------------------------- */
/* Each reader module defines its fl_scan_format(s): */
extern const struct fl_scan_format fl_fmt_nessus, fl_fmt_tenable_csv,
	fl_fmt_tenable_was_xml, fl_fmt_openvas_xml, fl_fmt_openvas_csv,
	fl_fmt_qualys_xml, fl_fmt_qualys_csv, fl_fmt_nmap, fl_fmt_trivy,
	fl_fmt_grype, fl_fmt_sarif, fl_fmt_nuclei, fl_fmt_zap, fl_fmt_burp;

/* Shared helpers for readers (scan/finding.c). */
/* Trim ASCII blanks at both ends (returns new length, *s advanced). */
size_t fl_scan_trim(const char **s, size_t n);
/* Parse a decimal score "7.5" -> 7.5; -1 when empty or not a number. */
double fl_scan_score(const char *s, size_t n);
/* Collect every CVE-YYYY-NNNN... in text into the finding's vuln_ids. */
fl_err fl_scan_find_cves(struct fl_finding *f, const char *s, size_t n);
/*
 * HTML prose (ZAP, Burp) as plain text appended to out: tags dropped, <p>,
 * <br>, <li>... become line breaks ("- " before list items), a link keeps
 * its target as "text (href)", entities are decoded and blanks collapsed.
 * Text without a tag keeps its lines, each trimmed, blank runs as one.
 */
fl_err fl_scan_html_text(struct fl_buf *out, const char *s, size_t n);
/* Take back the last location (one the reader added but cannot use). */
void fl_finding_pop_loc(struct fl_finding *f);

/* Shared helpers for readers (scan/util.c). */
/* 1 when s is NULL or holds nothing but blanks. */
int fl_scan_blank(const char *s);
/* A trimmed copy of (s, n) into dst, cut to dstsz - 1 bytes (dstsz > 0). */
void fl_scan_copy(char *dst, size_t dstsz, const char *s, size_t n);
/* *slot := a trimmed copy of (s, n), the old one freed; s NULL: unchanged. */
fl_err fl_scan_keep(char **slot, const char *s, size_t n);
/* Free v[0..n) and set each to NULL. */
void fl_scan_clear(char **v, size_t n);
/* A port number "443" (blanks around it allowed) -> 443; 0 for anything
 * else ("general", "", out of range).  s may be NULL when n is 0. */
unsigned fl_scan_port(const char *s, size_t n);
/* One of DefectDojo's five severity words ("info" .. "critical", any
 * case) as its enum fl_sev; -1 for anything else and for NULL. */
int fl_scan_sev_word(const char *s);
/* The first w in the n bytes at s (which need not end in a NUL), or NULL;
 * fl_scan_has says whether there is one.  For sniffing a report's head. */
const char *fl_scan_find(const char *s, size_t n, const char *w);
int fl_scan_has(const char *s, size_t n, const char *w);
/* Offset of head's first byte after a UTF-8 byte order mark and blanks
 * (n when there is none). */
size_t fl_scan_skip_blank(const char *head, size_t n);
/*
 * The root element of an XML document from its first bytes: the name
 * after the byte order mark, XML declaration, processing instructions,
 * comments and DOCTYPE (internal subset included), cut to namesz - 1
 * bytes.  Returns its length; 0 when head shows no element.
 */
size_t fl_scan_xml_root(const char *head, size_t n, char *name, size_t namesz);
/* Field k := the HTML prose (s, n) as text (fl_scan_html_text), composed
 * in the caller's scratch buffer tmp; unchanged when there is no text. */
fl_err fl_scan_set_html(struct fl_finding *f, enum fl_ff k, struct fl_buf *tmp,
			const char *s, size_t n);
/* A location named both ways: l->ip and l->fqdn := copies of ip, fqdn. */
fl_err fl_scan_loc_names(struct fl_scan_loc *l, const char *ip,
			 const char *fqdn);
/* Tell sink->host (when set) that host was reached, the login unknown;
 * ip and fqdn may be NULL. */
fl_err fl_scan_host_seen(const struct fl_scan_sink *sink, const char *host,
			 const char *ip, const char *fqdn);
/* Tell sink->meta (when set) who wrote the report, once (*sent records
 * that it was); a blank name or started is left out. */
fl_err fl_scan_meta_once(const struct fl_scan_sink *sink, int *sent,
			 const char *scanner, const char *name,
			 const char *started);
/* fl_hash64 of (s, n): the hash behind the readers' indexes. */
uint64_t fl_scan_hash(const char *s, size_t n);

/*
 * A set of strings (the hosts a reader has told the sink about): copies in
 * the order they were added, found through an open-addressed index.
 */
struct fl_strset {
	char **v;               /* the strings, in the order added */
	size_t n, cap;
	size_t *slot, nslot;    /* index into v + 1; 0 = free */
};
/*
 * Add a copy of s unless it is there.  *added says whether it was new;
 * *pos (when pos is not NULL) is its index in v.  FL_E_LIMIT when s is new
 * and the set already holds max strings.
 */
fl_err fl_strset_add(struct fl_strset *set, const char *s, size_t max,
		     size_t *pos, int *added);
void fl_strset_free(struct fl_strset *set);

/* JSON reports, read with jansson (the JSON readers include jansson.h). */
struct json_t;
/*
 * The whole input (fl_scan_src_slurp) decoded with jansson's flags into
 * *root (the caller's, json_decref it).  A syntax error is FL_E_SYNTAX at
 * jansson's line and column (1 when it gives none).
 */
fl_err fl_scan_json_load(struct fl_scan_src *src, size_t flags,
			 struct json_t **root, struct fl_diag *d);
/* A string member: its bytes (borrowed) and, when n is not NULL, length;
 * NULL (and 0) when absent or not a string. */
const char *fl_scan_json_str(struct json_t *o, const char *key, size_t *n);
/* A score given as a number or a numeric string; -1 when absent, negative
 * or not a number. */
double fl_scan_json_score(struct json_t *v);
/* Append (s, n) to b without its NUL bytes (a JSON string may hold \u0000). */
fl_err fl_scan_put(struct fl_buf *b, const char *s, size_t n);
/* A failure while composing a finding's text, as a message on the report:
 * FL_E_LIMIT (longer than max bytes) and FL_E_NOMEM; others as they are. */
fl_err fl_scan_text_fail(struct fl_diag *d, const char *path, fl_err rc,
			 size_t max);

#endif
