// SPDX-License-Identifier: Apache-2.0
/* Shared by the vmm subcommands (vmm/cli_util.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/ovmf_table.h"
#include "vmm/cli_util.h"

int cli_fail(int status, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmm %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

bool cli_parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull() would take a sign or leading blanks: refuse them. */
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_hex(const char *s, uint64_t max, uint64_t *out)
{
	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return cli_parse_u64(s, 16, max, out);
}

bool cli_parse_hex_bytes(const char *s, uint8_t *out, size_t n)
{
	if (!s || strlen(s) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char byte[3] = { s[2 * i], s[2 * i + 1], 0 };
		uint64_t v;

		if (!cli_parse_u64(byte, 16, 0xff, &v))
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

void cli_note_no_snp_metadata(const char *cmd, const char *path,
			      const void *image, size_t len)
{
	struct ovmf_sev_info info;

	if (ovmf_sev_info_parse(image, len, &info) == 0 && !info.has_metadata)
		fprintf(stderr, "vmm %s: note: %s has no SEV-SNP metadata "
			"(ASEV sections): measured as CODE and VMSAs only; QEMU "
			"and vmm refuse to launch it as SNP\n", cmd, path);
}
