/* mysql_read.c — the MySQL/MariaDB driver's source side: the consistent
 * snapshot, the catalog from information_schema, key statistics and split
 * points, and the rows of one chunk streamed unbuffered (mysql_use_result).
 *
 * DESIGN
 * - All reads of a run happen in one REPEATABLE READ transaction started
 *   WITH CONSISTENT SNAPSHOT: every chunk sees the database as it was at
 *   begin_snapshot. That holds for InnoDB tables; MyISAM/Aria tables are
 *   not transactional and are read as they are at the time.
 * - The catalog comes from information_schema for the connection's
 *   database (the URL's), one query per kind over all tables, plus SHOW
 *   CREATE TABLE / VIEW per object for the native text.
 * - Values are read over the text protocol: the server prints each value
 *   in its own type's form (dates as ISO text, decimals exactly, doubles
 *   round-trip). Integers and BIT become FV_INT when they fit int64, binary
 *   strings FV_BLOB, doubles FV_REAL, everything else FV_TEXT. A FLOAT
 *   column is selected as (col + 0e0): the server prints FLOAT with only 6
 *   significant digits, the double of a float is exact.
 * - A row callback that stops the read early leaves the rest of the result
 *   unread; mysql_free_result then reads it to its end (the connection and
 *   its snapshot stay usable). For a huge chunk that takes as long as
 *   reading it; it only happens when the run is failing or stopping.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"

/* ---------------------------------------------------------------------
 * Snapshot
 * ------------------------------------------------------------------- */

/* my_begin_snapshot — the read transaction every read of c sees. */
int my_begin_snapshot(ferry_conn *fc, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;

    if (mysql_query(c->my, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") == 0)
        return 0;
    if (mysql_errno(c->my) == 1064 &&           /* servers before READ ONLY (5.5) */
        mysql_query(c->my, "START TRANSACTION WITH CONSISTENT SNAPSHOT") == 0)
        return 0;
    return my_fail(c, e, FERRY_E_SOURCE, "starting the snapshot transaction", NULL);
}

/* ---------------------------------------------------------------------
 * Catalog
 * ------------------------------------------------------------------- */

/* my_tinfo — the growth state of one table's arrays while describing. */
typedef struct my_tinfo {
    size_t colcap, ixcap, fkcap, chkcap;
    char  *collation;                /* the table's default collation */
    int64_t autoinc_next;            /* AUTO_INCREMENT, 0 if none */
    int    last_index;               /* the index the last STATISTICS row went to */
    int    last_fk;
} my_tinfo;

typedef struct my_desc {
    my_conn       *c;
    ferry_catalog *cat;
    arena         *a;
    my_tinfo      *ti;
    size_t         tcap;
    int            hit;              /* last table looked up */
    size_t         vcap;
} my_desc;

/* my_desc_table — the index of table name in the catalog, -1 if unknown
 * (a view, or a table created after the table list was read). Rows come
 * grouped by table, so the last hit is tried first. */
static int my_desc_table(my_desc *d, const char *name)
{
    ferry_catalog *cat = d->cat;

    if (!name)
        return -1;
    if (d->hit >= 0 && d->hit < cat->ntables && strcmp(cat->tables[d->hit].name, name) == 0)
        return d->hit;
    for (int i = 0; i < cat->ntables; i++)
        if (strcmp(cat->tables[i].name, name) == 0)
            return d->hit = i;
    return -1;
}

static int64_t my_i64(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

/* row: TABLE_NAME, TABLE_ROWS, AUTO_INCREMENT, TABLE_COMMENT, TABLE_COLLATION */
static int my_desc_tables_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    ferry_catalog *cat = d->cat;
    cat_table t;
    my_tinfo ti;

    (void)n; (void)e;
    memset(&t, 0, sizeof t);
    memset(&ti, 0, sizeof ti);
    t.name = arena_strdup(d->a, v[0]);
    t.rowid_alias = -1;
    t.est_rows = v[1] ? my_i64(v[1]) : -1;
    t.comment = v[3] && *v[3] ? arena_strdup(d->a, v[3]) : NULL;
    ti.collation = arena_strdup(d->a, v[4]);
    ti.autoinc_next = my_i64(v[2]);
    ti.last_index = ti.last_fk = -1;
    {
        size_t cap = d->tcap, nn = (size_t)cat->ntables;
        ARENA_PUSH(d->a, cat->tables, nn, cap, t);
        nn = (size_t)cat->ntables;
        ARENA_PUSH(d->a, d->ti, nn, d->tcap, ti);
        cat->ntables = (int)nn;
        (void)cap;
    }
    return 0;
}

/* my_mysql_default — MySQL (not MariaDB) prints COLUMN_DEFAULT as the raw
 * value: turn it into the expression text MariaDB prints (literals quoted
 * with '' and \\ doubled; expressions as they are). */
static char *my_mysql_default(arena *a, const char *def, const char *extra, const char *dtype)
{
    static const char *const numeric[] = {
        "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal",
        "numeric", "float", "double", "real", "year", "bit", NULL
    };
    strbuf sb = STRBUF_INIT;
    char *r;

    if (strstr(extra, "DEFAULT_GENERATED"))
        return arena_strdup(a, def);
    for (int i = 0; numeric[i]; i++)
        if (!strcasecmp(dtype, numeric[i]))
            return arena_strdup(a, def);
    strbuf_addc(&sb, '\'');
    for (const char *p = def; *p; p++) {
        if (*p == '\'' || *p == '\\')
            strbuf_addc(&sb, *p);
        strbuf_addc(&sb, *p);
    }
    strbuf_addc(&sb, '\'');
    r = arena_strdup(a, sb.buf);
    strbuf_free(&sb);
    return r;
}

/* row: TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,
 * EXTRA, GENERATION_EXPRESSION, COLLATION_NAME, DATA_TYPE */
static int my_desc_columns_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    int ti = my_desc_table(d, v[0]);
    const char *extra = v[5] ? v[5] : "";
    cat_table *t;
    cat_column col;

    (void)n; (void)e;
    if (ti < 0)
        return 0;
    t = &d->cat->tables[ti];
    memset(&col, 0, sizeof col);
    col.name = arena_strdup(d->a, v[1]);
    col.native_type = arena_strdup(d->a, v[2] ? v[2] : "");
    col.notnull = v[3] && strcmp(v[3], "NO") == 0;
    if (strstr(extra, "VIRTUAL GENERATED") || strstr(extra, "STORED GENERATED") ||
        strstr(extra, "PERSISTENT GENERATED")) {
        col.generated = 1;
        col.generated_expr = arena_strdup(d->a, v[6] ? v[6] : "");
    } else if (v[4] && !(d->c->is_mariadb && strcmp(v[4], "NULL") == 0)) {
        col.default_expr = d->c->is_mariadb ? arena_strdup(d->a, v[4])
                                            : my_mysql_default(d->a, v[4], extra, v[8] ? v[8] : "");
    }
    if (strstr(extra, "auto_increment")) {
        t->autoincrement = 1;
        t->rowid_alias = t->ncols;      /* kept only if it is the whole primary key, below */
    }
    if (v[7] && d->ti[ti].collation && strcmp(v[7], d->ti[ti].collation) != 0)
        col.collation = arena_strdup(d->a, v[7]);
    {
        size_t nn = (size_t)t->ncols;
        ARENA_PUSH(d->a, t->cols, nn, d->ti[ti].colcap, col);
        t->ncols = (int)nn;
    }
    return 0;
}

/* my_index_sql — "CREATE [UNIQUE] INDEX `ix` ON `t` (`a`(20), `b` DESC)"
 * as the server would take it, for reports; prefix lengths appear only
 * here (cat_index_part has no field for them). */
static void my_index_add_part_sql(strbuf *sb, const char *col, const char *expr,
                                  const char *sub_part, int desc)
{
    if (col) {
        my_quote_ident(sb, col);
        if (sub_part && *sub_part)
            strbuf_addf(sb, "(%s)", sub_part);
    } else {
        strbuf_addf(sb, "(%s)", expr ? expr : "");
    }
    if (desc)
        strbuf_adds(sb, " DESC");
}

/* row: TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME,
 * COLLATION, SUB_PART, INDEX_TYPE, EXPRESSION (NULL before MySQL 8) */
static int my_desc_stats_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    int ti = my_desc_table(d, v[0]), desc = v[5] && strcmp(v[5], "D") == 0;
    my_tinfo *info;
    cat_table *t;
    cat_index *ix;
    cat_index_part part;
    strbuf sb = STRBUF_INIT;

    (void)n; (void)e;
    if (ti < 0)
        return 0;
    t = &d->cat->tables[ti];
    info = &d->ti[ti];
    if (strcmp(v[1], "PRIMARY") == 0) {
        int k = v[4] ? catalog_column_index(t, v[4]) : -1;
        if (k >= 0) {
            t->cols[k].pk_position = (int)my_i64(v[3]);
            t->npk++;
        }
        return 0;
    }
    /* FULLTEXT and SPATIAL indexes have no counterpart the catalog can
     * describe (see the report); they are left out. */
    if (v[7] && (strcmp(v[7], "FULLTEXT") == 0 || strcmp(v[7], "SPATIAL") == 0))
        return 0;
    if (info->last_index < 0 || strcmp(t->indexes[info->last_index].name, v[1]) != 0) {
        cat_index nix;
        size_t nn = (size_t)t->nindexes;
        memset(&nix, 0, sizeof nix);
        nix.name = arena_strdup(d->a, v[1]);
        nix.unique = v[2] && strcmp(v[2], "0") == 0;
        nix.is_constraint = nix.unique;
        ARENA_PUSH(d->a, t->indexes, nn, info->ixcap, nix);
        t->nindexes = (int)nn;
        info->last_index = t->nindexes - 1;
    }
    ix = &t->indexes[info->last_index];
    memset(&part, 0, sizeof part);
    part.column = v[4] ? arena_strdup(d->a, v[4]) : NULL;
    part.expr = v[4] ? NULL : arena_strdup(d->a, v[8] ? v[8] : "");
    part.desc = desc;
    {
        cat_index_part *parts = arena_alloc(d->a, sizeof *parts * (size_t)(ix->nparts + 1));
        if (ix->nparts)
            memcpy(parts, ix->parts, sizeof *parts * (size_t)ix->nparts);
        parts[ix->nparts++] = part;
        ix->parts = parts;
    }
    /* The native text, rebuilt with every part so far. */
    strbuf_addf(&sb, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
    my_quote_ident(&sb, ix->name);
    strbuf_adds(&sb, " ON ");
    my_quote_ident(&sb, t->name);
    strbuf_adds(&sb, " (");
    if (ix->sql) {
        const char *open = strstr(ix->sql, " (");
        /* earlier parts: everything between " (" and the final ")" */
        size_t from = open ? (size_t)(open - ix->sql) + 2 : 0, len = strlen(ix->sql);
        if (open && len > from)
            strbuf_add(&sb, ix->sql + from, len - from - 1);
        strbuf_adds(&sb, ", ");
    }
    my_index_add_part_sql(&sb, v[4], v[8], v[6], desc);
    strbuf_addc(&sb, ')');
    ix->sql = arena_strdup(d->a, sb.buf);
    strbuf_free(&sb);
    return 0;
}

/* row: TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA,
 * REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME, UPDATE_RULE, DELETE_RULE */
static int my_desc_fks_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    int ti = my_desc_table(d, v[0]);
    my_tinfo *info;
    cat_table *t;
    cat_fk *fk;

    (void)n; (void)e;
    if (ti < 0)
        return 0;
    /* A foreign key into another database cannot be recreated in a copy
     * of this one. */
    if (!v[3] || !d->c->dbname || strcmp(v[3], d->c->dbname) != 0)
        return 0;
    t = &d->cat->tables[ti];
    info = &d->ti[ti];
    if (info->last_fk < 0 || strcmp(t->fks[info->last_fk].name, v[1]) != 0) {
        cat_fk nfk;
        size_t nn = (size_t)t->nfks;
        memset(&nfk, 0, sizeof nfk);
        nfk.name = arena_strdup(d->a, v[1]);
        nfk.ref_table = arena_strdup(d->a, v[4]);
        nfk.on_update = arena_strdup(d->a, v[6] ? v[6] : "NO ACTION");
        nfk.on_delete = arena_strdup(d->a, v[7] ? v[7] : "NO ACTION");
        ARENA_PUSH(d->a, t->fks, nn, info->fkcap, nfk);
        t->nfks = (int)nn;
        info->last_fk = t->nfks - 1;
    }
    fk = &t->fks[info->last_fk];
    {
        char **cols = arena_alloc(d->a, sizeof *cols * (size_t)(fk->ncols + 1));
        char **refs = arena_alloc(d->a, sizeof *refs * (size_t)(fk->ncols + 1));
        if (fk->ncols) {
            memcpy(cols, fk->cols, sizeof *cols * (size_t)fk->ncols);
            memcpy(refs, fk->ref_cols, sizeof *refs * (size_t)fk->ncols);
        }
        cols[fk->ncols] = arena_strdup(d->a, v[2]);
        refs[fk->ncols] = arena_strdup(d->a, v[5]);
        fk->cols = cols;
        fk->ref_cols = refs;
        fk->ncols++;
    }
    return 0;
}

/* row: TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE[, LEVEL ('Column' or
 * 'Table')]. MariaDB writes a JSON column as longtext with the column check
 * CONSTRAINT `col` CHECK (json_valid(`col`)): such a column is reported as
 * "json" and that check dropped. Column-level checks are named after their
 * column: unnamed here. */
static int my_desc_checks_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    int ti = my_desc_table(d, v[0]);
    int column_level = n > 3 && v[3] && strcmp(v[3], "Column") == 0;
    cat_table *t;
    cat_check ck;

    (void)e;
    if (ti < 0 || !v[2])
        return 0;
    t = &d->cat->tables[ti];
    if (v[1]) {
        int k = catalog_column_index(t, v[1]);
        strbuf want = STRBUF_INIT;
        strbuf_adds(&want, "json_valid(");
        my_quote_ident(&want, v[1]);
        strbuf_addc(&want, ')');
        if (k >= 0 && strcmp(v[2], want.buf) == 0 &&
            strncasecmp(t->cols[k].native_type, "longtext", 8) == 0) {
            t->cols[k].native_type = arena_strdup(d->a, "json");
            t->cols[k].collation = NULL;
            strbuf_free(&want);
            return 0;
        }
        strbuf_free(&want);
    }
    memset(&ck, 0, sizeof ck);
    ck.name = column_level ? NULL : arena_strdup(d->a, v[1]);
    ck.expr = arena_strdup(d->a, v[2]);
    {
        size_t nn = (size_t)t->nchecks;
        ARENA_PUSH(d->a, t->checks, nn, d->ti[ti].chkcap, ck);
        t->nchecks = (int)nn;
    }
    return 0;
}

/* row: TABLE_NAME, VIEW_DEFINITION */
static int my_desc_views_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    ferry_catalog *cat = d->cat;
    cat_view view;
    size_t nn = (size_t)cat->nviews;

    (void)n; (void)e;
    memset(&view, 0, sizeof view);
    view.name = arena_strdup(d->a, v[0]);
    view.select_sql = arena_strdup(d->a, v[1] ? v[1] : "");
    ARENA_PUSH(d->a, cat->views, nn, d->vcap, view);
    cat->nviews = (int)nn;
    return 0;
}

/* one row of SHOW CREATE VIEW: name, text, charset, collation. The SELECT
 * follows "VIEW `name` AS "; it names tables without the database. */
static int my_desc_create_view_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    void **pair = ctx;                       /* { my_desc *, cat_view * } */
    my_desc *d = pair[0];
    cat_view *view = pair[1];
    const char *p;

    (void)e;
    if (n < 2 || !v[1])
        return 0;
    view->sql = arena_strdup(d->a, v[1]);
    p = strstr(v[1], " VIEW ");
    if (p) {
        p += 6;
        if (*p == '`') {
            for (p++; *p; p++)
                if (*p == '`' && *++p != '`')
                    break;
        }
        if (strncmp(p, " AS ", 4) == 0)
            view->select_sql = arena_strdup(d->a, p + 4);
    }
    return 0;
}

/* Stored SHOW CREATE TABLE text, copied into the arena while the row lives. */
typedef struct my_create_ctx { arena *a; cat_table *t; } my_create_ctx;

static int my_desc_create_copy(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_create_ctx *x = ctx;
    (void)e;
    if (n >= 2 && v[1])
        x->t->sql = arena_strdup(x->a, v[1]);
    return 0;
}

/* my_desc_finish — what needs all rows: the auto-increment column kept as
 * rowid_alias only when it alone is the primary key, its counter. */
static void my_desc_finish(my_desc *d)
{
    for (int i = 0; i < d->cat->ntables; i++) {
        cat_table *t = &d->cat->tables[i];
        int a = t->rowid_alias;
        if (a >= 0 && !(t->npk == 1 && t->cols[a].pk_position == 1))
            t->rowid_alias = -1;
        t->has_rowid = 0;
        if (t->autoincrement && d->ti[i].autoinc_next > 1)
            t->autoinc_seq = d->ti[i].autoinc_next - 1;
    }
}

/* my_describe — fill cat from information_schema for the connection's
 * database. */
int my_describe(ferry_conn *fc, ferry_catalog *cat, ferry_err *e)
{
    static const char q_tables[] =
        "SELECT TABLE_NAME, TABLE_ROWS, AUTO_INCREMENT, TABLE_COMMENT, TABLE_COLLATION "
        "FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME";
    static const char q_columns[] =
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
        "GENERATION_EXPRESSION, COLLATION_NAME, DATA_TYPE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION";
    static const char q_stats_maria[] =
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, "
        "SUB_PART, INDEX_TYPE, NULL FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
    static const char q_stats_mysql8[] =
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, "
        "SUB_PART, INDEX_TYPE, EXPRESSION FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
    static const char q_fks[] =
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, "
        "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE "
        "FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
        "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
        "AND r.TABLE_NAME = k.TABLE_NAME "
        "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
    static const char q_checks_maria[] =
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL "
        "FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() "
        "ORDER BY TABLE_NAME, CONSTRAINT_NAME";
    static const char q_checks_maria_old[] =    /* before LEVEL (10.5.10) */
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
        "FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() "
        "ORDER BY TABLE_NAME, CONSTRAINT_NAME";
    static const char q_checks_mysql[] =
        "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, 'Table' "
        "FROM information_schema.TABLE_CONSTRAINTS tc "
        "JOIN information_schema.CHECK_CONSTRAINTS cc "
        "ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
        "WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK' "
        "ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME";
    static const char q_views[] =
        "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME";
    my_conn *c = (my_conn *)fc;
    my_desc d;
    strbuf sql = STRBUF_INIT;
    int rc = -1;

    memset(&d, 0, sizeof d);
    d.c = c;
    d.cat = cat;
    d.a = &cat->mem;
    d.hit = -1;
    if (!c->dbname) {
        my_err(c, e, FERRY_E_USAGE, NULL, "%s names no database: write "
               "mysql://user@host/DBNAME", c->display);
        goto out;
    }
    cat->engine = arena_strdup(d.a, "mysql");
    cat->server_version = arena_strdup(d.a, mysql_get_server_info(c->my));

    if (my_query_text(c, q_tables, my_desc_tables_row, &d, e) ||
        my_query_text(c, q_columns, my_desc_columns_row, &d, e) ||
        my_query_text(c, c->is_mariadb || c->version < 80013 ? q_stats_maria : q_stats_mysql8,
                      my_desc_stats_row, &d, e) ||
        my_query_text(c, q_fks, my_desc_fks_row, &d, e))
        goto fail;
    /* CHECK constraints: MariaDB 10.2+ (LEVEL since 10.5.10), MySQL 8.0.16+. */
    if (c->is_mariadb || c->version >= 80016) {
        const char *q = c->is_mariadb ? q_checks_maria : q_checks_mysql;
        if (my_query_text(c, q, my_desc_checks_row, &d, e)) {
            if (c->is_mariadb && mysql_errno(c->my) == 1054) {       /* no LEVEL column */
                if (my_query_text(c, q_checks_maria_old, my_desc_checks_row, &d, e)) goto fail;
            } else if (mysql_errno(c->my) != 1109) {                 /* no such table: none */
                goto fail;
            }
        }
    }
    for (int i = 0; i < cat->ntables; i++) {
        my_create_ctx x = {d.a, &cat->tables[i]};
        strbuf_reset(&sql);
        strbuf_adds(&sql, "SHOW CREATE TABLE ");
        my_quote_ident(&sql, cat->tables[i].name);
        if (my_query_text(c, sql.buf, my_desc_create_copy, &x, e)) goto fail;
    }
    if (my_query_text(c, q_views, my_desc_views_row, &d, e))
        goto fail;
    for (int i = 0; i < cat->nviews; i++) {
        void *pair[2] = {&d, &cat->views[i]};
        strbuf_reset(&sql);
        strbuf_adds(&sql, "SHOW CREATE VIEW ");
        my_quote_ident(&sql, cat->views[i].name);
        if (my_query_text(c, sql.buf, my_desc_create_view_row, pair, e)) goto fail;
    }
    my_desc_finish(&d);
    rc = 0;
    goto out;
fail:
    ferry_err_prefix(e, "describing the database of %s: ", c->display);
out:
    strbuf_free(&sql);
    return rc;
}

/* ---------------------------------------------------------------------
 * Chunking keys
 * ------------------------------------------------------------------- */

/* my_parse_i64 — s[0..n) as a decimal int64 (leading zeros allowed, as
 * ZEROFILL prints them); 0 when it is not one or does not fit. */
static int my_parse_i64(const char *s, size_t n, int64_t *out)
{
    uint64_t v = 0, limit;
    size_t i = 0;
    int neg = 0;

    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (v > (limit - (uint64_t)(s[i] - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

/* my_key_check — key_column must be a column of t. */
static int my_key_check(my_conn *c, const cat_table *t, const char *key_column, ferry_err *e)
{
    char name[160];

    if (catalog_column_index(t, key_column) >= 0)
        return 0;
    return my_err(c, e, FERRY_E_INTERNAL, NULL, "table `%s` has no key column `%s`",
                  my_oneline(name, sizeof name, t->name), key_column);
}

/* my_add_pk_order — " ORDER BY" the primary key columns of t, nothing for
 * a table without one. */
static void my_add_pk_order(strbuf *sb, const cat_table *t)
{
    int sep = 0;

    for (int pos = 1; pos <= t->npk; pos++)
        for (int j = 0; j < t->ncols; j++)
            if (t->cols[j].pk_position == pos) {
                strbuf_adds(sb, sep++ ? ", " : " ORDER BY ");
                my_quote_ident(sb, t->cols[j].name);
            }
}

/* my_key_stats — count, min and max of key_column in t. Without a key
 * column the rows are keyed by their ordinal (1..count, in primary key
 * order). A key that is NULL somewhere, or beyond int64 (BIGINT UNSIGNED),
 * is refused: such rows would fall outside every key range. */
int my_key_stats(ferry_conn *fc, const cat_table *t, const char *key_column,
                 int64_t *count, int64_t *min, int64_t *max, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    strbuf sql = STRBUF_INIT, k = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    char name[160], what[300];
    int rc = -1;

    *count = *min = *max = 0;
    my_oneline(name, sizeof name, t->name);
    snprintf(what, sizeof what, "counting the rows of table `%s`", name);
    if (key_column) {
        if (my_key_check(c, t, key_column, e)) goto out;
        my_quote_ident(&k, key_column);
        strbuf_addf(&sql, "SELECT COUNT(*), COUNT(%s), MIN(%s), MAX(%s) FROM ", k.buf, k.buf, k.buf);
    } else {
        strbuf_adds(&sql, "SELECT COUNT(*), COUNT(*), 1, COUNT(*) FROM ");
    }
    my_add_table(&sql, t);
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_store_result(c->my)) ||
        !(row = mysql_fetch_row(res))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    *count = my_i64(row[0]);
    if (my_i64(row[1]) != *count) {
        my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: key column `%s` is NULL in %lld rows, "
               "which no key range would read (choose another key column)", name, key_column,
               (long long)(*count - my_i64(row[1])));
        goto out;
    }
    if (*count > 0 && (!row[2] || !row[3] || !my_parse_i64(row[2], strlen(row[2]), min) ||
                       !my_parse_i64(row[3], strlen(row[3]), max))) {
        my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: key column `%s` holds values beyond "
               "the 64-bit signed range (min %.30s, max %.30s), so it cannot be split in ranges",
               name, key_column ? key_column : "", row[2] ? row[2] : "NULL",
               row[3] ? row[3] : "NULL");
        goto out;
    }
    rc = 0;
out:
    if (res)
        mysql_free_result(res);
    strbuf_free(&sql);
    strbuf_free(&k);
    return rc;
}

/* my_key_split_points — stream key_column in order (unbuffered) and keep
 * the key of every step-th row (rows step, 2*step, ... counting from 0),
 * a repeated value once. *points is malloc'd (caller frees), NULL when
 * there are none. Without a key column the points are ordinals. */
int my_key_split_points(ferry_conn *fc, const cat_table *t, const char *key_column,
                        int64_t step, int64_t **points, int *npoints, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    strbuf sql = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    int64_t *pts = NULL, n = 0, cap = 0, r = 0, v;
    char name[160], what[300];
    int rc = -1;

    *points = NULL;
    *npoints = 0;
    my_oneline(name, sizeof name, t->name);
    if (step <= 0)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "table `%s`: split step %lld must be "
                      "positive", name, (long long)step);
    if (!key_column) {
        int64_t count, lo, hi;
        if (my_key_stats(fc, t, NULL, &count, &lo, &hi, e))
            return -1;
        for (v = step + 1; v <= count; v += step) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                pts = xrealloc(pts, sizeof *pts * (size_t)cap);
            }
            pts[n++] = v;
        }
        *points = pts;
        *npoints = (int)n;
        return 0;
    }
    if (my_key_check(c, t, key_column, e))
        return -1;
    snprintf(what, sizeof what, "reading the keys of table `%s`", name);
    strbuf_adds(&sql, "SELECT ");
    my_quote_ident(&sql, key_column);
    strbuf_adds(&sql, " FROM ");
    my_add_table(&sql, t);
    strbuf_adds(&sql, " ORDER BY ");
    my_quote_ident(&sql, key_column);
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_use_result(c->my))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (r++ % step != 0 || r == 1)
            continue;
        if (!row[0] || !my_parse_i64(row[0], strlen(row[0]), &v)) {
            my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: key column `%s` holds %.30s, "
                   "which is not a 64-bit integer", name, key_column, row[0] ? row[0] : "NULL");
            goto out;
        }
        if (n > 0 && pts[n - 1] == v)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            pts = xrealloc(pts, sizeof *pts * (size_t)cap);
        }
        pts[n++] = v;
    }
    if (mysql_errno(c->my)) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    if (n > INT32_MAX) {
        my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: too many chunks; raise --chunk-rows", name);
        goto out;
    }
    *points = pts;
    *npoints = (int)n;
    pts = NULL;
    rc = 0;
out:
    if (res)
        mysql_free_result(res);
    free(pts);
    strbuf_free(&sql);
    return rc;
}

/* ---------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------- */

/* my_is_plain_float — FLOAT without (M,D): selected as (col + 0e0). */
static int my_is_plain_float(const char *native)
{
    return strncasecmp(native, "float", 5) == 0 && !strchr(native, '(');
}

/* my_value — one text-protocol value of field f as a ferry_value (see
 * DESIGN). scratch (24 bytes) holds the digits of a BIT value beyond
 * int64. */
static void my_value(const MYSQL_FIELD *f, const char *p, unsigned long n, ferry_value *v,
                     char *scratch)
{
    memset(v, 0, sizeof *v);
    if (!p) {
        v->cls = FV_NULL;
        return;
    }
    v->p = p;
    v->n = n;
    switch (f->type) {
    case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
        v->cls = my_parse_i64(p, n, &v->i) ? FV_INT : FV_TEXT;   /* BIGINT UNSIGNED > int64: digits */
        return;
    case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE: {
        char buf[64];
        char *end;
        if (n < sizeof buf) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            v->d = strtod(buf, &end);
            if (end != buf && *end == '\0') {
                v->cls = FV_REAL;
                return;
            }
        }
        v->cls = FV_TEXT;
        return;
    }
    case MYSQL_TYPE_BIT: {
        uint64_t u = 0;
        for (unsigned long k = 0; k < n && k < 8; k++)
            u = u << 8 | (unsigned char)p[k];
        if (u <= (uint64_t)INT64_MAX) {
            v->cls = FV_INT;
            v->i = (int64_t)u;
        } else {
            v->cls = FV_TEXT;
            v->n = (size_t)snprintf(scratch, 24, "%" PRIu64, u);
            v->p = scratch;
        }
        return;
    }
    case MYSQL_TYPE_STRING: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB: case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB: case MYSQL_TYPE_GEOMETRY:
        v->cls = f->charsetnr == 63 ? FV_BLOB : FV_TEXT;       /* 63: binary */
        if (!v->p) v->p = "";
        return;
    default:                                   /* decimals, dates, times, JSON, enum, set */
        v->cls = FV_TEXT;
        return;
    }
}

/* my_read_chunk — stream the rows of spec in key order into cb, unbuffered
 * (mysql_use_result), inside the snapshot. The key column, when it is not
 * among the columns read, is selected last. Without a key column the key
 * is the row's ordinal in primary key order, and [lo, hi) bounds it. */
int my_read_chunk(ferry_conn *fc, const read_spec *spec, row_callback cb, void *ctx,
                  ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    const cat_table *t = spec->table;
    strbuf sql = STRBUF_INIT, k = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    ferry_value *vals = NULL;
    char (*scratch)[24] = NULL;
    char name[160], what[400];
    int key_at = -1, nf, rc = -1, stopped = 0;
    int64_t ord = 0;

    my_oneline(name, sizeof name, t->name);
    if (spec->key_column) {
        if (my_key_check(c, t, spec->key_column, e)) return -1;
        my_quote_ident(&k, spec->key_column);
        snprintf(what, sizeof what, "reading table `%s` rows with `%s` in [%s%lld, %s%lld)",
                 name, spec->key_column, spec->has_lo ? "" : "-inf ", (long long)spec->lo,
                 spec->has_hi ? "" : "+inf ", (long long)spec->hi);
    } else {
        snprintf(what, sizeof what, "reading table `%s`", name);
    }
    strbuf_adds(&sql, "SELECT ");
    for (int j = 0; j < spec->ncols; j++) {
        const cat_column *col = &t->cols[spec->col_index[j]];
        if (j) strbuf_adds(&sql, ", ");
        if (my_is_plain_float(col->native_type)) strbuf_addc(&sql, '(');
        my_quote_ident(&sql, col->name);
        if (my_is_plain_float(col->native_type)) strbuf_adds(&sql, " + 0e0)");
        if (spec->key_column && strcmp(col->name, spec->key_column) == 0)
            key_at = j;
    }
    if (spec->key_column && key_at < 0) {
        strbuf_adds(&sql, spec->ncols ? ", " : "");
        strbuf_adds(&sql, k.buf);
        key_at = spec->ncols;
    }
    if (spec->ncols == 0 && key_at < 0)
        strbuf_adds(&sql, "1");
    strbuf_adds(&sql, " FROM ");
    my_add_table(&sql, t);
    if (spec->key_column) {
        /* The bounds are int64 values from the plan, not user text. */
        if (spec->has_lo) strbuf_addf(&sql, " WHERE %s >= %lld", k.buf, (long long)spec->lo);
        if (spec->has_hi) strbuf_addf(&sql, " %s %s < %lld", spec->has_lo ? "AND" : "WHERE",
                                      k.buf, (long long)spec->hi);
        strbuf_addf(&sql, " ORDER BY %s", k.buf);
    } else {
        my_add_pk_order(&sql, t);
    }
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_use_result(c->my))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    nf = (int)mysql_num_fields(res);
    vals = xcalloc((size_t)(spec->ncols > 0 ? spec->ncols : 1), sizeof *vals);
    scratch = xcalloc((size_t)(spec->ncols > 0 ? spec->ncols : 1), sizeof *scratch);
    {
        const MYSQL_FIELD *f = mysql_fetch_fields(res);
        while ((row = mysql_fetch_row(res)) != NULL) {
            unsigned long *len = mysql_fetch_lengths(res);
            int64_t key;
            if (key_at >= 0) {
                if (!row[key_at] || !my_parse_i64(row[key_at], len[key_at], &key)) {
                    my_err(c, e, FERRY_E_SOURCE, NULL, "%s: key value %.30s is not a 64-bit "
                           "integer", what, row[key_at] ? row[key_at] : "NULL");
                    stopped = 1;
                    goto out;
                }
            } else {
                key = ++ord;
                if (spec->has_lo && key < spec->lo) continue;
                if (spec->has_hi && key >= spec->hi) { stopped = 1; break; }
            }
            for (int j = 0; j < spec->ncols && j < nf; j++)
                my_value(&f[j], row[j], len[j], &vals[j], scratch[j]);
            if (cb(ctx, vals, key, e) != 0) {
                stopped = 1;
                goto out;
            }
        }
    }
    if (!stopped && mysql_errno(c->my)) {
        my_fail(c, e, FERRY_E_SOURCE, what, NULL);
        goto out;
    }
    rc = 0;
out:
    if (res)
        mysql_free_result(res);            /* reads what is left of an early stop */
    free(vals);
    free(scratch);
    strbuf_free(&sql);
    strbuf_free(&k);
    return rc;
}
