// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the pure CFI state machine (devices/pflash/cfi.c): every
 * command, the status sequence of each operation, the query table for the
 * OVMF geometries (docs/pflash.md 7.1), bad sequences, and accesses at the
 * last byte of the last block, unaligned and of every width.  The array is
 * malloc'd at exactly its size so ASan sees any overrun.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "devices/pflash/cfi.h"

#define SECTOR	 0x1000u
#define SIZE_2M	 0x20000u	/* VARS of the 2M build: 32 blocks */
#define SIZE_4M	 0x84000u	/* VARS of the 4M build: 132 blocks */

struct fixture {
	struct cfi_flash fl;
	uint8_t *array;
	uint8_t *orig;
	uint64_t size;
};

static int setup_size(void **state, uint64_t size, bool writable)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->size = size;
	f->array = malloc(size);
	f->orig = malloc(size);
	assert_non_null(f->array);
	assert_non_null(f->orig);
	for (uint64_t i = 0; i < size; i++)
		f->array[i] = (uint8_t)(i * 7 + 3);
	memcpy(f->orig, f->array, size);
	assert_int_equal(cfi_init(&f->fl, f->array, size, SECTOR, writable), 0);
	*state = f;
	return 0;
}

static int setup_rw(void **state)
{
	return setup_size(state, SIZE_2M, true);
}

static int setup_ro(void **state)
{
	return setup_size(state, SIZE_2M, false);
}

static int setup_4m(void **state)
{
	return setup_size(state, SIZE_4M, true);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->array);
	free(f->orig);
	free(f);
	return 0;
}

static unsigned wr(struct fixture *f, uint64_t off, uint64_t v)
{
	return cfi_write(&f->fl, off, 1, v);
}

static uint64_t rd(struct fixture *f, uint64_t off)
{
	return cfi_read(&f->fl, off, 1);
}

static void test_cfi_init_rejects_bad_geometry(void **state)
{
	struct cfi_flash fl;
	uint8_t mem[0x2000];

	(void)state;
	assert_int_equal(cfi_init(&fl, mem, 0, SECTOR, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem, 0x1800, SECTOR, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem, 0x2000, 0x1800, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem, 0x2000, 128, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem, 0x2000, 0, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem, 0x1000000, 0x1000000, true),
			 -EINVAL);
	assert_int_equal(cfi_init(&fl, NULL, 0x2000, SECTOR, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem,
				  (uint64_t)(CFI_MAX_BLOCKS + 1) * SECTOR,
				  SECTOR, true), -EINVAL);
	assert_int_equal(cfi_init(&fl, mem, 0x2000, SECTOR, true), 0);
	assert_int_equal(fl.blocks, 2);
	assert_true(cfi_reads_array(&fl));
	assert_true(fl.romd);
	assert_int_equal(fl.status, CFI_SR_READY);
}

static void test_cfi_read_array_every_width(void **state)
{
	struct fixture *f = *state;
	uint64_t last = f->size - 1;
	unsigned widths[] = { 1, 2, 4, 8 };

	for (unsigned w = 0; w < 4; w++) {
		for (uint64_t off = 0; off < 9; off++) {
			uint64_t want = 0;

			for (unsigned i = 0; i < widths[w]; i++)
				want |= (uint64_t)f->array[off + i] << (8 * i);
			assert_int_equal(cfi_read(&f->fl, off, widths[w]),
					 want);
		}
		/* The access that ends exactly at the last byte. */
		uint64_t off = f->size - widths[w], want = 0;

		for (unsigned i = 0; i < widths[w]; i++)
			want |= (uint64_t)f->array[off + i] << (8 * i);
		assert_int_equal(cfi_read(&f->fl, off, widths[w]), want);
	}
	assert_int_equal(rd(f, last), f->array[last]);
	assert_int_equal(f->fl.counters.bad_accesses, 0);
}

static void test_cfi_access_out_of_range_refused(void **state)
{
	struct fixture *f = *state;

	assert_false(cfi_access_ok(&f->fl, f->size - 1, 2));
	assert_false(cfi_access_ok(&f->fl, f->size, 1));
	assert_false(cfi_access_ok(&f->fl, UINT64_MAX, 1));
	assert_false(cfi_access_ok(&f->fl, UINT64_MAX - 3, 8));
	assert_false(cfi_access_ok(&f->fl, 0, 0));
	assert_false(cfi_access_ok(&f->fl, 0, 9));
	assert_true(cfi_access_ok(&f->fl, f->size - 8, 8));
	assert_int_equal(cfi_read(&f->fl, f->size - 1, 2), UINT64_MAX);
	assert_int_equal(cfi_read(&f->fl, UINT64_MAX, 1), UINT64_MAX);
	/* A refused write is dropped: no command, no state change. */
	assert_int_equal(cfi_write(&f->fl, f->size - 3, 4, 0x70), 0);
	assert_int_equal(cfi_write(&f->fl, 0, 16, 0x70), 0);
	assert_true(cfi_reads_array(&f->fl));
	assert_int_equal(f->fl.counters.bad_accesses, 4);
}

static void test_cfi_read_status_after_reset(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(wr(f, 0x1234, CFI_CMD_READ_STATUS), CFI_FX_ROMD_OFF);
	assert_false(cfi_reads_array(&f->fl));
	/* A byte-wide part answers status on every byte lane. */
	assert_int_equal(cfi_read(&f->fl, 0, 1), 0x80);
	assert_int_equal(cfi_read(&f->fl, 1, 2), 0x8080);
	assert_int_equal(cfi_read(&f->fl, 3, 4), 0x80808080);
	assert_int_equal(cfi_read(&f->fl, f->size - 8, 8),
			 0x8080808080808080ULL);
	/* Reads never change state. */
	assert_int_equal(rd(f, 0), 0x80);
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
	assert_int_equal(rd(f, 5), f->orig[5]);
}

static void test_cfi_clear_status_reads_zero(void **state)
{
	struct fixture *f = *state;

	/* 0x50 in array mode: status 0, still array, no slot change. */
	assert_int_equal(wr(f, 0x10, CFI_CMD_CLEAR_STATUS), 0);
	assert_true(cfi_reads_array(&f->fl));
	assert_int_equal(rd(f, 0x10), f->orig[0x10]);
	assert_int_equal(wr(f, 0x10, CFI_CMD_READ_STATUS), CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, 0x10), 0x00);
	/* 0x50 from status mode returns to the array. */
	assert_int_equal(wr(f, 0x10, CFI_CMD_CLEAR_STATUS), CFI_FX_ROMD_ON);
	assert_int_equal(rd(f, 0x10), f->orig[0x10]);
}

/* docs/pflash.md 7.3, with the write-protect refinement of edk2 578a715cfc. */
static void run_probe(struct fixture *f, uint8_t final_status)
{
	f->array[0x10] = 0x8D;
	assert_int_equal(rd(f, 0x10), 0x8D);
	assert_int_equal(wr(f, 0x10, CFI_CMD_CLEAR_STATUS), 0);
	assert_int_equal(rd(f, 0x10), 0x8D);
	assert_int_equal(wr(f, 0x10, CFI_CMD_READ_STATUS), CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, 0x10), 0x00);
	assert_int_equal(wr(f, 0x10, CFI_CMD_PROGRAM), 0);
	wr(f, 0x10, 0x8D);
	assert_int_equal(wr(f, 0x10, CFI_CMD_READ_STATUS), 0);
	assert_int_equal(rd(f, 0x10), final_status);
	assert_int_equal(wr(f, 0x10, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
	assert_int_equal(rd(f, 0x10), 0x8D);
}

static void test_cfi_ovmf_probe_writable(void **state)
{
	struct fixture *f = *state;

	run_probe(f, 0x80);
	assert_int_equal(f->fl.counters.programs, 1);
	assert_int_equal(f->fl.counters.errors, 0);
}

static void test_cfi_ovmf_probe_readonly(void **state)
{
	struct fixture *f = *state;

	run_probe(f, 0x90);
	assert_int_equal(f->fl.counters.programs, 0);
	assert_int_equal(f->fl.counters.errors, 1);
}

static void test_cfi_read_id(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(wr(f, 0, CFI_CMD_READ_ID), CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, 0), 0x00);	/* QEMU x86: id0..3 unset */
	assert_int_equal(rd(f, 1), 0x00);
	assert_int_equal(rd(f, 2), 0x00);	/* block 0 unlocked */
	assert_int_equal(rd(f, SECTOR + 2), 0x00);
	assert_int_equal(rd(f, 0x77), 0x00);
	/* ID mode takes the next command directly. */
	assert_int_equal(wr(f, 0, CFI_CMD_LOCK_SETUP), 0);
	assert_int_equal(wr(f, SECTOR + 5, CFI_CMD_LOCK_BLOCK), 0);
	wr(f, 0, CFI_CMD_READ_ID);
	assert_int_equal(rd(f, SECTOR + 2), 0x01);
	assert_int_equal(rd(f, 2), 0x00);
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
}

static const uint8_t query_2m[0x30] = {
	0x51, 0x52, 0x59, 0x01, 0x00, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x55, 0x00, 0x00, 0x07, 0x07, 0x0A, 0x00, 0x04, 0x04, 0x04,
	0x00, 0x11, 0x02, 0x00, 0x08, 0x00, 0x01, 0x1F, 0x00, 0x10, 0x00,
	0x50, 0x52, 0x49, 0x31, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
};

/* Expected byte at query offset (i) given the 0x10..0x3F vector. */
static uint8_t expect_query(const uint8_t *vec, unsigned i)
{
	i &= 0xFF;
	return i >= 0x10 && i < 0x40 ? vec[i - 0x10] : 0;
}

static void check_query_table(struct fixture *f, const uint8_t *vec)
{
	assert_int_equal(wr(f, 0x55, CFI_CMD_QUERY), CFI_FX_ROMD_OFF);
	for (unsigned i = 0; i < 0x300; i++)
		assert_int_equal(rd(f, i), expect_query(vec, i));
	/* The table repeats every 256 bytes, up to the last byte. */
	assert_int_equal(rd(f, 0x110), 0x51);
	assert_int_equal(rd(f, f->size - 0x100 + 0x10), 0x51);
	assert_int_equal(rd(f, f->size - 1), 0);
	/* A byte-wide part gives one table byte per lane. */
	assert_int_equal(cfi_read(&f->fl, 0x10, 2), 0x5251);
	assert_int_equal(cfi_read(&f->fl, 0x10, 4), 0x01595251);
	assert_int_equal(cfi_read(&f->fl, 0x2D, 4), vec[0x1D] |
			 (vec[0x1E] << 8) | (vec[0x1F] << 16) |
			 ((uint32_t)vec[0x20] << 24));
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
}

static void test_cfi_query_table_128k(void **state)
{
	check_query_table(*state, query_2m);
}

static void test_cfi_query_table_528k(void **state)
{
	struct fixture *f = *state;
	uint8_t vec[0x30];

	/*
	 * docs/pflash.md 7.1 gives 0x0E at 0x27 (QEMU's ctz(0x84000) = 14,
	 * i.e. 16 KiB).  We report the smallest 2^n holding the device:
	 * 2^20 >= 0x84000 > 2^19.  Blocks - 1 = 131 = 0x83.
	 */
	memcpy(vec, query_2m, sizeof(vec));
	vec[0x27 - 0x10] = 0x14;
	vec[0x2D - 0x10] = 0x83;
	vec[0x2E - 0x10] = 0x00;
	check_query_table(f, vec);
	assert_int_equal(cfi_query_byte(&f->fl, 0x27), 20);
	assert_int_equal(cfi_query_byte(&f->fl, 0x52), 0);
}

static void test_cfi_query_takes_next_command(void **state)
{
	struct fixture *f = *state;

	wr(f, 0, CFI_CMD_QUERY);
	/* QEMU would stay in query mode; a real part takes 0x70. */
	assert_int_equal(wr(f, 0, CFI_CMD_READ_STATUS), 0);
	assert_int_equal(rd(f, 0x10), 0x80);
	wr(f, 0, CFI_CMD_QUERY);
	assert_int_equal(wr(f, 0, CFI_CMD_CLEAR_STATUS), CFI_FX_ROMD_ON);
	assert_int_equal(rd(f, 0x10), f->orig[0x10]);
	wr(f, 0, CFI_CMD_QUERY);
	wr(f, 0, CFI_CMD_READ_STATUS);
	assert_int_equal(rd(f, 0x10), 0x00);
}

static void test_cfi_program_byte_sequence(void **state)
{
	struct fixture *f = *state;
	uint64_t off = 0x1003;

	f->array[off] = 0xF7;
	assert_int_equal(wr(f, off, CFI_CMD_PROGRAM), CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, off), 0x80);	/* status while waiting */
	assert_int_equal(wr(f, off, 0x35), CFI_FX_DIRTY);
	assert_int_equal(f->fl.dirty_off, off);
	assert_int_equal(f->fl.dirty_len, 1);
	assert_int_equal(f->array[off], 0x35 & 0xF7);
	assert_int_equal(rd(f, off), 0x80);	/* status after */
	assert_int_equal(rd(f, 0), 0x80);
	assert_int_equal(wr(f, off, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
	assert_int_equal(rd(f, off), 0x35);
	assert_int_equal(f->fl.counters.programs, 1);
	assert_int_equal(f->fl.counters.bits_not_set, 0);
}

static void test_cfi_program_ands_and_counts_set_bits(void **state)
{
	struct fixture *f = *state;

	f->array[0x20] = 0x0F;
	wr(f, 0x20, CFI_CMD_PROGRAM_ALT);
	assert_int_equal(wr(f, 0x20, 0xF3), CFI_FX_DIRTY);
	/* NOR only clears bits; QEMU would store 0xF3. */
	assert_int_equal(f->array[0x20], 0x03);
	assert_int_equal(f->fl.counters.bits_not_set, 1);
	/* 0xFF as data is data, not read array. */
	wr(f, 0x21, CFI_CMD_PROGRAM);
	assert_int_equal(wr(f, 0x21, 0xFF), CFI_FX_DIRTY);
	assert_int_equal(f->array[0x21], f->orig[0x21]);
	assert_false(cfi_reads_array(&f->fl));
}

static void test_cfi_program_wide_at_last_byte(void **state)
{
	struct fixture *f = *state;
	uint64_t off = f->size - 8;

	memset(f->array + off, 0xFF, 8);
	wr(f, 0, CFI_CMD_PROGRAM);
	assert_int_equal(cfi_write(&f->fl, off, 8, 0x0102030405060708ULL),
			 CFI_FX_DIRTY);
	assert_int_equal(f->fl.dirty_off, off);
	assert_int_equal(f->fl.dirty_len, 8);
	assert_int_equal(f->array[off], 0x08);
	assert_int_equal(f->array[f->size - 1], 0x01);
	/* Unaligned 2-byte program ending at the last byte. */
	memset(f->array + off, 0xFF, 8);
	wr(f, 0, CFI_CMD_PROGRAM);
	assert_int_equal(cfi_write(&f->fl, f->size - 2, 2, 0xA55A),
			 CFI_FX_DIRTY);
	assert_int_equal(f->array[f->size - 2], 0x5A);
	assert_int_equal(f->array[f->size - 1], 0xA5);
	assert_int_equal(f->array[f->size - 3], 0xFF);
	/* 1-byte program of the last byte. */
	wr(f, 0, CFI_CMD_PROGRAM);
	assert_int_equal(wr(f, f->size - 1, 0x00), CFI_FX_DIRTY);
	assert_int_equal(f->array[f->size - 1], 0x00);
}

static void test_cfi_program_readonly_sets_sr4(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x40, CFI_CMD_PROGRAM);
	assert_int_equal(wr(f, 0x40, 0x00), 0);
	assert_int_equal(rd(f, 0x40), 0x90);
	assert_memory_equal(f->array, f->orig, f->size);
	/* Sticky until Clear Status. */
	wr(f, 0x40, CFI_CMD_READ_ARRAY);
	wr(f, 0x40, CFI_CMD_READ_STATUS);
	assert_int_equal(rd(f, 0x40), 0x90);
	wr(f, 0x40, CFI_CMD_CLEAR_STATUS);
	wr(f, 0x40, CFI_CMD_READ_STATUS);
	assert_int_equal(rd(f, 0x40), 0x00);
}

static void test_cfi_erase_last_block_unaligned(void **state)
{
	struct fixture *f = *state;
	uint64_t base = f->size - SECTOR;

	/* kvmtool's bug 1: erase addressed at the last byte. */
	assert_int_equal(wr(f, f->size - 1, CFI_CMD_ERASE_SETUP),
			 CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, 0), 0x80);
	/* Nothing happens before the confirm. */
	assert_memory_equal(f->array, f->orig, f->size);
	assert_int_equal(wr(f, f->size - 1, CFI_CMD_CONFIRM), CFI_FX_DIRTY);
	assert_int_equal(f->fl.dirty_off, base);
	assert_int_equal(f->fl.dirty_len, SECTOR);
	for (uint64_t i = base; i < f->size; i++)
		assert_int_equal(f->array[i], 0xFF);
	assert_memory_equal(f->array, f->orig, base);
	/* pflash.md 7.4: status 0x80, 0x80808080 wide, until 0xFF. */
	assert_int_equal(rd(f, 0x123), 0x80);
	assert_int_equal(cfi_read(&f->fl, 0x124, 4), 0x80808080);
	assert_false(cfi_reads_array(&f->fl));
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
	assert_int_equal(f->fl.counters.erases, 1);
}

static void test_cfi_erase_bad_confirm_is_sequence_error(void **state)
{
	struct fixture *f = *state;

	wr(f, SECTOR, CFI_CMD_ERASE_SETUP);
	/* QEMU erased at setup and treats 0xFF as abort; we never erased. */
	assert_int_equal(wr(f, SECTOR, CFI_CMD_READ_ARRAY), 0);
	assert_int_equal(rd(f, SECTOR), 0xB0);
	assert_false(cfi_reads_array(&f->fl));
	assert_memory_equal(f->array, f->orig, f->size);
	assert_int_equal(f->fl.counters.errors, 1);
	assert_int_equal(wr(f, 0, CFI_CMD_CLEAR_STATUS), CFI_FX_ROMD_ON);
	wr(f, 0, CFI_CMD_READ_STATUS);
	assert_int_equal(rd(f, 0), 0x00);
}

static void test_cfi_erase_readonly_sets_sr5(void **state)
{
	struct fixture *f = *state;

	wr(f, 0, CFI_CMD_ERASE_SETUP);
	assert_int_equal(wr(f, 0, CFI_CMD_CONFIRM), 0);
	assert_int_equal(rd(f, 0), 0xA0);
	assert_memory_equal(f->array, f->orig, f->size);
}

static void test_cfi_status_sticky_across_success(void **state)
{
	struct fixture *f = *state;

	wr(f, 0, CFI_CMD_ERASE_SETUP);
	wr(f, 0, 0x33);			/* bad confirm: 0xB0 */
	wr(f, 0x10, CFI_CMD_PROGRAM);
	wr(f, 0x10, 0x00);		/* succeeds */
	assert_int_equal(f->array[0x10], 0x00);
	assert_int_equal(rd(f, 0), 0xB0);
}

static void test_cfi_buffer_write_sequence(void **state)
{
	struct fixture *f = *state;

	memset(f->array + 0x2000, 0xFF, 0x100);
	assert_int_equal(wr(f, 0x2000, CFI_CMD_WRITE_BUFFER), CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, 0x2000), 0x80);
	assert_int_equal(wr(f, 0x2000, 0x03), 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(wr(f, 0x2000 + i, i + 1), 0);
	/* Nothing reaches the array before the confirm. */
	assert_int_equal(f->array[0x2000], 0xFF);
	assert_int_equal(rd(f, 0x2000), 0x80);
	assert_int_equal(wr(f, 0x2000, CFI_CMD_CONFIRM), CFI_FX_DIRTY);
	assert_int_equal(f->fl.dirty_off, 0x2000);
	assert_int_equal(f->fl.dirty_len, 4);
	assert_int_equal(f->array[0x2000], 1);
	assert_int_equal(f->array[0x2003], 4);
	assert_int_equal(f->array[0x2004], 0xFF);
	assert_int_equal(rd(f, 0x2000), 0x80);	/* status until 0xFF */
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY), CFI_FX_ROMD_ON);
	assert_int_equal(f->fl.counters.buffer_writes, 1);
}

static void test_cfi_buffer_count_zero_is_one_byte(void **state)
{
	struct fixture *f = *state;

	f->array[0x3005] = 0xFF;
	wr(f, 0x3000, CFI_CMD_WRITE_BUFFER);
	wr(f, 0x3000, 0x00);
	wr(f, 0x3005, 0x42);
	assert_int_equal(wr(f, 0x3005, CFI_CMD_CONFIRM), CFI_FX_DIRTY);
	assert_int_equal(f->array[0x3005], 0x42);
	assert_int_equal(f->fl.dirty_len, 1);
	assert_int_equal(rd(f, 0), 0x80);
}

static void test_cfi_buffer_wide_writes(void **state)
{
	struct fixture *f = *state;

	memset(f->array + 0x4000, 0xFF, 0x100);
	wr(f, 0x4000, CFI_CMD_WRITE_BUFFER);
	wr(f, 0x4000, 11);			/* 12 bytes */
	cfi_write(&f->fl, 0x4010, 8, 0x1122334455667788ULL);
	cfi_write(&f->fl, 0x4018, 4, 0xAABBCCDD);
	assert_int_equal(f->fl.state, CFI_STATE_BUF_CONFIRM);
	assert_int_equal(wr(f, 0x4000, CFI_CMD_CONFIRM), CFI_FX_DIRTY);
	assert_int_equal(f->fl.dirty_off, 0x4010);
	assert_int_equal(f->fl.dirty_len, 12);
	assert_int_equal(f->array[0x4010], 0x88);
	assert_int_equal(f->array[0x401B], 0xAA);
}

static void test_cfi_buffer_outside_window_aborts(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x2000, CFI_CMD_WRITE_BUFFER);
	wr(f, 0x2000, 0x01);
	wr(f, 0x2000, 0x11);
	assert_int_equal(wr(f, 0x2100, 0x22), 0);	/* next window */
	assert_int_equal(rd(f, 0), 0x90);
	assert_int_equal(wr(f, 0x2000, CFI_CMD_CONFIRM), 0);
	assert_memory_equal(f->array, f->orig, f->size);
	assert_int_equal(rd(f, 0), 0x90);
	assert_int_equal(f->fl.counters.buffer_writes, 0);
}

static void test_cfi_buffer_end_of_array_bounded(void **state)
{
	struct fixture *f = *state;
	uint64_t last = f->size - 1;

	/* kvmtool's bug 2: the maximum count, every write at the end. */
	wr(f, f->size - 4, CFI_CMD_WRITE_BUFFER);
	wr(f, f->size - 4, 0xFF);
	for (unsigned i = 0; i < 256; i++)
		wr(f, last, 0x00);
	assert_int_equal(wr(f, last, CFI_CMD_CONFIRM), CFI_FX_DIRTY);
	assert_int_equal(f->fl.dirty_off, last);
	assert_int_equal(f->fl.dirty_len, 1);
	assert_int_equal(f->array[last], 0);
	assert_memory_equal(f->array, f->orig, last);
	/* kvmtool's bug 4: a wide write running past the window. */
	wr(f, 0, CFI_CMD_WRITE_BUFFER);
	wr(f, 0, 0x07);
	assert_int_equal(cfi_write(&f->fl, SECTOR - 2, 4, 0), 0);
	assert_int_equal(rd(f, 0), 0x90);
	assert_true(f->fl.buf_failed);
	wr(f, 0, 0);
	wr(f, 0, 0);
	wr(f, 0, 0);
	wr(f, 0, 0);
	assert_int_equal(wr(f, 0, CFI_CMD_CONFIRM), 0);
	assert_memory_equal(f->array, f->orig, last);
}

static void test_cfi_buffer_count_too_large(void **state)
{
	struct fixture *f = *state;

	wr(f, 0, CFI_CMD_WRITE_BUFFER);
	assert_int_equal(cfi_write(&f->fl, 0, 2, 0x100), 0);
	assert_int_equal(rd(f, 0), 0xB0);
	assert_int_equal(f->fl.state, CFI_STATE_STATUS);
	/* More data than the count: the extra byte is a new command. */
	wr(f, 0, CFI_CMD_CLEAR_STATUS);
	wr(f, 0, CFI_CMD_WRITE_BUFFER);
	wr(f, 0, 0x00);
	assert_int_equal(cfi_write(&f->fl, 0, 2, 0x0000), 0);
	assert_int_equal(rd(f, 0), 0x90);	/* 2 bytes > count of 1 */
	assert_int_equal(f->fl.state, CFI_STATE_BUF_CONFIRM);
}

static void test_cfi_buffer_bad_confirm(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x2000, CFI_CMD_WRITE_BUFFER);
	wr(f, 0x2000, 0x00);
	wr(f, 0x2000, 0x00);
	assert_int_equal(wr(f, 0x2000, CFI_CMD_READ_ARRAY), 0);
	assert_int_equal(rd(f, 0), 0xB0);
	assert_memory_equal(f->array, f->orig, f->size);
}

static void test_cfi_buffer_readonly(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x2000, CFI_CMD_WRITE_BUFFER);
	wr(f, 0x2000, 0x00);
	wr(f, 0x2000, 0x00);
	assert_int_equal(wr(f, 0x2000, CFI_CMD_CONFIRM), 0);
	assert_int_equal(rd(f, 0), 0x90);
	assert_memory_equal(f->array, f->orig, f->size);
}

static void test_cfi_lock_blocks_program_and_erase(void **state)
{
	struct fixture *f = *state;

	wr(f, SECTOR + 0x10, CFI_CMD_LOCK_SETUP);
	assert_int_equal(wr(f, SECTOR + 0x10, CFI_CMD_LOCK_BLOCK), 0);
	assert_int_equal(rd(f, 0), 0x80);
	wr(f, SECTOR, CFI_CMD_PROGRAM);
	wr(f, SECTOR, 0x00);
	assert_int_equal(rd(f, 0), 0x92);
	wr(f, 0, CFI_CMD_CLEAR_STATUS);
	wr(f, SECTOR, CFI_CMD_ERASE_SETUP);
	wr(f, SECTOR, CFI_CMD_CONFIRM);
	assert_int_equal(rd(f, 0), 0xA2);
	/* A wide program straddling into the locked block is refused. */
	wr(f, 0, CFI_CMD_CLEAR_STATUS);
	wr(f, 0, CFI_CMD_PROGRAM);
	cfi_write(&f->fl, SECTOR - 2, 4, 0);
	assert_int_equal(rd(f, 0), 0x92);
	assert_memory_equal(f->array, f->orig, f->size);
	/* Block 0 is not locked. */
	wr(f, 0, CFI_CMD_CLEAR_STATUS);
	wr(f, 0, CFI_CMD_PROGRAM);
	assert_int_equal(wr(f, 0, 0x00), CFI_FX_DIRTY);
	/* Unlock, then program works. */
	wr(f, SECTOR, CFI_CMD_LOCK_SETUP);
	wr(f, SECTOR, CFI_CMD_CONFIRM);
	wr(f, SECTOR, CFI_CMD_PROGRAM);
	assert_int_equal(wr(f, SECTOR, 0x00), CFI_FX_DIRTY);
	assert_int_equal(rd(f, 0), 0x80);
	assert_int_equal(f->fl.counters.lock_changes, 2);
}

static void test_cfi_lock_bad_second_cycle(void **state)
{
	struct fixture *f = *state;

	wr(f, 0, CFI_CMD_LOCK_SETUP);
	assert_int_equal(wr(f, 0, 0x77), 0);
	assert_int_equal(rd(f, 0), 0xB0);
	assert_int_equal(f->fl.counters.lock_changes, 0);
}

static void test_cfi_reset_clears_everything(void **state)
{
	struct fixture *f = *state;

	wr(f, SECTOR, CFI_CMD_LOCK_SETUP);
	wr(f, SECTOR, CFI_CMD_LOCK_DOWN);
	wr(f, 0, CFI_CMD_WRITE_BUFFER);
	wr(f, 0, 0x00);
	wr(f, 0, 0x00);
	wr(f, 0, 0x99);		/* bad confirm: 0xB0 */
	wr(f, 0x2000, CFI_CMD_WRITE_BUFFER);
	wr(f, 0x2000, 0x01);
	wr(f, 0x2000, 0x00);
	cfi_reset(&f->fl);
	assert_true(cfi_reads_array(&f->fl));
	assert_true(f->fl.romd);
	assert_false(f->fl.buf_open);
	assert_int_equal(rd(f, 0x2000), f->orig[0x2000]);
	wr(f, 0, CFI_CMD_READ_STATUS);
	assert_int_equal(rd(f, 0), 0x80);
	/* The buffered data was discarded: 0xD0 now is just a command. */
	wr(f, 0, CFI_CMD_CONFIRM);
	assert_memory_equal(f->array, f->orig, f->size);
	/* Locks are cleared. */
	wr(f, SECTOR, CFI_CMD_PROGRAM);
	assert_int_equal(wr(f, SECTOR, 0x00), CFI_FX_DIRTY);
}

static void test_cfi_unknown_command_reads_array(void **state)
{
	struct fixture *f = *state;

	/* In array mode: no pointless off/on pair (QEMU makes one). */
	assert_int_equal(wr(f, 0, 0x33), 0);
	assert_int_equal(f->fl.counters.unknown_cmds, 1);
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY), 0);
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY_ALT), 0);
	assert_int_equal(wr(f, 0, CFI_CMD_AMD_RESET), 0);
	wr(f, 0, CFI_CMD_READ_STATUS);
	assert_int_equal(wr(f, 0, CFI_CMD_CONFIRM), CFI_FX_ROMD_ON);
	assert_int_equal(f->fl.counters.unknown_cmds, 2);
	wr(f, 0, CFI_CMD_READ_STATUS);
	assert_int_equal(wr(f, 0, CFI_CMD_AMD_RESET), CFI_FX_ROMD_ON);
	wr(f, 0, CFI_CMD_READ_STATUS);
	assert_int_equal(wr(f, 0, CFI_CMD_READ_ARRAY_ALT), CFI_FX_ROMD_ON);
	assert_memory_equal(f->array, f->orig, f->size);
}

static void test_cfi_command_is_low_byte(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfi_write(&f->fl, 6, 4, 0x12345670), CFI_FX_ROMD_OFF);
	assert_int_equal(rd(f, 0), 0x80);
	assert_int_equal(cfi_write(&f->fl, 0, 8, 0xFFULL << 56 | 0xFF),
			 CFI_FX_ROMD_ON);
}

/* pflash.md 7.6: QemuFlashWrite of N bytes costs two slot changes. */
static void test_cfi_qemu_flash_write_switches_twice(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0xAA, 0xBB, 0xCC, 0x00, 0x12 };
	unsigned on = 0, off = 0, dirty = 0;

	memset(f->array + 0x1000, 0xFF, sizeof(data));
	for (unsigned i = 0; i < sizeof(data); i++) {
		for (unsigned c = 0; c < 2; c++) {
			unsigned fx = wr(f, 0x1000 + i,
					 c ? data[i] : CFI_CMD_PROGRAM);

			on += !!(fx & CFI_FX_ROMD_ON);
			off += !!(fx & CFI_FX_ROMD_OFF);
			dirty += !!(fx & CFI_FX_DIRTY);
		}
	}
	assert_int_equal(wr(f, 0x1000 + sizeof(data) - 1, CFI_CMD_READ_ARRAY),
			 CFI_FX_ROMD_ON);
	assert_int_equal(off, 1);
	assert_int_equal(on, 0);
	assert_int_equal(dirty, sizeof(data));
	assert_memory_equal(f->array + 0x1000, data, sizeof(data));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfi_init_rejects_bad_geometry),
#define RW(t) cmocka_unit_test_setup_teardown(t, setup_rw, teardown)
#define RO(t) cmocka_unit_test_setup_teardown(t, setup_ro, teardown)
		RW(test_cfi_read_array_every_width),
		RW(test_cfi_access_out_of_range_refused),
		RW(test_cfi_read_status_after_reset),
		RW(test_cfi_clear_status_reads_zero),
		RW(test_cfi_ovmf_probe_writable),
		RO(test_cfi_ovmf_probe_readonly),
		RW(test_cfi_read_id),
		RW(test_cfi_query_table_128k),
		cmocka_unit_test_setup_teardown(test_cfi_query_table_528k,
						setup_4m, teardown),
		RW(test_cfi_query_takes_next_command),
		RW(test_cfi_program_byte_sequence),
		RW(test_cfi_program_ands_and_counts_set_bits),
		RW(test_cfi_program_wide_at_last_byte),
		RO(test_cfi_program_readonly_sets_sr4),
		RW(test_cfi_erase_last_block_unaligned),
		cmocka_unit_test_setup_teardown(
			test_cfi_erase_last_block_unaligned, setup_4m,
			teardown),
		RW(test_cfi_erase_bad_confirm_is_sequence_error),
		RO(test_cfi_erase_readonly_sets_sr5),
		RW(test_cfi_status_sticky_across_success),
		RW(test_cfi_buffer_write_sequence),
		RW(test_cfi_buffer_count_zero_is_one_byte),
		RW(test_cfi_buffer_wide_writes),
		RW(test_cfi_buffer_outside_window_aborts),
		RW(test_cfi_buffer_end_of_array_bounded),
		RW(test_cfi_buffer_count_too_large),
		RW(test_cfi_buffer_bad_confirm),
		RO(test_cfi_buffer_readonly),
		RW(test_cfi_lock_blocks_program_and_erase),
		RW(test_cfi_lock_bad_second_cycle),
		RW(test_cfi_reset_clears_everything),
		RW(test_cfi_unknown_command_reads_array),
		RW(test_cfi_command_is_low_byte),
		RW(test_cfi_qemu_flash_write_switches_twice),
#undef RW
#undef RO
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
