// SPDX-License-Identifier: Apache-2.0
/*
 * "vmm firmware list|select": argv handling and printing around
 * firmware/fwdesc.h (QEMU firmware descriptors).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "firmware/fwdesc.h"
#include "vmm/cli_firmware.h"

enum { EXIT_OK = 0, EXIT_NOMATCH = 1, EXIT_USAGE = 2 };

static const char firmware_usage[] =
"Usage: vmm firmware list [--feature F]... [--no-vars] [--firmware-dir DIR]...\n"
"       vmm firmware select [--feature F]... [--no-vars] [--descriptor FILE]\n"
"                           [--firmware-dir DIR]... [--json]\n"
"\n"
"Reads QEMU firmware descriptors (JSON, QEMU docs/interop/firmware.json) from\n"
"/usr/share/qemu/firmware, /etc/qemu/firmware and $XDG_CONFIG_HOME/qemu/firmware\n"
"(default ~/.config/qemu/firmware); a later directory overrides a file of the\n"
"same name, an empty file there hides it; files are taken in name order.\n"
"\n"
"  list                 every descriptor, usable or why it is skipped\n"
"  select               the first usable one: its executable (CODE), NVRAM\n"
"                       template (VARS), features and machines\n"
"  --feature F          it must offer F (amd-sev, amd-sev-es, secure-boot,\n"
"                       enrolled-keys, acpi-s3, verbose-dynamic, ...); repeatable\n"
"  --no-vars            no VARS file wanted: stateless firmware will do\n"
"  --descriptor FILE    this descriptor only (select); any problem is an error\n"
"  --firmware-dir DIR   search DIR instead of the standard directories;\n"
"                       repeatable, later ones take precedence\n"
"  --json               select: print a JSON object\n"
"\n"
"Usable means: interface uefi, flash mapping in split (or, with --no-vars,\n"
"stateless) mode, raw images, an x86_64 target (pc-i440fx-* preferred,\n"
"pc-q35-* accepted), no requires-smm (this VMM has no SMM), and files that\n"
"exist with a CODE + VARS size of 1, 2 or 4 MiB.\n";

struct fw_opts {
	const char **features;
	size_t nr_features;
	const char *descriptor;
	struct fwdesc_dirs dirs;
	bool dirs_given;
	bool json;
	bool no_vars;
};

static int fw_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * (s) with control characters as '?': descriptors are files anyone may
 * have written, and their strings reach the terminal.
 */
static void put_clean(const char *s, FILE *f)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static int fw_fail(int status, const char *fmt, ...)
{
	char line[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fputs("vmm firmware: ", stderr);
	put_clean(line, stderr);
	fputc('\n', stderr);
	return status;
}

/* printf() to stdout through put_clean(). */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	char line[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	put_clean(line, stdout);
	putchar('\n');
}

enum { OPT_FEATURE = 256, OPT_DESCRIPTOR, OPT_DIR, OPT_JSON, OPT_NO_VARS,
       OPT_HELP };

static const struct option fw_options[] = {
	{ "feature", required_argument, NULL, OPT_FEATURE },
	{ "descriptor", required_argument, NULL, OPT_DESCRIPTOR },
	{ "firmware-dir", required_argument, NULL, OPT_DIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-vars", no_argument, NULL, OPT_NO_VARS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* One option into (o).  0, or an exit status. */
static int take_option(struct fw_opts *o, int c, bool select, char **argv)
{
	switch (c) {
	case OPT_FEATURE:
		if (!optarg[0])
			return fw_fail(EXIT_USAGE, "--feature: empty name");
		o->features[o->nr_features++] = optarg;
		return 0;
	case OPT_DESCRIPTOR:
	case OPT_JSON:
		if (!select)
			return fw_fail(EXIT_USAGE, "--%s: only for select",
				       c == OPT_JSON ? "json" : "descriptor");
		if (c == OPT_JSON)
			o->json = true;
		else
			o->descriptor = optarg;
		return 0;
	case OPT_DIR:
		o->dirs_given = true;
		if (fwdesc_dirs_add(&o->dirs, optarg))
			return fw_fail(EXIT_USAGE, "at most %d --firmware-dir",
				       FWDESC_MAX_DIRS);
		return 0;
	case OPT_NO_VARS:
		o->no_vars = true;
		return 0;
	default:
		return fw_fail(EXIT_USAGE, "unknown or incomplete option '%s' "
			       "(try --help)", argv[optind - 1]);
	}
}

/*
 * Options of "list" or "select" ((argv)[0]).  0, -1 after --help, or an
 * exit status.  (o->features) must be freed.
 */
static int parse_options(int argc, char **argv, struct fw_opts *o)
{
	bool select = strcmp(argv[0], "select") == 0;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->features = calloc((size_t)argc, sizeof(*o->features));
	if (!o->features)
		return fw_fail(EXIT_USAGE, "out of memory");
	/* getopt keeps global state; main() may have used it already. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", fw_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(firmware_usage, stdout);
			return -1;
		}
		rc = take_option(o, c, select, argv);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return fw_fail(EXIT_USAGE, "unexpected argument '%s'",
			       argv[optind]);
	if (!o->dirs_given)
		fwdesc_dirs_from_env(&o->dirs);
	return 0;
}

static struct fwdesc_want want_of(const struct fw_opts *o)
{
	struct fwdesc_want w = {
		.features = o->features,
		.nr_features = o->nr_features,
		.no_vars = o->no_vars,
	};

	return w;
}

static const char *machine_name(enum fwdesc_machine m)
{
	return m == FWDESC_MACHINE_I440FX ? "pc-i440fx" : "pc-q35";
}

static int do_list(const struct fw_opts *o)
{
	struct fwdesc_want w = want_of(o);
	struct fwdesc_scan s;

	if (fwdesc_scan(&o->dirs, &w, &s))
		return fw_fail(EXIT_NOMATCH, "out of memory");
	if (!s.n) {
		fwdesc_scan_free(&s);
		return fw_fail(EXIT_NOMATCH, "no descriptor files in the "
			       "%zu directories searched", o->dirs.n);
	}
	for (size_t i = 0; i < s.n; i++) {
		const struct fwdesc_candidate *c = &s.c[i];

		if (c->rc)
			out("%s: skipped: %s", c->desc.path, c->reason);
		else
			out("%s: %s%s", c->desc.path, c->desc.description,
			    c->verdict.machine == FWDESC_MACHINE_Q35 ?
			    " (lists pc-q35 machines only)" : "");
	}
	fwdesc_scan_free(&s);
	return EXIT_OK;
}

static void print_words(const char *key, const struct fwdesc_strv *s)
{
	fputs(key, stdout);
	for (size_t i = 0; i < s->n; i++) {
		putchar(' ');
		put_clean(s->v[i], stdout);
	}
	putchar('\n');
}

static void print_text(const struct fwdesc_choice *ch)
{
	const struct fwdesc *d = &ch->desc;

	out("descriptor %s", d->path);
	out("executable %s", d->executable.filename);
	out("nvram-template %s", d->nvram_template.filename ?
	    d->nvram_template.filename : "none (stateless)");
	print_words("features", &d->features);
	print_words("machines", &ch->verdict.target->machines);
	out("machine %s", machine_name(ch->verdict.machine));
}

static json_object *json_strv(const struct fwdesc_strv *s)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < s->n; i++)
		json_object_array_add(a, json_object_new_string(s->v[i]));
	return a;
}

static int print_json(const struct fwdesc_choice *ch)
{
	const struct fwdesc *d = &ch->desc;
	json_object *o = json_object_new_object();
	const char *tmpl = d->nvram_template.filename;

	if (!o)
		return fw_fail(EXIT_NOMATCH, "out of memory");
	json_object_object_add(o, "descriptor", json_object_new_string(d->path));
	json_object_object_add(o, "description",
			       json_object_new_string(d->description));
	json_object_object_add(o, "executable",
			       json_object_new_string(d->executable.filename));
	json_object_object_add(o, "nvram-template",
			       tmpl ? json_object_new_string(tmpl) : NULL);
	json_object_object_add(o, "mode",
			       json_object_new_string(fwdesc_mode_name(d->mode)));
	json_object_object_add(o, "features", json_strv(&d->features));
	json_object_object_add(o, "machines",
			       json_strv(&ch->verdict.target->machines));
	json_object_object_add(o, "machine", json_object_new_string(
				       machine_name(ch->verdict.machine)));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return EXIT_OK;
}

static int do_select(const struct fw_opts *o)
{
	struct fwdesc_query q = {
		.descriptor = o->descriptor,
		.dirs = &o->dirs,
		.want = want_of(o),
	};
	struct fwdesc_choice ch;
	char err[8192];
	int rc = fwdesc_choose(&q, &ch, err, sizeof(err));

	if (rc)
		return fw_fail(o->descriptor ? EXIT_USAGE : EXIT_NOMATCH, "%s",
			       err);
	if (o->json)
		rc = print_json(&ch);
	else
		print_text(&ch);
	fwdesc_choice_free(&ch);
	return rc;
}

int cli_firmware_main(int argc, char **argv)
{
	struct fw_opts o;
	int rc;

	if (argc < 2)
		return fw_fail(EXIT_USAGE, "missing subcommand: list or select "
			       "(try --help)");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(firmware_usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "select") != 0)
		return fw_fail(EXIT_USAGE, "unknown subcommand '%s' (try "
			       "--help)", argv[1]);
	rc = parse_options(argc - 1, argv + 1, &o);
	if (!rc)
		rc = strcmp(argv[1], "list") == 0 ? do_list(&o) : do_select(&o);
	free(o.features);
	return rc < 0 ? EXIT_OK : rc;
}
