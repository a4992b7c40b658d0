/* dialect_sqlite.c — SQL forms for a SQLite target: no schemas, keys,
 * foreign keys and CHECKs only inside CREATE TABLE (SQLite cannot add them
 * later), an identity column is an INTEGER PRIMARY KEY (AUTOINCREMENT when
 * the source never reused ids), state tables named _ferry_*. */
#include <stdio.h>
#include "dialect.h"
#include "../engine/sqlexpr.h"

static void sq_qualify(strbuf *out, const char *schema, const char *name)
{
    (void)schema;            /* one database per file: the main schema */
    pg_quote_ident(out, name);
}

static void sq_identity(strbuf *out, int autoincrement)
{
    strbuf_adds(out, autoincrement ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY");
}

/* sq_sequence_sql — SQLite hands out max(rowid)+1 by itself; only an
 * AUTOINCREMENT table with a high-water mark above max(id) needs its
 * sqlite_sequence row raised, so deleted ids are never reused. */
static char *sq_sequence_sql(const char *qtable, const char *schema, const char *table,
                             const char *column, int64_t floor, int autoincrement)
{
    (void)qtable; (void)schema; (void)column;
    if (!autoincrement || floor <= 0) return NULL;
    strbuf sb = STRBUF_INIT, lit = STRBUF_INIT;
    pg_quote_literal(&lit, table);
    strbuf_addf(&sb, "UPDATE sqlite_sequence SET seq = max(seq, %lld) WHERE name = %s;\n"
                     "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %lld WHERE NOT EXISTS "
                     "(SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                (long long)floor, lit.buf, lit.buf, (long long)floor, lit.buf);
    strbuf_free(&lit);
    return strbuf_detach(&sb);
}

static char *sq_drop_table(const char *qtable) { return xasprintf("DROP TABLE %s", qtable); }
static char *sq_empty_table(const char *qtable) { return xasprintf("DELETE FROM %s", qtable); }

/* Columns of the jobs table added after its first layout (state_init adds
 * them to older targets): the plan description and the resume command. */
static const char *const sq_jobs_added[] = {"plan_desc TEXT", "command TEXT", NULL};

const ferry_dialect sqlite_dialect = {
    .name = "sqlite",
    .transactional_ddl = 1,
    .pk_in_create = 1,
    .identity_needs_pk_in_create = 1,
    .fk_in_create = 1,
    .check_in_create = 1,
    .partial_indexes = 1,
    .expression_indexes = 1,
    .create_table_suffix = "",
    .deferrable_fks = 1,
    .default_expr_parens = 1,
    .quote_ident = pg_quote_ident,
    .quote_literal = pg_quote_literal,
    .qualify = sq_qualify,
    .identity_clause = sq_identity,
    .sequence_sql = sq_sequence_sql,
    .drop_table_sql = sq_drop_table,
    .empty_table_sql = sq_empty_table,
    .state_ddl =
        "CREATE TABLE IF NOT EXISTS _ferry_jobs (\n"
        "  job_id TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,\n"
        "  fingerprint TEXT NOT NULL, options TEXT, status TEXT NOT NULL DEFAULT 'running',\n"
        "  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n"
        "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), finished_at TEXT,\n"
        "  plan_desc TEXT, command TEXT);\n"
        "CREATE TABLE IF NOT EXISTS _ferry_chunks (\n"
        "  job_id TEXT NOT NULL, chunk_id INTEGER NOT NULL, table_name TEXT NOT NULL,\n"
        "  lo INTEGER, hi INTEGER, done INTEGER NOT NULL DEFAULT 0, row_count INTEGER, rejected INTEGER,\n"
        "  bytes INTEGER, run TEXT, done_at TEXT, PRIMARY KEY (job_id, chunk_id));\n"
        "CREATE TABLE IF NOT EXISTS _ferry_steps (\n"
        "  job_id TEXT NOT NULL, step TEXT NOT NULL,\n"
        "  done_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n"
        "  PRIMARY KEY (job_id, step));\n"
        "CREATE TABLE IF NOT EXISTS _ferry_rejects (\n"
        "  job_id TEXT NOT NULL, chunk_id INTEGER NOT NULL, table_name TEXT NOT NULL, row_key INTEGER,\n"
        "  column_name TEXT, reason TEXT NOT NULL, row_json TEXT);\n"
        "CREATE TABLE IF NOT EXISTS _ferry_owners (\n"
        "  job_id TEXT PRIMARY KEY, pid INTEGER, host TEXT, lock_session TEXT,\n"
        "  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')));\n",
    .state_jobs = "_ferry_jobs",
    .state_chunks = "_ferry_chunks",
    .state_steps = "_ferry_steps",
    .state_rejects = "_ferry_rejects",
    .state_owners = "_ferry_owners",
    .state_jobs_added = sq_jobs_added,
    .state_columns_sql = "SELECT name FROM pragma_table_info($1)",
    .insert_ignore_prefix = "INSERT OR IGNORE",
    .insert_ignore_suffix = "",
    .table_exists_sql =
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = $2) "
        "AND coalesce($1, '') = coalesce($1, '')",
    .now_sql = "strftime('%Y-%m-%d %H:%M:%f','now')",
};
