// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the offline VARS writer (firmware/varedit.c).
 *
 * Input: an 8-byte operation header, a name, a value, then a store image:
 *   [0] op: 0 set, 1 delete, 2 reclaim, 3 the text conversions only
 *   [1] flags: bit 0 rewrite FvLength, the block map and the FV checksum;
 *       bit 1 clamp the store's Size to the image (both as in
 *       fuzz_varstore.c); bit 2 take name and GUID from entry [6] of the
 *       store (so replace and delete hit real variables); bit 3 use the
 *       GUID "global" instead of the first 16 value bytes
 *   [2] name length, [3..4] value length (LE), [5] attributes, [6] entry
 *   [7] reserved
 * The image is padded with 0xFF to a multiple of 4 KiB.
 *
 * Seeds (corpus/varedit, named after what they do) are 16-20 KiB slices of
 * tests/data/ovmf2m-vars-after.fd.gz (52 entries, 25 deleted) and of the
 * 4M template, each with one operation header: set new/replace/reclaim/
 * full/auth/plain store/dirty tail/unaligned store end, delete, reclaim,
 * and text-only inputs.
 *
 * Invariants (abort on violation): a failed operation leaves the image
 * byte-identical; a successful one changes nothing outside the variable
 * area, leaves a store that parses, with every other live variable as it
 * was, and the variable set (once, with the value) or gone.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/varedit.h"
#include "firmware/varstore.h"
#include "tests/fuzz/varstore_fix.h"

#define FUZZ_MAX_IMAGE	(1u << 20)
#define OP_HEADER	8u
/* Names taken from the store may be longer than varedit accepts. */
#define NAME_BUF	(4 * VAREDIT_NAME_BUF)

static const uint8_t global_guid[16] = {
	0x61, 0xDF, 0xE4, 0x8B, 0xCA, 0x93, 0xD2, 0x11,
	0xAA, 0x0D, 0x00, 0xE0, 0x98, 0x03, 0x2B, 0x8C,
};

struct op {
	uint8_t kind, flags, attrs, entry;
	const uint8_t *name, *value;
	uint32_t name_len, value_len;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool same_var(const struct varstore_var *a, const uint8_t *name,
		     uint32_t name_size, const uint8_t *guid)
{
	return a->name_size == name_size && memcmp(a->guid, guid, 16) == 0 &&
	       memcmp(a->name, name, name_size) == 0;
}

static bool same_content(const struct varstore_var *a,
			 const struct varstore_var *b)
{
	return same_var(a, b->name, b->name_size, b->guid) &&
	       a->attributes == b->attributes &&
	       a->data_size == b->data_size &&
	       memcmp(a->data, b->data, a->data_size) == 0;
}

/* Next live variable of (it) that is not (name, guid); 1, 0 or < 0. */
static int next_other(struct varstore_iter *it, struct varstore_var *v,
		      const uint8_t *name, uint32_t name_size,
		      const uint8_t *guid)
{
	int rc;

	while ((rc = varstore_iter_next(it, v)) == 1)
		if (!name || !same_var(v, name, name_size, guid))
			return 1;
	return rc;
}

/* The live variables of (a) and (b), but (name, guid), are the same. */
static void check_others(const uint8_t *a, const uint8_t *b, size_t size,
			 const uint8_t *name, uint32_t name_size,
			 const uint8_t *guid)
{
	struct varstore_iter ia, ib;
	struct varstore_var va, vb;
	int ra, rb;

	check(varstore_iter_init(&ia, a, size, NULL, 0) == 0);
	check(varstore_iter_init(&ib, b, size, NULL, 0) == 0);
	do {
		ra = next_other(&ia, &va, name, name_size, guid);
		rb = next_other(&ib, &vb, name, name_size, guid);
		check(ra == rb);
		if (ra == 1)
			check(same_content(&va, &vb));
	} while (ra == 1 && rb == 1);
}

/* Live copies of (name, guid) in (img); the last one in (*v). */
static unsigned copies(const uint8_t *img, size_t size, const uint8_t *name,
		       uint32_t name_size, const uint8_t *guid,
		       struct varstore_var *v)
{
	struct varstore_iter it;
	struct varstore_var e;
	unsigned n = 0;

	check(varstore_iter_init(&it, img, size, NULL, 0) == 0);
	while (varstore_iter_next(&it, &e) == 1)
		if (same_var(&e, name, name_size, guid)) {
			*v = e;
			n++;
		}
	return n;
}

/* Only [it.start, it.end) may differ between (a) and (b). */
static void check_outside(const uint8_t *a, const uint8_t *b, size_t size)
{
	struct varstore_iter it;

	check(varstore_iter_init(&it, a, size, NULL, 0) == 0);
	check(memcmp(a, b, it.start) == 0);
	check(memcmp(a + it.end, b + it.end, size - it.end) == 0);
	check(varstore_check_fv(b, size, NULL, 0) == 0);
}

/* Name and GUID: entry (op->entry) of the store, or from the input. */
static bool pick_target(const struct op *op, const uint8_t *img, size_t size,
			uint8_t *name, uint32_t *name_size, uint8_t *guid)
{
	struct varstore_iter it;
	struct varstore_var v;
	char text[VAREDIT_NAME_BUF];

	if (op->flags & 4) {
		if (varstore_iter_init(&it, img, size, NULL, 0) < 0)
			return false;
		it.all = true;
		for (unsigned i = 0; i <= op->entry; i++)
			if (varstore_iter_next(&it, &v) != 1)
				return false;
		if (v.name_size > NAME_BUF)
			return false;
		memcpy(name, v.name, v.name_size);
		*name_size = v.name_size;
		memcpy(guid, v.guid, 16);
		return true;
	}
	if (op->name_len >= sizeof(text))
		return false;
	memcpy(text, op->name, op->name_len);
	text[op->name_len] = '\0';
	if (varedit_name_from_utf8(text, name, name_size) < 0)
		return false;
	memcpy(guid, (op->flags & 8) || op->value_len < 16 ? global_guid :
		     op->value, 16);
	return true;
}

static void run_edit(const struct op *op, uint8_t *img, size_t size)
{
	uint8_t *before = malloc(size), name[NAME_BUF], guid[16];
	struct varedit_req r = { .name = name, .attributes = op->attrs,
				 .data = op->value,
				 .data_size = op->value_len };
	struct varstore_var v;
	uint32_t name_size = 0;
	int rc;

	check(before != NULL);
	memcpy(before, img, size);
	if (op->kind == 2) {
		rc = varedit_reclaim(img, size, NULL, 0);
		name_size = 0;
	} else if (!pick_target(op, img, size, name, &name_size, guid)) {
		free(before);
		return;
	} else if (op->kind == 0) {
		r.name_size = name_size;
		memcpy(r.guid, guid, 16);
		rc = varedit_set(img, size, &r, NULL, 0);
	} else {
		rc = varedit_delete(img, size, name, name_size, guid, NULL, 0);
	}
	if (rc < 0) {
		check(memcmp(before, img, size) == 0);
		free(before);
		return;
	}
	check_outside(before, img, size);
	check_others(before, img, size, op->kind == 2 ? NULL : name,
		     name_size, guid);
	if (op->kind == 0) {
		check(copies(img, size, name, name_size, guid, &v) == 1);
		check(v.attributes == op->attrs && v.data_size == op->value_len &&
		      memcmp(v.data, op->value, op->value_len) == 0);
	} else if (op->kind == 1) {
		check(copies(img, size, name, name_size, guid, &v) == 0);
	}
	free(before);
}

/* The text helpers: no crash, and the round trips hold. */
static void run_text(const struct op *op)
{
	char *text = malloc(op->name_len + 1), *back;
	uint8_t name[VAREDIT_NAME_BUF], *hex = malloc(op->name_len / 2 + 1);
	char attrs[64];
	uint32_t n, a, a2;
	size_t len;
	int rc;

	check(text && hex);
	memcpy(text, op->name, op->name_len);
	text[op->name_len] = '\0';
	if (varedit_name_from_utf8(text, name, &n) == 0) {
		check(n >= 4 && n % 2 == 0 && n <= VAREDIT_NAME_BUF);
		back = malloc(3 * n / 2 + 1);
		check(back != NULL);
		rc = varedit_utf16_to_utf8(name, n, back, 3 * n / 2 + 1, false);
		check(rc >= 0);
		if (!strchr(text, '\\'))
			check(strcmp(back, text) == 0);
		free(back);
	}
	(void)varedit_hex_parse(text, hex, op->name_len / 2 + 1, &len);
	if (varedit_attrs_parse(text, &a, NULL, 0) == 0) {
		varedit_attrs_format(a, attrs, sizeof(attrs));
		check(varedit_attrs_parse(attrs, &a2, NULL, 0) == 0 && a == a2);
	}
	(void)varedit_utf8_to_utf16(text, NULL, SIZE_MAX, &len);
	free(text);
	free(hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct op op;
	size_t len, img_size;
	uint8_t *img;

	if (size < OP_HEADER)
		return -1;
	op = (struct op){ .kind = data[0] % 4, .flags = data[1],
			  .name_len = data[2],
			  .value_len = (uint32_t)(data[3] | data[4] << 8),
			  .attrs = data[5], .entry = data[6] };
	if (size - OP_HEADER < (size_t)op.name_len + op.value_len)
		return -1;
	op.name = data + OP_HEADER;
	op.value = op.name + op.name_len;
	if (op.kind == 3) {
		run_text(&op);
		return 0;
	}
	len = size - OP_HEADER - op.name_len - op.value_len;
	if (len > FUZZ_MAX_IMAGE)
		return -1;
	img_size = len < FUZZ_BLOCK ? FUZZ_BLOCK :
		   (len + FUZZ_BLOCK - 1) / FUZZ_BLOCK * FUZZ_BLOCK;
	img = malloc(img_size);
	check(img != NULL);
	memset(img, 0xFF, img_size);
	memcpy(img, op.value + op.value_len, len);
	if (op.flags & 1)
		fix_fv_header(img, img_size);
	if (op.flags & 2)
		clamp_store_size(img, img_size);
	run_edit(&op, img, img_size);
	free(img);
	return 0;
}
