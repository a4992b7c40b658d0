/* sqlite_write.c — the SQLite driver's target side: connection settings,
 * statements with $1..$n parameters, transactions, and the bulk load (one
 * prepared INSERT per table, reused across chunks).
 *
 * DESIGN
 * Durability. A chunk's rows and its checkpoint row commit in one
 * transaction (BEGIN IMMEDIATE ... COMMIT). The target runs in WAL mode with
 * synchronous=NORMAL: every commit is atomic, and after a power loss the
 * last commits may be missing, but a chunk and its checkpoint always vanish
 * together, so resume redoes exactly the missing chunks. WAL also lets a
 * reader (the application, sqlite3, a status query) look at the target while
 * ferry writes. When WAL cannot be turned on (an in-memory database, a busy
 * file) the rollback journal stays, with synchronous=FULL. WAL is a property
 * of the file: when ferry turned it on, the last connection to close turns
 * it off again, so the result is one self-contained file as the user
 * expects (SQLite refuses the switch while anyone else has the file open,
 * and then WAL simply stays).
 *
 * Foreign keys are off on target connections (they are per connection and
 * off by default; set explicitly in case SQLite was built otherwise). SQLite
 * cannot add a constraint to an existing table, so the engine declares keys,
 * foreign keys and checks in CREATE TABLE; with enforcement off, tables load
 * in any order, and checking them is left to the engine after the load
 * (PRAGMA foreign_key_check).
 *
 * Values. Cells arrive in their canonical text form (convert.h) and are
 * bound by their column's logical type so that each stored value gets the
 * right storage class: integers and booleans as INTEGER, floats as REAL,
 * bytes as BLOB (an empty one stays a BLOB), the rest as TEXT. A decimal
 * that is a whole number fitting 64 bits is an INTEGER, any other its exact
 * text, which the column's affinity then keeps (TEXT) or turns into a REAL
 * (NUMERIC). Two logical types are stored in the form SQLite apps read:
 * - A uuid takes the form its column declares, since that is what the app
 *   that declared it reads and compares with: BINARY(16), VARBINARY(16)
 *   or a BLOB type get the 16 bytes (Advanced-Alchemy's GUID,
 *   sqlalchemy-utils' binary UUIDType), a text type of length 32 such as
 *   CHAR(32) the 32 lower-case hex digits (SQLAlchemy's Uuid, SQLModel,
 *   Django), anything else (UUID, TEXT, CHAR(36)) the 36-character text.
 *   Each form holds the same 128 bits, and ferry reads all three back as
 *   the same uuid.
 * - Times and timestamps get six fraction digits, always, and
 *   timestamptz its UTC time without the offset ("2024-01-02
 *   03:04:05.120000"): the form SQLAlchemy and Rails write, which every
 *   reader parses alike. A shorter fraction ("05.12") is refused by
 *   Python's fromisoformat before 3.11 and read as 12 microseconds by
 *   SQLAlchemy 1.4; the fixed width also makes text order time order. The
 *   offset is dropped as sqlite.map declares (the time is UTC).
 * SQLite keeps a whole REAL as an integer on disk, so -0.0 reads back as
 * 0.0. A value SQLite cannot keep at all (NaN, which it would store as
 * NULL) is refused with SQLSTATE class 22, and constraint failures get
 * class 23, so the engine isolates the row as on PostgreSQL. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* Connection settings                                                 */
/* ------------------------------------------------------------------ */

/* pragma_text — run a PRAGMA and copy its first result column into buf
 * (empty when there is none). Returns the SQLite result code. */
static int pragma_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    buf[0] = '\0';
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 0);
        snprintf(buf, n, "%s", s ? (const char *)s : "");
        src = SQLITE_OK;
    } else if (src == SQLITE_DONE) {
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src;
}

/* The files this process turned WAL on for (absolute paths, malloc'd), so
 * that whichever of its connections to such a file closes last turns WAL
 * off again, not only the one that turned it on. */
static pthread_mutex_t wal_mu = PTHREAD_MUTEX_INITIALIZER;
static char **wal_files;
static int    nwal_files;

/* wal_file — mark (op 1), unmark (op -1) or look up (op 0) path among the
 * files ferry turned WAL on for. Returns 1 when path is (was) marked. */
static int wal_file(const char *path, int op)
{
    int i, at = -1;

    if (!path || !*path) return 0;
    pthread_mutex_lock(&wal_mu);
    for (i = 0; i < nwal_files && at < 0; i++)
        if (strcmp(wal_files[i], path) == 0) at = i;
    if (op > 0 && at < 0) {
        wal_files = xrealloc(wal_files, (size_t)(nwal_files + 1) * sizeof *wal_files);
        wal_files[nwal_files++] = xstrdup(path);
    } else if (op < 0 && at >= 0) {
        free(wal_files[at]);
        wal_files[at] = wal_files[--nwal_files];
        if (nwal_files == 0) {
            free(wal_files);
            wal_files = NULL;
        }
    }
    pthread_mutex_unlock(&wal_mu);
    return at >= 0;
}

/* sq_target_open — the settings of a target connection (see DESIGN):
 * foreign keys off, WAL with synchronous=NORMAL when possible, else the
 * rollback journal with synchronous=FULL. A failure to turn on WAL is not
 * an error. */
int sq_target_open(sqlite_conn *c, ferry_err *e)
{
    const char *file = sqlite3_db_filename(c->db, "main");
    char before[32], after[32];
    int src;

    if ((src = sqlite3_exec(c->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL)) != SQLITE_OK)
        return sq_fail_db(c, e, FERRY_E_CONNECT, src, "target: turning foreign keys off");
    if ((src = pragma_text(c->db, "PRAGMA main.journal_mode", before, sizeof before)) != SQLITE_OK)
        return sq_fail_db(c, e, FERRY_E_CONNECT, src, "target: reading the journal mode");
    if (pragma_text(c->db, "PRAGMA main.journal_mode = WAL", after, sizeof after) != SQLITE_OK)
        after[0] = '\0';
    c->wal = strcmp(after, "wal") == 0;
    if (c->wal && strcmp(before, "wal") != 0) {
        wal_file(file, 1);
        c->wal_restore = 1;
    } else {
        c->wal_restore = c->wal && wal_file(file, 0);
    }
    src = sqlite3_exec(c->db, c->wal ? "PRAGMA main.synchronous = NORMAL"
                                     : "PRAGMA main.synchronous = FULL", NULL, NULL, NULL);
    if (src != SQLITE_OK)
        return sq_fail_db(c, e, FERRY_E_CONNECT, src, "target: setting synchronous");
    return 0;
}

/* insert_clear — forget the cached INSERT of c (finalized) and its copies. */
static void insert_clear(sq_insert *ins)
{
    int i;

    sqlite3_finalize(ins->st);
    ins->st = NULL;
    free(ins->sql);
    free(ins->table);
    for (i = 0; i < ins->ncols; i++) free(ins->cols[i]);
    free(ins->cols);
    free(ins->types);
    free(ins->uuid_form);
    ins->sql = ins->table = NULL;
    ins->cols = NULL;
    ins->types = NULL;
    ins->uuid_form = NULL;
    ins->ncols = 0;
    ins->active = 0;
}

/* sq_target_close — finalize the cached INSERT, roll back an open
 * transaction, and give the file back its rollback journal when ferry
 * turned WAL on (by this or another of its connections) and this is the
 * last connection: SQLite refuses the switch at once ("locked") while any
 * other connection, ferry's or not, has the file open, and WAL then stays
 * until the next one closes. Harmless for a source connection. */
void sq_target_close(sqlite_conn *c)
{
    char mode[32];

    insert_clear(&c->ins);
    if (!c->db) return;
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    if (c->wal_restore) {
        sqlite3_busy_timeout(c->db, 0);
        if (pragma_text(c->db, "PRAGMA main.journal_mode = DELETE", mode, sizeof mode)
                == SQLITE_OK && strcmp(mode, "delete") == 0)
            wal_file(sqlite3_db_filename(c->db, "main"), -1);
        c->wal_restore = 0;
    }
}

/* ------------------------------------------------------------------ */
/* Errors of statements                                                */
/* ------------------------------------------------------------------ */

/* sqlstate_for — the SQLSTATE a PostgreSQL server would give for SQLite
 * result rc, so that the engine treats refused rows alike on every target:
 * class 23 for constraints, class 22 for values; "" when none fits. */
static const char *sqlstate_for(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:      return "23505";
    case SQLITE_CONSTRAINT_NOTNULL:    return "23502";
    case SQLITE_CONSTRAINT_FOREIGNKEY: return "23503";
    case SQLITE_CONSTRAINT_CHECK:      return "23514";
#ifdef SQLITE_CONSTRAINT_DATATYPE
    case SQLITE_CONSTRAINT_DATATYPE:   return "22000";   /* STRICT tables */
#endif
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return "23000";
    case SQLITE_MISMATCH:   return "22000";
    case SQLITE_TOOBIG:     return "22000";
    default:                return "";
    }
}

/* set_sqlstate — e->sqlstate from rc (e may be NULL). */
static void set_sqlstate(ferry_err *e, int rc)
{
    if (e) snprintf(e->sqlstate, sizeof e->sqlstate, "%s", sqlstate_for(rc));
}

/* stmt_fail — record SQLite's error rc for statement sql on c: the
 * endpoint, SQLite's words, a hint, the statement, and the SQLSTATE.
 * msg is SQLite's message when it is not the connection's (sqlite3_exec).
 * Returns -1. */
static int stmt_fail(sqlite_conn *c, ferry_err *e, int rc, const char *msg, const char *sql)
{
    char snippet[120];

    sq_err(c, e, sq_code(rc, FERRY_E_SQL), "%s %s: %s%s (while running: %s)",
           sq_side_word(c), c->display, msg ? msg : sqlite3_errmsg(c->db), sq_hint(rc),
           sq_oneline(snippet, sizeof snippet, sql));
    set_sqlstate(e, rc);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

/* sqlite_exec — run sql (one or more statements, results discarded). */
int sqlite_exec(ferry_conn *base, const char *sql, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    char *msg = NULL;
    int src = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

    if (src == SQLITE_OK) return 0;
    stmt_fail(c, e, src, msg ? msg : sqlite3_errstr(src), sql);
    sqlite3_free(msg);
    return -1;
}

/* param_number — the number k of a parameter named "$k" or "?k", 0 when
 * name is no such name. */
static long param_number(const char *name)
{
    char *end;
    long k;

    if ((name[0] != '$' && name[0] != '?') || name[1] < '1' || name[1] > '9') return 0;
    errno = 0;
    k = strtol(name + 1, &end, 10);
    return errno || *end ? 0 : k;
}

/* bind_params — bind vals (text, NULL for SQL NULL; valid while st runs)
 * to the parameters of st. The engine writes them PostgreSQL's way, $1..$n
 * (SQLite's ?1..?n and a bare ? by position work too); a parameter used
 * twice is one parameter to SQLite, so reuse and any order just work. A
 * parameter without a value is an error, as on PostgreSQL. */
static int bind_params(sqlite_conn *c, sqlite3_stmt *st, const char *sql, int nparams,
                       const char *const *vals, ferry_err *e)
{
    int i, n = sqlite3_bind_parameter_count(st), src;

    for (i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        long k = name ? param_number(name) : i;
        char snippet[120];

        if (k < 1 || k > nparams)
            return sq_err(c, e, FERRY_E_INTERNAL, "%s %s: parameter %s has no value (%d given)"
                          " in: %s", sq_side_word(c), c->display, name ? name : "?", nparams,
                          sq_oneline(snippet, sizeof snippet, sql));
        src = vals[k - 1] ? sqlite3_bind_text(st, i, vals[k - 1], -1, SQLITE_STATIC)
                          : sqlite3_bind_null(st, i);
        if (src != SQLITE_OK) return stmt_fail(c, e, src, NULL, sql);
    }
    return 0;
}

/* prepare_one — prepare the single statement of sql into *st (NULL when
 * sql holds only white space or comments). A second statement is refused:
 * it would be silently ignored otherwise. */
static int prepare_one(sqlite_conn *c, const char *sql, sqlite3_stmt **st, ferry_err *e)
{
    sqlite3_stmt *rest = NULL;
    const char *tail = NULL;
    int src;

    *st = NULL;
    if ((src = sqlite3_prepare_v2(c->db, sql, -1, st, &tail)) != SQLITE_OK)
        return stmt_fail(c, e, src, NULL, sql);
    if (*st && tail && *tail) {
        src = sqlite3_prepare_v2(c->db, tail, -1, &rest, NULL);
        sqlite3_finalize(rest);
        if (src != SQLITE_OK || rest) {
            char snippet[120];
            sqlite3_finalize(*st);
            *st = NULL;
            return sq_err(c, e, FERRY_E_INTERNAL, "%s %s: more than one statement where one"
                          " was expected: %s", sq_side_word(c), c->display,
                          sq_oneline(snippet, sizeof snippet, sql));
        }
    }
    return 0;
}

/* sqlite_exec_params — run one statement with text parameters $1..$n,
 * results discarded. */
int sqlite_exec_params(ferry_conn *base, const char *sql, int nparams, const char *const *vals,
                       ferry_err *e)
{
    return sqlite_query(base, sql, nparams, vals, NULL, NULL, e);
}

/* sqlite_query — run one statement with text parameters $1..$n and call
 * cb (may be NULL) with each result row as text (NULL for SQL NULL; valid
 * during the call only). */
int sqlite_query(ferry_conn *base, const char *sql, int nparams, const char *const *vals,
                 query_callback cb, void *ctx, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = NULL;
    const char **row = NULL;
    int rc = -1, src, i, ncols;

    if (prepare_one(c, sql, &st, e)) goto out;
    if (!st) { rc = 0; goto out; }
    if (bind_params(c, st, sql, nparams, vals, e)) goto out;
    ncols = sqlite3_column_count(st);
    row = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *row);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (!cb) continue;
        for (i = 0; i < ncols; i++) {
            row[i] = (const char *)sqlite3_column_text(st, i);
            if (!row[i] && sqlite3_column_type(st, i) != SQLITE_NULL) {
                src = SQLITE_NOMEM;
                goto fail;
            }
        }
        if (cb(ctx, ncols, row, e) != 0) goto out;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    stmt_fail(c, e, src, NULL, sql);
out:
    sqlite3_finalize(st);
    free(row);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */
/* ------------------------------------------------------------------ */

/* sqlite_begin — BEGIN IMMEDIATE: the write lock is taken now, so another
 * writer makes us wait (busy timeout) here rather than fail mid-chunk.
 * SAVEPOINT / ROLLBACK TO / RELEASE work inside it through exec. */
int sqlite_begin(ferry_conn *base, ferry_err *e)
{
    return sqlite_exec(base, "BEGIN IMMEDIATE", e);
}

/* sqlite_commit — COMMIT. When it fails the transaction stays open and the
 * caller rolls it back. */
int sqlite_commit(ferry_conn *base, ferry_err *e)
{
    return sqlite_exec(base, "COMMIT", e);
}

/* sqlite_rollback — ROLLBACK when a transaction is open; best effort. The
 * cached INSERT is reset first so that no statement is left running. */
void sqlite_rollback(ferry_conn *base)
{
    sqlite_conn *c = (sqlite_conn *)base;

    if (c->ins.st) {
        sqlite3_reset(c->ins.st);
        sqlite3_clear_bindings(c->ins.st);
    }
    c->ins.active = 0;
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Bulk load                                                           */
/* ------------------------------------------------------------------ */

/* sq_uuid_form — how a uuid is stored in a column declared decl (NULL or
 * "" for none; see the DESIGN note): SQ_UUID_BLOB16 for a BLOB type or
 * BINARY/VARBINARY, SQ_UUID_HEX32 for a text type (CHAR, CLOB or TEXT in
 * it, SQLite's TEXT affinity) of length 32, SQ_UUID_TEXT otherwise. */
int sq_uuid_form(const char *decl)
{
    char name[64];
    size_t n = 0;
    const char *open;
    long len = -1;

    if (!decl) return SQ_UUID_TEXT;
    while (*decl == ' ' || *decl == '\t') decl++;
    for (; decl[n] && decl[n] != '(' && n + 1 < sizeof name; n++)
        name[n] = (char)((decl[n] >= 'a' && decl[n] <= 'z') ? decl[n] - 'a' + 'A' : decl[n]);
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t')) n--;
    name[n] = '\0';
    if ((open = strchr(decl, '(')) != NULL) {
        char *end;
        len = strtol(open + 1, &end, 10);
        while (*end == ' ') end++;
        if (*end != ')') len = -1;
    }
    if (strstr(name, "BLOB") || strcmp(name, "BINARY") == 0 || strcmp(name, "VARBINARY") == 0)
        return SQ_UUID_BLOB16;
    if (len == 32 && !strstr(name, "INT") &&
        (strstr(name, "CHAR") || strstr(name, "CLOB") || strstr(name, "TEXT")))
        return SQ_UUID_HEX32;
    return SQ_UUID_TEXT;
}

/* uuid_forms_load — ins->uuid_form from the declared types of the
 * INSERT's columns (a SELECT of them, prepared, never run). Returns 0 or
 * -1 with e set. */
static int uuid_forms_load(sqlite_conn *c, sq_insert *ins, ferry_err *e)
{
    strbuf sql = STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    int i, src, rc = -1;

    for (i = 0; i < ins->ncols; i++) strbuf_addf(&sql, "%s%s", i ? ", " : "SELECT ", ins->cols[i]);
    strbuf_addf(&sql, " FROM %s", ins->table);
    if ((src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL)) != SQLITE_OK) {
        stmt_fail(c, e, src, NULL, strbuf_cstr(&sql));
        goto out;
    }
    free(ins->uuid_form);
    ins->uuid_form = xcalloc((size_t)ins->ncols + 1, 1);
    for (i = 0; i < ins->ncols; i++)
        ins->uuid_form[i] = (unsigned char)sq_uuid_form(sqlite3_column_decltype(st, i));
    rc = 0;
out:
    sqlite3_finalize(st);
    strbuf_free(&sql);
    return rc;
}

/* sqlite_copy_begin — get the INSERT for table (qualified and quoted)
 * and its columns ready: the cached statement when it is for the same
 * table and columns, else a new prepared one, which replaces it. The
 * arrays are copied; the row count starts at 0. */
int sqlite_copy_begin(ferry_conn *base, const char *qualified_table,
                      const char *const *quoted_cols, const ltype *types, int ncols,
                      ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sq_insert *ins = &c->ins;
    strbuf sql = STRBUF_INIT;
    int i, src, rc = -1;

    strbuf_addf(&sql, "INSERT INTO %s ", qualified_table);
    if (ncols == 0) {
        strbuf_adds(&sql, "DEFAULT VALUES");
    } else {
        for (i = 0; i < ncols; i++) strbuf_addf(&sql, "%s%s", i ? ", " : "(", quoted_cols[i]);
        strbuf_adds(&sql, ") VALUES (");
        for (i = 0; i < ncols; i++) strbuf_adds(&sql, i ? ", ?" : "?");
        strbuf_adds(&sql, ")");
    }
    if (ins->st && strcmp(ins->sql, strbuf_cstr(&sql)) == 0) {
        sqlite3_reset(ins->st);
        sqlite3_clear_bindings(ins->st);
        memcpy(ins->types, types, (size_t)ncols * sizeof *types);
    } else {
        insert_clear(ins);
        src = sqlite3_prepare_v3(c->db, strbuf_cstr(&sql), -1, SQLITE_PREPARE_PERSISTENT,
                                 &ins->st, NULL);
        if (src != SQLITE_OK) {
            stmt_fail(c, e, src, NULL, strbuf_cstr(&sql));
            sqlite3_finalize(ins->st);
            ins->st = NULL;
            goto out;
        }
        ins->prepares++;
        ins->sql = xstrdup(strbuf_cstr(&sql));
        ins->table = xstrdup(qualified_table);
        ins->ncols = ncols;
        ins->cols = xcalloc((size_t)ncols + 1, sizeof *ins->cols);
        ins->types = xcalloc((size_t)ncols + 1, sizeof *ins->types);
        for (i = 0; i < ncols; i++) {
            ins->cols[i] = xstrdup(quoted_cols[i]);
            ins->types[i] = types[i];
        }
    }
    if (!ins->uuid_form)
        for (i = 0; i < ncols; i++)
            if (types[i].kind == LT_UUID) {
                if (uuid_forms_load(c, ins, e)) goto out;
                break;
            }
    ins->rows = 0;
    ins->active = 1;
    rc = 0;
out:
    strbuf_free(&sql);
    return rc;
}

/* cell_fail — a cell that cannot be stored: FERRY_E_TYPE with SQLSTATE
 * class 22, naming the table, the column and (when p is not NULL) the
 * value's first bytes. Returns -1. */
static int cell_fail(sqlite_conn *c, ferry_err *e, int col, const char *why, const char *p,
                     size_t len)
{
    char val[48], shown[48];

    if (p) {
        size_t n = len < sizeof val - 1 ? len : sizeof val - 1;
        memcpy(val, p, n);
        val[n] = '\0';
        sq_oneline(shown, sizeof shown, val);
    }
    sq_err(c, e, FERRY_E_TYPE, "%s %s: table %s column %s: %s%s%s%s", sq_side_word(c),
           c->display, c->ins.table, c->ins.cols[col], why, p ? " (value '" : "",
           p ? shown : "", p ? (len >= sizeof val - 1 ? "...')" : "')") : "");
    if (e) snprintf(e->sqlstate, sizeof e->sqlstate, "22000");
    return -1;
}

/* parse_int64 — the decimal integer of exactly p[0..len) into *out;
 * -1 when it is not one or does not fit. p is NUL-terminated (batch
 * cells are). */
static int parse_int64(const char *p, size_t len, int64_t *out)
{
    char *end;
    long long v;

    if (len == 0 || !((p[0] >= '0' && p[0] <= '9') || (p[0] == '-' && len > 1))) return -1;
    errno = 0;
    v = strtoll(p, &end, 10);
    if (errno || end != p + len) return -1;
    *out = v;
    return 0;
}

/* hex_nibble — the value of hex digit ch, -1 for anything else. */
static int hex_nibble(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* uuid_digits — the 32 hex digits of a canonical uuid p/len
 * ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") into hex (33 bytes); -1 when p
 * is not of that form. */
static int uuid_digits(const char *p, size_t len, char *hex)
{
    size_t i, h = 0;
    if (len != 36) return -1;
    for (i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (p[i] != '-') return -1;
            continue;
        }
        if (hex_nibble(p[i]) < 0) return -1;
        hex[h++] = p[i];
    }
    hex[h] = '\0';
    return 0;
}

/* time_text — a canonical time or timestamp p/len ("HH:MM:SS[.f]",
 * "YYYY-MM-DD HH:MM:SS[.f][+00:00]") as SQLite targets store it (see the
 * DESIGN note): the fraction padded to six digits, a "+00:00" offset
 * dropped. Into buf (at least 40 bytes); returns its length, 0 when p is
 * not of the canonical form (then it is bound as it is). */
static size_t time_text(const char *p, size_t len, char *buf)
{
    size_t secs_end, i, o;
    if (len >= 6 && memcmp(p + len - 6, "+00:00", 6) == 0) len -= 6;
    if (len >= 19 && p[10] == ' ' && p[13] == ':' && p[16] == ':') secs_end = 19;
    else if (len >= 8 && p[2] == ':' && p[5] == ':') secs_end = 8;
    else return 0;
    if (len > secs_end + 7 || (len > secs_end && (p[secs_end] != '.' || len == secs_end + 1)))
        return 0;
    memcpy(buf, p, secs_end);
    o = secs_end;
    buf[o++] = '.';
    for (i = secs_end + 1; i < secs_end + 7; i++) {
        if (i < len && (p[i] < '0' || p[i] > '9')) return 0;
        buf[o++] = i < len ? p[i] : '0';
    }
    buf[o] = '\0';
    return o;
}

/* bind_cell — bind cell p/len (NULL is SQL NULL) of column col by its
 * logical type; see the DESIGN note for the storage classes. */
static int bind_cell(sqlite_conn *c, sqlite3_stmt *st, int col, const char *p, size_t len,
                     ferry_err *e)
{
    const ltype *t = &c->ins.types[col];
    int64_t iv;
    double dv;
    char *end;
    int src;

    if (!p) {
        src = sqlite3_bind_null(st, col + 1);
        goto done;
    }
    switch (t->kind) {
    case LT_BOOL:
        if (len == 1 && (p[0] == 't' || p[0] == 'f'))
            src = sqlite3_bind_int64(st, col + 1, p[0] == 't');
        else
            return cell_fail(c, e, col, "not a boolean", p, len);
        break;
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:
        if (parse_int64(p, len, &iv)) return cell_fail(c, e, col, "not a 64-bit integer", p, len);
        src = sqlite3_bind_int64(st, col + 1, iv);
        break;
    case LT_FLOAT32:
    case LT_FLOAT64:
        if (len == 8 && memcmp(p, "Infinity", 8) == 0) {
            dv = INFINITY;
        } else if (len == 9 && memcmp(p, "-Infinity", 9) == 0) {
            dv = -INFINITY;
        } else {
            errno = 0;
            dv = len ? strtod(p, &end) : 0;
            if (isnan(dv))
                return cell_fail(c, e, col, "NaN cannot be stored in SQLite (it would read back"
                                 " as NULL)", p, len);
            if (!len || end != p + len || (errno == ERANGE && fabs(dv) > 1.0))
                return cell_fail(c, e, col, "not a floating point number", p, len);
        }
        src = sqlite3_bind_double(st, col + 1, dv);
        break;
    case LT_DECIMAL:
        /* A whole number that fits is an INTEGER; anything else stays the
         * exact text (the column's affinity decides what SQLite keeps). */
        if (memchr(p, '.', len) == NULL && parse_int64(p, len, &iv) == 0)
            src = sqlite3_bind_int64(st, col + 1, iv);
        else
            src = sqlite3_bind_text(st, col + 1, p, (int)len, SQLITE_STATIC);
        break;
    case LT_BYTES:
        src = len ? sqlite3_bind_blob(st, col + 1, p, (int)len, SQLITE_STATIC)
                  : sqlite3_bind_zeroblob(st, col + 1, 0);
        break;
    case LT_UUID: {
        int form = c->ins.uuid_form ? c->ins.uuid_form[col] : SQ_UUID_TEXT;
        char hex[33];
        unsigned char bytes[16];
        if (form == SQ_UUID_TEXT) {
            src = sqlite3_bind_text(st, col + 1, p, (int)len, SQLITE_STATIC);
            break;
        }
        if (uuid_digits(p, len, hex)) return cell_fail(c, e, col, "not a uuid", p, len);
        if (form == SQ_UUID_HEX32) {      /* canonical uuids are lower case already */
            src = sqlite3_bind_text(st, col + 1, hex, 32, SQLITE_TRANSIENT);
            break;
        }
        for (int k = 0; k < 16; k++)
            bytes[k] = (unsigned char)(hex_nibble(hex[2 * k]) << 4 | hex_nibble(hex[2 * k + 1]));
        src = sqlite3_bind_blob(st, col + 1, bytes, 16, SQLITE_TRANSIENT);
        break;
    }
    case LT_TIME:
    case LT_TIMESTAMP:
    case LT_TIMESTAMPTZ: {
        char tbuf[40];
        size_t n = t->fixed ? 0 : time_text(p, len, tbuf);   /* fixed: a MySQL duration */
        src = n ? sqlite3_bind_text(st, col + 1, tbuf, (int)n, SQLITE_TRANSIENT)
                : sqlite3_bind_text(st, col + 1, p, (int)len, SQLITE_STATIC);
        break;
    }
    default:                     /* text, json, dates, enum */
        src = sqlite3_bind_text(st, col + 1, p, (int)len, SQLITE_STATIC);
        break;
    }
done:
    if (src == SQLITE_TOOBIG) return cell_fail(c, e, col, "the value is too big for SQLite", NULL, 0);
    if (src != SQLITE_OK) return stmt_fail(c, e, src, NULL, c->ins.sql);
    return 0;
}

/* insert_fail — record why the INSERT of a row failed (result rc): the
 * table, the columns SQLite names ("UNIQUE constraint failed: t.a, t.b"),
 * its message and the SQLSTATE. Returns -1. */
static int insert_fail(sqlite_conn *c, ferry_err *e, int rc, size_t row, const batch *b)
{
    const char *msg = sqlite3_errmsg(c->db), *failed = strstr(msg, "failed: ");
    strbuf cols = STRBUF_INIT;
    int named = (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
                 || rc == SQLITE_CONSTRAINT_NOTNULL) && failed;

    if (named) {
        /* "t.a, t.b" -> column "a", "b" */
        const char *s = failed + 8;
        while (*s) {
            const char *comma = strstr(s, ", "), *stop = comma ? comma : s + strlen(s);
            const char *dot = memchr(s, '.', (size_t)(stop - s));
            const char *name = dot ? dot + 1 : s;
            strbuf_addf(&cols, "%s\"%.*s\"", cols.len ? ", " : "", (int)(stop - name), name);
            s = comma ? comma + 2 : stop;
        }
    }
    sq_err(c, e, sq_code(rc, FERRY_E_SQL), "%s %s: table %s%s%s row %zu of the batch"
           " (from key %lld): %s%s", sq_side_word(c), c->display, c->ins.table,
           named ? (strchr(strbuf_cstr(&cols), ',') ? " columns " : " column ") : "",
           named ? strbuf_cstr(&cols) : "", row + 1, (long long)b->first_key, msg, sq_hint(rc));
    set_sqlstate(e, rc);
    strbuf_free(&cols);
    return -1;
}

/* sqlite_copy_batch — insert every row of b with the INSERT of copy_begin.
 * On a refused row the rows before it stay inserted (the caller rolls the
 * transaction or savepoint back) and the statement is left ready for the
 * next copy_begin. */
int sqlite_copy_batch(ferry_conn *base, const batch *b, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = c->ins.st;
    size_t row;
    int col, src, rc = -1;

    if (!c->ins.active || !st)
        return sq_err(c, e, FERRY_E_INTERNAL, "target %s: copy_batch without copy_begin",
                      c->display);
    if (b->ncols != c->ins.ncols)
        return sq_err(c, e, FERRY_E_INTERNAL, "target %s: table %s: a batch of %d columns for"
                      " %d", c->display, c->ins.table, b->ncols, c->ins.ncols);
    for (row = 0; row < b->nrows; row++) {
        for (col = 0; col < b->ncols; col++) {
            size_t len;
            const char *p = batch_cell_get(b, row, col, &len);
            if (bind_cell(c, st, col, p, len, e)) goto out;
        }
        src = sqlite3_step(st);
        if (src != SQLITE_DONE) {
            insert_fail(c, e, src, row, b);
            goto out;
        }
        sqlite3_reset(st);
        c->ins.rows++;
    }
    rc = 0;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);   /* no pointer into b outlives the call */
    return rc;
}

/* sqlite_copy_end — *rows gets the rows inserted since copy_begin; the
 * prepared INSERT stays cached for the next chunk. Never fails (e may be
 * NULL). */
int sqlite_copy_end(ferry_conn *base, int64_t *rows, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;

    (void)e;
    if (rows) *rows = c->ins.active ? c->ins.rows : 0;
    c->ins.active = 0;
    return 0;
}
