/* dialect_mysql.c — SQL forms for a MySQL/MariaDB target: backquoted
 * identifiers of at most 64 characters, no schemas inside a database, the
 * primary key in CREATE TABLE (InnoDB clusters rows by it, and an
 * AUTO_INCREMENT column must be keyed), DDL that commits implicitly (every
 * schema step is checkpointed on its own), state tables named _ferry_*. */
#include <stdio.h>
#include "dialect.h"
#include "../engine/sqlexpr.h"

/* my_quote_ident — `name`, embedded backquotes doubled. */
static void my_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '`');
    for (const char *c = name; *c; c++) {
        if (*c == '`') strbuf_addc(out, '`');
        strbuf_addc(out, *c);
    }
    strbuf_addc(out, '`');
}

/* my_quote_literal — a MySQL string literal that means the same with and
 * without NO_BACKSLASH_ESCAPES (ferry's sessions set it): see
 * sqlexpr_quote_literal. */
static void my_quote_literal(strbuf *out, const char *text)
{
    sqlexpr_quote_literal(SQL_MYSQL, out, text);
}

static void my_qualify(strbuf *out, const char *schema, const char *name)
{
    (void)schema;            /* the URL's database */
    my_quote_ident(out, name);
}

static void my_identity(strbuf *out, int autoincrement)
{
    (void)autoincrement;
    strbuf_adds(out, " AUTO_INCREMENT");
}

/* my_sequence_sql — InnoDB moves its counter past max(id) by itself when
 * rows come with explicit ids; only a high-water mark above max(id) (ids
 * handed out and deleted in the source) needs setting. InnoDB never sets
 * the counter at or below max(id), so the literal is safe. */
static char *my_sequence_sql(const char *qtable, const char *schema, const char *table,
                             const char *column, int64_t floor, int autoincrement)
{
    (void)schema; (void)table; (void)column; (void)autoincrement;
    if (floor <= 0) return NULL;
    return xasprintf("ALTER TABLE %s AUTO_INCREMENT = %lld", qtable, (long long)floor + 1);
}

static char *my_drop_table(const char *qtable) { return xasprintf("DROP TABLE %s", qtable); }
/* DELETE, not TRUNCATE: TRUNCATE commits implicitly. */
static char *my_empty_table(const char *qtable) { return xasprintf("DELETE FROM %s", qtable); }

/* Columns of the jobs table added after its first layout (state_init adds
 * them to older targets): the plan description and the resume command. */
static const char *const my_jobs_added[] = {"plan_desc LONGTEXT", "command TEXT", NULL};

const ferry_dialect mysql_dialect = {
    .name = "mysql",
    .max_ident_chars = 64,
    .pk_in_create = 1,
    .identity_needs_pk_in_create = 1,
    .expression_indexes = 0,
    .alter_add_constraint = 1,
    .index_names_per_table = 1,
    /* utf8mb4 end to end; a binary collation keeps comparisons, uniqueness and
     * ordering byte-exact as in PostgreSQL and SQLite (a _ci collation would
     * make 'A' and 'a' collide in a unique index). */
    .create_table_suffix = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    .max_key_text_chars = 768,
    .quote_ident = my_quote_ident,
    .quote_literal = my_quote_literal,
    .qualify = my_qualify,
    .identity_clause = my_identity,
    .sequence_sql = my_sequence_sql,
    .drop_table_sql = my_drop_table,
    .empty_table_sql = my_empty_table,
    .state_ddl =
        "CREATE TABLE IF NOT EXISTS _ferry_jobs (\n"
        "  job_id VARCHAR(64) PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,\n"
        "  fingerprint VARCHAR(64) NOT NULL, options TEXT, status VARCHAR(32) NOT NULL DEFAULT 'running',\n"
        "  started_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
        "  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), finished_at DATETIME(6),\n"
        "  plan_desc LONGTEXT, command TEXT\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        "CREATE TABLE IF NOT EXISTS _ferry_chunks (\n"
        "  job_id VARCHAR(64) NOT NULL, chunk_id INT NOT NULL, table_name VARCHAR(255) NOT NULL,\n"
        "  lo BIGINT, hi BIGINT, done BOOLEAN NOT NULL DEFAULT FALSE, row_count BIGINT, rejected BIGINT,\n"
        "  bytes BIGINT, run VARCHAR(64), done_at DATETIME(6), PRIMARY KEY (job_id, chunk_id)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        "CREATE TABLE IF NOT EXISTS _ferry_steps (\n"
        "  job_id VARCHAR(64) NOT NULL, step VARCHAR(700) NOT NULL,\n"
        "  done_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (job_id, step)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        "CREATE TABLE IF NOT EXISTS _ferry_rejects (\n"
        "  job_id VARCHAR(64) NOT NULL, chunk_id INT NOT NULL, table_name VARCHAR(255) NOT NULL,\n"
        "  row_key BIGINT, column_name VARCHAR(255), reason TEXT NOT NULL, row_json LONGTEXT\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        "CREATE TABLE IF NOT EXISTS _ferry_owners (\n"
        "  job_id VARCHAR(64) PRIMARY KEY, pid BIGINT, host VARCHAR(255), lock_session VARCHAR(64),\n"
        "  started_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
    .state_jobs = "_ferry_jobs",
    .state_chunks = "_ferry_chunks",
    .state_steps = "_ferry_steps",
    .state_rejects = "_ferry_rejects",
    .state_owners = "_ferry_owners",
    .state_jobs_added = my_jobs_added,
    .state_columns_sql =
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = $1",
    .insert_ignore_prefix = "INSERT IGNORE",
    .insert_ignore_suffix = "",
    .table_exists_sql =
        "SELECT EXISTS (SELECT 1 FROM information_schema.TABLES WHERE "
        "TABLE_SCHEMA = COALESCE($1, DATABASE()) AND TABLE_NAME = $2)",
    .now_sql = "CURRENT_TIMESTAMP(6)",
};
