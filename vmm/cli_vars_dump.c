// SPDX-License-Identifier: Apache-2.0
/*
 * "vmm vars-dump [--all] FILE": every variable of an OVMF VARS file, with
 * its data in hex and, when printable, as UTF-16 text (vmm/cli_vars.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/varstore.h"
#include "vmm/cli_util.h"
#include "vmm/cli_vars_file.h"

#define EXIT_OK		VARS_EXIT_OK
#define EXIT_HOST	VARS_EXIT_HOST
#define EXIT_USAGE	VARS_EXIT_USAGE

/* Print a UTF-16LE name up to its NUL; non-ASCII as \uXXXX. */
static void print_name(const uint8_t *name, uint32_t size)
{
	for (uint32_t i = 0; i < size / 2; i++) {
		uint16_t u = vars_unit_at(name, i);

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
	if (vars_printable_utf16(v->data, v->data_size)) {
		printf("  utf16: \"");
		for (uint32_t i = 0; i < v->data_size / 2; i++)
			if (vars_unit_at(v->data, i))
				putchar(vars_unit_at(v->data, i));
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
	int rc = vars_read_file(path, &img, &len);

	if (rc < 0 && rc != -EISDIR && rc != -EFBIG)
		return cli_fail(EXIT_HOST, "vars-dump", "%s: %s", path,
			    strerror(-rc));
	if (rc < 0)
		return cli_fail(EXIT_USAGE, "vars-dump", "%s: not a regular file "
			    "of sane size", path);
	rc = varstore_iter_init(&it, img, len, why, sizeof(why));
	if (rc < 0) {
		free(img);
		return cli_fail(EXIT_USAGE, "vars-dump", "%s: not an OVMF VARS "
			    "image: %s", path, why);
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
		return cli_fail(EXIT_USAGE, "vars-dump", "%s: malformed entry "
			    "after the last one listed; listing stops there",
			    path);
	return EXIT_OK;
}

int vars_dump_main(int argc, char **argv)
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
		return cli_fail(EXIT_USAGE, "vars-dump",
			    "usage: vmm vars-dump [--all] FILE");
	return dump(argv[optind], all);
}
