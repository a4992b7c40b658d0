#!/usr/bin/env bash
# t_app_defects — a defect tracker written with SQLModel (SQLite by default,
# MariaDB or PostgreSQL in production) moving between its engines, one ferry
# command per direction (docs/apps/defect-tracker.md).
#
# The fixture is the app's schema as SQLModel creates it, written here as
# SQLAlchemy emits the DDL on each engine: integer ids (INTEGER PRIMARY KEY
# on SQLite, AUTO_INCREMENT on MariaDB, SERIAL on PostgreSQL), str fields
# (VARCHAR without a length on SQLite and PostgreSQL, VARCHAR(255) on
# MariaDB), Enum fields (VARCHAR(n) on SQLite, one with the CHECK that
# Enum(create_constraint=True) adds; native ENUM on MariaDB; enum types on
# PostgreSQL), bools (BOOLEAN / BOOL = tinyint(1) / boolean), naive
# datetimes (DATETIME / DATETIME / timestamp), a float, a date, foreign keys
# with ON DELETE CASCADE and SET NULL, a many-to-many link table with a
# composite key, unique indexes, and Alembic's alembic_version. The table
# "user" is a reserved word on PostgreSQL.
#
# Checked, for SQLite -> MariaDB, SQLite -> PostgreSQL, both back to a fresh
# SQLite, and the app's own MariaDB and PostgreSQL schemas -> SQLite: every
# value of every table (compare.sh: exact doubles, microseconds), primary
# keys, unique indexes, foreign keys with their actions, the enum CHECKs
# (present, and refusing a label that is not one), column types, the next
# id the app gets, and ferry verify exit 0.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
require_mariadb
have_jq || { fail "jq is missing (sh tests/lib/deps.sh installs it)"; finish; }

DEV=$TEST_TMP/dmt.db
MYDB=dmt_db_${PGTEST_DB}
PGDB=${PGTEST_DB}_prod
MY_APP=dmt_app_${PGTEST_DB}
PG_APP=${PGTEST_DB}_app

STATUSES=(NEW OPEN IN_PROGRESS RESOLVED CLOSED REOPENED)
SEVERITIES=(LOW MEDIUM HIGH CRITICAL)
ROLES=(ADMIN DEVELOPER TESTER VIEWER)
NUSERS=12 NPROJECTS=3 NDEFECTS=150 NLABELS=6

# dt_ts N FRAC — a naive datetime: with FRAC=1 microseconds as SQLAlchemy
# writes them on SQLite and PostgreSQL (six digits, whole seconds every
# 10th row), with FRAC=0 whole seconds (MariaDB's DATETIME without fsp, as
# SQLAlchemy creates it, keeps no fraction).
dt_ts() {
    local n=$1 us=$(( ($1 * 7919) % 1000000 ))
    [ $((n % 10)) = 0 ] && us=0
    printf '2024-%02d-%02d %02d:%02d:%02d' $((1 + n % 12)) $((1 + n % 28)) $((n % 24)) $(((n * 7) % 60)) $(((n * 13) % 60))
    [ "$2" = 1 ] && printf '.%06d' "$us"
}

# dt_data DIALECT — the app's rows as INSERT statements (sqlite, mysql, pg).
dt_data() {
    local d=$1 i j frac=1 t f q='"'
    [ "$d" = mysql ] && frac=0 q='`'
    if [ "$d" = pg ]; then t=true f=false; else t=1 f=0; fi
    b() { if [ "$1" = 1 ]; then echo "$t"; else echo "$f"; fi; }
    echo "INSERT INTO alembic_version (version_num) VALUES ('9c2f41d0a7b3');"
    for ((i = 1; i <= NUSERS; i++)); do
        echo "INSERT INTO ${q}user${q} (id, username, email, full_name, role, is_active, created_at) VALUES ($i, 'user$i', 'user$i@example.org', $( [ $((i % 4)) = 0 ] && echo NULL || echo "'User Number $i'"), '${ROLES[i % 4]}', $(b $((i % 5 != 0))), '$(dt_ts "$i" $frac)');"
    done
    for ((i = 1; i <= NPROJECTS; i++)); do
        echo "INSERT INTO project (id, name, ${q}key${q}, description, is_archived, owner_id, created_at) VALUES ($i, 'Project $i', 'P$i', 'What project $i is about', $(b $((i == 3))), $(( (i % NUSERS) + 1 )), '$(dt_ts $((i + 40)) $frac)');"
    done
    for ((i = 1; i <= NLABELS; i++)); do
        echo "INSERT INTO label (id, name, color) VALUES ($i, 'label-$i', '#$(printf '%06x' $((i * 2654435 % 16777216)))');"
    done
    for ((i = 1; i <= NDEFECTS; i++)); do
        local upd=NULL res=NULL est=NULL due=NULL asg=NULL
        [ $((i % 3)) = 0 ] && upd="'$(dt_ts $((i + 500)) $frac)'"
        [ $((i % 7)) = 0 ] && res="'$(dt_ts $((i + 900)) $frac)'"
        [ $((i % 2)) = 0 ] && est="$((i % 13)).$( case $((i % 4)) in 0) echo 0 ;; 1) echo 25 ;; 2) echo 5 ;; 3) echo 75 ;; esac)"
        [ $((i % 5)) = 0 ] && due="'2024-$(printf %02d $((1 + i % 12)))-$(printf %02d $((1 + i % 28)))'"
        [ $((i % 4)) != 0 ] && asg=$(( (i * 5) % NUSERS + 1 ))
        echo "INSERT INTO defect (id, project_id, title, description, status, severity, priority, is_regression, estimate_hours, due_date, reporter_id, assignee_id, created_at, updated_at, resolved_at) VALUES ($i, $(( i % NPROJECTS + 1 )), 'Defect $i: it''s broken', $( [ $((i % 6)) = 0 ] && echo NULL || echo "'Steps: open page $i, click; expected ok, got 500'"), '${STATUSES[i % 6]}', '${SEVERITIES[i % 4]}', $((i % 5)), $(b $((i % 9 == 0))), $est, $due, $(( (i * 3) % NUSERS + 1 )), $asg, '$(dt_ts $((i + 100)) $frac)', $upd, $res);"
        for ((j = 0; j < i % 3; j++)); do
            echo "INSERT INTO comment (defect_id, author_id, body, is_internal, created_at) VALUES ($i, $(( (i + j) % NUSERS + 1 )), 'Comment $j on $i', $(b $((j == 1))), '$(dt_ts $((i * 3 + j)) $frac)');"
        done
        [ $((i % 2)) = 0 ] && echo "INSERT INTO defectlabellink (defect_id, label_id) VALUES ($i, $(( i % NLABELS + 1 )));"
        [ $((i % 5)) = 0 ] && echo "INSERT INTO defectlabellink (defect_id, label_id) VALUES ($i, $(( (i + 3) % NLABELS + 1 )));"
    done
}

# The schema as SQLModel (SQLAlchemy 2) emits it for SQLite: str -> VARCHAR,
# Enum -> VARCHAR(longest name), severity declared with create_constraint.
DT_SQLITE_DDL='
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE user (
	id INTEGER NOT NULL,
	username VARCHAR NOT NULL,
	email VARCHAR NOT NULL,
	full_name VARCHAR,
	role VARCHAR(9) NOT NULL,
	is_active BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_user_username ON user (username);
CREATE UNIQUE INDEX ix_user_email ON user (email);
CREATE TABLE project (
	id INTEGER NOT NULL,
	name VARCHAR NOT NULL,
	"key" VARCHAR(10) NOT NULL,
	description VARCHAR,
	is_archived BOOLEAN NOT NULL,
	owner_id INTEGER NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(owner_id) REFERENCES user (id)
);
CREATE UNIQUE INDEX ix_project_key ON project ("key");
CREATE TABLE label (
	id INTEGER NOT NULL,
	name VARCHAR NOT NULL,
	color VARCHAR(7) NOT NULL,
	PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_label_name ON label (name);
CREATE TABLE defect (
	id INTEGER NOT NULL,
	project_id INTEGER NOT NULL,
	title VARCHAR NOT NULL,
	description VARCHAR,
	status VARCHAR(11) NOT NULL,
	severity VARCHAR(8) NOT NULL,
	priority INTEGER NOT NULL,
	is_regression BOOLEAN NOT NULL,
	estimate_hours FLOAT,
	due_date DATE,
	reporter_id INTEGER NOT NULL,
	assignee_id INTEGER,
	created_at DATETIME NOT NULL,
	updated_at DATETIME,
	resolved_at DATETIME,
	PRIMARY KEY (id),
	CONSTRAINT severity CHECK (severity IN ('\''LOW'\'', '\''MEDIUM'\'', '\''HIGH'\'', '\''CRITICAL'\'')),
	FOREIGN KEY(project_id) REFERENCES project (id) ON DELETE CASCADE,
	FOREIGN KEY(reporter_id) REFERENCES user (id),
	FOREIGN KEY(assignee_id) REFERENCES user (id) ON DELETE SET NULL
);
CREATE INDEX ix_defect_status ON defect (status);
CREATE TABLE comment (
	id INTEGER NOT NULL,
	defect_id INTEGER NOT NULL,
	author_id INTEGER NOT NULL,
	body VARCHAR NOT NULL,
	is_internal BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(defect_id) REFERENCES defect (id) ON DELETE CASCADE,
	FOREIGN KEY(author_id) REFERENCES user (id)
);
CREATE TABLE defectlabellink (
	defect_id INTEGER NOT NULL,
	label_id INTEGER NOT NULL,
	PRIMARY KEY (defect_id, label_id),
	FOREIGN KEY(defect_id) REFERENCES defect (id) ON DELETE CASCADE,
	FOREIGN KEY(label_id) REFERENCES label (id) ON DELETE CASCADE
);
'

# The same models as SQLModel creates them on MariaDB (mysql dialect): str
# -> VARCHAR(255), Enum -> ENUM(...), bool -> BOOL, datetime -> DATETIME
# (no fraction), float -> FLOAT, AUTO_INCREMENT ids.
DT_MYSQL_DDL=$(printf '%s\n' "$DT_SQLITE_DDL" | sed \
    -e 's/^\tid INTEGER NOT NULL,$/\tid INTEGER NOT NULL AUTO_INCREMENT,/' \
    -e 's/ VARCHAR NOT NULL/ VARCHAR(255) NOT NULL/; s/ VARCHAR,/ VARCHAR(255),/' \
    -e "s/role VARCHAR(9)/\`role\` ENUM('ADMIN','DEVELOPER','TESTER','VIEWER')/" \
    -e "s/status VARCHAR(11)/status ENUM('NEW','OPEN','IN_PROGRESS','RESOLVED','CLOSED','REOPENED')/" \
    -e "s/severity VARCHAR(8)/severity ENUM('LOW','MEDIUM','HIGH','CRITICAL')/" \
    -e '/CONSTRAINT severity CHECK/d' -e 's/ BOOLEAN / BOOL /' -e 's/"key"/`key`/g')

# ... and on PostgreSQL: enum types named after the Python classes, SERIAL
# ids, VARCHAR, BOOLEAN, TIMESTAMP WITHOUT TIME ZONE, FLOAT (double).
DT_PG_DDL="CREATE TYPE userrole AS ENUM ('ADMIN', 'DEVELOPER', 'TESTER', 'VIEWER');
CREATE TYPE defectstatus AS ENUM ('NEW', 'OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REOPENED');
CREATE TYPE severity AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');
$(printf '%s\n' "$DT_SQLITE_DDL" | sed \
    -e 's/^\tid INTEGER NOT NULL,$/\tid SERIAL NOT NULL,/' \
    -e 's/role VARCHAR(9)/role userrole/; s/status VARCHAR(11)/status defectstatus/; s/severity VARCHAR(8)/severity severity/' \
    -e '/CONSTRAINT severity CHECK/d' -e 's/DATETIME/TIMESTAMP WITHOUT TIME ZONE/' \
    -e 's/TABLE user /TABLE "user" /; s/ON user /ON "user" /; s/REFERENCES user /REFERENCES "user" /')"

# Column kinds per table for compare.sh's dumps (first column: the key).
declare -A COLS=(
    [alembic_version]="text:version_num"
    [user]="int:id text:username text:email text:full_name text:role bool:is_active tsus:created_at"
    [project]="int:id text:name text:key text:description bool:is_archived int:owner_id tsus:created_at"
    [label]="int:id text:name text:color"
    [defect]="int:id int:project_id text:title text:description text:status text:severity int:priority bool:is_regression f64:estimate_hours date:due_date int:reporter_id int:assignee_id tsus:created_at tsus:updated_at tsus:resolved_at"
    [comment]="int:id int:defect_id int:author_id text:body bool:is_internal tsus:created_at"
    [defectlabellink]="int:defect_id int:label_id"
)
TABLES="alembic_version user project label defect comment defectlabellink"

# eng_dump ENGINE DB TABLE — compare.sh's canonical dump.
eng_dump() {
    local -a spec
    read -r -a spec <<<"${COLS[$3]}"
    case $1 in
        sqlite) dump_sqlite "$2" "$(sq_ident "$3")" "${spec[@]}" ;;
        pg) dump_pg "$2" "$(sq_ident "$3")" "${spec[@]}" ;;
        my) dump_my "$2" "$(sq_ident "$3")" "${spec[@]}" ;;
    esac
}
# same_tables LABEL ENGINE_A DB_A ENGINE_B DB_B — every table equal.
same_tables() {
    local label=$1 t n
    for t in $TABLES; do
        eng_dump "$2" "$3" "$t" >"$TEST_TMP/a.$t" 2>"$TEST_TMP/a.err"
        eng_dump "$4" "$5" "$t" >"$TEST_TMP/b.$t" 2>"$TEST_TMP/b.err"
        n=$(grep -c . "$TEST_TMP/a.$t")
        if [ -s "$TEST_TMP/a.err" ] || [ -s "$TEST_TMP/b.err" ]; then
            fail "$label: $t: dump failed: $(cat "$TEST_TMP/a.err" "$TEST_TMP/b.err" | head -c 300)"
        elif [ "$n" = 0 ]; then
            fail "$label: $t: the source has no rows"
        elif grep -q '<unreadable>' "$TEST_TMP/a.$t" "$TEST_TMP/b.$t"; then
            fail "$label: $t: a value does not read back in canonical form"
        elif compare_files "$label $t" "$TEST_TMP/a.$t" "$TEST_TMP/b.$t"; then
            pass "$label: $t: all $n rows equal, value by value"
        else
            fail "$label: $t: values differ"
        fi
    done
}

# keys ENGINE DB — primary keys, unique indexes and foreign keys with their
# delete actions, one a line, sorted, in one form for every engine. MariaDB
# reports the default action as RESTRICT (InnoDB's NO ACTION is RESTRICT),
# and a copy from MariaDB declares it so: RESTRICT and NO ACTION, the same
# for keys that are not deferred, are both written NO ACTION.
keys() {
    local eng=$1 db=$2 t
    case $eng in
        sqlite)
            for t in $TABLES; do
                sqlite_q "$db" "SELECT '$t PK ' || group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('$t') WHERE pk > 0 ORDER BY pk)"
                sqlite_q "$db" "SELECT '$t FK ' || group_concat(\"from\", ',') || ' -> ' || \"table\" || ' ' || CASE on_delete WHEN 'RESTRICT' THEN 'NO ACTION' ELSE on_delete END FROM pragma_foreign_key_list('$t') GROUP BY id"
                sqlite_q "$db" "SELECT '$t UNIQUE ' || (SELECT group_concat(name, ',') FROM pragma_index_info(il.name)) FROM pragma_index_list('$t') il WHERE il.\"unique\" AND il.origin != 'pk'"
            done ;;
        pg)
            pg_sql "$db" "SELECT conrelid::regclass::text || ' PK ' || (SELECT string_agg(attname, ',' ORDER BY array_position(conkey, attnum)) FROM pg_attribute WHERE attrelid = conrelid AND attnum = ANY (conkey)) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace
                UNION ALL SELECT conrelid::regclass::text || ' FK ' || (SELECT string_agg(attname, ',') FROM pg_attribute WHERE attrelid = conrelid AND attnum = ANY (conkey)) || ' -> ' || confrelid::regclass::text || ' ' || CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'NO ACTION' END FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
                UNION ALL SELECT tablename || ' UNIQUE ' || regexp_replace(indexdef, '.*\\((.*)\\)$', '\\1') FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')" |
                sed 's/"//g; s/, /,/g' ;;
        my)
            my_sql "$db" "SELECT CONCAT(TABLE_NAME, ' PK ', GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'PRIMARY' GROUP BY TABLE_NAME
                UNION ALL SELECT CONCAT(TABLE_NAME, ' UNIQUE ', GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME != 'PRIMARY' AND NON_UNIQUE = 0 GROUP BY TABLE_NAME, INDEX_NAME
                UNION ALL SELECT CONCAT(k.TABLE_NAME, ' FK ', GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION), ' -> ', k.REFERENCED_TABLE_NAME, ' ', IF(r.DELETE_RULE = 'RESTRICT', 'NO ACTION', r.DELETE_RULE)) FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME, r.DELETE_RULE" ;;
    esac | grep -v '^_ferry' | LC_ALL=C sort
}
# same_keys LABEL ENGINE_A DB_A ENGINE_B DB_B
same_keys() {
    keys "$2" "$3" >"$TEST_TMP/ka"
    keys "$4" "$5" >"$TEST_TMP/kb"
    if [ ! -s "$TEST_TMP/ka" ]; then fail "$1: no keys read from the source"
    elif compare_files "$1 keys" "$TEST_TMP/ka" "$TEST_TMP/kb"; then
        pass "$1: primary keys, unique indexes, foreign keys and their actions all there ($(grep -c . "$TEST_TMP/ka"))"
    else fail "$1: keys differ"; fi
}

# --- the dev database -----------------------------------------------------------

section "the dev database, as SQLModel creates it on SQLite"
rm -f "$DEV"
printf '%s\n' "$DT_SQLITE_DDL" | sqlite3 -batch "$DEV" || fail "create the SQLite schema"
{ echo "BEGIN;"; dt_data sqlite; echo "COMMIT;"; } | sqlite3 -batch "$DEV" || fail "load the rows"
check_eq "the fixture's foreign keys hold" "" "$(sqlite_q "$DEV" "PRAGMA foreign_key_check")"
check_eq "the fixture has its defects" "$NDEFECTS" "$(sqlite_q "$DEV" "SELECT count(*) FROM defect")"

# The --map file of docs/apps/defect-tracker.md for MariaDB, verbatim.
cat >"$TEST_TMP/dmt-mariadb.map" <<'EOF'
# SQLModel's str is VARCHAR without a length on SQLite, VARCHAR(255) on
# MariaDB. MariaDB cannot index unbounded text: the indexed ones get the
# app's own 255 characters (a longer value would be rejected, never cut).
column user.username -> text(255)
column user.email    -> text(255)
column label.name    -> text(255)
EOF

# --- SQLite -> MariaDB ----------------------------------------------------------

section "SQLite -> MariaDB (mariadb+mariadbconnector://)"
my_sql "" "DROP USER IF EXISTS 'dmt'@'127.0.0.1', 'dmt'@'localhost', 'dmt'@'%'" >/dev/null 2>&1
my_add_password_user dmt 'dmt-s3cret' || fail "create the MariaDB account"
my_dropdb "$MYDB"; my_createdb "$MYDB"
MY_URL="mariadb+mariadbconnector://dmt:dmt-s3cret@127.0.0.1:$MYTEST_PORT/$MYDB"
run_ferry copy "sqlite:///$DEV" "$MY_URL" --map "$TEST_TMP/dmt-mariadb.map" --report "$TEST_TMP/to-my.json"
check_rc "one command: SQLite -> MariaDB" 0
check_nomatch "the password is never printed" "dmt-s3cret" "$(ferry_output)$(cat "$TEST_TMP/to-my.json")"
mytype() { my_sql "$MYDB" "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '$1' AND COLUMN_NAME = '$2'"; }
check_eq "types on MariaDB: bool tinyint(1), datetime(6), enum-like varchar(n), indexed str varchar(255)" \
    "tinyint(1) datetime(6) varchar(8) varchar(11) varchar(255) double date" \
    "$(mytype defect is_regression) $(mytype defect created_at) $(mytype defect severity) $(mytype defect status) $(mytype user username) $(mytype defect estimate_hours) $(mytype defect due_date)"
same_tables "SQLite -> MariaDB" sqlite "$DEV" my "$MYDB"
same_keys "SQLite -> MariaDB" sqlite "$DEV" my "$MYDB"
check_match "the severity CHECK is on MariaDB" "severity.*in.*'LOW'.*'CRITICAL'" \
    "$(my_sql "$MYDB" "SELECT CONCAT(CONSTRAINT_NAME, ' ', CHECK_CLAUSE) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'defect'")"
check_match "MariaDB refuses a severity that is no label" "CONSTRAINT .severity. failed" \
    "$(my_sql "$MYDB" "UPDATE defect SET severity = 'BLOCKER' WHERE id = 1" 2>&1)"
check_eq "the app's next defect gets the next id" "$((NDEFECTS + 1))" \
    "$(my_sql "$MYDB" "INSERT INTO defect (project_id, title, status, severity, priority, is_regression, reporter_id, created_at) VALUES (1, 'new', 'NEW', 'LOW', 0, 0, 1, NOW()); SELECT LAST_INSERT_ID()")"
check_eq "a 200-character username fits, as it does in the app's own MariaDB schema" "1" \
    "$(my_sql "$MYDB" "INSERT INTO user (username, email, role, is_active, created_at) VALUES (REPEAT('u', 200), 'long@example.org', 'VIEWER', 1, NOW()); SELECT ROW_COUNT()")"
my_sql "$MYDB" "DELETE FROM defect WHERE id = $((NDEFECTS + 1)); DELETE FROM user WHERE email = 'long@example.org'"
check_eq "alembic_version came along" "9c2f41d0a7b3" "$(my_sql "$MYDB" "SELECT version_num FROM alembic_version")"
run_ferry verify "sqlite:///$DEV" "$MY_URL" --map "$TEST_TMP/dmt-mariadb.map"
check_rc "ferry verify SQLite -> MariaDB" 0

# --- SQLite -> PostgreSQL -------------------------------------------------------

section "SQLite -> PostgreSQL"
pg_dropdb "$PGDB"; pg_createdb "$PGDB"
PG_URL=$(pg_url "$PGDB")
run_ferry copy "sqlite:///$DEV" "$PG_URL" --report "$TEST_TMP/to-pg.json"
check_rc "one command: SQLite -> PostgreSQL" 0
check_eq "types on PostgreSQL: boolean, naive timestamp, varchar(n) enums, text str" \
    "boolean timestamp without time zone character varying(8) text double precision" \
    "$(pg_type "$PGDB" defect is_regression) $(pg_type "$PGDB" defect created_at) $(pg_type "$PGDB" defect severity) $(pg_type "$PGDB" user username) $(pg_type "$PGDB" defect estimate_hours)"
same_tables "SQLite -> PostgreSQL" sqlite "$DEV" pg "$PGDB"
same_keys "SQLite -> PostgreSQL" sqlite "$DEV" pg "$PGDB"
check_match "the severity CHECK is on PostgreSQL" "CHECK .*severity.*'LOW'.*'CRITICAL'" \
    "$(qdb "$PGDB" "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c' AND conrelid = 'defect'::regclass")"
check_match "PostgreSQL refuses a severity that is no label" "violates check constraint" \
    "$(qdb "$PGDB" "UPDATE defect SET severity = 'BLOCKER' WHERE id = 1")"
check_eq "the app's next defect gets the next id" "$((NDEFECTS + 1))" \
    "$(qdb "$PGDB" "INSERT INTO defect (project_id, title, status, severity, priority, is_regression, reporter_id, created_at) VALUES (1, 'new', 'NEW', 'LOW', 0, false, 1, now()) RETURNING id")"
qdb "$PGDB" "DELETE FROM defect WHERE id = $((NDEFECTS + 1))" >/dev/null
check_eq "deleting a project cascades to its defects, their comments and labels" "0 0 0" \
    "$(qdb "$PGDB" "BEGIN; DELETE FROM project WHERE id = 2; SELECT (SELECT count(*) FROM defect WHERE project_id = 2) || ' ' || (SELECT count(*) FROM comment WHERE defect_id NOT IN (SELECT id FROM defect)) || ' ' || (SELECT count(*) FROM defectlabellink WHERE defect_id NOT IN (SELECT id FROM defect)); ROLLBACK;")"
# User 6 owns no project; defects others reported are assigned to it.
check_ne "user 6 has defects others reported" "0" "$(qdb "$PGDB" "SELECT count(*) FROM defect WHERE assignee_id = 6 AND reporter_id != 6")"
check_eq "deleting a user leaves the defects assigned to them unassigned (SET NULL)" "0 $(qdb "$PGDB" "SELECT count(*) FROM defect WHERE assignee_id = 6 AND reporter_id != 6")" \
    "$(qdb "$PGDB" "BEGIN; CREATE TEMP TABLE was6 AS SELECT id FROM defect WHERE assignee_id = 6 AND reporter_id != 6;
        DELETE FROM comment WHERE author_id = 6; DELETE FROM defect WHERE reporter_id = 6; DELETE FROM \"user\" WHERE id = 6;
        SELECT (SELECT count(*) FROM defect WHERE assignee_id = 6) || ' ' || (SELECT count(*) FROM defect WHERE assignee_id IS NULL AND id IN (SELECT id FROM was6)); ROLLBACK;")"
run_ferry verify "sqlite:///$DEV" "$PG_URL"
check_rc "ferry verify SQLite -> PostgreSQL" 0

# --- back again -----------------------------------------------------------------

section "MariaDB -> SQLite and PostgreSQL -> SQLite (back again)"
for src in my pg; do
    back=$TEST_TMP/back-$src.db
    rm -f "$back"
    if [ "$src" = my ]; then url=$MY_URL; else url=$PG_URL; fi
    run_ferry copy "$url" "sqlite:///$back"
    check_rc "$src -> SQLite" 0
    same_tables "round trip through $src" sqlite "$DEV" sqlite "$back"
    same_keys "round trip through $src" sqlite "$DEV" sqlite "$back"
    check_match "round trip through $src: the severity CHECK" "CHECK.*severity.*IN.*'LOW'.*'CRITICAL'" \
        "$(sqlite_q "$back" "SELECT sql FROM sqlite_schema WHERE name = 'defect'")"
    check_eq "round trip through $src: booleans are 0/1 integers" "integer" \
        "$(sqlite_q "$back" "SELECT DISTINCT typeof(is_regression) FROM defect")"
    check_eq "round trip through $src: datetimes as SQLAlchemy wrote them" "0" \
        "$(sqlite3 -batch ":memory:" "ATTACH '$DEV' AS a; ATTACH '$back' AS b; SELECT count(*) FROM (SELECT id, created_at, updated_at, resolved_at FROM a.defect EXCEPT SELECT id, created_at, updated_at, resolved_at FROM b.defect)")"
    run_ferry verify "$url" "sqlite:///$back"
    check_rc "ferry verify $src -> SQLite" 0
    # The source never hands an id out twice (the app's test insert above
    # took 151); neither does the copy.
    if [ "$src" = my ]; then
        next=$(my_sql "$MYDB" "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'defect'")
    else
        next=$(qdb "$PGDB" "SELECT last_value + 1 FROM $(qdb "$PGDB" "SELECT pg_get_serial_sequence('defect', 'id')")")
    fi
    check_eq "round trip through $src: the app's next id comes after every id the source handed out" "$next" \
        "$(sqlite3 -batch "$back" "INSERT INTO defect (project_id, title, status, severity, priority, is_regression, reporter_id, created_at) VALUES (1, 'new', 'NEW', 'LOW', 0, 0, 1, '2025-01-01 00:00:00.000000'); SELECT last_insert_rowid();")"
done

# --- the app's own MariaDB and PostgreSQL schemas -> SQLite ---------------------

section "the app's own MariaDB schema (native ENUM, BOOL, DATETIME) -> SQLite"
my_dropdb "$MY_APP"; my_createdb "$MY_APP"
printf '%s\n' "$DT_MYSQL_DDL" | my_sql "$MY_APP" || fail "create the MariaDB schema as SQLModel does"
{ echo "SET foreign_key_checks = 0;"; dt_data mysql; } | my_sql "$MY_APP" || fail "load the MariaDB rows"
check_eq "the app's MariaDB has native ENUMs and BOOL" "enum('LOW','MEDIUM','HIGH','CRITICAL') tinyint(1) datetime float" \
    "$(my_sql "$MY_APP" "SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY FIELD(COLUMN_NAME, 'severity', 'is_regression', 'created_at', 'estimate_hours') SEPARATOR ' ') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'defect' AND COLUMN_NAME IN ('severity', 'is_regression', 'created_at', 'estimate_hours')")"
rm -f "$TEST_TMP/from-my-app.db"
run_ferry copy "mysql+pymysql://dmt:dmt-s3cret@127.0.0.1:$MYTEST_PORT/$MY_APP" "sqlite:///$TEST_TMP/from-my-app.db"
check_rc "MariaDB (the app's schema) -> SQLite" 0
same_tables "MariaDB app schema -> SQLite" my "$MY_APP" sqlite "$TEST_TMP/from-my-app.db"
same_keys "MariaDB app schema -> SQLite" my "$MY_APP" sqlite "$TEST_TMP/from-my-app.db"
for c in role status severity; do
    t=defect; [ "$c" = role ] && t=user
    check_match "native ENUM $t.$c -> TEXT with a CHECK of its labels" "CHECK \\(\"$c\" IN \\('" \
        "$(sqlite_q "$TEST_TMP/from-my-app.db" "SELECT sql FROM sqlite_schema WHERE name = '$t'")"
done
check_match "SQLite refuses a status that is no label" "CHECK constraint failed" \
    "$(sqlite3 -batch "$TEST_TMP/from-my-app.db" "UPDATE defect SET status = 'WONTFIX' WHERE id = 1" 2>&1)"
run_ferry verify "mysql+pymysql://dmt:dmt-s3cret@127.0.0.1:$MYTEST_PORT/$MY_APP" "sqlite:///$TEST_TMP/from-my-app.db"
check_rc "ferry verify MariaDB app schema -> SQLite" 0

section "the app's own PostgreSQL schema (enum types, SERIAL, boolean) -> SQLite"
pg_dropdb "$PG_APP"; pg_createdb "$PG_APP"
printf '%s\n' "$DT_PG_DDL" | pg_sql "$PG_APP" >/dev/null || fail "create the PostgreSQL schema as SQLModel does"
{ echo "BEGIN;"; dt_data pg; echo "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), $NUSERS);"; echo "COMMIT;"; } | pg_sql "$PG_APP" >/dev/null || fail "load the PostgreSQL rows"
check_eq "the app's PostgreSQL has enum types" "severity defectstatus userrole" \
    "$(pg_type "$PG_APP" defect severity) $(pg_type "$PG_APP" defect status) $(pg_type "$PG_APP" user role)"
rm -f "$TEST_TMP/from-pg-app.db"
run_ferry copy "$(pg_url "$PG_APP")" "sqlite:///$TEST_TMP/from-pg-app.db"
check_rc "PostgreSQL (the app's schema) -> SQLite" 0
same_tables "PostgreSQL app schema -> SQLite" pg "$PG_APP" sqlite "$TEST_TMP/from-pg-app.db"
same_keys "PostgreSQL app schema -> SQLite" pg "$PG_APP" sqlite "$TEST_TMP/from-pg-app.db"
check_match "enum type severity -> TEXT with a CHECK of its labels" "CHECK \\(\"severity\" IN \\('LOW', 'MEDIUM', 'HIGH', 'CRITICAL'\\)\\)" \
    "$(sqlite_q "$TEST_TMP/from-pg-app.db" "SELECT sql FROM sqlite_schema WHERE name = 'defect'")"
run_ferry verify "$(pg_url "$PG_APP")" "sqlite:///$TEST_TMP/from-pg-app.db"
check_rc "ferry verify PostgreSQL app schema -> SQLite" 0

# --- an older SQLAlchemy's boolean CHECK -----------------------------------------

section "SQLAlchemy before 1.4 also wrote CHECK (flag IN (0, 1)) for booleans"
rm -f "$TEST_TMP/old.db"
sqlite3 -batch "$TEST_TMP/old.db" "CREATE TABLE flagged (id INTEGER NOT NULL, done BOOLEAN NOT NULL, PRIMARY KEY (id), CHECK (done IN (0, 1)));
INSERT INTO flagged VALUES (1, 0), (2, 1);"
OLD=${PGTEST_DB}_old
pg_dropdb "$OLD"; pg_createdb "$OLD"
run_ferry copy "sqlite:///$TEST_TMP/old.db" "$(pg_url "$OLD")" --report "$TEST_TMP/old.json"
check_rc "the copy succeeds" 0
check_eq "the values arrive as booleans" "1 false|2 true" "$(qdb "$OLD" "SELECT string_agg(id || ' ' || done, '|' ORDER BY id) FROM flagged")"
check_eq "the CHECK, which PostgreSQL's boolean type makes needless, is reported as skipped with its text, not dropped silently" \
    "check done IN (0, 1)" "$(jqf "$TEST_TMP/old.json" '.skipped[] | "\(.kind) \(.text)"')"
pg_dropdb "$OLD"

my_dropdb "$MYDB"; my_dropdb "$MY_APP"; pg_dropdb "$PGDB"; pg_dropdb "$PG_APP"
my_sql "" "DROP USER IF EXISTS 'dmt'@'127.0.0.1', 'dmt'@'localhost', 'dmt'@'%'" >/dev/null 2>&1
finish
