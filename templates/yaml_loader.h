/* yaml_loader.h - YAML/JSON text to a positioned dp_doc, with CloudFormation's short-form tags
 * rewritten to their long forms ("!Ref X" -> {"Ref": X}, "!GetAtt A.B" -> {"Fn::GetAtt": [A, B]}).
 *
 * Problems go to the diagnostics list with their positions. Limits keep hostile input cheap:
 * file size, nesting depth, alias count and total nodes after alias expansion. */
#ifndef DP_TPL_LOADER_H
#define DP_TPL_LOADER_H
#include <stddef.h>

#include "templates/diag.h"
#include "templates/node.h"

#define DP_LOAD_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define DP_LOAD_MAX_DEPTH 64
#define DP_LOAD_MAX_ALIASES 1000
#define DP_LOAD_MAX_NODES ((size_t)2000000) /* counting every alias expansion */

/* Parses data (len bytes; need not be NUL-terminated). file names the input in diagnostics.
 * Returns a new document (caller owns: dp_doc_free) when it could be read, else NULL with at
 * least one error in d. Duplicate keys are reported but do not stop loading (the first wins).
 * An empty document yields root == NULL. */
dp_doc *dp_load_buf(const char *file, const char *data, size_t len, dp_diags *d);
/* Reads path (bounded by DP_LOAD_MAX_BYTES) and parses it. */
dp_doc *dp_load_file(const char *path, dp_diags *d);

#endif
