/*
 * fuzz_sigma_rule: the Sigma loader on arbitrary bytes (one file of a rule
 * set), with value lists for two placeholders, then the set resolved.
 *
 * Invariants, besides the sanitizers:
 * - every refusal names the file and a position inside the input (a line
 *   that exists, counting line breaks as YAML does, and a column within
 *   the input) and a printable reason;
 * - a refused document is marked so, an accepted one has a title, and
 *   every condition of an accepted rule or filter refers only to its own
 *   search identifiers (index and name agree); correlations and filters
 *   that are accepted have every reference resolved to a usable document
 *   of the right kind;
 * - field conditions keep at most FL_SIGMA_MAX_MODS modifiers whose bit
 *   set matches the list, and at least one value;
 * - the counts of the summary add up.
 */
#include "detect/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(c) ((c) ? (void)0 : fail(__LINE__, #c))

static void
fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_sigma_rule.c:%d: invariant broken: %s\n", line,
		what);
	abort();
}

static void
check_node(const struct fl_sigma_node *n, const struct fl_sigma_rule *r,
	   unsigned depth)
{
	size_t i;

	check(depth < 200);
	switch (n->op) {
	case FL_SIGMA_ID:
		check(n->ident < r->nsearch);
		check(strcmp(n->name, r->search[n->ident].name) == 0);
		break;
	case FL_SIGMA_NOT:
		check(n->nkid == 1);
		break;
	case FL_SIGMA_AND:
	case FL_SIGMA_OR:
		check(n->nkid >= 2);
		break;
	case FL_SIGMA_ONE_OF:
	case FL_SIGMA_ALL_OF:
		check(n->nkid >= 1);
		break;
	default:
		check(0);
	}
	for (i = 0; i < n->nkid; i++)
		check_node(n->kid[i], r, depth + 1);
}

static void
check_rule(const struct fl_sigma_rule *r)
{
	size_t i, j, k, m;

	check(r->title != NULL);
	if (r->kind == FL_SIGMA_CORRELATION) {
		check(r->corr != NULL && r->corr->nref >= 1);
		check(r->corr->timespan >= 1);
		for (i = 0; i < r->corr->nref; i++) {
			const struct fl_sigma_rule *t = r->corr->ref[i].target;

			check(t != NULL && t != r && !t->refused);
			check(t->kind != FL_SIGMA_FILTER);
			check(t->nused >= 1);
		}
		return;
	}
	check(r->nsearch >= 1 && r->ncond >= 1);
	for (i = 0; i < r->ncond; i++)
		check_node(r->cond[i], r, 0);
	for (i = 0; i < r->nfilter_ref; i++) {
		check(r->filter_ref[i].target != NULL);
		check(r->filter_ref[i].target->kind == FL_SIGMA_RULE);
	}
	for (i = 0; i < r->nsearch; i++) {
		check(r->search[i].ngroup >= 1);
		for (j = 0; j < r->search[i].ngroup; j++) {
			const struct fl_sigma_group *g = &r->search[i].group[j];

			check(g->ncond >= 1);
			for (k = 0; k < g->ncond; k++) {
				const struct fl_sigma_fcond *f = &g->cond[k];
				unsigned bits = 0;

				check(f->nmod <= FL_SIGMA_MAX_MODS);
				for (m = 0; m < f->nmod; m++)
					bits |= FL_SM_BIT(f->mod[m]);
				check(bits == f->mods);
				check(f->nval >= 1);
				for (m = 0; m < f->nval; m++)
					check(f->val[m].s != NULL &&
					      strlen(f->val[m].s) ==
						      f->val[m].len);
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fl_sigma_vars *vars;
	struct fl_sigma_limits lim;
	struct fl_sigma_set *s;
	struct fl_sigma_rule *const *r;
	const struct fl_sigma_refusal *ref;
	struct fl_sigma_stats st;
	size_t n, nref, i, lines = 1, k, kinds[3] = {0, 0, 0};


	if (vars == NULL) {
		check((vars = fl_sigma_vars_new()) != NULL);
		check(fl_sigma_vars_add(vars, "Admins", "adm_*") == FL_OK);
		check(fl_sigma_vars_add(vars, "Admins", "root") == FL_OK);
		check(fl_sigma_vars_add(vars, "Nets", "10.0.0.0/8") == FL_OK);
	}
	fl_sigma_limits_default(&lim);
	lim.max_file = 64 << 10;
	check((s = fl_sigma_set_new(&lim, vars)) != NULL);
	check(fl_sigma_set_add_mem(s, "fuzz.yml", (const char *)data, size) ==
	      FL_OK);
	check(fl_sigma_set_resolve(s) == FL_OK);
	/* YAML's line breaks: \n, \r\n, a lone \r, and with %YAML 1.1
	 * also U+0085, U+2028 and U+2029 */
	for (i = 0; i < size; i++)
		if (data[i] == '\n' ||
		    (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')) ||
		    (data[i] == 0xc2 && i + 1 < size && data[i + 1] == 0x85) ||
		    (data[i] == 0xe2 && i + 2 < size && data[i + 1] == 0x80 &&
		     (data[i + 2] == 0xa8 || data[i + 2] == 0xa9)))
			lines++;
	ref = fl_sigma_set_refusals(s, &nref);
	for (i = 0; i < nref; i++) {
		check(strcmp(ref[i].d.file, "fuzz.yml") == 0);
		check(ref[i].d.msg[0] != '\0');
		for (k = 0; ref[i].d.msg[k]; k++)
			check((unsigned char)ref[i].d.msg[k] >= 0x20);
		check(ref[i].d.line >= 1 && ref[i].d.line <= lines);
		check(ref[i].d.col >= 1 && ref[i].d.col <= size + 1);
		if (ref[i].rule)
			check(ref[i].rule->refused);
	}
	r = fl_sigma_set_rules(s, &n);
	for (i = 0; i < n; i++) {
		kinds[r[i]->kind]++;
		if (!r[i]->refused)
			check_rule(r[i]);
	}
	fl_sigma_set_stats(s, &st);
	check(st.files == 1 && st.refused == nref);
	check(st.rules == kinds[FL_SIGMA_RULE]);
	check(st.correlations == kinds[FL_SIGMA_CORRELATION]);
	check(st.filters == kinds[FL_SIGMA_FILTER]);
	fl_sigma_set_free(s);
	return 0;
}
