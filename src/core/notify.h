/*
 * core/notify: the pure rules of the notification outbox — which route a
 * notice matches, how severities compare, and when a failed delivery is
 * tried again.  No database, no network, no "now" of its own.
 */
#ifndef FL_CORE_NOTIFY_H
#define FL_CORE_NOTIFY_H

#include "../util/util.h"

/* Give up after this many attempts unless setting notify.max_attempts says
 * otherwise (about 31 hours with the schedule below). */
#define FL_NOTIFY_MAX_ATTEMPTS 10
#define FL_NOTIFY_MAX_ATTEMPTS_LIMIT 1000

/*
 * Seconds to wait after failed attempt number n (1-based, counted since
 * the last manual retry): 1 min, 5 min, 15 min, 1 h, then every 6 h.
 * n < 1 is treated as 1.
 */
long fl_notify_backoff(long n);

/* 1..4 for low, medium, high, critical; 0 for anything else (NULL too). */
int fl_notify_severity_rank(const char *severity);

/*
 * Does pattern match event?  "*" matches all; "incident.*" matches
 * "incident.new" and "incident.clock.breached" but not "incident"; anything
 * else matches itself exactly.
 */
int fl_notify_event_match(const char *pattern, const char *event);

/*
 * Is pattern a valid route pattern: "*", or dot-separated words of
 * [a-z0-9_-], optionally ending in ".*"?
 */
int fl_notify_pattern_valid(const char *pattern);

/*
 * Does a route with minimum severity min (NULL: any) take a notice of
 * severity sev (may be NULL)?  A notice without a severity only reaches
 * routes that take any.
 */
int fl_notify_severity_match(const char *min, const char *sev);

/*
 * The notice severity of a risk level: the level's own name when it is
 * low, medium, high or critical (any case); otherwise by its place among
 * nlevels levels (idx from 0, lowest first): the top level is critical,
 * the rest low, medium or high by thirds.  "low" for nonsense input.
 */
const char *fl_notify_level_severity(const char *name, int idx, int nlevels);

#endif
