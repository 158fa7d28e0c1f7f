// SPDX-License-Identifier: Apache-2.0
/*
 * vmm_create() refuses bad input with one clear message before it opens
 * /dev/kvm: every case points kvm_path at a missing file, so a case that
 * slipped through validation would fail with -ENOENT instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "vmm.h"
#include "devices/pflash/pflash.h"
#include "vmm/machine.h"

#define NO_KVM "/nonexistent/kvm"

static int temp_file(size_t size)
{
	char path[] = "/tmp/vmm-test-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static struct vmm_config base_config(int code_fd, int vars_fd)
{
	return (struct vmm_config){
		.size = sizeof(struct vmm_config),
		.code_fd = code_fd, .vars_fd = vars_fd,
		.console_in_fd = -1, .console_out_fd = -1, .debugcon_fd = -1,
		.kvm_path = NO_KVM,
	};
}

static void expect_create(const struct vmm_config *cfg, int err,
			  const char *msg)
{
	struct vmm *vm = NULL;
	int rc = vmm_create(cfg, &vm);

	assert_int_equal(rc, err);
	assert_non_null(vm);
	if (!strstr(vmm_strerror(vm), msg))
		fail_msg("error '%s' lacks '%s'", vmm_strerror(vm), msg);
	vmm_destroy(vm);
}

static void test_config_bad_fds(void **state)
{
	struct vmm_config cfg = base_config(-1, -1);
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);

	(void)state;
	expect_create(&cfg, -EBADF, "firmware: not an open file");
	cfg.code_fd = dir;
	expect_create(&cfg, -EINVAL, "firmware: not a regular file");
	close(dir);
}

static void test_config_bad_sizes(void **state)
{
	int empty = temp_file(0), odd = temp_file(4097);
	int code = temp_file(0x1E0000), big = temp_file(0x700000);
	struct vmm_config cfg = base_config(empty, -1);

	(void)state;
	expect_create(&cfg, -EINVAL, "firmware: empty file");
	cfg.code_fd = odd;
	expect_create(&cfg, -EINVAL, "firmware: size 4097 is not a multiple of 4 KiB");
	cfg.code_fd = code;
	cfg.vars_fd = odd;
	expect_create(&cfg, -EINVAL, "vars: size 4097 is not a multiple of 4 KiB");
	cfg.vars_fd = big;
	expect_create(&cfg, -EINVAL, "more than the 8388608-byte flash window");
	close(empty); close(odd); close(code); close(big);
}

static void test_config_bad_memory(void **state)
{
	int code = temp_file(0x10000);
	struct vmm_config cfg = base_config(code, -1);

	(void)state;
	cfg.mem_size = 16ULL << 20;
	expect_create(&cfg, -EINVAL, "at least 32 MiB");
	cfg.mem_size = (64ULL << 20) + 4096;
	expect_create(&cfg, -EINVAL, "whole number of MiB");
	cfg.mem_size = 1ULL << 40;
	expect_create(&cfg, -EINVAL, "more than the host's");
	cfg.mem_size = 0;
	cfg.phys_bits = 60;
	expect_create(&cfg, -EINVAL, "phys-bits 60");
	cfg.size = sizeof(cfg) - 1;
	expect_create(&cfg, -EINVAL, "config: size");
	close(code);
}

static void test_config_valid_reaches_kvm(void **state)
{
	int code = temp_file(0x10000);
	struct vmm_config cfg = base_config(code, -1);

	(void)state;
	expect_create(&cfg, -ENOENT, NO_KVM ": no such device");
	close(code);
}

static int no_romd(void *ctx, bool on)
{
	(void)ctx;
	(void)on;
	return 0;
}

static void test_config_vars_locked(void **state)
{
	char path[] = "/tmp/vmm-vars-XXXXXX";
	int holder = mkstemp(path), code = temp_file(0x10000), vars;
	struct pflash_romd_ops ops = { NULL, no_romd };
	struct pflash *pf = NULL;
	struct vmm_config cfg;

	(void)state;
	assert_true(holder >= 0);
	assert_int_equal(ftruncate(holder, 0x20000), 0);
	/* Another VM holds the file (through its own open file description). */
	assert_int_equal(pflash_open(holder, PFLASH_MODE_READWRITE, true, &ops, &pf), 0);
	vars = open(path, O_RDWR);
	cfg = base_config(code, vars);
	expect_create(&cfg, -EBUSY, "vars: file is in use by another VM");
	pflash_close(pf);
	/* Released: the same configuration now gets as far as KVM. */
	expect_create(&cfg, -ENOENT, NO_KVM ": no such device");
	close(vars);
	close(holder);
	close(code);
	unlink(path);
}

static void test_cpuid_adjust(void **state)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 4 * sizeof(c->entries[0]));

	(void)state;
	c->nent = 4;
	c->entries[0] = (struct kvm_cpuid_entry2){ .function = 1,
		.ebx = 0x05100800, .edx = 0xFFFFFFFF };
	c->entries[1] = (struct kvm_cpuid_entry2){ .function = 0x80000001,
		.edx = 0xFFFFFFFF };
	c->entries[2] = (struct kvm_cpuid_entry2){ .function = 0x80000008,
		.eax = 0x3030 };
	c->entries[3] = (struct kvm_cpuid_entry2){ .function = 0xB, .index = 1,
		.edx = 7 };
	cpuid_adjust(c, 36);
	assert_int_equal(c->entries[0].ebx, 0x00010800);
	assert_int_equal(c->entries[0].edx, 0xEFFFFFFF);
	assert_int_equal(c->entries[1].edx, 0xFBFFFFFF);
	assert_int_equal(c->entries[2].eax, 0x3024);
	assert_int_equal(c->entries[3].edx, 0);
	/* Never more bits than the host has. */
	cpuid_adjust(c, 52);
	assert_int_equal(c->entries[2].eax, 0x3024);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_bad_fds),
		cmocka_unit_test(test_config_bad_sizes),
		cmocka_unit_test(test_config_bad_memory),
		cmocka_unit_test(test_config_valid_reaches_kvm),
		cmocka_unit_test(test_config_vars_locked),
		cmocka_unit_test(test_cpuid_adjust),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
