#!/usr/bin/env bash
# t_jobfile — `ferry run JOBFILE` and renames.
#   - a job file and the equivalent command line give the same database
#     (tables, columns and types, keys, indexes, foreign keys, rows) and are
#     the same job (the command line finds the file's job finished);
#   - the file's "types" give the same columns as the equivalent --map file;
#   - unknown keys and wrong types are errors naming the key and the file,
#     never showing a URL's password; options after the file override it;
#   - --rename-table / --rename-column: target names, the keys, indexes and
#     foreign keys that follow them, ferry verify with the same renames, a
#     typo refused, and a changed rename refused on resume (exit 7).
source "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=../lib/gen_projects.sh
source "$TLIB/gen_projects.sh"
require_ferry

APP=$TEST_TMP/app.db
gen_project "$APP" 2 3000 || { fail "generate the app database"; finish; }
sqlite3 -batch -bail "$APP" "CREATE TABLE notes_tmp (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes_tmp VALUES (1, 'x');"

# newdb SUFFIX — a fresh database named after the test; prints its name.
newdb() { local d="${PGTEST_DB}_$1"; pg_dropdb "$d"; pg_createdb "$d"; echo "$d"; }

# shape DB — the target's structure as text: columns with types, then
# constraints and indexes, one a line, sorted.
shape() {
    qdb "$1" "SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
              FROM information_schema.columns WHERE table_schema = 'public'
              UNION ALL
              SELECT 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'public'::regnamespace
              UNION ALL
              SELECT 'idx ' || indexdef FROM pg_indexes WHERE schemaname = 'public'" | LC_ALL=C sort
}

cat >types.map <<'EOF'
column tasks.priority -> int32
native DATE -> text
EOF

section "a job file equals its command line"
DA=$(newdb job); DB_=$(newdb cli)
export JOB_TARGET=$(pg_url "$DA")
cat >job.json <<EOF
{
  // the app's copy, written down
  "version": 1,
  "description": "t_jobfile: the same as the command line below",
  "source": "sqlite:///$APP",
  "target": "env:JOB_TARGET",
  "exclude": ["notes_*"],
  "renames": {"tables": {"tasks": "todo"}, "columns": {"tasks.title": "name"}},
  "map": "types.map",
  "jobs": 2,
  "chunk_rows": 500,
  "report": "job-report.json"
}
EOF
run_ferry run job.json
check_rc "ferry run job.json" 0
CLI=(copy "sqlite:///$APP" "$(pg_url "$DA")" --exclude 'notes_*' --rename-table tasks=todo
     --rename-column tasks.title=name --map types.map --jobs 2 --chunk-rows 500)
run_ferry copy "sqlite:///$APP" "$(pg_url "$DB_")" "${CLI[@]:3}"
check_rc "the equivalent command line, into another database" 0
shape "$DA" >shape.job
shape "$DB_" >shape.cli
check "same tables, columns, types, keys, indexes and foreign keys" compare_files shape shape.job shape.cli
check "the structure is not empty" test "$(wc -l <shape.job)" -gt 20
for t in todo labels task_labels alembic_version; do
    src=$t; [ "$t" = todo ] && src=tasks
    spec=${PROJECT_SPEC[$src]}
    [ "$t" = todo ] && spec=${spec/text:title/text:name}
    # shellcheck disable=SC2086
    check "$t: the same rows from both" compare_pg_tables "$DA" "$t" "$(tr ' ' '\n' <<<"$spec")" "$DB_" "$t" "$(tr ' ' '\n' <<<"$spec")"
done
check_eq "the file's report was written" ok "$(jqf job-report.json .status)"
check_eq "the map was applied (tasks.priority int32)" integer "$(pg_type "$DA" todo priority)"
run_ferry "${CLI[@]}"
check_rc "the command line into the file's target" 0
check_match "... finds the file's job: the same job" "already finished" "$(ferry_output)"

section "\"types\" give what the same --map rules give"
DT=$(newdb types)
cat >types.json <<EOF
{"source": "$APP", "target": "$(pg_url "$DT")", "exclude": "notes_*",
 "renames": {"tables": {"tasks": "todo"}, "columns": {"tasks.title": "name"}},
 "types": {"tasks.priority": "int32", "DATE": "text"}, "jobs": 2, "chunk_rows": 500}
EOF
run_ferry run types.json
check_rc "ferry run types.json" 0
shape "$DT" >shape.types
check "the same structure as with types.map" compare_files types shape.job shape.types
check_eq "DATE became text" text "$(pg_type "$DT" todo due)"
check "the temporary map file is gone" test -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'ferry-job-types-*' -newer types.json 2>/dev/null)"

section "errors name the key and the file"
printf '{"source": "%s", "target": "env:JOB_TARGET", "chunk_size": 100}\n' "$APP" >typo.json
run_ferry run typo.json
check_rc "an unknown key" 2
check_match "... is named, with the file" "typo.json: unknown key \"chunk_size\"" "$(ferry_output)"
check_match "... and the known ones listed" "chunk_rows" "$(ferry_output)"
PW=s3cr3tJob
printf '{"source": "%s", "target": "postgresql://app:%s@127.0.0.1:1/app", "jobs": "two"}\n' "$APP" "$PW" >wrongtype.json
run_ferry run wrongtype.json
check_rc "a wrong type" 2
check_match "... names the key and the expected type" "wrongtype.json: \"jobs\" must be an integer from 1 to 64 .*not a string" "$(ferry_output)"
check_nomatch "... and never shows the URL's password" "$PW" "$(ferry_output)"
printf '{"source": "%s",\n "target": "postgresql://app:%s@127.0.0.1:1/app",\n "jobs": 2,,\n}\n' "$APP" "$PW" >broken.json
run_ferry run broken.json
check_rc "a file that is not JSON" 2
check_match "... says where" "broken.json: line 3, column" "$(ferry_output)"
check_nomatch "... without echoing the text" "$PW" "$(ferry_output)"
printf '{"source": "%s", "target": "postgresql://app:%s@127.0.0.1:1/app", "jobs": 1}\n' "$APP" "$PW" >pw.json
run_ferry run pw.json --quiet
check_ne "a URL with a password that cannot connect fails" 0 "$RC"
check_nomatch "... and the error masks the password" "$PW" "$(ferry_output)"
check_match "... showing it masked" "app:\*\*\*@" "$(ferry_output)"
run_ferry run job.json extra.db
check_rc "an argument after the job file" 2
check_match "... only options may follow" "only options may follow the job file" "$(ferry_output)"
run_ferry run missing.json
check_rc "a missing job file" 2
check_match "... named" "missing.json" "$(ferry_output)"

section "options after the file override it"
rm -f job-report.json override.json
oid=$(qdb "$DA" "SELECT 'public.todo'::regclass::oid")
run_ferry run job.json --restart --report override.json
check_rc "ferry run job.json --restart --report override.json" 0
check_match "--restart took effect" "restart: forgot job" "$(ferry_output)"
check_ne "... the tables were made again" "$oid" "$(qdb "$DA" "SELECT 'public.todo'::regclass::oid")"
check "--report override.json was written" json_valid override.json
check "... instead of the file's report" test ! -e job-report.json
DO=$(newdb override)
export JOB_TARGET=$(pg_url "$DO")
run_ferry run job.json --tables labels --rename-table labels=tags
check_rc "--tables replaces the file's selection (and a rename adds to the file's)" 0
check_eq "only the selected table, renamed" "tags" "$(user_tables "$DO" | tr '\n' ' ' | sed 's/ $//')"
run_ferry copy "sqlite:///$APP" "$(pg_url "$DO")" --tables labels --exclude 'notes_*' --map types.map \
    --rename-table labels=tags
check_rc "the command line it amounts to" 0
check_match "... is the same job" "already finished" "$(ferry_output)"
export JOB_TARGET=$(pg_url "$DA")

section "renames: names, keys, indexes, foreign keys"
check_eq "tables" "alembic_version labels task_labels todo" "$(user_tables "$DA" | tr '\n' ' ' | sed 's/ $//')"
check_eq "todo.name is the renamed title, with its type" "character varying(200)" "$(pg_type "$DA" todo name)"
check_eq "no column title left" "" "$(pg_type "$DA" todo title)"
check_eq "the primary key follows the table" "todo_pkey PRIMARY KEY (id)" \
    "$(qdb "$DA" "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'todo'::regclass AND contype = 'p'")"
check_match "the index is on the renamed table and column" "ix_tasks_done ON public.todo USING btree \(done, priority DESC\)" \
    "$(qdb "$DA" "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tasks_done'")"
check_eq "foreign keys reference the renamed table" \
    "task_labels_task_id_fkey FOREIGN KEY (task_id) REFERENCES todo(id) ON DELETE CASCADE|todo_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES todo(id) ON DELETE CASCADE" \
    "$(qdb "$DA" "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '|' ORDER BY conname) FROM pg_constraint WHERE confrelid = 'todo'::regclass")"
check_eq "the renamed table keeps its identity: next id" "3001" "$(qdb "$DA" "INSERT INTO todo (name) VALUES ('x') RETURNING id")"
qdb "$DA" "DELETE FROM todo WHERE id = 3001" >/dev/null
run_ferry verify "sqlite:///$APP" "$(pg_url "$DA")" --exclude 'notes_*' --rename-table tasks=todo --rename-column tasks.title=name --map types.map
check_rc "ferry verify with the same renames: equal" 0
run_ferry verify "sqlite:///$APP" "$(pg_url "$DA")" --exclude 'notes_*' --map types.map
check_ne "ferry verify without them does not find tasks" 0 "$RC"
run_ferry copy "sqlite:///$APP" "$(pg_url "$(newdb typo)")" --rename-table taks=todo
check_rc "a rename of a table the source lacks" 2
check_match "... names it" "the source has no table \"taks\"" "$(ferry_output)"
run_ferry copy "sqlite:///$APP" "$(pg_url "${PGTEST_DB}_typo")" --rename-column tasks.titel=name
check_rc "a rename of a column the table lacks" 2
check_match "... names it" "table \"tasks\" has no column \"titel\"" "$(ferry_output)"
run_ferry copy "sqlite:///$APP" "$(pg_url "${PGTEST_DB}_typo")" --rename-table tasks=labels
check_rc "a rename onto another table's name" 2
check_match "... names both" "would be used twice" "$(ferry_output)"
run_ferry copy "sqlite:///$APP" "$(pg_url "${PGTEST_DB}_typo")" --rename-column tasks=name
check_rc "--rename-column without a table" 2

section "a changed rename is refused on resume"
case $FERRY in *build-asan/*|*build-tsan/*) NBIG=60000 ;; *) NBIG=200000 ;; esac
BIG=$TEST_TMP/big.db
gen_project "$BIG" 3 "$NBIG" || fail "generate the big app database"
DR=$(newdb resume)
"$FERRY" copy "sqlite:///$BIG" "$(pg_url "$DR")" --rename-table tasks=todo --chunk-rows 1000 --jobs 2 \
    >bg.out 2>bg.err </dev/null &
PID=$!
T_BG_PIDS+=("$PID")
for ((i = 0; i < 6000; i++)); do
    n=$(qdb "$DR" "SELECT count(*) FROM _ferry.chunks WHERE done" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
    [ "$n" -ge 3 ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.02
done
if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    wait "$PID"
    rc=$?
    check_eq "stopped mid-way (exit 6)" 6 "$rc"
    run_ferry copy "sqlite:///$BIG" "$(pg_url "$DR")" --rename-table tasks=todos --chunk-rows 1000 --jobs 2
    check_rc "the same job with another rename" 7
    check_match "... says the rename changed" "rename-table/--rename-column changed \(tasks=todo -> tasks=todos\)" "$(ferry_output)"
    run_ferry copy "sqlite:///$BIG" "$(pg_url "$DR")" --rename-table tasks=todo --chunk-rows 1000 --jobs 2
    check_rc "with the rename it started with, it resumes" 0
    check_match "... resuming" "resuming job" "$(ferry_output)"
    check_eq "every row once" "$NBIG|$NBIG" "$(qdb "$DR" 'SELECT count(*), count(DISTINCT id) FROM todo')"
    spec=${PROJECT_SPEC[tasks]}
    # shellcheck disable=SC2086
    check "todo equals the source's tasks" compare_table "$BIG" tasks "$DR" todo $spec
else
    wait "$PID"
    note "the copy ended (exit $?) before it could be stopped; the resume check did not run"
fi

for d in "$DA" "$DB_" "$DT" "$DO" "$DR" "${PGTEST_DB}_typo"; do pg_dropdb "$d"; done
finish
