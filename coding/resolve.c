/*
 * resolve.c - final codes from a round's codings (coding.h): where the coders agree, where one
 * coded, or from the adjudicated sheet; the normalisation map applied reproducibly.
 */
#include "internal.h"
#include "coding.h"
#include "../common/zc.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int zc_normalisation_parse(const zc_codebook *cb, const char *text, size_t len, const char *what, json_t **map, char **err)
{
	json_error_t je;
	*map = NULL;
	*err = NULL;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		*err = zc_asprintf("%s: line %d: %s", what, je.line, je.text);
		return ZC_EPARSE;
	}
	if (!json_is_object(j)) {
		*err = zc_asprintf("%s: the map must be an object {category id or \"*\": {synonym: canonical code}}", what);
		json_decref(j);
		return ZC_EPARSE;
	}
	const char *cat;
	json_t *m;
	json_object_foreach(j, cat, m) {
		int ci = zc_codebook_category(cb, cat);
		if (ci < 0 && strcmp(cat, "*")) {
			*err = zc_asprintf("%s: \"%s\" is no category of codebook %s (ids, names or \"*\")", what, cat, cb->name);
			break;
		}
		if (!json_is_object(m)) {
			*err = zc_asprintf("%s: %s: must be an object {synonym: canonical code}", what, cat);
			break;
		}
		const char *from;
		json_t *to;
		json_object_foreach(m, from, to) {
			const char *t = json_string_value(to);
			char *why = NULL;
			if (!t || !*t) {
				*err = zc_asprintf("%s: %s: \"%s\": the canonical code must be a non-empty string", what, cat, from);
			} else if (!strcmp(from, t)) {
				*err = zc_asprintf("%s: %s: \"%s\" is mapped to itself", what, cat, from);
			} else if (json_object_get(m, t)) {
				*err = zc_asprintf("%s: %s: \"%s\" maps to \"%s\", which maps on: give the last code at once", what, cat, from, t);
			} else {
				/* the canonical code must be valid in its category (every category for "*") */
				json_t *v = json_pack("[s]", t);
				for (size_t k = 0; k < cb->ncats && !why; k++)
					if (ci < 0 || (size_t)ci == k)
						(void)zc_values_check(&cb->cats[k], v, &why);
				json_decref(v);
				if (why)
					*err = zc_asprintf("%s: %s: \"%s\" -> %s", what, cat, from, why);
				free(why);
			}
			if (*err)
				break;
		}
		if (*err)
			break;
	}
	if (*err) {
		json_decref(j);
		return ZC_EPARSE;
	}
	/* keyed by id from here on */
	json_t *byid = json_object();
	json_object_foreach(j, cat, m) {
		int ci = zc_codebook_category(cb, cat);
		json_t *dst = json_object_get(byid, ci < 0 ? "*" : cb->cats[ci].id);
		if (!dst)
			json_object_set_new(byid, ci < 0 ? "*" : cb->cats[ci].id, (dst = json_object()));
		json_object_update(dst, m);
	}
	json_decref(j);
	*map = byid;
	return ZC_OK;
}

static const char *canonical(json_t *map, const char *cat, const char *v)
{
	const char *t = json_string_value(json_object_get(json_object_get(map, cat), v));
	if (!t)
		t = json_string_value(json_object_get(json_object_get(map, "*"), v));
	return t ? t : v;
}

static int has_relation(const zc_catcodes *c, const char *s, const char *d)
{
	for (size_t k = 0; c && k < c->nrels; k++)
		if (!strcmp(c->rels[k].source, s) && !strcmp(c->rels[k].target, d))
			return 1;
	return 0;
}

/* the codes and relations of in with the map (may be NULL) applied into f, every category of
   the codebook listed: repeats merged, a relation made a loop dropped, renames recorded */
static void normalise(const zc_codebook *cb, json_t *map, const zc_codes *in, zc_final *f)
{
	for (size_t ci = 0; ci < cb->ncats; ci++) {
		const char *cat = cb->cats[ci].id;
		const zc_catcodes *c = zc_codes_of(in, cat);
		zc_catcodes *out = zc_codes_cat(&f->codes, cat);
		for (size_t i = 0; c && i < c->ncodes; i++) {
			const char *v = c->codes[i], *t = map ? canonical(map, cat, v) : v;
			if (t != v)
				zc_final_rename(f, cat, v, t);
			if (!zc_catcodes_has(out, t))
				zc_codes_add(&f->codes, cat, t);
		}
		for (size_t i = 0; c && i < c->nrels; i++) {
			const char *s = c->rels[i].source, *d = c->rels[i].target;
			if (map) {
				s = canonical(map, cat, s);
				d = canonical(map, cat, d);
			}
			if (strcmp(s, d) && !has_relation(zc_codes_of(&f->codes, cat), s, d))
				zc_codes_relate(&f->codes, cat, s, d);
		}
	}
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int rel_cmp(const void *a, const void *b)
{
	const zc_relation *x = a, *y = b;
	int c = strcmp(x->source, y->source);
	return c ? c : strcmp(x->target, y->target);
}

/* a coding's codes and relations with each list made a sorted set, every category of the
   codebook listed: what "the coders agree" compares */
static void canon_codes(const zc_codebook *cb, const zc_codes *in, zc_codes *out)
{
	memset(out, 0, sizeof *out);
	for (size_t ci = 0; ci < cb->ncats; ci++) {
		const char *cat = cb->cats[ci].id;
		const zc_catcodes *c = zc_codes_of(in, cat);
		zc_catcodes *o = zc_codes_cat(out, cat);
		for (size_t i = 0; c && i < c->ncodes; i++)
			if (!zc_catcodes_has(o, c->codes[i]))
				zc_codes_add(out, cat, c->codes[i]);
		for (size_t i = 0; c && i < c->nrels; i++)
			if (!has_relation(zc_codes_of(out, cat), c->rels[i].source, c->rels[i].target))
				zc_codes_relate(out, cat, c->rels[i].source, c->rels[i].target);
		o = zc_codes_cat(out, cat);
		if (o->ncodes)
			qsort(o->codes, o->ncodes, sizeof *o->codes, str_cmp);
		if (o->nrels)
			qsort(o->rels, o->nrels, sizeof *o->rels, rel_cmp);
	}
}

/* a row of the adjudicated sheet, found by entry */
typedef struct adj_row {
	const char *entry;
	const zc_coding *c;	/* codes, relations, note */
	long row;
} adj_row;

static int adj_cmp(const void *a, const void *b)
{
	return strcmp(((const adj_row *)a)->entry, ((const adj_row *)b)->entry);
}

typedef struct rjob {
	const zc_resolve_opts *o;
	unsigned round;
	zc_kept_set k;		/* the round's codings */
	adj_row *sheet;		/* sorted by entry */
	size_t nsheet;
	zc_resolve_stats st;
	json_t *unresolved;	/* [[entry, why]] */
	json_t *before, *after;	/* cat -> {code: count} */
	char at[32];
} rjob;

static const adj_row *sheet_row(const rjob *j, const char *entry)
{
	adj_row key = {entry, NULL, 0};
	return j->nsheet ? bsearch(&key, j->sheet, j->nsheet, sizeof *j->sheet, adj_cmp) : NULL;
}

static void count_codes(json_t *acc, const zc_codes *codes)
{
	for (size_t i = 0; i < codes->ncats; i++) {
		const zc_catcodes *cc = &codes->cats[i];
		json_t *c = json_object_get(acc, cc->category);
		if (!c)
			json_object_set_new(acc, cc->category, (c = json_object()));
		for (size_t k = 0; k < cc->ncodes; k++) {
			json_t *n = json_object_get(c, cc->codes[k]);
			json_object_set_new(c, cc->codes[k], json_integer(n ? json_integer_value(n) + 1 : 1));
		}
	}
}

/* whether the n codings from k say the same (as sets) */
static int coders_agree(const zc_codebook *cb, const zc_kept *k, size_t n)
{
	zc_codes first, c;
	canon_codes(cb, &k[0].codes, &first);
	int same = 1;
	for (size_t i = 1; i < n && same; i++) {
		canon_codes(cb, &k[i].codes, &c);
		same = zc_codes_equal(&first, &c);
		zc_codes_clear(&c);
	}
	zc_codes_clear(&first);
	return same;
}

/* where an entry's final codes come from (its n codings from k): NULL when the coders differ
   and the sheet has no row for it; *base the codes, *note the sheet's note */
static const char *final_source(rjob *j, const zc_kept *k, size_t n, const zc_codes **base, const char **note)
{
	const adj_row *adj = sheet_row(j, k->entry);
	*note = "";
	if (adj) {
		*base = &adj->c->codes;
		*note = adj->c->note;
		j->st.adjudicated++;
		return "adjudication";
	}
	*base = &k->codes;
	if (n == 1) {
		j->st.single++;
		return "single";
	}
	if (coders_agree(j->o->cb, k, n)) {
		j->st.agreed++;
		return "agreement";
	}
	return NULL;
}

/* stores f unless the entry's final record says the same already */
static int final_store(rjob *j, zc_txn *t, zc_final *f)
{
	zc_final old;
	int rc = zc_tx_final_get(t, f->entry, &old);
	if (rc == ZC_OK && zc_final_same(&old, f)) {
		j->st.unchanged++;
	} else if (rc == ZC_OK || rc == ZC_ENOTFOUND) {
		f->at = j->at;
		f->own_ = old.own_;	/* fields of a newer zhengce kept */
		rc = zc_tx_final_put(t, f);
		f->own_ = NULL;
		j->st.stored++;
	}
	zc_final_clear(&old);
	return rc;
}

/* the final codes of the entry whose n codings (one a coder, coders sorted) start at k */
static int resolve_entry(rjob *j, zc_txn *t, const zc_kept *k, size_t n)
{
	const zc_codes *base;
	const char *note;
	j->st.entries++;
	const char *from = final_source(j, k, n, &base, &note);
	if (!from) {
		j->st.unresolved++;
		json_array_append_new(j->unresolved, json_pack("[ss]", k->entry, "the coders disagree and the adjudicated sheet has no row for it"));
		return ZC_OK;
	}
	zc_final f = {0};
	f.entry = k->entry;
	f.from = from;
	f.round = j->round;
	f.text_sha256 = "";
	for (size_t i = 0; i < n; i++) {
		zc_final_coder(&f, k[i].coder);
		if (*k[i].text_sha256)
			f.text_sha256 = k[i].text_sha256;
	}
	f.note = note;
	count_codes(j->before, base);
	normalise(j->o->cb, j->o->map, base, &f);
	count_codes(j->after, &f.codes);
	int rc = final_store(j, t, &f);
	zc_final_clear(&f);
	return rc;
}

/* the map applied, kept with its SHA-256 (meta normalisation) */
static int normalisation_store(rjob *j, zc_txn *t)
{
	char *s = json_dumps(j->o->map, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	char sha[65];
	zc_text_sha256(s, strlen(s), sha);
	free(s);
	zc_normalisation_rec r = {j->o->map_name ? j->o->map_name : "", sha, j->o->map, NULL};
	return zc_tx_normalisation_put(t, &r);
}

static int resolve_txn(zc_txn *t, void *arg)
{
	rjob *j = arg;
	/* may run again after the map grows: start from nothing */
	json_array_clear(j->unresolved);
	json_object_clear(j->before);
	json_object_clear(j->after);
	memset(&j->st, 0, sizeof j->st);
	int rc = zc_kept_gather(t, j->round, &j->k);
	for (size_t i = 0; rc == ZC_OK && i < j->k.n;) {
		size_t n;
		const zc_kept *k = zc_kept_find(&j->k, j->k.v[i].entry, &n);
		rc = resolve_entry(j, t, k, n);
		i += n;
	}
	if (rc == ZC_OK && j->o->map)
		rc = normalisation_store(j, t);
	return rc;
}

/* the adjudicated sheet's rows by entry; its refused rows to fn */
static void sheet_index(rjob *j, zc_import_problem_fn fn, void *arg)
{
	const zc_import_parsed *p = j->o->sheet;
	if (!p)
		return;
	j->nsheet = zc_import_parsed_count(p);
	j->sheet = zc_calloc(j->nsheet + 1, sizeof *j->sheet);
	for (size_t i = 0; i < j->nsheet; i++)
		j->sheet[i].c = zc_import_parsed_get(p, i, &j->sheet[i].entry, &j->sheet[i].row);
	if (j->nsheet)
		qsort(j->sheet, j->nsheet, sizeof *j->sheet, adj_cmp);
	if (fn)
		zc_import_parsed_problems(p, fn, arg);
}

/* unresolved entries, and adjudicated rows of entries the round does not have, to fn */
static void report_problems(const rjob *j, zc_import_problem_fn fn, void *arg)
{
	size_t i;
	json_t *u;
	json_array_foreach(j->unresolved, i, u)
		fn(0, json_string_value(json_array_get(u, 0)), json_string_value(json_array_get(u, 1)), arg);
	for (i = 0; j->o->sheet && i < zc_import_parsed_count(j->o->sheet); i++) {	/* in the sheet's order */
		const char *entry;
		long row;
		zc_import_parsed_get(j->o->sheet, i, &entry, &row);
		if (!zc_kept_find(&j->k, entry, NULL))
			fn(row, entry, "no coder coded this entry in the round", arg);
	}
}

/* {category: {before, after (distinct codes), renamed (occurrences)}} */
static json_t *code_counts(const rjob *j)
{
	json_t *counts = json_object();
	for (size_t ci = 0; ci < j->o->cb->ncats; ci++) {
		const char *cat = j->o->cb->cats[ci].id;
		json_t *b = json_object_get(j->before, cat), *af = json_object_get(j->after, cat);
		long renamed = 0;
		const char *code;
		json_t *cnt;
		json_object_foreach(b, code, cnt)
			if (!json_object_get(af, code))
				renamed += (long)json_integer_value(cnt);
		json_object_set_new(counts, cat, json_pack("{s:I,s:I,s:I}", "before", (json_int_t)json_object_size(b), "after",
							   (json_int_t)json_object_size(af), "renamed", (json_int_t)renamed));
	}
	return counts;
}

int zc_resolve(zc_index *idx, const zc_resolve_opts *o, zc_import_problem_fn fn, void *arg, zc_resolve_stats *st)
{
	rjob j = {0};
	memset(st, 0, sizeof *st);
	j.o = o;
	j.round = o->round;
	j.unresolved = json_array();
	j.before = json_object();
	j.after = json_object();
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(j.at, sizeof j.at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sheet_index(&j, fn, arg);
	int rc = zc_index_write(idx, resolve_txn, &j);
	if (rc == ZC_OK) {
		if (fn)
			report_problems(&j, fn, arg);
		*st = j.st;
		st->counts = code_counts(&j);
	}
	zc_kept_free(&j.k);
	free(j.sheet);
	json_decref(j.unresolved);
	json_decref(j.before);
	json_decref(j.after);
	return rc;
}
