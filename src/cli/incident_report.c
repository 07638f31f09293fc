/*
 * incident_report: the incident report for the ISO (Markdown or one
 * self-contained HTML file) and the DORA reporting template as JSON, both
 * written from a loaded dossier (incident_int.h).
 *
 * Every value that came from a person is escaped for the format it goes
 * into: HTML entities for HTML, Markdown punctuation and HTML-significant
 * characters for Markdown (most Markdown renderers pass HTML through).
 * Nothing is fetched: the HTML carries its own style and no script.
 *
 * The DORA export fills the data fields of the template of Commission
 * Implementing Regulation (EU) 2025/302, Annex I (numbered as there), from
 * what the incident records; the rest is null and listed as missing, for
 * the reporting officer to complete.  It never invents a value.
 */
#include "incident_int.h"

/* ---- escaping ---------------------------------------------------------- */

static void
html_esc(struct fl_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fl_buf_puts(b, "&amp;"); break;
		case '<': fl_buf_puts(b, "&lt;"); break;
		case '>': fl_buf_puts(b, "&gt;"); break;
		case '"': fl_buf_puts(b, "&quot;"); break;
		case '\'': fl_buf_puts(b, "&#39;"); break;
		case '\n': fl_buf_puts(b, "<br>"); break;
		case '\r': break;
		default: fl_buf_putc(b, *s);
		}
	}
}

/* Markdown: in a table cell (cell != 0) a line break becomes a space. */
static void
md_esc(struct fl_buf *b, const char *s, int cell)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fl_buf_puts(b, "&amp;"); break;
		case '<': fl_buf_puts(b, "&lt;"); break;
		case '>': fl_buf_puts(b, "&gt;"); break;
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '|': case '#':
			fl_buf_putc(b, '\\');
			fl_buf_putc(b, *s);
			break;
		case '\r': break;
		case '\n': fl_buf_puts(b, cell ? " " : "  \n"); break;
		default: fl_buf_putc(b, *s);
		}
	}
}

/* ---- a document in either format --------------------------------------- */

struct doc {
	struct fl_buf *b;
	int html;
	int ncols; /* of the table being written */
};

static void
h2(struct doc *o, const char *t)
{
	if (o->html) {
		fl_buf_puts(o->b, "<h2>");
		html_esc(o->b, t);
		fl_buf_puts(o->b, "</h2>\n");
	} else {
		fl_buf_puts(o->b, "\n## ");
		md_esc(o->b, t, 0);
		fl_buf_puts(o->b, "\n\n");
	}
}

static void
para(struct doc *o, const char *t)
{
	if (o->html) {
		fl_buf_puts(o->b, "<p>");
		html_esc(o->b, t);
		fl_buf_puts(o->b, "</p>\n");
	} else {
		md_esc(o->b, t, 0);
		fl_buf_puts(o->b, "\n\n");
	}
}

static void
table_head(struct doc *o, const char *const *h, int n)
{
	int i;

	o->ncols = n;
	if (o->html) {
		fl_buf_puts(o->b, "<table>\n<tr>");
		for (i = 0; i < n; i++) {
			fl_buf_puts(o->b, "<th>");
			html_esc(o->b, h[i]);
			fl_buf_puts(o->b, "</th>");
		}
		fl_buf_puts(o->b, "</tr>\n");
		return;
	}
	fl_buf_puts(o->b, "|");
	for (i = 0; i < n; i++) {
		fl_buf_puts(o->b, " ");
		md_esc(o->b, h[i], 1);
		fl_buf_puts(o->b, " |");
	}
	fl_buf_puts(o->b, "\n|");
	for (i = 0; i < n; i++)
		fl_buf_puts(o->b, " --- |");
	fl_buf_puts(o->b, "\n");
}

static void
table_row(struct doc *o, const char *const *v)
{
	int i;

	if (o->html) {
		fl_buf_puts(o->b, "<tr>");
		for (i = 0; i < o->ncols; i++) {
			fl_buf_puts(o->b, "<td>");
			html_esc(o->b, v[i] && *v[i] ? v[i] : "-");
			fl_buf_puts(o->b, "</td>");
		}
		fl_buf_puts(o->b, "</tr>\n");
		return;
	}
	fl_buf_puts(o->b, "|");
	for (i = 0; i < o->ncols; i++) {
		fl_buf_puts(o->b, " ");
		md_esc(o->b, v[i] && *v[i] ? v[i] : "-", 1);
		fl_buf_puts(o->b, " |");
	}
	fl_buf_puts(o->b, "\n");
}

static void
table_end(struct doc *o)
{
	fl_buf_puts(o->b, o->html ? "</table>\n" : "\n");
}

static void
kv(struct doc *o, const char *k, const char *v)
{
	const char *cells[2];

	cells[0] = k;
	cells[1] = v;
	table_row(o, cells);
}

/* Rows of t as cells of the named columns. */
static void
table_of(struct doc *o, const struct fl_table *t, const char *const *heads,
	 const char *const *cols, int n)
{
	const char *cells[16];
	size_t r;
	int c;

	if (t->nrows == 0) {
		para(o, "None.");
		return;
	}
	table_head(o, heads, n);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < n && c < 16; c++)
			cells[c] = fl_table_cell(t, r, cols[c]);
		table_row(o, cells);
	}
	table_end(o);
}

static const char *
get(const struct fl_dossier *x, const char *k)
{
	return fl_dossier_get(x, k);
}

static int
is_true(const char *v)
{
	return v && strcmp(v, "true") == 0;
}

/* ---- the report -------------------------------------------------------- */

static const char html_style[] =
	"<style>\n"
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
	"max-width:72em;margin:2em auto;padding:0 1em;color:#1b1b1b;"
	"line-height:1.4}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;"
	"margin-top:1.6em;border-bottom:1px solid #ccc}\n"
	"table{border-collapse:collapse;margin:.5em 0;width:100%}\n"
	"th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
	"vertical-align:top;font-size:.92em;overflow-wrap:anywhere}\n"
	"th{background:#f2f2f2}\n"
	".tlp{display:inline-block;background:#000;font-weight:bold;"
	"padding:.15em .6em;font-family:monospace}\n"
	".tlp-RED{color:#FF2B2B}.tlp-AMBER,.tlp-AMBER\\+STRICT{color:#FFC000}"
	".tlp-GREEN{color:#33FF00}.tlp-CLEAR{color:#FFFFFF}\n"
	".foot{color:#666;font-size:.85em;margin-top:2em}\n"
	"</style>\n";

static void
regimes_text(const struct fl_dossier *x, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s%s%sinternal",
		 is_true(get(x, "dora_json"))
			 ? (is_true(get(x, "major_json")) ? "DORA (major), "
							  : "DORA (not major), ")
			 : "",
		 is_true(get(x, "nis2_json")) ? "NIS2, " : "",
		 is_true(get(x, "gdpr_json")) ? "GDPR" : "",
		 is_true(get(x, "gdpr_json")) ? ", " : "");
}

static void
report_summary(struct doc *o, const struct fl_dossier *x)
{
	static const char *const heads[] = {"Field", "Value"};
	char line[512], regimes[96];
	const char *v;

	table_head(o, heads, 2);
	kv(o, "Reference", x->ref);
	kv(o, "State", get(x, "state"));
	kv(o, "Severity", get(x, "severity"));
	kv(o, "Category", get(x, "category"));
	snprintf(line, sizeof line, "TLP:%s", get(x, "tlp") ? get(x, "tlp") : "");
	kv(o, "Marking", line);
	if ((v = get(x, "entity")) != NULL) {
		snprintf(line, sizeof line, "%s (%s)", v,
			 get(x, "entity_name") ? get(x, "entity_name") : "");
		kv(o, "Entity", line);
	} else {
		kv(o, "Entity", NULL);
	}
	kv(o, "Handler", get(x, "handler_email"));
	kv(o, "Reporter", get(x, "reporter_email"));
	kv(o, "Aware", get(x, "aware_at"));
	kv(o, "Occurred", get(x, "occurred_at"));
	kv(o, "ISO informed", get(x, "iso_informed_at"));
	regimes_text(x, regimes, sizeof regimes);
	kv(o, "Regimes", regimes);
	snprintf(line, sizeof line, "%s%s", get(x, "services") ? get(x, "services")
							     : "-",
		 is_true(get(x, "critical_function_json"))
			 ? " (supports a critical or important function)" : "");
	kv(o, "Services", line);
	table_end(o);
	if ((v = get(x, "description")) != NULL)
		para(o, v);
}

static void
report_lifecycle(struct doc *o, const struct fl_dossier *x)
{
	static const char *const heads[] = {"State", "Entered"};
	static const char *const st[] = {"detected", "triaged", "contained",
					 "eradicated", "recovered", "closed"};
	char col[32];
	const char *v;
	int k;

	h2(o, "Lifecycle (NIST SP 800-61)");
	table_head(o, heads, 2);
	for (k = 0; k < 6; k++) {
		snprintf(col, sizeof col, "%s_at", st[k]);
		kv(o, st[k], get(x, col));
	}
	table_end(o);
	if ((v = get(x, "containment_skip_reason")) != NULL) {
		char line[700];

		snprintf(line, sizeof line, "Containment was skipped: %.600s", v);
		para(o, line);
	}
	if ((v = get(x, "close_reason")) != NULL) {
		char line[700];

		snprintf(line, sizeof line, "Closed from triage: %.600s", v);
		para(o, line);
	}
}

static int
fired_has(const char *fired, const char *name)
{
	size_t n = strlen(name);
	const char *p = fired;

	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0' ||
						 p[n] == ' '))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

static void
report_classification(struct doc *o, const struct fl_dossier *x)
{
	static const char *const heads[] = {"Criterion", "Article", "Met"};
	char line[600];
	const char *fired;
	int c;

	h2(o, "DORA classification (Delegated Regulation (EU) 2024/1772)");
	if (x->cls.nrows == 0) {
		para(o, "Not classified.");
		return;
	}
	fired = fl_table_cell(&x->cls, 0, "fired");
	snprintf(line, sizeof line, "Classified %s by %s: %s. %s",
		 fl_table_cell(&x->cls, 0, "classified_at"),
		 fl_table_cell(&x->cls, 0, "classified_by"),
		 is_true(fl_table_cell(&x->cls, 0, "major_json"))
			 ? "MAJOR ICT-related incident" : "not major",
		 fl_table_cell(&x->cls, 0, "reason")
			 ? fl_table_cell(&x->cls, 0, "reason") : "");
	para(o, line);
	table_head(o, heads, 3);
	for (c = 0; c < FL_DORA_NCRITERIA; c++) {
		const char *cells[3];
		const char *nm = fl_dora_criterion_name((enum fl_dora_criterion)c);

		cells[0] = nm;
		cells[1] = fl_dora_criterion_article((enum fl_dora_criterion)c);
		cells[2] = fired_has(fired, nm) ? "met" : "no";
		table_row(o, cells);
	}
	table_end(o);
	if (x->recur.nrows) {
		para(o, "Recurring incidents with the same apparent root cause "
		     "within 6 months are together major (RTS Art. 8(2)); they "
		     "are offered for aggregation:");
		{
			static const char *const rh[] = {"Incident", "Aware", "Title"};
			static const char *const rc[] = {"ref", "aware_at", "title"};

			table_of(o, &x->recur, rh, rc, 3);
		}
	}
}

static void
report_clocks(struct doc *o, const struct fl_dossier *x)
{
	static const char *const heads[] = {"Regime", "Clock", "Start", "Deadline",
					    "Done", "Status", "Source"};
	static const char *const cols[] = {"regime", "clock", "start", "deadline",
					   "done", "status", "cite"};

	h2(o, "Clocks");
	table_of(o, &x->clocks, heads, cols, 7);
}

static void
report_timeline(struct doc *o, const struct fl_dossier *x)
{
	static const char *const heads[] = {"When", "Recorded", "Kind", "By",
					    "Entry"};
	static const char *const cols[] = {"at", "recorded_at", "kind", "author",
					   "text"};

	h2(o, "Timeline");
	table_of(o, &x->timeline, heads, cols, 5);
}

static void
report_rest(struct doc *o, const struct fl_dossier *x)
{
	static const char *const th[] = {"#", "Task", "Owner", "Due", "Status",
					 "Done"};
	static const char *const tc[] = {"num", "title", "owner", "due", "status",
					 "done_at"};
	static const char *const oh[] = {"Type", "Value", "TLP", "Other incidents"};
	static const char *const oc[] = {"type", "value", "tlp", "other_incidents"};
	static const char *const eh[] = {"#", "File", "SHA-256", "Bytes",
					 "Collected by", "Collected", "Kept at",
					 "Holder"};
	static const char *const ec[] = {"id", "name", "sha256", "size",
					 "collected_by", "collected_at", "location",
					 "holder"};
	static const char *const ch[] = {"Evidence", "At", "From", "To", "Purpose"};
	static const char *const cc[] = {"evidence", "at", "from", "to", "purpose"};
	static const char *const lh[] = {"Kind", "Reference", "Title"};
	static const char *const lc[] = {"kind", "key", "title"};
	const char *v;

	h2(o, "Tasks");
	table_of(o, &x->tasks, th, tc, 6);
	h2(o, "Observables");
	table_of(o, &x->obs, oh, oc, 4);
	h2(o, "Evidence");
	table_of(o, &x->ev, eh, ec, 8);
	if (x->custody.nrows) {
		para(o, "Chain of custody:");
		table_of(o, &x->custody, ch, cc, 5);
	}
	h2(o, "Links");
	table_of(o, &x->links, lh, lc, 3);
	h2(o, "Root cause");
	para(o, (v = get(x, "root_cause")) ? v : "Not recorded.");
	if ((v = get(x, "root_cause_type")) != NULL) {
		char line[96];

		snprintf(line, sizeof line, "Type: %s", v);
		para(o, line);
	}
	h2(o, "Lessons learned");
	para(o, (v = get(x, "lessons_learned")) ? v : "Not recorded.");
}

fl_err
fl_incident_report_write(const struct fl_dossier *x, const char *format,
			 struct fl_buf *out)
{
	struct doc o;
	char now[21], title[400];
	const char *tlp = get(x, "tlp");

	o.b = out;
	o.html = strcmp(format, "html") == 0;
	o.ncols = 0;
	fl_time_iso(x->now, now);
	snprintf(title, sizeof title, "Incident report %s: %s", x->ref,
		 get(x, "title") ? get(x, "title") : "");
	if (o.html) {
		fl_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			    "<meta charset=\"utf-8\">\n<title>");
		html_esc(out, title);
		fl_buf_puts(out, "</title>\n");
		fl_buf_puts(out, html_style);
		fl_buf_puts(out, "</head>\n<body>\n<p><span class=\"tlp tlp-");
		html_esc(out, tlp ? tlp : "AMBER");
		fl_buf_puts(out, "\">TLP:");
		html_esc(out, tlp ? tlp : "AMBER");
		fl_buf_puts(out, "</span></p>\n<h1>");
		html_esc(out, title);
		fl_buf_puts(out, "</h1>\n");
	} else {
		fl_buf_puts(out, "**TLP:");
		md_esc(out, tlp ? tlp : "AMBER", 0);
		fl_buf_puts(out, "**\n\n# ");
		md_esc(out, title, 0);
		fl_buf_puts(out, "\n\n");
	}
	h2(&o, "Summary");
	report_summary(&o, x);
	report_lifecycle(&o, x);
	report_classification(&o, x);
	report_clocks(&o, x);
	report_timeline(&o, x);
	report_rest(&o, x);
	if (o.html) {
		fl_buf_puts(out, "<p class=\"foot\">Written by firstline at ");
		html_esc(out, now);
		fl_buf_puts(out, " (UTC).</p>\n</body>\n</html>\n");
	} else {
		fl_buf_puts(out, "\n---\nWritten by firstline at ");
		fl_buf_puts(out, now);
		fl_buf_puts(out, " (UTC).\n");
	}
	return out->len >= out->max ? FL_E_LIMIT : FL_OK;
}

/* ---- the DORA template ------------------------------------------------- */

enum { S_GEN, S_INI, S_INT, S_FIN };

/* Implementing Regulation (EU) 2025/302, Annex I: the data fields. */
static const struct {
	const char *num, *name;
	int stage;
} dora_fields[] = {
	{"1.1", "Type of submission", S_GEN},
	{"1.2", "Name of the entity submitting the report", S_GEN},
	{"1.3", "Identification code of the entity submitting the report", S_GEN},
	{"1.4", "Type of financial entity affected", S_GEN},
	{"1.5", "Name of the financial entity affected", S_GEN},
	{"1.6", "LEI code of the financial entity affected", S_GEN},
	{"1.7", "Primary contact person name", S_GEN},
	{"1.8", "Primary contact person email", S_GEN},
	{"1.9", "Primary contact person telephone", S_GEN},
	{"1.10", "Second contact person name", S_GEN},
	{"1.11", "Second contact person email", S_GEN},
	{"1.12", "Second contact person telephone", S_GEN},
	{"1.13", "Name of the ultimate parent undertaking", S_GEN},
	{"1.14", "LEI code of the ultimate parent undertaking", S_GEN},
	{"1.15", "Reporting currency", S_GEN},
	{"2.1", "Incident reference code assigned by the financial entity", S_INI},
	{"2.2", "Date and time of detection of the major ICT-related incident",
	 S_INI},
	{"2.3", "Date and time of classification of the ICT-related incident as "
		"major", S_INI},
	{"2.4", "Description of the major ICT-related incident", S_INI},
	{"2.5", "Classification criteria that triggered the incident report",
	 S_INI},
	{"2.6", "Materiality thresholds for the classification criterion "
		"'Geographical spread'", S_INI},
	{"2.7", "Discovery of the major ICT-related incident", S_INI},
	{"2.8", "Indication whether the major ICT-related incident originates "
		"from a third-party provider or another financial entity", S_INI},
	{"2.9", "Activation of business continuity plan, if activated", S_INI},
	{"2.10", "Other relevant information", S_INI},
	{"3.1", "Incident reference code provided by the competent authority",
	 S_INT},
	{"3.2", "Date and time of occurrence of the major ICT-related incident",
	 S_INT},
	{"3.3", "Date and time when services, activities or operations have been "
		"recovered", S_INT},
	{"3.4", "Number of clients affected", S_INT},
	{"3.5", "Percentage of clients affected", S_INT},
	{"3.6", "Number of financial counterparts affected", S_INT},
	{"3.7", "Percentage of financial counterparts affected", S_INT},
	{"3.8", "Impact on relevant clients or financial counterparts", S_INT},
	{"3.9", "Number of affected transactions", S_INT},
	{"3.10", "Percentage of affected transactions", S_INT},
	{"3.11", "Value of affected transactions", S_INT},
	{"3.12", "Information on whether the numbers are actual or estimates, or "
		 "whether there has not been any impact", S_INT},
	{"3.13", "Reputational impact", S_INT},
	{"3.14", "Contextual information about the reputational impact", S_INT},
	{"3.15", "Duration of the major ICT-related incident", S_INT},
	{"3.16", "Service downtime", S_INT},
	{"3.17", "Information on whether the numbers for duration and service "
		 "downtime are actual or estimates", S_INT},
	{"3.18", "Types of impact in the Member States", S_INT},
	{"3.19", "Description of how the major ICT-related incident has an impact "
		 "in other Member States", S_INT},
	{"3.20", "Materiality thresholds for the classification criterion 'Data "
		 "losses'", S_INT},
	{"3.21", "Description of the data losses", S_INT},
	{"3.22", "Classification criterion 'Critical services affected'", S_INT},
	{"3.23", "Type of the major ICT-related incident", S_INT},
	{"3.24", "Other types of incidents", S_INT},
	{"3.25", "Threats and techniques used by the threat actor", S_INT},
	{"3.26", "Other types of techniques", S_INT},
	{"3.27", "Information about affected functional areas and business "
		 "processes", S_INT},
	{"3.28", "Affected infrastructure components supporting business "
		 "processes", S_INT},
	{"3.29", "Information about affected infrastructure components supporting "
		 "business processes", S_INT},
	{"3.30", "Impact on the financial interest of clients", S_INT},
	{"3.31", "Reporting to other authorities", S_INT},
	{"3.32", "Specification of 'other' authorities", S_INT},
	{"3.33", "Temporary actions/measures taken or planned to be taken to "
		 "recover from the incident", S_INT},
	{"3.34", "Description of any temporary actions and measures taken or "
		 "planned to be taken to recover from the incident", S_INT},
	{"3.35", "Indicators of compromise", S_INT},
	{"4.1", "High-level classification of root causes of the incident", S_FIN},
	{"4.2", "Detailed classification of root causes of the incident", S_FIN},
	{"4.3", "Additional classification of root causes of the incident", S_FIN},
	{"4.4", "Other types of root cause types", S_FIN},
	{"4.5", "Information about the root causes of the incident", S_FIN},
	{"4.6", "Incident resolution summary", S_FIN},
	{"4.7", "Date and time when the incident root cause was addressed", S_FIN},
	{"4.8", "Date and time when the incident was resolved", S_FIN},
	{"4.9", "Information if the permanent resolution date of the incident "
		"differs from the initially planned implementation date", S_FIN},
	{"4.10", "Assessment of risk to critical functions for resolution "
		 "purposes", S_FIN},
	{"4.11", "Information relevant for resolution authorities", S_FIN},
	{"4.12", "Materiality threshold for the classification criterion "
		 "'Economic impact'", S_FIN},
	{"4.13", "Amount of gross direct and indirect costs and losses", S_FIN},
	{"4.14", "Amount of financial recoveries", S_FIN},
	{"4.15", "Information on whether the non-major incidents have been "
		 "recurring", S_FIN},
	{"4.16", "Date and time of occurrence of recurring incidents", S_FIN},
};
#define NDORA (sizeof dora_fields / sizeof dora_fields[0])

/* The template's wording of each criterion (field 2.5). */
static const char *
criterion_label(int c)
{
	switch (c) {
	case FL_DORA_CRITICAL_SERVICES: return "critical services affected";
	case FL_DORA_CLIENTS:
		return "clients, financial counterparts and transactions affected";
	case FL_DORA_REPUTATIONAL: return "reputational impact";
	case FL_DORA_DURATION: return "duration and service downtime";
	case FL_DORA_GEOGRAPHICAL: return "geographical spread";
	case FL_DORA_DATA_LOSSES:
	case FL_DORA_MALICIOUS_ACCESS: return "data losses"; /* Art. 9(5) */
	case FL_DORA_ECONOMIC: return "economic impact";
	}
	return NULL;
}

/* "DD:HH:MM" of a number of hours. */
static void
duration_text(double hours, char out[static 24])
{
	long long m = hours > 0 ? (long long)(hours * 60.0 + 0.5) : 0;
	char buf[80];

	snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", m / 1440,
		 (m % 1440) / 60, m % 60);
	fl_strlcpy(out, buf, 24);
}

struct exp {
	const struct fl_dossier *x;
	struct fl_json *j;
	int stage;
	unsigned fired;
};

static void
str_or_null(struct fl_json *j, const char *s)
{
	if (s && *s)
		fl_json_str(j, s);
	else
		fl_json_null(j);
}

static void
category_type(const char *cat, const char **type, const char **threat)
{
	*type = "Cybersecurity-related";
	*threat = NULL;
	if (cat == NULL || strcmp(cat, "other") == 0) {
		*type = "Other (please specify)";
	} else if (strcmp(cat, "phishing") == 0) {
		*threat = "Social engineering (including phishing)";
	} else if (strcmp(cat, "denial-of-service") == 0) {
		*threat = "(D)DoS";
	} else if (strcmp(cat, "data-breach") == 0) {
		*threat = "Data exfiltration and manipulation, excluding identity "
			  "theft";
	}
}

static const char *
cause_label(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strcmp(t, "malicious-actions") == 0) return "malicious actions";
	if (strcmp(t, "process-failure") == 0) return "process failure";
	if (strcmp(t, "system-failure") == 0) return "system failure/malfunction";
	if (strcmp(t, "human-error") == 0) return "human error";
	if (strcmp(t, "external-event") == 0) return "external event";
	return NULL;
}

/* Write field k's value (or null); returns whether it had one. */
static int
field_value(struct exp *e, size_t k)
{
	const struct fl_dossier *x = e->x;
	const struct fl_dora_input *in = &x->din;
	struct fl_json *j = e->j;
	const char *n = dora_fields[k].num;
	char buf[800];
	int c, any;
	size_t r;

	if (strcmp(n, "1.1") == 0) {
		static const char *const t[] = {NULL, "initial notification",
						"intermediate report",
						"final report"};
		fl_json_str(j, t[e->stage]);
		return 1;
	}
	if (strcmp(n, "1.2") == 0 || strcmp(n, "1.5") == 0) {
		const char *v = get(x, "entity_name");

		str_or_null(j, v);
		return v != NULL;
	}
	if (strcmp(n, "1.7") == 0) {
		str_or_null(j, get(x, "handler"));
		return get(x, "handler") != NULL;
	}
	if (strcmp(n, "1.8") == 0) {
		str_or_null(j, get(x, "handler_email"));
		return get(x, "handler_email") != NULL;
	}
	if (strcmp(n, "1.15") == 0) {
		fl_json_str(j, "EUR");
		return 1;
	}
	if (strcmp(n, "2.1") == 0) {
		fl_json_str(j, x->ref);
		return 1;
	}
	if (strcmp(n, "2.2") == 0 || strcmp(n, "2.3") == 0 ||
	    strcmp(n, "3.2") == 0 || strcmp(n, "3.3") == 0 ||
	    strcmp(n, "4.7") == 0) {
		const char *col = n[0] == '2' ? (n[2] == '2' ? "aware_at"
							     : "classified_major_at")
				  : n[0] == '3' ? (n[2] == '2' ? "occurred_at"
							       : "recovered_at")
						: "eradicated_at";
		const char *v = get(x, col);

		str_or_null(j, v);
		return v != NULL;
	}
	if (strcmp(n, "4.8") == 0) {
		const char *v = get(x, "closed_at") ? get(x, "closed_at")
						    : get(x, "recovered_at");

		str_or_null(j, v);
		return v != NULL;
	}
	if (strcmp(n, "2.4") == 0) {
		const char *d = get(x, "description");

		snprintf(buf, sizeof buf, "%s%s%.480s", get(x, "title"),
			 d ? ": " : "", d ? d : "");
		fl_json_str(j, buf);
		return 1;
	}
	if (strcmp(n, "2.5") == 0) {
		const char *seen[FL_DORA_NCRITERIA];
		int ns = 0, s;

		if (!x->classified) {
			fl_json_null(j);
			return 0;
		}
		fl_json_arr_open(j);
		for (c = 0; c < FL_DORA_NCRITERIA; c++) {
			const char *l = criterion_label(c);

			if (!(e->fired & FL_DORA_BIT(c)) || l == NULL)
				continue;
			for (s = 0; s < ns; s++)
				if (seen[s] == l)
					break;
			if (s < ns)
				continue;
			seen[ns++] = l;
			fl_json_str(j, l);
		}
		fl_json_arr_close(j);
		return 1;
	}
	if (strcmp(n, "2.6") == 0) {
		const char *p = x->states;

		if (!(e->fired & FL_DORA_BIT(FL_DORA_GEOGRAPHICAL)) || !*p) {
			fl_json_null(j);
			return 0;
		}
		fl_json_arr_open(j);
		while (*p) {
			const char *q = strchr(p, ',');
			size_t len = q ? (size_t)(q - p) : strlen(p);

			fl_json_strn(j, p, len);
			p += len + (q != NULL);
		}
		fl_json_arr_close(j);
		return 1;
	}
	if (!x->classified && n[0] == '3' && (strcmp(n, "3.4") == 0 ||
					      strcmp(n, "3.5") == 0 ||
					      strcmp(n, "3.7") == 0 ||
					      strcmp(n, "3.8") == 0 ||
					      strcmp(n, "3.10") == 0)) {
		fl_json_null(j);
		return 0;
	}
	if (strcmp(n, "3.4") == 0) {
		fl_json_int(j, in->clients);
		return 1;
	}
	if (strcmp(n, "3.5") == 0 || strcmp(n, "3.7") == 0 ||
	    strcmp(n, "3.10") == 0) {
		fl_json_num(j, n[2] == '5' ? in->clients_pct
			       : n[2] == '7' ? in->counterparts_pct
					     : in->tx_count_pct);
		return 1;
	}
	if (strcmp(n, "3.8") == 0) {
		fl_json_bool(j, in->relevant_affected != 0);
		return 1;
	}
	if (strcmp(n, "3.13") == 0) {
		static const char *const rep[] = {
			"the major ICT-related incident has been reflected in the "
			"media",
			"the major ICT-related incident has resulted in repetitive "
			"complaints from different clients or financial "
			"counterparts on client-facing services or critical "
			"business relationships",
			"the financial entity will not be able to or is likely not "
			"to be able to meet regulatory requirements as a result of "
			"the major ICT-related incident",
			"the financial entity will or is likely to lose clients or "
			"financial counterparts with a material impact on its "
			"business as a result of the major ICT-related incident"};
		const int has[] = {in->rep_media, in->rep_complaints,
				   in->rep_regulatory, in->rep_client_loss};

		for (any = 0, c = 0; c < 4; c++)
			any |= has[c] != 0;
		if (!any) {
			fl_json_null(j);
			return 0;
		}
		fl_json_arr_open(j);
		for (c = 0; c < 4; c++)
			if (has[c])
				fl_json_str(j, rep[c]);
		fl_json_arr_close(j);
		return 1;
	}
	if (strcmp(n, "3.15") == 0 || strcmp(n, "3.16") == 0) {
		double h = n[3] == '5' ? in->duration_h : in->downtime_h;
		char d[24];

		if (h <= 0) {
			fl_json_null(j);
			return 0;
		}
		duration_text(h, d);
		fl_json_str(j, d);
		return 1;
	}
	if (strcmp(n, "3.20") == 0) {
		static const char *const dl[] = {"availability", "authenticity",
						 "integrity", "confidentiality"};
		const int has[] = {in->data_availability, in->data_authenticity,
				   in->data_integrity, in->data_confidentiality};

		for (any = 0, c = 0; c < 4; c++)
			any |= has[c] != 0;
		if (!any) {
			fl_json_null(j);
			return 0;
		}
		fl_json_arr_open(j);
		for (c = 0; c < 4; c++)
			if (has[c])
				fl_json_str(j, dl[c]);
		fl_json_arr_close(j);
		return 1;
	}
	if (strcmp(n, "3.22") == 0) {
		const char *svc = get(x, "services");

		if (!x->classified || !(e->fired &
					FL_DORA_BIT(FL_DORA_CRITICAL_SERVICES))) {
			fl_json_null(j);
			return 0;
		}
		snprintf(buf, sizeof buf, "%s%s%s%s%s",
			 in->crit_functions ? "ICT services or systems supporting "
					      "critical or important functions "
					      "affected; " : "",
			 in->crit_supervised ? "authorised or supervised financial "
					       "services affected; " : "",
			 in->malicious_access ? "successful, malicious and "
						"unauthorised access to network "
						"and information systems; " : "",
			 svc ? "services: " : "", svc ? svc : "");
		fl_json_str(j, buf);
		return 1;
	}
	if (strcmp(n, "3.23") == 0 || strcmp(n, "3.25") == 0) {
		const char *type, *threat;

		category_type(get(x, "category"), &type, &threat);
		if (n[3] == '5' && threat == NULL) {
			fl_json_null(j);
			return 0;
		}
		fl_json_arr_open(j);
		fl_json_str(j, n[3] == '3' ? type : threat);
		fl_json_arr_close(j);
		return 1;
	}
	if (strcmp(n, "3.27") == 0) {
		str_or_null(j, get(x, "services"));
		return get(x, "services") != NULL;
	}
	if (strcmp(n, "3.35") == 0) {
		/* only what its marking lets go to the authority */
		for (any = 0, r = 0; r < x->obs.nrows; r++) {
			const char *t = fl_table_cell(&x->obs, r, "tlp");

			if (t && (strcmp(t, "CLEAR") == 0 || strcmp(t, "GREEN") == 0 ||
				  strcmp(t, "AMBER") == 0)) {
				if (!any++)
					fl_json_arr_open(j);
				snprintf(buf, sizeof buf, "%s:%.700s",
					 fl_table_cell(&x->obs, r, "type"),
					 fl_table_cell(&x->obs, r, "value"));
				fl_json_str(j, buf);
			}
		}
		if (any)
			fl_json_arr_close(j);
		else
			fl_json_null(j);
		return any != 0;
	}
	if (strcmp(n, "4.1") == 0) {
		const char *l = cause_label(get(x, "root_cause_type"));

		if (l == NULL) {
			fl_json_null(j);
			return 0;
		}
		fl_json_arr_open(j);
		fl_json_str(j, l);
		fl_json_arr_close(j);
		return 1;
	}
	if (strcmp(n, "4.5") == 0) {
		str_or_null(j, get(x, "root_cause"));
		return get(x, "root_cause") != NULL;
	}
	if (strcmp(n, "4.12") == 0) {
		if (!x->classified) {
			fl_json_null(j);
			return 0;
		}
		fl_json_str(j, e->fired & FL_DORA_BIT(FL_DORA_ECONOMIC)
				       ? "threshold met (over EUR 100 000)"
				       : "threshold not met");
		return 1;
	}
	if (strcmp(n, "4.13") == 0) {
		if (!x->classified) {
			fl_json_null(j);
			return 0;
		}
		fl_json_num(j, in->cost_direct_eur + in->cost_indirect_eur);
		return 1;
	}
	if (strcmp(n, "4.15") == 0 || strcmp(n, "4.16") == 0) {
		if (x->recur.nrows == 0) {
			fl_json_null(j);
			return 0;
		}
		if (n[3] == '5') {
			struct fl_buf b;

			fl_buf_init(&b, 0);
			fl_buf_puts(&b, "recurring non-major incidents with the same "
				    "apparent root cause, together major (RTS Art. "
				    "8(2)): ");
			for (r = 0; r < x->recur.nrows; r++)
				fl_buf_printf(&b, "%s%s", r ? ", " : "",
					      fl_table_cell(&x->recur, r, "ref"));
			fl_json_str(j, fl_buf_str(&b));
			fl_buf_release(&b);
		} else {
			fl_json_arr_open(j);
			for (r = 0; r < x->recur.nrows; r++)
				str_or_null(j, fl_table_cell(&x->recur, r,
							     "aware_at"));
			fl_json_arr_close(j);
		}
		return 1;
	}
	fl_json_null(j);
	return 0;
}

fl_err
fl_incident_export_dora(const struct fl_dossier *x, const char *stage,
			struct fl_buf *out, struct fl_diag *d)
{
	static const char *const stage_names[] = {NULL, "initial", "intermediate",
						  "final"};
	struct fl_json j;
	struct exp e;
	struct fl_buf missing;
	char now[21];
	const char *fired;
	size_t k;
	int c;

	if (!is_true(get(x, "major_json")))
		return fl_diag_msg(d, FL_E_INVAL, "%s is not classified as a major "
				   "ICT-related incident (incident classify): "
				   "DORA reports only major ones", x->ref);
	memset(&e, 0, sizeof e);
	e.x = x;
	e.j = &j;
	if (stage)
		e.stage = strcmp(stage, "initial") == 0 ? S_INI
			  : strcmp(stage, "intermediate") == 0 ? S_INT : S_FIN;
	else if (get(x, "dora_initial_at") == NULL)
		e.stage = S_INI;
	else if (get(x, "dora_intermediate_at") == NULL)
		e.stage = S_INT;
	else
		e.stage = S_FIN;
	fired = x->cls.nrows ? fl_table_cell(&x->cls, 0, "fired") : NULL;
	for (c = 0; c < FL_DORA_NCRITERIA; c++)
		if (fired && fired_has(fired,
				       fl_dora_criterion_name((enum fl_dora_criterion)c)))
			e.fired |= FL_DORA_BIT(c);
	fl_time_iso(x->now, now);
	fl_buf_init(&missing, 0);
	fl_json_init(&j, out, 1);
	fl_json_obj_open(&j);
	fl_json_key(&j, "template");
	fl_json_str(&j, "Commission Implementing Regulation (EU) 2025/302, "
		    "Annex I: template for the reporting of major ICT-related "
		    "incidents");
	fl_json_key(&j, "content");
	fl_json_str(&j, "Commission Delegated Regulation (EU) 2025/301, Art. 2 "
		    "(initial notification), 3 (intermediate report), 4 (final "
		    "report)");
	fl_json_key(&j, "incident");
	fl_json_str(&j, x->ref);
	fl_json_key(&j, "stage");
	fl_json_str(&j, stage_names[e.stage]);
	fl_json_key(&j, "generated_at");
	fl_json_str(&j, now);
	fl_json_key(&j, "fields");
	fl_json_obj_open(&j);
	for (k = 0; k < NDORA; k++) {
		if (dora_fields[k].stage > e.stage)
			continue;
		fl_json_key(&j, dora_fields[k].num);
		fl_json_obj_open(&j);
		fl_json_key(&j, "name");
		fl_json_str(&j, dora_fields[k].name);
		fl_json_key(&j, "value");
		if (!field_value(&e, k))
			fl_buf_printf(&missing, "%s%s", missing.len ? "," : "",
				      dora_fields[k].num);
		fl_json_obj_close(&j);
	}
	fl_json_obj_close(&j);
	fl_json_key(&j, "missing");
	fl_json_arr_open(&j);
	{
		const char *p = fl_buf_str(&missing);

		while (*p) {
			const char *q = strchr(p, ',');
			size_t len = q ? (size_t)(q - p) : strlen(p);

			fl_json_strn(&j, p, len);
			p += len + (q != NULL);
		}
	}
	fl_json_arr_close(&j);
	fl_json_obj_close(&j);
	fl_buf_putc(out, '\n');
	fl_buf_release(&missing);
	return FL_OK;
}
