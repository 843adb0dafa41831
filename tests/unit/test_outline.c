/* Entries: hand-written bodies in every numbering style. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parser.h"

static const char *const KW[] = {"医联体", "医共体", "支援", "专科联盟"};

static char *codes(const char *body)
{
	zc_outline_entry *e;
	size_t n;
	static char buf[512];
	zc_entries_split(body, KW, 4, &e, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof buf - used, "%s%d-%d", i ? " " : "", e[i].section, e[i].item);
	}
	zc_entries_free(&e, n);
	return buf;
}

static void test_nested(void **state)
{
	(void)state;
	const char *body = "为推进医联体建设，提出如下意见。\n"
			   "一、总体要求\n（一）指导思想。坚持以人民为中心。\n（二）基本原则。推进医联体建设。\n"
			   "二、主要任务\n（一）完善机制。加强管理。\n1.建立医共体。\n（二）强化支撑。加强人才。\n"
			   "三、组织实施\n各地要建立对口支援机制。";
	/* 一（二） mentions 医联体; 二（一） through its child 1.; 三 has no items */
	assert_string_equal(codes(body), "1-2 2-1 3-0");
}

static void test_half_width_and_heading_only(void **state)
{
	(void)state;
	const char *body = "一、医联体建设\n(一)加强领导。\n(二)推进专科联盟。\n二、保障\n(一)经费保障。";
	/* a heading that mentions the topic, followed by items, is not an entry of its own */
	assert_string_equal(codes(body), "1-2");
}

static void test_no_outline(void **state)
{
	(void)state;
	assert_string_equal(codes("现将《医联体建设方案》印发给你们，请认真贯彻执行。"), "0-0");
	/* an outline that never mentions the topic still gives the document one entry */
	assert_string_equal(codes("一、总体要求\n加强管理。\n二、保障\n落实经费。"), "0-0");
}

static void test_text(void **state)
{
	(void)state;
	zc_outline_entry *e;
	size_t n;
	zc_entries_split("一、任务\n（一）推进医联体。\n1.组建。\n（二）其他。", KW, 4, &e, &n);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].text, "（一）推进医联体。\n1.组建。");
	zc_entries_free(&e, n);
	zc_entries_split("一、任务\n推进医共体。\n二、其他\n无。", KW, 4, &e, &n);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].text, "一、任务\n推进医共体。");
	zc_entries_free(&e, n);
}

static void test_regulations(void **state)
{
	(void)state;
	/* chapters and articles: articles run on across chapters */
	const char *body = "第一章 总则\n第一条 为规范医联体管理，制定本办法。\n第二条 本办法适用于全省。\n"
			   "第二章 组织\n第三条 医共体实行一体化管理。\n第四条 附则。";
	assert_string_equal(codes(body), "1-1 2-3");
	/* articles without chapters */
	assert_string_equal(codes("第一条 总则。\n第二条 推进专科联盟建设。\n第三条 施行日期。"), "0-2");
}

static void test_annex_restart(void **state)
{
	(void)state;
	/* the annex restarts its numbering: it is not part of the outline */
	const char *body = "一、总体要求\n推进医联体建设。\n二、保障\n落实经费。\n附件1\n一、医共体名单\n（一）甲县医共体。";
	assert_string_equal(codes(body), "1-0");
	assert_string_equal(codes("一、任务\n（一）加强管理。\n（二）对口支援。\n附件：医联体建设评估表"), "1-2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested), cmocka_unit_test(test_half_width_and_heading_only),
		cmocka_unit_test(test_no_outline), cmocka_unit_test(test_text), cmocka_unit_test(test_regulations),
		cmocka_unit_test(test_annex_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
