/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands of the vmm CLI (CLI only, not part of libvmm). */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stdio.h>

/* Run "vmm NAME ARGS...": (argv)[0] is NAME.  Returns the exit status. */
int cli_subcommand(int argc, char **argv);
/* One line per subcommand, for --help. */
void cli_print_subcommands(FILE *out);

#endif
