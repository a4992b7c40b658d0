/* multi.c — `ferry copy SOURCE... TARGET --schema-per-source` (multi.h).
 *
 * DESIGN. One child process per source, at most min(sources, --jobs) at a
 * time, each running the ordinary copy (copy_command) into its own schema
 * with an equal share of the --jobs writers. Processes, not threads: a copy
 * keeps process-wide state (the stop flag, the lock-timeout setting, its
 * progress stream), and a child that fails cannot take the others down.
 * The parent never connects before the children are done (no connection
 * crosses a fork); it relays each child's stderr line by line, prefixed
 * with the schema, and collects each child's report into one.
 *
 * Stopping. Children run in process groups of their own, so a terminal's
 * Ctrl-C reaches only the parent, which passes one SIGTERM to each running
 * child (each then stops as a copy does: in-flight chunks roll back) and
 * starts no more. A second interrupt ends the parent at once; the children
 * die with it (PR_SET_PDEATHSIG), as they do when the parent is killed
 * (kill -9, the OOM killer): a killed multi-source run is a killed copy,
 * resumed by running the same command again. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <cjson/cJSON.h>
#include "multi.h"
#include "checkpoint.h"
#include "copy.h"
#include "progress.h"
#include "run.h"
#include "session.h"
#include "url.h"
#include "../drivers/driver.h"

/* check_target — only PostgreSQL has schemas inside one database. */
static int check_target(const ferry_options *o, const ferry_url *tu, ferry_err *e)
{
    if (o->target_schema && strcmp(o->target_schema, "public") != 0)
        return ferry_err_set(e, FERRY_E_USAGE, "--target-schema and --schema-per-source exclude "
                             "each other: name the schemas with --schema-name TEMPLATE ({stem})");
    switch (tu->engine) {
    case ENGINE_POSTGRESQL:
        return 0;
    case ENGINE_MYSQL:
        return ferry_err_set(e, FERRY_E_USAGE, "--schema-per-source needs a PostgreSQL target: in "
                             "MySQL/MariaDB a schema is a database, named in the URL; copy each "
                             "source into a database of its own, one ferry copy per database "
                             "(docs/apps/multi-project.md)");
    default:
        return ferry_err_set(e, FERRY_E_USAGE, "--schema-per-source needs a PostgreSQL target "
                             "(%s has no schemas): copy each source into a file of its own",
                             ferry_engine_name(tu->engine));
    }
}

/* child_run — in the child: become the copy of one source. Never returns. */
static void child_run(const ferry_options *o, multi_source *all, int n, int me, int share,
                      int out_fd, pid_t parent)
{
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent) _exit(EXIT_INTERRUPTED);     /* the parent died before prctl */
    for (int i = 0; i < n; i++)
        if (all[i].fd >= 0) close(all[i].fd);
    dup2(out_fd, STDERR_FILENO);
    close(out_fd);
    ferry_options co = *o;
    co.source_text = all[me].text;
    co.sources = NULL;
    co.nsources = 0;
    co.schema_per_source = 0;
    co.schema_name = NULL;
    co.schema_for = NULL;
    co.nschema_for = 0;
    co.target_schema = all[me].schema;
    co.jobs = share;
    co.report_path = all[me].report_path;
    co.rejects_path = all[me].rejects_path;
    int rc = copy_command(&co);
    fflush(NULL);
    _exit(rc);
}

/* child_start — fork the copy of source me; its stderr comes back on
 * all[me].fd. Returns 0 or -1 with e set. */
static int child_start(const ferry_options *o, multi_source *all, int n, int me, int share,
                       ferry_err *e)
{
    int fds[2];
    if (pipe(fds) != 0) return ferry_err_set(e, FERRY_E_IO, "cannot create a pipe: %m");
    fflush(NULL);                       /* nothing buffered is written twice */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return ferry_err_set(e, FERRY_E_IO, "cannot start a process for %s: %m", all[me].display);
    }
    if (pid == 0) {
        close(fds[0]);
        child_run(o, all, n, me, share, fds[1], parent);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    all[me].pid = pid;
    all[me].fd = fds[0];
    all[me].started = now_monotonic();
    return 0;
}

/* relay_line — one line of a child's stderr, on ours with its schema. */
static void relay_line(multi_source *m, const char *line, size_t len)
{
    if (len && line[len - 1] == '\r') len--;
    if (!len) return;
    if (len >= 7 && !memcmp(line, "ferry: ", 7)) { line += 7; len -= 7; }
    if (len > 7 && !memcmp(line, "error: ", 7))
        snprintf(m->last_error, sizeof m->last_error, "%.*s", (int)(len - 7), line + 7);
    fprintf(stderr, "ferry: [%s] %.*s\n", m->schema, (int)len, line);
}

/* relay — read what the child wrote; 1 at end of file (the child is gone
 * or going), 0 otherwise. */
static int relay(multi_source *m)
{
    char buf[8192];
    for (;;) {
        ssize_t r = read(m->fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        if (r <= 0) break;
        strbuf_add(&m->partial, buf, (size_t)r);
        size_t done = 0;
        for (char *nl; (nl = memchr(m->partial.buf + done, '\n', m->partial.len - done));) {
            relay_line(m, m->partial.buf + done, (size_t)(nl - (m->partial.buf + done)));
            done = (size_t)(nl - m->partial.buf) + 1;
        }
        memmove(m->partial.buf, m->partial.buf + done, m->partial.len - done);
        m->partial.len -= done;
        m->partial.buf[m->partial.len] = '\0';
    }
    if (m->partial.len) relay_line(m, m->partial.buf, m->partial.len);
    strbuf_reset(&m->partial);
    fflush(stderr);
    return 1;
}

/* child_reap — wait for a child whose output ended; record how it ended
 * and take its report (the file is removed). */
static void child_reap(multi_source *m)
{
    int st = 0;
    close(m->fd);
    m->fd = -1;
    while (waitpid(m->pid, &st, 0) < 0 && errno == EINTR) {}
    m->seconds = now_monotonic() - m->started;
    if (WIFEXITED(st)) {
        m->exit_code = WEXITSTATUS(st);
    } else {
        m->signal = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
        m->exit_code = EXIT_INTERRUPTED;
    }
    ferry_err ignored = {0};
    char *text = read_file(m->report_path, &ignored);
    if (text) m->report = cJSON_Parse(text);
    free(text);
    unlink(m->report_path);
    char *tmp = xasprintf("%s.tmp", m->report_path);   /* a report a killed child left half written */
    unlink(tmp);
    free(tmp);
}

/* run_all — the children, at most parallel at a time, until all ended or
 * a stop was asked (sources not started then stay so). */
static void run_all(const ferry_options *o, multi_source *s, int n, int parallel, int share,
                    progress *pr)
{
    int next = 0, running = 0, forwarded = 0;
    struct pollfd *pfd = xcalloc((size_t)n, sizeof *pfd);
    int *who = xcalloc((size_t)n, sizeof *who);
    for (;;) {
        if (ferry_stop_requested && !forwarded) {
            for (int i = 0; i < n; i++)
                if (s[i].fd >= 0) kill(s[i].pid, SIGTERM);
            forwarded = 1;
        }
        while (!ferry_stop_requested && running < parallel && next < n) {
            ferry_err e = {0};
            multi_source *m = &s[next++];
            if (child_start(o, s, n, (int)(m - s), share, &e)) {
                progress_error(pr, "[%s] error: %s", m->schema, e.msg);
                snprintf(m->last_error, sizeof m->last_error, "%s", e.msg);
                m->pid = -1;
                m->exit_code = EXIT_FAILURE_;
                continue;
            }
            running++;
        }
        if (running == 0) break;
        int np = 0;
        for (int i = 0; i < n; i++)
            if (s[i].fd >= 0) { pfd[np].fd = s[i].fd; pfd[np].events = POLLIN; who[np++] = i; }
        int r = poll(pfd, (nfds_t)np, 250);
        if (r < 0 && errno != EINTR) break;
        for (int k = 0; k < np && r > 0; k++) {
            if (!pfd[k].revents) continue;
            multi_source *m = &s[who[k]];
            if (relay(m)) {
                child_reap(m);
                running--;
                cJSON *f = cJSON_CreateObject();
                const cJSON *run = m->report ? cJSON_GetObjectItemCaseSensitive(m->report, "run") : NULL;
                const cJSON *job = m->report ? cJSON_GetObjectItemCaseSensitive(m->report, "job") : NULL;
                cJSON_AddStringToObject(f, "source", m->display);
                cJSON_AddStringToObject(f, "schema", m->schema);
                cJSON_AddStringToObject(f, "status", multi_source_status(m));
                cJSON_AddNumberToObject(f, "exit_code", m->exit_code);
                if (cJSON_IsString(job)) cJSON_AddStringToObject(f, "job", job->valuestring);
                if (cJSON_IsString(run)) cJSON_AddStringToObject(f, "source_run", run->valuestring);
                progress_event(pr, "source_done", f);
            }
        }
    }
    free(pfd);
    free(who);
}

/* state_totals — each job's rows and rejects over all its runs, from the
 * target's state (a job finished by an earlier run reports none itself).
 * Best effort: on any error they stay unknown. */
static void state_totals(const ferry_url *tu, multi_source *s, int n)
{
    int any = 0;
    for (int i = 0; i < n; i++)
        if (s[i].report && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s[i].report, "job"))) any = 1;
    if (!any) return;
    ferry_err ignored = {0};
    ferry_conn *c = driver_connect(tu, SIDE_TARGET, &ignored);
    state_job *jobs = NULL;
    int nj = 0;
    if (c && state_list_jobs(c, &jobs, &nj, &ignored) == 0) {
        for (int i = 0; i < n; i++) {
            const cJSON *job = s[i].report ? cJSON_GetObjectItemCaseSensitive(s[i].report, "job") : NULL;
            if (!cJSON_IsString(job)) continue;
            for (int j = 0; j < nj; j++)
                if (jobs[j].job_id && !strcmp(jobs[j].job_id, job->valuestring)) {
                    s[i].rows = jobs[j].rows;
                    s[i].rejects = jobs[j].rejected;
                }
        }
        state_jobs_free(jobs, nj);
    }
    drv_close(c);
}

/* summarize — one line per source and the overall one (errors always,
 * the rest unless --quiet). */
static void summarize(progress *pr, const cJSON *report)
{
    const cJSON *src;
    cJSON_ArrayForEach(src, cJSON_GetObjectItemCaseSensitive(report, "sources")) {
        const char *schema = cJSON_GetObjectItemCaseSensitive(src, "schema")->valuestring;
        const char *status = cJSON_GetObjectItemCaseSensitive(src, "status")->valuestring;
        int code = cJSON_GetObjectItemCaseSensitive(src, "exit_code")->valueint;
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(src, "error");
        double tables = cJSON_GetObjectItemCaseSensitive(src, "tables")->valuedouble;
        double rows = cJSON_GetObjectItemCaseSensitive(src, "rows")->valuedouble;
        double written = cJSON_GetObjectItemCaseSensitive(src, "rows_written")->valuedouble;
        double rejects = cJSON_GetObjectItemCaseSensitive(src, "rejects")->valuedouble;
        if (code == 0 || code == EXIT_REJECTS)
            progress_say(pr, "[%s] %s: %.0f table(s), %.0f row(s) in the target (%.0f written by "
                         "this run), %.0f rejected", schema, status, tables, rows, written, rejects);
        else
            progress_error(pr, "[%s] %s (exit %d)%s%s", schema, status, code,
                           cJSON_IsString(err) ? ": " : "", cJSON_IsString(err) ? err->valuestring : "");
    }
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(report, "totals");
    int n = cJSON_GetObjectItemCaseSensitive(tot, "sources")->valueint;
    int ok = cJSON_GetObjectItemCaseSensitive(tot, "sources_ok")->valueint;
    int code = cJSON_GetObjectItemCaseSensitive(report, "exit_code")->valueint;
    if (code == 0)
        progress_say(pr, "all %d source(s) done: %.0f row(s) in %.0f table(s)", n,
                     cJSON_GetObjectItemCaseSensitive(tot, "rows")->valuedouble,
                     cJSON_GetObjectItemCaseSensitive(tot, "tables")->valuedouble);
    else
        progress_error(pr, "%d of %d source(s) done without a problem; overall: %s (exit %d)%s", ok,
                       n, cJSON_GetObjectItemCaseSensitive(report, "status")->valuestring, code,
                       code == EXIT_REJECTS || code == EXIT_DIFFERENT ? ""
                       : "; rerun the same command to finish the others (finished ones are kept)");
}

int multi_copy_command(const ferry_options *o)
{
    ferry_err e = {0};
    ferry_url tu = {0};
    multi_source *s = NULL;
    int n = 0, exit_code = EXIT_OK;
    char dir[4096] = "";
    progress *pr = NULL;
    double started = now_monotonic();

    if (!o->schema_per_source) {
        fprintf(stderr, "ferry: %d sources: add --schema-per-source to copy each into a schema of "
                "its own (two sources' tables cannot share one schema)\nTry 'ferry help copy'.\n",
                o->nsources);
        return EXIT_USAGE;
    }
    if (ferry_url_parse(o->target_text, &tu, &e) || check_target(o, &tu, &e) ||
        multi_sources_expand(o, &s, &n, &e)) {
        fprintf(stderr, "ferry: %s\n", e.msg);
        ferry_url_free(&tu);
        return EXIT_USAGE;
    }
    if (!(pr = progress_open(o->progress_path, o->quiet, &e))) {
        fprintf(stderr, "ferry: %s\n", e.msg);
        exit_code = EXIT_USAGE;
        goto out;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ferry-multi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        progress_error(pr, "error: cannot create a temporary directory (%s): %m", dir);
        dir[0] = '\0';
        exit_code = EXIT_FAILURE_;
        goto out;
    }
    const char *rejects = o->rejects_path ? o->rejects_path : "ferry-rejects.ndjson";
    for (int i = 0; i < n; i++) {
        s[i].report_path = xasprintf("%s/%d.json", dir, i);
        s[i].rejects_path = multi_rejects_path(rejects, s[i].schema);
    }
    int parallel = n < o->jobs ? n : o->jobs;
    if (parallel < 1) parallel = 1;
    int share = o->jobs / parallel > 0 ? o->jobs / parallel : 1;
    progress_say(pr, "%d source(s) into %s, one schema each, %d at a time (%d writer(s) each)",
                 n, tu.display, parallel, share);
    cJSON *start = cJSON_CreateObject();
    cJSON_AddStringToObject(start, "target", tu.display);
    cJSON_AddNumberToObject(start, "parallel", parallel);
    cJSON *list = cJSON_AddArrayToObject(start, "sources");
    for (int i = 0; i < n; i++) {
        cJSON *one = cJSON_CreateObject();
        cJSON_AddStringToObject(one, "source", s[i].display);
        cJSON_AddStringToObject(one, "schema", s[i].schema);
        cJSON_AddItemToArray(list, one);
    }
    progress_event(pr, "multi_start", start);

    run_all(o, s, n, parallel, share, pr);
    state_totals(&tu, s, n);
    for (int i = 0; i < n; i++)
        exit_code = multi_worst_exit(exit_code, s[i].pid == 0 || s[i].signal ? EXIT_INTERRUPTED
                                                                             : s[i].exit_code);
    cJSON *report = multi_report_build(s, n, tu.display, exit_code, now_monotonic() - started);
    summarize(pr, report);
    if (o->report_path) {
        ferry_err re = {0};
        if (report_write(o->report_path, report, &re)) {
            progress_error(pr, "error: %s", re.msg);
            if (!exit_code) exit_code = EXIT_FAILURE_;
        }
    }
    cJSON *done = cJSON_CreateObject();
    cJSON_AddStringToObject(done, "status", multi_status_name(exit_code));
    cJSON_AddNumberToObject(done, "exit_code", exit_code);
    progress_event(pr, "multi_done", done);
    cJSON_Delete(report);
out:
    if (dir[0]) rmdir(dir);
    progress_close(pr);
    multi_sources_free(s, n);
    ferry_url_free(&tu);
    return exit_code;
}
