/* dot.h - a loaded template's resource graph as Graphviz DOT (nodes coloured by service). */
#ifndef DP_TPL_DOT_H
#define DP_TPL_DOT_H
#include "drivers/base/buf.h"
#include "templates/template.h"

/* Appends a complete "digraph" to out. Edges point from a resource to what it depends on;
 * DependsOn edges are dashed; resources whose condition is false are drawn dotted. */
int dp_template_dot(const dp_template *t, dp_buf *out);

#endif
