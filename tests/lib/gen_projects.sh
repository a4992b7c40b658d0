# shellcheck shell=bash
# gen_projects.sh — a small task-tracking app's SQLite database, as the
# multi-project and job-file tests use it (sourced; needs sqlite3):
#
#   gen_project DB K NTASKS    tasks (NTASKS rows), labels (3+K), a task_labels
#                              link table and alembic_version; the same schema
#                              for every K, data depending on K
#   PROJECT_SPEC[table]        the compare.sh column specs of each table
#
# The tests rely on the exact contents written here.

# gen_project DB K NTASKS — one project's database: the same schema in
# every file, data that depends on K (label names, flags, dates, parents).
gen_project() {
    local db=$1 k=$2 n=$3
    rm -f "$db"
    sqlite3 -batch -bail "$db" <<SQL
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version VALUES ('3f2a9c1d${k}e77');
CREATE TABLE labels (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, color CHAR(7));
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title VARCHAR(200) NOT NULL,
    done BOOLEAN NOT NULL DEFAULT 0,
    priority INTEGER,
    due DATE,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    parent_id INTEGER REFERENCES tasks(id) ON DELETE CASCADE
);
CREATE INDEX ix_tasks_done ON tasks (done, priority DESC);
CREATE TABLE task_labels (
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    label_id INTEGER NOT NULL REFERENCES labels(id),
    PRIMARY KEY (task_id, label_id)
);
CREATE INDEX ix_task_labels_label ON task_labels (label_id);
WITH RECURSIVE l(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM l WHERE i < 3 + $k)
INSERT INTO labels SELECT i, 'label-$k-' || i, printf('#%06x', i * 4099 + $k) FROM l;
WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM t WHERE i < $n)
INSERT INTO tasks SELECT i, 'task ' || i || ' of project $k', (i + $k) % 3 = 0,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i % 5 END,
    date('2026-01-01', '+' || (i % 300) || ' days'),
    datetime('2026-01-01 08:00:00', '+' || (i * $k) || ' minutes'),
    CASE WHEN i > 10 AND i % 4 = 0 THEN i - 3 END FROM t;
INSERT INTO task_labels SELECT t.id, l.id FROM tasks t JOIN labels l ON (t.id + l.id) % 3 = 0;
COMMIT;
SQL
}

declare -A PROJECT_SPEC=(
  [tasks]="int:id text:title bool:done int:priority date:due ts:created_at int:parent_id"
  [labels]="int:id text:name text:color"
  [task_labels]="int:task_id int:label_id"
  [alembic_version]="text:version_num"
)
