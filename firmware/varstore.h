/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline reader of an OVMF variable-store file (OVMF_VARS.fd): validation
 * of its firmware-volume header and an iterator over the variables in it.
 * Pure parsing of untrusted bytes: every offset and length is checked, no
 * allocation, no I/O.
 *
 * Layouts (learned from edk2, described here in our own words):
 *   - EFI_FIRMWARE_VOLUME_HEADER, PI spec vol. 3, 3.2.1: 16-byte zero
 *     vector, FileSystemGuid, FvLength (u64) at 0x20, "_FVH" at 0x28,
 *     Attributes at 0x2C, HeaderLength (u16) at 0x30, Checksum (u16) at
 *     0x32 (the 16-bit words of the header sum to 0), ExtHeaderOffset at
 *     0x34, Revision at 0x37, then the block map {NumBlocks, Length} pairs
 *     from 0x38, ended by {0, 0}.
 *   - VARIABLE_STORE_HEADER (edk2 MdeModulePkg/Include/Guid/
 *     VariableFormat.h), right after the FV header: Signature GUID (the
 *     authenticated or the plain variable GUID), Size (u32, header
 *     included), Format 0x5A, State 0xFE, 6 reserved bytes; 28 bytes.
 *   - Variable headers from the 4-aligned end of that: StartId 0x55AA,
 *     State, Reserved, Attributes (u32); the authenticated form then has
 *     MonotonicCount (u64), TimeStamp (EFI_TIME, 16), PubKeyIndex (u32);
 *     both end with NameSize, DataSize (u32) and VendorGuid.  60 bytes
 *     authenticated, 32 plain.  Name (UTF-16LE) follows, then the data
 *     (x86 builds pad neither), and the next header starts at the next
 *     4-byte boundary.
 */
#ifndef FIRMWARE_VARSTORE_H
#define FIRMWARE_VARSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VARSTORE_FV_BLOCK_SIZE	0x1000u	/* OVMF's block map: {n, 0x1000} */

/* Variable states (VariableFormat.h); a state only ever loses bits. */
#define VARSTORE_VAR_IN_DELETED_TRANSITION	0xFE
#define VARSTORE_VAR_DELETED			0xFD
#define VARSTORE_VAR_HEADER_VALID_ONLY		0x7F
#define VARSTORE_VAR_ADDED			0x3F

/* UEFI variable attributes (UEFI spec 8.2). */
#define VARSTORE_ATTR_NON_VOLATILE		0x01
#define VARSTORE_ATTR_BOOTSERVICE_ACCESS	0x02
#define VARSTORE_ATTR_RUNTIME_ACCESS		0x04
#define VARSTORE_ATTR_HARDWARE_ERROR_RECORD	0x08
#define VARSTORE_ATTR_AUTH_WRITE_ACCESS		0x10
#define VARSTORE_ATTR_TIME_BASED_AUTH		0x20
#define VARSTORE_ATTR_APPEND_WRITE		0x40

/* Variable header geometry (VariableFormat.h), shared with varedit.c. */
#define VARSTORE_START_ID		0x55AA
#define VARSTORE_AUTH_HEADER_SIZE	60u
#define VARSTORE_AUTH_NAME_SIZE_OFF	36u	/* NameSize, DataSize, Guid */
#define VARSTORE_PLAIN_HEADER_SIZE	32u
#define VARSTORE_PLAIN_NAME_SIZE_OFF	8u
#define VARSTORE_HEADER_ALIGN		4u	/* HEADER_ALIGNMENT on x86 */

struct varstore_var {
	uint64_t offset;	/* of the header, in the image */
	uint8_t state;
	uint32_t attributes;
	uint8_t guid[16];	/* VendorGuid as stored */
	const uint8_t *name;	/* UTF-16LE, name_size bytes */
	uint32_t name_size;
	const uint8_t *data;
	uint32_t data_size;
	/* Live (as varstore_iter_next() defines it); always true without
	 * it->all. */
	bool live;
};

struct varstore_iter {
	const uint8_t *img;
	uint64_t start;		/* first variable header */
	uint64_t end;		/* end of the variable store */
	uint64_t next;		/* header the next call looks at */
	uint32_t header_size;	/* 60 authenticated, 32 plain */
	bool authenticated;
	/* Yield every entry with a valid header, not only live variables. */
	bool all;
};

/*
 * Check the FV header of the (size)-byte image (img): zero vector, GUID
 * gEfiSystemNvDataFvGuid, "_FVH", FvLength == size, HeaderLength in range
 * and even, header checksum, block map {size / 0x1000, 0x1000} then {0, 0}.
 * Returns 0, or -EINVAL with a reason in (why) (may be NULL).
 */
int varstore_check_fv(const uint8_t *img, uint64_t size, char *why,
		      size_t whylen);

/*
 * Start iterating the variables of (img).  Runs varstore_check_fv() first,
 * then checks the variable store header.  Returns 0, or -EINVAL with a
 * reason in (why).  Live variables only; set it->all after init for every
 * entry with a valid header.
 */
int varstore_iter_init(struct varstore_iter *it, const uint8_t *img,
		       uint64_t size, char *why, size_t whylen);

/*
 * Next variable into (var).  Returns 1, 0 at the end of the store (first
 * entry without StartId 0x55AA), or -EINVAL for an entry whose name or data
 * runs past the store (iteration ends there).  Live means State VAR_ADDED,
 * or VAR_ADDED & VAR_IN_DELETED_TRANSITION when no VAR_ADDED copy of the
 * same name and GUID follows it (what edk2's variable driver uses after an
 * interrupted update).
 */
int varstore_iter_next(struct varstore_iter *it, struct varstore_var *var);

/*
 * Whether a CODE image of (code_size) bytes and a VARS image of (vars_size)
 * bytes come from the same OVMF build.  OVMF compiles in its flash
 * addresses: the FD (VARS then CODE) ends at 4 GiB and starts at
 * 4 GiB - FD size, with FD size 1, 2 or 4 MiB (OvmfPkgDefines.fdf.inc), so
 * a matching pair sums to one of those.  A 4M CODE with a 128 KiB VARS
 * boots but never saves a variable.  Returns 0, or -EINVAL with a reason.
 */
int varstore_check_pair(uint64_t code_size, uint64_t vars_size, char *why,
			size_t whylen);

/* Format (guid) as 8-4-4-4-12 lower-case hex into (out), NUL-terminated. */
void varstore_guid_str(const uint8_t guid[16], char out[37]);

/*
 * Parse the 8-4-4-4-12 hex form (either case, nothing around it) of (s)
 * into (guid), stored the way EFI_GUID is (first three fields little-
 * endian).  Returns 0 or -EINVAL.
 */
int varstore_guid_parse(const char *s, uint8_t guid[16]);

/*
 * Our short name for a well-known vendor GUID ("global", "security-db",
 * "shim", ...), or NULL when (guid) has none.
 */
const char *varstore_vendor_name(const uint8_t guid[16]);

/*
 * The GUID of vendor (name): our short names, and the names virt-fw-vars
 * prints (EfiGlobalVariable, ...), compared ignoring case.  Returns 0 or
 * -ENOENT.
 */
int varstore_vendor_lookup(const char *name, uint8_t guid[16]);

/*
 * Find the first live variable (name) (UTF-16LE, (name_size) bytes with its
 * NUL, compared exactly) of vendor (guid) in (img).  Returns 1 with (*var)
 * filled, 0 when there is none, -EINVAL (reason in (why)) when the store
 * does not parse or a malformed entry comes before a match.
 */
int varstore_find(const uint8_t *img, uint64_t size, const uint8_t *name,
		  uint32_t name_size, const uint8_t guid[16],
		  struct varstore_var *var, char *why, size_t whylen);

/* The value of hex digit (c), or -1. */
int varstore_hex_digit(char c);

#endif
