// SPDX-License-Identifier: Apache-2.0
/*
 * Build-time generator of the sandbox's seccomp filter (see vmm/sandbox.h):
 * states the rules with libseccomp, with a placeholder for each descriptor
 * and for the process id, exports the BPF and writes it as a C header with
 * the list of instructions to patch at run time:
 *
 *   sandbox_gen > sandbox_filter.h
 *
 * The rules, for the thread that runs the VM:
 *   - ioctl limited to the KVM requests of vmm/kvm.c (a guest reset
 *     rebuilds the VM, so creation requests stay), KVM_RUN tested first,
 *     and the terminal's TCGETS/TCSETS*;
 *   - each descriptor held only for its use: read on the console's input
 *     and stdin, write on the console, debug console, stdout and stderr,
 *     pwrite64 and fdatasync on the VARS file; the caller's descriptors for
 *     all of these and pread64;
 *   - no way to open, create or name a file, no sockets, no exec, no new
 *     executable memory; signals only to this process.
 * The list was taken from strace of every test-firmware case and OVMF
 * boots, then checked by running them all under the filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <seccomp.h>

#include "vmm/kvm.h"
#include "vmm/sandbox.h"

/* System calls allowed whatever their arguments. */
static const int plain_syscalls[] = {
	SCMP_SYS(close), SCMP_SYS(munmap), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(mincore),	/* vmm_snapshot()/vmm_restore(): resident RAM */
	SCMP_SYS(mremap), SCMP_SYS(futex), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigtimedwait), SCMP_SYS(restart_syscall), SCMP_SYS(gettid),
	SCMP_SYS(getpid), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(sched_yield), SCMP_SYS(timer_create),
	SCMP_SYS(timer_settime), SCMP_SYS(timer_gettime), SCMP_SYS(timer_delete),
	SCMP_SYS(alarm), SCMP_SYS(getrandom), SCMP_SYS(poll), SCMP_SYS(ppoll),
};

/*
 * fcntl commands, on any descriptor since none makes a new one: flags
 * (FD_CLOEXEC on a reset's new VM and vCPU descriptors, O_ASYNC off on the
 * console), and releasing the VARS lock.
 */
static const int fcntl_cmds[] = {
	F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_OFD_SETLK,
};

static const unsigned long tty_requests[] = { TCGETS, TCSETS, TCSETSW, TCSETSF };

static int allow(scmp_filter_ctx f, int nr, unsigned n,
		 const struct scmp_arg_cmp *cmp)
{
	return seccomp_rule_add_array(f, SCMP_ACT_ALLOW, nr, n, cmp);
}

static int allow_plain(scmp_filter_ctx f)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(plain_syscalls) / sizeof(int); i++)
		rc = allow(f, plain_syscalls[i], 0, NULL);
	return rc;
}

/* The ioctl request is an unsigned int in the kernel: compare 32 bits. */
static int allow_ioctl(scmp_filter_ctx f, unsigned long req)
{
	struct scmp_arg_cmp cmp =
		SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, req & 0xFFFFFFFFu);

	return allow(f, SCMP_SYS(ioctl), 1, &cmp);
}

/*
 * KVM_RUN first: libseccomp keeps the order of a syscall's rules, and the
 * filter runs on every exit's ioctl, so every rule tests the request only
 * (a descriptor test would come first).  The terminal's get/set attributes
 * (the CLI puts the console back in cooked mode at the end) are harmless
 * on any descriptor; TIOCSTI and the rest are not allowed.
 */
static int allow_ioctls(scmp_filter_ctx f)
{
	int rc = seccomp_syscall_priority(f, SCMP_SYS(ioctl), 255);

	for (unsigned i = 0; rc == 0 && i < kvm_ioctl_request_count; i++)
		rc = allow_ioctl(f, kvm_ioctl_requests[i]);
	for (size_t r = 0; rc == 0 && r < sizeof(tty_requests) / sizeof(long); r++)
		rc = allow_ioctl(f, tty_requests[r]);
	return rc;
}

/* (nr) with its first argument one of the placeholders of (group). */
static int allow_on_group(scmp_filter_ctx f, int nr, enum sandbox_group g)
{
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < SANDBOX_SLOTS(g); i++) {
		unsigned slot = g * SANDBOX_GROUP_SLOTS + i;
		struct scmp_arg_cmp a0 =
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)SANDBOX_PLACEHOLDER(slot));

		rc = allow(f, nr, 1, &a0);
	}
	return rc;
}

/* Each descriptor for what it is used for, and nothing else. */
static int allow_fd_io(scmp_filter_ctx f)
{
	int rc = allow_on_group(f, SCMP_SYS(read), SANDBOX_IN);

	if (rc == 0)
		rc = allow_on_group(f, SCMP_SYS(write), SANDBOX_OUT);
	if (rc == 0)
		rc = allow_on_group(f, SCMP_SYS(pread64), SANDBOX_EXTRA);
	if (rc == 0)
		rc = allow_on_group(f, SCMP_SYS(pwrite64), SANDBOX_FILE);
	if (rc == 0)
		rc = allow_on_group(f, SCMP_SYS(fdatasync), SANDBOX_FILE);
	for (size_t c = 0; rc == 0 && c < sizeof(fcntl_cmds) / sizeof(int); c++) {
		struct scmp_arg_cmp cmd = SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[c]);

		rc = allow(f, SCMP_SYS(fcntl), 1, &cmd);
	}
	return rc;
}

/*
 * Memory without PROT_EXEC only; holes punched in a guest_memfd when an
 * SEV-SNP guest makes pages shared (vmm/memory_private.c), no other
 * fallocate mode.
 */
static int allow_memory(scmp_filter_ctx f)
{
	struct scmp_arg_cmp noexec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	struct scmp_arg_cmp punch = SCMP_A1(SCMP_CMP_EQ,
		(scmp_datum_t)(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE));
	int rc = allow(f, SCMP_SYS(mmap), 1, &noexec);

	if (rc == 0)
		rc = allow(f, SCMP_SYS(mprotect), 1, &noexec);
	if (rc == 0)
		rc = allow(f, SCMP_SYS(fallocate), 1, &punch);
	return rc;
}

/* Signals only to this process (the kick of irq_kick_thread()). */
static int allow_self_signals(scmp_filter_ctx f)
{
	return allow_on_group(f, SCMP_SYS(tgkill), SANDBOX_PID);
}

static int build(scmp_filter_ctx f)
{
	/* A binary tree over the syscall numbers (libseccomp >= 2.5). */
	int rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	if (rc == 0)
		rc = allow_plain(f);
	if (rc == 0)
		rc = allow_ioctls(f);
	if (rc == 0)
		rc = allow_fd_io(f);
	if (rc == 0)
		rc = allow_memory(f);
	if (rc == 0)
		rc = allow_self_signals(f);
	return rc;
}

/* The exported program, or NULL; (*n) instructions. */
static struct sock_filter *export(scmp_filter_ctx f, size_t *n)
{
	FILE *tmp = tmpfile();
	struct sock_filter *prog = NULL;
	long size;

	if (!tmp || seccomp_export_bpf(f, fileno(tmp)) < 0 ||
	    fseek(tmp, 0, SEEK_END) < 0 || (size = ftell(tmp)) <= 0 ||
	    size % sizeof(*prog) || size / sizeof(*prog) > 0xFFFF)
		goto out;
	prog = malloc(size);
	rewind(tmp);
	if (prog && fread(prog, 1, size, tmp) != (size_t)size) {
		free(prog);
		prog = NULL;
	}
	*n = size / sizeof(*prog);
out:
	if (tmp)
		fclose(tmp);
	return prog;
}

/* Every placeholder in a JEQ, every slot found: the patch list is whole. */
static int check(const struct sock_filter *prog, size_t n)
{
	unsigned seen[SANDBOX_GROUPS * SANDBOX_GROUP_SLOTS] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (!SANDBOX_IS_PLACEHOLDER(prog[i].k))
			continue;
		if (prog[i].code != (BPF_JMP | BPF_JEQ | BPF_K)) {
			fprintf(stderr, "sandbox_gen: placeholder 0x%x in insn %zu (code 0x%x)\n",
				prog[i].k, i, prog[i].code);
			return -1;
		}
		seen[prog[i].k - SANDBOX_PLACEHOLDER(0)]++;
	}
	for (unsigned g = 0; g < SANDBOX_GROUPS; g++)
		for (unsigned s = 0; s < SANDBOX_SLOTS(g); s++)
			if (!seen[g * SANDBOX_GROUP_SLOTS + s]) {
				fprintf(stderr, "sandbox_gen: slot %u.%u not in the program\n", g, s);
				return -1;
			}
	return 0;
}

static int emit(const struct sock_filter *prog, size_t n)
{
	size_t kills = 0;

	printf("/* Generated by vmm/gen/sandbox_gen.c with libseccomp %u.%u.%u: do not edit. */\n",
	       seccomp_version()->major, seccomp_version()->minor,
	       seccomp_version()->micro);
	printf("static const struct sock_filter sandbox_program[%zu] = {\n", n);
	for (size_t i = 0; i < n; i++)
		printf("\t{ 0x%04x, %3u, %3u, 0x%08x },\n", prog[i].code,
		       prog[i].jt, prog[i].jf, prog[i].k);
	printf("};\n\nstatic const struct sandbox_patch sandbox_patches[] = {\n");
	for (size_t i = 0; i < n; i++)
		if (SANDBOX_IS_PLACEHOLDER(prog[i].k))
			printf("\t{ %zu, %u },\n", i, prog[i].k - SANDBOX_PLACEHOLDER(0));
	printf("};\n\n/* The default action's returns (VMM_SANDBOX_LOG: SECCOMP_RET_LOG). */\n");
	printf("static const unsigned short sandbox_default_returns[] = {\n");
	for (size_t i = 0; i < n; i++)
		if (prog[i].code == (BPF_RET | BPF_K) && prog[i].k == SECCOMP_RET_KILL_PROCESS) {
			printf("\t%zu,\n", i);
			kills++;
		}
	printf("};\n");
	if (!kills)
		fprintf(stderr, "sandbox_gen: no default action in the program\n");
	return kills ? 0 : -1;
}

int main(void)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	struct sock_filter *prog;
	size_t n = 0;
	int rc;

	if (!f) {
		fprintf(stderr, "sandbox_gen: seccomp_init failed\n");
		return 1;
	}
	rc = build(f);
	if (rc < 0) {
		fprintf(stderr, "sandbox_gen: building the filter: %s\n", strerror(-rc));
		return 1;
	}
	prog = export(f, &n);
	seccomp_release(f);
	if (!prog) {
		fprintf(stderr, "sandbox_gen: exporting the filter failed\n");
		return 1;
	}
	if (check(prog, n) < 0)
		return 1;
	rc = emit(prog, n);
	free(prog);
	return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}
