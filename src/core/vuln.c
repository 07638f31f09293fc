/*
 * The rules of vulnerability remediation: the priority formula and the
 * deadline that follows from it.  Pure functions, so the formula is tested
 * by table and stated once (core.h, docs/vulnerabilities.md).
 */
#include <ctype.h>
#include <string.h>

#include "core.h"

int
fl_vuln_priority(const struct fl_vuln_prio_in *in, double *score)
{
	static const double by_sev[] = {0.0, 2.5, 5.5, 8.0, 9.5};
	double base, s;
	int crit = in->criticality;

	if (in->cvss4 >= 0)
		base = in->cvss4;
	else if (in->cvss3 >= 0)
		base = in->cvss3;
	else
		base = by_sev[in->severity >= 0 && in->severity <= 4 ? in->severity : 0];
	if (crit < 1 || crit > 4)
		crit = 2;
	s = base + 0.5 * (crit - 2);
	if (in->epss >= 0.5)
		s += 1.5;
	else if (in->epss >= 0.1)
		s += 1.0;
	else if (in->epss >= 0 && in->epss < 0.01)
		s -= 0.5;
	if (score != NULL)
		*score = s;
	if (in->kev)
		return 1;
	if (base <= 0)
		return 0;
	if (s >= 9.0)
		return 1;
	if (s >= 7.0)
		return 2;
	if (s >= 4.0)
		return 3;
	return 4;
}

void
fl_vuln_sla_default(struct fl_vuln_sla *s)
{
	s->days[0] = 0;
	s->days[1] = 7;
	s->days[2] = 30;
	s->days[3] = 90;
	s->days[4] = 180;
}

int
fl_vuln_sla_parse(const char *text, struct fl_vuln_sla *s, char *err,
		  size_t errsz)
{
	const char *p = text;

	while (*p != '\0') {
		int prio;
		long days = 0;
		int digits = 0;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if ((p[0] != 'P' && p[0] != 'p') || p[1] < '1' || p[1] > '4') {
			snprintf(err, errsz, "expected P1..P4 at '%.20s'", p);
			return -1;
		}
		prio = p[1] - '0';
		p += 2;
		while (*p == ' ')
			p++;
		if (*p != '=') {
			snprintf(err, errsz, "expected '=' after P%d", prio);
			return -1;
		}
		p++;
		while (*p == ' ')
			p++;
		while (isdigit((unsigned char)*p) && digits < 6) {
			days = days * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (digits == 0 || isdigit((unsigned char)*p) || days < 1 ||
		    days > 3650) {
			snprintf(err, errsz, "P%d: days must be 1..3650", prio);
			return -1;
		}
		while (*p == ' ')
			p++;
		if (*p != '\0' && *p != ',') {
			snprintf(err, errsz, "unexpected '%.20s' after P%d", p, prio);
			return -1;
		}
		s->days[prio] = (int)days;
	}
	return 0;
}

void
fl_vuln_sla_format(const struct fl_vuln_sla *s, char *out, size_t outsz)
{
	snprintf(out, outsz, "P1=%d,P2=%d,P3=%d,P4=%d", s->days[1], s->days[2],
		 s->days[3], s->days[4]);
}

int
fl_vuln_due(const char *first_seen, int prio, const struct fl_vuln_sla *s,
	    const char *kev_due, char out[static 11])
{
	char day[11];
	time_t t;

	if (prio < 1 || prio > 4 || first_seen == NULL ||
	    strlen(first_seen) < 10)
		return -1;
	memcpy(day, first_seen, 10);
	day[10] = '\0';
	if (fl_time_parse(day, &t) != 0)
		return -1;
	fl_time_date(t + (time_t)s->days[prio] * 86400, out);
	if (kev_due != NULL && strlen(kev_due) >= 10 &&
	    strncmp(kev_due, out, 10) < 0) {
		memcpy(day, kev_due, 10);
		if (fl_time_parse(day, &t) == 0)
			fl_time_date(t, out);
	}
	return 0;
}
