/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small file helpers shared by the writers of host files (a VARS file
 * created from a descriptor's template, a VARS file edited offline): both
 * make a new file durable before its name appears.
 */
#ifndef FIRMWARE_FILEIO_H
#define FIRMWARE_FILEIO_H

#include <stddef.h>

/* Write all (len) bytes of (buf) to (fd), EINTR retried.  0 or -errno. */
int fileio_write_all(int fd, const void *buf, size_t len);

/* fsync the directory holding (path), so a new name in it is durable. */
int fileio_sync_dir(const char *path);

/* "DIR/.NAME.XXXXXX" for (path), for mkostemp(): same directory, so a
 * rename() over (path) is atomic.  malloc'd, or NULL. */
char *fileio_temp_name(const char *path);

/* A one-line message (fmt) into (err) when it is not NULL; returns (rc). */
int fileio_error(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
