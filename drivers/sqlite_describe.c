/* sqlite_describe.c — the SQLite driver's catalog: tables, columns, keys,
 * indexes, foreign keys and views of a source database, from the pragma
 * table-valued functions (pragma_table_xinfo, pragma_index_list,
 * pragma_index_xinfo, pragma_foreign_key_list, with the table name bound as
 * a parameter so any name works) completed by the CREATE text
 * (sqlite_ddl.c).
 *
 * Virtual tables (FTS, R*Tree, ...) and their shadow tables are skipped:
 * they are not plain data and are rebuilt from their own definitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_internal.h"

/* col_dup — result column i of st copied into mem, NULL for SQL NULL. */
static char *col_dup(arena *mem, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? arena_strndup(mem, (const char *)s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* describe_columns — fill t's columns from pragma_table_xinfo, with
 * collations and generated expressions from the parsed CREATE text def;
 * also npk and rowid_alias (has_rowid must be set). Hidden columns of
 * virtual tables are left out. */
static int describe_columns(sqlite_conn *c, arena *mem, cat_table *t, const ddl_table *def,
                            const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, src, cap = 0, i;

    src = sqlite3_prepare_v2(c->db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden"
                             " FROM pragma_table_xinfo(?1, 'main') ORDER BY cid", -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cat_column col;
        const ddl_coldef *cd;
        int hidden = sqlite3_column_int(st, 5);

        if (hidden == 1) continue;
        memset(&col, 0, sizeof col);
        col.name = col_dup(mem, st, 0);
        col.native_type = col_dup(mem, st, 1);
        if (!col.name) col.name = arena_strdup(mem, "");
        if (!col.native_type) col.native_type = arena_strdup(mem, "");
        col.notnull = sqlite3_column_int(st, 2);
        col.default_expr = col_dup(mem, st, 3);
        col.pk_position = sqlite3_column_int(st, 4);
        col.generated = hidden == 2 || hidden == 3;
        col.generated_stored = hidden == 3;     /* table_xinfo: 2 virtual, 3 stored */
        if ((cd = sq_ddl_find_col(def, col.name))) {
            if (cd->collation && strcasecmp(cd->collation, "BINARY") != 0)
                col.collation = cd->collation;
            if (col.generated) col.generated_expr = cd->generated_expr;
        }
        if (col.pk_position > 0) t->npk++;
        ARENA_PUSH(mem, t->cols, t->ncols, cap, col);
    }
    if (src != SQLITE_DONE) goto fail;
    if (t->npk == 1 && t->has_rowid)
        for (i = 0; i < t->ncols; i++)
            if (t->cols[i].pk_position == 1 && strcasecmp(t->cols[i].native_type, "INTEGER") == 0)
                t->rowid_alias = i;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* describe_index_parts — fill ix's parts from pragma_index_xinfo (key
 * columns only); exprs[k] is the text of part k from the CREATE INDEX,
 * used where the part is an expression. */
static int describe_index_parts(sqlite_conn *c, arena *mem, cat_index *ix, char **exprs,
                                int nexprs, const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, src, cap = 0;

    src = sqlite3_prepare_v2(c->db, "SELECT cid, name, \"desc\", coll FROM"
                             " pragma_index_xinfo(?1, 'main') WHERE key ORDER BY seqno",
                             -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, ix->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cat_index_part part;
        int cid = sqlite3_column_int(st, 0);
        const char *coll = (const char *)sqlite3_column_text(st, 3);

        memset(&part, 0, sizeof part);
        if (cid == -2)
            part.expr = ix->nparts < nexprs ? exprs[ix->nparts] : NULL;
        else if (cid == -1)
            part.column = arena_strdup(mem, "rowid");
        else
            part.column = col_dup(mem, st, 1);
        part.desc = sqlite3_column_int(st, 2);
        if (coll && strcasecmp(coll, "BINARY") != 0) part.collation = arena_strdup(mem, coll);
        ARENA_PUSH(mem, ix->parts, ix->nparts, cap, part);
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* describe_indexes — fill t's secondary indexes and UNIQUE constraints
 * (not the primary key) in creation order. A UNIQUE constraint gets its
 * CONSTRAINT name from def when it has one, else SQLite's
 * sqlite_autoindex_* name; its sql is NULL. A primary key with an index of
 * its own is no rowid alias (this is exactly SQLite's rule, covering the
 * "INTEGER PRIMARY KEY DESC" quirk), so rowid_alias is reset then. */
static int describe_indexes(sqlite_conn *c, arena *mem, cat_table *t, ddl_table *def,
                            const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, src, cap = 0;

    src = sqlite3_prepare_v2(c->db,
        "SELECT il.name, il.\"unique\", il.origin, m.sql"
        " FROM pragma_index_list(?1, 'main') AS il"
        " LEFT JOIN main.sqlite_master AS m ON m.type = 'index' AND m.name = il.name"
        " ORDER BY m.rowid, il.seq DESC", -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cat_index ix;
        const char *origin = (const char *)sqlite3_column_text(st, 2);
        char **exprs = NULL;
        int nexprs = 0;

        if (origin && strcmp(origin, "pk") == 0) {
            t->rowid_alias = -1;
            continue;
        }
        memset(&ix, 0, sizeof ix);
        ix.name = col_dup(mem, st, 0);
        ix.unique = sqlite3_column_int(st, 1);
        ix.is_constraint = origin && strcmp(origin, "u") == 0;
        ix.sql = col_dup(mem, st, 3);
        if (ix.sql) sq_ddl_parse_index(ix.sql, mem, &exprs, &nexprs, &ix.where);
        if (describe_index_parts(c, mem, &ix, exprs, nexprs, what, e)) goto out;
        if (ix.is_constraint) {
            char **cols = arena_alloc(mem, (size_t)(ix.nparts + 1) * sizeof *cols);
            ddl_cons *u;
            int k;
            for (k = 0; k < ix.nparts; k++) cols[k] = ix.parts[k].column;
            u = sq_ddl_find_cons(def->uniques, def->nuniques, cols, ix.nparts);
            if (u && u->name) ix.name = u->name;
        }
        ARENA_PUSH(mem, t->indexes, t->nindexes, cap, ix);
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* fk_finish — complete fk (names and DEFERRABLE from def) and add it to t. */
static void fk_finish(arena *mem, cat_table *t, int *cap, cat_fk *fk, int any_ref,
                      ddl_table *def)
{
    ddl_cons *w = sq_ddl_find_cons(def->fks, def->nfks, fk->cols, fk->ncols);

    if (!any_ref) fk->ref_cols = NULL;
    if (w) {
        fk->name = w->name;
        fk->deferrable = w->deferrable;
    }
    ARENA_PUSH(mem, t->fks, t->nfks, *cap, *fk);
}

/* describe_fks — fill t's foreign keys from pragma_foreign_key_list, one
 * per constraint (multi-column ones grouped), in declaration order.
 * ref_cols is NULL when the REFERENCES clause names no columns (the parent's
 * primary key is meant). */
static int describe_fks(sqlite_conn *c, arena *mem, cat_table *t, ddl_table *def,
                        const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    cat_fk fk;
    int rc = -1, src, cap = 0, cap_cols = 0, cap_refs = 0, nrefs = 0, any_ref = 0, cur = -1;

    memset(&fk, 0, sizeof fk);
    src = sqlite3_prepare_v2(c->db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete"
                             " FROM pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq",
                             -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0);
        char *from, *to;

        if (id != cur) {
            if (cur != -1) fk_finish(mem, t, &cap, &fk, any_ref, def);
            memset(&fk, 0, sizeof fk);
            cap_cols = cap_refs = nrefs = any_ref = 0;
            cur = id;
            fk.ref_table = col_dup(mem, st, 1);
            fk.on_update = col_dup(mem, st, 4);
            fk.on_delete = col_dup(mem, st, 5);
        }
        from = col_dup(mem, st, 2);
        to = col_dup(mem, st, 3);
        if (to) any_ref = 1;
        ARENA_PUSH(mem, fk.cols, fk.ncols, cap_cols, from);
        ARENA_PUSH(mem, fk.ref_cols, nrefs, cap_refs, to);
    }
    if (src != SQLITE_DONE) goto fail;
    if (cur != -1) fk_finish(mem, t, &cap, &fk, any_ref, def);
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* sq_rowid_name — how to name the rowid of t in SQL: the INTEGER PRIMARY KEY
 * column when there is one (quoted, into sb), else the first of rowid,
 * _rowid_, oid that no real column hides. Returns 0, or -1 when all three
 * are taken (sb untouched). */
int sq_rowid_name(const cat_table *t, strbuf *sb)
{
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    size_t k;
    int i;

    if (t->rowid_alias >= 0) {
        sqlite_quote_ident(sb, t->cols[t->rowid_alias].name);
        return 0;
    }
    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        for (i = 0; i < t->ncols; i++)
            if (strcasecmp(t->cols[i].name, names[k]) == 0) break;
        if (i == t->ncols) {
            strbuf_adds(sb, names[k]);
            return 0;
        }
    }
    return -1;
}

/* estimate_rows — t->est_rows: the rowid span (max - min + 1, cheap on a
 * rowid table, an upper bound after deletes) or, for WITHOUT ROWID tables,
 * the row count in sqlite_stat1 when ANALYZE was run; -1 if unknown. */
static int estimate_rows(sqlite_conn *c, cat_table *t, const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    strbuf sql = STRBUF_INIT;
    int rc = -1, src;

    t->est_rows = -1;
    if (t->has_rowid) {
        /* Two subqueries: SQLite answers a lone min() or max() from the
         * b-tree's ends, but scans the table for both in one SELECT. */
        strbuf key = STRBUF_INIT;
        int hidden = sq_rowid_name(t, &key);
        if (!hidden) {
            strbuf_addf(&sql, "SELECT (SELECT min(%s) FROM ", key.buf);
            sq_add_table_ref(&sql, t);
            strbuf_addf(&sql, "), (SELECT max(%s) FROM ", key.buf);
            sq_add_table_ref(&sql, t);
            strbuf_adds(&sql, ")");
        }
        strbuf_free(&key);
        if (hidden) { rc = 0; goto out; }
        src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
        if (src != SQLITE_OK) goto fail;
        src = sqlite3_step(st);
        if (src != SQLITE_ROW) goto fail;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
            t->est_rows = 0;
        } else {
            uint64_t span = (uint64_t)sqlite3_column_int64(st, 1)
                            - (uint64_t)sqlite3_column_int64(st, 0);
            t->est_rows = span >= (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)span + 1;
        }
        rc = 0;
        goto out;
    }
    /* sqlite_stat1 may not exist: a failing prepare just means "unknown". */
    if (sqlite3_prepare_v2(c->db, "SELECT stat FROM main.sqlite_stat1 WHERE tbl = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = 0;
        goto out;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *stat = (const char *)sqlite3_column_text(st, 0);
        long long n = stat ? strtoll(stat, NULL, 10) : 0;
        if (n > t->est_rows) t->est_rows = n;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    strbuf_free(&sql);
    return rc;
}

/* read_autoinc_seq — AUTOINCREMENT's high-water mark: ids up to it were
 * handed out (maybe deleted since) and must never be reused. sqlite_sequence
 * only exists once a row was inserted; no row means 0. */
static void read_autoinc_seq(sqlite_conn *c, cat_table *t)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT seq FROM main.sqlite_sequence WHERE name = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) t->autoinc_seq = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
}

/* describe_table — fill t (name and sql already set) from the pragmas and
 * the CREATE text. Memory from mem. */
static int describe_table(sqlite_conn *c, arena *mem, cat_table *t, ferry_err *e)
{
    ddl_table def;
    char name[160], what[256];

    sq_oneline(name, sizeof name, t->name);
    snprintf(what, sizeof what, "table \"%s\"", name);
    sq_ddl_parse_table(t->sql, mem, &def);
    t->rowid_alias = -1;
    t->has_rowid = !def.without_rowid;
    t->autoincrement = def.autoincrement;
    t->pk_name = def.pk_name;
    t->checks = def.checks;
    t->nchecks = def.nchecks;
    if (describe_columns(c, mem, t, &def, what, e)) return -1;
    if (describe_indexes(c, mem, t, &def, what, e)) return -1;
    if (describe_fks(c, mem, t, &def, what, e)) return -1;
    if (t->autoincrement) read_autoinc_seq(c, t);
    return estimate_rows(c, t, what, e);
}

/* master_row — one table or view of sqlite_master; module is set for a
 * virtual table ("fts5"). */
typedef struct master_row {
    char *type, *name, *sql, *module;
} master_row;

/* is_shadow_table — 1 when name is a shadow table of one of the virtual
 * tables in rows: FTS3/4/5 and R*Tree keep their data in tables named
 * <vtab>_<suffix>. Shadow names of other modules are not known here. */
static int is_shadow_table(const char *name, const master_row *rows, int n)
{
    static const char *const suffixes[] = {"content", "segments", "segdir", "docsize", "stat",
                                           "data", "idx", "config", "node", "rowid", "parent"};
    const char *mod;
    size_t len, k;
    int i;

    for (i = 0; i < n; i++) {
        if (!(mod = rows[i].module) || !rows[i].name) continue;
        if (strncasecmp(mod, "fts", 3) != 0 && strncasecmp(mod, "rtree", 5) != 0
            && strcasecmp(mod, "geopoly") != 0)
            continue;
        len = strlen(rows[i].name);
        if (strncasecmp(name, rows[i].name, len) != 0 || name[len] != '_') continue;
        for (k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++)
            if (strcasecmp(name + len + 1, suffixes[k]) == 0) return 1;
    }
    return 0;
}

/* sqlite_describe — fill cat (zeroed by the caller, memory from cat->mem)
 * with the tables and views of the main database, in creation order.
 * Internal sqlite_* tables, virtual tables and their shadow tables are
 * left out. */
int sqlite_describe(ferry_conn *base, ferry_catalog *cat, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    arena *mem = &cat->mem;
    sqlite3_stmt *st = NULL;
    master_row *rows = NULL;
    int n = 0, cap = 0, cap_t = 0, cap_v = 0, cap_vt = 0, rc = -1, src, i;

    cat->engine = arena_strdup(mem, "sqlite");
    cat->server_version = arena_strdup(mem, sqlite3_libversion());
    src = sqlite3_prepare_v2(c->db, "SELECT type, name, sql FROM main.sqlite_master"
                             " WHERE type IN ('table', 'view')"
                             " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                             -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        master_row r;
        r.type = col_dup(mem, st, 0);
        r.name = col_dup(mem, st, 1);
        r.sql = col_dup(mem, st, 2);
        r.module = sq_ddl_vtab_module(r.sql, mem);
        ARENA_PUSH(mem, rows, n, cap, r);
    }
    if (src != SQLITE_DONE) goto fail;
    sqlite3_finalize(st);
    st = NULL;

    for (i = 0; i < n; i++) {
        if (rows[i].module && rows[i].name) {
            cat_view v;
            memset(&v, 0, sizeof v);
            v.name = rows[i].name;
            v.sql = rows[i].sql;
            ARENA_PUSH(mem, cat->virtual_tables, cat->nvirtual, cap_vt, v);
            continue;
        }
        if (rows[i].module || !rows[i].name || !rows[i].type) continue;
        if (strcmp(rows[i].type, "view") == 0) {
            cat_view v;
            memset(&v, 0, sizeof v);
            v.name = rows[i].name;
            v.sql = rows[i].sql;
            v.select_sql = v.sql ? sq_ddl_view_select(v.sql, mem) : NULL;
            ARENA_PUSH(mem, cat->views, cat->nviews, cap_v, v);
        } else if (!is_shadow_table(rows[i].name, rows, n)) {
            cat_table t;
            memset(&t, 0, sizeof t);
            t.name = rows[i].name;
            t.sql = rows[i].sql;
            if (describe_table(c, mem, &t, e)) goto out;
            ARENA_PUSH(mem, cat->tables, cat->ntables, cap_t, t);
        }
    }
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, "reading the schema (sqlite_master)");
out:
    sqlite3_finalize(st);
    return rc;
}

