/* util.h — small building blocks every module uses: checked allocation,
 * a growable string builder (strbuf) and a bump arena for data that lives
 * and dies together (a catalog, a plan, a batch). */
#ifndef FERRY_UTIL_H
#define FERRY_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

/* xmalloc, xcalloc, xrealloc, xstrdup — abort with a message on out of
 * memory: ferry cannot do anything useful without memory, and checking every
 * small allocation would hide the real logic. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strbuf — a growable byte buffer, always NUL-terminated (len excludes the
 * NUL). The buffer owns buf; strbuf_free releases it, strbuf_detach hands it
 * to the caller. May hold embedded NUL bytes. */
typedef struct strbuf {
    char  *buf;
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}
/* strbuf_grow_slow — the growing part of strbuf_grow (util.c). */
void  strbuf_grow_slow(strbuf *sb, size_t extra);
/* strbuf_grow, strbuf_add, strbuf_addc — inline: they are on the hot path
 * of every row (encoders append cell by cell), and room is there nearly
 * always. */
static inline void strbuf_grow(strbuf *sb, size_t extra)
{
    if (extra >= sb->cap - sb->len || !sb->buf) strbuf_grow_slow(sb, extra);
}
static inline void strbuf_add(strbuf *sb, const void *data, size_t n)
{
    strbuf_grow(sb, n);
    if (n) memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}
static inline void strbuf_addc(strbuf *sb, char c)
{
    strbuf_grow(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
}
void  strbuf_adds(strbuf *sb, const char *s);
void  strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
void  strbuf_reset(strbuf *sb);          /* len = 0, keeps the memory */
void  strbuf_free(strbuf *sb);
char *strbuf_detach(strbuf *sb);         /* caller frees; sb is reset to empty */
const char *strbuf_cstr(strbuf *sb);     /* never NULL ("" when empty) */

/* arena — bump allocator in blocks; everything allocated from it is freed by
 * arena_free at once, arena_reset keeps the first block for reuse. Memory is
 * zeroed. Not thread-safe: one owner at a time. */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t       total;                  /* bytes handed out, for accounting */
} arena;

void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);           /* NULL -> NULL */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_sprintf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  arena_reset(arena *a);
void  arena_free(arena *a);

/* Dynamic array of pointers-sized items in an arena: grow by doubling. */
#define ARENA_PUSH(a, arr, n, cap, item)                                        \
    do {                                                                        \
        if ((n) == (cap)) {                                                     \
            size_t nc_ = (cap) ? (cap) * 2 : 8;                                 \
            void *na_ = arena_alloc((a), nc_ * sizeof(*(arr)));                 \
            if ((n)) memcpy(na_, (arr), (n) * sizeof(*(arr)));                  \
            (arr) = na_; (cap) = nc_;                                           \
        }                                                                       \
        (arr)[(n)++] = (item);                                                  \
    } while (0)

/* glob_match — shell-style pattern (* ? [..]) match; nocase ignores ASCII
 * case. Used for --tables/--exclude and the type mapping patterns. */
int glob_match(const char *pattern, const char *text, int nocase);

/* Monotonic time in seconds, and wall-clock ISO 8601 UTC with milliseconds
 * ("2026-11-21T23:40:07.125Z", buf at least 32 bytes). */
double now_monotonic(void);
void   now_iso8601(char *buf, size_t n);

/* utf8_valid — 1 when s[0..n) is well-formed UTF-8 (no overlongs, no
 * surrogates); on failure *bad_at gets the offset of the first bad byte. */
int utf8_valid(const char *s, size_t n, size_t *bad_at);

/* utf8_count — the number of characters (code points) in s[0..n): the
 * bytes that are not UTF-8 continuation bytes. */
size_t utf8_count(const char *s, size_t n);

/* utf8_vsnprintf — vsnprintf into buf (cap bytes); when the text had to be
 * cut, a UTF-8 sequence left incomplete at the end is dropped too. Returns
 * what vsnprintf returns. Used for one-line reasons in fixed buffers. */
int utf8_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* hex encoding of bytes into sb (lower case, no prefix). */
void strbuf_addhex(strbuf *sb, const void *data, size_t n);

/* strbuf_add_sql_excerpt — append the first max_chars characters of sql
 * with runs of white space folded into one space and "..." when cut (for
 * naming a statement in an error message). */
void strbuf_add_sql_excerpt(strbuf *sb, const char *sql, size_t max_chars);

/* fnv1a64 — a small stable hash for job identity and name suffixes. */
uint64_t fnv1a64(const void *data, size_t n, uint64_t seed);

#endif
