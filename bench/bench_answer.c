/*
 * bench_answer: one search answer or list page parsed as the crawl parses it (zc_answer_parse),
 * ROUNDS times in one process, so that the CPU per link of a large answer can be set against
 * a small one's.
 * usage: bench_answer ANSWER FILE URL ROUNDS [ITEMS]   (ANSWER: govcn-json hanweb-json trs-was5
 * jpage-xml html-list; ITEMS: html-list's XPath of the links)
 * Prints: links (distinct, as the crawl keeps them), CPU seconds for all rounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler.h"
#include "zc.h"

int main(int argc, char **argv)
{
	long rounds;
	if ((argc != 5 && argc != 6) || zc_parse_long(argv[4], 1, 1000000, &rounds) != ZC_OK) {
		fprintf(stderr, "usage: bench_answer ANSWER FILE URL ROUNDS [ITEMS]\n");
		return 2;
	}
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int rc = zc_buf_read(&b, f);
	fclose(f);
	if (rc != ZC_OK) {
		fprintf(stderr, "bench_answer: cannot read %s\n", argv[2]);
		return 1;
	}
	zc_endpoint ep = {0};
	ep.answer = argv[1];
	ep.items = argc == 6 ? argv[5] : NULL;
	ep.page_size = 20;
	size_t links = 0;
	clock_t t0 = clock();
	for (long r = 0; r < rounds; r++) {
		zc_links l;
		if (zc_answer_parse(&ep, argv[3], b.data ? b.data : "", b.len, "text/html; charset=utf-8", &l) != ZC_OK) {
			fprintf(stderr, "bench_answer: %s is not a %s answer\n", argv[2], argv[1]);
			return 1;
		}
		links = l.n;
		zc_links_free(&l);
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("%zu %.4f\n", links, secs);
	zc_buf_free(&b);
	return 0;
}
