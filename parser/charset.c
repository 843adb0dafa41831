/*
 * charset.c - bytes to UTF-8.
 *
 * Order of evidence: a BOM; bytes that are valid UTF-8 and not plain ASCII (legacy Chinese
 * encodings practically never are, so a header or meta tag that says otherwise is wrong); the
 * HTTP Content-Type charset; the page's own <meta charset> or http-equiv; detection by uchardet
 * when nothing is declared or the declaration is contradicted by the bytes (a page said to be
 * UTF-8 that is not valid UTF-8).  Every GB label (gb2312, gbk,
 * x-gbk, gb_2312-80, cp936) is decoded as GB18030, its superset: pages that declare gb2312
 * routinely use GBK-only characters.  Invalid sequences become U+FFFD and are counted.
 */
#include "parser.h"
#include "../common/zc.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet.h>

/* Maps a label to the name iconv gets; NULL for labels we do not know. */
static const char *canonical(const char *label)
{
	static const struct { const char *label, *name; } map[] = {
		{"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"gb2312", "GB18030"}, {"gbk", "GB18030"},
		{"x-gbk", "GB18030"}, {"gb18030", "GB18030"}, {"gb_2312-80", "GB18030"},
		{"cp936", "GB18030"}, {"euc-cn", "GB18030"}, {"hz-gb-2312", "GB18030"},
		{"big5", "BIG5"}, {"iso-8859-1", "WINDOWS-1252"}, {"windows-1252", "WINDOWS-1252"},
		{"us-ascii", "UTF-8"}, {"ascii", "UTF-8"}, {"utf-16le", "UTF-16LE"},
		{"utf-16be", "UTF-16BE"}, {"utf-16", "UTF-16"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(label, map[i].label) == 0)
			return map[i].name;
	return NULL;
}

/* Copies the charset=... value found at p (up to a delimiter) into out. */
static int charset_value(const char *p, const char *end, char *out, size_t outsz)
{
	while (p < end && (*p == ' ' || *p == '=' || *p == '"' || *p == '\''))
		p++;
	size_t n = 0;
	while (p < end && n + 1 < outsz && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
		out[n++] = (char)tolower((unsigned char)*p++);
	out[n] = '\0';
	return n > 0;
}

static const char *find_ci(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

static const char *from_content_type(const char *ct, char *buf, size_t bufsz)
{
	if (!ct)
		return NULL;
	const char *p = find_ci(ct, strlen(ct), "charset");
	if (!p || !charset_value(p + 7, ct + strlen(ct), buf, bufsz))
		return NULL;
	return canonical(buf);
}

/* <meta charset="x"> or <meta http-equiv content="text/html; charset=x"> in the first 4 KB */
static const char *from_meta(const char *bytes, size_t len, char *buf, size_t bufsz)
{
	size_t lim = len < 4096 ? len : 4096;
	const char *p = bytes, *end = bytes + lim;
	while ((p = find_ci(p, (size_t)(end - p), "<meta")) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			break;
		const char *cs = find_ci(p, (size_t)(gt - p), "charset");
		if (cs && charset_value(cs + 7, gt, buf, bufsz)) {
			const char *c = canonical(buf);
			if (c)
				return c;
		}
		p = gt;
	}
	return NULL;
}

/* zc_charset_convert; valid: what zc_utf8_valid() said of bytes when the caller has asked it
   (0 or 1), else -1 */
static int convert(const char *bytes, size_t len, const char *charset, int valid, char **utf8, size_t *utf8_len,
		   int *bad_bytes)
{
	*bad_bytes = 0;
	int is_utf8 = strcmp(charset, "UTF-8") == 0;
	if (is_utf8 && (valid < 0 ? zc_utf8_valid(bytes, len) : valid) && !memchr(bytes, 0, len)) {
		/* as it is: most pages */
		*utf8 = zc_malloc(len + 1);
		memcpy(*utf8, bytes, len);
		(*utf8)[len] = '\0';
		*utf8_len = len;
		return ZC_OK;
	}
	zc_buf out;
	zc_buf_init(&out, ZC_BUF_UNLIMITED);
	if (is_utf8) {
		/* copy, replacing invalid sequences and dropping NULs: the valid runs between them
		   in one piece each (a whole page, mostly) */
		size_t i = 0, run = 0;
		while (i < len) {
			unsigned char c = (unsigned char)bytes[i];
			size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
			if (c != 0 && n != 0 && i + n <= len && (n == 1 || zc_utf8_valid(bytes + i, n))) {
				i += n;
				continue;
			}
			zc_buf_cat(&out, bytes + run, i - run);
			if (c != 0) {
				zc_buf_cats(&out, "\xEF\xBF\xBD");
				(*bad_bytes)++;
			}
			run = ++i;
		}
		zc_buf_cat(&out, bytes + run, len - run);
		*utf8_len = out.len;
		*utf8 = zc_buf_take(&out);
		return ZC_OK;
	}
	iconv_t cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return ZC_ECHARSET;
	char tmp[8192];
	char *in = (char *)bytes;
	size_t inleft = len;
	while (inleft > 0) {
		char *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		zc_buf_cat(&out, tmp, (size_t)(o - tmp));
		if (r == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			/* EILSEQ or EINVAL (truncated at the end): replace one byte, go on */
			zc_buf_cats(&out, "\xEF\xBF\xBD");
			(*bad_bytes)++;
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	iconv_close(cd);
	/* drop NULs: the HTML parser and C strings must see one string */
	size_t w = 0;
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i])
			out.data[w++] = out.data[i];
	if (out.data)
		out.data[w] = '\0';
	out.len = w;
	*utf8_len = out.len;
	*utf8 = zc_buf_take(&out);
	return ZC_OK;
}

int zc_charset_convert(const char *bytes, size_t len, const char *charset, char **utf8,
		       size_t *utf8_len, int *bad_bytes)
{
	return convert(bytes, len, charset, -1, utf8, utf8_len, bad_bytes);
}

static const char *detect(const char *bytes, size_t len)
{
	uchardet_t ud = uchardet_new();
	const char *res = NULL;
	if (uchardet_handle_data(ud, bytes, len) == 0) {
		uchardet_data_end(ud);
		const char *cs = uchardet_get_charset(ud);
		if (cs && *cs)
			res = canonical(cs);
	}
	uchardet_delete(ud);
	return res ? res : "GB18030";
}

int zc_charset_decode(const char *bytes, size_t len, const char *content_type, char **utf8,
		      size_t *utf8_len, const char **charset, int *bad_bytes)
{
	char b1[40], b2[40];
	const char *cs = NULL;
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
		*charset = "UTF-8";
		return zc_charset_convert(bytes + 3, len - 3, "UTF-8", utf8, utf8_len, bad_bytes);
	}
	if (len >= 2 && (memcmp(bytes, "\xFF\xFE", 2) == 0 || memcmp(bytes, "\xFE\xFF", 2) == 0)) {
		*charset = "UTF-16";
		return zc_charset_convert(bytes, len, "UTF-16", utf8, utf8_len, bad_bytes);
	}
	const char *header = from_content_type(content_type, b1, sizeof b1);
	const char *meta = from_meta(bytes, len, b2, sizeof b2);
	int is_utf8 = zc_utf8_valid(bytes, len);
	int non_ascii = 0;
	for (size_t i = 0; i < len && !non_ascii; i++)
		non_ascii = (unsigned char)bytes[i] >= 0x80;
	/* text that is valid UTF-8 and not plain ASCII is UTF-8, whatever a header or a meta tag
	   claims: legacy encodings of Chinese are practically never valid UTF-8 */
	if (is_utf8 && non_ascii) {
		*charset = "UTF-8";
		return convert(bytes, len, "UTF-8", 1, utf8, utf8_len, bad_bytes);
	}
	if (header && !(strcmp(header, "UTF-8") == 0 && !is_utf8))
		cs = header;
	else if (meta && !(strcmp(meta, "UTF-8") == 0 && !is_utf8))
		cs = meta;
	else if (is_utf8)
		cs = "UTF-8";
	else
		cs = detect(bytes, len);
	if (strcmp(cs, "GB18030") != 0 && strcmp(cs, "UTF-8") != 0 && !is_utf8 && meta)
		cs = meta;
	*charset = cs;
	int rc = convert(bytes, len, cs, is_utf8, utf8, utf8_len, bad_bytes);
	if (rc != ZC_OK) {
		*charset = "UTF-8";
		rc = convert(bytes, len, "UTF-8", is_utf8, utf8, utf8_len, bad_bytes);
	}
	return rc;
}
