// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-SNP launch side (sev/sev_snp.c, through sev.c's command layer)
 * on the SIM backend: over a private copy of Debian's OVMF_CODE.fd and a
 * RAM buffer holding its metadata sections, in the VMM's order (start,
 * CODE as NORMAL pages, each ASEV section with its page type, finish with
 * the reset-state VMSA).  The model's MEASUREMENT must equal the offline
 * `vmm measure --mode snp` digest.  Then the refusals: policy, backend,
 * ID block sizes, order, alignment, page type; and the CPUID page layout.
 *
 * What this proves: the launch code, the model and the offline measurement
 * agree.  Nothing about real SNP hardware or KVM's guest_memfd path (there
 * is neither here; the kvm backend refuses SNP).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/sev.h"
#include "sev/sev_uapi_compat.h"
#include "tests/unit/load_file.h"

#define OVMF_2M "/usr/share/OVMF/OVMF_CODE.fd"
#define FAKE_VM_FD 3	/* the model never touches it */
#define VCPU_SIG 0x800f12
#define RAM_BASE 0x800000u	/* OVMF's SEC/PEI metadata sections live here */
#define RAM_SIZE 0x100000u

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void snp_config(struct sev_config *cfg)
{
	sev_config_init(cfg);
	cfg->mode = SEV_MODE_SNP;
	cfg->backend = SEV_BACKEND_SIM;
	cfg->policy = 0x30000;
}

static struct sev *open_snp(const struct sev_config *cfg)
{
	struct sev *sev = NULL;
	char err[256];

	assert_int_equal(sev_open(cfg, -1, &sev, err, sizeof(err)), 0);
	assert_int_equal(sev_init(sev, FAKE_VM_FD), 0);
	return sev;
}

static uint8_t section_type(uint32_t t)
{
	switch (t) {
	case OVMF_SEV_SECTION_SNP_SECRETS: return KVM_SEV_SNP_PAGE_TYPE_SECRETS;
	case OVMF_SEV_SECTION_CPUID: return KVM_SEV_SNP_PAGE_TYPE_CPUID;
	default: return KVM_SEV_SNP_PAGE_TYPE_ZERO;
	}
}

/* A CPUID table the model accepts: the standard leaf 0 and 1 only. */
static struct kvm_cpuid2 *small_cpuid(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 2 * sizeof(c->entries[0]));

	c->nent = 2;
	c->entries[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0xd,
		.ebx = 0x68747541, .edx = 0x69746e65, .ecx = 0x444d4163 };
	c->entries[1] = (struct kvm_cpuid_entry2){ .function = 1, .eax = VCPU_SIG };
	return c;
}

static void launch_ovmf(struct sev *sev, uint8_t *code, size_t len, uint8_t *ram)
{
	struct ovmf_sev_info info;
	struct sev_vcpu_state st;
	struct kvm_cpuid2 *cpuid = small_cpuid();

	assert_int_equal(ovmf_sev_info_parse(code, len, &info), 0);
	assert_true(info.has_metadata);
	assert_int_equal(sev_snp_launch_start(sev), 0);
	assert_int_equal(sev_snp_launch_update(sev, 0x100000000ull - len, code, len,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), 0);
	for (unsigned i = 0; i < info.nr_sections; i++) {
		const struct ovmf_sev_section *s = &info.sections[i];
		uint8_t type = section_type(s->type);
		uint64_t n = type == KVM_SEV_SNP_PAGE_TYPE_ZERO ? s->size : 4096;

		assert_true(s->gpa >= RAM_BASE && s->gpa + n <= RAM_BASE + RAM_SIZE);
		if (type == KVM_SEV_SNP_PAGE_TYPE_CPUID)
			assert_int_equal(sev_snp_cpuid_page(cpuid, ram + s->gpa - RAM_BASE), 2);
		assert_int_equal(sev_snp_launch_update(sev, s->gpa, ram + s->gpa - RAM_BASE,
						       n, type), 0);
	}
	sev_vcpu_reset_state(&st, 0, VCPU_SIG, 0);
	assert_int_equal(sev_snp_launch_finish(sev, &st, 1), 0);
	free(cpuid);
}

static void test_snp_sim_launch_matches_vmm_measure(void **state)
{
	struct sev_measure_params p;
	struct sev_measurement m;
	struct sev_config cfg;
	uint8_t ld[48], *img, *code, *ram = map_anon(RAM_SIZE);
	char text[256], want[97];
	size_t len;
	struct sev *sev;

	(void)state;
	img = load_file(OVMF_2M, &len);
	code = map_anon(len);
	memcpy(code, img, len);
	snp_config(&cfg);
	sev = open_snp(&cfg);
	assert_int_equal(sev_vm_type(sev), KVM_X86_DEFAULT_VM);	/* the real VM */
	assert_false(sev_readonly_slots_allowed(sev));	/* the modelled one */
	launch_ovmf(sev, code, len, ram);
	assert_int_equal(sev_snp_measurement(sev, &m), 0);
	sev_measure_params_init(&p, SEV_MODE_SNP);
	p.vcpu_sig = VCPU_SIG;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), 0);
	assert_memory_equal(m.snp_measure, ld, 48);
	for (int i = 0; i < 48; i++)
		sprintf(want + 2 * i, "%02x", ld[i]);
	snprintf(text, sizeof(text), "measure: %s\npolicy: 0x00030000\n", want);
	{
		char got[256];

		assert_int_equal(sev_measurement_format(&m, got, sizeof(got)),
				 (int)strlen(text));
		assert_string_equal(got, text);
	}
	/* The launch is over: no second start, no more pages. */
	assert_int_equal(sev_snp_launch_start(sev), -EINVAL);
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE, ram, 4096,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	sev_close(sev);
	munmap(code, len);
	munmap(ram, RAM_SIZE);
	free(img);
}

static void test_snp_config_refusals(void **state)
{
	static const uint8_t block[96], auth[4096];
	struct sev_config cfg;
	struct sev *sev = NULL;
	char err[256];

	(void)state;
	snp_config(&cfg);
	cfg.policy = 0;
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "SEV-SNP policy needs bit 17 set (e.g. 0x30000)");
	snp_config(&cfg);
	cfg.id_block = block;
	cfg.id_block_len = sizeof(block);
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "an ID block goes with its authentication structure");
	cfg.id_auth = auth;
	cfg.id_auth_len = 4095;
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "ID block must be 96 bytes, its authentication 4096");
	snp_config(&cfg);
	cfg.dh_cert = block;
	cfg.dh_cert_len = sizeof(block);
	cfg.session = block;
	cfg.session_len = sizeof(block);
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "SEV-SNP takes no DH certificate or session");
	/* An ID block is for SNP only. */
	sev_config_init(&cfg);
	cfg.mode = SEV_MODE_SEV;
	cfg.backend = SEV_BACKEND_SIM;
	cfg.id_block = block;
	cfg.id_block_len = sizeof(block);
	assert_int_equal(sev_open(&cfg, -1, &sev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "an ID block is for SEV-SNP");
	assert_null(sev);
}

static void test_snp_order_and_arguments(void **state)
{
	struct sev_config cfg;
	struct sev_vcpu_state st;
	uint8_t *page = map_anon(8192);
	struct sev *sev;

	(void)state;
	snp_config(&cfg);
	sev = open_snp(&cfg);
	sev_vcpu_reset_state(&st, 0, VCPU_SIG, 0);
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE, page, 4096,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_UPDATE out of order: "
			    "launch is initialised, needs started");
	assert_int_equal(sev_snp_launch_finish(sev, &st, 1), -EINVAL);
	assert_int_equal(sev_snp_launch_start(sev), 0);
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE + 1, page, 4096,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_UPDATE: range 0x800001+0x1000 "
			    "is not whole 4 KiB pages");
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE, page + 1, 4096,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE, page, 100,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), -EINVAL);
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE, page, 4096, 2), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_UPDATE: page type 2");
	assert_int_equal(sev_snp_launch_finish(sev, &st, 0), -EINVAL);
	assert_string_equal(sev_last_error(sev), "SNP_LAUNCH_FINISH: 0 vCPUs");
	/* Argument errors stop before the firmware: the launch goes on. */
	assert_int_equal(sev_snp_launch_update(sev, RAM_BASE, page, 8192,
					       KVM_SEV_SNP_PAGE_TYPE_NORMAL), 0);
	assert_int_equal(sev_snp_launch_finish(sev, &st, 1), 0);
	sev_close(sev);
	munmap(page, 8192);
}

static void test_snp_cpuid_page_layout(void **state)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 70 * sizeof(c->entries[0]));
	uint8_t page[4096];
	uint32_t v;
	uint64_t x;

	(void)state;
	c->nent = 70;
	for (unsigned i = 0; i < 70; i++)
		c->entries[i] = (struct kvm_cpuid_entry2){ .function = i, .index = 7,
			.eax = 0xa0 + i, .ebx = 0xb0, .ecx = 0xc0, .edx = 0xd0 };
	c->entries[13].function = 0xD;	/* XSAVE, subleaf significant */
	c->entries[13].index = 1;
	c->entries[13].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	assert_int_equal(sev_snp_cpuid_page(c, page), 64);
	memcpy(&v, page, 4);
	assert_int_equal(v, 64);
	/* Entry 2: function 2, ECX_IN 0 (index not significant), XCR0_IN 0. */
	memcpy(&v, page + 16 + 2 * 48, 4);
	assert_int_equal(v, 2);
	memcpy(&v, page + 16 + 2 * 48 + 4, 4);
	assert_int_equal(v, 0);
	memcpy(&v, page + 16 + 2 * 48 + 24, 4);
	assert_int_equal(v, 0xa2);
	/* Entry 13: 0xD.1 with XCR0_IN = x87. */
	memcpy(&v, page + 16 + 13 * 48 + 4, 4);
	assert_int_equal(v, 1);
	memcpy(&x, page + 16 + 13 * 48 + 8, 8);
	assert_int_equal(x, 1);
	/* Nothing past the 64th entry. */
	for (size_t i = 16 + 64 * 48; i < sizeof(page); i++)
		assert_int_equal(page[i], 0);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_sim_launch_matches_vmm_measure),
		cmocka_unit_test(test_snp_config_refusals),
		cmocka_unit_test(test_snp_order_and_arguments),
		cmocka_unit_test(test_snp_cpuid_page_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
