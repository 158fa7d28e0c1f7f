// SPDX-License-Identifier: Apache-2.0
/*
 * The cascaded 8259A pair and the ELCR; see pic.h for the behaviour and
 * the datasheet sections it follows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pic/pic.h"

#define NO_IRQ		8	/* get_priority(): nothing set */
#define CASCADE_IRQ	2

struct i8259 {
	uint8_t irr, isr, imr;
	uint8_t lines;		/* input levels now */
	uint8_t elcr, elcr_mask;
	uint8_t base;		/* ICW2 & 0xF8 */
	uint8_t lowest;		/* the input with the lowest priority */
	uint8_t init_step;	/* 0 done, 1 ICW2, 2 ICW3, 3 ICW4 */
	uint8_t icw3, icw4;
	bool want_icw4, single, ltim;
	bool aeoi, rotate_aeoi, sfnm, special_mask;
	bool read_isr, poll;
	bool is_master;
};

struct pic {
	struct i8259 chip[2];	/* 0 master, 1 slave */
	struct pic_output out;
	bool intr;
	uint64_t acks, spurious;
	struct vmm_device dev_master, dev_slave, dev_elcr;
};

static uint8_t level_mask(const struct i8259 *c)
{
	return c->ltim ? 0xFF : c->elcr;
}

/* Priority 0 (highest) .. 7 of the best set bit of (mask), or NO_IRQ. */
static unsigned get_priority(const struct i8259 *c, uint8_t mask)
{
	for (unsigned p = 0; p < 8; p++)
		if (mask & (1u << ((p + c->lowest + 1) & 7)))
			return p;
	return NO_IRQ;
}

static unsigned prio_to_irq(const struct i8259 *c, unsigned p)
{
	return (p + c->lowest + 1) & 7;
}

/* The input this chip would present at INTA now, or -1. */
static int chip_pending(const struct i8259 *c)
{
	uint8_t in_service = c->isr;
	unsigned want = get_priority(c, c->irr & (uint8_t)~c->imr);

	if (want == NO_IRQ)
		return -1;
	if (c->special_mask)
		in_service &= (uint8_t)~c->imr;
	if (c->sfnm && c->is_master)
		in_service &= (uint8_t)~(1u << CASCADE_IRQ);
	if (want < get_priority(c, in_service))
		return (int)prio_to_irq(c, want);
	return -1;
}

static void chip_set_line(struct i8259 *c, unsigned irq, int level)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (level) {
		if (!(c->lines & bit) || (level_mask(c) & bit))
			c->irr |= bit;
		c->lines |= bit;
	} else {
		c->lines &= (uint8_t)~bit;
		if (level_mask(c) & bit)
			c->irr &= (uint8_t)~bit;
	}
}

/* Level inputs: IRR follows the lines (after ELCR/LTIM changes too). */
static void chip_refresh_levels(struct i8259 *c)
{
	uint8_t lv = level_mask(c);

	c->irr = (uint8_t)((c->irr & ~lv) | (c->lines & lv));
}

/* Slave INT onto master IR2, then the master's INT to the CPU. */
static void update(struct pic *p)
{
	bool intr;

	chip_set_line(&p->chip[0], CASCADE_IRQ, chip_pending(&p->chip[1]) >= 0);
	intr = chip_pending(&p->chip[0]) >= 0;
	if (intr != p->intr) {
		p->intr = intr;
		if (p->out.intr)
			p->out.intr(p->out.ctx, intr);
	}
}

/* End of INTA for (irq): ISR, or AEOI's rotation; edge IRR cleared. */
static void chip_ack(struct i8259 *c, unsigned irq)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (!c->aeoi)
		c->isr |= bit;
	else if (c->rotate_aeoi)
		c->lowest = (uint8_t)irq;
	if (!(level_mask(c) & bit))
		c->irr &= (uint8_t)~bit;
}

int pic_ack(struct pic *p)
{
	struct i8259 *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_pending(m), sirq, vector;

	p->acks++;
	if (irq < 0) {
		p->spurious++;
		return m->base | 7;
	}
	chip_ack(m, (unsigned)irq);
	if (irq == CASCADE_IRQ && !m->single) {
		sirq = chip_pending(s);
		if (sirq < 0) {
			p->spurious++;
			vector = s->base | 7;
		} else {
			chip_ack(s, (unsigned)sirq);
			vector = s->base | sirq;
		}
	} else {
		vector = m->base | irq;
	}
	update(p);
	return vector;
}

bool pic_intr(const struct pic *p)
{
	return p->intr;
}

void pic_set_irq(struct pic *p, unsigned irq, int level)
{
	if (irq >= PIC_IRQS)
		return;
	chip_set_line(&p->chip[irq >> 3], irq & 7, level != 0);
	update(p);
}

void pic_stats(const struct pic *p, uint64_t *acks, uint64_t *spurious)
{
	*acks = p->acks;
	*spurious = p->spurious;
}

/* --- programming --------------------------------------------------------- */

static void icw1(struct i8259 *c, uint8_t v)
{
	c->irr = c->isr = c->imr = 0;
	c->lowest = 7;
	c->special_mask = c->read_isr = c->poll = false;
	c->want_icw4 = v & 0x01;
	c->single = v & 0x02;
	c->ltim = v & 0x08;
	/* "IC4 = 0: all functions selected in ICW4 are set to zero". */
	c->aeoi = c->sfnm = c->rotate_aeoi = false;
	c->icw4 = 0;
	c->init_step = 1;
	/* Edge sense reset: a line already high is not a new request. */
	chip_refresh_levels(c);
}

static void ocw2(struct i8259 *c, uint8_t v)
{
	unsigned cmd = v >> 5, irq = v & 7, p;

	switch (cmd) {
	case 0: c->rotate_aeoi = false; break;	/* rotate in AEOI: clear */
	case 4: c->rotate_aeoi = true; break;	/* rotate in AEOI: set */
	case 1:					/* non-specific EOI */
	case 5:					/* rotate on it */
		p = get_priority(c, c->isr);
		if (p == NO_IRQ)
			break;
		irq = prio_to_irq(c, p);
		c->isr &= (uint8_t)~(1u << irq);
		if (cmd == 5)
			c->lowest = (uint8_t)irq;
		break;
	case 3: c->isr &= (uint8_t)~(1u << irq); break;	/* specific EOI */
	case 7:					/* rotate on specific EOI */
		c->isr &= (uint8_t)~(1u << irq);
		c->lowest = (uint8_t)irq;
		break;
	case 6: c->lowest = (uint8_t)irq; break;	/* set priority */
	default: break;				/* 2: no operation */
	}
}

static void ocw3(struct i8259 *c, uint8_t v)
{
	if (v & 0x04)
		c->poll = true;
	if (v & 0x02)
		c->read_isr = v & 0x01;
	if (v & 0x40)
		c->special_mask = v & 0x20;
}

static void write_odd(struct i8259 *c, uint8_t v)
{
	switch (c->init_step) {
	case 1:
		c->base = v & 0xF8;
		c->init_step = c->single ? (c->want_icw4 ? 3 : 0) : 2;
		break;
	case 2:
		c->icw3 = v;
		c->init_step = c->want_icw4 ? 3 : 0;
		break;
	case 3:
		c->icw4 = v;
		c->aeoi = v & 0x02;
		c->sfnm = v & 0x10;
		c->init_step = 0;
		break;
	default:
		c->imr = v;
		break;
	}
}

static uint8_t poll_read(struct pic *p, struct i8259 *c)
{
	int irq = chip_pending(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_ack(c, (unsigned)irq);
	return (uint8_t)(0x80 | irq);
}

static int chip_read(struct pic *p, struct i8259 *c, uint64_t off,
		     void *data, uint32_t len)
{
	uint8_t v;

	if (off >= PIC_WINDOW_SIZE || len == 0)
		return 0;
	if (off == 1)
		v = c->imr;
	else if (c->poll)
		v = poll_read(p, c);
	else
		v = c->read_isr ? c->isr : c->irr;
	*(uint8_t *)data = v;
	update(p);
	return 0;
}

static int chip_write(struct pic *p, struct i8259 *c, uint64_t off,
		      const void *data, uint32_t len)
{
	uint8_t v;

	if (off >= PIC_WINDOW_SIZE || len == 0)
		return 0;
	v = *(const uint8_t *)data;
	if (off == 1)
		write_odd(c, v);
	else if (v & 0x10)
		icw1(c, v);
	else if (v & 0x08)
		ocw3(c, v);
	else
		ocw2(c, v);
	update(p);
	return 0;
}

static int master_read(void *o, uint64_t off, void *d, uint32_t len)
{
	struct pic *p = o;

	return chip_read(p, &p->chip[0], off, d, len);
}

static int master_write(void *o, uint64_t off, const void *d, uint32_t len)
{
	struct pic *p = o;

	return chip_write(p, &p->chip[0], off, d, len);
}

static int slave_read(void *o, uint64_t off, void *d, uint32_t len)
{
	struct pic *p = o;

	return chip_read(p, &p->chip[1], off, d, len);
}

static int slave_write(void *o, uint64_t off, const void *d, uint32_t len)
{
	struct pic *p = o;

	return chip_write(p, &p->chip[1], off, d, len);
}

static int elcr_read(void *o, uint64_t off, void *d, uint32_t len)
{
	struct pic *p = o;

	if (off < PIC_ELCR_WINDOW_SIZE && len)
		*(uint8_t *)d = p->chip[off].elcr;
	return 0;
}

static int elcr_write(void *o, uint64_t off, const void *d, uint32_t len)
{
	struct pic *p = o;
	struct i8259 *c;

	if (off >= PIC_ELCR_WINDOW_SIZE || !len)
		return 0;
	c = &p->chip[off];
	c->elcr = *(const uint8_t *)d & c->elcr_mask;
	chip_refresh_levels(c);
	update(p);
	return 0;
}

static void chip_power_on(struct i8259 *c, bool master)
{
	uint8_t lines = c->lines;

	memset(c, 0, sizeof(*c));
	c->lines = lines;
	c->lowest = 7;
	c->is_master = master;
	c->elcr_mask = master ? PIC_ELCR_MASK_MASTER : PIC_ELCR_MASK_SLAVE;
}

static void pic_reset(void *o)
{
	struct pic *p = o;

	chip_power_on(&p->chip[0], true);
	chip_power_on(&p->chip[1], false);
	update(p);
}

static const struct vmm_device_ops master_ops = {
	.state_size = sizeof(struct pic),
	.read = master_read, .write = master_write, .reset = pic_reset,
};
static const struct vmm_device_ops slave_ops = {
	.state_size = sizeof(struct pic),
	.read = slave_read, .write = slave_write,
};
static const struct vmm_device_ops elcr_ops = {
	.state_size = sizeof(struct pic),
	.read = elcr_read, .write = elcr_write,
};

int pic_create(const struct pic_output *out, struct pic **pp)
{
	struct pic *p = calloc(1, sizeof(*p));

	*pp = NULL;
	if (!p)
		return -ENOMEM;
	if (out)
		p->out = *out;
	chip_power_on(&p->chip[0], true);
	chip_power_on(&p->chip[1], false);
	p->dev_master = (struct vmm_device){ "pic-master", &master_ops, p };
	p->dev_slave = (struct vmm_device){ "pic-slave", &slave_ops, p };
	p->dev_elcr = (struct vmm_device){ "pic-elcr", &elcr_ops, p };
	*pp = p;
	return 0;
}

void pic_destroy(struct pic *p)
{
	free(p);
}

struct vmm_device *pic_master_device(struct pic *p)
{
	return &p->dev_master;
}

struct vmm_device *pic_slave_device(struct pic *p)
{
	return &p->dev_slave;
}

struct vmm_device *pic_elcr_device(struct pic *p)
{
	return &p->dev_elcr;
}
