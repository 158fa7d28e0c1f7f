// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the offline VARS reader (firmware/varstore.c): the real OVMF
 * templates and the file QEMU left after "setvar CeoProbe" (tests/data), and
 * synthetic images for every rejection, every variable state and every
 * malformed length.
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

#include "firmware/varstore.h"
#include "tests/unit/load_file.h"

#define IMG_SIZE	0x2000u
#define FV_HLEN		0x48u
#define AUTH_HDR	60u
#define PLAIN_HDR	32u

static const uint8_t nv_guid[16] = {
	0x8D, 0x2B, 0xF1, 0xFF, 0x96, 0x76, 0x8B, 0x4C,
	0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50,
};
static const uint8_t auth_guid[16] = {
	0x78, 0x2C, 0xF3, 0xAA, 0x7B, 0x94, 0x9A, 0x43,
	0xA1, 0x80, 0x2E, 0x14, 0x4E, 0xC3, 0x77, 0x92,
};
static const uint8_t plain_guid[16] = {
	0x16, 0x36, 0xCF, 0xDD, 0x75, 0x32, 0x64, 0x41,
	0x98, 0xB6, 0xFE, 0x85, 0x70, 0x7F, 0xFE, 0x7D,
};
/* The README's CeoProbe GUID 5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001. */
static const uint8_t probe_guid[16] = {
	0x1E, 0x7A, 0x3C, 0x5F, 0x2D, 0x6B, 0x8F, 0x4E,
	0x9A, 0x10, 0xC0, 0xFF, 0xEE, 0x00, 0x00, 0x01,
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void fix_checksum(uint8_t *img)
{
	uint16_t sum = 0;

	put16(img + 0x32, 0);
	for (unsigned i = 0; i < FV_HLEN; i += 2)
		sum = (uint16_t)(sum + (img[i] | img[i + 1] << 8));
	put16(img + 0x32, (uint16_t)(0x10000 - sum));
}

/* An FV header and an empty variable store, as OVMF's template has. */
static void build_image(uint8_t *img, uint32_t size, bool authenticated)
{
	memset(img, 0xFF, size);
	memset(img, 0, FV_HLEN);
	memcpy(img + 0x10, nv_guid, 16);
	put64(img + 0x20, size);
	memcpy(img + 0x28, "_FVH", 4);
	put32(img + 0x2C, 0x0004FEFF);
	put16(img + 0x30, FV_HLEN);
	img[0x37] = 2;
	put32(img + 0x38, size / 0x1000);
	put32(img + 0x3C, 0x1000);
	fix_checksum(img);
	memcpy(img + FV_HLEN, authenticated ? auth_guid : plain_guid, 16);
	put32(img + FV_HLEN + 16, size - FV_HLEN);
	img[FV_HLEN + 20] = 0x5A;
	img[FV_HLEN + 21] = 0xFE;
	memset(img + FV_HLEN + 22, 0, 6);
}

/* Append a variable at (*off) with an ASCII (name); returns its offset. */
static uint32_t add_var(uint8_t *img, uint32_t *off, bool auth, uint8_t state,
			const char *name, const uint8_t *guid,
			const void *data, uint32_t len)
{
	uint32_t at = *off, hdr = auth ? AUTH_HDR : PLAIN_HDR;
	uint32_t nsize = 2 * ((uint32_t)strlen(name) + 1);
	uint8_t *p = img + at, *sizes = p + (auth ? 36 : 8);

	memset(p, 0, hdr);
	put16(p, 0x55AA);
	p[2] = state;
	put32(p + 4, 0x7);
	put32(sizes, nsize);
	put32(sizes + 4, len);
	memcpy(sizes + 8, guid, 16);
	for (uint32_t i = 0; i < nsize / 2; i++)
		put16(p + hdr + 2 * i, (uint8_t)name[i]);
	memcpy(p + hdr + nsize, data, len);
	*off = (at + hdr + nsize + len + 3) & ~3u;
	return at;
}

static void expect_reject(uint8_t *img, uint64_t size, const char *reason)
{
	char why[160] = "";

	assert_int_equal(varstore_check_fv(img, size, why, sizeof(why)),
			 -EINVAL);
	if (!strstr(why, reason))
		fail_msg("reason \"%s\" lacks \"%s\"", why, reason);
}

static void test_varstore_real_templates_pass(void **state)
{
	const char *files[] = { "ovmf2m-vars-before.fd.gz",
				"ovmf2m-vars-after.fd.gz",
				"ovmf4m-vars-before.fd.gz",
				"ovmf4m-vars-after.fd.gz" };
	char why[160];

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		size_t len;
		uint8_t *img = load_gzip(files[i], &len);

		assert_int_equal(len, i < 2 ? 0x20000 : 0x84000);
		assert_int_equal(varstore_check_fv(img, len, why, sizeof(why)),
				 0);
		/* The same bytes claimed as a shorter file do not pass. */
		expect_reject(img, len - 0x1000, "FvLength");
		free(img);
	}
}

static void test_varstore_check_fv_rejections(void **state)
{
	uint8_t *img = malloc(IMG_SIZE);

	(void)state;
	build_image(img, IMG_SIZE, true);
	assert_int_equal(varstore_check_fv(img, IMG_SIZE, NULL, 0), 0);
	expect_reject(img, 0x47, "too small");
	assert_int_equal(varstore_check_fv(NULL, IMG_SIZE, NULL, 0), -EINVAL);
	img[3] = 1;
	expect_reject(img, IMG_SIZE, "zero vector");
	img[3] = 0;
	img[0x10] ^= 1;
	expect_reject(img, IMG_SIZE, "GUID");
	img[0x10] ^= 1;
	img[0x28] = 'X';
	expect_reject(img, IMG_SIZE, "_FVH");
	img[0x28] = '_';
	put16(img + 0x30, 0x47);
	expect_reject(img, IMG_SIZE, "HeaderLength");
	put16(img + 0x30, 0x40);
	expect_reject(img, IMG_SIZE, "HeaderLength");
	put16(img + 0x30, 0x1002);
	expect_reject(img, IMG_SIZE, "HeaderLength");
	put16(img + 0x30, 0x49);
	expect_reject(img, IMG_SIZE, "HeaderLength");
	put16(img + 0x30, FV_HLEN);
	img[0x37] = 1;
	fix_checksum(img);
	expect_reject(img, IMG_SIZE, "revision");
	img[0x37] = 2;
	img[0x2C] ^= 0x40;	/* attributes changed, checksum not */
	expect_reject(img, IMG_SIZE, "checksum");
	img[0x2C] ^= 0x40;
	put32(img + 0x3C, 0x2000);
	fix_checksum(img);
	expect_reject(img, IMG_SIZE, "block size");
	put32(img + 0x3C, 0x1000);
	put32(img + 0x38, 3);
	fix_checksum(img);
	expect_reject(img, IMG_SIZE, "block map covers 3 blocks");
	put32(img + 0x38, 2);
	put32(img + 0x40, 1);
	fix_checksum(img);
	expect_reject(img, IMG_SIZE, "not terminated");
	put32(img + 0x40, 0);
	fix_checksum(img);
	assert_int_equal(varstore_check_fv(img, IMG_SIZE, NULL, 0), 0);
	free(img);
}

static void test_varstore_check_pair(void **state)
{
	char why[200];

	(void)state;
	assert_int_equal(varstore_check_pair(0x37C000, 0x84000, NULL, 0), 0);
	assert_int_equal(varstore_check_pair(0x1E0000, 0x20000, NULL, 0), 0);
	assert_int_equal(varstore_check_pair(0xE0000, 0x20000, NULL, 0), 0);
	/* The classic mistake: 4M CODE with the 2M build's VARS. */
	assert_int_equal(varstore_check_pair(0x37C000, 0x20000, why,
					     sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "CODE 0x37c000 + VARS 0x20000"));
	assert_int_equal(varstore_check_pair(0x1E0000, 0x84000, NULL, 0),
			 -EINVAL);
	assert_int_equal(varstore_check_pair(0x400000, 0, NULL, 0), -EINVAL);
	assert_int_equal(varstore_check_pair(UINT64_MAX, 0x20000, NULL, 0),
			 -EINVAL);
}

static void test_varstore_template_is_empty(void **state)
{
	struct varstore_iter it;
	struct varstore_var v;
	size_t len;
	uint8_t *img = load_gzip("ovmf4m-vars-before.fd.gz", &len);

	(void)state;
	assert_int_equal(varstore_iter_init(&it, img, len, NULL, 0), 0);
	assert_true(it.authenticated);
	assert_int_equal(it.start, 0x64);
	assert_int_equal(it.end, 0x48 + 0x3FFB8);
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	free(img);
}

static unsigned count_vars(struct varstore_iter *it, const char *ascii,
			   struct varstore_var *found)
{
	struct varstore_var v;
	unsigned n = 0, matches = 0;

	while (varstore_iter_next(it, &v) == 1) {
		bool same = v.name_size == 2 * (strlen(ascii) + 1);

		for (uint32_t i = 0; same && i < v.name_size / 2; i++)
			same = v.name[2 * i] == (uint8_t)ascii[i] &&
			       v.name[2 * i + 1] == 0;
		if (same) {
			*found = v;
			matches++;
		}
		n++;
	}
	return n * 100 + matches;
}

static void expect_utf16(const struct varstore_var *v, const char *text)
{
	assert_int_equal(v->data_size, 2 * strlen(text));
	for (size_t i = 0; i < strlen(text); i++) {
		assert_int_equal(v->data[2 * i], (uint8_t)text[i]);
		assert_int_equal(v->data[2 * i + 1], 0);
	}
}

static void test_varstore_after_setvar(void **state)
{
	struct varstore_iter it;
	struct varstore_var v;
	size_t len;
	uint8_t *img = load_gzip("ovmf2m-vars-after.fd.gz", &len);

	(void)state;
	assert_int_equal(varstore_iter_init(&it, img, len, NULL, 0), 0);
	/* 27 live variables; exactly one CeoProbe, the second value. */
	assert_int_equal(count_vars(&it, "CeoProbe", &v), 2701);
	expect_utf16(&v, "second-value");
	assert_int_equal(v.attributes, 0x7);
	assert_int_equal(v.state, VARSTORE_VAR_ADDED);
	assert_memory_equal(v.guid, probe_guid, 16);
	/* With --all the deleted first value shows up too: 52 entries. */
	assert_int_equal(varstore_iter_init(&it, img, len, NULL, 0), 0);
	it.all = true;
	memset(&v, 0, sizeof(v));
	{
		struct varstore_var e;
		unsigned n = 0, probes = 0;

		while (varstore_iter_next(&it, &e) == 1) {
			n++;
			if (memcmp(e.guid, probe_guid, 16) == 0 &&
			    probes++ == 0)
				v = e;
		}
		assert_int_equal(n, 52);
		assert_int_equal(probes, 2);
	}
	assert_int_equal(v.state, 0x3C);	/* ADDED & DELETED & IN_DEL */
	expect_utf16(&v, "probe123");
	free(img);
}

static void test_varstore_states(void **state)
{
	uint8_t *img = malloc(IMG_SIZE);
	struct varstore_iter it;
	struct varstore_var v;
	uint32_t off = 0x64;
	uint8_t other[16];

	(void)state;
	memcpy(other, probe_guid, 16);
	other[15] ^= 0xFF;
	build_image(img, IMG_SIZE, true);
	add_var(img, &off, true, 0xFF, "Partial", probe_guid, "x", 1);
	add_var(img, &off, true, 0x7F, "HeaderOnly", probe_guid, "xy", 2);
	add_var(img, &off, true, 0x3C, "Deleted", probe_guid, "xyz", 3);
	/* In transition, superseded by the ADDED copy that follows. */
	add_var(img, &off, true, 0x3E, "Moved", probe_guid, "old", 3);
	/* In transition, with a copy under another GUID only: live. */
	uint32_t lone = add_var(img, &off, true, 0x3E, "Lone", probe_guid,
				"l", 1);
	add_var(img, &off, true, 0x3F, "Moved", probe_guid, "new!", 4);
	add_var(img, &off, true, 0x3F, "Lone", other, "o", 1);
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.offset, lone);
	assert_int_equal(v.state, 0x3E);
	assert_memory_equal(v.data, "l", 1);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.data_size, 4);
	assert_memory_equal(v.data, "new!", 4);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_memory_equal(v.guid, other, 16);
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	/* Entries are 4-aligned: "Partial" (16) + 1 byte -> next at +80. */
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	it.all = true;
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.offset, 0x64);
	assert_int_equal(v.name_size, 16);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.offset, 0x64 + 80);
	free(img);
}

static void test_varstore_plain_format(void **state)
{
	uint8_t *img = malloc(IMG_SIZE);
	struct varstore_iter it;
	struct varstore_var v;
	uint32_t off = 0x64;

	(void)state;
	build_image(img, IMG_SIZE, false);
	add_var(img, &off, false, 0x3F, "A", probe_guid, "abcde", 5);
	add_var(img, &off, false, 0x3F, "B", probe_guid, "z", 1);
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	assert_false(it.authenticated);
	assert_int_equal(it.header_size, 32);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.name_size, 4);
	assert_memory_equal(v.data, "abcde", 5);
	assert_int_equal(v.attributes, 7);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.offset, 0x64 + 44);	/* 32 + 4 + 5, aligned */
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	free(img);
}

static void test_varstore_store_header_rejections(void **state)
{
	uint8_t *img = malloc(IMG_SIZE);
	struct varstore_iter it;
	char why[160];

	(void)state;
	build_image(img, IMG_SIZE, true);
	img[FV_HLEN] ^= 1;
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, why,
					    sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "signature"));
	img[FV_HLEN] ^= 1;
	img[FV_HLEN + 20] = 0xFF;
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, why,
					    sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "formatted"));
	img[FV_HLEN + 20] = 0x5A;
	put32(img + FV_HLEN + 16, IMG_SIZE - FV_HLEN + 1);
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, why,
					    sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "size"));
	put32(img + FV_HLEN + 16, 27);
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0),
			 -EINVAL);
	/* A bad FV header is reported as such. */
	put32(img + FV_HLEN + 16, IMG_SIZE - FV_HLEN);
	img[0x28] = 0;
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, why,
					    sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "_FVH"));
	free(img);
}

static void test_varstore_malformed_lengths(void **state)
{
	uint8_t *img = malloc(IMG_SIZE);
	struct varstore_iter it;
	struct varstore_var v;
	uint32_t off = 0x64, bad;

	(void)state;
	build_image(img, IMG_SIZE, true);
	add_var(img, &off, true, 0x3F, "Good", probe_guid, "g", 1);
	bad = add_var(img, &off, true, 0x3F, "Bad", probe_guid, "b", 1);
	put32(img + bad + 36, 0xFFFFFFFF);		/* NameSize */
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(varstore_iter_next(&it, &v), -EINVAL);
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	put32(img + bad + 36, 8);
	put32(img + bad + 40, IMG_SIZE);		/* DataSize */
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(varstore_iter_next(&it, &v), -EINVAL);
	/* Data ending exactly at the store end is fine. */
	put32(img + bad + 40, IMG_SIZE - (bad + 60 + 8));
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(varstore_iter_next(&it, &v), 1);
	assert_int_equal(v.data + v.data_size, img + IMG_SIZE);
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	/* A header that does not fit before the end is the end. */
	build_image(img, IMG_SIZE, true);
	put16(img + IMG_SIZE - 40, 0x55AA);
	put32(img + FV_HLEN + 16, IMG_SIZE - FV_HLEN);
	off = 0x64;
	assert_int_equal(varstore_iter_init(&it, img, IMG_SIZE, NULL, 0), 0);
	it.next = IMG_SIZE - 40;
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	free(img);
}

static void test_varstore_guid_str(void **state)
{
	char s[37];

	(void)state;
	varstore_guid_str(probe_guid, s);
	assert_string_equal(s, "5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001");
	varstore_guid_str(nv_guid, s);
	assert_string_equal(s, "fff12b8d-7696-4c8b-a985-2747075b4f50");
}

static void test_varstore_guid_parse(void **state)
{
	static const char *const bad[] = {
		"", "5f3c7a1e-6b2d-4e8f-9a10-c0ffee00000",	/* 35 chars */
		"5f3c7a1e-6b2d-4e8f-9a10-c0ffee0000011",	/* 37 chars */
		"5f3c7a1e_6b2d-4e8f-9a10-c0ffee000001",		/* separator */
		"5f3c7a1e-6b2d-4e8f-9a10c-0ffee000001",		/* misplaced */
		"5f3c7a1g-6b2d-4e8f-9a10-c0ffee000001",		/* not hex */
		"{5f3c7a1e-6b2d-4e8f-9a10-c0ffee0000}",
		"5f3c7a1e-6b2d-4e8f-9a10-c0ffee00000 ",
	};
	uint8_t g[16], keep[16];

	(void)state;
	assert_int_equal(varstore_guid_parse(
		"5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001", g), 0);
	assert_memory_equal(g, probe_guid, 16);
	assert_int_equal(varstore_guid_parse(
		"FFF12B8D-7696-4C8B-A985-2747075B4F50", g), 0);
	assert_memory_equal(g, nv_guid, 16);
	memcpy(keep, g, 16);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(varstore_guid_parse(bad[i], g), -EINVAL);
		assert_memory_equal(g, keep, 16);	/* untouched */
	}
	assert_int_equal(varstore_guid_parse(NULL, g), -EINVAL);
}

static void test_varstore_vendor_names(void **state)
{
	static const struct { const char *name, *guid; } known[] = {
		{ "global", "8be4df61-93ca-11d2-aa0d-00e098032b8c" },
		{ "security-db", "d719b2cb-3d3a-4596-a3bc-dad00e67656f" },
		{ "shim", "605dab50-e046-4300-abb6-3dd810dd8b23" },
		{ "shell", "158def5a-f656-419c-b027-7a3192c079d2" },
		{ "secure-boot-enable",
		  "f0a30bc7-af08-4556-99c4-001009c93a44" },
		{ "custom-mode", "c076ec0c-7028-4399-a072-71ee5c448b9f" },
	};
	uint8_t g[16];
	char s[37];

	(void)state;
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_int_equal(varstore_vendor_lookup(known[i].name, g), 0);
		varstore_guid_str(g, s);
		assert_string_equal(s, known[i].guid);
		assert_string_equal(varstore_vendor_name(g), known[i].name);
	}
	/* Aliases: MOK, any case, and virt-fw-vars' names. */
	assert_int_equal(varstore_vendor_lookup("MOK", g), 0);
	assert_string_equal(varstore_vendor_name(g), "shim");
	assert_int_equal(varstore_vendor_lookup("EfiGlobalVariable", g), 0);
	assert_string_equal(varstore_vendor_name(g), "global");
	assert_int_equal(varstore_vendor_lookup("efiimagesecuritydatabase",
						g), 0);
	assert_string_equal(varstore_vendor_name(g), "security-db");
	assert_int_equal(varstore_vendor_lookup("nope", g), -ENOENT);
	assert_int_equal(varstore_vendor_lookup("", g), -ENOENT);
	assert_int_equal(varstore_vendor_lookup(NULL, g), -ENOENT);
	assert_null(varstore_vendor_name(probe_guid));
}

static void test_varstore_find(void **state)
{
	static const uint8_t probe_name[] = "C\0e\0o\0P\0r\0o\0b\0e\0\0";
	struct varstore_var v;
	size_t len;
	uint8_t *img = load_gzip("ovmf2m-vars-after.fd.gz", &len);
	char why[160];

	(void)state;
	/* The live copy, not the deleted one before it. */
	assert_int_equal(varstore_find(img, len, probe_name, 18, probe_guid,
				       &v, why, sizeof(why)), 1);
	expect_utf16(&v, "second-value");
	assert_true(v.live);
	/* Names compare exactly: case, size and GUID all count. */
	assert_int_equal(varstore_find(img, len, probe_name, 16, probe_guid,
				       &v, NULL, 0), 0);
	assert_int_equal(varstore_find(img, len, probe_name, 18, nv_guid,
				       &v, NULL, 0), 0);
	img[0x20] ^= 1;	/* FvLength */
	assert_int_equal(varstore_find(img, len, probe_name, 18, probe_guid,
				       &v, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "FvLength"));
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varstore_real_templates_pass),
		cmocka_unit_test(test_varstore_check_fv_rejections),
		cmocka_unit_test(test_varstore_check_pair),
		cmocka_unit_test(test_varstore_template_is_empty),
		cmocka_unit_test(test_varstore_after_setvar),
		cmocka_unit_test(test_varstore_states),
		cmocka_unit_test(test_varstore_plain_format),
		cmocka_unit_test(test_varstore_store_header_rejections),
		cmocka_unit_test(test_varstore_malformed_lengths),
		cmocka_unit_test(test_varstore_guid_str),
		cmocka_unit_test(test_varstore_guid_parse),
		cmocka_unit_test(test_varstore_vendor_names),
		cmocka_unit_test(test_varstore_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
