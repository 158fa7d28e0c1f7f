/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline reader of OVMF variable-store files.  See varstore.h for the
 * layouts.  The image is hostile input: every read is preceded by a bounds
 * check written so that no sum can overflow.
 */
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

#include "firmware/varstore.h"

/* EFI_FIRMWARE_VOLUME_HEADER field offsets (PI spec vol. 3, 3.2.1). */
#define FV_GUID_OFF		0x10
#define FV_LENGTH_OFF		0x20
#define FV_SIGNATURE_OFF	0x28
#define FV_HEADER_LEN_OFF	0x30
#define FV_REVISION_OFF		0x37
#define FV_BLOCK_MAP_OFF	0x38
/* Fixed part plus one block-map entry and the terminator. */
#define FV_MIN_HEADER		(FV_BLOCK_MAP_OFF + 16)
/* OVMF's header is 0x48; anything past a block is not a VARS header. */
#define FV_MAX_HEADER		VARSTORE_FV_BLOCK_SIZE
#define FV_SIGNATURE		0x4856465F	/* "_FVH" little-endian */
#define FV_REVISION		2		/* EFI_FVH_REVISION */

/* VARIABLE_STORE_HEADER (VariableFormat.h). */
#define VS_HEADER_SIZE		28
#define VS_SIZE_OFF		16
#define VS_FORMAT_OFF		20
#define VS_STATE_OFF		21
#define VS_FORMATTED		0x5A
#define VS_HEALTHY		0xFE

/* Variable headers: StartId, and where NameSize sits in each form. */
#define VAR_START_ID		VARSTORE_START_ID
#define VAR_AUTH_HEADER_SIZE	VARSTORE_AUTH_HEADER_SIZE
#define VAR_AUTH_NAME_SIZE_OFF	VARSTORE_AUTH_NAME_SIZE_OFF
#define VAR_PLAIN_HEADER_SIZE	VARSTORE_PLAIN_HEADER_SIZE
#define VAR_PLAIN_NAME_SIZE_OFF	VARSTORE_PLAIN_NAME_SIZE_OFF
#define VAR_HEADER_ALIGN	VARSTORE_HEADER_ALIGN

/* gEfiSystemNvDataFvGuid FFF12B8D-7696-4C8B-A985-2747075B4F50, as stored. */
static const uint8_t nv_data_fv_guid[16] = {
	0x8D, 0x2B, 0xF1, 0xFF, 0x96, 0x76, 0x8B, 0x4C,
	0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50,
};
/* gEfiAuthenticatedVariableGuid AAF32C78-947B-439A-A180-2E144EC37792. */
static const uint8_t auth_var_guid[16] = {
	0x78, 0x2C, 0xF3, 0xAA, 0x7B, 0x94, 0x9A, 0x43,
	0xA1, 0x80, 0x2E, 0x14, 0x4E, 0xC3, 0x77, 0x92,
};
/* gEfiVariableGuid DDCF3616-3275-4164-98B6-FE85707FFE7D. */
static const uint8_t plain_var_guid[16] = {
	0x16, 0x36, 0xCF, 0xDD, 0x75, 0x32, 0x64, 0x41,
	0x98, 0xB6, 0xFE, 0x85, 0x70, 0x7F, 0xFE, 0x7D,
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

__attribute__((format(printf, 3, 4)))
static int reject(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The 16-bit words of the header sum to zero (PI spec: Checksum). */
static bool header_sums_to_zero(const uint8_t *img, uint32_t len)
{
	uint16_t sum = 0;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum = (uint16_t)(sum + le16(img + i));
	return sum == 0;
}

static int check_block_map(const uint8_t *img, uint64_t size, char *why,
			   size_t whylen)
{
	const uint8_t *map = img + FV_BLOCK_MAP_OFF;
	uint32_t blocks = le32(map), len = le32(map + 4);

	if (len != VARSTORE_FV_BLOCK_SIZE)
		return reject(why, whylen, "block size 0x%x, expected 0x%x",
			      len, VARSTORE_FV_BLOCK_SIZE);
	if ((uint64_t)blocks * VARSTORE_FV_BLOCK_SIZE != size)
		return reject(why, whylen,
			      "block map covers %u blocks, file has %llu bytes",
			      blocks, (unsigned long long)size);
	if (le64(map + 8) != 0)
		return reject(why, whylen, "block map not terminated");
	return 0;
}

int varstore_check_fv(const uint8_t *img, uint64_t size, char *why,
		      size_t whylen)
{
	uint32_t hlen;

	if (!img || size < FV_MIN_HEADER)
		return reject(why, whylen, "%llu bytes: too small for an FV",
			      (unsigned long long)size);
	if (!all_zero(img, FV_GUID_OFF))
		return reject(why, whylen, "zero vector is not zero");
	if (memcmp(img + FV_GUID_OFF, nv_data_fv_guid, 16) != 0)
		return reject(why, whylen, "not an NV data FV (GUID)");
	if (le32(img + FV_SIGNATURE_OFF) != FV_SIGNATURE)
		return reject(why, whylen, "no _FVH signature at 0x28");
	if (le64(img + FV_LENGTH_OFF) != size)
		return reject(why, whylen, "FvLength 0x%llx != file size 0x%llx",
			      (unsigned long long)le64(img + FV_LENGTH_OFF),
			      (unsigned long long)size);
	hlen = le16(img + FV_HEADER_LEN_OFF);
	if (hlen < FV_MIN_HEADER || hlen > FV_MAX_HEADER || hlen % 2 ||
	    hlen > size)
		return reject(why, whylen, "HeaderLength 0x%x out of range",
			      hlen);
	if (img[FV_REVISION_OFF] != FV_REVISION)
		return reject(why, whylen, "FV revision %u, expected %u",
			      img[FV_REVISION_OFF], FV_REVISION);
	if (!header_sums_to_zero(img, hlen))
		return reject(why, whylen, "FV header checksum is wrong");
	return check_block_map(img, size, why, whylen);
}

int varstore_iter_init(struct varstore_iter *it, const uint8_t *img,
		       uint64_t size, char *why, size_t whylen)
{
	uint64_t vs, vs_size;
	int rc = varstore_check_fv(img, size, why, whylen);

	if (rc < 0)
		return rc;
	/* edk2's variable driver puts the store at FV + HeaderLength. */
	vs = le16(img + FV_HEADER_LEN_OFF);
	if (size - vs < VS_HEADER_SIZE)
		return reject(why, whylen, "no room for the variable store");
	memset(it, 0, sizeof(*it));
	if (memcmp(img + vs, auth_var_guid, 16) == 0)
		it->authenticated = true;
	else if (memcmp(img + vs, plain_var_guid, 16) != 0)
		return reject(why, whylen, "unknown variable store signature");
	if (img[vs + VS_FORMAT_OFF] != VS_FORMATTED ||
	    img[vs + VS_STATE_OFF] != VS_HEALTHY)
		return reject(why, whylen, "variable store not formatted/healthy"
			      " (0x%02x/0x%02x)", img[vs + VS_FORMAT_OFF],
			      img[vs + VS_STATE_OFF]);
	vs_size = le32(img + vs + VS_SIZE_OFF);
	if (vs_size < VS_HEADER_SIZE || vs_size > size - vs)
		return reject(why, whylen, "variable store size 0x%llx out of "
			      "range", (unsigned long long)vs_size);
	it->img = img;
	it->end = vs + vs_size;
	/* vs + 28 + 3 cannot overflow: vs + 28 <= size is a real buffer. */
	it->start = (vs + VS_HEADER_SIZE + VAR_HEADER_ALIGN - 1) &
		    ~(uint64_t)(VAR_HEADER_ALIGN - 1);
	it->next = it->start;
	it->header_size = it->authenticated ? VAR_AUTH_HEADER_SIZE :
					      VAR_PLAIN_HEADER_SIZE;
	return 0;
}

/*
 * Parse the entry at (off) into (var) and the offset of the one after it
 * into (*next).  1 = entry, 0 = no entry here (end), -EINVAL = malformed.
 */
static int parse_entry(const struct varstore_iter *it, uint64_t off,
		       struct varstore_var *var, uint64_t *next)
{
	const uint8_t *p, *sizes;
	uint64_t name_off, data_off, data_end;

	if (off > it->end || it->end - off < it->header_size)
		return 0;
	p = it->img + off;
	if (le16(p) != VAR_START_ID)
		return 0;
	sizes = p + (it->authenticated ? VAR_AUTH_NAME_SIZE_OFF :
					 VAR_PLAIN_NAME_SIZE_OFF);
	var->offset = off;
	var->state = p[2];
	var->attributes = le32(p + 4);
	var->name_size = le32(sizes);
	var->data_size = le32(sizes + 4);
	memcpy(var->guid, sizes + 8, 16);
	name_off = off + it->header_size;
	if (var->name_size > it->end - name_off)
		return -EINVAL;
	data_off = name_off + var->name_size;
	if (var->data_size > it->end - data_off)
		return -EINVAL;
	data_end = data_off + var->data_size;
	var->name = it->img + name_off;
	var->data = it->img + data_off;
	*next = (data_end + VAR_HEADER_ALIGN - 1) &
		~(uint64_t)(VAR_HEADER_ALIGN - 1);
	return 1;
}

static bool same_variable(const struct varstore_var *a,
			  const struct varstore_var *b)
{
	return a->name_size == b->name_size &&
	       memcmp(a->guid, b->guid, 16) == 0 &&
	       memcmp(a->name, b->name, a->name_size) == 0;
}

/*
 * A variable caught in an interrupted update (IN_DELETED_TRANSITION) still
 * counts unless a VAR_ADDED copy follows it, as edk2 decides in
 * VariableServiceGetNextVariableInternal().
 */
static bool superseded(const struct varstore_iter *it,
		       const struct varstore_var *var, uint64_t from)
{
	struct varstore_var other;
	uint64_t off = from, next;

	while (parse_entry(it, off, &other, &next) == 1) {
		if (other.state == VARSTORE_VAR_ADDED &&
		    same_variable(var, &other))
			return true;
		off = next;
	}
	return false;
}

static bool is_live(const struct varstore_iter *it,
		    const struct varstore_var *var, uint64_t next)
{
	if (var->state == VARSTORE_VAR_ADDED)
		return true;
	if (var->state != (VARSTORE_VAR_ADDED &
			   VARSTORE_VAR_IN_DELETED_TRANSITION))
		return false;
	return !superseded(it, var, next);
}

int varstore_iter_next(struct varstore_iter *it, struct varstore_var *var)
{
	uint64_t next;
	int rc;

	for (;;) {
		rc = parse_entry(it, it->next, var, &next);
		if (rc <= 0) {
			it->next = it->end;
			return rc;
		}
		it->next = next;
		var->live = is_live(it, var, next);
		if (it->all || var->live)
			return 1;
	}
}

int varstore_check_pair(uint64_t code_size, uint64_t vars_size, char *why,
			size_t whylen)
{
	static const uint64_t fd_sizes[] = { 1 << 20, 2 << 20, 4 << 20 };

	for (unsigned i = 0; i < sizeof(fd_sizes) / sizeof(fd_sizes[0]); i++)
		if (code_size < fd_sizes[i] &&
		    vars_size == fd_sizes[i] - code_size)
			return 0;
	return reject(why, whylen, "CODE 0x%llx + VARS 0x%llx bytes is no "
		      "OVMF flash layout (1, 2 or 4 MiB in all): variables "
		      "would not persist", (unsigned long long)code_size,
		      (unsigned long long)vars_size);
}

void varstore_guid_str(const uint8_t g[16], char out[37])
{
	snprintf(out, 37,
		 "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 le32(g), le16(g + 4), le16(g + 6), g[8], g[9], g[10], g[11],
		 g[12], g[13], g[14], g[15]);
}

int varstore_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int varstore_guid_parse(const char *s, uint8_t guid[16])
{
	/* Byte i of the text form, in text order, lands at out[order[i]]. */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
					   8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t out[16];
	unsigned byte = 0;

	if (!s || strlen(s) != 36)
		return -EINVAL;
	for (unsigned i = 0; i < 36;) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		hi = varstore_hex_digit(s[i]);
		lo = varstore_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[order[byte++]] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(guid, out, 16);
	return 0;
}

/*
 * Vendor GUIDs a VARS file holds (edk2 MdePkg/MdeModulePkg/SecurityPkg/
 * OvmfPkg .dec files, shim's SHIM_LOCK_GUID).  The first name is ours, the
 * second what virt-fw-vars prints, for lookups only.
 */
static const struct vendor {
	const char *name, *alias, *guid;
} vendors[] = {
	{ "global", "EfiGlobalVariable",
	  "8be4df61-93ca-11d2-aa0d-00e098032b8c" },
	{ "security-db", "EfiImageSecurityDatabase",
	  "d719b2cb-3d3a-4596-a3bc-dad00e67656f" },
	{ "shim", "Shim", "605dab50-e046-4300-abb6-3dd810dd8b23" },
	{ "mok", NULL, "605dab50-e046-4300-abb6-3dd810dd8b23" },
	{ "shell", "ShellVariable", "158def5a-f656-419c-b027-7a3192c079d2" },
	{ "secure-boot-enable", "EfiSecureBootEnableDisable",
	  "f0a30bc7-af08-4556-99c4-001009c93a44" },
	{ "custom-mode", "EfiCustomModeEnable",
	  "c076ec0c-7028-4399-a072-71ee5c448b9f" },
	{ "vendor-keys", "EfiVendorKeysNv",
	  "9073e4e0-60ec-4b6e-9903-4c223c260f3c" },
	{ "cert-db", "EfiCertDb", "d9bee56e-75dc-49d9-b4d7-b534210f637a" },
	{ "mtc", "MtcVendor", "eb704011-1402-11d3-8e77-00a0c969723b" },
	{ "memory-type-info", "EfiMemoryTypeInformation",
	  "4c19049f-4137-4dd3-9c10-8b97a83ffdfa" },
	{ "var-error-flag", "EdkiiVarErrorFlag",
	  "04b37fe8-f6ae-480b-bdd5-37d98c5e89aa" },
	{ "iscsi-config", "IScsiConfig",
	  "4b47d616-a8d6-4552-9d44-ccad2e0f4cf9" },
	{ "iscsi-initiator", "EfiIScsiInitiatorNameProtocol",
	  "59324945-ec44-4c0d-b1cd-9db139df070c" },
	{ "tls-ca", "EfiTlsCaCertificate",
	  "fd2340d0-3dab-4349-a6c7-3b4f12b48eae" },
	{ "microsoft", "MicrosoftVendor",
	  "77fa9abd-0359-4d32-bd60-28f4e78f784b" },
	{ "ovmf-enroll", "OvmfEnrollDefaultKeys",
	  "a0baa8a3-041d-48a8-bc87-c36d121b5e3d" },
};

#define N_VENDORS (sizeof(vendors) / sizeof(vendors[0]))

const char *varstore_vendor_name(const uint8_t guid[16])
{
	char text[37];

	varstore_guid_str(guid, text);
	for (size_t i = 0; i < N_VENDORS; i++)
		if (strcmp(vendors[i].guid, text) == 0)
			return vendors[i].name;
	return NULL;
}

int varstore_vendor_lookup(const char *name, uint8_t guid[16])
{
	for (size_t i = 0; name && i < N_VENDORS; i++) {
		if (strcasecmp(name, vendors[i].name) == 0 ||
		    (vendors[i].alias && strcasecmp(name, vendors[i].alias) == 0))
			return varstore_guid_parse(vendors[i].guid, guid);
	}
	return -ENOENT;
}

int varstore_find(const uint8_t *img, uint64_t size, const uint8_t *name,
		  uint32_t name_size, const uint8_t guid[16],
		  struct varstore_var *var, char *why, size_t whylen)
{
	struct varstore_iter it;
	uint64_t at;
	int rc = varstore_iter_init(&it, img, size, why, whylen);

	if (rc < 0)
		return rc;
	for (;;) {
		at = it.next;
		rc = varstore_iter_next(&it, var);
		if (rc < 0)
			return reject(why, whylen, "malformed entry at 0x%llx",
				      (unsigned long long)at);
		if (rc == 0)
			return 0;
		if (var->name_size == name_size &&
		    memcmp(var->guid, guid, 16) == 0 &&
		    memcmp(var->name, name, name_size) == 0)
			return 1;
	}
}
