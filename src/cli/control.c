/* control: commands of the control group (being written). */
#include "cli.h"

const struct fl_cmd fl_cmds_control[] = {
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
