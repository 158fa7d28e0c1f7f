// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/cmos.  Each 8-byte record:
 *   [0] bits 0-1: 0 read, 1 write, 2 own op, 3 reset
 *       bits 2-3 (op 2): 0 set the host wallclock, 1 advance the virtual
 *       clock, 2 call cmos_update() whatever the deadline, 3 read
 *       register C and check it against IRQ 8
 *       bit 4 (op 2, advance): a late run loop, no cmos_update() now
 *   [1] offset (0..3: the window plus two past it)
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian (wallclock: seconds, sign-extended,
 *          << [7] % 40; advance: ns << [7] % 64, the clock saturating)
 *   [7] the shift above
 * The first record is also the machine: [0] << 24 low RAM, [1] << 32 high
 * RAM, [2] CPUs - 1, with [2] bits 6-7 both set = no host->clock_ns;
 * [3..6] << [7] % 64 the clock at create.  After an advance the run loop
 * calls cmos_update() when clock_ns() >= cmos_deadline().
 * Invariants: set_irq only for GSI 8 and only with a changed level;
 * cmos_update() raises (0 or 1) only when the deadline had come, leaves it
 * past now (or UINT64_MAX) and IRQ 8 high; no deadline while IRQ 8 is
 * high; register C's IRQF equals IRQ 8 (or a rise during the read) and
 * a read lowers it; the raised
 * count equals the rising edges; without a clock IRQ 8 is never driven.
 * At the end: D reads 0x80, UIP only with a clock and neither under SET
 * nor with the divider stopped, a running clock shows a valid month.
 */
#include <stdint.h>
#include <stdlib.h>

#include "devices/cmos/cmos.h"
#include "tests/fuzz/opscript.h"

#define SUB_WALLCLOCK	0
#define SUB_ADVANCE	1
#define SUB_UPDATE	2
#define SUB_CHECK_C	3
#define OP_LATE		0x10

struct fuzz_host {
	int64_t now;
	uint64_t ns;
	bool has_clock;
	int level;
	uint64_t rises;
};

static int64_t fz_wallclock(void *ctx)
{
	return ((struct fuzz_host *)ctx)->now;
}

static uint64_t fz_clock(void *ctx)
{
	return ((struct fuzz_host *)ctx)->ns;
}

static void fz_set_irq(void *ctx, unsigned gsi, int level)
{
	struct fuzz_host *fh = ctx;

	if (gsi != CMOS_IRQ || level == fh->level || !fh->has_clock)
		abort();
	fh->level = level;
	if (level)
		fh->rises++;
}

static uint8_t cmos_peek(struct vmm_device *dev, uint8_t idx)
{
	uint8_t v = 0xFF;

	dev->ops->write(dev->opaque, CMOS_OFFSET_INDEX, &idx, 1);
	dev->ops->read(dev->opaque, CMOS_OFFSET_DATA, &v, 1);
	return v;
}

static uint64_t shifted(const uint8_t *r, unsigned max_shift)
{
	uint64_t v = dev_load_le(r + 3, 4);
	unsigned s = r[7] % max_shift;

	if (s && v > UINT64_MAX >> s)
		return UINT64_MAX;
	return v << s;
}

static void run_update(struct cmos *cmos, struct fuzz_host *fh)
{
	uint64_t before = cmos_deadline(cmos), rises = fh->rises, after;
	int r = cmos_update(cmos);

	after = cmos_deadline(cmos);
	if (r < 0 || r > 1 || (uint64_t)r != fh->rises - rises)
		abort();
	if (r && (before > fh->ns || !fh->level))
		abort();
	if (after != UINT64_MAX && after <= fh->ns)
		abort();
}

static void advance(struct cmos *cmos, struct fuzz_host *fh, const uint8_t *r)
{
	uint64_t step = shifted(r, 64);

	fh->ns = step > UINT64_MAX - fh->ns ? UINT64_MAX : fh->ns + step;
	if (!(r[0] & OP_LATE) && cmos_deadline(cmos) <= fh->ns)
		run_update(cmos, fh);
}

/*
 * IRQF (C bit 7) is what IRQ 8 shows, or an enabled event the read found
 * due made it (a rise and a fall within the read); the read lowers it.
 */
static void check_reg_c(struct vmm_device *dev, struct fuzz_host *fh)
{
	int level = fh->level;
	uint64_t rises = fh->rises;
	uint8_t c = cmos_peek(dev, CMOS_REG_C);
	bool irqf = level || fh->rises != rises;

	if (!!(c & CMOS_C_IRQF) != irqf || (c & 0x0F) || fh->level)
		abort();
	if (!fh->has_clock && c)
		abort();
}

static void own_op(struct cmos *cmos, struct fuzz_host *fh, const uint8_t *r)
{
	switch ((r[0] >> 2) & 3) {
	case SUB_WALLCLOCK:
		fh->now = (int64_t)((uint64_t)(int64_t)(int32_t)
				    dev_load_le(r + 3, 4) << (r[7] % 40));
		break;
	case SUB_ADVANCE:
		advance(cmos, fh, r);
		break;
	case SUB_UPDATE:
		run_update(cmos, fh);
		break;
	default:
		check_reg_c(cmos_device(cmos), fh);
		break;
	}
}

static void check_step(struct cmos *cmos, const struct fuzz_host *fh)
{
	uint64_t raised;

	cmos_irq_counts(cmos, &raised, NULL);
	if (raised != fh->rises)
		abort();
	if (fh->level && cmos_deadline(cmos) != UINT64_MAX)
		abort();
	if (!fh->has_clock && cmos_deadline(cmos) != UINT64_MAX)
		abort();
}

static void check_invariants(struct vmm_device *dev,
			     const struct fuzz_host *fh)
{
	uint8_t a = cmos_peek(dev, CMOS_REG_A);
	uint8_t b = cmos_peek(dev, CMOS_REG_B);
	uint8_t month = cmos_peek(dev, CMOS_MONTH);
	bool running = (a & CMOS_A_DV_MASK) <= CMOS_A_DV_32K;

	if (cmos_peek(dev, CMOS_REG_D) != 0x80)
		abort();
	if ((a & CMOS_A_UIP) &&
	    (!fh->has_clock || (b & CMOS_B_SET) || !running))
		abort();
	/* While the time runs the month is computed, so it must be valid. */
	if (!(b & CMOS_B_SET) && running) {
		unsigned m = (b & CMOS_B_BINARY) ? month :
			     (unsigned)(month >> 4) * 10 + (month & 0xF);

		if (m < 1 || m > 12)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_host fh = { .now = 1700000000 };
	struct vmm_host host = { .ctx = &fh, .wallclock = fz_wallclock,
				 .set_irq = fz_set_irq };
	struct cmos *cmos;
	struct vmm_device *dev;

	if (size < OPSCRIPT_RECORD)
		return 0;
	fh.has_clock = (data[2] & 0xC0) != 0xC0;
	fh.ns = shifted(data, 64);
	if (fh.has_clock)
		host.clock_ns = fz_clock;
	if (cmos_create(&host, (uint64_t)data[0] << 24, (uint64_t)data[1] << 32,
			1 + data[2], &cmos) != 0)
		return 0;
	dev = cmos_device(cmos);
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;

		if (opscript_step(dev, CMOS_WINDOW_SIZE, r) == OPSCRIPT_OWN)
			own_op(cmos, &fh, r);
		check_step(cmos, &fh);
	}
	check_invariants(dev, &fh);
	check_reg_c(dev, &fh);
	cmos_destroy(cmos);
	return 0;
}
