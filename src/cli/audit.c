/* audit: read and verify the hash-chained audit trail. */
#include "cli.h"

static const struct fl_opt log_opts[] = {
	{"limit", FL_OPT_VALUE, "N", "show at most N entries"},
	{"newest", FL_OPT_FLAG, NULL, "newest entries first"},
	{"full", FL_OPT_FLAG, NULL, "show before/after images in the table"},
	{NULL, 0, NULL, NULL}
};

static int
run_log(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	long limit = 0;
	fl_err rc;
	int code;

	if (fl_arg(a, "limit") &&
	    fl_parse_long(fl_arg(a, "limit"), 1, 100000000, &limit) != 0)
		return fl_cli_usage(ctx, "--limit must be a positive number");
	fl_table_init(&t);
	rc = fl_store_audit_list(ctx->st, limit, fl_flag(a, "newest"),
				 fl_table_add, &t);
	if (rc != FL_OK) {
		fl_table_release(&t);
		return fl_cli_fail(ctx, rc);
	}
	code = fl_table_print(ctx, &t,
			      fl_flag(a, "full")
				      ? "seq,time,actor,action,object,before,after"
				      : "seq,time,actor,action,object");
	fl_table_release(&t);
	return code;
}

static int
run_verify(struct fl_ctx *ctx, const struct fl_args *a)
{
	long checked = 0, bad = 0;
	fl_err rc;

	(void)a;
	rc = fl_store_audit_verify(ctx->st, &checked, &bad, &ctx->diag);
	if (rc == FL_OK) {
		if (ctx->json)
			printf("{\"ok\":true,\"entries\":%ld}\n", checked);
		else
			printf("audit trail intact: %ld entries\n", checked);
		return 0;
	}
	if (rc == FL_E_SYNTAX && ctx->json)
		printf("{\"ok\":false,\"entries\":%ld,\"first_bad\":%ld}\n",
		       checked, bad);
	return fl_cli_fail(ctx, rc);
}

static int
run_head(struct fl_ctx *ctx, const struct fl_args *a)
{
	char *head = NULL;
	fl_err rc;

	(void)a;
	if ((rc = fl_store_setting_get(ctx->st, "audit_head", &head)) != FL_OK)
		return fl_cli_fail(ctx, rc);
	printf("%s\n", head ? head : "0:(empty)");
	free(head);
	return 0;
}

const struct fl_cmd fl_cmds_audit[] = {
	{"audit", "log", NULL, "list the audit trail",
	 "Every change made through firstline, oldest first: time, actor,\n"
	 "action, object and (with --full or --json) the before/after images.",
	 log_opts, 0, 0, FL_CMD_JSON, run_log,
	 "  seq      entry number, from 1, without gaps\n"
	 "  time     UTC timestamp of the change\n"
	 "  actor    who made it (--as, $FIRSTLINE_ACTOR or the login name)\n"
	 "  action   what was done, e.g. risk.create\n"
	 "  object   what it was done to, e.g. risk:R-0003\n"
	 "  before   the object before the change (JSON text) or null\n"
	 "  after    the object after the change (JSON text) or null\n"
	 "  hash     BLAKE2b-256 of the entry and the previous hash (hex)"},
	{"audit", "verify", NULL, "re-compute the hash chain of the audit trail",
	 "Re-computes every entry's BLAKE2b hash from its content and the\n"
	 "previous entry's hash, and compares the end of the chain with the\n"
	 "recorded head.  Exits 65 naming the first broken entry when any row\n"
	 "was altered, removed or reordered.",
	 NULL, 0, 0, FL_CMD_JSON, run_verify,
	 "  ok         true when the chain is intact\n"
	 "  entries    entries checked before the first break\n"
	 "  first_bad  sequence number of the first broken entry (when not ok)"},
	{"audit", "head", NULL, "print the head of the chain (SEQ:HASH) to anchor it elsewhere",
	 NULL, NULL, 0, 0, 0, run_head, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
