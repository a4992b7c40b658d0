/* convert.h — turning a source value into the canonical text form of its
 * column's logical type, or refusing it with a reason. Never changes a
 * value's meaning silently: a representation change (epoch seconds to a
 * timestamp, a Julian day, an offset normalised to UTC) is allowed and
 * reported through a note; anything that would lose information is refused.
 *
 * Canonical forms (what target drivers receive):
 *   bool        "t" / "f"
 *   int16..64   decimal digits, optional leading '-'
 *   float32/64  shortest text that reads back to the same double;
 *               "Infinity", "-Infinity", "NaN"
 *   decimal     plain decimal ("-12.50"), no exponent
 *   text        UTF-8 bytes, never a NUL byte
 *   bytes       the raw bytes (binary)
 *   date        "YYYY-MM-DD"
 *   time        "HH:MM:SS" or "HH:MM:SS.ffffff" (fraction without trailing zeros)
 *   timestamp   "YYYY-MM-DD HH:MM:SS[.ffffff]"
 *   timestamptz "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" (always UTC)
 *   uuid        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" lower case
 *   json        the JSON text, validated
 *   enum        the label text
 */
#ifndef FERRY_CONVERT_H
#define FERRY_CONVERT_H

#include "types.h"
#include "value.h"

typedef enum conv_result {
    CONV_OK = 0,       /* converted; no note */
    CONV_NOTE,         /* converted with a representation change; see note */
    CONV_REJECT        /* does not fit; see reason */
} conv_result;

/* The representation changes that are counted in the report. */
typedef enum conv_note {
    NOTE_NONE = 0,
    NOTE_EPOCH_SECONDS,     /* integer Unix seconds read as a date/time */
    NOTE_EPOCH_MILLIS,      /* integer Unix milliseconds read as a date/time */
    NOTE_JULIAN_DAY,        /* real Julian day number read as a date/time */
    NOTE_OFFSET_TO_UTC,     /* a time zone offset normalised to UTC */
    NOTE_NUMBER_AS_TEXT,    /* a number stored in a text column, written as its text */
    NOTE_TEXT_AS_BYTES,     /* a text value in a bytes column, written as its UTF-8 bytes */
    NOTE_ZERO_DATE_TO_NULL, /* a MySQL zero date written as NULL (--zero-dates null) */
    NOTE_LOSSY_VALUE,       /* a non-NULL value of a column whose mapping the plan
                             * declared lossy (counted by the pipeline, not convert) */
    NOTE__COUNT
} conv_note;

const char *conv_note_name(conv_note n);   /* "epoch_seconds", ... (stable, used in reports) */

/* convert_value — append the canonical form of v for logical type t to out.
 * On CONV_REJECT nothing meaningful is appended (the caller truncates) and
 * *reason points to a static or thread-local one-line reason such as
 * "text 'abc' is not an integer" or "invalid UTF-8 at byte 12". Thread-safe. */
conv_result convert_value(const ltype *t, const ferry_value *v, strbuf *out,
                          conv_note *note, const char **reason);

/* convert_value_json — append v as a JSON value (for reject files): numbers
 * as numbers, text as a JSON string when valid UTF-8, otherwise (and blobs)
 * as {"hex":"..."}. */
void convert_value_json(const ferry_value *v, strbuf *out);

/* convert_widen — the smallest widening of t that holds v, used by --widen
 * after a scan: varchar(n) -> text, decimal(p,s) -> decimal, anything with
 * non-conforming text -> text, invalid UTF-8/NUL/blobs -> bytes. Returns 1 if
 * *t was changed. */
int convert_widen(ltype *t, const ferry_value *v);

/* is_zero_date — text is a MySQL "zero" date or datetime: year, month or
 * day 0 ("0000-00-00", "2024-00-10", "0000-00-00 00:00:00.000000"). */
int is_zero_date(const char *p, size_t n);

/* Date helpers, exposed for tests: days since 1970-01-01 <-> civil date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void    civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
