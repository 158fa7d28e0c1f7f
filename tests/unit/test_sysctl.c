// SPDX-License-Identifier: Apache-2.0
/* Unit tests for devices/sysctl: port 0x92, 0xCF9, i8042 reset, debugcon. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/sysctl/sysctl.h"

struct fake {
	unsigned resets;
	unsigned poweroffs;
	uint8_t debug[64];
	size_t ndebug;
};

static void fake_request(void *ctx, enum vmm_request req)
{
	struct fake *f = ctx;

	if (req == VMM_REQ_RESET)
		f->resets++;
	else if (req == VMM_REQ_POWEROFF)
		f->poweroffs++;
}

static void fake_debug_out(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < len && f->ndebug < sizeof(f->debug); i++)
		f->debug[f->ndebug++] = buf[i];
}

static struct vmm_host fake_host(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	return (struct vmm_host){
		.ctx = f,
		.request = fake_request,
		.debug_out = fake_debug_out,
	};
}

static uint8_t rd8(struct vmm_device *dev, uint64_t off)
{
	uint8_t v = 0xFF;

	assert_int_equal(dev->ops->read(dev->opaque, off, &v, 1), 0);
	return v;
}

static void wr8(struct vmm_device *dev, uint64_t off, uint8_t v)
{
	assert_int_equal(dev->ops->write(dev->opaque, off, &v, 1), 0);
}

static void test_sysctl_create_rejects_null(void **state)
{
	struct fake f;
	struct vmm_host host = fake_host(&f);
	struct port92 *p92;
	struct resetctl *rc;
	struct kbd *kbd;
	struct debugcon *dc;

	assert_int_equal(port92_create(NULL, &p92), -EINVAL);
	assert_int_equal(port92_create(&host, NULL), -EINVAL);
	assert_int_equal(resetctl_create(NULL, &rc), -EINVAL);
	assert_int_equal(kbd_create(NULL, &kbd), -EINVAL);
	assert_int_equal(kbd_create(&host, NULL), -EINVAL);
	assert_int_equal(debugcon_create(NULL, &dc), -EINVAL);
	assert_int_equal(debugcon_create(&host, NULL), -EINVAL);
	port92_destroy(NULL);
	resetctl_destroy(NULL);
	kbd_destroy(NULL);
	debugcon_destroy(NULL);
}

static void test_sysctl_resetctl_0x06_requests_reset(void **state)
{
	struct fake f;
	struct vmm_host host = fake_host(&f);
	struct resetctl *rc;
	struct vmm_device *dev;

	assert_int_equal(resetctl_create(&host, &rc), 0);
	dev = resetctl_device(rc);
	assert_int_equal(rd8(dev, 0), 0x00);
	/* SYS_RST alone only selects the reset type. */
	wr8(dev, 0, RESETCTL_SYS_RST);
	assert_int_equal(f.resets, 0);
	assert_int_equal(rd8(dev, 0), 0x02);
	wr8(dev, 0, 0x06);
	assert_int_equal(f.resets, 1);
	assert_int_equal(rd8(dev, 0), 0x06);
	/* Reserved bits are not stored. */
	wr8(dev, 0, 0xF1);
	assert_int_equal(rd8(dev, 0), 0x00);
	assert_int_equal(f.resets, 1);
	wr8(dev, 0, 0x04);
	assert_int_equal(f.resets, 2);
	dev->ops->reset(dev->opaque);
	assert_int_equal(rd8(dev, 0), 0x00);
	assert_int_equal(f.poweroffs, 0);
	resetctl_destroy(rc);
}

static void test_sysctl_resetctl_rejects_wide_access(void **state)
{
	struct fake f;
	struct vmm_host host = fake_host(&f);
	struct resetctl *rc;
	struct vmm_device *dev;
	uint32_t v = 0x06;

	assert_int_equal(resetctl_create(&host, &rc), 0);
	dev = resetctl_device(rc);
	assert_int_equal(dev->ops->write(dev->opaque, 0, &v, 4), -EINVAL);
	assert_int_equal(dev->ops->write(dev->opaque, 1, &v, 1), -EINVAL);
	assert_int_equal(dev->ops->read(dev->opaque, UINT64_MAX, &v, 1),
			 -EINVAL);
	assert_int_equal(f.resets, 0);
	resetctl_destroy(rc);
}

static void test_sysctl_port92_a20_and_fast_reset(void **state)
{
	struct fake f;
	struct vmm_host host = fake_host(&f);
	struct port92 *p92;
	struct vmm_device *dev;

	assert_int_equal(port92_create(&host, &p92), 0);
	dev = port92_device(p92);
	assert_int_equal(rd8(dev, 0), PORT92_A20);
	wr8(dev, 0, 0x00);
	assert_int_equal(rd8(dev, 0), 0x00);
	wr8(dev, 0, PORT92_A20);
	assert_int_equal(rd8(dev, 0), 0x02);
	assert_int_equal(f.resets, 0);
	wr8(dev, 0, PORT92_A20 | PORT92_FAST_RESET);
	assert_int_equal(f.resets, 1);
	/* The reset bit is a pulse: it never reads back. */
	assert_int_equal(rd8(dev, 0), 0x02);
	wr8(dev, 0, 0x00);
	dev->ops->reset(dev->opaque);
	assert_int_equal(rd8(dev, 0), 0x02);
	port92_destroy(p92);
}

static void test_sysctl_kbd_pulse_reset(void **state)
{
	struct fake f;
	struct vmm_host host = fake_host(&f);
	struct kbd *kbd;
	struct vmm_device *dev;

	assert_int_equal(kbd_create(&host, &kbd), 0);
	dev = kbd_device(kbd);
	assert_int_equal(rd8(dev, KBD_OFFSET_CMD), 0x1C);
	assert_int_equal(rd8(dev, KBD_OFFSET_DATA), 0x00);
	/* Unassigned offsets keep the bus's all-ones. */
	assert_int_equal(rd8(dev, 1), 0xFF);
	wr8(dev, KBD_OFFSET_CMD, 0xAA);
	wr8(dev, KBD_OFFSET_DATA, 0xFE);
	assert_int_equal(f.resets, 0);
	wr8(dev, KBD_OFFSET_CMD, 0xFE);
	assert_int_equal(f.resets, 1);
	assert_int_equal(dev->ops->read(dev->opaque, KBD_WINDOW_SIZE,
					&(uint8_t){ 0 }, 1), -EINVAL);
	kbd_destroy(kbd);
}

static void test_sysctl_debugcon_bytes(void **state)
{
	struct fake f;
	struct vmm_host host = fake_host(&f);
	struct debugcon *dc;
	struct vmm_device *dev;

	assert_int_equal(debugcon_create(&host, &dc), 0);
	dev = debugcon_device(dc);
	wr8(dev, 0, 'O');
	wr8(dev, 0, 'K');
	wr8(dev, 0, '\n');
	assert_int_equal(f.ndebug, 3);
	assert_memory_equal(f.debug, "OK\n", 3);
	assert_int_equal(rd8(dev, 0), 0xE9);
	debugcon_destroy(dc);
}

static void test_sysctl_no_callbacks_is_safe(void **state)
{
	struct vmm_host host = { 0 };
	struct debugcon *dc;
	struct resetctl *rc;

	assert_int_equal(debugcon_create(&host, &dc), 0);
	wr8(debugcon_device(dc), 0, 'x');
	assert_int_equal(resetctl_create(&host, &rc), 0);
	wr8(resetctl_device(rc), 0, 0x06);
	debugcon_destroy(dc);
	resetctl_destroy(rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysctl_create_rejects_null),
		cmocka_unit_test(test_sysctl_resetctl_0x06_requests_reset),
		cmocka_unit_test(test_sysctl_resetctl_rejects_wide_access),
		cmocka_unit_test(test_sysctl_port92_a20_and_fast_reset),
		cmocka_unit_test(test_sysctl_kbd_pulse_reset),
		cmocka_unit_test(test_sysctl_debugcon_bytes),
		cmocka_unit_test(test_sysctl_no_callbacks_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
