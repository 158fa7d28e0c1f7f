// SPDX-License-Identifier: Apache-2.0
/*
 * OVMF footer table parser.  Layout (offsets from the end E of the image,
 * edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm):
 *
 *   E-0x20 .. E        reset vector code and "VTF\0" (not part of the table)
 *   E-0x30 .. E-0x20   footer GUID 96b582de-...
 *   E-0x32 .. E-0x30   u16 total table length, footer entry included
 *   below              entries, each [data][u16 len][GUID], walked downwards
 *
 * Every number read from the image is checked against what is left of the
 * table before it is used; nothing is read outside [0, size).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "firmware/ovmf_table.h"

/* Build the on-disk byte order of an EFI GUID from its canonical fields. */
#define OVMF_GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)               \
	{ {								       \
		(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff,	       \
		((a) >> 24) & 0xff, (b) & 0xff, ((b) >> 8) & 0xff,	       \
		(c) & 0xff, ((c) >> 8) & 0xff, d0, d1, d2, d3, d4, d5, d6, d7 \
	} }

const struct ovmf_guid OVMF_GUID_TABLE_FOOTER = OVMF_GUID_INIT(
	0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08,
	0x2d);
const struct ovmf_guid OVMF_GUID_SEV_ES_RESET_BLOCK = OVMF_GUID_INIT(
	0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4,
	0x4e);
const struct ovmf_guid OVMF_GUID_SEV_SECRET_BLOCK = OVMF_GUID_INIT(
	0x4c2eb361, 0x7d9b, 0x4cc3, 0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2,
	0x94);
const struct ovmf_guid OVMF_GUID_SEV_HASH_TABLE_BLOCK = OVMF_GUID_INIT(
	0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4,
	0x54);
const struct ovmf_guid OVMF_GUID_SEV_METADATA_OFFSET = OVMF_GUID_INIT(
	0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67,
	0xcc);
const struct ovmf_guid OVMF_GUID_TDX_METADATA_OFFSET = OVMF_GUID_INIT(
	0xe47a6535, 0x984a, 0x4798, 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e,
	0xc2);

static uint16_t load_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static bool guid_equal(const struct ovmf_guid *a, const struct ovmf_guid *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/*
 * Record the entry that ends at (pos) and return its length in (*len).
 * (start) is the first table byte; the entry must fit in [start, pos).
 */
static int table_take_entry(const uint8_t *img, size_t start, size_t pos,
			    struct ovmf_table_entry *entry, uint16_t *len)
{
	if (pos - start < OVMF_TABLE_ENTRY_HDR)
		return -EINVAL;
	*len = load_le16(img + pos - OVMF_TABLE_ENTRY_HDR);
	if (*len < OVMF_TABLE_ENTRY_HDR || *len > pos - start)
		return -EINVAL;
	memcpy(entry->guid.b, img + pos - sizeof(entry->guid.b),
	       sizeof(entry->guid.b));
	entry->data_offset = pos - *len;
	entry->data_len = (uint16_t)(*len - OVMF_TABLE_ENTRY_HDR);
	return 0;
}

/* Collect the entries below the footer, from (pos) down to the table start. */
static int table_walk(const uint8_t *img, size_t pos, struct ovmf_table *table)
{
	uint16_t len;
	int rc;

	for (; pos > table->table_offset; pos -= len) {
		if (table->nr_entries == OVMF_TABLE_MAX_ENTRIES)
			return -E2BIG;
		rc = table_take_entry(img, table->table_offset, pos,
				      &table->entries[table->nr_entries], &len);
		if (rc)
			return rc;
		table->nr_entries++;
	}
	return 0;
}

int ovmf_table_parse(const void *image, size_t size, struct ovmf_table *table)
{
	const uint8_t *img = image;
	size_t footer, table_end;
	uint16_t total;
	int rc;

	memset(table, 0, sizeof(*table));
	if (!image || size < OVMF_TABLE_FOOTER_OFF + 2)
		return -ENOENT;
	footer = size - OVMF_TABLE_FOOTER_OFF;
	if (!guid_equal((const struct ovmf_guid *)(img + footer),
			&OVMF_GUID_TABLE_FOOTER))
		return -ENOENT;

	/* The footer's length covers the whole table, itself included. */
	table_end = size - OVMF_TABLE_RESET_AREA;
	total = load_le16(img + footer - 2);
	if (total < OVMF_TABLE_ENTRY_HDR || total > table_end)
		return -EINVAL;
	table->table_offset = table_end - total;
	table->table_len = total;

	rc = table_walk(img, footer - 2, table);
	if (rc)
		memset(table, 0, sizeof(*table));
	return rc;
}

const struct ovmf_table_entry *ovmf_table_find(const struct ovmf_table *table,
					       const struct ovmf_guid *guid)
{
	for (unsigned i = 0; i < table->nr_entries; i++)
		if (guid_equal(&table->entries[i].guid, guid))
			return &table->entries[i];
	return NULL;
}

/* Data of the entry tagged (guid) if present; -EINVAL if shorter than (need). */
static int entry_data(const uint8_t *img, const struct ovmf_table *table,
		      const struct ovmf_guid *guid, uint16_t need,
		      const uint8_t **data)
{
	const struct ovmf_table_entry *e = ovmf_table_find(table, guid);

	*data = NULL;
	if (!e)
		return 0;
	if (e->data_len < need)
		return -EINVAL;
	*data = img + e->data_offset;
	return 0;
}

/*
 * Decode the "ASEV" block (OvmfSevMetadata.asm): u32 signature, u32 length
 * of the whole block, u32 version, u32 section count, then count x {u32 gpa,
 * u32 size, u32 type}.  (off) counts from the end of the image.
 */
static int parse_sev_metadata(const uint8_t *img, size_t size, uint32_t off,
			      struct ovmf_sev_info *info)
{
	const uint8_t *m, *s;
	uint32_t len, count;

	if (off < OVMF_SEV_METADATA_HDR || off > size)
		return -EINVAL;
	m = img + (size - off);
	if (load_le32(m) != OVMF_SEV_METADATA_SIG)
		return -EINVAL;
	len = load_le32(m + 4);
	info->metadata_version = load_le32(m + 8);
	count = load_le32(m + 12);
	if (count > OVMF_SEV_MAX_SECTIONS)
		return -EINVAL;
	/* count <= 32, so this cannot overflow. */
	if (len < OVMF_SEV_METADATA_HDR + count * OVMF_SEV_SECTION_SIZE ||
	    len > off)
		return -EINVAL;

	for (uint32_t i = 0; i < count; i++) {
		struct ovmf_sev_section *sec = &info->sections[i];

		s = m + OVMF_SEV_METADATA_HDR + i * OVMF_SEV_SECTION_SIZE;
		sec->gpa = load_le32(s);
		sec->size = load_le32(s + 4);
		sec->type = load_le32(s + 8);
		/* Sections describe guest RAM below 4 GiB; no wrap-around. */
		if ((uint64_t)sec->gpa + sec->size > 0x100000000ULL)
			return -EINVAL;
	}
	info->nr_sections = count;
	return 0;
}

static int decode_reset_and_areas(const uint8_t *img,
				  const struct ovmf_table *table,
				  struct ovmf_sev_info *info)
{
	const uint8_t *d;
	int rc;

	rc = entry_data(img, table, &OVMF_GUID_SEV_ES_RESET_BLOCK, 4, &d);
	if (rc)
		return rc;
	if (d) {
		info->has_reset_block = true;
		info->sev_es_reset_eip = load_le32(d);
	}
	rc = entry_data(img, table, &OVMF_GUID_SEV_SECRET_BLOCK, 8, &d);
	if (rc)
		return rc;
	if (d) {
		info->has_secret = true;
		info->secret_base = load_le32(d);
		info->secret_size = load_le32(d + 4);
	}
	rc = entry_data(img, table, &OVMF_GUID_SEV_HASH_TABLE_BLOCK, 8, &d);
	if (rc)
		return rc;
	if (d) {
		info->has_hashes = true;
		info->hashes_base = load_le32(d);
		info->hashes_size = load_le32(d + 4);
	}
	return 0;
}

static int decode_metadata_offsets(const uint8_t *img, size_t size,
				   const struct ovmf_table *table,
				   struct ovmf_sev_info *info)
{
	const uint8_t *d;
	int rc;

	rc = entry_data(img, table, &OVMF_GUID_TDX_METADATA_OFFSET, 4, &d);
	if (rc)
		return rc;
	if (d) {
		info->has_tdx_metadata = true;
		info->tdx_metadata_offset = load_le32(d);
		if (info->tdx_metadata_offset > size)
			return -EINVAL;
	}
	rc = entry_data(img, table, &OVMF_GUID_SEV_METADATA_OFFSET, 4, &d);
	if (rc || !d)
		return rc;
	info->has_metadata = true;
	info->metadata_offset = load_le32(d);
	return parse_sev_metadata(img, size, info->metadata_offset, info);
}

int ovmf_sev_info_parse(const void *image, size_t size,
			struct ovmf_sev_info *info)
{
	struct ovmf_table table;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = ovmf_table_parse(image, size, &table);
	if (!rc)
		rc = decode_reset_and_areas(image, &table, info);
	if (!rc)
		rc = decode_metadata_offsets(image, size, &table, info);
	if (rc)
		memset(info, 0, sizeof(*info));
	return rc;
}

const char *ovmf_guid_name(const struct ovmf_guid *guid)
{
	static const struct {
		const struct ovmf_guid *guid;
		const char *name;
	} names[] = {
		{ &OVMF_GUID_TABLE_FOOTER, "table footer" },
		{ &OVMF_GUID_SEV_ES_RESET_BLOCK, "SEV-ES reset block" },
		{ &OVMF_GUID_SEV_SECRET_BLOCK, "SEV secret block" },
		{ &OVMF_GUID_SEV_HASH_TABLE_BLOCK, "SEV hashes table block" },
		{ &OVMF_GUID_SEV_METADATA_OFFSET, "SEV metadata offset" },
		{ &OVMF_GUID_TDX_METADATA_OFFSET, "TDX metadata offset" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (guid_equal(names[i].guid, guid))
			return names[i].name;
	return NULL;
}

const char *ovmf_sev_section_name(uint32_t type)
{
	switch (type) {
	case OVMF_SEV_SECTION_SNP_SEC_MEM:
		return "SNP_SEC_MEM";
	case OVMF_SEV_SECTION_SNP_SECRETS:
		return "SNP_SECRETS";
	case OVMF_SEV_SECTION_CPUID:
		return "CPUID";
	case OVMF_SEV_SECTION_SVSM_CAA:
		return "SVSM_CAA";
	case OVMF_SEV_SECTION_SNP_KERNEL_HASHES:
		return "SNP_KERNEL_HASHES";
	default:
		return "unknown";
	}
}

void ovmf_guid_format(const struct ovmf_guid *guid, char buf[37])
{
	const uint8_t *b = guid->b;

	snprintf(buf, 37,
		 "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 load_le32(b), load_le16(b + 4), load_le16(b + 6), b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}
