/* sqlexpr_default.c — translating a SQLite column DEFAULT into PostgreSQL
 * (sqlexpr_translate_default).
 *
 * DESIGN
 * Defaults are few and closed: a literal, NULL, TRUE/FALSE, or the current
 * date/time in one of SQLite's spellings. Each is checked against the
 * column's logical type and emitted only when the PostgreSQL default gives
 * the value SQLite would have stored; anything else is refused, because a
 * bad default would make CREATE TABLE itself fail. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* --------------------------------------------------- the current date/time */

/* The current date/time, in the shapes SQLite produces. */
typedef enum now_kind {
    NOW_TS,        /* 'YYYY-MM-DD HH:MM:SS' */
    NOW_TS_MS,     /* 'YYYY-MM-DD HH:MM:SS.SSS' */
    NOW_DATE,      /* 'YYYY-MM-DD' */
    NOW_TIME,      /* 'HH:MM:SS' */
    NOW_TIME_MS,   /* 'HH:MM:SS.SSS' */
    NOW_EPOCH,     /* Unix seconds */
    NOW_JULIAN,    /* Julian day number (real) */
    NOW_FORMAT     /* any other strftime() text */
} now_kind;

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

/* fmt_to_char — translate a strftime() format into a to_char() template;
 * *width gets the output length in characters. On an unsupported directive
 * or character, returns -1 with *bad set to it. */
static int fmt_to_char(const char *fmt, strbuf *pg, int *width, char *bad)
{
    int w = 0, inq = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p == '%') {
            const char *rep;
            int rw;
            switch (p[1]) {
            case 'd': rep = "DD";    rw = 2; break;
            case 'f': rep = "SS.MS"; rw = 6; break;
            case 'H': rep = "HH24";  rw = 2; break;
            case 'j': rep = "DDD";   rw = 3; break;
            case 'm': rep = "MM";    rw = 2; break;
            case 'M': rep = "MI";    rw = 2; break;
            case 'S': rep = "SS";    rw = 2; break;
            case 'Y': rep = "YYYY";  rw = 4; break;
            case '%': rep = "%";     rw = 1; break;
            default:  *bad = p[1] ? p[1] : '%'; return -1;
            }
            if (inq) { strbuf_addc(pg, '"'); inq = 0; }
            strbuf_adds(pg, rep);
            w += rw;
            p++;
            continue;
        }
        if (*p == '"' || *p == '\\') { *bad = *p; return -1; }
        if (a_alpha((unsigned char)*p)) {
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

/* default_now — the current date/time for a column of type t. SQLite's
 * time functions are UTC and ferry cannot know the TimeZone of the app's
 * sessions, so every form is pinned to UTC explicitly. A timestamp default
 * keeps PostgreSQL's microseconds where SQLite had whole seconds (or
 * milliseconds): the same instant, finer. */
static int default_now(now_kind kind, const char *fmt, const char *label, const ltype *t,
                       strbuf *out, const char **why)
{
    switch (t->kind) {
    case LT_TIMESTAMP:
        if (kind == NOW_TS || kind == NOW_TS_MS) { strbuf_adds(out, PG_NOW_UTC); return 0; }
        break;
    case LT_TIMESTAMPTZ:
        if (kind == NOW_TS || kind == NOW_TS_MS) { strbuf_adds(out, "CURRENT_TIMESTAMP"); return 0; }
        break;
    case LT_DATE:
        if (kind == NOW_DATE) { strbuf_adds(out, "(" PG_NOW_UTC "::date)"); return 0; }
        break;
    case LT_TIME:
        if (kind == NOW_TIME) { strbuf_adds(out, PG_TIME_UTC); return 0; }
        if (kind == NOW_TIME_MS) { strbuf_adds(out, PG_TIME_MS_UTC); return 0; }
        break;
    case LT_TEXT: {
        if (kind == NOW_JULIAN) break;
        int width = 10;
        strbuf f = STRBUF_INIT;
        char bad = 0;
        if (kind != NOW_EPOCH && fmt_to_char(fmt, &f, &width, &bad) != 0) {
            strbuf_free(&f);
            return sqlexpr_refuse(why, "%s: strftime() format %%%c is not translated", label, bad);
        }
        if (t->length >= 0 && width > t->length) {
            strbuf_free(&f);
            return sqlexpr_refuse(why, "%s gives %d characters, more than text(%d) holds", label,
                                  width, t->length);
        }
        if (kind == NOW_EPOCH) {
            strbuf_adds(out, "(floor(extract(epoch from now()))::bigint::text)");
        } else {
            strbuf_adds(out, "to_char(now() AT TIME ZONE 'UTC', ");
            pg_quote_literal(out, strbuf_cstr(&f));
            strbuf_addc(out, ')');
        }
        strbuf_free(&f);
        return 0;
    }
    case LT_INT32:
    case LT_INT64:
    case LT_DECIMAL:
        if (kind == NOW_EPOCH) { strbuf_adds(out, PG_EPOCH); return 0; }
        break;
    case LT_FLOAT32:
    case LT_FLOAT64:
        if (kind == NOW_EPOCH) { strbuf_adds(out, PG_EPOCH); return 0; }
        if (kind == NOW_JULIAN) {
            strbuf_adds(out, "(extract(epoch from now()) / 86400.0 + 2440587.5)");
            return 0;
        }
        break;
    default:
        break;
    }
    return sqlexpr_refuse(why, "%s default for a %s column is not translated", label,
                          ltype_kind_name(t->kind));
}

/* ---------------------------------------------------------------- literals */

/* default_number — a numeric literal (txt as tokenized, negated when neg)
 * for a column of type t; label is the literal as the user wrote it. */
static int default_number(const char *txt, int neg, const char *label, const ltype *t,
                          strbuf *out, const char **why)
{
    num n;
    int64_t v;
    const char *kname = ltype_kind_name(t->kind);
    if (sqlexpr_num_parse(txt, neg, &n) != 0)
        return sqlexpr_refuse(why, "number %s is out of range", label);

    switch (t->kind) {
    case LT_BOOL:
        if (sqlexpr_num_int64(&n, &v) == 0 && (v == 0 || v == 1)) {
            strbuf_adds(out, v ? "true" : "false");
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
        if (sqlexpr_num_sqlite_text(&n, &s) != 0)
            rc = sqlexpr_refuse(why, "default %s is out of range", label);
        else if (t->kind == LT_TEXT && t->length >= 0 && s.len > (size_t)t->length)
            rc = sqlexpr_refuse(why, "default %s is longer than text(%d)", label, t->length);
        else
            pg_quote_literal(out, strbuf_cstr(&s));
        strbuf_free(&s);
        return rc;
    }
    default:
        return sqlexpr_refuse(why, "numeric default %s for a %s column is not translated", label,
                              kname);
    }
}

/* default_string — a string literal s for a column of type t. */
static int default_string(const char *s, const ltype *t, strbuf *out, const char **why)
{
    char cb[72];
    const char *kname = ltype_kind_name(t->kind);
    const char *shown = sqlexpr_clip(cb, sizeof cb, s);
    int zone = 0;

    switch (t->kind) {
    case LT_TEXT:
        if (t->length >= 0 && utf8_count(s, strlen(s)) > (size_t)t->length)
            return sqlexpr_refuse(why, "default '%s' is longer than text(%d)", shown, t->length);
        /* fall through */
    case LT_ENUM:
        /* enum labels are not known here; PostgreSQL checks the label */
        pg_quote_literal(out, s);
        return 0;
    case LT_BOOL: {
        static const char *const f[] = {"0", "f", "false"}, *const tr[] = {"1", "t", "true"};
        for (int i = 0; i < 3; i++) {
            if (sqlexpr_casecmp(s, f[i]) == 0) { strbuf_adds(out, "false"); return 0; }
            if (sqlexpr_casecmp(s, tr[i]) == 0) { strbuf_adds(out, "true"); return 0; }
        }
        return sqlexpr_refuse(why, "default '%s' is not a boolean", shown);
    }
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:
    case LT_FLOAT32:
    case LT_FLOAT64:
    case LT_DECIMAL: {
        /* SQLite's numeric affinity stores such text as the number. */
        char body[NUM_MAXDIG + 40], label[80];
        int neg;
        if (sqlexpr_num_text_syntax(s, body, sizeof body, &neg) != 0)
            return sqlexpr_refuse(why, "default '%s' is not a valid %s value", shown, kname);
        snprintf(label, sizeof label, "'%s'", shown);
        return default_number(body, neg, label, t, out, why);
    }
    case LT_DATE:
        if (!sqlexpr_valid_datetime(s, 0, &zone))
            return sqlexpr_refuse(why, "default '%s' is not a valid date (YYYY-MM-DD)", shown);
        pg_quote_literal(out, s);
        return 0;
    case LT_TIME: {
        const char *p = s;
        if (sqlexpr_scan_time(&p) != 0 || *p)
            return sqlexpr_refuse(why, "default '%s' is not a valid time (HH:MM:SS)", shown);
        pg_quote_literal(out, s);
        return 0;
    }
    case LT_TIMESTAMP:
        if (!sqlexpr_valid_datetime(s, 1, &zone))
            return sqlexpr_refuse(why, "default '%s' is not a valid timestamp", shown);
        if (zone == 2)
            return sqlexpr_refuse(why, "default '%s' has a time zone offset; the column has none",
                                  shown);
        pg_quote_literal(out, s);
        return 0;
    case LT_TIMESTAMPTZ: {
        if (!sqlexpr_valid_datetime(s, 1, &zone))
            return sqlexpr_refuse(why, "default '%s' is not a valid timestamp", shown);
        /* without an offset the text is UTC, as everywhere in ferry */
        strbuf tmp = STRBUF_INIT;
        strbuf_adds(&tmp, s);
        if (!zone) strbuf_adds(&tmp, strlen(s) == 10 ? " 00:00:00+00" : "+00");
        pg_quote_literal(out, strbuf_cstr(&tmp));
        strbuf_free(&tmp);
        return 0;
    }
    case LT_UUID: {
        char u[37];
        if (sqlexpr_uuid_canon(s, u) != 0)
            return sqlexpr_refuse(why, "default '%s' is not a valid uuid", shown);
        pg_quote_literal(out, u);
        return 0;
    }
    case LT_JSON:
        if (!sqlexpr_json_valid(s))
            return sqlexpr_refuse(why, "default '%s' is not valid JSON", shown);
        pg_quote_literal(out, s);
        return 0;
    case LT_BYTES:
        /* SQLite keeps text in a BLOB column as text; its bytes are UTF-8 */
        strbuf_adds(out, "convert_to(");
        pg_quote_literal(out, s);
        strbuf_adds(out, ", 'UTF8')");
        return 0;
    default:
        return sqlexpr_refuse(why, "default '%s' for a %s column is not translated", shown, kname);
    }
}

/* default_blob — an x'..' literal (hex digits) for a column of type t. */
static int default_blob(const char *hex, const ltype *t, strbuf *out, const char **why)
{
    char cb[48];
    if (t->kind == LT_BYTES) {
        strbuf_adds(out, "'\\x");
        strbuf_adds(out, hex);
        strbuf_adds(out, "'::bytea");
        return 0;
    }
    if (t->kind == LT_UUID && strlen(hex) == 32) {
        char u[37];
        sqlexpr_uuid_canon(hex, u);
        pg_quote_literal(out, u);
        return 0;
    }
    return sqlexpr_refuse(why, "blob default x'%s' for a %s column is not translated",
                          sqlexpr_clip(cb, sizeof cb, hex), ltype_kind_name(t->kind));
}

/* ---------------------------------------- expressions, and the entry point */

/* default_refuse_expr — the reason an expression default [lo, hi) is not
 * translated: the first function PostgreSQL does not share with SQLite, or
 * else the expression itself. */
static int default_refuse_expr(const toklist *tl, int lo, int hi, const char **why)
{
    const tok *v = tl->v;
    char lb[96], nb[48];
    for (int j = lo; j + 1 < hi; j++)
        if (v[j].kind == TK_WORD && v[j + 1].kind == TK_LPAREN && !sqlexpr_fn_find(v[j].val))
            return sqlexpr_refuse(why, "function %s() has no PostgreSQL equivalent",
                                  sqlexpr_clip(nb, sizeof nb, v[j].val));
    strbuf ls = STRBUF_INIT;
    sqlexpr_render_tokens(tl, lo, hi, &ls);
    sqlexpr_clip(lb, sizeof lb, strbuf_cstr(&ls));
    strbuf_free(&ls);
    return sqlexpr_refuse(why, "default %s is not translated (only constants and the current "
                          "date/time are)", lb);
}

/* default_call — a default that is one function call name(args): the
 * current date/time in SQLite's spellings, or an empty JSON array/object. */
static int default_call(const toklist *tl, int lo, int hi, const ltype *t, strbuf *out,
                        const char **why)
{
    const tok *v = tl->v;
    char name[24], lb[96];
    const char *args[8];
    int nargs = 0, end = hi - 1;

    for (int j = lo + 2; j < end;) {
        if (v[j].kind != TK_STRING || nargs == 8) return default_refuse_expr(tl, lo, hi, why);
        args[nargs++] = v[j++].val;
        if (j < end) {
            if (v[j].kind != TK_COMMA || j + 1 == end) return default_refuse_expr(tl, lo, hi, why);
            j++;
        }
    }
    if (sqlexpr_case(name, sizeof name, v[lo].val, 0) != 0)
        return default_refuse_expr(tl, lo, hi, why);
    strbuf ls = STRBUF_INIT;
    sqlexpr_render_tokens(tl, lo, hi, &ls);
    const char *label = sqlexpr_clip(lb, sizeof lb, strbuf_cstr(&ls));
    strbuf_free(&ls);
    for (int a = 0; a < nargs; a++)
        if (sqlexpr_casecmp(args[a], "localtime") == 0)
            return sqlexpr_refuse(why, "%s uses localtime", label);

    if (!strcmp(name, "datetime") || !strcmp(name, "date") || !strcmp(name, "time") ||
        !strcmp(name, "julianday") || !strcmp(name, "unixepoch") || !strcmp(name, "strftime")) {
        int a = 0, subsec = 0;
        const char *fmt = NULL;
        if (!strcmp(name, "strftime")) {
            if (nargs < 1) return default_refuse_expr(tl, lo, hi, why);
            fmt = args[a++];
        }
        /* no time value means 'now' */
        if (a < nargs && sqlexpr_casecmp(args[a++], "now") != 0)
            return sqlexpr_refuse(why, "%s: only 'now' is translated", label);
        for (; a < nargs; a++) {
            if ((!strcmp(name, "datetime") || !strcmp(name, "time")) &&
                (sqlexpr_casecmp(args[a], "subsec") == 0 ||
                 sqlexpr_casecmp(args[a], "subsecond") == 0))
                subsec = 1;
            else
                return sqlexpr_refuse(why, "%s: modifier '%s' is not translated", label, args[a]);
        }
        now_kind k;
        if (!strcmp(name, "datetime")) {
            k = subsec ? NOW_TS_MS : NOW_TS;
            fmt = subsec ? "%Y-%m-%d %H:%M:%f" : "%Y-%m-%d %H:%M:%S";
        } else if (!strcmp(name, "date")) {
            k = NOW_DATE;
            fmt = "%Y-%m-%d";
        } else if (!strcmp(name, "time")) {
            k = subsec ? NOW_TIME_MS : NOW_TIME;
            fmt = subsec ? "%H:%M:%f" : "%H:%M:%S";
        } else if (!strcmp(name, "julianday")) {
            k = NOW_JULIAN;
        } else if (!strcmp(name, "unixepoch")) {
            k = NOW_EPOCH;
        } else {
            k = fmt_kind(fmt);
        }
        return default_now(k, fmt, label, t, out, why);
    }
    if (!strcmp(name, "json") && nargs == 1 && t->kind == LT_JSON) {
        if (!sqlexpr_json_valid(args[0])) return sqlexpr_refuse(why, "%s: not valid JSON", label);
        pg_quote_literal(out, args[0]);
        return 0;
    }
    if ((!strcmp(name, "json_array") || !strcmp(name, "json_object")) && nargs == 0 &&
        (t->kind == LT_JSON || (t->kind == LT_TEXT && (t->length < 0 || t->length >= 2)))) {
        strbuf_adds(out, name[5] == 'a' ? "'[]'" : "'{}'");
        return 0;
    }
    return default_refuse_expr(tl, lo, hi, why);
}

int sqlexpr_translate_default(const char *expr, const ltype *t, strbuf *out,
                              const char **why)
{
    toklist tl = {0};
    const char *w = NULL;
    int rc = -1;
    size_t start = out->len;

    if (!expr || !t) { sqlexpr_refuse(&w, "no default expression"); goto out; }
    if (sqlexpr_tokenize(expr, &tl, &w) != 0) goto out;
    int lo = 0, hi = tl.n;
    while (hi - lo >= 2 && tl.v[lo].kind == TK_LPAREN && tl.match[lo] == hi - 1) { lo++; hi--; }
    if (hi == lo) { sqlexpr_refuse(&w, "empty default expression"); goto out; }
    if (t->kind == LT_UNKNOWN) { sqlexpr_refuse(&w, "the column's type is unknown"); goto out; }

    const tok *a = &tl.v[lo];
    char label[80];
    if (hi - lo == 2 && a->kind == TK_OP && (!strcmp(a->val, "-") || !strcmp(a->val, "+")) &&
        a[1].kind == TK_NUMBER) {
        snprintf(label, sizeof label, "%s%.60s", a->val, a[1].val);
        rc = default_number(a[1].val, a->val[0] == '-', label, t, out, &w);
    } else if (hi - lo == 1) {
        char up[24];
        switch (a->kind) {
        case TK_NUMBER:
            snprintf(label, sizeof label, "%.60s", a->val);
            rc = default_number(a->val, 0, label, t, out, &w);
            break;
        case TK_STRING:
            rc = default_string(a->val, t, out, &w);
            break;
        case TK_QUOTED:
            /* SQLite stores DEFAULT "abc", [abc] and `abc` as the string */
            rc = default_string(a->val, t, out, &w);
            break;
        case TK_BLOB:
            rc = default_blob(a->val, t, out, &w);
            break;
        case TK_WORD:
            if (sqlexpr_case(up, sizeof up, a->val, 1) != 0) up[0] = '\0';
            if (!strcmp(up, "NULL")) {
                strbuf_adds(out, "NULL");
                rc = 0;
            } else if (!strcmp(up, "TRUE") || !strcmp(up, "FALSE")) {
                if (t->kind == LT_BOOL) {
                    strbuf_adds(out, up[0] == 'T' ? "true" : "false");
                    rc = 0;
                } else {
                    /* SQLite's TRUE and FALSE are the integers 1 and 0 */
                    rc = default_number(up[0] == 'T' ? "1" : "0", 0, up, t, out, &w);
                }
            } else if (!strcmp(up, "CURRENT_TIMESTAMP")) {
                rc = default_now(NOW_TS, "%Y-%m-%d %H:%M:%S", up, t, out, &w);
            } else if (!strcmp(up, "CURRENT_DATE")) {
                rc = default_now(NOW_DATE, "%Y-%m-%d", up, t, out, &w);
            } else if (!strcmp(up, "CURRENT_TIME")) {
                rc = default_now(NOW_TIME, "%H:%M:%S", up, t, out, &w);
            } else {
                /* SQLite stores a bare word after DEFAULT as that string */
                rc = default_string(a->val, t, out, &w);
            }
            break;
        default:
            sqlexpr_refuse(&w, "default %.40s is not a value", a->val);
            break;
        }
    } else if (a->kind == TK_WORD && a[1].kind == TK_LPAREN && tl.match[lo + 1] == hi - 1) {
        rc = default_call(&tl, lo, hi, t, out, &w);
    } else {
        default_refuse_expr(&tl, lo, hi, &w);
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
