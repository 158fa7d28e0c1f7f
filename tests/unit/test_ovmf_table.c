// SPDX-License-Identifier: Apache-2.0
/*
 * OVMF footer table: the real Debian images (expected values from
 * docs/sev.md 2.6, read there with an independent Python parser), sevctl's
 * published trimmed AmdSev image, and hand-built hostile tables.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "firmware/ovmf_table.h"
#include "tests/unit/load_file.h"

#define OVMF_2M "/usr/share/OVMF/OVMF_CODE.fd"
#define OVMF_4M "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define SEVCTL_TRIMMED "tests/fuzz/corpus/ovmf_table/sevctl-amdsev-trimmed.fd"

/* The Debian image, or skip when the ovmf package is not installed. */
static uint8_t *load_or_skip(const char *path, size_t *len)
{
	uint8_t *buf = load_file(path, len);

	if (!buf)
		skip();
	return buf;
}

/* ---- a builder for synthetic images, independent of the parser ------ */

#define IMG_SIZE 4096

struct img {
	uint8_t b[IMG_SIZE];
	size_t top;	/* where the next entry ends (moves down) */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An image whose footer GUID sits at E-0x30, table length at E-0x32. */
static void img_init(struct img *im)
{
	memset(im->b, 0xff, sizeof(im->b));
	memcpy(im->b + IMG_SIZE - 0x30, OVMF_GUID_TABLE_FOOTER.b, 16);
	im->top = IMG_SIZE - 0x32;
}

/* Append [data][u16 len][guid] below the previous entry. */
static void img_add(struct img *im, const struct ovmf_guid *guid,
		    const void *data, uint16_t data_len)
{
	size_t start = im->top - data_len - 18;

	if (data_len)
		memcpy(im->b + start, data, data_len);
	put16(im->b + start + data_len, (uint16_t)(data_len + 18));
	memcpy(im->b + start + data_len + 2, guid->b, 16);
	im->top = start;
}

/* Write the footer's total length: everything from the first entry. */
static void img_close(struct img *im)
{
	put16(im->b + IMG_SIZE - 0x32, (uint16_t)(IMG_SIZE - 0x20 - im->top));
}

static void img_add_u32(struct img *im, const struct ovmf_guid *guid,
			uint32_t v)
{
	uint8_t d[4];

	put32(d, v);
	img_add(im, guid, d, 4);
}

/* An image whose table holds one entry, a u32. */
static void img_single_u32(struct img *im, const struct ovmf_guid *guid,
			   uint32_t v)
{
	img_init(im);
	img_add_u32(im, guid, v);
	img_close(im);
}

/* "ASEV" at (off_from_end) with (n) sections of (secs)[3*i..]. */
static void img_put_asev(struct img *im, uint32_t off_from_end, uint32_t len,
			 uint32_t n, const uint32_t *secs, unsigned nsecs)
{
	uint8_t *m = im->b + IMG_SIZE - off_from_end;

	memcpy(m, "ASEV", 4);
	put32(m + 4, len);
	put32(m + 8, 1);
	put32(m + 12, n);
	for (unsigned i = 0; i < 3 * nsecs; i++)
		put32(m + 16 + 4 * i, secs[i]);
}

/* ---- real images ----------------------------------------------------- */

static void test_ovmf_table_debian_2m(void **state)
{
	struct ovmf_sev_info info;
	struct ovmf_table t;
	size_t len;
	uint8_t *img = load_or_skip(OVMF_2M, &len);

	(void)state;
	assert_int_equal(ovmf_table_parse(img, len, &t), 0);
	assert_int_equal(t.table_len, 0x88);
	assert_int_equal(t.nr_entries, 5);
	assert_memory_equal(t.entries[0].guid.b,
			    OVMF_GUID_SEV_ES_RESET_BLOCK.b, 16);
	assert_int_equal(t.entries[0].data_offset, len - 0x48);
	assert_int_equal(ovmf_sev_info_parse(img, len, &info), 0);
	assert_true(info.has_reset_block);
	assert_int_equal(info.sev_es_reset_eip, 0x0080b004);
	assert_true(info.has_secret);
	assert_int_equal(info.secret_base, 0);
	assert_int_equal(info.secret_size, 0);
	assert_true(info.has_hashes);
	assert_int_equal(info.hashes_base, 0);
	assert_true(info.has_metadata);
	assert_int_equal(info.metadata_offset, 0x52c);
	assert_int_equal(info.metadata_version, 1);
	assert_int_equal(info.nr_sections, 5);
	assert_int_equal(info.sections[0].gpa, 0x800000);
	assert_int_equal(info.sections[0].size, 0x9000);
	assert_int_equal(info.sections[0].type, OVMF_SEV_SECTION_SNP_SEC_MEM);
	assert_int_equal(info.sections[2].gpa, 0x80d000);
	assert_int_equal(info.sections[2].type, OVMF_SEV_SECTION_SNP_SECRETS);
	assert_int_equal(info.sections[3].gpa, 0x80e000);
	assert_int_equal(info.sections[3].type, OVMF_SEV_SECTION_CPUID);
	assert_int_equal(info.sections[4].gpa, 0x80f000);
	assert_int_equal(info.sections[4].size, 0x11000);
	assert_true(info.has_tdx_metadata);
	assert_int_equal(info.tdx_metadata_offset, 0x840);
	free(img);
}

static void test_ovmf_table_debian_4m(void **state)
{
	struct ovmf_sev_info info;
	struct ovmf_table t;
	size_t len;
	uint8_t *img = load_or_skip(OVMF_4M, &len);

	(void)state;
	assert_int_equal(ovmf_table_parse(img, len, &t), 0);
	assert_int_equal(t.table_len, 0x5c);
	assert_int_equal(t.nr_entries, 3);
	assert_int_equal(ovmf_sev_info_parse(img, len, &info), 0);
	assert_true(info.has_reset_block);
	assert_int_equal(info.sev_es_reset_eip, 0x00808004);
	assert_false(info.has_metadata);
	assert_int_equal(info.nr_sections, 0);
	assert_false(info.has_tdx_metadata);
	free(img);
}

/* sevctl's tests/data OVMF.amdsev trimmed image (a published fixture). */
static void test_ovmf_table_sevctl_amdsev(void **state)
{
	struct ovmf_sev_info info;
	size_t len;
	uint8_t *img = load_file(SEVCTL_TRIMMED, &len);

	(void)state;
	assert_non_null(img);
	assert_int_equal(ovmf_sev_info_parse(img, len, &info), 0);
	assert_int_equal(info.sev_es_reset_eip, 0x0080b004);
	assert_int_equal(info.secret_base, 0x80c000);
	assert_int_equal(info.secret_size, 0xc00);
	assert_int_equal(info.hashes_base, 0x80cc00);
	assert_int_equal(info.hashes_size, 0x400);
	assert_false(info.has_metadata);
	assert_int_equal(info.tdx_metadata_offset, 0x770);
	free(img);
}

/* ---- hostile and synthetic tables ------------------------------------ */

static void test_ovmf_table_no_footer(void **state)
{
	static uint8_t blank[IMG_SIZE];
	struct ovmf_table t;

	(void)state;
	assert_int_equal(ovmf_table_parse(blank, sizeof(blank), &t), -ENOENT);
	assert_int_equal(ovmf_table_parse(NULL, 4096, &t), -ENOENT);
	assert_int_equal(ovmf_table_parse(blank, 0, &t), -ENOENT);
	assert_int_equal(ovmf_table_parse(blank, 0x31, &t), -ENOENT);
}

/* The smallest image that can hold a footer: 0x32 bytes. */
static void test_ovmf_table_minimal_image(void **state)
{
	uint8_t b[0x32];
	struct ovmf_table t;

	(void)state;
	memset(b, 0, sizeof(b));
	memcpy(b + 2, OVMF_GUID_TABLE_FOOTER.b, 16);
	put16(b, 18);
	assert_int_equal(ovmf_table_parse(b, sizeof(b), &t), 0);
	assert_int_equal(t.nr_entries, 0);
	put16(b, 19); /* one byte more than the image holds below E-0x20 */
	assert_int_equal(ovmf_table_parse(b, sizeof(b), &t), -EINVAL);
	put16(b, 17);
	assert_int_equal(ovmf_table_parse(b, sizeof(b), &t), -EINVAL);
}

static void test_ovmf_table_total_out_of_range(void **state)
{
	struct img im;
	struct ovmf_table t;

	(void)state;
	img_init(&im);
	put16(im.b + IMG_SIZE - 0x32, IMG_SIZE - 0x20 + 1);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -EINVAL);
	put16(im.b + IMG_SIZE - 0x32, 0xffff);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -EINVAL);
	put16(im.b + IMG_SIZE - 0x32, IMG_SIZE - 0x20);
	/* Whole image as table: its bytes are 0xff, so the entry is bad. */
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -EINVAL);
	assert_int_equal(t.nr_entries, 0);
}

static void test_ovmf_table_entry_longer_than_table(void **state)
{
	struct img im;
	struct ovmf_table t;

	(void)state;
	img_single_u32(&im, &OVMF_GUID_SEV_ES_RESET_BLOCK, 0x1234);
	/* Claim 23 bytes while the table only holds 22 for this entry. */
	put16(im.b + IMG_SIZE - 0x32 - 18, 23);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -EINVAL);
	put16(im.b + IMG_SIZE - 0x32 - 18, 17);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -EINVAL);
	put16(im.b + IMG_SIZE - 0x32 - 18, 22);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), 0);
	assert_int_equal(t.nr_entries, 1);
	assert_int_equal(t.entries[0].data_len, 4);
}

/* A table that ends in the middle of an entry header. */
static void test_ovmf_table_truncated_header(void **state)
{
	struct img im;
	struct ovmf_table t;

	(void)state;
	img_init(&im);
	img_add_u32(&im, &OVMF_GUID_SEV_ES_RESET_BLOCK, 0x1234);
	/* Total covers the entry plus 10 stray bytes below it. */
	put16(im.b + IMG_SIZE - 0x32,
	      (uint16_t)(IMG_SIZE - 0x20 - im.top + 10));
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -EINVAL);
}

static void test_ovmf_table_entry_limit(void **state)
{
	struct ovmf_guid g = { { 0 } };
	struct img im;
	struct ovmf_table t;

	(void)state;
	img_init(&im);
	for (unsigned i = 0; i < OVMF_TABLE_MAX_ENTRIES; i++) {
		g.b[0] = (uint8_t)i;
		img_add(&im, &g, NULL, 0);
	}
	img_close(&im);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), 0);
	assert_int_equal(t.nr_entries, OVMF_TABLE_MAX_ENTRIES);
	img_add(&im, &g, NULL, 0);
	img_close(&im);
	assert_int_equal(ovmf_table_parse(im.b, IMG_SIZE, &t), -E2BIG);
	assert_int_equal(t.nr_entries, 0);
}

static void test_ovmf_table_first_duplicate_wins(void **state)
{
	struct ovmf_sev_info info;
	struct img im;

	(void)state;
	img_init(&im);
	img_add_u32(&im, &OVMF_GUID_SEV_ES_RESET_BLOCK, 0x00801000);
	img_add_u32(&im, &OVMF_GUID_SEV_ES_RESET_BLOCK, 0x00802000);
	img_close(&im);
	assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info), 0);
	assert_int_equal(info.sev_es_reset_eip, 0x00801000);
}

static void test_ovmf_table_short_entry_data(void **state)
{
	uint8_t three[3] = { 1, 2, 3 };
	uint8_t seven[7] = { 0 };
	struct ovmf_sev_info info;
	struct img im;

	(void)state;
	img_init(&im);
	img_add(&im, &OVMF_GUID_SEV_ES_RESET_BLOCK, three, 3);
	img_close(&im);
	assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info), -EINVAL);
	assert_false(info.has_reset_block);

	img_init(&im);
	img_add(&im, &OVMF_GUID_SEV_SECRET_BLOCK, seven, 7);
	img_close(&im);
	assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info), -EINVAL);
}

static const uint32_t two_sections[] = {
	0x800000, 0x1000, OVMF_SEV_SECTION_SNP_SEC_MEM,
	0x801000, 0x1000, OVMF_SEV_SECTION_CPUID,
};

static void test_ovmf_table_metadata_ok(void **state)
{
	struct ovmf_sev_info info;
	struct img im;

	(void)state;
	img_single_u32(&im, &OVMF_GUID_SEV_METADATA_OFFSET, 0x400);
	img_put_asev(&im, 0x400, 16 + 24, 2, two_sections, 2);
	assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info), 0);
	assert_true(info.has_metadata);
	assert_int_equal(info.nr_sections, 2);
	assert_int_equal(info.sections[1].gpa, 0x801000);
	assert_int_equal(info.sections[1].type, OVMF_SEV_SECTION_CPUID);
}

/* Each metadata defect on its own. */
static void test_ovmf_table_metadata_hostile(void **state)
{
	static const uint32_t wraps[] = { 0xfffff000, 0x1001, 1 };
	static const uint32_t ends_at_4g[] = { 0xfffff000, 0x1000, 1 };
	struct ovmf_sev_info info;
	struct img im;
	const struct {
		uint32_t off, len, n;
		const uint32_t *secs;
		int rc;
	} cases[] = {
		{ IMG_SIZE + 1, 16, 0, NULL, -EINVAL },	/* before the image */
		{ 15, 16, 0, NULL, -EINVAL },		/* header past the end */
		{ 0x400, 16 + 23, 2, two_sections, -EINVAL }, /* short len */
		{ 0x400, 0x401, 2, two_sections, -EINVAL },   /* len > off */
		{ 0x400, 16 + 33 * 12, 33, NULL, -EINVAL },   /* too many */
		{ 0x400, 28, 1, wraps, -EINVAL },
		{ 0x400, 28, 1, ends_at_4g, 0 },
		{ IMG_SIZE, 16, 0, NULL, 0 },		/* at file offset 0 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		img_single_u32(&im, &OVMF_GUID_SEV_METADATA_OFFSET,
			       cases[i].off);
		if (cases[i].off >= 16 && cases[i].off <= IMG_SIZE)
			img_put_asev(&im, cases[i].off, cases[i].len,
				     cases[i].n, cases[i].secs,
				     cases[i].secs ? (cases[i].n < 2 ?
						      cases[i].n : 2) : 0);
		assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info),
				 cases[i].rc);
	}
}

static void test_ovmf_table_metadata_bad_signature(void **state)
{
	struct ovmf_sev_info info;
	struct img im;

	(void)state;
	img_single_u32(&im, &OVMF_GUID_SEV_METADATA_OFFSET, 0x400);
	img_put_asev(&im, 0x400, 16, 0, NULL, 0);
	im.b[IMG_SIZE - 0x400] = 'B';
	assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info), -EINVAL);
}

static void test_ovmf_table_tdx_offset_outside(void **state)
{
	struct ovmf_sev_info info;
	struct img im;

	(void)state;
	img_single_u32(&im, &OVMF_GUID_TDX_METADATA_OFFSET, IMG_SIZE + 1);
	assert_int_equal(ovmf_sev_info_parse(im.b, IMG_SIZE, &info), -EINVAL);
}

static void test_ovmf_table_names(void **state)
{
	char buf[37];
	struct ovmf_guid unknown = { { 1 } };

	(void)state;
	ovmf_guid_format(&OVMF_GUID_TABLE_FOOTER, buf);
	assert_string_equal(buf, "96b582de-1fb2-45f7-baea-a366c55a082d");
	ovmf_guid_format(&OVMF_GUID_SEV_METADATA_OFFSET, buf);
	assert_string_equal(buf, "dc886566-984a-4798-a75e-5585a7bf67cc");
	assert_string_equal(ovmf_guid_name(&OVMF_GUID_SEV_ES_RESET_BLOCK),
			    "SEV-ES reset block");
	assert_null(ovmf_guid_name(&unknown));
	assert_string_equal(ovmf_sev_section_name(3), "CPUID");
	assert_string_equal(ovmf_sev_section_name(0x10), "SNP_KERNEL_HASHES");
	assert_string_equal(ovmf_sev_section_name(99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ovmf_table_debian_2m),
		cmocka_unit_test(test_ovmf_table_debian_4m),
		cmocka_unit_test(test_ovmf_table_sevctl_amdsev),
		cmocka_unit_test(test_ovmf_table_no_footer),
		cmocka_unit_test(test_ovmf_table_minimal_image),
		cmocka_unit_test(test_ovmf_table_total_out_of_range),
		cmocka_unit_test(test_ovmf_table_entry_longer_than_table),
		cmocka_unit_test(test_ovmf_table_truncated_header),
		cmocka_unit_test(test_ovmf_table_entry_limit),
		cmocka_unit_test(test_ovmf_table_first_duplicate_wins),
		cmocka_unit_test(test_ovmf_table_short_entry_data),
		cmocka_unit_test(test_ovmf_table_metadata_ok),
		cmocka_unit_test(test_ovmf_table_metadata_hostile),
		cmocka_unit_test(test_ovmf_table_metadata_bad_signature),
		cmocka_unit_test(test_ovmf_table_tdx_offset_outside),
		cmocka_unit_test(test_ovmf_table_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
