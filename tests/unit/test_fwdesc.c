// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the QEMU firmware descriptors (firmware/fwdesc*.c): Debian's
 * real descriptors (/usr/share/qemu/firmware, package ovmf), the search
 * rules on temporary directories (override, masking, order), every
 * malformed descriptor of tests/data/fwdesc with its exact message, and
 * VARS creation from a template.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "firmware/fwdesc.h"
#include "tests/unit/load_file.h"

#define DEBIAN_DIR	"/usr/share/qemu/firmware"
#define DEBIAN_60	DEBIAN_DIR "/60-edk2-x86_64.json"
#define DEBIAN_50	DEBIAN_DIR "/50-edk2-x86_64-secure.json"
#define DEBIAN_40	DEBIAN_DIR "/40-edk2-x86_64-secure-enrolled.json"

static const char *data_dir(void)
{
	const char *d = getenv("VMM_TEST_DATA");

	return d ? d : "tests/data";
}

/* tests/data/fwdesc/(name), in (buf). */
static const char *data_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/fwdesc/%s", data_dir(), name);
	return buf;
}

static void skip_without_debian(void)
{
	if (access(DEBIAN_60, R_OK) != 0)
		skip();
}

static void assert_strv(const struct fwdesc_strv *s, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++) {
		assert_true(n < s->n);
		assert_string_equal(s->v[n], want[n]);
	}
	assert_int_equal(s->n, n);
}

/* ---- Debian's descriptors -------------------------------------------- */

static void check_debian(const char *path, const char *description,
			 const char *code, const char *vars,
			 const char *const *machines, const char *const *features)
{
	static const char *const uefi[] = { "uefi", NULL };
	static const char *const none[] = { NULL };
	struct fwdesc d;
	char err[512];

	assert_int_equal(fwdesc_load(path, &d, err, sizeof(err)), 0);
	assert_string_equal(d.path, path);
	assert_string_equal(d.description, description);
	assert_strv(&d.interfaces, uefi);
	assert_int_equal(d.device, FWDESC_DEV_FLASH);
	assert_int_equal(d.mode, FWDESC_MODE_SPLIT);
	assert_string_equal(d.executable.filename, code);
	assert_string_equal(d.executable.format, "raw");
	assert_string_equal(d.nvram_template.filename, vars);
	assert_string_equal(d.nvram_template.format, "raw");
	assert_int_equal(d.nr_targets, 1);
	assert_string_equal(d.targets[0].architecture, "x86_64");
	assert_strv(&d.targets[0].machines, machines);
	assert_strv(&d.features, features);
	assert_strv(&d.tags, none);
	assert_int_equal(fwdesc_validate(&d, err, sizeof(err)), 0);
	fwdesc_free(&d);
}

static void test_debian_60(void **state)
{
	static const char *const machines[] = { "pc-i440fx-*", "pc-q35-*", NULL };
	static const char *const features[] = { "acpi-s3", "amd-sev",
						"verbose-dynamic", NULL };

	skip_without_debian();
	check_debian(DEBIAN_60, "UEFI firmware for x86_64, without Secure Boot "
		     "without SMM, with empty varstore",
		     "/usr/share/OVMF/OVMF_CODE_4M.fd",
		     "/usr/share/OVMF/OVMF_VARS_4M.fd", machines, features);
}

static void test_debian_50(void **state)
{
	static const char *const machines[] = { "pc-q35-*", NULL };
	static const char *const features[] = { "acpi-s3", "amd-sev",
		"requires-smm", "secure-boot", "verbose-dynamic", NULL };

	skip_without_debian();
	check_debian(DEBIAN_50, "UEFI firmware for x86_64, with Secure Boot and "
		     "SMM, empty varstore",
		     "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
		     "/usr/share/OVMF/OVMF_VARS_4M.fd", machines, features);
}

static void test_debian_40(void **state)
{
	static const char *const machines[] = { "pc-q35-*", NULL };
	static const char *const features[] = { "acpi-s3", "amd-sev",
		"enrolled-keys", "requires-smm", "secure-boot",
		"verbose-dynamic", NULL };

	skip_without_debian();
	check_debian(DEBIAN_40, "UEFI firmware for x86_64, with Secure Boot and "
		     "SMM, SB enabled, MS certs enrolled",
		     "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
		     "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", machines, features);
}

/* Choose from Debian's directory alone with (features); the result code. */
static int choose_debian(const char *const *features, size_t n,
			 struct fwdesc_choice *ch, char *err, size_t errlen)
{
	struct fwdesc_dirs dirs = { .n = 0 };
	struct fwdesc_query q = { .dirs = &dirs };

	q.want.features = features;
	q.want.nr_features = n;
	assert_int_equal(fwdesc_dirs_add(&dirs, DEBIAN_DIR), 0);
	return fwdesc_choose(&q, ch, err, errlen);
}

static void test_select_debian(void **state)
{
	static const char *const sev[] = { "amd-sev" };
	struct fwdesc_choice ch;
	char err[1024];

	skip_without_debian();
	assert_int_equal(choose_debian(NULL, 0, &ch, err, sizeof(err)), 0);
	assert_string_equal(ch.desc.path, DEBIAN_60);
	assert_string_equal(ch.desc.executable.filename,
			    "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_string_equal(ch.desc.nvram_template.filename,
			    "/usr/share/OVMF/OVMF_VARS_4M.fd");
	assert_int_equal(ch.verdict.machine, FWDESC_MACHINE_I440FX);
	assert_ptr_equal(ch.verdict.target, &ch.desc.targets[0]);
	assert_false(ch.verdict.stateless);
	fwdesc_choice_free(&ch);

	assert_int_equal(choose_debian(sev, 1, &ch, err, sizeof(err)), 0);
	assert_string_equal(ch.desc.path, DEBIAN_60);
	fwdesc_choice_free(&ch);
}

static void test_select_debian_secure_boot(void **state)
{
	static const char *const sb[] = { "secure-boot" };
	struct fwdesc_want want = { .features = sb, .nr_features = 1 };
	struct fwdesc_dirs dirs = { .n = 0 };
	struct fwdesc_choice ch;
	struct fwdesc_scan s;
	char err[2048];

	skip_without_debian();
	assert_int_equal(choose_debian(sb, 1, &ch, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no descriptor offers secure-boot (searched 3 "
		"files: " DEBIAN_40 ": requires-smm: this VMM has no SMM; "
		DEBIAN_50 ": requires-smm: this VMM has no SMM; " DEBIAN_60
		": does not offer secure-boot)");

	fwdesc_dirs_add(&dirs, DEBIAN_DIR);
	assert_int_equal(fwdesc_scan(&dirs, &want, &s), 0);
	assert_int_equal(s.n, 3);
	assert_null(fwdesc_scan_first(&s));
	assert_int_equal(s.c[0].parse_rc, 0);
	assert_int_equal(s.c[0].rc, -ENOTSUP);
	assert_string_equal(s.c[1].reason, "requires-smm: this VMM has no SMM");
	assert_string_equal(s.c[2].reason, "does not offer secure-boot");
	fwdesc_scan_free(&s);
}

/* ---- search rules on temporary directories --------------------------- */

struct tmpdirs {
	char root[64];
	char a[96], b[96];
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A descriptor using Debian's 4M images, with (description). */
static const char *good_text(char *buf, size_t len, const char *description)
{
	snprintf(buf, len, "{\"description\": \"%s\", \"interface-types\": "
		 "[\"uefi\"], \"mapping\": {\"device\": \"flash\", "
		 "\"executable\": {\"filename\": "
		 "\"/usr/share/OVMF/OVMF_CODE_4M.fd\", \"format\": \"raw\"}, "
		 "\"nvram-template\": {\"filename\": "
		 "\"/usr/share/OVMF/OVMF_VARS_4M.fd\", \"format\": \"raw\"}}, "
		 "\"targets\": [{\"architecture\": \"x86_64\", \"machines\": "
		 "[\"pc-i440fx-*\"]}], \"features\": [\"acpi-s3\"], "
		 "\"tags\": []}", description);
	return buf;
}

static void make_dirs(struct tmpdirs *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/test_fwdesc.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->a, sizeof(t->a), "%s/a", t->root);
	snprintf(t->b, sizeof(t->b), "%s/b", t->root);
	assert_int_equal(mkdir(t->a, 0700), 0);
	assert_int_equal(mkdir(t->b, 0700), 0);
}

static void remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void scan_ab(const struct tmpdirs *t, struct fwdesc_scan *s)
{
	struct fwdesc_want want = { .nr_features = 0 };
	struct fwdesc_dirs dirs = { .n = 0 };

	fwdesc_dirs_add(&dirs, t->a);
	fwdesc_dirs_add(&dirs, "/nonexistent/qemu/firmware");	/* skipped */
	fwdesc_dirs_add(&dirs, t->b);
	assert_int_equal(fwdesc_scan(&dirs, &want, s), 0);
}

static void assert_path(const char *got, const char *dir, const char *name)
{
	char want[PATH_MAX];

	snprintf(want, sizeof(want), "%s/%s", dir, name);
	assert_string_equal(got, want);
}

static void test_search_override(void **state)
{
	struct tmpdirs t;
	struct fwdesc_scan s;
	char text[1024];

	skip_without_debian();
	make_dirs(&t);
	write_file(t.a, "50-x.json", good_text(text, sizeof(text), "from a"));
	write_file(t.b, "50-x.json", good_text(text, sizeof(text), "from b"));
	write_file(t.a, "50-x.json.bak", "not taken: not *.json");
	write_file(t.a, ".60-hidden.json", "not taken: hidden");
	scan_ab(&t, &s);
	assert_int_equal(s.n, 1);
	assert_path(s.c[0].desc.path, t.b, "50-x.json");
	assert_string_equal(s.c[0].desc.description, "from b");
	assert_int_equal(s.c[0].rc, 0);
	fwdesc_scan_free(&s);
	remove_dir(t.root);
}

static void test_search_mask(void **state)
{
	struct tmpdirs t;
	struct fwdesc_scan s;
	char text[1024];

	skip_without_debian();
	make_dirs(&t);
	write_file(t.a, "60-x.json", good_text(text, sizeof(text), "masked"));
	write_file(t.a, "70-y.json", good_text(text, sizeof(text), "kept"));
	write_file(t.b, "60-x.json", "");
	scan_ab(&t, &s);
	assert_int_equal(s.n, 1);
	assert_path(s.c[0].desc.path, t.a, "70-y.json");
	fwdesc_scan_free(&s);

	/* A link to /dev/null masks too (the systemd convention). */
	snprintf(text, sizeof(text), "%s/70-y.json", t.b);
	assert_int_equal(symlink("/dev/null", text), 0);
	scan_ab(&t, &s);
	assert_int_equal(s.n, 0);
	fwdesc_scan_free(&s);
	remove_dir(t.root);
}

static void test_search_sorted(void **state)
{
	struct tmpdirs t;
	struct fwdesc_scan s;
	struct fwdesc_choice ch;
	struct fwdesc_dirs dirs = { .n = 0 };
	struct fwdesc_query q = { .dirs = &dirs };
	char text[1024], err[512];

	skip_without_debian();
	make_dirs(&t);
	write_file(t.a, "70-a.json", good_text(text, sizeof(text), "a70"));
	write_file(t.b, "40-b.json", good_text(text, sizeof(text), "b40"));
	write_file(t.a, "10-c.json", good_text(text, sizeof(text), "c10"));
	scan_ab(&t, &s);
	assert_int_equal(s.n, 3);
	assert_path(s.c[0].desc.path, t.a, "10-c.json");
	assert_path(s.c[1].desc.path, t.b, "40-b.json");
	assert_path(s.c[2].desc.path, t.a, "70-a.json");
	fwdesc_scan_free(&s);

	/* The lowest name wins the selection, whatever its directory. */
	fwdesc_dirs_add(&dirs, t.b);
	fwdesc_dirs_add(&dirs, t.a);
	assert_int_equal(fwdesc_choose(&q, &ch, err, sizeof(err)), 0);
	assert_string_equal(ch.desc.description, "c10");
	fwdesc_choice_free(&ch);
	remove_dir(t.root);
}

/* A malformed descriptor earlier in the order is skipped, reason kept. */
static void test_search_skips_malformed(void **state)
{
	struct tmpdirs t;
	struct fwdesc_scan s;
	char text[1024];

	skip_without_debian();
	make_dirs(&t);
	write_file(t.a, "10-bad.json", "{\"description\": 42}");
	write_file(t.a, "20-trunc.json", "{\"description\": ");
	write_file(t.b, "30-good.json", good_text(text, sizeof(text), "good"));
	scan_ab(&t, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.c[0].parse_rc, -EINVAL);
	assert_string_equal(s.c[0].reason, "description: not a string");
	assert_string_equal(s.c[1].reason, "truncated JSON");
	assert_path(s.c[0].desc.path, t.a, "10-bad.json");
	assert_ptr_equal(fwdesc_scan_first(&s), &s.c[2]);
	fwdesc_scan_free(&s);
	remove_dir(t.root);
}

static void test_search_nothing(void **state)
{
	struct fwdesc_dirs dirs = { .n = 0 };
	struct fwdesc_query q = { .dirs = &dirs };
	static const char *const snp[] = { "amd-sev-snp" };
	struct fwdesc_choice ch;
	char err[256];

	fwdesc_dirs_add(&dirs, "/nonexistent/a");
	q.want.features = snp;
	q.want.nr_features = 1;
	assert_int_equal(fwdesc_choose(&q, &ch, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no descriptor offers amd-sev-snp (searched 0 "
			    "files)");
	q.want.nr_features = 0;
	assert_int_equal(fwdesc_choose(&q, &ch, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no usable descriptor (searched 0 files)");
}

static void test_dirs(void **state)
{
	struct fwdesc_dirs d;

	fwdesc_dirs_standard(&d, "/x", "/home/u");
	assert_int_equal(d.n, 3);
	assert_string_equal(d.dir[0], "/usr/share/qemu/firmware");
	assert_string_equal(d.dir[1], "/etc/qemu/firmware");
	assert_string_equal(d.dir[2], "/x/qemu/firmware");
	fwdesc_dirs_standard(&d, "", "/home/u");
	assert_string_equal(d.dir[2], "/home/u/.config/qemu/firmware");
	fwdesc_dirs_standard(&d, "relative", "/home/u");
	assert_string_equal(d.dir[2], "/home/u/.config/qemu/firmware");
	fwdesc_dirs_standard(&d, NULL, NULL);
	assert_int_equal(d.n, 2);
	for (int i = 2; i < FWDESC_MAX_DIRS; i++)
		assert_int_equal(fwdesc_dirs_add(&d, "/d"), 0);
	assert_int_equal(fwdesc_dirs_add(&d, "/d"), -E2BIG);
}

/* ---- malformed and unusable descriptors ------------------------------ */

struct bad_case {
	const char *file;
	int rc;
	const char *msg;	/* after "PATH: " */
};

static const struct bad_case bad_cases[] = {
	{ "bad-json.json", -EINVAL, "not valid JSON at byte 21" },
	{ "comment.json", -EINVAL, "not valid JSON at byte 0" },
	{ "trailing.json", -EINVAL, "not valid JSON at byte 23" },
	{ "truncated.json", -EINVAL, "truncated JSON" },
	{ "deep.json", -EINVAL, "JSON nested too deeply at byte 16" },
	{ "not-object.json", -EINVAL, "not a JSON object" },
	{ "big.json", -EFBIG, "larger than 65536 bytes" },
	{ "empty.json", -EINVAL, "empty file" },
	{ "non-utf8.json", -EINVAL, "not valid UTF-8 at byte 26" },
	{ "nul.json", -EINVAL, "NUL byte at byte 10" },
	{ "nul-escape.json", -EINVAL, "description: contains a NUL character" },
	{ "missing-description.json", -EINVAL, "description: missing" },
	{ "missing-mapping.json", -EINVAL, "mapping: missing" },
	{ "missing-executable.json", -EINVAL, "mapping.executable: missing" },
	{ "missing-filename.json", -EINVAL,
	  "mapping.executable.filename: missing" },
	{ "missing-format.json", -EINVAL,
	  "mapping.nvram-template.format: missing" },
	{ "missing-features.json", -EINVAL, "features: missing" },
	{ "type-description.json", -EINVAL, "description: not a string" },
	{ "type-interface-types.json", -EINVAL,
	  "interface-types: not an array" },
	{ "type-interface-elem.json", -EINVAL,
	  "interface-types[0]: not a string" },
	{ "type-mapping.json", -EINVAL, "mapping: not an object" },
	{ "type-device.json", -EINVAL, "mapping.device: not a string" },
	{ "type-mode.json", -EINVAL, "mapping.mode: not a string" },
	{ "type-executable.json", -EINVAL, "mapping.executable: not an object" },
	{ "type-executable-filename.json", -EINVAL,
	  "mapping.executable.filename: not a string" },
	{ "type-executable-format.json", -EINVAL,
	  "mapping.executable.format: not a string" },
	{ "type-template.json", -EINVAL,
	  "mapping.nvram-template: not an object" },
	{ "type-template-filename.json", -EINVAL,
	  "mapping.nvram-template.filename: not a string" },
	{ "type-targets.json", -EINVAL, "targets: not an array" },
	{ "type-target.json", -EINVAL, "targets[0]: not an object" },
	{ "type-architecture.json", -EINVAL,
	  "targets[0].architecture: not a string" },
	{ "type-machines.json", -EINVAL, "targets[0].machines: not an array" },
	{ "type-machine-elem.json", -EINVAL,
	  "targets[0].machines[1]: not a string" },
	{ "type-features.json", -EINVAL, "features: not an array" },
	{ "type-feature-elem.json", -EINVAL, "features[1]: not a string" },
	{ "type-tags.json", -EINVAL, "tags: not an array" },
	{ "unknown-device.json", -EINVAL,
	  "mapping.device: unknown device 'cdrom'" },
	{ "unknown-mode.json", -EINVAL, "mapping.mode: unknown mode 'dual'" },
	{ "relative-path.json", -EINVAL,
	  "mapping.executable.filename: not an absolute path" },
	{ "empty-filename.json", -EINVAL,
	  "mapping.nvram-template.filename: empty" },
	{ "split-no-template.json", -EINVAL,
	  "mapping.nvram-template: missing (needed in split mode)" },
	{ "template-in-stateless.json", -EINVAL,
	  "mapping.nvram-template: not allowed in stateless mode" },
	/* Well-formed, but not for this VMM (fwdesc_check). */
	{ "memory.json", -ENOTSUP, "mapping.device: memory (only flash is "
	  "usable)" },
	{ "combined.json", -ENOTSUP, "mapping.mode: combined (VARS inside the "
	  "executable) is not supported" },
	{ "qcow2.json", -ENOTSUP,
	  "mapping.executable.format: qcow2 (only raw is usable)" },
	{ "template-qcow2.json", -ENOTSUP,
	  "mapping.nvram-template.format: qcow2 (only raw is usable)" },
	{ "no-uefi.json", -ENOTSUP, "interface-types: no uefi" },
	{ "aarch64.json", -ENOTSUP, "targets: no x86_64 target" },
	{ "microvm.json", -ENOTSUP, "targets: x86_64 machines match neither "
	  "pc-i440fx-* nor pc-q35-*" },
	{ "requires-smm.json", -ENOTSUP, "requires-smm: this VMM has no SMM" },
	{ "stateless.json", -ENOTSUP, "mapping.mode: stateless (no "
	  "nvram-template) but a VARS file is wanted" },
	/* Files it names (fwdesc_validate). */
	{ "missing-executable-file.json", -ENOENT,
	  "mapping.executable.filename: /nonexistent/OVMF_CODE_4M.fd: No such "
	  "file or directory" },
	{ "missing-template-file.json", -ENOENT,
	  "mapping.nvram-template.filename: /nonexistent/OVMF_VARS_4M.fd: No "
	  "such file or directory" },
	{ "executable-dir.json", -EINVAL,
	  "mapping.executable.filename: /usr/share/OVMF: not a regular file" },
	{ "size-mismatch.json", -EINVAL, "nvram-template: "
	  "/usr/share/OVMF/OVMF_VARS.fd does not match executable "
	  "/usr/share/OVMF/OVMF_CODE_4M.fd (CODE 0x37c000 + VARS 0x20000 bytes "
	  "is no OVMF flash layout (1, 2 or 4 MiB in all): variables would not "
	  "persist)" },
};

static void test_bad_descriptors(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 512], err[PATH_MAX + 512];

	skip_without_debian();
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct fwdesc_query q = { .descriptor = data_path(path,
						sizeof(path), c->file) };
		struct fwdesc_choice ch;
		int rc = fwdesc_choose(&q, &ch, err, sizeof(err));

		snprintf(want, sizeof(want), "%s: %s", path, c->msg);
		if (rc != c->rc || strcmp(err, want) != 0)
			fail_msg("%s: rc %d, '%s'; want %d, '%s'", c->file, rc,
				 err, c->rc, want);
		/* Nothing to free after a failure: a second free is harmless. */
		fwdesc_choice_free(&ch);
	}
}

static void test_good_variants(void **state)
{
	char path[PATH_MAX], err[512];
	struct fwdesc_query q = { .descriptor = path };
	struct fwdesc_choice ch;

	skip_without_debian();
	data_path(path, sizeof(path), "q35-only.json");
	assert_int_equal(fwdesc_choose(&q, &ch, err, sizeof(err)), 0);
	assert_int_equal(ch.verdict.machine, FWDESC_MACHINE_Q35);
	fwdesc_choice_free(&ch);

	data_path(path, sizeof(path), "stateless.json");
	q.want.no_vars = true;
	assert_int_equal(fwdesc_choose(&q, &ch, err, sizeof(err)), 0);
	assert_true(ch.verdict.stateless);
	assert_int_equal(ch.desc.mode, FWDESC_MODE_STATELESS);
	assert_null(ch.desc.nvram_template.filename);
	fwdesc_choice_free(&ch);

	data_path(path, sizeof(path), "memory.json");
	assert_int_equal(fwdesc_load(path, &ch.desc, err, sizeof(err)), 0);
	assert_int_equal(ch.desc.device, FWDESC_DEV_MEMORY);
	assert_string_equal(ch.desc.executable.filename,
			    "/usr/share/seabios/bios.bin");
	assert_null(ch.desc.executable.format);
	fwdesc_free(&ch.desc);
}

static void test_load_errors(void **state)
{
	static const char bad[] = "{\"description\": \"x\", "
		"\"interface-types\": [], \"mapping\": {\"device\": "
		"\"flash\", \"executable\": {\"filename\": 1}}}";
	struct fwdesc d;
	char err[512];

	assert_int_equal(fwdesc_load("/nonexistent.json", &d, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent.json: No such file or directory");
	assert_int_equal(fwdesc_load("/tmp", &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "/tmp: not a regular file");
	assert_int_equal(fwdesc_parse("/x/50-bad.json", bad, strlen(bad), &d,
				      err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "/x/50-bad.json: mapping.executable.filename: "
			    "not a string");
	/* The size limit holds for a buffer too, and err may be NULL. */
	assert_int_equal(fwdesc_parse("x", "{}", FWDESC_MAX_SIZE + 1, &d, NULL,
				      0), -EFBIG);
}

/* ---- fwdesc_create_vars ---------------------------------------------- */

/* Names in (dir) other than "." and "..", sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t pos = 0;

	assert_true(n >= 0);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			pos += (size_t)snprintf(out + pos, len - pos, "%s%s",
						pos ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void test_create_vars(void **state)
{
	struct tmpdirs t;
	char tpl[160], vars[160], listing[512], err[512];
	uint8_t *a, *b;
	size_t alen, blen;
	struct stat st;

	make_dirs(&t);
	snprintf(tpl, sizeof(tpl), "%s/template.fd", t.a);
	snprintf(vars, sizeof(vars), "%s/vm_VARS.fd", t.b);
	write_file(t.a, "template.fd", "template bytes \x01\x02\x03");
	assert_int_equal(fwdesc_create_vars(tpl, vars, err, sizeof(err)), 0);
	a = load_file(tpl, &alen);
	b = load_file(vars, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	assert_int_equal(stat(vars, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	list_dir(t.b, listing, sizeof(listing));
	assert_string_equal(listing, "vm_VARS.fd");

	/* An existing VARS file is refused and left alone. */
	write_file(t.b, "vm_VARS.fd", "mine");
	assert_int_equal(fwdesc_create_vars(tpl, vars, err, sizeof(err)),
			 -EEXIST);
	snprintf(listing, sizeof(listing), "vars %s: already exists", vars);
	assert_string_equal(err, listing);
	b = load_file(vars, &blen);
	assert_int_equal(blen, 4);
	assert_memory_equal(b, "mine", 4);
	free(b);
	remove_dir(t.root);
}

static void test_create_vars_errors(void **state)
{
	struct tmpdirs t;
	char tpl[160], vars[160], want[512], err[512], listing[512];
	const char *unwritable;

	make_dirs(&t);
	snprintf(tpl, sizeof(tpl), "%s/missing.fd", t.a);
	snprintf(vars, sizeof(vars), "%s/vm_VARS.fd", t.b);
	assert_int_equal(fwdesc_create_vars(tpl, vars, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "nvram-template %s: No such file or "
		 "directory", tpl);
	assert_string_equal(err, want);
	list_dir(t.b, listing, sizeof(listing));
	assert_string_equal(listing, "");

	assert_int_equal(fwdesc_create_vars(t.a, vars, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "nvram-template %s: not a regular file",
		 t.a);
	assert_string_equal(err, want);

	/* Root writes anywhere it has mode bits for; sysfs refuses it. */
	write_file(t.a, "template.fd", "x");
	snprintf(tpl, sizeof(tpl), "%s/template.fd", t.a);
	if (geteuid() == 0) {
		unwritable = "/sys/fwdesc-test_VARS.fd";
	} else {
		assert_int_equal(chmod(t.b, 0500), 0);
		unwritable = vars;
	}
	assert_int_equal(fwdesc_create_vars(tpl, unwritable, err, sizeof(err)),
			 -EACCES);
	snprintf(want, sizeof(want), "vars %s: creating a temporary file: "
		 "Permission denied", unwritable);
	assert_string_equal(err, want);
	chmod(t.b, 0700);
	list_dir(t.b, listing, sizeof(listing));
	assert_string_equal(listing, "");

	snprintf(vars, sizeof(vars), "%s/nodir/vm_VARS.fd", t.b);
	assert_int_equal(fwdesc_create_vars(tpl, vars, err, sizeof(err)),
			 -ENOENT);
	list_dir(t.b, listing, sizeof(listing));
	assert_string_equal(listing, "");
	remove_dir(t.root);
}

/* A relative VARS path: the temporary and the fsync use the cwd. */
static void test_create_vars_relative(void **state)
{
	struct tmpdirs t;
	char tpl[160], cwd[PATH_MAX], listing[512], err[512];

	make_dirs(&t);
	write_file(t.a, "template.fd", "0123456789");
	snprintf(tpl, sizeof(tpl), "%s/template.fd", t.a);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t.b), 0);
	assert_int_equal(fwdesc_create_vars(tpl, "rel.fd", err, sizeof(err)), 0);
	assert_int_equal(chdir(cwd), 0);
	list_dir(t.b, listing, sizeof(listing));
	assert_string_equal(listing, "rel.fd");
	remove_dir(t.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_60),
		cmocka_unit_test(test_debian_50),
		cmocka_unit_test(test_debian_40),
		cmocka_unit_test(test_select_debian),
		cmocka_unit_test(test_select_debian_secure_boot),
		cmocka_unit_test(test_search_override),
		cmocka_unit_test(test_search_mask),
		cmocka_unit_test(test_search_sorted),
		cmocka_unit_test(test_search_skips_malformed),
		cmocka_unit_test(test_search_nothing),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_bad_descriptors),
		cmocka_unit_test(test_good_variants),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_create_vars),
		cmocka_unit_test(test_create_vars_errors),
		cmocka_unit_test(test_create_vars_relative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
