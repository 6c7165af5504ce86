/* buf.h - a growable byte buffer with a size cap (after curl's dynbuf).
 *
 * Ownership: a dp_buf owns its data. dp_buf_cleanup() frees it; dp_buf_steal() hands the
 * NUL-terminated data to the caller (free() it) and leaves the buffer empty. The data is
 * always NUL-terminated once anything was appended, so it can be used as a C string. */
#ifndef DP_BUF_H
#define DP_BUF_H
#include <stdarg.h>
#include <stddef.h>

#define DP_BUF_DEFAULT_MAX ((size_t)256 * 1024 * 1024)

typedef struct dp_buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max;  /* appends that would pass this fail with -1 */
} dp_buf;

void dp_buf_init(dp_buf *b, size_t max);
void dp_buf_cleanup(dp_buf *b);
void dp_buf_reset(dp_buf *b);
int dp_buf_append(dp_buf *b, const void *p, size_t n);
int dp_buf_puts(dp_buf *b, const char *s);
int dp_buf_putc(dp_buf *b, char c);
int dp_buf_printf(dp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dp_buf_vprintf(dp_buf *b, const char *fmt, va_list ap);
/* Returns the data ("" when empty), never NULL. Borrowed: valid until the next append. */
const char *dp_buf_str(const dp_buf *b);
/* Returns owned, NUL-terminated data (never NULL on success) and empties the buffer. */
char *dp_buf_steal(dp_buf *b);

#endif
