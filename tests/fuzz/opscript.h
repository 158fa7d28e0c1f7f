/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The op-script shared by the device fuzzers (fuzz_uart, fuzz_fwcfg, ...).
 * Header-only: the Makefile builds each target from its one fuzz_X.c.
 *
 * An input is a run of OPSCRIPT_RECORD-byte records (a short tail is
 * ignored):
 *   [0] op, low 2 bits: 0 read, 1 write, 2 the target's own, 3 reset
 *       (the higher bits are the target's)
 *   [1] offset, taken mod (window + 2): the window plus two past it
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian, then 0xFF bytes up to the width
 *   [7] the target's
 */
#ifndef TESTS_FUZZ_OPSCRIPT_H
#define TESTS_FUZZ_OPSCRIPT_H

#include <stdint.h>
#include <string.h>

#include "vmm/device.h"

#define OPSCRIPT_RECORD 8

enum opscript_op {
	OPSCRIPT_READ,
	OPSCRIPT_WRITE,
	OPSCRIPT_OWN,		/* left to the target */
	OPSCRIPT_RESET,
};

/*
 * Carries out record r on dev, whose window is window bytes: a read, a
 * write or a reset (when the device has one).  Op 2 does nothing here.
 * Returns the op, for the target to do op 2 or check after a reset.
 */
static inline enum opscript_op opscript_step(struct vmm_device *dev,
					     uint64_t window, const uint8_t *r)
{
	uint8_t buf[8];
	uint64_t offset = r[1] % (window + 2);
	uint32_t width = 1u << (r[2] & 3);
	enum opscript_op op = (enum opscript_op)(r[0] & 3);

	memset(buf, 0xFF, sizeof(buf));
	memcpy(buf, r + 3, 4);
	switch (op) {
	case OPSCRIPT_READ:
		dev->ops->read(dev->opaque, offset, buf, width);
		break;
	case OPSCRIPT_WRITE:
		dev->ops->write(dev->opaque, offset, buf, width);
		break;
	case OPSCRIPT_RESET:
		if (dev->ops->reset)
			dev->ops->reset(dev->opaque);
		break;
	case OPSCRIPT_OWN:
		break;
	}
	return op;
}

#endif
