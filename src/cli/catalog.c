/* catalog: commands of the catalog group (being written). */
#include "cli.h"

const struct fl_cmd fl_cmds_catalog[] = {
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
