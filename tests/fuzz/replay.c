/*
 * replay: a plain main for libFuzzer harnesses, so their corpora run as
 * ordinary tests under ASan/UBSan without clang.  Each argument is a file
 * or a directory of files; each file is fed once to LLVMFuzzerTestOneInput.
 * Prints TAP: one "ok" line per directory or file.
 */
#include "util/util.h"

#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ntest;

static void
feed(const char *path)
{
	struct fl_buf b;

	fl_buf_init(&b, 64 << 20);
	if (fl_buf_read_file(&b, path, NULL) == FL_OK) {
		/* copy to an exact-size heap block so ASan sees overreads */
		char *copy = malloc(b.len ? b.len : 1);
		if (copy) {
			memcpy(copy, b.data, b.len);
			LLVMFuzzerTestOneInput((const uint8_t *)copy, b.len);
			free(copy);
		}
	}
	fl_buf_release(&b);
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		struct stat sb;
		DIR *dir;
		struct dirent *e;
		long n = 0;

		if (stat(argv[i], &sb) != 0) {
			printf("ok %d - %s # SKIP missing\n", ++ntest, argv[i]);
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			feed(argv[i]);
			printf("ok %d - replay %s\n", ++ntest, argv[i]);
			continue;
		}
		if ((dir = opendir(argv[i])) == NULL) {
			printf("not ok %d - cannot open %s\n", ++ntest, argv[i]);
			continue;
		}
		while ((e = readdir(dir)) != NULL) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			feed(path);
			n++;
		}
		closedir(dir);
		printf("ok %d - replay %ld inputs from %s\n", ++ntest, n, argv[i]);
	}
	printf("1..%d\n", ntest);
	return 0;
}
