/* pg_copy_binary.h — PostgreSQL's binary COPY format: which target column
 * types ferry writes in it, and the encoding of canonical cells (convert.h)
 * as the binary "send" form of those types. Pure functions over a strbuf,
 * no libpq: the PostgreSQL driver (postgresql.c) decides per table and
 * sends the bytes.
 *
 * The stream: header "PGCOPY\n\377\r\n\0", int32 flags 0, int32 header
 * extension length 0; per row an int16 field count, then per field an int32
 * length (-1 for NULL) and that many bytes; the trailer int16 -1. All
 * integers are big-endian. */
#ifndef FERRY_PG_COPY_BINARY_H
#define FERRY_PG_COPY_BINARY_H

#include <stddef.h>

#include "../engine/types.h"
#include "../engine/util.h"

/* pgbin_kind — the binary form a field is written in. PGBIN_NONE: ferry
 * does not write this column in binary; the table is then copied as text. */
typedef enum pgbin_kind {
    PGBIN_NONE = 0,
    PGBIN_BOOL,         /* 1 byte */
    PGBIN_INT2,         /* big-endian two's complement, 2/4/8 bytes */
    PGBIN_INT4,
    PGBIN_INT8,
    PGBIN_FLOAT4,       /* IEEE 754, big-endian */
    PGBIN_FLOAT8,
    PGBIN_NUMERIC,      /* ndigits, weight, sign, dscale, base-10000 digits */
    PGBIN_TEXT,         /* the UTF-8 bytes (text, varchar, bpchar, json, enums) */
    PGBIN_BYTEA,        /* the raw bytes */
    PGBIN_DATE,         /* int32 days since 2000-01-01 */
    PGBIN_TIME,         /* int64 microseconds since midnight */
    PGBIN_TIMESTAMP,    /* int64 microseconds since 2000-01-01 00:00:00 (UTC for tz) */
    PGBIN_UUID,         /* 16 bytes */
    PGBIN_JSONB         /* version byte 1, then the JSON text */
} pgbin_kind;

/* pgbin_kind_for — how a cell of logical kind lk goes into a column of the
 * PostgreSQL type with OID typid (typtype is pg_type.typtype: 'b' base,
 * 'e' enum, 'd' domain, ...). A pair is encoded only when every canonical
 * value of lk yields in binary exactly what the same text would yield
 * through COPY text format, including the server's own refusals (lengths,
 * numeric precision, enum labels, JSON syntax): e.g. int64 into an int4
 * column is PGBIN_NONE, because a value beyond int4 would have to be
 * refused here instead of by the server. */
pgbin_kind pgbin_kind_for(ltype_kind lk, unsigned typid, char typtype);

/* pgbin_kind_name — "int4", "numeric", ... for messages. */
const char *pgbin_kind_name(pgbin_kind k);

/* pgbin_add_header / pgbin_add_trailer — the stream's first and last bytes. */
void pgbin_add_header(strbuf *sb);
void pgbin_add_trailer(strbuf *sb);
/* pgbin_add_row — a row's field count. */
void pgbin_add_row(strbuf *sb, int nfields);
/* pgbin_add_null — a NULL field. */
void pgbin_add_null(strbuf *sb);

/* pgbin_add_field — append the field for the canonical text p[0..n) as k
 * (length word and bytes). Returns 0, or -1 when p is not the canonical
 * form k reads (for example "1.5" as an integer, "2024-02-30" as a date):
 * then sb is as before and *why points to a static one-line reason. */
int pgbin_add_field(strbuf *sb, pgbin_kind k, const char *p, size_t n, const char **why);

#endif
