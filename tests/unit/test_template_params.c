/* test_template_params.c - parameter inputs: --parameter K=V and the two parameters-file forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "templates/param_inputs.h"

static char dir[] = "/tmp/dp_params_XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_args(void)
{
    dp_param_inputs in;
    dp_param_inputs_init(&in);
    dp_err e;
    dp_err_clear(&e);
    CHECK_INT(dp_param_inputs_add_arg(&in, "Env=dev", &e), 0);
    CHECK_INT(dp_param_inputs_add_arg(&in, "Conn=a=b;c=d", &e), 0);
    CHECK_INT(dp_param_inputs_add_arg(&in, "Empty=", &e), 0);
    CHECK_INT(dp_param_inputs_add_arg(&in, "Env=prod", &e), 0); /* later wins */
    CHECK_INT(in.n, 3);
    CHECK_STR(dp_param_inputs_find(&in, "Env")->value, "prod");
    CHECK_STR(dp_param_inputs_find(&in, "Conn")->value, "a=b;c=d");
    CHECK_STR(dp_param_inputs_find(&in, "Empty")->value, "");
    CHECK(dp_param_inputs_find(&in, "Nope") == NULL);
    CHECK(dp_param_inputs_add_arg(&in, "novalue", &e) != 0);
    CHECK(dp_param_inputs_add_arg(&in, "=secret", &e) != 0);
    CHECK(strstr(e.message, "secret") == NULL); /* never echoed */
    dp_param_inputs_cleanup(&in);
}

static void test_files(void)
{
    dp_param_inputs in;
    dp_param_inputs_init(&in);
    dp_diags d;
    dp_diags_init(&d);
    dp_err e;
    dp_err_clear(&e);
    const char *aws = write_file("aws.json", "[{\"ParameterKey\": \"Env\", \"ParameterValue\": \"dev\"},\n"
                                             " {\"ParameterKey\": \"Port\", \"ParameterValue\": 5432}]\n");
    CHECK_INT(dp_param_inputs_load_file(&in, aws, &d, &e), 0);
    CHECK_STR(dp_param_inputs_find(&in, "Env")->value, "dev");
    CHECK_STR(dp_param_inputs_find(&in, "Port")->value, "5432");
    CHECK_INT(dp_param_inputs_find(&in, "Port")->line, 2);
    const char *map = write_file("map.yaml", "Env: prod\nSubnets: [subnet-1, subnet-2]\n");
    CHECK_INT(dp_param_inputs_load_file(&in, map, &d, &e), 0);
    CHECK_STR(dp_param_inputs_find(&in, "Env")->value, "prod");
    CHECK_STR(dp_param_inputs_find(&in, "Subnets")->value, "subnet-1,subnet-2");
    CHECK_INT(d.n, 0);
    const char *bad = write_file("bad.json", "[{\"ParameterKey\": \"A\"}, {\"ParameterKey\": \"B\", \"UsePreviousValue\": true},"
                                             " {\"ParameterKey\": \"C\", \"ParameterValue\": {\"x\": 1}}]");
    CHECK(dp_param_inputs_load_file(&in, bad, &d, &e) != 0);
    CHECK_INT(d.errors, 3);
    dp_buf b;
    dp_buf_init(&b, 0);
    dp_diags_render(&d, &b);
    CHECK(strstr(dp_buf_str(&b), "bad.json:1:2: error: parameter \"A\": ParameterValue is missing") != NULL);
    CHECK(strstr(dp_buf_str(&b), "UsePreviousValue is not supported") != NULL);
    CHECK(strstr(dp_buf_str(&b), "parameter \"C\": value must be a string, number or list, not a mapping") != NULL);
    dp_buf_cleanup(&b);
    dp_diags_cleanup(&d);
    dp_diags_init(&d);
    CHECK(dp_param_inputs_load_file(&in, "/nonexistent/p.json", &d, &e) != 0);
    CHECK_INT(d.errors, 1);
    dp_diags_cleanup(&d);
    dp_param_inputs_cleanup(&in);
    unlink(aws);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    test_args();
    test_files();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    CHECK_DONE();
}
