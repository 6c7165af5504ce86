/* cmd_version.c - `dmsprov version` (and `dmsprov --version`): the version, the git commit it was
 * built from and the build type, for people or (--json) for programs. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "provisioner/cli/commands.h"
#include "provisioner/cli/options.h"

/* Set by CMake for this file alone (provisioner/cli/CMakeLists.txt): `git describe --always
 * --dirty` at configure time, "unknown" outside a git checkout (a release tarball). */
#ifndef DP_GIT_COMMIT
#define DP_GIT_COMMIT "unknown"
#endif
#ifndef DP_BUILD_TYPE
#define DP_BUILD_TYPE "unknown"
#endif

int dp_cmd_version(const dp_globals *g, int argc, char **argv)
{
    (void)g;
    bool json = false;
    const dp_option opts[] = {
        DP_OPT_FLAG(0, "json", &json, "{\"version\", \"commit\", \"build_type\"} as one JSON document"),
        DP_OPT_END(),
    };
    const dp_opt_cmd cmd = {
        .name = "version",
        .options = opts,
        .description = "Prints dmsprov's version, the git commit it was built from (`git describe --always --dirty`\n"
                       "when it was configured; \"unknown\" when not built from a git checkout) and the build type.\n"
                       "'dmsprov --version' is the same.\n",
        .examples = "dmsprov version\n"
                    "dmsprov version --json | jq -r .commit",
    };
    int rc = dp_opt_parse(&cmd, argc, argv);
    if (rc)
        return rc == DP_OPT_HELP ? DP_EXIT_OK : rc;
    const char *build_type = *DP_BUILD_TYPE ? DP_BUILD_TYPE : "unknown";
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "version", DP_VERSION);
        cJSON_AddStringToObject(o, "commit", DP_GIT_COMMIT);
        cJSON_AddStringToObject(o, "build_type", build_type);
        dp_cli_print_json(o);
    } else {
        printf("dmsprov %s (commit %s, %s build)\n", DP_VERSION, DP_GIT_COMMIT, build_type);
    }
    return DP_EXIT_OK;
}
