/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VARS flash as a machine device: the CFI state machine (cfi.h) plus
 * its backing file, ROMD policy and persistence.
 *
 * Memory: the image lives in a private anonymous, page-aligned mapping
 * (pflash_mem()) that the VMM registers as a KVM_MEM_READONLY memslot over
 * the VARS window while the device is in read-array mode ("ROMD").  Reads
 * then cost no exit and writes exit as MMIO.  When a command makes reads
 * return something else (status, query, ...), the device calls
 * set_romd(false) so every access traps; on the return to read array it
 * calls set_romd(true).  The MMIO handler (pflash_device()) stays
 * registered over the whole window in both modes.  Where the VM type has
 * no read-only memslots, open with (use_romd) false: set_romd is never
 * called and every access traps.
 *
 * Persistence (PFLASH_MODE_READWRITE): changed 4 KiB blocks are written
 * back with one page-aligned pwrite each followed by one fdatasync:
 *   - when the device returns to read-array mode (OVMF ends every
 *     QemuFlashWrite with 0xFF),
 *   - before a block other than the pending ones is changed, so blocks
 *     reach the file in the order the guest changed them (an erase is not
 *     followed by 0xFF), which is what edk2's fault-tolerant write relies
 *     on,
 *   - at reset, pflash_flush() and pflash_close().
 * A page-aligned one-page pwrite is never torn by a kill, so after a crash
 * every block holds its old or its new contents.  The file is never
 * truncated or rewritten whole.  No syscall happens on the program path
 * itself (0x10, data).
 *
 * Threading: one vCPU thread owns the device, and set_romd runs on it
 * between KVM_RUNs, so there is no lock.
 */
#ifndef DEVICES_PFLASH_PFLASH_H
#define DEVICES_PFLASH_PFLASH_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/device.h"

/* Erase block and persistence unit: 4 KiB, as QEMU's pc_sysfw.c. */
#define PFLASH_SECTOR_SIZE	4096u
/* Largest image: CFI_MAX_BLOCKS sectors (16 MiB, QEMU's max-fw-size cap). */
#define PFLASH_MAX_SIZE		(4096ULL * PFLASH_SECTOR_SIZE)

enum pflash_mode {
	/* Guest changes reach the file.  fd must be O_RDWR.  Exclusive lock. */
	PFLASH_MODE_READWRITE,
	/* --vars-readonly: changes stay in memory, the file is never
	 * written.  fd may be O_RDONLY.  Shared lock, so a writer is refused. */
	PFLASH_MODE_SNAPSHOT,
	/* QEMU readonly=on: program/erase fail with SR.4/SR.5, so OVMF
	 * declares the flash write-protected.  Shared lock. */
	PFLASH_MODE_READONLY,
};

struct pflash_romd_ops {
	void *ctx;
	/* Map (on) or unmap the read-only slot over pflash_mem(). 0/-errno. */
	int (*set_romd)(void *ctx, bool on);
};

struct pflash_stats {
	uint64_t mmio_reads;	/* reads that reached the device */
	uint64_t mmio_writes;
	uint64_t romd_on;	/* set_romd(true) calls that succeeded */
	uint64_t romd_off;
	uint64_t romd_errors;	/* set_romd calls that failed */
	uint64_t programs;	/* from the state machine, see cfi.h */
	uint64_t erases;
	uint64_t buffer_writes;
	uint64_t lock_changes;
	uint64_t status_errors;	/* operations that set an error bit */
	uint64_t unknown_cmds;
	uint64_t bad_accesses;
	uint64_t bits_not_set;
	uint64_t flushes;	/* fdatasync calls */
	uint64_t blocks_written; /* 4 KiB pwrites */
	uint64_t flush_errors;
	uint64_t resets;
};

struct pflash;

/*
 * Open the VARS image on (fd), which the caller opened (O_RDWR|O_CLOEXEC, or
 * O_RDONLY for the other modes) and keeps owning: the device works on a
 * F_DUPFD_CLOEXEC duplicate.  Locks the file with an OFD lock over its
 * whole length (write lock for READWRITE, read lock otherwise), checks that
 * it is a regular file whose size is a non-zero multiple of
 * PFLASH_SECTOR_SIZE up to PFLASH_MAX_SIZE, and reads it into a private
 * page-aligned anonymous mapping.  (ops) may be NULL when (use_romd) is
 * false.  Does not call set_romd: when (use_romd) the VMM maps the slot
 * itself after open, and the device starts in read-array mode.
 * The OFD lock belongs to the open file description, which the duplicate
 * shares with (fd): a second VMM's own open() of the file gets -EBUSY, but
 * two pflash_open() calls on one description do not exclude each other.
 * Returns 0 and *out, or -EINVAL (arguments, size, not a regular file),
 * -EBADF (fd not open with the access the mode needs), -EBUSY (another
 * open file description holds a conflicting lock: a second VMM), -ENOMEM,
 * or the -errno of a failed read.
 */
int pflash_open(int fd, enum pflash_mode mode, bool use_romd,
		const struct pflash_romd_ops *ops, struct pflash **out);

/* The image: pflash_size() bytes, page-aligned, for the memslot. */
uint8_t *pflash_mem(struct pflash *pf);
uint64_t pflash_size(const struct pflash *pf);
/*
 * Snapshot/restore in one process: the state machine, the unflushed block
 * marks and the array, in pflash_state_size() bytes.  pflash_load() puts
 * the memslot back in the mode the restored state reads in; (write_file)
 * also writes the whole restored array to the file (fdatasync'd), which is
 * otherwise left alone.
 */
size_t pflash_state_size(const struct pflash *pf);
void pflash_save(const struct pflash *pf, void *buf);
int pflash_load(struct pflash *pf, const void *buf, bool write_file);
/* The descriptor the device writes its file through (its own duplicate,
 * for the sandbox's list of descriptors in use), or -1. */
int pflash_fd(const struct pflash *pf);

/*
 * The bus device (offsets within the VARS window).  read/write return 0,
 * -EINVAL for an access outside the device, or the -errno of a failed
 * set_romd or flush (the guest access itself is always carried out).
 * reset = machine reset: read array, status 0x80, buffer discarded, dirty
 * blocks flushed, slot mapped again if it was not.
 */
struct vmm_device *pflash_device(struct pflash *pf);

/*
 * Write every dirty block and fdatasync (READWRITE mode; a no-op otherwise).
 * On error returns -errno and keeps the dirty marks and the in-memory
 * contents, so a later call retries.
 */
int pflash_flush(struct pflash *pf);

/* Counters for --stats; valid until pflash_close(). */
const struct pflash_stats *pflash_get_stats(const struct pflash *pf);

/*
 * Flush (errors are counted, not returned: call pflash_flush() first to see
 * them), unlock, close the duplicate fd and free.  The VMM must have removed
 * the memslot over pflash_mem() first.  NULL is a no-op.
 */
void pflash_close(struct pflash *pf);

#endif
