/*
 * input: which files detection reads, and as what.  Given the paths of a
 * command line (files, directories, "-" for standard input) it walks
 * directories recursively in name order and decides each file's format by
 * its content, never by its name:
 *  - EVTX: the "ElfFile\0" magic;
 *  - gzip / zstd: their magic, and then the format of the decompressed
 *    head (the reader decompresses as it reads);
 *  - JSON: the first byte that is not blank (after a UTF-8 BOM) is '{';
 *  - auditd: the first line (after ausearch's "----" and "time->" lines)
 *    starts with "type=" or "node=NAME type=";
 *  - syslog: anything else.
 * A format the user names (--input-format) wins over the content.
 *
 * It refuses to follow a symbolic link to a directory inside a walk (no
 * loops, no escaping the tree) and to enter a directory already on the way
 * down (bind mounts); an input it cannot read is handed to the callback as
 * skipped, with the reason, and the walk goes on.  It never prints.
 */
#ifndef FL_DETECT_INPUT_H
#define FL_DETECT_INPUT_H

#include "detect/event.h"

/* One input, as fl_input_walk() hands it to its callback. */
struct fl_input {
	const char *path;     /* as given, or DIR/NAME below a directory;
				 "-" is standard input */
	int fd;               /* open, at its start; -1 when skipped.  The
				 walk closes it after the callback (never 0) */
	enum fl_format fmt;   /* sniffed, or the format forced */
	int compressed;       /* 0 plain, 1 gzip, 2 zstd (for messages: the
				 reader decompresses by itself) */
	/* a pipe or terminal (standard input, /dev/fd/N): bytes already read
	   from fd to sniff it, which the reader must read first: pass them
	   as fl_reader_opts.head and head_n.  Valid during the callback. */
	const void *head;
	size_t head_n;
	/* skipped: why (FL_E_NOINPUT missing or unreadable, FL_E_IO a read
	   error, FL_E_INVAL not a regular file, a symbolic link to a
	   directory, a loop, too deep, a path too long); FL_OK otherwise */
	fl_err err;
	const struct fl_diag *why;
	int below_dir;        /* found walking a directory (not named) */
};

/* The callback: 0 to go on, anything else stops the walk. */
typedef int (*fl_input_cb)(void *ctx, const struct fl_input *in);

#define FL_INPUT_SNIFF (-1) /* fl_input_walk(): decide by content */

/* Call CB for every input under PATHS (N of them, borrowed), in the order
 * given and, below a directory, in byte order of the names.  FMT is
 * FL_INPUT_SNIFF or the enum fl_format that every input is read as.
 * Returns FL_OK when the walk ended, also when CB stopped it (*stopped,
 * when not NULL, says so), or FL_E_NOMEM (d filled).  Inputs that cannot
 * be read do not fail the walk: CB sees them with err set. */
fl_err fl_input_walk(const char *const *paths, size_t n, int fmt,
		     fl_input_cb cb, void *ctx, int *stopped,
		     struct fl_diag *d);

/* The format of an input whose first N bytes are HEAD; *compressed (may
 * be NULL) gets 0, 1 gzip or 2 zstd.  The bytes need not be complete:
 * a few KiB decide. */
enum fl_format fl_input_sniff(const void *head, size_t n, int *compressed);

/* "json" (or "jsonl"), "syslog", "evtx", "auditd" as a format; 0 ok,
 * -1 not one of them. */
int fl_input_format(const char *name, enum fl_format *out);

#endif
