// SPDX-License-Identifier: Apache-2.0
/*
 * Which KVM is this?  Only reports use it: the run loop treats every host
 * alike and emulates an instruction only when KVM says it could not.
 *   - kvm_pvm: "pagetable-based virtual machine", nested virtualization
 *     without VMX; guest kernel code is emulated and x87/MXCSR come to us.
 *   - kvm_amd / kvm_intel: hardware virtualization, on bare metal or inside
 *     another hypervisor (CPUID.1:ECX[31] is the "hypervisor present" bit
 *     every hypervisor sets; leaf 0x40000000 names it, e.g. "TCGTCGTCGTCG"
 *     for QEMU's TCG; where it names nothing, DMI's system vendor does).
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vmm/host.h"

static bool module_loaded(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* First line of (path) without trailing blanks, "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

/*
 * Printable vendor string without trailing blanks, or "" (some hypervisors
 * leave zeros; bhyve pads "bhyve bhyve " with a space).
 */
static void copy_vendor(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; src[n] && n + 1 < len; n++)
		dst[n] = (src[n] >= 0x20 && src[n] < 0x7f) ? src[n] : '?';
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

void host_classify(const struct host_probe *p, struct vmm_host_info *info)
{
	static const char *const modules[] = { "kvm_pvm", "kvm_amd", "kvm_intel" };
	char dmi[64];

	memset(info, 0, sizeof(*info));
	for (unsigned i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (module_loaded(p->module_dir, modules[i])) {
			snprintf(info->module, sizeof(info->module), "%s",
				 modules[i]);
			break;
		}
	if (p->cpuid_hypervisor) {
		copy_vendor(info->hypervisor, sizeof(info->hypervisor),
			    p->cpuid_vendor);
		if (!info->hypervisor[0]) {
			read_line(p->dmi_vendor_path, dmi, sizeof(dmi));
			copy_vendor(info->hypervisor, sizeof(info->hypervisor),
				    dmi[0] ? dmi : "unnamed");
		}
	}
	if (strcmp(info->module, "kvm_pvm") == 0) {
		info->kind = VMM_HOST_PVM;
		info->insn_fixups = true;
	} else if (info->module[0]) {
		info->kind = info->hypervisor[0] ? VMM_HOST_NESTED : VMM_HOST_NATIVE;
	} else {
		info->kind = VMM_HOST_UNKNOWN;
	}
}

void vmm_host_info(struct vmm_host_info *info)
{
	struct host_probe p = {
		.module_dir = "/sys/module",
		.dmi_vendor_path = "/sys/class/dmi/id/sys_vendor",
	};
	unsigned a, b, c, d;

	__cpuid(1, a, b, c, d);
	p.cpuid_hypervisor = c & (1u << 31);
	if (p.cpuid_hypervisor) {
		__cpuid(0x40000000, a, b, c, d);
		memcpy(p.cpuid_vendor, &b, 4);
		memcpy(p.cpuid_vendor + 4, &c, 4);
		memcpy(p.cpuid_vendor + 8, &d, 4);
	}
	host_classify(&p, info);
}

const char *vmm_host_kind_name(enum vmm_host_kind kind)
{
	switch (kind) {
	case VMM_HOST_NATIVE: return "native";
	case VMM_HOST_NESTED: return "nested";
	case VMM_HOST_PVM: return "pvm";
	default: return "unknown";
	}
}
