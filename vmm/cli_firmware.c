// SPDX-License-Identifier: Apache-2.0
/* "vmm firmware": QEMU firmware descriptors (placeholder, being written). */
#include <stdio.h>

#include "vmm/cli_firmware.h"

int cli_firmware_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("vmm firmware: not implemented yet\n", stderr);
	return 2;
}
