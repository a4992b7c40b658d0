/* options.h — the options of a copy (and of plan), filled by the CLI and
 * read everywhere else. Owned by the CLI for the life of the process. */
#ifndef FERRY_OPTIONS_H
#define FERRY_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef enum if_exists_policy {
    IF_EXISTS_FAIL = 0,     /* refuse when a target table already exists */
    IF_EXISTS_DROP,         /* drop and recreate it */
    IF_EXISTS_TRUNCATE,     /* keep its definition, empty it, load */
    IF_EXISTS_APPEND        /* keep it and its rows, load into it */
} if_exists_policy;

/* ferry_rename — one --rename-table OLD=NEW (column NULL) or
 * --rename-column TABLE.OLD=NEW: source names matched without regard to
 * case, as --tables does; `to` is used exactly as written. */
typedef struct ferry_rename {
    char *table;                   /* source table name */
    char *column;                  /* source column name, NULL for a table rename */
    char *to;                      /* the target name */
} ferry_rename;

typedef struct ferry_options {
    const char  *source_text;      /* as typed (may hold a password: never print) */
    const char  *target_text;
    char       **tables;  int ntables;    /* --tables globs, empty = all */
    char       **exclude; int nexclude;   /* --exclude globs */
    const char  *target_schema;    /* default "public" */
    int          jobs;             /* writer connections, default 4 */
    int64_t      chunk_rows;       /* default 50000 */
    if_exists_policy if_exists;
    int          schema_only, data_only, restart, widen, lower_case, quiet, json;
    const char  *map_file;         /* --map */
    const char  *progress_path;    /* --progress FILE or "-" (stdout) */
    const char  *report_path;      /* --report */
    const char  *rejects_path;     /* --rejects, default ferry-rejects.ndjson */
    int64_t      max_errors;       /* --max-errors: stop after this many rejects; -1 = no limit */
    size_t       memory_budget;    /* bytes of queued batches, default 16 MiB */
    int          zero_dates_null;  /* --zero-dates null: MySQL zero dates become NULL, counted */
    int          verify;           /* copy --verify: run verify after the copy */
    int          retries;          /* --retries: reconnect attempts after a lost connection (default 5) */
    const char  *copy_format;      /* --copy-format binary|text (PostgreSQL targets), NULL = driver's */
    /* Renames and several sources (job files, docs/job-files.md). */
    ferry_rename *renames; int nrenames;  /* in order given; the last one for a name wins */
    const char **sources; int nsources;   /* copy with several SOURCE arguments (or globs) */
    int          schema_per_source;       /* --schema-per-source: each source into its own schema */
    const char  *schema_name;             /* --schema-name TEMPLATE ({stem}), NULL = "{stem}" */
    char       **schema_for; int nschema_for; /* --schema-for SOURCE=SCHEMA, as typed */
    /* Dumps (engine/dumpcmd.h, docs/dumps.md). */
    int          dump_level;              /* --level: zstd level, 0 = the driver's (3) */
    int          dump_workers;            /* --compress-threads per writer, -1 = the driver's */
    int          keep;                    /* --keep N complete dumps of a series, 0 = all */
    int          quick;                   /* verify DIR --quick: file checksums only */
    int          incremental;             /* dump --incremental (engine/incr.h) */
    int          record_marks;            /* a dump of a series: record the marks the next
                                           * increment starts from */
    char       **updated_at; int nupdated_at; /* --updated-at [TABLE.]COLUMN */
    const char  *incr_prev;               /* the previous dump's manifest JSON text (set by
                                           * dump_command), NULL: a base dump */
    const char  *incr_prev_name;          /* ... and its directory name in the series */
    const char  *incr_base_name;          /* the series' base dump of this chain */
    const char  *dump_pattern;            /* ferry dump: DIR as given (a series pattern) */
    int          upsert;                  /* restore of an increment: rows replace rows of
                                           * the same primary key (engine/upsert.c) */
} ferry_options;

const char *if_exists_name(if_exists_policy p);

#endif
