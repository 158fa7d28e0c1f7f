// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-SNP ID block and ID authentication structure (snp_id_block.h),
 * signed with libcrypto's OpenSSL 3 API only: EVP_DigestSign() does
 * SHA-384 and ECDSA, and its DER ECDSA-Sig-Value becomes the ABI's R and S
 * (72 bytes each, little-endian).  The reverse of sev_snp_sig.c, which
 * checks every structure made here before it is handed out.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "firmware/fileio.h"
#include "sev/snp_id_block.h"
#include "sev/crypto_dl.h"

#define KEY_OFF_QX	4
#define KEY_OFF_QY	(KEY_OFF_QX + SEV_SNP_SIG_COORD_SIZE)
#define SIG_OFF_S	SEV_SNP_SIG_COORD_SIZE
/* A DER P-384 signature is at most 104 bytes (EVP_PKEY_get_size()). */
#define SIG_DER_MAX	256

_Static_assert(SNP_ID_BLOCK_OFF_POLICY + 8 == SNP_ID_BLOCK_SIZE,
	       "the ID block ends with POLICY");
_Static_assert(SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY + SEV_SNP_SIG_KEY_SIZE <=
	       SNP_ID_AUTH_SIZE, "AUTHOR_KEY inside ID_AUTH");

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

void snp_id_block_fill(const struct snp_id_block_params *p,
		       uint8_t blk[SNP_ID_BLOCK_SIZE])
{
	memset(blk, 0, SNP_ID_BLOCK_SIZE);
	memcpy(blk + SNP_ID_BLOCK_OFF_LD, p->measurement, SNP_ID_DIGEST_SIZE);
	memcpy(blk + SNP_ID_BLOCK_OFF_FAMILY, p->family_id, 16);
	memcpy(blk + SNP_ID_BLOCK_OFF_IMAGE, p->image_id, 16);
	put32(blk + SNP_ID_BLOCK_OFF_VERSION, SNP_ID_BLOCK_VERSION);
	put32(blk + SNP_ID_BLOCK_OFF_SVN, p->guest_svn);
	put64(blk + SNP_ID_BLOCK_OFF_POLICY, p->policy);
}

/* -ENOSYS, said, when libcrypto cannot be loaded; else 0. */
static int need_crypto(char *err, size_t errlen)
{
	if (sev_crypto_load() < 0)
		return fileio_error(err, errlen, -ENOSYS, "cannot load "
				    "libcrypto.so.3 (OpenSSL)");
	return 0;
}

static int key_check(EVP_PKEY *key, char *err, size_t errlen)
{
	char group[64];
	const char *type;

	if (!EVP_PKEY_is_a(key, "EC")) {
		type = EVP_PKEY_get0_type_name(key);
		return fileio_error(err, errlen, -EINVAL, "not an EC key (%s): "
				    "SNP takes ECDSA P-384 keys only",
				    type ? type : "unknown type");
	}
	if (EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) != 1)
		return fileio_error(err, errlen, -EINVAL, "an EC key without a "
				    "named curve: SNP takes P-384 (secp384r1) "
				    "only");
	if (strcmp(group, "secp384r1") && strcmp(group, "P-384"))
		return fileio_error(err, errlen, -EINVAL, "an EC key on curve "
				    "%s: SNP takes P-384 (secp384r1) only",
				    group);
	return 0;
}

int snp_id_block_key_check(EVP_PKEY *key, char *err, size_t errlen)
{
	int rc = need_crypto(err, errlen);

	if (rc)
		return rc;
	ERR_set_mark();
	rc = key_check(key, err, errlen);
	ERR_pop_to_mark();
	return rc;
}

/* Never asks: an encrypted key is refused, and (u) says it was one. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	*(bool *)u = true;
	return -1;
}

int snp_id_block_key_from_pem(const void *pem, size_t len, EVP_PKEY **key,
			      char *err, size_t errlen)
{
	bool encrypted = false;
	BIO *bio;
	int rc;

	*key = NULL;
	rc = need_crypto(err, errlen);
	if (rc)
		return rc;
	if (len > (size_t)INT32_MAX)
		return fileio_error(err, errlen, -EINVAL, "too large for PEM");
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return fileio_error(err, errlen, -ENOMEM, "out of memory");
	/* A key that does not parse is an answer: keep the queue clean. */
	ERR_set_mark();
	*key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &encrypted);
	ERR_pop_to_mark();
	BIO_free(bio);
	if (!*key && encrypted)
		rc = fileio_error(err, errlen, -EACCES, "an encrypted private "
				  "key: no passphrase is asked for (decrypt "
				  "it with openssl pkey)");
	else if (!*key)
		rc = fileio_error(err, errlen, -EINVAL, "no PEM private key "
				  "in it");
	return rc;
}

void snp_id_block_key_free(EVP_PKEY *key)
{
	if (key && sev_crypto_load() == 0)
		EVP_PKEY_free(key);
}

static int put_coord(const BIGNUM *bn, uint8_t *out)
{
	return bn && BN_bn2lebinpad(bn, out, SEV_SNP_SIG_COORD_SIZE) ==
			     SEV_SNP_SIG_COORD_SIZE ? 0 : -EIO;
}

/* (key)'s public half as { CURVE = 2, QX, QY, zero } in (out). */
static int key_put(EVP_PKEY *key, uint8_t out[SEV_SNP_SIG_KEY_SIZE])
{
	BIGNUM *x = NULL, *y = NULL;
	int rc = -EIO;

	memset(out, 0, SEV_SNP_SIG_KEY_SIZE);
	put32(out, SEV_SNP_SIG_CURVE_P384);
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
	    !put_coord(x, out + KEY_OFF_QX) && !put_coord(y, out + KEY_OFF_QY))
		rc = 0;
	BN_free(x);
	BN_free(y);
	return rc;
}

/* (key)'s ECDSA SHA-384 signature of (msg, len) as { R, S, zero }. */
static int sign(EVP_PKEY *key, const void *msg, size_t len,
		uint8_t out[SEV_SNP_SIG_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[SIG_DER_MAX];
	const uint8_t *p = der;
	size_t der_len = sizeof(der);
	ECDSA_SIG *sig = NULL;
	int rc = -EIO;

	memset(out, 0, SEV_SNP_SIG_SIZE);
	if (!md)
		return -ENOMEM;
	if (EVP_DigestSignInit_ex(md, NULL, "SHA384", NULL, NULL, key,
				  NULL) == 1 &&
	    EVP_DigestSign(md, der, &der_len, msg, len) == 1)
		sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (sig && !put_coord(ECDSA_SIG_get0_r(sig), out) &&
	    !put_coord(ECDSA_SIG_get0_s(sig), out + SIG_OFF_S))
		rc = 0;
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return rc;
}

/* One key's part: its structure at (key_off), its signature of (msg). */
static int sign_part(const char *who, EVP_PKEY *key, const void *msg,
		     size_t len, uint8_t *key_out, uint8_t *sig_out,
		     char *err, size_t errlen)
{
	char why[160];
	int rc = key_check(key, why, sizeof(why));

	if (rc)
		return fileio_error(err, errlen, rc, "%s: %s", who, why);
	if (key_put(key, key_out))
		return fileio_error(err, errlen, -EIO, "%s: libcrypto gives no "
				    "public point for it", who);
	rc = sign(key, msg, len, sig_out);
	if (rc == -ENOMEM)
		return fileio_error(err, errlen, rc, "%s: out of memory", who);
	if (rc)
		return fileio_error(err, errlen, rc, "%s: libcrypto cannot sign "
				    "with it (no private key?)", who);
	return 0;
}

static int sign_all(const uint8_t *blk, EVP_PKEY *id_key,
		    EVP_PKEY *author_key, uint8_t *auth, char *err,
		    size_t errlen)
{
	uint8_t *id_pub = auth + SEV_SNP_ID_AUTH_OFF_ID_KEY;
	int rc;

	put32(auth + SEV_SNP_ID_AUTH_OFF_ID_ALGO, SNP_ID_ALGO_ECDSA_P384);
	rc = sign_part("ID key", id_key, blk, SNP_ID_BLOCK_SIZE, id_pub,
		       auth + SEV_SNP_ID_AUTH_OFF_ID_SIG, err, errlen);
	if (rc || !author_key)
		return rc;
	put32(auth + SEV_SNP_ID_AUTH_OFF_AUTH_ALGO, SNP_ID_ALGO_ECDSA_P384);
	/* The author signs the whole ID_KEY structure, reserved bytes too. */
	return sign_part("author key", author_key, id_pub,
			 SEV_SNP_SIG_KEY_SIZE,
			 auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY,
			 auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG, err, errlen);
}

int snp_id_block_sign(const uint8_t blk[SNP_ID_BLOCK_SIZE], EVP_PKEY *id_key,
		      EVP_PKEY *author_key, uint8_t auth[SNP_ID_AUTH_SIZE],
		      char *err, size_t errlen)
{
	int rc;

	memset(auth, 0, SNP_ID_AUTH_SIZE);
	rc = need_crypto(err, errlen);
	if (rc)
		return rc;
	ERR_set_mark();
	rc = sign_all(blk, id_key, author_key, auth, err, errlen);
	ERR_pop_to_mark();
	/* What SNP_LAUNCH_FINISH (and the model) will check, checked here. */
	if (!rc && sev_snp_sig_check_id_auth(blk, auth, author_key != NULL))
		rc = fileio_error(err, errlen, -EIO, "the signed ID block does "
				  "not verify");
	if (rc)
		memset(auth, 0, SNP_ID_AUTH_SIZE);
	return rc;
}

int snp_id_block_key_digest(const uint8_t key[SEV_SNP_SIG_KEY_SIZE],
			    uint8_t out[SNP_ID_DIGEST_SIZE])
{
	SEV_CRYPTO_REQUIRE();

	return EVP_Digest(key, SEV_SNP_SIG_KEY_SIZE, out, NULL, EVP_sha384(),
			  NULL) ? 0 : -EIO;
}
