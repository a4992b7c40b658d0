/* test.h — a tiny unit test harness: tests register in one table
 * (tests/unit/main.c), assertions print both values, the run ends with
 * "N passed, N failed". */
#ifndef FERRY_TEST_H
#define FERRY_TEST_H

#include <stdio.h>
#include <string.h>
#include <inttypes.h>

extern int test_failed_flag;

#define TEST(name) void name(void)

#define FAIL_AT(...) do { fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); test_failed_flag = 1; } while (0)

#define ASSERT(cond) do { if (!(cond)) { FAIL_AT("assertion failed: %s", #cond); return; } } while (0)
#define ASSERT_EQ_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { FAIL_AT("%s == %s: %lld != %lld", #a, #b, a_, b_); return; } } while (0)
#define ASSERT_EQ_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) { FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b, \
        a_ ? a_ : "(null)", b_ ? b_ : "(null)"); return; } } while (0)
/* CHECK_* variants report and continue, for table-driven tests. */
#define CHECK_EQ_STR(a, b, ctx) do { const char *a_ = (a), *b_ = (b); \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) { FAIL_AT("[%s] %s == %s: \"%s\" != \"%s\"", (ctx), #a, #b, \
        a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_EQ_INT(a, b, ctx) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { FAIL_AT("[%s] %s == %s: %lld != %lld", (ctx), #a, #b, a_, b_); } } while (0)



/* RUN — run one test function and count it; used inside suite functions. */
void test_run(const char *name, void (*fn)(void));
#define RUN(fn) test_run(#fn, fn)
#endif
