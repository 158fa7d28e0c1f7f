// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-SNP half of the firmware model (sev_sim.h) and of the KVM model
 * (sev_simkvm.h): state machine, status codes in the firmware's check
 * order, KVM's argument checks and errnos, and agreement of the model's
 * MEASUREMENT with `vmm measure --mode snp` (sev_measure_snp_digest()) for
 * a QEMU-style launch of Debian's OVMF images.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/sev_simkvm.h"
#include "sev/sev_uapi_compat.h"
#include "load_file.h"
#include "snp_id_sign.h"

#define PG		4096u
#define POLICY		0x30000ull	/* QEMU's default: SMT | MBO */
#define OVMF_2M		"/usr/share/OVMF/OVMF_CODE.fd"
#define OVMF_4M		"/usr/share/OVMF/OVMF_CODE_4M.fd"

/* Recorded from this model and `vmm measure --mode snp` (they agree). */
#define LD_2M_1CPU "a479327cbb0b50e876024c2dac7412d4e5e95c7315c1f8b0" \
		   "446f6d3be69fefba50766285475926737e4a70b155252f88"
#define LD_2M_4CPU "022a949083cab59e19c5ca3f5f7ddb9c991874f49f76f72e" \
		   "a3f8cee1aa411e70c0a92766729328069f00b3053fc8ea6f"

static struct sev_sim *new_sim(bool snp)
{
	struct sev_sim_params p = { .api_major = 1, .api_minor = 55,
				    .build = 25, .es_capable = true,
				    .no_snp = !snp };
	struct sev_sim *sim;

	assert_int_equal(sev_sim_create(&p, &sim), 0);
	return sim;
}

static uint8_t *new_pages(size_t n)
{
	uint8_t *p = aligned_alloc(PG, n * PG);

	assert_non_null(p);
	memset(p, 0, n * PG);
	return p;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* ---- firmware model ---------------------------------------------------- */

/* SNP_INIT, GCTX_CREATE, LAUNCH_START, ACTIVATE(1): a guest in LAUNCH. */
static uint32_t fw_guest(struct sev_sim *sim, uint64_t policy)
{
	struct sev_sim_snp_launch_start ls = { .policy = policy };
	uint32_t g;

	assert_int_equal(sev_sim_snp_init(sim), 0);
	assert_int_equal(sev_sim_snp_gctx_create(sim, &g), 0);
	assert_int_equal(sev_sim_snp_launch_start(sim, g, &ls), 0);
	assert_int_equal(sev_sim_snp_activate(sim, g, 1), 0);
	return g;
}

static uint32_t fw_update(struct sev_sim *sim, uint32_t g, uint64_t gpa,
			  void *page, uint8_t type)
{
	struct sev_sim_snp_update u = { .gpa = gpa, .page = page,
					.page_type = type };

	return sev_sim_snp_launch_update(sim, g, &u);
}

static void measurement(struct sev_sim *sim, uint32_t g, uint8_t ld[48])
{
	struct sev_sim_snp_report r;

	assert_int_equal(sev_sim_snp_report(sim, g, &r), 0);
	memcpy(ld, r.measurement, 48);
}

static void test_snp_fw_platform(void **state)
{
	struct sev_sim *sim = new_sim(true), *none = new_sim(false);
	uint32_t g;

	assert_int_equal(sev_sim_snp_gctx_create(sim, &g),
			 SEV_SIM_INVALID_PLATFORM_STATE);
	assert_int_equal(sev_sim_snp_init(none), SEV_SIM_UNSUPPORTED);
	assert_int_equal(sev_sim_snp_init(sim), 0);
	assert_int_equal(sev_sim_snp_init(sim), SEV_SIM_INVALID_PLATFORM_STATE);
	assert_true(sev_sim_snp_initialized(sim));
	for (unsigned i = 0; i < SEV_SIM_SNP_MAX_GUESTS; i++) {
		assert_int_equal(sev_sim_snp_gctx_create(sim, &g), 0);
		assert_int_equal(g, i + 1);
	}
	assert_int_equal(sev_sim_snp_gctx_create(sim, &g),
			 SEV_SIM_RESOURCE_LIMIT);
	assert_int_equal(sev_sim_snp_decommission(sim, 3), 0);
	assert_int_equal(sev_sim_snp_decommission(sim, 3),
			 SEV_SIM_INVALID_GUEST);
	assert_int_equal(sev_sim_snp_gctx_create(sim, &g), 0);
	assert_int_equal(g, 3);
	sev_sim_destroy(sim);
	/* SNP_INIT comes before the SEV platform's INIT, never after. */
	assert_int_equal(sev_sim_init(none), 0);
	sev_sim_destroy(none);
	sim = new_sim(true);
	assert_int_equal(sev_sim_init(sim), 0);
	assert_int_equal(sev_sim_snp_init(sim), SEV_SIM_INVALID_PLATFORM_STATE);
	sev_sim_destroy(sim);
}

static uint32_t start_with(uint64_t policy)
{
	struct sev_sim *sim = new_sim(true);
	struct sev_sim_snp_launch_start ls = { .policy = policy };
	uint32_t g, st;

	assert_int_equal(sev_sim_snp_init(sim), 0);
	assert_int_equal(sev_sim_snp_gctx_create(sim, &g), 0);
	st = sev_sim_snp_launch_start(sim, g, &ls);
	sev_sim_destroy(sim);
	return st;
}

static void test_snp_fw_policy(void **state)
{
	assert_int_equal(start_with(POLICY), 0);
	assert_int_equal(start_with(POLICY | 0x137), 0);	/* ABI 1.55 */
	assert_int_equal(start_with(POLICY | 0x138), SEV_SIM_POLICY_FAILURE);
	assert_int_equal(start_with(POLICY | 0x200), SEV_SIM_POLICY_FAILURE);
	assert_int_equal(start_with(1ull << 16), SEV_SIM_POLICY_FAILURE);
	assert_int_equal(start_with(1ull << 17), SEV_SIM_POLICY_FAILURE);
	assert_int_equal(start_with(POLICY | 1ull << 21),
			 SEV_SIM_POLICY_FAILURE);
	assert_int_equal(start_with(POLICY | 1ull << 63),
			 SEV_SIM_POLICY_FAILURE);
	assert_int_equal(start_with(POLICY | SEV_SIM_SNP_POLICY_MIGRATE_MA |
				    SEV_SIM_SNP_POLICY_DEBUG |
				    SEV_SIM_SNP_POLICY_SINGLE_SOCKET), 0);
}

static void test_snp_fw_states(void **state)
{
	struct sev_sim *sim = new_sim(true);
	struct sev_sim_snp_launch_start ls = { .policy = POLICY };
	struct sev_sim_snp_finish fin = { 0 };
	uint8_t *page = new_pages(1);
	uint32_t g;

	assert_int_equal(sev_sim_snp_init(sim), 0);
	assert_int_equal(sev_sim_snp_gctx_create(sim, &g), 0);
	assert_int_equal(sev_sim_snp_launch_start(sim, 7, &ls),
			 SEV_SIM_INVALID_GUEST);
	/* INIT: no update, finish or activate before LAUNCH_START. */
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_NORMAL),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &fin),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_snp_activate(sim, g, 1),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(sev_sim_snp_launch_start(sim, g, &ls), 0);
	assert_int_equal(sev_sim_snp_launch_start(sim, g, &ls),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_NORMAL),
			 SEV_SIM_INACTIVE);
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &fin),
			 SEV_SIM_INACTIVE);
	assert_int_equal(sev_sim_snp_activate(sim, g, 0), SEV_SIM_INVALID_ASID);
	assert_int_equal(sev_sim_snp_activate(sim, g, SEV_SIM_MIN_SEV_ASID),
			 SEV_SIM_INVALID_ASID);
	assert_int_equal(sev_sim_snp_activate(sim, g, 2), 0);
	assert_int_equal(sev_sim_snp_activate(sim, g, 3), SEV_SIM_ACTIVE);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_NORMAL), 0);
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &fin), 0);
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &fin),
			 SEV_SIM_INVALID_GUEST_STATE);
	/* After FINISH: a fresh page is a guest-state error, an old one a
	 * page-state error (the page check comes first). */
	assert_int_equal(fw_update(sim, g, PG, page, SEV_SNP_PAGE_NORMAL),
			 SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_NORMAL),
			 SEV_SIM_INVALID_PAGE_STATE);
	/* A second guest cannot take ASID 2. */
	assert_int_equal(sev_sim_snp_gctx_create(sim, &g), 0);
	assert_int_equal(sev_sim_snp_launch_start(sim, g, &ls), 0);
	assert_int_equal(sev_sim_snp_activate(sim, g, 2), SEV_SIM_ASID_OWNED);
	free(page);
	sev_sim_destroy(sim);
}

static void test_snp_fw_update_checks(void **state)
{
	struct sev_sim *sim = new_sim(true);
	uint32_t g = fw_guest(sim, POLICY);
	uint8_t *page = new_pages(2), before[48], after[48];
	struct sev_sim_snp_update u = { .gpa = 0, .page = page,
					.page_type = 1, .page_size = 1 };

	measurement(sim, g, before);
	assert_int_equal(fw_update(sim, g, 0x1000, NULL, 1),
			 SEV_SIM_INVALID_ADDRESS);
	assert_int_equal(fw_update(sim, g, 0x1800, page, 1),
			 SEV_SIM_INVALID_PARAM);
	assert_int_equal(fw_update(sim, g, 0x1000, page + 8, 1),
			 SEV_SIM_INVALID_PARAM);
	assert_int_equal(fw_update(sim, g, SEV_SIM_SNP_GPA_LIMIT, page, 1),
			 SEV_SIM_INVALID_PARAM);
	assert_int_equal(fw_update(sim, g, 0x1000, page, 0),
			 SEV_SIM_INVALID_PARAM);
	assert_int_equal(fw_update(sim, g, 0x1000, page, 7),
			 SEV_SIM_INVALID_PARAM);
	assert_int_equal(sev_sim_snp_launch_update(sim, g, &u),
			 SEV_SIM_INVALID_PAGE_SIZE);
	assert_int_equal(fw_update(sim, 5, 0x1000, page, 1),
			 SEV_SIM_INVALID_GUEST);
	measurement(sim, g, after);
	assert_memory_equal(before, after, 48);	/* failures change nothing */
	assert_int_equal(fw_update(sim, g, 0x1000, page, 1), 0);
	assert_true(sev_sim_snp_gpa_assigned(sim, g, 0x1000));
	assert_true(sev_sim_snp_gpa_assigned(sim, g, 0x1fff));
	assert_false(sev_sim_snp_gpa_assigned(sim, g, 0x2000));
	for (uint8_t t = 1; t <= 6; t++) {
		if (t == SEV_SNP_PAGE_VMSA)
			continue;
		assert_int_equal(fw_update(sim, g, 0x1000, page, t),
				 SEV_SIM_INVALID_PAGE_STATE);
	}
	/* Every vCPU's VMSA goes to the same GPA. */
	assert_int_equal(fw_update(sim, g, SEV_SNP_VMSA_GPA, page, 2), 0);
	assert_int_equal(fw_update(sim, g, SEV_SNP_VMSA_GPA, page, 2), 0);
	assert_int_equal(fw_update(sim, g, SEV_SNP_VMSA_GPA, page, 1), 0);
	assert_int_equal(fw_update(sim, g, SEV_SNP_VMSA_GPA, page, 1),
			 SEV_SIM_INVALID_PAGE_STATE);
	free(page);
	sev_sim_destroy(sim);
}

/* The model's digest is sev_snp_ld_extend() over the accepted pages. */
static void test_snp_fw_digest_chain(void **state)
{
	struct sev_sim *sim = new_sim(true);
	uint32_t g = fw_guest(sim, POLICY);
	uint8_t *page = new_pages(1), want[48] = { 0 }, got[48];
	struct sev_snp_page_info pi = { 0 };
	struct sev_sim_snp_update u = { .gpa = 0x5000, .page = page,
					.page_type = SEV_SNP_PAGE_UNMEASURED,
					.vmpl3_perms = 1, .vmpl1_perms = 7 };

	memset(page, 0xa5, PG);
	for (uint8_t t = 1; t <= 4; t++) {
		pi = (struct sev_snp_page_info){ .page_type = t,
						 .gpa = (uint64_t)t * PG };
		assert_int_equal(sev_snp_ld_extend(want, &pi, page), 0);
		memset(page, 0xa5, PG);	/* ZERO wipes it */
		assert_int_equal(fw_update(sim, g, pi.gpa, page, t), 0);
	}
	pi = (struct sev_snp_page_info){ .page_type = 4, .vmpl3_perms = 1,
					 .vmpl1_perms = 7, .gpa = 0x5000 };
	assert_int_equal(sev_snp_ld_extend(want, &pi, NULL), 0);
	assert_int_equal(sev_sim_snp_launch_update(sim, g, &u), 0);
	measurement(sim, g, got);
	assert_memory_equal(want, got, 48);
	pi.page_type = 9;
	assert_int_equal(sev_snp_ld_extend(want, &pi, page), -EINVAL);
	pi.page_type = 1;
	assert_int_equal(sev_snp_ld_extend(want, &pi, NULL), -EINVAL);
	free(page);
	sev_sim_destroy(sim);
}

static void test_snp_fw_zero_and_secrets(void **state)
{
	static const uint8_t seed[32] = { 1, 2, 3 };
	struct sev_sim_snp_launch_start ls = { .policy = POLICY,
					       .gosvw = { 0xee } };
	struct sev_sim *sim = new_sim(true), *twin = new_sim(true);
	uint8_t *a = new_pages(1), *b = new_pages(1);
	uint32_t g, h;

	memset(a, 0x77, PG);
	g = fw_guest(sim, POLICY);
	assert_int_equal(fw_update(sim, g, 0, a, SEV_SNP_PAGE_ZERO), 0);
	for (unsigned i = 0; i < PG; i++)
		assert_int_equal(a[i], 0);
	assert_int_equal(sev_sim_snp_gctx_create(sim, &h), 0);
	assert_int_equal(sev_sim_snp_launch_start(sim, h, &ls), 0);
	assert_int_equal(sev_sim_snp_activate(sim, h, 2), 0);
	memset(a, 0x77, PG);
	assert_int_equal(fw_update(sim, h, PG, a, SEV_SNP_PAGE_SECRETS), 0);
	assert_int_equal(a[0], SEV_SIM_SNP_SECRETS_VERSION);
	assert_int_equal(a[SEV_SIM_SNP_SECRETS_OFF_IMIEN], 0);
	assert_int_equal(a[SEV_SIM_SNP_SECRETS_OFF_FMS], 0x11);
	assert_int_equal(a[SEV_SIM_SNP_SECRETS_OFF_GOSVW], 0xee);
	assert_int_equal(a[0x200], 0);
	/* Keys: deterministic per seed and launch, distinct per VMPCK. */
	sev_sim_snp_set_seed(twin, seed);
	(void)fw_guest(twin, POLICY);
	assert_int_equal(sev_sim_snp_gctx_create(twin, &h), 0);
	assert_int_equal(sev_sim_snp_launch_start(twin, h, &ls), 0);
	assert_int_equal(sev_sim_snp_activate(twin, h, 2), 0);
	assert_int_equal(fw_update(twin, h, PG, b, SEV_SNP_PAGE_SECRETS), 0);
	assert_memory_not_equal(a + 0x20, b + 0x20, 32);
	assert_memory_not_equal(b + 0x20, b + 0x40, 32);
	sev_sim_snp_set_seed(sim, seed);
	assert_int_equal(sev_sim_snp_decommission(sim, 2), 0);
	assert_int_equal(sev_sim_snp_decommission(sim, 1), 0);
	assert_int_equal(sev_sim_snp_decommission(twin, 2), 0);
	assert_int_equal(sev_sim_snp_decommission(twin, 1), 0);
	sev_sim_destroy(twin);
	twin = new_sim(true);
	sev_sim_snp_set_seed(twin, seed);
	g = fw_guest(twin, POLICY);
	sev_sim_destroy(sim);
	sim = new_sim(true);
	sev_sim_snp_set_seed(sim, seed);
	h = fw_guest(sim, POLICY);
	assert_int_equal(fw_update(twin, g, 0, a, SEV_SNP_PAGE_SECRETS), 0);
	assert_int_equal(fw_update(sim, h, 0, b, SEV_SNP_PAGE_SECRETS), 0);
	assert_memory_equal(a, b, PG);
	free(a);
	free(b);
	sev_sim_destroy(sim);
	sev_sim_destroy(twin);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint8_t *cpuid_entry(uint8_t *page, unsigned i)
{
	return page + SEV_SIM_SNP_CPUID_HDR + i * SEV_SIM_SNP_CPUID_ENTRY;
}

static void test_snp_fw_cpuid(void **state)
{
	struct sev_sim *sim = new_sim(true);
	uint32_t g = fw_guest(sim, POLICY);
	uint8_t *page = new_pages(1), *copy = new_pages(1), ld[48], ld2[48];

	put32(page, 65);
	memcpy(copy, page, PG);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_CPUID),
			 SEV_SIM_INVALID_PARAM);
	assert_memory_equal(page, copy, PG);	/* header errors: untouched */
	put32(page, 0);
	put32(page + 4, 1);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_CPUID),
			 SEV_SIM_INVALID_PARAM);
	put32(page + 4, 0);
	put32(page, 4);
	put32(cpuid_entry(page, 0), 1);
	put32(cpuid_entry(page, 0) + 32, 0x80000021u);	/* ECX: VMX, bit 31 */
	put32(cpuid_entry(page, 1), 7);
	put32(cpuid_entry(page, 1) + 28, 0x5);		/* EBX: SGX */
	put32(cpuid_entry(page, 2), 0x40000000u);	/* unchecked range */
	put32(cpuid_entry(page, 2) + 28, 0xffffffffu);
	put32(cpuid_entry(page, 3), 0x80000008u);
	cpuid_entry(page, 3)[40] = 1;			/* reserved */
	measurement(sim, g, ld);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_CPUID),
			 SEV_SIM_INVALID_PARAM);
	assert_int_equal(get32(cpuid_entry(page, 0) + 32), 0x80000001u);
	assert_int_equal(get32(cpuid_entry(page, 1) + 28), 0x1);
	assert_int_equal(get32(cpuid_entry(page, 2) + 28), 0xffffffffu);
	assert_int_equal(cpuid_entry(page, 3)[40], 0);
	measurement(sim, g, ld2);
	assert_memory_equal(ld, ld2, 48);
	assert_false(sev_sim_snp_gpa_assigned(sim, g, 0));
	/* The corrected table is accepted, as libkrun's retry expects. */
	memcpy(copy, page, PG);
	assert_int_equal(fw_update(sim, g, 0, page, SEV_SNP_PAGE_CPUID), 0);
	assert_memory_equal(page, copy, PG);
	assert_true(sev_sim_snp_gpa_assigned(sim, g, 0));
	free(page);
	free(copy);
	sev_sim_destroy(sim);
}

/*
 * ID block {LD, family, image, version, svn, policy} and ID auth, signed
 * with fresh ID and author keys (snp_id_sign.h).
 */
static void id_blobs(uint8_t blk[96], uint8_t *auth, const uint8_t ld[48],
		     uint64_t policy)
{
	EVP_PKEY *id = snp_key_new(), *author = snp_key_new();

	assert_non_null(id);
	assert_non_null(author);
	memset(blk, 0, 96);
	memset(auth, 0, 4096);
	memcpy(blk, ld, 48);
	memset(blk + 48, 0xf1, 16);
	memset(blk + 64, 0x1a, 16);
	put32(blk + 80, 1);
	put32(blk + 84, 9);
	memcpy(blk + 88, &policy, 8);
	put32(auth, 1);
	put32(auth + 4, 1);
	assert_int_equal(snp_id_auth_sign(blk, auth, id, author), 0);
	EVP_PKEY_free(id);
	EVP_PKEY_free(author);
}

static void test_snp_fw_finish_id_block(void **state)
{
	struct sev_sim *sim = new_sim(true);
	uint32_t g = fw_guest(sim, POLICY);
	uint8_t blk[96], *auth = new_pages(1), ld[48], want[48];
	struct sev_sim_snp_finish f = { .id_block = blk, .id_auth = auth,
					.id_block_en = true,
					.host_data = { 0xd0, 0x0d } };
	struct sev_sim_snp_report r;

	measurement(sim, g, ld);
	id_blobs(blk, auth, ld, POLICY);
	blk[0] ^= 1;
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &f),
			 SEV_SIM_BAD_MEASUREMENT);
	blk[0] ^= 1;
	blk[88] ^= 1;
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &f),
			 SEV_SIM_POLICY_FAILURE);
	blk[88] ^= 1;
	put32(auth, 2);
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &f),
			 SEV_SIM_INVALID_PARAM);
	put32(auth, 1);
	put32(auth + 4, 2);
	f.auth_key_en = true;
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &f),
			 SEV_SIM_INVALID_PARAM);
	put32(auth + 4, 1);
	f.id_auth = NULL;
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &f),
			 SEV_SIM_INVALID_ADDRESS);
	f.id_auth = auth;
	assert_int_equal(sev_sim_snp_report(sim, g, &r), 0);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_LAUNCH);
	assert_int_equal(sev_sim_snp_launch_finish(sim, g, &f), 0);
	assert_int_equal(sev_sim_snp_report(sim, g, &r), 0);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_RUNNING);
	assert_int_equal(r.policy, POLICY);
	assert_memory_equal(r.measurement, ld, 48);
	assert_int_equal(r.host_data[0], 0xd0);
	assert_int_equal(r.host_data[1], 0x0d);
	assert_true(r.id_block_en && r.author_key_en && !r.vcek_disabled);
	assert_int_equal(r.family_id[0], 0xf1);
	assert_int_equal(r.image_id[15], 0x1a);
	assert_int_equal(r.guest_svn, 9);
	assert_true(EVP_Digest(auth + 0x240, 0x404, want, NULL, EVP_sha384(),
			       NULL));
	assert_memory_equal(r.id_key_digest, want, 48);
	assert_true(EVP_Digest(auth + 0x880, 0x404, want, NULL, EVP_sha384(),
			       NULL));
	assert_memory_equal(r.author_key_digest, want, 48);
	assert_int_equal(sev_sim_snp_report(sim, 9, &r), -ENOENT);
	free(auth);
	sev_sim_destroy(sim);
}

/* The updated-GPA set: merges neighbours, bounded in disjoint ranges. */
static void test_snp_fw_gpa_ranges(void **state)
{
	struct sev_sim *sim = new_sim(true);
	uint32_t g = fw_guest(sim, POLICY), st = 0;
	uint8_t *page = new_pages(1);
	unsigned i;

	/* 8 pages in scrambled order end up as one range. */
	for (i = 0; i < 8; i++)
		assert_int_equal(fw_update(sim, g, (uint64_t)((i * 5) % 8) * PG,
					   page, SEV_SNP_PAGE_UNMEASURED), 0);
	for (i = 0; i < 8; i++)
		assert_true(sev_sim_snp_gpa_assigned(sim, g, (uint64_t)i * PG));
	assert_false(sev_sim_snp_gpa_assigned(sim, g, 8 * PG));
	for (i = 0; i < 2 * SEV_SIM_SNP_MAX_RANGES && !st; i++)
		st = fw_update(sim, g, (uint64_t)(16 + 2 * i) * PG, page,
			       SEV_SNP_PAGE_UNMEASURED);
	assert_int_equal(st, SEV_SIM_RESOURCE_LIMIT);
	assert_int_equal(i, SEV_SIM_SNP_MAX_RANGES);	/* 1 + 4095 ranges */
	/* Filling a hole merges two ranges, which fits again. */
	assert_int_equal(fw_update(sim, g, 17 * PG, page,
				   SEV_SNP_PAGE_UNMEASURED), 0);
	free(page);
	sev_sim_destroy(sim);
}

static void test_snp_fw_inject(void **state)
{
	struct sev_sim *sim = new_sim(true);
	uint32_t g = fw_guest(sim, POLICY);
	uint8_t *page = new_pages(1);

	sev_sim_snp_inject_status(sim, SEV_SIM_SNP_CMD_LAUNCH_UPDATE,
				  SEV_SIM_HWERROR_PLATFORM);
	assert_int_equal(fw_update(sim, g, 0, page, 1),
			 SEV_SIM_HWERROR_PLATFORM);
	assert_false(sev_sim_snp_gpa_assigned(sim, g, 0));
	assert_int_equal(fw_update(sim, g, 0, page, 1), 0);
	free(page);
	sev_sim_destroy(sim);
}

/* ---- KVM model ---------------------------------------------------------- */

struct kvm_fix {
	struct sev_sim *fw;
	struct sev_simkvm *vm;
};

static int op(struct sev_simkvm *vm, uint32_t id, void *data, uint32_t *err)
{
	struct kvm_sev_cmd cmd = { .id = id, .data = (uintptr_t)data,
				   .error = 0xdead };
	int rc = sev_simkvm_encrypt_op(vm, &cmd);

	*err = cmd.error;
	return rc;
}

static void kvm_open(struct kvm_fix *f, int type, bool snp)
{
	f->fw = new_sim(snp);
	assert_int_equal(sev_simkvm_create(f->fw, type, &f->vm), 0);
}

static void kvm_close(struct kvm_fix *f)
{
	sev_simkvm_destroy(f->vm);
	sev_sim_destroy(f->fw);
}

static int init2(struct kvm_fix *f, uint64_t features, uint16_t ghcb)
{
	struct sev_compat_kvm_sev_init in = { .vmsa_features = features,
					      .ghcb_version = ghcb };
	uint32_t e;

	return op(f->vm, SEV_COMPAT_KVM_SEV_INIT2, &in, &e);
}

static int snp_start(struct kvm_fix *f, uint64_t policy, uint32_t *e)
{
	struct kvm_sev_snp_launch_start s = { .policy = policy };

	return op(f->vm, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, &s, e);
}

static int snp_update(struct kvm_fix *f, struct kvm_sev_snp_launch_update *u,
		      uint32_t *e)
{
	return op(f->vm, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE, u, e);
}

static int snp_finish(struct kvm_fix *f, struct kvm_sev_snp_launch_finish *l,
		      uint32_t *e)
{
	return op(f->vm, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH, l, e);
}

static void test_snp_kvm_init2(void **state)
{
	struct kvm_fix f;
	struct sev_compat_kvm_sev_init bad = { .flags = 1 };
	struct kvm_sev_launch_start ls = { 0 };
	uint32_t e;

	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(op(f.vm, KVM_SEV_INIT, NULL, &e), -EINVAL);
	assert_int_equal(op(f.vm, KVM_SEV_LAUNCH_START, &ls, &e), -ENOTTY);
	assert_int_equal(snp_start(&f, POLICY, &e), -ENOTTY);
	assert_int_equal(op(f.vm, SEV_COMPAT_KVM_SEV_INIT2, &bad, &e), -EINVAL);
	assert_int_equal(init2(&f, 1, 0), -EINVAL);	/* SNP_ACTIVE: KVM's */
	assert_int_equal(init2(&f, 0, 1), -EINVAL);
	assert_int_equal(init2(&f, 0, 3), -EINVAL);
	assert_int_equal(init2(&f, SEV_SIMKVM_VMSA_FEATURES, 2), 0);
	assert_true(sev_sim_snp_initialized(f.fw));
	assert_int_equal(sev_sim_platform_state(f.fw), SEV_SIM_PLATFORM_INIT);
	/* Once SNP, every legacy command is -EPERM. */
	assert_int_equal(init2(&f, 0, 0), -EPERM);
	assert_int_equal(op(f.vm, KVM_SEV_LAUNCH_START, &ls, &e), -EPERM);
	assert_int_equal(op(f.vm, KVM_SEV_GUEST_STATUS, &ls, &e), -EPERM);
	assert_int_equal(op(f.vm, 103, NULL, &e), -EINVAL);
	kvm_close(&f);
	/* No SNP on the platform: no SNP VM. */
	kvm_open(&f, KVM_X86_SNP_VM, false);
	assert_int_equal(init2(&f, 0, 0), -ENOTTY);
	kvm_close(&f);
	/* SNP commands on an SEV-ES VM. */
	kvm_open(&f, KVM_X86_SEV_ES_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_start(&f, POLICY, &e), -ENOTTY);
	assert_int_equal(snp_update(&f, &(struct kvm_sev_snp_launch_update){
					 .len = PG, .type = 1 }, &e), -EINVAL);
	assert_int_equal(snp_finish(&f, &(struct kvm_sev_snp_launch_finish){ 0 },
				    &e), -ENOTTY);
	kvm_close(&f);
}

static void test_snp_kvm_start(void **state)
{
	struct kvm_fix f;
	struct kvm_sev_snp_launch_start s = { .policy = POLICY, .flags = 1 };
	uint32_t e;

	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(op(f.vm, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, &s, &e),
			 -EINVAL);
	assert_int_equal(op(f.vm, SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START, NULL,
			    &e), -EFAULT);
	assert_int_equal(snp_start(&f, POLICY | SEV_SIM_SNP_POLICY_MIGRATE_MA,
				   &e), -EINVAL);
	assert_int_equal(snp_start(&f, 1ull << 16, &e), -EINVAL);
	assert_int_equal(snp_start(&f, POLICY | 1ull << 21, &e), -EINVAL);
	/* KVM passes the ABI version; the firmware refuses 1.56. */
	assert_int_equal(snp_start(&f, POLICY | 0x138, &e), -EIO);
	assert_int_equal(e, SEV_SIM_POLICY_FAILURE);
	assert_int_equal(snp_start(&f, 0x20000, &e), -EIO);	/* no SMT */
	assert_int_equal(e, SEV_SIM_POLICY_FAILURE);
	assert_int_equal(snp_start(&f, POLICY | SEV_SIM_SNP_POLICY_DEBUG, &e),
			 0);
	assert_int_equal(snp_start(&f, POLICY, &e), -EINVAL);
	kvm_close(&f);
}

static void test_snp_kvm_update(void **state)
{
	struct kvm_fix f;
	uint8_t *mem = new_pages(4);
	struct kvm_sev_snp_launch_update u = { .gfn_start = 0x10,
					       .uaddr = (uintptr_t)mem,
					       .len = 2 * PG, .type = 1 };
	struct kvm_sev_snp_launch_update z = { .gfn_start = 0x20,
					       .len = 2 * PG, .type = 3 };
	uint32_t e;

	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_update(&f, &u, &e), -EINVAL);	/* no START */
	assert_int_equal(snp_start(&f, POLICY, &e), 0);
	assert_int_equal(snp_update(&f, NULL, &e), -EFAULT);
	u.len = 0;
	assert_int_equal(snp_update(&f, &u, &e), -EINVAL);
	u.len = PG + 1;
	assert_int_equal(snp_update(&f, &u, &e), -EINVAL);
	u.len = 2 * PG;
	u.flags = 1;
	assert_int_equal(snp_update(&f, &u, &e), -EINVAL);
	u.flags = 0;
	for (uint8_t t = 0; t < 9; t++) {
		u.type = t;
		if (t == 1 || (t >= 3 && t <= 6))
			continue;
		assert_int_equal(snp_update(&f, &u, &e), -EINVAL); /* VMSA too */
	}
	u.type = 1;
	u.uaddr += 16;
	assert_int_equal(snp_update(&f, &u, &e), -EINVAL);
	u.uaddr -= 16;
	u.gfn_start = (SEV_SIM_SNP_GPA_LIMIT >> 12) - 1;
	assert_int_equal(snp_update(&f, &u, &e), -EINVAL);
	u.gfn_start = 0x10;
	assert_int_equal(e, 0xdead);	/* not touched without firmware */
	/* Success advances the three fields in place. */
	assert_int_equal(snp_update(&f, &u, &e), 0);
	assert_int_equal(u.gfn_start, 0x12);
	assert_int_equal(u.len, 0);
	assert_int_equal(u.uaddr, (uintptr_t)mem + 2 * PG);
	/* ZERO: uaddr 0 is fine and is not advanced. */
	assert_int_equal(snp_update(&f, &z, &e), 0);
	assert_int_equal(z.gfn_start, 0x22);
	assert_int_equal(z.uaddr, 0);
	/* An assigned page: KVM's -EEXIST, reported as -EIO, error 0. */
	u = (struct kvm_sev_snp_launch_update){ .gfn_start = 0x11,
		.uaddr = (uintptr_t)mem, .len = PG, .type = 1 };
	assert_int_equal(snp_update(&f, &u, &e), -EIO);
	assert_int_equal(e, 0);
	/* A range that runs into one: progress, then the error. */
	u = (struct kvm_sev_snp_launch_update){ .gfn_start = 0xe,
		.uaddr = (uintptr_t)mem, .len = 3 * PG, .type = 4 };
	assert_int_equal(snp_update(&f, &u, &e), 0);
	assert_int_equal(u.gfn_start, 0x10);
	assert_int_equal(u.len, PG);
	assert_int_equal(snp_update(&f, &u, &e), -EIO);
	assert_int_equal(u.len, PG);
	free(mem);
	kvm_close(&f);
}

static void test_snp_kvm_writeback(void **state)
{
	struct kvm_fix f;
	uint8_t *mem = new_pages(3), *orig = new_pages(1);
	struct kvm_sev_snp_launch_update u = { .gfn_start = 0x80,
					       .uaddr = (uintptr_t)mem,
					       .len = 2 * PG, .type = 3 };
	uint32_t e;

	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_start(&f, POLICY, &e), 0);
	memset(mem, 0x55, 3 * PG);
	assert_int_equal(snp_update(&f, &u, &e), 0);
	for (unsigned i = 0; i < 2 * PG; i++)
		assert_int_equal(mem[i], 0);
	assert_int_equal(mem[2 * PG], 0x55);
	u = (struct kvm_sev_snp_launch_update){ .gfn_start = 0x90,
		.uaddr = (uintptr_t)mem, .len = PG, .type = 5 };
	assert_int_equal(snp_update(&f, &u, &e), 0);
	assert_int_equal(mem[0], SEV_SIM_SNP_SECRETS_VERSION);
	/* A rejected CPUID table comes back corrected with INVALID_PARAM. */
	memset(mem, 0, PG);
	put32(mem, 1);
	put32(cpuid_entry(mem, 0), 1);
	put32(cpuid_entry(mem, 0) + 32, 0x20);
	memcpy(orig, mem, PG);
	u = (struct kvm_sev_snp_launch_update){ .gfn_start = 0x91,
		.uaddr = (uintptr_t)mem, .len = PG, .type = 6 };
	assert_int_equal(snp_update(&f, &u, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_PARAM);
	assert_int_equal(u.len, PG);
	assert_int_equal(get32(cpuid_entry(mem, 0) + 32), 0);
	assert_memory_not_equal(orig, mem, PG);
	assert_int_equal(snp_update(&f, &u, &e), 0);
	free(mem);
	free(orig);
	kvm_close(&f);
}

static void build_vmsas(uint8_t (*pages)[SEV_VMSA_SIZE], unsigned n,
			uint32_t eip)
{
	struct sev_vmsa_opts o = { .sev_features = SEV_SNP_FEATURE_SNP_ACTIVE,
				   .sync_fpu = true };
	struct sev_vcpu_state st;

	for (unsigned i = 0; i < n; i++) {
		sev_vcpu_reset_state(&st, i, SEV_MEASURE_DEFAULT_VCPU_SIG, eip);
		sev_vmsa_build(pages[i], &st, &o);
	}
}

static void test_snp_kvm_finish(void **state)
{
	struct kvm_fix f;
	uint8_t (*vmsas)[SEV_VMSA_SIZE] = (void *)new_pages(2);
	uint8_t blk[96], *auth = new_pages(1), want[48] = { 0 }, got[48];
	struct kvm_sev_snp_launch_finish fin = { .flags = 1 };
	struct sev_snp_page_info pi = { .page_type = 2,
					.gpa = SEV_SNP_VMSA_GPA };
	struct sev_sim_snp_report r;
	uint32_t e;

	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_finish(&f, &fin, &e), -EINVAL);	/* no START */
	assert_int_equal(sev_simkvm_snp_measurement(f.vm, got), -ENOENT);
	assert_int_equal(snp_start(&f, POLICY, &e), 0);
	assert_int_equal(snp_finish(&f, &fin, &e), -EINVAL);	/* flags */
	assert_int_equal(snp_finish(&f, NULL, &e), -EFAULT);
	build_vmsas(vmsas, 2, 0x80b004);
	sev_simkvm_set_vmsas(f.vm, (const void *)vmsas, 2);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(sev_snp_ld_extend(want, &pi, vmsas[i]), 0);
	/* A wrong ID block: the VMSAs are measured, FINISH fails. */
	id_blobs(blk, auth, want, POLICY | 1);
	fin = (struct kvm_sev_snp_launch_finish){
		.id_block_uaddr = (uintptr_t)blk, .id_auth_uaddr = 0,
		.id_block_en = 1, .host_data = { 0x99 } };
	assert_int_equal(snp_finish(&f, &fin, &e), -EINVAL);	/* no auth */
	fin.id_auth_uaddr = (uintptr_t)auth;
	assert_int_equal(snp_finish(&f, &fin, &e), -EIO);
	assert_int_equal(e, SEV_SIM_BAD_MEASUREMENT);
	assert_int_equal(sev_simkvm_snp_measurement(f.vm, got), 0);
	assert_memory_not_equal(want, got, 48);	/* measured twice by now */
	kvm_close(&f);

	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_start(&f, POLICY, &e), 0);
	sev_simkvm_set_vmsas(f.vm, (const void *)vmsas, 2);
	id_blobs(blk, auth, want, POLICY);
	assert_int_equal(snp_finish(&f, &fin, &e), 0);
	assert_int_equal(e, 0);
	assert_int_equal(sev_simkvm_snp_report(f.vm, &r), 0);
	assert_memory_equal(r.measurement, want, 48);
	assert_int_equal(r.host_data[0], 0x99);
	assert_true(r.id_block_en && !r.author_key_en);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_RUNNING);
	assert_int_equal(r.pages_updated, 2);
	assert_int_equal(snp_finish(&f, &fin, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_GUEST_STATE);
	assert_int_equal(snp_update(&f, &(struct kvm_sev_snp_launch_update){
			  .gfn_start = 1, .len = PG, .type = 3 }, &e), -EIO);
	assert_int_equal(e, SEV_SIM_INVALID_GUEST_STATE);
	/* VM teardown decommissions: the context slot is free again. */
	sev_simkvm_destroy(f.vm);
	assert_int_equal(sev_simkvm_create(f.fw, KVM_X86_SNP_VM, &f.vm), 0);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_start(&f, POLICY, &e), 0);
	assert_int_equal(sev_simkvm_snp_report(f.vm, &r), 0);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_LAUNCH);
	free(vmsas);
	free(auth);
	kvm_close(&f);
}

/* ---- agreement with `vmm measure --mode snp` ----------------------------- */

/* measure_snp.c's mapping of OVMF's metadata sections to page types. */
static uint8_t section_type(uint32_t type)
{
	switch (type) {
	case OVMF_SEV_SECTION_SNP_SECRETS:
		return KVM_SEV_SNP_PAGE_TYPE_SECRETS;
	case OVMF_SEV_SECTION_CPUID:
		return KVM_SEV_SNP_PAGE_TYPE_CPUID;
	default:	/* SEC_MEM, SVSM_CAA, KERNEL_HASHES without a kernel */
		return KVM_SEV_SNP_PAGE_TYPE_ZERO;
	}
}

static void kvm_range(struct kvm_fix *f, uint64_t gpa, void *hva,
		      uint64_t len, uint8_t type)
{
	struct kvm_sev_snp_launch_update u = { .gfn_start = gpa / PG,
					       .uaddr = (uintptr_t)hva,
					       .len = len, .type = type };
	uint32_t e;

	while (u.len)
		assert_int_equal(snp_update(f, &u, &e), 0);
}

/* The QEMU-style launch of (img) through the KVM model; (ld) its result. */
static void model_launch(const uint8_t *img, size_t len,
			 const struct ovmf_sev_info *info, unsigned nr_vcpus,
			 uint8_t ld[48])
{
	struct kvm_fix f;
	uint8_t *code = new_pages(len / PG);
	uint8_t (*vmsas)[SEV_VMSA_SIZE] = (void *)new_pages(nr_vcpus);
	struct kvm_sev_snp_launch_finish fin = { 0 };
	uint32_t e;

	memcpy(code, img, len);
	kvm_open(&f, KVM_X86_SNP_VM, true);
	assert_int_equal(init2(&f, 0, 0), 0);
	assert_int_equal(snp_start(&f, POLICY, &e), 0);
	kvm_range(&f, 0x100000000ull - len, code, len,
		  KVM_SEV_SNP_PAGE_TYPE_NORMAL);
	for (unsigned i = 0; i < info->nr_sections; i++) {
		const struct ovmf_sev_section *s = &info->sections[i];
		uint8_t *ram = new_pages(s->size / PG);

		kvm_range(&f, s->gpa, ram, s->size, section_type(s->type));
		free(ram);
	}
	build_vmsas(vmsas, nr_vcpus, info->sev_es_reset_eip);
	sev_simkvm_set_vmsas(f.vm, (const void *)vmsas, nr_vcpus);
	assert_int_equal(snp_finish(&f, &fin, &e), 0);
	assert_int_equal(sev_simkvm_snp_measurement(f.vm, ld), 0);
	free(code);
	free(vmsas);
	kvm_close(&f);
}

static void agree(const uint8_t *img, size_t len, unsigned nr_vcpus,
		  const char *want_hex)
{
	struct sev_measure_params p;
	struct ovmf_sev_info info;
	uint8_t model[48], offline[48];
	char h[97];

	assert_int_equal(ovmf_sev_info_parse(img, len, &info), 0);
	sev_measure_params_init(&p, SEV_MODE_SNP);
	p.nr_vcpus = nr_vcpus;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, offline), 0);
	model_launch(img, len, &info, nr_vcpus, model);
	assert_memory_equal(model, offline, 48);
	hex(model, 48, h);
	assert_string_equal(h, want_hex);
}

static void test_snp_agree_ovmf_2m(void **state)
{
	size_t len;
	uint8_t *img = load_file(OVMF_2M, &len);

	if (!img)
		skip();
	agree(img, len, 1, LD_2M_1CPU);
	agree(img, len, 4, LD_2M_4CPU);
	free(img);
}

/*
 * Debian's 4M build has no SNP metadata: no metadata pages, CODE and the
 * VMSAs only.  `vmm measure` and the model agree, with the values
 * sev-snp-measure computes (QEMU and this VMM still refuse to launch it).
 */
static void test_snp_agree_ovmf_4m(void **state)
{
	struct ovmf_sev_info info;
	size_t len;
	uint8_t *img = load_file(OVMF_4M, &len);

	if (!img)
		skip();
	assert_int_equal(ovmf_sev_info_parse(img, len, &info), 0);
	assert_false(info.has_metadata);
	agree(img, len, 1, "68d8e64d29b9823e790b0a4c94d8b6cba4bf4322df2197c0"
			   "9eb0942ed07fe8a0f922ed49fe9fbfb33150e2bd858c8a70");
	agree(img, len, 4, "08fb24cde9c3412ac8e84b25cfa172c9734742ada001b673"
			   "bbc6b6f80f58d5aea0f717c361f62623444757283727dd5b");
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_fw_platform),
		cmocka_unit_test(test_snp_fw_policy),
		cmocka_unit_test(test_snp_fw_states),
		cmocka_unit_test(test_snp_fw_update_checks),
		cmocka_unit_test(test_snp_fw_digest_chain),
		cmocka_unit_test(test_snp_fw_zero_and_secrets),
		cmocka_unit_test(test_snp_fw_cpuid),
		cmocka_unit_test(test_snp_fw_finish_id_block),
		cmocka_unit_test(test_snp_fw_gpa_ranges),
		cmocka_unit_test(test_snp_fw_inject),
		cmocka_unit_test(test_snp_kvm_init2),
		cmocka_unit_test(test_snp_kvm_start),
		cmocka_unit_test(test_snp_kvm_update),
		cmocka_unit_test(test_snp_kvm_writeback),
		cmocka_unit_test(test_snp_kvm_finish),
		cmocka_unit_test(test_snp_agree_ovmf_2m),
		cmocka_unit_test(test_snp_agree_ovmf_4m),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
