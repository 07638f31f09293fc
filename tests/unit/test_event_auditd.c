/*
 * test_event_auditd: the auditd event reader, by table: records grouped
 * into one event by stamp (ended by EOE, a new stamp, another node, a blank
 * line, a line that is not a record), hex values decoded (EXECVE
 * arguments, proctitle with NULs, name, acct, several rule keys), long
 * arguments joined from pieces, user-space msg='...' flattened, ENRICHED
 * parts, ARCH and SYSCALL names for RAW records, ausearch's separators,
 * CRLF, and each bad line (not a record, bad stamp, invalid UTF-8, over the
 * limits).  Rendering as in event_test.h: each case also runs from a file
 * in 16-byte chunks.  The expected texts were checked by hand against the
 * lines (hex decoded with python3's bytes.fromhex, times as the stamps'
 * seconds and milliseconds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event_test.h"

struct acase {
	const char *name, *in, *want;
	long max_record, max_fields;
};

static const struct acase cases[] = {
	{"syscall, cwd, path, proctitle, eoe: one event",
	 "type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e "
	 "syscall=2 success=no exit=-13 a0=7fffd19c5592 a1=0 items=1 "
	 "ppid=2686 pid=3538 auid=1000 uid=1000 tty=pts0 ses=1 comm=\"cat\" "
	 "exe=\"/usr/bin/cat\" key=\"sshd_config\"\n"
	 "type=CWD msg=audit(1364481363.243:24287):  cwd=\"/home/shadowman\"\n"
	 "type=PATH msg=audit(1364481363.243:24287): item=0 "
	 "name=\"/etc/ssh/sshd_config\" inode=409248 nametype=NORMAL\n"
	 "type=PROCTITLE msg=audit(1364481363.243:24287): proctitle=636174002F"
	 "6574632F7373682F737368645F636F6E666967\n"
	 "type=EOE msg=audit(1364481363.243:24287): \n",
	 "E1 t=1364481363.243000000|type=SYSCALL|arch=c000003e|syscall=2|"
	 "success=no|exit=-13|a0=7fffd19c5592|a1=0|items=1|ppid=2686|pid=3538|"
	 "auid=1000|uid=1000|tty=pts0|ses=1|comm=cat|exe=/usr/bin/cat|"
	 "key=sshd_config|ARCH=x86_64|SYSCALL=open|type=CWD|"
	 "cwd=/home/shadowman|type=PATH|item=0|name=/etc/ssh/sshd_config|"
	 "inode=409248|nametype=NORMAL|type=PROCTITLE|"
	 "proctitle=cat /etc/ssh/sshd_config\n",
	 0, 0},
	{"execve: hex and quoted arguments",
	 "type=EXECVE msg=audit(1700000000.001:7): argc=4 a0=\"sh\" a1=2D63 "
	 "a2=6563686F2068693B20726D202D7266202F746D702F78 a3=\"x\"\n",
	 "E1 t=1700000000.001000000|type=EXECVE|argc=4|a0=sh|a1=-c|"
	 "a2=echo hi; rm -rf /tmp/x|a3=x\n",
	 0, 0},
	{"a SYSCALL's registers are not decoded; its name and comm are",
	 "type=SYSCALL msg=audit(1.5:1): arch=c000003e syscall=59 a0=2D63 "
	 "comm=6C73202D6C61 name=(null) key=(null)\n",
	 "E1 t=1.500000000|type=SYSCALL|arch=c000003e|syscall=59|a0=2D63|"
	 "comm=ls -la|name=(null)|key=(null)|ARCH=x86_64|SYSCALL=execve\n",
	 0, 0},
	{"user login: node, inner msg flattened, hex acct",
	 "node=web1 type=USER_LOGIN msg=audit(1600000000.100:400): pid=812 "
	 "uid=0 auid=4294967295 ses=4294967295 msg='op=login "
	 "acct=726F6F742075736572 exe=\"/usr/sbin/sshd\" hostname=? "
	 "addr=1.2.3.4 terminal=ssh res=failed'\n",
	 "E1 t=1600000000.100000000 h=web1|node=web1|type=USER_LOGIN|pid=812|"
	 "uid=0|auid=4294967295|ses=4294967295|op=login|acct=root user|"
	 "exe=/usr/sbin/sshd|hostname=?|addr=1.2.3.4|terminal=ssh|"
	 "res=failed\n",
	 0, 0},
	{"enriched: names kept, no second SYSCALL",
	 "type=SYSCALL msg=audit(1700000001.000:9): arch=c000003e syscall=99 "
	 "success=yes exit=0 euid=33 exe=\"/usr/bin/uname\" key=(null)"
	 "\x1d" "ARCH=x86_64 SYSCALL=sysinfo AUID=\"unset\" UID=\"www-data\"\n"
	 "type=EOE msg=audit(1700000001.000:9): \n",
	 "E1 t=1700000001|type=SYSCALL|arch=c000003e|syscall=99|success=yes|"
	 "exit=0|euid=33|exe=/usr/bin/uname|key=(null)|ARCH=x86_64|"
	 "SYSCALL=sysinfo|AUID=unset|UID=www-data\n",
	 0, 0},
	{"a new serial ends the event without EOE",
	 "type=SYSCALL msg=audit(10.000:1): arch=c000003e syscall=0\n"
	 "type=CWD msg=audit(10.000:1): cwd=\"/\"\n"
	 "type=SYSCALL msg=audit(10.000:2): arch=c000003e syscall=1\n",
	 "E1 t=10|type=SYSCALL|arch=c000003e|syscall=0|ARCH=x86_64|"
	 "SYSCALL=read|type=CWD|cwd=/\n"
	 "E3 t=10|type=SYSCALL|arch=c000003e|syscall=1|ARCH=x86_64|"
	 "SYSCALL=write\n",
	 0, 0},
	{"the same serial at another time is another event",
	 "type=CWD msg=audit(10.000:1): cwd=\"/a\"\n"
	 "type=CWD msg=audit(11.000:1): cwd=\"/b\"\n",
	 "E1 t=10|type=CWD|cwd=/a\n"
	 "E2 t=11|type=CWD|cwd=/b\n",
	 0, 0},
	{"another node is another event",
	 "node=a type=CWD msg=audit(10.000:1): cwd=\"/a\"\n"
	 "node=b type=CWD msg=audit(10.000:1): cwd=\"/b\"\n"
	 "node=b type=PATH msg=audit(10.000:1): name=\"/c\"\n",
	 "E1 t=10 h=a|node=a|type=CWD|cwd=/a\n"
	 "E2 t=10 h=b|node=b|type=CWD|cwd=/b|type=PATH|name=/c\n",
	 0, 0},
	{"long argument joined from its pieces",
	 "type=EXECVE msg=audit(2.000:3): argc=2 a0=\"cp\" a1_len=12 "
	 "a1[0]=72C3A973756DC3 a1[1]=A92E747874 a2=\"z\"\n",
	 "E1 t=2|type=EXECVE|argc=2|a0=cp|a1_len=12|"
	 "a1=r\xc3\xa9sum\xc3\xa9.txt|a2=z\n",
	 0, 0},
	{"joined argument: quoted pieces, not UTF-8 bytes as '?'",
	 "type=EXECVE msg=audit(2.000:3): argc=1 a0_len=5 a0[0]=\"ab\" "
	 "a0[1]=FF63\n"
	 "type=EXECVE msg=audit(2.000:3): a1[0]=\"q\"\n",
	 "E1 t=2|type=EXECVE|argc=1|a0_len=5|a0=ab?c|type=EXECVE|a1=q\n",
	 0, 0},
	{"several rule keys, a name with a blank, hex that is not text",
	 "type=SYSCALL msg=audit(3.000:4): arch=40000003 syscall=11 "
	 "key=6B657931016B657932\n"
	 "type=PATH msg=audit(3.000:4): item=0 name=2F746D702F6D792066696C65\n"
	 "type=PATH msg=audit(3.000:4): item=1 name=FFFE\n",
	 "E1 t=3|type=SYSCALL|arch=40000003|syscall=11|key=key1|key=key2|"
	 "ARCH=i386|SYSCALL=execve|type=PATH|item=0|name=/tmp/my file|"
	 "type=PATH|item=1|name=FFFE\n",
	 0, 0},
	{"aarch64 and an unknown syscall number",
	 "type=SYSCALL msg=audit(3.000:5): arch=c00000b7 syscall=221\n"
	 "type=SYSCALL msg=audit(3.000:6): arch=c000003e syscall=9999\n"
	 "type=SYSCALL msg=audit(3.000:7): arch=deadbeef syscall=1\n",
	 "E1 t=3|type=SYSCALL|arch=c00000b7|syscall=221|ARCH=aarch64|"
	 "SYSCALL=execve\n"
	 "E2 t=3|type=SYSCALL|arch=c000003e|syscall=9999|ARCH=x86_64\n"
	 "E3 t=3|type=SYSCALL|arch=deadbeef|syscall=1\n",
	 0, 0},
	{"avc: words that are not key=value are skipped",
	 "type=AVC msg=audit(4.000:8): avc:  denied  { read } for  pid=7 "
	 "comm=\"httpd\" name=\"x\" tclass=file permissive=0\n",
	 "E1 t=4|type=AVC|pid=7|comm=httpd|name=x|tclass=file|permissive=0\n",
	 0, 0},
	{"ausearch output: separators and time lines skipped",
	 "----\n"
	 "time->Thu Mar 28 10:36:03 2013\n"
	 "type=PATH msg=audit(1364481363.243:24287) : item=0 name=\"/a\"\n"
	 "type=SYSCALL msg=audit(1364481363.243:24287) : arch=x86_64 "
	 "syscall=open\n"
	 "----\n"
	 "time->Thu Mar 28 10:36:04 2013\n"
	 "type=CWD msg=audit(1364481364.000:24288) : cwd=/\n",
	 "E3 t=1364481363.243000000|type=PATH|item=0|name=/a|type=SYSCALL|"
	 "arch=x86_64|syscall=open\n"
	 "E7 t=1364481364|type=CWD|cwd=/\n",
	 0, 0},
	{"a blank line ends the event; CRLF; no final newline",
	 "type=CWD msg=audit(5.000:9): cwd=\"/a\"\r\n"
	 "\r\n"
	 "type=PATH msg=audit(5.000:9): name=\"/b\"\r\n"
	 "type=PATH msg=audit(5.000:9): name=\"/c\"",
	 "E1 t=5|type=CWD|cwd=/a\n"
	 "E3 t=5|type=PATH|name=/b|type=PATH|name=/c\n",
	 0, 0},
	{"EOE alone, blank lines only",
	 "type=EOE msg=audit(5.000:9): \n"
	 "\n"
	 "  \t\n",
	 "",
	 0, 0},
	{"empty",
	 "",
	 "",
	 0, 0},
	{"bad lines: not a record, bad stamps, invalid UTF-8",
	 "hello world\n"
	 "type=CWD cwd=\"/\"\n"
	 "type=CWD msg=audit(x): cwd=\"/\"\n"
	 "type=CWD msg=audit(1.x:1): cwd=\"/\"\n"
	 "type=CWD msg=audit(1.000:1 cwd=\"/\"\n"
	 "node= type=CWD msg=audit(1.000:1): cwd=\"/\"\n"
	 "type= msg=audit(1.000:1): cwd=\"/\"\n"
	 "type=CWD msg=audit(1.000:1): cwd=\"/\xff\"\n"
	 "type=CWD msg=audit(1.000:2): cwd=\"/ok\"\n",
	 "B1:1:not an audit record: no type=\n"
	 "B2:10:no msg=audit(...) stamp\n"
	 "B3:20:bad msg=audit(...) stamp: no seconds\n"
	 "B4:22:bad msg=audit(...) stamp: no milliseconds\n"
	 "B5:27:bad msg=audit(...) stamp: expected ')'\n"
	 "B6:6:empty node=\n"
	 "B7:6:empty type=\n"
	 "B8:36:invalid UTF-8\n"
	 "E9 t=1|type=CWD|cwd=/ok\n",
	 0, 0},
	{"a bad line inside a run ends the event and is reported",
	 "type=CWD msg=audit(1.000:1): cwd=\"/a\"\n"
	 "type=PATH msg=audit(1.000:1): name=\"\xc3\"\n"
	 "type=PATH msg=audit(1.000:1): name=\"/c\"\n",
	 "E1 t=1|type=CWD|cwd=/a\n"
	 "B2:37:invalid UTF-8\n"
	 "E3 t=1|type=PATH|name=/c\n",
	 0, 0},
	{"unterminated quotes, odd hex, empty values",
	 "type=USER_CMD msg=audit(6.000:1): cmd=6C7 acct=\"ab\n"
	 "type=USER_CMD msg=audit(6.000:2): msg='op=x exe=\"/bin/a\n"
	 "type=USER_CMD msg=audit(6.000:3): msg='res=ok' x=\"\" =v y= z\n",
	 "E1 t=6|type=USER_CMD|cmd=6C7|acct=ab\n"
	 "E2 t=6|type=USER_CMD|op=x|exe=/bin/a\n"
	 "E3 t=6|type=USER_CMD|res=ok|x=|y=\n",
	 0, 0},
	{"more fields than max_fields: the event is bad",
	 "type=CWD msg=audit(7.000:1): a=1 b=2 c=3\n"
	 "type=CWD msg=audit(7.000:1): d=4 e=5\n"
	 "type=CWD msg=audit(7.000:2): f=6\n",
	 "B1:1:event with more than 4 fields: skipped\n"
	 "E3 t=7|type=CWD|f=6\n",
	 0, 4},
	{"a line over max_record is skipped; a run stops before the limit",
	 "type=CWD msg=audit(8.000:1): cwd=\"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
	 "type=CWD msg=audit(8.000:2): cwd=\"/b\"\n"
	 "type=PATH msg=audit(8.000:2): name=\"/ccccccccccccccccccccccc\"\n",
	 "B1:1:line longer than 64 bytes: skipped\n"
	 "E2 t=8|type=CWD|cwd=/b\n"
	 "E3 t=8|type=PATH|name=/ccccccccccccccccccccccc\n",
	 64, 0},
};

static void
test_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct acase *c = &cases[i];
		struct fl_reader_opts o;
		struct fl_buf out;

		memset(&o, 0, sizeof o);
		o.max_record = (size_t)c->max_record;
		o.max_fields = (size_t)c->max_fields;
		fl_buf_init(&out, 1 << 20);
		ev_run(FL_FMT_AUDITD, c->in, strlen(c->in), &o, NULL, &out);
		if (strcmp(fl_buf_str(&out), c->want) != 0)
			print_error("case '%s':\n got: %s\nwant: %s\n", c->name,
				    fl_buf_str(&out), c->want);
		assert_string_equal(fl_buf_str(&out), c->want);
		fl_buf_release(&out);
	}
}

/* 300 PATH records of one stamp: the first 256 are one event, the rest
 * the next; memory stays bounded by the record limit. */
static void
test_many_records(void **state)
{
	struct fl_buf in, out, want;
	int i;

	(void)state;
	fl_buf_init(&in, 1 << 20);
	fl_buf_init(&out, 1 << 20);
	fl_buf_init(&want, 1 << 20);
	for (i = 0; i < 300; i++)
		fl_buf_printf(&in, "type=PATH msg=audit(9.000:1): item=%d\n",
			      i);
	fl_buf_puts(&want, "E1 t=9");
	for (i = 0; i < 256; i++)
		fl_buf_printf(&want, "|type=PATH|item=%d", i);
	fl_buf_puts(&want, "\nE257 t=9");
	for (; i < 300; i++)
		fl_buf_printf(&want, "|type=PATH|item=%d", i);
	fl_buf_puts(&want, "\n");
	ev_run(FL_FMT_AUDITD, in.data, in.len, NULL, NULL, &out);
	assert_string_equal(fl_buf_str(&out), fl_buf_str(&want));
	fl_buf_release(&in);
	fl_buf_release(&out);
	fl_buf_release(&want);
}

/* A 10 MB line is reported and skipped; the next line is read. */
static void
test_huge_line(void **state)
{
	size_t n = (size_t)10 << 20;
	static const char tail[] = "\ntype=CWD msg=audit(1.000:2): cwd=\"/\"\n";
	char *in = malloc(n + sizeof tail);
	struct fl_buf out;

	(void)state;
	assert_non_null(in);
	memset(in, 'a', n);
	memcpy(in, "type=CWD msg=audit(1.000:1): cwd=", 33);
	memcpy(in + n, tail, sizeof tail);
	fl_buf_init(&out, 1 << 20);
	ev_run(FL_FMT_AUDITD, in, n + sizeof tail - 1, NULL, NULL, &out);
	assert_string_equal(fl_buf_str(&out),
			    "B1:1:line longer than 1048576 bytes: skipped\n"
			    "E2 t=1|type=CWD|cwd=/\n");
	fl_buf_release(&out);
	free(in);
}

/* Keys: the repeated "type" chains through every record; names the rules
 * use are found by key, case-insensitively when the dictionary says so. */
static void
test_keys(void **state)
{
	static const char in[] =
	    "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 "
	    "exe=\"/usr/bin/nmap\" key=\"network_connect_4\"\n"
	    "type=EXECVE msg=audit(1.000:1): argc=2 a0=\"nmap\" a1=\"-sS\"\n";
	struct fl_keys *k;
	unsigned type, sys, a1, exe;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	const struct fl_field *f;
	int n = 0;

	(void)state;
	assert_int_equal(fl_keys_new(1, &k), FL_OK);
	assert_int_equal(fl_keys_add(k, "type", 4, &type), FL_OK);
	assert_int_equal(fl_keys_add(k, "syscall", 7, &sys), FL_OK);
	assert_int_equal(fl_keys_add(k, "a1", 2, &a1), FL_OK);
	assert_int_equal(fl_keys_add(k, "exe", 3, &exe), FL_OK);
	assert_int_equal(fl_reader_open_mem(FL_FMT_AUDITD, in, sizeof in - 1,
					    "audit.log", k, NULL, &r, &d),
			 FL_OK);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	assert_string_equal(ev.source, "audit.log");
	for (f = fl_event_get(&ev, type); f; f = fl_event_next(&ev, f))
		n++;
	assert_int_equal(n, 2);
	/* case-insensitive: "syscall" finds syscall=59 and SYSCALL=execve */
	n = 0;
	for (f = fl_event_get(&ev, sys); f; f = fl_event_next(&ev, f))
		n++;
	assert_int_equal(n, 2);
	f = fl_event_get(&ev, a1);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_int_equal(f->value.n, 3);
	assert_memory_equal(f->value.p, "-sS", 3);
	assert_non_null(fl_event_get(&ev, exe));
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_END);
	fl_reader_close(r);
	fl_keys_free(k);
}

/* The OTRF auditd captures of the shared corpus: arp -a | grep (two
 * execve events of six records each) and dd used to pad a binary (one),
 * with the values Sigma's execve rules look at. */
static void
test_corpus(void **state)
{
	static const struct {
		const char *file;
		int events;
		const char *has[4];
	} files[] = {
		{"sh_arp_cache_2020-11-10074812.log", 2,
		 {"|a0=arp|a1=-a|", "|proctitle=arp -a\n",
		  "|a0=grep|a1=-v|a2=^?|", "|SYSCALL=execve|"}},
		{"sh_binary_padding_dd_2020-11-10081941.log", 1,
		 {"|type=EXECVE|argc=4|a0=dd|a1=if=/dev/zero|a2=bs=1|"
		  "a3=count=1|",
		  "|proctitle=dd if=/dev/zero bs=1 count=1\n",
		  "|exe=/bin/dd|", "|ARCH=x86_64|SYSCALL=execve|"}},
	};
	const char *corpus = getenv("FL_CORPUS");
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4096];
		struct fl_buf in, out;
		const char *s;
		int n = 0;

		if (corpus == NULL)
			corpus = "../shared/corpus";
		snprintf(path, sizeof path, "%s/linux/otrf-auditd/%s", corpus,
			 files[i].file);
		fl_buf_init(&in, 1 << 20);
		if (fl_buf_read_file(&in, path, NULL) != FL_OK) {
			fl_buf_release(&in);
			skip(); /* skipped: no corpus */
			return;
		}
		fl_buf_init(&out, 1 << 20);
		ev_run(FL_FMT_AUDITD, in.data, in.len, NULL, NULL, &out);
		for (s = fl_buf_str(&out); *s; s++)
			n += *s == '\n';
		assert_int_equal(n, files[i].events);
		assert_null(strstr(fl_buf_str(&out), "\nB"));
		assert_int_equal(fl_buf_str(&out)[0], 'E');
		for (k = 0; k < 4; k++)
			assert_non_null(strstr(fl_buf_str(&out),
					       files[i].has[k]));
		fl_buf_release(&in);
		fl_buf_release(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
