// SPDX-License-Identifier: Apache-2.0
/*
 * emu_fpu_from_xsave() / emu_fpu_to_xsave(): the legacy FXSAVE region and
 * XSTATE_BV of a KVM_GET_XSAVE image (Intel SDM Vol. 1 10.5.1, 13.4), and
 * one round trip through the real KVM when /dev/kvm is there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/emu/emu.h"

static uint64_t xstate_bv(const struct kvm_xsave *xs)
{
	uint64_t bv;

	memcpy(&bv, (const uint8_t *)xs->region + 512, 8);
	return bv;
}

static void set_bv(struct kvm_xsave *xs, uint64_t bv)
{
	memcpy((uint8_t *)xs->region + 512, &bv, 8);
}

static void sample_fpu(struct kvm_fpu *f)
{
	memset(f, 0, sizeof(*f));
	f->fcw = 0x027F;
	f->fsw = 0x3820;
	f->ftwx = 0x80;
	f->last_opcode = 0x550;
	f->last_ip = 0xFFFFFFFF12345678ULL;
	f->last_dp = 0x0000123456789ABCULL;
	f->mxcsr = 0x9FC0;
	for (unsigned i = 0; i < 8; i++)
		for (unsigned b = 0; b < 10; b++)
			f->fpr[i][b] = (uint8_t)(16 * i + b + 1);
	for (unsigned i = 0; i < 16; i++)
		memset(f->xmm[i], 0xA0 + (int)i, 16);
}

static void test_emu_xsave_to_sets_legacy_region_and_bv(void **state)
{
	static struct kvm_xsave xs;
	struct kvm_fpu f;
	const uint8_t *r = (const uint8_t *)xs.region;
	uint16_t w;
	uint32_t l;
	uint64_t q;

	(void)state;
	memset(&xs, 0x5C, sizeof(xs));
	set_bv(&xs, 0x4);	/* AVX in use, x87 and SSE in init state */
	sample_fpu(&f);
	emu_fpu_to_xsave(&f, &xs);
	memcpy(&w, r + 0, 2);
	assert_int_equal(w, 0x027F);
	memcpy(&w, r + 2, 2);
	assert_int_equal(w, 0x3820);
	assert_int_equal(r[4], 0x80);
	memcpy(&w, r + 6, 2);
	assert_int_equal(w, 0x550);
	memcpy(&q, r + 8, 8);
	assert_int_equal(q, 0xFFFFFFFF12345678ULL);
	memcpy(&q, r + 16, 8);
	assert_int_equal(q, 0x0000123456789ABCULL);
	memcpy(&l, r + 24, 4);
	assert_int_equal(l, 0x9FC0);
	assert_memory_equal(r + 32 + 16 * 3, f.fpr[3], 16);
	assert_memory_equal(r + 160 + 16 * 15, f.xmm[15], 16);
	assert_int_equal(xstate_bv(&xs), 0x7);
	/* MXCSR_MASK, the reserved tail and the AVX area are left alone. */
	assert_int_equal(r[28], 0x5C);
	assert_int_equal(r[416], 0x5C);
	assert_int_equal(r[576], 0x5C);
}

static void test_emu_xsave_round_trip(void **state)
{
	static struct kvm_xsave xs;
	struct kvm_fpu in, out;

	(void)state;
	memset(&xs, 0, sizeof(xs));
	sample_fpu(&in);
	emu_fpu_to_xsave(&in, &xs);
	emu_fpu_from_xsave(&xs, &out);
	assert_memory_equal(&in, &out, sizeof(in));
}

/* A component whose XSTATE_BV bit is clear is in its init state (13.6). */
static void test_emu_xsave_from_init_state(void **state)
{
	static struct kvm_xsave xs;
	struct kvm_fpu f;
	const uint32_t mxcsr = 0x1F80;

	(void)state;
	memset(&xs, 0x77, sizeof(xs));
	memcpy((uint8_t *)xs.region + 24, &mxcsr, 4);
	set_bv(&xs, 0);
	emu_fpu_from_xsave(&xs, &f);
	assert_int_equal(f.fcw, 0x37F);
	assert_int_equal(f.fsw, 0);
	assert_int_equal(f.ftwx, 0);
	assert_int_equal(f.last_ip, 0);
	assert_int_equal(f.fpr[0][0], 0);
	assert_int_equal(f.xmm[0][0], 0);
	assert_int_equal(f.mxcsr, 0x1F80);

	set_bv(&xs, 0x2);	/* SSE in use: XMM from memory, x87 init */
	emu_fpu_from_xsave(&xs, &f);
	assert_int_equal(f.xmm[7][3], 0x77);
	assert_int_equal(f.fcw, 0x37F);
}

/*
 * Through the real KVM: a control word and MXCSR written right after
 * vCPU creation (x87 in init state) must read back.  Skipped without
 * /dev/kvm.
 */
static void test_emu_xsave_kvm_round_trip(void **state)
{
	static struct kvm_xsave xs;
	struct kvm_fpu f;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	int cpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);

	(void)state;
	if (cpu < 0) {
		if (vm >= 0)
			close(vm);
		if (kvm >= 0)
			close(kvm);
		fprintf(stderr, "skip: no usable /dev/kvm; the fw suite runs it on KVM\n");
		skip();
	}
	assert_int_equal(ioctl(cpu, KVM_GET_XSAVE, &xs), 0);
	emu_fpu_from_xsave(&xs, &f);
	assert_int_equal(f.fcw, 0x37F);
	assert_int_equal(f.mxcsr, 0x1F80);
	f.fcw = 0x027F;
	f.mxcsr = 0x9FC0;
	emu_fpu_to_xsave(&f, &xs);
	assert_int_equal(ioctl(cpu, KVM_SET_XSAVE, &xs), 0);
	memset(&xs, 0, sizeof(xs));
	assert_int_equal(ioctl(cpu, KVM_GET_XSAVE, &xs), 0);
	emu_fpu_from_xsave(&xs, &f);
	assert_int_equal(f.fcw, 0x027F);
	assert_int_equal(f.mxcsr, 0x9FC0);
	close(cpu);
	close(vm);
	close(kvm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emu_xsave_to_sets_legacy_region_and_bv),
		cmocka_unit_test(test_emu_xsave_round_trip),
		cmocka_unit_test(test_emu_xsave_from_init_state),
		cmocka_unit_test(test_emu_xsave_kvm_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
