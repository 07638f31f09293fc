/*
 * core: the domain rules of firstline, with no I/O.  Pure functions over
 * plain structs, tested directly with tables of cases: the audit hash
 * chain, the risk matrix and its consequences (levels, escalation, review
 * cadence, acceptance expiry), and control effectiveness.
 */
#ifndef FL_CORE_H
#define FL_CORE_H

#include "../util/util.h"

/* ---- audit chain (core/audit.c) ----------------------------------- */

/* The chain starts from this hash (64 hex zeros). */
extern const char fl_audit_genesis[65];

struct fl_audit_entry {
	long long seq;
	const char *ts, *actor, *action, *object;
	const char *before, *after; /* may be NULL */
};

/*
 * hash = BLAKE2b-256(prev_hash || seq || ts || actor || action || object ||
 * before || after), each field length-prefixed (NULL distinct from ""), as
 * 64 lowercase hex characters in out.
 */
void fl_audit_hash(const char prev_hex[65], const struct fl_audit_entry *e,
		   char out[static 65]);

/* SECTION risk: owned by the risk work; edit only inside this block. */
/* END SECTION risk */

/* SECTION control */
/* END SECTION control */

#endif
