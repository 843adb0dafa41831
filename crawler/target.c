/* target.c - where a URL connects (as libcurl parses it), robots.txt's URL, the hosts of a crawl and the mirror's mapping. */
#include "crawl_internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/*
 * Where a connection for a URL goes, as libcurl's own URL parser reads it: the transfer is
 * given the same parsed handle (CURLOPT_CURLU), so scope, robots.txt and the --connect-to
 * check decide on exactly what libcurl connects to.  A URL is usable only when its scheme is
 * http or https, it has no user info (http://IN-SCOPE@127.0.0.1/ connects to 127.0.0.1), and
 * its host is a plain name: IP literals (v4 in any notation libcurl accepts, v6), a trailing
 * dot or anything but letters, digits, '-' and '.' never equal a seed's host, so they are out
 * of scope by the same test.
 */

int cr_url_target(const char *url, target *t, CURLU **keep)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pw = NULL, *path = NULL, *query = NULL;
	memset(t, 0, sizeof *t);
	t->why = "not a URL libcurl can read";
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		t->why = "not http or https";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		t->why = "it has user info before its host (it would connect to the host after the @)";
		goto out;
	}
	size_t hl = strlen(host);
	/* libcurl writes an IPv4 address in any notation as dotted decimal, IPv6 in brackets */
	if (!hl || hl >= sizeof t->host || host[hl - 1] == '.' || strspn(host, "0123456789.") == hl ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != hl) {
		t->why = "its host is not a plain host name";
		goto out;
	}
	for (size_t i = 0; i <= hl; i++)
		t->host[i] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
	for (size_t i = 0; scheme[i] && i + 1 < sizeof t->scheme; i++)
		t->scheme[i] = (char)((scheme[i] >= 'A' && scheme[i] <= 'Z') ? scheme[i] + 32 : scheme[i]);
	t->port = (int)strtol(port, NULL, 10);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	snprintf(t->path, sizeof t->path, "%s%s%s", path && *path ? path : "/", query ? "?" : "", query ? query : "");
	t->why = NULL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pw);
	curl_free(path);
	curl_free(query);
	if (keep && !t->why)
		*keep = u;
	else
		curl_url_cleanup(u);
	return t->why == NULL;
}

int zc_url_target(const char *url, char *host, size_t n, int *port, const char **why)
{
	target t;
	int ok = cr_url_target(url, &t, NULL);
	*why = t.why;
	*port = t.port;
	snprintf(host, n, "%s", ok ? t.host : "");
	return ok ? ZC_OK : ZC_ESCOPE;
}

/* scheme://host[:port]/robots.txt of a target, the port only when not the scheme's default */
char *cr_robots_url(const target *t)
{
	int dflt = !strcmp(t->scheme, "https") ? 443 : 80;
	if (t->port == dflt)
		return zc_asprintf("%s://%s/robots.txt", t->scheme, t->host);
	return zc_asprintf("%s://%s:%d/robots.txt", t->scheme, t->host, t->port);
}

host_state *cr_host_of(crawl *c, const char *host)
{
	for (size_t i = 0; i < c->n_hosts; i++)
		if (!strcmp(c->hosts[i].host, host))
			return &c->hosts[i];
	return NULL;
}

/* with --connect-to in force, only mapped host:port pairs may be reached */
int cr_mapped(crawl *c, const char *host, int port)
{
	if (!c->o->n_connect_to)
		return 1;
	for (size_t i = 0; i < c->o->n_connect_to; i++) {
		const char *m = c->o->connect_to[i];
		const char *colon = strchr(m, ':');
		if (!colon)
			continue;
		size_t hl = (size_t)(colon - m);
		long mport = strtol(colon + 1, NULL, 10);
		int host_ok = hl == 0 || (hl == strlen(host) && !strncasecmp(m, host, hl));
		int port_ok = colon[1] == ':' || mport == port;
		if (host_ok && port_ok)
			return 1;
	}
	return 0;
}

