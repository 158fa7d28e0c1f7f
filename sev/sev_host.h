/* SPDX-License-Identifier: Apache-2.0 */
/* Host probing internals shared by sev_host.c and sev.c. */
#ifndef SEV_SEV_HOST_H
#define SEV_SEV_HOST_H

#include <stdint.h>

#include "sev/sev.h"

/* CPUID (leaf, subleaf) of the host: out = {EAX, EBX, ECX, EDX}. */
void sev_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/*
 * sev_probe(), but keep /dev/sev open in (*sev_fd) when it opened (else
 * -1), so sev_open() does not open it twice.
 */
void sev_probe_keep_fd(int kvm_fd, struct sev_host_caps *caps, int *sev_fd);

#endif
