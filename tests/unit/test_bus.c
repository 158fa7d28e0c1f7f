// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/bus.h"

struct fake {
	uint64_t last_off;
	uint32_t last_len;
	uint64_t last_val;
	int reads, writes, rc;
};

static int fake_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	struct fake *f = opaque;

	f->reads++;
	f->last_off = off;
	f->last_len = len;
	dev_store_le(data, len, 0x1122334455667788ULL);
	return f->rc;
}

static int fake_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct fake *f = opaque;

	f->writes++;
	f->last_off = off;
	f->last_len = len;
	f->last_val = dev_load_le(data, len);
	return f->rc;
}

static const struct vmm_device_ops fake_ops = { fake_read, fake_write, NULL, 0 };

static void test_bus_register_rejects_bad_ranges(void **state)
{
	struct bus bus;
	struct fake f = { 0 };
	struct vmm_device d = { "fake", &fake_ops, &f };

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, 0x100, 0, &d), -EINVAL);
	assert_int_equal(bus_register(&bus, UINT64_MAX, 2, &d), -EINVAL);
	assert_int_equal(bus_register(&bus, 0x100, 8, NULL), -EINVAL);
	assert_int_equal(bus_register(&bus, 0x100, 8, &d), 0);
	assert_int_equal(bus_register(&bus, 0x107, 1, &d), -EEXIST);
	assert_int_equal(bus_register(&bus, 0xF8, 9, &d), -EEXIST);
	assert_int_equal(bus_register(&bus, 0xF8, 8, &d), 0);
	assert_int_equal(bus_register(&bus, 0x108, 1, &d), 0);
	assert_int_equal(bus.count, 3);
	assert_int_equal(bus.ranges[0].base, 0xF8);
	assert_int_equal(bus.ranges[1].base, 0x100);
	assert_int_equal(bus.ranges[2].base, 0x108);
}

static void test_bus_full_table(void **state)
{
	struct bus bus;
	struct fake f = { 0 };
	struct vmm_device d = { "fake", &fake_ops, &f };

	(void)state;
	bus_init(&bus);
	for (unsigned i = 0; i < BUS_MAX_RANGES; i++)
		assert_int_equal(bus_register(&bus, i * 16, 16, &d), 0);
	assert_int_equal(bus_register(&bus, 0x10000, 1, &d), -ENOSPC);
	assert_int_equal(bus_unregister(&bus, &d), BUS_MAX_RANGES);
	assert_int_equal(bus.count, 0);
}

static void test_bus_dispatch_offsets(void **state)
{
	struct bus bus;
	struct fake f = { 0 };
	struct vmm_device d = { "fake", &fake_ops, &f };
	uint8_t buf[8];

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, 0x3F8, 8, &d), 0);
	assert_int_equal(bus_read(&bus, 0x3FD, buf, 1), 1);
	assert_int_equal(f.last_off, 5);
	assert_int_equal(buf[0], 0x88);
	assert_int_equal(bus_write(&bus, 0x3FC, (uint8_t[]){ 0x34, 0x12 }, 2), 1);
	assert_int_equal(f.last_off, 4);
	assert_int_equal(f.last_val, 0x1234);
	/* Straddling the end: nobody owns the whole access. */
	assert_int_equal(bus_read(&bus, 0x3FE, buf, 4), 0);
	assert_memory_equal(buf, "\xff\xff\xff\xff", 4);
	assert_int_equal(bus.stats.unclaimed_reads, 1);
	assert_int_equal(bus_write(&bus, 0x3F7, buf, 2), 0);
	assert_int_equal(bus.stats.unclaimed_writes, 1);
	assert_int_equal(f.reads, 1);
	assert_int_equal(f.writes, 1);
}

static void test_bus_unclaimed_all_ones(void **state)
{
	struct bus bus;
	uint8_t buf[8] = { 0 };

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_read(&bus, 0xFED40000, buf, 8), 0);
	assert_memory_equal(buf, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	/* Lengths the exit layout cannot carry are dropped, not dispatched. */
	assert_int_equal(bus_read(&bus, 0, buf, 0), 0);
	assert_int_equal(bus_read(&bus, 0, buf, 9), 0);
	assert_int_equal(bus_read(&bus, UINT64_MAX, buf, 1), 0);
	assert_int_equal(bus.stats.unclaimed_reads, 2);
}

static void test_bus_device_error_counted(void **state)
{
	struct bus bus;
	struct fake f = { .rc = -EIO };
	struct vmm_device d = { "fake", &fake_ops, &f };
	uint8_t b = 0;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, 0x70, 2, &d), 0);
	assert_int_equal(bus_write(&bus, 0x71, &b, 1), 1);
	assert_int_equal(bus.stats.device_errors, 1);
}

static void test_bus_last_hit_after_unregister(void **state)
{
	struct bus bus;
	struct fake a = { 0 }, b = { 0 };
	struct vmm_device da = { "a", &fake_ops, &a }, db = { "b", &fake_ops, &b };
	uint8_t buf[4];

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, 0xB000, 64, &da), 0);
	assert_int_equal(bus_register(&bus, 0xC000, 64, &db), 0);
	assert_int_equal(bus_read(&bus, 0xC008, buf, 4), 1);
	assert_int_equal(bus_unregister(&bus, &db), 1);
	assert_int_equal(bus_read(&bus, 0xC008, buf, 4), 0);
	assert_int_equal(b.reads, 1);
	assert_int_equal(bus_read(&bus, 0xB008, buf, 4), 1);
	assert_int_equal(a.last_off, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bus_register_rejects_bad_ranges),
		cmocka_unit_test(test_bus_full_table),
		cmocka_unit_test(test_bus_dispatch_offsets),
		cmocka_unit_test(test_bus_unclaimed_all_ones),
		cmocka_unit_test(test_bus_device_error_counted),
		cmocka_unit_test(test_bus_last_hit_after_unregister),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
