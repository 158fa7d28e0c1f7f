// SPDX-License-Identifier: Apache-2.0
/*
 * The seccomp sandbox (libseccomp): after set-up, the thread that runs the
 * VM keeps only the system calls vmm_run() and vmm_destroy() make, with
 *   - ioctl limited to the KVM requests of vmm/kvm.h (a guest reset
 *     rebuilds the VM, so creation requests stay) and the terminal's
 *     TCGETS/TCSETS*;
 *   - each descriptor it holds only for its use: read on the console's
 *     input and stdin, write on the console, debug console, stdout and
 *     stderr, pwrite64 and fdatasync on the VARS file; the caller's
 *     descriptors for all of these and pread64;
 *   - no way to open, create or name a file, no sockets, no exec, no new
 *     executable memory.
 * Anything else kills the process with SIGSYS (status 159 in a shell).
 * Only the calling thread is filtered: no TSYNC, so an embedder's other
 * threads never change behaviour under it.  The list was taken from
 * strace of every test-firmware case and OVMF boots, then checked by
 * running them all under the filter (tests/fw/run.sh, tests/ovmf/run.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <seccomp.h>

#include "devices/pflash/pflash.h"
#include "vmm/kvm.h"
#include "vmm/machine.h"

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

#define SANDBOX_FDS (4 + VMM_SANDBOX_MAX_FDS)

/* Descriptors by what the run loop does with them. */
struct sandbox_fds {
	int in[SANDBOX_FDS], out[SANDBOX_FDS], file[SANDBOX_FDS], extra[SANDBOX_FDS];
	unsigned nin, nout, nfile, nextra;
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

/* (nr) with its first argument one of (fds). */
static int allow_on_fds(scmp_filter_ctx f, int nr, const int *fds, unsigned n)
{
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < n; i++) {
		struct scmp_arg_cmp fd = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fds[i]);

		rc = allow(f, nr, 1, &fd);
	}
	return rc;
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

/* Each descriptor for what it is used for, and nothing else. */
static int allow_fd_io(scmp_filter_ctx f, const struct sandbox_fds *d)
{
	int rc = allow_on_fds(f, SCMP_SYS(read), d->in, d->nin);

	if (rc == 0)
		rc = allow_on_fds(f, SCMP_SYS(write), d->out, d->nout);
	if (rc == 0)
		rc = allow_on_fds(f, SCMP_SYS(pread64), d->extra, d->nextra);
	if (rc == 0)
		rc = allow_on_fds(f, SCMP_SYS(pwrite64), d->file, d->nfile);
	if (rc == 0)
		rc = allow_on_fds(f, SCMP_SYS(fdatasync), d->file, d->nfile);
	for (size_t c = 0; rc == 0 && c < sizeof(fcntl_cmds) / sizeof(int); c++) {
		struct scmp_arg_cmp cmd = SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[c]);

		rc = allow(f, SCMP_SYS(fcntl), 1, &cmd);
	}
	return rc;
}

/* Memory without PROT_EXEC only. */
static int allow_memory(scmp_filter_ctx f)
{
	struct scmp_arg_cmp noexec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	int rc = allow(f, SCMP_SYS(mmap), 1, &noexec);

	if (rc == 0)
		rc = allow(f, SCMP_SYS(mprotect), 1, &noexec);
	return rc;
}

/* Signals only to this process (the kick of irq_kick_thread()). */
static int allow_self_signals(scmp_filter_ctx f)
{
	struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());

	return allow(f, SCMP_SYS(tgkill), 1, &self);
}

static unsigned add_fd(int *out, unsigned n, int fd)
{
	if (fd < 0 || n >= SANDBOX_FDS)
		return n;
	for (unsigned i = 0; i < n; i++)
		if (out[i] == fd)
			return n;
	out[n] = fd;
	return n + 1;
}

/* The descriptors this VM holds, by use, and the caller's (any use). */
static void held_fds(const struct vmm *vm, const int *extra, unsigned nextra,
		     struct sandbox_fds *d)
{
	memset(d, 0, sizeof(*d));
	d->nin = add_fd(d->in, d->nin, STDIN_FILENO);
	d->nin = add_fd(d->in, d->nin, vm->cfg.console_in_fd);
	d->nout = add_fd(d->out, d->nout, STDOUT_FILENO);
	d->nout = add_fd(d->out, d->nout, STDERR_FILENO);
	d->nout = add_fd(d->out, d->nout, vm->cfg.console_out_fd);
	d->nout = add_fd(d->out, d->nout, vm->cfg.debugcon_fd);
	d->nfile = add_fd(d->file, d->nfile, pflash_fd(vm->vars));
	for (unsigned i = 0; i < nextra; i++) {
		d->nin = add_fd(d->in, d->nin, extra[i]);
		d->nout = add_fd(d->out, d->nout, extra[i]);
		d->nextra = add_fd(d->extra, d->nextra, extra[i]);
		d->nfile = add_fd(d->file, d->nfile, extra[i]);
	}
}

int vmm_sandbox(struct vmm *vm, const int *fds, unsigned nfds, unsigned flags)
{
	struct sandbox_fds held;
	scmp_filter_ctx f;
	int rc;

	if (flags & ~VMM_SANDBOX_LOG)
		return vmm_fail(vm, -EINVAL, "sandbox: unknown flags 0x%x", flags);
	if (nfds > VMM_SANDBOX_MAX_FDS || (nfds && !fds))
		return vmm_fail(vm, -EINVAL, "sandbox: at most %d extra descriptors",
				VMM_SANDBOX_MAX_FDS);
	if (vm->sandboxed)
		return vmm_fail(vm, -EALREADY, "sandbox: already applied");
	f = seccomp_init(flags & VMM_SANDBOX_LOG ? SCMP_ACT_LOG
						 : SCMP_ACT_KILL_PROCESS);
	if (!f)
		return vmm_fail(vm, -ENOSYS, "sandbox: libseccomp cannot build a filter here (seccomp_init failed)");
	held_fds(vm, fds, nfds, &held);
	/* A binary tree over the syscall numbers (libseccomp >= 2.5). */
	rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = allow_plain(f);
	if (rc == 0)
		rc = allow_ioctls(f);
	if (rc == 0)
		rc = allow_fd_io(f, &held);
	if (rc == 0)
		rc = allow_memory(f);
	if (rc == 0)
		rc = allow_self_signals(f);
	if (rc < 0) {
		seccomp_release(f);
		return vmm_fail(vm, rc, "sandbox: building the filter: %s",
				strerror(-rc));
	}
	rc = seccomp_load(f);	/* sets no_new_privs for this thread */
	seccomp_release(f);
	if (rc < 0)
		return vmm_fail(vm, rc, "sandbox: loading the filter: %s",
				strerror(-rc));
	vm->sandboxed = true;
	return 0;
}
