// SPDX-License-Identifier: Apache-2.0
/* Unit tests for devices/uart: the 16550A register model. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/uart/uart.h"

struct fake {
	/* Every set_irq call, as gsi * 2 + level. */
	unsigned irq_calls[64];
	unsigned nirq;
	uint8_t console[64];
	size_t nconsole;
};

static void fake_set_irq(void *ctx, unsigned gsi, int level)
{
	struct fake *f = ctx;

	if (f->nirq < 64)
		f->irq_calls[f->nirq] = gsi * 2 + (level ? 1 : 0);
	f->nirq++;
}

static void fake_console_out(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < len && f->nconsole < sizeof(f->console); i++)
		f->console[f->nconsole++] = buf[i];
}

struct fixture {
	struct fake fake;
	struct uart *uart;
	struct vmm_device *dev;
};

static int setup(void **state)
{
	static struct fixture fx;
	struct vmm_host host;

	memset(&fx, 0, sizeof(fx));
	host = (struct vmm_host){
		.ctx = &fx.fake,
		.set_irq = fake_set_irq,
		.console_out = fake_console_out,
	};
	if (uart_create(&host, 4, &fx.uart) != 0)
		return -1;
	fx.dev = uart_device(fx.uart);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	uart_destroy(fx->uart);
	return 0;
}

static uint8_t rd(struct fixture *fx, unsigned reg)
{
	uint8_t v = 0xFF;

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, reg, &v, 1), 0);
	return v;
}

static void wr(struct fixture *fx, unsigned reg, uint8_t v)
{
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, reg, &v, 1), 0);
}

static void test_uart_create_rejects_null(void **state)
{
	struct vmm_host host = { 0 };
	struct uart *uart;

	assert_int_equal(uart_create(NULL, 4, &uart), -EINVAL);
	assert_int_equal(uart_create(&host, 4, NULL), -EINVAL);
	uart_destroy(NULL);
}

static void test_uart_power_on_registers(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd(fx, UART_IER), 0x00);
	assert_int_equal(rd(fx, UART_IIR), 0x01);
	assert_int_equal(rd(fx, UART_LCR), 0x00);
	assert_int_equal(rd(fx, UART_MCR), 0x00);
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	assert_int_equal(rd(fx, UART_MSR), 0xB0);
	assert_int_equal(rd(fx, UART_SCR), 0x00);
	assert_int_equal(fx->fake.nirq, 0);
}

static void test_uart_scratch_probe(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_SCR, 0xAA);
	assert_int_equal(rd(fx, UART_SCR), 0xAA);
	wr(fx, UART_SCR, 0x55);
	assert_int_equal(rd(fx, UART_SCR), 0x55);
}

static void test_uart_lsr_after_transmit(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_THR, 'h');
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	wr(fx, UART_THR, 'i');
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	assert_int_equal(fx->fake.nconsole, 2);
	assert_memory_equal(fx->fake.console, "hi", 2);
	/* Output never goes to the receiver outside loopback. */
	assert_int_equal(rd(fx, UART_LSR) & UART_LSR_DR, 0);
}

static void test_uart_divisor_latch(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_IER, 0x05);
	wr(fx, UART_LCR, 0x83);
	assert_int_equal(rd(fx, UART_DLL), 12);
	assert_int_equal(rd(fx, UART_DLM), 0);
	wr(fx, UART_DLL, 0x01);	/* 115200 baud */
	wr(fx, UART_DLM, 0x00);
	assert_int_equal(rd(fx, UART_DLL), 0x01);
	assert_int_equal(rd(fx, UART_DLM), 0x00);
	/* With DLAB set, offset 0 is not THR. */
	assert_int_equal(fx->fake.nconsole, 0);
	wr(fx, UART_LCR, 0x03);
	assert_int_equal(rd(fx, UART_LCR), 0x03);
	assert_int_equal(rd(fx, UART_IER), 0x05);
	wr(fx, UART_LCR, 0x83);
	assert_int_equal(rd(fx, UART_DLL), 0x01);
}

static void test_uart_thre_interrupt_sequence(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_MCR, UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);
	assert_int_equal(fx->fake.nirq, 0);
	/* Enabling ETBEI with THR empty raises the line. */
	wr(fx, UART_IER, UART_IER_ETBEI);
	assert_int_equal(fx->fake.nirq, 1);
	assert_int_equal(fx->fake.irq_calls[0], 4 * 2 + 1);
	/* IIR names THRE; reading it acknowledges and lowers the line. */
	assert_int_equal(rd(fx, UART_IIR), 0x02);
	assert_int_equal(fx->fake.nirq, 2);
	assert_int_equal(fx->fake.irq_calls[1], 4 * 2 + 0);
	assert_int_equal(rd(fx, UART_IIR), 0x01);
	assert_int_equal(fx->fake.nirq, 2);
	/* A THR write: the byte leaves at once and THRE re-arms. */
	wr(fx, UART_THR, 'x');
	assert_int_equal(fx->fake.nirq, 3);
	assert_int_equal(fx->fake.irq_calls[2], 4 * 2 + 1);
	/* Writing THR while THRE is pending: low then high (a new edge). */
	wr(fx, UART_THR, 'y');
	assert_int_equal(fx->fake.nirq, 5);
	assert_int_equal(fx->fake.irq_calls[3], 4 * 2 + 0);
	assert_int_equal(fx->fake.irq_calls[4], 4 * 2 + 1);
	/* Disabling ETBEI lowers the line; nothing else is pending. */
	wr(fx, UART_IER, 0);
	assert_int_equal(fx->fake.nirq, 6);
	assert_int_equal(fx->fake.irq_calls[5], 4 * 2 + 0);
	assert_int_equal(rd(fx, UART_IIR), 0x01);
}

static void test_uart_out2_gates_line(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_IER, UART_IER_ETBEI);
	/* Pending but OUT2 clear: the line stays low. */
	assert_int_equal(fx->fake.nirq, 0);
	wr(fx, UART_MCR, UART_MCR_OUT2);
	assert_int_equal(fx->fake.nirq, 1);
	assert_int_equal(fx->fake.irq_calls[0], 9);
	wr(fx, UART_MCR, 0);
	assert_int_equal(fx->fake.nirq, 2);
	assert_int_equal(fx->fake.irq_calls[1], 8);
	/* Still pending inside the chip. */
	assert_int_equal(rd(fx, UART_IIR), 0x02);
}

static void test_uart_receive_fifo_and_dr(void **state)
{
	struct fixture *fx = *state;
	uint8_t in[20];

	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)('a' + i);
	/* FIFOs off: one byte of holding register. */
	assert_true(uart_can_receive(fx->uart));
	assert_int_equal(uart_receive(fx->uart, in, 3), 1);
	assert_false(uart_can_receive(fx->uart));
	assert_int_equal(rd(fx, UART_LSR), 0x61);
	assert_int_equal(rd(fx, UART_RBR), 'a');
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	/* FIFOs on: 16 bytes, IIR bits 7:6 set. */
	wr(fx, UART_FCR, 0x07);
	assert_int_equal(rd(fx, UART_IIR), 0xC1);
	assert_int_equal(uart_receive(fx->uart, in, sizeof(in)), 16);
	assert_false(uart_can_receive(fx->uart));
	assert_int_equal(uart_receive(fx->uart, in, 1), 0);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(rd(fx, UART_LSR), 0x61);
		assert_int_equal(rd(fx, UART_RBR), 'a' + i);
	}
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	assert_int_equal(rd(fx, UART_RBR), 0);
	/* FCR bit 1 empties the receive FIFO. */
	assert_int_equal(uart_receive(fx->uart, in, 4), 4);
	wr(fx, UART_FCR, 0x03);
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	assert_true(uart_can_receive(fx->uart));
}

static void test_uart_receive_interrupt(void **state)
{
	struct fixture *fx = *state;
	const uint8_t in[2] = { 'k', 'l' };

	wr(fx, UART_FCR, 0x01);
	wr(fx, UART_MCR, UART_MCR_OUT2);
	wr(fx, UART_IER, UART_IER_ERBFI | UART_IER_ETBEI);
	/* THRE first. */
	assert_int_equal(fx->fake.nirq, 1);
	assert_int_equal(uart_receive(fx->uart, in, 2), 2);
	/* Data outranks THRE in IIR; the line was already high. */
	assert_int_equal(fx->fake.nirq, 1);
	assert_int_equal(rd(fx, UART_IIR), 0xC4);
	assert_int_equal(rd(fx, UART_RBR), 'k');
	assert_int_equal(rd(fx, UART_IIR), 0xC4);
	assert_int_equal(rd(fx, UART_RBR), 'l');
	/* Then THRE, acknowledged by this read, and the line drops. */
	assert_int_equal(rd(fx, UART_IIR), 0xC2);
	assert_int_equal(fx->fake.nirq, 2);
	assert_int_equal(fx->fake.irq_calls[1], 8);
	assert_int_equal(rd(fx, UART_IIR), 0xC1);
}

static void test_uart_loopback(void **state)
{
	struct fixture *fx = *state;
	const uint8_t in = 'z';

	wr(fx, UART_MCR, UART_MCR_LOOP);
	/* MSR mirrors MCR: all outputs low, so CTS/DSR/DCD dropped. */
	assert_int_equal(rd(fx, UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR |
						UART_MSR_DDCD);
	assert_int_equal(rd(fx, UART_MSR), 0x00);
	wr(fx, UART_MCR, UART_MCR_LOOP | 0x0F);
	assert_int_equal(rd(fx, UART_MSR), 0xFB);
	assert_int_equal(rd(fx, UART_MSR), 0xF0);
	/* RI trailing edge sets TERI. */
	wr(fx, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	assert_int_equal(rd(fx, UART_MSR), 0x87);
	/* The transmitter feeds the receiver, not the console. */
	assert_false(uart_can_receive(fx->uart));
	assert_int_equal(uart_receive(fx->uart, &in, 1), 0);
	wr(fx, UART_THR, 0x5A);
	assert_int_equal(fx->fake.nconsole, 0);
	assert_int_equal(rd(fx, UART_LSR), 0x61);
	assert_int_equal(rd(fx, UART_RBR), 0x5A);
	/* Second byte with FIFOs off overruns. */
	wr(fx, UART_THR, 1);
	wr(fx, UART_THR, 2);
	assert_int_equal(rd(fx, UART_LSR), 0x63);
	assert_int_equal(rd(fx, UART_LSR), 0x61);
	assert_int_equal(rd(fx, UART_RBR), 1);
	/* Out of loopback: modem lines asserted again, output to console. */
	wr(fx, UART_MCR, 0);
	assert_int_equal(rd(fx, UART_MSR) & 0xF0, 0xB0);
	wr(fx, UART_THR, 'q');
	assert_int_equal(fx->fake.nconsole, 1);
	assert_int_equal(fx->fake.console[0], 'q');
}

static void test_uart_loopback_gates_irq(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_MCR, UART_MCR_OUT2);
	wr(fx, UART_IER, UART_IER_ETBEI);
	assert_int_equal(fx->fake.nirq, 1);
	wr(fx, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	assert_int_equal(fx->fake.nirq, 2);
	assert_int_equal(fx->fake.irq_calls[1], 8);
	assert_int_equal(rd(fx, UART_IIR), 0x02);
}

static void test_uart_line_status_interrupt(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	wr(fx, UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
	wr(fx, UART_THR, 1);
	wr(fx, UART_THR, 2);
	assert_int_equal(rd(fx, UART_IIR), 0x06);
	assert_int_equal(rd(fx, UART_LSR), 0x63);
	assert_int_equal(rd(fx, UART_IIR), 0x04);
	assert_int_equal(rd(fx, UART_RBR), 1);
	assert_int_equal(rd(fx, UART_IIR), 0x01);
	/* Loopback: no line activity at all. */
	assert_int_equal(fx->fake.nirq, 0);
}

static void test_uart_modem_status_interrupt(void **state)
{
	struct fixture *fx = *state;

	wr(fx, UART_IER, UART_IER_EDSSI);
	wr(fx, UART_MCR, UART_MCR_LOOP);
	assert_int_equal(rd(fx, UART_IIR), 0x00);
	rd(fx, UART_MSR);
	assert_int_equal(rd(fx, UART_IIR), 0x01);
}

static void test_uart_wide_access_split(void **state)
{
	struct fixture *fx = *state;
	const uint8_t two[2] = { 0x11, 0x22 };
	uint8_t got[2] = { 0, 0 };

	/* A word at SCR-1 = MSR (ignored write) + SCR. */
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 6, two, 2), 0);
	assert_int_equal(rd(fx, UART_SCR), 0x22);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 5, got, 2), 0);
	assert_int_equal(got[0], 0x60);
	assert_int_equal(got[1], 0xB0);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 7, got, 2),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 8, two, 1),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, got, 0),
			 -EINVAL);
}

static void test_uart_reset(void **state)
{
	struct fixture *fx = *state;
	const uint8_t in = 'r';

	wr(fx, UART_MCR, UART_MCR_OUT2);
	wr(fx, UART_IER, UART_IER_ETBEI);
	wr(fx, UART_SCR, 0x42);
	wr(fx, UART_FCR, 0x01);
	assert_int_equal(uart_receive(fx->uart, &in, 1), 1);
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(fx->fake.irq_calls[fx->fake.nirq - 1], 8);
	assert_int_equal(rd(fx, UART_LSR), 0x60);
	assert_int_equal(rd(fx, UART_IIR), 0x01);
	assert_int_equal(rd(fx, UART_SCR), 0x00);
	assert_int_equal(rd(fx, UART_MCR), 0x00);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart_create_rejects_null),
		T(test_uart_power_on_registers),
		T(test_uart_scratch_probe),
		T(test_uart_lsr_after_transmit),
		T(test_uart_divisor_latch),
		T(test_uart_thre_interrupt_sequence),
		T(test_uart_out2_gates_line),
		T(test_uart_receive_fifo_and_dr),
		T(test_uart_receive_interrupt),
		T(test_uart_loopback),
		T(test_uart_loopback_gates_irq),
		T(test_uart_line_status_interrupt),
		T(test_uart_modem_status_interrupt),
		T(test_uart_wide_access_split),
		T(test_uart_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
