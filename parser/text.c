/*
 * text.c - the small grammars of Chinese official documents: dates in every written form,
 * document numbers, Chinese numerals, the document type, and URL resolution.
 */
#include "parser.h"
#include "../common/zc.h"

#include <libxml/uri.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CN_DIGITS[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

static int cn_digit(const char *s, int *len)
{
	for (int i = 0; i < 10; i++) {
		size_t n = strlen(CN_DIGITS[i]);
		if (strncmp(s, CN_DIGITS[i], n) == 0) {
			*len = (int)n;
			return i;
		}
	}
	if (strncmp(s, "○", strlen("○")) == 0 || strncmp(s, "零", strlen("零")) == 0 ||
	    strncmp(s, "O", 1) == 0 || strncmp(s, "０", strlen("０")) == 0) {
		*len = s[0] == 'O' ? 1 : 3;
		return 0;
	}
	return -1;
}

int zc_cn_numeral(const char *s, int *len)
{
	int n, v = 0, used = 0;
	const char *ten = "十";
	size_t tl = strlen(ten);
	int d = cn_digit(s, &n);
	if (d > 0) {
		used = n;
		if (strncmp(s + used, ten, tl) == 0) {
			used += (int)tl;
			v = d * 10;
			int d2 = cn_digit(s + used, &n);
			if (d2 > 0) {
				v += d2;
				used += n;
			}
		} else {
			v = d;
		}
	} else if (strncmp(s, ten, tl) == 0) {
		used = (int)tl;
		v = 10;
		int d2 = cn_digit(s + used, &n);
		if (d2 > 0) {
			v += d2;
			used += n;
		}
	}
	*len = used;
	return v;
}

static int valid_ymd(int y, int m, int d)
{
	return y >= 1949 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int digits(const char *s, int max, int *val)
{
	int n = 0, v = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9') {
		v = v * 10 + (s[n] - '0');
		n++;
	}
	*val = v;
	return n;
}

/* 2024-10-31, 2024年10月31日, 2024.10.31, 2024/10/31 (s already folded to half-width) */
static int arabic_date(const char *s, int *y, int *m, int *d)
{
	int n = digits(s, 4, y), k;
	if (n != 4 || (s[4] >= '0' && s[4] <= '9'))
		return 0;
	const char *p = s + 4;
	const char *nian = "年";
	if (*p == '-' || *p == '.' || *p == '/')
		p++;
	else if (strncmp(p, nian, strlen(nian)) == 0)
		p += strlen(nian);
	else
		return 0;
	while (*p == ' ')
		p++;
	k = digits(p, 2, m);
	if (!k)
		return 0;
	p += k;
	if (*p == '-' || *p == '.' || *p == '/')
		p++;
	else if (strncmp(p, "月", strlen("月")) == 0)
		p += strlen("月");
	else
		return 0;
	while (*p == ' ')
		p++;
	k = digits(p, 2, d);
	if (!k)
		return 0;
	return valid_ymd(*y, *m, *d);
}

/* 二〇二四年十月三十一日 */
static int cn_date(const char *s, int *y, int *m, int *d)
{
	int n, v = 0;
	const char *p = s;
	for (int i = 0; i < 4; i++) {
		int dg = cn_digit(p, &n);
		if (dg < 0)
			return 0;
		v = v * 10 + dg;
		p += n;
	}
	if (strncmp(p, "年", strlen("年")) != 0)
		return 0;
	p += strlen("年");
	*y = v;
	*m = zc_cn_numeral(p, &n);
	if (!n || strncmp(p + n, "月", strlen("月")) != 0)
		return 0;
	p += n + strlen("月");
	*d = zc_cn_numeral(p, &n);
	if (!n || strncmp(p + n, "日", strlen("日")) != 0)
		return 0;
	return valid_ymd(*y, *m, *d);
}

int zc_date_find(const char *s, char out[11])
{
	char *f = zc_str_fold(s);
	int rc = ZC_ENOTFOUND;
	for (const char *p = f; *p; p++) {
		int y, m, d;
		if ((p == f || !(p[-1] >= '0' && p[-1] <= '9')) && arabic_date(p, &y, &m, &d)) {
			snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
			rc = ZC_OK;
			break;
		}
		if (cn_date(p, &y, &m, &d)) {
			snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
			rc = ZC_OK;
			break;
		}
	}
	free(f);
	if (rc != ZC_OK)
		out[0] = '\0';
	return rc;
}

static int is_open(const char *p, int *len)
{
	static const char *const open[] = {"〔", "[", "（", "(", "【", "〖", "［", "﹝"};
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
		size_t n = strlen(open[i]);
		if (strncmp(p, open[i], n) == 0) {
			*len = (int)n;
			return 1;
		}
	}
	return 0;
}

static int is_close(const char *p, int *len)
{
	static const char *const close[] = {"〕", "]", "）", ")", "】", "〗", "］", "﹞"};
	for (size_t i = 0; i < sizeof close / sizeof close[0]; i++) {
		size_t n = strlen(close[i]);
		if (strncmp(p, close[i], n) == 0) {
			*len = (int)n;
			return 1;
		}
	}
	return 0;
}

/* a CJK ideograph (the characters of an issuer abbreviation like 国卫医发) */
static int cjk_at(const char *p, int *len)
{
	unsigned cp;
	*len = zc_utf8_next(p, &cp);
	return cp >= 0x4E00 && cp <= 0x9FFF;
}

/* the run of ideographs ending where a scan is (the characters of an issuer abbreviation
   like 国卫医发 before a document number's bracket) */
typedef struct cjk_run {
	const char *start;	/* NULL: the scan is not in a run */
	int count;
} cjk_run;

/* moves the scan past the character at p; returns its length in bytes */
static int run_step(cjk_run *r, const char *p)
{
	int n;
	if (cjk_at(p, &n)) {
		if (!r->start)
			r->start = p;
		r->count++;
	} else {
		r->start = NULL;
		r->count = 0;
	}
	return n;
}

/* the run's last max ideographs */
static const char *run_tail(const cjk_run *r, int max)
{
	const char *s = r->start;
	for (int c = r->count; c > max; c--) {
		int n;
		cjk_at(s, &n);
		s += n;
	}
	return s;
}

/* a decree's number, 浙江省人民政府令第378号: the ideographs ending in 令 before 第; normalised
   without 第 like every number (浙江省人民政府令378号) */
static char *decree_number(const char *f)
{
	cjk_run r = {NULL, 0};
	for (const char *p = f; *p;) {
		if (!strncmp(p, "令第", strlen("令第")) && r.start) {
			const char *q = p + strlen("令第");
			int num, nd = digits(q, 6, &num);
			if (nd && !strncmp(q + nd, "号", strlen("号"))) {
				const char *start = run_tail(&r, 11);
				return zc_asprintf("%.*s令%d号", (int)(p - start), start, num);
			}
		}
		p += run_step(&r, p);
	}
	return NULL;
}

char *zc_docno_normalize(const char *s)
{
	/* one pass: the run of ideographs before each bracket is kept as the scan goes, so a
	   cell of any length costs its length */
	char *f = zc_str_fold(s);
	char *res = NULL;
	cjk_run r = {NULL, 0};
	for (char *p = f; *p && !res;) {
		int ol, cl, y;
		if (is_open(p, &ol) && r.start && digits(p + ol, 4, &y) == 4 && y >= 1949 && y <= 2100) {
			char *q = p + ol + 4;
			if (is_close(q, &cl)) {
				q += cl;
				while (*q == ' ')
					q++;
				if (strncmp(q, "第", strlen("第")) == 0)
					q += strlen("第");
				int num, nd = digits(q, 6, &num);
				if (nd && strncmp(q + nd, "号", strlen("号")) == 0) {
					/* the prefix: at most 12 ideographs right before the bracket */
					const char *start = run_tail(&r, 12);
					res = zc_asprintf("%.*s〔%d〕%d号", (int)(p - start), start, y, num);
					break;
				}
			}
		}
		p += run_step(&r, p);
	}
	if (!res)
		res = decree_number(f);
	free(f);
	return res ? res : zc_strdup("");
}

/* 解读 inside 破解读书 or 理解读者: the 解 closes a verb (破解 化解 理解 …), not 解读 */
static int part_of_word(const char *t, const char *hit)
{
	static const char *const verbs[] = {"破", "化", "和", "理", "了", "分", "缓", "讲", "调", "排", "谅", "溶", "瓦", "误"};
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		size_t n = strlen(verbs[i]);
		if ((size_t)(hit - t) >= n && !strncmp(hit - n, verbs[i], n))
			return 1;
	}
	return 0;
}

/*
 * The document words a title ends in, and the type each gives (docs/DESIGN.md lists them):
 * longer words first, so that 工作要点 is a 要点 and 复函 is not a 函.
 */
static const char *const DOC_WORDS[][2] = {
	{"实施细则", "细则"}, {"工作要点", "工作要点"}, {"指导意见", "意见"}, {"实施意见", "意见"},
	{"决议", "决议"}, {"决定", "决定"}, {"命令", "命令"}, {"批复", "批复"}, {"复函", "复函"},
	{"通告", "通告"}, {"公告", "公告"}, {"公报", "公报"}, {"通报", "通报"}, {"通知", "通知"},
	{"意见", "意见"}, {"方案", "方案"}, {"规划", "规划"}, {"计划", "计划"}, {"办法", "办法"},
	{"措施", "措施"}, {"规定", "规定"}, {"条例", "条例"}, {"细则", "细则"}, {"规则", "规则"},
	{"要点", "要点"}, {"纲要", "纲要"}, {"指南", "指南"}, {"指引", "指引"}, {"标准", "标准"},
	{"规范", "规范"}, {"制度", "制度"}, {"章程", "章程"}, {"准则", "准则"}, {"目录", "目录"},
	{"清单", "清单"}, {"名单", "名单"}, {"答复", "答复"}, {"报告", "报告"}, {"函", "函"},
	{"令", "令"},
};

/* qualifiers after the document word: （试行） （2020年修订） 》 ” */
static size_t strip_qualifiers(const char *t, size_t n)
{
	for (;;) {
		while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '"'))
			n--;
		static const char *const tails[] = {"》", "”", "」", "』"};
		int cut = 0;
		for (size_t i = 0; i < sizeof tails / sizeof tails[0] && !cut; i++) {
			size_t tl = strlen(tails[i]);
			if (n >= tl && !memcmp(t + n - tl, tails[i], tl)) {
				n -= tl;
				cut = 1;
			}
		}
		/* a bracketed qualifier at the end: （试行） (暂行) （修订稿） （2020年修订） */
		if (!cut && n > 0 && t[n - 1] == ')') {
			size_t k = n - 1;
			while (k > 0 && t[k - 1] != '(' && n - k < 40)
				k--;
			if (k > 0 && t[k - 1] == '(') {
				n = k - 1;
				cut = 1;
			}
		}
		if (!cut)
			return n;
	}
}

const char *zc_doc_type(const char *title, const char *column)
{
	static const char *const interp[] = {"解读", "图解", "一图读懂", "问答", "答记者问", "问与答", "一图看懂"};
	char *t = zc_str_fold(title ? title : "");	/* （ ） become ( ) */
	const char *res = NULL;
	for (size_t i = 0; i < sizeof interp / sizeof interp[0] && !res; i++)
		for (const char *hit = strstr(t, interp[i]); hit && !res; hit = strstr(hit + 1, interp[i]))
			if (i != 0 || !part_of_word(t, hit))
				res = "解读";
	/* a 政策解读 column is strong evidence (sites.md): interpretations are often titled with
	   the title of the document they explain */
	if (!res && column && strstr(column, "解读"))
		res = "解读";
	if (!res && strstr(t, "转发"))
		res = "转发";
	if (!res) {
		/* the document word closes the title; a news column never overrides it */
		zc_str_trim(t);
		size_t n = strip_qualifiers(t, strlen(t));
		for (size_t i = 0; i < sizeof DOC_WORDS / sizeof DOC_WORDS[0] && !res; i++) {
			size_t wl = strlen(DOC_WORDS[i][0]);
			if (n >= wl && !memcmp(t + n - wl, DOC_WORDS[i][0], wl))
				res = DOC_WORDS[i][1];
		}
	}
	if (!res && column && (strstr(column, "新闻") || strstr(column, "动态") || strstr(column, "要闻")))
		res = "新闻";
	free(t);
	return res ? res : "other";
}

size_t zc_doc_types(const char **out, size_t max)
{
	/* the distinct second words of DOC_WORDS, then what the title or column says otherwise */
	static const char *const others[] = {"解读", "转发", "新闻", "other"};
	const char *seen[sizeof DOC_WORDS / sizeof DOC_WORDS[0] + 4];
	size_t n = 0;
	for (size_t i = 0; i < sizeof DOC_WORDS / sizeof DOC_WORDS[0]; i++) {
		size_t k = 0;
		while (k < n && strcmp(seen[k], DOC_WORDS[i][1]))
			k++;
		if (k == n)
			seen[n++] = DOC_WORDS[i][1];
	}
	for (size_t i = 0; i < 4; i++)
		seen[n++] = others[i];
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = seen[i];
	return n;
}

int zc_doc_abolishes(const char *title)
{
	if (!title || (!strstr(title, "废止") && !strstr(title, "宣布失效") && !strstr(title, "失效")))
		return 0;
	const char *ty = zc_doc_type(title, "");
	return !strcmp(ty, "决定") || !strcmp(ty, "通知") || !strcmp(ty, "公告") || !strcmp(ty, "通告") ||
	       !strcmp(ty, "令");
}

char *zc_url_resolve(const char *base, const char *href)
{
	if (!href)
		return NULL;
	char *h = zc_strdup(href);
	zc_str_trim(h);
	if (!*h || zc_str_starts(h, "javascript:") || zc_str_starts(h, "mailto:") || h[0] == '#') {
		free(h);
		return NULL;
	}
	xmlChar *u = xmlBuildURI((const xmlChar *)h, (const xmlChar *)base);
	free(h);
	if (!u)
		return NULL;
	char *r = zc_strdup((const char *)u);
	xmlFree(u);
	char *hash = strchr(r, '#');
	if (hash)
		*hash = '\0';
	return r;
}
