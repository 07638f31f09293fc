/* org: commands of the org group (being written). */
#include "cli.h"

const struct fl_cmd fl_cmds_org[] = {
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
