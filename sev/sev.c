// SPDX-License-Identifier: Apache-2.0
/*
 * SEV launch context: configuration checks, host checks, the sev_cmd()
 * wrapper, INIT and region registration.  The launch commands proper are
 * in sev_launch.c.  Order and rules follow QEMU's target/i386/sev.c flow
 * as described in docs/sev.md section 2 and Linux's
 * Documentation/virt/kvm/x86/amd-memory-encryption.rst.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sev/sev_host.h"
#include "sev/sev_internal.h"
#include "sev/sev_uapi_compat.h"
#include "sev/crypto_dl.h"

void sev_config_init(struct sev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = SEV_MODE_NONE;
	cfg->backend = SEV_BACKEND_KVM;
	cfg->sim_api_major = SEV_SIM_DEFAULT_API_MAJOR;
	cfg->sim_api_minor = SEV_SIM_DEFAULT_API_MINOR;
	cfg->sim_build = SEV_SIM_DEFAULT_BUILD;
}

void sev_set_error(struct sev *sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sev->last_error, sizeof(sev->last_error), fmt, ap);
	va_end(ap);
}

const char *sev_last_error(const struct sev *sev)
{
	return sev ? sev->last_error : "";
}

static int errf(char *err, size_t errlen, int rc, const char *msg)
{
	if (errlen)
		snprintf(err, errlen, "%s", msg);
	return rc;
}

/* SNP guest policy (SNP ABI, table 9): bit 17 is reserved, must be 1. */
#define SEV_SNP_POLICY_RSVD1	(1u << 17)

static int check_snp(const struct sev_config *cfg, char *err, size_t errlen)
{
	if (!(cfg->policy & SEV_SNP_POLICY_RSVD1))
		return errf(err, errlen, -EINVAL,
			    "SEV-SNP policy needs bit 17 set (e.g. 0x30000)");
	if (!cfg->id_block != !cfg->id_auth)
		return errf(err, errlen, -EINVAL,
			    "an ID block goes with its authentication structure");
	if (cfg->id_block && (cfg->id_block_len != KVM_SEV_SNP_ID_BLOCK_SIZE ||
			      cfg->id_auth_len != KVM_SEV_SNP_ID_AUTH_SIZE))
		return errf(err, errlen, -EINVAL, "ID block must be 96 bytes, "
			    "its authentication 4096");
	if (cfg->dh_cert || cfg->session)
		return errf(err, errlen, -EINVAL,
			    "SEV-SNP takes no DH certificate or session");
	return 0;
}

static int check_policy_mode(const struct sev_config *cfg, char *err,
			     size_t errlen)
{
	bool es_policy = cfg->policy & SEV_POLICY_ES;

	if (cfg->mode == SEV_MODE_SNP)
		return check_snp(cfg, err, errlen);
	if (cfg->id_block || cfg->id_auth)
		return errf(err, errlen, -EINVAL, "an ID block is for SEV-SNP");
	if (cfg->mode == SEV_MODE_SEV_ES && !es_policy)
		return errf(err, errlen, -EINVAL,
			    "SEV-ES needs policy bit 2 (ES) set");
	if (cfg->mode == SEV_MODE_SEV && es_policy)
		return errf(err, errlen, -EINVAL,
			    "policy bit 2 (ES) asks for SEV-ES, not SEV");
	if (cfg->policy & SEV_POLICY_RESERVED)
		return errf(err, errlen, -EINVAL,
			    "policy bits 6-15 are reserved and must be 0");
	if (cfg->vmsa_features &&
	    (!cfg->use_init2 || cfg->mode != SEV_MODE_SEV_ES))
		return errf(err, errlen, -EINVAL,
			    "VMSA features need SEV-ES with KVM_SEV_INIT2");
	return 0;
}

/* The firmware takes a GODH certificate only together with a session. */
static int check_blobs(const struct sev_config *cfg, char *err, size_t errlen)
{
	bool cert = cfg->dh_cert != NULL, session = cfg->session != NULL;

	if (cert != session)
		return errf(err, errlen, -EINVAL,
			    "--sev-dh-cert and --sev-session go together");
	if (cert && cfg->dh_cert_len != SEV_DH_CERT_SIZE)
		return errf(err, errlen, -EINVAL,
			    "DH certificate must be 2084 bytes (an SEV cert)");
	if (session && cfg->session_len != SEV_SESSION_SIZE)
		return errf(err, errlen, -EINVAL,
			    "session blob must be 128 bytes");
	return 0;
}

static int check_config(const struct sev_config *cfg, char *err,
			size_t errlen)
{
	int rc;

	if (cfg->mode != SEV_MODE_SEV && cfg->mode != SEV_MODE_SEV_ES &&
	    cfg->mode != SEV_MODE_SNP)
		return errf(err, errlen, -EINVAL, "no SEV mode requested");
	if (cfg->backend != SEV_BACKEND_KVM && cfg->backend != SEV_BACKEND_SIM)
		return errf(err, errlen, -EINVAL, "unknown SEV backend");
	rc = check_policy_mode(cfg, err, errlen);
	return rc ? rc : check_blobs(cfg, err, errlen);
}

static void *dup_blob(const void *src, size_t len)
{
	void *p;

	if (!src)
		return NULL;
	p = malloc(len);
	if (p)
		memcpy(p, src, len);
	return p;
}

static void free_blobs(struct sev *sev)
{
	free((void *)sev->cfg.dh_cert);
	free((void *)sev->cfg.session);
	free((void *)sev->cfg.id_block);
	free((void *)sev->cfg.id_auth);
	sev->cfg.dh_cert = sev->cfg.session = NULL;
	sev->cfg.id_block = sev->cfg.id_auth = NULL;
}

static int copy_config(struct sev *sev, const struct sev_config *cfg)
{
	sev->cfg = *cfg;
	sev->cfg.dh_cert = dup_blob(cfg->dh_cert, cfg->dh_cert_len);
	sev->cfg.session = dup_blob(cfg->session, cfg->session_len);
	sev->cfg.id_block = dup_blob(cfg->id_block, cfg->id_block_len);
	sev->cfg.id_auth = dup_blob(cfg->id_auth, cfg->id_auth_len);
	if ((cfg->dh_cert && !sev->cfg.dh_cert) ||
	    (cfg->session && !sev->cfg.session) ||
	    (cfg->id_block && !sev->cfg.id_block) ||
	    (cfg->id_auth && !sev->cfg.id_auth))
		return -ENOMEM;
	return 0;
}

static const char *mode_name(enum sev_mode mode)
{
	return mode == SEV_MODE_SNP ? "SEV-SNP" :
	       mode == SEV_MODE_SEV_ES ? "SEV-ES" : "SEV";
}

static int open_kvm_backend(struct sev *sev, int kvm_fd, char *err,
			    size_t errlen)
{
	char why[256];
	int rc;

	sev_probe_keep_fd(kvm_fd, &sev->caps, &sev->sev_fd);
	rc = sev_host_check(&sev->caps, sev->cfg.mode, sev->cfg.use_init2, why,
			    sizeof(why));
	if (rc) {
		if (errlen)
			snprintf(err, errlen, "%s requested, but this host "
				 "cannot: %s", mode_name(sev->cfg.mode), why);
		return rc;
	}
	/* LAUNCH_MEASURE is keyed to the version the firmware reports. */
	sev->api_major = sev->caps.api_major;
	sev->api_minor = sev->caps.api_minor;
	sev->build = sev->caps.build;
	return 0;
}

static int open_sim_backend(struct sev *sev, char *err, size_t errlen)
{
	struct sev_sim_params p = {
		.api_major = sev->cfg.sim_api_major,
		.api_minor = sev->cfg.sim_api_minor,
		.build = sev->cfg.sim_build,
		.es_capable = true,
	};

	if (sev_sim_create(&p, &sev->sim))
		return errf(err, errlen, -ENOMEM, "out of memory");
	sev_sim_set_transport_keys(sev->sim, sev->cfg.sim_tek,
				   sev->cfg.sim_tik);
	if (sev->cfg.sim_mnonce_set)
		sev_sim_set_mnonce(sev->sim, sev->cfg.sim_mnonce);
	sev->api_major = p.api_major;
	sev->api_minor = p.api_minor;
	sev->build = p.build;
	return 0;
}

int sev_open(const struct sev_config *cfg, int kvm_fd, struct sev **out,
	     char *err, size_t errlen)
{
	struct sev *sev;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (sev_crypto_load() < 0) {
		snprintf(err, errlen, "cannot load libcrypto.so.3 (OpenSSL)");
		return -ENOSYS;
	}
	rc = check_config(cfg, err, errlen);
	if (rc)
		return rc;
	sev = calloc(1, sizeof(*sev));
	if (!sev)
		return errf(err, errlen, -ENOMEM, "out of memory");
	sev->sev_fd = -1;
	sev->vm_fd = -1;
	rc = copy_config(sev, cfg);
	if (rc)
		errf(err, errlen, rc, "out of memory");
	else if (cfg->backend == SEV_BACKEND_KVM)
		rc = open_kvm_backend(sev, kvm_fd, err, errlen);
	else
		rc = open_sim_backend(sev, err, errlen);
	if (rc) {
		sev_close(sev);
		return rc;
	}
	sev->state = SEV_STATE_OPEN;
	*out = sev;
	return 0;
}

void sev_close(struct sev *sev)
{
	if (!sev)
		return;
	sev_simkvm_destroy(sev->simkvm);
	sev_sim_destroy(sev->sim);
	if (sev->sev_fd >= 0)
		close(sev->sev_fd);
	free_blobs(sev);
	OPENSSL_cleanse(sev, sizeof(*sev));
	free(sev);
}

/* The VM type this launch models (the SIM backend's real VM is type 0). */
static int modelled_vm_type(const struct sev_config *cfg)
{
	if (cfg->mode == SEV_MODE_SNP)
		return KVM_X86_SNP_VM;	/* INIT2 only */
	if (!cfg->use_init2)
		return KVM_X86_DEFAULT_VM;
	return cfg->mode == SEV_MODE_SEV_ES ? KVM_X86_SEV_ES_VM :
					      KVM_X86_SEV_VM;
}

int sev_vm_type(const struct sev *sev)
{
	if (sev->cfg.backend == SEV_BACKEND_SIM)
		return KVM_X86_DEFAULT_VM;
	return modelled_vm_type(&sev->cfg);
}

bool sev_private_memory(const struct sev *sev)
{
	return sev->cfg.mode == SEV_MODE_SNP &&
	       sev->cfg.backend == SEV_BACKEND_KVM;
}

bool sev_readonly_slots_allowed(const struct sev *sev)
{
	/* kvm_arch_has_readonly_mem() is false for protected-state VMs;
	 * the SIM backend follows the type it models. */
	int type = modelled_vm_type(&sev->cfg);

	return type != KVM_X86_SEV_ES_VM && type != KVM_X86_SNP_VM;
}

static const char *const state_names[] = {
	[SEV_STATE_OPEN] = "opened",
	[SEV_STATE_INIT] = "initialised",
	[SEV_STATE_STARTED] = "started",
	[SEV_STATE_VMSA] = "VMSA-updated",
	[SEV_STATE_MEASURED] = "measured",
	[SEV_STATE_FINISHED] = "finished",
	[SEV_STATE_FAILED] = "failed",
};

int sev_expect_state(struct sev *sev, enum sev_state want, const char *step)
{
	if (sev->state == want)
		return 0;
	if (sev->state == SEV_STATE_FAILED)
		return -ECANCELED;
	sev_set_error(sev, "%s out of order: launch is %s, needs %s", step,
		      state_names[sev->state], state_names[want]);
	return -EINVAL;
}

int sev_cmd(struct sev *sev, uint32_t id, void *data)
{
	struct kvm_sev_cmd cmd;
	int rc;

	memset(&cmd, 0, sizeof(cmd));
	cmd.id = id;
	cmd.data = (uintptr_t)data;
	cmd.sev_fd = (uint32_t)sev->sev_fd;
	if (sev->simkvm)
		rc = sev_simkvm_encrypt_op(sev->simkvm, &cmd);
	else
		rc = ioctl(sev->vm_fd, KVM_MEMORY_ENCRYPT_OP, &cmd) < 0 ? -errno : 0;
	sev->last_fw_error = rc ? cmd.error : 0;
	if (rc && cmd.error)
		sev_set_error(sev, "%s failed: %s (0x%x)", sev_cmd_name(id),
			      sev_status_name(cmd.error), cmd.error);
	else if (rc)
		sev_set_error(sev, "%s failed: %s", sev_cmd_name(id),
			      strerror(-rc));
	return rc;
}

static int init_cmd(struct sev *sev)
{
	struct sev_compat_kvm_sev_init init2;

	if (!sev->cfg.use_init2 && sev->cfg.mode != SEV_MODE_SNP)
		return sev_cmd(sev, sev->cfg.mode == SEV_MODE_SEV_ES ?
				    KVM_SEV_ES_INIT : KVM_SEV_INIT, NULL);
	/* ghcb_version 0 lets KVM pick (2 for SEV-ES, must be 0 for SEV). */
	memset(&init2, 0, sizeof(init2));
	init2.vmsa_features = sev->cfg.vmsa_features;
	return sev_cmd(sev, SEV_COMPAT_KVM_SEV_INIT2, &init2);
}

int sev_init(struct sev *sev, int vm_fd)
{
	int rc = sev_expect_state(sev, SEV_STATE_OPEN, "SEV init");

	if (rc)
		return rc;
	if (vm_fd < 0) {
		sev_set_error(sev, "SEV init: no VM file descriptor");
		return -EBADF;
	}
	sev->vm_fd = vm_fd;
	if (sev->sim && sev_simkvm_create(sev->sim, modelled_vm_type(&sev->cfg),
					  &sev->simkvm)) {
		sev->state = SEV_STATE_FAILED;
		sev_set_error(sev, "SEV init: out of memory");
		return -ENOMEM;
	}
	rc = init_cmd(sev);
	sev->state = rc ? SEV_STATE_FAILED : SEV_STATE_INIT;
	return rc;
}

static bool region_args_ok(struct sev *sev, const void *hva, uint64_t size)
{
	uintptr_t start = (uintptr_t)hva;

	if (!hva || size == 0 || start + size < start) {
		sev_set_error(sev, "encrypted region: empty or wrapping range");
		return false;
	}
	if (sev->nr_regions == SEV_MAX_REGIONS) {
		sev_set_error(sev, "encrypted region: more than %u regions",
			      SEV_MAX_REGIONS);
		return false;
	}
	return true;
}

static int reg_region(struct sev *sev, const struct kvm_enc_region *r)
{
	int rc;

	if (sev->simkvm)
		rc = sev_simkvm_reg_region(sev->simkvm, r);
	else
		rc = ioctl(sev->vm_fd, KVM_MEMORY_ENCRYPT_REG_REGION, r) < 0 ?
			     -errno : 0;
	if (rc)
		sev_set_error(sev, "KVM_MEMORY_ENCRYPT_REG_REGION failed: %s%s",
			      strerror(-rc), rc == -ENOMEM ?
			      " (RLIMIT_MEMLOCK too low?)" : "");
	return rc;
}

int sev_register_region(struct sev *sev, void *hva, uint64_t size)
{
	struct kvm_enc_region r;
	int rc;

	if (sev->state == SEV_STATE_FAILED)
		return -ECANCELED;
	if (sev->state == SEV_STATE_OPEN)
		return sev_expect_state(sev, SEV_STATE_INIT, "REG_REGION");
	if (!region_args_ok(sev, hva, size))
		return -EINVAL;
	r.addr = (uintptr_t)hva;
	r.size = size;
	rc = reg_region(sev, &r);
	if (rc) {
		sev->state = SEV_STATE_FAILED;
		return rc;
	}
	sev->regions[sev->nr_regions].start = (uintptr_t)hva;
	sev->regions[sev->nr_regions].size = size;
	sev->nr_regions++;
	return 0;
}

bool sev_range_registered(const struct sev *sev, const void *hva,
			  uint64_t len)
{
	uintptr_t start = (uintptr_t)hva;

	for (unsigned i = 0; i < sev->nr_regions; i++) {
		const struct sev_region *r = &sev->regions[i];

		if (start >= r->start && start - r->start <= r->size &&
		    len <= r->size - (start - r->start))
			return true;
	}
	return false;
}

int sev_guest_cpuid(const struct sev *sev, struct kvm_cpuid_entry2 *entry)
{
	if (sev->cfg.backend == SEV_BACKEND_SIM)
		return -ENODATA;
	memset(entry, 0, sizeof(*entry));
	entry->function = 0x8000001f;
	/* EAX bit 1 SEV, bit 3 SEV-ES; EBX C-bit | reduced phys bits << 6. */
	entry->eax = 1u << 1;
	if (sev->cfg.mode == SEV_MODE_SEV_ES)
		entry->eax |= 1u << 3;
	entry->ebx = (sev->caps.cbit_pos & 0x3f) |
		     (sev->caps.reduced_phys_bits & 0x3f) << 6;
	return 0;
}

int sev_sim_launch_digest(const struct sev *sev, uint8_t ld[SEV_DIGEST_SIZE])
{
	if (!sev->sim)
		return -EOPNOTSUPP;
	return sev_sim_digest(sev->sim, sev->handle, ld);
}

static int put_hex_line(char *buf, size_t len, size_t *used,
			const char *key, const uint8_t *b, size_t n)
{
	int w = snprintf(buf + *used, len - *used, "%s: ", key);

	if (w < 0 || (size_t)w >= len - *used)
		return -ENOSPC;
	*used += (size_t)w;
	for (size_t i = 0; i < n; i++) {
		w = snprintf(buf + *used, len - *used, "%02x", b[i]);
		if (w < 0 || (size_t)w >= len - *used)
			return -ENOSPC;
		*used += (size_t)w;
	}
	w = snprintf(buf + *used, len - *used, "\n");
	if (w < 0 || (size_t)w >= len - *used)
		return -ENOSPC;
	*used += (size_t)w;
	return 0;
}

/* SEV-SNP: the attestation report's MEASUREMENT, as `vmm measure --mode
 * snp` prints it, and the policy. */
static int snp_measurement_format(const struct sev_measurement *m, char *buf,
				  size_t len)
{
	size_t used = 0;
	int w;

	if (put_hex_line(buf, len, &used, "measure", m->snp_measure,
			 sizeof(m->snp_measure)))
		return -ENOSPC;
	w = snprintf(buf + used, len - used, "policy: 0x%08x\n", m->policy);
	if (w < 0 || (size_t)w >= len - used)
		return -ENOSPC;
	return (int)(used + (size_t)w);
}

int sev_measurement_format(const struct sev_measurement *m, char *buf,
			   size_t len)
{
	if (m->snp)
		return len ? snp_measurement_format(m, buf, len) : -ENOSPC;
	SEV_CRYPTO_REQUIRE();
	uint8_t blob[SEV_MEASURE_BLOB_SIZE];
	char b64[4 * SEV_MEASURE_BLOB_SIZE / 3 + 4];
	size_t used = 0;
	int w;

	if (!len)
		return -ENOSPC;
	memcpy(blob, m->measure, SEV_DIGEST_SIZE);
	memcpy(blob + SEV_DIGEST_SIZE, m->mnonce, SEV_MNONCE_SIZE);
	EVP_EncodeBlock((unsigned char *)b64, blob, sizeof(blob));
	if (put_hex_line(buf, len, &used, "measure", m->measure,
			 SEV_DIGEST_SIZE) ||
	    put_hex_line(buf, len, &used, "mnonce", m->mnonce,
			 SEV_MNONCE_SIZE))
		return -ENOSPC;
	w = snprintf(buf + used, len - used,
		     "api_major: %u\napi_minor: %u\nbuild: %u\n"
		     "policy: 0x%08x\nlaunch_measure_blob: %s\n",
		     m->api_major, m->api_minor, m->build, m->policy, b64);
	if (w < 0 || (size_t)w >= len - used)
		return -ENOSPC;
	return (int)(used + (size_t)w);
}
