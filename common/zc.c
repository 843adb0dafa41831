/* zc.c - errors, allocation, zc_buf and string helpers (see zc.h). */
#include "zc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *zc_strerror(int err)
{
	switch (err) {
	case ZC_OK: return "success";
	case ZC_EIO: return "input/output error";
	case ZC_EPARSE: return "malformed input";
	case ZC_ENOTFOUND: return "not found";
	case ZC_ELOCKED: return "another crawl is running (lock held)";
	case ZC_ETOOBIG: return "size limit reached";
	case ZC_ECHARSET: return "text could not be decoded";
	case ZC_EUSAGE: return "bad arguments";
	case ZC_ENET: return "network failure";
	case ZC_EDB: return "database failure";
	case ZC_ECHALLENGE: return "anti-bot challenge page";
	case ZC_EFULL: return "no space left (disk or database map full)";
	case ZC_ESCOPE: return "URL outside the crawl scope";
	case ZC_EINTR: return "interrupted by a signal";
	case ZC_ECUT: return "the file ends in part of a record: cut short";
	case ZC_EDAMAGED: return "the database file is damaged (cut short or overwritten): restore the corpus from a "
				 "backup, or crawl into a new one";
	case ZC_ESCHEMA: return "a newer zhengce wrote it (a later schema than this one reads); upgrade zhengce";
	}
	if (err <= ZC_ERRNO(1)) {
		/* the system's words, in lower case as our messages are */
		static _Thread_local char buf[128];
		snprintf(buf, sizeof buf, "%s", strerror(-err - ZC_ERRNO_BASE));
		if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
			buf[0] = (char)(buf[0] + 32);
		return buf;
	}
	return "unknown error";
}

char *zc_text_visible(const char *s, int keep_lines)
{
	size_t n = strlen(s), k = 0;
	char *out = zc_malloc(n + 1);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (*p < 0x20 || *p == 0x7f) {
			if (*p == '\n' || *p == '\t')
				out[k++] = keep_lines ? (char)*p : ' ';
			p++;
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p += 2;
		} else if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
					    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
			p += 3;
		} else {
			out[k++] = (char)*p++;
		}
	}
	out[k] = '\0';
	return out;
}

int zc_write_error(int errnum)
{
	if (errnum == ENOSPC || errnum == EDQUOT)
		return ZC_EFULL;
	return errnum > 0 ? ZC_ERRNO(errnum) : ZC_EIO;
}

static void oom(size_t n)
{
	fprintf(stderr, "zhengce: out of memory allocating %zu bytes\n", n);
	abort();
}

void *zc_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *zc_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *zc_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *zc_strdup(const char *s)
{
	return zc_strndup(s, strlen(s));
}

char *zc_strndup(const char *s, size_t n)
{
	char *p = zc_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *zc_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	char *p = zc_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void zc_buf_init(zc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

int zc_buf_add(zc_buf *b, const void *p, size_t n)
{
	/* the cap, and (ZC_BUF_UNLIMITED too) room for len + n + 1 and its doubling without a wrap */
	if (n > b->max - b->len || n >= SIZE_MAX / 4 - b->len)
		return ZC_ETOOBIG;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = zc_realloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ZC_OK;
}

int zc_buf_read(zc_buf *b, FILE *f)
{
	char tmp[65536];
	size_t n;
	int rc = ZC_OK;
	while (rc == ZC_OK && (n = fread(tmp, 1, sizeof tmp, f)) > 0)
		rc = zc_buf_add(b, tmp, n);
	return rc == ZC_OK && ferror(f) ? ZC_EIO : rc;
}

int zc_buf_addstr(zc_buf *b, const char *s)
{
	return zc_buf_add(b, s, strlen(s));
}

int zc_buf_addch(zc_buf *b, char c)
{
	return zc_buf_add(b, &c, 1);
}

/* fmt's text added to b: a small one through the stack, a long one through the heap */
static int buf_vprintf(zc_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	int rc;
	if (n < 0) {
		rc = ZC_EPARSE;
	} else if ((size_t)n < sizeof small) {
		rc = zc_buf_add(b, small, (size_t)n);
	} else {
		char *big = zc_malloc((size_t)n + 1);
		vsnprintf(big, (size_t)n + 1, fmt, again);
		rc = zc_buf_add(b, big, (size_t)n);
		free(big);
	}
	va_end(again);
	return rc;
}

int zc_buf_printf(zc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static void buf_must(int rc)
{
	if (rc != ZC_OK) {
		fputs("zhengce: a buffer without a cap reached its size limit\n", stderr);
		abort();
	}
}

void zc_buf_cat(zc_buf *b, const void *p, size_t n)
{
	buf_must(zc_buf_add(b, p, n));
}

void zc_buf_cats(zc_buf *b, const char *s)
{
	buf_must(zc_buf_add(b, s, strlen(s)));
}

void zc_buf_catc(zc_buf *b, char c)
{
	buf_must(zc_buf_add(b, &c, 1));
}

void zc_buf_catf(zc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (rc != ZC_EPARSE)	/* a format that gives nothing adds nothing */
		buf_must(rc);
}

void zc_buf_reset(zc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *zc_buf_take(zc_buf *b)
{
	char *p = b->data ? b->data : zc_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void zc_buf_free(zc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int zc_str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int zc_str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int zc_year_of(const char *date)
{
	if (!date)
		return 0;
	int y = 0;
	for (int i = 0; i < 4; i++) {
		if (date[i] < '0' || date[i] > '9')
			return 0;
		y = y * 10 + (date[i] - '0');
	}
	return y;
}

int zc_parse_long(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return ZC_EUSAGE;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (errno || *end || v < lo || v > hi)
		return ZC_EUSAGE;
	*out = v;
	return ZC_OK;
}

int zc_utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
		*cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
		return 2;
	}
	if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
		*cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
		return 3;
	}
	if ((u[0] & 0xF8) == 0xF0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 &&
	    (u[3] & 0xC0) == 0x80) {
		*cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) |
		      (u[3] & 0x3Fu);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

int zc_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = u[i];
		if (c < 0x80) {
			/* markup and most of a record are ASCII: eight bytes at a time while it lasts */
			uint64_t w;
			while (i + 8 <= len && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ull) == 0))
				i += 8;
			if (i < len && u[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xE1 && c <= 0xEF && c != 0xED && len - i > 2 && (u[i + 1] & 0xC0) == 0x80 &&
		    (u[i + 2] & 0xC0) == 0x80) {
			i += 3;	/* Chinese text: three bytes whose second may be any continuation byte */
			continue;
		}
		/* the lead byte gives the length and the range of the second byte */
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0;	/* overlong */
			else if (c == 0xED)
				hi = 0x9F;	/* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90;	/* overlong */
			else if (c == 0xF4)
				hi = 0x8F;	/* past U+10FFFF */
		} else
			return 0;
		if (n > len - i || u[i + 1] < lo || u[i + 1] > hi)
			return 0;
		for (size_t k = 2; k < n; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return 0;
		i += n;
	}
	return 1;
}

json_t *zc_json_string(const char *s, size_t len)
{
	return s && zc_utf8_valid(s, len) ? json_stringn_nocheck(s, len) : NULL;
}

static int space_at(const char *s, int *len)
{
	unsigned cp;
	int n = zc_utf8_next(s, &cp);
	*len = n;
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 ||
	       cp == 0x3000 || cp == '\f' || cp == '\v';
}

char *zc_str_trim(char *s)
{
	char *p = s;
	int n;
	while (*p && space_at(p, &n))
		p += n;
	if (p != s)
		memmove(s, p, strlen(p) + 1);
	/* walk forward remembering the end of the last non-space */
	char *end = s;
	for (p = s; *p; p += n) {
		if (!space_at(p, &n))
			end = p + n;
	}
	*end = '\0';
	return s;
}

char *zc_str_join(const char *a, const char *sep, const char *b)
{
	size_t al = strlen(a), sl = strlen(sep), bl = strlen(b);
	char *out = zc_malloc(al + sl + bl + 1);
	memcpy(out, a, al);
	memcpy(out + al, sep, sl);
	memcpy(out + al + sl, b, bl + 1);
	return out;
}

unsigned zc_fold_cp(unsigned cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;
	return cp == 0x3000 || cp == 0xA0 ? ' ' : cp;
}

char *zc_str_fold(const char *s)
{
	/* byte by byte, copying what needs no change as it is: every page's text is folded for
	   the criteria and the pair index, and a call per character was most of the work.  Each
	   folded form is shorter than what it replaces, so the input's length is enough. */
	size_t n = strlen(s);
	char *out = zc_malloc(n + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (p[0] == 0xEF && ((p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) || (p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E))) {
			/* U+FF01..U+FF5E: the ASCII character 0xFEE0 below */
			*o++ = (char)zc_fold_cp(0xF000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
			p += 3;
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {	/* U+3000 */
			*o++ = ' ';
			p += 3;
		} else if (p[0] == 0xC2 && p[1] == 0xA0) {			/* U+00A0 */
			*o++ = ' ';
			p += 2;
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return out;
}

char *zc_str_replace(const char *s, const char *from, const char *to)
{
	zc_buf b;
	size_t fl = strlen(from);
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	const char *p;
	while (fl && (p = strstr(s, from))) {
		zc_buf_cat(&b, s, (size_t)(p - s));
		zc_buf_cats(&b, to);
		s = p + fl;
	}
	zc_buf_cats(&b, s);
	return zc_buf_take(&b);
}

void zc_vnote(void (*fn)(const char *line, void *arg), void *arg, const char *fmt, va_list ap)
{
	if (!fn)
		return;
	char line[1024];
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n >= (int)sizeof line)	/* a URL too long for the line: its end is cut */
		memcpy(line + sizeof line - 4, "...", 4);
	fn(line, arg);
}

void zc_progress_show(zc_progress *p, const char *fmt, ...)
{
	if (!p || !p->on || !p->draw)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (p->shown && t - p->last < 0.5)
		return;
	p->last = t;
	p->shown = 1;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	p->draw(line, p->arg);
}

void zc_progress_end(zc_progress *p)
{
	if (!p)
		return;
	if (p->shown && p->draw)
		p->draw(NULL, p->arg);
	p->shown = 0;
}

int zc_text_width(const char *s)
{
	int w = 0;
	while (*s) {
		unsigned cp;
		s += zc_utf8_next(s, &cp);
		w += cp >= 0x1100 ? 2 : 1;
	}
	return w;
}

void zc_xml_write(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

int zc_json_cat_string(zc_buf *b, const char *s, size_t n)
{
	if (!zc_utf8_valid(s, n))
		return ZC_EPARSE;
	zc_buf_catc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		zc_buf_cat(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': zc_buf_cat(b, "\\\"", 2); break;
		case '\\': zc_buf_cat(b, "\\\\", 2); break;
		case '\b': zc_buf_cat(b, "\\b", 2); break;
		case '\f': zc_buf_cat(b, "\\f", 2); break;
		case '\n': zc_buf_cat(b, "\\n", 2); break;
		case '\r': zc_buf_cat(b, "\\r", 2); break;
		case '\t': zc_buf_cat(b, "\\t", 2); break;
		default: zc_buf_catf(b, "\\u%04X", c);
		}
	}
	zc_buf_cat(b, s + run, n - run);
	zc_buf_catc(b, '"');
	return ZC_OK;
}

const char *zc_jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

