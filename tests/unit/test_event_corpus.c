/*
 * test_event_corpus: the event readers over the real logs of the shared
 * corpus ($FL_CORPUS), with counts fixed from the corpus READMEs and from
 * grep over the same files:
 *  - loghub OpenSSH_2k.log: 2,000 events, no bad line; 520 "Failed
 *    password" (grep -c; two of them inside rsyslog's "message repeated N
 *    times: [ ... ]"), 286 of them from 183.62.140.253, 113 "Invalid
 *    user", 1 "Accepted";
 *  - loghub Linux_2k.log: 2,000 events, 490 "authentication failure", 86
 *    su sessions opened;
 *  - the ten OTRF JSON-lines files: the README's event count each, no bad
 *    record, 10,724 in all, each with EventID and a time;
 *  - every sigma/regression_data/ JSON file (pretty-printed evtx_dump,
 *    several events per file): at least one event each, each with EventID
 *    and Channel, no bad record.
 * Skipped ("skipped: no corpus") when the corpus is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/event.h"

static char corpus[2048];

static int
have_corpus(void)
{
	const char *c = getenv("FL_CORPUS");
	struct stat sb;

	if (c == NULL || *c == '\0' || stat(c, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return 0;
	fl_strlcpy(corpus, c, sizeof corpus);
	return 1;
}

#define NEED_CORPUS() \
	do { \
		if (!have_corpus()) { \
			print_message("skipped: no corpus\n"); \
			skip(); \
		} \
	} while (0)

static int
val_is(const struct fl_field *f, const char *s)
{
	return f && f->value.n == strlen(s) && memcmp(f->value.p, s, f->value.n) == 0;
}

struct counts {
	unsigned long events, bad, failed_pw, failed_pw_top, invalid_user,
	    accepted, auth_failure, su_session, with_id, with_time,
	    with_channel;
};

enum { K_ACTION = 1, K_OUTCOME, K_METHOD, K_SRC_IP, K_SERVICE, K_EVENTID,
       K_CHANNEL };

static struct fl_keys *
keys(void)
{
	static const char *const names[] = {"action", "outcome", "auth_method",
		"src_ip", "service", "EventID", "Channel"};
	struct fl_keys *k;
	unsigned key;
	size_t i;

	assert_int_equal(fl_keys_new(0, &k), FL_OK);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(fl_keys_add(k, names[i], strlen(names[i]), &key),
				 FL_OK);
		assert_int_equal(key, i + 1);
	}
	return k;
}

static void
count_file(const char *path, enum fl_format fmt, struct counts *c)
{
	struct fl_reader_opts o;
	struct fl_keys *k = keys();
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	memset(&o, 0, sizeof o);
	o.year = 2015;
	assert_int_equal(fl_reader_open_fd(fmt, fd, path, k, &o, &r, &d), FL_OK);
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		const struct fl_field *act;

		assert_int_not_equal(rc, FL_READ_FATAL);
		if (rc == FL_READ_BAD) {
			print_message("%s:%lu:%lu: %s\n", d.file, d.line, d.col,
				      d.msg);
			c->bad++;
			continue;
		}
		c->events++;
		c->with_id += fl_event_get(&ev, K_EVENTID) != NULL;
		c->with_channel += fl_event_get(&ev, K_CHANNEL) != NULL;
		c->with_time += ev.time != 0;
		act = fl_event_get(&ev, K_ACTION);
		if (val_is(act, "login") &&
		    val_is(fl_event_get(&ev, K_OUTCOME), "failure") &&
		    val_is(fl_event_get(&ev, K_METHOD), "password")) {
			c->failed_pw++;
			c->failed_pw_top += val_is(fl_event_get(&ev, K_SRC_IP),
						   "183.62.140.253");
		}
		c->accepted += val_is(act, "login") &&
		    val_is(fl_event_get(&ev, K_OUTCOME), "success");
		c->invalid_user += val_is(act, "invalid_user");
		c->auth_failure += val_is(act, "auth_failure");
		c->su_session += val_is(act, "session_open") &&
		    val_is(fl_event_get(&ev, K_SERVICE), "su");
	}
	fl_reader_close(r);
	fl_keys_free(k);
	close(fd);
}

static void
test_loghub(void **state)
{
	char path[4096];
	struct counts c;

	(void)state;
	NEED_CORPUS();
	memset(&c, 0, sizeof c);
	snprintf(path, sizeof path, "%s/linux/loghub/OpenSSH/OpenSSH_2k.log",
		 corpus);
	count_file(path, FL_FMT_SYSLOG, &c);
	assert_int_equal(c.events, 2000);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.failed_pw, 520);
	assert_int_equal(c.failed_pw_top, 286);
	assert_int_equal(c.invalid_user, 113);
	assert_int_equal(c.accepted, 1);
	assert_int_equal(c.with_time, 2000);

	memset(&c, 0, sizeof c);
	snprintf(path, sizeof path, "%s/linux/loghub/Linux/Linux_2k.log",
		 corpus);
	count_file(path, FL_FMT_SYSLOG, &c);
	assert_int_equal(c.events, 2000);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.auth_failure, 490);
	assert_int_equal(c.su_session, 86);
}

static void
test_otrf(void **state)
{
	static const struct {
		const char *file;
		unsigned long events;
	} f[] = {
		{"psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.jsonl", 184},
		{"cmd_psexec_lsa_secrets_dump_2020-10-1903305471.jsonl", 286},
		{"cmd_sharpview_pcre_net_2020-10-2920232423.jsonl", 267},
		{"cmd_userinitmprlogonscript_batch_2020-10-1922471810.jsonl", 122},
		{"cmd_bitsadmin_download_psh_script_2020-10-2302365189.jsonl", 424},
		{"mimikatz_CVE-2020-1472_Unauthenticated_NetrServerAuthenticate2_"
		 "2020-09-16233923.jsonl", 790},
		{"covenant_dcsync_dcerpc_drsuapi_DsGetNCChanges_2020-08-05020926"
		 ".jsonl", 869},
		{"cmd_mshta_vbscript_execute_psh_2020-10-2202580804.jsonl", 1127},
		{"psh_cmstp_execution_bypassuac_2020-10-2201543213.jsonl", 1166},
		{"rdp_interactive_taskmanager_lsass_dump_2020-09-22043748.jsonl",
		 5489},
	};
	unsigned long total = 0;
	size_t i;

	(void)state;
	NEED_CORPUS();
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		char path[4096];
		struct counts c;

		memset(&c, 0, sizeof c);
		snprintf(path, sizeof path,
			 "%s/jsonl/otrf-security-datasets/%s", corpus, f[i].file);
		count_file(path, FL_FMT_JSON, &c);
		assert_int_equal(c.events, f[i].events);
		assert_int_equal(c.bad, 0);
		assert_int_equal(c.with_id, c.events);
		assert_int_equal(c.with_time, c.events);
		total += c.events;
	}
	assert_int_equal(total, 10724);
}

static void
walk(const char *dir, unsigned long *files, unsigned long *events)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat sb;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			walk(path, files, events);
		} else if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
			struct counts c;

			memset(&c, 0, sizeof c);
			count_file(path, FL_FMT_JSON, &c);
			if (c.events < 1 || c.bad || c.with_id != c.events ||
			    c.with_channel != c.events || c.with_time != c.events)
				print_error("%s: %lu events, %lu bad, %lu with "
					    "EventID\n", path, c.events, c.bad,
					    c.with_id);
			assert_true(c.events >= 1);
			assert_int_equal(c.bad, 0);
			assert_int_equal(c.with_id, c.events);
			assert_int_equal(c.with_channel, c.events);
			assert_int_equal(c.with_time, c.events);
			(*files)++;
			*events += c.events;
		}
	}
	closedir(d);
}

static void
test_regression_data(void **state)
{
	char path[4096];
	unsigned long files = 0, events = 0;

	(void)state;
	NEED_CORPUS();
	snprintf(path, sizeof path, "%s/sigma/regression_data", corpus);
	walk(path, &files, &events);
	assert_int_equal(files, 202);
	assert_int_equal(events, 238);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loghub),
		cmocka_unit_test(test_otrf),
		cmocka_unit_test(test_regression_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
