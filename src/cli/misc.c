/* misc: commands outside any group: init, and the man page generator. */
#include "cli.h"

static int
run_init(struct fl_ctx *ctx, const struct fl_args *a)
{
	(void)a;
	printf("initialised %s (schema version %d)\n", ctx->db_path,
	       fl_store_schema_version(ctx->st));
	return 0;
}

static const struct fl_opt man_opts[] = {
	{"group", FL_OPT_VALUE, "GROUP", "the command group"},
	{NULL, 0, NULL, NULL}
};

static int
run_man(struct fl_ctx *ctx, const struct fl_args *a)
{
	const char *g = fl_arg(a, "group");

	if (g == NULL)
		return fl_cli_usage(ctx, "'man' needs --group GROUP");
	fl_cli_man(stdout, g);
	return 0;
}

const struct fl_cmd fl_cmds_misc[] = {
	{"init", NULL, NULL, "create the database (migrations apply on every open)",
	 "Creates the database file named by --db, $FIRSTLINE_DB or ./firstline.db\n"
	 "and applies the schema.  Running it again on an existing database only\n"
	 "applies pending migrations.",
	 NULL, 0, 0, FL_CMD_CREATE, run_init, NULL},
	{"man", NULL, NULL, "print the man page of a command group (roff)", NULL,
	 man_opts, 0, 0, FL_CMD_NODB, run_man, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
