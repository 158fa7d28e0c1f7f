/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An Intel/Sharp command-set NOR flash (CFI primary vendor command set
 * 0x0001), byte-wide as x86 OVMF drives it, as a pure state machine: no
 * syscalls, no KVM, no locks, no allocation.  It works on an array the caller
 * owns and tells the caller, through an effect mask, when what a guest read
 * returns stops or starts being the array (so the glue can remove or restore
 * a read-only memslot) and which bytes it changed (so the glue can persist
 * them).
 *
 * The reference for guest-visible behaviour is QEMU's hw/block/pflash_cfi01.c
 * as configured by hw/i386/pc_sysfw.c (width 1, no device width), because
 * that is the device OVMF's QemuFlashFvbServicesRuntimeDxe was written
 * against.  Where we deliberately differ, cfi.c says so at the spot.
 *
 * One vCPU thread owns the device: callers serialize every call.
 */
#ifndef DEVICES_PFLASH_CFI_H
#define DEVICES_PFLASH_CFI_H

#include <stdbool.h>
#include <stdint.h>

/* Write-to-buffer size: 2^8 bytes, CFI query byte 0x2A (QEMU, width 1). */
#define CFI_WRITE_BUFFER_SIZE	256u
/*
 * Largest device: 4096 blocks (16 MiB of 4 KiB sectors, QEMU's max-fw-size
 * ceiling).  Bounds the embedded lock bitmap so the struct needs no malloc.
 */
#define CFI_MAX_BLOCKS		4096u
#define CFI_MIN_SECTOR		CFI_WRITE_BUFFER_SIZE
/* The query table stores the block size in units of 256 bytes in 16 bits. */
#define CFI_MAX_SECTOR		0x800000u

/* Status register (Intel 28F StrataFlash datasheets, "Status Register"). */
#define CFI_SR_READY		0x80	/* SR.7: write state machine ready */
#define CFI_SR_ERASE_ERR	0x20	/* SR.5: erase (or sequence) error */
#define CFI_SR_PROGRAM_ERR	0x10	/* SR.4: program (or sequence) error */
#define CFI_SR_LOCKED		0x02	/* SR.1: operation hit a locked block */
/* SR.4 and SR.5 together mean "improper command sequence". */
#define CFI_SR_SEQ_ERR		(CFI_SR_ERASE_ERR | CFI_SR_PROGRAM_ERR)

/* Command bytes (first bus cycle unless noted). */
#define CFI_CMD_READ_ARRAY	0xFF
#define CFI_CMD_READ_ARRAY_ALT	0x00	/* QEMU accepts it as read array */
#define CFI_CMD_AMD_RESET	0xF0	/* AMD reset; QEMU: read array */
#define CFI_CMD_READ_STATUS	0x70
#define CFI_CMD_CLEAR_STATUS	0x50
#define CFI_CMD_READ_ID		0x90
#define CFI_CMD_QUERY		0x98
#define CFI_CMD_PROGRAM		0x10
#define CFI_CMD_PROGRAM_ALT	0x40
#define CFI_CMD_ERASE_SETUP	0x20
#define CFI_CMD_CONFIRM		0xD0	/* second cycle: erase, buffer, unlock */
#define CFI_CMD_WRITE_BUFFER	0xE8
#define CFI_CMD_LOCK_SETUP	0x60
#define CFI_CMD_LOCK_BLOCK	0x01	/* second cycle after 0x60 */
#define CFI_CMD_LOCK_DOWN	0x2F	/* second cycle after 0x60 */

/* Effects of one cfi_write(), for the glue to act on. */
#define CFI_FX_ROMD_OFF	0x1u	/* reads stop returning the array: unmap */
#define CFI_FX_ROMD_ON	0x2u	/* reads return the array again: map */
#define CFI_FX_DIRTY	0x4u	/* [dirty_off, dirty_off + dirty_len) changed */

enum cfi_state {
	CFI_STATE_ARRAY,	/* read array: the only state ROMD may be on */
	CFI_STATE_STATUS,	/* reads return the status register */
	CFI_STATE_ID,		/* reads return identifier codes */
	CFI_STATE_QUERY,	/* reads return the CFI query table */
	CFI_STATE_PROGRAM,	/* 0x10/0x40 seen; next write is the data */
	CFI_STATE_ERASE,	/* 0x20 seen; next write must be 0xD0 */
	CFI_STATE_LOCK,		/* 0x60 seen; next write 0x01, 0x2F or 0xD0 */
	CFI_STATE_BUF_COUNT,	/* 0xE8 seen; next write is the count N-1 */
	CFI_STATE_BUF_DATA,	/* taking buffer data */
	CFI_STATE_BUF_CONFIRM,	/* buffer full; next write must be 0xD0 */
};

struct cfi_counters {
	uint64_t programs;	/* byte/word programs that changed the array */
	uint64_t erases;	/* block erases done */
	uint64_t buffer_writes;	/* write-to-buffer sequences committed */
	uint64_t lock_changes;	/* block lock/unlock commands */
	uint64_t errors;	/* operations that set SR.1, SR.4 or SR.5 */
	uint64_t unknown_cmds;	/* first-cycle bytes that are no command */
	uint64_t bad_accesses;	/* width or offset outside the device */
	/* Programs that asked for a 0->1 bit change, which NOR cannot do. */
	uint64_t bits_not_set;
};

struct cfi_flash {
	uint8_t *array;		/* caller-owned, exactly (size) bytes */
	uint64_t size;
	uint32_t sector_size;	/* erase block, power of two */
	uint32_t blocks;
	bool writable;		/* false: program/erase set SR.4/SR.5 */

	enum cfi_state state;
	uint8_t status;
	/* What the last effect mask told the glue: true = slot mapped. */
	bool romd;

	/* Write-to-buffer: a CFI_WRITE_BUFFER_SIZE-aligned window. */
	bool buf_open;		/* window chosen by the first data write */
	bool buf_failed;	/* a data write was refused: confirm aborts */
	uint32_t buf_left;	/* bytes the count still allows */
	uint64_t buf_base;
	uint32_t buf_lo, buf_hi; /* written part of the window */
	uint8_t buf[CFI_WRITE_BUFFER_SIZE];

	/* Valid when the last cfi_write() returned CFI_FX_DIRTY. */
	uint64_t dirty_off;
	uint64_t dirty_len;

	uint8_t locked[CFI_MAX_BLOCKS / 8];
	struct cfi_counters counters;
};

/*
 * Set up (fl) over (array) of (size) bytes, erase blocks of (sector_size)
 * bytes, in read-array mode with ROMD on and status 0x80.  (sector_size) must
 * be a power of two in [CFI_MIN_SECTOR, CFI_MAX_SECTOR], (size) a non-zero
 * multiple of it of at most CFI_MAX_BLOCKS blocks.  Returns 0 or -EINVAL.
 */
int cfi_init(struct cfi_flash *fl, uint8_t *array, uint64_t size,
	     uint32_t sector_size, bool writable);

/* Power-on state: read array, status 0x80, buffer discarded, all unlocked.
 * Sets (romd) true; the glue restores the slot itself. */
void cfi_reset(struct cfi_flash *fl);

/* Whether an access of (width) bytes at (off) lies inside the device and
 * (width) is 1..8.  Every read and write re-checks this. */
bool cfi_access_ok(const struct cfi_flash *fl, uint64_t off, unsigned width);

/*
 * What a guest read of (width) bytes at (off) returns, little-endian.  Reads
 * never change state.  An access cfi_access_ok() refuses reads all-ones.
 */
uint64_t cfi_read(struct cfi_flash *fl, uint64_t off, unsigned width);

/*
 * A guest write of (width) bytes of (value) at (off): one bus cycle whose
 * low byte is the command.  Returns a CFI_FX_* mask.  An access
 * cfi_access_ok() refuses is dropped (counted, no effect).
 */
unsigned cfi_write(struct cfi_flash *fl, uint64_t off, unsigned width,
		   uint64_t value);

/* True while reads return array contents (the slot may be mapped). */
bool cfi_reads_array(const struct cfi_flash *fl);

/* Byte (index) of the CFI query table for this geometry (0 past the end). */
uint8_t cfi_query_byte(const struct cfi_flash *fl, uint32_t index);

#endif
