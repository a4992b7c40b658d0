/* sqlite.c — the SQLite driver: opening a database file (read-only for a
 * source, read-write and created for a target), its errors, and the driver
 * table. The rest lives next to it by purpose (see sqlite_internal.h):
 * sqlite_ddl.c reads CREATE texts, sqlite_describe.c builds the catalog,
 * sqlite_read.c streams a source's rows, sqlite_write.c is the target side. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* sq_side_word — "source" or "target", for messages about the endpoint. */
const char *sq_side_word(const sqlite_conn *c)
{
    return c->base.side == SIDE_TARGET ? "target" : "source";
}

/* sq_err — record one error for c into e (may be NULL): code, the message
 * and the connection's side. Returns -1. */
int sq_err(const sqlite_conn *c, ferry_err *e, int code, const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ferry_err_set(e, code, "%s", msg);
    if (e) {
        e->side = c->base.side;
        e->sqlstate[0] = '\0';
    }
    return -1;
}

/* sq_code — the ferry error code for SQLite result rc; dflt when nothing
 * more specific fits. */
int sq_code(int rc, int dflt)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:     return FERRY_E_NOMEM;
    case SQLITE_IOERR:     return FERRY_E_IO;
    case SQLITE_INTERRUPT: return FERRY_E_INTERRUPTED;
    default:               return dflt;
    }
}

/* sq_hint — what to do about SQLite result rc, appended to a message. */
const char *sq_hint(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return " (another process kept the database locked for more than 10 s;"
               " retry when it is idle)";
    case SQLITE_CORRUPT:
        return " (the file is damaged: check it with PRAGMA integrity_check,"
               " or restore a backup)";
    case SQLITE_NOTADB:
        return " (the file is encrypted or is not a database)";
    case SQLITE_FULL:
        return " (the disk is full)";
    default:
        return "";
    }
}

/* sq_oneline — copy s into buf (size n) for a one-line message: control
 * characters become spaces, long text ends in "...". Returns buf. */
const char *sq_oneline(char *buf, size_t n, const char *s)
{
    size_t i, max = n - 1;

    if (!s) s = "";
    for (i = 0; i < max && s[i]; i++)
        buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' : s[i];
    buf[i] = '\0';
    if (s[i] && max > 3)
        memcpy(buf + max - 3, "...", 4);
    return buf;
}

/* sq_fail_db — record the connection's last SQLite error (result rc) with
 * context what ("table \"t\": reading its columns"). Returns -1. */
int sq_fail_db(const sqlite_conn *c, ferry_err *e, int dflt, int rc, const char *what)
{
    return sq_err(c, e, sq_code(rc, dflt), "%s: %s%s", what, sqlite3_errmsg(c->db),
                  sq_hint(rc));
}

/* ------------------------------------------------------------------ */
/* Connection                                                          */
/* ------------------------------------------------------------------ */

/* sqlite_open_error — record why opening path failed with result rc (the
 * file exists and is not a directory): not a database, corrupt, locked,
 * no permission, or SQLite's own words. Returns -1. */
static int sqlite_open_error(sqlite_conn *c, const char *path, int rc, ferry_err *e)
{
    const char *side = sq_side_word(c), *disp = c->display;
    int sys = c->db ? sqlite3_system_errno(c->db) : 0;

    switch (rc) {
    case SQLITE_READONLY_DIRECTORY:
    case SQLITE_READONLY_CANTINIT:
    case SQLITE_READONLY_CANTLOCK:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is in WAL mode and SQLite cannot"
                      " create or open its -shm and -wal files next to it (make the directory"
                      " writable for this user, or copy the database with its -wal file"
                      " elsewhere)", side, disp, path);
    case SQLITE_READONLY_RECOVERY:
    case SQLITE_READONLY_ROLLBACK:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" was left mid-write (hot journal"
                      " or WAL needing recovery) and a read-only open cannot repair it (open"
                      " it once with sqlite3 as a user who may write it)", side, disp, path);
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is not a SQLite database"
                      " (file is encrypted or is not a database)", side, disp, path);
    case SQLITE_CORRUPT:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is corrupt: database disk image"
                      " is malformed (check it with: sqlite3 \"%s\" \"PRAGMA integrity_check\","
                      " or restore a backup)", side, disp, path, path);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is locked by another process"
                      " (waited 10 s; retry when the application is idle)", side, disp, path);
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        if (sys == EACCES || sys == EPERM || (rc & 0xff) == SQLITE_PERM)
            return sq_err(c, e, FERRY_E_CONNECT, "%s %s: permission denied opening \"%s\""
                          " (check the permissions of the file, its directory, and its -wal"
                          " and -shm files)", side, disp, path);
        break;
    default:
        break;
    }
    return sq_err(c, e, sq_code(rc, FERRY_E_CONNECT), "%s %s: cannot open \"%s\": %s%s%s%s",
                  side, disp, path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc),
                  sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
}

/* sqlite_connect — open u->path: read-only for a source (it must exist),
 * read-write and created when missing for a target. A first read of the
 * schema makes a file that is not a database fail here, not later. On
 * failure nothing stays open and c may be freed or closed. */
static int sqlite_connect(ferry_conn *base, const ferry_url *u, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    const char *path = u->path;
    int target = base->side == SIDE_TARGET, flags, src, rc = -1;
    struct stat st;

    c->db = NULL;
    c->wal = c->wal_restore = 0;
    memset(&c->ins, 0, sizeof c->ins);
    c->display = xstrdup(u->display ? u->display : path ? path : "sqlite");
    if (!path || !*path) {
        sq_err(c, e, FERRY_E_USAGE, "%s %s: no database file named (sqlite:///rel.db is"
               " relative, sqlite:////abs.db is absolute)", sq_side_word(c), c->display);
        goto out;
    }
    if (stat(path, &st) != 0) {
        int err = errno;
        if (err == ENOENT && !target)
            sq_err(c, e, FERRY_E_CONNECT, "%s %s: no such file \"%s\" (check the path;"
                   " sqlite:///rel.db is relative, sqlite:////abs.db is absolute)",
                   sq_side_word(c), c->display, path);
        else if (err == EACCES)
            sq_err(c, e, FERRY_E_CONNECT, "%s %s: permission denied reaching \"%s\" (check"
                   " the permissions of the directories on the path)", sq_side_word(c),
                   c->display, path);
        else if (err != ENOENT)
            sq_err(c, e, FERRY_E_CONNECT, "%s %s: cannot reach \"%s\": %s", sq_side_word(c),
                   c->display, path, strerror(err));
        if (err != ENOENT || !target) goto out;
    } else if (S_ISDIR(st.st_mode)) {
        sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is a directory, not a SQLite database"
               " file (name the database file itself)", sq_side_word(c), c->display, path);
        goto out;
    } else if (access(path, target ? R_OK | W_OK : R_OK) != 0 && errno == EACCES) {
        sq_err(c, e, FERRY_E_CONNECT, "%s %s: permission denied %s \"%s\" (check the file's"
               " permissions)", sq_side_word(c), c->display, target ? "writing" : "reading", path);
        goto out;
    }

    flags = (target ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX;
    src = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (src != SQLITE_OK) {
        sqlite_open_error(c, path, src, e);
        goto out;
    }
    sqlite3_extended_result_codes(c->db, 1);
    /* a source waits for a writer's lock --lock-timeout seconds (0: for ever) */
    sqlite3_busy_timeout(c->db, target ? SQ_BUSY_TIMEOUT_MS
                                       : ferry_source_lock_timeout_s > 0
                                       ? ferry_source_lock_timeout_s * 1000 : INT_MAX);
#ifdef SQLITE_DBCONFIG_DQS_DML
    /* A misspelled "column" must fail, not silently become a string. */
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
#endif
    src = sqlite3_exec(c->db, "SELECT count(*) FROM main.sqlite_master", NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        sqlite_open_error(c, path, src, e);
        goto out;
    }
    if (target && sq_target_open(c, e)) goto out;
    rc = 0;
out:
    if (rc != 0) {
        sqlite3_close_v2(c->db);               /* NULL-safe */
        c->db = NULL;
        free(c->display);
        c->display = NULL;
    }
    return rc;
}

/* sqlite_close — close the database (an open snapshot or an uncommitted
 * target transaction is rolled back) and free c. NULL-safe. */
static void sqlite_close(ferry_conn *base)
{
    sqlite_conn *c = (sqlite_conn *)base;

    if (!c) return;
    sq_target_close(c);
    sqlite3_close_v2(c->db);
    free(c->display);
    free(c);
}

/* sqlite_server_version — "SQLite 3.40.1" (the library linked in). */
static int sqlite_server_version(ferry_conn *base, char *buf, size_t n, ferry_err *e)
{
    (void)base;
    (void)e;
    snprintf(buf, n, "SQLite %s", sqlite3_libversion());
    return 0;
}

/* sqlite_begin_snapshot — BEGIN, then a first read so that the read
 * transaction is open: every later read on c sees this one state until the
 * connection closes. A second call is a no-op. */
static int sqlite_begin_snapshot(ferry_conn *base, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    int src;

    if (!sqlite3_get_autocommit(c->db)) return 0;
    src = sqlite3_exec(c->db, "BEGIN; SELECT count(*) FROM main.sqlite_master", NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        sq_fail_db(c, e, FERRY_E_SOURCE, src, "cannot start a read snapshot");
        if (!sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* sqlite_conn_info — see driver.h: the database file as SQLite opened it
 * (an absolute path), its size on disk, the size of a -wal file next to it
 * (rows committed but not yet checkpointed into the file live there: a
 * copy of the file alone would miss them), and whether this connection
 * may write it. No server: no host, no TLS. */
static int sqlite_conn_info(ferry_conn *base, cJSON *out, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    const char *file = sqlite3_db_filename(c->db, "main");
    struct stat st;
    char *wal;

    if (!file || !*file)
        return sq_err(c, e, FERRY_E_INTERNAL, "%s %s: SQLite names no file for this database",
                      sq_side_word(c), c->display);
    cJSON_AddStringToObject(out, "file", file);
    if (stat(file, &st) == 0)
        cJSON_AddNumberToObject(out, "file_bytes", (double)st.st_size);
    wal = xasprintf("%s-wal", file);
    if (stat(wal, &st) == 0)
        cJSON_AddNumberToObject(out, "wal_bytes", (double)st.st_size);
    free(wal);
    cJSON_AddBoolToObject(out, "read_only", sqlite3_db_readonly(c->db, "main") == 1);
    return 0;
}

/* sqlite_quote_ident — append name as a SQLite identifier: double quotes,
 * embedded double quotes doubled. */
void sqlite_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '"');
    for (; *name; name++) {
        if (*name == '"') strbuf_addc(out, '"');
        strbuf_addc(out, *name);
    }
    strbuf_addc(out, '"');
}

/* sq_add_table_ref — append "main"."t" to sb. */
void sq_add_table_ref(strbuf *sb, const cat_table *t)
{
    strbuf_adds(sb, "\"main\".");
    sqlite_quote_ident(sb, t->name);
}

const ferry_driver sqlite_driver = {
    .name              = "sqlite",
    .engine            = ENGINE_SQLITE,
    .dialect           = &sqlite_dialect,
    .conn_size         = sizeof(sqlite_conn),
    .max_ident_bytes   = 0,
    .transactional_ddl = 1,
    .single_writer     = 1,
    .connect           = sqlite_connect,
    .close             = sqlite_close,
    .server_version    = sqlite_server_version,
    .begin_snapshot    = sqlite_begin_snapshot,
    .describe          = sqlite_describe,
    .key_stats         = sqlite_key_stats,
    .key_split_points  = sqlite_key_split_points,
    .read_chunk        = sqlite_read_chunk,
    .exec              = sqlite_exec,
    .exec_params       = sqlite_exec_params,
    .query             = sqlite_query,
    .begin             = sqlite_begin,
    .commit            = sqlite_commit,
    .rollback          = sqlite_rollback,
    .copy_begin        = sqlite_copy_begin,
    .copy_batch        = sqlite_copy_batch,
    .copy_end          = sqlite_copy_end,
    .quote_ident       = sqlite_quote_ident,
    .conn_info         = sqlite_conn_info,
};
