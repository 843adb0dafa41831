/*
 * bench_fetch: the fetch alone, as cheap as zhengce's fetch library makes it.
 * usage: bench_fetch URLS HTTP_PORT HTTPS_PORT CA_FILE
 *
 * Fetches every URL of the file URLS (one a line) through libcurl's multi interface, scheduled
 * as `zhengce crawl` schedules them (one request at a time per host, every host at once, one
 * kept connection per host), every host's port 80 and 443 mapped to 127.0.0.1:HTTP_PORT and
 * 127.0.0.1:HTTPS_PORT as `zhengce crawl --mirror` maps them, trusting CA_FILE only.  The
 * bodies are dropped: nothing is parsed, stored or archived.  scripts/bench measures its CPU
 * as the floor under any crawler built on libcurl (docs/PERFORMANCE.md).
 *
 * Prints: answers, answers with status 200.  Exits 1 when a transfer fails.
 */
#define _POSIX_C_SOURCE 200809L	/* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

typedef struct host {
	char name[256];
	char **urls;
	size_t n, cap, next;
	CURL *e;
} host;

static size_t drop(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static host *host_of(host **hs, size_t *nh, const char *url)
{
	const char *s = strstr(url, "://");
	s = s ? s + 3 : url;
	size_t len = strcspn(s, ":/?#");
	if (len >= sizeof (*hs)->name)
		len = sizeof (*hs)->name - 1;
	for (size_t i = 0; i < *nh; i++)
		if (strlen((*hs)[i].name) == len && !memcmp((*hs)[i].name, s, len))
			return &(*hs)[i];
	host *grown = realloc(*hs, (*nh + 1) * sizeof **hs);
	if (!grown)
		return NULL;
	*hs = grown;
	host *h = &grown[(*nh)++];
	memset(h, 0, sizeof *h);
	memcpy(h->name, s, len);
	return h;
}

static int add_url(host *h, const char *url)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 16;
		char **grown = realloc(h->urls, cap * sizeof *grown);
		if (!grown)
			return -1;
		h->urls = grown;
		h->cap = cap;
	}
	return (h->urls[h->n++] = strdup(url)) ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench_fetch URLS HTTP_PORT HTTPS_PORT CA_FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	host *hs = NULL;
	size_t nh = 0;
	char line[8192];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		host *h = host_of(&hs, &nh, line);
		if (!h || add_url(h, line) < 0) {
			fprintf(stderr, "bench_fetch: out of memory\n");
			return 1;
		}
	}
	fclose(f);

	char http[64], https[64];
	snprintf(http, sizeof http, ":80:127.0.0.1:%s", argv[2]);
	snprintf(https, sizeof https, ":443:127.0.0.1:%s", argv[3]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct curl_slist *connect_to = curl_slist_append(curl_slist_append(NULL, http), https);
	CURLM *m = curl_multi_init();
	if (!connect_to || !m) {
		fprintf(stderr, "bench_fetch: libcurl could not start\n");
		return 1;
	}
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)nh + 4);
	for (size_t i = 0; i < nh; i++) {
		CURL *e = hs[i].e = curl_easy_init();
		if (!e) {
			fprintf(stderr, "bench_fetch: libcurl could not start\n");
			return 1;
		}
		curl_easy_setopt(e, CURLOPT_URL, hs[i].urls[hs[i].next++]);
		curl_easy_setopt(e, CURLOPT_PRIVATE, &hs[i]);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, drop);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(e, CURLOPT_CAINFO, argv[4]);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to);
		curl_multi_add_handle(m, e);
	}
	long answers = 0, ok = 0, failed = 0;
	int running = 1;
	while (running) {
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *e = msg->easy_handle;
			char *priv = NULL;
			long status = 0;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
			host *h = (host *)priv;
			if (msg->data.result != CURLE_OK) {
				fprintf(stderr, "bench_fetch: %s: %s\n", h->urls[h->next - 1],
					curl_easy_strerror(msg->data.result));
				failed++;
			} else {
				curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
				answers++;
				ok += status == 200;
			}
			curl_multi_remove_handle(m, e);
			if (h->next < h->n) {
				curl_easy_setopt(e, CURLOPT_URL, h->urls[h->next++]);
				curl_multi_add_handle(m, e);
				running = 1;
			}
		}
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	printf("%ld %ld\n", answers, ok);
	for (size_t i = 0; i < nh; i++) {
		curl_easy_cleanup(hs[i].e);
		for (size_t j = 0; j < hs[i].n; j++)
			free(hs[i].urls[j]);
		free(hs[i].urls);
	}
	free(hs);
	curl_multi_cleanup(m);
	curl_slist_free_all(connect_to);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
