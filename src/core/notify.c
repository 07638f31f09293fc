/*
 * core/notify: routing and retry rules of the outbox (see notify.h).  Kept
 * apart from store/ so the schedule and the matching are tested on their
 * own with tables of cases.
 */
#include "notify.h"

long
fl_notify_backoff(long n)
{
	/*
	 * Quick at first (a mail server restarting, a proxy hiccup), then
	 * every six hours: an outage of a day still ends in delivery, and
	 * the queue does not hammer a server that is down for good.
	 */
	static const long early[] = {60, 5 * 60, 15 * 60, 60 * 60};

	if (n < 1)
		n = 1;
	if (n <= (long)(sizeof early / sizeof early[0]))
		return early[n - 1];
	return 6 * 60 * 60;
}

int
fl_notify_severity_rank(const char *severity)
{
	static const char *const names[] = {"low", "medium", "high", "critical"};
	size_t i;

	if (severity == NULL)
		return 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(severity, names[i]) == 0)
			return (int)i + 1;
	return 0;
}

int
fl_notify_event_match(const char *pattern, const char *event)
{
	size_t n;

	if (pattern == NULL || event == NULL)
		return 0;
	if (strcmp(pattern, "*") == 0)
		return 1;
	n = strlen(pattern);
	if (n >= 2 && pattern[n - 1] == '*' && pattern[n - 2] == '.')
		/* the prefix with its dot, and something after it */
		return strncmp(pattern, event, n - 1) == 0 && event[n - 1] != '\0';
	return strcmp(pattern, event) == 0;
}

static int
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

int
fl_notify_pattern_valid(const char *pattern)
{
	const char *p;
	size_t word = 0;

	if (pattern == NULL || *pattern == '\0' || strlen(pattern) > 64)
		return 0;
	if (strcmp(pattern, "*") == 0)
		return 1;
	for (p = pattern; *p; p++) {
		if (*p == '.') {
			if (word == 0)
				return 0;
			word = 0;
			if (strcmp(p + 1, "*") == 0)
				return 1;
		} else if (word_char(*p)) {
			word++;
		} else {
			return 0;
		}
	}
	return word > 0;
}

int
fl_notify_severity_match(const char *min, const char *sev)
{
	int want;

	if (min == NULL || *min == '\0')
		return 1;
	want = fl_notify_severity_rank(min);
	return want > 0 && fl_notify_severity_rank(sev) >= want;
}

const char *
fl_notify_level_severity(const char *name, int idx, int nlevels)
{
	static const char *const sev[] = {"low", "medium", "high", "critical"};
	size_t i;

	for (i = 0; name && i < sizeof sev / sizeof sev[0]; i++)
		if (fl_streq_ci(name, sev[i]))
			return sev[i];
	if (nlevels < 2 || idx < 0 || idx >= nlevels)
		return "low";
	if (idx == nlevels - 1)
		return "critical";
	/* thirds of the levels below the top, in integers: 3 * idx / top */
	i = (size_t)(3 * idx / (nlevels - 1));
	return sev[i < 3 ? i : 2];
}
