#define _GNU_SOURCE	/* memmem */
/* test_analysis.c - frequencies, trace and the network of a hand-made set of coded entries,
   whose every number is worked out by hand in the comments */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"
#include "zc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * E1 33 2017 unit A B C   A->B
 * E2 33 2017 unit A B     A->B
 * E3 11 2018 unit A C     C->A
 * E4 00 2018 unit B D     model X
 * E5 00 2018              model X Y
 * E6 21 2019 unit A A     A->A (a loop: not counted)
 * E7 44 2019 unit B       B->Q (Q not a code of the entry: not counted)
 *
 * unit: 6 entries (E1-E4, E6, E7); A 4, B 4, C 2, D 1.  model: 2; X 2, Y 1.
 * pairs: A-B 2 (E1 E2), A-C 2 (E1 E3), B-C 1 (E1), B-D 1 (E4); relations A->B 2, C->A 1.
 */
static zc_analysis *fixture(void)
{
	static const char *const rows[][4] = {
		{"33-1-1-1", "33", "2017", "{\"unit\":[\"A\",\"B\",\"C\"]}"},
		{"33-1-1-2", "33", "2017", "{\"unit\":[\"A\",\"B\"]}"},
		{"11-2-1-1", "11", "2018", "{\"unit\":[\"A\",\"C\"]}"},
		{"00-1-1-1", "00", "2018", "{\"unit\":[\"B\",\"D\"],\"model\":[\"X\"]}"},
		{"00-1-1-2", "00", "2018", "{\"unit\":[],\"model\":[\"X\",\"Y\"]}"},
		{"21-1-1-1", "21", "2019", "{\"unit\":[\"A\",\"A\"]}"},
		{"44-3-1-1", "44", "2019", "{\"unit\":[\"B\"]}"},
	};
	static const char *const rels[] = {
		"[{\"category\":\"unit\",\"source\":\"A\",\"target\":\"B\"}]",
		"[{\"category\":\"unit\",\"source\":\"A\",\"target\":\"B\"}]",
		"[{\"category\":\"unit\",\"source\":\"C\",\"target\":\"A\"}]",
		"[]",
		"[]",
		"[{\"category\":\"unit\",\"source\":\"A\",\"target\":\"A\"}]",
		"[{\"category\":\"unit\",\"source\":\"B\",\"target\":\"Q\"}]",
	};
	zc_analysis *a = zc_analysis_new();
	const char *order[] = {"unit", "model"};
	zc_analysis_order(a, order, 2);
	for (size_t i = 0; i < 7; i++) {
		json_t *c = json_loads(rows[i][3], 0, NULL), *r = json_loads(rels[i], 0, NULL), *v;
		zc_codes codes = {NULL, 0};
		const char *cat;
		json_object_foreach(c, cat, v) {
			zc_codes_cat(&codes, cat);
			for (size_t k = 0; k < json_array_size(v); k++)
				zc_codes_add(&codes, cat, json_string_value(json_array_get(v, k)));
		}
		for (size_t k = 0; k < json_array_size(r); k++) {
			json_t *x = json_array_get(r, k);
			zc_codes_relate(&codes, json_string_value(json_object_get(x, "category")), json_string_value(json_object_get(x, "source")),
					json_string_value(json_object_get(x, "target")));
		}
		assert_int_equal(zc_analysis_add(a, rows[i][0], rows[i][1], (int)strtol(rows[i][2], NULL, 10), &codes), ZC_OK);
		zc_codes_clear(&codes);
		json_decref(c);
		json_decref(r);
	}
	return a;
}

/* the row of rows with this category, code and (when given) region */
static json_t *row(json_t *rows, const char *cat, const char *code, const char *region)
{
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);
		if (!strcmp(json_string_value(json_object_get(r, "category")), cat) &&
		    !strcmp(json_string_value(json_object_get(r, "code")), code) &&
		    (!region || !strcmp(json_string_value(json_object_get(r, "region")), region)))
			return r;
	}
	return NULL;
}

static long entries(json_t *r)
{
	return r ? (long)json_integer_value(json_object_get(r, "entries")) : -1;
}

static void test_frequencies(void **state)
{
	(void)state;
	zc_analysis *a = fixture();
	json_t *rows = zc_analysis_frequencies(a, NULL, 0, 0);
	/* unit's row, then A and B (4 each, by code), C, D; then model, X, Y */
	assert_int_equal(json_array_size(rows), 8);
	const char *want[][2] = {{"unit", ""}, {"unit", "A"}, {"unit", "B"}, {"unit", "C"}, {"unit", "D"},
				 {"model", ""}, {"model", "X"}, {"model", "Y"}};
	long n[] = {6, 4, 4, 2, 1, 2, 2, 1};
	for (size_t i = 0; i < 8; i++) {
		json_t *r = json_array_get(rows, i);
		assert_string_equal(json_string_value(json_object_get(r, "category")), want[i][0]);
		assert_string_equal(json_string_value(json_object_get(r, "code")), want[i][1]);
		assert_int_equal(entries(r), n[i]);
		assert_null(json_object_get(r, "region"));
	}
	assert_true(fabs(json_real_value(json_object_get(json_array_get(rows, 2), "share")) - 4.0 / 6.0) < 1e-9);
	json_decref(rows);

	/* by region: east E1 E2 E3 E7 (A 3, B 3, C 2), national E4 (B, D), north-east E6 (A) */
	rows = zc_analysis_frequencies(a, "unit", ZC_BY_REGION, 0);
	assert_int_equal(entries(row(rows, "unit", "", "east")), 4);
	assert_int_equal(entries(row(rows, "unit", "A", "east")), 3);
	assert_int_equal(entries(row(rows, "unit", "B", "east")), 3);
	assert_int_equal(entries(row(rows, "unit", "C", "east")), 2);
	assert_int_equal(entries(row(rows, "unit", "D", "national")), 1);
	assert_int_equal(entries(row(rows, "unit", "A", "north-east")), 1);
	assert_null(row(rows, "unit", "D", "east"));
	assert_null(row(rows, "model", "", NULL));
	json_decref(rows);

	/* by province and year, top 1: each group's category row and its first code */
	rows = zc_analysis_frequencies(a, "unit", ZC_BY_PROVINCE | ZC_BY_YEAR, 1);
	json_t *first = json_array_get(rows, 0);	/* national first */
	assert_string_equal(json_string_value(json_object_get(first, "province")), "国家");
	assert_int_equal(json_integer_value(json_object_get(first, "year")), 2018);
	size_t zj = 0;
	for (size_t i = 0; i < json_array_size(rows); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(rows, i), "jurisdiction")), "33"))
			zj++;
	assert_int_equal(zj, 2);	/* 浙江 2017: the category row and A (2, before B by code) */
	json_decref(rows);

	unsigned by;
	assert_int_equal(zc_analysis_by_parse("province,year", &by), ZC_OK);
	assert_int_equal(by, ZC_BY_PROVINCE | ZC_BY_YEAR);
	assert_int_equal(zc_analysis_by_parse("provinces", &by), ZC_EUSAGE);
	zc_analysis_free(&a);
	assert_null(a);
}

static void test_trace(void **state)
{
	(void)state;
	zc_analysis *a = fixture();
	json_t *t = zc_analysis_trace(a, "unit", "A", NULL, NULL, 0, 0);	/* region 0: east */
	assert_int_equal(json_array_size(t), 3);
	assert_string_equal(json_string_value(json_array_get(t, 2)), "11-2-1-1");
	json_decref(t);
	t = zc_analysis_trace(a, "unit", "A", "B", NULL, -1, 0);	/* the edge A-B */
	assert_int_equal(json_array_size(t), 2);
	json_decref(t);
	t = zc_analysis_trace(a, "unit", NULL, NULL, "00", -1, 2018);
	assert_int_equal(json_array_size(t), 1);
	assert_string_equal(json_string_value(json_array_get(t, 0)), "00-1-1-1");
	json_decref(t);
	zc_analysis_free(&a);
}

static void test_network(void **state)
{
	(void)state;
	zc_analysis *a = fixture();
	zc_network *n;
	assert_int_equal(zc_network_build(a, "nothing", &n), ZC_ENOTFOUND);
	assert_int_equal(zc_network_build(a, "unit", &n), ZC_OK);
	assert_int_equal(n->entries, 6);
	assert_int_equal(n->nnodes, 4);
	assert_true(n->directed);
	/* nodes: A 4, B 4 (by code), C 2, D 1; degree A 2, B 3, C 2, D 1; strength A 4, B 4, C 3,
	   D 1; betweenness: B lies on D-A and D-C (2), the others on none */
	const char *code[] = {"A", "B", "C", "D"};
	long freq[] = {4, 4, 2, 1}, deg[] = {2, 3, 2, 1};
	double str[] = {4, 4, 3, 1}, btw[] = {0, 2, 0, 0};
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(n->nodes[i].code, code[i]);
		assert_int_equal(n->nodes[i].frequency, freq[i]);
		assert_int_equal(n->nodes[i].degree, deg[i]);
		assert_true(fabs(n->nodes[i].strength - str[i]) < 1e-9);
		assert_true(fabs(n->nodes[i].betweenness - btw[i]) < 1e-9);
	}
	assert_int_equal(n->nodes[0].community, 0);
	/* flows: A out 2 (to B), in 1 (from C); B in 2; C out 1 */
	assert_int_equal(n->nodes[0].flows_out, 2);
	assert_int_equal(n->nodes[0].flows_in, 1);
	assert_int_equal(n->nodes[1].flows_in, 2);
	assert_int_equal(n->nodes[2].flows_out, 1);
	/* edges: A->B 2 (directed), C->A 2 (directed, C the source), B-C 1, B-D 1 (mutual) */
	assert_int_equal(n->nedges, 4);
	assert_string_equal(n->nodes[n->edges[0].source].code, "A");
	assert_string_equal(n->nodes[n->edges[0].target].code, "B");
	assert_int_equal(n->edges[0].weight, 2);
	assert_int_equal(n->edges[0].flows, 2);
	assert_string_equal(n->nodes[n->edges[1].source].code, "C");
	assert_string_equal(n->nodes[n->edges[1].target].code, "A");
	assert_int_equal(n->edges[1].flows, 1);
	assert_int_equal(n->edges[3].weight, 1);
	assert_int_equal(n->edges[3].flows + n->edges[3].flows_back, 0);

	/* the writers: Ochiai of A, B = 2 / sqrt(16) = 0.5, Jaccard = 2 / (4 + 4 - 2) = 0.3333 */
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(zc_network_write(n, f, ZC_NET_OCHIAI), ZC_OK);
	fclose(f);
	assert_non_null(strstr(buf, "\r\nA,1.0000,0.5000,"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(zc_network_write(n, f, ZC_NET_JACCARD), ZC_OK);
	fclose(f);
	assert_non_null(strstr(buf, "\r\nA,1.0000,0.3333,"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(zc_network_write(n, f, ZC_NET_GEXF), ZC_OK);
	fclose(f);
	assert_non_null(strstr(buf, "version=\"1.3\""));
	assert_non_null(strstr(buf, "defaultedgetype=\"directed\""));
	assert_non_null(strstr(buf, "source=\"C\" target=\"A\" weight=\"2\" type=\"directed\""));
	assert_non_null(strstr(buf, "source=\"B\" target=\"D\" weight=\"1\" type=\"mutual\""));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(zc_network_write(n, f, ZC_NET_EDGES), ZC_OK);
	fclose(f);
	assert_non_null(strstr(buf, "source,target,weight,type,flows,flows_back\r\nA,B,2,directed,2,0\r\nC,A,2,directed,1,0\r\n"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(zc_network_svg(n, f), ZC_OK);
	fclose(f);
	assert_non_null(strstr(buf, "<g data-code=\"A\" data-count=\"4\""));
	assert_non_null(strstr(buf, "<g data-code=\"D\" data-count=\"1\""));
	assert_non_null(strstr(buf, "data-source=\"C\" data-target=\"A\" data-weight=\"2\" data-flows=\"1\""));
	char *bd = strstr(buf, "data-source=\"B\" data-target=\"D\"");
	assert_non_null(bd);
	assert_null(memmem(bd, (size_t)(strstr(bd, "</line>") - bd), "marker", 6));	/* co-occurrence alone: no arrow */
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(zc_analysis_report_html(a, n, 2, f), ZC_OK);
	fclose(f);
	assert_non_null(strstr(buf, "data-category=\"unit\" data-count=\"6\""));
	assert_non_null(strstr(buf, "data-category=\"model\" data-count=\"2\""));
	assert_non_null(strstr(buf, "33-1-1-1, 33-1-1-2, 11-2-1-1, 21-1-1-1"));	/* A's four entries */
	free(buf);
	zc_network_free(&n);
	assert_null(n);

	/* model: no relation, undirected */
	assert_int_equal(zc_network_build(a, "model", &n), ZC_OK);
	assert_false(n->directed);
	assert_int_equal(n->nedges, 1);
	zc_network_free(&n);
	zc_analysis_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frequencies),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_network),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
