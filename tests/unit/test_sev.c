// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV launch on the KVM backend, against a scripted system-call layer
 * (-Wl,--wrap=ioctl,--wrap=open,--wrap=close and --wrap=sev_host_cpuid,
 * see test_sev.ldflags).  Every open, close and ioctl the library makes
 * must be the next step of the script, with the expected fd, request, SEV
 * command id and payload; the addresses and lengths must cover exactly
 * the CODE copy, and no payload may touch the VARS buffer.  Each step's
 * failure must end the launch with the command and firmware status named,
 * and leave no descriptor open (LeakSanitizer checks the memory).
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

static void check_region(void *arg, const void *base, uint64_t size)
{
	struct kvm_enc_region *r = arg;

	assert_ptr_equal((void *)(uintptr_t)r->addr, base);
	assert_int_equal(r->size, size);
	assert_not_vars(r->addr, r->size);
}

static void check_reg_ram(void *arg) { check_region(arg, ram, RAM_SIZE); }
static void check_reg_code(void *arg) { check_region(arg, code, CODE_SIZE); }

static uint32_t expect_policy = SEV_POLICY_ES | SEV_POLICY_NODBG;

static void check_start(void *arg)
{
	struct kvm_sev_launch_start *ls = arg;

	assert_int_equal(ls->handle, 0);
	assert_int_equal(ls->policy, expect_policy);
	assert_int_equal(ls->dh_uaddr, 0);
	assert_int_equal(ls->dh_len, 0);
	assert_int_equal(ls->session_uaddr, 0);
	assert_int_equal(ls->session_len, 0);
	ls->handle = HANDLE;
}

static void check_update_data(void *arg)
{
	struct kvm_sev_launch_update_data *u = arg;

	assert_ptr_equal((void *)(uintptr_t)u->uaddr, code);
	assert_int_equal(u->len, CODE_SIZE);
	assert_not_vars(u->uaddr, u->len);
}

static void check_measure_query(void *arg)
{
	struct kvm_sev_launch_measure *m = arg;

	assert_int_equal(m->uaddr, 0);
	assert_int_equal(m->len, 0);
	m->len = 48;
}

static void check_measure_query_refused(void *arg)
{
	struct kvm_sev_launch_measure *m = arg;

	assert_int_equal(m->len, 0);
}

static void check_measure(void *arg)
{
	struct kvm_sev_launch_measure *m = arg;
	uint8_t *blob = (void *)(uintptr_t)m->uaddr;

	assert_non_null(blob);
	assert_int_equal(m->len, 48);
	for (int i = 0; i < 48; i++)
		blob[i] = (uint8_t)i;
}

static uint8_t secret_hdr[52], secret_payload[64];

static void check_secret(void *arg)
{
	struct kvm_sev_launch_secret *s = arg;

	assert_ptr_equal((void *)(uintptr_t)s->hdr_uaddr, secret_hdr);
	assert_int_equal(s->hdr_len, 52);
	assert_ptr_equal((void *)(uintptr_t)s->guest_uaddr, ram + 0x1000);
	assert_int_equal(s->guest_len, 64);
	assert_ptr_equal((void *)(uintptr_t)s->trans_uaddr, secret_payload);
	assert_int_equal(s->trans_len, 64);
	assert_not_vars(s->guest_uaddr, s->guest_len);
}

/* ---- script builders ---------------------------------------------- */

/* The whole SEV-ES launch; indices are referred to by the failure tests. */
enum {
	S_VM_TYPES, S_OPEN, S_STATUS, S_INIT, S_REG_RAM, S_REG_CODE, S_START,
	S_DATA, S_VMSA, S_MEASURE_QUERY, S_MEASURE, S_SECRET, S_FINISH,
	S_CLOSE,
};

static void push_es_launch(void)
{
	struct step query = sev_op(KVM_SEV_LAUNCH_MEASURE, check_measure_query);

	/* KVM answers the length query with -EIO and INVALID_LENGTH. */
	query.err = EIO;
	query.fw_error = SEV_RET_INVALID_LEN;
	push_open(1u << KVM_X86_DEFAULT_VM);
	push(sev_op(KVM_SEV_ES_INIT, NULL));
	push((struct step){ .op = OP_IOCTL, .fd = VM_FD,
			    .req = KVM_MEMORY_ENCRYPT_REG_REGION,
			    .check = check_reg_ram });
	push((struct step){ .op = OP_IOCTL, .fd = VM_FD,
			    .req = KVM_MEMORY_ENCRYPT_REG_REGION,
			    .check = check_reg_code });
	push(sev_op(KVM_SEV_LAUNCH_START, check_start));
	push(sev_op(KVM_SEV_LAUNCH_UPDATE_DATA, check_update_data));
	push(sev_op(KVM_SEV_LAUNCH_UPDATE_VMSA, NULL));
	push(query);
	push(sev_op(KVM_SEV_LAUNCH_MEASURE, check_measure));
	push(sev_op(KVM_SEV_LAUNCH_SECRET, check_secret));
	push(sev_op(KVM_SEV_LAUNCH_FINISH, NULL));
	push_close();
}

/* ---- the launch, as the VMM core will drive it ------------------------ */

enum call {
	C_INIT, C_REG_RAM, C_REG_CODE, C_START, C_DATA, C_VMSA, C_MEASURE,
	C_SECRET, C_FINISH, C_END,
};

static struct sev_measurement measured;

static int do_call(struct sev *sev, enum call c)
{
	struct sev_vcpu_state st;

	switch (c) {
	case C_INIT: return sev_init(sev, VM_FD);
	case C_REG_RAM: return sev_register_region(sev, ram, RAM_SIZE);
	case C_REG_CODE: return sev_register_region(sev, code, CODE_SIZE);
	case C_START: return sev_launch_start(sev);
	case C_DATA: return sev_launch_update_data(sev, code, CODE_SIZE);
	case C_VMSA:
		sev_vcpu_reset_state(&st, 0, 0x800f12, 0);
		return sev_launch_update_vmsa(sev, &st.regs, &st.sregs,
					      &st.fpu, st.xcr0);
	case C_MEASURE: return sev_launch_measure(sev, &measured);
	case C_SECRET:
		return sev_launch_secret(sev, secret_hdr, 52, ram + 0x1000, 64,
					 secret_payload, 64);
	case C_FINISH: return sev_launch_finish(sev);
	default: return -1;
	}
}

static void es_config(struct sev_config *cfg)
{
	sev_config_init(cfg);
	cfg->mode = SEV_MODE_SEV_ES;
	cfg->policy = SEV_POLICY_ES | SEV_POLICY_NODBG;
}

static struct sev *open_es(void)
{
	struct sev_config cfg;
	struct sev *sev;
	char err[256];

	es_config(&cfg);
	assert_int_equal(sev_open(&cfg, KVM_FD, &sev, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	return sev;
}


static int setup(void **state)
{
	(void)state;
	script_start(CPU_AMD_SEV);
	expect_policy = SEV_POLICY_ES | SEV_POLICY_NODBG;
	memset(&measured, 0, sizeof(measured));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	script_end();
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

static void test_sev_kvm_es_launch_success(void **state)
{
	struct sev *sev;
	struct kvm_cpuid_entry2 leaf;

	(void)state;
	push_es_launch();
	sev = open_es();
	assert_int_equal(sev_vm_type(sev), KVM_X86_DEFAULT_VM);
	assert_true(sev_readonly_slots_allowed(sev));
	for (enum call c = C_INIT; c < C_END; c++)
		assert_int_equal(do_call(sev, c), 0);
	assert_string_equal(sev_last_error(sev), "");
	for (int i = 0; i < 32; i++)
		assert_int_equal(measured.measure[i], i);
	for (int i = 0; i < 16; i++)
		assert_int_equal(measured.mnonce[i], 32 + i);
	assert_int_equal(measured.api_major, 1);
	assert_int_equal(measured.api_minor, 51);
	assert_int_equal(measured.build, 3);
	assert_int_equal(measured.policy, SEV_POLICY_ES | SEV_POLICY_NODBG);
	assert_int_equal(sev_guest_cpuid(sev, &leaf), 0);
	assert_int_equal(leaf.function, 0x8000001f);
	assert_int_equal(leaf.eax, 0xa);
	assert_int_equal(leaf.ebx, 51 | 1 << 6);
	assert_int_equal(sev_sim_launch_digest(sev, measured.measure),
			 -EOPNOTSUPP);
	sev_close(sev);
	assert_script_done();
}

struct failure_case {
	unsigned step;		/* script index that fails */
	enum call call;		/* API call that makes it */
	int err;
	uint32_t fw_error;
	void (*check)(void *);	/* replacement payload check, or NULL */
	int rc;
	const char *message;
};

static const struct failure_case failures[] = {
	{ S_INIT, C_INIT, EIO, 0x01, NULL, -EIO,
	  "SEV_ES_INIT failed: INVALID_PLATFORM_STATE (0x1)" },
	{ S_INIT, C_INIT, EBUSY, 0, NULL, -EBUSY,
	  "SEV_ES_INIT failed: Device or resource busy" },
	{ S_REG_RAM, C_REG_RAM, ENOMEM, 0, NULL, -ENOMEM,
	  "KVM_MEMORY_ENCRYPT_REG_REGION failed: Cannot allocate memory "
	  "(RLIMIT_MEMLOCK too low?)" },
	{ S_START, C_START, EIO, 0x07, NULL, -EIO,
	  "LAUNCH_START failed: POLICY_FAILURE (0x7)" },
	{ S_START, C_START, EBADF, 0, NULL, -EBADF,
	  "LAUNCH_START failed: Bad file descriptor" },
	{ S_DATA, C_DATA, EIO, 0x09, NULL, -EIO,
	  "LAUNCH_UPDATE_DATA failed: INVALID_ADDRESS (0x9)" },
	{ S_VMSA, C_VMSA, EIO, 0x15, NULL, -EIO,
	  "LAUNCH_UPDATE_VMSA failed: UNSUPPORTED (0x15)" },
	{ S_MEASURE_QUERY, C_MEASURE, EIO, 0x02, check_measure_query_refused,
	  -EIO, "LAUNCH_MEASURE failed: INVALID_GUEST_STATE (0x2)" },
	{ S_MEASURE, C_MEASURE, EIO, 0x13, NULL, -EIO,
	  "LAUNCH_MEASURE failed: HWERROR_PLATFORM (0x13)" },
	{ S_SECRET, C_SECRET, EIO, 0x0b, NULL, -EIO,
	  "LAUNCH_SECRET failed: BAD_MEASUREMENT (0xb)" },
	{ S_FINISH, C_FINISH, EIO, 0x14, NULL, -EIO,
	  "LAUNCH_FINISH failed: HWERROR_UNSAFE (0x14)" },
};

/* Everything up to the failing step, the failure, then only the close. */
static void test_sev_kvm_es_launch_step_fails(void **state)
{
	const struct failure_case *fc = *state;
	struct sev *sev;

	push_es_launch();
	script[fc->step].err = fc->err;
	script[fc->step].fw_error = fc->fw_error;
	if (fc->check)
		script[fc->step].check = fc->check;
	nsteps = fc->step + 1;
	push_close();
	sev = open_es();
	for (enum call c = C_INIT; c < fc->call; c++)
		assert_int_equal(do_call(sev, c), 0);
	assert_int_equal(do_call(sev, fc->call), fc->rc);
	assert_string_equal(sev_last_error(sev), fc->message);
	/* The launch is over: no further call reaches KVM. */
	for (enum call c = fc->call + 1; c < C_END; c++)
		assert_int_equal(do_call(sev, c), -ECANCELED);
	assert_int_equal(do_call(sev, fc->call), -ECANCELED);
	sev_close(sev);
	assert_script_done();
}

static int failure_setup(void **state)
{
	return setup(state);
}

static void test_sev_kvm_sev_launch_without_vmsa(void **state)
{
	struct sev_config cfg;
	struct sev *sev;
	char err[128];

	(void)state;
	expect_policy = SEV_POLICY_NODBG;
	push_open(1);
	push(sev_op(KVM_SEV_INIT, NULL));
	push((struct step){ .op = OP_IOCTL, .fd = VM_FD,
			    .req = KVM_MEMORY_ENCRYPT_REG_REGION,
			    .check = check_reg_code });
	push(sev_op(KVM_SEV_LAUNCH_START, check_start));
	push(sev_op(KVM_SEV_LAUNCH_UPDATE_DATA, check_update_data));
	script[nsteps] = sev_op(KVM_SEV_LAUNCH_MEASURE, check_measure_query);
	script[nsteps].err = EIO;
	script[nsteps++].fw_error = SEV_RET_INVALID_LEN;
	push(sev_op(KVM_SEV_LAUNCH_MEASURE, check_measure));
	push(sev_op(KVM_SEV_LAUNCH_FINISH, NULL));
	push_close();

	sev_config_init(&cfg);
	cfg.mode = SEV_MODE_SEV;
	cfg.policy = SEV_POLICY_NODBG;
	assert_int_equal(sev_open(&cfg, KVM_FD, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_init(sev, VM_FD), 0);
	assert_int_equal(sev_register_region(sev, code, CODE_SIZE), 0);
	assert_int_equal(sev_launch_start(sev), 0);
	assert_int_equal(sev_launch_update_data(sev, code, CODE_SIZE), 0);
	/* Plain SEV has no VMSA to update. */
	assert_int_equal(do_call(sev, C_VMSA), -EINVAL);
	assert_string_equal(sev_last_error(sev),
			    "LAUNCH_UPDATE_VMSA is for SEV-ES only");
	assert_int_equal(sev_launch_measure(sev, &measured), 0);
	assert_int_equal(sev_launch_finish(sev), 0);
	sev_close(sev);
	assert_script_done();
}

/* Calls out of order, or over VARS, are refused before any ioctl. */
static void test_sev_kvm_order_and_ranges_enforced(void **state)
{
	struct sev *sev;

	(void)state;
	push_es_launch();
	sev = open_es();
	assert_int_equal(sev_launch_start(sev), -EINVAL);
	assert_string_equal(sev_last_error(sev), "LAUNCH_START out of order: "
			    "launch is opened, needs initialised");
	assert_int_equal(sev_register_region(sev, ram, RAM_SIZE), -EINVAL);
	assert_int_equal(do_call(sev, C_INIT), 0);
	assert_int_equal(sev_init(sev, VM_FD), -EINVAL);
	assert_int_equal(sev_register_region(sev, NULL, 4096), -EINVAL);
	assert_int_equal(sev_register_region(sev, ram, 0), -EINVAL);
	assert_int_equal(sev_register_region(sev, (void *)~0xfffUL, 0x2000),
			 -EINVAL);
	assert_int_equal(do_call(sev, C_REG_RAM), 0);
	assert_int_equal(do_call(sev, C_REG_CODE), 0);
	assert_int_equal(do_call(sev, C_DATA), -EINVAL);
	assert_int_equal(do_call(sev, C_START), 0);
	assert_int_equal(sev_launch_update_data(sev, vars, VARS_SIZE), -EINVAL);
	assert_string_equal(sev_last_error(sev), "LAUNCH_UPDATE_DATA: range is "
			    "not inside a registered encrypted region");
	assert_int_equal(sev_launch_update_data(sev, code + 8, 64), -EINVAL);
	assert_int_equal(sev_launch_update_data(sev, code, 24), -EINVAL);
	assert_int_equal(sev_launch_update_data(sev, code, CODE_SIZE + 16),
			 -EINVAL);
	assert_int_equal(sev_launch_measure(sev, &measured), -EINVAL);
	assert_string_equal(sev_last_error(sev), "LAUNCH_MEASURE out of order: "
			    "launch is started, needs VMSA-updated");
	assert_int_equal(sev_launch_finish(sev), -EINVAL);
	assert_int_equal(sev_launch_update_vmsas(sev, NULL, 1), -EINVAL);
	/* None of that cost the launch: it completes. */
	for (enum call c = C_DATA; c < C_END; c++)
		assert_int_equal(do_call(sev, c), 0);
	assert_int_equal(sev_launch_update_data(sev, code, CODE_SIZE), -EINVAL);
	sev_close(sev);
	assert_script_done();
}

static void check_init2(void *arg)
{
	struct sev_compat_kvm_sev_init *a = arg;
	static const uint32_t zero[8];

	assert_int_equal(a->vmsa_features, 0x20);
	assert_int_equal(a->flags, 0);
	assert_int_equal(a->ghcb_version, 0);
	assert_memory_equal(a->pad2, zero, sizeof(zero));
}

static void test_sev_kvm_init2(void **state)
{
	struct sev_config cfg;
	struct sev *sev;
	char err[128];

	(void)state;
	push_open(0x1d);
	push(sev_op(SEV_COMPAT_KVM_SEV_INIT2, check_init2));
	push_close();
	es_config(&cfg);
	cfg.use_init2 = true;
	cfg.vmsa_features = 0x20;
	assert_int_equal(sev_open(&cfg, KVM_FD, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_vm_type(sev), KVM_X86_SEV_ES_VM);
	assert_false(sev_readonly_slots_allowed(sev));
	assert_int_equal(sev_init(sev, VM_FD), 0);
	sev_close(sev);
	assert_script_done();
}

static void test_sev_kvm_init2_plain_sev_type(void **state)
{
	struct sev_config cfg;
	struct sev *sev;
	char err[128];

	(void)state;
	push_open(0x1d);
	push_close();
	sev_config_init(&cfg);
	cfg.mode = SEV_MODE_SEV;
	cfg.use_init2 = true;
	assert_int_equal(sev_open(&cfg, KVM_FD, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_vm_type(sev), KVM_X86_SEV_VM);
	assert_true(sev_readonly_slots_allowed(sev));
	sev_close(sev);
	assert_script_done();
}

/* A host without SEV: refused with the reasons, nothing left open. */
static void test_sev_kvm_host_without_sev(void **state)
{
	struct sev_config cfg;

	(void)state;
	cpu = CPU_INTEL;
	push((struct step){ .op = OP_IOCTL, .fd = KVM_FD,
			    .req = KVM_CHECK_EXTENSION, .ret = 1 });
	push((struct step){ .op = OP_OPEN, .err = ENOENT });
	sev_config_init(&cfg);
	cfg.mode = SEV_MODE_SEV;
	expect_open_fails(&cfg, -ENODEV, "SEV requested, but this host cannot: "
			  "CPU 'GenuineIntel' has no CPUID leaf 0x8000001f; "
			  "/dev/sev: No such file or directory");
}

static void test_sev_kvm_dev_sev_denied(void **state)
{
	struct sev_config cfg;

	(void)state;
	push((struct step){ .op = OP_IOCTL, .fd = KVM_FD,
			    .req = KVM_CHECK_EXTENSION, .ret = 1 });
	push((struct step){ .op = OP_OPEN, .err = EACCES });
	es_config(&cfg);
	expect_open_fails(&cfg, -ENODEV, "SEV-ES requested, but this host "
			  "cannot: /dev/sev: Permission denied");
}

static void test_sev_kvm_platform_status_fails(void **state)
{
	struct sev_config cfg;

	(void)state;
	push_open(1);
	script[S_STATUS].err = EIO;
	script[S_STATUS].fw_error = 0x13;
	push_close();
	es_config(&cfg);
	expect_open_fails(&cfg, -EIO, "SEV-ES requested, but this host cannot: "
			  "SEV_PLATFORM_STATUS failed: Input/output error "
			  "(firmware HWERROR_PLATFORM)");
}

static void test_sev_kvm_firmware_without_es(void **state)
{
	struct sev_config cfg;

	(void)state;
	platform_flags = 0;
	push_open(1);
	push_close();
	es_config(&cfg);
	expect_open_fails(&cfg, -EOPNOTSUPP, "SEV-ES requested, but this host "
			  "cannot: SEV firmware is not configured for SEV-ES");
}

static void test_sev_kvm_init2_needs_vm_type(void **state)
{
	struct sev_config cfg;

	(void)state;
	push_open(1);
	push_close();
	es_config(&cfg);
	cfg.use_init2 = true;
	expect_open_fails(&cfg, -EOPNOTSUPP, "SEV-ES requested, but this host "
			  "cannot: KVM cannot create VM type 3 for "
			  "KVM_SEV_INIT2 (KVM_CAP_VM_TYPES 0x1)");
}

/* Bad configurations never touch the host. */
static void test_sev_config_rejected(void **state)
{
	static uint8_t cert[SEV_DH_CERT_SIZE], session[SEV_SESSION_SIZE];
	struct sev_config cfg;

	(void)state;
	sev_config_init(&cfg);
	expect_open_fails(&cfg, -EINVAL, "no SEV mode requested");
	cfg.mode = SEV_MODE_SNP;
	expect_open_fails(&cfg, -EINVAL, "SEV-SNP policy needs bit 17 set (e.g. 0x30000)");
	cfg.policy = 0x30000;
	cfg.id_block = cert;
	cfg.id_block_len = 96;
	expect_open_fails(&cfg, -EINVAL, "an ID block goes with its authentication structure");
	cfg.id_auth = session;
	cfg.id_auth_len = sizeof(session);
	expect_open_fails(&cfg, -EINVAL, "ID block must be 96 bytes, its authentication 4096");
	cfg.id_block = cfg.id_auth = NULL;
	cfg.dh_cert = cert;
	cfg.dh_cert_len = sizeof(cert);
	expect_open_fails(&cfg, -EINVAL, "SEV-SNP takes no DH certificate or session");
	cfg.dh_cert = NULL;
	cfg.policy = 0;
	cfg.mode = SEV_MODE_SEV_ES;
	expect_open_fails(&cfg, -EINVAL, "SEV-ES needs policy bit 2 (ES) set");
	cfg.mode = SEV_MODE_SEV;
	cfg.policy = SEV_POLICY_ES;
	expect_open_fails(&cfg, -EINVAL,
			  "policy bit 2 (ES) asks for SEV-ES, not SEV");
	cfg.policy = 1u << 8;
	expect_open_fails(&cfg, -EINVAL,
			  "policy bits 6-15 are reserved and must be 0");
	cfg.policy = 0;
	cfg.vmsa_features = 1;
	expect_open_fails(&cfg, -EINVAL,
			  "VMSA features need SEV-ES with KVM_SEV_INIT2");
	cfg.vmsa_features = 0;
	cfg.dh_cert = cert;
	cfg.dh_cert_len = sizeof(cert);
	expect_open_fails(&cfg, -EINVAL,
			  "--sev-dh-cert and --sev-session go together");
	cfg.session = session;
	cfg.session_len = sizeof(session);
	cfg.dh_cert_len = 100;
	expect_open_fails(&cfg, -EINVAL,
			  "DH certificate must be 2084 bytes (an SEV cert)");
	cfg.dh_cert_len = sizeof(cert);
	cfg.session_len = 64;
	expect_open_fails(&cfg, -EINVAL, "session blob must be 128 bytes");
	cfg.backend = 7;
	expect_open_fails(&cfg, -EINVAL, "unknown SEV backend");
}

static uint8_t *cert_seen, *session_seen;

static void check_start_blobs(void *arg)
{
	struct kvm_sev_launch_start *ls = arg;

	assert_int_equal(ls->dh_len, SEV_DH_CERT_SIZE);
	assert_int_equal(ls->session_len, SEV_SESSION_SIZE);
	cert_seen = (void *)(uintptr_t)ls->dh_uaddr;
	session_seen = (void *)(uintptr_t)ls->session_uaddr;
	/* sev_open copied the blobs: the caller's buffers may be gone. */
	assert_int_equal(cert_seen[0], 0xc0);
	assert_int_equal(session_seen[127], 0x5e);
	ls->handle = HANDLE;
}

static void test_sev_kvm_start_passes_blobs(void **state)
{
	uint8_t *cert = calloc(1, SEV_DH_CERT_SIZE);
	uint8_t *session = calloc(1, SEV_SESSION_SIZE);
	struct sev_config cfg;
	struct sev *sev;
	char err[128];

	(void)state;
	push_open(1);
	push(sev_op(KVM_SEV_ES_INIT, NULL));
	push(sev_op(KVM_SEV_LAUNCH_START, check_start_blobs));
	push_close();
	cert[0] = 0xc0;
	session[127] = 0x5e;
	es_config(&cfg);
	cfg.dh_cert = cert;
	cfg.dh_cert_len = SEV_DH_CERT_SIZE;
	cfg.session = session;
	cfg.session_len = SEV_SESSION_SIZE;
	assert_int_equal(sev_open(&cfg, KVM_FD, &sev, err, sizeof(err)), 0);
	free(cert);
	free(session);
	assert_int_equal(sev_init(sev, VM_FD), 0);
	assert_int_equal(sev_launch_start(sev), 0);
	sev_close(sev);
	assert_script_done();
}

/* This very host: no SEV here, so --sev must fail cleanly. */
static void test_sev_this_host_refuses_sev(void **state)
{
	struct sev_host_caps caps;
	struct sev_config cfg;
	struct sev *sev = NULL;
	char err[256];
	int kvm_fd;

	(void)state;
	passthrough = true;
	cpu = CPU_REAL;
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	sev_probe(kvm_fd, &caps);
	if (caps.cpu_sev && caps.dev_sev) {
		if (kvm_fd >= 0)
			close(kvm_fd);
		skip();
	}
	sev_config_init(&cfg);
	cfg.mode = SEV_MODE_SEV;
	assert_int_equal(sev_open(&cfg, kvm_fd, &sev, err, sizeof(err)),
			 -ENODEV);
	assert_null(sev);
	assert_memory_equal(err, "SEV requested, but this host cannot: ", 37);
	assert_non_null(strstr(err, "/dev/sev"));
	if (kvm_fd >= 0)
		close(kvm_fd);
}

static void test_sev_measurement_format(void **state)
{
	struct sev_measurement m;
	char buf[512];
	int n;

	(void)state;
	memset(&m, 0, sizeof(m));	/* .snp false: the SEV form */
	for (int i = 0; i < 32; i++)
		m.measure[i] = (uint8_t)i;
	for (int i = 0; i < 16; i++)
		m.mnonce[i] = (uint8_t)(32 + i);
	m.api_major = 1;
	m.api_minor = 55;
	m.build = 25;
	m.policy = 5;
	n = sev_measurement_format(&m, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
		"measure: 000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1f\n"
		"mnonce: 202122232425262728292a2b2c2d2e2f\n"
		"api_major: 1\napi_minor: 55\nbuild: 25\npolicy: 0x00000005\n"
		"launch_measure_blob: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"
		"Hh8gISIjJCUmJygpKissLS4v\n");
	assert_int_equal(sev_measurement_format(&m, buf, 100), -ENOSPC);
	assert_int_equal(sev_measurement_format(&m, buf, 0), -ENOSPC);
}

static void test_sev_base64_decode(void **state)
{
	static const char text[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n"
				   "Hh8gISIjJCUmJygpKissLS4v\n";
	uint8_t out[64];
	size_t n;

	(void)state;
	assert_int_equal(sev_base64_decode(text, strlen(text), out,
					   sizeof(out), &n), 0);
	assert_int_equal(n, 48);
	for (int i = 0; i < 48; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(sev_base64_decode(text, strlen(text), out, 47, &n),
			 -E2BIG);
	assert_int_equal(n, 0);
	assert_int_equal(sev_base64_decode("AA*A", 4, out, sizeof(out), &n),
			 -EINVAL);
	assert_int_equal(sev_base64_decode("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
}

static void test_sev_names(void **state)
{
	(void)state;
	assert_string_equal(sev_status_name(0x3), "INVALID_CONFIG");
	assert_string_equal(sev_status_name(0x27), "INVALID_KEY");
	assert_string_equal(sev_status_name(0x1e), "UNKNOWN_STATUS");
	assert_string_equal(sev_status_name(0xffffffff), "UNKNOWN_STATUS");
	assert_string_equal(sev_cmd_name(KVM_SEV_LAUNCH_UPDATE_VMSA),
			    "LAUNCH_UPDATE_VMSA");
	assert_string_equal(sev_cmd_name(SEV_COMPAT_KVM_SEV_INIT2),
			    "SEV_INIT2");
	assert_string_equal(sev_cmd_name(99), "SEV_COMMAND");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define F(i)                                                                  \
	cmocka_unit_test_prestate_setup_teardown(                             \
		test_sev_kvm_es_launch_step_fails, failure_setup, teardown,   \
		(void *)&failures[i])

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sev_kvm_es_launch_success),
		F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), F(9),
		F(10),
		T(test_sev_kvm_sev_launch_without_vmsa),
		T(test_sev_kvm_order_and_ranges_enforced),
		T(test_sev_kvm_init2),
		T(test_sev_kvm_init2_plain_sev_type),
		T(test_sev_kvm_host_without_sev),
		T(test_sev_kvm_dev_sev_denied),
		T(test_sev_kvm_platform_status_fails),
		T(test_sev_kvm_firmware_without_es),
		T(test_sev_kvm_init2_needs_vm_type),
		T(test_sev_config_rejected),
		T(test_sev_kvm_start_passes_blobs),
		T(test_sev_this_host_refuses_sev),
		T(test_sev_measurement_format),
		T(test_sev_base64_decode),
		T(test_sev_names),
	};

	_Static_assert(sizeof(failures) / sizeof(failures[0]) == 11,
		       "one F() per failure case");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
