/* Exports and counts as researchers open them: every year counted, Excel's cell limit kept,
   each row's cells as docs/CSV.md has them in every format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "export.h"
#include "scratch.h"
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

/* Rows written by hand: an included document with a code, read with its decision (two
   sources), its warc place with a skip and a revisit's payload, a control character, quotes,
   a tab and a newline in its text, a formula-like number; an excluded page without a decision
   (its URL its source), a code (file_no null), dates (year 0) or issuers, with a formula-like
   title and evidence, its warc place plain, then without one. */
static zc_page page_a, page_b;
static const char *issuers_a[] = {"浙江省卫生健康委员会", "浙江省财政厅"};
static const char *sources_a[] = {"https://wsjkw.zj.gov.cn/a.html", "https://www.zj.gov.cn/b.html"};
static const zc_profile_record about = {"reference, narrowed", "ab12", "the criteria", "0.2.0", NULL};

static void rows_pages(void)
{
	zc_page *a = &page_a, *b = &page_b;
	zc_page_init(a);
	a->jurisdiction = "33";
	a->url = sources_a[0];
	a->doc.title = "关于\"医联体\"的通知\x01";
	a->doc.docno = "=1+2";
	a->doc.issuers = issuers_a;
	a->doc.n_issuers = 2;
	a->doc.written_date = "2017-04-23";
	a->doc.published_date = "2017-04-26";
	a->doc.type = "通知";
	a->doc.validity = "有效";
	a->doc.body = "第一条\t甲\n第二条 \"乙\"";
	a->dec.decision = "included";
	a->dec.evidence = "mentions \"医联体\"; type 通知";
	a->dec.file_code = 7;
	a->dec.entries = 3;
	a->dec.sources = sources_a;
	a->dec.n_sources = 2;
	a->dec.own_ = json_object();	/* read with its decision */
	a->warc = (zc_warc_place){"zhengce-1.warc.gz", 1234, 56, "<urn:uuid:1>", "<urn:uuid:0>"};
	zc_page_init(b);
	b->jurisdiction = "00";
	b->url = "http://www.gov.cn/b.htm";
	b->doc.title = "@SUM(A1)";
	b->dec.decision = "excluded";
	b->dec.reason = "not_policy";
	b->dec.evidence = "-5 points";
	b->warc = (zc_warc_place){"f.warc.gz", 0, 0, "<urn:uuid:2>", ""};
}

/* what an export writes of page_a, page_b and page_b without its warc place (documents), or
   of an entry of page_a; to out, or into dir (ZC_FMT_TEXT) */
static char *exported(enum zc_format fmt, const char *kind, unsigned flags, int bom, const zc_profile_record *ab)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fmt == ZC_FMT_TEXT ? NULL : open_memstream(&buf, &len);
	zc_exporter *e;
	rows_pages();
	assert_int_equal(zc_export_begin(f, fmt == ZC_FMT_TEXT ? dir : NULL, fmt, kind, flags, bom, ab, &e), ZC_OK);
	if (!strcmp(kind, "entries")) {
		zc_entry en = {"33-7-1-2", "33-7", 0, 1, 2, "+1 各地\r", NULL};
		assert_int_equal(zc_export_entry(e, &en, &page_a), ZC_OK);
	} else {
		assert_int_equal(zc_export_doc(e, &page_a), ZC_OK);
		assert_int_equal(zc_export_doc(e, &page_b), ZC_OK);
		page_b.warc.file = "";
		assert_int_equal(zc_export_doc(e, &page_b), ZC_OK);
	}
	assert_int_equal(zc_export_end(&e), ZC_OK);
	json_decref(page_a.dec.own_);
	if (f)
		fclose(f);
	return buf;
}

#define A_JSON "{\"code\":\"33-7\",\"file_no\":7,\"jurisdiction\":\"33\",\"province\":\"浙江\"," \
	"\"title\":\"关于\\\"医联体\\\"的通知\\u0001\",\"docno\":\"=1+2\",\"issuers\":[\"浙江省卫生健康委员会\",\"浙江省财政厅\"]," \
	"\"written_date\":\"2017-04-23\",\"published_date\":\"2017-04-26\",\"year\":2017,\"type\":\"通知\"," \
	"\"validity\":\"有效\",\"entries\":3,\"url\":\"https://wsjkw.zj.gov.cn/a.html\"," \
	"\"sources\":[\"https://wsjkw.zj.gov.cn/a.html\",\"https://www.zj.gov.cn/b.html\"]"
#define A_WARC ",\"warc\":{\"file\":\"zhengce-1.warc.gz\",\"offset\":1234,\"skip\":56,\"record_id\":\"<urn:uuid:1>\"," \
	"\"payload_record_id\":\"<urn:uuid:0>\"}"
#define B_JSON "{\"code\":\"\",\"file_no\":null,\"jurisdiction\":\"00\",\"province\":\"国家\"," \
	"\"title\":\"@SUM(A1)\",\"docno\":\"\",\"issuers\":[],\"written_date\":\"\",\"published_date\":\"\"," \
	"\"year\":0,\"type\":\"\",\"validity\":\"\",\"entries\":0,\"url\":\"http://www.gov.cn/b.htm\"," \
	"\"sources\":[\"http://www.gov.cn/b.htm\"]"
#define B_MORE ",\"body\":\"\",\"decision\":\"excluded\",\"reason\":\"not_policy\",\"evidence\":\"-5 points\"," \
	"\"canonical_url\":\"\""
#define B_WARC ",\"warc\":{\"file\":\"f.warc.gz\",\"offset\":0,\"record_id\":\"<urn:uuid:2>\"}"
#define ABOUT_JSON ",\"profile\":\"reference, narrowed\",\"profile_sha256\":\"ab12\",\"zhengce\":\"0.2.0\"}\n"

/* JSONL: the members in the columns' order, "warc" (what it has) before the profile's */
static void test_rows_jsonl(void **state)
{
	(void)state;
	char *got = exported(ZC_FMT_JSONL, "documents", ZC_EXPORT_BODY | ZC_EXPORT_EXCLUDED, 1, &about);
	assert_string_equal(got, A_JSON ",\"body\":\"第一条\\t甲\\n第二条 \\\"乙\\\"\",\"decision\":\"included\","
				 "\"reason\":\"\",\"evidence\":\"mentions \\\"医联体\\\"; type 通知\",\"canonical_url\":\"\""
				 A_WARC ABOUT_JSON B_JSON B_MORE B_WARC ABOUT_JSON B_JSON B_MORE ABOUT_JSON);
	free(got);
	got = exported(ZC_FMT_JSONL, "documents", 0, 1, NULL);
	assert_string_equal(got, A_JSON A_WARC "}\n" B_JSON B_WARC "}\n" B_JSON "}\n");
	free(got);
	got = exported(ZC_FMT_JSONL, "entries", 0, 1, &about);
	assert_string_equal(got, "{\"code\":\"33-7-1-2\",\"doc_code\":\"33-7\",\"file_no\":7,\"jurisdiction\":\"33\","
				 "\"province\":\"浙江\",\"year\":2017,\"title\":\"关于\\\"医联体\\\"的通知\\u0001\","
				 "\"section\":1,\"item\":2,\"text\":\"+1 各地\\r\",\"url\":\"https://wsjkw.zj.gov.cn/a.html\""
				 ABOUT_JSON);
	free(got);
}

#define BOM "\xEF\xBB\xBF"
#define DOC_HEAD "code,file_no,jurisdiction,province,title,docno,issuers,written_date,published_date,year,type,validity," \
	"entries,url,sources"
#define A_CSV "33-7,7,33,浙江,\"关于\"\"医联体\"\"的通知\",\"'=1+2\",浙江省卫生健康委员会; 浙江省财政厅,2017-04-23," \
	"2017-04-26,2017,通知,有效,3,https://wsjkw.zj.gov.cn/a.html," \
	"https://wsjkw.zj.gov.cn/a.html; https://www.zj.gov.cn/b.html"
#define B_CSV ",,00,国家,\"'@SUM(A1)\",,,,,0,,,0,http://www.gov.cn/b.htm,http://www.gov.cn/b.htm"

/* CSV: the columns, no warc; lists joined, null empty, formulas neutralised, the control
   character gone, quotes doubled */
static void test_rows_csv(void **state)
{
	(void)state;
	char *got = exported(ZC_FMT_CSV, "documents", ZC_EXPORT_BODY | ZC_EXPORT_EXCLUDED, 1, &about);
	assert_string_equal(got, BOM DOC_HEAD ",body,decision,reason,evidence,canonical_url,profile,profile_sha256,zhengce\r\n"
				 A_CSV ",\"第一条\t甲\n第二条 \"\"乙\"\"\",included,,\"mentions \"\"医联体\"\"; type 通知\",,"
				 "\"reference, narrowed\",ab12,0.2.0\r\n"
				 B_CSV ",,excluded,not_policy,\"'-5 points\",,\"reference, narrowed\",ab12,0.2.0\r\n"
				 B_CSV ",,excluded,not_policy,\"'-5 points\",,\"reference, narrowed\",ab12,0.2.0\r\n");
	free(got);
	got = exported(ZC_FMT_CSV, "documents", 0, 0, NULL);
	assert_string_equal(got, DOC_HEAD "\r\n" A_CSV "\r\n" B_CSV "\r\n" B_CSV "\r\n");
	free(got);
	got = exported(ZC_FMT_CSV, "entries", 0, 1, NULL);
	assert_string_equal(got, BOM "code,doc_code,file_no,jurisdiction,province,year,title,section,item,text,url\r\n"
				 "33-7-1-2,33-7,7,33,浙江,2017,\"关于\"\"医联体\"\"的通知\",1,2,\"'+1 各地\","
				 "https://wsjkw.zj.gov.cn/a.html\r\n");
	free(got);
}

/* text files: one a document with a code, its fields on a line each (the text's lines as
   spaces), then its text */
static void test_rows_text(void **state)
{
	(void)state;
	free(exported(ZC_FMT_TEXT, "documents", ZC_EXPORT_BODY, 1, &about));
	char *path = zc_asprintf("%s/33-7.txt", dir);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	assert_int_equal(zc_buf_read(&b, f), ZC_OK);
	fclose(f);
	assert_string_equal(b.data, BOM "code: 33-7\nfile_no: 7\njurisdiction: 33\nprovince: 浙江\n"
				    "title: 关于\"医联体\"的通知\ndocno: =1+2\nissuers: 浙江省卫生健康委员会; 浙江省财政厅\n"
				    "written_date: 2017-04-23\npublished_date: 2017-04-26\nyear: 2017\ntype: 通知\n"
				    "validity: 有效\nentries: 3\nurl: https://wsjkw.zj.gov.cn/a.html\n"
				    "sources: https://wsjkw.zj.gov.cn/a.html; https://www.zj.gov.cn/b.html\n"
				    "profile: reference, narrowed\nprofile_sha256: ab12\nzhengce: 0.2.0\n"
				    "\n第一条\t甲\n第二条 \"乙\"\n");
	zc_buf_free(&b);
	free(path);
	char *cmd = zc_asprintf("test \"$(ls %s)\" = 33-7.txt", dir);	/* the page without a code has none */
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_every_year),
		cmocka_unit_test(test_xlsx_cell_limit),
		cmocka_unit_test(test_rows_jsonl),
		cmocka_unit_test(test_rows_csv),
		cmocka_unit_test_setup_teardown(test_rows_text, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
