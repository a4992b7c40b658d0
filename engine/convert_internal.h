/* convert_internal.h — what the value converter's files share (private to
 * engine/convert*.c): reasons and value descriptions (convert.c), number
 * formatting (convert_number.c) and the per-type converters that
 * convert_value dispatches to (convert_number.c, convert_time.c,
 * convert_json.c). See convert.c for the design. */
#ifndef FERRY_CONVERT_INTERNAL_H
#define FERRY_CONVERT_INTERNAL_H

#include <stddef.h>
#include "convert.h"

/* ---------------------------------------------------------------------
 * Reasons and value descriptions (convert.c)
 * --------------------------------------------------------------------- */

/* conv_reject — format the reason into the thread's buffer, point *reason
 * at it and return CONV_REJECT. */
conv_result conv_reject(const char **reason, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* conv_value_desc — v as reasons quote it: 70000, 3.5, text 'abc',
 * blob x'00ff' (2 bytes). buf must hold 200 bytes. */
const char *conv_value_desc(const ferry_value *v, char *buf, size_t cap);

/* DESC — conv_value_desc into the caller's local char descbuf[200]. */
#define DESC(v) conv_value_desc((v), descbuf, sizeof descbuf)

/* conv_ascii_ieq — case-insensitive (ASCII) comparison of s[0..n) with the
 * lower-case word. */
int conv_ascii_ieq(const char *s, size_t n, const char *word);

/* conv_is_digit — c is an ASCII digit. */
static inline int conv_is_digit(char c) { return c >= '0' && c <= '9'; }

/* conv_check_text — refuse text that PostgreSQL text cannot hold: a NUL
 * byte or invalid UTF-8. */
conv_result conv_check_text(const ferry_value *v, const char **reason);

/* ---------------------------------------------------------------------
 * Number formatting (convert_number.c); buf holds at least 32 bytes
 * --------------------------------------------------------------------- */

/* conv_fmt_double — the shortest "%.Ng" text of a finite d that strtod()
 * reads back to d. */
void conv_fmt_double(double d, char *buf, size_t cap);
/* conv_fmt_real — conv_fmt_double, plus "Infinity", "-Infinity", "NaN". */
void conv_fmt_real(double d, char *buf, size_t cap);
/* conv_fmt_real_sqlite — a real as SQLite turns it into text ("1.0",
 * "1.0e+20", "Inf"), with the shortest exact digits. */
void conv_fmt_real_sqlite(double d, char *buf, size_t cap);

/* ---------------------------------------------------------------------
 * Per-type converters. Each appends the canonical form of v (never NULL)
 * to out, or returns CONV_REJECT with *reason set; *note is set only with
 * CONV_NOTE.
 * --------------------------------------------------------------------- */

/* convert_number.c */
conv_result conv_int(ltype_kind k, const ferry_value *v, strbuf *out, const char **reason);
conv_result conv_float(ltype_kind k, const ferry_value *v, strbuf *out, const char **reason);
conv_result conv_decimal(const ltype *t, const ferry_value *v, strbuf *out,
                         const char **reason);

/* convert_time.c */
conv_result conv_datetime(ltype_kind k, const ferry_value *v, strbuf *out,
                          conv_note *note, const char **reason);
conv_result conv_time_duration(const ferry_value *v, strbuf *out, const char **reason);
conv_result conv_time_of_day(const ferry_value *v, strbuf *out, conv_note *note,
                             const char **reason);

/* convert_json.c */
conv_result conv_json(const ferry_value *v, strbuf *out, const char **reason);

#endif
