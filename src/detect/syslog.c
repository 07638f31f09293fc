/*
 * syslog: the syslog event reader.  One line is one event: RFC 5424
 * ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG") and RFC 3164 / what
 * rsyslog and journald write to files ("[<PRI>]Mmm dd hh:mm:ss HOST
 * TAG[PID]: MSG", or an ISO timestamp in place of "Mmm dd hh:mm:ss").
 *
 * Fields: host, program, pid, message, and facility, severity, msgid,
 * structured_data when the line has them; "sshd(pam_unix)" gives program
 * sshd and module pam_unix.  The messages of the programs that matter for
 * authentication are parsed into named fields (action, outcome, user,
 * src_ip, src_port, auth_method, target_user, command, group, attempts...):
 * sshd, pam_unix (any program), sudo, su, useradd, usermod, userdel,
 * groupadd, groupdel and gpasswd; docs/detection-events.md lists every
 * message kind and its fields.  A message that is not one of those kinds is
 * still an event, with the message field alone.
 *
 * A 3164 timestamp has no year and no zone: the year comes from the
 * caller, or the file's mtime, and moves on when the month jumps back
 * (Dec -> Jan); the zone is the caller's utc_offset (default UTC).
 *
 * It refuses, as a bad record with its line and column: a line over
 * max_record bytes (skipped up to its end), invalid UTF-8, an invalid PRI
 * and a line without a timestamp where one must be (a continuation of a
 * multi-line message).  Blank lines are skipped silently.
 */
#include "event_int.h"

enum sf {
	S_HOST, S_PROGRAM, S_PID, S_MESSAGE, S_FACILITY, S_SEVERITY, S_MSGID,
	S_SD, S_MODULE, S_ACTION, S_OUTCOME, S_USER, S_SRC_IP, S_SRC_PORT,
	S_AUTH_METHOD, S_TARGET_USER, S_COMMAND, S_TTY, S_PWD, S_ATTEMPTS,
	S_GROUP, S_UID, S_GID, S_HOME, S_SHELL, S_SERVICE, S_PAM_TYPE, S_RHOST,
	S_RUSER, S_LOGNAME, S_EUID, S_PROTOCOL, S_INVALID_USER, S_SRC_HOST,
	S_REASON, S_SRC_USER, S_REPEATED, S_NFIELDS
};

#define N(s) {s, sizeof s - 1}
static const struct {
	const char *s;
	size_t n;
} sname[S_NFIELDS] = {
	N("host"), N("program"), N("pid"), N("message"), N("facility"),
	N("severity"), N("msgid"), N("structured_data"), N("module"),
	N("action"), N("outcome"), N("user"), N("src_ip"), N("src_port"),
	N("auth_method"), N("target_user"), N("command"), N("tty"), N("pwd"),
	N("attempts"), N("group"), N("uid"), N("gid"), N("home"), N("shell"),
	N("service"), N("pam_type"), N("rhost"), N("ruser"), N("logname"),
	N("euid"), N("protocol"), N("invalid_user"), N("src_host"),
	N("reason"), N("src_user"), N("repeated"),
};
#undef N

/* A bounded cursor over the message. */
struct cur {
	const char *p, *e;
};

struct sy {
	struct fl_reader *r;
	int full; /* max_fields reached or scratch full: the line is bad */
};

void
fl_syslog_setup(struct fl_reader *r)
{
	int i;

	for (i = 0; i < S_NFIELDS; i++)
		r->sy_key[i] = r->keys ?
		    fl_keys_find(r->keys, sname[i].s, sname[i].n) : FL_KEY_NONE;
}

static void
add(struct sy *y, enum sf f, const char *p, size_t n)
{
	if (fl_r_field(y->r, sname[f].s, sname[f].n, p, n, FL_V_STR,
		       y->r->sy_key[f]) != 0)
		y->full = 1;
}

static void
adds(struct sy *y, enum sf f, struct fl_slice v)
{
	add(y, f, v.p, v.n);
}

/* A constant value, copied so that every value lies in the reader's
 * buffers. */
#define addc(y, f, s) addc_n((y), (f), (s), sizeof(s) - 1)
static void
addc_n(struct sy *y, enum sf f, const char *s, size_t n)
{
	const char *q = fl_r_scratch(y->r, s, n);

	if (q == NULL)
		y->full = 1;
	else
		add(y, f, q, n);
}

/* The same for a constant chosen at run time. */
static void
addv(struct sy *y, enum sf f, const char *s)
{
	addc_n(y, f, s, strlen(s));
}

/* EAT(c, "literal"): consume the literal if the cursor is on it. */
#define EAT(c, lit) eat_n((c), (lit), sizeof(lit) - 1)
static int
eat_n(struct cur *c, const char *lit, size_t n)
{
	if ((size_t)(c->e - c->p) < n || memcmp(c->p, lit, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* Bytes up to the first byte in STOP (or the end).  Tokens are short and
 * stop sets one to four bytes, so a plain loop beats a library call per
 * byte; a single stop byte is a memchr over the rest. */
static struct fl_slice
upto(struct cur *c, const char *stop)
{
	struct fl_slice s;
	const char *p = c->p, *q;

	s.p = p;
	if (stop[0] == '\0') {
		p = c->e;
	} else if (stop[1] == '\0') {
		q = memchr(p, stop[0], (size_t)(c->e - p));
		p = q ? q : c->e;
	} else {
		for (; p < c->e; p++) {
			for (q = stop; *q; q++)
				if (*p == *q)
					goto out;
		}
	}
out:
	s.n = (size_t)(p - s.p);
	c->p = p;
	return s;
}

/* Bytes up to the first LIT, which is consumed; 0 when there is none. */
#define UNTIL(c, lit, out) until_n((c), (lit), sizeof(lit) - 1, (out))
static int
until_n(struct cur *c, const char *lit, size_t n, struct fl_slice *out)
{
	const char *f = memmem(c->p, (size_t)(c->e - c->p), lit, n);

	if (f == NULL)
		return 0;
	out->p = c->p;
	out->n = (size_t)(f - c->p);
	c->p = f + n;
	return 1;
}

static int
alldig(struct fl_slice s)
{
	size_t i;

	if (s.n == 0)
		return 0;
	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
}

/* An IPv4 or IPv6 literal (shape only: rules compare it as text). */
static int
is_ip(struct fl_slice s)
{
	size_t i, dots = 0, colons = 0;

	if (s.n < 2 || s.n > 45)
		return 0;
	for (i = 0; i < s.n; i++) {
		char ch = s.p[i];

		if (ch == '.')
			dots++;
		else if (ch == ':')
			colons++;
		else if (!((ch >= '0' && ch <= '9') ||
			   (colons && ((ch >= 'a' && ch <= 'f') ||
				       (ch >= 'A' && ch <= 'F')))))
			return 0;
	}
	return (dots == 3 && colons == 0) || colons >= 2;
}

/* The address at the cursor: a token, with a trailing ':' dropped
 * ("Received disconnect from 1.2.3.4: 11: ..."). */
static void
addr(struct sy *y, struct cur *c)
{
	struct fl_slice a = upto(c, " ");

	if (a.n > 0 && a.p[a.n - 1] == ':')
		a.n--;
	if (a.n == 0)
		return;
	if (is_ip(a))
		adds(y, S_SRC_IP, a);
	else
		adds(y, S_SRC_HOST, a);
}

/* " port N" at the cursor. */
static void
port(struct sy *y, struct cur *c)
{
	struct fl_slice n;

	if (!EAT(c, " port "))
		return;
	n = upto(c, " :");
	if (alldig(n))
		adds(y, S_SRC_PORT, n);
}

/* "[invalid user |authenticating user |user ]USER ADDR port N" */
static void
user_addr(struct sy *y, struct cur *c)
{
	struct fl_slice u;
	int who = 0;

	if (EAT(c, "invalid user ")) {
		who = 1;
		addc(y, S_INVALID_USER, "true");
	} else if (EAT(c, "authenticating user ") || EAT(c, "user "))
		who = 1;
	if (who) {
		u = upto(c, " ");
		if (u.n)
			adds(y, S_USER, u);
		EAT(c, " ");
	}
	addr(y, c);
	port(y, c);
}

/* key=value pairs separated by SEP (" " or ", "); known keys to fields. */
static void
kv(struct sy *y, struct cur *c, const char *sep)
{
#define KV(k, f) {k, sizeof k - 1, f}
	static const struct {
		const char *k;
		size_t n;
		enum sf f;
	} map[] = {
		KV("logname", S_LOGNAME), KV("uid", S_UID), KV("UID", S_UID),
		KV("euid", S_EUID), KV("tty", S_TTY), KV("ruser", S_RUSER),
		KV("rhost", S_RHOST), KV("user", S_USER), KV("GID", S_GID),
		KV("home", S_HOME), KV("shell", S_SHELL), KV("from", S_TTY),
	};
#undef KV
	struct fl_slice k, v;
	size_t i;

	while (c->p < c->e) {
		while (c->p < c->e && (*c->p == ' ' || *c->p == ','))
			c->p++;
		k = upto(c, "= ,");
		if (c->p >= c->e || *c->p != '=') {
			upto(c, sep[0] == ',' ? "," : " ");
			continue;
		}
		c->p++;
		v = upto(c, sep[0] == ',' ? "," : " ");
		for (i = 0; i < sizeof map / sizeof map[0]; i++) {
			if (k.n != map[i].n || memcmp(k.p, map[i].k, k.n))
				continue;
			if (v.n)
				add(y, map[i].f, v.p, v.n);
			if (map[i].f == S_RHOST && is_ip(v))
				adds(y, S_SRC_IP, v);
			break;
		}
	}
}

/* "name=X" in a useradd/groupadd message: user or group. */
static void
named_kv(struct sy *y, struct cur *c, enum sf name_field)
{
	struct cur k = *c;
	struct fl_slice v;

	if (UNTIL(&k, "name=", &v)) {
		v = upto(&k, ",");
		if (v.n)
			adds(y, name_field, v);
	}
	kv(y, c, ", ");
}

/* The body of a pam_unix message (after "pam_unix(svc:type): "). */
static void
pam_body(struct sy *y, struct cur *c)
{
	struct fl_slice u, n;

	if (EAT(c, "authentication failure; ")) {
		addc(y, S_ACTION, "auth_failure");
		addc(y, S_OUTCOME, "failure");
		kv(y, c, " ");
	} else if (EAT(c, "check pass; user unknown")) {
		addc(y, S_ACTION, "check_pass");
		addc(y, S_OUTCOME, "failure");
		addc(y, S_REASON, "user unknown");
	} else if (EAT(c, "session opened for user ")) {
		addc(y, S_ACTION, "session_open");
		u = upto(c, " (");
		if (u.n)
			adds(y, S_USER, u);
		if (EAT(c, "(uid=")) {
			n = upto(c, ")");
			if (alldig(n))
				adds(y, S_UID, n);
			EAT(c, ")");
		}
		if (EAT(c, " by ")) {
			u = upto(c, "(");
			if (u.n)
				adds(y, S_SRC_USER, u);
		}
	} else if (EAT(c, "session closed for user ")) {
		addc(y, S_ACTION, "session_close");
		u = upto(c, " ");
		if (u.n)
			adds(y, S_USER, u);
	} else if (EAT(c, "password changed for ")) {
		addc(y, S_ACTION, "password_change");
		u = upto(c, " ");
		if (u.n)
			adds(y, S_USER, u);
	}
}

/* "pam_X(service:type): body" at the cursor; 0 when it is not one. */
static int
pam(struct sy *y, struct cur *c)
{
	struct cur t = *c;
	struct fl_slice mod, svc, type;

	if ((size_t)(c->e - c->p) < 5 || memcmp(c->p, "pam_", 4) != 0)
		return 0;
	mod = upto(&t, "( ");
	if (!EAT(&t, "("))
		return 0;
	svc = upto(&t, ":)");
	type.p = t.p;
	type.n = 0;
	if (EAT(&t, ":"))
		type = upto(&t, ")");
	if (!EAT(&t, "): "))
		return 0;
	adds(y, S_MODULE, mod);
	if (svc.n)
		adds(y, S_SERVICE, svc);
	if (type.n)
		adds(y, S_PAM_TYPE, type);
	*c = t;
	pam_body(y, c);
	return 1;
}

static void
sshd(struct sy *y, struct cur *c)
{
	struct fl_slice v;
	int ok;

	if ((ok = EAT(c, "Accepted ")) || EAT(c, "Failed ")) {
		addc(y, S_ACTION, "login");
		addv(y, S_OUTCOME, ok ? "success" : "failure");
		v = upto(c, " ");
		if (v.n)
			adds(y, S_AUTH_METHOD, v);
		if (!EAT(c, " for "))
			return;
		if (EAT(c, "invalid user "))
			addc(y, S_INVALID_USER, "true");
		if (!UNTIL(c, " from ", &v))
			return;
		if (v.n)
			adds(y, S_USER, v);
		addr(y, c);
		port(y, c);
		if (EAT(c, " ")) {
			v = upto(c, ": ");
			if (v.n)
				adds(y, S_PROTOCOL, v);
		}
	} else if (EAT(c, "Invalid user ")) {
		addc(y, S_ACTION, "invalid_user");
		addc(y, S_OUTCOME, "failure");
		addc(y, S_INVALID_USER, "true");
		if (!UNTIL(c, " from ", &v))
			return;
		if (v.n)
			adds(y, S_USER, v);
		addr(y, c);
		port(y, c);
	} else if (EAT(c, "Connection closed by ") ||
		   EAT(c, "Disconnected from ")) {
		addc(y, S_ACTION, "disconnect");
		user_addr(y, c);
	} else if (EAT(c, "Received disconnect from ") ||
		   EAT(c, "error: Received disconnect from ")) {
		addc(y, S_ACTION, "disconnect");
		addr(y, c);
		port(y, c);
	} else if (EAT(c, "error: maximum authentication attempts exceeded for ")) {
		addc(y, S_ACTION, "max_attempts");
		addc(y, S_OUTCOME, "failure");
		if (EAT(c, "invalid user "))
			addc(y, S_INVALID_USER, "true");
		if (!UNTIL(c, " from ", &v))
			return;
		if (v.n)
			adds(y, S_USER, v);
		addr(y, c);
		port(y, c);
	} else if (EAT(c, "reverse mapping checking getaddrinfo for ")) {
		addc(y, S_ACTION, "reverse_mapping_failed");
		v = upto(c, " ");
		if (v.n)
			adds(y, S_SRC_HOST, v);
		if (EAT(c, " [")) {
			v = upto(c, "]");
			if (is_ip(v))
				adds(y, S_SRC_IP, v);
		}
	} else if (EAT(c, "Did not receive identification string from ")) {
		addc(y, S_ACTION, "no_identification");
		addr(y, c);
		port(y, c);
	} else if (EAT(c, "PAM ")) {
		v = upto(c, " ");
		if (alldig(v) && EAT(c, " more authentication failure")) {
			addc(y, S_ACTION, "auth_failures");
			addc(y, S_OUTCOME, "failure");
			adds(y, S_ATTEMPTS, v);
			UNTIL(c, "; ", &v);
			kv(y, c, " ");
		}
	} else
		pam(y, c);
}

/* "  USER : [N incorrect password attempts ; ]TTY=.. ; PWD=.. ; USER=..
 * ; COMMAND=..." */
static void
sudo(struct sy *y, struct cur *c)
{
	struct fl_slice u, seg, n;
	int failed = 0, any = 0;

	while (c->p < c->e && *c->p == ' ')
		c->p++;
	if (pam(y, c))
		return;
	if (!UNTIL(c, " : ", &u))
		return;
	for (;;) {
		struct cur s;

		if (EAT(c, "COMMAND=")) {
			adds(y, S_COMMAND, upto(c, ""));
			any = 1;
			break;
		}
		if (!UNTIL(c, " ; ", &seg)) {
			seg.p = c->p;
			seg.n = (size_t)(c->e - c->p);
			c->p = c->e;
		}
		s.p = seg.p;
		s.e = seg.p + seg.n;
		if (EAT(&s, "TTY=")) {
			adds(y, S_TTY, upto(&s, ""));
			any = 1;
		} else if (EAT(&s, "PWD="))
			adds(y, S_PWD, upto(&s, ""));
		else if (EAT(&s, "USER="))
			adds(y, S_TARGET_USER, upto(&s, ""));
		else if (EAT(&s, "GROUP="))
			adds(y, S_GROUP, upto(&s, ""));
		else if ((n = upto(&s, " ")).n && alldig(n) &&
			 EAT(&s, " incorrect password attempt")) {
			adds(y, S_ATTEMPTS, n);
			failed = any = 1;
		} else if (seg.n && memchr(seg.p, '=', seg.n) == NULL) {
			/* "user NOT in sudoers", "command not allowed" */
			add(y, S_REASON, seg.p, seg.n);
			failed = any = 1;
		}
		if (c->p >= c->e)
			break;
	}
	if (!any)
		return;
	while (u.n && u.p[u.n - 1] == ' ')
		u.n--;
	if (u.n)
		adds(y, S_USER, u);
	addc(y, S_ACTION, "sudo");
	addv(y, S_OUTCOME, failed ? "failure" : "success");
}

static void
su(struct sy *y, struct cur *c)
{
	struct fl_slice t, u;
	int ok;

	if (pam(y, c))
		return;
	if ((ok = EAT(c, "Successful su for ")) || EAT(c, "FAILED su for ")) {
		if (!UNTIL(c, " by ", &t))
			return;
		u = upto(c, " ");
		adds(y, S_TARGET_USER, t);
		if (u.n)
			adds(y, S_USER, u);
	} else if ((ok = EAT(c, "(to ")) || EAT(c, "FAILED SU (to ")) {
		if (!UNTIL(c, ") ", &t))
			return;
		u = upto(c, " ");
		adds(y, S_TARGET_USER, t);
		if (u.n)
			adds(y, S_USER, u);
		if (EAT(c, " on "))
			adds(y, S_TTY, upto(c, " "));
	} else if ((ok = EAT(c, "+ ")) || EAT(c, "- ")) {
		struct fl_slice tty = upto(c, " ");

		if (!EAT(c, " ") || !UNTIL(c, ":", &u))
			return;
		t = upto(c, " ");
		adds(y, S_TTY, tty);
		if (u.n)
			adds(y, S_USER, u);
		adds(y, S_TARGET_USER, t);
	} else
		return;
	addc(y, S_ACTION, "su");
	addv(y, S_OUTCOME, ok ? "success" : "failure");
}

/* 'NAME' at the cursor, quotes dropped. */
static int
quoted(struct cur *c, struct fl_slice *out)
{
	if (!EAT(c, "'"))
		return 0;
	*out = upto(c, "'");
	return EAT(c, "'");
}

/* useradd, usermod, userdel, groupadd, groupdel, gpasswd */
static void
account(struct sy *y, struct cur *c)
{
	struct fl_slice u, g;
	const char *act = NULL;
	int un;

	if (EAT(c, "new user: ")) {
		act = "user_add";
		named_kv(y, c, S_USER);
	} else if (EAT(c, "new group: ") || EAT(c, "group added to ")) {
		act = "group_add";
		named_kv(y, c, S_GROUP);
	} else if (EAT(c, "add ")) {
		if (!quoted(c, &u) || !(EAT(c, " to group ") ||
					EAT(c, " to shadow group ")) ||
		    !quoted(c, &g))
			return;
		act = "group_member_add";
		adds(y, S_USER, u);
		adds(y, S_GROUP, g);
	} else if (EAT(c, "failed adding user ")) {
		if (quoted(c, &u))
			adds(y, S_USER, u);
		addc(y, S_ACTION, "user_add");
		addc(y, S_OUTCOME, "failure");
		return;
	} else if (EAT(c, "delete user ")) {
		act = "user_delete";
		if (quoted(c, &u))
			adds(y, S_USER, u);
	} else if (EAT(c, "removed group ") || EAT(c, "group ")) {
		if (!quoted(c, &g))
			return;
		if (!EAT(c, " removed") && !EAT(c, " owned by "))
			return;
		act = "group_delete";
		adds(y, S_GROUP, g);
	} else if (EAT(c, "change user ")) {
		if (!quoted(c, &u))
			return;
		adds(y, S_USER, u);
		act = EAT(c, " password") ? "password_change" : "user_modify";
	} else if ((un = EAT(c, "unlock user ")) || EAT(c, "lock user ")) {
		if (!quoted(c, &u))
			return;
		adds(y, S_USER, u);
		act = un ? "user_unlock" : "user_lock";
	} else if (EAT(c, "user ")) {
		int addm;

		u = upto(c, " ");
		if ((addm = EAT(c, " added by ")) || EAT(c, " removed by ")) {
			struct fl_slice by = upto(c, " ");

			if (!(EAT(c, " to group ") || EAT(c, " from group ")))
				return;
			g = upto(c, " ");
			adds(y, S_USER, u);
			adds(y, S_SRC_USER, by);
			adds(y, S_GROUP, g);
			act = addm ? "group_member_add" : "group_member_remove";
		}
	} else
		pam(y, c);
	if (act) {
		addv(y, S_ACTION, act);
		addc(y, S_OUTCOME, "success");
	}
}

static int
prog_is(struct fl_slice p, const char *s)
{
	return p.n == strlen(s) && memcmp(p.p, s, p.n) == 0;
}

static void
message(struct sy *y, struct fl_slice prog, struct fl_slice module,
	struct fl_slice msg)
{
	struct cur c;

	c.p = msg.p;
	c.e = msg.p + msg.n;
	/* rsyslog: "message repeated 5 times: [ Failed password for ...]"
	   stands for five messages: the inner one is parsed, the count kept */
	if (EAT(&c, "message repeated ")) {
		struct fl_slice n = upto(&c, " ");

		if (alldig(n) && EAT(&c, " times: [ ") && c.e > c.p &&
		    c.e[-1] == ']') {
			c.e--;
			adds(y, S_REPEATED, n);
		} else {
			c.p = msg.p;
		}
	}
	if (module.n && module.n >= 4 && memcmp(module.p, "pam_", 4) == 0) {
		/* "sshd(pam_unix)[123]: authentication failure; ..." */
		adds(y, S_SERVICE, prog);
		pam_body(y, &c);
	} else if (prog_is(prog, "sshd"))
		sshd(y, &c);
	else if (prog_is(prog, "sudo"))
		sudo(y, &c);
	else if (prog_is(prog, "su"))
		su(y, &c);
	else if (prog_is(prog, "useradd") || prog_is(prog, "usermod") ||
		 prog_is(prog, "userdel") || prog_is(prog, "groupadd") ||
		 prog_is(prog, "groupdel") || prog_is(prog, "gpasswd"))
		account(y, &c);
	else
		pam(y, &c);
}

/* ---- the line ---------------------------------------------------------- */

static const char *const facilities[] = {"kern", "user", "mail", "daemon",
	"auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
	"ntp", "audit", "alert", "clock", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7"};
static const char *const severities[] = {"emerg", "alert", "crit", "err",
	"warning", "notice", "info", "debug"};

static int
month_of(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (memcmp(p, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

static int
dig2(const char *p, unsigned *v)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	*v = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
	return 0;
}

/* "Mmm dd hh:mm:ss" (day space- or zero-padded, or one digit) at the
 * cursor; fills the event time. */
static int
bsd_time(struct fl_reader *r, struct cur *c, struct fl_event *ev)
{
	const char *p = c->p;
	unsigned mon, day, hh, mi, ss;
	int64_t t;
	size_t n = (size_t)(c->e - p);

	if (n < 14 || (mon = (unsigned)month_of(p)) == 0 || p[3] != ' ')
		return -1;
	p += 4;
	if (p[0] == ' ' && p[1] >= '1' && p[1] <= '9') {
		day = (unsigned)(p[1] - '0');
		p += 2;
	} else if (p[1] == ' ' && p[0] >= '1' && p[0] <= '9') {
		day = (unsigned)(p[0] - '0');
		p += 1;
	} else if (dig2(p, &day) == 0)
		p += 2;
	else
		return -1;
	if ((size_t)(c->e - p) < 9 || p[0] != ' ' || dig2(p + 1, &hh) ||
	    p[3] != ':' || dig2(p + 4, &mi) || p[6] != ':' ||
	    dig2(p + 7, &ss) || day < 1 || day > 31 || hh > 23 || mi > 59 ||
	    ss > 60)
		return -1;
	p += 9;
	if (p < c->e && *p == '.') /* rsyslog's high-precision variant */
		while (++p < c->e && *p >= '0' && *p <= '9')
			;
	if (r->sy_year == 0) {
		int y = r->o.year;

		if (y == 0) {
			time_t ref = r->o.ref_time ? r->o.ref_time : fl_now();
			struct tm tm;

			gmtime_r(&ref, &tm);
			y = tm.tm_year + 1900;
			t = fl_days_from_civil(y, mon, day) * 86400;
			if (t > (int64_t)ref + 86400)
				y--; /* "Dec 31" read in January */
		}
		r->sy_year = y;
	} else if (mon + 6 < (unsigned)r->sy_month)
		r->sy_year++;
	r->sy_month = (int)mon;
	t = fl_days_from_civil(r->sy_year, mon, day) * 86400 + hh * 3600 +
	    mi * 60 + ss;
	ev->time = t - r->o.utc_offset;
	ev->nsec = 0;
	c->p = p;
	return 0;
}

/* An ISO timestamp token at the cursor. */
static int
iso_time(struct cur *c, struct fl_event *ev)
{
	struct cur t = *c;
	struct fl_slice s = upto(&t, " ");

	if (fl_event_parse_time(s.p, s.n, &ev->time, &ev->nsec) != 0)
		return -1;
	*c = t;
	return 0;
}

static void
tag(struct sy *y, struct cur *c, struct fl_slice *prog, struct fl_slice *mod)
{
	struct cur t = *c;
	struct fl_slice name = upto(&t, ":[ ");

	prog->n = mod->n = 0;
	prog->p = mod->p = c->p;
	if (t.p >= t.e || *t.p == ' ' || name.n == 0)
		return; /* no tag: the message starts here */
	if (*t.p == '[') {
		struct fl_slice pid;

		t.p++;
		pid = upto(&t, "]");
		if (!EAT(&t, "]"))
			return;
		EAT(&t, ":");
		if (pid.n)
			adds(y, S_PID, pid);
	} else
		t.p++; /* ':' */
	EAT(&t, " ");
	*prog = name;
	/* "sshd(pam_unix)" */
	if (name.n > 2 && name.p[name.n - 1] == ')') {
		const char *o = memchr(name.p, '(', name.n);

		if (o && o > name.p) {
			prog->n = (size_t)(o - name.p);
			mod->p = o + 1;
			mod->n = name.n - prog->n - 2;
		}
	}
	if (prog->n)
		adds(y, S_PROGRAM, *prog);
	if (mod->n)
		adds(y, S_MODULE, *mod);
	*c = t;
}

static void
rfc5424_sd(struct sy *y, struct cur *c)
{
	const char *s = c->p;
	int inq = 0;

	if (EAT(c, "-"))
		return;
	while (c->p < c->e && *c->p == '[') {
		for (c->p++; c->p < c->e; c->p++) {
			if (inq && *c->p == '\\' && c->p + 1 < c->e)
				c->p++;
			else if (*c->p == '"')
				inq = !inq;
			else if (!inq && *c->p == ']')
				break;
		}
		if (c->p < c->e)
			c->p++;
	}
	if (c->p > s)
		add(y, S_SD, s, (size_t)(c->p - s));
}

/* The token at the cursor unless it is the NILVALUE "-". */
static void
tok5424(struct sy *y, struct cur *c, enum sf f, struct fl_slice *out)
{
	struct fl_slice v = upto(c, " ");

	EAT(c, " ");
	if (out)
		*out = v;
	if (v.n && !(v.n == 1 && v.p[0] == '-'))
		adds(y, f, v);
	else if (out)
		out->n = 0;
}

/* The first invalid UTF-8 byte, or NULL. */
static const char *
bad_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;
	int l;

	while (s < e) {
		if (e - s >= 8) {
			uint64_t x;

			memcpy(&x, s, 8);
			if ((x & 0x8080808080808080ULL) == 0) {
				s += 8;
				continue;
			}
		}
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((l = fl_utf8_seq(s, (size_t)(e - s))) <= 0)
			return (const char *)s;
		s += l;
	}
	return NULL;
}

static enum fl_read
line_bad(struct fl_reader *r, struct fl_diag *d, unsigned long line,
	 const char *lp, const char *at, const char *msg)
{
	fl_diag_set(d, FL_E_SYNTAX, r->source, line,
		    (unsigned long)(at - lp) + 1, "%s", msg);
	return FL_READ_BAD;
}

static enum fl_read
parse_line(struct fl_reader *r, const char *lp, size_t n, unsigned long line,
	   struct fl_event *ev, struct fl_diag *d)
{
	struct sy y = {r, 0};
	struct cur c = {lp, lp + n};
	struct fl_slice prog = {lp, 0}, mod = {lp, 0}, host;
	const char *bad;
	int pri = -1;

	if ((bad = bad_utf8(lp, n)) != NULL)
		return line_bad(r, d, line, lp, bad, "invalid UTF-8");
	r->nfields = 0;
	r->scrlen = 0;
	if (EAT(&c, "<")) {
		struct fl_slice v = upto(&c, ">");
		long pv = 0;
		size_t i;

		if (!EAT(&c, ">") || v.n == 0 || v.n > 3 || !alldig(v))
			return line_bad(r, d, line, lp, lp, "invalid PRI");
		for (i = 0; i < v.n; i++)
			pv = pv * 10 + (v.p[i] - '0');
		if (pv > 191)
			return line_bad(r, d, line, lp, lp, "invalid PRI");
		pri = (int)pv;
		addv(&y, S_FACILITY, facilities[pri >> 3]);
		addv(&y, S_SEVERITY, severities[pri & 7]);
	}
	if (c.e - c.p >= 3 && c.p[0] == '1' && c.p[1] == ' ' &&
	    (c.p[2] == '-' || (c.p[2] >= '0' && c.p[2] <= '9'))) {
		/* RFC 5424 */
		c.p += 2;
		if (!EAT(&c, "- ")) {
			if (iso_time(&c, ev) != 0)
				return line_bad(r, d, line, lp, c.p,
						"invalid RFC 5424 timestamp");
			EAT(&c, " ");
		}
		tok5424(&y, &c, S_HOST, &host);
		if (host.n)
			ev->host = host;
		tok5424(&y, &c, S_PROGRAM, &prog);
		tok5424(&y, &c, S_PID, NULL);
		tok5424(&y, &c, S_MSGID, NULL);
		rfc5424_sd(&y, &c);
		EAT(&c, " ");
		if (c.e - c.p >= 3 && memcmp(c.p, "\xEF\xBB\xBF", 3) == 0)
			c.p += 3;
	} else {
		if (bsd_time(r, &c, ev) != 0 && iso_time(&c, ev) != 0)
			return line_bad(r, d, line, lp, c.p,
					"not a syslog line: no timestamp");
		while (c.p < c.e && *c.p == ' ')
			c.p++;
		/* HOST, unless the next token already is the tag */
		{
			struct cur t = c;
			struct fl_slice h = upto(&t, " [:");

			if (h.n && t.p < t.e && *t.p == ' ') {
				adds(&y, S_HOST, h);
				ev->host = h;
				c = t;
				while (c.p < c.e && *c.p == ' ')
					c.p++;
			}
		}
		tag(&y, &c, &prog, &mod);
	}
	while (c.e > c.p && (c.e[-1] == ' ' || c.e[-1] == '\t'))
		c.e--;
	add(&y, S_MESSAGE, c.p, (size_t)(c.e - c.p));
	{
		struct fl_slice msg = {c.p, (size_t)(c.e - c.p)};

		message(&y, prog, mod, msg);
	}
	if (y.full) {
		fl_diag_set(d, FL_E_LIMIT, r->source, line, 1,
			    "more than %zu fields", r->o.max_fields);
		return FL_READ_BAD;
	}
	fl_r_finish(r, ev, line);
	return FL_READ_OK;
}

enum fl_read
fl_syslog_next(struct fl_reader *r, struct fl_event *ev, struct fl_diag *d)
{
	size_t scanned = 0;
	int f;

	for (;;) {
		const char *p = r->buf + r->start, *e = r->buf + r->end;
		size_t avail = (size_t)(e - p), lim, n;
		const char *nl;
		unsigned long line;

		lim = avail < r->o.max_record + 2 ? avail : r->o.max_record + 2;
		nl = scanned < lim ? memchr(p + scanned, '\n', lim - scanned) :
		    NULL;
		if (nl == NULL) {
			if (avail > r->o.max_record + 1) {
				fl_diag_set(d, FL_E_LIMIT, r->source, r->line, 1,
					    "line longer than %zu bytes: skipped",
					    r->o.max_record);
				return fl_r_skip_line(r, d);
			}
			if (!r->eof) {
				scanned = avail;
				if ((f = fl_r_fill(r, d)) < 0)
					return FL_READ_FATAL;
				continue;
			}
			if (avail == 0)
				return FL_READ_END;
			nl = e; /* the last line has no newline */
		}
		n = (size_t)(nl - p);
		line = r->line;
		r->start += n + (nl < e);
		r->line += nl < e;
		r->col = 1;
		scanned = 0;
		if (n && p[n - 1] == '\r')
			n--;
		if (n > r->o.max_record) {
			fl_diag_set(d, FL_E_LIMIT, r->source, line, 1,
				    "line longer than %zu bytes: skipped",
				    r->o.max_record);
			return FL_READ_BAD;
		}
		{
			size_t i = 0;

			while (i < n && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i == n)
				continue; /* blank */
		}
		if (r->o.keep && !r->o.keep(r->o.keep_ctx, p, n)) {
			r->st.skipped++;
			continue;
		}
		return parse_line(r, p, n, line, ev, d);
	}
}
