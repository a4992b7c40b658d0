/* dumpfmt_file.c — chunk files of ferry's dump format: a header, one zstd
 * frame holding the encoded rows (dumpfmt_rows.c), a trailer with the
 * counts and checksums. Written under NAME.tmp, fsynced, renamed, the
 * directory fsynced; read back streaming, with bounded memory.
 *
 * DESIGN
 *   Layout (all integers little-endian; docs/dump-format.md):
 *     header   "FERRYCHK", u16 version, u16 flags (0), u32 header length,
 *              u32 table id, u32 chunk id, u8 compression (1 = zstd),
 *              u8 0, u16 0, u32 ncols, then per column u8 type code,
 *              u8 flags (bit 0: ltype.fixed), i32 length,
 *              i32 precision, i32 scale; then XXH3-64 of the header bytes
 *              before it
 *     payload  one zstd frame (with zstd's content checksum) of the rows
 *     trailer  u64 rows, u64 payload bytes, u64 zstd bytes, u64 XXH3-64 of
 *              the payload, u64 XXH3-64 of every file byte before this
 *              field, "FERRYEND"
 *   The trailer sits at the end, ending in a magic, so a truncated file is
 *   recognised before anything is decompressed, and the file checksum lets
 *   `verify` check a dump at disk speed; a full verify decompresses and
 *   decodes every row as well. The reader hands rows over as it decodes
 *   them and reports the end (0) only once every check passed: a consumer
 *   commits a chunk only then.
 *
 *   zstd: streaming ZSTD_compressStream2 with the level asked for and, when
 *   asked, ZSTD_c_nbWorkers worker threads; a single-threaded libzstd
 *   refuses that parameter, and the writer then goes on with none (recorded
 *   in dumpfmt_chunk_info.workers). Encoded rows are fed to zstd in blocks
 *   of about 1 MiB. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "dumpfmt.h"

#define RAW_FLUSH      (1u << 20)     /* encoded bytes handed to zstd at a time */
#define COMP_ZSTD      1

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */

static void le16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void le32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void le64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The frozen wire codes of the logical types (docs/dump-format.md). */
static const struct { ltype_kind kind; int code; } kind_codes[] = {
    {LT_BOOL, 1},  {LT_INT16, 2},  {LT_INT32, 3},      {LT_INT64, 4},
    {LT_FLOAT32, 5}, {LT_FLOAT64, 6}, {LT_DECIMAL, 7}, {LT_TEXT, 8},
    {LT_BYTES, 9}, {LT_DATE, 10},  {LT_TIME, 11},      {LT_TIMESTAMP, 12},
    {LT_TIMESTAMPTZ, 13}, {LT_UUID, 14}, {LT_JSON, 15}, {LT_ENUM, 16},
};

int dumpfmt_kind_code(ltype_kind k)
{
    for (size_t i = 0; i < sizeof kind_codes / sizeof kind_codes[0]; i++)
        if (kind_codes[i].kind == k) return kind_codes[i].code;
    return 0;
}

ltype_kind dumpfmt_kind_from_code(int code)
{
    for (size_t i = 0; i < sizeof kind_codes / sizeof kind_codes[0]; i++)
        if (kind_codes[i].code == code) return kind_codes[i].kind;
    return LT_UNKNOWN;
}

void dumpfmt_chunk_file_name(uint32_t table_id, uint32_t chunk_id, char *buf, size_t n)
{
    snprintf(buf, n, DUMPFMT_DATA_DIR "/t%06u-c%08u.fdc", (unsigned)table_id, (unsigned)chunk_id);
}

static int io_err(ferry_err *e, const char *path, const char *what)
{
    return ferry_err_set(e, FERRY_E_IO, "%s: %s: %s", path, what, strerror(errno));
}

/* write_all — n bytes to fd, through short writes and EINTR. */
static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = write(fd, c, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* read_full — up to n bytes from fd (less only at the end of the file). */
static ssize_t read_full(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, c + got, n - got);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* fsync_dir — make a rename or creation in directory dir durable. */
static int fsync_dir(const char *dir, ferry_err *e)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_err(e, dir, "cannot open the directory to fsync it");
    if (fsync(fd) != 0 && errno != EINVAL) {
        int rc = io_err(e, dir, "cannot fsync the directory");
        close(fd);
        return rc;
    }
    close(fd);
    return 0;
}

/* parent_dir — the directory part of path ("." when none); caller frees. */
static char *parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

static char *join_path(const char *dir, const char *file)
{
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", file);
}

int dumpfmt_dir_prepare(const char *dir, ferry_err *e)
{
    char *data = join_path(dir, DUMPFMT_DATA_DIR), *parent = parent_dir(dir);
    int rc = -1;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) { io_err(e, dir, "cannot create the dump directory"); goto out; }
    if (mkdir(data, 0777) != 0 && errno != EEXIST) { io_err(e, data, "cannot create the directory"); goto out; }
    if (fsync_dir(data, e) || fsync_dir(dir, e) || fsync_dir(parent, e)) goto out;
    rc = 0;
out:
    free(data);
    free(parent);
    return rc;
}

int dumpfmt_write_file_atomic(const char *dir, const char *name, const void *data,
                              size_t n, ferry_err *e)
{
    char *path = join_path(dir, name), *tmp = xasprintf("%s.tmp", path);
    char *pdir = parent_dir(path);
    int rc = -1, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) { io_err(e, tmp, "cannot create"); goto out; }
    if (write_all(fd, data, n) != 0) { io_err(e, tmp, "cannot write"); goto fail; }
    if (fsync(fd) != 0) { io_err(e, tmp, "cannot fsync"); goto fail; }
    if (close(fd) != 0) { fd = -1; io_err(e, tmp, "cannot close"); goto fail; }
    fd = -1;
    if (rename(tmp, path) != 0) { io_err(e, path, "cannot rename the .tmp file into place"); goto fail; }
    if (fsync_dir(pdir, e)) goto out;
    rc = 0;
    goto out;
fail:
    if (fd >= 0) close(fd);
    unlink(tmp);
out:
    free(path);
    free(tmp);
    free(pdir);
    return rc;
}

/* ---------------------------------------------------------------------
 * Writer
 * --------------------------------------------------------------------- */

struct dumpfmt_writer {
    char         *path, *tmp, *dir;
    int           fd;
    ZSTD_CCtx    *cctx;
    dumpfmt_codec codec;
    strbuf        raw;            /* encoded rows not yet given to zstd */
    void         *obuf;
    size_t        ocap;
    XXH3_state_t *ph, *fh;        /* payload and file hashes */
    uint64_t      zbytes;         /* zstd bytes written */
    dumpfmt_chunk_info info;
};

static int w_write(dumpfmt_writer *w, const void *p, size_t n, ferry_err *e)
{
    if (write_all(w->fd, p, n) != 0) return io_err(e, w->tmp, "cannot write the dump chunk file");
    XXH3_64bits_update(w->fh, p, n);
    return 0;
}

/* w_compress — feed w->raw to zstd with mode, writing what comes out. */
static int w_compress(dumpfmt_writer *w, ZSTD_EndDirective mode, ferry_err *e)
{
    ZSTD_inBuffer in = {w->raw.buf, w->raw.len, 0};
    XXH3_64bits_update(w->ph, w->raw.buf ? w->raw.buf : "", w->raw.len);
    w->info.bytes += w->raw.len;
    for (;;) {
        ZSTD_outBuffer out = {w->obuf, w->ocap, 0};
        size_t left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
        if (ZSTD_isError(left))
            return ferry_err_set(e, FERRY_E_IO, "%s: zstd compression failed: %s", w->tmp,
                                 ZSTD_getErrorName(left));
        if (out.pos && w_write(w, w->obuf, out.pos, e)) return -1;
        w->zbytes += out.pos;
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
    }
    strbuf_reset(&w->raw);
    return 0;
}

dumpfmt_writer *dumpfmt_writer_open(const char *dir, const char *file, uint32_t table_id,
                                    uint32_t chunk_id, const ltype *types, int ncols,
                                    const dumpfmt_write_opts *o, ferry_err *e)
{
    dumpfmt_writer *w;
    int level = o && o->level ? o->level : ZSTD_CLEVEL_DEFAULT;
    int workers = o ? o->workers : 0;
    if (ncols < 0 || ncols > DUMPFMT_MAX_COLUMNS) {
        ferry_err_set(e, FERRY_E_INTERNAL, "%s: %d columns: a chunk file holds 0 to %d", file,
                      ncols, DUMPFMT_MAX_COLUMNS);
        return NULL;
    }
    for (int i = 0; i < ncols; i++)
        if (!dumpfmt_kind_code(types[i].kind)) {
            ferry_err_set(e, FERRY_E_INTERNAL, "%s: column %d has no logical type", file, i + 1);
            return NULL;
        }
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
        ferry_err_set(e, FERRY_E_USAGE, "zstd level %d is out of range (%d to %d)", level,
                      ZSTD_minCLevel(), ZSTD_maxCLevel());
        return NULL;
    }
    w = xcalloc(1, sizeof *w);
    w->fd = -1;
    w->path = join_path(dir, file);
    w->tmp = xasprintf("%s.tmp", w->path);
    w->dir = parent_dir(w->path);
    w->info.table_id = table_id;
    w->info.chunk_id = chunk_id;
    dumpfmt_codec_init(&w->codec, types, ncols);
    w->ph = XXH3_createState();
    w->fh = XXH3_createState();
    w->cctx = ZSTD_createCCtx();
    if (!w->ph || !w->fh || !w->cctx) {
        ferry_err_set(e, FERRY_E_NOMEM, "%s: cannot allocate the compressor", w->path);
        goto fail;
    }
    XXH3_64bits_reset(w->ph);
    XXH3_64bits_reset(w->fh);
    ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
    if (workers > 0 && ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_nbWorkers, workers)))
        workers = 0;                                /* single-threaded libzstd */
    w->info.workers = workers > 0 ? workers : 0;
    w->ocap = ZSTD_CStreamOutSize();
    w->obuf = xmalloc(w->ocap);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) { io_err(e, w->tmp, "cannot create the dump chunk file"); goto fail; }

    /* header */
    size_t hlen = DUMPFMT_HEADER_FIXED + (size_t)ncols * DUMPFMT_COLUMN_SIZE;
    unsigned char *h = xcalloc(1, hlen);
    memcpy(h, DUMPFMT_CHUNK_MAGIC, 8);
    le16(h + 8, DUMPFMT_VERSION);
    le16(h + 10, 0);
    le32(h + 12, (uint32_t)hlen);
    le32(h + 16, table_id);
    le32(h + 20, chunk_id);
    h[24] = COMP_ZSTD;
    le32(h + 28, (uint32_t)ncols);
    for (int i = 0; i < ncols; i++) {
        unsigned char *c = h + 32 + (size_t)i * DUMPFMT_COLUMN_SIZE;
        c[0] = (unsigned char)dumpfmt_kind_code(types[i].kind);
        c[1] = types[i].fixed ? 1 : 0;
        le32(c + 2, (uint32_t)types[i].length);
        le32(c + 6, (uint32_t)types[i].precision);
        le32(c + 10, (uint32_t)types[i].scale);
    }
    le64(h + hlen - 8, XXH3_64bits(h, hlen - 8));
    int rc = w_write(w, h, hlen, e);
    free(h);
    if (rc) goto fail;
    return w;
fail:
    dumpfmt_writer_abort(w);
    return NULL;
}

int dumpfmt_writer_add_row(dumpfmt_writer *w, const char *const *ptr, const int32_t *len,
                           ferry_err *e)
{
    dumpfmt_encode_row(&w->codec, ptr, len, &w->raw);
    w->info.rows++;
    if (w->raw.len >= RAW_FLUSH) return w_compress(w, ZSTD_e_continue, e);
    return 0;
}

int dumpfmt_writer_add_batch(dumpfmt_writer *w, const batch *b, ferry_err *e)
{
    if (b->ncols != w->codec.ncols)
        return ferry_err_set(e, FERRY_E_INTERNAL, "%s: a batch of %d columns for a chunk of %d",
                             w->path, b->ncols, w->codec.ncols);
    for (size_t r = 0; r < b->nrows; r++) {
        dumpfmt_encode_batch_row(&w->codec, b, r, &w->raw);
        w->info.rows++;
        if (w->raw.len >= RAW_FLUSH && w_compress(w, ZSTD_e_continue, e)) return -1;
    }
    return 0;
}

uint64_t dumpfmt_writer_rows(const dumpfmt_writer *w)
{
    return w->info.rows;
}

static void writer_free(dumpfmt_writer *w)
{
    if (w->fd >= 0) close(w->fd);
    ZSTD_freeCCtx(w->cctx);
    if (w->ph) XXH3_freeState(w->ph);
    if (w->fh) XXH3_freeState(w->fh);
    dumpfmt_codec_free(&w->codec);
    strbuf_free(&w->raw);
    free(w->obuf);
    free(w->path);
    free(w->tmp);
    free(w->dir);
    free(w);
}

void dumpfmt_writer_abort(dumpfmt_writer *w)
{
    if (!w) return;
    if (w->fd >= 0) { close(w->fd); w->fd = -1; }
    unlink(w->tmp);
    writer_free(w);
}

int dumpfmt_writer_finish(dumpfmt_writer *w, dumpfmt_chunk_info *info, ferry_err *e)
{
    unsigned char t[DUMPFMT_TRAILER_SIZE];
    if (w_compress(w, ZSTD_e_end, e)) goto fail;
    le64(t, w->info.rows);
    le64(t + 8, w->info.bytes);
    le64(t + 16, w->zbytes);
    w->info.checksum = XXH3_64bits_digest(w->ph);
    le64(t + 24, w->info.checksum);
    XXH3_64bits_update(w->fh, t, 32);
    w->info.file_checksum = XXH3_64bits_digest(w->fh);
    le64(t + 32, w->info.file_checksum);
    memcpy(t + 40, DUMPFMT_TRAILER_MAGIC, 8);
    if (write_all(w->fd, t, sizeof t) != 0) { io_err(e, w->tmp, "cannot write the dump chunk file"); goto fail; }
    w->info.compressed_bytes = 0;
    {
        struct stat st;
        if (fstat(w->fd, &st) != 0) { io_err(e, w->tmp, "cannot stat"); goto fail; }
        w->info.compressed_bytes = (uint64_t)st.st_size;
    }
    if (fsync(w->fd) != 0) { io_err(e, w->tmp, "cannot fsync the dump chunk file"); goto fail; }
    if (close(w->fd) != 0) { w->fd = -1; io_err(e, w->tmp, "cannot close the dump chunk file"); goto fail; }
    w->fd = -1;
    if (rename(w->tmp, w->path) != 0) { io_err(e, w->path, "cannot rename the .tmp file into place"); goto fail; }
    if (fsync_dir(w->dir, e)) {
        /* the file is complete under its name; only its durability is in
         * doubt: report, keep the file (a rerun verifies it) */
        writer_free(w);
        return -1;
    }
    if (info) *info = w->info;
    writer_free(w);
    return 0;
fail:
    dumpfmt_writer_abort(w);
    return -1;
}

/* ---------------------------------------------------------------------
 * Reader
 * --------------------------------------------------------------------- */

struct dumpfmt_reader {
    char         *path;
    int           fd;
    uint64_t      size, hlen, zend;    /* file size; header length; end of the zstd bytes */
    uint64_t      off;                 /* next file offset to read */
    int           ncols;
    ltype        *types;
    dumpfmt_codec codec;
    ZSTD_DCtx    *dctx;
    unsigned char *ibuf;
    size_t        icap;
    ZSTD_inBuffer in;
    strbuf        pend;                /* decompressed bytes ... */
    size_t        ppos;                /* ... decoded up to here */
    XXH3_state_t *ph, *fh;
    unsigned char trailer[DUMPFMT_TRAILER_SIZE];
    uint64_t      rows, out_bytes;
    int           frame_done, done, failed;
    dumpfmt_chunk_info info;
};

static int r_fail(dumpfmt_reader *r, ferry_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* r_fail — e gets "PATH: message"; the reader is unusable afterwards. */
static int r_fail(dumpfmt_reader *r, ferry_err *e, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return ferry_err_set(e, FERRY_E_IO, "%s: %s", r->path, msg);
}

void dumpfmt_reader_close(dumpfmt_reader *r)
{
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    ZSTD_freeDCtx(r->dctx);
    if (r->ph) XXH3_freeState(r->ph);
    if (r->fh) XXH3_freeState(r->fh);
    dumpfmt_codec_free(&r->codec);
    strbuf_free(&r->pend);
    free(r->ibuf);
    free(r->types);
    free(r->path);
    free(r);
}

/* open_header — the checks of dumpfmt_reader_open, reading the header with
 * read() (the file hash starts with it) and the trailer with pread(). */
static int open_header(dumpfmt_reader *r, ferry_err *e)
{
    unsigned char fixed[32];
    struct stat st;
    if (fstat(r->fd, &st) != 0) return io_err(e, r->path, "cannot stat");
    r->size = (uint64_t)st.st_size;
    if (r->size < 12)
        return r_fail(r, e, "truncated: %llu bytes, shorter than a chunk file header "
                      "(the file was not written completely)", (unsigned long long)r->size);
    ssize_t k = read_full(r->fd, fixed, r->size < 32 ? 12 : 32);
    if (k < 0) return io_err(e, r->path, "cannot read");
    if (memcmp(fixed, DUMPFMT_CHUNK_MAGIC, 8) != 0)
        return r_fail(r, e, "not a ferry dump chunk file (bad magic)");
    unsigned version = rd16(fixed + 8);
    if (version > DUMPFMT_VERSION)
        return r_fail(r, e, "written by a newer ferry: chunk format version %u, this ferry reads "
                      "version %d at most; restore it with a newer ferry", version, DUMPFMT_VERSION);
    if (version == 0) return r_fail(r, e, "bad chunk format version 0 (damaged file)");
    if (k < 32) return r_fail(r, e, "truncated inside its header (the file was not written completely)");
    r->hlen = rd32(fixed + 12);
    uint32_t ncols = rd32(fixed + 28);
    if (ncols > DUMPFMT_MAX_COLUMNS || r->hlen != DUMPFMT_HEADER_FIXED + (uint64_t)ncols * DUMPFMT_COLUMN_SIZE)
        return r_fail(r, e, "damaged header (header length %llu does not match %u columns)",
                      (unsigned long long)r->hlen, (unsigned)ncols);
    if (r->size < r->hlen)
        return r_fail(r, e, "truncated inside its header (the file was not written completely)");
    unsigned char *h = xmalloc((size_t)r->hlen);
    memcpy(h, fixed, 32);
    k = read_full(r->fd, h + 32, (size_t)r->hlen - 32);
    if (k != (ssize_t)(r->hlen - 32)) {
        free(h);
        return k < 0 ? io_err(e, r->path, "cannot read") : r_fail(r, e, "truncated inside its header");
    }
    if (XXH3_64bits(h, (size_t)r->hlen - 8) != rd64(h + r->hlen - 8)) {
        free(h);
        return r_fail(r, e, "header checksum mismatch (damaged file)");
    }
    XXH3_64bits_update(r->fh, h, (size_t)r->hlen);
    uint16_t flags = rd16(h + 10);
    if (flags != 0) { free(h); return r_fail(r, e, "unknown header flags 0x%04x (written by a newer ferry?)", flags); }
    unsigned comp = h[24];
    if (comp != COMP_ZSTD) { free(h); return r_fail(r, e, "unknown compression %u", comp); }
    r->info.table_id = rd32(h + 16);
    r->info.chunk_id = rd32(h + 20);
    r->ncols = (int)ncols;
    r->types = xcalloc(ncols ? ncols : 1, sizeof *r->types);
    for (uint32_t i = 0; i < ncols; i++) {
        const unsigned char *c = h + 32 + (size_t)i * DUMPFMT_COLUMN_SIZE;
        ltype *t = &r->types[i];
        t->kind = dumpfmt_kind_from_code(c[0]);
        if (t->kind == LT_UNKNOWN || c[1] > 1) {
            unsigned code = c[0];
            free(h);
            return r_fail(r, e, "column %u has an unknown type code %u (written by a newer ferry?)",
                          (unsigned)i + 1, code);
        }
        t->fixed = c[1] ? 1 : 0;
        t->length = (int32_t)rd32(c + 2);
        t->precision = (int32_t)rd32(c + 6);
        t->scale = (int32_t)rd32(c + 10);
    }
    free(h);

    /* trailer */
    if (r->size < r->hlen + DUMPFMT_TRAILER_SIZE)
        return r_fail(r, e, "truncated: no trailer after the header (the file was not written completely)");
    if (pread(r->fd, r->trailer, sizeof r->trailer, (off_t)(r->size - DUMPFMT_TRAILER_SIZE)) !=
        (ssize_t)sizeof r->trailer)
        return io_err(e, r->path, "cannot read the trailer");
    if (memcmp(r->trailer + 40, DUMPFMT_TRAILER_MAGIC, 8) != 0)
        return r_fail(r, e, "truncated or damaged: the file does not end with a chunk trailer "
                      "(it was not written completely)");
    r->info.rows = rd64(r->trailer);
    r->info.bytes = rd64(r->trailer + 8);
    uint64_t zbytes = rd64(r->trailer + 16);
    r->info.checksum = rd64(r->trailer + 24);
    r->info.file_checksum = rd64(r->trailer + 32);
    r->info.compressed_bytes = r->size;
    if (zbytes != r->size - r->hlen - DUMPFMT_TRAILER_SIZE)
        return r_fail(r, e, "truncated or damaged: the trailer records %llu compressed bytes, the file "
                      "holds %llu", (unsigned long long)zbytes,
                      (unsigned long long)(r->size - r->hlen - DUMPFMT_TRAILER_SIZE));
    r->zend = r->hlen + zbytes;
    r->off = r->hlen;
    return 0;
}

dumpfmt_reader *dumpfmt_reader_open(const char *path, ferry_err *e)
{
    dumpfmt_reader *r = xcalloc(1, sizeof *r);
    r->path = xstrdup(path);
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        if (errno == ENOENT) ferry_err_set(e, FERRY_E_IO, "%s: missing (no such file)", path);
        else io_err(e, path, "cannot open");
        goto fail;
    }
    r->ph = XXH3_createState();
    r->fh = XXH3_createState();
    r->dctx = ZSTD_createDCtx();
    if (!r->ph || !r->fh || !r->dctx) {
        ferry_err_set(e, FERRY_E_NOMEM, "%s: cannot allocate the decompressor", path);
        goto fail;
    }
    XXH3_64bits_reset(r->ph);
    XXH3_64bits_reset(r->fh);
    if (open_header(r, e)) goto fail;
    dumpfmt_codec_init(&r->codec, r->types, r->ncols);
    r->icap = ZSTD_DStreamInSize();
    r->ibuf = xmalloc(r->icap);
    r->in.src = r->ibuf;
    r->in.size = r->in.pos = 0;
    return r;
fail:
    dumpfmt_reader_close(r);
    return NULL;
}

const dumpfmt_chunk_info *dumpfmt_reader_info(const dumpfmt_reader *r) { return &r->info; }

const ltype *dumpfmt_reader_types(const dumpfmt_reader *r, int *ncols)
{
    *ncols = r->ncols;
    return r->types;
}

const dumpfmt_codec *dumpfmt_reader_codec(const dumpfmt_reader *r) { return &r->codec; }

/* r_fill — decompress more into pend (dropping what was decoded). Returns
 * 1 when bytes were added, 0 when the frame ended, -1 on error. */
static int r_fill(dumpfmt_reader *r, ferry_err *e)
{
    size_t want = ZSTD_DStreamOutSize();
    if (r->ppos) {
        memmove(r->pend.buf, r->pend.buf + r->ppos, r->pend.len - r->ppos);
        r->pend.len -= r->ppos;
        r->ppos = 0;
    }
    for (;;) {
        if (r->frame_done) return 0;
        if (r->in.pos == r->in.size && r->off < r->zend) {
            size_t n = r->zend - r->off < r->icap ? (size_t)(r->zend - r->off) : r->icap;
            ssize_t k = read_full(r->fd, r->ibuf, n);
            if (k < 0) { r->failed = 1; return io_err(e, r->path, "cannot read"); }
            if ((size_t)k != n) return r_fail(r, e, "truncated while reading (the file shrank)");
            XXH3_64bits_update(r->fh, r->ibuf, n);
            r->off += n;
            r->in.size = n;
            r->in.pos = 0;
        }
        strbuf_grow(&r->pend, want);
        ZSTD_outBuffer out = {r->pend.buf + r->pend.len, want, 0};
        size_t in_before = r->in.pos;
        size_t left = ZSTD_decompressStream(r->dctx, &out, &r->in);
        if (ZSTD_isError(left))
            return r_fail(r, e, "damaged: the compressed data does not decode (zstd: %s)",
                          ZSTD_getErrorName(left));
        if (out.pos) {
            XXH3_64bits_update(r->ph, r->pend.buf + r->pend.len, out.pos);
            r->pend.len += out.pos;
            r->out_bytes += out.pos;
            if (r->out_bytes > r->info.bytes)
                return r_fail(r, e, "damaged: more than the %llu payload bytes its trailer records",
                              (unsigned long long)r->info.bytes);
        }
        if (left == 0) {
            r->frame_done = 1;
            if (r->in.pos < r->in.size || r->off < r->zend)
                return r_fail(r, e, "damaged: bytes after the end of the compressed data");
        }
        if (out.pos) return 1;
        if (r->frame_done) return 0;
        if (r->in.pos == in_before && r->in.pos == r->in.size && r->off >= r->zend)
            return r_fail(r, e, "truncated or damaged: the compressed data ends early");
    }
}

/* r_finish — the checks at the end of the payload. */
static int r_finish(dumpfmt_reader *r, ferry_err *e)
{
    if (r->ppos < r->pend.len)
        return r_fail(r, e, "damaged: the payload ends inside a row (after row %llu)",
                      (unsigned long long)r->rows);
    if (r->rows != r->info.rows)
        return r_fail(r, e, "holds %llu rows, its trailer records %llu", (unsigned long long)r->rows,
                      (unsigned long long)r->info.rows);
    if (r->out_bytes != r->info.bytes)
        return r_fail(r, e, "holds %llu payload bytes, its trailer records %llu",
                      (unsigned long long)r->out_bytes, (unsigned long long)r->info.bytes);
    if (XXH3_64bits_digest(r->ph) != r->info.checksum)
        return r_fail(r, e, "payload checksum mismatch (damaged file)");
    XXH3_64bits_update(r->fh, r->trailer, 32);
    if (XXH3_64bits_digest(r->fh) != r->info.file_checksum)
        return r_fail(r, e, "file checksum mismatch (damaged file)");
    r->done = 1;
    return 0;
}

/* r_next — decode the next row into the codec: 1, 0 at the verified end, -1. */
static int r_next(dumpfmt_reader *r, ferry_err *e)
{
    if (r->failed) return ferry_err_set(e, FERRY_E_INTERNAL, "%s: read after an error", r->path);
    if (r->done) return 0;
    for (;;) {
        size_t avail = r->pend.len - r->ppos, need = 0;
        const char *why = NULL;
        if (avail) {
            long k = dumpfmt_decode_row(&r->codec, r->pend.buf + r->ppos, avail, &need, &why);
            if (k > 0) {
                r->ppos += (size_t)k;
                if (++r->rows > r->info.rows)
                    return r_fail(r, e, "holds more rows than the %llu its trailer records",
                                  (unsigned long long)r->info.rows);
                return 1;
            }
            if (k < 0)
                return r_fail(r, e, "damaged: row %llu cannot be decoded: %s",
                              (unsigned long long)r->rows + 1, why);
            uint64_t left = r->info.bytes - (r->out_bytes - avail);   /* payload from ppos on */
            if (need > left)
                return r_fail(r, e, "damaged: row %llu runs past the end of the payload",
                              (unsigned long long)r->rows + 1);
        }
        /* decompress until the row's bytes are there (or the data ends) */
        int rc;
        do {
            rc = r_fill(r, e);
        } while (rc == 1 && r->pend.len - r->ppos < need);
        if (rc < 0) return -1;
        if (rc == 0 && r->pend.len - r->ppos == avail) {     /* nothing more: the end */
            if (r_finish(r, e)) return -1;
            return 0;
        }
    }
}

long dumpfmt_reader_next_batch(dumpfmt_reader *r, batch *b, size_t max_rows, ferry_err *e)
{
    long n = 0;
    if (b->ncols != r->ncols)
        return ferry_err_set(e, FERRY_E_INTERNAL, "%s: a batch of %d columns for a chunk of %d",
                             r->path, b->ncols, r->ncols);
    while ((size_t)n < max_rows) {
        int rc = r_next(r, e);
        if (rc < 0) return -1;
        if (rc == 0) break;
        dumpfmt_codec_row_to_batch(&r->codec, b);
        n++;
    }
    /* the last rows: check the end now, so that a damaged file never hands
     * over its last batch as if it were good */
    if (n && !r->done && r->rows == r->info.rows && r_next(r, e) != 0) return -1;
    return n;
}

int dumpfmt_reader_next_row(dumpfmt_reader *r, const ferry_value **vals, ferry_err *e)
{
    int rc = r_next(r, e);
    if (rc == 1) *vals = r->codec.vals;
    return rc;
}

/* ---------------------------------------------------------------------
 * Verification
 * --------------------------------------------------------------------- */

/* compare — got against what the manifest recorded. */
static int compare(const char *path, const dumpfmt_chunk_info *want, const dumpfmt_chunk_info *got,
                   ferry_err *e)
{
#define CMP(field, what)                                                                  \
    if (want->field != got->field)                                                        \
        return ferry_err_set(e, FERRY_E_IO, "%s: %s is %llu, the manifest records %llu "   \
                             "(the file does not belong to this dump or was replaced)",    \
                             path, what, (unsigned long long)got->field,                  \
                             (unsigned long long)want->field);
    CMP(table_id, "the table id");
    CMP(chunk_id, "the chunk id");
    CMP(rows, "the row count");
    CMP(bytes, "the payload size");
    CMP(compressed_bytes, "the file size");
#undef CMP
    if (want->checksum != got->checksum)
        return ferry_err_set(e, FERRY_E_IO, "%s: payload checksum %016llx, the manifest records "
                             "%016llx (damaged or replaced)", path, (unsigned long long)got->checksum,
                             (unsigned long long)want->checksum);
    if (want->file_checksum != got->file_checksum)
        return ferry_err_set(e, FERRY_E_IO, "%s: file checksum %016llx, the manifest records "
                             "%016llx (damaged or replaced)", path,
                             (unsigned long long)got->file_checksum,
                             (unsigned long long)want->file_checksum);
    return 0;
}

int dumpfmt_verify_file(const char *path, const dumpfmt_chunk_info *want,
                        dumpfmt_chunk_info *got, ferry_err *e)
{
    dumpfmt_reader *r = dumpfmt_reader_open(path, e);
    int rc;
    if (!r) return -1;
    while ((rc = r_next(r, e)) == 1) {}
    if (rc == 0) {
        if (got) *got = r->info;
        if (want) rc = compare(path, want, &r->info, e);
    }
    dumpfmt_reader_close(r);
    return rc;
}

int dumpfmt_check_file(const char *path, const dumpfmt_chunk_info *want,
                       dumpfmt_chunk_info *got, ferry_err *e)
{
    dumpfmt_reader *r = dumpfmt_reader_open(path, e);
    int rc = 0;
    if (!r) return -1;
    /* open_header hashed the header; hash the rest up to the file checksum */
    uint64_t end = r->size - 16;
    unsigned char *buf = xmalloc(1 << 20);
    while (r->off < end) {
        size_t n = end - r->off < (1u << 20) ? (size_t)(end - r->off) : (1u << 20);
        ssize_t k = read_full(r->fd, buf, n);
        if (k < 0) { rc = io_err(e, path, "cannot read"); break; }
        if ((size_t)k != n) { rc = r_fail(r, e, "truncated while reading (the file shrank)"); break; }
        XXH3_64bits_update(r->fh, buf, n);
        r->off += n;
    }
    free(buf);
    if (rc == 0 && XXH3_64bits_digest(r->fh) != r->info.file_checksum)
        rc = r_fail(r, e, "file checksum mismatch (damaged file)");
    if (rc == 0) {
        if (got) *got = r->info;
        if (want) rc = compare(path, want, &r->info, e);
    }
    dumpfmt_reader_close(r);
    return rc;
}
