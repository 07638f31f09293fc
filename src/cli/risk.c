/* risk: commands of the risk group (being written). */
#include "cli.h"

const struct fl_cmd fl_cmds_risk[] = {
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
