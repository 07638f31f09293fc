/*
 * demo: build a demo workspace from data shipped in the binary.
 *
 * The demo is data, not code: data/demo/script.txt is a list of ordinary
 * firstline command lines run in order against DIR/firstline.db, so the
 * demo exercises exactly the code paths a user does (validation, audit
 * trail, escalations) and doubles as a worked example of the commands.
 * Script lines:
 *   # ...            a comment
 *   GROUP VERB ...   a command; its output is hidden, its errors are not
 *   @show GROUP ...  a command whose output is part of the summary
 *   @echo TEXT       a line of the summary
 *   @at DATE|now     run the following commands as if today were DATE
 *                    (sets $FIRSTLINE_NOW), so the demo has a history:
 *                    reviews that fell due, an acceptance that expired
 *   @let NAME GROUP VERB ...
 *                    a hidden command whose first line of output becomes
 *                    {NAME} in the lines after it (an incident's reference)
 * Words are split on blanks; "double quotes" group words (\" escapes).
 * {today}, {today+N}, {today-N} become dates relative to today, {now-Nh},
 * {now-Nm} and {now-Ns} times relative to now, and {dir} the workspace
 * folder (also inside the demo's log files, whose events stay recent), so
 * the demo's due dates, expiries and clocks stay realistic whenever it is
 * run.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEMO_MAX_WORDS 64

/* Values captured by "@let NAME COMMAND" (an incident's reference). */
#define DEMO_MAX_VARS 16
static struct {
	char name[24];
	char value[64];
} demo_var[DEMO_MAX_VARS];
static int demo_nvars;

/* The real today, taken once before any @at moves fl_now(). */
static time_t demo_today;
/* $FIRSTLINE_NOW as the user set it, restored by "@at now". */
static char demo_pin[32];

/*
 * A signed offset "+N" or "-N" at *p (none: 0), N at most max; *p moves
 * past it.  0 ok, -1 malformed.
 */
static int
offset(const char **p, long max, long *v)
{
	char num[8];
	size_t k = 0;
	int neg;

	*v = 0;
	if (**p != '+' && **p != '-')
		return 0;
	neg = **p == '-';
	(*p)++;
	while (**p >= '0' && **p <= '9' && k < sizeof num - 1)
		num[k++] = *(*p)++;
	num[k] = '\0';
	if (fl_parse_long(num, 0, max, v) != 0)
		return -1;
	if (neg)
		*v = -*v;
	return 0;
}

/*
 * Expand {today±N} (a date N days away), {now±Nh} and {now±Nm} (a time N
 * hours or minutes away, for the hour-long clocks of incidents) and {dir}
 * into b.
 */
static fl_err
expand(struct fl_buf *b, const char *s, const char *dir)
{
	fl_err rc = FL_OK;

	while (*s && rc == FL_OK) {
		if (strncmp(s, "{dir}", 5) == 0) {
			rc = fl_buf_puts(b, dir);
			s += 5;
		} else if (strncmp(s, "{today", 6) == 0) {
			const char *p = s + 6;
			long days;
			char date[11];

			if (offset(&p, 36500, &days) != 0 || *p != '}')
				return FL_E_SYNTAX;
			fl_time_date(demo_today + (time_t)days * 86400, date);
			rc = fl_buf_puts(b, date);
			s = p + 1;
		} else if (strncmp(s, "{now", 4) == 0) {
			const char *p = s + 4;
			long n, unit = 3600;
			char iso[21];

			if (offset(&p, 10000000, &n) != 0)
				return FL_E_SYNTAX;
			if (n != 0 && (*p == 'h' || *p == 'm' || *p == 's')) {
				unit = *p == 'h' ? 3600 : *p == 'm' ? 60 : 1;
				p++;
			} else if (n != 0) {
				return FL_E_SYNTAX;
			}
			if (*p != '}')
				return FL_E_SYNTAX;
			fl_time_iso(demo_today + (time_t)(n * unit), iso);
			rc = fl_buf_puts(b, iso);
			s = p + 1;
		} else if (*s == '{') {
			int i;
			size_t k;

			for (i = 0; i < demo_nvars; i++) {
				k = strlen(demo_var[i].name);
				if (strncmp(s + 1, demo_var[i].name, k) == 0 &&
				    s[1 + k] == '}')
					break;
			}
			if (i == demo_nvars)
				return FL_E_SYNTAX;
			rc = fl_buf_puts(b, demo_var[i].value);
			s += 2 + strlen(demo_var[i].name);
		} else {
			rc = fl_buf_putc(b, *s++);
		}
	}
	return rc;
}

/* Split line (modified in place) into words; returns the count or -1. */
static int
split_words(char *line, char **words, int max)
{
	int n = 0;
	char *r = line, *w;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0')
			return n;
		if (n == max)
			return -1;
		words[n++] = w = r;
		while (*r && *r != ' ' && *r != '\t') {
			if (*r == '"') {
				r++;
				while (*r && *r != '"') {
					if (*r == '\\' && r[1] == '"')
						r++;
					*w++ = *r++;
				}
				if (*r != '"')
					return -1;
				r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w = '\0';
	}
}

/*
 * Run one command line; its output is shown (show), or hidden, or with
 * capture (capsz > 0) its first line goes to capture.
 */
static int
run_line(const char *db, const char *actor, char **words, int n, int show,
	 char *capture, size_t capsz)
{
	char *argv[DEMO_MAX_WORDS + 8], dbw[4096], actorw[128];
	int argc = 0, i, code, saved = -1, devnull;
	FILE *cap = NULL;

	/* fl_cli_main takes argv as main does: writable strings */
	fl_strlcpy(dbw, db, sizeof dbw);
	fl_strlcpy(actorw, actor, sizeof actorw);

	argv[argc++] = (char *)"firstline";
	argv[argc++] = (char *)"--db";
	argv[argc++] = dbw;
	argv[argc++] = (char *)"--as";
	argv[argc++] = actorw;
	for (i = 0; i < n; i++)
		argv[argc++] = words[i];
	argv[argc] = NULL;
	fflush(stdout);
	if (capsz > 0) {
		capture[0] = '\0';
		if ((cap = tmpfile()) == NULL)
			return fl_cli_error(FL_EX_IO, "cannot create a "
					    "temporary file: %s", strerror(errno));
		saved = dup(STDOUT_FILENO);
		if (saved >= 0)
			dup2(fileno(cap), STDOUT_FILENO);
	} else if (!show) {
		devnull = open("/dev/null", O_WRONLY);
		saved = dup(STDOUT_FILENO);
		if (devnull >= 0 && saved >= 0)
			dup2(devnull, STDOUT_FILENO);
		if (devnull >= 0)
			close(devnull);
	}
	code = fl_cli_main(argc, argv);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	if (cap != NULL) {
		rewind(cap);
		if (fgets(capture, (int)capsz, cap) == NULL)
			capture[0] = '\0';
		capture[strcspn(capture, "\r\n")] = '\0';
		fclose(cap);
	}
	return code;
}

static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	size_t n = strlen(text), k = strlen(name);
	struct fl_buf b;
	int ok;

	/* logs: their times are relative to now, like the script's */
	fl_buf_init(&b, (size_t)16 << 20);
	if (k > 4 && strcmp(name + k - 4, ".log") == 0) {
		if (expand(&b, text, dir) != FL_OK) {
			fl_buf_release(&b);
			return fl_cli_error(FL_EX_SOFTWARE, "%s: a bad "
					    "placeholder", name);
		}
		text = fl_buf_str(&b);
		n = b.len;
	}

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		fl_buf_release(&b);
		return fl_cli_error(FL_EX_IO, "%s: cannot write: %s", path,
				    strerror(errno));
	}
	/* close the file on a short write too */
	ok = fwrite(text, 1, n, f) == n;
	fl_buf_release(&b);
	if (fclose(f) != 0 || !ok)
		return fl_cli_error(FL_EX_IO, "%s: cannot write: %s", path,
				    strerror(errno));
	return 0;
}

static const struct fl_opt demo_opts[] = {
	{"dir", FL_OPT_VALUE, "DIR", "workspace folder (default ./demo-workspace)"},
	{"force", FL_OPT_FLAG, NULL, "rebuild the workspace when it exists"},
	{NULL, 0, NULL, NULL}
};

static int
run_demo(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *dir = fl_arg(a, "dir") ? fl_arg(a, "dir") : "demo-workspace";
	const char *script = fl_data_text("script.txt");
	static const char *const files[] = {"assets.csv", "controls.csv",
					     "mapping.csv", "policy-approval.txt",
					     "nessus-internal-q3.nessus",
					     "nessus-internal-q4.nessus",
					     "trivy-mobile-api.json", "kev.json",
					     "epss.csv", "auth.log", NULL};
	char db[4096], suffix[4200], *copy, *line, *next;
	const char *actor = "itso@nordhafen.example";
	struct stat sb;
	unsigned long lineno = 0;
	int code = 0, i;

	(void)ctx;
	demo_today = fl_now();
	demo_nvars = 0;
	fl_strlcpy(demo_pin, getenv("FIRSTLINE_NOW") ? getenv("FIRSTLINE_NOW") : "",
		   sizeof demo_pin);
	if (script == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "demo script missing from the build");
	if (strlen(dir) > 3000)
		return fl_cli_usage(ctx, "--dir is too long");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fl_cli_error(FL_EX_IO, "%s: cannot create: %s", dir,
				    strerror(errno));
	snprintf(db, sizeof db, "%s/firstline.db", dir);
	if (stat(db, &sb) == 0) {
		if (!fl_flag(a, "force"))
			return fl_cli_error(FL_EX_USAGE,
					    "%s exists: pass --force to rebuild the demo",
					    db);
		unlink(db);
		snprintf(suffix, sizeof suffix, "%s-wal", db);
		unlink(suffix);
		snprintf(suffix, sizeof suffix, "%s-shm", db);
		unlink(suffix);
	}
	for (i = 0; files[i]; i++) {
		const char *text = fl_data_text(files[i]);
		if (text && (code = write_file(dir, files[i], text)) != 0)
			return code;
	}
	copy = fl_strdup(script);
	if (copy == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	for (line = copy; line && code == 0; line = next) {
		char *words[DEMO_MAX_WORDS];
		struct fl_buf b;
		int n, show = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		fl_buf_init(&b, 1 << 16);
		if (expand(&b, line, dir) != FL_OK) {
			fl_buf_release(&b);
			code = fl_cli_error(FL_EX_SOFTWARE, "script.txt:%lu: bad placeholder",
					    lineno);
			break;
		}
		if (strncmp(b.data, "@echo", 5) == 0) {
			const char *t = b.data + 5;
			printf("%s\n", *t ? t + 1 : "");
			fl_buf_release(&b);
			continue;
		}
		if (strncmp(b.data, "@at ", 4) == 0) {
			const char *when = b.data + 4;
			time_t t;
			if (strcmp(when, "now") == 0) {
				if (demo_pin[0])
					setenv("FIRSTLINE_NOW", demo_pin, 1);
				else
					unsetenv("FIRSTLINE_NOW");
			} else if (fl_time_parse(when, &t) == 0) {
				setenv("FIRSTLINE_NOW", when, 1);
			} else {
				code = fl_cli_error(FL_EX_SOFTWARE,
						    "script.txt:%lu: bad date", lineno);
			}
			fl_buf_release(&b);
			continue;
		}
		if (strncmp(b.data, "@show ", 6) == 0) {
			show = 1;
			memmove(b.data, b.data + 6, b.len - 5);
		}
		n = split_words(b.data, words, DEMO_MAX_WORDS);
		if (n > 0 && strcmp(words[0], "@let") == 0) {
			/* @let NAME COMMAND...: {NAME} is its output from now */
			if (n < 3 || demo_nvars == DEMO_MAX_VARS ||
			    strlen(words[1]) >= sizeof demo_var[0].name) {
				code = fl_cli_error(FL_EX_SOFTWARE, "script.txt:%lu:"
						    " bad @let", lineno);
			} else {
				int v = demo_nvars;

				fl_strlcpy(demo_var[v].name, words[1],
					   sizeof demo_var[v].name);
				code = run_line(db, actor, words + 2, n - 2, 0,
						demo_var[v].value,
						sizeof demo_var[v].value);
				if (code == 0)
					demo_nvars++;
				else
					fl_cli_error(code, "demo stopped at "
						     "script.txt:%lu", lineno);
			}
		} else if (n < 0) {
			code = fl_cli_error(FL_EX_SOFTWARE,
					    "script.txt:%lu: unbalanced quotes", lineno);
		} else if (n > 0) {
			code = run_line(db, actor, words, n, show, NULL, 0);
			if (code != 0)
				fl_cli_error(code, "demo stopped at script.txt:%lu", lineno);
		}
		fl_buf_release(&b);
	}
	free(copy);
	return code;
}

const struct fl_cmd fl_cmds_demo[] = {
	{"demo", NULL, NULL, "build a demo workspace and show what to do next",
	 "Creates DIR/firstline.db with a small fictional group (entities,\n"
	 "people, assets), a Group control catalogue mapped to NIST SP 800-53,\n"
	 "implementation status, evidence and tests for part of it, and a\n"
	 "dozen risks in every state; then prints a summary: what was created,\n"
	 "which risks await the ISO, where the gaps are, and what to try next.",
	 demo_opts, 0, 0, FL_CMD_NODB, run_demo, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
