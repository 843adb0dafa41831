/* seeds.c - the sites as data: seeds/sites.json (docs/SEEDS.md). */
#include "crawler.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

static char *opt(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? zc_strdup(s) : NULL;
}

static const char *const ANSWERS[] = {"govcn-json", "hanweb-json", "trs-was5", "jpage-xml", "html-list"};

static int endpoint(json_t *e, zc_endpoint *ep, const char *path, const char *host, const char *what, char **err)
{
	memset(ep, 0, sizeof *ep);
	ep->method = opt(e, "method");
	if (!ep->method)
		ep->method = zc_strdup("GET");
	ep->url = opt(e, "url");
	ep->next = opt(e, "next");
	ep->body = opt(e, "body");
	ep->answer = opt(e, "answer");
	ep->items = opt(e, "items");
	ep->pages = opt(e, "pages");
	ep->referer = opt(e, "referer");
	ep->page_size = (int)json_integer_value(json_object_get(e, "page_size"));
	ep->max_pages = (int)json_integer_value(json_object_get(e, "max_pages"));
	if (ep->max_pages <= 0)
		ep->max_pages = 500;
	if (!ep->url || strncmp(ep->url, "http", 4) != 0) {
		*err = zc_asprintf("%s: site %s: %s needs \"url\", an http(s) URL template", path, host, what);
		return ZC_EPARSE;
	}
	int known = 0;
	for (size_t i = 0; ep->answer && i < sizeof ANSWERS / sizeof ANSWERS[0]; i++)
		if (!strcmp(ep->answer, ANSWERS[i]))
			known = 1;
	if (!known) {
		*err = zc_asprintf("%s: site %s: %s \"answer\" must be one of govcn-json, hanweb-json, trs-was5, jpage-xml, html-list (got %s)",
				   path, host, what, ep->answer ? ep->answer : "nothing");
		return ZC_EPARSE;
	}
	if (!strcmp(ep->answer, "html-list") && !ep->items) {
		*err = zc_asprintf("%s: site %s: an html-list %s needs \"items\" (the XPath of article links)", path, host, what);
		return ZC_EPARSE;
	}
	if (strcmp(ep->method, "GET") && strcmp(ep->method, "POST")) {
		*err = zc_asprintf("%s: site %s: %s \"method\" must be GET or POST", path, host, what);
		return ZC_EPARSE;
	}
	return ZC_OK;
}

static void endpoint_free(zc_endpoint *ep)
{
	free(ep->method);
	free(ep->url);
	free(ep->next);
	free(ep->body);
	free(ep->answer);
	free(ep->items);
	free(ep->pages);
	free(ep->referer);
}

int zc_seeds_load(const char *path, zc_seeds *out, char **err)
{
	json_error_t je;
	memset(out, 0, sizeof *out);
	*err = NULL;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		*err = zc_asprintf("%s:%d:%d: %s", path, je.line, je.column, je.text);
		return ZC_EPARSE;
	}
	json_t *sites = json_object_get(j, "sites");
	int rc = ZC_OK;
	if (!json_is_array(sites)) {
		*err = zc_asprintf("%s: expected {\"sites\": [...]}", path);
		rc = ZC_EPARSE;
		goto out;
	}
	out->sites = zc_calloc(json_array_size(sites) + 1, sizeof *out->sites);
	for (size_t i = 0; i < json_array_size(sites) && rc == ZC_OK; i++) {
		json_t *s = json_array_get(sites, i);
		zc_site *site = &out->sites[out->n++];
		site->host = opt(s, "host");
		site->jurisdiction = opt(s, "jurisdiction");
		site->name = opt(s, "name");
		site->kind = opt(s, "issuer_kind");
		site->family = opt(s, "family");
		if (!site->host || !site->jurisdiction || strlen(site->jurisdiction) != 2 || !site->kind ||
		    (strcmp(site->kind, "gov") && strcmp(site->kind, "hc"))) {
			*err = zc_asprintf("%s: site %zu (%s): needs \"host\", a two-digit \"jurisdiction\" and \"issuer_kind\" gov or hc",
					   path, i + 1, site->host ? site->host : "no host");
			rc = ZC_EPARSE;
			break;
		}
		json_t *hosts = json_object_get(s, "hosts");
		site->hosts = zc_calloc(json_array_size(hosts) + 2, sizeof *site->hosts);
		site->hosts[site->n_hosts++] = zc_strdup(site->host);
		for (size_t k = 0; k < json_array_size(hosts); k++) {
			const char *h = json_string_value(json_array_get(hosts, k));
			if (h && strcmp(h, site->host))
				site->hosts[site->n_hosts++] = zc_strdup(h);
		}
		json_t *search = json_object_get(s, "search"), *lists = json_object_get(s, "lists");
		site->search = zc_calloc(json_array_size(search) + 1, sizeof *site->search);
		for (size_t k = 0; k < json_array_size(search) && rc == ZC_OK; k++, site->n_search++)
			rc = endpoint(json_array_get(search, k), &site->search[k], path, site->host, "search endpoint", err);
		site->lists = zc_calloc(json_array_size(lists) + 1, sizeof *site->lists);
		for (size_t k = 0; k < json_array_size(lists) && rc == ZC_OK; k++, site->n_lists++)
			rc = endpoint(json_array_get(lists, k), &site->lists[k], path, site->host, "list", err);
		if (rc == ZC_OK && site->n_search + site->n_lists == 0) {
			*err = zc_asprintf("%s: site %s has neither \"search\" nor \"lists\"", path, site->host);
			rc = ZC_EPARSE;
		}
	}
out:
	json_decref(j);
	if (rc != ZC_OK)
		zc_seeds_free(out);
	return rc;
}

void zc_seeds_free(zc_seeds *s)
{
	for (size_t i = 0; i < s->n; i++) {
		zc_site *site = &s->sites[i];
		free(site->host);
		free(site->jurisdiction);
		free(site->name);
		free(site->kind);
		free(site->family);
		for (size_t k = 0; k < site->n_hosts; k++)
			free(site->hosts[k]);
		free(site->hosts);
		for (size_t k = 0; k < site->n_search; k++)
			endpoint_free(&site->search[k]);
		free(site->search);
		for (size_t k = 0; k < site->n_lists; k++)
			endpoint_free(&site->lists[k]);
		free(site->lists);
	}
	free(s->sites);
	memset(s, 0, sizeof *s);
}

const zc_site *zc_seeds_find(const zc_seeds *s, const char *host)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->sites[i].host, host))
			return &s->sites[i];
	return NULL;
}

const zc_site *zc_seeds_scope(const zc_seeds *s, const char *host)
{
	const zc_site *f = zc_seeds_find(s, host);
	if (f)
		return f;
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->sites[i].n_hosts; k++)
			if (!strcmp(s->sites[i].hosts[k], host))
				return &s->sites[i];
	return NULL;
}
