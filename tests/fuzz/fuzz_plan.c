/* fuzz_plan.c - libFuzzer target: arbitrary bytes as a saved plan (`dmsprov apply PLAN`), read
 * the way cmd_apply.c reads one before any AWS call: cJSON_Parse of the text, dp_plan_from_json,
 * the "names a template" check, the saved parameters turned into parameter inputs, then the
 * comparison with a fresh plan and the rendering. Must never crash, leak or trip a sanitizer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/engine/plan.h"
#include "provisioner/engine/render.h"
#include "templates/param_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cmd_apply.c's saved_params(), without the environment and command line: a string stays as
 * is, a list travels as "a,b,c"; dp_plan_from_json promised every member has a name. */
static void saved_params(const dp_plan *saved)
{
    dp_param_inputs in;
    dp_param_inputs_init(&in);
    dp_err e;
    dp_err_clear(&e);
    const cJSON *p;
    cJSON_ArrayForEach(p, saved->parameters)
    {
        if (cJSON_IsString(p)) {
            dp_param_inputs_set(&in, p->string, p->valuestring, NULL, 0, 0, &e);
        } else if (cJSON_IsArray(p)) {
            dp_buf b;
            dp_buf_init(&b, 0);
            const cJSON *x;
            cJSON_ArrayForEach(x, p) dp_buf_printf(&b, "%s%s", b.len ? "," : "", cJSON_IsString(x) ? x->valuestring : "");
            dp_param_inputs_set(&in, p->string, dp_buf_str(&b), NULL, 0, 0, &e);
            dp_buf_cleanup(&b);
        }
    }
    dp_param_inputs_cleanup(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* cmd_apply.c reads the file into a NUL-terminated buffer and parses up to the first NUL. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!j)
        return 0;
    dp_plan saved;
    dp_plan_init(&saved);
    dp_err e;
    dp_err_clear(&e);
    if (!dp_plan_from_json(j, &saved, &e)) {
        if (!saved.stack)
            abort(); /* apply uses saved.stack without a check */
        if (saved.template_path && saved.template_hash) {
            saved_params(&saved);
            char why[512];
            dp_plan_same_actions(&saved, &saved, why, sizeof why);
            dp_plan fresh;
            dp_plan_init(&fresh);
            dp_plan_add(&fresh, "A", "AWS::S3::Bucket", DP_ACT_CREATE);
            dp_plan_same_actions(&saved, &fresh, why, sizeof why);
            dp_plan_same_actions(&fresh, &saved, why, sizeof why);
            dp_plan_cleanup(&fresh);
            dp_buf out;
            dp_buf_init(&out, 0);
            dp_render_opts ro = {.show_noop = true};
            dp_render_plan(&saved, &ro, &out);
            dp_render_plan_json(&saved, &out);
            dp_buf_cleanup(&out);
            cJSON_Delete(dp_plan_to_json(&saved, true));
        }
    } else if (!e.message[0]) {
        abort(); /* an error always says why */
    }
    dp_plan_cleanup(&saved);
    cJSON_Delete(j);
    return 0;
}
