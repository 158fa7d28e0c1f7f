// SPDX-License-Identifier: Apache-2.0
/* Which KVM: host_classify() over a fake /sys/module and DMI vendor file. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/host.h"

struct fake_host {
	char dir[64];
	char modules[PATH_MAX];
	char dmi[PATH_MAX];
};

static int setup(void **state)
{
	struct fake_host *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	strcpy(h->dir, "/tmp/test_host.XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->modules, sizeof(h->modules), "%s/module", h->dir);
	snprintf(h->dmi, sizeof(h->dmi), "%s/sys_vendor", h->dir);
	assert_int_equal(mkdir(h->modules, 0700), 0);
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct fake_host *h = *state;
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
	assert_int_equal(system(cmd), 0);
	free(h);
	return 0;
}

static void add_module(struct fake_host *h, const char *name)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", h->modules, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void write_dmi(struct fake_host *h, const char *text)
{
	FILE *f = fopen(h->dmi, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct host_probe probe_of(struct fake_host *h, bool hv, const char *vendor)
{
	struct host_probe p = { h->modules, h->dmi, hv, "" };

	memcpy(p.cpuid_vendor, vendor, strlen(vendor) < 12 ? strlen(vendor) : 12);
	return p;
}

static void test_no_module_is_unknown(void **state)
{
	struct host_probe p = probe_of(*state, false, "");
	struct vmm_host_info info;

	host_classify(&p, &info);
	assert_int_equal(info.kind, VMM_HOST_UNKNOWN);
	assert_string_equal(info.module, "");
	assert_string_equal(info.hypervisor, "");
	assert_false(info.insn_fixups);
	assert_string_equal(vmm_host_kind_name(info.kind), "unknown");
}

static void test_bare_metal_amd_is_native(void **state)
{
	struct fake_host *h = *state;
	struct host_probe p = probe_of(h, false, "");
	struct vmm_host_info info;

	add_module(h, "kvm");
	add_module(h, "kvm_amd");
	host_classify(&p, &info);
	assert_int_equal(info.kind, VMM_HOST_NATIVE);
	assert_string_equal(info.module, "kvm_amd");
	assert_string_equal(info.hypervisor, "");
	assert_false(info.insn_fixups);
	assert_string_equal(vmm_host_kind_name(info.kind), "native");
}

static void test_intel_under_tcg_is_nested(void **state)
{
	struct fake_host *h = *state;
	struct host_probe p = probe_of(h, true, "TCGTCGTCGTCG");
	struct vmm_host_info info;

	add_module(h, "kvm_intel");
	host_classify(&p, &info);
	assert_int_equal(info.kind, VMM_HOST_NESTED);
	assert_string_equal(info.module, "kvm_intel");
	assert_string_equal(info.hypervisor, "TCGTCGTCGTCG");
	assert_false(info.insn_fixups);
	assert_string_equal(vmm_host_kind_name(info.kind), "nested");
}

/* A hypervisor with an empty leaf 0x40000000 is named by DMI. */
static void test_unnamed_hypervisor_from_dmi(void **state)
{
	struct fake_host *h = *state;
	struct host_probe p = probe_of(h, true, "");
	struct vmm_host_info info;

	add_module(h, "kvm_amd");
	write_dmi(h, "QEMU\n");
	host_classify(&p, &info);
	assert_int_equal(info.kind, VMM_HOST_NESTED);
	assert_string_equal(info.hypervisor, "QEMU");
	unlink(h->dmi);
	host_classify(&p, &info);
	assert_int_equal(info.kind, VMM_HOST_NESTED);
	assert_string_equal(info.hypervisor, "unnamed");
}

/* PVM wins over the hardware modules and needs the fixups; padding trimmed. */
static void test_pvm_needs_fixups(void **state)
{
	struct fake_host *h = *state;
	struct host_probe p = probe_of(h, true, "bhyve bhyve ");
	struct vmm_host_info info;

	add_module(h, "kvm_amd");
	add_module(h, "kvm_pvm");
	host_classify(&p, &info);
	assert_int_equal(info.kind, VMM_HOST_PVM);
	assert_string_equal(info.module, "kvm_pvm");
	assert_string_equal(info.hypervisor, "bhyve bhyve");
	assert_true(info.insn_fixups);
	assert_string_equal(vmm_host_kind_name(info.kind), "pvm");
}

/* Unprintable vendor bytes are shown as '?', never copied raw. */
static void test_vendor_unprintable(void **state)
{
	struct fake_host *h = *state;
	struct host_probe p = probe_of(h, true, "ab\x01\x7f");
	struct vmm_host_info info;

	add_module(h, "kvm_amd");
	host_classify(&p, &info);
	assert_string_equal(info.hypervisor, "ab??");
}

/* The real probe never fails and agrees with itself. */
static void test_real_host_consistent(void **state)
{
	struct vmm_host_info a, b;

	(void)state;
	vmm_host_info(&a);
	vmm_host_info(&b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.insn_fixups, a.kind == VMM_HOST_PVM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_module_is_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_metal_amd_is_native, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intel_under_tcg_is_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unnamed_hypervisor_from_dmi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvm_needs_fixups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vendor_unprintable, setup, teardown),
		cmocka_unit_test(test_real_host_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
