// SPDX-License-Identifier: Apache-2.0
/*
 * The model of KVM's SEV ioctl in front of the firmware model: the errno
 * conventions and argument checks of Linux arch/x86/kvm/svm/sev.c as
 * summarised in docs/sev-firmware-model.md section 5.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sev/sev.h"
#include "sev/sev_simkvm.h"
#include "sev/sev_uapi_compat.h"

struct fixture {
	struct sev_sim *fw;
	struct sev_simkvm *vm;
};

static int make(void **state, int vm_type)
{
	static struct fixture f;
	struct sev_sim_params p = { .api_major = 1, .api_minor = 55,
				    .build = 25, .es_capable = true };

	assert_int_equal(sev_sim_create(&p, &f.fw), 0);
	assert_int_equal(sev_simkvm_create(f.fw, vm_type, &f.vm), 0);
	*state = &f;
	return 0;
}

static int setup_default(void **state)
{
	return make(state, KVM_X86_DEFAULT_VM);
}

static int setup_es_type(void **state)
{
	return make(state, KVM_X86_SEV_ES_VM);
}

static int setup_sev_type(void **state)
{
	return make(state, KVM_X86_SEV_VM);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sev_simkvm_destroy(f->vm);
	sev_sim_destroy(f->fw);
	return 0;
}

/* One KVM_MEMORY_ENCRYPT_OP; (*fw_error) gets kvm_sev_cmd.error. */
static int op(struct sev_simkvm *vm, uint32_t id, void *data,
	      uint32_t *fw_error)
{
	struct kvm_sev_cmd cmd = { .id = id, .data = (uintptr_t)data };
	int rc = sev_simkvm_encrypt_op(vm, &cmd);

	*fw_error = cmd.error;
	return rc;
}

static void test_sev_simkvm_before_init(void **state)
{
	struct fixture *f = *state;
	struct kvm_sev_launch_start ls = { 0 };
	struct kvm_enc_region r = { .addr = 0x1000, .size = 0x1000 };
	uint32_t e;

	assert_int_equal(sev_simkvm_encrypt_op(f->vm, NULL), 0);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_START, &ls, &e), -ENOTTY);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_FINISH, NULL, &e), -ENOTTY);
	assert_int_equal(sev_simkvm_reg_region(f->vm, &r), -ENOTTY);
	assert_int_equal(op(f->vm, 99, NULL, &e), -EINVAL);
	/* INIT2 is for the SEV VM types only. */
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &ls, &e),
			 -EINVAL);
	assert_int_equal(op(f->vm, KVM_SEV_ES_INIT, NULL, &e), 0);
	assert_int_equal(op(f->vm, KVM_SEV_INIT, NULL, &e), -EINVAL);
	assert_int_equal(op(f->vm, KVM_SEV_ES_INIT, NULL, &e), -EINVAL);
	/* Modelled launch commands only. */
	assert_int_equal(op(f->vm, KVM_SEV_SEND_START, NULL, &e), -EINVAL);
	r.size = 0;
	assert_int_equal(sev_simkvm_reg_region(f->vm, &r), -EINVAL);
	r.size = 0x1000;
	assert_int_equal(sev_simkvm_reg_region(f->vm, &r), 0);
}

static void test_sev_simkvm_legacy_init_on_sev_type(void **state)
{
	struct fixture *f = *state;
	uint32_t e;

	assert_int_equal(op(f->vm, KVM_SEV_INIT, NULL, &e), -EINVAL);
}

static void test_sev_simkvm_init2_args(void **state)
{
	struct fixture *f = *state;
	struct sev_compat_kvm_sev_init a;
	uint32_t e;

	memset(&a, 0, sizeof(a));
	a.flags = 1;
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), -EINVAL);
	a.flags = 0;
	a.ghcb_version = 3;
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), -EINVAL);
	a.ghcb_version = 0;
	a.vmsa_features = 1;	/* not a feature the model offers */
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), -EINVAL);
	a.vmsa_features = SEV_SIMKVM_VMSA_FEATURES;
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, NULL, &e), -EFAULT);
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), 0);
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), -EINVAL);
}

static void test_sev_simkvm_init2_plain_sev(void **state)
{
	struct fixture *f = *state;
	struct sev_compat_kvm_sev_init a;
	uint32_t e;

	memset(&a, 0, sizeof(a));
	a.ghcb_version = 2;	/* must be 0 for plain SEV */
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), -EINVAL);
	a.ghcb_version = 0;
	assert_int_equal(op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &a, &e), 0);
	/* Not an SEV-ES VM: no VMSA. */
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL, &e),
			 -ENOTTY);
}

static void start(struct fixture *f, uint32_t policy)
{
	struct kvm_sev_launch_start ls = { .policy = policy };
	uint32_t e;

	assert_int_equal(op(f->vm, KVM_SEV_ES_INIT, NULL, &e), 0);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_START, &ls, &e), 0);
	assert_int_equal(ls.handle, 1);
}

static void test_sev_simkvm_launch_start_blobs(void **state)
{
	struct fixture *f = *state;
	static uint8_t blob[SEV_BLOB_MAX + 1];
	struct kvm_sev_launch_start ls = { .policy = SEV_POLICY_ES };
	uint32_t e;

	assert_int_equal(op(f->vm, KVM_SEV_ES_INIT, NULL, &e), 0);
	ls.dh_uaddr = (uintptr_t)blob;
	ls.dh_len = 0;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_START, &ls, &e), -EINVAL);
	ls.dh_len = SEV_BLOB_MAX + 1;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_START, &ls, &e), -EINVAL);
	/* Right size for KVM, wrong for the firmware (needs 2084). */
	ls.dh_len = 100;
	ls.session_uaddr = (uintptr_t)blob;
	ls.session_len = SEV_SESSION_SIZE;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_START, &ls, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_LENGTH);
}

/* The length query and its corner cases. */
static void test_sev_simkvm_measure_length(void **state)
{
	struct fixture *f = *state;
	static _Alignas(16) uint8_t data[64];
	struct kvm_sev_launch_update_data u = { .uaddr = (uintptr_t)data,
						.len = 64 };
	struct kvm_sev_launch_measure m = { 0 };
	uint8_t blob[64];
	uint32_t e;

	start(f, SEV_POLICY_ES);
	u.len = 0;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_UPDATE_DATA, &u, &e),
			 -EINVAL);
	u.len = 64;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_UPDATE_DATA, &u, &e), 0);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_MEASURE, &m, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_LENGTH);
	assert_int_equal(m.len, 48);
	/* A buffer but too short: told 48. */
	m.uaddr = (uintptr_t)blob;
	m.len = 10;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_MEASURE, &m, &e), -EIO);
	assert_int_equal(m.len, 48);
	/* A length but no buffer: the firmware sees 0, len not written. */
	m.uaddr = 0;
	m.len = 100;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_MEASURE, &m, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_LENGTH);
	assert_int_equal(m.len, 100);
	m.len = SEV_BLOB_MAX + 1;
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_MEASURE, &m, &e), -EINVAL);
	/* Bigger than needed: 48 bytes of blob, the rest zeroed. */
	memset(blob, 0xee, sizeof(blob));
	m.uaddr = (uintptr_t)blob;
	m.len = sizeof(blob);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_MEASURE, &m, &e), 0);
	assert_int_equal(m.len, sizeof(blob));
	for (size_t i = 48; i < sizeof(blob); i++)
		assert_int_equal(blob[i], 0);
}

/* Two VMs on one platform with the same SEV-ES ASID: ACTIVATE refuses. */
static void test_sev_simkvm_asid_conflict_and_teardown(void **state)
{
	struct fixture *f = *state;
	struct kvm_sev_launch_start ls = { .policy = SEV_POLICY_ES };
	struct sev_sim_platform_status ps;
	struct sev_simkvm *vm2;
	uint32_t e;

	start(f, SEV_POLICY_ES);
	assert_int_equal(sev_simkvm_create(f->fw, KVM_X86_DEFAULT_VM, &vm2), 0);
	assert_int_equal(op(vm2, KVM_SEV_ES_INIT, NULL, &e), 0);
	assert_int_equal(op(vm2, KVM_SEV_LAUNCH_START, &ls, &e), -EIO);
	assert_int_equal(e, SEV_SIM_ASID_OWNED);
	assert_int_equal(ls.handle, 0);
	/* KVM decommissioned the half-made guest. */
	assert_int_equal(sev_sim_platform_status(f->fw, &ps), 0);
	assert_int_equal(ps.guest_count, 1);
	sev_simkvm_destroy(vm2);
	/* Tearing down the first VM frees its guest: platform back to INIT. */
	sev_simkvm_destroy(f->vm);
	f->vm = NULL;
	assert_int_equal(sev_sim_platform_status(f->fw, &ps), 0);
	assert_int_equal(ps.guest_count, 0);
	assert_int_equal(ps.state, SEV_SIM_PLATFORM_INIT);
}

static void test_sev_simkvm_vmsas_in_order(void **state)
{
	struct fixture *f = *state;
	static _Alignas(16) uint8_t pages[2][SEV_VMSA_SIZE];
	struct kvm_sev_launch_measure m = { 0 };
	uint8_t blob[48];
	uint32_t e;

	start(f, SEV_POLICY_ES);
	memset(pages[0], 1, SEV_VMSA_SIZE);
	memset(pages[1], 2, SEV_VMSA_SIZE);
	sev_simkvm_set_vmsas(f->vm, (const void *)pages, 2);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL, &e), 0);
	assert_int_equal(sev_sim_digest_bytes(f->fw, 1), 2 * SEV_VMSA_SIZE);
	m.uaddr = (uintptr_t)blob;
	m.len = sizeof(blob);
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_MEASURE, &m, &e), 0);
	/* After MEASURE, the firmware refuses more VMSAs. */
	assert_int_equal(op(f->vm, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_GUEST_STATE);
}

static void test_sev_simkvm_guest_status(void **state)
{
	struct fixture *f = *state;
	struct kvm_sev_guest_status gs = { 0 };
	uint32_t e;

	start(f, SEV_POLICY_ES | SEV_POLICY_NOSEND);
	assert_int_equal(op(f->vm, KVM_SEV_GUEST_STATUS, &gs, &e), 0);
	assert_int_equal(gs.handle, 1);
	assert_int_equal(gs.policy, SEV_POLICY_ES | SEV_POLICY_NOSEND);
	assert_int_equal(gs.state, SEV_SIM_GUEST_LUPDATE);
	assert_int_equal(op(f->vm, KVM_SEV_GUEST_STATUS, NULL, &e), -EFAULT);
}

#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sev_simkvm_before_init, setup_default),
		T(test_sev_simkvm_legacy_init_on_sev_type, setup_sev_type),
		T(test_sev_simkvm_init2_args, setup_es_type),
		T(test_sev_simkvm_init2_plain_sev, setup_sev_type),
		T(test_sev_simkvm_launch_start_blobs, setup_default),
		T(test_sev_simkvm_measure_length, setup_default),
		T(test_sev_simkvm_asid_conflict_and_teardown, setup_default),
		T(test_sev_simkvm_vmsas_in_order, setup_default),
		T(test_sev_simkvm_guest_status, setup_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
