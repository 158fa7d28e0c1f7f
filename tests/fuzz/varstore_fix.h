/* SPDX-License-Identifier: Apache-2.0 */
/*
 * For the VARS fuzzers (fuzz_varstore, fuzz_varedit): making a fuzzed
 * image get past the checksummed FV header so the variable walk is reached.
 * Header-only: each fuzz target is built from its one .c.
 */
#ifndef TESTS_FUZZ_VARSTORE_FIX_H
#define TESTS_FUZZ_VARSTORE_FIX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_BLOCK	4096u

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* FvLength = (size), block map {size / 4 KiB, 4 KiB} then {0, 0}, and the
 * header checksum, when HeaderLength allows one. */
static inline void fix_fv_header(uint8_t *img, size_t size)
{
	uint32_t hlen = (uint32_t)(img[0x30] | img[0x31] << 8);
	uint16_t sum = 0;

	put32(img + 0x20, (uint32_t)size);
	put32(img + 0x24, 0);
	put32(img + 0x38, (uint32_t)(size / FUZZ_BLOCK));
	put32(img + 0x3C, FUZZ_BLOCK);
	memset(img + 0x40, 0, 8);
	if (hlen < 0x48 || hlen > FUZZ_BLOCK || hlen % 2)
		return;
	put16(img + 0x32, 0);
	for (uint32_t i = 0; i < hlen; i += 2)
		sum = (uint16_t)(sum + (img[i] | img[i + 1] << 8));
	put16(img + 0x32, (uint16_t)(0x10000 - sum));
}

/* The variable store's Size clamped to the image. */
static inline void clamp_store_size(uint8_t *img, size_t size)
{
	uint32_t hlen = (uint32_t)(img[0x30] | img[0x31] << 8);

	if (hlen + 28u <= size)
		put32(img + hlen + 16, (uint32_t)(size - hlen));
}

#endif
