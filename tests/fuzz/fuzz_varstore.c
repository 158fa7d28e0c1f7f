// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the offline VARS reader (firmware/varstore.c).
 *
 * Input: one flags byte, then the image.  The image is padded with 0xFF to
 * a multiple of 4 KiB and copied into a buffer of exactly that size (so
 * ASan sees any read past it).  Flags let the fuzzer get past the
 * checksummed header and reach the variable walk:
 *   bit 0: rewrite FvLength, the block map and the header checksum;
 *   bit 1: clamp the variable store's Size to the image.
 * The raw input is also checked as is.  Invariants (abort on violation):
 * every name and data range lies inside the image, entries come in
 * increasing order, and a live walk yields no more than an --all walk.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/varstore.h"
#include "tests/fuzz/varstore_fix.h"

#define FUZZ_MAX_IMAGE	(1u << 20)

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Walk the store; returns the number of entries, checking each. */
static unsigned walk(const uint8_t *img, size_t size, bool all)
{
	struct varstore_iter it;
	struct varstore_var v;
	uint64_t last = 0;
	unsigned n = 0;
	char guid[37];

	if (varstore_iter_init(&it, img, size, NULL, 0) < 0)
		return 0;
	it.all = all;
	while (varstore_iter_next(&it, &v) == 1) {
		check(v.offset >= last && v.offset < size);
		check(v.name >= img && v.name_size <= size &&
		      v.name - img <= (ptrdiff_t)(size - v.name_size));
		check(v.data >= img && v.data_size <= size &&
		      v.data - img <= (ptrdiff_t)(size - v.data_size));
		varstore_guid_str(v.guid, guid);
		check(strlen(guid) == 36);
		last = v.offset + 1;
		n++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, img_size;
	uint8_t *img;
	char why[128];

	if (size < 1 || size - 1 > FUZZ_MAX_IMAGE)
		return -1;
	len = size - 1;
	(void)varstore_check_fv(data + 1, len, why, sizeof(why));
	img_size = len < FUZZ_BLOCK ? FUZZ_BLOCK :
		   (len + FUZZ_BLOCK - 1) / FUZZ_BLOCK * FUZZ_BLOCK;
	img = malloc(img_size);
	check(img != NULL);
	memset(img, 0xFF, img_size);
	memcpy(img, data + 1, len);
	if (data[0] & 1)
		fix_fv_header(img, img_size);
	if (data[0] & 2)
		clamp_store_size(img, img_size);
	(void)varstore_check_fv(img, img_size, why, sizeof(why));
	check(walk(img, img_size, false) <= walk(img, img_size, true));
	(void)varstore_check_pair(len, img_size, why, sizeof(why));
	free(img);
	return 0;
}
