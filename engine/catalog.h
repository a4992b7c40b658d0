/* catalog.h — what a source driver says about a database: tables, columns,
 * keys, indexes, foreign keys, checks, views. Engine-neutral; the native
 * text (types, default and WHERE expressions) is kept as the source wrote it.
 * All memory belongs to the catalog's arena (catalog_free releases it). */
#ifndef FERRY_CATALOG_H
#define FERRY_CATALOG_H

#include <stdint.h>
#include "util.h"

typedef struct cat_column {
    char *name;
    char *native_type;     /* declared type as written, "" when none */
    int   notnull;
    char *default_expr;    /* native default expression text, NULL if none */
    int   pk_position;     /* 1-based position in the primary key, 0 if not in it */
    int   identity;        /* values assigned by the engine: PostgreSQL identity/serial,
                            * MySQL AUTO_INCREMENT (SQLite: see cat_table.rowid_alias) */
    int   generated;       /* 1 for generated (computed) columns */
    int   generated_stored;/* 1: STORED (PostgreSQL always), 0: VIRTUAL */
    char *generated_expr;  /* expression text when generated */
    char *collation;       /* e.g. "NOCASE", NULL if default */
    char *comment;         /* column comment, NULL if none */
    char *on_update;       /* MySQL ON UPDATE expression ("current_timestamp(6)"), NULL if none */
    int    nlabels;        /* enum columns: the labels in declaration order ... */
    char **labels;         /* ... (MySQL enum(...), PostgreSQL enum types); NULL otherwise */
    char  *enum_type;      /* PostgreSQL: the enum type's name as format_type gives it */
    char  *enum_create;    /* PostgreSQL: "CREATE TYPE mood AS ENUM ('sad', 'ok')" */
    int    read_json;      /* set by the plan (the catalog is the read contract with the
                            * source driver): read this PostgreSQL array as JSON */
    /* A dump source (drivers/dump_read.c): the logical type its values are
     * stored as, and what reading the original native type as that type
     * lost when the dump was taken; NULL for live sources. */
    const struct ltype *stored_lt;
    char  *stored_lossy;
} cat_column;

typedef struct cat_index_part {
    char *column;          /* column name, or NULL when the part is an expression */
    char *expr;            /* expression text when column is NULL */
    int   desc;            /* 1 for DESC */
    char *collation;       /* NULL if default */
} cat_index_part;

typedef struct cat_index {
    char *name;
    int   unique;
    int   is_constraint;   /* 1: came from a UNIQUE constraint in the table definition */
    int   nparts;
    cat_index_part *parts;
    char *where;           /* partial index predicate text, NULL if none */
    char *sql;             /* the full native CREATE INDEX text, for reports */
} cat_index;

typedef struct cat_fk {
    char  *name;           /* constraint name or NULL */
    int    ncols;
    char **cols;           /* in this table */
    char  *ref_table;
    char **ref_cols;       /* NULL entries / NULL array: the referenced table's PK */
    char  *on_delete;      /* "NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT" */
    char  *on_update;
    int    deferrable;     /* DEFERRABLE INITIALLY DEFERRED */
} cat_fk;

typedef struct cat_check {
    char *name;            /* constraint name or NULL */
    char *expr;            /* the expression inside CHECK( ... ) */
} cat_check;

typedef struct cat_table {
    char *schema;          /* NULL for SQLite */
    char *name;
    int   ncols;
    cat_column *cols;
    int   npk;             /* number of primary key columns (order: pk_position) */
    char *pk_name;         /* the primary key constraint's name where the source names it
                            * (PostgreSQL), NULL otherwise: apps' migrations refer to it */
    int   rowid_alias;     /* index of the INTEGER PRIMARY KEY column (alias of rowid), -1 if none */
    int   autoincrement;   /* SQLite AUTOINCREMENT / MySQL AUTO_INCREMENT / identity */
    int64_t autoinc_seq;   /* highest id ever handed out (SQLite sqlite_sequence), 0 if unknown */
    int   has_rowid;       /* SQLite: 0 for WITHOUT ROWID tables */
    int   nindexes;
    cat_index *indexes;    /* secondary indexes and unique constraints, not the PK */
    int   nfks;
    cat_fk *fks;
    int   nchecks;
    cat_check *checks;
    int64_t est_rows;      /* estimate or exact count, -1 if unknown */
    char *sql;             /* native CREATE TABLE text, for reports */
    char *comment;         /* NULL if none */
    int   replace_all;     /* a dump increment holding all of this table's rows (no key to
                            * tell new rows by): they replace the target's (engine/upsert.h) */
} cat_table;

typedef struct cat_view {
    char *schema;
    char *name;
    char *select_sql;      /* the SELECT part of the definition */
    char *sql;             /* the full native CREATE VIEW text */
} cat_view;

typedef struct ferry_catalog {
    arena  mem;
    char  *engine;           /* "sqlite" */
    char  *server_version;   /* e.g. "3.40.1" */
    int    ntables;
    cat_table *tables;
    int    nviews;
    cat_view  *views;
    int    nvirtual;
    cat_view  *virtual_tables; /* SQLite virtual tables (FTS, R*Tree): not copied, reported */
} ferry_catalog;

void        catalog_free(ferry_catalog *c);
cat_table  *catalog_find_table(const ferry_catalog *c, const char *name);
int         catalog_column_index(const cat_table *t, const char *name);  /* -1 if none */

#endif
