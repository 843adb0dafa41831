/*
 * Selection across documents, on a small corpus written by hand: copies without a document
 * number under other titles, an abolition decision crawled before or after the documents it
 * lists, and different documents of the same day that must stay apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "page_json.h"
#include "reference_profile.h"
#include "../../index/internal.h"	/* raw tables: a record as an older zhengce wrote it */

typedef struct page {
	const char *url, *kind, *title, *docno, *issuer, *date, *type, *body;
} page;

typedef struct store_ctx {
	const page *pages;
	size_t n;
	const char *const *published;	/* the pages' published dates; NULL: their written dates */
} store_ctx;

static int store(zc_txn *t, void *arg)
{
	store_ctx *s = arg;
	for (size_t i = 0; i < s->n; i++) {
		const page *p = &s->pages[i];
		json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:[s],s:s,s:s,s:s,s:s,s:s}}", "url", p->url, "site", "x",
				      "site_kind", p->kind,
				      "jurisdiction", "33", "doc", "title", p->title, "docno", p->docno, "issuers", p->issuer,
				      "written_date", p->date, "published_date", s->published ? s->published[i] : p->date, "type", p->type, "validity", "",
				      "body", p->body);
		uint64_t id;
		int is_new;
		zc_page pg;
		int rc = page_of_json(j, &pg);
		if (rc == ZC_OK)
			rc = zc_tx_page_store(t, p->url, &pg, &id, &is_new);
		zc_page_clear(&pg);
		json_decref(j);
		if (rc)
			return rc;
	}
	return 0;
}

typedef struct get_ctx {
	const char *url;
	zc_page page;
	int found;
} get_ctx;

static int get(zc_txn *t, void *arg)
{
	get_ctx *g = arg;
	uint64_t id;
	if (zc_tx_page_id(t, g->url, &id) == 0)
		g->found = zc_tx_page_get(t, id, &g->page) == 0;
	return 0;
}

/* stores pages in the order given, selects, returns "decision/reason/canonical" of url */
static char *decide(const page *pages, size_t n, const char *url)
{
	static char out[512];
	char dir[] = "/tmp/zc-test-finalize-XXXXXX";
	assert_non_null(mkdtemp(dir));
	zc_index *idx;
	assert_int_equal(zc_index_open(dir, 0, &idx), 0);
	store_ctx s = {pages, n, NULL};
	assert_int_equal(zc_index_write(idx, store, &s), 0);
	zc_select_stats st;
	assert_int_equal(zc_select_finalize(idx, P, 0, NULL, &st), 0);
	get_ctx g = {.url = url};
	zc_page_init(&g.page);
	zc_index_read(idx, get, &g);
	assert_true(g.found);
	snprintf(out, sizeof out, "%s/%s/%s", g.page.dec.decision, g.page.dec.reason, g.page.dec.canonical_url);
	zc_page_clear(&g.page);
	zc_index_close(&idx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return out;
}

#define BODY                                                                                                      \
	"为深入贯彻落实党中央、国务院决策部署，推动优质医疗资源扩容下沉和区域均衡布局，结合我省实际，现就推进医联体建设提出如下意见。\n" \
	"一、总体要求\n（一）指导思想。坚持以人民健康为中心，坚持政府主导，完善分级诊疗制度，加强基层医疗卫生机构标准化建设，提升服务能力。\n"        \
	"（二）工作目标。到2020年，所有二级公立医院和政府办基层医疗卫生机构全部参与医联体建设，形成较为完善的医联体政策体系。\n"                  \
	"二、主要任务\n（一）推进城市医疗集团建设。由三级公立医院牵头，联合社区卫生服务机构、护理院、专业康复机构等，形成资源共享、分工协作的管理模式。\n" \
	"（二）推进县域医共体建设。以县级医院为龙头，整合县乡医疗卫生资源，实施集团化运营管理，推进县乡一体化。\n"                              \
	"三、保障措施\n各地要加强组织领导，明确责任分工，完善财政投入保障机制，落实政府办医责任，做好宣传引导，及时总结推广典型经验。"

static void test_copy_under_another_title(void **state)
{
	(void)state;
	/* the portal prefixes the issuer to the title and adds a line of its own; no number */
	const page pages[] = {
		{"https://www.zj.gov.cn/1.html", "gov", "浙江省卫生健康委员会关于推进医联体建设的通知", "", "浙江省卫生健康委员会",
		 "2019-05-06", "通知", BODY "\n（来源：省卫生健康委）"},
		{"https://wsjkw.zj.gov.cn/1.html", "hc", "关于推进医联体建设的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知", BODY},
	};
	/* the health commission's own copy is canonical, whichever was stored first */
	assert_string_equal(decide(pages, 2, "https://wsjkw.zj.gov.cn/1.html"), "included//");
	assert_string_equal(decide(pages, 2, "https://www.zj.gov.cn/1.html"), "excluded/duplicate/https://wsjkw.zj.gov.cn/1.html");
}

static void test_same_day_different_documents(void **state)
{
	(void)state;
	const page pages[] = {
		{"https://wsjkw.zj.gov.cn/1.html", "hc", "关于推进医联体建设的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知", BODY},
		{"https://wsjkw.zj.gov.cn/2.html", "hc", "关于开展专科联盟建设的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知",
		 "一、工作目标\n组建儿科专科联盟，提升重大疾病救治能力。\n二、实施步骤\n分三个阶段推进，年底完成评估。"},
	};
	assert_string_equal(decide(pages, 2, "https://wsjkw.zj.gov.cn/1.html"), "included//");
	assert_string_equal(decide(pages, 2, "https://wsjkw.zj.gov.cn/2.html"), "included//");
}

static void test_abolition_before_or_after(void **state)
{
	(void)state;
	const page victim = {"https://wsjkw.zj.gov.cn/old.html", "hc", "浙江省医疗集团管理办法", "浙卫发〔2012〕5号", "浙江省卫生厅",
			     "2012-03-01", "办法", "加强医疗集团管理。"};
	const page abolition = {"https://wsjkw.zj.gov.cn/ab.html", "hc", "浙江省卫生健康委员会关于废止部分规范性文件的决定",
				"浙卫发〔2020〕9号", "浙江省卫生健康委员会", "2020-06-01", "废止",
				"决定废止以下规范性文件：\n1.《浙江省医疗集团管理办法》（浙卫发〔2012〕5号）"};
	const page after[] = {victim, abolition}, before[] = {abolition, victim};
	const char *want = "excluded/invalid/";
	assert_string_equal(decide(after, 2, victim.url), want);
	assert_string_equal(decide(before, 2, victim.url), want);
	/* the abolition decision itself is not a study document */
	assert_string_equal(decide(after, 2, abolition.url), "excluded/type/");
}

/* SimHash as docs/SCHEMA.md and select.h define it, written plainly: the 4-grams of the text's
   characters (spaces, newlines and U+3000 left out), each hashed with 64-bit FNV-1a over its
   four code points as 4 little-endian bytes each; a bit is set when more 4-grams have it one
   than zero */
static unsigned long long simhash_plain(const char *text)
{
	int vote[64] = {0};
	unsigned g[4];
	int n = 0;
	const unsigned char *u = (const unsigned char *)text;
	while (*u) {
		unsigned c;
		if (u[0] < 0x80)
			c = *u++;
		else if (u[0] < 0xE0)
			c = (u[0] & 0x1Fu) << 6 | (u[1] & 0x3Fu), u += 2;
		else if (u[0] < 0xF0)
			c = (u[0] & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu), u += 3;
		else
			c = (u[0] & 0x07u) << 18 | (u[1] & 0x3Fu) << 12 | (u[2] & 0x3Fu) << 6 | (u[3] & 0x3Fu), u += 4;
		if (c == ' ' || c == '\n' || c == 0x3000)
			continue;
		memmove(g, g + 1, 3 * sizeof *g);
		g[3] = c;
		if (++n < 4)
			continue;
		unsigned long long h = 0xcbf29ce484222325ULL;
		for (int i = 0; i < 16; i++) {
			h ^= (g[i / 4] >> (8 * (i % 4))) & 0xff;
			h *= 0x100000001b3ULL;
		}
		for (int i = 0; i < 64; i++)
			vote[i] += (h >> i & 1) ? 1 : -1;
	}
	unsigned long long s = 0;
	for (int i = 0; i < 64; i++)
		if (vote[i] > 0)
			s |= 1ULL << i;
	return s;
}

/* the counting behind zc_select_simhash gives the plain definition's bits: short texts, texts
   with left-out characters, and long ones (past the 255 4-grams a counter byte holds) */
static void test_simhash_definition(void **state)
{
	(void)state;
	static const char *const texts[] = {"", "医联体", "医联体建", "a b\nc\xE3\x80\x80" "d e", BODY,
					    BODY "\n（来源：省卫生健康委）"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_true(zc_select_simhash(texts[i]) == simhash_plain(texts[i]));
	/* 3,000 characters of pseudo-random CJK text and ASCII, seeded for a fixed text */
	char *big = malloc(3000 * 3 + 1);
	size_t len = 0;
	unsigned x = 12345;
	for (int i = 0; i < 3000; i++) {
		x = x * 1103515245u + 12345u;
		unsigned c = (x >> 16) % 7 == 0 ? 'a' + (x >> 8) % 26 : 0x4E00 + (x >> 12) % 2000;
		if (c < 0x80) {
			big[len++] = (char)c;
		} else {
			big[len++] = (char)(0xE0 | c >> 12);
			big[len++] = (char)(0x80 | (c >> 6 & 0x3F));
			big[len++] = (char)(0x80 | (c & 0x3F));
		}
		big[len] = '\0';
		if (i == 254 || i == 258 || i == 1000 || i == 2999)
			assert_true(zc_select_simhash(big) == simhash_plain(big));
	}
	free(big);
}

static void test_simhash(void **state)
{
	(void)state;
	unsigned long long a = zc_select_simhash(BODY), b = zc_select_simhash(BODY "\n（来源：省卫生健康委）");
	unsigned long long c = zc_select_simhash("一、工作目标\n组建儿科专科联盟，提升重大疾病救治能力。\n二、实施步骤\n分三个阶段推进。");
	assert_true(__builtin_popcountll(a ^ b) <= ZC_NEAR_BITS);
	assert_true(__builtin_popcountll(a ^ c) > 12);
}

/* a copy of the reference profile whose date range starts in 2020 */
static zc_profile *narrower(const char *dir)
{
	json_t *j = json_load_file(ZC_SOURCE_DIR "/profiles/reference.json", 0, NULL);
	assert_non_null(j);
	json_object_set_new(j, "date_range", json_pack("[s,s]", "2020-01-01", "2024-10-31"));
	char path[128], *err = NULL;
	snprintf(path, sizeof path, "%s/narrower.json", dir);
	assert_int_equal(json_dump_file(j, path, JSON_INDENT(2)), 0);
	json_decref(j);
	zc_profile *p = NULL;
	assert_int_equal(zc_profile_load(path, &p, &err), 0);
	return p;
}

static int spoil_counts(zc_txn *t, void *arg)
{
	(void)arg;
	return zc_tx_meta_put(t, "selection", "{\"pages\": 3, cut short");
}

static size_t select_once(zc_index *idx, const zc_profile *p, unsigned flags, zc_select_stats *st)
{
	assert_int_equal(zc_select_finalize(idx, p, flags, NULL, st), 0);
	return st->included;
}

/*
 * A selection is made again only when a page, the profile or zhengce changed since the
 * published one: a re-crawl that found nothing new reuses it, counts included.
 */
static void test_reuse(void **state)
{
	(void)state;
	const page pages[] = {
		{"https://wsjkw.zj.gov.cn/1.html", "hc", "关于推进医联体建设的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知", BODY},
		{"https://www.zj.gov.cn/1.html", "gov", "浙江省卫生健康委员会关于推进医联体建设的通知", "", "浙江省卫生健康委员会",
		 "2019-05-06", "通知", BODY "\n（来源：省卫生健康委）"},
		{"https://wsjkw.zj.gov.cn/3.html", "hc", "关于开展专科联盟建设的通知", "", "浙江省卫生健康委员会", "2021-03-02", "通知",
		 "一、工作目标\n组建儿科专科联盟，提升重大疾病救治能力。\n二、实施步骤\n分三个阶段推进，年底完成评估。"},
	};
	char dir[] = "/tmp/zc-test-reuse-XXXXXX";
	assert_non_null(mkdtemp(dir));
	zc_index *idx;
	assert_int_equal(zc_index_open(dir, 0, &idx), 0);
	store_ctx s = {pages, 2, NULL};
	assert_int_equal(zc_index_write(idx, store, &s), 0);
	zc_select_stats st, again;
	/* the first selection: one document, its copy a duplicate */
	assert_int_equal(select_once(idx, P, 0, &st), 1);
	assert_false(st.reused);
	assert_int_equal(st.by_reason[6], 1);	/* duplicate */
	assert_true(st.entries > 0);
	/* nothing changed: the same counts, nothing decided */
	assert_int_equal(select_once(idx, P, 0, &again), 1);
	assert_true(again.reused);
	assert_int_equal(again.pages, st.pages);
	assert_int_equal(again.entries, st.entries);
	assert_memory_equal(again.by_reason, st.by_reason, sizeof st.by_reason);
	/* unless asked (reselect) */
	select_once(idx, P, ZC_SELECT_FORCE, &again);
	assert_false(again.reused);
	assert_int_equal(again.entries, st.entries);
	/* a new page */
	store_ctx s3 = {pages + 2, 1, NULL};
	assert_int_equal(zc_index_write(idx, store, &s3), 0);
	assert_int_equal(select_once(idx, P, 0, &st), 2);
	assert_false(st.reused);
	assert_int_equal(select_once(idx, P, 0, &st), 2);
	assert_true(st.reused);
	/* a page stored again (changed) */
	assert_int_equal(zc_index_write(idx, store, &s3), 0);
	select_once(idx, P, 0, &st);
	assert_false(st.reused);
	/* another profile, then the first one again */
	zc_profile *n = narrower(dir);
	assert_int_equal(select_once(idx, n, 0, &st), 1);	/* the 2019 document is out of range */
	assert_false(st.reused);
	assert_true(st.by_reason[7] >= 1);	/* out-of-range */
	assert_int_equal(select_once(idx, n, 0, &st), 1);
	assert_true(st.reused);
	assert_int_equal(select_once(idx, P, 0, &st), 2);
	assert_false(st.reused);
	/* a record of the counts that does not read: select anew rather than fail */
	assert_int_equal(zc_index_write(idx, spoil_counts, NULL), 0);
	assert_int_equal(select_once(idx, P, 0, &st), 2);
	assert_false(st.reused);
	assert_int_equal(select_once(idx, P, 0, &st), 2);
	assert_true(st.reused);
	zc_profile_free(&n);
	zc_index_close(&idx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* "url=code ..." of every page, stored in the order given by order[] */
static char *codes_in_order(const page *pages, const char *const *published, const size_t *order, size_t n)
{
	static char out[1024];
	char dir[] = "/tmp/zc-test-codes-XXXXXX";
	assert_non_null(mkdtemp(dir));
	zc_index *idx;
	assert_int_equal(zc_index_open(dir, 0, &idx), 0);
	for (size_t i = 0; i < n; i++) {
		store_ctx s = {&pages[order[i]], 1, &published[order[i]]};
		assert_int_equal(zc_index_write(idx, store, &s), 0);	/* one page id each, in this order */
	}
	zc_select_stats st;
	assert_int_equal(zc_select_finalize(idx, P, 0, NULL, &st), 0);
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		get_ctx g = {.url = pages[i].url};
		zc_page_init(&g.page);
		zc_index_read(idx, get, &g);
		assert_true(g.found);
		char code[24] = "-";
		if (zc_page_included(&g.page))
			snprintf(code, sizeof code, "%ld", g.page.dec.file_code);
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s=%s", i ? " " : "", strrchr(pages[i].url, '/') + 1, code);
		zc_page_clear(&g.page);
	}
	zc_index_close(&idx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return out;
}

#define BODY2 "一、工作目标\n组建儿科专科联盟，提升重大疾病救治能力。\n二、实施步骤\n分三个阶段推进，年底完成评估。"

static void test_code_order(void **state)
{
	(void)state;
	/* docs/DESIGN.md: written date, then published date, then number, then URL; copies on
	   sites of one rank: the least URL is canonical */
	const page pages[] = {
		{"https://wsjkw.zj.gov.cn/a", "hc", "关于推进医联体建设的意见", "浙卫发〔2019〕3号", "浙江省卫生健康委员会", "2019-05-06",
		 "意见", BODY},
		{"https://wsjkw.zj.gov.cn/b", "hc", "关于医联体绩效考核的通知", "浙卫发〔2019〕9号", "浙江省卫生健康委员会", "2019-05-06",
		 "通知", BODY},
		{"https://wsjkw.zj.gov.cn/c", "hc", "关于医联体人才培养的通知", "浙卫发〔2019〕1号", "浙江省卫生健康委员会", "2019-05-06",
		 "通知", BODY},
		{"https://wsjkw.zj.gov.cn/d", "hc", "浙江省医疗集团管理办法", "浙卫发〔2018〕5号", "浙江省卫生健康委员会", "2018-01-01",
		 "办法", BODY},
		{"https://wsjkw.zj.gov.cn/f", "hc", "关于推进医联体建设的通知", "", "浙江省卫生健康委员会", "2020-01-01", "通知", BODY},
		{"https://wsjkw.zj.gov.cn/e", "hc", "关于开展专科联盟建设的通知", "", "浙江省卫生健康委员会", "2020-01-01", "通知",
		 BODY2},
		/* a copy of d on a site of the same rank: d's URL is the lesser */
		{"https://wsjkw.zj.gov.cn/x/d", "hc", "浙江省医疗集团管理办法", "浙卫发〔2018〕5号", "浙江省卫生健康委员会", "2018-01-01",
		 "办法", BODY},
	};
	const char *const published[] = {"2019-05-20", "2019-05-10", "2019-05-20", "2018-01-01", "2020-01-01", "2020-01-01",
					 "2018-01-01"};
	const char *want = "a=4 b=2 c=3 d=1 f=6 e=5 d=-";
	const size_t forward[] = {0, 1, 2, 3, 4, 5, 6}, backward[] = {6, 5, 4, 3, 2, 1, 0}, mixed[] = {4, 6, 1, 5, 0, 3, 2};
	assert_string_equal(codes_in_order(pages, published, forward, 7), want);
	assert_string_equal(codes_in_order(pages, published, backward, 7), want);
	assert_string_equal(codes_in_order(pages, published, mixed, 7), want);
}

static void test_near_copies_in_any_order(void **state)
{
	(void)state;
	/* three texts without a number: A near B, B near C, A not near C (found here, since the
	   SimHash is what decides); stored in any order they are one document, whose canonical
	   copy is the least URL.  Joining a copy to the first group it is near to would keep A and
	   C apart when A came first. */
	static const char tail[] = "联系人：张三，电话：八八八八八八八八。本意见自印发之日起施行，由省卫生健康委负责解释。"
				   "各市县要结合实际制定具体实施方案。";	/* three bytes a character: cut anywhere by 3 */
	static char a[4096], b[4096], c[4096];
	int found = 0;
	for (size_t l1 = 3; l1 < sizeof tail - 1 && !found; l1 += 3)
		for (size_t l2 = l1 + 3; l2 < sizeof tail - 1 && !found; l2 += 3) {
			snprintf(a, sizeof a, "%s", BODY);
			snprintf(b, sizeof b, "%s\n%.*s", BODY, (int)l1, tail);
			snprintf(c, sizeof c, "%s\n%.*s", BODY, (int)l2, tail);
			unsigned long long x = zc_select_simhash(a), y = zc_select_simhash(b), z = zc_select_simhash(c);
			found = __builtin_popcountll(x ^ y) <= ZC_NEAR_BITS && __builtin_popcountll(y ^ z) <= ZC_NEAR_BITS &&
				__builtin_popcountll(x ^ z) > ZC_NEAR_BITS;
		}
	assert_true(found);
	const page pages[] = {
		{"https://wsjkw.zj.gov.cn/n2", "hc", "关于推进医联体建设的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知", a},
		{"https://wsjkw.zj.gov.cn/n1", "hc", "关于推进医联体建设工作的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知", b},
		{"https://wsjkw.zj.gov.cn/n3", "hc", "关于加快推进医联体建设的通知", "", "浙江省卫生健康委员会", "2019-05-06", "通知", c},
	};
	const char *const published[] = {"2019-05-06", "2019-05-06", "2019-05-06"};
	const size_t orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	for (int o = 0; o < 6; o++)
		assert_string_equal(codes_in_order(pages, published, orders[o], 3), "n2=- n1=1 n3=-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_under_another_title), cmocka_unit_test(test_same_day_different_documents),
		cmocka_unit_test(test_abolition_before_or_after), cmocka_unit_test(test_simhash), cmocka_unit_test(test_simhash_definition),
		cmocka_unit_test(test_reuse), cmocka_unit_test(test_code_order),
		cmocka_unit_test(test_near_copies_in_any_order),
	};
	return cmocka_run_group_tests(tests, load_reference, free_reference);
}
