/*
 * parser.h - bytes to document.  Pure: no network, no LMDB.  Input is what a site sent (bytes,
 * the URL, the HTTP Content-Type); output is a zc_doc the caller owns and frees with
 * zc_doc_free().
 *
 * What is global: the first zc_parse_page() installs an allocator for libxml2 in the whole
 * process (xmlMemSetup), and every parse takes libxml2's memory from one region given back
 * when it ends (xmlmem.c; measured: the 50 fixture pages parsed 200 times took 2.25 s of CPU
 * with the region and 2.74 s without, so it stays).  So zc_parse_page() is called from one
 * thread at a time; memory libxml2 allocated before the first parse, or outside one, stays
 * malloc's and is freed as such.  The other functions here
 * hold no state and may be called from any thread.
 *
 * Text in a zc_doc is UTF-8.  Dates are ISO 8601 "YYYY-MM-DD" or "" when the page does not
 * say.  Strings are never NULL (empty when unknown).
 */
#ifndef ZC_PARSER_H
#define ZC_PARSER_H

#include <jansson.h>
#include <stddef.h>

typedef struct zc_attachment {
	char *name;
	char *url;		/* absolute */
} zc_attachment;

typedef struct zc_doc {
	char *url;
	char *title;
	char *docno;		/* normalised: 〔YYYY〕 brackets, half-width digits, no 第 */
	char **issuers;		/* as the page names them; n_issuers may be 0 */
	size_t n_issuers;
	char written_date[11];	/* 成文日期 */
	char published_date[11];/* 发布日期 */
	char *type;		/* the title's document word (zc_doc_type), 解读, 转发,
				   新闻 or other */
	char *validity;		/* 有效 失效 废止 or "" */
	char *column;		/* ColumnType / ColumnName hints, joined by '|' */
	char *body;		/* main text, one paragraph a line; without the document
				   number line, the signature block and attachment links */
	zc_attachment *attachments;
	size_t n_attachments;
	char *charset;		/* the charset the bytes were decoded with */
	int bad_bytes;		/* invalid byte sequences replaced by U+FFFD */
	int challenge;		/* 1: an anti-bot challenge or WAF page, not a document */
} zc_doc;

/*
 * Parses one article page.  Returns ZC_OK with *out set; ZC_ECHALLENGE with *out set and
 * (*out)->challenge = 1 for challenge pages; ZC_EPARSE when the bytes hold no HTML at all.
 */
int zc_parse_page(const char *bytes, size_t len, const char *url, const char *content_type,
		  zc_doc **out);
void zc_doc_free(zc_doc **doc);
/* Whether a page (NUL-terminated) carries the script of a JavaScript cookie challenge or a
   WAF page; the crawler asks before parsing, the parser before reading a page as a document. */
int zc_challenge_marker(const char *html);
/* The document as one JSON object (the keys of docs/CSV.md): a new reference the caller
   json_decref()s; as text, which the caller free()s. */
json_t *zc_doc_json(const zc_doc *doc);
char *zc_doc_to_json(const zc_doc *doc, int pretty);

/* Charset: decodes bytes to UTF-8 (see docs/DESIGN.md for the order of evidence).  *utf8 is
 * NUL-terminated and the caller frees it; *charset is a static string. */
int zc_charset_decode(const char *bytes, size_t len, const char *content_type, char **utf8,
		      size_t *utf8_len, const char **charset, int *bad_bytes);
/* Same, forcing one charset (GB labels are decoded as GB18030). */
int zc_charset_convert(const char *bytes, size_t len, const char *charset, char **utf8,
		       size_t *utf8_len, int *bad_bytes);

/* Finds the first date in s, in any form of sites.md; writes "YYYY-MM-DD".  ZC_ENOTFOUND. */
int zc_date_find(const char *s, char out[11]);
/* Normalises a document number; returns a new string ("" when s holds none). */
char *zc_docno_normalize(const char *s);
/* Document type from title and column hints (see zc_doc.type): 解读 for interpretations
   (title words or a 解读 column), 转发 for forwarded documents, else the document word the
   title ends in (通知 意见 方案 … 决定 批复 函 …, docs/DESIGN.md), else 新闻 for a news
   column, else other.  A news column never overrides a title's document word.  Static
   string. */
const char *zc_doc_type(const char *title, const char *column);
/* Every type zc_doc_type() gives, once each (通知, 意见, … 解读, 转发, 新闻, other): the first
   max of them in out (static strings); returns how many there are. */
size_t zc_doc_types(const char **out, size_t max);
/* Whether a title announces that documents are abolished or invalid (关于废止…的决定): such
   a document changes the validity of those it lists, not its own type. */
int zc_doc_abolishes(const char *title);
/* An absolute URL for href relative to base; new string, or NULL when href is unusable. */
char *zc_url_resolve(const char *base, const char *href);

/*
 * Outline and entries.  An entry is the smallest outline unit (section 一、 or item （一）)
 * whose text mentions one of the keywords; code "S-I" (item 0 for a section without items);
 * a body with no outline is one entry "0-0".
 */
typedef struct zc_outline_entry {
	int section;
	int item;
	char *text;
} zc_outline_entry;
int zc_entries_split(const char *body, const char *const *keywords, size_t n_keywords,
		     zc_outline_entry **entries, size_t *n_entries);
void zc_entries_free(zc_outline_entry **entries, size_t n);
/* Value of a Chinese numeral (一 … 九十九), or 0. *len gets the bytes used. */
int zc_cn_numeral(const char *s, int *len);

#endif
