#define _GNU_SOURCE	/* memmem */
/*
 * Hand-made pages (tests/fixtures/pages/NAME.html) against hand-written expectations
 * (NAME.json: the fields a careful reader takes from the page, plus _url and _content_type).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "parser.h"
#include "zc.h"

#define DIRPATH ZC_SOURCE_DIR "/tests/fixtures/pages"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	assert_int_equal(zc_buf_read(&b, f), ZC_OK);
	fclose(f);
	*len = b.len;
	return zc_buf_take(&b);
}

static int check_one(const char *name)
{
	char *jp = zc_asprintf("%s/%s.json", DIRPATH, name), *hp = zc_asprintf("%s/%s.html", DIRPATH, name);
	json_t *want = json_load_file(jp, 0, NULL);
	assert_non_null(want);
	size_t len;
	char *html = slurp(hp, &len);
	zc_doc *d;
	zc_parse_page(html, len, json_string_value(json_object_get(want, "_url")),
		      json_string_value(json_object_get(want, "_content_type")), &d);
	char *js = zc_doc_to_json(d, 0);
	json_t *got = json_loads(js, 0, NULL);
	int bad = 0;
	const char *k;
	json_t *v;
	json_object_foreach(want, k, v)
	{
		if (k[0] == '_')
			continue;
		if (!json_equal(v, json_object_get(got, k))) {
			char *a = json_dumps(v, JSON_ENCODE_ANY), *b = json_dumps(json_object_get(got, k), JSON_ENCODE_ANY);
			print_error("%s: %s: want %s, got %s\n", name, k, a, b ? b : "nothing");
			free(a);
			free(b);
			bad++;
		}
	}
	json_decref(got);
	json_decref(want);
	free(js);
	zc_doc_free(&d);
	free(html);
	free(jp);
	free(hp);
	return bad;
}

static void test_fixtures(void **state)
{
	(void)state;
	DIR *dir = opendir(DIRPATH);
	assert_non_null(dir);
	struct dirent *e;
	int pages = 0, bad = 0;
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json")) {
			char *name = zc_strndup(e->d_name, n - 5);
			bad += check_one(name);
			pages++;
			free(name);
		}
	}
	closedir(dir);
	print_message("%d fixture pages, %d wrong fields\n", pages, bad);
	assert_true(pages >= 10);
	assert_int_equal(bad, 0);
}

/* bytes that are not HTML at all, and junk, never crash and never count as documents */
static void test_hostile(void **state)
{
	(void)state;
	const char *inputs[] = {"", "\x00\x01\x02", "\xff\xfe\xfd\xfc garbage", "<", "<html><body><div id='zoom'>",
				"<meta charset=\"no-such-charset\"><p>x</p>"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		zc_doc *d;
		zc_parse_page(inputs[i], strlen(inputs[i]) + (i == 1 ? 3 : 0), "https://x/", NULL, &d);
		assert_non_null(d);
		assert_non_null(d->title);
		assert_non_null(d->body);
		zc_doc_free(&d);
		assert_null(d);
	}
}

/* (memmem with the length left: AddressSanitizer's strstr measures the whole string each call) */
static size_t count_of(const char *s, const char *what)
{
	size_t n = 0, wl = strlen(what);
	const char *end = s + strlen(s);
	for (const char *p = s; (p = memmem(p, (size_t)(end - p), what, wl)); p += wl)
		n++;
	return n;
}

/* Pages whose parse outgrows libxml2's memory region (parser/xmlmem.c) in each of its ways -
   many blocks, one text grown by thousands of reallocations past the single-allocation bound,
   past the region's cap - read whole, and a small page parsed before and after them reads the
   same (nothing left over from the large ones). */
static void test_large(void **state)
{
	(void)state;
	const char *small = "<html><head><title>关于开展紧密型县域医共体建设的通知</title></head><body>"
			    "<div id=\"zoom\"><p>各省、自治区、直辖市卫生健康委：</p><p>现将有关事项通知如下。</p></div>"
			    "</body></html>";
	zc_doc *d;
	zc_parse_page(small, strlen(small), "https://www.nhc.gov.cn/a.shtml", "text/html", &d);
	char *before = zc_doc_to_json(d, 0);
	zc_doc_free(&d);

	const int counts[] = {3000, 200000};	/* paragraphs: a few blocks; past the cap */
	for (size_t k = 0; k < 2; k++) {
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		zc_buf_cats(&b, "<html><head><title>大页面</title></head><body><div id=\"zoom\">");
		for (int i = 1; i <= counts[k]; i++)
			zc_buf_catf(&b, "<p>第%d段医疗资源下沉。</p>", i);
		zc_buf_cats(&b, "</div></body></html>");
		zc_parse_page(b.data, b.len, "https://www.nhc.gov.cn/big.shtml", "text/html", &d);
		assert_string_equal(d->title, "大页面");
		assert_int_equal(count_of(d->body, "医疗资源下沉。"), counts[k]);
		char last[32];
		snprintf(last, sizeof last, "第%d段", counts[k]);
		assert_non_null(strstr(d->body, "第1段医疗资源下沉。"));
		assert_non_null(strstr(d->body, last));
		zc_doc_free(&d);
		zc_buf_free(&b);
	}

	/* one text node of 3.6 MB: libxml2 grows it by reallocations as the parser hands it over */
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "<html><head><title>长文本</title></head><body><div id=\"zoom\"><p>");
	const int reps = 100000;	/* 12 characters, 36 bytes each time */
	for (int i = 0; i < reps; i++)
		zc_buf_cats(&b, "推动优质医疗资源扩容下沉");
	zc_buf_cats(&b, "</p></div></body></html>");
	zc_parse_page(b.data, b.len, "https://www.nhc.gov.cn/long.shtml", "text/html", &d);
	assert_int_equal(count_of(d->body, "推动优质医疗资源扩容下沉"), reps);
	zc_doc_free(&d);
	zc_buf_free(&b);

	zc_parse_page(small, strlen(small), "https://www.nhc.gov.cn/a.shtml", "text/html", &d);
	char *after = zc_doc_to_json(d, 0);
	assert_string_equal(before, after);
	assert_non_null(strstr(after, "现将有关事项通知如下。"));
	zc_doc_free(&d);
	free(before);
	free(after);
}

/* the challenge scripts' markers (sites.md) wherever they stand, and near misses */
static void test_challenge_markers(void **state)
{
	(void)state;
	const char *yes[] = {"$_ts", "__jsl_clearance", "r='m'", "acw_sc__v2"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		char *mid = zc_asprintf("<script>var a_b='x';%s=1</script>", yes[i]);
		char *end = zc_asprintf("<p class='a_b'>政策</p>%s", yes[i]);
		assert_true(zc_challenge_marker(yes[i]));
		assert_true(zc_challenge_marker(mid));
		assert_true(zc_challenge_marker(end));
		free(mid);
		free(end);
	}
	const char *no[] = {"", "$_t", "_ts", "$ _ts", "_jsl_clearance", "__jsl_clearanc", "r='n'", "r=\"m\"",
			    "acw_sc_v2", "cw_sc__v2", "<a href='t20240101_123.html' title='r'>m</a>"};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(zc_challenge_marker(no[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_fixtures), cmocka_unit_test(test_hostile),
					   cmocka_unit_test(test_large), cmocka_unit_test(test_challenge_markers)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
