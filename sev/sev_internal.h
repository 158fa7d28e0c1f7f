/* SPDX-License-Identifier: Apache-2.0 */
/* The launch context shared by sev.c and sev_launch.c. */
#ifndef SEV_SEV_INTERNAL_H
#define SEV_SEV_INTERNAL_H

#include "sev/sev.h"
#include "sev/sev_sim.h"
#include "sev/sev_simkvm.h"

/* Most vCPUs one LAUNCH_UPDATE_VMSA takes (KVM_MAX_VCPUS on x86). */
#define SEV_MAX_VCPUS		1024u
/* Most encrypted regions one launch registers. */
#define SEV_MAX_REGIONS		64u

/* Where the launch is; every public call checks it first. */
enum sev_state {
	SEV_STATE_OPEN,		/* sev_open done */
	SEV_STATE_INIT,		/* SEV_INIT / ES_INIT / INIT2 done */
	SEV_STATE_STARTED,	/* LAUNCH_START done: UPDATE_DATA allowed */
	SEV_STATE_VMSA,		/* LAUNCH_UPDATE_VMSA done (SEV-ES) */
	SEV_STATE_MEASURED,	/* LAUNCH_MEASURE done: SECRET allowed */
	SEV_STATE_FINISHED,	/* LAUNCH_FINISH done: the guest may run */
	SEV_STATE_FAILED,	/* a step failed: the launch is over */
};

struct sev_region {
	uintptr_t start;
	uint64_t size;
};

struct sev {
	struct sev_config cfg;		/* blobs point at our own copies */
	struct sev_host_caps caps;
	enum sev_state state;
	int sev_fd;			/* /dev/sev, -1 for the SIM backend */
	int vm_fd;
	uint32_t handle;		/* firmware guest handle */
	uint8_t api_major, api_minor, build;
	struct sev_sim *sim;		/* SIM backend: the firmware model */
	struct sev_simkvm *simkvm;	/* ... and KVM in front of it */
	struct sev_region regions[SEV_MAX_REGIONS];
	unsigned nr_regions;
	uint32_t last_fw_error;		/* firmware status of the last command */
	char last_error[192];
};

void sev_set_error(struct sev *sev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The only caller of KVM_MEMORY_ENCRYPT_OP (or of the SIM backend's model
 * of it).  On failure records "<COMMAND> failed: <STATUS> (0x..)" or the
 * errno text when the firmware was not reached.  Returns 0 or -errno.
 */
int sev_cmd(struct sev *sev, uint32_t id, void *data);

/* sev_cmd(), then the launch is in (next), or failed. */
int sev_launch_step(struct sev *sev, uint32_t id, void *data,
		    enum sev_state next);

/* Whether [hva, hva+len) lies inside one registered region. */
bool sev_range_registered(const struct sev *sev, const void *hva,
			  uint64_t len);

/*
 * Check that the launch is in (want) before a step; -ECANCELED after a
 * failure, -EINVAL (with a message naming (step)) when out of order.
 */
int sev_expect_state(struct sev *sev, enum sev_state want, const char *step);

#endif
