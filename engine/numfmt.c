/* numfmt.c — exact number <-> text conversions for the per-value hot path
 * (see numfmt.h): integers by digit pairs, doubles by exact 128-bit integer
 * arithmetic, and canonical double text read back by Clinger's fast path.
 *
 * DESIGN
 *   The canonical text of a float64 (convert.h) is defined by printf: the
 *   first of "%.15g", "%.16g", "%.17g" that strtod() reads back to the same
 *   double. Going through snprintf and strtod for every value cost more
 *   than everything else the reader does, so numfmt_double computes that
 *   same text directly:
 *   - d = m * 2^e exactly (m the 53-bit significand). For P significant
 *     digits and k = floor(log10 |d|), d * 10^(P-1-k) = num / den with num
 *     and den integers (powers of 2 and 10 on the side they belong to);
 *     while num < 2^127 and den < 2^73 (|d| from about 1e-6 to 1e37) this
 *     is exact in unsigned __int128. The quotient rounded half to even is
 *     the P digits printf prints (glibc rounds exactly, ties to even), and
 *     the remainder says exactly how far that decimal is from d.
 *   - It reads back to d (strtod rounds to nearest, ties to even) exactly
 *     when it lies inside d's rounding interval: within half an ulp, or at
 *     half an ulp when m is even; below a power of two the gap to the next
 *     lower double is half as wide. In integers: 2*m*err < num (4*m*err
 *     below a power of two), ties allowed when m is even.
 *   - The digits are then laid out as %g does: exponent form when the
 *     decimal exponent X is < -4 or >= P, fixed otherwise, trailing zeros
 *     dropped.
 *   Anything outside that range (subnormals, huge or tiny magnitudes), or a
 *   compiler without __int128, takes the snprintf/strtod loop itself, so
 *   the text is the same in every case; the unit tests compare both on
 *   millions of values.
 *
 *   numfmt_parse_double: a decimal with at most 19 significant digits, w,
 *   and a power of ten 10^q with |q| <= 22 and w <= 2^53 are both exact
 *   doubles, so one IEEE multiplication or division gives the correctly
 *   rounded result (Clinger 1990) — what strtod gives. This needs the
 *   double operations to be evaluated in double precision
 *   (FLT_EVAL_METHOD 0, as on x86-64 and arm64); otherwise, and for
 *   longer texts, strtod itself is called. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "numfmt.h"

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static const uint64_t pow10_u64[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
    10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL
};

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
/* 10^0 .. 10^22: the powers of ten that are exact doubles. */
static const double dbl_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
    1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};
#endif

/* ---------------------------------------------------------------------
 * Integers
 * --------------------------------------------------------------------- */

size_t numfmt_u64(char *buf, uint64_t v)
{
    /* The length first (from the bit length: log10(2) ~ 1233 / 4096, then
     * one comparison), then the digits from the end, two at a time. */
    int t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;
    size_t n = v ? (size_t)(t - (v < pow10_u64[t]) + 1) : 1;
    char *p = buf + n;
    *p = '\0';
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    return n;
}

size_t numfmt_i64(char *buf, int64_t v)
{
    if (v < 0) {
        buf[0] = '-';
        return 1 + numfmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
    }
    return numfmt_u64(buf, (uint64_t)v);
}

/* ---------------------------------------------------------------------
 * Doubles to text
 * --------------------------------------------------------------------- */

/* slow_double — the definition itself, through snprintf and strtod. */
static size_t slow_double(char *buf, double d)
{
    int p = (d != 0 && fabs(d) < DBL_MIN) ? 1 : 15;
    /* through a roomy buffer: at most 24 bytes come out ("-1.2345678901234567e-308"),
     * more than the compiler can prove for a variable precision */
    char tmp[64];
    for (; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, d);
        if (p == 17 || strtod(tmp, NULL) == d) break;
    }
    size_t n = strlen(tmp);
    memcpy(buf, tmp, n + 1);
    return n;
}

/* format_g — lay out the P digits of D (10^(P-1) <= D < 10^P) with decimal
 * exponent X as printf's "%.Pg" does: exponent form when X < -4 or X >= P,
 * else fixed; trailing zeros (and a point left bare) dropped. */
static size_t format_g(char *buf, int neg, uint64_t D, int P, int X)
{
    char dig[24], *o = buf;
    int nd = P;
    /* Trailing zeros go first, by whole groups where possible: short
     * values (the common case) are then a few digits to write. */
    if (D % 100000000 == 0) { D /= 100000000; nd -= 8; }
    while (D % 10000 == 0) { D /= 10000; nd -= 4; }
    while (D % 10 == 0) { D /= 10; nd--; }        /* D > 0: this ends */
    numfmt_u64(dig, D);
    if (neg) *o++ = '-';
    if (X < -4 || X >= P) {
        int ax = X < 0 ? -X : X;
        *o++ = dig[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(nd - 1));
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = X < 0 ? '-' : '+';
        if (ax >= 100) { *o++ = (char)('0' + ax / 100); ax %= 100; }
        memcpy(o, digit_pairs + 2 * ax, 2);
        o += 2;
    } else if (X >= 0) {
        int ip = X + 1;                           /* digits before the point */
        if (nd <= ip) {
            memcpy(o, dig, (size_t)nd);
            o += nd;
            memset(o, '0', (size_t)(ip - nd));
            o += ip - nd;
        } else {
            memcpy(o, dig, (size_t)ip);
            o += ip;
            *o++ = '.';
            memcpy(o, dig + ip, (size_t)(nd - ip));
            o += nd - ip;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int z = 0; z < -X - 1; z++) *o++ = '0';
        memcpy(o, dig, (size_t)nd);
        o += nd;
    }
    *o = '\0';
    return (size_t)(o - buf);
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

/* pow10_128 — 10^i for 0 <= i <= 38. */
static u128 pow10_128(int i)
{
    return i < 20 ? (u128)pow10_u64[i] : (u128)pow10_u64[19] * pow10_u64[i - 19];
}

/* bitlen128 — the number of significant bits of x. */
static int bitlen128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    if (hi) return 128 - __builtin_clzll(hi);
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* round_digits — the P significant digits D of m * 2^e (m < 2^53) rounded
 * half to even, its decimal exponent *X, and whether that decimal reads
 * back to the double (*rt; lower: the double is a power of two above the
 * smallest normal, so the gap below it is half the gap above). *k is a
 * guess of floor(log10(m * 2^e)), corrected here. -1 when the exact
 * arithmetic does not fit 128 bits (the caller takes the slow path). */
static int round_digits(uint64_t m, int e, int lower, int P, int *k, uint64_t *D, int *X,
                        int *rt)
{
    int e_pos = e > 0 ? e : 0, e_neg = e < 0 ? -e : 0;
    for (int tries = 0; tries < 4; tries++) {
        int s = P - 1 - *k;
        int s_pos = s > 0 ? s : 0, s_neg = s < 0 ? -s : 0;
        if (s_pos > 38 || s_neg > 38) return -1;
        u128 up10 = pow10_128(s_pos), dn10 = pow10_128(s_neg);
        /* num < 2^127 and den < 2^73 keep every product below 2^128:
         * 2*m*err < 2^127, doubled below a power of two < 2^128. */
        if (53 + e_pos + bitlen128(up10) > 127 || e_neg + bitlen128(dn10) > 73) return -1;
        u128 num = ((u128)m << e_pos) * up10;     /* d * 10^s = num / den, exactly */
        u128 den = dn10 << e_neg;
        u128 q, r;
        if (s_neg == 0) {
            q = num >> e_neg;
            r = num & ((((u128)1) << e_neg) - 1);
        } else {
            q = num / den;
            r = num % den;
        }
        if (q >= pow10_u64[P]) { (*k)++; continue; }
        if (q < pow10_u64[P - 1]) { (*k)--; continue; }
        int up = (r << 1) > den || ((r << 1) == den && (q & 1));
        u128 err = up ? den - r : r;              /* |decimal - d| * 10^s * den */
        if (err == 0) {
            *rt = 1;
        } else {
            u128 lhs = (u128)m * err * 2;         /* < 2^127 */
            if (!up && lower) lhs <<= 1;
            *rt = lhs < num || (lhs == num && (m & 1) == 0);
        }
        uint64_t dv = (uint64_t)q + (uint64_t)up;
        *X = *k;
        if (dv == pow10_u64[P]) {                 /* 9.99...5 rounded up to 10.0 */
            dv = pow10_u64[P - 1];
            (*X)++;
        }
        *D = dv;
        return 0;
    }
    return -1;
}
#endif

size_t numfmt_double(char *buf, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int neg = (int)(bits >> 63);
    int bexp = (int)(bits >> 52) & 0x7FF;
    uint64_t frac = bits & ((1ULL << 52) - 1);
    if (bexp == 0 && frac == 0) {
        memcpy(buf, neg ? "-0" : "0", neg ? 3 : 2);
        return neg ? 2 : 1;
    }
#ifdef __SIZEOF_INT128__
    if (bexp != 0 && bexp != 0x7FF) {             /* normal: subnormals go slow */
        uint64_t m = frac | (1ULL << 52);
        int e = bexp - 1075;
        int lower = frac == 0 && bexp > 1;
        /* about floor((e + 52) * log10(2)) (78913 / 2^18 is log10(2) to 6
         * digits), within one of floor(log10 |d|); round_digits corrects it */
        int t = (e + 52) * 78913;
        int k = t >= 0 ? t >> 18 : -((-t + (1 << 18) - 1) >> 18);
        for (int P = 15; P <= 17; P++) {
            uint64_t D;
            int X, rt;
            if (round_digits(m, e, lower, P, &k, &D, &X, &rt)) break;
            if (rt || P == 17) return format_g(buf, neg, D, P, X);
        }
    }
#endif
    return slow_double(buf, d);
}

/* ---------------------------------------------------------------------
 * Text to doubles
 * --------------------------------------------------------------------- */

int numfmt_parse_double(const char *p, size_t n, double *out)
{
    char local[64], *end;
    size_t i = 0;
    int neg = 0;
    if (i < n && p[i] == '-') { neg = 1; i++; }
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    {
        uint64_t w = 0;
        int sig = 0, ok = 1;
        long frac = 0, ex = 0;
        size_t j = i, digits = 0;
        for (; j < n && p[j] >= '0' && p[j] <= '9'; j++, digits++) {
            if (w == 0 && p[j] == '0') continue;          /* leading zeros */
            if (sig == 19) { ok = 0; break; }
            w = w * 10 + (uint64_t)(p[j] - '0');
            sig++;
        }
        if (ok && j < n && p[j] == '.') {
            for (j++; j < n && p[j] >= '0' && p[j] <= '9'; j++, digits++, frac++) {
                if (w == 0 && p[j] == '0') continue;
                if (sig == 19) { ok = 0; break; }
                w = w * 10 + (uint64_t)(p[j] - '0');
                sig++;
            }
        }
        if (ok && digits > 0 && j < n && (p[j] == 'e' || p[j] == 'E')) {
            int eneg = 0;
            size_t start;
            j++;
            if (j < n && (p[j] == '+' || p[j] == '-')) eneg = p[j++] == '-';
            start = j;
            for (; j < n && p[j] >= '0' && p[j] <= '9'; j++)
                if (ex < 100000) ex = ex * 10 + (p[j] - '0');
            if (j == start) ok = 0;
            if (eneg) ex = -ex;
        }
        if (ok && digits > 0 && j == n) {
            long q = ex - frac;                           /* value = w * 10^q */
            if (w == 0) {
                *out = neg ? -0.0 : 0.0;
                return 0;
            }
            if (w <= (1ULL << 53) && q >= -22 && q <= 22) {
                double r = (double)w;
                r = q < 0 ? r / dbl_pow10[-q] : r * dbl_pow10[q];
                *out = neg ? -r : r;
                return 0;
            }
        }
    }
#endif
    if (n == 0 || n >= sizeof local) return -1;
    memcpy(local, p, n);
    local[n] = '\0';
    *out = strtod(local, &end);
    if (end != local + n || isinf(*out) || isnan(*out)) return -1;
    return 0;
}
