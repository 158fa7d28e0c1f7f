/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VARS-file subcommands (CLI only, not part of libvmm).
 *
 * "vmm vars-dump [--all] FILE": print the UEFI variables of an OVMF VARS
 * file offline, one block per variable:
 *
 *   NAME GUID attr 0xATTR (NV|BS|RT) N bytes
 *     0000: hex bytes, 16 a line
 *     utf16: "text"          (only when the data is printable UTF-16)
 *
 * --all also lists deleted and half-written entries, with their state.
 * Exit status: 0 ok, 1 the file cannot be read, 2 usage error or a
 * malformed image.
 *
 * "vmm vars list|get|set|delete FILE ...": list, read, create/replace or
 * delete one variable (man/vmm-vars.txt has the syntax and the rules).
 * Changes go through firmware/varedit.c and replace the file atomically,
 * under an OFD write lock that a running VM's lock conflicts with.  Exit
 * status: 0 ok, 1 no such variable or an I/O error, 2 usage error, bad
 * input or a refused change.
 *
 * Every error is one line on stderr.  Takes (argv)[0] = the subcommand
 * name, "vars" or "vars-dump".
 */
#ifndef VMM_CLI_VARS_H
#define VMM_CLI_VARS_H

int cli_vars_main(int argc, char **argv);

#endif
