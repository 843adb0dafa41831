/*
 * gather.c - coders' codings kept past the walk over the coding table (internal.h): what
 * agreement, resolution and the QDPX export read, in the table's order.
 */
#include "internal.h"
#include "coding.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

typedef struct gather_ctx {
	unsigned round;
	zc_kept_set *s;
} gather_ctx;

static int keep_one(const zc_coding *c, void *arg)
{
	gather_ctx *g = arg;
	zc_kept_set *s = g->s;
	if (g->round && c->round != g->round)
		return 0;
	zc_kept *k = s->n ? &s->v[s->n - 1] : NULL;
	if (k && !strcmp(k->entry, c->entry) && !strcmp(k->coder, c->coder)) {
		/* a later round of the same coder and entry: it replaces the earlier */
		zc_codes_clear(&k->codes);
		free(k->note);
		free(k->text_sha256);
	} else {
		s->v = zc_realloc(s->v, (s->n + 1) * sizeof *s->v);
		k = &s->v[s->n++];
		k->entry = zc_strdup(c->entry);
		k->coder = zc_strdup(c->coder);
	}
	k->round = c->round;
	zc_codes_copy(&k->codes, &c->codes);
	k->note = zc_strdup(c->note);
	k->text_sha256 = zc_strdup(c->text_sha256);
	return 0;
}

int zc_kept_gather(zc_txn *t, unsigned round, zc_kept_set *s)
{
	zc_kept_free(s);
	gather_ctx g = {round, s};
	return zc_tx_codings_each(t, keep_one, &g);
}

const zc_kept *zc_kept_find(const zc_kept_set *s, const char *entry, size_t *count)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {	/* the first with entry >= the one sought */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->v[mid].entry, entry) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < s->n && !strcmp(s->v[lo + n].entry, entry))
		n++;
	if (count)
		*count = n;
	return n ? &s->v[lo] : NULL;
}

const zc_kept *zc_kept_of(const zc_kept_set *s, const char *entry, const char *coder)
{
	size_t n;
	const zc_kept *k = zc_kept_find(s, entry, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(k[i].coder, coder))
			return &k[i];
	return NULL;
}

void zc_kept_free(zc_kept_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].entry);
		free(s->v[i].coder);
		zc_codes_clear(&s->v[i].codes);
		free(s->v[i].note);
		free(s->v[i].text_sha256);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
