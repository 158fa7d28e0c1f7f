/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SEV-ES VM Save Area (VMSA) that KVM hands to LAUNCH_UPDATE_VMSA,
 * rebuilt from the register state the VMM loads into the vCPU.
 *
 * Layout: AMD64 APM vol. 2, appendix B, table B-4 ("VMSA layout, state
 * save area for SEV-ES"), the same offsets as Linux's struct
 * sev_es_save_area.  Which fields KVM fills, and how it converts them,
 * follows Linux arch/x86/kvm/svm (svm_set_segment, svm_set_cr0/cr4/efer,
 * sev_es_sync_vmsa), read for this purpose:
 *   - segments: {selector, attrib, limit, base}, attrib packing the
 *     descriptor's type/S/DPL/P/AVL/L/DB/G bits (P cleared if unusable);
 *   - CR0 with CD and NW cleared (quirk KVM_X86_QUIRK_CD_NW_CLEARED, on by
 *     default); CR4 with MCE forced on (the host's CR4.MCE, set on every
 *     SEV host); EFER with SVME;
 *   - DR7 0x400 and DR6 0xffff0ff0 (KVM's reset values; this VMM never
 *     sets debug registers), G_PAT 0x0007040600070406 (PAT reset value);
 *   - GPRs, RIP, RFLAGS, XCR0 and SEV_FEATURES as given;
 *   - x87/SSE state only for VMs created by KVM_SEV_INIT2 (Linux 6.10+
 *     skips it for legacy KVM_SEV_ES_INIT "to keep old measurements").
 * Checked byte for byte against two VMSAs that sevctl publishes as test
 * data (tests/unit/test_sev_vmsa.c).
 */
#ifndef SEV_VMSA_H
#define SEV_VMSA_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#define SEV_VMSA_SIZE	4096

/* KVM's reset values the VMSA picks up (see the header comment). */
#define SEV_VMSA_EFER_SVME	0x1000ULL
#define SEV_VMSA_CR4_MCE	0x40ULL
#define SEV_VMSA_CR0_CD_NW	0x60000000ULL
#define SEV_VMSA_DR7_RESET	0x400ULL
#define SEV_VMSA_DR6_RESET	0xffff0ff0ULL
#define SEV_VMSA_GPAT_RESET	0x0007040600070406ULL

/* The register state of one vCPU, as loaded through KVM_SET_*. */
struct sev_vcpu_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	uint64_t xcr0;
};

struct sev_vmsa_opts {
	uint64_t sev_features;	/* KVM_SEV_INIT2 vmsa_features */
	bool sync_fpu;		/* VM created by KVM_SEV_INIT2 */
};

/* Fill (page) with the VMSA KVM builds from (st). */
void sev_vmsa_build(uint8_t page[SEV_VMSA_SIZE],
		    const struct sev_vcpu_state *st,
		    const struct sev_vmsa_opts *opts);

/*
 * The state this VMM loads into vCPU (index) of an SEV-ES guest: the x86
 * reset state of vmm/x86.c, RDX = (vcpu_sig) (what CPUID.1.EAX reports, as
 * after a real RESET), and for APs (index > 0) CS:IP from OVMF's SEV-ES
 * reset block (CS base = eip & 0xffff0000, IP = eip & 0xffff).
 * The core must load exactly this, so that `vmm measure` predicts it.
 */
void sev_vcpu_reset_state(struct sev_vcpu_state *st, unsigned index,
			  uint32_t vcpu_sig, uint32_t ap_reset_eip);

#endif
