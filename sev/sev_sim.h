/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A software model of the AMD SEV firmware's guest launch state machine,
 * written from the SEV API specification (pub. 55766, v0.24) as summarised
 * in docs/sev-firmware-model.md: platform states, guest states, the status
 * each command returns in the wrong state (checks in the firmware's order,
 * first failure wins and changes nothing), the launch digest over
 * LAUNCH_UPDATE_DATA and LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE as HMAC-SHA-256
 * under the TIK, and LAUNCH_SECRET's MAC check and AES-128-CTR payload.
 *
 * What it is not: it encrypts nothing (memory stays plaintext), it cannot
 * unwrap a real session (no PDH private key: the transport keys are
 * injected with sev_sim_set_transport_keys(), and only the session's
 * POLICY_MAC is checked with them), and it does not model SEND/RECEIVE,
 * DBG or SNP.  Addresses are host pointers, checked for the firmware's
 * 16-byte alignment rules.
 *
 * Commands return the firmware status (0 = SUCCESS), never an errno.
 */
#ifndef SEV_SEV_SIM_H
#define SEV_SEV_SIM_H

#include <stdbool.h>
#include <stdint.h>

/* Firmware command ids (SEV API 0.24 section 4.3, table 4). */
enum sev_sim_cmd {
	SEV_SIM_CMD_INIT = 0x01,
	SEV_SIM_CMD_PLATFORM_STATUS = 0x04,
	SEV_SIM_CMD_DECOMMISSION = 0x20,
	SEV_SIM_CMD_ACTIVATE = 0x21,
	SEV_SIM_CMD_DEACTIVATE = 0x22,
	SEV_SIM_CMD_GUEST_STATUS = 0x23,
	SEV_SIM_CMD_LAUNCH_START = 0x30,
	SEV_SIM_CMD_LAUNCH_UPDATE_DATA = 0x31,
	SEV_SIM_CMD_LAUNCH_UPDATE_VMSA = 0x32,
	SEV_SIM_CMD_LAUNCH_MEASURE = 0x33,
	SEV_SIM_CMD_LAUNCH_SECRET = 0x34,
	SEV_SIM_CMD_LAUNCH_FINISH = 0x35,
};

/* Firmware status codes the model returns (SEV API 0.24 table 27). */
enum sev_sim_status {
	SEV_SIM_SUCCESS = 0x00,
	SEV_SIM_INVALID_PLATFORM_STATE = 0x01,
	SEV_SIM_INVALID_GUEST_STATE = 0x02,
	SEV_SIM_INVALID_LENGTH = 0x04,
	SEV_SIM_INVALID_CERTIFICATE = 0x06,
	SEV_SIM_POLICY_FAILURE = 0x07,
	SEV_SIM_INACTIVE = 0x08,
	SEV_SIM_INVALID_ADDRESS = 0x09,
	SEV_SIM_BAD_MEASUREMENT = 0x0b,
	SEV_SIM_ASID_OWNED = 0x0c,
	SEV_SIM_INVALID_ASID = 0x0d,
	SEV_SIM_INVALID_GUEST = 0x10,
	SEV_SIM_ACTIVE = 0x12,
	SEV_SIM_HWERROR_PLATFORM = 0x13,
	SEV_SIM_UNSUPPORTED = 0x15,
	SEV_SIM_RESOURCE_LIMIT = 0x17,
};

/* Platform states (section 5.1.2). */
enum sev_sim_platform_state {
	SEV_SIM_PLATFORM_UNINIT = 0,
	SEV_SIM_PLATFORM_INIT = 1,
	SEV_SIM_PLATFORM_WORKING = 2,
};

/* Guest states (section 6.1.1; firmware values). */
enum sev_sim_guest_state {
	SEV_SIM_GUEST_UNINIT = 0,
	SEV_SIM_GUEST_LUPDATE = 1,
	SEV_SIM_GUEST_LSECRET = 2,
	SEV_SIM_GUEST_RUNNING = 3,
};

/* Model limits: ASIDs 1..7 are SEV-ES ASIDs, 8..15 SEV ASIDs. */
#define SEV_SIM_MAX_GUESTS	8
#define SEV_SIM_MAX_ASID	15
#define SEV_SIM_MIN_SEV_ASID	8
#define SEV_SIM_SECRET_MAX	0x5000	/* firmware bounce buffer */
#define SEV_SIM_SECRET_COMPRESSED 0x1u	/* packet header FLAGS bit 0 */

struct sev_sim_params {
	uint8_t api_major, api_minor, build;
	bool es_capable;	/* INIT enables SEV-ES (PLATFORM_STATUS flag) */
};

struct sev_sim_platform_status {
	uint8_t api_major, api_minor, build, state;
	uint32_t flags;		/* 0x100: SEV-ES configured */
	uint32_t guest_count;
};

struct sev_sim_launch_start {
	uint32_t handle;	/* in: 0 or a guest to share keys with; out */
	uint32_t policy;
	const void *dh_cert;
	uint32_t dh_cert_len;
	const void *session;
	uint32_t session_len;
};

struct sev_sim_secret {
	const void *hdr;
	uint32_t hdr_len;
	void *guest;
	uint32_t guest_len;
	const void *trans;
	uint32_t trans_len;
};

struct sev_sim;

/* A platform in state UNINIT.  Returns 0 or -ENOMEM. */
int sev_sim_create(const struct sev_sim_params *params, struct sev_sim **out);
void sev_sim_destroy(struct sev_sim *sim);

/* Test hooks (sev-firmware-model.md section 8). */
/* Keys the next LAUNCH_START installs, standing in for the session unwrap. */
void sev_sim_set_transport_keys(struct sev_sim *sim, const uint8_t tek[16],
				const uint8_t tik[16]);
/* MNONCE for every following LAUNCH_MEASURE (else RAND_bytes). */
void sev_sim_set_mnonce(struct sev_sim *sim, const uint8_t mnonce[16]);
/* Make the next (cmd) fail with (status) without any effect. */
void sev_sim_inject_status(struct sev_sim *sim, enum sev_sim_cmd cmd,
			   uint32_t status);

/* Commands. */
uint32_t sev_sim_init(struct sev_sim *sim);
uint32_t sev_sim_platform_status(struct sev_sim *sim,
				 struct sev_sim_platform_status *out);
uint32_t sev_sim_launch_start(struct sev_sim *sim,
			      struct sev_sim_launch_start *io);
uint32_t sev_sim_activate(struct sev_sim *sim, uint32_t handle, uint32_t asid);
uint32_t sev_sim_deactivate(struct sev_sim *sim, uint32_t handle);
uint32_t sev_sim_decommission(struct sev_sim *sim, uint32_t handle);
uint32_t sev_sim_launch_update_data(struct sev_sim *sim, uint32_t handle,
				    const void *addr, uint32_t len);
uint32_t sev_sim_launch_update_vmsa(struct sev_sim *sim, uint32_t handle,
				    const void *addr, uint32_t len);
/* (buf) gets MEASURE || MNONCE; (*len) < 48 fails INVALID_LENGTH, *len = 48. */
uint32_t sev_sim_launch_measure(struct sev_sim *sim, uint32_t handle,
				void *buf, uint32_t *len);
uint32_t sev_sim_launch_secret(struct sev_sim *sim, uint32_t handle,
			       const struct sev_sim_secret *secret);
uint32_t sev_sim_launch_finish(struct sev_sim *sim, uint32_t handle);
/* An unknown handle is SUCCESS with state UNINIT (as the firmware does). */
uint32_t sev_sim_guest_status(struct sev_sim *sim, uint32_t handle,
			      uint32_t *policy, uint32_t *asid,
			      uint32_t *state);

/* Observers for tests; they survive LAUNCH_FINISH's key zeroing. */
enum sev_sim_platform_state sev_sim_platform_state(const struct sev_sim *sim);
/* The launch digest finalised by LAUNCH_MEASURE: 0, -ENOENT, -EAGAIN. */
int sev_sim_digest(const struct sev_sim *sim, uint32_t handle,
		   uint8_t ld[32]);
/* Bytes absorbed into the digest so far (data and VMSAs). */
uint64_t sev_sim_digest_bytes(const struct sev_sim *sim, uint32_t handle);

#endif
