/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An address-range table for one address space (port I/O or MMIO).
 * Devices register windows; dispatch finds the window holding the WHOLE
 * access, hands the device the offset, and counts what nobody claims.
 * Unclaimed reads return all-ones, unclaimed writes are dropped: never fatal.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdint.h>

#include "vmm/device.h"

#define BUS_MAX_RANGES 32

struct bus_range {
	uint64_t base;
	uint64_t len;
	const struct vmm_device *dev;
};

struct bus_stats {
	uint64_t unclaimed_reads;
	uint64_t unclaimed_writes;
	uint64_t device_errors;
};

struct bus {
	struct bus_range ranges[BUS_MAX_RANGES]; /* sorted by base */
	unsigned count;
	unsigned last_hit; /* index of the last range hit: exits cluster */
	struct bus_stats stats;
};

void bus_init(struct bus *bus);
/*
 * Claim [base, base + len) for (dev).  -EINVAL for len 0 or overflow,
 * -EEXIST on overlap, -ENOSPC when the table is full.
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 const struct vmm_device *dev);
/* Drop every window of (dev); returns how many were dropped. */
int bus_unregister(struct bus *bus, const struct vmm_device *dev);
/* The device owning the whole of [addr, addr + len), or NULL. */
const struct bus_range *bus_find(struct bus *bus, uint64_t addr, uint32_t len);
/*
 * Perform one guest access of (len) bytes (1..8).  For reads (data) is
 * filled (all-ones when unclaimed).  Returns 1 when a device claimed the
 * access, 0 when nobody did.
 */
int bus_read(struct bus *bus, uint64_t addr, void *data, uint32_t len);
int bus_write(struct bus *bus, uint64_t addr, const void *data, uint32_t len);

#endif
