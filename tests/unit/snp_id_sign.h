/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest owner's side of an SEV-SNP ID block, for the unit tests and
 * fuzz_sev_snp: P-384 keys made at run time, written in the ABI's public
 * key format, and ECDSA SHA-384 signatures in its signature format (R, S
 * little-endian, 72 bytes each), all with libcrypto (linked directly, not
 * through crypto_dl.h).  Header-only: the Makefile builds each test from
 * its one .c.  Every function returns 0, or -1 when libcrypto fails.
 */
#ifndef TESTS_UNIT_SNP_ID_SIGN_H
#define TESTS_UNIT_SNP_ID_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "sev/sev_snp_sig.h"

/* A fresh P-384 key pair, or NULL; EVP_PKEY_free() it. */
static inline EVP_PKEY *snp_key_new(void)
{
	return EVP_EC_gen("P-384");
}

static inline int snp_bn_put(const BIGNUM *bn, uint8_t *out)
{
	return bn && BN_bn2lebinpad(bn, out, SEV_SNP_SIG_COORD_SIZE) ==
			     SEV_SNP_SIG_COORD_SIZE ? 0 : -1;
}

/* (key) as { CURVE = 2, QX, QY, zero } in (out). */
static inline int snp_key_put(EVP_PKEY *key, uint8_t out[SEV_SNP_SIG_KEY_SIZE])
{
	BIGNUM *x = NULL, *y = NULL;
	int rc = -1;

	memset(out, 0, SEV_SNP_SIG_KEY_SIZE);
	out[0] = SEV_SNP_SIG_CURVE_P384;
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
	    !snp_bn_put(x, out + 4) &&
	    !snp_bn_put(y, out + 4 + SEV_SNP_SIG_COORD_SIZE))
		rc = 0;
	BN_free(x);
	BN_free(y);
	return rc;
}

/* (key)'s signature of (msg, len) as { R, S, zero } in (out). */
static inline int snp_sign(EVP_PKEY *key, const void *msg, size_t len,
			   uint8_t out[SEV_SNP_SIG_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[256];
	const uint8_t *p = der;
	size_t der_len = sizeof(der);
	ECDSA_SIG *sig = NULL;
	int rc = -1;

	memset(out, 0, SEV_SNP_SIG_SIZE);
	if (md &&
	    EVP_DigestSignInit_ex(md, NULL, "SHA384", NULL, NULL, key,
				  NULL) == 1 &&
	    EVP_DigestSign(md, der, &der_len, msg, len) == 1)
		sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (sig && !snp_bn_put(ECDSA_SIG_get0_r(sig), out) &&
	    !snp_bn_put(ECDSA_SIG_get0_s(sig), out + SEV_SNP_SIG_COORD_SIZE))
		rc = 0;
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return rc;
}

/*
 * Fills the key and signature fields of (auth) (4096 bytes, its other
 * bytes left as they are): ID_KEY from (id) and ID_BLOCK_SIG over (blk);
 * with an (author), AUTHOR_KEY and ID_KEY_SIG over the ID_KEY structure.
 */
static inline int snp_id_auth_sign(const uint8_t blk[SEV_SNP_ID_BLOCK_LEN],
				   uint8_t *auth, EVP_PKEY *id,
				   EVP_PKEY *author)
{
	uint8_t *id_key = auth + SEV_SNP_ID_AUTH_OFF_ID_KEY;

	if (snp_key_put(id, id_key) ||
	    snp_sign(id, blk, SEV_SNP_ID_BLOCK_LEN,
		     auth + SEV_SNP_ID_AUTH_OFF_ID_SIG))
		return -1;
	if (!author)
		return 0;
	if (snp_key_put(author, auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY))
		return -1;
	return snp_sign(author, id_key, SEV_SNP_SIG_KEY_SIZE,
			auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG);
}

#endif
