/*
 * dom.c - reading libxml2's tree as text: cells between block boundaries, hidden elements
 * skipped, white space as pages write it (ASCII, U+00A0, U+3000).
 */
#include "internal.h"
#include "../common/zc.h"
#include "xmlmem.h"

#include <libxml/SAX2.h>
#include <libxml/HTMLparser.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t pmap_hash(const zc_pmap *m, const void *key)
{
	uint64_t h = 1469598103934665603ull;
	if (m->strings) {
		for (const unsigned char *p = key; *p; p++)
			h = (h ^ *p) * 1099511628211ull;
	} else {
		h = (uint64_t)(uintptr_t)key * 11400714819323198485ull;
		h ^= h >> 29;
	}
	return (size_t)h & (m->cap - 1);
}

static int pmap_eq(const zc_pmap *m, const void *a, const void *b)
{
	return m->strings ? !strcmp(a, b) : a == b;
}

static size_t pmap_find(const zc_pmap *m, const void *key)
{
	size_t i = pmap_hash(m, key);
	while (m->key[i] && !pmap_eq(m, m->key[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

int zc_pmap_add(zc_pmap *m, const void *key, size_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		zc_pmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->key = zc_calloc(m->cap, sizeof *m->key);
		m->val = zc_calloc(m->cap, sizeof *m->val);
		for (size_t i = 0; i < old.cap; i++)
			if (old.key[i]) {
				size_t k = pmap_find(m, old.key[i]);
				m->key[k] = old.key[i];
				m->val[k] = old.val[i];
			}
		free(old.key);
		free(old.val);
	}
	size_t i = pmap_find(m, key);
	int fresh = !m->key[i];
	if (fresh) {
		m->key[i] = key;
		m->n++;
	}
	m->val[i] += v;
	return fresh;
}

size_t zc_pmap_get(const zc_pmap *m, const void *key, int *found)
{
	*found = 0;
	if (!m->cap)
		return 0;
	size_t i = pmap_find(m, key);
	if (!m->key[i])
		return 0;
	*found = 1;
	return m->val[i];
}

void zc_pmap_free(zc_pmap *m)
{
	free(m->key);
	free(m->val);
	m->key = NULL;
	m->val = NULL;
	m->cap = m->n = 0;
}

size_t zc_cp_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int zc_is_space_cp(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000 ||
	       cp == '\f' || cp == '\v' || cp == 0x200B || cp == 0xFEFF;
}

char *zc_tidy(const char *s)
{
	/* the result is never longer than s: each space it writes stands for white space */
	char *out = zc_malloc(strlen(s) + 1), *o = out;
	unsigned prev = 0;
	int pending = 0;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x80) {
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
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
			memcpy(o, s, 3);
			o += 3;
			s += 3;
			prev = 0x4000;
			continue;
		}
		unsigned cp;
		int n = zc_utf8_next(s, &cp);
		if (zc_is_space_cp(cp)) {
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

int zc_class_has(const char *classes, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = classes; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n')
			e++;
		if ((size_t)(e - p) == n && !strncasecmp(p, name, n))
			return 1;
		p = e;
	}
	return 0;
}

int zc_node_is_block(const char *name)
{
	static const char *const blocks[] = {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3",
					     "h4", "h5", "h6", "ul", "ol", "section", "article",
					     "center", "blockquote", "pre", "dd", "dt", "dl", "td",
					     "th", "tbody", "thead", "hr", "form", "header", "footer",
					     "nav", "main", "aside", "caption", "figure", "figcaption",
					     "address", "option"};
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (strcasecmp(name, blocks[i]) == 0)
			return 1;
	return 0;
}

/* display:none or visibility:hidden in a style attribute, spaces and case as written */
static int style_hides(const char *style)
{
	char buf[256];
	size_t k = 0;
	for (const char *s = style; *s && k + 1 < sizeof buf; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			buf[k++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
	buf[k] = '\0';
	return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

/* an attribute's value as libxml2 keeps it: NULL when it is not one text node */
static const char *simple_value(const xmlAttr *a)
{
	if (!a->children)
		return "";
	if (a->children->type == XML_TEXT_NODE && !a->children->next)
		return a->children->content ? (const char *)a->children->content : "";
	return NULL;
}

static const char *attr_value(xmlNode *n, const char *name, xmlChar **own)
{
	*own = NULL;
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (xmlStrcasecmp(a->name, (const xmlChar *)name) != 0)
			continue;
		const char *v = simple_value(a);
		if (v)
			return v;
		*own = xmlGetProp(n, a->name);
		return *own ? (const char *)*own : "";
	}
	return NULL;
}

/*
 * What the walks over a page ask of each element, read once from its attributes: the values
 * of MEMO_NAMES and whether it is hidden.  Read while libxml2 makes the element
 * (zc_html_read), when its attributes are in the processor's cache; every walk after that
 * reads the memo, not the attributes again: a page's tree takes some twenty times the page's
 * bytes, and each walk over the attributes of a large page would read them from memory again.
 * The memo is kept in the node's _private, in the parse's region (xmlmem.c), and goes with
 * it; without the region nothing is kept, and the attributes are read each time.
 */
static const char *const MEMO_NAMES[] = {"class", "id", "style", "align", "hidden"};
enum { M_STYLE = 2, M_HIDDEN = 4, NMEMO = 5 };

typedef struct memo {
	const char *v[NMEMO];	/* each value, NULL when the element has no such attribute */
	unsigned char hidden;
	unsigned char whole;	/* 0: a value is not one text node, read by attr_value */
} memo;

static int names_hidden(const char *name)
{
	return !strcasecmp(name, "script") || !strcasecmp(name, "style") || !strcasecmp(name, "noscript") ||
	       !strcasecmp(name, "iframe") || !strcasecmp(name, "select") || !strcasecmp(name, "button") ||
	       !strcasecmp(name, "textarea") || !strcasecmp(name, "template") || !strcasecmp(name, "head") ||
	       !strcasecmp(name, "object") || !strcasecmp(name, "svg");
}

static const memo *memo_of(xmlNode *n)
{
	if (n->_private || n->type != XML_ELEMENT_NODE || !zc_xmlmem_active())
		return n->_private;
	memo *m = xmlMalloc(sizeof *m);
	if (!m)
		return NULL;
	memset(m, 0, sizeof *m);
	m->whole = 1;
	for (xmlAttr *a = n->properties; a; a = a->next)
		for (int k = 0; k < NMEMO; k++)
			if (!m->v[k] && !xmlStrcasecmp(a->name, (const xmlChar *)MEMO_NAMES[k])) {
				m->v[k] = simple_value(a);
				if (!m->v[k])
					m->whole = 0;
			}
	if (m->whole)
		m->hidden = names_hidden((const char *)n->name) || (m->v[M_STYLE] && style_hides(m->v[M_STYLE])) ||
			    m->v[M_HIDDEN];
	n->_private = m;
	return m;
}

/* The attributes the walks over a page read (zc_node_prop, zc_node_hidden); libxml2 is given
   no other.  A page's tree is mostly its attributes (an attribute and its value's text node for
   each style, onclick, data-*, lang ...): a page of many attributes took 1.5 times the memory
   and time per byte of a plain one. */
static const char *const KEPT[] = {"class", "id", "style", "align", "hidden", "alt", "name", "content", "href", "title"};
enum { NKEPT = sizeof KEPT / sizeof KEPT[0], ATTS_ON_STACK = 32 };

static int kept(const xmlChar *name)
{
	for (size_t k = 0; k < NKEPT; k++)
		if (!xmlStrcasecmp(name, (const xmlChar *)KEPT[k]))
			return 1;
	return 0;
}

static void memo_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	xmlParserCtxtPtr c = ctx;
	xmlNode *before = c->node;
	const xmlChar *mine[2 * ATTS_ON_STACK + 1], **keep = atts;
	if (atts) {
		size_t n = 0, k = 0;
		while (atts[2 * n])
			n++;
		keep = n <= ATTS_ON_STACK ? mine : xmlMalloc((2 * n + 1) * sizeof *keep);
		if (!keep) {
			keep = atts;	/* out of memory: the element as written */
		} else {
			for (size_t i = 0; i < n; i++)
				if (kept(atts[2 * i])) {
					keep[k++] = atts[2 * i];
					keep[k++] = atts[2 * i + 1];
				}
			keep[k] = NULL;
		}
	}
	xmlSAX2StartElement(ctx, name, keep);
	if (keep != atts && keep != mine)
		xmlFree(keep);
	if (zc_xmlmem_active() && c->node && c->node != before)
		memo_of(c->node);
}

htmlDocPtr zc_html_read(const char *html, size_t len, const char *url)
{
	(void)zc_xmlmem_begin(len);	/* without a region the parse is libxml2's own, the memo not kept */
	htmlParserCtxtPtr pc = htmlNewParserCtxt();
	if (!pc)
		return NULL;
	/* ids are not looked up: libxml2's table of them would be a second tree of every id */
	pc->loadsubset |= XML_SKIP_IDS;
	if (pc->sax && pc->sax->startElement == xmlSAX2StartElement)
		pc->sax->startElement = memo_start;
	htmlDocPtr doc = htmlCtxtReadMemory(pc, html, (int)(len > 0x7fffffff ? 0x7fffffff : len), url, "UTF-8",
					    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
						    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
	htmlFreeParserCtxt(pc);
	return doc;
}

void zc_html_free(htmlDocPtr doc)
{
	if (!zc_xmlmem_active())
		xmlFreeDoc(doc);
	zc_xmlmem_end();
}

const char *zc_node_prop(xmlNode *n, const char *name, xmlChar **own)
{
	const memo *m = memo_of(n);
	if (m && m->whole)
		for (int k = 0; k < NMEMO; k++)
			if (!strcmp(name, MEMO_NAMES[k])) {
				*own = NULL;
				return m->v[k];
			}
	return attr_value(n, name, own);
}

static int node_hidden(xmlNode *n)
{
	if (names_hidden((const char *)n->name))
		return 1;
	xmlChar *own;
	const char *v = attr_value(n, "style", &own);
	int hidden = v && style_hides(v);
	xmlFree(own);
	if (!hidden && attr_value(n, "hidden", &own)) {
		hidden = 1;
		xmlFree(own);
	}
	return hidden;
}

int zc_node_hidden(xmlNode *n)
{
	const memo *m = memo_of(n);
	return m && m->whole ? m->hidden : node_hidden(n);
}

void pcells_free(pcells *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

void pcells_remove(pcells *c, size_t i)
{
	free(c->v[i].text);
	memmove(c->v + i, c->v + i + 1, (c->n - i - 1) * sizeof *c->v);
	c->n--;
}

void pcells_remove_range(pcells *c, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		free(c->v[i].text);
	memmove(c->v + from, c->v + to, (c->n - to) * sizeof *c->v);
	c->n -= to - from;
}

/* the text gathered so far, as one cell: white space runs as one space, trimmed */
static void flush(zc_buf *cur, xmlNode *blk, unsigned flags, pcells *out)
{
	if (!cur->len)
		return;
	zc_buf t;
	zc_buf_init(&t, ZC_BUF_UNLIMITED);
	int pending = 0;
	for (const char *s = cur->data; *s;) {
		unsigned cp;
		int n = zc_utf8_next(s, &cp);
		if (zc_is_space_cp(cp)) {
			pending = 1;
		} else {
			if (pending && t.len)
				zc_buf_catc(&t, ' ');
			pending = 0;
			zc_buf_cat(&t, s, (size_t)n);
		}
		s += n;
	}
	zc_buf_reset(cur);
	if (!t.len) {
		zc_buf_free(&t);
		return;
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = zc_realloc(out->v, out->cap * sizeof *out->v);
	}
	out->v[out->n++] = (pcell){zc_buf_take(&t), blk, flags};
}

static int centred(xmlNode *n)
{
	if (!strcasecmp((const char *)n->name, "center"))
		return 1;
	xmlChar *own;
	const char *a = zc_node_prop(n, "align", &own);
	int c = a && !strcasecmp(a, "center");
	xmlFree(own);
	if (!c && (a = zc_node_prop(n, "style", &own)) != NULL) {
		c = strstr(a, "center") != NULL && strstr(a, "text-align") != NULL;
		xmlFree(own);
	}
	return c;
}

static int right_aligned(xmlNode *n)
{
	xmlChar *own;
	const char *a = zc_node_prop(n, "align", &own);
	int right = a && !strcasecmp(a, "right");
	xmlFree(own);
	if (!right && (a = zc_node_prop(n, "style", &own)) != NULL) {
		right = strstr(a, "right") != NULL && strstr(a, "text-align") != NULL;
		xmlFree(own);
	}
	return right;
}

static void walk(xmlNode *n, zc_buf *cur, xmlNode *blk, unsigned flags, pcells *out)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				zc_buf_cats(cur, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || zc_node_hidden(n))
			continue;
		const char *name = (const char *)n->name;
		if (!zc_node_is_block(name)) {
			walk(n->children, cur, blk, flags, out);
			continue;
		}
		unsigned f = flags;
		if (right_aligned(n))
			f |= PCELL_RIGHT;
		if (centred(n))
			f |= PCELL_CENTER;
		flush(cur, blk, flags, out);
		walk(n->children, cur, n, f, out);
		flush(cur, n, f, out);
	}
}

void pcells_collect(xmlNode *n, pcells *out)
{
	zc_buf cur;
	zc_buf_init(&cur, ZC_BUF_UNLIMITED);
	unsigned flags = n->type == XML_ELEMENT_NODE && right_aligned(n) ? PCELL_RIGHT : 0;
	walk(n->children, &cur, n, flags, out);
	flush(&cur, n, 0, out);
	zc_buf_free(&cur);
}

char *zc_node_text(xmlNode *n)
{
	pcells c = {0};
	zc_buf cur;
	zc_buf_init(&cur, ZC_BUF_UNLIMITED);
	if (n->type == XML_ELEMENT_NODE && !zc_node_hidden(n))
		walk(n->children, &cur, n, 0, &c);
	flush(&cur, n, 0, &c);
	zc_buf_free(&cur);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (size_t i = 0; i < c.n; i++) {
		char *t = zc_tidy(c.v[i].text);
		zc_buf_cats(&b, t);
		free(t);
	}
	pcells_free(&c);
	return zc_buf_take(&b);
}
