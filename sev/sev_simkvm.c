// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sev/sev.h"
#include "sev/sev_simkvm.h"
#include "sev/sev_uapi_compat.h"

/* KVM's GHCB protocol version for SEV-ES VMs created by INIT2. */
#define SIMKVM_GHCB_VERSION	2

struct sev_simkvm {
	struct sev_sim *fw;
	int vm_type;
	bool sev_active, es_active;
	uint32_t asid;
	uint32_t handle;	/* 0 until LAUNCH_START */
	const uint8_t (*vmsas)[SEV_VMSA_SIZE];
	unsigned nr_vmsas;
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

/* The first INIT brings the platform up (the ccp driver's job). */
static int platform_up(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	struct sev_sim_platform_status ps;

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

static int check_init2_args(const struct sev_simkvm *vm,
			    const struct sev_compat_kvm_sev_init *a)
{
	bool es = vm->vm_type == KVM_X86_SEV_ES_VM;

	if (a->flags || (a->vmsa_features & ~SEV_SIMKVM_VMSA_FEATURES))
		return -EINVAL;
	if (!es && (a->vmsa_features || a->ghcb_version))
		return -EINVAL;
	if (es && a->ghcb_version > SIMKVM_GHCB_VERSION)
		return -EINVAL;
	return 0;
}

static int op_init2(struct sev_simkvm *vm, struct kvm_sev_cmd *cmd)
{
	const struct sev_compat_kvm_sev_init *a = (const void *)(uintptr_t)cmd->data;
	int rc;

	if (vm->sev_active)
		return -EINVAL;
	if (vm->vm_type != KVM_X86_SEV_VM && vm->vm_type != KVM_X86_SEV_ES_VM)
		return -EINVAL;
	if (!a)
		return -EFAULT;
	rc = check_init2_args(vm, a);
	if (!rc)
		rc = platform_up(vm, cmd);
	if (rc)
		return rc;
	vm->sev_active = true;
	vm->es_active = vm->vm_type == KVM_X86_SEV_ES_VM;
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
