/* fuzz_loader.c - libFuzzer target: arbitrary bytes through the YAML loader and the whole
 * template validation (no resolver: nothing leaves the process). Must never crash, leak or
 * trip a sanitizer, whatever the input. */
#include <stddef.h>
#include <stdint.h>

#include "templates/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_diags d;
    dp_diags_init(&d);
    dp_tpl_context ctx = {.region = "us-east-1", .account_id = "123456789012", .stack_name = "fuzz"};
    dp_tpl_options o = {.ctx = &ctx};
    dp_template *t = dp_template_load_buf("fuzz.yaml", (const char *)data, size, &o, &d);
    if (t) {
        /* Exercise the engine-facing paths too. */
        dp_buf b;
        dp_buf_init(&b, 0);
        dp_template_dump(t, &b);
        dp_buf_cleanup(&b);
    }
    dp_buf out;
    dp_buf_init(&out, 0);
    dp_diags_render(&d, &out);
    dp_buf_cleanup(&out);
    dp_template_free(t);
    dp_diags_cleanup(&d);
    return 0;
}
