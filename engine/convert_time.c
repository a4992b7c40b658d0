/* convert_time.c — the converters of the date and time types (date, time,
 * timestamp, timestamptz): ISO 8601 parsing, civil-day arithmetic, and Unix
 * epochs and Julian days read as points in time.
 *
 * DESIGN
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
 *   wrapping around midnight), and refused for a date. A date column
 *   refuses a value with a time of day. Years outside 0001-9999 are refused
 *   (zero dates, BC dates, "infinity"). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "convert_internal.h"

#define EPOCH_MS_FROM   100000000000LL   /* |integer| from here on is milliseconds */
#define JD_MIN          1721425.5        /* 0001-01-01 00:00:00 */
#define JD_END          5373484.5        /* 10000-01-01 00:00:00 */
#define JD_UNIX_MS      210866760000000LL /* Julian day 2440587.5 in ms */
#define UNIX_MIN_S      (-62135596800LL) /* 0001-01-01 00:00:00 */
#define UNIX_END_S      253402300800LL   /* 10000-01-01 00:00:00 */

/* ---------------------------------------------------------------------
 * Civil days
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

/* ---------------------------------------------------------------------
 * ISO 8601 text
 * --------------------------------------------------------------------- */

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
        if (!conv_is_digit(s[*i + (size_t)k])) return -1;
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
            if (*i >= n || !conv_is_digit(s[*i])) return "";
            for (; *i < n && conv_is_digit(s[*i]); (*i)++, k++) {
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

/* ---------------------------------------------------------------------
 * Unix time, Julian days, formatting
 * --------------------------------------------------------------------- */

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

/* put2 — v (0..99) as two digits at o; returns o past them. */
static char *put2(char *o, unsigned v)
{
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
    return o + 2;
}

/* fmt_hms_at — "HH:MM:SS[.ffffff]" at o (at most 15 bytes), fraction
 * without trailing zeros; the fields are in range (h < 24, mi, s < 60,
 * us < 1000000). Returns o past the text. Written digit by digit: this
 * runs for every time value, and printf cost more than the rest of the
 * conversion. */
static char *fmt_hms_at(char *o, const civil_time *ct)
{
    o = put2(o, ct->h);
    *o++ = ':';
    o = put2(o, ct->mi);
    *o++ = ':';
    o = put2(o, ct->s);
    if (ct->us) {
        uint32_t us = ct->us;
        int len = 6;
        while (us % 10 == 0) { us /= 10; len--; }
        *o++ = '.';
        for (int k = len - 1; k >= 0; k--) { o[k] = (char)('0' + us % 10); us /= 10; }
        o += len;
    }
    return o;
}

/* fmt_hms — "HH:MM:SS[.ffffff]", fraction without trailing zeros. */
static void fmt_hms(strbuf *out, const civil_time *ct)
{
    char buf[16];
    strbuf_add(out, buf, (size_t)(fmt_hms_at(buf, ct) - buf));
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

/* ---------------------------------------------------------------------
 * The converters
 * --------------------------------------------------------------------- */

/* conv_time_of_day — LT_TIME: text "HH:MM", "HH:MM:SS[.fraction]". A time
 * with an offset (PostgreSQL's timetz, mapped to time as a lossy rule) is
 * moved to UTC, wrapping around midnight, with note offset_to_utc: the same
 * treatment a timestamp gets, instead of dropping the offset silently. */
conv_result conv_time_of_day(const ferry_value *v, strbuf *out, conv_note *note,
                             const char **reason)
{
    char descbuf[200];
    civil_time ct;
    size_t i = 0;
    const char *why;
    memset(&ct, 0, sizeof ct);
    if (v->cls != FV_TEXT) return conv_reject(reason, "%s is not a time of day", DESC(v));
    why = parse_hms(v->p, v->n, &i, &ct);
    if (!why) why = parse_offset(v->p, v->n, &i, &ct);
    if (!why && i != v->n) why = "";
    if (why)
        return conv_reject(reason, "%s %s", DESC(v), *why ? why : "is not a time of day (HH:MM:SS)");
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

/* conv_time_duration — LT_TIME with fixed=1: a MySQL TIME, which is a
 * duration: "[-]H:MM:SS[.ffffff]" with up to 838 hours. Kept as written
 * (only between MySQL servers, which read it back the same). */
conv_result conv_time_duration(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200];
    size_t i = 0, n = v->n;
    const char *p = v->p;
    unsigned h = 0, digits = 0;
    if (v->cls != FV_TEXT) return conv_reject(reason, "%s is not a MySQL TIME", DESC(v));
    if (i < n && p[i] == '-') i++;
    while (i < n && conv_is_digit(p[i]) && digits < 4) { h = h * 10 + (unsigned)(p[i++] - '0'); digits++; }
    int ok = digits > 0 && h <= 838 && i + 6 <= n && p[i] == ':' && conv_is_digit(p[i + 1]) &&
             conv_is_digit(p[i + 2]) && p[i + 3] == ':' && conv_is_digit(p[i + 4]) &&
             conv_is_digit(p[i + 5]) && (p[i + 1] - '0') * 10 + (p[i + 2] - '0') < 60 &&
             (p[i + 4] - '0') * 10 + (p[i + 5] - '0') < 60;
    if (ok) {
        i += 6;
        if (i < n && p[i] == '.') {
            size_t f = ++i;
            while (i < n && conv_is_digit(p[i])) i++;
            ok = i > f && i - f <= 6;
        }
        ok = ok && i == n;
    }
    if (!ok) return conv_reject(reason, "%s is not a MySQL TIME (-838:59:59 to 838:59:59)", DESC(v));
    strbuf_add(out, p, n);
    return CONV_OK;
}

/* conv_datetime — LT_DATE, LT_TIMESTAMP, LT_TIMESTAMPTZ from ISO text,
 * epoch numbers or Julian days (see the file comment). */
conv_result conv_datetime(ltype_kind k, const ferry_value *v, strbuf *out,
                          conv_note *note, const char **reason)
{
    char descbuf[200], what[260];
    civil_time ct;
    const char *why = NULL;
    const char *kname = k == LT_DATE ? "date" : k == LT_TIMESTAMP ? "timestamp" : "timestamptz";
    conv_note nt = NOTE_NONE;
    /* what — the value as reasons quote it, made only when one is needed
     * (quoting costs more than converting). */
    what[0] = '\0';
    switch (v->cls) {
    case FV_TEXT:
        why = parse_iso(v->p, v->n, &ct);
        if (why) {
            if (!*why) return conv_reject(reason, "%s is not an ISO 8601 %s", DESC(v),
                                          k == LT_DATE ? "date" : "date and time");
            return conv_reject(reason, "%s %s", DESC(v), why);
        }
        if (ct.has_off || k == LT_DATE) snprintf(what, sizeof what, "%s", DESC(v));
        if (ct.has_off && k == LT_DATE)
            return conv_reject(reason, "%s has a time zone offset, a date column would drop it",
                               what);
        if (ct.has_off && ct.off != 0) {
            from_unix_us(unix_us(&ct), &ct);
            nt = NOTE_OFFSET_TO_UTC;
            if (ct.y < 1 || ct.y > 9999)
                return conv_reject(reason, "%s is out of range in UTC (years 0001 to 9999)", what);
        }
        break;
    case FV_INT:
    case FV_REAL: {
        int64_t us;
        if (number_time(v, &us, &nt, &why)) return conv_reject(reason, "%s %s", DESC(v), why);
        from_unix_us(us, &ct);
        if (k == LT_DATE)                          /* the one reason left that quotes it */
            snprintf(what, sizeof what, "%s (read as %s %04lld-%02u-%02u %02u:%02u:%02u)", DESC(v),
                     nt == NOTE_JULIAN_DAY ? "a Julian day," :
                     nt == NOTE_EPOCH_MILLIS ? "Unix milliseconds," : "Unix seconds,",
                     (long long)ct.y, ct.mo, ct.d, ct.h, ct.mi, ct.s);
        break;
    }
    default:
        return conv_reject(reason, "%s is not a %s", DESC(v), kname);
    }
    if (k == LT_DATE && (ct.h || ct.mi || ct.s || ct.us))
        return conv_reject(reason, "%s has a time of day, a date column would drop it", what);
    if (ct.y < 0 || ct.y > 9999) {
        /* Not reached (years are checked to be 0001-9999 above); kept so
         * that the text stays printf's "%04lld" whatever the year. */
        strbuf_addf(out, "%04lld-%02u-%02u", (long long)ct.y, ct.mo, ct.d);
        if (k != LT_DATE) {
            strbuf_addc(out, ' ');
            fmt_hms(out, &ct);
        }
        if (k == LT_TIMESTAMPTZ) strbuf_adds(out, "+00:00");
    } else {
        /* Straight into out: at most 10 + 1 + 15 + 6 bytes. */
        strbuf_grow(out, 40);
        char *start = out->buf + out->len, *o = start;
        o = put2(o, (unsigned)(ct.y / 100));
        o = put2(o, (unsigned)(ct.y % 100));
        *o++ = '-';
        o = put2(o, ct.mo);
        *o++ = '-';
        o = put2(o, ct.d);
        if (k != LT_DATE) {
            *o++ = ' ';
            o = fmt_hms_at(o, &ct);
            if (k == LT_TIMESTAMPTZ) {
                memcpy(o, "+00:00", 6);
                o += 6;
            }
        }
        *o = '\0';
        out->len += (size_t)(o - start);
    }
    *note = nt;
    return nt ? CONV_NOTE : CONV_OK;
}

int is_zero_date(const char *p, size_t n)
{
    if (n < 10 || p[4] != '-' || p[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !conv_is_digit(p[i])) return 0;
    int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    int m = (p[5] - '0') * 10 + (p[6] - '0');
    int d = (p[8] - '0') * 10 + (p[9] - '0');
    return y == 0 || m == 0 || d == 0;
}
