/* ossim.c - the command: parses the command line and dispatches to sub-commands. */
#include "config.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
