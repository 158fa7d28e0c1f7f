/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "vmm vars-dump [--all] FILE" (CLI only, not part of libvmm): print the
 * UEFI variables of an OVMF VARS file offline, one block per variable:
 *
 *   NAME GUID attr 0xATTR (NV|BS|RT) N bytes
 *     0000: hex bytes, 16 a line
 *     utf16: "text"          (only when the data is printable UTF-16)
 *
 * --all also lists deleted and half-written entries, with their state.
 * Takes (argv)[0] = the subcommand name.  Exit status: 0 ok, 1 the file
 * cannot be read, 2 usage error or a malformed image (the reason is one
 * line on stderr).
 */
#ifndef VMM_CLI_VARS_H
#define VMM_CLI_VARS_H

int cli_vars_main(int argc, char **argv);

#endif
