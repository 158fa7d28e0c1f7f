// SPDX-License-Identifier: Apache-2.0
/*
 * The host CPUID instruction, alone in its own object file so that unit
 * tests can substitute it at link time (-Wl,--wrap=sev_host_cpuid) and
 * play an SEV-capable AMD host on any machine.
 */
#include <cpuid.h>

#include "sev/sev_host.h"

void sev_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
}
