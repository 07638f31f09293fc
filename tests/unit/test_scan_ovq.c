/*
 * test_scan_ovq: what the OpenVAS and Qualys readers tell the importer
 * besides findings, which `vuln parse` does not show: each scanned host
 * once, with whether the scan logged in to it, and the scan's name and
 * start.  Cases are a table of small reports in memory and the rendering
 * of every host and meta call they must give; then a sink that refuses a
 * finding stops every reader with its error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan/scan.h"

struct seen {
	struct fl_buf hosts, meta;
	size_t findings, stop_at;
};

static const char *
nz(const char *s)
{
	return s ? s : "-";
}

static fl_err
on_host(void *ctx, const struct fl_scan_host *h)
{
	struct seen *s = ctx;

	return fl_buf_printf(&s->hosts, "%s|%s|%s|%d|%s;", nz(h->host), nz(h->ip),
			     nz(h->fqdn), h->authenticated, nz(h->os));
}

static fl_err
on_meta(void *ctx, const struct fl_scan_meta *m)
{
	struct seen *s = ctx;

	return fl_buf_printf(&s->meta, "%s|%s|%s;", nz(m->scanner), nz(m->name),
			     nz(m->started));
}

static fl_err
on_finding(void *ctx, const struct fl_finding *f)
{
	struct seen *s = ctx;

	(void)f;
	if (++s->findings == s->stop_at)
		return FL_E_INVAL;
	return FL_OK;
}

static const char ov_xml[] =
	"<report format_id=\"x\"><name>r</name><task><name>dmz</name></task>"
	"<report><scan_start>2026-01-05T10:00:00Z</scan_start><results>"
	"<result><host>192.0.2.10<hostname>web1</hostname></host>"
	"<port>22/tcp</port><nvt oid=\"1.2\"><name>A</name></nvt>"
	"<threat>High</threat></result>"
	"<result><host>192.0.2.11</host><port>80/tcp</port>"
	"<nvt oid=\"1.3\"><name>B</name></nvt><threat>Low</threat></result>"
	"<result><host>192.0.2.10</host><port>23/tcp</port>"
	"<nvt oid=\"1.4\"><name>C</name></nvt><threat>Low</threat></result>"
	"<result><host>192.0.2.12</host><nvt oid=\"1.5\"><name>D</name></nvt>"
	"</result>"
	"</results>"
	"<host><ip>192.0.2.10</ip><detail><name>hostname</name>"
	"<value>web1</value></detail><detail><name>best_os_txt</name>"
	"<value>Debian 12</value></detail><detail><name>Auth-SSH-Failure</name>"
	"<value>x</value></detail><detail><name>Auth-SSH-Success</name>"
	"<value>y</value></detail></host>"
	"<host><ip>192.0.2.11</ip><detail><name>Auth-SMB-Failure</name>"
	"<value>x</value></detail></host>"
	"<host><ip>192.0.2.13</ip></host>"
	"</report></report>";

static const char ov_csv[] =
	"IP,Hostname,Port,Port Protocol,CVSS,Severity,NVT Name,NVT OID,Task Name\n"
	"192.0.2.1,a.test,22,tcp,5.0,Medium,X,1.1,weekly\n"
	"192.0.2.1,a.test,23,tcp,5.0,Medium,Y,1.2,weekly\n"
	"192.0.2.2,,23,tcp,5.0,Medium,Y,1.2,weekly\n";

static const char q_adr[] =
	"<!DOCTYPE ASSET_DATA_REPORT SYSTEM \"https://q.test/a.dtd\">"
	"<ASSET_DATA_REPORT><HEADER><GENERATION_DATETIME>2026-03-01T08:00:00Z"
	"</GENERATION_DATETIME><TEMPLATE>Monthly</TEMPLATE></HEADER><HOST_LIST>"
	"<HOST><IP>192.0.2.20</IP><DNS>a.test</DNS><OPERATING_SYSTEM>Win"
	"</OPERATING_SYSTEM><VULN_INFO_LIST>"
	"<VULN_INFO><QID id=\"qid_70028\">70028</QID><RESULT>User Name\tscan"
	"</RESULT></VULN_INFO></VULN_INFO_LIST></HOST>"
	"<HOST><IP>192.0.2.21</IP><VULN_INFO_LIST>"
	"<VULN_INFO><QID id=\"qid_70028\">70028</QID><RESULT>NULL session"
	"</RESULT></VULN_INFO></VULN_INFO_LIST></HOST>"
	"<HOST><IP>192.0.2.22</IP><TRACKING_METHOD>AGENT</TRACKING_METHOD>"
	"<VULN_INFO_LIST><VULN_INFO><QID id=\"qid_6\">6</QID></VULN_INFO>"
	"</VULN_INFO_LIST></HOST>"
	"<HOST><IP>192.0.2.23</IP><NETBIOS>D</NETBIOS><VULN_INFO_LIST>"
	"<VULN_INFO><QID id=\"qid_105015\">105015</QID></VULN_INFO>"
	"<VULN_INFO><QID id=\"qid_6\">6</QID></VULN_INFO>"
	"</VULN_INFO_LIST></HOST>"
	"<HOST><IP>192.0.2.24</IP><VULN_INFO_LIST>"
	"<VULN_INFO><QID id=\"qid_999\">999</QID></VULN_INFO>"
	"</VULN_INFO_LIST></HOST></HOST_LIST>"
	"<GLOSSARY><VULN_DETAILS_LIST>"
	"<VULN_DETAILS id=\"qid_70028\"><QID>70028</QID>"
	"<TITLE>Windows Authentication Method</TITLE><SEVERITY>1</SEVERITY>"
	"</VULN_DETAILS>"
	"<VULN_DETAILS id=\"qid_105015\"><QID>105015</QID>"
	"<TITLE>Windows Authentication Failed</TITLE><SEVERITY>2</SEVERITY>"
	"</VULN_DETAILS>"
	"<VULN_DETAILS id=\"qid_6\"><QID>6</QID><TITLE>DNS Host Name</TITLE>"
	"<SEVERITY>1</SEVERITY></VULN_DETAILS>"
	"</VULN_DETAILS_LIST></GLOSSARY></ASSET_DATA_REPORT>";

static const char q_scan[] =
	"<SCAN value=\"scan/1\"><HEADER><KEY value=\"DATE\">2026-01-05</KEY>"
	"<KEY value=\"TITLE\">DMZ</KEY></HEADER>"
	"<IP value=\"192.0.2.30\" name=\"gw.test\"><OS>Linux</OS><INFOS>"
	"<CAT value=\"x\"><INFO number=\"38307\" severity=\"1\">"
	"<TITLE>Unix Authentication Method</TITLE></INFO></CAT></INFOS></IP>"
	"<IP value=\"192.0.2.31\" name=\"No registered hostname\"><VULNS>"
	"<CAT value=\"x\" port=\"80\" protocol=\"tcp\"><VULN number=\"1\" "
	"severity=\"5\"><TITLE>T</TITLE></VULN></CAT></VULNS></IP></SCAN>";

static const char q_csv[] =
	"\"Scan Results\"\n"
	"\"IP\",\"DNS\",\"Tracking Method\",\"OS\",\"QID\",\"Title\",\"Severity\"\n"
	"\"192.0.2.40\",\"db1.test\",\"QAGENT\",\"Win\",\"1\",\"A\",\"4\"\n"
	"\"192.0.2.41\",\"\",\"IP\",\"\",\"1\",\"A\",\"4\"\n"
	"\"192.0.2.40\",\"db1.test\",\"QAGENT\",\"Win\",\"2\",\"B\",\"3\"\n";

static const struct {
	const char *name, *format, *data;
	size_t findings;
	const char *hosts, *meta;
} cases[] = {
	{ "openvas xml", "openvas-xml", ov_xml, 4,
	  /* summaries as they close, then result hosts without one */
	  "192.0.2.10|192.0.2.10|web1|1|Debian 12;"
	  "192.0.2.11|192.0.2.11|-|0|-;"
	  "192.0.2.13|192.0.2.13|-|-1|-;"
	  "192.0.2.12|192.0.2.12|-|-1|-;",
	  "OpenVAS|dmz|2026-01-05T10:00:00Z;" },
	{ "openvas csv", "openvas-csv", ov_csv, 3,
	  "192.0.2.1|192.0.2.1|a.test|-1|-;192.0.2.2|192.0.2.2|-|-1|-;",
	  "OpenVAS|weekly|-;" },
	{ "qualys asset data report", "qualys-xml", q_adr, 6,
	  "a.test|192.0.2.20|a.test|1|Win;"
	  "192.0.2.21|192.0.2.21|-|0|-;"
	  "192.0.2.22|192.0.2.22|-|1|-;"
	  "D|192.0.2.23|D|0|-;"
	  "192.0.2.24|192.0.2.24|-|-1|-;",
	  "Qualys|Monthly|2026-03-01T08:00:00Z;" },
	{ "qualys scan report", "qualys-xml", q_scan, 2,
	  "gw.test|192.0.2.30|gw.test|1|Linux;192.0.2.31|192.0.2.31|-|-1|-;",
	  "Qualys|DMZ|2026-01-05;" },
	{ "qualys csv", "qualys-csv", q_csv, 3,
	  "db1.test|192.0.2.40|db1.test|1|Win;192.0.2.41|192.0.2.41|-|-1|-;",
	  "Qualys|-|-;" },
};

static fl_err
run(const char *format, const char *data, struct seen *s, struct fl_diag *d)
{
	struct fl_scan_src src;
	struct fl_scan_sink sink = { s, on_meta, on_host, on_finding };
	const struct fl_scan_format *used;

	fl_diag_clear(d);
	fl_scan_src_mem(&src, "case", data, strlen(data));
	return fl_scan_read_src(&src, format, &sink, &used, d);
}

static void
test_hosts_and_meta(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s;
		struct fl_diag d;
		struct fl_scan_src src;
		const struct fl_scan_format *fmt;
		fl_err rc;

		memset(&s, 0, sizeof(s));
		fl_buf_init(&s.hosts, 0);
		fl_buf_init(&s.meta, 0);
		rc = run(cases[i].format, cases[i].data, &s, &d);
		if (rc != FL_OK)
			fail_msg("%s: %s", cases[i].name, d.msg);
		assert_int_equal(s.findings, cases[i].findings);
		assert_string_equal(fl_buf_str(&s.hosts), cases[i].hosts);
		assert_string_equal(fl_buf_str(&s.meta), cases[i].meta);
		/* and the content alone names the format */
		fl_scan_src_mem(&src, "case", cases[i].data, strlen(cases[i].data));
		assert_int_equal(fl_scan_detect(&src, &fmt, &d), FL_OK);
		assert_non_null(fmt);
		assert_string_equal(fmt->name, cases[i].format);
		fl_buf_release(&s.hosts);
		fl_buf_release(&s.meta);
	}
}

/* A sink that refuses the second finding stops the reader with its error. */
static void
test_sink_error_stops(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s;
		struct fl_diag d;

		memset(&s, 0, sizeof(s));
		fl_buf_init(&s.hosts, 0);
		fl_buf_init(&s.meta, 0);
		s.stop_at = 2;
		assert_int_equal(run(cases[i].format, cases[i].data, &s, &d),
				 FL_E_INVAL);
		assert_int_equal(s.findings, 2);
		fl_buf_release(&s.hosts);
		fl_buf_release(&s.meta);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_and_meta),
		cmocka_unit_test(test_sink_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
