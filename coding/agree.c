/*
 * agree.c - agreement between coders (coding.h): percent agreement, Holsti's CR, Cohen's kappa,
 * Scott's pi, Fleiss' kappa, Krippendorff's alpha (nominal, and MASI for sets), with bootstrap
 * intervals; the reliability data built from the coding table.
 *
 * A unit is an entry (in one category); a coder's value is the set of codes given (the empty
 * set, "no code", is a value too); a coder without a coding of the entry in that round is
 * missing.  Sets compare as wholes for the nominal coefficients; MASI (Passonneau 2006) gives
 * partial credit to overlapping sets.
 */
#include "coding.h"
#include "../common/zc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct zc_agree_data {
	size_t ncoders, nunits, capunits;
	int *label;		/* nunits x ncoders: label id, -1 missing */
	char **labels;		/* a label: the sorted codes joined by US (0x1f); "" the empty set */
	size_t nlabels, caplabels;
	double *masi;		/* nlabels x nlabels, computed when asked */
};

zc_agree_data *zc_agree_new(size_t ncoders)
{
	zc_agree_data *d = zc_calloc(1, sizeof *d);
	d->ncoders = ncoders;
	return d;
}

void zc_agree_free(zc_agree_data **pd)
{
	zc_agree_data *d = *pd;
	if (!d)
		return;
	for (size_t i = 0; i < d->nlabels; i++)
		free(d->labels[i]);
	free(d->labels);
	free(d->label);
	free(d->masi);
	free(d);
	*pd = NULL;
}

size_t zc_agree_units(const zc_agree_data *d)
{
	return d->nunits;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int label_of(zc_agree_data *d, json_t *codes)
{
	size_t n = json_array_size(codes);
	const char **v = zc_calloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(codes, i)) ? json_string_value(json_array_get(codes, i)) : "";
	qsort(v, n, sizeof *v, str_cmp);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "");
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			zc_buf_catf(&b, "%s%s", b.len ? "\x1f" : "", v[i]);
	free(v);
	char *s = zc_buf_take(&b);
	for (size_t i = 0; i < d->nlabels; i++)
		if (!strcmp(d->labels[i], s)) {
			free(s);
			return (int)i;
		}
	if (d->nlabels == d->caplabels) {
		d->caplabels = d->caplabels ? 2 * d->caplabels : 16;
		d->labels = zc_realloc(d->labels, d->caplabels * sizeof *d->labels);
	}
	d->labels[d->nlabels] = s;
	free(d->masi);
	d->masi = NULL;
	return (int)d->nlabels++;
}

size_t zc_agree_unit(zc_agree_data *d)
{
	if (d->nunits == d->capunits) {
		d->capunits = d->capunits ? 2 * d->capunits : 64;
		d->label = zc_realloc(d->label, d->capunits * d->ncoders * sizeof *d->label);
	}
	for (size_t c = 0; c < d->ncoders; c++)
		d->label[d->nunits * d->ncoders + c] = -1;
	return d->nunits++;
}

void zc_agree_set(zc_agree_data *d, size_t unit, size_t coder, json_t *codes)
{
	if (unit < d->nunits && coder < d->ncoders)
		d->label[unit * d->ncoders + coder] = codes ? label_of(d, codes) : -1;
}

/* ---- MASI ---- */

/* the codes of a label, split in place of a copy: count and pointers into buf */
static size_t split_label(const char *l, char *buf, const char **out, size_t max)
{
	size_t n = 0, len = strlen(l);
	memcpy(buf, l, len + 1);
	if (!*buf)
		return 0;
	char *p = buf;
	while (n < max) {
		out[n++] = p;
		char *s = strchr(p, '\x1f');
		if (!s)
			break;
		*s = '\0';
		p = s + 1;
	}
	return n;
}

double zc_masi_distance(const char *a, const char *b)
{
	/* the empty set (no code) is a value of its own: equal to itself, disjoint from any code */
	if (!*a || !*b)
		return !*a && !*b ? 0.0 : 1.0;
	size_t la = strlen(a), lb = strlen(b);
	char *ba = zc_malloc(la + 1), *bb = zc_malloc(lb + 1);
	const char **va = zc_calloc(la + 1, sizeof *va), **vb = zc_calloc(lb + 1, sizeof *vb);
	size_t na = split_label(a, ba, va, la + 1), nb = split_label(b, bb, vb, lb + 1), inter = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (!strcmp(va[i], vb[j])) {
				inter++;
				break;
			}
	size_t uni = na + nb - inter;
	double m = (na == nb && inter == na) ? 1.0 : inter == (na < nb ? na : nb) ? 2.0 / 3.0 : inter > 0 ? 1.0 / 3.0 : 0.0;
	free(ba);
	free(bb);
	free(va);
	free(vb);
	return 1.0 - (double)inter / (double)uni * m;
}

static void masi_matrix(zc_agree_data *d)
{
	if (d->masi)
		return;
	d->masi = zc_calloc(d->nlabels * d->nlabels + 1, sizeof *d->masi);
	for (size_t i = 0; i < d->nlabels; i++)
		for (size_t j = 0; j < d->nlabels; j++)
			d->masi[i * d->nlabels + j] = i == j ? 0.0 : zc_masi_distance(d->labels[i], d->labels[j]);
}

/* ---- the coefficients over the units us[0..n) (a bootstrap sample repeats some) ---- */

typedef struct coef {
	double v[ZC_AGREE_NCOEF];
	long units, pairable;
} coef;

static int lab(const zc_agree_data *d, size_t u, size_t c)
{
	return d->label[u * d->ncoders + c];
}

/* set sizes of a label: decisions Holsti counts (the empty set is one decision, "no code") */
static size_t label_size(const zc_agree_data *d, int l)
{
	const char *s = d->labels[l];
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\x1f';
	return n;
}

static size_t label_inter(const zc_agree_data *d, int a, int b)
{
	if (a == b)
		return label_size(d, a);
	const char *x = d->labels[a], *y = d->labels[b];
	if (!*x || !*y)
		return 0;
	size_t lx = strlen(x), ly = strlen(y);
	char *bx = zc_malloc(lx + 1), *by = zc_malloc(ly + 1);
	const char **vx = zc_calloc(lx + 1, sizeof *vx), **vy = zc_calloc(ly + 1, sizeof *vy);
	size_t nx = split_label(x, bx, vx, lx + 1), ny = split_label(y, by, vy, ly + 1), n = 0;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			if (!strcmp(vx[i], vy[j])) {
				n++;
				break;
			}
	free(bx);
	free(by);
	free(vx);
	free(vy);
	return n;
}

/* alpha with the distance matrix dist (NULL: nominal) */
static double alpha(const zc_agree_data *d, const size_t *us, size_t n, const double *dist, long *pairable)
{
	size_t L = d->nlabels;
	double *tot = zc_calloc(L + 1, sizeof *tot), *cnt = zc_calloc(L + 1, sizeof *cnt);
	double dobs = 0, nall = 0;
	for (size_t k = 0; k < n; k++) {
		size_t u = us[k], m = 0;
		for (size_t i = 0; i < L; i++)
			cnt[i] = 0;
		for (size_t c = 0; c < d->ncoders; c++)
			if (lab(d, u, c) >= 0) {
				cnt[lab(d, u, c)]++;
				m++;
			}
		if (m < 2)
			continue;
		double s = 0;
		for (size_t i = 0; i < L; i++)
			for (size_t j = 0; cnt[i] && j < L; j++)
				if (cnt[j] && i != j)
					s += cnt[i] * cnt[j] * (dist ? dist[i * L + j] : 1.0);
		dobs += s / (double)(m - 1);
		nall += (double)m;
		for (size_t i = 0; i < L; i++)
			tot[i] += cnt[i];
	}
	double dexp = 0;
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; tot[i] && j < L; j++)
			if (tot[j] && i != j)
				dexp += tot[i] * tot[j] * (dist ? dist[i * L + j] : 1.0);
	free(tot);
	free(cnt);
	if (pairable)
		*pairable = (long)nall;
	if (nall < 2)
		return NAN;
	if (dexp == 0)
		return dobs == 0 ? 1.0 : NAN;	/* one value throughout: no variation to disagree on */
	return 1.0 - (nall - 1) * dobs / dexp;
}

/* percent and Holsti: over pairs of coders, the units both coded, pooled */
static void pairwise(const zc_agree_data *d, const size_t *us, size_t n, coef *out)
{
	size_t C = d->ncoders;
	double agree = 0, pairs = 0, hm = 0, hn = 0;
	for (size_t a = 0; a < C; a++)
		for (size_t b = a + 1; b < C; b++)
			for (size_t k = 0; k < n; k++) {
				int x = lab(d, us[k], a), y = lab(d, us[k], b);
				if (x < 0 || y < 0)
					continue;
				pairs++;
				agree += x == y;
				hm += 2.0 * (double)label_inter(d, x, y);
				hn += (double)(label_size(d, x) + label_size(d, y));
			}
	if (pairs > 0) {
		out->v[ZC_AGREE_PERCENT] = agree / pairs;
		out->v[ZC_AGREE_HOLSTI] = hm / hn;
	}
}

/* Cohen and Scott: two coders, the units both coded */
static void cohen_scott(const zc_agree_data *d, const size_t *us, size_t n, coef *out)
{
	size_t L = d->nlabels;
	double *pa = zc_calloc(L + 1, sizeof *pa), *pb = zc_calloc(L + 1, sizeof *pb);
	double nn = 0, po = 0;
	for (size_t k = 0; k < n; k++) {
		int x = lab(d, us[k], 0), y = lab(d, us[k], 1);
		if (x < 0 || y < 0)
			continue;
		nn++;
		po += x == y;
		pa[x]++;
		pb[y]++;
	}
	if (nn > 0) {
		double pe_c = 0, pe_s = 0;
		for (size_t i = 0; i < L; i++) {
			pe_c += (pa[i] / nn) * (pb[i] / nn);
			pe_s += ((pa[i] + pb[i]) / (2 * nn)) * ((pa[i] + pb[i]) / (2 * nn));
		}
		po /= nn;
		out->v[ZC_AGREE_COHEN] = pe_c < 1 ? (po - pe_c) / (1 - pe_c) : NAN;
		out->v[ZC_AGREE_SCOTT] = pe_s < 1 ? (po - pe_s) / (1 - pe_s) : NAN;
	}
	free(pa);
	free(pb);
}

/* Fleiss: three or more coders, the units every coder coded */
static void fleiss(const zc_agree_data *d, const size_t *us, size_t n, coef *out)
{
	size_t C = d->ncoders, L = d->nlabels;
	double *pk = zc_calloc(L + 1, sizeof *pk), *cnt = zc_calloc(L + 1, sizeof *cnt), pbar = 0, N = 0;
	for (size_t k = 0; k < n; k++) {
		int all = 1;
		for (size_t c = 0; c < C; c++)
			all &= lab(d, us[k], c) >= 0;
		if (!all)
			continue;
		for (size_t i = 0; i < L; i++)
			cnt[i] = 0;
		for (size_t c = 0; c < C; c++)
			cnt[lab(d, us[k], c)]++;
		double s = 0;
		for (size_t i = 0; i < L; i++) {
			s += cnt[i] * cnt[i];
			pk[i] += cnt[i];
		}
		pbar += (s - (double)C) / ((double)C * (double)(C - 1));
		N++;
	}
	if (N > 0) {
		double pe = 0;
		for (size_t i = 0; i < L; i++)
			pe += (pk[i] / (N * (double)C)) * (pk[i] / (N * (double)C));
		pbar /= N;
		out->v[ZC_AGREE_FLEISS] = pe < 1 ? (pbar - pe) / (1 - pe) : NAN;
	}
	free(pk);
	free(cnt);
}

static void compute(zc_agree_data *d, const size_t *us, size_t n, coef *out)
{
	for (int i = 0; i < ZC_AGREE_NCOEF; i++)
		out->v[i] = NAN;
	out->units = (long)n;
	pairwise(d, us, n, out);
	if (d->ncoders == 2)
		cohen_scott(d, us, n, out);
	if (d->ncoders >= 3)
		fleiss(d, us, n, out);
	out->v[ZC_AGREE_ALPHA] = alpha(d, us, n, NULL, &out->pairable);
	masi_matrix(d);
	out->v[ZC_AGREE_ALPHA_MASI] = alpha(d, us, n, d->masi, NULL);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void zc_agree_compute(zc_agree_data *d, long boot, unsigned long seed, zc_agreement *out)
{
	size_t n = d->nunits;
	size_t *us = zc_calloc(n + 1, sizeof *us);
	for (size_t i = 0; i < n; i++)
		us[i] = i;
	coef c;
	compute(d, us, n, &c);
	memset(out, 0, sizeof *out);
	out->units = c.units;
	out->pairable = c.pairable;
	out->coders = (long)d->ncoders;
	for (int i = 0; i < ZC_AGREE_NCOEF; i++) {
		out->value[i] = c.v[i];
		out->lo[i] = out->hi[i] = NAN;
	}
	if (boot > 0 && n > 1) {
		/* the units drawn with replacement, boot times; the 2.5th and 97.5th percentiles */
		double *draws = zc_calloc((size_t)boot * ZC_AGREE_NCOEF, sizeof *draws);
		size_t *s = zc_calloc(n, sizeof *s);
		uint64_t st = seed;
		for (long b = 0; b < boot; b++) {
			for (size_t i = 0; i < n; i++)
				s[i] = (size_t)(splitmix(&st) % n);
			coef cb;
			compute(d, s, n, &cb);
			for (int i = 0; i < ZC_AGREE_NCOEF; i++)
				draws[(size_t)i * (size_t)boot + (size_t)b] = cb.v[i];
		}
		double *v = zc_calloc((size_t)boot, sizeof *v);
		for (int i = 0; i < ZC_AGREE_NCOEF; i++) {
			size_t m = 0;
			for (long b = 0; b < boot; b++)
				if (!isnan(draws[(size_t)i * (size_t)boot + (size_t)b]))
					v[m++] = draws[(size_t)i * (size_t)boot + (size_t)b];
			if (isnan(out->value[i]) || m < (size_t)boot / 2)
				continue;	/* undefined in too many samples to say */
			qsort(v, m, sizeof *v, dbl_cmp);
			out->lo[i] = v[(size_t)floor(0.025 * (double)(m - 1))];
			out->hi[i] = v[(size_t)ceil(0.975 * (double)(m - 1))];
		}
		free(v);
		free(s);
		free(draws);
	}
	free(us);
}

const char *const ZC_AGREE_NAMES[ZC_AGREE_NCOEF] = {"percent", "holsti", "cohen_kappa", "scott_pi", "fleiss_kappa",
						     "alpha_nominal", "alpha_masi"};
