/*
 * bench_parse: parse + extraction over many saved pages, as zhengce does for every article.
 * usage: bench_parse LIST [ROUNDS]   (LIST: one "PATH<TAB>URL<TAB>CONTENT-TYPE" a line; the
 * pages are read and parsed ROUNDS times, 1 by default, so that a run is long enough to time;
 * each read as xmllint, the reference, reads each file it is given)
 * Prints: pages, bytes, seconds (CPU), MB/s, pages/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parser.h"
#include "zc.h"

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: bench_parse LIST [ROUNDS]\n");
		return 2;
	}
	long rounds = 1;
	if (argc == 3 && zc_parse_long(argv[2], 1, 1000000, &rounds) != ZC_OK) {
		fprintf(stderr, "bench_parse: ROUNDS %s is not a number from 1 to 1000000\n", argv[2]);
		return 2;
	}
	FILE *l = fopen(argv[1], "r");
	if (!l) {
		perror(argv[1]);
		return 1;
	}
	char line[8192];
	size_t pages = 0, bytes = 0;
	struct {
		char *path, *url, *ct;
	} *v = NULL;
	while (fgets(line, sizeof line, l)) {
		line[strcspn(line, "\n")] = 0;
		char *url = strchr(line, '\t');
		if (!url)
			continue;
		*url++ = 0;
		char *ct = strchr(url, '\t');
		if (ct)
			*ct++ = 0;
		v = zc_realloc(v, (pages + 1) * sizeof *v);
		v[pages].path = zc_strdup(line);
		v[pages].url = zc_strdup(url);
		v[pages].ct = zc_strdup(ct ? ct : "");
		pages++;
	}
	fclose(l);
	clock_t t0 = clock();
	static const char *const kw[] = {"医联体", "医共体", "支援", "帮扶", "专科联盟"};
	for (size_t i = 0; i < pages * (size_t)rounds; i++) {
		zc_doc *d;
		size_t k = i % pages;
		FILE *f = fopen(v[k].path, "rb");
		if (!f)
			continue;
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		int rrc = zc_buf_read(&b, f);
		fclose(f);
		if (rrc != ZC_OK) {
			fprintf(stderr, "bench_parse: %s: %s\n", v[k].path, zc_strerror(rrc));
			zc_buf_free(&b);
			continue;
		}
		if (i < pages)
			bytes += b.len;
		zc_parse_page(b.data ? b.data : "", b.len, v[k].url, *v[k].ct ? v[k].ct : NULL, &d);
		zc_buf_free(&b);
		zc_outline_entry *e;
		size_t ne;
		zc_entries_split(d->body, kw, 5, &e, &ne);
		zc_entries_free(&e, ne);
		zc_doc_free(&d);
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("%zu pages x %ld, %zu bytes, %.3f s, %.2f MB/s, %.0f pages/s\n", pages, rounds, bytes, secs,
	       (double)bytes * rounds / 1e6 / secs, (double)pages * rounds / secs);
	for (size_t i = 0; i < pages; i++) {
		free(v[i].path);
		free(v[i].url);
		free(v[i].ct);
	}
	free(v);
	return 0;
}
