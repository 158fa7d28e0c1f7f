/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MC146818 RTC and its 128 bytes of CMOS RAM behind ports 0x70/0x71
 * (Motorola MC146818A datasheet; memory-size bytes as QEMU's pc machine
 * fills them, which is what OVMF's PlatformPei reads).
 *
 * Window 2: offset 0 = index port 0x70 (write; bit 7 is the NMI mask, kept
 * but without effect since the in-kernel irqchip owns NMIs; reads return
 * the bus's all-ones, the port is write-only on the PC), offset 1 = data
 * port 0x71.  A word access is split into index then data.
 *
 * Time (0x00-0x09, century 0x32): computed on every read from
 * host->wallclock plus a guest offset, in BCD or binary (register B bit 2)
 * and 12- or 24-hour (bit 1) form.  Guest writes set the clock the
 * datasheet's way: setting B.SET (bit 7) freezes the registers at the
 * current time, the guest writes fields, and clearing SET turns the fields
 * into a new offset.  A field written with SET clear is applied the same
 * way at once.  A date that does not exist is ignored (the offset stays).
 * The offset survives resets, as the battery-backed clock would.
 *
 * Register A reads 0x26 at power-on and UIP (bit 7) is always 0: no update
 * cycle is ever in progress.  Register C reads 0, D reads 0x80 (valid RAM
 * and time).  No periodic, alarm or update-ended interrupts are generated:
 * IRQ 8 is never driven; the enable bits in B are stored only.
 *
 * Memory bytes (from the create arguments): 0x15/0x16 base memory in KiB
 * (640), 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (capped at 0xFFFF),
 * 0x34/0x35 RAM above 16 MiB below 4 GiB in 64 KiB units (capped at
 * 0xFFFF), 0x5B-0x5D RAM above 4 GiB in 64 KiB units (capped at 0xFFFFFF,
 * 1 TiB), 0x5F CPU count - 1; checksum of 0x10-0x2D at 0x2E (high)/0x2F.
 * Reset does what the MC146818 RESET pin does: clears PIE, AIE, UIE and
 * SQWE in B and the flags in C; the index returns to 0 and the NMI mask is
 * cleared.  Everything else (RAM, A, the time offset) is battery-backed and
 * kept.
 */
#ifndef DEVICES_CMOS_H
#define DEVICES_CMOS_H

#include "vmm/device.h"

#define CMOS_WINDOW_SIZE	2
#define CMOS_OFFSET_INDEX	0	/* port 0x70 */
#define CMOS_OFFSET_DATA	1	/* port 0x71 */
#define CMOS_SIZE		128
#define CMOS_INDEX_NMI_DISABLE	0x80

#define CMOS_SECONDS		0x00
#define CMOS_MINUTES		0x02
#define CMOS_HOURS		0x04
#define CMOS_WEEKDAY		0x06
#define CMOS_DAY		0x07
#define CMOS_MONTH		0x08
#define CMOS_YEAR		0x09
#define CMOS_REG_A		0x0A
#define CMOS_REG_B		0x0B
#define CMOS_REG_C		0x0C
#define CMOS_REG_D		0x0D
#define CMOS_CENTURY		0x32

#define CMOS_B_SET		0x80
#define CMOS_B_UIE		0x10
#define CMOS_B_BINARY		0x04
#define CMOS_B_24H		0x02

#define CMOS_MAX_CPUS		256

struct cmos;

/*
 * Create the RTC/CMOS.  (low_ram_bytes) is guest RAM below 4 GiB (at most
 * 4 GiB), (high_ram_bytes) RAM from 4 GiB up, (ncpus) 1..256.  (host) is
 * copied; host->wallclock may be NULL (the clock then starts at the epoch).
 * Returns 0, -EINVAL, or -ENOMEM.
 */
int cmos_create(const struct vmm_host *host, uint64_t low_ram_bytes,
		uint64_t high_ram_bytes, unsigned ncpus, struct cmos **out);
struct vmm_device *cmos_device(struct cmos *cmos);
void cmos_destroy(struct cmos *cmos);

#endif
