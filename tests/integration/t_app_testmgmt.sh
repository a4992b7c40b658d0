#!/usr/bin/env bash
# t_app_testmgmt — a test-management tool (SQLAlchemy models + Alembic)
# moves its working database from SQLite to PostgreSQL, following
# docs/apps/test-management.md. The app is configured by environment
# variables (APP_DB_TYPE, APP_PG_HOST, APP_PG_PORT, APP_PG_USER,
# APP_PG_PASSWORD, APP_PG_DATABASE, APP_DB_PATH); the documented single
# command builds the target from them with the password only in
# PGPASSWORD, never on the command line. Checked table by table: values
# (sqlite3 and psql dumps compared), primary keys, unique constraints,
# indexes, foreign keys (self-referencing folders.parent_id, ON DELETE
# CASCADE), checks, the alembic_version row, `ferry verify`, a rerun that
# changes nothing, the app's next insert and next migration, and the
# password in no output, report, progress file or state table.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

# --- the app's configuration, as its deployment would set it ------------------
export APP_DB_TYPE=postgresql
export APP_PG_HOST=127.0.0.1
export APP_PG_PORT=$PGTEST_PORT
export APP_PG_USER=tm_app
export APP_PG_PASSWORD='Tm-9f2#kQ!x7pW'
export APP_PG_DATABASE=${PGTEST_DB}_tm
export APP_DB_PATH=$TEST_TMP/instance/testmgmt.db
TABLES="alembic_version attachments executions folders projects steps test_cases"
REVISION=3f9c2a1b7d4e

# The app's tables as SQLAlchemy's SQLite dialect creates them (create_all
# then `alembic stamp head`), and a working set of data: nested folders,
# JSON custom fields in json.dumps form, ordered steps, binary attachments,
# executions with microsecond timestamps, reserved words as column names.
# (The typographic quotes in the SQL are data.)
# shellcheck disable=SC1111
make_fixture() {
    mkdir -p "$(dirname "$APP_DB_PATH")"
    rm -f "$APP_DB_PATH"
    sqlite3 -batch -bail "$APP_DB_PATH" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE projects (
	id INTEGER NOT NULL,
	name VARCHAR(200) NOT NULL,
	"key" VARCHAR(16) NOT NULL,
	description TEXT,
	is_archived BOOLEAN DEFAULT 0 NOT NULL,
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE ("key")
);
CREATE TABLE folders (
	id INTEGER NOT NULL,
	project_id INTEGER NOT NULL,
	parent_id INTEGER,
	name VARCHAR(200) NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE,
	FOREIGN KEY(parent_id) REFERENCES folders (id) ON DELETE CASCADE
);
CREATE INDEX ix_folders_project_id ON folders (project_id);
CREATE INDEX ix_folders_parent_id ON folders (parent_id);
CREATE TABLE test_cases (
	id INTEGER NOT NULL,
	folder_id INTEGER NOT NULL,
	title VARCHAR(500) NOT NULL,
	priority VARCHAR(8) NOT NULL,
	custom_fields JSON,
	created_at DATETIME NOT NULL,
	updated_at DATETIME,
	PRIMARY KEY (id),
	CONSTRAINT priority CHECK (priority IN ('low', 'medium', 'high', 'critical')),
	FOREIGN KEY(folder_id) REFERENCES folders (id) ON DELETE CASCADE
);
CREATE INDEX ix_test_cases_folder_id ON test_cases (folder_id);
CREATE INDEX ix_test_cases_title ON test_cases (title);
CREATE TABLE steps (
	id INTEGER NOT NULL,
	test_case_id INTEGER NOT NULL,
	"order" INTEGER NOT NULL,
	action TEXT NOT NULL,
	expected TEXT,
	PRIMARY KEY (id),
	CONSTRAINT uq_steps_test_case_id_order UNIQUE (test_case_id, "order"),
	FOREIGN KEY(test_case_id) REFERENCES test_cases (id) ON DELETE CASCADE
);
CREATE TABLE attachments (
	id INTEGER NOT NULL,
	test_case_id INTEGER NOT NULL,
	filename VARCHAR(255) NOT NULL,
	content_type VARCHAR(100),
	content BLOB NOT NULL,
	size INTEGER NOT NULL,
	uploaded_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(test_case_id) REFERENCES test_cases (id) ON DELETE CASCADE
);
CREATE TABLE executions (
	id INTEGER NOT NULL,
	test_case_id INTEGER NOT NULL,
	status VARCHAR(7) NOT NULL,
	started_at DATETIME NOT NULL,
	finished_at DATETIME,
	duration_ms INTEGER,
	executed_by VARCHAR(100),
	notes TEXT,
	PRIMARY KEY (id),
	CONSTRAINT executionstatus CHECK (status IN ('passed', 'failed', 'blocked', 'skipped')),
	FOREIGN KEY(test_case_id) REFERENCES test_cases (id) ON DELETE CASCADE
);
CREATE INDEX ix_executions_test_case_id_started_at ON executions (test_case_id, started_at);

INSERT INTO alembic_version VALUES ('$REVISION');
INSERT INTO projects VALUES
 (1, 'Web shop', 'SHOP', 'Checkout, cart and payments', 0, '2023-11-02 08:15:00.000000'),
 (2, 'Qualité ✓ mobile', 'MOB', 'Line one' || char(10) || 'line two	with a tab', 0, '2024-01-10 12:00:00.250000'),
 (3, 'Legacy API', 'API', NULL, 1, '2022-05-30 23:59:59.999999');
-- 60 folders: one root per project, then chains below it (parent before child).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
INSERT INTO folders SELECT i, (i - 1) % 3 + 1, CASE WHEN i <= 3 THEN NULL ELSE i - 3 END,
       CASE WHEN i <= 3 THEN 'Root' ELSE 'Suite ' || i || ' / “smoke”' END, (i - 1) / 3
FROM n;
-- 3000 test cases; custom_fields as json.dumps writes them (keys in
-- PostgreSQL jsonb's order so that the texts compare: shorter keys first).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO test_cases SELECT i, i % 60 + 1,
       'TC-' || i || ': user can''t log in with “' || substr('abcdefghij', 1 + i % 10) || '”',
       CASE i % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' ELSE 'critical' END,
       CASE WHEN i % 7 = 0 THEN NULL
            WHEN i % 5 = 0 THEN '{"jira": {"key": "QA-' || i || '", "points": ' || (i % 13) || '}, "owner": "Zoë"}'
            ELSE '{"env": "' || CASE i % 3 WHEN 0 THEN 'staging' WHEN 1 THEN 'prod' ELSE 'dev' END
                 || '", "tags": ["smoke", "ui"], "estimate": ' || (i % 8) || '.5, "automated": '
                 || CASE WHEN i % 2 = 0 THEN 'true' ELSE 'false' END || '}' END,
       strftime('%Y-%m-%d %H:%M:%S', '2024-01-01 09:00:00', '+' || i || ' minutes') || '.' || printf('%06d', i * 7919 % 1000000),
       CASE WHEN i % 3 = 0 THEN NULL
            ELSE strftime('%Y-%m-%d %H:%M:%S', '2024-03-01 10:00:00', '+' || i || ' hours') || '.' || printf('%06d', i * 104729 % 1000000) END
FROM n;
-- four ordered steps per test case
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
INSERT INTO steps SELECT i, (i - 1) / 4 + 1, (i - 1) % 4 + 1,
       'Step ' || ((i - 1) % 4 + 1) || ': click "Save"' || CASE WHEN i % 11 = 0 THEN char(10) || 'then wait \ 2 s' ELSE '' END,
       CASE WHEN i % 6 = 0 THEN NULL ELSE 'Saved ✓' END
FROM n;
-- 150 attachments up to ~70 kB, one empty
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
INSERT INTO attachments SELECT i, i * 17 % 3000 + 1, 'screenshot-' || i || '.png',
       CASE WHEN i % 10 = 0 THEN NULL ELSE 'image/png' END,
       CASE WHEN i = 150 THEN x'' ELSE randomblob(i * 467 % 70000 + 1) END, 0,
       strftime('%Y-%m-%d %H:%M:%S', '2024-04-01 00:00:00', '+' || (i * 3) || ' minutes') || '.000000'
FROM n;
UPDATE attachments SET size = length(content);
-- 8000 executions
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
INSERT INTO executions SELECT i, i % 3000 + 1,
       CASE i % 9 WHEN 0 THEN 'failed' WHEN 1 THEN 'blocked' WHEN 2 THEN 'skipped' ELSE 'passed' END,
       strftime('%Y-%m-%d %H:%M:%S', '2024-05-01 06:00:00', '+' || (i * 45) || ' seconds') || '.' || printf('%06d', i * 31 % 1000000),
       CASE WHEN i % 13 = 0 THEN NULL
            ELSE strftime('%Y-%m-%d %H:%M:%S', '2024-05-01 06:00:00', '+' || (i * 45 + i % 40) || ' seconds') || '.' || printf('%06d', i * 31 % 1000000) END,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 40) * 1000 END,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'qa' || (i % 5) || '@example.com' END,
       CASE WHEN i % 9 = 0 THEN 'stack trace:' || char(10) || '  at checkout()' ELSE NULL END
FROM n;
COMMIT;
SQL
}

# Column specs per table (compare.sh kinds).
declare -A SPEC=(
  [alembic_version]="text:version_num"
  [projects]="int:id text:name text:key text:description bool:is_archived tsus:created_at"
  [folders]="int:id int:project_id int:parent_id text:name int:position"
  [test_cases]="int:id int:folder_id text:title text:priority json:custom_fields tsus:created_at tsus:updated_at"
  [steps]="int:id int:test_case_id int:order text:action text:expected"
  [attachments]="int:id int:test_case_id text:filename text:content_type blob:content int:size tsus:uploaded_at"
  [executions]="int:id int:test_case_id text:status tsus:started_at tsus:finished_at int:duration_ms text:executed_by text:notes"
)

# The target database, as an administrator prepares it for the app.
pg_add_password_user "$APP_PG_USER" "$APP_PG_PASSWORD"
pg_dropdb "$APP_PG_DATABASE"
pg_createdb "$APP_PG_DATABASE" "$APP_PG_USER"
DB=$APP_PG_DATABASE
q() { pg_sql "$DB" "$1" 2>&1; }        # as the superuser, on the app's database
make_fixture
check "fixture built ($(du -k "$APP_DB_PATH" | cut -f1) kB)" test -s "$APP_DB_PATH"

# Every file ferry writes or prints goes to scan.* for the password check.
k=0
keep() { k=$((k + 1)); cp "$OUT" "$TEST_TMP/scan.out.$k"; cp "$ERR" "$TEST_TMP/scan.err.$k"; }

# The documented command (docs/apps/test-management.md): the target is
# composed from the app's variables; the password travels in PGPASSWORD.
TARGET="postgresql://$APP_PG_USER@$APP_PG_HOST:$APP_PG_PORT/$APP_PG_DATABASE"
case $TARGET in *"$APP_PG_PASSWORD"*) fail "the target URL holds the password" ;; esac

section "check the connection first"
run_ferry_env "PGPASSWORD=$APP_PG_PASSWORD" ping "$TARGET"
keep
check_rc "ferry ping the target" 0
check_match "ping names user and database" "user +$APP_PG_USER" "$(cat "$OUT")"
check_match "ping names the database" "database +$APP_PG_DATABASE" "$(cat "$OUT")"
run_ferry ping "$TARGET"
keep
check_rc "without PGPASSWORD the ping fails as cannot connect" 3
check_match "... saying password or authentication" "password|authentication" "$(ferry_output)"

section "copy"
run_ferry_env "PGPASSWORD=$APP_PG_PASSWORD" copy "sqlite:///$APP_DB_PATH" "$TARGET" \
    --chunk-rows 2000 --report "$TEST_TMP/scan.report.json" --progress "$TEST_TMP/scan.progress.ndjson"
keep
check_rc "ferry copy SQLite -> PostgreSQL" 0
check "report written" json_valid "$TEST_TMP/scan.report.json"
check_eq "the report's target is the URL as typed" "$TARGET" "$(jqf "$TEST_TMP/scan.report.json" .target)"

section "tables and types"
check_eq "the seven tables, nothing else in public" "$(printf '%s\n' $TABLES)" "$(user_tables "$DB")"
check_eq "tables owned by the app user (its migrations may alter them)" 7 \
    "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = '$APP_PG_USER'")"
check_eq "test_cases.custom_fields is jsonb" jsonb "$(pg_type "$DB" test_cases custom_fields)"
check_eq "attachments.content is bytea" bytea "$(pg_type "$DB" attachments content)"
check_eq "executions.started_at is a timestamp" "timestamp without time zone" "$(pg_type "$DB" executions started_at)"
check_eq "projects.is_archived is boolean" boolean "$(pg_type "$DB" projects is_archived)"
check_eq "test_cases.title keeps its length" "character varying(500)" "$(pg_type "$DB" test_cases title)"
check_eq "alembic_version.version_num keeps varchar(32)" "character varying(32)" "$(pg_type "$DB" alembic_version version_num)"

section "values, table by table (sqlite3 dump vs psql dump)"
for t in $TABLES; do
    # shellcheck disable=SC2086
    check "$t: every row and value equal" compare_table "$APP_DB_PATH" "\"$t\"" "$DB" "public.\"$t\"" ${SPEC[$t]}
    check_eq "$t: row count" "$(sqlite_q "$APP_DB_PATH" "SELECT count(*) FROM \"$t\"")" "$(pg_count "$DB" "public.\"$t\"")"
done
check_eq "alembic_version holds the one revision" "$REVISION" "$(q "SELECT string_agg(version_num, ',') FROM alembic_version")"
check_eq "attachment bytes total" "$(sqlite_q "$APP_DB_PATH" "SELECT sum(length(content)) FROM attachments")" \
    "$(q "SELECT sum(length(content)) FROM attachments")"
check_eq "custom_fields read as JSON: automated cases" \
    "$(sqlite_q "$APP_DB_PATH" "SELECT count(*) FROM test_cases WHERE json_extract(custom_fields, '\$.automated') = 1")" \
    "$(q "SELECT count(*) FROM test_cases WHERE (custom_fields->>'automated')::boolean")"

section "keys, indexes, foreign keys"
# Canonical lines per table, from SQLite's pragmas and PostgreSQL's catalog.
sq_keys() {
    sqlite_q "$APP_DB_PATH" "
      SELECT m.name || ' pk(' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk)) || ')'
        FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
      UNION ALL
      SELECT m.name || ' ' || CASE il.[unique] WHEN 1 THEN 'unique' ELSE 'index' END || '('
             || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) || ')'
        FROM sqlite_master m, pragma_index_list(m.name) il
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND il.origin <> 'pk'
      UNION ALL
      SELECT m.name || ' fk(' || fk.[from] || ') -> ' || fk.[table] || '(' || fk.[to] || ') on delete ' || lower(fk.on_delete)
        FROM sqlite_master m, pragma_foreign_key_list(m.name) fk
       WHERE m.type = 'table'" | LC_ALL=C sort
}
pg_keys() {
    q "SELECT c.relname || ' pk(' || (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(x.conkey) WITH ORDINALITY k(att, ord) JOIN pg_attribute a ON a.attrelid = x.conrelid AND a.attnum = k.att) || ')'
         FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND x.contype = 'p'
       UNION ALL
       SELECT c.relname || ' ' || CASE WHEN i.indisunique THEN 'unique' ELSE 'index' END || '('
              || (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(att, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att) || ')'
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT i.indisprimary
       UNION ALL
       SELECT c.relname || ' fk(' || a.attname || ') -> ' || r.relname || '(' || ra.attname || ') on delete '
              || CASE x.confdeltype WHEN 'c' THEN 'cascade' WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'n' THEN 'set null' ELSE 'set default' END
         FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class r ON r.oid = x.confrelid
         JOIN pg_attribute a ON a.attrelid = x.conrelid AND a.attnum = x.conkey[1]
         JOIN pg_attribute ra ON ra.attrelid = x.confrelid AND ra.attnum = x.confkey[1]
        WHERE n.nspname = 'public' AND x.contype = 'f'" | LC_ALL=C sort
}
sq_keys >"$TEST_TMP/keys.sqlite"
pg_keys >"$TEST_TMP/keys.pg"
check "keys read from SQLite ($(wc -l <"$TEST_TMP/keys.sqlite") lines)" test "$(wc -l <"$TEST_TMP/keys.sqlite")" -ge 20
check "primary keys, unique constraints, indexes and foreign keys equal SQLite's" \
    compare_files "keys" "$TEST_TMP/keys.sqlite" "$TEST_TMP/keys.pg"
check_eq "the index names the app's migrations refer to" \
    "ix_executions_test_case_id_started_at ix_folders_parent_id ix_folders_project_id ix_test_cases_folder_id ix_test_cases_title" \
    "$(q "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix\_%'")"
check_eq "the six foreign keys, all validated" "6|6" \
    "$(q "SELECT count(*), count(*) FILTER (WHERE convalidated) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'f'")"
check_eq "the two check constraints (priority, executionstatus)" 2 \
    "$(q "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'c' AND pg_get_constraintdef(c.oid) ~ '(priority|status)'")"

section "ferry verify, and a rerun that changes nothing"
run_ferry_env "PGPASSWORD=$APP_PG_PASSWORD" verify "sqlite:///$APP_DB_PATH" "$TARGET"
keep
check_rc "ferry verify: equal" 0
run_ferry_env "PGPASSWORD=$APP_PG_PASSWORD" copy "sqlite:///$APP_DB_PATH" "$TARGET" --chunk-rows 2000
keep
check_rc "the same command again: the job is done, exit 0" 0
# shellcheck disable=SC2086
check "... and nothing was copied twice" compare_table "$APP_DB_PATH" steps "$DB" public.steps ${SPEC[steps]}
run_ferry_env "PGPASSWORD=$APP_PG_PASSWORD" status "$TARGET"
keep
check_rc "ferry status" 0
check_match "status shows the job done" "done" "$(cat "$OUT")"

section "the app runs on PostgreSQL"
# As the app would, with its own user and password (psql over TCP).
app_sql() { PGPASSWORD=$APP_PG_PASSWORD psql -X -At -q -v ON_ERROR_STOP=1 -h "$APP_PG_HOST" -p "$APP_PG_PORT" -U "$APP_PG_USER" -d "$APP_PG_DATABASE" -c "$1" 2>&1; }
check_eq "a new project gets the next id" 4 "$(app_sql "INSERT INTO projects (name, key) VALUES ('New', 'NEW') RETURNING id")"
check_match "created_at gets its default" "^20[0-9][0-9]-" "$(app_sql "SELECT created_at FROM projects WHERE id = 4")"
check_eq "a new execution gets the next id" 8001 \
    "$(app_sql "INSERT INTO executions (test_case_id, status, started_at) VALUES (1, 'passed', now()) RETURNING id")"
check_match "an invalid priority is refused" "check constraint" \
    "$(app_sql "INSERT INTO test_cases (folder_id, title, priority, created_at) VALUES (1, 'x', 'urgent', now())")"
check_match "a duplicate step order is refused" "duplicate key" \
    "$(app_sql "INSERT INTO steps (test_case_id, \"order\", action) VALUES (1, 1, 'dup')")"
before=$(app_sql "SELECT count(*) FROM folders WHERE project_id = 1")
app_sql "DELETE FROM folders WHERE id = 4" >/dev/null
check_eq "deleting a folder cascades to its subfolders" "$((before - 19))" "$(app_sql "SELECT count(*) FROM folders WHERE project_id = 1")"
# The next Alembic migration: an ALTER by the app user and a version bump.
check_eq "the next migration applies (ALTER TABLE + alembic_version update)" "b7e1d0c2a9f8" \
    "$(app_sql "BEGIN; ALTER TABLE test_cases ADD COLUMN archived_at TIMESTAMP WITHOUT TIME ZONE;
UPDATE alembic_version SET version_num = 'b7e1d0c2a9f8' WHERE version_num = '$REVISION'; COMMIT;
SELECT version_num FROM alembic_version")"

section "the password appears nowhere"
pg_dump -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres --data-only --schema=_ferry "$DB" >"$TEST_TMP/scan.state.sql" 2>&1
check "ferry's state tables dumped" test -s "$TEST_TMP/scan.state.sql"
check "state tables name the target" grep -qF "$APP_PG_USER@$APP_PG_HOST" "$TEST_TMP/scan.state.sql"
files=$(ls "$TEST_TMP"/scan.* | wc -l)
check "outputs to scan ($files files)" test "$files" -ge 15
check_eq "the password is in no output, report, progress file or state table" "" \
    "$(grep -lF -- "$APP_PG_PASSWORD" "$TEST_TMP"/scan.* | xargs -r -n1 basename | tr '\n' ' ')"

pg_dropdb "$DB"
finish
