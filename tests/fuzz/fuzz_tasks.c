/*
 * fuzz_tasks: fl_incident_tasks_parse (the incident task templates,
 * data/incident-tasks.conf) on arbitrary bytes.
 *
 * Besides the sanitizers, the harness aborts when an invariant breaks: a
 * refusal names the file and a position inside the input and leaves the
 * templates zeroed; an accepted file holds only known categories, titles
 * that are non-empty, NUL-terminated and free of control characters, due
 * times of '-' or 1 hour to a year, on strictly increasing lines; and a
 * round trip: the templates written back in the documented format, each
 * on its original line, parse to the same struct, byte for byte.
 */
#include "core/incident.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
check_tpls(const struct fl_task_tpls *s)
{
	char norm[32];
	int i;

	check(s->n >= 0 && s->n <= FL_TASK_TPL_MAX);
	for (i = 0; i < s->n; i++) {
		const struct fl_task_tpl *t = &s->t[i];
		size_t k, n = strnlen(t->title, FL_TASK_TITLE_MAX);

		check(strnlen(t->category, sizeof t->category) <
		      sizeof t->category);
		check(fl_incident_category_norm(t->category, norm) == 0);
		check(strcmp(norm, t->category) == 0);
		check(n > 0 && n < FL_TASK_TITLE_MAX);
		for (k = 0; k < n; k++)
			check((unsigned char)t->title[k] >= 0x20 ||
			      t->title[k] == '\t');
		check(strchr(t->title, '"') == NULL);
		check(t->due_h == -1 ||
		      (t->due_h >= 1 && t->due_h <= FL_TASK_DUE_MAX_H));
		check(t->line >= 1);
		if (i > 0)
			check(t->line > s->t[i - 1].line);
	}
	for (i = s->n; i < FL_TASK_TPL_MAX; i++)
		check(all_zero(&s->t[i], sizeof s->t[i]));
}

/* The templates written back, each on the line it came from; 0 ok. */
static int
write_back(const struct fl_task_tpls *s, struct fl_buf *b)
{
	unsigned long line = 1;
	int i, bad = 0;

	for (i = 0; i < s->n; i++) {
		const struct fl_task_tpl *t = &s->t[i];

		for (; line < t->line; line++)
			bad |= fl_buf_putc(b, '\n');
		if (t->due_h < 0)
			bad |= fl_buf_printf(b, "%s - \"%s\"", t->category,
					     t->title);
		else
			bad |= fl_buf_printf(b, "%s %dh \"%s\"", t->category,
					     t->due_h, t->title);
	}
	return bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fl_task_tpls s, again;
	struct fl_diag d;
	struct fl_buf b;
	unsigned long lines;
	size_t longest;
	fl_err rc;

	fl_diag_clear(&d);
	memset(&s, 0xa5, sizeof s); /* the parser must not rely on a zeroed s */
	rc = fl_incident_tasks_parse((const char *)data, size, "fuzz.conf", &s,
				     &d);
	if (rc != FL_OK) {
		check(rc == FL_E_SYNTAX || rc == FL_E_LIMIT);
		check(all_zero(&s, sizeof s));
		check(strcmp(d.file, "fuzz.conf") == 0);
		check(d.msg[0] != '\0');
		if (rc == FL_E_LIMIT) {
			check(size > FL_TASK_TEXT_MAX);
			return 0;
		}
		measure(data, size, &lines, &longest);
		check(d.line >= 1 && d.line <= (lines ? lines : 1));
		check(d.col >= 1 && d.col <= longest + 1);
		return 0;
	}
	check_tpls(&s);

	fl_buf_init(&b, 1u << 22);
	check(write_back(&s, &b) == 0);
	memset(&again, 0x5a, sizeof again);
	rc = fl_incident_tasks_parse(b.data ? b.data : "", b.len, "again.conf",
				     &again, &d);
	check(rc == FL_OK);
	check(memcmp(&s, &again, sizeof s) == 0);
	fl_buf_release(&b);
	return 0;
}
