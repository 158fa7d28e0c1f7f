/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PC's cascaded Intel 8259A pair (8259A datasheet, order 231468) and
 * the PIIX edge/level control registers (ELCR, PIIX4 datasheet 4.1.10), as
 * a pure state machine: no clock, no KVM.
 *
 * Windows: pic_master_device() at 0x20-0x21, pic_slave_device() at
 * 0xA0-0xA1 (the slave's INT output on master IR2), pic_elcr_device() at
 * 0x4D0 (IRQ 0-7) and 0x4D1 (IRQ 8-15).  Accesses are one byte on the ISA
 * bus; a wider one acts on its first byte (a read fills only byte 0).
 *
 * Programming (datasheet "Programming the 8259A"): ICW1 (A0 = 0, D4 = 1)
 * starts initialisation: IRR, ISR and IMR cleared, IR7 lowest priority,
 * special mask off, reads return IRR, and the edge sense latches reset (a
 * line already high must fall and rise again); then ICW2 (vector base, low
 * 3 bits ignored), ICW3 unless SNGL (stored only: the wiring is fixed),
 * ICW4 if IC4 (AEOI and SFNM used; uPM, BUF, M/S stored only).  After
 * that, A0 = 1 writes OCW1 (IMR); A0 = 0 writes OCW2 (D4-D3 = 00: EOIs,
 * rotations, set priority) or OCW3 (D4-D3 = 01: read IRR/ISR, poll,
 * special mask mode).
 *
 * Triggering: an input is level-sensitive when ICW1's LTIM is set or its
 * ELCR bit is; otherwise its IRR bit is set by a rising edge and stays set
 * until acknowledged, even if the line falls (as QEMU and KVM do).  ELCR
 * bits for IRQ 0, 1, 2, 8 and 13 are fixed at edge (PIIX: masks 0xF8,
 * 0xDE).  A level input's IRR follows the line, so a line still high after
 * the EOI requests again.
 *
 * Priority (datasheet "Interrupt Sequence", "Priority Modes"): the highest
 * unmasked IRR bit above every ISR bit wins; rotation moves the lowest
 * priority.  In special mask mode masked ISR bits do not block; in special
 * fully nested mode (master only) an ISR bit on IR2 does not block IR2.
 *
 * INTA (pic_ack): the master resolves; on IR2 the slave resolves and gives
 * the vector.  A chip with no request left at INTA (the line fell, or was
 * masked) answers IR7 of its own base without setting its ISR: the
 * spurious IRQ 7 (master) or IRQ 15 (slave, after the master has set its
 * ISR bit 2, as on a PC).  Poll (OCW3 P = 1): the next read of the even
 * port returns 0x80 | level and acknowledges it, or 0 when nothing is
 * requested; it acts on that chip only.
 *
 * Power-on and device reset (the master window's reset, which resets both
 * chips and the ELCR; the other two windows have none): as after ICW1 with
 * vector base 0 and not initialised, ELCR 0.  Line levels are wires: they
 * survive the reset.
 */
#ifndef DEVICES_PIC_H
#define DEVICES_PIC_H

#include "vmm/device.h"

#define PIC_WINDOW_SIZE		2
#define PIC_ELCR_WINDOW_SIZE	2
#define PIC_IRQS		16
#define PIC_ELCR_MASK_MASTER	0xF8
#define PIC_ELCR_MASK_SLAVE	0xDE

struct pic_output {
	void *ctx;
	/* The master's INT pin changed to (level).  Optional. */
	void (*intr)(void *ctx, int level);
};

struct pic;

/* (out) is copied and may be NULL.  Returns 0 or -ENOMEM. */
int pic_create(const struct pic_output *out, struct pic **pp);
void pic_destroy(struct pic *pic);			/* NULL ok */
struct vmm_device *pic_master_device(struct pic *pic);
struct vmm_device *pic_slave_device(struct pic *pic);
struct vmm_device *pic_elcr_device(struct pic *pic);

/* Drive ISA IRQ (irq) 0-15 to (level); others are ignored. */
void pic_set_irq(struct pic *pic, unsigned irq, int level);
/* The master's INT output now. */
bool pic_intr(const struct pic *pic);
/* An INTA cycle: the vector delivered (spurious ones included). */
int pic_ack(struct pic *pic);
/* INTA cycles and spurious answers among them, since create. */
void pic_stats(const struct pic *pic, uint64_t *acks, uint64_t *spurious);

#endif
