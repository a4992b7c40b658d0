/* postgresql.c — the PostgreSQL driver over libpq: connecting (with errors
 * that say what to do), running statements, and bulk-loading batches with
 * COPY ... FROM STDIN in binary or text format. The source side comes
 * later.
 *
 * DESIGN
 * - One pg_conn per thread; libpq is thread-safe with separate PGconn
 *   objects (checked once per connect with PQisthreadsafe()).
 * - connect passes exactly the URL's libpq keywords to PQconnectdbParams
 *   (expand_dbname = 0) plus fallback_application_name=ferry, so that
 *   everything the URL leaves out still comes from libpq's environment
 *   (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, ~/.pgpass).
 *   The session is then pinned to what the canonical forms (convert.h)
 *   assume: UTF8, standard strings, ISO dates, UTC, exact floats.
 * - COPY rows are encoded into one reusable buffer owned by the connection
 *   and handed to libpq in pieces of at most PG_COPY_PIECE bytes, so libpq's
 *   own buffer never has to hold a whole large value twice. The server's
 *   "line N" in a COPY error is the N-th row sent since copy_begin in both
 *   formats (text: every row is one line, newlines are escaped; binary: the
 *   server counts tuples), see postgresql.h.
 * - COPY format: binary by default (set_option "copy_format" = "text" to
 *   change it), which the server parses faster than text. Binary input is
 *   strict about each column's type (8 bytes into an int4 column fail), so
 *   copy_begin looks up the target columns' real types (once per table and
 *   connection, pg_coltypes) and writes a table in binary only when every
 *   column's (logical type, column type) pair is one pg_copy_binary.c
 *   encodes exactly as text would; any other table (domains, arrays,
 *   extension types, int64 into an integer column ...) goes as text.
 * - Errors are recorded here, once, as one line. Text from libpq or the
 *   server is scrubbed of password=... (and, at connect, of the URL's
 *   password itself) before it is put next to the endpoint's display form;
 *   statements are shown by their first PG_STMT_SHOWN characters only
 *   (values always travel as parameters or COPY data).
 */
#include <ctype.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "driver.h"
#include "dialect.h"
#include "pg_copy_binary.h"
#include "postgresql.h"
#include "pg_source.h"
#include "reconnect.h"

#define PG_COPY_PIECE  (256 * 1024)   /* most bytes per PQputCopyData call */
#define PG_STMT_SHOWN  80             /* statement characters shown in errors */
#define PG_CTX_MARK    "(context: "   /* how a server CONTEXT appears in e->msg */

/* The COPY formats set_option "copy_format" chooses between. */
typedef enum pg_copy_format {
    PG_FORMAT_DEFAULT = 0,            /* PG_FORMAT_DEFAULT_IS */
    PG_FORMAT_BINARY,
    PG_FORMAT_TEXT
} pg_copy_format;

#define PG_FORMAT_DEFAULT_IS PG_FORMAT_BINARY

/* pg_coltypes — the real types of one target table's columns, as looked up
 * by copy_begin (pg_coltypes_lookup); a list owned by the connection,
 * forgotten on rollback (a rolled-back transaction may have changed them). */
typedef struct pg_coltypes {
    struct pg_coltypes *next;
    char     *table;                  /* qualified_table as copy_begin got it */
    int       n;
    char    **quoted;                 /* column names, quoted like pg_quote_ident */
    unsigned *typid;                  /* pg_attribute.atttypid */
    char     *typtype;                /* pg_type.typtype ('b', 'e', 'd', ...) */
} pg_coltypes;

typedef struct pg_conn {
    ferry_conn  base;                 /* first: the engine sees ferry_conn * */
    PGconn     *pg;
    char       *display;              /* url->display, safe to print */
    pg_copy_format copy_format;       /* set_option "copy_format", for the next copy_begin */
    pg_coltypes *coltypes;            /* column types of tables copied into */
    /* COPY state, from copy_begin until copy_end or rollback. */
    int         in_copy;
    int         binary;               /* this COPY is in binary format */
    int         ncols;
    ltype_kind *kinds;                /* ncols logical type kinds */
    pgbin_kind *fields;               /* binary: ncols field encodings */
    char       *copy_table;           /* binary: for errors, the table ... */
    char      **copy_cols;            /* ... and its ncols quoted columns */
    int64_t     rows_sent;            /* rows encoded since copy_begin */
    strbuf      copybuf;              /* encoded rows not yet given to libpq */
    pg_src      src;                  /* source side (pg_source.c) */
} pg_conn;

static void pg_copy_state_clear(pg_conn *c);
static void pg_coltypes_forget(pg_conn *c);

/* ---------------------------------------------------------------------
 * Error text helpers
 * ------------------------------------------------------------------- */

/* pg_scrub — append text to out with every password=VALUE (libpq keyword,
 * quoted or not, any case) turned into password=*** and, when password is
 * at least 4 bytes long, every literal occurrence of it turned into ***.
 * Shorter passwords are not searched for: replacing every "ab" would garble
 * the message, and such a password is not secret anyway. */
static void pg_scrub(strbuf *out, const char *text, const char *password)
{
    static const char kw[] = "password=";
    size_t plen = password ? strlen(password) : 0;
    const char *p = text;

    while (*p) {
        if (strncasecmp(p, kw, sizeof kw - 1) == 0) {
            strbuf_adds(out, "password=***");
            p += sizeof kw - 1;
            if (*p == '\'') {
                for (p++; *p && *p != '\''; p++)
                    if (*p == '\\' && p[1])
                        p++;
                if (*p)
                    p++;
            } else {
                while (*p && !isspace((unsigned char)*p) && *p != '"' && *p != ')')
                    p++;
            }
            continue;
        }
        if (plen >= 4 && strncmp(p, password, plen) == 0) {
            strbuf_adds(out, "***");
            p += plen;
            continue;
        }
        strbuf_addc(out, *p++);
    }
}

/* pg_add_clipped — append text from libpq or the server (raw, may be NULL)
 * to sb as part of one line: scrubbed of password=... (pg_scrub), line
 * breaks and tabs turned into spaces, trailing blanks dropped, and at most
 * max bytes taken (cut on a UTF-8 character boundary, then "..."). With
 * first_line, stop at the first line break. */
static void pg_add_clipped(strbuf *sb, const char *raw, size_t max, int first_line)
{
    strbuf clean = STRBUF_INIT;
    const char *s;
    size_t n = 0, start = sb->len;
    int cut;

    if (!raw)
        return;
    pg_scrub(&clean, raw, NULL);
    s = strbuf_cstr(&clean);
    while (s[n] && n < max && !(first_line && (s[n] == '\n' || s[n] == '\r')))
        n++;
    cut = s[n] && n >= max;
    if (cut)
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        strbuf_addc(sb, (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch);
    }
    while (sb->len > start && sb->buf[sb->len - 1] == ' ')
        sb->buf[--sb->len] = '\0';
    if (cut)
        strbuf_adds(sb, "...");
    strbuf_free(&clean);
}

/* pg_add_stmt — append the first PG_STMT_SHOWN characters of sql to sb with
 * runs of white space folded into one space, "..." when cut. */
static void pg_add_stmt(strbuf *sb, const char *sql)
{
    strbuf_add_sql_excerpt(sb, sql, PG_STMT_SHOWN);
}

/* pg_err — record one error in e (may be NULL): side is the connection's,
 * sqlstate may be NULL. Text that came from libpq or the server must have
 * gone through pg_add_clipped (which scrubs it) before. Returns -1. */
static int pg_err(const pg_conn *c, ferry_err *e, int code, const char *sqlstate,
                  const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int pg_err(const pg_conn *c, ferry_err *e, int code, const char *sqlstate,
                  const char *fmt, ...)
{
    strbuf m = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&m, fmt, ap);
    va_end(ap);
    ferry_err_set(e, code, "%s", strbuf_cstr(&m));
    if (e) {
        e->side = c->base.side;
        e->sqlstate[0] = '\0';
        if (sqlstate && strlen(sqlstate) == 5)
            memcpy(e->sqlstate, sqlstate, 6);
    }
    strbuf_free(&m);
    return -1;
}

/* pg_skip_severity — s past a leading "FATAL:" or "ERROR:" and its blanks
 * (libpq keeps the severity in front of server messages). */
static const char *pg_skip_severity(const char *s)
{
    if (strncmp(s, "FATAL:", 6) == 0 || strncmp(s, "ERROR:", 6) == 0)
        for (s += 6; *s == ' '; s++)
            ;
    return s;
}

/* pg_lost — record that the connection broke while doing what:
 * FERRY_E_LOST, which the engine answers by reconnecting (--retries). */
static int pg_lost(const pg_conn *c, const char *what, ferry_err *e)
{
    strbuf why = STRBUF_INIT;
    int rc;

    pg_add_clipped(&why, pg_skip_severity(PQerrorMessage(c->pg)), 300, 1);
    rc = pg_err(c, e, FERRY_E_LOST, NULL,
                "lost the connection to %s %s (%s): check the server, then rerun the "
                "same command to resume", c->display, what,
                why.len ? why.buf : "no message from libpq");
    strbuf_free(&why);
    return rc;
}

/* pg_add_context — append the useful line of a server CONTEXT field: the
 * line that starts with "COPY " (it locates the row) when there is one,
 * else the first line. */
static void pg_add_context(strbuf *sb, const char *ctx)
{
    const char *line = ctx;

    for (const char *p = ctx; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncmp(p, "COPY ", 5) == 0) {
            line = p;
            break;
        }
    }
    pg_add_clipped(sb, line, 160, 1);
}

/* pg_sqlstate_is_lost — see postgresql.h. */
int pg_sqlstate_is_lost(const char *state)
{
    if (!state || strlen(state) != 5)
        return 0;
    return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
           strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

/* pg_result_fail — record the error of a failed statement (res may be NULL
 * when libpq could not even build a result). sql, when not NULL, is shown
 * by its first characters for context. A few SQLSTATEs get advice:
 * 53100 disk full, 42501 permission denied, 42P07 exists (FERRY_E_EXISTS).
 * A broken connection, and the SQLSTATEs that mean the server ended the
 * session (class 08; 57P01 terminated by an administrator, 57P02 crash
 * shutdown, 57P03 cannot connect now), are FERRY_E_LOST. */
static int pg_result_fail(const pg_conn *c, const PGresult *res, const char *sql,
                          ferry_err *e)
{
    const char *state = NULL, *primary = NULL, *detail = NULL, *hint = NULL, *ctx = NULL;
    strbuf m = STRBUF_INIT;
    int code = FERRY_E_SQL, rc;

    if (PQstatus(c->pg) == CONNECTION_BAD)
        return pg_lost(c, sql ? "while running a statement" : "during COPY", e);
    if (res) {
        state   = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        detail  = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
        hint    = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
        ctx     = PQresultErrorField(res, PG_DIAG_CONTEXT);
        if (!primary || !*primary)
            primary = PQresultErrorMessage(res);
    }
    if (!primary || !*primary)
        primary = PQerrorMessage(c->pg);
    if (!primary || !*primary)
        primary = "statement failed without a message";

    if (pg_sqlstate_is_lost(state))
        strbuf_addf(&m, "lost the connection to %s: ", c->display);
    if (state && strcmp(state, "53100") == 0) {
        strbuf_adds(&m, "the PostgreSQL server is out of disk space (");
        pg_add_clipped(&m, primary, 300, 1);
        strbuf_adds(&m, "): free space on the server and rerun the same command to resume");
    } else {
        pg_add_clipped(&m, primary, 300, 1);
        if (detail && *detail) {
            strbuf_adds(&m, ": ");
            pg_add_clipped(&m, detail, 160, 0);
        }
        if (state && strcmp(state, "42501") == 0)
            strbuf_adds(&m, ": grant the user CREATE on the schema/database or use a "
                            "user that owns it");
        else if (hint && *hint) {
            strbuf_adds(&m, " (hint: ");
            pg_add_clipped(&m, hint, 120, 0);
            strbuf_addc(&m, ')');
        }
        if (ctx && *ctx) {
            strbuf_adds(&m, " " PG_CTX_MARK);
            pg_add_context(&m, ctx);
            strbuf_addc(&m, ')');
        }
        if (state && strcmp(state, "42P07") == 0)
            code = FERRY_E_EXISTS;
        else if (pg_sqlstate_is_lost(state))
            code = FERRY_E_LOST;
    }
    if (sql) {
        strbuf_adds(&m, "; statement: ");
        pg_add_stmt(&m, sql);
    }
    rc = pg_err(c, e, code, state, "%s", strbuf_cstr(&m));
    strbuf_free(&m);
    return rc;
}

/* pg_result_check — 0 when res (owned by the caller) is a success, else the
 * error recorded. A statement that opened a COPY is refused and the COPY
 * abandoned: bulk loads go through copy_begin. */
static int pg_result_check(pg_conn *c, PGresult *res, const char *sql, ferry_err *e)
{
    switch (res ? PQresultStatus(res) : PGRES_FATAL_ERROR) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return 0;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH: {
        PGresult *r;
        PQputCopyEnd(c->pg, "ferry: COPY is not run through exec");
        while ((r = PQgetResult(c->pg)) != NULL) {
            ExecStatusType st = PQresultStatus(r);
            PQclear(r);
            if (st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH || st == PGRES_COPY_IN)
                break;
        }
        return pg_err(c, e, FERRY_E_INTERNAL, NULL,
                      "a COPY statement was run as a plain statement (use copy_begin)");
    }
    default:
        return pg_result_fail(c, res, sql, e);
    }
}

/* pg_not_in_copy — refuse a statement while a COPY is open (the protocol
 * would reject it anyway, with a less helpful message). */
static int pg_not_in_copy(const pg_conn *c, const char *what, ferry_err *e)
{
    if (!c->in_copy)
        return 0;
    return pg_err(c, e, FERRY_E_INTERNAL, NULL,
                  "%s while a COPY is in progress: finish it with copy_end or roll back", what);
}

/* ---------------------------------------------------------------------
 * Connecting
 * ------------------------------------------------------------------- */

/* pg_quoted_name — copy the first "..." name in msg after prefix into buf
 * (for 'database "x" does not exist'); "" when not found. */
static void pg_quoted_name(const char *msg, const char *prefix, char *buf, size_t n)
{
    const char *p = strstr(msg, prefix), *q;

    buf[0] = '\0';
    if (!p)
        return;
    p += strlen(prefix);
    q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= n)
        return;
    memcpy(buf, p, (size_t)(q - p));
    buf[q - p] = '\0';
}

/* pg_connect_fail — classify a failed connection attempt from libpq's
 * message (no SQLSTATE is available for it) and record one line that names
 * the endpoint and says what to do. password is the URL's, for scrubbing. */
static int pg_connect_fail(const pg_conn *c, const char *password, ferry_err *e)
{
    const char *raw = c->pg ? PQerrorMessage(c->pg) : "out of memory";
    const char *full, *why, *p;
    const char *d = c->display;
    strbuf clean = STRBUF_INIT, first = STRBUF_INIT;
    char name[128];
    int rc;

    /* Classify on libpq's raw text, show only the scrubbed one. */
    pg_scrub(&clean, raw, password);
    full = strbuf_cstr(&clean);
    pg_add_clipped(&first, full, 400, 1);
    /* "connection to server at "h", port 5432 failed: FATAL:  msg" -> "msg";
     * for unreachable servers the whole line is kept: it names the address
     * libpq tried, which the URL may not show (PGHOST). */
    why = first.buf ? first.buf : "";
    if (strncmp(why, "connection to server ", 21) == 0 && (p = strstr(why, " failed: ")))
        why = p + 9;
    why = pg_skip_severity(why);
    if (strncmp(why, "fe_sendauth: ", 13) == 0)
        why += 13;

    if (!c->pg) {
        rc = pg_err(c, e, FERRY_E_NOMEM, NULL, "cannot connect to %s: out of memory", d);
    } else if (strstr(raw, "password authentication failed") ||
               strstr(raw, "no password supplied") || PQconnectionNeedsPassword(c->pg)) {
        rc = pg_err(c, e, FERRY_E_AUTH, NULL,
                    "cannot connect to %s: %s: check the password (URL, PGPASSWORD or ~/.pgpass)",
                    d, *why ? why : "password required");
    } else if (strstr(raw, "no pg_hba.conf entry")) {
        rc = pg_err(c, e, FERRY_E_AUTH, NULL,
                    "cannot connect to %s: %s: the server does not accept this user/database "
                    "from this host: add a pg_hba.conf entry, or fix user, database or sslmode",
                    d, why);
    } else if (strstr(raw, "authentication failed")) {
        rc = pg_err(c, e, FERRY_E_AUTH, NULL,
                    "cannot connect to %s: %s: check the user name and the server's pg_hba.conf "
                    "(peer/ident need a matching operating-system user; over TCP give a password)",
                    d, why);
    } else if (strstr(raw, "database \"") && strstr(raw, "does not exist")) {
        pg_quoted_name(full, "database \"", name, sizeof name);
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL,
                    "cannot connect to %s: database \"%s\" does not exist: create it first "
                    "(createdb %s) or fix the URL", d, name, name);
    } else if (strstr(raw, "role \"") && strstr(raw, "does not exist")) {
        pg_quoted_name(full, "role \"", name, sizeof name);
        rc = pg_err(c, e, FERRY_E_AUTH, NULL,
                    "cannot connect to %s: role \"%s\" does not exist: create it (createuser %s) "
                    "or fix the user in the URL (or PGUSER)", d, name, name);
    } else if (strstr(raw, "does not support SSL")) {
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL,
                    "cannot connect to %s: %s: enable SSL on the server, or use sslmode=prefer "
                    "(or disable) if an unencrypted connection is acceptable", d, why);
    } else if (strstr(raw, "SSL") || strstr(raw, "certificate")) {
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL,
                    "cannot connect to %s: %s: check sslmode, sslrootcert and the server's "
                    "certificate", d, why);
    } else if (strstr(raw, "too many clients") || strstr(raw, "connection slots")) {
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL,
                    "cannot connect to %s: %s: lower --jobs or raise max_connections on the "
                    "server", d, why);
    } else if (strstr(raw, "starting up") || strstr(raw, "shutting down") ||
               strstr(raw, "recovery mode")) {
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL,
                    "cannot connect to %s: %s: wait for the server to be up and try again", d, why);
    } else if (strstr(raw, "invalid ") || strstr(raw, "unrecognized ")) {
        rc = pg_err(c, e, FERRY_E_USAGE, NULL,
                    "cannot connect to %s: %s: fix the connection options in the URL", d, why);
    } else if (strstr(raw, "Connection refused") || strstr(raw, "could not translate host") ||
               strstr(raw, "Name or service not known") || strstr(raw, "timeout expired") ||
               strstr(raw, "timed out") || strstr(raw, "No such file or directory") ||
               strstr(raw, "unreachable") || strstr(raw, "No route to host") ||
               strstr(raw, "could not connect") || strstr(raw, "closed the connection")) {
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL,
                    "cannot connect to %s: server not reachable (%s): is PostgreSQL running "
                    "and is host/port right?", d, first.buf ? first.buf : "");
    } else {
        rc = pg_err(c, e, FERRY_E_CONNECT, NULL, "cannot connect to %s: %s", d,
                    *why ? why : "libpq gave no reason");
    }
    strbuf_free(&first);
    strbuf_free(&clean);
    return rc;
}

/* pg_notice_ignore — drop server notices ("relation already exists,
 * skipping"): libpq would print them on stderr, under the progress bar and
 * against --quiet. */
static void pg_notice_ignore(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* pg_connect — connect c (zeroed, drv and side set by driver_connect) to u.
 * On failure everything this function allocated is released again, so the
 * caller only frees c itself. */
static int pg_connect(ferry_conn *fc, const ferry_url *u, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    const char *keys[URL_MAX_PARAMS + 2], *vals[URL_MAX_PARAMS + 2];
    const char *password = NULL;
    int n = 0, has_app = 0;
    PGresult *res = NULL;
    strbuf setup = STRBUF_INIT;

    c->display = xstrdup(u->display && *u->display ? u->display : "postgresql (libpq defaults)");
    if (!PQisthreadsafe()) {
        pg_err(c, e, FERRY_E_INTERNAL, NULL,
               "this libpq is built without thread safety: ferry needs a thread-safe libpq");
        goto fail;
    }
    for (int i = 0; i < u->nparams && i < URL_MAX_PARAMS; i++) {
        if (!u->keys[i] || !u->values[i])
            continue;
        if (strcmp(u->keys[i], "application_name") == 0 ||
            strcmp(u->keys[i], "fallback_application_name") == 0)
            has_app = 1;
        if (strcmp(u->keys[i], "password") == 0)
            password = u->values[i];
        keys[n] = u->keys[i];
        vals[n] = u->values[i];
        n++;
    }
    if (!has_app) {
        keys[n] = "fallback_application_name";
        vals[n] = "ferry";
        n++;
    }
    keys[n] = vals[n] = NULL;

    c->pg = PQconnectdbParams(keys, vals, 0);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        pg_connect_fail(c, password, e);
        goto fail;
    }
    PQsetNoticeProcessor(c->pg, pg_notice_ignore, NULL);

    /* The canonical forms assume these; statement_timeout and the idle
     * timeout could kill a long chunk or a writer waiting for its batch. */
    strbuf_adds(&setup, "SET client_encoding = 'UTF8'; "
                        "SET standard_conforming_strings = on; "
                        "SET DateStyle = 'ISO, YMD'; "
                        "SET TimeZone = 'UTC'; "
                        "SET extra_float_digits = 3; "
                        "SET statement_timeout = 0");
    if (PQserverVersion(c->pg) >= 90600)
        strbuf_adds(&setup, "; SET idle_in_transaction_session_timeout = 0");
    /* A source waits for a table lock only so long (and meanwhile its
     * queued lock would hold up the app's own queries on that table). */
    strbuf_addf(&setup, "; SET lock_timeout = %d",
                fc->side == SIDE_SOURCE ? ferry_source_lock_timeout_s * 1000 : 0);
    res = PQexec(c->pg, setup.buf);
    if (pg_result_check(c, res, setup.buf, e)) {
        ferry_err_prefix(e, "cannot set up the session on %s: ", c->display);
        goto fail;
    }
    PQclear(res);
    strbuf_free(&setup);
    pg_src_init(&c->src, c->pg, c->display, fc->side);
    return 0;

fail:
    PQclear(res);
    strbuf_free(&setup);
    PQfinish(c->pg);
    c->pg = NULL;
    free(c->display);
    c->display = NULL;
    return -1;
}

/* pg_reconnect — see reconnect.h. A fresh session is opened first (with
 * the same side, so its errors read the same); only when it is up is the
 * dead one's state released and the fresh one moved into c, so c stays the
 * object everybody holds. set_option settings (copy_format) are kept: they
 * live in c, not in the session. The source side starts with no read
 * transaction: the caller begins or imports a snapshot. */
int pg_reconnect(ferry_conn *fc, const ferry_url *u, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    pg_conn fresh;
    pg_copy_format fmt = c->copy_format;

    memset(&fresh, 0, sizeof fresh);
    fresh.base = c->base;
    if (pg_connect(&fresh.base, u, e))
        return -1;
    pg_src_free(&c->src);
    if (c->pg)
        PQfinish(c->pg);
    strbuf_free(&c->copybuf);
    pg_copy_state_clear(c);
    pg_coltypes_forget(c);
    free(c->display);
    *c = fresh;                       /* pg_src borrows pg and display: heap, unchanged */
    c->copy_format = fmt;
    return 0;
}

/* pg_close — end the session (an open transaction is rolled back by the
 * server) and free c with everything it owns. NULL-safe. */
static void pg_close(ferry_conn *fc)
{
    pg_conn *c = (pg_conn *)fc;

    if (!c)
        return;
    pg_src_free(&c->src);
    if (c->pg)
        PQfinish(c->pg);
    strbuf_free(&c->copybuf);
    pg_copy_state_clear(c);
    pg_coltypes_forget(c);
    free(c->display);
    free(c);
}

/* pg_server_version — "PostgreSQL 15.18" (or "9.6.24" style before 10). */
static int pg_server_version(ferry_conn *fc, char *buf, size_t n, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    int v = PQserverVersion(c->pg);

    if (v <= 0)
        return pg_lost(c, "while asking the server version", e);
    if (v >= 100000)
        snprintf(buf, n, "PostgreSQL %d.%d", v / 10000, v % 10000);
    else
        snprintf(buf, n, "PostgreSQL %d.%d.%d", v / 10000, v / 100 % 100, v % 100);
    return 0;
}

/* pg_conn_info — see driver.h. Everything comes from libpq, which knows
 * what it resolved from the URL, the PG* environment and the service
 * file: the host (a directory means a unix socket, whose file is
 * DIR/.s.PGSQL.PORT), the address it reached, the port, database and user,
 * and the TLS session (protocol, cipher, key bits) when there is one. */
static int pg_conn_info(ferry_conn *fc, cJSON *out, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    const char *host, *port, *addr, *v;
    cJSON *tls;

    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK)
        return pg_lost(c, "while describing the connection", e);
    host = PQhost(c->pg);
    port = PQport(c->pg);
    addr = PQhostaddr(c->pg);
    if ((v = PQdb(c->pg)) != NULL)
        cJSON_AddStringToObject(out, "database", v);
    if ((v = PQuser(c->pg)) != NULL)
        cJSON_AddStringToObject(out, "user", v);
    if (host && host[0] == '/') {
        char *sock = xasprintf("%s/.s.PGSQL.%s", host, port && *port ? port : "5432");
        cJSON_AddStringToObject(out, "socket", sock);
        free(sock);
    } else if (host && *host) {
        cJSON_AddStringToObject(out, "host", host);
        if (addr && *addr && strcmp(addr, host) != 0)
            cJSON_AddStringToObject(out, "address", addr);
    }
    if (port && *port)
        cJSON_AddNumberToObject(out, "port", atoi(port));
    tls = cJSON_AddObjectToObject(out, "tls");
    cJSON_AddBoolToObject(tls, "in_use", PQsslInUse(c->pg));
    if (PQsslInUse(c->pg)) {
        if ((v = PQsslAttribute(c->pg, "protocol")) != NULL)
            cJSON_AddStringToObject(tls, "protocol", v);
        if ((v = PQsslAttribute(c->pg, "cipher")) != NULL)
            cJSON_AddStringToObject(tls, "cipher", v);
        if ((v = PQsslAttribute(c->pg, "key_bits")) != NULL)
            cJSON_AddNumberToObject(tls, "bits", atoi(v));
        if ((v = PQsslAttribute(c->pg, "library")) != NULL)
            cJSON_AddStringToObject(tls, "library", v);
    }
    cJSON_AddNumberToObject(out, "session_id", PQbackendPID(c->pg));
    return 0;
}

/* ---------------------------------------------------------------------
 * Statements and transactions
 * ------------------------------------------------------------------- */

/* pg_exec — run sql (one or more statements, no parameters). */
static int pg_exec(ferry_conn *fc, const char *sql, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    PGresult *res;
    int rc;

    if (pg_not_in_copy(c, "statement", e))
        return -1;
    res = PQexec(c->pg, sql);
    rc = pg_result_check(c, res, sql, e);
    PQclear(res);
    return rc;
}

/* pg_exec_params — run one statement with text parameters $1..$n; vals[i]
 * NULL is SQL NULL. The parameters never appear in errors. */
static int pg_exec_params(ferry_conn *fc, const char *sql, int nparams,
                          const char *const *vals, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    PGresult *res;
    int rc;

    if (pg_not_in_copy(c, "statement", e))
        return -1;
    res = PQexecParams(c->pg, sql, nparams, NULL, vals, NULL, NULL, 0);
    rc = pg_result_check(c, res, sql, e);
    PQclear(res);
    return rc;
}

/* pg_query — run sql with text parameters and call cb once per result row
 * with the row's values as text (NULL for SQL NULL; valid only during the
 * call). The result is buffered by libpq: meant for catalog and state
 * queries, not for data. When cb returns non-zero the query stops and -1
 * is returned with whatever cb left in e. */
static int pg_query(ferry_conn *fc, const char *sql, int nparams, const char *const *vals,
                    query_callback cb, void *ctx, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    PGresult *res;
    const char **row = NULL;
    int rc = -1, nrows, ncols;

    if (pg_not_in_copy(c, "query", e))
        return -1;
    res = PQexecParams(c->pg, sql, nparams, NULL, vals, NULL, NULL, 0);
    if (pg_result_check(c, res, sql, e))
        goto out;
    rc = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        goto out;
    nrows = PQntuples(res);
    ncols = PQnfields(res);
    row = xcalloc(ncols > 0 ? (size_t)ncols : 1, sizeof *row);
    for (int r = 0; r < nrows; r++) {
        for (int k = 0; k < ncols; k++)
            row[k] = PQgetisnull(res, r, k) ? NULL : PQgetvalue(res, r, k);
        if (cb(ctx, ncols, row, e)) {
            rc = -1;
            break;
        }
    }
out:
    free(row);
    PQclear(res);
    return rc;
}

/* pg_begin — open a transaction. */
static int pg_begin(ferry_conn *fc, ferry_err *e)
{
    return pg_exec(fc, "BEGIN", e);
}

/* pg_commit — commit the open transaction. A transaction that failed
 * earlier answers COMMIT with ROLLBACK: that is an error here, nothing was
 * saved. A connection lost during COMMIT leaves the outcome unknown; the
 * checkpoint row (committed with the data) tells on resume. */
static int pg_commit(ferry_conn *fc, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    PGresult *res;
    int rc = -1;

    if (pg_not_in_copy(c, "COMMIT", e))
        return -1;
    res = PQexec(c->pg, "COMMIT");
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        pg_lost(c, "during COMMIT: whether the transaction was saved is unknown", e);
        goto out;
    }
    if (pg_result_check(c, res, "COMMIT", e))
        goto out;
    if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        pg_err(c, e, FERRY_E_SQL, "25P02",
               "COMMIT was answered with ROLLBACK: the transaction had failed earlier and "
               "nothing of it was saved");
        goto out;
    }
    rc = 0;
out:
    PQclear(res);
    return rc;
}

/* pg_drain — read and drop every pending result; a COPY still open is
 * ended first (a COPY IN with reason as its failure message, a COPY OUT by
 * reading it to its end), so the connection can take statements again. */
static void pg_drain(pg_conn *c, const char *reason)
{
    PGresult *res;
    int guard = 0;

    while (guard++ < 1000 && (res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_COPY_IN) {
            if (PQputCopyEnd(c->pg, reason) < 0)
                break;
        } else if (st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            char *buf = NULL;
            int n;
            while ((n = PQgetCopyData(c->pg, &buf, 0)) > 0)
                PQfreemem(buf);
            if (n == -2)
                break;
        }
        if (PQstatus(c->pg) == CONNECTION_BAD)
            break;
    }
}

/* pg_rollback — best effort: abandon an open COPY (the server then fails
 * it with "COPY from stdin failed: ..."), drain its results and roll the
 * transaction back. The cached column types are forgotten: the catalog
 * they were read from may have been the rolled-back transaction's. Never
 * reports anything. */
static void pg_rollback(ferry_conn *fc)
{
    pg_conn *c = (pg_conn *)fc;
    PGresult *res;

    strbuf_reset(&c->copybuf);
    pg_coltypes_forget(c);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        c->in_copy = 0;
        return;
    }
    if (c->in_copy || PQtransactionStatus(c->pg) == PQTRANS_ACTIVE) {
        if (c->in_copy)
            PQputCopyEnd(c->pg, "aborted by ferry (rollback)");
        pg_drain(c, "aborted by ferry (rollback)");
    }
    c->in_copy = 0;
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        res = PQexec(c->pg, "ROLLBACK");
        PQclear(res);
    }
}

/* pg_quote_ident — append name as a PostgreSQL quoted identifier. */
static void pg_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_addc(out, '"');
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, '"');
}

/* ---------------------------------------------------------------------
 * COPY ... FROM STDIN: choosing the format
 * ------------------------------------------------------------------- */

/* pg_copy_state_clear — free what copy_begin kept about the current COPY
 * (not the buffer, which is reused). */
static void pg_copy_state_clear(pg_conn *c)
{
    if (c->copy_cols)
        for (int i = 0; i < c->ncols; i++)
            free(c->copy_cols[i]);
    free(c->copy_cols);
    free(c->copy_table);
    free(c->fields);
    free(c->kinds);
    c->copy_cols = NULL;
    c->copy_table = NULL;
    c->fields = NULL;
    c->kinds = NULL;
    c->ncols = 0;
    c->binary = 0;
    c->rows_sent = 0;
}

/* pg_coltypes_forget — drop every cached table's column types. */
static void pg_coltypes_forget(pg_conn *c)
{
    pg_coltypes *t, *next;

    for (t = c->coltypes; t; t = next) {
        next = t->next;
        for (int i = 0; i < t->n; i++)
            free(t->quoted[i]);
        free(t->quoted);
        free(t->typid);
        free(t->typtype);
        free(t->table);
        free(t);
    }
    c->coltypes = NULL;
}

/* pg_coltypes_lookup — the column types of qualified_table, from the cache
 * or from the catalog (then cached; owned by c). A table the catalog does
 * not know gets an entry without columns (so its COPY goes as text and
 * the server says what is wrong). The cache is forgotten whenever a COPY
 * fails or the transaction is rolled back: a table re-created with other
 * types under the same name (not something a ferry run does) costs at most
 * one failed COPY, never a wrong encoding that sticks. Returns NULL with e
 * set only when the query failed. */
static const pg_coltypes *pg_coltypes_lookup(pg_conn *c, const char *qualified_table,
                                             ferry_err *e)
{
    static const char sql[] =
        "SELECT a.attname, a.atttypid, t.typtype FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum";
    const char *params[1] = {qualified_table};
    pg_coltypes *t;
    PGresult *res;

    for (t = c->coltypes; t; t = t->next)
        if (strcmp(t->table, qualified_table) == 0)
            return t;
    res = PQexecParams(c->pg, sql, 1, NULL, params, NULL, NULL, 0);
    if (pg_result_check(c, res, sql, e)) {
        PQclear(res);
        ferry_err_prefix(e, "looking up the column types of %s: ", qualified_table);
        return NULL;
    }
    t = xcalloc(1, sizeof *t);
    t->table = xstrdup(qualified_table);
    t->n = PQntuples(res);
    t->quoted = xcalloc(t->n > 0 ? (size_t)t->n : 1, sizeof *t->quoted);
    t->typid = xcalloc(t->n > 0 ? (size_t)t->n : 1, sizeof *t->typid);
    t->typtype = xcalloc(t->n > 0 ? (size_t)t->n : 1, sizeof *t->typtype);
    for (int i = 0; i < t->n; i++) {
        strbuf q = STRBUF_INIT;
        pg_quote_ident(&q, PQgetvalue(res, i, 0));
        t->quoted[i] = strbuf_detach(&q);
        t->typid[i] = (unsigned)strtoul(PQgetvalue(res, i, 1), NULL, 10);
        t->typtype[i] = PQgetvalue(res, i, 2)[0];
    }
    PQclear(res);
    t->next = c->coltypes;
    c->coltypes = t;
    return t;
}

/* pg_copy_choose_binary — decide whether the COPY of quoted_cols (logical
 * types types) into qualified_table can be binary: 1 with c->fields set
 * (ncols encodings, owned by c), 0 for text (some column's type pair is
 * not encoded, see pgbin_kind_for), -1 when the catalog lookup failed. */
static int pg_copy_choose_binary(pg_conn *c, const char *qualified_table,
                                 const char *const *quoted_cols, const ltype *types,
                                 int ncols, ferry_err *e)
{
    const pg_coltypes *t = pg_coltypes_lookup(c, qualified_table, e);
    pgbin_kind *fields;

    if (!t)
        return -1;
    fields = xcalloc((size_t)ncols, sizeof *fields);
    for (int i = 0; i < ncols; i++) {
        int j = 0;
        while (j < t->n && strcmp(t->quoted[j], quoted_cols[i]) != 0)
            j++;
        if (j == t->n || !(fields[i] = pgbin_kind_for(types[i].kind, t->typid[j],
                                                      t->typtype[j]))) {
            free(fields);
            return 0;
        }
    }
    free(c->fields);
    c->fields = fields;
    return 1;
}

/* pg_set_option — the driver's settings: "copy_format" = "binary" | "text",
 * used from the next copy_begin on (a table that binary cannot carry goes
 * as text anyway). */
static int pg_set_option(ferry_conn *fc, const char *key, const char *value, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;

    if (!key || strcmp(key, "copy_format") != 0)
        return pg_err(c, e, FERRY_E_USAGE, NULL,
                      "unknown PostgreSQL driver option \"%s\" (known: copy_format)",
                      key ? key : "");
    if (value && strcmp(value, "binary") == 0)
        c->copy_format = PG_FORMAT_BINARY;
    else if (value && strcmp(value, "text") == 0)
        c->copy_format = PG_FORMAT_TEXT;
    else
        return pg_err(c, e, FERRY_E_USAGE, NULL,
                      "copy_format \"%s\": use binary or text", value ? value : "");
    return 0;
}

/* ---------------------------------------------------------------------
 * COPY ... FROM STDIN
 * ------------------------------------------------------------------- */

/* pg_copy_begin — start COPY table (cols) FROM STDIN, in binary format when
 * the connection's copy_format allows it and every column can be written
 * so (pg_copy_choose_binary), else in text format. The kinds of types are
 * kept (copied) to encode the cells. table and cols are already quoted. */
static int pg_copy_begin(ferry_conn *fc, const char *qualified_table,
                         const char *const *quoted_cols, const ltype *types, int ncols,
                         ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    pg_copy_format fmt = c->copy_format ? c->copy_format : PG_FORMAT_DEFAULT_IS;
    strbuf sql = STRBUF_INIT;
    PGresult *res = NULL;
    int rc = -1, binary = 0;

    if (pg_not_in_copy(c, "copy_begin", e))
        return -1;
    pg_copy_state_clear(c);
    if (fmt == PG_FORMAT_BINARY && ncols > 0) {
        binary = pg_copy_choose_binary(c, qualified_table, quoted_cols, types, ncols, e);
        if (binary < 0)
            return -1;
    }
    strbuf_addf(&sql, "COPY %s", qualified_table);
    if (ncols > 0) {
        strbuf_adds(&sql, " (");
        for (int i = 0; i < ncols; i++) {
            if (i)
                strbuf_adds(&sql, ", ");
            strbuf_adds(&sql, quoted_cols[i]);
        }
        strbuf_addc(&sql, ')');
    }
    strbuf_adds(&sql, binary ? " FROM STDIN WITH (FORMAT binary)" : " FROM STDIN");

    res = PQexec(c->pg, sql.buf);
    if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
        pg_result_check(c, res, sql.buf, e);
        goto out;
    }
    c->kinds = xcalloc(ncols > 0 ? (size_t)ncols : 1, sizeof *c->kinds);
    for (int i = 0; i < ncols; i++)
        c->kinds[i] = types[i].kind;
    c->ncols = ncols;
    c->in_copy = 1;
    c->binary = binary;
    strbuf_reset(&c->copybuf);
    if (binary) {
        c->copy_table = xstrdup(qualified_table);
        c->copy_cols = xcalloc((size_t)ncols, sizeof *c->copy_cols);
        for (int i = 0; i < ncols; i++)
            c->copy_cols[i] = xstrdup(quoted_cols[i]);
        pgbin_add_header(&c->copybuf);
    }
    rc = 0;
out:
    PQclear(res);
    strbuf_free(&sql);
    return rc;
}

/* pg_copy_add_text — append p[0..n) escaped for COPY text format:
 * backslash, newline, carriage return and tab get a backslash escape, all
 * other bytes go as they are. */
static void pg_copy_add_text(strbuf *sb, const char *p, size_t n)
{
    char *o;

    strbuf_grow(sb, 2 * n + 1);
    o = sb->buf + sb->len;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        switch (ch) {
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\n': *o++ = '\\'; *o++ = 'n';  break;
        case '\r': *o++ = '\\'; *o++ = 'r';  break;
        case '\t': *o++ = '\\'; *o++ = 't';  break;
        default:   *o++ = ch;                break;
        }
    }
    sb->len = (size_t)(o - sb->buf);
    sb->buf[sb->len] = '\0';
}

/* pg_copy_add_bytes — append raw bytes as a bytea hex literal in COPY text
 * format: \\x then two hex digits per byte (COPY turns "\\" into "\"). */
static void pg_copy_add_bytes(strbuf *sb, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o;

    strbuf_grow(sb, 2 * n + 4);
    o = sb->buf + sb->len;
    *o++ = '\\';
    *o++ = '\\';
    *o++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *o++ = hex[p[i] >> 4];
        *o++ = hex[p[i] & 15];
    }
    sb->len = (size_t)(o - sb->buf);
    sb->buf[sb->len] = '\0';
}

/* pg_copy_abandoned — PQputCopyData or PQputCopyEnd failed: the server
 * ended the COPY with an error, or the connection broke. Record the
 * server's error when there is one. */
static int pg_copy_abandoned(pg_conn *c, ferry_err *e)
{
    PGresult *res;
    int rc = 0, guard = 0;

    if (PQstatus(c->pg) == CONNECTION_BAD) {
        c->in_copy = 0;
        return pg_lost(c, "during COPY", e);
    }
    while (guard++ < 1000 && (res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COPY_IN) {
            PQclear(res);
            if (PQputCopyEnd(c->pg, "ferry: COPY abandoned") < 0)
                break;
            continue;
        }
        if (!rc && st != PGRES_COMMAND_OK)
            rc = pg_result_fail(c, res, NULL, e);
        PQclear(res);
    }
    c->in_copy = 0;
    strbuf_reset(&c->copybuf);
    pg_coltypes_forget(c);
    if (!rc && PQstatus(c->pg) == CONNECTION_BAD) {
        rc = pg_lost(c, "during COPY", e);
    } else if (!rc) {
        strbuf why = STRBUF_INIT;
        pg_add_clipped(&why, PQerrorMessage(c->pg), 300, 1);
        rc = pg_err(c, e, FERRY_E_SQL, NULL, "COPY failed: %s",
                    why.len ? why.buf : "libpq gave no reason");
        strbuf_free(&why);
    }
    return rc;
}

/* pg_wait_socket — nonblocking mode only (ferry uses blocking mode): wait
 * until libpq can send more, reading input meanwhile. */
static int pg_wait_socket(pg_conn *c, ferry_err *e)
{
    struct pollfd pfd;

    pfd.fd = PQsocket(c->pg);
    pfd.events = POLLIN | POLLOUT;
    pfd.revents = 0;
    if (pfd.fd < 0 || poll(&pfd, 1, -1) < 0)
        return pg_lost(c, "while waiting to send COPY data", e);
    if ((pfd.revents & POLLIN) && !PQconsumeInput(c->pg))
        return pg_copy_abandoned(c, e);
    if (PQflush(c->pg) < 0)
        return pg_copy_abandoned(c, e);
    return 0;
}

/* pg_copy_flush — give the encoded rows to libpq in pieces of at most
 * PG_COPY_PIECE bytes and empty the buffer. */
static int pg_copy_flush(pg_conn *c, ferry_err *e)
{
    const char *p = c->copybuf.buf;
    size_t left = c->copybuf.len;

    while (left > 0) {
        int piece = left > PG_COPY_PIECE ? PG_COPY_PIECE : (int)left;
        int r = PQputCopyData(c->pg, p, piece);
        if (r == 1) {
            p += piece;
            left -= (size_t)piece;
        } else if (r == 0) {
            if (pg_wait_socket(c, e))
                return -1;
        } else {
            return pg_copy_abandoned(c, e);
        }
    }
    strbuf_reset(&c->copybuf);
    return 0;
}

/* pg_copy_bad_cell — a cell of row (counted from 1 since copy_begin) and
 * column col is not the canonical form its binary encoding reads: a bug
 * before the driver (the converter validated it). The COPY is abandoned
 * (the transaction is then aborted: the caller rolls back) and the error
 * names table, column, row and the start of the value. */
static int pg_copy_bad_cell(pg_conn *c, int64_t row, int col, const char *cell, size_t len,
                            const char *why, ferry_err *e)
{
    char shown[48];
    size_t n = 0;

    for (; n < len && n < 40; n++) {
        unsigned char ch = (unsigned char)cell[n];
        shown[n] = ch >= 0x20 && ch < 0x7f && ch != '\'' ? (char)ch : '?';
    }
    strcpy(shown + n, len > 40 ? "..." : "");
    strbuf_reset(&c->copybuf);
    pg_coltypes_forget(c);
    if (PQputCopyEnd(c->pg, "ferry: a value could not be encoded") >= 0)
        pg_drain(c, "ferry: a value could not be encoded");
    c->in_copy = 0;
    return pg_err(c, e, FERRY_E_INTERNAL, NULL,
                  "COPY %s, row %lld, column %s: value '%s' %s (binary %s): this is a "
                  "ferry bug, please report it; --copy-format text avoids it",
                  c->copy_table, (long long)row, c->copy_cols[col], shown, why,
                  pgbin_kind_name(c->fields[col]));
}

/* pg_copy_batch_binary — the binary form of pg_copy_batch: per row the
 * field count, per cell its length and its type's binary form. */
static int pg_copy_batch_binary(pg_conn *c, const batch *b, ferry_err *e)
{
    strbuf *sb = &c->copybuf;
    const char *why = NULL;

    for (size_t r = 0; r < b->nrows; r++) {
        /* The row's cells directly (pg_copy_batch checked the column
         * count; r < nrows): batch_cell_get's checks, per cell, cost as
         * much as encoding an integer. */
        const batch_cell *cells = b->cells + r * (size_t)c->ncols;
        c->rows_sent++;
        pgbin_add_row(sb, c->ncols);
        for (int k = 0; k < c->ncols; k++) {
            if (cells[k].len < 0) {
                pgbin_add_null(sb);
                continue;
            }
            const char *cell = b->data.buf + cells[k].off;
            size_t len = (size_t)cells[k].len;
            if (pgbin_add_field(sb, c->fields[k], cell, len, &why))
                return pg_copy_bad_cell(c, c->rows_sent, k, cell, len, why, e);
        }
        if (sb->len >= PG_COPY_PIECE && pg_copy_flush(c, e))
            return -1;
    }
    return pg_copy_flush(c, e);
}

/* pg_copy_batch — encode all rows of b (owned by the caller, untouched)
 * and send them. Binary: see pg_copy_batch_binary. Text: NULL is \N, bytes
 * go as bytea hex, every other canonical form as escaped text (for
 * numbers, dates and uuids escaping changes nothing, and it keeps a stray
 * tab from ever shifting columns). */
static int pg_copy_batch(ferry_conn *fc, const batch *b, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    strbuf *sb = &c->copybuf;

    if (!c->in_copy)
        return pg_err(c, e, FERRY_E_INTERNAL, NULL, "copy_batch without copy_begin");
    if (b->ncols != c->ncols)
        return pg_err(c, e, FERRY_E_INTERNAL, NULL,
                      "copy_batch: batch has %d columns, COPY has %d", b->ncols, c->ncols);
    if (c->binary)
        return pg_copy_batch_binary(c, b, e);
    c->rows_sent += (int64_t)b->nrows;
    for (size_t r = 0; r < b->nrows; r++) {
        for (int k = 0; k < c->ncols; k++) {
            size_t len = 0;
            const char *cell = batch_cell_get(b, r, k, &len);
            if (k)
                strbuf_addc(sb, '\t');
            if (!cell)
                strbuf_add(sb, "\\N", 2);
            else if (c->kinds[k] == LT_BYTES)
                pg_copy_add_bytes(sb, (const unsigned char *)cell, len);
            else
                pg_copy_add_text(sb, cell, len);
        }
        strbuf_addc(sb, '\n');
        if (sb->len >= PG_COPY_PIECE && pg_copy_flush(c, e))
            return -1;
    }
    return pg_copy_flush(c, e);
}

/* pg_copy_end — finish the COPY; *rows (may be NULL) gets the rows the
 * server took. On failure the server's message and the CONTEXT line that
 * locates the row are recorded (see postgresql.h) and the transaction is
 * aborted: the caller rolls back. */
static int pg_copy_end(ferry_conn *fc, int64_t *rows, ferry_err *e)
{
    pg_conn *c = (pg_conn *)fc;
    PGresult *res;
    int r, rc = 0, got = 0, guard = 0;

    if (!c->in_copy)
        return pg_err(c, e, FERRY_E_INTERNAL, NULL, "copy_end without copy_begin");
    if (c->binary)
        pgbin_add_trailer(&c->copybuf);
    if (pg_copy_flush(c, e))
        return -1;
    while ((r = PQputCopyEnd(c->pg, NULL)) == 0)
        if (pg_wait_socket(c, e))
            return -1;
    if (r < 0)
        return pg_copy_abandoned(c, e);
    while (guard++ < 1000 && (res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COMMAND_OK && !got) {
            got = 1;
            if (rows)
                *rows = strtoll(PQcmdTuples(res), NULL, 10);
        } else if (st == PGRES_COPY_IN) {
            PQclear(res);
            PQputCopyEnd(c->pg, "ferry: COPY still open after its end");
            continue;
        } else if (st != PGRES_COMMAND_OK && !rc) {
            rc = pg_result_fail(c, res, NULL, e);
        }
        PQclear(res);
    }
    c->in_copy = 0;
    if (!rc && !got)
        rc = PQstatus(c->pg) == CONNECTION_BAD
                 ? pg_lost(c, "while finishing COPY", e)
                 : pg_err(c, e, FERRY_E_SQL, NULL, "COPY ended without a result");
    if (rc)
        pg_coltypes_forget(c);
    return rc;
}

/* ---------------------------------------------------------------------
 * Exported helpers (postgresql.h)
 * ------------------------------------------------------------------- */

int pg_copy_error_line(const ferry_err *e)
{
    static const char mark[] = PG_CTX_MARK "COPY ";
    const char *p, *q;

    if (!e || !(p = strstr(e->msg, mark)))
        return -1;
    for (p += sizeof mark - 1; (q = strstr(p, ", line ")) != NULL; p = q) {
        long long v = 0;
        int digits = 0;
        q += 7;
        while (isdigit((unsigned char)q[digits]) && digits < 12) {
            v = v * 10 + (q[digits] - '0');
            digits++;
        }
        if (digits > 0 && (q[digits] == ',' || q[digits] == ':' || q[digits] == ')' ||
                           q[digits] == '\0'))
            return v >= 1 && v <= INT_MAX ? (int)v : -1;
    }
    return -1;
}

int pg_error_is_row_level(const ferry_err *e)
{
    if (!e || strlen(e->sqlstate) != 5)
        return 0;
    return strncmp(e->sqlstate, "22", 2) == 0 || strncmp(e->sqlstate, "23", 2) == 0;
}

/* The source side lives in pg_source.c, on the connection's pg_src; these
 * adapt it to the driver interface. */
#define PGSRC(c) (&((pg_conn *)(c))->src)
static int pg_begin_snapshot(ferry_conn *c, ferry_err *e)
{ return pg_src_begin_snapshot(PGSRC(c), e); }
static int pg_snapshot_export(ferry_conn *c, char *id, size_t n, ferry_err *e)
{ return pg_src_export_snapshot(PGSRC(c), id, n, e); }
static int pg_snapshot_import(ferry_conn *c, const char *id, ferry_err *e)
{ return pg_src_import_snapshot(PGSRC(c), id, e); }
static int pg_describe(ferry_conn *c, ferry_catalog *cat, ferry_err *e)
{ return pg_src_describe(PGSRC(c), cat, e); }
static int pg_key_stats(ferry_conn *c, const cat_table *t, const char *k, int64_t *n,
                        int64_t *lo, int64_t *hi, ferry_err *e)
{ return pg_src_key_stats(PGSRC(c), t, k, n, lo, hi, e); }
static int pg_key_split_points(ferry_conn *c, const cat_table *t, const char *k, int64_t step,
                               int64_t **p, int *np, ferry_err *e)
{ return pg_src_key_split_points(PGSRC(c), t, k, step, p, np, e); }
static int pg_read_chunk(ferry_conn *c, const read_spec *spec, row_callback cb, void *ctx,
                         ferry_err *e)
{ return pg_src_read_chunk(PGSRC(c), spec, cb, ctx, e); }

const ferry_driver postgresql_driver = {
    .begin_snapshot    = pg_begin_snapshot,
    .snapshot_export   = pg_snapshot_export,
    .snapshot_import   = pg_snapshot_import,
    .describe          = pg_describe,
    .key_stats         = pg_key_stats,
    .key_split_points  = pg_key_split_points,
    .read_chunk        = pg_read_chunk,
    .name              = "postgresql",
    .engine            = ENGINE_POSTGRESQL,
    .dialect           = &postgresql_dialect,
    .conn_size         = sizeof(pg_conn),
    .max_ident_bytes   = 63,
    .transactional_ddl = 1,
    .single_writer     = 0,
    .connect           = pg_connect,
    .close             = pg_close,
    .server_version    = pg_server_version,
    .exec              = pg_exec,
    .exec_params       = pg_exec_params,
    .query             = pg_query,
    .begin             = pg_begin,
    .commit            = pg_commit,
    .rollback          = pg_rollback,
    .copy_begin        = pg_copy_begin,
    .copy_batch        = pg_copy_batch,
    .copy_end          = pg_copy_end,
    .quote_ident       = pg_quote_ident,
    .set_option        = pg_set_option,
    .conn_info         = pg_conn_info,
};
