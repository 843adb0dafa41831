/* profile.c - the study profile file (docs/PROFILE.md). */
#include "select.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

struct zc_profile {
	char *path, *name;
	char *canon;		/* the file as compact JSON, keys sorted */
	char **topic, **generic, **context, **search, **issuers, **types;
	size_t n_topic, n_generic, n_context, n_search, n_issuers, n_types;
	char range_from[11], range_to[11];
};

static int strings(json_t *arr, const char *what, const char *path, char ***out, size_t *n, char **err)
{
	*out = NULL;
	*n = 0;
	if (!json_is_array(arr)) {
		*err = zc_asprintf("%s: \"%s\" must be a list of strings", path, what);
		return ZC_EPARSE;
	}
	*out = zc_calloc(json_array_size(arr) + 1, sizeof **out);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *s = json_array_get(arr, i);
		if (!json_is_string(s) || !*json_string_value(s)) {
			*err = zc_asprintf("%s: item %zu of \"%s\" is not a non-empty string", path, i + 1, what);
			return ZC_EPARSE;
		}
		(*out)[(*n)++] = zc_str_fold(json_string_value(s));
	}
	return ZC_OK;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int zc_profile_load(const char *path, zc_profile **out, char **err)
{
	json_error_t je;
	zc_profile *p = zc_calloc(1, sizeof *p);
	int rc = ZC_OK;
	*out = NULL;
	*err = NULL;
	json_t *j = json_load_file(path, 0, &je);
	p->path = zc_strdup(path);
	if (!j) {
		*err = zc_asprintf("%s:%d:%d: %s", path, je.line, je.column, je.text);
		rc = ZC_EPARSE;
		goto out;
	}
	json_t *name = json_object_get(j, "name");
	p->name = zc_strdup(json_is_string(name) ? json_string_value(name) : path);
	json_t *topic = json_object_get(j, "topic");
	if (!json_is_object(topic)) {
		*err = zc_asprintf("%s: \"topic\" must be an object with \"keywords\" (and optional \"context\")", path);
		rc = ZC_EPARSE;
		goto out;
	}
	if ((rc = strings(json_object_get(topic, "keywords"), "topic.keywords", path, &p->topic, &p->n_topic, err)))
		goto out;
	if (json_object_get(topic, "generic") &&
	    (rc = strings(json_object_get(topic, "generic"), "topic.generic", path, &p->generic, &p->n_generic, err)))
		goto out;
	if (json_object_get(topic, "context") &&
	    (rc = strings(json_object_get(topic, "context"), "topic.context", path, &p->context, &p->n_context, err)))
		goto out;
	if (json_object_get(j, "search_keywords")) {
		if ((rc = strings(json_object_get(j, "search_keywords"), "search_keywords", path, &p->search, &p->n_search, err)))
			goto out;
	} else {
		p->search = zc_calloc(p->n_topic + 1, sizeof *p->search);
		for (size_t i = 0; i < p->n_topic; i++)
			p->search[p->n_search++] = zc_strdup(p->topic[i]);
	}
	json_t *iss = json_object_get(j, "issuers");
	if ((rc = strings(json_object_get(iss, "qualifying"), "issuers.qualifying", path, &p->issuers, &p->n_issuers, err)))
		goto out;
	if ((rc = strings(json_object_get(j, "types"), "types", path, &p->types, &p->n_types, err)))
		goto out;
	strcpy(p->range_from, "0000-00-00");
	strcpy(p->range_to, "9999-99-99");
	json_t *range = json_object_get(j, "date_range");
	if (range) {
		const char *a = json_string_value(json_array_get(range, 0));
		const char *b = json_string_value(json_array_get(range, 1));
		if (!json_is_array(range) || !a || !b || strlen(a) != 10 || strlen(b) != 10) {
			*err = zc_asprintf("%s: \"date_range\" must be [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]", path);
			rc = ZC_EPARSE;
			goto out;
		}
		memcpy(p->range_from, a, 11);
		memcpy(p->range_to, b, 11);
	}
	p->canon = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);	/* NULL only out of memory */
out:
	json_decref(j);
	if (rc != ZC_OK) {
		zc_profile_free(&p);
		return rc;
	}
	*out = p;
	return ZC_OK;
}

void zc_profile_free(zc_profile **pp)
{
	zc_profile *p = *pp;
	if (!p)
		return;
	free(p->path);
	free(p->name);
	free(p->canon);
	free_strings(p->topic, p->n_topic);
	free_strings(p->generic, p->n_generic);
	free_strings(p->context, p->n_context);
	free_strings(p->search, p->n_search);
	free_strings(p->issuers, p->n_issuers);
	free_strings(p->types, p->n_types);
	free(p);
	*pp = NULL;
}

const char *zc_profile_name(const zc_profile *p) { return p->name; }
const char *zc_profile_path(const zc_profile *p) { return p->path; }
const char *zc_profile_canonical(const zc_profile *p) { return p->canon; }

const char *const *zc_profile_topic(const zc_profile *p, size_t *n)
{
	*n = p->n_topic;
	return (const char *const *)p->topic;
}

const char *const *zc_profile_search(const zc_profile *p, size_t *n)
{
	*n = p->n_search;
	return (const char *const *)p->search;
}

/* --- the criteria ------------------------------------------------------------------------ */

const char *const ZC_REASONS[9] = {"issuer", "off-topic", "type", "interpretation", "forwarded",
				   "invalid", "duplicate", "out-of-range", "unparseable"};

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void exclude(zc_decision *d, const char *reason, char *evidence)
{
	d->decision = "excluded";
	d->reason = reason;
	d->evidence = evidence;
}

int zc_select_decide(const zc_profile *p, json_t *page, zc_decision *d)
{
	json_t *doc = json_object_get(page, "doc");
	const char *title = str(doc, "title"), *type = str(doc, "type");
	const char *written = str(doc, "written_date"), *published = str(doc, "published_date");
	const char *date = *written ? written : published;
	d->decision = "included";
	d->reason = "";
	d->evidence = NULL;
	if (!*title || !*date) {
		exclude(d, "unparseable", zc_asprintf("the page has no %s", !*title ? "title" : "date"));
		return ZC_OK;
	}
	if (!strcmp(type, "解读")) {
		exclude(d, "interpretation", zc_asprintf("an interpretation: title \"%s\"%s%s", title,
							 *str(doc, "column") ? ", column " : "", str(doc, "column")));
		return ZC_OK;
	}
	if (!strcmp(type, "转发")) {
		exclude(d, "forwarded", zc_asprintf("a forwarded document: title \"%s\"", title));
		return ZC_OK;
	}
	int type_ok = 0;
	for (size_t i = 0; i < p->n_types; i++)
		if (!strcmp(type, p->types[i]))
			type_ok = 1;
	if (!type_ok) {
		exclude(d, "type", zc_asprintf("document type %s is not one the profile accepts%s%s", type,
					       !strcmp(type, "新闻") ? " (a news report)" : "",
					       !strcmp(type, "废止") ? " (an abolition decision)" : ""));
		return ZC_OK;
	}
	json_t *issuers = json_object_get(doc, "issuers");
	const char *qualifying = NULL;
	for (size_t i = 0; i < json_array_size(issuers) && !qualifying; i++) {
		const char *is = json_string_value(json_array_get(issuers, i));
		for (size_t k = 0; is && k < p->n_issuers && !qualifying; k++)
			if (zc_str_ends(is, p->issuers[k]))
				qualifying = is;
	}
	if (!qualifying) {
		zc_buf b;
		zc_buf_init(&b, 4096);
		for (size_t i = 0; i < json_array_size(issuers); i++)
			zc_buf_printf(&b, "%s%s", i ? "、" : "", json_string_value(json_array_get(issuers, i)));
		exclude(d, "issuer", b.len ? zc_asprintf("issued by %s, not a People's Government or Health Commission", b.data)
					   : zc_strdup("the page names no issuer"));
		zc_buf_free(&b);
		return ZC_OK;
	}
	/* topic: a keyword, in a health context, in the title or the body */
	char *text = zc_str_join(title, "\n", str(doc, "body"));
	char *folded = zc_str_fold(text);
	free(text);
	/* a specific keyword (医联体) is enough; a generic one (支援, 联盟) needs a health context */
	const char *kw = NULL, *generic = NULL;
	for (size_t i = 0; i < p->n_topic && !kw; i++) {
		if (!strstr(folded, p->topic[i]))
			continue;
		int is_generic = 0;
		for (size_t g = 0; g < p->n_generic; g++)
			if (!strcmp(p->topic[i], p->generic[g]))
				is_generic = 1;
		if (!is_generic)
			kw = p->topic[i];
		else if (!generic)
			generic = p->topic[i];
	}
	int context = p->n_context == 0;
	for (size_t i = 0; i < p->n_context && !context; i++)
		if (strstr(folded, p->context[i]))
			context = 1;
	free(folded);
	if (!kw && generic && context)
		kw = generic;
	if (!kw && !generic) {
		exclude(d, "off-topic", zc_strdup("no topic keyword in the title or the body"));
		return ZC_OK;
	}
	if (!kw) {
		exclude(d, "off-topic", zc_asprintf("mentions \"%s\" but nothing about health care", generic));
		return ZC_OK;
	}
	if (strcmp(date, p->range_from) < 0 || strcmp(date, p->range_to) > 0) {
		exclude(d, "out-of-range", zc_asprintf("dated %s, outside %s to %s", date, p->range_from, p->range_to));
		return ZC_OK;
	}
	const char *validity = str(doc, "validity");
	if (!strcmp(validity, "失效") || !strcmp(validity, "废止")) {
		exclude(d, "invalid", zc_asprintf("the page marks it %s", validity));
		return ZC_OK;
	}
	d->evidence = zc_asprintf("issued by %s; mentions \"%s\"; type %s; dated %s", qualifying, kw, type, date);
	return ZC_OK;
}
