/*
 * core/incident: the incident lifecycle, its vocabularies and the task
 * templates (see incident.h).  No I/O: the template text comes in as
 * bytes, errors go out as a diag.
 *
 * The lifecycle (NIST SP 800-61r2, section 3: detection and analysis;
 * containment, eradication and recovery; post-incident activity), one row
 * per "from" state, one column per "to" state:
 *
 *              detected triaged contained eradicated recovered closed
 *   detected      -      step      -         -          -        -
 *   triaged       -       -       step   skip-contain     -   unfounded
 *   contained     -       -        -        step          -        -
 *   eradicated    -       -        -         -          step       -
 *   recovered     -       -        -         -           -       step
 *   closed        -       -        -         -           -        -
 *
 * step: always allowed (closing: with root cause and lessons learned);
 * skip-contain: low/medium freely, high/critical only with a reason;
 * unfounded: with a reason (and, like every close, root cause and
 * lessons learned — for a false alarm, why it was one).
 */
#include "incident.h"

#include <ctype.h>

#define R FL_MOVE_REFUSED
#define S FL_MOVE_STEP
#define K FL_MOVE_SKIP_CONTAIN
#define U FL_MOVE_CLOSE_UNFOUNDED
static const unsigned char move_table[FL_INC_NSTATES][FL_INC_NSTATES] = {
	/* detected */   {R, S, R, R, R, R},
	/* triaged */    {R, R, S, K, R, U},
	/* contained */  {R, R, R, S, R, R},
	/* eradicated */ {R, R, R, R, S, R},
	/* recovered */  {R, R, R, R, R, S},
	/* closed */     {R, R, R, R, R, R},
};
#undef R
#undef S
#undef K
#undef U

static const char *const state_names[FL_INC_NSTATES] = {
	"detected", "triaged", "contained", "eradicated", "recovered", "closed"
};
static const char *const sev_names[] = {
	NULL, "low", "medium", "high", "critical"
};
static const char *const categories[] = {
	"malware", "phishing", "unauthorised-access", "data-breach",
	"denial-of-service", "misuse", "vulnerability-exploitation", "other",
	NULL
};
static const char *const tlps[] = {
	"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL
};
static const char *const cause_types[] = {
	"malicious-actions", "process-failure", "system-failure", "human-error",
	"external-event", NULL
};

const char *
fl_incident_state_name(int state)
{
	return state >= 0 && state < FL_INC_NSTATES ? state_names[state] : NULL;
}

int
fl_incident_state_find(const char *name)
{
	int i;

	for (i = 0; name && i < FL_INC_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

int
fl_incident_severity_find(const char *name)
{
	int i;

	for (i = FL_INC_SEV_LOW; name && i <= FL_INC_SEV_CRITICAL; i++)
		if (fl_streq_ci(name, sev_names[i]))
			return i;
	return 0;
}

const char *
fl_incident_severity_name(int sev)
{
	return sev >= FL_INC_SEV_LOW && sev <= FL_INC_SEV_CRITICAL
		       ? sev_names[sev]
		       : NULL;
}

int
fl_incident_category_norm(const char *in, char out[static 32])
{
	char buf[32];
	size_t i, n;
	int k;

	if (in == NULL || (n = strlen(in)) == 0 || n >= sizeof buf)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		buf[i] = (c == ' ' || c == '_') ? '-' : (char)tolower(c);
	}
	buf[n] = '\0';
	if (strcmp(buf, "unauthorized-access") == 0)
		fl_strlcpy(buf, "unauthorised-access", sizeof buf);
	for (k = 0; categories[k]; k++)
		if (strcmp(buf, categories[k]) == 0) {
			fl_strlcpy(out, categories[k], 32);
			return 0;
		}
	return -1;
}

int
fl_incident_tlp_norm(const char *in, char out[static 16])
{
	char buf[16];
	size_t i, n;
	int k;

	if (in == NULL)
		return -1;
	if ((in[0] == 't' || in[0] == 'T') && (in[1] == 'l' || in[1] == 'L') &&
	    (in[2] == 'p' || in[2] == 'P') && in[3] == ':')
		in += 4;
	if ((n = strlen(in)) == 0 || n >= sizeof buf)
		return -1;
	for (i = 0; i < n; i++)
		buf[i] = (char)toupper((unsigned char)in[i]);
	buf[n] = '\0';
	if (strcmp(buf, "WHITE") == 0)
		return -2;
	for (k = 0; tlps[k]; k++)
		if (strcmp(buf, tlps[k]) == 0) {
			fl_strlcpy(out, tlps[k], 16);
			return 0;
		}
	return -1;
}

int
fl_incident_cause_type_valid(const char *s)
{
	int k;

	for (k = 0; s && cause_types[k]; k++)
		if (strcmp(s, cause_types[k]) == 0)
			return 1;
	return 0;
}

/* ---- lifecycle --------------------------------------------------------- */

enum fl_inc_move_kind
fl_incident_move_kind(int from, int to)
{
	if (from < 0 || from >= FL_INC_NSTATES || to < 0 ||
	    to >= FL_INC_NSTATES)
		return FL_MOVE_REFUSED;
	return (enum fl_inc_move_kind)move_table[from][to];
}

fl_err
fl_incident_move_check(const struct fl_inc_move *m,
		       enum fl_inc_move_kind *kind, struct fl_diag *d)
{
	enum fl_inc_move_kind k = fl_incident_move_kind(m->from, m->to);
	const char *fn = fl_incident_state_name(m->from);
	const char *tn = fl_incident_state_name(m->to);

	*kind = FL_MOVE_REFUSED;
	if (fn == NULL || tn == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "unknown state");
	if (m->from == m->to)
		return fl_diag_msg(d, FL_E_INVAL, "the incident is already %s",
				   fn);
	if (m->from == FL_INC_CLOSED)
		return fl_diag_msg(d, FL_E_INVAL, "the incident is closed: "
				   "closed is final");
	if (m->to < m->from)
		return fl_diag_msg(d, FL_E_INVAL, "cannot move back from %s to "
				   "%s: the lifecycle only moves forward (record "
				   "a relapse as a note or a new incident)",
				   fn, tn);
	if (k == FL_MOVE_REFUSED)
		return fl_diag_msg(d, FL_E_INVAL, "cannot move from %s to %s: "
				   "the next state is %s", fn, tn,
				   state_names[m->from + 1]);
	if (k == FL_MOVE_SKIP_CONTAIN && m->severity >= FL_INC_SEV_HIGH &&
	    !m->has_reason)
		return fl_diag_msg(d, FL_E_INVAL, "a %s incident may not skip "
				   "containment without a reason (--reason)",
				   m->severity == FL_INC_SEV_CRITICAL
					   ? "critical" : "high");
	if (k == FL_MOVE_CLOSE_UNFOUNDED && !m->has_reason)
		return fl_diag_msg(d, FL_E_INVAL, "closing straight from triage "
				   "needs a reason (--reason: why it was no "
				   "incident)");
	if (m->to == FL_INC_CLOSED && (!m->has_root_cause || !m->has_lessons))
		return fl_diag_msg(d, FL_E_INVAL, "closing needs %s%s%s (incident "
				   "set --root-cause ... --lessons ...)",
				   m->has_root_cause ? "" : "a root cause",
				   !m->has_root_cause && !m->has_lessons
					   ? " and " : "",
				   m->has_lessons ? "" : "lessons learned");
	*kind = k;
	return FL_OK;
}

/* ---- spans ------------------------------------------------------------- */

int
fl_incident_parse_span(const char *s, long long *secs)
{
	char num[16];
	size_t n;
	long v;
	long long unit;

	if (s == NULL || (n = strlen(s)) < 2 || n >= sizeof num)
		return -1;
	switch (s[n - 1]) {
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (fl_parse_long(num, 1, 100000, &v) != 0)
		return -1;
	*secs = (long long)v * unit;
	return 0;
}

void
fl_incident_span_text(long long secs, char out[static 24])
{
	const char *sign = secs < 0 ? "-" : "";
	long long a = secs < 0 ? -secs : secs;
	long long d = a / 86400, h = (a % 86400) / 3600, m = (a % 3600) / 60;

	if (d > 0)
		snprintf(out, 24, "%s%lldd%02lldh", sign, d, h);
	else if (h > 0)
		snprintf(out, 24, "%s%lldh%02lldm", sign, h, m);
	else
		snprintf(out, 24, "%s%lldm", sign, m);
}

/* ---- task templates ---------------------------------------------------- */

struct tpl_parser {
	const char *file;
	unsigned long line;
	struct fl_diag *d;
};

static fl_err
tpl_err(struct tpl_parser *ps, size_t col, const char *what)
{
	return fl_diag_set(ps->d, FL_E_SYNTAX, ps->file, ps->line,
			   (unsigned long)col + 1, "%s", what);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line p[0..n), without its newline. */
static fl_err
tpl_line(struct tpl_parser *ps, const char *p, size_t n,
	 struct fl_task_tpls *out)
{
	struct fl_task_tpl *t;
	char word[40];
	size_t i = 0, b, wl;
	long v;
	fl_err rc;

	while (i < n && is_blank(p[i]))
		i++;
	if (i == n || p[i] == '#')
		return FL_OK;
	if (out->n == FL_TASK_TPL_MAX)
		return tpl_err(ps, i, "too many task templates (at most 128)");
	t = &out->t[out->n];
	memset(t, 0, sizeof *t);
	t->line = ps->line;

	/* CATEGORY */
	b = i;
	while (i < n && !is_blank(p[i]) && p[i] != '#')
		i++;
	wl = i - b;
	if (wl >= sizeof word)
		return tpl_err(ps, b, "unknown category (one of " FL_INC_CATEGORIES ")");
	memcpy(word, p + b, wl);
	word[wl] = '\0';
	if (fl_incident_category_norm(word, t->category) != 0 ||
	    strcmp(word, t->category) != 0)
		return tpl_err(ps, b, "unknown category (one of " FL_INC_CATEGORIES ")");

	/* DUE */
	while (i < n && is_blank(p[i]))
		i++;
	b = i;
	while (i < n && !is_blank(p[i]) && p[i] != '#' && p[i] != '"')
		i++;
	wl = i - b;
	if (wl == 0)
		return tpl_err(ps, b, "expected a due time (Nh, Nd or -)");
	if (wl == 1 && p[b] == '-') {
		t->due_h = -1;
	} else {
		if (wl >= sizeof word || wl < 2)
			return tpl_err(ps, b, "bad due time: Nh, Nd or -");
		memcpy(word, p + b, wl - 1);
		word[wl - 1] = '\0';
		if ((p[b + wl - 1] != 'h' && p[b + wl - 1] != 'd') ||
		    fl_parse_long(word, 1, FL_TASK_DUE_MAX_H, &v) != 0)
			return tpl_err(ps, b, "bad due time: Nh or Nd (N from 1), "
				       "or -");
		if (p[b + wl - 1] == 'd' && v > FL_TASK_DUE_MAX_H / 24)
			return tpl_err(ps, b, "due time longer than a year");
		t->due_h = (int)(p[b + wl - 1] == 'd' ? v * 24 : v);
	}

	/* "TITLE" */
	while (i < n && is_blank(p[i]))
		i++;
	if (i == n || p[i] != '"')
		return tpl_err(ps, i, "expected the task title in double quotes");
	b = ++i;
	while (i < n && p[i] != '"') {
		if ((unsigned char)p[i] < 0x20 && p[i] != '\t')
			return tpl_err(ps, i, "control character in the title");
		i++;
	}
	if (i == n)
		return tpl_err(ps, b - 1, "unterminated title (no closing '\"')");
	wl = i - b;
	if (wl == 0)
		return tpl_err(ps, b - 1, "empty title");
	if (wl >= FL_TASK_TITLE_MAX)
		return tpl_err(ps, b - 1, "title longer than 199 bytes");
	memcpy(t->title, p + b, wl);
	t->title[wl] = '\0';
	i++;
	while (i < n && is_blank(p[i]))
		i++;
	if (i < n && p[i] != '#')
		return tpl_err(ps, i, "unexpected text after the title");
	rc = FL_OK;
	out->n++;
	return rc;
}

fl_err
fl_incident_tasks_parse(const char *text, size_t len, const char *filename,
			struct fl_task_tpls *out, struct fl_diag *d)
{
	struct tpl_parser ps;
	size_t i = 0;
	fl_err rc = FL_OK;

	memset(out, 0, sizeof *out);
	ps.file = filename ? filename : "";
	ps.line = 0;
	ps.d = d;
	if (len > FL_TASK_TEXT_MAX)
		return fl_diag_set(d, FL_E_LIMIT, ps.file, 0, 0, "task templates "
				   "are larger than %d bytes", FL_TASK_TEXT_MAX);
	while (i < len && rc == FL_OK) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		ps.line++;
		if (memchr(text + i, '\0', n) != NULL) {
			rc = fl_diag_set(d, FL_E_SYNTAX, ps.file, ps.line, 1,
					 "NUL byte in the file");
			break;
		}
		rc = tpl_line(&ps, text + i, n, out);
		i += n + (nl != NULL);
	}
	if (rc != FL_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

fl_err
fl_incident_tasks_default(struct fl_task_tpls *out, struct fl_diag *d)
{
	const char *t = fl_data_text("incident-tasks.conf");

	if (t == NULL) {
		memset(out, 0, sizeof *out);
		return fl_diag_msg(d, FL_E_INTERNAL, "incident-tasks.conf is not "
				   "embedded in this binary");
	}
	return fl_incident_tasks_parse(t, strlen(t), "incident-tasks.conf", out,
				       d);
}
