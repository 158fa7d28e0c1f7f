/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PIIX4 power-management I/O block (Intel 82371AB datasheet 7.2, "Power
 * Management Registers"; ACPI 6.5, 4.8 "ACPI Hardware Features"): the 64
 * ports the guest places with PMBA in PCI function 00:01.3.  The pci device
 * moves the window through host->pio_map(); this device only sees offsets.
 *
 *   0x00 PM1a_STS (16)  write-1-to-clear; only TMR_STS is ever set (below)
 *   0x02 PM1a_EN  (16)  stored
 *   0x04 PM1a_CNT (16)  SCI_EN, BM_RLD stored; SLP_TYP/SLP_EN: see below
 *   0x08 PM_TMR   (32)  24-bit free-running counter at 3.579545 MHz
 *   0x0C..0x3F          GPE0 and the PIIX4-specific registers: read 0,
 *                       writes ignored
 *
 * Sleep: writing SLP_EN with SLP_TYP 0 is S5 (soft off), the encoding of
 * QEMU's PIIX4 DSDT (_S5 = {0, 0}), and asks host->request(VMM_REQ_POWEROFF).
 * Every other SLP_TYP (S1-S4 in QEMU's tables) is ignored: the machine has
 * no suspend, and the guest simply continues.
 *
 * No SCI: nothing drives IRQ 9.  TMR_STS is computed when read (it is set
 * once bit 23 of the timer has toggled since it was last cleared), but no
 * timer callback exists to raise an interrupt at that instant; OVMF never
 * enables PM1 events.
 */
#ifndef DEVICES_ACPIPM_H
#define DEVICES_ACPIPM_H

#include "vmm/device.h"

#define ACPIPM_WINDOW_SIZE	64

#define ACPIPM_PM1_STS		0x00
#define ACPIPM_PM1_EN		0x02
#define ACPIPM_PM1_CNT		0x04
#define ACPIPM_PM_TMR		0x08
#define ACPIPM_GPE0_STS		0x0C

#define ACPIPM_STS_TMR		0x0001
#define ACPIPM_CNT_SCI_EN	0x0001
#define ACPIPM_CNT_SLP_TYP_SHIFT 10
#define ACPIPM_CNT_SLP_TYP_MASK	0x1C00
#define ACPIPM_CNT_SLP_EN	0x2000

#define ACPIPM_TIMER_HZ		3579545ULL
#define ACPIPM_TIMER_MASK	0xFFFFFFu	/* 24-bit TMR_VAL */

struct acpipm;

/*
 * Create the block; the timer counts from 0 at this instant.  (host) is
 * copied and must provide clock_ns (-EINVAL otherwise: a stuck PM timer
 * hangs every firmware delay loop).  Returns 0, -EINVAL or -ENOMEM.
 */
int acpipm_create(const struct vmm_host *host, struct acpipm **out);
struct vmm_device *acpipm_device(struct acpipm *pm);
void acpipm_destroy(struct acpipm *pm);

/* The 24-bit PM timer value now (what a read of PM_TMR returns). */
uint32_t acpipm_timer(const struct acpipm *pm);

#endif
