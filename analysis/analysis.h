/*
 * analysis.h - from the entries' final codes to the paper's numbers: how many entries hold each
 * category and each second-level code, by province, region and year; the cooperation network of
 * one category's codes (co-occurrence in an entry, the coders' directed relations, igraph's
 * degree, betweenness and communities) in the formats Gephi and UCINET read; co-occurrence
 * matrices for clustering; the entries behind any count (trace); word frequencies of entries by
 * Chinese word segmentation (friso) with a domain dictionary and stop words shipped as data.
 *
 * The numbers are counts of entries: an entry that names a code twice holds it once.
 *
 * Ownership: a zc_analysis copies what it is given; json_t values returned are new references
 * the caller json_decref()s; structures returned through out-parameters are freed with the
 * matching _free(), which takes T ** and sets it to NULL.
 */
#ifndef ZC_ANALYSIS_H
#define ZC_ANALYSIS_H

#include "export.h"
#include "index.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* ---- the coded entries ---- */

typedef struct zc_analysis zc_analysis;
zc_analysis *zc_analysis_new(void);
void zc_analysis_free(zc_analysis **a);
/*
 * One entry: its code (JJ-N-S-I), its jurisdiction ("00" national or a province code), its
 * year (the document's: written date, else published; 0 unknown), its codes and relations
 * per category (a final record's, copied).  A relation counts only where both ends are codes
 * of the entry in that category; a relation of a code to itself does not count.  ZC_EPARSE
 * when the jurisdiction is not two characters.
 */
int zc_analysis_add(zc_analysis *a, const char *entry, const char *jurisdiction, int year, const zc_codes *codes);
size_t zc_analysis_count(const zc_analysis *a);
/* The order categories come in (the codebook's); categories not named follow in the order they
   were first met. */
void zc_analysis_order(zc_analysis *a, const char *const *categories, size_t n);
/* The categories met, in that order (a new array of strings). */
json_t *zc_analysis_categories(const zc_analysis *a);
/* A category's name as the codebook gives it (共生单元), for tables and figures; its id when
   none was given. */
void zc_analysis_category_name(zc_analysis *a, const char *id, const char *name);
const char *zc_analysis_category_label(const zc_analysis *a, const char *id);

/* ---- frequencies ---- */

enum { ZC_BY_PROVINCE = 1, ZC_BY_REGION = 2, ZC_BY_YEAR = 4, ZC_BY_CODE = 8 /* word counts */ };
/* "province,year" and the like into ZC_BY_* (empty or "none": 0; "code" for word counts);
   ZC_EUSAGE for a word that is none of them. */
int zc_analysis_by_parse(const char *s, unsigned *by);
/*
 * The long table: one row a category, code and group of by, {"category", "code",
 * "jurisdiction", "province", "region", "year", "entries", "share"}: code "" is the category's
 * own row (entries holding any of its codes), then its codes by entries (most first, then by
 * code); share is entries over the category's entries in the same group (1 for the category's
 * row).  A group's fields are present only when by asks for them: province by jurisdiction
 * (国家 for national entries), region (east, centre, west, north-east, national) or year (0 for
 * unknown).  category NULL: every category; top > 0: the first top codes of each category and
 * group.
 */
json_t *zc_analysis_frequencies(const zc_analysis *a, const char *category, unsigned by, size_t top);
/* The rows as CSV (UTF-8 with a BOM, a header), JSON (an array), JSONL or a table; columns of
   the group only where by asks for them. */
int zc_analysis_rows_write(FILE *f, json_t *rows, unsigned by, enum zc_format fmt);
/* Any long rows with the columns cols (a missing cell is empty), as above. */
int zc_rows_write(FILE *f, json_t *rows, const char *const *cols, size_t ncols, enum zc_format fmt);

/*
 * The entries behind a count, as entry codes in entry order (a new array of strings): those
 * holding code of category (code NULL: any of its codes; code2 as well: both, the entries of a
 * network edge), narrowed to a jurisdiction ("00" or a province code; NULL any), a region
 * (ZC_NREGIONS for national; -1 any) and a year (0 any).
 */
json_t *zc_analysis_trace(const zc_analysis *a, const char *category, const char *code, const char *code2,
			  const char *jurisdiction, int region, int year);

/* ---- the cooperation network ---- */

typedef struct zc_net_node {
	char *code;
	long frequency;		/* entries holding the code */
	long degree;		/* codes it co-occurs with */
	double strength;	/* entries it shares with the others, summed over its edges */
	double betweenness;	/* igraph_betweenness, undirected, unweighted (raw, not normalised) */
	long community;		/* igraph_community_multilevel (Louvain) with the weights, seeded: 0 … */
	long flows_out, flows_in;	/* relations recorded from and to it */
} zc_net_node;

typedef struct zc_net_edge {
	size_t source, target;	/* nodes; source is the end most relations start from */
	long weight;		/* entries holding both codes */
	long flows, flows_back;	/* relations recorded source->target and target->source */
} zc_net_edge;

typedef struct zc_network {
	char *category;
	zc_net_node *nodes;	/* by frequency, most first, then by code */
	size_t nnodes;
	zc_net_edge *edges;	/* by weight, most first, then by the nodes' order */
	size_t nedges;
	int directed;		/* some relation recorded: edges with flows are directed */
	double modularity;	/* of the communities, with the weights */
	long entries;		/* entries holding a code of the category */
} zc_network;

/* The network of category's codes: ZC_ENOTFOUND when no entry holds a code of it. */
int zc_network_build(const zc_analysis *a, const char *category, zc_network **out);
void zc_network_free(zc_network **n);

/*
 * Writers (docs/ANALYSIS.md has each format):
 *   GEXF 1.3 (Gephi): node attributes frequency, degree, strength, betweenness, community,
 *     flows_out, flows_in, viz:size by frequency; edges weighted by co-occurrence; in a directed
 *     network an edge with relations one way only is "directed", the others "mutual".
 *   GraphML: the same attributes; a directed network's mutual edge is written both ways.
 *   edges CSV: source, target, weight, type, flows, flows_back; nodes CSV: the attributes.
 *   matrix CSV: co-occurrence counts, Ochiai (c / sqrt(fi fj)) or Jaccard (c / (fi + fj - c)),
 *     codes in node order, the diagonal the frequencies (counts) or 1.
 *   JSON: {"category", "entries", "directed", "modularity", "nodes": [...], "edges": [...]}.
 * CSV has a BOM.
 */
enum zc_net_format { ZC_NET_GEXF, ZC_NET_GRAPHML, ZC_NET_EDGES, ZC_NET_NODES, ZC_NET_COUNTS, ZC_NET_OCHIAI,
		     ZC_NET_JACCARD, ZC_NET_JSON };
int zc_network_format_parse(const char *s, enum zc_net_format *f);
int zc_network_write(const zc_network *n, FILE *f, enum zc_net_format fmt);
json_t *zc_network_json(const zc_network *n);

/* The network as SVG: nodes on a circle by community, a node's area by its entries, lines as wide
   as their weight, arrows where relations run (docs/zhengce.1); data-* attributes carry the
   numbers. */
int zc_network_svg(const zc_network *n, FILE *f);
/* The report's sections on the codes (HTML): the categories' entries, the network figure (n may
   be NULL), the first top codes of each category with the entries behind each count. */
int zc_analysis_report_html(const zc_analysis *a, const zc_network *n, size_t top, FILE *f);

/* The agreement of each round (coding.h zc_agree_round's reports, an array) as an HTML table:
   a row a round and category and one for the round overall. */
int zc_agreement_html(json_t *rounds, FILE *f);

/* ---- the coded entries of a corpus ---- */

#include "index.h"
enum { ZC_LOAD_LEFT = 1 /* also the entries no longer in the selection */ };
typedef struct zc_load_stats {
	long entries;		/* loaded */
	long left;		/* coded entries no longer in the selection (loaded only with ZC_LOAD_LEFT) */
	long changed;		/* entries whose text changed since they were coded (loaded; to review) */
	long unreadable;	/* final records that could not be used */
} zc_load_stats;
/* Every entry's final codes (coding.h zc_coding_finals_each) with its jurisdiction and its
   document's year, the categories in the stored codebook's order and with its names. */
int zc_analysis_load(zc_index *idx, unsigned flags, zc_analysis **out, zc_load_stats *st);

/* ---- word frequencies ---- */

/* friso's lexicon as Debian's friso-dict installs it */
#define ZC_FRISO_LEXICON "/usr/share/friso/dict/UTF-8"

typedef struct zc_words zc_words;
/*
 * friso in complex mode, synonyms off, over its lexicon (lexicon: the directory holding
 * friso.lex.ini; NULL: ZC_FRISO_LEXICON), with the terms of dictionary added as words and the
 * words of stopwords dropped (files of one word a line, '#' comments, "# version: V"; NULL:
 * none).  Counted words have at least min_chars characters and a Chinese character.
 * ZC_ENOTFOUND (no lexicon, no file) or ZC_EPARSE (a line that is not one word) with *err
 * saying which file and line (free it).
 */
int zc_words_open(const char *lexicon, const char *dictionary, const char *stopwords, size_t min_chars, zc_words **out,
		  char **err);
void zc_words_close(zc_words **w);
/* A word list's text (what zc_words_open reads from its files): its words appended to words, its
   "# version: V", "file" (what) and "words" (how many) set in info.  ZC_EPARSE with *err naming
   what and the line when the text is not UTF-8 or a line is not one word of at most 16
   characters. */
int zc_word_list_parse(const char *text, size_t len, const char *what, json_t *info, json_t *words, char **err);
/* {"segmenter", "lexicon", "min_chars", "dictionary": {file, version, words}, "stopwords": {…}}:
   what a count records of how it was made (a new reference). */
json_t *zc_words_about(const zc_words *w);
/* Calls fn with each word of text as friso cuts it, in order, punctuation left out; filtered:
   also the stop words, the words shorter than min_chars and those without a Chinese character
   (numbers, list marks).  The word is valid for the call.  ZC_EPARSE when text is not UTF-8. */
typedef void (*zc_word_fn)(const char *word, void *arg);
int zc_words_each(zc_words *w, const char *text, int filtered, zc_word_fn fn, void *arg);

/* Word counts by group (ZC_BY_*: code, province, region, year): each unit (an entry or a
   document) counts its words in its group, or with ZC_BY_CODE in the group of each of codes. */
typedef struct zc_word_table zc_word_table;
zc_word_table *zc_word_table_new(unsigned by);
void zc_word_table_free(zc_word_table **t);
int zc_word_table_add(zc_word_table *t, zc_words *w, const char *text, const char *jurisdiction, int year, json_t *codes);
/* Rows {group fields…, "word", "count" (occurrences), "units" (entries or documents holding it)},
   groups in order, words by count (most first), then units, then the word; top > 0: the first
   top words of each group. */
json_t *zc_word_table_rows(const zc_word_table *t, size_t top);

#endif
