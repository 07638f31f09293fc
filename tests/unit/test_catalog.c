/*
 * test_catalog: the catalogue store without the command line — key
 * derivation, the CSF withdrawn rule, compare-before-write, duplicate ids,
 * and mapping resolution (case, spaces, "Article" vs "Art."), each as a
 * table of cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <unistd.h>

#include "store/store.h"

static void
test_derive(void **state)
{
	static const struct {
		const char *title, *framework, *key, *kind, *base;
	} cases[] = {
		{"NIST Special Publication 800-53 Revision 5: Security and Privacy"
		 " Controls", NULL, "nist-800-53r5", "framework", ""},
		{"NIST Special Publication 800-53 Revision 5.1.1 LOW IMPACT BASELINE",
		 NULL, "nist-800-53r5-low", "baseline", "nist-800-53r5"},
		{"NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT"
		 " BASELINE", NULL, "nist-800-53r5-moderate", "baseline",
		 "nist-800-53r5"},
		{"NIST Special Publication 800-53 Revision 5.1.1 HIGH IMPACT BASELINE",
		 NULL, "nist-800-53r5-high", "baseline", "nist-800-53r5"},
		{"NIST Special Publication 800-53 Revision 5.1.1 PRIVACY BASELINE",
		 NULL, "nist-800-53r5-privacy", "baseline", "nist-800-53r5"},
		{"NIST SP 800-53 Rev. 4", NULL, "nist-800-53r4", "framework", ""},
		{"NIST SP 800-53", NULL, "nist-800-53", "framework", ""},
		{"NIST Cybersecurity Framework 2.0", "CSF", "nist-csf-2.0",
		 "framework", ""},
		{"Framework for Improving Critical Infrastructure", "csf", "nist-csf",
		 "framework", ""},
		{"Cybersecurity Framework 1.1", NULL, "nist-csf-1.1", "framework", ""},
		{"NIS2", NULL, "nis2", "framework", ""},
		{"ISO/IEC 27001:2022 Annex A", NULL, "iso-iec-27001-2022-annex-a",
		 "framework", ""},
		{"  --  ", NULL, "catalog", "framework", ""},
		{"", NULL, "catalog", "framework", ""},
		{"Version 1.2 (draft)", NULL, "version-1.2-draft", "framework", ""},
	};
	char key[128], kind[16], base[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_store_catalog_derive(cases[i].title, cases[i].framework, key,
					sizeof key, kind, sizeof kind, base,
					sizeof base);
		assert_string_equal(key, cases[i].key);
		assert_string_equal(kind, cases[i].kind);
		assert_string_equal(base, cases[i].base);
	}
	/* a small buffer truncates, never overflows */
	fl_store_catalog_derive("A very long title for a catalogue", NULL, key, 8,
				kind, sizeof kind, base, sizeof base);
	assert_true(strlen(key) < 8);
}

static char dbpath[64];

static int
setup(void **state)
{
	struct fl_store *st;
	struct fl_diag d;

	snprintf(dbpath, sizeof dbpath, "/tmp/fl-catalog-%d.db", (int)getpid());
	unlink(dbpath);
	assert_int_equal(fl_store_open(dbpath, 1, &st, &d), FL_OK);
	fl_store_set_actor(st, "tester");
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	char p[80];

	fl_store_close(*state);
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

/* One small CSF-like catalogue: a category, its subcategories. */
struct sub {
	const char *key;
	long examples;
	int withdrawn; /* the file's own status */
};

static fl_err
import_csf(struct fl_store *st, const char *cat_key, const struct sub *subs,
	   size_t n, struct fl_catalog_counts *out)
{
	struct fl_catalog_opts o;
	struct fl_catalog_meta m;
	struct fl_catalog_group g;
	struct fl_catalog_control c;
	struct fl_catalog_import *imp = NULL;
	struct fl_diag d;
	fl_err rc;
	size_t i;

	memset(&o, 0, sizeof o);
	o.key = cat_key;
	o.source = "unit.xml";
	memset(&m, 0, sizeof m);
	m.title = "Unit framework";
	m.framework = "CSF";
	memset(&g, 0, sizeof g);
	g.key = "GV";
	g.title = "GOVERN";
	if ((rc = fl_store_begin(st)) != FL_OK)
		return rc;
	if ((rc = fl_store_catalog_import_new(st, &o, &imp)) == FL_OK &&
	    (rc = fl_store_catalog_import_meta(imp, &m, &d)) == FL_OK &&
	    (rc = fl_store_catalog_import_group(imp, &g, &d)) == FL_OK) {
		memset(&c, 0, sizeof c);
		c.key = "GV.XX";
		c.title = "A category";
		c.group_key = "GV";
		rc = fl_store_catalog_import_control(imp, &c, NULL, &d);
	}
	for (i = 0; i < n && rc == FL_OK; i++) {
		memset(&c, 0, sizeof c);
		c.key = subs[i].key;
		c.title = subs[i].key;
		c.group_key = "GV";
		c.parent_key = "GV.XX";
		c.examples = subs[i].examples;
		c.withdrawn = subs[i].withdrawn;
		c.seq = (long)i + 1;
		rc = fl_store_catalog_import_control(imp, &c, NULL, &d);
	}
	if (rc == FL_OK)
		rc = fl_store_catalog_import_finish(imp, out, &d);
	fl_store_catalog_import_free(imp);
	if (rc == FL_OK)
		rc = fl_store_commit(st);
	else
		fl_store_rollback(st);
	return rc;
}

struct wd {
	char keys[256];
};

static fl_err
wd_row(void *ctx, const struct fl_row *row)
{
	struct wd *w = ctx;
	size_t n = strlen(w->keys);

	snprintf(w->keys + n, sizeof w->keys - n, "%s%s", n ? "," : "",
		 fl_row_get(row, "key"));
	return FL_OK;
}

static void
test_csf_rule(void **state)
{
	static const struct {
		struct sub subs[3];
		size_t n;
		const char *withdrawn; /* keys, document order */
	} cases[] = {
		/* a current subcategory makes its category current */
		{{{"GV.XX-01", 1, 0}, {"GV.XX-02", 0, 0}}, 2, "GV.XX-02"},
		/* no example anywhere: everything is stale */
		{{{"GV.XX-01", 0, 0}, {"GV.XX-02", 0, 0}}, 2,
		 "GV.XX,GV.XX-01,GV.XX-02"},
		/* the file's own withdrawn status wins over examples */
		{{{"GV.XX-01", 2, 1}, {"GV.XX-02", 1, 0}}, 2, "GV.XX-01"},
		{{{"GV.XX-01", 3, 1}}, 1, "GV.XX,GV.XX-01"},
		/* a category without subcategories is not current */
		{{{"", 0, 0}}, 0, "GV.XX"},
	};
	struct fl_store *st = *state;
	struct fl_catalog_counts cnt;
	size_t i;
	char key[32];

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct wd w = {""};
		snprintf(key, sizeof key, "csf-%zu", i);
		assert_int_equal(import_csf(st, key, cases[i].subs, cases[i].n,
					    &cnt), FL_OK);
		assert_int_equal(fl_store_control_list(st, key, NULL,
						       FL_CTL_WITHDRAWN, wd_row,
						       &w), FL_OK);
		assert_string_equal(w.keys, cases[i].withdrawn);
		assert_int_equal(cnt.created, 1);
		/* the same file again writes nothing */
		assert_int_equal(import_csf(st, key, cases[i].subs, cases[i].n,
					    &cnt), FL_OK);
		assert_int_equal(cnt.changed, 0);
		assert_int_equal(cnt.updated, 0);
		assert_int_equal(cnt.unchanged, (long)cases[i].n + 1);
	}
	/* case 0 again, now the stale subcategory gained an example: the
	 * category stays current, the subcategory becomes current */
	{
		struct sub s[2] = {{"GV.XX-01", 1, 0}, {"GV.XX-02", 1, 0}};
		struct wd w = {""};
		assert_int_equal(import_csf(st, "csf-0", s, 2, &cnt), FL_OK);
		assert_int_equal(cnt.changed, 1);
		assert_int_equal(cnt.updated, 1);
		assert_int_equal(fl_store_control_list(st, "csf-0", NULL,
						       FL_CTL_WITHDRAWN, wd_row,
						       &w), FL_OK);
		assert_string_equal(w.keys, "");
	}
	/* case 1 again with one example: the category becomes current too */
	{
		struct sub s[2] = {{"GV.XX-01", 1, 0}, {"GV.XX-02", 0, 0}};
		assert_int_equal(import_csf(st, "csf-1", s, 2, &cnt), FL_OK);
		assert_int_equal(cnt.updated, 2);
	}
}

static void
test_duplicates(void **state)
{
	struct fl_store *st = *state;
	struct sub s[2] = {{"GV.XX-01", 1, 0}, {"GV.XX-01", 1, 0}};
	struct fl_catalog_counts cnt;

	assert_int_equal(import_csf(st, "dup", s, 2, &cnt), FL_E_SYNTAX);
	/* rolled back: no catalogue */
	assert_int_equal(fl_store_control_list(st, "dup", NULL, FL_CTL_ALL, NULL,
					       NULL), FL_E_NOTFOUND);
}

/* A Group catalogue mapping to a framework with labels like AC-2(1). */
static void
test_resolve(void **state)
{
	static const struct {
		const char *ref;
		int resolves;
	} refs[] = {
		{"AC-2", 1}, {"ac-2", 1}, {"AC-2(1)", 1}, {"AC-2 (1)", 1},
		{"ac-2.1", 1}, {"Article 21(2) (i)", 1}, {"Art. 21(2)(i)", 1},
		{"AC-3", 0}, {"AC-2(", 0}, {"", 0}, {"A.5.15", 0},
	};
	static const struct {
		const char *key, *label, *parent;
	} fw[] = {
		{"ac-2", "AC-2", NULL},
		{"ac-2.1", "AC-2(1)", "ac-2"},
		{"Art. 21(2)(i)", "Art. 21(2)(i)", NULL},
	};
	struct fl_store *st = *state;
	struct fl_catalog_opts o;
	struct fl_catalog_meta m;
	struct fl_catalog_control c;
	struct fl_catalog_ref r[sizeof refs / sizeof *refs];
	struct fl_catalog_import *imp = NULL;
	struct fl_catalog_counts cnt;
	struct fl_diag d;
	const char *fws[1] = {"fw"};
	long changed = 0;
	size_t i, nref = 0, want = 0;

	/* the Group catalogue first: everything pending */
	memset(&o, 0, sizeof o);
	o.key = "grp";
	o.kind = "group";
	o.partial = 1;
	memset(&m, 0, sizeof m);
	for (i = 0; i < sizeof refs / sizeof *refs; i++) {
		if (refs[i].ref[0] == '\0')
			continue;
		r[nref].framework = "fw";
		r[nref].ref = refs[i].ref;
		nref++;
		want += (size_t)refs[i].resolves;
	}
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_store_catalog_import_new(st, &o, &imp), FL_OK);
	assert_int_equal(fl_store_catalog_import_meta(imp, &m, &d), FL_OK);
	memset(&c, 0, sizeof c);
	c.key = "GC-1";
	c.title = "One control";
	c.map_frameworks = fws;
	c.nmap_frameworks = 1;
	c.refs = r;
	c.nrefs = nref;
	assert_int_equal(fl_store_catalog_import_control(imp, &c, NULL, &d), FL_OK);
	assert_int_equal(fl_store_catalog_import_finish(imp, &cnt, &d), FL_OK);
	fl_store_catalog_import_free(imp);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(cnt.mappings, (long)nref);
	assert_int_equal(cnt.mappings_resolved, 0);

	/* the framework: its import resolves what names it */
	memset(&o, 0, sizeof o);
	o.key = "fw";
	m.title = "Framework";
	imp = NULL;
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_store_catalog_import_new(st, &o, &imp), FL_OK);
	assert_int_equal(fl_store_catalog_import_meta(imp, &m, &d), FL_OK);
	for (i = 0; i < sizeof fw / sizeof *fw; i++) {
		memset(&c, 0, sizeof c);
		c.key = fw[i].key;
		c.label = fw[i].label;
		c.title = fw[i].label;
		c.parent_key = fw[i].parent;
		c.seq = (long)i;
		assert_int_equal(fl_store_catalog_import_control(imp, &c, NULL, &d),
				 FL_OK);
	}
	assert_int_equal(fl_store_catalog_import_finish(imp, &cnt, &d), FL_OK);
	fl_store_catalog_import_free(imp);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(cnt.mappings_resolved, (long)want);

	/* nothing left to do on demand */
	assert_int_equal(fl_store_begin(st), FL_OK);
	assert_int_equal(fl_store_catalog_resolve(st, "fw", &changed), FL_OK);
	assert_int_equal(fl_store_commit(st), FL_OK);
	assert_int_equal(changed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive),
		cmocka_unit_test_setup_teardown(test_csf_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
