/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Four tiny system-control devices of the PC platform, each its own
 * struct vmm_device so the machine places them independently:
 *
 *   port92    System Control Port A at 0x92 (fast A20 gate, fast reset).
 *   resetctl  PIIX3/PIIX4 Reset Control Register at 0xCF9.  It sits inside
 *             the PCI mechanism #1 ports 0xCF8-0xCFB, so the machine does not
 *             put it on the bus: the pci device owns 0xCF8-0xCFF and forwards
 *             byte accesses at 0xCF9 to it (devices/pci/pci.h).
 *   kbd       The i8042 keyboard controller, only as far as reset goes: one
 *             window over 0x60-0x64 (offset 0 = data port 0x60, offset 4 =
 *             command/status port 0x64; offsets 1-3 are unassigned).
 *   debugcon  QEMU's debug console at 0x402 (what OVMF DEBUG builds print to).
 *
 * None of them drives an interrupt; resets go through host->request().
 */
#ifndef DEVICES_SYSCTL_H
#define DEVICES_SYSCTL_H

#include "vmm/device.h"

#define PORT92_WINDOW_SIZE	1
#define RESETCTL_WINDOW_SIZE	1
#define KBD_WINDOW_SIZE		5	/* 0x60 .. 0x64 */
#define KBD_OFFSET_DATA		0	/* port 0x60 */
#define KBD_OFFSET_CMD		4	/* port 0x64 */
#define DEBUGCON_WINDOW_SIZE	1

/* Port 0x92 bits (IBM PS/2 "System Control Port A"). */
#define PORT92_FAST_RESET	0x01
#define PORT92_A20		0x02

/* Reset Control Register bits (Intel PIIX4 datasheet, 4.1.13 RC, 0xCF9). */
#define RESETCTL_SYS_RST	0x02
#define RESETCTL_RST_CPU	0x04
#define RESETCTL_FULL_RST	0x08

/* i8042 command that pulses the CPU reset line (output port bit 0). */
#define KBD_CMD_PULSE_RESET	0xFE
/* Status read: system flag + command/data flag + keylock, buffers empty. */
#define KBD_STATUS_IDLE		0x1C

/* What QEMU's debugcon returns on a read, so guests can detect it. */
#define DEBUGCON_READBACK	0xE9

struct port92;
struct resetctl;
struct kbd;
struct debugcon;

/*
 * Each _create copies (host) and returns 0 with a new device in (out), or
 * -EINVAL for a NULL argument, -ENOMEM.  Each _device returns the bus view,
 * valid until _destroy.  _destroy(NULL) is a no-op.
 */
int port92_create(const struct vmm_host *host, struct port92 **out);
struct vmm_device *port92_device(struct port92 *p92);
void port92_destroy(struct port92 *p92);

int resetctl_create(const struct vmm_host *host, struct resetctl **out);
struct vmm_device *resetctl_device(struct resetctl *rc);
void resetctl_destroy(struct resetctl *rc);

int kbd_create(const struct vmm_host *host, struct kbd **out);
struct vmm_device *kbd_device(struct kbd *kbd);
void kbd_destroy(struct kbd *kbd);

int debugcon_create(const struct vmm_host *host, struct debugcon **out);
struct vmm_device *debugcon_device(struct debugcon *dc);
void debugcon_destroy(struct debugcon *dc);

#endif
