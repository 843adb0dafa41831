/* place.c - the codec of a WARC place (place.h), the field "warc" of the page record and of an
   imported answer's fetch state: the only code that names its fields. */
#include "index.h"
#include "internal.h"
#include "../common/zc.h"

void zc_place_of(json_t *w, zc_warc_place *out)
{
	out->file = zc_jstr(w, "file");
	out->offset = (long long)json_integer_value(json_object_get(w, "offset"));
	out->skip = (long long)json_integer_value(json_object_get(w, "skip"));
	out->record_id = zc_jstr(w, "record_id");
	out->payload_record_id = zc_jstr(w, "payload_record_id");
}

/* a string field set ("" for NULL; one that is not UTF-8, which no JSON value holds, leaves
   what was there) */
static void set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, json_string(v ? v : ""));
}

json_t *zc_place_value(json_t *old, const zc_warc_place *p)
{
	json_t *w = json_is_object(old) ? json_copy(old) : json_object();
	set_str(w, "file", p->file);
	json_object_set_new(w, "offset", json_integer((json_int_t)p->offset));
	if (p->skip)	/* a crawl's own files are gzipped record by record: no skip */
		json_object_set_new(w, "skip", json_integer((json_int_t)p->skip));
	else
		json_object_del(w, "skip");
	set_str(w, "record_id", p->record_id);
	if (p->payload_record_id && *p->payload_record_id)
		set_str(w, "payload_record_id", p->payload_record_id);
	else
		json_object_del(w, "payload_record_id");
	return w;
}
