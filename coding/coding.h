/*
 * coding.h - coding the entries: the codebook, coders' sheets and their import, agreement
 * between coders, resolution into final codes with a normalisation map, and exchange with QDA
 * software (REFI-QDA).  Storage is index/'s coding table (index/codings.h); this module reads
 * and writes it through those operations only.
 *
 * Ownership: structures returned through out-parameters are the caller's, freed with the
 * matching _free(), which takes T ** and sets it to NULL.  Error messages (char **err) are new
 * strings the caller frees; they name the file, the field or the row and what is wrong.
 * json_t values passed in are borrowed; returned ones are new references.
 */
#ifndef ZC_CODING_H
#define ZC_CODING_H

#include "index.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* ---- the codebook (docs/CODEBOOK.md) ---- */

typedef struct zc_code {
	char *code;		/* the second-level code as coders write it */
	char *description;	/* "" when none */
	char **keywords;	/* hints: words of an entry that suggest the code */
	size_t nkeywords;
} zc_code;

typedef struct zc_category {
	char *id;		/* [a-z][a-z0-9_]*: columns, records and QDPX name it */
	char *name;		/* as the study names it (共生单元) */
	char *description;
	char **examples;
	size_t nexamples;
	zc_code *codes;		/* the closed list (may be empty when open) */
	size_t ncodes;
	int open;		/* codes outside the list are allowed (free text) */
	int multiple;		/* several codes per entry */
	char *relation;		/* name of the directed relation between two of its codes, or NULL */
	char *relation_description;
} zc_category;

typedef struct zc_codebook {
	char *name, *title, *description, *source;
	zc_category *cats;
	size_t ncats;
	char sha256[65];	/* of the file's JSON, compact with sorted keys: what codings record */
	json_t *json;		/* the codebook as read (owned) */
} zc_codebook;

/* Reads and validates a codebook strictly: an unknown field, a missing or mistyped one, a
   duplicate id or code, a code holding a separator of values, is an error naming the field
   (categories[1].codes[3].code).  what names the input in messages (the file). */
int zc_codebook_parse(const char *text, size_t len, const char *what, zc_codebook **out, char **err);
int zc_codebook_load(const char *path, zc_codebook **out, char **err);
/* the codebook of a stored codebook record's JSON (zc_codebook_rec's codebook) */
int zc_codebook_from_json(json_t *j, const char *what, zc_codebook **out, char **err);
void zc_codebook_free(zc_codebook **cb);
/* The category with this id or name (共生单元), or -1. */
int zc_codebook_category(const zc_codebook *cb, const char *id_or_name);
/* The index of value in the category's closed list, or -1. */
int zc_category_code(const zc_category *c, const char *value);
/* The codebook as readable text (what `code codebook` prints). */
void zc_codebook_print(const zc_codebook *cb, FILE *f);

/* ---- values of a cell ---- */

/* A cell's values: split at ; ； 、 and line breaks, each trimmed, empty ones and repeats
   dropped, in the order written.  A new JSON array of strings. */
json_t *zc_values_split(const char *cell);
/* The cell's values checked against category c: ZC_OK, or ZC_EPARSE with *why saying which
   value and what is wrong (not in the closed list, the nearest code named; several where one
   is allowed). */
int zc_values_check(const zc_category *c, json_t *values, char **why);
/* Relations written "A->B; C→D": a new array of [source, target] pairs, or NULL with *why. Each
   end must be one of values (the entry's codes of that category). */
json_t *zc_relations_parse(const zc_category *c, const char *cell, json_t *values, char **why);
/* The cell text of values and of relations, as sheets write them ("A；B", "A->B；C->D"). */
char *zc_values_join(json_t *values);
char *zc_relations_join(json_t *relations);
/* A record's codes of a category (or its relations) as a cell writes them. */
char *zc_catcodes_join(const zc_catcodes *c, int relations);

/* ---- coders' sheets ---- */

/* One row of a sheet: an entry of the published selection. */
typedef struct zc_sheet_row {
	const char *entry, *province;
	int year;			/* the written date's, else the published date's; 0 unknown */
	const char *title, *text, *url;	/* title and text without control characters */
} zc_sheet_row;
typedef int (*zc_sheet_rows_fn)(const zc_sheet_row *r, void *arg);
/*
 * The entries of the included documents q matches (every entry when q is NULL), in the
 * corpus's order (zc_index_entries).  With sample > 0, only sample of them: those whose
 * SHA-256 of "SEED:CODE" is smallest, so that every coder given the same seed gets the same
 * entries whatever else differs; still in the corpus's order.
 */
int zc_sheet_rows(zc_index *idx, const zc_query *q, long sample, unsigned long seed, zc_sheet_rows_fn fn, void *arg);

typedef struct zc_sheet_opts {
	const zc_codebook *cb;
	const char *coder;	/* named in the file's properties and codebook page */
	const zc_query *q;	/* which entries (NULL: all) */
	long sample;		/* 0: every entry */
	unsigned long seed;
	int xlsx;		/* XLSX to path, else CSV (UTF-8 with BOM) to out */
} zc_sheet_opts;
/*
 * A coder's sheet: columns entry, province, year, title, text, url, then a column a category
 * (headed with its name) and, for a category with relations, one for them
 * (zc_sheet_relation_header), then note.  XLSX: a drop-down of the codes where a category has a
 * closed list (data validation on a hidden sheet "lists"), a sheet "codebook", frozen header
 * and entry column, widths, wrapped text, filters.  Blind: no values.  *rows: entries written.
 */
int zc_sheet_write(zc_index *idx, const zc_sheet_opts *o, const char *path, FILE *out, long *rows);
/* The header of a category's relations column: "支援关系 (共生单元 A->B)" (new string). */
char *zc_sheet_relation_header(const zc_category *c);

/* ---- a filled sheet back ---- */

typedef struct zc_import_opts {
	const zc_codebook *cb;
	const char *coder;
	unsigned round;		/* 1 to 999 */
	const char *name;	/* the file's name, recorded with each coding */
} zc_import_opts;
typedef struct zc_import_stats {
	long rows;		/* rows under the header */
	long stored;		/* new codings */
	long changed;		/* codings that replaced different ones of the same coder and round */
	long unchanged;		/* the same as stored already: nothing written */
	long empty;		/* rows without any code (not coded yet): nothing stored */
	long refused;		/* rows that could not be used (each reported) */
} zc_import_stats;
/* a row that could not be used: its number in the sheet (the header is 1), its entry code ("" when
   none), why (borrowed for the call) */
typedef void (*zc_import_problem_fn)(long row, const char *entry, const char *why, void *arg);
/*
 * A coder's filled sheet (XLSX, found by its zip signature; else CSV) into the coding table:
 * the header names the columns (entry; categories by name or id; relations by their header,
 * name or ID:relations; note; the sheet's other columns ignored; any other header is an error);
 * each value is checked against the codebook and each entry against the selection.  Rows that
 * pass are stored in one transaction with the SHA-256 of their entry's text; fn gets the others
 * in row order.  Importing the same sheet again changes nothing (unchanged).  An error of the
 * whole file (not a sheet, no entry column, an unknown column) is ZC_EPARSE with *err.
 */
int zc_import_sheet(zc_index *idx, const zc_import_opts *o, const char *data, size_t len, zc_import_problem_fn fn,
		    void *arg, zc_import_stats *st, char **err);
/* Codings already read and checked (rows: [{entry, row, codes, relations}], as the QDPX reader
   makes them) stored as zc_import_sheet stores a sheet's. */
int zc_import_records(zc_index *idx, const zc_import_opts *o, json_t *rows, zc_import_problem_fn fn, void *arg,
		      zc_import_stats *st, char **err);
/* The sheet read and its rows checked against the codebook, no corpus needed (for the fuzzer
   and tests); free with zc_import_parsed_free. */
typedef struct zc_import_parsed zc_import_parsed;
int zc_import_table(const zc_codebook *cb, const char *data, size_t len, zc_import_parsed **out, char **err);
void zc_import_parsed_free(zc_import_parsed **p);
/* its usable rows: the i-th's entry code, row number and coding (its codes, relations and
   note; borrowed, valid until the free); and its refused rows */
size_t zc_import_parsed_count(const zc_import_parsed *p);
const zc_coding *zc_import_parsed_get(const zc_import_parsed *p, size_t i, const char **entry, long *row);
void zc_import_parsed_problems(const zc_import_parsed *p, zc_import_problem_fn fn, void *arg);

/* ---- agreement between coders ---- */

/* the coefficients, in the order of ZC_AGREE_NAMES */
enum {
	ZC_AGREE_PERCENT,	/* pairs of coders' values equal, over pairs of coders and units both coded */
	ZC_AGREE_HOLSTI,	/* 2M / (N1 + N2) over code decisions (codes; "no code" one decision) */
	ZC_AGREE_COHEN,		/* Cohen's kappa (two coders) */
	ZC_AGREE_SCOTT,		/* Scott's pi (two coders) */
	ZC_AGREE_FLEISS,	/* Fleiss' kappa (three or more; the units every coder coded) */
	ZC_AGREE_ALPHA,		/* Krippendorff's alpha, nominal (sets as wholes), missing values allowed */
	ZC_AGREE_ALPHA_MASI,	/* Krippendorff's alpha with the MASI distance between sets */
	ZC_AGREE_NCOEF
};
extern const char *const ZC_AGREE_NAMES[ZC_AGREE_NCOEF];

/* Reliability data: units x coders, each value a set of codes or missing. */
typedef struct zc_agree_data zc_agree_data;
zc_agree_data *zc_agree_new(size_t ncoders);
void zc_agree_free(zc_agree_data **d);
/* a new unit, every coder missing; returns its index */
size_t zc_agree_unit(zc_agree_data *d);
size_t zc_agree_units(const zc_agree_data *d);
/* coder's value of unit: codes (an array of strings, order and repeats ignored; [] is "no
   code"), or NULL for missing */
void zc_agree_set(zc_agree_data *d, size_t unit, size_t coder, json_t *codes);

typedef struct zc_agreement {
	long units;			/* units with at least one value */
	long pairable;			/* values in units with two or more (alpha's n) */
	long coders;
	double value[ZC_AGREE_NCOEF];	/* NAN where not defined (Cohen with three coders, ...) */
	double lo[ZC_AGREE_NCOEF], hi[ZC_AGREE_NCOEF];	/* 95% bootstrap interval, NAN without */
} zc_agreement;
/* The coefficients; with boot > 0 their 95% intervals from boot samples of the units drawn
   with replacement (a PRNG seeded with seed: the same data and seed give the same interval). */
void zc_agree_compute(zc_agree_data *d, long boot, unsigned long seed, zc_agreement *out);
/* MASI distance (Passonneau 2006: 1 - Jaccard x monotonicity 1, 2/3, 1/3, 0) between two sets
   written as agree.c's labels (codes joined by 0x1f; "" the empty set, disjoint from any). */
double zc_masi_distance(const char *a, const char *b);

/* The rounds that have codings, ascending (free *rounds). */
int zc_coding_rounds(zc_index *idx, unsigned **rounds, size_t *n);
/*
 * The agreement of one round's coders, as a new JSON report: {round, coders: [names], entries,
 * categories: [{category (id, or ID:relations), name, units, pairable, coders, percent, holsti,
 * cohen_kappa, scott_pi, fleiss_kappa, alpha_nominal, alpha_masi (null where undefined), ci95:
 * {coefficient: [lo, hi]}}], overall: {the same over every category's units pooled},
 * disagreements: [{entry, categories: {category: {coder: values}}}] in entry order}.
 */
int zc_agree_round(zc_index *idx, const zc_codebook *cb, unsigned round, long boot, unsigned long seed, json_t **report);
/* The sheet for the adjudication meeting (XLSX at path): a row a disagreement of the report,
   with the entry's text, each coder's values ("共生单元 [A]") and the category's own column,
   filled where the coders agree on it, for the meeting to fill; code resolve --sheet reads it. */
int zc_adjudication_sheet(zc_index *idx, const zc_codebook *cb, json_t *report, const char *path);

/* ---- resolution into final codes ---- */

/*
 * A normalisation map (docs/CODEBOOK.md): {category id or "*": {synonym: canonical code}},
 * checked against the codebook (categories exist, each canonical code is valid in its category,
 * no chains: a canonical code is no synonym).  A new reference in *map, or *err.
 */
int zc_normalisation_parse(const zc_codebook *cb, const char *text, size_t len, const char *what, json_t **map, char **err);

typedef struct zc_resolve_opts {
	const zc_codebook *cb;
	unsigned round;
	const zc_import_parsed *sheet;	/* the adjudicated sheet, or NULL */
	json_t *map;			/* a normalisation map (zc_normalisation_parse), or NULL */
	const char *map_name;		/* recorded with it */
} zc_resolve_opts;
typedef struct zc_resolve_stats {
	long entries;		/* coded in the round */
	long agreed;		/* every coder gave the same codes and relations */
	long single;		/* one coder coded the entry */
	long adjudicated;	/* from the sheet */
	long unresolved;	/* coders differ and the sheet has no row for it (each reported) */
	long stored, unchanged;	/* final records written, and found as they were */
	json_t *counts;		/* {category: {before, after (distinct codes), renamed (occurrences)}} */
} zc_resolve_stats;
/*
 * Final codes for the round's entries: the codes the coders agree on, a single coder's, or the
 * adjudicated sheet's; the normalisation map applied to codes and relation ends (repeats merged,
 * a relation made a loop dropped); each final record says where it came from and what was
 * renamed.  Resolving again with the same inputs changes nothing.  fn gets unresolved entries
 * and the sheet's refused rows.  st->counts is a new reference the caller json_decref()s.
 */
int zc_resolve(zc_index *idx, const zc_resolve_opts *o, zc_import_problem_fn fn, void *arg, zc_resolve_stats *st);

/* ---- exchange with QDA software: REFI-QDA (docs/CODEBOOK.md) ---- */

/* The codebook as a REFI-QDA codebook (.qdc, urn:QDA-XML:codebook:1.0): a category a code that
   cannot be coded, its codes beneath it. */
int zc_qdc_write(const zc_codebook *cb, FILE *out);
/*
 * A REFI-QDA project (.qdpx at path): a text source a document (its entries, one a line, each
 * "[CODE] text"), the codebook as codes (with the codes coders wrote beyond the closed lists),
 * a user a coder, and each coder's coding of an entry in round (0: every round, the last one
 * written wins) as a plain-text selection of the entry's text, positions in characters (code
 * points), with a coding a code.  *sources and *selections: how many were written.
 */
int zc_qdpx_export(zc_index *idx, const zc_codebook *cb, unsigned round, const char *path, long *sources, long *selections);
/*
 * The codings of a REFI-QDA project (as zhengce exported it, coded further in a QDA program):
 * each plain-text selection is the entry whose line it overlaps most, each coding's code is
 * found by its GUID in the project's codebook under a category (by name or id), its coder is the
 * coding's user (or coder, when given).  *out: {coders: {name: [{entry, row, codes}]}, problems:
 * [[selection number, entry, why]]}, rows checked against the codebook; store them with
 * zc_import_records.  ZC_EPARSE with *err when the file is no project.
 */
int zc_qdpx_read(const zc_codebook *cb, const char *data, size_t len, const char *coder, json_t **out, char **err);

/* ---- final codes (what analysis reads) ---- */

enum {
	ZC_FINAL_LEFT = 1,	/* the entry is no longer in the selection (reselect, recrawl) */
	ZC_FINAL_CHANGED = 2,	/* the entry's text changed since it was coded: review it */
};

typedef struct zc_final_codes {
	const char *entry;	/* entry code JJ-N-S-I */
	const char *doc_code;	/* its document's file code JJ-N */
	const zc_final *rec;	/* the final record: rec->codes its codes and relations per category */
	unsigned flags;		/* ZC_FINAL_* */
} zc_final_codes;

/* Calls fn with every entry's final codes, in entry-code order (numbers as numbers: 00-29-2-1
   before 00-29-10-1), in one read transaction; pointers are valid for the call.  fn returns
   non-zero to stop, and that is then the result. */
typedef int (*zc_finals_fn)(const zc_final_codes *f, void *arg);
int zc_coding_finals_each(zc_index *idx, zc_finals_fn fn, void *arg);

/* Compares entry codes with their numbers as numbers (for qsort on strings). */
int zc_entry_code_cmp(const char *a, const char *b);
/* The SHA-256 of text as 64 hex digits into out[65]: what a coding records of its entry. */
void zc_text_sha256(const char *text, size_t len, char out[65]);

#endif
