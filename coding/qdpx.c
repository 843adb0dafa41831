/*
 * qdpx.c - exchange with QDA software through the REFI-QDA standard (coding.h): a project
 * (.qdpx: a zip of project.qde and the sources' plain text) and a codebook (.qdc).
 *
 * A document is a text source: its entries in order, one a line, each "[CODE] text", so that a
 * coder in NVivo, MAXQDA, ATLAS.ti or QualCoder sees the entry codes.  Categories are codes that
 * cannot be coded, their codes the codable codes beneath them; a coder's coding of an entry is a
 * plain-text selection over the entry's text with a coding for each code, made by that user.
 * Positions count characters (Unicode code points) of the plain text, as the standard says; a
 * selection made elsewhere is the entry's whose line it overlaps most.  GUIDs are name-based
 * (SHA-256 of what they name), so the same corpus exports the same project.
 */
#include "internal.h"
#include "coding.h"
#include "../common/zc.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PROJECT "urn:QDA-XML:project:1.0"
#define NS_CODEBOOK "urn:QDA-XML:codebook:1.0"
#define MEMBER_MAX ((size_t)512 << 20)

static void guid(const char *what, char out[37])
{
	char hex[65];
	zc_text_sha256(what, strlen(what), hex);
	/* 8-4-4-4-12, version 8 (name-based, RFC 9562) and the RFC's variant */
	hex[12] = '8';
	hex[16] = "89ab"[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static char *guidf(const char *fmt, const char *a, const char *b, const char *c)
{
	char *s = zc_asprintf(fmt, a, b ? b : "", c ? c : "");
	char g[37];
	guid(s, g);
	free(s);
	return zc_strdup(g);
}

static size_t cp_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* ---- the codebook as REFI-QDA codes ---- */

static void add_codes(xmlNodePtr codes, xmlNsPtr ns, const zc_codebook *cb, const zc_codes *used)
{
	for (size_t i = 0; i < cb->ncats; i++) {
		const zc_category *c = &cb->cats[i];
		char *g = guidf("category:%s%s%s", c->id, NULL, NULL);
		xmlNodePtr cat = xmlNewChild(codes, ns, BAD_CAST "Code", NULL);
		xmlNewProp(cat, BAD_CAST "guid", BAD_CAST g);
		xmlNewProp(cat, BAD_CAST "name", BAD_CAST c->name);
		xmlNewProp(cat, BAD_CAST "isCodable", BAD_CAST "false");
		free(g);
		char *d = zc_asprintf("%s (%s)%s%s", c->id, c->multiple ? "several codes an entry" : "one code an entry",
				      *c->description ? ": " : "", c->description);
		xmlNewTextChild(cat, ns, BAD_CAST "Description", BAD_CAST d);
		free(d);
		/* the closed list, then the codes coders wrote beyond it */
		const zc_catcodes *extra = used ? zc_codes_of(used, c->id) : NULL;
		size_t n = c->ncodes + (extra ? extra->ncodes : 0);
		for (size_t k = 0; k < n; k++) {
			const char *code = k < c->ncodes ? c->codes[k].code : extra->codes[k - c->ncodes];
			if (k >= c->ncodes && zc_category_code(c, code) >= 0)
				continue;
			char *cg = guidf("code:%s:%s%s", c->id, code, NULL);
			xmlNodePtr x = xmlNewChild(cat, ns, BAD_CAST "Code", NULL);
			xmlNewProp(x, BAD_CAST "guid", BAD_CAST cg);
			xmlNewProp(x, BAD_CAST "name", BAD_CAST code);
			xmlNewProp(x, BAD_CAST "isCodable", BAD_CAST "true");
			if (k < c->ncodes && *c->codes[k].description)
				xmlNewTextChild(x, ns, BAD_CAST "Description", BAD_CAST c->codes[k].description);
			free(cg);
		}
	}
}

static char *dump(xmlDocPtr doc, size_t *len)
{
	xmlChar *mem = NULL;
	int n = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &n, "UTF-8", 1);
	char *s = zc_strndup((const char *)mem, (size_t)(n > 0 ? n : 0));
	xmlFree(mem);
	*len = n > 0 ? (size_t)n : 0;
	return s;
}

int zc_qdc_write(const zc_codebook *cb, FILE *out)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "CodeBook");
	xmlNsPtr ns = xmlNewNs(root, BAD_CAST NS_CODEBOOK, NULL);
	xmlSetNs(root, ns);
	xmlNewProp(root, BAD_CAST "origin", BAD_CAST "zhengce " ZC_VERSION);
	xmlDocSetRootElement(doc, root);
	add_codes(xmlNewChild(root, ns, BAD_CAST "Codes", NULL), ns, cb, NULL);
	size_t n;
	char *s = dump(doc, &n);
	xmlFreeDoc(doc);
	size_t w = fwrite(s, 1, n, out);
	free(s);
	return w == n ? ZC_OK : zc_write_error(errno);
}

/* ---- export ---- */

typedef struct doc_src {
	char *doc_code, *title;
	zc_buf text;
	json_t *spans;	/* [[entry, start, end]] in code points: the entry's text */
	size_t cps;
} doc_src;

typedef struct exp {
	doc_src *docs;
	size_t ndocs;
} exp;

static int exp_entry(const zc_entry *entry, const zc_page *page, void *arg)
{
	exp *x = arg;
	const char *doc = entry->doc_code, *code = entry->code;
	if (!*doc || !*code)
		return 0;
	if (!x->ndocs || strcmp(x->docs[x->ndocs - 1].doc_code, doc)) {
		x->docs = zc_realloc(x->docs, (x->ndocs + 1) * sizeof *x->docs);
		doc_src *d = &x->docs[x->ndocs++];
		d->doc_code = zc_strdup(doc);
		d->title = zc_text_visible(page->doc.title, 0);
		zc_buf_init(&d->text, ZC_BUF_UNLIMITED);
		d->spans = json_array();
		d->cps = 0;
	}
	doc_src *d = &x->docs[x->ndocs - 1];
	/* one line an entry: its line breaks become spaces */
	char *text = zc_text_visible(entry->text, 0);
	char *prefix = zc_asprintf("[%s] ", code);
	zc_buf_cats(&d->text, prefix);
	d->cps += cp_count(prefix, strlen(prefix));
	size_t start = d->cps, tl = strlen(text);
	zc_buf_cats(&d->text, text);
	d->cps += cp_count(text, tl);
	json_array_append_new(d->spans, json_pack("[sII]", code, (json_int_t)start, (json_int_t)d->cps));
	zc_buf_catc(&d->text, '\n');
	d->cps++;
	free(prefix);
	free(text);
	return 0;
}

/* the codes coders gave beyond the closed lists: used, category -> codes in the order met */
static void codes_used(const zc_kept_set *k, zc_codes *used)
{
	for (size_t i = 0; i < k->n; i++)
		for (size_t c = 0; c < k->v[i].codes.ncats; c++) {
			const zc_catcodes *cc = &k->v[i].codes.cats[c];
			zc_codes_cat(used, cc->category);
			for (size_t q = 0; q < cc->ncodes; q++)
				if (!zc_catcodes_has(zc_codes_of(used, cc->category), cc->codes[q]))
					zc_codes_add(used, cc->category, cc->codes[q]);
		}
}

typedef struct exp_codings {
	unsigned round;
	zc_kept_set k;
} exp_codings;

static int exp_txn(zc_txn *t, void *arg)
{
	exp_codings *c = arg;
	return zc_kept_gather(t, c->round, &c->k);
}

/* the project's root: its name, origin and time */
static xmlNodePtr project_root(xmlDocPtr doc, const zc_codebook *cb, xmlNsPtr *ns)
{
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "Project");
	*ns = xmlNewNs(root, BAD_CAST NS_PROJECT, NULL);
	xmlSetNs(root, *ns);
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "name", BAD_CAST cb->name);
	xmlNewProp(root, BAD_CAST "origin", BAD_CAST "zhengce " ZC_VERSION);
	time_t now = time(NULL);
	struct tm tm;
	char at[32];
	gmtime_r(&now, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	xmlNewProp(root, BAD_CAST "creationDateTime", BAD_CAST at);
	return root;
}

/* a user a coder, in the order met */
static void add_users(xmlNodePtr root, xmlNsPtr ns, const zc_kept_set *k)
{
	xmlNodePtr users = NULL;
	const char **met = zc_calloc(k->n + 1, sizeof *met);
	size_t nmet = 0;
	for (size_t i = 0; i < k->n; i++) {
		size_t p = 0;
		while (p < nmet && strcmp(met[p], k->v[i].coder))
			p++;
		if (p < nmet)
			continue;
		met[nmet++] = k->v[i].coder;
		if (!users)
			users = xmlNewChild(root, ns, BAD_CAST "Users", NULL);
		char *g = guidf("user:%s%s%s", k->v[i].coder, NULL, NULL);
		xmlNodePtr u = xmlNewChild(users, ns, BAD_CAST "User", NULL);
		xmlNewProp(u, BAD_CAST "guid", BAD_CAST g);
		xmlNewProp(u, BAD_CAST "name", BAD_CAST k->v[i].coder);
		free(g);
	}
	free(met);
}

/* a coder's coding of an entry as a plain-text selection of its span, a coding a code */
static void add_selection(xmlNodePtr s, xmlNsPtr ns, json_t *span, const zc_kept *k)
{
	const char *entry = k->entry, *coder = k->coder;
	char *ug = guidf("user:%s%s%s", coder, NULL, NULL), *sg = guidf("selection:%s:%s%s", entry, coder, NULL);
	char st[24], en[24];
	snprintf(st, sizeof st, "%lld", (long long)json_integer_value(json_array_get(span, 1)));
	snprintf(en, sizeof en, "%lld", (long long)json_integer_value(json_array_get(span, 2)));
	xmlNodePtr sel = xmlNewChild(s, ns, BAD_CAST "PlainTextSelection", NULL);
	xmlNewProp(sel, BAD_CAST "guid", BAD_CAST sg);
	xmlNewProp(sel, BAD_CAST "name", BAD_CAST entry);
	xmlNewProp(sel, BAD_CAST "startPosition", BAD_CAST st);
	xmlNewProp(sel, BAD_CAST "endPosition", BAD_CAST en);
	xmlNewProp(sel, BAD_CAST "creatingUser", BAD_CAST ug);
	for (size_t c = 0; c < k->codes.ncats; c++) {
		const zc_catcodes *cc = &k->codes.cats[c];
		for (size_t q = 0; q < cc->ncodes; q++) {
			char *cg = guidf("code:%s:%s%s", cc->category, cc->codes[q], NULL);
			char *kg = guidf("coding:%s:%s", entry, coder, cg);
			xmlNodePtr cd = xmlNewChild(sel, ns, BAD_CAST "Coding", NULL);
			xmlNewProp(cd, BAD_CAST "guid", BAD_CAST kg);
			xmlNewProp(cd, BAD_CAST "creatingUser", BAD_CAST ug);
			xmlNewProp(xmlNewChild(cd, ns, BAD_CAST "CodeRef", NULL), BAD_CAST "targetGUID", BAD_CAST cg);
			free(cg);
			free(kg);
		}
	}
	free(ug);
	free(sg);
}

/* a member of the zip, its bytes copied: ZC_OK or ZC_EIO */
static int zip_member_add(zip_t *z, const char *member, const char *data, size_t len)
{
	char *copy = zc_malloc(len + 1);
	memcpy(copy, data ? data : "", len);
	zip_source_t *zs = zip_source_buffer(z, copy, len, 1);
	if (!zs || zip_file_add(z, member, zs, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
		if (zs)
			zip_source_free(zs);
		else
			free(copy);
		return ZC_EIO;
	}
	return ZC_OK;
}

/* a document as a text source with each coder's selections; its text a member of z */
static int add_source(xmlNodePtr srcs, xmlNsPtr ns, zip_t *z, const doc_src *d, const zc_kept_set *k, long *nsel)
{
	char *g = guidf("document:%s%s%s", d->doc_code, NULL, NULL);
	char *name = zc_asprintf("%s %s", d->doc_code, d->title);
	char *file = zc_asprintf("%s.txt", g), *ipath = zc_asprintf("internal://%s", file), *member = zc_asprintf("sources/%s", file);
	xmlNodePtr s = xmlNewChild(srcs, ns, BAD_CAST "TextSource", NULL);
	xmlNewProp(s, BAD_CAST "guid", BAD_CAST g);
	xmlNewProp(s, BAD_CAST "name", BAD_CAST name);
	xmlNewProp(s, BAD_CAST "plainTextPath", BAD_CAST ipath);
	size_t i;
	json_t *span;
	json_array_foreach(d->spans, i, span) {
		size_t n;
		const zc_kept *kc = zc_kept_find(k, json_string_value(json_array_get(span, 0)), &n);
		for (size_t c = 0; c < n; c++, (*nsel)++)
			add_selection(s, ns, span, &kc[c]);
	}
	int rc = zip_member_add(z, member, d->text.data, d->text.len);
	free(g);
	free(name);
	free(file);
	free(ipath);
	free(member);
	return rc;
}

/* the project.qde and the sources into a zip at path */
static int project_write(xmlDocPtr doc, xmlNodePtr root, xmlNsPtr ns, const exp *x, const zc_kept_set *k, const char *path, long *nsel)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z)
		return ZC_EIO;
	int rc = ZC_OK;
	xmlNodePtr srcs = x->ndocs ? xmlNewChild(root, ns, BAD_CAST "Sources", NULL) : NULL;
	for (size_t i = 0; rc == ZC_OK && i < x->ndocs; i++)
		rc = add_source(srcs, ns, z, &x->docs[i], k, nsel);
	if (rc == ZC_OK) {
		size_t n;
		char *s = dump(doc, &n);
		rc = zip_member_add(z, "project.qde", s, n);
		free(s);
	}
	if (rc == ZC_OK && zip_close(z) != 0)
		rc = zc_write_error(errno);
	if (rc != ZC_OK)
		zip_discard(z);
	return rc;
}

int zc_qdpx_export(zc_index *idx, const zc_codebook *cb, unsigned round, const char *path, long *sources, long *selections)
{
	exp x = {NULL, 0};
	exp_codings c = {round, {NULL, 0}};
	zc_codes used = {NULL, 0};
	zc_query all = {0};
	long nsel = 0;
	int rc = zc_index_entries(idx, &all, exp_entry, &x);
	if (rc == ZC_OK)
		rc = zc_index_read(idx, exp_txn, &c);
	codes_used(&c.k, &used);
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNsPtr ns;
	xmlNodePtr root = project_root(doc, cb, &ns);
	add_users(root, ns, &c.k);
	add_codes(xmlNewChild(xmlNewChild(root, ns, BAD_CAST "CodeBook", NULL), ns, BAD_CAST "Codes", NULL), ns, cb, &used);
	if (rc == ZC_OK)
		rc = project_write(doc, root, ns, &x, &c.k, path, &nsel);
	xmlFreeDoc(doc);
	for (size_t i = 0; i < x.ndocs; i++) {
		free(x.docs[i].doc_code);
		free(x.docs[i].title);
		zc_buf_free(&x.docs[i].text);
		json_decref(x.docs[i].spans);
	}
	if (sources)
		*sources = (long)x.ndocs;
	if (selections)
		*selections = nsel;
	free(x.docs);
	zc_kept_free(&c.k);
	zc_codes_clear(&used);
	return rc;
}

/* ---- import ---- */

static int is_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* codes: guid -> [category id, code]; a code under a category's code (at any depth) is of that
   category; one under none is recorded as such ("" category) */
static void read_codes(xmlNodePtr n, const zc_codebook *cb, int cat, json_t *codes)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (!is_el(c, "Code"))
			continue;
		char *g = zc_xml_attr(c, "guid"), *name = zc_xml_attr(c, "name");
		int here = cat;
		if (cat < 0 && name)
			here = zc_codebook_category(cb, name);
		if (g && name && here >= 0 && here != cat)
			;	/* the category itself */
		else if (g && name)
			json_object_set_new(codes, g, json_pack("[ss]", here >= 0 ? cb->cats[here].id : "", name));
		read_codes(c, cb, here, codes);
		free(g);
		free(name);
	}
}

/* the entry lines of a source's text: [[entry, start, end]] in code points, as exported */
static json_t *entry_spans(const char *text)
{
	json_t *spans = json_array();
	size_t cp = 0;
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (*p == '[') {
			const char *close = memchr(p, ']', len);
			if (close && close > p + 1 && close + 1 < p + len && close[1] == ' ') {
				char *code = zc_strndup(p + 1, (size_t)(close - p - 1));
				size_t start = cp + cp_count(p, (size_t)(close + 2 - p));
				json_array_append_new(spans, json_pack("[sII]", code, (json_int_t)start, (json_int_t)(cp + cp_count(p, len))));
				free(code);
			}
		}
		cp += cp_count(p, len) + (eol ? 1 : 0);
		p += len + (eol ? 1 : 0);
	}
	return spans;
}

static const char *span_entry(json_t *spans, long start, long end)
{
	const char *best = NULL;
	long bo = 0;
	size_t i;
	json_t *s;
	json_array_foreach(spans, i, s) {
		long a = (long)json_integer_value(json_array_get(s, 1)), b = (long)json_integer_value(json_array_get(s, 2));
		long lo = a > start ? a : start, hi = b < end ? b : end;
		if (hi - lo > bo) {
			bo = hi - lo;
			best = json_string_value(json_array_get(s, 0));
		}
	}
	return best;
}

/* a project being read: its users and codes by GUID, the codings found by user and entry, the
   problems met */
typedef struct qread {
	const zc_codebook *cb;
	const char *coder;	/* the coder of every coding, or NULL: the coding's user */
	json_t *users;		/* guid -> name */
	json_t *codes;		/* guid -> [category id, code] */
	json_t *by;		/* user -> {entry: {entry, row, codes}} */
	json_t *probs;		/* [[selection number, entry, why]] */
	long selno;		/* selections met */
} qread;

static void problem(qread *q, long sel, const char *entry, const char *why)
{
	json_array_append_new(q->probs, json_pack("[Iss]", (json_int_t)sel, entry, why));
}

static void read_users(qread *q, xmlNodePtr root)
{
	for (xmlNodePtr u = zc_xml_child(zc_xml_child(root, "Users"), "User"); u; u = u->next) {
		if (!is_el(u, "User"))
			continue;
		char *g = zc_xml_attr(u, "guid"), *name = zc_xml_attr(u, "name");
		if (g && name)
			json_object_set_new(q->users, g, json_string(name));
		free(g);
		free(name);
	}
}

/* a text source's plain text (new string): its PlainTextContent, else its member; NULL when
   unreadable */
static char *source_text(zip_t *z, xmlNodePtr s)
{
	char *text = NULL, *tp = zc_xml_attr(s, "plainTextPath");
	xmlNodePtr ptc = zc_xml_child(s, "PlainTextContent");
	if (ptc) {
		xmlChar *c = xmlNodeGetContent(ptc);
		text = zc_strdup(c ? (const char *)c : "");
		xmlFree(c);
	} else if (tp && zc_str_starts(tp, "internal://") && !strstr(tp, "..")) {
		char *member = zc_asprintf("sources/%s", tp + 11);
		size_t tl;
		if (zc_zip_member(z, member, MEMBER_MAX, &text, &tl) != ZC_OK || !zc_utf8_valid(text, tl) || strlen(text) != tl) {
			free(text);
			text = NULL;
		}
		free(member);
	}
	free(tp);
	return text;
}

/* code (a [category id, code] of q->codes) given to entry by user in the current selection */
static void add_coding(qread *q, const char *user, const char *entry, json_t *code)
{
	json_t *u = json_object_get(q->by, user);
	if (!u)
		json_object_set_new(q->by, user, (u = json_object()));
	json_t *e = json_object_get(u, entry);
	if (!e) {
		e = json_pack("{s:s,s:I,s:{}}", "entry", entry, "row", (json_int_t)q->selno, "codes");
		for (size_t k = 0; k < q->cb->ncats; k++)
			json_object_set_new(json_object_get(e, "codes"), q->cb->cats[k].id, json_array());
		json_object_set_new(u, entry, e);
	}
	json_t *arr = json_object_get(json_object_get(e, "codes"), json_string_value(json_array_get(code, 0)));
	int seen = 0;
	for (size_t k = 0; k < json_array_size(arr); k++)
		seen |= json_equal(json_array_get(arr, k), json_array_get(code, 1));
	if (!seen)
		json_array_append(arr, json_array_get(code, 1));
}

/* the codings of a selection over entry: each by its user (su the selection's), its code found
   by GUID under a category */
static void read_codings(qread *q, xmlNodePtr sel, const char *entry, const char *su)
{
	for (xmlNodePtr cd = sel->children; cd; cd = cd->next) {
		if (!is_el(cd, "Coding"))
			continue;
		char *cu = zc_xml_attr(cd, "creatingUser"), *tg = zc_xml_attr(zc_xml_child(cd, "CodeRef"), "targetGUID");
		const char *user = q->coder ? q->coder : json_string_value(json_object_get(q->users, cu ? cu : su ? su : ""));
		json_t *code = json_object_get(q->codes, tg ? tg : "");
		if (!user) {
			problem(q, q->selno, entry, "a coding by no user of the project: give --coder");
		} else if (!code || !*json_string_value(json_array_get(code, 0))) {
			char *why = zc_asprintf("a code \"%s\" under no category of codebook %s", code ? json_string_value(json_array_get(code, 1)) : tg ? tg : "?",
						q->cb->name);
			problem(q, q->selno, entry, why);
			free(why);
		} else {
			add_coding(q, user, entry, code);
		}
		free(cu);
		free(tg);
	}
}

/* a source's plain-text selections (spans: its entries' lines, ncp its characters) */
static void read_selections(qread *q, xmlNodePtr s, json_t *spans, long ncp)
{
	char *sname = zc_xml_attr(s, "name");
	for (xmlNodePtr sel = s->children; sel; sel = sel->next) {
		if (!is_el(sel, "PlainTextSelection"))
			continue;
		q->selno++;
		char *a = zc_xml_attr(sel, "startPosition"), *b = zc_xml_attr(sel, "endPosition"), *su = zc_xml_attr(sel, "creatingUser");
		long st = -1, en = -1;
		const char *entry = NULL;
		if (!a || !b || zc_parse_long(a, 0, ncp, &st) != ZC_OK || zc_parse_long(b, 0, ncp, &en) != ZC_OK || en <= st) {
			char *why = zc_asprintf("a selection of %s has positions %s-%s outside its text of %ld characters", sname ? sname : "a source",
						a ? a : "?", b ? b : "?", ncp);
			problem(q, q->selno, "", why);
			free(why);
		} else if (!(entry = span_entry(spans, st, en))) {
			problem(q, q->selno, "", "a selection that covers no entry's text");
		} else {
			read_codings(q, sel, entry, su);
		}
		free(a);
		free(b);
		free(su);
	}
	free(sname);
}

static void read_sources(qread *q, zip_t *z, xmlNodePtr root)
{
	xmlNodePtr sources = zc_xml_child(root, "Sources");
	for (xmlNodePtr s = sources ? sources->children : NULL; s; s = s->next) {
		if (!is_el(s, "TextSource"))
			continue;
		char *text = source_text(z, s);
		if (!text) {
			problem(q, 0, "", "a text source without readable plain text is skipped");
			continue;
		}
		json_t *spans = entry_spans(text);
		read_selections(q, s, spans, (long)cp_count(text, strlen(text)));
		json_decref(spans);
		free(text);
	}
}

/* every coder's codings, each checked against the codebook: {coders: {coder: [rows]}, problems} */
static json_t *qdpx_result(qread *q)
{
	json_t *result = json_pack("{s:{},s:o}", "coders", "problems", json_incref(q->probs));
	const char *user;
	json_t *ents;
	json_object_foreach(q->by, user, ents) {
		json_t *rows = json_array(), *e;
		const char *entry;
		json_object_foreach(ents, entry, e) {
			char *why = NULL;
			for (size_t k = 0; k < q->cb->ncats && !why; k++)
				(void)zc_values_check(&q->cb->cats[k], json_object_get(json_object_get(e, "codes"), q->cb->cats[k].id), &why);
			if (why) {
				problem(q, (long)json_integer_value(json_object_get(e, "row")), entry, why);
				free(why);
			} else {
				json_array_append(rows, e);
			}
		}
		json_object_set_new(json_object_get(result, "coders"), user, rows);
	}
	return result;
}

/* project.qde of the zip z, checked to be a REFI-QDA project */
static xmlDocPtr project_doc(zip_t *z, char **err)
{
	char *qde = NULL;
	size_t n;
	xmlDocPtr doc = NULL;
	if (zc_zip_member(z, "project.qde", MEMBER_MAX, &qde, &n) != ZC_OK || !(doc = zc_xml_read(qde, n))) {
		*err = zc_strdup("no readable project.qde: not a REFI-QDA project");
	} else {
		xmlNodePtr root = xmlDocGetRootElement(doc);
		if (!is_el(root, "Project") || !root->ns || strcmp((const char *)root->ns->href, NS_PROJECT)) {
			*err = zc_strdup("project.qde's root is not a Project of " NS_PROJECT);
			xmlFreeDoc(doc);
			doc = NULL;
		}
	}
	free(qde);
	return doc;
}

int zc_qdpx_read(const zc_codebook *cb, const char *data, size_t len, const char *coder_override, json_t **out, char **err)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	zip_error_fini(&ze);
	*out = NULL;
	*err = NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		*err = zc_strdup("not a zip archive: not a REFI-QDA project (.qdpx)");
		return ZC_EPARSE;
	}
	xmlDocPtr doc = project_doc(z, err);
	if (doc) {
		qread q = {cb, coder_override, json_object(), json_object(), json_object(), json_array(), 0};
		xmlNodePtr root = xmlDocGetRootElement(doc), cbn = zc_xml_child(zc_xml_child(root, "CodeBook"), "Codes");
		read_users(&q, root);
		if (cbn)
			read_codes(cbn, cb, -1, q.codes);
		read_sources(&q, z, root);
		*out = qdpx_result(&q);
		json_decref(q.users);
		json_decref(q.codes);
		json_decref(q.by);
		json_decref(q.probs);
		xmlFreeDoc(doc);
	}
	zip_discard(z);
	return *out ? ZC_OK : ZC_EPARSE;
}
