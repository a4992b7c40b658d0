/* joblock.c — see joblock.h.
 *
 * DESIGN. The lock lives in the target, or next to it, and belongs to a
 * session the target ends by itself when ferry dies: a PostgreSQL or MySQL
 * connection of its own (not a writer: writers may reconnect, and a
 * reconnect would silently drop a lock held on them), or, for SQLite, an
 * fcntl() record lock, which the kernel drops with the process. Nothing is
 * ever written to mark a job "locked", so there is nothing stale to clean
 * up after a kill -9.
 *
 * POSIX record locks belong to the process and are all dropped when the
 * process closes ANY descriptor of the file: this process opens the lock
 * file once, in joblock_acquire, and keeps that descriptor until
 * joblock_release (joblock_holder, which opens the file too, is only used by
 * processes that do not hold a lock: ferry status). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "joblock.h"

/* job_key — the job id (16 hex digits) as 64 bits. */
static uint64_t job_key(const char *job_id)
{
    return (uint64_t)strtoull(job_id, NULL, 16);
}

char *joblock_path(const char *db_path)
{
    if (!db_path || !*db_path || strcmp(db_path, ":memory:") == 0) return NULL;
    return xasprintf("%s.ferry-lock", db_path);
}

/* lock_file_of — the lock file of a file-based target: "<db>.ferry-lock"
 * beside a SQLite database; ".ferry-lock" inside a dump directory (so that
 * removing an old dump of a series removes its lock file too), creating
 * the directory when asked (its parent must exist). */
static char *lock_file_of(const ferry_url *u, int create)
{
    if (u->engine != ENGINE_DUMP) return joblock_path(u->path);
    if (create) (void)mkdir(u->path, 0755);   /* failure shows when the lock file is opened */
    return xasprintf("%s/.ferry-lock", u->path);
}

/* The byte of the lock file that stands for the job. */
static off_t lock_offset(const char *job_id)
{
    return (off_t)(job_key(job_id) & 0x3fffffff);
}

typedef struct lock_answer { int got; char session[64]; int rows; } lock_answer;

static int answer_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    lock_answer *a = ctx;
    (void)e;
    a->rows++;
    if (ncols > 0 && v[0]) a->got = v[0][0] == 't' || v[0][0] == '1';
    if (ncols > 1 && v[1]) snprintf(a->session, sizeof a->session, "%s", v[1]);
    return 0;
}

/* holder_row — one value: the holder's session, NULL when nobody. */
static int holder_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    lock_answer *a = ctx;
    (void)e;
    if (ncols > 0 && v[0] && strcmp(v[0], "0") != 0) {
        a->got = 1;
        snprintf(a->session, sizeof a->session, "%s", v[0]);
    }
    return 0;
}

static int server_holder(ferry_conn *t, ferry_engine engine, const char *job_id,
                         char *buf, size_t n, ferry_err *e)
{
    lock_answer a = {0, "", 0};
    if (engine == ENGINE_POSTGRESQL) {
        /* A bigint advisory key shows in pg_locks as classid = high half,
         * objid = low half, objsubid = 1. */
        uint64_t k = job_key(job_id);
        char hi[16], lo[16];
        snprintf(hi, sizeof hi, "%u", (unsigned)(k >> 32));
        snprintf(lo, sizeof lo, "%u", (unsigned)(k & 0xffffffffu));
        const char *params[] = {hi, lo};
        if (t->drv->query(t, "SELECT pid FROM pg_catalog.pg_locks WHERE locktype = 'advisory' "
                             "AND granted AND objsubid = 1 AND classid = $1::oid AND objid = $2::oid "
                             "AND database = (SELECT oid FROM pg_catalog.pg_database "
                             "WHERE datname = current_database()) LIMIT 1",
                          2, params, holder_row, &a, e))
            return -1;
    } else {
        char name[64];
        snprintf(name, sizeof name, "ferry-%s", job_id);
        const char *params[] = {name};
        if (t->drv->query(t, "SELECT IS_USED_LOCK($1)", 1, params, holder_row, &a, e)) return -1;
    }
    snprintf(buf, n, "%s", a.session);
    return a.got;
}

/* file_holder — the pid holding the job's byte of the lock file fd, 0 if none. */
static long file_holder(int fd, const char *job_id)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = lock_offset(job_id);
    fl.l_len = 1;
    if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return 0;
    return fl.l_pid > 0 ? (long)fl.l_pid : -1;
}

int joblock_acquire(job_lock *l, const ferry_url *u, const char *job_id,
                    char *holder, size_t n, ferry_err *e)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    l->engine = u->engine;
    if (n) holder[0] = '\0';
    if (u->engine == ENGINE_SQLITE || u->engine == ENGINE_DUMP) {
        char *path = lock_file_of(u, 1);
        if (!path) { l->held = 1; return 0; }        /* no file: nobody else can see it */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            ferry_err_set(e, FERRY_E_CONNECT, "target %s: cannot create \"%s\", the job's lock "
                          "file next to the database: %m (check that the directory exists and "
                          "is writable)", u->display, path);
            e->side = SIDE_TARGET;
            free(path);
            return -1;
        }
        free(path);
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = lock_offset(job_id);
        fl.l_len = 1;
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int err = errno;
            if (err == EACCES || err == EAGAIN) {
                long pid = file_holder(fd, job_id);
                if (pid > 0) snprintf(holder, n, "%ld", pid);
                close(fd);
                return 1;
            }
            close(fd);
            errno = err;
            ferry_err_set(e, FERRY_E_TARGET, "target %s: cannot lock the job's lock file: %m",
                          u->display);
            e->side = SIDE_TARGET;
            return -1;
        }
        l->fd = fd;
        l->held = 1;
        snprintf(l->session, sizeof l->session, "%ld", (long)getpid());
        return 0;
    }
    if (u->engine != ENGINE_POSTGRESQL && u->engine != ENGINE_MYSQL) { l->held = 1; return 0; }

    if (!(l->conn = driver_connect(u, SIDE_TARGET, e))) return -1;
    /* The lock connection idles for the whole run: keep the server from
     * closing it as idle (MySQL's wait_timeout is 8 hours by default;
     * PostgreSQL 14+ has idle_session_timeout). Best effort: an older
     * server without the setting keeps its default. */
    {
        ferry_err ignored = {0};
        drv_exec(l->conn, u->engine == ENGINE_POSTGRESQL ? "SET idle_session_timeout = 0"
                                                         : "SET SESSION wait_timeout = 31536000",
                 &ignored);
    }
    lock_answer a = {0, "", 0};
    int rc;
    if (u->engine == ENGINE_POSTGRESQL) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)(int64_t)job_key(job_id));
        const char *params[] = {key};
        rc = l->conn->drv->query(l->conn, "SELECT pg_try_advisory_lock($1::bigint), "
                                 "pg_backend_pid()", 1, params, answer_row, &a, e);
    } else {
        char name[64];
        snprintf(name, sizeof name, "ferry-%s", job_id);
        const char *params[] = {name};
        rc = l->conn->drv->query(l->conn, "SELECT GET_LOCK($1, 0), CONNECTION_ID()", 1, params,
                                 answer_row, &a, e);
    }
    if (rc || a.rows != 1) {
        if (!rc) ferry_err_set(e, FERRY_E_TARGET, "target %s: the job lock query returned no row",
                               u->display);
        ferry_err_prefix(e, "cannot take the job's lock: ");
        e->side = SIDE_TARGET;
        joblock_release(l);
        return -1;
    }
    if (!a.got) {
        ferry_err ignored = {0};
        if (server_holder(l->conn, u->engine, job_id, holder, n, &ignored) < 0 && n)
            holder[0] = '\0';
        joblock_release(l);
        return 1;
    }
    snprintf(l->session, sizeof l->session, "%s", a.session);
    l->held = 1;
    return 0;
}

void joblock_release(job_lock *l)
{
    if (!l) return;
    /* Closing is enough: the server drops a session's locks when it ends,
     * the kernel a process's record locks when the file is closed. */
    drv_close(l->conn);
    l->conn = NULL;
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
    l->held = 0;
}

int joblock_holder(ferry_conn *t, const ferry_url *u, const char *job_id,
                   char *buf, size_t n, ferry_err *e)
{
    if (n) buf[0] = '\0';
    if (u->engine == ENGINE_SQLITE || u->engine == ENGINE_DUMP) {
        char *path = lock_file_of(u, 0);
        if (!path) return 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        free(path);
        if (fd < 0) return 0;                 /* no lock file: never locked here */
        long pid = file_holder(fd, job_id);
        close(fd);
        if (pid > 0) snprintf(buf, n, "%ld", pid);
        return pid != 0;
    }
    if (u->engine != ENGINE_POSTGRESQL && u->engine != ENGINE_MYSQL) return 0;
    return server_holder(t, u->engine, job_id, buf, n, e);
}
