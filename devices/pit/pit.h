/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Intel 8254 programmable interval timer (Intel 8254 datasheet, order
 * 231164) and the PC's port 0x61, as a pure state machine over the host's
 * virtual clock: nothing ticks, every count and OUT level is computed from
 * host->clock_ns at the moment the guest looks.
 *
 * Two windows:
 *   pit_device()          4 ports at 0x40: counters 0-2, control word (0x43)
 *   pit_speaker_device()  1 port at 0x61:
 *     bit 0  counter 2 GATE                           read/write
 *     bit 1  speaker data enable                      read/write, stored only
 *     bits 2-3  parity / channel-check enables (AT)   read/write, stored only
 *     bit 4  refresh request toggle: flips every 18 input clocks (15.09 us,
 *            the AT's refresh period), derived from the clock        read
 *     bit 5  counter 2 OUT                                           read
 *     bits 6-7  parity / channel-check errors: always 0              read
 *
 * Input clock PIT_HZ on all three counters.  Counter 0's OUT drives ISA
 * IRQ 0, counter 1's drives nothing, counter 2's is bit 5 above.  The
 * GATEs of counters 0 and 1 are tied high.
 *
 * Timing model.  Clock edges are at whole multiples of 1/PIT_HZ s after
 * pit_create() (or the last reset); an access between edge k and k+1 acts
 * "before edge k+1", which is the datasheet's "next CLK pulse".  So a count
 * written in mode 0 is loaded by the next edge and OUT rises N+1 edges
 * later, exactly as the datasheet's mode descriptions count them.
 *
 * Interrupts.  Only pit_update() raises IRQ 0, as one edge (set_irq(0, 1)
 * then set_irq(0, 0)) per rising edge of counter 0's OUT; the run loop
 * calls it once clock_ns() has reached pit_deadline().  An edge that was
 * due but not yet delivered when the guest reprograms counter 0 (control
 * word or new count) is dropped with the old programming.
 *
 * Power-on state (the datasheet leaves control words undefined): every
 * counter is as if control word "LSB then MSB, mode 0, binary" had just
 * been written with no count yet: CE 0, OUT low, NULL COUNT 1 (status
 * 0x70), no deadline.  Port 0x61 reads 0 (bit 4 aside), so counter 2's
 * GATE is low.  The device reset of pit_device() restores all of this,
 * port 0x61 included; the speaker window has no reset of its own.  The
 * IRQ statistics survive resets.
 *
 * Accesses are 1 byte wide on the ISA bus; a wider one acts on its first
 * byte only (written, or read with the other bytes 0xFF).  Reads of the
 * control port 0x43 return 0xFF (no operation, 3-state).
 *
 * Undefined inputs.  A BCD count digit above 9 is taken as 9 when written
 * (0x00FA counts as 99); counts of 1 in modes 2 and 3 (illegal in mode 2
 * per the datasheet) keep OUT low in mode 2 and high in mode 3, so they
 * make no edges.  The CE of a mode 1 or 5 counter that has not been
 * triggered yet (undefined in the datasheet's waveforms) holds its value.
 */
#ifndef DEVICES_PIT_H
#define DEVICES_PIT_H

#include "vmm/device.h"

#define PIT_WINDOW_SIZE		4	/* 0x40-0x43 */
#define PIT_SPEAKER_WINDOW_SIZE	1	/* 0x61 */
#define PIT_HZ			1193182ULL

/* Window offsets. */
#define PIT_COUNTER0		0
#define PIT_COUNTER1		1
#define PIT_COUNTER2		2
#define PIT_CONTROL		3

/* Port 0x61 bits. */
#define PIT_SPK_GATE2		0x01
#define PIT_SPK_DATA		0x02
#define PIT_SPK_REFRESH		0x10
#define PIT_SPK_OUT2		0x20

struct pit;

/*
 * Create a timer in power-on state.  (host) is copied; host->clock_ns is
 * required (-EINVAL otherwise), host->set_irq is used for IRQ 0 when set.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int pit_create(const struct vmm_host *host, struct pit **pp);
void pit_destroy(struct pit *pit);			/* NULL ok */
struct vmm_device *pit_device(struct pit *pit);
struct vmm_device *pit_speaker_device(struct pit *pit);

/*
 * Absolute host->clock_ns time of the next rising edge of counter 0's OUT
 * that has not been delivered by pit_update(), rounded up to the first
 * whole nanosecond at which the edge has happened; UINT64_MAX when none is
 * due (counter 0 unprogrammed, one-shot mode already fired, ...).  May be
 * in the past when the run loop is late.
 */
uint64_t pit_deadline(const struct pit *pit);

/*
 * Deliver what is due at clock_ns(): if one or more rising edges of OUT0
 * have happened since the last delivery, raise IRQ 0 once, count the
 * others as coalesced, and move the deadline past now.  Returns the number
 * of interrupts raised (0 or 1).
 */
int pit_update(struct pit *pit);

/* IRQ 0 edges raised, and missed (coalesced) ones, since create. */
void pit_irq_counts(const struct pit *pit, uint64_t *raised,
		    uint64_t *coalesced);

#endif
