// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sev/sev.h"
#include "sev/sev_crypto.h"
#include "sev/crypto_dl.h"

struct mac_part {
	const void *data;
	size_t len;
};

/* HMAC-SHA-256 under a 16-byte key over the concatenation of (parts). */
static int hmac_sha256(const uint8_t key[16], const struct mac_part *parts,
		       size_t nr_parts, uint8_t out[32])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t outlen = 0;
	int ok = ctx && EVP_MAC_init(ctx, key, 16, params);

	for (size_t i = 0; ok && i < nr_parts; i++)
		ok = EVP_MAC_update(ctx, parts[i].data, parts[i].len);
	ok = ok && EVP_MAC_final(ctx, out, &outlen, 32) && outlen == 32;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int sev_crypto_launch_measure(const uint8_t tik[16], uint8_t api_major,
			      uint8_t api_minor, uint8_t build,
			      uint32_t policy, const uint8_t ld[32],
			      const uint8_t mnonce[16], uint8_t out[32])
{
	SEV_CRYPTO_REQUIRE();
	uint8_t head[8] = { 0x04, api_major, api_minor, build };
	struct mac_part parts[] = {
		{ head, sizeof(head) }, { ld, 32 }, { mnonce, 16 },
	};

	store_le32(head + 4, policy);
	return hmac_sha256(tik, parts, 3, out);
}

int sev_crypto_secret_mac(const uint8_t tik[16], uint32_t flags,
			  const uint8_t iv[16], uint32_t guest_len,
			  uint32_t trans_len, const void *ciphertext,
			  size_t ciphertext_len, const uint8_t measure[32],
			  uint8_t out[32])
{
	SEV_CRYPTO_REQUIRE();
	uint8_t head[5] = { 0x01 };
	uint8_t lens[8];
	struct mac_part parts[] = {
		{ head, sizeof(head) }, { iv, 16 }, { lens, sizeof(lens) },
		{ ciphertext, ciphertext_len }, { measure, 32 },
	};

	store_le32(head + 1, flags);
	store_le32(lens, guest_len);
	store_le32(lens + 4, trans_len);
	return hmac_sha256(tik, parts, 5, out);
}

int sev_crypto_policy_mac(const uint8_t tik[16], uint32_t policy,
			  uint8_t out[32])
{
	SEV_CRYPTO_REQUIRE();
	uint8_t le[4];
	struct mac_part part = { le, sizeof(le) };

	store_le32(le, policy);
	return hmac_sha256(tik, &part, 1, out);
}

int sev_crypto_aes128_ctr(const uint8_t key[16], const uint8_t iv[16],
			  const void *in, void *out, size_t len)
{
	SEV_CRYPTO_REQUIRE();
	EVP_CIPHER_CTX *ctx;
	int outl = 0, ok;

	if (len > INT_MAX)
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) &&
	     EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) &&
	     (size_t)outl == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* Worst case of EVP_DecodeUpdate for (len) input characters. */
static size_t decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

int sev_base64_decode(const char *text, size_t len, uint8_t *out,
		      size_t outmax, size_t *outlen)
{
	SEV_CRYPTO_REQUIRE();
	EVP_ENCODE_CTX *ctx;
	uint8_t *buf;
	int n = 0, tail = 0, rc = -ENOMEM;

	*outlen = 0;
	/* Also keeps (int)len below in range. */
	if (len > 4 * (size_t)SEV_BLOB_MAX)
		return -E2BIG;
	buf = malloc(decoded_max(len));
	ctx = EVP_ENCODE_CTX_new();
	if (buf && ctx) {
		EVP_DecodeInit(ctx);
		rc = EVP_DecodeUpdate(ctx, buf, &n, (const unsigned char *)text,
				      (int)len) < 0 ||
		     EVP_DecodeFinal(ctx, buf + n, &tail) != 1 ? -EINVAL : 0;
	}
	if (!rc && (size_t)n + (size_t)tail > outmax)
		rc = -E2BIG;
	if (!rc) {
		memcpy(out, buf, (size_t)n + (size_t)tail);
		*outlen = (size_t)n + (size_t)tail;
	}
	EVP_ENCODE_CTX_free(ctx);
	free(buf);
	return rc;
}
