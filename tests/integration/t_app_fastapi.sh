#!/usr/bin/env bash
# t_app_fastapi — a FastAPI service on PostgreSQL, configured as such
# services are: DATABASE_URL=postgresql+asyncpg://app:secret@127.0.0.1:PORT/app?ssl=require
# (docs/apps/fastapi-service.md). On a throwaway PostgreSQL of its own with
# TLS (a self-signed certificate made with openssl):
#   - `ferry ping env:DATABASE_URL` (and --json) reports server version,
#     database, user, host, port, TLS protocol and cipher and the server's
#     settings, as the server itself states them, with the password masked;
#     TLS off with ssl=disable; libpq's PG* variables and verify-full work;
#   - exit 3 for a wrong password, an unreachable port and a stopped
#     server; exit 2 for env:NAME unset, empty or malformed, never showing
#     the value;
#   - `ferry copy env:DATABASE_URL env:STAGING_URL` makes a staging copy
#     (users, items, orders with foreign keys, an enum, an array, jsonb,
#     uuid, identity and serial ids, alembic_version) equal value by value,
#     with the same keys, indexes and constraints, `ferry verify` equal,
#     and the app's next inserts working;
#   - the password in no output, report, progress file or state table.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
command -v openssl >/dev/null 2>&1 || skip "openssl is needed to make the server's certificate"
have_jq || skip "jq is needed (tests/lib/deps.sh installs it)"

PASSWORD=secret
WRONG=n0tThePassw0rd

# --- a PostgreSQL server of this test's own, with TLS -------------------------
# The run's shared server has no TLS and other tests expect it that way, so
# this test starts a second one with pg.sh and keeps the shared server's
# variables for everything else.
SHARED_DIR=$PGTEST_DIR SHARED_HOST=$PGTEST_HOST SHARED_PORT=$PGTEST_PORT SHARED_URL=${PGTEST_URL:-}
use_shared() { export PGTEST_DIR=$SHARED_DIR PGTEST_HOST=$SHARED_HOST PGTEST_PORT=$SHARED_PORT PGTEST_URL=$SHARED_URL; }
APP_DIR=
if pg_start >"$TEST_TMP/app-pg-start.log" 2>&1; then
    APP_DIR=$PGTEST_DIR APP_HOST=$PGTEST_HOST APP_PORT=$PGTEST_PORT
fi
use_shared
[ -n "$APP_DIR" ] || { cat "$TEST_TMP/app-pg-start.log"; fail "start the app's PostgreSQL"; finish; }
# app_pg_stop — stop this test's server (pg_stop works on the PGTEST_* variables).
app_pg_stop() {
    [ -n "$APP_DIR" ] || return 0
    export PGTEST_DIR=$APP_DIR PGTEST_HOST=$APP_HOST PGTEST_PORT=$APP_PORT
    pg_stop
    APP_DIR=
    use_shared
}
_prev_trap=$(trap -p EXIT)
_prev_trap=${_prev_trap#trap -- \'}
_prev_trap=${_prev_trap%\' EXIT}
# shellcheck disable=SC2064
trap "app_pg_stop; $_prev_trap" EXIT

# app_sql DB SQL — as the superuser over this server's socket.
app_sql() { PGTEST_HOST=$APP_HOST PGTEST_PORT=$APP_PORT pg_sql "$@" 2>&1; }
# as_app DB SQL — as the service's own user, over TCP with its password.
as_app() { PGPASSWORD=$PASSWORD psql -X -At -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$APP_PORT" -U app -d "$1" -c "$2" 2>&1; }

section "TLS on the app's server"
TLS=$TEST_TMP/tls
mkdir -p "$TLS"
chmod 755 "$TEST_TMP" "$TLS"                # the server's user reads the certificate
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$TLS/server.key" -out "$TLS/server.crt" >"$TLS/openssl.log" 2>&1; then
    pass "self-signed certificate for 127.0.0.1"
else
    cat "$TLS/openssl.log"; fail "make a certificate"; finish
fi
chmod 600 "$TLS/server.key"
chmod 644 "$TLS/server.crt"
[ "$(id -u)" = 0 ] && chown postgres: "$TLS/server.key" "$TLS/server.crt"
app_sql postgres "ALTER SYSTEM SET ssl_cert_file = '$TLS/server.crt'" >/dev/null
app_sql postgres "ALTER SYSTEM SET ssl_key_file = '$TLS/server.key'" >/dev/null
app_sql postgres "ALTER SYSTEM SET ssl = on" >/dev/null
app_sql postgres "SELECT pg_reload_conf()" >/dev/null
ssl_on() { [ "$(app_sql postgres "SHOW ssl")" = on ]; }
check "the server has TLS on" wait_for 10 ssl_on

section "the service's database"
pg_add_password_user_app() { PGTEST_HOST=$APP_HOST PGTEST_PORT=$APP_PORT pg_add_password_user "$@"; }
pg_add_password_user_app app "$PASSWORD"
app_sql postgres "CREATE DATABASE app OWNER app TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
app_sql postgres "CREATE DATABASE app_staging OWNER app TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
# The schema as SQLAlchemy models + `alembic upgrade head` create it, run by
# the service's own user; then a working set of rows.
out=$(as_app app "
CREATE TYPE orderstatus AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE TABLE users (
    id SERIAL NOT NULL,
    email VARCHAR(320) NOT NULL,
    hashed_password VARCHAR(255) NOT NULL,
    full_name VARCHAR(200),
    is_active BOOLEAN DEFAULT true NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE TABLE items (
    id SERIAL NOT NULL,
    public_id UUID DEFAULT gen_random_uuid() NOT NULL,
    owner_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    price NUMERIC(10, 2) NOT NULL,
    attributes JSONB DEFAULT '{}'::jsonb NOT NULL,
    tags VARCHAR(50)[],
    PRIMARY KEY (id),
    UNIQUE (public_id),
    CONSTRAINT ck_items_price_nonnegative CHECK (price >= 0),
    FOREIGN KEY(owner_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_items_owner_id ON items (owner_id);
CREATE TABLE orders (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY,
    user_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    status orderstatus DEFAULT 'pending' NOT NULL,
    ordered_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_orders_quantity_positive CHECK (quantity > 0),
    FOREIGN KEY(user_id) REFERENCES users (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE RESTRICT
);
CREATE INDEX ix_orders_user_id_ordered_at ON orders (user_id, ordered_at DESC);
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version VALUES ('e3b0c44298fc');
INSERT INTO users (email, hashed_password, full_name, is_active, created_at)
SELECT 'user' || i || '@example.com', '\$2b\$12\$' || md5(i::text) || 'Qx', CASE WHEN i % 9 = 0 THEN NULL ELSE 'Ünïcode Name ' || i END,
       i % 17 <> 0, timestamptz '2024-02-01 08:00:00.123456+01' + i * interval '37 minutes 1.000001 seconds'
FROM generate_series(1, 500) i;
INSERT INTO items (public_id, owner_id, title, description, price, attributes, tags)
SELECT md5('item' || i)::uuid, i % 500 + 1, 'Item #' || i || ' \"quoted\"', CASE WHEN i % 4 = 0 THEN NULL ELSE E'line 1\nline 2\twith tab' END,
       round((i * 7.31)::numeric % 1000, 2), jsonb_build_object('color', CASE i % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'blue' ELSE 'green' END, 'size', i % 5, 'dims', jsonb_build_array(i % 10, i % 7)),
       CASE WHEN i % 6 = 0 THEN NULL ELSE ARRAY['new', 'tag ' || i % 4] END
FROM generate_series(1, 2000) i;
INSERT INTO orders (user_id, item_id, quantity, status, ordered_at)
SELECT i % 500 + 1, i % 2000 + 1, i % 9 + 1, (ARRAY['pending', 'paid', 'shipped', 'cancelled'])[i % 4 + 1]::orderstatus,
       timestamptz '2024-06-01 00:00:00+00' + i * interval '11 minutes 0.5 seconds'
FROM generate_series(1, 10000) i;
DELETE FROM orders WHERE id % 97 = 0;")
check_eq "schema and rows created by the service's user" "" "$out"
check_eq "orders in the source" 9897 "$(app_sql app "SELECT count(*) FROM orders")"

export DATABASE_URL="postgresql+asyncpg://app:$PASSWORD@127.0.0.1:$APP_PORT/app?ssl=require"
export STAGING_URL="postgresql+asyncpg://app:$PASSWORD@127.0.0.1:$APP_PORT/app_staging?ssl=require"

# Every output ferry writes or prints goes to scan.* for the password check.
k=0
keep() { k=$((k + 1)); cp "$OUT" "$TEST_TMP/scan.out.$k"; cp "$ERR" "$TEST_TMP/scan.err.$k"; }

section "ferry ping env:DATABASE_URL"
run_ferry ping env:DATABASE_URL
keep
check_rc "ping" 0
SERVER_VERSION=$(app_sql postgres "SELECT split_part(current_setting('server_version'), ' ', 1)")
check_match "prints the server version" "server +PostgreSQL $SERVER_VERSION\$" "$(cat "$OUT")"
check_match "prints the database" "database +app\$" "$(cat "$OUT")"
check_match "prints the user" "user +app\$" "$(cat "$OUT")"
check_match "prints the host" "host +127\\.0\\.0\\.1\$" "$(cat "$OUT")"
check_match "prints the port" "port +$APP_PORT\$" "$(cat "$OUT")"
check_match "prints TLS in use with its protocol" "tls +yes \\(TLSv1\\.[23]" "$(cat "$OUT")"
check_match "prints the latency" "latency +[0-9.]+ ms" "$(cat "$OUT")"
check_match "prints max_connections as the server has it" \
    "max_connections +$(app_sql postgres "SHOW max_connections")\$" "$(cat "$OUT")"
check_match "prints wal_level as the server has it" "wal_level +$(app_sql postgres "SHOW wal_level")\$" "$(cat "$OUT")"
check_match "shows the URL with the password masked" "app:\\*\\*\\*@127\\.0\\.0\\.1:$APP_PORT/app" "$(cat "$OUT")"
check_nomatch "never the password" ":$PASSWORD@" "$(ferry_output)"

run_ferry ping env:DATABASE_URL --json
keep
check_rc "ping --json" 0
J=$TEST_TMP/ping.json
cp "$OUT" "$J"
check "--json prints one JSON object" jq -e 'type == "object"' "$J"
check_eq "ok" true "$(jqf "$J" .ok)"
check_eq "engine" postgresql "$(jqf "$J" .engine)"
check_eq "server" "PostgreSQL $SERVER_VERSION" "$(jqf "$J" .server)"
check_eq "database" app "$(jqf "$J" .database)"
check_eq "user" app "$(jqf "$J" .user)"
check_eq "host" 127.0.0.1 "$(jqf "$J" .host)"
check_eq "port is a number" "$APP_PORT" "$(jqf "$J" '.port | numbers')"
check_eq "no socket over TCP" null "$(jqf "$J" .socket)"
check_eq "tls.in_use" true "$(jqf "$J" .tls.in_use)"
check_match "tls.protocol" "^TLSv1\\.[23]$" "$(jqf "$J" .tls.protocol)"
check_match "tls.cipher" "^[A-Z0-9_-]{8,}$" "$(jqf "$J" .tls.cipher)"
check_eq "session_id is the server's pid of the session (a live backend)" true \
    "$(jqf "$J" '.session_id | numbers | . > 0')"
check_eq "latency_ms is a positive number, the median of 5 samples" "true|5" \
    "$(jqf "$J" '"\(.latency_ms > 0 and .latency_ms == (.latency_samples_ms | sort | .[2]))|\(.latency_samples_ms | length)"')"
for s in max_connections wal_level server_encoding shared_buffers; do
    check_eq "settings.$s as the server has it" "$(app_sql postgres "SHOW $s")" "$(jqf "$J" ".settings.$s")"
done
check_eq "url masked" "postgresql+asyncpg://app:***@127.0.0.1:$APP_PORT/app?ssl=require" "$(jqf "$J" .url)"

section "TLS and libpq's environment"
run_ferry_env "DATABASE_URL=postgresql+asyncpg://app:$PASSWORD@127.0.0.1:$APP_PORT/app?ssl=disable" ping env:DATABASE_URL --json
keep
check_rc "ping with ssl=disable" 0
check_eq "... reports TLS not in use" false "$(jqf "$OUT" .tls.in_use)"
run_ferry ping "postgresql://app@127.0.0.1:$APP_PORT/app?sslmode=verify-full&sslrootcert=$TLS/server.crt&password=$PASSWORD" --json
keep
check_rc "ping with sslmode=verify-full against the server's certificate" 0
check_eq "... TLS in use" true "$(jqf "$OUT" .tls.in_use)"
run_ferry_env "PGHOST=127.0.0.1 PGPORT=$APP_PORT PGUSER=app PGPASSWORD=$PASSWORD PGDATABASE=app PGSSLMODE=require" \
    ping postgresql:// --json
keep
check_rc "ping postgresql:// with PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE" 0
check_eq "... resolves host, port, user, database, TLS from them" "127.0.0.1|$APP_PORT|app|app|true" \
    "$(jqf "$OUT" '"\(.host)|\(.port)|\(.user)|\(.database)|\(.tls.in_use)"')"
run_ferry_env "PGHOST=$APP_HOST PGPORT=$APP_PORT PGUSER=postgres" ping postgresql:///app --json
keep
check_rc "ping postgresql:///app over the unix socket named by PGHOST" 0
check_eq "... reports the socket, no host" "$APP_HOST/.s.PGSQL.$APP_PORT|null|app" \
    "$(jqf "$OUT" '"\(.socket)|\(.host)|\(.database)"')"

section "failures"
run_ferry_env "DATABASE_URL=postgresql+asyncpg://app:$WRONG@127.0.0.1:$APP_PORT/app?ssl=require" ping env:DATABASE_URL
keep
check_rc "a wrong password: cannot connect" 3
check_match "... says authentication failed" "authentication failed" "$(ferry_output)"
run_ferry_env "DATABASE_URL=postgresql+asyncpg://app:$WRONG@127.0.0.1:$APP_PORT/app?ssl=require" ping env:DATABASE_URL --json
keep
check_rc "a wrong password, --json" 3
check_eq "... one JSON object: ok false, code AUTH, exit_code 3" "false|AUTH|3" \
    "$(jqf "$OUT" '"\(.ok)|\(.error.code)|\(.exit_code)"')"
FREE=$(pg_free_port)
run_ferry_env "DATABASE_URL=postgresql+asyncpg://app:$PASSWORD@127.0.0.1:$FREE/app?ssl=require" ping env:DATABASE_URL
keep
check_rc "nothing listening on 127.0.0.1:$FREE: cannot connect" 3
check_match "... says not reachable" "not reachable" "$(ferry_output)"
run_ferry ping env:FERRY_TEST_NOT_SET_ANYWHERE
keep
check_rc "env:NAME not set: usage" 2
check_match "... names the variable" "FERRY_TEST_NOT_SET_ANYWHERE is not set" "$(ferry_output)"
run_ferry_env "DATABASE_URL=" ping env:DATABASE_URL
keep
check_rc "env:NAME empty: usage" 2
check_match "... says it is empty" "DATABASE_URL is empty" "$(ferry_output)"
run_ferry_env "DATABASE_URL=postgresql+asyncpg://app:$PASSWORD@127.0.0.1:notaport/app" ping env:DATABASE_URL
keep
check_rc "env:NAME malformed: usage" 2
check_match "... names the variable and the problem" "DATABASE_URL.*invalid port" "$(ferry_output)"
check_nomatch "... without showing the value" "127.0.0.1:notaport" "$(ferry_output)"

section "copy into staging: ferry copy env:DATABASE_URL env:STAGING_URL"
run_ferry copy env:DATABASE_URL env:STAGING_URL --chunk-rows 3000 \
    --report "$TEST_TMP/scan.report.json" --progress "$TEST_TMP/scan.progress.ndjson"
keep
check_rc "copy" 0
check_eq "the report names the target by its masked URL" \
    "postgresql+asyncpg://app:***@127.0.0.1:$APP_PORT/app_staging?ssl=require" "$(jqf "$TEST_TMP/scan.report.json" .target)"

# Same engine: the staging schema must be the same, column by column,
# constraint by constraint and index by index, with the same names — up to
# what ferry documents it rewrites (normalised below): a serial id becomes
# an identity column, now() is written CURRENT_TIMESTAMP, and the primary
# key takes PostgreSQL's default name (compared by its columns).
schema_lines() {
    app_sql "$1" "
      SELECT 'table ' || c.relname || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
             || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
             || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT 'constraint ' || c.relname || ' ' || CASE WHEN x.contype = 'p' THEN '(primary key)' ELSE x.conname END
             || ' ' || pg_get_constraintdef(x.oid)
        FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'index ' || pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND NOT i.indisprimary
      UNION ALL
      SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname" |
        sed -E "s/ default nextval\('[^']*'::regclass\)\$/ auto-id/; s/ identity [ad]\$/ auto-id/;
                s/ default now\(\)\$/ default CURRENT_TIMESTAMP/" | LC_ALL=C sort
}
pk_names() { app_sql "$1" "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint x JOIN pg_namespace n ON n.oid = x.connamespace WHERE n.nspname = 'public' AND contype = 'p'"; }
schema_lines app >"$TEST_TMP/schema.app"
schema_lines app_staging >"$TEST_TMP/schema.staging"
check "source schema read ($(wc -l <"$TEST_TMP/schema.app") lines)" test "$(wc -l <"$TEST_TMP/schema.app")" -ge 30
check "staging has the same columns, types, constraints, indexes and enum" \
    compare_files schema "$TEST_TMP/schema.app" "$TEST_TMP/schema.staging"
check_eq "staging keeps the primary key names (alembic_version_pkc: migrations refer to it)" \
    "$(pk_names app)" "$(pk_names app_staging)"

declare -A SPEC=(
  [users]="int:id text:email text:hashed_password text:full_name bool:is_active tsus:created_at"
  [items]="int:id uuid:public_id int:owner_id text:title text:description num2:price json:attributes raw:tags"
  [orders]="int:id int:user_id int:item_id int:quantity raw:status tsus:ordered_at"
  [alembic_version]="text:version_num"
)
# app_compare — compare.sh's compare_pg_tables on this test's server.
app_compare() { PGTEST_HOST=$APP_HOST PGTEST_PORT=$APP_PORT compare_pg_tables "$@"; }
for t in alembic_version items orders users; do
    # shellcheck disable=SC2086
    specs=$(printf '%s\n' ${SPEC[$t]})
    check "$t equal in staging, value by value" \
        app_compare app "public.\"$t\"" "$specs" app_staging "public.\"$t\"" "$specs"
done
check_eq "alembic_version identical" "e3b0c44298fc" "$(app_sql app_staging "SELECT string_agg(version_num, ',') FROM alembic_version")"

run_ferry verify env:DATABASE_URL env:STAGING_URL
keep
check_rc "ferry verify env:DATABASE_URL env:STAGING_URL: equal" 0
run_ferry status env:STAGING_URL
keep
check_rc "ferry status env:STAGING_URL" 0
check_match "... shows the job done, source masked" "done.*source: postgresql\\+asyncpg://app:\\*\\*\\*@" "$(tr '\n' ' ' <"$OUT")"

check_eq "the service's next user gets the next id" 501 \
    "$(as_app app_staging "INSERT INTO users (email, hashed_password) VALUES ('new@example.com', 'x') RETURNING id")"
check_eq "the next order gets the next identity value" 10001 \
    "$(as_app app_staging "INSERT INTO orders (user_id, item_id, quantity) VALUES (1, 1, 1) RETURNING id")"
check_eq "... with the enum default" pending "$(as_app app_staging "SELECT status FROM orders WHERE id = 10001")"
check_match "an item still referenced by orders cannot be deleted (ON DELETE RESTRICT kept)" "foreign key" \
    "$(as_app app_staging "DELETE FROM items WHERE id = 2")"

section "the nightly dump of production, restored into a fresh staging database"
# The documented cron line (docs/apps/fastapi-service.md), run twice as
# two nights: a series with --keep, then `ferry restore latest`.
app_sql postgres "CREATE DATABASE app_restored OWNER app TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
export RESTORE_URL="postgresql+asyncpg://app:$PASSWORD@127.0.0.1:$APP_PORT/app_restored?ssl=require"
mkdir -p "$TEST_TMP/backups"
for night in 1 2; do
    run_ferry dump env:DATABASE_URL "$TEST_TMP/backups/app-%Y%m%d-%H%M%S" --keep 1 --quiet \
        --report "$TEST_TMP/scan.dump$night.json"
    keep
    check_rc "night $night: ferry dump env:DATABASE_URL (series, --keep 1, --quiet)" 0
    check_eq "night $night: --quiet prints nothing" "" "$(cat "$OUT" "$ERR")"
    sleep 1.1
done
check_eq "--keep 1 left one dump and the latest link" 2 "$(ls "$TEST_TMP/backups" | wc -l)"
cp "$TEST_TMP/backups/latest/manifest.json" "$TEST_TMP/scan.manifest.json"
check_match "the manifest names the source, password masked" "postgresql\\+asyncpg://app:\\*\\*\\*@" \
    "$(jq -r .source.url "$TEST_TMP/backups/latest/manifest.json")"
run_ferry verify "$TEST_TMP/backups/latest"
keep
check_rc "ferry verify the dump" 0
run_ferry restore "$TEST_TMP/backups/latest" env:RESTORE_URL --report "$TEST_TMP/scan.restore.json"
keep
check_rc "ferry restore latest env:RESTORE_URL" 0
schema_lines app_restored >"$TEST_TMP/schema.restored"
check "the restored database has the same columns, types, constraints, indexes and enum" \
    compare_files schema "$TEST_TMP/schema.app" "$TEST_TMP/schema.restored"
check_eq "... and the primary key names" "$(pk_names app)" "$(pk_names app_restored)"
run_ferry verify env:DATABASE_URL env:RESTORE_URL
keep
check_rc "ferry verify production vs restored: equal" 0
check_eq "the restored service's next order gets the next identity value" 10001 \
    "$(as_app app_restored "INSERT INTO orders (user_id, item_id, quantity) VALUES (1, 1, 1) RETURNING id")"

section "the password appears nowhere"
pg_dump -h "$APP_HOST" -p "$APP_PORT" -U postgres --data-only --schema=_ferry app_staging >"$TEST_TMP/scan.state.sql" 2>&1
check "ferry's state tables dumped" grep -q "app:\\*\\*\\*@127.0.0.1" "$TEST_TMP/scan.state.sql"
files=$(ls "$TEST_TMP"/scan.* | wc -l)
check "outputs to scan ($files files)" test "$files" -ge 30
for secret in "$PASSWORD" "$WRONG"; do
    check_eq "'$secret' is in no output, report, progress file or state table" "" \
        "$(grep -lF -- "$secret" "$TEST_TMP"/scan.* | xargs -r -n1 basename | tr '\n' ' ')"
done

section "a stopped server"
app_pg_stop
run_ferry ping env:DATABASE_URL
check_rc "ping after the server stopped: cannot connect" 3
check_nomatch "... and the password is not shown" ":$PASSWORD@" "$(ferry_output)"

finish
