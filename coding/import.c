/*
 * import.c - a coder's filled sheet (XLSX or CSV) back into the coding table (coding.h): every
 * value checked against the codebook, rows that cannot be used reported with the reason, the
 * rest stored in one transaction; the same sheet imported again changes nothing.
 */
#include "internal.h"
#include "coding.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct problem {
	long row;
	char *entry, *why;
} problem;

typedef struct parsed {
	long row;
	char *entry;
	zc_coding c;	/* codes, relations, note (its own string) */
} parsed;

/* the rows of a sheet as read, then as stored (opaque outside: zc_import_parsed) */
typedef struct zc_import_parsed job;
struct zc_import_parsed {
	const zc_import_opts *o;
	parsed *rows;
	size_t nrows;
	problem *probs;
	size_t nprobs, nprobs_parse;
	zc_import_stats st;
	char at[32];
};

static void add_problem(job *j, long row, const char *entry, char *why)
{
	j->probs = zc_realloc(j->probs, (j->nprobs + 1) * sizeof *j->probs);
	j->probs[j->nprobs].row = row;
	j->probs[j->nprobs].entry = zc_strdup(entry ? entry : "");
	j->probs[j->nprobs++].why = why;
}

/* the columns: -1 absent */
typedef struct cols {
	long entry, note;
	long *cat, *rel;
} cols;

static int is_known_fixed(const char *h)
{
	static const char *const fixed[] = {"province", "year", "title", "text", "url"};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		if (!strcmp(h, fixed[i]))
			return 1;
	return 0;
}

static int header(const zc_codebook *cb, const zc_cells *t, cols *c, char **err)
{
	c->entry = c->note = -1;
	c->cat = zc_calloc(cb->ncats, sizeof *c->cat);
	c->rel = zc_calloc(cb->ncats, sizeof *c->rel);
	for (size_t i = 0; i < cb->ncats; i++)
		c->cat[i] = c->rel[i] = -1;
	size_t n = t->nrows ? t->ncells[0] : 0;
	for (size_t k = 0; k < n; k++) {
		char *h = zc_str_trim(zc_strdup(zc_cells_cell(t, 0, k)));
		long *slot = NULL;
		size_t hl = strlen(h);
		/* empty, a column of the sheets that is no coding, or a coder's values on an
		   adjudication sheet ("共生单元 [A]") */
		if (!*h || is_known_fixed(h) || (hl > 3 && h[hl - 1] == ']' && strstr(h, " ["))) {
			free(h);
			continue;
		}
		if (!strcmp(h, "entry") || !strcmp(h, "code"))
			slot = &c->entry;
		else if (!strcmp(h, "note"))
			slot = &c->note;
		for (size_t i = 0; !slot && i < cb->ncats; i++) {
			const zc_category *cat = &cb->cats[i];
			if (!strcmp(h, cat->id) || !strcmp(h, cat->name)) {
				slot = &c->cat[i];
			} else if (cat->relation) {
				char *rh = zc_sheet_relation_header(cat), *idh = zc_asprintf("%s:relations", cat->id);
				if (!strcmp(h, rh) || !strcmp(h, idh) || !strcmp(h, cat->relation))
					slot = &c->rel[i];
				free(rh);
				free(idh);
			}
		}
		if (!slot) {
			*err = zc_asprintf("column %zu's header \"%s\" is neither a category of codebook %s nor a column of its "
					   "sheets (entry, province, year, title, text, url, note)", k + 1, h, cb->name);
			free(h);
			return ZC_EPARSE;
		}
		if (*slot >= 0) {
			*err = zc_asprintf("columns %ld and %zu are both \"%s\"", *slot + 1, k + 1, h);
			free(h);
			return ZC_EPARSE;
		}
		*slot = (long)k;
		free(h);
	}
	if (c->entry < 0) {
		*err = zc_strdup("no column \"entry\" (the entry codes): not a coding sheet");
		return ZC_EPARSE;
	}
	int any = 0;
	for (size_t i = 0; i < cb->ncats; i++)
		any |= c->cat[i] >= 0;
	if (!any) {
		*err = zc_asprintf("no column of a category of codebook %s", cb->name);
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* a row of codes into j->rows: codes taken over (*codes emptied), note a new string */
static void add_row(job *j, long row, const char *entry, zc_codes *codes, char *note)
{
	j->rows = zc_realloc(j->rows, (j->nrows + 1) * sizeof *j->rows);
	parsed *p = &j->rows[j->nrows++];
	memset(p, 0, sizeof *p);
	p->row = row;
	p->entry = zc_strdup(entry);
	p->c.entry = p->entry;
	p->c.codes = *codes;
	p->c.note = note;
	codes->cats = NULL;
	codes->ncats = 0;
}

/* one row into j->rows, or a problem */
static void parse_row(job *j, const zc_cells *t, const cols *c, size_t r)
{
	const zc_codebook *cb = j->o->cb;
	char *entry = zc_str_trim(zc_strdup(zc_cells_cell(t, r, (size_t)c->entry)));
	long rowno = (long)r + 1;
	zc_codes codes = {NULL, 0};
	int empty = 1;
	char *why = NULL;
	for (size_t i = 0; i < cb->ncats && !why; i++) {
		const zc_category *cat = &cb->cats[i];
		json_t *v = zc_values_split(c->cat[i] >= 0 ? zc_cells_cell(t, r, (size_t)c->cat[i]) : "");
		if (json_array_size(v))
			empty = 0;
		zc_codes_cat(&codes, cat->id);
		for (size_t k = 0; k < json_array_size(v); k++)
			zc_codes_add(&codes, cat->id, json_string_value(json_array_get(v, k)));
		if (zc_values_check(cat, v, &why) == ZC_OK && c->rel[i] >= 0) {
			const char *cell = zc_cells_cell(t, r, (size_t)c->rel[i]);
			json_t *rl = zc_relations_parse(cat, cell, v, &why);
			for (size_t k = 0; k < json_array_size(rl); k++) {
				json_t *p = json_array_get(rl, k);
				zc_codes_relate(&codes, cat->id, json_string_value(json_array_get(p, 0)), json_string_value(json_array_get(p, 1)));
				empty = 0;
			}
			json_decref(rl);
		}
		json_decref(v);
	}
	if (!why && empty) {
		j->st.empty++;	/* not coded (yet): nothing to store */
	} else if (!why && !*entry) {
		why = zc_strdup("no entry code");
	} else if (!why) {
		for (size_t k = 0; k < j->nrows; k++)
			if (!strcmp(j->rows[k].entry, entry)) {
				why = zc_asprintf("entry %s is also in row %ld", entry, j->rows[k].row);
				break;
			}
	}
	if (why) {
		add_problem(j, rowno, entry, why);
	} else if (!empty) {
		const char *note = c->note >= 0 ? zc_cells_cell(t, r, (size_t)c->note) : "";
		add_row(j, rowno, entry, &codes, zc_str_trim(zc_text_visible(note, 1)));
	}
	zc_codes_clear(&codes);
	free(entry);
}

/* row p as the coder's coding (entry text hash sha): stored unless the same is already */
static int store_row(job *j, zc_txn *t, const parsed *p, const char *sha)
{
	zc_coding c = p->c, old;
	c.coder = j->o->coder;
	c.round = j->o->round;
	c.text_sha256 = sha;
	c.codebook = j->o->cb->sha256;
	c.source_file = j->o->name ? j->o->name : "";
	c.source_row = p->row;
	c.at = j->at;
	int rc = zc_tx_coding_get(t, p->entry, j->o->coder, j->o->round, &old);
	if (rc == ZC_OK && zc_coding_same(&old, &c)) {
		j->st.unchanged++;
	} else if (rc == ZC_OK || rc == ZC_ENOTFOUND) {
		if (rc == ZC_OK)
			j->st.changed++;
		else
			j->st.stored++;
		c.own_ = old.own_;	/* fields of a newer zhengce kept */
		rc = zc_tx_coding_put(t, &c);
	}
	zc_coding_clear(&old);
	return rc;
}

/* the codebook kept with the codings (meta codebook), unless it is there already */
static int codebook_store(job *j, zc_txn *t)
{
	zc_codebook_rec cur;
	int rc = ZC_OK;
	if (zc_tx_codebook_get(t, &cur) != ZC_OK || strcmp(cur.sha256, j->o->cb->sha256)) {
		zc_codebook_rec r = {j->o->cb->name, j->o->cb->sha256, j->o->cb->json, NULL};
		rc = zc_tx_codebook_put(t, &r);
	}
	zc_codebook_rec_clear(&cur);
	return rc;
}

static int store_txn(zc_txn *t, void *arg)
{
	job *j = arg;
	int rc = ZC_OK;
	/* this function may run again (a full map grows and retries): nothing counted twice */
	for (size_t i = j->nprobs_parse; i < j->nprobs; i++) {
		free(j->probs[i].entry);
		free(j->probs[i].why);
	}
	j->nprobs = j->nprobs_parse;
	j->st.stored = j->st.changed = j->st.unchanged = 0;
	for (size_t i = 0; i < j->nrows && rc == ZC_OK; i++) {
		parsed *p = &j->rows[i];
		zc_entry ent;
		if ((rc = zc_tx_entry_get(t, p->entry, &ent)) == ZC_ENOTFOUND || rc == ZC_EUSAGE) {
			add_problem(j, p->row, p->entry, zc_asprintf("entry %s is not in the corpus's selection", p->entry));
			rc = ZC_OK;
			continue;
		}
		if (rc != ZC_OK)
			break;
		char sha[65];
		zc_text_sha256(ent.text, strlen(ent.text), sha);
		zc_entry_clear(&ent);
		rc = store_row(j, t, p, sha);
	}
	if (rc == ZC_OK && (j->st.stored || j->st.changed))
		rc = codebook_store(j, t);
	return rc;
}

static int is_zip(const char *data, size_t len)
{
	return len >= 4 && !memcmp(data, "PK\x03\x04", 4);
}

int zc_import_table(const zc_codebook *cb, const char *data, size_t len, zc_import_parsed **out, char **err)
{
	zc_cells *t = NULL;
	*out = NULL;
	*err = NULL;
	int rc = is_zip(data, len) ? zc_cells_xlsx(data, len, "coding", &t, err) : zc_cells_csv(data, len, &t, err);
	if (rc != ZC_OK)
		return rc;
	cols c = {0};
	if ((rc = header(cb, t, &c, err)) == ZC_OK) {
		zc_import_opts o = {cb, "x", 1, NULL};
		job *j = zc_calloc(1, sizeof *j);
		j->o = &o;
		for (size_t r = 1; r < t->nrows; r++)
			parse_row(j, t, &c, r);
		j->o = NULL;
		j->st.rows = t->nrows ? (long)t->nrows - 1 : 0;
		*out = j;
	}
	free(c.cat);
	free(c.rel);
	zc_cells_free(&t);
	return rc;
}

void zc_import_parsed_free(zc_import_parsed **pp)
{
	job *j = *pp;
	if (!j)
		return;
	for (size_t i = 0; i < j->nrows; i++) {
		free(j->rows[i].entry);
		free((char *)j->rows[i].c.note);
		zc_codes_clear(&j->rows[i].c.codes);
	}
	for (size_t i = 0; i < j->nprobs; i++) {
		free(j->probs[i].entry);
		free(j->probs[i].why);
	}
	free(j->rows);
	free(j->probs);
	free(j);
	*pp = NULL;
}

/* stores j's rows as o->coder's codings of round o->round; problems to fn in row order */
static int store_parsed(zc_index *idx, const zc_import_opts *o, job *j, zc_import_problem_fn fn, void *arg, zc_import_stats *st)
{
	j->o = o;
	j->nprobs_parse = j->nprobs;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(j->at, sizeof j->at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int rc = zc_index_write(idx, store_txn, j);
	for (size_t a = 1; a < j->nprobs; a++)
		for (size_t b = a; b > 0 && j->probs[b - 1].row > j->probs[b].row; b--) {
			problem x = j->probs[b];
			j->probs[b] = j->probs[b - 1];
			j->probs[b - 1] = x;
		}
	if (fn)
		for (size_t i = 0; i < j->nprobs; i++)
			fn(j->probs[i].row, j->probs[i].entry, j->probs[i].why, arg);
	*st = j->st;
	st->refused = (long)j->nprobs;
	return rc;
}

static int opts_ok(const zc_import_opts *o, char **err)
{
	if (zc_coder_name_check(o->coder) != ZC_OK || o->round < 1 || o->round > 999) {
		*err = zc_strdup("a coder's name is 1 to 64 bytes without control characters, | or ;, and a round 1 to 999");
		return ZC_EUSAGE;
	}
	return ZC_OK;
}

int zc_import_sheet(zc_index *idx, const zc_import_opts *o, const char *data, size_t len, zc_import_problem_fn fn,
		    void *arg, zc_import_stats *st, char **err)
{
	zc_import_parsed *pp;
	memset(st, 0, sizeof *st);
	*err = NULL;
	int rc = opts_ok(o, err);
	if (rc != ZC_OK)
		return rc;
	if ((rc = zc_import_table(o->cb, data, len, &pp, err)) != ZC_OK)
		return rc;
	rc = store_parsed(idx, o, pp, fn, arg, st);
	zc_import_parsed_free(&pp);
	return rc;
}

int zc_import_records(zc_index *idx, const zc_import_opts *o, json_t *rows, zc_import_problem_fn fn, void *arg,
		      zc_import_stats *st, char **err)
{
	memset(st, 0, sizeof *st);
	*err = NULL;
	int rc = opts_ok(o, err);
	if (rc != ZC_OK)
		return rc;
	job *j = zc_calloc(1, sizeof *j);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		/* a QDPX reader's row (zc_qdpx_read): {entry, row, codes: {category: [code]}} */
		zc_codes codes = {NULL, 0};
		const char *cat, *entry = json_string_value(json_object_get(r, "entry"));
		json_t *v;
		json_object_foreach(json_object_get(r, "codes"), cat, v) {
			zc_codes_cat(&codes, cat);
			for (size_t k = 0; k < json_array_size(v); k++)
				zc_codes_add(&codes, cat, json_string_value(json_array_get(v, k)));
		}
		add_row(j, (long)json_integer_value(json_object_get(r, "row")), entry ? entry : "", &codes, zc_strdup(""));
	}
	j->st.rows = (long)j->nrows;
	rc = store_parsed(idx, o, j, fn, arg, st);
	zc_import_parsed_free(&j);
	return rc;
}

size_t zc_import_parsed_count(const zc_import_parsed *p)
{
	return p->nrows;
}

const zc_coding *zc_import_parsed_get(const zc_import_parsed *p, size_t i, const char **entry, long *row)
{
	if (i >= p->nrows)
		return NULL;
	*entry = p->rows[i].entry;
	*row = p->rows[i].row;
	return &p->rows[i].c;
}

void zc_import_parsed_problems(const zc_import_parsed *p, zc_import_problem_fn fn, void *arg)
{
	for (size_t i = 0; i < p->nprobs; i++)
		fn(p->probs[i].row, p->probs[i].entry, p->probs[i].why, arg);
}
