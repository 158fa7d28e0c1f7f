/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMM_HOST_H
#define VMM_HOST_H

#include "vmm.h"

/*
 * What vmm_host_info() reads, so tests can give their own: a directory
 * holding the host's loaded modules (normally /sys/module), the DMI system
 * vendor file, and CPUID's hypervisor bit and leaf 0x40000000 vendor.
 */
struct host_probe {
	const char *module_dir;
	const char *dmi_vendor_path;
	bool cpuid_hypervisor;		/* CPUID.1:ECX[31] */
	char cpuid_vendor[13];		/* CPUID 0x40000000 EBX ECX EDX */
};

void host_classify(const struct host_probe *p, struct vmm_host_info *info);

#endif
