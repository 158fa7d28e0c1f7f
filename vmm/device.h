/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The contract between the machine (bus, KVM glue) and a device model.
 *
 * A device sees offsets into its own window, never guest-physical addresses
 * and never KVM.  Everything it may ask of the machine goes through the
 * struct vmm_host callbacks it is given at creation, so unit tests and
 * fuzzers hand it fakes.  Standalone: libc headers only.
 */
#ifndef VMM_DEVICE_H
#define VMM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmm_device_ops {
	/*
	 * Fill (data)[0..len) with what a guest read of (len) bytes at
	 * (offset) returns.  The bus has already checked that the whole
	 * access lies inside the device window and pre-filled (data) with
	 * all-ones.  Returns 0, or a negative errno for a device fault (the
	 * bus counts it; never fatal).
	 */
	int (*read)(void *opaque, uint64_t offset, void *data, uint32_t len);
	/* A guest write of (len) bytes at (offset).  Same rules as read. */
	int (*write)(void *opaque, uint64_t offset, const void *data,
		     uint32_t len);
	/* Machine reset (power-on state).  Optional. */
	void (*reset)(void *opaque);
	/*
	 * Bytes at (opaque) that are the device's whole state, for in-process
	 * snapshot/restore (vmm_snapshot()): copied as they are, so the state
	 * owns no memory that changes at run time (pointers to its host and
	 * to set-up data stay valid in the same process).  0: not copied
	 * (stateless, or saved by its owner, like the pflash).
	 */
	size_t state_size;
};

struct vmm_device {
	const char *name;
	const struct vmm_device_ops *ops;
	void *opaque;
};

/* Requests a device may raise; the run loop acts on them between exits. */
enum vmm_request {
	VMM_REQ_NONE = 0,
	VMM_REQ_RESET,    /* guest asked for a platform reset */
	VMM_REQ_POWEROFF, /* ACPI S5 */
	VMM_REQ_HARNESS,  /* VMM_F_HARNESS: the guest wrote the harness port */
};

/*
 * What devices may ask of the machine.  Every callback is optional for the
 * device that does not need it; the machine fills all of them.
 */
struct vmm_host {
	void *ctx;
	/* Drive interrupt line (gsi) to (level) (ISA IRQ numbers == GSI). */
	void (*set_irq)(void *ctx, unsigned gsi, int level);
	/* Ask the run loop for a reset or power-off after this exit. */
	void (*request)(void *ctx, enum vmm_request req);
	/* Monotonic time in nanoseconds (PM timer, UART timing). */
	uint64_t (*clock_ns)(void *ctx);
	/* Wall-clock time, seconds since the Unix epoch (RTC). */
	int64_t (*wallclock)(void *ctx);
	/* Bytes the guest sends to the console / debug port. */
	void (*console_out)(void *ctx, const uint8_t *buf, size_t len);
	void (*debug_out)(void *ctx, const uint8_t *buf, size_t len);
	/*
	 * (Re)place the port-I/O window of (dev) at (base, len), or remove
	 * it when (enabled) is false.  Used by PCI functions whose BARs or
	 * base registers the guest programs (PIIX4 PMBA).
	 */
	int (*pio_map)(void *ctx, const struct vmm_device *dev, uint16_t base,
		       uint16_t len, bool enabled);
};

/* Little-endian load/store of 1..8 bytes, for register-style devices. */
static inline uint64_t dev_load_le(const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint64_t v = 0;

	for (uint32_t i = 0; i < len && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void dev_store_le(void *data, uint32_t len, uint64_t v)
{
	uint8_t *p = data;

	for (uint32_t i = 0; i < len && i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif
