/*
 * core/dora: the DORA major-incident test of Commission Delegated
 * Regulation (EU) 2024/1772 ("the RTS"), with no I/O.
 *
 * Every threshold below is the RTS's own wording turned into a comparison,
 * with the article next to it.  "Higher than", "longer than" and "exceed"
 * are strict: a value exactly at a threshold does not meet it; "two or
 * more" Member States does.  The RTS numbers are not configurable on
 * purpose: an entity may report more than the RTS asks, never less, and a
 * policy file that lowered a threshold would hide a major incident.
 *
 * What the RTS leaves to judgement (was the data loss adverse to the
 * business objectives, is a counterpart "relevant") is a flag the caller
 * records; this module does not infer it from other fields.
 */
#include "dora.h"

#include <math.h>

static const struct {
	const char *name, *article;
} criteria[FL_DORA_NCRITERIA] = {
	[FL_DORA_CRITICAL_SERVICES] = {"critical_services", "Art. 6"},
	[FL_DORA_CLIENTS] = {"clients", "Art. 9(1)"},
	[FL_DORA_REPUTATIONAL] = {"reputational", "Art. 9(2)"},
	[FL_DORA_DURATION] = {"duration", "Art. 9(3)"},
	[FL_DORA_GEOGRAPHICAL] = {"geographical", "Art. 9(4)"},
	[FL_DORA_DATA_LOSSES] = {"data_losses", "Art. 9(5)(a)"},
	[FL_DORA_MALICIOUS_ACCESS] = {"malicious_access", "Art. 9(5)(b)"},
	[FL_DORA_ECONOMIC] = {"economic", "Art. 9(6)"},
};

/*
 * The thresholds that Art. 8(1)(b) counts: "two or more of the OTHER
 * materiality thresholds referred to in Articles 9(1) to (6)", other than
 * the Art. 9(5)(b) one that is enough on its own.  Critical services are
 * the precondition, not a threshold.
 */
#define COUNTED                                                            \
	(FL_DORA_BIT(FL_DORA_CLIENTS) | FL_DORA_BIT(FL_DORA_REPUTATIONAL) |   \
	 FL_DORA_BIT(FL_DORA_DURATION) | FL_DORA_BIT(FL_DORA_GEOGRAPHICAL) |  \
	 FL_DORA_BIT(FL_DORA_DATA_LOSSES) | FL_DORA_BIT(FL_DORA_ECONOMIC))

/* The reasons, one line each; the fired list says which criteria. */
static const char r_invalid[] =
	"not classified: the recorded criteria were refused";
static const char r_no_critical[] =
	"not major: no critical service affected (RTS Art. 6), which Art. 8(1) "
	"requires whatever else is met";
static const char r_access[] =
	"major: critical services affected and a successful, malicious, "
	"unauthorised access that may result in data losses (RTS Art. 8(1)(a), "
	"Art. 9(5)(b))";
static const char *const r_count[] = {
	"not major: critical services affected but no materiality threshold "
	"met (RTS Art. 8(1))",
	"not major: critical services affected but only one materiality "
	"threshold met, two are needed (RTS Art. 8(1)(b))",
	"major: critical services affected and two materiality thresholds met "
	"(RTS Art. 8(1)(b))",
	"major: critical services affected and three materiality thresholds "
	"met (RTS Art. 8(1)(b))",
	"major: critical services affected and four materiality thresholds met "
	"(RTS Art. 8(1)(b))",
	"major: critical services affected and five materiality thresholds met "
	"(RTS Art. 8(1)(b))",
	"major: critical services affected and six materiality thresholds met "
	"(RTS Art. 8(1)(b))",
};
static const char r_recur_self[] =
	"no aggregation: the incident is major on its own (RTS Art. 8(1))";
static const char r_recur_nocause[] =
	"no aggregation: no apparent root cause recorded to compare "
	"(RTS Art. 8(2)(b))";
static const char r_recur_none[] =
	"no aggregation: no other non-major incident with the same apparent "
	"root cause within 6 months (RTS Art. 8(2)(a), (b))";
static const char r_recur_minor[] =
	"no aggregation: the recurring incidents with the same apparent root "
	"cause within 6 months do not together meet RTS Art. 8(1)";
static const char r_recur_major[] =
	"major: recurring incidents with the same apparent root cause within 6 "
	"months together meet RTS Art. 8(1), one major incident (Art. 8(2))";

/*
 * Member States by bit: the EU-27 in the EU's protocol order, then the
 * EEA states, to whom DORA applies once incorporated into the EEA
 * Agreement.  Greece is EL in EU usage and GR in ISO 3166.
 */
static const char states[FL_DORA_NSTATES][3] = {
	"BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR",
	"HR", "IT", "CY", "LV", "LT", "LU", "HU", "MT", "NL", "AT",
	"PL", "PT", "RO", "SI", "SK", "FI", "SE", "IS", "LI", "NO",
};
#define ALL_STATES ((1UL << FL_DORA_NSTATES) - 1)

unsigned long
fl_dora_member_state_bit(const char *code)
{
	size_t i;

	if (code == NULL || strlen(code) != 2)
		return 0;
	if (fl_streq_ci(code, "GR"))
		code = "EL";
	for (i = 0; i < FL_DORA_NSTATES; i++)
		if (fl_streq_ci(code, states[i]))
			return 1UL << i;
	return 0;
}

const char *
fl_dora_criterion_name(enum fl_dora_criterion c)
{
	if ((int)c < 0 || c >= FL_DORA_NCRITERIA)
		return NULL;
	return criteria[c].name;
}

const char *
fl_dora_criterion_article(enum fl_dora_criterion c)
{
	if ((int)c < 0 || c >= FL_DORA_NCRITERIA)
		return NULL;
	return criteria[c].article;
}

size_t
fl_dora_fired_list(unsigned fired, char *out, size_t outsz)
{
	size_t len = 0, i;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	for (i = 0; i < FL_DORA_NCRITERIA; i++) {
		const char *parts[2] = {", ", criteria[i].name};
		size_t p;

		if (!(fired & FL_DORA_BIT(i)))
			continue;
		for (p = len == 0 ? 1 : 0; p < 2; p++) {
			size_t n = strlen(parts[p]);
			/* Copy what fits, keep counting what does not. */
			if (out != NULL && len + 1 < outsz) {
				size_t room = outsz - 1 - len;
				size_t k = n < room ? n : room;
				memcpy(out + len, parts[p], k);
				out[len + k] = '\0';
			}
			len += n;
		}
	}
	return len;
}

/* ---- checking a record ------------------------------------------------ */

static fl_err
check_num(double v, double max, const char *field, struct fl_diag *d)
{
	/* !(v >= 0) also catches NaN. */
	if (!(v >= 0.0) || !(v <= max))
		return fl_diag_msg(d, FL_E_INVAL, "%s %g is outside 0..%g", field,
				   v, max);
	return FL_OK;
}

fl_err
fl_dora_check(const struct fl_dora_input *in, struct fl_diag *d)
{
	static const struct {
		size_t off;
		double max;
		const char *field;
	} nums[] = {
		{offsetof(struct fl_dora_input, clients_pct), 100.0, "clients_pct"},
		{offsetof(struct fl_dora_input, counterparts_pct), 100.0,
		 "counterparts_pct"},
		{offsetof(struct fl_dora_input, tx_count_pct), 100.0,
		 "tx_count_pct"},
		{offsetof(struct fl_dora_input, tx_value_pct), 100.0,
		 "tx_value_pct"},
		{offsetof(struct fl_dora_input, duration_h), FL_DORA_MAX_HOURS,
		 "duration_h"},
		{offsetof(struct fl_dora_input, downtime_h), FL_DORA_MAX_HOURS,
		 "downtime_h"},
		{offsetof(struct fl_dora_input, cost_direct_eur), FL_DORA_MAX_EUR,
		 "cost_direct_eur"},
		{offsetof(struct fl_dora_input, cost_indirect_eur),
		 FL_DORA_MAX_EUR, "cost_indirect_eur"},
	};
	size_t i;
	fl_err rc;

	if (in == NULL)
		return fl_diag_msg(d, FL_E_INVAL, "no criteria recorded");
	if (in->clients < 0 || in->clients > FL_DORA_MAX_CLIENTS)
		return fl_diag_msg(d, FL_E_INVAL, "clients %lld is outside 0..%lld",
				   in->clients, FL_DORA_MAX_CLIENTS);
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		double v;
		memcpy(&v, (const char *)in + nums[i].off, sizeof v);
		if ((rc = check_num(v, nums[i].max, nums[i].field, d)) != FL_OK)
			return rc;
	}
	if (in->member_states < 0 || in->member_states > FL_DORA_NSTATES)
		return fl_diag_msg(d, FL_E_INVAL,
				   "member_states %d is outside 0..%d",
				   in->member_states, FL_DORA_NSTATES);
	if (in->member_state_set & ~ALL_STATES)
		return fl_diag_msg(d, FL_E_INVAL,
				   "member_state_set 0x%lx names no Member State",
				   in->member_state_set & ~ALL_STATES);
	return FL_OK;
}

/* ---- the test --------------------------------------------------------- */

static int
states_in(const struct fl_dora_input *in)
{
	int n = __builtin_popcountl(in->member_state_set);

	return n > in->member_states ? n : in->member_states;
}

/* Which criteria a checked record meets (RTS Art. 6 and 9). */
static unsigned
fired_of(const struct fl_dora_input *in)
{
	unsigned f = 0;

	/* Art. 6(a) to (c): any of them makes the services critical.  A
	 * successful malicious access is one by itself (Art. 6(c), recital
	 * 5: intrusions are to be captured even before their impact is
	 * known). */
	if (in->crit_functions || in->crit_supervised || in->malicious_access)
		f |= FL_DORA_BIT(FL_DORA_CRITICAL_SERVICES);

	/* Art. 9(1)(a) to (f): "higher than". */
	if (in->clients_pct > FL_DORA_CLIENTS_PCT ||
	    in->clients > FL_DORA_CLIENTS_NUM ||
	    in->counterparts_pct > FL_DORA_COUNTERPARTS_PCT ||
	    in->tx_count_pct > FL_DORA_TX_PCT ||
	    in->tx_value_pct > FL_DORA_TX_PCT || in->relevant_affected)
		f |= FL_DORA_BIT(FL_DORA_CLIENTS);

	/* Art. 9(2): any condition of Art. 2(1)(a) to (d). */
	if (in->rep_media || in->rep_complaints || in->rep_regulatory ||
	    in->rep_client_loss)
		f |= FL_DORA_BIT(FL_DORA_REPUTATIONAL);

	/* Art. 9(3)(a), (b): "longer than". */
	if (in->duration_h > FL_DORA_DURATION_H ||
	    in->downtime_h > FL_DORA_DOWNTIME_H)
		f |= FL_DORA_BIT(FL_DORA_DURATION);

	/* Art. 9(4): "an impact in two or more Member States". */
	if (states_in(in) >= FL_DORA_MEMBER_STATES)
		f |= FL_DORA_BIT(FL_DORA_GEOGRAPHICAL);

	/* Art. 9(5)(a): an impact on data (Art. 5) that has or will have an
	 * adverse impact on the business objectives or on meeting
	 * regulatory requirements; an impact alone is not enough. */
	if ((in->data_availability || in->data_authenticity ||
	     in->data_integrity || in->data_confidentiality) &&
	    in->data_adverse)
		f |= FL_DORA_BIT(FL_DORA_DATA_LOSSES);

	/* Art. 9(5)(b): a successful, malicious and unauthorised access
	 * that may result in data losses.  Its "not covered by point (a)"
	 * keeps the data-losses criterion from being described twice; an
	 * access whose loss has already turned adverse may a fortiori result
	 * in data losses, so it still fires here and Art. 8(1)(a) applies. */
	if (in->malicious_access && in->access_data_loss)
		f |= FL_DORA_BIT(FL_DORA_MALICIOUS_ACCESS);

	/* Art. 9(6): costs and losses (Art. 7(4): summed) that "have
	 * exceeded or are likely to exceed" EUR 100 000. */
	if (in->cost_direct_eur + in->cost_indirect_eur > FL_DORA_ECONOMIC_EUR)
		f |= FL_DORA_BIT(FL_DORA_ECONOMIC);
	return f;
}

/* RTS Art. 8(1) over a checked record. */
static void
decide(const struct fl_dora_input *in, struct fl_dora_result *out)
{
	unsigned f = fired_of(in);
	int n = __builtin_popcount(f & COUNTED);

	out->fired = f;
	out->major = 0;
	if (!(f & FL_DORA_BIT(FL_DORA_CRITICAL_SERVICES))) {
		out->reason = r_no_critical;
	} else if (f & FL_DORA_BIT(FL_DORA_MALICIOUS_ACCESS)) {
		out->major = 1; /* Art. 8(1)(a) */
		out->reason = r_access;
	} else {
		out->major = n >= 2; /* Art. 8(1)(b) */
		out->reason = r_count[n];
	}
}

fl_err
fl_dora_classify(const struct fl_dora_input *in, struct fl_dora_result *out,
		 struct fl_diag *d)
{
	fl_err rc;

	out->major = 0;
	out->fired = 0;
	out->reason = r_invalid;
	if ((rc = fl_dora_check(in, d)) != FL_OK)
		return rc;
	decide(in, out);
	return FL_OK;
}

/* ---- recurring incidents ---------------------------------------------- */

static double
add_capped(double a, double b, double max)
{
	double s = a + b;

	return s > max ? max : s;
}

void
fl_dora_add(struct fl_dora_input *sum, const struct fl_dora_input *add)
{
	int ns;

	sum->clients = sum->clients > FL_DORA_MAX_CLIENTS - add->clients
			       ? FL_DORA_MAX_CLIENTS
			       : sum->clients + add->clients;
	sum->clients_pct = add_capped(sum->clients_pct, add->clients_pct, 100.0);
	sum->counterparts_pct =
		add_capped(sum->counterparts_pct, add->counterparts_pct, 100.0);
	sum->tx_count_pct =
		add_capped(sum->tx_count_pct, add->tx_count_pct, 100.0);
	sum->tx_value_pct =
		add_capped(sum->tx_value_pct, add->tx_value_pct, 100.0);
	sum->relevant_affected |= add->relevant_affected;

	sum->rep_media |= add->rep_media;
	sum->rep_complaints |= add->rep_complaints;
	sum->rep_regulatory |= add->rep_regulatory;
	sum->rep_client_loss |= add->rep_client_loss;

	sum->duration_h =
		add_capped(sum->duration_h, add->duration_h, FL_DORA_MAX_HOURS);
	sum->downtime_h =
		add_capped(sum->downtime_h, add->downtime_h, FL_DORA_MAX_HOURS);

	/* A set can be united; a bare count cannot (DE then DE is one
	 * state, DE then FR two), so counts give only the largest. */
	ns = states_in(add) > states_in(sum) ? states_in(add) : states_in(sum);
	sum->member_state_set |= add->member_state_set;
	sum->member_states = __builtin_popcountl(sum->member_state_set);
	if (ns > sum->member_states)
		sum->member_states = ns;

	sum->data_availability |= add->data_availability;
	sum->data_authenticity |= add->data_authenticity;
	sum->data_integrity |= add->data_integrity;
	sum->data_confidentiality |= add->data_confidentiality;
	sum->data_adverse |= add->data_adverse;

	sum->crit_functions |= add->crit_functions;
	sum->crit_supervised |= add->crit_supervised;
	sum->malicious_access |= add->malicious_access;
	sum->access_data_loss |= add->access_data_loss;

	sum->cost_direct_eur = add_capped(sum->cost_direct_eur,
					  add->cost_direct_eur, FL_DORA_MAX_EUR);
	sum->cost_indirect_eur = add_capped(
		sum->cost_indirect_eur, add->cost_indirect_eur, FL_DORA_MAX_EUR);
}

struct ymd {
	int y, m, d;
};

static int
month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : days[m - 1];
}

/* The calendar date of s ('YYYY-MM-DD' or a timestamp); 0 ok, -1 not. */
static int
date_of(const char *s, struct ymd *out)
{
	time_t t;
	struct tm tm;

	if (fl_time_parse(s, &t) != 0)
		return -1;
	gmtime_r(&t, &tm);
	out->y = tm.tm_year + 1900;
	out->m = tm.tm_mon + 1;
	out->d = tm.tm_mday;
	return 0;
}

static int
ymd_cmp(const struct ymd *a, const struct ymd *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	return a->d < b->d ? -1 : a->d > b->d;
}

/* The date months calendar months before a, on the month's last day when
 * the day does not exist there (31 August -> 28 or 29 February). */
static struct ymd
months_before(struct ymd a, int months)
{
	int idx = a.y * 12 + (a.m - 1) - months;
	struct ymd r;

	r.y = idx / 12;
	r.m = idx % 12 + 1;
	r.d = a.d < month_days(r.y, r.m) ? a.d : month_days(r.y, r.m);
	return r;
}

static int
has_cause(const char *s)
{
	return s != NULL && *s != '\0';
}

/* A date and a record that can be judged; the diag names the incident. */
static fl_err
check_incident(const struct fl_dora_incident *p, const char *label,
	       struct fl_diag *d)
{
	struct fl_diag inner;
	struct ymd when = {0, 0, 0};

	if (date_of(p->date, &when) != 0)
		return fl_diag_msg(d, FL_E_INVAL, "%s: bad date '%s'", label,
				   p->date ? p->date : "(none)");
	fl_diag_clear(&inner);
	if (fl_dora_check(&p->in, &inner) != FL_OK)
		return fl_diag_msg(d, FL_E_INVAL, "%s: %s", label, inner.msg);
	return FL_OK;
}

fl_err
fl_dora_recurring(const struct fl_dora_incident *today,
		  const struct fl_dora_incident *prior, size_t nprior,
		  unsigned char *take, size_t *ntake,
		  struct fl_dora_input *sum, struct fl_dora_result *res,
		  struct fl_diag *d)
{
	struct fl_dora_input total;
	struct fl_dora_result one;
	struct ymd now = {0, 0, 0}, from, when = {0, 0, 0};
	size_t i, n = 0;
	fl_err rc;

	res->major = 0;
	res->fired = 0;
	res->reason = r_invalid;
	*ntake = 0;
	if (sum != NULL)
		memset(sum, 0, sizeof *sum);
	if (today == NULL || (nprior > 0 && (prior == NULL || take == NULL)))
		return fl_diag_msg(d, FL_E_INVAL, "no incidents to compare");
	for (i = 0; i < nprior; i++)
		take[i] = 0;

	/* Refuse the whole set before judging any of it: a verdict over
	 * records of which one was unreadable would be a guess. */
	if ((rc = check_incident(today, "incident being assessed", d)) != FL_OK)
		return rc;
	for (i = 0; i < nprior; i++) {
		char label[48];
		snprintf(label, sizeof label, "prior incident %zu", i);
		if ((rc = check_incident(&prior[i], label, d)) != FL_OK)
			return rc;
	}
	(void)date_of(today->date, &now); /* checked */

	total = today->in;
	decide(&total, &one);
	if (one.major) {
		/* Art. 8(2) is about incidents that "individually are not
		 * considered a major incident": this one already is. */
		res->fired = one.fired;
		res->reason = r_recur_self;
		if (sum != NULL)
			*sum = total;
		return FL_OK;
	}
	if (!has_cause(today->root_cause)) {
		res->fired = one.fired;
		res->reason = r_recur_nocause;
		if (sum != NULL)
			*sum = total;
		return FL_OK;
	}

	from = months_before(now, FL_DORA_RECUR_MONTHS);
	for (i = 0; i < nprior; i++) {
		const struct fl_dora_incident *p = &prior[i];

		if (!has_cause(p->root_cause) ||
		    !fl_streq_ci(p->root_cause, today->root_cause))
			continue; /* Art. 8(2)(b) */
		(void)date_of(p->date, &when); /* checked above */
		if (ymd_cmp(&when, &from) < 0 || ymd_cmp(&when, &now) > 0)
			continue; /* Art. 8(2)(a) */
		decide(&p->in, &one);
		if (one.major)
			continue; /* reported on its own already */
		take[i] = 1;
		n++;
		fl_dora_add(&total, &p->in);
	}
	*ntake = n;
	if (sum != NULL)
		*sum = total;
	decide(&total, &one);
	res->fired = one.fired;
	if (n == 0) {
		res->reason = r_recur_none;
	} else if (one.major) {
		res->major = 1; /* Art. 8(2)(c) */
		res->reason = r_recur_major;
	} else {
		res->reason = r_recur_minor;
	}
	return FL_OK;
}
