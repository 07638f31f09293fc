/*
 * core/dora: whether an ICT-related incident is "major" under DORA, as
 * Commission Delegated Regulation (EU) 2024/1772 (the RTS on the
 * classification of ICT-related incidents, "the RTS" below) decides it.
 *
 * Pure functions over a plain struct of recorded criteria: no I/O, no
 * database, no clock.  The caller records what is known about the
 * incident; this module says which materiality thresholds (RTS Art. 9)
 * are met, whether the incident is major (RTS Art. 8(1)), and which
 * earlier incidents recur with it (RTS Art. 8(2)).  docs/dora-
 * classification.md lists every criterion with its threshold and article.
 *
 * It refuses to guess: values out of their range (a negative count, a
 * share above 100 %, a duration that is not a number) are FL_E_INVAL, not
 * clamped.  It does not decide which entity the rules apply to (DORA
 * scope, microenterprises) nor when the reporting clocks start; those are
 * the caller's and the clock module's.
 */
#ifndef FL_DORA_H
#define FL_DORA_H

#include "../util/util.h"

/*
 * The criteria of DORA Art. 18(1) as the RTS specifies them, one bit each
 * in fl_dora_result.fired (FL_DORA_BIT(c)).  The order is the order in
 * which lists are written.
 */
enum fl_dora_criterion {
	FL_DORA_CRITICAL_SERVICES = 0, /* Art. 6: the precondition of Art. 8(1) */
	FL_DORA_CLIENTS,          /* Art. 9(1): clients, counterparts, transactions */
	FL_DORA_REPUTATIONAL,     /* Art. 9(2) with Art. 2 */
	FL_DORA_DURATION,         /* Art. 9(3): duration and service downtime */
	FL_DORA_GEOGRAPHICAL,     /* Art. 9(4) with Art. 4 */
	FL_DORA_DATA_LOSSES,      /* Art. 9(5)(a) with Art. 5 */
	FL_DORA_MALICIOUS_ACCESS, /* Art. 9(5)(b): enough alone, Art. 8(1)(a) */
	FL_DORA_ECONOMIC,         /* Art. 9(6) with Art. 7 */
	FL_DORA_NCRITERIA
};
#define FL_DORA_BIT(c) (1u << (unsigned)(c))

/* The materiality thresholds of RTS Art. 9; each is met when EXCEEDED. */
#define FL_DORA_CLIENTS_PCT 10.0      /* Art. 9(1)(a): > 10 % of clients */
#define FL_DORA_CLIENTS_NUM 100000LL  /* Art. 9(1)(b): > 100 000 clients */
#define FL_DORA_COUNTERPARTS_PCT 30.0 /* Art. 9(1)(c): > 30 % of counterparts */
#define FL_DORA_TX_PCT 10.0           /* Art. 9(1)(d), (e): > 10 % of the daily
				       * average number / value of transactions */
#define FL_DORA_DURATION_H 24.0       /* Art. 9(3)(a): duration > 24 hours */
#define FL_DORA_DOWNTIME_H 2.0        /* Art. 9(3)(b): downtime > 2 hours */
#define FL_DORA_MEMBER_STATES 2       /* Art. 9(4): two or more (at least) */
#define FL_DORA_ECONOMIC_EUR 100000.0 /* Art. 9(6): > EUR 100 000 */
#define FL_DORA_RECUR_MONTHS 6        /* Art. 8(2)(a): within 6 months */

/* Bounds of a sane record (beyond them the input is refused). */
#define FL_DORA_MAX_CLIENTS 100000000000LL /* 1e11 */
#define FL_DORA_MAX_HOURS 1000000.0        /* about 114 years */
#define FL_DORA_MAX_EUR 1e15
#define FL_DORA_NSTATES 30 /* EU-27 and the EEA states IS, LI, NO */
#define FL_DORA_LIST_MAX 160 /* bytes holding every criterion name as a list */

/*
 * What is recorded about one incident.  Flags are 0 (no) or non-zero
 * (yes); a criterion not (yet) assessed is recorded as 0, which never
 * fires it.  Zero-initialise and fill what is known.
 */
struct fl_dora_input {
	/* Art. 1 and 9(1): clients, financial counterparts, transactions. */
	long long clients;       /* affected clients using the affected service */
	double clients_pct;      /* of all clients using the affected service, % */
	double counterparts_pct; /* affected financial counterparts, % of all
				  * carrying out activities of the service */
	double tx_count_pct;     /* affected transactions, % of the daily average
				  * number for the affected service */
	double tx_value_pct;     /* their amount, % of the daily average value */
	int relevant_affected;   /* counterparts or clients identified as relevant
				  * (Art. 1(3)) are affected: Art. 9(1)(f) */

	/* Art. 2 and 9(2): reputational impact, any of: */
	int rep_media;       /* reflected in the media, Art. 2(1)(a) */
	int rep_complaints;  /* repetitive complaints from different clients or
			      * counterparts, Art. 2(1)(b) */
	int rep_regulatory;  /* will not or likely not meet regulatory
			      * requirements, Art. 2(1)(c) */
	int rep_client_loss; /* will or likely lose clients or counterparts with
			      * material impact on the business, Art. 2(1)(d) */

	/* Art. 3 and 9(3): hours (fractions allowed). */
	double duration_h; /* occurrence (or detection) to resolution, Art. 3(1) */
	double downtime_h; /* downtime of ICT services supporting critical or
			    * important functions, Art. 3(2) */

	/* Art. 4 and 9(4): Member States where the incident has an impact,
	 * the entity's own included.  Either a count, or the states as
	 * FL_DORA bits (fl_dora_member_state_bit), or both: the larger
	 * count is used.  Only the set can be united across recurring
	 * incidents (Art. 8(2)); a bare count is taken as a lower bound. */
	int member_states;
	unsigned long member_state_set;

	/* Art. 5 and 9(5)(a): data losses.  The threshold is met when the
	 * data of any of the four properties is affected AND that impact
	 * has or will have an adverse impact on the business objectives or
	 * on meeting regulatory requirements (data_adverse). */
	int data_availability;    /* rendered inaccessible or unusable, 5(a) */
	int data_authenticity;    /* trustworthiness of the source, 5(b) */
	int data_integrity;       /* non-authorised modification, 5(c) */
	int data_confidentiality; /* accessed by or disclosed to an
				   * unauthorised party or system, 5(d) */
	int data_adverse;

	/* Art. 6: criticality of services affected; any of: */
	int crit_functions;      /* ICT services or systems supporting critical
				  * or important functions affected, 6(a) */
	int crit_supervised;     /* authorised, registered or supervised financial
				  * services affected, 6(b) */
	int malicious_access;    /* successful, malicious and unauthorised access
				  * to network and information systems, 6(c) */
	int access_data_loss;    /* that access may result in data losses:
				  * with malicious_access, Art. 9(5)(b) */

	/* Art. 7 and 9(6): costs and losses in EUR, before recoveries;
	 * summed (Art. 7(4)). */
	double cost_direct_eur;
	double cost_indirect_eur;
};

struct fl_dora_result {
	int major;          /* RTS Art. 8(1) (or Art. 8(2) for a recurring group) */
	unsigned fired;     /* FL_DORA_BIT(criterion) for every criterion met */
	const char *reason; /* one line, static storage: why major or not */
};

/*
 * Check that every field is in its range; FL_OK, or FL_E_INVAL with the
 * field and the value in d.
 */
fl_err fl_dora_check(const struct fl_dora_input *in, struct fl_diag *d);

/*
 * Classify: which criteria are met and whether the incident is major.
 * Major = critical services affected (Art. 6) AND (Art. 9(5)(b) met OR
 * two or more of the other thresholds of Art. 9(1) to (6) met), Art. 8(1).
 * On FL_E_INVAL (see fl_dora_check) *out says "not major", fired 0, and
 * the reason points at the diagnostic.
 */
fl_err fl_dora_classify(const struct fl_dora_input *in,
			struct fl_dora_result *out, struct fl_diag *d);

/* Stable token of a criterion ("critical_services", "clients", ...), used
 * in JSON and the store; NULL when out of range. */
const char *fl_dora_criterion_name(enum fl_dora_criterion c);
/* Where the RTS sets it ("Art. 9(1)"); NULL when out of range. */
const char *fl_dora_criterion_article(enum fl_dora_criterion c);

/*
 * The names of the criteria in fired as a comma list ("clients,
 * duration"), "" when none, in enum order.  Writes at most outsz bytes,
 * always NUL-terminated when outsz > 0, and returns the length of the
 * whole list (like snprintf): a result >= outsz means it was cut.
 * FL_DORA_LIST_MAX always suffices.
 */
size_t fl_dora_fired_list(unsigned fired, char *out, size_t outsz);

/*
 * The bit of a Member State in member_state_set, by its code: the EU's
 * two-letter codes (EL for Greece; GR accepted too) and IS, LI, NO;
 * case-insensitive.  0 for anything else (or NULL).
 */
unsigned long fl_dora_member_state_bit(const char *code);

/*
 * Add the record add to the running total sum, for incidents judged
 * together (Art. 8(2)(c)): counts, shares, hours and costs are summed
 * (shares cap at 100 %, everything at its FL_DORA_MAX bound), flags are
 * or-ed, Member State sets are united and the count is the larger of the
 * united set and the largest count.  Both must have passed fl_dora_check.
 */
void fl_dora_add(struct fl_dora_input *sum, const struct fl_dora_input *add);

/* An incident as the recurrence rule sees it. */
struct fl_dora_incident {
	const char *date;       /* 'YYYY-MM-DD' (or a timestamp: its date) */
	const char *root_cause; /* apparent root cause key (DORA Art. 20(b));
				 * compared case-insensitively; NULL or "" is
				 * none, which never matches */
	struct fl_dora_input in;
};

/*
 * Recurring incidents, RTS Art. 8(2): incidents that are not major on
 * their own count as one major incident when they occurred at least twice
 * within 6 months, have the same apparent root cause and together meet
 * Art. 8(1).
 *
 * today is the incident being assessed; prior[0..nprior) are earlier
 * records (borrowed).  A prior belongs to today's group when its root
 * cause equals today's, it is not major on its own, and its date is
 * neither after today's nor before today's date minus 6 calendar months
 * (the same day of the month, or the month's last day when it is
 * shorter: 2025-08-31 reaches back to 2025-02-28 inclusive).
 *
 * take (nprior bytes, caller-owned; may be NULL when nprior is 0) gets 1
 * for each prior in the group and 0 otherwise; *ntake their number.  When
 * sum is not NULL it receives today's record with the group's added
 * (fl_dora_add).  res says whether the group is one major incident (and
 * which criteria it meets together): res->major is 1 only for a group of
 * today's and at least one prior, and aggregation is to be offered only
 * then.  Today's incident being major on its own (fl_dora_classify says
 * so; res->major is 0 here, the reason says why), or having no root
 * cause, gives an empty group.
 *
 * The rule does not apply to microenterprises and the entities of DORA
 * Art. 16(1): the caller does not call it for them.  Bad dates or
 * records: FL_E_INVAL with the incident (today, or prior[i]) named in d.
 */
fl_err fl_dora_recurring(const struct fl_dora_incident *today,
			 const struct fl_dora_incident *prior, size_t nprior,
			 unsigned char *take, size_t *ntake,
			 struct fl_dora_input *sum, struct fl_dora_result *res,
			 struct fl_diag *d);

#endif
