/* my_smoke.c — checks of the MySQL/MariaDB driver (drivers/mysql*.c)
 * against a real server, driven through the driver interface only. Built
 * and run by tests/lib/my_smoke.sh, which starts a throwaway MariaDB and
 * passes its port and socket:
 *
 *   my_smoke PORT SOCKET_PATH [bench]
 *
 * Needs the databases my_smoke.sh creates (rich, edge, w, Chinook) and the
 * account pwuser/s3cr3t-Pw. Every check prints "ok" or "FAIL"; the run
 * ends with "N passed, N failed" and exits 1 when anything failed. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "dialect.h"

extern const ferry_driver mysql_driver;

/* The driver table points at the MySQL dialect; the test does not use it. */
const ferry_dialect mysql_dialect = {.name = "mysql"};

static int passed, failed;
static const char *port, *sock;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(ok ? "  ok: " : "  FAIL: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    if (ok) passed++; else failed++;
}

#define CHECK_STR(got, want, what) do { const char *g_ = (got), *w_ = (want); \
    check(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, "%s: \"%s\" (want \"%s\")", (what), \
          g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } while (0)
#define CHECK_INT(got, want, what) do { long long g_ = (long long)(got), w_ = (long long)(want); \
    check(g_ == w_, "%s: %lld (want %lld)", (what), g_, w_); } while (0)

/* conn — connect through the driver table as driver_connect would. */
static ferry_conn *conn(const char *url, ferry_side side, ferry_err *e)
{
    ferry_url u;
    ferry_conn *c;

    memset(e, 0, sizeof *e);
    if (ferry_url_parse(url, &u, e))
        return NULL;
    c = xcalloc(1, mysql_driver.conn_size);
    c->drv = &mysql_driver;
    c->side = side;
    if (mysql_driver.connect(c, &u, e)) {
        free(c);
        c = NULL;
    }
    ferry_url_free(&u);
    return c;
}

static char *url_for(const char *user, const char *db, const char *extra)
{
    return xasprintf("mysql://%s@127.0.0.1:%s/%s%s", user, port, db, extra ? extra : "");
}

/* ----- query helpers ----- */

typedef struct qrows { strbuf text; int n; } qrows;

static int rows_cb(void *ctx, int ncols, const char *const *vals, ferry_err *e)
{
    qrows *r = ctx;
    (void)e;
    for (int i = 0; i < ncols; i++) {
        if (i) strbuf_addc(&r->text, '|');
        strbuf_adds(&r->text, vals[i] ? vals[i] : "NULL");
    }
    strbuf_addc(&r->text, '\n');
    r->n++;
    return 0;
}

/* q — the rows of sql as "a|b\n" text (static buffer reused). */
static const char *q(ferry_conn *c, const char *sql, int n, const char *const *vals)
{
    static qrows r;
    ferry_err e = {0};
    strbuf_free(&r.text);
    r.n = 0;
    if (c->drv->query(c, sql, n, vals, rows_cb, &r, &e)) {
        printf("    query failed: %s\n", e.msg);
        return "ERROR";
    }
    return strbuf_cstr(&r.text);
}

/* ----- connection errors ----- */

static void test_connect(void)
{
    ferry_err e;
    ferry_conn *c;
    char *u;

    printf("connect\n");
    c = conn("mysql://root@127.0.0.1:1/rich", SIDE_SOURCE, &e);
    check(!c && e.code == FERRY_E_CONNECT && e.side == SIDE_SOURCE &&
          strstr(e.msg, "not reachable") && strstr(e.msg, "127.0.0.1:1"),
          "refused port: %s", e.msg);
    u = url_for("pwuser:wrong-Password-9", "rich", NULL);
    c = conn(u, SIDE_TARGET, &e);
    check(!c && e.code == FERRY_E_AUTH && e.side == SIDE_TARGET && !strstr(e.msg, "wrong-Password") &&
          strstr(e.msg, "pwuser:***@") && strstr(e.msg, "MYSQL_PWD"),
          "wrong password: %s [%s]", e.msg, e.sqlstate);
    free(u);
    u = url_for("root", "no_such_db", NULL);
    c = conn(u, SIDE_SOURCE, &e);
    check(!c && e.code == FERRY_E_CONNECT && strstr(e.msg, "CREATE DATABASE `no_such_db`"),
          "unknown database: %s", e.msg);
    free(u);
    u = url_for("root", "rich", "?bogus=1");
    c = conn(u, SIDE_SOURCE, &e);
    check(!c && e.code == FERRY_E_USAGE && strstr(e.msg, "bogus"), "unknown parameter: %s", e.msg);
    free(u);
    u = url_for("root", "rich", "?ssl-mode=REQUIRED");
    c = conn(u, SIDE_SOURCE, &e);
    check(!c && e.code == FERRY_E_CONNECT && strstr(e.msg, "ssl"),
          "ssl-mode=REQUIRED against a server without TLS: %s", e.msg);
    free(u);
    u = url_for("root", "rich", "?ssl-mode=PREFERRED&charset=utf8mb4&pool_size=5");
    c = conn(u, SIDE_SOURCE, &e);
    check(c != NULL, "ssl-mode=PREFERRED, charset and pool_size accepted: %s", c ? "" : e.msg);
    drv_close(c);
    free(u);
    u = url_for("root", "rich", "?ssl=maybe");
    c = conn(u, SIDE_SOURCE, &e);
    check(!c && e.code == FERRY_E_USAGE, "bad ssl value: %s", e.msg);
    free(u);

    /* Passwords from the environment and from an option file. */
    u = url_for("pwuser", "rich", NULL);
    setenv("MYSQL_PWD", "s3cr3t-Pw", 1);
    c = conn(u, SIDE_SOURCE, &e);
    check(c != NULL, "MYSQL_PWD: %s", c ? "connected" : e.msg);
    drv_close(c);
    unsetenv("MYSQL_PWD");
    c = conn(u, SIDE_SOURCE, &e);
    check(!c && e.code == FERRY_E_AUTH, "no password: %s", e.msg);
    free(u);
    {
        char path[] = "/tmp/ferry-mycnf.XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");
        fprintf(f, "[client]\npassword=s3cr3t-Pw\n");
        fclose(f);
        u = xasprintf("mysql://pwuser@127.0.0.1:%s/rich?defaults-file=%s", port, path);
        c = conn(u, SIDE_SOURCE, &e);
        check(c != NULL, "password from ?defaults-file=: %s", c ? "connected" : e.msg);
        drv_close(c);
        free(u);
        unlink(path);
    }
    /* An account of another authentication plugin (client_ed25519.so is
     * loaded from Connector/C's plugin directory). */
    if (getenv("MYSMOKE_ED25519")) {
        u = url_for("eduser:Ed-pw-25519", "rich", NULL);
        c = conn(u, SIDE_SOURCE, &e);
        check(c != NULL, "ed25519 account: %s", c ? "connected" : e.msg);
        drv_close(c);
        free(u);
    }
    /* The unix socket as host, percent-encoded, and as ?unix_socket=. */
    {
        strbuf s = STRBUF_INIT;
        strbuf_adds(&s, "mysql://root@");
        for (const char *p = sock; *p; p++)
            if (*p == '/') strbuf_adds(&s, "%2F"); else strbuf_addc(&s, *p);
        strbuf_adds(&s, "/rich");
        c = conn(s.buf, SIDE_SOURCE, &e);
        check(c != NULL, "socket path as host: %s", c ? "connected" : e.msg);
        if (c) CHECK_STR(q(c, "SELECT @@hostname IS NOT NULL, CONNECTION_ID() > 0", 0, NULL), "1|1\n",
                         "socket connection answers");
        drv_close(c);
        strbuf_free(&s);
        u = xasprintf("mariadb+mariadbconnector://root@localhost/rich?unix_socket=%s", sock);
        c = conn(u, SIDE_SOURCE, &e);
        check(c != NULL, "?unix_socket= with a +driver scheme: %s", c ? "connected" : e.msg);
        if (c) {
            char v[64];
            c->drv->server_version(c, v, sizeof v, &e);
            check(strncmp(v, "MariaDB 10.", 11) == 0, "server_version: %s", v);
            CHECK_STR(q(c, "SELECT @@session.time_zone, @@session.character_set_client, "
                           "@@session.character_set_results, FIND_IN_SET('STRICT_ALL_TABLES', "
                           "@@session.sql_mode) > 0, FIND_IN_SET('NO_BACKSLASH_ESCAPES', "
                           "@@session.sql_mode) > 0", 0, NULL),
                      "+00:00|utf8mb4|utf8mb4|1|1\n", "session settings");
        }
        drv_close(c);
        free(u);
    }
}

/* ----- describe ----- */

static const cat_column *col_of(const cat_table *t, const char *name)
{
    int i = catalog_column_index(t, name);
    return i >= 0 ? &t->cols[i] : NULL;
}

static const cat_index *index_of(const cat_table *t, const char *name)
{
    for (int i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i].name, name) == 0) return &t->indexes[i];
    return NULL;
}

static void test_describe(void)
{
    ferry_err e;
    ferry_catalog cat;
    char *u = url_for("root", "rich", NULL);
    ferry_conn *c = conn(u, SIDE_SOURCE, &e);
    const cat_table *t;
    const cat_column *col;
    const cat_index *ix;

    printf("describe\n");
    free(u);
    if (!c) { check(0, "connect: %s", e.msg); return; }
    memset(&cat, 0, sizeof cat);
    check(c->drv->begin_snapshot(c, &e) == 0, "begin_snapshot %s", e.msg);
    if (c->drv->describe(c, &cat, &e)) { check(0, "describe: %s", e.msg); drv_close(c); return; }
    CHECK_STR(cat.engine, "mysql", "catalog engine");
    CHECK_INT(cat.ntables, 6, "tables (views excluded)");
    CHECK_INT(cat.nviews, 2, "views");
    t = catalog_find_table(&cat, "alltypes");
    if (!t) { check(0, "alltypes found"); drv_close(c); return; }
    CHECK_STR(t->comment, "every type", "table comment");
    CHECK_INT(t->npk, 1, "alltypes npk");
    CHECK_INT(t->autoincrement, 1, "autoincrement");
    CHECK_INT(t->rowid_alias, 0, "rowid_alias = the AUTO_INCREMENT single-column PK");
    CHECK_INT(t->has_rowid, 0, "has_rowid");
    check(t->autoinc_seq >= 999, "autoinc_seq %lld (AUTO_INCREMENT - 1)", (long long)t->autoinc_seq);
    check(t->sql && strstr(t->sql, "CREATE TABLE `alltypes`"), "SHOW CREATE TABLE text");
    struct { const char *name, *type, *def; int notnull; } cols[] = {
        {"id", "bigint(20)", NULL, 1}, {"tiu", "tinyint(3) unsigned", NULL, 0},
        {"bo", "tinyint(1)", "1", 0}, {"i", "int(11)", "-5", 0},
        {"iu", "int(10) unsigned zerofill", NULL, 0}, {"biu", "bigint(20) unsigned", NULL, 0},
        {"de", "decimal(12,3)", "1.500", 0}, {"fl", "float", NULL, 0}, {"db", "double", "2.5", 0},
        {"b1", "bit(1)", NULL, 0}, {"b8", "bit(8)", "b'101'", 0}, {"ch", "char(10)", "'it''s'", 0},
        {"vc", "varchar(255)", "'back\\\\slash'", 0}, {"en", "enum('a','b c','d''e')", "'a'", 0},
        {"st", "set('x','y','z')", NULL, 0}, {"yr", "year(4)", NULL, 0},
        {"dtm6", "datetime(6)", "current_timestamp(6)", 0},
        {"ts", "timestamp(3)", "current_timestamp(3)", 0}, {"js", "json", NULL, 0},
        {"uu", "uuid", NULL, 0}, {"lbl", "longblob", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        char what[80];
        col = col_of(t, cols[i].name);
        if (!col) { check(0, "column %s", cols[i].name); continue; }
        snprintf(what, sizeof what, "%s type", cols[i].name);
        CHECK_STR(col->native_type, cols[i].type, what);
        snprintf(what, sizeof what, "%s default", cols[i].name);
        CHECK_STR(col->default_expr, cols[i].def, what);
        snprintf(what, sizeof what, "%s notnull", cols[i].name);
        CHECK_INT(col->notnull, cols[i].notnull, what);
    }
    col = col_of(t, "gen_v");
    check(col && col->generated && strcmp(col->generated_expr, "`i` * 2") == 0,
          "virtual generated column: %s", col ? col->generated_expr : "");
    col = col_of(t, "gen_s");
    check(col && col->generated && strstr(col->generated_expr, "concat("), "stored generated column");
    col = col_of(t, "l1");
    CHECK_STR(col ? col->collation : NULL, "latin1_german1_ci", "latin1 column collation");
    col = col_of(t, "vc");
    CHECK_STR(col ? col->collation : NULL, NULL, "default collation is NULL");
    CHECK_STR(col_of(t, "id")->pk_position == 1 ? "pk" : "no", "pk", "id pk_position");
    ix = index_of(t, "ix_prefix");
    check(ix && ix->nparts == 2 && !ix->unique && strcmp(ix->parts[0].column, "tx") == 0 &&
          !ix->parts[0].desc && strcmp(ix->parts[1].column, "vc") == 0 && ix->parts[1].desc,
          "prefix + DESC index parts");
    CHECK_STR(ix ? ix->sql : NULL, "CREATE INDEX `ix_prefix` ON `alltypes` (`tx`(20), `vc` DESC)",
              "index native text keeps the prefix length");
    ix = index_of(t, "uq_multi");
    check(ix && ix->unique && ix->is_constraint && ix->nparts == 2, "unique index");
    check(!index_of(t, "PRIMARY"), "primary key is not among the indexes");
    check(t->nfks == 1 && strcmp(t->fks[0].ref_table, "parent") == 0 &&
          strcmp(t->fks[0].on_delete, "SET NULL") == 0 && strcmp(t->fks[0].on_update, "CASCADE") == 0 &&
          strcmp(t->fks[0].cols[0], "parent_id") == 0 && strcmp(t->fks[0].ref_cols[0], "id") == 0,
          "FK with actions");
    check(t->nchecks == 2, "checks: %d (json_valid dropped)", t->nchecks);
    for (int i = 0; i < t->nchecks; i++)
        printf("    check %s: %s\n", t->checks[i].name ? t->checks[i].name : "(none)", t->checks[i].expr);
    t = catalog_find_table(&cat, "comp");
    check(t && t->npk == 2 && col_of(t, "b")->pk_position == 1 && col_of(t, "a")->pk_position == 2 &&
          t->rowid_alias == -1, "composite PK in key order");
    t = catalog_find_table(&cat, "child");
    check(t && t->nfks == 1 && t->fks[0].ncols == 2 && strcmp(t->fks[0].cols[0], "cb") == 0 &&
          strcmp(t->fks[0].ref_cols[1], "a") == 0 && strcmp(t->fks[0].on_delete, "CASCADE") == 0 &&
          strcmp(t->fks[0].on_update, "RESTRICT") == 0, "multi-column FK");
    check(t && t->rowid_alias == -1 && !t->autoincrement, "int PK without AUTO_INCREMENT: no rowid_alias");
    t = catalog_find_table(&cat, "parent");
    check(t && t->comment && strcmp(t->comment, "the parents") == 0 && t->rowid_alias == 0,
          "parent: comment, unsigned auto_increment PK");
    t = catalog_find_table(&cat, "we`ird name");
    check(t && col_of(t, "col `q") && col_of(t, "col `q")->pk_position == 1, "backtick in names");
    t = catalog_find_table(&cat, "nokey");
    check(t && t->npk == 0 && t->rowid_alias == -1, "keyless table");
    for (int i = 0; i < cat.nviews; i++) {
        const cat_view *v = &cat.views[i];
        printf("    view %s: %s\n", v->name, v->select_sql);
        if (strcmp(v->name, "v_parent") == 0)
            check(strncmp(v->select_sql, "select `parent`.`id` AS `id`", 28) == 0 &&
                  strstr(v->sql, "VIEW `v_parent` AS select"), "view select text");
        if (strcmp(v->name, "v`2") == 0)
            check(strncmp(v->select_sql, "select ", 7) == 0, "view with a backtick in its name");
    }
    catalog_free(&cat);
    drv_close(c);
}

/* ----- reading ----- */

typedef struct readlog { int n; int64_t keys[16]; int stop_after; } readlog;

static int got_cb(void *ctx, const ferry_value *v, int64_t key, ferry_err *e)
{
    readlog *g = ctx;
    (void)e;
    (void)v;
    if (g->n < 16) g->keys[g->n] = key;
    g->n++;
    return g->stop_after && g->n >= g->stop_after ? -1 : 0;
}

/* fmt_value — a value as the test expects it: class letter and content. */
static void fmt_value(strbuf *sb, const ferry_value *v)
{
    switch (v->cls) {
    case FV_NULL: strbuf_adds(sb, "N"); break;
    case FV_INT:  strbuf_addf(sb, "I%lld", (long long)v->i); break;
    case FV_REAL: strbuf_addf(sb, "R%.17g", v->d); break;
    case FV_TEXT: strbuf_adds(sb, "T"); strbuf_add(sb, v->p, v->n); break;
    case FV_BLOB: strbuf_adds(sb, "B"); strbuf_addhex(sb, v->p, v->n); break;
    }
}

typedef struct one_row { strbuf text; int ncols; int64_t key; size_t maxlen; int nrows; } one_row;

static int one_row_cb(void *ctx, const ferry_value *v, int64_t key, ferry_err *e)
{
    one_row *r = ctx;
    (void)e;
    r->nrows++;
    r->key = key;
    strbuf_reset(&r->text);
    for (int i = 0; i < r->ncols; i++) {
        if (i) strbuf_addc(&r->text, ' ');
        if (v[i].n > r->maxlen) r->maxlen = v[i].n;
        if (v[i].n > 1000) strbuf_addf(&r->text, "%c<%zu bytes>", v[i].cls == FV_BLOB ? 'B' : 'T', v[i].n);
        else fmt_value(&r->text, &v[i]);
    }
    return 0;
}

static void test_read(void)
{
    ferry_err e;
    ferry_catalog cat;
    char *u = url_for("root", "edge", NULL);
    ferry_conn *c = conn(u, SIDE_SOURCE, &e);
    const cat_table *t;

    printf("read\n");
    free(u);
    if (!c) { check(0, "connect: %s", e.msg); return; }
    memset(&cat, 0, sizeof cat);
    if (c->drv->begin_snapshot(c, &e) || c->drv->describe(c, &cat, &e)) {
        check(0, "describe edge: %s", e.msg);
        drv_close(c);
        return;
    }
    t = catalog_find_table(&cat, "e");
    if (!t) { check(0, "table e"); drv_close(c); return; }
    {
        int idx[32], n = t->ncols;
        one_row r = {STRBUF_INIT, n, 0, 0, 0};
        read_spec spec = {t, n, idx, "id", 1, 1, 1, 2, NULL};
        for (int i = 0; i < n; i++) idx[i] = i;
        check(c->drv->read_chunk(c, &spec, one_row_cb, &r, &e) == 0, "read_chunk [1,2) %s", e.msg);
        CHECK_INT(r.nrows, 1, "rows in [1,2)");
        printf("    row 1: %s\n", strbuf_cstr(&r.text));
        CHECK_STR(strbuf_cstr(&r.text),
                  "I1 T18446744073709551615 I-9223372036854775808 I9223372036854775807 I255 I1 "
                  "I1 B81 Bffffffffffffffff R1.0000001192092896 R16777216 R0.10000000000000001 "
                  "R1.5 T-12.500 T0000-00-00 T0000-00-00 00:00:00 T2024-02-29 13:14:15.123456 "
                  "T2001-02-03 04:05:06.789 T-838:59:59 I2024 Tb c Tx,z T{\"a\": [1, 2]} "
                  "Té TéЖ😀 B00ff0000 B00ff80 N T123e4567-e89b-12d3-a456-426614174000 I42",
                  "edge values row 1");
        spec.lo = 2; spec.hi = 3;
        check(c->drv->read_chunk(c, &spec, one_row_cb, &r, &e) == 0, "read_chunk [2,3) %s", e.msg);
        CHECK_INT(r.key, 2, "key of row 2");
        check(r.maxlen == 1024 * 1024, "1 MB blob read whole (%zu)", r.maxlen);
        printf("    row 2: %s\n", strbuf_cstr(&r.text));
        spec.has_lo = spec.has_hi = 0;
        r.nrows = 0;
        int rc = c->drv->read_chunk(c, &spec, one_row_cb, &r, &e);
        check(rc == 0 && r.nrows == 3, "whole table by key: %d rows", r.nrows);
        strbuf_free(&r.text);
    }
    {
        int64_t count, min, max, *pts = NULL;
        int np = 0, rc;
        rc = c->drv->key_stats(c, t, "id", &count, &min, &max, &e);
        check(rc == 0 && count == 3 && min == 1 && max == 3, "key_stats %lld %lld %lld", (long long)count,
              (long long)min, (long long)max);
        t = catalog_find_table(&cat, "big");
        rc = c->drv->key_stats(c, t, "k", &count, &min, &max, &e);
        check(rc == 0 && count == 1000, "key_stats big: %lld", (long long)count);
        rc = c->drv->key_split_points(c, t, "k", 300, &pts, &np, &e);
        check(rc == 0 && np == 3 && pts[0] == 3 * 300 + 7 && pts[2] == 3 * 900 + 7,
              "split points: %d [%lld ...]", np, np ? (long long)pts[0] : 0);
        free(pts);
        /* early stop: the callback stops after 5 rows; the connection still works */
        {
            int idx[2] = {0, 1};
            readlog g = {0, {0}, 5};
            read_spec spec = {t, 2, idx, "k", 0, 0, 0, 0, NULL};
            rc = c->drv->read_chunk(c, &spec, got_cb, &g, &e);
            check(rc != 0 && g.n == 5, "callback stop ends the read (%d rows)", g.n);
            CHECK_STR(q(c, "SELECT COUNT(*) FROM big", 0, NULL), "1000\n", "connection usable after a stop");
        }
        /* a keyless table read whole with ordinal keys */
        t = catalog_find_table(&cat, "nk");
        {
            int idx[1] = {0};
            readlog g = {0, {0}, 0};
            read_spec spec = {t, 1, idx, NULL, 0, 0, 0, 0, NULL};
            rc = c->drv->read_chunk(c, &spec, got_cb, &g, &e);
            check(rc == 0 && g.n == 4 && g.keys[0] == 1 && g.keys[3] == 4,
                  "keyless read: ordinal keys 1..%d", g.n);
            rc = c->drv->key_stats(c, t, NULL, &count, &min, &max, &e);
            check(rc == 0 && count == 4 && min == 1 && max == 4, "keyless key_stats gives ordinals");
        }
        t = catalog_find_table(&cat, "ubig");
        check(c->drv->key_stats(c, t, "k", &count, &min, &max, &e) != 0 && strstr(e.msg, "64-bit"),
              "BIGINT UNSIGNED key beyond int64 refused: %s", e.msg);
    }
    /* the snapshot: rows inserted by another session after begin are not seen */
    {
        char *u2 = url_for("root", "edge", NULL);
        ferry_conn *w = conn(u2, SIDE_TARGET, &e);
        int64_t count, min, max;
        free(u2);
        t = catalog_find_table(&cat, "big");
        check(w && w->drv->exec(w, "INSERT INTO big VALUES (100000, 'late')", &e) == 0,
              "insert from another session %s", e.msg);
        int rc = c->drv->key_stats(c, t, "k", &count, &min, &max, &e);
        check(rc == 0 && count == 1000, "snapshot does not see it (%lld)", (long long)count);
        if (w) w->drv->exec(w, "DELETE FROM big WHERE k = 100000", &e);
        drv_close(w);
    }
    catalog_free(&cat);
    drv_close(c);
}

/* ----- writing ----- */

static batch *mkbatch(int ncols, int nrows, const char *const *cells)
{
    batch *b = batch_new(ncols);
    for (int r = 0; r < nrows; r++) {
        batch_begin_row(b);
        for (int k = 0; k < ncols; k++) {
            const char *v = cells[r * ncols + k];
            if (v) batch_set_cell(b, k, v, strlen(v)); else batch_set_null(b, k);
        }
        batch_commit_row(b);
    }
    return b;
}

static int load(ferry_conn *c, const char *table, int ncols, const char *const *cols,
                const ltype *types, batch *b, int64_t *rows, ferry_err *e)
{
    memset(e, 0, sizeof *e);
    if (c->drv->copy_begin(c, table, cols, types, ncols, e)) return -1;
    if (c->drv->copy_batch(c, b, e)) { c->drv->copy_end(c, NULL, NULL); return -1; }
    return c->drv->copy_end(c, rows, e);
}

static void test_write_method(const char *method)
{
    ferry_err e;
    char *u = url_for("root", "w", NULL);
    ferry_conn *c = conn(u, SIDE_TARGET, &e);
    static const char *const cols[] = {"`id`", "`b`", "`i`", "`f`", "`d`", "`t`", "`by`", "`dt`",
                                       "`tm`", "`ts`", "`tz`", "`u`", "`j`", "`en`", "`l1`"};
    ltype types[15];
    static const ltype_kind kinds[15] = {LT_INT64, LT_BOOL, LT_INT32, LT_FLOAT64, LT_DECIMAL,
        LT_TEXT, LT_BYTES, LT_DATE, LT_TIME, LT_TIMESTAMP, LT_TIMESTAMPTZ, LT_UUID, LT_JSON,
        LT_ENUM, LT_TEXT};
    const char *cells[] = {
        "1", "t", "-2147483648", "1.5e+300", "-12.50", "tab\there\nnew\\line 'q' \"d\" \\N", "\0\t\n\\\xff", "2024-02-29",
        "23:59:59.5", "2024-02-29 13:14:15.123456", "2001-02-03 04:05:06.789+00:00",
        "123e4567-e89b-12d3-a456-426614174000", "{\"a\": [1, \"\\u00e9\"]}", "b c", "é",
        "2", "f", "0", "0.1", "0", "", "", "1000-01-01", "00:00:00", "1970-01-01 00:00:00",
        "1970-01-01 00:00:01+00:00", NULL, "null", "a", NULL,
        "3", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        "4", "t", "2147483647", "-0", "99999999.99", "😀Ж", "x", "9999-12-31", "-838:59:59",
        "9999-12-31 23:59:59.999999", "2038-01-19 03:14:07+00:00", NULL, "[]", "a", "abc",
    };
    int64_t rows = -1;
    batch *b;
    int rc;

    printf("write (%s)\n", method);
    free(u);
    if (!c) { check(0, "connect: %s", e.msg); return; }
    check(c->drv->set_option(c, "copy_method", method, &e) == 0, "copy_method %s", method);
    for (int i = 0; i < 15; i++) {
        memset(&types[i], 0, sizeof types[i]);
        types[i].kind = kinds[i];
        types[i].length = types[i].precision = types[i].scale = -1;
    }
    check(c->drv->exec(c, "DROP TABLE IF EXISTS rt; CREATE TABLE rt (id BIGINT PRIMARY KEY, "
                          "b TINYINT(1), i INT, f DOUBLE, d DECIMAL(10,2), t TEXT, `by` BLOB, dt DATE, "
                          "tm TIME(6), ts DATETIME(6), tz TIMESTAMP(6) NULL, u CHAR(36), j JSON, "
                          "en ENUM('a','b c'), l1 VARCHAR(10) CHARACTER SET latin1) "
                          "ENGINE=InnoDB", &e) == 0, "create rt %s", e.msg);
    /* the BLOB cell has an embedded NUL: build row 1 by hand */
    b = batch_new(15);
    for (int r = 0; r < 4; r++) {
        batch_begin_row(b);
        for (int k = 0; k < 15; k++) {
            const char *v = cells[r * 15 + k];
            if (!v) batch_set_null(b, k);
            else if (r == 0 && k == 6) batch_set_cell(b, k, "\0\t\n\\\xff", 5);
            else batch_set_cell(b, k, v, strlen(v));
        }
        batch_commit_row(b);
    }
    check(c->drv->begin(c, &e) == 0, "begin");
    rc = load(c, "`rt`", 15, cols, types, b, &rows, &e);
    check(rc == 0 && rows == 4, "load 4 rows: %lld %s", (long long)rows, e.msg);
    check(c->drv->commit(c, &e) == 0, "commit");
    batch_free(b);
    CHECK_STR(q(c, "SELECT id, b, i, f, d, t, HEX(`by`), dt, tm, ts, tz, u, j, en, l1, HEX(l1) FROM rt "
                   "ORDER BY id", 0, NULL),
              "1|1|-2147483648|1.5e300|-12.50|tab\there\nnew\\line 'q' \"d\" \\N|00090A5CFF|2024-02-29|"
              "23:59:59.500000|2024-02-29 13:14:15.123456|2001-02-03 04:05:06.789000|"
              "123e4567-e89b-12d3-a456-426614174000|{\"a\": [1, \"\\u00e9\"]}|b c|é|E9\n"
              "2|0|0|0.1|0.00|||1000-01-01|00:00:00.000000|1970-01-01 00:00:00.000000|"
              "1970-01-01 00:00:01.000000|NULL|null|a|NULL|NULL\n"
              "3|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
              "4|1|2147483647|0|99999999.99|😀Ж|78|9999-12-31|-838:59:59.000000|"
              "9999-12-31 23:59:59.999999|2038-01-19 03:14:07.000000|NULL|[]|a|abc|616263\n",
              "round trip of every canonical type");

    /* a duplicate key: the load fails with a class 23 state, naming the row */
    {
        const char *dup[] = {"10", "t", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                             "1", "t", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
        b = mkbatch(15, 2, dup);
        c->drv->begin(c, &e);
        check(load(c, "`rt`", 15, cols, types, b, &rows, &e) != 0 && strncmp(e.sqlstate, "23", 2) == 0 &&
              e.side == SIDE_TARGET, "duplicate key refused: [%s] %s", e.sqlstate, e.msg);
        c->drv->rollback(c);
        batch_free(b);
        CHECK_STR(q(c, "SELECT COUNT(*) FROM rt WHERE id = 10", 0, NULL), "0\n", "rollback leaves nothing");
    }
    /* values MySQL would change: a too long string, an emoji into latin1, a bad enum */
    {
        const char *const bad[][3] = {
            {"l1", "abcdefghijk", "22"}, {"l1", "😀", "22"}, {"en", "zzz", "22"}, {"dt", "2024-02-30", "22"},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            const char *row[15] = {"20"};
            int k = 0;
            while (k < 14 && !(strncmp(cols[k] + 1, bad[i][0], strlen(bad[i][0])) == 0 &&
                               cols[k][1 + strlen(bad[i][0])] == '`'))
                k++;
            for (int j = 1; j < 15; j++) row[j] = NULL;
            row[k] = bad[i][1];
            b = mkbatch(15, 1, row);
            c->drv->begin(c, &e);
            check(load(c, "`rt`", 15, cols, types, b, &rows, &e) != 0 &&
                  strncmp(e.sqlstate, bad[i][2], 2) == 0 && strstr(e.msg, "row 1"),
                  "%s = '%s' refused: [%s] %s", bad[i][0], bad[i][1], e.sqlstate, e.msg);
            c->drv->rollback(c);
            batch_free(b);
        }
        CHECK_STR(q(c, "SELECT COUNT(*) FROM rt", 0, NULL), "4\n", "nothing of the refused rows stays");
    }
    /* Infinity cannot be stored: FERRY_E_TYPE 22003, nothing sent */
    {
        const char *row[15] = {"30", NULL, NULL, "Infinity"};
        b = mkbatch(15, 1, row);
        c->drv->begin(c, &e);
        check(load(c, "`rt`", 15, cols, types, b, &rows, &e) != 0 && e.code == FERRY_E_TYPE &&
              strcmp(e.sqlstate, "22003") == 0 && strstr(e.msg, "`f`"),
              "Infinity refused: [%s] %s", e.sqlstate, e.msg);
        c->drv->rollback(c);
        batch_free(b);
    }
    /* rows spread over several LOAD DATA statements (small pieces) in one transaction */
    {
        enum { N = 5000 };
        static const char *const c2[] = {"`id`", "`t`"};
        ltype t2[2] = {{LT_INT64, -1, 0, -1, -1}, {LT_TEXT, -1, 0, -1, -1}};
        batch *bb = batch_new(2);
        char num[32];
        c->drv->set_option(c, "load_piece_kb", "16", &e);
        c->drv->set_option(c, "insert_rows", "7", &e);
        c->drv->exec(c, "DROP TABLE IF EXISTS many; CREATE TABLE many (id BIGINT PRIMARY KEY, t TEXT)", &e);
        for (int r = 0; r < N; r++) {
            snprintf(num, sizeof num, "%d", r + 1);
            batch_begin_row(bb);
            batch_set_cell(bb, 0, num, strlen(num));
            batch_set_cell(bb, 1, "some text\tof a row", 18);
            batch_commit_row(bb);
        }
        c->drv->begin(c, &e);
        rc = load(c, "`many`", 2, c2, t2, bb, &rows, &e);
        check(rc == 0 && rows == N, "5000 rows in pieces: %lld %s", (long long)rows, e.msg);
        c->drv->rollback(c);
        CHECK_STR(q(c, "SELECT COUNT(*) FROM many", 0, NULL), "0\n", "rollback of a multi-statement load");
        /* a duplicate in a late piece: the row number counts from copy_begin */
        batch_reset(bb, 2);
        for (int r = 0; r < N; r++) {
            snprintf(num, sizeof num, "%d", r == 4321 ? 7 : r + 1);
            batch_begin_row(bb);
            batch_set_cell(bb, 0, num, strlen(num));
            batch_set_cell(bb, 1, "x", 1);
            batch_commit_row(bb);
        }
        c->drv->begin(c, &e);
        check(load(c, "`many`", 2, c2, t2, bb, &rows, &e) != 0 && strncmp(e.sqlstate, "23", 2) == 0,
              "late duplicate: [%s] %s", e.sqlstate, e.msg);
        c->drv->rollback(c);
        batch_free(bb);
        c->drv->set_option(c, "load_piece_kb", "4096", &e);
        c->drv->set_option(c, "insert_rows", "1000", &e);
    }
    drv_close(c);
}

typedef struct blobcmp { const char *want; size_t n; int same; } blobcmp;

static int blobcmp_cb(void *ctx, const ferry_value *v, int64_t key, ferry_err *e)
{
    blobcmp *x = ctx;
    (void)e;
    if (key == 2)
        x->same = v[0].cls == FV_BLOB && v[0].n == x->n && memcmp(v[0].p, x->want, x->n) == 0;
    return 0;
}

/* blob_equal — bigrow.b of id 2, read through read_chunk, is want. */
static int blob_equal(ferry_conn *c, const char *want, size_t n)
{
    cat_column cols[2];
    cat_table t;
    int idx[1] = {1};
    blobcmp x = {want, n, 0};
    read_spec spec;
    ferry_err e;

    memset(cols, 0, sizeof cols);
    memset(&t, 0, sizeof t);
    cols[0].name = "id"; cols[0].native_type = "int(11)"; cols[0].pk_position = 1;
    cols[1].name = "b"; cols[1].native_type = "longblob";
    t.name = "bigrow"; t.ncols = 2; t.cols = cols; t.npk = 1; t.rowid_alias = -1;
    memset(&spec, 0, sizeof spec);
    spec.table = &t; spec.ncols = 1; spec.col_index = idx; spec.key_column = "id";
    if (c->drv->read_chunk(c, &spec, blobcmp_cb, &x, &e)) {
        printf("    read: %s\n", e.msg);
        return 0;
    }
    return x.same;
}

/* test_bigrow — a 20 MB value, more than max_allowed_packet (16 MB): each
 * method stores it (bulk and insert through LOAD DATA), and without LOCAL
 * INFILE it is refused as a row error, the connection intact. */
static void test_bigrow(void)
{
    static const char *const cols[] = {"`id`", "`b`"};
    ltype t[2] = {{LT_INT32, -1, 0, -1, -1}, {LT_BYTES, -1, 0, -1, -1}};
    static const char *const methods[] = {"load", "insert", "bulk", "auto"};
    size_t n = 20u * 1024 * 1024;
    char *blob = xmalloc(n);
    ferry_err e;
    char *u = url_for("root", "w", NULL);
    ferry_conn *c = conn(u, SIDE_TARGET, &e);

    printf("big rows\n");
    if (!c) { check(0, "connect: %s", e.msg); free(u); free(blob); return; }
    for (size_t i = 0; i < n; i++) blob[i] = (char)(i * 7 + (i >> 12));
    c->drv->exec(c, "DROP TABLE IF EXISTS bigrow; CREATE TABLE bigrow (id INT PRIMARY KEY, b LONGBLOB)", &e);
    for (int m = 0; m < 5; m++) {
        batch *b = batch_new(2);
        int64_t rows = 0;
        int rc;
        if (m == 4) {              /* the server without LOCAL INFILE */
            drv_close(c);
            c = NULL;
            {
                ferry_conn *r = conn(u, SIDE_TARGET, &e);
                if (r) { r->drv->exec(r, "SET GLOBAL local_infile = 0", &e); drv_close(r); }
            }
            c = conn(u, SIDE_TARGET, &e);
            if (!c) { check(0, "reconnect: %s", e.msg); batch_free(b); break; }
        }
        batch_begin_row(b); batch_set_cell(b, 0, "1", 1); batch_set_cell(b, 1, "small", 5); batch_commit_row(b);
        batch_begin_row(b); batch_set_cell(b, 0, "2", 1); batch_set_cell(b, 1, blob, n); batch_commit_row(b);
        batch_begin_row(b); batch_set_cell(b, 0, "3", 1); batch_set_cell(b, 1, "x", 1); batch_commit_row(b);
        c->drv->set_option(c, "copy_method", m == 4 ? "auto" : methods[m], &e);
        c->drv->exec(c, "TRUNCATE TABLE bigrow", &e);
        c->drv->begin(c, &e);
        rc = load(c, "`bigrow`", 2, cols, t, b, &rows, &e);
        if (m < 4) {
            check(rc == 0 && rows == 3, "%s: 20 MB value stored (%lld rows) %s", methods[m],
                  (long long)rows, e.msg);
            c->drv->commit(c, &e);
            CHECK_STR(q(c, "SELECT id, LENGTH(b) FROM bigrow ORDER BY id", 0, NULL),
                      "1|5\n2|20971520\n3|1\n", "rows stored");
            check(blob_equal(c, blob, n), "the 20 MB value reads back byte for byte");
        } else {
            check(rc != 0 && strcmp(e.sqlstate, "22001") == 0 && strstr(e.msg, "max_allowed_packet"),
                  "without LOCAL INFILE: refused as a row error: [%s] %s", e.sqlstate, e.msg);
            c->drv->rollback(c);
            CHECK_STR(q(c, "SELECT COUNT(*) FROM bigrow", 0, NULL), "0\n", "connection intact, nothing kept");
            c->drv->exec(c, "SET GLOBAL local_infile = 1", &e);
        }
        batch_free(b);
    }
    drv_close(c);
    free(u);
    free(blob);
}

static void test_statements(void)
{
    ferry_err e;
    char *u = url_for("root", "w", NULL);
    ferry_conn *c = conn(u, SIDE_TARGET, &e);
    strbuf sb = STRBUF_INIT;

    printf("statements\n");
    free(u);
    if (!c) { check(0, "connect: %s", e.msg); return; }
    check(c->drv->exec(c, "DROP TABLE IF EXISTS st; CREATE TABLE st (k VARCHAR(20) PRIMARY KEY, "
                          "v TEXT); -- a comment; with a semicolon\n"
                          "INSERT INTO st VALUES ('a;b', 'it''s $1'); /* ; */ INSERT INTO st VALUES ('c', '\\');\n"
                          "-- only a comment after the last statement\n",
                       &e) == 0, "a script of statements: %s", e.msg);
    CHECK_STR(q(c, "SELECT k, v FROM st ORDER BY k", 0, NULL), "a;b|it's $1\nc|\\\n", "script rows, standard literals");
    {
        const char *vals[3] = {"x$2", NULL, "z"};
        check(c->drv->exec_params(c, "INSERT INTO st (k, v) VALUES ($1, $2)", 2, vals, &e) == 0,
              "exec_params %s", e.msg);
        CHECK_STR(q(c, "SELECT k, COALESCE(v, 'null'), '$1' FROM st WHERE k = $1 OR k = $3", 3, vals),
                  "x$2|null|$1\n", "query with $N, a '$1' literal left alone");
        check(c->drv->exec_params(c, "INSERT INTO st (k) VALUES ($1)", 1, vals, &e) != 0 &&
              strcmp(e.sqlstate, "23000") == 0, "duplicate through exec_params: [%s] %s", e.sqlstate, e.msg);
        check(c->drv->exec_params(c, "INSERT INTO st (k) VALUES ($4)", 3, vals, &e) != 0,
              "parameter beyond nparams refused: %s", e.msg);
    }
    check(c->drv->exec(c, "SELEKT 1", &e) != 0 && e.code == FERRY_E_SQL && strstr(e.msg, "SELEKT"),
          "syntax error names the statement: %s", e.msg);
    check(c->drv->exec(c, "CREATE TABLE st (x INT)", &e) != 0 && e.code == FERRY_E_EXISTS,
          "existing table: FERRY_E_EXISTS: %s", e.msg);
    check(c->drv->exec(c, "CREATE TABLE lf (t TEXT); LOAD DATA LOCAL INFILE '/etc/hostname' "
                          "INTO TABLE lf", &e) != 0 && strstr(e.msg, "refused"),
          "LOCAL INFILE outside ferry's own load is refused: %s", e.msg);
    CHECK_STR(q(c, "SELECT COUNT(*) FROM lf", 0, NULL), "0\n", "nothing read from a local file");
    c->drv->exec(c, "DROP TABLE lf", &e);
    c->drv->quote_ident(&sb, "a`b");
    CHECK_STR(strbuf_cstr(&sb), "`a``b`", "quote_ident");
    strbuf_free(&sb);
    /* savepoints, as the engine's row isolation uses them */
    check(c->drv->begin(c, &e) == 0 && c->drv->exec(c, "SAVEPOINT ferry_row", &e) == 0 &&
          c->drv->exec(c, "INSERT INTO st (k) VALUES ('sp')", &e) == 0 &&
          c->drv->exec(c, "ROLLBACK TO SAVEPOINT ferry_row", &e) == 0 &&
          c->drv->exec(c, "RELEASE SAVEPOINT ferry_row", &e) == 0 && c->drv->commit(c, &e) == 0,
          "savepoints %s", e.msg);
    CHECK_STR(q(c, "SELECT COUNT(*) FROM st WHERE k = 'sp'", 0, NULL), "0\n", "rolled back to the savepoint");
    drv_close(c);
}

/* ----- Chinook ----- */

static int count_cb(void *ctx, const ferry_value *v, int64_t key, ferry_err *e)
{
    (void)v; (void)key; (void)e;
    (*(int64_t *)ctx)++;
    return 0;
}

static void test_chinook(void)
{
    ferry_err e;
    ferry_catalog cat;
    char *u = url_for("root", "Chinook", NULL);
    ferry_conn *c = conn(u, SIDE_SOURCE, &e);
    int64_t total = 0;
    int idx[64];

    printf("chinook\n");
    free(u);
    if (!c) { check(0, "connect: %s", e.msg); return; }
    memset(&cat, 0, sizeof cat);
    if (c->drv->begin_snapshot(c, &e) || c->drv->describe(c, &cat, &e)) {
        check(0, "describe: %s", e.msg);
        drv_close(c);
        return;
    }
    CHECK_INT(cat.ntables, 11, "Chinook tables");
    for (int i = 0; i < cat.ntables; i++) {
        const cat_table *t = &cat.tables[i];
        const char *key = NULL;
        read_spec spec;
        int64_t n = 0;
        for (int j = 0; j < t->ncols; j++) {
            idx[j] = j;
            if (t->npk == 1 && t->cols[j].pk_position == 1) key = t->cols[j].name;
        }
        memset(&spec, 0, sizeof spec);
        spec.table = t;
        spec.ncols = t->ncols;
        spec.col_index = idx;
        spec.key_column = key;
        if (c->drv->read_chunk(c, &spec, count_cb, &n, &e)) check(0, "read %s: %s", t->name, e.msg);
        total += n;
    }
    CHECK_INT(total, 15607, "Chinook rows");
    {
        const cat_table *t = catalog_find_table(&cat, "Track");
        const cat_column *col = t ? col_of(t, "Name") : NULL;
        check(t && t->nfks == 3 && t->npk == 1 && col && strcmp(col->native_type, "varchar(200)") == 0,
              "Track: 3 FKs, NVARCHAR(200) reads as varchar(200) (%s)", col ? col->native_type : "");
        t = catalog_find_table(&cat, "PlaylistTrack");
        check(t && t->npk == 2 && t->nfks == 2, "PlaylistTrack composite PK and 2 FKs");
    }
    catalog_free(&cat);
    drv_close(c);
}

/* ----- bench: LOAD DATA vs multi-row INSERT ----- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { BENCH_N = 200000, BENCH_NCOLS = 11, BENCH_PER = 4096 };

/* server_cpu — CPU seconds (user + system) the server process has used,
 * from /proc (its pid in $MYTEST_DIR/mariadbd.pid); 0 when unknown. */
static double server_cpu(void)
{
    const char *dir = getenv("MYTEST_DIR");
    char path[512], buf[1024];
    unsigned long ut = 0, st = 0;
    FILE *f;
    int pid = 0;

    if (!dir) return 0;
    snprintf(path, sizeof path, "%s/mariadbd.pid", dir);
    if (!(f = fopen(path, "r"))) return 0;
    if (fscanf(f, "%d", &pid) != 1) pid = 0;
    fclose(f);
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (!pid || !(f = fopen(path, "r"))) return 0;
    if (fgets(buf, sizeof buf, f)) {
        const char *p = strrchr(buf, ')');
        /* fields after the name: state ppid ... utime(14) stime(15) */
        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
            ut = st = 0;
    }
    fclose(f);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double client_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_data — 200k rows of 11 columns like bench/run.sh's sample: bigint
 * key, int, bigint, double, short text, ~100-byte text, nullable text,
 * timestamp, boolean, 32-byte blob, decimal; in batches of 4096 rows. */
static batch **bench_data(int *nb)
{
    batch **bs;
    char blob[32], cell[200];

    *nb = (BENCH_N + BENCH_PER - 1) / BENCH_PER;
    bs = xcalloc((size_t)*nb, sizeof *bs);
    srand(42);
    for (int r = 0; r < BENCH_N; r++) {
        batch *b;
        if (r % BENCH_PER == 0) bs[r / BENCH_PER] = batch_new(BENCH_NCOLS);
        b = bs[r / BENCH_PER];
        batch_begin_row(b);
#define SET(k, ...) do { snprintf(cell, sizeof cell, __VA_ARGS__); batch_set_cell(b, k, cell, strlen(cell)); } while (0)
        SET(0, "%d", r + 1);
        SET(1, "%d", rand() % 1000000);
        SET(2, "%lld", (long long)rand() * 1000003LL);
        SET(3, "%.17g", rand() / 3.0);
        SET(4, "name %d", rand() % 100000);
        SET(5, "%.*s", 100, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
                            "tempor incididunt ut labore et dolore");
        if (r % 3) SET(6, "maybe %d", r); else batch_set_null(b, 6);
        SET(7, "2024-%02d-%02d %02d:%02d:%02d", 1 + r % 12, 1 + r % 28, r % 24, r % 60, (r / 7) % 60);
        SET(8, "%c", r % 2 ? 't' : 'f');
        for (int k = 0; k < 32; k++) blob[k] = (char)(rand() & 0xff);
        batch_set_cell(b, 9, blob, 32);
        SET(10, "%d.%02d", rand() % 100000, rand() % 100);
#undef SET
        batch_commit_row(b);
    }
    return bs;
}

/* bench_once — load the rows into an empty table `bench` in chunks of 12
 * batches (49152 rows), one transaction each as the engine writes them;
 * the seconds it took, or -1. */
static double bench_once(ferry_conn *c, batch **bs, int nb, const char *method,
                         const char *opt, const char *val, double *scpu, double *ccpu)
{
    static const char *const cols[BENCH_NCOLS] = {"`id`", "`a`", "`b`", "`r`", "`s`", "`l`", "`n`",
                                                  "`ts`", "`fl`", "`bl`", "`d`"};
    static const ltype_kind kinds[BENCH_NCOLS] = {LT_INT64, LT_INT32, LT_INT64, LT_FLOAT64, LT_TEXT,
                                                  LT_TEXT, LT_TEXT, LT_TIMESTAMP, LT_BOOL, LT_BYTES,
                                                  LT_DECIMAL};
    ltype types[BENCH_NCOLS];
    ferry_err e;
    int64_t rows = 0, got;
    double t0;

    for (int i = 0; i < BENCH_NCOLS; i++) {
        types[i].kind = kinds[i];
        types[i].length = types[i].precision = types[i].scale = -1;
        types[i].fixed = 0;
    }
    c->drv->set_option(c, "copy_method", method, &e);
    c->drv->set_option(c, opt, val, &e);
    c->drv->exec(c, "TRUNCATE TABLE bench", &e);
    /* Start each run from a clean buffer pool: no dirty pages of the
     * previous one being flushed meanwhile. */
    for (int w = 0; w < 100; w++) {
        const char *d = q(c, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                             "WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'", 0, NULL);
        if (atoi(d) < 10) break;
        usleep(100000);
    }
    t0 = now_s();
    *scpu = server_cpu();
    *ccpu = client_cpu();
    for (int i = 0; i < nb; i++) {
        if (i % 12 == 0 && (c->drv->begin(c, &e) ||
                            c->drv->copy_begin(c, "`bench`", cols, types, BENCH_NCOLS, &e)))
            goto fail;
        if (c->drv->copy_batch(c, bs[i], &e))
            goto fail;
        if (i % 12 == 11 || i == nb - 1) {
            if (c->drv->copy_end(c, &got, &e) || c->drv->commit(c, &e))
                goto fail;
            rows += got;
        }
    }
    if (rows != BENCH_N) {
        printf("    %lld rows loaded\n", (long long)rows);
        return -1;
    }
    *scpu = server_cpu() - *scpu;
    *ccpu = client_cpu() - *ccpu;
    return now_s() - t0;
fail:
    printf("    bench failed: %s\n", e.msg);
    c->drv->rollback(c);
    return -1;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* bench — each method in turn, REPS rounds (interleaved, so that a slow
 * moment of the machine hits them all), median and range per method. */
static void bench(void)
{
    enum { REPS = 7, NCONF = 5 };   /* "bulk" groups whole 4096-row batches */
    static const char *const conf[NCONF][3] = {
        {"load", "load_piece_kb", "4096"}, {"load", "load_piece_kb", "16384"},
        {"insert", "insert_rows", "100"}, {"insert", "insert_rows", "500"},
        {"bulk", "insert_rows", "500"},
    };
    double secs[NCONF][REPS], scpu[NCONF][REPS], ccpu[NCONF][REPS];
    ferry_err e;
    char *u = url_for("root", "w", NULL);
    ferry_conn *c = conn(u, SIDE_TARGET, &e);
    int nb;
    batch **bs = bench_data(&nb);

    free(u);
    if (!c) { printf("connect: %s\n", e.msg); return; }
    c->drv->exec(c, "SET GLOBAL innodb_max_dirty_pages_pct = 0", &e);
    for (int pk = 1; pk >= 0; pk--) {
        char sql[300];
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS bench; CREATE TABLE bench (id BIGINT %s, "
                 "a INT, b BIGINT, r DOUBLE, s VARCHAR(40), l TEXT, n TEXT, ts DATETIME, "
                 "fl TINYINT(1), bl VARBINARY(32), d DECIMAL(12,2))", pk ? "PRIMARY KEY" : "NOT NULL");
        c->drv->exec(c, sql, &e);
        for (int rep = 0; rep < REPS; rep++)
            for (int k = 0; k < NCONF; k++)
                secs[k][rep] = bench_once(c, bs, nb, conf[k][0], conf[k][1], conf[k][2],
                                          &scpu[k][rep], &ccpu[k][rep]);
        for (int k = 0; k < NCONF; k++) {
            qsort(secs[k], REPS, sizeof secs[k][0], dcmp);
            qsort(scpu[k], REPS, sizeof scpu[k][0], dcmp);
            qsort(ccpu[k], REPS, sizeof ccpu[k][0], dcmp);
            printf("  %s %-6s %-13s %-5s: median %.2f s = %6.0f rows/s (min %.2f, max %.2f); "
                   "CPU server %.2f s, ferry %.2f s\n", pk ? "PK   " : "no PK", conf[k][0],
                   conf[k][1], conf[k][2], secs[k][REPS / 2], BENCH_N / secs[k][REPS / 2],
                   secs[k][0], secs[k][REPS - 1], scpu[k][REPS / 2], ccpu[k][REPS / 2]);
        }
    }
    for (int i = 0; i < nb; i++) batch_free(bs[i]);
    free(bs);
    drv_close(c);
}

/* ----- TLS (a server started with MYTEST_TLS=1) ----- */

static const char *cipher(ferry_conn *c)
{
    static char buf[128];
    const char *r = q(c, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                         "WHERE VARIABLE_NAME = 'SSL_CIPHER'", 0, NULL);
    snprintf(buf, sizeof buf, "%s", r);
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static void test_tls(const char *ca)
{
    struct { const char *params; int ok, encrypted; } cases[] = {
        {"", 1, 1},                          /* PREFERRED over TCP by default */
        {"?ssl-mode=DISABLED", 1, 0},
        {"?ssl-mode=PREFERRED", 1, 1},
        {"?ssl-mode=REQUIRED", 1, 1},
        {"?ssl=true", 1, 1},
        {"?ssl-mode=VERIFY_IDENTITY&ssl-ca=%s", 1, 1},
        {"?ssl_mode=VERIFY_CA&ssl_ca=%s", 1, 1},
        {"?ssl-mode=VERIFY_CA&ssl-ca=/etc/ssl/certs/ca-certificates.crt", 0, 0},
        {"?ssl-mode=VERIFY_IDENTITY", 0, 0},
    };
    printf("tls\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char params[600], *u;
        ferry_err e;
        ferry_conn *c;
        snprintf(params, sizeof params, cases[i].params, ca);
        u = url_for("root", "mysql", params);
        c = conn(u, SIDE_SOURCE, &e);
        if (cases[i].ok) {
            const char *ci = c ? cipher(c) : "";
            check(c && (cases[i].encrypted < 0 || (cases[i].encrypted == (*ci != '\0'))),
                  "%s: %s (cipher \"%s\")", *params ? params : "(no TLS parameters)",
                  c ? "connected" : e.msg, ci);
        } else {
            check(!c && e.code == FERRY_E_CONNECT && strstr(e.msg, "ssl"),
                  "%s refused: %s", params, e.msg);
        }
        drv_close(c);
        free(u);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: my_smoke PORT SOCKET [bench]\n");
        return 2;
    }
    port = argv[1];
    sock = argv[2];
    if (argc > 3 && strcmp(argv[3], "bench") == 0) {
        bench();
        return 0;
    }
    if (argc > 4 && strcmp(argv[3], "tls") == 0) {
        test_tls(argv[4]);
        printf("%d passed, %d failed\n", passed, failed);
        return failed ? 1 : 0;
    }
    test_connect();
    test_describe();
    test_read();
    test_write_method("load");
    test_write_method("insert");
    test_write_method("bulk");
    test_bigrow();
    test_statements();
    test_chinook();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
