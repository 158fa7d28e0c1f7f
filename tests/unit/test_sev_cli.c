// SPDX-License-Identifier: Apache-2.0
/*
 * `vmm measure`, `vmm describe`, `vmm probe`: output, exit status and the
 * one-line errors.  vmm/cli_*.c only link into the CLI binary, so this
 * test compiles vmm/cli_sev.c in directly.  Expected digests: sha256sum
 * of the files, sev/measure_reference.py, and sevctl's published vector.
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

#include "vmm/cli_sev.c"
#include "vmm/cli_util.c"

#define OVMF_2M "/usr/share/OVMF/OVMF_CODE.fd"
#define CORPUS "tests/fuzz/corpus/ovmf_table/"
#define SEVCTL_TRIMMED CORPUS "sevctl-amdsev-trimmed.fd"

struct run {
	int rc;
	char out[8192];
	char err[1024];
};

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

/* Run one subcommand with stdout and stderr captured. */
static void run(struct run *r, int (*fn)(int, char **), ...)
{
	char tmpl_out[] = "/tmp/sev_cli_outXXXXXX";
	char tmpl_err[] = "/tmp/sev_cli_errXXXXXX";
	int out = mkstemp(tmpl_out), err = mkstemp(tmpl_err);
	int saved_out = dup(1), saved_err = dup(2);
	char *argv[32];
	int argc = 0;
	va_list ap;

	assert_true(out >= 0 && err >= 0);
	unlink(tmpl_out);
	unlink(tmpl_err);
	va_start(ap, fn);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	r->rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static void need(const char *path)
{
	if (access(path, R_OK) != 0)
		skip();
}

static void test_sev_cli_measure_sev(void **state)
{
	struct run r;

	(void)state;
	need(OVMF_2M);
	run(&r, cli_measure_main, "measure", "--firmware", OVMF_2M, "--mode",
	    "sev", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "d9b568def24088c92f34b5479e0ed7e44d0a4d4c"
			    "ea8a0f5716719180bba48106\n");
	assert_string_equal(r.err, "");
}

static void test_sev_cli_measure_sev_es(void **state)
{
	struct run r;

	(void)state;
	need(OVMF_2M);
	run(&r, cli_measure_main, "measure", "--firmware", OVMF_2M, "--mode",
	    "sev-es", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "eba1359b4bdf7745d72c9de18582cbb352f81d55"
			    "c4cedaa428cc7559db8dfbf8\n");
	run(&r, cli_measure_main, "measure", "--firmware", OVMF_2M, "--mode",
	    "sev-es", "--init2", "--vmsa-features", "0x20", "--vcpus", "2",
	    "--vcpu-sig", "800F12", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "6fb9b00da394773833654319c4d1760c3ca105dc"
			    "52ca6e1d587bfe56363abef1\n");
}

/* sevctl tests/measurementbuild.rs, SEV-ES with four vCPUs. */
static void test_sev_cli_measure_sevctl_vector(void **state)
{
	static const uint8_t tik[16] = {
		0x35, 0x69, 0xcf, 0x61, 0xa3, 0x2a, 0x60, 0x2b,
		0x87, 0x18, 0x5a, 0xc6, 0xe0, 0xf5, 0x59, 0x13,
	};
	char path[] = "/tmp/sev_cli_tikXXXXXX";
	int fd = mkstemp(path);
	struct run r;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, tik, sizeof(tik)), sizeof(tik));
	close(fd);
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev-es", "--vcpus", "4", "--vcpu-sig", "0xa00f11",
	    "--policy", "0x5", "--api-major", "1", "--api-minor", "40",
	    "--build", "40", "--tik", path, "--nonce",
	    "c313fab511c216b1505b1b2ea9903c40", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "b6c2c270820fae6dd359cc9a3857ef51512344b1"
			    "90cc49c69739d18a830e094e\n");
	/* The same TIK with the wrong policy for the mode: refused. */
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev-es", "--tik", path, "--nonce",
	    "c313fab511c216b1505b1b2ea9903c40", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err, "vmm measure: policy 0x0: bit 2 (ES) must "
			    "be set exactly for --mode sev-es\n");
	/* A TIK file of the wrong size. */
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev", "--tik", SEVCTL_TRIMMED, "--nonce",
	    "c313fab511c216b1505b1b2ea9903c40", NULL);
	assert_int_equal(r.rc, 2);
	unlink(path);
}

/* sev-snp-measure's vector for its OvmfX64 suffix fixture, default features. */
static void test_sev_cli_measure_snp(void **state)
{
	struct run r;

	(void)state;
	run(&r, cli_measure_main, "measure", "--firmware",
	    CORPUS "snpmeasure-ovmfx64-suffix.bin", "--mode", "snp",
	    "--vmsa-features", "0x21", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "28797ae0afaba4005a81e629acebfb59e6687949"
			    "d6be44007cd5506823b0dd66f146aaae26ff291eed7b49"
			    "3d8a64c385\n");
	/* A table without ASEV metadata: measured, and said so. */
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "snp", NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(strlen(r.out), 97);
	assert_string_equal(r.err, "vmm measure: note: " SEVCTL_TRIMMED " has "
			    "no SEV-SNP metadata (ASEV sections): measured as "
			    "CODE and VMSAs only; QEMU and vmm refuse to launch "
			    "it as SNP\n");
	/* No footer table at all: 8 KiB of zeros. */
	{
		static const uint8_t zeros[8192];
		char blank[] = "/tmp/sev_cli_blankXXXXXX", want[160];
		int fd = mkstemp(blank);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, zeros, sizeof(zeros)), sizeof(zeros));
		close(fd);
		run(&r, cli_measure_main, "measure", "--firmware", blank,
		    "--mode", "snp", NULL);
		unlink(blank);
		assert_int_equal(r.rc, 2);
		snprintf(want, sizeof(want), "vmm measure: %s has no OVMF footer "
			 "table, or no SEV-ES reset block for its APs\n", blank);
		assert_string_equal(r.err, want);
	}
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "snp", "--tik", "x", "--nonce", "00", NULL);
	assert_int_equal(r.rc, 2);
}

static void test_sev_cli_measure_usage_errors(void **state)
{
	struct run r;

	(void)state;
	run(&r, cli_measure_main, "measure", "--mode", "sev", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err, "vmm measure: --firmware and --mode are "
			    "required (try --help)\n");
	assert_string_equal(r.out, "");
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev-snp", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err, "vmm measure: bad value 'sev-snp' for "
			    "--mode\n");
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev-es", "--vcpus", "0", NULL);
	assert_string_equal(r.err, "vmm measure: bad value '0' for --vcpus\n");
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev-es", "--nonce", "00", "--tik", "x", NULL);
	assert_int_equal(r.rc, 2);
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev", "--tik", "x", NULL);
	assert_string_equal(r.err, "vmm measure: --tik and --nonce go "
			    "together\n");
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev", "--vcpus", "2", NULL);
	assert_int_equal(r.rc, 2);
	run(&r, cli_measure_main, "measure", "--bogus", NULL);
	assert_string_equal(r.err, "vmm measure: bad option '--bogus' (try "
			    "--help)\n");
	run(&r, cli_measure_main, "measure", "--firmware", SEVCTL_TRIMMED,
	    "--mode", "sev", "stray", NULL);
	assert_string_equal(r.err, "vmm measure: unexpected argument 'stray'\n");
	run(&r, cli_measure_main, "measure", "--help", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Usage: vmm measure"));
}

static void test_sev_cli_measure_bad_images(void **state)
{
	struct run r;

	(void)state;
	run(&r, cli_measure_main, "measure", "--firmware", "/nonexistent",
	    "--mode", "sev", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "vmm measure: /nonexistent: No such file or "
			    "directory\n");
	run(&r, cli_measure_main, "measure", "--firmware", "/tmp", "--mode",
	    "sev", NULL);
	assert_int_equal(r.rc, 2);
	/* No table: one vCPU is fine, APs have nowhere to start. */
	run(&r, cli_measure_main, "measure", "--firmware",
	    CORPUS "no-footer.bin", "--mode", "sev-es", NULL);
	assert_int_equal(r.rc, 0);
	run(&r, cli_measure_main, "measure", "--firmware",
	    CORPUS "no-footer.bin", "--mode", "sev-es", "--vcpus", "2", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err, "vmm measure: " CORPUS "no-footer.bin has "
			    "no SEV-ES reset block: its APs cannot start\n");
	/* 64 bytes but not a table; size is fine, so plain SEV works. */
	run(&r, cli_measure_main, "measure", "--firmware",
	    CORPUS "total-too-big.bin", "--mode", "sev", NULL);
	assert_int_equal(r.rc, 0);
}

static void test_sev_cli_describe(void **state)
{
	struct run r;

	(void)state;
	need(OVMF_2M);
	run(&r, cli_describe_main, "describe", "--firmware", OVMF_2M, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "placement: 0xffe20000-0xffffffff"));
	assert_non_null(strstr(r.out, "sha256: d9b568def24088c92f34b5479e0ed7"
				      "e44d0a4d4cea8a0f5716719180bba48106\n"));
	assert_non_null(strstr(r.out, "sev-es reset block: eip 0x0080b004 "
				      "(AP CS base 0x00800000, IP 0xb004)\n"));
	assert_non_null(strstr(r.out, "  0x0080e000 +0x1000   CPUID\n"));
	assert_non_null(strstr(r.out, "usable for: sev yes, sev-es yes, "
				      "sev-snp metadata yes\n"));
}

static void test_sev_cli_describe_hostile(void **state)
{
	struct run r;

	(void)state;
	run(&r, cli_describe_main, "describe", "--firmware",
	    CORPUS "entry-too-long.bin", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err, "vmm describe: " CORPUS "entry-too-long.bin: "
			    "malformed footer table or SEV metadata (Invalid "
			    "argument)\n");
	run(&r, cli_describe_main, "describe", "--firmware",
	    CORPUS "no-footer.bin", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "footer table: absent"));
	run(&r, cli_describe_main, "describe", NULL);
	assert_int_equal(r.rc, 2);
	run(&r, cli_describe_main, "describe", "--firmware", SEVCTL_TRIMMED,
	    NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "sev secret area: 0x0080c000, 0xc00 "
				      "bytes\n"));
}

static void test_sev_cli_probe(void **state)
{
	struct run r;

	(void)state;
	run(&r, cli_probe_main, "probe", "--kvm-device", "/nonexistent", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "vmm probe: /nonexistent: No such file or "
			    "directory\n");
	assert_non_null(strstr(r.out, "kvm: /nonexistent not available\n"));
	assert_non_null(strstr(r.out, "sim backend: yes"));
	/* No /dev/kvm: no VM types, so SNP names its VM type too. */
	assert_non_null(strstr(r.out, "\nsev-snp (KVM_SEV_INIT2, guest_memfd): no ("));
	assert_non_null(strstr(r.out, "KVM cannot create VM type 4 for "
				      "KVM_SEV_INIT2 (KVM_CAP_VM_TYPES 0x1))\n"));
	run(&r, cli_probe_main, "probe", "extra", NULL);
	assert_int_equal(r.rc, 2);
	run(&r, cli_probe_main, "probe", "--help", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "runs unencrypted"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sev_cli_measure_sev),
		cmocka_unit_test(test_sev_cli_measure_sev_es),
		cmocka_unit_test(test_sev_cli_measure_sevctl_vector),
		cmocka_unit_test(test_sev_cli_measure_snp),
		cmocka_unit_test(test_sev_cli_measure_usage_errors),
		cmocka_unit_test(test_sev_cli_measure_bad_images),
		cmocka_unit_test(test_sev_cli_describe),
		cmocka_unit_test(test_sev_cli_describe_hostile),
		cmocka_unit_test(test_sev_cli_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
