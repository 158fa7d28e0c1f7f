/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the vmm subcommands share (CLI only): the one-line error, strict
 * number and hex parsing of option values, and the note `vmm measure` and
 * `vmm snp-id-block` print for firmware no SNP launch takes.
 */
#ifndef VMM_CLI_UTIL_H
#define VMM_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "vmm CMD: message" on stderr, one line; returns (status). */
int cli_fail(int status, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An unsigned number in (base) (0: C rules), the whole string, no sign or
 * leading space, at most (max). */
bool cli_parse_u64(const char *s, int base, uint64_t max, uint64_t *out);
/* Hex with or without 0x. */
bool cli_parse_hex(const char *s, uint64_t max, uint64_t *out);
/* Exactly (n) bytes as 2n hex digits, first byte first. */
bool cli_parse_hex_bytes(const char *s, uint8_t *out, size_t n);

/* On stderr, as "vmm CMD: note: ...", when (image) has an OVMF table but
 * no SEV-SNP metadata: its SNP digest is of no launch QEMU or vmm makes. */
void cli_note_no_snp_metadata(const char *cmd, const char *path,
			      const void *image, size_t len);

#endif
