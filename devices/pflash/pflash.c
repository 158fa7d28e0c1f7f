/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VARS flash device: cfi.c's state machine, the backing file, the ROMD
 * policy and write-back.  See pflash.h for the contract and the
 * persistence rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/pflash/cfi.h"
#include "devices/pflash/pflash.h"

#define PFLASH_PAGES_MAX	(PFLASH_MAX_SIZE / PFLASH_SECTOR_SIZE)

_Static_assert(PFLASH_PAGES_MAX == CFI_MAX_BLOCKS, "one dirty bit a block");

struct pflash {
	struct cfi_flash cfi;
	struct vmm_device dev;
	struct pflash_romd_ops romd_ops;
	bool use_romd;
	bool slot_mapped;	/* what the VMM's memslot is now */
	enum pflash_mode mode;
	int fd;			/* our F_DUPFD_CLOEXEC duplicate */
	uint8_t *mem;
	uint64_t size;
	/* Blocks changed since the last successful flush; the pending range
	 * [pend_lo, pend_hi] is valid while dirty_count > 0. */
	uint8_t dirty[PFLASH_PAGES_MAX / 8];
	uint32_t dirty_count;
	uint32_t pend_lo, pend_hi;
	struct pflash_stats stats;
};

static bool block_dirty(const struct pflash *pf, uint32_t b)
{
	return (pf->dirty[b / 8] >> (b % 8)) & 1;
}

/* pwrite all of (len) bytes, riding out EINTR and short writes. */
static int pwrite_all(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int pread_all(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* file shrank under us */
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Write each pending dirty block, one page-aligned pwrite per block. */
static int write_dirty_blocks(struct pflash *pf)
{
	for (uint32_t b = pf->pend_lo; b <= pf->pend_hi; b++) {
		uint64_t off = (uint64_t)b * PFLASH_SECTOR_SIZE;
		int rc;

		if (!block_dirty(pf, b))
			continue;
		rc = pwrite_all(pf->fd, pf->mem + off, PFLASH_SECTOR_SIZE, off);
		if (rc < 0)
			return rc;
		pf->stats.blocks_written++;
	}
	return 0;
}

int pflash_flush(struct pflash *pf)
{
	int rc;

	if (pf->mode != PFLASH_MODE_READWRITE || pf->dirty_count == 0)
		return 0;
	rc = write_dirty_blocks(pf);
	if (rc == 0 && fdatasync(pf->fd) < 0)
		rc = -errno;
	if (rc == 0)
		pf->stats.flushes++;
	if (rc < 0) {
		/* Keep every mark: after a failed fdatasync Linux may report
		 * the pages clean, so a retry must write them again. */
		pf->stats.flush_errors++;
		return rc;
	}
	memset(pf->dirty, 0, sizeof(pf->dirty));
	pf->dirty_count = 0;
	return 0;
}

/*
 * Record the range the state machine just changed.  If it lies outside the
 * pending blocks, flush those first, so blocks reach the file in the order
 * the guest changed them (edk2's FTW depends on that order after a crash).
 */
static int note_dirty(struct pflash *pf, uint64_t off, uint64_t len)
{
	uint32_t first = (uint32_t)(off / PFLASH_SECTOR_SIZE);
	uint32_t last = (uint32_t)((off + len - 1) / PFLASH_SECTOR_SIZE);
	int rc = 0;

	if (pf->mode != PFLASH_MODE_READWRITE)
		return 0;	/* snapshot: memory only */
	if (pf->dirty_count > 0 && (first < pf->pend_lo || last > pf->pend_hi))
		rc = pflash_flush(pf);
	if (pf->dirty_count == 0) {
		pf->pend_lo = first;
		pf->pend_hi = last;
	}
	pf->pend_lo = first < pf->pend_lo ? first : pf->pend_lo;
	pf->pend_hi = last > pf->pend_hi ? last : pf->pend_hi;
	for (uint32_t b = first; b <= last; b++) {
		if (!block_dirty(pf, b))
			pf->dirty_count++;
		pf->dirty[b / 8] |= (uint8_t)(1u << (b % 8));
	}
	return rc;
}

/* Make the memslot match what reads must return; retried until it works. */
static int sync_romd(struct pflash *pf)
{
	bool want = cfi_reads_array(&pf->cfi);
	int rc;

	if (!pf->use_romd || pf->slot_mapped == want)
		return 0;
	rc = pf->romd_ops.set_romd(pf->romd_ops.ctx, want);
	if (rc < 0) {
		pf->stats.romd_errors++;
		return rc;
	}
	pf->slot_mapped = want;
	if (want)
		pf->stats.romd_on++;
	else
		pf->stats.romd_off++;
	return 0;
}

/* bad_accesses is the glue's own: it refuses those before cfi sees them. */
static void copy_cfi_counters(struct pflash *pf)
{
	const struct cfi_counters *c = &pf->cfi.counters;

	pf->stats.programs = c->programs;
	pf->stats.erases = c->erases;
	pf->stats.buffer_writes = c->buffer_writes;
	pf->stats.lock_changes = c->lock_changes;
	pf->stats.status_errors = c->errors;
	pf->stats.unknown_cmds = c->unknown_cmds;
	pf->stats.bits_not_set = c->bits_not_set;
}

static int pflash_dev_read(void *opaque, uint64_t offset, void *data,
			   uint32_t len)
{
	struct pflash *pf = opaque;

	pf->stats.mmio_reads++;
	if (!cfi_access_ok(&pf->cfi, offset, len)) {
		pf->stats.bad_accesses++;
		return -EINVAL;
	}
	dev_store_le(data, len, cfi_read(&pf->cfi, offset, len));
	return 0;
}

static int first_error(int a, int b)
{
	return a < 0 ? a : b;
}

static int pflash_dev_write(void *opaque, uint64_t offset, const void *data,
			    uint32_t len)
{
	struct pflash *pf = opaque;
	unsigned fx;
	int rc = 0;

	pf->stats.mmio_writes++;
	if (!cfi_access_ok(&pf->cfi, offset, len)) {
		pf->stats.bad_accesses++;
		return -EINVAL;
	}
	fx = cfi_write(&pf->cfi, offset, len, dev_load_le(data, len));
	if (fx & CFI_FX_DIRTY)
		rc = note_dirty(pf, pf->cfi.dirty_off, pf->cfi.dirty_len);
	copy_cfi_counters(pf);
	/* The effect bits say when the mode changed; comparing states also
	 * retries a set_romd that failed on an earlier write. */
	rc = first_error(rc, sync_romd(pf));
	if (cfi_reads_array(&pf->cfi) && pf->dirty_count > 0)
		rc = first_error(rc, pflash_flush(pf));
	return rc;
}

static void pflash_dev_reset(void *opaque)
{
	struct pflash *pf = opaque;

	cfi_reset(&pf->cfi);
	pf->stats.resets++;
	(void)pflash_flush(pf);	/* failures are in flush_errors */
	(void)sync_romd(pf);	/* failures are in romd_errors */
}

/* --- snapshot/restore: the CFI state, unflushed marks, the array --------- */

struct pflash_saved {
	struct cfi_flash cfi;
	uint8_t dirty[PFLASH_PAGES_MAX / 8];
	uint32_t dirty_count, pend_lo, pend_hi;
};

size_t pflash_state_size(const struct pflash *pf)
{
	return sizeof(struct pflash_saved) + pf->size;
}

void pflash_save(const struct pflash *pf, void *buf)
{
	struct pflash_saved *sv = buf;

	memcpy(&sv->cfi, &pf->cfi, sizeof(sv->cfi));
	memcpy(sv->dirty, pf->dirty, sizeof(sv->dirty));
	sv->dirty_count = pf->dirty_count;
	sv->pend_lo = pf->pend_lo;
	sv->pend_hi = pf->pend_hi;
	memcpy(sv + 1, pf->mem, pf->size);
}

int pflash_load(struct pflash *pf, const void *buf, bool write_file)
{
	const struct pflash_saved *sv = buf;
	uint32_t blocks = (uint32_t)(pf->size / PFLASH_SECTOR_SIZE);
	int rc;

	memcpy(&pf->cfi, &sv->cfi, sizeof(pf->cfi));
	memcpy(pf->dirty, sv->dirty, sizeof(pf->dirty));
	pf->dirty_count = sv->dirty_count;
	pf->pend_lo = sv->pend_lo;
	pf->pend_hi = sv->pend_hi;
	memcpy(pf->mem, sv + 1, pf->size);
	copy_cfi_counters(pf);
	if (write_file && blocks) {
		/* Every block, in order: the file becomes the snapshot's. */
		memset(pf->dirty, 0, sizeof(pf->dirty));
		for (uint32_t b = 0; b < blocks; b++)
			pf->dirty[b / 8] |= (uint8_t)(1u << (b % 8));
		pf->dirty_count = blocks;
		pf->pend_lo = 0;
		pf->pend_hi = blocks - 1;
	}
	rc = sync_romd(pf);
	if (write_file)
		rc = first_error(rc, pflash_flush(pf));
	return rc;
}

static const struct vmm_device_ops pflash_ops = {
	.read = pflash_dev_read,
	.write = pflash_dev_write,
	.reset = pflash_dev_reset,
};

/* Whether (fd)'s access mode allows (mode). */
static bool access_fits(int fd, enum pflash_mode mode)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return false;
	if (mode == PFLASH_MODE_READWRITE)
		return (fl & O_ACCMODE) == O_RDWR;
	return (fl & O_ACCMODE) == O_RDONLY || (fl & O_ACCMODE) == O_RDWR;
}

/* OFD lock over the whole file: a second VMM's open() conflicts. */
static int lock_file(int fd, enum pflash_mode mode)
{
	struct flock lk = {
		.l_type = mode == PFLASH_MODE_READWRITE ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0,	/* to the end, however long */
	};

	if (fcntl(fd, F_OFD_SETLK, &lk) == 0)
		return 0;
	return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
}

static void unlock_file(int fd)
{
	struct flock lk = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

	(void)fcntl(fd, F_OFD_SETLK, &lk);
}

static int image_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > PFLASH_MAX_SIZE ||
	    st.st_size % PFLASH_SECTOR_SIZE != 0)
		return -EINVAL;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int check_open_args(int fd, enum pflash_mode mode, bool use_romd,
			   const struct pflash_romd_ops *ops,
			   struct pflash **out)
{
	if (!out || fd < 0)
		return -EINVAL;
	if (mode != PFLASH_MODE_READWRITE && mode != PFLASH_MODE_SNAPSHOT &&
	    mode != PFLASH_MODE_READONLY)
		return -EINVAL;
	if (use_romd && (!ops || !ops->set_romd))
		return -EINVAL;
	return access_fits(fd, mode) ? 0 : -EBADF;
}

/* Map and fill the private copy of the image. */
static int load_image(struct pflash *pf)
{
	void *p = mmap(NULL, pf->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int rc;

	if (p == MAP_FAILED)
		return -ENOMEM;
	pf->mem = p;
	rc = pread_all(pf->fd, pf->mem, pf->size, 0);
	if (rc < 0) {
		munmap(pf->mem, pf->size);
		pf->mem = NULL;
	}
	return rc;
}

int pflash_open(int fd, enum pflash_mode mode, bool use_romd,
		const struct pflash_romd_ops *ops, struct pflash **out)
{
	struct pflash *pf;
	int rc = check_open_args(fd, mode, use_romd, ops, out);

	if (rc < 0)
		return rc;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->mode = mode;
	pf->use_romd = use_romd;
	pf->slot_mapped = use_romd;	/* the VMM maps it after open */
	if (ops)
		pf->romd_ops = *ops;
	pf->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (pf->fd < 0) {
		rc = -errno;
		goto out_free;
	}
	rc = lock_file(pf->fd, mode);
	if (rc < 0)
		goto out_close;
	rc = image_size(pf->fd, &pf->size);
	if (rc < 0)
		goto out_unlock;
	rc = load_image(pf);
	if (rc < 0)
		goto out_unlock;
	rc = cfi_init(&pf->cfi, pf->mem, pf->size, PFLASH_SECTOR_SIZE,
		      mode != PFLASH_MODE_READONLY);
	if (rc < 0)
		goto out_unmap;
	pf->dev = (struct vmm_device){ .name = "pflash", .ops = &pflash_ops,
				       .opaque = pf };
	*out = pf;
	return 0;

out_unmap:
	munmap(pf->mem, pf->size);
out_unlock:
	unlock_file(pf->fd);
out_close:
	close(pf->fd);
out_free:
	free(pf);
	return rc;
}

uint8_t *pflash_mem(struct pflash *pf)
{
	return pf->mem;
}

int pflash_fd(const struct pflash *pf)
{
	return pf ? pf->fd : -1;
}

uint64_t pflash_size(const struct pflash *pf)
{
	return pf->size;
}

struct vmm_device *pflash_device(struct pflash *pf)
{
	return &pf->dev;
}

const struct pflash_stats *pflash_get_stats(const struct pflash *pf)
{
	return &pf->stats;
}

void pflash_close(struct pflash *pf)
{
	if (!pf)
		return;
	(void)pflash_flush(pf);	/* failures are in flush_errors */
	unlock_file(pf->fd);
	close(pf->fd);
	munmap(pf->mem, pf->size);
	free(pf);
}
