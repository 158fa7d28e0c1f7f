/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest owner's side of SNP_LAUNCH_FINISH: the 96-byte ID block and
 * the 4096-byte ID authentication structure (SEV-SNP Firmware ABI, pub.
 * 56860, "ID Block Structure", "ID Authentication Information Structure"),
 * signed with ECDSA P-384/SHA-384 by OpenSSL's libcrypto (loaded through
 * crypto_dl.h).  What sev_snp_sig.h verifies, this produces: the same
 * offsets and number formats, and every output is verified before it is
 * returned.
 *
 * ID block: LD[48] (the expected MEASUREMENT), FAMILY_ID[16] at 48,
 * IMAGE_ID[16] at 64, VERSION u32 = 1 at 80, GUEST_SVN u32 at 84, POLICY
 * u64 at 88, all little-endian.  Keys are EVP_PKEYs owned by the caller;
 * only EC keys on P-384 are taken.  No state is kept between calls.
 */
#ifndef SEV_SNP_ID_BLOCK_H
#define SEV_SNP_ID_BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>

#include "sev/sev_snp_sig.h"

#define SNP_ID_BLOCK_SIZE	SEV_SNP_ID_BLOCK_LEN	/* 96 */
#define SNP_ID_AUTH_SIZE	4096
#define SNP_ID_BLOCK_VERSION	1
#define SNP_ID_ALGO_ECDSA_P384	1	/* ID_KEY_ALGO, AUTH_KEY_ALGO */
#define SNP_ID_DIGEST_SIZE	48

#define SNP_ID_BLOCK_OFF_LD	0
#define SNP_ID_BLOCK_OFF_FAMILY	48
#define SNP_ID_BLOCK_OFF_IMAGE	64
#define SNP_ID_BLOCK_OFF_VERSION 80
#define SNP_ID_BLOCK_OFF_SVN	84
#define SNP_ID_BLOCK_OFF_POLICY	88

struct snp_id_block_params {
	uint8_t measurement[SNP_ID_DIGEST_SIZE];	/* LD */
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t guest_svn;
	uint64_t policy;	/* must equal SNP_LAUNCH_START's */
};

/* (p) as an ID block in (blk), VERSION 1. */
void snp_id_block_fill(const struct snp_id_block_params *p,
		       uint8_t blk[SNP_ID_BLOCK_SIZE]);

/*
 * Whether (key) is one the firmware can take: an EC key on P-384.
 * Returns 0, or -EINVAL with (err) (if not NULL) saying what it is
 * instead ("not an EC key (RSA): SNP takes ECDSA P-384 keys only", "an EC
 * key on curve prime256v1: SNP takes P-384 (secp384r1) only"); -ENOSYS
 * without libcrypto.  Every function here that fails says why in (err)
 * when it is not NULL, in one line of at most (errlen) - 1 bytes.
 */
int snp_id_block_key_check(EVP_PKEY *key, char *err, size_t errlen);

/*
 * A private key from the PEM text (pem)[0..len) into (*key) (free it with
 * snp_id_block_key_free()).  Any key type is read; snp_id_block_key_check()
 * says whether it is usable.  Returns 0, or with (*key) NULL and a reason
 * in (err): -EINVAL "no PEM private key" (a public key, a certificate, no
 * PEM at all), -EACCES for an encrypted key (no passphrase is ever asked
 * for), -ENOMEM, -ENOSYS without libcrypto.
 */
int snp_id_block_key_from_pem(const void *pem, size_t len, EVP_PKEY **key,
			      char *err, size_t errlen);
void snp_id_block_key_free(EVP_PKEY *key);

/*
 * The ID authentication structure for (blk) in (auth), every byte written:
 * ID_KEY_ALGO 1, ID_BLOCK_SIG by (id_key) and ID_KEY its public key; with
 * an (author_key), AUTH_KEY_ALGO 1, AUTHOR_KEY and ID_KEY_SIG (its
 * signature of the ID_KEY structure), else AUTH_KEY_ALGO 0 and those
 * fields zero (SNP_LAUNCH_FINISH then runs without AUTHOR_KEY_EN).  The
 * result is checked with sev_snp_sig_check_id_auth() before returning.
 * Returns 0, or -errno with one line in (err) naming the key: -EINVAL for
 * a key snp_id_block_key_check() refuses, -EIO when libcrypto cannot sign
 * (a key without its private half) or the result does not verify,
 * -ENOMEM, -ENOSYS without libcrypto.  On failure (auth) is all zero.
 */
int snp_id_block_sign(const uint8_t blk[SNP_ID_BLOCK_SIZE], EVP_PKEY *id_key,
		      EVP_PKEY *author_key, uint8_t auth[SNP_ID_AUTH_SIZE],
		      char *err, size_t errlen);

/*
 * SHA-384 of the public key structure at (key) (1028 bytes, as in ID_AUTH):
 * the ID_KEY_DIGEST or AUTHOR_KEY_DIGEST an attestation report of the
 * guest carries.  0, -EIO, or -ENOSYS without libcrypto.
 */
int snp_id_block_key_digest(const uint8_t key[SEV_SNP_SIG_KEY_SIZE],
			    uint8_t out[SNP_ID_DIGEST_SIZE]);

#endif
