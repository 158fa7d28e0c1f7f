// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the offline VARS writer (firmware/varedit.c): set, replace,
 * delete, reclaim and store-full on the real OVMF template
 * (/usr/share/OVMF/OVMF_VARS.fd, skipped when the ovmf package is missing)
 * and on the file OVMF itself wrote (tests/data), read back through
 * firmware/varstore.c; and the text conversions of the command line.
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

#include "firmware/varedit.h"
#include "firmware/varstore.h"
#include "tests/unit/load_file.h"

#define OVMF_DIR	"/usr/share/OVMF"
#define VARS_2M_SIZE	0x20000u
#define STORE_START	0x64u	/* first header: 0x48 + 28, aligned */
#define STORE_END	0xE000u	/* 0x48 + VARIABLE_STORE_HEADER.Size */

static const uint8_t global_guid[16] = {
	0x61, 0xDF, 0xE4, 0x8B, 0xCA, 0x93, 0xD2, 0x11,
	0xAA, 0x0D, 0x00, 0xE0, 0x98, 0x03, 0x2B, 0x8C,
};
/* MTC's vendor eb704011-1402-11d3-8e77-00a0c969723b. */
static const uint8_t mtc_guid[16] = {
	0x11, 0x40, 0x70, 0xEB, 0x02, 0x14, 0xD3, 0x11,
	0x8E, 0x77, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B,
};

struct fixture {
	uint8_t *img;
	uint8_t *orig;	/* the bytes as loaded */
	size_t len;
};

static int load(void **state, uint8_t *img, size_t len)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->img = img;
	f->len = len;
	f->orig = malloc(len);
	assert_non_null(f->orig);
	memcpy(f->orig, img, len);
	*state = f;
	return 0;
}

static int setup_template(void **state)
{
	size_t len;
	uint8_t *img = load_file(OVMF_DIR "/OVMF_VARS.fd", &len);

	if (!img) {
		*state = NULL;
		return 0;
	}
	assert_int_equal(len, VARS_2M_SIZE);
	return load(state, img, len);
}

static int setup_after(void **state)
{
	size_t len;
	uint8_t *img = load_gzip("ovmf2m-vars-after.fd.gz", &len);

	return load(state, img, len);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		free(f->img);
		free(f->orig);
		free(f);
	}
	return 0;
}

static struct fixture *need(void **state)
{
	if (!*state)
		skip();	/* no ovmf package: nothing to test on */
	return *state;
}

/* ASCII (text) as a UTF-16LE name into (buf); returns its size. */
static uint32_t name16(const char *text, uint8_t *buf)
{
	uint32_t n;

	assert_int_equal(varedit_name_from_utf8(text, buf, &n), 0);
	return n;
}

static int set(struct fixture *f, const char *name, const uint8_t *guid,
	       uint32_t attrs, const void *data, uint32_t size)
{
	uint8_t nbuf[VAREDIT_NAME_BUF];
	struct varedit_req r = { .name = nbuf, .attributes = attrs,
				 .data = data, .data_size = size };

	r.name_size = name16(name, nbuf);
	memcpy(r.guid, guid, 16);
	return varedit_set(f->img, f->len, &r, NULL, 0);
}

static int find(struct fixture *f, const char *name, const uint8_t *guid,
		struct varstore_var *v)
{
	uint8_t nbuf[VAREDIT_NAME_BUF];
	uint32_t n = name16(name, nbuf);

	return varstore_find(f->img, f->len, nbuf, n, guid, v, NULL, 0);
}

static unsigned count(struct fixture *f, bool all)
{
	struct varstore_iter it;
	struct varstore_var v;
	unsigned n = 0;

	assert_int_equal(varstore_iter_init(&it, f->img, f->len, NULL, 0), 0);
	it.all = all;
	while (varstore_iter_next(&it, &v) == 1)
		n++;
	assert_int_equal(varstore_iter_next(&it, &v), 0);
	return n;
}

/* The FV still checks and nothing outside [STORE_START, STORE_END) moved. */
static void expect_outside_unchanged(const struct fixture *f)
{
	assert_int_equal(varstore_check_fv(f->img, f->len, NULL, 0), 0);
	assert_memory_equal(f->img, f->orig, STORE_START);
	assert_memory_equal(f->img + STORE_END, f->orig + STORE_END,
			    f->len - STORE_END);
}

static void expect_erased(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			fail_msg("byte %zu is 0x%02x, not erased", i, p[i]);
}

static void test_varedit_set_new(void **state)
{
	struct fixture *f = need(state);
	struct varstore_var v;

	assert_int_equal(set(f, "MTC", mtc_guid, 7, "\1\0\0\0", 4), 0);
	assert_int_equal(find(f, "MTC", mtc_guid, &v), 1);
	assert_int_equal(v.offset, STORE_START);
	assert_int_equal(v.state, VARSTORE_VAR_ADDED);
	assert_int_equal(v.attributes, 7);
	assert_int_equal(v.data_size, 4);
	assert_memory_equal(v.data, "\1\0\0\0", 4);
	assert_int_equal(count(f, true), 1);
	expect_outside_unchanged(f);
	/* Only the 72 bytes of the entry changed. */
	assert_memory_equal(f->img + STORE_START + 72,
			    f->orig + STORE_START + 72,
			    STORE_END - STORE_START - 72);
}

/* Byte for byte what OVMF's driver wrote for MTC in the recorded file. */
static void test_varedit_matches_ovmf(void **state)
{
	struct fixture *f = need(state);
	size_t len;
	uint8_t *ovmf = load_gzip("ovmf2m-vars-after.fd.gz", &len);
	struct fixture o = { .img = ovmf, .len = len };
	struct varstore_var mine, theirs;

	assert_int_equal(find(&o, "MTC", mtc_guid, &theirs), 1);
	assert_int_equal(set(f, "MTC", mtc_guid, theirs.attributes,
			     theirs.data, theirs.data_size), 0);
	assert_int_equal(find(f, "MTC", mtc_guid, &mine), 1);
	assert_memory_equal(f->img + mine.offset, ovmf + theirs.offset,
			    60 + 8 + 4);
	free(ovmf);
}

static void test_varedit_replace(void **state)
{
	struct fixture *f = need(state);
	struct varstore_var v;
	uint8_t first_state;

	assert_int_equal(set(f, "Foo", global_guid, 7, "one", 3), 0);
	assert_int_equal(set(f, "Bar", global_guid, 3, "b", 1), 0);
	assert_int_equal(set(f, "Foo", global_guid, 7, "second", 6), 0);
	assert_int_equal(find(f, "Foo", global_guid, &v), 1);
	assert_memory_equal(v.data, "second", 6);
	assert_int_equal(v.offset, STORE_START + 2 * 0x48);
	first_state = f->img[STORE_START + 2];
	assert_int_equal(first_state, 0x3C);	/* as edk2 leaves it */
	assert_int_equal(count(f, false), 2);
	assert_int_equal(count(f, true), 3);
	/* An update keeps nothing else: Bar is as it was. */
	assert_int_equal(find(f, "Bar", global_guid, &v), 1);
	assert_int_equal(v.attributes, 3);
	expect_outside_unchanged(f);
}

static void test_varedit_delete(void **state)
{
	struct fixture *f = need(state);
	uint8_t nbuf[VAREDIT_NAME_BUF], *before = malloc(f->len);
	uint32_t n = name16("Foo", nbuf);
	struct varstore_var v;
	char why[160];

	assert_non_null(before);
	assert_int_equal(set(f, "Foo", global_guid, 7, "one", 3), 0);
	assert_int_equal(varedit_delete(f->img, f->len, nbuf, n, global_guid,
					NULL, 0), 0);
	assert_int_equal(f->img[STORE_START + 2], 0x3D);	/* &= DELETED */
	assert_int_equal(find(f, "Foo", global_guid, &v), 0);
	assert_int_equal(count(f, false), 0);
	memcpy(before, f->img, f->len);
	assert_int_equal(varedit_delete(f->img, f->len, nbuf, n, global_guid,
					why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "no such variable");
	/* Same name, other vendor: not that variable. */
	assert_int_equal(varedit_delete(f->img, f->len, nbuf, n, mtc_guid,
					NULL, 0), -ENOENT);
	/* Names are case-sensitive. */
	n = name16("foo", nbuf);
	assert_int_equal(set(f, "Foo", global_guid, 7, "x", 1), 0);
	memcpy(before, f->img, f->len);
	assert_int_equal(varedit_delete(f->img, f->len, nbuf, n, global_guid,
					NULL, 0), -ENOENT);
	assert_memory_equal(before, f->img, f->len);
	expect_outside_unchanged(f);
	free(before);
}

/* Replacing a big value until the free space runs out reclaims. */
static void test_varedit_reclaim_on_set(void **state)
{
	struct fixture *f = need(state);
	uint32_t big = 4000, entry = (60 + 8 + big + 3) & ~3u;
	uint8_t *data = malloc(big);
	struct varstore_var v;
	unsigned fits = (STORE_END - STORE_START - 76) / entry, i;

	assert_non_null(data);
	assert_int_equal(set(f, "Keep", global_guid, 7, "keep", 4), 0);
	for (i = 0; i <= fits; i++) {
		memset(data, (int)i, big);
		assert_int_equal(set(f, "Big", global_guid, 3, data, big), 0);
	}
	/* The (fits + 1)th copy forced a reclaim: Keep, then Big. */
	assert_int_equal(count(f, true), 2);
	assert_int_equal(find(f, "Keep", global_guid, &v), 1);
	assert_int_equal(v.offset, STORE_START);
	assert_int_equal(find(f, "Big", global_guid, &v), 1);
	assert_int_equal(v.offset, STORE_START + 76);
	assert_int_equal(v.data[0], (uint8_t)fits);
	expect_erased(f->img + STORE_START + 76 + entry,
		      STORE_END - STORE_START - 76 - entry);
	expect_outside_unchanged(f);
	free(data);
}

static void test_varedit_store_full(void **state)
{
	struct fixture *f = need(state);
	uint32_t span = STORE_END - STORE_START;
	uint8_t *data = calloc(1, span), *before = malloc(f->len);
	uint8_t nbuf[VAREDIT_NAME_BUF];
	struct varedit_req r = { .name = nbuf, .attributes = 7, .data = data };
	char why[160];

	assert_non_null(data);
	assert_non_null(before);
	r.name_size = name16("Huge", nbuf);
	memcpy(r.guid, global_guid, 16);
	/* Exactly the whole store fits. */
	r.data_size = span - 60 - r.name_size;
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), 0);
	assert_int_equal(count(f, true), 1);
	/* A second one does not, even after a reclaim. */
	memcpy(before, f->img, f->len);
	r.name_size = name16("Other", nbuf);
	r.data_size = 1;
	assert_int_equal(varedit_set(f->img, f->len, &r, why, sizeof(why)),
			 -ENOSPC);
	assert_string_equal(why, "store full: 73 bytes needed, 0 free after "
			    "a reclaim");
	assert_memory_equal(before, f->img, f->len);
	/* Replacing Huge by itself is fine: the old copy is dropped. */
	r.name_size = name16("Huge", nbuf);
	r.data_size = span - 60 - r.name_size;
	data[0] = 0x5A;
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), 0);
	assert_int_equal(f->img[STORE_START + 60 + r.name_size], 0x5A);
	assert_int_equal(count(f, true), 1);
	/* One byte more than the store never fits. */
	memcpy(before, f->img, f->len);
	r.data_size++;
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -ENOSPC);
	assert_memory_equal(before, f->img, f->len);
	expect_outside_unchanged(f);
	free(data);
	free(before);
}

/* OVMF's own file: 52 entries, 27 live; a reclaim keeps the 27 exactly. */
static void test_varedit_reclaim_ovmf_file(void **state)
{
	struct fixture *f = *state;
	struct varstore_iter a, b;
	struct varstore_var va, vb;
	char why[160];

	assert_int_equal(count(f, true), 52);
	assert_int_equal(varedit_reclaim(f->img, f->len, why, sizeof(why)), 0);
	assert_int_equal(count(f, true), 27);
	assert_int_equal(count(f, false), 27);
	assert_int_equal(varstore_iter_init(&a, f->orig, f->len, NULL, 0), 0);
	assert_int_equal(varstore_iter_init(&b, f->img, f->len, NULL, 0), 0);
	while (varstore_iter_next(&a, &va) == 1) {
		assert_int_equal(varstore_iter_next(&b, &vb), 1);
		assert_int_equal(vb.state, VARSTORE_VAR_ADDED);
		assert_int_equal(va.attributes, vb.attributes);
		assert_memory_equal(va.guid, vb.guid, 16);
		assert_int_equal(va.name_size, vb.name_size);
		assert_memory_equal(va.name, vb.name, va.name_size);
		assert_int_equal(va.data_size, vb.data_size);
		assert_memory_equal(va.data, vb.data, va.data_size);
	}
	assert_int_equal(varstore_iter_next(&b, &vb), 0);
	expect_outside_unchanged(f);
	/* A second reclaim changes nothing. */
	memcpy(f->orig, f->img, f->len);
	assert_int_equal(varedit_reclaim(f->img, f->len, NULL, 0), 0);
	assert_memory_equal(f->orig, f->img, f->len);
}

/* An interrupted update (0x3E) that is live gets 0x3C when replaced. */
static void test_varedit_in_deleted_transition(void **state)
{
	struct fixture *f = *state;
	struct varstore_var v;

	assert_int_equal(find(f, "Lang", global_guid, &v), 1);
	f->img[v.offset + 2] = 0x3E;
	assert_int_equal(find(f, "Lang", global_guid, &v), 1);
	assert_int_equal(set(f, "Lang", global_guid, 7, "fra", 4), 0);
	assert_int_equal(f->img[v.offset + 2], 0x3C);
	assert_int_equal(find(f, "Lang", global_guid, &v), 1);
	assert_memory_equal(v.data, "fra", 4);
	assert_int_equal(v.state, VARSTORE_VAR_ADDED);
}

/* Anything but 0xFF after the last entry: reclaim before appending. */
static void test_varedit_dirty_tail(void **state)
{
	struct fixture *f = need(state);
	struct varstore_var v;

	assert_int_equal(set(f, "A", global_guid, 7, "a", 1), 0);
	f->img[STORE_END - 1] = 0x00;
	assert_int_equal(set(f, "B", global_guid, 7, "b", 1), 0);
	assert_int_equal(f->img[STORE_END - 1], 0xFF);
	assert_int_equal(find(f, "B", global_guid, &v), 1);
	assert_int_equal(v.offset, STORE_START + 0x44);
	assert_int_equal(count(f, true), 2);
}

/* A plain (non-authenticated) store gets 32-byte headers. */
static void test_varedit_plain_store(void **state)
{
	static const uint8_t plain_sig[16] = {
		0x16, 0x36, 0xCF, 0xDD, 0x75, 0x32, 0x64, 0x41,
		0x98, 0xB6, 0xFE, 0x85, 0x70, 0x7F, 0xFE, 0x7D,
	};
	struct fixture *f = need(state);
	struct varstore_var v;

	memcpy(f->img + 0x48, plain_sig, 16);
	memcpy(f->orig + 0x48, plain_sig, 16);
	assert_int_equal(set(f, "Foo", global_guid, 7, "bar", 3), 0);
	assert_int_equal(set(f, "Foo", global_guid, 7, "baz", 3), 0);
	assert_int_equal(find(f, "Foo", global_guid, &v), 1);
	assert_int_equal(v.offset, STORE_START + 44);	/* 32 + 8 + 3, aligned */
	assert_ptr_equal(v.name, f->img + v.offset + 32);
	assert_memory_equal(v.data, "baz", 3);
	assert_int_equal(f->img[STORE_START + 2], 0x3C);
	expect_outside_unchanged(f);
}

static void test_varedit_refuses_signed(void **state)
{
	struct fixture *f = need(state);
	size_t len;
	uint8_t *ms = load_file(OVMF_DIR "/OVMF_VARS_4M.ms.fd", &len);
	uint8_t *copy, sdb[16], name[VAREDIT_NAME_BUF];
	struct fixture m;
	char why[160];

	assert_int_equal(set(f, "X", global_guid, 0x27, "x", 1), -EPERM);
	assert_int_equal(set(f, "X", global_guid, 0x17, "x", 1), -EPERM);
	assert_memory_equal(f->img, f->orig, f->len);
	if (!ms)
		return;
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, ms, len);
	m = (struct fixture){ .img = ms, .len = len };
	assert_int_equal(varstore_vendor_lookup("security-db", sdb), 0);
	/* PK, KEK, db, dbx: time-based authenticated, never touched. */
	assert_int_equal(set(&m, "PK", global_guid, 7, "x", 1), -EPERM);
	assert_int_equal(set(&m, "KEK", global_guid, 7, "x", 1), -EPERM);
	assert_int_equal(set(&m, "db", sdb, 7, "x", 1), -EPERM);
	assert_int_equal(varedit_delete(ms, len, name, name16("dbx", name),
					sdb, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "the variable is authenticated (attributes "
			    "0x27): it needs a signed update");
	assert_memory_equal(ms, copy, len);
	free(copy);
	free(ms);
}

static void test_varedit_bad_requests(void **state)
{
	struct fixture *f = need(state);
	uint8_t nbuf[VAREDIT_NAME_BUF];
	struct varedit_req r = { .name = nbuf, .attributes = 7,
				 .data = (const uint8_t *)"x", .data_size = 1 };
	char why[160];

	r.name_size = name16("Ok", nbuf);
	memcpy(r.guid, global_guid, 16);
	r.attributes = 0x47;	/* append write */
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -EINVAL);
	r.attributes = 0x05;	/* no bs */
	assert_int_equal(varedit_set(f->img, f->len, &r, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "attributes must include nv and bs");
	r.attributes = 0x06;	/* volatile */
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -EINVAL);
	r.attributes = 7;
	r.data_size = 0;
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -EINVAL);
	r.data_size = 1;
	r.name_size = 3;	/* odd */
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -EINVAL);
	r.name_size = 2;	/* only the NUL */
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -EINVAL);
	r.name_size = 4;	/* "Ok" cut: no NUL at the end */
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0), -EINVAL);
	r.name_size = 2 * (VAREDIT_NAME_MAX + 2);
	assert_int_equal(varedit_set(f->img, f->len, &r, NULL, 0),
			 -ENAMETOOLONG);
	assert_memory_equal(f->img, f->orig, f->len);
	/* A store that does not parse. */
	r.name_size = 6;
	f->img[0x28] = 'X';
	assert_int_equal(varedit_set(f->img, f->len, &r, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "_FVH"));
	f->img[0x28] = '_';
	/* A malformed entry: refuse rather than write past it. */
	assert_int_equal(set(f, "A", global_guid, 7, "a", 1), 0);
	f->img[STORE_START + 36 + 3] = 0x7F;	/* NameSize huge */
	memcpy(f->orig, f->img, f->len);
	assert_int_equal(varedit_set(f->img, f->len, &r, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "malformed entry at 0x64");
	assert_int_equal(varedit_reclaim(f->img, f->len, NULL, 0), -EINVAL);
	assert_memory_equal(f->img, f->orig, f->len);
}

static void test_varedit_names(void **state)
{
	uint8_t buf[VAREDIT_NAME_BUF];
	char text[VAREDIT_NAME_MAX + 2];
	uint32_t n;

	(void)state;
	assert_int_equal(varedit_name_from_utf8("Boot0001", buf, &n), 0);
	assert_int_equal(n, 18);
	assert_memory_equal(buf, "B\0o\0o\0t\0000\0000\0000\0001\0\0\0", 18);
	/* \uXXXX as "vmm vars list" prints it, and UTF-8. */
	assert_int_equal(varedit_name_from_utf8("Attempt\\u00201", buf, &n), 0);
	assert_int_equal(n, 20);
	assert_memory_equal(buf + 14, " \0001\0\0\0", 6);
	assert_int_equal(varedit_name_from_utf8("\xc3\xa9\\x", buf, &n), 0);
	assert_memory_equal(buf, "\xe9\0\\\0x\0\0\0", 8);
	assert_int_equal(varedit_name_from_utf8("\xf0\x9f\x98\x80", buf, &n),
			 0);
	assert_memory_equal(buf, "\x3d\xd8\x00\xde\0\0", 6);
	assert_int_equal(varedit_name_from_utf8("", buf, &n), -EINVAL);
	assert_int_equal(varedit_name_from_utf8("a\\u0000", buf, &n), -EINVAL);
	assert_int_equal(varedit_name_from_utf8("\xc0\x80", buf, &n), -EINVAL);
	assert_int_equal(varedit_name_from_utf8("\xed\xa0\x80", buf, &n),
			 -EINVAL);
	assert_int_equal(varedit_name_from_utf8("\x80", buf, &n), -EINVAL);
	assert_int_equal(varedit_name_from_utf8("\xe2\x82", buf, &n), -EINVAL);
	memset(text, 'a', VAREDIT_NAME_MAX);
	text[VAREDIT_NAME_MAX] = '\0';
	assert_int_equal(varedit_name_from_utf8(text, buf, &n), 0);
	assert_int_equal(n, VAREDIT_NAME_BUF);
	text[VAREDIT_NAME_MAX] = 'a';
	text[VAREDIT_NAME_MAX + 1] = '\0';
	assert_int_equal(varedit_name_from_utf8(text, buf, &n),
			 -ENAMETOOLONG);
}

static void test_varedit_strings(void **state)
{
	uint8_t buf[32];
	char out[32];
	size_t len;

	(void)state;
	assert_int_equal(varedit_utf8_to_utf16("hi \xc3\xa9", buf, sizeof(buf),
					       &len), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "h\0i\0 \0\xe9\0\0\0", 10);
	assert_int_equal(varedit_utf8_to_utf16("", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(varedit_utf8_to_utf16("abcd", buf, 8, &len), -E2BIG);
	assert_int_equal(varedit_utf8_to_utf16("abc", buf, 8, &len), 0);
	assert_int_equal(varedit_utf8_to_utf16("\xff", buf, 8, &len), -EINVAL);
	assert_int_equal(varedit_utf16_to_utf8(buf, 8, out, sizeof(out), true),
			 3);
	assert_string_equal(out, "abc");
	assert_int_equal(varedit_utf16_to_utf8(
		(const uint8_t *)"\x3d\xd8\x00\xde", 4, out, sizeof(out), true),
		4);
	assert_string_equal(out, "\xf0\x9f\x98\x80");
	assert_int_equal(varedit_utf16_to_utf8((const uint8_t *)"\x00\xd8", 2,
					       out, sizeof(out), true),
			 -EINVAL);
	assert_int_equal(varedit_utf16_to_utf8((const uint8_t *)"\x00\xd8", 2,
					       out, sizeof(out), false), 3);
	assert_string_equal(out, "\xef\xbf\xbd");
	assert_int_equal(varedit_utf16_to_utf8((const uint8_t *)"a\0b", 3,
					       out, sizeof(out), true),
			 -EINVAL);
	assert_int_equal(varedit_utf16_to_utf8((const uint8_t *)"a\0b\0", 4,
					       out, 2, true), -E2BIG);
}

static void test_varedit_hex_and_attrs(void **state)
{
	uint8_t buf[4];
	char out[64];
	uint32_t a;
	size_t len;
	char why[128];

	(void)state;
	assert_int_equal(varedit_hex_parse("00fFa5", buf, 4, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "\x00\xff\xa5", 3);
	assert_int_equal(varedit_hex_parse("abc", buf, 4, &len), -EINVAL);
	assert_int_equal(varedit_hex_parse("0g", buf, 4, &len), -EINVAL);
	assert_int_equal(varedit_hex_parse("0x01", buf, 4, &len), -EINVAL);
	assert_int_equal(varedit_hex_parse("0102030405", buf, 4, &len), -E2BIG);
	assert_int_equal(varedit_attrs_parse("nv,bs,rt", &a, NULL, 0), 0);
	assert_int_equal(a, 7);
	assert_int_equal(varedit_attrs_parse("NV,Bs", &a, NULL, 0), 0);
	assert_int_equal(a, 3);
	assert_int_equal(varedit_attrs_parse("nv,bs,rt,hr,at,tbaw,aw", &a,
					     NULL, 0), 0);
	assert_int_equal(a, 0x7F);
	assert_int_equal(varedit_attrs_parse("nv,,bs", &a, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(varedit_attrs_parse("nv,xx", &a, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "unknown attribute 'xx' (want nv, bs, rt)");
	assert_int_equal(varedit_attrs_parse("", &a, NULL, 0), -EINVAL);
	varedit_attrs_format(0x27, out, sizeof(out));
	assert_string_equal(out, "nv,bs,rt,tbaw");
	varedit_attrs_format(0x50, out, sizeof(out));
	assert_string_equal(out, "at,aw");
	varedit_attrs_format(0, out, sizeof(out));
	assert_string_equal(out, "-");
	varedit_attrs_format(0x103, out, sizeof(out));
	assert_string_equal(out, "nv,bs,0x100");
	varedit_attrs_format(0xFFFFFFFF, out, sizeof(out));
	assert_string_equal(out, "nv,bs,rt,hr,at,tbaw,aw,0xffffff80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_varedit_set_new,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_matches_ovmf,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_replace,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_delete,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_reclaim_on_set,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_store_full,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_reclaim_ovmf_file,
						setup_after, teardown),
		cmocka_unit_test_setup_teardown(
			test_varedit_in_deleted_transition, setup_after,
			teardown),
		cmocka_unit_test_setup_teardown(test_varedit_dirty_tail,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_plain_store,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_refuses_signed,
						setup_template, teardown),
		cmocka_unit_test_setup_teardown(test_varedit_bad_requests,
						setup_template, teardown),
		cmocka_unit_test(test_varedit_names),
		cmocka_unit_test(test_varedit_strings),
		cmocka_unit_test(test_varedit_hex_and_attrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
