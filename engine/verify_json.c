/* verify_json.c — the canonical form of a JSON text, so that JSON columns
 * compare as JSON values: PostgreSQL's jsonb and MySQL's JSON store a
 * parsed value and print it back with their own spacing, key order and
 * number spelling, so the text a copy reads back is rarely the text it
 * wrote, while the value is the same.
 *
 * The form (internal to verify, only ever hashed): no white space; object
 * members sorted by their key's bytes, of duplicate keys the last one kept
 * (what jsonb and MySQL keep); strings decoded and re-encoded with only the
 * escapes JSON requires (\" \\ and \u00XX for control characters; a lone
 * surrogate escape stays \uXXXX); numbers as an exact decimal mantissa and
 * exponent: 2.50, 2.5 and 0.25e1 are all "25e-1", -0 is "0". */
#include <stdlib.h>
#include <string.h>
#include "verify_internal.h"

#define JSON_MAX_DEPTH 2000

typedef struct jparser {
    const char *p, *end;
    int depth;
} jparser;

static void skip_ws(jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static void put_utf8(strbuf *out, unsigned cp)
{
    char b[4];
    if (cp < 0x80) { b[0] = (char)cp; strbuf_add(out, b, 1); }
    else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(out, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(out, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(out, b, 4);
    }
}

/* string — decode the string at j->p (at its opening quote) and append
 * it, re-encoded, quotes included. */
static int string(jparser *j, strbuf *out)
{
    static const char hexd[] = "0123456789abcdef";
    j->p++;
    strbuf_addc(out, '"');
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c != '\\') {
            if (c < 0x20) {
                char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
                strbuf_add(out, e, 6);
            } else {
                strbuf_addc(out, (char)c);
            }
            j->p++;
            continue;
        }
        if (j->end - j->p < 2) return -1;
        char e = j->p[1];
        j->p += 2;
        unsigned cp;
        switch (e) {
        case '"': strbuf_adds(out, "\\\""); break;
        case '\\': strbuf_adds(out, "\\\\"); break;
        case '/': strbuf_addc(out, '/'); break;
        case 'b': strbuf_adds(out, "\\u0008"); break;
        case 'f': strbuf_adds(out, "\\u000c"); break;
        case 'n': strbuf_adds(out, "\\u000a"); break;
        case 'r': strbuf_adds(out, "\\u000d"); break;
        case 't': strbuf_adds(out, "\\u0009"); break;
        case 'u':
            if (j->end - j->p < 4 || hex4(j->p, &cp)) return -1;
            j->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
                j->p[1] == 'u') {
                unsigned lo;
                if (hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    j->p += 6;
                    put_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
                    break;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) {              /* a lone surrogate: keep it escaped */
                char u[6] = {'\\', 'u', hexd[(cp >> 12) & 15], hexd[(cp >> 8) & 15],
                             hexd[(cp >> 4) & 15], hexd[cp & 15]};
                strbuf_add(out, u, 6);
            } else if (cp < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hexd[cp >> 4], hexd[cp & 15]};
                strbuf_add(out, u, 6);
            } else if (cp == '"') {
                strbuf_adds(out, "\\\"");
            } else if (cp == '\\') {
                strbuf_adds(out, "\\\\");
            } else {
                put_utf8(out, cp);
            }
            break;
        default:
            return -1;
        }
    }
    if (j->p >= j->end) return -1;
    j->p++;
    strbuf_addc(out, '"');
    return 0;
}

/* number — [-]int[.frac][e[+-]exp] as mantissa digits (no leading or
 * trailing zeros) and a base-10 exponent: "-25e-1"; zero is "0". */
static int number(jparser *j, strbuf *out)
{
    const char *p = j->p, *end = j->end;
    int neg = 0;
    strbuf digits = STRBUF_INIT;
    long long exp10 = 0, e = 0;
    if (p < end && *p == '-') { neg = 1; p++; }
    if (p >= end || *p < '0' || *p > '9') return -1;
    while (p < end && *p >= '0' && *p <= '9') strbuf_addc(&digits, *p++);
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') { strbuf_addc(&digits, *p++); exp10--; }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        while (p < end && *p >= '0' && *p <= '9') {
            if (e < 1000000000LL) e = e * 10 + (*p - '0');
            p++;
        }
        exp10 += eneg ? -e : e;
    }
    j->p = p;
    size_t a = 0, b = digits.len;
    while (a < b && digits.buf[a] == '0') a++;
    while (b > a && digits.buf[b - 1] == '0') { b--; exp10++; }
    if (a == b) strbuf_addc(out, '0');
    else {
        if (neg) strbuf_addc(out, '-');
        strbuf_add(out, digits.buf + a, b - a);
        strbuf_addf(out, "e%lld", exp10);
    }
    strbuf_free(&digits);
    return 0;
}

static int value(jparser *j, strbuf *out);

typedef struct member {
    size_t koff, klen, voff, vlen, idx;
} member;

/* The scratch buffer member_cmp compares in: set just before qsort, per
 * thread (both sides of a chunk hash at once). */
static _Thread_local const char *g_sort_base;

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(g_sort_base + x->koff, g_sort_base + y->koff, n);
    if (c) return c;
    if (x->klen != y->klen) return x->klen < y->klen ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* object — members canonicalised into a scratch buffer, sorted by key,
 * the last of equal keys written. */
static int object(jparser *j, strbuf *out)
{
    strbuf mem = STRBUF_INIT;
    member *m = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') { j->p++; strbuf_adds(out, "{}"); return 0; }
    for (;;) {
        skip_ws(j);
        if (j->p >= j->end || *j->p != '"') goto out;
        if (n == cap) { cap = cap ? cap * 2 : 8; m = xrealloc(m, cap * sizeof *m); }
        m[n].idx = n;
        m[n].koff = mem.len;
        if (string(j, &mem)) goto out;
        m[n].klen = mem.len - m[n].koff;
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':') goto out;
        j->p++;
        m[n].voff = mem.len;
        if (value(j, &mem)) goto out;
        m[n].vlen = mem.len - m[n].voff;
        n++;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') { j->p++; continue; }
        if (j->p < j->end && *j->p == '}') { j->p++; break; }
        goto out;
    }
    g_sort_base = mem.buf;
    qsort(m, n, sizeof *m, member_cmp);
    strbuf_addc(out, '{');
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && m[i].klen == m[i + 1].klen &&
            memcmp(mem.buf + m[i].koff, mem.buf + m[i + 1].koff, m[i].klen) == 0)
            continue;                                   /* a later duplicate wins */
        if (!first) strbuf_addc(out, ',');
        first = 0;
        strbuf_add(out, mem.buf + m[i].koff, m[i].klen);
        strbuf_addc(out, ':');
        strbuf_add(out, mem.buf + m[i].voff, m[i].vlen);
    }
    strbuf_addc(out, '}');
    rc = 0;
out:
    free(m);
    strbuf_free(&mem);
    return rc;
}

static int array(jparser *j, strbuf *out)
{
    j->p++;
    strbuf_addc(out, '[');
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') { j->p++; strbuf_addc(out, ']'); return 0; }
    for (;;) {
        if (value(j, out)) return -1;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') { j->p++; strbuf_addc(out, ','); continue; }
        if (j->p < j->end && *j->p == ']') { j->p++; strbuf_addc(out, ']'); return 0; }
        return -1;
    }
}

static int literal(jparser *j, strbuf *out, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return -1;
    j->p += n;
    strbuf_add(out, word, n);
    return 0;
}

static int value(jparser *j, strbuf *out)
{
    int rc;
    skip_ws(j);
    if (j->p >= j->end || ++j->depth > JSON_MAX_DEPTH) return -1;
    switch (*j->p) {
    case '{': rc = object(j, out); break;
    case '[': rc = array(j, out); break;
    case '"': rc = string(j, out); break;
    case 't': rc = literal(j, out, "true"); break;
    case 'f': rc = literal(j, out, "false"); break;
    case 'n': rc = literal(j, out, "null"); break;
    default:  rc = number(j, out); break;
    }
    j->depth--;
    return rc;
}

int vjson_canon(const char *p, size_t n, strbuf *out)
{
    jparser j = {p, p + n, 0};
    size_t start = out->len;
    if (value(&j, out) == 0) {
        skip_ws(&j);
        if (j.p == j.end) return 0;
    }
    out->len = start;
    if (out->buf) out->buf[start] = '\0';
    return -1;
}
