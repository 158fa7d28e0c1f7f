// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-SNP launch on the KVM backend, against the scripted system-call
 * layer of sev_script.h: the host probe, KVM_SEV_INIT2 on the SNP VM type,
 * SNP_LAUNCH_START, SNP_LAUNCH_UPDATE (KVM's partial progress, the CPUID
 * page the firmware corrects and the VMM resubmits) and SNP_LAUNCH_FINISH,
 * each with its exact payload; each step's failure names the command and
 * the firmware status, ends the launch and leaves no descriptor open; a
 * host without SNP refuses in one line.  No SNP hardware was available:
 * the payloads are checked against KVM's api.rst and QEMU's order.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sev/sev.h"
#include "sev/sev_host.h"
#include "sev/sev_uapi_compat.h"

#include "sev_script.h"

#define CODE_GPA	(0x100000000ULL - CODE_SIZE)
#define SECRETS_GPA	0x80A000ULL
#define CPUID_GPA	0x80B000ULL
#define ZERO_GPA	0x809000ULL
#define SNP_POLICY	0x30000u
#define SNP_TYPES	0x1fu		/* types 0-4: default, SW, SEV, ES, SNP */

static uint8_t id_block[96], id_auth[4096];

/* ---- payload checks ---------------------------------------------------- */

static void check_init2(void *arg)
{
	const struct sev_compat_kvm_sev_init *i = arg;
	static const struct sev_compat_kvm_sev_init zero;

	/* vmsa_features 0, flags 0, ghcb_version 0 (KVM picks 2 for SNP). */
	assert_memory_equal(i, &zero, sizeof(zero));
}

static void check_start(void *arg)
{
	const struct kvm_sev_snp_launch_start *s = arg;
	static const uint8_t zero[16];

	assert_int_equal(s->policy, SNP_POLICY);
	assert_memory_equal(s->gosvw, zero, sizeof(zero));
	assert_int_equal(s->flags, 0);
}

/* The update KVM is expected to see next, and how much of it KVM does. */
static struct {
	uint64_t gfn;
	void *uaddr;
	uint64_t len;
	uint8_t type;
	uint64_t done;		/* bytes KVM consumes this call */
} want;

static void check_update(void *arg)
{
	struct kvm_sev_snp_launch_update *u = arg;

	assert_int_equal(u->gfn_start, want.gfn);
	assert_ptr_equal((void *)(uintptr_t)u->uaddr, want.uaddr);
	assert_int_equal(u->len, want.len);
	assert_int_equal(u->type, want.type);
	assert_int_equal(u->flags, 0);
	assert_not_vars(u->uaddr, u->len);
	/* KVM writes its progress back (sev.c snp_launch_update()). */
	u->gfn_start += want.done / 4096;
	u->uaddr += want.done;
	u->len -= want.done;
}

static void expect_update(uint64_t gpa, void *hva, uint64_t len, uint8_t type,
			  uint64_t done)
{
	want.gfn = gpa / 4096;
	want.uaddr = hva;
	want.len = len;
	want.type = type;
	want.done = done;
}

/* CODE in two calls: half, then the rest. */
static int code_calls;

static void check_update_code(void *arg)
{
	if (code_calls++ == 0)
		expect_update(CODE_GPA, code, CODE_SIZE, KVM_SEV_SNP_PAGE_TYPE_NORMAL,
			      CODE_SIZE / 2);
	else
		expect_update(CODE_GPA + CODE_SIZE / 2, code + CODE_SIZE / 2,
			      CODE_SIZE / 2, KVM_SEV_SNP_PAGE_TYPE_NORMAL,
			      CODE_SIZE / 2);
	check_update(arg);
}

static void check_update_zero(void *arg)
{
	expect_update(ZERO_GPA, ram + ZERO_GPA % RAM_SIZE, 4096,
		      KVM_SEV_SNP_PAGE_TYPE_ZERO, 4096);
	check_update(arg);
}

static void check_update_secrets(void *arg)
{
	expect_update(SECRETS_GPA, ram + SECRETS_GPA % RAM_SIZE, 4096,
		      KVM_SEV_SNP_PAGE_TYPE_SECRETS, 4096);
	check_update(arg);
}

/* The firmware rejects the CPUID page: nothing consumed, the corrected
 * table written back into the page. */
static void check_update_cpuid_rejected(void *arg)
{
	expect_update(CPUID_GPA, ram + CPUID_GPA % RAM_SIZE, 4096,
		      KVM_SEV_SNP_PAGE_TYPE_CPUID, 0);
	check_update(arg);
	memset(ram + CPUID_GPA % RAM_SIZE, 0xC5, 16);
}

static void check_update_cpuid_again(void *arg)
{
	uint8_t corrected[16];

	memset(corrected, 0xC5, sizeof(corrected));
	assert_memory_equal(ram + CPUID_GPA % RAM_SIZE, corrected, 16);
	expect_update(CPUID_GPA, ram + CPUID_GPA % RAM_SIZE, 4096,
		      KVM_SEV_SNP_PAGE_TYPE_CPUID, 4096);
	check_update(arg);
}

/* A KVM that returns success without consuming anything. */
static void check_update_stuck(void *arg)
{
	expect_update(CODE_GPA, code, CODE_SIZE, KVM_SEV_SNP_PAGE_TYPE_NORMAL, 0);
	check_update(arg);
}

static bool expect_id_block, expect_author_key;

static void check_finish(void *arg)
{
	const struct kvm_sev_snp_launch_finish *f = arg;
	uint8_t host_data[32];

	for (int i = 0; i < 32; i++)
		host_data[i] = (uint8_t)(0x40 + i);
	assert_int_equal(f->id_block_en, expect_id_block);
	assert_int_equal(f->id_block_uaddr != 0, expect_id_block);
	assert_int_equal(f->id_auth_uaddr != 0, expect_id_block);
	if (expect_id_block) {	/* the library's copies, same bytes */
		assert_memory_equal((void *)(uintptr_t)f->id_block_uaddr, id_block, 96);
		assert_memory_equal((void *)(uintptr_t)f->id_auth_uaddr, id_auth, 4096);
	}
	/* An author key is in the structure (AUTH_KEY_ALGO non-zero). */
	assert_int_equal(f->auth_key_en, expect_author_key);
	assert_int_equal(f->vcek_disabled, 0);
	assert_memory_equal(f->host_data, host_data, 32);
	assert_int_equal(f->flags, 0);
}

/* ---- the script and the calls ------------------------------------------- */

enum {
	S_VM_TYPES, S_OPEN, S_STATUS, S_INIT, S_START, S_CODE1, S_CODE2,
	S_ZERO, S_SECRETS, S_CPUID1, S_CPUID2, S_FINISH, S_CLOSE,
};

static void push_snp_launch(void)
{
	struct step rejected = sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE,
				      check_update_cpuid_rejected);

	rejected.err = EIO;
	rejected.fw_error = SEV_RET_INVALID_PARAM;
	push_open(SNP_TYPES);
	push(sev_op(SEV_COMPAT_KVM_SEV_INIT2, check_init2));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, check_start));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, check_update_code));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, check_update_code));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, check_update_zero));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, check_update_secrets));
	push(rejected);
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, check_update_cpuid_again));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH, check_finish));
	push_close();
}

enum call { C_INIT, C_START, C_CODE, C_ZERO, C_SECRETS, C_CPUID, C_FINISH,
	    C_END };

static int do_call(struct sev *sev, enum call c)
{
	struct sev_vcpu_state st;

	switch (c) {
	case C_INIT: return sev_init(sev, VM_FD);
	case C_START: return sev_snp_launch_start(sev);
	case C_CODE:
		return sev_snp_launch_update(sev, CODE_GPA, code, CODE_SIZE,
					     KVM_SEV_SNP_PAGE_TYPE_NORMAL);
	case C_ZERO:
		return sev_snp_launch_update(sev, ZERO_GPA, ram + ZERO_GPA % RAM_SIZE,
					     4096, KVM_SEV_SNP_PAGE_TYPE_ZERO);
	case C_SECRETS:
		return sev_snp_launch_update(sev, SECRETS_GPA,
					     ram + SECRETS_GPA % RAM_SIZE, 4096,
					     KVM_SEV_SNP_PAGE_TYPE_SECRETS);
	case C_CPUID:
		return sev_snp_launch_update(sev, CPUID_GPA,
					     ram + CPUID_GPA % RAM_SIZE, 4096,
					     KVM_SEV_SNP_PAGE_TYPE_CPUID);
	case C_FINISH:
		sev_vcpu_reset_state(&st, 0, 0x00a10f11, 0);
		return sev_snp_launch_finish(sev, &st, 1);
	default:
		return -1;
	}
}

static void snp_config(struct sev_config *cfg, bool with_id_block)
{
	sev_config_init(cfg);
	cfg->mode = SEV_MODE_SNP;
	cfg->policy = SNP_POLICY;
	for (int i = 0; i < 32; i++)
		cfg->host_data[i] = (uint8_t)(0x40 + i);
	if (with_id_block) {
		cfg->id_block = id_block;
		cfg->id_block_len = sizeof(id_block);
		cfg->id_auth = id_auth;
		cfg->id_auth_len = sizeof(id_auth);
	}
	expect_id_block = expect_author_key = with_id_block;
}

static struct sev *open_snp(bool with_id_block)
{
	struct sev_config cfg;
	struct sev *sev;
	char err[256];

	snp_config(&cfg, with_id_block);
	assert_int_equal(sev_open(&cfg, KVM_FD, &sev, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	return sev;
}

static int setup(void **state)
{
	(void)state;
	script_start(CPU_AMD_SNP);
	code_calls = 0;
	memset(ram, 0, RAM_SIZE);
	memset(code, 0x90, CODE_SIZE);
	for (size_t i = 0; i < sizeof(id_block); i++)
		id_block[i] = (uint8_t)i;
	memset(id_auth, 0xA5, sizeof(id_auth));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	passthrough = true;
	script_end();
	return 0;
}

/* ---- cases ---------------------------------------------------------------- */

static void test_snp_kvm_launch_success(void **state)
{
	struct sev_measurement m;
	struct sev *sev;

	(void)state;
	push_snp_launch();
	sev = open_snp(true);
	assert_int_equal(sev_vm_type(sev), KVM_X86_SNP_VM);
	assert_true(sev_private_memory(sev));
	assert_false(sev_readonly_slots_allowed(sev));
	for (enum call c = C_INIT; c < C_END; c++)
		assert_int_equal(do_call(sev, c), 0);
	assert_string_equal(sev_last_error(sev), "");
	/* KVM has no MEASUREMENT to give: it is in the attestation report. */
	assert_int_equal(sev_snp_measurement(sev, &m), -EOPNOTSUPP);
	assert_true(m.snp);
	assert_int_equal(m.policy, SNP_POLICY);
	sev_close(sev);
	assert_script_done();
}

/* The firmware status of each failing step, and the call that meets it. */
static const struct {
	unsigned step;
	enum call call;
	int err;
	uint32_t fw_error;
	const char *message;
} failures[] = {
	{ S_INIT, C_INIT, EINVAL, 0, "SEV_INIT2 failed: Invalid argument" },
	{ S_START, C_START, EIO, SEV_RET_INVALID_PLATFORM_STATE,
	  "SNP_LAUNCH_START failed: INVALID_PLATFORM_STATE (0x1)" },
	{ S_START, C_START, EIO, SEV_RET_POLICY_FAILURE,
	  "SNP_LAUNCH_START failed: POLICY_FAILURE (0x7)" },
	{ S_CODE1, C_CODE, EIO, SEV_COMPAT_RET_INVALID_PAGE_STATE,
	  "SNP_LAUNCH_UPDATE failed: INVALID_PAGE_STATE (0x1a)" },
	{ S_CODE2, C_CODE, EFAULT, 0, "SNP_LAUNCH_UPDATE failed: Bad address" },
	{ S_SECRETS, C_SECRETS, EIO, SEV_COMPAT_RET_INVALID_PAGE_OWNER,
	  "SNP_LAUNCH_UPDATE failed: INVALID_PAGE_OWNER (0x1c)" },
	{ S_CPUID2, C_CPUID, EIO, SEV_RET_INVALID_PARAM,
	  "SNP_LAUNCH_UPDATE failed: INVALID_PARAM (0x16)" },
	{ S_FINISH, C_FINISH, EIO, SEV_RET_BAD_MEASUREMENT,
	  "SNP_LAUNCH_FINISH failed: BAD_MEASUREMENT (0xb)" },
	{ S_FINISH, C_FINISH, EIO, SEV_RET_BAD_SIGNATURE,
	  "SNP_LAUNCH_FINISH failed: BAD_SIGNATURE (0xa)" },
};

/*
 * The script up to the failing step, which fails; then the closing.  The
 * failed call returns the error, every later launch call -ECANCELED
 * without reaching KVM, and the message names the command and status.
 */
static void test_snp_kvm_step_fails(void **state)
{
	for (size_t f = 0; f < sizeof(failures) / sizeof(failures[0]); f++) {
		struct step steps[S_CLOSE + 1];
		struct sev *sev;
		int rc;

		setup(state);
		push_snp_launch();
		memcpy(steps, script, sizeof(steps));
		nsteps = 0;
		for (unsigned i = 0; i <= failures[f].step; i++)
			push(steps[i]);
		script[nsteps - 1].err = failures[f].err;
		script[nsteps - 1].fw_error = failures[f].fw_error;
		push(steps[S_CLOSE]);
		sev = open_snp(true);
		for (enum call c = C_INIT; c < failures[f].call; c++)
			assert_int_equal(do_call(sev, c), 0);
		rc = do_call(sev, failures[f].call);
		assert_int_equal(rc, -failures[f].err);
		assert_string_equal(sev_last_error(sev), failures[f].message);
		for (enum call c = failures[f].call + 1; c < C_END; c++)
			assert_int_equal(do_call(sev, c), -ECANCELED);
		sev_close(sev);
		assert_script_done();
		teardown(state);
	}
}

/* KVM answering 0 with the whole length left would loop forever. */
static void test_snp_kvm_update_without_progress(void **state)
{
	struct sev *sev;

	(void)state;
	push_open(SNP_TYPES);
	push(sev_op(SEV_COMPAT_KVM_SEV_INIT2, check_init2));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, check_start));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, check_update_stuck));
	push_close();
	sev = open_snp(false);
	assert_int_equal(do_call(sev, C_INIT), 0);
	assert_int_equal(do_call(sev, C_START), 0);
	assert_int_equal(do_call(sev, C_CODE), -EIO);
	assert_string_equal(sev_last_error(sev),
			    "SNP_LAUNCH_UPDATE made no progress at 0xffff0000");
	assert_int_equal(do_call(sev, C_FINISH), -ECANCELED);
	sev_close(sev);
	assert_script_done();
}

/* Without an ID block FINISH carries none; out-of-order calls and bad
 * ranges never reach KVM. */
static void test_snp_kvm_order_and_arguments(void **state)
{
	struct sev *sev;

	(void)state;
	push_open(SNP_TYPES);
	push(sev_op(SEV_COMPAT_KVM_SEV_INIT2, check_init2));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, check_start));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH, check_finish));
	push_close();
	sev = open_snp(false);
	assert_int_equal(do_call(sev, C_START), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_START out of order: "
			    "launch is opened, needs initialised");
	assert_int_equal(do_call(sev, C_INIT), 0);
	assert_int_equal(do_call(sev, C_CODE), -EINVAL);
	assert_int_equal(do_call(sev, C_START), 0);
	assert_int_equal(sev_snp_launch_update(sev, CODE_GPA + 1, code, 4096,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_UPDATE: range "
			    "0xffff0001+0x1000 is not whole 4 KiB pages");
	assert_int_equal(sev_snp_launch_update(sev, ~0xFFFull, code, 8192,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	assert_int_equal(sev_snp_launch_update(sev, CODE_GPA, code, 4096, 2), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_UPDATE: page type 2");
	/* A refused argument never reached the firmware: the launch goes on. */
	assert_int_equal(do_call(sev, C_FINISH), 0);
	assert_int_equal(do_call(sev, C_FINISH), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_FINISH out of order: "
			    "launch is finished, needs started");
	sev_close(sev);
	assert_script_done();
}

/* An ID block whose authentication carries no author key (AUTH_KEY_ALGO
 * 0): FINISH does not ask the firmware to check one. */
static void test_snp_kvm_id_block_without_author_key(void **state)
{
	struct sev *sev;

	(void)state;
	memset(id_auth + 4, 0, 4);
	push_open(SNP_TYPES);
	push(sev_op(SEV_COMPAT_KVM_SEV_INIT2, check_init2));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, check_start));
	push(sev_op(SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH, check_finish));
	push_close();
	sev = open_snp(true);
	expect_author_key = false;
	assert_int_equal(do_call(sev, C_INIT), 0);
	assert_int_equal(do_call(sev, C_START), 0);
	assert_int_equal(do_call(sev, C_FINISH), 0);
	sev_close(sev);
	assert_script_done();
}

/* A CPU without SNP, or a KVM without the SNP VM type: one line. */
static void test_snp_kvm_host_refusals(void **state)
{
	struct sev_config cfg;

	(void)state;
	snp_config(&cfg, false);
	cpu = CPU_AMD_SEV;
	push_open(SNP_TYPES);
	push_close();
	expect_open_fails(&cfg, -ENODEV, "SEV-SNP requested, but this host cannot: "
			  "CPUID 0x8000001f does not report SEV-SNP");
	cpu = CPU_AMD_SNP;
	push_open(0x0f);
	push_close();
	expect_open_fails(&cfg, -EOPNOTSUPP, "SEV-SNP requested, but this host cannot: "
			  "KVM cannot create VM type 4 for KVM_SEV_INIT2 "
			  "(KVM_CAP_VM_TYPES 0xf)");
	cpu = CPU_INTEL;
	push((struct step){ .op = OP_IOCTL, .fd = KVM_FD,
			    .req = KVM_CHECK_EXTENSION, .err = EINVAL });
	push((struct step){ .op = OP_OPEN, .err = ENOENT });
	expect_open_fails(&cfg, -ENODEV, "SEV-SNP requested, but this host cannot: "
			  "CPU 'GenuineIntel' has no CPUID leaf 0x8000001f; "
			  "/dev/sev: No such file or directory; "
			  "KVM cannot create VM type 4 for KVM_SEV_INIT2 "
			  "(KVM_CAP_VM_TYPES 0x1)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snp_kvm_launch_success, setup, teardown),
		cmocka_unit_test(test_snp_kvm_step_fails),
		cmocka_unit_test_setup_teardown(test_snp_kvm_update_without_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snp_kvm_order_and_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snp_kvm_id_block_without_author_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snp_kvm_host_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
