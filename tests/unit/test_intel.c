/*
 * test_intel: the KEV and EPSS readers, as tables of inputs and the
 * entries (or the error and its position) they must give; the sniffer; a
 * callback that stops the reader; and the real files of the shared corpus
 * (CISA's catalogue in JSON and CSV, the KEV_EPSS file and FIRST's daily
 * format) when present.
 *
 * Entries are rendered one per line, every field in a fixed order, so one
 * string states every value the reader produced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "scan/intel.h"

struct seen {
	struct fl_buf out;
	struct fl_buf bare; /* KEV: the entries without line and catalogue */
	size_t n;
	size_t stop_at; /* return FL_E_INVAL at this entry (1-based); 0 never */
	size_t known, nocvss, ncwes;
	double score_sum;
	char first[32], last[32];
};

static void
seen_release(struct seen *s)
{
	fl_buf_release(&s->out);
	fl_buf_release(&s->bare);
}

static const char *
nz(const char *s)
{
	return s ? s : "-";
}

/* Empty renderings (s zeroed by the caller). */
static void
seen_init(struct seen *s)
{
	fl_buf_init(&s->out, 0);
	fl_buf_append(&s->out, "", 0);
	fl_buf_init(&s->bare, 0);
}

/*
 * Count an entry (its index must be the next one) and keep the first and
 * last CVE; 1 when the test asked to stop at this entry (d then says so).
 */
static int
seen_entry(struct seen *s, size_t index, const char *cve, struct fl_diag *d)
{
	assert_int_equal(index, s->n);
	if (++s->n == s->stop_at) {
		fl_diag_set(d, FL_E_INVAL, "caller", 7, 7, "stopped");
		return 1;
	}
	if (s->n == 1)
		fl_strlcpy(s->first, cve, sizeof s->first);
	fl_strlcpy(s->last, cve, sizeof s->last);
	return 0;
}

static fl_err
kev_render(void *ctx, const struct fl_kev_entry *e, struct fl_diag *d)
{
	struct seen *s = ctx;
	size_t k, start;

	if (seen_entry(s, e->index, e->cve, d))
		return FL_E_INVAL;
	s->known += e->ransomware == FL_KEV_RANSOM_KNOWN;
	s->ncwes += e->ncwes;
	fl_buf_printf(&s->out, "%lu:", e->line);
	start = s->out.len;
	fl_buf_printf(&s->out, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|", e->cve,
		      e->vendor, e->product, e->name, e->date_added,
		      e->due_date, e->required_action, nz(e->description),
		      nz(e->notes),
		      e->ransomware == FL_KEV_RANSOM_KNOWN ? "K" : "U");
	for (k = 0; k < e->ncwes; k++)
		fl_buf_printf(&s->out, "%s%s", k ? "," : "", e->cwes[k]);
	fl_buf_append(&s->bare, s->out.data + start, s->out.len - start);
	fl_buf_putc(&s->bare, '\n');
	fl_buf_printf(&s->out, "|%s|%s\n", nz(e->catalog_version),
		      nz(e->date_released));
	return FL_OK;
}

static fl_err
epss_render(void *ctx, const struct fl_epss_entry *e, struct fl_diag *d)
{
	struct seen *s = ctx;

	if (seen_entry(s, e->index, e->cve, d))
		return FL_E_INVAL;
	s->nocvss += e->cvss3 < 0;
	s->score_sum += e->score;
	fl_buf_printf(&s->out, "%lu:%s|%g|%g|%g|%s|%s|%s|%s|%s\n", e->line,
		      e->cve, e->score, e->percentile, e->cvss3,
		      nz(e->score_date), nz(e->model_version),
		      nz(e->description), nz(e->vendor), nz(e->product));
	return FL_OK;
}

/* Parse a heap copy of exactly len bytes, so ASan sees any overread. */
static fl_err
run(int kev, const char *in, size_t len, struct seen *s, struct fl_diag *d)
{
	char *copy;
	fl_err rc;

	seen_init(s);
	fl_diag_clear(d);
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, in, len);
	rc = kev ? fl_intel_parse_kev(copy, len, "t", kev_render, s, d)
		 : fl_intel_parse_epss(copy, len, "t", epss_render, s, d);
	free(copy);
	return rc;
}

/* A good input (KEV when kev, else EPSS) must render as want. */
static void
check_good(int kev, const char *what, const char *in, const char *want)
{
	struct seen s;
	struct fl_diag d;
	fl_err rc;

	memset(&s, 0, sizeof s);
	rc = run(kev, in, strlen(in), &s, &d);
	if (rc != FL_OK)
		print_message("%s: %s:%lu:%lu: %s\n", what, d.file, d.line, d.col,
			      d.msg);
	assert_int_equal(rc, FL_OK);
	assert_string_equal(fl_buf_str(&s.out), want);
	seen_release(&s);
}

/* A bad input must be refused with want at line:col, msg in the message. */
static void
check_error(int kev, const char *what, const char *in, fl_err want,
	    unsigned long line, unsigned long col, const char *msg)
{
	struct seen s;
	struct fl_diag d;
	fl_err rc;

	memset(&s, 0, sizeof s);
	rc = run(kev, in, strlen(in), &s, &d);
	print_message("%s: %s:%lu:%lu: %s\n", what, d.file, d.line, d.col, d.msg);
	assert_int_equal(rc, want);
	assert_string_equal(d.file, "t");
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	assert_non_null(strstr(d.msg, msg));
	seen_release(&s);
}

#define KEV_HDR "cveID,vendorProject,product,vulnerabilityName,dateAdded," \
	"shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse," \
	"notes,cwes\n"
#define KEV_ROW "CVE-2021-44228,Apache,Log4j2,Log4Shell,2021-12-10," \
	"JNDI lookups,Apply updates,2021-12-24,Known,,\"CWE-20, CWE-917\"\n"

static void
test_kev_good(void **state)
{
	static const struct {
		const char *what, *in, *want;
	} cases[] = {
		{"json, one entry",
		 "{\"catalogVersion\":\"2025.08.25\",\"dateReleased\":\"2025-08-25T17:04:19Z\",\n"
		 " \"count\":1,\"vulnerabilities\":[\n"
		 "  {\"cveID\":\"CVE-2021-44228\",\"vendorProject\":\"Apache\",\"product\":\"Log4j2\","
		 "\"vulnerabilityName\":\"Log4Shell\",\"dateAdded\":\"2021-12-10\","
		 "\"shortDescription\":\"JNDI lookups\",\"requiredAction\":\"Apply updates\","
		 "\"dueDate\":\"2021-12-24\",\"knownRansomwareCampaignUse\":\"Known\","
		 "\"notes\":\"https:\\/\\/x.test\",\"cwes\":[\"CWE-20\",\"CWE-917\"]}]}",
		 "3:CVE-2021-44228|Apache|Log4j2|Log4Shell|2021-12-10|2021-12-24|"
		 "Apply updates|JNDI lookups|https://x.test|K|CWE-20,CWE-917|"
		 "2025.08.25|2025-08-25T17:04:19Z\n"},
		{"json, optional members absent or empty, unknown ones ignored",
		 "\xEF\xBB\xBF {\"vulnerabilities\":[{\"cveID\":\"CVE-2014-0160\",\"vendorProject\":\"OpenSSL\","
		 "\"product\":\"OpenSSL\",\"vulnerabilityName\":\"Heartbleed\",\"dateAdded\":\"2022-05-04\","
		 "\"requiredAction\":\"\",\"dueDate\":\"2022-05-25\",\"notes\":\"\",\"x\":[1,{}]},\n"
		 "{\"cveID\":\"CVE-2024-123456\",\"vendorProject\":\"V\",\"product\":\"P\","
		 "\"vulnerabilityName\":\"N\",\"dateAdded\":\"2024-02-29\",\"shortDescription\":\"d\","
		 "\"requiredAction\":\"a\",\"dueDate\":\"2024-03-01\",\"knownRansomwareCampaignUse\":\"unknown\","
		 "\"cwes\":[]}]}",
		 "1:CVE-2014-0160|OpenSSL|OpenSSL|Heartbleed|2022-05-04|2022-05-25||-|-|U||-|-\n"
		 "2:CVE-2024-123456|V|P|N|2024-02-29|2024-03-01|a|d|-|U||-|-\n"},
		{"json, empty catalogue", "{\"vulnerabilities\":[]}", ""},
		{"csv", KEV_HDR KEV_ROW,
		 "2:CVE-2021-44228|Apache|Log4j2|Log4Shell|2021-12-10|2021-12-24|"
		 "Apply updates|JNDI lookups|-|K|CWE-20,CWE-917|-|-\n"},
		{"csv, crlf, columns reordered, optional ones missing, blanks trimmed",
		 "dueDate,cveID,vendorProject,product,vulnerabilityName,dateAdded,requiredAction\r\n"
		 "2022-05-25 , CVE-2014-0160,OpenSSL,OpenSSL,\"Heart\nbleed\",2022-05-04,x\r\n"
		 "2022-05-26,CVE-2014-0161,O,O,H,2022-05-05,y\r\n",
		 "2:CVE-2014-0160|OpenSSL|OpenSSL|Heart\nbleed|2022-05-04|2022-05-25|x|-|-|U||-|-\n"
		 "4:CVE-2014-0161|O|O|H|2022-05-05|2022-05-26|y|-|-|U||-|-\n"},
		{"csv, header only", KEV_HDR, ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		check_good(1, cases[i].what, cases[i].in, cases[i].want);
}

#define J1(m) "{\"vulnerabilities\":[\n{\"cveID\":\"CVE-2021-44228\"," \
	"\"vendorProject\":\"A\",\"product\":\"B\",\"vulnerabilityName\":\"C\"," \
	"\"dateAdded\":\"2021-12-10\",\"requiredAction\":\"R\"," m "}]}"

static void
test_kev_errors(void **state)
{
	static const struct {
		const char *what, *in;
		fl_err rc;
		unsigned long line, col;
		const char *msg;
	} cases[] = {
		{"empty", "", FL_E_SYNTAX, 1, 1, "empty"},
		{"json syntax", "{\"vulnerabilities\":[\n{,}]}", FL_E_SYNTAX, 2, 2, "string or '}'"},
		{"json not an object", "[1]", FL_E_SYNTAX, 1, 1, "vulnerabilities"},
		{"json entry not an object", "{\"vulnerabilities\":[\n  7]}", FL_E_SYNTAX, 2, 3, "not an object"},
		{"json missing due date", J1("\"x\":1"), FL_E_SYNTAX, 2, 1, "\"dueDate\""},
		{"json bad due date", J1("\"dueDate\": \"2021-02-29\""), FL_E_SYNTAX, 2, 142, "2021-02-29"},
		{"json due date with time", J1("\"dueDate\":\"2021-12-24T00:00:00Z\""), FL_E_SYNTAX, 2, 141, "not a date"},
		{"json due date not a string", J1("\"dueDate\":20211224"), FL_E_SYNTAX, 2, 141, "not a string"},
		{"json ransomware word", J1("\"dueDate\":\"2021-12-24\",\"knownRansomwareCampaignUse\":\"Maybe\""),
		 FL_E_SYNTAX, 2, 183, "Maybe"},
		{"json cwe", J1("\"dueDate\":\"2021-12-24\",\"cwes\":[\"79\"]"), FL_E_SYNTAX, 2, 161, "'79'"},
		{"json cwes not an array", J1("\"dueDate\":\"2021-12-24\",\"cwes\":\"CWE-79\""), FL_E_SYNTAX, 2, 161, "not an array"},
		{"json duplicate key", "{\"vulnerabilities\":[],\"vulnerabilities\":[]}", FL_E_SYNTAX, 1, 39, "duplicate"},
		{"json bad cve, second entry",
		 "{\"vulnerabilities\":[" "\n{\"cveID\":\"CVE-2021-44228\",\"vendorProject\":\"A\",\"product\":\"B\","
		 "\"vulnerabilityName\":\"C\",\"dateAdded\":\"2021-12-10\",\"requiredAction\":\"R\",\"dueDate\":\"2021-12-24\"},"
		 "\n  {\"x\":\"\\u00e9\\\"}\",\"cveID\":\"CVE-21-1\",\"vendorProject\":\"A\",\"product\":\"B\","
		 "\"vulnerabilityName\":\"C\",\"dateAdded\":\"2021-12-10\",\"requiredAction\":\"R\",\"dueDate\":\"2021-12-24\"}]}",
		 FL_E_SYNTAX, 3, 28, "CVE-21-1"},
		{"json entry without cveID, after a string with brackets",
		 "{\"vulnerabilities\":[" "\n{\"cveID\":\"CVE-2021-44228\",\"vendorProject\":\"A\",\"product\":\"B\","
		 "\"vulnerabilityName\":\"C\",\"dateAdded\":\"2021-12-10\",\"requiredAction\":\"R\",\"dueDate\":\"2021-12-24\","
		 "\"notes\":\"]}[{\\\\\"},\n \t{\"x\":1}]}", FL_E_SYNTAX, 3, 3, "\"cveID\""},
		{"csv no cveID column", "cve,dueDate\nCVE-2021-44228,2021-01-01\n", FL_E_SYNTAX, 1, 1, "'cveID'"},
		{"csv bad cve", KEV_HDR "CVE-2021-123,A,B,C,2021-12-10,d,r,2021-12-24,Unknown,,\n",
		 FL_E_SYNTAX, 2, 1, "CVE-2021-123"},
		{"csv bad date after a quoted field with a newline",
		 KEV_HDR KEV_ROW "CVE-2021-44229,A,\"B\nB\",\"C, \"\"c\"\"\",2021-13-10,d,r,2021-12-24,Unknown,,\n",
		 FL_E_SYNTAX, 4, 15, "2021-13-10"},
		{"csv utf-8 before the bad field",
		 KEV_HDR "CVE-2021-44229,\xc3\xa9\xc3\xa9,B,C,2021-12-10,d,r,24.12.2021,Unknown,,\n",
		 FL_E_SYNTAX, 2, 38, "24.12.2021"},
		{"csv ransomware", KEV_HDR "CVE-2021-44229,A,B,C,2021-12-10,d,r,2021-12-24,yes,,\n",
		 FL_E_SYNTAX, 2, 48, "'yes'"},
		{"csv cwe list", KEV_HDR "CVE-2021-44229,A,B,C,2021-12-10,d,r,2021-12-24,Known,,\"CWE-1,\"\n",
		 FL_E_SYNTAX, 2, 55, "not a CWE"},
		{"csv short record (truncated)", KEV_HDR "CVE-2021-44229,A,B,C,2021-12-10,d,r,2021-12-24",
		 FL_E_SYNTAX, 2, 37, "8 fields, the header has 11"},
		{"csv syntax from the reader", KEV_HDR "CVE-2021-44229,A\"B\n", FL_E_SYNTAX, 2, 17, "quote"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		check_error(1, cases[i].what, cases[i].in, cases[i].rc,
			    cases[i].line, cases[i].col, cases[i].msg);
}

/* Every prefix of a good catalogue is an error with a position, except a
 * CSV cut where its records can end: truncated JSON never reads. */
static void
test_kev_truncated(void **state)
{
	static const char *const docs[] = {
		J1("\"dueDate\":\"2021-12-24\""),
		KEV_HDR KEV_ROW,
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof docs / sizeof *docs; i++) {
		size_t len = strlen(docs[i]);

		for (n = 0; n < len; n++) {
			struct seen s;
			struct fl_diag d;
			fl_err rc;

			memset(&s, 0, sizeof s);
			rc = run(1, docs[i], n, &s, &d);
			if (rc == FL_OK) {
				/* a CSV cut at a record's end (or inside its
				 * last field) reads as a shorter file */
				assert_int_equal(i, 1);
				assert_true(s.n <= 1);
			} else {
				assert_int_equal(rc, FL_E_SYNTAX);
				assert_true(d.line >= 1 && d.col >= 1);
			}
			seen_release(&s);
		}
	}
}

static void
test_epss_good(void **state)
{
	static const struct {
		const char *what, *in, *want;
	} cases[] = {
		{"first, with the comment line",
		 "#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\n"
		 "cve,epss,percentile\n"
		 "CVE-1999-0001,0.03351,0.88255\n"
		 "CVE-2026-10000,1,0\n"
		 "CVE-2026-9999,4e-05,1.0\n",
		 "3:CVE-1999-0001|0.03351|0.88255|-1|2026-09-29|v2026.06.15|-|-|-\n"
		 "4:CVE-2026-10000|1|0|-1|2026-09-29|v2026.06.15|-|-|-\n"
		 "5:CVE-2026-9999|4e-05|1|-1|2026-09-29|v2026.06.15|-|-|-\n"},
		{"first, crlf, bom, only a date in the comment",
		 "\xEF\xBB\xBF#score_date:2022-02-01,other:x\r\ncve,epss,percentile\r\nCVE-2022-0001,0.5,0.5\r\n",
		 "3:CVE-2022-0001|0.5|0.5|-1|2022-02-01|-|-|-|-\n"},
		{"first, without the comment line",
		 "cve,epss,percentile\nCVE-2022-0001, 0.25 ,0.75\n",
		 "2:CVE-2022-0001|0.25|0.75|-1|-|-|-|-|-\n"},
		{"kev_epss, an empty CVSS3",
		 "CVE,CVSS3,EPSS,EPSS Percentile,Description,Vendor,Product\n"
		 "CVE-2021-44228,10.0,0.9447,0.99985,\"Log4j, JNDI\",Apache,Log4j2\n"
		 "CVE-2018-14634,,0.01,0.5,,Linux,\n",
		 "2:CVE-2021-44228|0.9447|0.99985|10|-|-|Log4j, JNDI|Apache|Log4j2\n"
		 "3:CVE-2018-14634|0.01|0.5|-1|-|-|-|Linux|-\n"},
		{"comment and header only", "#model_version:v1\ncve,epss,percentile\n", ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		check_good(0, cases[i].what, cases[i].in, cases[i].want);
}

#define FIRST_HDR "#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\ncve,epss,percentile\n"

static void
test_epss_errors(void **state)
{
	static const struct {
		const char *what, *in;
		unsigned long line, col;
		const char *msg;
	} cases[] = {
		{"empty", "", 1, 1, "no header"},
		{"comment only", "#model_version:v1\n", 2, 1, "no header"},
		{"not epss", "cve,score\nCVE-2021-0001,1\n", 1, 1, "not an EPSS file"},
		{"bad score_date", "#model_version:v1,score_date:2026-9-29\ncve,epss,percentile\n", 1, 30, "score_date"},
		{"score_date without a value", "#model_version:v1,score_date\ncve,epss,percentile\n", 1, 29, "score_date"},
		{"score above 1", FIRST_HDR "CVE-2021-0001,1.5,0.3\n", 3, 15, "'1.5'"},
		{"negative percentile", FIRST_HDR "CVE-2021-0001,0.5,-0.3\n", 3, 19, "'-0.3'"},
		{"nan", FIRST_HDR "CVE-2021-0001,nan,0.3\n", 3, 15, "'nan'"},
		{"hex", FIRST_HDR "CVE-2021-0001,0x1p-2,0.3\n", 3, 15, "'0x1p-2'"},
		{"empty score", FIRST_HDR "CVE-2021-0001,,0.3\n", 3, 15, "''"},
		{"lower-case cve", FIRST_HDR "cve-2021-0001,0.1,0.3\n", 3, 1, "not a CVE id"},
		{"short record", FIRST_HDR "CVE-2021-0001,0.1,0.3\nCVE-2021-0002,0.1\n", 4, 15, "2 fields"},
		{"long record", FIRST_HDR "CVE-2021-0001,0.1,0.3,x\n", 3, 23, "4 fields"},
		{"reader error shifted past the comment", FIRST_HDR "CVE-2021-0001,\"0.1\"x,0.3\n", 3, 20, "after a quoted"},
		{"cvss3 above 10", "CVE,CVSS3,EPSS,EPSS Percentile\nCVE-2021-0001,10.5,0.1,0.2\n", 2, 15, "CVSS3"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		check_error(0, cases[i].what, cases[i].in, FL_E_SYNTAX,
			    cases[i].line, cases[i].col, cases[i].msg);
}

/* A callback's error stops the reader and its diag is left as it was. */
static void
test_callback_stops(void **state)
{
	static const struct {
		int kev;
		const char *in;
	} cases[] = {
		{1, KEV_HDR KEV_ROW KEV_ROW KEV_ROW},
		{1, J1("\"dueDate\":\"2021-12-24\"},{\"cveID\":\"CVE-2021-44228\","
		       "\"vendorProject\":\"A\",\"product\":\"B\",\"vulnerabilityName\":\"C\","
		       "\"dateAdded\":\"2021-12-10\",\"requiredAction\":\"R\",\"dueDate\":\"2021-12-24\"")},
		{0, FIRST_HDR "CVE-2021-0001,0.1,0.3\nCVE-2021-0002,0.1,0.3\nCVE-2021-0003,0.1,0.3\n"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct seen s;
		struct fl_diag d;

		memset(&s, 0, sizeof s);
		s.stop_at = 2;
		assert_int_equal(run(cases[i].kev, cases[i].in,
				     strlen(cases[i].in), &s, &d), FL_E_INVAL);
		assert_int_equal(s.n, 2);
		assert_string_equal(d.file, "caller");
		assert_int_equal(d.line, 7);
		assert_int_equal(d.col, 7);
		seen_release(&s);
	}
}

static void
test_sniff(void **state)
{
	static const struct {
		const char *in;
		enum fl_intel_kind want;
	} cases[] = {
		{"{\"title\":\"CISA\",\"catalogVersion\":\"1\",\"vulnerabilities\":[]}", FL_INTEL_KEV_JSON},
		{"\xEF\xBB\xBF\n {\"vulnerabilities\":[]}", FL_INTEL_KEV_JSON},
		{"{\"SchemaVersion\":2,\"Results\":[]}", FL_INTEL_UNKNOWN},
		{KEV_HDR, FL_INTEL_KEV_CSV},
		{"\"cveID\",\"dueDate\"\r\n", FL_INTEL_KEV_CSV},
		{FIRST_HDR, FL_INTEL_EPSS_FIRST},
		{"cve,epss,percentile\n", FL_INTEL_EPSS_FIRST},
		{"CVE,CVSS3,EPSS,EPSS Percentile,Description,Vendor,Product\n", FL_INTEL_EPSS_KEV},
		{"cve,cvss\n", FL_INTEL_UNKNOWN},
		{"Plugin ID,CVE,CVSS v2.0 Base Score,Risk,Host\n", FL_INTEL_UNKNOWN},
		{"<?xml version=\"1.0\"?><NessusClientData_v2>", FL_INTEL_UNKNOWN},
		{"", FL_INTEL_UNKNOWN},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_string_equal(fl_intel_kind_name(fl_intel_sniff(
			cases[i].in, strlen(cases[i].in))),
			fl_intel_kind_name(cases[i].want));
	assert_string_equal(fl_intel_kind_name(FL_INTEL_EPSS_KEV), "epss-kev");
}

/* ---- the real files of the corpus -------------------------------------- */

static const char *
intel_dir(char *buf, size_t sz)
{
	const char *c = getenv("FL_CORPUS");
	struct stat sb;

	if (c && *c)
		snprintf(buf, sz, "%s/intel", c);
	else if ((c = getenv("FL_TOP")) && *c)
		snprintf(buf, sz, "%s/../shared/corpus/intel", c);
	else
		snprintf(buf, sz, "/work/shared/corpus/intel");
	return stat(buf, &sb) == 0 ? buf : NULL;
}

/* Read and parse one corpus file; the rendering is left in s->out. */
static int
corpus_parse(const char *dir, const char *name, int kev, enum fl_intel_kind kind,
	     struct seen *s)
{
	char path[1200];
	struct fl_buf b;
	struct fl_diag d;
	fl_err rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fl_buf_init(&b, 0);
	if (fl_buf_read_file(&b, path, &d) != FL_OK) {
		print_message("skipped: %s absent\n", path);
		fl_buf_release(&b);
		return -1;
	}
	assert_int_equal(fl_intel_sniff(b.data, b.len), kind);
	memset(s, 0, sizeof *s);
	seen_init(s);
	rc = kev ? fl_intel_parse_kev(b.data, b.len, path, kev_render, s, &d)
		 : fl_intel_parse_epss(b.data, b.len, path, epss_render, s, &d);
	if (rc != FL_OK)
		print_message("%s:%lu:%lu: %s\n", d.file, d.line, d.col, d.msg);
	assert_int_equal(rc, FL_OK);
	fl_buf_release(&b);
	return 0;
}

/* CISA's catalogue of 2025-08-25, read from either of its forms. */
static void
check_kev_corpus(const struct seen *s)
{
	assert_int_equal(s->n, 1404);
	assert_int_equal(s->known, 293);
	assert_int_equal(s->ncwes, 1338);
	assert_string_equal(s->first, "CVE-2025-48384");
	assert_string_equal(s->last, "CVE-2020-29583");
}

static void
test_corpus(void **state)
{
	char dir[1024];
	struct seen json, csv, s;

	(void)state;
	memset(&json, 0, sizeof json);
	memset(&csv, 0, sizeof csv);
	if (intel_dir(dir, sizeof dir) == NULL) {
		/* cmocka's skip() prints "not ok ... # SKIP", which the runner
		 * counts as a failure: say so and pass instead */
		print_message("skipped: no corpus\n");
		return;
	}
	if (corpus_parse(dir, "kev/known_exploited_vulnerabilities.json", 1,
			 FL_INTEL_KEV_JSON, &json) == 0) {
		check_kev_corpus(&json);
		assert_non_null(strstr(fl_buf_str(&json.out),
			"7:CVE-2025-48384|Git|Git|Git Link Following Vulnerability|"
			"2025-08-25|2025-09-15|"));
		assert_non_null(strstr(fl_buf_str(&json.out),
			"|U|CWE-59,CWE-436|2025.08.25|2025-08-25T17:04:19.9796Z\n"));
	}
	if (corpus_parse(dir, "kev/known_exploited_vulnerabilities.csv", 1,
			 FL_INTEL_KEV_CSV, &csv) == 0) {
		check_kev_corpus(&csv);
		assert_non_null(strstr(fl_buf_str(&csv.out),
			"2:CVE-2025-48384|Git|Git|Git Link Following Vulnerability|"
			"2025-08-25|2025-09-15|"));
	}
	if (json.out.data != NULL && csv.out.data != NULL) {
		/* the two forms CISA publishes carry the same entries */
		assert_int_equal(json.bare.len, csv.bare.len);
		assert_true(memcmp(json.bare.data, csv.bare.data,
				   json.bare.len) == 0);
	}
	seen_release(&json);
	seen_release(&csv);
	if (corpus_parse(dir, "epss/epss_kev_nvd.csv", 0, FL_INTEL_EPSS_KEV,
			 &s) == 0) {
		assert_int_equal(s.n, 1556);
		assert_int_equal(s.nocvss, 4);
		assert_string_equal(s.first, "CVE-2025-62593");
		assert_string_equal(s.last, "CVE-2020-29583");
		assert_true(s.score_sum > 818.28 && s.score_sum < 818.29);
		assert_non_null(strstr(fl_buf_str(&s.out),
			"1557:CVE-2020-29583|0.90155|0.99787|9.8|-|-|"));
		seen_release(&s);
	}
	if (corpus_parse(dir, "epss/epss_scores-excerpt-2026-09-29.csv", 0,
			 FL_INTEL_EPSS_FIRST, &s) == 0) {
		assert_int_equal(s.n, 31);
		assert_int_equal(s.nocvss, 31);
		assert_string_equal(s.first, "CVE-1999-0001");
		assert_string_equal(s.last, "CVE-2026-9999");
		assert_non_null(strstr(fl_buf_str(&s.out),
			":CVE-2022-41082|0.9997|0.99977|-1|2026-09-29|v2026.06.15|-|-|-\n"));
		assert_non_null(strstr(fl_buf_str(&s.out),
			"3:CVE-1999-0001|0.03351|0.88255|-1|2026-09-29|"));
		seen_release(&s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kev_good),
		cmocka_unit_test(test_kev_errors),
		cmocka_unit_test(test_kev_truncated),
		cmocka_unit_test(test_epss_good),
		cmocka_unit_test(test_epss_errors),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
