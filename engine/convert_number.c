/* convert_number.c — the converters of the numeric types (int16..64,
 * float32/64, decimal): parsing integer, real and decimal literals in text,
 * and writing reals as the shortest text that reads back to the same value.
 *
 * DESIGN
 *   Reals are written as the shortest "%.Ng" text (N = 15, 16, 17) that
 *   strtod() reads back to the same double. float32 keeps a value only when
 *   it really is a float32 value (see float32_holds). decimal is written as
 *   a plain number without exponent; with a scale the fraction is padded to
 *   exactly that many digits (as the target will print it) and digits beyond
 *   the scale must be zeros. decimal refuses NaN and Infinity: PostgreSQL's
 *   numeric accepts NaN (and Infinity since 14) but only when unconstrained,
 *   MySQL's decimal accepts neither, and ferry's decimal is the portable
 *   plain number. --widen turns such a column into text.
 *   Text parsing uses strtod/snprintf, which follow LC_NUMERIC: ferry never
 *   calls setlocale for it, so the "C" locale applies. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "convert_internal.h"
#include "numfmt.h"

#define DEC_INT_MAX     131072           /* PostgreSQL numeric's limits */
#define DEC_FRAC_MAX    16383
#define DEC_EXP_CLAMP   1000000L

/* ---------------------------------------------------------------------
 * Formatting reals
 * --------------------------------------------------------------------- */

/* conv_fmt_double — the shortest "%.Ng" text of a finite d that strtod()
 * reads back to d, into buf (at least 32 bytes). For normal numbers "%.15g"
 * is the shortest whenever it reads back (15 digits resolve any normal
 * double to within its rounding), so 15, 16, 17 are tried; subnormals have
 * fewer significant bits and are tried from one digit on. numfmt_double
 * computes exactly that text without printf (numfmt.c). */
void conv_fmt_double(double d, char *buf, size_t cap)
{
    char tmp[NUMFMT_DBL_MAX];
    size_t n;
    if (cap >= sizeof tmp) { numfmt_double(buf, d); return; }
    if (cap == 0) return;
    n = numfmt_double(tmp, d);             /* cut to cap, as snprintf would */
    if (n >= cap) n = cap - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
}

/* add_i64 / add_double — append x in decimal / d in its canonical form
 * (numfmt.h) straight into out: the formatters write their NUL too, which
 * is the strbuf's own. */
static void add_i64(strbuf *out, int64_t x)
{
    strbuf_grow(out, NUMFMT_INT_MAX);
    out->len += numfmt_i64(out->buf + out->len, x);
}

static void add_double(strbuf *out, double d)
{
    strbuf_grow(out, NUMFMT_DBL_MAX);
    out->len += numfmt_double(out->buf + out->len, d);
}

/* fmt_float — the same for a float32 value: 6 to 9 digits, read back with
 * strtof(). */
static void fmt_float(float f, char *buf, size_t cap)
{
    int p = (f != 0 && fabsf(f) < FLT_MIN) ? 1 : 6;
    for (; p < 9; p++) {
        snprintf(buf, cap, "%.*g", p, (double)f);
        if (strtof(buf, NULL) == f) return;
    }
    snprintf(buf, cap, "%.9g", (double)f);
}

/* conv_fmt_real — conv_fmt_double, plus "Infinity", "-Infinity" and "NaN". */
void conv_fmt_real(double d, char *buf, size_t cap)
{
    if (isnan(d)) snprintf(buf, cap, "NaN");
    else if (isinf(d)) snprintf(buf, cap, "%s", d < 0 ? "-Infinity" : "Infinity");
    else conv_fmt_double(d, buf, cap);
}

/* conv_fmt_real_sqlite — a real in the style SQLite itself turns it into
 * text (CAST(r AS TEXT), "%!.15g"): ".0" added to a mantissa without a point,
 * 1.0 -> "1.0", 1e20 -> "1.0e+20", 0.1 -> "0.1"; "Inf"/"-Inf". SQLite stops
 * at 15 significant digits, which loses the last bits of some doubles
 * (0.1234567890123456 would become 0.123456789012346); here the digits are
 * the shortest that read back to the same double, so the text equals
 * SQLite's whenever SQLite's is exact, and stays exact otherwise. SQLite
 * prints -0.0 as "0.0" in some versions; the sign is kept. */
void conv_fmt_real_sqlite(double d, char *buf, size_t cap)
{
    if (isnan(d)) { snprintf(buf, cap, "NaN"); return; }
    if (isinf(d)) { snprintf(buf, cap, "%s", d < 0 ? "-Inf" : "Inf"); return; }
    char tmp[32];
    conv_fmt_double(d, tmp, sizeof tmp);
    if (strchr(tmp, '.')) { snprintf(buf, cap, "%s", tmp); return; }
    char *e = strchr(tmp, 'e');
    if (!e) { snprintf(buf, cap, "%s.0", tmp); return; }
    snprintf(buf, cap, "%.*s.0%s", (int)(e - tmp), tmp, e);
}

/* ---------------------------------------------------------------------
 * Numeric literals
 * --------------------------------------------------------------------- */

/* decimal_lit — a scanned decimal literal: sign, the digits before and
 * after the point as typed, and the exponent (clamped). */
typedef struct decimal_lit {
    int         neg;
    const char *ip;  size_t in;
    const char *fp;  size_t fn;
    long        exp;
} decimal_lit;

/* scan_decimal — parse s[0..n) as [+-]digits[.digits][(e|E)[+-]digits]
 * (digits on at least one side of the point). 0 or -1. */
static int scan_decimal(const char *s, size_t n, decimal_lit *d)
{
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (i < n && (s[i] == '+' || s[i] == '-')) d->neg = s[i++] == '-';
    d->ip = s + i;
    while (i < n && conv_is_digit(s[i])) { i++; d->in++; }
    if (i < n && s[i] == '.') {
        i++;
        d->fp = s + i;
        while (i < n && conv_is_digit(s[i])) { i++; d->fn++; }
    }
    if (d->in + d->fn == 0) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t start;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        start = i;
        while (i < n && conv_is_digit(s[i])) {
            if (d->exp < DEC_EXP_CLAMP) d->exp = d->exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == start) return -1;
        if (d->exp > DEC_EXP_CLAMP) d->exp = DEC_EXP_CLAMP;
        if (eneg) d->exp = -d->exp;
    }
    return i == n ? 0 : -1;
}

/* dec_digit — digit k of the literal's digit string (integer then fraction
 * digits), '0' outside it. */
static char dec_digit(const decimal_lit *d, long k)
{
    if (k < 0 || k >= (long)(d->in + d->fn)) return '0';
    return k < (long)d->in ? d->ip[k] : d->fp[k - (long)d->in];
}

/* lit_is_zero — 1 when every digit of the literal is 0. */
static int lit_is_zero(const decimal_lit *d)
{
    for (size_t k = 0; k < d->in + d->fn; k++)
        if (dec_digit(d, (long)k) != '0') return 0;
    return 1;
}

/* parse_int_text — s[0..n) as an exact integer literal ([+-]digits, nothing
 * else) into *out: 0, -1 when not an integer literal, -2 when beyond int64. */
static int parse_int_text(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t acc = 0, limit;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return -1;
    if (n - i <= 18) {                 /* cannot overflow: no division per digit */
        for (; i < n; i++) {
            if (!conv_is_digit(s[i])) return -1;
            acc = acc * 10 + (unsigned)(s[i] - '0');
        }
        *out = neg ? -(int64_t)acc : (int64_t)acc;
        return 0;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int over = 0;
    for (; i < n; i++) {
        if (!conv_is_digit(s[i])) return -1;
        unsigned dg = (unsigned)(s[i] - '0');
        if (acc > (limit - dg) / 10) over = 1;
        else acc = acc * 10 + dg;
    }
    if (over) return -2;
    *out = neg ? (acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
    return 0;
}

/* parse_real_text — s[0..n) as a real: a decimal literal or (any case, with
 * an optional sign) inf, infinity, nan. strtod needs a terminated copy.
 * Returns 0, -1 when not a number, -2 when a finite literal is beyond the
 * double range (it would read as infinity or, non-zero, as zero). */
static int parse_real_text(const char *s, size_t n, double *out)
{
    decimal_lit d;
    size_t i = 0;
    if (scan_decimal(s, n, &d) != 0) {
        int neg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        if (conv_ascii_ieq(s + i, n - i, "inf") || conv_ascii_ieq(s + i, n - i, "infinity")) {
            *out = neg ? -INFINITY : INFINITY;
            return 0;
        }
        if (conv_ascii_ieq(s + i, n - i, "nan")) { *out = NAN; return 0; }
        return -1;
    }
    double r;
    if (numfmt_parse_double(s, n, &r) != 0) {      /* long texts, out of range */
        char local[128], *copy = n < sizeof local ? local : xmalloc(n + 1);
        memcpy(copy, s, n);
        copy[n] = '\0';
        r = strtod(copy, NULL);
        if (copy != local) free(copy);
    }
    if (isinf(r) || (r == 0 && !lit_is_zero(&d))) return -2;
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------------
 * integers, floats
 * --------------------------------------------------------------------- */

/* conv_int — integers in range; integral reals (3.0) and exact integer
 * literals in text ("-42", "+7", "007") are the same number. */
conv_result conv_int(ltype_kind k, const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200];
    const char *name = k == LT_INT16 ? "int16" : k == LT_INT32 ? "int32" : "int64";
    int64_t lo = k == LT_INT16 ? INT16_MIN : k == LT_INT32 ? INT32_MIN : INT64_MIN;
    int64_t hi = k == LT_INT16 ? INT16_MAX : k == LT_INT32 ? INT32_MAX : INT64_MAX;
    int64_t x = 0;
    switch (v->cls) {
    case FV_INT:
        x = v->i;
        break;
    case FV_REAL:
        if (!isfinite(v->d) || v->d != floor(v->d))
            return conv_reject(reason, "%s is not an integer", DESC(v));
        if (v->d < -9223372036854775808.0 || v->d >= 9223372036854775808.0)
            return conv_reject(reason, "%s is out of range for %s", DESC(v), name);
        x = (int64_t)v->d;
        break;
    case FV_TEXT: {
        int rc = parse_int_text(v->p, v->n, &x);
        if (rc == -1) return conv_reject(reason, "%s is not an integer", DESC(v));
        if (rc == -2) return conv_reject(reason, "%s is out of range for %s", DESC(v), name);
        break;
    }
    default:
        return conv_reject(reason, "%s is not an integer", DESC(v));
    }
    if (x < lo || x > hi) return conv_reject(reason, "%s is out of range for %s", DESC(v), name);
    add_i64(out, x);
    return CONV_OK;
}

/* float32_holds — 1 when the double d denotes a float32 value, *f getting
 * it: d is exactly a float, or d is what the float's shortest text or its
 * 9-digit text ("%.9g", how older PostgreSQL prints real with
 * extra_float_digits=3) reads as. A double with more precision, or beyond
 * the float range, is not a float32 value. */
static int float32_holds(double d, float *f)
{
    char buf[40];
    if (fabs(d) >= 0x1.ffffffp+127) return 0;     /* would round to infinity */
    *f = (float)d;
    if ((double)*f == d) return 1;
    fmt_float(*f, buf, sizeof buf);
    if (strtod(buf, NULL) == d) return 1;
    snprintf(buf, sizeof buf, "%.9g", (double)*f);
    return strtod(buf, NULL) == d;
}

/* conv_float — float32/float64. Integers must be exactly representable;
 * reals and numeric text are written in their shortest form. */
conv_result conv_float(ltype_kind k, const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200], buf[40];
    const char *name = k == LT_FLOAT32 ? "float32" : "float64";
    double d;
    switch (v->cls) {
    case FV_INT: {
        double as_d = (double)v->i;
        int exact = as_d < 9223372036854775808.0 && (int64_t)as_d == v->i;
        if (exact && k == LT_FLOAT32) {
            float f = (float)v->i;
            exact = (double)f < 9223372036854775808.0 && (int64_t)f == v->i;
        }
        if (!exact)
            return conv_reject(reason, "integer %lld cannot be stored exactly as %s",
                               (long long)v->i, name);
        add_i64(out, v->i);
        return CONV_OK;
    }
    case FV_REAL:
        d = v->d;
        break;
    case FV_TEXT: {
        int rc = parse_real_text(v->p, v->n, &d);
        if (rc == -1) return conv_reject(reason, "%s is not a number", DESC(v));
        if (rc == -2) return conv_reject(reason, "%s is out of range for %s", DESC(v), name);
        break;
    }
    default:
        return conv_reject(reason, "%s is not a number", DESC(v));
    }
    if (!isfinite(d)) {
        conv_fmt_real(d, buf, sizeof buf);
    } else if (k == LT_FLOAT32) {
        float f;
        if (!float32_holds(d, &f)) {
            if (fabs(d) > FLT_MAX)
                return conv_reject(reason, "%s is out of range for float32", DESC(v));
            if ((float)d == 0) return conv_reject(reason, "%s is too small for float32", DESC(v));
            return conv_reject(reason, "%s has more digits than float32 holds", DESC(v));
        }
        fmt_float(f, buf, sizeof buf);
    } else {
        add_double(out, d);
        return CONV_OK;
    }
    strbuf_adds(out, buf);
    return CONV_OK;
}

/* ---------------------------------------------------------------------
 * decimal
 * --------------------------------------------------------------------- */

/* emit_decimal — write the scanned literal d as a plain decimal for type t:
 * exponent applied, leading zeros dropped, with a scale the fraction cut to
 * it (only zeros may be cut) and padded to it; the integer digits must fit
 * precision - scale. desc quotes the value for reasons. */
static conv_result emit_decimal(const ltype *t, const decimal_lit *d, const char *desc,
                                strbuf *out, const char **reason)
{
    long total = (long)(d->in + d->fn);
    long pos = (long)d->in + d->exp;          /* digits before the point */
    long frac = total - pos > 0 ? total - pos : 0;
    long ilen = pos > 0 ? pos : 0, lz = 0;
    int p = t->precision, s = t->scale;
    if (p >= 0 && s < 0) s = 0;               /* decimal(p) is decimal(p,0) */
    while (lz < ilen && dec_digit(d, lz) == '0') lz++;
    long idigits = ilen - lz;                 /* significant integer digits */
    if (idigits > DEC_INT_MAX) return conv_reject(reason, "%s is too large for a decimal", desc);
    long keep = frac;
    if (s >= 0) {
        for (long j = s; j < frac; j++)
            if (dec_digit(d, pos + j) != '0') {
                if (p >= 0)
                    return conv_reject(reason, "%s has more than %d decimal places for decimal(%d,%d)",
                                       desc, s, p, s);
                return conv_reject(reason, "%s has more than %d decimal places for the decimal column",
                                   desc, s);
            }
        keep = s;
    } else if (frac > DEC_FRAC_MAX) {
        return conv_reject(reason, "%s is too large for a decimal", desc);
    }
    if (p >= 0 && idigits > (p - s > 0 ? p - s : 0))
        return conv_reject(reason, "%s has %ld digits before the point, more than decimal(%d,%d) allows (%d)",
                           desc, idigits, p, s, p - s > 0 ? p - s : 0);
    if (d->neg && !lit_is_zero(d)) strbuf_addc(out, '-');
    if (idigits == 0) strbuf_addc(out, '0');
    for (long k = lz; k < ilen; k++) strbuf_addc(out, dec_digit(d, k));
    if (keep > 0) {
        strbuf_addc(out, '.');
        for (long j = 0; j < keep; j++) strbuf_addc(out, dec_digit(d, pos + j));
    }
    return CONV_OK;
}

/* conv_decimal — integers, finite reals (their shortest text) and decimal
 * literals in text. */
conv_result conv_decimal(const ltype *t, const ferry_value *v, strbuf *out,
                         const char **reason)
{
    char descbuf[200], num[40];
    decimal_lit d;
    const char *s = num;
    size_t n;
    switch (v->cls) {
    case FV_INT:
        n = numfmt_i64(num, v->i);
        break;
    case FV_REAL:
        if (!isfinite(v->d))
            return conv_reject(reason, "%s is not a decimal number (decimal holds neither NaN nor Infinity)",
                               DESC(v));
        conv_fmt_double(v->d, num, sizeof num);
        n = strlen(num);
        break;
    case FV_TEXT:
        s = v->p;
        n = v->n;
        break;
    default:
        return conv_reject(reason, "%s is not a decimal number", DESC(v));
    }
    if (scan_decimal(s, n, &d) != 0)
        return conv_reject(reason, "%s is not a decimal number", DESC(v));
    return emit_decimal(t, &d, DESC(v), out, reason);
}
