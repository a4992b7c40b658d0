/* sqlexpr_default.c — translating a column DEFAULT from one dialect into
 * another (sqlexpr_translate_default_ex).
 *
 * DESIGN
 * Defaults are few and closed: a literal, NULL, TRUE/FALSE, the current
 * date/time in one of the engines' spellings, a uuid generator. The source
 * text is read into one of these values (a PostgreSQL cast on a literal is
 * dropped: the column's type decides), checked against the column's
 * logical type, and written in the target's syntax only when the target's
 * default gives the value the source would have stored; anything else is
 * refused, because a bad default would make CREATE TABLE itself fail. A
 * same-dialect pair re-emits what is not recognised through the tokenizer,
 * except a sequence default.
 *
 * The current date/time: each source form has a shape (timestamp, date,
 * time, Unix seconds, Julian day, or a strftime() text) and a clock:
 *   UTC      SQLite's CURRENT_TIMESTAMP & co., PostgreSQL's
 *            now() AT TIME ZONE 'utc', MySQL's utc_timestamp()
 *   instant  PostgreSQL's now() / CURRENT_TIMESTAMP (a timestamptz), MySQL's
 *            current_timestamp() on a TIMESTAMP column (timestamptz: ferry
 *            reads MySQL with time_zone '+00:00')
 *   local    the session's wall clock: PostgreSQL's LOCALTIMESTAMP,
 *            CURRENT_DATE, LOCALTIME; MySQL's current_timestamp() on a
 *            DATETIME column, curdate(), curtime()
 * and is written, by the target column's logical type:
 *   target      timestamp               timestamptz            date / time
 *   PostgreSQL  UTC: now() AT TIME ZONE  CURRENT_TIMESTAMP      UTC: (..)::date / ::time
 *               'UTC'; instant:                                 else CURRENT_DATE /
 *               CURRENT_TIMESTAMP;                              LOCALTIME
 *               local: LOCALTIMESTAMP
 *   MySQL       UTC: (UTC_TIMESTAMP(n))  (UTC_TIMESTAMP(n)): a   UTC: (UTC_DATE()) /
 *               else CURRENT_TIMESTAMP(n) timestamptz is UTC in  (UTC_TIME(n)); else
 *               (n: the column's digits, datetime(6)            (CURDATE()) / (CURTIME(n))
 *               6 when unknown)
 *   SQLite      CURRENT_TIMESTAMP, or strftime('%Y-%m-%d %H:%M:%f','now')  CURRENT_DATE /
 *               when the source and the column have fractions of a second; CURRENT_TIME
 *               SQLite's clock is UTC: a local source clock becomes UTC
 * Unix seconds and Julian days go to numeric columns, texts (SQLite's
 * CURRENT_TIMESTAMP in a TEXT column) to to_char() / DATE_FORMAT(). */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* The state of one default translation. */
typedef struct dctx {
    sql_dialect    from, to;
    const toklist *tl;
    const ltype   *t;
    strbuf        *out;
    const char   **why;
    int            hard;     /* the refusal holds for a same-dialect copy too */
} dctx;

/* dtarget — the target's display name. */
static const char *dtarget(dctx *c)
{
    return sqlexpr_dialect_name(c->to);
}

/* put_literal — a string default in the target's syntax. On MySQL it is
 * an expression in parentheses for TEXT, BLOB and JSON columns (MySQL 8
 * takes no literal default there), and when the text holds a backslash
 * (written as concat(...), see sqlexpr_quote_literal). */
static void put_literal(dctx *c, const char *s)
{
    if (c->to != SQL_MYSQL) {
        sqlexpr_quote_literal(c->to, c->out, s);
        return;
    }
    const ltype *t = c->t;
    int paren = strchr(s, '\\') || t->kind == LT_JSON || t->kind == LT_BYTES ||
                (t->kind == LT_TEXT && (t->length < 0 || t->length > 768));
    if (paren) strbuf_addc(c->out, '(');
    sqlexpr_quote_literal(SQL_MYSQL, c->out, s);
    if (paren) strbuf_addc(c->out, ')');
}

/* put_blob — the bytes (hex digits) as the target's binary default. */
static void put_blob(dctx *c, const char *hex)
{
    if (c->to == SQL_MYSQL) strbuf_addc(c->out, '(');
    sqlexpr_quote_blob(c->to, c->out, hex);
    if (c->to == SQL_MYSQL) strbuf_addc(c->out, ')');
}

/* put_bool — a boolean default. */
static void put_bool(dctx *c, int v)
{
    if (c->to == SQL_POSTGRESQL) strbuf_adds(c->out, v ? "true" : "false");
    else strbuf_adds(c->out, v ? "1" : "0");
}

/* --------------------------------------------------- the current date/time */

/* The current date/time, in the shapes the engines produce. */
typedef enum now_kind {
    NOW_TS,        /* 'YYYY-MM-DD HH:MM:SS' */
    NOW_TS_MS,     /* 'YYYY-MM-DD HH:MM:SS.SSS' (or finer) */
    NOW_DATE,      /* 'YYYY-MM-DD' */
    NOW_TIME,      /* 'HH:MM:SS' */
    NOW_TIME_MS,   /* 'HH:MM:SS.SSS' (or finer) */
    NOW_EPOCH,     /* Unix seconds */
    NOW_JULIAN,    /* Julian day number (real) */
    NOW_FORMAT     /* any other strftime() text */
} now_kind;

/* Which clock the source meant (see the DESIGN note). */
typedef enum now_clock { CLOCK_UTC, CLOCK_INSTANT, CLOCK_LOCAL } now_clock;

/* fmt_kind — which shape a strftime() format gives. */
static now_kind fmt_kind(const char *f)
{
    if (strcmp(f, "%s") == 0) return NOW_EPOCH;
    if (strcmp(f, "%Y-%m-%d") == 0) return NOW_DATE;
    if (strcmp(f, "%H:%M:%S") == 0) return NOW_TIME;
    if (strcmp(f, "%H:%M:%f") == 0) return NOW_TIME_MS;
    if (strncmp(f, "%Y-%m-%d", 8) == 0 && (f[8] == ' ' || f[8] == 'T') &&
        strncmp(f + 9, "%H:%M:%", 7) == 0 && (f[16] == 'S' || f[16] == 'f') &&
        (f[17] == '\0' || (f[17] == 'Z' && f[18] == '\0')))
        return f[16] == 'S' ? NOW_TS : NOW_TS_MS;
    return NOW_FORMAT;
}

/* fmt_translate — translate a strftime() format into a PostgreSQL to_char()
 * template (mysql 0) or a MySQL DATE_FORMAT() one (mysql 1); *width gets
 * the output length in characters. On an unsupported directive or
 * character, returns -1 with *bad set to it. */
static int fmt_translate(const char *fmt, int mysql, strbuf *pg, int *width, char *bad)
{
    int w = 0, inq = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p == '%') {
            const char *rep;
            int rw;
            switch (p[1]) {
            case 'd': rep = mysql ? "%d" : "DD";    rw = 2; break;
            case 'f': rep = mysql ? NULL : "SS.MS"; rw = 6; break;
            case 'H': rep = mysql ? "%H" : "HH24";  rw = 2; break;
            case 'j': rep = mysql ? "%j" : "DDD";   rw = 3; break;
            case 'm': rep = mysql ? "%m" : "MM";    rw = 2; break;
            case 'M': rep = mysql ? "%i" : "MI";    rw = 2; break;
            case 'S': rep = mysql ? "%s" : "SS";    rw = 2; break;
            case 'Y': rep = mysql ? "%Y" : "YYYY";  rw = 4; break;
            case '%': rep = mysql ? "%%" : "%";     rw = 1; break;
            default:  rep = NULL; rw = 0; break;
            }
            if (!rep) { *bad = p[1] ? p[1] : '%'; return -1; }
            if (inq) { strbuf_addc(pg, '"'); inq = 0; }
            strbuf_adds(pg, rep);
            w += rw;
            p++;
            continue;
        }
        if (*p == '"' || *p == '\\' || (mysql && *p == '\'')) { *bad = *p; return -1; }
        if (!mysql && a_alpha((unsigned char)*p)) {
            /* letters could read as to_char patterns: quote them */
            if (!inq) { strbuf_addc(pg, '"'); inq = 1; }
        } else if (inq) {
            strbuf_addc(pg, '"');
            inq = 0;
        }
        strbuf_addc(pg, *p);
        if (((unsigned char)*p & 0xC0) != 0x80) w++;
    }
    if (inq) strbuf_addc(pg, '"');
    *width = w;
    return 0;
}

/* The current date/time of a source default. */
typedef struct nowv {
    now_kind    kind;
    const char *fmt;       /* strftime() format of its text */
    now_clock   clock;
    int         fsp;       /* fractional-second digits it has */
    const char *label;     /* as written, for reasons */
} nowv;

/* col_fsp — the target column's fractional-second digits: t->precision
 * when given, else what mappings/ gives (6 on MySQL and PostgreSQL). */
static int col_fsp(dctx *c)
{
    return c->t->precision >= 0 && c->t->precision <= 6 ? c->t->precision : 6;
}

/* add_fsp — append "(n)", or "()" for n = 0, after MySQL's clock functions. */
static void add_fsp(strbuf *out, int n)
{
    if (n > 0) strbuf_addf(out, "(%d)", n);
    else strbuf_adds(out, "()");
}

/* now_text — the current time as a text column's default. */
static int now_text(dctx *c, const nowv *v)
{
    const ltype *t = c->t;
    strbuf *out = c->out;
    int width = 10;
    char bad = 0;
    const char *fmt = v->fmt;
    if (v->kind == NOW_JULIAN) return -2;
    if (!fmt) fmt = v->kind == NOW_DATE ? "%Y-%m-%d" : v->kind == NOW_TIME ? "%H:%M:%S"
                   : v->kind == NOW_TIME_MS ? "%H:%M:%f" : v->kind == NOW_TS_MS ? "%Y-%m-%d %H:%M:%f"
                   : v->kind == NOW_EPOCH ? "%s" : "%Y-%m-%d %H:%M:%S";
    strbuf f = STRBUF_INIT;
    if (v->kind != NOW_EPOCH && fmt_translate(fmt, c->to == SQL_MYSQL, &f, &width, &bad) != 0) {
        strbuf_free(&f);
        if (c->to != SQL_SQLITE)
            return sqlexpr_refuse(c->why, "%s: strftime() format %%%c is not translated",
                                  v->label, bad);
        width = 0;                            /* SQLite keeps its own format */
    }
    if (t->length >= 0 && width > t->length) {
        strbuf_free(&f);
        return sqlexpr_refuse(c->why, "%s gives %d characters, more than text(%d) holds", v->label,
                              width, t->length);
    }
    int utc = v->clock == CLOCK_UTC;
    switch (c->to) {
    case SQL_POSTGRESQL:
        if (v->kind == NOW_EPOCH) {
            strbuf_adds(out, "(floor(extract(epoch from now()))::bigint::text)");
        } else {
            strbuf_adds(out, utc ? "to_char(now() AT TIME ZONE 'UTC', " : "to_char(LOCALTIMESTAMP, ");
            pg_quote_literal(out, strbuf_cstr(&f));
            strbuf_addc(out, ')');
        }
        break;
    case SQL_MYSQL:
        if (v->kind == NOW_EPOCH) {
            strbuf_adds(out, "(CAST(UNIX_TIMESTAMP() AS CHAR))");
        } else {
            strbuf_adds(out, utc ? "(DATE_FORMAT(UTC_TIMESTAMP(), " : "(DATE_FORMAT(NOW(), ");
            sqlexpr_quote_literal(SQL_MYSQL, out, strbuf_cstr(&f));
            strbuf_adds(out, "))");
        }
        break;
    case SQL_SQLITE:
        if (v->kind == NOW_TS && !strcmp(fmt, "%Y-%m-%d %H:%M:%S")) strbuf_adds(out, "CURRENT_TIMESTAMP");
        else if (v->kind == NOW_DATE) strbuf_adds(out, "CURRENT_DATE");
        else if (v->kind == NOW_TIME) strbuf_adds(out, "CURRENT_TIME");
        else {
            strbuf_adds(out, "(strftime(");
            sqlexpr_quote_literal(SQL_SQLITE, out, fmt);
            strbuf_adds(out, ", 'now'))");
        }
        break;
    }
    strbuf_free(&f);
    return 0;
}

/* default_now — the current date/time v for the target column (see the
 * DESIGN note). A timestamp default may be finer than the source's: the
 * same instant, more digits. */
static int default_now(dctx *c, const nowv *v)
{
    const ltype *t = c->t;
    strbuf *out = c->out;
    int ts = v->kind == NOW_TS || v->kind == NOW_TS_MS, tm = v->kind == NOW_TIME || v->kind == NOW_TIME_MS;
    int utc = v->clock == CLOCK_UTC, local = v->clock == CLOCK_LOCAL;
    int rc = -2;                                    /* -2: not for this column */

    switch (c->to) {
    case SQL_POSTGRESQL:
        switch (t->kind) {
        case LT_TIMESTAMP:
            if (ts) { strbuf_adds(out, utc ? PG_NOW_UTC : local ? "LOCALTIMESTAMP" : "CURRENT_TIMESTAMP"); rc = 0; }
            break;
        case LT_TIMESTAMPTZ:
            if (ts) { strbuf_adds(out, "CURRENT_TIMESTAMP"); rc = 0; }
            break;
        case LT_DATE:
            if (v->kind == NOW_DATE) { strbuf_adds(out, utc ? "(" PG_NOW_UTC "::date)" : "CURRENT_DATE"); rc = 0; }
            break;
        case LT_TIME:
            if (tm) {
                strbuf_adds(out, !utc ? "LOCALTIME" : v->kind == NOW_TIME ? PG_TIME_UTC : PG_TIME_MS_UTC);
                rc = 0;
            }
            break;
        case LT_INT32: case LT_INT64: case LT_DECIMAL:
            if (v->kind == NOW_EPOCH) { strbuf_adds(out, PG_EPOCH); rc = 0; }
            break;
        case LT_FLOAT32: case LT_FLOAT64:
            if (v->kind == NOW_EPOCH) { strbuf_adds(out, PG_EPOCH); rc = 0; }
            if (v->kind == NOW_JULIAN) {
                strbuf_adds(out, "(extract(epoch from now()) / 86400.0 + 2440587.5)");
                rc = 0;
            }
            break;
        case LT_TEXT:
            rc = now_text(c, v);
            break;
        default:
            break;
        }
        break;
    case SQL_MYSQL: {
        int n = col_fsp(c);
        switch (t->kind) {
        case LT_TIMESTAMP:
        case LT_TIMESTAMPTZ:
            if (!ts) break;
            if (utc || t->kind == LT_TIMESTAMPTZ) {
                /* ferry keeps a timestamptz as its UTC time in a datetime(6) */
                strbuf_adds(out, "(UTC_TIMESTAMP");
                add_fsp(out, n);
                strbuf_addc(out, ')');
            } else {
                strbuf_adds(out, "CURRENT_TIMESTAMP");
                if (n > 0) strbuf_addf(out, "(%d)", n);
            }
            rc = 0;
            break;
        case LT_DATE:
            if (v->kind == NOW_DATE) { strbuf_adds(out, utc ? "(UTC_DATE())" : "(CURDATE())"); rc = 0; }
            break;
        case LT_TIME:
            if (tm) {
                strbuf_adds(out, utc ? "(UTC_TIME" : "(CURTIME");
                add_fsp(out, n);
                strbuf_addc(out, ')');
                rc = 0;
            }
            break;
        case LT_INT32: case LT_INT64: case LT_DECIMAL: case LT_FLOAT32: case LT_FLOAT64:
            if (v->kind == NOW_EPOCH) { strbuf_adds(out, "(UNIX_TIMESTAMP())"); rc = 0; }
            break;
        case LT_TEXT:
            rc = now_text(c, v);
            break;
        default:
            break;
        }
        break;
    }
    case SQL_SQLITE:
        switch (t->kind) {
        case LT_TIMESTAMP:
        case LT_TIMESTAMPTZ: {
            if (!ts) break;
            int frac = v->fsp != 0 && t->precision != 0;
            strbuf_adds(out, frac ? "(strftime('%Y-%m-%d %H:%M:%f', 'now'))" : "CURRENT_TIMESTAMP");
            rc = 0;
            break;
        }
        case LT_DATE:
            if (v->kind == NOW_DATE) { strbuf_adds(out, "CURRENT_DATE"); rc = 0; }
            break;
        case LT_TIME:
            if (tm) {
                int frac = v->fsp != 0 && t->precision != 0;
                strbuf_adds(out, frac ? "(strftime('%H:%M:%f', 'now'))" : "CURRENT_TIME");
                rc = 0;
            }
            break;
        case LT_INT32: case LT_INT64: case LT_DECIMAL: case LT_FLOAT32: case LT_FLOAT64:
            if (v->kind == NOW_EPOCH) { strbuf_adds(out, "(CAST(strftime('%s', 'now') AS INTEGER))"); rc = 0; }
            else if (v->kind == NOW_JULIAN && (t->kind == LT_FLOAT32 || t->kind == LT_FLOAT64)) {
                strbuf_adds(out, "(julianday('now'))");
                rc = 0;
            }
            break;
        case LT_TEXT:
            rc = now_text(c, v);
            break;
        default:
            break;
        }
        break;
    }
    if (rc != -2) return rc;
    return sqlexpr_refuse(c->why, "%s default for a %s column is not translated", v->label,
                          ltype_kind_name(t->kind));
}

/* ---------------------------------------------------------------- literals */

/* default_number — a numeric literal (txt as tokenized, negated when neg)
 * for a column of type t; label is the literal as the user wrote it. */
static int default_number(dctx *c, const char *txt, int neg, const char *label)
{
    const ltype *t = c->t;
    strbuf *out = c->out;
    const char **why = c->why;
    num n;
    int64_t v;
    const char *kname = ltype_kind_name(t->kind);
    if (sqlexpr_num_parse(txt, neg, &n) != 0)
        return sqlexpr_refuse(why, "number %s is out of range", label);

    switch (t->kind) {
    case LT_BOOL:
        if (sqlexpr_num_int64(&n, &v) == 0 && (v == 0 || v == 1)) {
            put_bool(c, (int)v);
            return 0;
        }
        return sqlexpr_refuse(why, "default %s is not a boolean (0 or 1)", label);
    case LT_INT16:
    case LT_INT32:
    case LT_INT64: {
        int64_t lo = t->kind == LT_INT16 ? INT16_MIN : t->kind == LT_INT32 ? INT32_MIN : INT64_MIN;
        int64_t hi = t->kind == LT_INT16 ? INT16_MAX : t->kind == LT_INT32 ? INT32_MAX : INT64_MAX;
        if (n.exp < 0) return sqlexpr_refuse(why, "default %s is not an integer", label);
        if (sqlexpr_num_int64(&n, &v) != 0 || v < lo || v > hi)
            return sqlexpr_refuse(why, "default %s is out of range for %s", label, kname);
        strbuf_addf(out, "%" PRId64, v);
        return 0;
    }
    case LT_FLOAT32:
    case LT_FLOAT64:
        if (!isfinite(n.d) ||
            (t->kind == LT_FLOAT32 && (fabs(n.d) > FLT_MAX || (n.d != 0 && (float)n.d == 0))))
            return sqlexpr_refuse(why, "default %s is out of range for %s", label, kname);
        if (n.hex) {
            sqlexpr_num_int64(&n, &v);
            strbuf_addf(out, "%" PRId64, v);
        } else {
            if (neg && n.d != 0) strbuf_addc(out, '-');
            strbuf_adds(out, txt);
        }
        return 0;
    case LT_DECIMAL: {
        int scale = t->scale >= 0 ? t->scale : t->precision >= 0 ? 0 : -1;
        long intd = n.ndig + n.exp > 0 ? n.ndig + n.exp : 0;
        long frac = n.exp < 0 ? -n.exp : 0;
        if (intd > 1000 || frac > 1000 ||
            (scale >= 0 && frac > scale) ||
            (t->precision >= 0 && intd > t->precision - (scale > 0 ? scale : 0))) {
            char tb[40];
            ltype_format(t, tb, sizeof tb);
            return sqlexpr_refuse(why, "default %s does not fit %s", label, tb);
        }
        sqlexpr_num_plain(&n, out);
        return 0;
    }
    case LT_TEXT:
    case LT_JSON: {
        /* SQLite stores the number's text in a TEXT column; as JSON that
         * text is still the same number. */
        strbuf s = STRBUF_INIT;
        int rc = 0;
        if (c->from == SQL_SQLITE ? sqlexpr_num_sqlite_text(&n, &s) != 0 : (sqlexpr_num_plain(&n, &s), 0))
            rc = sqlexpr_refuse(why, "default %s is out of range", label);
        else if (t->kind == LT_TEXT && t->length >= 0 && s.len > (size_t)t->length)
            rc = sqlexpr_refuse(why, "default %s is longer than text(%d)", label, t->length);
        else
            put_literal(c, strbuf_cstr(&s));
        strbuf_free(&s);
        return rc;
    }
    default:
        return sqlexpr_refuse(why, "numeric default %s for a %s column is not translated", label,
                              kname);
    }
}

/* default_string — a string literal s for a column of type t. */
static int default_string(dctx *c, const char *s)
{
    const ltype *t = c->t;
    strbuf *out = c->out;
    const char **why = c->why;
    char cb[72];
    const char *kname = ltype_kind_name(t->kind);
    const char *shown = sqlexpr_clip(cb, sizeof cb, s);
    int zone = 0;

    if (c->from == SQL_MYSQL && (t->kind == LT_DATE || t->kind == LT_TIMESTAMP ||
                                 t->kind == LT_TIMESTAMPTZ) && sqlexpr_zero_date(s)) {
        /* ferry's MySQL sessions refuse zero dates (NO_ZERO_DATE) too */
        c->hard = 1;
        return sqlexpr_refuse(why, "zero date default '%s' has no %s equivalent", shown, dtarget(c));
    }
    switch (t->kind) {
    case LT_TEXT:
        if (t->length >= 0 && utf8_count(s, strlen(s)) > (size_t)t->length)
            return sqlexpr_refuse(why, "default '%s' is longer than text(%d)", shown, t->length);
        /* fall through */
    case LT_ENUM:
        /* enum labels are not known here; the target checks the label */
        put_literal(c, s);
        return 0;
    case LT_BOOL: {
        static const char *const f[] = {"0", "f", "false"}, *const tr[] = {"1", "t", "true"};
        for (int i = 0; i < 3; i++) {
            if (sqlexpr_casecmp(s, f[i]) == 0) { put_bool(c, 0); return 0; }
            if (sqlexpr_casecmp(s, tr[i]) == 0) { put_bool(c, 1); return 0; }
        }
        return sqlexpr_refuse(why, "default '%s' is not a boolean", shown);
    }
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:
    case LT_FLOAT32:
    case LT_FLOAT64:
    case LT_DECIMAL: {
        /* SQLite's numeric affinity stores such text as the number;
         * PostgreSQL prints negative numbers so: '-1'::integer. */
        char body[NUM_MAXDIG + 40], label[80];
        int neg;
        if (sqlexpr_num_text_syntax(s, body, sizeof body, &neg) != 0)
            return sqlexpr_refuse(why, "default '%s' is not a valid %s value", shown, kname);
        snprintf(label, sizeof label, "'%s'", shown);
        return default_number(c, body, neg, label);
    }
    case LT_DATE:
        if (!sqlexpr_valid_datetime(s, 0, &zone))
            return sqlexpr_refuse(why, "default '%s' is not a valid date (YYYY-MM-DD)", shown);
        sqlexpr_quote_literal(c->to, out, s);
        return 0;
    case LT_TIME: {
        const char *p = s;
        if (sqlexpr_scan_time(&p) != 0 || *p)
            return sqlexpr_refuse(why, "default '%s' is not a valid time (HH:MM:SS)", shown);
        sqlexpr_quote_literal(c->to, out, s);
        return 0;
    }
    case LT_TIMESTAMP:
        if (!sqlexpr_valid_datetime(s, 1, &zone))
            return sqlexpr_refuse(why, "default '%s' is not a valid timestamp", shown);
        if (zone == 2)
            return sqlexpr_refuse(why, "default '%s' has a time zone offset; the column has none",
                                  shown);
        sqlexpr_quote_literal(c->to, out, s);
        return 0;
    case LT_TIMESTAMPTZ: {
        if (!sqlexpr_valid_datetime(s, 1, &zone))
            return sqlexpr_refuse(why, "default '%s' is not a valid timestamp", shown);
        /* without an offset the text is UTC, as everywhere in ferry */
        strbuf tmp = STRBUF_INIT;
        if (c->to == SQL_POSTGRESQL) {
            strbuf_adds(&tmp, s);
            if (!zone) strbuf_adds(&tmp, strlen(s) == 10 ? " 00:00:00+00" : "+00");
        } else if (sqlexpr_utc_text(s, &tmp) != 0) {
            strbuf_free(&tmp);
            return sqlexpr_refuse(why, "default '%s' is out of range", shown);
        } else if (c->to == SQL_SQLITE) {
            /* ferry's SQLite form of a timestamptz: UTC text with +00:00 */
            strbuf_adds(&tmp, "+00:00");
        }
        sqlexpr_quote_literal(c->to, out, strbuf_cstr(&tmp));
        strbuf_free(&tmp);
        return 0;
    }
    case LT_UUID: {
        char u[37];
        if (sqlexpr_uuid_canon(s, u) != 0)
            return sqlexpr_refuse(why, "default '%s' is not a valid uuid", shown);
        sqlexpr_quote_literal(c->to, out, u);
        return 0;
    }
    case LT_JSON:
        if (!sqlexpr_json_valid(s))
            return sqlexpr_refuse(why, "default '%s' is not valid JSON", shown);
        put_literal(c, s);
        return 0;
    case LT_BYTES: {
        if (c->from == SQL_POSTGRESQL && s[0] == '\\') {
            /* bytea's text form: \x and hex digits */
            strbuf hx = STRBUF_INIT;
            int ok = s[1] == 'x' && strlen(s + 2) % 2 == 0;
            for (const char *p = s + 2; ok && *p; p++) {
                if (!a_xdigit((unsigned char)*p)) ok = 0;
                strbuf_addc(&hx, (char)a_lower((unsigned char)*p));
            }
            if (ok) put_blob(c, strbuf_cstr(&hx));
            strbuf_free(&hx);
            return ok ? 0 : sqlexpr_refuse(why, "default '%s' is not a bytea in hex format", shown);
        }
        if (c->to == SQL_POSTGRESQL) {
            /* SQLite keeps text in a BLOB column as text; its bytes are UTF-8 */
            strbuf_adds(out, "convert_to(");
            pg_quote_literal(out, s);
            strbuf_adds(out, ", 'UTF8')");
            return 0;
        }
        strbuf hx = STRBUF_INIT;
        strbuf_addhex(&hx, s, strlen(s));
        put_blob(c, strbuf_cstr(&hx));
        strbuf_free(&hx);
        return 0;
    }
    default:
        return sqlexpr_refuse(why, "default '%s' for a %s column is not translated", shown, kname);
    }
}

/* default_blob — an x'..' literal (hex digits) for a column of type t. */
static int default_blob(dctx *c, const char *hex)
{
    char cb[48];
    if (c->t->kind == LT_BYTES) {
        put_blob(c, hex);
        return 0;
    }
    if (c->t->kind == LT_UUID && strlen(hex) == 32) {
        char u[37];
        sqlexpr_uuid_canon(hex, u);
        sqlexpr_quote_literal(c->to, c->out, u);
        return 0;
    }
    return sqlexpr_refuse(c->why, "blob default x'%s' for a %s column is not translated",
                          sqlexpr_clip(cb, sizeof cb, hex), ltype_kind_name(c->t->kind));
}

/* ---------------------------------------- expressions, and the entry point */

/* default_refuse_expr — the reason an expression default [lo, hi) is not
 * translated: the first function the target does not share with the
 * source, or else the expression itself. */
static int default_refuse_expr(dctx *c, int lo, int hi)
{
    const tok *v = c->tl->v;
    char lb[96], nb[48];
    for (int j = lo; j + 1 < hi; j++)
        if (v[j].kind == TK_WORD && v[j + 1].kind == TK_LPAREN) {
            int known;
            const fn_row *r = sqlexpr_fn_find(c->from, v[j].val, 0, &known);
            int niladic = r && c->from == SQL_SQLITE && r->d[DI(c->from)].how == FN_KEYWORD;
            if (niladic || !sqlexpr_fn_has_target(c->from, c->to, v[j].val))
                return sqlexpr_refuse(c->why, "function %s() has no %s equivalent",
                                      sqlexpr_clip(nb, sizeof nb, v[j].val), dtarget(c));
        }
    strbuf ls = STRBUF_INIT;
    sqlexpr_render_tokens(c->tl, lo, hi, &ls);
    sqlexpr_clip(lb, sizeof lb, strbuf_cstr(&ls));
    strbuf_free(&ls);
    return sqlexpr_refuse(c->why, "default %s is not translated (only constants and the current "
                          "date/time are)", lb);
}

/* call_label — the call [lo, hi) as text for reasons, into lb (size n). */
static const char *call_label(dctx *c, int lo, int hi, char *lb, size_t n)
{
    strbuf ls = STRBUF_INIT;
    sqlexpr_render_tokens(c->tl, lo, hi, &ls);
    sqlexpr_clip(lb, n, strbuf_cstr(&ls));
    strbuf_free(&ls);
    return lb;
}

/* default_uuid — a uuid generator (gen_random_uuid(), uuid()) for the
 * column; cast_text when the source cast it to text. */
static int default_uuid(dctx *c, const char *label)
{
    const ltype *t = c->t;
    int text = t->kind == LT_TEXT && (t->length < 0 || t->length >= 36);
    if (t->kind != LT_UUID && !text)
        return sqlexpr_refuse(c->why, "%s default for a %s column is not translated", label,
                              ltype_kind_name(t->kind));
    switch (c->to) {
    case SQL_POSTGRESQL:
        strbuf_adds(c->out, t->kind == LT_UUID ? "gen_random_uuid()" : "(gen_random_uuid()::text)");
        return 0;
    case SQL_MYSQL:
        /* MySQL 8.0.13+ and MariaDB 10.2+: an expression default; version 1 uuids */
        strbuf_adds(c->out, "(uuid())");
        return 0;
    case SQL_SQLITE:
        break;
    }
    return sqlexpr_refuse(c->why, "%s has no SQLite equivalent (SQLite has no function making a uuid)",
                          label);
}

/* call_args — the arguments of the call [lo, hi) when each is a single
 * string (SQLite's datetime('now', ...)) or number (a precision): up to
 * max into args; returns their count, or -1 for anything else. */
static int call_args(dctx *c, int lo, int hi, const char **args, int max)
{
    const tok *v = c->tl->v;
    int nargs = 0, end = hi - 1;
    for (int j = lo + 2; j < end;) {
        if ((v[j].kind != TK_STRING && v[j].kind != TK_NUMBER) || nargs == max) return -1;
        args[nargs++] = v[j++].val;
        if (j < end) {
            if (v[j].kind != TK_COMMA || j + 1 == end) return -1;
            j++;
        }
    }
    return nargs;
}

/* default_call_sqlite — SQLite's date/time functions with 'now', json(),
 * json_array(), json_object(). */
static int default_call_sqlite(dctx *c, int lo, int hi, const char *name, const char **args,
                               int nargs, const char *label)
{
    for (int a = 0; a < nargs; a++)
        if (sqlexpr_casecmp(args[a], "localtime") == 0)
            return sqlexpr_refuse(c->why, "%s uses localtime", label);

    if (!strcmp(name, "datetime") || !strcmp(name, "date") || !strcmp(name, "time") ||
        !strcmp(name, "julianday") || !strcmp(name, "unixepoch") || !strcmp(name, "strftime")) {
        int a = 0, subsec = 0;
        const char *fmt = NULL;
        if (!strcmp(name, "strftime")) {
            if (nargs < 1) return default_refuse_expr(c, lo, hi);
            fmt = args[a++];
        }
        /* no time value means 'now' */
        if (a < nargs && sqlexpr_casecmp(args[a++], "now") != 0)
            return sqlexpr_refuse(c->why, "%s: only 'now' is translated", label);
        for (; a < nargs; a++) {
            if ((!strcmp(name, "datetime") || !strcmp(name, "time")) &&
                (sqlexpr_casecmp(args[a], "subsec") == 0 ||
                 sqlexpr_casecmp(args[a], "subsecond") == 0))
                subsec = 1;
            else
                return sqlexpr_refuse(c->why, "%s: modifier '%s' is not translated", label, args[a]);
        }
        nowv v = {NOW_TS, NULL, CLOCK_UTC, 0, label};
        if (!strcmp(name, "datetime")) {
            v.kind = subsec ? NOW_TS_MS : NOW_TS;
            v.fmt = subsec ? "%Y-%m-%d %H:%M:%f" : "%Y-%m-%d %H:%M:%S";
        } else if (!strcmp(name, "date")) {
            v.kind = NOW_DATE;
            v.fmt = "%Y-%m-%d";
        } else if (!strcmp(name, "time")) {
            v.kind = subsec ? NOW_TIME_MS : NOW_TIME;
            v.fmt = subsec ? "%H:%M:%f" : "%H:%M:%S";
        } else if (!strcmp(name, "julianday")) {
            v.kind = NOW_JULIAN;
        } else if (!strcmp(name, "unixepoch")) {
            v.kind = NOW_EPOCH;
        } else {
            v.kind = fmt_kind(fmt);
            v.fmt = fmt;
        }
        if (v.kind == NOW_TS_MS || v.kind == NOW_TIME_MS) v.fsp = 3;
        return default_now(c, &v);
    }
    if (!strcmp(name, "json") && nargs == 1 && c->t->kind == LT_JSON) {
        if (!sqlexpr_json_valid(args[0])) return sqlexpr_refuse(c->why, "%s: not valid JSON", label);
        put_literal(c, args[0]);
        return 0;
    }
    return 1;
}

/* Niladic current date/time functions of PostgreSQL and MySQL (lower
 * case), with their shape and clock; a MySQL CURRENT_TIMESTAMP is an
 * instant on a TIMESTAMP column (timestamptz), the wall clock otherwise. */
typedef struct now_fn {
    sql_dialect d;
    const char *name;
    now_kind    kind;
    now_clock   clock;
} now_fn;

static const now_fn now_fns[] = {
    {SQL_POSTGRESQL, "now", NOW_TS_MS, CLOCK_INSTANT},
    {SQL_POSTGRESQL, "current_timestamp", NOW_TS_MS, CLOCK_INSTANT},
    {SQL_POSTGRESQL, "transaction_timestamp", NOW_TS_MS, CLOCK_INSTANT},
    {SQL_POSTGRESQL, "statement_timestamp", NOW_TS_MS, CLOCK_INSTANT},
    {SQL_POSTGRESQL, "clock_timestamp", NOW_TS_MS, CLOCK_INSTANT},
    {SQL_POSTGRESQL, "localtimestamp", NOW_TS_MS, CLOCK_LOCAL},
    {SQL_POSTGRESQL, "current_date", NOW_DATE, CLOCK_LOCAL},
    {SQL_POSTGRESQL, "current_time", NOW_TIME_MS, CLOCK_LOCAL},
    {SQL_POSTGRESQL, "localtime", NOW_TIME_MS, CLOCK_LOCAL},
    {SQL_MYSQL, "current_timestamp", NOW_TS, CLOCK_LOCAL},
    {SQL_MYSQL, "now", NOW_TS, CLOCK_LOCAL},
    {SQL_MYSQL, "localtimestamp", NOW_TS, CLOCK_LOCAL},
    {SQL_MYSQL, "localtime", NOW_TS, CLOCK_LOCAL},
    {SQL_MYSQL, "sysdate", NOW_TS, CLOCK_LOCAL},
    {SQL_MYSQL, "curdate", NOW_DATE, CLOCK_LOCAL},
    {SQL_MYSQL, "current_date", NOW_DATE, CLOCK_LOCAL},
    {SQL_MYSQL, "curtime", NOW_TIME, CLOCK_LOCAL},
    {SQL_MYSQL, "current_time", NOW_TIME, CLOCK_LOCAL},
    {SQL_MYSQL, "utc_timestamp", NOW_TS, CLOCK_UTC},
    {SQL_MYSQL, "utc_date", NOW_DATE, CLOCK_UTC},
    {SQL_MYSQL, "utc_time", NOW_TIME, CLOCK_UTC},
    {SQL_MYSQL, "unix_timestamp", NOW_EPOCH, CLOCK_UTC},
};

/* default_now_fn — name (lower case) with nargs arguments (a precision in
 * args[0]) as a current date/time of the source; 1 when it is none. */
static int default_now_fn(dctx *c, const char *name, const char **args, int nargs,
                          const char *label)
{
    for (size_t k = 0; k < sizeof now_fns / sizeof now_fns[0]; k++) {
        const now_fn *f = &now_fns[k];
        if (f->d != c->from || strcmp(f->name, name)) continue;
        if (nargs > 1 || (nargs == 1 && (f->kind == NOW_DATE || f->kind == NOW_EPOCH)))
            return sqlexpr_refuse(c->why, "%s: arguments are not translated", label);
        nowv v = {f->kind, NULL, f->clock, c->from == SQL_POSTGRESQL ? 6 : 0, label};
        if (nargs == 1) {
            v.fsp = atoi(args[0]);
            if (v.fsp < 0 || v.fsp > 6) return sqlexpr_refuse(c->why, "%s: bad precision", label);
        }
        if (v.kind == NOW_TS && v.fsp > 0) v.kind = NOW_TS_MS;
        if (v.kind == NOW_TIME && v.fsp > 0) v.kind = NOW_TIME_MS;
        if (v.kind == NOW_TS_MS && v.fsp == 0) v.kind = NOW_TS;
        if (v.kind == NOW_TIME_MS && v.fsp == 0) v.kind = NOW_TIME;
        /* MySQL's TIMESTAMP column holds an instant */
        if (c->from == SQL_MYSQL && v.clock == CLOCK_LOCAL && c->t->kind == LT_TIMESTAMPTZ)
            v.clock = CLOCK_INSTANT;
        return default_now(c, &v);
    }
    return 1;
}

/* default_call — a default that is one function call name(args). */
static int default_call(dctx *c, int lo, int hi)
{
    const tok *v = c->tl->v;
    char name[32], lb[96];
    const char *args[8];
    const char *label = call_label(c, lo, hi, lb, sizeof lb);
    if (!sqlexpr_casecmp(v[lo].val, "nextval")) {
        c->hard = 1;
        return sqlexpr_refuse(c->why, "sequence default %s (the column becomes an identity)", label);
    }
    int nargs = call_args(c, lo, hi, args, 8);
    if (nargs < 0 || sqlexpr_case(name, sizeof name, v[lo].val, 0) != 0)
        return default_refuse_expr(c, lo, hi);
    int rc = 1;
    if (c->from == SQL_SQLITE) rc = default_call_sqlite(c, lo, hi, name, args, nargs, label);
    else rc = default_now_fn(c, name, args, nargs, label);
    if (rc <= 0) return rc;
    if (nargs == 0 && ((c->from == SQL_POSTGRESQL && (!strcmp(name, "gen_random_uuid") ||
                                                      !strcmp(name, "uuid_generate_v4"))) ||
                       (c->from == SQL_MYSQL && !strcmp(name, "uuid"))))
        return default_uuid(c, label);
    if ((!strcmp(name, "json_array") || !strcmp(name, "json_object")) && nargs == 0 &&
        c->from != SQL_POSTGRESQL &&
        (c->t->kind == LT_JSON || (c->t->kind == LT_TEXT && (c->t->length < 0 || c->t->length >= 2)))) {
        put_literal(c, name[5] == 'a' ? "[]" : "{}");
        return 0;
    }
    return default_refuse_expr(c, lo, hi);
}

/* pg_at_utc — PostgreSQL's "now() AT TIME ZONE 'utc'" (how pg_get_expr
 * prints it: (now() AT TIME ZONE 'utc'::text)) or timezone('utc', now())
 * in [lo, hi). */
static int pg_at_utc(const toklist *tl, int lo, int hi)
{
    const tok *v = tl->v;
    int j = lo;
    if (hi - lo >= 6 && sqlexpr_word_is(&v[lo], "timezone") && v[lo + 1].kind == TK_LPAREN &&
        tl->match[lo + 1] == hi - 1 && v[lo + 2].kind == TK_STRING &&
        !sqlexpr_casecmp(v[lo + 2].val, "utc")) {
        j = lo + 3;
        if (sqlexpr_tok_op(&v[j], "::")) j += 2;
        if (j + 3 == hi - 1 && v[j].kind == TK_COMMA && sqlexpr_word_is(&v[j + 1], "now") &&
            v[j + 2].kind == TK_LPAREN && tl->match[j + 2] == j + 3)
            return 1;
        return 0;
    }
    if (sqlexpr_word_is(&v[j], "now") && j + 2 < hi && v[j + 1].kind == TK_LPAREN && tl->match[j + 1] == j + 2)
        j += 3;
    else if (sqlexpr_word_is(&v[j], "CURRENT_TIMESTAMP"))
        j++;
    else
        return 0;
    if (j + 3 > hi || !sqlexpr_word_is(&v[j], "AT") || !sqlexpr_word_is(&v[j + 1], "TIME") ||
        !sqlexpr_word_is(&v[j + 2], "ZONE") || j + 3 >= hi || v[j + 3].kind != TK_STRING ||
        sqlexpr_casecmp(v[j + 3].val, "utc"))
        return 0;
    j += 4;
    if (j < hi && sqlexpr_tok_op(&v[j], "::")) j += 2;
    return j == hi;
}

/* default_value — translate the default [lo, hi) (outer parentheses
 * removed); 0, or -1 with the reason. */
static int default_value(dctx *c, int lo, int hi)
{
    const toklist *tl = c->tl;
    const tok *a = &tl->v[lo];
    const ltype *t = c->t;
    char label[80];

    /* PostgreSQL: literal::type, (literal)::type, NULL::type,
     * (gen_random_uuid())::text: the column's type decides */
    if (c->from == SQL_POSTGRESQL && pg_at_utc(tl, lo, hi)) {
        nowv v = {NOW_TS_MS, NULL, CLOCK_UTC, 6, "now() AT TIME ZONE 'utc'"};
        return default_now(c, &v);
    }
    if (c->from == SQL_POSTGRESQL) {
        int cast = -1;
        for (int j = lo; j < hi; j++) {
            if (tl->v[j].kind == TK_LPAREN) { j = tl->match[j]; continue; }
            if (sqlexpr_tok_op(&tl->v[j], "::")) { cast = j; break; }
        }
        if (cast > lo) {
            cast_type ct;
            int n = sqlexpr_cast_parse(SQL_POSTGRESQL, tl, cast + 1, hi, &ct);
            if (cast + 1 + n == hi) {
                hi = cast;
                while (hi - lo >= 2 && tl->v[lo].kind == TK_LPAREN && tl->match[lo] == hi - 1) { lo++; hi--; }
                a = &tl->v[lo];
                if (hi - lo == 1 && a->kind == TK_STRING && ct.kind == CK_BYTES && t->kind == LT_BYTES)
                    return default_string(c, a->val);
                if (!(hi - lo == 1 && (a->kind == TK_STRING || a->kind == TK_NUMBER || sqlexpr_word_is(a, "NULL"))) &&
                    !(hi - lo == 2 && sqlexpr_tok_op(a, "-") && a[1].kind == TK_NUMBER) &&
                    !(a->kind == TK_WORD && a[1].kind == TK_LPAREN && tl->match[lo + 1] == hi - 1))
                    return default_refuse_expr(c, lo, cast + 1 + n);
            }
        }
    }

    if (hi - lo == 2 && a->kind == TK_OP && (!strcmp(a->val, "-") || !strcmp(a->val, "+")) &&
        a[1].kind == TK_NUMBER) {
        snprintf(label, sizeof label, "%s%.60s", a->val, a[1].val);
        return default_number(c, a[1].val, a->val[0] == '-', label);
    }
    if (hi - lo == 1) {
        char up[24];
        switch (a->kind) {
        case TK_NUMBER:
            snprintf(label, sizeof label, "%.60s", a->val);
            return default_number(c, a->val, 0, label);
        case TK_STRING:
            return default_string(c, a->val);
        case TK_QUOTED:
            /* SQLite stores DEFAULT "abc", [abc] and `abc` as the string */
            if (c->from == SQL_SQLITE) return default_string(c, a->val);
            break;
        case TK_BLOB:
            return default_blob(c, a->val);
        case TK_WORD:
            if (sqlexpr_case(up, sizeof up, a->val, 1) != 0) up[0] = '\0';
            if (!strcmp(up, "NULL")) {
                strbuf_adds(c->out, "NULL");
                return 0;
            }
            if (!strcmp(up, "TRUE") || !strcmp(up, "FALSE")) {
                if (t->kind == LT_BOOL) {
                    put_bool(c, up[0] == 'T');
                    return 0;
                }
                /* SQLite's and MySQL's TRUE and FALSE are the integers 1 and 0 */
                return default_number(c, up[0] == 'T' ? "1" : "0", 0, up);
            }
            if (c->from == SQL_SQLITE) {
                nowv v = {NOW_TS, "%Y-%m-%d %H:%M:%S", CLOCK_UTC, 0, up};
                if (!strcmp(up, "CURRENT_TIMESTAMP")) return default_now(c, &v);
                if (!strcmp(up, "CURRENT_DATE")) { v.kind = NOW_DATE; v.fmt = "%Y-%m-%d"; return default_now(c, &v); }
                if (!strcmp(up, "CURRENT_TIME")) { v.kind = NOW_TIME; v.fmt = "%H:%M:%S"; return default_now(c, &v); }
                /* SQLite stores a bare word after DEFAULT as that string */
                return default_string(c, a->val);
            }
            if (sqlexpr_case(up, sizeof up, a->val, 0) == 0) {
                int rc = default_now_fn(c, up, NULL, 0, a->val);
                if (rc <= 0) return rc;
            }
            break;
        default:
            return sqlexpr_refuse(c->why, "default %.40s is not a value", a->val);
        }
        return default_refuse_expr(c, lo, hi);
    }
    if ((a->kind == TK_WORD || (a->kind == TK_QUOTED && c->from == SQL_POSTGRESQL)) &&
        a[1].kind == TK_LPAREN && tl->match[lo + 1] == hi - 1)
        return default_call(c, lo, hi);
    return default_refuse_expr(c, lo, hi);
}

/* is_literal — [lo, hi) is a literal MySQL takes as a default without
 * parentheses. */
static int is_literal(const toklist *tl, int lo, int hi)
{
    const tok *a = &tl->v[lo];
    if (hi - lo == 1)
        return a->kind == TK_STRING || a->kind == TK_NUMBER || a->kind == TK_BLOB ||
               sqlexpr_word_is(a, "NULL") || sqlexpr_word_is(a, "TRUE") || sqlexpr_word_is(a, "FALSE");
    return hi - lo == 2 && a->kind == TK_OP && (!strcmp(a->val, "-") || !strcmp(a->val, "+")) &&
           a[1].kind == TK_NUMBER;
}

/* sqlexpr_translate_default_ex — see sqlexpr.h and the DESIGN note above. */
int sqlexpr_translate_default_ex(sql_dialect from, sql_dialect to, const char *expr,
                                 const ltype *t, strbuf *out, const char **why)
{
    toklist tl = {0};
    const char *w = NULL;
    int rc = -1;
    size_t start = out->len;
    dctx c = {from, to, &tl, t, out, &w, 0};

    if (from < SQL_SQLITE || from > SQL_MYSQL || to < SQL_SQLITE || to > SQL_MYSQL) {
        sqlexpr_refuse(&w, "unknown SQL dialect");
        goto out;
    }
    if (!expr || !t) { sqlexpr_refuse(&w, "no default expression"); goto out; }
    if (sqlexpr_tokenize_ex(from, expr, &tl, &w) != 0) goto out;
    int lo = 0, hi = tl.n;
    while (hi - lo >= 2 && tl.v[lo].kind == TK_LPAREN && tl.match[lo] == hi - 1) { lo++; hi--; }
    if (hi == lo) { sqlexpr_refuse(&w, "empty default expression"); goto out; }
    if (t->kind == LT_UNKNOWN) { sqlexpr_refuse(&w, "the column's type is unknown"); goto out; }
    rc = default_value(&c, lo, hi);
    if (rc != 0 && from == to && !c.hard) {
        /* a same-engine copy: what is not understood is kept as written */
        const char *w2 = NULL;
        strbuf ex = STRBUF_INIT;
        out->len = start;
        if (out->buf) out->buf[start] = '\0';
        int paren = to == SQL_MYSQL && !is_literal(&tl, lo, hi);
        if (sqlexpr_translate_ex(from, to, expr, NULL, NULL, &ex, &w2) == 0) {
            const char *e = strbuf_cstr(&ex);
            int has = e[0] == '(' && lo > 0;
            if (paren && !has) strbuf_addc(out, '(');
            strbuf_adds(out, e);
            if (paren && !has) strbuf_addc(out, ')');
            rc = 0;
        }
        strbuf_free(&ex);
    }
out:
    if (rc != 0) {
        out->len = start;
        if (out->buf) out->buf[start] = '\0';
        if (why) *why = w;
    }
    sqlexpr_toks_free(&tl);
    return rc;
}

/* sqlexpr_translate_default — the (SQLite, PostgreSQL) pair, see sqlexpr.h. */
int sqlexpr_translate_default(const char *expr, const ltype *t, strbuf *out,
                              const char **why)
{
    return sqlexpr_translate_default_ex(SQL_SQLITE, SQL_POSTGRESQL, expr, t, out, why);
}
