/* dot.c - Graphviz DOT rendering of the resource graph. */
#include "templates/dot.h"

#include <string.h>

static const struct {
    const char *prefix, *fill, *font;
} colours[] = {
    {"AWS::S3::", "#7AA116", "white"},
    {"AWS::IAM::", "#DD344C", "white"},
    {"AWS::SSM::", "#E7157B", "white"},
    {"AWS::SecretsManager::", "#C7131F", "white"},
    {"AWS::RDS::", "#527FFF", "white"},
    {"AWS::DMS::", "#8C4FFF", "white"},
};

static void colour_of(const char *type, const char **fill, const char **font)
{
    *fill = "#D5DBDB";
    *font = "black";
    for (size_t i = 0; i < sizeof colours / sizeof colours[0]; i++)
        if (!strncmp(type, colours[i].prefix, strlen(colours[i].prefix))) {
            *fill = colours[i].fill;
            *font = colours[i].font;
        }
}

static bool is_explicit(const dp_tpl_resource *r, const char *dep)
{
    for (size_t i = 0; i < r->nexplicit_depends_on; i++)
        if (!strcmp(r->explicit_depends_on[i], dep))
            return true;
    return false;
}

int dp_template_dot(const dp_template *t, dp_buf *out)
{
    int rc = dp_buf_puts(out, "digraph dmsprov {\n"
                              "  rankdir=LR;\n"
                              "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n"
                              "  edge [color=\"#555555\"];\n");
    size_t n = dp_template_resource_count(t);
    for (size_t i = 0; i < n; i++) {
        const dp_tpl_resource *r = dp_template_resource_at(t, i);
        const char *fill, *font;
        colour_of(r->type, &fill, &font);
        rc |= dp_buf_printf(out, "  \"%s\" [label=\"%s\\n%s\", fillcolor=\"%s\", fontcolor=\"%s\"%s];\n",
                            r->logical_id, r->logical_id, r->type, fill, font,
                            r->active ? "" : ", style=\"rounded,dotted\"");
    }
    for (size_t i = 0; i < n; i++) {
        const dp_tpl_resource *r = dp_template_resource_at(t, i);
        for (size_t j = 0; j < r->ndepends_on; j++)
            rc |= dp_buf_printf(out, "  \"%s\" -> \"%s\"%s;\n", r->logical_id, r->depends_on[j],
                                is_explicit(r, r->depends_on[j]) ? " [style=dashed]" : "");
    }
    rc |= dp_buf_puts(out, "}\n");
    return rc ? -1 : 0;
}
