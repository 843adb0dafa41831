/*
 * meta.c - metadata as pages label it, whatever the layout.
 *
 * Sites write the same labels in many shapes: a label cell and a value cell (table rows, dt/dd,
 * div or span pairs), or label and value in one cell (<td><b>发文机关：</b>省政府办公厅</td>),
 * several pairs on one line (发布时间：2024-01-02　来源：省卫生健康委), labels padded with
 * spaces, U+00A0 or U+3000 (文　　号, 发 文 机 关), followed by an ASCII colon, a full-width colon
 * or nothing.  So labels are a vocabulary, matched with the padding skipped, and pairing is one
 * rule over the page's cells: a label's value is the rest of its cell up to the next label, or,
 * when the cell holds the label alone, the next cell.  Labels of no interest (索引号, 来源,
 * 浏览次数 ...) are in the vocabulary too: they end the value before them.
 */
#include "internal.h"
#include "parser.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

enum field { F_NONE, F_TITLE, F_ISSUERS, F_WRITTEN, F_DOCNO, F_PUBLISHED, F_VALIDITY };

static const struct label {
	const char *text;	/* without padding */
	enum field field;
} LABELS[] = {
	{"标题", F_TITLE}, {"文件标题", F_TITLE}, {"文件名称", F_TITLE}, {"名称", F_TITLE}, {"题名", F_TITLE},
	{"发文机关", F_ISSUERS}, {"发布机构", F_ISSUERS}, {"发文单位", F_ISSUERS}, {"发布单位", F_ISSUERS},
	{"发文机构", F_ISSUERS}, {"制发机关", F_ISSUERS}, {"发文部门", F_ISSUERS}, {"成文单位", F_ISSUERS},
	{"发布机关", F_ISSUERS}, {"制定机关", F_ISSUERS}, {"颁布机关", F_ISSUERS}, {"发布部门", F_ISSUERS},
	{"成文日期", F_WRITTEN}, {"发文日期", F_WRITTEN}, {"成文时间", F_WRITTEN}, {"印发日期", F_WRITTEN},
	{"签发日期", F_WRITTEN}, {"制发日期", F_WRITTEN}, {"发文时间", F_WRITTEN},
	{"发文字号", F_DOCNO}, {"文号", F_DOCNO}, {"发文号", F_DOCNO}, {"文件编号", F_DOCNO},
	{"文件字号", F_DOCNO}, {"发文文号", F_DOCNO},
	{"发布日期", F_PUBLISHED}, {"发布时间", F_PUBLISHED}, {"公开日期", F_PUBLISHED},
	{"公开时间", F_PUBLISHED}, {"公布日期", F_PUBLISHED}, {"公布时间", F_PUBLISHED},
	{"上网时间", F_PUBLISHED}, {"上网日期", F_PUBLISHED}, {"日期", F_PUBLISHED}, {"时间", F_PUBLISHED},
	{"有效性", F_VALIDITY}, {"时效性", F_VALIDITY}, {"效力状态", F_VALIDITY}, {"有效状态", F_VALIDITY},
	{"是否有效", F_VALIDITY}, {"效力", F_VALIDITY}, {"时效", F_VALIDITY}, {"状态", F_VALIDITY},
	/* labels whose values zhengce does not keep: they end the value before them */
	{"索引号", F_NONE}, {"主题分类", F_NONE}, {"分类", F_NONE}, {"体裁分类", F_NONE}, {"组配分类", F_NONE},
	{"服务对象分类", F_NONE}, {"公开方式", F_NONE}, {"公开范围", F_NONE}, {"公开形式", F_NONE},
	{"主题词", F_NONE}, {"关键词", F_NONE}, {"来源", F_NONE}, {"信息来源", F_NONE}, {"文章来源", F_NONE},
	{"作者", F_NONE}, {"浏览次数", F_NONE}, {"访问次数", F_NONE}, {"阅读次数", F_NONE}, {"点击数", F_NONE},
	{"浏览量", F_NONE}, {"字体", F_NONE}, {"字号", F_NONE}, {"责任编辑", F_NONE}, {"编辑", F_NONE},
	{"发布人", F_NONE}, {"统一编号", F_NONE}, {"登记号", F_NONE}, {"所属机构", F_NONE},
	{"失效日期", F_NONE}, {"失效时间", F_NONE}, {"施行日期", F_NONE}, {"生效日期", F_NONE},
	{"实施日期", F_NONE}, {"废止日期", F_NONE}, {"信息分类", F_NONE}, {"内容概述", F_NONE},
	{"摘要", F_NONE}, {"文种", F_NONE}, {"所属主题", F_NONE}, {"发布级别", F_NONE},
};
#define NLABELS (sizeof LABELS / sizeof LABELS[0])

/* labels the cell must carry a colon after, or stand alone in: common words at the start of
   a sentence otherwise */
static int weak_label(const char *t)
{
	return !strcmp(t, "名称") || !strcmp(t, "日期") || !strcmp(t, "时间") || !strcmp(t, "状态") ||
	       !strcmp(t, "效力") || !strcmp(t, "时效") || !strcmp(t, "分类") || !strcmp(t, "来源") ||
	       !strcmp(t, "作者") || !strcmp(t, "编辑") || !strcmp(t, "字号") || !strcmp(t, "字体") ||
	       !strcmp(t, "摘要") || !strcmp(t, "文种") || !strcmp(t, "标题");
}

/* labels of the disclosure tables, whose values zhengce does not keep */
static int table_label(const char *t)
{
	static const char *const v[] = {"索引号", "主题分类", "体裁分类", "组配分类", "服务对象分类",
					"公开方式", "公开范围", "公开形式", "主题词", "统一编号", "登记号",
					"所属机构", "信息分类", "文种", "所属主题", "发布级别", "施行日期",
					"生效日期", "实施日期", "失效日期", "失效时间", "废止日期"};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (!strcmp(t, v[i]))
			return 1;
	return 0;
}

static int is_colon(const char *p, int *len)
{
	if (*p == ':') {
		*len = 1;
		return 1;
	}
	if (!strncmp(p, "：", 3) || !strncmp(p, "︰", 3)) {
		*len = 3;
		return 1;
	}
	return 0;
}

/* padding between and around a label's characters */
static int skip_pad(const char *p)
{
	int n = 0;
	for (;;) {
		unsigned cp;
		int k = zc_utf8_next(p + n, &cp);
		if (!p[n] || !zc_is_space_cp(cp))
			return n;
		n += k;
	}
}

/*
 * The label starting at p, padding skipped: its index, *end the byte after it (and after a
 * colon, and the padding after that), *colon whether a colon followed.  The longest label
 * wins.  -1 when none.
 */
static int label_at(const char *p, const char **end, int *colon)
{
	int best = -1;
	size_t best_len = 0;
	const char *q = p;
	int k;
	if (!strncmp(q, "【", 3))
		q += 3;
	else if (*q == '[')
		q++;
	for (size_t i = 0; i < NLABELS; i++) {
		const char *l = LABELS[i].text, *s = q;
		while (*l) {
			unsigned cp;
			int n = zc_utf8_next(l, &cp);
			if (strncmp(s, l, (size_t)n) != 0)
				break;
			l += n;
			s += n;
			if (*l)
				s += skip_pad(s);
		}
		if (*l)
			continue;
		size_t len = strlen(LABELS[i].text);
		if (len > best_len) {
			best_len = len;
			best = (int)i;
			*end = s;
		}
	}
	if (best < 0)
		return -1;
	const char *s = *end;
	s += skip_pad(s);
	if (!strncmp(s, "】", 3))
		s += 3;
	else if (*s == ']')
		s++;
	s += skip_pad(s);
	*colon = is_colon(s, &k);
	if (*colon)
		s += k + skip_pad(s + k);
	*end = s;
	return best;
}

/* what may stand right before a label inside a cell: the end of a value */
static int boundary_before(const char *cell, const char *p)
{
	if (p == cell)
		return 1;
	unsigned char c = (unsigned char)p[-1];
	if (c == ' ' || c == '|' || c == ']' || c == ')' || c == ';')
		return 1;
	static const char *const marks[] = {"】", "）", "；", "　", "|", "丨", "｜"};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		size_t n = strlen(marks[i]);
		if ((size_t)(p - cell) >= n && !strncmp(p - n, marks[i], n))
			return 1;
	}
	return 0;
}

typedef struct hit {
	int label;
	const char *start, *value;	/* the label, and its value (after colon and padding) */
	int colon;
} hit;

/* the labels of one cell, in order; at most max */
static size_t cell_labels(const char *cell, hit *hits, size_t max, int strict)
{
	size_t n = 0;
	for (const char *p = cell; *p && n < max;) {
		const char *end;
		int colon, i;
		if (boundary_before(cell, p) && (i = label_at(p, &end, &colon)) >= 0) {
			/* inside a cell a label stands before a colon; at the start of one it may
			   stand alone or before its value after a space */
			int ok = colon || (p == cell && (!*end || !weak_label(LABELS[i].text)));
			if (strict && weak_label(LABELS[i].text))
				ok = 0;
			if (ok) {
				hits[n++] = (hit){i, p, end, colon};
				p = end;
				continue;
			}
		}
		unsigned cp;
		p += zc_utf8_next(p, &cp);
	}
	return n;
}

static char **slot_of(meta_fields *m, enum field f)
{
	switch (f) {
	case F_TITLE: return &m->title;
	case F_ISSUERS: return &m->issuers;
	case F_WRITTEN: return &m->written;
	case F_DOCNO: return &m->docno;
	case F_PUBLISHED: return &m->published;
	case F_VALIDITY: return &m->validity;
	default: return NULL;
	}
}

/* "无", "-", "暂无": the page says there is none */
static int says_none(const char *v)
{
	static const char *const none[] = {"无", "-", "--", "—", "/", "暂无", "空", "null", "无文号"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		if (!strcmp(v, none[i]))
			return 1;
	return 0;
}

/* a value fit for its field: dates hold a date, a validity a validity word */
static int plausible(enum field f, const char *v)
{
	char d[11];
	size_t n = zc_cp_count(v);
	switch (f) {
	case F_WRITTEN:
	case F_PUBLISHED:
		return zc_date_find(v, d) == ZC_OK;
	case F_VALIDITY:
		return strstr(v, "有效") || strstr(v, "失效") || strstr(v, "废止") || strstr(v, "现行") ||
		       strstr(v, "修订") || strstr(v, "修改");
	case F_TITLE:
		return n >= 4 && n <= 300;
	case F_ISSUERS:
		return n >= 2 && n <= 200;
	case F_DOCNO: {
		char *dn = zc_docno_normalize(v);
		int ok = n <= 80 && *dn;
		free(dn);
		return ok;
	}
	default:
		return 1;
	}
}

static void set_value(meta_fields *m, enum field f, const char *v, size_t len)
{
	char **slot = slot_of(m, f);
	if (!slot || *slot)
		return;
	char *s = zc_strndup(v, len);
	zc_str_trim(s);
	if (*s && says_none(s)) {
		/* the page says there is none: nothing to look for elsewhere either */
		if (f == F_DOCNO)
			*slot = zc_strdup("");
	} else if (*s && plausible(f, s)) {
		*slot = s;
		s = NULL;
	}
	free(s);
}

void zc_meta_read(pcells *cells, meta_fields *m, int in_body, int strict)
{
	hit hits[16];
	unsigned want = in_body ? PCELL_IN_BODY : 0;
	for (size_t c = 0; c < cells->n; c++) {
		const char *text = cells->v[c].text;
		if ((cells->v[c].flags & PCELL_IN_BODY) != want || zc_cp_count(text) > 400)
			continue;
		size_t n = cell_labels(text, hits, sizeof hits / sizeof hits[0], strict);
		if (!n)
			continue;
		int meta = hits[0].start == text;
		for (size_t h = 0; h < n; h++) {
			enum field f = LABELS[hits[h].label].field;
			const char *v = hits[h].value;
			const char *e = h + 1 < n ? hits[h + 1].start : v + strlen(v);
			if (e == v && h + 1 == n && c + 1 < cells->n &&
			    (cells->v[c + 1].flags & PCELL_IN_BODY) == want) {
				/* the label alone: its value is the next cell, unless that is a label */
				hit nh[1];
				const char *next = cells->v[c + 1].text;
				if (cell_labels(next, nh, 1, 0) && nh[0].start == next)
					continue;
				if (zc_cp_count(next) <= 300) {
					if (f != F_NONE)
						set_value(m, f, next, strlen(next));
					/* a disclosure table's cell (索引号 / its value), not the page's tools
					   (字号：大 中 小) before the text */
					if (meta && (f != F_NONE || table_label(LABELS[hits[h].label].text)))
						cells->v[c + 1].flags |= PCELL_META;
				}
				continue;
			}
			if (f != F_NONE)
				set_value(m, f, v, (size_t)(e - v));
		}
		if (meta && zc_cp_count(text) <= 120)
			cells->v[c].flags |= PCELL_META;
	}
}

void zc_meta_free(meta_fields *m)
{
	free(m->title);
	free(m->issuers);
	free(m->written);
	free(m->docno);
	free(m->published);
	free(m->validity);
	memset(m, 0, sizeof *m);
}
