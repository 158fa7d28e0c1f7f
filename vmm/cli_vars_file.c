// SPDX-License-Identifier: Apache-2.0
/*
 * The VARS file of "vmm vars": read whole, locked against a running VM for
 * a change, and replaced whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/fileio.h"
#include "vmm/cli_vars_file.h"

/* Far above any VARS image (QEMU caps all firmware at 16 MiB). */
#define VARS_FILE_MAX	(64u << 20)
/* Tries to lock the file the path names before giving up (see lock_path). */
#define LOCK_TRIES	4

/* Read all of the regular file (fd) into a malloc'd buffer.  0 or -errno. */
static int read_fd(int fd, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;	/* reported as "not a regular file" */
	if (st.st_size > VARS_FILE_MAX)
		return -EFBIG;
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (!buf || done != (size_t)st.st_size) {
		free(buf);
		return buf ? -EIO : -ENOMEM;
	}
	*out = buf;
	*len = done;
	return 0;
}

const char *vars_file_error(int rc)
{
	if (rc == -EISDIR)
		return "not a regular file";
	if (rc == -EFBIG)
		return "too large (over 64 MiB)";
	return strerror(-rc);
}

/* Read all of (path) into a malloc'd buffer.  0 or -errno. */
int vars_read_file(const char *path, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int rc;

	if (fd < 0)
		return -errno;
	rc = read_fd(fd, out, len);
	close(fd);
	return rc;
}

/*
 * An OFD write lock over all of (fd), the lock a running VM's pflash takes
 * (devices/pflash/pflash.c: lock_file): F_WRLCK read-write, F_RDLCK
 * read-only; either conflicts with ours.  0, -EBUSY or -errno.
 */
static int lock_fd(int fd)
{
	struct flock lk = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0,
		.l_len = 0,
	};

	if (fcntl(fd, F_OFD_SETLK, &lk) == 0)
		return 0;
	return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
}

/*
 * Open and lock (f->path).  A writer that just renamed a new file over the
 * path leaves us holding the lock on the old one: then try again, so the
 * locked file is the one the path names.
 */
static int lock_path(struct vars_file *f)
{
	struct stat now;
	int rc;

	for (int i = 0; i < LOCK_TRIES; i++) {
		f->fd = open(f->path, O_RDWR | O_CLOEXEC | O_NONBLOCK |
			     O_NOCTTY);
		if (f->fd < 0)
			return errno == EISDIR ? -EISDIR : -errno;
		rc = fstat(f->fd, &f->st) < 0 ? -errno :
		     !S_ISREG(f->st.st_mode) ? -EISDIR : lock_fd(f->fd);
		if (rc == 0 && stat(f->path, &now) == 0 &&
		    now.st_ino == f->st.st_ino && now.st_dev == f->st.st_dev)
			return 0;
		close(f->fd);
		f->fd = -1;
		if (rc < 0)
			return rc;
	}
	return -EBUSY;
}

void vars_file_close(struct vars_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->img);
	f->img = NULL;
}

/*
 * Load (path): locked for writing when (write), else read without a lock
 * (list/get work while a VM runs: see vmm(1)).  0, -EBUSY when a VM holds
 * the file, or -errno (file_error() names it).
 */
int vars_file_open(struct vars_file *f, const char *path, bool write)
{
	int rc;

	f->fd = -1;
	f->img = NULL;
	if (!write) {
		rc = vars_read_file(path, &f->img, &f->len);
	} else if (!realpath(path, f->path)) {
		rc = -errno;
	} else {
		rc = lock_path(f);
		if (rc == 0)
			rc = read_fd(f->fd, &f->img, &f->len);
	}
	if (rc < 0)
		vars_file_close(f);
	return rc;
}

/* Write (f->img) to the new file (fd): same mode and owner, on disk. */
static int fill_temp(const struct vars_file *f, int fd)
{
	int rc = 0;

	if (fchmod(fd, f->st.st_mode & 07777) < 0)
		return -errno;
	/* Keep the owner where we may (root editing a user's file). */
	if (fchown(fd, f->st.st_uid, f->st.st_gid) < 0 && errno != EPERM)
		return -errno;
	rc = fileio_write_all(fd, f->img, f->len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	return rc;
}

/*
 * Replace (f->path) by (f->img) whole or not at all: a new file in the
 * same directory (mkostemp: O_EXCL), fsync, rename over, fsync the
 * directory.  0 or -errno; on failure the original is untouched.
 */
int vars_file_save(const struct vars_file *f)
{
	char *tmp = fileio_temp_name(f->path);
	int fd, rc;

	if (!tmp)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = fill_temp(f, fd);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, f->path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc < 0 ? rc : fileio_sync_dir(f->path);
}

/* ---- shared by vmm vars and vmm vars-dump ---- */

uint16_t vars_unit_at(const uint8_t *p, uint32_t i)
{
	return (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
}

/* Printable UTF-16: even size, ASCII text units, a NUL only at the end. */
bool vars_printable_utf16(const uint8_t *p, uint32_t n)
{
	uint32_t units = n / 2;

	if (n < 2 || n % 2)
		return false;
	if (vars_unit_at(p, units - 1) == 0)
		units--;
	for (uint32_t i = 0; i < units; i++) {
		uint16_t u = vars_unit_at(p, i);

		if (u < 0x20 || u > 0x7E)
			return false;
	}
	return units > 0;
}
