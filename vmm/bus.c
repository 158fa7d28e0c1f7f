// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "vmm/bus.h"

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static int range_end(uint64_t base, uint64_t len, uint64_t *end)
{
	if (len == 0 || __builtin_add_overflow(base, len, end))
		return -EINVAL;
	return 0;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 const struct vmm_device *dev)
{
	uint64_t end;
	unsigned i;

	if (!dev || range_end(base, len, &end) < 0)
		return -EINVAL;
	if (bus->count == BUS_MAX_RANGES)
		return -ENOSPC;
	for (i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (base < r->base + r->len && r->base < end)
			return -EEXIST;
		if (r->base > base)
			break;
	}
	memmove(&bus->ranges[i + 1], &bus->ranges[i],
		(bus->count - i) * sizeof(bus->ranges[0]));
	bus->ranges[i] = (struct bus_range){ base, len, dev };
	bus->count++;
	bus->last_hit = 0;
	return 0;
}

int bus_unregister(struct bus *bus, const struct vmm_device *dev)
{
	unsigned i = 0;
	int dropped = 0;

	while (i < bus->count) {
		if (bus->ranges[i].dev != dev) {
			i++;
			continue;
		}
		memmove(&bus->ranges[i], &bus->ranges[i + 1],
			(bus->count - i - 1) * sizeof(bus->ranges[0]));
		bus->count--;
		dropped++;
	}
	bus->last_hit = 0;
	return dropped;
}

static bool range_holds(const struct bus_range *r, uint64_t addr, uint64_t end)
{
	return addr >= r->base && end <= r->base + r->len;
}

const struct bus_range *bus_find(struct bus *bus, uint64_t addr, uint32_t len)
{
	uint64_t end;

	if (range_end(addr, len, &end) < 0)
		return NULL;
	if (bus->last_hit < bus->count &&
	    range_holds(&bus->ranges[bus->last_hit], addr, end))
		return &bus->ranges[bus->last_hit];
	for (unsigned i = 0; i < bus->count; i++) {
		if (range_holds(&bus->ranges[i], addr, end)) {
			bus->last_hit = i;
			return &bus->ranges[i];
		}
	}
	return NULL;
}

int bus_read(struct bus *bus, uint64_t addr, void *data, uint32_t len)
{
	const struct bus_range *r;

	if (len == 0 || len > 8)
		return 0;
	memset(data, 0xFF, len);
	r = bus_find(bus, addr, len);
	if (!r || !r->dev->ops->read) {
		bus->stats.unclaimed_reads++;
		return 0;
	}
	if (r->dev->ops->read(r->dev->opaque, addr - r->base, data, len) < 0)
		bus->stats.device_errors++;
	return 1;
}

int bus_write(struct bus *bus, uint64_t addr, const void *data, uint32_t len)
{
	const struct bus_range *r;

	if (len == 0 || len > 8)
		return 0;
	r = bus_find(bus, addr, len);
	if (!r || !r->dev->ops->write) {
		bus->stats.unclaimed_writes++;
		return 0;
	}
	if (r->dev->ops->write(r->dev->opaque, addr - r->base, data, len) < 0)
		bus->stats.device_errors++;
	return 1;
}
