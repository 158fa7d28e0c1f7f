// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-SNP launch commands (KVM api.rst, "KVM_SEV_SNP_LAUNCH_START"
 * and following; SNP firmware ABI chapter 8), in the order QEMU issues
 * them (sev.md section 2): SNP_LAUNCH_START, SNP_LAUNCH_UPDATE over CODE
 * and OVMF's metadata sections, SNP_LAUNCH_FINISH, at which KVM measures
 * the VMSAs itself.  There is no LAUNCH_MEASURE: the measurement reaches
 * the guest owner in the attestation report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sev/measure.h"
#include "sev/sev_internal.h"
#include "sev/sev_uapi_compat.h"

#define SNP_PAGE	4096u
/* SEV firmware status INVALID_PARAM: a CPUID page the firmware rejected
 * and wrote back corrected (SNP ABI 8.17, CPUID page). */
#define SNP_STATUS_INVALID_PARAM	0x16u

int sev_snp_launch_start(struct sev *sev)
{
	struct kvm_sev_snp_launch_start start;
	int rc = sev_expect_state(sev, SEV_STATE_INIT, "SNP_LAUNCH_START");

	if (rc)
		return rc;
	if (sev->cfg.mode != SEV_MODE_SNP) {
		sev_set_error(sev, "SNP_LAUNCH_START is for SEV-SNP only");
		return -EINVAL;
	}
	memset(&start, 0, sizeof(start));
	start.policy = sev->cfg.policy;	/* GOSVW zero: no guest OS hints */
	return sev_launch_step(sev, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, &start,
			SEV_STATE_STARTED);
}

static bool update_args_ok(struct sev *sev, uint64_t gpa, const void *hva,
			   uint64_t len, uint8_t type)
{
	uint64_t end;

	if (!hva || len == 0 || gpa % SNP_PAGE || len % SNP_PAGE ||
	    (uintptr_t)hva % SNP_PAGE || __builtin_add_overflow(gpa, len, &end)) {
		sev_set_error(sev, "SNP_LAUNCH_UPDATE: range 0x%llx+0x%llx is "
			      "not whole 4 KiB pages", (unsigned long long)gpa,
			      (unsigned long long)len);
		return false;
	}
	if (type != KVM_SEV_SNP_PAGE_TYPE_NORMAL &&
	    type != KVM_SEV_SNP_PAGE_TYPE_ZERO &&
	    type != KVM_SEV_SNP_PAGE_TYPE_UNMEASURED &&
	    type != KVM_SEV_SNP_PAGE_TYPE_SECRETS &&
	    type != KVM_SEV_SNP_PAGE_TYPE_CPUID) {
		sev_set_error(sev, "SNP_LAUNCH_UPDATE: page type %u", type);
		return false;
	}
	return true;
}

/* One command; KVM advances gfn_start/uaddr/len as it goes (-EAGAIN:
 * call again with what is left). */
static int update_once(struct sev *sev, uint64_t gpa, void *hva, uint64_t len,
		       uint8_t type)
{
	struct kvm_sev_snp_launch_update u;
	int rc;

	memset(&u, 0, sizeof(u));
	u.gfn_start = gpa / SNP_PAGE;
	u.uaddr = (uintptr_t)hva;
	u.len = len;
	u.type = type;
	/* KVM may stop early (-EAGAIN, or 0 with len left): go on from where
	 * it got to; a call that makes no progress is an error. */
	do {
		uint64_t left = u.len;

		rc = sev_cmd(sev, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, &u);
		if ((rc == 0 || rc == -EAGAIN) && u.len && u.len >= left) {
			sev_set_error(sev, "SNP_LAUNCH_UPDATE made no progress at 0x%llx",
				      (unsigned long long)u.gfn_start * SNP_PAGE);
			return -EIO;
		}
	} while ((rc == 0 || rc == -EAGAIN) && u.len);
	return rc;
}

int sev_snp_launch_update(struct sev *sev, uint64_t gpa, void *hva,
			  uint64_t len, uint8_t type)
{
	int rc = sev_expect_state(sev, SEV_STATE_STARTED, "SNP_LAUNCH_UPDATE");

	if (rc)
		return rc;
	if (!update_args_ok(sev, gpa, hva, len, type))
		return -EINVAL;
	rc = update_once(sev, gpa, hva, len, type);
	/* The firmware wrote its corrected table into the page: take it, as
	 * OVMF would see the firmware's view of CPUID anyway. */
	if (rc == -EIO && type == KVM_SEV_SNP_PAGE_TYPE_CPUID &&
	    sev->last_fw_error == SNP_STATUS_INVALID_PARAM) {
		rc = update_once(sev, gpa, hva, len, type);
		if (rc == 0)	/* the rejection was handled */
			sev->last_error[0] = '\0';
	}
	if (rc)
		sev->state = SEV_STATE_FAILED;
	return rc;
}

/* SIM backend: the VMSAs KVM would measure at SNP_LAUNCH_FINISH. */
static int sim_vmsas(struct sev *sev, const struct sev_vcpu_state *vcpus,
		     unsigned nr, uint8_t (**pages)[SEV_VMSA_SIZE])
{
	struct sev_vmsa_opts opts = {
		.sev_features = sev->cfg.vmsa_features | SEV_SNP_FEATURE_SNP_ACTIVE,
		.sync_fpu = true,	/* SNP VMs come from INIT2 */
	};

	*pages = calloc(nr, SEV_VMSA_SIZE);
	if (!*pages) {
		sev_set_error(sev, "SNP_LAUNCH_FINISH: out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < nr; i++)
		sev_vmsa_build((*pages)[i], &vcpus[i], &opts);
	sev_simkvm_set_vmsas(sev->simkvm, (const void *)*pages, nr);
	return 0;
}

int sev_snp_launch_finish(struct sev *sev, const struct sev_vcpu_state *vcpus,
			  unsigned nr)
{
	struct kvm_sev_snp_launch_finish f;
	uint8_t (*pages)[SEV_VMSA_SIZE] = NULL;
	int rc = sev_expect_state(sev, SEV_STATE_STARTED, "SNP_LAUNCH_FINISH");

	if (rc)
		return rc;
	if (!vcpus || nr == 0 || nr > SEV_MAX_VCPUS) {
		sev_set_error(sev, "SNP_LAUNCH_FINISH: %u vCPUs", nr);
		return -EINVAL;
	}
	if (sev->simkvm && (rc = sim_vmsas(sev, vcpus, nr, &pages))) {
		sev->state = SEV_STATE_FAILED;
		return rc;
	}
	memset(&f, 0, sizeof(f));
	if (sev->cfg.id_block) {
		const uint8_t *auth = sev->cfg.id_auth;

		f.id_block_uaddr = (uintptr_t)sev->cfg.id_block;
		f.id_auth_uaddr = (uintptr_t)sev->cfg.id_auth;
		f.id_block_en = 1;
		/* AUTH_KEY_ALGO (ID_AUTH offset 4, SNP ABI table "ID
		 * Authentication Information Structure") is non-zero when the
		 * structure carries an author key: then the firmware must
		 * check it (QEMU makes it a separate author-key-enabled). */
		f.auth_key_en = (auth[4] | auth[5] | auth[6] | auth[7]) != 0;
	}
	memcpy(f.host_data, sev->cfg.host_data, sizeof(f.host_data));
	rc = sev_launch_step(sev, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH, &f,
		      SEV_STATE_FINISHED);
	if (sev->simkvm)
		sev_simkvm_set_vmsas(sev->simkvm, NULL, 0);
	free(pages);
	return rc;
}

int sev_snp_measurement(const struct sev *sev, struct sev_measurement *out)
{
	memset(out, 0, sizeof(*out));
	out->snp = true;
	out->policy = sev->cfg.policy;
	if (!sev->simkvm)
		return -EOPNOTSUPP;	/* the guest's attestation report has it */
	if (sev->state != SEV_STATE_FINISHED)
		return -EAGAIN;
	return sev_simkvm_snp_measurement(sev->simkvm, out->snp_measure);
}

/*
 * The CPUID page OVMF reads under SNP (SNP ABI 8.17.2.6 and the GHCB
 * specification's SNP CPUID table): COUNT (u32), 12 reserved bytes, then
 * up to 64 entries of {EAX_IN, ECX_IN (u32), XCR0_IN, XSS_IN (u64), EAX,
 * EBX, ECX, EDX (u32), 8 reserved}: the CPUID this VMM gives the guest.
 * ECX_IN only where the subleaf matters; the XSAVE leaf's subleaves 0 and
 * 1 for XCR0 = x87 (the reset value), as QEMU fills them.
 */
#define SNP_CPUID_MAX		64u
#define SNP_CPUID_ENTRY_SIZE	48u

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* x86: little-endian */
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

unsigned sev_snp_cpuid_page(const struct kvm_cpuid2 *c, uint8_t page[4096])
{
	unsigned n = 0;

	memset(page, 0, 4096);
	for (uint32_t i = 0; c && i < c->nent && n < SNP_CPUID_MAX; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];
		uint8_t *p = page + 16 + n * SNP_CPUID_ENTRY_SIZE;

		put32(p, e->function);
		put32(p + 4, (e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ? e->index : 0);
		if (e->function == 0xD && e->index <= 1)
			put64(p + 8, 1);
		put32(p + 24, e->eax);
		put32(p + 28, e->ebx);
		put32(p + 32, e->ecx);
		put32(p + 36, e->edx);
		n++;
	}
	put32(page, n);
	return n;
}
