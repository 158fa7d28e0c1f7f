// SPDX-License-Identifier: Apache-2.0
/*
 * The QEMU firmware-descriptor parser (firmware/fwdesc.c) on arbitrary
 * bytes, then the selection checks on whatever parsed.  Besides
 * ASan/UBSan, checks what the parser promises: a parsed descriptor has
 * every mandatory member, absolute file names, a template exactly in
 * split mode, and a check verdict that points into its targets.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/fwdesc.h"

#define FUZZ_PATH	"/fuzz/50-input.json"

static void check_strv(const struct fwdesc_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i])
			abort();
}

static void check_parsed(const struct fwdesc *d)
{
	if (strcmp(d->path, FUZZ_PATH) != 0 || !d->description ||
	    d->device > FWDESC_DEV_KERNEL || d->mode > FWDESC_MODE_STATELESS ||
	    !d->executable.filename || d->executable.filename[0] != '/')
		abort();
	if (d->device == FWDESC_DEV_FLASH &&
	    (!d->executable.format ||
	     (d->mode == FWDESC_MODE_SPLIT) != !!d->nvram_template.filename))
		abort();
	if (d->nvram_template.filename &&
	    (d->nvram_template.filename[0] != '/' || !d->nvram_template.format))
		abort();
	check_strv(&d->interfaces);
	check_strv(&d->features);
	check_strv(&d->tags);
	for (size_t i = 0; i < d->nr_targets; i++) {
		if (!d->targets[i].architecture)
			abort();
		check_strv(&d->targets[i].machines);
	}
}

/* fwdesc_check() with (want); a verdict must point into (d). */
static int check_with(struct fwdesc_candidate *c, const struct fwdesc_want *w)
{
	const struct fwdesc *d = &c->desc;
	int rc = fwdesc_check(d, w, &c->verdict, c->reason, sizeof(c->reason));

	if (rc == 0 && (!c->verdict.target || c->verdict.target < d->targets ||
			c->verdict.target >= d->targets + d->nr_targets ||
			c->verdict.machine == FWDESC_MACHINE_NONE))
		abort();
	if (rc != 0 && (rc != -ENOTSUP || !c->reason[0]))
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const features[] = { "amd-sev", "secure-boot" };
	struct fwdesc_want w = { .features = features, .nr_features = 2 };
	struct fwdesc_candidate cand = { .parse_rc = 0 };
	struct fwdesc_scan scan = { .c = &cand, .n = 1 };
	char err[96];

	cand.parse_rc = fwdesc_parse(FUZZ_PATH, (const char *)data, size,
				     &cand.desc, err, sizeof(err));
	if (cand.parse_rc) {
		/* Every error names the file; nothing is left allocated. */
		if (strncmp(err, FUZZ_PATH ": ", sizeof(FUZZ_PATH) + 1) != 0 ||
		    cand.desc.path || cand.desc.targets)
			abort();
		return 0;
	}
	check_parsed(&cand.desc);
	cand.rc = check_with(&cand, &w);
	w.nr_features = 0;
	w.no_vars = true;
	check_with(&cand, &w);
	/* The "nothing matched" line, cut short by a small buffer. */
	fwdesc_scan_explain(&scan, &w, err, sizeof(err));
	if (strlen(err) >= sizeof(err))
		abort();
	fwdesc_free(&cand.desc);
	return 0;
}
