/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a whole file in a unit test (a firmware image, a corpus
 * fixture).  Header-only: the Makefile builds each test from its one .c.
 */
#ifndef TESTS_UNIT_LOAD_FILE_H
#define TESTS_UNIT_LOAD_FILE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/*
 * The file's bytes in a malloc'ed buffer and its size in *len, or NULL
 * when it cannot be opened; a short read fails the test.
 */
static inline uint8_t *load_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * tests/data/(name) (or $VMM_TEST_DATA/(name)) decompressed with gzip into
 * a malloc'ed buffer; its size in *len.  A missing file or a gzip failure
 * fails the test.
 */
static inline uint8_t *load_gzip(const char *name, size_t *len)
{
	const char *dir = getenv("VMM_TEST_DATA");
	char cmd[512];
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = malloc(cap);
	FILE *p;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s/%s'", dir ? dir : "tests/data",
		 name);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n, p)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	assert_int_equal(pclose(p), 0);
	*len = n;
	return buf;
}

#endif
