/*
 * bench_events: how fast the event readers turn a log file into events,
 * with a consumer that does nothing but look at each event (it sums the
 * field counts and looks up a few keys, as a matcher's prefilter would).
 *
 *   bench_events json|syslog FILE [RUNS]
 *
 * Prints one line: events, bad records, best wall seconds over RUNS runs,
 * events/s, MB/s and the peak RSS of the process.  The dictionary holds
 * the names a Windows and a Linux rule set look up, so the per-field key
 * stamping is part of the figure.  Used by bench/events.sh.
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect/event.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {"EventID", "Channel", "Image",
		"CommandLine", "ParentImage", "ParentCommandLine", "User",
		"TargetFilename", "TargetObject", "Details", "DestinationIp",
		"DestinationPort", "QueryName", "ImageLoaded", "OriginalFileName",
		"Hashes", "Provider_Name", "ServiceName", "TargetUserName",
		"IpAddress", "LogonType", "SubjectUserName", "ScriptBlockText",
		"program", "message", "user", "src_ip", "action", "outcome",
		"target_user", "command", "group"};
	enum fl_format fmt;
	struct fl_keys *k;
	struct fl_diag d;
	struct rusage ru;
	struct stat sb;
	double best = 1e30;
	unsigned long long events = 0, bad = 0, sum = 0;
	unsigned key_eid, key_img;
	int runs = 1, i;
	size_t j;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_events json|syslog FILE [RUNS]\n");
		return 64;
	}
	fmt = strcmp(argv[1], "syslog") == 0 ? FL_FMT_SYSLOG : FL_FMT_JSON;
	if (argc > 3) {
		long v;

		if (fl_parse_long(argv[3], 1, 100, &v) != 0)
			return 64;
		runs = (int)v;
	}
	if (stat(argv[2], &sb) != 0) {
		perror(argv[2]);
		return 66;
	}
	if (fl_keys_new(0, &k) != FL_OK)
		return 70;
	for (j = 0; j < sizeof names / sizeof names[0]; j++)
		fl_keys_add(k, names[j], strlen(names[j]), NULL);
	key_eid = fl_keys_find(k, "EventID", 7);
	key_img = fl_keys_find(k, fmt == FL_FMT_JSON ? "Image" : "src_ip",
			       fmt == FL_FMT_JSON ? 5 : 6);
	for (i = 0; i < runs; i++) {
		struct fl_reader *r;
		struct fl_event ev;
		enum fl_read rc;
		double t0;
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0) {
			perror(argv[2]);
			return 66;
		}
		events = bad = 0;
		t0 = now();
		if (fl_reader_open_fd(fmt, fd, argv[2], k, NULL, &r, &d) != FL_OK) {
			fprintf(stderr, "bench_events: %s\n", d.msg);
			return 70;
		}
		while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
			if (rc == FL_READ_FATAL) {
				fprintf(stderr, "bench_events: %s\n", d.msg);
				return 74;
			}
			if (rc == FL_READ_BAD) {
				bad++;
				continue;
			}
			events++;
			sum += ev.nfields;
			sum += fl_event_get(&ev, key_eid) != NULL;
			sum += fl_event_get(&ev, key_img) != NULL;
		}
		fl_reader_close(r);
		close(fd);
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%-7s %12llu events %6llu bad %8.3f s %10.0f events/s "
	       "%7.1f MB/s  peak RSS %ld MB  (fields %llu)\n", argv[1], events,
	       bad, best, (double)events / best,
	       (double)sb.st_size / 1e6 / best, ru.ru_maxrss / 1024, sum);
	fl_keys_free(k);
	return 0;
}
