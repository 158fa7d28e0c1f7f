// SPDX-License-Identifier: Apache-2.0
/*
 * fw_cfg port interface.  Items are looked up by key on every data read
 * (a switch and a bounds check), so nothing cached can go stale when the
 * VMM adds a file; the directory lives in a fixed array sized for the
 * maximum file count, so it never moves either.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fwcfg/fwcfg.h"

#define KEY_MASK	0x3FFF	/* without write-channel and arch-local bits */
#define DIR_HEADER_SIZE	4

struct fwcfg_file {
	char name[FWCFG_NAME_SIZE];
	uint8_t *data;
	uint32_t len;
};

struct fwcfg {
	struct vmm_host host;
	struct vmm_device dev;
	uint16_t selector;
	uint32_t pos;		/* next byte of the selected item */
	uint8_t id[4];
	uint8_t nb_cpus[2];
	uint8_t boot_menu[2];
	uint8_t max_cpus[2];
	unsigned nfiles;
	struct fwcfg_file files[FWCFG_MAX_FILES];
	uint8_t dir[DIR_HEADER_SIZE + FWCFG_DIR_ENTRY_SIZE * FWCFG_MAX_FILES];
};

static const uint8_t signature[4] = { 'Q', 'E', 'M', 'U' };

static void put_be(uint8_t *p, uint32_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void put_le(uint8_t *p, uint32_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const uint8_t *file_item(const struct fwcfg *fw, unsigned key,
				uint32_t *len)
{
	const struct fwcfg_file *f;

	if (key - FWCFG_KEY_FILE_FIRST >= fw->nfiles)
		return NULL;
	f = &fw->files[key - FWCFG_KEY_FILE_FIRST];
	*len = f->len;
	return f->data;
}

/* The bytes of item (selector) and their count, or NULL for none. */
static const uint8_t *item(const struct fwcfg *fw, uint16_t selector,
			   uint32_t *len)
{
	unsigned key = selector & KEY_MASK;

	if (selector & FWCFG_ARCH_LOCAL)
		return NULL;
	if (key >= FWCFG_KEY_FILE_FIRST)
		return file_item(fw, key, len);
	switch (key) {
	case FWCFG_KEY_SIGNATURE:
		*len = sizeof(signature);
		return signature;
	case FWCFG_KEY_ID:
		*len = sizeof(fw->id);
		return fw->id;
	case FWCFG_KEY_NB_CPUS:
		*len = sizeof(fw->nb_cpus);
		return fw->nb_cpus;
	case FWCFG_KEY_BOOT_MENU:
		*len = sizeof(fw->boot_menu);
		return fw->boot_menu;
	case FWCFG_KEY_MAX_CPUS:
		*len = sizeof(fw->max_cpus);
		return fw->max_cpus;
	case FWCFG_KEY_FILE_DIR:
		*len = DIR_HEADER_SIZE + FWCFG_DIR_ENTRY_SIZE * fw->nfiles;
		return fw->dir;
	default:
		return NULL;
	}
}

static uint8_t data_read(struct fwcfg *fw)
{
	uint32_t len = 0;
	const uint8_t *p = item(fw, fw->selector, &len);

	if (!p || fw->pos >= len)
		return 0;
	return p[fw->pos++];
}

static bool access_ok(uint64_t offset, uint32_t len)
{
	return len >= 1 && len <= FWCFG_WINDOW_SIZE &&
	       offset < FWCFG_WINDOW_SIZE && len <= FWCFG_WINDOW_SIZE - offset;
}

static int fwcfg_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct fwcfg *fw = opaque;

	if (!access_ok(offset, len))
		return -EINVAL;
	if (offset == FWCFG_OFFSET_DATA && len == 1)
		*(uint8_t *)data = data_read(fw);
	return 0;
}

static int fwcfg_write(void *opaque, uint64_t offset, const void *data,
		       uint32_t len)
{
	struct fwcfg *fw = opaque;

	if (!access_ok(offset, len))
		return -EINVAL;
	if (offset == FWCFG_OFFSET_SELECTOR && len == 2) {
		fw->selector = (uint16_t)dev_load_le(data, 2);
		fw->pos = 0;
	}
	return 0;
}

static void fwcfg_reset(void *opaque)
{
	struct fwcfg *fw = opaque;

	fw->selector = FWCFG_KEY_SIGNATURE;
	fw->pos = 0;
}

static const struct vmm_device_ops fwcfg_ops = {
	.state_size = sizeof(struct fwcfg),
	.read = fwcfg_read,
	.write = fwcfg_write,
	.reset = fwcfg_reset,
};

int fwcfg_create(const struct vmm_host *host, const struct fwcfg_config *config,
		 struct fwcfg **out)
{
	struct fwcfg *fw;
	uint16_t max_cpus;

	if (!host || !config || !out || config->ncpus == 0)
		return -EINVAL;
	max_cpus = config->max_cpus ? config->max_cpus : config->ncpus;
	if (max_cpus < config->ncpus)
		return -EINVAL;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return -ENOMEM;
	fw->host = *host;
	fw->dev = (struct vmm_device){ "fwcfg", &fwcfg_ops, fw };
	put_le(fw->id, FWCFG_ID_TRADITIONAL, sizeof(fw->id));
	put_le(fw->nb_cpus, config->ncpus, sizeof(fw->nb_cpus));
	put_le(fw->boot_menu, config->boot_menu ? 1 : 0, sizeof(fw->boot_menu));
	put_le(fw->max_cpus, max_cpus, sizeof(fw->max_cpus));
	put_be(fw->dir, 0, DIR_HEADER_SIZE);
	*out = fw;
	return 0;
}

struct vmm_device *fwcfg_device(struct fwcfg *fw)
{
	return &fw->dev;
}

void fwcfg_destroy(struct fwcfg *fw)
{
	if (!fw)
		return;
	for (unsigned i = 0; i < fw->nfiles; i++)
		free(fw->files[i].data);
	free(fw);
}

static int check_new_file(const struct fwcfg *fw, const char *name,
			  const void *data, uint32_t len)
{
	size_t name_len;

	if (!name || !name[0] || (!data && len))
		return -EINVAL;
	name_len = strnlen(name, FWCFG_NAME_SIZE);
	if (name_len >= FWCFG_NAME_SIZE)
		return -ENAMETOOLONG;
	for (unsigned i = 0; i < fw->nfiles; i++)
		if (strcmp(fw->files[i].name, name) == 0)
			return -EEXIST;
	if (fw->nfiles >= FWCFG_MAX_FILES)
		return -ENOSPC;
	if (len > FWCFG_MAX_FILE_SIZE)
		return -EFBIG;
	return 0;
}

/* Entry (index) of the directory, then the new count in its header. */
static void dir_append(struct fwcfg *fw, unsigned index)
{
	const struct fwcfg_file *f = &fw->files[index];
	uint8_t *e = fw->dir + DIR_HEADER_SIZE + FWCFG_DIR_ENTRY_SIZE * index;

	put_be(e, f->len, 4);
	put_be(e + 4, FWCFG_KEY_FILE_FIRST + index, 2);
	put_be(e + 6, 0, 2);
	memcpy(e + 8, f->name, FWCFG_NAME_SIZE);
	put_be(fw->dir, index + 1, DIR_HEADER_SIZE);
}

int fwcfg_add_file(struct fwcfg *fw, const char *name, const void *data,
		   uint32_t len)
{
	struct fwcfg_file *f;
	uint8_t *copy;
	int rc;

	if (!fw)
		return -EINVAL;
	rc = check_new_file(fw, name, data, len);
	if (rc < 0)
		return rc;
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, data, len);
	f = &fw->files[fw->nfiles];
	memset(f->name, 0, sizeof(f->name));
	memcpy(f->name, name, strlen(name));
	f->data = copy;
	f->len = len;
	dir_append(fw, fw->nfiles);
	fw->nfiles++;
	return 0;
}
