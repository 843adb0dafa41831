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

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_fixtures), cmocka_unit_test(test_hostile)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
