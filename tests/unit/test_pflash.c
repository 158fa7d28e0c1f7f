// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the pflash glue (devices/pflash/pflash.c): opening and
 * locking the VARS file, ROMD switching through a fake set_romd that records
 * every transition, write-back to a temp file, snapshot and read-only modes,
 * and injected I/O errors (pwrite/fdatasync are wrapped, see
 * test_pflash.ldflags).  Ends with the per-byte cost of a program.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "devices/pflash/pflash.h"

#define SECTOR	0x1000u
#define SIZE	0x20000u

/* Injected failures for the wrapped syscalls: 0 = pass through. */
static int pwrite_errno;
static int fdatasync_errno;
static unsigned fdatasync_calls;

ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (pwrite_errno) {
		errno = pwrite_errno;
		return -1;
	}
	return __real_pwrite(fd, buf, n, off);
}

int __wrap_fdatasync(int fd)
{
	fdatasync_calls++;
	if (fdatasync_errno) {
		errno = fdatasync_errno;
		return -1;
	}
	return __real_fdatasync(fd);
}

struct fake_romd {
	bool calls[64];
	unsigned n;
	int rc;
};

static int fake_set_romd(void *ctx, bool on)
{
	struct fake_romd *r = ctx;

	if (r->rc)
		return r->rc;
	if (r->n < 64)
		r->calls[r->n] = on;
	r->n++;
	return 0;
}

struct fixture {
	char path[64];
	int fd;
	uint8_t orig[SIZE];
	struct fake_romd romd;
	struct pflash_romd_ops ops;
	struct pflash *pf;
	struct vmm_device *dev;
};

static void make_file(struct fixture *f, uint64_t size)
{
	strcpy(f->path, "/tmp/test_pflash.XXXXXX");
	f->fd = mkstemp(f->path);
	assert_true(f->fd >= 0);
	for (uint64_t i = 0; i < SIZE; i++)
		f->orig[i] = (uint8_t)(i * 13 + 1);
	if (size)
		assert_int_equal(pwrite(f->fd, f->orig, size, 0), (ssize_t)size);
}

static int open_fixture(void **state, enum pflash_mode mode, bool use_romd)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	make_file(f, SIZE);
	f->ops = (struct pflash_romd_ops){ .ctx = &f->romd,
					   .set_romd = fake_set_romd };
	assert_int_equal(pflash_open(f->fd, mode, use_romd, &f->ops, &f->pf),
			 0);
	f->dev = pflash_device(f->pf);
	pwrite_errno = fdatasync_errno = 0;
	fdatasync_calls = 0;
	*state = f;
	return 0;
}

static int setup_rw(void **state)
{
	return open_fixture(state, PFLASH_MODE_READWRITE, true);
}

static int setup_rw_noromd(void **state)
{
	return open_fixture(state, PFLASH_MODE_READWRITE, false);
}

static int setup_snapshot(void **state)
{
	return open_fixture(state, PFLASH_MODE_SNAPSHOT, true);
}

static int setup_readonly(void **state)
{
	return open_fixture(state, PFLASH_MODE_READONLY, true);
}

static int setup_file_only(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	make_file(f, 0);
	f->ops = (struct pflash_romd_ops){ .ctx = &f->romd,
					   .set_romd = fake_set_romd };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pwrite_errno = fdatasync_errno = 0;
	pflash_close(f->pf);
	close(f->fd);
	unlink(f->path);
	free(f);
	return 0;
}

static int dwr(struct fixture *f, uint64_t off, uint8_t v)
{
	return f->dev->ops->write(f->dev->opaque, off, &v, 1);
}

static uint8_t drd(struct fixture *f, uint64_t off)
{
	uint8_t v = 0xFF;

	assert_int_equal(f->dev->ops->read(f->dev->opaque, off, &v, 1), 0);
	return v;
}

static uint8_t file_byte(struct fixture *f, uint64_t off)
{
	uint8_t v;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &v, 1, (off_t)off), 1);
	close(fd);
	return v;
}

static void file_equals(struct fixture *f, const uint8_t *want)
{
	static uint8_t buf[SIZE];
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, SIZE, 0), SIZE);
	close(fd);
	assert_memory_equal(buf, want, SIZE);
}

/* OVMF's QemuFlashWrite: 0x10 + data per byte, then 0xFF at the last. */
static void qemu_flash_write(struct fixture *f, uint64_t off,
			     const uint8_t *data, unsigned n, int want_rc)
{
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(dwr(f, off + i, 0x10), 0);
		assert_int_equal(dwr(f, off + i, data[i]), 0);
	}
	assert_int_equal(dwr(f, off + n - 1, 0xFF), want_rc);
}

static void test_pflash_open_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct pflash *pf = NULL;
	int ro = open(f->path, O_RDONLY | O_CLOEXEC);

	assert_int_equal(pwrite(f->fd, f->orig, SIZE, 0), SIZE);
	assert_int_equal(pflash_open(f->fd, PFLASH_MODE_READWRITE, false, NULL,
				     NULL), -EINVAL);
	assert_int_equal(pflash_open(-1, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), -EINVAL);
	assert_int_equal(pflash_open(f->fd, (enum pflash_mode)7, false, NULL,
				     &pf), -EINVAL);
	assert_int_equal(pflash_open(f->fd, PFLASH_MODE_READWRITE, true, NULL,
				     &pf), -EINVAL);
	assert_int_equal(pflash_open(ro, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), -EBADF);
	assert_null(pf);
	/* A read-only fd is fine for the modes that never write. */
	assert_int_equal(pflash_open(ro, PFLASH_MODE_SNAPSHOT, false, NULL,
				     &pf), 0);
	pflash_close(pf);
	/* The caller's fd stays the caller's: still open after close. */
	uint8_t b;
	assert_int_equal(pread(ro, &b, 1, 5), 1);
	assert_int_equal(b, f->orig[5]);
	close(ro);
}

static void test_pflash_open_size_checks(void **state)
{
	struct fixture *f = *state;
	struct pflash *pf = NULL;
	const off_t bad[] = { 0, 1, SECTOR - 1, SECTOR + 512,
			      (off_t)PFLASH_MAX_SIZE + SECTOR };
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ftruncate(f->fd, bad[i]), 0);
		assert_int_equal(pflash_open(f->fd, PFLASH_MODE_READWRITE,
					     false, NULL, &pf), -EINVAL);
	}
	assert_int_equal(pflash_open(dir, PFLASH_MODE_SNAPSHOT, false, NULL,
				     &pf), -EINVAL);
	close(dir);
	assert_int_equal(ftruncate(f->fd, SECTOR), 0);
	assert_int_equal(pflash_open(f->fd, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), 0);
	assert_int_equal(pflash_size(pf), SECTOR);
	pflash_close(pf);
	assert_int_equal(ftruncate(f->fd, PFLASH_MAX_SIZE), 0);
	assert_int_equal(pflash_open(f->fd, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), 0);
	assert_int_equal(pflash_size(pf), PFLASH_MAX_SIZE);
	pflash_close(pf);
}

static void test_pflash_open_reads_image(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pflash_size(f->pf), SIZE);
	assert_int_equal((uintptr_t)pflash_mem(f->pf) % 4096, 0);
	assert_memory_equal(pflash_mem(f->pf), f->orig, SIZE);
	assert_string_equal(f->dev->name, "pflash");
	assert_non_null(f->dev->ops->reset);
	/* Open never calls set_romd; the VMM maps the slot. */
	assert_int_equal(f->romd.n, 0);
	assert_int_equal(drd(f, 0x1234), f->orig[0x1234]);
}

static void test_pflash_second_open_is_busy(void **state)
{
	struct fixture *f = *state;
	struct pflash *pf = NULL;
	int rw = open(f->path, O_RDWR | O_CLOEXEC);
	int ro = open(f->path, O_RDONLY | O_CLOEXEC);

	assert_int_equal(pflash_open(rw, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), -EBUSY);
	assert_int_equal(pflash_open(ro, PFLASH_MODE_SNAPSHOT, false, NULL,
				     &pf), -EBUSY);
	assert_int_equal(pflash_open(ro, PFLASH_MODE_READONLY, false, NULL,
				     &pf), -EBUSY);
	assert_null(pf);
	/* Closing releases the lock even though the caller keeps its fd. */
	pflash_close(f->pf);
	f->pf = NULL;
	assert_int_equal(pflash_open(rw, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), 0);
	pflash_close(pf);
	close(rw);
	close(ro);
}

static void test_pflash_snapshot_shares_and_excludes_writer(void **state)
{
	struct fixture *f = *state;
	struct pflash *pf = NULL;
	int rw = open(f->path, O_RDWR | O_CLOEXEC);
	int ro = open(f->path, O_RDONLY | O_CLOEXEC);

	assert_int_equal(pflash_open(ro, PFLASH_MODE_SNAPSHOT, false, NULL,
				     &pf), 0);
	pflash_close(pf);
	pf = NULL;
	assert_int_equal(pflash_open(ro, PFLASH_MODE_READONLY, false, NULL,
				     &pf), 0);
	pflash_close(pf);
	pf = NULL;
	assert_int_equal(pflash_open(rw, PFLASH_MODE_READWRITE, false, NULL,
				     &pf), -EBUSY);
	close(rw);
	close(ro);
}

static void test_pflash_qemu_flash_write_two_switches(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0x00, 0x01, 0x00, 0x01, 0x04 };
	const struct pflash_stats *st = pflash_get_stats(f->pf);

	qemu_flash_write(f, 0x1000, data, sizeof(data), 0);
	assert_int_equal(f->romd.n, 2);
	assert_false(f->romd.calls[0]);
	assert_true(f->romd.calls[1]);
	assert_int_equal(st->romd_off, 1);
	assert_int_equal(st->romd_on, 1);
	assert_int_equal(st->mmio_writes, 2 * sizeof(data) + 1);
	assert_int_equal(st->programs, sizeof(data));
	for (unsigned i = 0; i < sizeof(data); i++)
		assert_int_equal(drd(f, 0x1000 + i), f->orig[0x1000 + i] &
						     data[i]);
}

static void test_pflash_erase_switches(void **state)
{
	struct fixture *f = *state;
	const struct pflash_stats *st = pflash_get_stats(f->pf);

	assert_int_equal(dwr(f, 0x3000, 0x20), 0);
	assert_int_equal(dwr(f, 0x3000, 0xD0), 0);
	assert_int_equal(f->romd.n, 1);
	assert_false(f->romd.calls[0]);
	assert_int_equal(drd(f, 0x3010), 0x80);
	assert_int_equal(st->erases, 1);
	assert_int_equal(dwr(f, 0x3000, 0xFF), 0);
	assert_int_equal(f->romd.n, 2);
	assert_true(f->romd.calls[1]);
	assert_int_equal(drd(f, 0x3010), 0xFF);
	assert_int_equal(file_byte(f, 0x3FFF), 0xFF);
}

static void test_pflash_probe_switches(void **state)
{
	struct fixture *f = *state;
	uint8_t o = drd(f, 0x10);

	/* docs/pflash.md 7.3: QEMU needs 4 slot changes, we need 2. */
	assert_int_equal(dwr(f, 0x10, 0x50), 0);
	assert_int_equal(drd(f, 0x10), o);
	assert_int_equal(dwr(f, 0x10, 0x70), 0);
	assert_int_equal(drd(f, 0x10), 0x00);
	assert_int_equal(dwr(f, 0x10, 0x10), 0);
	assert_int_equal(dwr(f, 0x10, o), 0);
	assert_int_equal(dwr(f, 0x10, 0x70), 0);
	assert_int_equal(drd(f, 0x10), 0x80);
	assert_int_equal(dwr(f, 0x10, 0xFF), 0);
	assert_int_equal(f->romd.n, 2);
	assert_false(f->romd.calls[0]);
	assert_true(f->romd.calls[1]);
}

static void test_pflash_probe_readonly_mode(void **state)
{
	struct fixture *f = *state;
	uint8_t o = drd(f, 0x10);

	dwr(f, 0x10, 0x50);
	dwr(f, 0x10, 0x70);
	assert_int_equal(drd(f, 0x10), 0x00);
	dwr(f, 0x10, 0x10);
	dwr(f, 0x10, (uint8_t)~o);
	dwr(f, 0x10, 0x70);
	assert_int_equal(drd(f, 0x10), 0x90);
	assert_int_equal(dwr(f, 0x10, 0xFF), 0);
	dwr(f, 0x2000, 0x20);
	dwr(f, 0x2000, 0xD0);
	assert_int_equal(drd(f, 0), 0xB0);
	assert_memory_equal(pflash_mem(f->pf), f->orig, SIZE);
	pflash_close(f->pf);
	f->pf = NULL;
	file_equals(f, f->orig);
}

static void test_pflash_no_romd_traps_reads(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0x11 };

	qemu_flash_write(f, 0x20, data, 1, 0);
	assert_int_equal(f->romd.n, 0);
	assert_int_equal(drd(f, 0x20), f->orig[0x20] & 0x11);
	assert_int_equal(pflash_get_stats(f->pf)->romd_on, 0);
}

static void test_pflash_persists_on_read_array(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0x00, 0x02, 0x04 };
	const struct pflash_stats *st = pflash_get_stats(f->pf);

	for (unsigned i = 0; i < 3; i++) {
		dwr(f, 0x5000 + i, 0x10);
		dwr(f, 0x5000 + i, data[i]);
	}
	/* No syscall on the program path: the file is still old. */
	assert_int_equal(fdatasync_calls, 0);
	assert_int_equal(file_byte(f, 0x5000), f->orig[0x5000]);
	assert_int_equal(dwr(f, 0x5002, 0xFF), 0);
	assert_int_equal(fdatasync_calls, 1);
	assert_int_equal(st->flushes, 1);
	assert_int_equal(st->blocks_written, 1);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(file_byte(f, 0x5000 + i),
				 f->orig[0x5000 + i] & data[i]);
	/* Nothing dirty: a second 0xFF and a flush cost nothing. */
	assert_int_equal(dwr(f, 0, 0xFF), 0);
	assert_int_equal(pflash_flush(f->pf), 0);
	assert_int_equal(fdatasync_calls, 1);
}

static void test_pflash_flush_writes_pending(void **state)
{
	struct fixture *f = *state;

	dwr(f, 0x7FFF, 0x10);
	dwr(f, 0x7FFF, 0x00);
	assert_int_equal(file_byte(f, 0x7FFF), f->orig[0x7FFF]);
	assert_int_equal(pflash_flush(f->pf), 0);
	assert_int_equal(file_byte(f, 0x7FFF), 0x00);
	assert_int_equal(pflash_get_stats(f->pf)->blocks_written, 1);
}

static void test_pflash_block_switch_flushes_in_order(void **state)
{
	struct fixture *f = *state;
	const struct pflash_stats *st = pflash_get_stats(f->pf);

	/* Erase block 3, then program block 1 with no 0xFF between:
	 * block 3 must reach the file first, on its own. */
	dwr(f, 0x3000, 0x20);
	dwr(f, 0x3000, 0xD0);
	assert_int_equal(st->flushes, 0);
	dwr(f, 0x1000, 0x10);
	dwr(f, 0x1000, 0x00);
	assert_int_equal(st->flushes, 1);
	assert_int_equal(st->blocks_written, 1);
	assert_int_equal(file_byte(f, 0x3000), 0xFF);
	assert_int_equal(file_byte(f, 0x1000), f->orig[0x1000]);
	dwr(f, 0x1000, 0xFF);
	assert_int_equal(st->flushes, 2);
	assert_int_equal(st->blocks_written, 2);
	assert_int_equal(file_byte(f, 0x1000), 0x00);
	/* A wide program straddling two blocks writes both at once. */
	dwr(f, 0x1FFE, 0x10);
	uint32_t z = 0;
	assert_int_equal(f->dev->ops->write(f->dev->opaque, 0x1FFE, &z, 4), 0);
	dwr(f, 0x1FFE, 0xFF);
	assert_int_equal(st->flushes, 3);
	assert_int_equal(st->blocks_written, 4);
	assert_int_equal(file_byte(f, 0x2001), 0x00);
}

static void test_pflash_snapshot_never_writes(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0x00, 0x00 };

	qemu_flash_write(f, 0x100, data, 2, 0);
	dwr(f, 0x4000, 0x20);
	dwr(f, 0x4000, 0xD0);
	dwr(f, 0x4000, 0xFF);
	assert_int_equal(drd(f, 0x100), 0x00);
	assert_int_equal(drd(f, 0x4000), 0xFF);
	assert_int_equal(pflash_flush(f->pf), 0);
	assert_int_equal(fdatasync_calls, 0);
	assert_int_equal(pflash_get_stats(f->pf)->blocks_written, 0);
	pflash_close(f->pf);
	f->pf = NULL;
	file_equals(f, f->orig);
}

static void test_pflash_write_error_returned_and_retried(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0x00 };
	const struct pflash_stats *st = pflash_get_stats(f->pf);

	pwrite_errno = ENOSPC;
	qemu_flash_write(f, 0x6000, data, 1, -ENOSPC);
	/* The guest's view is intact and ROMD is back on. */
	assert_int_equal(drd(f, 0x6000), 0x00);
	assert_true(f->romd.calls[1]);
	assert_int_equal(st->flush_errors, 1);
	assert_int_equal(pflash_flush(f->pf), -ENOSPC);
	assert_int_equal(file_byte(f, 0x6000), f->orig[0x6000]);
	pwrite_errno = 0;
	assert_int_equal(pflash_flush(f->pf), 0);
	assert_int_equal(file_byte(f, 0x6000), 0x00);
	assert_int_equal(st->flushes, 1);
}

static void test_pflash_fdatasync_error_keeps_marks(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[] = { 0x00 };
	const struct pflash_stats *st = pflash_get_stats(f->pf);

	fdatasync_errno = EIO;
	qemu_flash_write(f, 0x6000, data, 1, -EIO);
	assert_int_equal(st->blocks_written, 1);
	fdatasync_errno = 0;
	/* The retry writes the block again, then syncs. */
	assert_int_equal(pflash_flush(f->pf), 0);
	assert_int_equal(st->blocks_written, 2);
	assert_int_equal(st->flushes, 1);
	assert_int_equal(pflash_flush(f->pf), 0);
	assert_int_equal(st->blocks_written, 2);
}

static void test_pflash_set_romd_error_retried(void **state)
{
	struct fixture *f = *state;

	f->romd.rc = -ENOMEM;
	assert_int_equal(dwr(f, 0, 0x70), -ENOMEM);
	assert_int_equal(pflash_get_stats(f->pf)->romd_errors, 1);
	/* The slot is still mapped: the next write tries again. */
	f->romd.rc = 0;
	assert_int_equal(dwr(f, 0, 0x70), 0);
	assert_int_equal(f->romd.n, 1);
	assert_false(f->romd.calls[0]);
	/* And a failed re-map is retried too. */
	f->romd.rc = -ENOMEM;
	assert_int_equal(dwr(f, 0, 0xFF), -ENOMEM);
	f->romd.rc = 0;
	assert_int_equal(dwr(f, 0, 0xFF), 0);
	assert_int_equal(f->romd.n, 2);
	assert_true(f->romd.calls[1]);
}

static void test_pflash_reset_restores_romd_and_flushes(void **state)
{
	struct fixture *f = *state;

	dwr(f, 0x2000, 0x10);
	dwr(f, 0x2000, 0x00);
	dwr(f, 0x3000, 0xE8);	/* open buffer: discarded by reset */
	dwr(f, 0x3000, 0x00);
	dwr(f, 0x3000, 0x00);
	f->dev->ops->reset(f->dev->opaque);
	assert_int_equal(f->romd.n, 2);
	assert_true(f->romd.calls[1]);
	assert_int_equal(file_byte(f, 0x2000), 0x00);
	assert_int_equal(drd(f, 0x3000), f->orig[0x3000]);
	dwr(f, 0, 0x70);
	assert_int_equal(drd(f, 0), 0x80);
	assert_int_equal(pflash_get_stats(f->pf)->resets, 1);
	/* Reset in array mode: no slot change. */
	dwr(f, 0, 0xFF);
	f->dev->ops->reset(f->dev->opaque);
	assert_int_equal(f->romd.n, 4);
}

static void test_pflash_bad_access_refused(void **state)
{
	struct fixture *f = *state;
	uint64_t v = 0;

	assert_int_equal(f->dev->ops->read(f->dev->opaque, SIZE - 1, &v, 2),
			 -EINVAL);
	assert_int_equal(f->dev->ops->write(f->dev->opaque, SIZE, &v, 1),
			 -EINVAL);
	assert_int_equal(f->dev->ops->write(f->dev->opaque, UINT64_MAX - 1,
					    &v, 4), -EINVAL);
	assert_int_equal(f->dev->ops->read(f->dev->opaque, 0, &v, 0), -EINVAL);
	assert_int_equal(pflash_get_stats(f->pf)->bad_accesses, 4);
	assert_int_equal(f->dev->ops->read(f->dev->opaque, SIZE - 8, &v, 8), 0);
	assert_memory_equal(&v, f->orig + SIZE - 8, 8);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * Host cost of a byte program through the device's write op, exits
 * excluded: 0x10 + data in MMIO mode, within one block so no flush.
 */
static void test_pflash_program_cost(void **state)
{
	struct fixture *f = *state;
	const unsigned iters = 1000000;
	double t0, ns;

	dwr(f, 0, 0x70);	/* MMIO mode */
	t0 = now_ns();
	for (unsigned i = 0; i < iters; i++) {
		uint8_t cmd = 0x10, v = (uint8_t)i;
		uint64_t off = 0x1000 + (i & 0xFFF);

		f->dev->ops->write(f->dev->opaque, off, &cmd, 1);
		f->dev->ops->write(f->dev->opaque, off, &v, 1);
	}
	ns = (now_ns() - t0) / iters;
	print_message("pflash: %.1f ns per programmed byte (2 write ops)\n",
		      ns);
	assert_int_equal(pflash_get_stats(f->pf)->programs, iters);
	assert_int_equal(fdatasync_calls, 0);
	assert_true(ns < 1000.0);
}

int main(void)
{
#define T(t, s) cmocka_unit_test_setup_teardown(t, s, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pflash_open_bad_arguments, setup_file_only),
		T(test_pflash_open_size_checks, setup_file_only),
		T(test_pflash_open_reads_image, setup_rw),
		T(test_pflash_second_open_is_busy, setup_rw),
		T(test_pflash_snapshot_shares_and_excludes_writer,
		  setup_snapshot),
		T(test_pflash_qemu_flash_write_two_switches, setup_rw),
		T(test_pflash_erase_switches, setup_rw),
		T(test_pflash_probe_switches, setup_rw),
		T(test_pflash_probe_readonly_mode, setup_readonly),
		T(test_pflash_no_romd_traps_reads, setup_rw_noromd),
		T(test_pflash_persists_on_read_array, setup_rw),
		T(test_pflash_flush_writes_pending, setup_rw),
		T(test_pflash_block_switch_flushes_in_order, setup_rw),
		T(test_pflash_snapshot_never_writes, setup_snapshot),
		T(test_pflash_write_error_returned_and_retried, setup_rw),
		T(test_pflash_fdatasync_error_keeps_marks, setup_rw),
		T(test_pflash_set_romd_error_retried, setup_rw),
		T(test_pflash_reset_restores_romd_and_flushes, setup_rw),
		T(test_pflash_bad_access_refused, setup_rw),
		T(test_pflash_program_cost, setup_rw),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
