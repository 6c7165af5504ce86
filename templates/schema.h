/* schema.h - resource-type schemas: property kinds, required, create-only, secrets, GetAtt.
 *
 * Tables are generated from CloudFormation's own resource schemas (shipped in cfn-lint) by
 * templates/tools/gen_schemas.py into templates/schema_data.c, plus dmsprov's documented
 * extensions (see the generator). All data is static: nothing to free. */
#ifndef DP_SCHEMA_H
#define DP_SCHEMA_H
#include <stdbool.h>
#include <stddef.h>

typedef enum dp_schema_kind {
    DP_SK_ANY = 0,   /* no constraint known */
    DP_SK_STRING,
    DP_SK_INTEGER,
    DP_SK_NUMBER,
    DP_SK_BOOLEAN,
    DP_SK_OBJECT,    /* nested properties in .object (NULL = free-form map) */
    DP_SK_ARRAY,     /* items described by .item_kind / .object */
    DP_SK_JSON       /* a JSON document: YAML mapping or JSON string, canonicalised */
} dp_schema_kind;

enum dp_schema_flag {
    DP_SP_REQUIRED = 1u << 0,
    DP_SP_CREATE_ONLY = 1u << 1, /* changing it replaces the resource */
    DP_SP_SECRET = 1u << 2,      /* value is sensitive: never printed, hashed in state */
    DP_SP_WRITE_ONLY = 1u << 3,  /* not returned by reads */
    DP_SP_TAGS = 1u << 4,        /* the resource's tag list */
    DP_SP_SECURE_REF_OK = 1u << 5, /* {{resolve:ssm-secure:…}} allowed here */
    DP_SP_COND_CREATE_ONLY = 1u << 6 /* changing it replaces the resource in some cases
                                        (schema's conditionalCreateOnlyProperties) */
};

typedef struct dp_schema_object dp_schema_object;

typedef struct dp_schema_prop {
    const char *name;
    dp_schema_kind kind;
    dp_schema_kind item_kind;        /* for DP_SK_ARRAY */
    const dp_schema_object *object;  /* for OBJECT, or ARRAY of OBJECT; NULL = free-form */
    unsigned flags;                  /* enum dp_schema_flag */
    const char *const *allowed;      /* NULL-terminated allowed values, or NULL */
    long min_length, max_length;     /* -1 = none */
    const char *pattern;             /* ECMA regex from the schema, or NULL */
} dp_schema_prop;

struct dp_schema_object {
    const char *name;                /* definition name, "" for the root */
    /* Settable properties, sorted by name (strcmp). Read-only ones are not here: they are
     * GetAtt attributes only. */
    const dp_schema_prop *props;
    size_t nprops;
    bool additional;                 /* additionalProperties allowed */
};

typedef struct dp_schema_type {
    const char *type;                   /* "AWS::S3::Bucket" */
    const dp_schema_object *root;
    const char *const *attributes;      /* GetAtt names ("Arn", "Endpoint.Address"), NULL-terminated */
    const char *const *primary_id;      /* primaryIdentifier property names, NULL-terminated */
    const char *const *create_only_paths; /* all createOnly paths, "A/B" for nested, NULL-terminated */
    bool taggable;
} dp_schema_type;

/* NULL when the type is not supported. */
const dp_schema_type *dp_schema_find(const char *type);
/* All supported types (for suggestions and listings); *n receives the count. */
const dp_schema_type *const *dp_schema_all(size_t *n);
const dp_schema_prop *dp_schema_find_prop(const dp_schema_object *obj, const char *name);
bool dp_schema_has_attribute(const dp_schema_type *t, const char *attr);
/* "did you mean": the closest candidate by edit distance (case-insensitive) when it is close
 * enough to be a plausible typo, else NULL. Borrowed from cands. */
const char *dp_suggest(const char *word, const char *const *cands, size_t n);

#endif
