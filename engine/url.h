/* url.h — turning what users type (sqlite:///app.db, a plain path,
 * postgresql+asyncpg://u:p@h/db?ssl=require, libpq keyword strings, env:NAME
 * for any of these held in an environment variable) into a
 * parsed, engine-tagged endpoint, and into a display form without secrets. */
#ifndef FERRY_URL_H
#define FERRY_URL_H

#include "err.h"

typedef enum ferry_engine {
    ENGINE_UNKNOWN = 0,
    ENGINE_SQLITE,
    ENGINE_POSTGRESQL,
    ENGINE_MYSQL,
    ENGINE_DUMP
} ferry_engine;

#define URL_MAX_PARAMS 48

/* ferry_url — owns all its strings (free with ferry_url_free).
 * For SQLite: path is the file path (relative paths are relative to the
 * current directory), params hold query options (e.g. mode=ro).
 * For PostgreSQL: keys/values are libpq connection keywords ready for
 * PQconnectdbParams (host, port, user, password, dbname, sslmode, ... ;
 * "ssl=require" was already turned into sslmode=require; driver suffixes such
 * as +asyncpg were dropped). Keys absent from the URL are absent here, so
 * libpq's environment (PGHOST, PGPASSWORD, .pgpass, PGSSLMODE) still
 * applies. */
typedef struct ferry_url {
    ferry_engine engine;
    char  *scheme;                 /* as typed, e.g. "postgresql+asyncpg" or "" for a path */
    char  *path;                   /* SQLite file path; NULL otherwise */
    int    nparams;
    char  *keys[URL_MAX_PARAMS];
    char  *values[URL_MAX_PARAMS];
    char  *display;                /* safe to print: password replaced by *** */
} ferry_url;

/* ferry_url_parse — parse text into u (zeroed first). Returns 0, or -1 with
 * a FERRY_E_USAGE error naming the problem and the accepted forms. A plain
 * path is accepted as SQLite when the file exists (or when must_exist is 0
 * and it ends in .db/.sqlite/.sqlite3). "env:NAME" parses the value of
 * environment variable NAME instead (white space and one pair of
 * surrounding quotes trimmed): u is then exactly what the value would give
 * typed as is (its display form masked as usual); an unset, empty or
 * malformed variable is an error naming NAME and never showing the value. */
int  ferry_url_parse(const char *text, ferry_url *u, ferry_err *e);
void ferry_url_free(ferry_url *u);

/* ferry_url_get — value of key or NULL. */
const char *ferry_url_get(const ferry_url *u, const char *key);

/* ferry_url_mask — copy of text with any password replaced by "***" (URL
 * userinfo, password=... keyword, ?password= parameter). Caller frees.
 * Used for anything that echoes user input. */
char *ferry_url_mask(const char *text);

const char *ferry_engine_name(ferry_engine e);

#endif
