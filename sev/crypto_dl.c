// SPDX-License-Identifier: Apache-2.0
/*
 * dlopen() of libcrypto for sev/ (see crypto_dl.h for why).  The table is
 * the one piece of process-wide state in the library: written once under
 * pthread_once, read-only afterwards, and it only caches what the dynamic
 * linker would otherwise have bound at start-up.
 */
#define SEV_CRYPTO_DL_IMPL
#include <dlfcn.h>
#include <pthread.h>

#include "sev/crypto_dl.h"

/* The soname Debian 12's libssl3 ships (OpenSSL 3.0). */
#define SEV_CRYPTO_SONAME "libcrypto.so.3"

static struct sev_crypto_fns crypto_table;
static int crypto_status = -ENOSYS;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void crypto_resolve(void)
{
	void *lib = dlopen(SEV_CRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return;
#define SEV_CRYPTO_RESOLVE(f)                                                 \
	crypto_table.f = (__typeof__(crypto_table.f))dlsym(lib, #f);          \
	if (!crypto_table.f)                                                  \
		return;
	SEV_CRYPTO_FUNCS(SEV_CRYPTO_RESOLVE)
#undef SEV_CRYPTO_RESOLVE
	crypto_status = 0; /* the handle stays open for the process */
}

int sev_crypto_load(void)
{
	pthread_once(&crypto_once, crypto_resolve);
	return crypto_status;
}

const struct sev_crypto_fns *sev_crypto_fns(void)
{
	return &crypto_table;
}
