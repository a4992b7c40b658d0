/* mysql.c — the MySQL/MariaDB driver over MariaDB Connector/C (libmariadb):
 * connecting (URL options, option files, TLS, errors that say what to do),
 * the session every connection runs in, the error helpers, and the driver
 * table. Statements are in mysql_stmt.c, the catalog in mysql_describe.c,
 * the source side in mysql_read.c, the bulk load in mysql_write.c (see
 * mysql_internal.h).
 *
 * DESIGN
 * - One my_conn per thread. mysql_library_init runs once (pthread_once)
 *   before the first mysql_init, which is the only thread-unsafe part.
 * - connect reads the [client] (and [client-mariadb]) groups of the option
 *   files like the mysql client does (~/.my.cnf: user, password, socket,
 *   TLS), or the file named by ?defaults-file=; what the URL says wins.
 *   TLS: ssl-mode DISABLED, PREFERRED (the default over TCP), REQUIRED,
 *   VERIFY_CA, VERIFY_IDENTITY (Connector/C verifies the chain and the
 *   host name together, so VERIFY_CA is as strict as VERIFY_IDENTITY).
 * - What the URL leaves out comes first from the client environment —
 *   MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_UNIX_PORT, MYSQL_PWD — and only then
 *   from the option files (my_env_defaults). The mysql client lets its
 *   option files win instead, but Debian's /etc/mysql/my.cnf names a
 *   socket for every client, which would silently hide MYSQL_UNIX_PORT: a
 *   variable set for this run is the more deliberate choice.
 * - Every session is pinned to what the canonical forms (convert.h)
 *   assume: utf8mb4 both ways (the server converts latin1 & co. columns),
 *   time_zone '+00:00' (TIMESTAMP values are UTC instants), and a fixed
 *   sql_mode: strict (a value that does not fit fails instead of being
 *   truncated), no zero dates, NO_AUTO_VALUE_ON_ZERO (an id 0 stays 0) and
 *   NO_BACKSLASH_ESCAPES (string literals in SQL text are standard SQL:
 *   only '' is special, as in the SQL the engine writes for every
 *   dialect). Network timeouts are raised so that a reader held back by a
 *   full queue is not cut off by the server.
 * - Statements with values use $1..$n in their text (the engine writes the
 *   same SQL for every driver): they are rewritten to ? outside literals,
 *   identifiers and comments, and run as prepared statements with every
 *   parameter bound as a string (values never enter SQL text).
 * - Errors are recorded here, once, as one line naming the endpoint by its
 *   display form; server text is scrubbed of the URL's password.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <errmsg.h>

#include "dialect.h"
#include "mysql_internal.h"
#include "reconnect.h"

#define MY_CONNECT_TIMEOUT 30         /* seconds, unless the URL says */
#define MY_SQL_MODE "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE," \
                    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION," \
                    "NO_AUTO_VALUE_ON_ZERO,NO_BACKSLASH_ESCAPES"

static pthread_once_t my_lib_once = PTHREAD_ONCE_INIT;
static int my_lib_rc;

/* my_lib_init — once per process, before the first mysql_init. */
static void my_lib_init(void)
{
    my_lib_rc = mysql_library_init(0, NULL, NULL);
}

/* ---------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------- */

int my_err(const my_conn *c, ferry_err *e, int code, const char *sqlstate,
           const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ferry_err_set(e, code, "%s", msg);
    if (e) {
        e->side = c->base.side;
        e->sqlstate[0] = '\0';
        if (sqlstate && strlen(sqlstate) == 5 && strcmp(sqlstate, "00000") != 0)
            memcpy(e->sqlstate, sqlstate, 6);
    }
    return -1;
}

void my_add_server_text(const my_conn *c, strbuf *sb, const char *raw, size_t max)
{
    size_t plen = c->password ? strlen(c->password) : 0, n = 0, start = sb->len;
    const char *p = raw ? raw : "";

    while (*p && n < max) {
        if (plen >= 4 && strncmp(p, c->password, plen) == 0) {
            strbuf_adds(sb, "***");
            p += plen;
            n += 3;
            continue;
        }
        strbuf_addc(sb, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p);
        p++;
        n++;
    }
    if (*p) {
        while (sb->len > start && ((unsigned char)sb->buf[sb->len - 1] & 0xC0) == 0x80)
            sb->len--;
        if (sb->len > start && ((unsigned char)sb->buf[sb->len - 1] & 0xC0) == 0xC0)
            sb->len--;
        sb->buf[sb->len] = '\0';
        strbuf_adds(sb, "...");
    }
    while (sb->len > start && sb->buf[sb->len - 1] == ' ')
        sb->buf[--sb->len] = '\0';
}

void my_add_stmt(strbuf *sb, const char *sql)
{
    strbuf_add_sql_excerpt(sb, sql, MY_STMT_SHOWN);
}

const char *my_oneline(char *buf, size_t n, const char *s)
{
    size_t i = 0;

    for (; s && s[i] && i + 1 < n; i++)
        buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
    buf[i] = '\0';
    return buf;
}

int my_code_for(unsigned int errnum, int dflt)
{
    switch (errnum) {
    case CR_CONNECTION_ERROR: case CR_CONN_HOST_ERROR: case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR: case CR_SERVER_LOST: case CR_SERVER_LOST_EXTENDED:
    case CR_ERR_NET_READ: case CR_ERR_NET_WRITE: case CR_IPSOCK_ERROR:
    case 1927:                                  /* ER_CONNECTION_KILLED */
    case 1053:                                  /* ER_SERVER_SHUTDOWN */
        return FERRY_E_LOST;
    case 1050:                                  /* ER_TABLE_EXISTS_ERROR */
        return FERRY_E_EXISTS;
    case 1969: case 3024:                       /* statement time limits */
        return FERRY_E_INTERRUPTED;
    default:
        return dflt;
    }
}

const char *my_state_for(unsigned int code, const char *state)
{
    if (state && strlen(state) == 5 && state[0] == '2' && (state[1] == '2' || state[1] == '3'))
        return state;
    switch (code) {
    case 1062: case 1048: case 1452: case 1451: case 4025: case 3819: case 1586:
        return "23000";                     /* duplicate, NOT NULL, FK, CHECK */
    case 1263:
        return "22004";                     /* NULL into NOT NULL */
    case 1264: case 1367: case 1690:
        return "22003";                     /* out of range */
    case 1265: case 1406:
        return "22001";                     /* truncated */
    case 1292: case 1411:
        return "22007";                     /* bad date/time */
    case 1366: case 1300: case 3988:
        return "22018";                     /* incorrect value / character */
    case 1261: case 1262:
        return "22000";                     /* row had too few/many fields */
    default:
        return state && strlen(state) == 5 ? state : "HY000";
    }
}

/* my_fail_with — the common part of my_fail and my_fail_stmt. */
static int my_fail_with(const my_conn *c, ferry_err *e, int dflt, const char *what,
                        const char *sql, unsigned int errnum, const char *state,
                        const char *msg)
{
    strbuf m = STRBUF_INIT;
    int code = my_code_for(errnum, dflt), rc;

    if (my_code_for(errnum, -1) == FERRY_E_LOST) {
        strbuf_addf(&m, "lost the connection to %s", c->display);
        if (what)
            strbuf_addf(&m, " while %s", what);
        strbuf_adds(&m, " (");
        my_add_server_text(c, &m, msg, 300);
        strbuf_adds(&m, "): check the server, then rerun the same command to resume");
    } else {
        if (what)
            strbuf_addf(&m, "%s: ", what);
        my_add_server_text(c, &m, msg && *msg ? msg : "statement failed without a message", 400);
        strbuf_addf(&m, " (MySQL error %u)", errnum);
        if (errnum == 1205 && c->base.side == SIDE_SOURCE)
            strbuf_addf(&m, ": another session holds a lock on the table (LOCK TABLES, ALTER; "
                        "SHOW PROCESSLIST shows it) and ferry waited --lock-timeout %d s: let "
                        "it finish or raise --lock-timeout, then rerun the same command to "
                        "resume", ferry_source_lock_timeout_s);
        else if ((errnum == 1146 || errnum == 1412) && c->base.side == SIDE_SOURCE)
            strbuf_adds(&m, ": the table was dropped, renamed or altered in the source after "
                            "the copy began: restore it, or leave it out (--exclude NAME "
                            "--restart), then rerun");
        else if (errnum == 1142 || errnum == 1044 || errnum == 1227)
            strbuf_adds(&m, ": grant the user the privilege, or use a user that has it");
        else if (errnum == 1114 || errnum == 1021 || errnum == 3 || errnum == 28)
            strbuf_adds(&m, ": free space on the server and rerun the same command to resume");
        if (sql) {
            strbuf_adds(&m, "; statement: ");
            my_add_stmt(&m, sql);
        }
    }
    rc = my_err(c, e, code, my_state_for(errnum, state), "%s", strbuf_cstr(&m));
    strbuf_free(&m);
    return rc;
}

int my_fail(const my_conn *c, ferry_err *e, int dflt, const char *what, const char *sql)
{
    if (!c->my)
        return my_err(c, e, FERRY_E_LOST, NULL, "%s: not connected to %s",
                      what ? what : "statement", c->display);
    return my_fail_with(c, e, dflt, what, sql, mysql_errno(c->my), mysql_sqlstate(c->my),
                        mysql_error(c->my));
}

int my_fail_stmt(const my_conn *c, MYSQL_STMT *st, ferry_err *e, int dflt,
                 const char *what, const char *sql)
{
    if (!st)
        return my_fail(c, e, dflt, what, sql);
    return my_fail_with(c, e, dflt, what, sql, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
                        mysql_stmt_error(st));
}

/* ---------------------------------------------------------------------
 * URL parameters
 * ------------------------------------------------------------------- */

/* my_params — what connect takes from the URL (pointers into the URL). */
typedef struct my_params {
    const char *host, *socket, *user, *password, *dbname;
    unsigned int port;
    int ssl_mode;                     /* MY_SSL_* */
    const char *ssl_ca, *ssl_capath, *ssl_cert, *ssl_key, *ssl_cipher, *ssl_crl,
               *tls_version;
    const char *defaults_file, *defaults_group, *plugin_dir, *default_auth, *public_key;
    unsigned int connect_timeout, read_timeout, write_timeout;
    int compress;
} my_params;

enum { MY_SSL_UNSET = 0, MY_SSL_DISABLED, MY_SSL_PREFERRED, MY_SSL_REQUIRED,
       MY_SSL_VERIFY_CA, MY_SSL_VERIFY_IDENTITY };

/* Parameters applications put in MySQL URLs that mean nothing here (pool
 * settings of SQLAlchemy, options of Python drivers that ferry fixes
 * itself: the character set is always utf8mb4, LOCAL INFILE is ferry's). */
static const char *const my_dropped[] = {
    "charset", "character_set", "use_unicode", "binary_prefix", "autocommit",
    "client_flag", "program_name", "local_infile", "init_command", "sql_mode",
    "cursorclass", "collation", "pool_size", "max_overflow", "pool_timeout",
    "pool_recycle", "pool_pre_ping", "echo", "echo_pool", "isolation_level",
    "async_fallback", "ssl_key_password", "get_warnings", "raise_on_warnings",
    "pool_name", "use_pure", "allow_local_infile", "converter_class", NULL
};

static int my_truth(const char *v)
{
    static const char *const yes[] = {"1", "true", "yes", "on", "y", NULL};
    static const char *const no[] = {"0", "false", "no", "off", "n", NULL};
    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(v, yes[i])) return 1;
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(v, no[i])) return 0;
    return -1;
}

/* my_ssl_mode_of — MY_SSL_* for a mode name as MySQL, libpq or the Python
 * drivers write it; -1 when unknown. */
static int my_ssl_mode_of(const char *v)
{
    static const struct { const char *name; int mode; } modes[] = {
        {"disabled", MY_SSL_DISABLED}, {"disable", MY_SSL_DISABLED},
        {"preferred", MY_SSL_PREFERRED}, {"prefer", MY_SSL_PREFERRED},
        {"allow", MY_SSL_PREFERRED},
        {"required", MY_SSL_REQUIRED}, {"require", MY_SSL_REQUIRED},
        {"verify_ca", MY_SSL_VERIFY_CA}, {"verify-ca", MY_SSL_VERIFY_CA},
        {"verify_identity", MY_SSL_VERIFY_IDENTITY}, {"verify-identity", MY_SSL_VERIFY_IDENTITY},
        {"verify-full", MY_SSL_VERIFY_IDENTITY}, {"verify_full", MY_SSL_VERIFY_IDENTITY},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcasecmp(v, modes[i].name)) return modes[i].mode;
    return -1;
}

/* my_parse_params — fill p from u; FERRY_E_USAGE naming the parameter on
 * anything unknown or malformed. */
static int my_parse_params(const my_conn *c, const ferry_url *u, my_params *p, ferry_err *e)
{
    memset(p, 0, sizeof *p);
    p->connect_timeout = MY_CONNECT_TIMEOUT;
    for (int i = 0; i < u->nparams; i++) {
        const char *v = u->values[i];
        char k[64];
        size_t j;
        int t;

        for (j = 0; u->keys[i][j] && j + 1 < sizeof k; j++)
            k[j] = u->keys[i][j] == '-' ? '_' : (char)tolower((unsigned char)u->keys[i][j]);
        k[j] = '\0';
        if (!strcmp(k, "host")) {
            if (v[0] == '/') p->socket = v; else p->host = v;
        } else if (!strcmp(k, "port")) {
            p->port = (unsigned)strtoul(v, NULL, 10);
        } else if (!strcmp(k, "user")) {
            p->user = v;
        } else if (!strcmp(k, "password")) {
            p->password = v;
        } else if (!strcmp(k, "dbname") || !strcmp(k, "database") || !strcmp(k, "db")) {
            p->dbname = v;
        } else if (!strcmp(k, "unix_socket") || !strcmp(k, "socket")) {
            p->socket = v;
        } else if (!strcmp(k, "ssl_mode") || !strcmp(k, "sslmode")) {
            if ((p->ssl_mode = my_ssl_mode_of(v)) < 0) goto bad_mode;
        } else if (!strcmp(k, "ssl") || !strcmp(k, "tls")) {
            if ((t = my_truth(v)) >= 0)
                p->ssl_mode = t ? MY_SSL_REQUIRED : MY_SSL_DISABLED;
            else if ((p->ssl_mode = my_ssl_mode_of(v)) < 0)
                goto bad_mode;
        } else if (!strcmp(k, "ssl_disabled")) {
            if (my_truth(v) == 1) p->ssl_mode = MY_SSL_DISABLED;
        } else if (!strcmp(k, "ssl_verify_cert")) {
            if (my_truth(v) == 1 && p->ssl_mode < MY_SSL_VERIFY_CA) p->ssl_mode = MY_SSL_VERIFY_CA;
        } else if (!strcmp(k, "ssl_verify_identity") || !strcmp(k, "ssl_check_hostname")) {
            if (my_truth(v) == 1) p->ssl_mode = MY_SSL_VERIFY_IDENTITY;
        } else if (!strcmp(k, "ssl_ca") || !strcmp(k, "sslca") || !strcmp(k, "sslrootcert")) {
            p->ssl_ca = v;
        } else if (!strcmp(k, "ssl_capath")) {
            p->ssl_capath = v;
        } else if (!strcmp(k, "ssl_cert") || !strcmp(k, "sslcert")) {
            p->ssl_cert = v;
        } else if (!strcmp(k, "ssl_key") || !strcmp(k, "sslkey")) {
            p->ssl_key = v;
        } else if (!strcmp(k, "ssl_cipher")) {
            p->ssl_cipher = v;
        } else if (!strcmp(k, "ssl_crl")) {
            p->ssl_crl = v;
        } else if (!strcmp(k, "tls_version")) {
            p->tls_version = v;
        } else if (!strcmp(k, "connect_timeout") || !strcmp(k, "read_timeout") ||
                   !strcmp(k, "write_timeout")) {
            char *end;
            unsigned long s = strtoul(v, &end, 10);
            if (!*v || *end || s > 86400)
                return my_err(c, e, FERRY_E_USAGE, NULL, "%s: %s=%.20s: expected seconds "
                              "(0 to 86400)", c->display, u->keys[i], v);
            if (k[0] == 'c') p->connect_timeout = (unsigned)s;
            else if (k[0] == 'r') p->read_timeout = (unsigned)s;
            else p->write_timeout = (unsigned)s;
        } else if (!strcmp(k, "defaults_file") || !strcmp(k, "read_default_file") ||
                   !strcmp(k, "defaults_extra_file")) {
            p->defaults_file = v;
        } else if (!strcmp(k, "read_default_group") || !strcmp(k, "defaults_group")) {
            p->defaults_group = v;
        } else if (!strcmp(k, "plugin_dir")) {
            p->plugin_dir = v;
        } else if (!strcmp(k, "default_auth") || !strcmp(k, "auth_plugin")) {
            p->default_auth = v;
        } else if (!strcmp(k, "server_public_key") || !strcmp(k, "server_public_key_path")) {
            p->public_key = v;          /* caching_sha2/sha256 over plain TCP */
        } else if (!strcmp(k, "compress")) {
            p->compress = my_truth(v) == 1;
        } else {
            int dropped = 0;
            for (const char *const *d = my_dropped; *d; d++)
                if (!strcmp(k, *d)) dropped = 1;
            if (!dropped)
                return my_err(c, e, FERRY_E_USAGE, NULL, "%s: unknown connection parameter "
                              "\"%.60s\" (known: unix_socket, ssl-mode, ssl-ca, ssl-cert, "
                              "ssl-key, connect_timeout, defaults-file, ...): remove it",
                              c->display, u->keys[i]);
        }
        continue;
bad_mode:
        return my_err(c, e, FERRY_E_USAGE, NULL, "%s: %s=%.30s is not a TLS mode: use "
                      "ssl-mode=DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY",
                      c->display, u->keys[i], v);
    }
    return 0;
}

/* my_env — a non-empty environment variable, or NULL. */
static const char *my_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* my_env_defaults — fill what the URL left out from the MySQL client
 * environment (see DESIGN for why it wins over the option files):
 * MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_UNIX_PORT (for "localhost" or no host,
 * as the client library connects those through the socket), MYSQL_PWD. */
static void my_env_defaults(my_params *p)
{
    const char *v;

    if (!p->host && !p->socket)
        p->host = my_env("MYSQL_HOST");
    if (!p->port && (v = my_env("MYSQL_TCP_PORT")) != NULL)
        p->port = (unsigned)strtoul(v, NULL, 10);
    if (!p->socket && (!p->host || strcmp(p->host, "localhost") == 0))
        p->socket = my_env("MYSQL_UNIX_PORT");
    if (!p->password)
        p->password = my_env("MYSQL_PWD");
}

/* my_apply_options — the options of the handle before connecting. */
static void my_apply_options(my_conn *c, const my_params *p)
{
    my_bool off = 0, on = 1;
    int files = p->ssl_ca || p->ssl_capath || p->ssl_cert || p->ssl_key || p->ssl_cipher;

    mysql_options(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(c->my, MYSQL_READ_DEFAULT_GROUP, p->defaults_group ? p->defaults_group : "client");
    if (p->defaults_file)
        mysql_options(c->my, MYSQL_READ_DEFAULT_FILE, p->defaults_file);
    mysql_options(c->my, MYSQL_OPT_RECONNECT, &off);       /* a silent reconnect loses the transaction */
    mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &p->connect_timeout);
    if (p->read_timeout)
        mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &p->read_timeout);
    if (p->write_timeout)
        mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &p->write_timeout);
    if (p->plugin_dir)
        mysql_options(c->my, MYSQL_PLUGIN_DIR, p->plugin_dir);
    if (p->default_auth)
        mysql_options(c->my, MYSQL_DEFAULT_AUTH, p->default_auth);
    if (p->public_key)
        mysql_options(c->my, MYSQL_SERVER_PUBLIC_KEY, p->public_key);
    if (p->compress)
        mysql_options(c->my, MYSQL_OPT_COMPRESS, NULL);
    if (c->base.side == SIDE_TARGET) {
        unsigned int one = 1;
        mysql_options(c->my, MYSQL_OPT_LOCAL_INFILE, &one);
        my_copy_setup(c);
    }
    if (p->ssl_mode == MY_SSL_DISABLED)
        return;
    /* Over TCP, TLS when the server offers it, as the mysql client does
     * (Connector/C 3.3 alone would not ask). A local socket needs none. */
    if (p->ssl_mode == MY_SSL_UNSET && !files && !p->socket && p->host &&
        strcmp(p->host, "localhost") != 0)
        mysql_ssl_set(c->my, NULL, NULL, NULL, NULL, NULL);
    if (files || p->ssl_mode >= MY_SSL_PREFERRED)
        mysql_ssl_set(c->my, p->ssl_key, p->ssl_cert, p->ssl_ca, p->ssl_capath, p->ssl_cipher);
    if (p->ssl_crl)
        mysql_options(c->my, MYSQL_OPT_SSL_CRL, p->ssl_crl);
    if (p->tls_version)
        mysql_options(c->my, MARIADB_OPT_TLS_VERSION, p->tls_version);
    if (p->ssl_mode >= MY_SSL_REQUIRED)
        mysql_options(c->my, MYSQL_OPT_SSL_ENFORCE, &on);
    /* Connector/C checks the chain and the host name together: VERIFY_CA
     * is as strict as VERIFY_IDENTITY here. */
    mysql_options(c->my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
                  p->ssl_mode >= MY_SSL_VERIFY_CA ? &on : &off);
}

/* ---------------------------------------------------------------------
 * Connecting
 * ------------------------------------------------------------------- */

/* my_connect_fail — one line for a failed connection attempt, classified
 * by error number, naming the endpoint and what to do. */
static int my_connect_fail(my_conn *c, const my_params *p, ferry_err *e)
{
    unsigned int n = mysql_errno(c->my);
    const char *state = mysql_sqlstate(c->my), *d = c->display;
    strbuf why = STRBUF_INIT;
    int rc;

    my_add_server_text(c, &why, mysql_error(c->my), 300);
    switch (n) {
    case CR_CONNECTION_ERROR: case CR_CONN_HOST_ERROR: case CR_UNKNOWN_HOST:
    case CR_IPSOCK_ERROR: case CR_SERVER_LOST: case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST_EXTENDED: case CR_SOCKET_CREATE_ERROR:
        rc = my_err(c, e, FERRY_E_CONNECT, state, "cannot connect to %s: server not reachable "
                    "(%s): is MySQL/MariaDB running, and are host and port (or the socket) "
                    "right?", d, why.buf);
        break;
    case 1045:                                  /* ER_ACCESS_DENIED_ERROR */
    case 1698:                                  /* ER_ACCESS_DENIED_NO_PASSWORD_ERROR */
        rc = my_err(c, e, FERRY_E_AUTH, state, "cannot connect to %s: %s: check the user "
                    "and the password (URL, MYSQL_PWD or ~/.my.cnf)", d, why.buf);
        break;
    case 1044:                                  /* ER_DBACCESS_DENIED_ERROR */
        rc = my_err(c, e, FERRY_E_AUTH, state, "cannot connect to %s: %s: grant the user "
                    "access to the database (GRANT ... ON `%s`.* TO ...)", d, why.buf,
                    p->dbname ? p->dbname : "db");
        break;
    case 1049:                                  /* ER_BAD_DB_ERROR */
        rc = my_err(c, e, FERRY_E_CONNECT, state, "cannot connect to %s: database \"%s\" "
                    "does not exist: create it first (CREATE DATABASE `%s`) or fix the URL",
                    d, p->dbname ? p->dbname : "", p->dbname ? p->dbname : "");
        break;
    case 1040: case 1203:                       /* too many connections */
        rc = my_err(c, e, FERRY_E_CONNECT, state, "cannot connect to %s: %s: lower --jobs "
                    "or raise max_connections on the server", d, why.buf);
        break;
    case CR_SSL_CONNECTION_ERROR:
        rc = my_err(c, e, FERRY_E_CONNECT, state, "cannot connect to %s: %s: check ssl-mode, "
                    "ssl-ca and the server's TLS setup (ssl-mode=PREFERRED or DISABLED "
                    "if an unencrypted connection is acceptable)", d, why.buf);
        break;
    case CR_AUTH_PLUGIN_CANNOT_LOAD: case 1251: case CR_PLUGIN_NOT_ALLOWED:
        rc = my_err(c, e, FERRY_E_AUTH, state, "cannot connect to %s: %s: the account's "
                    "authentication plugin is not available to this client (plugin "
                    "directory: %s; set ?plugin-dir= or change the account's plugin)",
                    d, why.buf, p->plugin_dir ? p->plugin_dir : MARIADB_PLUGINDIR);
        break;
    default:
        rc = my_err(c, e, n >= 2000 && n < 3000 ? FERRY_E_CONNECT : FERRY_E_AUTH, state,
                    "cannot connect to %s: %s (MySQL error %u)", d, why.buf, n);
        break;
    }
    strbuf_free(&why);
    return rc;
}

/* my_session — pin the session (see DESIGN) and learn what the engine
 * side needs: the server flavour and, on a target, whether LOAD DATA LOCAL
 * is allowed and the largest packet. */
static int my_session(my_conn *c, ferry_err *e)
{
    static const char setup[] =
        "SET time_zone = '+00:00', sql_mode = '" MY_SQL_MODE "', "
        "net_read_timeout = 86400, net_write_timeout = 86400";
    static const char isolation[] = "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ";
    const char *info = mysql_get_server_info(c->my);
    MYSQL_RES *res;
    MYSQL_ROW row;

    c->is_mariadb = info && strstr(info, "MariaDB") != NULL;
    c->version = mysql_get_server_version(c->my);
    if (mysql_set_character_set(c->my, "utf8mb4"))
        return my_fail(c, e, FERRY_E_CONNECT, "setting the character set utf8mb4", NULL);
    if (mysql_real_query(c->my, setup, sizeof setup - 1))
        return my_fail(c, e, FERRY_E_CONNECT, NULL, setup);
    if (mysql_real_query(c->my, isolation, sizeof isolation - 1))
        return my_fail(c, e, FERRY_E_CONNECT, NULL, isolation);
    /* Best effort: statement time limits set by the administrator would
     * cut a long chunk; MySQL 8 caches information_schema statistics. */
    if (c->is_mariadb)
        mysql_query(c->my, "SET SESSION max_statement_time = 0");
    else {
        mysql_query(c->my, "SET SESSION max_execution_time = 0");
        if (c->version >= 80000)
            mysql_query(c->my, "SET SESSION information_schema_stats_expiry = 0");
    }
    if (c->base.side == SIDE_SOURCE && ferry_source_lock_timeout_s > 0) {
        /* metadata locks (LOCK TABLES, ALTER) and row locks: wait so long */
        char q[160];
        snprintf(q, sizeof q, "SET SESSION lock_wait_timeout = %d, innodb_lock_wait_timeout = %d",
                 ferry_source_lock_timeout_s, ferry_source_lock_timeout_s);
        if (mysql_query(c->my, q))
            return my_fail(c, e, FERRY_E_CONNECT, NULL, q);
    }
    if (c->base.side != SIDE_TARGET)
        return 0;
    if (mysql_query(c->my, "SELECT @@local_infile, @@max_allowed_packet") ||
        !(res = mysql_store_result(c->my)))
        return my_fail(c, e, FERRY_E_CONNECT, "reading the server's settings", NULL);
    if ((row = mysql_fetch_row(res)) != NULL) {
        c->local_infile_ok = row[0] && strcmp(row[0], "1") == 0;
        c->max_packet = row[1] ? strtoul(row[1], NULL, 10) : 0;
    }
    mysql_free_result(res);
    if (c->max_packet < 1024 * 1024)
        c->max_packet = 1024 * 1024;
    if (c->is_mariadb) {
        unsigned long ext = 0;
        mariadb_get_infov(c->my, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext);
        c->bulk_ok = (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
    }
    return 0;
}

/* my_connect — connect c (zeroed, drv and side set by driver_connect) to
 * u. On failure everything allocated here is released again (the caller
 * frees c itself). */
static int my_connect(ferry_conn *fc, const ferry_url *u, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    my_params p;

    c->display = xstrdup(u->display && *u->display ? u->display : "mysql (client defaults)");
    c->load_piece = 4u * 1024 * 1024;
    c->insert_rows = 500;
    pthread_once(&my_lib_once, my_lib_init);
    if (my_lib_rc) {
        my_err(c, e, FERRY_E_INTERNAL, NULL, "cannot initialise the MySQL client library");
        goto fail;
    }
    if (my_parse_params(c, u, &p, e))
        goto fail;
    my_env_defaults(&p);
    if (p.password)
        c->password = xstrdup(p.password);
    if (!(c->my = mysql_init(NULL))) {
        my_err(c, e, FERRY_E_NOMEM, NULL, "cannot connect to %s: out of memory", c->display);
        goto fail;
    }
    my_apply_options(c, &p);
    if (!mysql_real_connect(c->my, p.host, p.user, p.password, p.dbname, p.port, p.socket, 0)) {
        my_connect_fail(c, &p, e);
        goto fail;
    }
    /* Connector/C falls back to plain text when the server has no TLS,
     * even when asked to enforce it (it refuses only with verification):
     * REQUIRED is checked here. A unix socket is local and needs no TLS. */
    if (p.ssl_mode >= MY_SSL_REQUIRED && !mysql_get_ssl_cipher(c->my) &&
        !strstr(mysql_get_host_info(c->my), "socket")) {
        my_err(c, e, FERRY_E_CONNECT, NULL, "cannot connect to %s: ssl-mode requires TLS but "
               "the server does not offer it (have_ssl is not YES): enable TLS on the server, "
               "or use ssl-mode=PREFERRED (or DISABLED) if an unencrypted connection is "
               "acceptable", c->display);
        goto fail;
    }
    if (my_session(c, e)) {
        ferry_err_prefix(e, "cannot set up the session on %s: ", c->display);
        goto fail;
    }
    return 0;
fail:
    my_copy_free(c);
    if (c->my)
        mysql_close(c->my);
    c->my = NULL;
    free(c->display);
    free(c->password);
    c->display = c->password = NULL;
    return -1;
}

/* my_reconnect — see reconnect.h. The fresh session is opened with the
 * same side before anything of the dead one is released; then it moves into
 * c (so c stays the object everybody holds) with the set_option settings
 * kept. The local-infile handler's user data is the connection itself: it
 * is installed again for c (it was installed for the temporary). */
int my_reconnect(ferry_conn *fc, const ferry_url *u, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    my_conn fresh;
    my_copy_method method = c->copy_method;
    size_t piece = c->load_piece;
    int rows = c->insert_rows;

    memset(&fresh, 0, sizeof fresh);
    fresh.base = c->base;
    if (my_connect(&fresh.base, u, e))
        return -1;
    my_copy_free(c);
    if (c->my)
        mysql_close(c->my);
    free(c->display);
    free(c->password);
    *c = fresh;
    c->copy_method = method;
    c->load_piece = piece;
    c->insert_rows = rows;
    if (c->base.side == SIDE_TARGET)
        my_copy_setup(c);
    return 0;
}

/* my_close — end the session (the server rolls back an open transaction)
 * and free c with everything it owns. NULL-safe. */
static void my_close(ferry_conn *fc)
{
    my_conn *c = (my_conn *)fc;

    if (!c)
        return;
    my_copy_free(c);
    if (c->my)
        mysql_close(c->my);
    free(c->display);
    free(c->password);
    free(c);
}

/* my_server_version — "MariaDB 10.11.19" or "MySQL 8.0.36". */
static int my_server_version(ferry_conn *fc, char *buf, size_t n, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    const char *v = c->my ? mysql_get_server_info(c->my) : NULL;
    size_t len;

    if (!v)
        return my_fail(c, e, FERRY_E_CONNECT, "asking the server version", NULL);
    if (strncmp(v, "5.5.5-", 6) == 0 && strstr(v, "MariaDB"))
        v += 6;                                 /* the old replication prefix */
    len = strspn(v, "0123456789.");
    snprintf(buf, n, "%s %.*s", c->is_mariadb ? "MariaDB" : "MySQL", (int)len, v);
    return 0;
}

/* my_conn_info — see driver.h. From Connector/C, which knows what it
 * resolved from the URL, the option files and the MYSQL_* environment:
 * TCP host and port or the unix socket, user, database, and the TLS
 * session (protocol and cipher) when there is one. */
static int my_conn_info(ferry_conn *fc, cJSON *out, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    const char *host = NULL, *sock = NULL, *user = NULL, *db = NULL, *tlsv = NULL, *cipher;
    unsigned int port = 0, pvio = 0;
    cJSON *tls;

    if (!c->my)
        return my_err(c, e, FERRY_E_LOST, NULL, "not connected to %s", c->display);
    mariadb_get_infov(c->my, MARIADB_CONNECTION_HOST, &host);
    mariadb_get_infov(c->my, MARIADB_CONNECTION_PORT, &port);
    mariadb_get_infov(c->my, MARIADB_CONNECTION_UNIX_SOCKET, &sock);
    mariadb_get_infov(c->my, MARIADB_CONNECTION_USER, &user);
    mariadb_get_infov(c->my, MARIADB_CONNECTION_SCHEMA, &db);
    mariadb_get_infov(c->my, MARIADB_CONNECTION_PVIO_TYPE, &pvio);
    if (db && *db)
        cJSON_AddStringToObject(out, "database", db);
    if (user)
        cJSON_AddStringToObject(out, "user", user);
    if (pvio == 0 /* PVIO_TYPE_UNIXSOCKET */) {
        if (sock)
            cJSON_AddStringToObject(out, "socket", sock);
    } else {
        if (host)
            cJSON_AddStringToObject(out, "host", host);
        if (port)
            cJSON_AddNumberToObject(out, "port", port);
    }
    cipher = mysql_get_ssl_cipher(c->my);
    tls = cJSON_AddObjectToObject(out, "tls");
    cJSON_AddBoolToObject(tls, "in_use", cipher != NULL);
    if (cipher) {
        mariadb_get_infov(c->my, MARIADB_CONNECTION_TLS_VERSION, &tlsv);
        if (tlsv)
            cJSON_AddStringToObject(tls, "protocol", tlsv);
        cJSON_AddStringToObject(tls, "cipher", cipher);
    }
    cJSON_AddNumberToObject(out, "session_id", (double)mysql_thread_id(c->my));
    return 0;
}

/* ---------------------------------------------------------------------
 * Options and the driver table
 * ------------------------------------------------------------------- */

/* my_set_option — "copy_method" = "auto" (bulk on MariaDB, else insert) |
 * "bulk" | "insert" | "load" (see mysql_write.c); "load_piece_kb" = bytes
 * of rows per LOAD DATA statement; "insert_rows" = rows per INSERT. */
static int my_set_option(ferry_conn *fc, const char *key, const char *value, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    long v = value ? strtol(value, NULL, 10) : 0;

    if (key && strcmp(key, "copy_method") == 0) {
        if (value && !strcmp(value, "auto")) c->copy_method = MY_COPY_DEFAULT;
        else if (value && !strcmp(value, "load")) c->copy_method = MY_COPY_LOAD;
        else if (value && !strcmp(value, "insert")) c->copy_method = MY_COPY_INSERT;
        else if (value && !strcmp(value, "bulk")) c->copy_method = MY_COPY_BULK;
        else return my_err(c, e, FERRY_E_USAGE, NULL, "copy_method \"%s\": use auto, bulk, "
                           "insert or load", value ? value : "");
        return 0;
    }
    if (key && strcmp(key, "load_piece_kb") == 0 && v >= 16 && v <= 1024 * 1024) {
        c->load_piece = (size_t)v * 1024;
        return 0;
    }
    if (key && strcmp(key, "insert_rows") == 0 && v >= 1 && v <= 65535) {
        c->insert_rows = (int)v;
        return 0;
    }
    return my_err(c, e, FERRY_E_USAGE, NULL, "MySQL driver option \"%s\" = \"%s\" is not "
                  "known or out of range (known: copy_method, load_piece_kb, insert_rows)",
                  key ? key : "", value ? value : "");
}

const ferry_driver mysql_driver = {
    .name              = "mysql",
    .engine            = ENGINE_MYSQL,
    .dialect           = &mysql_dialect,
    .conn_size         = sizeof(my_conn),
    .max_ident_bytes   = 0,               /* 64 characters: handled by the engine */
    .transactional_ddl = 0,
    .single_writer     = 0,
    .connect           = my_connect,
    .close             = my_close,
    .server_version    = my_server_version,
    .begin_snapshot    = my_begin_snapshot,
    .describe          = my_describe,
    .key_stats         = my_key_stats,
    .key_split_points  = my_key_split_points,
    .read_chunk        = my_read_chunk,
    .exec              = my_exec,
    .exec_params       = my_exec_params,
    .query             = my_query,
    .begin             = my_begin,
    .commit            = my_commit,
    .rollback          = my_rollback,
    .copy_begin        = my_copy_begin,
    .copy_batch        = my_copy_batch,
    .copy_end          = my_copy_end,
    .quote_ident       = my_quote_ident,
    .set_option        = my_set_option,
    .conn_info         = my_conn_info,
};
