/* url.c — parsing what users type to name a database (URLs of every common
 * flavour, plain SQLite paths, libpq keyword strings, dump directories) into
 * a ferry_url, and masking passwords out of anything that echoes it.
 *
 * Rule for the whole file: no error message contains the text as typed,
 * only its masked form (ferry_url_mask), and never a password value. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "url.h"
#include "util.h"

#define ACCEPTED_FORMS                                                         \
    "expected sqlite:///relative.db, sqlite:////abs.db, a path to a SQLite "   \
    "file, postgresql://user@host/db or \"host=... dbname=...\" (or env:NAME " \
    "for a URL held in environment variable NAME)"

/* env:NAME — the URL is the value of environment variable NAME. */
#define ENV_PREFIX      "env:"
#define ENV_NAME_MAX    128

/* The connection keywords libpq knows; any of these passes through. */
static const char *const libpq_keys[] = {
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile",
    "channel_binding", "connect_timeout", "client_encoding", "options",
    "application_name", "fallback_application_name", "keepalives",
    "keepalives_idle", "keepalives_interval", "keepalives_count",
    "tcp_user_timeout", "replication", "require_auth", "sslmode",
    "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslcertmode",
    "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
    "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version",
    "gssencmode", "krbsrvname", "gsslib", "gssdelegation", "service",
    "target_session_attrs", "load_balance_hosts", NULL
};

/* Parameters that other drivers and frameworks put in PostgreSQL URLs and
 * that mean nothing to libpq (pooling, statement caches, timeouts of the
 * driver itself). ferry drops them silently so that a URL copied from an
 * application's configuration works as is:
 *   SQLAlchemy:  async_fallback, pool_size, max_overflow, pool_timeout,
 *                pool_recycle, pool_pre_ping, pool_use_lifo, echo,
 *                echo_pool, plugin, isolation_level, use_native_unicode,
 *                use_native_hstore, executemany_mode,
 *                executemany_values_page_size, executemany_batch_page_size,
 *                prepared_statement_cache_size, prepared_statement_name_func
 *   asyncpg:     statement_cache_size, max_cached_statement_lifetime,
 *                max_cacheable_statement_size, command_timeout,
 *                server_settings, timeout, direct_tls
 *   pg8000:      tcp_keepalive
 *   Prisma:      connection_limit, socket_timeout, pgbouncer
 * Anything else unknown is a usage error naming the parameter. */
static const char *const dropped_keys[] = {
    "async_fallback", "pool_size", "max_overflow", "pool_timeout",
    "pool_recycle", "pool_pre_ping", "pool_use_lifo", "echo", "echo_pool",
    "plugin", "isolation_level", "use_native_unicode", "use_native_hstore",
    "executemany_mode", "executemany_values_page_size",
    "executemany_batch_page_size", "prepared_statement_cache_size",
    "prepared_statement_name_func", "statement_cache_size",
    "max_cached_statement_lifetime", "max_cacheable_statement_size",
    "command_timeout", "server_settings", "timeout", "direct_tls",
    "tcp_keepalive", "connection_limit", "socket_timeout", "pgbouncer", NULL
};

/* Keys whose values are secrets, in any form. */
static const char *const secret_keys[] = {
    "password", "sslpassword", "passwd", "pwd", NULL
};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

const char *ferry_engine_name(ferry_engine e)
{
    switch (e) {
    case ENGINE_SQLITE:     return "sqlite";
    case ENGINE_POSTGRESQL: return "postgresql";
    case ENGINE_MYSQL:      return "mysql";
    case ENGINE_DUMP:       return "dump";
    default:                return "unknown";
    }
}

/* ------------------------------------------------------------- masking */

/* find_userinfo — in rest (the text after "://", n bytes), the index of the
 * '@' that ends the user[:password] part, or -1 when there is none. As in
 * SQLAlchemy, the user name cannot contain ':' '/' '?' but the password may
 * contain anything, even '@' when the host part after it has none. */
static long find_userinfo(const char *rest, size_t n)
{
    const char *at = memchr(rest, '@', n);
    size_t ulen, i;

    if (!at) return -1;
    ulen = (size_t)(at - rest);
    for (i = 0; i < ulen && rest[i] != ':'; i++)
        if (rest[i] == '/' || rest[i] == '?' || rest[i] == '#') return -1;
    /* An unescaped '@' in the password: the userinfo ends at the last '@'
     * before the host part's end. */
    for (i = (size_t)(at - rest) + 1; i < n && rest[i] != '/' && rest[i] != '?'; i++)
        if (rest[i] == '@') at = rest + i;
    return (long)(at - rest);
}

typedef struct span { size_t lo, hi; } span;

/* secret_key_at — 1 when one of the secret keys starts at s (n bytes left)
 * followed by '=' (or, in keyword form, by a space); *klen gets its length. */
static int secret_key_at(const char *s, size_t n, int keyword_form, size_t *klen)
{
    for (const char *const *k = secret_keys; *k; k++) {
        size_t l = strlen(*k);
        if (l < n && strncasecmp(s, *k, l) == 0) {
            char c = s[l];
            if (c == '=' || (keyword_form && isspace((unsigned char)c))) {
                *klen = l;
                return 1;
            }
        }
    }
    return 0;
}

static void add_span(span **v, size_t *nv, size_t *cap, size_t lo, size_t hi)
{
    if (hi <= lo) return;
    if (*nv == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[*nv].lo = lo;
    (*v)[*nv].hi = hi;
    (*nv)++;
}

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* ferry_url_mask — see url.h. Finds every secret span in text (URL
 * password, ?password= / &password= parameters, password=... keywords with
 * or without quotes), then copies text with each span replaced by "***".
 * Never fails on garbage; NULL gives "". Caller frees. */
char *ferry_url_mask(const char *text)
{
    strbuf out = STRBUF_INIT;
    span *v = NULL;
    size_t nv = 0, cap = 0, n, i, klen, pos;
    const char *sep;

    if (!text) return xstrdup("");
    n = strlen(text);

    sep = strstr(text, "://");
    if (sep) {
        const char *rest = sep + 3;
        size_t rn = n - (size_t)(rest - text);
        long at = find_userinfo(rest, rn);
        if (at >= 0) {
            const char *colon = memchr(rest, ':', (size_t)at);
            if (colon)
                add_span(&v, &nv, &cap, (size_t)(colon + 1 - text),
                         (size_t)(rest + at - text));
        }
    }

    for (i = 0; i < n; i++) {
        /* ?password=... or &password=... */
        if ((text[i] == '?' || text[i] == '&')
            && secret_key_at(text + i + 1, n - i - 1, 0, &klen)) {
            size_t lo = i + 1 + klen + 1, hi = lo;
            while (hi < n && text[hi] != '&' && text[hi] != '#') hi++;
            add_span(&v, &nv, &cap, lo, hi);
            continue;
        }
        /* password = value, at the start of a keyword token */
        if ((i == 0 || isspace((unsigned char)text[i - 1]))
            && secret_key_at(text + i, n - i, 1, &klen)) {
            pos = i + klen;
            while (pos < n && isspace((unsigned char)text[pos])) pos++;
            if (pos >= n || text[pos] != '=') continue;
            pos++;
            while (pos < n && isspace((unsigned char)text[pos])) pos++;
            size_t lo = pos;
            if (pos < n && text[pos] == '\'') {
                pos++;
                while (pos < n && text[pos] != '\'') {
                    if (text[pos] == '\\' && pos + 1 < n) pos++;
                    pos++;
                }
                if (pos < n) pos++;            /* the closing quote */
            } else {
                while (pos < n && !isspace((unsigned char)text[pos])) {
                    if (text[pos] == '\\' && pos + 1 < n) pos++;
                    pos++;
                }
            }
            add_span(&v, &nv, &cap, lo, pos);
        }
    }

    if (nv) qsort(v, nv, sizeof *v, span_cmp);
    pos = 0;
    for (i = 0; i < nv; i++) {
        if (v[i].hi <= pos) continue;          /* inside a span already masked */
        if (v[i].lo > pos) strbuf_add(&out, text + pos, v[i].lo - pos);
        strbuf_adds(&out, "***");
        pos = v[i].hi;
    }
    strbuf_add(&out, text + pos, n - pos);
    free(v);
    return strbuf_detach(&out);
}

/* -------------------------------------------------------- small helpers */

/* usage_error — the error every parse failure goes through: the masked
 * input, then what is wrong. Returns -1. */
static int usage_error(ferry_err *e, const char *text, const char *what)
{
    char *m = ferry_url_mask(text);
    ferry_err_set(e, FERRY_E_USAGE, "cannot understand \"%s\": %s", m, what);
    free(m);
    return -1;
}

/* set_param — set key to the n bytes at val (replacing an earlier value of
 * the same key, so later settings win as in libpq). */
static int set_param(ferry_url *u, const char *key, const char *val, size_t n,
                     const char *text, ferry_err *e)
{
    for (int i = 0; i < u->nparams; i++) {
        if (strcmp(u->keys[i], key) == 0) {
            free(u->values[i]);
            u->values[i] = xstrndup(val, n);
            return 0;
        }
    }
    if (u->nparams == URL_MAX_PARAMS)
        return usage_error(e, text, "too many connection parameters");
    u->keys[u->nparams] = xstrdup(key);
    u->values[u->nparams] = xstrndup(val, n);
    u->nparams++;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* pct_decode — percent-decode n bytes of s into a new string (*out, caller
 * frees). A '%' not followed by two hex digits stays as typed. Returns -1
 * (and *out NULL) when the result would contain a NUL byte. */
static int pct_decode(const char *s, size_t n, char **out)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n
            && (h = hexval(s[i + 1])) >= 0 && (l = hexval(s[i + 2])) >= 0) {
            int c = h * 16 + l;
            if (c == 0) {
                strbuf_free(&sb);
                *out = NULL;
                return -1;
            }
            strbuf_addc(&sb, (char)c);
            i += 2;
        } else {
            strbuf_addc(&sb, s[i]);
        }
    }
    *out = strbuf_detach(&sb);
    return 0;
}

/* decode_param — decode s[0..n) and set it as key; what names the piece
 * for the error message (the value itself is never shown). */
static int decode_param(ferry_url *u, const char *key, const char *s, size_t n,
                        const char *what, const char *text, ferry_err *e)
{
    char *d = NULL;
    int rc;
    if (pct_decode(s, n, &d) < 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "the %s contains an encoded NUL byte (%%00)", what);
        return usage_error(e, text, msg);
    }
    rc = set_param(u, key, d, strlen(d), text, e);
    free(d);
    return rc;
}

static int has_suffix_nocase(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* ------------------------------------------------------ query parameters */

/* Called for each decoded query parameter; returns 0 or -1 with e set. */
typedef int (*param_fn)(ferry_url *u, const char *key, const char *val,
                        const char *text, ferry_err *e);

/* keep_param — SQLite and MySQL: every parameter is kept as given. */
static int keep_param(ferry_url *u, const char *key, const char *val,
                      const char *text, ferry_err *e)
{
    return set_param(u, key, val, strlen(val), text, e);
}

/* pg_param — PostgreSQL: translate ssl=, drop driver-only parameters,
 * refuse keywords libpq would reject. */
static int pg_param(ferry_url *u, const char *key, const char *val,
                    const char *text, ferry_err *e)
{
    char msg[256];

    if (strcmp(key, "ssl") == 0) {
        static const char *const same[] = {
            "disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL
        };
        const char *mode = NULL;
        if (!strcasecmp(val, "true") || !strcmp(val, "1") || !strcasecmp(val, "on")
            || !strcasecmp(val, "yes"))
            mode = "require";
        else if (!strcasecmp(val, "false") || !strcmp(val, "0") || !strcasecmp(val, "off")
                 || !strcasecmp(val, "no"))
            mode = "disable";
        else
            for (const char *const *s = same; *s; s++)
                if (!strcasecmp(val, *s)) mode = *s;
        if (!mode) {
            snprintf(msg, sizeof msg, "ssl=%.40s is not a TLS mode: use ssl=require, "
                     "ssl=disable or sslmode=verify-full (or disable, allow, prefer, "
                     "require, verify-ca)", val);
            return usage_error(e, text, msg);
        }
        return set_param(u, "sslmode", mode, strlen(mode), text, e);
    }
    if (in_list(libpq_keys, key))
        return set_param(u, key, val, strlen(val), text, e);
    if (in_list(dropped_keys, key))
        return 0;
    snprintf(msg, sizeof msg, "unknown connection parameter \"%.60s\": libpq does not "
             "accept it; remove it from the connection string", key);
    return usage_error(e, text, msg);
}

/* parse_query — split q[0..n) at '&' into key=value pairs, percent-decode
 * both and hand them to fn. */
static int parse_query(ferry_url *u, const char *q, size_t n, param_fn fn,
                       const char *text, ferry_err *e)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i, eq;
        char *key = NULL, *val = NULL;
        int rc;
        char msg[256];

        while (end < n && q[end] != '&') end++;
        if (end == i) { i++; continue; }       /* "&&" or a trailing '&' */
        for (eq = i; eq < end && q[eq] != '='; eq++) {}
        if (eq == i)
            return usage_error(e, text, "a query parameter has no name");
        if (eq == end) {
            char *k = NULL;
            if (pct_decode(q + i, eq - i, &k) < 0) k = xstrdup("?");
            snprintf(msg, sizeof msg, "query parameter \"%.60s\" has no value "
                     "(write %.60s=...)", k, k);
            free(k);
            return usage_error(e, text, msg);
        }
        if (pct_decode(q + i, eq - i, &key) < 0)
            return usage_error(e, text, "a query parameter name contains %00");
        if (pct_decode(q + eq + 1, end - eq - 1, &val) < 0) {
            snprintf(msg, sizeof msg, "the value of \"%.60s\" contains an encoded NUL byte (%%00)", key);
            free(key);
            return usage_error(e, text, msg);
        }
        rc = fn(u, key, val, text, e);
        free(key);
        free(val);
        if (rc) return rc;
        i = end + 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- SQLite */

/* parse_sqlite_url — rest is what follows "sqlite://": "/relative.db" or
 * "//abs.db", with an optional ?query. */
static int parse_sqlite_url(const char *text, const char *rest, ferry_url *u, ferry_err *e)
{
    const char *q = strchr(rest, '?');
    size_t plen = q ? (size_t)(q - rest) : strlen(rest);

    if (plen == 0 || rest[0] != '/')
        return usage_error(e, text, plen == 0
            ? "no database file: write sqlite:///relative.db or sqlite:////abs/path.db"
            : "a SQLite URL has no host: write sqlite:///relative.db (three slashes) "
              "or sqlite:////abs/path.db (four)");
    if (plen == 1)
        return usage_error(e, text, "no database file: write sqlite:///relative.db "
                           "or sqlite:////abs/path.db");
    u->path = xstrndup(rest + 1, plen - 1);
    if (strcmp(u->path, ":memory:") == 0)
        return usage_error(e, text, "an in-memory SQLite database is empty: "
                           "there is nothing to copy from or to");
    u->engine = ENGINE_SQLITE;
    if (q) return parse_query(u, q + 1, strlen(q + 1), keep_param, text, e);
    return 0;
}

/* parse_plain_path — no scheme: a SQLite file when it exists or looks like
 * one by its extension. */
static int parse_plain_path(const char *text, ferry_url *u, ferry_err *e)
{
    struct stat st;
    int exists = stat(text, &st) == 0;

    if (exists && S_ISDIR(st.st_mode))
        return usage_error(e, text, "this is a directory; for a dump directory "
                           "write dump:DIR, for a SQLite database give the file");
    if (!exists && !has_suffix_nocase(text, ".db") && !has_suffix_nocase(text, ".sqlite")
        && !has_suffix_nocase(text, ".sqlite3") && !has_suffix_nocase(text, ".db3"))
        return usage_error(e, text, "no such file, and not a URL; " ACCEPTED_FORMS);
    u->engine = ENGINE_SQLITE;
    u->path = xstrdup(text);
    return 0;
}

/* --------------------------------------------------- PostgreSQL / MySQL */

/* valid_port — digits only, 1..65535. */
static int valid_port(const char *s, size_t n)
{
    long v = 0;
    if (n == 0 || n > 5) return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* parse_hosts — h[0..n) is "host[:port][,host2[:port2]...]"; sets host and
 * port (comma-joined lists, ports left empty where not given, as libpq
 * takes them). Hosts are percent-decoded ("%2Fvar%2Frun" is a socket
 * directory); IPv6 addresses come in brackets. */
static int parse_hosts(ferry_url *u, const char *h, size_t n, int multi,
                       const char *text, ferry_err *e)
{
    strbuf hosts = STRBUF_INIT, ports = STRBUF_INIT;
    int any_port = 0, count = 0, rc = -1;
    size_t i = 0;
    char msg[200];

    if (n == 0) return 0;
    for (;;) {
        size_t end = i, hlo, hhi, plo = 0, phi = 0;
        int has_port = 0;
        char *dec = NULL;

        if (h[i] == '[') {
            while (end < n && h[end] != ']') end++;
            if (end == n) {
                usage_error(e, text, "an IPv6 address in brackets has no closing ']'");
                goto out;
            }
            hlo = i + 1;
            hhi = end;
            end++;
            if (end < n && h[end] == ':') {
                has_port = 1;
                plo = end + 1;
                while (end < n && h[end] != ',') end++;
                phi = end;
            } else if (end < n && h[end] != ',') {
                usage_error(e, text, "unexpected text after an IPv6 address in brackets");
                goto out;
            }
        } else {
            size_t colon = 0;
            int has_colon = 0;
            while (end < n && h[end] != ',') {
                if (h[end] == ':') { colon = end; has_colon = 1; }
                end++;
            }
            hlo = i;
            hhi = has_colon ? colon : end;
            if (has_colon) { has_port = 1; plo = colon + 1; phi = end; }
        }
        if (has_port) {
            if (!valid_port(h + plo, phi - plo)) {
                snprintf(msg, sizeof msg, "invalid port \"%.*s\": expected a number "
                         "from 1 to 65535", (int)(phi - plo > 20 ? 20 : phi - plo), h + plo);
                usage_error(e, text, msg);
                goto out;
            }
            any_port = 1;
        }
        if (pct_decode(h + hlo, hhi - hlo, &dec) < 0) {
            usage_error(e, text, "the host name contains an encoded NUL byte (%00)");
            goto out;
        }
        if (count) {
            strbuf_addc(&hosts, ',');
            strbuf_addc(&ports, ',');
        }
        strbuf_adds(&hosts, dec);
        strbuf_add(&ports, h + plo, phi - plo);
        free(dec);
        count++;
        if (end >= n) break;
        i = end + 1;                           /* past the ',' */
        if (i >= n) break;
    }
    if (count > 1 && !multi) {
        usage_error(e, text, "only one host is allowed here");
        goto out;
    }
    if (hosts.len && set_param(u, "host", hosts.buf, hosts.len, text, e)) goto out;
    if (any_port && set_param(u, "port", ports.buf, ports.len, text, e)) goto out;
    rc = 0;
out:
    strbuf_free(&hosts);
    strbuf_free(&ports);
    return rc;
}

/* parse_server_url — rest follows "scheme://": [user[:password]@][hosts]
 * [/dbname][?params]. The keys come out in the order host, port, user,
 * password, dbname, then the parameters (which may override them). */
static int parse_server_url(const char *text, const char *rest, ferry_url *u,
                            int pg, ferry_err *e)
{
    size_t n = strlen(rest), start = 0, end, dlo, dhi;
    long at = find_userinfo(rest, n);
    const char *q;
    size_t ulen = 0, plo = 0, phi = 0;
    int has_pw = 0;

    if (at >= 0) {
        const char *colon = memchr(rest, ':', (size_t)at);
        ulen = colon ? (size_t)(colon - rest) : (size_t)at;
        if (colon) {
            has_pw = 1;
            plo = (size_t)(colon - rest) + 1;
            phi = (size_t)at;
        }
        start = (size_t)at + 1;
    }
    for (end = start; end < n && rest[end] != '/' && rest[end] != '?'; end++) {}
    if (parse_hosts(u, rest + start, end - start, pg, text, e)) return -1;
    if (ulen && decode_param(u, "user", rest, ulen, "user name", text, e)) return -1;
    if (has_pw && decode_param(u, "password", rest + plo, phi - plo, "password", text, e))
        return -1;

    q = memchr(rest + end, '?', n - end);
    if (end < n && rest[end] == '/') {
        dlo = end + 1;
        dhi = q ? (size_t)(q - rest) : n;
        if (dhi > dlo && decode_param(u, "dbname", rest + dlo, dhi - dlo,
                                      "database name", text, e))
            return -1;
    }
    if (q && parse_query(u, q + 1, strlen(q + 1), pg ? pg_param : keep_param, text, e))
        return -1;
    return 0;
}

/* parse_keywords — libpq's "key=value key='quoted \' value'" syntax. */
static int parse_keywords(const char *text, ferry_url *u, ferry_err *e)
{
    const char *p = text;
    strbuf key = STRBUF_INIT, val = STRBUF_INIT;
    char msg[200];
    int rc = -1;

    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (!*p) break;
        strbuf_reset(&key);
        strbuf_reset(&val);
        while (*p && *p != '=' && !isspace((unsigned char)*p)) strbuf_addc(&key, *p++);
        while (isspace((unsigned char)*p)) p++;
        if (*p != '=') {
            snprintf(msg, sizeof msg, "missing \"=\" after \"%.60s\" in the connection string",
                     strbuf_cstr(&key));
            usage_error(e, text, msg);
            goto out;
        }
        if (key.len == 0) {
            usage_error(e, text, "a connection keyword is missing before \"=\"");
            goto out;
        }
        p++;
        while (isspace((unsigned char)*p)) p++;
        if (*p == '\'') {
            p++;
            for (;;) {
                if (!*p) {
                    snprintf(msg, sizeof msg, "the quoted value of \"%.60s\" has no closing quote",
                             key.buf);
                    usage_error(e, text, msg);
                    goto out;
                }
                if (*p == '\\' && p[1]) { strbuf_addc(&val, p[1]); p += 2; continue; }
                if (*p == '\'') { p++; break; }
                strbuf_addc(&val, *p++);
            }
        } else {
            while (*p && !isspace((unsigned char)*p)) {
                if (*p == '\\' && p[1]) p++;
                strbuf_addc(&val, *p++);
            }
        }
        if (pg_param(u, key.buf, strbuf_cstr(&val), text, e)) goto out;
    }
    u->engine = ENGINE_POSTGRESQL;
    rc = 0;
out:
    strbuf_free(&key);
    strbuf_free(&val);
    return rc;
}

/* ------------------------------------------------------------------ dump */

static int parse_dump(const char *text, const char *dir, ferry_url *u, ferry_err *e)
{
    if (!*dir || strcmp(dir, "/") == 0)
        return usage_error(e, text, "no dump directory: write dump:DIR or dump:///abs/dir");
    u->engine = ENGINE_DUMP;
    u->path = xstrdup(dir);
    return 0;
}

/* ------------------------------------------------------------ env:NAME */

/* valid_env_name — NAME as shells and env files write it: letters, digits
 * and '_', not starting with a digit, at most ENV_NAME_MAX bytes. */
static int valid_env_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > ENV_NAME_MAX || isdigit((unsigned char)s[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_') return 0;
    return 1;
}

/* env_trim — the value of an environment variable as a URL: surrounding
 * white space dropped (a trailing newline from `$(cat file)` or an env
 * file), then one pair of matching surrounding quotes (docker --env-file
 * and systemd EnvironmentFile= keep the quotes a .env file puts around a
 * value). Returns a new string; caller frees. */
static char *env_trim(const char *v)
{
    size_t lo = 0, hi = strlen(v);
    while (lo < hi && isspace((unsigned char)v[lo])) lo++;
    while (hi > lo && isspace((unsigned char)v[hi - 1])) hi--;
    if (hi - lo >= 2 && (v[lo] == '"' || v[lo] == '\'') && v[hi - 1] == v[lo]) {
        lo++;
        hi--;
        while (lo < hi && isspace((unsigned char)v[lo])) lo++;
        while (hi > lo && isspace((unsigned char)v[hi - 1])) hi--;
    }
    return xstrndup(v + lo, hi - lo);
}

/* env_reason — from the error of parsing value, the part that says what
 * is wrong, without the echo of the (masked) value that usage_error puts in
 * front: the value of a variable is never shown, not even masked, since a
 * malformed URL may hide its password from the mask. Caller frees. */
static char *env_reason(const char *value, const char *msg)
{
    char *m = ferry_url_mask(value);
    char *head = xasprintf("cannot understand \"%s\": ", m);
    char *out;
    size_t hl = strlen(head);

    if (strncmp(msg, head, hl) == 0) out = xstrdup(msg + hl);
    else out = xstrdup("it is not a connection string ferry understands; " ACCEPTED_FORMS);
    free(head);
    free(m);
    return out;
}

/* parse_env — text is "env:NAME": parse the value of NAME as any other
 * connection text. The result is the same as if the value had been typed
 * (same engine, keys and display form, so the same job identity); errors
 * name the variable, never its value. */
static int parse_env(const char *text, ferry_url *u, ferry_err *e)
{
    const char *name = text + strlen(ENV_PREFIX), *raw;
    char *value = NULL, *why;
    ferry_err inner;
    int rc;

    memset(u, 0, sizeof *u);
    if (!valid_env_name(name))
        return usage_error(e, text, "env: is followed by the name of an environment variable "
                           "(letters, digits and _, not starting with a digit), e.g. "
                           "env:DATABASE_URL");
    raw = getenv(name);
    if (!raw) {
        ferry_err_set(e, FERRY_E_USAGE, "environment variable %s is not set (env:%s): export "
                      "it with the database URL, or give the URL itself", name, name);
        return -1;
    }
    value = env_trim(raw);
    if (!*value) {
        free(value);
        ferry_err_set(e, FERRY_E_USAGE, "environment variable %s is empty (env:%s): it must "
                      "hold the database URL", name, name);
        return -1;
    }
    if (strncmp(value, ENV_PREFIX, strlen(ENV_PREFIX)) == 0) {
        free(value);
        ferry_err_set(e, FERRY_E_USAGE, "environment variable %s holds another env: reference "
                      "(env:%s): put the database URL itself in it", name, name);
        return -1;
    }
    memset(&inner, 0, sizeof inner);
    rc = ferry_url_parse(value, u, &inner);
    if (rc) {
        why = env_reason(value, inner.msg);
        ferry_err_set(e, FERRY_E_USAGE, "environment variable %s (env:%s) does not hold a "
                      "usable database URL: %s", name, name, why);
        free(why);
    }
    free(value);
    return rc;
}

/* ------------------------------------------------------------ the entry */

/* scheme_len — length of a URL scheme ("postgresql+asyncpg") followed by
 * "://" at the start of text, or 0. */
static size_t scheme_len(const char *text)
{
    size_t i = 0;
    if (!isalpha((unsigned char)text[0])) return 0;
    while (isalnum((unsigned char)text[i]) || text[i] == '+' || text[i] == '-'
           || text[i] == '.' || text[i] == '_')
        i++;
    return strncmp(text + i, "://", 3) == 0 ? i : 0;
}

/* ferry_url_parse — see url.h. On failure u is left empty (nothing to
 * free) and e holds a usage error that shows the input masked. */
int ferry_url_parse(const char *text, ferry_url *u, ferry_err *e)
{
    size_t sl;
    char *base = NULL;
    int rc = -1;

    memset(u, 0, sizeof *u);
    if (!text || !*text) {
        ferry_err_set(e, FERRY_E_USAGE, "empty connection string: " ACCEPTED_FORMS);
        return -1;
    }
    if (strncmp(text, ENV_PREFIX, strlen(ENV_PREFIX)) == 0)
        return parse_env(text, u, e);

    sl = scheme_len(text);
    if (sl) {
        const char *rest = text + sl + 3;
        size_t bl;
        u->scheme = xstrndup(text, sl);
        bl = strcspn(u->scheme, "+");
        base = xstrndup(u->scheme, bl);
        for (char *c = base; *c; c++) *c = (char)tolower((unsigned char)*c);
        u->display = ferry_url_mask(text);

        if (strcmp(base, "sqlite") == 0) {
            rc = parse_sqlite_url(text, rest, u, e);
        } else if (strcmp(base, "postgresql") == 0 || strcmp(base, "postgres") == 0) {
            u->engine = ENGINE_POSTGRESQL;
            rc = parse_server_url(text, rest, u, 1, e);
        } else if (strcmp(base, "mysql") == 0 || strcmp(base, "mariadb") == 0) {
            u->engine = ENGINE_MYSQL;
            rc = parse_server_url(text, rest, u, 0, e);
        } else if (strcmp(base, "dump") == 0) {
            if (rest[0] != '/')
                rc = usage_error(e, text, "write dump:DIR or dump:///abs/dir");
            else
                rc = parse_dump(text, rest, u, e);
        } else {
            rc = usage_error(e, text, "unknown URL scheme; " ACCEPTED_FORMS);
        }
        goto out;
    }

    if (strncmp(text, "dump:", 5) == 0) {
        u->scheme = xstrdup("dump");
        u->display = xstrdup(text);
        rc = parse_dump(text, text + 5, u, e);
        goto out;
    }
    u->scheme = xstrdup("");
    {
        struct stat st;
        if (strchr(text, '=') && stat(text, &st) != 0) {
            u->display = ferry_url_mask(text);
            rc = parse_keywords(text, u, e);
            goto out;
        }
    }
    rc = parse_plain_path(text, u, e);
    if (rc == 0) u->display = xasprintf("sqlite:///%s", text);
out:
    free(base);
    if (rc) ferry_url_free(u);
    return rc;
}

void ferry_url_free(ferry_url *u)
{
    if (!u) return;
    free(u->scheme);
    free(u->path);
    for (int i = 0; i < u->nparams; i++) {
        free(u->keys[i]);
        free(u->values[i]);
    }
    free(u->display);
    memset(u, 0, sizeof *u);
}

const char *ferry_url_get(const ferry_url *u, const char *key)
{
    for (int i = 0; i < u->nparams; i++)
        if (strcmp(u->keys[i], key) == 0) return u->values[i];
    return NULL;
}
