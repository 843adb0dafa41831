/* seeds.c - the sites as data: seeds/sites.json (docs/SEEDS.md). */
#include "crawler.h"
#include "../common/zc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <curl/curl.h>
#include <libxml/xpath.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

static char *opt(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? zc_strdup(s) : NULL;
}

static const char *const ANSWERS[] = {"govcn-json", "hanweb-json", "trs-was5", "jpage-xml", "html-list"};
static const char *const FAMILIES[] = {"govcn", "nhc", "hanweb", "trs", "vsb", "thinkphp", "jsp", "channels"};
static const char *const SITE_FIELDS[] = {"host", "jurisdiction", "name", "issuer_kind", "family", "hosts", "search",
					  "lists"};
static const char *const EP_FIELDS[] = {"method", "url", "next", "body", "answer", "page_size", "items", "pages",
					"referer", "max_pages", "order"};
static const char *const VARS[] = {"kw", "page", "page0", "rpage", "start", "end"};

static int one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static char *joined(const char *const *list, size_t n)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (size_t i = 0; i < n; i++) {
		zc_buf_cats(&b, i ? ", " : "");
		zc_buf_cats(&b, list[i]);
	}
	return zc_buf_take(&b);
}

#define N(a) (sizeof a / sizeof a[0])

/* every key of o one of the fields named; else *err names the first that is not */
static int known_fields(json_t *o, const char *const *fields, size_t n, const char *where, char **err)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		if (!one_of(k, fields, n)) {
			char *all = joined(fields, n);
			*err = zc_asprintf("%s: unknown field \"%s\" (the fields are %s)", where, k, all);
			free(all);
			return ZC_EPARSE;
		}
	}
	return ZC_OK;
}

/* a host as the crawler compares it: a plain lower-case name (docs/DESIGN.md, scope) */
static int plain_host(const char *h)
{
	size_t n = h ? strlen(h) : 0;
	return n > 0 && n < 256 && h[n - 1] != '.' && h[0] != '.' && strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789-.") == n &&
	       strspn(h, "0123456789.") != n;
}

/* a template: only known {variables}; expanded, an http(s) URL (unless body) on a host of the site */
static int check_template(const char *tpl, int is_url, const zc_site *site, const char *where, const char *field, char **err)
{
	for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		char *name = zc_strndup(p + 1, (size_t)(e - p - 1));
		int ok = one_of(name, VARS, N(VARS));
		if (!ok) {
			char *all = joined(VARS, N(VARS));
			*err = zc_asprintf("%s: \"%s\" has an unknown variable {%s} (the variables are %s)", where, field, name, all);
			free(all);
		}
		free(name);
		if (!ok)
			return ZC_EPARSE;
	}
	if (!is_url)
		return ZC_OK;
	char *url = zc_template_expand(tpl, "医联体", 2, 3, 20);
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL;
	int rc = ZC_EPARSE;
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || (strcmp(scheme, "http") && strcmp(scheme, "https")) ||
	    curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		*err = zc_asprintf("%s: \"%s\" is not an http(s) URL template without user info: %s", where, field, tpl);
	} else {
		for (char *c = host; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
		int in = 0;
		for (size_t k = 0; k < site->n_hosts; k++)
			in |= !strcmp(site->hosts[k], host);
		if (!in)
			*err = zc_asprintf("%s: \"%s\" is on %s, which is not the site's host nor in its \"hosts\"", where, field, host);
		else
			rc = ZC_OK;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	free(url);
	return rc;
}

static void quiet_xml(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int check_xpath(const char *expr)
{
	xmlGenericErrorFunc saved = xmlGenericError;
	void *saved_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	xmlXPathCompExprPtr c = xmlXPathCompile((const xmlChar *)expr);
	xmlSetGenericErrorFunc(saved_ctx, saved);
	if (!c)
		return 0;
	xmlXPathFreeCompExpr(c);
	return 1;
}

/* the regex compiles and has a group (the page count); *why says what is wrong */
static int check_regex(const char *re_text, char *why, size_t n)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(why, n, "does not compile at offset %zu: %s", (size_t)off, (const char *)msg);
		return 0;
	}
	uint32_t groups = 0;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	pcre2_code_free(re);
	if (groups < 1) {
		snprintf(why, n, "has no group: group 1 must capture the page count");
		return 0;
	}
	return 1;
}

static int check_int(json_t *e, const char *k, const char *where, char **err)
{
	json_t *v = json_object_get(e, k);
	if (v && (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000)) {
		*err = zc_asprintf("%s: \"%s\" must be a whole number from 1 to 1000000", where, k);
		return ZC_EPARSE;
	}
	return ZC_OK;
}

static int check_strings(json_t *e, const char *const *fields, size_t n, const char *where, char **err)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(e, fields[i]);
		if (v && !json_is_string(v)) {
			*err = zc_asprintf("%s: \"%s\" must be a string", where, fields[i]);
			return ZC_EPARSE;
		}
	}
	return ZC_OK;
}

static int endpoint(json_t *e, zc_endpoint *ep, const char *path, const zc_site *site, const char *what, size_t k, char **err)
{
	static const char *const strs[] = {"method", "url", "next", "body", "answer", "items", "pages", "referer", "order"};
	char *where = zc_asprintf("%s: site %s: %s %zu", path, site->host, what, k + 1), why[200];
	int rc = ZC_EPARSE;
	memset(ep, 0, sizeof *ep);
	if (!json_is_object(e)) {
		*err = zc_asprintf("%s: must be an object", where);
		goto out;
	}
	if (known_fields(e, EP_FIELDS, N(EP_FIELDS), where, err) != ZC_OK || check_strings(e, strs, N(strs), where, err) != ZC_OK ||
	    check_int(e, "page_size", where, err) != ZC_OK || check_int(e, "max_pages", where, err) != ZC_OK)
		goto out;
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
	const char *order = json_string_value(json_object_get(e, "order"));
	if (order && strcmp(order, "date") && strcmp(order, "none")) {
		*err = zc_asprintf("%s: \"order\" must be date (results newest first) or none (got %s)", where, order);
		goto out;
	}
	ep->date_order = order && !strcmp(order, "date");
	if (!ep->url) {
		*err = zc_asprintf("%s: needs \"url\", an http(s) URL template", where);
		goto out;
	}
	if (!one_of(ep->answer, ANSWERS, N(ANSWERS))) {
		char *all = joined(ANSWERS, N(ANSWERS));
		*err = zc_asprintf("%s: \"answer\" must be one of %s (got %s)", where, all, ep->answer ? ep->answer : "nothing");
		free(all);
		goto out;
	}
	if (!strcmp(ep->answer, "html-list") && !ep->items) {
		*err = zc_asprintf("%s: an html-list needs \"items\" (the XPath of article links)", where);
		goto out;
	}
	if (strcmp(ep->method, "GET") && strcmp(ep->method, "POST")) {
		*err = zc_asprintf("%s: \"method\" must be GET or POST", where);
		goto out;
	}
	if (check_template(ep->url, 1, site, where, "url", err) != ZC_OK ||
	    (ep->next && check_template(ep->next, 1, site, where, "next", err) != ZC_OK) ||
	    (ep->body && check_template(ep->body, 0, site, where, "body", err) != ZC_OK))
		goto out;
	if (ep->items && !check_xpath(ep->items)) {
		*err = zc_asprintf("%s: \"items\" is not an XPath expression libxml2 can compile: %s", where, ep->items);
		goto out;
	}
	if (ep->pages && !check_regex(ep->pages, why, sizeof why)) {
		*err = zc_asprintf("%s: \"pages\" %s: %s", where, why, ep->pages);
		goto out;
	}
	rc = ZC_OK;
out:
	free(where);
	return rc;
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

/* a site's own fields: its host, a two-digit jurisdiction, issuer_kind gov or hc, a known family */
static int site_fields(json_t *s, zc_site *site, const char *path, size_t i, char **err)
{
	static const char *const strs[] = {"host", "jurisdiction", "name", "issuer_kind", "family"};
	int rc = ZC_OK;
	site->host = opt(s, "host");
	site->jurisdiction = opt(s, "jurisdiction");
	site->name = opt(s, "name");
	site->kind = opt(s, "issuer_kind");
	site->family = opt(s, "family");
	char *where = zc_asprintf("%s: site %zu (%s)", path, i + 1, site->host ? site->host : "no host");
	if (!json_is_object(s)) {
		*err = zc_asprintf("%s: must be an object", where);
		rc = ZC_EPARSE;
	} else if ((rc = known_fields(s, SITE_FIELDS, N(SITE_FIELDS), where, err)) == ZC_OK &&
		   (rc = check_strings(s, strs, N(strs), where, err)) == ZC_OK) {
		if (!site->host || !site->jurisdiction || strlen(site->jurisdiction) != 2 ||
		    strspn(site->jurisdiction, "0123456789") != 2 || !site->kind ||
		    (strcmp(site->kind, "gov") && strcmp(site->kind, "hc"))) {
			*err = zc_asprintf("%s: needs \"host\", a two-digit \"jurisdiction\" and \"issuer_kind\" gov or hc", where);
			rc = ZC_EPARSE;
		} else if (site->family && !one_of(site->family, FAMILIES, N(FAMILIES))) {
			char *all = joined(FAMILIES, N(FAMILIES));
			*err = zc_asprintf("%s: unknown \"family\" %s (the families are %s)", where, site->family, all);
			free(all);
			rc = ZC_EPARSE;
		}
	}
	free(where);
	return rc;
}

/* a site's hosts: its host and those it lists, every one plain and in this site only (a host's
   requests, politeness and scope belong to one site) */
static int site_hosts(json_t *s, zc_site *site, const zc_seeds *out, const char *path, char **err)
{
	json_t *hosts = json_object_get(s, "hosts");
	if (hosts && !json_is_array(hosts)) {
		*err = zc_asprintf("%s: site %s: \"hosts\" must be a list of host names", path, site->host);
		return ZC_EPARSE;
	}
	site->hosts = zc_calloc(json_array_size(hosts) + 2, sizeof *site->hosts);
	site->hosts[site->n_hosts++] = zc_strdup(site->host);
	for (size_t k = 0; k < json_array_size(hosts); k++) {
		const char *h = json_string_value(json_array_get(hosts, k));
		if (h && strcmp(h, site->host))
			site->hosts[site->n_hosts++] = zc_strdup(h);
	}
	for (size_t k = 0; k < site->n_hosts; k++) {
		const char *h = site->hosts[k];
		if (!plain_host(h)) {
			*err = zc_asprintf("%s: site %s: host \"%s\" is not a plain lower-case host name", path, site->host, h);
			return ZC_EPARSE;
		}
		for (size_t o = 0; o < out->n; o++) {
			const zc_site *other = &out->sites[o];
			for (size_t q = 0; q < other->n_hosts; q++)
				if ((other != site || q < k) && !strcmp(other->hosts[q], h)) {
					*err = zc_asprintf("%s: site %s: host %s is also %s's; a host belongs to one site",
							   path, site->host, h, other == site ? "this site" : other->host);
					return ZC_EPARSE;
				}
		}
	}
	return ZC_OK;
}

/* a site's search endpoints and lists: at least one */
static int site_endpoints(json_t *s, zc_site *site, const char *path, char **err)
{
	json_t *search = json_object_get(s, "search"), *lists = json_object_get(s, "lists");
	int rc = ZC_OK;
	if ((search && !json_is_array(search)) || (lists && !json_is_array(lists))) {
		*err = zc_asprintf("%s: site %s: \"search\" and \"lists\" must be lists of endpoints", path, site->host);
		return ZC_EPARSE;
	}
	site->search = zc_calloc(json_array_size(search) + 1, sizeof *site->search);
	for (size_t k = 0; k < json_array_size(search) && rc == ZC_OK; k++, site->n_search++)
		rc = endpoint(json_array_get(search, k), &site->search[k], path, site, "search endpoint", k, err);
	site->lists = zc_calloc(json_array_size(lists) + 1, sizeof *site->lists);
	for (size_t k = 0; k < json_array_size(lists) && rc == ZC_OK; k++, site->n_lists++)
		rc = endpoint(json_array_get(lists, k), &site->lists[k], path, site, "list", k, err);
	if (rc == ZC_OK && site->n_search + site->n_lists == 0) {
		*err = zc_asprintf("%s: site %s has neither \"search\" nor \"lists\"", path, site->host);
		rc = ZC_EPARSE;
	}
	return rc;
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
	static const char *const top[] = {"sites", "comment"};
	int rc = ZC_OK;
	if (json_is_object(j))
		rc = known_fields(j, top, N(top), path, err);
	if (rc == ZC_OK && !json_is_array(sites)) {
		*err = zc_asprintf("%s: expected {\"sites\": [...]}", path);
		rc = ZC_EPARSE;
	}
	if (rc == ZC_OK)
		out->sites = zc_calloc(json_array_size(sites) + 1, sizeof *out->sites);
	for (size_t i = 0; rc == ZC_OK && i < json_array_size(sites); i++) {
		json_t *s = json_array_get(sites, i);
		zc_site *site = &out->sites[out->n++];
		if ((rc = site_fields(s, site, path, i, err)) == ZC_OK && (rc = site_hosts(s, site, out, path, err)) == ZC_OK)
			rc = site_endpoints(s, site, path, err);
	}
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
