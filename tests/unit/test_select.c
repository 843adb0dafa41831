/* The four criteria with hand-written documents, against the shipped reference profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "page_json.h"
#include "reference_profile.h"

/* decide on a document given as JSON text; returns the reason ("" when included) */
static const char *reason(const char *doc)
{
	static char out[32];
	json_t *d = json_loads(doc, 0, NULL);
	assert_non_null(d);
	json_t *j = json_pack("{s:o}", "doc", d);
	zc_page page;
	assert_int_equal(page_of_json(j, &page), ZC_OK);
	zc_verdict dec;
	zc_select_decide(P, &page, &dec);
	snprintf(out, sizeof out, "%s", dec.reason);
	free(dec.evidence);
	zc_page_clear(&page);
	json_decref(j);
	return out;
}

#define DOC(title, issuers, type, date, validity, body)                                                  \
	"{\"title\":\"" title "\",\"issuers\":" issuers ",\"type\":\"" type "\",\"written_date\":\"" date \
	"\",\"published_date\":\"" date "\",\"validity\":\"" validity "\",\"body\":\"" body "\"}"

static void test_issuers(void **state)
{
	(void)state;
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"卫生部\"]", "通知", "2012-05-01", "", "推进医联体。")), "");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家卫生计生委\"]", "通知", "2016-05-01", "", "")), "");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"浙江省卫生厅\"]", "通知", "2012-05-01", "", "")), "");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"北京市卫生局\"]", "通知", "2012-05-01", "", "")), "");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"江苏省人民政府办公厅\"]", "通知", "2019-05-01", "", "")), "");
	/* joint: one qualifying issuer is enough */
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家医保局\",\"国家卫生健康委\"]", "通知", "2019-05-01", "", "")), "");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家医保局\"]", "通知", "2019-05-01", "", "")), "issuer");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"浙江省发展和改革委员会\"]", "通知", "2019-05-01", "", "")), "issuer");
}

static void test_topic(void **state)
{
	(void)state;
	assert_string_equal(reason(DOC("关于加强流感防控的通知", "[\"国家卫生健康委\"]", "通知", "2019-05-01", "", "做好疫苗接种。")), "off-topic");
	/* a generic keyword without any health context is off topic */
	assert_string_equal(reason(DOC("关于推进农业产业联盟发展的意见", "[\"浙江省人民政府\"]", "意见", "2019-05-01", "", "带动农户增收。")), "off-topic");
	assert_string_equal(reason(DOC("关于对口支援的意见", "[\"浙江省人民政府\"]", "意见", "2019-05-01", "", "三级医院支援县级医院。")), "");
	/* full-width text is folded before matching */
	assert_string_equal(reason(DOC("关于印发专科联盟方案的通知", "[\"国家卫生健康委\"]", "通知", "2019-05-01", "", "")), "");
}

static void test_type_and_exclusions(void **state)
{
	(void)state;
	assert_string_equal(reason(DOC("《医联体方案》政策解读", "[\"国家卫生健康委\"]", "解读", "2019-05-01", "", "")), "interpretation");
	assert_string_equal(reason(DOC("转发医联体方案", "[\"浙江省卫生健康委员会\"]", "转发", "2019-05-01", "", "")), "forwarded");
	assert_string_equal(reason(DOC("我省召开医联体推进会", "[\"浙江省卫生健康委员会\"]", "新闻", "2019-05-01", "", "")), "type");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家卫生健康委\"]", "通知", "2019-05-01", "失效", "")), "invalid");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家卫生健康委\"]", "通知", "2019-05-01", "废止", "")), "invalid");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家卫生健康委\"]", "通知", "2025-03-01", "", "")), "out-of-range");
	assert_string_equal(reason(DOC("关于推进医联体建设的通知", "[\"国家卫生健康委\"]", "通知", "", "", "")), "unparseable");
}

static void test_dedup_key(void **state)
{
	(void)state;
	json_t *a = json_loads("{\"doc\":{\"docno\":\"国卫医发〔2017〕32号\",\"title\":\"x\"}}", 0, NULL);
	json_t *b = json_loads("{\"doc\":{\"docno\":\"\",\"title\":\"关于 《医联体》 的通知\",\"written_date\":\"2017-01-02\"}}", 0, NULL);
	zc_page pa, pb;
	assert_int_equal(page_of_json(a, &pa), ZC_OK);
	assert_int_equal(page_of_json(b, &pb), ZC_OK);
	char *ka = zc_select_dedup_key(&pa), *kb = zc_select_dedup_key(&pb);
	assert_string_equal(ka, "D|国卫医发〔2017〕32号");
	assert_string_equal(kb, "T|关于医联体的通知|2017-01-02");
	assert_true(zc_dup_key_is_docno(ka));
	assert_false(zc_dup_key_is_docno(kb));
	/* a number that reads like a key of titles is still a number */
	char *kc = zc_dup_key("T|1号", "标题", "2017-01-02");
	assert_string_equal(kc, "D|T|1号");
	assert_true(zc_dup_key_is_docno(kc));
	free(kc);
	free(ka);
	free(kb);
	zc_page_clear(&pa);
	zc_page_clear(&pb);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issuers), cmocka_unit_test(test_topic),
		cmocka_unit_test(test_type_and_exclusions), cmocka_unit_test(test_dedup_key),
	};
	return cmocka_run_group_tests(tests, load_reference, free_reference);
}
