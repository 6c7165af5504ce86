/* password.h - random passwords and secret strings from OpenSSL's CSPRNG, with Secrets
 * Manager's GenerateSecretString rules (used by the secret driver and `dmsprov rotate`).
 *
 * Characters are drawn with RAND_bytes and rejection sampling, so every allowed character is
 * equally likely (no modulo bias). Ownership: dp_password_generate writes into the caller's
 * buffer; dp_secret_string_generate returns an owned string (free with dp_secret_free, which
 * wipes it first). Secrets are never logged. */
#ifndef DP_PASSWORD_H
#define DP_PASSWORD_H
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "drivers/base/err.h"

#define DP_PASSWORD_DEFAULT_LENGTH 32
#define DP_PASSWORD_MAX_LENGTH 4096

typedef struct dp_password_rules {
    long length;                    /* PasswordLength: 1..4096 (default 32) */
    const char *exclude_characters; /* ExcludeCharacters, borrowed, or NULL */
    bool exclude_punctuation;
    bool exclude_numbers;
    bool exclude_uppercase;
    bool exclude_lowercase;
    bool include_space;
    bool require_each_included_type; /* default true: at least one of each included class */
} dp_password_rules;

/* The defaults Secrets Manager uses: length 32, all classes but space, one of each. */
void dp_password_rules_default(dp_password_rules *r);
/* Rules from a GenerateSecretString object (template form; unknown keys are ignored).
 * exclude_characters points into obj. Fails (DP_E_INPUT) on bad lengths or types. */
int dp_password_rules_from_json(const cJSON *obj, dp_password_rules *r, dp_err *e);
/* Writes a random password of r->length characters and a NUL to out (n > length).
 * Fails with DP_E_INPUT when the rules leave no characters, or fewer characters than
 * required classes; DP_E_INTERNAL when the CSPRNG fails. */
int dp_password_generate(const dp_password_rules *r, char *out, size_t n, dp_err *e);

/* The SecretString a GenerateSecretString object asks for: a bare password, or
 * SecretStringTemplate (a JSON object) with GenerateStringKey set to the password.
 * Returns an owned string (dp_secret_free) or NULL with e set. */
char *dp_secret_string_generate(const cJSON *generate_secret_string, dp_err *e);
/* Wipes and frees a secret string (NULL is fine). */
void dp_secret_free(char *s);

#endif
