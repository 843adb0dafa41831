/*
 * cmd_words.c - words: word frequencies of the entries (or the documents) by Chinese word
 * segmentation (friso with the domain dictionary and stop words of data/words/), by province,
 * region and year; --segment cuts the lines of standard input
 */
#include "cli.h"
#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct words_ctx {
	zc_words *w;
	zc_word_table *t;
	int rc;
	long units;
} words_ctx;

static int year_of_page(const zc_page *page)
{
	return zc_year_of(zc_page_date(page));
}

static int entry_words(const zc_entry *entry, const zc_page *page, void *arg)
{
	words_ctx *x = arg;
	x->rc = zc_word_table_add(x->t, x->w, entry->text, zc_page_jurisdiction(page), year_of_page(page), NULL);
	x->units++;
	return x->rc != ZC_OK;
}

static int doc_words(const zc_page *page, void *arg)
{
	words_ctx *x = arg;
	x->rc = zc_word_table_add(x->t, x->w, page->doc.body, zc_page_jurisdiction(page), year_of_page(page), NULL);
	x->units++;
	return x->rc != ZC_OK;
}

static void print_word(const char *word, void *arg)
{
	int *first = arg;
	printf("%s%s", *first ? "" : " ", word);
	*first = 0;
}

/* each line of standard input, cut into words by spaces */
static int segment_stdin(zc_words *w)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		line[strcspn(line, "\r\n")] = '\0';
		int first = 1;
		if (zc_words_each(w, line, 0, print_word, &first) != ZC_OK) {
			fprintf(stderr, "zhengce words: a line of standard input is not UTF-8\n");
			rc = 1;
		}
		putchar('\n');
	}
	free(line);
	return rc;
}

/* the counted words as rows, in the columns --by asks for */
typedef struct words_out {
	zc_words *w;
	json_t *rows;
	const char *cols[8];
	size_t n;
	int documents;
	long units;
	enum zc_format fmt;
} words_out;

static void words_columns(words_out *o, unsigned by)
{
	o->n = 0;
	if (by & ZC_BY_PROVINCE) {
		o->cols[o->n++] = "jurisdiction";
		o->cols[o->n++] = "province";
	}
	if (by & ZC_BY_REGION)
		o->cols[o->n++] = "region";
	if (by & ZC_BY_YEAR)
		o->cols[o->n++] = "year";
	o->cols[o->n++] = "word";
	o->cols[o->n++] = "count";
	o->cols[o->n++] = o->documents ? "documents" : "entries";
	/* the units column under its name */
	for (size_t i = 0; i < json_array_size(o->rows); i++) {
		json_t *r = json_array_get(o->rows, i);
		json_object_set(r, o->cols[o->n - 1], json_object_get(r, "units"));
		json_object_del(r, "units");
	}
}

static int words_write(FILE *f, void *arg)
{
	words_out *o = arg;
	if (o->fmt != ZC_FMT_JSON)
		return zc_rows_write(f, o->rows, o->cols, o->n, o->fmt);
	/* with what the count was made of */
	json_t *j = json_pack("{s:o,s:s,s:I,s:O}", "made_with", zc_words_about(o->w), "unit",
			      o->documents ? "documents" : "entries", "units", (json_int_t)o->units, "rows", o->rows);
	char *t = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fprintf(f, "%s\n", t);
	free(t);
	json_decref(j);
	return ferror(f) ? ZC_EIO : ZC_OK;
}

/* the corpus's entries (documents) segmented and counted, the rows written; the exit code */
static int words_counted(zc_words *w, const char *corpus, const char *out, int documents, unsigned by, long top,
			 enum zc_format fmt)
{
	zc_index *idx;
	if (open_corpus("words", corpus_dir(corpus), &idx))
		return 1;
	words_ctx x = {w, zc_word_table_new(by), ZC_OK, 0};
	zc_query q = {0};
	q.body = documents;
	int rc = documents ? zc_index_query(idx, &q, doc_words, &x) : zc_index_entries(idx, &q, entry_words, &x);
	zc_index_close(&idx);
	if (rc == ZC_OK)
		rc = x.rc;
	int ret = 1;
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce words: %s\n", zc_strerror(rc));
	} else {
		words_out o = {.w = w, .rows = zc_word_table_rows(x.t, (size_t)top), .documents = documents, .units = x.units,
			       .fmt = fmt};
		words_columns(&o, by);
		ret = write_output("words", out, words_write, &o);
		json_decref(o.rows);
	}
	zc_word_table_free(&x.t);
	return ret;
}

static const char WORDS_HELP[] =
	"usage: zhengce words [--corpus DIR] [--documents] [--by province,region,year] [--top N]\n"
	"                     [--format table|csv|json|jsonl] [-o FILE] [--min-length N]\n"
	"                     [--dictionary FILE] [--stopwords FILE] [--lexicon DIR]\n"
	"       zhengce words --segment < TEXT\n\n"
	"Word frequencies of the included entries (--documents: of the documents' texts), by\n"
	"Chinese word segmentation: friso in complex mode, synonyms off, with a domain dictionary\n"
	"(data/words/domain.txt: 医联体, 医共体, 基层医疗卫生机构 … counted whole) and stop words\n"
	"(data/words/stopwords.txt) that are versioned data.  Each row: the group (province,\n"
	"region, year as --by asks), the word, its count and the entries (documents) holding it.\n"
	"Words have at least --min-length characters (2) and a Chinese character.  --segment cuts\n"
	"each line of standard input into words, separated by spaces, nothing dropped.\n";

int cmd_words(int argc, char **argv)
{
	const char *corpus = NULL, *by_v = NULL, *top_v = NULL, *min_v = NULL, *format = NULL, *out = NULL, *dict_opt = NULL,
		   *stop_opt = NULL, *lexicon = NULL;
	int documents = 0, segment = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"documents", NULL, &documents}, {"by", &by_v, NULL},
				{"top", &top_v, NULL}, {"format", &format, NULL}, {"output", &out, NULL},
				{"dictionary", &dict_opt, NULL}, {"stopwords", &stop_opt, NULL}, {"lexicon", &lexicon, NULL},
				{"min-length", &min_v, NULL}, {"segment", NULL, &segment}};
	int r = simple_options("words", WORDS_HELP, argc, argv, opts, sizeof opts / sizeof *opts, 0);
	unsigned by;
	long top, min_len = 2;
	enum zc_format fmt = ZC_FMT_TABLE;
	if (r >= 0 || (r = group_options("words", by_v, top_v, "words", &by, &top)) >= 0 ||
	    (r = format_option("words", format, "table|csv|json|jsonl", &fmt)) >= 0)
		return r;
	if (min_v && zc_parse_long(min_v, 1, 16, &min_len) != ZC_OK)
		return usage_error("words", "--min-length wants a number of characters from 1 to 16, not %s", min_v);
	char *dict = data_file(dict_opt, "ZHENGCE_DICTIONARY", "data/words/domain.txt");
	char *stop = data_file(stop_opt, "ZHENGCE_STOPWORDS", "data/words/stopwords.txt");
	zc_words *w = NULL;
	char *err = NULL;
	int rc = zc_words_open(lexicon, dict, stop, (size_t)min_len, &w, &err);
	free(dict);
	free(stop);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce words: %s\n", err);
		free(err);
		return rc == ZC_EPARSE ? EXIT_USAGE : 1;
	}
	rc = segment ? segment_stdin(w) : words_counted(w, corpus, out, documents, by, top, fmt);
	zc_words_close(&w);
	return rc;
}
