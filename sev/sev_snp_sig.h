/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The signatures SNP_LAUNCH_FINISH checks (SEV-SNP Firmware ABI, pub.
 * 56860, "ID Authentication Information Structure", "ECDSA Public Key
 * Format", "ECDSA Signature Format"): the ID block signed with the ID key
 * and, with AUTHOR_KEY_EN, the ID key signed with the author key.  ECDSA
 * P-384 with SHA-384, verified by OpenSSL's libcrypto (loaded through
 * crypto_dl.h); nothing here does arithmetic of its own.
 *
 * A public key is { CURVE u32 = 2 (P-384), QX[72], QY[72], reserved } in
 * 1028 bytes, a signature { R[72], S[72], reserved } in 512 bytes, every
 * number little-endian.  Reserved bytes are not looked at (the firmware
 * does not either), but they are part of the ID key the author signs and
 * of the key digests in the attestation report.
 */
#ifndef SEV_SEV_SNP_SIG_H
#define SEV_SEV_SNP_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEV_SNP_SIG_CURVE_P384		2	/* the key's CURVE */
#define SEV_SNP_SIG_COORD_SIZE		72	/* QX, QY, R, S */
#define SEV_SNP_SIG_KEY_SIZE		0x404
#define SEV_SNP_SIG_SIZE		0x200

/* The ID authentication structure (4096 bytes). */
#define SEV_SNP_ID_AUTH_OFF_ID_ALGO	0x000	/* u32 ID_KEY_ALGO */
#define SEV_SNP_ID_AUTH_OFF_AUTH_ALGO	0x004	/* u32 AUTH_KEY_ALGO */
#define SEV_SNP_ID_AUTH_OFF_ID_SIG	0x040	/* ID_BLOCK_SIG */
#define SEV_SNP_ID_AUTH_OFF_ID_KEY	0x240	/* ID_KEY */
#define SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG	0x680	/* ID_KEY_SIG, by the author */
#define SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY	0x880	/* AUTHOR_KEY */
#define SEV_SNP_ID_BLOCK_LEN		96

/*
 * Whether (sig) is an ECDSA P-384/SHA-384 signature of (msg, len) under
 * (key).  Returns 0 if it is, -EINVAL when (key) is not a P-384 point (a
 * CURVE other than 2, a coordinate of 384 bits or more, a point off the
 * curve), -EBADMSG when the signature does not verify (R or S outside
 * 1..n-1 included), -ENOSYS without libcrypto, -ENOMEM or -EIO when the
 * library fails.
 */
int sev_snp_sig_verify(const uint8_t key[SEV_SNP_SIG_KEY_SIZE],
		       const uint8_t sig[SEV_SNP_SIG_SIZE], const void *msg,
		       size_t len);

/*
 * The two checks of SNP_LAUNCH_FINISH in the firmware's order: the ID
 * block's signature under the ID key, then (author_key_en) the ID key's
 * under the author key.  The key algorithms are the caller's to have
 * checked.  Returns the first failure of sev_snp_sig_verify(), or 0.
 */
int sev_snp_sig_check_id_auth(const uint8_t id_block[SEV_SNP_ID_BLOCK_LEN],
			      const uint8_t *id_auth, bool author_key_en);

#endif
