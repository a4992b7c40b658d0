# shellcheck shell=bash
# pg.sh — a throwaway PostgreSQL server for tests and the demo (bash, sourced).
#
#   source tests/lib/pg.sh
#   pg_start                 # initdb + start in a temp dir; exports PGTEST_*
#   trap pg_stop EXIT        # the caller registers the clean-up
#   pg_createdb mydb [OWNER]
#   pg_sql mydb "SELECT 1"   # psql -X -At -v ON_ERROR_STOP=1 over the socket
#   pg_url mydb              # postgresql://postgres@127.0.0.1:PORT/mydb
#   pg_add_password_user pwuser s3cr3tpw
#
# Exports after pg_start:
#   PGTEST_DIR   the temp dir (data in $PGTEST_DIR/data, log in $PGTEST_DIR/log)
#   PGTEST_HOST  the unix socket directory (= PGTEST_DIR)
#   PGTEST_PORT  the TCP port on 127.0.0.1
#   PGTEST_URL   postgresql://postgres@127.0.0.1:$PGTEST_PORT/postgres
#   PGTEST_BIN   the server binaries directory
#
# The server refuses to run as root, so as root it runs as the `postgres`
# system user (runuser); otherwise as the current user. Authentication is
# trust everywhere except for members of the role `pwauth` over TCP, who need
# a scram-sha-256 password: that is what pg_add_password_user sets up, for
# authentication tests. Only loopback and a private socket dir are used.
# fsync is off: the data is thrown away after the run.

PGTEST_BIN=${PGTEST_BIN:-}
if [ -z "$PGTEST_BIN" ]; then
    for _d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$_d/initdb" ]; then PGTEST_BIN=$_d; break; fi
    done
    unset _d
fi
export PGTEST_BIN

# _pg_as_owner CMD... — run a server-side command as the cluster owner.
_pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# _pg_port_in_use PORT — true if something accepts TCP connections on it.
_pg_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pg_free_port — print a TCP port on 127.0.0.1 that nothing listens on,
# starting from a random base in 20000-59999.
pg_free_port() {
    local base=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 )) i p
    for ((i = 0; i < 200; i++)); do
        p=$(( base + i * 7 ))
        ((p > 60000)) && p=$(( p - 40000 ))
        if ! _pg_port_in_use "$p"; then echo "$p"; return 0; fi
    done
    echo "pg.sh: no free port found" >&2
    return 1
}

# pg_start — create, configure and start a server; returns 0 when it accepts
# connections, non-zero (with the server log on stderr) otherwise.
pg_start() {
    if [ -z "$PGTEST_BIN" ] || [ ! -x "$PGTEST_BIN/initdb" ]; then
        echo "pg.sh: PostgreSQL server binaries not found (install postgresql-15; run: sh tests/lib/deps.sh)" >&2
        return 1
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "pg.sh: running as root but there is no 'postgres' system user (install postgresql-15)" >&2
        return 1
    fi
    local dir
    dir=$(mktemp -d "${PGTEST_TMPDIR:-/tmp}/ferry-pg.XXXXXX") || return 1   # /tmp: the postgres user must reach it
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    export PGTEST_DIR=$dir PGTEST_HOST=$dir

    if ! _pg_as_owner "$PGTEST_BIN/initdb" -D "$dir/data" -A trust -U postgres \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
        # Some systems lack the C.UTF-8 locale; plain C with UTF8 encoding works everywhere.
        rm -rf "$dir/data"
        if ! _pg_as_owner "$PGTEST_BIN/initdb" -D "$dir/data" -A trust -U postgres \
                --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
            echo "pg.sh: initdb failed:" >&2
            cat "$dir/initdb.log" >&2
            return 1
        fi
    fi
    # Password auth for members of role pwauth over TCP; trust for the rest.
    _pg_as_owner sh -c "cat > '$dir/data/pg_hba.conf'" <<'EOF'
# written by tests/lib/pg.sh
local   all   all                      trust
host    all   +pwauth   127.0.0.1/32   scram-sha-256
host    all   +pwauth   ::1/128        scram-sha-256
host    all   all       127.0.0.1/32   trust
host    all   all       ::1/128        trust
EOF

    local port started=
    for _ in 1 2 3 4 5; do
        port=$(pg_free_port) || return 1
        if _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
                -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 -c logging_collector=off" \
                start >"$dir/pg_ctl.log" 2>&1; then
            export PGTEST_PORT=$port
            started=1
            break
        fi
        # Most likely the port was taken between the probe and the start.
        _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    done
    if [ -z "$started" ]; then
        echo "pg.sh: the server did not start; log:" >&2
        cat "$dir/pg_ctl.log" "$dir/log" >&2 2>/dev/null
        return 1
    fi
    local i
    for ((i = 0; i < 100; i++)); do
        if psql -X -At -h "$dir" -p "$PGTEST_PORT" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
            break
        fi
        sleep 0.1
    done
    if ((i == 100)); then
        echo "pg.sh: the server does not answer; log:" >&2
        cat "$dir/log" >&2
        return 1
    fi
    pg_sql postgres "CREATE ROLE pwauth NOLOGIN" >/dev/null || return 1
    export PGTEST_URL="postgresql://postgres@127.0.0.1:$PGTEST_PORT/postgres"
    return 0
}

# pg_stop — stop the server (fast, then immediate, then kill) and remove its
# dir. Safe to call twice or when pg_start failed half-way.
pg_stop() {
    local dir=${PGTEST_DIR:-}
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
            _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1
        if [ -f "$dir/data/postmaster.pid" ]; then
            local pid
            pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
            case $pid in ''|*[!0-9]*) ;; *) kill -9 "$pid" 2>/dev/null ;; esac
        fi
    fi
    rm -rf "$dir"
    unset PGTEST_DIR PGTEST_HOST PGTEST_PORT PGTEST_URL
}

# pg_url DB [USER[:PASSWORD]] — a TCP URL for DB on the test server.
pg_url() {
    echo "postgresql://${2:-postgres}@127.0.0.1:$PGTEST_PORT/$1"
}

# pg_sql DB [SQL] — run SQL (or stdin when SQL is absent or "-") as the
# superuser over the socket: unaligned, tuples only, stop at the first error.
pg_sql() {
    local db=$1
    shift
    if [ $# -eq 0 ] || [ "$1" = - ]; then
        psql -X -At -q -v ON_ERROR_STOP=1 -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres -d "$db" -f -
    else
        psql -X -At -q -v ON_ERROR_STOP=1 -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres -d "$db" -c "$1"
    fi
}

# pg_createdb NAME [OWNER] — create a database (UTF8, template0).
pg_createdb() {
    local sql="CREATE DATABASE \"$1\" TEMPLATE template0 ENCODING 'UTF8'"
    [ -n "${2:-}" ] && sql="$sql OWNER \"$2\""
    pg_sql postgres "$sql" >/dev/null
}

# pg_dropdb NAME — drop a database if it exists (terminating its sessions).
pg_dropdb() {
    PGOPTIONS='-c client_min_messages=warning' pg_sql postgres "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
}

# pg_add_password_user NAME PASSWORD — a login role that must authenticate
# with scram-sha-256 over TCP (it is a member of pwauth). It may create
# databases; give it a database with pg_createdb DB NAME.
pg_add_password_user() {
    pg_sql postgres "SET password_encryption = 'scram-sha-256';
CREATE ROLE \"$1\" LOGIN CREATEDB PASSWORD '$2' IN ROLE pwauth" >/dev/null
}
