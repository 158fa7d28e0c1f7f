// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for devices/pic: the 8259A pair and the ELCR.  Section names
 * refer to the Intel 8259A datasheet (231468); ELCR to the PIIX4 datasheet.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/pic/pic.h"

struct fixture {
	struct pic *pic;
	struct vmm_device *m, *s, *elcr;
	int intr_calls, intr_level;
};

static void on_intr(void *ctx, int level)
{
	struct fixture *fx = ctx;

	fx->intr_calls++;
	fx->intr_level = level;
}

static void out8(struct vmm_device *d, uint64_t off, uint8_t v)
{
	assert_int_equal(d->ops->write(d->opaque, off, &v, 1), 0);
}

static uint8_t in8(struct vmm_device *d, uint64_t off)
{
	uint8_t v = 0xFF;

	assert_int_equal(d->ops->read(d->opaque, off, &v, 1), 0);
	return v;
}

/* OVMF's Legacy8259 set-up: bases 0x68/0x70, cascade on IR2, 8086 mode. */
static void init_pair(struct fixture *fx, uint8_t mmask, uint8_t smask)
{
	out8(fx->m, 0, 0x11); out8(fx->m, 1, 0x68);
	out8(fx->m, 1, 0x04); out8(fx->m, 1, 0x01);
	out8(fx->s, 0, 0x11); out8(fx->s, 1, 0x70);
	out8(fx->s, 1, 0x02); out8(fx->s, 1, 0x01);
	out8(fx->m, 1, mmask);
	out8(fx->s, 1, smask);
}

static int setup(void **state)
{
	static struct fixture fx;
	const struct pic_output out = { .ctx = &fx, .intr = on_intr };

	memset(&fx, 0, sizeof(fx));
	if (pic_create(&out, &fx.pic))
		return -1;
	fx.m = pic_master_device(fx.pic);
	fx.s = pic_slave_device(fx.pic);
	fx.elcr = pic_elcr_device(fx.pic);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	pic_destroy(((struct fixture *)*state)->pic);
	return 0;
}

/* "Initialization Command Words": ICW2 sets the vector base (T7-T3). */
static void test_vector_base(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFE, 0xFF);
	out8(fx->m, 0, 0x11); out8(fx->m, 1, 0x6F);	/* low 3 bits ignored */
	out8(fx->m, 1, 0x04); out8(fx->m, 1, 0x01); out8(fx->m, 1, 0xFE);
	pic_set_irq(fx->pic, 0, 1);
	assert_true(pic_intr(fx->pic));
	assert_int_equal(pic_ack(fx->pic), 0x68);
}

/* OCW1: a masked request stays in IRR but raises no INT. */
static void test_mask(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFF, 0xFF);
	pic_set_irq(fx->pic, 3, 1);
	assert_false(pic_intr(fx->pic));
	assert_int_equal(in8(fx->m, 0), 0x08);		/* IRR by default */
	assert_int_equal(in8(fx->m, 1), 0xFF);		/* IMR */
	out8(fx->m, 1, 0xF7);
	assert_true(pic_intr(fx->pic));
	assert_int_equal(fx->intr_level, 1);
}

/* Edge mode: IRR set by the rising edge only; no new request until the
 * line falls and rises again ("Edge and Level Triggered Modes"). */
static void test_edge(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFE, 0xFF);
	pic_set_irq(fx->pic, 0, 1);
	assert_int_equal(pic_ack(fx->pic), 0x68);
	out8(fx->m, 0, 0x20);				/* non-specific EOI */
	assert_false(pic_intr(fx->pic));		/* line still high */
	pic_set_irq(fx->pic, 0, 0);
	pic_set_irq(fx->pic, 0, 1);
	assert_true(pic_intr(fx->pic));
}

/* Level mode through the ELCR: the request holds until the line falls,
 * and comes again after the EOI while the line is high. */
static void test_level_elcr(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFB, 0xFD);			/* IRQ 9 on the slave */
	out8(fx->elcr, 1, 0x02);
	assert_int_equal(in8(fx->elcr, 1), 0x02);
	pic_set_irq(fx->pic, 9, 1);
	assert_int_equal(pic_ack(fx->pic), 0x71);
	out8(fx->s, 0, 0x20);
	out8(fx->m, 0, 0x20);
	assert_true(pic_intr(fx->pic));			/* still asserted */
	assert_int_equal(pic_ack(fx->pic), 0x71);
	pic_set_irq(fx->pic, 9, 0);
	out8(fx->s, 0, 0x20);
	out8(fx->m, 0, 0x20);
	assert_false(pic_intr(fx->pic));
}

/* PIIX ELCR: IRQ 0, 1, 2, 8 and 13 cannot be level-triggered. */
static void test_elcr_masks(void **state)
{
	struct fixture *fx = *state;

	out8(fx->elcr, 0, 0xFF);
	out8(fx->elcr, 1, 0xFF);
	assert_int_equal(in8(fx->elcr, 0), PIC_ELCR_MASK_MASTER);
	assert_int_equal(in8(fx->elcr, 1), PIC_ELCR_MASK_SLAVE);
}

/* LTIM in ICW1 makes every input of that chip level-sensitive. */
static void test_ltim(void **state)
{
	struct fixture *fx = *state;

	out8(fx->m, 0, 0x19); out8(fx->m, 1, 0x20);
	out8(fx->m, 1, 0x04); out8(fx->m, 1, 0x01); out8(fx->m, 1, 0xFE);
	pic_set_irq(fx->pic, 0, 1);
	assert_true(pic_intr(fx->pic));
	pic_set_irq(fx->pic, 0, 0);
	assert_false(pic_intr(fx->pic));
}

/* "Interrupt Sequence": INTA sets ISR; a lower request waits for the EOI,
 * a higher one nests. */
static void test_priority_and_nesting(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0x00, 0xFF);
	pic_set_irq(fx->pic, 5, 1);
	assert_int_equal(pic_ack(fx->pic), 0x6D);
	out8(fx->m, 0, 0x0B);				/* read ISR */
	assert_int_equal(in8(fx->m, 0), 0x20);
	pic_set_irq(fx->pic, 6, 1);
	assert_false(pic_intr(fx->pic));		/* lower than 5 */
	pic_set_irq(fx->pic, 3, 1);
	assert_true(pic_intr(fx->pic));			/* higher: nests */
	assert_int_equal(pic_ack(fx->pic), 0x6B);
	out8(fx->m, 0, 0x20);				/* clears 3 */
	assert_int_equal(in8(fx->m, 0), 0x20);
	out8(fx->m, 0, 0x65);				/* specific EOI 5 */
	assert_int_equal(in8(fx->m, 0), 0x00);
	assert_int_equal(pic_ack(fx->pic), 0x6E);	/* 6 was waiting */
}

/* OCW2 rotate on non-specific EOI: the serviced input becomes lowest. */
static void test_rotate_on_eoi(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0x00, 0xFF);
	pic_set_irq(fx->pic, 1, 1);
	pic_set_irq(fx->pic, 4, 1);
	assert_int_equal(pic_ack(fx->pic), 0x69);
	out8(fx->m, 0, 0xA0);				/* rotate, EOI: 1 lowest */
	pic_set_irq(fx->pic, 1, 0);
	pic_set_irq(fx->pic, 1, 1);
	assert_int_equal(pic_ack(fx->pic), 0x6C);	/* 4 now beats 1 */
}

/* OCW2 set priority: L2-L0 becomes the lowest priority input. */
static void test_set_priority(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0x00, 0xFF);
	out8(fx->m, 0, 0xC4);				/* IR4 lowest: 5 highest */
	pic_set_irq(fx->pic, 0, 1);
	pic_set_irq(fx->pic, 6, 1);
	assert_int_equal(pic_ack(fx->pic), 0x6E);
}

/* Special mask mode: masking the in-service level lets lower ones in. */
static void test_special_mask(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0x00, 0xFF);
	pic_set_irq(fx->pic, 3, 1);
	assert_int_equal(pic_ack(fx->pic), 0x6B);
	pic_set_irq(fx->pic, 6, 1);
	assert_false(pic_intr(fx->pic));
	out8(fx->m, 0, 0x68);				/* OCW3: SMM on */
	out8(fx->m, 1, 0x08);				/* mask IR3 */
	assert_true(pic_intr(fx->pic));
	assert_int_equal(pic_ack(fx->pic), 0x6E);
	out8(fx->m, 0, 0x48);				/* SMM off */
	out8(fx->m, 0, 0x0B);
	assert_int_equal(in8(fx->m, 0), 0x48);		/* 3 and 6 in service */
}

/* Poll command: the next read returns 0x80 | level and acknowledges. */
static void test_poll(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFF, 0xFF);			/* polling ignores INT */
	out8(fx->m, 1, 0xEF);
	pic_set_irq(fx->pic, 4, 1);
	out8(fx->m, 0, 0x0C);
	assert_int_equal(in8(fx->m, 0), 0x84);
	out8(fx->m, 0, 0x0B);
	assert_int_equal(in8(fx->m, 0), 0x10);		/* ISR set by the poll */
	out8(fx->m, 0, 0x20);
	out8(fx->m, 0, 0x0C);
	assert_int_equal(in8(fx->m, 0), 0x00);		/* nothing requested */
}

/* ICW4 AEOI: the ISR bit is not kept. */
static void test_auto_eoi(void **state)
{
	struct fixture *fx = *state;

	out8(fx->m, 0, 0x11); out8(fx->m, 1, 0x08);
	out8(fx->m, 1, 0x04); out8(fx->m, 1, 0x03); out8(fx->m, 1, 0xFD);
	pic_set_irq(fx->pic, 1, 1);
	assert_int_equal(pic_ack(fx->pic), 0x09);
	out8(fx->m, 0, 0x0B);
	assert_int_equal(in8(fx->m, 0), 0x00);
}

/* "Cascade Mode": slave IR2 (IRQ 10) goes through master IR2 and the
 * slave gives the vector; both ISRs set. */
static void test_cascade(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFB, 0xFB);
	pic_set_irq(fx->pic, 10, 1);
	assert_true(pic_intr(fx->pic));
	assert_int_equal(pic_ack(fx->pic), 0x72);
	out8(fx->m, 0, 0x0B);
	out8(fx->s, 0, 0x0B);
	assert_int_equal(in8(fx->m, 0), 0x04);
	assert_int_equal(in8(fx->s, 0), 0x04);
}

/* A request that goes away before INTA: IR7 of that chip, no ISR. */
static void test_spurious(void **state)
{
	struct fixture *fx = *state;
	uint64_t acks, spurious;

	init_pair(fx, 0x00, 0x00);
	out8(fx->elcr, 0, 0x20);			/* IRQ 5 level */
	pic_set_irq(fx->pic, 5, 1);
	assert_true(pic_intr(fx->pic));
	pic_set_irq(fx->pic, 5, 0);			/* gone before INTA */
	assert_int_equal(pic_ack(fx->pic), 0x6F);
	out8(fx->m, 0, 0x0B);
	assert_int_equal(in8(fx->m, 0), 0x00);
	/* The slave's: the master has IR2 in service, the slave answers 15. */
	out8(fx->elcr, 1, 0x02);			/* IRQ 9 level */
	pic_set_irq(fx->pic, 9, 1);
	out8(fx->s, 1, 0x02);				/* masked after INT rose */
	assert_int_equal(pic_ack(fx->pic), 0x77);
	assert_int_equal(in8(fx->m, 0), 0x04);
	pic_stats(fx->pic, &acks, &spurious);
	assert_int_equal(acks, 2);
	assert_int_equal(spurious, 2);
}

/* The INT callback follows every change, once per change. */
static void test_intr_callback(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0xFE, 0xFF);
	fx->intr_calls = 0;
	pic_set_irq(fx->pic, 0, 1);
	pic_set_irq(fx->pic, 0, 1);
	assert_int_equal(fx->intr_calls, 1);
	assert_int_equal(fx->intr_level, 1);
	pic_ack(fx->pic);
	assert_int_equal(fx->intr_calls, 2);
	assert_int_equal(fx->intr_level, 0);
}

/* ICW1 resets the edge sense: a line already high is no new request. */
static void test_icw1_edge_reset(void **state)
{
	struct fixture *fx = *state;

	pic_set_irq(fx->pic, 3, 1);
	init_pair(fx, 0x00, 0xFF);
	assert_false(pic_intr(fx->pic));
	assert_int_equal(in8(fx->m, 0), 0x00);
}

/* Device reset: power-on state for both chips and the ELCR, lines kept. */
static void test_reset(void **state)
{
	struct fixture *fx = *state;

	init_pair(fx, 0x00, 0xFF);
	out8(fx->elcr, 0, 0x08);
	pic_set_irq(fx->pic, 3, 1);
	fx->m->ops->reset(fx->m->opaque);
	assert_null(fx->s->ops->reset);
	assert_int_equal(in8(fx->elcr, 0), 0x00);
	assert_int_equal(in8(fx->m, 1), 0x00);
	assert_false(pic_intr(fx->pic));
	assert_int_equal(fx->intr_level, 0);
}

/* One byte wide; offsets past the window do nothing. */
static void test_widths_and_offsets(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
	uint8_t w[4] = { 0xAA, 0x11, 0x22, 0x33 };

	init_pair(fx, 0xFF, 0xFF);
	fx->m->ops->write(fx->m->opaque, 1, w, 4);
	fx->m->ops->read(fx->m->opaque, 1, buf, 4);
	assert_int_equal(buf[0], 0xAA);
	assert_int_equal(buf[1], 0xFF);
	assert_int_equal(buf[3], 0xFF);
	out8(fx->m, 2, 0x00);
	assert_int_equal(in8(fx->m, 1), 0xAA);
	assert_int_equal(in8(fx->m, 7), 0xFF);
	pic_set_irq(fx->pic, 16, 1);
	pic_set_irq(fx->pic, 1000, 1);
	assert_int_equal(in8(fx->m, 0), 0x00);
}

static void test_create_without_output(void **state)
{
	struct pic *p;

	(void)state;
	assert_int_equal(pic_create(NULL, &p), 0);
	pic_set_irq(p, 0, 1);
	assert_true(pic_intr(p));		/* power-on: IMR 0 */
	assert_int_equal(pic_ack(p), 0x00);
	pic_destroy(p);
	pic_destroy(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vector_base), T(test_mask), T(test_edge),
		T(test_level_elcr), T(test_elcr_masks), T(test_ltim),
		T(test_priority_and_nesting), T(test_rotate_on_eoi),
		T(test_set_priority), T(test_special_mask), T(test_poll),
		T(test_auto_eoi), T(test_cascade), T(test_spurious),
		T(test_intr_callback), T(test_icw1_edge_reset), T(test_reset),
		T(test_widths_and_offsets),
		cmocka_unit_test(test_create_without_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
