/* tags_diff.h - what to tag and untag to bring a resource's tags to the wanted set.
 *
 * Ownership: *to_set and *to_remove are new arrays owned by the caller (cJSON_Delete). */
#ifndef DP_TAGS_DIFF_H
#define DP_TAGS_DIFF_H
#include <cjson/cJSON.h>
#include <libxml/tree.h>

/* want: [{"Key","Value"}] (template tags plus ownership tags); live: the resource's tags with
 * the given key/value field names. *to_set: [{"Key","Value"}] of wanted tags missing or
 * different live; *to_remove: ["key", ...] of live keys not wanted. Live keys under "dmsprov:"
 * are never removed (ownership, and what other dmsprov resources record on it, such as a
 * rotation schedule on a secret). */
void dp_tags_diff(const cJSON *want, const cJSON *live, const char *key_field, const char *value_field,
                  cJSON **to_set, cJSON **to_remove);
/* Appends {"Key","Value"} for first and each following sibling of the same name (the
 * <Tag>/<member> elements of a Query answer, each with <Key> and <Value>); elements without
 * a Key are skipped. tags keeps ownership of what is added; first is borrowed. */
void dp_tags_append_xml(cJSON *tags, xmlNodePtr first);
/* A {"k": "v"} map (SSM's template form) as [{"Key","Value"}]; NULL stays NULL. */
cJSON *dp_tags_from_map(const cJSON *map);

#endif
