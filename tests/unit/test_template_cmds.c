/* test_template_cmds.c - `dmsprov validate` and `dmsprov graph` through their entry points:
 * exit statuses, the file:line:col output, parameter options, DOT output. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "provisioner/cli/cmd_template.h"

static char dir[] = "/tmp/dp_tplcmd_XXXXXX";
static char out_text[65536], err_text[65536];

static const char *path_of(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "w");
    fputs(text, f);
    fclose(f);
}

static void slurp(const char *name, char *buf, size_t n)
{
    FILE *f = fopen(path_of(name), "r");
    size_t r = f ? fread(buf, 1, n - 1, f) : 0;
    buf[r] = '\0';
    if (f)
        fclose(f);
}

/* Runs a command with stdout/stderr captured into out_text / err_text. */
static int run(int (*cmd)(const dp_globals *, int, char **), int argc, char **argv)
{
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(path_of("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(path_of("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fo, 1);
    dup2(fe, 2);
    dp_globals g = {0};
    g.region = "us-east-1";
    int rc = cmd(&g, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    close(fo);
    close(fe);
    slurp("stdout", out_text, sizeof out_text);
    slurp("stderr", err_text, sizeof err_text);
    return rc;
}

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))
#define RUN(cmd, ...) run(cmd, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static const char good[] =
    "Parameters:\n"
    "  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}\n"
    "Resources:\n"
    "  Bucket:\n"
    "    Type: AWS::S3::Bucket\n"
    "    Properties: {BucketName: !Sub 'lab-${Env}'}\n"
    "  Param:\n"
    "    Type: AWS::SSM::Parameter\n"
    "    DependsOn: Bucket\n"
    "    Properties: {Type: String, Value: !GetAtt Bucket.Arn}\n";

static const char bad[] =
    "Resources:\n"
    "  Param:\n"
    "    Type: AWS::SSM::Parameter\n"
    "    Properties: {Type: String, Value: !Ref Nope, Tier: Huge}\n"
    "  Bucket:\n"
    "    Type: AWS::S3::Bucket\n"
    "    Properties: {BucketNme: x}\n";

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    write_file("good.yaml", good);
    write_file("bad.yaml", bad);
    write_file("params.json", "[{\"ParameterKey\": \"Env\", \"ParameterValue\": \"qa\"}]");
    char good_path[256], bad_path[256], params_path[256];
    snprintf(good_path, sizeof good_path, "%s", path_of("good.yaml"));
    snprintf(bad_path, sizeof bad_path, "%s", path_of("bad.yaml"));
    snprintf(params_path, sizeof params_path, "%s", path_of("params.json"));

    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path), 0);
    CHECK(strstr(out_text, "valid (2 resources, 1 parameters)") != NULL);

    CHECK_INT(RUN(dp_cmd_validate, "validate", "--template", bad_path), 1);
    char want[4096];
    snprintf(want, sizeof want,
             "%s:4:39: error: unresolved reference \"Nope\": no parameter or resource of that name\n"
             "%s:4:56: error: property Tier: \"Huge\" is not one of [Standard, Advanced, Intelligent-Tiering]\n"
             "%s:7:18: error: unknown property \"BucketNme\" in Bucket (AWS::S3::Bucket) (did you mean \"BucketName\"?)\n"
             "%s: 3 errors\n",
             bad_path, bad_path, bad_path, bad_path);
    CHECK_STR(err_text, want);

    /* --json: the same verdict and problems as one document on stdout, nothing on stderr. */
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", bad_path, "--json"), 1);
    CHECK_STR(err_text, "");
    cJSON *j = cJSON_Parse(out_text);
    CHECK(j != NULL);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "valid")));
    CHECK_INT(cJSON_GetObjectItemCaseSensitive(j, "errors")->valueint, 3);
    const cJSON *d0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "diagnostics"), 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d0, "file")), bad_path);
    CHECK_INT(cJSON_GetObjectItemCaseSensitive(d0, "line")->valueint, 4);
    CHECK_INT(cJSON_GetObjectItemCaseSensitive(d0, "column")->valueint, 39);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d0, "severity")), "error");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d0, "message")),
              "unresolved reference \"Nope\": no parameter or resource of that name");
    cJSON_Delete(j);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path, "--json"), 0);
    j = cJSON_Parse(out_text);
    CHECK(j && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "valid")));
    CHECK(j && cJSON_GetObjectItemCaseSensitive(j, "resources")->valueint == 2);
    CHECK(j && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "diagnostics")) == 0);
    cJSON_Delete(j);

    /* The file's value is refused, --parameter overrides it. */
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path, "--parameters-file", params_path), 1);
    CHECK(strstr(err_text, "\"qa\" is not one of the AllowedValues [dev, prod]") != NULL);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path, "--parameters-file", params_path, "--parameter", "Env=prod"), 0);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path, "--parameter=Env=dev"), 0);

    /* Usage errors and help. */
    CHECK_INT(RUN(dp_cmd_validate, "validate"), DP_EXIT_USAGE);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path, "--bogus"), DP_EXIT_USAGE);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", good_path, "--parameter", "novalue"), DP_EXIT_USAGE);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "--help"), 0);
    CHECK(strstr(out_text, "Usage: dmsprov validate") != NULL);
    CHECK_INT(RUN(dp_cmd_validate, "validate", "-t", "/nonexistent.yaml"), 1);
    CHECK(strstr(err_text, "/nonexistent.yaml: error: cannot open") != NULL);

    /* graph: DOT with a dashed DependsOn edge; text; formats. */
    CHECK_INT(RUN(dp_cmd_graph, "graph", "-t", good_path), 0);
    CHECK(strstr(out_text, "digraph dmsprov {") != NULL);
    CHECK(strstr(out_text, "\"Param\" -> \"Bucket\" [style=dashed];") != NULL);
    CHECK(strstr(out_text, "fillcolor=\"#7AA116\"") != NULL);
    CHECK_INT(RUN(dp_cmd_graph, "graph", "-t", good_path, "--format", "text"), 0);
    CHECK(strstr(out_text, "resource Param AWS::SSM::Parameter\n  depends_on Bucket\n") != NULL);
    CHECK_INT(RUN(dp_cmd_graph, "graph", "-t", good_path, "--format", "jpeg"), DP_EXIT_USAGE);
    CHECK_INT(RUN(dp_cmd_graph, "graph", "-t", bad_path), 1);
    const char *saved = getenv("PATH");
    char *old = saved ? strdup(saved) : NULL;
    setenv("PATH", dir, 1); /* no dot here */
    CHECK_INT(RUN(dp_cmd_graph, "graph", "-t", good_path, "--format", "svg"), 1);
    CHECK(strstr(err_text, "needs Graphviz's 'dot' on PATH") != NULL);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    CHECK_DONE();
}
