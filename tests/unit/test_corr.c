/*
 * test_corr: the correlation engine, case by case.  A case is a rule set
 * (YAML), a list of events in a compact notation that the test turns into
 * JSON lines read by the real JSON reader, and the alerts expected as text.
 * Which rule matched an event is said by its "rule" field (the matcher is
 * not under test here).  Every case runs three ways -- fed whole, with
 * fl_corr_advance() to each event's time before it, and with advance()
 * calls at pseudo-random points -- and all three must give the expected
 * text: the determinism property, case by case.
 *
 * Event notation, one per line:  SEC RULE [name=value ...]
 *   SEC   seconds after 2024-01-01T00:00:00Z ("@timestamp"), or "z" for
 *         an event without a time, or "w" for TimeCreated_SystemTime
 *         (given as the first name=value)
 *   RULE  the rule (name) that matched, "-" for none
 *   value digits are JSON numbers, "null" is null, anything else a string
 * Alert text, one line per alert, then one line of stats:
 *   TITLE t=SEC n=COUNT v=VALUE s=FIRST-LAST g=V1|V2 h=HOST r=RECORDS
 *   # dropped=N late=N trunc=N chained=N open=N
 * RECORDS are the refs' line numbers, runs written a-b.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "detect/corr.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define T0 1704067200LL /* 2024-01-01T00:00:00Z */

static int nbad;
#define BAD(...) (nbad++, print_message(__VA_ARGS__), print_message("\n"))

static int
no_bad_cases(void **state)
{
	int n = nbad;

	(void)state;
	nbad = 0;
	return n != 0;
}

/* ---- rule text ----------------------------------------------------------- */

/* A detection rule named N (what it detects does not matter here). */
#define BASE(n) \
	"title: " n "\nname: " n "\nlogsource: {product: test}\n" \
	"detection: {sel: {x: 1}, condition: sel}\n---\n"

/* ---- running a case ------------------------------------------------------ */

struct opts {
	size_t max_groups, max_window, max_refs, max_value;
};

enum mode { M_WHOLE, M_ADVANCE_EACH, M_ADVANCE_RANDOM, M_NMODES };

static void
put_time(struct fl_buf *b, int64_t t)
{
	if (t == 0)
		fl_buf_puts(b, "z");
	else
		fl_buf_printf(b, "%lld", (long long)(t - T0));
}

static int
render(void *ctx, const struct fl_corr_alert *a)
{
	struct fl_buf *b = ctx;
	size_t i;

	fl_buf_printf(b, "%s t=", a->rule->name ? a->rule->name
						: a->rule->title);
	put_time(b, a->time);
	fl_buf_printf(b, " n=%llu v=%g s=", a->count, a->value);
	put_time(b, a->first);
	fl_buf_putc(b, '-');
	put_time(b, a->last);
	fl_buf_puts(b, " g=");
	for (i = 0; i < a->ngroup; i++) {
		if (i)
			fl_buf_putc(b, '|');
		fl_buf_append(b, a->group_value[i].p, a->group_value[i].n);
	}
	fl_buf_puts(b, " h=");
	fl_buf_append(b, a->host.p, a->host.n);
	fl_buf_puts(b, " r=");
	for (i = 0; i < a->nref; i++) {
		size_t j = i;

		while (j + 1 < a->nref &&
		       a->ref[j + 1].record == a->ref[j].record + 1)
			j++;
		if (i)
			fl_buf_putc(b, ',');
		if (j > i + 1)
			fl_buf_printf(b, "%llu-%llu", a->ref[i].record,
				      a->ref[j].record);
		else
			fl_buf_printf(b, "%llu", a->ref[i].record);
		if (j == i + 1)
			fl_buf_printf(b, ",%llu", a->ref[j].record);
		if (a->ref[i].source == NULL || strcmp(a->ref[i].source,
							"t.jsonl") != 0)
			fl_buf_puts(b, "(bad source)");
		i = j;
	}
	fl_buf_putc(b, '\n');
	return 0;
}

/* The notation into JSON lines. */
static void
to_json(const char *ev, struct fl_buf *out)
{
	char line[512];

	while (*ev) {
		const char *nl = strchr(ev, '\n');
		size_t n = nl ? (size_t)(nl - ev) : strlen(ev);
		char *tok, *save = NULL;
		int first = 1;

		assert_true(n < sizeof line);
		memcpy(line, ev, n);
		line[n] = '\0';
		ev += n + (nl != NULL);
		if ((tok = strtok_r(line, " ", &save)) == NULL)
			continue;
		fl_buf_putc(out, '{');
		if (strcmp(tok, "z") != 0 && strcmp(tok, "w") != 0) {
			long long s = strtoll(tok, NULL, 10);
			time_t t = (time_t)(T0 + s);
			char iso[21];

			fl_time_iso(t, iso);
			fl_buf_printf(out, "\"@timestamp\":\"%s\"", iso);
			first = 0;
		}
		tok = strtok_r(NULL, " ", &save);
		assert_non_null(tok);
		fl_buf_printf(out, "%s\"rule\":\"%s\"", first ? "" : ",", tok);
		while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
			char *eq = strchr(tok, '=');
			const char *v;
			size_t k;
			int num = 1;

			assert_non_null(eq);
			*eq = '\0';
			v = eq + 1;
			for (k = 0; v[k]; k++)
				if (v[k] < '0' || v[k] > '9')
					num = 0;
			if (k == 0)
				num = 0;
			if (strcmp(v, "null") == 0 || num)
				fl_buf_printf(out, ",\"%s\":%s", tok, v);
			else
				fl_buf_printf(out, ",\"%s\":\"%s\"", tok, v);
		}
		fl_buf_puts(out, "}\n");
	}
}

static const struct fl_sigma_rule *
rule_named(const struct fl_sigma_set *s, const char *name)
{
	struct fl_sigma_rule *const *r;
	size_t n, i;

	r = fl_sigma_set_rules(s, &n);
	for (i = 0; i < n; i++)
		if (r[i]->name && strcmp(r[i]->name, name) == 0)
			return r[i];
	return NULL;
}

static struct fl_sigma_set *
load(const char *text)
{
	struct fl_sigma_set *s = fl_sigma_set_new(NULL, NULL);
	const struct fl_sigma_refusal *rf;
	size_t nr;

	assert_non_null(s);
	assert_int_equal(fl_sigma_set_add_mem(s, "t.yml", text, strlen(text)),
			 FL_OK);
	assert_int_equal(fl_sigma_set_resolve(s), FL_OK);
	rf = fl_sigma_set_refusals(s, &nr);
	if (nr)
		fail_msg("rule refused: %lu:%lu: %s", rf[0].d.line,
			 rf[0].d.col, rf[0].d.msg);
	return s;
}

static uint32_t rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * Feed the JSON lines JSONL to a new engine over SET in MODE; the alerts
 * and the stats line go to OUT.
 */
static void
run_json(struct fl_sigma_set *set, const char *jsonl, size_t len,
	 const struct opts *op, enum mode mode, uint32_t seed,
	 struct fl_buf *out)
{
	struct fl_corr_opts o;
	struct fl_corr_stats st;
	struct fl_keys *keys;
	struct fl_corr *c;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rr;
	int64_t seen = INT64_MIN;

	fl_corr_opts_default(&o);
	if (op) {
		o.max_groups = op->max_groups ? op->max_groups : o.max_groups;
		o.max_window = op->max_window ? op->max_window : o.max_window;
		o.max_refs = op->max_refs ? op->max_refs : o.max_refs;
		o.max_value = op->max_value ? op->max_value : o.max_value;
	}
	rng_state = seed ? seed : 1;
	assert_int_equal(fl_keys_new(0, &keys), FL_OK);
	assert_int_equal(fl_corr_new(set, keys, &o, &c, &d), FL_OK);
	assert_int_equal(fl_reader_open_mem(FL_FMT_JSON, jsonl, len, "t.jsonl",
					    keys, NULL, &r, &d),
			 FL_OK);
	while ((rr = fl_reader_next(r, &ev, &d)) == FL_READ_OK) {
		const struct fl_field *f = fl_event_find(&ev, "rule", 4);
		const struct fl_sigma_rule *rule = NULL;
		char name[64];

		assert_non_null(f);
		assert_true(f->value.n < sizeof name);
		memcpy(name, f->value.p, f->value.n);
		name[f->value.n] = '\0';
		if (strcmp(name, "-") != 0) {
			rule = rule_named(set, name);
			if (rule == NULL)
				fail_msg("no rule named %s", name);
		}
		if (mode == M_ADVANCE_EACH) {
			assert_int_equal(fl_corr_advance(c, ev.time, render,
							 out), FL_OK);
		} else if (mode == M_ADVANCE_RANDOM && ev.time > seen &&
			   seen != INT64_MIN && rnd() % 3 == 0) {
			int64_t span = ev.time - seen;
			int64_t now = seen + (int64_t)(rnd() % (uint32_t)
					(span > 1000000 ? 1000000 : span + 1));

			assert_int_equal(fl_corr_advance(c, now, render, out),
					 FL_OK);
		}
		if (ev.time > seen)
			seen = ev.time;
		assert_int_equal(fl_corr_event(c, rule, &ev, render, out),
				 FL_OK);
		if (mode == M_ADVANCE_RANDOM && rnd() % 5 == 0)
			assert_int_equal(fl_corr_advance(c, seen, render, out),
					 FL_OK);
	}
	if (rr != FL_READ_END)
		fail_msg("reader: %s", d.msg);
	assert_int_equal(fl_corr_flush(c, render, out), FL_OK);
	fl_corr_stats(c, &st);
	fl_buf_printf(out, "# dropped=%llu late=%llu trunc=%llu chained=%llu "
		      "open=%zu\n", st.dropped, st.late, st.truncated,
		      st.chained, st.open_groups);
	fl_reader_close(r);
	fl_corr_free(c);
	fl_keys_free(keys);
}

/* Run a case every way; report when a way differs from WANT. */
static void
check_case(const char *name, const char *rules, const char *events,
	   const struct opts *op, const char *want)
{
	struct fl_sigma_set *set = load(rules);
	struct fl_buf json, out;
	int m;

	fl_buf_init(&json, FL_BUF_DEFAULT_MAX);
	to_json(events, &json);
	for (m = 0; m < M_NMODES; m++) {
		uint32_t seed;

		for (seed = 1; seed <= (m == M_ADVANCE_RANDOM ? 8u : 1u);
		     seed++) {
			fl_buf_init(&out, FL_BUF_DEFAULT_MAX);
			run_json(set, json.data, json.len, op, (enum mode)m,
				 seed * 2654435761u, &out);
			if (strcmp(fl_buf_str(&out), want) != 0)
				BAD("%s (mode %d, seed %u):\n--- want\n%s"
				    "--- got\n%s", name, m, seed, want,
				    fl_buf_str(&out));
			fl_buf_release(&out);
		}
	}
	fl_buf_release(&json);
	fl_sigma_set_free(set);
}

struct tc {
	const char *name, *rules, *events, *want;
	struct opts o;
};

static void
run_table(const struct tc *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_case(t[i].name, t[i].rules, t[i].events, &t[i].o,
			   t[i].want);
}

#define NOSTATS "# dropped=0 late=0 trunc=0 chained=0 open=0\n"
#define NOOPTS {0, 0, 0, 0}

/* ---- event_count --------------------------------------------------------- */

#define BF(cond) \
	BASE("fail") "title: bf\nname: bf\ncorrelation:\n" \
	"  type: event_count\n  rules: [fail]\n  group-by: [ip]\n" \
	"  timespan: 5m\n  condition: " cond "\n"

static const struct tc count_cases[] = {
	{"gte 5: opens at the fifth, one alert",
	 BF("{gte: 5}"),
	 "0 fail ip=a\n10 fail ip=a\n20 fail ip=b\n30 fail ip=a\n"
	 "40 fail ip=a\n50 fail ip=a\n60 fail ip=a\n",
	 "bf t=50 n=6 v=6 s=0-60 g=a h= r=1,2,4-7\n" NOSTATS, NOOPTS},
	{"gte 5: four in the window is not enough, the window slides",
	 BF("{gte: 5}"),
	 "0 fail ip=a\n100 fail ip=a\n200 fail ip=a\n300 fail ip=a\n"
	 "301 fail ip=a\n",
	 /* at 301 the window is [1, 301]: the match at 0 has left it */
	 NOSTATS, NOOPTS},
	{"gte 5: the window's edges are inclusive",
	 BF("{gte: 5}"),
	 "0 fail ip=a\n100 fail ip=a\n200 fail ip=a\n250 fail ip=a\n"
	 "300 fail ip=a\n",
	 "bf t=300 n=5 v=5 s=0-300 g=a h= r=1-5\n" NOSTATS, NOOPTS},
	{"gt 4 is gte 5",
	 BF("{gt: 4}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=a\n3 fail ip=a\n"
	 "4 fail ip=a\n",
	 "bf t=4 n=5 v=5 s=0-4 g=a h= r=1-5\n" NOSTATS, NOOPTS},
	{"eq 3 opens when the window holds exactly three",
	 BF("{eq: 3}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=a\n3 fail ip=a\n",
	 "bf t=2 n=4 v=4 s=0-3 g=a h= r=1-4\n" NOSTATS, NOOPTS},
	{"range gt 2 lte 4: checked at each match",
	 BF("{gt: 2, lte: 4}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=a\n",
	 "bf t=2 n=3 v=3 s=0-2 g=a h= r=1-3\n" NOSTATS, NOOPTS},
	{"two bursts more than a timespan apart are two alerts",
	 BF("{gte: 3}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=a\n3 fail ip=a\n"
	 "304 fail ip=a\n305 fail ip=a\n306 fail ip=a\n",
	 "bf t=2 n=4 v=4 s=0-3 g=a h= r=1-4\n"
	 "bf t=306 n=3 v=3 s=304-306 g=a h= r=5-7\n" NOSTATS, NOOPTS},
	{"a gap of exactly the timespan keeps the alert open",
	 BF("{gte: 3}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=a\n302 fail ip=a\n"
	 "602 fail ip=a\n903 fail ip=a\n",
	 /* 903 is 301 s after 602: the alert closed; one match is no alert */
	 "bf t=2 n=5 v=5 s=0-602 g=a h= r=1-5\n" NOSTATS, NOOPTS},
	{"an alert closes when any later event passes its end",
	 BF("{gte: 2}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=b\n400 - \n401 fail ip=b\n"
	 "402 fail ip=b\n",
	 "bf t=1 n=2 v=2 s=0-1 g=a h= r=1,2\n"
	 "bf t=402 n=2 v=2 s=401-402 g=b h= r=5,6\n" NOSTATS, NOOPTS},
	{"lt 3 is decided when the window that began at the first match ends",
	 BF("{lt: 3}"),
	 "0 fail ip=a\n10 fail ip=a\n20 fail ip=b\n21 fail ip=b\n"
	 "22 fail ip=b\n400 fail ip=a\n",
	 /* a: [0, 300] holds 2; b: [20, 320] holds 3; a again from 400,
	    ended by the end of input */
	 "bf t=300 n=2 v=2 s=0-10 g=a h= r=1,2\n"
	 "bf t=700 n=1 v=1 s=400-400 g=a h= r=6\n" NOSTATS, NOOPTS},
	{"lte 2 with a match after the window: the window ends first",
	 BF("{lte: 2}"),
	 "0 fail ip=a\n1 fail ip=a\n301 fail ip=a\n302 fail ip=a\n"
	 "303 fail ip=a\n",
	 "bf t=300 n=2 v=2 s=0-1 g=a h= r=1,2\n" NOSTATS, NOOPTS},
};

static void
test_event_count(void **state)
{
	(void)state;
	run_table(count_cases, NELEM(count_cases));
}

/* 3,558 failures over 163 s (the smb-password-guessing shape): one alert
 * that counts them all, whatever the feeding. */
static void
test_sustained(void **state)
{
	struct fl_sigma_set *set = load(BF("{gte: 5}"));
	struct fl_buf json, out;
	char iso[21], want[160];
	int i, m;

	(void)state;
	fl_buf_init(&json, FL_BUF_DEFAULT_MAX);
	for (i = 0; i < 3558; i++) {
		fl_time_iso((time_t)(T0 + (long long)i * 163 / 3557), iso);
		fl_buf_printf(&json, "{\"@timestamp\":\"%s\",\"rule\":\"fail\","
			      "\"ip\":\"192.168.198.149\",\"Computer\":"
			      "\"dc1\"}\n", iso);
	}
	snprintf(want, sizeof want, "bf t=0 n=3558 v=3558 s=0-163 "
		 "g=192.168.198.149 h=dc1 r=1-100\n" NOSTATS);
	for (m = 0; m < M_NMODES; m++) {
		fl_buf_init(&out, FL_BUF_DEFAULT_MAX);
		run_json(set, json.data, json.len, NULL, (enum mode)m, 7, &out);
		assert_string_equal(fl_buf_str(&out), want);
		fl_buf_release(&out);
	}
	fl_buf_release(&json);
	fl_sigma_set_free(set);
}

/* ---- value_count, value_sum, value_avg, value_percentile ----------------- */

#define VC(type, field, cond) \
	BASE("fail") "title: vc\nname: vc\ncorrelation:\n  type: " type "\n" \
	"  rules: [fail]\n  group-by: [ip]\n  timespan: 5m\n" \
	"  condition: {field: " field ", " cond "}\n"

static const struct tc value_cases[] = {
	{"value_count: distinct users, events without the field do not count",
	 VC("value_count", "user", "gte: 3"),
	 "0 fail ip=a user=u1\n1 fail ip=a user=u1\n2 fail ip=a\n"
	 "3 fail ip=a user=null\n4 fail ip=a user=u2\n5 fail ip=a user=u3\n"
	 "6 fail ip=a user=u1\n7 fail ip=a user=u4\n",
	 /* opens at 5 with u1, u2, u3; 6 and 7 extend it, u4 makes 4 */
	 "vc t=5 n=8 v=4 s=0-7 g=a h= r=1-8\n" NOSTATS, NOOPTS},
	{"value_count: a value leaves the window with its last match",
	 VC("value_count", "user", "gte: 3"),
	 "0 fail ip=a user=u1\n250 fail ip=a user=u1\n260 fail ip=a user=u2\n"
	 /* 310: u1 at 0 is gone, u1 at 250 keeps u1 counted: {u1,u2,u3} */
	 "310 fail ip=a user=u3\n",
	 "vc t=310 n=3 v=3 s=250-310 g=a h= r=2-4\n" NOSTATS, NOOPTS},
	{"value_count: the window slides past a value seen once",
	 VC("value_count", "user", "gte: 3"),
	 "0 fail ip=a user=u1\n10 fail ip=a user=u2\n305 fail ip=a user=u3\n"
	 /* at 305 the window is [5, 305]: {u2, u3} */
	 "306 fail ip=a user=u2\n320 fail ip=a user=u4\n",
	 /* at 320: [20, 320] = {u3, u2, u4} (u2 at 10 left, u2 at 306 is
	    there) */
	 "vc t=320 n=3 v=3 s=305-320 g=a h= r=3-5\n" NOSTATS, NOOPTS},
	{"value_count over a number field counts its text",
	 VC("value_count", "port", "gt: 2"),
	 "0 fail ip=a port=22\n1 fail ip=a port=22\n2 fail ip=a port=23\n"
	 "3 fail ip=a port=22/tcp\n",
	 "vc t=3 n=4 v=3 s=0-3 g=a h= r=1-4\n" NOSTATS, NOOPTS},
	{"value_count lt 2, decided at the window's end",
	 VC("value_count", "user", "lt: 2"),
	 "0 fail ip=a user=u1\n5 fail ip=a user=u1\n6 fail ip=b user=u1\n"
	 "7 fail ip=b user=u2\n",
	 "vc t=300 n=2 v=1 s=0-5 g=a h= r=1,2\n" NOSTATS, NOOPTS},
	{"value_sum: numbers and numeric text, other text ignored",
	 VC("value_sum", "bytes", "gt: 1000"),
	 "0 fail ip=a bytes=400\n1 fail ip=a bytes=abc\n"
	 "2 fail ip=a bytes=500\n3 fail ip=a bytes=0x100\n"
	 "4 fail ip=a bytes=101.5\n5 fail ip=a bytes=7\n",
	 "vc t=4 n=6 v=1008.5 s=0-5 g=a h= r=1-6\n" NOSTATS, NOOPTS},
	{"value_sum slides: old bytes leave the sum",
	 VC("value_sum", "bytes", "gte: 1000"),
	 "0 fail ip=a bytes=600\n200 fail ip=a bytes=300\n"
	 "301 fail ip=a bytes=300\n400 fail ip=a bytes=400\n",
	 "vc t=400 n=3 v=1000 s=200-400 g=a h= r=2-4\n" NOSTATS, NOOPTS},
	{"value_avg: average of the window's numbers",
	 VC("value_avg", "bytes", "gt: 500"),
	 "0 fail ip=a bytes=100\n1 fail ip=a bytes=800\n"
	 "2 fail ip=a bytes=900\n3 fail ip=a\n4 fail ip=a bytes=100\n",
	 /* opens at 2: (100+800+900)/3 = 600; the alert counts 5 matches,
	    its average is over the 4 numbers among them: 1900/4 */
	 "vc t=2 n=5 v=475 s=0-4 g=a h= r=1-5\n" NOSTATS, NOOPTS},
	{"value_avg lt: checked at every match (the average is not a count)",
	 VC("value_avg", "bytes", "lt: 10"),
	 "0 fail ip=a bytes=100\n1 fail ip=a bytes=1\n2 fail ip=a bytes=1\n"
	 "3 fail ip=a bytes=1\n",
	 /* 100, 50.5, 34, 25.75: never below 10 in the window */
	 NOSTATS, NOOPTS},
	{"value_percentile: rank of the new value among the window's numbers",
	 VC("value_percentile", "ms", "lte: 20"),
	 "0 fail ip=a ms=50\n1 fail ip=a ms=60\n2 fail ip=a ms=70\n"
	 "3 fail ip=a ms=80\n4 fail ip=a ms=10\n",
	 /* ranks: 100, 100, 100, 100, then 10 is <= 1 of 5: 20 */
	 "vc t=4 n=5 v=20 s=0-4 g=a h= r=1-5\n" NOSTATS, NOOPTS},
	{"value_percentile gte 90 with ties",
	 VC("value_percentile", "ms", "gte: 90, lt: 100"),
	 "0 fail ip=a ms=5\n1 fail ip=a ms=5\n2 fail ip=a ms=5\n"
	 "3 fail ip=a ms=5\n4 fail ip=a ms=5\n5 fail ip=a ms=5\n"
	 "6 fail ip=a ms=5\n7 fail ip=a ms=5\n8 fail ip=a ms=5\n"
	 "9 fail ip=a ms=7\n10 fail ip=a ms=6\n",
	 /* 7 ranks 100; 6 ranks 10 of 11 (90.9) */
	 "vc t=10 n=11 v=90.9091 s=0-10 g=a h= r=1-11\n" NOSTATS, NOOPTS},
	{"value_percentile over text: the value's share of the window",
	 VC("value_percentile", "Image", "lte: 10"),
	 "0 fail ip=a Image=a.exe\n1 fail ip=a Image=a.exe\n"
	 "2 fail ip=a Image=a.exe\n3 fail ip=a Image=a.exe\n"
	 "4 fail ip=a Image=a.exe\n5 fail ip=a Image=a.exe\n"
	 "6 fail ip=a Image=a.exe\n7 fail ip=a Image=a.exe\n"
	 "8 fail ip=a Image=a.exe\n9 fail ip=a Image=rare.exe\n",
	 "vc t=9 n=10 v=10 s=0-9 g=a h= r=1-10\n" NOSTATS, NOOPTS},
};

static void
test_values(void **state)
{
	(void)state;
	run_table(value_cases, NELEM(value_cases));
}

/* ---- temporal, temporal_ordered ------------------------------------------ */

#define TEMPORAL(type, extra) \
	BASE("a") BASE("b") BASE("c") \
	"title: tp\nname: tp\ncorrelation:\n  type: " type "\n" \
	"  rules: [a, b, c]\n  group-by: [host, user]\n  timespan: 5m\n" extra

static const struct tc temporal_cases[] = {
	{"temporal: all three in any order",
	 TEMPORAL("temporal", ""),
	 "0 c host=h user=u\n10 a host=h user=u\n20 a host=h user=v\n"
	 "30 b host=h user=u\n40 a host=h user=u\n",
	 "tp t=30 n=4 v=3 s=0-40 g=h|u h=h r=1,2,4,5\n" NOSTATS, NOOPTS},
	{"temporal: one missing is no alert",
	 TEMPORAL("temporal", ""),
	 "0 a host=h user=u\n10 b host=h user=u\n20 b host=h user=u\n",
	 NOSTATS, NOOPTS},
	{"temporal: all three, but not within the timespan",
	 TEMPORAL("temporal", ""),
	 "0 a host=h user=u\n200 b host=h user=u\n301 c host=h user=u\n",
	 NOSTATS, NOOPTS},
	{"temporal: a condition over the rules",
	 TEMPORAL("temporal", "  condition: a and not c\n"),
	 "0 c host=h user=u\n10 a host=h user=u\n400 a host=h user=u\n",
	 /* at 10 c is in the window; at 400 it has left */
	 "tp t=400 n=1 v=1 s=400-400 g=h|u h=h r=3\n" NOSTATS, NOOPTS},
	{"temporal: a range over the rules seen",
	 TEMPORAL("temporal", "  condition: {gte: 2}\n"),
	 "0 a host=h user=u\n1 a host=h user=u\n2 c host=h user=u\n",
	 "tp t=2 n=3 v=2 s=0-2 g=h|u h=h r=1-3\n" NOSTATS, NOOPTS},
	{"temporal_ordered: in order",
	 TEMPORAL("temporal_ordered", ""),
	 "0 a host=h user=u\n10 b host=h user=u\n20 c host=h user=u\n",
	 "tp t=20 n=3 v=3 s=0-20 g=h|u h=h r=1-3\n" NOSTATS, NOOPTS},
	{"temporal_ordered: out of order does not fire",
	 TEMPORAL("temporal_ordered", ""),
	 "0 b host=h user=u\n10 a host=h user=u\n20 c host=h user=u\n"
	 "30 c host=h user=u\n",
	 NOSTATS, NOOPTS},
	{"temporal_ordered: out of order, then completed in order",
	 TEMPORAL("temporal_ordered", ""),
	 "0 b host=h user=u\n10 a host=h user=u\n20 c host=h user=u\n"
	 "30 b host=h user=u\n40 c host=h user=u\n",
	 "tp t=40 n=5 v=3 s=0-40 g=h|u h=h r=1-5\n" NOSTATS, NOOPTS},
	{"temporal_ordered with a condition: skipped rules",
	 TEMPORAL("temporal_ordered", "  condition: a and c\n"),
	 "0 c host=h user=u\n10 a host=h user=u\n20 c host=h user=u\n",
	 "tp t=20 n=3 v=2 s=0-20 g=h|u h=h r=1-3\n" NOSTATS, NOOPTS},
};

static void
test_temporal(void **state)
{
	(void)state;
	run_table(temporal_cases, NELEM(temporal_cases));
}

/* ---- groups, aliases, hosts, refs ---------------------------------------- */

#define ALIASED \
	BASE("req") BASE("conn") \
	"title: al\nname: al\ncorrelation:\n  type: temporal\n" \
	"  rules: [req, conn]\n  group-by: [ip]\n  timespan: 10s\n" \
	"  aliases:\n    ip:\n      req: dst\n      conn: src\n"

static const struct tc group_cases[] = {
	{"group-by with a missing field groups under the empty value",
	 BF("{gte: 2}"),
	 "0 fail\n1 fail ip=null\n2 fail ip=\n3 fail ip=a\n",
	 "bf t=1 n=3 v=3 s=0-2 g= h= r=1-3\n" NOSTATS, NOOPTS},
	{"several group-by fields, one missing",
	 BASE("fail") "title: bf\nname: bf\ncorrelation:\n  type: event_count\n"
	 "  rules: [fail]\n  group-by: [ip, user]\n  timespan: 5m\n"
	 "  condition: {gte: 2}\n",
	 "0 fail ip=a user=x\n1 fail ip=a\n2 fail user=x\n3 fail ip=a\n",
	 "bf t=3 n=2 v=2 s=1-3 g=a| h= r=2,4\n" NOSTATS, NOOPTS},
	{"aliases: each rule's own field",
	 ALIASED,
	 "0 req dst=10.0.0.1 src=x\n1 conn src=10.0.0.2 dst=y\n"
	 "2 conn src=10.0.0.1 dst=z\n",
	 "al t=2 n=2 v=2 s=0-2 g=10.0.0.1 h= r=1,3\n" NOSTATS, NOOPTS},
	{"the host of the events when they share one",
	 BF("{gte: 2}"),
	 "0 fail ip=a Computer=dc1\n1 fail ip=a Computer=dc1\n"
	 "2 fail ip=b Computer=dc1\n3 fail ip=b Computer=dc2\n",
	 "bf t=1 n=2 v=2 s=0-1 g=a h=dc1 r=1,2\n"
	 "bf t=3 n=2 v=2 s=2-3 g=b h= r=3,4\n" NOSTATS, NOOPTS},
	{"refs: at most max_refs, the match that opened it always among them",
	 BASE("fail") "title: vc\nname: vc\ncorrelation:\n  type: value_count\n"
	 "  rules: [fail]\n  group-by: [ip]\n  timespan: 5m\n"
	 "  condition: {field: user, gte: 2}\n",
	 "0 fail ip=a user=u\n1 fail ip=a user=u\n2 fail ip=a user=u\n"
	 "3 fail ip=a user=u\n4 fail ip=a user=v\n5 fail ip=a user=w\n",
	 "vc t=4 n=6 v=3 s=0-5 g=a h= r=1,2,5\n" NOSTATS,
	 {0, 0, 3, 0}},
	{"max_value cuts long values (counted)",
	 BF("{gte: 2}"),
	 "0 fail ip=abcdef\n1 fail ip=abcdxx\n",
	 "bf t=1 n=2 v=2 s=0-1 g=abcd h= r=1,2\n"
	 "# dropped=0 late=0 trunc=2 chained=0 open=0\n",
	 {0, 0, 0, 4}},
	{"an alert in TimeCreated_SystemTime shape",
	 BF("{gte: 2}"),
	 "w fail TimeCreated_SystemTime=2024-01-01T00:00:07.5Z ip=a\n"
	 "w fail TimeCreated_SystemTime=2024-01-01T00:00:08Z ip=a\n",
	 "bf t=8 n=2 v=2 s=7-8 g=a h= r=1,2\n" NOSTATS, NOOPTS},
};

static void
test_groups(void **state)
{
	(void)state;
	run_table(group_cases, NELEM(group_cases));
}

/* ---- chains and generate ------------------------------------------------- */

#define CHAIN(gen) \
	BASE("fail") BASE("ok") \
	"title: brute\nname: brute\ncorrelation:\n  type: event_count\n" \
	"  rules: [fail]\n  group-by: [host, ip]\n  timespan: 60s\n" \
	"  condition: {gte: 3}\n---\n" \
	"title: success\nname: success\ncorrelation:\n" \
	"  type: temporal_ordered\n  rules: [brute, ok]\n" \
	"  group-by: [host, ip]\n  timespan: 10m\n" gen

static const struct tc chain_cases[] = {
	{"success after brute force, the brute force alert still open",
	 CHAIN(""),
	 "0 fail host=h ip=a\n1 fail host=h ip=a\n2 fail host=h ip=a\n"
	 "3 fail host=h ip=a\n4 ok host=h ip=a\n5 fail host=h ip=a\n",
	 /* brute opens at 2 and feeds success at 2; ok at 4 completes it;
	    brute itself does not generate */
	 /* its refs: brute's when it opened (1-3), then the ok (5) */
	 "success t=4 n=2 v=2 s=2-4 g=h|a h=h r=1-3,5\n"
	 "# dropped=0 late=0 trunc=0 chained=1 open=0\n", NOOPTS},
	{"success before the brute force is no alert",
	 CHAIN(""),
	 "0 ok host=h ip=a\n1 fail host=h ip=a\n2 fail host=h ip=a\n"
	 "3 fail host=h ip=a\n",
	 "# dropped=0 late=0 trunc=0 chained=1 open=0\n", NOOPTS},
	{"success for another source is no alert",
	 CHAIN(""),
	 "0 fail host=h ip=a\n1 fail host=h ip=a\n2 fail host=h ip=a\n"
	 "3 ok host=h ip=b\n700 ok host=h ip=a\n",
	 "# dropped=0 late=0 trunc=0 chained=1 open=0\n", NOOPTS},
	{"generate: true reports the brute force too",
	 CHAIN("generate: true\n"),
	 "0 fail host=h ip=a\n1 fail host=h ip=a\n2 fail host=h ip=a\n"
	 "30 ok host=h ip=a\n",
	 /* brute closes first: its deadline (62) is success's (630) */
	 "brute t=2 n=3 v=3 s=0-2 g=h|a h=h r=1-3\n"
	 "success t=30 n=2 v=2 s=2-30 g=h|a h=h r=1-4\n" NOSTATS, NOOPTS},
	{"a chained alert decided at its window's end",
	 BASE("fail") BASE("ok")
	 "title: few\nname: few\ncorrelation:\n  type: event_count\n"
	 "  rules: [fail]\n  group-by: [ip]\n  timespan: 60s\n"
	 "  condition: {lt: 3}\n---\n"
	 "title: then\nname: then\ncorrelation:\n  type: temporal_ordered\n"
	 "  rules: [few, ok]\n  group-by: [ip]\n  timespan: 10m\n",
	 "0 fail ip=a\n10 fail ip=a\n100 ok ip=a\n",
	 /* few is decided at 60 (the watermark passes it at 100, before
	    the ok is fed) */
	 "then t=100 n=2 v=2 s=60-100 g=a h= r=1-3\n"
	 "# dropped=0 late=0 trunc=0 chained=1 open=0\n", NOOPTS},
	{"a window ended by its own group's next match feeds its parent",
	 BASE("fail") BASE("ok")
	 "title: few\nname: few\ncorrelation:\n  type: value_count\n"
	 "  rules: [fail]\n  group-by: [ip]\n  timespan: 5m\n"
	 "  condition: {field: user, lt: 2}\n---\n"
	 "title: then\nname: then\ngenerate: true\ncorrelation:\n"
	 "  type: temporal_ordered\n  rules: [few, ok]\n  group-by: [ip]\n"
	 "  timespan: 10m\n",
	 /* an older file after a newer one: the watermark (5000) stays put,
	    so the match at 400 itself ends the window [0, 300] */
	 "5000 -\n0 fail ip=a user=u1\n400 fail ip=a user=u2\n"
	 "401 fail ip=a user=u2\n402 ok ip=a\n",
	 /* at the end of input few's second window (u2 twice) is decided
	    first and fed to then's alert, still open until 402 + 600 */
	 "few t=300 n=1 v=1 s=0-0 g=a h= r=2\n"
	 "few t=700 n=2 v=1 s=400-401 g=a h= r=3,4\n"
	 "then t=402 n=3 v=2 s=300-700 g=a h= r=2,5,3,4\n" NOSTATS, NOOPTS},
};

static void
test_chain(void **state)
{
	(void)state;
	run_table(chain_cases, NELEM(chain_cases));
}

static void
test_generates(void **state)
{
	static const struct {
		const char *rule;
		int wants, generates;
	} want[] = {
		{"fail", 1, 0}, {"ok", 1, 0}, {"brute", 0, 0},
		{"success", 0, 1}, {"lone", 0, 1},
		{"x", 1, 1}, {"y", 1, 1}, {"xy", 0, 1},
	};
	struct fl_sigma_set *set = load(
		CHAIN("") "---\n" BASE("lone") BASE("x") BASE("y")
		"title: xy\nname: xy\ngenerate: true\ncorrelation:\n"
		"  type: temporal\n  rules: [x, y]\n  timespan: 1m\n");
	struct fl_keys *keys;
	struct fl_corr *c;
	struct fl_diag d;
	size_t i;

	(void)state;
	assert_int_equal(fl_keys_new(0, &keys), FL_OK);
	assert_int_equal(fl_corr_new(set, keys, NULL, &c, &d), FL_OK);
	for (i = 0; i < NELEM(want); i++) {
		const struct fl_sigma_rule *r = rule_named(set, want[i].rule);

		assert_non_null(r);
		if (fl_corr_wants(c, r) != want[i].wants ||
		    fl_corr_generates(c, r) != want[i].generates)
			BAD("%s: wants %d generates %d", want[i].rule,
			    fl_corr_wants(c, r), fl_corr_generates(c, r));
	}
	/* the names the correlations read are in the dictionary */
	assert_int_not_equal(fl_keys_find(keys, "host", 4), FL_KEY_NONE);
	assert_int_not_equal(fl_keys_find(keys, "ip", 2), FL_KEY_NONE);
	fl_corr_free(c);
	fl_keys_free(keys);
	fl_sigma_set_free(set);
}

/* ---- bounds and time ----------------------------------------------------- */

static const struct tc bound_cases[] = {
	{"max_groups: a third group is not counted",
	 BF("{gte: 2}"),
	 "0 fail ip=a\n1 fail ip=b\n2 fail ip=c\n3 fail ip=c\n4 fail ip=a\n",
	 /* c never gets a group: two matches dropped */
	 "bf t=4 n=2 v=2 s=0-4 g=a h= r=1,5\n"
	 "# dropped=2 late=0 trunc=0 chained=0 open=0\n",
	 {2, 0, 0, 0}},
	{"max_groups: a group freed makes room",
	 BF("{gte: 2}"),
	 "0 fail ip=a\n1 fail ip=b\n400 fail ip=c\n401 fail ip=c\n",
	 "bf t=401 n=2 v=2 s=400-401 g=c h= r=3,4\n" NOSTATS,
	 {2, 0, 0, 0}},
	{"max_window: matches beyond it are not counted",
	 BF("{lt: 100}"),
	 "0 fail ip=a\n1 fail ip=a\n2 fail ip=a\n3 fail ip=a\n",
	 "bf t=300 n=3 v=3 s=0-2 g=a h= r=1-3\n"
	 "# dropped=1 late=0 trunc=0 chained=0 open=0\n",
	 {0, 3, 0, 0}},
	{"time steps back within the window: counted in time order",
	 BF("{gte: 3}"),
	 "100 fail ip=a\n90 fail ip=a\n95 fail ip=a\n",
	 "bf t=95 n=3 v=3 s=90-100 g=a h= r=2,3,1\n" NOSTATS, NOOPTS},
	{"time steps back past the window's start: not counted",
	 BF("{gte: 2}"),
	 "400 fail ip=a\n50 fail ip=a\n410 fail ip=a\n",
	 "bf t=410 n=2 v=2 s=400-410 g=a h= r=1,3\n"
	 "# dropped=0 late=1 trunc=0 chained=0 open=0\n", NOOPTS},
	{"an open alert takes matches back to a timespan before its start",
	 BF("{gte: 2}"),
	 "400 fail ip=a\n401 fail ip=a\n50 fail ip=a\n150 fail ip=a\n"
	 "0 fail ip=a\n",
	 /* 50 is more than 300 s before 400; 150 is not, and then 0 is
	    not more than 300 s before 150 */
	 "bf t=401 n=4 v=4 s=0-401 g=a h= r=1,2,4,5\n"
	 "# dropped=0 late=1 trunc=0 chained=0 open=0\n", NOOPTS},
	{"a second file, older: its groups correlate among themselves",
	 BF("{gte: 2}"),
	 "5000 fail ip=b\n5001 fail ip=b\n0 fail ip=a\n1 fail ip=a\n"
	 "500 fail ip=a\n501 fail ip=a\n",
	 /* the watermark stays at 5001; a's own gap closes its first alert */
	 "bf t=1 n=2 v=2 s=0-1 g=a h= r=3,4\n"
	 "bf t=501 n=2 v=2 s=500-501 g=a h= r=5,6\n"
	 "bf t=5001 n=2 v=2 s=5000-5001 g=b h= r=1,2\n" NOSTATS, NOOPTS},
	{"events without a time: all at time 0, one window",
	 BF("{gte: 3}"),
	 "z fail ip=a\nz fail ip=a\nz fail ip=a\nz fail ip=a\n",
	 "bf t=z n=4 v=4 s=z-z g=a h= r=1-4\n" NOSTATS, NOOPTS},
};

static void
test_bounds_time(void **state)
{
	(void)state;
	run_table(bound_cases, NELEM(bound_cases));
}

/* ---- determinism over a long mixed stream -------------------------------- */

static const char mixed_rules[] =
	BASE("fail") BASE("ok") BASE("proc")
	"title: bf\nname: bf\ncorrelation:\n  type: event_count\n"
	"  rules: [fail]\n  group-by: [ip]\n  timespan: 60s\n"
	"  condition: {gte: 4}\n---\n"
	"title: few\nname: few\ncorrelation:\n  type: event_count\n"
	"  rules: [ok]\n  group-by: [ip]\n  timespan: 90s\n"
	"  condition: {lte: 1}\n---\n"
	"title: spray\nname: spray\ncorrelation:\n  type: value_count\n"
	"  rules: [fail]\n  group-by: [ip]\n  timespan: 120s\n"
	"  condition: {field: user, gte: 3}\n---\n"
	"title: sum\nname: sum\ncorrelation:\n  type: value_sum\n"
	"  rules: [proc, ok]\n  group-by: [ip]\n  timespan: 100s\n"
	"  condition: {field: n, gt: 40}\n---\n"
	"title: avg\nname: avg\ncorrelation:\n  type: value_avg\n"
	"  rules: [proc]\n  timespan: 100s\n"
	"  condition: {field: n, gte: 12}\n---\n"
	"title: pct\nname: pct\ncorrelation:\n  type: value_percentile\n"
	"  rules: [proc]\n  timespan: 600s\n"
	"  condition: {field: n, lte: 10}\n---\n"
	"title: seq\nname: seq\ngenerate: true\ncorrelation:\n"
	"  type: temporal_ordered\n  rules: [bf, ok]\n  group-by: [ip]\n"
	"  timespan: 5m\n---\n"
	"title: any\nname: any\ngenerate: true\ncorrelation:\n"
	"  type: temporal\n"
	"  rules: [spray, proc]\n  group-by: [ip]\n  timespan: 3m\n";

static void
test_determinism(void **state)
{
	static const char *const rules[] = {"fail", "fail", "fail", "ok",
					    "proc", "-"};
	struct fl_sigma_set *set = load(mixed_rules);
	struct fl_buf json, whole, out;
	long long t = 0;
	char iso[21];
	uint32_t seed;
	int i;

	(void)state;
	rng_state = 12345;
	fl_buf_init(&json, FL_BUF_DEFAULT_MAX);
	for (i = 0; i < 4000; i++) {
		uint32_t r = rnd();
		long long at;

		t += (r % 64 == 0) ? (long long)(rnd() % 400)
				   : (long long)(rnd() % 3);
		/* now and then a step back, as when two files interleave */
		at = (rnd() % 50 == 0) ? t - (long long)(rnd() % 200) : t;
		fl_time_iso((time_t)(T0 + at), iso);
		fl_buf_printf(&json, "{\"@timestamp\":\"%s\",\"rule\":\"%s\","
			      "\"ip\":\"10.0.0.%u\",\"user\":\"u%u\","
			      "\"n\":%u}\n", iso, rules[rnd() % NELEM(rules)],
			      rnd() % 4, rnd() % 6, rnd() % 30);
	}
	fl_buf_init(&whole, FL_BUF_DEFAULT_MAX);
	run_json(set, json.data, json.len, NULL, M_WHOLE, 1, &whole);
	/* the stream is meant to raise every kind of alert */
	{
		static const char *const kinds[] = {"bf t=", "few t=",
			"spray t=", "sum t=", "avg t=", "pct t=", "seq t=",
			"any t="};
		size_t k;

		for (k = 0; k < NELEM(kinds); k++)
			if (strstr(fl_buf_str(&whole), kinds[k]) == NULL)
				BAD("no %s alert in the mixed stream",
				    kinds[k]);
	}
	for (seed = 1; seed <= 20; seed++) {
		enum mode m = seed == 1 ? M_ADVANCE_EACH : M_ADVANCE_RANDOM;

		fl_buf_init(&out, FL_BUF_DEFAULT_MAX);
		run_json(set, json.data, json.len, NULL, m, seed * 7919u, &out);
		if (strcmp(fl_buf_str(&out), fl_buf_str(&whole)) != 0)
			BAD("feeding in pieces (seed %u) differs", seed);
		fl_buf_release(&out);
	}
	/* and with bounds that bite, the same again */
	{
		struct opts o = {3, 5, 4, 0};
		struct fl_buf w2;

		fl_buf_init(&w2, FL_BUF_DEFAULT_MAX);
		run_json(set, json.data, json.len, &o, M_WHOLE, 1, &w2);
		for (seed = 1; seed <= 5; seed++) {
			fl_buf_init(&out, FL_BUF_DEFAULT_MAX);
			run_json(set, json.data, json.len, &o, M_ADVANCE_RANDOM,
				 seed * 104729u, &out);
			if (strcmp(fl_buf_str(&out), fl_buf_str(&w2)) != 0)
				BAD("bounded, in pieces (seed %u) differs",
				    seed);
			fl_buf_release(&out);
		}
		if (strstr(fl_buf_str(&w2), "# dropped=0 ") != NULL)
			BAD("the bounds were meant to drop something");
		fl_buf_release(&w2);
	}
	fl_buf_release(&whole);
	fl_buf_release(&json);
	fl_sigma_set_free(set);
}

/* The spec's examples load and make engines (the corpus is optional). */
static void
test_spec_examples(void **state)
{
	static const char *const files[] = {
		"sigma/spec-examples/correlation/event_count.yml",
		"sigma-correlation/hayabusa-rules/"
		"Sec_4625_Med_LogonFail_WrongPW_PW-Guessing_Correlation.yml",
		"sigma-correlation/hayabusa-rules/"
		"Sec_4625_Med_LogonFail_UserGuessing_Correlation.yml",
		"sigma-correlation/hayabusa-rules/"
		"Sec_4648_Med_ExplicitLogon_PW-Spray_Correlation.yml",
	};
	const char *top = getenv("FL_CORPUS");
	struct fl_sigma_set *set;
	struct fl_keys *keys;
	struct fl_corr *c;
	struct fl_diag d;
	char path[1024];
	size_t i;

	(void)state;
	if (top == NULL) {
		skip();
		return;
	}
	set = fl_sigma_set_new(NULL, NULL);
	assert_non_null(set);
	for (i = 1; i < NELEM(files); i++) {
		snprintf(path, sizeof path, "%s/%s", top, files[i]);
		if (fl_sigma_set_add_path(set, path, &d) != FL_OK) {
			fl_sigma_set_free(set);
			skip();
			return;
		}
	}
	assert_int_equal(fl_sigma_set_resolve(set), FL_OK);
	assert_int_equal(fl_keys_new(0, &keys), FL_OK);
	assert_int_equal(fl_corr_new(set, keys, NULL, &c, &d), FL_OK);
	assert_int_not_equal(fl_keys_find(keys, "IpAddress", 9), FL_KEY_NONE);
	assert_int_not_equal(fl_keys_find(keys, "TargetUserName", 14),
			     FL_KEY_NONE);
	assert_true(fl_corr_wants(c, rule_named(set, "incorrect_password")));
	assert_false(fl_corr_generates(c, rule_named(set,
						     "incorrect_password")));
	fl_corr_free(c);
	fl_keys_free(keys);
	fl_sigma_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_event_count, no_bad_cases),
		cmocka_unit_test(test_sustained),
		cmocka_unit_test_teardown(test_values, no_bad_cases),
		cmocka_unit_test_teardown(test_temporal, no_bad_cases),
		cmocka_unit_test_teardown(test_groups, no_bad_cases),
		cmocka_unit_test_teardown(test_chain, no_bad_cases),
		cmocka_unit_test_teardown(test_generates, no_bad_cases),
		cmocka_unit_test_teardown(test_bounds_time, no_bad_cases),
		cmocka_unit_test_teardown(test_determinism, no_bad_cases),
		cmocka_unit_test(test_spec_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
