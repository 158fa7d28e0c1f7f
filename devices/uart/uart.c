// SPDX-License-Identifier: Apache-2.0
/*
 * 16550A register model.  OVMF polls LSR, MCR and MSR ~15,000 times each
 * per boot, so every register access is a few loads and stores: no clock,
 * no allocation, and set_irq only on a level change.
 */
#include <errno.h>
#include <stdlib.h>

#include "devices/uart/uart.h"

/* Power-on divisor: 12 = 9600 baud from the PC's 1.8432 MHz clock.  The
 * datasheet leaves it undefined; any guest programs it before use. */
#define DIVISOR_POWER_ON	12
#define LSR_ERRORS		0x1E	/* OE, PE, FE, BI: cleared by reading */

struct uart {
	struct vmm_host host;
	struct vmm_device dev;
	unsigned gsi;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head;	/* index of the oldest byte */
	unsigned rx_count;
	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	uint8_t lsr_errors;	/* only OE can happen: no framing on a pipe */
	uint8_t msr_delta;	/* DCTS, DDSR, TERI, DDCD since last MSR read */
	bool fifo_enabled;
	bool thr_pending;	/* THR emptied and not yet acknowledged */
	bool irq_level;
};

static unsigned rx_capacity(const struct uart *uart)
{
	return uart->fifo_enabled ? UART_FIFO_SIZE : 1;
}

static bool rx_push(struct uart *uart, uint8_t byte)
{
	if (uart->rx_count >= rx_capacity(uart))
		return false;
	uart->rx[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
	uart->rx_count++;
	return true;
}

static uint8_t rx_pop(struct uart *uart)
{
	uint8_t byte;

	if (uart->rx_count == 0)
		return 0;
	byte = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
	uart->rx_count--;
	return byte;
}

static void rx_clear(struct uart *uart)
{
	uart->rx_head = 0;
	uart->rx_count = 0;
}

/* MSR bits 7:4 as the modem (or, in loopback, MCR) drives them. */
static uint8_t msr_lines(uint8_t mcr)
{
	uint8_t lines = 0;

	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	if (mcr & UART_MCR_RTS)
		lines |= UART_MSR_CTS;
	if (mcr & UART_MCR_DTR)
		lines |= UART_MSR_DSR;
	if (mcr & UART_MCR_OUT1)
		lines |= UART_MSR_RI;
	if (mcr & UART_MCR_OUT2)
		lines |= UART_MSR_DCD;
	return lines;
}

/* The highest-priority enabled source (PC16550D table 4, IIR). */
static uint8_t pending_iir(const struct uart *uart)
{
	if ((uart->ier & UART_IER_ELSI) && uart->lsr_errors)
		return UART_IIR_RLSI;
	if ((uart->ier & UART_IER_ERBFI) && uart->rx_count)
		return UART_IIR_RDI;
	if ((uart->ier & UART_IER_ETBEI) && uart->thr_pending)
		return UART_IIR_THRI;
	if ((uart->ier & UART_IER_EDSSI) && uart->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NONE;
}

/* OUT2 gates the line on the PC, loopback cuts it: see uart.h. */
static void update_irq(struct uart *uart)
{
	bool level = pending_iir(uart) != UART_IIR_NONE &&
		     (uart->mcr & UART_MCR_OUT2) &&
		     !(uart->mcr & UART_MCR_LOOP);

	if (level == uart->irq_level)
		return;
	uart->irq_level = level;
	if (uart->host.set_irq)
		uart->host.set_irq(uart->host.ctx, uart->gsi, level);
}

static void transmit(struct uart *uart, uint8_t byte)
{
	if (uart->mcr & UART_MCR_LOOP) {
		/* The receiver shift register overwrites: the byte is lost. */
		if (!rx_push(uart, byte))
			uart->lsr_errors |= UART_LSR_OE;
	} else if (uart->host.console_out) {
		uart->host.console_out(uart->host.ctx, &byte, 1);
	}
}

/*
 * Writing THR acknowledges a THRE interrupt; the byte leaves at once, so
 * THR is empty again and THRE re-arms: the line drops and rises, a fresh
 * edge for the PIC, as a real UART gives one per character sent.
 */
static void write_thr(struct uart *uart, uint8_t byte)
{
	uart->thr_pending = false;
	update_irq(uart);
	transmit(uart, byte);
	uart->thr_pending = true;
}

static void write_ier(struct uart *uart, uint8_t v)
{
	uint8_t enabled = (uint8_t)(v & ~uart->ier);

	uart->ier = v & 0x0F;
	/* Enabling ETBEI while THR is empty (always) raises THRE at once. */
	if (enabled & UART_IER_ETBEI)
		uart->thr_pending = true;
}

static void write_fcr(struct uart *uart, uint8_t v)
{
	bool enable = v & UART_FCR_ENABLE;

	/* Changing FCR0 resets both FIFOs; with FIFOs off, 1-2 are ignored. */
	if (enable != uart->fifo_enabled || (enable && (v & UART_FCR_CLEAR_RX)))
		rx_clear(uart);
	uart->fifo_enabled = enable;
}

static void write_mcr(struct uart *uart, uint8_t v)
{
	uint8_t before = msr_lines(uart->mcr);
	uint8_t after = msr_lines(v & 0x1F);
	uint8_t changed = before ^ after;

	uart->mcr = v & 0x1F;
	if (changed & UART_MSR_CTS)
		uart->msr_delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		uart->msr_delta |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		uart->msr_delta |= UART_MSR_DDCD;
	/* TERI: trailing edge of RI only. */
	if ((before & UART_MSR_RI) && !(after & UART_MSR_RI))
		uart->msr_delta |= UART_MSR_TERI;
}

static void write_reg(struct uart *uart, unsigned reg, uint8_t v)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			uart->dll = v;
		else
			write_thr(uart, v);
		break;
	case UART_IER:
		if (dlab)
			uart->dlm = v;
		else
			write_ier(uart, v);
		break;
	case UART_FCR:
		write_fcr(uart, v);
		break;
	case UART_LCR:
		uart->lcr = v;
		break;
	case UART_MCR:
		write_mcr(uart, v);
		break;
	case UART_SCR:
		uart->scr = v;
		break;
	default:	/* LSR, MSR: factory test writes, ignored */
		break;
	}
	update_irq(uart);
}

static uint8_t read_iir(struct uart *uart)
{
	uint8_t iir = pending_iir(uart);

	/* Reading IIR with THRE as the source acknowledges it. */
	if (iir == UART_IIR_THRI)
		uart->thr_pending = false;
	return iir | (uart->fifo_enabled ? UART_IIR_FIFO : 0);
}

static uint8_t read_lsr(struct uart *uart)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | uart->lsr_errors;

	if (uart->rx_count)
		lsr |= UART_LSR_DR;
	uart->lsr_errors = 0;
	return lsr;
}

static uint8_t read_msr(struct uart *uart)
{
	uint8_t msr = msr_lines(uart->mcr) | uart->msr_delta;

	uart->msr_delta = 0;
	return msr;
}

static uint8_t read_reg(struct uart *uart, unsigned reg)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RBR:
		v = dlab ? uart->dll : rx_pop(uart);
		break;
	case UART_IER:
		v = dlab ? uart->dlm : uart->ier;
		break;
	case UART_IIR:
		v = read_iir(uart);
		break;
	case UART_LCR:
		v = uart->lcr;
		break;
	case UART_MCR:
		v = uart->mcr;
		break;
	case UART_LSR:
		v = read_lsr(uart);
		break;
	case UART_MSR:
		v = read_msr(uart);
		break;
	default:
		v = uart->scr;
		break;
	}
	update_irq(uart);
	return v;
}

static bool access_ok(uint64_t offset, uint32_t len)
{
	return len >= 1 && len <= 4 && offset < UART_WINDOW_SIZE &&
	       len <= UART_WINDOW_SIZE - offset;
}

static int uart_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct uart *uart = opaque;
	uint8_t *out = data;

	if (!access_ok(offset, len))
		return -EINVAL;
	for (uint32_t i = 0; i < len; i++)
		out[i] = read_reg(uart, (unsigned)offset + i);
	return 0;
}

static int uart_write(void *opaque, uint64_t offset, const void *data,
		      uint32_t len)
{
	struct uart *uart = opaque;
	const uint8_t *in = data;

	if (!access_ok(offset, len))
		return -EINVAL;
	for (uint32_t i = 0; i < len; i++)
		write_reg(uart, (unsigned)offset + i, in[i]);
	return 0;
}

size_t uart_receive(struct uart *uart, const uint8_t *buf, size_t len)
{
	size_t taken = 0;

	if (uart->mcr & UART_MCR_LOOP)
		return 0;
	while (taken < len && rx_push(uart, buf[taken]))
		taken++;
	update_irq(uart);
	return taken;
}

bool uart_can_receive(const struct uart *uart)
{
	return !(uart->mcr & UART_MCR_LOOP) &&
	       uart->rx_count < rx_capacity(uart);
}

static void uart_reset(void *opaque)
{
	struct uart *uart = opaque;

	rx_clear(uart);
	uart->ier = 0;
	uart->lcr = 0;
	uart->mcr = 0;
	uart->scr = 0;
	uart->dll = DIVISOR_POWER_ON;
	uart->dlm = 0;
	uart->lsr_errors = 0;
	uart->msr_delta = 0;
	uart->fifo_enabled = false;
	uart->thr_pending = false;
	update_irq(uart);
}

static const struct vmm_device_ops uart_ops = {
	.state_size = sizeof(struct uart),
	.read = uart_read,
	.write = uart_write,
	.reset = uart_reset,
};

int uart_create(const struct vmm_host *host, unsigned gsi, struct uart **out)
{
	struct uart *uart;

	if (!host || !out)
		return -EINVAL;
	uart = calloc(1, sizeof(*uart));
	if (!uart)
		return -ENOMEM;
	uart->host = *host;
	uart->gsi = gsi;
	uart->dev = (struct vmm_device){ "uart", &uart_ops, uart };
	uart_reset(uart);
	*out = uart;
	return 0;
}

struct vmm_device *uart_device(struct uart *uart)
{
	return &uart->dev;
}

void uart_destroy(struct uart *uart)
{
	free(uart);
}
