// SPDX-License-Identifier: Apache-2.0
/* "vmm vars-dump": argv handling and printing around firmware/varstore.h. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/varstore.h"
#include "vmm/cli_vars.h"

enum { EXIT_OK = 0, EXIT_HOST = 1, EXIT_USAGE = 2 };

/* Far above any VARS image (QEMU caps all firmware at 16 MiB). */
#define VARS_FILE_MAX	(64u << 20)

static int fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("vmm vars-dump: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* Read all of (path) into a malloc'd buffer.  0 or -errno. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > VARS_FILE_MAX) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		free(buf);
		return buf ? -EIO : -ENOMEM;
	}
	*out = buf;
	*len = done;
	return 0;
}

static uint16_t unit_at(const uint8_t *p, uint32_t i)
{
	return (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
}

/* Print a UTF-16LE name up to its NUL; non-ASCII as \uXXXX. */
static void print_name(const uint8_t *name, uint32_t size)
{
	for (uint32_t i = 0; i < size / 2; i++) {
		uint16_t u = unit_at(name, i);

		if (u == 0)
			break;
		if (u > 0x20 && u < 0x7F)
			putchar(u);
		else
			printf("\\u%04x", u);
	}
}

static void print_attributes(uint32_t a)
{
	static const char *const names[] = { "NV", "BS", "RT", "HR",
					     "AW", "TA", "AP" };
	bool first = true;

	printf("attr 0x%x (", a);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (a & (1u << i)) {
			printf("%s%s", first ? "" : "|", names[i]);
			first = false;
		}
	}
	printf(")");
}

static void print_hex(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (i % 16 == 0)
			printf("%s  %04x:", i ? "\n" : "", i);
		printf(" %02x", p[i]);
	}
	if (n)
		putchar('\n');
}

/* Printable UTF-16: even size, ASCII text units, a NUL only at the end. */
static bool printable_utf16(const uint8_t *p, uint32_t n)
{
	uint32_t units = n / 2;

	if (n < 2 || n % 2)
		return false;
	if (unit_at(p, units - 1) == 0)
		units--;
	for (uint32_t i = 0; i < units; i++) {
		uint16_t u = unit_at(p, i);

		if (u < 0x20 || u > 0x7E)
			return false;
	}
	return units > 0;
}

static void print_variable(const struct varstore_var *v, bool all)
{
	char guid[37];

	varstore_guid_str(v->guid, guid);
	print_name(v->name, v->name_size);
	printf(" %s ", guid);
	print_attributes(v->attributes);
	printf(" %u bytes", v->data_size);
	if (all)
		printf(" state 0x%02x%s", v->state,
		       v->state == VARSTORE_VAR_ADDED ? "" : " (not live)");
	putchar('\n');
	print_hex(v->data, v->data_size);
	if (printable_utf16(v->data, v->data_size)) {
		printf("  utf16: \"");
		for (uint32_t i = 0; i < v->data_size / 2; i++)
			if (unit_at(v->data, i))
				putchar(unit_at(v->data, i));
		printf("\"\n");
	}
}

static int dump(const char *path, bool all)
{
	struct varstore_iter it;
	struct varstore_var v;
	char why[160];
	uint8_t *img = NULL;
	size_t len = 0;
	unsigned n = 0;
	int rc = read_file(path, &img, &len);

	if (rc < 0)
		return fail(rc == -EINVAL ? EXIT_USAGE : EXIT_HOST, "%s: %s",
			    path, rc == -EINVAL ? "not a regular file of sane "
			    "size" : strerror(-rc));
	rc = varstore_iter_init(&it, img, len, why, sizeof(why));
	if (rc < 0) {
		free(img);
		return fail(EXIT_USAGE, "%s: not an OVMF VARS image: %s",
			    path, why);
	}
	it.all = all;
	printf("%s: %zu bytes, %s variable store 0x%llx-0x%llx\n", path, len,
	       it.authenticated ? "authenticated" : "plain",
	       (unsigned long long)it.start, (unsigned long long)it.end);
	while ((rc = varstore_iter_next(&it, &v)) == 1) {
		print_variable(&v, all);
		n++;
	}
	printf("%u variable%s\n", n, n == 1 ? "" : "s");
	free(img);
	if (rc < 0)
		return fail(EXIT_USAGE, "%s: malformed entry after the last "
			    "one listed; listing stops there", path);
	return EXIT_OK;
}

int cli_vars_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ah", opts, NULL)) != -1) {
		if (opt == 'a') {
			all = true;
		} else {
			fprintf(opt == 'h' ? stdout : stderr,
				"usage: vmm vars-dump [--all] FILE\n");
			return opt == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return fail(EXIT_USAGE, "usage: vmm vars-dump [--all] FILE");
	return dump(argv[optind], all);
}
