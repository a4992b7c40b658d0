/* ping.c — `ferry ping URL [--json]`: connect to a database the way a copy
 * would and say what is there: engine and server version, database, user,
 * host and port (or socket, or file), TLS, round-trip latency, and the
 * server settings that matter for a copy.
 *
 * DESIGN. The endpoint is opened as a copy's source is (a SQLite file
 * read-only, never created; a server session set up exactly as for a
 * copy), so a ping that passes means `ferry copy` connects with the same
 * text and the same environment (PG*, MYSQL_*, env:NAME). What the client
 * library resolved — host, port, socket, TLS protocol and cipher — comes
 * from the driver's conn_info (driver.h); the settings are read with plain
 * queries of the engine's own catalog through drv->query. Nothing is
 * written anywhere.
 *
 * Secrets: the URL is shown only in its display form (password "***"),
 * the drivers' error messages are scrubbed by the drivers, and the rest
 * comes from the open connection, which reports no password.
 *
 * Exit codes (ferry's table): 0 connected; 2 usage (arguments, a URL that
 * does not parse, env:NAME unset or empty, a dump directory); 3 cannot
 * connect — a ping has one endpoint and reads it as a copy reads its
 * source, so its failures take the source's code; 6 interrupted; 1 other.
 * docs/ping.md documents the output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "ping.h"
#include "err.h"
#include "url.h"
#include "util.h"
#include "../drivers/driver.h"

#define PING_SAMPLES          5      /* SELECT 1 round trips; the median is shown */
#define PING_CONNECT_TIMEOUT  "10"   /* seconds, PostgreSQL, unless the URL or PGCONNECT_TIMEOUT says */

/* The settings shown per engine, in this order. Names only: they are
 * written into the queries as literals and never come from the user. */
static const char *const pg_settings[] = {
    "server_encoding", "max_connections", "wal_level", "shared_buffers",
    "maintenance_work_mem", "max_wal_size", "synchronous_commit", "ssl", NULL
};
static const char *const my_settings[] = {
    "max_allowed_packet", "local_infile", "sql_mode", "innodb_flush_log_at_trx_commit",
    "max_connections", "character_set_server", "lower_case_table_names",
    "innodb_buffer_pool_size", "have_ssl", NULL
};
static const char *const sq_settings[] = {
    "journal_mode", "page_size", "page_count", "freelist_count", "encoding",
    "user_version", "auto_vacuum", NULL
};

/* The connection facts in the order they are printed; absent ones are
 * JSON null, so that a consumer always finds every key. */
static const char *const fact_keys[] = {
    "database", "user", "host", "port", "socket", "file", "tls", NULL
};

/* ------------------------------------------------------------ queries */

/* setting_row — ctx of the settings callback: the object the values go
 * into, and the name of a one-column answer (a SQLite pragma). */
typedef struct setting_row {
    cJSON      *into;
    const char *name;
} setting_row;

/* on_setting — a (name, value) row, or a single value named ctx->name. */
static int on_setting(void *ctx, int ncols, const char *const *vals, ferry_err *e)
{
    setting_row *r = ctx;
    const char *name, *value;
    (void)e;
    if (ncols < 1) return 0;
    name = ncols >= 2 ? vals[0] : r->name;
    value = ncols >= 2 ? vals[1] : vals[0];
    if (!name || cJSON_GetObjectItemCaseSensitive(r->into, name)) return 0;
    if (value) cJSON_AddStringToObject(r->into, name, value);
    else cJSON_AddNullToObject(r->into, name);
    return 0;
}

/* on_nothing — the rows of SELECT 1: only the round trip counts. */
static int on_nothing(void *ctx, int ncols, const char *const *vals, ferry_err *e)
{
    (void)ctx; (void)ncols; (void)vals; (void)e;
    return 0;
}

/* in_list_sql — "'a', 'b', ..." of a name list (constant names only). */
static void in_list_sql(strbuf *sb, const char *const *names)
{
    for (int i = 0; names[i]; i++) strbuf_addf(sb, "%s'%s'", i ? ", " : "", names[i]);
}

/* read_settings — the engine's settings of interest into a new object, in
 * the order of its list; a setting the server does not have is left out.
 * Returns NULL with e set when a query fails. */
static cJSON *read_settings(ferry_conn *c, ferry_engine engine, ferry_err *e)
{
    const char *const *names = engine == ENGINE_POSTGRESQL ? pg_settings
                             : engine == ENGINE_MYSQL ? my_settings : sq_settings;
    cJSON *got = cJSON_CreateObject(), *out = NULL;
    setting_row r = {got, NULL};
    strbuf sql = STRBUF_INIT;
    int rc = 0;

    if (engine == ENGINE_POSTGRESQL) {
        /* current_setting: the human form ("128MB"), as postgresql.conf says it */
        strbuf_adds(&sql, "SELECT name, current_setting(name) FROM pg_catalog.pg_settings "
                          "WHERE name IN (");
        in_list_sql(&sql, names);
        strbuf_addc(&sql, ')');
        rc = c->drv->query(c, sql.buf, 0, NULL, on_setting, &r, e);
    } else if (engine == ENGINE_MYSQL) {
        /* GLOBAL: ferry's own session changes sql_mode and the timeouts */
        strbuf_adds(&sql, "SHOW GLOBAL VARIABLES WHERE Variable_name IN (");
        in_list_sql(&sql, names);
        strbuf_addc(&sql, ')');
        rc = c->drv->query(c, sql.buf, 0, NULL, on_setting, &r, e);
    } else {
        for (int i = 0; names[i] && rc == 0; i++) {
            strbuf_reset(&sql);
            strbuf_addf(&sql, "PRAGMA main.%s", names[i]);
            r.name = names[i];
            rc = c->drv->query(c, sql.buf, 0, NULL, on_setting, &r, e);
        }
    }
    strbuf_free(&sql);
    if (rc == 0) {
        out = cJSON_CreateObject();
        for (int i = 0; names[i]; i++) {
            cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(got, names[i]);
            if (v) cJSON_AddItemToObject(out, names[i], v);
        }
    }
    cJSON_Delete(got);
    return out;
}

/* cmp_double — ascending, for the median. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ms3 — milliseconds rounded to 3 decimals, for the JSON. */
static double ms3(double seconds)
{
    double ms = seconds * 1000.0;
    return (double)(long long)(ms * 1000.0 + 0.5) / 1000.0;
}

/* measure_latency — PING_SAMPLES round trips of SELECT 1; fills samples
 * (milliseconds, in the order measured) and returns 0, or -1 with e set. */
static int measure_latency(ferry_conn *c, double *samples, ferry_err *e)
{
    for (int i = 0; i < PING_SAMPLES; i++) {
        double t0 = now_monotonic();
        if (c->drv->query(c, "SELECT 1", 0, NULL, on_nothing, NULL, e)) return -1;
        samples[i] = ms3(now_monotonic() - t0);
    }
    return 0;
}

/* ------------------------------------------------------------ the report */

/* url_default — give u the libpq keyword key = value unless it has one. */
static void url_default(ferry_url *u, const char *key, const char *value)
{
    if (ferry_url_get(u, key) || u->nparams >= URL_MAX_PARAMS) return;
    u->keys[u->nparams] = xstrdup(key);
    u->values[u->nparams] = xstrdup(value);
    u->nparams++;
}

/* failure_message — e->msg as ping shows it: a SQLite driver names the
 * side ("source sqlite:///x.db: ..."), which means nothing here. */
static const char *failure_message(const ferry_err *e)
{
    return strncmp(e->msg, "source ", 7) == 0 ? e->msg + 7 : e->msg;
}

/* exit_code_for — see the exit codes in the DESIGN note. */
static int exit_code_for(const ferry_err *e)
{
    switch (e->code) {
    case FERRY_E_USAGE:       return EXIT_USAGE;
    case FERRY_E_INTERRUPTED: return EXIT_INTERRUPTED;
    case FERRY_E_NOMEM:
    case FERRY_E_INTERNAL:    return EXIT_FAILURE_;
    default:                  return EXIT_SOURCE;
    }
}

/* print_json — doc on stdout, one object, indented. */
static void print_json(cJSON *doc)
{
    char *text = cJSON_Print(doc);
    printf("%s\n", text);
    free(text);
}

/* report_failure — one line on stderr, and with --json the failure as the
 * one JSON object on stdout. Returns the exit code. */
static int report_failure(const ferry_options *o, const ferry_url *u, const ferry_err *e)
{
    const char *msg = failure_message(e);
    int rc = exit_code_for(e);

    fprintf(stderr, "ferry: error: %s\n", msg);
    if (o->json) {
        cJSON *doc = cJSON_CreateObject(), *err;
        cJSON_AddNumberToObject(doc, "schema_version", 1);
        cJSON_AddBoolToObject(doc, "ok", 0);
        if (u && u->display) cJSON_AddStringToObject(doc, "url", u->display);
        else cJSON_AddNullToObject(doc, "url");
        if (u && u->engine != ENGINE_UNKNOWN)
            cJSON_AddStringToObject(doc, "engine", ferry_engine_name(u->engine));
        else cJSON_AddNullToObject(doc, "engine");
        err = cJSON_AddObjectToObject(doc, "error");
        cJSON_AddStringToObject(err, "code", ferry_code_name(e->code));
        cJSON_AddStringToObject(err, "message", msg);
        cJSON_AddNumberToObject(doc, "exit_code", rc);
        print_json(doc);
        cJSON_Delete(doc);
    }
    return rc;
}

/* add_facts — move the connection facts of info into doc in fact_keys
 * order (null when the driver gave none), then whatever else it gave. */
static void add_facts(cJSON *doc, cJSON *info)
{
    for (int i = 0; fact_keys[i]; i++) {
        cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(info, fact_keys[i]);
        cJSON_AddItemToObject(doc, fact_keys[i], v ? v : cJSON_CreateNull());
    }
    while (info->child) {
        cJSON *v = info->child;
        cJSON_DetachItemViaPointer(info, v);
        cJSON_AddItemToObject(doc, v->string, v);
    }
}

/* text_of — a JSON scalar as text ("" for null), into buf. */
static const char *text_of(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsNumber(v)) { snprintf(buf, n, "%.15g", v->valuedouble); return buf; }
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v) ? "yes" : "no";
    return "";
}

/* print_text — the human form of doc (docs/ping.md). */
static void print_text(const cJSON *doc)
{
    static const char *const rows[][2] = {
        {"engine", "engine"}, {"server", "server"}, {"database", "database"},
        {"user", "user"}, {"host", "host"}, {"address", "address"}, {"port", "port"},
        {"socket", "socket"}, {"file", "file"}, {"file_bytes", "size (bytes)"},
        {"wal_bytes", "-wal (bytes)"}, {"read_only", "read-only"}, {"session_id", "session id"},
    };
    const cJSON *tls = cJSON_GetObjectItemCaseSensitive(doc, "tls");
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(doc, "latency_samples_ms");
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(doc, "settings"), *v;
    char buf[64];
    double lo = 0, hi = 0;
    int first = 1;

    printf("ferry ping: connected to %s\n",
           cJSON_GetObjectItemCaseSensitive(doc, "url")->valuestring);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        v = cJSON_GetObjectItemCaseSensitive(doc, rows[i][0]);
        if (v && !cJSON_IsNull(v)) printf("  %-14s %s\n", rows[i][1], text_of(v, buf, sizeof buf));
    }
    if (cJSON_IsObject(tls)) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(tls, "protocol");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(tls, "cipher");
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(tls, "bits");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tls, "in_use"))) {
            printf("  %-14s yes (%s", "tls", cJSON_IsString(p) ? p->valuestring : "protocol unknown");
            if (cJSON_IsString(c)) printf(", %s", c->valuestring);
            if (cJSON_IsNumber(b)) printf(", %d bits", b->valueint);
            printf(")\n");
        } else {
            printf("  %-14s no (the connection is not encrypted)\n", "tls");
        }
    } else {
        printf("  %-14s n/a (a local file)\n", "tls");
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "connect_ms");
    if (cJSON_IsNumber(v)) printf("  %-14s %.3f ms\n", "connect", v->valuedouble);
    cJSON_ArrayForEach(v, lat) {
        if (first || v->valuedouble < lo) lo = v->valuedouble;
        if (first || v->valuedouble > hi) hi = v->valuedouble;
        first = 0;
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "latency_ms");
    if (cJSON_IsNumber(v))
        printf("  %-14s %.3f ms (median of %d x SELECT 1; %.3f .. %.3f)\n", "latency",
               v->valuedouble, cJSON_GetArraySize(lat), lo, hi);
    if (cJSON_IsObject(set) && set->child) {
        printf("  settings\n");
        cJSON_ArrayForEach(v, set)
            printf("    %-32s %s\n", v->string, text_of(v, buf, sizeof buf));
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "settings_error");
    if (cJSON_IsString(v)) printf("  settings       not read: %s\n", v->valuestring);
}

/* ------------------------------------------------------------ the entry */

int ping_command(const ferry_options *o)
{
    ferry_url u;
    ferry_err e;
    ferry_conn *c = NULL;
    cJSON *doc = NULL, *info = NULL, *settings, *arr;
    double samples[PING_SAMPLES], sorted[PING_SAMPLES], t0, connect_s;
    char version[128];
    int rc;

    memset(&e, 0, sizeof e);
    if (ferry_url_parse(o->target_text, &u, &e))
        return report_failure(o, NULL, &e);
    if (u.engine == ENGINE_DUMP || !driver_for(u.engine)) {
        ferry_err_set(&e, FERRY_E_USAGE, "%s is a dump directory, not a database: ping "
                      "takes a sqlite://, postgresql:// or mysql:// URL", u.display);
        rc = report_failure(o, &u, &e);
        goto out;
    }
    /* A ping must answer: libpq alone would wait for an unreachable host
     * as long as TCP does (MySQL's driver has its own default). */
    if (u.engine == ENGINE_POSTGRESQL && !getenv("PGCONNECT_TIMEOUT"))
        url_default(&u, "connect_timeout", PING_CONNECT_TIMEOUT);

    t0 = now_monotonic();
    if (!(c = driver_connect(&u, SIDE_SOURCE, &e))) {
        rc = report_failure(o, &u, &e);
        goto out;
    }
    connect_s = now_monotonic() - t0;
    doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "schema_version", 1);
    cJSON_AddBoolToObject(doc, "ok", 1);
    cJSON_AddStringToObject(doc, "url", u.display);
    cJSON_AddStringToObject(doc, "engine", ferry_engine_name(u.engine));
    if (!c->drv->server_version) snprintf(version, sizeof version, "%s", c->drv->name);
    else if (c->drv->server_version(c, version, sizeof version, &e)) {
        rc = report_failure(o, &u, &e);
        goto out;
    }
    cJSON_AddStringToObject(doc, "server", version);
    info = cJSON_CreateObject();
    if (c->drv->conn_info && c->drv->conn_info(c, info, &e)) {
        rc = report_failure(o, &u, &e);
        goto out;
    }
    add_facts(doc, info);
    cJSON_AddNumberToObject(doc, "connect_ms", ms3(connect_s));
    if (measure_latency(c, samples, &e)) {
        rc = report_failure(o, &u, &e);
        goto out;
    }
    memcpy(sorted, samples, sizeof sorted);
    qsort(sorted, PING_SAMPLES, sizeof sorted[0], cmp_double);
    cJSON_AddNumberToObject(doc, "latency_ms", sorted[PING_SAMPLES / 2]);
    arr = cJSON_AddArrayToObject(doc, "latency_samples_ms");
    for (int i = 0; i < PING_SAMPLES; i++) cJSON_AddItemToArray(arr, cJSON_CreateNumber(samples[i]));
    /* Settings are information, not reachability: a server that hides
     * them (a restricted user, a proxy) still answered the ping. */
    if ((settings = read_settings(c, u.engine, &e)) != NULL) {
        cJSON_AddItemToObject(doc, "settings", settings);
    } else {
        cJSON_AddObjectToObject(doc, "settings");
        cJSON_AddStringToObject(doc, "settings_error", failure_message(&e));
    }
    if (o->json) print_json(doc);
    else if (!o->quiet) print_text(doc);
    rc = EXIT_OK;
out:
    cJSON_Delete(info);
    cJSON_Delete(doc);
    drv_close(c);
    ferry_url_free(&u);
    return rc;
}
