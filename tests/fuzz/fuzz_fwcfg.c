// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/fwcfg.  Each 8-byte record:
 *   [0] op: 0 read, 1 write, 2 add a file, 3 reset (low 2 bits)
 *   [1] offset (0..3: the window plus two past it)
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian (add: [3] name seed, [4..5] length LE)
 *   [7] unused
 * Invariants: the signature item always reads "QEMU"; the directory count
 * never exceeds FWCFG_MAX_FILES; add_file returns 0 or a known -errno.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fwcfg/fwcfg.h"
#include "tests/fuzz/opscript.h"

static uint8_t read_data(struct vmm_device *dev)
{
	uint8_t v = 0xFF;

	dev->ops->read(dev->opaque, FWCFG_OFFSET_DATA, &v, 1);
	return v;
}

static void select_key(struct vmm_device *dev, uint16_t key)
{
	uint8_t le[2] = { (uint8_t)key, (uint8_t)(key >> 8) };

	dev->ops->write(dev->opaque, FWCFG_OFFSET_SELECTOR, le, 2);
}

static void add_file(struct fwcfg *fw, const uint8_t *r)
{
	static const uint8_t blob[1024];
	char name[80];
	unsigned seed = r[3];
	uint32_t len = (uint32_t)(r[4] | r[5] << 8) % sizeof(blob);
	int rc;

	/* Seeds >= 200 make names too long; others repeat, for -EEXIST. */
	if (seed >= 200)
		memset(name, 'n', sizeof(name) - 1), name[sizeof(name) - 1] = 0;
	else
		snprintf(name, sizeof(name), "etc/f%u", seed % 40);
	rc = fwcfg_add_file(fw, name, blob, len);
	if (rc != 0 && rc != -EEXIST && rc != -ENOSPC && rc != -ENAMETOOLONG)
		abort();
}

static void check_invariants(struct vmm_device *dev)
{
	uint8_t sig[4], count[4];

	select_key(dev, FWCFG_KEY_SIGNATURE);
	for (unsigned i = 0; i < 4; i++)
		sig[i] = read_data(dev);
	if (memcmp(sig, "QEMU", 4) != 0)
		abort();
	select_key(dev, FWCFG_KEY_FILE_DIR);
	for (unsigned i = 0; i < 4; i++)
		count[i] = read_data(dev);
	if (count[0] || count[1] || count[2] || count[3] > FWCFG_MAX_FILES)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_host host = { 0 };
	struct fwcfg_config config = { .ncpus = 1 };
	struct fwcfg *fw;
	struct vmm_device *dev;

	if (size < OPSCRIPT_RECORD || fwcfg_create(&host, &config, &fw) != 0)
		return 0;
	dev = fwcfg_device(fw);
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;

		if (opscript_step(dev, FWCFG_WINDOW_SIZE, r) == OPSCRIPT_OWN)
			add_file(fw, r);
	}
	check_invariants(dev);
	fwcfg_destroy(fw);
	return 0;
}
