/*
 * codebook.c - the codebook read and validated strictly (coding.h, docs/CODEBOOK.md), and the
 * values of a cell split and checked against it.
 */
#include "coding.h"
#include "../common/zc.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define CODEBOOK_MAX (4 << 20)	/* bytes of a codebook file */

/* what a code may not hold: the separators of a cell's values and of a relation's ends */
static const char *const SEPARATORS[] = {";", "\xef\xbc\x9b" /* ； */, "\xe3\x80\x81" /* 、 */, "\n", "\r",
					 "->", "\xe2\x86\x92" /* → */};

typedef struct perr {
	const char *what;
	char *msg;
} perr;

static int fail(perr *e, const char *path, const char *fmt, const char *a, const char *b)
{
	char *m = zc_asprintf(fmt, a ? a : "", b ? b : "");
	e->msg = zc_asprintf("%s: %s%s%s", e->what, path, *path ? ": " : "", m);
	free(m);
	return ZC_EPARSE;
}

/* every member of o must be one of known[] (a NULL-terminated list) */
static int fields_known(perr *e, const char *path, json_t *o, const char *const *known)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		int ok = 0;
		for (const char *const *p = known; *p; p++)
			ok |= !strcmp(k, *p);
		if (!ok) {
			zc_buf b;
			zc_buf_init(&b, ZC_BUF_UNLIMITED);
			for (const char *const *p = known; *p; p++)
				zc_buf_catf(&b, "%s%s", p == known ? "" : ", ", *p);
			int rc = fail(e, path, "unknown field \"%s\" (known: %s)", k, b.data);
			zc_buf_free(&b);
			return rc;
		}
	}
	return ZC_OK;
}

/* a string member: required or not; *out a copy ("" when absent and optional) */
static int get_str(perr *e, const char *path, json_t *o, const char *k, int required, char **out)
{
	json_t *v = json_object_get(o, k);
	*out = NULL;
	if (!v) {
		if (required)
			return fail(e, path, "missing field \"%s\"", k, NULL);
		*out = zc_strdup("");
		return ZC_OK;
	}
	if (!json_is_string(v))
		return fail(e, path, "\"%s\" must be a string", k, NULL);
	char *s = zc_str_trim(zc_strdup(json_string_value(v)));
	if (required && !*s) {
		free(s);
		return fail(e, path, "\"%s\" is empty", k, NULL);
	}
	*out = s;
	return ZC_OK;
}

static int get_bool(perr *e, const char *path, json_t *o, const char *k, int *out)
{
	json_t *v = json_object_get(o, k);
	*out = 0;
	if (!v)
		return ZC_OK;
	if (!json_is_boolean(v))
		return fail(e, path, "\"%s\" must be true or false", k, NULL);
	*out = json_is_true(v);
	return ZC_OK;
}

/* a list of non-empty strings (optional) */
static int get_strs(perr *e, const char *path, json_t *o, const char *k, char ***out, size_t *n)
{
	json_t *v = json_object_get(o, k), *x;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!v)
		return ZC_OK;
	if (!json_is_array(v))
		return fail(e, path, "\"%s\" must be a list of strings", k, NULL);
	*out = zc_calloc(json_array_size(v) + 1, sizeof **out);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x) || !*json_string_value(x)) {
			char *p = zc_asprintf("%s%s%s[%zu]", path, *path ? "." : "", k, i);
			int rc = fail(e, p, "must be a non-empty string", NULL, NULL);
			free(p);
			return rc;
		}
		(*out)[(*n)++] = zc_strdup(json_string_value(x));
	}
	return ZC_OK;
}

static void strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int id_ok(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return strlen(s) <= 32;
}

/* a code as a cell can hold it: no separator, no control character, not a formula */
static const char *code_bad(const char *s)
{
	for (size_t i = 0; i < sizeof SEPARATORS / sizeof *SEPARATORS; i++)
		if (strstr(s, SEPARATORS[i]))
			return "holds a separator of values (; ； 、 -> → or a line break)";
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "holds a control character";
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		return "starts with = + - or @ (a spreadsheet would take it for a formula)";
	if (strlen(s) > 200)
		return "is longer than 200 bytes";
	return NULL;
}

static const char *const TOP[] = {"name", "title", "description", "source", "categories", NULL};
static const char *const CAT[] = {"id", "name", "description", "examples", "multiple", "open", "codes", "relations", NULL};
static const char *const CODE[] = {"code", "description", "keywords", NULL};
static const char *const REL[] = {"name", "description", "directed", NULL};

static int parse_code(perr *e, const char *path, json_t *o, zc_code *c)
{
	int rc;
	if (!json_is_object(o))
		return fail(e, path, "must be an object {\"code\": ..., \"description\": ..., \"keywords\": [...]}", NULL, NULL);
	if ((rc = fields_known(e, path, o, CODE)) != ZC_OK || (rc = get_str(e, path, o, "code", 1, &c->code)) != ZC_OK ||
	    (rc = get_str(e, path, o, "description", 0, &c->description)) != ZC_OK ||
	    (rc = get_strs(e, path, o, "keywords", &c->keywords, &c->nkeywords)) != ZC_OK)
		return rc;
	const char *bad = code_bad(c->code);
	if (bad)
		return fail(e, path, "code \"%s\" %s", c->code, bad);
	return ZC_OK;
}

static int parse_category(perr *e, const char *path, json_t *o, zc_category *c)
{
	int rc;
	if (!json_is_object(o))
		return fail(e, path, "must be an object", NULL, NULL);
	if ((rc = fields_known(e, path, o, CAT)) != ZC_OK || (rc = get_str(e, path, o, "id", 1, &c->id)) != ZC_OK ||
	    (rc = get_str(e, path, o, "name", 1, &c->name)) != ZC_OK ||
	    (rc = get_str(e, path, o, "description", 0, &c->description)) != ZC_OK ||
	    (rc = get_strs(e, path, o, "examples", &c->examples, &c->nexamples)) != ZC_OK ||
	    (rc = get_bool(e, path, o, "multiple", &c->multiple)) != ZC_OK ||
	    (rc = get_bool(e, path, o, "open", &c->open)) != ZC_OK)
		return rc;
	if (!id_ok(c->id))
		return fail(e, path, "id \"%s\" must be a lower-case ASCII letter, then letters, digits or _ (at most 32)", c->id, NULL);
	const char *bad = code_bad(c->name);
	if (bad)
		return fail(e, path, "name \"%s\" %s", c->name, bad);
	json_t *codes = json_object_get(o, "codes"), *x;
	if (codes && !json_is_array(codes))
		return fail(e, path, "\"codes\" must be a list of codes", NULL, NULL);
	size_t i;
	c->codes = zc_calloc(json_array_size(codes) + 1, sizeof *c->codes);
	json_array_foreach(codes, i, x) {
		char *p = zc_asprintf("%s.codes[%zu]", path, i);
		rc = parse_code(e, p, x, &c->codes[c->ncodes++]);
		for (size_t j = 0; rc == ZC_OK && j + 1 < c->ncodes; j++)
			if (!strcmp(c->codes[j].code, c->codes[c->ncodes - 1].code))
				rc = fail(e, p, "code \"%s\" is listed twice", c->codes[j].code, NULL);
		free(p);
		if (rc != ZC_OK)
			return rc;
	}
	if (!c->ncodes && !c->open)
		return fail(e, path, "has no codes and is not open: give \"codes\" or \"open\": true", NULL, NULL);
	json_t *rel = json_object_get(o, "relations");
	if (rel) {
		char *p = zc_asprintf("%s.relations", path);
		int directed = 0;
		if (!json_is_object(rel))
			rc = fail(e, p, "must be an object {\"name\": ..., \"directed\": true}", NULL, NULL);
		else if ((rc = fields_known(e, p, rel, REL)) == ZC_OK && (rc = get_str(e, p, rel, "name", 1, &c->relation)) == ZC_OK &&
			 (rc = get_str(e, p, rel, "description", 0, &c->relation_description)) == ZC_OK &&
			 (rc = get_bool(e, p, rel, "directed", &directed)) == ZC_OK) {
			if (!directed)
				rc = fail(e, p, "\"directed\" must be true (relations go from a source code to a target code)", NULL, NULL);
			else if (!c->multiple)
				rc = fail(e, p, "relations need two codes of one entry: the category must be \"multiple\"", NULL, NULL);
		}
		free(p);
		if (rc != ZC_OK)
			return rc;
	}
	return ZC_OK;
}

static void category_free(zc_category *c)
{
	free(c->id);
	free(c->name);
	free(c->description);
	strs_free(c->examples, c->nexamples);
	for (size_t i = 0; i < c->ncodes; i++) {
		free(c->codes[i].code);
		free(c->codes[i].description);
		strs_free(c->codes[i].keywords, c->codes[i].nkeywords);
	}
	free(c->codes);
	free(c->relation);
	free(c->relation_description);
}

void zc_codebook_free(zc_codebook **pcb)
{
	zc_codebook *cb = *pcb;
	if (!cb)
		return;
	free(cb->name);
	free(cb->title);
	free(cb->description);
	free(cb->source);
	for (size_t i = 0; i < cb->ncats; i++)
		category_free(&cb->cats[i]);
	free(cb->cats);
	json_decref(cb->json);
	free(cb);
	*pcb = NULL;
}

void zc_text_sha256(const char *text, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(text, len, md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

int zc_codebook_from_json(json_t *j, const char *what, zc_codebook **out, char **err)
{
	perr e = {what, NULL};
	zc_codebook *cb = zc_calloc(1, sizeof *cb);
	int rc;
	*out = NULL;
	*err = NULL;
	cb->json = json_incref(j);
	if (!json_is_object(j)) {
		rc = fail(&e, "", "the codebook must be a JSON object", NULL, NULL);
		goto out;
	}
	if ((rc = fields_known(&e, "", j, TOP)) != ZC_OK || (rc = get_str(&e, "", j, "name", 1, &cb->name)) != ZC_OK ||
	    (rc = get_str(&e, "", j, "title", 0, &cb->title)) != ZC_OK ||
	    (rc = get_str(&e, "", j, "description", 0, &cb->description)) != ZC_OK ||
	    (rc = get_str(&e, "", j, "source", 0, &cb->source)) != ZC_OK)
		goto out;
	json_t *cats = json_object_get(j, "categories"), *x;
	if (!json_is_array(cats) || !json_array_size(cats)) {
		rc = fail(&e, "", "\"categories\" must be a non-empty list of categories", NULL, NULL);
		goto out;
	}
	if (json_array_size(cats) > 64) {
		rc = fail(&e, "", "more than 64 categories", NULL, NULL);
		goto out;
	}
	size_t i;
	cb->cats = zc_calloc(json_array_size(cats), sizeof *cb->cats);
	json_array_foreach(cats, i, x) {
		char *p = zc_asprintf("categories[%zu]", i);
		rc = parse_category(&e, p, x, &cb->cats[cb->ncats++]);
		for (size_t k = 0; rc == ZC_OK && k + 1 < cb->ncats; k++) {
			zc_category *a = &cb->cats[k], *b = &cb->cats[cb->ncats - 1];
			if (!strcmp(a->id, b->id) || !strcmp(a->name, b->name) || !strcmp(a->id, b->name) || !strcmp(a->name, b->id)) {
				char other[32];
				snprintf(other, sizeof other, "%zu", k);
				rc = fail(&e, p, "its id or name is that of categories[%s] (\"%s\")", other, a->id);
			}
		}
		free(p);
		if (rc != ZC_OK)
			goto out;
	}
	/* a relation column is found by its name: no category may have it */
	for (size_t a = 0; a < cb->ncats; a++)
		for (size_t b = 0; cb->cats[a].relation && b < cb->ncats; b++)
			if (!strcmp(cb->cats[a].relation, cb->cats[b].name) || !strcmp(cb->cats[a].relation, cb->cats[b].id) ||
			    (a != b && cb->cats[b].relation && !strcmp(cb->cats[a].relation, cb->cats[b].relation))) {
				char p[48];
				snprintf(p, sizeof p, "categories[%zu].relations", a);
				rc = fail(&e, p, "name \"%s\" is that of another category or relation", cb->cats[a].relation, NULL);
				goto out;
			}
	char *canon = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	zc_text_sha256(canon, strlen(canon), cb->sha256);
	free(canon);
out:
	if (rc != ZC_OK) {
		zc_codebook_free(&cb);
		*err = e.msg;
		return rc;
	}
	*out = cb;
	return ZC_OK;
}

int zc_codebook_parse(const char *text, size_t len, const char *what, zc_codebook **out, char **err)
{
	json_error_t je;
	*out = NULL;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		*err = zc_asprintf("%s: line %d: %s", what, je.line, je.text);
		return ZC_EPARSE;
	}
	int rc = zc_codebook_from_json(j, what, out, err);
	json_decref(j);
	return rc;
}

int zc_codebook_load(const char *path, zc_codebook **out, char **err)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = zc_asprintf("%s: %s", path, strerror(errno));
		return ZC_EIO;
	}
	zc_buf b;
	zc_buf_init(&b, CODEBOOK_MAX);
	int rc = zc_buf_read(&b, f);
	fclose(f);
	if (rc != ZC_OK) {
		*err = zc_asprintf("%s: %s", path, rc == ZC_ETOOBIG ? "larger than 4 MB: not a codebook" : zc_strerror(rc));
		zc_buf_free(&b);
		return rc;
	}
	rc = zc_codebook_parse(b.data ? b.data : "", b.len, path, out, err);
	zc_buf_free(&b);
	return rc;
}

int zc_codebook_category(const zc_codebook *cb, const char *s)
{
	for (size_t i = 0; i < cb->ncats; i++)
		if (!strcmp(cb->cats[i].id, s) || !strcmp(cb->cats[i].name, s))
			return (int)i;
	return -1;
}

int zc_category_code(const zc_category *c, const char *value)
{
	for (size_t i = 0; i < c->ncodes; i++)
		if (!strcmp(c->codes[i].code, value))
			return (int)i;
	return -1;
}

void zc_codebook_print(const zc_codebook *cb, FILE *f)
{
	fprintf(f, "codebook %s%s%s\n", cb->name, *cb->title ? ": " : "", cb->title);
	if (*cb->source)
		fprintf(f, "source: %s\n", cb->source);
	fprintf(f, "sha256: %s\n", cb->sha256);
	for (size_t i = 0; i < cb->ncats; i++) {
		const zc_category *c = &cb->cats[i];
		fprintf(f, "\n%s (%s): %s, %s%s%s\n", c->name, c->id, c->multiple ? "several codes an entry" : "one code an entry",
			c->ncodes ? "closed list" : "free text", c->ncodes && c->open ? " and free text" : "",
			c->relation ? ", directed relations" : "");
		if (*c->description)
			fprintf(f, "  %s\n", c->description);
		for (size_t k = 0; k < c->nexamples; k++)
			fprintf(f, "  e.g. %s\n", c->examples[k]);
		for (size_t k = 0; k < c->ncodes; k++) {
			fprintf(f, "  - %s", c->codes[k].code);
			if (*c->codes[k].description)
				fprintf(f, ": %s", c->codes[k].description);
			for (size_t w = 0; w < c->codes[k].nkeywords; w++)
				fprintf(f, "%s%s", w ? ", " : " [", c->codes[k].keywords[w]);
			fprintf(f, "%s\n", c->codes[k].nkeywords ? "]" : "");
		}
		if (c->relation)
			fprintf(f, "  relation %s (source->target)%s%s\n", c->relation, *c->relation_description ? ": " : "",
				c->relation_description);
	}
}

/* ---- values of a cell ---- */

/* the length of the separator of values at s, 0 when none */
static size_t sep_at(const char *s)
{
	if (*s == ';' || *s == '\n' || *s == '\r')
		return 1;
	if (!strncmp(s, "\xef\xbc\x9b", 3) || !strncmp(s, "\xe3\x80\x81", 3))
		return 3;
	return 0;
}

json_t *zc_values_split(const char *cell)
{
	json_t *out = json_array();
	const char *p = cell ? cell : "";
	while (*p) {
		const char *q = p;
		while (*q && !sep_at(q))
			q++;
		char *v = zc_str_trim(zc_strndup(p, (size_t)(q - p)));
		int seen = !*v;
		for (size_t i = 0; !seen && i < json_array_size(out); i++)
			seen = !strcmp(json_string_value(json_array_get(out, i)), v);
		if (!seen && zc_utf8_valid(v, strlen(v)))
			json_array_append_new(out, json_string(v));
		free(v);
		p = *q ? q + sep_at(q) : q;
	}
	return out;
}

/* edit distance in code points, capped: how near a mistyped code is */
static size_t distance(const char *a, const char *b)
{
	unsigned ca[64], cbv[64];
	size_t na = 0, nb = 0;
	while (*a && na < 64) {
		unsigned cp;
		a += zc_utf8_next(a, &cp);
		ca[na++] = cp;
	}
	while (*b && nb < 64) {
		unsigned cp;
		b += zc_utf8_next(b, &cp);
		cbv[nb++] = cp;
	}
	size_t row[65];
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cur = row[j], best = prev + (ca[i - 1] != cbv[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[nb];
}

static const char *nearest_code(const zc_category *c, const char *v)
{
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (size_t i = 0; i < c->ncodes; i++) {
		size_t d = distance(v, c->codes[i].code);
		if (d < bd) {
			bd = d;
			best = c->codes[i].code;
		}
	}
	return best && bd <= 2 ? best : NULL;
}

int zc_values_check(const zc_category *c, json_t *values, char **why)
{
	*why = NULL;
	size_t n = json_array_size(values);
	if (n > 1 && !c->multiple) {
		*why = zc_asprintf("%s: %zu codes where one is allowed", c->name, n);
		return ZC_EPARSE;
	}
	for (size_t i = 0; i < n; i++) {
		const char *v = json_string_value(json_array_get(values, i));
		const char *bad = code_bad(v);
		if (bad) {
			*why = zc_asprintf("%s: \"%s\" %s", c->name, v, bad);
			return ZC_EPARSE;
		}
		if (!c->open && zc_category_code(c, v) < 0) {
			const char *near = nearest_code(c, v);
			*why = near ? zc_asprintf("%s: \"%s\" is not one of its codes; did you mean \"%s\"?", c->name, v, near)
				    : zc_asprintf("%s: \"%s\" is not one of its codes (the list is closed)", c->name, v);
			return ZC_EPARSE;
		}
	}
	return ZC_OK;
}

static int in_values(json_t *values, const char *s)
{
	for (size_t i = 0; i < json_array_size(values); i++)
		if (!strcmp(json_string_value(json_array_get(values, i)), s))
			return 1;
	return 0;
}

json_t *zc_relations_parse(const zc_category *c, const char *cell, json_t *values, char **why)
{
	json_t *items = zc_values_split(cell), *out = json_array();
	*why = NULL;
	for (size_t i = 0; i < json_array_size(items); i++) {
		const char *it = json_string_value(json_array_get(items, i));
		const char *arrow = strstr(it, "->");
		size_t al = 2;
		const char *u = strstr(it, "\xe2\x86\x92");
		if (u && (!arrow || u < arrow)) {
			arrow = u;
			al = 3;
		}
		if (!arrow) {
			*why = zc_asprintf("%s: relation \"%s\" is not SOURCE->TARGET", c->relation ? c->relation : c->name, it);
			break;
		}
		char *src = zc_str_trim(zc_strndup(it, (size_t)(arrow - it)));
		char *dst = zc_str_trim(zc_strdup(arrow + al));
		if (!*src || !*dst || strstr(dst, "->") || strstr(dst, "\xe2\x86\x92"))
			*why = zc_asprintf("%s: relation \"%s\" is not SOURCE->TARGET", c->relation ? c->relation : c->name, it);
		else if (!strcmp(src, dst))
			*why = zc_asprintf("%s: relation \"%s\" goes from a code to itself", c->relation ? c->relation : c->name, it);
		else if (!in_values(values, src) || !in_values(values, dst))
			*why = zc_asprintf("%s: relation \"%s\": \"%s\" is not among the entry's codes of %s", c->relation ? c->relation : c->name,
					   it, in_values(values, src) ? dst : src, c->name);
		if (!*why) {
			int dup = 0;
			for (size_t k = 0; k < json_array_size(out); k++) {
				json_t *r = json_array_get(out, k);
				dup |= !strcmp(json_string_value(json_array_get(r, 0)), src) &&
				       !strcmp(json_string_value(json_array_get(r, 1)), dst);
			}
			if (!dup)
				json_array_append_new(out, json_pack("[ss]", src, dst));
		}
		free(src);
		free(dst);
		if (*why)
			break;
	}
	json_decref(items);
	if (*why) {
		json_decref(out);
		return NULL;
	}
	return out;
}

char *zc_values_join(json_t *values)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "");
	for (size_t i = 0; i < json_array_size(values); i++)
		zc_buf_catf(&b, "%s%s", i ? "\xef\xbc\x9b" : "", json_string_value(json_array_get(values, i)));
	return zc_buf_take(&b);
}

char *zc_relations_join(json_t *rels)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "");
	for (size_t i = 0; i < json_array_size(rels); i++) {
		json_t *r = json_array_get(rels, i);
		const char *s = json_string_value(json_array_get(r, 0)), *d = json_string_value(json_array_get(r, 1));
		zc_buf_catf(&b, "%s%s->%s", i ? "\xef\xbc\x9b" : "", s ? s : "", d ? d : "");
	}
	return zc_buf_take(&b);
}

char *zc_catcodes_join(const zc_catcodes *c, int relations)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "");
	for (size_t i = 0; c && !relations && i < c->ncodes; i++)
		zc_buf_catf(&b, "%s%s", i ? "\xef\xbc\x9b" : "", c->codes[i]);
	for (size_t i = 0; c && relations && i < c->nrels; i++)
		zc_buf_catf(&b, "%s%s->%s", i ? "\xef\xbc\x9b" : "", c->rels[i].source, c->rels[i].target);
	return zc_buf_take(&b);
}
