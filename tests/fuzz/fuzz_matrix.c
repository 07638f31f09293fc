/*
 * fuzz_matrix: fl_risk_matrix_parse (the risk policy) on arbitrary bytes,
 * then every decision of core/risk.c over what it accepted.
 *
 * Besides the sanitizers, the harness aborts when an invariant breaks:
 * a refusal names the file and a position inside the input and leaves the
 * matrix zeroed; an accepted policy is complete (sizes within the limits,
 * every grid cell a declared level, every level a review cadence, names
 * valid and unique) and the lookups agree with it; and a round trip: the
 * accepted policy written back in the documented format parses to the
 * same struct, byte for byte (the header promises a plain value that can
 * be copied and compared).
 */
#include "core/core.h"

#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static int
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

static void
check_name(const char *s)
{
	size_t n = strnlen(s, FL_RISK_NAME_MAX);

	check(n > 0 && n < FL_RISK_NAME_MAX);
	for (; *s; s++)
		check(isalnum((unsigned char)*s) || *s == '-' || *s == '_' ||
		      *s == '.');
}

/* Lines, and the length of the longest, for bounding diag positions. */
static void
measure(const uint8_t *data, size_t size, unsigned long *lines,
	size_t *longest)
{
	size_t i, cur = 0;

	*lines = size > 0;
	*longest = 0;
	for (i = 0; i < size; i++) {
		if (data[i] == '\n') {
			if (i + 1 < size)
				(*lines)++;
			cur = 0;
		} else if (++cur > *longest) {
			*longest = cur;
		}
	}
}

static void
check_matrix(const struct fl_risk_matrix *m)
{
	char next[11];
	int i, j, l, k;

	check(m->nlik >= 1 && m->nlik <= FL_RISK_MAX_SCALE);
	check(m->nimp >= 1 && m->nimp <= FL_RISK_MAX_SCALE);
	check(m->nlevels >= 1 && m->nlevels <= FL_RISK_MAX_LEVELS);
	check(m->escalate >= 0 && m->escalate < m->nlevels);
	for (i = 0; i < m->nlik; i++) {
		check_name(m->lik[i]);
		for (j = 0; j < i; j++)
			check(strcmp(m->lik[i], m->lik[j]) != 0);
	}
	for (i = 0; i < m->nimp; i++) {
		check_name(m->imp[i]);
		for (j = 0; j < i; j++)
			check(strcmp(m->imp[i], m->imp[j]) != 0);
	}
	for (i = 0; i < m->nlevels; i++) {
		check_name(m->level[i]);
		check(m->review_days[i] >= 1 &&
		      m->review_days[i] <= FL_RISK_REVIEW_MAX);
		check(fl_risk_review_days(m, i) == m->review_days[i]);
		check(fl_risk_level_find(m, m->level[i]) == i);
		check(strcmp(fl_risk_level_name(m, i), m->level[i]) == 0);
		check(fl_risk_escalates(m, i) == (i >= m->escalate));
		check(fl_risk_next_review(m, "2024-02-29", i, next) == FL_OK);
		check(fl_risk_days_between("2024-02-29", next) ==
		      m->review_days[i]);
		for (j = 0; j < m->nlevels; j++)
			check((fl_risk_level_cmp(m, m->level[i], m->level[j]) > 0) ==
			      (i > j));
	}
	check(fl_risk_level_name(m, -1) == NULL);
	check(fl_risk_level_name(m, m->nlevels) == NULL);
	check(fl_risk_review_days(m, m->nlevels) == -1);
	check(!fl_risk_escalates(m, m->nlevels));
	check(fl_risk_level_cmp(m, NULL, m->level[0]) < 0);
	for (l = 0; l <= FL_RISK_MAX_SCALE + 1; l++)
		for (k = 0; k <= FL_RISK_MAX_SCALE + 1; k++) {
			int lv = fl_risk_level(m, l, k);
			if (l < 1 || l > m->nlik || k < 1 || k > m->nimp) {
				check(lv == -1);
				continue;
			}
			check(lv >= 0 && lv < m->nlevels);
			check(lv == m->grid[l - 1][k - 1]);
		}
	/* residual: never above the inherent point on either axis */
	for (l = 1; l <= m->nlik; l++) {
		struct fl_diag d;
		int k2 = m->nimp;
		fl_err rc = fl_risk_check_residual(m, m->nlik, m->nimp, l, k2, &d);
		check(rc == FL_OK || rc == FL_E_INVAL);
		check(fl_risk_check_residual(m, l, 1, l + 1, 1, &d) == FL_E_INVAL);
		check(fl_risk_check_residual(m, 0, 1, 1, 1, &d) == FL_E_INVAL);
	}
	for (i = -1; i < m->nlevels; i++)
		for (j = 0; j < m->nlevels; j++) {
			int e = fl_risk_needs_escalation(m, i, j, 0);
			/* below the escalation level nothing goes to the ISO;
			 * a decrease never does */
			if (j < m->escalate || (i >= 0 && j < i))
				check(!e);
		}
}

/* The accepted policy, written back in the documented format; 0 ok. */
static int
write_back(const struct fl_risk_matrix *m, struct fl_buf *b)
{
	int i, k, bad = 0;

	for (i = 0; i < m->nlik; i++)
		bad |= fl_buf_printf(b, "likelihood %d %s\n", i + 1, m->lik[i]);
	for (i = 0; i < m->nimp; i++)
		bad |= fl_buf_printf(b, "impact %d %s\n", i + 1, m->imp[i]);
	for (i = 0; i < m->nlevels; i++)
		bad |= fl_buf_printf(b, "level %s\n", m->level[i]);
	for (i = m->nlik; i >= 1; i--) {
		bad |= fl_buf_printf(b, "row %d:", i);
		for (k = 0; k < m->nimp; k++)
			bad |= fl_buf_printf(b, " %s",
					     m->level[(int)m->grid[i - 1][k]]);
		bad |= fl_buf_putc(b, '\n');
	}
	for (i = 0; i < m->nlevels; i++)
		bad |= fl_buf_printf(b, "review %s %d\n", m->level[i],
				     m->review_days[i]);
	bad |= fl_buf_printf(b, "escalate %s\n", m->level[m->escalate]);
	return bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fl_risk_matrix m, again;
	struct fl_diag d;
	struct fl_buf b;
	unsigned long lines;
	size_t longest;
	fl_err rc;

	fl_diag_clear(&d);
	memset(&m, 0xa5, sizeof m); /* the parser must not rely on a zeroed m */
	rc = fl_risk_matrix_parse((const char *)data, size, "fuzz.conf", &m, &d);
	if (rc != FL_OK) {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT);
		check(all_zero(&m, sizeof m));
		check(strcmp(d.file, "fuzz.conf") == 0);
		check(d.msg[0] != '\0');
		if (rc == FL_E_LIMIT) {
			check(size > FL_RISK_TEXT_MAX);
			return 0;
		}
		measure(data, size, &lines, &longest);
		check(d.line >= 1 && d.line <= (lines ? lines : 1));
		check(d.col >= 1 && d.col <= longest + 1);
		return 0;
	}
	check_matrix(&m);

	fl_buf_init(&b, 1u << 20);
	check(write_back(&m, &b) == 0);
	memset(&again, 0x5a, sizeof again);
	rc = fl_risk_matrix_parse(b.data, b.len, "again.conf", &again, &d);
	check(rc == FL_OK);
	check(memcmp(&m, &again, sizeof m) == 0);
	fl_buf_release(&b);
	return 0;
}
