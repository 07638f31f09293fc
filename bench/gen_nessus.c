/*
 * gen_nessus: write a synthetic but realistic Tenable .nessus (v2) report
 * for the import benchmark (bench/import.sh).
 *
 *   gen_nessus [-n HOSTS] [-m MEGABYTES] [-i ITEMS] [-s SEED] [OUT]
 *
 * The report has the shape Nessus exports: NessusClientData_v2, a Policy
 * with server preferences and plugin families, a Report of ReportHosts
 * named by IP address, each with HostProperties (host-ip, hostname,
 * host-fqdn, operating-system, Credentialed_Scan, HOST_START/HOST_END and
 * their timestamps, MAC, cpe...) and about ITEMS ReportItems (default 20):
 * port, svc_name, protocol, severity, pluginID, pluginName, pluginFamily
 * attributes and description, solution, synopsis, risk_factor, CVSS v3
 * score and vector, cve, see_also and plugin_output elements.  Plugin
 * outputs vary from a line to several KiB, text carries the escapes real
 * reports carry (&amp; &lt; &gt; &apos; &quot;), and the plugins come from
 * a fixed catalogue so the same plugin repeats across hosts as it does in
 * a real network.  It writes HOSTS hosts, or stops after the host that
 * takes the file past MEGABYTES (10^6 bytes) when -m is given; the
 * default density is about 20 KB per host, so 5,000 hosts is ~100 MB.
 *
 * Deterministic: the same arguments give the same bytes (a splitmix64
 * generator seeded with SEED drives every choice; no clock, no locale).
 * Every text here is invented; nothing is taken from real reports.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned
pick(unsigned n)
{
	return n ? (unsigned)(rnd() % n) : 0;
}

/* ---- output: one big buffer, written in blocks ------------------------- */

static FILE *out;
static char obuf[1 << 20];
static size_t olen;
static uint64_t total;

static void
flush_out(void)
{
	if (olen && fwrite(obuf, 1, olen, out) != olen) {
		fprintf(stderr, "gen_nessus: write: %s\n", strerror(errno));
		exit(74);
	}
	total += olen;
	olen = 0;
}

static void
put(const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof obuf - olen, k = n < room ? n : room;

		memcpy(obuf + olen, s, k);
		olen += k, s += k, n -= k;
		if (olen == sizeof obuf)
			flush_out();
	}
}

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

static void
putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
putf(const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- invented text ----------------------------------------------------- */

static const char *const words[] = {
	"remote", "host", "service", "server", "version", "affected", "by",
	"multiple", "vulnerabilities", "an", "unauthenticated", "attacker",
	"can", "exploit", "this", "issue", "to", "execute", "arbitrary",
	"code", "cause", "a", "denial", "of", "condition", "disclose",
	"sensitive", "information", "via", "crafted", "request", "the",
	"application", "does", "not", "properly", "validate", "input",
	"buffer", "overflow", "in", "component", "module", "library",
	"configuration", "certificate", "cipher", "protocol", "handshake",
	"session", "token", "header", "response", "packet", "kernel", "driver",
	"update", "patch", "vendor", "advisory", "installed", "reported",
	"listening", "port", "default", "credentials", "weak", "expired",
	"signed", "self-signed", "encryption", "integrity", "privilege",
	"escalation", "local", "user", "account", "password", "policy",
	"registry", "file", "directory", "path", "traversal", "injection",
	"scripting", "cross-site", "memory", "corruption", "use-after-free",
	"race", "timing", "side-channel", "downgrade", "fallback", "plaintext",
	"&amp;", "&lt;none&gt;", "isn&apos;t", "&quot;quoted&quot;",
};
#define NWORDS (sizeof words / sizeof *words)

/* About n bytes of sentences, wrapped like Nessus wraps its prose. */
static void
prose(size_t n, const char *indent)
{
	size_t done = 0, col = 0;
	int cap = 1;

	while (done < n) {
		const char *w = words[pick(NWORDS)];
		size_t k = strlen(w);

		if (col > 90) {
			put("\n", 1);
			puts_(indent);
			done += 1 + strlen(indent);
			col = 0;
		} else if (done > 0) {
			put(" ", 1);
			done++, col++;
		}
		if (cap && w[0] >= 'a' && w[0] <= 'z') {
			char c = (char)(w[0] - 'a' + 'A');
			put(&c, 1);
			put(w + 1, k - 1);
		} else {
			put(w, k);
		}
		cap = 0;
		done += k, col += k;
		if (pick(9) == 0) {
			put(".", 1);
			done++, col++;
			cap = 1;
		}
	}
	if (!cap)
		put(".", 1);
}

/* ---- the plugin catalogue ---------------------------------------------- */

struct plugin {
	unsigned id;
	char name[96];
	const char *family;
	int severity;		/* 0 info .. 4 critical */
	double cvss3;
	char vector[64];
	unsigned ncve;
	char cves[6][20];
	unsigned desc_len, syn_len, sol_len;
	unsigned out_kind;	/* 0 none, 1 short, 2 medium, 3 long */
	unsigned port_kind;	/* index into services[], 0 = port 0 */
	uint64_t text_seed;	/* the same plugin has the same text */
};

static const char *const families[] = {
	"General", "Settings", "Service detection", "Windows", "Web Servers",
	"Misc.", "Ubuntu Local Security Checks", "Red Hat Local Security Checks",
	"Windows : Microsoft Bulletins", "CGI abuses", "Databases",
	"Firewalls", "SNMP", "DNS", "Denial of Service", "Gain a shell remotely",
};
#define NFAMILIES (sizeof families / sizeof *families)

static const struct service {
	unsigned port;
	const char *svc, *proto;
} services[] = {
	{0, "general", "tcp"}, {22, "ssh", "tcp"}, {80, "www", "tcp"},
	{443, "www", "tcp"}, {445, "cifs", "tcp"}, {3389, "msrdp", "tcp"},
	{161, "snmp", "udp"}, {53, "dns", "udp"}, {3306, "mysql", "tcp"},
	{8443, "www", "tcp"}, {25, "smtp", "tcp"}, {123, "ntp", "udp"},
};
#define NSERVICES (sizeof services / sizeof *services)

static const char *const risk[] = {"None", "Low", "Medium", "High", "Critical"};
static const char *const nouns[] = {
	"OpenSSH", "Apache HTTP Server", "Microsoft Windows", "OpenSSL",
	"nginx", "PHP", "MySQL", "SNMP Agent", "ISC BIND", "Samba",
	"Remote Desktop", "TLS", "SSL Certificate", "Kernel", "Java Runtime",
	"Postfix", "NTP Server", "jQuery", "Log Library", "VPN Gateway",
};
static const char *const issues[] = {
	"Multiple Vulnerabilities", "Remote Code Execution", "Denial of Service",
	"Information Disclosure", "Weak Cipher Suites Supported",
	"Self-Signed Certificate", "Version Detection", "Privilege Escalation",
	"Default Credentials", "Security Update", "Cannot Be Trusted",
	"Outdated Version Detected", "Detection", "&lt; 2.4.58 Multiple Issues",
};

#define NPLUGINS 400
static struct plugin plugins[NPLUGINS];

static void
make_plugins(void)
{
	unsigned i, k;

	for (i = 0; i < NPLUGINS; i++) {
		struct plugin *p = &plugins[i];
		unsigned r = pick(100);

		p->id = 10000 + i * 397 + pick(300);
		snprintf(p->name, sizeof p->name, "%s %s",
			 nouns[pick(sizeof nouns / sizeof *nouns)],
			 issues[pick(sizeof issues / sizeof *issues)]);
		p->family = families[pick(NFAMILIES)];
		/* most items of a real scan are informational */
		p->severity = r < 55 ? 0 : r < 65 ? 1 : r < 83 ? 2 : r < 95 ? 3 : 4;
		if (p->severity > 0) {
			static const double lo[] = {0, 0.1, 4.0, 7.0, 9.0};
			static const double span[] = {0, 3.8, 2.9, 1.9, 0.9};
			p->cvss3 = lo[p->severity] +
				   span[p->severity] * (double)pick(100) / 100.0;
			snprintf(p->vector, sizeof p->vector,
				 "CVSS:3.0/AV:%c/AC:%c/PR:%c/UI:N/S:U/C:%c/I:%c/A:%c",
				 "NAL"[pick(3)], "LH"[pick(2)], "NLH"[pick(3)],
				 "HLN"[pick(3)], "HLN"[pick(3)], "HLN"[pick(3)]);
			p->ncve = pick(7);
			if (p->ncve > 6)
				p->ncve = 6;
			for (k = 0; k < p->ncve; k++)
				snprintf(p->cves[k], sizeof p->cves[k],
					 "CVE-%u-%u", 2015 + pick(10),
					 1000 + pick(49000));
		}
		p->desc_len = 40 + pick(200);
		p->syn_len = 20 + pick(30);
		p->sol_len = 15 + pick(50);
		r = pick(100);
		p->out_kind = r < 40 ? 0 : r < 85 ? 1 : r < 97 ? 2 : 3;
		p->port_kind = pick(3) == 0 ? 0 : 1 + pick(NSERVICES - 1);
		p->text_seed = rnd();
	}
}

/* ---- the report -------------------------------------------------------- */

static void
policy(void)
{
	unsigned i;

	puts_("<?xml version=\"1.0\" ?>\n<NessusClientData_v2>\n"
	      "<Policy>\n"
	      "<policyName>Synthetic Benchmark Scan</policyName>\n"
	      "<Preferences>\n<ServerPreferences>\n");
	for (i = 0; i < 24; i++)
		putf("<preference>\n"
		     "<name>bench_pref_%u</name>\n"
		     "<value>%s</value>\n"
		     "</preference>\n",
		     i, pick(2) ? "yes" : "no");
	puts_("</ServerPreferences>\n"
	      "<PluginsPreferences>\n"
	      "</PluginsPreferences>\n"
	      "</Preferences>\n<FamilySelection>\n");
	for (i = 0; i < NFAMILIES; i++)
		putf("<FamilyItem>\n"
		     "<FamilyName>%s</FamilyName>\n"
		     "<Status>enabled</Status>\n"
		     "</FamilyItem>\n", families[i]);
	puts_("</FamilySelection>\n</Policy>\n"
	      "<Report name=\"bench\" xmlns:cm=\"http://www.nessus.org/cm\">\n");
}

static void
nessus_time(char *buf, size_t sz, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%a %b %d %H:%M:%S %Y", &tm);
}

static const char *const oses[] = {
	"Microsoft Windows Server 2019 Standard",
	"Microsoft Windows 10 Enterprise", "Linux Kernel 5.15 on Ubuntu 22.04",
	"Linux Kernel 4.18 on Red Hat Enterprise Linux 8",
	"Cisco IOS 15.2", "VMware ESXi 7.0", "FreeBSD 13.2",
};

static void
plugin_output(const struct plugin *p, unsigned host)
{
	unsigned lines, i;

	if (p->out_kind == 0)
		return;
	lines = p->out_kind == 1 ? 1 + pick(2) :
		p->out_kind == 2 ? 3 + pick(6) : 15 + pick(26);
	puts_("<plugin_output>\n");
	for (i = 0; i < lines; i++) {
		switch (pick(4)) {
		case 0:
			putf("  Path              : C:\\Program Files\\App%u\\bin\\lib%u.dll\n",
			     pick(50), pick(900));
			break;
		case 1:
			putf("  Installed version : %u.%u.%u\n  Fixed version     : %u.%u.%u\n",
			     pick(9), pick(20), pick(300), 1 + pick(9), pick(20), pick(300));
			break;
		case 2:
			putf("  - host-%05u listens on %u/tcp with banner &apos;srv %u.%u&apos;\n",
			     host, 1 + pick(65535), pick(9), pick(99));
			break;
		default:
			puts_("  ");
			prose(40 + pick(120), "  ");
			put("\n", 1);
		}
	}
	puts_("</plugin_output>\n");
}

static void
report_item(const struct plugin *p, unsigned host, int credentialed)
{
	const struct service *s = &services[p->port_kind];
	unsigned port = s->port;
	uint64_t saved;
	unsigned k;

	putf("<ReportItem port=\"%u\" svc_name=\"%s\" protocol=\"%s\""
	     " severity=\"%d\" pluginID=\"%u\""
	     " pluginName=\"%s\" pluginFamily=\"%s\">\n",
	     port, s->svc, s->proto, p->severity, p->id, p->name, p->family);
	if (credentialed && port == 0)
		puts_("<agent>all</agent>\n");
	/* the plugin's own text is the same on every host */
	saved = rng_state;
	rng_state = p->text_seed;
	puts_("<description>");
	prose(p->desc_len, "");
	puts_("\n</description>\n");
	putf("<fname>bench_%u.nasl</fname>\n", p->id);
	putf("<plugin_modification_date>2024/%02u/%02u</plugin_modification_date>\n",
	     1 + pick(12), 1 + pick(28));
	putf("<plugin_name>%s</plugin_name>\n", p->name);
	putf("<plugin_publication_date>20%02u/%02u/%02u</plugin_publication_date>\n",
	     10 + pick(14), 1 + pick(12), 1 + pick(28));
	putf("<plugin_type>%s</plugin_type>\n",
	     p->port_kind == 0 ? "local" : "remote");
	putf("<risk_factor>%s</risk_factor>\n", risk[p->severity]);
	putf("<script_version>1.%u</script_version>\n", pick(200));
	if (p->severity > 0) {
		putf("<cvss3_base_score>%.1f</cvss3_base_score>\n",
		     p->cvss3);
		putf("<cvss3_vector>%s</cvss3_vector>\n", p->vector);
		for (k = 0; k < p->ncve; k++)
			putf("<cve>%s</cve>\n", p->cves[k]);
	}
	if (pick(2))
		putf("<see_also>https://vendor.example/advisories/%u\n"
		     "https://www.example.org/kb/%u</see_also>\n", p->id,
		     pick(99999));
	else
		putf("<see_also>https://vendor.example/advisories/%u"
		     "</see_also>\n", p->id);
	puts_("<solution>");
	prose(p->sol_len, "");
	puts_("</solution>\n<synopsis>");
	prose(p->syn_len, "");
	puts_("</synopsis>\n");
	rng_state = saved;
	plugin_output(p, host);
	puts_("</ReportItem>\n");
}

static void
report_host(unsigned h, unsigned items, time_t start)
{
	char ip[32], t0[40], t1[40];
	int credentialed = pick(10) < 6;
	unsigned i, n, dur = 300 + pick(3000);

	/* 10.A.B.C, unique for the first 254 x 65536 hosts */
	snprintf(ip, sizeof ip, "10.%u.%u.%u", (h / 254 / 256) & 255,
		 (h / 254) & 255, 1 + h % 254);
	nessus_time(t0, sizeof t0, start);
	nessus_time(t1, sizeof t1, start + dur);
	putf("<ReportHost name=\"%s\">\n<HostProperties>\n", ip);
	putf("<tag name=\"HOST_END_TIMESTAMP\">%lld</tag>\n",
	     (long long)(start + dur));
	putf("<tag name=\"HOST_END\">%s</tag>\n", t1);
	putf("<tag name=\"Credentialed_Scan\">%s</tag>\n",
	     credentialed ? "true" : "false");
	putf("<tag name=\"operating-system\">%s</tag>\n",
	     oses[pick(sizeof oses / sizeof *oses)]);
	putf("<tag name=\"mac-address\">00:50:56:%02x:%02x:%02x</tag>\n",
	     pick(256), pick(256), pick(256));
	putf("<tag name=\"cpe-0\">cpe:/o:vendor:os:%u.%u -&gt; Vendor OS</tag>\n",
	     pick(20), pick(10));
	putf("<tag name=\"system-type\">%s</tag>\n",
	     pick(3) ? "general-purpose" : "hypervisor");
	putf("<tag name=\"traceroute-hop-0\">10.%u.%u.255</tag>\n",
	     (h / 254 / 256) & 255, (h / 254) & 255);
	putf("<tag name=\"host-fqdn\">host-%05u.corp.example</tag>\n", h);
	putf("<tag name=\"hostname\">host-%05u</tag>\n", h);
	putf("<tag name=\"host-ip\">%s</tag>\n", ip);
	putf("<tag name=\"HOST_START_TIMESTAMP\">%lld</tag>\n",
	     (long long)start);
	putf("<tag name=\"HOST_START\">%s</tag>\n", t0);
	puts_("</HostProperties>\n");
	/* ITEMS +- 40 %, distinct plugins per host */
	n = items * 6 / 10 + pick(items * 8 / 10 + 1);
	if (n > NPLUGINS)
		n = NPLUGINS;
	{
		/* strides prime to NPLUGINS: n distinct plugins per host */
		static const unsigned strides[] = {1, 3, 7, 11, 13, 17, 19, 23,
						   29, 31, 37, 41, 43, 47};
		unsigned base = pick(NPLUGINS);
		unsigned stride = strides[pick(sizeof strides / sizeof *strides)];

		for (i = 0; i < n; i++)
			report_item(&plugins[(base + i * stride) % NPLUGINS], h,
				    credentialed);
	}
	puts_("</ReportHost>\n");
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen_nessus [-n HOSTS] [-m MEGABYTES] [-i ITEMS]"
		" [-s SEED] [OUT]\n");
	exit(64);
}

static unsigned long
num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || end == s || v > 100000000UL)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	unsigned long hosts = 5000, megabytes = 0, items = 20, seed = 1, h;
	const char *path = NULL;
	time_t start = 1700000000; /* fixed: the output never depends on the clock */
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			hosts = num(argv[++i]);
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			megabytes = num(argv[++i]);
		else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc)
			items = num(argv[++i]);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			seed = num(argv[++i]);
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (path == NULL)
			path = argv[i];
		else
			usage();
	}
	if (items == 0 || items > 300)
		usage();
	if (megabytes)
		hosts = 16777215; /* stop on size; addresses stay in 10/8 */
	out = stdout;
	if (path && strcmp(path, "-") != 0 && (out = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "gen_nessus: %s: %s\n", path, strerror(errno));
		return 73;
	}
	rng_state = seed;
	make_plugins();
	policy();
	for (h = 0; h < hosts; h++) {
		report_host((unsigned)h, (unsigned)items, start);
		start += 7 + pick(60);
		if (megabytes && total + olen >= (uint64_t)megabytes * 1000000)
			break;
	}
	puts_("</Report>\n</NessusClientData_v2>\n");
	flush_out();
	if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
		fprintf(stderr, "gen_nessus: write: %s\n", strerror(errno));
		return 74;
	}
	fprintf(stderr, "gen_nessus: %lu hosts, %llu bytes\n",
		h < hosts ? h + 1 : h, (unsigned long long)total);
	return 0;
}
