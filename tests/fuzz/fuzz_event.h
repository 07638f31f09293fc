/*
 * fuzz_event: the body of the event reader harnesses (fuzz_event_jsonl.c,
 * fuzz_event_syslog.c).  The first byte chooses tight limits (so the limit
 * paths are reached with small inputs) and a case-insensitive dictionary.
 * Besides the sanitizers, it aborts when an invariant breaks:
 *  - every value slice, and every JSON name, lies inside the reader's
 *    input window or scratch; names are never empty (syslog's names are
 *    its own constant strings);
 *  - records never go back and never pass the input's last line;
 *  - a bad record has a position inside the input (line and column);
 *  - reading goes on after each bad record up to the end: every call
 *    consumes input, so there are never more results than bytes + 1;
 *  - key lookups agree with the fields: a field's key is its name's (or,
 *    for a name with blanks such as "Threat Name", that name without
 *    them), fl_event_get(k) is the first field with key k, and the ->next
 *    chain visits fields of that key only.
 */
#include "detect/event_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* The key a field named (p, n) must carry. */
static unsigned
name_key(const struct fl_keys *k, const char *p, size_t n)
{
	char squeezed[128], *q = squeezed;
	const char *e = p + n;
	unsigned key = fl_keys_find(k, p, n);

	if (key != FL_KEY_NONE || n >= sizeof squeezed)
		return key;
	while (p < e) {
		if (*p != ' ')
			*q++ = *p;
		p++;
	}
	if (q == squeezed || (size_t)(q - squeezed) == n)
		return FL_KEY_NONE;
	return fl_keys_find(k, squeezed, (size_t)(q - squeezed));
}

static int
fuzz_event(enum fl_format fmt, const uint8_t *data, size_t size)
{
	static const char *const names[] = {"EventID", "Image", "host.name",
		"Provider_Name", "program", "user", "src_ip", "message", "a",
		"action", "pid"};
	struct fl_reader_opts o;
	struct fl_keys *k = NULL;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	unsigned long lines = 1, last = 0, results = 0;
	unsigned mode = 0;
	size_t i;

	if (size > 0) {
		mode = data[0];
		data++, size--;
	}
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&o, 0, sizeof o);
	o.year = 2020;
	o.max_record = 65536; /* a 2 MiB scratch per input slows the fuzzer */
	if (mode & 1) {
		o.max_record = 64;
		o.max_fields = 8;
		o.max_depth = 4;
		o.max_name = 16;
	}
	if (fl_keys_new(mode & 2, &k) != FL_OK)
		return 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		fl_keys_add(k, names[i], strlen(names[i]), NULL);
	if (fl_reader_open_mem(fmt, data, size, "fuzz", k, &o, &r, &d) != FL_OK) {
		fl_keys_free(k);
		return 0;
	}
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		check(++results <= size + 1);
		check(rc == FL_READ_OK || rc == FL_READ_BAD);
		if (rc == FL_READ_BAD) {
			check(strcmp(d.file, "fuzz") == 0);
			check(d.line >= 1 && d.line <= lines);
			check(d.col >= 1 && d.col <= size + 1);
			check(d.msg[0] != '\0');
			continue;
		}
		check(ev.record >= 1 && ev.record <= lines && ev.record >= last);
		last = ev.record;
		check(ev.host.p != NULL);
		check(fl_r_owns(r, ev.host.p, ev.host.n));
		for (i = 0; i < ev.nfields; i++) {
			const struct fl_field *f = &ev.fields[i], *g;

			check(f->name.n > 0);
			if (fmt == FL_FMT_JSON || fmt == FL_FMT_AUDITD)
				check(fl_r_owns(r, f->name.p, f->name.n));
			else
				check(strlen(f->name.p) == f->name.n);
			check(f->value.p != NULL);
			check(fl_r_owns(r, f->value.p, f->value.n));
			check(f->type <= FL_V_NULL);
			check(f->key == name_key(k, f->name.p, f->name.n));
			if (f->key == FL_KEY_NONE)
				continue;
			g = fl_event_get(&ev, f->key);
			check(g != NULL && g <= f && g->key == f->key);
			for (; g; g = fl_event_next(&ev, g))
				check(g->key == f->key);
		}
	}
	fl_reader_close(r);
	fl_keys_free(k);
	return 0;
}
