/*
 * export.h - the corpus in the formats researchers open: CSV (RFC 4180, UTF-8 with a BOM so
 * Excel reads Chinese right, formula-like cells neutralised), JSONL, XLSX; counts by province
 * and year; jurisdiction names.
 *
 * Rows come from pages and entries (index/page.h) the caller reads from the index; the exporter
 * borrows each for the duration of the call only.
 */
#ifndef ZC_EXPORT_H
#define ZC_EXPORT_H

#include <jansson.h>
#include <stdio.h>

#include "index.h"

/* Jurisdictions: "00" national, GB/T 2260 province codes. */
const char *zc_province_name(const char *code);		/* 浙江, or NULL */
const char *zc_province_pinyin(const char *code);	/* Zhejiang, or NULL */
/* Accepts 浙江, 浙江省, Zhejiang, zhejiang or 33; NULL when unknown. */
const char *zc_province_code(const char *name);
/* Every code in order, NULL-terminated: "00", "11" … "65". */
extern const char *const ZC_JURISDICTIONS[];

/*
 * The reference study's regions: 0 east (东部), 1 centre (中部), 2 west (西部), 3 north-east
 * (东北).  zc_province_region gives a province code's region, -1 for "00" or an unknown code;
 * zc_region_parse reads east, centre, west, north-east or the Chinese names (-1 otherwise).
 */
#define ZC_NREGIONS 4
int zc_province_region(const char *code);
const char *zc_region_name(int r);	/* "east" …; NULL out of range */
const char *zc_region_label(int r);	/* "东部" …; NULL out of range */
int zc_region_parse(const char *s);

/* ZC_FMT_TEXT: a directory of text files, one a document (export --text) */
enum zc_format { ZC_FMT_CSV, ZC_FMT_JSONL, ZC_FMT_XLSX, ZC_FMT_TABLE, ZC_FMT_JSON, ZC_FMT_TEXT };
int zc_format_parse(const char *s, enum zc_format *f);

typedef struct zc_exporter zc_exporter;
/* What an export holds beside the columns of its kind (docs/CSV.md). */
enum {
	ZC_EXPORT_EXCLUDED = 1,	/* decision, reason, evidence, canonical_url (--excluded, --all) */
	ZC_EXPORT_BODY = 2,	/* body: the document's text */
};
/*
 * kind: "documents" or "entries"; flags: ZC_EXPORT_* (documents only).  Rows go to out, except
 * for XLSX, where path names the file (stdout is not possible), and ZC_FMT_TEXT, where path
 * names an existing directory that gets CODE.txt for each document with a code (its fields,
 * then its text: the pages need their text, zc_query.body).  Rows come in the order the caller
 * gives them.  about (may be NULL) is the selection's profile record (select.h
 * zc_select_profile_record): every row then ends with its name, SHA-256 and the zhengce version
 * that selected, and an XLSX file has a sheet "profile" with those and the criteria in words;
 * the exporter keeps its own copy.
 */
int zc_export_begin(FILE *out, const char *path, enum zc_format fmt, const char *kind, unsigned flags,
		    int bom, const zc_profile_record *about, zc_exporter **e);
int zc_export_doc(zc_exporter *e, const zc_page *page);
int zc_export_entry(zc_exporter *e, const zc_entry *entry, const zc_page *page);
/* XLSX cells cut so far at Excel's limit of 32,767 characters (each ends in a marker saying
   so): what the caller warns of, before zc_export_end. */
long zc_export_cut(const zc_exporter *e);
int zc_export_end(zc_exporter **e);

/* CSV cell quoting with formula neutralisation; appends to b (exposed for tests). */
#include "zc.h"
void zc_csv_cell(zc_buf *b, const char *s);

/* Statistics: documents and entries by jurisdiction and year. */
typedef struct zc_stats zc_stats;
zc_stats *zc_stats_new(void);
/* An included document: its jurisdiction code, its date (written, else published) and entries. */
void zc_stats_add(zc_stats *s, const char *jurisdiction, const char *date, long entries);
void zc_stats_excluded(zc_stats *s, const char *reason);
/* A page of the selection, whatever was decided of it (the report's flow starts from them). */
void zc_stats_page(zc_stats *s);
/* by: province, year, province-year, issuer, type, summary (the default).  CSV has a BOM;
   for summary and province-year it is long form: jurisdiction, province, year, documents,
   entries, one row a jurisdiction and year with documents. */
int zc_stats_print(const zc_stats *s, FILE *out, const char *by, enum zc_format fmt);
json_t *zc_stats_json(const zc_stats *s);
void zc_stats_free(zc_stats **s);

/*
 * The report: one self-contained HTML file (report.c).  profile is the selection's profile
 * record (select.h zc_select_profile_record; or one with the name alone, or NULL).  about
 * (borrowed) is what else the corpus says beside the counts: {"keywords": [the words the crawl
 * searched for], "sites": [{"host", "complete", "full"}: each site's last complete crawl and
 * full pass, marks.h], "crawled": the last crawl's time, "codes_html": the sections on the
 * coded entries, HTML put in before the methods}; any member may be missing.
 */
int zc_report_write(FILE *f, const zc_stats *s, const zc_profile_record *profile, json_t *about);
/*
 * The report's figures, each one standalone SVG (what report --figures writes, NAME.svg): the
 * same drawing as in the report, every count in a data-count attribute (docs/zhengce.1).
 */
enum { ZC_FIG_YEARS, ZC_FIG_MAP, ZC_FIG_REGIONS, ZC_FIG_FLOW, ZC_NFIGURES };
const char *zc_figure_name(int fig);	/* "figure2-provinces-map" …, NULL out of range */
int zc_report_figure(FILE *f, int fig, const zc_stats *s);

#endif
