/* verify_hash.c — one row of either side into a 64-bit hash of its logical
 * values, so that a source row and its copy hash alike whatever engines
 * hold them.
 *
 * DESIGN
 * - Every value goes through convert_value with the plan's logical type of
 *   its column: the same canonical text the copy wrote (bool "t"/"f",
 *   timestamps in UTC with microseconds, uuids lower case, ...), whether it
 *   was read from the source or back from the target. Then a few
 *   normalisations that keep the value's meaning (vcol_setup): char(n)
 *   trailing blanks, decimals as numbers (12.50 = 12.5), JSON as JSON
 *   values (jsonb and MySQL reorder keys and drop white space); and, only
 *   for columns the plan declared lossy, the loss it declared (-0 stored
 *   as 0, decimals rounded to MySQL's scale or to SQLite's 15 digits).
 * - A row's bytes: per column, 0x00 for NULL, else 0x01, the length as 8
 *   bytes little-endian, the bytes: NULL, "" and "NULL" all differ, and no
 *   two rows' cells can run into each other. Integers and doubles are
 *   hashed as their binary value instead (0x03 / 0x04 and 8 bytes): the
 *   same information as their canonical text, without printing numbers.
 *   The row hash is XXH3-64 of that; the caller sums row hashes (mod 2^64)
 *   so the order rows come in does not matter and duplicate rows do not
 *   cancel (as XOR would).
 * - A value that cannot be read as its type hashes as 0x02, its storage
 *   class and raw bytes, and the row is reported as unreadable: a
 *   difference, since the copy refused it or stored something else. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "verify_internal.h"
#include "convert.h"
#include "url.h"

/* parse_scale — S of a native type text "decimal(P,S)"; -1 if none. */
static int parse_scale(const char *native)
{
    const char *comma = strrchr(native, ',');
    if (!comma) return -1;
    char *end;
    long s = strtol(comma + 1, &end, 10);
    while (*end == ' ') end++;
    return *end == ')' && s >= 0 && s <= 1000 ? (int)s : -1;
}

void vcol_setup(vcol *vc, const plan_column *pc, int dst_engine, char *round_buf, size_t cap)
{
    memset(vc, 0, sizeof *vc);
    vc->pc = pc;
    vc->lt = pc->lt;
    vc->round_scale = -1;
    switch (pc->lt.kind) {
    case LT_TEXT:
        if (pc->lt.fixed) vc->flags |= VC_STRIP_BLANKS;
        break;
    case LT_JSON:
        vc->flags |= VC_JSON;
        break;
    case LT_DECIMAL:
        vc->flags |= VC_DECIMAL;
        break;
    default:
        break;
    }
    if (!pc->lossy) return;
    /* The declared loss, applied to both sides; anything else the loss
     * could do (NaN, values out of range) was refused by the copy and
     * shows as a missing row. */
    switch (pc->lt.kind) {
    case LT_FLOAT32:
    case LT_FLOAT64:
        vc->flags |= VC_NEGZERO;
        vc->how = "as numbers, -0 equal to 0";
        break;
    case LT_DECIMAL:
        if (dst_engine == ENGINE_SQLITE) {
            /* Read unconstrained: a 38-digit value the float rounded up
             * (9999...9.99 -> 1e28) no longer fits decimal(38,10), yet it
             * is what the declared loss makes of it. */
            vc->flags |= VC_DEC_SIG15;
            vc->lt.precision = vc->lt.scale = -1;
            vc->how = "to 15 significant digits";
        } else if (dst_engine == ENGINE_MYSQL && (vc->round_scale = parse_scale(pc->native)) >= 0) {
            vc->flags |= VC_DEC_ROUND;
            snprintf(round_buf, cap, "rounded to %d decimal places, as %s keeps them",
                     vc->round_scale, pc->native);
            vc->how = round_buf;
        } else {
            vc->how = "as numbers";
        }
        break;
    case LT_JSON:
        vc->how = "as JSON values";
        break;
    default:
        /* The loss is in the type (uuid as char(36), enum as text, time
         * zone as UTC) or refuses values; the values that arrive are the
         * same logical values. */
        vc->how = "as logical values";
        break;
    }
}

void vhasher_init(vhasher *h, const vcol *cols, int ncols, int zero_dates_null)
{
    memset(h, 0, sizeof *h);
    h->cols = cols;
    h->ncols = ncols;
    h->zero_dates_null = zero_dates_null;
    h->offs = xcalloc((size_t)ncols + 1, sizeof *h->offs);
}

void vhasher_free(vhasher *h)
{
    strbuf_free(&h->row);
    strbuf_free(&h->cell);
    strbuf_free(&h->tmp);
    free(h->offs);
    h->offs = NULL;
}

uint64_t vh_col_hash(const vhasher *h, int c)
{
    return XXH3_64bits(h->row.buf ? h->row.buf + h->offs[c] : "", h->offs[c + 1] - h->offs[c]);
}

/* ---- decimal text ---- */

/* dec_strip — a plain decimal "-012.500" as its shortest spelling of the
 * same number: "-12.5"; any zero is "0". In place. */
static void dec_strip(strbuf *sb)
{
    char *s = sb->buf;
    size_t n = sb->len, i = 0, o = 0;
    int neg = 0, nonzero = 0;
    if (n == 0) return;
    if (s[0] == '-' || s[0] == '+') { neg = s[0] == '-'; i = 1; }
    while (i + 1 < n && s[i] == '0' && s[i + 1] != '.') i++;       /* leading zeros */
    size_t start = i;
    char *dot = memchr(s + start, '.', n - start);
    if (dot) {
        size_t end = n;
        while (end > (size_t)(dot - s) + 1 && s[end - 1] == '0') end--;
        if (end == (size_t)(dot - s) + 1) end--;                   /* "12." -> "12" */
        n = end;
    }
    for (size_t k = start; k < n; k++)
        if (s[k] >= '1' && s[k] <= '9') nonzero = 1;
    if (!nonzero) { strbuf_reset(sb); strbuf_addc(sb, '0'); return; }
    if (neg) s[o++] = '-';
    memmove(s + o, s + start, n - start);
    sb->len = o + n - start;
    sb->buf[sb->len] = '\0';
}

/* dec_round — round a plain decimal to scale digits after the point, half
 * away from zero (MySQL's rule for decimals). In place via h->tmp. */
static void dec_round(strbuf *sb, int scale, strbuf *tmp)
{
    char *dot = memchr(sb->buf, '.', sb->len);
    if (!dot) return;
    size_t ip = (size_t)(dot - sb->buf), frac = sb->len - ip - 1;
    if (frac <= (size_t)scale) return;
    int up = sb->buf[ip + 1 + (size_t)scale] >= '5';
    size_t keep = scale > 0 ? ip + 1 + (size_t)scale : ip;      /* drop the point too at scale 0 */
    strbuf_reset(tmp);
    strbuf_add(tmp, sb->buf, keep);
    if (up) {
        /* carry from the last kept digit leftwards, over the point */
        long k = (long)keep - 1;
        for (; k >= 0; k--) {
            char c = tmp->buf[k];
            if (c == '.') continue;
            if (c < '0' || c > '9') break;                      /* the sign */
            if (c == '9') { tmp->buf[k] = '0'; continue; }
            tmp->buf[k] = (char)(c + 1);
            break;
        }
        if (k < 0 || tmp->buf[k] == '-' || tmp->buf[k] == '+') {
            size_t at = k < 0 ? 0 : (size_t)k + 1;             /* all nines: one more digit */
            strbuf_addc(tmp, '0');
            memmove(tmp->buf + at + 1, tmp->buf + at, tmp->len - at - 1);
            tmp->buf[at] = '1';
        }
    }
    strbuf_reset(sb);
    strbuf_add(sb, tmp->buf, tmp->len);
}

/* dec_sig15 — the number as a double printed with 15 significant digits:
 * what survives SQLite's binary float on both sides. */
static void dec_sig15(strbuf *sb)
{
    char buf[64];
    double d = strtod(strbuf_cstr(sb), NULL);
    if (d == 0) d = 0;                                          /* -0 */
    snprintf(buf, sizeof buf, "%.15g", d);
    strbuf_reset(sb);
    strbuf_adds(sb, buf);
}

/* normalise — apply vc's flags to the canonical cell (see vcol_setup). */
static void normalise(const vcol *vc, strbuf *cell, strbuf *tmp)
{
    if (vc->flags & VC_STRIP_BLANKS) {
        while (cell->len && cell->buf[cell->len - 1] == ' ') cell->len--;
        cell->buf[cell->len] = '\0';
    }
    if (vc->flags & VC_JSON) {
        strbuf_reset(tmp);
        if (vjson_canon(cell->buf, cell->len, tmp) == 0) {
            strbuf_reset(cell);
            strbuf_add(cell, tmp->buf, tmp->len);
        }
    }
    if (vc->flags & VC_DEC_SIG15) {
        dec_sig15(cell);
    } else if (vc->flags & VC_DECIMAL) {
        if (vc->flags & VC_DEC_ROUND) dec_round(cell, vc->round_scale, tmp);
        dec_strip(cell);
    }
    if ((vc->flags & VC_NEGZERO) && cell->len && cell->buf[0] == '-' &&
        strtod(strbuf_cstr(cell), NULL) == 0) {
        strbuf_reset(cell);
        strbuf_addc(cell, '0');
    }
}

/* put_cell — tag, 8-byte little-endian length, bytes. */
static void put_cell(strbuf *row, unsigned char tag, const void *p, size_t n)
{
    unsigned char hdr[9];
    uint64_t len = n;
    hdr[0] = tag;
    for (int k = 0; k < 8; k++) hdr[1 + k] = (unsigned char)(len >> (8 * k));
    strbuf_add(row, hdr, sizeof hdr);
    if (n) strbuf_add(row, p, n);
}

/* put_raw — an unreadable value: tag 0x02, its class, its raw content. */
static void put_raw(strbuf *row, const ferry_value *v)
{
    char num[40];
    unsigned char cls = (unsigned char)v->cls;
    strbuf_addc(row, 0x02);
    strbuf_add(row, &cls, 1);
    switch (v->cls) {
    case FV_INT:  snprintf(num, sizeof num, "%lld", (long long)v->i); put_cell(row, 1, num, strlen(num)); break;
    case FV_REAL: snprintf(num, sizeof num, "%.17g", v->d); put_cell(row, 1, num, strlen(num)); break;
    default:      put_cell(row, 1, v->p, v->n); break;
    }
}

/* put_bin — a number as 8 bytes little-endian behind tag (0x03 integer,
 * 0x04 IEEE double bits). */
static void put_bin(strbuf *row, unsigned char tag, uint64_t x)
{
    unsigned char b[9];
    b[0] = tag;
    for (int k = 0; k < 8; k++) b[1 + k] = (unsigned char)(x >> (8 * k));
    strbuf_add(row, b, sizeof b);
}

static uint64_t double_bits(double d, unsigned flags)
{
    uint64_t x;
    if (d != d) d = NAN;                                   /* one NaN */
    if (d == 0 && (flags & VC_NEGZERO)) d = 0;             /* -0 -> 0 */
    memcpy(&x, &d, sizeof x);
    return x;
}

/* put_number — integers and doubles hash as binary: the canonical text of
 * int16..int64 and float64 is a one-to-one spelling of an int64 or a
 * double, and formatting numbers as text cost a third of verify's time.
 * Values already held in binary skip convert_value when it could not
 * refuse them; the rest are converted (so refusals are the copy's) and
 * their canonical text parsed back. Returns 1 when done, 0 to fall back
 * to the text path, -1 when the value does not fit (*reason set). */
static int put_number(vhasher *h, const vcol *vc, const ferry_value *v, const char **reason)
{
    ltype_kind k = vc->lt.kind;
    int is_int = k == LT_INT16 || k == LT_INT32 || k == LT_INT64;
    if (!is_int && k != LT_FLOAT64) return 0;
    if (is_int && v->cls == FV_INT &&
        (k == LT_INT64 || (k == LT_INT32 && v->i >= INT32_MIN && v->i <= INT32_MAX) ||
         (k == LT_INT16 && v->i >= INT16_MIN && v->i <= INT16_MAX))) {
        put_bin(&h->row, 0x03, (uint64_t)v->i);
        return 1;
    }
    if (k == LT_FLOAT64 && v->cls == FV_REAL) {
        put_bin(&h->row, 0x04, double_bits(v->d, vc->flags));
        return 1;
    }
    strbuf_reset(&h->cell);
    if (convert_value(&vc->lt, v, &h->cell, NULL, reason) == CONV_REJECT) return -1;
    if (is_int) put_bin(&h->row, 0x03, (uint64_t)strtoll(strbuf_cstr(&h->cell), NULL, 10));
    else put_bin(&h->row, 0x04, double_bits(strtod(strbuf_cstr(&h->cell), NULL), vc->flags));
    return 1;
}

int vh_row(vhasher *h, const ferry_value *vals, uint64_t *hash, int *bad_col,
           const char **reason)
{
    int bad = -1;
    strbuf_reset(&h->row);
    for (int c = 0; c < h->ncols; c++) {
        const ferry_value *v = &vals[c];
        const vcol *vc = &h->cols[c];
        ltype_kind k = vc->lt.kind;
        const char *why = NULL;
        int r;
        h->offs[c] = h->row.len;
        if (v->cls == FV_NULL ||
            (h->zero_dates_null && v->cls == FV_TEXT &&
             (k == LT_DATE || k == LT_TIMESTAMP || k == LT_TIMESTAMPTZ) && is_zero_date(v->p, v->n))) {
            strbuf_addc(&h->row, 0x00);
            continue;
        }
        if ((r = put_number(h, vc, v, &why)) > 0) continue;
        if (r == 0 && !vc->flags) {
            /* No normalisation: convert straight into the row, then fill
             * in the cell's header. */
            size_t at = h->row.len;
            put_cell(&h->row, 0x01, NULL, 0);
            if (convert_value(&vc->lt, v, &h->row, NULL, &why) != CONV_REJECT) {
                uint64_t len = h->row.len - at - 9;
                for (int b = 0; b < 8; b++) h->row.buf[at + 1 + b] = (char)(unsigned char)(len >> (8 * b));
                continue;
            }
            h->row.len = at;
            h->row.buf[at] = '\0';
        } else if (r == 0) {
            strbuf_reset(&h->cell);
            if (convert_value(&vc->lt, v, &h->cell, NULL, &why) != CONV_REJECT) {
                normalise(vc, &h->cell, &h->tmp);
                put_cell(&h->row, 0x01, h->cell.buf, h->cell.len);
                continue;
            }
        }
        if (bad < 0) { bad = c; *reason = why ? why : "does not fit its type"; }
        put_raw(&h->row, v);
    }
    h->offs[h->ncols] = h->row.len;
    *hash = XXH3_64bits(h->row.buf ? h->row.buf : "", h->row.len);
    *bad_col = bad;
    return bad < 0 ? 0 : -1;
}
