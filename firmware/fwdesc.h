/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU firmware descriptors: the JSON files that say which firmware images
 * a host has and what they offer (the schema is QEMU's
 * docs/interop/firmware.json; libvirt picks firmware with them).  Parsing
 * (json-c), the search over the descriptor directories, the selection of
 * a descriptor this VMM can boot, the check of the files it names, and the
 * creation of a VARS file from its NVRAM template.
 *
 * Schema summary (our words): an object with "description" (string),
 * "interface-types" (array of strings: "bios", "uefi", ...), "mapping"
 * (object: "device" is "flash", "memory" or "kernel"; for flash, "mode"
 * "split" (default), "combined" or "stateless", "executable" and, in split
 * mode only, "nvram-template", each {"filename", "format"}; for memory and
 * kernel, "filename"), "targets" (array of {"architecture", "machines":
 * array of glob strings}), "features" and "tags" (arrays of strings).
 * Every member is mandatory except "mode" and "nvram-template"; unknown
 * members are ignored, as are unknown feature names.
 *
 * Every error is one line naming the file and the member, e.g.
 * "/x/50-bad.json: mapping.executable.filename: not a string".
 * Nothing here prints; functions return 0 or a negative errno.
 */
#ifndef FIRMWARE_FWDESC_H
#define FIRMWARE_FWDESC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define FWDESC_MAX_SIZE		(64u << 10)	/* larger files are refused */
#define FWDESC_MAX_DIRS		16
#define FWDESC_REASON_LEN	512

enum fwdesc_device { FWDESC_DEV_FLASH, FWDESC_DEV_MEMORY, FWDESC_DEV_KERNEL };
enum fwdesc_mode { FWDESC_MODE_SPLIT, FWDESC_MODE_COMBINED,
		   FWDESC_MODE_STATELESS };

/* Which of our machine names a target's globs match (we are i440FX-like). */
enum fwdesc_machine { FWDESC_MACHINE_NONE, FWDESC_MACHINE_I440FX,
		      FWDESC_MACHINE_Q35 };

struct fwdesc_strv {
	char **v;
	size_t n;
};

struct fwdesc_image {
	char *filename;		/* NULL: absent */
	char *format;		/* NULL for memory and kernel mappings */
};

struct fwdesc_target {
	char *architecture;
	struct fwdesc_strv machines;
};

struct fwdesc {
	char *path;
	char *description;
	struct fwdesc_strv interfaces;
	enum fwdesc_device device;
	enum fwdesc_mode mode;
	struct fwdesc_image executable;	/* memory/kernel: "filename" here */
	struct fwdesc_image nvram_template;
	struct fwdesc_target *targets;
	size_t nr_targets;
	struct fwdesc_strv features;
	struct fwdesc_strv tags;
};

/*
 * Parse the (len) bytes at (buf), the contents of the descriptor (path)
 * (used in messages and kept in d->path), into (d).  Refuses more than
 * FWDESC_MAX_SIZE bytes, NUL bytes, invalid UTF-8, anything but one JSON
 * object, and members of the wrong type or value.  On error (d) holds
 * nothing to free and (err) the reason.  -ENOMEM, -EFBIG or -EINVAL.
 */
int fwdesc_parse(const char *path, const char *buf, size_t len,
		 struct fwdesc *d, char *err, size_t errlen);

/* Read the regular file (path) and fwdesc_parse() it.  Also -errno. */
int fwdesc_load(const char *path, struct fwdesc *d, char *err,
		size_t errlen);

/* Release what fwdesc_parse() allocated; (d) may be zeroed or freed. */
void fwdesc_free(struct fwdesc *d);

/* Whether (d) lists (feature); whether (s) holds (x). */
bool fwdesc_has_feature(const struct fwdesc *d, const char *feature);
bool fwdesc_strv_has(const struct fwdesc_strv *s, const char *x);

/* The schema's spelling: "flash", "memory", "kernel"; "split", ... */
const char *fwdesc_device_name(enum fwdesc_device dev);
const char *fwdesc_mode_name(enum fwdesc_mode mode);

/* ---- search ---------------------------------------------------------- */

/* A directory list, lowest precedence first; dir[] points into (user). */
struct fwdesc_dirs {
	const char *dir[FWDESC_MAX_DIRS];
	size_t n;
	char user[PATH_MAX];
};

/*
 * QEMU's list into (d): /usr/share/qemu/firmware, /etc/qemu/firmware, then
 * (xdg_config_home)/qemu/firmware, or (home)/.config/qemu/firmware when
 * (xdg_config_home) is NULL, empty or relative (XDG Base Directory spec);
 * no per-user directory when neither is usable.
 */
void fwdesc_dirs_standard(struct fwdesc_dirs *d, const char *xdg_config_home,
			  const char *home);

/* fwdesc_dirs_standard() with $XDG_CONFIG_HOME and $HOME. */
void fwdesc_dirs_from_env(struct fwdesc_dirs *d);

/* Append (dir) (not copied: it must outlive (d)).  -E2BIG when full. */
int fwdesc_dirs_add(struct fwdesc_dirs *d, const char *dir);

/*
 * The descriptor files in (dirs), QEMU's way: every "*.json" (not starting
 * with '.'); a name in a later directory replaces the same name in an
 * earlier one, and if that later file is empty the name is dropped
 * (masked); the survivors sorted by name (bytewise).  Directories that
 * cannot be opened are skipped.  (out) gets malloc'ed full paths; free
 * with fwdesc_strv_free().  0 or -ENOMEM.
 */
int fwdesc_search(const struct fwdesc_dirs *dirs, struct fwdesc_strv *out);

void fwdesc_strv_free(struct fwdesc_strv *s);

/* ---- selection ------------------------------------------------------- */

/* What the caller needs. */
struct fwdesc_want {
	const char *const *features;	/* each must be listed */
	size_t nr_features;
	bool no_vars;	/* no VARS file wanted: stateless is acceptable */
};

/* What fwdesc_check() found besides yes or no. */
struct fwdesc_verdict {
	enum fwdesc_machine machine;	/* I440FX preferred; Q35: noted */
	const struct fwdesc_target *target;	/* the x86_64 one used */
	bool stateless;			/* no template to copy */
};

/*
 * Whether this VMM can boot (d) as asked by (want), checked in this order:
 * interface type "uefi"; device "flash"; mode not "combined" (the VARS
 * would live in the CODE file); formats "raw"; an "x86_64" target; no
 * "requires-smm" (this VMM has no SMM); every wanted feature; stateless
 * only with want->no_vars.  Does not look at the files (fwdesc_validate).
 * 0 with (v) filled, or -ENOTSUP with the reason in (why) (not prefixed
 * by the path), e.g. "requires-smm: this VMM has no SMM".
 */
int fwdesc_check(const struct fwdesc *d, const struct fwdesc_want *want,
		 struct fwdesc_verdict *v, char *why, size_t whylen);

/*
 * The files (d) names: executable and (split mode) NVRAM template exist
 * and are regular files, and their sizes make an OVMF flash layout
 * (varstore_check_pair()).  0, or -errno / -EINVAL with "PATH: MEMBER:
 * reason" in (err).
 */
int fwdesc_validate(const struct fwdesc *d, char *err, size_t errlen);

/* One descriptor file of a scan and what became of it. */
struct fwdesc_candidate {
	struct fwdesc desc;	/* parsed when parse_rc == 0 */
	int parse_rc;
	int rc;			/* 0: usable; else skipped */
	char reason[FWDESC_REASON_LEN];	/* why skipped (no path prefix) */
	struct fwdesc_verdict verdict;
};

struct fwdesc_scan {
	struct fwdesc_candidate *c;
	size_t n;
};

/*
 * fwdesc_search() (dirs), then parse, fwdesc_check() (want) and
 * fwdesc_validate() every file, in search order.  A file that fails is
 * kept with its reason.  0 or -ENOMEM; free with fwdesc_scan_free().
 */
int fwdesc_scan(const struct fwdesc_dirs *dirs, const struct fwdesc_want *want,
		struct fwdesc_scan *out);

void fwdesc_scan_free(struct fwdesc_scan *s);

/* The first usable candidate of (s), or NULL. */
const struct fwdesc_candidate *fwdesc_scan_first(const struct fwdesc_scan *s);

/*
 * The one-line "nothing matched" message for (s): "no descriptor offers
 * F[, F...] (searched N files: PATH: reason; ...)", or "no usable
 * descriptor (...)" when no feature was wanted.
 */
void fwdesc_scan_explain(const struct fwdesc_scan *s,
			 const struct fwdesc_want *want, char *err,
			 size_t errlen);

/* ---- the one call for booting --------------------------------------- */

struct fwdesc_query {
	const char *descriptor;		/* explicit file, or NULL: search */
	const struct fwdesc_dirs *dirs;	/* NULL: fwdesc_dirs_from_env() */
	struct fwdesc_want want;
};

struct fwdesc_choice {
	struct fwdesc desc;		/* executable / nvram_template .filename */
	struct fwdesc_verdict verdict;	/* verdict.target points into desc */
};

/*
 * Pick the firmware: with q->descriptor, load, check and validate that
 * file (any failure is the error); otherwise fwdesc_scan() and take the
 * first usable descriptor.  0 with (out) filled (free with
 * fwdesc_choice_free()), -ENOENT when nothing matched (message from
 * fwdesc_scan_explain()), or another -errno; (err) holds one line.
 */
int fwdesc_choose(const struct fwdesc_query *q, struct fwdesc_choice *out,
		  char *err, size_t errlen);

void fwdesc_choice_free(struct fwdesc_choice *c);

/* ---- VARS from the template ----------------------------------------- */

/*
 * Create (vars_path) as a copy of (template_path), as libvirt does for a
 * new VM: only if (vars_path) does not exist; the copy goes to a 0600
 * temporary file in the same directory, is fsync'ed, then renamed into
 * place without replacing a file that appeared meanwhile
 * (renameat2(RENAME_NOREPLACE), or link()+unlink() where the file system
 * lacks it), and the directory is fsync'ed.  On failure nothing is left
 * behind.  0, or -EEXIST / -errno with a one-line reason in (err).
 */
int fwdesc_create_vars(const char *template_path, const char *vars_path,
		       char *err, size_t errlen);

#endif
