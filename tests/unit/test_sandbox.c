// SPDX-License-Identifier: Apache-2.0
/*
 * vmm_sandbox(): each case forks, confines the child with the filter and
 * makes one system call; the parent checks how the child ended.  An
 * allowed call returns to the child, which exits 0; a forbidden one kills
 * it with SIGSYS before the call happens (SCMP_ACT_KILL_PROCESS).  No KVM
 * needed: ioctls go to bad descriptors, and an allowed request still
 * reaches the kernel (EBADF) while a forbidden one never does.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "vmm/machine.h"

#define ALLOWED   0	/* the child exits 0 */
#define KILLED    -1	/* the child dies of SIGSYS */

struct fixture {
	struct vmm vm;
	int held[2];	/* a pipe: [1] is the VM's debug console */
	int other[2];	/* a pipe the VM does not hold */
};

static struct fixture fx;

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(pipe2(fx.held, O_CLOEXEC), 0);
	assert_int_equal(pipe2(fx.other, O_CLOEXEC), 0);
	fx.vm.cfg.vars_fd = fx.vm.cfg.console_in_fd = fx.vm.cfg.console_out_fd = -1;
	fx.vm.cfg.debugcon_fd = fx.held[1];
	fx.vm.kvm_fd = fx.vm.vm_fd = fx.vm.vcpu_fd = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(fx.held[0]);
	close(fx.held[1]);
	close(fx.other[0]);
	close(fx.other[1]);
	return 0;
}

typedef int (*action_fn)(void);

/* Run (act) in a child under the filter; ALLOWED, KILLED or -100 - why. */
static int in_sandbox(action_fn act, const int *fds, unsigned nfds, unsigned flags)
{
	int status;
	pid_t pid = fork();

	/* exit_group directly: ASan's _exit() also calls sigaltstack(). */
	if (pid == 0) {
		if (vmm_sandbox(&fx.vm, fds, nfds, flags) != 0)
			syscall(SYS_exit_group, 3);
		syscall(SYS_exit_group, act() == 0 ? 0 : 4);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGSYS ? KILLED : -100 - WTERMSIG(status);
	return WEXITSTATUS(status) == 0 ? ALLOWED : -200 - WEXITSTATUS(status);
}

/* --- allowed ------------------------------------------------------------- */

static int write_debugcon(void)
{
	return write(fx.held[1], "x", 1) == 1 ? 0 : -1;
}

static int write_stderr(void)
{
	return write(STDERR_FILENO, "", 0) == 0 ? 0 : -1;
}

static int kvm_run_bad_fd(void)
{
	/* Allowed request: reaches the kernel, which says EBADF. */
	return ioctl(-1, KVM_RUN, 0) < 0 && errno == EBADF ? 0 : -1;
}

static int anon_rw_mmap(void)
{
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p != MAP_FAILED && munmap(p, 8192) == 0 ? 0 : -1;
}

static int timer_and_clock(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct timespec ts;
	timer_t t;

	if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0)
		return -1;
	timer_delete(t);
	return clock_gettime(CLOCK_MONOTONIC, &ts);
}

static int signal_self(void)
{
	return (int)syscall(SYS_tgkill, getpid(), gettid(), 0);
}

static int write_other(void)
{
	return write(fx.other[1], "x", 1) == 1 ? 0 : -1;
}

/* A shared conversion of an SNP guest: a hole punched in its guest_memfd
 * (any descriptor: the kernel answers EBADF for -1). */
static int punch_hole(void)
{
	return fallocate(-1, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			 4096) < 0 && errno == EBADF ? 0 : -1;
}

/* The embedder's descriptors: memfds, each for every use, the last too. */
static int extra_fds[VMM_SANDBOX_MAX_FDS];

static int use_every_extra(void)
{
	char c = 'x';

	for (unsigned i = 0; i < VMM_SANDBOX_MAX_FDS; i++)
		if (write(extra_fds[i], &c, 1) != 1 || pread(extra_fds[i], &c, 1, 0) != 1 ||
		    pwrite(extra_fds[i], &c, 1, 0) != 1 || fdatasync(extra_fds[i]) != 0 ||
		    read(extra_fds[i], &c, 1) != 0)
			return -1;
	return 0;
}

/* --- forbidden ----------------------------------------------------------- */

static int read_debugcon(void)
{
	char c;

	/* Held, but for writing only. */
	return read(fx.held[1], &c, 1) < 0 ? 0 : -1;
}

static int pwrite_debugcon(void)
{
	return pwrite(fx.held[1], "x", 1, 0) < 0 ? 0 : -1;
}

static int fdatasync_stdout(void)
{
	return fdatasync(STDOUT_FILENO) < 0 ? 0 : -1;
}

static int open_file(void)
{
	return open("/etc/hostname", O_RDONLY) < 0 ? -1 : 0;
}

static int make_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM, 0) < 0 ? -1 : 0;
}

static int exec_shell(void)
{
	static char prog[] = "/bin/true";
	char *const argv[] = { prog, NULL };

	return execve(prog, argv, NULL);
}

static int kvm_unused_request(void)
{
	/* A KVM request the VMM never makes. */
	return ioctl(-1, KVM_SET_TSC_KHZ, 1000000) < 0 ? 0 : -1;
}

static int tty_inject(void)
{
	char c = 'x';

	/* TIOCSTI pushes input into a terminal: never the VMM's business. */
	return ioctl(STDIN_FILENO, TIOCSTI, &c) < 0 ? 0 : -1;
}

static int exec_mmap(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? -1 : 0;
}

static int dup_fd(void)
{
	return fcntl(fx.held[1], F_DUPFD, 100) < 0 ? -1 : 0;
}

static int grow_file(void)
{
	/* Allocating (mode 0) is never needed: only holes are punched. */
	return fallocate(fx.held[1], 0, 0, 4096) < 0 ? 0 : -1;
}

static int signal_other_process(void)
{
	return (int)syscall(SYS_tgkill, 1, 1, 0);
}

/* --- cases --------------------------------------------------------------- */

static void test_sandbox_allows_the_run_loop(void **state)
{
	(void)state;
	assert_int_equal(in_sandbox(write_debugcon, NULL, 0, 0), ALLOWED);
	assert_int_equal(in_sandbox(write_stderr, NULL, 0, 0), ALLOWED);
	assert_int_equal(in_sandbox(kvm_run_bad_fd, NULL, 0, 0), ALLOWED);
	assert_int_equal(in_sandbox(anon_rw_mmap, NULL, 0, 0), ALLOWED);
	assert_int_equal(in_sandbox(timer_and_clock, NULL, 0, 0), ALLOWED);
	assert_int_equal(in_sandbox(signal_self, NULL, 0, 0), ALLOWED);
	assert_int_equal(in_sandbox(punch_hole, NULL, 0, 0), ALLOWED);
}

static void test_sandbox_kills_forbidden_calls(void **state)
{
	(void)state;
	assert_int_equal(in_sandbox(open_file, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(make_socket, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(exec_shell, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(kvm_unused_request, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(tty_inject, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(exec_mmap, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(dup_fd, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(signal_other_process, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(grow_file, NULL, 0, 0), KILLED);
	/* A descriptor the VM does not hold, then the same one named. */
	assert_int_equal(in_sandbox(write_other, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(write_other, &fx.other[1], 1, 0), ALLOWED);
	/* Held descriptors for other uses than theirs. */
	assert_int_equal(in_sandbox(read_debugcon, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(pwrite_debugcon, NULL, 0, 0), KILLED);
	assert_int_equal(in_sandbox(fdatasync_stdout, NULL, 0, 0), KILLED);
}

/* The program has a slot for each of VMM_SANDBOX_MAX_FDS descriptors. */
static void test_sandbox_every_extra_descriptor(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VMM_SANDBOX_MAX_FDS; i++) {
		extra_fds[i] = memfd_create("sandbox-test", MFD_CLOEXEC);
		assert_true(extra_fds[i] >= 0);
	}
	assert_int_equal(in_sandbox(use_every_extra, extra_fds, VMM_SANDBOX_MAX_FDS, 0),
			 ALLOWED);
	/* Without the last one, its first use kills. */
	assert_int_equal(in_sandbox(use_every_extra, extra_fds, VMM_SANDBOX_MAX_FDS - 1, 0),
			 KILLED);
	for (unsigned i = 0; i < VMM_SANDBOX_MAX_FDS; i++)
		close(extra_fds[i]);
}

static void test_sandbox_log_mode_allows_and_logs(void **state)
{
	(void)state;
	assert_int_equal(in_sandbox(open_file, NULL, 0, VMM_SANDBOX_LOG), ALLOWED);
}

static int apply_twice(void)
{
	return vmm_sandbox(&fx.vm, NULL, 0, 0) == -EALREADY ? 0 : -1;
}

static void test_sandbox_bad_calls(void **state)
{
	int many[VMM_SANDBOX_MAX_FDS + 1] = { 0 };

	(void)state;
	assert_int_equal(vmm_sandbox(&fx.vm, NULL, 0, 0x2), -EINVAL);
	assert_string_equal(fx.vm.err, "sandbox: unknown flags 0x2");
	assert_int_equal(vmm_sandbox(&fx.vm, many, VMM_SANDBOX_MAX_FDS + 1, 0),
			 -EINVAL);
	assert_int_equal(vmm_sandbox(&fx.vm, NULL, 1, 0), -EINVAL);
	assert_false(fx.vm.sandboxed);
	assert_int_equal(in_sandbox(apply_twice, NULL, 0, 0), ALLOWED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_allows_the_run_loop),
		cmocka_unit_test(test_sandbox_kills_forbidden_calls),
		cmocka_unit_test(test_sandbox_every_extra_descriptor),
		cmocka_unit_test(test_sandbox_log_mode_allows_and_logs),
		cmocka_unit_test(test_sandbox_bad_calls),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
