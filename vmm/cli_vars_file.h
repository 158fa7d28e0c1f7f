/* SPDX-License-Identifier: Apache-2.0 */
/* The VARS file of "vmm vars" (vmm/cli_vars_file.c). */
#ifndef VMM_CLI_VARS_FILE_H
#define VMM_CLI_VARS_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct vars_file {
	char path[PATH_MAX];	/* resolved: rename() replaces the target */
	int fd;			/* holds the OFD write lock, or -1 */
	struct stat st;
	uint8_t *img;
	size_t len;
};

/* Read all of the regular file (path), at most 64 MiB.  0 or -errno. */
int vars_read_file(const char *path, uint8_t **out, size_t *len);
/* "not a regular file", "too large (over 64 MiB)" or strerror(). */
const char *vars_file_error(int rc);

/*
 * Load (path) into (f): with (write), under an OFD write lock (the lock a
 * running VM's pflash holds conflicts: -EBUSY); else read without a lock.
 * 0 or -errno.
 */
int vars_file_open(struct vars_file *f, const char *path, bool write);
/* Replace the file by f->img: new file, fsync, rename, directory fsync. */
int vars_file_save(const struct vars_file *f);
void vars_file_close(struct vars_file *f);

/* Shared by the vars subcommands (vmm/cli_vars*.c). */
enum { VARS_EXIT_OK = 0, VARS_EXIT_HOST = 1, VARS_EXIT_USAGE = 2 };
/* UTF-16LE code unit (i) of (p). */
uint16_t vars_unit_at(const uint8_t *p, uint32_t i);
/* Printable UTF-16: even size, ASCII text units, a NUL only at the end. */
bool vars_printable_utf16(const uint8_t *p, uint32_t n);
/* "vmm vars-dump" (vmm/cli_vars_dump.c). */
int vars_dump_main(int argc, char **argv);

#endif
