/*
 * outline.c - a body's outline (一、 / （一）) and the entries researchers code.
 *
 * Levels: a section line starts with a Chinese numeral and 、 (一、总体要求); an item line with a
 * bracketed numeral, full- or half-width ((一) or （一）).  Deeper levels (1. 2、 （1）) stay in the
 * text of their item.  Regulations number chapters and articles instead: 第三章 is section 3,
 * 第十二条 item 12 (articles run on across chapters; without chapters the section is 0).  An
 * annex (a line 附件, 附件1, 附件：…) ends the outline: its own numbering would restart.
 * An entry is a unit (an item, or a section without items) whose text mentions a keyword; its
 * code is "section-item".  A body without sections is one entry 0-0.
 */
#include "parser.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

static int section_number(const char *line)
{
	int n;
	int v = zc_cn_numeral(line, &n);
	if (v > 0 && strncmp(line + n, "、", strlen("、")) == 0)
		return v;
	return 0;
}

/* 第N章 (chapter) or 第N条 (article): N, with *kind 'c' or 'a' */
static int regulation_number(const char *line, char *kind)
{
	const char *di = "第";
	if (strncmp(line, di, strlen(di)) != 0)
		return 0;
	int n;
	int v = zc_cn_numeral(line + strlen(di), &n);
	if (v <= 0)
		return 0;
	const char *p = line + strlen(di) + n;
	if (!strncmp(p, "章", strlen("章"))) {
		*kind = 'c';
		return v;
	}
	if (!strncmp(p, "条", strlen("条"))) {
		*kind = 'a';
		return v;
	}
	return 0;
}

static int is_annex(const char *line)
{
	const char *fj = "附件";
	if (strncmp(line, fj, strlen(fj)) != 0)
		return 0;
	const char *p = line + strlen(fj);
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' || !strncmp(p, "：", strlen("：")) || *p == ':' || *p == ' ';
}

static int item_number(const char *line)
{
	const char *p = line;
	if (strncmp(p, "（", strlen("（")) == 0)
		p += strlen("（");
	else if (*p == '(')
		p++;
	else
		return 0;
	int n;
	int v = zc_cn_numeral(p, &n);
	if (v <= 0)
		return 0;
	p += n;
	if (strncmp(p, "）", strlen("）")) == 0 || *p == ')')
		return v;
	return 0;
}

static int mentions(const char *text, const char *const *kw, size_t nkw)
{
	for (size_t i = 0; i < nkw; i++)
		if (kw[i][0] && strstr(text, kw[i]))
			return 1;
	return 0;
}

static void push(zc_outline_entry **v, size_t *n, int s, int i, char *text)
{
	*v = zc_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].section = s;
	(*v)[*n].item = i;
	(*v)[*n].text = text;
	(*n)++;
}

int zc_entries_split(const char *body, const char *const *keywords, size_t n_keywords,
		     zc_outline_entry **entries, size_t *n_entries)
{
	zc_outline_entry *units = NULL;
	size_t nunits = 0;
	zc_buf cur;
	int sec = 0, item = 0, any_section = 0;
	zc_buf_init(&cur, ZC_BUF_UNLIMITED);
	*entries = NULL;
	*n_entries = 0;

	const char *p = body;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = zc_strndup(p, len);
		if (is_annex(line)) {
			free(line);
			break;
		}
		char kind = 0;
		int reg = regulation_number(line, &kind);
		int s = section_number(line);
		int it = s ? 0 : item_number(line);
		if (reg && kind == 'c') {
			s = reg;
		} else if (reg && kind == 'a') {
			it = reg;
			if (!sec) {
				/* articles without chapters: section 0 holds them */
				any_section = 1;
				sec = -1;
			}
		}
		if (s || (it && sec)) {
			if (sec && cur.len)
				push(&units, &nunits, sec < 0 ? 0 : sec, item, zc_buf_take(&cur));
			zc_buf_reset(&cur);
			if (s) {
				sec = s;
				item = 0;
				any_section = 1;
			} else {
				item = it;
			}
		}
		if (sec) {
			if (cur.len)
				zc_buf_catc(&cur, '\n');
			zc_buf_cats(&cur, line);
		}
		free(line);
		p = nl ? nl + 1 : p + len;
	}
	if (sec && cur.len)
		push(&units, &nunits, sec < 0 ? 0 : sec, item, zc_buf_take(&cur));
	zc_buf_free(&cur);

	for (size_t i = 0; i < nunits; i++) {
		zc_outline_entry *u = &units[i];
		/* a section heading followed by items is not a unit of its own unless it has
		   text of its own beyond the heading */
		int heading_only = u->item == 0 && !strchr(u->text, '\n') && i + 1 < nunits &&
				   units[i + 1].section == u->section;
		if (!heading_only && mentions(u->text, keywords, n_keywords)) {
			push(entries, n_entries, u->section, u->item, u->text);
			u->text = NULL;
		}
		free(u->text);
	}
	free(units);
	if (!any_section || *n_entries == 0)
		push(entries, n_entries, 0, 0, zc_strdup(body));
	return ZC_OK;
}

void zc_entries_free(zc_outline_entry **entries, size_t n)
{
	if (!*entries)
		return;
	for (size_t i = 0; i < n; i++)
		free((*entries)[i].text);
	free(*entries);
	*entries = NULL;
}
