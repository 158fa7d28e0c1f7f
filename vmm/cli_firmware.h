/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMM_CLI_FIRMWARE_H
#define VMM_CLI_FIRMWARE_H

/* "vmm firmware list|select ...": (argv)[0] is "firmware".  Exit status. */
int cli_firmware_main(int argc, char **argv);

#endif
