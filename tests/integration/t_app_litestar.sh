#!/usr/bin/env bash
# t_app_litestar — a Litestar / Advanced-Alchemy todo app moving between its
# dev SQLite (sqlite+aiosqlite:///db.sqlite3) and its prod PostgreSQL
# (postgresql+asyncpg://app:app@...), one ferry command per direction
# (docs/apps/litestar-todo.md).
#
# The fixture is the app's schema as its ORM creates it, written here as
# SQLAlchemy emits the DDL on each engine: Advanced-Alchemy's GUID primary
# and foreign keys (BINARY(16) holding 16 bytes on SQLite, uuid on
# PostgreSQL), two columns declared with SQLAlchemy's Uuid (CHAR(32) holding
# 32 hex digits on SQLite), an MD5 in a CHAR(32) that is no uuid, DateTimeUTC
# audit columns (SQLite: DATETIME text as SQLAlchemy writes it,
# "2024-01-02 03:04:05.123456", plus a few rows a seed script wrote with
# "+00:00"), JsonB columns (SQLite JSON, PostgreSQL jsonb), users / roles /
# teams / tags with many-to-many link tables (composite primary keys, ON
# DELETE CASCADE), a unique index on email, Advanced-Alchemy's naming
# convention, and its Alembic version table ddl_version.
#
# Checked:
#  1. dev SQLite -> PostgreSQL: types (uuid, jsonb, timestamptz, boolean),
#     every value of every table (uuids compared as their 128 bits, times
#     to the microsecond in UTC, JSON as JSON), primary keys, the unique
#     email index, foreign keys and their actions (and that they act:
#     deleting a user cascades, a duplicate email is refused), ddl_version,
#     ferry verify exit 0.
#  2. that PostgreSQL -> a fresh SQLite (the debug copy): every uuid stored
#     exactly as the dev database stored it (16-byte blobs, 32 hex digits),
#     timestamps byte for byte as SQLAlchemy wrote them (and the same
#     instants for the seed script's "+00:00" rows), JSON equal as JSON,
#     keys, unique index, foreign keys, ddl_version, ferry verify exit 0.
#  3. a prod database created by Alembic on PostgreSQL (uuid, timestamptz,
#     jsonb, integer) -> a fresh SQLite: values, and ferry verify.
#  4. PostgreSQL -> a SQLite schema the app created itself (alembic upgrade
#     head), --data-only, no --map: each uuid in the form its column
#     declares.
#  5. the default rules never change data: a CHAR(32) "*_id" column holding
#     text that is no uuid is rejected row by row with the reason (exit 5);
#     with --widen it stays text, every value exact. Without --map the dev
#     database's DATETIME columns become timestamp (SQLite does not record
#     DateTimeUTC's time zone), as the doc says.
#  6. uuids kept as 36-character text in UUID columns round-trip through
#     PostgreSQL into a fresh SQLite with no --map, text for text.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
have_jq || { fail "jq is missing (sh tests/lib/deps.sh installs it)"; finish; }

DEV=$TEST_TMP/db.sqlite3
DEBUG=$TEST_TMP/debug.sqlite3
PROD=${PGTEST_DB}_prod
ALEMBIC_PG=${PGTEST_DB}_alembic

# --- the fixture ------------------------------------------------------------

# la_hex KIND N — 32 hex digits of a version-4 uuid, deterministic per kind
# and row: each 32-bit part is N times an odd constant plus one per kind,
# modulo 2^32, so no two rows of a kind share one.
la_hex() {
    local k=$1 n=$2 a b c d
    a=$(( (n * 2654435761 + k * 40503) & 0xffffffff ))
    b=$(( (n * 2246822519 + k * 3266489917) & 0xffffffff ))
    c=$(( (n * 3266489917 + k * 668265263) & 0xffffffff ))
    d=$(( (n * 668265263 + k * 374761393) & 0xffffffff ))
    printf '%08x%04x4%03x%04x%04x%08x' "$a" $((b >> 16)) $((b & 0xfff)) \
        $(( ((c >> 16) & 0x3fff) | 0x8000 )) $((c & 0xffff)) "$d"
}
# User 0 and 1 have the nil uuid and the all-ones uuid, user 2 one with NUL
# bytes inside (a blob, never text).
la_user_hex() {
    case $1 in
        0) echo 00000000000000000000000000000000 ;;
        1) echo ffffffffffffffffffffffffffffffff ;;
        2) echo 00a1000000004000800000000000ff00 ;;
        *) la_hex 1 "$1" ;;
    esac
}

# la_ts N — an audit timestamp as SQLAlchemy's SQLite DATETIME writes it
# (six fraction digits, no offset): whole seconds for every 10th row,
# trailing zeros in the fraction for the next one.
la_ts() {
    local n=$1 us
    us=$(( (n * 7919) % 1000000 ))
    case $((n % 10)) in 0) us=0 ;; 1) us=120000 ;; esac
    printf '2024-%02d-%02d %02d:%02d:%02d.%06d' $((1 + n % 12)) $((1 + n % 28)) $((n % 24)) \
        $(((n * 7) % 60)) $(((n * 13) % 60)) "$us"
}
# la_ts_seed N — the same instant as a seed script writes it (isoformat).
la_ts_seed() { printf '%s+00:00' "$(la_ts "$1")"; }

NUSERS=40 NTEAMS=5 NTAGS=12 NTODOS=240 NTOKENS=25

# la_data DIALECT — the app's rows as INSERT statements for sqlite or pg.
la_data() {
    local d=$1 i j u t g ts ts2 b1 b0
    if [ "$d" = sqlite ]; then b1=1 b0=0; else b1=true b0=false; fi
    # uuid literals: GUID columns and SQLAlchemy Uuid columns
    gu() { if [ "$d" = sqlite ]; then printf "X'%s'" "$1"; else printf "'%s'" "$1"; fi; }
    hu() { printf "'%s'" "$1"; }
    bool() { if [ "$1" = 1 ]; then echo "$b1"; else echo "$b0"; fi; }
    echo "BEGIN;"
    [ "$d" = pg ] && echo "SET TIME ZONE 'UTC';"
    echo "INSERT INTO ddl_version (version_num) VALUES ('3f2a9c1b7d4e');"
    for i in 1 2 3; do
        ts=$(la_ts $((i + 100)))
        echo "INSERT INTO role (id, slug, name, description, created_at, updated_at) VALUES ($(gu "$(la_hex 2 "$i")"), 'role-$i', 'Role $i', 'Can do things of kind $i', '$ts', '$ts');"
    done
    for ((i = 0; i < NUSERS; i++)); do
        u=$(la_user_hex "$i")
        ts=$(la_ts "$i"); ts2=$(la_ts $((i + 7)))
        # every 9th user was written by the seed script: offsets in the text
        if [ $((i % 9)) = 4 ]; then ts=$(la_ts_seed "$i"); ts2=$(la_ts_seed $((i + 7))); fi
        local settings="{\"theme\": \"dark\", \"notify\": {\"email\": true, \"digest\": \"weekly\"}}"
        case $((i % 5)) in
            1) settings='null' ;;           # SQL NULL below
            2) settings='{"b": 1, "a": [1, 2.5, "x\u00e9"], "z": null}' ;;  # not in jsonb's order
            3) settings='{  "lang":"fr-FR" ,"tz": "Europe/Paris"}' ;;      # white space
        esac
        local sv="'$settings'"
        [ "$settings" = null ] && sv=NULL
        local email="user$i@example.org"
        [ "$i" = 3 ] && email="Ünïcode.Üser@example.org"
        echo "INSERT INTO user_account (id, email, name, hashed_password, avatar_url, is_active, is_superuser, is_verified, verified_at, joined_at, login_count, settings, sa_orm_sentinel, created_at, updated_at) VALUES ($(gu "$u"), '$email', $( [ $((i % 7)) = 0 ] && echo NULL || echo "'User $i'"), '\$argon2id\$v=19\$m=65536,t=3,p=4\$c2FsdA\$$i', NULL, $(bool $((i % 6 != 5))), $(bool $((i == 0))), $(bool $((i % 2))), $( [ $((i % 2)) = 1 ] && echo "'2024-02-$(printf %02d $((1 + i % 28)))'" || echo NULL), '2024-01-$(printf %02d $((1 + i % 28)))', $((i * 3)), $sv, NULL, '$ts', '$ts2');"
    done
    for ((i = 0; i < NUSERS; i++)); do
        echo "INSERT INTO user_account_role (user_id, role_id, assigned_at) VALUES ($(gu "$(la_user_hex "$i")"), $(gu "$(la_hex 2 $((1 + i % 3)))"), '$(la_ts $((i + 3)))');"
        [ $((i % 4)) = 0 ] && echo "INSERT INTO user_account_role (user_id, role_id, assigned_at) VALUES ($(gu "$(la_user_hex "$i")"), $(gu "$(la_hex 2 $((1 + (i + 1) % 3)))"), '$(la_ts $((i + 5)))');"
    done
    for ((t = 0; t < NTEAMS; t++)); do
        ts=$(la_ts $((t + 50)))
        echo "INSERT INTO team (id, name, slug, description, is_active, created_at, updated_at) VALUES ($(gu "$(la_hex 3 "$t")"), 'Team $t', 'team-$t', $( [ "$t" = 0 ] && echo NULL || echo "'The team number $t; it''s a team'"), $(bool $((t != 4))), '$ts', '$ts');"
        for ((j = 0; j < 6; j++)); do
            u=$(( (t * 7 + j * 3) % NUSERS ))
            echo "INSERT INTO team_member (team_id, user_id, role, is_owner, created_at, updated_at) VALUES ($(gu "$(la_hex 3 "$t")"), $(gu "$(la_user_hex "$u")"), '$( [ "$j" = 0 ] && echo ADMIN || echo MEMBER)', $(bool $((j == 0))), '$ts', '$ts');"
        done
    done
    for ((g = 0; g < NTAGS; g++)); do
        ts=$(la_ts $((g + 60)))
        echo "INSERT INTO tag (id, slug, name, description, created_at, updated_at) VALUES ($(gu "$(la_hex 4 "$g")"), 'tag-$g', 'Tag $g', NULL, '$ts', '$ts');"
    done
    for ((i = 0; i < NTODOS; i++)); do
        local owner team due extra
        owner=$(la_user_hex $((i % NUSERS)))
        team=NULL
        [ $((i % 3)) != 0 ] && team=$(gu "$(la_hex 3 $((i % NTEAMS)))")
        due=NULL
        [ $((i % 4)) = 1 ] && due="'$(la_ts $((i + 200)))'"
        # jsonb's own text (keys by length, then bytes): kept byte for byte
        extra="'{\"tags\": [\"t$((i % 5))\"], \"estimate\": {\"hours\": $((i % 8)).5}, \"priority\": $((i % 4))}'"
        [ $((i % 6)) = 5 ] && extra=NULL
        ts=$(la_ts $((i + 11))); ts2=$(la_ts $((i + 12)))
        [ $((i % 23)) = 7 ] && { ts=$(la_ts_seed $((i + 11))); ts2=$(la_ts_seed $((i + 12))); }
        echo "INSERT INTO todo (id, title, description, done, due_at, owner_id, team_id, extra, sa_orm_sentinel, created_at, updated_at) VALUES ($(gu "$(la_hex 5 "$i")"), 'Todo $i: write the thing', $( [ $((i % 5)) = 0 ] && echo NULL || echo "'Line one
line two, with a tab	and a quote '' of todo $i'"), $(bool $((i % 3 == 2))), $due, $(gu "$owner"), $team, $extra, NULL, '$ts', '$ts2');"
        for ((j = 0; j < i % 4; j++)); do
            echo "INSERT INTO todo_tag (todo_id, tag_id) VALUES ($(gu "$(la_hex 5 "$i")"), $(gu "$(la_hex 4 $(((i + j * 5) % NTAGS)))"));"
        done
    done
    for ((i = 0; i < NTOKENS; i++)); do
        local req=NULL md5
        [ $((i % 3)) != 0 ] && req=$(hu "$(la_hex 7 "$i")")
        # an MD5 digest: 32 hex digits, but no uuid (the column is not named like one)
        md5=$(printf '%08x%08x%08x%08x' $(( (i * 1103515245 + 12345) & 0xffffffff )) $(( (i * 22695477 + 1) & 0xffffffff )) $(( (i * 134775813 + 1) & 0xffffffff )) $(( (i * 214013 + 2531011) & 0xffffffff )))
        echo "INSERT INTO email_token (id, user_id, request_id, checksum, expires_at) VALUES ($(hu "$(la_hex 6 "$i")"), $(gu "$(la_user_hex $((i % NUSERS)))"), $req, '$md5', '$(la_ts $((i + 300)))');"
    done
    echo "COMMIT;"
}

# The schema as SQLAlchemy 2.0 emits it for SQLite (metadata.create_all or
# an Alembic migration): GUID -> BINARY(16), Uuid -> CHAR(32), DateTimeUTC
# -> DATETIME, JsonB -> JSON, Boolean -> BOOLEAN (no CHECK since 1.4), the
# Enum-like team role -> VARCHAR(6), Advanced-Alchemy's naming convention.
LA_SQLITE_DDL='
CREATE TABLE ddl_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT ddl_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE user_account (
	id BINARY(16) NOT NULL,
	email VARCHAR(320) NOT NULL,
	name VARCHAR(255),
	hashed_password VARCHAR(255),
	avatar_url VARCHAR(500),
	is_active BOOLEAN NOT NULL,
	is_superuser BOOLEAN NOT NULL,
	is_verified BOOLEAN NOT NULL,
	verified_at DATE,
	joined_at DATE NOT NULL,
	login_count INTEGER NOT NULL,
	settings JSON,
	sa_orm_sentinel INTEGER,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_user_account PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_user_account_email ON user_account (email);
CREATE TABLE role (
	id BINARY(16) NOT NULL,
	slug VARCHAR(100) NOT NULL,
	name VARCHAR NOT NULL,
	description VARCHAR,
	sa_orm_sentinel INTEGER,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_role PRIMARY KEY (id),
	CONSTRAINT uq_role_slug UNIQUE (slug),
	CONSTRAINT uq_role_name UNIQUE (name)
);
CREATE TABLE user_account_role (
	user_id BINARY(16) NOT NULL,
	role_id BINARY(16) NOT NULL,
	assigned_at DATETIME NOT NULL,
	CONSTRAINT pk_user_account_role PRIMARY KEY (user_id, role_id),
	CONSTRAINT fk_user_account_role_user_id_user_account FOREIGN KEY(user_id) REFERENCES user_account (id) ON DELETE CASCADE,
	CONSTRAINT fk_user_account_role_role_id_role FOREIGN KEY(role_id) REFERENCES role (id) ON DELETE CASCADE
);
CREATE TABLE team (
	id BINARY(16) NOT NULL,
	name VARCHAR NOT NULL,
	slug VARCHAR(100) NOT NULL,
	description VARCHAR(500),
	is_active BOOLEAN NOT NULL,
	sa_orm_sentinel INTEGER,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_team PRIMARY KEY (id),
	CONSTRAINT uq_team_slug UNIQUE (slug)
);
CREATE INDEX ix_team_name ON team (name);
CREATE TABLE team_member (
	team_id BINARY(16) NOT NULL,
	user_id BINARY(16) NOT NULL,
	role VARCHAR(6) NOT NULL,
	is_owner BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_team_member PRIMARY KEY (team_id, user_id),
	CONSTRAINT fk_team_member_team_id_team FOREIGN KEY(team_id) REFERENCES team (id) ON DELETE CASCADE,
	CONSTRAINT fk_team_member_user_id_user_account FOREIGN KEY(user_id) REFERENCES user_account (id) ON DELETE CASCADE
);
CREATE INDEX ix_team_member_role ON team_member (role);
CREATE TABLE tag (
	id BINARY(16) NOT NULL,
	slug VARCHAR(100) NOT NULL,
	name VARCHAR(100) NOT NULL,
	description VARCHAR(255),
	sa_orm_sentinel INTEGER,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_tag PRIMARY KEY (id),
	CONSTRAINT uq_tag_slug UNIQUE (slug)
);
CREATE TABLE todo (
	id BINARY(16) NOT NULL,
	title VARCHAR(255) NOT NULL,
	description TEXT,
	done BOOLEAN NOT NULL,
	due_at DATETIME,
	owner_id BINARY(16) NOT NULL,
	team_id BINARY(16),
	extra JSON,
	sa_orm_sentinel INTEGER,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_todo PRIMARY KEY (id),
	CONSTRAINT fk_todo_owner_id_user_account FOREIGN KEY(owner_id) REFERENCES user_account (id) ON DELETE CASCADE,
	CONSTRAINT fk_todo_team_id_team FOREIGN KEY(team_id) REFERENCES team (id) ON DELETE SET NULL
);
CREATE INDEX ix_todo_owner_id ON todo (owner_id);
CREATE TABLE todo_tag (
	todo_id BINARY(16) NOT NULL,
	tag_id BINARY(16) NOT NULL,
	CONSTRAINT pk_todo_tag PRIMARY KEY (todo_id, tag_id),
	CONSTRAINT fk_todo_tag_todo_id_todo FOREIGN KEY(todo_id) REFERENCES todo (id) ON DELETE CASCADE,
	CONSTRAINT fk_todo_tag_tag_id_tag FOREIGN KEY(tag_id) REFERENCES tag (id) ON DELETE CASCADE
);
CREATE TABLE email_token (
	id CHAR(32) NOT NULL,
	user_id BINARY(16) NOT NULL,
	request_id CHAR(32),
	checksum CHAR(32) NOT NULL,
	expires_at DATETIME NOT NULL,
	CONSTRAINT pk_email_token PRIMARY KEY (id),
	CONSTRAINT fk_email_token_user_id_user_account FOREIGN KEY(user_id) REFERENCES user_account (id) ON DELETE CASCADE
);
'

# The same schema as SQLAlchemy emits it for PostgreSQL (what `alembic
# upgrade head` creates in prod): GUID -> UUID, DateTimeUTC -> TIMESTAMP
# WITH TIME ZONE, JsonB -> JSONB, Integer -> INTEGER.
la_pg_ddl() {
    printf '%s\n' "$LA_SQLITE_DDL" | sed -e 's/BINARY(16)/UUID/g' -e 's/DATETIME/TIMESTAMP WITH TIME ZONE/g' \
        -e 's/ JSON,/ JSONB,/g' -e 's/^\tid CHAR(32)/\tid UUID/' -e 's/request_id CHAR(32)/request_id UUID/'
}

# The columns of each table with their kind for the dumps below: u a uuid
# (compared as its 32 hex digits, whatever form holds it), j JSON (compared
# as JSON: la_dump_json), and compare.sh's kinds (text, int, bool, date,
# tsus: microseconds in UTC). The first column is the row's key.
declare -A COLS=(
    [ddl_version]="text:version_num"
    [user_account]="u:id text:email text:name text:hashed_password text:avatar_url bool:is_active bool:is_superuser bool:is_verified date:verified_at date:joined_at int:login_count j:settings int:sa_orm_sentinel tsus:created_at tsus:updated_at"
    [role]="u:id text:slug text:name text:description int:sa_orm_sentinel tsus:created_at tsus:updated_at"
    [user_account_role]="u:user_id u:role_id tsus:assigned_at"
    [team]="u:id text:name text:slug text:description bool:is_active int:sa_orm_sentinel tsus:created_at tsus:updated_at"
    [team_member]="u:team_id u:user_id text:role bool:is_owner tsus:created_at tsus:updated_at"
    [tag]="u:id text:slug text:name text:description int:sa_orm_sentinel tsus:created_at tsus:updated_at"
    [todo]="u:id text:title text:description bool:done tsus:due_at u:owner_id u:team_id j:extra int:sa_orm_sentinel tsus:created_at tsus:updated_at"
    [todo_tag]="u:todo_id u:tag_id"
    [email_token]="u:id u:user_id u:request_id text:checksum tsus:expires_at"
)
TABLES="ddl_version user_account role user_account_role team team_member tag todo todo_tag email_token"

# la_uuid ENGINE COLSQL — a uuid as 32 lower-case hex digits, from a
# 16-byte blob or either text form; NULL stays NULL.
la_uuid() {
    if [ "$1" = sqlite ]; then
        echo "CASE WHEN typeof($2) = 'blob' THEN lower(hex($2)) ELSE replace(lower($2), '-', '') END"
    else
        echo "replace(($2)::text, '-', '')"
    fi
}

# la_dump ENGINE DB TABLE — one line per row, sorted, the non-JSON columns
# in a form both engines give alike (NULL is \N).
la_dump() {
    local eng=$1 db=$2 tbl=$3 spec kind name x e sql="" sep="" tab
    if [ "$eng" = sqlite ]; then tab="char(9)"; else tab="E'\\t'"; fi
    for spec in ${COLS[$tbl]}; do
        kind=${spec%%:*} name=${spec#*:}
        x=$(sq_ident "$name")
        case $kind:$eng in
            j:*) continue ;;
            u:*) e="CASE WHEN $x IS NULL THEN '\\N' ELSE $(la_uuid "$eng" "$x") END" ;;
            *:sqlite) e=$(_cmp_sqlite_expr "$kind" "$x") ;;
            *:pg) e=$(_cmp_pg_expr "$kind" "$x") ;;
        esac
        sql+="$sep($e)"
        sep=" || $tab || "
    done
    sql="SELECT $sql FROM $(sq_ident "$tbl")"
    if [ "$eng" = sqlite ]; then
        sqlite3 -batch -readonly -noheader -list "$db" "$sql"
    else
        PGOPTIONS='-c timezone=UTC -c DateStyle=ISO' pg_sql "$db" "$sql"
    fi | LC_ALL=C sort
}

# la_dump_json ENGINE DB TABLE — the JSON columns of TABLE with the row's
# key, one JSON array a row, re-serialised by jq with sorted keys: two
# documents that are the same JSON value give the same line (jsonb
# reorders keys and drops white space); SQL NULL is [key, true, null].
la_dump_json() {
    local eng=$1 db=$2 tbl=$3 spec kind name x key="" args=""
    for spec in ${COLS[$tbl]}; do
        kind=${spec%%:*} name=${spec#*:}
        x=$(sq_ident "$name")
        if [ -z "$key" ]; then key=$(la_uuid "$eng" "$x"); continue; fi
        [ "$kind" = j ] || continue
        args+=", CASE WHEN $x IS NULL THEN 1 ELSE 0 END, "
        if [ "$eng" = sqlite ]; then args+="json($x)"; else args+="$x"; fi
    done
    [ -n "$args" ] || return 0
    if [ "$eng" = sqlite ]; then
        sqlite3 -batch -readonly -noheader -list "$db" "SELECT json_array($key$args) FROM $(sq_ident "$tbl")"
    else
        pg_sql "$db" "SELECT json_build_array($key$args) FROM $(sq_ident "$tbl")"
    fi | jq -cS . | LC_ALL=C sort
}

# same_tables LABEL ENGINE_A DB_A ENGINE_B DB_B — every table's dump equal.
same_tables() {
    local label=$1 ea=$2 da=$3 eb=$4 db=$5 t n
    for t in $TABLES; do
        { la_dump "$ea" "$da" "$t"; la_dump_json "$ea" "$da" "$t"; } >"$TEST_TMP/a.$t" 2>"$TEST_TMP/a.err"
        { la_dump "$eb" "$db" "$t"; la_dump_json "$eb" "$db" "$t"; } >"$TEST_TMP/b.$t" 2>"$TEST_TMP/b.err"
        n=$(la_dump "$ea" "$da" "$t" 2>/dev/null | grep -c .)
        if [ -s "$TEST_TMP/a.err" ] || [ -s "$TEST_TMP/b.err" ]; then
            fail "$label: $t: dump failed: $(cat "$TEST_TMP/a.err" "$TEST_TMP/b.err" | head -c 300)"
        elif [ "$n" = 0 ]; then
            fail "$label: $t: the source dump is empty"
        elif compare_files "$label $t" "$TEST_TMP/a.$t" "$TEST_TMP/b.$t"; then
            pass "$label: $t: all $n rows equal, value by value"
        else
            fail "$label: $t: values differ"
        fi
    done
}

# pg_keys DB — primary keys, unique constraints and indexes, foreign keys
# with their actions, one a line, sorted (constraint names aside).
pg_keys() {
    pg_sql "$1" "SELECT conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f')
                 UNION ALL
                 SELECT tablename || ' ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ USING btree ', '\\1INDEX ')
                 FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN
                     (SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace)
                 ORDER BY 1" | sed 's/public\.//g'
}
# sqlite_keys DB — the same facts from a SQLite file, in pg_keys' form.
sqlite_keys() {
    local db=$1 t
    for t in $TABLES; do
        sqlite_q "$db" "SELECT '$t PRIMARY KEY (' || group_concat(name, ', ') || ')' FROM
                        (SELECT name FROM pragma_table_info('$t') WHERE pk > 0 ORDER BY pk)"
        sqlite_q "$db" "SELECT '$t FOREIGN KEY (' || group_concat(\"from\", ', ') || ') REFERENCES ' || \"table\"
                        || '(' || group_concat(\"to\", ', ') || ')' ||
                        CASE on_delete WHEN 'NO ACTION' THEN '' ELSE ' ON DELETE ' || on_delete END
                        FROM pragma_foreign_key_list('$t') GROUP BY id"
        sqlite_q "$db" "SELECT '$t ' || CASE WHEN il.\"unique\" THEN 'UNIQUE ' ELSE '' END || 'INDEX (' ||
                        (SELECT group_concat(name, ', ') FROM pragma_index_info(il.name)) || ')'
                        FROM pragma_index_list('$t') il WHERE il.origin != 'pk'"
    done | LC_ALL=C sort
}

# --- the dev database -------------------------------------------------------

section "the dev database, as Advanced-Alchemy creates it on SQLite"
rm -f "$DEV"
printf '%s\n' "$LA_SQLITE_DDL" | sqlite3 -batch "$DEV" || fail "create the SQLite schema"
la_data sqlite >"$TEST_TMP/dev-data.sql"
sqlite3 -batch "$DEV" <"$TEST_TMP/dev-data.sql" || fail "load the SQLite rows"
check_eq "the dev database holds its users" "$NUSERS" "$(sqlite_q "$DEV" "SELECT count(*) FROM user_account")"
check_eq "GUIDs are 16-byte blobs, SQLAlchemy Uuids 32 hex digits" "blob:16|text:32|text:32" \
    "$(sqlite_q "$DEV" "SELECT DISTINCT typeof(u.id) || ':' || length(u.id), typeof(e.id) || ':' || length(e.id),
        typeof(e.checksum) || ':' || length(e.checksum) FROM user_account u, email_token e WHERE u.id = e.user_id LIMIT 1")"
check_eq "the foreign keys of the fixture hold" "" "$(sqlite_q "$DEV" "PRAGMA foreign_key_check")"

# The --map files of docs/apps/litestar-todo.md, verbatim.
cat >"$TEST_TMP/litestar-to-pg.map" <<'EOF'
# Advanced-Alchemy stores every datetime through DateTimeUTC: aware, UTC.
# SQLite's DATETIME does not say so; PostgreSQL gets timestamptz.
native DATETIME -> timestamptz
EOF
cat >"$TEST_TMP/litestar-to-sqlite.map" <<'EOF'
# Advanced-Alchemy's GUID is BINARY(16) on SQLite: 16 bytes per uuid.
logical uuid -> BINARY(16)
# The columns the app declares with SQLAlchemy's Uuid: CHAR(32), hex digits.
column email_token.id         -> native CHAR(32)
column email_token.request_id -> native CHAR(32)
EOF

# --- 1. dev SQLite -> PostgreSQL --------------------------------------------

section "1. dev SQLite -> prod PostgreSQL (sqlite+aiosqlite -> postgresql+asyncpg)"
pg_sql postgres "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN
    SET password_encryption = 'scram-sha-256'; CREATE ROLE app LOGIN PASSWORD 'app' IN ROLE pwauth; END IF; END \$\$" >/dev/null
pg_dropdb "$PROD"; pg_createdb "$PROD" app
APP_URL="postgresql+asyncpg://app:app@127.0.0.1:$PGTEST_PORT/$PROD"
DEV_URL="sqlite+aiosqlite:///$DEV"
run_ferry copy "$DEV_URL" "$APP_URL" --map "$TEST_TMP/litestar-to-pg.map" --report "$TEST_TMP/to-pg.json"
check_rc "one command: dev SQLite -> prod PostgreSQL" 0
check_nomatch "the password is never printed" "app:app@" "$(ferry_output)"
check_eq "tables are owned by the app's role" "app" \
    "$(qdb "$PROD" "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")"
check_eq "GUID and Uuid columns are uuid; the MD5 in CHAR(32) stays text" \
    "uuid uuid uuid uuid uuid uuid uuid character varying(32)" \
    "$(for c in user_account.id todo.owner_id todo_tag.tag_id team_member.user_id email_token.id email_token.request_id email_token.user_id email_token.checksum; do
        pg_type "$PROD" "${c%.*}" "${c#*.}"; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "JsonB columns are jsonb" "jsonb jsonb" "$(pg_type "$PROD" user_account settings) $(pg_type "$PROD" todo extra)"
check_eq "DateTimeUTC columns are timestamptz, Date stays date, Boolean boolean" \
    "timestamp with time zone timestamp with time zone timestamp with time zone date boolean" \
    "$(pg_type "$PROD" todo created_at) $(pg_type "$PROD" todo due_at) $(pg_type "$PROD" email_token expires_at) $(pg_type "$PROD" user_account joined_at) $(pg_type "$PROD" todo "done")"
same_tables "SQLite -> PostgreSQL" sqlite "$DEV" pg "$PROD"
check_eq "ddl_version: the same revision, one row" "3f2a9c1b7d4e" "$(qdb "$PROD" "SELECT string_agg(version_num, ',') FROM ddl_version")"
check_ne "the fixture has times a seed script wrote with '+00:00' (compared above as instants)" "0" \
    "$(sqlite_q "$DEV" "SELECT (SELECT count(*) FROM user_account WHERE created_at LIKE '%+00:00') + (SELECT count(*) FROM todo WHERE created_at LIKE '%+00:00')")"

section "1b. keys, indexes and foreign keys on PostgreSQL"
pg_keys "$PROD" >"$TEST_TMP/pg.keys"
for k in "user_account PRIMARY KEY (id)" "user_account_role PRIMARY KEY (user_id, role_id)" \
         "team_member PRIMARY KEY (team_id, user_id)" "todo_tag PRIMARY KEY (todo_id, tag_id)" \
         "email_token PRIMARY KEY (id)" "ddl_version PRIMARY KEY (version_num)" \
         "user_account UNIQUE INDEX (email)" "role UNIQUE (slug)" "role UNIQUE (name)" "team UNIQUE (slug)" \
         "team INDEX (name)" "todo INDEX (owner_id)" "team_member INDEX (role)" \
         "todo_tag FOREIGN KEY (todo_id) REFERENCES todo(id) ON DELETE CASCADE" \
         "todo_tag FOREIGN KEY (tag_id) REFERENCES tag(id) ON DELETE CASCADE" \
         "user_account_role FOREIGN KEY (user_id) REFERENCES user_account(id) ON DELETE CASCADE" \
         "user_account_role FOREIGN KEY (role_id) REFERENCES role(id) ON DELETE CASCADE" \
         "team_member FOREIGN KEY (team_id) REFERENCES team(id) ON DELETE CASCADE" \
         "team_member FOREIGN KEY (user_id) REFERENCES user_account(id) ON DELETE CASCADE" \
         "todo FOREIGN KEY (owner_id) REFERENCES user_account(id) ON DELETE CASCADE" \
         "todo FOREIGN KEY (team_id) REFERENCES team(id) ON DELETE SET NULL" \
         "email_token FOREIGN KEY (user_id) REFERENCES user_account(id) ON DELETE CASCADE"; do
    if grep -qxF "$k" "$TEST_TMP/pg.keys"; then pass "PostgreSQL has: $k"
    else fail "PostgreSQL lacks: $k (it has: $(tr '\n' ';' <"$TEST_TMP/pg.keys"))"; fi
done
check_eq "foreign keys by name, as Advanced-Alchemy's convention named them" \
    "fk_todo_owner_id_user_account fk_todo_tag_tag_id_tag fk_todo_tag_todo_id_todo fk_todo_team_id_team" \
    "$(qdb "$PROD" "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('todo', 'todo_tag')")"

check_eq "unique constraints and indexes keep their names" \
    "ix_team_member_role ix_team_name ix_todo_owner_id ix_user_account_email uq_role_name uq_role_slug uq_tag_slug uq_team_slug" \
    "$(qdb "$PROD" "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')")"
check_eq "primary keys keep Advanced-Alchemy's names (migrations refer to them)" \
    "pk_todo pk_todo_tag" \
    "$(qdb "$PROD" "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text IN ('todo', 'todo_tag')")"

run_ferry verify "$DEV_URL" "$APP_URL" --map "$TEST_TMP/litestar-to-pg.map"
check_rc "ferry verify dev SQLite -> prod PostgreSQL" 0

# --- 2. PostgreSQL -> a fresh SQLite, and back where it came from ----------

section "2. prod PostgreSQL -> a fresh SQLite for local debugging"
rm -f "$DEBUG"
DEBUG_URL="sqlite+aiosqlite:///$DEBUG"
run_ferry copy "$APP_URL" "$DEBUG_URL" --map "$TEST_TMP/litestar-to-sqlite.map" --report "$TEST_TMP/to-sqlite.json"
check_rc "one command: prod PostgreSQL -> debug SQLite" 0
check_eq "GUID columns are BINARY(16) again, Uuid columns CHAR(32)" "BINARY(16) BINARY(16) CHAR(32) CHAR(32) BINARY(16)" \
    "$(sqlite_q "$DEBUG" "SELECT (SELECT type FROM pragma_table_info('user_account') WHERE name = 'id') || ' ' ||
        (SELECT type FROM pragma_table_info('todo_tag') WHERE name = 'tag_id') || ' ' ||
        (SELECT type FROM pragma_table_info('email_token') WHERE name = 'id') || ' ' ||
        (SELECT type FROM pragma_table_info('email_token') WHERE name = 'request_id') || ' ' ||
        (SELECT type FROM pragma_table_info('email_token') WHERE name = 'user_id')")"
same_tables "PostgreSQL -> SQLite" pg "$PROD" sqlite "$DEBUG"

# Round trip: what the app reads from the debug copy is what it read from
# the dev database. uuids: the same storage class and bytes; timestamps the
# same text where SQLAlchemy wrote them, the same instant where the seed
# script added "+00:00" (read by DateTimeUTC as the same aware datetime).
rt() { sqlite3 -batch -noheader -list ":memory:" "ATTACH '$DEV' AS a; ATTACH '$DEBUG' AS b; $1"; }
for t in $TABLES; do
    for spec in ${COLS[$t]}; do
        kind=${spec%%:*} c=${spec#*:}
        [ "$kind" = u ] || continue
        n=$(rt "SELECT count(*) FROM a.$t")
        same=$(rt "SELECT count(*) FROM (SELECT typeof($c), quote($c) FROM a.$t INTERSECT SELECT typeof($c), quote($c) FROM b.$t)")
        nd=$(rt "SELECT count(DISTINCT quote($c)) FROM a.$t")
        check_eq "round trip $t.$c: every uuid stored as before (class and bytes)" "$nd" "$same"
        [ "$n" -gt 0 ] || fail "round trip $t.$c: no rows"
    done
done
for tc in user_account.created_at user_account.updated_at todo.created_at todo.due_at user_account_role.assigned_at email_token.expires_at team.updated_at; do
    t=${tc%.*} c=${tc#*.}
    key=$( [ "$t" = user_account_role ] && echo "user_id, role_id" || echo id)
    check_eq "round trip $tc: SQLAlchemy's text comes back byte for byte" "0" \
        "$(rt "SELECT count(*) FROM (SELECT $key, $c FROM a.$t WHERE $c NOT LIKE '%+00:00' EXCEPT SELECT $key, $c FROM b.$t)")"
done
check_eq "round trip: the seed script's '+00:00' rows are the same instants, without the offset" \
    "$(rt "SELECT group_concat(substr(created_at, 1, 26), ',') FROM (SELECT created_at FROM a.user_account WHERE created_at LIKE '%+00:00' ORDER BY id)")" \
    "$(rt "SELECT group_concat(c, ',') FROM (SELECT bb.created_at AS c FROM b.user_account bb JOIN a.user_account aa ON aa.id = bb.id WHERE aa.created_at LIKE '%+00:00' ORDER BY aa.id)")"
check_eq "round trip: JSON text kept where it was already jsonb's" "0" \
    "$(rt "SELECT count(*) FROM (SELECT id, extra FROM a.todo EXCEPT SELECT id, extra FROM b.todo)")"
check_eq "round trip: ddl_version" "3f2a9c1b7d4e" "$(sqlite_q "$DEBUG" "SELECT group_concat(version_num) FROM ddl_version")"
sqlite_keys "$DEV" >"$TEST_TMP/dev.keys"
sqlite_keys "$DEBUG" >"$TEST_TMP/debug.keys"
if compare_files "keys" "$TEST_TMP/dev.keys" "$TEST_TMP/debug.keys"; then
    pass "round trip: primary keys, unique and other indexes, foreign keys with their actions as in the dev database ($(grep -c . "$TEST_TMP/dev.keys") facts)"
else
    fail "round trip: keys, indexes or foreign keys differ from the dev database"
fi
check_eq "the debug copy's foreign keys hold" "" "$(sqlite_q "$DEBUG" "PRAGMA foreign_key_check")"
run_ferry verify "$APP_URL" "$DEBUG_URL" --map "$TEST_TMP/litestar-to-sqlite.map"
check_rc "ferry verify prod PostgreSQL -> debug SQLite" 0

# The app, on its prod database: a duplicate email is refused, deleting a
# user takes its todos, links and tokens with it (ON DELETE CASCADE), and a
# deleted team leaves its todos without a team (SET NULL).
section "2b. the constraints act on the prod PostgreSQL"
u5=$(la_user_hex 5)
before=$(qdb "$PROD" "SELECT count(*) FROM todo WHERE owner_id = '$u5'")
check_ne "user 5 owns todos" "0" "$before"
check_match "a duplicate email is refused by the unique index" "duplicate key value violates unique constraint \"ix_user_account_email\"" \
    "$(qdb "$PROD" "INSERT INTO user_account (id, email, is_active, is_superuser, is_verified, joined_at, login_count, created_at, updated_at)
        VALUES (gen_random_uuid(), 'user5@example.org', true, false, false, current_date, 0, now(), now())")"
qdb "$PROD" "DELETE FROM user_account WHERE id = '$u5'" >/dev/null
check_eq "deleting a user cascades to todos, todo_tag, roles, memberships and tokens" "0 0 0 0 0" \
    "$(qdb "$PROD" "SELECT (SELECT count(*) FROM todo WHERE owner_id = '$u5') || ' ' ||
        (SELECT count(*) FROM todo_tag WHERE todo_id NOT IN (SELECT id FROM todo)) || ' ' ||
        (SELECT count(*) FROM user_account_role WHERE user_id = '$u5') || ' ' ||
        (SELECT count(*) FROM team_member WHERE user_id = '$u5') || ' ' ||
        (SELECT count(*) FROM email_token WHERE user_id = '$u5')")"
t1=$(la_hex 3 1)
qdb "$PROD" "DELETE FROM team WHERE id = '$t1'" >/dev/null
check_eq "deleting a team leaves its todos without a team" "0 0" \
    "$(qdb "$PROD" "SELECT (SELECT count(*) FROM todo WHERE team_id = '$t1') || ' ' || (SELECT count(*) FROM team_member WHERE team_id = '$t1')")"

# --- 3. a prod database Alembic created on PostgreSQL -> SQLite ------------

section "3. a prod PostgreSQL created by Alembic -> a fresh SQLite"
pg_dropdb "$ALEMBIC_PG"; pg_createdb "$ALEMBIC_PG"
la_pg_ddl | pg_sql "$ALEMBIC_PG" >/dev/null || fail "create the PostgreSQL schema as Alembic does"
la_data pg | pg_sql "$ALEMBIC_PG" >/dev/null || fail "load the PostgreSQL rows"
check_eq "the Alembic schema has uuid, timestamptz, jsonb" "uuid timestamp with time zone jsonb uuid" \
    "$(pg_type "$ALEMBIC_PG" todo id) $(pg_type "$ALEMBIC_PG" todo created_at) $(pg_type "$ALEMBIC_PG" todo extra) $(pg_type "$ALEMBIC_PG" email_token id)"
rm -f "$TEST_TMP/debug2.sqlite3"
run_ferry copy "$(pg_url "$ALEMBIC_PG")" "sqlite:///$TEST_TMP/debug2.sqlite3" --map "$TEST_TMP/litestar-to-sqlite.map"
check_rc "PostgreSQL (Alembic's schema) -> SQLite" 0
same_tables "Alembic PostgreSQL -> SQLite" pg "$ALEMBIC_PG" sqlite "$TEST_TMP/debug2.sqlite3"
check_eq "integer columns stay INTEGER, uuids 16 bytes" "INTEGER blob" \
    "$(sqlite_q "$TEST_TMP/debug2.sqlite3" "SELECT (SELECT type FROM pragma_table_info('todo') WHERE name = 'sa_orm_sentinel') || ' ' || (SELECT DISTINCT typeof(id) FROM todo)")"
run_ferry verify "$(pg_url "$ALEMBIC_PG")" "sqlite:///$TEST_TMP/debug2.sqlite3" --map "$TEST_TMP/litestar-to-sqlite.map"
check_rc "ferry verify Alembic PostgreSQL -> SQLite" 0

# --- 4. into a SQLite schema the app created: uuids in its columns' forms ----

section "4. PostgreSQL -> a SQLite schema the app created (--data-only, no --map)"
rm -f "$TEST_TMP/app-made.sqlite3"
printf '%s\n' "$LA_SQLITE_DDL" | sqlite3 -batch "$TEST_TMP/app-made.sqlite3"
run_ferry copy "$(pg_url "$ALEMBIC_PG")" "sqlite:///$TEST_TMP/app-made.sqlite3" --data-only
check_rc "PostgreSQL -> the app's own SQLite schema" 0
check_eq "each uuid in the form its column declares: BINARY(16) bytes, CHAR(32) hex" "blob:16 text:32 text:32 blob:16" \
    "$(sqlite_q "$TEST_TMP/app-made.sqlite3" "SELECT (SELECT DISTINCT typeof(id) || ':' || length(id) FROM todo) || ' ' ||
        (SELECT DISTINCT typeof(id) || ':' || length(id) FROM email_token) || ' ' ||
        (SELECT DISTINCT typeof(request_id) || ':' || length(request_id) FROM email_token WHERE request_id IS NOT NULL) || ' ' ||
        (SELECT DISTINCT typeof(user_id) || ':' || length(user_id) FROM email_token)")"
same_tables "PostgreSQL -> app-made SQLite" pg "$ALEMBIC_PG" sqlite "$TEST_TMP/app-made.sqlite3"

# --- 5. what the default rules never do ---------------------------------------

section "5. a CHAR(32) *_id column that holds no uuid is never changed"
rm -f "$TEST_TMP/legacy.db"
sqlite3 -batch "$TEST_TMP/legacy.db" "CREATE TABLE web_session (id INTEGER PRIMARY KEY, session_id CHAR(32) NOT NULL, note TEXT);
INSERT INTO web_session VALUES (1, '5b1c0d2e3f4a4b5c8d9e0f1a2b3c4d5e', 'a uuid in hex');
INSERT INTO web_session VALUES (2, 'q7Zx-not-hex-but-32-characters!!', 'a token');
INSERT INTO web_session VALUES (3, '5B1C0D2E3F4A4B5C8D9E0F1A2B3C4D5F', 'upper-case hex');
INSERT INTO web_session VALUES (4, 'abc', 'short');"
LEG=${PGTEST_DB}_legacy
pg_dropdb "$LEG"; pg_createdb "$LEG"
run_ferry copy "sqlite:///$TEST_TMP/legacy.db" "$(pg_url "$LEG")" --rejects "$TEST_TMP/legacy.rejects"
check_rc "rows whose session_id is no uuid are rejected (exit 5)" 5
check_eq "the rejects are rows 2 and 4, naming the column and the value" "2 session_id|4 session_id" \
    "$(jq -r '"\(.row.id) \(.column)"' "$TEST_TMP/legacy.rejects" 2>/dev/null | sort | tr '\n' '|' | sed 's/|$//')"
check_match "the reason quotes the value and says why" "q7Zx-not-hex.*not a UUID" "$(cat "$TEST_TMP/legacy.rejects")"
check_eq "the uuids arrived as uuid (upper-case hex is the same uuid)" \
    "1 5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e|3 5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5f" \
    "$(qdb "$LEG" "SELECT string_agg(id || ' ' || session_id, '|' ORDER BY id) FROM web_session")"
pg_dropdb "$LEG"; pg_createdb "$LEG"
run_ferry copy "sqlite:///$TEST_TMP/legacy.db" "$(pg_url "$LEG")" --widen --report "$TEST_TMP/legacy.json"
check_rc "with --widen the column stays text" 0
check_eq "the report says session_id was widened from uuid" "true uuid" \
    "$(jqf "$TEST_TMP/legacy.json" '.tables[].columns[] | select(.name == "session_id") | "\(.widened) \(.widened_from)"')"
check_eq "every value exactly as it was" \
    "$(sqlite_q "$TEST_TMP/legacy.db" "SELECT group_concat(id || ' ' || session_id, '|') FROM (SELECT * FROM web_session ORDER BY id)")" \
    "$(qdb "$LEG" "SELECT string_agg(id || ' ' || session_id, '|' ORDER BY id) FROM web_session")"
check_match "session_id is text on PostgreSQL" "^(text|character varying.*)$" "$(pg_type "$LEG" web_session session_id)"
pg_dropdb "$LEG"

section "5b. without the --map file, DATETIME stays timestamp (nothing guessed)"
run_ferry plan "$DEV_URL" "$(pg_url "${PGTEST_DB}_nomap")"
check_rc "plan without --map" 0
check_match "created_at: DATETIME -> timestamp" "todo\.created_at: DATETIME -> timestamp -> timestamp" "$(ferry_output)"
check_match "uuids need no --map" "todo\.id: BINARY\(16\) -> uuid -> uuid" "$(ferry_output)"
check_match "the MD5 stays text" "email_token\.checksum: CHAR\(32\) -> text\(32\) -> varchar\(32\)" "$(ferry_output)"

section "6. uuids kept as 36-character text (a UUID column) round-trip with no --map"
rm -f "$TEST_TMP/text36.db" "$TEST_TMP/text36-back.db"
sqlite3 -batch "$TEST_TMP/text36.db" "CREATE TABLE audit_event (id UUID NOT NULL PRIMARY KEY, actor_id UUID, kind VARCHAR(20) NOT NULL);
INSERT INTO audit_event VALUES ('$(la_hex 8 1 | sed -E 's/(.{8})(.{4})(.{4})(.{4})/\1-\2-\3-\4-/')', NULL, 'login'),
    ('$(la_hex 8 2 | sed -E 's/(.{8})(.{4})(.{4})(.{4})/\1-\2-\3-\4-/')', '$(la_hex 8 3 | sed -E 's/(.{8})(.{4})(.{4})(.{4})/\1-\2-\3-\4-/')', 'logout');"
T36=${PGTEST_DB}_text36
pg_dropdb "$T36"; pg_createdb "$T36"
run_ferry copy "sqlite:///$TEST_TMP/text36.db" "$(pg_url "$T36")"
check_rc "SQLite (UUID columns) -> PostgreSQL" 0
check_eq "UUID columns are uuid" "uuid uuid" "$(pg_type "$T36" audit_event id) $(pg_type "$T36" audit_event actor_id)"
run_ferry copy "$(pg_url "$T36")" "sqlite:///$TEST_TMP/text36-back.db"
check_rc "PostgreSQL -> a fresh SQLite, no --map" 0
check_eq "a fresh SQLite gets UUID columns holding the 36-character text, exactly as before" \
    "$(sqlite_q "$TEST_TMP/text36.db" "SELECT group_concat(typeof(id) || ' ' || id || ' ' || quote(actor_id), '|') FROM (SELECT * FROM audit_event ORDER BY id)")" \
    "$(sqlite_q "$TEST_TMP/text36-back.db" "SELECT group_concat(typeof(id) || ' ' || id || ' ' || quote(actor_id), '|') FROM (SELECT * FROM audit_event ORDER BY id)")"
check_eq "declared UUID" "UUID" "$(sqlite_q "$TEST_TMP/text36-back.db" "SELECT type FROM pragma_table_info('audit_event') WHERE name = 'id'")"
pg_dropdb "$T36"

pg_dropdb "$PROD"; pg_dropdb "$ALEMBIC_PG"
finish
