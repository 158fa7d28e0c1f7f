// SPDX-License-Identifier: Apache-2.0
/*
 * Replays OVMF's real flash traffic, recorded from QEMU (tests/data/README.md),
 * on the VARS template it started from: through the pure state machine and
 * through pflash_open() on a temp file.  Every recorded read must return the
 * recorded value, and the array, and the file after pflash_close(), must
 * equal the VARS file QEMU left, byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/load_file.h"

#include "devices/pflash/cfi.h"
#include "devices/pflash/pflash.h"

enum op_kind { OP_WRITE, OP_READ, OP_RESET };

struct op {
	enum op_kind kind;
	unsigned width;
	uint64_t off;
	uint64_t value;
};

struct trace {
	const char *name;	/* "ovmf2m" or "ovmf4m" */
	struct op *ops;
	size_t n;
	uint8_t *before, *after;
	size_t size;
	/* Derived from the trace alone, independently of the device. */
	unsigned flash_writes;	/* 0xFF commands ending a program run */
	unsigned programs;
};

static void parse_line(struct trace *t, const char *line)
{
	struct op *o = &t->ops[t->n];
	unsigned long long off, val;
	unsigned w;
	char k;

	if (strncmp(line, "RESET", 5) == 0) {
		o->kind = OP_RESET;
		t->n++;
		return;
	}
	assert_int_equal(sscanf(line, "%c %llx %u %llx", &k, &off, &w, &val),
			 4);
	assert_true(k == 'W' || k == 'R');
	*o = (struct op){ .kind = k == 'W' ? OP_WRITE : OP_READ,
			  .width = w, .off = off, .value = val };
	t->n++;
}

/* Count what the trace itself says: programs and QemuFlashWrite ends. */
static void count_trace(struct trace *t)
{
	bool data_next = false, in_program_run = false;

	for (size_t i = 0; i < t->n; i++) {
		const struct op *o = &t->ops[i];

		if (o->kind != OP_WRITE)
			continue;
		if (data_next) {
			data_next = false;
			t->programs++;
			in_program_run = true;
		} else if (o->value == 0x10) {
			data_next = true;
		} else if (o->value == 0xFF && in_program_run) {
			t->flash_writes++;
			in_program_run = false;
		}
	}
}

static int load_trace(void **state, const char *name)
{
	struct trace *t = calloc(1, sizeof(*t));
	char file[64];
	size_t len, blen, alen;
	char *text, *line, *save = NULL;

	assert_non_null(t);
	t->name = name;
	snprintf(file, sizeof(file), "%s-ops.txt.gz", name);
	text = (char *)load_gzip(file, &len);
	text = realloc(text, len + 1);
	text[len] = '\0';
	t->ops = calloc(len / 5 + 1, sizeof(*t->ops));
	assert_non_null(t->ops);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		parse_line(t, line);
	free(text);
	snprintf(file, sizeof(file), "%s-vars-before.fd.gz", name);
	t->before = load_gzip(file, &blen);
	snprintf(file, sizeof(file), "%s-vars-after.fd.gz", name);
	t->after = load_gzip(file, &alen);
	assert_int_equal(blen, alen);
	t->size = blen;
	count_trace(t);
	*state = t;
	return 0;
}

static int setup_2m(void **state)
{
	return load_trace(state, "ovmf2m");
}

static int setup_4m(void **state)
{
	return load_trace(state, "ovmf4m");
}

static int teardown(void **state)
{
	struct trace *t = *state;

	free(t->ops);
	free(t->before);
	free(t->after);
	free(t);
	return 0;
}

static void test_pflash_replay_trace_shape(void **state)
{
	struct trace *t = *state;

	/* tests/data/README.md: 31,952 lines, 15,843 byte programs. */
	assert_int_equal(t->n, 31952);
	assert_int_equal(t->programs, 15843);
	assert_true(t->flash_writes > 0);
	assert_int_equal(t->size % 4096, 0);
	assert_memory_not_equal(t->before, t->after, t->size);
}

static void test_pflash_replay_state_machine(void **state)
{
	struct trace *t = *state;
	uint8_t *array = malloc(t->size);
	struct cfi_flash fl;
	unsigned on = 0, off = 0;

	assert_non_null(array);
	memcpy(array, t->before, t->size);
	assert_int_equal(cfi_init(&fl, array, t->size, 4096, true), 0);
	for (size_t i = 0; i < t->n; i++) {
		const struct op *o = &t->ops[i];
		unsigned fx;

		if (o->kind == OP_RESET) {
			cfi_reset(&fl);
		} else if (o->kind == OP_READ) {
			assert_int_equal(cfi_read(&fl, o->off, o->width),
					 o->value);
		} else {
			fx = cfi_write(&fl, o->off, o->width, o->value);
			on += !!(fx & CFI_FX_ROMD_ON);
			off += !!(fx & CFI_FX_ROMD_OFF);
		}
	}
	assert_memory_equal(array, t->after, t->size);
	assert_true(cfi_reads_array(&fl));
	/* One off/on pair per QemuFlashWrite, plus the probe's pair. */
	assert_int_equal(off, t->flash_writes + 1);
	assert_int_equal(on, off);
	assert_int_equal(fl.counters.programs, t->programs);
	assert_int_equal(fl.counters.errors, 0);
	assert_int_equal(fl.counters.unknown_cmds, 0);
	/* OVMF never asks a program to set a bit. */
	assert_int_equal(fl.counters.bits_not_set, 0);
	free(array);
}

struct romd_log {
	unsigned on, off;
	bool mapped;
};

static int log_set_romd(void *ctx, bool on)
{
	struct romd_log *l = ctx;

	/* Every call must be a real change of the slot. */
	assert_true(l->mapped != on);
	l->mapped = on;
	if (on)
		l->on++;
	else
		l->off++;
	return 0;
}

static void write_temp(char *path, const uint8_t *data, size_t size)
{
	int fd;

	strcpy(path, "/tmp/test_pflash_replay.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
}

static void file_equals(const char *path, const uint8_t *want, size_t size)
{
	uint8_t *buf = malloc(size + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_non_null(buf);
	/* Exactly (size) bytes: nothing truncated, nothing appended. */
	assert_int_equal(read(fd, buf, size + 1), (ssize_t)size);
	close(fd);
	assert_memory_equal(buf, want, size);
	free(buf);
}

/* Run the trace through the device ops of an opened pflash. */
static void replay_device(struct trace *t, struct pflash *pf)
{
	struct vmm_device *dev = pflash_device(pf);

	for (size_t i = 0; i < t->n; i++) {
		const struct op *o = &t->ops[i];
		uint8_t buf[8];

		if (o->kind == OP_RESET) {
			dev->ops->reset(dev->opaque);
		} else if (o->kind == OP_READ) {
			memset(buf, 0xFF, sizeof(buf));
			assert_int_equal(dev->ops->read(dev->opaque, o->off,
							buf, o->width), 0);
			assert_int_equal(dev_load_le(buf, o->width), o->value);
		} else {
			dev_store_le(buf, o->width, o->value);
			assert_int_equal(dev->ops->write(dev->opaque, o->off,
							 buf, o->width), 0);
		}
	}
}

static void test_pflash_replay_file(void **state)
{
	struct trace *t = *state;
	struct romd_log log = { .mapped = true };
	struct pflash_romd_ops ops = { .ctx = &log, .set_romd = log_set_romd };
	const struct pflash_stats *st;
	struct pflash *pf;
	char path[64];
	int fd;

	write_temp(path, t->before, t->size);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pflash_open(fd, PFLASH_MODE_READWRITE, true, &ops,
				     &pf), 0);
	replay_device(t, pf);
	st = pflash_get_stats(pf);
	assert_memory_equal(pflash_mem(pf), t->after, t->size);
	/* Every QemuFlashWrite stays in one block: one pwrite, one sync. */
	assert_int_equal(st->flushes, t->flash_writes);
	assert_int_equal(st->blocks_written, t->flash_writes);
	assert_int_equal(st->romd_off, t->flash_writes + 1);
	assert_int_equal(st->romd_on, st->romd_off);
	assert_int_equal(log.off, st->romd_off);
	assert_int_equal(st->mmio_reads, 1);
	assert_int_equal(st->mmio_writes, t->n - 2);
	print_message("%s: %u flushes (fdatasync), %u slot changes\n",
		      t->name, (unsigned)st->flushes, log.on + log.off);
	/* Everything is on disk before close. */
	file_equals(path, t->after, t->size);
	pflash_close(pf);
	close(fd);
	file_equals(path, t->after, t->size);
	unlink(path);
}

static void test_pflash_replay_snapshot(void **state)
{
	struct trace *t = *state;
	struct pflash *pf;
	char path[64];
	int fd;

	write_temp(path, t->before, t->size);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pflash_open(fd, PFLASH_MODE_SNAPSHOT, false, NULL,
				     &pf), 0);
	replay_device(t, pf);
	assert_memory_equal(pflash_mem(pf), t->after, t->size);
	assert_int_equal(pflash_get_stats(pf)->flushes, 0);
	pflash_close(pf);
	close(fd);
	file_equals(path, t->before, t->size);
	unlink(path);
}

#define BLOCK 4096u

/* Every content each block takes during the replay (FNV-1a hashes). */
struct block_versions {
	uint64_t *hash;
	size_t n;
};

static uint64_t block_hash(const uint8_t *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (unsigned i = 0; i < BLOCK; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void add_version(struct block_versions *bv, const uint8_t *block)
{
	uint64_t h = block_hash(block);

	if (bv->n && bv->hash[bv->n - 1] == h)
		return;
	bv->hash = realloc(bv->hash, (bv->n + 1) * sizeof(*bv->hash));
	assert_non_null(bv->hash);
	bv->hash[bv->n++] = h;
}

static bool has_version(const struct block_versions *bv, const uint8_t *p)
{
	uint64_t h = block_hash(p);

	for (size_t i = 0; i < bv->n; i++)
		if (bv->hash[i] == h)
			return true;
	return false;
}

static struct block_versions *collect_versions(struct trace *t)
{
	size_t blocks = t->size / BLOCK;
	struct block_versions *bv = calloc(blocks, sizeof(*bv));
	uint8_t *array = malloc(t->size);
	struct cfi_flash fl;

	assert_non_null(bv);
	assert_non_null(array);
	memcpy(array, t->before, t->size);
	assert_int_equal(cfi_init(&fl, array, t->size, BLOCK, true), 0);
	for (size_t b = 0; b < blocks; b++)
		add_version(&bv[b], array + b * BLOCK);
	for (size_t i = 0; i < t->n; i++) {
		const struct op *o = &t->ops[i];

		if (o->kind == OP_RESET)
			cfi_reset(&fl);
		if (o->kind != OP_WRITE ||
		    !(cfi_write(&fl, o->off, o->width, o->value) &
		      CFI_FX_DIRTY))
			continue;
		for (uint64_t b = fl.dirty_off / BLOCK;
		     b <= (fl.dirty_off + fl.dirty_len - 1) / BLOCK; b++)
			add_version(&bv[b], array + b * BLOCK);
	}
	free(array);
	return bv;
}

/* Child: replay through pflash, one byte down (pipe) per 1000 ops. */
static void child_replay(struct trace *t, const char *path, int pipe_fd)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct pflash *pf;
	struct vmm_device *dev;

	if (fd < 0 || pflash_open(fd, PFLASH_MODE_READWRITE, false, NULL,
				  &pf) < 0)
		_exit(3);
	dev = pflash_device(pf);
	for (size_t i = 0; i < t->n; i++) {
		const struct op *o = &t->ops[i];
		uint8_t buf[8];

		if (o->kind == OP_WRITE) {
			dev_store_le(buf, o->width, o->value);
			dev->ops->write(dev->opaque, o->off, buf, o->width);
		} else if (o->kind == OP_RESET) {
			dev->ops->reset(dev->opaque);
		}
		if (i % 1000 == 999 && write(pipe_fd, "x", 1) != 1)
			_exit(4);
	}
	pflash_close(pf);
	_exit(0);
}

/*
 * kill -9 at arbitrary points of the replay: the file keeps its size and
 * every block holds one of the contents the guest gave it, never a torn,
 * zeroed or truncated block.
 */
static void test_pflash_replay_kill9(void **state)
{
	struct trace *t = *state;
	struct block_versions *bv = collect_versions(t);
	const unsigned after_chunks[] = { 1, 4, 9, 16, 23, 30, 99 };
	uint8_t *file = malloc(t->size + 1);
	char path[64];

	assert_non_null(file);
	write_temp(path, t->before, t->size);
	for (unsigned k = 0; k < sizeof(after_chunks) / sizeof(*after_chunks);
	     k++) {
		int p[2], status, fd;
		char c;
		pid_t pid;

		assert_int_equal(pipe(p), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			child_replay(t, path, p[1]);
		}
		close(p[1]);
		for (unsigned i = 0; i < after_chunks[k]; i++)
			if (read(p[0], &c, 1) != 1)
				break;
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		close(p[0]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		assert_int_equal(read(fd, file, t->size + 1), (ssize_t)t->size);
		close(fd);
		for (size_t b = 0; b < t->size / BLOCK; b++)
			if (!has_version(&bv[b], file + b * BLOCK))
				fail_msg("kill after %u chunks: block %zu torn",
					 after_chunks[k], b);
	}
	/* The last child ran to the end (31 chunks): the final contents. */
	assert_memory_equal(file, t->after, t->size);
	for (size_t b = 0; b < t->size / BLOCK; b++)
		free(bv[b].hash);
	free(bv);
	free(file);
	unlink(path);
}

int main(void)
{
#define T2(t) cmocka_unit_test_setup_teardown(t, setup_2m, teardown)
#define T4(t) cmocka_unit_test_setup_teardown(t, setup_4m, teardown)
	const struct CMUnitTest tests[] = {
		T2(test_pflash_replay_trace_shape),
		T2(test_pflash_replay_state_machine),
		T2(test_pflash_replay_file),
		T2(test_pflash_replay_snapshot),
		T2(test_pflash_replay_kill9),
		T4(test_pflash_replay_trace_shape),
		T4(test_pflash_replay_state_machine),
		T4(test_pflash_replay_file),
		T4(test_pflash_replay_snapshot),
	};
#undef T2
#undef T4

	return cmocka_run_group_tests(tests, NULL, NULL);
}
