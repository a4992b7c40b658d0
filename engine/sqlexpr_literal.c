/* sqlexpr_literal.c — literal values in SQLite SQL, read exactly: numeric
 * literals (as SQLite reads and stores them) and the text forms a default
 * may give for a date, time, timestamp, uuid or JSON column. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* ------------------------------------------------------- numeric literals */

/* sqlexpr_num_int64 — the value as int64 when it is integral and fits;
 * 0 or -1. */
int sqlexpr_num_int64(const num *n, int64_t *v)
{
    if (n->ndig == 0) { *v = 0; return 0; }
    if (n->exp < 0 || n->ndig + n->exp > 19) return -1;
    uint64_t m = 0;
    for (long i = 0; i < n->ndig + n->exp; i++) {
        unsigned d = i < n->ndig ? (unsigned)(n->dig[i] - '0') : 0;
        if (m > (UINT64_MAX - d) / 10) return -1;
        m = m * 10 + d;
    }
    if (n->neg) {
        if (m > (uint64_t)INT64_MAX + 1) return -1;
        *v = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    } else {
        if (m > (uint64_t)INT64_MAX) return -1;
        *v = (int64_t)m;
    }
    return 0;
}

/* num_set_int — n becomes the integer v. */
static void num_set_int(num *n, int64_t v)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%" PRIu64, m);
    n->neg = v < 0;
    n->exp = 0;
    n->ndig = 0;
    for (const char *q = tmp; *q; q++)
        if (n->ndig || *q != '0') n->dig[n->ndig++] = *q;
    while (n->ndig && n->dig[n->ndig - 1] == '0') { n->ndig--; n->exp++; }
    n->dig[n->ndig] = '\0';
    n->d = (double)v;
}

/* sqlexpr_num_parse — read a numeric literal s (a TK_NUMBER value: decimal with
 * optional point and exponent, or 0x hex, no sign) negated when neg.
 * Returns -1 for a hex literal wider than 64 bits or too many digits. */
int sqlexpr_num_parse(const char *s, int neg, num *n)
{
    memset(n, 0, sizeof *n);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        /* SQLite reads hex as a 64-bit two's complement integer. */
        const char *h = s + 2;
        while (*h == '0') h++;
        if (strlen(h) > 16) return -1;
        uint64_t u = strtoull(s + 2, NULL, 16);
        int64_t v = u > (uint64_t)INT64_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
        if (neg) {
            if (v == INT64_MIN) return -1;
            v = -v;
        }
        num_set_int(n, v);
        n->hex = 1;
        return 0;
    }
    n->neg = neg;
    int point = 0;
    const char *p = s;
    for (; a_digit((unsigned char)*p) || *p == '.'; p++) {
        if (*p == '.') { point = 1; n->real = 1; continue; }
        if (n->ndig == 0 && *p == '0') {
            if (point) n->exp--;
            continue;
        }
        if (n->ndig >= NUM_MAXDIG) return -1;
        n->dig[n->ndig++] = *p;
        if (point) n->exp--;
    }
    if (*p == 'e' || *p == 'E') {
        long e = 0;
        int eneg = 0;
        n->real = 1;
        p++;
        if (*p == '+' || *p == '-') eneg = *p++ == '-';
        for (; a_digit((unsigned char)*p); p++)
            if (e < 1000000) e = e * 10 + (*p - '0');
        n->exp += eneg ? -e : e;
    }
    while (n->ndig && n->dig[n->ndig - 1] == '0') { n->ndig--; n->exp++; }
    if (n->ndig == 0) n->exp = 0;
    n->dig[n->ndig] = '\0';
    n->d = strtod(s, NULL);
    if (neg) n->d = -n->d;
    int64_t v;
    if (!n->real && sqlexpr_num_int64(n, &v) != 0) n->real = 1;
    return 0;
}

/* sqlexpr_num_plain — append the exact value as a plain decimal ("-12.5",
 * "1000"). */
void sqlexpr_num_plain(const num *n, strbuf *sb)
{
    if (n->ndig == 0) { strbuf_addc(sb, '0'); return; }
    if (n->neg) strbuf_addc(sb, '-');
    if (n->exp >= 0) {
        strbuf_adds(sb, n->dig);
        for (long i = 0; i < n->exp; i++) strbuf_addc(sb, '0');
    } else if (n->ndig > -n->exp) {
        strbuf_add(sb, n->dig, (size_t)(n->ndig + n->exp));
        strbuf_addc(sb, '.');
        strbuf_adds(sb, n->dig + n->ndig + n->exp);
    } else {
        strbuf_adds(sb, "0.");
        for (long i = 0; i < -n->exp - n->ndig; i++) strbuf_addc(sb, '0');
        strbuf_adds(sb, n->dig);
    }
}

/* sqlexpr_num_sqlite_text — append the text SQLite stores for this number in
 * a TEXT column: integers in decimal, reals as printf("%!.15g") ("1000.0",
 * "1.0e+20"). Returns -1 for an infinite value. */
int sqlexpr_num_sqlite_text(const num *n, strbuf *sb)
{
    int64_t v;
    if (!n->real && sqlexpr_num_int64(n, &v) == 0) {
        strbuf_addf(sb, "%" PRId64, v);
        return 0;
    }
    if (!isfinite(n->d)) return -1;
    if (n->d == 0) { strbuf_adds(sb, "0.0"); return 0; }
    char buf[48];
    snprintf(buf, sizeof buf, "%.15g", n->d);
    char *e = strchr(buf, 'e');
    if (e && !memchr(buf, '.', (size_t)(e - buf))) {
        strbuf_add(sb, buf, (size_t)(e - buf));
        strbuf_adds(sb, ".0");
        strbuf_adds(sb, e);
    } else {
        strbuf_adds(sb, buf);
        if (!e && !strchr(buf, '.')) strbuf_adds(sb, ".0");
    }
    return 0;
}

/* sqlexpr_num_text_syntax — when s (surrounding spaces allowed) is a
 * decimal numeric literal with optional sign, as SQLite's numeric affinity
 * accepts text, copy its unsigned body into body (size n) and return 0 with
 * *neg set. */
int sqlexpr_num_text_syntax(const char *s, char *body, size_t n, int *neg)
{
    while (a_space((unsigned char)*s)) s++;
    *neg = 0;
    if (*s == '+' || *s == '-') *neg = *s++ == '-';
    const char *b = s;
    int digits = 0;
    while (a_digit((unsigned char)*s)) { s++; digits++; }
    if (*s == '.') {
        s++;
        while (a_digit((unsigned char)*s)) { s++; digits++; }
    }
    if (!digits) return -1;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!a_digit((unsigned char)*s)) return -1;
        while (a_digit((unsigned char)*s)) s++;
    }
    size_t len = (size_t)(s - b);
    while (a_space((unsigned char)*s)) s++;
    if (*s || len >= n) return -1;
    memcpy(body, b, len);
    body[len] = '\0';
    return 0;
}

/* ---------------------------------------------- value validators for text */

/* scan_int — exactly ndig digits at *pp into *v. */
static int scan_int(const char **pp, int ndig, int *v)
{
    const char *p = *pp;
    int x = 0;
    for (int i = 0; i < ndig; i++) {
        if (!a_digit((unsigned char)p[i])) return -1;
        x = x * 10 + (p[i] - '0');
    }
    *pp = p + ndig;
    *v = x;
    return 0;
}

/* scan_date — YYYY-MM-DD with a real month and day. */
static int scan_date(const char **pp)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = *pp;
    int y, m, d;
    if (scan_int(&p, 4, &y) || *p++ != '-' || scan_int(&p, 2, &m) || *p++ != '-' ||
        scan_int(&p, 2, &d))
        return -1;
    if (m < 1 || m > 12 || d < 1) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return -1;
    *pp = p;
    return 0;
}

/* sqlexpr_scan_time — HH:MM[:SS[.fraction]]. */
int sqlexpr_scan_time(const char **pp)
{
    const char *p = *pp;
    int h, m, s = 0;
    if (scan_int(&p, 2, &h) || *p++ != ':' || scan_int(&p, 2, &m)) return -1;
    if (*p == ':') {
        p++;
        if (scan_int(&p, 2, &s)) return -1;
        if (*p == '.') {
            p++;
            if (!a_digit((unsigned char)*p)) return -1;
            while (a_digit((unsigned char)*p)) p++;
        }
    }
    if (h > 23 || m > 59 || s > 59) return -1;
    *pp = p;
    return 0;
}

/* scan_zone — an optional zone suffix: Z, ±HH, ±HHMM or ±HH:MM. *zone is
 * 0 without one, 1 for UTC, 2 for another offset. */
static int scan_zone(const char **pp, int *zone)
{
    const char *p = *pp;
    *zone = 0;
    if (*p == 'Z' || *p == 'z') {
        *zone = 1;
        *pp = p + 1;
        return 0;
    }
    if (*p != '+' && *p != '-') return 0;
    p++;
    int h, m = 0;
    if (scan_int(&p, 2, &h)) return -1;
    if (*p == ':') p++;
    if (a_digit((unsigned char)*p) && scan_int(&p, 2, &m)) return -1;
    if (h > 15 || m > 59) return -1;
    *zone = h == 0 && m == 0 ? 1 : 2;
    *pp = p;
    return 0;
}

/* sqlexpr_valid_datetime — s is a date (with_time 0), or a date optionally
 * followed by a time and a zone; *zone as in scan_zone. */
int sqlexpr_valid_datetime(const char *s, int with_time, int *zone)
{
    const char *p = s;
    *zone = 0;
    if (scan_date(&p)) return 0;
    if (with_time && (*p == ' ' || *p == 'T')) {
        p++;
        if (sqlexpr_scan_time(&p) || scan_zone(&p, zone)) return 0;
    }
    return *p == '\0';
}

/* sqlexpr_uuid_canon — s as a canonical lower-case hyphenated UUID into out (37
 * bytes); accepts hyphenated, 32 hex digits, or {braced}. 0 or -1. */
int sqlexpr_uuid_canon(const char *s, char *out)
{
    size_t len = strlen(s);
    char hex[32];
    int nh = 0;
    if (len == 38 && s[0] == '{' && s[37] == '}') { s++; len = 36; }
    if (len == 36) {
        for (size_t i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (s[i] != '-') return -1;
            } else {
                if (!a_xdigit((unsigned char)s[i])) return -1;
                hex[nh++] = (char)a_lower((unsigned char)s[i]);
            }
        }
    } else if (len == 32) {
        for (size_t i = 0; i < 32; i++) {
            if (!a_xdigit((unsigned char)s[i])) return -1;
            hex[nh++] = (char)a_lower((unsigned char)s[i]);
        }
    } else {
        return -1;
    }
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    return 0;
}

/* JSON validation (RFC 8259), small and re-entrant. js_* return the
 * position after the value or NULL. */
static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *js_string(const char *p)
{
    for (p++; *p != '"'; p++) {
        if (!*p || (unsigned char)*p < 0x20) return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!a_xdigit((unsigned char)p[i])) return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return p + 1;
}

static const char *js_number(const char *p)
{
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (a_digit((unsigned char)*p)) while (a_digit((unsigned char)*p)) p++;
    else return NULL;
    if (*p == '.') {
        p++;
        if (!a_digit((unsigned char)*p)) return NULL;
        while (a_digit((unsigned char)*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!a_digit((unsigned char)*p)) return NULL;
        while (a_digit((unsigned char)*p)) p++;
    }
    return p;
}

static const char *js_value(const char *p, int depth)
{
    if (depth > 100) return NULL;
    p = js_ws(p);
    switch (*p) {
    case '{':
    case '[': {
        char close = *p == '{' ? '}' : ']';
        p = js_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"' || !(p = js_string(p))) return NULL;
                p = js_ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = js_value(p, depth + 1))) return NULL;
            p = js_ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
            p = js_ws(p);
        }
    }
    case '"': return js_string(p);
    case 't': return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f': return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n': return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:  return js_number(p);
    }
}

/* sqlexpr_json_valid — s is one JSON value, nothing around it but
 * whitespace. */
int sqlexpr_json_valid(const char *s)
{
    const char *p = js_value(s, 0);
    return p && *js_ws(p) == '\0';
}

/* ------------------------------------------------ timestamps and blobs */

/* days_from_civil — days since 1970-01-01 of a proleptic Gregorian date
 * (Howard Hinnant's algorithm). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* civil_from_days — the inverse of days_from_civil. */
static void civil_from_days(long z, long *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* sqlexpr_utc_text — the timestamp s moved to UTC as "YYYY-MM-DD
 * HH:MM:SS[.fraction]" (a date alone is midnight; no zone means UTC). */
int sqlexpr_utc_text(const char *s, strbuf *out)
{
    const char *p = s, *frac = "";
    size_t fraclen = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0, zone;
    if (!sqlexpr_valid_datetime(s, 1, &zone)) return -1;
    if (scan_int(&p, 4, &y) || *p++ != '-' || scan_int(&p, 2, &mo) || *p++ != '-' || scan_int(&p, 2, &d))
        return -1;
    long off = 0;                                   /* minutes east of UTC */
    if (*p == ' ' || *p == 'T') {
        p++;
        if (scan_int(&p, 2, &h) || *p++ != ':' || scan_int(&p, 2, &mi)) return -1;
        if (*p == ':') {
            p++;
            if (scan_int(&p, 2, &sec)) return -1;
            if (*p == '.') {
                frac = p;
                for (p++; a_digit((unsigned char)*p); p++) {}
                fraclen = (size_t)(p - frac);
            }
        }
        if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (scan_int(&p, 2, &oh)) return -1;
            if (*p == ':') p++;
            if (a_digit((unsigned char)*p) && scan_int(&p, 2, &om)) return -1;
            off = sign * (oh * 60L + om);
        }
    }
    long long t = (long long)days_from_civil(y, mo, d) * 86400 + h * 3600L + mi * 60L + sec - off * 60;
    long days = (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
    long rem = (long)(t - (long long)days * 86400);
    long yy;
    int mm, dd;
    civil_from_days(days, &yy, &mm, &dd);
    if (yy < 0 || yy > 9999) return -1;
    strbuf_addf(out, "%04ld-%02d-%02d %02ld:%02ld:%02ld", yy, mm, dd, rem / 3600, rem / 60 % 60, rem % 60);
    strbuf_add(out, frac, fraclen);
    return 0;
}

/* sqlexpr_zero_date — MySQL's zero date, or a zero month or day. */
int sqlexpr_zero_date(const char *s)
{
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-') return 0;
    return !strncmp(s, "0000", 4) || !strncmp(s + 5, "00", 2) || !strncmp(s + 8, "00", 2);
}

/* sqlexpr_quote_blob — the hex digits as a binary literal: PostgreSQL
 * '\x00ff'::bytea, SQLite and MySQL x'00ff'. */
void sqlexpr_quote_blob(sql_dialect d, strbuf *out, const char *hex)
{
    if (d == SQL_POSTGRESQL) strbuf_addf(out, "'\\x%s'::bytea", hex);
    else strbuf_addf(out, "x'%s'", hex);
}
