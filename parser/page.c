/*
 * page.c - one article page to a zc_doc.
 *
 * The HTML is decoded to UTF-8 (charset.c) and parsed by libxml2's HTML parser in recover
 * mode with no network access.  Metadata comes in this order of trust: the disclosure or
 * metadata table (索引号 发文机关 成文日期 发文字号 发布日期 有效性 …), the government meta
 * tags (ArticleTitle PubDate ColumnType …), the page's layout (title block, the date line,
 * the document number line and the signature block closing the body), then text heuristics.
 */
#include "parser.h"
#include "xmlmem.h"
#include "../common/zc.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* paragraphs: a growable list of strings */
typedef struct plist {
	char **v;
	size_t n, cap;
} plist;

static void plist_push(plist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = zc_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = s;
}

static void plist_free(plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void plist_remove(plist *l, size_t i)
{
	free(l->v[i]);
	memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof *l->v);
	l->n--;
}

static size_t cp_count(const char *s)
{
	size_t n = 0;
	unsigned cp;
	while (*s) {
		s += zc_utf8_next(s, &cp);
		n++;
	}
	return n;
}

static int is_ws(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000 ||
	       cp == '\f' || cp == '\v';
}

/*
 * Normalises the spacing of one paragraph: runs of white space collapse to one space, and a
 * space next to a non-ASCII character is dropped (spaces between Chinese characters are
 * layout, not text).  Returns a new string.
 */
static char *tidy(const char *s)
{
	/* the result is never longer than s: each space it writes stands for white space */
	char *out = zc_malloc(strlen(s) + 1), *o = out;
	unsigned prev = 0;
	int pending = 0;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x80) {
			if (is_ws(c)) {
				pending = 1;
			} else {
				if (pending && o > out && prev < 0x80)
					*o++ = ' ';
				pending = 0;
				*o++ = (char)c;
				prev = c;
			}
			s++;
			continue;
		}
		if (c >= 0xE4 && c <= 0xE9 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
			/* a Chinese character (U+4000-U+9FFF), never white space: copied as it is */
			pending = 0;
			o[0] = s[0];
			o[1] = s[1];
			o[2] = s[2];
			o += 3;
			s += 3;
			prev = 0x4000;
			continue;
		}
		unsigned cp;
		int n = zc_utf8_next(s, &cp);
		if (is_ws(cp)) {
			pending = 1;
		} else {
			pending = 0;	/* no space beside a character that is not ASCII */
			memcpy(o, s, (size_t)n);
			o += n;
			prev = cp;
		}
		s += n;
	}
	*o = '\0';
	return out;
}

static int is_block(const char *name)
{
	static const char *const blocks[] = {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3",
					     "h4", "h5", "h6", "ul", "ol", "section", "article",
					     "center", "blockquote", "pre", "dd", "dt", "dl", "td",
					     "th", "tbody", "hr", "form", "header", "footer", "nav"};
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (strcasecmp(name, blocks[i]) == 0)
			return 1;
	return 0;
}

static int is_skipped(const char *name)
{
	return strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0 ||
	       strcasecmp(name, "noscript") == 0 || strcasecmp(name, "iframe") == 0 ||
	       strcasecmp(name, "select") == 0 || strcasecmp(name, "button") == 0;
}

static void flush(zc_buf *cur, plist *out)
{
	if (cur->len) {
		char *t = tidy(cur->data);
		if (*t)
			plist_push(out, t);
		else
			free(t);
		zc_buf_reset(cur);
	}
}

static void walk(xmlNode *n, zc_buf *cur, plist *out)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				zc_buf_addstr(cur, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			if (is_skipped(name))
				continue;
			int block = is_block(name);
			if (block)
				flush(cur, out);
			walk(n->children, cur, out);
			if (block)
				flush(cur, out);
		}
	}
}

static void paragraphs(xmlNode *n, plist *out)
{
	zc_buf cur;
	zc_buf_init(&cur, ZC_BUF_UNLIMITED);
	walk(n, &cur, out);
	flush(&cur, out);
	zc_buf_free(&cur);
}

/* all text under n, tidied; new string */
static char *text_of(xmlNode *n)
{
	zc_buf cur;
	zc_buf_init(&cur, ZC_BUF_UNLIMITED);
	plist l = {0};
	walk(n->children, &cur, &l);
	flush(&cur, &l);
	zc_buf_free(&cur);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (size_t i = 0; i < l.n; i++)
		zc_buf_addstr(&b, l.v[i]);
	plist_free(&l);
	return zc_buf_take(&b);
}

/* the text of n with white space runs kept as one space (for cells listing several names) */
static char *xml_text_spaced(xmlNode *n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int pending = 0;
	for (const char *s = (const char *)(raw ? raw : (xmlChar *)""); *s;) {
		unsigned cp;
		int len = zc_utf8_next(s, &cp);
		if (is_ws(cp))
			pending = 1;
		else {
			if (pending && b.len)
				zc_buf_addch(&b, ' ');
			pending = 0;
			zc_buf_add(&b, s, (size_t)len);
		}
		s += len;
	}
	xmlFree(raw);
	return zc_buf_take(&b);
}

/*
 * The body containers of the site families (shared/sites.md), most specific first: an id or a
 * class.  The walk over the tree keeps the first element of the best rank; <article> when none.
 */
static const struct {
	int by_id;
	const char *name;
} BODY[] = {
	{1, "UCAP-CONTENT"}, {0, "TRS_Editor"}, {0, "TRS_UEDITOR"}, {0, "Custom_UnionStyle"}, {1, "zoom"},
	{1, "Zoom"}, {1, "xw_box"}, {1, "vsb_content"}, {0, "con_wz"}, {1, "contents"}, {0, "content-content"},
	{0, "wy_contMain"}, {0, "page_text"}, {0, "pages_content"}, {0, "article-content"},
};
#define NBODY (sizeof BODY / sizeof BODY[0])

static int has_class(const char *classes, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = classes; (p = strstr(p, name)) != NULL; p += n)
		if ((p == classes || p[-1] == ' ' || p[-1] == '\t') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
			return 1;
	return 0;
}

/* landmarks found in one walk over the tree (first of each, in document order) */
typedef struct marks {
	xmlNode *tit_class, *article_title, *h1, *title, *body, *yxx, *date_label[3];
	xmlNode *container, *article;	/* body container (of rank container_rank), first <article> */
	size_t container_rank;		/* index in BODY; NBODY: none yet */
	xmlNode **metas;
	size_t n_metas;
} marks;

static const char *const DATE_LABELS[3] = {"发布时间", "发布日期", "日期："};

/* an attribute's value as xmlGetProp() gives it, without a copy when it is one text node (as
   the HTML parser makes them); *own is what the caller frees (xmlFree), or NULL */
static const char *prop(xmlNode *n, const char *name, xmlChar **own)
{
	*own = NULL;
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (xmlStrcmp(a->name, (const xmlChar *)name) != 0)
			continue;
		if (!a->children)
			return "";
		if (a->children->type == XML_TEXT_NODE && !a->children->next)
			return a->children->content ? (const char *)a->children->content : "";
		*own = xmlGetProp(n, (const xmlChar *)name);
		return (const char *)*own;
	}
	return NULL;
}

static void marks_walk(xmlNode *n, marks *m)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content && n->parent) {
			/* the labels are Chinese: most text nodes, the white space between elements,
			   are ASCII and cannot hold one */
			const unsigned char *u = n->content;
			while (*u && *u < 0x80)
				u++;
			if (!*u)
				continue;
			for (int k = 0; k < 3; k++)
				if (!m->date_label[k] && strstr((const char *)n->content, DATE_LABELS[k]))
					m->date_label[k] = n->parent;
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		xmlChar *own_id, *own_cls;
		const char *id = prop(n, "id", &own_id), *cls = prop(n, "class", &own_cls);
		for (size_t i = 0; i < m->container_rank; i++)
			if ((BODY[i].by_id && id && !strcmp(id, BODY[i].name)) ||
			    (!BODY[i].by_id && cls && has_class(cls, BODY[i].name))) {
				m->container = n;
				m->container_rank = i;
				break;
			}
		xmlFree(own_id);
		if (!strcmp(name, "meta")) {
			m->metas = zc_realloc(m->metas, (m->n_metas + 1) * sizeof *m->metas);
			m->metas[m->n_metas++] = n;
		} else if (!m->h1 && !strcmp(name, "h1"))
			m->h1 = n;
		else if (!m->title && !strcmp(name, "title"))
			m->title = n;
		else if (!m->body && !strcmp(name, "body"))
			m->body = n;
		else if (!m->article && !strcasecmp(name, "article"))
			m->article = n;
		if (cls) {
			if (!m->tit_class && has_class(cls, "tit"))
				m->tit_class = n;
			if (!m->article_title && !strcmp(name, "div") && strstr(cls, "article-title"))
				m->article_title = n;
			if (!m->yxx && strstr(cls, "yxx"))
				m->yxx = n;
		}
		xmlFree(own_cls);
		if (strcmp(name, "script") && strcmp(name, "style"))
			marks_walk(n->children, m);
	}
}

/* metadata from a disclosure table: label cell, then value cell */
typedef struct meta_fields {
	char *title, *issuers, *written, *docno, *published, *validity, *column;
} meta_fields;

static void meta_free(meta_fields *m)
{
	free(m->title);
	free(m->issuers);
	free(m->written);
	free(m->docno);
	free(m->published);
	free(m->validity);
	free(m->column);
}

/* label text without spaces and colons */
static char *label_of(const char *s)
{
	zc_buf b;
	zc_buf_init(&b, 256);
	while (*s) {
		unsigned cp;
		int n = zc_utf8_next(s, &cp);
		if (!is_ws(cp) && cp != ':' && cp != 0xFF1A)
			if (zc_buf_add(&b, s, (size_t)n) != ZC_OK)
				break;
		s += n;
	}
	return zc_buf_take(&b);
}

static void set_once(char **slot, const char *v)
{
	if (!*slot && v && *v)
		*slot = zc_strdup(v);
}

static void table_fields(xmlNode *n, meta_fields *m)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcasecmp((const char *)n->name, "td") == 0 || strcasecmp((const char *)n->name, "th") == 0) {
			char *t = text_of(n);
			if (cp_count(t) <= 8) {
				char *lab = label_of(t);
				xmlNode *v = n->next;
				while (v && v->type != XML_ELEMENT_NODE)
					v = v->next;
				if (v) {
					char *val = text_of(v);
					char *spaced = NULL;
					if (!strcmp(lab, "标题"))
						set_once(&m->title, val);
					else if (!strcmp(lab, "发文机关") || !strcmp(lab, "发布机构") || !strcmp(lab, "发文单位")) {
						/* joint issuers are separated by spaces: keep them */
						spaced = xml_text_spaced(v);
						set_once(&m->issuers, spaced);
					}
					else if (!strcmp(lab, "成文日期") || !strcmp(lab, "发文日期"))
						set_once(&m->written, val);
					else if (!strcmp(lab, "发文字号") || !strcmp(lab, "文号"))
						set_once(&m->docno, val);
					else if (!strcmp(lab, "发布日期") || !strcmp(lab, "发布时间"))
						set_once(&m->published, val);
					else if (!strcmp(lab, "有效性") || !strcmp(lab, "时效性") || !strcmp(lab, "效力状态"))
						set_once(&m->validity, val);
					free(val);
					free(spaced);
				}
				free(lab);
			}
			free(t);
			continue;
		}
		table_fields(n->children, m);
	}
}

typedef struct tags {
	char *title, *pubdate, *coltype, *colname, *firstpub;
} tags;

static void meta_tags(const marks *mk, tags *t)
{
	{
		for (size_t i = 0; i < mk->n_metas; i++) {
			xmlNode *n = mk->metas[i];
			xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
			xmlChar *content = xmlGetProp(n, (const xmlChar *)"content");
			if (name && content) {
				const char *nm = (const char *)name, *c = (const char *)content;
				if (!strcasecmp(nm, "ArticleTitle"))
					set_once(&t->title, c);
				else if (!strcasecmp(nm, "PubDate"))
					set_once(&t->pubdate, c);
				else if (!strcasecmp(nm, "ColumnType"))
					set_once(&t->coltype, c);
				else if (!strcasecmp(nm, "ColumnName"))
					set_once(&t->colname, c);
				else if (!strcasecmp(nm, "firstpublishedtime"))
					set_once(&t->firstpub, c);
			}
			xmlFree(name);
			xmlFree(content);
		}
	}
}

static int is_attachment_href(const char *h)
{
	static const char *const ext[] = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip",
					  ".rar", ".wps", ".ofd", ".et"};
	const char *q = strchr(h, '?');
	size_t n = q ? (size_t)(q - h) : strlen(h);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t el = strlen(ext[i]);
		if (n >= el && strncasecmp(h + n - el, ext[i], el) == 0)
			return 1;
	}
	return 0;
}

static void attachments(xmlNode *n, const char *base, zc_doc *d)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp((const char *)n->name, "a")) {
			xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
			if (href && is_attachment_href((const char *)href)) {
				char *u = zc_url_resolve(base, (const char *)href);
				if (u) {
					d->attachments = zc_realloc(d->attachments, (d->n_attachments + 1) * sizeof *d->attachments);
					d->attachments[d->n_attachments].name = text_of(n);
					d->attachments[d->n_attachments].url = u;
					d->n_attachments++;
				}
			}
			xmlFree(href);
			continue;
		}
		attachments(n->children, base, d);
	}
}

static int is_org_line(const char *s)
{
	static const char *const suffix[] = {"委员会", "政府", "办公厅", "办公室", "厅", "局", "委",
					     "部", "院", "署", "中心", "会"};
	if (cp_count(s) > 30 || strstr(s, "。") || strstr(s, "，"))
		return 0;
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
		if (zc_str_ends(s, suffix[i]))
			return 1;
	return 0;
}

static int is_date_line(const char *s, char out[11])
{
	return cp_count(s) <= 16 && zc_date_find(s, out) == ZC_OK;
}

static void split_issuers(const char *s, zc_doc *d)
{
	char *f = zc_str_replace(s, "、", " ");
	char *g = zc_str_replace(f, "，", " ");
	free(f);
	for (char *p = g; *p;) {
		while (*p == ' ' || *p == ',' || *p == ';')
			p++;
		char *e = p;
		while (*e && *e != ' ' && *e != ',' && *e != ';')
			e++;
		if (e > p) {
			d->issuers = zc_realloc(d->issuers, (d->n_issuers + 1) * sizeof *d->issuers);
			d->issuers[d->n_issuers++] = zc_strndup(p, (size_t)(e - p));
		}
		p = e;
	}
	free(g);
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

static void join_body(const plist *l, zc_doc *d)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			zc_buf_addch(&b, '\n');
		zc_buf_addstr(&b, l->v[i]);
	}
	d->body = zc_buf_take(&b);
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

int zc_parse_page(const char *bytes, size_t len, const char *url, const char *content_type,
		  zc_doc **out)
{
	char *html = NULL;
	size_t hlen = 0;
	const char *cs = NULL;
	int bad = 0, rc = ZC_OK;
	htmlDocPtr doc = NULL;
	meta_fields m = {0};
	tags t = {0};
	plist paras = {0};
	zc_doc *d = doc_new(url);
	*out = NULL;

	rc = zc_charset_decode(bytes, len, content_type, &html, &hlen, &cs, &bad);
	if (rc != ZC_OK)
		goto out;
	d->charset = zc_strdup(cs);
	d->bad_bytes = bad;
	if (hlen == 0 || !memchr(html, '<', hlen)) {
		rc = ZC_EPARSE;
		goto out;
	}
	zc_xmlmem_begin();
	doc = htmlReadMemory(html, (int)(hlen > 0x7fffffff ? 0x7fffffff : hlen), url, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				     HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
	if (!doc || !xmlDocGetRootElement(doc)) {
		rc = ZC_EPARSE;
		goto out;
	}
	xmlNode *root = xmlDocGetRootElement(doc);

	if (zc_challenge_marker(html)) {
		char *all = text_of(root);
		int challenge = cp_count(all) < 200;
		free(all);
		if (challenge) {
			d->challenge = 1;
			rc = ZC_ECHALLENGE;
			goto out;
		}
	}
	table_fields(root, &m);
	marks mk = {.container_rank = NBODY};
	marks_walk(root, &mk);
	xmlNode *bodyn = mk.container ? mk.container : mk.article;	/* else the caller reads <body> */
	meta_tags(&mk, &t);

	/* column hints */
	{
		zc_buf b;
		zc_buf_init(&b, 1024);
		if (t.coltype)
			zc_buf_addstr(&b, t.coltype);
		if (t.colname) {
			zc_buf_addstr(&b, b.len ? "|" : "");
			zc_buf_addstr(&b, t.colname);
		}
		d->column = zc_buf_take(&b);
	}
	/* title */
	if (m.title)
		d->title = tidy(m.title);
	else if (t.title)
		d->title = tidy(t.title);
	else {
		xmlNode *tn = mk.tit_class ? mk.tit_class : mk.article_title ? mk.article_title : mk.h1;
		if (tn) {
			/* the first line of the title block: a block left open by broken HTML can
			   swallow the whole page */
			plist tl = {0};
			paragraphs(tn->children, &tl);
			d->title = tl.n ? zc_strdup(tl.v[0]) : zc_strdup("");
			plist_free(&tl);
		}
		else {
			xmlNode *tt = mk.title;
			if (tt) {
				char *s = text_of(tt);
				char *cut = strstr(s, "_");
				if (cut)
					*cut = '\0';
				d->title = s;
			}
		}
	}
	/* body paragraphs, attachments */
	if (bodyn) {
		paragraphs(bodyn->children, &paras);
		attachments(bodyn->children, url, d);
	} else {
		xmlNode *b = mk.body;
		if (b)
			paragraphs(b->children, &paras);
	}
	for (size_t a = 0; a < d->n_attachments; a++)
		for (size_t i = 0; i < paras.n; i++)
			if (!strcmp(paras.v[i], d->attachments[a].name)) {
				plist_remove(&paras, i);
				break;
			}
	/* signature block: [issuer lines] date line [contact note] closing the body */
	{
		char date[11] = "";
		size_t i = paras.n;
		while (i > 0 && (zc_str_starts(paras.v[i - 1], "（联系人") || zc_str_starts(paras.v[i - 1], "(联系人") ||
				 zc_str_starts(paras.v[i - 1], "（此件")))
			i--;
		if (i > 0 && is_date_line(paras.v[i - 1], date)) {
			size_t end = i - 1, start = end;
			while (start > 0 && is_org_line(paras.v[start - 1]))
				start--;
			if (!m.written)
				memcpy(d->written_date, date, 11);
			if (!m.issuers)
				for (size_t k = start; k < end; k++)
					split_issuers(paras.v[k], d);
			while (paras.n > start)
				plist_remove(&paras, paras.n - 1);
		}
	}
	/* document number: the table, else a short first line of the body */
	if (m.docno) {
		d->docno = zc_docno_normalize(m.docno);
	}
	if (paras.n && cp_count(paras.v[0]) <= 30) {
		char *dn = zc_docno_normalize(paras.v[0]);
		if (*dn && !strstr(paras.v[0], "。")) {
			if (!d->docno)
				d->docno = dn;
			else
				free(dn);
			plist_remove(&paras, 0);
		} else {
			free(dn);
		}
	}
	if (m.issuers)
		split_issuers(m.issuers, d);
	if (m.written)
		zc_date_find(m.written, d->written_date);
	if (m.published)
		zc_date_find(m.published, d->published_date);
	if (!d->published_date[0]) {
		for (size_t k = 0; k < 3 && !d->published_date[0]; k++) {
			xmlNode *n = mk.date_label[k];
			if (n) {
				char *s = text_of(n);
				zc_date_find(s, d->published_date);
				free(s);
			}
		}
	}
	if (!d->published_date[0] && t.pubdate)
		zc_date_find(t.pubdate, d->published_date);
	if (!d->published_date[0] && t.firstpub)
		zc_date_find(t.firstpub, d->published_date);
	/* validity: the table, a stamp, a note in the text */
	if (m.validity) {
		if (strstr(m.validity, "废止"))
			d->validity = zc_strdup("废止");
		else if (strstr(m.validity, "失效"))
			d->validity = zc_strdup("失效");
		else if (strstr(m.validity, "有效"))
			d->validity = zc_strdup("有效");
	}
	if (!d->validity) {
		xmlNode *s = mk.yxx;
		char *st = s ? text_of(s) : NULL;
		if (st && strstr(st, "废止"))
			d->validity = zc_strdup("废止");
		else if (st && strstr(st, "失效"))
			d->validity = zc_strdup("失效");
		free(st);
	}
	join_body(&paras, d);
	if (!d->validity && strstr(d->body, "本文件已于") && strstr(d->body, "废止"))
		d->validity = zc_strdup("废止");
	d->type = zc_strdup(zc_doc_type(d->title ? d->title : "", d->column));
	free(mk.metas);
out:
	fill_empty(d);
	plist_free(&paras);
	meta_free(&m);
	free(t.title);
	free(t.pubdate);
	free(t.coltype);
	free(t.colname);
	free(t.firstpub);
	xmlFreeDoc(doc);
	zc_xmlmem_end();
	free(html);
	*out = d;
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
