// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for what an SEV-SNP guest asks of the run loop: page
 * state changes (KVM_HC_MAP_GPA_RANGE exits, any hypercall number and
 * arguments) and implicit conversions (KVM_EXIT_MEMORY_FAULT, any flags,
 * GPA and size), applied to an SNP-like memory map of guest_memfd slots by
 * vmm/run.c and vmm/memory_private.c.  KVM is a wrapped ioctl()
 * (tests/fuzz/fuzz_private_mem.ldflags) that plays the input's exits and
 * records KVM_SET_MEMORY_ATTRIBUTES; fallocate() is recorded too; madvise()
 * is real, over the slots' real host memory.
 *
 * Input: records of 14 bytes: kind (1), GPA (6, LE, times 4 KiB when
 * kind bit 7 is set, so the slots are reached), count (4, LE: pages for a
 * hypercall, bytes for a fault), attributes or flags (1), hypercall number
 * (1, KVM_HC_MAP_GPA_RANGE when 0), filler (1).  Kind bits 0-1: 0, 1
 * hypercall, 2 memory fault, 3 memory fault reported with another errno.
 *
 * Invariants (abort on violation), from the harness's own reading of the
 * rules, not the VMM's code:
 *   - a MAP_GPA_RANGE answer is 0 exactly when the request is well formed
 *     (known attribute bits, not 2M and 1G at once, 1..2^40 pages, no
 *     wrap) and, to private, every page lies in a guest_memfd slot; else
 *     -KVM_EINVAL, and nothing changed;
 *   - an accepted request sets the attribute on exactly its intersection
 *     with each slot, in slot order, and drops the other side of exactly
 *     those bytes (a hole at the same slot offset, or the shared pages);
 *   - another hypercall number, or a fault that cannot be resolved, ends
 *     the run as a crash; any other error of KVM_RUN as an error;
 *   - the counters add up: pages made private/shared and refusals.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>

#include "sev/sev_uapi_compat.h"
#include "vmm/machine.h"

int __wrap_ioctl(int fd, unsigned long req, void *arg);
int __wrap_fallocate(int fd, int mode, off_t off, off_t len);

#define VM_FD	 61
#define VCPU_FD	 62
#define GMEM0	 700
#define REC	 14
#define MAX_OPS	 64

/* The SNP machine's slots, small: low RAM, option-ROM RAM, RAM, CODE. */
static const struct { uint64_t gpa, size; } layout[] = {
	{ 0x0, 0xA0000 }, { 0xC0000, 0x20000 }, { 0x100000, 0x300000 },
	{ 0xFFFF0000, 0x10000 },
};
#define NSLOTS (sizeof(layout) / sizeof(layout[0]))

struct op { int kind; int fd; uint64_t a, b, c; };

static struct {
	struct kvm_run *run;
	const uint8_t *rec;	/* the exit to play, NULL once played */
	struct op ops[MAX_OPS];
	unsigned nops;
	struct vmm *vm;
} fz;

static void check(bool ok)
{
	if (!ok)
		abort();
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void record(int kind, int fd, uint64_t a, uint64_t b, uint64_t c)
{
	check(fz.nops < MAX_OPS);
	fz.ops[fz.nops++] = (struct op){ kind, fd, a, b, c };
}

static uint64_t rec_gpa(const uint8_t *r)
{
	uint64_t g = le(r + 1, 6);

	return (r[0] & 0x80) ? g << 12 : g;
}

/* Fill the run page with the record's exit; -errno for KVM_RUN. */
static int play(const uint8_t *r)
{
	struct kvm_run *run = fz.run;
	uint64_t gpa = rec_gpa(r), count = le(r + 7, 4);

	if ((r[0] & 3) <= 1) {
		run->exit_reason = KVM_EXIT_HYPERCALL;
		run->hypercall.nr = r[12] ? r[12] : KVM_HC_MAP_GPA_RANGE;
		run->hypercall.args[0] = gpa;
		run->hypercall.args[1] = count;
		run->hypercall.args[2] = r[11];
		run->hypercall.ret = 0xBAD;
		return 0;
	}
	run->exit_reason = KVM_EXIT_MEMORY_FAULT;
	*(struct sev_compat_kvm_memory_fault *)&run->mmio =
		(struct sev_compat_kvm_memory_fault){ r[11] & 0x0f, gpa, count };
	return (r[0] & 3) == 2 ? -EFAULT : -EHWPOISON;
}

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	if (req == KVM_SET_MEMORY_ATTRIBUTES) {
		const struct kvm_memory_attributes *a = arg;

		check(fd == VM_FD && a->flags == 0);
		record(0, fd, a->address, a->size, a->attributes);
		return 0;
	}
	check(fd == VCPU_FD && req == KVM_RUN && fz.rec);
	{
		int rc = play(fz.rec);

		fz.rec = NULL;
		fz.vm->stop_reason = VMM_EXIT_STOPPED;	/* one exit per record */
		if (rc) {
			errno = -rc;
			return -1;
		}
	}
	return 0;
}

int __wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
	check(mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE));
	record(1, fd, (uint64_t)off, (uint64_t)len, 0);
	return 0;
}

/* ---- the harness's own account ------------------------------------------- */

static uint64_t covered(uint64_t gpa, uint64_t end)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < NSLOTS; i++) {
		uint64_t lo = gpa > layout[i].gpa ? gpa : layout[i].gpa;
		uint64_t hi = end < layout[i].gpa + layout[i].size ? end
						: layout[i].gpa + layout[i].size;

		if (lo < hi)
			n += hi - lo;
	}
	return n;
}

/* The calls an accepted conversion of [gpa, end) must have made. */
static void expect_conversion(uint64_t gpa, uint64_t end, bool priv)
{
	unsigned k = 0;

	for (unsigned i = 0; i < NSLOTS; i++) {
		uint64_t lo = gpa > layout[i].gpa ? gpa : layout[i].gpa;
		uint64_t hi = end < layout[i].gpa + layout[i].size ? end
						: layout[i].gpa + layout[i].size;
		const struct op *a = &fz.ops[k], *d = &fz.ops[k + 1];

		if (lo >= hi)
			continue;
		check(k + (priv ? 0 : 1) < fz.nops);
		check(a->kind == 0 && a->a == lo && a->b == hi - lo &&
		      a->c == (priv ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0));
		/* madvise is real (nothing recorded); a hole is punched at
		 * the same offset of the slot's guest_memfd. */
		if (!priv)
			check(d->kind == 1 && d->fd == (int)(GMEM0 + i) &&
			      d->a == lo - layout[i].gpa && d->b == hi - lo);
		k += priv ? 1 : 2;
	}
	check(k == fz.nops);
}

static bool request_ok(uint64_t gpa, uint64_t pages, uint64_t attrs)
{
	uint64_t end;

	if ((attrs & ~0x13ull) || (attrs & 3) == 3 || pages == 0 ||
	    pages > (1ull << 40) || (gpa & 0xFFF) ||
	    __builtin_add_overflow(gpa, pages << 12, &end))
		return false;
	return !(attrs & KVM_MAP_GPA_RANGE_ENCRYPTED) ||
	       covered(gpa, end) == pages << 12;
}

static void check_hypercall(const uint8_t *r, const struct vmm_exit *ex,
			    const uint64_t before[3])
{
	uint64_t gpa = rec_gpa(r), pages = le(r + 7, 4), attrs = r[11];
	bool priv = attrs & KVM_MAP_GPA_RANGE_ENCRYPTED;

	if (r[12] && r[12] != KVM_HC_MAP_GPA_RANGE) {
		check(ex->reason == VMM_EXIT_CRASH && fz.nops == 0);
		return;
	}
	check(ex->reason == VMM_EXIT_STOPPED);
	if (!request_ok(gpa, pages, attrs)) {
		check(fz.run->hypercall.ret == (uint64_t)-KVM_EINVAL);
		check(fz.nops == 0 && fz.vm->conversions_refused == before[2] + 1);
		return;
	}
	check(fz.run->hypercall.ret == 0);
	expect_conversion(gpa, gpa + (pages << 12), priv);
	check(fz.vm->pages_to_private == before[0] + (priv ? pages : 0));
	check(fz.vm->pages_to_shared == before[1] + (priv ? 0 : pages));
}

static void check_fault(const uint8_t *r, const struct vmm_exit *ex)
{
	uint64_t gpa = rec_gpa(r), size = le(r + 7, 4), end, lo, hi;
	bool priv = r[11] & KVM_MEMORY_EXIT_FLAG_PRIVATE;

	if ((r[0] & 3) == 3) {	/* not EFAULT: KVM_RUN failed */
		check(ex->reason == VMM_EXIT_ERROR && fz.nops == 0);
		return;
	}
	if (size == 0 || __builtin_add_overflow(gpa, size, &end) ||
	    end > (1ull << 52)) {
		check(ex->reason == VMM_EXIT_CRASH && fz.nops == 0);
		return;
	}
	lo = gpa & ~0xFFFull;
	hi = (end + 0xFFF) & ~0xFFFull;
	if (priv && covered(lo, hi) != hi - lo) {
		check(ex->reason == VMM_EXIT_CRASH && fz.nops == 0);
		return;
	}
	check(ex->reason == VMM_EXIT_STOPPED);
	expect_conversion(lo, hi, priv);
}

static struct vmm *make_vm(uint8_t **mem)
{
	struct vmm *vm = calloc(1, sizeof(*vm));

	check(vm != NULL);
	vm->run = calloc(1, 8192);
	vm->run_size = 8192;
	vm->vcpu_fd = VCPU_FD;
	vm->vm_fd = vm->kvm_fd = -1;
	vm->cfg.console_in_fd = vm->cfg.console_out_fd = -1;
	vm->cfg.flags = VMM_F_NO_REBOOT;
	vm->stop_reason = -1;
	bus_init(&vm->pio);
	bus_init(&vm->mmio);
	mem_init(&vm->mem, VM_FD);
	for (unsigned i = 0; i < NSLOTS; i++) {
		mem[i] = mmap(NULL, layout[i].size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		check(mem[i] != MAP_FAILED);
		vm->mem.slots[i] = (struct mem_slot){ layout[i].gpa, layout[i].size,
						      mem[i], false, true,
						      (int)(GMEM0 + i) };
	}
	vm->mem.count = NSLOTS;
	return vm;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *mem[NSLOTS];
	struct vmm *vm = make_vm(mem);
	struct vmm_exit ex;

	fz.vm = vm;
	fz.run = vm->run;
	for (size_t off = 0; off + REC <= size && off / REC < 256; off += REC) {
		const uint8_t *r = data + off;
		uint64_t before[3] = { vm->pages_to_private, vm->pages_to_shared,
				       vm->conversions_refused };

		fz.rec = r;
		fz.nops = 0;
		vm->stop_reason = -1;
		(void)run_loop(vm, &ex);
		check(fz.rec == NULL);
		if ((r[0] & 3) <= 1)
			check_hypercall(r, &ex, before);
		else
			check_fault(r, &ex);
	}
	for (unsigned i = 0; i < NSLOTS; i++)
		munmap(mem[i], layout[i].size);
	free(vm->run);
	free(vm);
	return 0;
}
