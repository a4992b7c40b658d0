/* convert.c — the value converter: turns one source value into the
 * canonical text form of its column's logical type (see convert.h), or
 * refuses it with a one-line reason that quotes the value. This is where
 * "a value is never silently changed" is enforced.
 *
 * DESIGN
 * Every logical type has one converter below, taking the four storage
 * classes SQLite gives (integer, real, text, blob); other engines hand over
 * text, so the text paths accept what PostgreSQL and MySQL print as well.
 * A converter either produces the canonical form (CONV_OK), produces it
 * after a representation change that the report counts (CONV_NOTE, e.g. a
 * Unix epoch read as a timestamp), or refuses (CONV_REJECT). Rounding,
 * truncation, clamping or guessing never happen: a value that would need
 * them is refused, and --widen (convert_widen) can pick a type that holds it.
 *
 * Numbers
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
 *   calls setlocale for it, so the "C" locale applies.
 *
 * Dates and times
 *   SQLite has no date type; apps store ISO 8601 text, Julian day reals or
 *   Unix epoch numbers. Each value is recognised by itself:
 *   - text: ISO 8601 "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][offset]",
 *     offset "Z", "+HH", "+HHMM", "+HH:MM" (or '-'). Fraction digits after
 *     the sixth must be zeros (microseconds is what the targets hold).
 *   - integer: |v| < 100000000000 (1e11, year 5138 as seconds) is Unix
 *     seconds, anything larger Unix milliseconds (1e11 ms is 1973-03-03, so
 *     millisecond values before March 1973 would read as seconds; apps that
 *     store milliseconds store recent times). Notes epoch_seconds/_millis.
 *   - real: in [1721425.5, 5373484.5), the Julian days of years 0001-9999,
 *     a Julian day, converted exactly as SQLite does (milliseconds,
 *     iJD = (int64)(r * 86400000.0 + 0.5)), note julian_day; otherwise Unix
 *     seconds (or milliseconds from 1e11 on, as for integers) with the
 *     fraction rounded to the nearest microsecond: a double near 1.7e9 holds
 *     about 0.2 microseconds of resolution, so there is nothing finer to keep.
 *   Times without an offset are UTC (SQLite's date functions work in UTC):
 *   timestamptz gets "+00:00"; a value with a non-zero offset is moved to
 *   UTC (note offset_to_utc) for timestamp, timestamptz and time (of day,
 *   wrapping around midnight), and refused for a date. A date column refuses a value with a time of day. Years
 *   outside 0001-9999 are refused (zero dates, BC dates, "infinity").
 *
 * Reasons live in a thread-local buffer, valid until the next call on the
 * same thread. They quote the value: at most 40 bytes of it, cut at a
 * character boundary, with non-printable bytes escaped as \xNN. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "convert.h"

#define QUOTE_MAX       40               /* bytes of a value quoted in a reason */
#define EPOCH_MS_FROM   100000000000LL   /* |integer| from here on is milliseconds */
#define JD_MIN          1721425.5        /* 0001-01-01 00:00:00 */
#define JD_END          5373484.5        /* 10000-01-01 00:00:00 */
#define JD_UNIX_MS      210866760000000LL /* Julian day 2440587.5 in ms */
#define UNIX_MIN_S      (-62135596800LL) /* 0001-01-01 00:00:00 */
#define UNIX_END_S      253402300800LL   /* 10000-01-01 00:00:00 */
#define DEC_INT_MAX     131072           /* PostgreSQL numeric's limits */
#define DEC_FRAC_MAX    16383
#define DEC_EXP_CLAMP   1000000L

static _Thread_local char reason_buf[256];

/* ---------------------------------------------------------------------
 * Reasons and value descriptions
 * --------------------------------------------------------------------- */

/* utf8_lead_len — the length a UTF-8 sequence starting with byte c claims,
 * 0 for a byte that cannot start one. */
static size_t utf8_lead_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 0;
}

/* utf8_cut_tail — shorten the NUL-terminated s so that it does not end in
 * the middle of a UTF-8 sequence (after a truncating snprintf). */
static void utf8_cut_tail(char *s)
{
    size_t len = strlen(s), j = len;
    int back = 0;
    while (j > 0 && back < 4 && ((unsigned char)s[j - 1] & 0xC0) == 0x80) { j--; back++; }
    if (j == 0) return;
    size_t need = utf8_lead_len((unsigned char)s[j - 1]);
    if (need > 1 && need > len - (j - 1)) s[j - 1] = '\0';
}

/* reject — format the reason into the thread's buffer, point *reason at it
 * and return CONV_REJECT. */
static conv_result reject(const char **reason, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static conv_result reject(const char **reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(reason_buf, sizeof reason_buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof reason_buf) utf8_cut_tail(reason_buf);
    *reason = reason_buf;
    return CONV_REJECT;
}

/* quote_text — "'abc'" for reasons: at most QUOTE_MAX bytes of s, cut at a
 * character boundary, quotes, backslashes, control characters and bytes that
 * are not UTF-8 escaped; "..." marks a cut. buf must hold 4*QUOTE_MAX+8. */
static void quote_text(const char *s, size_t n, char *buf, size_t cap)
{
    size_t i = 0, o = 0;
    buf[o++] = '\'';
    while (i < n && i < QUOTE_MAX) {
        unsigned char c = (unsigned char)s[i];
        size_t len = utf8_lead_len(c), bad;
        if (len > 1 && i + len <= n && utf8_valid(s + i, len, &bad)) {
            if (i + len > QUOTE_MAX) break;
            memcpy(buf + o, s + i, len);
            o += len;
            i += len;
            continue;
        }
        if (c == '\'' || c == '\\') { buf[o++] = '\\'; buf[o++] = (char)c; }
        else if (c >= 0x20 && c < 0x7F) buf[o++] = (char)c;
        else o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
        i++;
    }
    if (i < n) { memcpy(buf + o, "...", 3); o += 3; }
    buf[o++] = '\'';
    buf[o] = '\0';
}

/* fmt_double — the shortest "%.Ng" text of a finite d that strtod() reads
 * back to d, into buf (at least 32 bytes). For normal numbers "%.15g" is the
 * shortest whenever it reads back (15 digits resolve any normal double to
 * within its rounding), so 15, 16, 17 are tried; subnormals have fewer
 * significant bits and are tried from one digit on. */
static void fmt_double(double d, char *buf, size_t cap)
{
    int p = (d != 0 && fabs(d) < DBL_MIN) ? 1 : 15;
    for (; p < 17; p++) {
        snprintf(buf, cap, "%.*g", p, d);
        if (strtod(buf, NULL) == d) return;
    }
    snprintf(buf, cap, "%.17g", d);
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

/* fmt_real — fmt_double, plus "Infinity", "-Infinity" and "NaN". */
static void fmt_real(double d, char *buf, size_t cap)
{
    if (isnan(d)) snprintf(buf, cap, "NaN");
    else if (isinf(d)) snprintf(buf, cap, "%s", d < 0 ? "-Infinity" : "Infinity");
    else fmt_double(d, buf, cap);
}

/* fmt_real_sqlite — a real in the style SQLite itself turns it into text
 * (CAST(r AS TEXT), "%!.15g"): ".0" added to a mantissa without a point,
 * 1.0 -> "1.0", 1e20 -> "1.0e+20", 0.1 -> "0.1"; "Inf"/"-Inf". SQLite stops
 * at 15 significant digits, which loses the last bits of some doubles
 * (0.1234567890123456 would become 0.123456789012346); here the digits are
 * the shortest that read back to the same double, so the text equals
 * SQLite's whenever SQLite's is exact, and stays exact otherwise. SQLite
 * prints -0.0 as "0.0" in some versions; the sign is kept. */
static void fmt_real_sqlite(double d, char *buf, size_t cap)
{
    if (isnan(d)) { snprintf(buf, cap, "NaN"); return; }
    if (isinf(d)) { snprintf(buf, cap, "%s", d < 0 ? "-Inf" : "Inf"); return; }
    char tmp[32];
    fmt_double(d, tmp, sizeof tmp);
    if (strchr(tmp, '.')) { snprintf(buf, cap, "%s", tmp); return; }
    char *e = strchr(tmp, 'e');
    if (!e) { snprintf(buf, cap, "%s.0", tmp); return; }
    snprintf(buf, cap, "%.*s.0%s", (int)(e - tmp), tmp, e);
}

/* value_desc — v as reasons quote it: 70000, 3.5, text 'abc',
 * blob x'00ff' (2 bytes). buf must hold 200 bytes. */
static const char *value_desc(const ferry_value *v, char *buf, size_t cap)
{
    char q[4 * QUOTE_MAX + 8];
    switch (v->cls) {
    case FV_NULL:
        snprintf(buf, cap, "NULL");
        break;
    case FV_INT:
        snprintf(buf, cap, "%lld", (long long)v->i);
        break;
    case FV_REAL:
        fmt_real(v->d, buf, cap);
        break;
    case FV_TEXT:
        quote_text(v->p, v->n, q, sizeof q);
        snprintf(buf, cap, "text %s", q);
        break;
    case FV_BLOB: {
        size_t o = 0, show = v->n < 16 ? v->n : 16;
        o += (size_t)snprintf(buf, cap, "blob x'");
        for (size_t k = 0; k < show; k++)
            o += (size_t)snprintf(buf + o, cap - o, "%02x", (unsigned char)v->p[k]);
        snprintf(buf + o, cap - o, "%s' (%zu bytes)", show < v->n ? "..." : "", v->n);
        break;
    }
    }
    return buf;
}

#define DESC(v) value_desc((v), descbuf, sizeof descbuf)

/* ascii_ieq — case-insensitive (ASCII) comparison of s[0..n) with word. */
static int ascii_ieq(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n) return 0;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[k]) return 0;
    }
    return 1;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* check_text_bytes — refuse text that PostgreSQL text cannot hold: a NUL
 * byte or invalid UTF-8. Offsets in the reasons count bytes from 0. */
static conv_result check_text_bytes(const ferry_value *v, const char **reason)
{
    char descbuf[200];
    const char *nul = memchr(v->p, '\0', v->n);
    size_t bad;
    if (nul)
        return reject(reason, "%s contains a NUL byte at byte %zu, which PostgreSQL text cannot hold",
                      DESC(v), (size_t)(nul - v->p));
    if (!utf8_valid(v->p, v->n, &bad))
        return reject(reason, "invalid UTF-8 at byte %zu in %s", bad, DESC(v));
    return CONV_OK;
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
    while (i < n && is_digit(s[i])) { i++; d->in++; }
    if (i < n && s[i] == '.') {
        i++;
        d->fp = s + i;
        while (i < n && is_digit(s[i])) { i++; d->fn++; }
    }
    if (d->in + d->fn == 0) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t start;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        start = i;
        while (i < n && is_digit(s[i])) {
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
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int over = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i])) return -1;
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
        if (ascii_ieq(s + i, n - i, "inf") || ascii_ieq(s + i, n - i, "infinity")) {
            *out = neg ? -INFINITY : INFINITY;
            return 0;
        }
        if (ascii_ieq(s + i, n - i, "nan")) { *out = NAN; return 0; }
        return -1;
    }
    char local[128], *copy = n < sizeof local ? local : xmalloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    double r = strtod(copy, NULL);
    if (copy != local) free(copy);
    if (isinf(r) || (r == 0 && !lit_is_zero(&d))) return -2;
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------------
 * bool, integers, floats
 * --------------------------------------------------------------------- */

/* conv_bool — 0/1 integers (and reals 0.0/1.0), and the words apps store:
 * 0 1 t f true false yes no, any case. */
static conv_result conv_bool(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200];
    int b = -1;
    switch (v->cls) {
    case FV_INT:
        if (v->i == 0 || v->i == 1) b = (int)v->i;
        break;
    case FV_REAL:
        if (v->d == 0.0) b = 0;
        else if (v->d == 1.0) b = 1;
        break;
    case FV_TEXT: {
        static const char *const yes[] = {"1", "t", "true", "yes"};
        static const char *const no[] = {"0", "f", "false", "no"};
        for (int k = 0; k < 4; k++) {
            if (ascii_ieq(v->p, v->n, yes[k])) b = 1;
            if (ascii_ieq(v->p, v->n, no[k])) b = 0;
        }
        break;
    }
    default:
        break;
    }
    if (b < 0) return reject(reason, "%s is not a boolean", DESC(v));
    strbuf_addc(out, b ? 't' : 'f');
    return CONV_OK;
}

/* conv_int — integers in range; integral reals (3.0) and exact integer
 * literals in text ("-42", "+7", "007") are the same number. */
static conv_result conv_int(ltype_kind k, const ferry_value *v, strbuf *out, const char **reason)
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
            return reject(reason, "%s is not an integer", DESC(v));
        if (v->d < -9223372036854775808.0 || v->d >= 9223372036854775808.0)
            return reject(reason, "%s is out of range for %s", DESC(v), name);
        x = (int64_t)v->d;
        break;
    case FV_TEXT: {
        int rc = parse_int_text(v->p, v->n, &x);
        if (rc == -1) return reject(reason, "%s is not an integer", DESC(v));
        if (rc == -2) return reject(reason, "%s is out of range for %s", DESC(v), name);
        break;
    }
    default:
        return reject(reason, "%s is not an integer", DESC(v));
    }
    if (x < lo || x > hi) return reject(reason, "%s is out of range for %s", DESC(v), name);
    strbuf_addf(out, "%lld", (long long)x);
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
static conv_result conv_float(ltype_kind k, const ferry_value *v, strbuf *out, const char **reason)
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
            return reject(reason, "integer %lld cannot be stored exactly as %s",
                          (long long)v->i, name);
        strbuf_addf(out, "%lld", (long long)v->i);
        return CONV_OK;
    }
    case FV_REAL:
        d = v->d;
        break;
    case FV_TEXT: {
        int rc = parse_real_text(v->p, v->n, &d);
        if (rc == -1) return reject(reason, "%s is not a number", DESC(v));
        if (rc == -2) return reject(reason, "%s is out of range for %s", DESC(v), name);
        break;
    }
    default:
        return reject(reason, "%s is not a number", DESC(v));
    }
    if (!isfinite(d)) {
        fmt_real(d, buf, sizeof buf);
    } else if (k == LT_FLOAT32) {
        float f;
        if (!float32_holds(d, &f)) {
            if (fabs(d) > FLT_MAX) return reject(reason, "%s is out of range for float32", DESC(v));
            if ((float)d == 0) return reject(reason, "%s is too small for float32", DESC(v));
            return reject(reason, "%s has more digits than float32 holds", DESC(v));
        }
        fmt_float(f, buf, sizeof buf);
    } else {
        fmt_double(d, buf, sizeof buf);
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
    if (idigits > DEC_INT_MAX) return reject(reason, "%s is too large for a decimal", desc);
    long keep = frac;
    if (s >= 0) {
        for (long j = s; j < frac; j++)
            if (dec_digit(d, pos + j) != '0') {
                if (p >= 0)
                    return reject(reason, "%s has more than %d decimal places for decimal(%d,%d)",
                                  desc, s, p, s);
                return reject(reason, "%s has more than %d decimal places for the decimal column",
                              desc, s);
            }
        keep = s;
    } else if (frac > DEC_FRAC_MAX) {
        return reject(reason, "%s is too large for a decimal", desc);
    }
    if (p >= 0 && idigits > (p - s > 0 ? p - s : 0))
        return reject(reason, "%s has %ld digits before the point, more than decimal(%d,%d) allows (%d)",
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
static conv_result conv_decimal(const ltype *t, const ferry_value *v, strbuf *out,
                                const char **reason)
{
    char descbuf[200], num[40];
    decimal_lit d;
    const char *s = num;
    size_t n;
    switch (v->cls) {
    case FV_INT:
        n = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->i);
        break;
    case FV_REAL:
        if (!isfinite(v->d))
            return reject(reason, "%s is not a decimal number (decimal holds neither NaN nor Infinity)",
                          DESC(v));
        fmt_double(v->d, num, sizeof num);
        n = strlen(num);
        break;
    case FV_TEXT:
        s = v->p;
        n = v->n;
        break;
    default:
        return reject(reason, "%s is not a decimal number", DESC(v));
    }
    if (scan_decimal(s, n, &d) != 0) return reject(reason, "%s is not a decimal number", DESC(v));
    return emit_decimal(t, &d, DESC(v), out, reason);
}

/* ---------------------------------------------------------------------
 * text, bytes, uuid, json, enum
 * --------------------------------------------------------------------- */

/* conv_text — UTF-8 text without NUL, at most t->length characters (code
 * points). A char(n) value may be longer by trailing blanks only, which
 * char(n) does not keep anyway. Numbers are written as SQLite's own text of
 * them (note number_as_text). */
static conv_result conv_text(const ltype *t, const ferry_value *v, strbuf *out,
                             conv_note *note, const char **reason)
{
    char descbuf[200], num[48];
    const char *s;
    size_t n, chars = 0;
    conv_result rc;
    switch (v->cls) {
    case FV_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->i);
        s = num; n = strlen(num);
        *note = NOTE_NUMBER_AS_TEXT;
        break;
    case FV_REAL:
        fmt_real_sqlite(v->d, num, sizeof num);
        s = num; n = strlen(num);
        *note = NOTE_NUMBER_AS_TEXT;
        break;
    case FV_TEXT:
        if ((rc = check_text_bytes(v, reason)) != CONV_OK) return rc;
        s = v->p; n = v->n;
        break;
    default:
        return reject(reason, "%s in a text column: a blob is bytes, not text", DESC(v));
    }
    for (size_t k = 0; k < n; k++)
        if (((unsigned char)s[k] & 0xC0) != 0x80) chars++;
    if (t->length >= 0 && chars > (size_t)t->length) {
        size_t blanks = 0;
        while (blanks < n && s[n - 1 - blanks] == ' ') blanks++;
        if (t->fixed && chars - blanks <= (size_t)t->length) {
            n -= chars - (size_t)t->length;
        } else {
            *note = NOTE_NONE;
            return reject(reason, "%s has %zu characters, more than %s(%d)", DESC(v), chars,
                          t->fixed ? "char" : "varchar", t->length);
        }
    }
    strbuf_add(out, s, n);
    return *note ? CONV_NOTE : CONV_OK;
}

/* conv_bytes — blobs as they are; text as its bytes (note text_as_bytes). */
static conv_result conv_bytes(const ferry_value *v, strbuf *out, conv_note *note,
                              const char **reason)
{
    char descbuf[200];
    if (v->cls == FV_BLOB) { strbuf_add(out, v->p, v->n); return CONV_OK; }
    if (v->cls == FV_TEXT) {
        strbuf_add(out, v->p, v->n);
        *note = NOTE_TEXT_AS_BYTES;
        return CONV_NOTE;
    }
    return reject(reason, "%s is a number, not bytes", DESC(v));
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* conv_uuid — a 16-byte blob, or text of 32 hex digits or 8-4-4-4-12 with
 * dashes, optionally in braces, any case; written lower case 8-4-4-4-12. */
static conv_result conv_uuid(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200], hex[33];
    static const char digits[] = "0123456789abcdef";
    size_t h = 0;
    if (v->cls == FV_BLOB && v->n == 16) {
        for (int k = 0; k < 16; k++) {
            hex[h++] = digits[(unsigned char)v->p[k] >> 4];
            hex[h++] = digits[(unsigned char)v->p[k] & 15];
        }
    } else if (v->cls == FV_TEXT) {
        const char *s = v->p;
        size_t n = v->n;
        if (n >= 2 && s[0] == '{' && s[n - 1] == '}') { s++; n -= 2; }
        if (n != 32 && n != 36) goto bad;
        for (size_t k = 0; k < n; k++) {
            if (n == 36 && (k == 8 || k == 13 || k == 18 || k == 23)) {
                if (s[k] != '-') goto bad;
                continue;
            }
            int x = hex_value(s[k]);
            if (x < 0) goto bad;
            hex[h++] = digits[x];
        }
    } else {
        goto bad;
    }
    strbuf_add(out, hex, 8);      strbuf_addc(out, '-');
    strbuf_add(out, hex + 8, 4);  strbuf_addc(out, '-');
    strbuf_add(out, hex + 12, 4); strbuf_addc(out, '-');
    strbuf_add(out, hex + 16, 4); strbuf_addc(out, '-');
    strbuf_add(out, hex + 20, 12);
    return CONV_OK;
bad:
    return reject(reason, "%s is not a UUID", DESC(v));
}

/* json_number_ok — s[0..n) is a JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
static int json_number_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9') { while (i < n && is_digit(s[i])) i++; }
    else return 0;
    if (i < n && s[i] == '.') {
        size_t start = ++i;
        while (i < n && is_digit(s[i])) i++;
        if (i == start) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t start = i;
        while (i < n && is_digit(s[i])) i++;
        if (i == start) return 0;
    }
    return i == n;
}

/* json_lex_check — what cJSON lets through but PostgreSQL's json/jsonb and
 * RFC 8259 refuse: raw control characters in strings, numbers like "01",
 * "1." or "-01"; and "\u0000", which jsonb cannot store. Structure is left to
 * cJSON. Returns NULL or what is wrong ("is not valid JSON: ..."), *at
 * getting its byte offset. */
static const char *json_lex_check(const char *s, size_t n, size_t *at)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            for (i++; i < n && s[i] != '"'; i++) {
                if ((unsigned char)s[i] < 0x20) {
                    *at = i;
                    return "is not valid JSON: an unescaped control character in a string";
                }
                if (s[i] == '\\' && i + 1 < n) {
                    if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0) {
                        *at = i;
                        return "contains \\u0000, which PostgreSQL jsonb cannot store";
                    }
                    i++;
                }
            }
            i++;
        } else if (c == '-' || is_digit(c)) {
            size_t start = i;
            while (i < n && (is_digit(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '+' ||
                             s[i] == 'e' || s[i] == 'E'))
                i++;
            if (!json_number_ok(s + start, i - start)) {
                *at = start;
                return "is not valid JSON: an invalid number";
            }
        } else {
            i++;
        }
    }
    return NULL;
}

/* conv_json — valid JSON text, unchanged; numbers as JSON numbers. */
static conv_result conv_json(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200], buf[40];
    conv_result rc;
    switch (v->cls) {
    case FV_INT:
        strbuf_addf(out, "%lld", (long long)v->i);
        return CONV_OK;
    case FV_REAL:
        if (!isfinite(v->d))
            return reject(reason, "%s is not valid JSON (JSON has no NaN or Infinity)", DESC(v));
        fmt_double(v->d, buf, sizeof buf);
        strbuf_adds(out, buf);
        return CONV_OK;
    case FV_TEXT:
        break;
    default:
        return reject(reason, "%s is not JSON", DESC(v));
    }
    if ((rc = check_text_bytes(v, reason)) != CONV_OK) return rc;
    size_t at = 0;
    const char *problem = json_lex_check(v->p, v->n, &at);
    if (problem) return reject(reason, "%s %s (byte %zu)", DESC(v), problem, at);
    char *copy = xmalloc(v->n + 1);
    memcpy(copy, v->p, v->n);
    copy[v->n] = '\0';
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts(copy, &end, 1);
    at = end && end >= copy ? (size_t)(end - copy) : 0;
    free(copy);
    if (!j) return reject(reason, "%s is not valid JSON (error near byte %zu)", DESC(v), at);
    cJSON_Delete(j);
    strbuf_add(out, v->p, v->n);
    return CONV_OK;
}

/* conv_enum — the label text; whether it is one of the labels is checked
 * where the labels are known. */
static conv_result conv_enum(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200];
    conv_result rc;
    if (v->cls != FV_TEXT) return reject(reason, "%s is not an enum label", DESC(v));
    if ((rc = check_text_bytes(v, reason)) != CONV_OK) return rc;
    strbuf_add(out, v->p, v->n);
    return CONV_OK;
}

/* ---------------------------------------------------------------------
 * Dates and times
 * --------------------------------------------------------------------- */

/* days_from_civil — days since 1970-01-01 of the proleptic Gregorian date
 * y-m-d (Howard Hinnant's algorithm). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* civil_from_days — the inverse of days_from_civil. */
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* civil_time — a broken-down date and time as parsed or computed. */
typedef struct civil_time {
    int64_t  y;
    unsigned mo, d, h, mi, s;
    uint32_t us;
    int      has_off;     /* an offset (or Z) was given */
    int      off;         /* minutes east of UTC */
} civil_time;

/* take_digits — exactly w digits at s[*i] into *val. 0 or -1. */
static int take_digits(const char *s, size_t n, size_t *i, int w, unsigned *val)
{
    unsigned x = 0;
    if (*i + (size_t)w > n) return -1;
    for (int k = 0; k < w; k++) {
        if (!is_digit(s[*i + (size_t)k])) return -1;
        x = x * 10 + (unsigned)(s[*i + (size_t)k] - '0');
    }
    *i += (size_t)w;
    *val = x;
    return 0;
}

/* parse_hms — "HH:MM[:SS[.fraction]]" at s[*i] into ct; digits beyond the
 * sixth fraction digit must be zeros. Returns NULL or what is wrong. */
static const char *parse_hms(const char *s, size_t n, size_t *i, civil_time *ct)
{
    if (take_digits(s, n, i, 2, &ct->h) || *i >= n || s[*i] != ':') return "";
    (*i)++;
    if (take_digits(s, n, i, 2, &ct->mi)) return "";
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (take_digits(s, n, i, 2, &ct->s)) return "";
        if (*i < n && s[*i] == '.') {
            int k = 0;
            (*i)++;
            if (*i >= n || !is_digit(s[*i])) return "";
            for (; *i < n && is_digit(s[*i]); (*i)++, k++) {
                if (k < 6) ct->us = ct->us * 10 + (uint32_t)(s[*i] - '0');
                else if (s[*i] != '0') return "has more than microsecond precision";
            }
            for (; k < 6; k++) ct->us *= 10;
        }
    }
    if (ct->h > 23) return "has an hour beyond 23";
    if (ct->mi > 59) return "has a minute beyond 59";
    if (ct->s > 59) return "has a second beyond 59";
    return NULL;
}

/* parse_offset — an optional "Z", "+HH", "+HHMM", "+HH:MM" (or '-') at
 * s[*i] into ct. Returns NULL, "" when malformed, or what is wrong. */
static const char *parse_offset(const char *s, size_t n, size_t *i, civil_time *ct)
{
    unsigned oh, om = 0;
    int neg;
    if (*i < n && (s[*i] == 'Z' || s[*i] == 'z')) {
        ct->has_off = 1;
        (*i)++;
        return NULL;
    }
    if (*i >= n || (s[*i] != '+' && s[*i] != '-')) return NULL;
    neg = s[(*i)++] == '-';
    if (take_digits(s, n, i, 2, &oh)) return "";
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (take_digits(s, n, i, 2, &om)) return "";
    } else if (*i < n && take_digits(s, n, i, 2, &om)) {
        return "";
    }
    if (oh > 23 || om > 59) return "has an invalid time zone offset";
    ct->has_off = 1;
    ct->off = (int)(oh * 60 + om) * (neg ? -1 : 1);
    return NULL;
}

/* parse_iso — an ISO 8601 date or date-time with optional offset (see the
 * file comment). Returns NULL, "" when the text is not of that form, or
 * what is wrong with it. */
static const char *parse_iso(const char *s, size_t n, civil_time *ct)
{
    size_t i = 0;
    unsigned y;
    const char *why;
    memset(ct, 0, sizeof *ct);
    if (take_digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' ||
        take_digits(s, n, &i, 2, &ct->mo) || i >= n || s[i++] != '-' ||
        take_digits(s, n, &i, 2, &ct->d))
        return "";
    ct->y = y;
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return "";
        i++;
        if ((why = parse_hms(s, n, &i, ct)) != NULL) return why;
        if ((why = parse_offset(s, n, &i, ct)) != NULL) return why;
        if (i != n) return "";
    }
    if (ct->y < 1) return "is out of range (years 0001 to 9999)";
    if (ct->mo < 1 || ct->mo > 12) return "has an invalid month";
    if (ct->d < 1 || ct->d > days_in_month(ct->y, ct->mo)) return "has an invalid day of the month";
    return NULL;
}

/* unix_us — ct (with its offset) as microseconds since 1970-01-01 UTC. */
static int64_t unix_us(const civil_time *ct)
{
    int64_t sec = days_from_civil(ct->y, ct->mo, ct->d) * 86400 +
                  (int64_t)ct->h * 3600 + ct->mi * 60 + ct->s - (int64_t)ct->off * 60;
    return sec * 1000000 + ct->us;
}

/* from_unix_us — the UTC civil time of us microseconds since the epoch. */
static void from_unix_us(int64_t us, civil_time *ct)
{
    int64_t days = us / 86400000000LL, rem = us % 86400000000LL;
    if (rem < 0) { rem += 86400000000LL; days--; }
    memset(ct, 0, sizeof *ct);
    civil_from_days(days, &ct->y, &ct->mo, &ct->d);
    ct->us = (uint32_t)(rem % 1000000);
    rem /= 1000000;
    ct->s = (unsigned)(rem % 60);
    ct->mi = (unsigned)(rem / 60 % 60);
    ct->h = (unsigned)(rem / 3600);
}

/* fmt_hms — "HH:MM:SS[.ffffff]", fraction without trailing zeros. */
static void fmt_hms(strbuf *out, const civil_time *ct)
{
    strbuf_addf(out, "%02u:%02u:%02u", ct->h, ct->mi, ct->s);
    if (ct->us) {
        char f[8];
        int len = snprintf(f, sizeof f, "%06u", (unsigned)ct->us);
        while (len > 0 && f[len - 1] == '0') len--;
        strbuf_addc(out, '.');
        strbuf_add(out, f, (size_t)len);
    }
}

/* number_time — a number as a point in time, per the file comment: epoch
 * seconds/milliseconds or a Julian day. Sets *us and *note; -1 with *why
 * when out of range. */
static int number_time(const ferry_value *v, int64_t *us, conv_note *note, const char **why)
{
    if (v->cls == FV_INT) {
        int64_t x = v->i;
        if (x > -EPOCH_MS_FROM && x < EPOCH_MS_FROM) {
            *note = NOTE_EPOCH_SECONDS;
            *us = x * 1000000;
        } else {
            *note = NOTE_EPOCH_MILLIS;
            if (x < UNIX_MIN_S * 1000 || x >= UNIX_END_S * 1000) {
                *why = "is out of range as Unix milliseconds (years 0001 to 9999)";
                return -1;
            }
            *us = x * 1000;
        }
    } else {
        double r = v->d;
        if (!isfinite(r)) { *why = "is not a date or time"; return -1; }
        if (r >= JD_MIN && r < JD_END) {
            *note = NOTE_JULIAN_DAY;
            *us = ((int64_t)(r * 86400000.0 + 0.5) - JD_UNIX_MS) * 1000;
            return 0;
        }
        double scale = 1e6;
        *note = NOTE_EPOCH_SECONDS;
        if (fabs(r) >= (double)EPOCH_MS_FROM) { *note = NOTE_EPOCH_MILLIS; r /= 1000.0; scale = 1e3; }
        if (r < (double)UNIX_MIN_S || r >= (double)UNIX_END_S) {
            *why = *note == NOTE_EPOCH_MILLIS
                 ? "is out of range as Unix milliseconds (years 0001 to 9999)"
                 : "is out of range as Unix seconds (years 0001 to 9999)";
            return -1;
        }
        if (scale == 1e3) {
            /* milliseconds: split before scaling so the fraction is exact */
            double ms = v->d, whole = floor(ms);
            *us = (int64_t)whole * 1000 + (int64_t)floor((ms - whole) * 1000.0 + 0.5);
        } else {
            double whole = floor(r);
            *us = (int64_t)whole * 1000000 + (int64_t)floor((r - whole) * 1e6 + 0.5);
        }
    }
    if (*us < UNIX_MIN_S * 1000000 || *us >= UNIX_END_S * 1000000) {
        *why = "is out of range as Unix seconds (years 0001 to 9999)";
        return -1;
    }
    return 0;
}

/* conv_time_of_day — LT_TIME: text "HH:MM", "HH:MM:SS[.fraction]". A time
 * with an offset (PostgreSQL's timetz, mapped to time as a lossy rule) is
 * moved to UTC, wrapping around midnight, with note offset_to_utc: the same
 * treatment a timestamp gets, instead of dropping the offset silently. */
static conv_result conv_time_of_day(const ferry_value *v, strbuf *out, conv_note *note,
                                    const char **reason)
{
    char descbuf[200];
    civil_time ct;
    size_t i = 0;
    const char *why;
    memset(&ct, 0, sizeof ct);
    if (v->cls != FV_TEXT) return reject(reason, "%s is not a time of day", DESC(v));
    why = parse_hms(v->p, v->n, &i, &ct);
    if (!why) why = parse_offset(v->p, v->n, &i, &ct);
    if (!why && i != v->n) why = "";
    if (why) return reject(reason, "%s %s", DESC(v), *why ? why : "is not a time of day (HH:MM:SS)");
    if (ct.has_off && ct.off != 0) {
        int64_t sec = ((int64_t)ct.h * 3600 + ct.mi * 60 + ct.s - (int64_t)ct.off * 60) % 86400;
        if (sec < 0) sec += 86400;
        ct.h = (unsigned)(sec / 3600);
        ct.mi = (unsigned)(sec / 60 % 60);
        ct.s = (unsigned)(sec % 60);
        *note = NOTE_OFFSET_TO_UTC;
    }
    fmt_hms(out, &ct);
    return *note ? CONV_NOTE : CONV_OK;
}

/* conv_datetime — LT_DATE, LT_TIMESTAMP, LT_TIMESTAMPTZ from ISO text,
 * epoch numbers or Julian days (see the file comment). */
static conv_result conv_datetime(ltype_kind k, const ferry_value *v, strbuf *out,
                                 conv_note *note, const char **reason)
{
    char descbuf[200], what[260];
    civil_time ct;
    const char *why = NULL;
    const char *kname = k == LT_DATE ? "date" : k == LT_TIMESTAMP ? "timestamp" : "timestamptz";
    conv_note nt = NOTE_NONE;
    switch (v->cls) {
    case FV_TEXT:
        why = parse_iso(v->p, v->n, &ct);
        if (why) {
            if (!*why) return reject(reason, "%s is not an ISO 8601 %s", DESC(v),
                                     k == LT_DATE ? "date" : "date and time");
            return reject(reason, "%s %s", DESC(v), why);
        }
        snprintf(what, sizeof what, "%s", DESC(v));
        if (ct.has_off && k == LT_DATE)
            return reject(reason, "%s has a time zone offset, a date column would drop it", what);
        if (ct.has_off && ct.off != 0) {
            from_unix_us(unix_us(&ct), &ct);
            nt = NOTE_OFFSET_TO_UTC;
            if (ct.y < 1 || ct.y > 9999)
                return reject(reason, "%s is out of range in UTC (years 0001 to 9999)", what);
        }
        break;
    case FV_INT:
    case FV_REAL: {
        int64_t us;
        if (number_time(v, &us, &nt, &why)) return reject(reason, "%s %s", DESC(v), why);
        from_unix_us(us, &ct);
        snprintf(what, sizeof what, "%s (read as %s %04lld-%02u-%02u %02u:%02u:%02u)", DESC(v),
                 nt == NOTE_JULIAN_DAY ? "a Julian day," :
                 nt == NOTE_EPOCH_MILLIS ? "Unix milliseconds," : "Unix seconds,",
                 (long long)ct.y, ct.mo, ct.d, ct.h, ct.mi, ct.s);
        break;
    }
    default:
        return reject(reason, "%s is not a %s", DESC(v), kname);
    }
    if (k == LT_DATE && (ct.h || ct.mi || ct.s || ct.us))
        return reject(reason, "%s has a time of day, a date column would drop it", what);
    strbuf_addf(out, "%04lld-%02u-%02u", (long long)ct.y, ct.mo, ct.d);
    if (k != LT_DATE) {
        strbuf_addc(out, ' ');
        fmt_hms(out, &ct);
        if (k == LT_TIMESTAMPTZ) strbuf_adds(out, "+00:00");
    }
    *note = nt;
    return nt ? CONV_NOTE : CONV_OK;
}

/* ---------------------------------------------------------------------
 * Public entry points
 * --------------------------------------------------------------------- */

const char *conv_note_name(conv_note n)
{
    static const char *const names[NOTE__COUNT] = {
        "none", "epoch_seconds", "epoch_millis", "julian_day", "offset_to_utc",
        "number_as_text", "text_as_bytes",
    };
    return (unsigned)n < NOTE__COUNT ? names[n] : "unknown";
}

conv_result convert_value(const ltype *t, const ferry_value *v, strbuf *out,
                          conv_note *note, const char **reason)
{
    conv_note note_local;
    const char *reason_local;
    char descbuf[200];
    conv_result rc;
    if (!note) note = &note_local;
    if (!reason) reason = &reason_local;
    *note = NOTE_NONE;
    *reason = NULL;
    if (v->cls == FV_NULL) return CONV_OK;
    switch (t->kind) {
    case LT_BOOL:        rc = conv_bool(v, out, reason); break;
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:       rc = conv_int(t->kind, v, out, reason); break;
    case LT_FLOAT32:
    case LT_FLOAT64:     rc = conv_float(t->kind, v, out, reason); break;
    case LT_DECIMAL:     rc = conv_decimal(t, v, out, reason); break;
    case LT_TEXT:        rc = conv_text(t, v, out, note, reason); break;
    case LT_BYTES:       rc = conv_bytes(v, out, note, reason); break;
    case LT_DATE:
    case LT_TIMESTAMP:
    case LT_TIMESTAMPTZ: rc = conv_datetime(t->kind, v, out, note, reason); break;
    case LT_TIME:        rc = conv_time_of_day(v, out, note, reason); break;
    case LT_UUID:        rc = conv_uuid(v, out, reason); break;
    case LT_JSON:        rc = conv_json(v, out, reason); break;
    case LT_ENUM:        rc = conv_enum(v, out, reason); break;
    default:
        rc = reject(reason, "%s has no type mapping", DESC(v));
        break;
    }
    if (rc == CONV_REJECT) *note = NOTE_NONE;
    return rc;
}

/* json_add_string — s[0..n) (valid UTF-8) as a JSON string literal. */
static void json_add_string(strbuf *out, const char *s, size_t n)
{
    strbuf_addc(out, '"');
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        switch (c) {
        case '"':  strbuf_adds(out, "\\\""); break;
        case '\\': strbuf_adds(out, "\\\\"); break;
        case '\n': strbuf_adds(out, "\\n"); break;
        case '\r': strbuf_adds(out, "\\r"); break;
        case '\t': strbuf_adds(out, "\\t"); break;
        case '\b': strbuf_adds(out, "\\b"); break;
        case '\f': strbuf_adds(out, "\\f"); break;
        default:
            if (c < 0x20) strbuf_addf(out, "\\u%04x", c);
            else strbuf_addc(out, (char)c);
        }
    }
    strbuf_addc(out, '"');
}

void convert_value_json(const ferry_value *v, strbuf *out)
{
    char buf[40];
    size_t bad;
    switch (v->cls) {
    case FV_NULL:
        strbuf_adds(out, "null");
        return;
    case FV_INT:
        strbuf_addf(out, "%lld", (long long)v->i);
        return;
    case FV_REAL:
        fmt_real(v->d, buf, sizeof buf);
        if (isfinite(v->d)) strbuf_adds(out, buf);
        else strbuf_addf(out, "\"%s\"", buf);
        return;
    case FV_TEXT:
        if (utf8_valid(v->p, v->n, &bad)) { json_add_string(out, v->p, v->n); return; }
        break;
    case FV_BLOB:
        break;
    }
    strbuf_adds(out, "{\"hex\":\"");
    strbuf_addhex(out, v->p, v->n);
    strbuf_adds(out, "\"}");
}

/* widen_step — the next wider type after *t (see convert_widen); 0 when
 * there is none. The chains:
 *   int16 -> int32 -> int64 -> decimal -> text -> bytes
 *   float32 -> float64 -> text -> bytes
 *   decimal(p,s) -> decimal -> text -> bytes
 *   date -> timestamp -> text -> bytes
 *   text(n) -> text -> bytes
 *   bool, time, timestamptz, uuid, json, enum -> text -> bytes
 * Each step holds every value the type before it holds (as the same
 * value), so widening for one value does not refuse earlier ones; the one
 * exception is text -> bytes, which refuses numbers. */
static int widen_step(ltype *t)
{
    ltype_kind next;
    switch (t->kind) {
    case LT_INT16:   next = LT_INT32; break;
    case LT_INT32:   next = LT_INT64; break;
    case LT_INT64:   next = LT_DECIMAL; break;
    case LT_FLOAT32: next = LT_FLOAT64; break;
    case LT_DATE:    next = LT_TIMESTAMP; break;
    case LT_DECIMAL:
        if (t->precision >= 0 || t->scale >= 0) { t->precision = t->scale = -1; return 1; }
        next = LT_TEXT;
        break;
    case LT_TEXT:
        if (t->length >= 0) { t->length = -1; t->fixed = 0; return 1; }
        next = LT_BYTES;
        break;
    case LT_BOOL: case LT_FLOAT64: case LT_TIME: case LT_TIMESTAMP:
    case LT_TIMESTAMPTZ: case LT_UUID: case LT_JSON: case LT_ENUM:
        next = LT_TEXT;
        break;
    default:
        return 0;   /* bytes holds everything but numbers; unknown stays an error */
    }
    t->kind = next;
    t->length = -1;
    t->fixed = 0;
    t->precision = -1;
    t->scale = -1;
    return 1;
}

int convert_widen(ltype *t, const ferry_value *v)
{
    strbuf sb = STRBUF_INIT;
    ltype w = *t;
    int changed = 0;
    conv_note note;
    const char *why;
    if (convert_value(t, v, &sb, &note, &why) != CONV_REJECT) goto out;
    while (widen_step(&w)) {
        strbuf_reset(&sb);
        if (convert_value(&w, v, &sb, &note, &why) != CONV_REJECT) {
            *t = w;
            changed = 1;
            goto out;
        }
    }
out:
    strbuf_free(&sb);
    return changed;
}
