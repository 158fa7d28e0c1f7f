/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A model of KVM's SEV ioctls (Linux arch/x86/kvm/svm/sev.c,
 * sev_mem_enc_ioctl and friends, as summarised in
 * docs/sev-firmware-model.md section 5) in front of the firmware model
 * (sev_sim.h): same sub-command ids, same payload structs, same errno
 * conventions (-ENOTTY before INIT, -EINVAL for bad arguments, -EIO with
 * the firmware status in kvm_sev_cmd.error), the LAUNCH_START + ACTIVATE
 * pair, and LAUNCH_MEASURE's length query.  The SIM backend of sev.c sends
 * its commands here instead of to ioctl(), so the launch code under test
 * is the code that runs on hardware.
 *
 * One VM per object.  User addresses are host pointers.
 *
 * SEV-SNP (VM type KVM_X86_SNP_VM): KVM_SEV_INIT2 (GHCB version 0 or 2),
 * then KVM_SEV_SNP_LAUNCH_START / UPDATE / FINISH with KVM's checks and
 * errnos (snp_launch_*; -EPERM for any legacy command).  The model has no
 * guest_memfd: uaddr is the host page of the GPA range for every type, and
 * for ZERO, SECRETS and CPUID the model writes the firmware's result back
 * to uaddr (zeros, the secrets page, the validated CPUID table); for ZERO,
 * which KVM would not read, uaddr may be 0 and is not advanced.  At
 * SNP_LAUNCH_FINISH the VMSAs given to sev_simkvm_set_vmsas() are measured
 * as VMSA pages at GPA 0xfffffffff000, in vCPU order, as KVM measures its
 * vCPUs' VMSAs: build them with SEV_FEATURES = vmsa_features |
 * SNP_ACTIVE (measure_snp.c's assumption).
 */
#ifndef SEV_SEV_SIMKVM_H
#define SEV_SEV_SIMKVM_H

#include <stdint.h>
#include <linux/kvm.h>

#include "sev/sev_sim.h"
#include "sev/vmsa.h"

/* VMSA features the model accepts in KVM_SEV_INIT2 (bit 5: DebugSwap). */
#define SEV_SIMKVM_VMSA_FEATURES	(1ull << 5)

struct sev_simkvm;

/* A VM of KVM type (vm_type) on the simulated platform (fw) (borrowed). */
int sev_simkvm_create(struct sev_sim *fw, int vm_type,
		      struct sev_simkvm **out);
/* VM teardown: DEACTIVATE and DECOMMISSION the guest, as KVM does. */
void sev_simkvm_destroy(struct sev_simkvm *vm);

/*
 * The VMSAs KVM would build from its vCPUs at LAUNCH_UPDATE_VMSA (SEV-ES)
 * or SNP_LAUNCH_FINISH (SNP); the model has no vCPUs to read.  Borrowed
 * until the next call.
 */
void sev_simkvm_set_vmsas(struct sev_simkvm *vm,
			  const uint8_t (*pages)[SEV_VMSA_SIZE], unsigned nr);

/* KVM_MEMORY_ENCRYPT_OP.  Returns 0 or -errno; firmware status in cmd. */
int sev_simkvm_encrypt_op(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd);
/*
 * SNP: the attestation-report fields of the VM's guest context (current
 * MEASUREMENT, POLICY, HOST_DATA, ID key digests, ...): 0, or -ENOENT
 * before SNP_LAUNCH_START.
 */
int sev_simkvm_snp_report(const struct sev_simkvm *vm,
			  struct sev_sim_snp_report *out);
/* Just its MEASUREMENT (48 bytes): 0, or -ENOENT. */
int sev_simkvm_snp_measurement(const struct sev_simkvm *vm, uint8_t ld[48]);
/* KVM_MEMORY_ENCRYPT_REG_REGION.  Returns 0 or -errno. */
int sev_simkvm_reg_region(struct sev_simkvm *vm,
			  const struct kvm_enc_region *region);

#endif
