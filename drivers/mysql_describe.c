/* mysql_describe.c — the MySQL/MariaDB catalog: tables, columns, keys,
 * indexes, foreign keys, checks and views of the connection's database
 * (the URL's), from information_schema (one query per kind over all
 * tables) plus SHOW CREATE TABLE / VIEW per object for the native text.
 *
 * What the catalog keeps as the server wrote it: column types (COLUMN_TYPE:
 * "int(10) unsigned", "tinyint(1)", "enum('a','b')"), defaults as MariaDB
 * prints them (expression text: 'it''s', 'back\\slash', current_timestamp(),
 * NULL for none; MySQL's raw values are quoted to match), generation and
 * CHECK expressions, view SELECTs (with backtick-quoted names).
 * What it cannot keep yet (no field): ON UPDATE CURRENT_TIMESTAMP, column
 * comments, index prefix lengths (they appear in the index's sql text
 * only), FULLTEXT and SPATIAL indexes (left out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"

/* my_tinfo — the growth state of one table's arrays while describing. */
typedef struct my_tinfo {
    size_t colcap, ixcap, fkcap, chkcap;
    char  *collation;                /* the table's default collation */
    int64_t autoinc_next;            /* AUTO_INCREMENT, 0 if none */
    int    last_index;               /* the index the last STATISTICS row went to */
    int    last_fk;
} my_tinfo;

/* my_desc — the state of one describe: the catalog being filled. */
typedef struct my_desc {
    my_conn       *c;
    ferry_catalog *cat;
    arena         *a;
    my_tinfo      *ti;               /* one per catalog table */
    size_t         tcap, ticap;
    int            hit;              /* last table looked up */
    size_t         vcap;
    char          *schema;           /* DATABASE() */
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

/* row: DATABASE() */
static int my_desc_schema_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    (void)e;
    if (n > 0 && v[0])
        d->schema = arena_strdup(d->a, v[0]);
    return 0;
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
        size_t nt = (size_t)cat->ntables, ni = (size_t)cat->ntables;
        ARENA_PUSH(d->a, cat->tables, nt, d->tcap, t);
        ARENA_PUSH(d->a, d->ti, ni, d->ticap, ti);
        cat->ntables = (int)nt;
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

/* my_on_update — the expression of an "on update ..." clause in EXTRA
 * ("DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)",
 * "on update current_timestamp()"), NULL if none. */
static char *my_on_update(arena *a, const char *extra)
{
    const char *p = strcasestr(extra, "on update ");
    if (!p) return NULL;
    p += 10;
    size_t n = strcspn(p, " ");
    return n ? arena_strndup(a, p, n) : NULL;
}

/* my_labels — the labels of an enum(...) column type into the arena. */
static void my_labels(arena *a, cat_column *col)
{
    char **labels = NULL;
    if (strncasecmp(col->native_type, "enum(", 5) != 0) return;
    int n = type_enum_labels(col->native_type, &labels);
    if (n <= 0) { type_labels_free(labels); return; }
    col->labels = arena_alloc(a, sizeof(char *) * (size_t)n);
    for (int i = 0; i < n; i++) col->labels[i] = arena_strdup(a, labels[i]);
    col->nlabels = n;
    type_labels_free(labels);
}

/* row: TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,
 * EXTRA, GENERATION_EXPRESSION, COLLATION_NAME, DATA_TYPE, COLUMN_COMMENT */
static int my_desc_columns_row(void *ctx, int n, const char *const *v, ferry_err *e)
{
    my_desc *d = ctx;
    int ti = my_desc_table(d, v[0]);
    const char *extra = v[5] ? v[5] : "";
    cat_table *t;
    cat_column col;

    (void)e;
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
        col.generated_stored = !strstr(extra, "VIRTUAL GENERATED");
        col.generated_expr = arena_strdup(d->a, v[6] ? v[6] : "");
    } else if (v[4] && !(d->c->is_mariadb && strcmp(v[4], "NULL") == 0)) {
        col.default_expr = d->c->is_mariadb ? arena_strdup(d->a, v[4])
                                            : my_mysql_default(d->a, v[4], extra, v[8] ? v[8] : "");
    }
    col.on_update = my_on_update(d->a, extra);
    col.comment = n > 9 && v[9] && *v[9] ? arena_strdup(d->a, v[9]) : NULL;
    my_labels(d->a, &col);
    if (strstr(extra, "auto_increment")) {
        t->autoincrement = 1;
        col.identity = 1;
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

/* my_index_add_part — append one part of an index as CREATE INDEX takes
 * it: `col`, `col`(20) for a prefix, (expr), then DESC. */
static void my_index_add_part(strbuf *sb, const char *col, const char *expr,
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
    /* The parts' native text so far; my_desc_finish makes it a CREATE INDEX. */
    if (ix->sql)
        strbuf_addf(&sb, "%s, ", ix->sql);
    my_index_add_part(&sb, v[4], v[8], v[6], desc);
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
    if (!v[3] || !d->schema || strcmp(v[3], d->schema) != 0)
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
        for (int k = 0; k < t->nindexes; k++) {
            cat_index *ix = &t->indexes[k];
            strbuf sb = STRBUF_INIT;
            strbuf_addf(&sb, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
            my_quote_ident(&sb, ix->name);
            strbuf_adds(&sb, " ON ");
            my_quote_ident(&sb, t->name);
            strbuf_addf(&sb, " (%s)", ix->sql ? ix->sql : "");
            ix->sql = arena_strdup(d->a, sb.buf);
            strbuf_free(&sb);
        }
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
        "GENERATION_EXPRESSION, COLLATION_NAME, DATA_TYPE, COLUMN_COMMENT FROM information_schema.COLUMNS "
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
    if (my_query_text(c, "SELECT DATABASE()", my_desc_schema_row, &d, e))
        goto fail;
    if (!d.schema) {
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

