/* Subcommands of the abota CLI. Each takes (argc, argv) with argv[0] the
 * command name and returns the process exit status. */
#ifndef ABOTA_CLI_H
#define ABOTA_CLI_H

#include <stdio.h>

struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

int cmd_flash(int argc, char **argv);
int cmd_sim(int argc, char **argv);

#endif
