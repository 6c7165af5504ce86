/* rand.c - random values from OpenSSL's CSPRNG (see rand.h). */
#include "drivers/base/rand.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>

double dp_random_unit(void)
{
    unsigned int r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        return 0.5;
    return (double)r / (double)UINT32_MAX;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    out[2 * n] = '\0';
}

int dp_random_hex(char *out, size_t nbytes)
{
    unsigned char b[64];
    out[0] = '\0';
    for (size_t done = 0; done < nbytes;) {
        size_t k = nbytes - done < sizeof b ? nbytes - done : sizeof b;
        if (RAND_bytes(b, (int)k) != 1)
            return -1;
        to_hex(b, k, out + 2 * done);
        done += k;
    }
    return 0;
}

int dp_random_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}
