/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline SEV / SEV-ES launch measurement: what the firmware's launch
 * digest and LAUNCH_MEASURE will be for a launch by this VMM, computed
 * without any SEV hardware, so a guest owner can check an attestation.
 *
 * The digest assumes the launch this VMM performs: one LAUNCH_UPDATE_DATA
 * over exactly the whole OVMF_CODE image, then (SEV-ES) one VMSA per vCPU
 * built by sev_vmsa_build() from sev_vcpu_reset_state(), the very state the
 * VMM loads into its vCPUs.  The digest is one SHA-256 stream over those
 * bytes (SEV API 6.5.1; sev.md 3.1, 3.3).
 */
#ifndef SEV_MEASURE_H
#define SEV_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sev/sev.h"

/* CPUID.1.EAX of QEMU's EPYC-v4 model: family 0x17, model 0x01, step 2. */
#define SEV_MEASURE_DEFAULT_VCPU_SIG	0x800f12u

struct sev_measure_params {
	enum sev_mode mode;
	unsigned nr_vcpus;	/* SEV-ES: 1..SEV_MEASURE_MAX_VCPUS */
	uint32_t vcpu_sig;	/* RDX after reset */
	uint64_t vmsa_features;	/* KVM_SEV_INIT2 vmsa_features */
	bool init2;		/* VMs from KVM_SEV_INIT2 carry x87/SSE state */
};

#define SEV_MEASURE_MAX_VCPUS	1024u

/* One vCPU, EPYC-v4 signature, no features, legacy init. */
void sev_measure_params_init(struct sev_measure_params *p,
			     enum sev_mode mode);

/*
 * The launch digest for (image)[0..len).  Returns 0; -EINVAL for an image
 * LAUNCH_UPDATE_DATA could not take (empty, not a multiple of 16, over
 * 4 GiB) or bad parameters; -ENOENT for SEV-ES with more than one vCPU when
 * the image has no SEV-ES reset block (APs would have nowhere to start);
 * -EIO if libcrypto fails.
 */
int sev_measure_digest(const void *image, size_t len,
		       const struct sev_measure_params *p,
		       uint8_t ld[SEV_DIGEST_SIZE]);

#define SEV_SNP_DIGEST_SIZE		48
#define SEV_SNP_FEATURE_SNP_ACTIVE	0x1ull	/* SEV_FEATURES bit 0 */
#define SEV_SNP_VMSA_GPA		0xfffffffff000ull

/* PAGE_INFO.PAGE_TYPE (SNP firmware ABI, table 67). */
enum sev_snp_page_type {
	SEV_SNP_PAGE_NORMAL = 1,
	SEV_SNP_PAGE_VMSA = 2,
	SEV_SNP_PAGE_ZERO = 3,
	SEV_SNP_PAGE_UNMEASURED = 4,
	SEV_SNP_PAGE_SECRETS = 5,
	SEV_SNP_PAGE_CPUID = 6,
};

#define SEV_SNP_PAGE_SIZE	4096u

/* The PAGE_INFO fields other than DIGEST_CUR and CONTENTS. */
struct sev_snp_page_info {
	uint8_t page_type;	/* enum sev_snp_page_type */
	uint8_t imi_page;
	uint8_t vmpl3_perms, vmpl2_perms, vmpl1_perms;
	uint64_t gpa;
};

/*
 * One SNP_LAUNCH_UPDATE step of the launch digest, the one implementation
 * shared by `vmm measure` and the firmware model (sev_sim_snp.c):
 * (ld) = SHA-384(PAGE_INFO{ld, CONTENTS, 0x70, type, imi, vmpl3..1, 0, GPA})
 * (SNP firmware ABI 8.17, table 67), where CONTENTS is SHA-384 of the
 * 4 KiB (page) for NORMAL and VMSA pages and 48 zero bytes for every other
 * type ((page) is then not read and may be NULL).  Returns 0; -EINVAL for
 * an unknown type or a NORMAL/VMSA page without (page); -EIO if libcrypto
 * fails; -ENOSYS without libcrypto.
 */
int sev_snp_ld_extend(uint8_t ld[SEV_SNP_DIGEST_SIZE],
		      const struct sev_snp_page_info *pi, const void *page);

/*
 * SEV-SNP: the attestation report's MEASUREMENT for a QEMU-style launch of
 * (image) (sev.md 3.4, SNP firmware ABI 8.17): LD = 48 zero bytes, then for
 * each page LD = SHA-384(PAGE_INFO{LD, contents, 0x70, type, 0..., GPA}):
 * the image's 4 KiB pages (NORMAL, ending at 4 GiB), the ASEV sections in
 * descriptor order (SEC_MEM, SVSM_CAA and KERNEL_HASHES as ZERO pages, as
 * there is no measured direct boot; one SECRETS and one CPUID page), then
 * one VMSA per vCPU (GPA 0xfffffffff000) with SEV_FEATURES =
 * vmsa_features | SNP_ACTIVE and x87/SSE state (SNP VMs come from INIT2).
 * (p)->mode must be SEV_MODE_SNP; (p)->init2 is implied.  Returns 0;
 * -EINVAL for an image that is not whole pages or a section that is not
 * page-aligned or of unknown type; -ENOENT without an OVMF footer table
 * or, with APs, without the reset block.  An image with a table but no
 * ASEV metadata is measured without metadata pages (sev-snp-measure does
 * the same), although QEMU and this VMM refuse to launch it as SNP.
 */
int sev_measure_snp_digest(const void *image, size_t len,
			   const struct sev_measure_params *p,
			   uint8_t ld[SEV_SNP_DIGEST_SIZE]);

/* The LAUNCH_MEASURE value for (ld) (sev_crypto_launch_measure()). */
int sev_measure_launch_measure(const uint8_t tik[SEV_KEY_SIZE],
			       uint8_t api_major, uint8_t api_minor,
			       uint8_t build, uint32_t policy,
			       const uint8_t ld[SEV_DIGEST_SIZE],
			       const uint8_t mnonce[SEV_MNONCE_SIZE],
			       uint8_t out[SEV_DIGEST_SIZE]);

#endif
