/*
 * control: the rules for control implementation, tests and evidence.  Pure
 * functions over values the store has already read; no I/O, no clock (the
 * caller passes ages in days, measured against fl_now()).
 *
 * Effectiveness of a control in an entity comes from the latest design test
 * and the latest operating test (latest by test date).  The first row that
 * matches wins:
 *
 *   implementation  design        operating       effectiveness
 *   --------------  ------------  --------------  ------------------------------
 *   not-applicable  any           any             not-applicable
 *   other or none   ineffective   any             ineffective
 *                   any           ineffective     ineffective
 *                   partially     any             partially-effective
 *                   any           partially       partially-effective
 *                   effective     effective       effective
 *                   effective     none            design-effective
 *                                                 ("design effective, operating
 *                                                 not tested")
 *                   none          effective       operating-effective
 *                                                 ("operating effective, design
 *                                                 not tested")
 *                   none          none            not-tested
 *
 * Why these rows: a control whose design is wrong cannot operate
 * effectively, and one that fails in operation does not protect whatever
 * its design says, so either ineffective result decides.  An operating
 * test without a design test is not promoted to "effective": nobody has
 * checked that the control addresses the requirement.
 *
 * Staleness does not change the state; it is reported beside it.  A test
 * is stale when it is MORE than max_age days old (default 365): a test
 * dated exactly 365 days ago is still current, 366 days is stale.  A test
 * dated in the future (a clock mistake) is not stale.  The state says
 * what the last tests found; "stale" says that it is time to test again.
 * A not-applicable control is never stale.
 *
 * Evidence: no expiry date is current; expires_on < today is expired;
 * 0..warn_days days left (default 30, expiring today included) is expiring.
 *
 * This module refuses nothing by itself: the store validates input with
 * the parsers below and refuses what they reject.
 */
#include "core.h"

static const char *const effect_names[] = {
	[FL_EFF_NOT_APPLICABLE] = "not-applicable",
	[FL_EFF_NOT_TESTED] = "not-tested",
	[FL_EFF_OPERATING_ONLY] = "operating-effective",
	[FL_EFF_DESIGN_ONLY] = "design-effective",
	[FL_EFF_EFFECTIVE] = "effective",
	[FL_EFF_PARTIAL] = "partially-effective",
	[FL_EFF_INEFFECTIVE] = "ineffective",
};

static const char *const effect_labels[] = {
	[FL_EFF_NOT_APPLICABLE] = "not applicable",
	[FL_EFF_NOT_TESTED] = "not tested",
	[FL_EFF_OPERATING_ONLY] = "operating effective, design not tested",
	[FL_EFF_DESIGN_ONLY] = "design effective, operating not tested",
	[FL_EFF_EFFECTIVE] = "effective",
	[FL_EFF_PARTIAL] = "partially effective",
	[FL_EFF_INEFFECTIVE] = "ineffective",
};

/* Lowest assurance first: see fl_effect_rank in core.h. */
static const int effect_ranks[] = {
	[FL_EFF_INEFFECTIVE] = 0,
	[FL_EFF_NOT_TESTED] = 1,
	[FL_EFF_PARTIAL] = 2,
	[FL_EFF_OPERATING_ONLY] = 3,
	[FL_EFF_DESIGN_ONLY] = 4,
	[FL_EFF_EFFECTIVE] = 5,
	[FL_EFF_NOT_APPLICABLE] = 6,
};

#define NELEM(a) (sizeof(a) / sizeof(a)[0])

int
fl_test_stale(int age_days, int max_age)
{
	if (max_age <= 0)
		max_age = FL_TEST_MAX_AGE_DEFAULT;
	return age_days > max_age;
}

void
fl_control_effect(const struct fl_effect_in *in, struct fl_effect_out *out)
{
	enum fl_test_result d = in->design, o = in->operating;

	out->design_stale = d != FL_TR_NONE &&
			    fl_test_stale(in->design_age, in->max_age);
	out->operating_stale = o != FL_TR_NONE &&
			       fl_test_stale(in->operating_age, in->max_age);
	if (in->not_applicable) {
		/* tests of a control that does not apply are not due again */
		out->state = FL_EFF_NOT_APPLICABLE;
		out->design_stale = out->operating_stale = 0;
	} else if (d == FL_TR_INEFFECTIVE || o == FL_TR_INEFFECTIVE)
		out->state = FL_EFF_INEFFECTIVE;
	else if (d == FL_TR_PARTIAL || o == FL_TR_PARTIAL)
		out->state = FL_EFF_PARTIAL;
	else if (d == FL_TR_EFFECTIVE && o == FL_TR_EFFECTIVE)
		out->state = FL_EFF_EFFECTIVE;
	else if (d == FL_TR_EFFECTIVE)
		out->state = FL_EFF_DESIGN_ONLY;
	else if (o == FL_TR_EFFECTIVE)
		out->state = FL_EFF_OPERATING_ONLY;
	else
		out->state = FL_EFF_NOT_TESTED;
}

const char *
fl_effect_name(enum fl_effect e)
{
	if ((size_t)e >= NELEM(effect_names))
		return "not-tested";
	return effect_names[e];
}

const char *
fl_effect_label(enum fl_effect e)
{
	if ((size_t)e >= NELEM(effect_labels))
		return "not tested";
	return effect_labels[e];
}

int
fl_effect_parse(const char *s, enum fl_effect *out)
{
	size_t i;

	for (i = 0; s && i < NELEM(effect_names); i++)
		if (strcmp(s, effect_names[i]) == 0) {
			*out = (enum fl_effect)i;
			return 0;
		}
	return -1;
}

int
fl_effect_rank(enum fl_effect e)
{
	if ((size_t)e >= NELEM(effect_ranks))
		return 0;
	return effect_ranks[e];
}

int
fl_test_result_parse(const char *s, enum fl_test_result *out)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "effective") == 0)
		*out = FL_TR_EFFECTIVE;
	else if (strcmp(s, "partially-effective") == 0)
		*out = FL_TR_PARTIAL;
	else if (strcmp(s, "ineffective") == 0)
		*out = FL_TR_INEFFECTIVE;
	else
		return -1;
	return 0;
}

const char *
fl_test_result_name(enum fl_test_result r)
{
	switch (r) {
	case FL_TR_EFFECTIVE: return "effective";
	case FL_TR_PARTIAL: return "partially-effective";
	case FL_TR_INEFFECTIVE: return "ineffective";
	case FL_TR_NONE: break;
	}
	return "none";
}

static int
in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
fl_test_kind_valid(const char *s)
{
	static const char *const kinds[] = {"design", "operating", NULL};

	return in_list(s, kinds);
}

int
fl_test_method_valid(const char *s)
{
	static const char *const methods[] = {
		"inquiry", "observation", "inspection", "reperformance",
		"examine", "interview", "test", "analytics", NULL
	};

	return in_list(s, methods);
}

int
fl_impl_status_valid(const char *s)
{
	static const char *const st[] = {
		"planned", "partial", "implemented", "not-applicable", NULL
	};

	return in_list(s, st);
}

int
fl_impl_overdue(const char *status, int has_due, int days_left)
{
	static const char *const open[] = {"planned", "partial", NULL};

	return has_due && days_left < 0 && in_list(status, open);
}

enum fl_evidence_state
fl_evidence_state(int has_expiry, int days_left, int warn_days)
{
	if (warn_days < 0)
		warn_days = FL_EVIDENCE_WARN_DEFAULT;
	if (!has_expiry)
		return FL_EV_CURRENT;
	if (days_left < 0)
		return FL_EV_EXPIRED;
	if (days_left <= warn_days)
		return FL_EV_EXPIRING;
	return FL_EV_CURRENT;
}

const char *
fl_evidence_state_name(enum fl_evidence_state s)
{
	switch (s) {
	case FL_EV_CURRENT: return "current";
	case FL_EV_EXPIRING: return "expiring";
	case FL_EV_EXPIRED: return "expired";
	}
	return "current";
}
