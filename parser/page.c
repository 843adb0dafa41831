#define _GNU_SOURCE	/* strcasestr */
/*
 * page.c - one article page to a zc_doc.
 *
 * The HTML is decoded to UTF-8 (charset.c) and parsed by libxml2's HTML parser in recover
 * mode with no network access, then read as cells of text (dom.c).  Each field comes from the
 * most trusted place that has it (docs/DESIGN.md, "Reading a page"):
 *   title      the metadata's 标题, the ArticleTitle tag, the title block, <title>
 *   docno      the metadata's 文号, else a line that is only a document number just before
 *              or at the top of the text
 *   issuers    the metadata's 发文机关 (abbreviations given in full where the page names the
 *              full body), else the document's own signature block, else the title's
 *              "XX关于…" or a "XX文件" head
 *   written    the document's own signature date (the metadata's 成文日期 is at times the
 *              date a decree signed years earlier was uploaded), else the metadata's, else a
 *              dated note under the title (（2007年3月16日…通过）)
 *   published  the metadata's 发布日期 or 发布时间, else the PubDate and firstpublishedtime tags
 *   validity   the metadata's 有效性, else a stamp (已失效), else a note (本文件已于…废止)
 *   body       the content container's cells (body.c) without metadata, page furniture, the
 *              document number line, the signature block and its notes, attachment links
 * The signature block is the FIRST after the main text: [issuer lines] date line, followed by
 * the end, notes (（此件主动公开）, 来源：, 附件 …) or, when issuer lines stand above the
 * date, anything (an annex, a forwarded document with its own signature).
 */
#include "parser.h"
#include "internal.h"
#include "../common/zc.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* -- what the parser looks at besides the text ------------------------------------------- */

#define MAX_HEADS 16
typedef struct marks {
	xmlNode *title, *body, *stamp;
	xmlNode *heads[MAX_HEADS];	/* title block candidates, in page order */
	size_t n_heads;
	xmlNode **metas;
	size_t n_metas;
	int stamp_alt;			/* an image stamp: 1 失效, 2 废止 */
} marks;

static int title_class(const char *cls, const char *id)
{
	static const char *const names[] = {"tit", "title", "article-title", "article_title", "bt",
					    "biaoti", "con_title", "news_title", "detail-title",
					    "art_title", "sp_title", "xxgk_title", "content-title",
					    "ivs_title", "con-title", "main-title", "newstitle"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((cls && zc_class_has(cls, names[i])) || (id && !strcasecmp(id, names[i])))
			return 1;
	return 0;
}

static void marks_walk(xmlNode *n, marks *m)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (!strcasecmp(name, "meta")) {
			m->metas = zc_realloc(m->metas, (m->n_metas + 1) * sizeof *m->metas);
			m->metas[m->n_metas++] = n;
			continue;
		}
		if (!strcasecmp(name, "title")) {
			if (!m->title)
				m->title = n;
			continue;
		}
		if (!strcasecmp(name, "head")) {
			marks_walk(n->children, m);
			continue;
		}
		if (zc_node_hidden(n))
			continue;
		if (!m->body && !strcasecmp(name, "body"))
			m->body = n;
		xmlChar *own_cls, *own_id;
		const char *cls = zc_node_prop(n, "class", &own_cls), *id = zc_node_prop(n, "id", &own_id);
		int head = !strcasecmp(name, "h1") || !strcasecmp(name, "h2") || title_class(cls, id);
		if (head && m->n_heads < MAX_HEADS)
			m->heads[m->n_heads++] = n;
		if (!m->stamp && ((cls && strstr(cls, "yxx")) || (id && strstr(id, "yxx"))))
			m->stamp = n;
		if (!strcasecmp(name, "img")) {
			xmlChar *own;
			const char *alt = zc_node_prop(n, "alt", &own);
			if (alt && strstr(alt, "废止"))
				m->stamp_alt = 2;
			else if (alt && strstr(alt, "失效") && !m->stamp_alt)
				m->stamp_alt = 1;
			xmlFree(own);
		}
		xmlFree(own_cls);
		xmlFree(own_id);
		marks_walk(n->children, m);
	}
}

typedef struct tags {
	char *title, *pubdate, *coltype, *colname, *firstpub, *source, *site;
} tags;

static void set_once(char **slot, const char *v)
{
	if (!*slot && v && *v)
		*slot = zc_strdup(v);
}

/* the government meta tags zhengce reads (sites.md), and where each goes */
static const struct {
	const char *name;
	size_t at;
} TAGS[] = {
	{"ArticleTitle", offsetof(tags, title)}, {"PubDate", offsetof(tags, pubdate)},
	{"ColumnType", offsetof(tags, coltype)}, {"ColumnName", offsetof(tags, colname)},
	{"firstpublishedtime", offsetof(tags, firstpub)}, {"ContentSource", offsetof(tags, source)},
	{"SiteName", offsetof(tags, site)},
};

static void meta_tags(const marks *mk, tags *t)
{
	for (size_t i = 0; i < mk->n_metas; i++) {
		xmlNode *n = mk->metas[i];
		xmlChar *own_n, *own_c;
		const char *nm = zc_node_prop(n, "name", &own_n), *c = zc_node_prop(n, "content", &own_c);
		for (size_t k = 0; nm && c && k < sizeof TAGS / sizeof TAGS[0]; k++)
			if (!strcasecmp(nm, TAGS[k].name)) {
				set_once((char **)((char *)t + TAGS[k].at), c);
				break;
			}
		xmlFree(own_n);
		xmlFree(own_c);
	}
}

static void tags_free(tags *t)
{
	free(t->title);
	free(t->pubdate);
	free(t->coltype);
	free(t->colname);
	free(t->firstpub);
	free(t->source);
	free(t->site);
}

/* -- attachments ----------------------------------------------------------------------------- */

static int attachment_name(const char *h)
{
	static const char *const ext[] = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar",
					  ".wps", ".ofd", ".et", ".7z", ".txt", ".ppt", ".pptx",
					  ".csv", ".tif", ".ceb", ".caj"};
	const char *q = strpbrk(h, "?#");
	size_t n = q ? (size_t)(q - h) : strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == ')' ))
		n--;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t el = strlen(ext[i]);
		if (n >= el && strncasecmp(h + n - el, ext[i], el) == 0)
			return 1;
	}
	return 0;
}

static int attachment_link(const char *href, const char *text)
{
	if (attachment_name(href) || attachment_name(text))
		return 1;
	static const char *const dl[] = {"downfile.jsp", "download.jsp", "downloadfile", "filedownload",
					 "/download?", "attachment.jsp", "getfile", "downattach"};
	for (size_t i = 0; i < sizeof dl / sizeof dl[0]; i++)
		if (strcasestr(href, dl[i]))
			return 1;
	return 0;
}

/* attachments found so far: URLs seen, and the blocks holding their links with the code
   points of link text in each (a line of them is no text) */
typedef struct attach_seen {
	zc_pmap urls, blocks;
	size_t cap;
} attach_seen;

static xmlNode *block_of(xmlNode *n)
{
	for (n = n->parent; n && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (zc_node_is_block((const char *)n->name))
			return n;
	return n;
}

static void attachments(xmlNode *n, const char *base, zc_doc *d, attach_seen *seen)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || zc_node_hidden(n))
			continue;
		if (strcasecmp((const char *)n->name, "a") != 0) {
			attachments(n->children, base, d, seen);
			continue;
		}
		xmlChar *own;
		const char *href = zc_node_prop(n, "href", &own);
		char *text = zc_node_text(n);
		char *u = href && *href && attachment_link(href, text) ? zc_url_resolve(base, href) : NULL;
		if (u) {
			int known;
			zc_pmap_get(&seen->urls, u, &known);
			if (known) {
				free(u);
				u = NULL;
			}
		}
		if (u) {
			zc_pmap_add(&seen->blocks, block_of(n), zc_cp_count(text));
			if (!*text) {
				xmlChar *own_t;
				const char *t = zc_node_prop(n, "title", &own_t);
				free(text);
				text = zc_strdup(t ? t : "");
				xmlFree(own_t);
			}
			if (d->n_attachments == seen->cap) {
				seen->cap = seen->cap ? seen->cap * 2 : 8;
				d->attachments = zc_realloc(d->attachments, seen->cap * sizeof *d->attachments);
			}
			d->attachments[d->n_attachments].name = text;
			d->attachments[d->n_attachments].url = u;
			zc_pmap_add(&seen->urls, u, 0);	/* the map keeps the pointer: d owns it */
			d->n_attachments++;
			text = NULL;
		}
		free(text);
		xmlFree(own);
	}
}

/* -- lines of the text ------------------------------------------------------------------------ */

static int starts_any(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (zc_str_starts(s, v[i]))
			return 1;
	return 0;
}

/* page furniture that turns up inside content containers */
static int furniture(const char *t)
{
	static const char *const starts[] = {"当前位置", "您的位置", "您现在的位置", "你的位置", "当前的位置",
					     "所在位置", "分享到", "上一篇", "下一篇", "【打印", "[打印",
					     "打印本页", "关闭窗口", "【关闭", "【字体", "字体：", "字号：",
					     "扫一扫"};
	static const char *const headings[] = {"相关链接", "相关文件", "相关阅读", "相关稿件", "相关新闻",
					       "相关附件", "附件下载"};
	static const char *const within[] = {"浏览次数", "访问次数", "阅读次数", "点击数", "浏览量",
					     "ICP备", "网站标识码", "主办单位", "版权所有", "技术支持",
					     "网站地图", "打印本页", "关闭窗口", "公网安备", "分享到"};
	if (starts_any(t, starts, sizeof starts / sizeof starts[0]))
		return 1;
	if (starts_any(t, headings, sizeof headings / sizeof headings[0]) &&
	    (zc_cp_count(t) <= 6 || strstr(t, "：") || strchr(t, ':')))
		return 1;
	if (zc_cp_count(t) > 60)
		return 0;
	for (size_t i = 0; i < sizeof within / sizeof within[0]; i++)
		if (strstr(t, within[i]))
			return 1;
	return 0;
}

static const char *const ORG_SUFFIX[] = {"委员会", "人民政府", "政府", "办公厅", "办公室", "厅", "局",
					 "委", "部", "院", "署", "中心", "会", "处", "司", "领导小组",
					 "小组", "办", "联", "社", "总队", "集团", "银行"};

int zc_is_org_name(const char *s)
{
	size_t n = zc_cp_count(s);
	if (n < 2 || n > 40 || strstr(s, "。") || strstr(s, "，") || strstr(s, "：") || strchr(s, ':') ||
	    strstr(s, "；"))
		return 0;
	/* a suffix alone (委员会, 办公厅) is the tail of a name broken over two lines */
	for (size_t i = 0; i < sizeof ORG_SUFFIX / sizeof ORG_SUFFIX[0]; i++)
		if (!strcmp(s, ORG_SUFFIX[i]) || !strcmp(s, "员会") || !strcmp(s, "公厅"))
			return 0;
	for (size_t i = 0; i < sizeof ORG_SUFFIX / sizeof ORG_SUFFIX[0]; i++)
		if (zc_str_ends(s, ORG_SUFFIX[i]))
			return 1;
	return 0;
}

/* an issuer line: one name, or several side by side separated by spaces (joint signatures);
   a seal note after the name ((印章), （盖章）) is no part of it */
static int is_org_line(const char *spaced)
{
	char *t = zc_tidy(spaced);
	int ok = zc_is_org_name(t);
	free(t);
	if (ok)
		return 1;
	/* several names */
	char *s = zc_strdup(spaced);
	int names = 0, bad = 0;
	for (char *p = s, *e; *p; p = e) {
		while (*p == ' ')
			p++;
		for (e = p; *e && *e != ' '; e++)
			;
		if (e == p)
			break;
		char c = *e;
		*e = '\0';
		if (zc_is_org_name(p))
			names++;
		else
			bad++;
		*e = c;
	}
	free(s);
	return names >= 1 && !bad;
}

/* a signer of a decree: 总理　李克强, 省长 易炼红 */
static int is_signer_line(const char *spaced)
{
	static const char *const titles[] = {"总理", "省长", "市长", "主席", "部长", "主任", "区长",
					     "县长", "州长", "代省长", "代市长", "署长", "局长"};
	char *t = zc_tidy(spaced);
	size_t n = zc_cp_count(t);
	int ok = 0;
	for (size_t i = 0; i < sizeof titles / sizeof titles[0] && !ok; i++)
		ok = zc_str_starts(t, titles[i]) && n >= zc_cp_count(titles[i]) + 2 && n <= zc_cp_count(titles[i]) + 4;
	free(t);
	return ok;
}

/* a name and its date on one line: 国家卫生健康委办公厅　2019年5月14日; the name's length in
   bytes, or 0 */
static size_t org_date_line(const char *spaced, char out[11])
{
	size_t cut = 0;
	if (zc_cp_count(spaced) > 60)
		return 0;
	/* the date may itself hold spaces (2019年 5月 14日): try each space from the first */
	for (const char *p = strchr(spaced, ' '); p && !cut; p = strchr(p + 1, ' ')) {
		char *head = zc_strndup(spaced, (size_t)(p - spaced));
		char *tail = zc_tidy(p + 1);
		if (zc_cp_count(tail) <= 16 && zc_date_find(tail, out) == ZC_OK && is_org_line(head)) {
			char *f = zc_str_fold(tail);
			if ((f[0] >= '0' && f[0] <= '9') || zc_str_starts(f, "二"))
				cut = (size_t)(p - spaced);
			free(f);
		}
		free(head);
		free(tail);
	}
	return cut;
}

static int is_date_line(const char *spaced, char out[11])
{
	char *t = zc_tidy(spaced);
	int ok = zc_cp_count(t) <= 16 && zc_date_find(t, out) == ZC_OK;
	free(t);
	return ok;
}

static int note_line(const char *t)
{
	static const char *const notes[] = {"（此件", "(此件", "（联系", "(联系", "联系人", "联系电话", "来源：",
					    "来源:", "信息来源", "（信息公开", "(信息公开", "（公开", "(公开",
					    "（本件", "(本件", "（此页", "(此页", "（本文", "(本文", "抄送",
					    "主送", "公开方式", "（主动公开", "(主动公开", "主动公开"};
	return starts_any(t, notes, sizeof notes / sizeof notes[0]);
}

static int annex_line(const char *t)
{
	return zc_str_starts(t, "附件") || zc_str_starts(t, "附表") || zc_str_starts(t, "附：") ||
	       zc_str_starts(t, "附:") || zc_str_starts(t, "附录");
}

/* names in one issuer line: split at spaces where every piece is a name, else one name */
static void add_issuers_line(const char *spaced, char ***v, size_t *n)
{
	char *s = zc_str_replace(spaced, "、", " ");
	char *g = zc_str_replace(s, "，", " ");
	free(s);
	s = zc_str_replace(g, "；", " ");
	free(g);
	g = s;
	char *joined = zc_tidy(g);
	int all = 1, pieces = 0;
	for (char *p = g, *e; *p; p = e) {
		while (*p == ' ' || *p == ',' || *p == ';')
			p++;
		for (e = p; *e && *e != ' ' && *e != ',' && *e != ';'; e++)
			;
		if (e == p)
			break;
		char c = *e;
		*e = '\0';
		pieces++;
		if (!zc_is_org_name(p))
			all = 0;
		*e = c;
	}
	if (pieces > 1 && all) {
		for (char *p = g, *e; *p; p = e) {
			while (*p == ' ' || *p == ',' || *p == ';')
				p++;
			for (e = p; *e && *e != ' ' && *e != ',' && *e != ';'; e++)
				;
			if (e == p)
				break;
			*v = zc_realloc(*v, (*n + 1) * sizeof **v);
			(*v)[(*n)++] = zc_strndup(p, (size_t)(e - p));
		}
		free(joined);
	} else if (*joined) {
		*v = zc_realloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = joined;
	} else {
		free(joined);
	}
	free(g);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* whether every code point of a occurs in b in order (省政府办公厅 in 浙江省人民政府办公厅) */
static int subsequence(const char *a, const char *b)
{
	while (*a && *b) {
		unsigned ca, cb;
		int na = zc_utf8_next(a, &ca), nb = zc_utf8_next(b, &cb);
		if (ca == cb)
			a += na;
		b += nb;
	}
	return !*a;
}

/* the signature block found in the body's cells */
typedef struct signature {
	size_t start, date, end;	/* issuer lines [start, date), date line, notes up to end */
	size_t inline_org;		/* bytes of a name before the date on the date line, or 0 */
	char date_iso[11];
	int found;
} signature;

static int in_table_within(const pcell *c, xmlNode *container)
{
	for (xmlNode *n = c->node; n && n != container; n = n->parent)
		if (n->type == XML_ELEMENT_NODE &&
		    (!strcasecmp((const char *)n->name, "td") || !strcasecmp((const char *)n->name, "th")))
			return 1;
	return 0;
}

/* the first signature block whose date line is at or after from */
static void find_signature(pcells *b, xmlNode *container, size_t from, signature *sg)
{
	memset(sg, 0, sizeof *sg);
	for (size_t i = from ? from : 1; i < b->n; i++) {
		char date[11];
		size_t inline_org = 0;
		if (!is_date_line(b->v[i].text, date) && !(inline_org = org_date_line(b->v[i].text, date)))
			continue;
		int in_table = container && in_table_within(&b->v[i], container) && !(b->v[i].flags & PCELL_RIGHT);
		size_t j = i, orgs = 0;
		while (j > 1 && orgs < 4) {
			if (is_org_line(b->v[j - 1].text) || is_signer_line(b->v[j - 1].text)) {
				j--;
				orgs++;
				continue;
			}
			/* a name broken over two lines: 浙江省卫生健康 / 委员会 */
			if (j > 2) {
				char *a = zc_tidy(b->v[j - 2].text), *c = zc_tidy(b->v[j - 1].text);
				char *both = zc_str_join(a, "", c);
				int merge = zc_cp_count(a) <= 20 && zc_cp_count(c) <= 20 && zc_is_org_name(both) &&
					    !(a[0] >= '0' && a[0] <= '9');
				free(a);
				free(c);
				free(both);
				if (merge) {
					j -= 2;
					orgs++;
					continue;
				}
			}
			break;
		}
		size_t k = i + 1;
		while (k < b->n && note_line(b->v[k].text))
			k++;
		int tail = k == b->n || annex_line(b->v[k].text) || k > i + 1;
		/* a date in a table of the text (a schedule) is no signature without names */
		if (!orgs && !inline_org && (!tail || in_table))
			continue;
		if (inline_org && !orgs && !tail)
			continue;
		if (j == 0)
			continue;
		sg->start = j;
		sg->date = i;
		sg->inline_org = inline_org;
		sg->end = k;
		memcpy(sg->date_iso, date, 11);
		sg->found = 1;
		return;
	}
}

/* the signature's issuer lines as names, lines broken inside a name joined */
static void signature_issuers(const pcells *b, const signature *sg, char ***v, size_t *n)
{
	for (size_t i = sg->start; i < sg->date; i++) {
		const char *line = b->v[i].text;
		if (is_signer_line(line))
			continue;
		/* a name broken over two lines: 浙江省卫生健康 / 委员会, 海南省人民政府 / 办公厅 */
		if (i + 1 < sg->date && !is_org_line(b->v[i + 1].text) && !is_signer_line(b->v[i + 1].text)) {
			char *both = zc_str_join(line, "", b->v[i + 1].text), *t = zc_tidy(both);
			int joined = zc_is_org_name(t);
			if (joined)
				add_issuers_line(both, v, n);
			free(t);
			free(both);
			if (joined) {
				i++;
				continue;
			}
		}
		if (is_org_line(line))
			add_issuers_line(line, v, n);
	}
	if (sg->inline_org) {
		char *head = zc_strndup(b->v[sg->date].text, sg->inline_org);
		add_issuers_line(head, v, n);
		free(head);
	}
}

/* "XX关于…的通知", "XX印发…": XX when it names bodies */
static void title_issuers(const char *title, char ***v, size_t *n)
{
	static const char *const verbs[] = {"关于", "印发", "转发", "批转", "发布", "公布"};
	const char *p = NULL;
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		const char *q = strstr(title, verbs[i]);
		if (q && q != title && (!p || q < p))
			p = q;
	}
	if (!p)
		return;
	char *pre = zc_strndup(title, (size_t)(p - title));
	char *spaced = zc_str_replace(pre, "、", " ");
	if (is_org_line(spaced))
		add_issuers_line(spaced, v, n);
	free(spaced);
	free(pre);
}

/* s without the quotation marks of titles (《》 〈〉 “”); new string */
static char *without_quotes(const char *s)
{
	static const char *const quotes[] = {"《", "》", "〈", "〉", "“", "”"};
	char *t = zc_strdup(s);
	for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
		char *r = zc_str_replace(t, quotes[i], "");
		free(t);
		t = r;
	}
	return t;
}

/* The name of the document a notice prints or forwards, from its title (关于印发XX的通知: XX,
   quotation marks dropped); NULL when the title prints nothing. */
static char *printed_name(const char *title)
{
	static const char *const verbs[] = {"印发", "转发", "批转", "颁布", "发布", "公布"};
	const char *p = NULL;
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		const char *q = strstr(title, verbs[i]);
		if (q && (!p || q < p))
			p = q;
	}
	if (!p)
		return NULL;
	char *t = zc_strdup(p + strlen("印发"));
	static const char *const tails[] = {"的通知", "的决定", "的公告", "的通告", "的命令", "的函"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
		if (zc_str_ends(t, tails[i])) {
			t[strlen(t) - strlen(tails[i])] = '\0';
			break;
		}
	char *name = without_quotes(t);
	free(t);
	return name;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* the character bigrams of s, two code points packed in each, sorted; *n gets their count */
static uint64_t *bigrams(const char *s, size_t *n)
{
	size_t cps = zc_cp_count(s);
	uint64_t *v = zc_malloc((cps ? cps : 1) * sizeof *v);
	unsigned prev = 0, cp;
	*n = 0;
	for (const char *p = s; *p;) {
		p += zc_utf8_next(p, &cp);
		if (p != s && prev)
			v[(*n)++] = ((uint64_t)prev << 32) | cp;
		prev = cp;
	}
	qsort(v, *n, sizeof *v, cmp_u64);
	return v;
}

/* Dice's coefficient of two strings' character bigrams at least 0.7: the same name written a
   little differently (关于完善…若干措施 and 关于完善…的若干措施) */
static int similar(const char *a, const char *b)
{
	size_t na, nb, common = 0;
	uint64_t *va = bigrams(a, &na), *vb = bigrams(b, &nb);
	for (size_t i = 0, k = 0; i < na && k < nb;) {
		if (va[i] == vb[k]) {
			common++;
			i++;
			k++;
		} else if (va[i] < vb[k]) {
			i++;
		} else {
			k++;
		}
	}
	free(va);
	free(vb);
	return na + nb > 0 && 2.0 * (double)common / (double)(na + nb) >= 0.7;
}

/* whether the text after a signature, from cell i, begins with the document the title prints:
   its name as a heading among the first lines (附件 and a number before it allowed) */
static int printed_follows(const pcells *b, size_t i, const char *title)
{
	char *name = printed_name(title);
	int found = 0;
	for (size_t k = i; name && *name && k < b->n && k < i + 4 && !found; k++) {
		char *t = zc_tidy(b->v[k].text);
		const char *h = t;
		if (zc_str_starts(h, "附件"))
			for (h += strlen("附件"); (*h >= '0' && *h <= '9') || *h == ':' || zc_str_starts(h, "："); )
				h += zc_str_starts(h, "：") ? strlen("：") : 1;
		char *hh = without_quotes(h);
		found = zc_cp_count(hh) >= 4 && (strstr(name, hh) || strstr(hh, name) || similar(name, hh));
		free(hh);
		free(t);
	}
	free(name);
	return found;
}

/* the title repeated at the top of the text, on one line or broken over several: how many
   cells from i it takes, or 0 */
static size_t title_lines(const pcells *b, size_t i, const char *title)
{
	zc_buf acc;
	zc_buf_init(&acc, ZC_BUF_UNLIMITED);
	size_t k = i, used = 0;
	for (; k < b->n && k < i + 4; k++) {
		char *t = zc_tidy(b->v[k].text);
		zc_buf_cats(&acc, t);
		free(t);
		if (!zc_str_starts(title, acc.data))
			break;
		if (!strcmp(acc.data, title)) {
			used = k - i + 1;
			break;
		}
	}
	zc_buf_free(&acc);
	return used;
}

/* the place a body belongs to, from a name such as 江西省人民政府: 江西省 (or "") */
static void place_of(const char *name, char *out, size_t size)
{
	static const char *const ends[] = {"自治区", "省", "市"};
	const char *best = NULL;
	size_t bl = 0;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		const char *p = strstr(name, ends[i]);
		if (p && p != name && (!best || p < best)) {
			best = p;
			bl = strlen(ends[i]);
		}
	}
	out[0] = '\0';
	if (best && (size_t)(best - name) + bl < size)
		snprintf(out, size, "%.*s", (int)(best - name + (int)bl), name);
}

/* A line that is only a document number (浙卫发〔2020〕1号); the number normalised, or NULL */
static char *docno_line(const char *spaced)
{
	char *t = zc_tidy(spaced);
	char *dn = NULL;
	size_t n = zc_cp_count(t);
	if (n <= 40 && !strstr(t, "。")) {
		dn = zc_docno_normalize(t);
		if (!*dn || n > zc_cp_count(dn) + 4) {
			free(dn);
			dn = NULL;
		}
	}
	free(t);
	return dn;
}

/* a short line that begins with a date: 2023-12-01 14:43, 2005年08月16日　来源：新华网 */
static int dateline(const char *spaced, char out[11])
{
	char *ti = zc_tidy(spaced);
	char date[11];
	int ok = 0;
	if (zc_cp_count(ti) <= 40 && zc_date_find(ti, date) == ZC_OK) {
		char *f = zc_str_fold(ti);
		char y[5];
		memcpy(y, date, 4);
		y[4] = '\0';
		if (zc_str_starts(f, y)) {
			memcpy(out, date, 11);
			ok = 1;
		}
		free(f);
	}
	free(ti);
	return ok;
}

/* a dated note under a title: （2007年3月16日第十届全国人民代表大会第五次会议通过） */
static int dated_note(const char *spaced, char date[11])
{
	char *t = zc_tidy(spaced);
	int ok = zc_cp_count(t) <= 100 && (zc_str_starts(t, "（") || zc_str_starts(t, "(")) &&
		 (zc_str_ends(t, "）") || zc_str_ends(t, ")")) && zc_date_find(t, date) == ZC_OK;
	if (!ok)
		date[0] = '\0';
	free(t);
	return ok;
}

/* the first line of a title block, or its lines joined when a long title was broken */
static char *heading_text(xmlNode *n)
{
	pcells c = {0};
	pcells_collect(n, &c);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	size_t total = 0;
	for (size_t i = 0; i < c.n; i++)
		total += zc_cp_count(c.v[i].text);
	for (size_t i = 0; i < c.n && (i == 0 || (total <= 120 && c.n <= 3)); i++) {
		char *t = zc_tidy(c.v[i].text);
		zc_buf_cats(&b, t);
		free(t);
	}
	pcells_free(&c);
	return zc_buf_take(&b);
}

static int ends_with_doc_word(const char *t)
{
	const char *ty = zc_doc_type(t, "");
	return strcmp(ty, "other") != 0 && strcmp(ty, "新闻") != 0;
}

/* markup written into an attribute's text (<div>——副题</div>) taken out */
static char *strip_tags(const char *s)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (const char *p = s; *p; p++) {
		if (*p == '<' && (p[1] == '/' || (p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))) {
			const char *e = strchr(p, '>');
			if (e) {
				p = e;
				continue;
			}
		}
		zc_buf_catc(&b, *p);
	}
	char *raw = zc_buf_take(&b), *t = zc_tidy(raw);
	free(raw);
	return t;
}

static char *choose_title(const meta_fields *m, const tags *t, const marks *mk)
{
	if (m->title)
		return strip_tags(m->title);
	if (t->title) {
		char *s = strip_tags(t->title);
		if (zc_cp_count(s) >= 4)
			return s;
		free(s);
	}
	char *tt = mk->title ? zc_node_text(mk->title) : zc_strdup("");
	char *pick = NULL, *first = NULL;
	for (size_t i = 0; i < mk->n_heads && !pick; i++) {
		char *h = heading_text(mk->heads[i]);
		if (zc_cp_count(h) < 4 || zc_cp_count(h) > 200) {
			free(h);
			continue;
		}
		if ((*tt && strstr(tt, h)) || ends_with_doc_word(h)) {
			pick = h;
		} else if (!first) {
			first = h;
		} else {
			free(h);
		}
	}
	if (!pick && *tt) {
		/* <title> is the title, then the site: 标题_网站, 标题 - 网站, 标题|网站 */
		static const char *const seps[] = {"_", " - ", "|", "——", "－", "-"};
		for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
			char *cut = strstr(tt, seps[i]);
			if (cut && cut != tt)
				*cut = '\0';
		}
		zc_str_trim(tt);
		if (first && strstr(first, tt) == NULL && zc_cp_count(tt) < 4) {
			pick = first;
			first = NULL;
		} else {
			pick = zc_tidy(tt);
		}
	}
	if (!pick)
		pick = first ? first : zc_strdup("");
	else
		free(first);
	free(tt);
	return pick;
}

static int node_within(xmlNode *n, xmlNode *anc)
{
	for (; n; n = n->parent)
		if (n == anc)
			return 1;
	return 0;
}

static const char *validity_word(const char *s)
{
	if (strstr(s, "废止"))
		return "废止";
	if (strstr(s, "失效"))
		return "失效";
	if (strstr(s, "有效") || strstr(s, "现行"))
		return "有效";
	return NULL;
}

static zc_doc *doc_new(const char *url)
{
	zc_doc *d = zc_calloc(1, sizeof *d);
	d->url = zc_strdup(url ? url : "");
	return d;
}

static void fill_empty(zc_doc *d)
{
	char **s[] = {&d->title, &d->docno, &d->type, &d->validity, &d->column, &d->body};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (!*s[i])
			*s[i] = zc_strdup("");
}

int zc_challenge_marker(const char *html)
{
	/* one pass over the page instead of one per marker: each marker has a '_' or a '\'', and
	   the page is searched for those, each found compared with the markers around it */
	for (const char *p = html; (p = strpbrk(p, "_'")) != NULL; p++) {
		size_t at = (size_t)(p - html);
		if (*p == '_') {
			if ((at >= 1 && !strncmp(p - 1, "$_ts", 4)) || !strncmp(p, "__jsl_clearance", 15) ||
			    (at >= 3 && !strncmp(p - 3, "acw_sc__v2", 10)))
				return 1;
		} else if (at >= 2 && !strncmp(p - 2, "r='m'", 5)) {
			return 1;
		}
	}
	return 0;
}

/* names found around the page that may give an abbreviation in full: meta tags, 主办 lines */
static void page_names(const tags *t, const pcells *all, char ***v, size_t *n)
{
	if (t->source && zc_is_org_name(t->source))
		add_issuers_line(t->source, v, n);
	if (t->site && zc_is_org_name(t->site))
		add_issuers_line(t->site, v, n);
	for (size_t i = 0; i < all->n; i++) {
		const char *s = all->v[i].text;
		const char *p = strstr(s, "主办");
		if (!p)
			continue;
		p += strlen("主办");
		if (zc_str_starts(p, "单位"))
			p += strlen("单位");
		while (*p == ' ' || *p == ':')
			p++;
		if (zc_str_starts(p, "："))
			p += strlen("：");
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		char *name = zc_strndup(p, (size_t)(e - p));
		if (zc_is_org_name(name)) {
			*v = zc_realloc(*v, (*n + 1) * sizeof **v);
			(*v)[(*n)++] = name;
		} else {
			free(name);
		}
	}
}

/* an abbreviated name (省政府办公厅) given in full by a name the page also shows */
static void expand_issuers(zc_doc *d, char **full, size_t n_full)
{
	for (size_t i = 0; i < d->n_issuers; i++)
		for (size_t k = 0; k < n_full; k++)
			if (strcmp(d->issuers[i], full[k]) != 0 && subsequence(d->issuers[i], full[k]) &&
			    zc_cp_count(full[k]) > zc_cp_count(d->issuers[i])) {
				free(d->issuers[i]);
				d->issuers[i] = zc_strdup(full[k]);
				break;
			}
}

/* a table's name without its place (省政府办公厅, 市卫生健康委): an abbreviation */
static int placeless(const char *s)
{
	return zc_str_starts(s, "省") || zc_str_starts(s, "市") || zc_str_starts(s, "区") ||
	       zc_str_starts(s, "县") || zc_str_starts(s, "自治区") || zc_str_starts(s, "本");
}

/* what zc_parse_page's steps share */
typedef struct page_state {
	const char *url;
	zc_doc *d;
	meta_fields m;
	tags t;
	marks mk;
	pcells all, body;		/* the page's cells; the text's */
	attach_seen seen;
	xmlNode *container, *scope;	/* the text's container (or NULL), and where the text is */
	size_t first_in;		/* the first cell inside scope */
	char **sig_names, **more;	/* issuers named by the signature, and by the title or page */
	size_t n_sig, n_more;
	char red_issuer[256];		/* the issuer of a red head (XX文件) */
	char note_date[11];		/* the date of a dated note under the title */
	signature sg;
	size_t main_end;		/* the end of the main text (before the signature) */
} page_state;

/* zc_parse_page: the body's cells, its attachments, and what is not its text dropped */
static void pp_body_cells(page_state *ps)
{
	/* the body's cells: the container's, or the page's when there is none */
	ps->first_in = ps->all.n;
	for (size_t i = 0; i < ps->all.n; i++) {
		pcell *c = &ps->all.v[i];
		if (!node_within(c->node, ps->scope))
			continue;
		if (ps->first_in == ps->all.n)
			ps->first_in = i;
		if (c->flags & PCELL_META)
			continue;
		/* a share box or a related-links box inside the container */
		int furnished = 0;
		for (xmlNode *a = c->node; a && a != ps->scope && !furnished; a = a->parent)
			furnished = a->type == XML_ELEMENT_NODE && zc_node_furniture(a);
		if (furnished)
			continue;
		if (ps->body.n == ps->body.cap) {
			ps->body.cap = ps->body.cap ? ps->body.cap * 2 : 64;
			ps->body.v = zc_realloc(ps->body.v, ps->body.cap * sizeof *ps->body.v);
		}
		ps->body.v[ps->body.n] = *c;
		ps->body.v[ps->body.n].text = zc_strdup(c->text);
		ps->body.n++;
	}
	attachments(ps->scope->children, ps->url, ps->d, &ps->seen);
	if (ps->container) {
		/* attachment lists set just after the container */
		for (xmlNode *a = ps->container, *s; a && a != ps->mk.body; a = a->parent) {
			for (s = a->next; s; s = s->next)
				if (s->type == XML_ELEMENT_NODE) {
					xmlNode *keep = s->next;
					s->next = NULL;
					attachments(s, ps->url, ps->d, &ps->seen);
					s->next = keep;
				}
			if (a->parent == ps->mk.body)
				break;
		}
	}
	/* what is not the text: furniture, attachment lines, the title repeated */
	for (size_t i = 0; i < ps->body.n && i < 3; i++) {
		size_t k = title_lines(&ps->body, i, ps->d->title);
		if (k) {
			while (k--)
				pcells_remove(&ps->body, i);
			break;
		}
	}
	{
		/* in one pass, kept cells moved down over the dropped ones */
		size_t kept = 0;
		for (size_t i = 0; i < ps->body.n; i++) {
			char *tt = zc_tidy(ps->body.v[i].text);
			int found, drop = furniture(tt);
			size_t link_cps = zc_pmap_get(&ps->seen.blocks, ps->body.v[i].node, &found);
			if (!drop && found)
				drop = zc_cp_count(tt) <= link_cps + 12;
			if (!drop && (!strcmp(tt, "附件：") || !strcmp(tt, "附件:")) && ps->d->n_attachments)
				drop = 1;
			free(tt);
			if (drop)
				free(ps->body.v[i].text);
			else
				ps->body.v[kept++] = ps->body.v[i];
		}
		ps->body.n = kept;
	}
}

/* zc_parse_page: no title found elsewhere: the centred lines opening the text */
static void pp_title_from_text(page_state *ps)
{
	/* no title anywhere else: the centred lines that open the text (the older gov.cn pages
	   set it there, broken over lines), when they read as a title */
	if (!*ps->d->title) {
		zc_buf acc;
		zc_buf_init(&acc, ZC_BUF_UNLIMITED);
		size_t k = 0;
		for (; k < ps->body.n && k < 4 && (ps->body.v[k].flags & PCELL_CENTER); k++) {
			char *dn = docno_line(ps->body.v[k].text);
			free(dn);
			if (dn)
				break;
			char *line = zc_tidy(ps->body.v[k].text);
			zc_buf_cats(&acc, line);
			free(line);
		}
		if (k && acc.len && zc_cp_count(acc.data) <= 200 && (ends_with_doc_word(acc.data) || strstr(acc.data, "关于"))) {
			free(ps->d->title);
			ps->d->title = zc_buf_take(&acc);
			while (k--)
				pcells_remove(&ps->body, 0);
		}
		zc_buf_free(&acc);
	}
}

/* zc_parse_page: the document number */
static void pp_docno(page_state *ps)
{
	/* the document number: the metadata, else a line of its own at the top of the text or
	   just before it */
	if (ps->m.docno && *ps->m.docno)
		ps->d->docno = zc_docno_normalize(ps->m.docno);
	for (size_t i = 0; i < ps->body.n && i < 3; i++) {
		char *dn = docno_line(ps->body.v[i].text);
		size_t lines = 1;
		if (!dn && i + 1 < ps->body.n && zc_str_ends(ps->body.v[i].text, "令") && zc_cp_count(ps->body.v[i].text) <= 20) {
			/* a decree's head: 中华人民共和国国务院令 / 第707号 */
			char *both = zc_str_join(ps->body.v[i].text, "", ps->body.v[i + 1].text);
			dn = docno_line(both);
			free(both);
			lines = 2;
		}
		if (dn) {
			if (!ps->d->docno)
				ps->d->docno = dn;
			else
				free(dn);
			while (lines--)
				pcells_remove(&ps->body, i);
			break;
		}
	}
	for (size_t i = ps->first_in < ps->all.n ? ps->first_in : 0, k = 0; !ps->d->docno && !ps->m.docno && i > 0 && k < 12; i--, k++) {
		char *dn = docno_line(ps->all.v[i - 1].text);
		if (dn)
			ps->d->docno = dn;
	}
}

/* zc_parse_page: a red head and a dated note under the title */
static void pp_red_head(page_state *ps)
{
	/* a red head "XX文件" and a dated note under the title: not the text */
	if (ps->body.n && zc_str_ends(ps->body.v[0].text, "文件") && zc_cp_count(ps->body.v[0].text) <= 30) {
		char *t0 = zc_tidy(ps->body.v[0].text);
		t0[strlen(t0) - strlen("文件")] = '\0';
		if (zc_is_org_name(t0)) {
			snprintf(ps->red_issuer, sizeof ps->red_issuer, "%s", t0);
			pcells_remove(&ps->body, 0);
		}
		free(t0);
	}
	if (ps->body.n && dated_note(ps->body.v[0].text, ps->note_date))
		pcells_remove(&ps->body, 0);
	for (size_t i = ps->first_in < ps->all.n ? ps->first_in : 0, k = 0; !ps->note_date[0] && i > 0 && k < 12; i--, k++)
		dated_note(ps->all.v[i - 1].text, ps->note_date);
}

/* zc_parse_page: the signature block and what follows it */
static void pp_signature_block(page_state *ps)
{
	/* the signature block */
	find_signature(&ps->body, ps->container, 1, &ps->sg);
	ps->main_end = ps->sg.found ? ps->sg.start : ps->body.n;
	if (ps->sg.found) {
		signature_issuers(&ps->body, &ps->sg, &ps->sig_names, &ps->n_sig);
		pcells_remove_range(&ps->body, ps->sg.start, ps->sg.end);
		/* after it: the document a notice prints or forwards is text (with its own
		   signature dropped); annexes of other notices are not */
		if (!printed_follows(&ps->body, ps->sg.start, ps->d->title) && !(ps->d->docno && strstr(ps->d->docno, "令")))
			while (ps->body.n > ps->sg.start)
				pcells_remove(&ps->body, ps->body.n - 1);
		/* the printed document's own title, and the dated note under it */
		size_t tl = ps->sg.start < ps->body.n ? title_lines(&ps->body, ps->sg.start, ps->d->title) : 0;
		pcells_remove_range(&ps->body, ps->sg.start, ps->sg.start + tl);
		char nd[11];
		if (ps->sg.start < ps->body.n && dated_note(ps->body.v[ps->sg.start].text, nd))
			pcells_remove(&ps->body, ps->sg.start);
		for (size_t from = ps->sg.start;;) {
			signature more_sg;
			find_signature(&ps->body, ps->container, from, &more_sg);
			if (!more_sg.found)
				break;
			pcells_remove_range(&ps->body, more_sg.start, more_sg.end);
			from = more_sg.start > 0 ? more_sg.start : 1;
		}
	}
}

/* zc_parse_page: the closing print record */
static void pp_print_record(page_state *ps)
{
	/* the closing print record (版记) of a printed notice: 抄送：…, XX办公厅 2019年5月15日印发 */
	while (ps->body.n) {
		char *tl = zc_tidy(ps->body.v[ps->body.n - 1].text);
		char dd[11];
		int record = zc_str_starts(tl, "抄送") || zc_str_starts(tl, "抄报") ||
			     (ps->sg.found && ps->body.n > ps->main_end && note_line(tl)) ||
			     (zc_cp_count(tl) <= 40 && (zc_str_ends(tl, "印发") || zc_str_ends(tl, "印发。")) &&
			      zc_date_find(tl, dd) == ZC_OK);
		free(tl);
		if (!record)
			break;
		pcells_remove(&ps->body, ps->body.n - 1);
		if (ps->main_end > ps->body.n)
			ps->main_end = ps->body.n;
	}
}

/* zc_parse_page: the list of attachments closing the main text */
static void pp_annex_list(page_state *ps)
{
	/* the list of attachments closing the main text (附件：1．… 2．…): a note, not text.  A
	   list that a line of text ends at k ends there for every annex line before k too: the
	   search goes on from k, so each line is looked at once (a text of thousands of annex
	   lines, each list broken by one later line, was read once an annex line) */
	for (size_t i = 0; i < ps->main_end; i++) {
		char *ti = zc_tidy(ps->body.v[i].text);
		int list = annex_line(ti) && zc_cp_count(ti) <= 80;
		free(ti);
		size_t k = i + 1;
		for (; list && k < ps->main_end; k++) {
			char *tk = zc_tidy(ps->body.v[k].text);
			list = zc_cp_count(tk) <= 80 && ((tk[0] >= '0' && tk[0] <= '9') || zc_str_starts(tk, "附件"));
			free(tk);
		}
		if (!list && k > i + 1)
			i = k - 2;	/* line k - 1 broke the list: the next i is that line */
		if (list) {
			pcells_remove_range(&ps->body, i, ps->main_end);
			break;
		}
	}
}

/* zc_parse_page: the issuers */
static void pp_issuers(page_state *ps)
{
	/* issuers */
	if (ps->m.issuers) {
		add_issuers_line(ps->m.issuers, &ps->d->issuers, &ps->d->n_issuers);
		expand_issuers(ps->d, ps->sig_names, ps->n_sig);
		title_issuers(ps->d->title, &ps->more, &ps->n_more);
		expand_issuers(ps->d, ps->more, ps->n_more);
		int abbrev = 0;
		for (size_t i = 0; i < ps->d->n_issuers; i++)
			abbrev |= placeless(ps->d->issuers[i]);
		if (abbrev) {
			page_names(&ps->t, &ps->all, &ps->more, &ps->n_more);
			expand_issuers(ps->d, ps->more, ps->n_more);
			/* still without its place: the place of the site's own name (江西省人民政府),
			   and 政府 in full as the site writes it */
			char place[128] = "";
			if (ps->t.site)
				place_of(ps->t.site, place, sizeof place);
			for (size_t i = 0; *place && i < ps->d->n_issuers; i++) {
				const char *is = ps->d->issuers[i];
				const char *head = zc_str_starts(is, "自治区") ? "自治区" : zc_str_starts(is, "省") ? "省" :
						   zc_str_starts(is, "市") ? "市" : NULL;
				if (!head || !zc_str_ends(place, head))
					continue;
				char *full = zc_asprintf("%s%s", place, is + strlen(head));
				if (strstr(ps->t.site, "人民政府") && strstr(full, "政府") && !strstr(full, "人民政府")) {
					char *g = zc_str_replace(full, "政府", "人民政府");
					free(full);
					full = g;
				}
				free(ps->d->issuers[i]);
				ps->d->issuers[i] = full;
			}
		}
	} else if (ps->n_sig) {
		ps->d->issuers = ps->sig_names;
		ps->d->n_issuers = ps->n_sig;
		ps->sig_names = NULL;
		ps->n_sig = 0;
	} else {
		title_issuers(ps->d->title, &ps->d->issuers, &ps->d->n_issuers);
		if (!ps->d->n_issuers && *ps->red_issuer)
			add_issuers_line(ps->red_issuer, &ps->d->issuers, &ps->d->n_issuers);
	}
}

/* zc_parse_page: the dates */
static void pp_dates(page_state *ps)
{
	/* dates */
	if (ps->m.written)
		zc_date_find(ps->m.written, ps->d->written_date);
	if (ps->sg.found)
		memcpy(ps->d->written_date, ps->sg.date_iso, 11);
	if (!ps->d->written_date[0] && ps->note_date[0])
		memcpy(ps->d->written_date, ps->note_date, 11);
	if (ps->m.published)
		zc_date_find(ps->m.published, ps->d->published_date);
	if (!ps->d->published_date[0] && ps->t.pubdate)
		zc_date_find(ps->t.pubdate, ps->d->published_date);
	if (!ps->d->published_date[0] && ps->t.firstpub)
		zc_date_find(ps->t.firstpub, ps->d->published_date);
	/* a line under the title that begins with the date (2005年08月16日　来源：新华网), just
	   before the text or at its top */
	for (size_t i = ps->first_in < ps->all.n ? ps->first_in : 0, k = 0; !ps->d->published_date[0] && i > 0 && k < 15; i--, k++)
		dateline(ps->all.v[i - 1].text, ps->d->published_date);
	for (size_t i = 0; !ps->d->published_date[0] && i < ps->body.n && i < 5; i++)
		if (dateline(ps->body.v[i].text, ps->d->published_date))
			pcells_remove(&ps->body, i);
}

/* zc_parse_page: validity, the text, the type */
static void pp_validity_body(page_state *ps)
{
	/* validity: the metadata, a stamp, a note in the text */
	const char *vw = ps->m.validity ? validity_word(ps->m.validity) : NULL;
	if (!vw && ps->mk.stamp) {
		char *st = zc_node_text(ps->mk.stamp);
		vw = validity_word(st);
		if (vw && !strcmp(vw, "有效"))
			vw = NULL;
		free(st);
	}
	if (!vw && ps->mk.stamp_alt)
		vw = ps->mk.stamp_alt == 2 ? "废止" : "失效";
	if (!vw)
		for (size_t i = 0; i < ps->all.n && !vw; i++) {
			const char *s = ps->all.v[i].text;
			if (!strcmp(s, "已失效") || !strcmp(s, "已废止") || !strcmp(s, "失效") || !strcmp(s, "废止"))
				vw = validity_word(s);
		}
	{
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		for (size_t i = 0; i < ps->body.n; i++) {
			char *tt = zc_tidy(ps->body.v[i].text);
			if (b.len)
				zc_buf_catc(&b, '\n');
			zc_buf_cats(&b, tt);
			free(tt);
		}
		ps->d->body = zc_buf_take(&b);
	}
	if (!vw) {
		const char *p = strstr(ps->d->body, "本文件已于");
		if (!p)
			p = strstr(ps->d->body, "本文件于");
		const char *nl = p ? strchr(p, '\n') : NULL;
		size_t span = p ? (nl ? (size_t)(nl - p) : strlen(p)) : 0;
		char *line = p ? zc_strndup(p, span) : NULL;
		if (line && strstr(line, "废止"))
			vw = "废止";
		else if (line && strstr(line, "失效"))
			vw = "失效";
		free(line);
	}
	ps->d->validity = zc_strdup(vw ? vw : "");
	const char *ty = zc_doc_type(ps->d->title, ps->d->column);
	/* a page with no document word and no number is a report, not a document */
	if (!strcmp(ty, "other") && (!ps->d->docno || !*ps->d->docno))
		ty = "新闻";
	ps->d->type = zc_strdup(ty);
}

/* a challenge page (its marker, and little text): the document says so, nothing else is read */
static int pp_challenge(page_state *st, const char *html, xmlNode *root)
{
	if (!zc_challenge_marker(html))
		return 0;
	char *txt = zc_node_text(root);
	int challenge = zc_cp_count(txt) < 200;
	free(txt);
	st->d->challenge = challenge;
	return challenge;
}

/* the tree read once: marks, meta tags, the text's cells (in the body's container or not), the
   metadata they hold, the column hints and the title */
static void pp_meta(page_state *st, htmlDocPtr doc, xmlNode *root)
{
	marks_walk(root, &st->mk);
	meta_tags(&st->mk, &st->t);
	/* the whole document: pages go on after </html>, and libxml2 keeps what follows beside
	   the root */
	pcells_collect((xmlNode *)doc, &st->all);
	int by_name = 0;
	st->container = zc_body_container(root, st->mk.heads, st->mk.n_heads, &by_name);
	st->scope = st->container ? st->container : (xmlNode *)doc;
	for (size_t i = 0; i < st->all.n; i++)
		if (st->container && node_within(st->all.v[i].node, st->container))
			st->all.v[i].flags |= PCELL_IN_BODY;
	zc_meta_read(&st->all, &st->m, 0, 0);
	/* inside a container known by name, common words are text; one found by density may
	   hold the info line under the title */
	zc_meta_read(&st->all, &st->m, 1, by_name);

	/* column hints */
	{
		zc_buf b;
		zc_buf_init(&b, 1024);
		int hint = st->t.coltype ? zc_buf_addstr(&b, st->t.coltype) : ZC_OK;
		if (hint == ZC_OK && st->t.colname)
			hint = zc_buf_printf(&b, "%s%s", b.len ? "|" : "", st->t.colname);
		if (hint != ZC_OK)	/* over 1 KB: no column hint */
			zc_buf_reset(&b);
		st->d->column = zc_buf_take(&b);
	}
	st->d->title = choose_title(&st->m, &st->t, &st->mk);
}

int zc_parse_page(const char *bytes, size_t len, const char *url, const char *content_type,
		  zc_doc **out)
{
	char *html = NULL;
	size_t hlen = 0;
	const char *cs = NULL;
	int bad = 0, rc = ZC_OK;
	htmlDocPtr doc = NULL;
	page_state st = {.url = url, .seen = {.urls = {.strings = 1}}};
	st.d = doc_new(url);
	*out = NULL;

	rc = zc_charset_decode(bytes, len, content_type, &html, &hlen, &cs, &bad);
	if (rc != ZC_OK)
		goto out;
	st.d->charset = zc_strdup(cs);
	st.d->bad_bytes = bad;
	if (hlen == 0 || !memchr(html, '<', hlen)) {
		rc = ZC_EPARSE;
		goto out;
	}
	doc = zc_html_read(html, hlen, url);
	if (!doc || !xmlDocGetRootElement(doc)) {
		rc = ZC_EPARSE;
		goto out;
	}
	xmlNode *root = xmlDocGetRootElement(doc);

	if (pp_challenge(&st, html, root)) {
		rc = ZC_ECHALLENGE;
		goto out;
	}
	pp_meta(&st, doc, root);

	pp_body_cells(&st);
	pp_title_from_text(&st);
	pp_docno(&st);
	pp_red_head(&st);
	pp_signature_block(&st);
	pp_print_record(&st);
	pp_annex_list(&st);
	pp_issuers(&st);
	pp_dates(&st);
	pp_validity_body(&st);
out:
	fill_empty(st.d);
	pcells_free(&st.all);
	pcells_free(&st.body);
	free_names(st.sig_names, st.n_sig);
	zc_pmap_free(&st.seen.urls);
	zc_pmap_free(&st.seen.blocks);
	free_names(st.more, st.n_more);
	zc_meta_free(&st.m);
	tags_free(&st.t);
	free(st.mk.metas);
	zc_html_free(doc);
	free(html);
	*out = st.d;
	return rc;
}

void zc_doc_free(zc_doc **dp)
{
	zc_doc *d = *dp;
	if (!d)
		return;
	free(d->url);
	free(d->title);
	free(d->docno);
	for (size_t i = 0; i < d->n_issuers; i++)
		free(d->issuers[i]);
	free(d->issuers);
	free(d->type);
	free(d->validity);
	free(d->column);
	free(d->body);
	for (size_t i = 0; i < d->n_attachments; i++) {
		free(d->attachments[i].name);
		free(d->attachments[i].url);
	}
	free(d->attachments);
	free(d->charset);
	free(d);
	*dp = NULL;
}

json_t *zc_doc_json(const zc_doc *d)
{
	json_t *o = json_object();
	json_t *iss = json_array(), *att = json_array();
	for (size_t i = 0; i < d->n_issuers; i++)
		json_array_append_new(iss, json_string(d->issuers[i]));
	for (size_t i = 0; i < d->n_attachments; i++)
		json_array_append_new(att, json_pack("{s:s,s:s}", "name", d->attachments[i].name,
						     "url", d->attachments[i].url));
	json_object_set_new(o, "url", json_string(d->url));
	json_object_set_new(o, "title", json_string(d->title));
	json_object_set_new(o, "docno", json_string(d->docno));
	json_object_set_new(o, "issuers", iss);
	json_object_set_new(o, "written_date", json_string(d->written_date));
	json_object_set_new(o, "published_date", json_string(d->published_date));
	json_object_set_new(o, "type", json_string(d->type));
	json_object_set_new(o, "validity", json_string(d->validity));
	json_object_set_new(o, "column", json_string(d->column));
	json_object_set_new(o, "charset", json_string(d->charset ? d->charset : ""));
	json_object_set_new(o, "bad_bytes", json_integer(d->bad_bytes));
	json_object_set_new(o, "challenge", json_boolean(d->challenge));
	json_object_set_new(o, "attachments", att);
	json_object_set_new(o, "body", zc_json_string(d->body, d->body ? strlen(d->body) : 0));
	return o;
}

char *zc_doc_to_json(const zc_doc *d, int pretty)
{
	json_t *o = zc_doc_json(d);
	char *s = json_dumps(o, (pretty ? JSON_INDENT(2) : 0) | JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}
