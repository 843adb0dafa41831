/* libFuzzer: word lists (the domain dictionary and stop words, zc_word_list_parse) and friso's
   segmentation of any UTF-8 text (zc_words_each), the lexicon loaded once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

static zc_words *words;

static void drop(const char *w, void *arg)
{
	(void)w;
	(*(size_t *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!words) {
		char *err = NULL;
		if (zc_words_open(NULL, NULL, NULL, 2, &words, &err) != 0)
			abort();	/* friso-dict is not installed: the fuzzer cannot run */
	}
	json_t *info = json_object(), *list = json_array();
	char *err = NULL;
	zc_word_list_parse((const char *)data, size, "fuzz", info, list, &err);
	free(err);
	json_decref(info);
	json_decref(list);
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	size_t n = 0;
	zc_words_each(words, text, (int)(size & 1), drop, &n);
	free(text);
	return 0;
}
