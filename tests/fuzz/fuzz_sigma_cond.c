/*
 * fuzz_sigma_cond: the Sigma condition parser on arbitrary text, against a
 * fixed set of search identifiers.
 *
 * Invariants, besides the sanitizers:
 * - a refusal names a column inside the text (or one past its end) and
 *   says why in printable text;
 * - an accepted tree refers only to identifiers of the set, by index and
 *   by name; AND/OR have two or more kids and never a kid of their own
 *   kind (flattened), NOT has one, "x of" has one or more IDs;
 * - its canonical text parses again to a tree that prints the same.
 */
#include "detect/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(c) ((c) ? (void)0 : fail(__LINE__, #c))

static void
fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_sigma_cond.c:%d: invariant broken: %s\n", line,
		what);
	abort();
}

static const char *const ids[] = {
	"selection", "selection_img", "selection_cli", "filter_main",
	"filter_optional_x", "_hidden", "keywords", "sel1", "sel2", "a.b-c",
};
#define NIDS (sizeof ids / sizeof ids[0])

static void
check_tree(const struct fl_sigma_node *n, unsigned depth)
{
	size_t i;

	check(depth < 200);
	switch (n->op) {
	case FL_SIGMA_ID:
		check(n->ident < NIDS);
		check(n->name == ids[n->ident]);
		check(n->nkid == 0);
		break;
	case FL_SIGMA_NOT:
		check(n->nkid == 1);
		check_tree(n->kid[0], depth + 1);
		break;
	case FL_SIGMA_AND:
	case FL_SIGMA_OR:
		check(n->nkid >= 2);
		for (i = 0; i < n->nkid; i++) {
			check(n->kid[i]->op != n->op);
			check_tree(n->kid[i], depth + 1);
		}
		break;
	case FL_SIGMA_ONE_OF:
	case FL_SIGMA_ALL_OF:
		check(n->nkid >= 1 && n->nkid <= NIDS);
		for (i = 0; i < n->nkid; i++) {
			check(n->kid[i]->op == FL_SIGMA_ID);
			check_tree(n->kid[i], depth + 1);
			if (n->name == NULL)
				check(n->kid[i]->name[0] != '_');
		}
		break;
	default:
		check(0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_sigma_cond *c, *again;
	struct fl_buf b1, b2;
	struct fl_diag d;
	fl_err rc;
	size_t i;

	fl_diag_clear(&d);
	c = fl_sigma_cond_parse((const char *)data, size, ids, NIDS, NULL, &rc,
				&d);
	if (c == NULL) {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT);
		check(d.msg[0] != '\0');
		for (i = 0; d.msg[i]; i++)
			check((unsigned char)d.msg[i] >= 0x20 &&
			      (unsigned char)d.msg[i] < 0x7f);
		check(d.col >= 1 && d.col <= size + 1);
		return 0;
	}
	check(rc == FL_OK);
	check_tree(fl_sigma_cond_root(c), 0);
	fl_buf_init(&b1, 1 << 20);
	fl_buf_init(&b2, 1 << 20);
	check(fl_sigma_node_print(fl_sigma_cond_root(c), &b1) == FL_OK);
	again = fl_sigma_cond_parse(b1.data, b1.len, ids, NIDS, NULL, &rc, &d);
	/* the canonical text may be longer than the limit; never else */
	if (again == NULL) {
		check(rc == FL_E_LIMIT);
	} else {
		check(fl_sigma_node_print(fl_sigma_cond_root(again), &b2) ==
		      FL_OK);
		check(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
	}
	fl_sigma_cond_free(again);
	fl_sigma_cond_free(c);
	fl_buf_release(&b1);
	fl_buf_release(&b2);
	return 0;
}
