// SPDX-License-Identifier: Apache-2.0
/*
 * The whole machine's SEV-SNP launch on the kvm backend, vmm_create() to
 * vmm_destroy(), over the real /dev/kvm (skipped without one, or without
 * Debian's OVMF_CODE.fd) that a wrapped ioctl() makes look like an SNP
 * host: VM type 4 becomes a default VM, guest_memfd a memfd,
 * KVM_SET_USER_MEMORY_REGION2 the old call, memory attributes are recorded,
 * and KVM_MEMORY_ENCRYPT_OP goes to the firmware and KVM model
 * (sev_simkvm.h), which at SNP_LAUNCH_FINISH measures VMSAs built from
 * the real vCPU's registers, as KVM does.  Everything else is real KVM.
 *
 * It shows what the scripted tests of sev/ cannot: that the machine asks
 * for the SNP capabilities before any memslot, puts every RAM slot and
 * CODE in guest_memfd and private before the first SNP_LAUNCH_UPDATE,
 * maps no VARS and no BIOS alias, updates exactly CODE and OVMF's metadata
 * sections inside private memory, loads the vCPU state the offline
 * measurement assumes (the model's MEASUREMENT equals `vmm measure --mode
 * snp`), reports no measurement of its own (it is in the attestation
 * report), gives back the shared copy of CODE, and closes every
 * descriptor it opened.  Not shown: anything a
 * real SNP firmware or KVM would do differently from the models.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/kvm_para.h>
#include <linux/psp-sev.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/sev.h"
#include "sev/sev_sim.h"
#include "sev/sev_simkvm.h"
#include "sev/sev_uapi_compat.h"
#include "vmm.h"
#include "vmm/layout.h"
#include "vmm/machine.h"

#include "load_file.h"

#define OVMF_2M		"/usr/share/OVMF/OVMF_CODE.fd"
#define FAKE_SEV_FD	1000

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_close(int fd);
int __wrap_close(int fd);
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
void __wrap_sev_host_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* ---- what the machine did --------------------------------------------- */

enum ev { E_CAP_ENABLED, E_GMEM, E_SLOT2, E_SLOT, E_ATTR, E_START,
	  E_UPDATE, E_FINISH };

struct event {
	enum ev ev;
	uint64_t gpa, size, arg;
};

static struct {
	int kvm_fd, vm_fd, vcpu_fd;
	bool sev_open;
	struct sev_sim *sim;
	struct sev_simkvm *simkvm;
	struct event ev[64];
	unsigned nev;
	int gmems;			/* memfds given out and not closed */
} fake = { .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };

static void log_ev(enum ev e, uint64_t gpa, uint64_t size, uint64_t arg)
{
	assert_true(fake.nev < 64);
	fake.ev[fake.nev++] = (struct event){ e, gpa, size, arg };
}

/* ---- the pretend SNP host ----------------------------------------------- */

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (strcmp(path, "/dev/sev") != 0)
		return __real_open(path, flags, mode);
	fake.sev_open = true;
	return FAKE_SEV_FD;
}

int __wrap_close(int fd)
{
	if (fd == FAKE_SEV_FD) {
		assert_true(fake.sev_open);
		fake.sev_open = false;
		return 0;
	}
	return __real_close(fd);
}

/* An EPYC with SEV, SEV-ES and SEV-SNP, C-bit 51. */
void __wrap_sev_host_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	(void)sub;
	memset(out, 0, 4 * sizeof(out[0]));
	if (leaf == 0) {
		memcpy(&out[1], "Auth", 4);
		memcpy(&out[3], "enti", 4);
		memcpy(&out[2], "cAMD", 4);
	} else if (leaf == 0x80000000) {
		out[0] = 0x80000021;
	} else if (leaf == 0x8000001f) {
		out[0] = 0x1b;
		out[1] = 51 | 1 << 6;
		out[2] = 509;
		out[3] = 100;
	}
}

static int platform_status(void *arg)
{
	struct sev_issue_cmd *c = arg;
	struct sev_user_data_status *st = (void *)(uintptr_t)c->data;

	assert_int_equal(c->cmd, SEV_PLATFORM_STATUS);
	memset(st, 0, sizeof(*st));
	st->api_major = 1;
	st->api_minor = 55;
	st->build = 25;
	st->state = 1;
	st->flags = SEV_STATUS_FLAGS_CONFIG_ES;
	return 0;
}

static int check_extension(int fd, long cap)
{
	if (cap == KVM_CAP_VM_TYPES && fd != fake.vm_fd)	/* on /dev/kvm */
		return 0x1f;
	if (fd != fake.vm_fd)
		return __real_ioctl(fd, KVM_CHECK_EXTENSION, cap);
	switch (cap) {
	case KVM_CAP_READONLY_MEM: return 0;	/* none for SNP VMs */
	case KVM_CAP_GUEST_MEMFD: return 1;
	case KVM_CAP_MEMORY_ATTRIBUTES: return KVM_MEMORY_ATTRIBUTE_PRIVATE;
	case KVM_CAP_EXIT_HYPERCALL: return 1 << KVM_HC_MAP_GPA_RANGE;
	default: return __real_ioctl(fd, KVM_CHECK_EXTENSION, cap);
	}
}

/*
 * KVM measures its vCPUs' VMSAs at SNP_LAUNCH_FINISH, built from the state
 * the VMM loaded (KVM_SET_REGS/SREGS/FPU; XCR0 is the reset value).  Taken
 * from the calls, not read back: this PVM host drops MXCSR from
 * KVM_SET_FPU, which hardware KVM keeps.
 */
static struct sev_vcpu_state loaded = { .xcr0 = 1 };

static void set_vmsas_from_vcpu(void)
{
	static uint8_t page[1][SEV_VMSA_SIZE];
	struct sev_vmsa_opts opts = { .sev_features = SEV_SNP_FEATURE_SNP_ACTIVE,
				      .sync_fpu = true };

	sev_vmsa_build(page[0], &loaded, &opts);
	sev_simkvm_set_vmsas(fake.simkvm, (const void *)page, 1);
}

static void record_vcpu_state(unsigned long req, const void *arg)
{
	if (req == KVM_SET_REGS)
		memcpy(&loaded.regs, arg, sizeof(loaded.regs));
	else if (req == KVM_SET_SREGS)
		memcpy(&loaded.sregs, arg, sizeof(loaded.sregs));
	else if (req == KVM_SET_FPU)
		memcpy(&loaded.fpu, arg, sizeof(loaded.fpu));
}

static int encrypt_op(struct kvm_sev_cmd *cmd)
{
	void *data = (void *)(uintptr_t)cmd->data;

	assert_int_equal(cmd->sev_fd, FAKE_SEV_FD);
	if (cmd->id == SEV_COMPAT_KVM_SEV_INIT2) {
		struct sev_sim_params p = { 1, 55, 25, true, false };

		assert_null(fake.sim);
		assert_int_equal(sev_sim_create(&p, &fake.sim), 0);
		assert_int_equal(sev_simkvm_create(fake.sim, KVM_X86_SNP_VM,
						   &fake.simkvm), 0);
	} else if (cmd->id == SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START) {
		log_ev(E_START, 0, 0, ((struct kvm_sev_snp_launch_start *)data)->policy);
	} else if (cmd->id == SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE) {
		const struct kvm_sev_snp_launch_update *u = data;

		log_ev(E_UPDATE, u->gfn_start << 12, u->len, u->type);
	} else if (cmd->id == SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH) {
		log_ev(E_FINISH, 0, 0, 0);
		set_vmsas_from_vcpu();
	}
	return sev_simkvm_encrypt_op(fake.simkvm, cmd);
}

static int region2(const struct kvm_userspace_memory_region2 *r)
{
	struct kvm_userspace_memory_region old = {
		.slot = r->slot, .guest_phys_addr = r->guest_phys_addr,
		.memory_size = r->memory_size, .userspace_addr = r->userspace_addr,
	};

	assert_int_equal(r->flags, KVM_MEM_GUEST_MEMFD);
	log_ev(E_SLOT2, r->guest_phys_addr, r->memory_size, r->guest_memfd);
	return __real_ioctl(fake.vm_fd, KVM_SET_USER_MEMORY_REGION, &old);
}

static int guest_memfd(const struct kvm_create_guest_memfd *g)
{
	int fd = memfd_create("gmem", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)g->size), 0);
	assert_int_equal(g->flags, 0);
	log_ev(E_GMEM, 0, g->size, (uint64_t)fd);
	return fd;
}

static int on_vm_fd(unsigned long req, void *arg)
{
	if (req == KVM_MEMORY_ENCRYPT_OP)
		return encrypt_op(arg);
	if (req == KVM_CREATE_GUEST_MEMFD)
		return guest_memfd(arg);
	if (req == KVM_SET_USER_MEMORY_REGION2)
		return region2(arg);
	if (req == KVM_SET_MEMORY_ATTRIBUTES) {
		const struct kvm_memory_attributes *a = arg;

		log_ev(E_ATTR, a->address, a->size, a->attributes);
		return 0;
	}
	if (req == KVM_ENABLE_CAP &&
	    ((struct kvm_enable_cap *)arg)->cap == KVM_CAP_EXIT_HYPERCALL) {
		log_ev(E_CAP_ENABLED, 0, 0, ((struct kvm_enable_cap *)arg)->args[0]);
		return 0;
	}
	if (req == KVM_SET_USER_MEMORY_REGION) {
		const struct kvm_userspace_memory_region *r = arg;

		log_ev(E_SLOT, r->guest_phys_addr, r->memory_size, r->flags);
	}
	if (req == KVM_CREATE_VCPU) {
		fake.vcpu_fd = __real_ioctl(fake.vm_fd, req, arg);
		return fake.vcpu_fd;
	}
	return __real_ioctl(fake.vm_fd, req, arg);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd == FAKE_SEV_FD)
		return platform_status(arg);
	if (req == KVM_CHECK_EXTENSION)
		return check_extension(fd, (long)arg);
	if (req == KVM_CREATE_VM) {
		assert_int_equal((uintptr_t)arg, KVM_X86_SNP_VM);
		fake.kvm_fd = fd;
		fake.vm_fd = __real_ioctl(fd, KVM_CREATE_VM, 0);
		return fake.vm_fd;
	}
	if (fd == fake.vm_fd && fd >= 0)
		return on_vm_fd(req, arg);
	if (fd == fake.vcpu_fd && fd >= 0)
		record_vcpu_state(req, arg);
	return __real_ioctl(fd, req, arg);
}

/* ---- checks ------------------------------------------------------------- */

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static const struct event *find_slot(uint64_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < fake.nev; i++)
		if (fake.ev[i].ev == E_SLOT2 && gpa >= fake.ev[i].gpa &&
		    gpa + size <= fake.ev[i].gpa + fake.ev[i].size)
			return &fake.ev[i];
	return NULL;
}

/* Each guest_memfd slot is made private right after it is registered. */
static void assert_slots_private(void)
{
	unsigned slots = 0;

	for (unsigned i = 0; i < fake.nev; i++) {
		const struct event *e = &fake.ev[i];

		assert_int_not_equal(e->ev, E_SLOT);	/* nothing but guest_memfd */
		if (e->ev != E_SLOT2)
			continue;
		slots++;
		assert_int_equal(fake.ev[i - 1].ev, E_GMEM);
		assert_int_equal(fake.ev[i - 1].size, e->size);
		assert_int_equal(fake.ev[i - 1].arg, e->arg);
		assert_int_equal(fake.ev[i + 1].ev, E_ATTR);
		assert_int_equal(fake.ev[i + 1].gpa, e->gpa);
		assert_int_equal(fake.ev[i + 1].size, e->size);
		assert_int_equal(fake.ev[i + 1].arg, KVM_MEMORY_ATTRIBUTE_PRIVATE);
		/* No BIOS alias; nothing where VARS lives. */
		assert_false(e->gpa < LAYOUT_BIOS_ALIAS + LAYOUT_BIOS_ALIAS_SIZE &&
			     LAYOUT_BIOS_ALIAS < e->gpa + e->size);
		assert_false(e->gpa < 0x100000000ull - 0x200000 &&
			     0x100000000ull - 0x200000 - 0x84000 < e->gpa + e->size);
	}
	/* low RAM, option-ROM RAM, RAM below 4 GiB, CODE */
	assert_int_equal(slots, 4);
}

static void assert_launch(const uint8_t *img, size_t len,
			  const struct ovmf_sev_info *info)
{
	unsigned i = 0, u;

	while (fake.ev[i].ev != E_START)
		assert_true(++i < fake.nev);
	assert_int_equal(fake.ev[0].ev, E_CAP_ENABLED);	/* before any slot */
	assert_int_equal(fake.ev[0].arg, 1u << KVM_HC_MAP_GPA_RANGE);
	assert_int_equal(fake.ev[i].arg, 0x30000);
	u = i + 1;
	assert_int_equal(fake.ev[u].ev, E_UPDATE);
	assert_int_equal(fake.ev[u].gpa, 0x100000000ull - len);
	assert_int_equal(fake.ev[u].size, len);
	assert_int_equal(fake.ev[u].arg, KVM_SEV_SNP_PAGE_TYPE_NORMAL);
	for (unsigned s = 0; s < info->nr_sections; s++) {
		const struct ovmf_sev_section *sec = &info->sections[s];
		const struct event *e = &fake.ev[u + 1 + s];
		uint8_t type = sec->type == OVMF_SEV_SECTION_SNP_SECRETS ?
				       KVM_SEV_SNP_PAGE_TYPE_SECRETS :
			       sec->type == OVMF_SEV_SECTION_CPUID ?
				       KVM_SEV_SNP_PAGE_TYPE_CPUID :
				       KVM_SEV_SNP_PAGE_TYPE_ZERO;

		assert_int_equal(e->ev, E_UPDATE);
		assert_int_equal(e->gpa, sec->gpa);
		assert_int_equal(e->arg, type);
		assert_int_equal(e->size, type == KVM_SEV_SNP_PAGE_TYPE_ZERO ?
					  sec->size : 4096);
		assert_non_null(find_slot(e->gpa, e->size));
	}
	assert_non_null(find_slot(fake.ev[u].gpa, len));
	assert_int_equal(fake.ev[u + 1 + info->nr_sections].ev, E_FINISH);
	(void)img;
}

static void test_snp_machine_launch_on_kvm(void **state)
{
	struct vmm_config cfg = { .size = sizeof(cfg) };
	struct sev_measure_params p;
	struct ovmf_sev_info info;
	struct vmm *vm = NULL;
	uint8_t ld[48], got[48];
	char text[256];
	unsigned fds0 = open_fds();
	int kvm = __real_open("/dev/kvm", O_RDWR);
	size_t len;
	uint8_t *img;

	(void)state;
	if (kvm < 0 || access(OVMF_2M, R_OK) != 0) {
		fprintf(stderr, "skip: %s; the sev suite runs it on KVM\n",
			kvm < 0 ? "no /dev/kvm" : "no " OVMF_2M);
		if (kvm >= 0)
			__real_close(kvm);
		skip();
	}
	__real_close(kvm);
	img = load_file(OVMF_2M, &len);
	assert_int_equal(ovmf_sev_info_parse(img, len, &info), 0);
	assert_true(info.nr_sections > 0);
	cfg.code_fd = __real_open(OVMF_2M, O_RDONLY | O_CLOEXEC);
	cfg.vars_fd = cfg.console_in_fd = cfg.console_out_fd = cfg.debugcon_fd = -1;
	cfg.mem_size = 256ULL << 20;
	cfg.flags = VMM_F_NO_REBOOT;
	cfg.sev_mode = VMM_SEV_SNP;
	cfg.sev_backend = VMM_SEV_BACKEND_KVM;
	cfg.sev_policy = 0x30000;
	if (vmm_create(&cfg, &vm) != 0)
		fail_msg("vmm_create: %s", vmm_strerror(vm));
	assert_string_equal(vmm_strerror(vm), "no error");
	assert_int_equal(vmm_sev_measurement(vm, text, sizeof(text)), -ENODATA);
	assert_slots_private();
	assert_launch(img, len, &info);

	/* The model's MEASUREMENT, from the real vCPU's state, is the one
	 * `vmm measure --mode snp` predicts. */
	assert_int_equal(sev_simkvm_snp_measurement(fake.simkvm, got), 0);
	sev_measure_params_init(&p, SEV_MODE_SNP);
	p.vcpu_sig = vmm_sev_vcpu_signature(vm);
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), 0);
	assert_memory_equal(got, ld, 48);

	/* KVM has CODE in guest_memfd: the shared copy was given back. */
	{
		static unsigned char res[0x200000 / 4096];

		assert_true(vm->code_size <= sizeof(res) * 4096);
		assert_int_equal(mincore(vm->code, vm->code_size, res), 0);
		for (size_t i = 0; i < vm->code_size / 4096; i++)
			assert_int_equal(res[i] & 1, 0);
	}
	vmm_destroy(vm);
	__real_close(cfg.code_fd);
	assert_false(fake.sev_open);
	assert_int_equal(open_fds(), fds0);	/* guest_memfds closed too */
	sev_simkvm_destroy(fake.simkvm);
	sev_sim_destroy(fake.sim);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_machine_launch_on_kvm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
