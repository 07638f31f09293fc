/*
 * sigma_int: what sigma_load.c and sigma_cond.c share and nobody else
 * sees: the arena everything of a rule set lives in, and the condition
 * parser working inside it.
 */
#ifndef FL_SIGMA_INT_H
#define FL_SIGMA_INT_H

#include "detect/sigma.h"

/* A bump allocator in linked blocks; freed at once. */
struct fl_sigma_arena {
	struct fl_sigma_ablock *head;
	size_t total, max; /* bytes handed out, and the cap */
};
void fl_sigma_arena_init(struct fl_sigma_arena *a, size_t max);
void fl_sigma_arena_release(struct fl_sigma_arena *a);
/* Zeroed memory, NULL when out of memory or over the cap. */
void *fl_sigma_alloc(struct fl_sigma_arena *a, size_t n);
void *fl_sigma_allocv(struct fl_sigma_arena *a, size_t n, size_t size);
char *fl_sigma_strndup(struct fl_sigma_arena *a, const char *s, size_t n);

/*
 * Parse a condition into the arena.  ids[i] are the identifiers a
 * condition may name.  On error: FL_E_SYNTAX (or LIMIT/NOMEM), *errcol the
 * 1-based column, msg the reason.
 */
fl_err fl_sigma_cond_build(struct fl_sigma_arena *a, const char *text,
			   size_t len, const char *const *ids, size_t nids,
			   size_t max_len, unsigned max_depth,
			   struct fl_sigma_node **out, unsigned long *errcol,
			   char *msg, size_t msgsz);

#endif
