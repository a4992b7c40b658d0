/* upsert.c — loading a chunk so that its rows replace the target's rows
 * with the same primary key (engine/upsert.h): how a restore applies an
 * increment of a dump series.
 *
 * DESIGN: the bulk loaders (PostgreSQL COPY, MySQL LOAD DATA, SQLite's
 * prepared INSERT) only insert, so the chunk is loaded as usual into a
 * temporary stage table and merged in the same transaction with the
 * engine's own upsert (INSERT ... ON CONFLICT DO UPDATE, MySQL's ON
 * DUPLICATE KEY UPDATE). A replaced row is updated in place, never
 * deleted and inserted: foreign keys that cascade on delete are not
 * triggered. The stage is temporary (per session), emptied per chunk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upsert.h"
#include "../drivers/dialect.h"

void upsert_stage_name(int ti, char *buf, size_t n)
{
    snprintf(buf, n, "_ferry_stage_%d", ti);
}

int upsert_applies(const plan_table *t)
{
    return t->src->npk > 0;
}

static void add_cols(strbuf *sb, ferry_conn *dst, const plan_table *t, const char *prefix)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c) strbuf_adds(sb, ", ");
        strbuf_adds(sb, prefix);
        dst->drv->quote_ident(sb, t->cols[c].name);
    }
}

static int is_pk(const plan_table *t, int c)
{
    return t->cols[c].src->pk_position > 0;
}

int upsert_stage_begin(ferry_conn *dst, const plan_table *t, const char *stage, ferry_err *e)
{
    strbuf sql = STRBUF_INIT;
    int mysql = dst->drv->engine == ENGINE_MYSQL, rc;
    /* MySQL does not roll back a temporary table: one left by a failed
     * chunk of this session goes first. SQLite's is transactional. */
    strbuf_adds(&sql, mysql ? "DROP TEMPORARY TABLE IF EXISTS " : "DROP TABLE IF EXISTS ");
    if (dst->drv->engine == ENGINE_SQLITE) strbuf_adds(&sql, "temp.");
    dst->drv->quote_ident(&sql, stage);
    if (dst->drv->engine != ENGINE_POSTGRESQL && drv_exec(dst, strbuf_cstr(&sql), e)) {
        strbuf_free(&sql);
        return -1;
    }
    strbuf_reset(&sql);
    strbuf_adds(&sql, mysql ? "CREATE TEMPORARY TABLE " : "CREATE TEMP TABLE ");
    dst->drv->quote_ident(&sql, stage);
    if (dst->drv->engine == ENGINE_POSTGRESQL) strbuf_adds(&sql, " ON COMMIT DROP");
    strbuf_adds(&sql, " AS SELECT ");
    add_cols(&sql, dst, t, "");
    strbuf_addf(&sql, " FROM %s WHERE 1 = 0", t->qname);
    rc = drv_exec(dst, strbuf_cstr(&sql), e);
    strbuf_free(&sql);
    return rc;
}

int upsert_stage_merge(ferry_conn *dst, const plan_table *t, const char *stage, ferry_err *e)
{
    strbuf sql = STRBUF_INIT;
    ferry_engine eng = dst->drv->engine;
    int nonkey = 0, rc;
    strbuf_addf(&sql, "INSERT INTO %s (", t->qname);
    add_cols(&sql, dst, t, "");
    strbuf_adds(&sql, ") SELECT ");
    add_cols(&sql, dst, t, "");
    strbuf_adds(&sql, " FROM ");
    dst->drv->quote_ident(&sql, stage);
    for (int c = 0; c < t->ncols; c++) nonkey += !is_pk(t, c);
    if (eng == ENGINE_MYSQL) {
        /* a key-only row: updating the key to itself keeps it */
        strbuf_adds(&sql, " ON DUPLICATE KEY UPDATE ");
        int sep = 0;
        for (int c = 0; c < t->ncols; c++) {
            if (nonkey && is_pk(t, c)) continue;
            if (sep++) strbuf_adds(&sql, ", ");
            dst->drv->quote_ident(&sql, t->cols[c].name);
            strbuf_adds(&sql, " = VALUES(");
            dst->drv->quote_ident(&sql, t->cols[c].name);
            strbuf_addc(&sql, ')');
        }
    } else {
        /* SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT */
        if (eng == ENGINE_SQLITE) strbuf_adds(&sql, " WHERE true");
        strbuf_adds(&sql, " ON CONFLICT (");
        int sep = 0;
        for (int pos = 1; pos <= t->src->npk; pos++)
            for (int c = 0; c < t->ncols; c++)
                if (t->cols[c].src->pk_position == pos) {
                    if (sep++) strbuf_adds(&sql, ", ");
                    dst->drv->quote_ident(&sql, t->cols[c].name);
                }
        strbuf_adds(&sql, nonkey ? ") DO UPDATE SET " : ") DO NOTHING");
        sep = 0;
        for (int c = 0; c < t->ncols && nonkey; c++) {
            if (is_pk(t, c)) continue;
            if (sep++) strbuf_adds(&sql, ", ");
            dst->drv->quote_ident(&sql, t->cols[c].name);
            strbuf_adds(&sql, " = excluded.");
            dst->drv->quote_ident(&sql, t->cols[c].name);
        }
    }
    rc = drv_exec(dst, strbuf_cstr(&sql), e);
    if (rc == 0 && eng != ENGINE_POSTGRESQL) {          /* PostgreSQL: ON COMMIT DROP */
        strbuf_reset(&sql);
        strbuf_adds(&sql, eng == ENGINE_MYSQL ? "DROP TEMPORARY TABLE " : "DROP TABLE temp.");
        dst->drv->quote_ident(&sql, stage);
        rc = drv_exec(dst, strbuf_cstr(&sql), e);
    }
    strbuf_free(&sql);
    return rc;
}

int upsert_replace_all(ferry_conn *dst, const plan_table *t, ferry_err *e)
{
    char *sql = xasprintf("DELETE FROM %s", t->qname);
    int rc = drv_exec(dst, sql, e);
    free(sql);
    return rc;
}
