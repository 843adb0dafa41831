/* Exports and counts as researchers open them: every year counted, Excel's cell limit kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "export.h"
#include "zc.h"

static json_t *count_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_non_null(v);
	return v;
}

/* a year before 1990, one after 2069 and a document without a date count like any other */
static void test_stats_every_year(void **state)
{
	(void)state;
	zc_stats *s = zc_stats_new();
	zc_stats_add(s, "00", "1985-03-01", 2);
	zc_stats_add(s, "00", "", 1);
	zc_stats_add(s, "33", "2017-06-30", 3);
	zc_stats_add(s, "33", "2075-01-01", 0);
	zc_stats_add(s, "33", "2017-01-02", 1);
	zc_stats_add(s, "99", "2017-01-02", 1);	/* no jurisdiction of the study */
	json_t *j = zc_stats_json(s);
	assert_int_equal(json_integer_value(count_of(j, "documents")), 5);
	assert_int_equal(json_integer_value(count_of(j, "national")), 2);
	assert_int_equal(json_integer_value(count_of(j, "provincial")), 3);
	assert_int_equal(json_integer_value(count_of(j, "entries")), 7);
	assert_int_equal(json_integer_value(count_of(j, "undated")), 1);
	assert_int_equal(json_integer_value(json_object_get(count_of(j, "national_by_year"), "1985")), 1);
	json_t *py = count_of(j, "provincial_by_year");
	assert_int_equal(json_integer_value(json_object_get(py, "2017")), 2);
	assert_int_equal(json_integer_value(json_object_get(py, "2075")), 1);
	assert_int_equal(json_object_size(py), 2);
	assert_string_equal(json_string_value(count_of(j, "first_date")), "1985-03-01");
	assert_string_equal(json_string_value(count_of(j, "last_date")), "2075-01-01");
	json_decref(j);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(zc_stats_print(s, f, "summary", ZC_FMT_CSV), ZC_OK);
	fclose(f);
	assert_string_equal(buf, "\xEF\xBB\xBF"
				 "jurisdiction,province,year,documents,entries\r\n"
				 "00,国家,1985,1,2\r\n"
				 "00,国家,,1,1\r\n"
				 "33,浙江,2017,2,4\r\n"
				 "33,浙江,2075,1,0\r\n");
	free(buf);
	/* the table: 1985 to 2075 spans more than 60 years, so the years with documents only */
	f = open_memstream(&buf, &len);
	assert_int_equal(zc_stats_print(s, f, "year", ZC_FMT_CSV), ZC_OK);
	fclose(f);
	assert_string_equal(buf, "\xEF\xBB\xBFyear,national,provincial\r\n1985,1,0\r\n2017,0,2\r\n2075,0,1\r\n,1,0\r\n");
	free(buf);
	zc_stats_free(&s);
	assert_null(s);
}

/* an included document with its code (the strings borrowed: they outlive the page) */
static zc_page *page_with(const char *title, const char *body)
{
	static zc_page p;
	zc_page_init(&p);
	p.doc.title = title;
	p.doc.body = body;
	p.doc.written_date = "2017-04-23";
	p.doc.published_date = "2017-04-26";
	p.jurisdiction = "33";
	p.dec.file_code = 7;
	p.dec.decision = "included";
	p.url = "https://wsjkw.zj.gov.cn/a.html";
	return &p;
}

static char *repeat(const char *unit, size_t n)
{
	size_t ul = strlen(unit);
	char *s = malloc(ul * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * n] = '\0';
	return s;
}

/* Excel holds 32,767 UTF-16 units a cell: a text of exactly that many is whole, a longer one
   is cut (and counted), whether its characters are of the BMP or beyond it */
static void test_xlsx_cell_limit(void **state)
{
	(void)state;
	char path[] = "/tmp/zc-test-export-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	zc_exporter *e;
	assert_int_equal(zc_export_begin(NULL, path, ZC_FMT_XLSX, "documents", ZC_EXPORT_BODY, 1, NULL, &e), ZC_OK);
	char *exact = repeat("字", 32767), *longer = repeat("字", 40000), *astral = repeat("\xF0\xA0\x80\x80", 20000);
	zc_page *p = page_with("whole", exact);
	assert_int_equal(zc_export_doc(e, p), ZC_OK);
	assert_int_equal(zc_export_cut(e), 0);
	p = page_with("cut", longer);
	assert_int_equal(zc_export_doc(e, p), ZC_OK);
	assert_int_equal(zc_export_cut(e), 1);
	p = page_with(astral, "short");	/* 20,000 characters, 40,000 units */
	assert_int_equal(zc_export_doc(e, p), ZC_OK);
	assert_int_equal(zc_export_cut(e), 2);
	assert_int_equal(zc_export_end(&e), ZC_OK);
	assert_null(e);
	free(exact);
	free(longer);
	free(astral);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_every_year),
		cmocka_unit_test(test_xlsx_cell_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
