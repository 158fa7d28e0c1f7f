// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/uart.  Each 8-byte record:
 *   [0] op: 0 read, 1 write, 2 host receive, 3 reset (low 2 bits)
 *   [1] offset (0..9: the window plus two past it, to hit the re-check)
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian (receive: [3] is the byte count 0..16)
 *   [7] unused
 * Invariants checked: LSR always has THRE|TEMT, IIR names a valid source
 * with bits 5:4 clear and bits 7:6 both or neither, set_irq is only called on a level change and only for our gsi.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/uart/uart.h"
#include "tests/fuzz/opscript.h"

#define GSI 4

struct fuzz_host {
	int level;
};

static void fz_set_irq(void *ctx, unsigned gsi, int level)
{
	struct fuzz_host *h = ctx;

	if (gsi != GSI || level == h->level || (level != 0 && level != 1))
		abort();
	h->level = level;
}

static void fz_console_out(void *ctx, const uint8_t *buf, size_t len)
{
	if (len != 1)
		abort();
}

static void check_invariants(struct vmm_device *dev)
{
	uint8_t lsr = 0, iir = 0;

	dev->ops->read(dev->opaque, UART_LSR, &lsr, 1);
	if ((lsr & 0x60) != 0x60)
		abort();
	dev->ops->read(dev->opaque, UART_IIR, &iir, 1);
	if ((iir & 0x30) || ((iir & 0xC0) != 0 && (iir & 0xC0) != 0xC0))
		abort();
	switch (iir & 0x0F) {
	case UART_IIR_NONE: case UART_IIR_MSI: case UART_IIR_THRI:
	case UART_IIR_RDI: case UART_IIR_RLSI:
		break;
	default:
		abort();
	}
}

static void host_receive(struct uart *uart, const uint8_t *r)
{
	uint8_t in[UART_FIFO_SIZE];
	size_t n = r[3] % (UART_FIFO_SIZE + 1);

	memset(in, r[4], sizeof(in));
	if (uart_receive(uart, in, n) > n)
		abort();
	(void)uart_can_receive(uart);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_host fh = { 0 };
	struct vmm_host host = {
		.ctx = &fh,
		.set_irq = fz_set_irq,
		.console_out = fz_console_out,
	};
	struct uart *uart;
	struct vmm_device *dev;

	if (size < OPSCRIPT_RECORD || uart_create(&host, GSI, &uart) != 0)
		return 0;
	dev = uart_device(uart);
	/* Checked once at the end: LSR and IIR reads have side effects. */
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;

		if (opscript_step(dev, UART_WINDOW_SIZE, r) == OPSCRIPT_OWN)
			host_receive(uart, r);
	}
	check_invariants(dev);
	uart_destroy(uart);
	return 0;
}
