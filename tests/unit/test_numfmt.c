/* test_numfmt.c — unit tests for engine/numfmt.c: integers and doubles
 * written byte for byte as printf writes them, doubles read back bit for
 * bit as strtod reads them, over edge values (±0, subnormals, DBL_MAX,
 * integers near 2^53, powers of ten and their neighbours, exact decimal
 * ties) and random ones; and the converter's fast paths against the
 * slow definitions: date/time texts written without printf, text checked
 * eight bytes at a time. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "numfmt.h"
#include "convert.h"
#include "util.h"

/* ref_double — the canonical float64 text by its definition: the first of
 * "%.15g", "%.16g", "%.17g" (subnormals from "%.1g") that reads back. */
static void ref_double(double d, char *buf, size_t cap)
{
    int p = (d != 0 && fabs(d) < DBL_MIN) ? 1 : 15;
    for (; p < 17; p++) {
        snprintf(buf, cap, "%.*g", p, d);
        if (strtod(buf, NULL) == d) return;
    }
    snprintf(buf, cap, "%.17g", d);
}

/* check_double — numfmt_double(d) equals the reference text, its length is
 * right, and both strtod and numfmt_parse_double read it back to the same
 * bits. Returns 0, or -1 after reporting (first failures only). */
static int check_double(double d)
{
    static int reported;
    char got[NUMFMT_DBL_MAX + 8], want[64];
    double back1, back2;
    size_t n = numfmt_double(got, d);
    ref_double(d, want, sizeof want);
    back1 = strtod(got, NULL);
    if (strcmp(got, want) != 0 || n != strlen(want) || memcmp(&back1, &d, sizeof d) != 0 ||
        numfmt_parse_double(got, n, &back2) != 0 || memcmp(&back2, &d, sizeof d) != 0) {
        if (reported++ < 10)
            FAIL_AT("%a: numfmt_double wrote \"%s\" (%zu), printf \"%s\"", d, got, n, want);
        else
            test_failed_flag = 1;
        return -1;
    }
    return 0;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

TEST(test_numfmt_integers)
{
    static const int64_t vals[] = {
        0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, -1000, 65535, 2147483647, -2147483648LL,
        4294967296LL, 9007199254740992LL, 9007199254740993LL, 999999999999999999LL,
        1000000000000000000LL, INT64_MAX, INT64_MIN, INT64_MIN + 1,
    };
    char got[NUMFMT_INT_MAX], want[32];
    uint64_t x = 0x2545F4914F6CDD1DULL;
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
        snprintf(want, sizeof want, "%lld", (long long)vals[k]);
        ASSERT_EQ_INT(numfmt_i64(got, vals[k]), strlen(want));
        ASSERT_EQ_STR(got, want);
    }
    ASSERT_EQ_INT(numfmt_u64(got, UINT64_MAX), 20);
    ASSERT_EQ_STR(got, "18446744073709551615");
    for (int k = 0; k < 200000; k++) {
        int64_t v = (int64_t)xorshift(&x) >> (xorshift(&x) % 64);   /* every length */
        snprintf(want, sizeof want, "%lld", (long long)v);
        numfmt_i64(got, v);
        if (strcmp(got, want) != 0) { FAIL_AT("%s written as %s", want, got); return; }
    }
}

/* The edges: zero of both signs, subnormals, the normal range's ends,
 * integers around 2^53, powers of ten and their neighbours, values whose
 * shortest text needs 16 or 17 digits. */
TEST(test_numfmt_double_edges)
{
    static const struct { double d; const char *want; } fixed[] = {
        {0.0, "0"}, {-0.0, "-0"}, {0.1, "0.1"}, {0.1 + 0.2, "0.30000000000000004"},
        {1 / 3.0, "0.3333333333333333"}, {1e15, "1e+15"}, {1e16, "1e+16"},
        {123456789012345.0, "123456789012345"}, {1234567890123456.0, "1234567890123456"},
        {123456789012345680.0, "1.2345678901234568e+17"}, {9007199254740992.0, "9007199254740992"},
        {9007199254740994.0, "9007199254740994"}, {0.0001, "0.0001"}, {0.00001, "1e-05"},
        {DBL_MAX, "1.7976931348623157e+308"}, {-DBL_MAX, "-1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"}, {5e-324, "5e-324"}, {-5e-324, "-5e-324"},
        {1e300, "1e+300"}, {1e-300, "1e-300"}, {48.396, "48.396"}, {-266066.478, "-266066.478"},
        {1e22, "1e+22"}, {1e23, "1e+23"}, {100.0, "100"}, {-1.5, "-1.5"},
    };
    char got[NUMFMT_DBL_MAX];
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
        numfmt_double(got, fixed[k].d);
        ASSERT_EQ_STR(got, fixed[k].want);
        if (check_double(fixed[k].d)) return;
    }
    double around[] = {DBL_MIN, DBL_MAX, 5e-324, 0x1.fffffffffffffp-1023 /* largest subnormal */,
                       9007199254740992.0, 1.0, 2.0, 0.5};
    for (size_t k = 0; k < sizeof around / sizeof around[0]; k++) {
        double d = around[k];
        for (int j = 0; j < 4; j++) {
            if (check_double(d) || check_double(-d)) return;
            d = nextafter(d, 0);
        }
        d = around[k];
        for (int j = 0; j < 4 && isfinite(d); j++) {
            if (check_double(d) || check_double(-d)) return;
            d = nextafter(d, INFINITY);
        }
    }
    for (int e = -325; e <= 308; e++) {
        double p = pow(10, e);
        if (check_double(p) || check_double(nextafter(p, 0)) || check_double(nextafter(p, INFINITY)))
            return;
    }
    for (int e = -1074; e <= 1023; e++)
        if (check_double(ldexp(1, e)) || check_double(nextafter(ldexp(1, e), 0))) return;
    for (int64_t i = -2000; i <= 2000; i++)
        if (check_double((double)((1LL << 53) + i)) || check_double((double)i)) return;
}

/* Random doubles of every kind: any bit pattern, moderate magnitudes (the
 * exact path), short decimals (what databases hold), and dyadic fractions
 * whose exact decimal ends in 5 (printf rounds those ties to even). */
TEST(test_numfmt_double_random)
{
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int k = 0; k < 100000; k++) {
        uint64_t r = xorshift(&x);
        double d;
        memcpy(&d, &r, sizeof d);
        if (isfinite(d) && check_double(d)) return;
        r = (r & 0x800FFFFFFFFFFFFFULL) | ((uint64_t)(1023 - 60 + (r >> 52) % 180) << 52);
        memcpy(&d, &r, sizeof d);
        if (check_double(d)) return;
        if (check_double((double)(int64_t)(xorshift(&x) % 2000000001 - 1000000000) / 1000.0)) return;
        if (check_double((double)(xorshift(&x) % 10000000) / pow(10, (double)(xorshift(&x) % 40) - 20)))
            return;
        if (check_double(ldexp((double)(xorshift(&x) % (1 << 22)), -(int)(xorshift(&x) % 80))))
            return;
    }
}

/* numfmt_parse_double reads what strtod reads, bit for bit, including
 * texts beyond its fast path (which then go to strtod). */
TEST(test_numfmt_parse)
{
    static const char *const texts[] = {
        "0", "-0", "0.0", "1", "-1", "1.5", "0.1", "123.456", "1e22", "1e23", "9007199254740993",
        "9007199254740992", "18014398509481985", "0.30000000000000004", "1.7976931348623157e+308",
        "2.2250738585072014e-308", "5e-324", "4.9406564584124654e-324", "1e-400", "123456789012345678901234",
        "0.000000000000000000000000000001", "1.", ".5", "-.25", "1E5", "1e+05", "1e-05", "00012.5000",
        "3.141592653589793", "2.718281828459045", "48.396", "-266066.478",
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        double got, want = strtod(texts[k], NULL);
        int rc = numfmt_parse_double(texts[k], strlen(texts[k]), &got);
        if (rc != 0) { FAIL_AT("\"%s\" refused", texts[k]); return; }
        if (memcmp(&got, &want, sizeof got) != 0) {
            FAIL_AT("\"%s\": %a, strtod %a", texts[k], got, want);
            return;
        }
    }
    static const char *const bad[] = {"", "-", "abc", "1e", "1e+", "1.5x", "--1", "1e999", "-1e999", "."};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double got;
        if (numfmt_parse_double(bad[k], strlen(bad[k]), &got) == 0) {
            FAIL_AT("\"%s\" accepted as %a", bad[k], got);
            return;
        }
    }
    /* random digit strings with random exponents */
    uint64_t x = 0xD1B54A32D192ED03ULL;
    for (int k = 0; k < 100000; k++) {
        char t[48];
        double got, want;
        int nd = 1 + (int)(xorshift(&x) % 20), pt = (int)(xorshift(&x) % (uint64_t)(nd + 1)), o = 0;
        if (xorshift(&x) & 1) t[o++] = '-';
        for (int j = 0; j < nd; j++) {
            if (j == pt && j > 0) t[o++] = '.';
            t[o++] = (char)('0' + xorshift(&x) % 10);
        }
        if (xorshift(&x) % 3 == 0) o += snprintf(t + o, sizeof t - (size_t)o, "e%d", (int)(xorshift(&x) % 60) - 30);
        t[o] = '\0';
        want = strtod(t, NULL);
        if (numfmt_parse_double(t, (size_t)o, &got) != 0 || memcmp(&got, &want, sizeof got) != 0) {
            FAIL_AT("\"%s\": %a, strtod %a", t, got, want);
            return;
        }
    }
}

/* Timestamps from epoch microseconds: the converter's text equals printf's
 * "%04d-%02u-%02u %02u:%02u:%02u" plus the fraction without trailing
 * zeros, over the whole range 0001-9999. */
TEST(test_numfmt_timestamp_text)
{
    ltype ts = {LT_TIMESTAMP, -1, 0, -1, -1}, tz = {LT_TIMESTAMPTZ, -1, 0, -1, -1};
    strbuf sb = STRBUF_INIT;
    uint64_t x = 0x94D049BB133111EBULL;
    const int64_t lo = -62135596800LL, hi = 253402300800LL;   /* seconds, [0001, 10000) */
    for (int k = 0; k < 50000; k++) {
        int64_t sec = lo + (int64_t)(xorshift(&x) % (uint64_t)(hi - lo));
        uint32_t us = (uint32_t)(xorshift(&x) % 1000000);
        if (k % 4 == 0) us = 0;
        if (k % 4 == 1) us = us / 1000 * 1000;
        int64_t days = sec / 86400, rem = sec % 86400;
        if (rem < 0) { rem += 86400; days--; }
        int64_t y;
        unsigned m, d;
        civil_from_days(days, &y, &m, &d);
        char text[64], want[80], frac[8] = "";
        if (us) {
            int len = snprintf(frac, sizeof frac, "%06u", (unsigned)us);
            while (len > 0 && frac[len - 1] == '0') frac[--len] = '\0';
        }
        snprintf(text, sizeof text, "%04lld-%02u-%02u %02u:%02u:%02u%s%s", (long long)y, m, d,
                 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60),
                 us ? "." : "", frac);
        ferry_value v = {FV_TEXT, 0, 0, text, strlen(text)};
        conv_note note;
        const char *why;
        strbuf_reset(&sb);
        ASSERT_EQ_INT(convert_value(&ts, &v, &sb, &note, &why), CONV_OK);
        if (strcmp(strbuf_cstr(&sb), text) != 0) { FAIL_AT("%s became %s", text, strbuf_cstr(&sb)); break; }
        snprintf(want, sizeof want, "%s+00:00", text);
        strbuf_reset(&sb);
        ASSERT_EQ_INT(convert_value(&tz, &v, &sb, &note, &why), CONV_OK);
        if (strcmp(strbuf_cstr(&sb), want) != 0) { FAIL_AT("%s became %s", want, strbuf_cstr(&sb)); break; }
    }
    strbuf_free(&sb);
}

/* Text: the eight-bytes-at-a-time ASCII check decides exactly as the
 * byte-by-byte checks (a NUL byte or invalid UTF-8 is refused, anything
 * else kept), for every position of the odd byte and every length. */
TEST(test_numfmt_text_fastpath)
{
    static const unsigned char odd[] = {0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xE6, 0xFF, 0x01};
    ltype tt = {LT_TEXT, -1, 0, -1, -1}, t5 = {LT_TEXT, 5, 0, -1, -1};
    strbuf sb = STRBUF_INIT;
    uint64_t x = 0xA0761D6478BD642FULL;
    for (int k = 0; k < 40000; k++) {
        char text[40];
        size_t n = (size_t)(xorshift(&x) % sizeof text), bad;
        for (size_t i = 0; i < n; i++) text[i] = (char)('a' + xorshift(&x) % 26);
        int nodd = (int)(xorshift(&x) % 3);
        for (int j = 0; j < nodd && n > 0; j++)
            text[xorshift(&x) % n] = (char)odd[xorshift(&x) % sizeof odd];
        if (k % 5 == 0 && n >= 2) { text[n - 2] = (char)0xC3; text[n - 1] = (char)0xA9; }  /* é */
        int want_ok = memchr(text, '\0', n) == NULL && utf8_valid(text, n, &bad);
        ferry_value v = {FV_TEXT, 0, 0, text, n};
        conv_note note;
        const char *why;
        strbuf_reset(&sb);
        conv_result rc = convert_value(&tt, &v, &sb, &note, &why);
        if ((rc == CONV_OK) != want_ok || (rc == CONV_OK && (sb.len != n || memcmp(sb.buf, text, n)))) {
            FAIL_AT("text of %zu bytes: result %d, expected %s", n, (int)rc, want_ok ? "kept" : "refused");
            break;
        }
        /* a length limit counts characters, not bytes */
        if (want_ok) {
            strbuf_reset(&sb);
            rc = convert_value(&t5, &v, &sb, &note, &why);
            if ((rc == CONV_OK) != (utf8_count(text, n) <= 5)) {
                FAIL_AT("varchar(5) of %zu bytes, %zu characters: result %d", n, utf8_count(text, n), (int)rc);
                break;
            }
        }
    }
    strbuf_free(&sb);
}

void suite_numfmt(void)
{
    RUN(test_numfmt_integers);
    RUN(test_numfmt_double_edges);
    RUN(test_numfmt_double_random);
    RUN(test_numfmt_parse);
    RUN(test_numfmt_timestamp_text);
    RUN(test_numfmt_text_fastpath);
}
