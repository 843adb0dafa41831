/*
 * resolve.c - final codes from a round's codings (coding.h): where the coders agree, where one
 * coded, or from the adjudicated sheet; the normalisation map applied reproducibly.
 */
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

static void add_unique(json_t *a, const char *s)
{
	for (size_t i = 0; i < json_array_size(a); i++)
		if (!strcmp(json_string_value(json_array_get(a, i)), s))
			return;
	json_array_append_new(a, json_string(s));
}

/* codes and relations of rec with the map applied; renamed: {cat: {from: to}} */
static json_t *normalise(const zc_codebook *cb, json_t *map, json_t *rec, json_t *renamed)
{
	json_t *codes = json_object(), *rels = json_object();
	for (size_t ci = 0; ci < cb->ncats; ci++) {
		const char *cat = cb->cats[ci].id;
		json_t *in = json_object_get(json_object_get(rec, "codes"), cat), *out = json_array(), *x;
		size_t i;
		json_array_foreach(in, i, x) {
			const char *v = json_string_value(x), *t = map ? canonical(map, cat, v) : v;
			if (t != v) {
				json_t *r = json_object_get(renamed, cat);
				if (!r)
					json_object_set_new(renamed, cat, (r = json_object()));
				json_object_set_new(r, v, json_string(t));
			}
			add_unique(out, t);
		}
		json_object_set_new(codes, cat, out);
		json_t *rin = json_object_get(json_object_get(rec, "relations"), cat), *rout = json_array();
		json_array_foreach(rin, i, x) {
			const char *s = json_string_value(json_array_get(x, 0)), *d = json_string_value(json_array_get(x, 1));
			if (map) {
				s = canonical(map, cat, s);
				d = canonical(map, cat, d);
			}
			if (!strcmp(s, d))
				continue;
			int dup = 0;
			for (size_t k = 0; k < json_array_size(rout); k++) {
				json_t *p = json_array_get(rout, k);
				dup |= !strcmp(json_string_value(json_array_get(p, 0)), s) && !strcmp(json_string_value(json_array_get(p, 1)), d);
			}
			if (!dup)
				json_array_append_new(rout, json_pack("[ss]", s, d));
		}
		if (json_array_size(rout))
			json_object_set_new(rels, cat, rout);
		else
			json_decref(rout);
	}
	return json_pack("{s:o,s:o}", "codes", codes, "relations", rels);
}

/* a record's codes and relations with each list sorted: what "the same coding" compares */
static json_t *canon_coding(const zc_codebook *cb, json_t *rec)
{
	json_t *out = json_pack("{s:{},s:{}}", "codes", "relations");
	for (size_t ci = 0; ci < cb->ncats; ci++) {
		const char *cat = cb->cats[ci].id;
		json_t *a = json_object_get(json_object_get(rec, "codes"), cat), *s = json_array(), *x;
		size_t i;
		json_array_foreach(a, i, x)
			add_unique(s, json_string_value(x));
		/* sorted by bytes: insertion sort, lists are short */
		for (size_t p = 1; p < json_array_size(s); p++)
			for (size_t q = p; q > 0 && strcmp(json_string_value(json_array_get(s, q - 1)), json_string_value(json_array_get(s, q))) > 0; q--) {
				json_t *t = json_incref(json_array_get(s, q));
				json_array_set(s, q, json_array_get(s, q - 1));
				json_array_set_new(s, q - 1, t);
			}
		json_object_set_new(json_object_get(out, "codes"), cat, s);
		json_t *r = json_array();
		json_array_foreach(json_object_get(json_object_get(rec, "relations"), cat), i, x) {
			char *k = zc_asprintf("%s\x1f%s", json_string_value(json_array_get(x, 0)), json_string_value(json_array_get(x, 1)));
			add_unique(r, k);
			free(k);
		}
		for (size_t p = 1; p < json_array_size(r); p++)
			for (size_t q = p; q > 0 && strcmp(json_string_value(json_array_get(r, q - 1)), json_string_value(json_array_get(r, q))) > 0; q--) {
				json_t *t = json_incref(json_array_get(r, q));
				json_array_set(r, q, json_array_get(r, q - 1));
				json_array_set_new(r, q - 1, t);
			}
		json_object_set_new(json_object_get(out, "relations"), cat, r);
	}
	return out;
}

typedef struct rjob {
	const zc_resolve_opts *o;
	unsigned round;
	json_t *by_entry;	/* entry -> {coder: record} */
	json_t *sheet;		/* entry -> {rec, row} */
	zc_resolve_stats st;
	json_t *unresolved;	/* [[entry, why]] */
	json_t *before, *after;	/* cat -> {code: count} */
	char at[32];
} rjob;

static int gather_one(const char *entry, const char *coder, unsigned round, json_t *rec, void *arg)
{
	rjob *j = arg;
	if (round != j->round)
		return 0;
	json_t *e = json_object_get(j->by_entry, entry);
	if (!e)
		json_object_set_new(j->by_entry, entry, (e = json_object()));
	json_object_set(e, coder, rec);
	return 0;
}

static void count_codes(json_t *acc, json_t *codes)
{
	const char *cat;
	json_t *v;
	json_object_foreach(codes, cat, v) {
		json_t *c = json_object_get(acc, cat), *x;
		if (!c)
			json_object_set_new(acc, cat, (c = json_object()));
		size_t i;
		json_array_foreach(v, i, x) {
			json_t *n = json_object_get(c, json_string_value(x));
			json_object_set_new(c, json_string_value(x), json_integer(n ? json_integer_value(n) + 1 : 1));
		}
	}
}

static int same_final(json_t *a, json_t *b)
{
	static const char *const keys[] = {"codes", "relations", "from", "round", "coders", "text_sha256", "normalised", "note"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		json_t *x = json_object_get(a, keys[i]), *y = json_object_get(b, keys[i]);
		if ((x || y) && !(x && y && json_equal(x, y)))
			return 0;
	}
	return 1;
}

static int resolve_txn(zc_txn *t, void *arg)
{
	rjob *j = arg;
	const zc_codebook *cb = j->o->cb;
	/* may run again after the map grows: start from nothing */
	json_object_clear(j->by_entry);
	json_array_clear(j->unresolved);
	json_object_clear(j->before);
	json_object_clear(j->after);
	memset(&j->st, 0, sizeof j->st);
	int rc = zc_tx_codings_each(t, gather_one, j);
	const char *entry;
	json_t *byc;
	json_object_foreach(j->by_entry, entry, byc) {
		if (rc != ZC_OK)
			break;
		j->st.entries++;
		const char *coder;
		json_t *rec, *first = NULL, *coders = json_array(), *src = NULL;
		const char *sha = NULL;
		int same = 1;
		json_object_foreach(byc, coder, rec) {
			json_array_append_new(coders, json_string(coder));
			json_t *c = canon_coding(cb, rec);
			if (!first)
				first = c;
			else {
				same &= json_equal(first, c);
				json_decref(c);
			}
			if (!src)
				src = rec;
			if (json_string_value(json_object_get(rec, "text_sha256")))
				sha = json_string_value(json_object_get(rec, "text_sha256"));
		}
		/* coders sorted, for a record that does not depend on the table's order */
		for (size_t p = 1; p < json_array_size(coders); p++)
			for (size_t q = p; q > 0 && strcmp(json_string_value(json_array_get(coders, q - 1)), json_string_value(json_array_get(coders, q))) > 0; q--) {
				json_t *x = json_incref(json_array_get(coders, q));
				json_array_set(coders, q, json_array_get(coders, q - 1));
				json_array_set_new(coders, q - 1, x);
			}
		json_decref(first);
		json_t *adj = json_object_get(j->sheet, entry);
		const char *from;
		json_t *base;
		if (adj) {
			from = "adjudication";
			base = json_object_get(adj, "rec");
			j->st.adjudicated++;
		} else if (json_object_size(byc) == 1) {
			from = "single";
			base = src;
			j->st.single++;
		} else if (same) {
			from = "agreement";
			base = src;
			j->st.agreed++;
		} else {
			j->st.unresolved++;
			json_array_append_new(j->unresolved, json_pack("[ss]", entry, "the coders disagree and the adjudicated sheet has no row for it"));
			json_decref(coders);
			continue;
		}
		count_codes(j->before, json_object_get(base, "codes"));
		json_t *renamed = json_object();
		json_t *n = normalise(cb, j->o->map, base, renamed);
		count_codes(j->after, json_object_get(n, "codes"));
		json_t *fin = json_pack("{s:s,s:O,s:O,s:s,s:i,s:o,s:s,s:o}", "entry", entry, "codes", json_object_get(n, "codes"),
					"relations", json_object_get(n, "relations"), "from", from, "round", (int)j->round, "coders", coders,
					"text_sha256", sha ? sha : "", "normalised", renamed);
		const char *note = json_string_value(json_object_get(base, "note"));
		if (adj && note && *note)
			json_object_set_new(fin, "note", json_string(note));
		json_decref(n);
		json_t *old = NULL;
		int g = zc_tx_final_get(t, entry, &old);
		if (g == ZC_OK && same_final(old, fin)) {
			j->st.unchanged++;
		} else if (g == ZC_OK || g == ZC_ENOTFOUND) {
			json_object_set_new(fin, "at", json_string(j->at));
			rc = zc_tx_final_put(t, entry, fin);
			j->st.stored++;
		} else {
			rc = g;
		}
		json_decref(old);
		json_decref(fin);
	}
	if (rc == ZC_OK && j->o->map) {
		char *s = json_dumps(j->o->map, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		char sha[65];
		zc_text_sha256(s, strlen(s), sha);
		free(s);
		json_t *rec = json_pack("{s:s,s:s,s:O}", "file", j->o->map_name ? j->o->map_name : "", "sha256", sha, "map", j->o->map);
		rc = zc_tx_normalisation_put(t, rec);
		json_decref(rec);
	}
	return rc;
}

int zc_resolve(zc_index *idx, const zc_resolve_opts *o, zc_import_problem_fn fn, void *arg, zc_resolve_stats *st)
{
	rjob j = {0};
	memset(st, 0, sizeof *st);
	j.o = o;
	j.round = o->round;
	j.by_entry = json_object();
	j.sheet = json_object();
	j.unresolved = json_array();
	j.before = json_object();
	j.after = json_object();
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(j.at, sizeof j.at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->sheet) {
		for (size_t i = 0; i < zc_import_parsed_count(o->sheet); i++) {
			const char *entry;
			long row;
			json_t *rec = zc_import_parsed_get(o->sheet, i, &entry, &row);
			json_object_set_new(j.sheet, entry, json_pack("{s:O,s:I}", "rec", rec, "row", (json_int_t)row));
		}
		if (fn)
			zc_import_parsed_problems(o->sheet, fn, arg);
	}
	int rc = zc_index_write(idx, resolve_txn, &j);
	if (rc == ZC_OK) {
		size_t i;
		json_t *u;
		json_array_foreach(j.unresolved, i, u)
			if (fn)
				fn(0, json_string_value(json_array_get(u, 0)), json_string_value(json_array_get(u, 1)), arg);
		/* adjudicated rows of entries the round does not have */
		const char *entry;
		json_t *a;
		json_object_foreach(j.sheet, entry, a)
			if (!json_object_get(j.by_entry, entry) && fn)
				fn((long)json_integer_value(json_object_get(a, "row")), entry, "no coder coded this entry in the round", arg);
		*st = j.st;
		st->counts = json_object();
		for (size_t ci = 0; ci < o->cb->ncats; ci++) {
			const char *cat = o->cb->cats[ci].id;
			json_t *b = json_object_get(j.before, cat), *af = json_object_get(j.after, cat);
			long renamed = 0;
			const char *code;
			json_t *cnt;
			json_object_foreach(b, code, cnt)
				if (!json_object_get(af, code))
					renamed += (long)json_integer_value(cnt);
			json_object_set_new(st->counts, cat, json_pack("{s:I,s:I,s:I}", "before", (json_int_t)json_object_size(b), "after",
								      (json_int_t)json_object_size(af), "renamed", (json_int_t)renamed));
		}
	}
	json_decref(j.by_entry);
	json_decref(j.sheet);
	json_decref(j.unresolved);
	json_decref(j.before);
	json_decref(j.after);
	return rc;
}
