/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel/Sharp command-set NOR flash state machine.  See cfi.h for the
 * contract.  References:
 *   [Q]   QEMU hw/block/pflash_cfi01.c, x86 configuration (width 1,
 *         device-width unset), docs/pflash.md sections 2.3-2.9;
 *   [CFI] JEDEC JESD68 Common Flash Interface, and Intel application note
 *         AP-646 "Common Flash Interface (CFI) and Command Sets";
 *   [SR]  Intel 28F StrataFlash datasheets, command and status tables;
 *   [O]   edk2 OvmfPkg/QemuFlashFvbServicesRuntimeDxe/QemuFlash.c.
 *
 * Decisions where QEMU and the datasheets disagree (each repeated at the
 * code it concerns):
 *  - Erase happens at the 0xD0 confirm, on the block containing the confirm
 *    address ([SR]); QEMU erases at the 0x20 setup, so "0x20, 0xFF" erases
 *    there.  OVMF always sends 0x20 then 0xD0 at the block base, so both
 *    give the same result for it.
 *  - A program ANDs the data into the array (NOR can only clear bits; [SR]);
 *    QEMU overwrites.  OVMF only clears bits (the recorded traces replay to
 *    the same file either way); attempts to set bits are counted.
 *  - A wrong second cycle (erase, lock, buffer confirm) sets SR.4|SR.5
 *    "improper command sequence" and leaves the device in read-status
 *    mode ([SR]); QEMU silently returns to read array.
 *  - Query and identifier modes accept any next command ([CFI]); QEMU only
 *    leaves query mode on 0xFF.
 *  - Buffer count 0 means one unit ([CFI] N-1 encoding); QEMU fails it.
 *  - Multi-byte reads in status, ID and query modes return one byte per
 *    byte lane, as a byte-wide part does; QEMU's legacy 2x16-bit model
 *    returns the byte zero-extended (query) or status|status<<16.
 *  - Device-size byte 0x27 is ceil(log2(size)); QEMU uses ctz(size), which
 *    says 16 KiB for the 528 KiB VARS.  The erase-region bytes carry the
 *    exact size in both.
 * Kept from QEMU because OVMF depends on it: Clear Status makes the status
 * register read 0x00 (not 0x80) and returns to read array, which is what
 * QemuFlashDetected() checks ([O]: CLEARED_ARRAY_STATUS).
 */
#include <errno.h>
#include <string.h>

#include "devices/pflash/cfi.h"

#define CFI_QUERY_LEN	0x52	/* [Q] cfi_table size; reads past give 0 */
#define CFI_QUERY_MASK	0xFF	/* [Q] the table repeats every 256 bytes */

/* Identifier codes: QEMU's x86 machine never sets id0..id3 ([Q] 2.10). */
#define CFI_ID_MANUFACTURER	0x00
#define CFI_ID_DEVICE		0x00
#define CFI_ID_LOCK_OFFSET	2	/* block base + 2: lock status [SR] */

/* Geometry-independent query bytes ([CFI] tables 1-4; [Q] 2.9). */
static const uint8_t cfi_query_template[CFI_QUERY_LEN] = {
	[0x10] = 'Q', [0x11] = 'R', [0x12] = 'Y',
	[0x13] = 0x01, [0x14] = 0x00,	/* primary command set: Intel/Sharp */
	[0x15] = 0x31, [0x16] = 0x00,	/* primary extended table at 0x31 */
	[0x1B] = 0x45,			/* Vcc min 4.5 V (BCD) */
	[0x1C] = 0x55,			/* Vcc max 5.5 V (BCD) */
	[0x1F] = 0x07,			/* typical byte program 2^7 us */
	[0x20] = 0x07,			/* typical buffer write 2^7 us */
	[0x21] = 0x0A,			/* typical block erase 2^10 ms */
	[0x23] = 0x04,			/* max program = 2^4 x typical */
	[0x24] = 0x04,			/* max buffer write = 2^4 x typical */
	[0x25] = 0x04,			/* max block erase = 2^4 x typical */
	[0x28] = 0x02, [0x29] = 0x00,	/* interface: x8/x16 async */
	[0x2A] = 0x08, [0x2B] = 0x00,	/* buffer 2^8 = 256 bytes */
	[0x2C] = 0x01,			/* one uniform erase-block region */
	[0x31] = 'P', [0x32] = 'R', [0x33] = 'I',
	[0x34] = '1', [0x35] = '0',	/* extended table version 1.0 */
	[0x3F] = 0x01,			/* one protection-register field */
};

static uint8_t ceil_log2(uint64_t v)
{
	uint8_t n = 0;

	while (n < 63 && (1ULL << n) < v)
		n++;
	return n;
}

uint8_t cfi_query_byte(const struct cfi_flash *fl, uint32_t index)
{
	uint32_t last_block = fl->blocks - 1;

	switch (index) {
	case 0x27:
		/* Smallest 2^n >= size; QEMU's ctz() is wrong for 0x84000. */
		return ceil_log2(fl->size);
	case 0x2D:
		return (uint8_t)last_block;
	case 0x2E:
		return (uint8_t)(last_block >> 8);
	case 0x2F:
		return (uint8_t)(fl->sector_size >> 8);
	case 0x30:
		return (uint8_t)(fl->sector_size >> 16);
	default:
		return index < CFI_QUERY_LEN ? cfi_query_template[index] : 0;
	}
}

int cfi_init(struct cfi_flash *fl, uint8_t *array, uint64_t size,
	     uint32_t sector_size, bool writable)
{
	if (!fl || !array || sector_size < CFI_MIN_SECTOR ||
	    sector_size > CFI_MAX_SECTOR ||
	    (sector_size & (sector_size - 1)) != 0 || size == 0 ||
	    size % sector_size != 0 ||
	    size / sector_size > CFI_MAX_BLOCKS)
		return -EINVAL;
	memset(fl, 0, sizeof(*fl));
	fl->array = array;
	fl->size = size;
	fl->sector_size = sector_size;
	fl->blocks = (uint32_t)(size / sector_size);
	fl->writable = writable;
	cfi_reset(fl);
	return 0;
}

void cfi_reset(struct cfi_flash *fl)
{
	/* [Q] pflash_cfi01_system_reset: cmd 0, status 0x80, buffer closed. */
	fl->state = CFI_STATE_ARRAY;
	fl->status = CFI_SR_READY;
	fl->romd = true;
	fl->buf_open = false;
	fl->buf_failed = false;
	fl->buf_left = 0;
	/* Lock bits are volatile and power up clear: OVMF never unlocks. */
	memset(fl->locked, 0, sizeof(fl->locked));
}

bool cfi_access_ok(const struct cfi_flash *fl, uint64_t off, unsigned width)
{
	/* Written so that no sum can overflow: width <= 8 <= size. */
	return width >= 1 && width <= 8 && width <= fl->size &&
	       off <= fl->size - width;
}

bool cfi_reads_array(const struct cfi_flash *fl)
{
	return fl->state == CFI_STATE_ARRAY;
}

static uint32_t block_of(const struct cfi_flash *fl, uint64_t off)
{
	return (uint32_t)(off / fl->sector_size);
}

static bool block_locked(const struct cfi_flash *fl, uint32_t block)
{
	return (fl->locked[block / 8] >> (block % 8)) & 1;
}

static void set_block_lock(struct cfi_flash *fl, uint32_t block, bool on)
{
	uint8_t bit = (uint8_t)(1u << (block % 8));

	if (on)
		fl->locked[block / 8] |= bit;
	else
		fl->locked[block / 8] &= (uint8_t)~bit;
}

/* Whether any block touched by [off, off + len) is locked; len >= 1. */
static bool range_locked(const struct cfi_flash *fl, uint64_t off,
			 uint64_t len)
{
	for (uint32_t b = block_of(fl, off); b <= block_of(fl, off + len - 1);
	     b++)
		if (block_locked(fl, b))
			return true;
	return false;
}

/* One byte lane of a read outside array mode. */
static uint8_t lane_byte(const struct cfi_flash *fl, uint64_t off)
{
	uint64_t in_block = off & (fl->sector_size - 1);

	switch (fl->state) {
	case CFI_STATE_QUERY:
		return cfi_query_byte(fl, (uint32_t)(off & CFI_QUERY_MASK));
	case CFI_STATE_ID:
		if (in_block == CFI_ID_LOCK_OFFSET)
			return block_locked(fl, block_of(fl, off));
		if (off == 0)
			return CFI_ID_MANUFACTURER;
		return off == 1 ? CFI_ID_DEVICE : 0;
	default:
		/* Every other state reads the status register [SR]. */
		return fl->status;
	}
}

uint64_t cfi_read(struct cfi_flash *fl, uint64_t off, unsigned width)
{
	uint64_t v = 0;

	if (!cfi_access_ok(fl, off, width)) {
		fl->counters.bad_accesses++;
		return ~0ULL;
	}
	for (unsigned i = 0; i < width; i++) {
		uint8_t b = fl->state == CFI_STATE_ARRAY ? fl->array[off + i] :
							   lane_byte(fl, off + i);
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static unsigned mark_dirty(struct cfi_flash *fl, uint64_t off, uint64_t len)
{
	fl->dirty_off = off;
	fl->dirty_len = len;
	return CFI_FX_DIRTY;
}

static void fail(struct cfi_flash *fl, uint8_t bits)
{
	fl->status |= bits;
	fl->counters.errors++;
}

/* AND (len) bytes of (src) into the array at (off): NOR clears bits only. */
static void program_bytes(struct cfi_flash *fl, uint64_t off,
			  const uint8_t *src, uint64_t len)
{
	bool sets_bits = false;

	for (uint64_t i = 0; i < len; i++) {
		sets_bits |= (src[i] & ~fl->array[off + i]) != 0;
		fl->array[off + i] &= src[i];
	}
	if (sets_bits)
		fl->counters.bits_not_set++;
}

/* Refusal reason for programming or erasing [off, off+len), or 0. */
static uint8_t write_refused(const struct cfi_flash *fl, uint64_t off,
			     uint64_t len, uint8_t err_bit)
{
	if (!fl->writable)
		return err_bit;
	if (range_locked(fl, off, len))
		return err_bit | CFI_SR_LOCKED;
	return 0;
}

/* First bus cycle: decode a command ([Q] 2.3 first-cycle table). */
static unsigned do_command(struct cfi_flash *fl, uint8_t cmd)
{
	switch (cmd) {
	case CFI_CMD_READ_ARRAY:
	case CFI_CMD_READ_ARRAY_ALT:
	case CFI_CMD_AMD_RESET:
		fl->state = CFI_STATE_ARRAY;
		break;
	case CFI_CMD_CLEAR_STATUS:
		/*
		 * QEMU quirk OVMF depends on: the register reads 0x00, not
		 * 0x80, and the device returns to read array.  [O]
		 * QemuFlashDetected() requires exactly 0x00 after 0x50, 0x70,
		 * or it decides "not flash" and keeps variables in RAM.
		 */
		fl->status = 0;
		fl->state = CFI_STATE_ARRAY;
		break;
	case CFI_CMD_READ_STATUS:
		fl->state = CFI_STATE_STATUS;
		break;
	case CFI_CMD_READ_ID:
		fl->state = CFI_STATE_ID;
		break;
	case CFI_CMD_QUERY:
		fl->state = CFI_STATE_QUERY;
		break;
	case CFI_CMD_PROGRAM:
	case CFI_CMD_PROGRAM_ALT:
		fl->state = CFI_STATE_PROGRAM;
		break;
	case CFI_CMD_ERASE_SETUP:
		/* Erase waits for the confirm ([SR]); QEMU erases here. */
		fl->state = CFI_STATE_ERASE;
		break;
	case CFI_CMD_LOCK_SETUP:
		fl->state = CFI_STATE_LOCK;
		break;
	case CFI_CMD_WRITE_BUFFER:
		/* Reads now give the extended status: buffer available. */
		fl->status |= CFI_SR_READY;
		fl->buf_open = false;
		fl->buf_failed = false;
		fl->state = CFI_STATE_BUF_COUNT;
		break;
	default:
		/* [Q]: unimplemented commands fall back to read array. */
		fl->counters.unknown_cmds++;
		fl->state = CFI_STATE_ARRAY;
		break;
	}
	return 0;
}

/* Second cycle of 0x10/0x40: the data, all (width) bytes of it. */
static unsigned do_program(struct cfi_flash *fl, uint64_t off, unsigned width,
			   uint64_t value)
{
	uint8_t data[8];
	uint8_t refused = write_refused(fl, off, width, CFI_SR_PROGRAM_ERR);

	fl->state = CFI_STATE_STATUS;
	fl->status |= CFI_SR_READY;
	if (refused) {
		fail(fl, refused);
		return 0;
	}
	for (unsigned i = 0; i < width; i++)
		data[i] = (uint8_t)(value >> (8 * i));
	program_bytes(fl, off, data, width);
	fl->counters.programs++;
	return mark_dirty(fl, off, width);
}

/* Second cycle of 0x20: must be 0xD0; erases the block holding (off). */
static unsigned do_erase(struct cfi_flash *fl, uint64_t off, uint8_t cmd)
{
	/* The aligned block containing the address, never the raw offset:
	 * kvmtool's unaligned erase overruns the array (style.md appendix). */
	uint64_t base = off & ~(uint64_t)(fl->sector_size - 1);
	uint8_t refused;

	fl->state = CFI_STATE_STATUS;
	fl->status |= CFI_SR_READY;
	if (cmd != CFI_CMD_CONFIRM) {
		fail(fl, CFI_SR_SEQ_ERR);
		return 0;
	}
	refused = write_refused(fl, base, fl->sector_size, CFI_SR_ERASE_ERR);
	if (refused) {
		fail(fl, refused);
		return 0;
	}
	memset(fl->array + base, 0xFF, fl->sector_size);
	fl->counters.erases++;
	return mark_dirty(fl, base, fl->sector_size);
}

/* Second cycle of 0x60: lock, lock-down (treated as lock) or unlock. */
static unsigned do_lock(struct cfi_flash *fl, uint64_t off, uint8_t cmd)
{
	fl->state = CFI_STATE_STATUS;
	fl->status |= CFI_SR_READY;
	if (cmd != CFI_CMD_LOCK_BLOCK && cmd != CFI_CMD_LOCK_DOWN &&
	    cmd != CFI_CMD_CONFIRM) {
		fail(fl, CFI_SR_SEQ_ERR);
		return 0;
	}
	/* Individual-block unlock, as on P30-class parts. */
	set_block_lock(fl, block_of(fl, off), cmd != CFI_CMD_CONFIRM);
	fl->counters.lock_changes++;
	return 0;
}

/* Second cycle of 0xE8: the count, in bytes minus one ([CFI] N-1). */
static unsigned do_buffer_count(struct cfi_flash *fl, uint64_t value)
{
	fl->status |= CFI_SR_READY;
	/* The whole written value counts: a count that does not fit the
	 * buffer is a sequence error, never masked into range. */
	if (value >= CFI_WRITE_BUFFER_SIZE) {
		fail(fl, CFI_SR_SEQ_ERR);
		fl->state = CFI_STATE_STATUS;
		return 0;
	}
	fl->buf_left = (uint32_t)value + 1;
	fl->state = CFI_STATE_BUF_DATA;
	return 0;
}

static void buffer_open(struct cfi_flash *fl, uint64_t off)
{
	/* The window is chosen by the first data address (QEMU 2563be6317fa),
	 * not the 0xE8 address.  0xFF is "no change" under AND. */
	fl->buf_base = off & ~(uint64_t)(CFI_WRITE_BUFFER_SIZE - 1);
	fl->buf_lo = CFI_WRITE_BUFFER_SIZE;
	fl->buf_hi = 0;
	memset(fl->buf, 0xFF, sizeof(fl->buf));
	fl->buf_open = true;
}

/* Whether (width) bytes at (off) fit the open window and the count. */
static bool buffer_fits(const struct cfi_flash *fl, uint64_t off,
			unsigned width)
{
	return width <= fl->buf_left && off >= fl->buf_base &&
	       off - fl->buf_base <= CFI_WRITE_BUFFER_SIZE - width;
}

/* A data cycle of write-to-buffer: (width) bytes into the buffer. */
static unsigned do_buffer_data(struct cfi_flash *fl, uint64_t off,
			       unsigned width, uint64_t value)
{
	uint32_t at;

	if (!fl->buf_open)
		buffer_open(fl, off);
	fl->status |= CFI_SR_READY;
	if (!buffer_fits(fl, off, width)) {
		/* [Q]: a write outside the window is a program error; the
		 * confirm will then abort.  The count is used up either way. */
		fail(fl, CFI_SR_PROGRAM_ERR);
		fl->buf_failed = true;
		fl->buf_left = width < fl->buf_left ? fl->buf_left - width : 0;
	} else {
		at = (uint32_t)(off - fl->buf_base);
		for (unsigned i = 0; i < width; i++)
			fl->buf[at + i] = (uint8_t)(value >> (8 * i));
		fl->buf_lo = at < fl->buf_lo ? at : fl->buf_lo;
		fl->buf_hi = at + width > fl->buf_hi ? at + width : fl->buf_hi;
		fl->buf_left -= width;
	}
	if (fl->buf_left == 0)
		fl->state = CFI_STATE_BUF_CONFIRM;
	return 0;
}

/* The cycle after the last buffer data: 0xD0 commits, anything aborts. */
static unsigned do_buffer_confirm(struct cfi_flash *fl, uint8_t cmd)
{
	uint64_t start = fl->buf_base + fl->buf_lo;
	uint64_t len = fl->buf_hi - fl->buf_lo;
	uint8_t refused;

	fl->state = CFI_STATE_STATUS;
	fl->status |= CFI_SR_READY;
	fl->buf_open = false;
	if (cmd != CFI_CMD_CONFIRM) {
		fail(fl, CFI_SR_SEQ_ERR);
		return 0;
	}
	if (fl->buf_failed)
		return 0;	/* SR.4 already set; data discarded */
	refused = write_refused(fl, start, len, CFI_SR_PROGRAM_ERR);
	if (refused) {
		fail(fl, refused);
		return 0;
	}
	/* buffer_fits() kept [buf_lo, buf_hi) inside the window, and a
	 * window starting inside the array ends inside it (size is a
	 * multiple of the sector, which is a multiple of the window). */
	program_bytes(fl, start, fl->buf + fl->buf_lo, len);
	fl->counters.buffer_writes++;
	return mark_dirty(fl, start, len);
}

static unsigned dispatch(struct cfi_flash *fl, uint64_t off, unsigned width,
			 uint64_t value)
{
	uint8_t cmd = (uint8_t)value;

	switch (fl->state) {
	case CFI_STATE_PROGRAM:
		return do_program(fl, off, width, value);
	case CFI_STATE_ERASE:
		return do_erase(fl, off, cmd);
	case CFI_STATE_LOCK:
		return do_lock(fl, off, cmd);
	case CFI_STATE_BUF_COUNT:
		return do_buffer_count(fl, value);
	case CFI_STATE_BUF_DATA:
		return do_buffer_data(fl, off, width, value);
	case CFI_STATE_BUF_CONFIRM:
		return do_buffer_confirm(fl, cmd);
	default:
		/* Array, status, ID and query modes take a new command. */
		return do_command(fl, cmd);
	}
}

unsigned cfi_write(struct cfi_flash *fl, uint64_t off, unsigned width,
		   uint64_t value)
{
	unsigned fx;

	if (!cfi_access_ok(fl, off, width)) {
		fl->counters.bad_accesses++;
		return 0;
	}
	fx = dispatch(fl, off, width, value);
	/*
	 * Ask for a slot change only when the answer to a read changes.
	 * QEMU drops ROMD on every first cycle, so a 0xFF or 0x50 written in
	 * array mode costs it an off/on pair; here it costs nothing.
	 */
	if (fl->romd != cfi_reads_array(fl)) {
		fl->romd = !fl->romd;
		fx |= fl->romd ? CFI_FX_ROMD_ON : CFI_FX_ROMD_OFF;
	}
	return fx;
}
