/* param_inputs.h - parameter values given on the command line (--parameter K=V, repeatable) or in a
 * file (--parameters-file F: the AWS CLI's [{"ParameterKey": …, "ParameterValue": …}] JSON,
 * or a plain YAML/JSON map). Shared by validate, graph, plan and apply.
 *
 * Ownership: a dp_param_inputs owns copies of every key, value and file name. Values may be
 * secrets (NoEcho parameters): this module never prints them. */
#ifndef DP_TPL_PARAMS_H
#define DP_TPL_PARAMS_H
#include <stddef.h>

#include "drivers/base/err.h"
#include "templates/diag.h"

typedef struct dp_param_input {
    char *key;
    char *value;
    char *file;     /* parameters file it came from, NULL for --parameter */
    int line, col;  /* its position in that file (0 for --parameter) */
} dp_param_input;

typedef struct dp_param_inputs {
    dp_param_input *v;
    size_t n, cap;
} dp_param_inputs;

void dp_param_inputs_init(dp_param_inputs *in);
void dp_param_inputs_cleanup(dp_param_inputs *in);
/* Sets key (a later value replaces an earlier one). Returns 0 or -1 (e filled). */
int dp_param_inputs_set(dp_param_inputs *in, const char *key, const char *value,
                        const char *file, int line, int col, dp_err *e);
/* Parses "Key=Value" (the value may itself contain '='; it may be empty). */
int dp_param_inputs_add_arg(dp_param_inputs *in, const char *arg, dp_err *e);
/* Reads a parameters file. Problems inside it go to d with positions; returns -1 when the file
 * could not be used (e gets a one-line summary). */
int dp_param_inputs_load_file(dp_param_inputs *in, const char *path, dp_diags *d, dp_err *e);
/* The value for key or NULL. Borrowed. */
const dp_param_input *dp_param_inputs_find(const dp_param_inputs *in, const char *key);

#endif
