// SPDX-License-Identifier: Apache-2.0
/*
 * Offline SEV-SNP launch digest: the SHA-384 PAGE_INFO chain of the SNP
 * firmware ABI (section 8.17.2, table 67 PAGE_INFO), over the pages QEMU
 * hands to SNP_LAUNCH_UPDATE and the VMSAs KVM adds at SNP_LAUNCH_FINISH.
 * Checked against virtee/sev-snp-measure's published vectors.
 */
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/vmsa.h"
#include "sev/crypto_dl.h"

#define PAGE_SIZE_4K	4096u
#define PAGE_INFO_SIZE	0x70u

/* PAGE_INFO.PAGE_TYPE (table 67). */
enum snp_page_type {
	SNP_PAGE_NORMAL = 1,
	SNP_PAGE_VMSA = 2,
	SNP_PAGE_ZERO = 3,
	SNP_PAGE_SECRETS = 5,
	SNP_PAGE_CPUID = 6,
};

/* LD = SHA-384(LD || CONTENTS || 0x70 || type || 0 x 6 || GPA). */
static int extend(uint8_t ld[48], enum snp_page_type type, uint64_t gpa,
		  const uint8_t contents[48])
{
	uint8_t info[PAGE_INFO_SIZE];

	memset(info, 0, sizeof(info));
	memcpy(info, ld, 48);
	memcpy(info + 48, contents, 48);
	info[96] = PAGE_INFO_SIZE;
	info[98] = (uint8_t)type;
	for (int i = 0; i < 8; i++)
		info[104 + i] = (uint8_t)(gpa >> (8 * i));
	return EVP_Digest(info, sizeof(info), ld, NULL, EVP_sha384(), NULL) ?
		       0 : -EIO;
}

static int extend_page(uint8_t ld[48], enum snp_page_type type, uint64_t gpa,
		       const uint8_t *page)
{
	uint8_t h[48];

	if (!EVP_Digest(page, PAGE_SIZE_4K, h, NULL, EVP_sha384(), NULL))
		return -EIO;
	return extend(ld, type, gpa, h);
}

/* ZERO, SECRETS and CPUID pages contribute 48 zero bytes of contents. */
static int extend_unhashed(uint8_t ld[48], enum snp_page_type type,
			   uint64_t gpa, uint64_t size)
{
	static const uint8_t zero[48];
	int rc = 0;

	for (uint64_t off = 0; !rc && off < size; off += PAGE_SIZE_4K)
		rc = extend(ld, type, gpa + off, zero);
	return rc;
}

static int extend_section(uint8_t ld[48], const struct ovmf_sev_section *s)
{
	if (s->gpa % PAGE_SIZE_4K || s->size % PAGE_SIZE_4K)
		return -EINVAL;
	switch (s->type) {
	case OVMF_SEV_SECTION_SNP_SEC_MEM:
	case OVMF_SEV_SECTION_SVSM_CAA:
	case OVMF_SEV_SECTION_SNP_KERNEL_HASHES:
		return extend_unhashed(ld, SNP_PAGE_ZERO, s->gpa, s->size);
	case OVMF_SEV_SECTION_SNP_SECRETS:
		return extend_unhashed(ld, SNP_PAGE_SECRETS, s->gpa,
				       PAGE_SIZE_4K);
	case OVMF_SEV_SECTION_CPUID:
		return extend_unhashed(ld, SNP_PAGE_CPUID, s->gpa,
				       PAGE_SIZE_4K);
	default:
		return -EINVAL;
	}
}

static int extend_vmsas(uint8_t ld[48], const struct sev_measure_params *p,
			uint32_t eip)
{
	struct sev_vmsa_opts opts = {
		.sev_features = p->vmsa_features | SEV_SNP_FEATURE_SNP_ACTIVE,
		.sync_fpu = true,
	};
	struct sev_vcpu_state st;
	uint8_t page[SEV_VMSA_SIZE];
	int rc = 0;

	for (unsigned i = 0; !rc && i < p->nr_vcpus; i++) {
		sev_vcpu_reset_state(&st, i, p->vcpu_sig, eip);
		sev_vmsa_build(page, &st, &opts);
		rc = extend_page(ld, SNP_PAGE_VMSA, SEV_SNP_VMSA_GPA, page);
	}
	return rc;
}

static int check_snp_args(const void *image, size_t len,
			  const struct sev_measure_params *p,
			  struct ovmf_sev_info *info)
{
	int rc;

	if (!image || len == 0 || len % PAGE_SIZE_4K || len > 0x100000000ULL ||
	    p->mode != SEV_MODE_SNP || p->nr_vcpus == 0 ||
	    p->nr_vcpus > SEV_MEASURE_MAX_VCPUS)
		return -EINVAL;
	rc = ovmf_sev_info_parse(image, len, info);
	if (rc)
		return rc;
	if (!info->has_metadata || (p->nr_vcpus > 1 && !info->has_reset_block))
		return -ENOENT;
	return 0;
}

int sev_measure_snp_digest(const void *image, size_t len,
			   const struct sev_measure_params *p,
			   uint8_t ld[SEV_SNP_DIGEST_SIZE])
{
	SEV_CRYPTO_REQUIRE();
	const uint8_t *img = image;
	uint64_t gpa = 0x100000000ULL - len;
	struct ovmf_sev_info info;
	int rc = check_snp_args(image, len, p, &info);

	if (rc)
		return rc;
	memset(ld, 0, SEV_SNP_DIGEST_SIZE);
	for (size_t off = 0; !rc && off < len; off += PAGE_SIZE_4K)
		rc = extend_page(ld, SNP_PAGE_NORMAL, gpa + off, img + off);
	for (unsigned i = 0; !rc && i < info.nr_sections; i++)
		rc = extend_section(ld, &info.sections[i]);
	if (!rc)
		rc = extend_vmsas(ld, p, info.sev_es_reset_eip);
	return rc;
}
