/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenSSL's libcrypto, loaded on first use.
 *
 * Only SEV launches and measurements need it, and linking it into every VMM
 * process costs about 1.7 MiB of resident memory and a millisecond of start
 * time (its relocations), against a budget of 2 MiB for the whole VMM.  So
 * the functions sev/ calls are resolved with dlopen()/dlsym() the first
 * time an SEV entry point runs, and every other VMM never maps libcrypto.
 *
 * Include this after the OpenSSL headers: it redirects each name below to
 * the loaded table, with the prototypes the headers declare (typeof keeps
 * the compiler checking every call).  Every public sev/ entry point that
 * reaches them calls SEV_CRYPTO_REQUIRE() first.
 */
#ifndef SEV_CRYPTO_DL_H
#define SEV_CRYPTO_DL_H

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

/* ECDSA P-384 verification (sev_snp_sig.c). */
#define SEV_CRYPTO_FUNCS_ECDSA(X)                                             \
	X(EVP_PKEY_CTX_new_from_name) X(EVP_PKEY_CTX_new_from_pkey)           \
	X(EVP_PKEY_CTX_free) X(EVP_PKEY_fromdata_init) X(EVP_PKEY_fromdata)   \
	X(EVP_PKEY_public_check) X(EVP_PKEY_free)                             \
	X(OSSL_PARAM_construct_octet_string)                                  \
	X(EVP_DigestVerifyInit_ex) X(EVP_DigestVerify)                        \
	X(BN_lebin2bn) X(BN_free)                                             \
	X(ECDSA_SIG_new) X(ECDSA_SIG_free) X(ECDSA_SIG_set0) X(i2d_ECDSA_SIG) \
	X(ERR_set_mark) X(ERR_pop_to_mark)

/* ID block signing and PEM private keys (snp_id_block.c). */
#define SEV_CRYPTO_FUNCS_SIGN(X)                                              \
	X(EVP_PKEY_is_a) X(EVP_PKEY_get0_type_name) X(EVP_PKEY_get_group_name) \
	X(EVP_PKEY_get_bn_param) X(EVP_DigestSignInit_ex) X(EVP_DigestSign)   \
	X(d2i_ECDSA_SIG) X(ECDSA_SIG_get0_r) X(ECDSA_SIG_get0_s)             \
	X(BN_bn2lebinpad) X(BIO_new_mem_buf) X(BIO_free)                      \
	X(PEM_read_bio_PrivateKey)

#define SEV_CRYPTO_FUNCS(X)                                                   \
	X(EVP_sha256) X(EVP_sha384) X(EVP_aes_128_ctr)                        \
	X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestInit_ex)             \
	X(EVP_DigestUpdate) X(EVP_DigestFinal_ex) X(EVP_Digest)               \
	X(EVP_CIPHER_CTX_new) X(EVP_CIPHER_CTX_free) X(EVP_EncryptInit_ex)    \
	X(EVP_EncryptUpdate)                                                  \
	X(EVP_MAC_fetch) X(EVP_MAC_free) X(EVP_MAC_CTX_new)                   \
	X(EVP_MAC_CTX_free) X(EVP_MAC_init) X(EVP_MAC_update)                 \
	X(EVP_MAC_final)                                                      \
	X(EVP_ENCODE_CTX_new) X(EVP_ENCODE_CTX_free) X(EVP_DecodeInit)        \
	X(EVP_DecodeUpdate) X(EVP_DecodeFinal) X(EVP_EncodeBlock)             \
	X(OSSL_PARAM_construct_utf8_string) X(OSSL_PARAM_construct_end)       \
	X(OPENSSL_cleanse) X(RAND_bytes) X(CRYPTO_memcmp)                     \
	SEV_CRYPTO_FUNCS_ECDSA(X) SEV_CRYPTO_FUNCS_SIGN(X)

struct sev_crypto_fns {
#define SEV_CRYPTO_FIELD(f) __typeof__(f) *f;
	SEV_CRYPTO_FUNCS(SEV_CRYPTO_FIELD)
#undef SEV_CRYPTO_FIELD
};

/*
 * Load libcrypto and resolve every function, once per process.  Returns 0,
 * or -ENOSYS when the library or a symbol is missing.
 */
int sev_crypto_load(void);
/* The resolved table; valid only after sev_crypto_load() returned 0. */
const struct sev_crypto_fns *sev_crypto_fns(void);

#define SEV_CRYPTO_REQUIRE()                                                  \
	do {                                                                  \
		if (sev_crypto_load() < 0)                                    \
			return -ENOSYS;                                       \
	} while (0)

#ifndef SEV_CRYPTO_DL_IMPL
#define EVP_sha256 (sev_crypto_fns()->EVP_sha256)
#define EVP_sha384 (sev_crypto_fns()->EVP_sha384)
#define EVP_aes_128_ctr (sev_crypto_fns()->EVP_aes_128_ctr)
#define EVP_MD_CTX_new (sev_crypto_fns()->EVP_MD_CTX_new)
#define EVP_MD_CTX_free (sev_crypto_fns()->EVP_MD_CTX_free)
#define EVP_DigestInit_ex (sev_crypto_fns()->EVP_DigestInit_ex)
#define EVP_DigestUpdate (sev_crypto_fns()->EVP_DigestUpdate)
#define EVP_DigestFinal_ex (sev_crypto_fns()->EVP_DigestFinal_ex)
#define EVP_Digest (sev_crypto_fns()->EVP_Digest)
#define EVP_CIPHER_CTX_new (sev_crypto_fns()->EVP_CIPHER_CTX_new)
#define EVP_CIPHER_CTX_free (sev_crypto_fns()->EVP_CIPHER_CTX_free)
#define EVP_EncryptInit_ex (sev_crypto_fns()->EVP_EncryptInit_ex)
#define EVP_EncryptUpdate (sev_crypto_fns()->EVP_EncryptUpdate)
#define EVP_MAC_fetch (sev_crypto_fns()->EVP_MAC_fetch)
#define EVP_MAC_free (sev_crypto_fns()->EVP_MAC_free)
#define EVP_MAC_CTX_new (sev_crypto_fns()->EVP_MAC_CTX_new)
#define EVP_MAC_CTX_free (sev_crypto_fns()->EVP_MAC_CTX_free)
#define EVP_MAC_init (sev_crypto_fns()->EVP_MAC_init)
#define EVP_MAC_update (sev_crypto_fns()->EVP_MAC_update)
#define EVP_MAC_final (sev_crypto_fns()->EVP_MAC_final)
#define EVP_ENCODE_CTX_new (sev_crypto_fns()->EVP_ENCODE_CTX_new)
#define EVP_ENCODE_CTX_free (sev_crypto_fns()->EVP_ENCODE_CTX_free)
#define EVP_DecodeInit (sev_crypto_fns()->EVP_DecodeInit)
#define EVP_DecodeUpdate (sev_crypto_fns()->EVP_DecodeUpdate)
#define EVP_DecodeFinal (sev_crypto_fns()->EVP_DecodeFinal)
#define EVP_EncodeBlock (sev_crypto_fns()->EVP_EncodeBlock)
#define OSSL_PARAM_construct_utf8_string \
	(sev_crypto_fns()->OSSL_PARAM_construct_utf8_string)
#define OSSL_PARAM_construct_end (sev_crypto_fns()->OSSL_PARAM_construct_end)
#define OPENSSL_cleanse (sev_crypto_fns()->OPENSSL_cleanse)
#define RAND_bytes (sev_crypto_fns()->RAND_bytes)
#define CRYPTO_memcmp (sev_crypto_fns()->CRYPTO_memcmp)
#define EVP_PKEY_CTX_new_from_name (sev_crypto_fns()->EVP_PKEY_CTX_new_from_name)
#define EVP_PKEY_CTX_new_from_pkey (sev_crypto_fns()->EVP_PKEY_CTX_new_from_pkey)
#define EVP_PKEY_CTX_free (sev_crypto_fns()->EVP_PKEY_CTX_free)
#define EVP_PKEY_fromdata_init (sev_crypto_fns()->EVP_PKEY_fromdata_init)
#define EVP_PKEY_fromdata (sev_crypto_fns()->EVP_PKEY_fromdata)
#define EVP_PKEY_public_check (sev_crypto_fns()->EVP_PKEY_public_check)
#define EVP_PKEY_free (sev_crypto_fns()->EVP_PKEY_free)
#define OSSL_PARAM_construct_octet_string \
	(sev_crypto_fns()->OSSL_PARAM_construct_octet_string)
#define EVP_DigestVerifyInit_ex (sev_crypto_fns()->EVP_DigestVerifyInit_ex)
#define EVP_DigestVerify (sev_crypto_fns()->EVP_DigestVerify)
#define BN_lebin2bn (sev_crypto_fns()->BN_lebin2bn)
#define BN_free (sev_crypto_fns()->BN_free)
#define ECDSA_SIG_new (sev_crypto_fns()->ECDSA_SIG_new)
#define ECDSA_SIG_free (sev_crypto_fns()->ECDSA_SIG_free)
#define ECDSA_SIG_set0 (sev_crypto_fns()->ECDSA_SIG_set0)
#define i2d_ECDSA_SIG (sev_crypto_fns()->i2d_ECDSA_SIG)
#define ERR_set_mark (sev_crypto_fns()->ERR_set_mark)
#define ERR_pop_to_mark (sev_crypto_fns()->ERR_pop_to_mark)
#define EVP_PKEY_is_a (sev_crypto_fns()->EVP_PKEY_is_a)
#define EVP_PKEY_get0_type_name (sev_crypto_fns()->EVP_PKEY_get0_type_name)
#define EVP_PKEY_get_group_name (sev_crypto_fns()->EVP_PKEY_get_group_name)
#define EVP_PKEY_get_bn_param (sev_crypto_fns()->EVP_PKEY_get_bn_param)
#define EVP_DigestSignInit_ex (sev_crypto_fns()->EVP_DigestSignInit_ex)
#define EVP_DigestSign (sev_crypto_fns()->EVP_DigestSign)
#define d2i_ECDSA_SIG (sev_crypto_fns()->d2i_ECDSA_SIG)
#define ECDSA_SIG_get0_r (sev_crypto_fns()->ECDSA_SIG_get0_r)
#define ECDSA_SIG_get0_s (sev_crypto_fns()->ECDSA_SIG_get0_s)
#define BN_bn2lebinpad (sev_crypto_fns()->BN_bn2lebinpad)
#define BIO_new_mem_buf (sev_crypto_fns()->BIO_new_mem_buf)
#define BIO_free (sev_crypto_fns()->BIO_free)
#define PEM_read_bio_PrivateKey (sev_crypto_fns()->PEM_read_bio_PrivateKey)
#endif

#endif
