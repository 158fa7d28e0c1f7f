/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A 16550A UART (National Semiconductor PC16550D datasheet) at 8 ports,
 * COM1 = 0x3F8 / IRQ 4 on the PC.
 *
 * Transmit is instantaneous: a THR write goes straight to host->console_out
 * (or, in loopback, to the receiver), so LSR.THRE and LSR.TEMT always read
 * 1 and a THRE interrupt re-arms right after each byte.
 *
 * Receive: the host pushes bytes with uart_receive() into a 16-byte FIFO
 * (1 byte with FIFOs off).  Received-data-available is signalled as soon as
 * one byte waits: there is no trigger level and no character timeout, since
 * the device has no timers; a guest sees the same data, only earlier.
 *
 * Interrupt line: on the PC the UART's INTRPT output reaches the PIC through
 * a buffer enabled by OUT2 (MCR bit 3), and in loopback the chip forces its
 * modem outputs inactive, which disables that buffer.  So the line is
 * high iff an enabled interrupt is pending, MCR.OUT2 = 1 and MCR.LOOP = 0;
 * host->set_irq(gsi, level) is called only when that level changes.
 *
 * Modem lines: with no loopback CTS, DSR and DCD read asserted (a terminal
 * is always there), RI deasserted.  In loopback MSR mirrors MCR: CTS=RTS,
 * DSR=DTR, RI=OUT1, DCD=OUT2, with the delta bits that implies.
 * Accesses wider than a byte are split into byte accesses at successive
 * offsets, the way an 8-bit ISA device sees them.
 */
#ifndef DEVICES_UART_H
#define DEVICES_UART_H

#include "vmm/device.h"

#define UART_WINDOW_SIZE	8
#define UART_FIFO_SIZE		16

/* Register offsets (DLAB = LCR bit 7 selects the divisor latch at 0/1). */
#define UART_RBR		0	/* read, DLAB 0 */
#define UART_THR		0	/* write, DLAB 0 */
#define UART_DLL		0	/* DLAB 1 */
#define UART_IER		1	/* DLAB 0 */
#define UART_DLM		1	/* DLAB 1 */
#define UART_IIR		2	/* read */
#define UART_FCR		2	/* write */
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5
#define UART_MSR		6
#define UART_SCR		7

#define UART_IER_ERBFI		0x01	/* received data available */
#define UART_IER_ETBEI		0x02	/* THR empty */
#define UART_IER_ELSI		0x04	/* receiver line status */
#define UART_IER_EDSSI		0x08	/* modem status */

#define UART_IIR_NONE		0x01
#define UART_IIR_MSI		0x00
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_RLSI		0x06
#define UART_IIR_FIFO		0xC0

#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_FCR_CLEAR_TX	0x04

#define UART_LCR_DLAB		0x80

#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10

#define UART_LSR_DR		0x01
#define UART_LSR_OE		0x02
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40

#define UART_MSR_DCTS		0x01
#define UART_MSR_DDSR		0x02
#define UART_MSR_TERI		0x04
#define UART_MSR_DDCD		0x08
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

struct uart;

/*
 * Create a UART in power-on state that drives interrupt line (gsi) through
 * host->set_irq.  (host) is copied.  Returns 0, -EINVAL, or -ENOMEM.
 */
int uart_create(const struct vmm_host *host, unsigned gsi, struct uart **out);
struct vmm_device *uart_device(struct uart *uart);
void uart_destroy(struct uart *uart);

/*
 * Offer (len) bytes from the outside world to the receiver.  Returns how
 * many it took (0 when full or in loopback, where the receiver listens to
 * the transmitter only); the caller keeps the rest for later.
 */
size_t uart_receive(struct uart *uart, const uint8_t *buf, size_t len);
/* True if uart_receive() would take at least one byte now. */
bool uart_can_receive(const struct uart *uart);

#endif
