// SPDX-License-Identifier: Apache-2.0
/*
 * The machine's side of an AMD SEV / SEV-ES launch, in the order of
 * sev/README.md (QEMU's flow): sev_open before KVM_CREATE_VM, SEV init
 * before the vCPU, every RAM block and the CODE copy registered, then
 * LAUNCH_START, LAUNCH_UPDATE_DATA over exactly the CODE copy (never VARS:
 * the variable store stays plaintext and unmeasured), the vCPU state, and
 * for SEV-ES LAUNCH_UPDATE_VMSA, then LAUNCH_MEASURE.  vmm_create() stops
 * there, so the guest owner can check the measurement and send a secret
 * (vmm_sev_inject_secret, LAUNCH_SECRET); the first vmm_run() does
 * LAUNCH_FINISH.
 *
 * No SEV hardware was available to this project: the KVM backend is proven
 * by scripted-ioctl unit tests, the SIM backend by a model of the firmware,
 * under which the guest runs unencrypted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kvm_para.h>

#include "firmware/ovmf_table.h"
#include "sev/sev.h"
#include "sev/sev_uapi_compat.h"
#include "vmm/kvm.h"
#include "vmm/machine.h"
#include "vmm/sev_glue.h"
#include "vmm/x86.h"

bool sevg_active(const struct vmm *vm)
{
	return vm->sev != NULL;
}

/* CPUID.1.EAX as the guest sees it: the signature SEV-ES puts in RDX. */
static uint32_t guest_signature(const struct vmm *vm)
{
	for (uint32_t i = 0; i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == 1)
			return vm->cpuid->entries[i].eax;
	return 0;
}

int sevg_open(struct vmm *vm)
{
	struct sev_config c;
	char err[256];
	int rc;

	if (vm->cfg.sev_mode == VMM_SEV_NONE)
		return 0;
	sev_config_init(&c);
	c.mode = vm->cfg.sev_mode == VMM_SEV_ES ? SEV_MODE_SEV_ES :
		 vm->cfg.sev_mode == VMM_SEV_SNP ? SEV_MODE_SNP : SEV_MODE_SEV;
	c.backend = vm->cfg.sev_backend == VMM_SEV_BACKEND_SIM ? SEV_BACKEND_SIM
							     : SEV_BACKEND_KVM;
	c.policy = vm->cfg.sev_policy;
	c.use_init2 = vm->cfg.sev_init2 != 0;
	c.dh_cert = vm->cfg.sev_dh_cert;
	c.dh_cert_len = vm->cfg.sev_dh_cert_len;
	c.session = vm->cfg.sev_session;
	c.session_len = vm->cfg.sev_session_len;
	c.id_block = vm->cfg.sev_id_block;
	c.id_block_len = vm->cfg.sev_id_block_len;
	c.id_auth = vm->cfg.sev_id_auth;
	c.id_auth_len = vm->cfg.sev_id_auth_len;
	if (vm->cfg.sev_host_data)
		memcpy(c.host_data, vm->cfg.sev_host_data, sizeof(c.host_data));
	if (vm->cfg.sev_sim_tik)
		memcpy(c.sim_tik, vm->cfg.sev_sim_tik, sizeof(c.sim_tik));
	if (vm->cfg.sev_sim_tek)
		memcpy(c.sim_tek, vm->cfg.sev_sim_tek, sizeof(c.sim_tek));
	rc = sev_open(&c, vm->kvm_fd, &vm->sev, err, sizeof(err));
	if (rc < 0)
		return vmm_fail(vm, rc, "sev: %s", err);
	vm->sev_vcpu_sig = guest_signature(vm);
	return 0;
}

int sevg_vm_type(const struct vmm *vm)
{
	return vm->sev ? sev_vm_type(vm->sev) : 0;
}

static int sev_error(struct vmm *vm, int rc)
{
	return vmm_fail(vm, rc, "sev: %s", sev_last_error(vm->sev));
}

bool sevg_private_memory(const struct vmm *vm)
{
	return vm->sev && sev_private_memory(vm->sev);
}

/*
 * What an SEV-SNP VM of KVM needs beyond the SEV API: guest_memfd, the
 * private memory attribute, and the guest's page state changes forwarded
 * to us as KVM_HC_MAP_GPA_RANGE exits (KVM refuses them otherwise; QEMU's
 * sev_snp_kvm_init() asks the same).  Asked on the VM fd: per VM type.
 */
static int snp_vm_caps(struct vmm *vm)
{
	int hc;

	if (kvm_check_extension(vm->vm_fd, KVM_CAP_GUEST_MEMFD) <= 0)
		return vmm_fail(vm, -EOPNOTSUPP, "sev: SEV-SNP needs guest_memfd (KVM_CAP_GUEST_MEMFD, Linux 6.8+)");
	if (!(kvm_check_extension(vm->vm_fd, KVM_CAP_MEMORY_ATTRIBUTES) &
	      KVM_MEMORY_ATTRIBUTE_PRIVATE))
		return vmm_fail(vm, -EOPNOTSUPP, "sev: SEV-SNP needs private memory attributes (KVM_CAP_MEMORY_ATTRIBUTES)");
	hc = kvm_check_extension(vm->vm_fd, KVM_CAP_EXIT_HYPERCALL);
	if (hc < 0 || !(hc & (1 << KVM_HC_MAP_GPA_RANGE)))
		return vmm_fail(vm, -EOPNOTSUPP, "sev: SEV-SNP needs KVM_HC_MAP_GPA_RANGE exits (KVM_CAP_EXIT_HYPERCALL)");
	hc = kvm_enable_cap(vm->vm_fd, KVM_CAP_EXIT_HYPERCALL,
			    1u << KVM_HC_MAP_GPA_RANGE);
	if (hc < 0)
		return vmm_fail(vm, hc, "sev: KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL): %s",
				strerror(-hc));
	return 0;
}

int sevg_init(struct vmm *vm)
{
	int rc;

	if (!vm->sev)
		return 0;
	rc = sev_init(vm->sev, vm->vm_fd);
	if (rc < 0)
		return sev_error(vm, rc);
	if (sev_private_memory(vm->sev) && (rc = snp_vm_caps(vm)) < 0)
		return rc;
	if (!sev_readonly_slots_allowed(vm->sev))
		vm->romd_allowed = false;
	return 0;
}

/* Guest RAM and the CODE copy are encrypted memory; VARS is not. */
int sevg_register_memory(struct vmm *vm)
{
	int rc;

	/* SNP memory needs no registration (guest_memfd; QEMU skips it). */
	if (!vm->sev || vm->cfg.sev_mode == VMM_SEV_SNP)
		return 0;
	rc = sev_register_region(vm->sev, vm->ram, vm->ram_size);
	if (rc == 0)
		rc = sev_register_region(vm->sev, vm->code, vm->code_size);
	return rc < 0 ? sev_error(vm, rc) : 0;
}

/* Pass CPUID 0x8000001F (C-bit position, reduced phys bits) through. */
int sevg_adjust_cpuid(struct vmm *vm)
{
	struct kvm_cpuid_entry2 leaf;
	struct kvm_cpuid2 *c = vm->cpuid;
	size_t sz;

	if (!vm->sev || sev_guest_cpuid(vm->sev, &leaf) < 0)
		return 0; /* the SIM backend offers no leaf */
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 0x80000000 &&
		    c->entries[i].eax < 0x8000001F)
			c->entries[i].eax = 0x8000001F;
		if (c->entries[i].function == leaf.function) {
			c->entries[i] = leaf;
			return 0;
		}
	}
	sz = sizeof(*c) + (c->nent + 1) * sizeof(c->entries[0]);
	c = realloc(c, sz);
	if (!c)
		return vmm_fail(vm, -ENOMEM, "out of memory");
	c->entries[c->nent++] = leaf;
	vm->cpuid = c;
	return 0;
}

void sevg_reset_state(const struct vmm *vm, struct kvm_regs *regs,
		      struct kvm_sregs *sregs, struct kvm_fpu *fpu)
{
	struct sev_vcpu_state st;

	/* SEV-ES measures the initial state: load exactly what it measures. */
	sev_vcpu_reset_state(&st, 0, vm->sev_vcpu_sig, 0);
	*regs = st.regs;
	*sregs = st.sregs;
	*fpu = st.fpu;
}

/* OVMF's SEV metadata section types as SNP_LAUNCH_UPDATE page types, and
 * how much of each is submitted: what `vmm measure --mode snp` assumes
 * (sev/measure_snp.c: no measured direct boot, one SECRETS and one CPUID
 * page). */
static int section_page(const struct ovmf_sev_section *s, uint8_t *type,
			uint64_t *len)
{
	*len = s->size;
	switch (s->type) {
	case OVMF_SEV_SECTION_SNP_SEC_MEM:
	case OVMF_SEV_SECTION_SVSM_CAA:
	case OVMF_SEV_SECTION_SNP_KERNEL_HASHES:
		*type = KVM_SEV_SNP_PAGE_TYPE_ZERO;
		return 0;
	case OVMF_SEV_SECTION_SNP_SECRETS:
		*type = KVM_SEV_SNP_PAGE_TYPE_SECRETS;
		*len = 4096;
		return 0;
	case OVMF_SEV_SECTION_CPUID:
		*type = KVM_SEV_SNP_PAGE_TYPE_CPUID;
		*len = 4096;
		return 0;
	default:
		return -EINVAL;
	}
}

static int snp_section(struct vmm *vm, const struct ovmf_sev_section *s)
{
	uint8_t type;
	uint64_t len;
	void *hva;

	if (section_page(s, &type, &len) < 0)
		return vmm_fail(vm, -EINVAL, "sev: SNP metadata section type 0x%x at 0x%x is unknown",
				s->type, s->gpa);
	hva = mem_gpa_to_hva(&vm->mem, s->gpa, len, true);
	if (!hva || len > s->size)
		return vmm_fail(vm, -EINVAL, "sev: SNP metadata section 0x%x+0x%x is not guest RAM",
				s->gpa, s->size);
	if (type == KVM_SEV_SNP_PAGE_TYPE_CPUID)
		sev_snp_cpuid_page(vm->cpuid, hva);
	return sev_snp_launch_update(vm->sev, s->gpa, hva, len, type) < 0
		       ? sev_error(vm, -EIO) : 0;
}

/* SNP: CODE, OVMF's metadata sections, then FINISH over the vCPU state. */
static int snp_launch(struct vmm *vm, const struct sev_vcpu_state *st)
{
	struct ovmf_sev_info info;
	int rc = ovmf_sev_info_parse(vm->code, vm->code_size, &info);

	if (rc < 0 || !info.has_metadata || !info.nr_sections)
		return vmm_fail(vm, -EINVAL, "sev: the firmware has no SEV-SNP metadata (OVMF's ASEV sections)");
	if (sev_private_memory(vm->sev))
		vmm_log(vm, VMM_LOG_INFO, "sev: SNP launch: RAM and firmware in guest_memfd, "
			"VARS shared MMIO (every access traps)");
	else
		vmm_log(vm, VMM_LOG_INFO, "sev: SNP launch on the sim backend over ordinary memslots "
			"(no guest_memfd): every VARS access traps, the guest runs unencrypted");
	if (sev_snp_launch_start(vm->sev) < 0 ||
	    sev_snp_launch_update(vm->sev, vm->code_gpa, vm->code, vm->code_size,
				  KVM_SEV_SNP_PAGE_TYPE_NORMAL) < 0)
		return sev_error(vm, -EIO);
	for (unsigned i = 0; i < info.nr_sections; i++) {
		rc = snp_section(vm, &info.sections[i]);
		if (rc < 0)
			return rc;
	}
	if (sev_snp_launch_finish(vm->sev, st, 1) < 0)
		return sev_error(vm, -EIO);
	vm->sev_finished = true;
	/* KVM copied CODE into guest_memfd: the shared copy is never seen
	 * again (a page the guest makes shared reads as zeros, as on
	 * hardware), so give its memory back. */
	if (sev_private_memory(vm->sev))
		(void)madvise(vm->code, vm->code_size, MADV_DONTNEED);
	/* On KVM the MEASUREMENT reaches the guest owner only inside the
	 * guest's attestation report; the model reports it directly. */
	rc = sev_snp_measurement(vm->sev, &vm->sev_measurement);
	if (rc == -EOPNOTSUPP)
		return 0;
	if (rc < 0)
		return sev_error(vm, -EIO);
	vm->sev_measured = true;
	return 0;
}

int sevg_launch(struct vmm *vm, const struct kvm_regs *regs,
		const struct kvm_sregs *sregs, const struct kvm_fpu *fpu)
{
	int rc;

	if (!vm->sev)
		return 0;
	if (vm->cfg.sev_mode == VMM_SEV_SNP) {
		struct sev_vcpu_state st = { .regs = *regs, .sregs = *sregs,
					     .fpu = *fpu, .xcr0 = X86_RESET_XCR0 };

		return snp_launch(vm, &st);
	}
	rc = sev_launch_start(vm->sev);
	if (rc == 0)
		rc = sev_launch_update_data(vm->sev, vm->code, vm->code_size);
	if (rc == 0 && vm->cfg.sev_mode == VMM_SEV_ES)
		rc = sev_launch_update_vmsa(vm->sev, regs, sregs, fpu,
					    X86_RESET_XCR0);
	if (rc == 0)
		rc = sev_launch_measure(vm->sev, &vm->sev_measurement);
	if (rc < 0)
		return sev_error(vm, rc);
	vm->sev_measured = true;
	return 0;
}

int sevg_finish(struct vmm *vm)
{
	int rc;

	if (!vm->sev || vm->sev_finished)
		return 0;
	rc = sev_launch_finish(vm->sev);
	if (rc < 0)
		return sev_error(vm, rc);
	vm->sev_finished = true;
	return 0;
}

int vmm_sev_inject_secret(struct vmm *vm, const void *hdr, size_t hdr_len,
			  const void *secret, size_t secret_len, uint64_t gpa)
{
	void *hva;
	int rc;

	if (!vm->sev_measured || vm->sev_finished)
		return vmm_fail(vm, -EINVAL,
				"sev: a secret goes in after LAUNCH_MEASURE and before the first vmm_run()");
	/* The whole destination must be guest RAM, in one memslot. */
	hva = mem_gpa_to_hva(&vm->mem, gpa, secret_len, true);
	if (!hva || secret_len == 0)
		return vmm_fail(vm, -EINVAL,
				"sev: secret destination 0x%llx+%zu is not guest RAM",
				(unsigned long long)gpa, secret_len);
	rc = sev_launch_secret(vm->sev, hdr, hdr_len, hva, secret_len, secret,
			       secret_len);
	return rc < 0 ? sev_error(vm, rc) : 0;
}

int vmm_sev_measurement(const struct vmm *vm, char *buf, size_t len)
{
	if (!vm->sev_measured)
		return -ENODATA;
	return sev_measurement_format(&vm->sev_measurement, buf, len);
}

uint32_t vmm_sev_vcpu_signature(const struct vmm *vm)
{
	return vm->sev_vcpu_sig;
}
