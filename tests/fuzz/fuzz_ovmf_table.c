// SPDX-License-Identifier: Apache-2.0
/*
 * The OVMF footer-table parser on arbitrary bytes (the input is the whole
 * firmware image).  Besides ASan/UBSan, checks what the parser promises:
 * every entry it reports lies inside the table, inside the image, and the
 * SEV decoding agrees with the table parse.
 */
#include <stdint.h>
#include <stdlib.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"

static void check_table(const struct ovmf_table *t, size_t size)
{
	if (t->nr_entries > OVMF_TABLE_MAX_ENTRIES ||
	    t->table_offset + t->table_len != size - OVMF_TABLE_RESET_AREA)
		abort();
	for (unsigned i = 0; i < t->nr_entries; i++) {
		const struct ovmf_table_entry *e = &t->entries[i];

		if (e->data_offset < t->table_offset ||
		    e->data_offset + e->data_len + OVMF_TABLE_ENTRY_HDR >
			    size - OVMF_TABLE_FOOTER_OFF - 2)
			abort();
	}
}

static void check_info(const struct ovmf_sev_info *info, size_t size)
{
	if (info->nr_sections > OVMF_SEV_MAX_SECTIONS)
		abort();
	if (info->has_metadata && info->metadata_offset > size)
		abort();
	if (!info->has_metadata && info->nr_sections)
		abort();
	for (unsigned i = 0; i < info->nr_sections; i++)
		if ((uint64_t)info->sections[i].gpa + info->sections[i].size >
		    0x100000000ULL)
			abort();
}

/* Bytes the SNP digest would walk, to keep each input fast. */
static uint64_t sections_bytes(const struct ovmf_sev_info *info)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < info->nr_sections; i++)
		total += info->sections[i].size;
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovmf_table table;
	struct ovmf_sev_info info;
	struct sev_measure_params p;
	uint8_t ld[32], snp_ld[48];
	int rc_table = ovmf_table_parse(data, size, &table);
	int rc_info = ovmf_sev_info_parse(data, size, &info);

	if (!rc_table)
		check_table(&table, size);
	else if (rc_info != rc_table)
		abort();
	if (!rc_info)
		check_info(&info, size);

	/* The measurements look up the reset block and sections too. */
	sev_measure_params_init(&p, SEV_MODE_SEV_ES);
	p.nr_vcpus = 2;
	if (size % 16 == 0 && size <= 64 * 1024)
		sev_measure_digest(data, size, &p, ld);
	p.mode = SEV_MODE_SNP;
	if (!rc_info && size % 4096 == 0 && size <= 64 * 1024 &&
	    sections_bytes(&info) <= 1024 * 1024)
		sev_measure_snp_digest(data, size, &p, snp_ld);
	return 0;
}
