/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scripted system-call layer of the SEV launch tests on the KVM
 * backend (test_sev.c, test_sev_snp_kvm.c; link with test_sev.ldflags'
 * wraps).  Every open of /dev/sev, close of a fake descriptor and ioctl
 * must be the next step of the script, with the expected fd, request, SEV
 * command id and payload (each step's check); a step may fail with an
 * errno and a firmware status.  The fake CPU answers CPUID 0x8000001F as
 * an EPYC with SEV and SEV-ES, or also SEV-SNP.
 */
#ifndef TESTS_UNIT_SEV_SCRIPT_H
#define TESTS_UNIT_SEV_SCRIPT_H

#define KVM_FD		10
#define VM_FD		20
#define SEV_FD		1000
#define RAM_SIZE	(256 * 1024)
#define CODE_SIZE	(64 * 1024)
#define VARS_SIZE	(16 * 1024)
#define HANDLE		7

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_close(int fd);
int __wrap_close(int fd);
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
void __real_sev_host_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);
void __wrap_sev_host_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* ---- the script ---------------------------------------------------- */

enum op { OP_OPEN, OP_CLOSE, OP_IOCTL };

struct step {
	enum op op;
	int fd;			/* ioctl/close: expected; open: returned */
	unsigned long req;
	uint32_t sev_id;	/* for KVM_MEMORY_ENCRYPT_OP */
	void (*check)(void *data);
	int ret;		/* ioctl return value on success */
	int err;		/* fail with this errno */
	uint32_t fw_error;
};

static struct step script[32];
static unsigned nsteps, pos;
static bool passthrough;
static int fake_fds_open;

static uint8_t *ram, *code, *vars;

enum cpu_kind { CPU_REAL, CPU_AMD_SEV, CPU_AMD_SNP, CPU_INTEL };
static enum cpu_kind cpu = CPU_AMD_SEV;

static void push(struct step s)
{
	assert_true(nsteps < sizeof(script) / sizeof(script[0]));
	script[nsteps++] = s;
}

static struct step *next_step(enum op op)
{
	if (pos >= nsteps)
		fail_msg("unexpected call (op %d) after the script ended", op);
	assert_int_equal(script[pos].op, op);
	return &script[pos++];
}

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	struct step *s;

	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (passthrough || strcmp(path, "/dev/sev") != 0)
		return __real_open(path, flags, mode);
	s = next_step(OP_OPEN);
	assert_int_equal(flags & O_ACCMODE, O_RDWR);
	assert_true(flags & O_CLOEXEC);
	if (s->err) {
		errno = s->err;
		return -1;
	}
	fake_fds_open++;
	return s->fd;
}

int __wrap_close(int fd)
{
	if (passthrough || fd < SEV_FD)
		return __real_close(fd);
	assert_int_equal(next_step(OP_CLOSE)->fd, fd);
	fake_fds_open--;
	return 0;
}

/* No payload may reach into the VARS buffer. */
static void assert_not_vars(uint64_t addr, uint64_t len)
{
	uintptr_t v = (uintptr_t)vars;

	if (addr < v + VARS_SIZE && addr + len > v)
		fail_msg("VARS range %#lx+%#lx handed to KVM", (long)addr,
			 (long)len);
}

static void check_sev_cmd(struct step *s, struct kvm_sev_cmd *cmd)
{
	assert_int_equal(cmd->id, s->sev_id);
	assert_int_equal(cmd->sev_fd, SEV_FD);
	assert_int_equal(cmd->error, 0);
	if (s->check)
		s->check((void *)(uintptr_t)cmd->data);
	else
		assert_int_equal(cmd->data, 0);
	cmd->error = s->fw_error;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct step *s;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (passthrough)
		return __real_ioctl(fd, req, arg);
	s = next_step(OP_IOCTL);
	assert_int_equal(fd, s->fd);
	assert_int_equal(req, s->req);
	if (req == KVM_MEMORY_ENCRYPT_OP)
		check_sev_cmd(s, arg);
	else if (req == SEV_ISSUE_CMD) {
		s->check(arg);
		((struct sev_issue_cmd *)arg)->error = s->fw_error;
	} else if (req == KVM_CHECK_EXTENSION)
		assert_int_equal((int)(uintptr_t)arg, KVM_CAP_VM_TYPES);
	else if (s->check)
		s->check(arg);
	if (s->err) {
		errno = s->err;
		return -1;
	}
	return s->ret;
}

static void put_vendor(uint32_t out[4], const char *v)
{
	memcpy(&out[1], v, 4);
	memcpy(&out[3], v + 4, 4);
	memcpy(&out[2], v + 8, 4);
}

/* An EPYC with SEV and SEV-ES, C-bit 51, one reduced physical bit. */
void __wrap_sev_host_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	memset(out, 0, 4 * sizeof(out[0]));
	if (cpu == CPU_REAL) {
		__real_sev_host_cpuid(leaf, sub, out);
		return;
	}
	if (leaf == 0)
		put_vendor(out, cpu == CPU_INTEL ? "GenuineIntel" :
						   "AuthenticAMD");
	else if (leaf == 0x80000000)
		out[0] = cpu == CPU_INTEL ? 0x80000008 : 0x80000021;
	else if (leaf == 0x8000001f && (cpu == CPU_AMD_SEV || cpu == CPU_AMD_SNP)) {
		/* SME, SEV, SEV-ES (and SEV-SNP, bit 4) */
		out[0] = cpu == CPU_AMD_SNP ? 0x0000001b : 0x0000000b;
		out[1] = 51 | 1 << 6;
		out[2] = 509;
		out[3] = 100;
	}
}

/* ---- payload checks -------------------------------------------------- */

static uint32_t platform_flags = SEV_STATUS_FLAGS_CONFIG_ES;

static void check_platform_status(void *arg)
{
	struct sev_issue_cmd *c = arg;
	struct sev_user_data_status *st = (void *)(uintptr_t)c->data;

	assert_int_equal(c->cmd, SEV_PLATFORM_STATUS);
	st->api_major = 1;
	st->api_minor = 51;
	st->build = 3;
	st->state = 1;
	st->flags = platform_flags;
}

static struct step sev_op(uint32_t id, void (*check)(void *))
{
	return (struct step){ .op = OP_IOCTL, .fd = VM_FD,
			      .req = KVM_MEMORY_ENCRYPT_OP, .sev_id = id,
			      .check = check };
}

static void push_open(uint32_t vm_types)
{
	push((struct step){ .op = OP_IOCTL, .fd = KVM_FD,
			    .req = KVM_CHECK_EXTENSION, .ret = (int)vm_types });
	push((struct step){ .op = OP_OPEN, .fd = SEV_FD });
	push((struct step){ .op = OP_IOCTL, .fd = SEV_FD, .req = SEV_ISSUE_CMD,
			    .check = check_platform_status });
}

static void push_close(void)
{
	push((struct step){ .op = OP_CLOSE, .fd = SEV_FD });
}

static void assert_script_done(void)
{
	assert_int_equal(pos, nsteps);
	assert_int_equal(fake_fds_open, 0);
}

/* A fresh script on CPU (c), and the guest buffers the payloads point at. */
static void script_start(enum cpu_kind c)
{
	nsteps = pos = 0;
	fake_fds_open = 0;
	passthrough = false;
	cpu = c;
	platform_flags = SEV_STATUS_FLAGS_CONFIG_ES;
	ram = aligned_alloc(4096, RAM_SIZE);
	code = aligned_alloc(4096, CODE_SIZE);
	vars = aligned_alloc(4096, VARS_SIZE);
	assert_true(ram && code && vars);
}

static void script_end(void)
{
	free(ram);
	free(code);
	free(vars);
}

/* sev_open() fails with (rc) and (message), the script all used. */
static void expect_open_fails(const struct sev_config *cfg, int rc,
			      const char *message)
{
	struct sev *sev = (struct sev *)1;
	char err[256];

	assert_int_equal(sev_open(cfg, KVM_FD, &sev, err, sizeof(err)), rc);
	assert_null(sev);
	assert_string_equal(err, message);
	assert_script_done();
}

#endif
