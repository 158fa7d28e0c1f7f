/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline writer of an OVMF variable store (the layouts are in varstore.h),
 * and the text conversions its command line needs.  Pure functions on a
 * caller's buffer: no I/O, no allocation.  Every function either succeeds
 * or leaves the image byte-identical.
 *
 * An update is done the way edk2's variable driver does it
 * (MdeModulePkg/Universal/Variable/RuntimeDxe/Variable.c, UpdateVariable):
 * the new copy is appended with State VAR_ADDED and the old copy loses the
 * VAR_IN_DELETED_TRANSITION and VAR_DELETED bits (0x3F -> 0x3C); a delete
 * clears VAR_DELETED only (0x3F -> 0x3D).  A state byte only ever loses
 * bits, as on flash.  When the free space after the
 * last entry is too small (or not erased, 0xFF), the store is first
 * reclaimed: live variables are moved down in store order, everything
 * else becomes 0xFF (edk2's Reclaim()).  Only the bytes from the first
 * variable header to the end of the variable store change: the FV header,
 * the store header and whatever follows the store (OVMF's fault-tolerant
 * write working block and spare area) are left alone.
 */
#ifndef FIRMWARE_VAREDIT_H
#define FIRMWARE_VAREDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest name we write: UTF-16 code units, the NUL not counted. */
#define VAREDIT_NAME_MAX	1024u
/* Buffer size that holds any name varedit_name_from_utf8() accepts. */
#define VAREDIT_NAME_BUF	(2u * (VAREDIT_NAME_MAX + 1))

/* The attributes a variable we write may have. */
#define VAREDIT_ATTRS_ALLOWED	0x07u	/* NV | BS | RT */
/* Attributes that need a signed update: we refuse to create or touch. */
#define VAREDIT_ATTRS_SIGNED	0x30u	/* AUTH_WRITE | TIME_BASED_AUTH */

struct varedit_req {
	const uint8_t *name;	/* UTF-16LE, NUL-terminated */
	uint32_t name_size;	/* bytes, the NUL included */
	uint8_t guid[16];
	uint32_t attributes;
	const uint8_t *data;
	uint32_t data_size;	/* > 0: a zero size means delete in UEFI */
};

/*
 * Create or replace variable (req) in the (size)-byte image (img).  The
 * request must have a valid name (see varedit_name_from_utf8()), data, and
 * attributes that include NV and BS and lie within VAREDIT_ATTRS_ALLOWED.
 * Returns 0, or with a one-line reason in (why):
 *   -EINVAL  the image does not parse, or a bad request;
 *   -EPERM   (req) asks for signed-write attributes, or the live copy it
 *            would replace has them;
 *   -ENOSPC  no room even after a reclaim.
 */
int varedit_set(uint8_t *img, uint64_t size, const struct varedit_req *req,
		char *why, size_t whylen);

/*
 * Delete variable (name, name_size, guid): every live copy loses the
 * VAR_DELETED bit.  Returns 0, -ENOENT when there is no live copy, -EPERM
 * when it has signed-write attributes, -EINVAL when the image does not
 * parse (reason in (why)).
 */
int varedit_delete(uint8_t *img, uint64_t size, const uint8_t *name,
		   uint32_t name_size, const uint8_t guid[16], char *why,
		   size_t whylen);

/*
 * Compact the store of (img): live variables in store order from the first
 * header (in-deleted-transition copies become VAR_ADDED), 0xFF after.
 * Returns 0 or -EINVAL (reason in (why)).
 */
int varedit_reclaim(uint8_t *img, uint64_t size, char *why, size_t whylen);

/*
 * Convert the variable name (text), UTF-8 where "\uXXXX" (4 hex digits)
 * stands for one UTF-16 code unit (the form "vmm vars list" prints), into
 * UTF-16LE with a NUL in (out) (VAREDIT_NAME_BUF bytes); (*name_size) gets
 * its size.  Returns 0, -EINVAL (empty, bad UTF-8, a NUL) or -ENAMETOOLONG
 * (more than VAREDIT_NAME_MAX units).
 */
int varedit_name_from_utf8(const char *text, uint8_t out[VAREDIT_NAME_BUF],
			   uint32_t *name_size);

/*
 * Encode UTF-8 (text) as UTF-16LE plus a NUL into (out) of (cap) bytes;
 * (*len) gets the size.  Returns 0, -EINVAL (bad UTF-8) or -E2BIG.
 * (out) NULL only measures, against (cap).
 */
int varedit_utf8_to_utf16(const char *text, uint8_t *out, size_t cap,
			  size_t *len);

/*
 * Decode the UTF-16LE (p, n bytes) up to its first NUL into UTF-8 in (out)
 * of (cap) bytes, NUL-terminated; (cap) >= 3 * n / 2 + 1 always suffices.
 * A lone surrogate or an odd (n) is -EINVAL when (strict), else U+FFFD.
 * Returns the string length, or -EINVAL / -E2BIG.
 */
int varedit_utf16_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap,
			  bool strict);

/*
 * Parse hex digit pairs (hex) (no separators, no "0x") into (out) of (cap)
 * bytes; (*len) gets the count.  Returns 0, -EINVAL or -E2BIG.
 */
int varedit_hex_parse(const char *hex, uint8_t *out, size_t cap, size_t *len);

/*
 * Parse a comma list of nv, bs, rt, hr, at, tbaw, aw (any case) into
 * (*attrs).  Returns 0 or -EINVAL, naming the bad word in (why).
 */
int varedit_attrs_parse(const char *list, uint32_t *attrs, char *why,
			size_t whylen);

/*
 * Write (attrs) as the comma list varedit_attrs_parse() reads, unknown bits
 * as one 0x... word, "-" for none, into (out) of (cap) bytes (64 is
 * enough).
 */
void varedit_attrs_format(uint32_t attrs, char *out, size_t cap);

#endif
