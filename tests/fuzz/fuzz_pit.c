// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/pit, both windows.  Each 8-byte record:
 *   [0] bits 0-1: 0 read, 1 write, 2 advance the clock, 3 reset
 *       bit 2: 0 = the 8254 window (0x40-0x43), 1 = port 0x61
 *       bit 3 (op 2): call pit_update() even when nothing is due
 *       bit 4 (op 2): a late run loop: do not call pit_update() now
 *   [1] offset (window + 2 past it), [2] width 1 << (b & 3)
 *   [3..6] value, little-endian (op 2: nanoseconds, times 2^([7] % 40),
 *          the clock saturating at UINT64_MAX)
 * The first 8 bytes are also the start time.  After an advance (unless
 * late), pit_update() runs when clock_ns() >= pit_deadline().
 * Invariants: pit_update() raises exactly when something was due, one
 * edge (1 then 0 on IRQ 0), and leaves pit_deadline() > now; set_irq is
 * never called outside pit_update(); a read fills its first byte only
 * (the others stay 0xFF: nothing wider than the 8-bit data bus); the IRQ
 * statistics add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pit/pit.h"
#include "tests/fuzz/opscript.h"

#define OP_SPEAKER	0x04
#define OP_FORCE_UPDATE	0x08
#define OP_LATE		0x10

struct fuzz_host {
	uint64_t now;
	bool in_update;
	unsigned calls;		/* set_irq calls in this pit_update() */
};

static uint64_t fz_clock(void *ctx)
{
	return ((struct fuzz_host *)ctx)->now;
}

static void fz_set_irq(void *ctx, unsigned gsi, int level)
{
	struct fuzz_host *fh = ctx;

	/* IRQ edges only from pit_update(), only IRQ 0, 1 then 0. */
	if (!fh->in_update || gsi != 0 || level != (fh->calls == 0))
		abort();
	fh->calls++;
}

static void advance(struct fuzz_host *fh, const uint8_t *r)
{
	uint64_t step = dev_load_le(r + 3, 4);
	unsigned shift = r[7] % 40;

	if (step > (UINT64_MAX >> shift))
		step = UINT64_MAX;
	else
		step <<= shift;
	fh->now = step > UINT64_MAX - fh->now ? UINT64_MAX : fh->now + step;
}

static void update(struct pit *pit, struct fuzz_host *fh, bool force,
		   uint64_t *raised)
{
	uint64_t due = pit_deadline(pit);
	/* UINT64_MAX is "none", even with the clock saturated there. */
	bool is_due = due != UINT64_MAX && fh->now >= due;
	int n;

	if (!is_due && !force)
		return;
	fh->in_update = true;
	fh->calls = 0;
	n = pit_update(pit);
	fh->in_update = false;
	if (n != is_due || fh->calls != (n ? 2u : 0u))
		abort();
	*raised += (uint64_t)n;
	due = pit_deadline(pit);
	if (due <= fh->now && due != UINT64_MAX)
		abort();
}

static void checked_read(struct vmm_device *dev, uint64_t window,
			 const uint8_t *r)
{
	uint8_t buf[8];
	uint64_t offset = r[1] % (window + 2);
	uint32_t width = 1u << (r[2] & 3);

	memset(buf, 0xFF, sizeof(buf));
	if (dev->ops->read(dev->opaque, offset, buf, width) != 0)
		return;
	for (uint32_t i = 1; i < sizeof(buf); i++)
		if (buf[i] != 0xFF)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_host fh = { .now = 0 };
	struct vmm_host host = { .ctx = &fh, .clock_ns = fz_clock,
				 .set_irq = fz_set_irq };
	uint64_t raised = 0, got_raised, coalesced;
	struct pit *pit;

	if (size < OPSCRIPT_RECORD)
		return 0;
	memcpy(&fh.now, data, sizeof(fh.now));	/* any start time */
	if (pit_create(&host, &pit) != 0)
		return 0;
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;
		bool spk = r[0] & OP_SPEAKER;
		struct vmm_device *dev = spk ? pit_speaker_device(pit)
					     : pit_device(pit);
		uint64_t window = spk ? PIT_SPEAKER_WINDOW_SIZE
				      : PIT_WINDOW_SIZE;

		if ((r[0] & 3) == OPSCRIPT_READ) {
			checked_read(dev, window, r);
		} else if (opscript_step(dev, window, r) == OPSCRIPT_OWN) {
			advance(&fh, r);
			if (!(r[0] & OP_LATE))
				update(pit, &fh, r[0] & OP_FORCE_UPDATE,
				       &raised);
		}
	}
	pit_irq_counts(pit, &got_raised, &coalesced);
	if (got_raised != raised)
		abort();
	pit_destroy(pit);
	return 0;
}
