/* mysql_internal.h — what the files of the MySQL/MariaDB driver share: the
 * connection struct, the error helpers (mysql.c), the statement helpers
 * (mysql_stmt.c), and the functions each file contributes to mysql_driver.
 * Only drivers/mysql*.c include it.
 *
 *   mysql.c           connection (URL options, TLS, session), errors, the
 *                     driver table
 *   mysql_stmt.c      statements with $N parameters, queries, transactions
 *   mysql_describe.c  the catalog (describe) from information_schema
 *   mysql_read.c      source side: snapshot, key statistics, split points, chunks
 *   mysql_fetch.c     source side: a chunk's rows over the binary protocol
 *   mysql_write.c     target side: the bulk load (array-bound INSERT on
 *                     MariaDB, multi-row INSERT, LOAD DATA LOCAL INFILE)
 */
#ifndef FERRY_MYSQL_INTERNAL_H
#define FERRY_MYSQL_INTERNAL_H

#include <stdint.h>
#include <stdlib.h>
#include <mysql.h>

#include "driver.h"

#define MY_STMT_SHOWN 80              /* statement characters shown in errors */

/* The bulk-load methods (set_option "copy_method"). */
typedef enum my_copy_method {
    MY_COPY_DEFAULT = 0,              /* bulk on MariaDB 10.2+, else insert */
    MY_COPY_LOAD,                     /* LOAD DATA LOCAL INFILE fed from memory */
    MY_COPY_INSERT,                   /* multi-row prepared INSERT */
    MY_COPY_BULK                      /* MariaDB: one-row INSERT executed for an array of rows */
} my_copy_method;

/* my_insert_stmt — a prepared multi-row INSERT of the current table for a
 * given number of rows (the bulk-load INSERT method). */
typedef struct my_insert_stmt {
    MYSQL_STMT *st;
    int         rows;                 /* rows per execution; 0 = unused slot */
} my_insert_stmt;

/* my_copy — the bulk-load state of a target connection, from copy_begin to
 * copy_end (or the failure that ends the load). */
typedef struct my_copy {
    int          active;
    int          method;              /* MY_COPY_LOAD, _INSERT or _BULK for this load */
    char        *table;               /* qualified table as given (quoted), for SQL and messages */
    char       **cols;                /* ncols quoted column names as given */
    ltype_kind  *kinds;               /* ncols logical kinds, to encode the cells */
    int          ncols;
    int64_t      rows_sent;           /* rows encoded since copy_begin */
    int64_t      rows_loaded;         /* rows the server took (statements done) */
    int64_t      first_pending;       /* rows_sent value of the first row not yet loaded */
    /* LOAD DATA: encoded rows not yet loaded; the local-infile handler
     * serves them from feed_pos while the statement runs. */
    char        *load_sql;
    strbuf       buf;
    size_t       feed_pos;
    int          feeding;             /* 1 while our LOAD DATA statement runs */
    /* INSERT: prepared statements (full groups and a remainder size). */
    my_insert_stmt ins[2];
    /* BULK: column-wise arrays of the rows of one batch. */
    MYSQL_STMT  *bulk;
    char       **bulk_ptrs;           /* bulk_cap value pointers (rows x columns) */
    unsigned long *bulk_lens;
    char        *bulk_inds;           /* STMT_INDICATOR_* */
    size_t       bulk_cap;            /* cells the arrays hold */
    MYSQL_BIND  *binds;               /* INSERT: rows * ncols of the largest group; BULK: ncols */
    unsigned long *lens;
    char        *nulls;               /* my_bool flags */
    size_t       nbinds;
} my_copy;

typedef struct my_conn {
    ferry_conn     base;              /* first: the engine sees ferry_conn * */
    MYSQL         *my;
    char          *display;           /* the URL's display form, safe to print */
    char          *password;          /* the URL's password, only to scrub messages */
    int            is_mariadb;
    unsigned long  version;           /* mysql_get_server_version: 101119 */
    unsigned long  max_packet;        /* @@max_allowed_packet (target) */
    int            local_infile_ok;   /* target: the server accepts LOAD DATA LOCAL */
    int            bulk_ok;           /* target: the server has COM_STMT_BULK_EXECUTE */
    my_copy_method copy_method;       /* set_option "copy_method" */
    size_t         load_piece;        /* bytes of rows per LOAD DATA statement */
    int            insert_rows;       /* rows per INSERT statement (upper bound) */
    my_copy        cp;
} my_conn;

/* --- mysql.c: errors --- */

/* my_err — record one error for c into e (may be NULL): code, sqlstate
 * (NULL or "" for none) and the formatted message, which must not contain
 * raw server text (see my_add_server_text). Returns -1. */
int my_err(const my_conn *c, ferry_err *e, int code, const char *sqlstate,
           const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* my_add_server_text — append text from the server or the client library
 * to sb as part of one line: the URL's password scrubbed, line breaks
 * folded, at most max bytes (cut on a character boundary, then "..."). */
void my_add_server_text(const my_conn *c, strbuf *sb, const char *raw, size_t max);
/* my_add_stmt — append the first MY_STMT_SHOWN characters of sql, folded
 * to one line. */
void my_add_stmt(strbuf *sb, const char *sql);
/* my_fail — record the connection's last error (mysql_errno/sqlstate/
 * error) with context what (e.g. "reading table `t`"); sql, when not NULL,
 * is shown by its first characters. Lost connections become FERRY_E_LOST
 * (the engine reconnects, --retries) with advice to rerun; dflt is the code
 * otherwise. Returns -1. */
int my_fail(const my_conn *c, ferry_err *e, int dflt, const char *what, const char *sql);
/* my_fail_stmt — the same for a prepared statement's error. */
int my_fail_stmt(const my_conn *c, MYSQL_STMT *st, ferry_err *e, int dflt,
                 const char *what, const char *sql);
/* my_code_for — the ferry code for the error number of a statement on an
 * established connection: a lost connection FERRY_E_LOST (CR_SERVER_GONE_ERROR
 * 2006, CR_SERVER_LOST 2013, CR_SERVER_LOST_EXTENDED 2055, network read/write
 * errors, ER_CONNECTION_KILLED 1927, ER_SERVER_SHUTDOWN 1053, and the
 * CR_CONN_HOST_ERROR 2003 family a reconnecting client library reports), an
 * existing table FERRY_E_EXISTS, statement time limits FERRY_E_INTERRUPTED,
 * else dflt. Failed connection attempts are classified by my_connect_fail. */
int my_code_for(unsigned int errnum, int dflt);

/* my_oneline — copy s into buf (n bytes) with control characters as '?'
 * and cut to fit, for messages. */
const char *my_oneline(char *buf, size_t n, const char *s);
/* my_state_for — the SQLSTATE to report for server error or warning code
 * (state: what the server said, may be NULL): class 22/23 for every code
 * that means one row's values were refused (MySQL says 01000 or HY000 for
 * some, and LOCAL INFILE turns them all into warnings), so that the engine
 * isolates and rejects the row; otherwise the server's state. */
const char *my_state_for(unsigned int code, const char *state);

/* my_i64 — a number the server printed (NULL: 0). */
static inline int64_t my_i64(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

/* --- mysql_stmt.c --- */

/* my_run — run one statement (text protocol) and discard any result.
 * Errors are recorded with what as context (NULL: the statement shown). */
int my_run(my_conn *c, const char *sql, const char *what, ferry_err *e);
/* my_query_text — run one statement without parameters over the text
 * protocol, store the whole result and call cb per row (values NUL-
 * terminated, NULL for SQL NULL). For catalog queries. */
int my_query_text(my_conn *c, const char *sql, query_callback cb, void *ctx, ferry_err *e);
/* my_quote_ident — append name quoted with backticks (embedded ones doubled). */
void my_quote_ident(strbuf *out, const char *name);
/* my_add_table — append the backtick-quoted name of catalog table t
 * (schema-qualified when it has one). */
void my_add_table(strbuf *sb, const cat_table *t);

int  my_exec(ferry_conn *fc, const char *sql, ferry_err *e);
int  my_exec_params(ferry_conn *fc, const char *sql, int nparams, const char *const *vals,
                    ferry_err *e);
int  my_query(ferry_conn *fc, const char *sql, int nparams, const char *const *vals,
              query_callback cb, void *ctx, ferry_err *e);
int  my_begin(ferry_conn *fc, ferry_err *e);
int  my_commit(ferry_conn *fc, ferry_err *e);
void my_rollback(ferry_conn *fc);

/* --- mysql_describe.c --- */
int  my_describe(ferry_conn *fc, ferry_catalog *cat, ferry_err *e);

/* --- mysql_read.c --- */
int  my_begin_snapshot(ferry_conn *fc, ferry_err *e);
int  my_key_stats(ferry_conn *fc, const cat_table *t, const char *key_column,
                  int64_t *count, int64_t *min, int64_t *max, ferry_err *e);
int  my_key_split_points(ferry_conn *fc, const cat_table *t, const char *key_column,
                         int64_t step, int64_t **points, int *npoints, ferry_err *e);
/* --- mysql_fetch.c: rows over the binary protocol --- */

/* my_fetch_rows — run sql (a chunk's SELECT: spec's columns, then the key
 * column at key_at when it is not among them; key_at -1: the key is the
 * row's ordinal, bounded by spec's lo/hi) as a prepared statement and
 * stream its rows into cb as my_read_chunk does. Returns 0, -1 with e set
 * (what names the read), or 1 when the server cannot prepare it (the
 * caller reads over the text protocol). */
int  my_fetch_rows(my_conn *c, const char *sql, size_t sql_len, const read_spec *spec, int key_at,
                   row_callback cb, void *ctx, const char *what, ferry_err *e);

int  my_read_chunk(ferry_conn *fc, const read_spec *spec, row_callback cb, void *ctx,
                   ferry_err *e);

/* --- mysql_write.c --- */
/* my_copy_setup — install the local-infile handler on a target connection
 * (it serves only ferry's own LOAD DATA, see mysql_write.c). */
void my_copy_setup(my_conn *c);
/* my_copy_reset — forget the current load (statements closed, buffers
 * kept); after a rollback or failure. */
void my_copy_reset(my_conn *c);
/* my_copy_free — release everything the bulk-load state owns (close). */
void my_copy_free(my_conn *c);
int  my_copy_begin(ferry_conn *fc, const char *qualified_table,
                   const char *const *quoted_cols, const ltype *types, int ncols,
                   ferry_err *e);
int  my_copy_batch(ferry_conn *fc, const batch *b, ferry_err *e);
int  my_copy_end(ferry_conn *fc, int64_t *rows, ferry_err *e);

#endif
