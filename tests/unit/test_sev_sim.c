// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV firmware model: platform and guest states, the status each
 * command returns in the wrong state (docs/sev-firmware-model.md sections
 * 2-4), the launch digest, LAUNCH_MEASURE and LAUNCH_SECRET.  Expected MACs
 * are computed here with OpenSSL's HMAC()/EVP directly, and the secret MAC
 * is checked against sevctl's tests/secretbuild.rs vector.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sev/sev.h"
#include "sev/sev_crypto.h"
#include "sev/sev_sim.h"

static const uint8_t test_tik[16] = "TIK-for-testing";
static const uint8_t test_tek[16] = "TEK-for-testing";
static const uint8_t test_mnonce[16] = "mnonce-for-test";

/* 16-byte aligned guest data, as LAUNCH_UPDATE_DATA wants. */
static _Alignas(16) uint8_t data[4096];
static _Alignas(16) uint8_t vmsa[4096];

struct fixture {
	struct sev_sim *sim;
};

static int setup(void **state)
{
	static struct fixture f;
	struct sev_sim_params p = { .api_major = 1, .api_minor = 55,
				    .build = 25, .es_capable = true };

	assert_int_equal(sev_sim_create(&p, &f.sim), 0);
	sev_sim_set_transport_keys(f.sim, test_tek, test_tik);
	sev_sim_set_mnonce(f.sim, test_mnonce);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	memset(vmsa, 0x5a, sizeof(vmsa));
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sev_sim_destroy(f->sim);
	return 0;
}

/* INIT, LAUNCH_START(policy), ACTIVATE: a guest ready for updates. */
static uint32_t start_guest(struct sev_sim *sim, uint32_t policy)
{
	struct sev_sim_launch_start ls = { .policy = policy };
	uint32_t asid = (policy & SEV_POLICY_ES) ? 1 : SEV_SIM_MIN_SEV_ASID;

	if (sev_sim_platform_state(sim) == SEV_SIM_PLATFORM_UNINIT)
		assert_int_equal(sev_sim_init(sim), SEV_SIM_SUCCESS);
	assert_int_equal(sev_sim_launch_start(sim, &ls), SEV_SIM_SUCCESS);
	assert_int_equal(sev_sim_activate(sim, ls.handle, asid), 0);
	return ls.handle;
}

static void expect_measure(uint32_t policy, const uint8_t *bytes, size_t n,
			   const uint8_t mnonce[16], uint8_t out[32])
{
	uint8_t msg[56] = { 0x04, 1, 55, 25 };
	unsigned len = 0;

	memcpy(msg + 4, &policy, 4);	/* x86: little-endian */
	assert_true(EVP_Digest(bytes, n, msg + 8, &len, EVP_sha256(), NULL));
	memcpy(msg + 40, mnonce, 16);
	assert_non_null(HMAC(EVP_sha256(), test_tik, 16, msg, sizeof(msg), out,
			     &len));
}

static void test_sev_sim_platform_states(void **state)
{
	struct fixture *f = *state;
	struct sev_sim_launch_start ls = { 0 };
	struct sev_sim_platform_status ps;
	uint32_t pol, asid, st;

	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_INVALID_PLATFORM_STATE);
	assert_int_equal(sev_sim_guest_status(f->sim, 1, &pol, &asid, &st),
			 SEV_SIM_INVALID_PLATFORM_STATE);
	assert_int_equal(sev_sim_launch_update_data(f->sim, 1, data, 16),
			 SEV_SIM_INVALID_PLATFORM_STATE);
	assert_int_equal(sev_sim_init(f->sim), SEV_SIM_SUCCESS);
	assert_int_equal(sev_sim_init(f->sim), SEV_SIM_INVALID_PLATFORM_STATE);
	/* INIT is not WORKING: guest commands still need a launched guest. */
	assert_int_equal(sev_sim_launch_finish(f->sim, 1),
			 SEV_SIM_INVALID_PLATFORM_STATE);
	assert_int_equal(sev_sim_platform_status(f->sim, &ps), 0);
	assert_int_equal(ps.api_major, 1);
	assert_int_equal(ps.api_minor, 55);
	assert_int_equal(ps.build, 25);
	assert_int_equal(ps.state, SEV_SIM_PLATFORM_INIT);
	assert_int_equal(ps.flags, 0x100);
	assert_int_equal(ps.guest_count, 0);
}

static void test_sev_sim_launch_happy_path(void **state)
{
	struct fixture *f = *state;
	uint8_t blob[48], want[32], ld[32];
	uint32_t len = 0, h, pol, asid, st;
	uint8_t both[8192];

	h = start_guest(f->sim, SEV_POLICY_ES | SEV_POLICY_NODBG);
	assert_int_equal(h, 1);
	assert_int_equal(sev_sim_platform_state(f->sim),
			 SEV_SIM_PLATFORM_WORKING);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 4096), 0);
	assert_int_equal(sev_sim_launch_update_vmsa(f->sim, h, vmsa, 4096), 0);
	assert_int_equal(sev_sim_digest(f->sim, h, ld), -EAGAIN);
	/* Size query. */
	assert_int_equal(sev_sim_launch_measure(f->sim, h, NULL, &len),
			 SEV_SIM_INVALID_LENGTH);
	assert_int_equal(len, 48);
	assert_int_equal(sev_sim_launch_measure(f->sim, h, blob, &len), 0);
	memcpy(both, data, 4096);
	memcpy(both + 4096, vmsa, 4096);
	expect_measure(SEV_POLICY_ES | SEV_POLICY_NODBG, both, sizeof(both),
		       test_mnonce, want);
	assert_memory_equal(blob, want, 32);
	assert_memory_equal(blob + 32, test_mnonce, 16);
	assert_int_equal(sev_sim_digest_bytes(f->sim, h), 8192);
	assert_int_equal(sev_sim_guest_status(f->sim, h, &pol, &asid, &st), 0);
	assert_int_equal(st, SEV_SIM_GUEST_LSECRET);
	assert_int_equal(asid, 1);
	assert_int_equal(sev_sim_launch_finish(f->sim, h), 0);
	assert_int_equal(sev_sim_guest_status(f->sim, h, &pol, &asid, &st), 0);
	assert_int_equal(st, SEV_SIM_GUEST_RUNNING);
	assert_int_equal(pol, SEV_POLICY_ES | SEV_POLICY_NODBG);
	/* The digest outlives FINISH for observers. */
	assert_int_equal(sev_sim_digest(f->sim, h, ld), 0);
}

/* The digest is one stream: splitting the data changes nothing. */
static void test_sev_sim_digest_is_a_stream(void **state)
{
	struct fixture *f = *state;
	uint8_t a[48], b[48], want[32];
	uint32_t len = 48, h1, h2;

	h1 = start_guest(f->sim, 0);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h1, data, 4096), 0);
	assert_int_equal(sev_sim_launch_measure(f->sim, h1, a, &len), 0);
	/* Second guest: same bytes in three uneven 16-byte-aligned pieces. */
	sev_sim_deactivate(f->sim, h1);
	assert_int_equal(sev_sim_decommission(f->sim, h1), 0);
	h2 = start_guest(f->sim, 0);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h2, data, 48), 0);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h2, data + 48,
						    4000), 0);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h2, data + 4048,
						    48), 0);
	assert_int_equal(sev_sim_launch_measure(f->sim, h2, b, &len), 0);
	assert_memory_equal(a, b, 48);
	expect_measure(0, data, sizeof(data), test_mnonce, want);
	assert_memory_equal(a, want, 32);
}

static void test_sev_sim_update_data_checks(void **state)
{
	struct fixture *f = *state;
	struct sev_sim_launch_start ls = { .policy = 0 };
	uint32_t h;

	assert_int_equal(sev_sim_init(f->sim), 0);
	assert_int_equal(sev_sim_launch_start(f->sim, &ls), 0);
	h = ls.handle;
	/* Not yet activated. */
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 16),
			 SEV_SIM_INACTIVE);
	assert_int_equal(sev_sim_activate(f->sim, h, SEV_SIM_MIN_SEV_ASID), 0);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h + 1, data, 16),
			 SEV_SIM_INVALID_GUEST);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data + 8, 16),
			 SEV_SIM_INVALID_ADDRESS);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 0),
			 SEV_SIM_INVALID_LENGTH);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 24),
			 SEV_SIM_INVALID_LENGTH);
	/* Address is checked before length. */
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data + 1, 1),
			 SEV_SIM_INVALID_ADDRESS);
	/* Failed commands absorbed nothing. */
	assert_int_equal(sev_sim_digest_bytes(f->sim, h), 0);
}

static void test_sev_sim_vmsa_checks(void **state)
{
	struct fixture *f = *state;
	uint32_t h = start_guest(f->sim, 0);

	/* Length first, even for a bad handle. */
	assert_int_equal(sev_sim_launch_update_vmsa(f->sim, 99, vmsa, 4095),
			 SEV_SIM_INVALID_LENGTH);
	assert_int_equal(sev_sim_launch_update_vmsa(f->sim, 99, vmsa, 4096),
			 SEV_SIM_INVALID_GUEST);
	/* Not an SEV-ES guest. */
	assert_int_equal(sev_sim_launch_update_vmsa(f->sim, h, vmsa, 4096),
			 SEV_SIM_UNSUPPORTED);
}

static void test_sev_sim_state_order(void **state)
{
	struct fixture *f = *state;
	uint8_t blob[48];
	uint32_t len = 48, h = start_guest(f->sim, 0);

	/* FINISH and SECRET need LAUNCH_SECRET state. */
	assert_int_equal(sev_sim_launch_finish(f->sim, h),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 16), 0);
	assert_int_equal(sev_sim_launch_measure(f->sim, h, blob, &len), 0);
	/* MEASURE is single-shot; no more data. */
	assert_int_equal(sev_sim_launch_measure(f->sim, h, blob, &len),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 16),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_launch_finish(f->sim, h), 0);
	assert_int_equal(sev_sim_launch_finish(f->sim, h),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_launch_measure(f->sim, h, blob, &len),
			 SEV_SIM_INVALID_GUEST_STATE);
}

static void test_sev_sim_policy_checks(void **state)
{
	struct fixture *f = *state;
	struct sev_sim_launch_start ls = { 0 };
	struct sev_sim_params p = { .api_major = 1, .api_minor = 55 };
	struct sev_sim *no_es;

	assert_int_equal(sev_sim_init(f->sim), 0);
	ls.policy = 1u << 6;	/* reserved */
	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_POLICY_FAILURE);
	ls.policy = 1u << 16 | 56u << 24;	/* needs API 1.56 */
	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_POLICY_FAILURE);
	ls.policy = 1u << 16 | 55u << 24;	/* 1.55 is enough */
	assert_int_equal(sev_sim_launch_start(f->sim, &ls), 0);
	assert_int_equal(ls.handle, 1);

	/* SEV-ES policy on a platform initialised without SEV-ES. */
	assert_int_equal(sev_sim_create(&p, &no_es), 0);
	assert_int_equal(sev_sim_init(no_es), 0);
	ls.handle = 0;
	ls.policy = SEV_POLICY_ES;
	assert_int_equal(sev_sim_launch_start(no_es, &ls),
			 SEV_SIM_UNSUPPORTED);
	sev_sim_destroy(no_es);
}

static void test_sev_sim_session_checks(void **state)
{
	struct fixture *f = *state;
	static uint8_t cert[SEV_DH_CERT_SIZE], session[SEV_SESSION_SIZE];
	struct sev_sim_launch_start ls = {
		.policy = 0x1, .dh_cert = cert, .dh_cert_len = sizeof(cert),
		.session = session, .session_len = sizeof(session),
	};
	unsigned len = 0;
	uint8_t pol[4] = { 1, 0, 0, 0 };

	assert_int_equal(sev_sim_init(f->sim), 0);
	ls.session_len = 127;
	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_INVALID_LENGTH);
	ls.session_len = sizeof(session);
	ls.dh_cert_len = 2083;
	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_INVALID_LENGTH);
	ls.dh_cert_len = sizeof(cert);
	/* POLICY_MAC all zero: wrong. */
	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_BAD_MEASUREMENT);
	/* POLICY_MAC = HMAC(TIK, policy LE32) at offset 96. */
	assert_non_null(HMAC(EVP_sha256(), test_tik, 16, pol, 4, session + 96,
			     &len));
	assert_int_equal(sev_sim_launch_start(f->sim, &ls), 0);
}

static void test_sev_sim_asid_rules(void **state)
{
	struct fixture *f = *state;
	struct sev_sim_launch_start a = { .policy = SEV_POLICY_ES };
	struct sev_sim_launch_start b = { .policy = SEV_POLICY_ES };

	assert_int_equal(sev_sim_init(f->sim), 0);
	assert_int_equal(sev_sim_launch_start(f->sim, &a), 0);
	assert_int_equal(sev_sim_launch_start(f->sim, &b), 0);
	assert_int_equal(sev_sim_activate(f->sim, a.handle, 0),
			 SEV_SIM_INVALID_ASID);
	assert_int_equal(sev_sim_activate(f->sim, a.handle, 16),
			 SEV_SIM_INVALID_ASID);
	/* An SEV-ES guest cannot take an SEV-only ASID. */
	assert_int_equal(sev_sim_activate(f->sim, a.handle, 8),
			 SEV_SIM_INVALID_ASID);
	assert_int_equal(sev_sim_activate(f->sim, a.handle, 2), 0);
	assert_int_equal(sev_sim_activate(f->sim, a.handle, 3),
			 SEV_SIM_ACTIVE);
	assert_int_equal(sev_sim_activate(f->sim, b.handle, 2),
			 SEV_SIM_ASID_OWNED);
	/* An active guest cannot be decommissioned. */
	assert_int_equal(sev_sim_decommission(f->sim, a.handle),
			 SEV_SIM_ACTIVE);
	assert_int_equal(sev_sim_deactivate(f->sim, a.handle), 0);
	assert_int_equal(sev_sim_deactivate(f->sim, a.handle),
			 SEV_SIM_INACTIVE);
	assert_int_equal(sev_sim_decommission(f->sim, a.handle), 0);
	assert_int_equal(sev_sim_platform_state(f->sim),
			 SEV_SIM_PLATFORM_WORKING);
	assert_int_equal(sev_sim_decommission(f->sim, b.handle), 0);
	/* The last guest gone: back to INIT. */
	assert_int_equal(sev_sim_platform_state(f->sim), SEV_SIM_PLATFORM_INIT);
}

static void test_sev_sim_key_sharing_and_limits(void **state)
{
	struct fixture *f = *state;
	struct sev_sim_launch_start ls = { .policy = SEV_POLICY_NOKS };
	struct sev_sim_launch_start share = { .policy = SEV_POLICY_NOKS };
	uint32_t pol, asid, st;

	assert_int_equal(sev_sim_init(f->sim), 0);
	assert_int_equal(sev_sim_launch_start(f->sim, &ls), 0);
	share.handle = 7;
	assert_int_equal(sev_sim_launch_start(f->sim, &share),
			 SEV_SIM_INVALID_GUEST);
	share.handle = ls.handle;
	assert_int_equal(sev_sim_launch_start(f->sim, &share),
			 SEV_SIM_POLICY_FAILURE);
	for (unsigned i = 1; i < SEV_SIM_MAX_GUESTS; i++) {
		struct sev_sim_launch_start more = { .policy = 0 };

		assert_int_equal(sev_sim_launch_start(f->sim, &more), 0);
	}
	share.handle = 0;
	assert_int_equal(sev_sim_launch_start(f->sim, &share),
			 SEV_SIM_RESOURCE_LIMIT);
	/* Unknown handle: SUCCESS with state UNINIT. */
	assert_int_equal(sev_sim_guest_status(f->sim, 99, &pol, &asid, &st), 0);
	assert_int_equal(st, SEV_SIM_GUEST_UNINIT);
}

static void test_sev_sim_injected_failure(void **state)
{
	struct fixture *f = *state;
	struct sev_sim_launch_start ls = { 0 };
	struct sev_sim_platform_status ps;

	assert_int_equal(sev_sim_init(f->sim), 0);
	sev_sim_inject_status(f->sim, SEV_SIM_CMD_LAUNCH_START,
			      SEV_SIM_HWERROR_PLATFORM);
	assert_int_equal(sev_sim_launch_start(f->sim, &ls),
			 SEV_SIM_HWERROR_PLATFORM);
	assert_int_equal(ls.handle, 0);
	assert_int_equal(sev_sim_platform_status(f->sim, &ps), 0);
	assert_int_equal(ps.state, SEV_SIM_PLATFORM_INIT);
	assert_int_equal(ps.guest_count, 0);
	/* Only once. */
	assert_int_equal(sev_sim_launch_start(f->sim, &ls), 0);
}

/* sevctl tests/secretbuild.rs "Full test": TIK, IV, MEASURE, ciphertext. */
static void test_sev_sim_secret_mac_sevctl_vector(void **state)
{
	uint8_t tik[16], tek[16], hdr[52], ct[64], measure[32], mac[32];
	uint8_t plain[64];

	(void)state;
	static const char *tik_hex = "c6d5a9956133050912b24bbe5c372686";
	static const char *tek_hex = "52a869b79ab9c13bb6a92b0561619cb3";
	static const char *hdr_hex =
		"00000000ac5474ed4dd32c7d989ec523d92559ecbc152cde610e17f0aef557"
		"334a2d4fca42c22c4312e3b5b85a3d47b0aac857e5";
	static const char *ct_hex =
		"d14ddee4f717bf4516f87e2d48114a39d0987ca135fa3dfc05cd9fb8ed7a99"
		"88b223eb16c7b20d7e7fa58188f9e862f5db2ca29c36be9557c20b00ffdb0e"
		"5c3c";
	static const char *measure_hex =
		"4cb780efad3b959427b4b8d1635fe2fac6ed75267eef9cf1a73e0fc7d873a412";

	for (int i = 0; i < 16; i++)
		assert_int_equal(sscanf(tik_hex + 2 * i, "%2hhx", &tik[i]), 1);
	for (int i = 0; i < 16; i++)
		assert_int_equal(sscanf(tek_hex + 2 * i, "%2hhx", &tek[i]), 1);
	for (int i = 0; i < 52; i++)
		assert_int_equal(sscanf(hdr_hex + 2 * i, "%2hhx", &hdr[i]), 1);
	for (int i = 0; i < 64; i++)
		assert_int_equal(sscanf(ct_hex + 2 * i, "%2hhx", &ct[i]), 1);
	for (int i = 0; i < 32; i++)
		assert_int_equal(sscanf(measure_hex + 2 * i, "%2hhx",
					&measure[i]), 1);
	assert_int_equal(sev_crypto_secret_mac(tik, 0, hdr + 4, 64, 64, ct, 64,
					       measure, mac), 0);
	assert_memory_equal(mac, hdr + 20, 32);
	/* The payload is sevctl's secret table holding secret1.txt. */
	assert_int_equal(sev_crypto_aes128_ctr(tek, hdr + 4, ct, plain, 64), 0);
	assert_memory_equal(plain + 16 + 4 + 16 + 4, "MY-LUKS-PASSPHRASE", 18);
}

/* Build a secret packet with OpenSSL directly, independent of the model. */
static void make_secret(const uint8_t measure[32], uint32_t flags,
			const uint8_t *plain, size_t n, uint8_t hdr[52],
			uint8_t *ct)
{
	uint8_t iv[16] = "iv-for-a-secret", msg[1 + 4 + 16 + 8 + 64 + 32];
	uint32_t n32 = (uint32_t)n;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned len = 0;
	int outl = 0;

	assert_true(n <= 64);
	assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, test_tek,
				       iv));
	assert_true(EVP_EncryptUpdate(c, ct, &outl, plain, (int)n));
	EVP_CIPHER_CTX_free(c);
	msg[0] = 0x01;
	memcpy(msg + 1, &flags, 4);
	memcpy(msg + 5, iv, 16);
	memcpy(msg + 21, &n32, 4);
	memcpy(msg + 25, &n32, 4);
	memcpy(msg + 29, ct, n);
	memcpy(msg + 29 + n, measure, 32);
	memcpy(hdr, &flags, 4);
	memcpy(hdr + 4, iv, 16);
	assert_non_null(HMAC(EVP_sha256(), test_tik, 16, msg, 29 + n + 32,
			     hdr + 20, &len));
}

static void test_sev_sim_launch_secret(void **state)
{
	struct fixture *f = *state;
	static _Alignas(16) uint8_t guest[64];
	uint8_t blob[48] = { 0 }, hdr[52], ct[64], plain[64];
	uint32_t len = 48, h = start_guest(f->sim, 0);
	struct sev_sim_secret s = { .hdr = hdr, .hdr_len = 52, .guest = guest,
				    .guest_len = 64, .trans = ct,
				    .trans_len = 64 };

	memset(plain, 'S', sizeof(plain));
	make_secret(blob, 0, plain, 64, hdr, ct);
	/* Before MEASURE: wrong state (after the length checks). */
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_launch_update_data(f->sim, h, data, 16), 0);
	assert_int_equal(sev_sim_launch_measure(f->sim, h, blob, &len), 0);
	make_secret(blob, 0, plain, 64, hdr, ct);
	s.hdr_len = 51;
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_INVALID_LENGTH);
	s.hdr_len = 52;
	s.guest_len = 48;
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_INVALID_LENGTH);
	s.guest_len = 64;
	s.guest = guest + 1;
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_INVALID_ADDRESS);
	s.guest = guest;
	hdr[20] ^= 1;
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_BAD_MEASUREMENT);
	hdr[20] ^= 1;
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s), 0);
	assert_memory_equal(guest, plain, 64);
	/* A valid MAC over a "compressed" packet: not supported. */
	make_secret(blob, 1, plain, 64, hdr, ct);
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_UNSUPPORTED);
	assert_int_equal(sev_sim_launch_finish(f->sim, h), 0);
	make_secret(blob, 0, plain, 64, hdr, ct);
	assert_int_equal(sev_sim_launch_secret(f->sim, h, &s),
			 SEV_SIM_INVALID_GUEST_STATE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sev_sim_platform_states),
		T(test_sev_sim_launch_happy_path),
		T(test_sev_sim_digest_is_a_stream),
		T(test_sev_sim_update_data_checks),
		T(test_sev_sim_vmsa_checks),
		T(test_sev_sim_state_order),
		T(test_sev_sim_policy_checks),
		T(test_sev_sim_session_checks),
		T(test_sev_sim_asid_rules),
		T(test_sev_sim_key_sharing_and_limits),
		T(test_sev_sim_injected_failure),
		cmocka_unit_test(test_sev_sim_secret_mac_sevctl_vector),
		T(test_sev_sim_launch_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
