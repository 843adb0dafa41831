/*
 * crawl_view.c - what a crawl shows on the terminal: the progress the crawler reports
 * (zc_crawl_progress), redrawn in place on stderr, and its notes, each on a line of its own
 * below the display.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* the terminal's size, 24 x 100 when it does not say */
static void term_size(int *rows, int *cols)
{
	struct winsize ws;
	*rows = 24;
	*cols = 100;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

size_t crawl_view_hosts(void)
{
	int rows, cols;
	term_size(&rows, &cols);
	return rows > 3 ? (size_t)rows - 3 : 0;
}

/* truncated to the terminal's width: a wrapped line would break the redraw */
static void view_line(int cols, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void view_line(int cols, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (cols > 0 && cols - 1 < (int)sizeof line)
		line[cols - 1] = '\0';
	fputs(line, stderr);
}

/* A summary line, then one line per host at work (requests done, queued, and what it is doing:
   fetching, waiting for politeness, backing off, blocked), as many as the terminal has lines. */
void crawl_view_progress(const zc_crawl_progress *p, void *arg)
{
	static const char *const what[ZC_HOST_STATES] = {"fetching", "blocked", "backing off", "waiting", "ready", "done"};
	crawl_view *v = arg;
	int rows, cols;
	term_size(&rows, &cols);
	if (v->lines > 1)
		fprintf(stderr, "\033[%dA", v->lines - 1);
	fputs("\r\033[J", stderr);
	view_line(cols, "crawl: %ld requests, %ld new, %ld unchanged | %llu queued | hosts: %d fetching, %d waiting, %d backing off, %d blocked, %d done",
		  p->requests, p->fresh, p->unchanged, (unsigned long long)p->queued, p->hosts[ZC_HOST_FETCHING],
		  p->hosts[ZC_HOST_WAITING], p->hosts[ZC_HOST_BACKING_OFF], p->hosts[ZC_HOST_BLOCKED], p->hosts[ZC_HOST_DONE]);
	int lines = 1;
	for (size_t k = 0; k < p->n_shown; k++) {
		const zc_host_progress *h = &p->shown[k];
		char wait[48] = "";
		if (h->activity == ZC_HOST_BACKING_OFF)
			snprintf(wait, sizeof wait, " (%.0f s)", h->wait);
		else if (h->activity == ZC_HOST_WAITING)
			snprintf(wait, sizeof wait, " (politeness, %.1f s)", h->wait);
		fputc('\n', stderr);
		view_line(cols, "  %-28s %7ld done %7llu%s queued  %s%s", h->host, h->done, (unsigned long long)h->queued,
			  h->queued_capped ? "+" : "", what[h->activity], wait);
		lines++;
	}
	if (p->hidden > 0 && !p->final) {
		fprintf(stderr, "\n  ... and %zu more hosts at work", p->hidden);
		lines++;
	}
	v->lines = lines;
	if (p->final) {
		fputc('\n', stderr);
		v->lines = 0;
	}
}

void crawl_view_note(const char *msg, void *arg)
{
	crawl_view *v = arg;
	if (v && v->lines) {	/* below the display, which the next redraw puts under it */
		fputc('\n', stderr);
		v->lines = 0;
	}
	fprintf(stderr, "zhengce: %s\n", msg);
}
