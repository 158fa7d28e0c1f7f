// SPDX-License-Identifier: Apache-2.0
/*
 * System-control ports: 0x92, 0xCF9, the i8042 reset path, debugcon 0x402.
 * Register meanings: IBM PS/2 Technical Reference (port 0x92), Intel 82371AB
 * PIIX4 datasheet 4.1.13 (Reset Control Register), Intel 8042 command 0xFE,
 * QEMU's debugcon (hw/char/debugcon.c behaviour, not its code).
 */
#include <errno.h>
#include <stdlib.h>

#include "devices/sysctl/sysctl.h"

/* Every window here is byte-wide: anything else is a bus bug. */
static bool byte_access_ok(uint64_t offset, uint32_t len, uint64_t window)
{
	return len == 1 && offset < window;
}

static void host_request(const struct vmm_host *host, enum vmm_request req)
{
	if (host->request)
		host->request(host->ctx, req);
}

/* ---- port 0x92 ---------------------------------------------------------- */

struct port92 {
	struct vmm_host host;
	struct vmm_device dev;
	uint8_t value;		/* last write, fast-reset bit always clear */
};

/*
 * A20 is reported enabled at power-on: under KVM the A20 gate is never
 * emulated, so every address bit is live and "enabled" is the truth.
 */
#define PORT92_POWER_ON		PORT92_A20

static int port92_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct port92 *p92 = opaque;

	if (!byte_access_ok(offset, len, PORT92_WINDOW_SIZE))
		return -EINVAL;
	*(uint8_t *)data = p92->value;
	return 0;
}

static int port92_write(void *opaque, uint64_t offset, const void *data,
			uint32_t len)
{
	struct port92 *p92 = opaque;
	uint8_t v;

	if (!byte_access_ok(offset, len, PORT92_WINDOW_SIZE))
		return -EINVAL;
	v = *(const uint8_t *)data;
	/* Bit 0 pulses the reset line; it is self-clearing, so never stored. */
	p92->value = v & (uint8_t)~PORT92_FAST_RESET;
	if (v & PORT92_FAST_RESET)
		host_request(&p92->host, VMM_REQ_RESET);
	return 0;
}

static void port92_reset(void *opaque)
{
	struct port92 *p92 = opaque;

	p92->value = PORT92_POWER_ON;
}

static const struct vmm_device_ops port92_ops = {
	.state_size = sizeof(struct port92),
	.read = port92_read,
	.write = port92_write,
	.reset = port92_reset,
};

int port92_create(const struct vmm_host *host, struct port92 **out)
{
	struct port92 *p92;

	if (!host || !out)
		return -EINVAL;
	p92 = calloc(1, sizeof(*p92));
	if (!p92)
		return -ENOMEM;
	p92->host = *host;
	p92->dev = (struct vmm_device){ "port92", &port92_ops, p92 };
	port92_reset(p92);
	*out = p92;
	return 0;
}

struct vmm_device *port92_device(struct port92 *p92)
{
	return &p92->dev;
}

void port92_destroy(struct port92 *p92)
{
	free(p92);
}

/* ---- reset control 0xCF9 ------------------------------------------------ */

struct resetctl {
	struct vmm_host host;
	struct vmm_device dev;
	uint8_t value;
};

/* Bits 1-3 are defined (SYS_RST, RST_CPU, FULL_RST); the rest reserved. */
#define RESETCTL_DEFINED	(RESETCTL_SYS_RST | RESETCTL_RST_CPU | \
				 RESETCTL_FULL_RST)

static int resetctl_read(void *opaque, uint64_t offset, void *data,
			 uint32_t len)
{
	struct resetctl *rc = opaque;

	if (!byte_access_ok(offset, len, RESETCTL_WINDOW_SIZE))
		return -EINVAL;
	*(uint8_t *)data = rc->value;
	return 0;
}

/*
 * PIIX4 4.1.13: RST_CPU going to 1 starts the reset; SYS_RST only picks
 * hard (1) or soft (0).  Our machine has one kind of reset, so both are a
 * VMM_REQ_RESET.  Writing RST_CPU while it already reads 1 is treated as a
 * new request too: a guest that retries must not be ignored.
 */
static int resetctl_write(void *opaque, uint64_t offset, const void *data,
			  uint32_t len)
{
	struct resetctl *rc = opaque;
	uint8_t v;

	if (!byte_access_ok(offset, len, RESETCTL_WINDOW_SIZE))
		return -EINVAL;
	v = *(const uint8_t *)data;
	rc->value = v & RESETCTL_DEFINED;
	if (v & RESETCTL_RST_CPU)
		host_request(&rc->host, VMM_REQ_RESET);
	return 0;
}

static void resetctl_reset(void *opaque)
{
	struct resetctl *rc = opaque;

	rc->value = 0;
}

static const struct vmm_device_ops resetctl_ops = {
	.state_size = sizeof(struct resetctl),
	.read = resetctl_read,
	.write = resetctl_write,
	.reset = resetctl_reset,
};

int resetctl_create(const struct vmm_host *host, struct resetctl **out)
{
	struct resetctl *rc;

	if (!host || !out)
		return -EINVAL;
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->host = *host;
	rc->dev = (struct vmm_device){ "resetctl", &resetctl_ops, rc };
	*out = rc;
	return 0;
}

struct vmm_device *resetctl_device(struct resetctl *rc)
{
	return &rc->dev;
}

void resetctl_destroy(struct resetctl *rc)
{
	free(rc);
}

/* ---- i8042 keyboard controller (reset only) ------------------------------ */

struct kbd {
	struct vmm_host host;
	struct vmm_device dev;
};

/*
 * No keyboard: the data port reads 0 and the status port says both buffers
 * are empty, so a probe or a "wait for input buffer empty" loop ends at once.
 * Offsets 1-3 (0x61-0x63) are not ours: KVM's in-kernel PIT serves 0x61.
 */
static int kbd_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	if (!byte_access_ok(offset, len, KBD_WINDOW_SIZE))
		return -EINVAL;
	if (offset == KBD_OFFSET_DATA)
		*(uint8_t *)data = 0;
	else if (offset == KBD_OFFSET_CMD)
		*(uint8_t *)data = KBD_STATUS_IDLE;
	return 0;
}

static int kbd_write(void *opaque, uint64_t offset, const void *data,
		     uint32_t len)
{
	struct kbd *kbd = opaque;

	if (!byte_access_ok(offset, len, KBD_WINDOW_SIZE))
		return -EINVAL;
	if (offset == KBD_OFFSET_CMD &&
	    *(const uint8_t *)data == KBD_CMD_PULSE_RESET)
		host_request(&kbd->host, VMM_REQ_RESET);
	return 0;
}

static const struct vmm_device_ops kbd_ops = {
	.state_size = sizeof(struct kbd),
	.read = kbd_read,
	.write = kbd_write,
};

int kbd_create(const struct vmm_host *host, struct kbd **out)
{
	struct kbd *kbd;

	if (!host || !out)
		return -EINVAL;
	kbd = calloc(1, sizeof(*kbd));
	if (!kbd)
		return -ENOMEM;
	kbd->host = *host;
	kbd->dev = (struct vmm_device){ "kbd", &kbd_ops, kbd };
	*out = kbd;
	return 0;
}

struct vmm_device *kbd_device(struct kbd *kbd)
{
	return &kbd->dev;
}

void kbd_destroy(struct kbd *kbd)
{
	free(kbd);
}

/* ---- debug console 0x402 ------------------------------------------------ */

struct debugcon {
	struct vmm_host host;
	struct vmm_device dev;
};

static int debugcon_read(void *opaque, uint64_t offset, void *data,
			 uint32_t len)
{
	if (!byte_access_ok(offset, len, DEBUGCON_WINDOW_SIZE))
		return -EINVAL;
	*(uint8_t *)data = DEBUGCON_READBACK;
	return 0;
}

static int debugcon_write(void *opaque, uint64_t offset, const void *data,
			  uint32_t len)
{
	struct debugcon *dc = opaque;

	if (!byte_access_ok(offset, len, DEBUGCON_WINDOW_SIZE))
		return -EINVAL;
	if (dc->host.debug_out)
		dc->host.debug_out(dc->host.ctx, data, 1);
	return 0;
}

static const struct vmm_device_ops debugcon_ops = {
	.state_size = sizeof(struct debugcon),
	.read = debugcon_read,
	.write = debugcon_write,
};

int debugcon_create(const struct vmm_host *host, struct debugcon **out)
{
	struct debugcon *dc;

	if (!host || !out)
		return -EINVAL;
	dc = calloc(1, sizeof(*dc));
	if (!dc)
		return -ENOMEM;
	dc->host = *host;
	dc->dev = (struct vmm_device){ "debugcon", &debugcon_ops, dc };
	*out = dc;
	return 0;
}

struct vmm_device *debugcon_device(struct debugcon *dc)
{
	return &dc->dev;
}

void debugcon_destroy(struct debugcon *dc)
{
	free(dc);
}
