/*
 * words.c - word frequencies by Chinese word segmentation: friso (mmseg, complex mode, synonyms
 * off, its stop-word lexicon unused) over its own lexicon, with zhengce's domain dictionary
 * added as words and zhengce's stop words dropped after segmentation (data/words/).
 *
 * friso matches dictionary words of at most max_len characters; max_len is raised to the
 * longest term of the domain dictionary (基层医疗卫生机构 has 8), so that every term can be
 * matched whole.
 */
#include "analysis.h"
#include "../common/zc.h"

#include <friso/friso.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_TERM_CHARS 16

struct zc_words {
	friso_t friso;
	friso_config_t config;
	friso_task_t task;
	json_t *stop;		/* {word: true} */
	json_t *about;		/* {"lexicon", "dictionary": {file, version, terms}, "stopwords": {…}} */
	size_t min_chars;
};

/* characters of UTF-8 text */
static size_t chars(const char *s)
{
	size_t n = 0;
	while (*s) {
		unsigned cp;
		s += zc_utf8_next(s, &cp);
		n++;
	}
	return n;
}

int zc_word_list_parse(const char *text, size_t len, const char *what, json_t *info, json_t *words, char **err)
{
	*err = NULL;
	if (!zc_utf8_valid(text, len) || memchr(text, '\0', len)) {
		*err = zc_asprintf("%s: not UTF-8 text", what);
		return ZC_EPARSE;
	}
	long no = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = zc_strndup(p, n);
		p += n + (nl != NULL);
		no++;
		line[strcspn(line, "\r")] = '\0';
		char *w = zc_str_trim(line);
		if (w[0] == '#') {
			const char *v = strstr(w, "version:");
			if (v && !json_object_get(info, "version")) {
				char *val = zc_strdup(v + 8);
				json_object_set_new(info, "version", json_string(zc_str_trim(val)));
				free(val);
			}
		} else if (*w && (strpbrk(w, " \t\v\f") || chars(w) > MAX_TERM_CHARS)) {
			*err = zc_asprintf("%s:%ld: %s is not one word of at most %d characters", what, no, w, MAX_TERM_CHARS);
			free(line);
			return ZC_EPARSE;
		} else if (*w) {
			json_array_append_new(words, json_string(w));
		}
		free(line);
	}
	json_object_set_new(info, "file", json_string(what));
	json_object_set_new(info, "words", json_integer((json_int_t)json_array_size(words)));
	return ZC_OK;
}

/* a word list file (zc_word_list_parse) */
static int word_list(const char *path, json_t *info, json_t *words, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*err = zc_asprintf("cannot read %s", path);
		return ZC_ENOTFOUND;
	}
	zc_buf b;
	zc_buf_init(&b, 16 << 20);
	int rc = zc_buf_read(&b, f);
	fclose(f);
	if (rc != ZC_OK)
		*err = zc_asprintf("cannot read %s: %s", path, zc_strerror(rc));
	else
		rc = zc_word_list_parse(b.data ? b.data : "", b.len, path, info, words, err);
	zc_buf_free(&b);
	return rc;
}

static void add_stop(const char *w, void *arg)
{
	json_object_set_new(((zc_words *)arg)->stop, w, json_true());
}

static void add_term(const char *w, void *arg)
{
	zc_words *z = arg;
	if (!friso_dic_match(z->friso->dic, __LEX_CJK_WORDS__, (fstring)w))
		friso_dic_add(z->friso->dic, __LEX_CJK_WORDS__, zc_strdup(w), NULL);
	size_t n = chars(w);
	if (n > z->config->max_len)
		z->config->max_len = (ushort_t)n;
}

int zc_words_open(const char *lexicon, const char *dictionary, const char *stopwords, size_t min_chars, zc_words **out,
		  char **err)
{
	*out = NULL;
	*err = NULL;
	if (!lexicon)
		lexicon = ZC_FRISO_LEXICON;
	char *ini = zc_asprintf("%s/friso.lex.ini", lexicon);
	struct stat st;
	int there = stat(ini, &st) == 0;
	free(ini);
	if (!there) {
		*err = zc_asprintf("friso's lexicon is not in %s (no friso.lex.ini): install Debian's friso-dict, or give "
				   "the directory with --lexicon", lexicon);
		return ZC_ENOTFOUND;
	}
	/* the lists first: a mistake in them is said before friso's lexicon is loaded */
	json_t *dinfo = json_object(), *sinfo = json_object(), *terms = json_array(), *stops = json_array();
	int rc = ZC_OK;
	if (dictionary)
		rc = word_list(dictionary, dinfo, terms, err);
	if (rc == ZC_OK && stopwords)
		rc = word_list(stopwords, sinfo, stops, err);
	if (rc != ZC_OK) {
		json_decref(dinfo);
		json_decref(sinfo);
		json_decref(terms);
		json_decref(stops);
		return rc;
	}
	zc_words *z = zc_calloc(1, sizeof *z);
	z->min_chars = min_chars;
	z->stop = json_object();
	z->friso = friso_new();
	z->config = friso_new_config();
	friso_init_config(z->config);
	friso_set_mode(z->config, __FRISO_COMPLEX_MODE__);
	z->config->add_syn = 0;
	z->config->clr_stw = 0;
	z->config->keep_urec = 0;
	z->config->en_sseg = 0;
	z->friso->dic = friso_dic_new();
	/* friso's lexicon as friso loads it (its words of up to max_len characters), then the
	   domain terms, which raise max_len to the longest of them */
	char *dir = zc_str_ends(lexicon, "/") ? zc_strdup(lexicon) : zc_str_join(lexicon, "", "/");	/* friso appends the name */
	friso_dic_load_from_ifile(z->friso, z->config, dir, (uint_t)z->config->max_len * 3);
	free(dir);
	for (size_t i = 0; i < json_array_size(terms); i++)
		add_term(json_string_value(json_array_get(terms, i)), z);
	for (size_t i = 0; i < json_array_size(stops); i++)
		add_stop(json_string_value(json_array_get(stops, i)), z);
	z->task = friso_new_task();
	z->about = json_pack("{s:s,s:s,s:I,s:o,s:o}", "segmenter", "friso " FRISO_VERSION ", complex mode, synonyms off", "lexicon",
			     lexicon, "min_chars", (json_int_t)min_chars, "dictionary", dinfo, "stopwords", sinfo);
	json_decref(terms);
	json_decref(stops);
	*out = z;
	return ZC_OK;
}

void zc_words_close(zc_words **w)
{
	if (!*w)
		return;
	friso_free_task((*w)->task);
	friso_free_config((*w)->config);
	friso_free((*w)->friso);
	json_decref((*w)->stop);
	json_decref((*w)->about);
	free(*w);
	*w = NULL;
}

json_t *zc_words_about(const zc_words *w)
{
	return json_incref(w->about);
}

/* whether a word is made of digits, letters and marks only (a number, a list mark: 1, 2.1, A) */
static int not_chinese(const char *w)
{
	for (const char *p = w; *p;) {
		unsigned cp;
		p += zc_utf8_next(p, &cp);
		if (cp >= 0x3400)
			return 0;
	}
	return 1;
}

int zc_words_each(zc_words *w, const char *text, int filtered, zc_word_fn fn, void *arg)
{
	if (!zc_utf8_valid(text, strlen(text)))
		return ZC_EPARSE;
	/* friso keeps a pointer to the text and does not change it */
	friso_set_text(w->task, (fstring)text);
	while (w->config->next_token(w->friso, w->config, w->task) != NULL) {
		friso_token_t t = w->task->token;
		if (t->type == __LEX_PUNC_WORDS__ || !t->word[0])
			continue;
		if (filtered && (chars(t->word) < w->min_chars || not_chinese(t->word) || json_object_get(w->stop, t->word)))
			continue;
		fn(t->word, arg);
	}
	return ZC_OK;
}

/* ---- counting ---- */

struct zc_word_table {
	unsigned by;
	json_t *groups;		/* group key -> {"\x01": {group fields}, word: [count, units]} */
	long units;
};

zc_word_table *zc_word_table_new(unsigned by)
{
	zc_word_table *t = zc_calloc(1, sizeof *t);
	t->by = by;
	t->groups = json_object();
	return t;
}

void zc_word_table_free(zc_word_table **t)
{
	if (!*t)
		return;
	json_decref((*t)->groups);
	free(*t);
	*t = NULL;
}

typedef struct unit_ctx {
	json_t *seen;		/* {word: count in this unit} */
} unit_ctx;

static void count_word(const char *word, void *arg)
{
	unit_ctx *u = arg;
	json_object_set_new(u->seen, word, json_integer(json_integer_value(json_object_get(u->seen, word)) + 1));
}

static int jur_place(const char *jur)
{
	for (int i = 0; ZC_JURISDICTIONS[i]; i++)
		if (!strcmp(ZC_JURISDICTIONS[i], jur))
			return i;
	return 99;
}

/* adds a unit's words to the group of (jur, year, code) */
static void add_to_group(zc_word_table *t, json_t *seen, const char *jur, int year, const char *code)
{
	int region = zc_province_region(jur);
	if (region < 0)
		region = ZC_NREGIONS;
	char *key = zc_asprintf("%s|%02d|%d|%04d", t->by & ZC_BY_CODE ? code : "", t->by & ZC_BY_PROVINCE ? jur_place(jur) : 0,
				t->by & ZC_BY_REGION ? region : 0, t->by & ZC_BY_YEAR ? year : 0);
	json_t *g = json_object_get(t->groups, key);
	if (!g) {
		json_t *fields = json_object();
		if (t->by & ZC_BY_CODE)
			json_object_set_new(fields, "code", json_string(code));
		if (t->by & ZC_BY_PROVINCE) {
			json_object_set_new(fields, "jurisdiction", json_string(jur));
			json_object_set_new(fields, "province", json_string(zc_province_name(jur) ? zc_province_name(jur) : jur));
		}
		if (t->by & ZC_BY_REGION)
			json_object_set_new(fields, "region", json_string(region == ZC_NREGIONS ? "national" : zc_region_name(region)));
		if (t->by & ZC_BY_YEAR)
			json_object_set_new(fields, "year", json_integer(year));
		g = json_object();
		json_object_set_new(g, "\x01", fields);
		json_object_set_new(t->groups, key, g);
	}
	free(key);
	const char *word;
	json_t *v;
	json_object_foreach(seen, word, v) {
		json_t *cu = json_object_get(g, word);
		if (!cu) {
			cu = json_pack("[I,I]", (json_int_t)0, (json_int_t)0);
			json_object_set_new(g, word, cu);
		}
		json_array_set_new(cu, 0, json_integer(json_integer_value(json_array_get(cu, 0)) + json_integer_value(v)));
		json_array_set_new(cu, 1, json_integer(json_integer_value(json_array_get(cu, 1)) + 1));
	}
}

int zc_word_table_add(zc_word_table *t, zc_words *w, const char *text, const char *jurisdiction, int year, json_t *codes)
{
	unit_ctx u = {json_object()};
	int rc = zc_words_each(w, text, 1, count_word, &u);
	if (rc == ZC_OK) {
		t->units++;
		if (t->by & ZC_BY_CODE) {
			for (size_t i = 0; i < json_array_size(codes); i++)
				add_to_group(t, u.seen, jurisdiction, year, json_string_value(json_array_get(codes, i)));
		} else {
			add_to_group(t, u.seen, jurisdiction, year, "");
		}
	}
	json_decref(u.seen);
	return rc;
}

typedef struct wcount {
	const char *word;
	long count, units;
} wcount;

static int wcount_cmp(const void *x, const void *y)
{
	const wcount *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->units != b->units)
		return a->units > b->units ? -1 : 1;
	return strcmp(a->word, b->word);
}

static int key_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

json_t *zc_word_table_rows(const zc_word_table *t, size_t top)
{
	json_t *rows = json_array();
	size_t ng = json_object_size(t->groups), i = 0;
	const char **keys = zc_calloc(ng + 1, sizeof *keys);
	const char *k;
	json_t *g;
	json_object_foreach(t->groups, k, g)
		keys[i++] = k;
	qsort(keys, ng, sizeof *keys, key_cmp);
	for (i = 0; i < ng; i++) {
		g = json_object_get(t->groups, keys[i]);
		wcount *ws = zc_calloc(json_object_size(g), sizeof *ws);
		size_t n = 0;
		const char *word;
		json_t *v;
		json_object_foreach(g, word, v)
			if (word[0] != '\x01')
				ws[n++] = (wcount){word, (long)json_integer_value(json_array_get(v, 0)),
						   (long)json_integer_value(json_array_get(v, 1))};
		qsort(ws, n, sizeof *ws, wcount_cmp);
		for (size_t j = 0; j < n && (!top || j < top); j++) {
			json_t *row = json_deep_copy(json_object_get(g, "\x01"));
			json_object_set_new(row, "word", json_string(ws[j].word));
			json_object_set_new(row, "count", json_integer(ws[j].count));
			json_object_set_new(row, "units", json_integer(ws[j].units));
			json_array_append_new(rows, row);
		}
		free(ws);
	}
	free(keys);
	return rows;
}
