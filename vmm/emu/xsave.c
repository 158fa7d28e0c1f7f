// SPDX-License-Identifier: Apache-2.0
/*
 * struct kvm_fpu <-> the legacy region of struct kvm_xsave.
 *
 * Why not KVM_GET_FPU/KVM_SET_FPU: measured on this host (and visible in
 * the kernel's kvm_arch_vcpu_ioctl_{get,set}_fpu), neither carries MXCSR
 * (GET returns 0, SET ignores it), and SET writes the FXSAVE fields
 * without setting XSTATE_BV, so while the guest's x87 state is in its init
 * configuration (right after FNINIT) a value set that way is dropped: the
 * next XRSTOR loads the init state instead (Intel SDM Vol. 1 13.8.1).
 * KVM_GET_XSAVE/KVM_SET_XSAVE with these helpers have neither problem.
 *
 * Layout: bytes 0-511 are the FXSAVE image in its 64-bit form (SDM Vol. 1
 * Table 10-2), XSTATE_BV is the first 8 bytes of the XSAVE header at 512
 * (13.4.2).
 */
#include <string.h>

#include "vmm/emu/emu.h"

#define XS_FCW		0
#define XS_FSW		2
#define XS_FTW		4
#define XS_FOP		6
#define XS_FIP		8
#define XS_FDP		16
#define XS_MXCSR	24
#define XS_ST		32
#define XS_XMM		160
#define XS_XSTATE_BV	512
#define XSTATE_X87	(1ULL << 0)
#define XSTATE_SSE	(1ULL << 1)
#define FCW_INIT	0x037F	/* SDM Vol. 1 13.6: x87 init configuration */

_Static_assert(sizeof(((struct kvm_xsave *)0)->region) >= XS_XSTATE_BV + 8,
	       "kvm_xsave holds the legacy region and the XSAVE header");

static void get(const struct kvm_xsave *xs, unsigned off, void *v, size_t n)
{
	memcpy(v, (const uint8_t *)xs->region + off, n);
}

static void put(struct kvm_xsave *xs, unsigned off, const void *v, size_t n)
{
	memcpy((uint8_t *)xs->region + off, v, n);
}

void emu_fpu_from_xsave(const struct kvm_xsave *xs, struct kvm_fpu *fpu)
{
	uint64_t bv;
	uint8_t ftw;

	memset(fpu, 0, sizeof(*fpu));
	get(xs, XS_XSTATE_BV, &bv, 8);
	get(xs, XS_MXCSR, &fpu->mxcsr, 4);
	if (bv & XSTATE_SSE)
		get(xs, XS_XMM, fpu->xmm, sizeof(fpu->xmm));
	if (!(bv & XSTATE_X87)) {
		/* Component in init state: memory is not what XRSTOR loads. */
		fpu->fcw = FCW_INIT;
		return;
	}
	get(xs, XS_FCW, &fpu->fcw, 2);
	get(xs, XS_FSW, &fpu->fsw, 2);
	get(xs, XS_FTW, &ftw, 1);
	fpu->ftwx = ftw;
	get(xs, XS_FOP, &fpu->last_opcode, 2);
	get(xs, XS_FIP, &fpu->last_ip, 8);
	get(xs, XS_FDP, &fpu->last_dp, 8);
	for (unsigned i = 0; i < 8; i++)
		get(xs, XS_ST + 16 * i, fpu->fpr[i], 16);
}

void emu_fpu_to_xsave(const struct kvm_fpu *fpu, struct kvm_xsave *xs)
{
	uint64_t bv;

	put(xs, XS_FCW, &fpu->fcw, 2);
	put(xs, XS_FSW, &fpu->fsw, 2);
	put(xs, XS_FTW, &fpu->ftwx, 1);
	put(xs, XS_FOP, &fpu->last_opcode, 2);
	put(xs, XS_FIP, &fpu->last_ip, 8);
	put(xs, XS_FDP, &fpu->last_dp, 8);
	put(xs, XS_MXCSR, &fpu->mxcsr, 4);
	for (unsigned i = 0; i < 8; i++)
		put(xs, XS_ST + 16 * i, fpu->fpr[i], 16);
	put(xs, XS_XMM, fpu->xmm, sizeof(fpu->xmm));
	/* Mark x87 and SSE in use so XRSTOR takes them from memory. */
	get(xs, XS_XSTATE_BV, &bv, 8);
	bv |= XSTATE_X87 | XSTATE_SSE;
	put(xs, XS_XSTATE_BV, &bv, 8);
}
