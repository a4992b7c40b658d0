/* test_util.c — unit tests for engine/util.c (allocation helpers, strbuf,
 * arena, glob, clocks, UTF-8, FNV-1a) and engine/err.c. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util.h"
#include "err.h"

TEST(test_xasprintf)
{
    char *s = xasprintf("%s-%d", "abc", 42);
    ASSERT_EQ_STR(s, "abc-42");
    free(s);
    s = xstrndup("abcdef", 3);
    ASSERT_EQ_STR(s, "abc");
    free(s);
    s = xstrndup("ab", 10);
    ASSERT_EQ_STR(s, "ab");
    free(s);
}

TEST(test_strbuf_basic)
{
    strbuf sb = STRBUF_INIT;
    char *d;

    ASSERT_EQ_STR(strbuf_cstr(&sb), "");
    strbuf_adds(&sb, "hello");
    strbuf_addc(&sb, ' ');
    strbuf_addf(&sb, "%s %d", "world", 7);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "hello world 7");
    ASSERT_EQ_INT(sb.len, 13);
    strbuf_reset(&sb);
    ASSERT_EQ_INT(sb.len, 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "");
    ASSERT(sb.cap > 0);
    strbuf_add(&sb, "a\0b", 3);
    ASSERT_EQ_INT(sb.len, 3);
    ASSERT(memcmp(sb.buf, "a\0b", 4) == 0);
    d = strbuf_detach(&sb);
    ASSERT(sb.buf == NULL && sb.len == 0 && sb.cap == 0);
    ASSERT(memcmp(d, "a\0b", 4) == 0);
    free(d);
    d = strbuf_detach(&sb);                 /* empty detach: "" not NULL */
    ASSERT_EQ_STR(d, "");
    free(d);
    strbuf_free(&sb);
}

TEST(test_strbuf_growth)
{
    strbuf sb = STRBUF_INIT;
    char big[5000];

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 100; i++) strbuf_addf(&sb, "%d,", i);
    strbuf_addf(&sb, "[%s]", big);         /* longer than the free space */
    ASSERT_EQ_INT(sb.len, 290 + 5001);
    ASSERT(sb.buf[sb.len] == '\0');
    ASSERT(strncmp(sb.buf, "0,1,2,", 6) == 0);
    ASSERT(sb.buf[sb.len - 1] == ']');
    strbuf_free(&sb);
    strbuf_free(&sb);                      /* twice is fine */
}

TEST(test_strbuf_addhex)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addhex(&sb, "\x00\x01\xab\xff", 4);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "0001abff");
    strbuf_addhex(&sb, "", 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "0001abff");
    strbuf_free(&sb);
}

TEST(test_arena)
{
    arena a = {0};
    char *s, *p;
    void *first;

    for (int i = 1; i < 200; i++) {
        unsigned char *q = arena_alloc(&a, (size_t)i);
        ASSERT_EQ_INT((uintptr_t)q % 16, 0);
        for (int k = 0; k < i; k++) ASSERT_EQ_INT(q[k], 0);
        memset(q, 0xAA, (size_t)i);
    }
    s = arena_strdup(&a, "hello");
    ASSERT_EQ_STR(s, "hello");
    ASSERT(arena_strdup(&a, NULL) == NULL);
    ASSERT_EQ_STR(arena_strndup(&a, "abcdef", 2), "ab");
    p = arena_sprintf(&a, "%s-%d", "x", 5);
    ASSERT_EQ_STR(p, "x-5");
    {
        char big[1000];
        memset(big, 'y', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        p = arena_sprintf(&a, "<%s>", big);
        ASSERT_EQ_INT(strlen(p), 1001);
    }
    /* a big request gets its own block; small ones keep using the head */
    p = arena_alloc(&a, 1 << 20);
    ASSERT_EQ_INT((uintptr_t)p % 16, 0);
    ASSERT_EQ_INT(p[0] | p[(1 << 20) - 1], 0);
    memset(p, 1, 1 << 20);
    ASSERT(a.total >= (1 << 20));
    for (int i = 0; i < 10000; i++) arena_alloc(&a, 48);   /* several blocks */

    arena_reset(&a);
    ASSERT_EQ_INT(a.total, 0);
    ASSERT(a.head != NULL);                 /* one block kept */
    first = arena_alloc(&a, 64);
    ASSERT(first != NULL);
    for (int k = 0; k < 64; k++) ASSERT_EQ_INT(((unsigned char *)first)[k], 0);
    arena_free(&a);
    ASSERT(a.head == NULL);
    arena_free(&a);
}

TEST(test_arena_push)
{
    arena a = {0};
    int *arr = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 100; i++) ARENA_PUSH(&a, arr, n, cap, i);
    ASSERT_EQ_INT(n, 100);
    for (int i = 0; i < 100; i++) ASSERT_EQ_INT(arr[i], i);
    arena_free(&a);
}

TEST(test_glob)
{
    static const struct { const char *pat, *text; int nocase, want; } cases[] = {
        {"*", "", 0, 1},
        {"*", "anything", 0, 1},
        {"", "", 0, 1},
        {"", "a", 0, 0},
        {"abc", "abc", 0, 1},
        {"abc", "abd", 0, 0},
        {"a?c", "abc", 0, 1},
        {"a?c", "ac", 0, 0},
        {"a*", "a", 0, 1},
        {"a*c", "abbbbc", 0, 1},
        {"a*c", "abbbbd", 0, 0},
        {"*.db", "app.db", 0, 1},
        {"*.db", "app.db3", 0, 0},
        {"a*b*c", "aXbYbZc", 0, 1},
        {"a*b*c", "aXbYbZ", 0, 0},
        {"**a", "bba", 0, 1},
        {"[abc]x", "bx", 0, 1},
        {"[abc]x", "dx", 0, 0},
        {"[a-z]1", "q1", 0, 1},
        {"[a-z]1", "Q1", 0, 0},
        {"[a-z]1", "Q1", 1, 1},
        {"[A-Z]1", "q1", 1, 1},
        {"[!x]y", "ay", 0, 1},
        {"[!x]y", "xy", 0, 0},
        {"[^x]y", "xy", 0, 0},
        {"[]]", "]", 0, 1},
        {"[!]]", "a", 0, 1},
        {"[a-]", "-", 0, 1},
        {"[ab", "[ab", 0, 1},            /* unclosed '[' is literal */
        {"[ab", "a", 0, 0},
        {"User*", "users", 1, 1},
        {"User*", "users", 0, 0},
        {"public.*", "public.Track", 0, 1},
        {"*_tmp", "x_tmp", 0, 1},
        {"*_tmp", "x_tmpx", 0, 0},
        {"?", "", 0, 0},
        {"*?", "a", 0, 1},
        {"*?", "", 0, 0},
        {"a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ctx[128];
        snprintf(ctx, sizeof ctx, "%s ~ %s nocase=%d", cases[i].pat, cases[i].text, cases[i].nocase);
        CHECK_EQ_INT(glob_match(cases[i].pat, cases[i].text, cases[i].nocase), cases[i].want, ctx);
    }
}

TEST(test_clock)
{
    char buf[32];
    double a = now_monotonic(), b = now_monotonic();
    ASSERT(a > 0);
    ASSERT(b >= a);
    now_iso8601(buf, sizeof buf);
    ASSERT_EQ_INT(strlen(buf), 24);
    ASSERT(buf[4] == '-' && buf[7] == '-' && buf[10] == 'T' && buf[13] == ':'
           && buf[16] == ':' && buf[19] == '.' && buf[23] == 'Z');
    ASSERT(strncmp(buf, "20", 2) == 0);
    now_iso8601(buf, 5);                    /* truncated, still terminated */
    ASSERT_EQ_INT(strlen(buf), 4);
}

TEST(test_utf8)
{
    static const struct { const char *s; size_t n; int ok; size_t bad; } cases[] = {
        {"", 0, 1, 0},
        {"plain ascii", 11, 1, 0},
        {"caf\xc3\xa9", 5, 1, 0},
        {"\xe2\x82\xac", 3, 1, 0},                 /* euro sign */
        {"\xf0\x9f\x98\x80", 4, 1, 0},             /* emoji */
        {"\xf4\x8f\xbf\xbf", 4, 1, 0},             /* U+10FFFF */
        {"\xed\x9f\xbf", 3, 1, 0},                 /* U+D7FF */
        {"\xee\x80\x80", 3, 1, 0},                 /* U+E000 */
        {"a\0b", 3, 1, 0},                         /* NUL is valid UTF-8 */
        {"ab\x80", 3, 0, 2},                       /* lone continuation */
        {"\xc0\xaf", 2, 0, 0},                     /* overlong '/' */
        {"\xc1\xbf", 2, 0, 0},                     /* overlong */
        {"\xe0\x80\xaf", 3, 0, 0},                 /* overlong 3-byte */
        {"\xf0\x80\x80\xaf", 4, 0, 0},             /* overlong 4-byte */
        {"x\xed\xa0\x80", 4, 0, 1},                /* surrogate D800 */
        {"\xed\xbf\xbf", 3, 0, 0},                 /* surrogate DFFF */
        {"\xf4\x90\x80\x80", 4, 0, 0},             /* U+110000 */
        {"\xf5\x80\x80\x80", 4, 0, 0},
        {"\xff", 1, 0, 0},
        {"ok\xc3", 3, 0, 2},                       /* truncated 2-byte */
        {"ok\xe2\x82", 4, 0, 2},                   /* truncated 3-byte */
        {"\xf0\x9f\x98", 3, 0, 0},                 /* truncated 4-byte */
        {"\xe2\x28\xa1", 3, 0, 0},                 /* bad continuation */
        {"\xc3\xa9\xc3", 3, 0, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bad = 999;
        char ctx[32];
        snprintf(ctx, sizeof ctx, "case %zu", i);
        CHECK_EQ_INT(utf8_valid(cases[i].s, cases[i].n, &bad), cases[i].ok, ctx);
        if (!cases[i].ok) CHECK_EQ_INT(bad, cases[i].bad, ctx);
    }
    ASSERT_EQ_INT(utf8_valid("\xff", 1, NULL), 0);
}

/* fmt_utf8 — utf8_vsnprintf through a variadic call, as reasons use it. */
static int fmt_utf8(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fmt_utf8(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = utf8_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

TEST(test_utf8_count_and_cut)
{
    char buf[8];
    ASSERT_EQ_INT(utf8_count("", 0), 0);
    ASSERT_EQ_INT(utf8_count("caf\xc3\xa9", 5), 4);
    ASSERT_EQ_INT(utf8_count("\xf0\x9f\x98\x80\xe2\x82\xac", 7), 2);
    ASSERT_EQ_INT(utf8_count("a\0b", 3), 3);
    /* fits: unchanged */
    ASSERT_EQ_INT(fmt_utf8(buf, sizeof buf, "%s", "ab\xc3\xa9"), 4);
    ASSERT_EQ_STR(buf, "ab\xc3\xa9");
    ASSERT_EQ_INT(fmt_utf8(buf, sizeof buf, "%s", "abc\xf0\x9f\x98\x80"), 7);
    ASSERT_EQ_STR(buf, "abc\xf0\x9f\x98\x80");
    /* cut after a whole character: kept as vsnprintf cut it */
    ASSERT_EQ_INT(fmt_utf8(buf, sizeof buf, "%s", "abcde\xc3\xa9x"), 8);
    ASSERT_EQ_STR(buf, "abcde\xc3\xa9");
    /* cut inside a 2-, 3- and 4-byte sequence: the partial sequence goes */
    fmt_utf8(buf, sizeof buf, "%s", "abcdef\xc3\xa9");
    ASSERT_EQ_STR(buf, "abcdef");
    fmt_utf8(buf, sizeof buf, "%s", "abcde\xe2\x82\xac");
    ASSERT_EQ_STR(buf, "abcde");
    fmt_utf8(buf, sizeof buf, "%s", "abcd\xf0\x9f\x98\x80");
    ASSERT_EQ_STR(buf, "abcd");
}

TEST(test_fnv1a64)
{
    /* Reference values of 64-bit FNV-1a. */
    ASSERT(fnv1a64("", 0, 0) == 0xcbf29ce484222325ULL);
    ASSERT(fnv1a64("a", 1, 0) == 0xaf63dc4c8601ec8cULL);
    ASSERT(fnv1a64("foobar", 6, 0) == 0x85944171f73967e8ULL);
    /* chaining equals hashing the concatenation */
    ASSERT(fnv1a64("bar", 3, fnv1a64("foo", 3, 0)) == fnv1a64("foobar", 6, 0));
    ASSERT(fnv1a64("a", 1, 1) != fnv1a64("a", 1, 0));
}

TEST(test_err)
{
    ferry_err e;
    memset(&e, 0, sizeof e);
    e.side = SIDE_TARGET;
    ASSERT_EQ_INT(ferry_err_set(NULL, FERRY_E_SQL, "x %d", 1), -1);
    ASSERT_EQ_INT(ferry_err_set(&e, FERRY_E_SQL, "insert failed: %s", "boom"), -1);
    ASSERT_EQ_INT(e.code, FERRY_E_SQL);
    ASSERT_EQ_INT(e.side, SIDE_TARGET);
    ASSERT_EQ_STR(e.msg, "insert failed: boom");
    ferry_err_prefix(&e, "table \"%s\" chunk %d: ", "Track", 12);
    ASSERT_EQ_STR(e.msg, "table \"Track\" chunk 12: insert failed: boom");
    ferry_err_prefix(NULL, "x");
    ASSERT_EQ_INT(ferry_exit_code(&e), EXIT_TARGET);
    e.side = SIDE_SOURCE;
    ASSERT_EQ_INT(ferry_exit_code(&e), EXIT_SOURCE);
    e.side = SIDE_NONE;
    ASSERT_EQ_INT(ferry_exit_code(&e), EXIT_FAILURE_);
    e.code = FERRY_E_USAGE;
    e.side = SIDE_TARGET;
    ASSERT_EQ_INT(ferry_exit_code(&e), EXIT_USAGE);
    e.code = FERRY_E_INTERRUPTED;
    ASSERT_EQ_INT(ferry_exit_code(&e), EXIT_INTERRUPTED);
    e.code = FERRY_E_JOB;
    ASSERT_EQ_INT(ferry_exit_code(&e), EXIT_JOB);
    e.code = FERRY_E_OK;
    e.side = SIDE_NONE;
    ASSERT(ferry_exit_code(&e) != EXIT_OK);
    ASSERT_EQ_STR(ferry_code_name(FERRY_E_USAGE), "USAGE");
    ASSERT_EQ_STR(ferry_code_name(FERRY_E_INTERNAL), "INTERNAL");
    ASSERT_EQ_STR(ferry_code_name(-1), "UNKNOWN");
    ASSERT_EQ_STR(ferry_code_name(FERRY_E__COUNT), "UNKNOWN");
}

TEST(test_err_truncation)
{
    ferry_err e;
    char big[3000];
    memset(&e, 0, sizeof e);
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ferry_err_set(&e, FERRY_E_IO, "%s", big);
    ASSERT_EQ_INT(strlen(e.msg), sizeof e.msg - 1);
    ferry_err_prefix(&e, "ctx: ");
    ASSERT_EQ_INT(strlen(e.msg), sizeof e.msg - 1);
    ASSERT(strncmp(e.msg, "ctx: zzz", 8) == 0);
    ferry_err_prefix(&e, "%s", big);        /* a prefix longer than msg */
    ASSERT_EQ_INT(strlen(e.msg), sizeof e.msg - 1);
}

void suite_util(void)
{
    RUN(test_xasprintf);
    RUN(test_strbuf_basic);
    RUN(test_strbuf_growth);
    RUN(test_strbuf_addhex);
    RUN(test_arena);
    RUN(test_arena_push);
    RUN(test_glob);
    RUN(test_clock);
    RUN(test_utf8);
    RUN(test_utf8_count_and_cut);
    RUN(test_fnv1a64);
    RUN(test_err);
    RUN(test_err_truncation);
}
