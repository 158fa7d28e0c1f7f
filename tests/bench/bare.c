// SPDX-License-Identifier: Apache-2.0
/*
 * The baseline of `make bench`: the least a KVM VMM can do to run the
 * benchmark firmware.  One read-only memslot for the image, one vCPU in
 * KVM's own reset state, a KVM_RUN loop that ignores every exit until the
 * ACPI power-off write to port 0xB004.  No devices, no checks beyond what
 * it needs to run.  With --irqchip it also creates the in-kernel irqchip
 * and PIT the VMM needs, to separate KVM's own cost of those objects (their
 * teardown at exit dominates start-to-exit here) from the VMM's.  With
 * --split it enables KVM_CAP_SPLIT_IRQCHIP instead (the LAPIC only), as
 * the VMM's --irqchip split does.  With --like-vmm it builds the VM the
 * VMM's default run builds: split irqchip, the CPUID KVM supports set on
 * the vCPU, and 512 MiB of RAM in two memslots (below 640 KiB and from
 * 1 MiB), so what remains between the two is the VMM's own start-up.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* KVM_GET_SUPPORTED_CPUID then KVM_SET_CPUID2, as every real VMM does. */
static int set_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
				      256 * sizeof(struct kvm_cpuid_entry2));

	if (!c)
		return -1;
	c->nent = 256;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0 ||
	    ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		return -1;
	free(c);
	return 0;
}

/* 512 MiB of guest RAM: [0, 640 KiB) and [1 MiB, 512 MiB). */
static int map_ram(int vm)
{
	const uint64_t size = 512ULL << 20;
	uint8_t *ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct kvm_userspace_memory_region lo = {
		.slot = 1, .memory_size = 640 << 10,
		.userspace_addr = (uintptr_t)ram,
	};
	struct kvm_userspace_memory_region hi = {
		.slot = 2, .guest_phys_addr = 1 << 20,
		.memory_size = size - (1 << 20),
		.userspace_addr = (uintptr_t)ram + (1 << 20),
	};

	if (ram == MAP_FAILED || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &lo) < 0 ||
	    ioctl(vm, KVM_SET_USER_MEMORY_REGION, &hi) < 0)
		return -1;
	return 0;
}

/* Peak RSS of this process image, as the VMM's --stats prints it. */
static int report_rss(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			fprintf(stderr, "stats: peak resident %ld KiB\n",
				strtol(line + 6, NULL, 10));
	if (f)
		fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int kvm, vm, vcpu, img;
	struct kvm_userspace_memory_region r = { 0 };
	struct kvm_run *run;
	uint8_t *mem;
	int like_vmm;

	if (argc < 2 || argc > 3)
		return 2;
	img = open(argv[1], O_RDONLY);
	kvm = open("/dev/kvm", O_RDWR);
	if (img < 0 || kvm < 0)
		return 1;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED || pread(img, mem, 4096, 0) != 4096)
		return 1;
	r.flags = KVM_MEM_READONLY;
	r.guest_phys_addr = 0xFFFFF000;
	r.memory_size = 4096;
	r.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return 1;
	like_vmm = argc == 3 && strcmp(argv[2], "--like-vmm") == 0;
	if (like_vmm && map_ram(vm) < 0)
		return 1;
	if (argc == 3 && (like_vmm || strcmp(argv[2], "--split") == 0)) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 },
		};

		if (ioctl(vm, KVM_SET_TSS_ADDR, 0xFEFFD000UL) < 0 ||
		    ioctl(vm, KVM_ENABLE_CAP, &cap) < 0)
			return 1;
	}
	if (argc == 3 && strcmp(argv[2], "--irqchip") == 0) {
		struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

		if (ioctl(vm, KVM_SET_TSS_ADDR, 0xFEFFD000UL) < 0 ||
		    ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0 ||
		    ioctl(vm, KVM_CREATE_PIT2, &pit) < 0)
			return 1;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run = mmap(NULL, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (vcpu < 0 || run == MAP_FAILED || (like_vmm && set_cpuid(kvm, vcpu)))
		return 1;
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return 1;
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0xB004)
			return report_rss();
		if (run->exit_reason != KVM_EXIT_IO &&
		    run->exit_reason != KVM_EXIT_MMIO) {
			fprintf(stderr, "bare: exit %u\n", run->exit_reason);
			return 1;
		}
	}
}
