/* dumpfmt.h — ferry's portable dump format, version 1 (docs/dump-format.md):
 * a directory holding manifest.json and one zstd-compressed chunk file per
 * chunk. Three layers, usable on their own:
 *
 *   rows      (dumpfmt_rows.c)     the compact typed encoding of the rows of
 *                                  one chunk: canonical cells (convert.h) in,
 *                                  the same canonical cells (or ferry_values)
 *                                  out, byte for byte
 *   files     (dumpfmt_file.c)     a chunk file: header, zstd stream of
 *                                  encoded rows, trailer with counts and
 *                                  XXH3-64 checksums; written under NAME.tmp,
 *                                  fsynced, renamed; read back streaming
 *   manifest  (dumpfmt_manifest.c) manifest.json: format version, source,
 *                                  the logical schema, the chunks; replaced
 *                                  atomically
 *
 * Every error names the file it concerns. Nothing here knows about drivers,
 * plans or the CLI: the integration fills dump_manifest from its catalog and
 * plan, and feeds batches to a dumpfmt_writer. */
#ifndef FERRY_DUMPFMT_H
#define FERRY_DUMPFMT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "types.h"
#include "util.h"
#include "value.h"

/* The format version this ferry writes and the newest it reads. A reader
 * refuses anything newer, naming the file (see "Compatibility" in
 * docs/dump-format.md). */
#define DUMPFMT_VERSION        1

#define DUMPFMT_MANIFEST       "manifest.json"
#define DUMPFMT_DATA_DIR       "data"
#define DUMPFMT_CHUNK_MAGIC    "FERRYCHK"      /* 8 bytes, first in a chunk file */
#define DUMPFMT_TRAILER_MAGIC  "FERRYEND"      /* 8 bytes, last in a chunk file */
#define DUMPFMT_TRAILER_SIZE   48
#define DUMPFMT_HEADER_FIXED   40              /* header bytes besides the columns */
#define DUMPFMT_COLUMN_SIZE    14              /* header bytes per column */
#define DUMPFMT_MAX_COLUMNS    65535

/* =====================================================================
 * Rows: the typed encoding of one chunk's rows (dumpfmt_rows.c)
 * ===================================================================== */

/* The per-column states of a row's state map (2 bits per column). */
enum {
    DUMPFMT_CELL_VALUE   = 0,    /* the value in its type's compact form */
    DUMPFMT_CELL_NULL    = 1,    /* SQL NULL, no bytes follow */
    DUMPFMT_CELL_VERBATIM = 2    /* the cell's exact bytes (length-prefixed): a
                                  * cell the compact form would not give back
                                  * byte for byte */
};

/* dumpfmt_codec — encoder and decoder state for the rows of one chunk:
 * the column types, scratch memory, and the last decoded row. One per
 * thread. */
typedef struct dumpfmt_codec {
    int          ncols;
    ltype       *types;          /* owned copy */
    strbuf       scratch;        /* encoder: canonical text of a float */
    /* the last decoded row (dumpfmt_decode_row) */
    strbuf       text;           /* canonical text produced by the decoder */
    const char **ptr;            /* per column: the canonical bytes (NULL for NULL) ... */
    int32_t     *len;            /* ... and their length (-1 for NULL) */
    ferry_value *vals;           /* per column: the value for convert_value */
    uint32_t    *toff;           /* private: offsets into text, -1 = into the input */
    uint64_t     verbatim;       /* cells encoded verbatim so far (statistics) */
} dumpfmt_codec;

void dumpfmt_codec_init(dumpfmt_codec *c, const ltype *types, int ncols);
void dumpfmt_codec_free(dumpfmt_codec *c);

/* dumpfmt_encode_row — append the encoding of one row to out. ptr[i]/len[i]
 * is column i's canonical cell (len -1 or ptr NULL: NULL). Never fails: a
 * cell the compact form of its type would not reproduce byte for byte is
 * stored verbatim (counted in c->verbatim). Returns the bytes appended. */
size_t dumpfmt_encode_row(dumpfmt_codec *c, const char *const *ptr, const int32_t *len,
                          strbuf *out);
/* dumpfmt_encode_batch_row — the same for row `row` of batch b (b->ncols must
 * equal c->ncols). */
size_t dumpfmt_encode_batch_row(dumpfmt_codec *c, const batch *b, size_t row, strbuf *out);

/* dumpfmt_encode_value — the compact form of value v for a column of type
 * t, straight from the source's value, skipping its canonical text: append
 * it to out and return 0 when that gives the very bytes convert_value then
 * dumpfmt_encode_row would (integers, short floats, canonical dates and
 * timestamps); return -1, appending nothing, for any other value, which
 * then takes the usual way. The dump driver's encode_cell hook (driver.h):
 * the reader stores such cells as encoded (batch_cell_end_encoded) and
 * dumpfmt_encode_batch_row copies them. */
int dumpfmt_encode_value(const ltype *t, const ferry_value *v, strbuf *out);

/* dumpfmt_decode_row — decode one row from p[0..n). Returns the bytes it
 * took (> 0) with the row in c->ptr/c->len (canonical cells, exactly what
 * was encoded) and c->vals (ferry_values that convert_value with the
 * column's logical type turns into the same cells); valid until the next
 * call, and pointing into p as well as into c. Returns 0 when p holds only
 * part of a row, *need getting a lower bound of the bytes the row needs
 * (from p); -1 when the bytes are not a valid row, *why saying what is
 * wrong. */
long dumpfmt_decode_row(dumpfmt_codec *c, const void *p, size_t n, size_t *need,
                        const char **why);
/* dumpfmt_codec_row_to_batch — append the last decoded row to b as a
 * committed row (b->ncols must equal c->ncols). */
void dumpfmt_codec_row_to_batch(const dumpfmt_codec *c, batch *b);

/* Varints (LEB128, at most 10 bytes) and zigzag, exposed for tests. */
void   dumpfmt_put_uvarint(strbuf *out, uint64_t v);
/* dumpfmt_get_uvarint — 1..10 bytes taken, 0 when p ends inside the
 * varint, -1 when it is longer than 10 bytes or overflows 64 bits. */
int    dumpfmt_get_uvarint(const unsigned char *p, size_t n, uint64_t *v);
static inline uint64_t dumpfmt_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t dumpfmt_unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* =====================================================================
 * Chunk files (dumpfmt_file.c)
 * ===================================================================== */

/* dumpfmt_chunk_info — what a finished (or read) chunk file holds; the
 * manifest records it. */
typedef struct dumpfmt_chunk_info {
    uint32_t table_id, chunk_id;
    uint64_t rows;
    uint64_t bytes;              /* uncompressed payload (encoded rows) */
    uint64_t compressed_bytes;   /* the whole file: header + zstd + trailer */
    uint64_t checksum;           /* XXH3-64 of the uncompressed payload */
    uint64_t file_checksum;      /* XXH3-64 of the file's bytes before its last 16 */
    int      workers;            /* zstd worker threads used (0: single-threaded) */
} dumpfmt_chunk_info;

typedef struct dumpfmt_write_opts {
    int level;                   /* zstd level; 0 means zstd's default (3) */
    int workers;                 /* zstd worker threads (ZSTD_c_nbWorkers); 0: none.
                                  * Ignored (0 used) when libzstd is single-threaded */
} dumpfmt_write_opts;

typedef struct dumpfmt_writer dumpfmt_writer;

/* dumpfmt_chunk_file_name — the file name (relative to the dump directory)
 * of a chunk: "data/t000003-c00000017.fdc". */
void dumpfmt_chunk_file_name(uint32_t table_id, uint32_t chunk_id, char *buf, size_t n);

/* dumpfmt_dir_prepare — create the dump directory and its data/ directory
 * when missing (parents must exist), fsync them. 0 or -1 (FERRY_E_IO). */
int dumpfmt_dir_prepare(const char *dir, ferry_err *e);

/* dumpfmt_writer_open — start chunk file dir/file (file relative to dir, as
 * dumpfmt_chunk_file_name makes it) for ncols columns of the given types:
 * creates dir/file.tmp (replacing a leftover one) and writes the header.
 * NULL with e set (FERRY_E_IO, naming the file) on failure. */
dumpfmt_writer *dumpfmt_writer_open(const char *dir, const char *file, uint32_t table_id,
                                    uint32_t chunk_id, const ltype *types, int ncols,
                                    const dumpfmt_write_opts *o, ferry_err *e);
/* dumpfmt_writer_add_batch — encode and compress all rows of b. */
int dumpfmt_writer_add_batch(dumpfmt_writer *w, const batch *b, ferry_err *e);
/* dumpfmt_writer_add_row — one row as canonical cells (see dumpfmt_encode_row). */
int dumpfmt_writer_add_row(dumpfmt_writer *w, const char *const *ptr, const int32_t *len,
                           ferry_err *e);
/* dumpfmt_writer_finish — end the zstd stream, write the trailer, fsync,
 * rename file.tmp to file, fsync the directory; fills *info (may be NULL).
 * Only then is the chunk durable under its name and may the manifest record
 * it. Frees w whatever happens (on failure the .tmp file is removed). */
int dumpfmt_writer_finish(dumpfmt_writer *w, dumpfmt_chunk_info *info, ferry_err *e);
/* dumpfmt_writer_abort — give up: close and remove file.tmp, free w.
 * NULL-safe. */
void dumpfmt_writer_abort(dumpfmt_writer *w);
/* dumpfmt_writer_rows — rows added so far. */
uint64_t dumpfmt_writer_rows(const dumpfmt_writer *w);

typedef struct dumpfmt_reader dumpfmt_reader;

/* dumpfmt_reader_open — open a chunk file, check its header (magic,
 * version, header checksum) and its trailer (present, sizes consistent).
 * NULL with e set (FERRY_E_IO; the message starts with the path) when the
 * file is missing, is not a chunk file, is from a newer format version, or
 * is truncated. The reader holds a bounded amount of memory: one input and
 * one output block of zstd plus the largest row. */
dumpfmt_reader *dumpfmt_reader_open(const char *path, ferry_err *e);
void dumpfmt_reader_close(dumpfmt_reader *r);               /* NULL-safe */
/* dumpfmt_reader_info — header and trailer of the open file (rows, bytes,
 * checksums as the trailer records them; workers 0). */
const dumpfmt_chunk_info *dumpfmt_reader_info(const dumpfmt_reader *r);
/* dumpfmt_reader_types — the column types from the header; *ncols set. */
const ltype *dumpfmt_reader_types(const dumpfmt_reader *r, int *ncols);
/* dumpfmt_reader_next_batch — append up to max_rows decoded rows to b
 * (b->ncols must match). Returns the rows appended (> 0), 0 at the end of
 * the chunk once every check passed (row count, payload size and checksum,
 * file checksum, nothing after the trailer), -1 with e set. Rows are handed
 * over as they are decoded: the chunk is good only once 0 was returned, so
 * a restore commits a chunk only then. */
long dumpfmt_reader_next_batch(dumpfmt_reader *r, batch *b, size_t max_rows, ferry_err *e);
/* dumpfmt_reader_next_row — one row as ferry_values (*vals has ncols
 * entries, valid until the next call): 1, 0 at the verified end, -1. */
int dumpfmt_reader_next_row(dumpfmt_reader *r, const ferry_value **vals, ferry_err *e);
/* dumpfmt_reader_codec — the codec holding the last row (its canonical
 * cells in ptr/len), for callers of dumpfmt_reader_next_row. */
const dumpfmt_codec *dumpfmt_reader_codec(const dumpfmt_reader *r);

/* dumpfmt_verify_file — read a whole chunk file, decoding every row, and
 * check it; when want is not NULL also compare with what the manifest
 * recorded (table and chunk ids, rows, bytes, file size, both checksums).
 * *got (may be NULL) gets what the file holds. 0 or -1 with e naming the
 * file and the first problem. */
int dumpfmt_verify_file(const char *path, const dumpfmt_chunk_info *want,
                        dumpfmt_chunk_info *got, ferry_err *e);
/* dumpfmt_check_file — the quick check: header, trailer, size and the
 * file checksum (disk speed, no decompression); compared with want when
 * not NULL. */
int dumpfmt_check_file(const char *path, const dumpfmt_chunk_info *want,
                       dumpfmt_chunk_info *got, ferry_err *e);

/* dumpfmt_write_file_atomic — write data to dir/name through dir/name.tmp:
 * write, fsync, rename, fsync dir. 0 or -1 (FERRY_E_IO naming the file). */
int dumpfmt_write_file_atomic(const char *dir, const char *name, const void *data,
                              size_t n, ferry_err *e);

/* dumpfmt_kind_code / dumpfmt_kind_from_code — the frozen wire codes of the
 * logical types (docs/dump-format.md), independent of ltype_kind's order;
 * LT_UNKNOWN / code 0 when there is none. */
int        dumpfmt_kind_code(ltype_kind k);
ltype_kind dumpfmt_kind_from_code(int code);

/* =====================================================================
 * Manifest (dumpfmt_manifest.c)
 * ===================================================================== */

/* The logical schema of a dump: generic, filled by the integration from
 * ferry_catalog and the plan. Every string and array lives in the
 * manifest's arena (m->mem): allocate with arena_alloc/arena_strdup on it.
 * NULL strings are absent (null in JSON). */
typedef struct dump_column {
    char  *name;
    ltype  lt;               /* JSON "type": ltype_format text, e.g. "decimal(10,2)" */
    char  *native_type;      /* the source's declared type, "" when none */
    int    nullable;
    char  *default_expr;     /* the source's default expression text */
    char  *comment;
    int    identity;         /* values assigned by the engine (identity, serial, AUTO_INCREMENT) */
    char  *generated_expr;   /* generated column: its expression (source dialect) */
    int    generated_stored;
    char  *collation;
    int    nlabels;          /* enum: the labels in declaration order */
    char **labels;
    char  *enum_type;        /* PostgreSQL: the enum type's name ... */
    char  *enum_create;      /* ... and its CREATE TYPE text */
    char  *on_update;        /* MySQL ON UPDATE expression */
    char  *lossy;            /* what reading the native type as the logical type lost */
} dump_column;

typedef struct dump_index_part {
    char *column;            /* column name, or NULL for an expression ... */
    char *expr;              /* ... given here (source dialect) */
    int   desc;
    char *collation;
} dump_index_part;

typedef struct dump_index {
    char *name;
    int   unique;
    int   is_constraint;     /* a UNIQUE constraint rather than an index */
    int   nparts;
    dump_index_part *parts;
    char *where;             /* partial index predicate */
    char *sql;               /* the source's CREATE INDEX text */
} dump_index;

typedef struct dump_fk {
    char  *name;
    int    ncols;
    char **cols;
    char  *ref_schema;
    char  *ref_table;
    char **ref_cols;         /* ncols entries; NULL array: the referenced primary key */
    char  *on_delete, *on_update;
    int    deferrable;
} dump_fk;

typedef struct dump_check {
    char *name;
    char *expr;
} dump_check;

typedef struct dump_table {
    int      id;             /* its index in tables[]; chunks and chunk files use it */
    char    *schema;         /* NULL for SQLite */
    char    *name;
    char    *comment;
    int      ncols;          /* the columns stored in the chunk files, in that order */
    dump_column *cols;
    int      npk;
    char   **pk;             /* primary key column names in key order */
    char    *pk_name;
    int      nindexes;
    dump_index *indexes;
    int      nfks;
    dump_fk *fks;
    int      nchecks;
    dump_check *checks;
    char    *identity_column;/* the auto-assigned id column, NULL if none ... */
    int64_t  identity_high;  /* ... and the highest id ever handed out (0 unknown) */
    char    *key_column;     /* the chunking column, NULL: rowid or whole table */
    char    *rowid_alias;    /* SQLite: the INTEGER PRIMARY KEY column, NULL if none */
    int      autoincrement;  /* SQLite AUTOINCREMENT / MySQL AUTO_INCREMENT / identity */
    int      has_rowid;      /* SQLite: a rowid table (not WITHOUT ROWID) */
    char    *sql;            /* the source's CREATE TABLE text */
    int64_t  est_rows;       /* the source's estimate, -1 unknown */
} dump_table;

typedef struct dump_sequence {
    char   *schema, *name;
    char   *owned_by;        /* "table.column", NULL if free-standing */
    int64_t last_value;
    int64_t increment;
    int     is_called;       /* PostgreSQL: last_value was handed out */
} dump_sequence;

typedef struct dump_view {
    char *schema, *name;
    char *select_sql;        /* the SELECT part */
    char *sql;               /* the full CREATE VIEW text (source dialect) */
    char *comment;
} dump_view;

/* dump_chunk — one chunk as the manifest records it, after its file was
 * renamed into place. */
typedef struct dump_chunk {
    int      table_id;
    int      id;             /* chunk id, unique within the dump */
    int      has_lo, has_hi; /* key range [lo, hi), open ends when 0 */
    int64_t  lo, hi;
    char    *file;           /* relative to the dump directory (malloc'd, owned) */
    uint64_t rows, bytes, compressed_bytes;
    uint64_t checksum, file_checksum;
} dump_chunk;

typedef struct dump_manifest {
    arena    mem;
    int      format_version;     /* DUMPFMT_VERSION when written by this ferry */
    char    *ferry_version;      /* "0.1.0" */
    char    *created;            /* ISO 8601 UTC, when the dump started */
    char    *finished;           /* when it was marked complete, NULL before */
    int      complete;           /* 1 only once every chunk and the schema are written */
    /* source */
    char    *src_engine;         /* "postgresql", "mysql", "sqlite" */
    char    *src_server_version; /* "PostgreSQL 15.18" */
    char    *src_url;            /* display form, never a password */
    char    *snapshot;           /* the snapshot the data was read at (pg_export_snapshot id), NULL */
    char    *snapshot_time;      /* when that snapshot was taken */
    /* how the chunks were written */
    int      level;              /* zstd level */
    int64_t  chunk_rows;         /* rows per chunk asked for */
    /* schema */
    int      ntables;
    dump_table *tables;
    int      nsequences;
    dump_sequence *sequences;
    int      nviews;
    dump_view *views;
    /* job — what the writer of the dump keeps to resume it and to plan
     * the next dump of a series (drivers/dump_state.c owns its content):
     * an opaque JSON object written under "job", NULL when absent. */
    struct cJSON *job;
    /* chunks (malloc'd array, grows; see dump_manifest_put_chunk) */
    size_t   nchunks, cap_chunks;
    dump_chunk *chunks;
} dump_manifest;

/* dump_manifest_init — empty manifest (format_version = DUMPFMT_VERSION). */
void dump_manifest_init(dump_manifest *m);
void dump_manifest_free(dump_manifest *m);

/* dump_manifest_put_chunk — record c (its file string is copied), replacing
 * the record of the same table_id and id if there is one (a chunk redone
 * on resume). Returns the record. */
dump_chunk *dump_manifest_put_chunk(dump_manifest *m, const dump_chunk *c);
/* dump_manifest_find_chunk — the record of (table_id, id), or NULL. */
const dump_chunk *dump_manifest_find_chunk(const dump_manifest *m, int table_id, int id);
/* dump_chunk_from_info — a record from what dumpfmt_writer_finish said. */
void dump_chunk_from_info(dump_chunk *c, const dumpfmt_chunk_info *info, const char *file);
/* dump_chunk_info — the reverse, for dumpfmt_verify_file's want. */
void dump_chunk_info(const dump_chunk *c, dumpfmt_chunk_info *info);

/* dump_manifest_to_json — the manifest as JSON text (caller frees). */
char *dump_manifest_to_json(const dump_manifest *m);
/* dump_manifest_write — write dir/manifest.json atomically (manifest.json.tmp,
 * fsync, rename, fsync dir). 0 or -1 (FERRY_E_IO naming the file). */
int dump_manifest_write(const char *dir, const dump_manifest *m, ferry_err *e);
/* dump_manifest_parse — fill m (initialised here) from JSON text; name is
 * the file named in errors. Refuses a newer format_version, a document that
 * is not a ferry dump manifest, and inconsistencies (dump_manifest_check).
 * 0, or -1 with e set (FERRY_E_IO; the message starts with name) and m
 * freed. */
int dump_manifest_parse(const char *text, size_t n, const char *name, dump_manifest *m,
                        ferry_err *e);
/* dump_manifest_read — dump_manifest_parse of dir/manifest.json. */
int dump_manifest_read(const char *dir, dump_manifest *m, ferry_err *e);
/* dump_manifest_check — internal consistency: table ids are their
 * indexes, table names are unique, column types are known, chunks refer to
 * tables, (table_id, id) and file names are unique, file names are
 * relative paths inside the dump (no "..", not absolute), a complete dump
 * has its finished time. name is used in the message. 0 or -1. */
int dump_manifest_check(const dump_manifest *m, const char *name, ferry_err *e);

/* dump_table_check_types — a chunk file's column types (from its header)
 * are those of table t in the manifest; path is named in the message.
 * 0 or -1. */
int dump_table_check_types(const dump_table *t, const ltype *types, int ncols, const char *path,
                           ferry_err *e);

/* dump_verify_summary — what dump_verify_dir found. */
typedef struct dump_verify_summary {
    int      complete;
    size_t   tables, chunks, bad_chunks;
    size_t   problems;           /* bad chunks, an incomplete dump, gaps in key ranges */
    size_t   notes;              /* leftover .tmp files, unrecorded chunk files */
    uint64_t rows, bytes, compressed_bytes;   /* of the good chunks */
} dump_verify_summary;

/* dump_verify_dir — `ferry verify DIR`: read the manifest (refusing a newer
 * or damaged one), then check every chunk file: its header types against
 * the manifest's columns, and either every row decoded with all checksums
 * (quick = 0) or its file checksum (quick = 1), against what the manifest
 * recorded; a complete dump's chunks must cover each table's key space
 * (which finds a chunk missing from the manifest); files in data/ that
 * the manifest does not record are noted. Appends a readable report to
 * report: a header line, a line per table ("ok") and per problem ("BAD",
 * naming the file), notes, and a summary line ("OK: ..." or "DAMAGED:
 * ..."). Returns 0 when the dump is whole, 1 when problems were found,
 * -1 (e set, naming the manifest) when there is no readable manifest. */
int dump_verify_dir(const char *dir, int quick, strbuf *report, dump_verify_summary *sum,
                    ferry_err *e);

#endif
