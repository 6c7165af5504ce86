/* log.h - diagnostics on stderr: --debug request/response lines, warnings.
 *
 * Every debug line passes through dp_log_redact() first, so Authorization, x-amz-sso_bearer_token,
 * X-Amz-Security-Token and secret-bearing fields never reach the terminal.
 * Ownership: nothing is allocated; out buffers are the caller's. */
#ifndef DP_LOG_H
#define DP_LOG_H
#include <stdbool.h>
#include <stddef.h>

void dp_log_set_debug(bool on);
bool dp_log_debug_enabled(void);
void dp_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns true when a header, query or JSON/XML field of this name carries a secret
 * (case-insensitive): Authorization, X-Amz-Security-Token, Password, SecretString, ... */
bool dp_log_is_secret_name(const char *name, size_t len);
/* Writes text into out (size n) with the values of secret fields replaced by "***":
 * "Name: value" header lines, "Name=value" form/query pairs, "\"Name\":\"value\"" JSON and
 * "<Name>value</Name>" XML. Always NUL-terminates; truncates long input. */
void dp_log_redact(const char *text, size_t len, char *out, size_t n);
/* Replaces in text (NUL-terminated, edited in place) every copy of a secret value found in
 * sent (a request body: the values dp_log_redact would hide) with "***", so an error answer
 * that echoes a value ("Value 'x' at 'value' failed...") does not show it. Values shorter
 * than 4 bytes are left alone (they would garble the text and guard nothing). */
void dp_log_scrub_echo(const char *sent, size_t sent_len, char *text);

#endif
