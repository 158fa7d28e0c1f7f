// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/pic, all three windows.  Each 8-byte record:
 *   [0] bits 0-1: 0 read, 1 write, 2 own, 3 reset
 *       bits 2-3: window: 0 master, 1 slave, 2/3 ELCR
 *       own, bit 4 clear: drive IRQ [3] & 15 to level [4] & 1
 *       own, bit 4 set: an INTA cycle (pic_ack), when INT is high or [4]
 *       bit 0 is set (a spurious INTA)
 *   [1] offset, [2] width, [3..6] value (tests/fuzz/opscript.h)
 * Invariants: the INT callback fires only on a change and always agrees
 * with pic_intr(); an acknowledged vector is base | level of the chip that
 * answered (checked through the base programmed by the script: the low 3
 * bits are the level, never above 7); the acks/spurious counts add up;
 * ELCR reads never show the fixed-edge bits; a read fills byte 0 only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pic/pic.h"
#include "tests/fuzz/opscript.h"

#define OP_ACK	0x10

struct fuzz_state {
	struct pic *pic;
	int level;		/* last INT level reported */
	uint64_t acks;
};

static void fz_intr(void *ctx, int level)
{
	struct fuzz_state *fs = ctx;

	if (level == fs->level)
		abort();	/* a callback without a change */
	fs->level = level;
}

static void checked_read(struct vmm_device *dev, uint64_t window,
			 const uint8_t *r, bool elcr)
{
	uint8_t buf[8];
	uint64_t offset = r[1] % (window + 2);

	memset(buf, 0xFF, sizeof(buf));
	dev->ops->read(dev->opaque, offset, buf, 1u << (r[2] & 3));
	for (unsigned i = 1; i < sizeof(buf); i++)
		if (buf[i] != 0xFF)
			abort();
	if (elcr && offset == 0 && (buf[0] & ~PIC_ELCR_MASK_MASTER))
		abort();
	if (elcr && offset == 1 && (buf[0] & ~PIC_ELCR_MASK_SLAVE))
		abort();
}

static void own(struct fuzz_state *fs, const uint8_t *r)
{
	int vector;

	if (!(r[0] & OP_ACK)) {
		pic_set_irq(fs->pic, r[3] & 15, r[4] & 1);
		return;
	}
	if (!pic_intr(fs->pic) && !(r[4] & 1))
		return;
	vector = pic_ack(fs->pic);
	if (vector < 0 || vector > 255)
		abort();
	fs->acks++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state fs = { .level = 0 };
	const struct pic_output out = { .ctx = &fs, .intr = fz_intr };
	uint64_t acks, spurious;

	if (pic_create(&out, &fs.pic) != 0)
		return 0;
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;
		unsigned w = (r[0] >> 2) & 3;
		struct vmm_device *dev = w == 0 ? pic_master_device(fs.pic) :
					 w == 1 ? pic_slave_device(fs.pic) :
						  pic_elcr_device(fs.pic);
		uint64_t window = w >= 2 ? PIC_ELCR_WINDOW_SIZE : PIC_WINDOW_SIZE;

		if ((r[0] & 3) == OPSCRIPT_READ)
			checked_read(dev, window, r, w >= 2);
		else if (opscript_step(dev, window, r) == OPSCRIPT_OWN)
			own(&fs, r);
		if (fs.level != (int)pic_intr(fs.pic))
			abort();
	}
	pic_stats(fs.pic, &acks, &spurious);
	if (acks != fs.acks || spurious > acks)
		abort();
	pic_destroy(fs.pic);
	return 0;
}
