/*
 * gen_authlog: write a synthetic but realistic Linux auth.log (RFC 3164,
 * the way rsyslog writes /var/log/auth.log) for the detection benchmark
 * (bench/detect_linux.sh), with attacks injected at known times and listed
 * in a manifest.
 *
 *   gen_authlog [-s SEED] [-d DAYS] [-a ATTACKS] [-m MANIFEST] [-o OUT] SIZE
 *
 * SIZE is bytes, with an optional K, M or G suffix (powers of 1000): the
 * file comes within about 0.01 % of it (1G gives 999,979,039 bytes).  DAYS (default 7) is the span the
 * log covers, from Mar  2 00:00:00; ATTACKS (default 10) is the number of
 * attacks of each kind.  The log goes to OUT (default standard output),
 * the manifest to MANIFEST (default standard error), and the throughput to
 * standard error.
 *
 * Traffic of 50 hosts (web, db, app, k8s nodes, bastions...):
 *  - sshd: staff and automation logging in (publickey or password,
 *    sometimes after a mistyped password), the pam_unix session and
 *    systemd-logind lines, the disconnects; on the internet-facing hosts,
 *    scanners: one address, one to three attempts (invalid users, root),
 *    banner grabs, failed key exchanges.  Every scanner visit comes from a
 *    new address, so no scanner crosses a threshold of data/rules/linux.
 *  - sudo: commands with their pam_unix sessions, now and then a mistyped
 *    password, rarely a refused command ("1 incorrect password attempt"),
 *    at most one per user per 10 minutes;
 *  - cron pam_unix sessions on the minute, su sessions, password changes,
 *    service accounts created with useradd, staff added to groups.
 * More staff during working hours, more scanners at night.
 *
 * The attacks, each one manifest line (JSON: kind, host, src_ip, user,
 * start, end, count, users, rules):
 *  - brute_force: 12 to 120 failed passwords, one every 2 to 5 seconds,
 *    from one address against one internet-facing host (root, admin or
 *    ubuntu); count is the number of "Failed password" lines;
 *  - password_spray: one address trying 12 to 30 user names once each (up
 *    to 18 names sometimes twice), one every 4 to 8 seconds, each name on
 *    another internet-facing host; users is the number of distinct names;
 *  - success_after_brute_force: a brute force of 12 to 40 failures, then
 *    an "Accepted password" for the same host and address 20 seconds to
 *    4 minutes after the last failure, and a short session;
 *  - sudo_burst: 5 to 8 "N incorrect password attempts" lines for one
 *    staff user on one host, 8 to 35 seconds apart;
 *  - new_sudo_user: useradd of a new account, then, within 10 minutes, the
 *    account added to the sudo group (useradd -G, usermod -aG or
 *    gpasswd -a).
 * rules names the ids of data/rules/linux that must raise an alert for it.
 *
 * Deterministic: the same arguments give the same bytes (splitmix64,
 * seeded; the attacks have a generator of their own, so the background
 * does not move them).  Years are not written (RFC 3164 has none).  Every
 * name and address here is invented.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400

/* ---- random numbers ------------------------------------------------------ */

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t
pick(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(((rnd(r) >> 32) * n) >> 32) : 0;
}

/* Uniform in [lo, hi]. */
static uint32_t
range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + pick(r, hi - lo + 1);
}

/* True with probability per/1000. */
static int
chance(struct rng *r, uint32_t per)
{
	return pick(r, 1000) < per;
}

/* ---- output ---------------------------------------------------------------- */

static FILE *out;
static char obuf[1 << 20];
static size_t olen;
static uint64_t written, nlines;

static void
flush_out(void)
{
	if (olen && fwrite(obuf, 1, olen, out) != olen) {
		fprintf(stderr, "gen_authlog: write: %s\n", strerror(errno));
		exit(74);
	}
	written += olen;
	olen = 0;
}

/* Every line is far shorter than this: one check per line, not per byte. */
#define LINE_MAX_BYTES 1024

static char *op; /* the cursor inside obuf while a line is being built */

static void
put(const char *s, size_t n)
{
	memcpy(op, s, n);
	op += n;
}
#define PUTL(lit) put((lit), sizeof(lit) - 1)

static void
puts0(const char *s)
{
	put(s, strlen(s));
}

/* Two digits at a time: pids, ports and addresses are most of the digits
 * written, and a division per digit showed in the profile. */
static const char digits2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

static void
putu(uint64_t v)
{
	char b[24];
	int i = (int)sizeof b;

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		b[--i] = digits2[d + 1];
		b[--i] = digits2[d];
	}
	if (v >= 10) {
		b[--i] = digits2[v * 2 + 1];
		b[--i] = digits2[v * 2];
	} else
		b[--i] = (char)('0' + v);
	put(b + i, sizeof b - (size_t)i);
}

static void
putip(uint32_t ip)
{
	putu(ip >> 24);
	*op++ = '.';
	putu((ip >> 16) & 255);
	*op++ = '.';
	putu((ip >> 8) & 255);
	*op++ = '.';
	putu(ip & 255);
}

/* ---- time -------------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: the date and time of T (seconds since 1970, UTC). */
static void
civil(int64_t t, struct tm *tm)
{
	int64_t z = t / DAY + 719468, era, doe, yoe, doy, mp, sec = t % DAY;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(yoe + era * 400 + (tm->tm_mon < 2)) - 1900;
	tm->tm_hour = (int)(sec / 3600);
	tm->tm_min = (int)(sec / 60 % 60);
	tm->tm_sec = (int)(sec % 60);
}

/* The year is only for the manifest: syslog stamps carry none. */
#define YEAR 2025
static int64_t t0; /* Mar  2 00:00:00 */

static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Mmm dd hh:mm:ss " of the second last asked for, built once per second */
static int64_t stamp_t = -1;
static char stamp[16];

static void
put_stamp(int64_t t)
{
	if (t != stamp_t) {
		struct tm tm;

		/* by hand: gmtime_r takes a lock and looks at the zone */
		civil(t, &tm);
		memcpy(stamp, mon[tm.tm_mon], 3);
		stamp[3] = ' ';
		stamp[4] = tm.tm_mday < 10 ? ' ' : (char)('0' + tm.tm_mday / 10);
		stamp[5] = (char)('0' + tm.tm_mday % 10);
		stamp[6] = ' ';
		stamp[7] = (char)('0' + tm.tm_hour / 10);
		stamp[8] = (char)('0' + tm.tm_hour % 10);
		stamp[9] = ':';
		stamp[10] = (char)('0' + tm.tm_min / 10);
		stamp[11] = (char)('0' + tm.tm_min % 10);
		stamp[12] = ':';
		stamp[13] = (char)('0' + tm.tm_sec / 10);
		stamp[14] = (char)('0' + tm.tm_sec % 10);
		stamp[15] = ' ';
		stamp_t = t;
	}
	put(stamp, sizeof stamp);
}

static void
iso(int64_t t, char *b, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	if (strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		b[0] = '\0';
}

/* ---- the cast ------------------------------------------------------------ */

#define NHOSTS 50
static const char *const hostname[NHOSTS] = {
	"bastion01", "bastion02", "vpn01", "mail01", "mail02", "dns01",
	"dns02", "git01", "web01", "web02", "web03", "web04", "web05",
	"web06", "web07", "web08", "web09", "web10", "web11", "web12",
	"app01", "app02", "app03", "app04", "app05", "app06", "app07",
	"app08", "db01", "db02", "db03", "db04", "db05", "db06", "ci01",
	"ci02", "ci03", "backup01", "log01", "mon01", "k8s-node01",
	"k8s-node02", "k8s-node03", "k8s-node04", "k8s-node05", "k8s-node06",
	"k8s-node07", "k8s-node08", "k8s-node09", "k8s-node10",
};
/* bastions to web12: reachable from the internet, so scanned */
#define NPUBLIC 20

struct hoststate {
	uint32_t pid;     /* the last pid handed out */
	uint32_t session; /* systemd-logind's session counter */
};
static struct hoststate hs[NHOSTS];

static uint32_t
newpid(struct rng *r, int h)
{
	hs[h].pid += range(r, 1, 40);
	if (hs[h].pid > 4190000)
		hs[h].pid = 1000 + pick(r, 5000);
	return hs[h].pid;
}

/*
 * User names: one id space.  Below NNAMES the fixed table (staff and
 * automation first, then the names scanners and sprayers try); from
 * SVC_BASE service accounts made up from a word and a number; from
 * NEW_BASE the accounts the attacks create.
 */
static const char *const names[] = {
	/* staff: uid 1000 + index */
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "ken", "laura", "mike", "nina", "oscar", "peggy",
	/* automation (publickey, passwordless sudo) */
	"ansible", "deploy", "jenkins", "backup",
	/* root */
	"root",
	/* what scanners and sprayers try */
	"admin", "test", "user", "oracle", "postgres", "ubuntu", "guest",
	"ftpuser", "pi", "git", "support", "tomcat", "mysql", "www", "web",
	"nagios", "hadoop", "minecraft", "teamspeak", "es", "elastic",
	"administrator", "operator", "dev", "developer", "test1", "user1",
	"demo", "ftp", "steam", "centos", "debian", "vagrant", "docker",
	"odoo", "zabbix", "jira", "redis", "sftp", "student", "server",
};
#define NNAMES ((uint32_t)(sizeof names / sizeof names[0]))
#define NSTAFF 16
#define NAUTO 4
#define ROOT 20
#define GUESS0 21 /* the first guessed name */
#define NGUESS (NNAMES - GUESS0)
#define SVC_BASE 100000u
#define NEW_BASE 200000u

static const char *const svcword[] = {
	"svc-metrics", "svc-backup", "svc-ingest", "svc-report", "svc-sync",
	"svc-queue", "svc-cache", "svc-mailer",
};
static const char *const newname[] = {
	"sysupdate", "support2", "backupadm", "www-admin", "devops2",
	"sshd-adm", "nagios2", "maint", "opsadmin", "helpdesk",
};

static void
putname(uint32_t id)
{
	if (id < NNAMES)
		puts0(names[id]);
	else if (id < NEW_BASE) {
		id -= SVC_BASE;
		puts0(svcword[id % 8]);
		putu(id / 8 + 1);
	} else {
		id -= NEW_BASE;
		puts0(newname[id % 10]);
		if (id / 10)
			putu(id / 10);
	}
}

static int
name_s(uint32_t id, char *b, size_t n)
{
	char *save = op;
	char tmp[128];
	size_t len;

	op = tmp;
	putname(id);
	len = (size_t)(op - tmp);
	op = save;
	if (len >= n)
		return -1;
	memcpy(b, tmp, len);
	b[len] = '\0';
	return 0;
}

static uint32_t
uid_of(uint32_t id)
{
	if (id == ROOT)
		return 0;
	if (id < NSTAFF + NAUTO)
		return 1000 + id;
	if (id >= NEW_BASE)
		return 1100 + (id - NEW_BASE);
	if (id >= SVC_BASE)
		return 998 - (id - SVC_BASE) % 400;
	return 1000 + id;
}

/* A staff member's workstation; automation runs from ci01. */
static uint32_t
home_ip(uint32_t id)
{
	if (id < NSTAFF)
		return (10u << 24) | (20u << 16) | (1u << 8) | (10 + id);
	return (10u << 24) | (0u << 16) | (3u << 8) | 21;
}

static const char *const commands[] = {
	"/usr/bin/systemctl restart nginx",
	"/usr/bin/systemctl status postgresql",
	"/usr/bin/apt-get update",
	"/usr/bin/apt-get -y upgrade",
	"/usr/bin/journalctl -u sshd --since today",
	"/usr/bin/tail -n 200 /var/log/syslog",
	"/usr/bin/docker ps -a",
	"/usr/bin/docker compose pull",
	"/usr/sbin/iptables -L -n",
	"/usr/bin/vim /etc/nginx/sites-available/default",
	"/bin/cat /etc/shadow",
	"/usr/bin/kubectl get pods -A",
	"/usr/bin/du -sh /var/lib/docker",
	"/usr/sbin/reboot",
	"/usr/bin/certbot renew",
	"/bin/bash",
	"/usr/bin/rsync -a /srv/data/ backup01:/srv/backup/",
	"/usr/bin/python3 /opt/deploy/release.py --env prod",
};
#define NCOMMANDS ((uint32_t)(sizeof commands / sizeof commands[0]))

static const char *const groups[] = {"sudo", "docker", "adm", "www-data",
				     "systemd-journal"};

/* ---- lines ------------------------------------------------------------------ */

enum kind {
	L_SSH_ACCEPT, L_SSH_SESS_OPEN, L_LOGIND_NEW, L_SSH_RECV_DISC_USER,
	L_SSH_DISC_USER, L_SSH_SESS_CLOSE, L_LOGIND_LOGOUT, L_LOGIND_REMOVED,
	L_SSH_FAIL, L_SSH_PAM_AUTHFAIL, L_SSH_INVALID, L_SSH_CHECKPASS,
	L_SSH_RECV_DISC_BYE, L_SSH_DISC_PREAUTH, L_SSH_CONN_CLOSED,
	L_SSH_KEX_CLOSED, L_SSH_NEGOTIATE, L_SSH_MAXAUTH, L_SSH_PAM_MORE,
	L_SSH_REPEATED_FAIL, L_SUDO_CMD, L_SUDO_SESS_OPEN, L_SUDO_SESS_CLOSE,
	L_SUDO_PAMFAIL, L_SUDO_INCORRECT, L_CRON_OPEN, L_CRON_CLOSE, L_SU_TO,
	L_SU_OPEN, L_SU_CLOSE, L_GROUPADD, L_GROUPADD_SHADOW, L_NEW_GROUP,
	L_USERADD, L_ADD_GROUP, L_ADD_SHADOW_GROUP, L_GPASSWD, L_PASSWD
};

/*
 * One line to write.  Fields by kind: user (a name id), ip, port, pid; n is
 * the logind session, the attempt count, a uid or gid; aux a command,
 * group or method index, or a program (useradd/usermod) for group lines;
 * flag: invalid user, password (not publickey), and so on.
 */
struct line {
	int64_t t;
	uint32_t user, ip, pid, n;
	uint16_t port, aux;
	uint8_t kind, host, flag, tty;
};

static void
header(const struct line *l, const char *prog, size_t plen, int withpid)
{
	put_stamp(l->t);
	puts0(hostname[l->host]);
	*op++ = ' ';
	put(prog, plen);
	if (withpid) {
		*op++ = '[';
		putu(l->pid);
		*op++ = ']';
	}
	PUTL(": ");
}
#define HDR(l, lit) header((l), (lit), sizeof(lit) - 1, 1)
#define HDR0(l, lit) header((l), (lit), sizeof(lit) - 1, 0)

static void
put_port(const struct line *l)
{
	PUTL(" port ");
	putu(l->port);
}

/* "TTY=pts/N ; PWD=... ; USER=root ; COMMAND=..." */
static void
put_sudo_tail(const struct line *l)
{
	PUTL("TTY=pts/");
	putu(l->tty);
	PUTL(" ; PWD=");
	if (l->user == ROOT)
		PUTL("/root");
	else if (l->flag & 2)
		PUTL("/tmp");
	else {
		PUTL("/home/");
		putname(l->user);
	}
	PUTL(" ; USER=root ; COMMAND=");
	puts0(commands[l->aux % NCOMMANDS]);
}

static void
render(const struct line *l)
{
	switch ((enum kind)l->kind) {
	case L_SSH_ACCEPT:
		HDR(l, "sshd");
		if (l->flag & 1)
			PUTL("Accepted password for ");
		else
			PUTL("Accepted publickey for ");
		putname(l->user);
		PUTL(" from ");
		putip(l->ip);
		put_port(l);
		PUTL(" ssh2");
		if (!(l->flag & 1)) {
			static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789+/";
			uint64_t h = 0x9E3779B97F4A7C15ULL * (l->user + 7);
			int i;

			PUTL(": ED25519 SHA256:");
			for (i = 0; i < 43; i++) {
				*op++ = b64[h >> 58];
				h = h * 6364136223846793005ULL + 1442695040888963407ULL;
			}
		}
		break;
	case L_SSH_SESS_OPEN:
		HDR(l, "sshd");
		PUTL("pam_unix(sshd:session): session opened for user ");
		putname(l->user);
		PUTL("(uid=");
		putu(uid_of(l->user));
		PUTL(") by (uid=0)");
		break;
	case L_LOGIND_NEW:
		HDR(l, "systemd-logind");
		PUTL("New session ");
		putu(l->n);
		PUTL(" of user ");
		putname(l->user);
		*op++ = '.';
		break;
	case L_SSH_RECV_DISC_USER:
		HDR(l, "sshd");
		PUTL("Received disconnect from ");
		putip(l->ip);
		put_port(l);
		PUTL(":11: disconnected by user");
		break;
	case L_SSH_DISC_USER:
		HDR(l, "sshd");
		PUTL("Disconnected from user ");
		putname(l->user);
		*op++ = ' ';
		putip(l->ip);
		put_port(l);
		break;
	case L_SSH_SESS_CLOSE:
		HDR(l, "sshd");
		PUTL("pam_unix(sshd:session): session closed for user ");
		putname(l->user);
		break;
	case L_LOGIND_LOGOUT:
		HDR(l, "systemd-logind");
		PUTL("Session ");
		putu(l->n);
		PUTL(" logged out. Waiting for processes to exit.");
		break;
	case L_LOGIND_REMOVED:
		HDR(l, "systemd-logind");
		PUTL("Removed session ");
		putu(l->n);
		*op++ = '.';
		break;
	case L_SSH_FAIL:
		HDR(l, "sshd");
		PUTL("Failed password for ");
		if (l->flag & 1)
			PUTL("invalid user ");
		putname(l->user);
		PUTL(" from ");
		putip(l->ip);
		put_port(l);
		PUTL(" ssh2");
		break;
	case L_SSH_REPEATED_FAIL:
		/* rsyslog folding identical lines of one connection */
		HDR(l, "sshd");
		PUTL("message repeated ");
		putu(l->n);
		PUTL(" times: [ Failed password for ");
		putname(l->user);
		PUTL(" from ");
		putip(l->ip);
		put_port(l);
		PUTL(" ssh2]");
		break;
	case L_SSH_PAM_AUTHFAIL:
		HDR(l, "sshd");
		PUTL("pam_unix(sshd:auth): authentication failure; logname= "
		     "uid=0 euid=0 tty=ssh ruser= rhost=");
		putip(l->ip);
		if (!(l->flag & 1)) {
			PUTL("  user=");
			putname(l->user);
		} else
			*op++ = ' ';
		break;
	case L_SSH_INVALID:
		HDR(l, "sshd");
		PUTL("Invalid user ");
		putname(l->user);
		PUTL(" from ");
		putip(l->ip);
		put_port(l);
		break;
	case L_SSH_CHECKPASS:
		HDR(l, "sshd");
		PUTL("pam_unix(sshd:auth): check pass; user unknown");
		break;
	case L_SSH_RECV_DISC_BYE:
		HDR(l, "sshd");
		PUTL("Received disconnect from ");
		putip(l->ip);
		put_port(l);
		PUTL(":11: Bye Bye [preauth]");
		break;
	case L_SSH_DISC_PREAUTH:
		HDR(l, "sshd");
		if (l->flag & 1)
			PUTL("Disconnected from invalid user ");
		else
			PUTL("Disconnected from authenticating user ");
		putname(l->user);
		*op++ = ' ';
		putip(l->ip);
		put_port(l);
		PUTL(" [preauth]");
		break;
	case L_SSH_CONN_CLOSED:
		HDR(l, "sshd");
		PUTL("Connection closed by ");
		putip(l->ip);
		put_port(l);
		PUTL(" [preauth]");
		break;
	case L_SSH_KEX_CLOSED:
		HDR(l, "sshd");
		PUTL("error: kex_exchange_identification: Connection closed "
		     "by remote host");
		break;
	case L_SSH_NEGOTIATE:
		HDR(l, "sshd");
		PUTL("Unable to negotiate with ");
		putip(l->ip);
		put_port(l);
		PUTL(": no matching key exchange method found. Their offer: "
		     "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-"
		     "sha1,diffie-hellman-group1-sha1 [preauth]");
		break;
	case L_SSH_MAXAUTH:
		HDR(l, "sshd");
		PUTL("error: maximum authentication attempts exceeded for ");
		putname(l->user);
		PUTL(" from ");
		putip(l->ip);
		put_port(l);
		PUTL(" ssh2 [preauth]");
		break;
	case L_SSH_PAM_MORE:
		HDR(l, "sshd");
		PUTL("PAM ");
		putu(l->n);
		PUTL(" more authentication failures; logname= uid=0 euid=0 "
		     "tty=ssh ruser= rhost=");
		putip(l->ip);
		PUTL("  user=");
		putname(l->user);
		break;
	case L_SUDO_CMD:
		HDR0(l, "sudo");
		PUTL("   ");
		putname(l->user);
		PUTL(" : ");
		put_sudo_tail(l);
		break;
	case L_SUDO_SESS_OPEN:
		HDR0(l, "sudo");
		PUTL("pam_unix(sudo:session): session opened for user root"
		     "(uid=0) by ");
		putname(l->user);
		PUTL("(uid=");
		putu(uid_of(l->user));
		*op++ = ')';
		break;
	case L_SUDO_SESS_CLOSE:
		HDR0(l, "sudo");
		PUTL("pam_unix(sudo:session): session closed for user root");
		break;
	case L_SUDO_PAMFAIL:
		HDR0(l, "sudo");
		PUTL("pam_unix(sudo:auth): authentication failure; logname=");
		putname(l->user);
		PUTL(" uid=");
		putu(uid_of(l->user));
		PUTL(" euid=0 tty=/dev/pts/");
		putu(l->tty);
		PUTL(" ruser=");
		putname(l->user);
		PUTL(" rhost=  user=");
		putname(l->user);
		break;
	case L_SUDO_INCORRECT:
		HDR0(l, "sudo");
		PUTL("   ");
		putname(l->user);
		PUTL(" : ");
		putu(l->n);
		if (l->n == 1)
			PUTL(" incorrect password attempt ; ");
		else
			PUTL(" incorrect password attempts ; ");
		put_sudo_tail(l);
		break;
	case L_CRON_OPEN:
		HDR(l, "CRON");
		PUTL("pam_unix(cron:session): session opened for user ");
		putname(l->user);
		PUTL("(uid=");
		putu(uid_of(l->user));
		PUTL(") by (uid=0)");
		break;
	case L_CRON_CLOSE:
		HDR(l, "CRON");
		PUTL("pam_unix(cron:session): session closed for user ");
		putname(l->user);
		break;
	case L_SU_TO:
		HDR(l, "su");
		PUTL("(to root) ");
		putname(l->user);
		PUTL(" on pts/");
		putu(l->tty);
		break;
	case L_SU_OPEN:
		HDR(l, "su");
		PUTL("pam_unix(su-l:session): session opened for user root"
		     "(uid=0) by ");
		putname(l->user);
		PUTL("(uid=");
		putu(uid_of(l->user));
		*op++ = ')';
		break;
	case L_SU_CLOSE:
		HDR(l, "su");
		PUTL("pam_unix(su-l:session): session closed for user root");
		break;
	case L_GROUPADD:
		HDR(l, "groupadd");
		PUTL("group added to /etc/group: name=");
		putname(l->user);
		PUTL(", GID=");
		putu(l->n);
		break;
	case L_GROUPADD_SHADOW:
		HDR(l, "groupadd");
		PUTL("group added to /etc/gshadow: name=");
		putname(l->user);
		break;
	case L_NEW_GROUP:
		HDR(l, "useradd");
		PUTL("new group: name=");
		putname(l->user);
		PUTL(", GID=");
		putu(l->n);
		break;
	case L_USERADD:
		HDR(l, "useradd");
		PUTL("new user: name=");
		putname(l->user);
		PUTL(", UID=");
		putu(l->n);
		PUTL(", GID=");
		putu(l->n);
		if (l->flag & 1) {
			PUTL(", home=/var/lib/");
			putname(l->user);
			PUTL(", shell=/usr/sbin/nologin, from=none");
		} else {
			PUTL(", home=/home/");
			putname(l->user);
			PUTL(", shell=/bin/bash, from=/dev/pts/");
			putu(l->tty);
		}
		break;
	case L_ADD_GROUP:
	case L_ADD_SHADOW_GROUP:
		if (l->flag & 1)
			HDR(l, "useradd");
		else
			HDR(l, "usermod");
		PUTL("add '");
		putname(l->user);
		if (l->kind == L_ADD_GROUP)
			PUTL("' to group '");
		else
			PUTL("' to shadow group '");
		puts0(groups[l->aux]);
		*op++ = '\'';
		break;
	case L_GPASSWD:
		HDR(l, "gpasswd");
		PUTL("user ");
		putname(l->user);
		PUTL(" added by root to group ");
		puts0(groups[l->aux]);
		break;
	case L_PASSWD:
		HDR(l, "passwd");
		PUTL("pam_unix(passwd:chauthtok): password changed for ");
		putname(l->user);
		break;
	}
	*op++ = '\n';
}

static void
emit(const struct line *l)
{
	if (sizeof obuf - olen < LINE_MAX_BYTES)
		flush_out();
	op = obuf + olen;
	render(l);
	olen = (size_t)(op - obuf);
	nlines++;
}

/* ---- the queue of lines to come ------------------------------------------------ */

/*
 * Episodes (a login, a scanner's visit, an attack) write their lines
 * ahead of time; the lines wait on a wheel of one bucket per second and
 * leave it when the clock reaches their second, in the order they were
 * queued, so the file is in time order and the lines of one episode stay
 * in theirs.  Lines for the current second skip the wheel.  No episode
 * looks further ahead than WHEEL seconds (the longest, a login, lasts two
 * hours), which keeps a bucket from holding two different seconds.
 */
#define WHEEL 16384
struct bucket {
	struct line *v;
	size_t n, cap;
};
static struct bucket wheel[WHEEL];
static size_t npending;
static int64_t now;

static void
queue(struct line *l)
{
	struct bucket *b;

	if (l->t <= now) {
		l->t = now;
		emit(l);
		return;
	}
	if (l->t - now >= WHEEL) {
		fprintf(stderr, "gen_authlog: a line %lld s ahead\n",
			(long long)(l->t - now));
		exit(70);
	}
	b = &wheel[l->t % WHEEL];
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 16;
		struct line *nv = realloc(b->v, nc * sizeof *nv);

		if (nv == NULL) {
			fprintf(stderr, "gen_authlog: out of memory\n");
			exit(70);
		}
		b->v = nv, b->cap = nc;
	}
	b->v[b->n++] = *l;
	npending++;
}

/* Write the lines of second T; called for every second in turn. */
static void
drain(int64_t t)
{
	struct bucket *b = &wheel[t % WHEEL];
	size_t i;

	for (i = 0; i < b->n; i++)
		emit(&b->v[i]);
	npending -= b->n;
	b->n = 0;
}

static struct line
mk(int64_t t, enum kind k, int host, uint32_t user, uint32_t ip,
   uint32_t pid, uint32_t port)
{
	struct line l;

	memset(&l, 0, sizeof l);
	l.t = t;
	l.kind = (uint8_t)k;
	l.host = (uint8_t)host;
	l.user = user;
	l.ip = ip;
	l.pid = pid;
	l.port = (uint16_t)port;
	return l;
}

static void
q(int64_t t, enum kind k, int host, uint32_t user, uint32_t ip,
  uint32_t pid, uint32_t port)
{
	struct line l = mk(t, k, host, user, ip, pid, port);

	queue(&l);
}

static uint32_t
eport(struct rng *r)
{
	return range(r, 32768, 60999);
}

/* ---- attacks --------------------------------------------------------------------- */

enum akind { A_BRUTE, A_SPRAY, A_SUCCESS, A_SUDO, A_NEWSUDO, A_NKINDS };
static const char *const akname[A_NKINDS] = {
	"brute_force", "password_spray", "success_after_brute_force",
	"sudo_burst", "new_sudo_user",
};

struct attack {
	enum akind kind;
	int64_t start, end;
	uint64_t seed;
	int host;
	uint32_t ip, user, count, users;
};
static struct attack *atk;
static size_t natk, nextatk;

/* The addresses attackers come from: three /16s no scanner uses. */
static const uint32_t atk_net[3] = {
	(185u << 24) | (234u << 16), (193u << 24) | (32u << 16),
	(45u << 24) | (148u << 16),
};

static int
attack_net(uint32_t ip)
{
	int i;

	for (i = 0; i < 3; i++)
		if ((ip & 0xFFFF0000u) == atk_net[i])
			return 1;
	return 0;
}

/*
 * Quiet windows: the background leaves a user alone on sudo for ten
 * minutes around each sudo burst against that user, so the attack's count
 * is exactly the manifest's.
 */
static int
attack_user_near(uint32_t user, int64_t t)
{
	size_t i;

	for (i = 0; i < natk; i++)
		if (atk[i].kind == A_SUDO && atk[i].user == user &&
		    t > atk[i].start - 600 && t < atk[i].end + 600)
			return 1;
	return 0;
}

/* One connection failing once: the pam line, the failure, the goodbye. */
static int64_t
one_failure(struct rng *r, int64_t t, int h, uint32_t user, int invalid,
	    uint32_t ip)
{
	uint32_t pid = newpid(r, h), port = eport(r);
	struct line l;

	if (invalid) {
		l = mk(t, L_SSH_INVALID, h, user, ip, pid, port);
		queue(&l);
		l = mk(t, L_SSH_CHECKPASS, h, user, ip, pid, port);
		queue(&l);
	}
	l = mk(t, L_SSH_PAM_AUTHFAIL, h, user, ip, pid, port);
	l.flag = (uint8_t)invalid;
	queue(&l);
	t += 2;
	l = mk(t, L_SSH_FAIL, h, user, ip, pid, port);
	l.flag = (uint8_t)invalid;
	queue(&l);
	l = mk(t, L_SSH_RECV_DISC_BYE, h, user, ip, pid, port);
	queue(&l);
	l = mk(t, L_SSH_DISC_PREAUTH, h, user, ip, pid, port);
	l.flag = (uint8_t)invalid;
	queue(&l);
	return t;
}

/*
 * Play attack A: queue its lines when DRY is 0, or only work out its end
 * and counts when 1 (planning).  What the manifest says (times, counts) is
 * drawn from r, the same in both runs; what it does not (pids, ports) from
 * c, which only the real run uses.
 */
static void
play(struct attack *a, int dry)
{
	struct rng r = {a->seed}, c = {a->seed ^ 0xC05E71CULL};
	struct line l;
	int64_t t = a->start;
	uint32_t i, n, users[NGUESS];
	uint32_t pid, port, sess, tty;
	int h = a->host;

	switch (a->kind) {
	case A_BRUTE:
	case A_SUCCESS: {
		static const uint32_t who[3] = {ROOT, GUESS0, GUESS0 + 5};
		uint32_t step = range(&r, 2, 5);

		n = a->kind == A_BRUTE ? range(&r, 12, 120) : range(&r, 12, 40);
		a->count = n;
		for (i = 0; i < n; i++) {
			uint32_t u = who[pick(&r, 3)];
			int64_t tf = t + 2;

			/* admin and ubuntu are no accounts here */
			if (!dry)
				tf = one_failure(&c, t, h, u, u != ROOT, a->ip);
			a->end = tf; /* the Failed password line */
			t += step;
		}
		a->users = 1;
		if (a->kind == A_BRUTE)
			break;
		t = a->end + range(&r, 20, 240);
		a->end = t;
		a->user = ROOT;
		if (dry)
			break;
		pid = newpid(&c, h), port = eport(&c);
		sess = ++hs[h].session;
		l = mk(t, L_SSH_ACCEPT, h, ROOT, a->ip, pid, port);
		l.flag = 1;
		queue(&l);
		q(t, L_SSH_SESS_OPEN, h, ROOT, a->ip, pid, port);
		l = mk(t, L_LOGIND_NEW, h, ROOT, 0, 700 + (uint32_t)h, 0);
		l.n = sess;
		queue(&l);
		t += range(&c, 60, 900);
		q(t, L_SSH_RECV_DISC_USER, h, ROOT, a->ip, pid, port);
		q(t, L_SSH_DISC_USER, h, ROOT, a->ip, pid, port);
		q(t, L_SSH_SESS_CLOSE, h, ROOT, a->ip, pid, port);
		l = mk(t, L_LOGIND_LOGOUT, h, ROOT, 0, 700 + (uint32_t)h, 0);
		l.n = sess;
		queue(&l);
		l.kind = L_LOGIND_REMOVED;
		queue(&l);
		break;
	}
	case A_SPRAY: {
		uint32_t k = range(&r, 12, 30), twice = k <= 18 && chance(&r, 300);
		int hosts[NHOSTS];

		/* k distinct names, each on another host, in turn */
		for (i = 0; i < NGUESS; i++)
			users[i] = GUESS0 + i;
		for (i = 0; i < k; i++) {
			uint32_t j = i + pick(&r, NGUESS - i), tmp = users[i];

			users[i] = users[j], users[j] = tmp;
		}
		for (i = 0; i < NHOSTS; i++)
			hosts[i] = (int)i;
		for (i = 0; i < NPUBLIC; i++) {
			uint32_t j = i + pick(&r, NPUBLIC - i);
			int tmp = hosts[i];

			hosts[i] = hosts[j], hosts[j] = tmp;
		}
		n = 0;
		for (i = 0; i < k; i++) {
			uint32_t rep, reps = twice ? 2 : 1;
			int hh = hosts[i % NPUBLIC];

			for (rep = 0; rep < reps; rep++) {
				int64_t tf = t + 2;

				/* the fixed table's guesses are not accounts */
				if (!dry)
					tf = one_failure(&c, t, hh, users[i], 1,
							 a->ip);
				a->end = tf;
				n++;
				t += range(&r, 4, 8);
			}
		}
		a->count = n;
		a->users = k;
		a->host = -1;
		break;
	}
	case A_SUDO: {
		uint32_t step = range(&r, 8, 35);

		n = range(&r, 5, 8);
		tty = range(&r, 0, 4);
		a->count = n;
		a->users = 1;
		for (i = 0; i < n; i++) {
			a->end = t + 3;
			if (!dry) {
				l = mk(t, L_SUDO_PAMFAIL, h, a->user, 0, 0, 0);
				l.tty = (uint8_t)tty;
				queue(&l);
				l = mk(t + 3, L_SUDO_INCORRECT, h, a->user, 0, 0, 0);
				l.tty = (uint8_t)tty;
				l.n = range(&c, 1, 3);
				l.aux = (uint16_t)(chance(&c, 500) ? 15 : 10);
				queue(&l);
			}
			t += step;
		}
		break;
	}
	case A_NEWSUDO: {
		uint32_t how = pick(&r, 3), gid = a->user - NEW_BASE + 1100;
		uint32_t admin = pick(&r, NSTAFF), delay = 0;

		a->count = 2;
		a->users = 1;
		tty = range(&r, 0, 4);
		/* useradd -G adds in the same second, the others later */
		if (how != 0)
			delay = range(&r, 15, 540);
		a->end = t + 1 + delay;
		if (dry)
			break;
		l = mk(t, L_SUDO_CMD, h, admin, 0, 0, 0);
		l.tty = (uint8_t)tty;
		l.aux = 15; /* /bin/bash */
		queue(&l);
		q(t, L_SUDO_SESS_OPEN, h, admin, 0, 0, 0);
		pid = newpid(&c, h);
		l = mk(t + 1, L_NEW_GROUP, h, a->user, 0, pid, 0);
		l.n = gid;
		queue(&l);
		l = mk(t + 1, L_USERADD, h, a->user, 0, pid, 0);
		l.n = gid;
		l.tty = (uint8_t)tty;
		queue(&l);
		if (how == 0) {
			l = mk(t + 1, L_ADD_GROUP, h, a->user, 0, pid, 0);
			l.flag = 1;
			queue(&l);
			l.kind = L_ADD_SHADOW_GROUP;
			queue(&l);
		} else if (how == 1) {
			l = mk(a->end, L_ADD_GROUP, h, a->user, 0,
			       newpid(&c, h), 0);
			queue(&l);
			l.kind = L_ADD_SHADOW_GROUP;
			queue(&l);
		} else {
			l = mk(a->end, L_GPASSWD, h, a->user, 0,
			       newpid(&c, h), 0);
			queue(&l);
		}
		q(a->end + range(&c, 5, 120), L_SUDO_SESS_CLOSE, h, admin, 0, 0,
		  0);
		break;
	}
	case A_NKINDS:
		break;
	}
}

static void
plan(uint64_t seed, int64_t span, uint32_t per, FILE *mf)
{
	struct rng r = {seed ^ 0xA77AC4ULL};
	size_t i, total = (size_t)per * A_NKINDS;
	int64_t slot;
	uint32_t ipn = 0;

	if (total == 0)
		return;
	atk = calloc(total, sizeof *atk);
	if (atk == NULL) {
		fprintf(stderr, "gen_authlog: out of memory\n");
		exit(70);
	}
	slot = span / (int64_t)total;
	for (i = 0; i < total; i++) {
		struct attack *a = &atk[natk++];

		a->kind = (enum akind)(i % A_NKINDS);
		a->seed = rnd(&r);
		/* a random point in the middle half of its slot, so attacks
		 * never overlap and none runs past the end */
		a->start = t0 + (int64_t)i * slot + slot / 4 +
			   (int64_t)pick(&r, (uint32_t)(slot / 2 > 1 ? slot / 2 : 1));
		ipn++;
		a->ip = atk_net[ipn % 3] | (range(&r, 1, 254) << 8) |
			range(&r, 1, 254);
		switch (a->kind) {
		case A_BRUTE:
		case A_SUCCESS:
			a->host = (int)pick(&r, NPUBLIC);
			a->user = ROOT;
			break;
		case A_SPRAY:
			a->host = -1;
			break;
		case A_SUDO:
			a->host = (int)pick(&r, NHOSTS);
			a->user = pick(&r, NSTAFF);
			a->ip = 0;
			break;
		case A_NEWSUDO:
			a->host = (int)pick(&r, NHOSTS);
			a->user = NEW_BASE + (uint32_t)(i / A_NKINDS);
			a->ip = 0;
			break;
		case A_NKINDS:
			break;
		}
		play(a, 1);
	}
	for (i = 0; i < natk; i++) {
		static const char *const rules[A_NKINDS] = {
			"\"2f059992-a427-466f-a276-2a10ddcbd5cd\"",
			"\"4785ef58-dce4-4c2e-8cd6-74fd3f0067fb\"",
			"\"2f059992-a427-466f-a276-2a10ddcbd5cd\", "
			"\"383be0f5-f179-4cd4-b835-ba832dc4c45c\"",
			"\"391e611d-1b0f-4655-9692-a4e7e933e298\"",
			"\"2a79d5cc-1b01-4063-a873-e119c8e1323a\"",
		};
		struct attack *a = &atk[i];
		char s[32], e[32], ip[20] = "", user[64] = "";

		iso(a->start, s, sizeof s);
		iso(a->end, e, sizeof e);
		if (a->ip)
			snprintf(ip, sizeof ip, "%u.%u.%u.%u", a->ip >> 24,
				 (a->ip >> 16) & 255, (a->ip >> 8) & 255,
				 a->ip & 255);
		if (a->kind != A_SPRAY && name_s(a->user, user, sizeof user) != 0)
			user[0] = '\0';
		fprintf(mf, "{\"kind\": \"%s\", \"host\": \"%s\", "
			"\"src_ip\": \"%s\", \"user\": \"%s\", \"start\": \"%s\", "
			"\"end\": \"%s\", \"count\": %u, \"users\": %u, "
			"\"rules\": [%s]}\n",
			akname[a->kind], a->host >= 0 ? hostname[a->host] : "",
			ip, user, s, e, a->count, a->users, rules[a->kind]);
	}
}

/* ---- the background ---------------------------------------------------------------- */

static struct rng bg;
static uint32_t scan_visits;
static int64_t last_typo[NSTAFF + NAUTO], last_sudo_fail[NSTAFF + NAUTO];

/*
 * A scanner's address: visit number v through a bijection of the 32-bit
 * space, skipping private, reserved and the attackers' networks, so that
 * no address comes back for a very long time.
 */
static uint32_t
scanner_ip(void)
{
	for (;;) {
		uint32_t ip = (scan_visits++ + 0x1234567u) * 2654435761u;
		uint32_t a = ip >> 24, b = (ip >> 16) & 255;

		if (a == 0 || a == 10 || a == 127 || a >= 224 ||
		    (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
		    (a == 169 && b == 254) || (a == 100 && b >= 64 && b < 128) ||
		    (ip & 255) == 0 || (ip & 255) == 255 || attack_net(ip))
			continue;
		return ip;
	}
}

static void
sudo_cmd(int64_t t, int h, uint32_t u, uint32_t tty)
{
	struct line l = mk(t, L_SUDO_CMD, h, u, 0, 0, 0);
	uint32_t i = u < NSTAFF + NAUTO ? u : 0;

	l.tty = (uint8_t)tty;
	l.aux = (uint16_t)pick(&bg, NCOMMANDS - 1);
	if (l.aux == 15)
		l.aux = 16; /* an interactive root shell is the attacks' */
	if (u < NSTAFF && chance(&bg, 40)) {
		/* a mistyped password; rarely the user gives up */
		struct line f = l;

		f.kind = L_SUDO_PAMFAIL;
		queue(&f);
		if (chance(&bg, 150) && t - last_sudo_fail[i] > 600 &&
		    !attack_user_near(u, t)) {
			last_sudo_fail[i] = t;
			f.kind = L_SUDO_INCORRECT;
			f.t = t + 4;
			f.n = 1;
			queue(&f);
			return;
		}
		l.t = t += 4;
	}
	queue(&l);
	q(t, L_SUDO_SESS_OPEN, h, u, 0, 0, 0);
	q(t + range(&bg, 0, 20), L_SUDO_SESS_CLOSE, h, u, 0, 0, 0);
}

static void
ssh_session(int64_t t)
{
	uint32_t u = pick(&bg, NSTAFF + NAUTO), ip = home_ip(u);
	int h = (int)pick(&bg, NHOSTS);
	uint32_t pid, port, sess, tty, i, nsudo;
	int password = u < NSTAFF && chance(&bg, 250);
	int64_t len, end;
	struct line l;

	if (u < NSTAFF && password && chance(&bg, 120) &&
	    t - last_typo[u] > 600) {
		/* one or two mistyped passwords first */
		uint32_t k = range(&bg, 1, 2);

		last_typo[u] = t;
		pid = newpid(&bg, h), port = eport(&bg);
		q(t, L_SSH_PAM_AUTHFAIL, h, u, ip, pid, port);
		for (i = 0; i < k; i++) {
			t += range(&bg, 2, 6);
			q(t, L_SSH_FAIL, h, u, ip, pid, port);
		}
		t += range(&bg, 3, 8);
	} else {
		pid = newpid(&bg, h), port = eport(&bg);
	}
	sess = ++hs[h].session;
	tty = sess % 8;
	l = mk(t, L_SSH_ACCEPT, h, u, ip, pid, port);
	l.flag = (uint8_t)password;
	queue(&l);
	q(t, L_SSH_SESS_OPEN, h, u, ip, pid, port);
	l = mk(t, L_LOGIND_NEW, h, u, 0, 700 + (uint32_t)h, 0);
	l.n = sess;
	queue(&l);
	/* automation: seconds; people: minutes to an hour or two */
	len = u >= NSTAFF ? range(&bg, 2, 40)
			  : range(&bg, 30, chance(&bg, 200) ? 7200 : 1200);
	end = t + len;
	nsudo = u >= NSTAFF ? range(&bg, 1, 3) : pick(&bg, 4);
	for (i = 0; i < nsudo; i++) {
		int64_t ts = t + 1 + pick(&bg, (uint32_t)len);

		if (u >= NSTAFF) {
			/* passwordless: no pam session noise beyond these */
			l = mk(ts, L_SUDO_CMD, h, u, 0, 0, 0);
			l.tty = (uint8_t)tty;
			l.aux = (uint16_t)(u == NSTAFF + 1 ? 17 : 2 + pick(&bg, 2));
			queue(&l);
			q(ts, L_SUDO_SESS_OPEN, h, u, 0, 0, 0);
			q(ts + 1, L_SUDO_SESS_CLOSE, h, u, 0, 0, 0);
		} else
			sudo_cmd(ts, h, u, tty);
	}
	if (u < NSTAFF && chance(&bg, 30)) {
		int64_t ts = t + 1 + pick(&bg, (uint32_t)len);
		uint32_t spid = newpid(&bg, h);

		l = mk(ts, L_SU_TO, h, u, 0, spid, 0);
		l.tty = (uint8_t)tty;
		queue(&l);
		q(ts, L_SU_OPEN, h, u, 0, spid, 0);
		q(ts + range(&bg, 5, 300), L_SU_CLOSE, h, u, 0, spid, 0);
	}
	q(end, L_SSH_RECV_DISC_USER, h, u, ip, pid, port);
	q(end, L_SSH_DISC_USER, h, u, ip, pid, port);
	q(end, L_SSH_SESS_CLOSE, h, u, ip, pid, port);
	l = mk(end, L_LOGIND_LOGOUT, h, u, 0, 700 + (uint32_t)h, 0);
	l.n = sess;
	queue(&l);
	l.kind = L_LOGIND_REMOVED;
	queue(&l);
}

static void
scanner(int64_t t)
{
	uint32_t ip = scanner_ip(), what = pick(&bg, 100), i, n;
	int h = (int)pick(&bg, NPUBLIC);
	uint32_t pid = newpid(&bg, h), port = eport(&bg);

	if (what < 15) {
		/* a banner grab */
		q(t, L_SSH_KEX_CLOSED, h, 0, ip, pid, port);
		q(t, L_SSH_CONN_CLOSED, h, 0, ip, pid, port);
		return;
	}
	if (what < 25) {
		q(t, L_SSH_NEGOTIATE, h, 0, ip, pid, port);
		return;
	}
	if (what < 30) {
		/* several passwords on one connection, folded by rsyslog */
		struct line l;

		q(t, L_SSH_PAM_AUTHFAIL, h, ROOT, ip, pid, port);
		t += 2;
		q(t, L_SSH_FAIL, h, ROOT, ip, pid, port);
		l = mk(t + 4, L_SSH_REPEATED_FAIL, h, ROOT, ip, pid, port);
		l.n = 2;
		queue(&l);
		q(t + 4, L_SSH_MAXAUTH, h, ROOT, ip, pid, port);
		l = mk(t + 4, L_SSH_PAM_MORE, h, ROOT, ip, pid, port);
		l.n = 2;
		queue(&l);
		return;
	}
	/* one to three connections, one password each */
	n = range(&bg, 1, 3);
	for (i = 0; i < n; i++) {
		uint32_t u = chance(&bg, 550) ? ROOT : GUESS0 + pick(&bg, NGUESS);

		t = one_failure(&bg, t, h, u, u != ROOT, ip) + range(&bg, 1, 5);
	}
}

static void
cron_job(int64_t t)
{
	int h = (int)pick(&bg, NHOSTS);
	uint32_t pid = newpid(&bg, h);
	uint32_t u = chance(&bg, 800) ? ROOT : NSTAFF + 3; /* root or backup */

	/* cron runs on the minute */
	t += 60 - (t - t0) % 60;
	q(t, L_CRON_OPEN, h, u, 0, pid, 0);
	q(t + pick(&bg, 30), L_CRON_CLOSE, h, u, 0, pid, 0);
}

static uint32_t nsvc;

static void
admin_change(int64_t t)
{
	int h = (int)pick(&bg, NHOSTS);
	uint32_t what = pick(&bg, 10), pid = newpid(&bg, h);
	struct line l;

	if (what < 3) {
		/* a service account, system uid, no login, no sudo */
		uint32_t u = SVC_BASE + nsvc++, gid = uid_of(u);

		l = mk(t, L_GROUPADD, h, u, 0, pid, 0);
		l.n = gid;
		queue(&l);
		q(t, L_GROUPADD_SHADOW, h, u, 0, pid, 0);
		pid = newpid(&bg, h);
		l = mk(t, L_USERADD, h, u, 0, pid, 0);
		l.n = gid;
		l.flag = 1;
		queue(&l);
	} else if (what < 7) {
		/* staff joining a group, now and then sudo: a long-standing
		 * account, so no new-user correlation */
		l = mk(t, L_ADD_GROUP, h, pick(&bg, NSTAFF), 0, pid, 0);
		l.aux = (uint16_t)(chance(&bg, 150) ? 0 : 1 + pick(&bg, 4));
		queue(&l);
		l.kind = L_ADD_SHADOW_GROUP;
		queue(&l);
	} else {
		q(t, L_PASSWD, h, pick(&bg, NSTAFF), 0, pid, 0);
	}
}

/* One episode of background traffic, its kind by the hour. */
static void
background(int64_t t)
{
	int hour = (int)((t - t0) % DAY / 3600);
	int work = hour >= 8 && hour < 19;
	uint32_t w = pick(&bg, 1000);

	if (w < (work ? 300u : 90u))
		ssh_session(t);
	else if (w < (work ? 330u : 100u))
		sudo_cmd(t, (int)pick(&bg, NHOSTS), pick(&bg, NSTAFF),
			 range(&bg, 0, 7));
	else if (w < 520)
		cron_job(t);
	else if (w < 522)
		admin_change(t);
	else
		scanner(t);
}

/* ---- main ------------------------------------------------------------------------- */

static int
parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': n *= 1000ULL; end++; break;
	case 'm': case 'M': n *= 1000000ULL; end++; break;
	case 'g': case 'G': n *= 1000000000ULL; end++; break;
	default: break;
	}
	if (*end == 'B')
		end++;
	if (*end != '\0' || n == 0)
		return -1;
	*v = n;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen_authlog [-s SEED] [-d DAYS] [-a ATTACKS] "
		"[-m MANIFEST] [-o OUT] SIZE[K|M|G]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	uint64_t size = 0, seed = 1, days = 7, per = 10, v;
	const char *oname = NULL, *mname = NULL;
	FILE *mf = stderr;
	int64_t span, t1;
	struct timespec a, b;
	double secs, avg;
	int i, h;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (o[0] == '-' && o[1] != '\0' && o[2] == '\0' && i + 1 < argc) {
			const char *arg = argv[++i];

			switch (o[1]) {
			case 's': if (parse_size(arg, &seed)) usage(); break;
			case 'd': if (parse_size(arg, &days) || days > 300) usage(); break;
			case 'a':
				if (strcmp(arg, "0") == 0)
					per = 0;
				else if (parse_size(arg, &per) || per > 10000)
					usage();
				break;
			case 'm': mname = arg; break;
			case 'o': oname = arg; break;
			default: usage();
			}
		} else if (size == 0 && o[0] != '-' && parse_size(o, &v) == 0)
			size = v;
		else
			usage();
	}
	if (size == 0)
		usage();
	out = stdout;
	if (oname && (out = fopen(oname, "w")) == NULL) {
		fprintf(stderr, "gen_authlog: %s: %s\n", oname, strerror(errno));
		return 74;
	}
	if (mname && (mf = fopen(mname, "w")) == NULL) {
		fprintf(stderr, "gen_authlog: %s: %s\n", mname, strerror(errno));
		return 74;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);

	t0 = days_from_civil(YEAR, 3, 2) * DAY;
	span = (int64_t)days * DAY;
	t1 = t0 + span;
	bg.s = seed;
	for (h = 0; h < NHOSTS; h++)
		hs[h].pid = 1000 + pick(&bg, 20000), hs[h].session = pick(&bg, 900);
	plan(seed, span, (uint32_t)per, mf);
	if (mf != stderr && fclose(mf) != 0) {
		fprintf(stderr, "gen_authlog: %s: %s\n", mname, strerror(errno));
		return 74;
	}

	/*
	 * The clock runs a second at a time; each second queues background
	 * episodes until what is written and waiting reaches the share of SIZE
	 * due by then (the waiting lines counted at the average length so far).
	 */
	for (now = t0; now < t1; now++) {
		uint64_t target = (uint64_t)((double)size *
					     (double)(now - t0 + 1) / (double)span);

		drain(now);
		while (nextatk < natk && atk[nextatk].start <= now)
			play(&atk[nextatk++], 0);
		avg = nlines ? (double)(written + olen) / (double)nlines : 110.0;
		while ((double)(written + olen) + (double)npending * avg <
		       (double)target) {
			size_t before_n = npending;
			uint64_t before_l = nlines;

			background(now);
			if (npending == before_n && nlines == before_l)
				break;
			avg = nlines ? (double)(written + olen) / (double)nlines
				     : 110.0;
		}
	}
	/* what is still waiting: logouts, the end of the last attack */
	for (; npending > 0; now++)
		drain(now);
	flush_out();
	if (fflush(out) != 0 || (oname && fclose(out) != 0)) {
		fprintf(stderr, "gen_authlog: write: %s\n", strerror(errno));
		return 74;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	fprintf(stderr, "gen_authlog: %llu bytes, %llu lines, %zu attacks in "
		"%.2f s (%.0f MB/s)\n", (unsigned long long)written,
		(unsigned long long)nlines, natk, secs,
		secs > 0 ? (double)written / 1e6 / secs : 0.0);
	for (h = 0; h < WHEEL; h++)
		free(wheel[h].v);
	free(atk);
	return 0;
}
