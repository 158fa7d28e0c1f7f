// SPDX-License-Identifier: Apache-2.0
/*
 * A new VARS file from a descriptor's NVRAM template (what libvirt does
 * for a new VM's <nvram>): copy to a temporary file, make it durable, then
 * put it in place without ever replacing a file.  See fwdesc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/fileio.h"
#include "firmware/fwdesc.h"

#define COPY_CHUNK	(64u << 10)

/* Copy (in) to (out) up to EOF, then fsync (out).  0 or -errno. */
static int copy_fd(int in, int out, const char **what)
{
	char *buf = malloc(COPY_CHUNK);
	int rc = buf ? 0 : -ENOMEM;

	*what = "copying";
	while (!rc) {
		ssize_t n = read(in, buf, COPY_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			*what = "reading the template";
			break;
		}
		rc = fileio_write_all(out, buf, (size_t)n);
	}
	free(buf);
	if (!rc && fsync(out) < 0) {
		rc = -errno;
		*what = "fsync";
	}
	return rc;
}

/*
 * Move (tmp) to (dst) unless (dst) exists.  renameat2() is atomic; file
 * systems without RENAME_NOREPLACE (EINVAL) get link() + unlink(), which
 * fails with EEXIST just the same.
 */
static int rename_noreplace(const char *tmp, const char *dst)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (link(tmp, dst) < 0)
		return -errno;
	unlink(tmp);
	return 0;
}

/* The opened template, which must be a regular file. */
static int open_template(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return fileio_error(err, errlen, -errno, "nvram-template %s: %s", path,
			    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fileio_error(err, errlen, -EINVAL, "nvram-template %s: not a "
			    "regular file", path);
	}
	return fd;
}

/* Copy (in) into a new temporary beside (vars) and move it into place. */
static int place_copy(int in, const char *vars, char *err, size_t errlen)
{
	const char *what = "creating a temporary file";
	char *tmp = fileio_temp_name(vars);
	int out, rc;

	if (!tmp)
		return fileio_error(err, errlen, -ENOMEM, "vars %s: out of memory", vars);
	/* mkostemp(): O_CREAT | O_EXCL, mode 0600. */
	out = mkostemp(tmp, O_CLOEXEC);
	rc = out < 0 ? -errno : copy_fd(in, out, &what);
	if (out >= 0 && close(out) < 0 && !rc) {
		rc = -errno;
		what = "close";
	}
	if (!rc) {
		what = "renaming into place";
		rc = rename_noreplace(tmp, vars);
	}
	if (rc && out >= 0)
		unlink(tmp);
	free(tmp);
	if (rc)
		return fileio_error(err, errlen, rc, "vars %s: %s: %s", vars, what,
			    rc == -EEXIST ? "appeared meanwhile" : strerror(-rc));
	return 0;
}

int fwdesc_create_vars(const char *template_path, const char *vars_path,
		       char *err, size_t errlen)
{
	struct stat st;
	int in, rc;

	if (lstat(vars_path, &st) == 0)
		return fileio_error(err, errlen, -EEXIST, "vars %s: already exists",
			    vars_path);
	if (errno != ENOENT)
		return fileio_error(err, errlen, -errno, "vars %s: %s", vars_path,
			    strerror(errno));
	in = open_template(template_path, err, errlen);
	if (in < 0)
		return in;
	rc = place_copy(in, vars_path, err, errlen);
	close(in);
	if (rc)
		return rc;
	rc = fileio_sync_dir(vars_path);
	if (rc) {
		/* Ours and not durable: remove it rather than half-succeed. */
		unlink(vars_path);
		return fileio_error(err, errlen, rc, "vars %s: fsync of its directory: "
			    "%s", vars_path, strerror(-rc));
	}
	return 0;
}
