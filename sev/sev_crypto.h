/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SEV launch cryptography, through OpenSSL's libcrypto only: the
 * LAUNCH_MEASURE HMAC, the LAUNCH_SECRET packet MAC and its AES-128-CTR
 * payload.  Shared by the offline measurement and the firmware model;
 * checked against sevctl's and virtee/sev's published vectors.
 */
#ifndef SEV_SEV_CRYPTO_H
#define SEV_SEV_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/*
 * MEASURE = HMAC-SHA-256(TIK, 0x04 || API_MAJOR || API_MINOR || BUILD ||
 * POLICY (LE32) || LD || MNONCE): SEV API 0.24 section 6.5.1, the 56-byte
 * message of sev.md 3.2.  Returns 0 or -EIO (libcrypto failure).
 */
int sev_crypto_launch_measure(const uint8_t tik[16], uint8_t api_major,
			      uint8_t api_minor, uint8_t build,
			      uint32_t policy, const uint8_t ld[32],
			      const uint8_t mnonce[16], uint8_t out[32]);

/*
 * LAUNCH_SECRET header MAC (SEV API 0.24 section 6.6, table 55):
 * HMAC-SHA-256(TIK, 0x01 || FLAGS (LE32) || IV || GUEST_LEN (LE32) ||
 * TRANS_LEN (LE32) || ciphertext || MEASURE).
 */
int sev_crypto_secret_mac(const uint8_t tik[16], uint32_t flags,
			  const uint8_t iv[16], uint32_t guest_len,
			  uint32_t trans_len, const void *ciphertext,
			  size_t ciphertext_len, const uint8_t measure[32],
			  uint8_t out[32]);

/*
 * A session blob's POLICY_MAC: HMAC-SHA-256(TIK, POLICY (LE32)), which the
 * firmware checks at LAUNCH_START (sev-firmware-model.md section 8).
 */
int sev_crypto_policy_mac(const uint8_t tik[16], uint32_t policy,
			  uint8_t out[32]);

/* AES-128-CTR of (len) bytes with (key) and initial counter (iv). */
int sev_crypto_aes128_ctr(const uint8_t key[16], const uint8_t iv[16],
			  const void *in, void *out, size_t len);

#endif
