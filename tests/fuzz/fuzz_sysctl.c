// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for the four devices/sysctl devices.  Each 8-byte
 * record:
 *   [0] op: 0 read, 1 write, 2 -, 3 reset (low 2 bits); bits 2-3 pick the
 *       device: port92, resetctl, kbd, debugcon
 *   [1] offset (window plus two past it)
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian
 *   [7] unused
 * Invariants: only VMM_REQ_RESET is requested; debug output comes one
 * byte at a time; port 0x92 never reads back the fast-reset bit.
 */
#include <stdint.h>
#include <stdlib.h>

#include "devices/sysctl/sysctl.h"
#include "tests/fuzz/opscript.h"

static void fz_request(void *ctx, enum vmm_request req)
{
	if (req != VMM_REQ_RESET)
		abort();
}

static void fz_debug_out(void *ctx, const uint8_t *buf, size_t len)
{
	if (len != 1)
		abort();
}

struct devices {
	struct port92 *p92;
	struct resetctl *rc;
	struct kbd *kbd;
	struct debugcon *dc;
	struct vmm_device *dev[4];
	uint64_t window[4];
};

static int make(const struct vmm_host *host, struct devices *d)
{
	if (port92_create(host, &d->p92) || resetctl_create(host, &d->rc) ||
	    kbd_create(host, &d->kbd) || debugcon_create(host, &d->dc))
		abort();
	d->dev[0] = port92_device(d->p92);
	d->dev[1] = resetctl_device(d->rc);
	d->dev[2] = kbd_device(d->kbd);
	d->dev[3] = debugcon_device(d->dc);
	d->window[0] = PORT92_WINDOW_SIZE;
	d->window[1] = RESETCTL_WINDOW_SIZE;
	d->window[2] = KBD_WINDOW_SIZE;
	d->window[3] = DEBUGCON_WINDOW_SIZE;
	return 0;
}

static void check_invariants(struct devices *d)
{
	uint8_t v = 0;

	d->dev[0]->ops->read(d->dev[0]->opaque, 0, &v, 1);
	if (v & PORT92_FAST_RESET)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_host host = { .request = fz_request,
				 .debug_out = fz_debug_out };
	struct devices d;

	if (size < OPSCRIPT_RECORD)
		return 0;
	make(&host, &d);
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;
		unsigned which = (r[0] >> 2) & 3;

		/* Op 2 does nothing here. */
		opscript_step(d.dev[which], d.window[which], r);
	}
	check_invariants(&d);
	port92_destroy(d.p92);
	resetctl_destroy(d.rc);
	kbd_destroy(d.kbd);
	debugcon_destroy(d.dc);
	return 0;
}
