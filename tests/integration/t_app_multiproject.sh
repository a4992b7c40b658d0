#!/usr/bin/env bash
# t_app_multiproject — an app that keeps one SQLite file per project
# (data/project_1.db ... project_4.db: tasks, labels, a task_labels link
# table, alembic_version) moves to PostgreSQL with one schema per project,
# with the one command docs/apps/multi-project.md gives:
#
#   ferry copy 'data/project_*.db' env:DATABASE_URL --schema-per-source --report report.json
#
# The run is killed with SIGKILL once mid-way (the big project half copied;
# its children must die with it), then rerun: every schema ends with exactly
# its project's rows, keys, indexes, foreign keys, sequences and version
# row, the chunks committed before the kill are not redone, `ferry verify`
# passes for each project against its schema, and the one report aggregates
# the four sources. Then: the same move from a job file with "sources" and a
# per-source schema, a MySQL target refused, two sources without
# --schema-per-source refused, and no password anywhere in the output.
source "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=../lib/gen_projects.sh
source "$TLIB/gen_projects.sh"
require_ferry

case $FERRY in *build-asan/*|*build-tsan/*) BIG=${MULTI_ROWS:-60000} ;; *) BIG=${MULTI_ROWS:-200000} ;; esac
CHUNK=2000

mkdir -p data
gen_project data/project_1.db 1 500 &&
gen_project data/project_2.db 2 1200 &&
gen_project data/project_3.db 3 3000 &&
gen_project data/project_4.db 4 "$BIG" || { fail "generate the project files"; finish; }
PROJECTS="1 2 3 4"


# The app's database belongs to a user with a password; the URL is in the
# environment, as the app's own configuration has it.
PW=s3cr3tMulti
pg_add_password_user multiapp "$PW"
DB=${PGTEST_DB}_m
pg_dropdb "$DB"
pg_createdb "$DB" multiapp
export DATABASE_URL="postgresql://multiapp:$PW@127.0.0.1:$PGTEST_PORT/$DB"
CMD=(copy 'data/project_*.db' env:DATABASE_URL --schema-per-source --chunk-rows "$CHUNK"
     --report report.json --progress events.ndjson)

# big_chunks_done — chunks of project_4's job committed so far.
big_chunks_done() {
    qdb "$DB" "SELECT count(*) FROM _ferry.chunks c JOIN _ferry.jobs j USING (job_id)
               WHERE j.source LIKE '%project_4.db' AND c.done" 2>/dev/null | grep -E '^[0-9]+$' || echo 0
}

section "the documented command, killed with SIGKILL mid-way"
echo "  \$ ferry ${CMD[*]} &"
# TMPDIR: the per-source reports' directory, which a killed run leaves behind
TMPDIR=$TEST_TMP "$FERRY" "${CMD[@]}" >run1.out 2>run1.err </dev/null &
PID=$!
T_BG_PIDS+=("$PID")
killed=
for ((i = 0; i < 6000; i++)); do
    n=$(big_chunks_done)
    [ "$n" -ge 5 ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.02
done
CHILDREN=$(ps -o pid= --ppid "$PID" 2>/dev/null | tr -d ' ' | tr '\n' ' ')
if kill -0 "$PID" 2>/dev/null; then
    kill -9 "$PID"
    wait "$PID" 2>/dev/null
    killed=1
    echo "  killed the run (SIGKILL) with $(big_chunks_done) chunk(s) of project_4 committed; children: $CHILDREN"
else
    wait "$PID"
    note "the run ended (exit $?) before the kill point; nothing to resume this time (raise MULTI_ROWS)"
fi
sed 's/^/  | /' run1.err | head -n 20
if [ -n "$killed" ]; then
    check "the run had started one process per source" test -n "$CHILDREN"
    gone=1
    for c in $CHILDREN; do
        wait_for 10 bash -c "! kill -0 $c 2>/dev/null" || gone=
    done
    check "the sources' processes died with the run (none left running)" test -n "$gone"
    done_before=$(big_chunks_done)
    check "project_4 was half copied when killed ($done_before chunk(s) committed)" test "$done_before" -ge 5
    qdb "$DB" "SELECT c.chunk_id || ':' || c.run FROM _ferry.chunks c JOIN _ferry.jobs j USING (job_id)
               WHERE j.source LIKE '%project_4.db' AND c.done" | LC_ALL=C sort >chunks.before
fi

section "rerun the same command: it finishes"
run_ferry "${CMD[@]}"
check_rc "the rerun finishes every source" 0
if [ -n "$killed" ]; then
    check_match "project_4 resumed, not started over" "\[project_4\] resuming job .*: [0-9]+ of [0-9]+ chunk" "$(ferry_output)"
    qdb "$DB" "SELECT c.chunk_id || ':' || c.run FROM _ferry.chunks c JOIN _ferry.jobs j USING (job_id)
               WHERE j.source LIKE '%project_4.db' AND c.done" | LC_ALL=C sort >chunks.after
    check "the chunks committed before the kill were not redone (same run ids)" \
        test -z "$(LC_ALL=C comm -23 chunks.before chunks.after)"
fi
check "report.json is one JSON document" json_valid report.json

section "each schema, table by table"
check_eq "one schema per project" "project_1 project_2 project_3 project_4" \
    "$(qdb "$DB" "SELECT string_agg(nspname, ' ' ORDER BY nspname) FROM pg_namespace WHERE nspname LIKE 'project%'")"
check_eq "nothing in public" 0 "$(qdb "$DB" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
for k in $PROJECTS; do
    s=project_$k
    src=data/$s.db
    check_eq "$s: the four tables" "alembic_version labels task_labels tasks" "$(user_tables "$DB" "$s" | tr '\n' ' ' | sed 's/ $//')"
    for t in tasks labels task_labels alembic_version; do
        # shellcheck disable=SC2086
        check "$s.$t equals $src, value by value" compare_table "$src" "$t" "$DB" "\"$s\".\"$t\"" ${PROJECT_SPEC[$t]}
    done
    n=$(sqlite_q "$src" "SELECT count(*) FROM tasks")
    check_eq "$s.tasks: $n rows, no duplicates" "$n|$n" "$(qdb "$DB" "SELECT count(*), count(DISTINCT id) FROM $s.tasks")"
    check_eq "$s: the version table holds the project's revision" "3f2a9c1d${k}e77" "$(qdb "$DB" "SELECT version_num FROM $s.alembic_version")"
    check_eq "$s: primary keys" "alembic_version:version_num labels:id task_labels:task_id,label_id tasks:id" \
        "$(qdb "$DB" "SELECT string_agg(x, ' ' ORDER BY x) FROM (
                        SELECT r.relname || ':' || (SELECT string_agg(a.attname, ',' ORDER BY k.o)
                               FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS x
                        FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
                        WHERE c.connamespace = '$s'::regnamespace AND c.contype = 'p') q")"
    check_eq "$s: labels.name stays unique" 1 "$(qdb "$DB" "SELECT count(*) FROM pg_constraint WHERE conrelid = '$s.labels'::regclass AND contype = 'u'")"
    check_eq "$s: the indexes" "ix_task_labels_label:(label_id) ix_tasks_done:(done, priority DESC)" \
        "$(qdb "$DB" "SELECT string_agg(indexname || ':' || substring(indexdef from '\(.*\)$'), ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = '$s' AND indexname LIKE 'ix_%'")"
    # Foreign keys point into the project's own schema, with their actions.
    check_eq "$s: the foreign keys, within the schema (a = no action, c = cascade)" \
        "task_labels(label_id)->$s.labels a task_labels(task_id)->$s.tasks c tasks(parent_id)->$s.tasks c" \
        "$(qdb "$DB" "SELECT string_agg(x, ' ' ORDER BY x) FROM (
                        SELECT cr.relname || '(' || a.attname || ')->' || fn.nspname || '.' || fr.relname
                               || ' ' || c.confdeltype::text AS x
                        FROM pg_constraint c JOIN pg_class cr ON cr.oid = c.conrelid
                        JOIN pg_class fr ON fr.oid = c.confrelid JOIN pg_namespace fn ON fn.oid = fr.relnamespace
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                        WHERE c.connamespace = '$s'::regnamespace AND c.contype = 'f') q")"
    max=$(sqlite_q "$src" "SELECT max(id) FROM tasks")
    check_eq "$s: the app's next task gets id $((max + 1))" "$((max + 1))" \
        "$(qdb "$DB" "INSERT INTO $s.tasks (title) VALUES ('new') RETURNING id")"
    qdb "$DB" "DELETE FROM $s.tasks WHERE title = 'new'" >/dev/null
done

section "ferry verify, each project against its schema"
for k in $PROJECTS; do
    run_ferry verify "data/project_$k.db" env:DATABASE_URL --target-schema "project_$k"
    check_rc "verify project_$k" 0
done

section "the one report"
check_eq "overall status and exit code" "ok 0" "$(jqf report.json '"\(.status) \(.exit_code)"')"
check_eq "four sources, all fine" "4 4" "$(jqf report.json '"\(.totals.sources) \(.totals.sources_ok)"')"
check_eq "per source: schema, tables, rejects" \
    "project_1:4:0 project_2:4:0 project_3:4:0 project_4:4:0" \
    "$(jqf report.json '[.sources[] | "\(.schema):\(.tables):\(.rejects)"] | join(" ")')"
want_rows=""
sum=0
for k in $PROJECTS; do
    r=$(sqlite_q "data/project_$k.db" "SELECT (SELECT count(*) FROM tasks) + (SELECT count(*) FROM labels) + (SELECT count(*) FROM task_labels) + 1")
    want_rows="$want_rows $r"
    sum=$((sum + r))
done
check_eq "per source: the rows in its schema (all runs)" "${want_rows# }" "$(jqf report.json '[.sources[].rows] | map(tostring) | join(" ")')"
check_eq "total rows" "$sum" "$(jqf report.json '.totals.rows')"
if [ -n "$killed" ]; then
    check_eq "project_4 status: resumed to ok" ok "$(jqf report.json '.sources[3].status')"
    check "project_4's rows written by the rerun are fewer than its total (the rest were kept)" \
        test "$(jqf report.json '.sources[3].rows_written')" -lt "$(jqf report.json '.sources[3].rows')"
fi
check_eq "each source carries its own full report" "4" "$(jqf report.json '[.sources[].report.job] | unique | length')"
check_eq "each source's report names its schema" "project_1 project_2 project_3 project_4" \
    "$(jqf report.json '[.sources[].report.target_schema] | join(" ")')"
check "events: the run's start and end, and one source_done per source" \
    test "$(count_events events.ndjson multi_done)" -ge 1 -a "$(count_events events.ndjson source_done)" -ge 4

section "rerun once more: nothing to do"
run_ferry "${CMD[@]}"
check_rc "a finished multi-source job" 0
check_eq "every source already done" "already_done already_done already_done already_done" \
    "$(jqf report.json '[.sources[].status] | join(" ")')"
check_eq "... and the report still counts their rows" "$sum" "$(jqf report.json '.totals.rows')"

section "no password anywhere"
for f in run1.out run1.err "$OUT" "$ERR" report.json events.ndjson; do
    check_nomatch "no password in $(basename "$f")" "$PW" "$(cat "$f" 2>/dev/null)"
done
check_eq "no password in ferry's state" 0 "$(qdb "$DB" "SELECT count(*) FROM _ferry.jobs WHERE source || target || coalesce(command, '') || coalesce(options, '') LIKE '%$PW%'")"

section "the same move from a job file: sources, one with a schema of its own"
DB2=${PGTEST_DB}_j
pg_dropdb "$DB2"
pg_createdb "$DB2"
export JOB_TARGET_URL=$(pg_url "$DB2")
cat >multi.json <<'EOF'
{
  // one schema per project; project_1 goes into "alpha"
  "sources": [{"url": "data/project_1.db", "schema": "alpha"}, "data/project_[23].db"],
  "target": "env:JOB_TARGET_URL",
  "schema_name": "p_{stem}",
  "jobs": 3,
  "report": "multi-report.json"
}
EOF
run_ferry run multi.json
check_rc "ferry run multi.json" 0
check_eq "schemas from the file" "alpha p_project_2 p_project_3" \
    "$(qdb "$DB2" "SELECT string_agg(nspname, ' ' ORDER BY nspname) FROM pg_namespace WHERE nspname IN ('alpha') OR nspname LIKE 'p\_%'")"
# shellcheck disable=SC2086
check "alpha.tasks equals project_1" compare_table data/project_1.db tasks "$DB2" alpha.tasks ${PROJECT_SPEC[tasks]}
# shellcheck disable=SC2086
check "p_project_3.task_labels equals project_3" compare_table data/project_3.db task_labels "$DB2" p_project_3.task_labels ${PROJECT_SPEC[task_labels]}
check_eq "its report: three sources" "3 ok" "$(jqf multi-report.json '"\(.totals.sources) \(.status)"')"

section "refusals"
run_ferry copy 'data/project_*.db' "mysql://root@127.0.0.1:1/app" --schema-per-source
check_rc "a MySQL target is refused" 2
check_match "... saying why and what to do" "needs a PostgreSQL target.*database of its own" "$(ferry_output)"
run_ferry copy data/project_1.db data/project_2.db "$(pg_url "$DB2")"
check_rc "two sources without --schema-per-source" 2
check_match "... names the option" "add --schema-per-source" "$(ferry_output)"
run_ferry copy 'data/project_*.db' "$(pg_url "$DB2")" --schema-per-source --schema-name app
check_rc "two sources into one schema" 2
check_match "... names both" "would both go into schema \"app\"" "$(ferry_output)"
run_ferry copy 'data/nothing_*.db' "$(pg_url "$DB2")" --schema-per-source
check_rc "a glob that matches nothing" 2

pg_dropdb "$DB"
pg_dropdb "$DB2"
finish
