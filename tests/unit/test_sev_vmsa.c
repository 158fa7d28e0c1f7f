// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-ES VMSA built from this VMM's reset state.  The references are
 * two VMSAs virtee/sevctl publishes as test data (tests/data/vmsa0.bin,
 * vmsa1.bin, captured from a real SEV-ES launch: Milan signature 0xa00f11,
 * legacy ES_INIT, AP reset block 0x80b004); their SHA-256 was taken with
 * sha256sum from the published files.  The rest pins field offsets
 * against the APM's table B-4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "sev/vmsa.h"
#include "vmm/x86.h"

static const char sevctl_vmsa0_sha256[] =
	"f8b52f775502472e5797d2674d9de21f6abc05dc05e9bc49cbb7b6a13688d5e7";
static const char sevctl_vmsa1_sha256[] =
	"bcee5cb289f72882da17abd8dca5e8a7e9f8e2033e7ad96b4db0ab1a383a6487";

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t d[32];
	unsigned len = 0;

	assert_true(EVP_Digest(p, n, d, &len, EVP_sha256(), NULL));
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static uint64_t get64(const uint8_t *page, size_t off)
{
	uint64_t v;

	memcpy(&v, page + off, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *page, size_t off)
{
	uint32_t v;

	memcpy(&v, page + off, sizeof(v));
	return v;
}

static uint16_t get16(const uint8_t *page, size_t off)
{
	uint16_t v;

	memcpy(&v, page + off, sizeof(v));
	return v;
}

static void build(uint8_t *page, unsigned index, uint32_t sig, uint32_t eip,
		  bool fpu, uint64_t features)
{
	struct sev_vcpu_state st;
	struct sev_vmsa_opts opts = { .sev_features = features,
				      .sync_fpu = fpu };

	sev_vcpu_reset_state(&st, index, sig, eip);
	sev_vmsa_build(page, &st, &opts);
}

static void test_sev_vmsa_bsp_matches_sevctl_vmsa0(void **state)
{
	uint8_t page[SEV_VMSA_SIZE];
	char hex[65];

	(void)state;
	build(page, 0, 0xa00f11, 0x80b004, false, 0);
	sha256_hex(page, sizeof(page), hex);
	assert_string_equal(hex, sevctl_vmsa0_sha256);
	/* A few fields by offset, so a mismatch says where. */
	assert_int_equal(get16(page, 0x10), 0xf000);	/* CS selector */
	assert_int_equal(get16(page, 0x12), 0x9b);	/* CS attrib */
	assert_int_equal(get64(page, 0x18), 0xffff0000);
	assert_int_equal(get16(page, 0x02), 0x93);	/* ES attrib */
	assert_int_equal(get16(page, 0x72), 0x82);	/* LDTR */
	assert_int_equal(get16(page, 0x92), 0x8b);	/* TR */
	assert_int_equal(get64(page, 0xd0), 0x1000);	/* EFER.SVME */
	assert_int_equal(get64(page, 0x148), 0x40);	/* CR4.MCE */
	assert_int_equal(get64(page, 0x158), 0x10);	/* CR0.ET */
	assert_int_equal(get64(page, 0x160), 0x400);
	assert_int_equal(get64(page, 0x168), 0xffff0ff0);
	assert_int_equal(get64(page, 0x170), 0x2);
	assert_int_equal(get64(page, 0x178), 0xfff0);
	assert_int_equal(get64(page, 0x268), 0x0007040600070406ULL);
	assert_int_equal(get64(page, 0x310), 0xa00f11);
	assert_int_equal(get64(page, 0x3e8), 1);
	assert_int_equal(get32(page, 0x408), 0);	/* no FPU: legacy */
	assert_int_equal(get16(page, 0x410), 0);
}

static void test_sev_vmsa_ap_matches_sevctl_vmsa1(void **state)
{
	uint8_t page[SEV_VMSA_SIZE];
	char hex[65];

	(void)state;
	build(page, 1, 0xa00f11, 0x80b004, false, 0);
	sha256_hex(page, sizeof(page), hex);
	assert_string_equal(hex, sevctl_vmsa1_sha256);
	assert_int_equal(get16(page, 0x10), 0xf000);
	assert_int_equal(get64(page, 0x18), 0x800000);
	assert_int_equal(get64(page, 0x178), 0xb004);
}

/* KVM_SEV_INIT2 VMs carry the x87/SSE reset state (FCW, MXCSR). */
static void test_sev_vmsa_init2_fpu_and_features(void **state)
{
	uint8_t page[SEV_VMSA_SIZE];

	(void)state;
	build(page, 0, 0x800f12, 0, true, 1u << 5);
	assert_int_equal(get32(page, 0x408), X86_RESET_MXCSR);
	assert_int_equal(get16(page, 0x410), X86_RESET_FCW);
	assert_int_equal(get16(page, 0x40c), 0);	/* FTW: all empty */
	assert_int_equal(get64(page, 0x3b0), 0x20);	/* DebugSwap */
	assert_int_equal(get64(page, 0x310), 0x800f12);
}

static void test_sev_vmsa_gpr_offsets(void **state)
{
	static const struct {
		size_t off;
		uint64_t val;
	} want[] = {
		{ 0x1f8, 1 }, { 0x318, 2 }, { 0x308, 3 }, { 0x310, 4 },
		{ 0x1d8, 5 }, { 0x328, 6 }, { 0x330, 7 }, { 0x338, 8 },
		{ 0x340, 9 }, { 0x348, 10 }, { 0x350, 11 }, { 0x358, 12 },
		{ 0x360, 13 }, { 0x368, 14 }, { 0x370, 15 }, { 0x378, 16 },
		{ 0x178, 17 }, { 0x170, 18 },
	};
	struct sev_vcpu_state st;
	struct sev_vmsa_opts opts = { 0 };
	uint8_t page[SEV_VMSA_SIZE];

	(void)state;
	sev_vcpu_reset_state(&st, 0, 0, 0);
	st.regs = (struct kvm_regs){
		.rax = 1, .rbx = 2, .rcx = 3, .rdx = 4, .rsp = 5, .rbp = 6,
		.rsi = 7, .rdi = 8, .r8 = 9, .r9 = 10, .r10 = 11, .r11 = 12,
		.r12 = 13, .r13 = 14, .r14 = 15, .r15 = 16, .rip = 17,
		.rflags = 18,
	};
	sev_vmsa_build(page, &st, &opts);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(get64(page, want[i].off), want[i].val);
	/* Nothing after the FPU area. */
	for (size_t i = 0x670; i < SEV_VMSA_SIZE; i++)
		assert_int_equal(page[i], 0);
}

/* What KVM changes on the way in: CD/NW, CR4.MCE, EFER.SVME, P if unusable. */
static void test_sev_vmsa_kvm_adjustments(void **state)
{
	struct sev_vcpu_state st;
	struct sev_vmsa_opts opts = { 0 };
	uint8_t page[SEV_VMSA_SIZE];

	(void)state;
	sev_vcpu_reset_state(&st, 0, 0, 0);
	st.sregs.cr0 = 0xe0000011;	/* PG CD NW ET PE */
	st.sregs.cr4 = 0x20;		/* PAE */
	st.sregs.efer = 0x500;		/* LME LMA */
	st.sregs.cr3 = 0x1000;
	st.sregs.ds.unusable = 1;
	st.sregs.cs.l = 1;
	st.sregs.cs.db = 0;
	st.sregs.cs.g = 1;
	st.sregs.cs.dpl = 3;
	st.sregs.gdt.base = 0xfffff000;
	sev_vmsa_build(page, &st, &opts);
	assert_int_equal(get64(page, 0x158), 0x80000011);
	assert_int_equal(get64(page, 0x148), 0x60);
	assert_int_equal(get64(page, 0xd0), 0x1500);
	assert_int_equal(get64(page, 0x150), 0x1000);
	assert_int_equal(get16(page, 0x32), 0x13);	/* DS: P cleared */
	assert_int_equal(get16(page, 0x12), 0xa00 | 0x60 | 0x9b);
	assert_int_equal(get64(page, 0x68), 0xfffff000);	/* GDTR base */
	assert_int_equal(get16(page, 0x62), 0);		/* GDTR attrib */
}

static void test_sev_vmsa_x87_register_packing(void **state)
{
	struct sev_vcpu_state st;
	struct sev_vmsa_opts opts = { .sync_fpu = true };
	uint8_t page[SEV_VMSA_SIZE];

	(void)state;
	sev_vcpu_reset_state(&st, 0, 0, 0);
	for (int i = 0; i < 16; i++)
		st.fpu.fpr[1][i] = (uint8_t)(0x10 + i);
	st.fpu.xmm[2][0] = 0xab;
	st.fpu.ftwx = 0x02;
	st.fpu.fsw = 0x3800;
	st.fpu.last_ip = 0x1234;
	st.fpu.last_dp = 0x5678;
	st.fpu.last_opcode = 0x7ff;
	sev_vmsa_build(page, &st, &opts);
	for (int i = 0; i < 8; i++)
		assert_int_equal(page[0x420 + 8 + i], 0x10 + i);
	assert_int_equal(page[0x420 + 64 + 2], 0x18);
	assert_int_equal(page[0x420 + 64 + 3], 0x19);
	assert_int_equal(page[0x470 + 32], 0xab);
	assert_int_equal(get16(page, 0x40c), 0x02);
	assert_int_equal(get16(page, 0x40e), 0x3800);
	assert_int_equal(get64(page, 0x418), 0x1234);
	assert_int_equal(get64(page, 0x400), 0x5678);
	assert_int_equal(get16(page, 0x412), 0x7ff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sev_vmsa_bsp_matches_sevctl_vmsa0),
		cmocka_unit_test(test_sev_vmsa_ap_matches_sevctl_vmsa1),
		cmocka_unit_test(test_sev_vmsa_init2_fpu_and_features),
		cmocka_unit_test(test_sev_vmsa_gpr_offsets),
		cmocka_unit_test(test_sev_vmsa_kvm_adjustments),
		cmocka_unit_test(test_sev_vmsa_x87_register_packing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
