// SPDX-License-Identifier: Apache-2.0
/*
 * "vmm vars list|get|set|delete": argv handling, file I/O and printing
 * around firmware/varstore.h (reading) and firmware/varedit.h (editing);
 * "vmm vars-dump" is in cli_vars_dump.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/varedit.h"
#include "firmware/varstore.h"
#include "vmm/cli_vars.h"
#include "vmm/cli_util.h"
#include "vmm/cli_vars_file.h"

#define EXIT_OK		VARS_EXIT_OK
#define EXIT_HOST	VARS_EXIT_HOST
#define EXIT_USAGE	VARS_EXIT_USAGE
/* "vmm vars get/delete" of a variable the file does not have. */
#define EXIT_NO_VARIABLE	1


/* ---- vmm vars list|get|set|delete ---- */

enum output { OUT_AUTO, OUT_HEX, OUT_STRING, OUT_RAW, OUT_JSON };
enum source { SRC_NONE, SRC_HEX, SRC_STRING, SRC_FILE, SRC_BOOL };

/* Options, one bit each, to check which a verb accepts. */
enum {
	OPT_GUID = 1 << 0, OPT_JSON = 1 << 1, OPT_HEX = 1 << 2,
	OPT_STRING = 1 << 3, OPT_RAW = 1 << 4, OPT_ATTRS = 1 << 5,
	OPT_DATA_HEX = 1 << 6, OPT_DATA_STRING = 1 << 7,
	OPT_DATA_FILE = 1 << 8, OPT_BOOL = 1 << 9,
};

#define OPTS_OUTPUT	(OPT_JSON | OPT_HEX | OPT_STRING | OPT_RAW)
#define OPTS_DATA	(OPT_DATA_HEX | OPT_DATA_STRING | OPT_DATA_FILE | \
			 OPT_BOOL)

struct vars_cmd {
	const char *verb;
	char who[16];		/* "vars get": the error prefix */
	const char *file;
	const char *name_arg;
	uint8_t name[VAREDIT_NAME_BUF];
	uint32_t name_size;
	uint8_t guid[16];
	char guid_text[37];
	uint32_t attrs;
	unsigned seen;		/* OPT_* given */
	enum output out;
	enum source src;
	const char *src_arg;
};

/* Option names in OPT_* bit order, for messages. */
static const char *const opt_names[] = {
	"guid", "json", "hex", "string", "raw", "attrs", "data-hex",
	"data-string", "data-file", "bool",
};

static const struct verb {
	const char *name;
	unsigned opts;		/* OPT_* it accepts */
	int args;		/* positional arguments after the verb */
	const char *usage;
} verbs[] = {
	{ "list", OPT_JSON, 1, "vmm vars list FILE [--json]" },
	{ "get", OPT_GUID | OPTS_OUTPUT, 2, "vmm vars get FILE NAME "
	  "[--guid GUID] [--hex | --string | --raw | --json]" },
	{ "set", OPT_GUID | OPT_ATTRS | OPTS_DATA, 2, "vmm vars set FILE NAME "
	  "[--guid GUID] [--attrs LIST] (--data-hex HEX | --data-string STR "
	  "| --data-file PATH | --bool true|false)" },
	{ "delete", OPT_GUID, 2, "vmm vars delete FILE NAME [--guid GUID]" },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage:\n");
	for (size_t i = 0; i < N_VERBS; i++)
		fprintf(f, "  %s\n", verbs[i].usage);
	fprintf(f, "  vmm vars-dump [--all] FILE\n");
}

static int set_guid(struct vars_cmd *c, const char *text)
{
	if (varstore_guid_parse(text, c->guid) < 0 &&
	    varstore_vendor_lookup(text, c->guid) < 0)
		return cli_fail(EXIT_USAGE, c->who, "--guid %s: neither a GUID "
			    "(8-4-4-4-12 hex) nor a known vendor name", text);
	return 0;
}

static int set_source(struct vars_cmd *c, enum source src, const char *arg)
{
	if (c->src != SRC_NONE)
		return cli_fail(EXIT_USAGE, c->who, "give one of --data-hex, "
			    "--data-string, --data-file, --bool");
	c->src = src;
	c->src_arg = arg;
	return 0;
}

/* One option (opt, arg); returns 0 or an exit status. */
static int take_option(struct vars_cmd *c, int opt, const char *arg)
{
	static const unsigned bit[] = {
		['g'] = OPT_GUID, ['j'] = OPT_JSON, ['x'] = OPT_HEX,
		['s'] = OPT_STRING, ['r'] = OPT_RAW, ['a'] = OPT_ATTRS,
		['H'] = OPT_DATA_HEX, ['S'] = OPT_DATA_STRING,
		['F'] = OPT_DATA_FILE, ['B'] = OPT_BOOL,
	};
	char why[128];

	if (bit[opt] & OPTS_OUTPUT && c->seen & OPTS_OUTPUT)
		return cli_fail(EXIT_USAGE, c->who, "give only one of --hex, "
			    "--string, --raw, --json");
	if (bit[opt] & (OPT_GUID | OPT_ATTRS) && c->seen & bit[opt])
		return cli_fail(EXIT_USAGE, c->who, "--%s given twice",
			    opt == 'g' ? "guid" : "attrs");
	c->seen |= bit[opt];
	switch (opt) {
	case 'g': return set_guid(c, arg);
	case 'j': c->out = OUT_JSON; return 0;
	case 'x': c->out = OUT_HEX; return 0;
	case 's': c->out = OUT_STRING; return 0;
	case 'r': c->out = OUT_RAW; return 0;
	case 'H': return set_source(c, SRC_HEX, arg);
	case 'S': return set_source(c, SRC_STRING, arg);
	case 'F': return set_source(c, SRC_FILE, arg);
	case 'B': return set_source(c, SRC_BOOL, arg);
	default:
		break;
	}
	if (varedit_attrs_parse(arg, &c->attrs, why, sizeof(why)) < 0)
		return cli_fail(EXIT_USAGE, c->who, "--attrs %s: %s", arg, why);
	return 0;
}

static int parse_options(struct vars_cmd *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "guid", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "hex", no_argument, NULL, 'x' },
		{ "string", no_argument, NULL, 's' },
		{ "raw", no_argument, NULL, 'r' },
		{ "attrs", required_argument, NULL, 'a' },
		{ "data-hex", required_argument, NULL, 'H' },
		{ "data-string", required_argument, NULL, 'S' },
		{ "data-file", required_argument, NULL, 'F' },
		{ "bool", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return cli_fail(EXIT_USAGE, c->who, "%s option '%s' (try "
				    "vmm vars --help)", opt == ':' ?
				    "missing argument to" : "unknown",
				    argv[optind - 1]);
		rc = take_option(c, opt, optarg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Check the options and arguments (args) against verb (v). */
static int check_args(struct vars_cmd *c, const struct verb *v, int nargs,
		      char **args)
{
	unsigned bad = c->seen & ~v->opts;
	int rc;

	if (bad)
		return cli_fail(EXIT_USAGE, c->who, "--%s is not an option of "
			    "'vmm vars %s'", opt_names[__builtin_ctz(bad)],
			    v->name);
	if (nargs != v->args)
		return cli_fail(EXIT_USAGE, c->who, "usage: %s", v->usage);
	if (v->opts & OPTS_DATA && c->src == SRC_NONE)
		return cli_fail(EXIT_USAGE, c->who, "no data: give --data-hex, "
			    "--data-string, --data-file or --bool");
	c->file = args[0];
	if (nargs < 2)
		return 0;
	c->name_arg = args[1];
	rc = varedit_name_from_utf8(args[1], c->name, &c->name_size);
	if (rc == -ENAMETOOLONG)
		return cli_fail(EXIT_USAGE, c->who, "name longer than %u "
			    "characters", VAREDIT_NAME_MAX);
	if (rc < 0)
		return cli_fail(EXIT_USAGE, c->who, "NAME is empty or not UTF-8 "
			    "text");
	return 0;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; name && i < N_VERBS; i++)
		if (strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	return NULL;
}

/* Load the file for (c); 0 or an exit status (message printed). */
static int open_file(const struct vars_cmd *c, struct vars_file *f,
		     bool write)
{
	char why[160];
	int rc = vars_file_open(f, c->file, write);

	if (rc == -EBUSY)
		return cli_fail(EXIT_USAGE, c->who, "%s is in use by a running VM",
			    c->file);
	if (rc < 0)
		return cli_fail(EXIT_USAGE, c->who, "%s: %s", c->file,
			    vars_file_error(rc));
	if (varstore_iter_init(&(struct varstore_iter){ 0 }, f->img, f->len,
			       why, sizeof(why)) < 0) {
		vars_file_close(f);
		return cli_fail(EXIT_USAGE, c->who, "%s: not an OVMF VARS image: "
			    "%s", c->file, why);
	}
	return 0;
}

/* ---- output ---- */

/* A name the way NAME arguments take it: \uXXXX for space, '\', non-ASCII. */
static void print_list_name(const uint8_t *name, uint32_t size)
{
	for (uint32_t i = 0; i < size / 2; i++) {
		uint16_t u = vars_unit_at(name, i);

		if (u == 0)
			break;
		if (u > 0x20 && u < 0x7F && u != '\\')
			putchar(u);
		else
			printf("\\u%04x", u);
	}
}

static char *hex_string(const uint8_t *p, uint32_t n)
{
	char *s = malloc(2 * (size_t)n + 1);

	for (uint32_t i = 0; s && i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	if (s)
		s[2 * (size_t)n] = '\0';
	return s;
}

static json_object *json_attrs(uint32_t attrs)
{
	json_object *a = json_object_new_array();
	char list[64], *save = NULL;

	varedit_attrs_format(attrs, list, sizeof(list));
	for (char *w = strtok_r(list, ",", &save); a && w && strcmp(w, "-");
	     w = strtok_r(NULL, ",", &save))
		json_object_array_add(a, json_object_new_string(w));
	return a;
}

/* One variable as a JSON object (NULL when out of memory). */
static json_object *json_var(const struct varstore_var *v)
{
	json_object *o = json_object_new_object();
	size_t cap = 3 * (size_t)v->name_size / 2 + 1;
	char *name = malloc(cap), *hex = hex_string(v->data, v->data_size);
	char guid[37];
	const char *vendor = varstore_vendor_name(v->guid);

	if (!o || !name || !hex ||
	    varedit_utf16_to_utf8(v->name, v->name_size, name, cap, false) < 0) {
		json_object_put(o);
		o = NULL;
		goto out;
	}
	varstore_guid_str(v->guid, guid);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "guid", json_object_new_string(guid));
	if (vendor)
		json_object_object_add(o, "vendor",
				       json_object_new_string(vendor));
	json_object_object_add(o, "attributes",
			       json_object_new_int64(v->attributes));
	json_object_object_add(o, "attribute_names",
			       json_attrs(v->attributes));
	json_object_object_add(o, "size", json_object_new_int64(v->data_size));
	json_object_object_add(o, "data", json_object_new_string(hex));
out:
	free(name);
	free(hex);
	return o;
}

static int print_json(const struct vars_cmd *c, json_object *j)
{
	if (!j)
		return cli_fail(EXIT_HOST, c->who, "out of memory");
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return EXIT_OK;
}

/* Flush stdout: a full disk or a closed pipe is an error, not success. */
static int finish_output(const struct vars_cmd *c, int status)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail(EXIT_HOST, c->who, "writing the output: %s",
			    strerror(errno));
	return status;
}

static int list_vars(const struct vars_cmd *c, const struct vars_file *f)
{
	struct varstore_iter it;
	struct varstore_var v;
	json_object *arr = c->out == OUT_JSON ? json_object_new_array() : NULL;
	char attrs[64], guid[37];
	const char *vendor;
	int rc;

	varstore_iter_init(&it, f->img, f->len, NULL, 0);
	while ((rc = varstore_iter_next(&it, &v)) == 1) {
		if (c->out == OUT_JSON) {
			json_object_array_add(arr, json_var(&v));
			continue;
		}
		varstore_guid_str(v.guid, guid);
		vendor = varstore_vendor_name(v.guid);
		varedit_attrs_format(v.attributes, attrs, sizeof(attrs));
		print_list_name(v.name, v.name_size);
		printf(" %s %s %u\n", vendor ? vendor : guid, attrs,
		       v.data_size);
	}
	if (c->out == OUT_JSON)
		print_json(c, arr);
	if (rc < 0)
		return cli_fail(EXIT_USAGE, c->who, "%s: malformed entry after the"
			    " last one listed", c->file);
	return EXIT_OK;
}

static int print_value(const struct vars_cmd *c, const struct varstore_var *v)
{
	size_t cap = 3 * (size_t)v->data_size / 2 + 1;
	enum output out = c->out;
	char *text;

	if (out == OUT_AUTO)
		out = vars_printable_utf16(v->data, v->data_size) ? OUT_STRING :
							       OUT_HEX;
	if (out == OUT_JSON)
		return print_json(c, json_var(v));
	if (out == OUT_RAW) {
		fwrite(v->data, 1, v->data_size, stdout);
		return EXIT_OK;
	}
	text = out == OUT_HEX ? hex_string(v->data, v->data_size) :
				malloc(cap);
	if (!text)
		return cli_fail(EXIT_HOST, c->who, "out of memory");
	if (out == OUT_STRING && varedit_utf16_to_utf8(v->data, v->data_size,
						       text, cap, true) < 0) {
		free(text);
		return cli_fail(EXIT_USAGE, c->who, "%s (%s): the data is not "
			    "UTF-16 text (try --hex)", c->name_arg,
			    c->guid_text);
	}
	puts(text);
	free(text);
	return EXIT_OK;
}

static int get_var(const struct vars_cmd *c, const struct vars_file *f)
{
	struct varstore_var v;
	char why[160];
	int rc = varstore_find(f->img, f->len, c->name, c->name_size, c->guid,
			       &v, why, sizeof(why));

	if (rc < 0)
		return cli_fail(EXIT_USAGE, c->who, "%s: %s", c->file, why);
	if (rc == 0)
		return cli_fail(EXIT_NO_VARIABLE, c->who, "%s (%s): no such "
			    "variable", c->name_arg, c->guid_text);
	return print_value(c, &v);
}

/* ---- set and delete ---- */

/* The value (c) gives, malloc'd into (*data, *len).  0 or exit status. */
static int load_data(const struct vars_cmd *c, uint8_t **data, size_t *len)
{
	size_t cap = strlen(c->src_arg) * 2 + 2;
	int rc;

	*data = NULL;
	if (c->src == SRC_FILE) {
		rc = vars_read_file(c->src_arg, data, len);
		return rc < 0 ? cli_fail(EXIT_USAGE, c->who, "--data-file %s: %s",
				     c->src_arg, vars_file_error(rc)) : 0;
	}
	*data = malloc(cap);
	if (!*data)
		return cli_fail(EXIT_HOST, c->who, "out of memory");
	if (c->src == SRC_BOOL) {
		rc = strcmp(c->src_arg, "true") == 0 ? 1 :
		     strcmp(c->src_arg, "false") == 0 ? 0 : -EINVAL;
		(*data)[0] = (uint8_t)rc;
		*len = 1;
	} else if (c->src == SRC_HEX) {
		rc = varedit_hex_parse(c->src_arg, *data, cap, len);
	} else {
		rc = varedit_utf8_to_utf16(c->src_arg, *data, cap, len);
	}
	if (rc >= 0)
		return 0;
	free(*data);
	*data = NULL;
	return cli_fail(EXIT_USAGE, c->who, "%s '%s': %s", c->src == SRC_BOOL ?
		    "--bool" : c->src == SRC_HEX ? "--data-hex" :
		    "--data-string", c->src_arg, c->src == SRC_BOOL ?
		    "want true or false" : c->src == SRC_HEX ?
		    "want pairs of hex digits" : "not UTF-8 text");
}

/*
 * The attributes to write: --attrs, else those of the copy being
 * replaced (an update keeps them, as UEFI SetVariable() requires), else
 * nv,bs,rt.
 */
static uint32_t attrs_to_write(const struct vars_cmd *c,
			       const struct vars_file *f)
{
	struct varstore_var v;

	if (c->seen & OPT_ATTRS)
		return c->attrs;
	if (varstore_find(f->img, f->len, c->name, c->name_size, c->guid, &v,
			  NULL, 0) == 1)
		return v.attributes;
	return VARSTORE_ATTR_NON_VOLATILE | VARSTORE_ATTR_BOOTSERVICE_ACCESS |
	       VARSTORE_ATTR_RUNTIME_ACCESS;
}

static int edit_status(const struct vars_cmd *c, int rc, const char *why)
{
	if (rc == -ENOENT)
		return cli_fail(EXIT_NO_VARIABLE, c->who, "%s (%s): no such "
			    "variable", c->name_arg, c->guid_text);
	return cli_fail(EXIT_USAGE, c->who, "%s (%s): %s", c->name_arg,
		    c->guid_text, why);
}

static int set_var(const struct vars_cmd *c, struct vars_file *f)
{
	struct varedit_req req = { .name = c->name,
				   .name_size = c->name_size };
	uint8_t *data;
	size_t len;
	char why[160];
	int rc = load_data(c, &data, &len);

	if (rc)
		return rc;
	if (len > UINT32_MAX) {
		free(data);
		return cli_fail(EXIT_USAGE, c->who, "value too large");
	}
	memcpy(req.guid, c->guid, 16);
	req.attributes = attrs_to_write(c, f);
	req.data = data;
	req.data_size = (uint32_t)len;
	rc = varedit_set(f->img, f->len, &req, why, sizeof(why));
	free(data);
	return rc < 0 ? edit_status(c, rc, why) : EXIT_OK;
}

static int delete_var(const struct vars_cmd *c, struct vars_file *f)
{
	char why[160];
	int rc = varedit_delete(f->img, f->len, c->name, c->name_size,
				c->guid, why, sizeof(why));

	return rc < 0 ? edit_status(c, rc, why) : EXIT_OK;
}

static int run_verb(const struct vars_cmd *c)
{
	struct vars_file f;
	bool write = c->verb[0] == 's' || c->verb[0] == 'd';
	int status = open_file(c, &f, write), rc;

	if (status)
		return status;
	if (strcmp(c->verb, "list") == 0)
		status = list_vars(c, &f);
	else if (strcmp(c->verb, "get") == 0)
		status = get_var(c, &f);
	else if (strcmp(c->verb, "set") == 0)
		status = set_var(c, &f);
	else
		status = delete_var(c, &f);
	if (write && status == EXIT_OK) {
		rc = vars_file_save(&f);
		if (rc < 0)
			status = cli_fail(EXIT_HOST, c->who, "%s: writing: %s",
				      c->file, strerror(-rc));
	}
	vars_file_close(&f);
	return write ? status : finish_output(c, status);
}

static int vars_main(int argc, char **argv)
{
	struct vars_cmd c = { .out = OUT_AUTO };
	const struct verb *v = argc > 1 ? find_verb(argv[1]) : NULL;
	int rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			 strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!v)
		return cli_fail(EXIT_USAGE, "vars", "%s '%s' (want list, get, set "
			    "or delete)", argc > 1 ? "unknown verb" : "no verb",
			    argc > 1 ? argv[1] : "");
	c.verb = v->name;
	snprintf(c.who, sizeof(c.who), "vars %s", v->name);
	varstore_vendor_lookup("global", c.guid);
	rc = parse_options(&c, argc - 1, argv + 1);
	if (rc == 0)
		rc = check_args(&c, v, argc - 1 - optind, argv + 1 + optind);
	if (rc)
		return rc;
	varstore_guid_str(c.guid, c.guid_text);
	return run_verb(&c);
}

int cli_vars_main(int argc, char **argv)
{
	if (strcmp(argv[0], "vars-dump") == 0)
		return vars_dump_main(argc, argv);
	return vars_main(argc, argv);
}
