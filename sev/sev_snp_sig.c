// SPDX-License-Identifier: Apache-2.0
/*
 * ECDSA P-384 verification of the SEV-SNP ID authentication structure
 * (sev_snp_sig.h), with libcrypto's OpenSSL 3 API only: the key becomes an
 * EVP_PKEY from its "group" and "pub" parameters, the signature a DER
 * ECDSA-Sig-Value, and EVP_DigestVerify() does SHA-384 and the check.
 *
 * The firmware (amd/AMD-ASPFW, snp_mcmd_launch_finish) rejects a key whose
 * CURVE is not P-384 or whose point is not on the curve before verifying,
 * and reports both, like a signature that fails, as BAD_SIGNATURE; the
 * errnos here keep the two apart for the caller.
 */
#include <errno.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sev/sev_snp_sig.h"
#include "sev/crypto_dl.h"

#define P384_BYTES	48	/* a coordinate or scalar of P-384 */
#define KEY_OFF_QX	4
#define KEY_OFF_QY	(KEY_OFF_QX + SEV_SNP_SIG_COORD_SIZE)
#define SIG_OFF_S	SEV_SNP_SIG_COORD_SIZE
/* SEQUENCE { INTEGER r, INTEGER s }, each up to 72 bytes and a sign byte. */
#define SIG_DER_MAX	(3 + 2 * (2 + SEV_SNP_SIG_COORD_SIZE + 1))

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* A little-endian coordinate as the big-endian bytes of an EC point. */
static void coord_to_be(uint8_t be[P384_BYTES], const uint8_t *le)
{
	for (size_t i = 0; i < P384_BYTES; i++)
		be[i] = le[P384_BYTES - 1 - i];
}

/*
 * (key) as an EC public key: 0, -EINVAL for no P-384 point, -ENOMEM or
 * -EIO.  The top 24 bytes of each 72-byte coordinate must be zero.
 * OpenSSL 3.0's point decoder already refuses coordinates of p or more
 * and points off the curve, but EVP_PKEY_fromdata() does not promise to
 * validate: EVP_PKEY_public_check() is the documented check.
 */
static int key_load(const uint8_t *key, EVP_PKEY **out)
{
	static char group[] = "P-384";
	uint8_t pub[1 + 2 * P384_BYTES];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx, *check;
	int rc = -EINVAL;

	*out = NULL;
	if (le32(key) != SEV_SNP_SIG_CURVE_P384 ||
	    !all_zero(key + KEY_OFF_QX + P384_BYTES,
		      SEV_SNP_SIG_COORD_SIZE - P384_BYTES) ||
	    !all_zero(key + KEY_OFF_QY + P384_BYTES,
		      SEV_SNP_SIG_COORD_SIZE - P384_BYTES))
		return -EINVAL;
	pub[0] = POINT_CONVERSION_UNCOMPRESSED;
	coord_to_be(pub + 1, key + KEY_OFF_QX);
	coord_to_be(pub + 1 + P384_BYTES, key + KEY_OFF_QY);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pub, sizeof(pub));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx)
		return -ENOMEM;
	if (EVP_PKEY_fromdata_init(ctx) != 1)
		rc = -EIO;
	else if (EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1)
		rc = 0;
	EVP_PKEY_CTX_free(ctx);
	if (rc)
		return rc;
	check = EVP_PKEY_CTX_new_from_pkey(NULL, *out, NULL);
	if (!check)
		rc = -ENOMEM;
	else if (EVP_PKEY_public_check(check) != 1)
		rc = -EINVAL;
	EVP_PKEY_CTX_free(check);
	if (rc) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	return rc;
}

/* R and S as DER into (der): its length, or -ENOMEM / -EIO. */
static int sig_to_der(const uint8_t *sig, uint8_t der[SIG_DER_MAX])
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_lebin2bn(sig, SEV_SNP_SIG_COORD_SIZE, NULL);
	BIGNUM *sv = BN_lebin2bn(sig + SIG_OFF_S, SEV_SNP_SIG_COORD_SIZE, NULL);
	uint8_t *p = der;
	int n;

	if (!s || !r || !sv || ECDSA_SIG_set0(s, r, sv) != 1) {
		ECDSA_SIG_free(s);
		BN_free(r);
		BN_free(sv);
		return -ENOMEM;
	}
	/* (s) owns r and sv now. */
	n = i2d_ECDSA_SIG(s, NULL);
	if (n <= 0 || n > SIG_DER_MAX)
		n = -EIO;
	else if (i2d_ECDSA_SIG(s, &p) != n)
		n = -EIO;
	ECDSA_SIG_free(s);
	return n;
}

static int verify_der(EVP_PKEY *pkey, const uint8_t *der, size_t der_len,
		      const void *msg, size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int v, rc;

	if (!md)
		return -ENOMEM;
	if (EVP_DigestVerifyInit_ex(md, NULL, "SHA384", NULL, NULL, pkey,
				    NULL) != 1) {
		EVP_MD_CTX_free(md);
		return -EIO;
	}
	/* 1 valid, 0 invalid (R or S out of range too), < 0 an error. */
	v = EVP_DigestVerify(md, der, der_len, msg, len);
	rc = v == 1 ? 0 : v == 0 ? -EBADMSG : -EIO;
	EVP_MD_CTX_free(md);
	return rc;
}

int sev_snp_sig_verify(const uint8_t key[SEV_SNP_SIG_KEY_SIZE],
		       const uint8_t sig[SEV_SNP_SIG_SIZE], const void *msg,
		       size_t len)
{
	SEV_CRYPTO_REQUIRE();
	uint8_t der[SIG_DER_MAX];
	EVP_PKEY *pkey;
	int rc, n;

	/* A rejected key or signature is an answer, not a library error:
	 * leave nothing of it in the thread's error queue. */
	ERR_set_mark();
	rc = key_load(key, &pkey);
	if (!rc) {
		n = sig_to_der(sig, der);
		rc = n < 0 ? n : verify_der(pkey, der, (size_t)n, msg, len);
		EVP_PKEY_free(pkey);
	}
	ERR_pop_to_mark();
	return rc;
}

int sev_snp_sig_check_id_auth(const uint8_t id_block[SEV_SNP_ID_BLOCK_LEN],
			      const uint8_t *id_auth, bool author_key_en)
{
	const uint8_t *id_key = id_auth + SEV_SNP_ID_AUTH_OFF_ID_KEY;
	int rc;

	rc = sev_snp_sig_verify(id_key, id_auth + SEV_SNP_ID_AUTH_OFF_ID_SIG,
				id_block, SEV_SNP_ID_BLOCK_LEN);
	if (rc || !author_key_en)
		return rc;
	return sev_snp_sig_verify(id_auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY,
				  id_auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG,
				  id_key, SEV_SNP_SIG_KEY_SIZE);
}
