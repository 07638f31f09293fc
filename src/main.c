/* firstline: command dispatch only; everything else lives in cli/. */
#include "cli/cli.h"

#include <locale.h>
#include <sodium.h>

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("firstline: cannot initialise libsodium\n", stderr);
		return FL_EX_SOFTWARE;
	}
	return fl_cli_main(argc, argv);
}
