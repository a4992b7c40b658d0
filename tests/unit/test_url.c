/* test_url.c — unit tests for engine/url.c: every accepted form of
 * connection text, the errors, and that no password ever leaks into a
 * display string or an error message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "url.h"
#include "util.h"

/* params_str — "k=v k=v ..." in the order of u's keys; caller frees. */
static char *params_str(const ferry_url *u)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < u->nparams; i++)
        strbuf_addf(&sb, "%s%s=%s", i ? " " : "", u->keys[i], u->values[i]);
    return strbuf_detach(&sb);
}

typedef struct url_case {
    const char  *text;
    ferry_engine engine;
    const char  *path;       /* NULL: no path expected */
    const char  *params;     /* as params_str prints them */
    const char  *display;
} url_case;

static void check_cases(const url_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const url_case *c = &cases[i];
        ferry_url u;
        ferry_err e;
        char *ps;
        memset(&e, 0, sizeof e);
        if (ferry_url_parse(c->text, &u, &e) != 0) {
            FAIL_AT("[%s] parse failed: %s", c->text, e.msg);
            continue;
        }
        CHECK_EQ_INT(u.engine, c->engine, c->text);
        if (c->path) CHECK_EQ_STR(u.path, c->path, c->text);
        else if (u.path) FAIL_AT("[%s] unexpected path \"%s\"", c->text, u.path);
        ps = params_str(&u);
        CHECK_EQ_STR(ps, c->params, c->text);
        CHECK_EQ_STR(u.display, c->display, c->text);
        free(ps);
        ferry_url_free(&u);
    }
}

TEST(test_url_sqlite)
{
    static const url_case cases[] = {
        {"sqlite:///relative/app.db", ENGINE_SQLITE, "relative/app.db", "",
         "sqlite:///relative/app.db"},
        {"sqlite:////abs/app.db", ENGINE_SQLITE, "/abs/app.db", "", "sqlite:////abs/app.db"},
        {"sqlite+aiosqlite:///x.db", ENGINE_SQLITE, "x.db", "", "sqlite+aiosqlite:///x.db"},
        {"sqlite+pysqlite:////tmp/y.sqlite", ENGINE_SQLITE, "/tmp/y.sqlite", "",
         "sqlite+pysqlite:////tmp/y.sqlite"},
        {"SQLite:///Case.db", ENGINE_SQLITE, "Case.db", "", "SQLite:///Case.db"},
        {"sqlite:///app.db?mode=ro&cache=shared", ENGINE_SQLITE, "app.db",
         "mode=ro cache=shared", "sqlite:///app.db?mode=ro&cache=shared"},
        {"sqlite:///./data/app.db", ENGINE_SQLITE, "./data/app.db", "",
         "sqlite:///./data/app.db"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

TEST(test_url_plain_path)
{
    char tmpl[] = "/tmp/ferry_url_test_XXXXXX";
    int fd = mkstemp(tmpl);
    char *want;
    ASSERT(fd >= 0);
    close(fd);
    {
        url_case cases[] = {
            {tmpl, ENGINE_SQLITE, tmpl, "", NULL},
            {"missing.db", ENGINE_SQLITE, "missing.db", "", "sqlite:///missing.db"},
            {"dir/missing.sqlite", ENGINE_SQLITE, "dir/missing.sqlite", "",
             "sqlite:///dir/missing.sqlite"},
            {"missing.sqlite3", ENGINE_SQLITE, "missing.sqlite3", "", "sqlite:///missing.sqlite3"},
            {"missing.DB3", ENGINE_SQLITE, "missing.DB3", "", "sqlite:///missing.DB3"},
            {"/abs/missing.db", ENGINE_SQLITE, "/abs/missing.db", "", "sqlite:////abs/missing.db"},
        };
        want = xasprintf("sqlite:///%s", tmpl);
        cases[0].display = want;
        check_cases(cases, sizeof cases / sizeof cases[0]);
        free(want);
    }
    unlink(tmpl);
}

TEST(test_url_postgresql)
{
    static const url_case cases[] = {
        {"postgresql://u:pw@db.example.com:5433/app", ENGINE_POSTGRESQL, NULL,
         "host=db.example.com port=5433 user=u password=pw dbname=app",
         "postgresql://u:***@db.example.com:5433/app"},
        {"postgres://app@localhost/app", ENGINE_POSTGRESQL, NULL,
         "host=localhost user=app dbname=app", "postgres://app@localhost/app"},
        {"postgresql://localhost", ENGINE_POSTGRESQL, NULL, "host=localhost",
         "postgresql://localhost"},
        {"postgresql://", ENGINE_POSTGRESQL, NULL, "", "postgresql://"},
        {"postgresql:///app", ENGINE_POSTGRESQL, NULL, "dbname=app", "postgresql:///app"},
        {"postgresql+asyncpg://u:pw@h/db?ssl=require", ENGINE_POSTGRESQL, NULL,
         "host=h user=u password=pw dbname=db sslmode=require",
         "postgresql+asyncpg://u:***@h/db?ssl=require"},
        {"postgresql+psycopg2://u@h/db", ENGINE_POSTGRESQL, NULL, "host=h user=u dbname=db",
         "postgresql+psycopg2://u@h/db"},
        {"postgresql+psycopg://u@h/db", ENGINE_POSTGRESQL, NULL, "host=h user=u dbname=db",
         "postgresql+psycopg://u@h/db"},
        {"postgresql+pg8000://u@h/db", ENGINE_POSTGRESQL, NULL, "host=h user=u dbname=db",
         "postgresql+pg8000://u@h/db"},
        /* percent-decoding of user, password, dbname and values */
        {"postgresql://us%40er:p%40ss%2Fw%3Ad@h/my%20db?application_name=a%20b",
         ENGINE_POSTGRESQL, NULL,
         "host=h user=us@er password=p@ss/w:d dbname=my db application_name=a b",
         "postgresql://us%40er:***@h/my%20db?application_name=a%20b"},
        /* unescaped '@' and '/' in the password */
        {"postgresql://u:p@ss@h/db", ENGINE_POSTGRESQL, NULL,
         "host=h user=u password=p@ss dbname=db", "postgresql://u:***@h/db"},
        {"postgresql://u:pa/ss@h/db", ENGINE_POSTGRESQL, NULL,
         "host=h user=u password=pa/ss dbname=db", "postgresql://u:***@h/db"},
        /* IPv6 */
        {"postgresql://u@[::1]:5432/db", ENGINE_POSTGRESQL, NULL,
         "host=::1 port=5432 user=u dbname=db", "postgresql://u@[::1]:5432/db"},
        {"postgresql://[2001:db8::7]/db", ENGINE_POSTGRESQL, NULL,
         "host=2001:db8::7 dbname=db", "postgresql://[2001:db8::7]/db"},
        /* several hosts */
        {"postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write",
         ENGINE_POSTGRESQL, NULL,
         "host=h1,h2 port=5432,5433 dbname=db target_session_attrs=read-write",
         "postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write"},
        {"postgresql://h1,h2:5433/db", ENGINE_POSTGRESQL, NULL,
         "host=h1,h2 port=,5433 dbname=db", "postgresql://h1,h2:5433/db"},
        /* unix sockets */
        {"postgresql://%2Fvar%2Frun%2Fpostgresql/db", ENGINE_POSTGRESQL, NULL,
         "host=/var/run/postgresql dbname=db", "postgresql://%2Fvar%2Frun%2Fpostgresql/db"},
        {"postgresql://%2ftmp:5433/db", ENGINE_POSTGRESQL, NULL,
         "host=/tmp port=5433 dbname=db", "postgresql://%2ftmp:5433/db"},
        {"postgresql:///db?host=/var/run/postgresql", ENGINE_POSTGRESQL, NULL,
         "dbname=db host=/var/run/postgresql", "postgresql:///db?host=/var/run/postgresql"},
        {"postgresql://u@h/db?host=other&port=6000", ENGINE_POSTGRESQL, NULL,
         "host=other user=u dbname=db port=6000", "postgresql://u@h/db?host=other&port=6000"},
        /* ssl translation */
        {"postgresql://h/db?ssl=true", ENGINE_POSTGRESQL, NULL, "host=h dbname=db sslmode=require",
         "postgresql://h/db?ssl=true"},
        {"postgresql://h/db?ssl=1", ENGINE_POSTGRESQL, NULL, "host=h dbname=db sslmode=require",
         "postgresql://h/db?ssl=1"},
        {"postgresql://h/db?ssl=disable", ENGINE_POSTGRESQL, NULL,
         "host=h dbname=db sslmode=disable", "postgresql://h/db?ssl=disable"},
        {"postgresql://h/db?ssl=false", ENGINE_POSTGRESQL, NULL,
         "host=h dbname=db sslmode=disable", "postgresql://h/db?ssl=false"},
        {"postgresql://h/db?ssl=0", ENGINE_POSTGRESQL, NULL,
         "host=h dbname=db sslmode=disable", "postgresql://h/db?ssl=0"},
        {"postgresql://h/db?ssl=verify-full", ENGINE_POSTGRESQL, NULL,
         "host=h dbname=db sslmode=verify-full", "postgresql://h/db?ssl=verify-full"},
        {"postgresql://h/db?sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem", ENGINE_POSTGRESQL,
         NULL, "host=h dbname=db sslmode=verify-ca sslrootcert=/etc/ca.pem",
         "postgresql://h/db?sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem"},
        /* driver-only parameters are dropped */
        {"postgresql+asyncpg://u@h/db?prepared_statement_cache_size=0&async_fallback=true"
         "&connect_timeout=10&pool_size=5&server_settings=x", ENGINE_POSTGRESQL, NULL,
         "host=h user=u dbname=db connect_timeout=10",
         "postgresql+asyncpg://u@h/db?prepared_statement_cache_size=0&async_fallback=true"
         "&connect_timeout=10&pool_size=5&server_settings=x"},
        /* password as a query parameter, empty password */
        {"postgresql://u@h/db?password=pw&application_name=x", ENGINE_POSTGRESQL, NULL,
         "host=h user=u dbname=db password=pw application_name=x",
         "postgresql://u@h/db?password=***&application_name=x"},
        {"postgresql://u:@h/db", ENGINE_POSTGRESQL, NULL, "host=h user=u password= dbname=db",
         "postgresql://u:@h/db"},
        {"postgresql://h/db?options=-c%20search_path%3Dapp&", ENGINE_POSTGRESQL, NULL,
         "host=h dbname=db options=-c search_path=app",
         "postgresql://h/db?options=-c%20search_path%3Dapp&"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

TEST(test_url_keywords)
{
    static const url_case cases[] = {
        {"host=localhost port=5432 dbname=app user=u password='a b'", ENGINE_POSTGRESQL, NULL,
         "host=localhost port=5432 dbname=app user=u password=a b",
         "host=localhost port=5432 dbname=app user=u password=***"},
        {"dbname=app", ENGINE_POSTGRESQL, NULL, "dbname=app", "dbname=app"},
        {"  host = h   dbname = 'my db'  ", ENGINE_POSTGRESQL, NULL, "host=h dbname=my db",
         "  host = h   dbname = 'my db'  "},
        {"password='it\\'s \\\\ x' host=h", ENGINE_POSTGRESQL, NULL,
         "password=it's \\ x host=h", "password=*** host=h"},
        {"password=a\\ b host=h", ENGINE_POSTGRESQL, NULL, "password=a b host=h",
         "password=*** host=h"},
        {"host=h dbname=''", ENGINE_POSTGRESQL, NULL, "host=h dbname=", "host=h dbname=''"},
        {"host=h sslmode=require application_name=ferry", ENGINE_POSTGRESQL, NULL,
         "host=h sslmode=require application_name=ferry",
         "host=h sslmode=require application_name=ferry"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

TEST(test_url_mysql_dump)
{
    static const url_case cases[] = {
        {"mysql://root:pw@db:3307/shop?charset=utf8mb4", ENGINE_MYSQL, NULL,
         "host=db port=3307 user=root password=pw dbname=shop charset=utf8mb4",
         "mysql://root:***@db:3307/shop?charset=utf8mb4"},
        {"mariadb://u@h/db", ENGINE_MYSQL, NULL, "host=h user=u dbname=db", "mariadb://u@h/db"},
        {"mysql+pymysql://u:p%23w@h/db?unix_socket=/run/mysqld/mysqld.sock", ENGINE_MYSQL, NULL,
         "host=h user=u password=p#w dbname=db unix_socket=/run/mysqld/mysqld.sock",
         "mysql+pymysql://u:***@h/db?unix_socket=/run/mysqld/mysqld.sock"},
        {"mysql+mysqldb://u@h/db", ENGINE_MYSQL, NULL, "host=h user=u dbname=db",
         "mysql+mysqldb://u@h/db"},
        {"mariadb+mariadbconnector://u@h:3306/db", ENGINE_MYSQL, NULL,
         "host=h port=3306 user=u dbname=db", "mariadb+mariadbconnector://u@h:3306/db"},
        {"dump:out/dir", ENGINE_DUMP, "out/dir", "", "dump:out/dir"},
        {"dump:///abs/dir", ENGINE_DUMP, "/abs/dir", "", "dump:///abs/dir"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

TEST(test_url_get_and_names)
{
    ferry_url u;
    ferry_err e;
    ASSERT_EQ_INT(ferry_url_parse("postgresql+asyncpg://u@h:1/d", &u, &e), 0);
    ASSERT_EQ_STR(ferry_url_get(&u, "port"), "1");
    ASSERT_EQ_STR(u.scheme, "postgresql+asyncpg");
    ASSERT(ferry_url_get(&u, "password") == NULL);
    ferry_url_free(&u);
    ferry_url_free(&u);                     /* twice is fine */
    ASSERT_EQ_INT(ferry_url_parse("x.db", &u, &e), 0);
    ASSERT_EQ_STR(u.scheme, "");
    ferry_url_free(&u);
    ASSERT_EQ_STR(ferry_engine_name(ENGINE_SQLITE), "sqlite");
    ASSERT_EQ_STR(ferry_engine_name(ENGINE_POSTGRESQL), "postgresql");
    ASSERT_EQ_STR(ferry_engine_name(ENGINE_MYSQL), "mysql");
    ASSERT_EQ_STR(ferry_engine_name(ENGINE_DUMP), "dump");
    ASSERT_EQ_STR(ferry_engine_name(ENGINE_UNKNOWN), "unknown");
}

/* An error case: the text, and a piece the message must contain. */
typedef struct err_case { const char *text, *want; } err_case;

TEST(test_url_errors)
{
    static const err_case cases[] = {
        {"", "empty connection string"},
        {"sqlite://", "no database file"},
        {"sqlite:///", "no database file"},
        {"sqlite://host/app.db", "no host"},
        {"sqlite:///:memory:", "in-memory"},
        {"notafile", "expected sqlite:///relative.db, sqlite:////abs.db, a path to a SQLite "
                     "file, postgresql://user@host/db or \"host=... dbname=...\""},
        {"oracle://u@h/db", "unknown URL scheme"},
        {"postgresql://h:99999/db", "invalid port \"99999\""},
        {"postgresql://h:x/db", "invalid port \"x\""},
        {"postgresql://h:/db", "invalid port \"\""},
        {"postgresql://[::1/db", "no closing ']'"},
        {"postgresql://[::1]x/db", "after an IPv6 address"},
        {"postgresql://h/db?schema=public", "unknown connection parameter \"schema\""},
        {"postgresql://h/db?ssl=maybe", "ssl=maybe is not a TLS mode"},
        {"postgresql://h/db?sslmode", "query parameter \"sslmode\" has no value"},
        {"postgresql://h/db?=x", "has no name"},
        {"postgresql://h/my%00db", "database name contains an encoded NUL"},
        {"mysql://h1,h2/db", "only one host"},
        {"host=h dbname", "missing \"=\" after \"dbname\""},
        {"host=h =x", "missing before \"=\""},
        {"host=h bogus=1", "unknown connection parameter \"bogus\""},
        {"host=h dbname='x", "no closing quote"},
        {"dump:", "no dump directory"},
        {"dump://rel/dir", "dump:DIR"},
        {"/tmp", "is a directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ferry_url u;
        ferry_err e;
        memset(&e, 0, sizeof e);
        if (ferry_url_parse(cases[i].text, &u, &e) == 0) {
            FAIL_AT("[%s] parsed, expected an error", cases[i].text);
            ferry_url_free(&u);
            continue;
        }
        CHECK_EQ_INT(e.code, FERRY_E_USAGE, cases[i].text);
        if (!strstr(e.msg, cases[i].want))
            FAIL_AT("[%s] message \"%s\" lacks \"%s\"", cases[i].text, e.msg, cases[i].want);
        CHECK_EQ_INT(u.nparams, 0, cases[i].text);   /* left empty */
        ASSERT(u.display == NULL && u.path == NULL && u.scheme == NULL);
    }
    ASSERT_EQ_INT(ferry_url_parse(NULL, &(ferry_url){0}, NULL), -1);
}

TEST(test_url_mask)
{
    static const struct { const char *in, *out; } cases[] = {
        {"postgresql://u:secret@h/db", "postgresql://u:***@h/db"},
        {"postgresql://u@h/db", "postgresql://u@h/db"},
        {"postgresql://h/db?password=secret", "postgresql://h/db?password=***"},
        {"postgresql://h/db?a=1&password=secret&b=2", "postgresql://h/db?a=1&password=***&b=2"},
        {"postgresql://h/db?PASSWORD=secret", "postgresql://h/db?PASSWORD=***"},
        {"postgresql://h/db?sslpassword=secret", "postgresql://h/db?sslpassword=***"},
        {"mysql://u:se@cr@et@h/db", "mysql://u:***@h/db"},
        {"host=h password=secret", "host=h password=***"},
        {"host=h password = 'sec ret' user=u", "host=h password = *** user=u"},
        {"password='unterminated", "password=***"},
        {"password=", "password="},
        {"password", "password"},
        {"mypassword=x", "mypassword=x"},
        {"host=h passwordx=secret", "host=h passwordx=secret"},
        {"u:p@", "u:p@"},
        {"://:@", "://:@"},
        {"://u:x@", "://u:***@"},
        {"", ""},
        {"@@@:::///???&&&===", "@@@:::///???&&&==="},
        {"?password=", "?password="},
        {"?password=a&password=b", "?password=***&password=***"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *m = ferry_url_mask(cases[i].in);
        CHECK_EQ_STR(m, cases[i].out, cases[i].in);
        free(m);
    }
    {
        char *m = ferry_url_mask(NULL);
        ASSERT_EQ_STR(m, "");
        free(m);
    }
}

/* Every form and every error path, with the password "s3cr3t": it must
 * appear in no display string and no error message. */
TEST(test_url_no_password_leak)
{
    static const char *const texts[] = {
        "postgresql://u:s3cr3t@h/db",
        "postgresql+asyncpg://u:s3cr3t@h/db?ssl=require",
        "postgresql://u:s3cr%33t@h/db",
        "postgresql://u:s3cr3t@h:99999/db",
        "postgresql://u:s3cr3t@h:/db",
        "postgresql://u:s3cr3t@[::1/db",
        "postgresql://u:s3cr3t@[::1]x/db",
        "postgresql://u:s3cr3t@h/db?schema=x",
        "postgresql://u:s3cr3t@h/db?ssl=bogus",
        "postgresql://u:s3cr3t@h/db?sslmode",
        "postgresql://u:s3cr3t@h/db?=x",
        "postgresql://u:s3cr3t@h/db%00",
        "postgresql://u:s3cr3t%00@h/db",
        "postgresql://u:s3cr3t@h1,h2:x/db",
        "postgresql://u:s3@cr3t@h/db",
        "postgresql://u@h/db?password=s3cr3t",
        "postgresql://u@h/db?password=s3cr3t&bogus=1",
        "postgresql://u@h/db?bogus=1&password=s3cr3t",
        "postgresql://u@h/db?password=s3cr3t%00",
        "postgresql://u@h/db?sslpassword=s3cr3t&bogus=1",
        "postgres://u:s3cr3t@h/db?application_name=%00",
        "mysql://u:s3cr3t@h/db",
        "mysql://u:s3cr3t@h1,h2/db",
        "mysql://u:s3cr3t@h:0/db",
        "mysql://u@h/db?password=s3cr3t&x=%00",
        "oracle://u:s3cr3t@h/db",
        "sqlite://u:s3cr3t@h/db",
        "host=h password=s3cr3t",
        "host=h password='s3cr3t' bogus=1",
        "host=h password='s3cr3t",
        "host=h password = s3cr3t dbname",
        "password=s3cr3t =x",
        "password=s3cr3t ssl=bogus",
        "password=s3cr3t notakeyword",
        "host=h sslpassword=s3cr3t bogus=2",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ferry_url u;
        ferry_err e;
        char *m;
        memset(&e, 0, sizeof e);
        if (ferry_url_parse(texts[i], &u, &e) == 0) {
            if (!u.display || strstr(u.display, "s3cr3t"))
                FAIL_AT("[%zu] display leaks: %s", i, u.display ? u.display : "(null)");
            ferry_url_free(&u);
        } else if (strstr(e.msg, "s3cr3t")) {
            FAIL_AT("[%zu] error leaks: %s", i, e.msg);
        }
        m = ferry_url_mask(texts[i]);
        if (strstr(m, "s3cr3t")) FAIL_AT("[%zu] mask leaks: %s", i, m);
        free(m);
    }
}

/* env:NAME gives exactly what the value would give typed as is, for
 * every URL form apps keep in their environment; white space around the
 * value and one pair of surrounding quotes are dropped. */
TEST(test_url_env)
{
    static const struct { const char *value; url_case want; } cases[] = {
        {"postgresql+asyncpg://app:s3cr3t@127.0.0.1:5433/app?ssl=require",
         {NULL, ENGINE_POSTGRESQL, NULL,
          "host=127.0.0.1 port=5433 user=app password=s3cr3t dbname=app sslmode=require",
          "postgresql+asyncpg://app:***@127.0.0.1:5433/app?ssl=require"}},
        {"sqlite+aiosqlite:///db.sqlite3",
         {NULL, ENGINE_SQLITE, "db.sqlite3", "", "sqlite+aiosqlite:///db.sqlite3"}},
        {"mariadb+mariadbconnector://u:s3cr3t@db:3306/shop",
         {NULL, ENGINE_MYSQL, NULL, "host=db port=3306 user=u password=s3cr3t dbname=shop",
          "mariadb+mariadbconnector://u:***@db:3306/shop"}},
        {"mysql+pymysql://u:s3cr3t@h/db?charset=utf8mb4",
         {NULL, ENGINE_MYSQL, NULL, "host=h user=u password=s3cr3t dbname=db charset=utf8mb4",
          "mysql+pymysql://u:***@h/db?charset=utf8mb4"}},
        {"postgresql://", {NULL, ENGINE_POSTGRESQL, NULL, "", "postgresql://"}},
        {"postgresql:///app", {NULL, ENGINE_POSTGRESQL, NULL, "dbname=app", "postgresql:///app"}},
        {"host=h dbname=app password=s3cr3t",
         {NULL, ENGINE_POSTGRESQL, NULL, "host=h dbname=app password=s3cr3t",
          "host=h dbname=app password=***"}},
        {"  postgresql://u@h/db\n", {NULL, ENGINE_POSTGRESQL, NULL, "host=h user=u dbname=db",
                                     "postgresql://u@h/db"}},
        {"\"postgresql://u:s3cr3t@h/db\"", {NULL, ENGINE_POSTGRESQL, NULL,
          "host=h user=u password=s3cr3t dbname=db", "postgresql://u:***@h/db"}},
        {"'sqlite:////srv/app.db'", {NULL, ENGINE_SQLITE, "/srv/app.db", "",
                                     "sqlite:////srv/app.db"}},
        {"dump:out/dir", {NULL, ENGINE_DUMP, "out/dir", "", "dump:out/dir"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        url_case c = cases[i].want;
        ASSERT_EQ_INT(setenv("FERRY_TEST_URL", cases[i].value, 1), 0);
        c.text = "env:FERRY_TEST_URL";
        check_cases(&c, 1);
    }
    /* The name may be any shell variable name. */
    ASSERT_EQ_INT(setenv("_x9", "postgresql://h/d", 1), 0);
    {
        url_case c = {"env:_x9", ENGINE_POSTGRESQL, NULL, "host=h dbname=d", "postgresql://h/d"};
        check_cases(&c, 1);
    }
    unsetenv("_x9");
    unsetenv("FERRY_TEST_URL");
}

/* An unset, empty or malformed variable: a usage error that names the
 * variable and never shows its value, masked or not. */
TEST(test_url_env_errors)
{
    static const struct { const char *value, *want; } cases[] = {
        {NULL, "environment variable FERRY_TEST_URL is not set"},
        {"", "environment variable FERRY_TEST_URL is empty"},
        {"   \n", "environment variable FERRY_TEST_URL is empty"},
        {"\"\"", "environment variable FERRY_TEST_URL is empty"},
        {"env:OTHER", "holds another env: reference"},
        {"postgresql+asyncpg://app:s3cr3t@h:notaport/app",
         "FERRY_TEST_URL (env:FERRY_TEST_URL) does not hold a usable database URL: "
         "invalid port \"notaport\""},
        {"postgresql://app:s3cr3t@h/app?sslx=1", "unknown connection parameter \"sslx\""},
        {"oracle://app:s3cr3t@h/app", "unknown URL scheme"},
        {"s3cr3t", "no such file, and not a URL"},
        {"host=h password=s3cr3t bogus", "missing \"=\" after \"bogus\""},
        {"mysql://u:s3cr3t@h1,h2/db", "only one host"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ferry_url u;
        ferry_err e;
        char ctx[32];
        snprintf(ctx, sizeof ctx, "case %zu", i);
        memset(&e, 0, sizeof e);
        if (cases[i].value) ASSERT_EQ_INT(setenv("FERRY_TEST_URL", cases[i].value, 1), 0);
        else unsetenv("FERRY_TEST_URL");
        if (ferry_url_parse("env:FERRY_TEST_URL", &u, &e) == 0) {
            FAIL_AT("[%s] parsed, expected an error", ctx);
            ferry_url_free(&u);
            continue;
        }
        CHECK_EQ_INT(e.code, FERRY_E_USAGE, ctx);
        if (!strstr(e.msg, cases[i].want))
            FAIL_AT("[%s] message \"%s\" lacks \"%s\"", ctx, e.msg, cases[i].want);
        if (!strstr(e.msg, "FERRY_TEST_URL"))
            FAIL_AT("[%s] message \"%s\" does not name the variable", ctx, e.msg);
        if (strstr(e.msg, "s3cr3t") || strstr(e.msg, "app:***") || strstr(e.msg, "://u:"))
            FAIL_AT("[%s] message \"%s\" shows the value", ctx, e.msg);
        ASSERT(u.display == NULL && u.scheme == NULL && u.nparams == 0);
    }
    unsetenv("FERRY_TEST_URL");
    /* Not a variable name: the text after env: is shown only masked. */
    static const char *const bad_names[] = {
        "env:", "env:9LIVES", "env:A-B", "env:postgresql://u:s3cr3t@h/db", "env:$X",
    };
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        ferry_url u;
        ferry_err e;
        memset(&e, 0, sizeof e);
        if (ferry_url_parse(bad_names[i], &u, &e) == 0) {
            FAIL_AT("[%s] parsed, expected an error", bad_names[i]);
            ferry_url_free(&u);
            continue;
        }
        CHECK_EQ_INT(e.code, FERRY_E_USAGE, bad_names[i]);
        if (!strstr(e.msg, "name of an environment variable"))
            FAIL_AT("[%s] message \"%s\" does not say what env: wants", bad_names[i], e.msg);
        if (strstr(e.msg, "s3cr3t"))
            FAIL_AT("[%s] message \"%s\" leaks the password", bad_names[i], e.msg);
    }
}

void suite_url(void)
{
    RUN(test_url_sqlite);
    RUN(test_url_plain_path);
    RUN(test_url_postgresql);
    RUN(test_url_keywords);
    RUN(test_url_mysql_dump);
    RUN(test_url_get_and_names);
    RUN(test_url_errors);
    RUN(test_url_mask);
    RUN(test_url_no_password_leak);
    RUN(test_url_env);
    RUN(test_url_env_errors);
}
