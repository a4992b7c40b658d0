/* pg_copy_binary.c — canonical cells (convert.h) into PostgreSQL's binary
 * COPY format (pg_copy_binary.h): the header and trailer, and per column
 * type the "send" form that the type's receive function reads.
 *
 * DESIGN
 * - Every parser here is strict: it accepts the canonical form of its
 *   logical type (and nothing looser), because the converter has already
 *   validated the value; anything else is a bug upstream and is refused
 *   with a reason rather than guessed at.
 * - pgbin_kind_for only allows (logical kind, column type) pairs where the
 *   binary value equals what COPY text format would have produced from the
 *   same canonical text. Checks the server applies on receive either way
 *   (varchar/char length, numeric precision and scale, timestamp precision,
 *   JSON syntax, enum labels, date ranges, constraints) stay the server's.
 * - Integers are written byte by byte (no htonl & co.), so the code does
 *   not depend on the host's byte order. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg_copy_binary.h"
#include "../engine/convert.h"
#include "../engine/numfmt.h"

/* PostgreSQL's fixed OIDs of the built-in types (pg_type.dat). */
enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
    OID_TEXT = 25, OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701,
    OID_BPCHAR = 1042, OID_VARCHAR = 1043, OID_DATE = 1082, OID_TIME = 1083,
    OID_TIMESTAMP = 1114, OID_TIMESTAMPTZ = 1184, OID_NUMERIC = 1700,
    OID_UUID = 2950, OID_JSONB = 3802
};

#define PG_EPOCH_DAYS   10957                 /* 2000-01-01 in days since 1970-01-01 */
#define USECS_PER_DAY   86400000000LL
#define NUMERIC_POS     0x0000
#define NUMERIC_NEG     0x4000
#define NUMERIC_NAN     0xC000
#define NUMERIC_DSCALE_MAX 0x3FFF             /* dscale must fit its 14 bits */
#define NUMERIC_LOCAL_GROUPS 64               /* base-10000 digits kept on the stack */

pgbin_kind pgbin_kind_for(ltype_kind lk, unsigned typid, char typtype)
{
    if (lk == LT_UNKNOWN || lk >= LT__COUNT)
        return PGBIN_NONE;
    /* Text-like targets take the canonical text itself, whatever the
     * logical type: the bytes are the same in both formats. Not bytes,
     * which text format writes as a bytea hex literal. */
    if (typtype == 'e' || typid == OID_TEXT || typid == OID_VARCHAR ||
        typid == OID_BPCHAR || typid == OID_JSON)
        return lk == LT_BYTES ? PGBIN_NONE : PGBIN_TEXT;
    if (typid == OID_JSONB)
        return lk == LT_BYTES ? PGBIN_NONE : PGBIN_JSONB;
    switch (typid) {
    case OID_BOOL:
        return lk == LT_BOOL ? PGBIN_BOOL : PGBIN_NONE;
    case OID_INT2:
        return lk == LT_INT16 ? PGBIN_INT2 : PGBIN_NONE;
    case OID_INT4:
        return lk == LT_INT16 || lk == LT_INT32 ? PGBIN_INT4 : PGBIN_NONE;
    case OID_INT8:
        return lk == LT_INT16 || lk == LT_INT32 || lk == LT_INT64 ? PGBIN_INT8 : PGBIN_NONE;
    case OID_NUMERIC:
        return lk == LT_INT16 || lk == LT_INT32 || lk == LT_INT64 || lk == LT_DECIMAL
                   ? PGBIN_NUMERIC : PGBIN_NONE;
    case OID_FLOAT4:
        return lk == LT_FLOAT32 ? PGBIN_FLOAT4 : PGBIN_NONE;
    case OID_FLOAT8:
        return lk == LT_FLOAT32 || lk == LT_FLOAT64 ? PGBIN_FLOAT8 : PGBIN_NONE;
    case OID_BYTEA:
        return lk == LT_BYTES ? PGBIN_BYTEA : PGBIN_NONE;
    case OID_DATE:
        return lk == LT_DATE ? PGBIN_DATE : PGBIN_NONE;
    case OID_TIME:
        return lk == LT_TIME ? PGBIN_TIME : PGBIN_NONE;
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        /* Session TimeZone is UTC and timestamptz text is always +00:00, so
         * both directions keep the same microseconds. */
        return lk == LT_TIMESTAMP || lk == LT_TIMESTAMPTZ ? PGBIN_TIMESTAMP : PGBIN_NONE;
    case OID_UUID:
        return lk == LT_UUID ? PGBIN_UUID : PGBIN_NONE;
    default:
        return PGBIN_NONE;
    }
}

const char *pgbin_kind_name(pgbin_kind k)
{
    static const char *const names[] = {
        "none", "bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text",
        "bytea", "date", "time", "timestamp", "uuid", "jsonb"
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* ---------------------------------------------------------------------
 * Big-endian output
 * ------------------------------------------------------------------- */

/* put16 / put32 / put64 — write v big-endian at o; return o past it. */
static unsigned char *put16(unsigned char *o, uint16_t v)
{
    o[0] = (unsigned char)(v >> 8);
    o[1] = (unsigned char)v;
    return o + 2;
}

static unsigned char *put32(unsigned char *o, uint32_t v)
{
    o[0] = (unsigned char)(v >> 24);
    o[1] = (unsigned char)(v >> 16);
    o[2] = (unsigned char)(v >> 8);
    o[3] = (unsigned char)v;
    return o + 4;
}

static unsigned char *put64(unsigned char *o, uint64_t v)
{
    put32(o, (uint32_t)(v >> 32));
    return put32(o + 4, (uint32_t)v);
}

/* reserve — room for n more bytes in sb; returns where they go. The caller
 * writes them and then calls commit with the end pointer. */
static unsigned char *reserve(strbuf *sb, size_t n)
{
    if (!sb->buf || sb->len + n + 1 > sb->cap)   /* the call only when it must grow */
        strbuf_grow(sb, n);
    return (unsigned char *)sb->buf + sb->len;
}

static void commit(strbuf *sb, const unsigned char *end)
{
    sb->len = (size_t)((const char *)end - sb->buf);
    sb->buf[sb->len] = '\0';
}

void pgbin_add_header(strbuf *sb)
{
    static const char sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
    unsigned char *o = reserve(sb, sizeof sig + 8);

    memcpy(o, sig, sizeof sig);
    o = put32(o + sizeof sig, 0);          /* flags: no OIDs */
    o = put32(o, 0);                       /* header extension length */
    commit(sb, o);
}

void pgbin_add_trailer(strbuf *sb)
{
    commit(sb, put16(reserve(sb, 2), 0xFFFF));
}

void pgbin_add_row(strbuf *sb, int nfields)
{
    commit(sb, put16(reserve(sb, 2), (uint16_t)nfields));
}

void pgbin_add_null(strbuf *sb)
{
    commit(sb, put32(reserve(sb, 4), 0xFFFFFFFFu));
}

/* ---------------------------------------------------------------------
 * Parsers of the canonical forms
 * ------------------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* digits_at — exactly w digits at p as a number, or -1. */
static int digits_at(const char *p, int w)
{
    int v = 0;
    for (int i = 0; i < w; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* parse_int — "-?[0-9]+" within [lo, hi]. */
static int parse_int(const char *p, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0, limit;

    if (n > 0 && p[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == n)
        return -1;
    if (n - i <= 18) {
        /* 18 digits cannot overflow: no check per digit (the check below
         * divides, which costs more than the rest of the parse). */
        for (; i < n; i++) {
            if (!is_digit(p[i]))
                return -1;
            v = v * 10 + (unsigned)(p[i] - '0');
        }
        *out = neg ? -(int64_t)v : (int64_t)v;
        return *out < lo || *out > hi ? -1 : 0;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return *out < lo || *out > hi ? -1 : 0;
}

/* parse_float — shortest-form float text, "Infinity", "-Infinity", "NaN",
 * as a double (strtod) or, with single, as a float (strtof: the same
 * rounding as float4in, no double rounding through a double). */
static int parse_float(const char *p, size_t n, int single, double *d, float *f)
{
    char buf[64], *end;

    if (n == 8 && memcmp(p, "Infinity", 8) == 0) {
        *d = HUGE_VAL;
        *f = HUGE_VALF;
        return 0;
    }
    if (n == 9 && memcmp(p, "-Infinity", 9) == 0) {
        *d = -HUGE_VAL;
        *f = -HUGE_VALF;
        return 0;
    }
    if (n == 3 && memcmp(p, "NaN", 3) == 0) {
        *d = NAN;
        *f = NAN;
        return 0;
    }
    if (n == 0 || n >= sizeof buf)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(p[i]) && p[i] != '-' && p[i] != '+' && p[i] != '.' &&
            p[i] != 'e' && p[i] != 'E')
            return -1;
    if (!single)      /* strtod's result, by the fast exact path when there is one */
        return numfmt_parse_double(p, n, d) ? -1 : 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    *f = strtof(buf, &end);
    if (end != buf + n || isinf(*f))
        return -1;
    return 0;
}

/* days_in_month — for the Gregorian calendar. */
static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* parse_date — "YYYY-MM-DD" (10 bytes at p) as days since 2000-01-01. */
static int parse_date(const char *p, int64_t *days)
{
    int y = digits_at(p, 4), m = digits_at(p + 5, 2), d = digits_at(p + 8, 2);

    if (y < 1 || p[4] != '-' || p[7] != '-' || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(y, m))
        return -1;
    *days = days_from_civil(y, (unsigned)m, (unsigned)d) - PG_EPOCH_DAYS;
    return 0;
}

/* parse_time — "HH:MM:SS" or "HH:MM:SS.f" with 1 to 6 fraction digits,
 * p[0..n), as microseconds since midnight. */
static int parse_time(const char *p, size_t n, int64_t *us)
{
    int h, mi, s;
    int64_t frac = 0;
    size_t i;

    if (n < 8 || p[2] != ':' || p[5] != ':')
        return -1;
    h = digits_at(p, 2);
    mi = digits_at(p + 3, 2);
    s = digits_at(p + 6, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
        return -1;
    if (n > 8) {
        if (p[8] != '.' || n == 9 || n > 15)
            return -1;
        for (i = 9; i < 15; i++) {
            int dg = 0;
            if (i < n) {
                if (!is_digit(p[i]))
                    return -1;
                dg = p[i] - '0';
            }
            frac = frac * 10 + dg;
        }
    }
    *us = ((int64_t)h * 3600 + mi * 60 + s) * 1000000 + frac;
    return 0;
}

/* parse_timestamp — "YYYY-MM-DD HH:MM:SS[.ffffff]", optionally followed by
 * "+00:00" (timestamptz is always UTC), as microseconds since 2000-01-01. */
static int parse_timestamp(const char *p, size_t n, int64_t *us)
{
    int64_t days, tod;

    if (n >= 6 && memcmp(p + n - 6, "+00:00", 6) == 0)
        n -= 6;
    if (n < 19 || p[10] != ' ' || parse_date(p, &days) || parse_time(p + 11, n - 11, &tod))
        return -1;
    *us = days * USECS_PER_DAY + tod;
    return 0;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* parse_uuid — "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into 16 bytes. */
static int parse_uuid(const char *p, size_t n, unsigned char out[16])
{
    size_t i = 0;
    int k = 0;

    if (n != 36)
        return -1;
    while (i < n) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (p[i++] != '-')
                return -1;
            continue;
        }
        int hi = hex_val(p[i]), lo = hex_val(p[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[k++] = (unsigned char)(hi << 4 | lo);
        i += 2;
    }
    return 0;
}

/* add_numeric — the plain decimal "-?[0-9]+(\.[0-9]+)?" (or "NaN") as
 * PostgreSQL's binary numeric: int16 ndigits, int16 weight (of the first
 * base-10000 digit, in units of 10000), uint16 sign, int16 dscale (digits
 * after the point, as written: "12.50" keeps 2), then ndigits base-10000
 * digits without leading or trailing zero groups. Zero has no digits. */
static int add_numeric(strbuf *sb, const char *p, size_t n)
{
    uint16_t local[NUMERIC_LOCAL_GROUPS], *g = local;
    size_t i = 0, ip, il, fp = 0, fl = 0, ig, fg, ng, first, last;
    int neg = 0, rc = -1;
    unsigned char *o;

    if (n == 3 && memcmp(p, "NaN", 3) == 0) {
        o = reserve(sb, 12);
        o = put32(o, 8);
        o = put16(o, 0);
        o = put16(o, 0);
        o = put16(o, NUMERIC_NAN);
        commit(sb, put16(o, 0));
        return 0;
    }
    if (i < n && p[i] == '-') {
        neg = 1;
        i++;
    }
    ip = i;
    while (i < n && is_digit(p[i]))
        i++;
    il = i - ip;
    if (il == 0)
        return -1;
    if (i < n) {
        if (p[i] != '.')
            return -1;
        fp = ++i;
        while (i < n && is_digit(p[i]))
            i++;
        fl = i - fp;
        if (fl == 0 || i != n)
            return -1;
    }
    if (fl > NUMERIC_DSCALE_MAX)
        return -1;
    while (il > 0 && p[ip] == '0') {       /* leading zeros carry nothing */
        ip++;
        il--;
    }
    ig = (il + 3) / 4;
    fg = (fl + 3) / 4;
    ng = ig + fg;
    if (ig > 32768)                        /* weight ig - 1 must fit int16 */
        return -1;
    if (ng > NUMERIC_LOCAL_GROUPS)
        g = xmalloc(ng * sizeof *g);
    /* Integer groups: the first one takes il % 4 digits (4 if none left). */
    for (size_t k = 0, at = ip; k < ig; k++) {
        size_t w = k == 0 ? il - 4 * (ig - 1) : 4;
        unsigned v = 0;
        for (size_t j = 0; j < w; j++)
            v = v * 10 + (unsigned)(p[at++] - '0');
        g[k] = (uint16_t)v;
    }
    /* Fraction groups: 4 digits each, the last padded with zeros. */
    for (size_t k = 0; k < fg; k++) {
        unsigned v = 0;
        for (size_t j = 0; j < 4; j++) {
            size_t at = 4 * k + j;
            v = v * 10 + (at < fl ? (unsigned)(p[fp + at] - '0') : 0);
        }
        g[ig + k] = (uint16_t)v;
    }
    first = 0;
    while (first < ng && g[first] == 0)
        first++;
    last = ng;
    while (last > first && g[last - 1] == 0)
        last--;
    {
        size_t nd = last - first;
        long weight = nd ? (long)ig - 1 - (long)first : 0;
        uint16_t sign = nd && neg ? NUMERIC_NEG : NUMERIC_POS;
        if (nd > 65535 || weight < -32768)   /* ndigits is read as uint16 */
            goto out;
        o = reserve(sb, 12 + 2 * nd);
        o = put32(o, (uint32_t)(8 + 2 * nd));
        o = put16(o, (uint16_t)nd);
        o = put16(o, (uint16_t)(int16_t)weight);
        o = put16(o, sign);
        o = put16(o, (uint16_t)fl);
        for (size_t k = first; k < last; k++)
            o = put16(o, g[k]);
        commit(sb, o);
    }
    rc = 0;
out:
    if (g != local)
        free(g);
    return rc;
}

/* ---------------------------------------------------------------------
 * Fields
 * ------------------------------------------------------------------- */

/* add_bytes — length word and n bytes, with an optional prefix byte. */
static void add_bytes(strbuf *sb, int prefix, const char *p, size_t n)
{
    unsigned char *o = reserve(sb, 5 + n);

    o = put32(o, (uint32_t)(n + (prefix >= 0)));
    if (prefix >= 0)
        *o++ = (unsigned char)prefix;
    if (n)
        memcpy(o, p, n);
    commit(sb, o + n);
}

int pgbin_add_field(strbuf *sb, pgbin_kind k, const char *p, size_t n, const char **why)
{
    unsigned char *o;
    int64_t v;
    double d = 0;
    float f = 0;
    uint64_t bits64;
    uint32_t bits32;
    unsigned char uuid[16];

    switch (k) {
    case PGBIN_TEXT:
    case PGBIN_BYTEA:
        add_bytes(sb, -1, p, n);
        return 0;
    case PGBIN_JSONB:
        add_bytes(sb, 1, p, n);
        return 0;
    case PGBIN_BOOL:
        if (n != 1 || (p[0] != 't' && p[0] != 'f'))
            break;
        o = put32(reserve(sb, 5), 1);
        *o++ = p[0] == 't';
        commit(sb, o);
        return 0;
    case PGBIN_INT2:
        if (parse_int(p, n, INT16_MIN, INT16_MAX, &v))
            break;
        commit(sb, put16(put32(reserve(sb, 6), 2), (uint16_t)(int16_t)v));
        return 0;
    case PGBIN_INT4:
        if (parse_int(p, n, INT32_MIN, INT32_MAX, &v))
            break;
        commit(sb, put32(put32(reserve(sb, 8), 4), (uint32_t)(int32_t)v));
        return 0;
    case PGBIN_INT8:
        if (parse_int(p, n, INT64_MIN, INT64_MAX, &v))
            break;
        commit(sb, put64(put32(reserve(sb, 12), 8), (uint64_t)v));
        return 0;
    case PGBIN_FLOAT4:
        if (parse_float(p, n, 1, &d, &f))
            break;
        memcpy(&bits32, &f, 4);
        commit(sb, put32(put32(reserve(sb, 8), 4), bits32));
        return 0;
    case PGBIN_FLOAT8:
        if (parse_float(p, n, 0, &d, &f))
            break;
        memcpy(&bits64, &d, 8);
        commit(sb, put64(put32(reserve(sb, 12), 8), bits64));
        return 0;
    case PGBIN_NUMERIC:
        if (add_numeric(sb, p, n))
            break;
        return 0;
    case PGBIN_DATE:
        if (n != 10 || parse_date(p, &v))
            break;
        commit(sb, put32(put32(reserve(sb, 8), 4), (uint32_t)(int32_t)v));
        return 0;
    case PGBIN_TIME:
        if (parse_time(p, n, &v))
            break;
        commit(sb, put64(put32(reserve(sb, 12), 8), (uint64_t)v));
        return 0;
    case PGBIN_TIMESTAMP:
        if (parse_timestamp(p, n, &v))
            break;
        commit(sb, put64(put32(reserve(sb, 12), 8), (uint64_t)v));
        return 0;
    case PGBIN_UUID:
        if (parse_uuid(p, n, uuid))
            break;
        o = put32(reserve(sb, 20), 16);
        memcpy(o, uuid, 16);
        commit(sb, o + 16);
        return 0;
    case PGBIN_NONE:
    default:
        *why = "the column's type is not written in binary format";
        return -1;
    }
    switch (k) {
    case PGBIN_BOOL:      *why = "is not a canonical boolean (t or f)"; break;
    case PGBIN_INT2:      *why = "is not an integer within int2's range"; break;
    case PGBIN_INT4:      *why = "is not an integer within int4's range"; break;
    case PGBIN_INT8:      *why = "is not an integer within int8's range"; break;
    case PGBIN_FLOAT4:    *why = "is not a finite float4, Infinity, -Infinity or NaN"; break;
    case PGBIN_FLOAT8:    *why = "is not a finite float8, Infinity, -Infinity or NaN"; break;
    case PGBIN_NUMERIC:   *why = "is not a plain decimal number within numeric's limits"; break;
    case PGBIN_DATE:      *why = "is not a date YYYY-MM-DD"; break;
    case PGBIN_TIME:      *why = "is not a time HH:MM:SS[.ffffff]"; break;
    case PGBIN_TIMESTAMP: *why = "is not a timestamp YYYY-MM-DD HH:MM:SS[.ffffff][+00:00]"; break;
    case PGBIN_UUID:      *why = "is not a uuid"; break;
    default:              *why = "is malformed"; break;
    }
    return -1;
}
