/* coding/: the codebook read strictly, a cell's values, the coding table, the final codes as
   analysis reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <math.h>

#include "coding.h"
#include "index.h"
#include "zc.h"
#include "scratch.h"


/* the shipped codebook: four categories of the reference study, units with relations */
static void test_codebook_shipped(void **state)
{
	(void)state;
	zc_codebook *cb = NULL;
	char *err = NULL;
	assert_int_equal(zc_codebook_load(ZC_SOURCE_DIR "/codebooks/symbiosis.json", &cb, &err), ZC_OK);
	assert_null(err);
	assert_int_equal(cb->ncats, 4);
	const char *names[] = {"共生单元", "共生模式", "共生环境", "共生界面"};
	const char *ids[] = {"unit", "model", "environment", "interface"};
	for (int i = 0; i < 4; i++) {
		assert_string_equal(cb->cats[i].name, names[i]);
		assert_int_equal(zc_codebook_category(cb, ids[i]), i);
		assert_int_equal(zc_codebook_category(cb, names[i]), i);
	}
	assert_non_null(cb->cats[0].relation);
	assert_true(cb->cats[0].multiple && cb->cats[0].open);
	assert_true(zc_category_code(&cb->cats[0], "医务人员") >= 0);
	assert_int_equal(strlen(cb->sha256), 64);
	zc_codebook_free(&cb);
	assert_null(cb);
}

/* every mistake is refused with a message naming the field */
static void test_codebook_strict(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"open\":true}],\"extra\":1}", "unknown field \"extra\""},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"opne\":true}]}", "categories[0]: unknown field \"opne\""},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"codes\":[{\"code\":\"b\",\"keywrds\":[]}]}]}",
		 "categories[0].codes[0]: unknown field \"keywrds\""},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\"}]}", "has no codes and is not open"},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"A\",\"name\":\"A\",\"open\":true}]}", "id \"A\""},
		{"{\"name\":\"x\",\"categories\":[]}", "non-empty list"},
		{"{\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"open\":true}]}", "missing field \"name\""},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"codes\":[{\"code\":\"b\"},{\"code\":\"b\"}]}]}",
		 "categories[0].codes[1]: code \"b\" is listed twice"},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"codes\":[{\"code\":\"b；c\"}]}]}", "separator"},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"codes\":[{\"code\":\"=1+1\"}]}]}", "formula"},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"open\":true},{\"id\":\"a\",\"name\":\"B\",\"open\":true}]}",
		 "categories[1]: its id or name is that of categories[0]"},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"open\":true,\"relations\":{\"name\":\"r\",\"directed\":true}}]}",
		 "must be \"multiple\""},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"open\":true,\"multiple\":true,\"relations\":{\"name\":\"r\"}}]}",
		 "\"directed\" must be true"},
		{"{\"name\":\"x\",\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"open\":\"yes\"}]}", "\"open\" must be true or false"},
		{"{\"name\":\"x\",\"name\":\"y\",\"categories\":[]}", "duplicate"},
		{"[1]", "must be a JSON object"},
		{"{\"name\":", "line 1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		zc_codebook *cb = NULL;
		char *err = NULL;
		int rc = zc_codebook_parse(cases[i].json, strlen(cases[i].json), "t.json", &cb, &err);
		if (rc == ZC_OK || !err || !strstr(err, cases[i].want) || strncmp(err, "t.json", 6))
			fail_msg("case %zu: rc %d, message %s (wanted %s)", i, rc, err ? err : "(none)", cases[i].want);
		assert_null(cb);
		free(err);
	}
}

static void test_values(void **state)
{
	(void)state;
	zc_codebook *cb = NULL;
	char *err = NULL, *why = NULL;
	const char *j = "{\"name\":\"x\",\"categories\":[{\"id\":\"u\",\"name\":\"单元\",\"multiple\":true,\"codes\":[{\"code\":\"三级医院\"},"
			"{\"code\":\"基层医疗卫生机构\"},{\"code\":\"医务人员\"}],\"relations\":{\"name\":\"r\",\"directed\":true}},"
			"{\"id\":\"m\",\"name\":\"模式\",\"open\":true,\"codes\":[{\"code\":\"医联体\"}]}]}";
	assert_int_equal(zc_codebook_parse(j, strlen(j), "t", &cb, &err), ZC_OK);
	json_t *v = zc_values_split(" 三级医院；基层医疗卫生机构 、三级医院;\n;　医务人员 ");
	assert_int_equal(json_array_size(v), 3);
	assert_string_equal(json_string_value(json_array_get(v, 2)), "医务人员");
	assert_int_equal(zc_values_check(&cb->cats[0], v, &why), ZC_OK);
	char *s = zc_values_join(v);
	assert_string_equal(s, "三级医院；基层医疗卫生机构；医务人员");
	free(s);
	json_t *r = zc_relations_parse(&cb->cats[0], "三级医院->基层医疗卫生机构；三级医院 → 医务人员", v, &why);
	assert_non_null(r);
	assert_int_equal(json_array_size(r), 2);
	s = zc_relations_join(r);
	assert_string_equal(s, "三级医院->基层医疗卫生机构；三级医院->医务人员");
	free(s);
	json_decref(r);
	assert_null(zc_relations_parse(&cb->cats[0], "三级医院->患者", v, &why));
	assert_non_null(strstr(why, "\"患者\" is not among the entry's codes"));
	free(why);
	assert_null(zc_relations_parse(&cb->cats[0], "三级医院", v, &why));
	assert_non_null(strstr(why, "SOURCE->TARGET"));
	free(why);
	json_decref(v);
	/* closed: a typo is refused with the nearest code; open: anything */
	v = zc_values_split("三级医");
	assert_int_equal(zc_values_check(&cb->cats[0], v, &why), ZC_EPARSE);
	assert_non_null(strstr(why, "did you mean \"三级医院\""));
	free(why);
	assert_int_equal(zc_values_check(&cb->cats[1], v, &why), ZC_OK);
	json_decref(v);
	v = zc_values_split("医联体；医共体");
	assert_int_equal(zc_values_check(&cb->cats[1], v, &why), ZC_EPARSE);
	assert_non_null(strstr(why, "2 codes where one is allowed"));
	free(why);
	json_decref(v);
	zc_codebook_free(&cb);
}

static void test_entry_order(void **state)
{
	(void)state;
	assert_true(zc_entry_code_cmp("00-29-2-1", "00-29-10-1") < 0);
	assert_true(zc_entry_code_cmp("00-9-1-1", "00-10-1-1") < 0);
	assert_true(zc_entry_code_cmp("11-1-1-1", "00-10-1-1") > 0);
	assert_int_equal(zc_entry_code_cmp("33-8-1-2", "33-8-1-2"), 0);
	assert_true(zc_entry_code_cmp("33-8-1", "33-8-1-2") < 0);
}

typedef struct seen {
	int n;
	char entries[8][32];
	unsigned flags[8];
	char coders[8][16];
	unsigned rounds[8];
} seen;

static int fill(zc_txn *t, void *arg)
{
	(void)arg;
	int rc = ZC_OK;
	const char *texts[] = {"三级医院对口支援县级医院。", "加强基层医疗卫生机构建设。", "组建医联体。"};
	const char *codes[] = {"00-29-2-1", "00-29-10-1", "00-3-1-1"};
	const long section[] = {2, 10, 1};
	for (int i = 0; i < 3 && rc == ZC_OK; i++)	/* codes[i], through the entries' own operation */
		rc = zc_tx_entry_put(t, &(zc_entry){.doc_code = i == 2 ? "00-3" : "00-29", .section = section[i], .item = 1, .text = texts[i]});
	for (int i = 0; i < 4 && rc == ZC_OK; i++) {
		/* a final for each entry, one more for an entry not in the selection; the second's
		   text changed since (its hash is of other text) */
		const char *entry = i < 3 ? codes[i] : "00-29-11-1";
		char sha[65];
		const char *text = i == 1 ? "旧的文字" : i < 3 ? texts[i] : "x";
		zc_text_sha256(text, strlen(text), sha);
		zc_final f = {0};
		f.entry = entry;
		zc_codes_add(&f.codes, "unit", "三级医院");
		zc_codes_add(&f.codes, "unit", "二级医院");
		zc_codes_add(&f.codes, "model", "对口支援");
		zc_codes_relate(&f.codes, "unit", "三级医院", "二级医院");
		f.text_sha256 = sha;
		rc = zc_tx_final_put(t, &f);
		zc_final_clear(&f);
	}
	const char *coders[] = {"甲", "coder-b"};
	for (int c = 0; c < 2 && rc == ZC_OK; c++)
		for (unsigned r = 1; r <= 2 && rc == ZC_OK; r++) {
			zc_coding rec = {0};
			rec.entry = "00-29-2-1";
			rec.coder = coders[c];
			rec.round = r;
			zc_codes_add(&rec.codes, "unit", c ? "政府" : "患者");
			rc = zc_tx_coding_put(t, &rec);
			zc_coding_clear(&rec);
		}
	zc_coding bad[3] = {{.entry = "00-29-2-1", .coder = "a|b", .round = 1}, {.entry = "00-29-2-1", .coder = "a", .round = 0},
			    {.entry = "00-29-2-1", .coder = "a", .round = 1000}};
	for (int i = 0; i < 3 && rc == ZC_OK; i++)
		if (zc_tx_coding_put(t, &bad[i]) != ZC_EUSAGE)
			rc = ZC_EIO;
	return rc;
}

static int one_final(const zc_final_codes *f, void *arg)
{
	seen *s = arg;
	snprintf(s->entries[s->n], sizeof s->entries[0], "%s", f->entry);
	s->flags[s->n++] = f->flags;
	const zc_catcodes *unit = zc_codes_of(&f->rec->codes, "unit");
	assert_non_null(unit);
	assert_int_equal(unit->ncodes, 2);
	assert_int_equal(unit->nrels, 1);
	assert_string_equal(unit->rels[0].source, "三级医院");
	assert_string_equal(unit->category, "unit");
	return 0;
}

static int one_coding(const zc_coding *c, void *arg)
{
	seen *s = arg;
	assert_string_equal(c->entry, "00-29-2-1");
	assert_non_null(zc_codes_of(&c->codes, "unit"));
	snprintf(s->coders[s->n], sizeof s->coders[0], "%s", c->coder);
	s->rounds[s->n++] = c->round;
	return 0;
}

static int walk_codings(zc_txn *t, void *arg)
{
	uint64_t nc, nf;
	int rc = zc_tx_codings_count(t, &nc, &nf);
	assert_int_equal(nc, 4);
	assert_int_equal(nf, 4);
	zc_coding rec;
	zc_final fin;
	assert_int_equal(zc_tx_coding_get(t, "00-29-2-1", "甲", 2, &rec), ZC_OK);
	assert_string_equal(zc_codes_of(&rec.codes, "unit")->codes[0], "患者");
	zc_coding_clear(&rec);
	assert_int_equal(zc_tx_coding_get(t, "00-29-2-1", "甲", 3, &rec), ZC_ENOTFOUND);
	/* 00-29-2-1's prefix is not 00-29-2-10's: one entry's records only */
	assert_int_equal(zc_tx_final_get(t, "00-29-2", &fin), ZC_ENOTFOUND);
	return rc == ZC_OK ? zc_tx_codings_each(t, one_coding, arg) : rc;
}

static void test_table(void **state)
{
	(void)state;
	zc_index *idx;
	assert_int_equal(zc_index_open(dir, 0, &idx), ZC_OK);
	assert_int_equal(zc_index_write(idx, fill, NULL), ZC_OK);
	zc_index_close(&idx);
	assert_int_equal(zc_index_open(dir, ZC_INDEX_RDONLY, &idx), ZC_OK);
	seen s = {0};
	assert_int_equal(zc_coding_finals_each(idx, one_final, &s), ZC_OK);
	assert_int_equal(s.n, 4);
	/* numbers as numbers; the entry out of the selection and the changed one flagged */
	assert_string_equal(s.entries[0], "00-3-1-1");
	assert_string_equal(s.entries[1], "00-29-2-1");
	assert_string_equal(s.entries[2], "00-29-10-1");
	assert_string_equal(s.entries[3], "00-29-11-1");
	assert_int_equal(s.flags[0], 0);
	assert_int_equal(s.flags[1], 0);
	assert_int_equal(s.flags[2], ZC_FINAL_CHANGED);
	assert_int_equal(s.flags[3], ZC_FINAL_LEFT);
	seen c = {0};
	assert_int_equal(zc_index_read(idx, walk_codings, &c), ZC_OK);
	assert_int_equal(c.n, 4);
	uint64_t n;
	zc_index_close(&idx);
	assert_int_equal(zc_index_open(dir, 0, &idx), ZC_OK);
	assert_int_equal(zc_index_named_entries(idx, "codings", &n), ZC_OK);
	assert_int_equal(n, 8);
	zc_index_close(&idx);
}

/* one value a cell as a set of one code; 0 missing */
static zc_agree_data *matrix(size_t ncoders, size_t nunits, const int *v)
{
	zc_agree_data *d = zc_agree_new(ncoders);
	for (size_t u = 0; u < nunits; u++) {
		size_t k = zc_agree_unit(d);
		for (size_t c = 0; c < ncoders; c++) {
			int x = v[c * nunits + u];
			if (!x)
				continue;
			char s[16];
			snprintf(s, sizeof s, "%d", x);
			json_t *a = json_pack("[s]", s);
			zc_agree_set(d, k, c, a);
			json_decref(a);
		}
	}
	return d;
}

/* Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the reliability data
   with missing values: 4 observers, 12 units, nominal alpha = 0.743 */
static void test_krippendorff(void **state)
{
	(void)state;
	static const int v[4 * 12] = {
		1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0,	/* A */
		1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3,	/* B */
		0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0,	/* C */
		1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0,	/* D */
	};
	zc_agree_data *d = matrix(4, 12, v);
	zc_agreement a;
	zc_agree_compute(d, 0, 1, &a);
	assert_true(fabs(a.value[ZC_AGREE_ALPHA] - 0.743) < 0.0005);
	/* single codes: MASI is the nominal distance */
	assert_true(fabs(a.value[ZC_AGREE_ALPHA_MASI] - a.value[ZC_AGREE_ALPHA]) < 1e-12);
	assert_int_equal(a.pairable, 40);	/* unit 12's lone value is not pairable */
	assert_true(isnan(a.value[ZC_AGREE_COHEN]));	/* four coders */
	/* the interval holds the value and is the same for the same seed */
	zc_agreement b, c;
	zc_agree_compute(d, 500, 7, &b);
	zc_agree_compute(d, 500, 7, &c);
	assert_true(b.lo[ZC_AGREE_ALPHA] <= a.value[ZC_AGREE_ALPHA] && a.value[ZC_AGREE_ALPHA] <= b.hi[ZC_AGREE_ALPHA]);
	assert_true(b.lo[ZC_AGREE_ALPHA] < b.hi[ZC_AGREE_ALPHA]);
	assert_true(b.lo[ZC_AGREE_ALPHA] == c.lo[ZC_AGREE_ALPHA] && b.hi[ZC_AGREE_ALPHA] == c.hi[ZC_AGREE_ALPHA]);
	zc_agree_free(&d);
}

/* Cohen (1960) as in its textbook example: 50 items, yes/yes 20, yes/no 5, no/yes 10, no/no 15:
   po .70, pe .50, kappa .40; Scott's pi (pe .505) .3939; percent .70 */
static void test_cohen_scott(void **state)
{
	(void)state;
	int v[2 * 50];
	for (int i = 0; i < 50; i++) {
		v[i] = i < 25 ? 1 : 2;				/* A: yes 25, no 25 */
		v[50 + i] = i < 20 ? 1 : i < 25 ? 2 : i < 35 ? 1 : 2;	/* B */
	}
	zc_agree_data *d = matrix(2, 50, v);
	zc_agreement a;
	zc_agree_compute(d, 0, 1, &a);
	assert_true(fabs(a.value[ZC_AGREE_PERCENT] - 0.70) < 1e-12);
	assert_true(fabs(a.value[ZC_AGREE_HOLSTI] - 0.70) < 1e-12);
	assert_true(fabs(a.value[ZC_AGREE_COHEN] - 0.40) < 1e-12);
	assert_true(fabs(a.value[ZC_AGREE_SCOTT] - (0.70 - 0.505) / 0.495) < 1e-12);
	assert_true(isnan(a.value[ZC_AGREE_FLEISS]));
	zc_agree_free(&d);
}

/* Fleiss (1971) as in its usual worked example: 10 subjects, 14 raters, 5 categories,
   kappa 0.210 (P-bar 0.378, Pe 0.213) */
static void test_fleiss(void **state)
{
	(void)state;
	static const int n[10][5] = {{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
				     {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
	int v[14 * 10];
	for (int u = 0; u < 10; u++) {
		int r = 0;
		for (int k = 0; k < 5; k++)
			for (int j = 0; j < n[u][k]; j++)
				v[(r++) * 10 + u] = k + 1;
	}
	zc_agree_data *d = matrix(14, 10, v);
	zc_agreement a;
	zc_agree_compute(d, 0, 1, &a);
	assert_true(fabs(a.value[ZC_AGREE_FLEISS] - 0.210) < 0.0005);
	zc_agree_free(&d);
}

/* MASI (Passonneau 2006): {a,b} vs {a,b,c}: Jaccard 2/3, subset 2/3: 1 - 4/9 */
static void test_masi(void **state)
{
	(void)state;
	assert_true(fabs(zc_masi_distance("a\x1f" "b", "a\x1f" "b\x1f" "c") - (1 - 4.0 / 9)) < 1e-12);
	assert_true(fabs(zc_masi_distance("a\x1f" "b", "b\x1f" "c") - (1 - 1.0 / 9)) < 1e-12);
	assert_true(zc_masi_distance("a", "b") == 1.0);
	assert_true(zc_masi_distance("a\x1f" "b", "a\x1f" "b") == 0.0);
	assert_true(zc_masi_distance("", "") == 0.0 && zc_masi_distance("", "a") == 1.0);
	/* sets: the same codes in another order are one value; Holsti counts codes */
	zc_agree_data *d = zc_agree_new(2);
	size_t u = zc_agree_unit(d);
	json_t *x = json_pack("[ss]", "a", "b"), *y = json_pack("[sss]", "b", "a", "c");
	zc_agree_set(d, u, 0, x);
	zc_agree_set(d, u, 1, y);
	u = zc_agree_unit(d);
	json_t *z = json_pack("[ss]", "b", "a");
	zc_agree_set(d, u, 0, x);
	zc_agree_set(d, u, 1, z);
	zc_agreement a;
	zc_agree_compute(d, 0, 1, &a);
	assert_true(fabs(a.value[ZC_AGREE_PERCENT] - 0.5) < 1e-12);
	assert_true(fabs(a.value[ZC_AGREE_HOLSTI] - 2.0 * 4 / 9) < 1e-12);	/* M 2+2, N1+N2 4+5 */
	json_decref(x);
	json_decref(y);
	json_decref(z);
	zc_agree_free(&d);
}

/* the normalisation map: checked against the codebook, one step, keyed by id afterwards */
static void test_normalisation(void **state)
{
	(void)state;
	zc_codebook *cb = NULL;
	char *err = NULL;
	const char *j = "{\"name\":\"x\",\"categories\":[{\"id\":\"u\",\"name\":\"单元\",\"multiple\":true,\"open\":true,"
			"\"codes\":[{\"code\":\"医务人员\"}]},{\"id\":\"m\",\"name\":\"模式\",\"codes\":[{\"code\":\"医联体\"}]}]}";
	assert_int_equal(zc_codebook_parse(j, strlen(j), "t", &cb, &err), ZC_OK);
	static const struct {
		const char *map, *want;
	} bad[] = {
		{"{\"x\":{}}", "\"x\" is no category"},
		{"{\"u\":{\"专家\":\"人力\",\"人力\":\"医务人员\"}}", "which maps on"},
		{"{\"m\":{\"医共体\":\"医疗集团\"}}", "not one of its codes"},
		{"{\"u\":{\"专家\":\"专家\"}}", "mapped to itself"},
		{"{\"u\":{\"专家\":1}}", "non-empty string"},
		{"[]", "must be an object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *m = NULL;
		int rc = zc_normalisation_parse(cb, bad[i].map, strlen(bad[i].map), "map.json", &m, &err);
		if (rc == ZC_OK || !err || !strstr(err, bad[i].want))
			fail_msg("map %zu: %s (wanted %s)", i, err ? err : "accepted", bad[i].want);
		free(err);
		err = NULL;
	}
	const char *good = "{\"单元\":{\"专家\":\"医务人员\"},\"*\":{\"医联体建设\":\"医联体\"}}";
	json_t *m = NULL;
	assert_int_equal(zc_normalisation_parse(cb, good, strlen(good), "map.json", &m, &err), ZC_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "u"), "专家")), "医务人员");
	assert_non_null(json_object_get(m, "*"));
	json_decref(m);
	zc_codebook_free(&cb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codebook_shipped), cmocka_unit_test(test_codebook_strict),
		cmocka_unit_test(test_values), cmocka_unit_test(test_entry_order),
		cmocka_unit_test_setup_teardown(test_table, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_krippendorff), cmocka_unit_test(test_cohen_scott),
		cmocka_unit_test(test_fleiss), cmocka_unit_test(test_masi), cmocka_unit_test(test_normalisation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
