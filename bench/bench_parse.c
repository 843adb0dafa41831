/*
 * bench_parse: parse + extraction over many saved pages, as zhengce does for every article.
 * usage: bench_parse LIST   (LIST: one "PATH<TAB>URL<TAB>CONTENT-TYPE" a line)
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
	if (argc != 2) {
		fprintf(stderr, "usage: bench_parse LIST\n");
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
		char *data, *url, *ct;
		size_t len;
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
		FILE *f = fopen(line, "rb");
		if (!f)
			continue;
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		zc_buf_read(&b, f);
		fclose(f);
		v = zc_realloc(v, (pages + 1) * sizeof *v);
		v[pages].len = b.len;
		v[pages].data = zc_buf_take(&b);
		v[pages].url = zc_strdup(url);
		v[pages].ct = zc_strdup(ct ? ct : "");
		bytes += v[pages].len;
		pages++;
	}
	fclose(l);
	clock_t t0 = clock();
	static const char *const kw[] = {"医联体", "医共体", "支援", "帮扶", "专科联盟"};
	for (size_t i = 0; i < pages; i++) {
		zc_doc *d;
		zc_parse_page(v[i].data, v[i].len, v[i].url, *v[i].ct ? v[i].ct : NULL, &d);
		zc_entry *e;
		size_t ne;
		zc_entries_split(d->body, kw, 5, &e, &ne);
		zc_entries_free(&e, ne);
		zc_doc_free(&d);
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("%zu pages, %zu bytes, %.3f s, %.2f MB/s, %.0f pages/s\n", pages, bytes, secs, (double)bytes / 1e6 / secs,
	       (double)pages / secs);
	for (size_t i = 0; i < pages; i++) {
		free(v[i].data);
		free(v[i].url);
		free(v[i].ct);
	}
	free(v);
	return 0;
}
