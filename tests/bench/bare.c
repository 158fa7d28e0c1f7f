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
 * the VMM's --irqchip split does.
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
	if (argc == 3 && strcmp(argv[2], "--split") == 0) {
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
	if (vcpu < 0 || run == MAP_FAILED)
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
