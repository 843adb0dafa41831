/* index/coding.c's codec: the typed records of the coding table and the meta records codebook
   and normalisation.  Old records are written as the zhengce before typed records built them
   (the same json_pack calls, the same field order), in MessagePack and as schema 2's JSON text:
   they read back field by field, and a record written again is the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "index.h"
#include "../../index/internal.h"	/* raw tables: records written as older zhengce wrote them */
#include "../../index/record.h"
#include "zc.h"
#include "scratch.h"


static const char SHA_A[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char SHA_B[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/* the keys, written out as docs/SCHEMA.md gives them */
static size_t coding_key(const char *entry, const char *coder, unsigned round, unsigned char *k)
{
	size_t n = 0, el = strlen(entry), cl = strlen(coder);
	memcpy(k, entry, el);
	n = el;
	memcpy(k + n, "\0c\0", 3);
	n += 3;
	memcpy(k + n, coder, cl);
	n += cl;
	k[n++] = 0;
	for (int i = 7; i >= 0; i--)
		k[n++] = (unsigned char)((uint64_t)round >> (8 * i));
	return n;
}

static size_t final_key(const char *entry, unsigned char *k)
{
	size_t el = strlen(entry);
	memcpy(k, entry, el);
	memcpy(k + el, "\0f", 2);
	return el + 2;
}

/* a coding as the import of a sheet built it before records were typed */
static json_t *old_coding(void)
{
	json_t *rec = json_pack("{s:{s:[ss],s:[]},s:{s:[[ss]]},s:s}", "codes", "unit", "三级医院", "县级医院", "model", "relations", "unit",
				"三级医院", "县级医院", "note", "见第二款");
	json_object_set_new(rec, "entry", json_string("00-29-2-1"));
	json_object_set_new(rec, "coder", json_string("甲"));
	json_object_set_new(rec, "round", json_integer(2));
	json_object_set_new(rec, "text_sha256", json_string(SHA_A));
	json_object_set_new(rec, "codebook", json_string(SHA_B));
	json_object_set_new(rec, "source", json_pack("{s:s,s:I}", "file", "甲.xlsx", "row", (json_int_t)7));
	json_object_set_new(rec, "at", json_string("2026-12-01T08:00:00Z"));
	return rec;
}

/* final codes as resolve built them before records were typed (adjudicated: with a note) */
static json_t *old_final(int note)
{
	json_t *fin = json_pack("{s:s,s:o,s:o,s:s,s:i,s:o,s:s,s:o}", "entry", "00-29-2-1", "codes",
				json_pack("{s:[s],s:[]}", "unit", "医务人员", "model"), "relations", json_object(), "from",
				note ? "adjudication" : "agreement", "round", 2, "coders", json_pack("[ss]", "coder-b", "甲"), "text_sha256", SHA_A,
				"normalised", json_pack("{s:{s:s,s:s}}", "unit", "专家", "医务人员", "人力资源", "医务人员"));
	if (note)
		json_object_set_new(fin, "note", json_string("会议决定"));
	json_object_set_new(fin, "at", json_string("2026-12-02T09:00:00Z"));
	return fin;
}

static void encode(json_t *rec, zc_buf *b)
{
	zc_buf_init(b, ZC_BUF_UNLIMITED);
	assert_int_equal(zc_rec_encode(rec, b), ZC_OK);
}

typedef struct raw {
	unsigned char key[160];
	size_t klen;
	zc_buf bytes;		/* what was written first */
	int json_text;		/* written as schema 2's JSON text */
	json_t *rec;
} raw;

static int put_raw(zc_txn *t, void *arg)
{
	raw *r = arg;
	if (r->json_text) {
		char *s = json_dumps(r->rec, JSON_COMPACT);
		int rc = zc_tx_put(t, ZC_T_CODINGS, r->key, r->klen, s, strlen(s));
		free(s);
		return rc;
	}
	return zc_tx_put(t, ZC_T_CODINGS, r->key, r->klen, r->bytes.data, r->bytes.len);
}

/* r's record written under its key as older zhengce wrote it, then check run in a write
   transaction of its own; the record and its bytes freed */
static void raw_round(raw *r, zc_txn_fn check, void *arg)
{
	encode(r->rec, &r->bytes);
	zc_index *idx;
	assert_int_equal(zc_index_open(dir, 0, &idx), ZC_OK);
	assert_int_equal(zc_index_write(idx, put_raw, r), ZC_OK);
	assert_int_equal(zc_index_write(idx, check, arg), ZC_OK);
	zc_index_close(&idx);
	zc_buf_free(&r->bytes);
	json_decref(r->rec);
}

/* the stored bytes of the key equal the first ones written */
static void assert_bytes(zc_txn *t, const raw *r)
{
	char *v;
	size_t n;
	assert_int_equal(zc_tx_get(t, ZC_T_CODINGS, r->key, r->klen, &v, &n), ZC_OK);
	assert_int_equal(n, r->bytes.len);
	assert_memory_equal(v, r->bytes.data, n);
	free(v);
}

static void check_coding(const zc_coding *c)
{
	assert_string_equal(c->entry, "00-29-2-1");
	assert_string_equal(c->coder, "甲");
	assert_int_equal(c->round, 2);
	assert_int_equal(c->codes.ncats, 2);
	const zc_catcodes *u = zc_codes_of(&c->codes, "unit"), *m = zc_codes_of(&c->codes, "model");
	assert_non_null(u);
	assert_non_null(m);
	assert_int_equal(u->ncodes, 2);
	assert_string_equal(u->codes[0], "三级医院");
	assert_string_equal(u->codes[1], "县级医院");
	assert_int_equal(u->nrels, 1);
	assert_string_equal(u->rels[0].source, "三级医院");
	assert_string_equal(u->rels[0].target, "县级医院");
	assert_int_equal(m->ncodes, 0);
	assert_int_equal(m->nrels, 0);
	assert_string_equal(c->note, "见第二款");
	assert_string_equal(c->text_sha256, SHA_A);
	assert_string_equal(c->codebook, SHA_B);
	assert_string_equal(c->source_file, "甲.xlsx");
	assert_int_equal(c->source_row, 7);
	assert_string_equal(c->at, "2026-12-01T08:00:00Z");
}

static int walked;

static int walk_coding(const zc_coding *c, void *arg)
{
	(void)arg;
	check_coding(c);
	walked++;
	return 0;
}

static int coding_txn(zc_txn *t, void *arg)
{
	raw *r = arg;
	zc_coding c;
	assert_int_equal(zc_tx_coding_get(t, "00-29-2-1", "甲", 2, &c), ZC_OK);
	check_coding(&c);
	/* written again as it was read: the same bytes */
	assert_int_equal(zc_tx_coding_put(t, &c), ZC_OK);
	assert_bytes(t, r);
	/* built afresh with the same fields: the same bytes too */
	zc_coding n = {0};
	n.entry = "00-29-2-1";
	n.coder = "甲";
	n.round = 2;
	zc_codes_add(&n.codes, "unit", "三级医院");
	zc_codes_add(&n.codes, "unit", "县级医院");
	zc_codes_cat(&n.codes, "model");
	zc_codes_relate(&n.codes, "unit", "三级医院", "县级医院");
	n.note = "见第二款";
	n.text_sha256 = SHA_A;
	n.codebook = SHA_B;
	n.source_file = "甲.xlsx";
	n.source_row = 7;
	n.at = "2026-12-01T08:00:00Z";
	assert_true(zc_coding_same(&c, &n));
	assert_int_equal(zc_tx_coding_put(t, &n), ZC_OK);
	assert_bytes(t, r);
	/* what a coding's sameness looks at */
	n.at = "2027-01-01T00:00:00Z";
	n.source_row = 9;
	assert_true(zc_coding_same(&c, &n));
	n.note = "";
	assert_false(zc_coding_same(&c, &n));
	zc_codes_clear(&n.codes);
	walked = 0;
	assert_int_equal(zc_tx_codings_each(t, walk_coding, NULL), ZC_OK);
	assert_int_equal(walked, 1);
	zc_coding_clear(&c);
	return ZC_OK;
}

static void test_coding_old_bytes(void **state)
{
	(void)state;
	for (int text = 0; text < 2; text++) {
		raw r = {.json_text = text, .rec = old_coding()};
		r.klen = coding_key("00-29-2-1", "甲", 2, r.key);
		raw_round(&r, coding_txn, &r);
	}
}

static void check_final(const zc_final *f, int note)
{
	assert_string_equal(f->entry, "00-29-2-1");
	assert_string_equal(f->from, note ? "adjudication" : "agreement");
	assert_int_equal(f->round, 2);
	assert_int_equal(f->ncoders, 2);
	assert_string_equal(f->coders[0], "coder-b");
	assert_string_equal(f->coders[1], "甲");
	assert_string_equal(f->text_sha256, SHA_A);
	const zc_catcodes *u = zc_codes_of(&f->codes, "unit");
	assert_non_null(u);
	assert_int_equal(u->ncodes, 1);
	assert_string_equal(u->codes[0], "医务人员");
	assert_non_null(zc_codes_of(&f->codes, "model"));
	assert_int_equal(f->nrenames, 2);
	assert_string_equal(f->renames[1].category, "unit");
	assert_string_equal(f->renames[1].from, "人力资源");
	assert_string_equal(f->renames[1].to, "医务人员");
	assert_string_equal(f->note, note ? "会议决定" : "");
	assert_string_equal(f->at, "2026-12-02T09:00:00Z");
}

static int final_txn(zc_txn *t, void *arg)
{
	raw *r = arg;
	int note = json_object_get(r->rec, "note") != NULL;
	zc_final f;
	assert_int_equal(zc_tx_final_get(t, "00-29-2-1", &f), ZC_OK);
	check_final(&f, note);
	assert_int_equal(zc_tx_final_put(t, &f), ZC_OK);
	assert_bytes(t, r);
	zc_final n = {0};
	n.entry = "00-29-2-1";
	zc_codes_add(&n.codes, "unit", "医务人员");
	zc_codes_cat(&n.codes, "model");
	n.from = note ? "adjudication" : "agreement";
	n.round = 2;
	zc_final_coder(&n, "coder-b");
	zc_final_coder(&n, "甲");
	n.text_sha256 = SHA_A;
	/* in the other order: the same renames */
	zc_final_rename(&n, "unit", "人力资源", "医务人员");
	zc_final_rename(&n, "unit", "专家", "医务人员");
	n.note = note ? "会议决定" : NULL;
	n.at = "2027-01-01T00:00:00Z";
	assert_true(zc_final_same(&f, &n));
	zc_final_rename(&n, "unit", "专家", "患者");	/* replaces the rename of 专家 */
	assert_int_equal(n.nrenames, 2);
	assert_false(zc_final_same(&f, &n));
	zc_final_clear(&n);
	zc_final_clear(&f);
	return ZC_OK;
}

static void test_final_old_bytes(void **state)
{
	(void)state;
	for (int form = 0; form < 4; form++) {
		raw r = {.json_text = form & 1, .rec = old_final(form >> 1)};
		r.klen = final_key("00-29-2-1", r.key);
		raw_round(&r, final_txn, &r);
	}
}

/* a field a later zhengce added survives a rewrite through the struct */
static int unknown_txn(zc_txn *t, void *arg)
{
	(void)arg;
	zc_coding c;
	assert_int_equal(zc_tx_coding_get(t, "00-29-2-1", "甲", 2, &c), ZC_OK);
	zc_codes_add(&c.codes, "model", "医联体");
	assert_int_equal(zc_tx_coding_put(t, &c), ZC_OK);
	zc_coding_clear(&c);
	unsigned char k[160];
	size_t kl = coding_key("00-29-2-1", "甲", 2, k);
	char *v;
	size_t n;
	assert_int_equal(zc_tx_get(t, ZC_T_CODINGS, k, kl, &v, &n), ZC_OK);
	json_t *rec = zc_record_parse(v, n);
	free(v);
	assert_non_null(rec);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "later"), "x")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(rec, "codes"), "model"), 0)), "医联体");
	json_decref(rec);
	return ZC_OK;
}

static void test_unknown_kept(void **state)
{
	(void)state;
	raw r = {.rec = old_coding()};
	json_object_set_new(r.rec, "later", json_pack("{s:i}", "x", 1));
	r.klen = coding_key("00-29-2-1", "甲", 2, r.key);
	raw_round(&r, unknown_txn, NULL);
}

/* the meta record key is stored as the bytes before (n) */
static void assert_meta_bytes(zc_txn *t, const char *key, const char *before, size_t n)
{
	char *after;
	size_t la;
	assert_int_equal(zc_tx_get(t, ZC_T_META, key, strlen(key), &after, &la), ZC_OK);
	assert_int_equal(la, n);
	assert_memory_equal(after, before, la);
	free(after);
}

/* the meta records: as import and resolve wrote them, read back and written again the same */
static int meta_txn(zc_txn *t, void *arg)
{
	(void)arg;
	json_t *cbj = json_pack("{s:s,s:[{s:s,s:s}]}", "name", "symbiosis", "categories", "id", "unit", "name", "共生单元");
	json_t *map = json_pack("{s:{s:s}}", "unit", "专家", "医务人员");
	json_t *cb_old = json_pack("{s:s,s:s,s:O}", "name", "symbiosis", "sha256", SHA_B, "codebook", cbj);
	json_t *map_old = json_pack("{s:s,s:s,s:O}", "file", "map.json", "sha256", SHA_A, "map", map);
	assert_int_equal(zc_tx_put_json(t, ZC_T_META, "codebook", cb_old), ZC_OK);
	assert_int_equal(zc_tx_put_json(t, ZC_T_META, "normalisation", map_old), ZC_OK);
	char *before_cb, *before_map;
	size_t lcb, lmap;
	assert_int_equal(zc_tx_get(t, ZC_T_META, "codebook", 8, &before_cb, &lcb), ZC_OK);
	assert_int_equal(zc_tx_get(t, ZC_T_META, "normalisation", 13, &before_map, &lmap), ZC_OK);
	zc_codebook_rec c;
	assert_int_equal(zc_tx_codebook_get(t, &c), ZC_OK);
	assert_string_equal(c.name, "symbiosis");
	assert_string_equal(c.sha256, SHA_B);
	assert_true(json_equal(c.codebook, cbj));
	zc_codebook_rec fresh = {"symbiosis", SHA_B, cbj, NULL};
	assert_int_equal(zc_tx_codebook_put(t, &fresh), ZC_OK);
	assert_meta_bytes(t, "codebook", before_cb, lcb);
	zc_codebook_rec_clear(&c);
	zc_normalisation_rec m;
	assert_int_equal(zc_tx_normalisation_get(t, &m), ZC_OK);
	assert_string_equal(m.file, "map.json");
	assert_string_equal(m.sha256, SHA_A);
	assert_true(json_equal(m.map, map));
	assert_int_equal(zc_tx_normalisation_put(t, &m), ZC_OK);
	assert_meta_bytes(t, "normalisation", before_map, lmap);
	zc_normalisation_rec_clear(&m);
	free(before_cb);
	free(before_map);
	json_decref(cbj);
	json_decref(map);
	json_decref(cb_old);
	json_decref(map_old);
	return ZC_OK;
}

static int meta_absent_txn(zc_txn *t, void *arg)
{
	(void)arg;
	zc_codebook_rec c;
	zc_normalisation_rec m;
	assert_int_equal(zc_tx_codebook_get(t, &c), ZC_ENOTFOUND);
	assert_int_equal(zc_tx_normalisation_get(t, &m), ZC_ENOTFOUND);
	assert_null(c.own_);
	return ZC_OK;
}

static void test_meta(void **state)
{
	(void)state;
	char sub[96];
	snprintf(sub, sizeof sub, "%s/meta", dir);
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), ZC_OK);
	assert_int_equal(zc_index_read(idx, meta_absent_txn, NULL), ZC_OK);
	assert_int_equal(zc_index_write(idx, meta_txn, NULL), ZC_OK);
	zc_index_close(&idx);
}

/* codes per category: equal whatever the order of categories, not of codes */
static void test_codes(void **state)
{
	(void)state;
	zc_codes a = {NULL, 0}, b = {NULL, 0}, c;
	zc_codes_add(&a, "unit", "A");
	zc_codes_add(&a, "unit", "B");
	zc_codes_cat(&a, "model");
	zc_codes_cat(&b, "model");
	zc_codes_add(&b, "unit", "A");
	zc_codes_add(&b, "unit", "B");
	assert_true(zc_codes_equal(&a, &b));
	zc_codes_copy(&c, &a);
	assert_true(zc_codes_equal(&c, &b));
	zc_codes_relate(&c, "unit", "A", "B");
	assert_false(zc_codes_equal(&c, &b));
	zc_codes_clear(&c);
	zc_codes_clear(&b);
	zc_codes_add(&b, "unit", "B");
	zc_codes_add(&b, "unit", "A");
	zc_codes_cat(&b, "model");
	assert_false(zc_codes_equal(&a, &b));	/* the order of codes counts */
	zc_codes_clear(&b);
	zc_codes_add(&b, "unit", "A");
	zc_codes_add(&b, "unit", "B");
	assert_false(zc_codes_equal(&a, &b));	/* a category listed or not counts */
	assert_true(zc_catcodes_has(zc_codes_of(&b, "unit"), "B"));
	assert_false(zc_catcodes_has(zc_codes_of(&b, "model"), "B"));
	zc_codes_clear(&a);
	zc_codes_clear(&b);
	assert_null(a.cats);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test_setup_teardown(test_coding_old_bytes, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_final_old_bytes, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_kept, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_meta, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
