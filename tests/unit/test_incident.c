/*
 * test_incident: the incident rules and their store.  Cases as tables:
 * every pair of the lifecycle (allowed and refused, with and without a
 * reason, for low and high severity, with and without what closing
 * needs), the vocabularies, the task template parser with its errors,
 * spans, observable normalisation and dedup across incidents, evidence
 * hashing and verification, and the clock facts built from stored times.
 * The store cases run against a fresh database per test, each command in
 * a transaction like the CLI's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/incident.h"
#include "store/incident.h"
#include "store/notify.h"

/* ---- lifecycle --------------------------------------------------------- */

/*
 * The table of core/incident.c, written out again independently:
 * S step, K skip containment, U close unfounded, '.' refused.
 */
static const char *const expect_kind[FL_INC_NSTATES] = {
	/*   D T C E R X */
	".S....", /* detected */
	"..SK.U", /* triaged */
	"...S..", /* contained */
	"....S.", /* eradicated */
	".....S", /* recovered */
	"......", /* closed */
};

static void
test_move_kind_table(void **state)
{
	int f, t;

	(void)state;
	for (f = 0; f < FL_INC_NSTATES; f++)
		for (t = 0; t < FL_INC_NSTATES; t++) {
			enum fl_inc_move_kind k = fl_incident_move_kind(f, t);
			char want = expect_kind[f][t];
			char got = k == FL_MOVE_STEP ? 'S'
				   : k == FL_MOVE_SKIP_CONTAIN ? 'K'
				   : k == FL_MOVE_CLOSE_UNFOUNDED ? 'U' : '.';

			if (got != want)
				fail_msg("%s -> %s: got %c, want %c",
					 fl_incident_state_name(f),
					 fl_incident_state_name(t), got, want);
		}
	assert_int_equal(fl_incident_move_kind(-1, 0), FL_MOVE_REFUSED);
	assert_int_equal(fl_incident_move_kind(0, FL_INC_NSTATES), FL_MOVE_REFUSED);
}

/*
 * Every pair, for every severity, with and without a reason, with and
 * without root cause and lessons: allowed exactly when the rules of
 * incident.h say so.
 */
static void
test_move_check_all_pairs(void **state)
{
	int f, t, sev, reason, ready, allowed;
	long checked = 0, ok = 0;

	(void)state;
	for (f = 0; f < FL_INC_NSTATES; f++)
		for (t = 0; t < FL_INC_NSTATES; t++)
			for (sev = FL_INC_SEV_LOW; sev <= FL_INC_SEV_CRITICAL; sev++)
				for (reason = 0; reason < 2; reason++)
					for (ready = 0; ready < 4; ready++) {
		struct fl_inc_move m;
		enum fl_inc_move_kind k;
		struct fl_diag d;
		char e = expect_kind[f][t];
		fl_err rc;

		memset(&m, 0, sizeof m);
		m.from = f;
		m.to = t;
		m.severity = sev;
		m.has_reason = reason;
		m.has_root_cause = ready & 1;
		m.has_lessons = (ready & 2) != 0;
		allowed = e == 'S' ||
			  (e == 'K' && (sev <= FL_INC_SEV_MEDIUM || reason)) ||
			  (e == 'U' && reason);
		if (t == FL_INC_CLOSED && ready != 3)
			allowed = 0;
		fl_diag_clear(&d);
		rc = fl_incident_move_check(&m, &k, &d);
		checked++;
		if (allowed != (rc == FL_OK))
			fail_msg("%s -> %s sev %d reason %d ready %d: rc %d (%s)",
				 fl_incident_state_name(f),
				 fl_incident_state_name(t), sev, reason, ready,
				 rc, d.msg);
		if (rc == FL_OK) {
			ok++;
			assert_int_not_equal(k, FL_MOVE_REFUSED);
		} else {
			assert_int_equal(rc, FL_E_INVAL);
			assert_int_equal(k, FL_MOVE_REFUSED);
			assert_true(d.msg[0] != '\0');
		}
	}
	assert_int_equal(checked, 6 * 6 * 4 * 2 * 4);
	/*
	 * allowed: 4 plain steps x 32, recovered -> closed x 8 (ready),
	 * skip: low/medium 2 x 8 + high/critical with reason 2 x 4, close
	 * unfounded: reason and ready, 4 severities
	 */
	assert_int_equal(ok, 4 * 32 + 8 + 16 + 8 + 4);
}

static void
test_move_messages(void **state)
{
	static const struct {
		int from, to, sev, reason, root, lessons;
		const char *want;
	} cases[] = {
		{FL_INC_DETECTED, FL_INC_CONTAINED, 3, 0, 0, 0,
		 "cannot move from detected to contained: the next state is triaged"},
		{FL_INC_TRIAGED, FL_INC_ERADICATED, 3, 0, 0, 0,
		 "a high incident may not skip containment without a reason"},
		{FL_INC_TRIAGED, FL_INC_ERADICATED, 4, 0, 0, 0,
		 "a critical incident may not skip containment"},
		{FL_INC_CONTAINED, FL_INC_TRIAGED, 2, 1, 1, 1,
		 "cannot move back from contained to triaged"},
		{FL_INC_CLOSED, FL_INC_TRIAGED, 2, 1, 1, 1, "closed is final"},
		{FL_INC_TRIAGED, FL_INC_TRIAGED, 2, 0, 0, 0, "already triaged"},
		{FL_INC_RECOVERED, FL_INC_CLOSED, 2, 0, 0, 0,
		 "closing needs a root cause and lessons learned"},
		{FL_INC_RECOVERED, FL_INC_CLOSED, 2, 0, 1, 0,
		 "closing needs lessons learned"},
		{FL_INC_RECOVERED, FL_INC_CLOSED, 2, 0, 0, 1,
		 "closing needs a root cause ("},
		{FL_INC_TRIAGED, FL_INC_CLOSED, 1, 0, 1, 1,
		 "closing straight from triage needs a reason"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fl_inc_move m;
		enum fl_inc_move_kind k;
		struct fl_diag d;

		memset(&m, 0, sizeof m);
		m.from = cases[i].from;
		m.to = cases[i].to;
		m.severity = cases[i].sev;
		m.has_reason = cases[i].reason;
		m.has_root_cause = cases[i].root;
		m.has_lessons = cases[i].lessons;
		fl_diag_clear(&d);
		assert_int_equal(fl_incident_move_check(&m, &k, &d), FL_E_INVAL);
		if (strstr(d.msg, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, d.msg,
				 cases[i].want);
	}
}

/* ---- vocabularies ------------------------------------------------------ */

static void
test_vocabularies(void **state)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} cats[] = {
		{"malware", "malware"}, {"Phishing", "phishing"},
		{"unauthorised access", "unauthorised-access"},
		{"Unauthorized_Access", "unauthorised-access"},
		{"data-breach", "data-breach"}, {"DENIAL OF SERVICE", "denial-of-service"},
		{"misuse", "misuse"},
		{"vulnerability exploitation", "vulnerability-exploitation"},
		{"other", "other"}, {"ransomware", NULL}, {"", NULL}, {NULL, NULL},
	};
	static const struct {
		const char *in, *want;
		int rc;
	} tlps[] = {
		{"clear", "CLEAR", 0}, {"TLP:GREEN", "GREEN", 0},
		{"tlp:amber", "AMBER", 0}, {"amber+strict", "AMBER+STRICT", 0},
		{"RED", "RED", 0}, {"WHITE", NULL, -2}, {"TLP:WHITE", NULL, -2},
		{"AMBER STRICT", NULL, -1}, {"", NULL, -1}, {NULL, NULL, -1},
	};
	char out[32], t[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cats / sizeof cats[0]; i++) {
		int r = fl_incident_category_norm(cats[i].in, out);

		if (cats[i].want) {
			assert_int_equal(r, 0);
			assert_string_equal(out, cats[i].want);
		} else {
			assert_int_equal(r, -1);
		}
	}
	for (i = 0; i < sizeof tlps / sizeof tlps[0]; i++) {
		assert_int_equal(fl_incident_tlp_norm(tlps[i].in, t), tlps[i].rc);
		if (tlps[i].want)
			assert_string_equal(t, tlps[i].want);
	}
	assert_int_equal(fl_incident_severity_find("CRITICAL"), FL_INC_SEV_CRITICAL);
	assert_int_equal(fl_incident_severity_find("low"), FL_INC_SEV_LOW);
	assert_int_equal(fl_incident_severity_find("urgent"), 0);
	assert_int_equal(fl_incident_state_find("eradicated"), FL_INC_ERADICATED);
	assert_int_equal(fl_incident_state_find("Eradicated"), -1);
	assert_true(fl_incident_cause_type_valid("human-error"));
	assert_false(fl_incident_cause_type_valid("bad luck"));
}

static void
test_spans(void **state)
{
	static const struct {
		const char *in;
		long long secs; /* -1 refused */
	} spans[] = {
		{"30m", 1800}, {"4h", 14400}, {"2d", 172800}, {"1h", 3600},
		{"0h", -1}, {"h", -1}, {"4", -1}, {"4w", -1}, {"-4h", -1},
		{"100001m", -1}, {"", -1},
	};
	static const struct {
		long long secs;
		const char *want;
	} texts[] = {
		{0, "0m"}, {59, "0m"}, {2700, "45m"}, {3600, "1h00m"},
		{11520, "3h12m"}, {86400 * 2 + 4 * 3600, "2d04h"},
		{-3900, "-1h05m"}, {-60, "-1m"},
	};
	char out[24];
	long long s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof spans / sizeof spans[0]; i++) {
		int r = fl_incident_parse_span(spans[i].in, &s);

		if (spans[i].secs < 0) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(s, spans[i].secs);
		}
	}
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		fl_incident_span_text(texts[i].secs, out);
		assert_string_equal(out, texts[i].want);
	}
}

/* ---- task templates ---------------------------------------------------- */

static void
test_tasks_parse(void **state)
{
	static const char good[] =
		"# comment\n"
		"\n"
		"phishing 1h \"Block the sender\"  # trailing comment\n"
		"phishing 2d \"Tell the staff\"\r\n"
		"  malware - \"Isolate # not a comment\"\n";
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *why;
	} bad[] = {
		{"ransomware 1h \"x\"\n", 1, 1, "unknown category"},
		{"Phishing 1h \"x\"\n", 1, 1, "unknown category"},
		{"phishing\n", 1, 9, "expected a due time"},
		{"phishing 1w \"x\"\n", 1, 10, "bad due time"},
		{"phishing 0h \"x\"\n", 1, 10, "bad due time"},
		{"phishing 400d \"x\"\n", 1, 10, "longer than a year"},
		{"phishing 1h x\n", 1, 13, "in double quotes"},
		{"phishing 1h \"x\n", 1, 13, "unterminated"},
		{"phishing 1h \"\"\n", 1, 13, "empty title"},
		{"phishing 1h \"x\" y\n", 1, 17, "unexpected text"},
		{"# ok\nmalware 1h \"a\"\nmalware 1h \"b\" extra\n", 3, 16,
		 "unexpected text"},
	};
	struct fl_task_tpls *t = malloc(sizeof *t);
	struct fl_diag d;
	size_t i;

	(void)state;
	assert_non_null(t);
	fl_diag_clear(&d);
	assert_int_equal(fl_incident_tasks_parse(good, sizeof good - 1, "t.conf",
						 t, &d), FL_OK);
	assert_int_equal(t->n, 3);
	assert_string_equal(t->t[0].category, "phishing");
	assert_string_equal(t->t[0].title, "Block the sender");
	assert_int_equal(t->t[0].due_h, 1);
	assert_int_equal(t->t[0].line, 3);
	assert_int_equal(t->t[1].due_h, 48);
	assert_string_equal(t->t[2].title, "Isolate # not a comment");
	assert_int_equal(t->t[2].due_h, -1);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fl_diag_clear(&d);
		assert_int_equal(fl_incident_tasks_parse(bad[i].text,
							 strlen(bad[i].text),
							 "t.conf", t, &d),
				 FL_E_SYNTAX);
		assert_string_equal(d.file, "t.conf");
		if (d.line != bad[i].line || d.col != bad[i].col ||
		    strstr(d.msg, bad[i].why) == NULL)
			fail_msg("case %zu: %lu:%lu %s (want %lu:%lu %s)", i,
				 d.line, d.col, d.msg, bad[i].line, bad[i].col,
				 bad[i].why);
		assert_int_equal(t->n, 0);
	}
	/* the shipped templates parse, and every category has some */
	assert_int_equal(fl_incident_tasks_default(t, &d), FL_OK);
	{
		static const char *const cats[] = {
			"malware", "phishing", "unauthorised-access",
			"data-breach", "denial-of-service", "misuse",
			"vulnerability-exploitation", "other"};
		size_t c;
		int k, n;

		for (c = 0; c < sizeof cats / sizeof cats[0]; c++) {
			for (n = 0, k = 0; k < t->n; k++)
				n += strcmp(t->t[k].category, cats[c]) == 0;
			if (n == 0)
				fail_msg("no template for %s", cats[c]);
		}
	}
	free(t);
}

/* ---- the store --------------------------------------------------------- */

static char dbpath[64], dir[64];

static void
unlink_db(void)
{
	char p[96];

	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
}

static int
setup(void **state)
{
	struct fl_store *st;
	struct fl_diag d;
	struct fl_entity_in e = {"BANK", "Example Bank", 0, "dora"};
	struct fl_entity_in e2 = {"SHOP", "Example Shop", 0, "nis2"};
	struct fl_person_in p = {"hana@example.org", "Hana Handler", NULL, "itso",
				 "BANK"};
	struct fl_person_in q = {"ines@example.org", "Ines Iso", NULL, "iso",
				 "BANK"};

	setenv("FIRSTLINE_NOW", "2026-03-02T08:00:00Z", 1);
	snprintf(dbpath, sizeof dbpath, "/tmp/fl-incident-%d.db", (int)getpid());
	snprintf(dir, sizeof dir, "/tmp/fl-incident-%d.d", (int)getpid());
	unlink_db();
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	fl_store_set_actor(st, "tester");
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_store_entity_add(st, &e, &d), FL_OK);
	assert_int_equal(fl_store_entity_add(st, &e2, &d), FL_OK);
	assert_int_equal(fl_store_person_add(st, &p, &d), FL_OK);
	assert_int_equal(fl_store_person_add(st, &q, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	fl_store_close(*state);
	unlink_db();
	unsetenv("FIRSTLINE_NOW");
	return 0;
}

static time_t
T(const char *s)
{
	time_t t = 0;

	assert_int_equal(fl_time_parse(s, &t), 0);
	return t;
}

/* Create an incident in its own transaction; ref receives it. */
static void
make(struct fl_store *st, const char *title, const char *cat, const char *sev,
     const char *entity, const char *aware, char ref[static FL_INC_REF_MAX])
{
	struct fl_incident_new in;
	struct fl_diag d;
	fl_err rc;

	memset(&in, 0, sizeof in);
	in.title = title;
	in.category = cat;
	in.severity = sev;
	in.entity = entity;
	in.aware = aware;
	in.handler = "hana@example.org";
	in.critical_function = in.personal_data = -1;
	in.dora = in.nis2 = in.gdpr = in.art5_5 = in.art5_6 = -1;
	fl_diag_clear(&d);
	assert_int_equal(fl_store_begin(st), FL_OK);
	rc = fl_incident_create(st, &in, T("2026-03-02T08:00:00Z"), ref, NULL, &d);
	if (rc != FL_OK)
		fail_msg("create: %s", d.msg);
	assert_int_equal(fl_store_commit(st), FL_OK);
}

static fl_err
move(struct fl_store *st, const char *ref, const char *to, const char *reason,
     char *msg, size_t msgsz)
{
	struct fl_diag d;
	fl_err rc;

	fl_diag_clear(&d);
	assert_int_equal(fl_store_begin(st), FL_OK);
	rc = fl_incident_move(st, ref, to, reason, NULL,
			      T("2026-03-02T09:00:00Z"), &d);
	if (rc == FL_OK)
		assert_int_equal(fl_store_commit(st), FL_OK);
	else
		fl_store_rollback(st);
	if (msg)
		fl_strlcpy(msg, d.msg, msgsz);
	return rc;
}

struct cell {
	const char *name;
	char val[256];
	int n;
};

static fl_err
cell_row(void *ctx, const struct fl_row *row)
{
	struct cell *c = ctx;
	const char *v = fl_row_get(row, c->name);

	fl_strlcpy(c->val, v ? v : "(null)", sizeof c->val);
	c->n++;
	return FL_OK;
}

static const char *
show_field(struct fl_store *st, const char *ref, const char *name,
	   struct cell *c)
{
	struct fl_diag d;

	memset(c, 0, sizeof *c);
	c->name = name;
	assert_int_equal(fl_incident_show(st, ref, cell_row, c, &d), FL_OK);
	assert_int_equal(c->n, 1);
	return c->val;
}

/* The lifecycle through the store: refusals leave the state as it was. */
static void
test_store_lifecycle(void **state)
{
	struct fl_store *st = *state;
	struct fl_incident_set s;
	struct fl_diag d;
	struct cell c;
	char ref[FL_INC_REF_MAX], low[FL_INC_REF_MAX], msg[512];
	int changed = 0;

	make(st, "Phishing wave", "phishing", "high", "BANK", NULL, ref);
	assert_string_equal(ref, "IR-2026-0001");
	make(st, "Spam", "phishing", "low", NULL, NULL, low);
	assert_string_equal(low, "IR-2026-0002");
	assert_int_equal(move(st, ref, "contained", NULL, msg, sizeof msg),
			 FL_E_INVAL);
	assert_string_equal(show_field(st, ref, "state", &c), "detected");
	assert_int_equal(move(st, ref, "triaged", NULL, NULL, 0), FL_OK);
	assert_int_equal(move(st, ref, "eradicated", NULL, msg, sizeof msg),
			 FL_E_INVAL);
	assert_non_null(strstr(msg, "may not skip containment"));
	assert_int_equal(move(st, ref, "eradicated", "no foothold found", NULL, 0),
			 FL_OK);
	assert_string_equal(show_field(st, ref, "containment_skip_reason", &c),
			    "no foothold found");
	assert_int_equal(move(st, ref, "recovered", NULL, NULL, 0), FL_OK);
	assert_int_equal(move(st, ref, "closed", NULL, msg, sizeof msg),
			 FL_E_INVAL);
	assert_string_equal(show_field(st, ref, "state", &c), "recovered");
	fl_incident_set_init(&s);
	s.root_cause = "a user entered credentials on a look-alike domain";
	s.lessons = "block newly registered domains";
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_set(st, ref, &s, T("2026-03-02T09:00:00Z"),
					 &changed, NULL, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(move(st, ref, "closed", NULL, NULL, 0), FL_OK);
	assert_string_equal(show_field(st, ref, "closed_at", &c),
			    "2026-03-02T09:00:00Z");
	/* closed is final: no changes */
	s.title = "renamed";
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_set(st, ref, &s, T("2026-03-02T09:00:00Z"),
					 &changed, NULL, &d), FL_E_INVAL);
	fl_store_rollback(st);
	assert_string_equal(show_field(st, ref, "title", &c), "Phishing wave");
	/* a low incident skips containment without a reason */
	assert_int_equal(move(st, low, "triaged", NULL, NULL, 0), FL_OK);
	assert_int_equal(move(st, low, "eradicated", NULL, NULL, 0), FL_OK);
}

/* ---- observables ------------------------------------------------------- */

static void
test_observable_norm(void **state)
{
	static const struct {
		const char *type, *in, *want; /* want NULL: refused */
	} cases[] = {
		{"ip", "198.51.100.7", "198.51.100.7"},
		{"ip", " 198[.]51[.]100[.]7 ", "198.51.100.7"},
		{"ip", "2001:DB8:0:0::1", "2001:db8::1"},
		{"ip", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
		{"ip", "198.51.100.300", NULL},
		{"ip", "evil.example", NULL},
		{"domain", "EVIL.Example.", "evil.example"},
		{"domain", "evil(.)example", "evil.example"},
		{"domain", "evil[dot]example", "evil.example"},
		{"domain", "xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"domain", "bad domain.example", NULL},
		{"domain", "b\xc3\xbc" "cher.example", NULL},
		{"domain", "a..b", NULL},
		{"domain", "198.51.100.7", NULL},
		{"url", "hxxps://Evil.EXAMPLE/Login?X=A", "https://evil.example/Login?X=A"},
		{"url", "HTTP://User@Host.Example:8080/P", "http://User@host.example:8080/P"},
		{"url", "hxxp[://]evil[.]example/a", "http://evil.example/a"},
		{"url", "evil.example/login", NULL},
		{"url", "http:///path", NULL},
		{"hash", "D41D8CD98F00B204E9800998ECF8427E",
		 "d41d8cd98f00b204e9800998ecf8427e"},
		{"hash", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		 "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"hash", "abc", NULL},
		{"hash", "zz1d8cd98f00b204e9800998ecf8427e", NULL},
		{"email", "Mallory@Evil.Example", "mallory@evil.example"},
		{"email", "mallory[@]evil[.]example", "mallory@evil.example"},
		{"email", "mallory@", NULL},
		{"email", "a@b@c.example", NULL},
		{"account", " CORP\\JDoe ", "CORP\\JDoe"},
		{"filename", "Invoice.PDF.exe", "Invoice.PDF.exe"},
		{"filename", "a\tb", NULL},
		{"filename", "a\nb", NULL},
		{"filename", "   ", NULL},
		{"mutex", "x", NULL},
	};
	char *out = malloc(FL_OBS_VALUE_MAX);
	struct fl_diag d;
	size_t i;

	(void)state;
	assert_non_null(out);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fl_err rc;

		fl_diag_clear(&d);
		rc = fl_observable_norm(cases[i].type, cases[i].in, out, &d);
		if (cases[i].want == NULL) {
			if (rc != FL_E_INVAL)
				fail_msg("case %zu (%s '%s'): accepted as '%s'", i,
					 cases[i].type, cases[i].in, out);
		} else if (rc != FL_OK || strcmp(out, cases[i].want) != 0) {
			fail_msg("case %zu (%s '%s'): '%s' rc %d %s, want '%s'", i,
				 cases[i].type, cases[i].in, out, rc, d.msg,
				 cases[i].want);
		}
	}
	free(out);
}

static fl_err
count_row(void *ctx, const struct fl_row *row)
{
	(void)row;
	(*(int *)ctx)++;
	return FL_OK;
}

static void
test_observable_dedup(void **state)
{
	static const struct {
		int inc;
		const char *type, *value;
		int fresh;
	} adds[] = {
		{0, "ip", "198.51.100.7", 1},
		{1, "ip", "198[.]51.100.7", 0},
		{1, "domain", "EVIL.example", 1},
		{0, "domain", "evil[.]example.", 0},
		{0, "ip", "2001:db8::1", 1},
		{1, "ip", "2001:DB8:0::1", 0},
	};
	static const struct {
		const char *q, *type;
		int hits; /* -1: refused, the value is not of that type */
	} searches[] = {
		{"198.51.100.7", NULL, 2}, {"198[.]51[.]100[.]7", NULL, 2},
		{"Evil.Example", NULL, 2}, {"evil.example", "domain", 2},
		{"evil.example", "ip", -1}, {"198.51.100.7", "domain", -1},
		{"2001:0db8::0:1", NULL, 2}, {"203.0.113.1", NULL, 0},
	};
	struct fl_store *st = *state;
	struct fl_diag d;
	char refs[2][FL_INC_REF_MAX];
	long long n = 0;
	size_t i;

	make(st, "One", "malware", "medium", NULL, NULL, refs[0]);
	make(st, "Two", "malware", "medium", NULL, NULL, refs[1]);
	for (i = 0; i < sizeof adds / sizeof adds[0]; i++) {
		int fresh = -1;

		assert_int_equal(fl_store_begin(st), FL_OK);
		if (fl_incident_observable_add(st, refs[adds[i].inc], adds[i].type,
					       adds[i].value, NULL,
					       T("2026-03-02T08:00:00Z"), &fresh,
					       &d) != FL_OK)
			fail_msg("add %zu: %s", i, d.msg);
		assert_int_equal(fl_store_commit(st), FL_OK);
		assert_int_equal(fresh, adds[i].fresh);
	}
	{
		int rows = 0;

		assert_int_equal(fl_incident_observables(st, refs[0], count_row,
							 &rows, &d), FL_OK);
		assert_int_equal(rows, 3);
	}
	for (i = 0; i < sizeof searches / sizeof searches[0]; i++) {
		int hits = 0;
		fl_err rc = fl_incident_observable_search(st, searches[i].q,
							  searches[i].type,
							  count_row, &hits, &d);

		if (searches[i].hits < 0) {
			assert_int_equal(rc, FL_E_INVAL);
			continue;
		}
		assert_int_equal(rc, FL_OK);
		if (hits != searches[i].hits)
			fail_msg("search '%s': %d hits, want %d", searches[i].q,
				 hits, searches[i].hits);
	}
	(void)n;
}

/* ---- evidence ---------------------------------------------------------- */

struct results {
	char res[4][16];
	int n;
};

static fl_err
result_row(void *ctx, const struct fl_row *row)
{
	struct results *r = ctx;
	const char *v = fl_row_get(row, "result");

	if (r->n < 4)
		fl_strlcpy(r->res[r->n++], v ? v : "", 16);
	return FL_OK;
}

static void
test_evidence_hash(void **state)
{
	static const struct {
		const char *content;
		const char *sha;
	} files[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	};
	struct fl_store *st = *state;
	struct fl_evidence_in in;
	struct fl_diag d;
	struct results r;
	char ref[FL_INC_REF_MAX], path[2][128], sha[65];
	long long id = 0, size = -1;
	long bad = -1;
	size_t i;
	FILE *f;

	make(st, "Malware on a laptop", "malware", "high", "BANK", NULL, ref);
	assert_int_equal(mkdir(dir, 0700) == 0 || errno == EEXIST, 1);
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof path[i], "%s/ev%zu.bin", dir, i);
		assert_non_null(f = fopen(path[i], "wb"));
		fputs(files[i].content, f);
		fclose(f);
		memset(&in, 0, sizeof in);
		in.file = path[i];
		in.by = "hana@example.org";
		in.location = "locker 3";
		assert_int_equal(fl_store_begin(st), FL_OK);
		assert_int_equal(fl_incident_evidence_add(st, ref, &in,
							  T("2026-03-02T08:00:00Z"),
							  &id, sha, &size, &d), FL_OK);
		assert_int_equal(fl_store_commit(st), FL_OK);
		assert_int_equal(id, (long long)i + 1);
		assert_string_equal(sha, files[i].sha);
		assert_int_equal(size, (long long)strlen(files[i].content));
	}
	/* a missing file, an unknown collector: refused */
	memset(&in, 0, sizeof in);
	in.file = "/nonexistent/file";
	in.by = "hana@example.org";
	in.location = "x";
	assert_int_equal(fl_incident_evidence_add(st, ref, &in,
						  T("2026-03-02T08:00:00Z"), &id,
						  sha, &size, &d), FL_E_NOINPUT);
	in.file = path[0];
	in.by = "nobody@example.org";
	assert_int_equal(fl_incident_evidence_add(st, ref, &in,
						  T("2026-03-02T08:00:00Z"), &id,
						  sha, &size, &d), FL_E_NOTFOUND);

	memset(&r, 0, sizeof r);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_evidence_verify(st, ref,
						     T("2026-03-02T09:00:00Z"),
						     &bad, result_row, &r, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(bad, 0);
	assert_string_equal(r.res[0], "match");
	assert_string_equal(r.res[1], "match");

	/* tamper with one (same size), delete the other */
	assert_non_null(f = fopen(path[0], "wb"));
	fputs("abd", f);
	fclose(f);
	unlink(path[1]);
	memset(&r, 0, sizeof r);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_evidence_verify(st, ref,
						     T("2026-03-02T09:00:00Z"),
						     &bad, result_row, &r, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(bad, 2);
	assert_string_equal(r.res[0], "mismatch");
	assert_string_equal(r.res[1], "missing");

	/* custody: continuous, no hand-over to the holder */
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_evidence_handover(st, ref, 1,
						       "ines@example.org",
						       "analysis", "lab", NULL,
						       T("2026-03-02T09:00:00Z"),
						       &d), FL_OK);
	assert_int_equal(fl_incident_evidence_handover(st, ref, 1,
						       "ines@example.org", "again",
						       NULL, NULL,
						       T("2026-03-02T09:00:00Z"),
						       &d), FL_E_INVAL);
	assert_int_equal(fl_incident_evidence_handover(st, ref, 9,
						       "hana@example.org", "x",
						       NULL, NULL,
						       T("2026-03-02T09:00:00Z"),
						       &d), FL_E_NOTFOUND);
	assert_int_equal(fl_store_commit(st), FL_OK);
	{
		int rows = 0;

		assert_int_equal(fl_incident_custody(st, ref, count_row, &rows, &d),
				 FL_OK);
		assert_int_equal(rows, 3); /* two collections, one hand-over */
	}
	unlink(path[0]);
	rmdir(dir);
}

/* ---- clock facts ------------------------------------------------------- */

static void
test_clock_facts(void **state)
{
	static const struct {
		const char *event, *at;
		int ev;
	} events[] = {
		{"iso-informed", "2026-03-02T08:30:00Z", FL_CLOCK_EV_ISO_INFORMED},
		{"dora-initial", "2026-03-02T11:00:00Z", FL_CLOCK_EV_DORA_INITIAL},
		{"pd-breach-aware", "2026-03-02T08:10:00Z",
		 FL_CLOCK_EV_PD_BREACH_AWARE},
		{"nis2-aware", "2026-03-02T08:20:00Z", FL_CLOCK_EV_NIS2_AWARE},
	};
	struct fl_store *st = *state;
	struct fl_clock_facts f;
	struct fl_dora_input din;
	struct fl_dora_result res;
	struct fl_incident_set s;
	struct fl_diag d;
	char ref[FL_INC_REF_MAX], shop[FL_INC_REF_MAX];
	int became = 0, changed = 0, k;
	size_t i;
	time_t now = T("2026-03-02T12:00:00Z");

	make(st, "Outage", "denial-of-service", "high", "BANK",
	     "2026-03-02T07:00:00Z", ref);
	make(st, "Shop defaced", "misuse", "medium", "SHOP",
	     "2026-03-02T07:30:00Z", shop);
	/* the regimes follow the entities (dora, nis2) */
	assert_int_equal(fl_incident_facts(st, ref, &f, &d), FL_OK);
	assert_int_equal(f.regimes, FL_CLOCK_REGIME_BIT(FL_CLOCK_DORA) |
					    FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL));
	assert_int_equal(f.severity, FL_CLOCK_SEV_HIGH);
	assert_int_equal(f.ev[FL_CLOCK_EV_AWARE], T("2026-03-02T07:00:00Z"));
	assert_int_equal(f.ev[FL_CLOCK_EV_SEVERITY_SET], T("2026-03-02T07:00:00Z"));
	assert_int_equal(f.ev[FL_CLOCK_EV_CLASSIFIED_MAJOR], 0);
	assert_int_equal(fl_incident_facts(st, shop, &f, &d), FL_OK);
	assert_int_equal(f.regimes, FL_CLOCK_REGIME_BIT(FL_CLOCK_NIS2) |
					    FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL));
	assert_int_equal(f.severity, FL_CLOCK_SEV_MEDIUM);

	/* classified major at 09:00 */
	memset(&din, 0, sizeof din);
	din.crit_functions = 1;
	din.malicious_access = 1;
	din.access_data_loss = 1;
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_classify(st, ref, &din, NULL,
					      "2026-03-02T09:00:00Z", now, &res,
					      &became, &d), FL_OK);
	assert_int_equal(became, 1);
	assert_int_equal(res.major, 1);
	for (i = 0; i < sizeof events / sizeof events[0]; i++)
		if (fl_incident_event(st, ref, events[i].event, events[i].at, NULL,
				      now, &d) != FL_OK)
			fail_msg("event %s: %s", events[i].event, d.msg);
	/* a raise restarts the ISO clock; personal data turns GDPR on */
	fl_incident_set_init(&s);
	s.severity = "critical";
	s.art5_5 = 1;
	s.at = "2026-03-02T10:00:00Z";
	assert_int_equal(fl_incident_set(st, ref, &s, now, &changed, NULL, &d),
			 FL_OK);
	fl_incident_set_init(&s);
	s.personal_data = 1;
	assert_int_equal(fl_incident_set(st, ref, &s, now, &changed, NULL, &d),
			 FL_OK);
	fl_incident_set_init(&s);
	s.severity = "medium"; /* a lowering keeps the start */
	s.at = "2026-03-02T11:30:00Z";
	assert_int_equal(fl_incident_set(st, ref, &s, now, &changed, NULL, &d),
			 FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);

	assert_int_equal(fl_incident_facts(st, ref, &f, &d), FL_OK);
	assert_int_equal(f.ev[FL_CLOCK_EV_CLASSIFIED_MAJOR],
			 T("2026-03-02T09:00:00Z"));
	for (i = 0; i < sizeof events / sizeof events[0]; i++)
		assert_int_equal(f.ev[events[i].ev], T(events[i].at));
	assert_int_equal(f.ev[FL_CLOCK_EV_SEVERITY_SET], T("2026-03-02T10:00:00Z"));
	assert_int_equal(f.severity, FL_CLOCK_SEV_MEDIUM);
	assert_int_equal(f.flags, FL_CLOCK_F_ART5_5);
	/* the pd-breach-aware and nis2-aware events turned their regimes on */
	assert_int_equal(f.regimes, FL_CLOCK_REGIME_BIT(FL_CLOCK_DORA) |
					    FL_CLOCK_REGIME_BIT(FL_CLOCK_NIS2) |
					    FL_CLOCK_REGIME_BIT(FL_CLOCK_GDPR) |
					    FL_CLOCK_REGIME_BIT(FL_CLOCK_INTERNAL));
	for (k = 0; k < FL_CLOCK_NEVENTS; k++)
		if (k == FL_CLOCK_EV_DORA_INTERMEDIATE || k == FL_CLOCK_EV_DORA_FINAL ||
		    k == FL_CLOCK_EV_GDPR_NOTIFIED)
			assert_int_equal(f.ev[k], 0);

	/* reclassified as not major: the DORA clocks stop */
	memset(&din, 0, sizeof din);
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_classify(st, ref, &din, NULL, NULL, now, &res,
					      &became, &d), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(res.major, 0);
	assert_int_equal(fl_incident_facts(st, ref, &f, &d), FL_OK);
	assert_int_equal(f.ev[FL_CLOCK_EV_CLASSIFIED_MAJOR], 0);

	/* events: once each, in order, never in the future */
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_incident_event(st, ref, "iso-informed", NULL, NULL,
					   now, &d), FL_E_INVAL);
	assert_int_equal(fl_incident_event(st, ref, "dora-final", NULL, NULL, now,
					   &d), FL_E_INVAL);
	assert_int_equal(fl_incident_event(st, ref, "dora-intermediate",
					   "2026-03-02T10:00:00Z", NULL, now, &d),
			 FL_E_INVAL); /* before the initial notification */
	assert_int_equal(fl_incident_event(st, ref, "gdpr-notified",
					   "2026-03-03T10:00:00Z", NULL, now, &d),
			 FL_E_INVAL); /* the future */
	assert_int_equal(fl_incident_event(st, ref, "aware", NULL, NULL, now, &d),
			 FL_E_INVAL);
	assert_int_equal(fl_incident_event(st, ref, "lunch", NULL, NULL, now, &d),
			 FL_E_INVAL);
	fl_store_rollback(st);
}

/* The sweep warns at 75 % and reports a breach, each once. */
struct ev_count {
	int warning, breached, queued_new;
};

static fl_err
notice_row(void *ctx, const struct fl_row *row)
{
	struct ev_count *c = ctx;
	const char *ev = fl_row_get(row, "event"), *k = fl_row_get(row, "kind");

	if (k == NULL || strcmp(k, "queued") != 0 || ev == NULL)
		return FL_OK;
	c->warning += strcmp(ev, "clock.warning") == 0;
	c->breached += strcmp(ev, "clock.breached") == 0;
	c->queued_new += strcmp(ev, "incident.new") == 0;
	return FL_OK;
}

static void
test_sweep(void **state)
{
	static const struct {
		const char *now;
		int warning, breached;
	} steps[] = {
		{"2026-03-02T08:30:00Z", 0, 0}, /* 50 % of the critical hour */
		{"2026-03-02T08:45:00Z", 1, 0}, /* 75 % */
		{"2026-03-02T08:50:00Z", 1, 0}, /* not again */
		{"2026-03-02T09:00:01Z", 1, 1}, /* breached */
		{"2026-03-02T12:00:00Z", 1, 1}, /* not again */
	};
	struct fl_store *st = *state;
	struct ev_count c;
	struct fl_diag d;
	char ref[FL_INC_REF_MAX];
	size_t i;

	make(st, "Ransomware", "malware", "critical", NULL, NULL, ref);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		assert_int_equal(fl_store_begin(st), FL_OK);
		assert_int_equal(fl_incident_sweep(st, T(steps[i].now), &d), FL_OK);
		assert_int_equal(fl_store_commit(st), FL_OK);
		memset(&c, 0, sizeof c);
		assert_int_equal(fl_notify_for_ref(st, "incident:IR-2026-0001",
						   notice_row, &c, &d), FL_OK);
		if (c.warning != steps[i].warning || c.breached != steps[i].breached)
			fail_msg("at %s: %d warnings, %d breaches", steps[i].now,
				 c.warning, c.breached);
		assert_int_equal(c.queued_new, 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_move_kind_table),
		cmocka_unit_test(test_move_check_all_pairs),
		cmocka_unit_test(test_move_messages),
		cmocka_unit_test(test_vocabularies),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_tasks_parse),
		cmocka_unit_test(test_observable_norm),
		cmocka_unit_test_setup_teardown(test_store_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observable_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
