// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/cmos.  Each 8-byte record:
 *   [0] op: 0 read, 1 write, 2 set the host wallclock, 3 reset (low 2 bits)
 *   [1] offset (0..3: the window plus two past it)
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian (op 2: seconds, sign-extended, << [7]%40)
 *   [7] op 2: shift
 * Invariants: register D reads 0x80, A never shows UIP, the time registers
 * always hold a valid BCD or binary value for the current mode.
 */
#include <stdint.h>
#include <stdlib.h>

#include "devices/cmos/cmos.h"
#include "tests/fuzz/opscript.h"

struct fuzz_host {
	int64_t now;
};

static int64_t fz_wallclock(void *ctx)
{
	return ((struct fuzz_host *)ctx)->now;
}

static uint8_t cmos_peek(struct vmm_device *dev, uint8_t idx)
{
	uint8_t v = 0xFF;

	dev->ops->write(dev->opaque, CMOS_OFFSET_INDEX, &idx, 1);
	dev->ops->read(dev->opaque, CMOS_OFFSET_DATA, &v, 1);
	return v;
}

static void check_invariants(struct vmm_device *dev)
{
	uint8_t b = cmos_peek(dev, CMOS_REG_B);
	uint8_t month = cmos_peek(dev, CMOS_MONTH);

	if (cmos_peek(dev, CMOS_REG_D) != 0x80 ||
	    (cmos_peek(dev, CMOS_REG_A) & 0x80))
		abort();
	/* While SET is clear the month is computed, so it must be valid. */
	if (!(b & CMOS_B_SET)) {
		unsigned m = (b & CMOS_B_BINARY) ? month :
			     (unsigned)(month >> 4) * 10 + (month & 0xF);

		if (m < 1 || m > 12)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_host fh = { .now = 1700000000 };
	struct vmm_host host = { .ctx = &fh, .wallclock = fz_wallclock };
	struct cmos *cmos;
	struct vmm_device *dev;

	if (size < OPSCRIPT_RECORD)
		return 0;
	if (cmos_create(&host, (uint64_t)data[0] << 24, (uint64_t)data[1] << 32,
			1 + data[2], &cmos) != 0)
		return 0;
	dev = cmos_device(cmos);
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;

		if (opscript_step(dev, CMOS_WINDOW_SIZE, r) == OPSCRIPT_OWN)
			fh.now = (int64_t)((uint64_t)(int64_t)(int32_t)
					   dev_load_le(r + 3, 4) << (r[7] % 40));
	}
	check_invariants(dev);
	cmos_destroy(cmos);
	return 0;
}
