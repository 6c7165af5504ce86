/* fuzz_params.c - libFuzzer target: arbitrary bytes as a --parameters-file (JSON or YAML; the
 * AWS CLI list or a plain map) through dp_param_inputs_load_file, then the look-ups the
 * commands make. Must never crash, leak or trip a sanitizer; a rejected file always says why. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "templates/param_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/dp_fuzz_params_XXXXXX";
static char path[64];

static void cleanup_dir(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/params.json", dir);
        atexit(cleanup_dir);
    }
    /* A fresh file each time: rewriting one in place (O_TRUNC) makes ext4 flush it on close. */
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        abort();
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    close(fd);

    dp_param_inputs in;
    dp_param_inputs_init(&in);
    dp_diags d;
    dp_diags_init(&d);
    dp_err e;
    dp_err_clear(&e);
    int rc = dp_param_inputs_load_file(&in, path, &d, &e);
    unlink(path); /* nothing left behind when the run is killed */
    if (rc && !e.message[0])
        abort(); /* a rejected file always says why */
    for (size_t i = 0; i < in.n; i++)
        if (dp_param_inputs_find(&in, in.v[i].key) == NULL || !in.v[i].value)
            abort();
    /* A later --parameter overrides the file. */
    dp_param_inputs_add_arg(&in, "Env=cli", &e);
    dp_buf out;
    dp_buf_init(&out, 0);
    dp_diags_render(&d, &out);
    dp_buf_cleanup(&out);
    dp_diags_cleanup(&d);
    dp_param_inputs_cleanup(&in);
    return 0;
}
