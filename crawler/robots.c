/*
 * robots.c - robots.txt per RFC 9309: the group for our product token, else the * group;
 * Allow/Disallow by longest match (Allow wins a tie), * and $ in patterns; Crawl-delay (not in
 * the RFC, widely used) from the same group.
 */
#include "crawler.h"
#include "../common/zc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct rule {
	char *pattern;
	int allow;
} rule;

struct zc_robots {
	rule *rules;
	size_t n;
	double delay;
	int all;	/* -1 parse; 0 disallow all; 1 allow all */
};

zc_robots *zc_robots_all(int allow)
{
	zc_robots *r = zc_calloc(1, sizeof *r);
	r->all = allow ? 1 : 0;
	r->delay = -1;
	return r;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return zc_strndup(s, n);
}

/* groups: a run of user-agent lines followed by rules */
zc_robots *zc_robots_parse(const char *text, size_t len, const char *agent)
{
	zc_robots *mine = zc_calloc(1, sizeof *mine), *star = zc_calloc(1, sizeof *star);
	mine->all = star->all = -1;
	mine->delay = star->delay = -1;
	int in_agents = 0, for_mine = 0, for_star = 0, found_mine = 0;
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		char *line = zc_strndup(text + i, e - i);
		i = e + 1;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *colon = strchr(line, ':');
		if (!colon) {
			free(line);
			continue;
		}
		char *key = trim_dup(line, (size_t)(colon - line));
		char *val = trim_dup(colon + 1, strlen(colon + 1));
		if (!strcasecmp(key, "user-agent")) {
			if (!in_agents) {
				for_mine = for_star = 0;
				in_agents = 1;
			}
			if (!strcmp(val, "*"))
				for_star = 1;
			else if (strncasecmp(val, agent, strlen(val)) == 0 && *val) {
				for_mine = 1;
				found_mine = 1;
			}
		} else {
			in_agents = 0;
			zc_robots *targets[2] = {for_mine ? mine : NULL, for_star ? star : NULL};
			for (int t = 0; t < 2; t++) {
				zc_robots *r = targets[t];
				if (!r)
					continue;
				if (!strcasecmp(key, "allow") || !strcasecmp(key, "disallow")) {
					if (!*val)
						continue;	/* "Disallow:" allows everything */
					r->rules = zc_realloc(r->rules, (r->n + 1) * sizeof *r->rules);
					r->rules[r->n].pattern = zc_strdup(val);
					r->rules[r->n].allow = !strcasecmp(key, "allow");
					r->n++;
				} else if (!strcasecmp(key, "crawl-delay")) {
					char *end;
					double d = strtod(val, &end);
					if (end != val && d >= 0)
						r->delay = d;
				}
			}
		}
		free(key);
		free(val);
		free(line);
	}
	zc_robots *keep = found_mine ? mine : star, *drop = found_mine ? star : mine;
	zc_robots_free(&drop);
	return keep;
}

/*
 * Whether pattern matches a prefix of path (* any run, $ the end).  The classic wildcard
 * matcher with one backtracking point: O(len(pattern) x len(path)) whatever the file says
 * (a recursive matcher is exponential on patterns like "a*a*a*a*b", which a hostile robots.txt can hold).
 */
static int match(const char *pat, const char *path)
{
	const char *p = pat, *s = path, *star_p = NULL, *star_s = NULL;
	for (;;) {
		if (*p == '\0')
			return 1;
		if (*p == '$' && p[1] == '\0') {
			if (*s == '\0')
				return 1;
		} else if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		} else if (*s && *p == *s) {
			p++;
			s++;
			continue;
		}
		if (star_p && *star_s) {
			p = star_p;
			s = ++star_s;
			continue;
		}
		return 0;
	}
}

int zc_robots_allowed(const zc_robots *r, const char *path)
{
	if (r->all >= 0)
		return r->all;
	if (!strcmp(path, "/robots.txt"))
		return 1;
	long best = -1;
	int allow = 1;
	for (size_t i = 0; i < r->n; i++) {
		if (!match(r->rules[i].pattern, path))
			continue;
		long len = (long)strlen(r->rules[i].pattern);
		if (len > best || (len == best && r->rules[i].allow)) {
			best = len;
			allow = r->rules[i].allow;
		}
	}
	return allow;
}

double zc_robots_delay(const zc_robots *r)
{
	return r->delay;
}

void zc_robots_free(zc_robots **pr)
{
	zc_robots *r = *pr;
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->rules[i].pattern);
	free(r->rules);
	free(r);
	*pr = NULL;
}
