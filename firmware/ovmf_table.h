/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OVMF's GUIDed footer table and the SEV metadata it points to.
 *
 * The last bytes of an OVMF_CODE image carry a table of GUID-tagged
 * entries that tell a VMM where the SEV-ES AP reset vector, the
 * LAUNCH_SECRET area, the kernel-hashes area and the SEV(-SNP) metadata
 * ("ASEV") live.  The layout is defined by edk2
 * OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm and
 * OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm (read, not copied).
 *
 * The image is hostile input: every offset and length read from it is
 * checked against the image size before use.  Pure parsing: libc only.
 */
#ifndef FIRMWARE_OVMF_TABLE_H
#define FIRMWARE_OVMF_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An EFI GUID in its on-disk (mixed-endian) byte order. */
struct ovmf_guid {
	uint8_t b[16];
};

/* Known entries (canonical string form in the comment). */
/* 96b582de-1fb2-45f7-baea-a366c55a082d: the table footer itself */
extern const struct ovmf_guid OVMF_GUID_TABLE_FOOTER;
/* 00f771de-1a7e-4fcb-890e-68c77e2fb44e: SEV-ES AP reset block (u32 EIP) */
extern const struct ovmf_guid OVMF_GUID_SEV_ES_RESET_BLOCK;
/* 4c2eb361-7d9b-4cc3-8081-127c90d3d294: LAUNCH_SECRET area (u32 base, size) */
extern const struct ovmf_guid OVMF_GUID_SEV_SECRET_BLOCK;
/* 7255371f-3a3b-4b04-927b-1da6efa8d454: kernel hashes area (u32 base, size) */
extern const struct ovmf_guid OVMF_GUID_SEV_HASH_TABLE_BLOCK;
/* dc886566-984a-4798-a75e-5585a7bf67cc: offset from end of "ASEV" (u32) */
extern const struct ovmf_guid OVMF_GUID_SEV_METADATA_OFFSET;
/* e47a6535-984a-4798-865e-4685a7bf8ec2: offset from end of "TDVF" (u32) */
extern const struct ovmf_guid OVMF_GUID_TDX_METADATA_OFFSET;

/* Each entry is [data][u16 length][GUID]; length counts all three. */
#define OVMF_TABLE_ENTRY_HDR	18u
/* The footer GUID starts 0x30 bytes before the end of the image. */
#define OVMF_TABLE_FOOTER_OFF	0x30u
/* The 32 bytes at the very end hold the reset vector and "VTF\0". */
#define OVMF_TABLE_RESET_AREA	0x20u
/* More entries than this is not an OVMF we know; refuse it. */
#define OVMF_TABLE_MAX_ENTRIES	32u

struct ovmf_table_entry {
	struct ovmf_guid guid;
	size_t data_offset;	/* file offset of the entry's data */
	uint16_t data_len;	/* bytes of data (length field - 18) */
};

struct ovmf_table {
	size_t table_offset;	/* file offset of the first table byte */
	uint16_t table_len;	/* length field of the footer entry */
	unsigned nr_entries;	/* entries other than the footer */
	struct ovmf_table_entry entries[OVMF_TABLE_MAX_ENTRIES];
};

/*
 * Parse the footer table of (image)[0..size).  Entries are listed from the
 * footer downwards, as the firmware lays them out.  Returns 0, -ENOENT when
 * the image has no footer GUID (not OVMF, or too old), -EINVAL when the
 * table is malformed (any length runs outside the image or the table), or
 * -E2BIG when it holds more than OVMF_TABLE_MAX_ENTRIES entries.
 */
int ovmf_table_parse(const void *image, size_t size, struct ovmf_table *table);

/*
 * The first entry tagged (guid), searching from the footer down (the order
 * QEMU uses), or NULL.
 */
const struct ovmf_table_entry *ovmf_table_find(const struct ovmf_table *table,
					       const struct ovmf_guid *guid);

/* Metadata section types (OvmfSevMetadata.asm, SEV-SNP firmware ABI). */
enum ovmf_sev_section_type {
	OVMF_SEV_SECTION_SNP_SEC_MEM = 1,
	OVMF_SEV_SECTION_SNP_SECRETS = 2,
	OVMF_SEV_SECTION_CPUID = 3,
	OVMF_SEV_SECTION_SVSM_CAA = 4,
	OVMF_SEV_SECTION_SNP_KERNEL_HASHES = 0x10,
};

/* "ASEV" little-endian, and at most this many sections are accepted. */
#define OVMF_SEV_METADATA_SIG	0x56455341u
#define OVMF_SEV_METADATA_HDR	16u
#define OVMF_SEV_SECTION_SIZE	12u
#define OVMF_SEV_MAX_SECTIONS	32u

struct ovmf_sev_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;	/* enum ovmf_sev_section_type, or unknown */
};

/* Everything an SEV VMM wants from the table, decoded and checked. */
struct ovmf_sev_info {
	bool has_reset_block;
	/* AP entry point: CS base = eip & ~0xffff, IP = eip & 0xffff. */
	uint32_t sev_es_reset_eip;
	bool has_secret;
	uint32_t secret_base, secret_size;
	bool has_hashes;
	uint32_t hashes_base, hashes_size;
	bool has_metadata;
	uint32_t metadata_offset;	/* from the end of the image */
	uint32_t metadata_version;
	unsigned nr_sections;
	struct ovmf_sev_section sections[OVMF_SEV_MAX_SECTIONS];
	bool has_tdx_metadata;
	uint32_t tdx_metadata_offset;	/* from the end of the image */
};

/*
 * Parse the table of (image) and decode the SEV entries into (info).  An
 * entry whose data is shorter than its format needs, a metadata offset that
 * points outside the image, a metadata block without the "ASEV" signature
 * or whose length does not hold its sections, or a section whose GPA range
 * wraps past 4 GiB is -EINVAL.  A missing table is -ENOENT.  Absent entries
 * are simply reported as absent (has_* == 0).
 */
int ovmf_sev_info_parse(const void *image, size_t size,
			struct ovmf_sev_info *info);

/* Human name of a known entry GUID, or NULL. */
const char *ovmf_guid_name(const struct ovmf_guid *guid);
/* Name of a metadata section type, or "unknown". */
const char *ovmf_sev_section_name(uint32_t type);
/* Format (guid) as its canonical 36-character string into (buf)[37]. */
void ovmf_guid_format(const struct ovmf_guid *guid, char buf[37]);

#endif
