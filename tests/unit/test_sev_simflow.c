// SPDX-License-Identifier: Apache-2.0
/*
 * The whole launch on the SIM backend, over a private copy of a real
 * OVMF_CODE, exactly as the VMM core drives it: open, init, register RAM
 * and CODE, LAUNCH_START, LAUNCH_UPDATE_DATA over the copy, (SEV-ES)
 * LAUNCH_UPDATE_VMSA with the reset state, LAUNCH_MEASURE, LAUNCH_SECRET,
 * LAUNCH_FINISH.  The simulated firmware's LAUNCH_MEASURE must equal the
 * offline `vmm measure` value for the same image, TIK, MNONCE, policy and
 * API version, and for plain SEV its digest must be the file's sha256sum.
 *
 * What this proves: the launch code, the firmware model and the offline
 * measurement agree with each other and with published vectors.  It does
 * not prove anything about real SEV hardware (there is none here).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sev/measure.h"
#include "sev/sev.h"
#include "tests/unit/load_file.h"

#define OVMF_2M "/usr/share/OVMF/OVMF_CODE.fd"
#define OVMF_4M "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define RAM_SIZE (1024 * 1024)
#define FAKE_VM_FD 3	/* the model never touches it */
#define VCPU_SIG 0x800f12

static const uint8_t tik[16] = "simflow-TIK-key";
static const uint8_t tek[16] = "simflow-TEK-key";

struct flow {
	const char *path;
	enum sev_mode mode;
	uint32_t policy;
	bool init2;
	uint64_t features;
	const char *sha256;	/* sha256sum of the file, for plain SEV */
};

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void sim_config(struct sev_config *cfg, const struct flow *fl)
{
	sev_config_init(cfg);
	cfg->mode = fl->mode;
	cfg->backend = SEV_BACKEND_SIM;
	cfg->policy = fl->policy;
	cfg->use_init2 = fl->init2;
	cfg->vmsa_features = fl->features;
	memcpy(cfg->sim_tik, tik, 16);
	memcpy(cfg->sim_tek, tek, 16);
}

/* What a guest owner computes with `vmm measure`, from the file itself. */
static void offline(const struct flow *fl, const uint8_t *img, size_t len,
		    const struct sev_measurement *m, uint8_t ld[32],
		    uint8_t mac[32])
{
	struct sev_measure_params p;

	sev_measure_params_init(&p, fl->mode);
	p.vcpu_sig = VCPU_SIG;
	p.init2 = fl->init2;
	p.vmsa_features = fl->features;
	assert_int_equal(sev_measure_digest(img, len, &p, ld), 0);
	assert_int_equal(sev_measure_launch_measure(tik, m->api_major,
						    m->api_minor, m->build,
						    fl->policy, ld, m->mnonce,
						    mac), 0);
}

/* A LAUNCH_SECRET packet built with OpenSSL here, not by the library. */
static void make_secret(const uint8_t measure[32], const uint8_t plain[64],
			uint8_t hdr[52], uint8_t ct[64])
{
	uint8_t iv[16] = "simflow-iv-0001", msg[1 + 4 + 16 + 8 + 64 + 32];
	uint32_t flags = 0, n = 64;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned len = 0;
	int outl = 0;

	assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, tek, iv));
	assert_true(EVP_EncryptUpdate(c, ct, &outl, plain, 64));
	EVP_CIPHER_CTX_free(c);
	msg[0] = 1;
	memcpy(msg + 1, &flags, 4);
	memcpy(msg + 5, iv, 16);
	memcpy(msg + 21, &n, 4);
	memcpy(msg + 25, &n, 4);
	memcpy(msg + 29, ct, 64);
	memcpy(msg + 93, measure, 32);
	memcpy(hdr, &flags, 4);
	memcpy(hdr + 4, iv, 16);
	assert_non_null(HMAC(EVP_sha256(), tik, 16, msg, sizeof(msg), hdr + 20,
			     &len));
}

static void update_vmsa(struct sev *sev)
{
	struct sev_vcpu_state st;

	/* The state the core loads into vCPU 0 with KVM_SET_*. */
	sev_vcpu_reset_state(&st, 0, VCPU_SIG, 0);
	assert_int_equal(sev_launch_update_vmsa(sev, &st.regs, &st.sregs,
						&st.fpu, st.xcr0), 0);
}

static void inject_secret(struct sev *sev, const struct sev_measurement *m,
			  uint8_t *ram)
{
	uint8_t plain[64], hdr[52], ct[64];

	memset(plain, 0x5c, sizeof(plain));
	memcpy(plain, "the guest owner's disk key", 26);
	make_secret(m->measure, plain, hdr, ct);
	assert_int_equal(sev_launch_secret(sev, hdr, 52, ram + 0x10000, 64, ct,
					   64), 0);
	assert_memory_equal(ram + 0x10000, plain, 64);
}

static void check_measurement(const struct flow *fl, struct sev *sev,
			      const uint8_t *img, size_t len,
			      const struct sev_measurement *m)
{
	uint8_t ld[32], sim_ld[32], mac[32], want[32];

	assert_int_equal(m->api_major, SEV_SIM_DEFAULT_API_MAJOR);
	assert_int_equal(m->api_minor, SEV_SIM_DEFAULT_API_MINOR);
	assert_int_equal(m->build, SEV_SIM_DEFAULT_BUILD);
	assert_int_equal(m->policy, fl->policy);
	offline(fl, img, len, m, ld, mac);
	assert_int_equal(sev_sim_launch_digest(sev, sim_ld), 0);
	assert_memory_equal(sim_ld, ld, 32);
	assert_memory_equal(m->measure, mac, 32);
	if (fl->sha256) {
		for (int i = 0; i < 32; i++)
			assert_int_equal(sscanf(fl->sha256 + 2 * i, "%2hhx",
						&want[i]), 1);
		assert_memory_equal(ld, want, 32);
	}
}

static void run_flow(const struct flow *fl)
{
	struct kvm_cpuid_entry2 leaf;
	struct sev_measurement m;
	struct sev_config cfg;
	struct sev *sev;
	uint8_t *img, *code, *ram;
	size_t len;
	char err[256];

	img = load_file(fl->path, &len);
	if (!img)
		skip();
	code = map_anon(len);
	ram = map_anon(RAM_SIZE);
	memcpy(code, img, len);
	sim_config(&cfg, fl);
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_vm_type(sev), 0);
	/* The SIM backend's VM is type 0, but it follows the type it models:
	 * SEV-ES from INIT2 has no read-only slots (CODE writable, VARS MMIO). */
	assert_int_equal(sev_readonly_slots_allowed(sev),
			 !(fl->mode == SEV_MODE_SEV_ES && fl->init2));
	assert_int_equal(sev_guest_cpuid(sev, &leaf), -ENODATA);
	assert_int_equal(sev_init(sev, FAKE_VM_FD), 0);
	assert_int_equal(sev_register_region(sev, ram, RAM_SIZE), 0);
	assert_int_equal(sev_register_region(sev, code, len), 0);
	assert_int_equal(sev_launch_start(sev), 0);
	assert_int_equal(sev_launch_update_data(sev, code, len), 0);
	if (fl->mode == SEV_MODE_SEV_ES)
		update_vmsa(sev);
	assert_int_equal(sev_launch_measure(sev, &m), 0);
	check_measurement(fl, sev, img, len, &m);
	inject_secret(sev, &m, ram);
	assert_int_equal(sev_launch_finish(sev), 0);
	assert_string_equal(sev_last_error(sev), "");
	/* The model encrypts nothing: the guest would run in the clear. */
	assert_memory_equal(code, img, len);
	sev_close(sev);
	munmap(code, len);
	munmap(ram, RAM_SIZE);
	free(img);
}

static const char sha_2m[] =
	"d9b568def24088c92f34b5479e0ed7e44d0a4d4cea8a0f5716719180bba48106";
static const char sha_4m[] =
	"b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c";

static void test_sev_simflow_sev_2m(void **state)
{
	const struct flow fl = { OVMF_2M, SEV_MODE_SEV, SEV_POLICY_NODBG,
				 false, 0, sha_2m };

	(void)state;
	run_flow(&fl);
}

static void test_sev_simflow_sev_4m(void **state)
{
	const struct flow fl = { OVMF_4M, SEV_MODE_SEV, 0, false, 0, sha_4m };

	(void)state;
	run_flow(&fl);
}

static void test_sev_simflow_sev_es_2m(void **state)
{
	const struct flow fl = { OVMF_2M, SEV_MODE_SEV_ES,
				 SEV_POLICY_ES | SEV_POLICY_NODBG, false, 0,
				 NULL };

	(void)state;
	run_flow(&fl);
}

static void test_sev_simflow_sev_es_4m(void **state)
{
	const struct flow fl = { OVMF_4M, SEV_MODE_SEV_ES, SEV_POLICY_ES,
				 false, 0, NULL };

	(void)state;
	run_flow(&fl);
}

static void test_sev_simflow_sev_es_init2_2m(void **state)
{
	const struct flow fl = { OVMF_2M, SEV_MODE_SEV_ES,
				 SEV_POLICY_ES | SEV_POLICY_NOKS, true, 0x20,
				 NULL };

	(void)state;
	run_flow(&fl);
}

/* Up to LAUNCH_START on a small fake image; returns the open launch. */
static struct sev *open_started(struct sev_config *cfg, int *start_rc)
{
	struct sev *sev;
	char err[256];

	assert_int_equal(sev_open(cfg, -1, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_init(sev, FAKE_VM_FD), 0);
	*start_rc = sev_launch_start(sev);
	return sev;
}

/* The model refuses what the firmware refuses, named in the error. */
static void test_sev_simflow_policy_failure(void **state)
{
	const struct flow fl = { OVMF_2M, SEV_MODE_SEV, 0, false, 0, NULL };
	struct sev_config cfg;
	struct sev_measurement m;
	struct sev *sev;
	int rc;

	(void)state;
	sim_config(&cfg, &fl);
	cfg.policy = 2u << 16;	/* needs firmware API 2.0 */
	sev = open_started(&cfg, &rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(sev_last_error(sev),
			    "LAUNCH_START failed: POLICY_FAILURE (0x7)");
	assert_int_equal(sev_launch_measure(sev, &m), -ECANCELED);
	sev_close(sev);
}

static void test_sev_simflow_session_policy_mac(void **state)
{
	const struct flow fl = { OVMF_2M, SEV_MODE_SEV, 1, false, 0, NULL };
	static uint8_t cert[SEV_DH_CERT_SIZE], session[SEV_SESSION_SIZE];
	uint8_t pol[4] = { 1, 0, 0, 0 };
	struct sev_config cfg;
	struct sev *sev;
	unsigned len = 0;
	int rc;

	(void)state;
	sim_config(&cfg, &fl);
	cfg.dh_cert = cert;
	cfg.dh_cert_len = sizeof(cert);
	cfg.session = session;
	cfg.session_len = sizeof(session);
	sev = open_started(&cfg, &rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(sev_last_error(sev),
			    "LAUNCH_START failed: BAD_MEASUREMENT (0xb)");
	sev_close(sev);
	/* POLICY_MAC = HMAC-SHA-256(TIK, policy) at offset 96. */
	assert_non_null(HMAC(EVP_sha256(), tik, 16, pol, 4, session + 96,
			     &len));
	sev = open_started(&cfg, &rc);
	assert_int_equal(rc, 0);
	sev_close(sev);
}

/* Without a session the firmware keys MEASURE with an all-zero TIK. */
static void test_sev_simflow_default_tik_and_fixed_mnonce(void **state)
{
	static _Alignas(16) uint8_t page[4096];
	const uint8_t zero[16] = { 0 };
	uint8_t ld[32], mac[32];
	struct sev_measurement m;
	struct sev_config cfg;
	struct sev *sev;
	unsigned dlen = 0;
	char err[128];

	(void)state;
	sev_config_init(&cfg);
	cfg.mode = SEV_MODE_SEV;
	cfg.backend = SEV_BACKEND_SIM;
	cfg.sim_mnonce_set = true;
	memcpy(cfg.sim_mnonce, "fixed-mnonce-16b", 16);
	cfg.sim_api_major = 0;
	cfg.sim_api_minor = 24;
	cfg.sim_build = 9;
	memset(page, 0xa5, sizeof(page));
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_init(sev, FAKE_VM_FD), 0);
	assert_int_equal(sev_register_region(sev, page, sizeof(page)), 0);
	assert_int_equal(sev_launch_start(sev), 0);
	assert_int_equal(sev_launch_update_data(sev, page, sizeof(page)), 0);
	assert_int_equal(sev_launch_measure(sev, &m), 0);
	assert_memory_equal(m.mnonce, "fixed-mnonce-16b", 16);
	assert_int_equal(m.api_minor, 24);
	assert_true(EVP_Digest(page, sizeof(page), ld, &dlen, EVP_sha256(),
			       NULL));
	assert_int_equal(sev_measure_launch_measure(zero, 0, 24, 9, 0, ld,
						    m.mnonce, mac), 0);
	assert_memory_equal(m.measure, mac, 32);
	sev_close(sev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sev_simflow_sev_2m),
		cmocka_unit_test(test_sev_simflow_sev_4m),
		cmocka_unit_test(test_sev_simflow_sev_es_2m),
		cmocka_unit_test(test_sev_simflow_sev_es_4m),
		cmocka_unit_test(test_sev_simflow_sev_es_init2_2m),
		cmocka_unit_test(test_sev_simflow_policy_failure),
		cmocka_unit_test(test_sev_simflow_session_policy_mac),
		cmocka_unit_test(test_sev_simflow_default_tik_and_fixed_mnonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
