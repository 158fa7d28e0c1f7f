// SPDX-License-Identifier: Apache-2.0
/*
 * The launch commands, in the order of the SEV API (section 6): START,
 * UPDATE_DATA, UPDATE_VMSA (SEV-ES), MEASURE, SECRET (optional), FINISH.
 * Each checks the launch state first; a command KVM or the firmware
 * refuses ends the launch (state FAILED, later calls -ECANCELED).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sev/sev_internal.h"
#include "sev/sev_uapi_compat.h"

/* Run one launch command; a failure ends the launch. */
int sev_launch_step(struct sev *sev, uint32_t id, void *data,
		       enum sev_state next)
{
	int rc = sev_cmd(sev, id, data);

	sev->state = rc ? SEV_STATE_FAILED : next;
	return rc;
}

int sev_launch_start(struct sev *sev)
{
	struct kvm_sev_launch_start start;
	int rc = sev_expect_state(sev, SEV_STATE_INIT, "LAUNCH_START");

	if (rc)
		return rc;
	memset(&start, 0, sizeof(start));
	start.policy = sev->cfg.policy;
	/* Lengths were checked against 2084 / 128 in sev_open(). */
	start.dh_uaddr = (uintptr_t)sev->cfg.dh_cert;
	start.dh_len = sev->cfg.dh_cert ? (uint32_t)sev->cfg.dh_cert_len : 0;
	start.session_uaddr = (uintptr_t)sev->cfg.session;
	start.session_len = sev->cfg.session ? (uint32_t)sev->cfg.session_len : 0;
	rc = sev_launch_step(sev, KVM_SEV_LAUNCH_START, &start, SEV_STATE_STARTED);
	if (!rc)
		sev->handle = start.handle;
	return rc;
}

/*
 * The firmware wants 16-byte aligned address and length (SEV API 6.3) and
 * KVM a u32 length; we also insist on registered memory, so that a CODE
 * copy that was never registered (or VARS by mistake) is caught here.
 */
static int check_update_range(struct sev *sev, const void *hva, uint64_t len)
{
	if (!hva || len == 0 || len > UINT32_MAX) {
		sev_set_error(sev, "LAUNCH_UPDATE_DATA: length %llu out of range",
			      (unsigned long long)len);
		return -EINVAL;
	}
	if ((uintptr_t)hva % 16 || len % 16) {
		sev_set_error(sev, "LAUNCH_UPDATE_DATA: address and length "
			      "must be 16-byte aligned");
		return -EINVAL;
	}
	if (!sev_range_registered(sev, hva, len)) {
		sev_set_error(sev, "LAUNCH_UPDATE_DATA: range is not inside "
			      "a registered encrypted region");
		return -EINVAL;
	}
	return 0;
}

int sev_launch_update_data(struct sev *sev, void *hva, uint64_t len)
{
	struct kvm_sev_launch_update_data upd;
	int rc = sev_expect_state(sev, SEV_STATE_STARTED, "LAUNCH_UPDATE_DATA");

	if (!rc)
		rc = check_update_range(sev, hva, len);
	if (rc)
		return rc;
	memset(&upd, 0, sizeof(upd));
	upd.uaddr = (uintptr_t)hva;
	upd.len = (uint32_t)len;
	return sev_launch_step(sev, KVM_SEV_LAUNCH_UPDATE_DATA, &upd,
			   SEV_STATE_STARTED);
}

/* SIM backend: the VMSAs KVM would build from the vCPUs' state. */
static int sim_prepare_vmsas(struct sev *sev,
			     const struct sev_vcpu_state *vcpus, unsigned nr,
			     uint8_t (**pages)[SEV_VMSA_SIZE])
{
	struct sev_vmsa_opts opts = {
		.sev_features = sev->cfg.vmsa_features,
		.sync_fpu = sev->cfg.use_init2,
	};

	*pages = calloc(nr, SEV_VMSA_SIZE);
	if (!*pages) {
		sev_set_error(sev, "LAUNCH_UPDATE_VMSA: out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < nr; i++)
		sev_vmsa_build((*pages)[i], &vcpus[i], &opts);
	sev_simkvm_set_vmsas(sev->simkvm, (const void *)*pages, nr);
	return 0;
}

static int check_vmsa_call(struct sev *sev, const struct sev_vcpu_state *vcpus,
			   unsigned nr)
{
	if (sev->cfg.mode != SEV_MODE_SEV_ES) {
		sev_set_error(sev, "LAUNCH_UPDATE_VMSA is for SEV-ES only");
		return -EINVAL;
	}
	if (!vcpus || nr == 0 || nr > SEV_MAX_VCPUS) {
		sev_set_error(sev, "LAUNCH_UPDATE_VMSA: %u vCPUs", nr);
		return -EINVAL;
	}
	return sev_expect_state(sev, SEV_STATE_STARTED, "LAUNCH_UPDATE_VMSA");
}

int sev_launch_update_vmsas(struct sev *sev,
			    const struct sev_vcpu_state *vcpus, unsigned nr)
{
	uint8_t (*pages)[SEV_VMSA_SIZE] = NULL;
	int rc = check_vmsa_call(sev, vcpus, nr);

	if (rc)
		return rc;
	if (sev->simkvm) {
		rc = sim_prepare_vmsas(sev, vcpus, nr, &pages);
		if (rc) {
			sev->state = SEV_STATE_FAILED;
			return rc;
		}
	}
	/* KVM walks its own vCPUs; the state arguments are for the model. */
	rc = sev_launch_step(sev, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL, SEV_STATE_VMSA);
	if (sev->simkvm)
		sev_simkvm_set_vmsas(sev->simkvm, NULL, 0);
	free(pages);
	return rc;
}

int sev_launch_update_vmsa(struct sev *sev, const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs,
			   const struct kvm_fpu *fpu, uint64_t xcr0)
{
	struct sev_vcpu_state st;

	if (!regs || !sregs || !fpu) {
		sev_set_error(sev, "LAUNCH_UPDATE_VMSA: no register state");
		return -EINVAL;
	}
	st.regs = *regs;
	st.sregs = *sregs;
	st.fpu = *fpu;
	st.xcr0 = xcr0;
	return sev_launch_update_vmsas(sev, &st, 1);
}

static int measure_state_ok(struct sev *sev)
{
	enum sev_state want = sev->cfg.mode == SEV_MODE_SEV_ES ?
				      SEV_STATE_VMSA : SEV_STATE_STARTED;

	return sev_expect_state(sev, want, "LAUNCH_MEASURE");
}

/*
 * Ask for the blob size as QEMU does: len 0 makes the firmware fail with
 * INVALID_LENGTH and KVM hand back the length it needs (48).
 */
static int measure_length(struct sev *sev, uint32_t *len)
{
	struct kvm_sev_launch_measure m;
	int rc;

	memset(&m, 0, sizeof(m));
	rc = sev_cmd(sev, KVM_SEV_LAUNCH_MEASURE, &m);
	if (m.len < SEV_MEASURE_BLOB_SIZE || m.len > SEV_BLOB_MAX) {
		if (m.len)
			sev_set_error(sev, "LAUNCH_MEASURE: firmware asks for "
				      "%u bytes", m.len);
		sev->state = SEV_STATE_FAILED;
		return rc && !m.len ? rc : -EIO;
	}
	sev->last_error[0] = '\0';
	*len = m.len;
	return 0;
}

static void fill_measurement(const struct sev *sev, const uint8_t *blob,
			     struct sev_measurement *out)
{
	memcpy(out->measure, blob, SEV_DIGEST_SIZE);
	memcpy(out->mnonce, blob + SEV_DIGEST_SIZE, SEV_MNONCE_SIZE);
	out->api_major = sev->api_major;
	out->api_minor = sev->api_minor;
	out->build = sev->build;
	out->policy = sev->cfg.policy;
}

int sev_launch_measure(struct sev *sev, struct sev_measurement *out)
{
	struct kvm_sev_launch_measure m;
	uint8_t *blob;
	uint32_t len;
	int rc = measure_state_ok(sev);

	if (!rc)
		rc = measure_length(sev, &len);
	if (rc)
		return rc;
	blob = calloc(1, len);
	if (!blob) {
		sev->state = SEV_STATE_FAILED;
		sev_set_error(sev, "LAUNCH_MEASURE: out of memory");
		return -ENOMEM;
	}
	memset(&m, 0, sizeof(m));
	m.uaddr = (uintptr_t)blob;
	m.len = len;
	rc = sev_launch_step(sev, KVM_SEV_LAUNCH_MEASURE, &m, SEV_STATE_MEASURED);
	if (!rc)
		fill_measurement(sev, blob, out);
	free(blob);
	return rc;
}

static int check_secret_args(struct sev *sev, const void *hdr, size_t hdr_len,
			     const void *guest, size_t guest_len,
			     const void *trans, size_t trans_len)
{
	if (!hdr || hdr_len != SEV_SECRET_HDR_SIZE) {
		sev_set_error(sev, "LAUNCH_SECRET: header must be %d bytes",
			      SEV_SECRET_HDR_SIZE);
		return -EINVAL;
	}
	if (!trans || trans_len == 0 || trans_len > SEV_BLOB_MAX ||
	    guest_len != trans_len) {
		sev_set_error(sev, "LAUNCH_SECRET: payload of %zu bytes for "
			      "%zu guest bytes", trans_len, guest_len);
		return -EINVAL;
	}
	if (!sev_range_registered(sev, guest, guest_len)) {
		sev_set_error(sev, "LAUNCH_SECRET: target is not inside a "
			      "registered encrypted region");
		return -EINVAL;
	}
	return 0;
}

int sev_launch_secret(struct sev *sev, const void *hdr, size_t hdr_len,
		      void *guest_hva, size_t guest_len, const void *trans,
		      size_t trans_len)
{
	struct kvm_sev_launch_secret s;
	int rc = sev_expect_state(sev, SEV_STATE_MEASURED, "LAUNCH_SECRET");

	if (!rc)
		rc = check_secret_args(sev, hdr, hdr_len, guest_hva, guest_len,
				       trans, trans_len);
	if (rc)
		return rc;
	memset(&s, 0, sizeof(s));
	s.hdr_uaddr = (uintptr_t)hdr;
	s.hdr_len = (uint32_t)hdr_len;
	s.guest_uaddr = (uintptr_t)guest_hva;
	s.guest_len = (uint32_t)guest_len;
	s.trans_uaddr = (uintptr_t)trans;
	s.trans_len = (uint32_t)trans_len;
	return sev_launch_step(sev, KVM_SEV_LAUNCH_SECRET, &s, SEV_STATE_MEASURED);
}

int sev_launch_finish(struct sev *sev)
{
	int rc = sev_expect_state(sev, SEV_STATE_MEASURED, "LAUNCH_FINISH");

	if (rc)
		return rc;
	return sev_launch_step(sev, KVM_SEV_LAUNCH_FINISH, NULL, SEV_STATE_FINISHED);
}
