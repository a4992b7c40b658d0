/* convert_json.c — JSON in both directions: validating JSON text for a
 * json column (as strictly as PostgreSQL's json/jsonb, which cJSON alone is
 * not), and writing any source value as a JSON value for the reject files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "convert_internal.h"

/* json_number_ok — s[0..n) is a JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
static int json_number_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9') { while (i < n && conv_is_digit(s[i])) i++; }
    else return 0;
    if (i < n && s[i] == '.') {
        size_t start = ++i;
        while (i < n && conv_is_digit(s[i])) i++;
        if (i == start) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t start = i;
        while (i < n && conv_is_digit(s[i])) i++;
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
        } else if (c == '-' || conv_is_digit(c)) {
            size_t start = i;
            while (i < n && (conv_is_digit(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '+' ||
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
conv_result conv_json(const ferry_value *v, strbuf *out, const char **reason)
{
    char descbuf[200], buf[40];
    conv_result rc;
    switch (v->cls) {
    case FV_INT:
        strbuf_addf(out, "%lld", (long long)v->i);
        return CONV_OK;
    case FV_REAL:
        if (!isfinite(v->d))
            return conv_reject(reason, "%s is not valid JSON (JSON has no NaN or Infinity)",
                               DESC(v));
        conv_fmt_double(v->d, buf, sizeof buf);
        strbuf_adds(out, buf);
        return CONV_OK;
    case FV_TEXT:
        break;
    default:
        return conv_reject(reason, "%s is not JSON", DESC(v));
    }
    if ((rc = conv_check_text(v, reason)) != CONV_OK) return rc;
    size_t at = 0;
    const char *problem = json_lex_check(v->p, v->n, &at);
    if (problem) return conv_reject(reason, "%s %s (byte %zu)", DESC(v), problem, at);
    char *copy = xmalloc(v->n + 1);
    memcpy(copy, v->p, v->n);
    copy[v->n] = '\0';
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts(copy, &end, 1);
    at = end && end >= copy ? (size_t)(end - copy) : 0;
    free(copy);
    if (!j) return conv_reject(reason, "%s is not valid JSON (error near byte %zu)", DESC(v), at);
    cJSON_Delete(j);
    strbuf_add(out, v->p, v->n);
    return CONV_OK;
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
        conv_fmt_real(v->d, buf, sizeof buf);
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
