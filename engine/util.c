/* util.c — checked allocation, the strbuf string builder, the bump arena,
 * glob matching, clocks, UTF-8 validation and the FNV-1a hash. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* oom — the one place ferry gives up on memory. Allocation failures are not
 * errors a caller could handle usefully, so this is the only abort in the
 * helpers. */
static void oom(size_t n)
{
    fprintf(stderr, "ferry: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p;
    if (size && count > SIZE_MAX / size) oom(SIZE_MAX);
    p = calloc(count ? count : 1, size ? size : 1);
    if (!p) oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* xstrndup — copy of at most n bytes of s, NUL-terminated; caller frees. */
char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* xasprintf — formatted string in fresh memory; caller frees. */
char *xasprintf(const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    return strbuf_detach(&sb);
}

/* ---------------------------------------------------------------- strbuf */

/* strbuf_grow_slow — make room for extra more bytes plus the NUL. */
void strbuf_grow_slow(strbuf *sb, size_t extra)
{
    size_t need, nc;
    if (extra > SIZE_MAX - sb->len - 1) oom(SIZE_MAX);
    need = sb->len + extra + 1;
    if (need <= sb->cap) return;
    nc = sb->cap ? sb->cap : 64;
    while (nc < need) nc = nc > SIZE_MAX / 2 ? need : nc * 2;
    sb->buf = xrealloc(sb->buf, nc);
    sb->cap = nc;
}

void strbuf_adds(strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

/* strbuf_vaddf — append formatted text; tries the free space first and
 * formats a second time only when it did not fit. */
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    strbuf_grow(sb, 64);
    va_copy(ap2, ap);
    n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap2);
    va_end(ap2);
    if (n < 0) {                       /* encoding error: append nothing */
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= sb->cap - sb->len) {
        strbuf_grow(sb, (size_t)n);
        va_copy(ap2, ap);
        vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap2);
        va_end(ap2);
    }
    sb->len += (size_t)n;
}

void strbuf_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->buf) sb->buf[0] = '\0';
}

void strbuf_free(strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

/* strbuf_detach — the caller owns the returned string (never NULL) and sb
 * is left empty, ready for reuse. */
char *strbuf_detach(strbuf *sb)
{
    char *s = sb->buf ? sb->buf : xstrdup("");
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return s;
}

const char *strbuf_cstr(strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

void strbuf_addhex(strbuf *sb, const void *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    char *o;
    if (n > (SIZE_MAX - 1) / 2) oom(SIZE_MAX);
    strbuf_grow(sb, n * 2);
    o = sb->buf + sb->len;
    for (size_t i = 0; i < n; i++) {
        *o++ = digits[p[i] >> 4];
        *o++ = digits[p[i] & 15];
    }
    sb->len += n * 2;
    sb->buf[sb->len] = '\0';
}

/* ----------------------------------------------------------------- arena */

/* An arena is a list of blocks, newest first. Small requests bump-allocate
 * in the head block; a request bigger than a quarter of the default block
 * gets a block of its own, linked behind the head so the head's free space
 * stays usable. */
#define ARENA_BLOCK   (64 * 1024)
#define ARENA_ALIGN   16

struct arena_block {
    arena_block *next;
    size_t       size;      /* usable bytes in data */
    size_t       used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static arena_block *block_new(size_t size)
{
    arena_block *b;
    if (size > SIZE_MAX - sizeof(arena_block)) oom(SIZE_MAX);
    b = xmalloc(sizeof(arena_block) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

/* arena_alloc — n zeroed bytes aligned to 16, owned by the arena. */
void *arena_alloc(arena *a, size_t n)
{
    arena_block *b = a->head;
    size_t off;
    void *p;

    if (n == 0) n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN) oom(SIZE_MAX);
    if (b) {
        off = (b->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
        if (off <= b->size && n <= b->size - off) {
            b->used = off + n;
            p = b->data + off;
            goto done;
        }
    }
    if (n > ARENA_BLOCK / 4) {
        arena_block *big = block_new(n);
        big->used = n;
        if (b) {
            big->next = b->next;
            b->next = big;
        } else {
            a->head = big;
        }
        p = big->data;
        goto done;
    }
    b = block_new(ARENA_BLOCK);
    b->next = a->head;
    a->head = b;
    b->used = n;
    p = b->data;
done:
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    if (!s) return NULL;
    return arena_strndup(a, s, strlen(s));
}

/* arena_strndup — at most n bytes of s, NUL-terminated, in the arena. */
char *arena_strndup(arena *a, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    return p;
}

char *arena_sprintf(arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    char tmp[256];
    char *p;
    int n;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0, tmp[0] = '\0';
    p = arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof tmp)
        memcpy(p, tmp, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* arena_reset — forget every allocation; keeps one standard-size block so
 * a reused arena does not go back to malloc, and frees the rest (oversized
 * blocks for big requests are never kept). */
void arena_reset(arena *a)
{
    arena_block *b = a->head, *keep = NULL;
    while (b) {
        arena_block *next = b->next;
        if (!keep && b->size == ARENA_BLOCK)
            keep = b;
        else
            free(b);
        b = next;
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
    a->total = 0;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

/* ------------------------------------------------------------------ glob */

static int fold(int c, int nocase)
{
    return nocase ? tolower((unsigned char)c) : (unsigned char)c;
}

/* class_match — match c against the bracket expression starting after '['
 * at *pp; on return *pp points after the closing ']'. Returns -1 when the
 * bracket is not closed (then '[' is an ordinary character). */
static int class_match(const char **pp, int c, int nocase)
{
    const char *p = *pp;
    int negate = 0, matched = 0;

    if (*p == '!' || *p == '^') { negate = 1; p++; }
    if (*p == ']') {                      /* a leading ']' is literal */
        if (fold(']', nocase) == c) matched = 1;
        p++;
    }
    while (*p && *p != ']') {
        int lo = fold(*p, nocase), hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = fold(p[2], nocase);
            p += 3;
        } else {
            p++;
        }
        if (lo <= c && c <= hi) matched = 1;
    }
    if (*p != ']') return -1;
    *pp = p + 1;
    return matched != negate;
}

/* glob_match — iterative, backtracking to the last '*' only, so the cost is
 * O(len(pattern) * len(text)) at worst. */
int glob_match(const char *pattern, const char *text, int nocase)
{
    const char *p = pattern, *t = text;
    const char *star_p = NULL, *star_t = NULL;

    while (*t) {
        if (*p == '*') {
            while (*p == '*') p++;
            if (!*p) return 1;
            star_p = p;
            star_t = t;
            continue;
        }
        if (*p == '?') {
            p++, t++;
            continue;
        }
        if (*p == '[') {
            const char *q = p + 1;
            int m = class_match(&q, fold(*t, nocase), nocase);
            if (m == 1) { p = q; t++; continue; }
            if (m == -1 && fold('[', nocase) == fold(*t, nocase)) { p++; t++; continue; }
        } else if (*p && fold(*p, nocase) == fold(*t, nocase)) {
            p++, t++;
            continue;
        }
        if (!star_p) return 0;
        p = star_p;
        t = ++star_t;
    }
    while (*p == '*') p++;
    return *p == '\0';
}

/* ------------------------------------------------------------------ time */

double now_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* now_iso8601 — "2026-11-21T23:40:07.125Z" into buf (n >= 25 suffices). */
void now_iso8601(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    if (!n) return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

/* ------------------------------------------------------------------ UTF-8 */

/* utf8_valid — strict UTF-8 (RFC 3629): no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence at the end. */
int utf8_valid(const char *s, size_t n, size_t *bad_at)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;   /* allowed range of the 2nd byte */

        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; }      /* no surrogates */
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }      /* <= U+10FFFF */
        else goto bad;                                  /* 80-C1, F5-FF */

        if (n - i < len) goto bad;
        if (p[i + 1] < lo || p[i + 1] > hi) goto bad;
        for (size_t k = 2; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80) goto bad;
        i += len;
    }
    return 1;
bad:
    if (bad_at) *bad_at = i;
    return 0;
}

/* utf8_count — count the bytes that start a character. */
size_t utf8_count(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t k = 0; k < n; k++)
        if (((unsigned char)s[k] & 0xC0) != 0x80) chars++;
    return chars;
}

/* utf8_vsnprintf — vsnprintf, then, when the output was truncated, walk
 * back over the continuation bytes at the end to the byte that starts their
 * sequence and cut there if the sequence is not complete. */
int utf8_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n >= 0 && (size_t)n >= cap && cap > 0) {
        size_t end = strlen(buf), j = end;
        while (j > 0 && ((unsigned char)buf[j - 1] & 0xC0) == 0x80) j--;
        if (j > 0 && (unsigned char)buf[j - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)buf[j - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (end - (j - 1) < need) buf[j - 1] = '\0';
        }
    }
    return n;
}

/* fnv1a64 — FNV-1a over data. seed 0 starts from the standard offset
 * basis; any other seed is used as the starting state, so passing a previous
 * result continues the hash as if the inputs were concatenated. */
uint64_t fnv1a64(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ? seed : 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void strbuf_add_sql_excerpt(strbuf *sb, const char *sql, size_t max_chars)
{
    size_t shown = 0;
    int space = 0;
    const unsigned char *p = (const unsigned char *)sql;

    while (*p && isspace(*p))
        p++;
    for (; *p; p++) {
        if (isspace(*p)) {
            space = 1;
            continue;
        }
        if (shown >= max_chars && (*p & 0xC0) != 0x80) {
            strbuf_adds(sb, "...");
            return;
        }
        if (space) {
            strbuf_addc(sb, ' ');
            shown++;
            space = 0;
        }
        strbuf_addc(sb, (char)*p);
        if ((*p & 0xC0) != 0x80)
            shown++;
    }
}
