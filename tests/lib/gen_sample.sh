#!/usr/bin/env bash
# gen_sample.sh — SQLite sample databases for the tests, the demo and the
# benchmarks, made with the sqlite3 CLI. Run it or source it:
#
#   bash tests/lib/gen_sample.sh all_types  DB      every type and schema feature ferry maps
#   bash tests/lib/gen_sample.sh bad_values DB      rows whose values do not fit their columns
#   bash tests/lib/gen_sample.sh big        DB N [add]  users (1000 rows) + events (N rows x 11 columns);
#                                                   with "add", into DB as it is (not replaced)
#   bash tests/lib/gen_sample.sh small      DB [BASE]  four small tables, ids BASE+1..BASE+10
#
# Each command replaces DB. Sourced, it defines gen_all_types, gen_bad_values,
# gen_big and gen_small with the same arguments. The tests rely on the exact
# contents written here (row counts, ids, odd values): change them together.

_gen_sqlite() {
    # Any error aborts (-bail); no ~/.sqliterc surprises (-batch).
    sqlite3 -batch -bail "$1"
}

# gen_all_types DB — see the comments in the SQL.
gen_all_types() {
    local db=$1
    rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
    _gen_sqlite "$db" <<'SQL'
PRAGMA foreign_keys = OFF;
BEGIN;

-- One column per type name ferry maps; the declared types are as apps write them.
CREATE TABLE all_types (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    c_int       INT,
    c_bigint    BIGINT,
    c_smallint  SMALLINT,
    c_bool      BOOLEAN,
    c_real      REAL,
    c_double    DOUBLE,
    c_float     FLOAT,
    c_numeric   NUMERIC(10,2),
    c_decimal   DECIMAL(12,4),
    c_text      TEXT,
    c_varchar   VARCHAR(50),
    c_nvarchar  NVARCHAR(160),
    c_char      CHAR(3),
    c_clob      CLOB,
    c_blob      BLOB,
    c_date      DATE,
    c_datetime  DATETIME,
    c_timestamp TIMESTAMP,
    c_time      TIME,
    c_json      JSON,
    c_uuid      UUID,
    c_untyped
);

-- 1: ordinary values. 2: all NULL. 3: unicode and control characters.
-- 4: empty strings and zeros. 5-10: date/time representations and extremes.
-- JSON is written in jsonb's canonical text form (key order, spacing).
INSERT INTO all_types VALUES
 (1, 42, 9007199254740993, -32768, 1, 3.14159, 2.718281828459045, 0.1, 12345678.99, 99999999.9999,
  'hello', 'varchar text', 'nvarchar text', 'abc', 'clob text', x'00ff10', '2024-01-02',
  '2024-01-02 03:04:05', '2024-01-02 03:04:05.123', '13:14:15', '{"a": 1, "b": [1, 2, 3]}',
  x'0123456789abcdef0123456789abcdef', 'untyped text'),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, -1, -2, -3, 0, -0.25, 1e-10, 6.02214076e23, 0.01, 0.0001,
  'café é 日本語 🎉', 'naïve', '日本', 'é日🎉',
  'tab' || char(9) || 'newline' || char(10) || 'cr' || char(13) || 'backslash \ "double" ''single'' \N end',
  x'e697a5e69cac', '2000-02-29', '1999-12-31 23:59:59', '1970-01-01 00:00:00', '00:00:00',
  '{"e": "é", "k": "日本"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '日本 untyped'),
 (4, 0, 0, 0, 0, 0.0, -0.5, 1e-300, 0, 0,
  '', '', '', '', '', x'', '1999-12-31', '2024-03-04T05:06:07', '2024-03-04T05:06:07.5Z', '12:00',
  '[]', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', ''),
 (5, 7, 7, 7, 1, 1.5, 1.5, 1.5, 1.5, 1.5,
  'offsets', 'offsets', 'offsets', 'off', 'offsets', x'01', '2024-02-29',
  '2024-03-04 05:06:07+02:00', '2024-03-04T05:06:07.123456Z', '23:59:59.999', '{"nested": {"x": null, "y": true}}',
  x'00000000000000000000000000000000', 'x'),
 (6, 8, 8, 8, 0, 2.5, 2.5, 2.5, 2.5, 2.5,
  'epoch', 'epoch', 'epoch', 'epo', 'epoch', x'02', '2000-01-01',
  1700000000, 1700000000123, '01:02:03.456', '"just a string"',
  x'ffffffffffffffffffffffffffffffff', 'y'),
 (7, 9, 9, 9, 1, 3.5, 3.5, 3.5, 3.5, 3.5,
  'julian', 'julian', 'julian', 'jul', 'julian', x'03', 2460310.5,
  2460311.5, 2460311.75, '10:00:00', '[1, "two", 3.5, false, null]',
  x'123e4567e89b12d3a456426614174000', 'z'),
 (8, 10, 10, 10, 0, 4.5, 4.5, 4.5, 4.5, 4.5,
  'negative offset', 'negative offset', 'negative offset', 'neg', 'negative offset', x'04', '1900-01-01',
  '2024-03-04 05:06:07-05:30', '2024-03-04 05:06:07.000', '05:30:00', '{}',
  '123e4567-e89b-12d3-a456-426614174001', 'w'),
 (9, 2147483647, -9223372036854775808, 32767, 1, -1.5, 1.7976931348623157e308, 5e-324, -12345678.99, -0.0001,
  'extremes', 'x', 'x', 'xyz', 'x', x'05', '9999-12-31',
  '9999-12-31 23:59:59', '0001-01-01 00:00:00', '23:59:59', '{"n": -0.00000015}',
  '123e4567-e89b-12d3-a456-426614174002', 'v'),
 (10, -2147483648, 9223372036854775807, -1, 0, 123456.789, -2.2250738585072014e-308, -1e100, 99999999.99, 12345678.1234,
  'long text ' || printf('%.2000c', 'x'), printf('%.50c', 'v'), printf('%.160c', 'n'), 'cha', printf('%.10000c', 'c'), randomblob(1000),
  '2024-12-31', '2024-12-31 23:59:59.999', '2024-12-31T23:59:59.999+00:00', '12:34:56.789', '{"a": {"b": {"c": [[], {}]}}}',
  '00000000-0000-0000-0000-000000000000', 'u');

-- Schema features: keys, indexes of every kind, foreign keys, defaults, checks.
CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT,
    parent_id  INTEGER REFERENCES customers(id) ON DELETE SET NULL,   -- self-reference
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_customers_email ON customers (email);
CREATE INDEX ix_customers_lower_name ON customers (lower(name));    -- expression index
INSERT INTO customers VALUES
 (1, 'Alice', 'alice@example.com', NULL, '2020-01-01 10:00:00'),
 (2, 'Bob', 'bob@example.com', 1, '2020-02-01 11:00:00'),
 (3, 'Chloé', 'chloe@example.com', 1, '2020-03-01 12:00:00'),
 (4, 'Dmitri', NULL, 2, '2020-04-01 13:00:00'),
 (5, '山田', 'yamada@example.jp', NULL, '2020-05-01 14:00:00');

CREATE TABLE "order" (                    -- a reserved word as a table name
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'open',
    qty         INTEGER NOT NULL DEFAULT 1 CHECK (qty >= 0),               -- translatable check
    placed_at   DATETIME,
    payload     JSON
);
CREATE INDEX ix_order_customer_placed ON "order" (customer_id, placed_at);   -- composite
CREATE INDEX ix_order_placed_desc ON "order" (placed_at DESC);                -- descending
CREATE INDEX ix_order_open ON "order" (status) WHERE status = 'open';         -- partial
INSERT INTO "order" VALUES
 (1, 1, 'open', 3, '2021-01-01 09:00:00', '{"note": "first"}'),
 (2, 1, 'shipped', 1, '2021-01-02 09:00:00', '{"note": "second"}'),
 (3, 2, 'open', 0, '2021-01-03 09:00:00', NULL),
 (4, 3, 'cancelled', 12, '2021-01-04 09:00:00', '{"note": "big"}'),
 (5, 5, 'open', 20, '2021-01-05 09:00:00', '{}'),
 (6, 4, 'shipped', 2, NULL, NULL);

CREATE TABLE order_items (                -- composite primary key
    order_id INTEGER NOT NULL REFERENCES "order"(id) ON DELETE CASCADE,
    line_no  INTEGER NOT NULL,
    product  TEXT NOT NULL,
    qty      INTEGER NOT NULL,
    price    NUMERIC(10,2),
    PRIMARY KEY (order_id, line_no)
);
INSERT INTO order_items VALUES
 (1, 1, 'widget', 1, 9.99), (1, 2, 'gadget', 2, 19.5), (2, 1, 'widget', 1, 9.99),
 (3, 1, 'gizmo', 5, 0.99), (4, 1, 'widget', 10, 9.99), (4, 2, 'doohickey', 2, 1234.5),
 (5, 1, 'gadget', 20, 19.5), (6, 1, 'gizmo', 2, NULL);

CREATE TABLE regions (                    -- WITHOUT ROWID, composite text key
    country CHAR(2) NOT NULL,
    code    TEXT NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (country, code)
) WITHOUT ROWID;
INSERT INTO regions VALUES ('FR', 'IDF', 'Île-de-France'), ('JP', '13', '東京都'), ('US', 'CA', 'California');

CREATE TABLE stores (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    country     CHAR(2),
    region_code TEXT,
    manager_id  INTEGER REFERENCES customers(id) ON DELETE SET NULL ON UPDATE CASCADE,
    FOREIGN KEY (country, region_code) REFERENCES regions(country, code) ON UPDATE CASCADE   -- multi-column
);
INSERT INTO stores VALUES (1, 'Paris', 'FR', 'IDF', 1), (2, 'Tokyo', 'JP', '13', 5), (3, 'Online', NULL, NULL, NULL);

CREATE TABLE "Order Details" (            -- names that need quoting
    id             INTEGER PRIMARY KEY,
    "OrderID"      INTEGER NOT NULL REFERENCES "order"(id),
    "Unit ""Price""" NUMERIC(10,2) NOT NULL,
    "select"       TEXT,
    "ünïcödé"      TEXT
);
INSERT INTO "Order Details" VALUES (1, 1, 9.99, 'from', 'ça'), (2, 2, 0.5, NULL, 'ß'), (3, 4, 100, 'where', NULL);

CREATE TABLE event_log (                  -- no key at all; one duplicate row
    ts      DATETIME,
    level   TEXT,
    message TEXT
);
INSERT INTO event_log VALUES
 ('2022-01-01 00:00:00', 'info', 'started'), ('2022-01-01 00:00:01', 'warn', 'slow'),
 ('2022-01-01 00:00:01', 'warn', 'slow'), (NULL, 'error', NULL);

CREATE TABLE empty_table (
    id   INTEGER PRIMARY KEY,
    name TEXT
);

CREATE TABLE defaults_demo (
    id         INTEGER PRIMARY KEY,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT (datetime('now')),
    stamp      TIMESTAMP DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    qty        INTEGER NOT NULL DEFAULT 0,
    price      NUMERIC(10,2) DEFAULT 9.99,
    ratio      REAL DEFAULT -1.5,
    status     VARCHAR(20) DEFAULT 'new',
    active     BOOLEAN DEFAULT 1,
    deleted    BOOLEAN NOT NULL DEFAULT 0,
    token      TEXT DEFAULT (lower(hex(randomblob(16)))),            -- untranslatable default
    kind       INTEGER CHECK (typeof(kind) = 'integer')            -- untranslatable check
);
INSERT INTO defaults_demo VALUES
 (1, '2023-01-01 00:00:00', '2023-01-01 00:00:00', '2023-01-01 00:00:00.000', 5, 1.25, 0.5, 'old', 0, 1, 'abc', 1),
 (2, '2023-06-01 12:00:00', NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, 2);

-- A view PostgreSQL can run, and one it cannot (json_extract, strftime).
CREATE VIEW open_orders AS
    SELECT o.id, o.customer_id, o.qty FROM "order" o WHERE o.status = 'open';
CREATE VIEW order_summary AS
    SELECT id, json_extract(payload, '$.note') AS note, strftime('%Y', placed_at) AS year FROM "order";

-- The app's migration version (Alembic).
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version VALUES ('1a2b3c4d5e6f');

COMMIT;
SQL
}

# gen_bad_values DB — table bad: ids 1-10 fit; ids 101-106 each have one value
# that does not fit its column (the column is named in the comment).
gen_bad_values() {
    local db=$1
    rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
    _gen_sqlite "$db" <<'SQL'
BEGIN;
CREATE TABLE bad (
    id INTEGER PRIMARY KEY,
    n  INTEGER,
    t  TEXT,
    d  DATETIME,
    v  VARCHAR(5),
    m  NUMERIC(10,2)
);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10)
INSERT INTO bad SELECT i, i * 10, 'good ' || i, printf('2024-01-%02d 12:00:00', i), 'v' || i, i + 0.25 FROM c;
INSERT INTO bad VALUES
 (101, 'abc', 'ok', '2024-02-01 00:00:00', 'ok', 1.5),                  -- n: text in an INTEGER column
 (102, 1, CAST(x'c328' AS TEXT), '2024-02-01 00:00:00', 'ok', 1.5),     -- t: invalid UTF-8
 (103, 1, CAST(x'610062' AS TEXT), '2024-02-01 00:00:00', 'ok', 1.5),   -- t: NUL byte
 (104, 1, 'ok', 'not a date', 'ok', 1.5),                               -- d: not a date
 (105, 1, 'ok', '2024-02-01 00:00:00', 'too long for five', 1.5),       -- v: longer than VARCHAR(5)
 (106, 1, 'ok', '2024-02-01 00:00:00', 'ok', 1.234);                    -- m: more decimals than NUMERIC(10,2)
COMMIT;
SQL
}

# gen_big DB N [add] — users (1000 rows) and events (N rows, 11 columns, FK
# to users), deterministic except the digest blobs. Fast: one recursive CTE.
# With "add", the tables are added to DB instead of replacing it.
gen_big() {
    local db=$1 n=${2:-1000000}
    [ "${3:-}" = add ] || rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
    _gen_sqlite "$db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -200000;
BEGIN;
CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000)
INSERT INTO users SELECT i, 'user ' || i, 'user' || i || '@example.com',
       strftime('%Y-%m-%d %H:%M:%S', 1500000000 + i * 86400, 'unixepoch') FROM c;

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,      -- bigint key
    user_id      INTEGER NOT NULL REFERENCES users(id),
    kind         INT NOT NULL,             -- int
    amount_cents BIGINT NOT NULL,          -- bigint
    score        DOUBLE,                   -- double
    code         VARCHAR(16) NOT NULL,     -- short text
    body         TEXT NOT NULL,            -- ~100 bytes of text
    note         TEXT,                     -- ~20% NULL
    created_at   DATETIME NOT NULL,        -- ISO timestamp text
    is_active    BOOLEAN NOT NULL,         -- 0/1
    digest       BLOB NOT NULL             -- 32 bytes
);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
INSERT INTO events
SELECT i,
       1 + (i * 7919) % 1000,
       (i * 31) % 100,
       (i * 2654435761) % 100000000000,
       ((i * 48271) % 2147483647) / 1000.0 + 0.125,
       'EV' || ((i * 13) % 100000),
       substr('The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. Sphinx of black quartz, judge my vow! How vexingly quick daft zebras jump. ',
              1 + i % 50, 100),
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'note ' || (i % 977) END,
       strftime('%Y-%m-%d %H:%M:%S', 1600000000 + i * 37, 'unixepoch'),
       i % 2,
       randomblob(32)
FROM c;
CREATE INDEX ix_events_user ON events (user_id);
CREATE INDEX ix_events_created ON events (created_at);
COMMIT;
SQL
}

# gen_small DB [BASE] — alpha, beta, beta_log, gamma: 10 rows each with ids
# BASE+1..BASE+10 (BASE defaults to 0), values derived from the ids.
gen_small() {
    local db=$1 base=${2:-0}
    rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
    _gen_sqlite "$db" <<SQL
BEGIN;
CREATE TABLE alpha (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, created DATETIME);
CREATE TABLE beta (id INTEGER PRIMARY KEY, label VARCHAR(20), flag BOOLEAN);
CREATE TABLE beta_log (id INTEGER PRIMARY KEY, beta_id INTEGER, message TEXT);
CREATE TABLE gamma (id INTEGER PRIMARY KEY, amount NUMERIC(10,2), payload BLOB);
WITH RECURSIVE c(i) AS (SELECT $base + 1 UNION ALL SELECT i + 1 FROM c WHERE i < $base + 10)
INSERT INTO alpha SELECT i, 'alpha ' || i, i / 4.0, strftime('%Y-%m-%d %H:%M:%S', 1600000000 + i * 3600, 'unixepoch') FROM c;
WITH RECURSIVE c(i) AS (SELECT $base + 1 UNION ALL SELECT i + 1 FROM c WHERE i < $base + 10)
INSERT INTO beta SELECT i, 'beta ' || i, i % 2 FROM c;
WITH RECURSIVE c(i) AS (SELECT $base + 1 UNION ALL SELECT i + 1 FROM c WHERE i < $base + 10)
INSERT INTO beta_log SELECT i, i, 'log line ' || i FROM c;
WITH RECURSIVE c(i) AS (SELECT $base + 1 UNION ALL SELECT i + 1 FROM c WHERE i < $base + 10)
INSERT INTO gamma SELECT i, i * 1.5, zeroblob(i % 4) FROM c;
COMMIT;
SQL
}

# Run as a script: dispatch to the generator named by $1.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    cmd=${1:-}
    case $cmd in
        all_types|bad_values|small) [ $# -ge 2 ] || { echo "usage: $0 $cmd DB" >&2; exit 2; }
                                    shift; "gen_$cmd" "$@" ;;
        big) [ $# -ge 2 ] || { echo "usage: $0 big DB [N]" >&2; exit 2; }
             shift; gen_big "$@" ;;
        *) echo "usage: $0 all_types|bad_values|small|big DB [N|BASE]" >&2; exit 2 ;;
    esac
fi
