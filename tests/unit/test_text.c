/* Dates, document numbers, numerals and types as sites write them (shared/sites.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
	docno_is("津卫医政〔２０２３〕第１８号", "津卫医政〔2023〕18号");
	/* decrees are numbered without a year */
	docno_is("浙江省人民政府令第378号", "浙江省人民政府令378号");
	docno_is("国务院令第７３２号", "国务院令732号");
	/* the first number wins; a bracket without one before it is passed over */
	docno_is("〔2017〕1号 鲁卫发〔2009〕12号", "鲁卫发〔2009〕12号");
}

/* one pass over a cell of any length: a 文号 cell of 200,000 brackets (a page that once took
   47 s) is read at the cost of its length.  The time is the bench's business; the test holds
   the result, and the sanitizer build runs it too. */
static void test_docno_long(void **state)
{
	(void)state;
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (int i = 0; i < 200000; i++)
		zc_buf_cats(&b, "卫〔2017〕");
	zc_buf_cats(&b, "国卫医发〔2017〕32号");
	char *d = zc_docno_normalize(b.data);
	assert_string_equal(d, "国卫医发〔2017〕32号");
	free(d);
	zc_buf_free(&b);
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
	/* an abolition decision is a 决定; what it abolishes is the selection's business */
	assert_string_equal(zc_doc_type("关于废止和宣布失效部分规范性文件的决定", ""), "决定");
	assert_true(zc_doc_abolishes("关于废止和宣布失效部分规范性文件的决定"));
	assert_true(zc_doc_abolishes("浙江省卫生健康委关于宣布失效一批规范性文件的通知"));
	assert_false(zc_doc_abolishes("关于推进医联体建设的意见"));
	assert_false(zc_doc_abolishes("《关于废止部分文件的决定》政策解读"));
	assert_string_equal(zc_doc_type("我省召开医联体建设推进会", "工作动态"), "新闻");
	/* a news column never overrides a title's document word */
	assert_string_equal(zc_doc_type("关于开展医联体建设试点工作的通知", "工作动态"), "通知");
	/* the range of document words, longest first, qualifiers after them dropped */
	assert_string_equal(zc_doc_type("2023年全省卫生健康工作要点", ""), "工作要点");
	assert_string_equal(zc_doc_type("医共体信息化建设技术要点", ""), "要点");
	assert_string_equal(zc_doc_type("国家卫生健康委办公厅关于医联体有关问题的复函", ""), "复函");
	assert_string_equal(zc_doc_type("关于商请支持区域医疗中心建设的函", ""), "函");
	assert_string_equal(zc_doc_type("省人民政府关于同意设立区域医疗中心的批复", ""), "批复");
	assert_string_equal(zc_doc_type("关于加强医疗联合体建设的决议", ""), "决议");
	assert_string_equal(zc_doc_type("健康浙江2030行动纲要", ""), "纲要");
	assert_string_equal(zc_doc_type("紧密型县域医共体建设指引（2022年版）", ""), "指引");
	assert_string_equal(zc_doc_type("医疗集团建设评价细则（试行）", ""), "细则");
	assert_string_equal(zc_doc_type("关于公布医联体试点名单的公告", ""), "公告");
	assert_string_equal(zc_doc_type("关于印发《医联体综合绩效考核工作方案（试行）》的通知", ""), "通知");
	assert_string_equal(zc_doc_type("《专科联盟建设方案（试行）》", ""), "方案");
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

/* UTF-8 as RFC 3629 defines it (what jansson takes for a string): overlong forms, surrogates
   and code points past U+10FFFF are not; a page holding them gets U+FFFD for each byte, its
   text is kept, and the document's body reads back */
static void test_utf8_strict(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"", 1}, {"plain ASCII, longer than eight bytes", 1}, {"医联体", 1}, {"\xC2\x80", 1},
		{"\xDF\xBF", 1}, {"\xE0\xA0\x80", 1}, {"\xED\x9F\xBF", 1}, {"\xEE\x80\x80", 1},
		{"\xF0\x90\x80\x80", 1}, {"\xF4\x8F\xBF\xBF", 1}, {"12345678\xF0\x9F\x98\x80", 1},
		{"\xC0\x80", 0}, {"\xC1\xBF", 0}, {"\xE0\x80\x80", 0}, {"\xE0\x9F\xBF", 0},
		{"\xED\xA0\x80", 0}, {"\xED\xBF\xBF", 0}, {"\xF0\x80\x80\x80", 0}, {"\xF0\x8F\xBF\xBF", 0},
		{"\xF4\x90\x80\x80", 0}, {"\xF5\x80\x80\x80", 0}, {"\xFF", 0}, {"\x80", 0},
		{"\xE5\x8C", 0}, {"12345678\xE5", 0}, {"\xE5\x8C\x41", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (zc_utf8_valid(cases[i].s, strlen(cases[i].s)) != cases[i].ok)
			fail_msg("case %zu: expected %s", i, cases[i].ok ? "valid" : "invalid");
	}
	assert_true(zc_utf8_valid("a\0b", 3));	/* NUL is a character */
	/* a surrogate in a page declared UTF-8: three bytes, three replacements */
	static const char page[] = "<html><head><meta charset=\"utf-8\"><title>关于推进医联体建设的通知</title></head>"
				   "<body><p>各地要推进\xED\xA0\x80医联体建设。</p></body></html>";
	zc_doc *d;
	assert_int_equal(zc_parse_page(page, sizeof page - 1, "https://www.gov.cn/a.htm", "text/html", &d), 0);
	assert_int_equal(d->bad_bytes, 3);
	assert_non_null(strstr(d->body, "推进\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD医联体"));
	json_t *j = zc_doc_json(d);
	assert_string_equal(json_string_value(json_object_get(j, "body")), d->body);
	assert_null(zc_json_string("\xED\xA0\x80", 3));
	json_decref(j);
	zc_doc_free(&d);
}

/* zc_json_cat_string writes a string as jansson's json_dumps writes it, byte for byte: every
   control character, quotes, backslashes, slashes, DEL, CJK and four-byte characters, a NUL */
static void test_json_string(void **state)
{
	(void)state;
	char ctl[40];
	for (int c = 1; c < 0x20; c++)
		ctl[c - 1] = (char)c;
	memcpy(ctl + 31, "\"\\/\x7f", 5);
	const struct {
		const char *s;
		size_t n;
	} values[] = {{ctl, 36}, {"关于推进医联体建设的通知 \xF0\x9F\x98\x80 a\"b", sizeof "关于推进医联体建设的通知 \xF0\x9F\x98\x80 a\"b" - 1},
		      {"x\0y", 3}, {"", 0}, {"alone", 5}};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		json_t *j = json_stringn(values[i].s, values[i].n);
		assert_non_null(j);
		char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		assert_int_equal(zc_json_cat_string(&b, values[i].s, values[i].n), ZC_OK);
		zc_buf_catc(&b, '\0');
		assert_non_null(want);
		assert_string_equal(b.data, want);
		free(want);
		zc_buf_free(&b);
		json_decref(j);
	}
	zc_buf b;
	/* one string alone (an export's row): refused, the buffer as it was */
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	assert_int_equal(zc_json_cat_string(&b, "a\"\x01", 3), ZC_OK);
	assert_int_equal(zc_json_cat_string(&b, "\xC3\x28", 2), ZC_EPARSE);
	assert_int_equal(b.len, 11);
	assert_string_equal(b.data, "\"a\\\"\\u0001\"");
	zc_buf_free(&b);
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
		cmocka_unit_test(test_dates), cmocka_unit_test(test_docno), cmocka_unit_test(test_docno_long), cmocka_unit_test(test_numerals),
		cmocka_unit_test(test_types), cmocka_unit_test(test_urls), cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_utf8_strict), cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
