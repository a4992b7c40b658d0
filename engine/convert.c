/* convert.c — the value converter: turns one source value into the
 * canonical text form of its column's logical type (see convert.h), or
 * refuses it with a one-line reason that quotes the value. This is where
 * "a value is never silently changed" is enforced. This file has the
 * reasons, the converters of the simple types (bool, text, bytes, uuid,
 * enum), the dispatch per logical type and --widen; numbers, dates and
 * times, and JSON have files of their own (convert_number.c,
 * convert_time.c, convert_json.c).
 *
 * DESIGN
 * Every logical type has one converter, taking the four storage classes
 * SQLite gives (integer, real, text, blob); other engines hand over text,
 * so the text paths accept what PostgreSQL and MySQL print as well. A
 * converter either produces the canonical form (CONV_OK), produces it after
 * a representation change that the report counts (CONV_NOTE, e.g. a Unix
 * epoch read as a timestamp), or refuses (CONV_REJECT). Rounding,
 * truncation, clamping or guessing never happen: a value that would need
 * them is refused, and --widen (convert_widen) can pick a type that holds it.
 *
 * Reasons live in a thread-local buffer, valid until the next call on the
 * same thread. They quote the value: at most 40 bytes of it, cut at a
 * character boundary, with non-printable bytes escaped as \xNN. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "convert_internal.h"
#include "numfmt.h"

#define QUOTE_MAX       40               /* bytes of a value quoted in a reason */

static _Thread_local char reason_buf[256];

/* ---------------------------------------------------------------------
 * Reasons and value descriptions
 * --------------------------------------------------------------------- */

/* conv_reject — format the reason into the thread's buffer (never cut
 * inside a UTF-8 sequence), point *reason at it and return CONV_REJECT. */
conv_result conv_reject(const char **reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utf8_vsnprintf(reason_buf, sizeof reason_buf, fmt, ap);
    va_end(ap);
    *reason = reason_buf;
    return CONV_REJECT;
}

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

/* conv_value_desc — v as reasons quote it: 70000, 3.5, text 'abc',
 * blob x'00ff' (2 bytes). buf must hold 200 bytes. */
const char *conv_value_desc(const ferry_value *v, char *buf, size_t cap)
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
        conv_fmt_real(v->d, buf, cap);
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

/* conv_ascii_ieq — case-insensitive (ASCII) comparison of s[0..n) with the
 * lower-case word. */
int conv_ascii_ieq(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n) return 0;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[k]) return 0;
    }
    return 1;
}

/* plain_ascii — 1 when every byte of p[0..n) is in 0x01..0x7F: valid
 * UTF-8 without NUL, one character per byte. Most text is, and eight bytes
 * at a time this costs a fraction of the byte-by-byte checks. */
static int plain_ascii(const char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        /* a high bit set, or (haszero) a zero byte */
        if ((w | ((w - 0x0101010101010101ULL) & ~w)) & 0x8080808080808080ULL) return 0;
    }
    for (; i < n; i++)
        if ((unsigned)(unsigned char)p[i] - 1u >= 0x7Fu) return 0;
    return 1;
}

/* conv_check_text — refuse text that PostgreSQL text cannot hold: a NUL
 * byte or invalid UTF-8. Offsets in the reasons count bytes from 0. */
conv_result conv_check_text(const ferry_value *v, const char **reason)
{
    char descbuf[200];
    if (plain_ascii(v->p, v->n)) return CONV_OK;
    const char *nul = memchr(v->p, '\0', v->n);
    size_t bad;
    if (nul)
        return conv_reject(reason, "%s contains a NUL byte at byte %zu, which PostgreSQL text cannot hold",
                           DESC(v), (size_t)(nul - v->p));
    if (!utf8_valid(v->p, v->n, &bad))
        return conv_reject(reason, "invalid UTF-8 at byte %zu in %s", bad, DESC(v));
    return CONV_OK;
}

/* ---------------------------------------------------------------------
 * bool, text, bytes, uuid, enum
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
            if (conv_ascii_ieq(v->p, v->n, yes[k])) b = 1;
            if (conv_ascii_ieq(v->p, v->n, no[k])) b = 0;
        }
        break;
    }
    default:
        break;
    }
    if (b < 0) return conv_reject(reason, "%s is not a boolean", DESC(v));
    strbuf_addc(out, b ? 't' : 'f');
    return CONV_OK;
}

/* conv_text — UTF-8 text without NUL, at most t->length characters (code
 * points). A char(n) value may be longer by trailing blanks only, which
 * char(n) does not keep anyway. Numbers are written as SQLite's own text of
 * them (note number_as_text). */
static conv_result conv_text(const ltype *t, const ferry_value *v, strbuf *out,
                             conv_note *note, const char **reason)
{
    char descbuf[200], num[48];
    const char *s;
    size_t n, chars;
    int ascii = 1;                 /* s holds one character per byte */
    conv_result rc;
    switch (v->cls) {
    case FV_INT:
        n = numfmt_i64(num, v->i);
        s = num;
        *note = NOTE_NUMBER_AS_TEXT;
        break;
    case FV_REAL:
        conv_fmt_real_sqlite(v->d, num, sizeof num);
        s = num; n = strlen(num);
        *note = NOTE_NUMBER_AS_TEXT;
        break;
    case FV_TEXT:
        ascii = plain_ascii(v->p, v->n);
        if (!ascii && (rc = conv_check_text(v, reason)) != CONV_OK) return rc;
        s = v->p; n = v->n;
        break;
    default:
        return conv_reject(reason, "%s in a text column: a blob is bytes, not text", DESC(v));
    }
    /* Characters are counted only against a length limit. */
    chars = t->length < 0 ? 0 : ascii ? n : utf8_count(s, n);
    if (t->length >= 0 && chars > (size_t)t->length) {
        size_t blanks = 0;
        while (blanks < n && s[n - 1 - blanks] == ' ') blanks++;
        if (t->fixed && chars - blanks <= (size_t)t->length) {
            n -= chars - (size_t)t->length;
        } else {
            *note = NOTE_NONE;
            return conv_reject(reason, "%s has %zu characters, more than %s(%d)", DESC(v), chars,
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
    return conv_reject(reason, "%s is a number, not bytes", DESC(v));
}

/* hex_value — the value of the hex digit c, -1 for any other character. */
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
    return conv_reject(reason, "%s is not a UUID", DESC(v));
}

/* conv_enum — the label text; whether it is one of the labels is checked
 * where the labels are known. */
static conv_result conv_enum(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200];
    conv_result rc;
    if (v->cls != FV_TEXT) return conv_reject(reason, "%s is not an enum label", DESC(v));
    if ((rc = conv_check_text(v, reason)) != CONV_OK) return rc;
    strbuf_add(out, v->p, v->n);
    return CONV_OK;
}

/* ---------------------------------------------------------------------
 * Dispatch per logical type, notes, widening
 * --------------------------------------------------------------------- */

const char *conv_note_name(conv_note n)
{
    static const char *const names[NOTE__COUNT] = {
        "none", "epoch_seconds", "epoch_millis", "julian_day", "offset_to_utc",
        "number_as_text", "text_as_bytes", "zero_date_to_null", "lossy_values",
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
    case LT_TIME:        rc = t->fixed ? conv_time_duration(v, out, reason)
                                       : conv_time_of_day(v, out, note, reason); break;
    case LT_UUID:        rc = conv_uuid(v, out, reason); break;
    case LT_JSON:        rc = conv_json(v, out, reason); break;
    case LT_ENUM:        rc = conv_enum(v, out, reason); break;
    default:
        rc = conv_reject(reason, "%s has no type mapping", DESC(v));
        break;
    }
    if (rc == CONV_REJECT) *note = NOTE_NONE;
    return rc;
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
