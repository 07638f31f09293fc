/*
 * test_dora: the DORA major-incident test (core/dora.c) as tables of
 * cases — each materiality threshold of RTS 2024/1772 Art. 9 exactly at,
 * just below and just above its value, the Art. 8(1) combinations, the
 * refusal of out-of-range records, the fired list, and the recurring-
 * incident rule of Art. 8(2) at 6 months and a day either side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "core/dora.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define B(c) FL_DORA_BIT(FL_DORA_##c)

static const double MINUTE = 1.0 / 60.0;

static unsigned
fired(const struct fl_dora_input *in)
{
	struct fl_dora_result r;
	struct fl_diag d;

	fl_diag_clear(&d);
	if (fl_dora_classify(in, &r, &d) != FL_OK)
		fail_msg("refused: %s", d.msg);
	assert_non_null(r.reason);
	return r.fired;
}

/* One criterion, varied alone: does its bit fire? */
struct one_case {
	const char *what;
	struct fl_dora_input in;
	int want;
};

static void
run_one(const struct one_case *cases, size_t n, unsigned bit)
{
	size_t k;

	for (k = 0; k < n; k++) {
		unsigned f = fired(&cases[k].in);
		if (!!(f & bit) != cases[k].want)
			fail_msg("%s: expected %s, fired 0x%x", cases[k].what,
				 cases[k].want ? "met" : "not met", f);
		/* Nothing else fires from a field of this criterion. */
		if (f & ~bit)
			fail_msg("%s: other criteria fired 0x%x", cases[k].what,
				 f & ~bit);
	}
}

/* ---- Art. 9(1): clients, financial counterparts, transactions ---------- */

static void
test_clients(void **state)
{
	static const struct one_case cases[] = {
		{"nothing", {0}, 0},
		{"clients 99 999", {.clients = 99999}, 0},
		{"clients 100 000 (at)", {.clients = 100000}, 0},
		{"clients 100 001", {.clients = 100001}, 1},
		{"clients 9.99 %", {.clients_pct = 9.99}, 0},
		{"clients 10 % (at)", {.clients_pct = 10.0}, 0},
		{"clients 10.01 %", {.clients_pct = 10.01}, 1},
		{"clients 100 %", {.clients_pct = 100.0}, 1},
		{"counterparts 29.99 %", {.counterparts_pct = 29.99}, 0},
		{"counterparts 30 % (at)", {.counterparts_pct = 30.0}, 0},
		{"counterparts 30.01 %", {.counterparts_pct = 30.01}, 1},
		{"transactions 9.99 %", {.tx_count_pct = 9.99}, 0},
		{"transactions 10 % (at)", {.tx_count_pct = 10.0}, 0},
		{"transactions 10.01 %", {.tx_count_pct = 10.01}, 1},
		{"tx value 9.99 %", {.tx_value_pct = 9.99}, 0},
		{"tx value 10 % (at)", {.tx_value_pct = 10.0}, 0},
		{"tx value 10.01 %", {.tx_value_pct = 10.01}, 1},
		{"relevant counterpart", {.relevant_affected = 1}, 1},
		{"all just below",
		 {.clients = 100000, .clients_pct = 10.0,
		  .counterparts_pct = 30.0, .tx_count_pct = 10.0,
		  .tx_value_pct = 10.0},
		 0},
	};

	(void)state;
	run_one(cases, ARRAY_LEN(cases), B(CLIENTS));
}

/* ---- Art. 9(2) and Art. 2: reputational impact ----------------------- */

static void
test_reputational(void **state)
{
	static const struct one_case cases[] = {
		{"none", {0}, 0},
		{"media, 2(1)(a)", {.rep_media = 1}, 1},
		{"complaints, 2(1)(b)", {.rep_complaints = 1}, 1},
		{"regulatory, 2(1)(c)", {.rep_regulatory = 1}, 1},
		{"client loss, 2(1)(d)", {.rep_client_loss = 1}, 1},
		{"all four",
		 {.rep_media = 1, .rep_complaints = 1, .rep_regulatory = 1,
		  .rep_client_loss = 1},
		 1},
	};

	(void)state;
	run_one(cases, ARRAY_LEN(cases), B(REPUTATIONAL));
}

/* ---- Art. 9(3): duration and service downtime ------------------------- */

static void
test_duration(void **state)
{
	static const struct one_case cases[] = {
		{"none", {0}, 0},
		{"duration 23 h 59", {.duration_h = 24.0 - MINUTE}, 0},
		{"duration 24 h (at)", {.duration_h = 24.0}, 0},
		{"duration 24 h 01", {.duration_h = 24.0 + MINUTE}, 1},
		{"duration 24 h + 1 s", {.duration_h = 24.0 + 1.0 / 3600}, 1},
		{"downtime 1 h 59", {.downtime_h = 2.0 - MINUTE}, 0},
		{"downtime 2 h (at)", {.downtime_h = 2.0}, 0},
		{"downtime 2 h 01", {.downtime_h = 2.0 + MINUTE}, 1},
		{"both at", {.duration_h = 24.0, .downtime_h = 2.0}, 0},
		{"long duration, short downtime",
		 {.duration_h = 72.0, .downtime_h = 0.5}, 1},
	};

	(void)state;
	run_one(cases, ARRAY_LEN(cases), B(DURATION));
}

/* ---- Art. 9(4): geographical spread ----------------------------------- */

static void
test_geographical(void **state)
{
	unsigned long de = fl_dora_member_state_bit("DE");
	unsigned long fr = fl_dora_member_state_bit("FR");
	const struct one_case cases[] = {
		{"none", {0}, 0},
		{"one state", {.member_states = 1}, 0},
		{"two states (at)", {.member_states = 2}, 1},
		{"three states", {.member_states = 3}, 1},
		{"set {DE}", {.member_state_set = de}, 0},
		{"set {DE, FR}", {.member_state_set = de | fr}, 1},
		{"count 1, set {DE, FR}",
		 {.member_states = 1, .member_state_set = de | fr}, 1},
		{"count 2, set {DE}",
		 {.member_states = 2, .member_state_set = de}, 1},
	};

	(void)state;
	run_one(cases, ARRAY_LEN(cases), B(GEOGRAPHICAL));
}

static void
test_member_states(void **state)
{
	static const struct {
		const char *code;
		int known;
	} cases[] = {
		{"DE", 1}, {"de", 1}, {"EL", 1}, {"GR", 1}, {"AT", 1},
		{"SE", 1}, {"NO", 1}, {"IS", 1}, {"LI", 1},
		{"GB", 0}, {"CH", 0}, {"US", 0}, {"XX", 0}, {"", 0},
		{"D", 0}, {"DEU", 0}, {NULL, 0},
	};
	unsigned long all = 0;
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		unsigned long b = fl_dora_member_state_bit(cases[k].code);
		if (!!b != cases[k].known)
			fail_msg("%s: expected %s", cases[k].code ? cases[k].code
								 : "NULL",
				 cases[k].known ? "known" : "unknown");
		if (b != 0)
			assert_int_equal(__builtin_popcountl(b), 1);
	}
	assert_true(fl_dora_member_state_bit("GR") ==
		    fl_dora_member_state_bit("EL"));
	/* 30 distinct bits. */
	{
		static const char *const codes[] = {
			"BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES",
			"FR", "HR", "IT", "CY", "LV", "LT", "LU", "HU", "MT",
			"NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE",
			"IS", "LI", "NO"};
		for (k = 0; k < ARRAY_LEN(codes); k++)
			all |= fl_dora_member_state_bit(codes[k]);
		assert_int_equal(__builtin_popcountl(all), FL_DORA_NSTATES);
	}
}

/* ---- Art. 9(5)(a) and Art. 5: data losses ----------------------------- */

static void
test_data_losses(void **state)
{
	static const struct one_case cases[] = {
		{"none", {0}, 0},
		{"availability, adverse",
		 {.data_availability = 1, .data_adverse = 1}, 1},
		{"authenticity, adverse",
		 {.data_authenticity = 1, .data_adverse = 1}, 1},
		{"integrity, adverse",
		 {.data_integrity = 1, .data_adverse = 1}, 1},
		{"confidentiality, adverse",
		 {.data_confidentiality = 1, .data_adverse = 1}, 1},
		/* An impact on data with no adverse effect on the business
		 * objectives or regulatory compliance is not the threshold. */
		{"availability only", {.data_availability = 1}, 0},
		{"authenticity only", {.data_authenticity = 1}, 0},
		{"integrity only", {.data_integrity = 1}, 0},
		{"confidentiality only", {.data_confidentiality = 1}, 0},
		{"all four, not adverse",
		 {.data_availability = 1, .data_authenticity = 1,
		  .data_integrity = 1, .data_confidentiality = 1},
		 0},
		{"adverse with no data affected", {.data_adverse = 1}, 0},
	};

	(void)state;
	run_one(cases, ARRAY_LEN(cases), B(DATA_LOSSES));
}

/* ---- Art. 9(6) and Art. 7: economic impact ----------------------------- */

static void
test_economic(void **state)
{
	static const struct one_case cases[] = {
		{"none", {0}, 0},
		{"99 999.99", {.cost_direct_eur = 99999.99}, 0},
		{"100 000 (at)", {.cost_direct_eur = 100000.0}, 0},
		{"100 000.01", {.cost_direct_eur = 100000.01}, 1},
		{"indirect 100 000.01", {.cost_indirect_eur = 100000.01}, 1},
		{"60 000 + 40 000 (at)",
		 {.cost_direct_eur = 60000.0, .cost_indirect_eur = 40000.0}, 0},
		{"60 000 + 40 000.01",
		 {.cost_direct_eur = 60000.0, .cost_indirect_eur = 40000.01}, 1},
		{"59 999.99 + 40 000",
		 {.cost_direct_eur = 59999.99, .cost_indirect_eur = 40000.0}, 0},
	};

	(void)state;
	run_one(cases, ARRAY_LEN(cases), B(ECONOMIC));
}

/* ---- Art. 6 and 9(5)(b): critical services, malicious access ---------- */

static void
test_critical_and_access(void **state)
{
	static const struct {
		const char *what;
		struct fl_dora_input in;
		unsigned want;
	} cases[] = {
		{"none", {0}, 0},
		{"critical functions, 6(a)", {.crit_functions = 1},
		 B(CRITICAL_SERVICES)},
		{"supervised services, 6(b)", {.crit_supervised = 1},
		 B(CRITICAL_SERVICES)},
		/* A successful malicious access is itself a critical
		 * service affected (Art. 6(c)). */
		{"malicious access, 6(c)", {.malicious_access = 1},
		 B(CRITICAL_SERVICES)},
		{"malicious access that may lose data, 9(5)(b)",
		 {.malicious_access = 1, .access_data_loss = 1},
		 B(CRITICAL_SERVICES) | B(MALICIOUS_ACCESS)},
		/* "may result in data losses" qualifies an access; with no
		 * access recorded it means nothing. */
		{"possible data loss, no access", {.access_data_loss = 1}, 0},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		unsigned f = fired(&cases[k].in);
		if (f != cases[k].want)
			fail_msg("%s: expected 0x%x, fired 0x%x", cases[k].what,
				 cases[k].want, f);
	}
}

/* ---- Art. 8(1): the combinations -------------------------------------- */

/* Records that meet exactly one threshold each. */
#define T_CLIENTS .clients = 100001
#define T_REP .rep_media = 1
#define T_DUR .downtime_h = 2.5
#define T_GEO .member_states = 2
#define T_DATA .data_integrity = 1, .data_adverse = 1
#define T_ECON .cost_direct_eur = 150000.0

static void
test_major(void **state)
{
	static const struct {
		const char *what;
		struct fl_dora_input in;
		int major;
		unsigned fired;
		const char *reason_has;
	} cases[] = {
		{"nothing", {0}, 0, 0, "no critical service"},
		{"critical services alone", {.crit_functions = 1}, 0,
		 B(CRITICAL_SERVICES), "no materiality threshold"},
		{"critical + one (clients)", {.crit_functions = 1, T_CLIENTS},
		 0, B(CRITICAL_SERVICES) | B(CLIENTS), "only one"},
		{"critical + one (data losses)", {.crit_functions = 1, T_DATA},
		 0, B(CRITICAL_SERVICES) | B(DATA_LOSSES), "only one"},
		{"critical + one (economic)", {.crit_supervised = 1, T_ECON},
		 0, B(CRITICAL_SERVICES) | B(ECONOMIC), "only one"},
		{"critical + two (clients, duration)",
		 {.crit_functions = 1, T_CLIENTS, T_DUR}, 1,
		 B(CRITICAL_SERVICES) | B(CLIENTS) | B(DURATION),
		 "two materiality"},
		{"critical + two (reputational, geographical)",
		 {.crit_supervised = 1, T_REP, T_GEO}, 1,
		 B(CRITICAL_SERVICES) | B(REPUTATIONAL) | B(GEOGRAPHICAL),
		 "two materiality"},
		{"critical + two (data losses, economic)",
		 {.crit_functions = 1, T_DATA, T_ECON}, 1,
		 B(CRITICAL_SERVICES) | B(DATA_LOSSES) | B(ECONOMIC),
		 "two materiality"},
		{"critical + three",
		 {.crit_functions = 1, T_CLIENTS, T_REP, T_ECON}, 1,
		 B(CRITICAL_SERVICES) | B(CLIENTS) | B(REPUTATIONAL) |
			 B(ECONOMIC),
		 "three"},
		{"critical + all six",
		 {.crit_functions = 1, T_CLIENTS, T_REP, T_DUR, T_GEO, T_DATA,
		  T_ECON},
		 1, 0xffu & ~B(MALICIOUS_ACCESS), "six"},
		{"all six, no critical service",
		 {T_CLIENTS, T_REP, T_DUR, T_GEO, T_DATA, T_ECON}, 0,
		 0xffu & ~B(MALICIOUS_ACCESS) & ~B(CRITICAL_SERVICES),
		 "no critical service"},
		{"two thresholds, no critical service", {T_CLIENTS, T_ECON}, 0,
		 B(CLIENTS) | B(ECONOMIC), "no critical service"},
		/* Art. 8(1)(a): critical services and Art. 9(5)(b). */
		{"critical + malicious access that may lose data",
		 {.crit_functions = 1, .malicious_access = 1,
		  .access_data_loss = 1},
		 1, B(CRITICAL_SERVICES) | B(MALICIOUS_ACCESS), "8(1)(a)"},
		/* The access is a critical service affected by itself
		 * (Art. 6(c)), so an access that may lose data is major
		 * with nothing else recorded. */
		{"malicious access that may lose data, alone",
		 {.malicious_access = 1, .access_data_loss = 1}, 1,
		 B(CRITICAL_SERVICES) | B(MALICIOUS_ACCESS), "8(1)(a)"},
		/* An access that cannot lose data is only the critical-
		 * services precondition: not major alone ... */
		{"malicious access, no possible data loss",
		 {.malicious_access = 1}, 0, B(CRITICAL_SERVICES),
		 "no materiality threshold"},
		{"malicious access + one threshold",
		 {.malicious_access = 1, T_ECON}, 0,
		 B(CRITICAL_SERVICES) | B(ECONOMIC), "only one"},
		/* ... and major with two thresholds, through Art. 6(c). */
		{"malicious access + two thresholds",
		 {.malicious_access = 1, T_ECON, T_GEO}, 1,
		 B(CRITICAL_SERVICES) | B(ECONOMIC) | B(GEOGRAPHICAL),
		 "two materiality"},
		/* The access counts once, in Art. 8(1)(a), not as one of
		 * the two of Art. 8(1)(b) as well. */
		{"possible data loss flag without access, critical + one",
		 {.crit_functions = 1, .access_data_loss = 1, T_ECON}, 0,
		 B(CRITICAL_SERVICES) | B(ECONOMIC), "only one"},
		{"access whose data loss is already adverse",
		 {.malicious_access = 1, .access_data_loss = 1,
		  .data_confidentiality = 1, .data_adverse = 1},
		 1,
		 B(CRITICAL_SERVICES) | B(MALICIOUS_ACCESS) | B(DATA_LOSSES),
		 "8(1)(a)"},
		/* Just below every threshold, critical services affected. */
		{"critical, everything at its threshold",
		 {.crit_functions = 1, .clients = 100000, .clients_pct = 10.0,
		  .counterparts_pct = 30.0, .tx_count_pct = 10.0,
		  .tx_value_pct = 10.0, .duration_h = 24.0, .downtime_h = 2.0,
		  .member_states = 1, .data_integrity = 1,
		  .cost_direct_eur = 100000.0},
		 0, B(CRITICAL_SERVICES), "no materiality threshold"},
		{"critical, two just over",
		 {.crit_functions = 1, .clients = 100000, .clients_pct = 10.0,
		  .duration_h = 24.0 + MINUTE, .downtime_h = 2.0,
		  .member_states = 1, .cost_direct_eur = 100000.01},
		 1, B(CRITICAL_SERVICES) | B(DURATION) | B(ECONOMIC),
		 "two materiality"},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_dora_result r;
		struct fl_diag d;

		fl_diag_clear(&d);
		if (fl_dora_classify(&cases[k].in, &r, &d) != FL_OK)
			fail_msg("%s: refused: %s", cases[k].what, d.msg);
		if (r.major != cases[k].major || r.fired != cases[k].fired)
			fail_msg("%s: expected major=%d fired=0x%x, got "
				 "major=%d fired=0x%x (%s)",
				 cases[k].what, cases[k].major, cases[k].fired,
				 r.major, r.fired, r.reason);
		if (strstr(r.reason, cases[k].reason_has) == NULL)
			fail_msg("%s: reason '%s' lacks '%s'", cases[k].what,
				 r.reason, cases[k].reason_has);
		if (strncmp(r.reason, r.major ? "major" : "not major",
			    r.major ? 5 : 9) != 0)
			fail_msg("%s: reason '%s' contradicts major=%d",
				 cases[k].what, r.reason, r.major);
		assert_null(strchr(r.reason, '\n'));
	}
}

/* ---- refusals ---------------------------------------------------------- */

static void
test_invalid(void **state)
{
	static const struct {
		const char *what;
		struct fl_dora_input in;
		const char *field;
	} cases[] = {
		{"negative clients", {.clients = -1}, "clients"},
		{"clients over the bound",
		 {.clients = FL_DORA_MAX_CLIENTS + 1}, "clients"},
		{"clients share over 100", {.clients_pct = 100.01},
		 "clients_pct"},
		{"negative share", {.counterparts_pct = -0.5},
		 "counterparts_pct"},
		{"transactions over 100", {.tx_count_pct = 101},
		 "tx_count_pct"},
		{"value NaN", {.tx_value_pct = NAN}, "tx_value_pct"},
		{"duration NaN", {.duration_h = NAN}, "duration_h"},
		{"duration infinite", {.duration_h = INFINITY}, "duration_h"},
		{"negative downtime", {.downtime_h = -1}, "downtime_h"},
		{"negative cost", {.cost_direct_eur = -0.01},
		 "cost_direct_eur"},
		{"cost over the bound", {.cost_indirect_eur = 2e15},
		 "cost_indirect_eur"},
		{"negative states", {.member_states = -1}, "member_states"},
		{"31 states", {.member_states = 31}, "member_states"},
		{"unknown state bit", {.member_state_set = 1UL << 30},
		 "member_state_set"},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_dora_input in = cases[k].in;
		struct fl_dora_result r;
		struct fl_diag d;

		/* Even with everything else pointing at major. */
		in.crit_functions = 1;
		in.malicious_access = in.access_data_loss = 1;
		fl_diag_clear(&d);
		if (fl_dora_classify(&in, &r, &d) != FL_E_INVAL)
			fail_msg("%s: accepted", cases[k].what);
		assert_int_equal(r.major, 0);
		assert_int_equal(r.fired, 0);
		assert_non_null(r.reason);
		if (strstr(d.msg, cases[k].field) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", cases[k].what,
				 d.msg, cases[k].field);
	}
	/* The edges of the ranges are accepted. */
	{
		struct fl_dora_input in = {.clients = FL_DORA_MAX_CLIENTS,
					   .clients_pct = 100.0,
					   .duration_h = FL_DORA_MAX_HOURS,
					   .member_states = FL_DORA_NSTATES,
					   .cost_direct_eur = FL_DORA_MAX_EUR};
		struct fl_dora_result r;

		assert_int_equal(fl_dora_classify(&in, &r, NULL), FL_OK);
	}
	{
		struct fl_dora_result r;
		assert_int_equal(fl_dora_classify(NULL, &r, NULL),
				 FL_E_INVAL);
		assert_int_equal(r.major, 0);
	}
}

/* ---- names and lists -------------------------------------------------- */

static void
test_names(void **state)
{
	static const struct {
		enum fl_dora_criterion c;
		const char *name, *article;
	} cases[] = {
		{FL_DORA_CRITICAL_SERVICES, "critical_services", "Art. 6"},
		{FL_DORA_CLIENTS, "clients", "Art. 9(1)"},
		{FL_DORA_REPUTATIONAL, "reputational", "Art. 9(2)"},
		{FL_DORA_DURATION, "duration", "Art. 9(3)"},
		{FL_DORA_GEOGRAPHICAL, "geographical", "Art. 9(4)"},
		{FL_DORA_DATA_LOSSES, "data_losses", "Art. 9(5)(a)"},
		{FL_DORA_MALICIOUS_ACCESS, "malicious_access", "Art. 9(5)(b)"},
		{FL_DORA_ECONOMIC, "economic", "Art. 9(6)"},
	};
	size_t k;

	(void)state;
	assert_int_equal(ARRAY_LEN(cases), FL_DORA_NCRITERIA);
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		assert_string_equal(fl_dora_criterion_name(cases[k].c),
				    cases[k].name);
		assert_string_equal(fl_dora_criterion_article(cases[k].c),
				    cases[k].article);
	}
	assert_null(fl_dora_criterion_name(FL_DORA_NCRITERIA));
	assert_null(fl_dora_criterion_name((enum fl_dora_criterion)-1));
	assert_null(fl_dora_criterion_article(FL_DORA_NCRITERIA));
}

static void
test_fired_list(void **state)
{
	static const struct {
		unsigned fired;
		size_t outsz;
		const char *want; /* what is written */
		size_t len;       /* what is returned */
	} cases[] = {
		{0, 64, "", 0},
		{B(CLIENTS), 64, "clients", 7},
		{B(ECONOMIC) | B(CLIENTS), 64, "clients, economic", 17},
		{B(CRITICAL_SERVICES) | B(DURATION) | B(GEOGRAPHICAL), 64,
		 "critical_services, duration, geographical", 41},
		/* bits beyond the criteria are ignored */
		{B(CLIENTS) | (1u << 20), 64, "clients", 7},
		/* cut, still terminated, full length returned */
		{B(CLIENTS) | B(ECONOMIC), 8, "clients", 17},
		{B(CLIENTS) | B(ECONOMIC), 10, "clients, ", 17},
		{B(CLIENTS) | B(ECONOMIC), 12, "clients, ec", 17},
		{B(CLIENTS), 1, "", 7},
	};
	char buf[FL_DORA_LIST_MAX];
	size_t k, n;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		memset(buf, 'x', sizeof buf);
		n = fl_dora_fired_list(cases[k].fired, buf, cases[k].outsz);
		assert_int_equal(n, cases[k].len);
		assert_string_equal(buf, cases[k].want);
	}
	/* Every criterion fits in FL_DORA_LIST_MAX. */
	n = fl_dora_fired_list(0xffu, buf, sizeof buf);
	assert_true(n < sizeof buf);
	assert_string_equal(buf, "critical_services, clients, reputational, "
				 "duration, geographical, data_losses, "
				 "malicious_access, economic");
	/* Counting only. */
	assert_int_equal(fl_dora_fired_list(0xffu, NULL, 0), n);
}

/* ---- Art. 8(2): recurring incidents ----------------------------------- */

/*
 * Each of these is not major alone (critical services, 1.5 h downtime,
 * EUR 60 000: no threshold) but two of them together are (3 h downtime
 * and EUR 120 000: two thresholds).
 */
#define SMALL                                                              \
	{                                                                  \
		.crit_functions = 1, .downtime_h = 1.5,                     \
		.cost_direct_eur = 60000.0                                  \
	}
/* Major alone. */
#define BIG                                                                \
	{                                                                  \
		.crit_functions = 1, .downtime_h = 3.0,                     \
		.cost_direct_eur = 200000.0                                 \
	}
/* Not major alone and not major with one SMALL either. */
#define TINY                                                               \
	{                                                                  \
		.crit_functions = 1, .downtime_h = 0.1                      \
	}

static void
test_recurring_window(void **state)
{
	static const struct {
		const char *today, *prior;
		int taken;
	} cases[] = {
		/* 6 months back from 15 July is 15 January, included. */
		{"2025-07-15", "2025-01-15", 1},
		{"2025-07-15", "2025-01-14", 0},
		{"2025-07-15", "2025-01-16", 1},
		{"2025-07-15", "2025-07-15", 1}, /* same day */
		{"2025-07-15", "2025-07-14", 1},
		{"2025-07-15", "2025-07-16", 0}, /* after today */
		{"2025-07-15", "2024-07-15", 0},
		/* across the year */
		{"2025-03-10", "2024-09-10", 1},
		{"2025-03-10", "2024-09-09", 0},
		{"2025-03-10", "2024-09-11", 1},
		/* 31 August reaches back to the last day of February */
		{"2025-08-31", "2025-02-28", 1},
		{"2025-08-31", "2025-02-27", 0},
		{"2024-08-31", "2024-02-29", 1},
		{"2024-08-31", "2024-02-28", 0},
		/* 31 December to 30 June: June has no 31st */
		{"2025-12-31", "2025-06-30", 1},
		{"2025-12-31", "2025-06-29", 0},
		/* timestamps: their date counts, not the hour */
		{"2025-07-15T08:00:00Z", "2025-01-15T23:59:00Z", 1},
		{"2025-07-15T23:00:00Z", "2025-01-14T23:59:59Z", 0},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct fl_dora_incident today = {cases[k].today, "cause-a",
						 SMALL};
		struct fl_dora_incident prior[1] = {
			{cases[k].prior, "cause-a", SMALL}};
		unsigned char take[1] = {9};
		struct fl_dora_result r;
		struct fl_diag d;
		size_t n = 99;

		fl_diag_clear(&d);
		if (fl_dora_recurring(&today, prior, 1, take, &n, NULL, &r,
				      &d) != FL_OK)
			fail_msg("%s / %s: refused: %s", cases[k].today,
				 cases[k].prior, d.msg);
		if (take[0] != cases[k].taken || (int)n != cases[k].taken ||
		    r.major != cases[k].taken)
			fail_msg("%s / %s: expected %s, got take=%d n=%zu "
				 "major=%d (%s)",
				 cases[k].today, cases[k].prior,
				 cases[k].taken ? "aggregated" : "alone",
				 take[0], n, r.major, r.reason);
	}
}

static void
test_recurring_group(void **state)
{
	unsigned long de = fl_dora_member_state_bit("DE");
	unsigned long fr = fl_dora_member_state_bit("FR");
	const struct {
		const char *what;
		struct fl_dora_incident today;
		struct fl_dora_incident prior[4];
		size_t nprior;
		unsigned char take[4];
		int major;
		const char *reason_has;
	} cases[] = {
		{"no prior incidents",
		 {"2025-07-15", "cause-a", SMALL}, {{0}}, 0, {0}, 0,
		 "no other"},
		{"same cause, together major",
		 {"2025-07-15", "cause-a", SMALL},
		 {{"2025-05-01", "cause-a", SMALL}}, 1, {1}, 1,
		 "together meet"},
		{"root cause compared without case",
		 {"2025-07-15", "Cause-A", SMALL},
		 {{"2025-05-01", "cause-a", SMALL}}, 1, {1}, 1,
		 "together meet"},
		{"other cause",
		 {"2025-07-15", "cause-a", SMALL},
		 {{"2025-05-01", "cause-b", SMALL}}, 1, {0}, 0, "no other"},
		{"prior without a cause",
		 {"2025-07-15", "cause-a", SMALL},
		 {{"2025-05-01", NULL, SMALL}, {"2025-05-02", "", SMALL}}, 2,
		 {0, 0}, 0, "no other"},
		{"today without a cause",
		 {"2025-07-15", "", SMALL},
		 {{"2025-05-01", "", SMALL}}, 1, {0}, 0, "no apparent root"},
		{"today major on its own",
		 {"2025-07-15", "cause-a", BIG},
		 {{"2025-05-01", "cause-a", SMALL}}, 1, {0}, 0,
		 "major on its own"},
		{"a major prior is not aggregated",
		 {"2025-07-15", "cause-a", SMALL},
		 {{"2025-05-01", "cause-a", BIG}}, 1, {0}, 0, "no other"},
		{"group found, not major together",
		 {"2025-07-15", "cause-a", TINY},
		 {{"2025-05-01", "cause-a", TINY}}, 1, {1}, 0,
		 "do not together"},
		{"three small ones make it",
		 {"2025-07-15", "cause-a", TINY},
		 {{"2025-05-01", "cause-a", TINY},
		  {"2025-06-01", "cause-a",
		   {.crit_functions = 1, .downtime_h = 1.95,
		    .cost_direct_eur = 50000}},
		  {"2025-06-02", "cause-a",
		   {.crit_functions = 1, .cost_direct_eur = 50000.01}}},
		 3, {1, 1, 1}, 1, "together meet"},
		{"mixed: window, cause, major, order",
		 {"2025-07-15", "cause-a", SMALL},
		 {{"2025-01-14", "cause-a", SMALL},
		  {"2025-01-15", "cause-a", SMALL},
		  {"2025-03-01", "cause-b", SMALL},
		  {"2025-04-01", "cause-a", BIG}},
		 4, {0, 1, 0, 0}, 1, "together meet"},
		/* Member States are united: DE then FR is two. */
		{"states united across incidents",
		 {"2025-07-15", "cause-a",
		  {.crit_functions = 1, .member_state_set = de,
		   .cost_direct_eur = 60000}},
		 {{"2025-06-01", "cause-a",
		   {.crit_functions = 1, .member_state_set = fr,
		    .cost_direct_eur = 60000}}},
		 1, {1}, 1, "together meet"},
		/* ... and DE then DE stays one. */
		{"same state twice is one",
		 {"2025-07-15", "cause-a",
		  {.crit_functions = 1, .member_state_set = de,
		   .cost_direct_eur = 60000}},
		 {{"2025-06-01", "cause-a",
		   {.crit_functions = 1, .member_state_set = de,
		    .cost_direct_eur = 30000}}},
		 1, {1}, 0, "do not together"},
		/* A later malicious access that may lose data would be major
		 * on its own; the same access flag recurring, but neither
		 * time with possible data loss, stays not major. */
		{"access without data loss twice",
		 {"2025-07-15", "cause-a", {.malicious_access = 1}},
		 {{"2025-06-01", "cause-a", {.malicious_access = 1}}}, 1,
		 {1}, 0, "do not together"},
	};
	size_t k, i;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		unsigned char take[4];
		struct fl_dora_result r;
		struct fl_diag d;
		size_t n = 99, want_n = 0;

		memset(take, 9, sizeof take);
		fl_diag_clear(&d);
		if (fl_dora_recurring(&cases[k].today,
				      cases[k].nprior ? cases[k].prior : NULL,
				      cases[k].nprior,
				      cases[k].nprior ? take : NULL, &n, NULL,
				      &r, &d) != FL_OK)
			fail_msg("%s: refused: %s", cases[k].what, d.msg);
		for (i = 0; i < cases[k].nprior; i++) {
			if (take[i] != cases[k].take[i])
				fail_msg("%s: prior %zu: expected take=%d, "
					 "got %d",
					 cases[k].what, i, cases[k].take[i],
					 take[i]);
			want_n += cases[k].take[i];
		}
		if (n != want_n || r.major != cases[k].major)
			fail_msg("%s: expected n=%zu major=%d, got n=%zu "
				 "major=%d (%s)",
				 cases[k].what, want_n, cases[k].major, n,
				 r.major, r.reason);
		if (strstr(r.reason, cases[k].reason_has) == NULL)
			fail_msg("%s: reason '%s' lacks '%s'", cases[k].what,
				 r.reason, cases[k].reason_has);
	}
}

static void
test_recurring_sum(void **state)
{
	unsigned long de = fl_dora_member_state_bit("DE");
	unsigned long fr = fl_dora_member_state_bit("FR");
	unsigned long it = fl_dora_member_state_bit("IT");
	/* Each meets one threshold at most (clients), none is major; the
	 * three together meet clients and geographical (DE, FR, IT). */
	const struct fl_dora_incident today = {
		"2025-07-15", "cause-a",
		{.crit_functions = 1, .clients = 70000, .clients_pct = 60,
		 .downtime_h = 1.5, .member_state_set = de,
		 .cost_direct_eur = 1000}};
	const struct fl_dora_incident prior[2] = {
		{"2025-06-01", "cause-a",
		 {.crit_supervised = 1, .clients = 40000, .clients_pct = 55,
		  .downtime_h = 0.25, .member_state_set = fr,
		  .cost_indirect_eur = 2000, .rep_media = 0}},
		{"2025-06-02", "cause-a",
		 {.duration_h = 3, .member_states = 1, .member_state_set = it,
		  .data_integrity = 1}}};
	struct fl_dora_input sum;
	struct fl_dora_result r;
	unsigned char take[2];
	size_t n;

	(void)state;
	assert_int_equal(fl_dora_recurring(&today, prior, 2, take, &n, &sum,
					   &r, NULL),
			 FL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(take[0], 1);
	assert_int_equal(take[1], 1);
	assert_int_equal(r.major, 1);
	assert_int_equal(r.fired, B(CRITICAL_SERVICES) | B(CLIENTS) |
					  B(GEOGRAPHICAL));
	assert_int_equal(sum.clients, 110000);
	assert_true(sum.clients_pct == 100.0); /* 115 %, capped */
	assert_true(fabs(sum.downtime_h - 1.75) < 1e-9);
	assert_true(sum.duration_h == 3.0);
	assert_int_equal(sum.member_state_set, de | fr | it);
	assert_int_equal(sum.member_states, 3);
	assert_true(sum.cost_direct_eur == 1000 && sum.cost_indirect_eur == 2000);
	assert_true(sum.crit_functions && sum.crit_supervised &&
		    sum.data_integrity);
	assert_false(sum.data_adverse || sum.rep_media);
	assert_int_equal(fl_dora_check(&sum, NULL), FL_OK);

	/* A count alone is a lower bound: the largest, not the sum. */
	{
		struct fl_dora_input a = {.member_states = 2};
		struct fl_dora_input b = {.member_states = 3,
					  .member_state_set = de};
		fl_dora_add(&a, &b);
		assert_int_equal(a.member_states, 3);
		assert_int_equal(a.member_state_set, de);
	}
	/* Sums stop at their bounds and stay valid records. */
	{
		struct fl_dora_input a = {.clients = FL_DORA_MAX_CLIENTS,
					  .cost_direct_eur = FL_DORA_MAX_EUR,
					  .duration_h = FL_DORA_MAX_HOURS};
		struct fl_dora_input b = a;
		fl_dora_add(&a, &b);
		assert_true(a.clients == FL_DORA_MAX_CLIENTS);
		assert_true(a.cost_direct_eur == FL_DORA_MAX_EUR);
		assert_true(a.duration_h == FL_DORA_MAX_HOURS);
		assert_int_equal(fl_dora_check(&a, NULL), FL_OK);
	}
}

static void
test_recurring_refused(void **state)
{
	static const struct {
		const char *what;
		struct fl_dora_incident today, prior;
		const char *msg_has;
	} cases[] = {
		{"today's date missing", {NULL, "c", SMALL},
		 {"2025-01-01", "c", SMALL}, "incident being assessed"},
		{"today's date malformed", {"2025-13-01", "c", SMALL},
		 {"2025-01-01", "c", SMALL}, "bad date"},
		{"prior's date malformed", {"2025-07-15", "c", SMALL},
		 {"15.01.2025", "c", SMALL}, "prior incident 0"},
		{"prior's date impossible", {"2025-07-15", "c", SMALL},
		 {"2025-02-29", "c", SMALL}, "bad date"},
		{"today's record bad", {"2025-07-15", "c", {.clients = -5}},
		 {"2025-01-01", "c", SMALL}, "clients"},
		{"prior's record bad", {"2025-07-15", "c", SMALL},
		 {"2025-05-01", "other", {.downtime_h = NAN}},
		 "prior incident 0: downtime_h"},
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		unsigned char take[1] = {7};
		struct fl_dora_result r;
		struct fl_diag d;
		size_t n = 99;

		fl_diag_clear(&d);
		if (fl_dora_recurring(&cases[k].today, &cases[k].prior, 1,
				      take, &n, NULL, &r,
				      &d) != FL_E_INVAL)
			fail_msg("%s: accepted", cases[k].what);
		assert_int_equal(n, 0);
		assert_int_equal(take[0], 0);
		assert_int_equal(r.major, 0);
		if (strstr(d.msg, cases[k].msg_has) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", cases[k].what,
				 d.msg, cases[k].msg_has);
	}
	{
		struct fl_dora_result r;
		size_t n;
		struct fl_dora_incident t = {"2025-07-15", "c", SMALL};
		assert_int_equal(fl_dora_recurring(NULL, NULL, 0, NULL, &n,
						   NULL, &r, NULL),
				 FL_E_INVAL);
		assert_int_equal(fl_dora_recurring(&t, NULL, 1, NULL, &n, NULL,
						   &r, NULL),
				 FL_E_INVAL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clients),
		cmocka_unit_test(test_reputational),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_geographical),
		cmocka_unit_test(test_member_states),
		cmocka_unit_test(test_data_losses),
		cmocka_unit_test(test_economic),
		cmocka_unit_test(test_critical_and_access),
		cmocka_unit_test(test_major),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fired_list),
		cmocka_unit_test(test_recurring_window),
		cmocka_unit_test(test_recurring_group),
		cmocka_unit_test(test_recurring_sum),
		cmocka_unit_test(test_recurring_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
