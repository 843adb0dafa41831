/* Dates, document numbers, numerals and types as sites write them (shared/sites.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parser.h"
#include "zc.h"

static void date_is(const char *in, const char *want)
{
	char out[11];
	int rc = zc_date_find(in, out);
	if (!want) {
		assert_int_not_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
}

static void test_dates(void **state)
{
	(void)state;
	date_is("2024-10-31", "2024-10-31");
	date_is("发布日期：2024年10月31日", "2024-10-31");
	date_is("2017年4月6日", "2017-04-06");
	date_is("２０２４年１０月３１日", "2024-10-31");
	date_is("2017.04.26", "2017-04-26");
	date_is("2017/04/26", "2017-04-26");
	date_is("二〇二四年十月三十一日", "2024-10-31");
	date_is("二○一七年四月二十六日", "2017-04-26");
	date_is("二〇〇九年六月十八日", "2009-06-18");
	date_is("发布时间：2019-05-14 10:30", "2019-05-14");
	date_is("PubDate 2022-04-27 09:00", "2022-04-27");
	date_is("2024-13-01", NULL);
	date_is("编号 12345678", NULL);
	date_is("", NULL);
}

static void docno_is(const char *in, const char *want)
{
	char *d = zc_docno_normalize(in);
	assert_string_equal(d, want);
	free(d);
}

static void test_docno(void **state)
{
	(void)state;
	docno_is("国办发〔2017〕32号", "国办发〔2017〕32号");
	docno_is("国办发[2017]32号", "国办发〔2017〕32号");
	docno_is("国卫医发（2017）32号", "国卫医发〔2017〕32号");
	docno_is("浙政办发【2020】1号", "浙政办发〔2020〕1号");
	docno_is("国办发〔2017〕第32号", "国办发〔2017〕32号");
	docno_is("国办发〔２０１７〕３２号", "国办发〔2017〕32号");
	docno_is("文号：鲁卫发(2009)12号", "鲁卫发〔2009〕12号");
	docno_is("无", "");
	docno_is("2017年32号", "");
}

static void test_numerals(void **state)
{
	(void)state;
	int n;
	assert_int_equal(zc_cn_numeral("一、", &n), 1);
	assert_int_equal(n, 3);
	assert_int_equal(zc_cn_numeral("十、", &n), 10);
	assert_int_equal(zc_cn_numeral("十二）", &n), 12);
	assert_int_equal(zc_cn_numeral("二十三", &n), 23);
	assert_int_equal(zc_cn_numeral("三十", &n), 30);
	assert_int_equal(zc_cn_numeral("第一", &n), 0);
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(zc_doc_type("关于印发医联体建设实施方案的通知", ""), "通知");
	assert_string_equal(zc_doc_type("关于推进医疗联合体建设和发展的指导意见", ""), "意见");
	assert_string_equal(zc_doc_type("浙江省城市医疗集团管理办法（试行）", ""), "办法");
	assert_string_equal(zc_doc_type("《关于推进医联体建设的意见》政策解读", ""), "解读");
	assert_string_equal(zc_doc_type("一图读懂《专科联盟建设方案》", ""), "解读");
	assert_string_equal(zc_doc_type("医联体建设要点", "政策解读"), "解读");
	assert_string_equal(zc_doc_type("关于转发国家卫生健康委医联体管理办法的通知", ""), "转发");
	assert_string_equal(zc_doc_type("关于废止和宣布失效部分规范性文件的决定", ""), "废止");
	assert_string_equal(zc_doc_type("我省召开医联体建设推进会", "工作动态"), "新闻");
	/* 解读 only as part of other words: 破解 + 读书 */
	assert_string_equal(zc_doc_type("关于破解读书难问题推进医联体建设的意见", ""), "意见");
	assert_string_equal(zc_doc_type("医联体建设情况", ""), "other");
}

static void test_urls(void **state)
{
	(void)state;
	char *u = zc_url_resolve("https://a.gov.cn/zwgk/zcwj/index.html", "./202001/t20200102_1.html");
	assert_string_equal(u, "https://a.gov.cn/zwgk/zcwj/202001/t20200102_1.html");
	free(u);
	u = zc_url_resolve("https://a.gov.cn/zwgk/zcwj/list/3.htm", "../../../info/1.htm#top");
	assert_string_equal(u, "https://a.gov.cn/info/1.htm");
	free(u);
	assert_null(zc_url_resolve("https://a.gov.cn/", "javascript:void(0)"));
}

/* UTF-8 as it comes: valid runs kept byte for byte, NULs dropped, each byte of a broken
   sequence one U+FFFD, counted */
static void test_utf8_repair(void **state)
{
	(void)state;
	static const char in[] = "\xE5\x8C\xBB" "\0" "a" "\xE5\x8C" "b" "\x80" "\xE4\xBD\x93" "\xE5";
	char *out;
	size_t n;
	int bad;
	assert_int_equal(zc_charset_convert(in, sizeof in - 1, "UTF-8", &out, &n, &bad), 0);
	assert_string_equal(out, "医a\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD体\xEF\xBF\xBD");
	assert_int_equal(n, strlen(out));
	assert_int_equal(bad, 4);
	free(out);
	static const char page[] = "<p>关于推进医疗联合体建设和发展的指导意见</p>";
	const char *cs;
	assert_int_equal(zc_charset_decode(page, sizeof page - 1, "text/html", &out, &n, &cs, &bad), 0);
	assert_string_equal(cs, "UTF-8");
	assert_string_equal(out, page);
	assert_int_equal(bad, 0);
	free(out);
	assert_int_equal(zc_charset_convert("", 0, "UTF-8", &out, &n, &bad), 0);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
	free(out);
}

/* full-width ASCII and the two wide spaces fold to what researchers type; the rest stays as
   it is, byte for byte: the characters either side of the folded ranges, CJK text, and bytes
   that are not UTF-8 */
static void test_fold(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"\xEF\xBC\x81\xEF\xBD\x9E", "!~"},	/* U+FF01 and U+FF5E, the range's ends */
		{"\xEF\xBC\x88\xEF\xBC\x92\xEF\xBC\x89", "(2)"},	/* （２） */
		{"\xEF\xBC\xA1\xEF\xBD\x81", "Aa"},		/* Ａａ */
		{"\xEF\xBC\x80\xEF\xBD\x9F", "\xEF\xBC\x80\xEF\xBD\x9F"},	/* U+FF00, U+FF5F: not folded */
		{"医联体\xE3\x80\x80建设\xC2\xA0方案", "医联体 建设 方案"},
		{"\xE3\x80\x81\xC2\xA1", "\xE3\x80\x81\xC2\xA1"},	/* 、 and ¡ stay */
		{"\xEF\xBC", "\xEF\xBC"},				/* cut short */
		{"a\x80\xFF" "b", "a\x80\xFF" "b"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = zc_str_fold(cases[i].in);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates), cmocka_unit_test(test_docno), cmocka_unit_test(test_numerals),
		cmocka_unit_test(test_types), cmocka_unit_test(test_urls), cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
