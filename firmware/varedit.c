/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline writer of OVMF variable stores.  See varedit.h for the update
 * and reclaim rules and varstore.h for the layouts.  The image has been
 * through varstore_iter_init(), which bounds every entry, before anything
 * here writes to it; nothing is written until the whole change is known to
 * fit.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "firmware/varedit.h"
#include "firmware/varstore.h"

#define ERASED		0xFF	/* flash reads 0xFF where nothing was written */
#define ATTRS_NEEDED	(VARSTORE_ATTR_NON_VOLATILE | \
			 VARSTORE_ATTR_BOOTSERVICE_ACCESS)

/* What one walk over the store found. */
struct scan {
	struct varstore_iter it;
	uint64_t used_end;	/* end of the last entry, aligned, <= it.end */
	uint64_t kept;		/* bytes the live non-target entries fill */
	unsigned targets;	/* live copies of the variable asked for */
	uint32_t target_attrs;	/* their attributes, OR-ed */
	bool tail_erased;	/* [used_end, it.end) is all 0xFF */
};

/* The variable a request names. */
struct target {
	const uint8_t *name;
	uint32_t name_size;
	const uint8_t *guid;
};

__attribute__((format(printf, 4, 5)))
static int fail(int err, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint64_t align_up(uint64_t v)
{
	return (v + VARSTORE_HEADER_ALIGN - 1) &
	       ~(uint64_t)(VARSTORE_HEADER_ALIGN - 1);
}

static bool all_erased(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != ERASED)
			return false;
	return true;
}

static bool is_target(const struct varstore_var *v, const struct target *t)
{
	return t && v->name_size == t->name_size &&
	       memcmp(v->guid, t->guid, 16) == 0 &&
	       memcmp(v->name, t->name, t->name_size) == 0;
}

/* Offset just past (v) and its padding, never past the store. */
static uint64_t entry_end(const struct varstore_iter *it,
			  const struct varstore_var *v)
{
	uint64_t end = align_up((uint64_t)(v->data - it->img) + v->data_size);

	return end < it->end ? end : it->end;
}

static int scan_store(const uint8_t *img, uint64_t size,
		      const struct target *t, struct scan *s, char *why,
		      size_t whylen)
{
	struct varstore_var v;
	uint64_t at;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = varstore_iter_init(&s->it, img, size, why, whylen);
	if (rc < 0)
		return rc;
	s->it.all = true;
	s->used_end = s->it.start;
	for (;;) {
		at = s->it.next;
		rc = varstore_iter_next(&s->it, &v);
		if (rc < 0)
			return fail(-EINVAL, why, whylen, "malformed entry at "
				    "0x%llx", (unsigned long long)at);
		if (rc == 0)
			break;
		s->used_end = entry_end(&s->it, &v);
		if (!v.live)
			continue;
		if (is_target(&v, t)) {
			s->targets++;
			s->target_attrs |= v.attributes;
		} else {
			s->kept += s->used_end - v.offset;
		}
	}
	s->tail_erased = all_erased(img + s->used_end,
				    s->it.end - s->used_end);
	return 0;
}

/*
 * AND (mask) into the State of every live copy of (t).  edk2's
 * UpdateVariable() clears VAR_DELETED for a delete (0x3F -> 0x3D), and for
 * an update first VAR_IN_DELETED_TRANSITION, then, once the new copy is
 * written, VAR_DELETED (0x3F -> 0x3E -> 0x3C).
 */
static void mark_deleted(uint8_t *img, const struct scan *s,
			 const struct target *t, uint8_t mask)
{
	struct varstore_iter it = s->it;
	struct varstore_var v;

	it.next = it.start;
	it.all = false;
	while (varstore_iter_next(&it, &v) == 1)
		if (is_target(&v, t))
			img[v.offset + 2] &= mask;
}

/*
 * Move live entries (but those of (drop)) down to the first header, in
 * store order, and erase the rest; returns where free space starts.  Safe
 * in place: an entry only moves down, and the walk reads ahead of where it
 * writes.
 */
static uint64_t compact(uint8_t *img, const struct scan *s,
			const struct target *drop)
{
	struct varstore_iter it = s->it;
	struct varstore_var v;
	uint64_t w = it.start, len, next;

	it.next = it.start;
	it.all = false;
	while (varstore_iter_next(&it, &v) == 1) {
		if (is_target(&v, drop))
			continue;
		len = (uint64_t)(v.data - img) + v.data_size - v.offset;
		memmove(img + w, img + v.offset, len);
		img[w + 2] = VARSTORE_VAR_ADDED;
		next = align_up(w + len);
		if (next > it.end)
			next = it.end;
		memset(img + w + len, ERASED, next - w - len);
		w = next;
	}
	memset(img + w, ERASED, it.end - w);
	return w;
}

static void put_entry(uint8_t *p, const struct scan *s,
		      const struct varedit_req *r)
{
	uint8_t *sizes = p + (s->it.authenticated ?
			      VARSTORE_AUTH_NAME_SIZE_OFF :
			      VARSTORE_PLAIN_NAME_SIZE_OFF);

	/* MonotonicCount, TimeStamp and PubKeyIndex stay 0, as OVMF writes
	 * them for a variable without time-based authentication. */
	memset(p, 0, s->it.header_size);
	put16(p, VARSTORE_START_ID);
	p[2] = VARSTORE_VAR_ADDED;
	put32(p + 4, r->attributes);
	put32(sizes, r->name_size);
	put32(sizes + 4, r->data_size);
	memcpy(sizes + 8, r->guid, 16);
	memcpy(p + s->it.header_size, r->name, r->name_size);
	memcpy(p + s->it.header_size + r->name_size, r->data, r->data_size);
}

static uint16_t unit_at(const uint8_t *p, size_t i)
{
	return (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
}

/* A name: even size, one unit or more, NUL last and nowhere else. */
static int check_name(const uint8_t *name, uint32_t size, char *why,
		      size_t whylen)
{
	uint32_t units = size / 2;

	if (!name || size < 4 || size % 2)
		return fail(-EINVAL, why, whylen, "empty or odd-sized name");
	if (units - 1 > VAREDIT_NAME_MAX)
		return fail(-ENAMETOOLONG, why, whylen, "name longer than %u "
			    "characters", VAREDIT_NAME_MAX);
	for (uint32_t i = 0; i < units; i++)
		if ((unit_at(name, i) == 0) != (i == units - 1))
			return fail(-EINVAL, why, whylen, "name not "
				    "NUL-terminated or with a NUL inside");
	return 0;
}

static int check_value(const struct varedit_req *r, char *why,
		       size_t whylen)
{
	int rc = check_name(r->name, r->name_size, why, whylen);

	if (rc < 0)
		return rc;
	if (!r->data || r->data_size == 0)
		return fail(-EINVAL, why, whylen, "no data (an empty value "
			    "deletes a variable in UEFI)");
	return 0;
}

static int check_attributes(const struct varedit_req *r, char *why,
			    size_t whylen)
{
	if (r->attributes & VAREDIT_ATTRS_SIGNED)
		return fail(-EPERM, why, whylen, "authenticated-write "
			    "attributes need a signed update");
	if (r->attributes & ~VAREDIT_ATTRS_ALLOWED)
		return fail(-EINVAL, why, whylen, "attributes 0x%x: only nv, "
			    "bs and rt can be written", r->attributes);
	if ((r->attributes & ATTRS_NEEDED) != ATTRS_NEEDED)
		return fail(-EINVAL, why, whylen, "attributes must include nv "
			    "and bs");
	return 0;
}

static uint64_t free_after_reclaim(const struct scan *s)
{
	uint64_t span = s->it.end - s->it.start;

	return s->kept < span ? span - s->kept : 0;
}

int varedit_set(uint8_t *img, uint64_t size, const struct varedit_req *req,
		char *why, size_t whylen)
{
	const struct target t = { req->name, req->name_size, req->guid };
	struct scan s;
	uint64_t need, at;
	int rc = check_value(req, why, whylen);

	if (rc == 0)
		rc = scan_store(img, size, &t, &s, why, whylen);
	if (rc < 0)
		return rc;
	/* What is there first: "PK is authenticated" says more than "your
	 * attributes are". */
	if (s.target_attrs & VAREDIT_ATTRS_SIGNED)
		return fail(-EPERM, why, whylen, "the variable is "
			    "authenticated (attributes 0x%x): it needs a "
			    "signed update", s.target_attrs);
	rc = check_attributes(req, why, whylen);
	if (rc < 0)
		return rc;
	need = (uint64_t)s.it.header_size + req->name_size + req->data_size;
	if (s.tail_erased && need <= s.it.end - s.used_end) {
		mark_deleted(img, &s, &t, VARSTORE_VAR_DELETED &
					  VARSTORE_VAR_IN_DELETED_TRANSITION);
		at = s.used_end;
	} else if (need <= free_after_reclaim(&s)) {
		at = compact(img, &s, &t);
	} else {
		return fail(-ENOSPC, why, whylen, "store full: %llu bytes "
			    "needed, %llu free after a reclaim",
			    (unsigned long long)need,
			    (unsigned long long)free_after_reclaim(&s));
	}
	put_entry(img + at, &s, req);
	return 0;
}

int varedit_delete(uint8_t *img, uint64_t size, const uint8_t *name,
		   uint32_t name_size, const uint8_t guid[16], char *why,
		   size_t whylen)
{
	const struct target t = { name, name_size, guid };
	struct scan s;
	int rc = check_name(name, name_size, why, whylen);

	if (rc == 0)
		rc = scan_store(img, size, &t, &s, why, whylen);
	if (rc < 0)
		return rc;
	if (s.targets == 0)
		return fail(-ENOENT, why, whylen, "no such variable");
	if (s.target_attrs & VAREDIT_ATTRS_SIGNED)
		return fail(-EPERM, why, whylen, "the variable is "
			    "authenticated (attributes 0x%x): it needs a "
			    "signed update", s.target_attrs);
	mark_deleted(img, &s, &t, VARSTORE_VAR_DELETED);
	return 0;
}

int varedit_reclaim(uint8_t *img, uint64_t size, char *why, size_t whylen)
{
	struct scan s;
	int rc = scan_store(img, size, NULL, &s, why, whylen);

	if (rc < 0)
		return rc;
	(void)compact(img, &s, NULL);
	return 0;
}

/* ---- text: names, strings, hex, attribute lists ---- */

/* Continuation byte (c) of a UTF-8 sequence: its 6 bits, or -1. */
static int cont(unsigned char c)
{
	return (c & 0xC0) == 0x80 ? c & 0x3F : -1;
}

/*
 * Decode one code point at (*s) and advance.  RFC 3629: shortest form
 * only, no surrogates, at most U+10FFFF.  Returns it, or -1.
 */
static long utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	static const long min_cp[4] = { 0, 0x80, 0x800, 0x10000 };
	long cp;
	int n, c;

	if (p[0] < 0x80)
		n = 0, cp = p[0];
	else if ((p[0] & 0xE0) == 0xC0)
		n = 1, cp = p[0] & 0x1F;
	else if ((p[0] & 0xF0) == 0xE0)
		n = 2, cp = p[0] & 0x0F;
	else if ((p[0] & 0xF8) == 0xF0)
		n = 3, cp = p[0] & 0x07;
	else
		return -1;
	for (int i = 1; i <= n; i++) {
		c = cont(p[i]);	/* a NUL stops here: it is no continuation */
		if (c < 0)
			return -1;
		cp = cp << 6 | c;
	}
	if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*s += n + 1;
	return cp;
}

/* "\uXXXX" at (s): the unit, or -1 when (s) is not such an escape. */
static long escape_at(const char *s)
{
	long v = 0;

	if (s[0] != '\\' || s[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int d = varstore_hex_digit(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * Append code point (cp) as UTF-16LE at unit (*n) of (out) (NULL: count
 * only) of (max) units.  -E2BIG when it does not fit.
 */
static int put_utf16(uint8_t *out, size_t max, size_t *n, long cp)
{
	size_t need = cp > 0xFFFF ? 2 : 1;

	if (need > max - *n)
		return -E2BIG;
	if (out && need == 1) {
		put16(out + 2 * *n, (uint16_t)cp);
	} else if (out) {
		cp -= 0x10000;
		put16(out + 2 * *n, (uint16_t)(0xD800 | cp >> 10));
		put16(out + 2 * *n + 2, (uint16_t)(0xDC00 | (cp & 0x3FF)));
	}
	*n += need;
	return 0;
}

int varedit_name_from_utf8(const char *text, uint8_t out[VAREDIT_NAME_BUF],
			   uint32_t *name_size)
{
	size_t n = 0;
	long cp;

	if (!text || !*text)
		return -EINVAL;
	while (*text) {
		cp = escape_at(text);
		if (cp >= 0)
			text += 6;
		else
			cp = utf8_next(&text);
		if (cp <= 0)
			return -EINVAL;
		if (put_utf16(out, VAREDIT_NAME_MAX, &n, cp) < 0)
			return -ENAMETOOLONG;
	}
	put16(out + 2 * n, 0);
	*name_size = (uint32_t)(2 * (n + 1));
	return 0;
}

int varedit_utf8_to_utf16(const char *text, uint8_t *out, size_t cap,
			  size_t *len)
{
	size_t n = 0, max = cap / 2;
	long cp;

	if (!text)
		return -EINVAL;
	if (max == 0)
		return -E2BIG;
	while (*text) {
		cp = utf8_next(&text);
		if (cp < 0)
			return -EINVAL;
		if (put_utf16(out, max - 1, &n, cp) < 0)
			return -E2BIG;
	}
	if (out)
		put16(out + 2 * n, 0);
	*len = 2 * (n + 1);
	return 0;
}

/* Append (cp) as UTF-8 at (*n) of (out), keeping room for a NUL. */
static int put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
	size_t need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	unsigned char *p = (unsigned char *)out + *n;

	if (need >= cap - *n)
		return -E2BIG;
	if (need == 1) {
		p[0] = (unsigned char)cp;
	} else {
		for (size_t i = need - 1; i > 0; i--, cp >>= 6)
			p[i] = (unsigned char)(0x80 | (cp & 0x3F));
		p[0] = (unsigned char)(((0xFF00u >> need) & 0xFF) | cp);
	}
	*n += need;
	return 0;
}

int varedit_utf16_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap,
			  bool strict)
{
	size_t units = n / 2, len = 0;
	uint32_t u, lo;
	int rc = 0;

	if (cap == 0 || (strict && n % 2))
		return cap ? -EINVAL : -E2BIG;
	for (size_t i = 0; i < units && rc == 0; i++) {
		u = unit_at(p, i);
		if (u == 0)
			break;
		lo = i + 1 < units ? unit_at(p, i + 1) : 0;
		if (u >= 0xD800 && u <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF) {
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i++;
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			if (strict)
				return -EINVAL;
			u = 0xFFFD;
		}
		rc = put_utf8(out, cap, &len, u);
	}
	out[len] = '\0';
	return rc < 0 ? rc : (int)len;
}

int varedit_hex_parse(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);
	int hi, lo;

	if (n % 2)
		return -EINVAL;
	if (n / 2 > cap)
		return -E2BIG;
	for (size_t i = 0; i < n / 2; i++) {
		hi = varstore_hex_digit(hex[2 * i]);
		lo = varstore_hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

/* Attribute words, bit i of the UEFI attributes (UEFI spec 8.2). */
static const char *const attr_words[] = {
	"nv", "bs", "rt", "hr", "at", "tbaw", "aw",
};

#define N_ATTR_WORDS (sizeof(attr_words) / sizeof(attr_words[0]))

int varedit_attrs_parse(const char *list, uint32_t *attrs, char *why,
			size_t whylen)
{
	uint32_t a = 0;
	size_t len;
	unsigned i;

	for (const char *w = list;; w += len + 1) {
		len = strcspn(w, ",");
		for (i = 0; i < N_ATTR_WORDS; i++)
			if (len == strlen(attr_words[i]) &&
			    strncasecmp(w, attr_words[i], len) == 0)
				break;
		if (i == N_ATTR_WORDS)
			return fail(-EINVAL, why, whylen, "unknown attribute "
				    "'%.*s' (want nv, bs, rt)", (int)len, w);
		a |= 1u << i;
		if (w[len] == '\0')
			break;
	}
	*attrs = a;
	return 0;
}

void varedit_attrs_format(uint32_t attrs, char *out, size_t cap)
{
	size_t n = 0;
	uint32_t rest = attrs & ~((1u << N_ATTR_WORDS) - 1);

	if (cap == 0)
		return;
	out[0] = '\0';
	for (unsigned i = 0; i < N_ATTR_WORDS; i++)
		if (attrs & (1u << i) && n < cap)
			n += (size_t)snprintf(out + n, cap - n, "%s%s",
					      n ? "," : "", attr_words[i]);
	if (rest && n < cap)
		n += (size_t)snprintf(out + n, cap - n, "%s0x%x", n ? "," : "",
				      rest);
	if (n == 0)
		snprintf(out, cap, "-");
}
