/*
 * bench_evtx: how fast the EVTX reader turns event logs into events, with
 * a consumer that does nothing but look at each event (it sums the field
 * counts and looks up a few keys, as a matcher's prefilter would).
 *
 *   bench_evtx [-t THREADS] [-r RUNS] PATH...
 *
 * PATHs are .evtx files or directories searched for them.  With one
 * thread each file is read from its descriptor, 64 KiB at a time, as
 * `detect run` reads; with more, each file is mapped and cut into runs of
 * 16 chunks (fl_evtx_chunk_span) that the threads read in memory, each
 * run on a reader of its own.  Prints one line: files, events, bad
 * records, best wall seconds over RUNS runs, events/s, MB/s (file bytes)
 * and the peak RSS of the process.  Used by bench/evtx.sh.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect/event.h"

#define RUN_CHUNKS 16

struct item {
	const unsigned char *p; /* a run of chunks; NULL: read the file */
	size_t n;
	const char *path;
};

struct job {
	struct item *items;
	size_t nitems, next;
	pthread_mutex_t mu;
	const struct fl_keys *k;
	unsigned key_eid, key_img;
	unsigned long long events, bad, sum;
	int fatal;
};

static char **paths;
static size_t npaths, cappaths;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
add_path(const char *p)
{
	if (npaths == cappaths) {
		cappaths = cappaths ? 2 * cappaths : 256;
		if ((paths = realloc(paths, cappaths * sizeof *paths)) == NULL)
			exit(70);
	}
	if ((paths[npaths++] = fl_strdup(p)) == NULL)
		exit(70);
}

static void
walk(const char *p)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	char sub[4096];
	size_t n;

	if (stat(p, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		add_path(p);
		return;
	}
	if ((d = opendir(p)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", p, e->d_name);
		n = strlen(e->d_name);
		if (stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			walk(sub);
		else if (n > 5 && strcmp(e->d_name + n - 5, ".evtx") == 0)
			add_path(sub);
	}
	closedir(d);
}

/* Read one item; the counts go to the job under its lock. */
static void
read_item(struct job *j, const struct item *it)
{
	unsigned long long events = 0, bad = 0, sum = 0;
	struct fl_reader *r;
	struct fl_event ev;
	struct fl_diag d;
	enum fl_read rc;
	int fd = -1;
	fl_err e;

	if (it->p)
		e = fl_reader_open_mem(FL_FMT_EVTX, it->p, it->n, it->path,
				       j->k, NULL, &r, &d);
	else {
		if ((fd = open(it->path, O_RDONLY)) < 0) {
			perror(it->path);
			j->fatal = 1;
			return;
		}
		e = fl_reader_open_fd(FL_FMT_EVTX, fd, it->path, j->k, NULL,
				      &r, &d);
	}
	if (e != FL_OK) {
		fprintf(stderr, "bench_evtx: %s\n", d.msg);
		j->fatal = 1;
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((rc = fl_reader_next(r, &ev, &d)) != FL_READ_END) {
		if (rc == FL_READ_FATAL) {
			fprintf(stderr, "bench_evtx: %s\n", d.msg);
			j->fatal = 1;
			break;
		}
		if (rc == FL_READ_BAD) {
			bad++;
			continue;
		}
		events++;
		sum += ev.nfields;
		sum += fl_event_get(&ev, j->key_eid) != NULL;
		sum += fl_event_get(&ev, j->key_img) != NULL;
	}
	fl_reader_close(r);
	if (fd >= 0)
		close(fd);
	pthread_mutex_lock(&j->mu);
	j->events += events;
	j->bad += bad;
	j->sum += sum;
	pthread_mutex_unlock(&j->mu);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&j->mu);
		i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->nitems)
			return NULL;
		read_item(j, &j->items[i]);
	}
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
		"Computer", "EventRecordID", "TimeCreated_SystemTime"};
	struct fl_keys *k;
	struct rusage ru;
	struct job j;
	pthread_t *tids;
	unsigned char **maps;
	size_t *mapn, i, c, cap = 0;
	unsigned long long bytes = 0;
	double best = 1e30;
	long threads = 1, runs = 1;
	int opt, run;

	while ((opt = getopt(argc, argv, "t:r:")) != -1) {
		if (opt == 't' && fl_parse_long(optarg, 1, 256, &threads) == 0)
			continue;
		if (opt == 'r' && fl_parse_long(optarg, 1, 100, &runs) == 0)
			continue;
		fprintf(stderr, "usage: bench_evtx [-t THREADS] [-r RUNS] "
			"PATH...\n");
		return 64;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		walk(argv[i]);
	if (npaths == 0) {
		fprintf(stderr, "bench_evtx: no .evtx files\n");
		return 66;
	}
	if (fl_keys_new(0, &k) != FL_OK)
		return 70;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		fl_keys_add(k, names[i], strlen(names[i]), NULL);
	memset(&j, 0, sizeof j);
	pthread_mutex_init(&j.mu, NULL);
	j.k = k;
	j.key_eid = fl_keys_find(k, "EventID", 7);
	j.key_img = fl_keys_find(k, "Image", 5);
	maps = calloc(npaths, sizeof *maps);
	mapn = calloc(npaths, sizeof *mapn);
	tids = calloc((size_t)threads, sizeof *tids);
	if (!maps || !mapn || !tids)
		return 70;
	for (i = 0; i < npaths; i++) {
		struct stat sb;
		size_t first, count;
		int fd = open(paths[i], O_RDONLY);

		if (fd < 0 || fstat(fd, &sb) != 0) {
			perror(paths[i]);
			return 66;
		}
		bytes += (unsigned long long)sb.st_size;
		if (threads == 1 || sb.st_size == 0) {
			close(fd);
			c = 1;
		} else {
			maps[i] = mmap(NULL, (size_t)sb.st_size, PROT_READ,
				       MAP_PRIVATE, fd, 0);
			close(fd);
			if (maps[i] == MAP_FAILED)
				return 74;
			mapn[i] = (size_t)sb.st_size;
			if (fl_evtx_chunk_span(maps[i], mapn[i], &first,
					       &count) != FL_OK)
				count = 0;
			c = (count + RUN_CHUNKS - 1) / RUN_CHUNKS;
			c = c ? c : 1;
		}
		if (j.nitems + c > cap) {
			cap = 2 * (j.nitems + c);
			if ((j.items = realloc(j.items, cap * sizeof *j.items)) ==
			    NULL)
				return 70;
		}
		if (maps[i] == NULL) {
			j.items[j.nitems].p = NULL;
			j.items[j.nitems].n = 0;
			j.items[j.nitems++].path = paths[i];
			continue;
		}
		if (fl_evtx_chunk_span(maps[i], mapn[i], &first, &count) !=
		    FL_OK || count == 0) {
			j.items[j.nitems].p = maps[i];
			j.items[j.nitems].n = mapn[i];
			j.items[j.nitems++].path = paths[i];
			continue;
		}
		for (c = 0; c < count; c += RUN_CHUNKS) {
			size_t m = count - c < RUN_CHUNKS ? count - c :
			    RUN_CHUNKS;

			j.items[j.nitems].p = maps[i] + first + c * 65536;
			j.items[j.nitems].n = m * 65536;
			j.items[j.nitems++].path = paths[i];
		}
	}
	for (run = 0; run < runs; run++) {
		double t0 = now();
		long t;

		j.next = 0;
		j.events = j.bad = j.sum = 0;
		for (t = 0; t < threads; t++)
			if (pthread_create(&tids[t], NULL, worker, &j) != 0)
				return 70;
		for (t = 0; t < threads; t++)
			pthread_join(tids[t], NULL);
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
		if (j.fatal)
			return 74;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("evtx %ld thread%s %zu files %llu events %llu bad %.3f s "
	       "%.0f events/s %.1f MB/s  peak RSS %ld MB  (fields %llu)\n",
	       threads, threads == 1 ? "" : "s", npaths, j.events, j.bad, best,
	       (double)j.events / best, (double)bytes / 1e6 / best,
	       ru.ru_maxrss / 1024, j.sum);
	for (i = 0; i < npaths; i++) {
		if (maps[i])
			munmap(maps[i], mapn[i]);
		free(paths[i]);
	}
	free(paths);
	free(maps);
	free(mapn);
	free(tids);
	free(j.items);
	pthread_mutex_destroy(&j.mu);
	fl_keys_free(k);
	return 0;
}
