// SPDX-License-Identifier: Apache-2.0
/*
 * QEMU firmware descriptors (docs/interop/firmware.json): parsing one
 * file with json-c into struct fwdesc, checking every member's type and
 * value.  The search and selection are in fwdesc_select.c, VARS creation
 * in fwdesc_vars.c.  See fwdesc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "firmware/fwdesc.h"

/* Nesting allowed to the tokenizer: a descriptor needs 4 levels. */
#define FWDESC_JSON_DEPTH	16

/* Where a member's errors go: "(path): (member): reason". */
struct pctx {
	const char *path;
	char *err;
	size_t errlen;
};

static int fail(const struct pctx *c, int rc, const char *member,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(const struct pctx *c, int rc, const char *member,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return rc;
	n = member ? snprintf(c->err, c->errlen, "%s: %s: ", c->path, member)
		   : snprintf(c->err, c->errlen, "%s: ", c->path);
	if (n < 0 || (size_t)n >= c->errlen)
		return rc;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *type_noun(json_type t)
{
	switch (t) {
	case json_type_string: return "a string";
	case json_type_array: return "an array";
	case json_type_object: return "an object";
	default: return "of the right type";
	}
}

/*
 * Member (key) of (obj), which must have type (t); (*out) is NULL when it
 * is absent and (optional).  (member) names it in messages.
 */
static int get_member(const struct pctx *c, json_object *obj, const char *key,
		      const char *member, json_type t, bool optional,
		      json_object **out)
{
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, out))
		return optional ? 0 : fail(c, -EINVAL, member, "missing");
	/* A JSON null is present, as a NULL object of type null. */
	if (!json_object_is_type(*out, t))
		return fail(c, -EINVAL, member, "not %s", type_noun(t));
	return 0;
}

/* A copy of string (s), which must hold no NUL character. */
static int dup_json_string(const struct pctx *c, json_object *s,
			   const char *member, char **out)
{
	const char *v = json_object_get_string(s);
	size_t len = (size_t)json_object_get_string_len(s);

	if (strlen(v) != len)
		return fail(c, -EINVAL, member, "contains a NUL character");
	*out = strdup(v);
	return *out ? 0 : fail(c, -ENOMEM, member, "out of memory");
}

static int get_string(const struct pctx *c, json_object *obj, const char *key,
		      const char *member, bool optional, char **out)
{
	json_object *s;
	int rc = get_member(c, obj, key, member, json_type_string, optional,
			    &s);

	*out = NULL;
	if (rc || !s)
		return rc;
	return dup_json_string(c, s, member, out);
}

/* A file name: a non-empty absolute path (relative ones would follow cwd). */
static int get_filename(const struct pctx *c, json_object *obj,
			const char *member, char **out)
{
	int rc = get_string(c, obj, "filename", member, false, out);

	if (rc)
		return rc;
	if ((*out)[0] != '/') {
		rc = fail(c, -EINVAL, member, "%s", (*out)[0] ?
			  "not an absolute path" : "empty");
		free(*out);
		*out = NULL;
	}
	return rc;
}

void fwdesc_strv_free(struct fwdesc_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Array of strings (key) of (obj) into (out); elements named member[i]. */
static int get_strv(const struct pctx *c, json_object *obj, const char *key,
		    const char *member, struct fwdesc_strv *out)
{
	json_object *a;
	char name[96];
	size_t n;
	int rc = get_member(c, obj, key, member, json_type_array, false, &a);

	if (rc)
		return rc;
	n = json_object_array_length(a);
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	if (!out->v)
		return fail(c, -ENOMEM, member, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);

		snprintf(name, sizeof(name), "%s[%zu]", member, i);
		rc = json_object_is_type(e, json_type_string)
			? dup_json_string(c, e, name, &out->v[i])
			: fail(c, -EINVAL, name, "not a string");
		if (rc) {
			fwdesc_strv_free(out);
			return rc;
		}
		out->n++;
	}
	return 0;
}

/* Index of (s) in the NULL-terminated (names), or -1. */
static int lookup(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static const char *const device_names[] = { "flash", "memory", "kernel", NULL };
static const char *const mode_names[] = { "split", "combined", "stateless",
					  NULL };

/* A value of enum (names) from string member (key); (dflt) when absent. */
static int get_enum(const struct pctx *c, json_object *obj, const char *key,
		    const char *member, const char *const *names, int dflt,
		    const char *what, int *out)
{
	char *s;
	int rc = get_string(c, obj, key, member, dflt >= 0, &s);

	if (rc)
		return rc;
	*out = s ? lookup(names, s) : dflt;
	if (*out < 0)
		rc = fail(c, -EINVAL, member, "unknown %s '%s'", what, s);
	free(s);
	return rc;
}

/* {"filename", "format"} at (key) of the flash mapping. */
static int get_image(const struct pctx *c, json_object *map, const char *key,
		     bool optional, struct fwdesc_image *img)
{
	char member[64], sub[80];
	json_object *o;
	int rc;

	snprintf(member, sizeof(member), "mapping.%s", key);
	rc = get_member(c, map, key, member, json_type_object, optional, &o);
	if (rc || !o)
		return rc;
	snprintf(sub, sizeof(sub), "%s.filename", member);
	rc = get_filename(c, o, sub, &img->filename);
	snprintf(sub, sizeof(sub), "%s.format", member);
	if (!rc)
		rc = get_string(c, o, "format", sub, false, &img->format);
	return rc;
}

/*
 * The flash mapping (FirmwareMappingFlash): "nvram-template" belongs to
 * split mode only, where it is needed (a VARS file must come from it).
 */
static int parse_flash(const struct pctx *c, json_object *map,
		       struct fwdesc *d)
{
	int mode, rc;

	rc = get_enum(c, map, "mode", "mapping.mode", mode_names,
		      FWDESC_MODE_SPLIT, "mode", &mode);
	if (rc)
		return rc;
	d->mode = (enum fwdesc_mode)mode;
	rc = get_image(c, map, "executable", false, &d->executable);
	if (!rc)
		rc = get_image(c, map, "nvram-template", true,
			       &d->nvram_template);
	if (rc)
		return rc;
	if (d->mode == FWDESC_MODE_SPLIT && !d->nvram_template.filename)
		return fail(c, -EINVAL, "mapping.nvram-template",
			    "missing (needed in split mode)");
	if (d->mode != FWDESC_MODE_SPLIT && d->nvram_template.filename)
		return fail(c, -EINVAL, "mapping.nvram-template",
			    "not allowed in %s mode", mode_names[d->mode]);
	return 0;
}

static int parse_mapping(const struct pctx *c, json_object *root,
			 struct fwdesc *d)
{
	json_object *map;
	int dev, rc;

	rc = get_member(c, root, "mapping", "mapping", json_type_object, false,
			&map);
	if (!rc)
		rc = get_enum(c, map, "device", "mapping.device", device_names,
			      -1, "device", &dev);
	if (rc)
		return rc;
	d->device = (enum fwdesc_device)dev;
	if (d->device == FWDESC_DEV_FLASH)
		return parse_flash(c, map, d);
	/* FirmwareMappingMemory / FirmwareMappingKernel: just "filename". */
	return get_filename(c, map, "mapping.filename", &d->executable.filename);
}

static int parse_target(const struct pctx *c, json_object *t, size_t i,
			struct fwdesc_target *out)
{
	char member[48], sub[64];
	int rc;

	snprintf(member, sizeof(member), "targets[%zu]", i);
	if (!json_object_is_type(t, json_type_object))
		return fail(c, -EINVAL, member, "not an object");
	snprintf(sub, sizeof(sub), "%s.architecture", member);
	rc = get_string(c, t, "architecture", sub, false, &out->architecture);
	snprintf(sub, sizeof(sub), "%s.machines", member);
	if (!rc)
		rc = get_strv(c, t, "machines", sub, &out->machines);
	return rc;
}

static int parse_targets(const struct pctx *c, json_object *root,
			 struct fwdesc *d)
{
	json_object *a;
	size_t n;
	int rc = get_member(c, root, "targets", "targets", json_type_array,
			    false, &a);

	if (rc)
		return rc;
	n = json_object_array_length(a);
	d->targets = calloc(n ? n : 1, sizeof(*d->targets));
	if (!d->targets)
		return fail(c, -ENOMEM, "targets", "out of memory");
	for (size_t i = 0; i < n; i++) {
		d->nr_targets++;
		rc = parse_target(c, json_object_array_get_idx(a, i), i,
				  &d->targets[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* The members of the top-level object, in the schema's order. */
static int parse_root(const struct pctx *c, json_object *root,
		      struct fwdesc *d)
{
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return fail(c, -EINVAL, NULL, "not a JSON object");
	rc = get_string(c, root, "description", "description", false,
			&d->description);
	if (!rc)
		rc = get_strv(c, root, "interface-types", "interface-types",
			      &d->interfaces);
	if (!rc)
		rc = parse_mapping(c, root, d);
	if (!rc)
		rc = parse_targets(c, root, d);
	if (!rc)
		rc = get_strv(c, root, "features", "features", &d->features);
	if (!rc)
		rc = get_strv(c, root, "tags", "tags", &d->tags);
	return rc;
}

/* json-c's reason in our words (its own texts change between versions). */
static const char *json_reason(enum json_tokener_error e)
{
	switch (e) {
	case json_tokener_continue:
	case json_tokener_error_parse_eof: return "truncated JSON";
	case json_tokener_error_parse_utf8_string: return "not valid UTF-8";
	case json_tokener_error_depth: return "JSON nested too deeply";
	default: return "not valid JSON";
	}
}

/* One JSON value from all of (buf), strict, UTF-8, nothing after it. */
static int tokenize(const struct pctx *c, const char *buf, size_t len,
		    json_object **out)
{
	json_tokener *tok = json_tokener_new_ex(FWDESC_JSON_DEPTH);
	enum json_tokener_error e;
	size_t end;

	if (!tok)
		return fail(c, -ENOMEM, NULL, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	*out = json_tokener_parse_ex(tok, buf, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!*out)
		return e == json_tokener_continue
			? fail(c, -EINVAL, NULL, "%s", json_reason(e))
			: fail(c, -EINVAL, NULL, "%s at byte %zu",
			       json_reason(e), end);
	/* Strict json-c (0.15+, needed for VALIDATE_UTF8) refuses trailing
	 * data itself; this keeps the promise whatever it consumed. */
	while (end < len && strchr(" \t\r\n", buf[end]))
		end++;
	if (end < len) {
		json_object_put(*out);
		*out = NULL;
		return fail(c, -EINVAL, NULL, "data after the JSON value at "
			    "byte %zu", end);
	}
	return 0;
}

int fwdesc_parse(const char *path, const char *buf, size_t len,
		 struct fwdesc *d, char *err, size_t errlen)
{
	const struct pctx c = { path, err, errlen };
	const char *nul;
	json_object *root;
	int rc;

	memset(d, 0, sizeof(*d));
	if (len > FWDESC_MAX_SIZE)
		return fail(&c, -EFBIG, NULL, "larger than %u bytes",
			    FWDESC_MAX_SIZE);
	if (len == 0)
		return fail(&c, -EINVAL, NULL, "empty file");
	nul = memchr(buf, 0, len);
	if (nul)
		return fail(&c, -EINVAL, NULL, "NUL byte at byte %zu",
			    (size_t)(nul - buf));
	rc = tokenize(&c, buf, len, &root);
	if (rc)
		return rc;
	rc = parse_root(&c, root, d);
	json_object_put(root);
	if (!rc && !(d->path = strdup(path)))
		rc = fail(&c, -ENOMEM, NULL, "out of memory");
	if (rc)
		fwdesc_free(d);
	return rc;
}

/* All of (fd), at most FWDESC_MAX_SIZE + 1 bytes, into (buf). */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		ssize_t n = read(fd, buf + done, cap - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int fwdesc_load(const char *path, struct fwdesc *d, char *err, size_t errlen)
{
	const struct pctx c = { path, err, errlen };
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, rc;

	memset(d, 0, sizeof(*d));
	/* O_NONBLOCK: a FIFO must not hang us before fstat() refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail(&c, -errno, NULL, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(&c, -EINVAL, NULL, "not a regular file");
	}
	buf = malloc(FWDESC_MAX_SIZE + 1);
	if (!buf) {
		close(fd);
		return fail(&c, -ENOMEM, NULL, "out of memory");
	}
	/* One byte over the limit tells "too large" even if st_size lied. */
	n = read_all(fd, buf, FWDESC_MAX_SIZE + 1);
	close(fd);
	rc = n < 0 ? fail(&c, (int)n, NULL, "%s", strerror((int)-n))
		   : fwdesc_parse(path, buf, (size_t)n, d, err, errlen);
	free(buf);
	return rc;
}

void fwdesc_free(struct fwdesc *d)
{
	free(d->path);
	free(d->description);
	fwdesc_strv_free(&d->interfaces);
	free(d->executable.filename);
	free(d->executable.format);
	free(d->nvram_template.filename);
	free(d->nvram_template.format);
	for (size_t i = 0; i < d->nr_targets; i++) {
		free(d->targets[i].architecture);
		fwdesc_strv_free(&d->targets[i].machines);
	}
	free(d->targets);
	fwdesc_strv_free(&d->features);
	fwdesc_strv_free(&d->tags);
	memset(d, 0, sizeof(*d));
}

bool fwdesc_strv_has(const struct fwdesc_strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

bool fwdesc_has_feature(const struct fwdesc *d, const char *feature)
{
	return fwdesc_strv_has(&d->features, feature);
}

const char *fwdesc_device_name(enum fwdesc_device dev)
{
	return device_names[dev];
}

const char *fwdesc_mode_name(enum fwdesc_mode mode)
{
	return mode_names[mode];
}
