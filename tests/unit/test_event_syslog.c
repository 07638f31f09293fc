/*
 * test_event_syslog: the syslog event reader, by table: every header shape
 * (RFC 3164 with and without PRI, ISO and high-precision stamps, RFC 5424
 * with NILVALUEs and structured data), every parsed message kind (sshd,
 * pam_unix, sudo, su, useradd/usermod/userdel/groupadd/gpasswd, passwd),
 * the year taken from the caller or a reference time and its rollover,
 * CRLF, and each bad line (invalid UTF-8, bad PRI, no timestamp, over the
 * limit).  Rendering as in event_test.h: each case also runs from a file
 * in 16-byte chunks.  The expected texts were checked by hand against the
 * messages (users, addresses, ports, timestamps in UTC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event_test.h"

struct scase {
	const char *name, *in, *want;
	int year;
	long ref_time, utc_offset, max_record;
};

static const struct scase cases[] = {
	{"Failed password for invalid user webmast",
	 "Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for inv"
	 "alid user webmaster from 173.234.31.186 port 38926 ssh2\n",
	 "E1 t=1449730546 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=Failed password for invalid user webmaster from 17"
	 "3.234.31.186 port 38926 ssh2|action=login|outcome=failure|"
	 "auth_method=password|invalid_user=true|user=webmaster|src_"
	 "ip=173.234.31.186|src_port=38926|protocol=ssh2\n",
	 2015, 0, 0, 0},
	{"Failed password for root from 183.62.140",
	 "Dec 10 09:12:35 LabSZ sshd[24492]: Failed password for roo"
	 "t from 183.62.140.253 port 49434 ssh2\n",
	 "E1 t=1449738755 h=LabSZ|host=LabSZ|pid=24492|program=sshd|"
	 "message=Failed password for root from 183.62.140.253 port "
	 "49434 ssh2|action=login|outcome=failure|auth_method=passwo"
	 "rd|user=root|src_ip=183.62.140.253|src_port=49434|protocol"
	 "=ssh2\n",
	 2015, 0, 0, 0},
	{"Accepted password for fztu from 119.137.",
	 "Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for f"
	 "ztu from 119.137.62.142 port 49116 ssh2\n",
	 "E1 t=1449739940 h=LabSZ|host=LabSZ|pid=24680|program=sshd|"
	 "message=Accepted password for fztu from 119.137.62.142 por"
	 "t 49116 ssh2|action=login|outcome=success|auth_method=pass"
	 "word|user=fztu|src_ip=119.137.62.142|src_port=49116|protoc"
	 "ol=ssh2\n",
	 2015, 0, 0, 0},
	{"Accepted publickey for alice from 2001:d",
	 "Jan  1 00:00:01 web1 sshd[1]: Accepted publickey for alice"
	 " from 2001:db8::7 port 50022 ssh2: ED25519 SHA256:abc\n",
	 "E1 t=1420070401 h=web1|host=web1|pid=1|program=sshd|messag"
	 "e=Accepted publickey for alice from 2001:db8::7 port 50022"
	 " ssh2: ED25519 SHA256:abc|action=login|outcome=success|aut"
	 "h_method=publickey|user=alice|src_ip=2001:db8::7|src_port="
	 "50022|protocol=ssh2\n",
	 2015, 0, 0, 0},
	{"Invalid user webmaster from 173.234.31.1",
	 "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster "
	 "from 173.234.31.186\n",
	 "E1 t=1449730546 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=Invalid user webmaster from 173.234.31.186|action="
	 "invalid_user|outcome=failure|invalid_user=true|user=webmas"
	 "ter|src_ip=173.234.31.186\n",
	 2015, 0, 0, 0},
	{"Connection closed by 173.234.31.186 [pre",
	 "Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 17"
	 "3.234.31.186 [preauth]\n",
	 "E1 t=1449730548 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=Connection closed by 173.234.31.186 [preauth]|acti"
	 "on=disconnect|src_ip=173.234.31.186\n",
	 2015, 0, 0, 0},
	{"Connection closed by authenticating user",
	 "Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by au"
	 "thenticating user root 10.1.2.3 port 4242 [preauth]\n",
	 "E1 t=1449730548 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=Connection closed by authenticating user root 10.1"
	 ".2.3 port 4242 [preauth]|action=disconnect|user=root|src_i"
	 "p=10.1.2.3|src_port=4242\n",
	 2015, 0, 0, 0},
	{"Disconnected from invalid user admin 10.",
	 "Dec 10 06:55:48 LabSZ sshd[24200]: Disconnected from inval"
	 "id user admin 10.1.2.3 port 4243 [preauth]\n",
	 "E1 t=1449730548 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=Disconnected from invalid user admin 10.1.2.3 port"
	 " 4243 [preauth]|action=disconnect|invalid_user=true|user=a"
	 "dmin|src_ip=10.1.2.3|src_port=4243\n",
	 2015, 0, 0, 0},
	{"Received disconnect from 52.80.34.196: 1",
	 "Dec 10 07:07:38 LabSZ sshd[24206]: Received disconnect fro"
	 "m 52.80.34.196: 11: Bye Bye [preauth]\n",
	 "E1 t=1449731258 h=LabSZ|host=LabSZ|pid=24206|program=sshd|"
	 "message=Received disconnect from 52.80.34.196: 11: Bye Bye"
	 " [preauth]|action=disconnect|src_ip=52.80.34.196\n",
	 2015, 0, 0, 0},
	{"reverse mapping checking getaddrinfo for",
	 "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checkin"
	 "g getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] "
	 "failed - POSSIBLE BREAK-IN ATTEMPT!\n",
	 "E1 t=1449730546 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=reverse mapping checking getaddrinfo for ns.marrya"
	 "ldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN "
	 "ATTEMPT!|action=reverse_mapping_failed|src_host=ns.marryal"
	 "dkfaczcz.com|src_ip=173.234.31.186\n",
	 2015, 0, 0, 0},
	{"pam_unix(sshd:auth): authentication fail",
	 "Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): au"
	 "thentication failure; logname= uid=0 euid=0 tty=ssh ruser="
	 " rhost=173.234.31.186  user=root\n",
	 "E1 t=1449730546 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=pam_unix(sshd:auth): authentication failure; logna"
	 "me= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186  user"
	 "=root|module=pam_unix|service=sshd|pam_type=auth|action=au"
	 "th_failure|outcome=failure|uid=0|euid=0|tty=ssh|rhost=173."
	 "234.31.186|src_ip=173.234.31.186|user=root\n",
	 2015, 0, 0, 0},
	{"pam_unix(sshd:auth): check pass; user un",
	 "Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): ch"
	 "eck pass; user unknown\n",
	 "E1 t=1449730546 h=LabSZ|host=LabSZ|pid=24200|program=sshd|"
	 "message=pam_unix(sshd:auth): check pass; user unknown|modu"
	 "le=pam_unix|service=sshd|pam_type=auth|action=check_pass|o"
	 "utcome=failure|reason=user unknown\n",
	 2015, 0, 0, 0},
	{"PAM 5 more authentication failures; logn",
	 "Dec 10 09:32:20 LabSZ sshd[24680]: PAM 5 more authenticati"
	 "on failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=18"
	 "3.62.140.253  user=root\n",
	 "E1 t=1449739940 h=LabSZ|host=LabSZ|pid=24680|program=sshd|"
	 "message=PAM 5 more authentication failures; logname= uid=0"
	 " euid=0 tty=ssh ruser= rhost=183.62.140.253  user=root|act"
	 "ion=auth_failures|outcome=failure|attempts=5|uid=0|euid=0|"
	 "tty=ssh|rhost=183.62.140.253|src_ip=183.62.140.253|user=ro"
	 "ot\n",
	 2015, 0, 0, 0},
	{"pam_unix(sshd:session): session opened f",
	 "Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session):"
	 " session opened for user fztu by (uid=0)\n",
	 "E1 t=1449739940 h=LabSZ|host=LabSZ|pid=24680|program=sshd|"
	 "message=pam_unix(sshd:session): session opened for user fz"
	 "tu by (uid=0)|module=pam_unix|service=sshd|pam_type=sessio"
	 "n|action=session_open|user=fztu\n",
	 2015, 0, 0, 0},
	{"authentication failure; logname= uid=0 e",
	 "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authenticatio"
	 "n failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost"
	 "=218.188.2.4 \n",
	 "E1 t=1434294961 h=combo|host=combo|pid=19939|program=sshd|"
	 "module=pam_unix|message=authentication failure; logname= u"
	 "id=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4|service="
	 "sshd|action=auth_failure|outcome=failure|uid=0|euid=0|tty="
	 "NODEVssh|rhost=218.188.2.4|src_ip=218.188.2.4\n",
	 2015, 0, 0, 0},
	{"session opened for user cyrus by (uid=0)",
	 "Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened "
	 "for user cyrus by (uid=0)\n",
	 "E1 t=1434341178 h=combo|host=combo|pid=21416|program=su|mo"
	 "dule=pam_unix|message=session opened for user cyrus by (ui"
	 "d=0)|service=su|action=session_open|user=cyrus\n",
	 2015, 0, 0, 0},
	{"ROOT LOGIN ON tty2",
	 "Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2\n",
	 "E1 t=1436256375 h=combo|host=combo|message=-- root[2421]: "
	 "ROOT LOGIN ON tty2\n",
	 2015, 0, 0, 0},
	{"   alice : 3 incorrect password attempts",
	 "Mar  3 10:00:00 srv sudo:    alice : 3 incorrect password "
	 "attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMA"
	 "ND=/usr/bin/apt install nmap ; x\n",
	 "E1 t=1425376800 h=srv|host=srv|program=sudo|message=   ali"
	 "ce : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home"
	 "/alice ; USER=root ; COMMAND=/usr/bin/apt install nmap ; x"
	 "|attempts=3|tty=pts/0|pwd=/home/alice|target_user=root|com"
	 "mand=/usr/bin/apt install nmap ; x|user=alice|action=sudo|"
	 "outcome=failure\n",
	 2015, 0, 0, 0},
	{"   bob : TTY=pts/1 ; PWD=/root ; USER=ro",
	 "Mar  3 10:00:05 srv sudo:    bob : TTY=pts/1 ; PWD=/root ;"
	 " USER=root ; COMMAND=/bin/cat /etc/shadow\n",
	 "E1 t=1425376805 h=srv|host=srv|program=sudo|message=   bob"
	 " : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/bin/cat /e"
	 "tc/shadow|tty=pts/1|pwd=/root|target_user=root|command=/bi"
	 "n/cat /etc/shadow|user=bob|action=sudo|outcome=success\n",
	 2015, 0, 0, 0},
	{" mallory : user NOT in sudoers ; TTY=pts",
	 "Mar  3 10:00:06 srv sudo:  mallory : user NOT in sudoers ;"
	 " TTY=pts/2 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh\n",
	 "E1 t=1425376806 h=srv|host=srv|program=sudo|message= mallo"
	 "ry : user NOT in sudoers ; TTY=pts/2 ; PWD=/tmp ; USER=roo"
	 "t ; COMMAND=/bin/sh|reason=user NOT in sudoers|tty=pts/2|p"
	 "wd=/tmp|target_user=root|command=/bin/sh|user=mallory|acti"
	 "on=sudo|outcome=failure\n",
	 2015, 0, 0, 0},
	{"pam_unix(sudo:auth): authentication fail",
	 "Mar  3 10:00:07 srv sudo: pam_unix(sudo:auth): authenticat"
	 "ion failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 "
	 "ruser=alice rhost=  user=alice\n",
	 "E1 t=1425376807 h=srv|host=srv|program=sudo|message=pam_un"
	 "ix(sudo:auth): authentication failure; logname=alice uid=1"
	 "000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice|m"
	 "odule=pam_unix|service=sudo|pam_type=auth|action=auth_fail"
	 "ure|outcome=failure|logname=alice|uid=1000|euid=0|tty=/dev"
	 "/pts/0|ruser=alice|user=alice\n",
	 2015, 0, 0, 0},
	{"new user: name=eve, UID=1001, GID=1001, ",
	 "Mar  3 11:00:00 srv useradd[900]: new user: name=eve, UID="
	 "1001, GID=1001, home=/home/eve, shell=/bin/bash, from=/dev"
	 "/pts/0\n",
	 "E1 t=1425380400 h=srv|host=srv|pid=900|program=useradd|mes"
	 "sage=new user: name=eve, UID=1001, GID=1001, home=/home/ev"
	 "e, shell=/bin/bash, from=/dev/pts/0|user=eve|uid=1001|gid="
	 "1001|home=/home/eve|shell=/bin/bash|tty=/dev/pts/0|action="
	 "user_add|outcome=success\n",
	 2015, 0, 0, 0},
	{"new group: name=eve, GID=1001",
	 "Mar  3 11:00:00 srv useradd[900]: new group: name=eve, GID"
	 "=1001\n",
	 "E1 t=1425380400 h=srv|host=srv|pid=900|program=useradd|mes"
	 "sage=new group: name=eve, GID=1001|group=eve|gid=1001|acti"
	 "on=group_add|outcome=success\n",
	 2015, 0, 0, 0},
	{"add 'eve' to group 'sudo'",
	 "Mar  3 11:00:01 srv usermod[901]: add 'eve' to group 'sudo"
	 "'\n",
	 "E1 t=1425380401 h=srv|host=srv|pid=901|program=usermod|mes"
	 "sage=add 'eve' to group 'sudo'|user=eve|group=sudo|action="
	 "group_member_add|outcome=success\n",
	 2015, 0, 0, 0},
	{"add 'eve' to shadow group 'sudo'",
	 "Mar  3 11:00:01 srv usermod[901]: add 'eve' to shadow grou"
	 "p 'sudo'\n",
	 "E1 t=1425380401 h=srv|host=srv|pid=901|program=usermod|mes"
	 "sage=add 'eve' to shadow group 'sudo'|user=eve|group=sudo|"
	 "action=group_member_add|outcome=success\n",
	 2015, 0, 0, 0},
	{"group added to /etc/group: name=ops, GID",
	 "Mar  3 11:00:02 srv groupadd[902]: group added to /etc/gro"
	 "up: name=ops, GID=1002\n",
	 "E1 t=1425380402 h=srv|host=srv|pid=902|program=groupadd|me"
	 "ssage=group added to /etc/group: name=ops, GID=1002|group="
	 "ops|gid=1002|action=group_add|outcome=success\n",
	 2015, 0, 0, 0},
	{"delete user 'eve'",
	 "Mar  3 11:00:03 srv userdel[903]: delete user 'eve'\n",
	 "E1 t=1425380403 h=srv|host=srv|pid=903|program=userdel|mes"
	 "sage=delete user 'eve'|user=eve|action=user_delete|outcome"
	 "=success\n",
	 2015, 0, 0, 0},
	{"user eve added by root to group wheel",
	 "Mar  3 11:00:04 srv gpasswd[904]: user eve added by root t"
	 "o group wheel\n",
	 "E1 t=1425380404 h=srv|host=srv|pid=904|program=gpasswd|mes"
	 "sage=user eve added by root to group wheel|user=eve|src_us"
	 "er=root|group=wheel|action=group_member_add|outcome=succes"
	 "s\n",
	 2015, 0, 0, 0},
	{"Successful su for root by alice",
	 "Mar  3 11:00:05 srv su[905]: Successful su for root by ali"
	 "ce\n",
	 "E1 t=1425380405 h=srv|host=srv|pid=905|program=su|message="
	 "Successful su for root by alice|target_user=root|user=alic"
	 "e|action=su|outcome=success\n",
	 2015, 0, 0, 0},
	{"FAILED su for root by mallory",
	 "Mar  3 11:00:06 srv su[906]: FAILED su for root by mallory"
	 "\n",
	 "E1 t=1425380406 h=srv|host=srv|pid=906|program=su|message="
	 "FAILED su for root by mallory|target_user=root|user=mallor"
	 "y|action=su|outcome=failure\n",
	 2015, 0, 0, 0},
	{"pam_unix(su:session): session opened for",
	 "Mar  3 11:00:07 srv su[907]: pam_unix(su:session): session"
	 " opened for user root by alice(uid=1000)\n",
	 "E1 t=1425380407 h=srv|host=srv|pid=907|program=su|message="
	 "pam_unix(su:session): session opened for user root by alic"
	 "e(uid=1000)|module=pam_unix|service=su|pam_type=session|ac"
	 "tion=session_open|user=root|src_user=alice\n",
	 2015, 0, 0, 0},
	{"(to root) alice on pts/3",
	 "Mar  3 11:00:08 srv su[908]: (to root) alice on pts/3\n",
	 "E1 t=1425380408 h=srv|host=srv|pid=908|program=su|message="
	 "(to root) alice on pts/3|target_user=root|user=alice|tty=p"
	 "ts/3|action=su|outcome=success\n",
	 2015, 0, 0, 0},
	{"pam_unix(passwd:chauthtok): password cha",
	 "Mar  3 11:00:09 srv passwd[909]: pam_unix(passwd:chauthtok"
	 "): password changed for eve\n",
	 "E1 t=1425380409 h=srv|host=srv|pid=909|program=passwd|mess"
	 "age=pam_unix(passwd:chauthtok): password changed for eve|m"
	 "odule=pam_unix|service=passwd|pam_type=chauthtok|action=pa"
	 "ssword_change|user=eve\n",
	 2015, 0, 0, 0},
	{"Failed none for bob from 10.0.0.9 port 2",
	 "<38>Mar  3 11:00:10 srv sshd[1]: Failed none for bob from "
	 "10.0.0.9 port 22 ssh2\n",
	 "E1 t=1425380410 h=srv|facility=auth|severity=info|host=srv"
	 "|pid=1|program=sshd|message=Failed none for bob from 10.0."
	 "0.9 port 22 ssh2|action=login|outcome=failure|auth_method="
	 "none|user=bob|src_ip=10.0.0.9|src_port=22|protocol=ssh2\n",
	 2015, 0, 0, 0},
	{"<165>1 2003-10-11T22:14:15.003Z mymachin",
	 "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evnt"
	 "slog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Applic"
	 "ation\" eventID=\"1011\"] \357\273\277An application event log entry.."
	 ".\n",
	 "E1 t=1065910455.003000000 h=mymachine.example.com|facility"
	 "=local4|severity=notice|host=mymachine.example.com|program"
	 "=evntslog|msgid=ID47|structured_data=[exampleSDID@32473 iu"
	 "t=\"3\" eventSource=\"Application\" eventID=\"1011\"]|message=An"
	 " application event log entry...\n",
	 2015, 0, 0, 0},
	{"<34>1 2003-10-11T22:14:15.003+02:00 host",
	 "<34>1 2003-10-11T22:14:15.003+02:00 host sshd 77 - - Faile"
	 "d password for root from 10.9.9.9 port 22 ssh2\n",
	 "E1 t=1065903255.003000000 h=host|facility=auth|severity=cr"
	 "it|host=host|program=sshd|pid=77|message=Failed password f"
	 "or root from 10.9.9.9 port 22 ssh2|action=login|outcome=fa"
	 "ilure|auth_method=password|user=root|src_ip=10.9.9.9|src_p"
	 "ort=22|protocol=ssh2\n",
	 2015, 0, 0, 0},
	{"Invalid user x from 10.0.0.1 port 3",
	 "2024-01-05T10:00:00.123456+01:00 web2 sshd[55]: Invalid us"
	 "er x from 10.0.0.1 port 3\n",
	 "E1 t=1704445200.123456000 h=web2|host=web2|pid=55|program="
	 "sshd|message=Invalid user x from 10.0.0.1 port 3|action=in"
	 "valid_user|outcome=failure|invalid_user=true|user=x|src_ip"
	 "=10.0.0.1|src_port=3\n",
	 2015, 0, 0, 0},
	{"[12.3] eth0 up",
	 "Mar  3 11:00:11 kernel: [12.3] eth0 up\n",
	 "E1 t=1425380411|program=kernel|message=[12.3] eth0 up\n",
	 2015, 0, 0, 0},
	{"crlf and missing newline at end",
	 "Dec 10 06:55:46 LabSZ sshd[1]: Invalid user a from 1.2.3.4"
	 "\r\n"
	 "Dec 10 06:55:47 LabSZ sshd[1]: hello\r\n"
	 "\r\n"
	 "Dec 10 06:55:48 LabSZ cron[2]: x",
	 "E1 t=1449730546 h=LabSZ|host=LabSZ|pid=1|program=sshd|mess"
	 "age=Invalid user a from 1.2.3.4|action=invalid_user|outcom"
	 "e=failure|invalid_user=true|user=a|src_ip=1.2.3.4\n"
	 "E2 t=1449730547 h=LabSZ|host=LabSZ|pid=1|program=sshd|mess"
	 "age=hello\n"
	 "E4 t=1449730548 h=LabSZ|host=LabSZ|pid=2|program=cron|mess"
	 "age=x\n",
	 2015, 0, 0, 0},
	{"year rollover",
	 "Dec 31 23:59:59 h p: a\n"
	 "Jan  1 00:00:00 h p: b\n"
	 "Feb  1 00:00:00 h p: c\n"
	 "Jan 31 00:00:00 h p: out of order\n",
	 "E1 t=1451606399 h=h|host=h|program=p|message=a\n"
	 "E2 t=1451606400 h=h|host=h|program=p|message=b\n"
	 "E3 t=1454284800 h=h|host=h|program=p|message=c\n"
	 "E4 t=1454198400 h=h|host=h|program=p|message=out of order\n",
	 2015, 0, 0, 0},
	{"year from reference time",
	 "Dec 31 23:59:59 h p: a\n"
	 "Jan  1 00:00:00 h p: b\n",
	 "E1 t=1451606399 h=h|host=h|program=p|message=a\n"
	 "E2 t=1451606400 h=h|host=h|program=p|message=b\n",
	 0, 1451649600, 0, 0},
	{"utc offset",
	 "Mar  3 11:00:00 h p: a\n",
	 "E1 t=1425376800 h=h|host=h|program=p|message=a\n",
	 2015, 0, 3600, 0},
	{"invalid utf-8",
	 "Mar  3 11:00:00 h p: caf\303\n"
	 "\377\n"
	 "Mar  3 11:00:01 h p: ok\n",
	 "B1:25:invalid UTF-8\n"
	 "B2:1:invalid UTF-8\n"
	 "E3 t=1425380401 h=h|host=h|program=p|message=ok\n",
	 2015, 0, 0, 0},
	{"invalid pri",
	 "<192>Mar  3 11:00:00 h p: a\n"
	 "<x>b\n"
	 "<13>Mar  3 11:00:01 h p: ok\n",
	 "B1:1:invalid PRI\n"
	 "B2:1:invalid PRI\n"
	 "E3 t=1425380401 h=h|facility=user|severity=notice|host=h|p"
	 "rogram=p|message=ok\n",
	 2015, 0, 0, 0},
	{"no timestamp",
	 "    continuation of a message\n"
	 "hello world\n"
	 "Mar 33 11:00:00 h p: bad day\n",
	 "B1:1:not a syslog line: no timestamp\n"
	 "B2:1:not a syslog line: no timestamp\n"
	 "B3:1:not a syslog line: no timestamp\n",
	 2015, 0, 0, 0},
	{"line over the limit",
	 "Mar  3 11:00:00 h p: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	 "Mar  3 11:00:01 h p: ok\n",
	 "B1:1:line longer than 64 bytes: skipped\n"
	 "E2 t=1425380401 h=h|host=h|program=p|message=ok\n",
	 2015, 0, 0, 64},
	{"line at the limit with crlf",
	 "Mar  3 11:00:00 h p: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxx\r\n",
	 "E1 t=1425380400 h=h|host=h|program=p|message=xxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	 2015, 0, 0, 64},
	{"no host",
	 "Mar  3 11:00:00 sshd[7]: Failed password for root from 1.1"
	 ".1.1 port 2 ssh2\n",
	 "E1 t=1425380400|pid=7|program=sshd|message=Failed password"
	 " for root from 1.1.1.1 port 2 ssh2|action=login|outcome=fa"
	 "ilure|auth_method=password|user=root|src_ip=1.1.1.1|src_po"
	 "rt=2|protocol=ssh2\n",
	 2015, 0, 0, 0},
	{"5424 nil values",
	 "<13>1 - - - - - -\n"
	 "<13>1 2024-02-29T00:00:00Z h app - - [a b=\"x]y\"][c] msg\n",
	 "E1|facility=user|severity=notice|message=\n"
	 "E2 t=1709164800 h=h|facility=user|severity=notice|host=h|p"
	 "rogram=app|structured_data=[a b=\"x]y\"][c]|message=msg\n",
	 2015, 0, 0, 0},
	{"5424 bad time",
	 "<13>1 2024-02-30T00:00:00Z h app - - - msg\n",
	 "B1:7:invalid RFC 5424 timestamp\n",
	 2015, 0, 0, 0},
	{"high precision bsd",
	 "Mar  3 11:00:00.123456 h p[9]: a\n",
	 "E1 t=1425380400 h=h|host=h|pid=9|program=p|message=a\n",
	 2015, 0, 0, 0},
	{"one-digit day",
	 "Mar 3 11:00:00 h p: a\n",
	 "E1 t=1425380400 h=h|host=h|program=p|message=a\n",
	 2015, 0, 0, 0},
	{"blank lines only",
	 "\n"
	 " \n"
	 "\t\r\n",
	 "",
	 2015, 0, 0, 0},
	{"empty",
	 "",
	 "",
	 2015, 0, 0, 0},
	{"rsyslog repeated message",
	 "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: "
	 "[ Failed password for root from 5.36.59.76 port 42393 ssh2]\n"
	 "Dec 10 07:13:57 LabSZ sshd[1]: message repeated x times: [ y]\n",
	 "E1 t=1449731636 h=LabSZ|host=LabSZ|pid=24227|program=sshd|"
	 "message=message repeated 5 times: [ Failed password for root "
	 "from 5.36.59.76 port 42393 ssh2]|repeated=5|action=login|"
	 "outcome=failure|auth_method=password|user=root|src_ip=5.36.59"
	 ".76|src_port=42393|protocol=ssh2\n"
	 "E2 t=1449731637 h=LabSZ|host=LabSZ|pid=1|program=sshd|"
	 "message=message repeated x times: [ y]\n",
	 2015, 0, 0, 0},
	{"usermod lock and unlock",
	 "Mar  3 11:00:00 srv usermod[9]: lock user 'eve' password\n"
	 "Mar  3 11:00:01 srv usermod[9]: unlock user 'eve' password\n"
	 "Mar  3 11:00:02 srv usermod[9]: change user 'eve' password\n",
	 "E1 t=1425380400 h=srv|host=srv|pid=9|program=usermod|message=lock "
	 "user 'eve' password|user=eve|action=user_lock|outcome=success\n"
	 "E2 t=1425380401 h=srv|host=srv|pid=9|program=usermod|message=unlock "
	 "user 'eve' password|user=eve|action=user_unlock|outcome=success\n"
	 "E3 t=1425380402 h=srv|host=srv|pid=9|program=usermod|message=change "
	 "user 'eve' password|user=eve|action=password_change|outcome=success\n",
	 2015, 0, 0, 0},
};

static void
test_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct scase *c = &cases[i];
		struct fl_reader_opts o;
		struct fl_buf out;

		memset(&o, 0, sizeof o);
		o.year = c->year;
		o.ref_time = c->ref_time;
		o.utc_offset = c->utc_offset;
		o.max_record = (size_t)c->max_record;
		fl_buf_init(&out, 1 << 20);
		ev_run(FL_FMT_SYSLOG, c->in, strlen(c->in), &o, NULL, &out);
		if (strcmp(fl_buf_str(&out), c->want) != 0)
			print_error("case '%s':\n got: %s\nwant: %s\n", c->name,
				    fl_buf_str(&out), c->want);
		assert_string_equal(fl_buf_str(&out), c->want);
		fl_buf_release(&out);
	}
}

/* A 10 MB line is reported and skipped; the next line is read. */
static void
test_huge_line(void **state)
{
	size_t n = (size_t)10 << 20;
	char *in = malloc(n + 64);
	struct fl_reader_opts o;
	struct fl_buf out;

	(void)state;
	assert_non_null(in);
	memset(in, 'a', n);
	memcpy(in, "Mar  3 11:00:00 h p: ", 21);
	memcpy(in + n, "\nMar  3 11:00:01 h p: ok\n", 25);
	memset(&o, 0, sizeof o);
	o.year = 2015;
	fl_buf_init(&out, 1 << 20);
	ev_run(FL_FMT_SYSLOG, in, n + 25, &o, NULL, &out);
	assert_string_equal(fl_buf_str(&out),
			    "B1:1:line longer than 1048576 bytes: skipped\n"
			    "E2 t=1425380401 h=h|host=h|program=p|message=ok\n");
	fl_buf_release(&out);
	free(in);
}

/* Keys of the fixed names are resolved once; lookups find them. */
static void
test_keys(void **state)
{
	static const char in[] = "Dec 10 09:12:35 LabSZ sshd[24492]: Failed "
	    "password for root from 183.62.140.253 port 49434 ssh2\n";
	struct fl_keys *k;
	unsigned ip, user, prog, none;
	struct fl_reader *r;
	struct fl_reader_opts o;
	struct fl_event ev;
	struct fl_diag d;
	const struct fl_field *f;

	(void)state;
	memset(&o, 0, sizeof o);
	o.year = 2015;
	assert_int_equal(fl_keys_new(0, &k), FL_OK);
	assert_int_equal(fl_keys_add(k, "src_ip", 6, &ip), FL_OK);
	assert_int_equal(fl_keys_add(k, "user", 4, &user), FL_OK);
	assert_int_equal(fl_keys_add(k, "program", 7, &prog), FL_OK);
	assert_int_equal(fl_keys_add(k, "command", 7, &none), FL_OK);
	assert_int_equal(fl_reader_open_mem(FL_FMT_SYSLOG, in, sizeof in - 1,
					    "auth.log", k, &o, &r, &d), FL_OK);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	assert_string_equal(ev.source, "auth.log");
	assert_int_equal(ev.record, 1);
	f = fl_event_get(&ev, ip);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_int_equal(f->value.n, 14);
	assert_memory_equal(f->value.p, "183.62.140.253", 14);
	f = fl_event_get(&ev, user);
	assert_non_null(f);
	if (f == NULL) /* for -Wnull-dereference at -O2 */
		return;
	assert_memory_equal(f->value.p, "root", 4);
	assert_non_null(fl_event_get(&ev, prog));
	assert_null(fl_event_get(&ev, none));
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_END);
	fl_reader_close(r);
	fl_keys_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
