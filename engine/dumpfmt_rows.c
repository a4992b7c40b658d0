/* dumpfmt_rows.c — the typed row encoding of ferry's dump format: canonical
 * cells (convert.h) to a compact binary form and back, byte for byte.
 *
 * DESIGN
 *   A row is a state map of 2 bits per column (ceil(ncols/4) bytes, at
 *   least 1; column i in byte i/4, bits 2*(i%4) and 2*(i%4)+1: 0 value,
 *   1 NULL, 2 verbatim; unused bits 0), then the non-NULL cells in column
 *   order, each in its type's compact form (docs/dump-format.md has the
 *   table):
 *     bool               1 byte, 0 or 1
 *     int16/32/64        zigzag varint
 *     float32/64         varint h = scale<<2 | neg<<1 | ieee: a short decimal
 *                        text (up to 15 digits, 6 for float32, in fixed
 *                        notation) as its unscaled digits (a varint); any
 *                        other number (h = 1) as its IEEE 754 bits, 8 bytes
 *                        (float32: 4), little-endian: NaN, ±Infinity, -0
 *                        and every bit of a double kept
 *     decimal            varint h = scale<<2 | neg<<1 | big; then the unscaled
 *                        magnitude as a varint (big = 0, up to 19 digits), or
 *                        a varint digit count and packed BCD (big = 1)
 *     date               zigzag varint, days since 1970-01-01
 *     time (of day)      varint s<<1 | f (s = seconds since midnight),
 *                        then the microseconds as a varint when f = 1
 *     timestamp[tz]      zigzag varint of s*2 + f (s = seconds since
 *                        1970-01-01 00:00:00 UTC), then microseconds when f
 *     uuid               16 bytes
 *     text, bytes, json, enum, MySQL time (duration)
 *                        varint length + the bytes
 *   The encoder parses each cell strictly in its canonical form; a cell
 *   that is not exactly in that form (a float64 cell "1152921504606846976",
 *   which is how convert writes a big integer stored into a float column,
 *   or anything unexpected) is stored verbatim (state 2: varint length +
 *   bytes), so any cell comes back exactly. A float in IEEE form is checked
 *   by running the parsed number through convert_value and comparing: the
 *   decoder formats it with convert_value too, so its text is whatever the
 *   converter says, by construction. Short decimal floats (most stored
 *   data: 19.99, 0.125, 3) skip that formatting both ways, and take fewer
 *   than 8 bytes.
 *
 *   The decoder gives back the canonical cells, and ferry_values for the
 *   source-driver path: FV_INT for integers, FV_REAL for floats in IEEE
 *   form (FV_TEXT for a short decimal one, which convert reads back to the
 *   same number and text; FV_INT for a verbatim float that is an integer
 *   literal, as convert made it from an integer), FV_BLOB for bytes,
 *   FV_TEXT otherwise; convert_value turns each into the same cell
 *   (tested). Decoding never reads past n: a row cut by the end of the
 *   buffer returns "need more" with a lower bound of what it needs, so the
 *   chunk reader can keep its memory bounded. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "dumpfmt.h"
#include "numfmt.h"

#define DEC_SCALE_MAX  (1 << 20)        /* sanity bound for a decoded scale */
#define DEC_DIGITS_MAX (1 << 22)        /* ... and digit count */
#define CELL_MAX       0x7fffffffu      /* a batch cell's length is an int32 */
/* bytes of a row's state map: 2 bits per column, at least one byte (so
 * that a row of a table without columns still takes a byte) */
#define MAP_BYTES(ncols) ((ncols) > 0 ? ((size_t)(ncols) + 3) / 4 : 1)

/* Days since 1970-01-01 of 0001-01-01 and 9999-12-31. */
#define DAY_MIN        (-719162)
#define DAY_MAX        2932896

/* ---------------------------------------------------------------------
 * Codec
 * --------------------------------------------------------------------- */

void dumpfmt_codec_init(dumpfmt_codec *c, const ltype *types, int ncols)
{
    memset(c, 0, sizeof *c);
    c->ncols = ncols;
    c->types = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *c->types);
    if (ncols > 0) memcpy(c->types, types, (size_t)ncols * sizeof *types);
    c->ptr = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *c->ptr);
    c->len = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *c->len);
    c->vals = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *c->vals);
    c->toff = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *c->toff);
}

void dumpfmt_codec_free(dumpfmt_codec *c)
{
    if (!c) return;
    free(c->types);
    free(c->ptr);
    free(c->len);
    free(c->vals);
    free(c->toff);
    strbuf_free(&c->scratch);
    strbuf_free(&c->text);
    memset(c, 0, sizeof *c);
}

/* ---------------------------------------------------------------------
 * Varints and fixed-width numbers
 * --------------------------------------------------------------------- */

void dumpfmt_put_uvarint(strbuf *out, uint64_t v)
{
    unsigned char *b;
    size_t n = 0;
    strbuf_grow(out, 10);                   /* straight into out: once per cell */
    b = (unsigned char *)out->buf + out->len;
    while (v >= 0x80) {
        b[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (unsigned char)v;
    out->len += n;
    out->buf[out->len] = '\0';
}

int dumpfmt_get_uvarint(const unsigned char *p, size_t n, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= n) return 0;
        uint64_t b = p[i];
        if (i == 9 && b > 1) return -1;           /* beyond 64 bits */
        x |= (b & 0x7f) << (7 * i);
        if (!(b & 0x80)) { *v = x; return (int)i + 1; }
    }
    return -1;
}

static void put_le(strbuf *out, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++) b[i] = (unsigned char)(v >> (8 * i));
    strbuf_add(out, b, (size_t)bytes);
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* ---------------------------------------------------------------------
 * Strict parsers of canonical cells (0 = in canonical form)
 * --------------------------------------------------------------------- */

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* digits — exactly w digits at s into *v. */
static int digits(const char *s, int w, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < w; i++) {
        if (!is_digit(s[i])) return -1;
        x = x * 10 + (unsigned)(s[i] - '0');
    }
    *v = x;
    return 0;
}

/* parse_int — "-?(0|[1-9][0-9]*)" within int64, not "-0". */
static int parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t acc = 0, limit;
    if (n && s[0] == '-') { neg = 1; i = 1; }
    if (i == n || n - i > 19) return -1;
    if (s[i] == '0' && (n - i > 1 || neg)) return -1;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (!is_digit(s[i])) return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (acc > (limit - d) / 10) return -1;
        acc = acc * 10 + d;
    }
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return 0;
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* parse_date — "YYYY-MM-DD", years 0001-9999, a real day. */
static int parse_date(const char *s, size_t n, int64_t *days)
{
    unsigned y, m, d;
    if (n != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m) ||
        digits(s + 8, 2, &d))
        return -1;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m)) return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

/* parse_hms — "HH:MM:SS" plus ".f" of 1-6 digits without a trailing zero;
 * *used gets the bytes taken (the rest is for the caller). */
static int parse_hms(const char *s, size_t n, int64_t *sec, uint32_t *us, size_t *used)
{
    unsigned h, mi, se;
    size_t i = 8;
    if (n < 8 || s[2] != ':' || s[5] != ':' || digits(s, 2, &h) || digits(s + 3, 2, &mi) ||
        digits(s + 6, 2, &se) || h > 23 || mi > 59 || se > 59)
        return -1;
    *sec = (int64_t)h * 3600 + mi * 60 + se;
    *us = 0;
    if (i < n && s[i] == '.') {
        int k = 0;
        i++;
        while (i < n && is_digit(s[i]) && k < 6) { *us = *us * 10 + (uint32_t)(s[i] - '0'); i++; k++; }
        if (k == 0 || s[i - 1] == '0' || (i < n && is_digit(s[i]))) return -1;
        for (; k < 6; k++) *us *= 10;
    }
    *used = i;
    return 0;
}

/* parse_timestamp — "YYYY-MM-DD HH:MM:SS[.f]" then "+00:00" for tz. */
static int parse_timestamp(const char *s, size_t n, int tz, int64_t *sec, uint32_t *us)
{
    int64_t days, tod;
    size_t used;
    if (n < 19 || s[10] != ' ' || parse_date(s, 10, &days)) return -1;
    if (parse_hms(s + 11, n - 11, &tod, us, &used)) return -1;
    used += 11;
    if (tz) {
        if (n - used != 6 || memcmp(s + used, "+00:00", 6) != 0) return -1;
    } else if (used != n) {
        return -1;
    }
    *sec = days * 86400 + tod;
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;                      /* canonical uuids are lower case */
}

/* parse_uuid — lower-case "8-4-4-4-12". */
static int parse_uuid(const char *s, size_t n, unsigned char out[16])
{
    size_t k = 0;
    if (n != 36) return -1;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return -1;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[k++] = (unsigned char)(hi << 4 | lo);
        i += 2;
    }
    return 0;
}

/* encode_decimal — "-?(0|[1-9][0-9]*)(\.[0-9]+)?" into out; -1 when the
 * text is not of that form. */
static int encode_decimal(const char *s, size_t n, strbuf *out)
{
    size_t i = 0, ip, in, fp = 0, fn = 0;
    int neg = 0;
    if (n && s[0] == '-') { neg = 1; i = 1; }
    ip = i;
    while (i < n && is_digit(s[i])) i++;
    in = i - ip;
    if (in == 0 || (in > 1 && s[ip] == '0')) return -1;
    if (i < n) {
        if (s[i] != '.') return -1;
        fp = ++i;
        while (i < n && is_digit(s[i])) i++;
        fn = i - fp;
        if (fn == 0 || i != n) return -1;
    }
    /* the unscaled digits: integer then fraction, leading zeros dropped */
    size_t total = in + fn, lead = 0;
#define DIG(k) ((k) < in ? s[ip + (k)] : s[fp + (k) - in])
    while (lead < total && DIG(lead) == '0') lead++;
    size_t sig = total - lead;
    uint64_t h = (uint64_t)fn << 2 | (uint64_t)neg << 1;
    if (sig <= 19) {
        uint64_t u = 0;
        for (size_t k = lead; k < total; k++) u = u * 10 + (uint64_t)(DIG(k) - '0');
        dumpfmt_put_uvarint(out, h);
        dumpfmt_put_uvarint(out, u);
        return 0;
    }
    dumpfmt_put_uvarint(out, h | 1);
    dumpfmt_put_uvarint(out, sig);
    for (size_t k = lead; k < total; k += 2) {
        unsigned hi = (unsigned)(DIG(k) - '0');
        unsigned lo = k + 1 < total ? (unsigned)(DIG(k + 1) - '0') : 0;
        strbuf_addc(out, (char)(hi << 4 | lo));
    }
#undef DIG
    return 0;
}

/* ---------------------------------------------------------------------
 * Encoder
 * --------------------------------------------------------------------- */

/* short_float — s[0..n) is "-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?" with at
 * most maxdig digits from the first non-zero one on, and a decimal
 * exponent X (of the first non-zero digit) in [-4, maxdig): exactly the
 * texts "%.<maxdig>g" prints for the number they denote (the number is
 * within half an ulp of the text, far less than half a unit in the last
 * of maxdig digits, so rounding it back gives the text; and %g prints
 * fixed notation for such X). convert writes a float64 as the first of
 * "%.15g", "%.16g", "%.17g" that reads back, a float32 as "%.6g" ..., so
 * such a text with maxdig 15 (float32: 6) is its canonical form. Fills the
 * sign, the unscaled digits and the scale. */
static int short_float(const char *s, size_t n, int maxdig, int *neg, uint64_t *u, unsigned *scale)
{
    size_t i = 0, ip, in, fp = 0, fn = 0;
    *neg = 0;
    if (n && s[0] == '-') { *neg = 1; i = 1; }
    ip = i;
    while (i < n && is_digit(s[i])) i++;
    in = i - ip;
    if (in == 0 || (in > 1 && s[ip] == '0')) return -1;
    if (i < n) {
        if (s[i] != '.') return -1;
        fp = ++i;
        while (i < n && is_digit(s[i])) i++;
        fn = i - fp;
        if (fn == 0 || i != n || s[n - 1] == '0') return -1;
    }
    size_t total = in + fn, first = 0;
#define FDIG(k) ((k) < in ? s[ip + (k)] : s[fp + (k) - in])
    while (first < total && FDIG(first) == '0') first++;
    if (first == total) {                       /* "0" or "-0" */
        *u = 0;
        *scale = 0;
        return 0;
    }
    long x = (long)in - 1 - (long)first;        /* decimal exponent of the first digit */
    if (total - first > (size_t)maxdig || x < -4 || x >= maxdig) return -1;
    uint64_t v = 0;
    for (size_t k = first; k < total; k++) v = v * 10 + (uint64_t)(FDIG(k) - '0');
#undef FDIG
    *u = v;
    *scale = (unsigned)fn;
    return 0;
}

/* encode_float — a float cell: varint h = scale<<2 | neg<<1 | ieee. A
 * short decimal text (short_float) is its digits: h with ieee = 0, then the
 * unscaled digits as a varint. Any other cell that convert writes for the
 * number it denotes (more digits, exponents, NaN, Infinity) is h = 1 and
 * the IEEE bits: 8 bytes (float32: 4), little-endian. -1 when the cell is
 * not what convert would write (it is then stored verbatim). */
static int encode_float(dumpfmt_codec *c, const ltype *t, const char *s, size_t n, strbuf *out)
{
    char buf[64];
    ferry_value v = {FV_REAL, 0, 0, NULL, 0};
    float f = 0;
    int neg;
    uint64_t u;
    unsigned scale;
    if (short_float(s, n, t->kind == LT_FLOAT32 ? 6 : 15, &neg, &u, &scale) == 0) {
        dumpfmt_put_uvarint(out, (uint64_t)scale << 2 | (uint64_t)neg << 1);
        dumpfmt_put_uvarint(out, u);
        return 0;
    }
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (t->kind == LT_FLOAT32) {
        f = strtof(buf, NULL);
        v.d = (double)f;
    } else {
        v.d = strtod(buf, NULL);
    }
    strbuf_reset(&c->scratch);
    if (convert_value(t, &v, &c->scratch, NULL, NULL) != CONV_OK) return -1;
    if (c->scratch.len != n || memcmp(c->scratch.buf, s, n) != 0) return -1;
    dumpfmt_put_uvarint(out, 1);
    if (t->kind == LT_FLOAT32) {
        uint32_t bits;
        memcpy(&bits, &f, 4);
        put_le(out, bits, 4);
    } else {
        uint64_t bits;
        memcpy(&bits, &v.d, 8);
        put_le(out, bits, 8);
    }
    return 0;
}

/* put_seconds — s*2+f (zigzag when signed), then the microseconds. */
static void put_seconds(strbuf *out, int64_t sec, uint32_t us, int is_signed)
{
    int64_t v = sec * 2 + (us ? 1 : 0);
    dumpfmt_put_uvarint(out, is_signed ? dumpfmt_zigzag(v) : (uint64_t)v);
    if (us) dumpfmt_put_uvarint(out, us);
}

/* encode_cell — the compact form of a non-NULL cell; -1 (nothing appended)
 * when the cell must be stored verbatim. */
static int encode_cell(dumpfmt_codec *c, const ltype *t, const char *s, size_t n, strbuf *out)
{
    int64_t x, sec;
    uint32_t us;
    size_t used, mark = out->len;
    unsigned char u[16];
    switch (t->kind) {
    case LT_BOOL:
        if (n != 1 || (s[0] != 't' && s[0] != 'f')) return -1;
        strbuf_addc(out, s[0] == 't' ? 1 : 0);
        return 0;
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:
        if (parse_int(s, n, &x)) return -1;
        dumpfmt_put_uvarint(out, dumpfmt_zigzag(x));
        return 0;
    case LT_FLOAT32:
    case LT_FLOAT64:
        return encode_float(c, t, s, n, out);
    case LT_DECIMAL:
        if (encode_decimal(s, n, out)) { out->len = mark; return -1; }
        return 0;
    case LT_DATE:
        if (parse_date(s, n, &x)) return -1;
        dumpfmt_put_uvarint(out, dumpfmt_zigzag(x));
        return 0;
    case LT_TIME:
        if (t->fixed) break;                       /* MySQL duration: as text */
        if (parse_hms(s, n, &sec, &us, &used) || used != n) return -1;
        put_seconds(out, sec, us, 0);
        return 0;
    case LT_TIMESTAMP:
    case LT_TIMESTAMPTZ:
        if (parse_timestamp(s, n, t->kind == LT_TIMESTAMPTZ, &sec, &us)) return -1;
        put_seconds(out, sec, us, 1);
        return 0;
    case LT_UUID:
        if (parse_uuid(s, n, u)) return -1;
        strbuf_add(out, u, 16);
        return 0;
    default:
        break;
    }
    /* text, bytes, json, enum, durations, unknown: length + bytes */
    dumpfmt_put_uvarint(out, n);
    strbuf_add(out, s, n);
    return 0;
}

/* int_fits — x within the range of integer kind k. */
static int int_fits(ltype_kind k, int64_t x)
{
    if (k == LT_INT16) return x >= INT16_MIN && x <= INT16_MAX;
    if (k == LT_INT32) return x >= INT32_MIN && x <= INT32_MAX;
    return 1;
}

/* dumpfmt_encode_value — see dumpfmt.h. Each case takes only values whose
 * canonical cell (convert_value) is fixed by the value alone and is what
 * encode_cell would parse back into the same bytes:
 *   - an integer (FV_INT, or FV_TEXT digits in canonical form) within the
 *     column's range: conv_int prints it, encode_cell reads it back;
 *   - bool from FV_INT 0/1 (MySQL's tinyint(1));
 *   - a float64 given by its text in the short form (short_float): that
 *     text is the canonical form of the number it denotes (see
 *     short_float), so its digits are the encoding. An FV_REAL must be the
 *     number of its text (drivers keep the text they parsed in p/n); one
 *     without text gets the canonical text conv_float would write;
 *   - dates and timestamps whose text is already canonical (conv_datetime
 *     gives such text back unchanged).
 * Everything else (-1) goes through convert_value, which also decides
 * rejects and notes: none of the cases here is one convert would reject or
 * note. tests/unit/test_dumpfmt.c compares both ways value by value. */
int dumpfmt_encode_value(const ltype *t, const ferry_value *v, strbuf *out)
{
    int64_t x, sec;
    uint32_t us;
    uint64_t u;
    unsigned scale;
    int neg;
    switch (t->kind) {
    case LT_BOOL:
        if (v->cls != FV_INT || (v->i != 0 && v->i != 1)) return -1;
        strbuf_addc(out, (char)v->i);
        return 0;
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:
        if (v->cls == FV_INT) x = v->i;
        else if (v->cls != FV_TEXT || !v->p || parse_int(v->p, v->n, &x)) return -1;
        if (!int_fits(t->kind, x)) return -1;
        dumpfmt_put_uvarint(out, dumpfmt_zigzag(x));
        return 0;
    case LT_FLOAT64: {
        char buf[NUMFMT_DBL_MAX];
        const char *p = v->p;
        size_t n = v->n;
        if (v->cls == FV_REAL && !p) {
            /* a number without its text (binary protocols): its canonical
             * text, made as conv_float makes it */
            if (!isfinite(v->d)) return -1;
            n = numfmt_double(buf, v->d);
            p = buf;
        } else if ((v->cls != FV_REAL && v->cls != FV_TEXT) || !p) {
            return -1;
        }
        if (short_float(p, n, 15, &neg, &u, &scale) || (u == 0 && neg))
            return -1;
        if (v->cls == FV_REAL && p == v->p) {
            double d;
            if (numfmt_parse_double(v->p, v->n, &d) != 0 || memcmp(&d, &v->d, sizeof d) != 0)
                return -1;
        }
        dumpfmt_put_uvarint(out, (uint64_t)scale << 2 | (uint64_t)neg << 1);
        dumpfmt_put_uvarint(out, u);
        return 0;
    }
    case LT_DATE:
        if (v->cls != FV_TEXT || !v->p || parse_date(v->p, v->n, &x)) return -1;
        dumpfmt_put_uvarint(out, dumpfmt_zigzag(x));
        return 0;
    case LT_TIMESTAMP:
    case LT_TIMESTAMPTZ:
        if (v->cls != FV_TEXT || !v->p ||
            parse_timestamp(v->p, v->n, t->kind == LT_TIMESTAMPTZ, &sec, &us))
            return -1;
        put_seconds(out, sec, us, 1);
        return 0;
    default:
        return -1;
    }
}

/* encode_row — one row whose cells come either from ptr/len or from a
 * batch's cells over its data. */
static size_t encode_row(dumpfmt_codec *c, const char *const *ptr, const int32_t *len,
                         const batch_cell *cells, const char *data, strbuf *out)
{
    size_t start = out->len, mapb = MAP_BYTES(c->ncols);
    strbuf_grow(out, mapb);
    memset(out->buf + out->len, 0, mapb);
    out->len += mapb;
    for (int i = 0; i < c->ncols; i++) {
        unsigned state = DUMPFMT_CELL_VALUE;
        const char *p;
        int32_t n;
        if (cells) {
            n = cells[i].len;
            if (n <= BATCH_CELL_ENCODED_BASE) {
                /* encoded by the reader already (dumpfmt_encode_value) */
                strbuf_add(out, data + cells[i].off, (size_t)(BATCH_CELL_ENCODED_BASE - n));
                continue;
            }
            p = n < 0 ? NULL : data + cells[i].off;
        } else {
            n = len[i];
            p = ptr[i];
        }
        if (!p || n < 0) {
            state = DUMPFMT_CELL_NULL;
        } else if (encode_cell(c, &c->types[i], p, (size_t)n, out) != 0) {
            state = DUMPFMT_CELL_VERBATIM;
            dumpfmt_put_uvarint(out, (uint64_t)n);
            strbuf_add(out, p, (size_t)n);
            c->verbatim++;
        }
        out->buf[start + (size_t)i / 4] |= (char)(state << (2 * (i % 4)));
    }
    out->buf[out->len] = '\0';
    return out->len - start;
}

size_t dumpfmt_encode_row(dumpfmt_codec *c, const char *const *ptr, const int32_t *len,
                          strbuf *out)
{
    return encode_row(c, ptr, len, NULL, NULL, out);
}

size_t dumpfmt_encode_batch_row(dumpfmt_codec *c, const batch *b, size_t row, strbuf *out)
{
    return encode_row(c, NULL, NULL, b->cells + row * (size_t)b->ncols, b->data.buf, out);
}

/* ---------------------------------------------------------------------
 * Decoder
 * --------------------------------------------------------------------- */

/* dec — decoding position over p[0..n). */
typedef struct dec {
    const unsigned char *p;
    size_t n, i;
    size_t need;             /* on "need more": bytes needed from p */
    const char *why;         /* on "malformed" */
} dec;

#define NEED_MORE  0
#define MALFORMED  (-1)

/* get_uv — a varint; 1, NEED_MORE, MALFORMED. */
static int get_uv(dec *d, uint64_t *v)
{
    int k = dumpfmt_get_uvarint(d->p + d->i, d->n - d->i, v);
    if (k == 0) { d->need = d->n + 1; return NEED_MORE; }
    if (k < 0) { d->why = "a varint is longer than 10 bytes"; return MALFORMED; }
    d->i += (size_t)k;
    return 1;
}

/* have — k more bytes are there (else NEED_MORE). */
static int have(dec *d, uint64_t k)
{
    if (k > d->n - d->i) {
        d->need = k > CELL_MAX ? (size_t)-1 : d->i + (size_t)k;
        return NEED_MORE;
    }
    return 1;
}

static void put2(strbuf *o, unsigned v)
{
    char b[2] = {(char)('0' + v / 10 % 10), (char)('0' + v % 10)};
    strbuf_add(o, b, 2);
}

static void put_date(strbuf *o, int64_t days)
{
    int64_t y;
    unsigned m, dd;
    civil_from_days(days, &y, &m, &dd);
    char b[10] = {(char)('0' + y / 1000 % 10), (char)('0' + y / 100 % 10),
                  (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
                  (char)('0' + m / 10), (char)('0' + m % 10), '-',
                  (char)('0' + dd / 10), (char)('0' + dd % 10)};
    strbuf_add(o, b, 10);
}

static void put_hms(strbuf *o, int64_t sec, uint32_t us)
{
    put2(o, (unsigned)(sec / 3600));
    strbuf_addc(o, ':');
    put2(o, (unsigned)(sec / 60 % 60));
    strbuf_addc(o, ':');
    put2(o, (unsigned)(sec % 60));
    if (us) {
        char f[7];
        int k = 6;
        for (int j = 5; j >= 0; j--) { f[j] = (char)('0' + us % 10); us /= 10; }
        while (k > 0 && f[k - 1] == '0') k--;
        strbuf_addc(o, '.');
        strbuf_add(o, f, (size_t)k);
    }
}

/* get_seconds — s*2+f and the microseconds (see put_seconds). */
static int get_seconds(dec *d, int is_signed, int64_t *sec, uint32_t *us)
{
    uint64_t u, m = 0;
    int rc;
    if ((rc = get_uv(d, &u)) != 1) return rc;
    if (!is_signed && u > (uint64_t)INT64_MAX) { d->why = "a time is out of range"; return MALFORMED; }
    int64_t v = is_signed ? dumpfmt_unzigzag(u) : (int64_t)u;
    int f = (int)(v & 1);
    *sec = (v - f) / 2;
    if (f) {
        if ((rc = get_uv(d, &m)) != 1) return rc;
        if (m == 0 || m > 999999) { d->why = "a fraction of a second is out of range"; return MALFORMED; }
    }
    *us = (uint32_t)m;
    return 1;
}

/* put_scaled — the text of a short decimal: sign, the digits of u padded
 * with zeros to at least scale + 1 digits, the point before the last scale
 * of them ("-0", "0.001", "120"). */
static void put_scaled(strbuf *o, int neg, uint64_t u, unsigned scale)
{
    char rev[24];
    int len = 0;
    if (u) do { rev[len++] = (char)('0' + u % 10); u /= 10; } while (u);
    size_t width = (size_t)len > scale ? (size_t)len : (size_t)scale + 1;
    size_t point = width - scale;
    strbuf_grow(o, width + 2);
    if (neg) o->buf[o->len++] = '-';
    for (size_t k = 0; k < width; k++) {
        if (k == point) o->buf[o->len++] = '.';
        size_t from_end = width - 1 - k;   /* digit index from the right */
        o->buf[o->len++] = from_end < (size_t)len ? rev[from_end] : '0';
    }
    o->buf[o->len] = '\0';
}

/* decode_decimal — the canonical text of an encoded decimal: the sign,
 * the unscaled digits left-padded with zeros to at least scale + 1 digits,
 * and the point before the last scale of them. */
static int decode_decimal(dec *d, strbuf *o)
{
    uint64_t h, u;
    int rc;
    size_t nd;
    const unsigned char *bcd = NULL;
    if ((rc = get_uv(d, &h)) != 1) return rc;
    uint64_t scale = h >> 2;
    if (scale > DEC_SCALE_MAX) { d->why = "a decimal's scale is out of range"; return MALFORMED; }
    if ((rc = get_uv(d, &u)) != 1) return rc;
    if (h & 1) {
        if (u > DEC_DIGITS_MAX) { d->why = "a decimal's digit count is out of range"; return MALFORMED; }
        if ((rc = have(d, (u + 1) / 2)) != 1) return rc;
        bcd = d->p + d->i;
        nd = (size_t)u;
        for (size_t k = 0; k < nd; k++)
            if (((k % 2 ? bcd[k / 2] & 15 : bcd[k / 2] >> 4)) > 9) {
                d->why = "a decimal digit is not 0-9";
                return MALFORMED;
            }
        d->i += (nd + 1) / 2;
    } else {
        put_scaled(o, (h & 2) != 0, u, (unsigned)scale);
        return 1;
    }
    size_t width = nd > scale ? nd : (size_t)scale + 1, pad = width - nd;
    size_t point = width - (size_t)scale;      /* digits before the point */
    strbuf_grow(o, width + 2);
    if (h & 2) o->buf[o->len++] = '-';
    for (size_t k = 0; k < width; k++) {
        if (k == point) o->buf[o->len++] = '.';
        char ch = '0';
        if (k >= pad) {
            size_t j = k - pad;
            ch = (char)('0' + (j % 2 ? bcd[j / 2] & 15 : bcd[j / 2] >> 4));
        }
        o->buf[o->len++] = ch;
    }
    o->buf[o->len] = '\0';
    return 1;
}

/* is_int_literal — "-?[0-9]+" (how convert writes an integer it put into a
 * float column). */
static int is_int_literal(const char *s, int32_t n)
{
    int32_t i = n > 0 && s[0] == '-';
    if (i == n) return 0;
    for (; i < n; i++) if (!is_digit(s[i])) return 0;
    return 1;
}

/* decode_cell — one non-NULL cell in its compact form: its canonical text
 * appended to c->text (or a pointer into the input for length-prefixed
 * bytes: *in_off), and its ferry_value class data. */
static int decode_cell(dumpfmt_codec *c, dec *d, int col, int verbatim)
{
    const ltype *t = &c->types[col];
    ferry_value *v = &c->vals[col];
    strbuf *o = &c->text;
    uint64_t u;
    int64_t sec;
    uint32_t us;
    int rc;
    size_t start = o->len;
    memset(v, 0, sizeof *v);
    v->cls = FV_TEXT;
    c->toff[col] = (uint32_t)start;
    if (verbatim) goto bytes;
    switch (t->kind) {
    case LT_BOOL:
        if ((rc = have(d, 1)) != 1) return rc;
        if (d->p[d->i] > 1) { d->why = "a boolean is neither 0 nor 1"; return MALFORMED; }
        strbuf_addc(o, d->p[d->i++] ? 't' : 'f');
        break;
    case LT_INT16:
    case LT_INT32:
    case LT_INT64: {
        char b[24];
        if ((rc = get_uv(d, &u)) != 1) return rc;
        int64_t x = dumpfmt_unzigzag(u);
        int64_t lo = t->kind == LT_INT16 ? INT16_MIN : t->kind == LT_INT32 ? INT32_MIN : INT64_MIN;
        int64_t hi = t->kind == LT_INT16 ? INT16_MAX : t->kind == LT_INT32 ? INT32_MAX : INT64_MAX;
        if (x < lo || x > hi) { d->why = "an integer is out of its type's range"; return MALFORMED; }
        int k = 0, neg = x < 0;
        uint64_t m = neg ? 0 - (uint64_t)x : (uint64_t)x;
        do { b[k++] = (char)('0' + m % 10); m /= 10; } while (m);
        if (neg) strbuf_addc(o, '-');
        strbuf_grow(o, (size_t)k);
        while (k) o->buf[o->len++] = b[--k];
        o->buf[o->len] = '\0';
        v->cls = FV_INT;
        v->i = x;
        break;
    }
    case LT_FLOAT32:
    case LT_FLOAT64: {
        int w = t->kind == LT_FLOAT32 ? 4 : 8;
        uint64_t h;
        if ((rc = get_uv(d, &h)) != 1) return rc;
        if (!(h & 1)) {                     /* a short decimal: FV_TEXT of it */
            if ((rc = get_uv(d, &u)) != 1) return rc;
            if ((h >> 2) > 24 || u >= (w == 4 ? 1000000ULL : 1000000000000000ULL)) {
                d->why = "a float's digits are out of range";
                return MALFORMED;
            }
            put_scaled(o, (h & 2) != 0, u, (unsigned)(h >> 2));
            break;
        }
        if (h != 1) { d->why = "a float has an unknown form"; return MALFORMED; }
        if ((rc = have(d, (uint64_t)w)) != 1) return rc;
        uint64_t bits = get_le(d->p + d->i, w);
        d->i += (size_t)w;
        if (w == 4) {
            uint32_t b32 = (uint32_t)bits;
            float f;
            memcpy(&f, &b32, 4);
            v->d = (double)f;
        } else {
            memcpy(&v->d, &bits, 8);
        }
        v->cls = FV_REAL;
        if (convert_value(t, v, o, NULL, NULL) != CONV_OK) {
            d->why = "a float32 value is not a float32";
            return MALFORMED;
        }
        break;
    }
    case LT_DECIMAL:
        if ((rc = decode_decimal(d, o)) != 1) return rc;
        break;
    case LT_DATE:
        if ((rc = get_uv(d, &u)) != 1) return rc;
        sec = dumpfmt_unzigzag(u);
        if (sec < DAY_MIN || sec > DAY_MAX) { d->why = "a date is out of range"; return MALFORMED; }
        put_date(o, sec);
        break;
    case LT_TIME:
        if (t->fixed) goto bytes;
        if ((rc = get_seconds(d, 0, &sec, &us)) != 1) return rc;
        if (sec < 0 || sec >= 86400) { d->why = "a time of day is out of range"; return MALFORMED; }
        put_hms(o, sec, us);
        break;
    case LT_TIMESTAMP:
    case LT_TIMESTAMPTZ: {
        if ((rc = get_seconds(d, 1, &sec, &us)) != 1) return rc;
        int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
        if (days < DAY_MIN || days > DAY_MAX) { d->why = "a timestamp is out of range"; return MALFORMED; }
        put_date(o, days);
        strbuf_addc(o, ' ');
        put_hms(o, sec - days * 86400, us);
        if (t->kind == LT_TIMESTAMPTZ) strbuf_add(o, "+00:00", 6);
        break;
    }
    case LT_UUID: {
        static const char hx[] = "0123456789abcdef";
        char b[36];
        if ((rc = have(d, 16)) != 1) return rc;
        for (int k = 0, j = 0; k < 16; k++) {
            if (k == 4 || k == 6 || k == 8 || k == 10) b[j++] = '-';
            b[j++] = hx[d->p[d->i + (size_t)k] >> 4];
            b[j++] = hx[d->p[d->i + (size_t)k] & 15];
        }
        d->i += 16;
        strbuf_add(o, b, 36);
        break;
    }
    default:
        goto bytes;
    }
    c->len[col] = (int32_t)(o->len - start);
    return 1;

bytes:
    if ((rc = get_uv(d, &u)) != 1) return rc;
    if (u > CELL_MAX) { d->why = "a cell is longer than 2 GiB"; return MALFORMED; }
    if ((rc = have(d, u)) != 1) return rc;
    c->toff[col] = UINT32_MAX;                       /* points into the input */
    c->ptr[col] = (const char *)d->p + d->i;
    c->len[col] = (int32_t)u;
    d->i += (size_t)u;
    if (t->kind == LT_BYTES) v->cls = FV_BLOB;
    else if ((t->kind == LT_FLOAT32 || t->kind == LT_FLOAT64) && is_int_literal(c->ptr[col], c->len[col])) {
        int64_t x;
        if (parse_int(c->ptr[col], (size_t)c->len[col], &x) == 0) { v->cls = FV_INT; v->i = x; }
    }
    return 1;
}

long dumpfmt_decode_row(dumpfmt_codec *c, const void *p, size_t n, size_t *need,
                        const char **why)
{
    dec d = {p, n, 0, 0, NULL};
    size_t mapb = MAP_BYTES(c->ncols);
    int rc;
    strbuf_reset(&c->text);
    if (n < mapb) { *need = mapb; return 0; }
    d.i = mapb;
    for (int col = 0; col < c->ncols; col++) {
        unsigned state = (d.p[col / 4] >> (2 * (col % 4))) & 3;
        c->ptr[col] = NULL;
        c->len[col] = -1;
        if (state == DUMPFMT_CELL_NULL) {
            memset(&c->vals[col], 0, sizeof c->vals[col]);
            c->vals[col].cls = FV_NULL;
            c->toff[col] = UINT32_MAX;
            continue;
        }
        if (state > DUMPFMT_CELL_VERBATIM) { *why = "a cell has an unknown state"; return -1; }
        rc = decode_cell(c, &d, col, state == DUMPFMT_CELL_VERBATIM);
        if (rc == NEED_MORE) { *need = d.need; return 0; }
        if (rc == MALFORMED) { *why = d.why; return -1; }
    }
    /* unused bits of the state map must be zero */
    if ((c->ncols == 0 && d.p[0]) || (c->ncols % 4 && (d.p[mapb - 1] >> (2 * (c->ncols % 4))))) {
        *why = "the state map has bits set beyond the last column";
        return -1;
    }
    for (int col = 0; col < c->ncols; col++) {
        if (c->len[col] < 0) continue;
        if (c->toff[col] != UINT32_MAX) c->ptr[col] = c->text.buf + c->toff[col];
        if (c->vals[col].cls == FV_TEXT || c->vals[col].cls == FV_BLOB) {
            c->vals[col].p = c->ptr[col];
            c->vals[col].n = (size_t)c->len[col];
        }
    }
    return (long)d.i;
}

void dumpfmt_codec_row_to_batch(const dumpfmt_codec *c, batch *b)
{
    batch_begin_row(b);
    for (int col = 0; col < c->ncols; col++) {
        if (c->len[col] < 0) batch_set_null(b, col);
        else batch_set_cell(b, col, c->ptr[col], (size_t)c->len[col]);
    }
    batch_commit_row(b);
}
