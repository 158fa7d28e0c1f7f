// SPDX-License-Identifier: Apache-2.0
/*
 * QEMU firmware descriptors: the search over the descriptor directories
 * (the rules of QEMU's docs/interop/firmware.json), the choice of one this
 * VMM can boot, and the check of the files it names.  See fwdesc.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "firmware/fileio.h"
#include "firmware/fwdesc.h"
#include "firmware/varstore.h"

/* ---- search ------------------------------------------------------------ */

void fwdesc_dirs_standard(struct fwdesc_dirs *d, const char *xdg_config_home,
			  const char *home)
{
	int n = -1;

	memset(d, 0, sizeof(*d));
	d->dir[d->n++] = "/usr/share/qemu/firmware";
	d->dir[d->n++] = "/etc/qemu/firmware";
	/* XDG Base Directory spec: a relative $XDG_CONFIG_HOME is invalid. */
	if (xdg_config_home && xdg_config_home[0] == '/')
		n = snprintf(d->user, sizeof(d->user), "%s/qemu/firmware",
			     xdg_config_home);
	else if (home && home[0] == '/')
		n = snprintf(d->user, sizeof(d->user),
			     "%s/.config/qemu/firmware", home);
	if (n > 0 && (size_t)n < sizeof(d->user))
		d->dir[d->n++] = d->user;
}

void fwdesc_dirs_from_env(struct fwdesc_dirs *d)
{
	fwdesc_dirs_standard(d, getenv("XDG_CONFIG_HOME"), getenv("HOME"));
}

int fwdesc_dirs_add(struct fwdesc_dirs *d, const char *dir)
{
	if (d->n >= FWDESC_MAX_DIRS)
		return -E2BIG;
	d->dir[d->n++] = dir;
	return 0;
}

/* A name the search takes: "*.json", not hidden. */
static bool is_descriptor_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".json") == 0;
}

/* One name seen during the search and the directory that wins it. */
struct found {
	char *name;
	size_t dir;
};

struct found_set {
	struct found *v;
	size_t n, cap;
};

/* Record (name) from directory (dir): a later directory replaces. */
static int found_add(struct found_set *s, const char *name, size_t dir)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0) {
			s->v[i].dir = dir;
			return 0;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct found *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].name = strdup(name);
	if (!s->v[s->n].name)
		return -ENOMEM;
	s->v[s->n++].dir = dir;
	return 0;
}

static int found_dir(struct found_set *s, const char *path, size_t idx)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	int rc = 0;

	if (!dir)
		return 0;	/* missing or unreadable: nothing from it */
	while (!rc && (de = readdir(dir)))
		if (is_descriptor_name(de->d_name))
			rc = found_add(s, de->d_name, idx);
	closedir(dir);
	return rc;
}

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
		      ((const struct found *)b)->name);
}

/*
 * Whether a file hides its name: empty (QEMU's firmware.json), or, in
 * the systemd manner, a link to /dev/null (char device 1:3).
 */
static bool is_mask(const struct stat *st)
{
	return (S_ISREG(st->st_mode) && st->st_size == 0) ||
	       (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3));
}

/* The surviving names of (s) as full paths; masks drop theirs. */
static int found_paths(const struct found_set *s, const struct fwdesc_dirs *d,
		       struct fwdesc_strv *out)
{
	out->v = calloc(s->n ? s->n : 1, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		struct stat st;
		char *p;

		if (asprintf(&p, "%s/%s", d->dir[s->v[i].dir], s->v[i].name) < 0)
			return -ENOMEM;
		if (stat(p, &st) == 0 && is_mask(&st)) {
			free(p);
			continue;
		}
		out->v[out->n++] = p;
	}
	return 0;
}

int fwdesc_search(const struct fwdesc_dirs *dirs, struct fwdesc_strv *out)
{
	struct found_set s = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !rc && i < dirs->n; i++)
		rc = found_dir(&s, dirs->dir[i], i);
	if (!rc) {
		if (s.n)
			qsort(s.v, s.n, sizeof(*s.v), found_cmp);
		rc = found_paths(&s, dirs, out);
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].name);
	free(s.v);
	if (rc)
		fwdesc_strv_free(out);
	return rc;
}

/* ---- selection --------------------------------------------------------- */

static int why_not(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_not(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -ENOTSUP;
}

/*
 * Our machine against a target's globs.  We model an i440FX "pc"; QEMU's
 * versioned names are pc-i440fx-X.Y and pc-q35-X.Y (aliases "pc", "q35"),
 * so each glob is tried on such a name.
 */
static enum fwdesc_machine match_machines(const struct fwdesc_strv *globs)
{
	static const char *const i440fx[] = { "pc-i440fx-7.2", "pc", NULL };
	static const char *const q35[] = { "pc-q35-7.2", "q35", NULL };
	enum fwdesc_machine best = FWDESC_MACHINE_NONE;

	for (size_t i = 0; i < globs->n; i++)
		for (int k = 0; i440fx[k]; k++) {
			if (fnmatch(globs->v[i], i440fx[k], 0) == 0)
				return FWDESC_MACHINE_I440FX;
			if (fnmatch(globs->v[i], q35[k], 0) == 0)
				best = FWDESC_MACHINE_Q35;
		}
	return best;
}

/* The x86_64 target with the best machine match into (v). */
static int check_target(const struct fwdesc *d, struct fwdesc_verdict *v,
			char *why, size_t whylen)
{
	bool any = false;

	for (size_t i = 0; i < d->nr_targets; i++) {
		const struct fwdesc_target *t = &d->targets[i];
		enum fwdesc_machine m;

		if (strcmp(t->architecture, "x86_64") != 0)
			continue;
		any = true;
		m = match_machines(&t->machines);
		/* FWDESC_MACHINE_I440FX < FWDESC_MACHINE_Q35: ours first. */
		if (m != FWDESC_MACHINE_NONE && (!v->target || m < v->machine)) {
			v->target = t;
			v->machine = m;
		}
	}
	if (!any)
		return why_not(why, whylen, "targets: no x86_64 target");
	if (!v->target)
		return why_not(why, whylen, "targets: x86_64 machines match "
			       "neither pc-i440fx-* nor pc-q35-*");
	return 0;
}

/* What the flash mapping needs to be for us. */
static int check_mapping(const struct fwdesc *d, char *why, size_t whylen)
{
	if (d->device != FWDESC_DEV_FLASH)
		return why_not(why, whylen, "mapping.device: %s (only flash "
			       "is usable)", fwdesc_device_name(d->device));
	if (d->mode == FWDESC_MODE_COMBINED)
		return why_not(why, whylen, "mapping.mode: combined (VARS "
			       "inside the executable) is not supported");
	if (strcmp(d->executable.format, "raw") != 0)
		return why_not(why, whylen, "mapping.executable.format: %s "
			       "(only raw is usable)", d->executable.format);
	if (d->nvram_template.format &&
	    strcmp(d->nvram_template.format, "raw") != 0)
		return why_not(why, whylen, "mapping.nvram-template.format: "
			       "%s (only raw is usable)",
			       d->nvram_template.format);
	return 0;
}

static int check_features(const struct fwdesc *d,
			  const struct fwdesc_want *want, char *why,
			  size_t whylen)
{
	if (fwdesc_has_feature(d, "requires-smm"))
		return why_not(why, whylen, "requires-smm: this VMM has no "
			       "SMM");
	for (size_t i = 0; i < want->nr_features; i++)
		if (!fwdesc_has_feature(d, want->features[i]))
			return why_not(why, whylen, "does not offer %s",
				       want->features[i]);
	return 0;
}

int fwdesc_check(const struct fwdesc *d, const struct fwdesc_want *want,
		 struct fwdesc_verdict *v, char *why, size_t whylen)
{
	int rc;

	memset(v, 0, sizeof(*v));
	if (!fwdesc_strv_has(&d->interfaces, "uefi"))
		return why_not(why, whylen, "interface-types: no uefi");
	rc = check_mapping(d, why, whylen);
	if (!rc)
		rc = check_target(d, v, why, whylen);
	if (!rc)
		rc = check_features(d, want, why, whylen);
	if (rc)
		return rc;
	v->stateless = d->mode == FWDESC_MODE_STATELESS;
	if (v->stateless && !want->no_vars)
		return why_not(why, whylen, "mapping.mode: stateless (no "
			       "nvram-template) but a VARS file is wanted");
	return 0;
}

/* (file), named by (member) of descriptor (d), is a regular file. */
static int stat_image(const struct fwdesc *d, const char *member,
		      const char *file, struct stat *st, char *err,
		      size_t errlen)
{
	if (stat(file, st) < 0)
		return fileio_error(err, errlen, -errno, "%s: %s: %s: %s", d->path,
			    member, file, strerror(errno));
	if (!S_ISREG(st->st_mode))
		return fileio_error(err, errlen, -EINVAL, "%s: %s: %s: not a regular "
			    "file", d->path, member, file);
	return 0;
}

int fwdesc_validate(const struct fwdesc *d, char *err, size_t errlen)
{
	struct stat code, vars;
	char why[200];
	int rc;

	rc = stat_image(d, "mapping.executable.filename",
			d->executable.filename, &code, err, errlen);
	if (rc || !d->nvram_template.filename)
		return rc;
	rc = stat_image(d, "mapping.nvram-template.filename",
			d->nvram_template.filename, &vars, err, errlen);
	if (rc)
		return rc;
	/* OVMF's VARS + CODE make one flash device of 1, 2 or 4 MiB. */
	if (varstore_check_pair((uint64_t)code.st_size, (uint64_t)vars.st_size,
				why, sizeof(why)))
		return fileio_error(err, errlen, -EINVAL, "%s: nvram-template: %s does "
			    "not match executable %s (%s)", d->path,
			    d->nvram_template.filename, d->executable.filename,
			    why);
	return 0;
}

/* (msg) without its leading "(path): ". */
static void set_reason(char *reason, const char *msg, const char *path)
{
	size_t n = strlen(path);

	if (strncmp(msg, path, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		msg += n + 2;
	n = strnlen(msg, FWDESC_REASON_LEN - 1);	/* long ones are cut */
	memcpy(reason, msg, n);
	reason[n] = 0;
}

static void scan_one(const char *path, const struct fwdesc_want *want,
		     struct fwdesc_candidate *cand)
{
	char msg[FWDESC_REASON_LEN + PATH_MAX];

	cand->parse_rc = fwdesc_load(path, &cand->desc, msg, sizeof(msg));
	cand->rc = cand->parse_rc;
	if (!cand->rc) {
		cand->rc = fwdesc_check(&cand->desc, want, &cand->verdict,
					cand->reason, sizeof(cand->reason));
		if (cand->rc)
			return;
		cand->rc = fwdesc_validate(&cand->desc, msg, sizeof(msg));
	}
	if (cand->rc)
		set_reason(cand->reason, msg, path);
}

int fwdesc_scan(const struct fwdesc_dirs *dirs, const struct fwdesc_want *want,
		struct fwdesc_scan *out)
{
	struct fwdesc_strv paths;
	int rc = fwdesc_search(dirs, &paths);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	out->c = calloc(paths.n ? paths.n : 1, sizeof(*out->c));
	if (!out->c) {
		fwdesc_strv_free(&paths);
		return -ENOMEM;
	}
	out->n = paths.n;
	for (size_t i = 0; i < paths.n; i++) {
		scan_one(paths.v[i], want, &out->c[i]);
		/* A candidate that did not parse still needs its path. */
		if (!out->c[i].desc.path) {
			out->c[i].desc.path = paths.v[i];
			paths.v[i] = NULL;
		}
	}
	fwdesc_strv_free(&paths);
	return 0;
}

void fwdesc_scan_free(struct fwdesc_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		fwdesc_free(&s->c[i].desc);
	free(s->c);
	s->c = NULL;
	s->n = 0;
}

const struct fwdesc_candidate *fwdesc_scan_first(const struct fwdesc_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->c[i].rc == 0)
			return &s->c[i];
	return NULL;
}

/* snprintf() at (*pos) of (buf), never past (len). */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

void fwdesc_scan_explain(const struct fwdesc_scan *s,
			 const struct fwdesc_want *want, char *err,
			 size_t errlen)
{
	size_t pos = 0;

	if (!err || !errlen)
		return;
	err[0] = 0;
	if (!want->nr_features)
		append(err, errlen, &pos, "no usable descriptor");
	for (size_t i = 0; i < want->nr_features; i++)
		append(err, errlen, &pos, "%s%s", i ? ", " : "no descriptor "
		       "offers ", want->features[i]);
	append(err, errlen, &pos, " (searched %zu file%s%s", s->n,
	       s->n == 1 ? "" : "s", s->n ? ": " : "");
	for (size_t i = 0; i < s->n; i++)
		append(err, errlen, &pos, "%s%s: %s", i ? "; " : "",
		       s->c[i].desc.path, s->c[i].reason);
	append(err, errlen, &pos, ")");
}

/* ---- the one call for booting ------------------------------------------ */

static int choose_file(const struct fwdesc_query *q, struct fwdesc_choice *out,
		       char *err, size_t errlen)
{
	char why[FWDESC_REASON_LEN];
	int rc = fwdesc_load(q->descriptor, &out->desc, err, errlen);

	if (rc)
		return rc;
	rc = fwdesc_check(&out->desc, &q->want, &out->verdict, why,
			  sizeof(why));
	if (rc)
		fileio_error(err, errlen, rc, "%s: %s", q->descriptor, why);
	else
		rc = fwdesc_validate(&out->desc, err, errlen);
	if (rc)
		fwdesc_choice_free(out);
	return rc;
}

static int choose_search(const struct fwdesc_query *q,
			 struct fwdesc_choice *out, char *err, size_t errlen)
{
	struct fwdesc_dirs env;
	struct fwdesc_scan s;
	struct fwdesc_candidate *first;
	int rc;

	if (!q->dirs)
		fwdesc_dirs_from_env(&env);
	rc = fwdesc_scan(q->dirs ? q->dirs : &env, &q->want, &s);
	if (rc) {
		snprintf(err, errlen, "searching firmware descriptors: %s",
			 strerror(-rc));
		return rc;
	}
	first = (struct fwdesc_candidate *)fwdesc_scan_first(&s);
	if (first) {
		/* Move: verdict.target points into desc.targets, moved too. */
		out->desc = first->desc;
		out->verdict = first->verdict;
		memset(&first->desc, 0, sizeof(first->desc));
	} else {
		fwdesc_scan_explain(&s, &q->want, err, errlen);
		rc = -ENOENT;
	}
	fwdesc_scan_free(&s);
	return rc;
}

int fwdesc_choose(const struct fwdesc_query *q, struct fwdesc_choice *out,
		  char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	return q->descriptor ? choose_file(q, out, err, errlen)
			     : choose_search(q, out, err, errlen);
}

void fwdesc_choice_free(struct fwdesc_choice *c)
{
	fwdesc_free(&c->desc);
	memset(&c->verdict, 0, sizeof(c->verdict));
}
