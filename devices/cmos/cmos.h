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
 * Time (0x00-0x09, century 0x32), in BCD or binary (register B bit 2)
 * and 12- or 24-hour (bit 1) form, is a guest offset (whole seconds) on
 * top of the host's seconds.  With host->clock_ns those are
 * host->wallclock() read once at create plus the update cycles the RTC's
 * divider chain has counted on the virtual clock since (one per
 * CMOS_RTC_HZ ticks of it, the first one second after create), so the
 * time read and the update-ended interrupt agree to the tick.  Without
 * host->clock_ns they are host->wallclock() at every read and no flag or
 * interrupt is ever due.  Guest writes set the clock the datasheet's way:
 * setting B.SET (bit 7) freezes the registers at the current time, the
 * guest writes fields, and clearing SET turns the fields into a new
 * offset; the divider keeps counting meanwhile, so the next update comes
 * at the old phase.  Setting SET also clears UIE ("Register B").  A field written with SET clear is applied the same
 * way at once.  A date that does not exist is ignored (the offset stays).
 * The offset survives resets, as the battery-backed clock would.
 *
 * Divider (register A DV2-DV0, "Divider Chain Control", Table 4): 000,
 * 001 and 010 select a time base and the chain counts (the time advances
 * and update cycles run; as QEMU does, the 4.194304 and 1.048576 MHz bases
 * are taken to be driven by a matching crystal).  011 and 10x (factory
 * test) and 11x (divider reset) stop the chain: the time registers freeze
 * as under SET, no update cycle, no periodic flag.  When the chain starts
 * again the frozen fields become the time and the first update cycle
 * comes half a second later.
 *
 * Periodic flag (Table 5, 32.768 kHz base only): RS3-RS0 = 1 and 2 give
 * 256 and 128 Hz, n = 3..15 gives 32768 >> (n - 1) Hz, every edge aligned
 * to the divider chain.  RS = 0, or any other DV, gives no periodic flag
 * (the 4.194304 / 1.048576 MHz columns of the table are not modelled).
 * PF (C bit 6) is set on every edge whatever PIE says.
 *
 * Update cycle ("Update Cycle", Table 6): once a second while the chain
 * runs and SET is clear.  It is taken as instantaneous at the second's
 * boundary: the new second shows and UF (C bit 4) is set at that instant,
 * and AF (C bit 5) too when the seconds, minutes and hours alarm bytes
 * (0x01, 0x03, 0x05) each equal the time byte in the current format or
 * hold the don't-care code 0xC0-0xFF ("Alarm Interrupt").  UIP (A bit 7)
 * reads 1 for the 244.140625 us (8 ticks of CMOS_RTC_HZ) before each
 * boundary, never under SET or while the chain is stopped, and never
 * without host->clock_ns.
 *
 * Register C ("Register C", "Interrupts"): IRQF (bit 7) = PF & PIE |
 * AF & AIE | UF & UIE, recomputed whenever a flag or an enable changes, so
 * enabling an interrupt whose flag is already set raises IRQF at once and
 * clearing the last enable with a flag set lowers it (the flags stay).
 * ISA IRQ 8 (host->set_irq(ctx, CMOS_IRQ, level)) is a level that follows
 * IRQF: high from the event until the guest reads C, as the datasheet's
 * IRQ pin and QEMU's model do; the PIC sees its rising edge.  Reading C
 * returns the flags (bits 3-0 are 0) and clears them all, lowering IRQ 8.
 * Flags nobody enabled are computed when C is read (or any register is
 * written): a period or update boundary passed since the last read of C
 * reads back as set.  Register D reads 0x80 (valid RAM and time).
 *
 * Memory bytes (from the create arguments): 0x15/0x16 base memory in KiB
 * (640), 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (capped at 0xFFFF),
 * 0x34/0x35 RAM above 16 MiB below 4 GiB in 64 KiB units (capped at
 * 0xFFFF), 0x5B-0x5D RAM above 4 GiB in 64 KiB units (capped at 0xFFFFFF,
 * 1 TiB), 0x5F CPU count - 1; checksum of 0x10-0x2D at 0x2E (high)/0x2F.
 * Reset does what the MC146818 RESET pin does ("RESET"): clears PIE, AIE,
 * UIE and SQWE in B and IRQF, PF, AF and UF in C (events due by then are
 * dropped with them) and lowers IRQ 8; the index returns to 0 and the NMI
 * mask is cleared.  Everything else (RAM, A, SET, the time, the divider's
 * phase, the IRQ statistics) is battery-backed or ours and kept.
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

#define CMOS_ALARM_SECONDS	0x01
#define CMOS_ALARM_MINUTES	0x03
#define CMOS_ALARM_HOURS	0x05
#define CMOS_ALARM_DONT_CARE	0xC0	/* 0xC0-0xFF in an alarm byte */

#define CMOS_A_UIP		0x80
#define CMOS_A_DV_32K		0x20	/* DV2-0 = 010 */
#define CMOS_A_DV_RESET		0x60	/* DV2-0 = 11x */
#define CMOS_A_DV_MASK		0x70
#define CMOS_A_RS_MASK		0x0F

#define CMOS_B_SET		0x80
#define CMOS_B_PIE		0x40
#define CMOS_B_AIE		0x20
#define CMOS_B_UIE		0x10
#define CMOS_B_SQWE		0x08
#define CMOS_B_BINARY		0x04
#define CMOS_B_24H		0x02

#define CMOS_C_IRQF		0x80
#define CMOS_C_PF		0x40
#define CMOS_C_AF		0x20
#define CMOS_C_UF		0x10

#define CMOS_MAX_CPUS		256
#define CMOS_IRQ		8	/* ISA IRQ = GSI */
#define CMOS_RTC_HZ		32768ULL	/* the divider chain's tick */

struct cmos;

/*
 * Create the RTC/CMOS.  (low_ram_bytes) is guest RAM below 4 GiB (at most
 * 4 GiB), (high_ram_bytes) RAM from 4 GiB up, (ncpus) 1..256.  (host) is
 * copied; host->wallclock may be NULL (the clock then starts at the epoch),
 * host->clock_ns may be NULL (no flags, no interrupts, see above),
 * host->set_irq may be NULL (IRQ 8 goes nowhere; it is still counted).
 * Returns 0, -EINVAL, or -ENOMEM.
 */
int cmos_create(const struct vmm_host *host, uint64_t low_ram_bytes,
		uint64_t high_ram_bytes, unsigned ncpus, struct cmos **out);
struct vmm_device *cmos_device(struct cmos *cmos);
void cmos_destroy(struct cmos *cmos);			/* NULL ok */

/*
 * Absolute host->clock_ns time of the next event that would set a flag in
 * register C which the guest can observe through IRQ 8 (PIE, AIE or UIE
 * enabled for it), rounded up to the first whole nanosecond at which it
 * has happened; UINT64_MAX when none (nothing enabled, no clock, chain
 * stopped, or IRQF already set: a further event makes no new edge until
 * the guest has read C).  Flags that nobody enabled need no deadline:
 * they are computed lazily when register C is read.  May be in the past.
 * Guest accesses change it: ask again after every exit.
 */
uint64_t cmos_deadline(const struct cmos *cmos);

/*
 * Process everything due at clock_ns(): set flags, raise IRQ 8 when IRQF
 * becomes set.  Returns the number of interrupts raised (rising edges of
 * IRQ 8) in this call, 0 or 1: several due events become one edge and the
 * rest count as coalesced.
 */
int cmos_update(struct cmos *cmos);

/*
 * Rising edges of IRQ 8 since create (by cmos_update(), or by a guest
 * access that found an enabled event due or enabled a set flag), and
 * enabled events that got no edge of their own (several due at once, or
 * IRQF still set; an alarm counts once however many seconds matched).
 */
void cmos_irq_counts(const struct cmos *cmos, uint64_t *raised,
		     uint64_t *coalesced);

#endif
