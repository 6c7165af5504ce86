/* config.h - the AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials).
 *
 * Parsed like the AWS CLI: `[default]`, `[profile NAME]`, `[services NAME]`, `[sso-session NAME]`
 * in the config file, `[NAME]` in the credentials file; `#` and `;` start comment lines (there
 * are no inline comments: "a = b # c" has the value "b # c"); `=` or `:` separate key and
 * value; keys are case-insensitive. Nested sub-settings ("s3 =" followed by indented
 * "addressing_style = path" lines) are stored as "s3.addressing_style"; other indented lines
 * continue the previous value (joined with "\n") until a blank line. Missing files are fine;
 * a malformed line is an error "FILE:LINE: ...".
 *
 * Ownership: dp_config_load*() return an owned dp_config (dp_config_free()). Every string
 * returned by a getter is borrowed from the dp_config and lives as long as it does. */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H
#include <stdbool.h>

#include "drivers/base/err.h"

typedef struct dp_config dp_config;

/* Loads $AWS_CONFIG_FILE (or ~/.aws/config) and $AWS_SHARED_CREDENTIALS_FILE (or
 * ~/.aws/credentials). Returns NULL with e filled (DP_E_CONFIG / DP_E_IO / DP_E_NOMEM). */
dp_config *dp_config_load(dp_err *e);
/* Same with explicit paths (NULL = that file is absent). */
dp_config *dp_config_load_files(const char *config_path, const char *credentials_path, dp_err *e);
void dp_config_free(dp_config *c);

/* Paths the files were looked for at (whether or not they exist). Borrowed, never NULL. */
const char *dp_config_file_path(const dp_config *c);
const char *dp_config_credentials_path(const dp_config *c);

/* The profile to use: flag (--profile) -> $AWS_PROFILE -> $AWS_DEFAULT_PROFILE -> "default".
 * Borrowed (flag, the environment, or a literal). */
const char *dp_config_profile_name(const char *flag);

/* True when the profile has a section in either file. */
bool dp_config_has_profile(const dp_config *c, const char *profile);

/* Value of key in the profile, or NULL. The credentials file wins for aws_access_key_id,
 * aws_secret_access_key and aws_session_token; the config file for everything else (the
 * other file is the fallback). */
const char *dp_config_get(const dp_config *c, const char *profile, const char *key);
/* Same, and *from (optional) is set to the path of the file the value came from. */
const char *dp_config_get_from(const dp_config *c, const char *profile, const char *key,
                               const char **from);

/* Value of key in a `[services NAME]` section of the config file, e.g. key "s3.endpoint_url".
 * NULL when absent. */
const char *dp_config_services_get(const dp_config *c, const char *name, const char *key);

/* True when the config file has an `[sso-session NAME]` section. */
bool dp_config_has_sso_session(const dp_config *c, const char *name);
/* Value of key in the `[sso-session NAME]` section of the config file ("sso_start_url",
 * "sso_region"), or NULL. */
const char *dp_config_sso_session_get(const dp_config *c, const char *name, const char *key);

/* The user's home directory: $HOME, or the password database's when HOME is unset (as the
 * AWS CLI's expanduser does), into out (n bytes). 0, or -1 when unknown or too long. */
int dp_config_home_dir(char *out, size_t n);

#endif
