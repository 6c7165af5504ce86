/* rand.h - random values from OpenSSL's CSPRNG: jitter, identifiers and tokens. */
#ifndef DP_RAND_H
#define DP_RAND_H
#include <stddef.h>

/* Uniform in [0, 1] (for backoff and polling jitter); 0.5 when the CSPRNG fails. */
double dp_random_unit(void);
/* nbytes random bytes as 2 * nbytes lower-case hex digits and a NUL in out (at least
 * 2 * nbytes + 1 bytes). 0, or -1 when the CSPRNG fails. */
int dp_random_hex(char *out, size_t nbytes);
/* A random UUID, version 4 (36 characters and a NUL). 0, or -1 when the CSPRNG fails. */
int dp_random_uuid(char out[37]);

#endif
