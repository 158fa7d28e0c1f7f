// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the CFI state machine (devices/pflash/cfi.c).
 *
 * Input: one geometry byte, then an op script.
 *   byte 0: bits 0-4 blocks - 1 (1..32), bits 5-6 sector = 4096 >> n,
 *           bit 7 read-only.
 *   op:     1 byte: bits 0-1 kind (0 read, 1 write, 2 reset, 3 write),
 *           bits 2-3 width 1 << n, bit 4 raw offset; then 3 bytes offset
 *           (LE), taken modulo the size unless bit 4 asks for it raw (raw
 *           offsets past the end test the device's own re-check; bit 5
 *           with bit 4 counts back from UINT64_MAX); a write then carries
 *           (width) value bytes, LE.
 * The array is malloc'd at exactly its size, so ASan sees any host access
 * outside the image (kvmtool's cfi_flash bugs, docs/style.md appendix).
 *
 * Invariants checked on every op (abort on violation):
 *   - array-mode reads return the array bytes;
 *   - the ROMD effects alternate off/on and always match cfi_reads_array();
 *   - a dirty range lies inside the array;
 *   - a read-only device never changes its array.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pflash/cfi.h"

#define FUZZ_SECTOR	4096u

struct harness {
	struct cfi_flash fl;
	uint8_t *array;
	uint8_t *orig;
	uint64_t size;
	bool mapped;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static uint64_t load_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void do_read(struct harness *h, uint64_t off, unsigned width)
{
	bool array_mode = cfi_reads_array(&h->fl);
	uint64_t v = cfi_read(&h->fl, off, width);

	if (!cfi_access_ok(&h->fl, off, width)) {
		check(v == UINT64_MAX);
		return;
	}
	if (array_mode)
		check(v == load_le(h->array + off, width));
}

static void do_write(struct harness *h, uint64_t off, unsigned width,
		     uint64_t value)
{
	unsigned fx = cfi_write(&h->fl, off, width, value);

	check(!((fx & CFI_FX_ROMD_ON) && (fx & CFI_FX_ROMD_OFF)));
	if (fx & CFI_FX_ROMD_OFF) {
		check(h->mapped);
		h->mapped = false;
	}
	if (fx & CFI_FX_ROMD_ON) {
		check(!h->mapped);
		h->mapped = true;
	}
	check(h->mapped == cfi_reads_array(&h->fl));
	if (fx & CFI_FX_DIRTY)
		check(h->fl.dirty_len > 0 && h->fl.dirty_off < h->size &&
		      h->fl.dirty_len <= h->size - h->fl.dirty_off);
}

/* Run one op at (p); returns the bytes consumed, 0 when input ends. */
static size_t run_op(struct harness *h, const uint8_t *p, size_t left)
{
	unsigned kind = p[0] & 3, width = 1u << ((p[0] >> 2) & 3);
	uint64_t off;

	if (left < 4)
		return 0;
	off = load_le(p + 1, 3);
	if (!(p[0] & 0x10))
		off %= h->size;	/* in range: where the bugs live */
	else if (p[0] & 0x20)
		off = UINT64_MAX - off;
	if (kind == 0) {
		do_read(h, off, width);
		return 4;
	}
	if (kind == 2) {
		cfi_reset(&h->fl);
		h->mapped = true;
		return 4;
	}
	if (left < 4 + width)
		return 0;
	do_write(h, off, width, load_le(p + 4, width));
	return 4 + width;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h = { .mapped = true };
	uint32_t sector;
	size_t pos = 1, used;
	bool writable;

	if (size < 1)
		return -1;	/* reject: no geometry */
	sector = FUZZ_SECTOR >> ((data[0] >> 5) & 3);
	writable = !(data[0] & 0x80);
	h.size = (uint64_t)sector * (1 + (data[0] & 0x1F));
	h.array = malloc(h.size);
	h.orig = malloc(h.size);
	check(h.array && h.orig);
	for (uint64_t i = 0; i < h.size; i++)
		h.array[i] = (uint8_t)(i ^ (i >> 8));
	memcpy(h.orig, h.array, h.size);
	check(cfi_init(&h.fl, h.array, h.size, sector, writable) == 0);
	while (pos < size && (used = run_op(&h, data + pos, size - pos)) > 0)
		pos += used;
	if (!writable)
		check(memcmp(h.array, h.orig, h.size) == 0);
	free(h.array);
	free(h.orig);
	return 0;
}
