/* test_jobfile.c — job files (engine/jobfile.c: the file becomes the copy
 * command line, errors name the key and never a URL), renames (rename.c,
 * and the plan's target names: tables, columns, keys, indexes, foreign keys,
 * the fingerprint), and the naming helpers of --schema-per-source
 * (multi_sources.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "test.h"
#include "jobfile.h"
#include "multi.h"
#include "rename.h"
#include "session.h"

/* argv_text — the built command line as one string, arguments separated by
 * '|' (for comparisons). Caller frees. */
static char *argv_text(const jobfile_args *ja)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < ja->argc; i++) strbuf_addf(&sb, "%s%s", i ? "|" : "", ja->argv[i]);
    return strbuf_detach(&sb);
}

/* build — jobfile_build with options typed after the file; -1 on error. */
static int build(const char *text, int argc, const char **argv, jobfile_args *ja, ferry_err *e)
{
    return jobfile_build("job.json", text, argc, (char **)argv, ja, e);
}

TEST(jobfile_every_option)
{
    const char *text =
        "{ // comments are allowed\n"
        "  \"version\": 1, \"description\": \"a test\",\n"
        "  \"source\": \"sqlite:///app.db\", \"target\": \"env:DATABASE_URL\", /* here too */\n"
        "  \"tables\": [\"a*\", \"b\"], \"exclude\": \"tmp_*\", \"target_schema\": \"app\",\n"
        "  \"jobs\": 8, \"chunk_rows\": 1000, \"if_exists\": \"drop\", \"schema_only\": false,\n"
        "  \"data_only\": true, \"restart\": true, \"widen\": true, \"lower_case\": true,\n"
        "  \"progress\": \"p.ndjson\", \"report\": \"r.json\", \"rejects\": \"rj.ndjson\",\n"
        "  \"max_errors\": 0, \"memory\": 32, \"zero_dates\": \"null\", \"verify\": true,\n"
        "  \"retries\": 2, \"copy_format\": \"text\", \"lock_timeout\": 5, \"quiet\": true,\n"
        "  \"renames\": {\"tables\": {\"tasks\": \"todo\"}, \"columns\": {\"tasks.title\": \"name\"}}\n"
        "}\n";
    jobfile_args ja;
    ferry_err e = {0};
    ASSERT_EQ_INT(build(text, 0, NULL, &ja, &e), 0);
    char *got = argv_text(&ja);
    ASSERT_EQ_STR(got, "copy|sqlite:///app.db|env:DATABASE_URL|--tables|a*,b|--exclude|tmp_*|"
                       "--target-schema|app|--jobs|8|--chunk-rows|1000|--if-exists|drop|"
                       "--data-only|--restart|--widen|--lower-case|--progress|p.ndjson|--report|"
                       "r.json|--rejects|rj.ndjson|--max-errors|0|--memory|32|--zero-dates|null|"
                       "--verify|--retries|2|--copy-format|text|--lock-timeout|5|--quiet|"
                       "--rename-table|tasks=todo|--rename-column|tasks.title=name");
    ASSERT_EQ_INT(ja.npositional, 2);
    ASSERT(ja.types_rules == NULL);
    ASSERT(ja.map_file == NULL);
    free(got);
    jobfile_args_free(&ja);
}

TEST(jobfile_command_line_overrides)
{
    const char *text = "{\"source\": \"a.db\", \"target\": \"b.db\", \"tables\": [\"x\"], "
                       "\"jobs\": 2, \"map\": \"job.map\"}";
    const char *cli[] = {"--restart", "--tables", "y,z", "--jobs", "6", "--map", "mine.map"};
    jobfile_args ja;
    ferry_err e = {0};
    ASSERT_EQ_INT(build(text, 7, cli, &ja, &e), 0);
    char *got = argv_text(&ja);
    /* the file's --tables is dropped (the typed list replaces it); the
     * typed --jobs comes after the file's, so it wins; --map is kept apart */
    ASSERT_EQ_STR(got, "copy|a.db|b.db|--jobs|2|--restart|--tables|y,z|--jobs|6");
    ASSERT_EQ_STR(ja.map_file, "mine.map");
    free(got);
    jobfile_args_free(&ja);
}

TEST(jobfile_sources_and_types)
{
    const char *text = "{\"sources\": [\"data/p_*.db\", {\"url\": \"other.db\", \"schema\": \"o\"}],"
                       " \"target\": \"postgresql://app@db/app\", \"schema_name\": \"proj_{stem}\","
                       " \"types\": {\"tasks.priority\": \"int32\", \"DATETIME\": \"timestamptz\","
                       " \"logical json\": \"json\"}}";
    jobfile_args ja;
    ferry_err e = {0};
    ASSERT_EQ_INT(build(text, 0, NULL, &ja, &e), 0);
    char *got = argv_text(&ja);
    ASSERT_EQ_STR(got, "copy|data/p_*.db|other.db|postgresql://app@db/app|--schema-for|other.db=o|"
                       "--schema-per-source|--schema-name|proj_{stem}");
    ASSERT_EQ_INT(ja.npositional, 3);
    ASSERT_EQ_STR(ja.types_rules, "column tasks.priority -> int32\nnative DATETIME -> timestamptz\n"
                                  "logical json -> json\n");
    free(got);
    jobfile_args_free(&ja);
}

/* expect_error — the build fails and the message holds want (and never
 * the password "s3cret"). */
static void expect_error(const char *text, const char *want)
{
    jobfile_args ja;
    ferry_err e = {0};
    if (build(text, 0, NULL, &ja, &e) == 0) {
        FAIL_AT("accepted: %s", text);
        jobfile_args_free(&ja);
        return;
    }
    if (!strstr(e.msg, want)) FAIL_AT("[%s] message \"%s\" lacks \"%s\"", text, e.msg, want);
    if (!strstr(e.msg, "job.json")) FAIL_AT("message \"%s\" does not name the file", e.msg);
    if (strstr(e.msg, "s3cret")) FAIL_AT("message \"%s\" shows the password", e.msg);
}

TEST(jobfile_errors)
{
    const char *t = "\"target\": \"postgresql://u:s3cret@h/db\"";
    char buf[512];
#define E(body, want) do { snprintf(buf, sizeof buf, "{\"source\": \"a.db\", %s, %s}", t, body); \
                           expect_error(buf, want); } while (0)
    E("\"jbos\": 4", "unknown key \"jbos\"");
    E("\"jobs\": \"4\"", "\"jobs\" must be an integer from 1 to 64 (the --jobs option), not a string");
    E("\"jobs\": 100", "not 100");
    E("\"jobs\": 1.5", "\"jobs\" must be an integer");
    E("\"verify\": 1", "\"verify\" must be true or false");
    E("\"tables\": 5", "\"tables\" must be an array");
    E("\"tables\": [\"a\", 3]", "\"tables\"[1] must be a table name");
    E("\"if_exists\": \"nope\"", "one of fail|drop|truncate|append");
    E("\"renames\": {\"tables\": {\"a\": 3}}", "\"renames\".\"tables\".\"a\" must be the new name");
    E("\"renames\": {\"cols\": {}}", "unknown key \"renames\".\"cols\"");
    E("\"renames\": {\"columns\": {\"nodot\": \"x\"}}", "must be table.column");
    E("\"types\": {\"t.c\": 5}", "\"types\".\"t.c\" must be a type");
    E("\"types\": {\"logical int33\": \"int\"}", "\"types\".\"logical int33\"");
    E("\"sources\": [\"b.db\"]", "not both");
    E("\"jobs\": 2, \"jobs\": 3", "given twice");
#undef E
    expect_error("{\"source\": 5, \"target\": \"x\"}", "\"source\" must be a string");
    expect_error("{\"source\": \"a.db\"}", "no \"target\"");
    expect_error("{\"target\": \"postgresql://u:s3cret@h/db\"}", "no \"source\"");
    expect_error("{\"source\": \"a.db\",\n \"target\": \"postgresql://u:s3cret@h/db\"\n x}",
                 "line 3, column 2: not valid JSON");
    expect_error("[1]", "one JSON object");
    expect_error("{\"sources\": [{\"url\": \"a.db\", \"color\": 1}], \"target\": \"x\"}",
                 "unknown key \"sources\"[0].\"color\"");
}

TEST(renames_parse)
{
    ferry_rename *r = NULL;
    int n = 0;
    char why[200];
    ASSERT_EQ_INT(renames_add(&r, &n, "tasks=todo", 0, why, sizeof why), 0);
    ASSERT_EQ_INT(renames_add(&r, &n, "my.schema.tasks.title=name", 1, why, sizeof why), 0);
    ASSERT_EQ_STR(r[0].table, "tasks");
    ASSERT(r[0].column == NULL);
    ASSERT_EQ_STR(r[0].to, "todo");
    ASSERT_EQ_STR(r[1].table, "my.schema.tasks");      /* the last dot separates the column */
    ASSERT_EQ_STR(r[1].column, "title");
    ASSERT_EQ_STR(r[1].to, "name");
    ASSERT(renames_add(&r, &n, "tasks", 0, why, sizeof why) != 0);
    ASSERT(strstr(why, "--rename-table wants OLD=NEW") != NULL);
    ASSERT(renames_add(&r, &n, "=x", 0, why, sizeof why) != 0);
    ASSERT(renames_add(&r, &n, "a=", 0, why, sizeof why) != 0);
    ASSERT(renames_add(&r, &n, "title=name", 1, why, sizeof why) != 0);
    ASSERT(strstr(why, "TABLE.OLD=NEW") != NULL);
    ASSERT_EQ_INT(n, 2);
    renames_free(r, n);
}

TEST(multi_names)
{
    ferry_err e = {0};
    char *s = multi_schema_name("{stem}", "project_1", &e);
    ASSERT_EQ_STR(s, "project_1");
    free(s);
    s = multi_schema_name("app_{stem}_v{stem}", "x", &e);
    ASSERT_EQ_STR(s, "app_x_vx");
    free(s);
    ASSERT(multi_schema_name("{name}", "x", &e) == NULL);
    ASSERT(strstr(e.msg, "unknown placeholder {name}") != NULL);
    ASSERT(multi_schema_name("pg_{stem}", "x", &e) == NULL);
    ASSERT(multi_schema_name("_ferry", "x", &e) == NULL);
    ASSERT(multi_schema_name("{stem}", "", &e) == NULL);
    ASSERT(multi_schema_name("{stem}", "a234567890123456789012345678901234567890123456789012345678901234", &e) == NULL);
    s = multi_rejects_path("ferry-rejects.ndjson", "p1");
    ASSERT_EQ_STR(s, "ferry-rejects.p1.ndjson");
    free(s);
    s = multi_rejects_path("out.d/rejects", "p1");
    ASSERT_EQ_STR(s, "out.d/rejects.p1");
    free(s);
    ASSERT_EQ_INT(multi_worst_exit(0, 5), 5);
    ASSERT_EQ_INT(multi_worst_exit(5, 6), 6);
    ASSERT_EQ_INT(multi_worst_exit(4, 6), 4);
    ASSERT_EQ_INT(multi_worst_exit(3, 4), 4);
    ASSERT_EQ_INT(multi_worst_exit(8, 0), 8);
    ASSERT_EQ_INT(multi_worst_exit(9, 7), 7);
    ASSERT_EQ_STR(multi_status_name(0), "ok");
    ASSERT_EQ_STR(multi_status_name(4), "failed");
}

/* ---- renames in the plan ---- */

static char plan_db[64];

/* plan_sql — the plan of the test database into PostgreSQL with renames
 * (each "table=new" or "table.col=new"), all step SQL joined; the
 * fingerprint in *fp. NULL with e set on a planning error. */
static char *plan_sql(const char *const *renames, int nrenames, uint64_t *fp, ferry_err *e)
{
    ferry_options o = {0};
    char why[200];
    o.source_text = plan_db;
    o.target_text = "postgresql://app@db.invalid/app";
    o.target_schema = "public";
    o.chunk_rows = 50000;
    for (int i = 0; i < nrenames; i++)
        if (renames_add(&o.renames, &o.nrenames, renames[i], strchr(renames[i], '.') != NULL, why,
                        sizeof why)) {
            ferry_err_set(e, FERRY_E_USAGE, "%s", why);
            return NULL;
        }
    session s = {0};
    char *out = NULL;
    if (session_open(&s, &o, e) == 0) {
        strbuf sb = STRBUF_INIT;
        for (int i = 0; i < s.plan.nsteps; i++) strbuf_addf(&sb, "%s;\n", s.plan.steps[i].sql);
        out = strbuf_detach(&sb);
        *fp = s.plan.fingerprint;
    }
    session_free(&s);
    renames_free(o.renames, o.nrenames);
    return out;
}

TEST(renames_in_plan)
{
    snprintf(plan_db, sizeof plan_db, "/tmp/ferry-unit-rename-%d.db", (int)getpid());
    unlink(plan_db);
    sqlite3 *db;
    ASSERT_EQ_INT(sqlite3_open(plan_db, &db), SQLITE_OK);
    ASSERT_EQ_INT(sqlite3_exec(db,
        "CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
        "CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, label_id INTEGER "
        "  REFERENCES labels(id), parent INTEGER REFERENCES tasks(id));"
        "CREATE INDEX ix_tasks_title ON tasks (title, label_id);"
        "CREATE VIEW open_tasks AS SELECT id, title FROM tasks;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    ferry_err e = {0};
    uint64_t fp0 = 0, fp1 = 0, fp2 = 0;
    char *plain = plan_sql(NULL, 0, &fp0, &e);
    ASSERT(plain != NULL);
    const char *r1[] = {"tasks=todo", "labels.id=label_no", "tasks.title=name", "Labels=tag"};
    char *renamed = plan_sql(r1, 4, &fp1, &e);
    if (!renamed) FAIL_AT("plan: %s", e.msg);
    ASSERT(renamed != NULL);
    /* tables and columns; the last rename of labels wins (case-insensitive) */
    ASSERT(strstr(renamed, "CREATE TABLE \"public\".\"todo\"") != NULL);
    ASSERT(strstr(renamed, "CREATE TABLE \"public\".\"tag\"") != NULL);
    ASSERT(strstr(renamed, "\"tasks\"") == NULL);
    ASSERT(strstr(renamed, "\"name\" text NOT NULL") != NULL);
    ASSERT(strstr(renamed, "\"label_no\" bigint") != NULL);
    /* keys, indexes and foreign keys follow */
    ASSERT(strstr(renamed, "CONSTRAINT \"todo_pkey\" PRIMARY KEY (\"id\")") != NULL);
    ASSERT(strstr(renamed, "ON \"public\".\"todo\" (\"name\", \"label_id\")") != NULL);
    ASSERT(strstr(renamed, "REFERENCES \"public\".\"tag\" (\"label_no\")") != NULL);
    ASSERT(strstr(renamed, "REFERENCES \"public\".\"todo\" (\"id\")") != NULL);
    ASSERT(strstr(renamed, "\"tag_name_key\" UNIQUE (\"name\")") != NULL);
    /* "id" now names two target columns (id, label_no): the view, whose
     * names are not resolved table by table, is skipped, not guessed */
    ASSERT(strstr(renamed, "CREATE VIEW") == NULL);
    /* a rename changes the fingerprint, so a resumed job notices */
    ASSERT(fp0 != fp1);
    const char *r2[] = {"tasks=todo2", "tasks.title=name"};
    char *other = plan_sql(r2, 2, &fp2, &e);
    ASSERT(other != NULL);
    ASSERT(fp2 != fp1);
    ASSERT(fp2 != fp0);
    /* without an ambiguous name the view reads the renamed table and column */
    ASSERT(strstr(other, "CREATE VIEW \"public\".\"open_tasks\" AS SELECT \"id\", \"name\" FROM \"todo2\"") != NULL);
    /* mistakes stop the plan, naming what is wrong */
    const char *bad1[] = {"taks=todo"};
    ASSERT(plan_sql(bad1, 1, &fp2, &e) == NULL);
    ASSERT(strstr(e.msg, "the source has no table \"taks\"") != NULL);
    const char *bad2[] = {"tasks.titel=name"};
    ASSERT(plan_sql(bad2, 1, &fp2, &e) == NULL);
    ASSERT(strstr(e.msg, "has no column \"titel\"") != NULL);
    const char *bad3[] = {"tasks=labels"};
    ASSERT(plan_sql(bad3, 1, &fp2, &e) == NULL);
    ASSERT(strstr(e.msg, "would be used twice") != NULL);
    const char *bad4[] = {"open_tasks=v"};
    ASSERT(plan_sql(bad4, 1, &fp2, &e) == NULL);
    ASSERT(strstr(e.msg, "it is a view") != NULL);
    free(plain);
    free(renamed);
    free(other);
    unlink(plan_db);
}

/* jobfile_doc_examples — every ```jsonc block of docs/job-files.md is a
 * job file ferry accepts (the docs must not show keys that do not exist). */
TEST(jobfile_doc_examples)
{
    ferry_err e = {0};
    char *doc = read_file("docs/job-files.md", &e);
    if (!doc) doc = read_file("../docs/job-files.md", &e);
    if (!doc) { FAIL_AT("cannot read docs/job-files.md (run from the repository root)"); return; }
    int n = 0;
    for (char *p = strstr(doc, "```jsonc\n"); p; p = strstr(p, "```jsonc\n")) {
        p += 9;
        char *end = strstr(p, "```");
        ASSERT(end != NULL);
        char *text = xstrndup(p, (size_t)(end - p));
        jobfile_args ja;
        if (jobfile_build("docs/job-files.md example", text, 0, NULL, &ja, &e) != 0)
            FAIL_AT("example %d: %s", n + 1, e.msg);
        else
            jobfile_args_free(&ja);
        free(text);
        n++;
        p = end + 3;
    }
    free(doc);
    ASSERT(n >= 6);              /* five app moves, one of them both ways */
}

void suite_jobfile(void);
void suite_jobfile(void)
{
    RUN(jobfile_every_option);
    RUN(jobfile_command_line_overrides);
    RUN(jobfile_sources_and_types);
    RUN(jobfile_errors);
    RUN(jobfile_doc_examples);
    RUN(renames_parse);
    RUN(multi_names);
    RUN(renames_in_plan);
}
