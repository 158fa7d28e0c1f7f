// SPDX-License-Identifier: Apache-2.0
/*
 * vmm_restore() really rewinds the machine, on real KVM, with the fuzzing
 * harness's guest (firmware/testfw/fuzz.S).  For each device: (B) reads
 * registers that do not follow the clock, (A) writes them.  From the
 * snapshot, B alone gives the pristine values r0; A then B in one input
 * must give something else (the check can fail: A's writes are seen);
 * A, a restore, then B must give r0 again.  Guest RAM too: a page the
 * guest wrote (its result word, KVM's dirty log) and a page the VMM wrote
 * (vmm_write_guest(), its own log) read back as at the snapshot.  Both
 * irqchip modes (KVM's PIC/IOAPIC/PIT state, or the VMM's devices).
 *
 * Usage: restore_test FIRMWARE.  One PASS/FAIL line per check; exit 0
 * only when all passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "tests/fuzz/vm/harness.h"

#define W 0
#define R 1
#define B1 0
#define D4 4
enum { PIC1, PIC2, ELCR, PIT, SPK, CMOS, COM1, FWCFG, PCI, PM, P92, KBD, IOAPIC, VARS };

struct op { uint8_t rw, dev; uint16_t off; uint32_t val; };

struct device_check {
	const char *name;
	struct op a[6];		/* the writes */
	struct op b[4];		/* the reads */
};

static const struct device_check checks[] = {
	{ "cmos-nvram", { { W | B1, CMOS, 0, 0x40 }, { W | B1, CMOS, 1, 0x5A } },
	  { { W | B1, CMOS, 0, 0x40 }, { R | B1, CMOS, 1, 0 } } },
	{ "uart-scratch", { { W | B1, COM1, 7, 0xA5 } }, { { R | B1, COM1, 7, 0 } } },
	{ "uart-lcr", { { W | B1, COM1, 3, 0x1B } }, { { R | B1, COM1, 3, 0 } } },
	{ "pic-imr", { { W | B1, PIC1, 1, 0x12 } }, { { R | B1, PIC1, 1, 0 } } },
	{ "pic-slave-imr", { { W | B1, PIC2, 1, 0x34 } }, { { R | B1, PIC2, 1, 0 } } },
	{ "elcr", { { W | B1, ELCR, 0, 0x08 } }, { { R | B1, ELCR, 0, 0 } } },
	{ "ioapic-rte", { { W | D4, IOAPIC, 0, 0x16 }, { W | D4, IOAPIC, 0x10, 0x00010033 } },
	  { { W | D4, IOAPIC, 0, 0x16 }, { R | D4, IOAPIC, 0x10, 0 } } },
	{ "pci-address", { { W | D4, PCI, 0, 0x80000810 } }, { { R | D4, PCI, 0, 0 } } },
	/* Byte 0x103 holds 0x5A; programming 0x12 leaves 0x12 (bits clear). */
	{ "pflash-program", { { W | B1, VARS, 0x103, 0x40 }, { W | B1, VARS, 0x103, 0x12 },
			      { W | B1, VARS, 0, 0xFF } },
	  { { R | D4, VARS, 0x100, 0 } } },
	{ "pflash-mode", { { W | B1, VARS, 0, 0x90 } }, { { R | D4, VARS, 0x100, 0 } } },
	{ "fwcfg-position", { { W | 2, FWCFG, 0, 0x0000 }, { R | B1, FWCFG, 1, 0 } },
	  { { R | B1, FWCFG, 1, 0 } } },
};

static unsigned passed, failed;

static void verdict(int ok, const char *mode, const char *name, const char *why)
{
	printf("%s snapshot %s %s: %s\n", ok ? "PASS" : "FAIL", mode, name, why);
	if (ok)
		passed++;
	else
		failed++;
}

static size_t pack(uint8_t *buf, const struct op *ops, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < max && (ops[i].rw || ops[i].dev || ops[i].off || ops[i].val); i++) {
		buf[n] = ops[i].rw;
		buf[n + 1] = ops[i].dev;
		memcpy(buf + n + 2, &ops[i].off, 2);
		memcpy(buf + n + 4, &ops[i].val, 4);
		n += 8;
	}
	return n;
}

static uint32_t run(struct fuzz_vm *f, const uint8_t *in, size_t len)
{
	struct fuzz_result r;

	if (fuzz_vm_run(f, in, len, &r) < 0 || r.outcome != FUZZ_DONE) {
		fprintf(stderr, "restore_test: run failed (%s)\n", fuzz_outcome_name(r.outcome));
		exit(1);
	}
	return r.reads_xor;
}

static void check_device(struct fuzz_vm *f, const char *mode, const struct device_check *c)
{
	uint8_t a[64], b[64], ab[128];
	size_t na = pack(a, c->a, 6), nb = pack(b, c->b, 4);
	uint32_t r0, r1, r2;

	memcpy(ab, a, na);
	memcpy(ab + na, b, nb);
	r0 = run(f, b, nb);
	r1 = run(f, ab, na + nb);
	run(f, a, na);
	r2 = run(f, b, nb);
	char why[128];

	snprintf(why, sizeof(why), "pristine 0x%x, after the writes 0x%x", r0, r1);
	verdict(r1 != r0 && r2 == r0, mode, c->name, why);
	if (r2 != r0)
		printf("  after a restore: 0x%x\n", r2);
}

static void check_ram(struct fuzz_vm *f, const char *mode)
{
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t reads[8] = { R | B1, COM1, 5, 0 }, back[8];
	uint32_t result;
	struct fuzz_result r;

	/* The guest stores a non-zero result (LSR reads 0x60): KVM logs it. */
	if (fuzz_vm_run(f, reads, 8, &r) < 0 || vmm_read_guest(f->vm, FUZZ_RESULT_GPA, &result, 4) < 0)
		exit(1);
	if (vmm_write_guest(f->vm, 0x200000, junk, sizeof(junk)) < 0 ||
	    vmm_restore(f->vm, f->snap, 0) < 0 ||
	    vmm_read_guest(f->vm, FUZZ_RESULT_GPA, &result, 4) < 0 ||
	    vmm_read_guest(f->vm, 0x200000, back, sizeof(back)) < 0) {
		fprintf(stderr, "restore_test: %s\n", vmm_strerror(f->vm));
		exit(1);
	}
	char why[128];

	snprintf(why, sizeof(why), "result word 0x%x after the run, 0x%x after a restore",
		 r.reads_xor, result);
	verdict(r.reads_xor != 0 && result == 0, mode, "ram-guest-write", why);
	snprintf(why, sizeof(why), "bytes 0x%02x%02x.. written by the VMM, after a restore (want 0)",
		 back[0], back[1]);
	verdict(memcmp(back, "\0\0\0\0\0\0\0\0", 8) == 0, mode, "ram-vmm-write", why);
}

/* A run over its exit budget ends as a hang; the next, restored, is fine. */
static void check_limits(struct fuzz_vm *f, const char *mode)
{
	uint8_t ops[10 * 8];
	struct fuzz_result r;
	char why[128];
	int ok;

	for (int i = 0; i < 10; i++)
		memcpy(ops + 8 * i, (const uint8_t[8]){ R | B1, COM1, 7, 0 }, 8);
	vmm_set_limits(f->vm, 5, 0);
	ok = fuzz_vm_run(f, ops, sizeof(ops), &r) == 0 && r.outcome == FUZZ_HANG &&
	     r.exits == 5;
	snprintf(why, sizeof(why), "10 reads under a 5-exit budget: %s after %llu exits",
		 fuzz_outcome_name(r.outcome), (unsigned long long)r.exits);
	vmm_set_limits(f->vm, 1000000, 2000000000ULL);
	ok = ok && fuzz_vm_run(f, ops, sizeof(ops), &r) == 0 && r.outcome == FUZZ_DONE;
	verdict(ok, mode, "hang-by-exits", why);
}

/*
 * The time budget holds for a guest that never exits: the test firmware's
 * "timeout" case spins after its note, and only the VMM's timer signal can
 * end that KVM_RUN.
 */
static void check_time_limit(const char *firmware, const char *mode,
			     enum vmm_irqchip chip)
{
	static const char fw_case[] = "timeout";
	const struct vmm_fwcfg_file file = { "opt/testfw/case", fw_case, 7 };
	struct vmm_config cfg;
	struct vmm_exit ex;
	struct vmm *vm = NULL;
	struct timespec t0, t1;
	char why[400];
	double ms;
	int rc, fd = open(firmware, O_RDONLY | O_CLOEXEC);

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.code_fd = fd;
	cfg.vars_fd = cfg.console_in_fd = cfg.console_out_fd = cfg.debugcon_fd = -1;
	cfg.mem_size = 32ULL << 20;
	cfg.irqchip = chip;
	cfg.fwcfg_files = &file;
	cfg.fwcfg_count = 1;
	rc = vmm_create(&cfg, &vm);
	close(fd);
	memset(&ex, 0, sizeof(ex));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rc == 0) {
		vmm_set_limits(vm, 0, 200000000ULL);
		rc = vmm_run(vm, &ex);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	snprintf(why, sizeof(why), "a spinning guest under a 200 ms budget: rc %d, '%s' after %.0f ms",
		 rc, ex.detail, ms);
	verdict(rc == 0 && ex.reason == VMM_EXIT_HANG &&
		!strcmp(ex.detail, "hang: 200 ms") && ms >= 200 && ms < 2000,
		mode, "hang-by-time", why);
	vmm_destroy(vm);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; enum vmm_irqchip chip; } modes[] = {
		{ "split", VMM_IRQCHIP_SPLIT }, { "kernel", VMM_IRQCHIP_KERNEL },
	};

	if (argc != 2) {
		fprintf(stderr, "usage: restore_test FIRMWARE\n");
		return 2;
	}
	for (size_t m = 0; m < 2; m++) {
		struct fuzz_vm f;

		if (fuzz_vm_boot(&f, argv[1], 1, modes[m].chip) < 0)
			return 1;
		for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			check_device(&f, modes[m].name, &checks[i]);
		check_ram(&f, modes[m].name);
		check_limits(&f, modes[m].name);
		check_time_limit(argv[1], modes[m].name, modes[m].chip);
		fuzz_vm_close(&f);
	}
	printf("snapshot: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
