/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SEV subcommands of the vmm CLI (CLI only, not part of libvmm):
 *   vmm measure   expected launch digest / LAUNCH_MEASURE, offline
 *   vmm describe  what an OVMF image offers (footer table, SEV metadata)
 *   vmm probe     what this host offers for SEV
 * Each takes (argv)[0] = the subcommand name and returns the exit status:
 * 0 ok, 1 host or runtime error, 2 usage error or bad input.  Results go to
 * stdout; an error is one line on stderr.
 */
#ifndef VMM_CLI_SEV_H
#define VMM_CLI_SEV_H

int cli_measure_main(int argc, char **argv);
int cli_describe_main(int argc, char **argv);
int cli_probe_main(int argc, char **argv);

#endif
