// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sev/measure.h"
#include "sev/sev.h"
#include "sev/sev_simkvm.h"
#include "sev/sev_uapi_compat.h"

/* KVM's GHCB protocol version for SEV-ES VMs created by INIT2. */
#define SIMKVM_GHCB_VERSION	2

struct sev_simkvm {
	struct sev_sim *fw;
	int vm_type;
	bool sev_active, es_active, snp_active;
	uint32_t asid;
	uint32_t handle;	/* 0 until LAUNCH_START */
	uint32_t gctx;		/* SNP: 0 until SNP_LAUNCH_START */
	uint64_t vmsa_features;	/* INIT2's, plus SNP_ACTIVE for SNP */
	const uint8_t (*vmsas)[SEV_VMSA_SIZE];
	unsigned nr_vmsas;
	uint8_t *page;		/* SNP: the guest_memfd page (4 KiB aligned) */
};

int sev_simkvm_create(struct sev_sim *fw, int vm_type,
		      struct sev_simkvm **out)
{
	struct sev_simkvm *vm = calloc(1, sizeof(*vm));

	*out = vm;
	if (!vm)
		return -ENOMEM;
	vm->fw = fw;
	vm->vm_type = vm_type;
	if (vm_type == KVM_X86_SNP_VM) {
		vm->page = aligned_alloc(SEV_SNP_PAGE_SIZE, SEV_SNP_PAGE_SIZE);
		if (!vm->page) {
			free(vm);
			*out = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

void sev_simkvm_destroy(struct sev_simkvm *vm)
{
	if (!vm)
		return;
	if (vm->handle) {
		/* As KVM's sev_vm_destroy: errors are ignored. */
		sev_sim_deactivate(vm->fw, vm->handle);
		sev_sim_decommission(vm->fw, vm->handle);
	}
	/* snp_decommission_context: DECOMMISSION also unbinds the ASID. */
	if (vm->gctx)
		sev_sim_snp_decommission(vm->fw, vm->gctx);
	free(vm->page);
	free(vm);
}

void sev_simkvm_set_vmsas(struct sev_simkvm *vm,
			  const uint8_t (*pages)[SEV_VMSA_SIZE], unsigned nr)
{
	vm->vmsas = pages;
	vm->nr_vmsas = nr;
}

/* A firmware status becomes -EIO with the status in cmd->error. */
static int fw_result(struct kvm_sev_cmd *cmd, uint32_t status)
{
	cmd->error = status;
	return status ? -EIO : 0;
}

/*
 * The first INIT brings the platform up (the ccp driver's job): SNP_INIT
 * first where the platform has SNP, then INIT (sev-dev.c
 * __sev_platform_init_locked).
 */
static int platform_up(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct sev_sim_platform_status ps;
	uint32_t st;

	if (!sev_sim_snp_initialized(vm->fw) &&
	    sev_sim_platform_state(vm->fw) == SEV_SIM_PLATFORM_UNINIT) {
		st = sev_sim_snp_init(vm->fw);
		if (st && st != SEV_SIM_UNSUPPORTED)
			return fw_result(cmd, st);
	}

	if (sev_sim_platform_status(vm->fw, &ps) == SEV_SIM_SUCCESS &&
	    ps.state != SEV_SIM_PLATFORM_UNINIT)
		return 0;
	return fw_result(cmd, sev_sim_init(vm->fw));
}

/* Legacy INIT / ES_INIT: default VM type only, and only once. */
static int op_init(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd, bool es)
{
	int rc;

	if (vm->sev_active || vm->vm_type != KVM_X86_DEFAULT_VM)
		return -EINVAL;
	rc = platform_up(vm, cmd);
	if (rc)
		return rc;
	vm->sev_active = true;
	vm->es_active = es;
	vm->asid = es ? 1 : SEV_SIM_MIN_SEV_ASID;
	return 0;
}

/* __sev_guest_init: SNP needs GHCB version 2 (0 defaults to 2). */
static int check_init2_args(const struct sev_simkvm *vm,
			    const struct sev_compat_kvm_sev_init *a)
{
	bool es = vm->vm_type != KVM_X86_SEV_VM;
	bool snp = vm->vm_type == KVM_X86_SNP_VM;

	if (a->flags || (a->vmsa_features & ~SEV_SIMKVM_VMSA_FEATURES))
		return -EINVAL;
	if (!es && (a->vmsa_features || a->ghcb_version))
		return -EINVAL;
	if (es && a->ghcb_version > SIMKVM_GHCB_VERSION)
		return -EINVAL;
	if (snp && a->ghcb_version && a->ghcb_version < 2)
		return -EINVAL;
	return 0;
}

static int op_init2(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	const struct sev_compat_kvm_sev_init *a = (const void *)(uintptr_t)cmd->data;
	int rc;

	if (vm->sev_active)
		return -EINVAL;
	if (vm->vm_type != KVM_X86_SEV_VM && vm->vm_type != KVM_X86_SEV_ES_VM &&
	    vm->vm_type != KVM_X86_SNP_VM)
		return -EINVAL;
	if (!a)
		return -EFAULT;
	rc = check_init2_args(vm, a);
	if (!rc)
		rc = platform_up(vm, cmd);
	if (rc)
		return rc;
	/* No SNP on the platform: KVM has no SNP ASIDs (sev_asid_new). */
	if (vm->vm_type == KVM_X86_SNP_VM && !sev_sim_snp_initialized(vm->fw))
		return -ENOTTY;
	vm->sev_active = true;
	vm->es_active = vm->vm_type != KVM_X86_SEV_VM;
	vm->snp_active = vm->vm_type == KVM_X86_SNP_VM;
	vm->vmsa_features = a->vmsa_features |
			    (vm->snp_active ? SEV_SNP_FEATURE_SNP_ACTIVE : 0);
	vm->asid = vm->es_active ? 1 : SEV_SIM_MIN_SEV_ASID;
	return 0;
}

/* psp_copy_user_blob: a blob given by address must be 1..16 KiB. */
static int check_blob(uint64_t uaddr, uint32_t len)
{
	if (!uaddr)
		return 0;
	return (len == 0 || len > SEV_BLOB_MAX) ? -EINVAL : 0;
}

static int op_launch_start(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct kvm_sev_launch_start *p = (void *)(uintptr_t)cmd->data;
	struct sev_sim_launch_start fw;
	uint32_t st;

	if (!p)
		return -EFAULT;
	if (check_blob(p->dh_uaddr, p->dh_len) ||
	    check_blob(p->session_uaddr, p->session_len))
		return -EINVAL;
	memset(&fw, 0, sizeof(fw));
	fw.handle = p->handle;
	fw.policy = p->policy;
	fw.dh_cert = (const void *)(uintptr_t)p->dh_uaddr;
	fw.dh_cert_len = p->dh_uaddr ? p->dh_len : 0;
	fw.session = (const void *)(uintptr_t)p->session_uaddr;
	fw.session_len = p->session_uaddr ? p->session_len : 0;
	st = sev_sim_launch_start(vm->fw, &fw);
	if (st)
		return fw_result(cmd, st);
	/* KVM binds the new guest to the VM's ASID straight away. */
	st = sev_sim_activate(vm->fw, fw.handle, vm->asid);
	if (st) {
		sev_sim_decommission(vm->fw, fw.handle);
		return fw_result(cmd, st);
	}
	vm->handle = fw.handle;
	p->handle = fw.handle;
	return 0;
}

static int op_update_data(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	const struct kvm_sev_launch_update_data *p =
		(const void *)(uintptr_t)cmd->data;

	if (!p)
		return -EFAULT;
	/* sev_pin_memory refuses an empty or wrapping range. */
	if (p->len == 0 || p->uaddr + p->len < p->uaddr)
		return -EINVAL;
	return fw_result(cmd, sev_sim_launch_update_data(
		vm->fw, vm->handle, (const void *)(uintptr_t)p->uaddr, p->len));
}

static int op_update_vmsa(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	uint32_t st;

	if (!vm->es_active)
		return -ENOTTY;
	/* One firmware call per vCPU, in index order; stop at the first error. */
	for (unsigned i = 0; i < vm->nr_vmsas; i++) {
		st = sev_sim_launch_update_vmsa(vm->fw, vm->handle,
						vm->vmsas[i], SEV_VMSA_SIZE);
		if (st)
			return fw_result(cmd, st);
	}
	return 0;
}

/*
 * len == 0 asks for the size: the firmware fails INVALID_LENGTH, KVM copies
 * len = 48 back and returns -EIO.  A non-zero len with no buffer reaches
 * the firmware as len 0 and nothing is copied back.
 */
static int op_measure(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct kvm_sev_launch_measure *p = (void *)(uintptr_t)cmd->data;
	uint8_t blob[SEV_MEASURE_BLOB_SIZE];
	uint32_t len, st;

	if (!p)
		return -EFAULT;
	if (p->len > SEV_BLOB_MAX)
		return -EINVAL;
	len = p->uaddr ? p->len : 0;
	if (len == 0) {
		st = sev_sim_launch_measure(vm->fw, vm->handle, NULL, &len);
		if (p->len == 0)
			p->len = len;
		return fw_result(cmd, st);
	}
	len = len < sizeof(blob) ? len : (uint32_t)sizeof(blob);
	st = sev_sim_launch_measure(vm->fw, vm->handle, blob, &len);
	if (st) {
		p->len = len;
		return fw_result(cmd, st);
	}
	memset((void *)(uintptr_t)p->uaddr, 0, p->len);
	memcpy((void *)(uintptr_t)p->uaddr, blob, sizeof(blob));
	return 0;
}

static int op_secret(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	const struct kvm_sev_launch_secret *p = (const void *)(uintptr_t)cmd->data;
	struct sev_sim_secret s;

	if (!p)
		return -EFAULT;
	if (check_blob(p->hdr_uaddr, p->hdr_len) ||
	    check_blob(p->trans_uaddr, p->trans_len) || !p->hdr_uaddr ||
	    !p->trans_uaddr)
		return -EINVAL;
	if (p->guest_len == 0 || p->guest_uaddr + p->guest_len < p->guest_uaddr)
		return -EINVAL;
	s.hdr = (const void *)(uintptr_t)p->hdr_uaddr;
	s.hdr_len = p->hdr_len;
	s.guest = (void *)(uintptr_t)p->guest_uaddr;
	s.guest_len = p->guest_len;
	s.trans = (const void *)(uintptr_t)p->trans_uaddr;
	s.trans_len = p->trans_len;
	return fw_result(cmd, sev_sim_launch_secret(vm->fw, vm->handle, &s));
}

static int op_guest_status(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct kvm_sev_guest_status *p = (void *)(uintptr_t)cmd->data;
	uint32_t policy, asid, state, st;

	if (!p)
		return -EFAULT;
	st = sev_sim_guest_status(vm->fw, vm->handle, &policy, &asid, &state);
	if (!st) {
		p->handle = vm->handle;
		p->policy = policy;
		p->state = state;
	}
	return fw_result(cmd, st);
}

/* ---- SEV-SNP (Linux arch/x86/kvm/svm/sev.c, snp_launch_*) ------------- */

/* KVM_SNP_POLICY_MASK_VALID: ABI version, SMT, MBO (17), DEBUG, SOCKET. */
#define SIMKVM_SNP_POLICY_VALID                                               \
	(0xffffull | SEV_SIM_SNP_POLICY_SMT | SEV_SIM_SNP_POLICY_MBO |        \
	 SEV_SIM_SNP_POLICY_DEBUG | SEV_SIM_SNP_POLICY_SINGLE_SOCKET)

static int snp_start_args(const struct sev_simkvm *vm,
			  const struct kvm_sev_snp_launch_start *p)
{
	/* One context per VM; flags 0; only the policy bits KVM knows. */
	if (vm->gctx || p->flags || (p->policy & ~SIMKVM_SNP_POLICY_VALID) ||
	    !(p->policy & SEV_SIM_SNP_POLICY_MBO))
		return -EINVAL;
	return 0;
}

/* GCTX_CREATE, LAUNCH_START, ACTIVATE; a failure decommissions. */
static int op_snp_start(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	const struct kvm_sev_snp_launch_start *p = (void *)(uintptr_t)cmd->data;
	struct sev_sim_snp_launch_start ls = { 0 };
	uint32_t gctx, st;
	int rc;

	if (!vm->snp_active)
		return -ENOTTY;
	if (!p)
		return -EFAULT;
	rc = snp_start_args(vm, p);
	if (rc)
		return rc;
	st = sev_sim_snp_gctx_create(vm->fw, &gctx);
	if (st) {
		/* snp_context_create() failing is -ENOTTY in KVM. */
		cmd->error = st;
		return -ENOTTY;
	}
	ls.policy = p->policy;
	memcpy(ls.gosvw, p->gosvw, sizeof(ls.gosvw));
	st = sev_sim_snp_launch_start(vm->fw, gctx, &ls);
	if (!st)
		st = sev_sim_snp_activate(vm->fw, gctx, vm->asid);
	if (st) {
		sev_sim_snp_decommission(vm->fw, gctx);
		return fw_result(cmd, st);
	}
	vm->gctx = gctx;
	return 0;
}

static bool snp_update_type_ok(uint8_t type)
{
	return type == KVM_SEV_SNP_PAGE_TYPE_NORMAL ||
	       type == KVM_SEV_SNP_PAGE_TYPE_ZERO ||
	       type == KVM_SEV_SNP_PAGE_TYPE_UNMEASURED ||
	       type == KVM_SEV_SNP_PAGE_TYPE_SECRETS ||
	       type == KVM_SEV_SNP_PAGE_TYPE_CPUID;
}

static int snp_update_args(const struct kvm_sev_snp_launch_update *p)
{
	uint64_t src = p->type == KVM_SEV_SNP_PAGE_TYPE_ZERO ? 0 : p->uaddr;
	uint64_t pages = p->len / SEV_SNP_PAGE_SIZE;

	if (!p->len || p->len % SEV_SNP_PAGE_SIZE || p->flags ||
	    !snp_update_type_ok(p->type) || src % SEV_SNP_PAGE_SIZE)
		return -EINVAL;
	/* No memslot (guest_memfd or not) lies beyond 52 bits. */
	if (p->gfn_start >= (SEV_SIM_SNP_GPA_LIMIT >> 12) ||
	    pages > (SEV_SIM_SNP_GPA_LIMIT >> 12) - p->gfn_start)
		return -EINVAL;
	return 0;
}

/* The types whose result the model copies back to uaddr (see header). */
static bool snp_writes_back(uint8_t type)
{
	return type == KVM_SEV_SNP_PAGE_TYPE_ZERO ||
	       type == KVM_SEV_SNP_PAGE_TYPE_SECRETS ||
	       type == KVM_SEV_SNP_PAGE_TYPE_CPUID;
}

/*
 * One page, as kvm_gmem_populate + sev_gmem_post_populate: an assigned
 * page is -EEXIST before the firmware; the source is copied into the
 * guest_memfd page (vm->page) and the firmware runs on that; a CPUID page
 * the firmware rejected with INVALID_PARAM is copied back to the source.
 */
static int snp_update_page(struct sev_simkvm *vm, uint64_t gpa, uint8_t type,
			   uint8_t *src, uint8_t *dst, uint32_t *fw_error)
{
	struct sev_sim_snp_update u = { .gpa = gpa, .page = vm->page,
					.page_type = type };
	uint32_t st;

	if (sev_sim_snp_gpa_assigned(vm->fw, vm->gctx, gpa))
		return -EEXIST;
	if (src)
		memcpy(vm->page, src, SEV_SNP_PAGE_SIZE);
	else
		memset(vm->page, 0, SEV_SNP_PAGE_SIZE);
	st = sev_sim_snp_launch_update(vm->fw, vm->gctx, &u);
	if (st) {
		*fw_error = st;
		if (type == KVM_SEV_SNP_PAGE_TYPE_CPUID &&
		    st == SEV_SIM_INVALID_PARAM)
			memcpy(src, vm->page, SEV_SNP_PAGE_SIZE);
		return -EIO;
	}
	if (dst && snp_writes_back(type))
		memcpy(dst, vm->page, SEV_SNP_PAGE_SIZE);
	return 0;
}

/*
 * Pages in order; a failure on the first page is -EIO with the firmware
 * status (0 if KVM refused it, e.g. an assigned page); a later failure
 * returns 0 with gfn_start/uaddr/len advanced past the pages done, so the
 * caller's next call reports it.  ZERO pages leave uaddr in place.
 */
static int op_snp_update(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct kvm_sev_snp_launch_update *p = (void *)(uintptr_t)cmd->data;
	uint8_t *user;
	uint64_t n, done = 0;
	uint32_t fw_error = 0;
	int rc = 0;

	if (!vm->snp_active || !vm->gctx)
		return -EINVAL;
	if (!p)
		return -EFAULT;
	rc = snp_update_args(p);
	if (rc)
		return rc;
	user = (uint8_t *)(uintptr_t)p->uaddr;
	n = p->len / SEV_SNP_PAGE_SIZE;
	for (; !rc && done < n; done += rc ? 0 : 1) {
		uint8_t *page = user ? user + done * SEV_SNP_PAGE_SIZE : NULL;
		bool zero = p->type == KVM_SEV_SNP_PAGE_TYPE_ZERO;

		rc = snp_update_page(vm, (p->gfn_start + done) << 12, p->type,
				     zero ? NULL : page, page, &fw_error);
	}
	if (rc && done == 0) {
		cmd->error = fw_error;
		return -EIO;
	}
	p->gfn_start += done;
	p->len -= done * SEV_SNP_PAGE_SIZE;
	if (p->type != KVM_SEV_SNP_PAGE_TYPE_ZERO)
		p->uaddr += done * SEV_SNP_PAGE_SIZE;
	return 0;
}

/* snp_launch_update_vmsa: every vCPU's VMSA, in order, at one GPA. */
static int snp_measure_vmsas(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct sev_sim_snp_update u = { .gpa = SEV_SNP_VMSA_GPA,
					.page = vm->page,
					.page_type = SEV_SNP_PAGE_VMSA };
	uint32_t st;

	/* Each SNP_LAUNCH_FINISH call measures them again, as KVM's does. */
	for (unsigned i = 0; i < vm->nr_vmsas; i++) {
		memcpy(vm->page, vm->vmsas[i], SEV_VMSA_SIZE);
		st = sev_sim_snp_launch_update(vm->fw, vm->gctx, &u);
		if (st)
			return fw_result(cmd, st);
	}
	return 0;
}

/* psp_copy_user_blob: an address and a length within 16 KiB. */
static int snp_finish_blobs(const struct kvm_sev_snp_launch_finish *p)
{
	if (!p->id_block_en)
		return 0;
	return p->id_block_uaddr && p->id_auth_uaddr ? 0 : -EINVAL;
}

static int op_snp_finish(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	const struct kvm_sev_snp_launch_finish *p = (void *)(uintptr_t)cmd->data;
	struct sev_sim_snp_finish f = { 0 };
	int rc;

	if (!vm->snp_active)
		return -ENOTTY;
	if (!vm->gctx)
		return -EINVAL;
	if (!p)
		return -EFAULT;
	if (p->flags)
		return -EINVAL;
	rc = snp_measure_vmsas(vm, cmd);
	if (!rc)
		rc = snp_finish_blobs(p);
	if (rc)
		return rc;
	f.id_block_en = p->id_block_en;
	f.auth_key_en = p->id_block_en && p->auth_key_en;
	f.vcek_disabled = p->vcek_disabled;
	f.id_block = p->id_block_en ? (const void *)(uintptr_t)p->id_block_uaddr
				    : NULL;
	f.id_auth = p->id_block_en ? (const void *)(uintptr_t)p->id_auth_uaddr
				   : NULL;
	memcpy(f.host_data, p->host_data, sizeof(f.host_data));
	return fw_result(cmd, sev_sim_snp_launch_finish(vm->fw, vm->gctx, &f));
}

static int snp_op(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	switch (cmd->id) {
	case SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START:
		return op_snp_start(vm, cmd);
	case SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE:
		return op_snp_update(vm, cmd);
	case SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH:
		return op_snp_finish(vm, cmd);
	default:
		return -EINVAL;
	}
}

int sev_simkvm_snp_report(const struct sev_simkvm *vm,
			  struct sev_sim_snp_report *out)
{
	if (!vm->gctx)
		return -ENOENT;
	return sev_sim_snp_report(vm->fw, vm->gctx, out);
}

int sev_simkvm_snp_measurement(const struct sev_simkvm *vm, uint8_t ld[48])
{
	struct sev_sim_snp_report r;
	int rc = sev_simkvm_snp_report(vm, &r);

	if (!rc)
		memcpy(ld, r.measurement, sizeof(r.measurement));
	return rc;
}

static int launch_op(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	switch (cmd->id) {
	case KVM_SEV_LAUNCH_START:
		return op_launch_start(vm, cmd);
	case KVM_SEV_LAUNCH_UPDATE_DATA:
		return op_update_data(vm, cmd);
	case KVM_SEV_LAUNCH_UPDATE_VMSA:
		return op_update_vmsa(vm, cmd);
	case KVM_SEV_LAUNCH_MEASURE:
		return op_measure(vm, cmd);
	case KVM_SEV_LAUNCH_SECRET:
		return op_secret(vm, cmd);
	case KVM_SEV_LAUNCH_FINISH:
		return fw_result(cmd, sev_sim_launch_finish(vm->fw, vm->handle));
	case KVM_SEV_GUEST_STATUS:
		return op_guest_status(vm, cmd);
	default:
		return -EINVAL;
	}
}

int sev_simkvm_encrypt_op(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	/* A NULL argument is KVM's "is SEV enabled" probe. */
	if (!cmd)
		return 0;
	/* An SNP guest takes SNP commands only (sev_mem_enc_ioctl). */
	if (vm->snp_active && cmd->id < SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START)
		return -EPERM;
	if (cmd->id >= SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START)
		return snp_op(vm, cmd);
	switch (cmd->id) {
	case KVM_SEV_INIT:
		return op_init(vm, cmd, false);
	case KVM_SEV_ES_INIT:
		return op_init(vm, cmd, true);
	case SEV_COMPAT_KVM_SEV_INIT2:
		return op_init2(vm, cmd);
	}
	if (cmd->id > SEV_COMPAT_KVM_SEV_INIT2)
		return -EINVAL;
	if (!vm->sev_active)
		return -ENOTTY;
	return launch_op(vm, cmd);
}

int sev_simkvm_reg_region(struct sev_simkvm *vm,
			  const struct kvm_enc_region *region)
{
	if (!vm->sev_active)
		return -ENOTTY;
	if (region->size == 0 || region->addr + region->size < region->addr)
		return -EINVAL;
	return 0;
}
