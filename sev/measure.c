// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/sev_crypto.h"
#include "sev/vmsa.h"
#include "sev/crypto_dl.h"

void sev_measure_params_init(struct sev_measure_params *p,
			     enum sev_mode mode)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->nr_vcpus = 1;
	p->vcpu_sig = SEV_MEASURE_DEFAULT_VCPU_SIG;
}

static int check_args(const void *image, size_t len,
		      const struct sev_measure_params *p)
{
	/* LAUNCH_UPDATE_DATA: non-empty, 16-byte multiple, u32 length. */
	if (!image || len == 0 || len % 16 || len > UINT32_MAX)
		return -EINVAL;
	if (p->mode == SEV_MODE_SEV)
		return 0;
	if (p->mode != SEV_MODE_SEV_ES || p->nr_vcpus == 0 ||
	    p->nr_vcpus > SEV_MEASURE_MAX_VCPUS)
		return -EINVAL;
	return 0;
}

/* Where OVMF parks the APs; only needed when there are APs. */
static int ap_reset_eip(const void *image, size_t len,
			const struct sev_measure_params *p, uint32_t *eip)
{
	struct ovmf_sev_info info;
	int rc;

	*eip = 0;
	if (p->nr_vcpus < 2)
		return 0;
	rc = ovmf_sev_info_parse(image, len, &info);
	if (rc == -ENOENT || (!rc && !info.has_reset_block))
		return -ENOENT;
	if (rc)
		return rc;
	*eip = info.sev_es_reset_eip;
	return 0;
}

static int absorb_vmsas(EVP_MD_CTX *ctx, const struct sev_measure_params *p,
			uint32_t eip)
{
	struct sev_vmsa_opts opts = {
		.sev_features = p->vmsa_features,
		.sync_fpu = p->init2,
	};
	struct sev_vcpu_state st;
	uint8_t page[SEV_VMSA_SIZE];

	for (unsigned i = 0; i < p->nr_vcpus; i++) {
		sev_vcpu_reset_state(&st, i, p->vcpu_sig, eip);
		sev_vmsa_build(page, &st, &opts);
		if (!EVP_DigestUpdate(ctx, page, sizeof(page)))
			return -EIO;
	}
	return 0;
}

int sev_measure_digest(const void *image, size_t len,
		       const struct sev_measure_params *p,
		       uint8_t ld[SEV_DIGEST_SIZE])
{
	SEV_CRYPTO_REQUIRE();
	EVP_MD_CTX *ctx;
	uint32_t eip = 0;
	int rc = check_args(image, len, p);

	if (!rc && p->mode == SEV_MODE_SEV_ES)
		rc = ap_reset_eip(image, len, p, &eip);
	if (rc)
		return rc;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	rc = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, image, len) ? 0 : -EIO;
	if (!rc && p->mode == SEV_MODE_SEV_ES)
		rc = absorb_vmsas(ctx, p, eip);
	if (!rc && !EVP_DigestFinal_ex(ctx, ld, NULL))
		rc = -EIO;
	EVP_MD_CTX_free(ctx);
	return rc;
}

int sev_measure_launch_measure(const uint8_t tik[SEV_KEY_SIZE],
			       uint8_t api_major, uint8_t api_minor,
			       uint8_t build, uint32_t policy,
			       const uint8_t ld[SEV_DIGEST_SIZE],
			       const uint8_t mnonce[SEV_MNONCE_SIZE],
			       uint8_t out[SEV_DIGEST_SIZE])
{
	SEV_CRYPTO_REQUIRE();
	return sev_crypto_launch_measure(tik, api_major, api_minor, build,
					 policy, ld, mnonce, out);
}
