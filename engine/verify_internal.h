/* verify_internal.h — what the files of `ferry verify` share: how a column
 * is compared (verify_hash.c), the canonical JSON form (verify_json.c), the
 * per-table results (verify.c fills them) and their output
 * (verify_report.c). Not used outside engine/verify*.c. */
#ifndef FERRY_VERIFY_INTERNAL_H
#define FERRY_VERIFY_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include "plan.h"
#include "util.h"
#include "value.h"

struct cJSON;

/* ---- comparing values (verify_hash.c) ---- */

/* What is done to a column's canonical value (convert.h) before it is
 * hashed, on both sides alike. Only changes that keep the value's meaning
 * under the column's type, or that undo a loss the plan declared. */
enum {
    VC_STRIP_BLANKS = 1 << 0,   /* char(n): trailing blanks carry no meaning */
    VC_JSON         = 1 << 1,   /* JSON: compared as JSON values (verify_json.c) */
    VC_DECIMAL      = 1 << 2,   /* decimal: trailing zeros of the fraction dropped, -0 is 0 */
    VC_DEC_SIG15    = 1 << 3,   /* declared lossy into SQLite's binary float: 15 digits */
    VC_DEC_ROUND    = 1 << 4,   /* declared lossy into a smaller MySQL scale: rounded */
    VC_NEGZERO      = 1 << 5    /* declared lossy float: -0 stored as 0 */
};

typedef struct vcol {
    const plan_column *pc;      /* the plan's column: names, logical type, lossy */
    ltype       lt;             /* the type both sides' values are read as */
    unsigned    flags;          /* VC_* */
    int         round_scale;    /* VC_DEC_ROUND: digits kept after the point */
    const char *how;            /* declared lossy: how it is compared (static text) */
} vcol;

/* vcol_setup — decide how plan column pc is compared when the target is
 * engine dst (ENGINE_* of url.h); round_buf holds the "how" text when it
 * must be formatted (at least 96 bytes, owned by the caller). */
void vcol_setup(vcol *vc, const plan_column *pc, int dst_engine, char *round_buf, size_t cap);

/* vhasher — the per-side state of hashing rows (buffers reused from row
 * to row; one per thread). */
typedef struct vhasher {
    const vcol *cols;
    int         ncols;
    int         zero_dates_null;  /* --zero-dates null: MySQL zero dates read as NULL */
    strbuf      row, cell, tmp;
    size_t     *offs;             /* where each column's bytes start in row (ncols + 1) */
} vhasher;

void vhasher_init(vhasher *h, const vcol *cols, int ncols, int zero_dates_null);
void vhasher_free(vhasher *h);

/* vh_row — the XXH3-64 hash of one row (vals: one value per column, in
 * column order) into *hash. Returns 0, or -1 when a value could not be
 * read as its column's type: *bad_col and *reason (thread-local, valid
 * until the next conversion on this thread) name the first such column;
 * the hash is still computed, over a marker and the raw value. */
int vh_row(vhasher *h, const ferry_value *vals, uint64_t *hash, int *bad_col,
           const char **reason);
/* vh_col_hash — after vh_row, the hash of column c's bytes alone (to name
 * the columns of a row that differ). */
uint64_t vh_col_hash(const vhasher *h, int c);

/* ---- JSON (verify_json.c) ---- */

/* vjson_canon — append the canonical form of the JSON text p[0..n) to out:
 * no white space, object members sorted by key (the last of duplicate keys
 * kept, as PostgreSQL's jsonb and MySQL do), strings with only the escapes
 * JSON requires, numbers as exact decimal mantissa and exponent ("25e-1"
 * for 2.50, 2.5 and 0.25e1). Returns 0, or -1 (out unchanged) when p is not
 * JSON. */
int vjson_canon(const char *p, size_t n, strbuf *out);

/* ---- results (filled by verify.c, printed by verify_report.c) ---- */

enum { VS_SRC = 0, VS_TGT = 1 };

typedef enum vt_status {
    VT_EQUAL = 0,
    VT_DIFFERENT,       /* counts or checksums differ, or values unreadable */
    VT_MISSING,         /* no such table in the target */
    VT_COLUMNS          /* the target table lacks columns of the plan */
} vt_status;

typedef enum vrow_change { VR_CHANGED = 0, VR_MISSING, VR_EXTRA } vrow_change;

#define VERIFY_KEYS_SHOWN 10    /* differing keys listed per chunk */

#define VERIFY_COLS_SHOWN 3     /* differing columns named per changed row */

typedef struct vrow_diff {
    int64_t     key;
    vrow_change change;
    int         ncols;          /* VR_CHANGED: differing columns found (-1: not looked up) */
    int         cols[VERIFY_COLS_SHOWN];   /* their indexes in the table's vcols */
} vrow_diff;

/* One compared unit (a chunk, or the whole table) that differs. */
typedef struct vunit_diff {
    int      chunk_id;          /* the plan's chunk id, -1 for a whole table */
    int      has_lo, has_hi;
    int64_t  lo, hi;
    int64_t  rows[2];
    uint64_t sum[2];
    int64_t  bad[2];            /* values that could not be read as their type */
    int      itemized;          /* the differing keys below are complete counts */
    int64_t  nchanged, nmissing, nextra;
    int      nshown;
    vrow_diff shown[VERIFY_KEYS_SHOWN];
    const char *why_not_itemized;  /* NULL, or why no key is named */
} vunit_diff;

/* The first value of a side that could not be read as its column's type. */
typedef struct vbad {
    int64_t count;
    int     col;                /* index in the table's vcols */
    int64_t key;
    int     keyed;              /* key is a key value (else a row number) */
    char   *reason;
} vbad;

typedef struct vtable {
    const plan_table *pt;
    const char *target_name;    /* as found in the target (catalog spelling) */
    vt_status   status;
    int64_t     rows[2];
    uint64_t    sum[2];
    const char *key_name;       /* target key column, NULL when compared whole */
    const char *whole_reason;   /* why compared as one unit (NULL when chunked) */
    int         nunits;
    int         nunits_different;
    vunit_diff *diffs;
    int         ndiffs, cap_diffs;
    vbad        bad[2];
    int         nmissing_cols, nextra_cols;
    const char **missing_cols, **extra_cols;
    vcol       *cols;
    int         ncols;
    double      seconds;
} vtable;

typedef struct vsummary {
    int     tables, equal, different, missing;
    int64_t rows[2];
    double  seconds;
} vsummary;

/* Output (verify_report.c). Human text goes to a FILE; JSON is built as
 * cJSON. Names are the target's; passwords never appear (displays only). */
void vreport_header(FILE *out, const char *src, const char *dst, const char *schema,
                    int nunits, int64_t chunk_rows);
void vreport_table(FILE *out, const vtable *t);
void vreport_summary(FILE *out, const vsummary *s, int nextra, const char *const *extra);
struct cJSON *vreport_table_json(const vtable *t);
/* vreport_range — "50001 <= id < 100001", "id < 50001", "all rows" into buf. */
void vreport_range(char *buf, size_t cap, const char *key, int has_lo, int64_t lo,
                   int has_hi, int64_t hi);

#endif
