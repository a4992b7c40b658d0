# shellcheck shell=bash
# mariadb.sh — a throwaway MariaDB server for tests (bash, sourced); the
# MySQL counterpart of pg.sh.
#
#   source tests/lib/mariadb.sh
#   mariadb_start              # install-db + start in a temp dir; exports MYTEST_*
#   trap mariadb_stop EXIT     # the caller registers the clean-up
#   my_createdb mydb           # utf8mb4
#   my_sql mydb "SELECT 1"     # mariadb client as root over the socket, -N -B
#   my_url mydb                # mysql://root@127.0.0.1:PORT/mydb
#   my_add_password_user pwuser s3cr3tpw
#   my_url mydb pwuser:s3cr3tpw
#
# Exports after mariadb_start:
#   MYTEST_DIR   the temp dir (data in $MYTEST_DIR/data, log in $MYTEST_DIR/err.log)
#   MYTEST_SOCK  the unix socket ($MYTEST_DIR/sock)
#   MYTEST_PORT  the TCP port on 127.0.0.1
#   MYTEST_URL   mysql://root@127.0.0.1:$MYTEST_PORT/ (no database)
#   MYTEST_CA    the CA certificate, when started with MYTEST_TLS=1
#
# Accounts: mariadb-install-db --auth-root-authentication-method=normal
# creates root@localhost, root@127.0.0.1 and root@::1 with no password
# (mysql_native_password), so root connects without a password over the
# socket and over TCP on loopback: that is what MYTEST_URL uses.
# my_add_password_user adds NAME@'127.0.0.1', NAME@'localhost' and
# NAME@'%' with a password and ALL PRIVILEGES, for authentication tests
# (LOAD DATA LOCAL needs no FILE privilege).
#
# TLS: with MYTEST_TLS=1, mariadb_start makes a throwaway CA and a server
# certificate for 127.0.0.1 and localhost (openssl) and starts the server
# with them; MYTEST_CA is then the CA file. Without it the server offers no
# TLS (have_ssl DISABLED).
#
# The server never runs as root: as root it is started with --user=mysql
# (the Debian package's system user) and its dir is chowned to mysql;
# otherwise it runs as the current user. Only loopback and a private socket
# are used. Durability is off (innodb_flush_log_at_trx_commit=0, no doublewrite,
# no binary log): the data is thrown away after the run. The buffer pool
# (256M) and redo log (128M) are sized so that loads of a few hundred
# thousand rows do not measure checkpointing; MYTEST_BUFFER_POOL and
# MYTEST_LOG_FILE override them. The server's
# default character set is utf8mb4 as in Debian's packaged configuration;
# tests that need latin1 say so per column or table.

MYTEST_SERVER=${MYTEST_SERVER:-}
if [ -z "$MYTEST_SERVER" ]; then
    for _f in /usr/sbin/mariadbd /usr/sbin/mysqld /usr/bin/mariadbd; do
        if [ -x "$_f" ]; then MYTEST_SERVER=$_f; break; fi
    done
    unset _f
fi
export MYTEST_SERVER

# _my_port_in_use PORT — true if something accepts TCP connections on it.
_my_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# my_free_port — print a TCP port on 127.0.0.1 that nothing listens on,
# starting from a random base in 20000-59999.
my_free_port() {
    local base=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 )) i p
    for ((i = 0; i < 200; i++)); do
        p=$(( base + i * 11 ))
        ((p > 60000)) && p=$(( p - 40000 ))
        if ! _my_port_in_use "$p"; then echo "$p"; return 0; fi
    done
    echo "mariadb.sh: no free port found" >&2
    return 1
}

# _my_admin ARGS... — mariadb-admin as root over the socket, no option files.
_my_admin() {
    mariadb-admin --no-defaults --socket="$MYTEST_SOCK" -uroot --connect-timeout=2 "$@"
}

# _my_wait_gone PID SECONDS — wait for PID to exit; 0 when it did.
_my_wait_gone() {
    local pid=$1 i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# _my_make_certs DIR — a CA (DIR/ca.pem) and a server certificate it signed
# for 127.0.0.1 and localhost (DIR/server-cert.pem, DIR/server-key.pem),
# readable by the server.
_my_make_certs() {
    local d=$1
    if ! command -v openssl >/dev/null 2>&1; then
        echo "mariadb.sh: MYTEST_TLS=1 needs openssl" >&2
        return 1
    fi
    {
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ferry test CA" \
            -keyout "$d/ca-key.pem" -out "$d/ca.pem" &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
            -keyout "$d/server-key.pem" -out "$d/server.csr" &&
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/san.ext" &&
        openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" \
            -CAcreateserial -days 2 -extfile "$d/san.ext" -out "$d/server-cert.pem"
    } >"$d/openssl.log" 2>&1 || { echo "mariadb.sh: making certificates failed:" >&2; cat "$d/openssl.log" >&2; return 1; }
    chmod 644 "$d"/*.pem
    [ "$(id -u)" = 0 ] && chown mysql: "$d"/*.pem
    return 0
}

# mariadb_start — create, configure and start a server; returns 0 when it
# accepts connections, non-zero (with the server log on stderr) otherwise.
mariadb_start() {
    if [ -z "$MYTEST_SERVER" ] || ! command -v mariadb-install-db >/dev/null 2>&1 ||
       ! command -v mariadb >/dev/null 2>&1; then
        echo "mariadb.sh: MariaDB server or client not found (install mariadb-server mariadb-client)" >&2
        return 1
    fi
    local as_root=
    if [ "$(id -u)" = 0 ]; then
        as_root=1
        if ! id mysql >/dev/null 2>&1; then
            echo "mariadb.sh: running as root but there is no 'mysql' system user (install mariadb-server)" >&2
            return 1
        fi
    fi
    local dir
    dir=$(mktemp -d "${MYTEST_TMPDIR:-/tmp}/ferry-my.XXXXXX") || return 1   # /tmp: the mysql user must reach it
    chmod 755 "$dir"
    [ -n "$as_root" ] && chown mysql: "$dir"
    export MYTEST_DIR=$dir MYTEST_SOCK=$dir/sock

    local userarg=() tlsargs=()
    [ -n "$as_root" ] && userarg=(--user=mysql)
    if [ "${MYTEST_TLS:-}" = 1 ]; then
        _my_make_certs "$dir" || return 1
        tlsargs=(--ssl-ca="$dir/ca.pem" --ssl-cert="$dir/server-cert.pem" --ssl-key="$dir/server-key.pem")
        export MYTEST_CA=$dir/ca.pem
    fi
    # The server options, shared by install-db (bootstrap) and the server.
    local opts=(--no-defaults --datadir="$dir/data" "${userarg[@]}"
                --innodb-buffer-pool-size="${MYTEST_BUFFER_POOL:-256M}"
                --innodb-log-file-size="${MYTEST_LOG_FILE:-128M}"
                --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0
                --skip-log-bin --character-set-server=utf8mb4
                --collation-server=utf8mb4_unicode_ci)
    if ! mariadb-install-db "${opts[@]}" --auth-root-authentication-method=normal \
            --skip-test-db >"$dir/install.log" 2>&1; then
        echo "mariadb.sh: mariadb-install-db failed:" >&2
        cat "$dir/install.log" >&2
        return 1
    fi

    local port started='' pid i
    for _ in 1 2 3 4 5; do
        port=$(my_free_port) || return 1
        "$MYTEST_SERVER" "${opts[@]}" --socket="$MYTEST_SOCK" --port="$port" \
            --bind-address=127.0.0.1 --log-error="$dir/err.log" --pid-file="$dir/mariadbd.pid" \
            --max-connections=200 --local-infile=1 --skip-name-resolve "${tlsargs[@]}" \
            >"$dir/server.out" 2>&1 </dev/null &
        pid=$!
        for ((i = 0; i < 300; i++)); do               # at most 30 s
            if _my_admin ping >/dev/null 2>&1; then started=1; break; fi
            kill -0 "$pid" 2>/dev/null || break       # it died (port taken?)
            sleep 0.1
        done
        if [ -n "$started" ]; then
            export MYTEST_PORT=$port MYTEST_PID=$pid
            break
        fi
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ -z "$started" ]; then
        echo "mariadb.sh: the server did not start; log:" >&2
        cat "$dir/err.log" "$dir/server.out" >&2 2>/dev/null
        return 1
    fi
    export MYTEST_URL="mysql://root@127.0.0.1:$MYTEST_PORT/"
    return 0
}

# mariadb_stop — shut the server down (mariadb-admin shutdown, then kill)
# and remove its dir. Safe to call twice or when mariadb_start failed half-way.
mariadb_stop() {
    local dir=${MYTEST_DIR:-}
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    local pid=${MYTEST_PID:-}
    if [ -z "$pid" ] && [ -f "$dir/mariadbd.pid" ]; then
        pid=$(head -n 1 "$dir/mariadbd.pid" 2>/dev/null)
    fi
    case $pid in ''|*[!0-9]*) pid= ;; esac
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        _my_admin shutdown >/dev/null 2>&1
        if ! _my_wait_gone "$pid" 20; then
            kill -9 "$pid" 2>/dev/null
            _my_wait_gone "$pid" 5
        fi
        wait "$pid" 2>/dev/null     # reap it when it is our child
    fi
    rm -rf "$dir"
    unset MYTEST_DIR MYTEST_SOCK MYTEST_PORT MYTEST_URL MYTEST_PID MYTEST_CA
}

# my_url DB [USER[:PASSWORD]] — a TCP URL for DB on the test server (the
# password as given: percent-encode special characters yourself).
my_url() {
    echo "mysql://${2:-root}@127.0.0.1:$MYTEST_PORT/$1"
}

# my_sql DB [SQL] — run SQL (or stdin when SQL is absent or "-") as root
# over the socket: no column names, tab-separated, stop at the first error.
# DB may be "" for no default database.
my_sql() {
    local db=$1
    shift
    local args=(--no-defaults --socket="$MYTEST_SOCK" -uroot -N -B
                --default-character-set=utf8mb4)
    [ -n "$db" ] && args+=(--database="$db")
    if [ $# -eq 0 ] || [ "$1" = - ]; then
        mariadb "${args[@]}"
    else
        mariadb "${args[@]}" -e "$1"
    fi
}

# my_createdb NAME — create a database (utf8mb4).
my_createdb() {
    my_sql "" "CREATE DATABASE \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
}

# my_dropdb NAME — drop a database if it exists.
my_dropdb() {
    my_sql "" "DROP DATABASE IF EXISTS \`$1\`"
}

# my_add_password_user NAME PASSWORD — an account that must give PASSWORD
# (mysql_native_password), from loopback, the socket or anywhere, with all
# privileges on every database.
my_add_password_user() {
    local h
    for h in 127.0.0.1 localhost %; do
        my_sql "" "CREATE USER '$1'@'$h' IDENTIFIED BY '$2';
GRANT ALL PRIVILEGES ON *.* TO '$1'@'$h'" || return 1
    done
}
