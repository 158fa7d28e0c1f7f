// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/acpipm.  Each 8-byte record:
 *   [0] op: 0 read, 1 write, 2 advance the clock, 3 reset (low 2 bits)
 *   [1] offset (0..65: the window plus two past it)
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian (op 2: nanoseconds to add, times 2^[7])
 *   [7] op 2: shift for the clock step (mod 40)
 * Invariants: the timer stays 24-bit; PM1_CNT never reads SLP_EN; the
 * only request is POWEROFF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpipm/acpipm.h"
#include "tests/fuzz/opscript.h"

struct fuzz_host {
	uint64_t now;
};

static uint64_t fz_clock(void *ctx)
{
	return ((struct fuzz_host *)ctx)->now;
}

static void fz_request(void *ctx, enum vmm_request req)
{
	if (req != VMM_REQ_POWEROFF)
		abort();
}

static void check_invariants(struct acpipm *pm, struct vmm_device *dev)
{
	uint8_t v[4] = { 0 };

	dev->ops->read(dev->opaque, ACPIPM_PM_TMR, v, 4);
	if (dev_load_le(v, 4) > ACPIPM_TIMER_MASK ||
	    acpipm_timer(pm) > ACPIPM_TIMER_MASK)
		abort();
	dev->ops->read(dev->opaque, ACPIPM_PM1_CNT, v, 2);
	if (dev_load_le(v, 2) & ACPIPM_CNT_SLP_EN)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_host fh = { .now = 0 };
	struct vmm_host host = { .ctx = &fh, .clock_ns = fz_clock,
				 .request = fz_request };
	struct acpipm *pm;
	struct vmm_device *dev;

	if (size < OPSCRIPT_RECORD)
		return 0;
	memcpy(&fh.now, data, sizeof(fh.now));	/* any start time */
	if (acpipm_create(&host, &pm) != 0)
		return 0;
	dev = acpipm_device(pm);
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;

		if (opscript_step(dev, ACPIPM_WINDOW_SIZE, r) == OPSCRIPT_OWN)
			fh.now += dev_load_le(r + 3, 4) << (r[7] % 40);
		check_invariants(pm, dev);
	}
	acpipm_destroy(pm);
	return 0;
}
