/*
 * network.c - the cooperation network of one category's codes: nodes the codes, edges their
 * co-occurrence in an entry (weighted by entries), directed where the coders recorded relations
 * (source -> target); degree, strength, betweenness and Louvain communities from igraph; GEXF
 * 1.3, GraphML, CSV edge and node lists, co-occurrence / Ochiai / Jaccard matrices, JSON.
 *
 * igraph's error handler is set to return errors (its default aborts); its random numbers are
 * seeded before the community detection, so that a network is the same on every run.
 */
#define _GNU_SOURCE	/* qsort_r */
#include "analysis.h"
#include "internal.h"
#include "../common/zc.h"

#include <igraph/igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair {
	long weight, ab, ba;	/* entries holding both; relations a->b, b->a (a < b in first-met order) */
} pair;

void zc_network_free(zc_network **n)
{
	if (!*n)
		return;
	for (size_t i = 0; i < (*n)->nnodes; i++)
		free((*n)->nodes[i].code);
	free((*n)->nodes);
	free((*n)->edges);
	free((*n)->category);
	free(*n);
	*n = NULL;
}

/* index of code in the object idx (code -> index), added when new */
static size_t node_of(json_t *idx, const char *code)
{
	json_t *v = json_object_get(idx, code);
	if (v)
		return (size_t)json_integer_value(v);
	size_t i = json_object_size(idx);
	json_object_set_new(idx, code, json_integer((json_int_t)i));
	return i;
}

static int node_cmp(const void *x, const void *y, void *arg)
{
	const zc_net_node *nodes = arg;
	const zc_net_node *a = &nodes[*(const size_t *)x], *b = &nodes[*(const size_t *)y];
	if (a->frequency != b->frequency)
		return a->frequency > b->frequency ? -1 : 1;
	return strcmp(a->code, b->code);
}

static int edge_cmp(const void *x, const void *y)
{
	const zc_net_edge *a = x, *b = y;
	size_t a0 = a->source < a->target ? a->source : a->target, a1 = a->source ^ a->target ^ a0;
	size_t b0 = b->source < b->target ? b->source : b->target, b1 = b->source ^ b->target ^ b0;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	return a1 < b1 ? -1 : a1 > b1;
}

/* igraph's measures of the network: degree, strength, betweenness, communities, modularity */
static int measures(zc_network *n)
{
	igraph_t g;
	igraph_vector_int_t ev, deg, memb;
	igraph_vector_t w, str, btw;
	int rc = ZC_EDB;
	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
	if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * n->nedges)))
		return ZC_EDB;
	igraph_vector_init(&w, (igraph_integer_t)n->nedges);
	igraph_vector_int_init(&deg, 0);
	igraph_vector_int_init(&memb, 0);
	igraph_vector_init(&str, 0);
	igraph_vector_init(&btw, 0);
	for (size_t e = 0; e < n->nedges; e++) {
		VECTOR(ev)[2 * e] = (igraph_integer_t)n->edges[e].source;
		VECTOR(ev)[2 * e + 1] = (igraph_integer_t)n->edges[e].target;
		VECTOR(w)[e] = (igraph_real_t)n->edges[e].weight;
	}
	if (igraph_create(&g, &ev, (igraph_integer_t)n->nnodes, IGRAPH_UNDIRECTED))
		goto out_vectors;
	if (igraph_degree(&g, &deg, igraph_vss_all(), IGRAPH_ALL, IGRAPH_NO_LOOPS) ||
	    igraph_strength(&g, &str, igraph_vss_all(), IGRAPH_ALL, IGRAPH_NO_LOOPS, &w) ||
	    igraph_betweenness(&g, &btw, igraph_vss_all(), IGRAPH_UNDIRECTED, NULL))
		goto out;
	igraph_rng_seed(igraph_rng_default(), 20250515);
	if (igraph_community_multilevel(&g, &w, 1.0, &memb, NULL, NULL))
		goto out;
	igraph_real_t q = 0;
	if (n->nedges && igraph_modularity(&g, &memb, &w, 1.0, IGRAPH_UNDIRECTED, &q) == IGRAPH_SUCCESS && isfinite(q))
		n->modularity = q;
	/* communities numbered in the order of the nodes (the most frequent code's is 0) */
	long *renum = zc_calloc(n->nnodes + 1, sizeof *renum), next = 0;
	for (size_t i = 0; i <= n->nnodes; i++)
		renum[i] = -1;
	for (size_t i = 0; i < n->nnodes; i++) {
		igraph_integer_t c = VECTOR(memb)[i];
		if (c < 0 || (size_t)c >= n->nnodes)
			c = (igraph_integer_t)n->nnodes;
		if (renum[c] < 0)
			renum[c] = next++;
		n->nodes[i].degree = (long)VECTOR(deg)[i];
		n->nodes[i].strength = VECTOR(str)[i];
		n->nodes[i].betweenness = VECTOR(btw)[i];
		n->nodes[i].community = renum[c];
	}
	free(renum);
	rc = ZC_OK;
out:
	igraph_destroy(&g);
out_vectors:
	igraph_vector_int_destroy(&ev);
	igraph_vector_int_destroy(&deg);
	igraph_vector_int_destroy(&memb);
	igraph_vector_destroy(&w);
	igraph_vector_destroy(&str);
	igraph_vector_destroy(&btw);
	return rc;
}

/* the network as it is gathered, entry by entry: codes as nodes (in order of first sight) and
   their pairs ("x,y" -> index into pv) */
typedef struct net_builder {
	json_t *idx, *pairs;
	zc_net_node *nodes;
	size_t cap;
	pair *pv;
	size_t npairs, pcap;
	long entries;
} net_builder;

/* an entry's codes counted as nodes; their indices into ix */
static void add_nodes(net_builder *b, const zc_catcodes *cc, size_t *ix)
{
	for (size_t c = 0; c < cc->ncodes; c++) {
		ix[c] = node_of(b->idx, cc->codes[c]);
		if (ix[c] >= b->cap) {
			size_t old = b->cap;
			b->cap = b->cap ? b->cap * 2 : 32;
			b->nodes = zc_realloc(b->nodes, b->cap * sizeof *b->nodes);
			memset(b->nodes + old, 0, (b->cap - old) * sizeof *b->nodes);
		}
		if (!b->nodes[ix[c]].code)
			b->nodes[ix[c]].code = zc_strdup(cc->codes[c]);
		b->nodes[ix[c]].frequency++;
	}
}

/* the pair of nodes x < y, made when new */
static pair *pair_of(net_builder *b, size_t x, size_t y, int make)
{
	char k[48];
	snprintf(k, sizeof k, "%zu,%zu", x, y);
	json_t *v = json_object_get(b->pairs, k);
	if (!v && !make)
		return NULL;
	if (!v) {
		if (b->npairs == b->pcap) {
			b->pcap = b->pcap ? b->pcap * 2 : 64;
			b->pv = zc_realloc(b->pv, b->pcap * sizeof *b->pv);
		}
		b->pv[b->npairs] = (pair){0, 0, 0};
		v = json_integer((json_int_t)b->npairs++);
		json_object_set_new(b->pairs, k, v);
	}
	return &b->pv[json_integer_value(v)];
}

/* one entry: its codes of the category, the pairs among them (each once), and its relations */
static void add_entry(net_builder *b, const zc_catcodes *cc)
{
	size_t nc = cc->ncodes;
	b->entries++;
	size_t *ix = zc_calloc(nc, sizeof *ix);
	add_nodes(b, cc, ix);
	for (size_t p = 0; p < nc; p++)
		for (size_t q = p + 1; q < nc; q++) {
			size_t x = ix[p] < ix[q] ? ix[p] : ix[q], y = ix[p] ^ ix[q] ^ x;
			pair_of(b, x, y, 1)->weight++;
		}
	for (size_t r = 0; r < cc->nrels; r++) {
		size_t s = node_of(b->idx, cc->rels[r].source);
		size_t t = node_of(b->idx, cc->rels[r].target);
		size_t x = s < t ? s : t, y = s ^ t ^ x;
		pair *pp = pair_of(b, x, y, 0);
		if (pp) {	/* always: both ends are codes of this entry (zc_analysis_add) */
			if (s == x)
				pp->ab++;
			else
				pp->ba++;
		}
	}
	free(ix);
}

/* the edges from the pairs, each directed the way more relations flow */
static void net_edges(zc_network *n, net_builder *b, const size_t *newix)
{
	n->edges = zc_calloc(b->npairs + 1, sizeof *n->edges);
	const char *k;
	json_t *v;
	json_object_foreach(b->pairs, k, v) {
		char *end;
		size_t x = (size_t)strtoul(k, &end, 10), y = (size_t)strtoul(end + 1, NULL, 10);
		pair *pp = &b->pv[json_integer_value(v)];
		zc_net_edge *e = &n->edges[n->nedges++];
		int flip = pp->ba > pp->ab;
		e->source = newix[flip ? y : x];
		e->target = newix[flip ? x : y];
		e->weight = pp->weight;
		e->flows = flip ? pp->ba : pp->ab;
		e->flows_back = flip ? pp->ab : pp->ba;
		n->nodes[e->source].flows_out += e->flows;
		n->nodes[e->target].flows_in += e->flows;
		n->nodes[e->target].flows_out += e->flows_back;
		n->nodes[e->source].flows_in += e->flows_back;
		if (e->flows)
			n->directed = 1;
	}
	qsort(n->edges, n->nedges, sizeof *n->edges, edge_cmp);
}

/* the network of what b gathered: nodes by frequency, the edges between them */
static zc_network *net_of(net_builder *b, const char *category)
{
	zc_network *n = zc_calloc(1, sizeof *n);
	n->category = zc_strdup(category);
	n->entries = b->entries;
	n->nnodes = json_object_size(b->idx);
	/* nodes by frequency; old index -> new */
	size_t *order = zc_calloc(n->nnodes, sizeof *order), *newix = zc_calloc(n->nnodes, sizeof *newix);
	for (size_t i = 0; i < n->nnodes; i++)
		order[i] = i;
	qsort_r(order, n->nnodes, sizeof *order, node_cmp, b->nodes);
	n->nodes = zc_calloc(n->nnodes, sizeof *n->nodes);
	for (size_t i = 0; i < n->nnodes; i++) {
		n->nodes[i] = b->nodes[order[i]];
		newix[order[i]] = i;
	}
	net_edges(n, b, newix);
	free(order);
	free(newix);
	return n;
}

int zc_network_build(const zc_analysis *a, const char *category, zc_network **out)
{
	*out = NULL;
	net_builder b = {.idx = json_object(), .pairs = json_object()};
	for (size_t i = 0; i < zc_analysis_count(a); i++) {
		const zc_catcodes *cc = zc_analysis_entry_codes(a, i, category);
		if (cc && cc->ncodes)
			add_entry(&b, cc);
	}
	zc_network *n = b.entries ? net_of(&b, category) : NULL;
	free(b.nodes);
	free(b.pv);
	json_decref(b.idx);
	json_decref(b.pairs);
	if (!n)
		return ZC_ENOTFOUND;
	int rc = measures(n);
	if (rc != ZC_OK) {
		zc_network_free(&n);
		return rc;
	}
	*out = n;
	return ZC_OK;
}

int zc_network_format_parse(const char *s, enum zc_net_format *f)
{
	static const char *const names[] = {"gexf", "graphml", "edges", "nodes", "counts", "ochiai", "jaccard", "json"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum zc_net_format)i;
			return ZC_OK;
		}
	return ZC_EUSAGE;
}

static void xml_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static const char *edge_type(const zc_network *n, const zc_net_edge *e)
{
	if (!n->directed)
		return "undirected";
	return e->flows && !e->flows_back ? "directed" : "mutual";
}

static long max_frequency(const zc_network *n)
{
	return n->nnodes ? n->nodes[0].frequency : 1;
}

static void gexf(const zc_network *n, FILE *f)
{
	static const char *const natt[][2] = {{"frequency", "integer"}, {"degree", "integer"}, {"strength", "double"},
					       {"betweenness", "double"}, {"community", "integer"}, {"flows_out", "integer"},
					       {"flows_in", "integer"}};
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
	      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	      "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n"
	      "  <meta>\n    <creator>zhengce " ZC_VERSION "</creator>\n    <description>co-occurrence of the codes of ",
	      f);
	xml_esc(f, n->category);
	fprintf(f, " in %ld entries; weight: entries holding both; directed: relations recorded</description>\n  </meta>\n"
		   "  <graph defaultedgetype=\"%s\" mode=\"static\">\n    <attributes class=\"node\">\n",
		n->entries, n->directed ? "directed" : "undirected");
	for (size_t i = 0; i < sizeof natt / sizeof natt[0]; i++)
		fprintf(f, "      <attribute id=\"%zu\" title=\"%s\" type=\"%s\"/>\n", i, natt[i][0], natt[i][1]);
	fputs("    </attributes>\n    <attributes class=\"edge\">\n"
	      "      <attribute id=\"0\" title=\"flows\" type=\"integer\"/>\n"
	      "      <attribute id=\"1\" title=\"flows_back\" type=\"integer\"/>\n    </attributes>\n    <nodes>\n",
	      f);
	for (size_t i = 0; i < n->nnodes; i++) {
		const zc_net_node *v = &n->nodes[i];
		fputs("      <node id=\"", f);
		xml_esc(f, v->code);
		fputs("\" label=\"", f);
		xml_esc(f, v->code);
		fprintf(f, "\">\n        <attvalues>\n"
			   "          <attvalue for=\"0\" value=\"%ld\"/>\n          <attvalue for=\"1\" value=\"%ld\"/>\n"
			   "          <attvalue for=\"2\" value=\"%.6g\"/>\n          <attvalue for=\"3\" value=\"%.6g\"/>\n"
			   "          <attvalue for=\"4\" value=\"%ld\"/>\n          <attvalue for=\"5\" value=\"%ld\"/>\n"
			   "          <attvalue for=\"6\" value=\"%ld\"/>\n        </attvalues>\n"
			   "        <viz:size value=\"%.2f\"/>\n      </node>\n",
			v->frequency, v->degree, v->strength, v->betweenness, v->community, v->flows_out, v->flows_in,
			5.0 + 25.0 * sqrt((double)v->frequency / (double)max_frequency(n)));
	}
	fputs("    </nodes>\n    <edges>\n", f);
	for (size_t e = 0; e < n->nedges; e++) {
		const zc_net_edge *x = &n->edges[e];
		fprintf(f, "      <edge id=\"%zu\" source=\"", e);
		xml_esc(f, n->nodes[x->source].code);
		fputs("\" target=\"", f);
		xml_esc(f, n->nodes[x->target].code);
		fprintf(f, "\" weight=\"%ld\" type=\"%s\">\n        <attvalues>\n"
			   "          <attvalue for=\"0\" value=\"%ld\"/>\n          <attvalue for=\"1\" value=\"%ld\"/>\n"
			   "        </attvalues>\n      </edge>\n",
			x->weight, edge_type(n, x), x->flows, x->flows_back);
	}
	fputs("    </edges>\n  </graph>\n</gexf>\n", f);
}

static void graphml_edge(FILE *f, const char *s, const char *t, long weight, long flows, long back)
{
	fputs("    <edge source=\"", f);
	xml_esc(f, s);
	fputs("\" target=\"", f);
	xml_esc(f, t);
	fprintf(f, "\"><data key=\"weight\">%ld</data><data key=\"flows\">%ld</data><data key=\"flows_back\">%ld</data></edge>\n",
		weight, flows, back);
}

static void graphml(const zc_network *n, FILE *f)
{
	static const char *const natt[][2] = {{"label", "string"}, {"frequency", "long"}, {"degree", "long"},
					       {"strength", "double"}, {"betweenness", "double"}, {"community", "long"},
					       {"flows_out", "long"}, {"flows_in", "long"}};
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
	      f);
	for (size_t i = 0; i < sizeof natt / sizeof natt[0]; i++)
		fprintf(f, "  <key id=\"%s\" for=\"node\" attr.name=\"%s\" attr.type=\"%s\"/>\n", natt[i][0], natt[i][0], natt[i][1]);
	fputs("  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"long\"/>\n"
	      "  <key id=\"flows\" for=\"edge\" attr.name=\"flows\" attr.type=\"long\"/>\n"
	      "  <key id=\"flows_back\" for=\"edge\" attr.name=\"flows_back\" attr.type=\"long\"/>\n  <graph id=\"",
	      f);
	xml_esc(f, n->category);
	fprintf(f, "\" edgedefault=\"%s\">\n", n->directed ? "directed" : "undirected");
	for (size_t i = 0; i < n->nnodes; i++) {
		const zc_net_node *v = &n->nodes[i];
		fputs("    <node id=\"", f);
		xml_esc(f, v->code);
		fputs("\"><data key=\"label\">", f);
		xml_esc(f, v->code);
		fprintf(f, "</data><data key=\"frequency\">%ld</data><data key=\"degree\">%ld</data><data key=\"strength\">%.6g</data>"
			   "<data key=\"betweenness\">%.6g</data><data key=\"community\">%ld</data><data key=\"flows_out\">%ld</data>"
			   "<data key=\"flows_in\">%ld</data></node>\n",
			v->frequency, v->degree, v->strength, v->betweenness, v->community, v->flows_out, v->flows_in);
	}
	for (size_t e = 0; e < n->nedges; e++) {
		const zc_net_edge *x = &n->edges[e];
		const char *s = n->nodes[x->source].code, *t = n->nodes[x->target].code;
		graphml_edge(f, s, t, x->weight, x->flows, x->flows_back);
		if (n->directed && strcmp(edge_type(n, x), "directed"))	/* mutual: both ways */
			graphml_edge(f, t, s, x->weight, x->flows_back, x->flows);
	}
	fputs("  </graph>\n</graphml>\n", f);
}

static void csv_str(FILE *f, const char *s)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_csv_cell(&b, s);
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	zc_buf_free(&b);
}

static long cooccur(const zc_network *n, size_t i, size_t j)
{
	if (i == j)
		return n->nodes[i].frequency;
	for (size_t e = 0; e < n->nedges; e++)
		if ((n->edges[e].source == i && n->edges[e].target == j) || (n->edges[e].source == j && n->edges[e].target == i))
			return n->edges[e].weight;
	return 0;
}

static void matrix(const zc_network *n, FILE *f, enum zc_net_format fmt)
{
	fputs("\xEF\xBB\xBF" "code", f);
	for (size_t j = 0; j < n->nnodes; j++) {
		fputc(',', f);
		csv_str(f, n->nodes[j].code);
	}
	fputs("\r\n", f);
	for (size_t i = 0; i < n->nnodes; i++) {
		csv_str(f, n->nodes[i].code);
		for (size_t j = 0; j < n->nnodes; j++) {
			long c = cooccur(n, i, j);
			double fi = (double)n->nodes[i].frequency, fj = (double)n->nodes[j].frequency;
			if (fmt == ZC_NET_COUNTS)
				fprintf(f, ",%ld", c);
			else if (fmt == ZC_NET_OCHIAI)
				fprintf(f, ",%.4f", c / sqrt(fi * fj));
			else
				fprintf(f, ",%.4f", c / (fi + fj - (double)c));
		}
		fputs("\r\n", f);
	}
}

json_t *zc_network_json(const zc_network *n)
{
	json_t *nodes = json_array(), *edges = json_array();
	for (size_t i = 0; i < n->nnodes; i++) {
		const zc_net_node *v = &n->nodes[i];
		json_array_append_new(nodes, json_pack("{s:s,s:I,s:I,s:f,s:f,s:I,s:I,s:I}", "code", v->code, "frequency",
						       (json_int_t)v->frequency, "degree", (json_int_t)v->degree, "strength",
						       v->strength, "betweenness", v->betweenness, "community",
						       (json_int_t)v->community, "flows_out", (json_int_t)v->flows_out, "flows_in",
						       (json_int_t)v->flows_in));
	}
	for (size_t e = 0; e < n->nedges; e++) {
		const zc_net_edge *x = &n->edges[e];
		json_array_append_new(edges, json_pack("{s:s,s:s,s:I,s:s,s:I,s:I}", "source", n->nodes[x->source].code, "target",
						       n->nodes[x->target].code, "weight", (json_int_t)x->weight, "type",
						       edge_type(n, x), "flows", (json_int_t)x->flows, "flows_back",
						       (json_int_t)x->flows_back));
	}
	return json_pack("{s:s,s:I,s:b,s:f,s:o,s:o}", "category", n->category, "entries", (json_int_t)n->entries, "directed",
			 n->directed, "modularity", n->modularity, "nodes", nodes, "edges", edges);
}

int zc_network_write(const zc_network *n, FILE *f, enum zc_net_format fmt)
{
	switch (fmt) {
	case ZC_NET_GEXF: gexf(n, f); break;
	case ZC_NET_GRAPHML: graphml(n, f); break;
	case ZC_NET_EDGES:
		fputs("\xEF\xBB\xBF" "source,target,weight,type,flows,flows_back\r\n", f);
		for (size_t e = 0; e < n->nedges; e++) {
			const zc_net_edge *x = &n->edges[e];
			csv_str(f, n->nodes[x->source].code);
			fputc(',', f);
			csv_str(f, n->nodes[x->target].code);
			fprintf(f, ",%ld,%s,%ld,%ld\r\n", x->weight, edge_type(n, x), x->flows, x->flows_back);
		}
		break;
	case ZC_NET_NODES:
		fputs("\xEF\xBB\xBF" "code,frequency,degree,strength,betweenness,community,flows_out,flows_in\r\n", f);
		for (size_t i = 0; i < n->nnodes; i++) {
			const zc_net_node *v = &n->nodes[i];
			csv_str(f, v->code);
			fprintf(f, ",%ld,%ld,%.6g,%.6g,%ld,%ld,%ld\r\n", v->frequency, v->degree, v->strength, v->betweenness,
				v->community, v->flows_out, v->flows_in);
		}
		break;
	case ZC_NET_COUNTS:
	case ZC_NET_OCHIAI:
	case ZC_NET_JACCARD: matrix(n, f, fmt); break;
	case ZC_NET_JSON: {
		json_t *j = zc_network_json(n);
		char *t = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
		fprintf(f, "%s\n", t);
		free(t);
		json_decref(j);
		break;
	}
	default: return ZC_EUSAGE;
	}
	return ferror(f) ? ZC_EIO : ZC_OK;
}
