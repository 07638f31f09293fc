/*
 * test_evtx: the EVTX reader.
 *
 * Table cases over files written here byte by byte (evtx_build.h): every
 * case states the whole outcome as text (event_test.h: one line per event
 * or bad record, "*" matching any run in a bad record's reason) and runs
 * three ways (in memory, from a file, from a file in 16-byte first reads):
 * template instances (inline and by offset), names inline and by
 * reference, every value type, arrays, optional substitutions, nested
 * binary XML, plain elements without templates, CDATA and references,
 * EventData/UserData flattening, the limits, and each kind of damage (bad
 * signatures, checksums, a chunk cut short, a template or substitution
 * out of range, deep nesting, a broken record) with reading going on
 * after it.  Then fl_evtx_chunk_span() and runs of chunks read on their
 * own, and gzip input.
 *
 * Over the corpus ($FL_CORPUS; "skipped: no corpus" without it):
 *  - the 202 SigmaHQ regression pairs: each <uuid>.evtx gives the events
 *    the JSON reader gives from <uuid>.json, as multisets of (name,
 *    value), after a normaliser for the three ways the evtx_dump JSON
 *    renders values differently (see norm()), with one data difference
 *    listed by file (the JSON was edited; evtxexport agrees with us);
 *  - all 356 .evtx files: 16,622 events, no bad record: evtxexport's
 *    16,582 on the 354 files it reads and 29 + 11 on the two it fails on
 *    ("unsupported type 0x05": records written as plain elements);
 *  - the control characters of three files kept as bytes;
 *  - a 49-chunk file read as runs of chunks gives what the whole gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include "event_test.h"
#include "evtx_build.h"

/* ---- helpers ------------------------------------------------------------ */

/* PATTERN with '*' matching any run of bytes. */
static int
glob(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return glob(p + 1, s) || (*s && glob(p, s + 1));
	return *s == *p && glob(p + 1, s + 1);
}

static void
expect(const char *name, const char *got, const char *want)
{
	if (!glob(want, got)) {
		size_t i = 0;

		while (got[i] && got[i] == want[i])
			i++;
		print_message("case %s: differs at byte %zu\n got: %s\nwant: "
			      "%s\n", name, i, got + i, want + i);
		fail();
	}
}

#define FT(unix_s, frac7) \
	((UINT64_C(unix_s) + UINT64_C(11644473600)) * 10000000u + (frac7))

static struct eb E;

/* The System part of a template body: substitutions 0-11. */
static void
sys_body(struct eb *e)
{
	eb_open(e, "Event", 1, 1);
	eb_attr(e, "xmlns", 0);
	eb_text(e, "http://schemas.microsoft.com/win/2004/08/events/event");
	eb_close_start(e);
	eb_open(e, "System", 0, 1);
	eb_close_start(e);
	eb_open(e, "Provider", 1, 1);
	eb_attr(e, "Name", 1);
	eb_sub(e, 0, 0x01, 1);
	eb_attr(e, "Guid", 0);
	eb_sub(e, 1, 0x0f, 1);
	eb_close_empty(e);
	eb_leaf(e, "EventID", NULL, 2, 0x06, 1);
	eb_leaf(e, "Level", NULL, 3, 0x04, 1);
	eb_open(e, "TimeCreated", 1, 1);
	eb_attr(e, "SystemTime", 0);
	eb_sub(e, 4, 0x11, 1);
	eb_close_empty(e);
	eb_leaf(e, "EventRecordID", NULL, 5, 0x0a, 1);
	eb_open(e, "Correlation", 1, 1);
	eb_attr(e, "ActivityID", 0);
	eb_sub(e, 6, 0x0f, 1);
	eb_close_empty(e);
	eb_open(e, "Execution", 1, 1);
	eb_attr(e, "ProcessID", 1);
	eb_sub(e, 7, 0x08, 1);
	eb_attr(e, "ThreadID", 0);
	eb_sub(e, 8, 0x08, 1);
	eb_close_empty(e);
	eb_leaf(e, "Channel", NULL, 9, 0x01, 1);
	eb_leaf(e, "Computer", NULL, 10, 0x01, 1);
	eb_open(e, "Security", 1, 1);
	eb_attr(e, "UserID", 0);
	eb_sub(e, 11, 0x13, 1);
	eb_close_empty(e);
	eb_end(e);
}

/* The values of substitutions 0-11 (of NVALS in all). */
static void
sys_vals(struct eb *e, unsigned nvals, uint64_t id, uint64_t ft)
{
	eb_vals(e, nvals);
	eb_val_str(e, "Microsoft-Windows-Sysmon");
	eb_val_hex(e, 0x0f, "5f3870572ac2e043bf4c06f5698ffbd9");
	eb_val_hex(e, 0x06, "0100");
	eb_val_hex(e, 0x04, "04");
	eb_val(e, 0x11);
	eb_put(e, ft, 8);
	eb_val_end(e);
	eb_val(e, 0x0a);
	eb_put(e, id, 8);
	eb_val_end(e);
	eb_val_hex(e, 0x00, "");
	eb_val_hex(e, 0x08, "d80d0000");
	eb_val_hex(e, 0x08, "b0100000");
	eb_val_str(e, "Microsoft-Windows-Sysmon/Operational");
	eb_val_str(e, "WS1");
	eb_val_hex(e, 0x13, "010100000000000512000000");
}

#define SYS_WANT(id) \
	"E" #id " t=1764229210.165324000 h=WS1" \
	"|Provider_Name=Microsoft-Windows-Sysmon" \
	"|Provider_Guid={5770385F-C22A-43E0-BF4C-06F5698FFBD9}" \
	"|EventID=1|Level=4" \
	"|TimeCreated_SystemTime=2025-11-27T07:40:10.1653240Z" \
	"|EventRecordID=" #id "|Correlation=<null>" \
	"|Execution_ProcessID=3544|Execution_ThreadID=4272" \
	"|Channel=Microsoft-Windows-Sysmon/Operational|Computer=WS1" \
	"|Security_UserID=S-1-5-18"

#define T0 FT(1764229210, 1653240)

/* One chunk, two records of one template: <EventData> with named Data. */
static void
b_sysmon(struct eb *e)
{
	uint32_t def;
	int i;

	eb_init(e);
	eb_chunk(e);
	for (i = 0; i < 2; i++) {
		eb_rec(e, 571146 + (unsigned)i, T0);
		eb_frag(e);
		if (i == 0) {
			eb_tmpl_def(e, &def);
			sys_body(e);
			eb_open(e, "EventData", 0, 1);
			eb_close_start(e);
			eb_open(e, "Data", 1, 1);
			eb_attr(e, "Name", 0);
			eb_text(e, "RuleName");
			eb_close_start(e);
			eb_sub(e, 12, 0x01, 1);
			eb_end(e);
			eb_open(e, "Data", 1, 1);
			eb_attr(e, "Name", 0);
			eb_text(e, "Image");
			eb_close_start(e);
			eb_sub(e, 13, 0x01, 1);
			eb_end(e);
			eb_open(e, "Data", 1, 1);
			eb_attr(e, "Name", 0);
			eb_text(e, "Empty");
			eb_close_start(e);
			eb_sub(e, 14, 0x01, 1);
			eb_end(e);
			eb_open(e, "Data", 1, 1);
			eb_attr(e, "Name", 0);
			eb_text(e, "ProcessId");
			eb_close_start(e);
			eb_sub(e, 15, 0x08, 1);
			eb_end(e);
			eb_end(e);
			eb_end(e);
			eb_tmpl_body_end(e);
		} else {
			eb_tmpl_ref(e, def);
		}
		sys_vals(e, 16, 571146 + (unsigned)i, T0);
		eb_val_str(e, "-");
		eb_val_str(e, i ? "C:\\b.exe" : "C:\\a.exe");
		eb_val_hex(e, 0x00, "");
		eb_val_hex(e, 0x08, "6c110000");
		eb_vals_end(e);
		eb_eof(e);
		eb_rec_end(e);
	}
	eb_chunk_end(e);
}

static const char want_sysmon[] =
	SYS_WANT(571146) "|RuleName=-|Image=C:\\a.exe|Empty=|ProcessId=4460\n"
	SYS_WANT(571147) "|RuleName=-|Image=C:\\b.exe|Empty=|ProcessId=4460\n";

/* Every value type, one Data element each: the table is the spec. */
struct vcase {
	unsigned type;
	const char *hex, *want;
};

static const struct vcase vcases[] = {
	{0x01, "410042000000430044", "AB"},          /* ends at a NUL */
	{0x01, "3dd800de", "\xF0\x9F\x98\x80"},     /* a surrogate pair */
	{0x01, "00d84100", "\xEF\xBF\xBD" "A"},     /* a lone surrogate */
	{0x01, "020041000f00", "\x02" "A\x0F"},     /* controls kept */
	{0x02, "41e98042004300", "A\xC3\xA9\xE2\x82\xAC" "B"}, /* cp1252 */
	{0x03, "ff", "-1"},
	{0x04, "ff", "255"},
	{0x05, "feff", "-2"},
	{0x06, "feff", "65534"},
	{0x07, "00000080", "-2147483648"},
	{0x08, "ffffffff", "4294967295"},
	{0x09, "0000000000000080", "-9223372036854775808"},
	{0x0a, "ffffffffffffffff", "18446744073709551615"},
	{0x0b, "0000c03f", "1.5"},
	{0x0b, "cdcccc3d", "0.1"},
	{0x0c, "9a9999999999b93f", "0.1"},
	{0x0c, "000000000000f03f", "1"},
	{0x0d, "01000000", "true"},
	{0x0d, "00000000", "false"},
	{0x0e, "00ff10ab", "00FF10AB"},
	{0x0f, "5f3870572ac2e043bf4c06f5698ffbd9",
	 "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"},
	{0x10, "78563412", "0x12345678"},
	{0x10, "efcdab8967452301", "0x123456789abcdef"},
	{0x11, "0000000000000000", "1601-01-01T00:00:00.0000000Z"},
	{0x11, "00803ed5deb19d01", "1970-01-01T00:00:00.0000000Z"},
	{0x11, "ffffffffffffffff", "60056-05-28T05:36:10.9551615Z"},
	{0x12, "e807020004001d000d000e000f00a602", "2024-02-29T13:14:15.678Z"},
	{0x13, "01030000000000051500000001000000e8030000", "S-1-5-21-1-1000"},
	{0x13, "010000000000000000000000", "S-1-0"},
	{0x13, "0101", "0101"},                      /* malformed: bytes */
	{0x14, "efbeadde", "0xdeadbeef"},
	{0x14, "00000000", "0x0"},
	{0x15, "0100000000000080", "0x8000000000000001"},
	{0x08, "0102", "0102"},                      /* too short: bytes */
	{0x20, "0a0b", "0A0B"},                      /* unknown: bytes */
	{0x81, "6100000062000000", "a|v*=b"},        /* string array */
	{0x81, "610000006200", "a|v*=b"},            /* last one unended */
	{0x81, "", ""},                              /* empty: one empty */
	{0x82, "610062630064", "a|v*=bc|v*=d"},       /* ANSI array */
	{0x88, "0100000002000000", "1|v*=2"},        /* UInt32 array */
	{0x94, "0a000000", "0xa"},
	{0x8f, "5f3870572ac2e043bf4c06f5698ffbd9",
	 "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"},
	{0x93, "0101000000000005120000000101000000000005130000",
	 "S-1-5-18|v*=0101000000000005130000"},     /* last SID cut short */
	{0x00, "", ""},                              /* null: "" */
};

#define NV (sizeof vcases / sizeof vcases[0])

static void
b_values(struct eb *e)
{
	uint32_t def;
	char name[8];
	size_t i;

	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 7, T0);
	eb_frag(e);
	eb_tmpl_def(e, &def);
	sys_body(e);
	eb_open(e, "EventData", 0, 1);
	eb_close_start(e);
	for (i = 0; i < NV; i++) {
		snprintf(name, sizeof name, "v%02zu", i);
		eb_open(e, "Data", 1, 1);
		eb_attr(e, "Name", 0);
		eb_text(e, name);
		eb_close_start(e);
		eb_sub(e, (unsigned)(12 + i), vcases[i].type, 0);
		eb_end(e);
	}
	eb_end(e);
	eb_end(e);
	eb_tmpl_body_end(e);
	sys_vals(e, (unsigned)(12 + NV), 7, T0);
	for (i = 0; i < NV; i++)
		eb_val_hex(e, vcases[i].type, vcases[i].hex);
	eb_vals_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_chunk_end(e);
}

static void
test_values(void **state)
{
	struct fl_buf out, want;
	size_t i;

	(void)state;
	b_values(&E);
	fl_buf_init(&want, 1 << 20);
	fl_buf_puts(&want, SYS_WANT(7));
	for (i = 0; i < NV; i++)
		fl_buf_printf(&want, "|v%02zu=%s", i, vcases[i].want);
	fl_buf_putc(&want, '\n');
	fl_buf_init(&out, 1 << 20);
	ev_run(FL_FMT_EVTX, (const char *)E.b, E.n, NULL, NULL, &out);
	expect("values", fl_buf_str(&out), fl_buf_str(&want));
	fl_buf_release(&out);
	fl_buf_release(&want);
}

/* <EventID Qualifiers=..>, positional Data (an array among them), Binary,
 * and a Data element left out by an optional substitution. */
static void
b_classic(struct eb *e)
{
	uint32_t def;

	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 780, T0);
	eb_frag(e);
	eb_tmpl_def(e, &def);
	eb_open(e, "Event", 0, 1);
	eb_close_start(e);
	eb_open(e, "System", 0, 1);
	eb_close_start(e);
	eb_open(e, "EventID", 1, 1);
	eb_attr(e, "Qualifiers", 0);
	eb_sub(e, 0, 0x06, 1);
	eb_close_start(e);
	eb_sub(e, 1, 0x06, 0);
	eb_end(e);
	eb_leaf(e, "Channel", "System", 0, 0, 1);
	eb_leaf(e, "Computer", "win7", 0, 0, 1);
	eb_end(e);
	eb_open(e, "EventData", 0, 1);
	eb_close_start(e);
	eb_leaf(e, "Data", NULL, 2, 0x81, 1);
	eb_leaf(e, "Data", NULL, 3, 0x01, 1);
	eb_leaf(e, "Binary", NULL, 4, 0x0e, 1);
	eb_end(e);
	eb_end(e);
	eb_tmpl_body_end(e);
	eb_vals(e, 5);
	eb_val_hex(e, 0x06, "0040");
	eb_val_hex(e, 0x06, "7c1b");
	eb_val(e, 0x81);
	eb_utf16(e, "Workstation");
	eb_put(e, 0, 2);
	eb_utf16(e, "running");
	eb_put(e, 0, 2);
	eb_val_end(e);
	eb_val_str(e, "x");
	eb_val_hex(e, 0x0e, "4c00610000");
	eb_vals_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_chunk_end(e);
}

static const char want_classic[] =
	"E780 t=1764229210.165324000 h=win7|EventID_Qualifiers=16384"
	"|EventID=7036|Channel=System|Computer=win7|Data=Workstation"
	"|Data=running|Data=x|Binary=4C00610000\n";

/* UserData: its child's xmlns dropped, children by their names, repeated
 * names numbered, deeper elements joined with '_', attributes of deeper
 * elements too; a Data element with a Name outside EventData is a plain
 * element. */
static void
b_userdata(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 42803, T0);
	eb_frag(e);
	eb_open(e, "Event", 0, 0);
	eb_close_start(e);
	eb_open(e, "System", 0, 0);
	eb_close_start(e);
	eb_leaf(e, "EventID", "1102", 0, 0, 0);
	eb_leaf(e, "Correlation", "", 0, 0, 0);
	eb_end(e);
	eb_open(e, "UserData", 0, 0);
	eb_close_start(e);
	eb_open(e, "LogFileCleared", 1, 0);
	eb_attr(e, "xmlns", 0);
	eb_text(e, "http://manifests.microsoft.com/win/2004/08/windows/eventlog");
	eb_close_start(e);
	eb_leaf(e, "SubjectUserName", "jwrig", 0, 0, 0);
	eb_leaf(e, "Header", "HTTP/1.1 200 OK", 0, 0, 0);
	eb_leaf(e, "Header", "x-ms-version: 1", 0, 0, 0);
	eb_leaf(e, "Header", "", 0, 0, 0);
	eb_open(e, "Info", 0, 0);
	eb_close_start(e);
	eb_open(e, "Code", 1, 0);
	eb_attr(e, "Kind", 1);
	eb_text(e, "hex");
	eb_attr(e, "Empty", 0);
	eb_text(e, "");
	eb_close_start(e);
	eb_text(e, "5");
	eb_end(e);
	eb_end(e);
	eb_open(e, "Data", 1, 0);
	eb_attr(e, "Name", 0);
	eb_text(e, "n");
	eb_close_start(e);
	eb_text(e, "v");
	eb_end(e);
	eb_end(e);
	eb_end(e);
	eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_chunk_end(e);
}

static const char want_userdata[] =
	"E42803 t=1764229210.165324000|EventID=1102|Correlation=<null>"
	"|SubjectUserName=jwrig|Header=HTTP/1.1 200 OK"
	"|Header_1=x-ms-version: 1|Header_2=<null>|Info_Code_Kind=hex"
	"|Info_Code=5|Data_Name=n|Data=v\n";

/* Nested binary XML values: a plain element, and a fragment with its own
 * template instance. */
static void
b_nested(struct eb *e)
{
	uint32_t def, def2;

	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 9, T0);
	eb_frag(e);
	eb_tmpl_def(e, &def);
	eb_open(e, "Event", 0, 1);
	eb_close_start(e);
	eb_open(e, "EventData", 0, 1);
	eb_close_start(e);
	eb_sub(e, 0, 0x21, 0);
	eb_sub(e, 1, 0x21, 0);
	eb_end(e);
	eb_end(e);
	eb_tmpl_body_end(e);
	eb_vals(e, 2);
	eb_val(e, 0x21);
	eb_frag(e);
	eb_open(e, "Data", 1, 0);
	eb_attr(e, "Name", 0);
	eb_text(e, "plain");
	eb_close_start(e);
	eb_text(e, "p");
	eb_end(e);
	eb_eof(e);
	eb_val_end(e);
	eb_val(e, 0x21);
	eb_frag(e);
	eb_tmpl_def(e, &def2);
	eb_open(e, "Data", 1, 1);
	eb_attr(e, "Name", 0);
	eb_text(e, "inner");
	eb_close_start(e);
	eb_sub(e, 0, 0x08, 0);
	eb_end(e);
	eb_tmpl_body_end(e);
	eb_vals(e, 1);
	eb_val_hex(e, 0x08, "2a000000");
	eb_vals_end(e);
	eb_eof(e);
	eb_val_end(e);
	eb_vals_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_chunk_end(e);
}

/* Pieces of text: value texts joined, CDATA, character and entity
 * references, a PI skipped; a root that is not Event gives dotted names;
 * an element with text and children. */
static void
b_pieces(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 11, T0);
	eb_frag(e);
	eb_open(e, "Event", 0, 0);
	eb_close_start(e);
	eb_open(e, "EventData", 0, 0);
	eb_close_start(e);
	eb_open(e, "Data", 1, 0);
	eb_attr(e, "Name", 0);
	eb_text(e, "t");
	eb_close_start(e);
	eb_put(e, 0x45, 1);
	eb_put(e, 0x01, 1);
	eb_put(e, 1, 2);
	eb_utf16(e, "x");
	eb_put(e, 0x07, 1);           /* CDATA <y> */
	eb_put(e, 3, 2);
	eb_utf16(e, "<y>");
	eb_put(e, 0x09, 1);           /* &amp; */
	eb_name(e, "amp");
	eb_put(e, 0x09, 1);           /* &nbsp; stays a reference */
	eb_name(e, "nbsp");
	eb_put(e, 0x08, 1);           /* &#233; */
	eb_put(e, 233, 2);
	eb_put(e, 0x0a, 1);           /* <?pi data?> */
	eb_name(e, "pi");
	eb_put(e, 0x0b, 1);
	eb_put(e, 4, 2);
	eb_utf16(e, "data");
	eb_text(e, "z");
	eb_end(e);
	eb_end(e);
	eb_open(e, "RenderingInfo", 1, 0);
	eb_attr(e, "Culture", 0);
	eb_text(e, "en-US");
	eb_close_start(e);
	eb_text(e, "lead");
	eb_leaf(e, "Message", "hello", 0, 0, 0);
	eb_end(e);
	eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_rec(e, 12, T0);
	eb_frag(e);
	eb_open(e, "Foo", 0, 0);
	eb_close_start(e);
	eb_leaf(e, "Bar", "1", 0, 0, 0);
	eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_chunk_end(e);
}

static const char want_pieces[] =
	"E11 t=1764229210.165324000|t=x<y>&&nbsp;\xC3\xA9z"
	"|RenderingInfo.#attributes.Culture=en-US"
	"|RenderingInfo.#text=lead|RenderingInfo.Message=hello\n"
	"E12 t=1764229210.165324000|Foo.Bar=1\n";

/* Records written as plain elements, text only, no dependency ids: how
 * the two corpus files libevtx refuses are written. */
static void
b_plain(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 7068010, 0);
	eb_frag(e);
	eb_open(e, "Event", 1, 0);
	eb_attr(e, "xmlns", 0);
	eb_text(e, "http://schemas.microsoft.com/win/2004/08/events/event");
	eb_close_start(e);
	eb_open(e, "System", 0, 0);
	eb_close_start(e);
	eb_open(e, "Provider", 1, 0);
	eb_attr(e, "Name", 0);
	eb_text(e, "Microsoft-Windows-Security-Auditing");
	eb_close_empty(e);
	eb_leaf(e, "EventID", "4656", 0, 0, 0);
	eb_open(e, "TimeCreated", 1, 0);
	eb_attr(e, "SystemTime", 0);
	eb_text(e, "2022-01-26T09:16:25.3232236Z");
	eb_close_empty(e);
	eb_leaf(e, "EventRecordID", "7068010", 0, 0, 0);
	eb_leaf(e, "Computer", "win10-02.offsec.lan", 0, 0, 0);
	eb_open(e, "Security", 0, 0);
	eb_close_empty(e);
	eb_end(e);
	eb_open(e, "EventData", 0, 0);
	eb_close_start(e);
	eb_open(e, "Data", 1, 0);
	eb_attr(e, "Name", 0);
	eb_text(e, "SubjectUserName");
	eb_close_start(e);
	eb_text(e, "admmig");
	eb_end(e);
	eb_end(e);
	eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
	eb_chunk_end(e);
}

static const char want_plain[] =
	"E7068010 t=1643188585.323223600 h=win10-02.offsec.lan"
	"|Provider_Name=Microsoft-Windows-Security-Auditing|EventID=4656"
	"|TimeCreated_SystemTime=2022-01-26T09:16:25.3232236Z"
	"|EventRecordID=7068010|Computer=win10-02.offsec.lan"
	"|Security=<null>|SubjectUserName=admmig\n";

/* A plain record of one element with a text, for the damage cases. */
static void
small_rec(struct eb *e, uint64_t id)
{
	eb_rec(e, id, T0);
	eb_frag(e);
	eb_open(e, "Event", 0, 0);
	eb_close_start(e);
	eb_open(e, "EventData", 0, 0);
	eb_close_start(e);
	eb_leaf(e, "Data", "ok", 0, 0, 0);
	eb_end(e);
	eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
}

#define OK_LINE(id) "E" #id " t=1764229210.165324000|Data=ok\n"

/* Two chunks of one record each. */
static void
b_two(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	small_rec(e, 1);
	eb_chunk_end(e);
	eb_chunk(e);
	small_rec(e, 2);
	eb_chunk_end(e);
}

static void
b_bad_magic(struct eb *e)
{
	memset(e, 0, sizeof *e);
	memcpy(e->b, "not an event log at all", 23);
	e->n = 23;
}

static void
b_hdr_crc(struct eb *e)
{
	b_two(e);
	e->b[100] ^= 1;
}

static void
b_chunk_crc(struct eb *e)
{
	b_two(e);
	e->b[EB_HDR + 200] ^= 1;        /* in the string offset table */
}

static void
b_data_crc(struct eb *e)
{
	b_two(e);
	e->b[EB_HDR + 512 + 40] ^= 1;   /* inside the first record */
}

static void
b_bad_sig(struct eb *e)
{
	b_two(e);
	e->b[EB_HDR] = 'X';
}

static void
b_cut(struct eb *e)
{
	b_two(e);
	e->n = EB_HDR + EB_CHUNK + 1000;
}

static void
b_fso(struct eb *e)
{
	b_two(e);
	eb_w(e, EB_HDR + 48, 70000, 4);
	eb_w(e, EB_HDR + 124, eb_crc(e->b + EB_HDR + 128, 384,
				     eb_crc(e->b + EB_HDR, 120, 0)), 4);
}

/* Record 1 refers to a template out of the chunk; record 2 reads. */
static void
b_tmpl_range(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 1, T0);
	eb_frag(e);
	eb_tmpl_ref(e, 0xfff0);
	eb_vals(e, 0);
	eb_vals_end(e);
	eb_eof(e);
	eb_rec_end(e);
	small_rec(e, 2);
	eb_chunk_end(e);
}

/* A substitution beyond the instance's values. */
static void
b_sub_range(struct eb *e)
{
	uint32_t def;

	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 1, T0);
	eb_frag(e);
	eb_tmpl_def(e, &def);
	eb_leaf(e, "Event", NULL, 3, 0x01, 1);
	eb_tmpl_body_end(e);
	eb_vals(e, 1);
	eb_val_str(e, "x");
	eb_vals_end(e);
	eb_eof(e);
	eb_rec_end(e);
	small_rec(e, 2);
	eb_chunk_end(e);
}

static void
b_deep(struct eb *e)
{
	int i;

	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 1, T0);
	eb_frag(e);
	for (i = 0; i < 40; i++) {
		eb_open(e, "E", 0, 0);
		eb_close_start(e);
	}
	for (i = 0; i < 40; i++)
		eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
	small_rec(e, 2);
	eb_chunk_end(e);
}

/* Record 1's size is broken: the rest of chunk 0 is skipped, chunk 1
 * reads. */
static void
b_rec_size(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	small_rec(e, 1);
	small_rec(e, 2);
	eb_w(e, EB_HDR + 512 + 4, 9, 4);
	eb_chunk_end(e);
	eb_chunk(e);
	small_rec(e, 3);
	eb_chunk_end(e);
}

static void
b_token(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	eb_rec(e, 1, T0);
	eb_frag(e);
	eb_open(e, "Event", 0, 0);
	eb_close_start(e);
	eb_put(e, 0x1f, 1);
	eb_end(e);
	eb_eof(e);
	eb_rec_end(e);
	small_rec(e, 2);
	eb_chunk_end(e);
}

/* Unused (all-zero) chunk 0, then a chunk: read as if it were not there. */
static void
b_zero_chunk(struct eb *e)
{
	b_two(e);
	memset(e->b + EB_HDR, 0, EB_CHUNK);
}

static void
b_no_records(struct eb *e)
{
	eb_init(e);
	eb_chunk(e);
	eb_chunk_end(e);
}

static void
b_header_only(struct eb *e)
{
	eb_init(e);
	eb_w(e, 124, eb_crc(e->b, 120, 0), 4);
}

static void
b_empty(struct eb *e)
{
	memset(e, 0, sizeof *e);
}

/* A file that starts at a chunk, as a caller cuts runs of chunks. */
static void
b_chunks_only(struct eb *e)
{
	b_sysmon(e);
	memmove(e->b, e->b + EB_HDR, EB_CHUNK);
	e->n = EB_CHUNK;
}

struct tcase {
	const char *name;
	void (*build)(struct eb *);
	const char *want;
	size_t max_fields, max_name;
	unsigned max_depth;
};

static const struct tcase cases[] = {
	{"sysmon, template by offset", b_sysmon, want_sysmon, 0, 0, 0},
	{"starts at a chunk", b_chunks_only, want_sysmon, 0, 0, 0},
	{"classic EventData", b_classic, want_classic, 0, 0, 0},
	{"UserData", b_userdata, want_userdata, 0, 0, 0},
	{"nested binary XML", b_nested, "E9 t=1764229210.165324000|plain=p"
	 "|inner=42\n", 0, 0, 0},
	{"text pieces", b_pieces, want_pieces, 0, 0, 0},
	{"plain elements", b_plain, want_plain, 0, 0, 0},
	{"not EVTX", b_bad_magic, "B0:0:not an EVTX file (no ElfFile or "
	 "ElfChnk signature)\n", 0, 0, 0},
	{"file header checksum", b_hdr_crc, "B0:0:file header checksum "
	 "mismatch\n" OK_LINE(1) OK_LINE(2), 0, 0, 0},
	{"chunk header checksum", b_chunk_crc, "B0:0:chunk 0 (offset 4096): "
	 "header checksum mismatch\n" OK_LINE(2), 0, 0, 0},
	{"records checksum", b_data_crc, "B0:0:chunk 0 (offset 4096): "
	 "records checksum mismatch\n" OK_LINE(2), 0, 0, 0},
	{"chunk signature", b_bad_sig, "B0:0:chunk 0 (offset 4096): no "
	 "chunk signature\n" OK_LINE(2), 0, 0, 0},
	{"chunk cut short", b_cut, OK_LINE(1) "B0:0:chunk 1 (offset 69632): "
	 "cut short (1000 of 65536 bytes)\n", 0, 0, 0},
	{"free space offset", b_fso, "B0:0:chunk 0 (offset 4096): free space "
	 "offset 70000 out of range\n" OK_LINE(2), 0, 0, 0},
	{"template out of range", b_tmpl_range, "B0:0:record 1 (chunk 0): "
	 "template definition offset 0xfff0 out of range at chunk offset "
	 "0x21c\n" OK_LINE(2), 0, 0, 0},
	{"substitution out of range", b_sub_range, "B0:0:record 1 (chunk 0):"
	 " substitution 3 of 1 values at chunk offset 0x*\n" OK_LINE(2),
	 0, 0, 0},
	{"deep nesting", b_deep, "B0:0:record 1 (chunk 0): nesting deeper "
	 "than 32\n" OK_LINE(2), 0, 0, 0},
	{"broken record size", b_rec_size, "B0:0:chunk 0 (offset 4096): "
	 "record 1 at chunk offset 0x200: bad size 9; rest of the chunk "
	 "skipped\n" OK_LINE(3), 0, 0, 0},
	{"unknown token", b_token, "B0:0:record 1 (chunk 0): unexpected "
	 "token 0x1f in element content at chunk offset 0x*\n" OK_LINE(2),
	 0, 0, 0},
	{"unused chunk", b_zero_chunk, OK_LINE(2), 0, 0, 0},
	{"no records", b_no_records, "", 0, 0, 0},
	{"header only", b_header_only, "", 0, 0, 0},
	{"empty input", b_empty, "", 0, 0, 0},
	{"max_fields", b_sysmon, "B0:0:record 571146 (chunk 0): more than 8 "
	 "fields\nB0:0:record 571147 (chunk 0): more than 8 fields\n", 8, 0,
	 0},
	{"max_name", b_sysmon, "B0:0:record 571146 (chunk 0): field name too "
	 "long\nB0:0:record 571147 (chunk 0): field name too long\n", 0, 16,
	 0},
	{"max_depth", b_userdata, "B0:0:record 42803 (chunk 0): nesting "
	 "deeper than 4\n", 0, 0, 4},
};

static void
test_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *c = &cases[i];
		struct fl_reader_opts o;
		struct fl_buf out;

		memset(&o, 0, sizeof o);
		o.max_fields = c->max_fields;
		o.max_name = c->max_name;
		o.max_depth = c->max_depth;
		c->build(&E);
		fl_buf_init(&out, 1 << 20);
		ev_run(FL_FMT_EVTX, (const char *)E.b, E.n, &o, NULL, &out);
		expect(c->name, fl_buf_str(&out), c->want);
		fl_buf_release(&out);
	}
}

/* Keys are stamped from the cached names (plain) and looked up (joined). */
static void
test_keys(void **state)
{
	struct fl_keys *k;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	unsigned kimg, kprov, kcomp;
	const struct fl_field *f;

	(void)state;
	assert_int_equal(fl_keys_new(1, &k), FL_OK);
	assert_int_equal(fl_keys_add(k, "image", 5, &kimg), FL_OK);
	assert_int_equal(fl_keys_add(k, "Provider_Name", 13, &kprov), FL_OK);
	assert_int_equal(fl_keys_add(k, "COMPUTER", 8, &kcomp), FL_OK);
	b_sysmon(&E);
	assert_int_equal(fl_reader_open_mem(FL_FMT_EVTX, E.b, E.n, "t", k,
					    NULL, &r, &d), FL_OK);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	assert_int_equal(ev.record, 571146);
	f = fl_event_get(&ev, kimg);
	assert_non_null(f);
	assert_memory_equal(f->value.p, "C:\\a.exe", 8);
	assert_non_null(fl_event_get(&ev, kprov));
	f = fl_event_get(&ev, kcomp);
	assert_non_null(f);
	assert_int_equal(f->type, FL_V_STR);
	assert_int_equal(fl_event_find(&ev, "ProcessId", 9)->type, FL_V_NUM);
	assert_int_equal(fl_event_find(&ev, "Correlation", 11)->type,
			 FL_V_NULL);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_OK);
	assert_memory_equal(fl_event_get(&ev, kimg)->value.p, "C:\\b.exe", 8);
	assert_int_equal(fl_reader_next(r, &ev, &d), FL_READ_END);
	fl_reader_close(r);
	fl_keys_free(k);
}

struct span {
	const char *head;
	size_t n;
	fl_err rc;
	size_t first, count;
};

static void
test_chunk_span(void **state)
{
	static const struct span spans[] = {
		{"ElfFile", 4096 + 3 * 65536 + 100, FL_OK, 4096, 3},
		{"ElfFile", 4096, FL_OK, 4096, 0},
		{"ElfFile", 100, FL_OK, 4096, 0},
		{"ElfChnk", 2 * 65536, FL_OK, 0, 2},
		{"ElfChnk", 65535, FL_OK, 0, 0},
		{"ElfFilX", 4096 + 65536, FL_E_SYNTAX, 0, 0},
		{"Elf", 3, FL_E_SYNTAX, 0, 0},
	};
	static unsigned char buf[4096 + 3 * 65536 + 100];
	size_t i, first, count;

	(void)state;
	for (i = 0; i < sizeof spans / sizeof spans[0]; i++) {
		memset(buf, 0, 8);
		memcpy(buf, spans[i].head, strlen(spans[i].head) + 1);
		assert_int_equal(fl_evtx_chunk_span(buf, spans[i].n, &first,
						    &count), spans[i].rc);
		assert_int_equal(first, spans[i].first);
		assert_int_equal(count, spans[i].count);
	}
}

/* Three chunks read whole and as three runs of one chunk, each on a reader
 * of its own: the same events. */
static void
test_runs(void **state)
{
	struct fl_buf whole, runs;
	struct fl_reader *r;
	struct fl_diag d;
	size_t first, count, i;
	int k;

	(void)state;
	eb_init(&E);
	for (k = 0; k < 3; k++) {
		eb_chunk(&E);
		small_rec(&E, 10 * (unsigned)k + 1);
		small_rec(&E, 10 * (unsigned)k + 2);
		eb_chunk_end(&E);
	}
	fl_buf_init(&whole, 1 << 20);
	fl_buf_init(&runs, 1 << 20);
	assert_int_equal(fl_reader_open_mem(FL_FMT_EVTX, E.b, E.n, "t", NULL,
					    NULL, &r, &d), FL_OK);
	assert_int_equal(ev_drain(r, &whole), 6);
	fl_reader_close(r);
	assert_int_equal(fl_evtx_chunk_span(E.b, E.n, &first, &count), FL_OK);
	assert_int_equal(count, 3);
	for (i = 0; i < count; i++) {
		assert_int_equal(fl_reader_open_mem(FL_FMT_EVTX, E.b + first +
						    i * 65536, 65536, "t",
						    NULL, NULL, &r, &d), FL_OK);
		ev_drain(r, &runs);
		fl_reader_close(r);
	}
	assert_string_equal(fl_buf_str(&runs), fl_buf_str(&whole));
	fl_buf_release(&whole);
	fl_buf_release(&runs);
}

/* A gzip-compressed file reads as the file does. */
static void
test_gzip(void **state)
{
	static unsigned char gz[EB_HDR + EB_MAXCHUNKS * EB_CHUNK];
	struct fl_buf plain, unz;
	z_stream z;

	(void)state;
	b_sysmon(&E);
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = E.b;
	z.avail_in = (uInt)E.n;
	z.next_out = gz;
	z.avail_out = sizeof gz;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	fl_buf_init(&plain, 1 << 20);
	fl_buf_init(&unz, 1 << 20);
	ev_run(FL_FMT_EVTX, (const char *)E.b, E.n, NULL, NULL, &plain);
	ev_run(FL_FMT_EVTX, (const char *)gz, z.total_out, NULL, NULL, &unz);
	deflateEnd(&z);
	assert_string_equal(fl_buf_str(&unz), fl_buf_str(&plain));
	assert_string_equal(fl_buf_str(&plain), want_sysmon);
	fl_buf_release(&plain);
	fl_buf_release(&unz);
}

/* ---- the corpus --------------------------------------------------------- */

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

/* Every file under DIR whose name ends in SUFFIX, sorted. */
struct paths {
	char **p;
	size_t n, cap;
};

static void
walk(const char *dir, const char *suffix, struct paths *ps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t sl = strlen(suffix);

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
			walk(path, suffix, ps);
			continue;
		}
		if (n < sl || strcmp(e->d_name + n - sl, suffix) != 0)
			continue;
		if (ps->n == ps->cap) {
			ps->cap = ps->cap ? 2 * ps->cap : 64;
			ps->p = realloc(ps->p, ps->cap * sizeof *ps->p);
			assert_non_null(ps->p);
		}
		ps->p[ps->n++] = fl_strdup(path);
	}
	closedir(d);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
paths_free(struct paths *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->p[i]);
	free(ps->p);
}

static int
ishex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/*
 * The ways the evtx_dump JSON of regression_data renders a value unlike
 * the event log holds it, applied to both sides:
 *  - trailing blanks are trimmed (the log keeps them: "chcp  " from a
 *    command line; SigmaHQ's chcp rule lists 'chcp  ' for that reason);
 *  - GUIDs have no braces ("5770385F-...", where Windows and we write
 *    "{5770385F-...}");
 *  - timestamps have six fraction digits (FILETIME holds seven).
 */
static size_t
norm(const char *v, size_t n, char *o)
{
	size_t i, k;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
			 v[n - 1] == '\r' || v[n - 1] == '\n'))
		n--;
	if (n == 38 && v[0] == '{' && v[37] == '}') {
		int ok = 1;

		for (i = 1; i < 37; i++)
			ok &= (i == 9 || i == 14 || i == 19 || i == 24) ?
			    v[i] == '-' : ishex(v[i]);
		if (ok) {
			memcpy(o, v + 1, 36);
			return 36;
		}
	}
	if (n >= 21 && v[4] == '-' && v[10] == 'T' && v[19] == '.' &&
	    v[n - 1] == 'Z') {
		memcpy(o, v, 20);
		k = 20;
		for (i = 20; i < n - 1 && k < 26; i++)
			o[k++] = v[i];
		while (k < 26)
			o[k++] = '0';
		o[k++] = 'Z';
		return k;
	}
	memcpy(o, v, n);
	return n;
}

/* Data the JSON of one pair does not match: the event holds "Explorer.EXE"
 * (evtxexport agrees), the JSON says "Explorer.exe". */
static const struct {
	const char *file, *field, *evtx, *json;
} data_diffs[] = {
	{"ad691d92-15f2-4181-9aa4-723c74f9ddc3.json", "ParentCommandLine",
	 "C:\\Windows\\Explorer.EXE", "C:\\Windows\\Explorer.exe"},
};

struct evset {
	char **f;               /* "name=value", normalised */
	size_t nf, cap;
	size_t starts[64];      /* first field of each event */
	size_t ne;
};

static void
load(const char *path, enum fl_format fmt, struct evset *s, int *fixed)
{
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	size_t i, j;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	memset(s, 0, sizeof *s);
	assert_int_equal(fl_reader_open_fd(fmt, fd, path, NULL, NULL, &r, &d),
			 FL_OK);
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		if (rc != FL_READ_OK)
			print_message("%s: %s\n", path, d.msg);
		assert_int_equal(rc, FL_READ_OK);
		assert_true(s->ne < 63);
		s->starts[s->ne++] = s->nf;
		for (i = 0; i < ev.nfields; i++) {
			const struct fl_field *f = &ev.fields[i];
			const char *v = f->value.p;
			size_t vn = f->value.n;
			char *o;

			for (j = 0; j < sizeof data_diffs / sizeof data_diffs[0];
			     j++)
				if (fmt == FL_FMT_JSON &&
				    strcmp(base, data_diffs[j].file) == 0 &&
				    f->name.n == strlen(data_diffs[j].field) &&
				    memcmp(f->name.p, data_diffs[j].field,
					   f->name.n) == 0 &&
				    vn == strlen(data_diffs[j].json) &&
				    memcmp(v, data_diffs[j].json, vn) == 0) {
					v = data_diffs[j].evtx;
					vn = strlen(v);
					(*fixed)++;
				}
			o = malloc(f->name.n + 1 + vn + 40);
			assert_non_null(o);
			memcpy(o, f->name.p, f->name.n);
			o[f->name.n] = '=';
			o[f->name.n + 1 + norm(v, vn, o + f->name.n + 1)] = '\0';
			if (s->nf == s->cap) {
				s->cap = s->cap ? 2 * s->cap : 128;
				s->f = realloc(s->f, s->cap * sizeof *s->f);
				assert_non_null(s->f);
			}
			s->f[s->nf++] = o;
		}
	}
	s->starts[s->ne] = s->nf;
	fl_reader_close(r);
	close(fd);
}

static void
evset_free(struct evset *s)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		free(s->f[i]);
	free(s->f);
}

/* Whether the events of A and B agree as multisets; prints the first
 * difference. */
static int
same(const char *path, struct evset *a, struct evset *b)
{
	size_t e, i;

	if (a->ne != b->ne) {
		print_message("%s: %zu events, JSON %zu\n", path, a->ne, b->ne);
		return 0;
	}
	for (e = 0; e < a->ne; e++) {
		size_t na = a->starts[e + 1] - a->starts[e];
		size_t nb = b->starts[e + 1] - b->starts[e];

		qsort(a->f + a->starts[e], na, sizeof *a->f, cmp_str);
		qsort(b->f + b->starts[e], nb, sizeof *b->f, cmp_str);
		for (i = 0; i < na && i < nb; i++)
			if (strcmp(a->f[a->starts[e] + i],
				   b->f[b->starts[e] + i]) != 0)
				break;
		if (i < na || i < nb) {
			print_message("%s event %zu: evtx %s, json %s\n", path, e,
				      i < na ? a->f[a->starts[e] + i] : "-",
				      i < nb ? b->f[b->starts[e] + i] : "-");
			return 0;
		}
	}
	return 1;
}

static void
test_regression_pairs(void **state)
{
	struct paths ps = {0};
	char dir[4096];
	size_t i, pairs = 0, matched = 0, events = 0;
	int fixed = 0;

	(void)state;
	NEED_CORPUS();
	snprintf(dir, sizeof dir, "%s/sigma/regression_data", corpus);
	walk(dir, ".evtx", &ps);
	qsort(ps.p, ps.n, sizeof *ps.p, cmp_str);
	for (i = 0; i < ps.n; i++) {
		char json[4096];
		struct evset a, b;
		size_t n = strlen(ps.p[i]);

		snprintf(json, sizeof json, "%.*s.json", (int)(n - 5), ps.p[i]);
		if (access(json, R_OK) != 0)
			continue;
		pairs++;
		load(ps.p[i], FL_FMT_EVTX, &a, &fixed);
		load(json, FL_FMT_JSON, &b, &fixed);
		matched += same(ps.p[i], &a, &b);
		events += a.ne;
		evset_free(&a);
		evset_free(&b);
	}
	paths_free(&ps);
	print_message("regression pairs: %zu of %zu match, %zu events\n",
		      matched, pairs, events);
	assert_int_equal(pairs, 202);
	assert_int_equal(matched, 202);
	assert_int_equal(events, 238);
	assert_int_equal(fixed, 1); /* the listed data difference, once */
}

struct tally {
	unsigned long long events, bad, with_id, with_channel, with_time,
	    ctl02, ctl0f;
};

static void
read_file(const char *path, struct tally *t)
{
	static const char *const names[] = {"EventID", "Channel"};
	struct fl_keys *k;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	size_t i;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fl_keys_new(0, &k), FL_OK);
	for (i = 0; i < 2; i++)
		assert_int_equal(fl_keys_add(k, names[i], strlen(names[i]),
					     NULL), FL_OK);
	assert_int_equal(fl_reader_open_fd(FL_FMT_EVTX, fd, path, k, NULL, &r,
					   &d), FL_OK);
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		assert_int_not_equal(rc, FL_READ_FATAL);
		if (rc == FL_READ_BAD) {
			print_message("%s: %s\n", d.file, d.msg);
			t->bad++;
			continue;
		}
		t->events++;
		t->with_id += fl_event_get(&ev, 1) != NULL;
		t->with_channel += fl_event_get(&ev, 2) != NULL;
		t->with_time += ev.time > 0 && ev.record > 0;
		for (i = 0; i < ev.nfields; i++) {
			t->ctl02 += memchr(ev.fields[i].value.p, 0x02,
					   ev.fields[i].value.n) != NULL;
			t->ctl0f += memchr(ev.fields[i].value.p, 0x0f,
					   ev.fields[i].value.n) != NULL;
		}
	}
	fl_reader_close(r);
	fl_keys_free(k);
	close(fd);
}

static void
test_corpus(void **state)
{
	static const struct {
		const char *file;
		unsigned long long events;
	} refused[] = {
		{"T1021.006-Windows Remote Management/ID4656-WS Management "
		 "listener enumeration.evtx", 29},
		{"T1078-Valid accounts/ID1149-RDP success logins to multiple "
		 "hosts.evtx", 11},
	};
	static const char *const ctl[] = {
		"Lateral Movement/LM_ScheduledTask_ATSVC_target_host.evtx",
		"Discovery/dicovery_4661_net_group_domain_admins_target.evtx",
		"Privilege Escalation/4765_sidhistory_add_t1178.evtx",
	};
	struct paths ps = {0};
	struct tally all, one;
	char dir[4096];
	unsigned long long others = 0, ctlfiles = 0;
	size_t i, j;

	(void)state;
	NEED_CORPUS();
	snprintf(dir, sizeof dir, "%s/evtx", corpus);
	walk(dir, ".evtx", &ps);
	memset(&all, 0, sizeof all);
	for (i = 0; i < ps.n; i++) {
		size_t n = strlen(ps.p[i]);
		int which = -1;

		memset(&one, 0, sizeof one);
		read_file(ps.p[i], &one);
		for (j = 0; j < 2; j++)
			if (n > strlen(refused[j].file) &&
			    strcmp(ps.p[i] + n - strlen(refused[j].file),
				   refused[j].file) == 0)
				which = (int)j;
		if (which >= 0)
			assert_int_equal(one.events, refused[which].events);
		else
			others += one.events;
		for (j = 0; j < 3; j++)
			if (n > strlen(ctl[j]) &&
			    strcmp(ps.p[i] + n - strlen(ctl[j]), ctl[j]) == 0) {
				assert_true(one.ctl02 + one.ctl0f > 0);
				ctlfiles++;
			}
		all.events += one.events;
		all.bad += one.bad;
		all.with_id += one.with_id;
		all.with_channel += one.with_channel;
		all.with_time += one.with_time;
	}
	print_message("evtx corpus: %zu files, %llu events, %llu bad\n", ps.n,
		      all.events, all.bad);
	assert_int_equal(ps.n, 356);
	assert_int_equal(all.events, 16622);
	assert_int_equal(others, 16582); /* evtxexport on the same files */
	assert_int_equal(all.bad, 0);
	assert_int_equal(all.with_id, all.events);
	assert_int_equal(all.with_channel, all.events);
	assert_int_equal(all.with_time, all.events);
	assert_int_equal(ctlfiles, 3);
	paths_free(&ps);
}

/* The 49-chunk file read in memory as runs of 7 chunks, each on its own
 * reader: the same events, in the same order, as the whole file. */
static void
test_corpus_runs(void **state)
{
	struct fl_buf file, whole, runs;
	struct fl_reader *r;
	struct fl_diag d;
	char path[4096];
	size_t first, count, i;

	(void)state;
	NEED_CORPUS();
	snprintf(path, sizeof path, "%s/evtx/hayabusa-sample-evtx/DeepBlueCLI/"
		 "smb-password-guessing-security.evtx", corpus);
	fl_buf_init(&file, 64 << 20);
	assert_int_equal(fl_buf_read_file(&file, path, &d), FL_OK);
	assert_int_equal(fl_evtx_chunk_span(file.data, file.len, &first,
					    &count), FL_OK);
	assert_int_equal(first, 4096);
	assert_int_equal(count, 49);
	fl_buf_init(&whole, 64 << 20);
	fl_buf_init(&runs, 64 << 20);
	assert_int_equal(fl_reader_open_mem(FL_FMT_EVTX, file.data, file.len,
					    "s", NULL, NULL, &r, &d), FL_OK);
	assert_int_equal(ev_drain(r, &whole), 3561);
	fl_reader_close(r);
	for (i = 0; i < count; i += 7) {
		size_t k = count - i < 7 ? count - i : 7;

		assert_int_equal(fl_reader_open_mem(FL_FMT_EVTX, file.data +
						    first + i * 65536,
						    k * 65536, "s", NULL, NULL,
						    &r, &d), FL_OK);
		ev_drain(r, &runs);
		fl_reader_close(r);
	}
	assert_string_equal(fl_buf_str(&runs), fl_buf_str(&whole));
	fl_buf_release(&file);
	fl_buf_release(&whole);
	fl_buf_release(&runs);
}

/* With FL_EVTX_SEEDS=DIR (and only then: the test run is this alone),
 * write the table's single-chunk files there as seeds for
 * tests/fuzz/fuzz_event_evtx.c: a mode byte (pad to whole chunks, and fix
 * the checksums of the intact ones) and the file without its trailing
 * zeros. */
static void
test_seeds(void **state)
{
	const char *dir = getenv("FL_EVTX_SEEDS");
	size_t i;
	int mode;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0] + 1; i++) {
		char path[4096];
		size_t n;
		FILE *f;

		if (i < sizeof cases / sizeof cases[0])
			cases[i].build(&E);
		else
			b_values(&E);
		n = E.n;
		while (n > 0 && E.b[n - 1] == 0)
			n--;
		if (n > 20000)
			continue; /* several chunks: the unit test has them */
		snprintf(path, sizeof path, "%s/seed%02zu", dir, i);
		f = fopen(path, "wb");
		assert_non_null(f);
		mode = i < 7 || i >= sizeof cases / sizeof cases[0] ? 0x0c :
		    0x04;
		if (i < sizeof cases / sizeof cases[0] &&
		    (cases[i].max_fields || cases[i].max_name ||
		     cases[i].max_depth))
			mode |= 0x01;
		if (i % 3 == 0)
			mode |= 0x10;
		fputc(mode, f);
		fwrite(E.b, 1, n, f);
		fclose(f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_chunk_span),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_regression_pairs),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_runs),
	};
	const struct CMUnitTest seeds[] = {
		cmocka_unit_test(test_seeds),
	};
	const char *dir = getenv("FL_EVTX_SEEDS");

	if (dir && *dir)
		return cmocka_run_group_tests(seeds, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
