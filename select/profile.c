/* profile.c - the study profile file (docs/PROFILE.md). */
#include "select.h"
#include "parser.h"
#include "../common/zc.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct zc_profile {
	char *path, *name;
	char *canon;		/* the file as compact JSON, keys sorted */
	char *hash;		/* SHA-256 of canon, hex */
	char **topic, **generic, **context, **search, **issuers, **types;
	size_t n_topic, n_generic, n_context, n_search, n_issuers, n_types;
	char range_from[11], range_to[11];
};

/*
 * The profile's fields, each read and documented (docs/PROFILE.md); anything else in the file
 * is refused, so that a misspelt field never leaves a criterion out silently.
 */
static const char *const TOP_FIELDS[] = {"name", "search_keywords", "topic", "issuers", "types", "date_range", NULL};
static const char *const TOPIC_FIELDS[] = {"keywords", "generic", "context", NULL};
static const char *const ISSUER_FIELDS[] = {"qualifying", NULL};

/* the document types the parser gives (parser/text.c zc_doc_type) that a profile may accept */
const char *const ZC_PROFILE_TYPES[] = {"通知", "意见", "方案", "规划", "计划", "办法", "措施", "规定", "条例", "细则", "决定",
					"通告", "公告", "批复", "指南", "标准", "新闻", "废止", "other", NULL};
/* English words a profile's author may write for them */
static const char *const TYPE_WORDS[][2] = {
	{"notice", "通知"}, {"notification", "通知"}, {"circular", "通知"}, {"opinion", "意见"}, {"opinions", "意见"},
	{"plan", "方案, 规划 or 计划"}, {"programme", "方案"}, {"program", "方案"}, {"measures", "办法 or 措施"},
	{"regulation", "规定 or 条例"}, {"regulations", "规定 or 条例"}, {"provisions", "规定"}, {"rules", "细则"},
	{"decision", "决定"}, {"announcement", "通告 or 公告"}, {"reply", "批复"}, {"guide", "指南"},
	{"guidelines", "指南"}, {"standard", "标准"}, {"news", "新闻"}};

static int fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	char tmp[1024];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	zc_buf_cats(&b, tmp);
	*err = zc_buf_take(&b);
	return ZC_EPARSE;
}

/* edit distance with transpositions (optimal string alignment), capped: 3 means "far" */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40 || (la > lb ? la - lb : lb - la) > 2)
		return 3;
	int d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb] < 3 ? d[la][lb] : 3;
}

/* the known name nearest to name (at most two edits, or the same letters in another case), or NULL */
static const char *nearest(const char *name, const char *const *known)
{
	const char *best = NULL;
	int bd = 3;
	for (size_t i = 0; known[i]; i++) {
		int dd = strcasecmp(name, known[i]) == 0 ? 0 : distance(name, known[i]);
		if (dd < bd) {
			bd = dd;
			best = known[i];
		}
	}
	return best;
}

static char *list_names(const char *const *known)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (size_t i = 0; known[i]; i++)
		zc_buf_catf(&b, "%s\"%s\"", i ? ", " : "", known[i]);
	return zc_buf_take(&b);
}

/* every key of obj (whose dotted path is at, "" for the top) is one of known */
static int known_fields(json_t *obj, const char *at, const char *const *known, const char *path, char **err)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		int ok = 0;
		for (size_t i = 0; known[i] && !ok; i++)
			ok = !strcmp(key, known[i]);
		if (ok)
			continue;
		const char *near = nearest(key, known);
		char *names = list_names(known);
		/* a field of another level written here ("keywords" at the top) */
		const char *elsewhere = NULL;
		if (!*at && (nearest(key, TOPIC_FIELDS)))
			elsewhere = "topic";
		else if (!*at && nearest(key, ISSUER_FIELDS))
			elsewhere = "issuers";
		int rc;
		if (near)
			rc = fail(err, "%s: field \"%s%s%s\" is not a profile field; did you mean \"%s%s%s\"? (docs/PROFILE.md)", path,
				  at, *at ? "." : "", key, at, *at ? "." : "", near);
		else if (elsewhere)
			rc = fail(err, "%s: field \"%s\" is not a profile field; did you mean \"%s.%s\"? (docs/PROFILE.md)", path, key,
				  elsewhere, nearest(key, !strcmp(elsewhere, "topic") ? TOPIC_FIELDS : ISSUER_FIELDS));
		else
			rc = fail(err, "%s: field \"%s%s%s\" is not a profile field; remove it (%s%s%s are: %s; docs/PROFILE.md)", path,
				  at, *at ? "." : "", key, *at ? "the fields of \"" : "the fields", at, *at ? "\"" : "", names);
		free(names);
		return rc;
	}
	return ZC_OK;
}

static int is_space_cp(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000;
}

/* a non-empty list of non-empty strings without spaces at their ends, folded */
static int strings(json_t *arr, const char *what, const char *path, char ***out, size_t *n, char **err)
{
	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return fail(err, "%s: field \"%s\" must be a list of strings, [\"…\", \"…\"] (docs/PROFILE.md)", path, what);
	if (!json_array_size(arr))
		return fail(err, "%s: field \"%s\" is an empty list, which would select nothing; give at least one", path, what);
	*out = zc_calloc(json_array_size(arr) + 1, sizeof **out);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *s = json_array_get(arr, i);
		const char *v = json_string_value(s);
		if (!json_is_string(s) || !*v)
			return fail(err, "%s: field \"%s\": item %zu is %s; give a word, in quotes", path, what, i + 1,
				    json_is_string(s) ? "empty" : "not a string");
		unsigned first, last = 0;
		zc_utf8_next(v, &first);
		for (const char *q = v; *q;)
			q += zc_utf8_next(q, &last);
		if (is_space_cp(first) || is_space_cp(last))
			return fail(err, "%s: field \"%s\": item %zu (\"%s\") has spaces at its ends, which no text would match; remove them",
				    path, what, i + 1, v);
		(*out)[(*n)++] = zc_str_fold(v);
	}
	return ZC_OK;
}

/* an optional list: absent is fine, present must be a good one */
static int optional_strings(json_t *obj, const char *key, const char *what, const char *path, char ***out, size_t *n,
			    char **err)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		*out = NULL;
		*n = 0;
		return ZC_OK;
	}
	return strings(v, what, path, out, n, err);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* 1 for YYYY-MM-DD naming a day of the Gregorian calendar, -1 for the form without such a day
   (2019-02-29, 2020-13-01), 0 for anything else */
static int iso_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap) ? 1 : -1;
}

static int date_range(json_t *range, zc_profile *p, const char *path, char **err)
{
	if (!json_is_array(range) || json_array_size(range) != 2)
		return fail(err, "%s: field \"date_range\" must be [\"YYYY-MM-DD\", \"YYYY-MM-DD\"], the first and last days, "
				 "inclusive", path);
	for (int i = 0; i < 2; i++) {
		const char *d = json_string_value(json_array_get(range, (size_t)i));
		if (!d)
			return fail(err, "%s: field \"date_range\": its %s date is not a string; write it \"YYYY-MM-DD\"", path,
				    i ? "second" : "first");
		int ok = iso_date(d);
		if (ok == 0)
			return fail(err, "%s: field \"date_range\": \"%s\" is not a date written YYYY-MM-DD (as 2009-01-01); "
					 "write it so", path, d);
		if (ok < 0)
			return fail(err, "%s: field \"date_range\": %s is not a day of the calendar; give one that is", path, d);
	}
	const char *a = json_string_value(json_array_get(range, 0)), *b = json_string_value(json_array_get(range, 1));
	if (strcmp(a, b) > 0)
		return fail(err, "%s: field \"date_range\": it ends (%s) before it begins (%s); swap the two dates", path, b, a);
	memcpy(p->range_from, a, 11);
	memcpy(p->range_to, b, 11);
	return ZC_OK;
}

static int types_known(zc_profile *p, const char *path, char **err)
{
	for (size_t i = 0; i < p->n_types; i++) {
		const char *t = p->types[i];
		int ok = 0;
		for (size_t k = 0; ZC_PROFILE_TYPES[k] && !ok; k++)
			ok = !strcmp(t, ZC_PROFILE_TYPES[k]);
		if (ok)
			continue;
		if (!strcmp(t, "解读") || !strcmp(t, "转发"))
			return fail(err, "%s: field \"types\": %s documents (%s) are always excluded; remove it", path, t,
				    !strcmp(t, "解读") ? "interpretations" : "forwarded");
		char *names = list_names(ZC_PROFILE_TYPES);
		const char *word = NULL;
		for (size_t k = 0; k < sizeof TYPE_WORDS / sizeof TYPE_WORDS[0] && !word; k++)
			if (!strcasecmp(t, TYPE_WORDS[k][0]))
				word = TYPE_WORDS[k][1];
		int rc;
		if (word)
			rc = fail(err, "%s: field \"types\": \"%s\" is not a document type; did you mean %s? (types are written as "
				       "documents name themselves: %s)", path, t, word, names);
		else
			rc = fail(err, "%s: field \"types\": \"%s\" is not a document type; use those of docs/PROFILE.md: %s", path, t,
				  names);
		free(names);
		return rc;
	}
	return ZC_OK;
}

/* the file's bytes without a UTF-8 byte order mark; refused when not UTF-8 */
static int read_text(const char *path, zc_buf *b, size_t *skip, char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, "%s: cannot read it: %s", path, strerror(errno));
	int rc = zc_buf_read(b, f);
	fclose(f);
	if (rc == ZC_ETOOBIG)
		return fail(err, "%s: larger than 1 MB; a profile is a few hundred bytes of JSON", path);
	if (rc != ZC_OK)
		return fail(err, "%s: cannot read it: %s", path, zc_strerror(rc));
	if (!b->data && zc_buf_addstr(b, "") != ZC_OK)	/* an empty file: text to point into (then not JSON) */
		return fail(err, "%s: cannot read it: %s", path, zc_strerror(ZC_ETOOBIG));
	const unsigned char *u = (const unsigned char *)b->data;
	*skip = b->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF ? 3 : 0;
	if (b->len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return fail(err, "%s: the file is UTF-16; save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)", path);
	if (!zc_utf8_valid(b->data + *skip, b->len - *skip)) {
		/* where: the line of the first byte that is not UTF-8 */
		size_t at = *skip, line = 1;
		while (at < b->len) {
			size_t n = 1;
			while (n <= 4 && at + n <= b->len && !zc_utf8_valid(b->data + at, n))
				n++;
			if (n > 4 || at + n > b->len)
				break;
			if (b->data[at] == '\n')
				line++;
			at += n;
		}
		return fail(err, "%s: line %zu is not UTF-8 (byte 0x%02x; GBK or GB2312?); save the file as UTF-8 "
				 "(in Notepad: Save as, Encoding: UTF-8)", path, line, at < b->len ? u[at] : 0);
	}
	return ZC_OK;
}

/* the file's text as a JSON object, duplicates and syntax named by line */
static int profile_json(const char *path, json_t **out, char **err)
{
	json_error_t je;
	zc_buf text;
	size_t skip = 0;
	*out = NULL;
	zc_buf_init(&text, 1u << 20);
	int rc = read_text(path, &text, &skip, err);
	json_t *j = rc == ZC_OK ? json_loadb(text.data + skip, text.len - skip, JSON_REJECT_DUPLICATES, &je) : NULL;
	zc_buf_free(&text);
	if (rc != ZC_OK)
		return rc;
	if (!j) {
		const char *dup = strstr(je.text, "duplicate object key near '\"");
		if (dup) {	/* jansson: duplicate object key near '"types"' */
			dup += strlen("duplicate object key near '\"");
			return fail(err, "%s: line %d: field \"%.*s\" is given twice; keep one", path, je.line,
				    (int)strcspn(dup, "\"'"), dup);
		}
		return fail(err, "%s: line %d, column %d: %s; the file must be JSON (docs/PROFILE.md)", path, je.line,
			    je.column, je.text);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return fail(err, "%s: a profile is a JSON object, {\"name\": …, \"topic\": …}; see profiles/reference.json", path);
	}
	*out = j;
	return ZC_OK;
}

/* "topic": keywords, generic ones (each among the keywords) and their context words; and the
   search keywords, the topic's unless given */
static int profile_topic(json_t *j, zc_profile *p, const char *path, char **err)
{
	int rc;
	json_t *topic = json_object_get(j, "topic");
	if (!json_is_object(topic))
		return fail(err, "%s: field \"topic\" %s; it is an object with \"keywords\" (and \"generic\", \"context\")", path,
			    topic ? "must be an object" : "is missing");
	if ((rc = known_fields(topic, "topic", TOPIC_FIELDS, path, err)))
		return rc;
	if (!json_object_get(topic, "keywords"))
		return fail(err, "%s: field \"topic.keywords\" is missing; list the words that make a document on topic", path);
	if ((rc = strings(json_object_get(topic, "keywords"), "topic.keywords", path, &p->topic, &p->n_topic, err)) ||
	    (rc = optional_strings(topic, "generic", "topic.generic", path, &p->generic, &p->n_generic, err)) ||
	    (rc = optional_strings(topic, "context", "topic.context", path, &p->context, &p->n_context, err)))
		return rc;
	for (size_t g = 0; g < p->n_generic; g++) {
		int in = 0;
		for (size_t k = 0; k < p->n_topic && !in; k++)
			in = !strcmp(p->generic[g], p->topic[k]);
		if (!in)
			return fail(err, "%s: field \"topic.generic\": \"%s\" is not one of topic.keywords, so it would never count; "
					 "add it there or remove it", path, p->generic[g]);
	}
	if (p->n_generic && !p->n_context)
		return fail(err, "%s: field \"topic.context\" is missing: \"topic.generic\" keywords count only beside a context "
				 "word; list those words (医, 卫生, 健康)", path);
	if (json_object_get(j, "search_keywords"))
		return strings(json_object_get(j, "search_keywords"), "search_keywords", path, &p->search, &p->n_search, err);
	p->search = zc_calloc(p->n_topic + 1, sizeof *p->search);
	for (size_t i = 0; i < p->n_topic; i++)
		p->search[p->n_search++] = zc_strdup(p->topic[i]);
	return ZC_OK;
}

/* "issuers", "types" and "date_range" */
static int profile_criteria(json_t *j, zc_profile *p, const char *path, char **err)
{
	int rc;
	json_t *iss = json_object_get(j, "issuers");
	if (!json_is_object(iss))
		return fail(err, "%s: field \"issuers\" %s; it is an object with \"qualifying\", the ends of issuers' names that "
				 "qualify", path, iss ? "must be an object" : "is missing");
	if ((rc = known_fields(iss, "issuers", ISSUER_FIELDS, path, err)))
		return rc;
	if (!json_object_get(iss, "qualifying"))
		return fail(err, "%s: field \"issuers.qualifying\" is missing; list the ends of the issuers' names that qualify", path);
	if ((rc = strings(json_object_get(iss, "qualifying"), "issuers.qualifying", path, &p->issuers, &p->n_issuers, err)))
		return rc;
	if (!json_object_get(j, "types"))
		return fail(err, "%s: field \"types\" is missing; list the document types that qualify (通知, 意见, …)", path);
	if ((rc = strings(json_object_get(j, "types"), "types", path, &p->types, &p->n_types, err)) ||
	    (rc = types_known(p, path, err)))
		return rc;
	memcpy(p->range_from, "0000-00-00", 11);
	memcpy(p->range_to, "9999-99-99", 11);
	json_t *range = json_object_get(j, "date_range");
	return range ? date_range(range, p, path, err) : ZC_OK;
}

int zc_profile_load(const char *path, zc_profile **out, char **err)
{
	zc_profile *p = zc_calloc(1, sizeof *p);
	json_t *j = NULL;
	*out = NULL;
	*err = NULL;
	p->path = zc_strdup(path);
	int rc = profile_json(path, &j, err);
	if (rc == ZC_OK)
		rc = known_fields(j, "", TOP_FIELDS, path, err);
	json_t *name = json_object_get(j, "name");
	if (rc == ZC_OK && name && (!json_is_string(name) || !*json_string_value(name)))
		rc = fail(err, "%s: field \"name\" must be a non-empty string, what the study is called", path);
	if (rc == ZC_OK) {
		p->name = zc_strdup(name ? json_string_value(name) : path);
		if ((rc = profile_topic(j, p, path, err)) == ZC_OK)
			rc = profile_criteria(j, p, path, err);
	}
	if (rc == ZC_OK && (p->canon = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS))) {	/* NULL only out of memory */
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		if (!EVP_Digest(p->canon, strlen(p->canon), md, &mdlen, EVP_sha256(), NULL))
			mdlen = 0;
		p->hash = zc_calloc(2 * mdlen + 1, 1);
		for (size_t i = 0; i < mdlen; i++)
			snprintf(p->hash + 2 * i, 3, "%02x", md[i]);
	}
	json_decref(j);
	if (rc != ZC_OK) {
		zc_profile_free(&p);
		return rc;
	}
	*out = p;
	return ZC_OK;
}

void zc_profile_free(zc_profile **pp)
{
	zc_profile *p = *pp;
	if (!p)
		return;
	free(p->path);
	free(p->name);
	free(p->canon);
	free(p->hash);
	free_strings(p->topic, p->n_topic);
	free_strings(p->generic, p->n_generic);
	free_strings(p->context, p->n_context);
	free_strings(p->search, p->n_search);
	free_strings(p->issuers, p->n_issuers);
	free_strings(p->types, p->n_types);
	free(p);
	*pp = NULL;
}

const char *zc_profile_name(const zc_profile *p) { return p->name; }
const char *zc_profile_path(const zc_profile *p) { return p->path; }
const char *zc_profile_canonical(const zc_profile *p) { return p->canon; }
const char *zc_profile_hash(const zc_profile *p) { return p->hash ? p->hash : ""; }

const char *const *zc_profile_topic(const zc_profile *p, size_t *n)
{
	*n = p->n_topic;
	return (const char *const *)p->topic;
}

const char *const *zc_profile_search(const zc_profile *p, size_t *n)
{
	*n = p->n_search;
	return (const char *const *)p->search;
}

static void join(zc_buf *b, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		zc_buf_catf(b, "%s%s", i ? "、" : "", v[i]);
}

char *zc_profile_describe(const zc_profile *p)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "issued by a name ending in ");
	join(&b, p->issuers, p->n_issuers);
	zc_buf_cats(&b, " (a joint document: one of its issuers); of type ");
	join(&b, p->types, p->n_types);
	zc_buf_cats(&b, "; title or body mentioning ");
	join(&b, p->topic, p->n_topic);
	if (p->n_generic) {
		zc_buf_cats(&b, " (");
		join(&b, p->generic, p->n_generic);
		zc_buf_cats(&b, " only beside ");
		join(&b, p->context, p->n_context);
		zc_buf_cats(&b, ")");
	}
	if (strcmp(p->range_from, "0000-00-00") || strcmp(p->range_to, "9999-99-99"))
		zc_buf_catf(&b, "; dated %s to %s (written date, else published date)", p->range_from, p->range_to);
	zc_buf_cats(&b, "; interpretations, forwarded, invalid or abolished documents and copies excluded; searched for ");
	join(&b, p->search, p->n_search);
	return zc_buf_take(&b);
}

/* --- the criteria ------------------------------------------------------------------------ */

static void exclude(zc_verdict *d, const char *reason, char *evidence)
{
	d->decision = "excluded";
	d->reason = reason;
	d->evidence = evidence;
}

/* the first of the document's issuers whose name ends as a qualifying one does, else NULL and
   the exclusion said in d */
static const char *qualifying_issuer(const zc_profile *p, const zc_page_doc *doc, zc_verdict *d)
{
	for (size_t i = 0; i < doc->n_issuers; i++) {
		const char *is = doc->issuers[i];
		for (size_t k = 0; k < p->n_issuers; k++)
			if (zc_str_ends(is, p->issuers[k]))
				return is;
	}
	zc_buf b;
	zc_buf_init(&b, 4096);
	for (size_t i = 0; i < doc->n_issuers; i++)
		if (zc_buf_printf(&b, "%s%s", i ? "、" : "", doc->issuers[i]) != ZC_OK)
			break;	/* 4 KB of issuers named: enough evidence */
	exclude(d, "issuer", b.len ? zc_asprintf("issued by %s, not a People's Government or Health Commission", b.data)
				   : zc_strdup("the page names no issuer"));
	zc_buf_free(&b);
	return NULL;
}

/* the topic keyword the title or the body holds: a specific one (医联体) is enough, a generic
   one (支援, 联盟) needs a health context; else NULL and the exclusion said in d */
static const char *topic_keyword(const zc_profile *p, const char *title, const char *body, zc_verdict *d)
{
	char *text = zc_str_join(title, "\n", body);
	char *folded = zc_str_fold(text);
	free(text);
	const char *kw = NULL, *generic = NULL;
	for (size_t i = 0; i < p->n_topic && !kw; i++) {
		if (!strstr(folded, p->topic[i]))
			continue;
		int is_generic = 0;
		for (size_t g = 0; g < p->n_generic; g++)
			if (!strcmp(p->topic[i], p->generic[g]))
				is_generic = 1;
		if (!is_generic)
			kw = p->topic[i];
		else if (!generic)
			generic = p->topic[i];
	}
	int context = p->n_context == 0;
	for (size_t i = 0; i < p->n_context && !context; i++)
		if (strstr(folded, p->context[i]))
			context = 1;
	free(folded);
	if (!kw && generic && context)
		kw = generic;
	if (!kw && !generic)
		exclude(d, "off-topic", zc_strdup("no topic keyword in the title or the body"));
	else if (!kw)
		exclude(d, "off-topic", zc_asprintf("mentions \"%s\" but nothing about health care", generic));
	return kw;
}

/* whether the type excludes the document (said in d): an interpretation, a forwarded one, an
   abolition decision, a type the profile does not accept */
static int type_excludes(const zc_profile *p, const zc_page_doc *doc, const char *title, const char *type, zc_verdict *d)
{
	if (!strcmp(type, "解读")) {
		exclude(d, "interpretation", zc_asprintf("an interpretation: title \"%s\"%s%s", title,
							 *doc->column ? ", column " : "", doc->column));
		return 1;
	}
	if (!strcmp(type, "转发")) {
		exclude(d, "forwarded", zc_asprintf("a forwarded document: title \"%s\"", title));
		return 1;
	}
	if (zc_doc_abolishes(title)) {
		/* it changes the validity of the documents it lists (select/finalize.c), and is
		   itself no policy on the topic */
		exclude(d, "type", zc_asprintf("an abolition decision (%s): it makes the documents it lists invalid", type));
		return 1;
	}
	for (size_t i = 0; i < p->n_types; i++)
		if (!strcmp(type, p->types[i]))
			return 0;
	exclude(d, "type", zc_asprintf("document type %s is not one the profile accepts%s", type,
				       !strcmp(type, "新闻") ? " (a news report)" : ""));
	return 1;
}

int zc_select_decide(const zc_profile *p, const zc_page *page, zc_verdict *d)
{
	const zc_page_doc *doc = &page->doc;
	const char *title = doc->title, *type = doc->type;
	const char *date = zc_page_date(page), *qualifying, *kw;
	d->decision = "included";
	d->reason = "";
	d->evidence = NULL;
	if (!*title || !*date) {
		exclude(d, "unparseable", zc_asprintf("the page has no %s", !*title ? "title" : "date"));
		return ZC_OK;
	}
	if (type_excludes(p, doc, title, type, d) || !(qualifying = qualifying_issuer(p, doc, d)) ||
	    !(kw = topic_keyword(p, title, doc->body, d)))
		return ZC_OK;
	if (strcmp(date, p->range_from) < 0 || strcmp(date, p->range_to) > 0) {
		exclude(d, "out-of-range", zc_asprintf("dated %s, outside %s to %s", date, p->range_from, p->range_to));
		return ZC_OK;
	}
	const char *validity = doc->validity;
	if (!strcmp(validity, "失效") || !strcmp(validity, "废止")) {
		exclude(d, "invalid", zc_asprintf("the page marks it %s", validity));
		return ZC_OK;
	}
	d->evidence = zc_asprintf("issued by %s; mentions \"%s\"; type %s; dated %s", qualifying, kw, type, date);
	return ZC_OK;
}
