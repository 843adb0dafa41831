/*
 * body.c - where the document's text is on a page, and what around it is not the text.
 *
 * The content container is found by what it holds.  First by name: the ids and classes the
 * site families use for it (UCAP-CONTENT, TRS_Editor, zoom ...), matched as an id or a class
 * alike, since sites swap the two.  Where no known name is on the page, by text density, as
 * Readability and the extractors built for Chinese news pages do: every paragraph of prose
 * scores its parent (and half its grandparent) by its length and its punctuation, link text
 * counts against, navigation, footers and share boxes count for nothing, and the element with
 * the best score is the container.  A paragraph is an element of text and inline elements (br
 * aside), whatever its tag: an element that holds blocks, p included, is a container of
 * paragraphs, never one itself.  Otherwise the layout cell of a metadata table, holding its
 * rows as nested tables, would score as one long paragraph above a short text; and a div of p
 * elements would score as one paragraph of its parent, which then beat it with the title's
 * heading beside it, and the parent's table cells (a 标题 row) came into the text.  The text
 * a container holds between its blocks (lines divided by br beside a p) is a paragraph of the
 * container's own, as Readability wraps such text in a p.  The title block (h1, h2, an element
 * of a title class) is the document's title, not a paragraph of its text, as Readability drops
 * a heading that repeats the title before it scores: counted as one, a title of 30 characters
 * scored the parent of a short text, and with a metadata table beside, the parent won and the
 * table's 标题 row came into the text.
 */
#include "internal.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const KNOWN[] = {
	"UCAP-CONTENT", "TRS_Editor", "TRS_UEDITOR", "Custom_UnionStyle", "zoom", "xw_box",
	"vsb_content", "v_news_content", "con_wz", "contents", "content-content", "wy_contMain",
	"page_text", "pages_content", "article-content", "article_content", "xxgk_content",
	"news_content", "detail-content", "detail_content", "art_content", "artContent", "ccontent",
	"txt_content", "content_text", "main-txt", "zwnr", "mainText", "info_content",
};
#define NKNOWN (sizeof KNOWN / sizeof KNOWN[0])

/* the rank of n's id or class in KNOWN, or NKNOWN */
static size_t known_rank(xmlNode *n)
{
	xmlChar *own_id, *own_cls;
	const char *id = zc_node_prop(n, "id", &own_id), *cls = zc_node_prop(n, "class", &own_cls);
	size_t r = NKNOWN;
	for (size_t i = 0; i < NKNOWN && r == NKNOWN; i++)
		if ((id && !strcasecmp(id, KNOWN[i])) || (cls && zc_class_has(cls, KNOWN[i])))
			r = i;
	xmlFree(own_id);
	xmlFree(own_cls);
	return r;
}

static int holds_content(xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content) {
			for (const unsigned char *u = c->content; *u; u++)
				if (*u > ' ')
					return 1;
		} else if (c->type == XML_ELEMENT_NODE && !zc_node_hidden(c)) {
			if (!strcasecmp((const char *)c->name, "img") || !strcasecmp((const char *)c->name, "a") ||
			    holds_content(c))
				return 1;
		}
	}
	return 0;
}

static void find_known(xmlNode *n, xmlNode **best, size_t *rank)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || zc_node_hidden(n))
			continue;
		size_t r = known_rank(n);
		if (r < *rank && holds_content(n)) {
			*best = n;
			*rank = r;
		}
		find_known(n->children, best, rank);
	}
}

/* ids and classes of what is never the text */
int zc_node_furniture(xmlNode *n)
{
	static const char *const words[] = {"nav", "menu", "footer", "foot", "header", "crumb",
					    "share", "fx", "related", "xgwj", "xglj", "sidebar",
					    "copyright", "bottom", "top", "comment", "position",
					    "breadcrumb", "dqwz", "banner", "toolbar", "print", "pager",
					    "page_div", "logo", "search", "friendlink", "links"};
	xmlChar *own_id, *own_cls;
	const char *id = zc_node_prop(n, "id", &own_id), *cls = zc_node_prop(n, "class", &own_cls);
	int neg = 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0] && !neg; i++)
		neg = (id && !strcasecmp(id, words[i])) || (cls && zc_class_has(cls, words[i]));
	const char *name = (const char *)n->name;
	neg = neg || !strcasecmp(name, "nav") || !strcasecmp(name, "footer") || !strcasecmp(name, "aside");
	xmlFree(own_id);
	xmlFree(own_cls);
	return neg;
}

typedef struct dens {
	size_t text, link;	/* code points of text under the node, and of it inside links */
	double p;		/* the node's score as a paragraph (0: not one) */
	double csum;		/* the paragraph scores of its children */
} dens;

typedef struct best {
	xmlNode *node;
	double score;
	xmlNode *const *heads;	/* the title block candidates: no paragraph of the text */
	size_t n_heads;
} best;

static int is_head(const best *b, const xmlNode *n)
{
	for (size_t i = 0; i < b->n_heads; i++)
		if (b->heads[i] == n)
			return 1;
	return 0;
}

/* punctuation of prose in a text node: 。，、；, the commas and stops of Chinese text */
static size_t punct(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if ((unsigned char)*s == 0xE3 && (unsigned char)s[1] == 0x80 &&
		    ((unsigned char)s[2] == 0x82 || (unsigned char)s[2] == 0x81))
			n++;
		else if ((unsigned char)*s == 0xEF && (unsigned char)s[1] == 0xBC &&
			 ((unsigned char)s[2] == 0x8C || (unsigned char)s[2] == 0x9B))
			n++;
	return n;
}

static size_t visible_cps(const char *s)
{
	size_t n = 0;
	while (*s) {
		unsigned cp;
		s += zc_utf8_next(s, &cp);
		if (!zc_is_space_cp(cp))
			n++;
	}
	return n;
}

/* the score of a paragraph of prose visible characters and commas of them */
static double para(size_t prose, size_t commas)
{
	return 1.0 + (double)commas + (prose / 100.0 > 3.0 ? 3.0 : prose / 100.0);
}

static dens density(xmlNode *n, int in_link, best *b, size_t *commas)
{
	dens d = {0, 0, 0, 0};
	size_t own_commas = 0, loose = 0, loose_commas = 0;	/* text beside its blocks */
	double gsum = 0;
	int block_child = 0;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content) {
			size_t k = visible_cps((const char *)c->content), pc = punct((const char *)c->content);
			d.text += k;
			if (in_link)
				d.link += k;
			else
				loose += k;
			own_commas += pc;
			loose_commas += pc;
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || zc_node_hidden(c) || zc_node_furniture(c))
			continue;
		const char *name = (const char *)c->name;
		int link = in_link || !strcasecmp(name, "a");
		size_t cc = 0;
		dens e = density(c, link, b, &cc);
		d.text += e.text;
		d.link += e.link;
		d.csum += e.p;
		gsum += e.csum;
		own_commas += cc;
		if (zc_node_is_block(name) && strcasecmp(name, "br")) {
			block_child = 1;
		} else {
			loose += e.text - e.link;
			loose_commas += cc;
		}
	}
	*commas = own_commas;
	const char *name = (const char *)n->name;
	size_t prose = d.text - d.link;
	if (is_head(b, n))
		;	/* the title block is the title, not a paragraph of the text */
	else if (prose >= 20 && !block_child)
		d.p = para(prose, own_commas);
	else if (loose >= 20)
		d.csum += para(loose, loose_commas);	/* text between its blocks: a paragraph of its own */
	/* the node as a container: its paragraphs, and half of its grandchildren's */
	double score = d.csum + gsum / 2.0;
	if (d.text > 0)
		score *= 1.0 - (double)d.link / (double)d.text;
	if (score > b->score && strcasecmp(name, "html") && strcasecmp(name, "body")) {
		b->score = score;
		b->node = n;
	}
	return d;
}

xmlNode *zc_body_container(xmlNode *root, xmlNode *const *heads, size_t n_heads, int *by_name)
{
	xmlNode *known = NULL;
	size_t rank = NKNOWN;
	find_known(root, &known, &rank);
	*by_name = known != NULL;
	if (known)
		return known;
	best b = {NULL, 0.0, heads, n_heads};
	size_t commas;
	density(root, 0, &b, &commas);
	return b.score >= 2.0 ? b.node : NULL;
}
