/*
 * families.c - the answer formats of the site families (shared/sites.md), as pure functions:
 * bytes in, article links and the announced page count out.
 *   govcn-json   sousuo.www.gov.cn: searchVO.catMap.*.listVO[] or searchVO.listVO[], totalCount
 *   hanweb-json  Hanweb cateSearch.do: result[] of escaped HTML snippets, links through
 *                visit/link.do?url=<real URL>, total
 *   trs-was5     TRS WAS5: {"count":..,"docs":[{"url":..}]}, often not valid JSON
 *   jpage-xml    Hanweb jpage data proxy: <record><![CDATA[<li><a href=…>]]></record>,
 *                <totalrecord>
 *   html-list    a list page: links by an XPath, page count by a regex over the page
 */
#define _GNU_SOURCE	/* memmem */
#include "crawler.h"
#include "parser.h"
#include "../common/zc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zc_links_free(zc_links *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->urls[i]);
	free(l->urls);
	free(l->days);
	free(l->set);
	memset(l, 0, sizeof *l);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* the slot of url in the set: its index + 1 there, or the empty slot where it goes */
static size_t set_slot(const zc_links *l, const char *url)
{
	size_t mask = l->set_cap - 1, i = (size_t)fnv1a(url) & mask;
	while (l->set[i] && strcmp(l->urls[l->set[i] - 1], url))
		i = (i + 1) & mask;
	return i;
}

/* An answer's links, each once, in answer order: a set of indexes (open addressing, at most
   half full) finds a duplicate in constant time, where a scan of the links kept made an answer of
   160,000 links take 46 s. */
static void add_link(zc_links *l, char *url, int day)
{
	if (!url)
		return;
	if (2 * (l->n + 1) > l->set_cap) {
		size_t cap = l->set_cap ? 2 * l->set_cap : 64;
		free(l->set);
		l->set = zc_calloc(cap, sizeof *l->set);
		l->set_cap = cap;
		for (size_t k = 0; k < l->n; k++)
			l->set[set_slot(l, l->urls[k])] = k + 1;
	}
	size_t i = set_slot(l, url);
	if (l->set[i]) {
		free(url);
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->urls = zc_realloc(l->urls, l->cap * sizeof *l->urls);
		l->days = zc_realloc(l->days, l->cap * sizeof *l->days);
	}
	l->days[l->n] = day;
	l->urls[l->n++] = url;
	l->set[i] = l->n;
}

/* n digits at s (1 or 2 for month and day, 4 for a year) as a number, or -1 */
static int digits(const char *s, int lo, int hi, int *used)
{
	int v = 0, k = 0;
	while (k < hi && s[k] >= '0' && s[k] <= '9')
		v = v * 10 + (s[k++] - '0');
	*used = k;
	return k >= lo && !(s[k] >= '0' && s[k] <= '9') ? v : -1;
}

/* a separator of a written date at s (- . / 年 月), its length, else 0 */
static int date_sep(const char *s)
{
	if (*s == '-' || *s == '.' || *s == '/')
		return 1;
	if (!strncmp(s, "年", 3) || !strncmp(s, "月", 3))
		return 3;
	return 0;
}

/* The last date written in text[0..len) (2024-10-31, 2024.10.31, 2024/10/31, 2024年10月31日) as
   YYYYMMDD, or 0: in a list item or a search result the date follows the title (and the URL
   shown under it), so the last one is the item's. */
int zc_text_last_day(const char *text, size_t len)
{
	int best = 0;
	for (size_t i = 0; i + 8 <= len; i++) {
		if (text[i] < '1' || text[i] > '2' || (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9'))
			continue;
		char buf[24];
		size_t m = len - i < sizeof buf - 1 ? len - i : sizeof buf - 1;
		memcpy(buf, text + i, m);
		buf[m] = '\0';
		int u, y = digits(buf, 4, 4, &u), k = u, s1 = y > 0 ? date_sep(buf + k) : 0;
		if (!s1)
			continue;
		k += s1;
		int mo = digits(buf + k, 1, 2, &u), s2;
		k += u;
		if (mo < 1 || mo > 12 || !(s2 = date_sep(buf + k)))
			continue;
		k += s2;
		int d = digits(buf + k, 1, 2, &u);
		if (d < 1 || d > 31 || y < 1900 || y > 2999)
			continue;
		best = y * 10000 + mo * 100 + d;
		i += (size_t)(k + u) - 1;
	}
	return best;
}

static void pct(zc_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~')
			zc_buf_catc(b, (char)*p);
		else
			zc_buf_catf(b, "%%%02X", *p);
	}
}

char *zc_template_expand(const char *tpl, const char *kw, long page, long pages, long page_size)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	long size = page_size > 0 ? page_size : 20;
	for (const char *p = tpl; *p;) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (e) {
				size_t n = (size_t)(e - p - 1);
				const char *name = p + 1;
#define IS(s) (n == strlen(s) && !strncmp(name, s, n))
				if (IS("kw"))
					pct(&b, kw ? kw : "");
				else if (IS("page"))
					zc_buf_catf(&b, "%ld", page);
				else if (IS("page0"))
					zc_buf_catf(&b, "%ld", page - 1);
				else if (IS("rpage"))
					zc_buf_catf(&b, "%ld", pages - page + 1);
				else if (IS("start"))
					zc_buf_catf(&b, "%ld", (page - 1) * size + 1);
				else if (IS("end"))
					zc_buf_catf(&b, "%ld", page * size);
				else
					zc_buf_cat(&b, p, (size_t)(e - p + 1));
#undef IS
				p = e + 1;
				continue;
			}
		}
		zc_buf_catc(&b, *p++);
	}
	return zc_buf_take(&b);
}

/* Repairs the not-quite-JSON of some engines: control characters inside strings become
   spaces, trailing commas before ] and } go.  NULL when there is nothing to repair: then the
   text is JSON or is not, as it stands.  118 of the scale-1 mirror's 253 JSON answers need it;
   jansson reading each to its failure first cost as much as reading it repaired. */
static char *tolerant_json(const char *s, size_t len)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int in_str = 0, esc = 0, changed = 0;
	size_t run = 0;	/* the bytes from run to i go out as they are */
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			if ((unsigned char)c < 0x20) {
				zc_buf_cat(&b, s + run, i - run);
				zc_buf_catc(&b, ' ');
				run = i + 1;
				changed = 1;
			}
			continue;
		}
		if (c == '"')
			in_str = 1;
		if (c == ',') {
			size_t k = i + 1;
			while (k < len && (s[k] == ' ' || s[k] == '\n' || s[k] == '\r' || s[k] == '\t'))
				k++;
			if (k < len && (s[k] == ']' || s[k] == '}')) {
				zc_buf_cat(&b, s + run, i - run);
				run = i + 1;
				changed = 1;
			}
		}
	}
	if (!changed) {
		zc_buf_free(&b);
		return NULL;
	}
	zc_buf_cat(&b, s + run, len - run);
	return zc_buf_take(&b);
}

/* an answer's JSON, repaired first when it needs it (tolerant_json) */
static json_t *load_json(const char *bytes, size_t len)
{
	char *fixed = tolerant_json(bytes, len);
	json_t *j = fixed ? json_loads(fixed, 0, NULL) : json_loadb(bytes, len, 0, NULL);
	free(fixed);
	return j;
}

static long json_num(json_t *v)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(json_string_value(v), NULL, 10);
	return -1;
}

static long pages_of(long total, long size)
{
	if (total <= 0 || size <= 0)
		return total == 0 ? 1 : 0;
	return total / size + (total % size != 0);	/* a total near LONG_MAX must not overflow */
}

/* every listVO array under searchVO, and the largest totalCount beside one */
static void govcn_walk(json_t *o, const char *base, zc_links *l, long *total)
{
	if (json_is_object(o)) {
		json_t *list = json_object_get(o, "listVO");
		if (json_is_array(list)) {
			long t = json_num(json_object_get(o, "totalCount"));
			if (t > *total)
				*total = t;
			for (size_t i = 0; i < json_array_size(list); i++) {
				json_t *it = json_array_get(list, i);
				const char *u = json_string_value(json_object_get(it, "url"));
				const char *d = json_string_value(json_object_get(it, "pubtimeStr"));
				if (u)
					add_link(l, zc_url_resolve(base, u), d ? zc_text_last_day(d, strlen(d)) : 0);
			}
		}
		const char *k;
		json_t *v;
		json_object_foreach(o, k, v)
			if (strcmp(k, "listVO"))
				govcn_walk(v, base, l, total);
	}
}

static int govcn(const zc_endpoint *ep, const char *base, const char *bytes, size_t len, zc_links *l)
{
	json_t *j = load_json(bytes, len);
	json_t *vo = json_object_get(j, "searchVO");
	if (!vo) {
		json_decref(j);
		return ZC_EPARSE;
	}
	long total = -1;
	govcn_walk(vo, base, l, &total);
	l->total = total;
	l->pages = pages_of(total, ep->page_size);
	json_decref(j);
	return ZC_OK;
}

/* value of the url= parameter in a visit/link.do link, percent-decoded */
static char *link_param(const char *href)
{
	const char *p = strstr(href, "url=");
	if (!p || (p != href && p[-1] != '?' && p[-1] != '&'))
		return NULL;
	p += 4;
	zc_buf b;
	zc_buf_init(&b, 8192);
	int rc;
	for (; *p && *p != '&'; p++) {
		if (*p == '%' && p[1] && p[2]) {
			char hex[3] = {p[1], p[2], 0};
			rc = zc_buf_addch(&b, (char)strtol(hex, NULL, 16));
			p += 2;
		} else {
			rc = zc_buf_addch(&b, *p == '+' ? ' ' : *p);
		}
		if (rc != ZC_OK) {	/* a URL over 8 KB: none */
			zc_buf_free(&b);
			return NULL;
		}
	}
	return zc_buf_take(&b);
}

/* the links under n that resolve against base (not javascript:), in document order, into l;
   with first, only the first of them.  Returns 1 once that one is found. */
static int links_under(xmlNode *n, const char *base, zc_links *l, int first, int day)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *href = xmlStrcasecmp(n->name, (const xmlChar *)"a") ? NULL : xmlGetProp(n, (const xmlChar *)"href");
		if (href) {
			char *real = link_param((const char *)href);
			char *url = zc_url_resolve(base, real ? real : (const char *)href);
			free(real);
			xmlFree(href);
			if (url) {
				add_link(l, url, day);
				if (first)
					return 1;
			}
		}
		if (links_under(n->children, base, l, first, day))
			return 1;
	}
	return 0;
}

/* the links of an HTML snippet (with first, the first only: a search result's own) into l.
   One parser context serves every snippet of an answer: making one per snippet cost more
   than the parse, and XPath more than a walk to the links. */
static void snippet_links(htmlParserCtxtPtr pc, const char *html, size_t len, const char *base, zc_links *l, int first)
{
	htmlDocPtr doc = htmlCtxtReadMemory(pc, html, (int)len, base, "UTF-8",
					    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc)
		return;
	/* a snippet is one result (a search's) or one list item (jpage's): its date is theirs */
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlChar *text = root ? xmlNodeGetContent(root) : NULL;
	int day = text ? zc_text_last_day((const char *)text, strlen((const char *)text)) : 0;
	xmlFree(text);
	links_under(root, base, l, first, day);
	xmlFreeDoc(doc);
}

static int hanweb(const zc_endpoint *ep, const char *base, const char *bytes, size_t len, zc_links *l)
{
	json_t *j = load_json(bytes, len);
	json_t *res = json_object_get(j, "result");
	if (!json_is_array(res)) {
		json_decref(j);
		return ZC_EPARSE;
	}
	htmlParserCtxtPtr pc = htmlNewParserCtxt();
	for (size_t i = 0; pc && i < json_array_size(res); i++) {
		const char *s = json_string_value(json_array_get(res, i));
		if (s)
			snippet_links(pc, s, strlen(s), base, l, 1);
	}
	if (pc)
		htmlFreeParserCtxt(pc);
	l->total = json_num(json_object_get(j, "total"));
	l->pages = pages_of(l->total, ep->page_size);
	json_decref(j);
	return ZC_OK;
}

static int was5(const zc_endpoint *ep, const char *base, const char *bytes, size_t len, zc_links *l)
{
	json_t *j = load_json(bytes, len);
	json_t *docs = json_object_get(j, "docs");
	if (!json_is_array(docs)) {
		json_decref(j);
		return ZC_EPARSE;
	}
	for (size_t i = 0; i < json_array_size(docs); i++) {
		json_t *it = json_array_get(docs, i);
		const char *u = json_string_value(json_object_get(it, "url"));
		const char *d = json_string_value(json_object_get(it, "pubtime"));
		if (u)
			add_link(l, zc_url_resolve(base, u), d ? zc_text_last_day(d, strlen(d)) : 0);
	}
	l->total = json_num(json_object_get(j, "count"));
	l->pages = pages_of(l->total, ep->page_size);
	json_decref(j);
	return ZC_OK;
}

static int jpage(const zc_endpoint *ep, const char *base, const char *bytes, size_t len, zc_links *l)
{
	char *s = zc_strndup(bytes, len);
	char *tr = strstr(s, "<totalrecord>");
	if (!strstr(s, "<datastore") || !tr) {
		free(s);
		return ZC_EPARSE;
	}
	l->total = strtol(tr + strlen("<totalrecord>"), NULL, 10);
	l->pages = pages_of(l->total, ep->page_size);
	htmlParserCtxtPtr pc = htmlNewParserCtxt();
	for (char *p = s; pc && (p = strstr(p, "<record>")) != NULL;) {
		char *e = strstr(p, "</record>");
		if (!e)
			break;
		/* looked for within the record only: a search to the end of the answer for each
		   record without one would grow with the square of the records */
		char *cd = memmem(p, (size_t)(e - p), "<![CDATA[", 9);
		if (cd) {
			cd += 9;
			char *ce = memmem(cd, (size_t)(e - cd), "]]>", 3);
			if (ce)
				snippet_links(pc, cd, (size_t)(ce - cd), base, l, 0);
		}
		p = e;
	}
	if (pc)
		htmlFreeParserCtxt(pc);
	free(s);
	return ZC_OK;
}

/* how many <a> elements n holds, counted up to 2 */
static int links_in(xmlNode *n, int count)
{
	for (xmlNode *k = n->children; k && count < 2; k = k->next)
		if (k->type == XML_ELEMENT_NODE) {
			if (!xmlStrcasecmp(k->name, (const xmlChar *)"a"))
				count++;
			count = links_in(k, count);
		}
	return count;
}

static int node_day(xmlNode *n)
{
	xmlChar *text = xmlNodeGetContent(n);
	int day = text ? zc_text_last_day((const char *)text, strlen((const char *)text)) : 0;
	xmlFree(text);
	return day;
}

/* the day of the last node asked for, kept: the links of one list item, or every link of a
   list written into one cell (<td><a>…</a> 2024-10-31<br>…), share a parent, whose text was
   read again for each of them (an answer of 10,000 links in one cell took 9.5 s) */
typedef struct day_memo {
	xmlNode *parent, *grand;
	int parent_day, grand_day;
} day_memo;

/* The date of a list item whose link is a: the last date in the link's parent (<li><a>…</a>
   <span>2024-10-31</span></li>), else in its grandparent while that holds no other link
   (<tr><td><a>…</a></td><td>2024-10-31</td></tr>); 0 when neither has one. */
static int item_day(xmlNode *a, day_memo *m)
{
	if (!a || !a->parent || a->parent->type != XML_ELEMENT_NODE)
		return 0;
	if (a->parent != m->parent) {
		m->parent = a->parent;
		m->parent_day = node_day(a->parent);
	}
	if (m->parent_day)
		return m->parent_day;
	xmlNode *g = a->parent->parent;
	if (!g || g->type != XML_ELEMENT_NODE)
		return 0;
	if (g != m->grand) {
		m->grand = g;
		m->grand_day = links_in(g, 0) == 1 ? node_day(g) : 0;
	}
	return m->grand_day;
}

static int html_list(const zc_endpoint *ep, const char *base, const char *bytes, size_t len,
		     const char *ctype, zc_links *l)
{
	char *html;
	size_t hlen;
	const char *cs;
	int bad;
	if (zc_charset_decode(bytes, len, ctype, &html, &hlen, &cs, &bad) != ZC_OK)
		return ZC_EPARSE;
	htmlDocPtr doc = htmlReadMemory(html, (int)hlen, base, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
						HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	if (!doc) {
		free(html);
		return ZC_EPARSE;
	}
	xmlXPathContext *ctx = xmlXPathNewContext(doc);
	xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)ep->items, ctx);
	day_memo memo = {NULL, NULL, 0, 0};
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNode *n = o->nodesetval->nodeTab[i];
		xmlChar *href = n->type == XML_ATTRIBUTE_NODE ? xmlNodeGetContent(n) : xmlGetProp(n, (const xmlChar *)"href");
		if (href) {
			add_link(l, zc_url_resolve(base, (const char *)href), item_day(n->type == XML_ATTRIBUTE_NODE ? n->parent : n, &memo));
			xmlFree(href);
		}
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	l->total = -1;
	l->pages = 0;
	if (ep->pages) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)ep->pages, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
		if (re) {
			pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
			if (pcre2_match(re, (PCRE2_SPTR)html, hlen, 0, 0, md, NULL) >= 2) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
				char num[16] = "";
				size_t n = ov[3] - ov[2];
				if (n < sizeof num) {
					memcpy(num, html + ov[2], n);
					l->pages = strtol(num, NULL, 10);
				}
			}
			pcre2_match_data_free(md);
			pcre2_code_free(re);
		}
	}
	free(html);
	return ZC_OK;
}

int zc_answer_parse(const zc_endpoint *ep, const char *page_url, const char *bytes, size_t len,
		    const char *content_type, zc_links *out)
{
	memset(out, 0, sizeof *out);
	out->total = -1;
	int rc = ZC_EPARSE;
	if (!strcmp(ep->answer, "govcn-json"))
		rc = govcn(ep, page_url, bytes, len, out);
	else if (!strcmp(ep->answer, "hanweb-json"))
		rc = hanweb(ep, page_url, bytes, len, out);
	else if (!strcmp(ep->answer, "trs-was5"))
		rc = was5(ep, page_url, bytes, len, out);
	else if (!strcmp(ep->answer, "jpage-xml"))
		rc = jpage(ep, page_url, bytes, len, out);
	else if (!strcmp(ep->answer, "html-list"))
		rc = html_list(ep, page_url, bytes, len, content_type, out);
	if (rc != ZC_OK)
		zc_links_free(out);
	return rc;
}
