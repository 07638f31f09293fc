/*
 * time: UTC timestamps as ISO-8601 text, the only form firstline stores
 * (portable between SQLite and PostgreSQL, sortable as text).
 * $FIRSTLINE_NOW pins "now" so that tests of expiry and review dates are
 * reproducible.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int
days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
fl_time_parse(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return -1;
	s += 10;
	if (*s == 'T' || *s == ' ') {
		s++;
		if (digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &mi))
			return -1;
		s += 5;
		if (*s == ':') {
			if (digits(s + 1, 2, &se))
				return -1;
			s += 3;
			if (*s == '.') {
				s++;
				while (*s >= '0' && *s <= '9')
					s++;
			}
		}
		if (*s == 'Z')
			s++;
		if (h > 23 || mi > 59 || se > 60)
			return -1;
	}
	if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = timegm(&tm);
	return 0;
}

time_t
fl_now(void)
{
	const char *pin = getenv("FIRSTLINE_NOW");
	time_t t;

	if (pin && *pin && fl_time_parse(pin, &t) == 0)
		return t;
	return time(NULL);
}

void
fl_time_iso(time_t t, char out[static 21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
fl_time_date(time_t t, char out[static 11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
fl_days_between(time_t a, time_t b)
{
	/* Whole calendar days: compare the dates, not the seconds. */
	long da = (long)(a / 86400) - (a < 0 && a % 86400 ? 1 : 0);
	long db = (long)(b / 86400) - (b < 0 && b % 86400 ? 1 : 0);

	return (int)(db - da);
}
