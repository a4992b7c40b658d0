#!/bin/sh
# deps.sh — make sure everything needed to build and test ferry is installed
# (Debian/Ubuntu). Prints nothing when all is there. When something is
# missing: as root, installs it with apt-get; otherwise prints the apt-get
# line to run and exits 1.
#
# Build: a C compiler, make, pkg-config and the development files of
# SQLite, libpq, MariaDB Connector/C, zstd, cJSON and xxHash. Tests: the sqlite3
# CLI, a PostgreSQL server (initdb/pg_ctl/postgres) and client (psql,
# pg_dump), a MariaDB server, jq for the JSON checks. runuser, timeout, diff, awk come with every Debian system.
set -u

missing=""
want() { missing="$missing $1"; }
have() { command -v "$1" >/dev/null 2>&1; }
# pc MODULE HEADER PACKAGE — a library's development files.
pc() {
    if [ ! -f "$2" ]; then want "$3"
    elif have pkg-config && ! pkg-config --exists "$1"; then want "$3"; fi
}

have cc || have gcc || want gcc
have make || want make
[ -f /usr/include/stdio.h ] || want libc6-dev
have pkg-config || want pkg-config
pc sqlite3  /usr/include/sqlite3.h                 libsqlite3-dev
pc libpq    /usr/include/postgresql/libpq-fe.h     libpq-dev
pc libzstd  /usr/include/zstd.h                    libzstd-dev
pc libcjson /usr/include/cjson/cJSON.h             libcjson-dev
pc libmariadb /usr/include/mariadb/mysql.h         libmariadb-dev
pc libxxhash /usr/include/xxhash.h                libxxhash-dev
have sqlite3 || want sqlite3
have jq || want jq
# A MariaDB server for the MySQL/MariaDB tests (tests/lib/mariadb.sh).
{ have mariadbd || [ -x /usr/sbin/mariadbd ]; } || want mariadb-server
have mariadb-install-db || [ -x /usr/bin/mariadb-install-db ] || want mariadb-server

# The PostgreSQL server: any version under /usr/lib/postgresql (tests/lib/pg.sh
# prefers 15). Debian 12 ships 15; elsewhere take the distribution's default.
server=""
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && server=$d
done
pgpkg=postgresql
if [ -r /etc/os-release ] && grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
    pgpkg=postgresql-15
fi
[ -n "$server" ] || want "$pgpkg"
if ! { have psql && psql --version >/dev/null 2>&1 && have pg_dump; }; then
    want postgresql-client
fi

if [ -z "$missing" ]; then
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "ferry: the PostgreSQL server is installed but there is no 'postgres' system user;" >&2
        echo "       reinstall it: apt-get install --reinstall postgresql-common" >&2
        exit 1
    fi
    exit 0
fi

missing=${missing# }
if ! have apt-get; then
    echo "ferry: missing:$missing — install them with your package manager (Debian package names)" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "ferry: missing Debian packages: $missing" >&2
    echo "run:   sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
fi
echo "ferry: installing missing Debian packages: $missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get update -q >/dev/null ||
   ! apt-get install -y -q --no-install-recommends $missing >/dev/null; then
    echo "ferry: apt-get install failed; retrying with output:" >&2
    apt-get update && apt-get install -y --no-install-recommends $missing || exit 1
fi
# Installing the server may create and start a cluster of its own; the tests
# never use it (they start a throwaway server in a temp dir).
echo "ferry: installed: $missing"
exit 0
