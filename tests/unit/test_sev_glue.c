// SPDX-License-Identifier: Apache-2.0
/*
 * The machine's SEV launch with the sim backend, on the real /dev/kvm
 * (skipped without it): vmm_create() stops after LAUNCH_MEASURE, a guest
 * owner's LAUNCH_SECRET lands decrypted in guest RAM, the first vmm_run()
 * does LAUNCH_FINISH, and a secret after that is refused.  The measurement
 * covers exactly the firmware image: it equals the offline computation.
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

#include "sev/measure.h"
#include "sev/sev_crypto.h"
#include "vmm.h"
#include "vmm/machine.h"

#define SECRET_GPA 0x800000ULL

static const uint8_t tik[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t tek[16] = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
				 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF };

/* 4 KiB image ending at 4 GiB: "mov al,6; mov dx,0xcf9; out dx,al; jmp $". */
static int reset_firmware(uint8_t img[4096])
{
	static const uint8_t code[] = { 0xB0, 0x06, 0xBA, 0xF9, 0x0C, 0xEE, 0xEB, 0xFE };
	char path[] = "/tmp/sev-glue-fw-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	memset(img, 0, 4096);
	memcpy(img + 0xFF0, code, sizeof(code));
	assert_int_equal(write(fd, img, 4096), 4096);
	return fd;
}

static void test_sev_glue_secret_and_finish(void **state)
{
	uint8_t img[4096], iv[16] = { 9 }, hdr[52], plain[64], trans[64], ld[32];
	uint8_t measure[32], mnonce[16], want[32];
	struct vmm_config cfg = { .size = sizeof(cfg) };
	struct sev_measure_params p;
	struct vmm *vm = NULL;
	char text[1024], hex[65];
	uint32_t flags = 0;
	int kvm = open("/dev/kvm", O_RDWR);

	(void)state;
	if (kvm < 0) {
		fprintf(stderr, "skip: no /dev/kvm; the sev suite runs it on KVM\n");
		skip();
	}
	close(kvm);
	cfg.code_fd = reset_firmware(img);
	cfg.vars_fd = cfg.console_in_fd = cfg.console_out_fd = cfg.debugcon_fd = -1;
	cfg.mem_size = 64ULL << 20;
	cfg.flags = VMM_F_NO_REBOOT;
	cfg.sev_mode = VMM_SEV;
	cfg.sev_backend = VMM_SEV_BACKEND_SIM;
	cfg.sev_policy = 0x1;
	cfg.sev_sim_tik = tik;
	cfg.sev_sim_tek = tek;
	assert_int_equal(vmm_create(&cfg, &vm), 0);

	/* The measurement, and the digest over exactly the image. */
	assert_true(vmm_sev_measurement(vm, text, sizeof(text)) > 0);
	memcpy(measure, vm->sev_measurement.measure, 32);
	memcpy(mnonce, vm->sev_measurement.mnonce, 16);
	sev_measure_params_init(&p, SEV_MODE_SEV);
	assert_int_equal(sev_measure_digest(img, sizeof(img), &p, ld), 0);
	assert_int_equal(sev_measure_launch_measure(tik, vm->sev_measurement.api_major,
						    vm->sev_measurement.api_minor,
						    vm->sev_measurement.build, 0x1,
						    ld, mnonce, want), 0);
	assert_memory_equal(measure, want, 32);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", measure[i]);
	assert_non_null(strstr(text, hex));

	/* The guest owner's secret: AES-128-CTR under TEK, MAC under TIK. */
	for (unsigned i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(0x40 + i);
	assert_int_equal(sev_crypto_aes128_ctr(tek, iv, plain, trans, sizeof(trans)), 0);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + 4, iv, 16);
	assert_int_equal(sev_crypto_secret_mac(tik, flags, iv, sizeof(trans),
					       sizeof(trans), trans, sizeof(trans),
					       measure, hdr + 20), 0);
	/* Outside RAM: refused before the firmware sees it. */
	assert_int_equal(vmm_sev_inject_secret(vm, hdr, sizeof(hdr), trans,
					       sizeof(trans), 0xFFFFF000ULL), -EINVAL);
	assert_non_null(strstr(vmm_strerror(vm), "is not guest RAM"));
	assert_int_equal(vmm_sev_inject_secret(vm, hdr, sizeof(hdr), trans,
					       sizeof(trans), SECRET_GPA), 0);
	assert_memory_equal(vm->ram + SECRET_GPA, plain, sizeof(plain));
	/* A forged MAC is the firmware's error, named. */
	hdr[20] ^= 1;
	assert_true(vmm_sev_inject_secret(vm, hdr, sizeof(hdr), trans,
					  sizeof(trans), SECRET_GPA) < 0);
	assert_non_null(strstr(vmm_strerror(vm), "LAUNCH_SECRET"));
	vmm_destroy(vm);
}

static void test_sev_glue_finish_then_no_secret(void **state)
{
	uint8_t img[4096], hdr[52] = { 0 }, trans[16] = { 0 };
	struct vmm_config cfg = { .size = sizeof(cfg) };
	struct vmm_exit ex;
	struct vmm *vm = NULL;
	int kvm = open("/dev/kvm", O_RDWR);

	(void)state;
	if (kvm < 0) {
		fprintf(stderr, "skip: no /dev/kvm; the sev suite runs it on KVM\n");
		skip();
	}
	close(kvm);
	cfg.code_fd = reset_firmware(img);
	cfg.vars_fd = cfg.console_in_fd = cfg.console_out_fd = cfg.debugcon_fd = -1;
	cfg.mem_size = 64ULL << 20;
	cfg.sev_mode = VMM_SEV;
	cfg.sev_backend = VMM_SEV_BACKEND_SIM;
	assert_int_equal(vmm_create(&cfg, &vm), 0);
	assert_int_equal(vmm_run(vm, &ex), 0);
	/* The guest wrote 0xCF9: an SEV guest cannot be rebooted. */
	assert_int_equal(ex.reason, VMM_EXIT_RESET);
	assert_string_equal(ex.detail,
			    "guest reset (reset requested by the guest); an SEV guest cannot be rebooted");
	assert_int_equal(vmm_sev_inject_secret(vm, hdr, sizeof(hdr), trans,
					       sizeof(trans), 0x1000), -EINVAL);
	assert_non_null(strstr(vmm_strerror(vm), "before the first vmm_run()"));
	vmm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sev_glue_secret_and_finish),
		cmocka_unit_test(test_sev_glue_finish_then_no_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
