// SPDX-License-Identifier: Apache-2.0
/* Unit tests for devices/fwcfg: fixed items, file directory, file reads. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "devices/fwcfg/fwcfg.h"

struct fixture {
	struct fwcfg *fw;
	struct vmm_device *dev;
};

static int setup(void **state)
{
	static struct fixture fx;
	struct vmm_host host = { 0 };
	struct fwcfg_config config = { .ncpus = 2, .boot_menu = true };

	memset(&fx, 0, sizeof(fx));
	if (fwcfg_create(&host, &config, &fx.fw) != 0)
		return -1;
	fx.dev = fwcfg_device(fx.fw);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	fwcfg_destroy(fx->fw);
	return 0;
}

static void select_key(struct fixture *fx, uint16_t key)
{
	uint8_t le[2] = { (uint8_t)key, (uint8_t)(key >> 8) };

	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 0, le, 2), 0);
}

static uint8_t data_byte(struct fixture *fx)
{
	uint8_t v = 0xEE;

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 1, &v, 1), 0);
	return v;
}

static void read_bytes(struct fixture *fx, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = data_byte(fx);
}

static void test_fwcfg_create_rejects_bad_config(void **state)
{
	struct vmm_host host = { 0 };
	struct fwcfg_config zero = { 0 };
	struct fwcfg_config low_max = { .ncpus = 4, .max_cpus = 2 };
	struct fwcfg_config ok = { .ncpus = 1 };
	struct fwcfg *fw;

	assert_int_equal(fwcfg_create(NULL, &ok, &fw), -EINVAL);
	assert_int_equal(fwcfg_create(&host, NULL, &fw), -EINVAL);
	assert_int_equal(fwcfg_create(&host, &ok, NULL), -EINVAL);
	assert_int_equal(fwcfg_create(&host, &zero, &fw), -EINVAL);
	assert_int_equal(fwcfg_create(&host, &low_max, &fw), -EINVAL);
	fwcfg_destroy(NULL);
}

static void test_fwcfg_signature_and_id(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[6];

	select_key(fx, FWCFG_KEY_SIGNATURE);
	read_bytes(fx, buf, 6);
	assert_memory_equal(buf, "QEMU\0\0", 6);
	select_key(fx, FWCFG_KEY_ID);
	read_bytes(fx, buf, 5);
	assert_memory_equal(buf, "\x01\0\0\0\0", 5);
	/* Power-on selection is the signature. */
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(data_byte(fx), 'Q');
}

static void test_fwcfg_cpu_and_boot_menu(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[3];

	select_key(fx, FWCFG_KEY_NB_CPUS);
	read_bytes(fx, buf, 3);
	assert_memory_equal(buf, "\x02\x00\x00", 3);
	select_key(fx, FWCFG_KEY_MAX_CPUS);
	read_bytes(fx, buf, 2);
	assert_memory_equal(buf, "\x02\x00", 2);
	select_key(fx, FWCFG_KEY_BOOT_MENU);
	read_bytes(fx, buf, 2);
	assert_memory_equal(buf, "\x01\x00", 2);
}

static void test_fwcfg_empty_directory(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[5];

	select_key(fx, FWCFG_KEY_FILE_DIR);
	read_bytes(fx, buf, 5);
	assert_memory_equal(buf, "\0\0\0\0\0", 5);
}

static void test_fwcfg_directory_bytes(void **state)
{
	struct fixture *fx = *state;
	uint8_t e820[40], boot[4] = { 5, 0, 0, 0 };
	uint8_t expect[4 + 2 * 64] = { 0 };
	uint8_t got[sizeof(expect) + 1];

	for (unsigned i = 0; i < sizeof(e820); i++)
		e820[i] = (uint8_t)(i * 7);
	assert_int_equal(fwcfg_add_file(fx->fw, "etc/e820", e820, 40), 0);
	assert_int_equal(fwcfg_add_file(fx->fw, "etc/boot-fail-wait", boot, 4),
			 0);
	expect[3] = 2;				/* count, big-endian */
	expect[4 + 3] = 40;			/* size */
	expect[4 + 5] = 0x20;			/* select */
	memcpy(&expect[4 + 8], "etc/e820", 8);
	expect[68 + 3] = 4;
	expect[68 + 5] = 0x21;
	memcpy(&expect[68 + 8], "etc/boot-fail-wait", 18);
	select_key(fx, FWCFG_KEY_FILE_DIR);
	read_bytes(fx, got, sizeof(got));
	assert_memory_equal(got, expect, sizeof(expect));
	assert_int_equal(got[sizeof(expect)], 0);
}

static void test_fwcfg_read_added_file(void **state)
{
	struct fixture *fx = *state;
	uint8_t src[20], got[20];

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(0xA0 + i);
	assert_int_equal(fwcfg_add_file(fx->fw, "etc/e820", src, 20), 0);
	/* The device copied the data. */
	memset(src, 0, sizeof(src));
	select_key(fx, 0x20);
	read_bytes(fx, got, 20);
	for (unsigned i = 0; i < sizeof(got); i++)
		assert_int_equal(got[i], 0xA0 + i);
	/* Past the end: zeros, however long the guest reads. */
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(data_byte(fx), 0);
	/* Reselecting rewinds. */
	select_key(fx, 0x20);
	assert_int_equal(data_byte(fx), 0xA0);
	assert_int_equal(data_byte(fx), 0xA1);
}

static void test_fwcfg_unknown_keys_read_zero(void **state)
{
	struct fixture *fx = *state;
	const uint16_t keys[] = { 0x02, 0x03, 0x18, 0x1F, 0x20, 0x3FFF,
				  0x8000, 0x8003, 0xFFFF };

	for (unsigned k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		select_key(fx, keys[k]);
		assert_int_equal(data_byte(fx), 0);
		assert_int_equal(data_byte(fx), 0);
	}
	/* Write-channel bit on a known key: still readable. */
	select_key(fx, FWCFG_WRITE_CHANNEL | FWCFG_KEY_SIGNATURE);
	assert_int_equal(data_byte(fx), 'Q');
}

static void test_fwcfg_data_writes_ignored(void **state)
{
	struct fixture *fx = *state;
	uint8_t v = 0x55;

	select_key(fx, FWCFG_KEY_SIGNATURE);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 1, &v, 1), 0);
	assert_int_equal(data_byte(fx), 'Q');
	/* A byte write to the selector is not a selection. */
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 0, &v, 1), 0);
	assert_int_equal(data_byte(fx), 'E');
}

static void test_fwcfg_selector_reads_untouched(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[2] = { 0xFF, 0xFF };

	select_key(fx, FWCFG_KEY_SIGNATURE);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, buf, 2), 0);
	assert_int_equal(buf[0], 0xFF);
	assert_int_equal(buf[1], 0xFF);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 1, buf, 2),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, buf, 4),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, UINT64_MAX,
					     buf, 1), -EINVAL);
	/* None of that moved the data offset. */
	assert_int_equal(data_byte(fx), 'Q');
}

static void test_fwcfg_add_file_errors(void **state)
{
	struct fixture *fx = *state;
	char name[64];
	uint8_t b = 1;

	memset(name, 'a', sizeof(name));
	name[56] = '\0';
	assert_int_equal(fwcfg_add_file(fx->fw, name, &b, 1), -ENAMETOOLONG);
	name[55] = '\0';	/* 55 characters + NUL fits */
	assert_int_equal(fwcfg_add_file(fx->fw, name, &b, 1), 0);
	assert_int_equal(fwcfg_add_file(fx->fw, name, &b, 1), -EEXIST);
	assert_int_equal(fwcfg_add_file(fx->fw, "", &b, 1), -EINVAL);
	assert_int_equal(fwcfg_add_file(fx->fw, NULL, &b, 1), -EINVAL);
	assert_int_equal(fwcfg_add_file(fx->fw, "x", NULL, 1), -EINVAL);
	assert_int_equal(fwcfg_add_file(NULL, "x", &b, 1), -EINVAL);
	assert_int_equal(fwcfg_add_file(fx->fw, "big", &b,
					FWCFG_MAX_FILE_SIZE + 1), -EFBIG);
	assert_int_equal(fwcfg_add_file(fx->fw, "empty", NULL, 0), 0);
	select_key(fx, 0x21);
	assert_int_equal(data_byte(fx), 0);
}

static void test_fwcfg_file_limit(void **state)
{
	struct fixture *fx = *state;
	char name[16];
	uint8_t b;

	for (unsigned i = 0; i < FWCFG_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		b = (uint8_t)i;
		assert_int_equal(fwcfg_add_file(fx->fw, name, &b, 1), 0);
	}
	assert_int_equal(fwcfg_add_file(fx->fw, "one-more", &b, 1), -ENOSPC);
	select_key(fx, FWCFG_KEY_FILE_FIRST + FWCFG_MAX_FILES - 1);
	assert_int_equal(data_byte(fx), FWCFG_MAX_FILES - 1);
	select_key(fx, FWCFG_KEY_FILE_FIRST + FWCFG_MAX_FILES);
	assert_int_equal(data_byte(fx), 0);
	select_key(fx, FWCFG_KEY_FILE_DIR);
	assert_int_equal(data_byte(fx), 0);
	assert_int_equal(data_byte(fx), 0);
	assert_int_equal(data_byte(fx), 0);
	assert_int_equal(data_byte(fx), FWCFG_MAX_FILES);
}

static void test_fwcfg_add_while_reading_directory(void **state)
{
	struct fixture *fx = *state;
	uint8_t b = 9;

	assert_int_equal(fwcfg_add_file(fx->fw, "a", &b, 1), 0);
	select_key(fx, FWCFG_KEY_FILE_DIR);
	for (unsigned i = 0; i < 4; i++)
		data_byte(fx);
	/* The directory grows under the reader; its position holds. */
	assert_int_equal(fwcfg_add_file(fx->fw, "b", &b, 1), 0);
	assert_int_equal(data_byte(fx), 0);	/* size of "a", BE */
	assert_int_equal(data_byte(fx), 0);
	assert_int_equal(data_byte(fx), 0);
	assert_int_equal(data_byte(fx), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fwcfg_create_rejects_bad_config),
		T(test_fwcfg_signature_and_id),
		T(test_fwcfg_cpu_and_boot_menu),
		T(test_fwcfg_empty_directory),
		T(test_fwcfg_directory_bytes),
		T(test_fwcfg_read_added_file),
		T(test_fwcfg_unknown_keys_read_zero),
		T(test_fwcfg_data_writes_ignored),
		T(test_fwcfg_selector_reads_untouched),
		T(test_fwcfg_add_file_errors),
		T(test_fwcfg_file_limit),
		T(test_fwcfg_add_while_reading_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
