// SPDX-License-Identifier: Apache-2.0
/*
 * Offline SEV-SNP launch digest: the SHA-384 PAGE_INFO chain of the SNP
 * firmware ABI (section 8.17.2, table 67 PAGE_INFO), over the pages QEMU
 * hands to SNP_LAUNCH_UPDATE and the VMSAs KVM adds at SNP_LAUNCH_FINISH.
 * Checked against virtee/sev-snp-measure's published vectors.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <openssl/evp.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/vmsa.h"
#include "sev/crypto_dl.h"

#define PAGE_SIZE_4K	SEV_SNP_PAGE_SIZE
#define PAGE_INFO_SIZE	0x70u

/* CONTENTS is the page's SHA-384 for these types only (ABI 8.17.2). */
static bool contents_hashed(uint8_t type)
{
	return type == SEV_SNP_PAGE_NORMAL || type == SEV_SNP_PAGE_VMSA;
}

/* PAGE_INFO (table 67): the 112 bytes whose SHA-384 is the next LD. */
static void page_info_fill(uint8_t info[PAGE_INFO_SIZE], const uint8_t ld[48],
			   const uint8_t contents[48],
			   const struct sev_snp_page_info *pi)
{
	memset(info, 0, PAGE_INFO_SIZE);
	memcpy(info, ld, 48);
	memcpy(info + 48, contents, 48);
	info[96] = PAGE_INFO_SIZE;	/* LENGTH, u16 little-endian */
	info[98] = pi->page_type;
	info[99] = pi->imi_page;
	info[100] = pi->vmpl3_perms;
	info[101] = pi->vmpl2_perms;
	info[102] = pi->vmpl1_perms;
	for (int i = 0; i < 8; i++)
		info[104 + i] = (uint8_t)(pi->gpa >> (8 * i));
}

int sev_snp_ld_extend(uint8_t ld[SEV_SNP_DIGEST_SIZE],
		      const struct sev_snp_page_info *pi, const void *page)
{
	SEV_CRYPTO_REQUIRE();
	uint8_t contents[48] = { 0 }, info[PAGE_INFO_SIZE];

	if (pi->page_type < SEV_SNP_PAGE_NORMAL ||
	    pi->page_type > SEV_SNP_PAGE_CPUID)
		return -EINVAL;
	if (contents_hashed(pi->page_type)) {
		if (!page)
			return -EINVAL;
		if (!EVP_Digest(page, PAGE_SIZE_4K, contents, NULL,
				EVP_sha384(), NULL))
			return -EIO;
	}
	page_info_fill(info, ld, contents, pi);
	return EVP_Digest(info, sizeof(info), ld, NULL, EVP_sha384(), NULL) ?
		       0 : -EIO;
}

static int extend_page(uint8_t ld[48], uint8_t type, uint64_t gpa,
		       const uint8_t *page)
{
	struct sev_snp_page_info pi = { .page_type = type, .gpa = gpa };

	return sev_snp_ld_extend(ld, &pi, page);
}

/* ZERO, SECRETS and CPUID pages contribute 48 zero bytes of contents. */
static int extend_unhashed(uint8_t ld[48], uint8_t type, uint64_t gpa,
			   uint64_t size)
{
	int rc = 0;

	for (uint64_t off = 0; !rc && off < size; off += PAGE_SIZE_4K)
		rc = extend_page(ld, type, gpa + off, NULL);
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
		return extend_unhashed(ld, SEV_SNP_PAGE_ZERO, s->gpa, s->size);
	case OVMF_SEV_SECTION_SNP_SECRETS:
		return extend_unhashed(ld, SEV_SNP_PAGE_SECRETS, s->gpa,
				       PAGE_SIZE_4K);
	case OVMF_SEV_SECTION_CPUID:
		return extend_unhashed(ld, SEV_SNP_PAGE_CPUID, s->gpa,
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
		rc = extend_page(ld, SEV_SNP_PAGE_VMSA, SEV_SNP_VMSA_GPA, page);
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
	/* Without ASEV metadata there are no metadata pages to measure (the
	 * 4M Ia32X64 OVMF): the digest is then CODE and the VMSAs, as
	 * sev-snp-measure computes it, though QEMU (and this VMM) refuse to
	 * launch such firmware as SNP. */
	if (p->nr_vcpus > 1 && !info->has_reset_block)
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
		rc = extend_page(ld, SEV_SNP_PAGE_NORMAL, gpa + off, img + off);
	for (unsigned i = 0; !rc && i < info.nr_sections; i++)
		rc = extend_section(ld, &info.sections[i]);
	if (!rc)
		rc = extend_vmsas(ld, p, info.sev_es_reset_eip);
	return rc;
}
