/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU's firmware configuration device, traditional port interface only
 * (QEMU docs/specs/fw_cfg.rst, "Guest-side Hardware Interface").
 *
 * Window 2: offset 0 = selector (port 0x510), written as 16 bits little-
 * endian; offset 1 = data (port 0x511), read a byte at a time.  Selecting
 * an item rewinds it to offset 0; each data read returns the next byte, and
 * 0 once past the end.  Unknown keys (including every arch-local 0x8000+
 * key) read as empty items.  Data-port writes are ignored, as since QEMU
 * 2.4 for the port interface; bit 14 (write channel) of the selector is
 * accepted and otherwise ignored.  Selector reads and accesses of any
 * other shape keep the bus's all-ones.  No DMA: the ID item is 1.
 *
 * Items: 0x00 "QEMU", 0x01 ID (u32 LE), 0x05 CPU count (u16 LE), 0x0E boot
 * menu (u16 LE), 0x0F max CPUs (u16 LE), 0x19 the file directory (u32 BE
 * count, then per file u32 BE size, u16 BE select, u16 reserved, char
 * name[56]), files from key 0x20 in the order they were added.
 */
#ifndef DEVICES_FWCFG_H
#define DEVICES_FWCFG_H

#include "vmm/device.h"

#define FWCFG_WINDOW_SIZE	2
#define FWCFG_OFFSET_SELECTOR	0	/* port 0x510 */
#define FWCFG_OFFSET_DATA	1	/* port 0x511 */

#define FWCFG_KEY_SIGNATURE	0x00
#define FWCFG_KEY_ID		0x01
#define FWCFG_KEY_NB_CPUS	0x05
#define FWCFG_KEY_BOOT_MENU	0x0E
#define FWCFG_KEY_MAX_CPUS	0x0F
#define FWCFG_KEY_FILE_DIR	0x19
#define FWCFG_KEY_FILE_FIRST	0x20
#define FWCFG_WRITE_CHANNEL	0x4000
#define FWCFG_ARCH_LOCAL	0x8000

#define FWCFG_ID_TRADITIONAL	0x01	/* bit 1 (DMA) deliberately clear */
#define FWCFG_NAME_SIZE		56	/* including the terminating NUL */
#define FWCFG_DIR_ENTRY_SIZE	64
#define FWCFG_MAX_FILES		32	/* QEMU's default file slots */
#define FWCFG_MAX_FILE_SIZE	(64u << 20)

struct fwcfg_config {
	uint16_t ncpus;		/* 1 .. */
	uint16_t max_cpus;	/* 0 means ncpus; else >= ncpus */
	bool boot_menu;		/* key 0x0E: 1 shows the firmware boot menu */
};

struct fwcfg;

/*
 * Create the device with the fixed items from (config).  (host) and
 * (config) are copied.  Returns 0, -EINVAL, or -ENOMEM.
 */
int fwcfg_create(const struct vmm_host *host, const struct fwcfg_config *config,
		 struct fwcfg **out);
struct vmm_device *fwcfg_device(struct fwcfg *fw);
void fwcfg_destroy(struct fwcfg *fw);

/*
 * Add file (name) with a copy of (data)[0..len) (data may be NULL when len
 * is 0) at the next key from 0x20.  Returns 0, -EINVAL (NULL or empty
 * name, NULL data), -ENAMETOOLONG (name of 56 bytes or more), -EEXIST
 * (name taken), -ENOSPC (FWCFG_MAX_FILES reached), -EFBIG (len above
 * FWCFG_MAX_FILE_SIZE), or -ENOMEM.  Safe while the guest runs: an item
 * being read stays valid.
 */
int fwcfg_add_file(struct fwcfg *fw, const char *name, const void *data,
		   uint32_t len);

#endif
