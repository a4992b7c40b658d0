/* test_dumpfmt.c — unit tests for the dump format (engine/dumpfmt*.c):
 * varints; the row encoding of every logical type with edge values, the
 * canonical cells coming back byte for byte and as ferry_values that
 * convert_value turns into the same cells; cells not in canonical form
 * kept verbatim; chunk files written in several batches and read back
 * (batches and rows), with truncated, flipped, wrong-magic, newer-version
 * and missing files refused with the file named; the manifest written and
 * read back, a newer or inconsistent manifest refused. */
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "convert.h"
#include "dumpfmt.h"
#include "util.h"

#define LT(k)      {(k), -1, 0, -1, -1}
#define DEC(p, s)  {LT_DECIMAL, -1, 0, (p), (s)}
#define TXT(n)     {LT_TEXT, (n), 0, -1, -1}

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

static char tmpdir[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static const char *make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ferry-dumpfmt-XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return NULL; }
    return tmpdir;
}

static void remove_tmpdir(void)
{
    if (tmpdir[0]) nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = '\0';
}

/* canon — the canonical cell convert makes of v for t (asserted OK). */
static int canon(const ltype *t, const ferry_value *v, strbuf *out)
{
    strbuf_reset(out);
    return convert_value(t, v, out, NULL, NULL) == CONV_REJECT ? -1 : 0;
}

/* roundtrip_cells — one cell through encode/decode in a 3-column row (an
 * int64 "42", the cell, a NULL text), checking: every proper prefix of the
 * encoding asks for more bytes; the cell and its neighbours come back byte
 * for byte; the number of cells stored verbatim; and with check_value that
 * convert_value turns the decoded ferry_value into the same cell. */
static int roundtrip_cells(const ltype *t, const char *cell, int32_t len, int expect_verbatim,
                           int check_value, const char *ctx)
{
    ltype types[3] = {LT(LT_INT64), *t, LT(LT_TEXT)};
    dumpfmt_codec c;
    strbuf enc = STRBUF_INIT, conv = STRBUF_INIT;
    const char *ptr[3] = {"42", cell, NULL};
    int32_t len3[3] = {2, len, -1};
    size_t need = 0;
    const char *why = NULL;
    int ok = 1;
    dumpfmt_codec_init(&c, types, 3);
    size_t n = dumpfmt_encode_row(&c, ptr, len3, &enc);
    if (n != enc.len) { FAIL_AT("[%s] encode returned %zu, appended %zu", ctx, n, enc.len); ok = 0; }
    if ((int)c.verbatim != expect_verbatim) {
        FAIL_AT("[%s] verbatim cells %d, expected %d", ctx, (int)c.verbatim, expect_verbatim);
        ok = 0;
    }
    /* every proper prefix asks for more bytes */
    for (size_t k = 0; k < enc.len && ok; k++) {
        long r = dumpfmt_decode_row(&c, enc.buf, k, &need, &why);
        if (r != 0) { FAIL_AT("[%s] prefix of %zu bytes decoded as %ld", ctx, k, r); ok = 0; }
        else if (need <= k) { FAIL_AT("[%s] prefix %zu: need %zu", ctx, k, need); ok = 0; }
    }
    long r = dumpfmt_decode_row(&c, enc.buf, enc.len, &need, &why);
    if (r != (long)enc.len) {
        FAIL_AT("[%s] decode took %ld of %zu bytes (%s)", ctx, r, enc.len, why ? why : "");
        ok = 0;
        goto out;
    }
    if (c.len[0] != 2 || memcmp(c.ptr[0], "42", 2) != 0 || c.len[2] != -1 || c.ptr[2] != NULL) {
        FAIL_AT("[%s] neighbour cells changed", ctx);
        ok = 0;
    }
    if (len < 0) {
        if (c.len[1] != -1 || c.vals[1].cls != FV_NULL) { FAIL_AT("[%s] NULL came back non-NULL", ctx); ok = 0; }
        goto out;
    }
    if (c.len[1] != len || memcmp(c.ptr[1], cell, (size_t)len) != 0) {
        FAIL_AT("[%s] cell came back as \"%.*s\" (%d bytes), was \"%.*s\" (%d bytes)", ctx,
                c.len[1] > 80 ? 80 : (int)c.len[1], c.ptr[1] ? c.ptr[1] : "", (int)c.len[1],
                len > 80 ? 80 : (int)len, cell, (int)len);
        ok = 0;
        goto out;
    }
    if (check_value) {
        /* the value path: convert_value gives the same cell */
        if (canon(t, &c.vals[1], &conv) != 0 || conv.len != (size_t)len ||
            memcmp(conv.buf, cell, (size_t)len) != 0) {
            FAIL_AT("[%s] convert_value(decoded value, class %d) gave \"%.*s\", cell \"%.*s\"", ctx,
                    (int)c.vals[1].cls, conv.len > 80 ? 80 : (int)conv.len, strbuf_cstr(&conv),
                    len > 80 ? 80 : (int)len, cell);
            ok = 0;
        }
    }
    if (c.vals[0].cls != FV_INT || c.vals[0].i != 42) { FAIL_AT("[%s] int value", ctx); ok = 0; }
out:
    dumpfmt_codec_free(&c);
    strbuf_free(&enc);
    strbuf_free(&conv);
    return ok;
}

/* A table of source values: each is converted to its canonical cell first
 * (so the cells are exactly what the pipeline hands a writer), then round
 * tripped. */
typedef struct rt_case {
    ltype       t;
    ferry_value v;
    int         verbatim;   /* the cell is expected to be stored verbatim */
} rt_case;

#define VI(x)  {FV_INT, (x), 0, NULL, 0}
#define VR(x)  {FV_REAL, 0, (x), NULL, 0}
#define VT(s)  {FV_TEXT, 0, 0, (s), sizeof(s) - 1}
#define VB(s)  {FV_BLOB, 0, 0, (s), sizeof(s) - 1}

static void run_rt(const char *name, const rt_case *cs, size_t n)
{
    strbuf cell = STRBUF_INIT;
    for (size_t k = 0; k < n; k++) {
        char ctx[200], tn[64];
        ltype_format(&cs[k].t, tn, sizeof tn);
        if (canon(&cs[k].t, &cs[k].v, &cell) != 0) {
            FAIL_AT("[%s #%zu %s] the source value does not convert", name, k, tn);
            continue;
        }
        snprintf(ctx, sizeof ctx, "%s #%zu %s '%.40s'", name, k, tn, strbuf_cstr(&cell));
        roundtrip_cells(&cs[k].t, cell.buf ? cell.buf : "", (int32_t)cell.len, cs[k].verbatim, 1, ctx);
    }
    strbuf_free(&cell);
}

#define RUN_RT(name, arr) run_rt(name, arr, sizeof(arr) / sizeof(arr[0]))

/* ---------------------------------------------------------------------
 * Varints
 * --------------------------------------------------------------------- */

TEST(test_dumpfmt_varint)
{
    static const int64_t vals[] = {0, 1, -1, 63, -64, 64, 127, 128, 300, INT32_MAX, INT32_MIN,
                                   INT64_MAX, INT64_MIN, INT64_MIN + 1};
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        uint64_t u;
        strbuf_reset(&sb);
        dumpfmt_put_uvarint(&sb, dumpfmt_zigzag(vals[i]));
        int k = dumpfmt_get_uvarint((const unsigned char *)sb.buf, sb.len, &u);
        CHECK_EQ_INT(k, sb.len, "varint length");
        CHECK_EQ_INT(dumpfmt_unzigzag(u), vals[i], "zigzag");
        if (sb.len > 1) CHECK_EQ_INT(dumpfmt_get_uvarint((const unsigned char *)sb.buf, sb.len - 1, &u), 0, "short");
    }
    ASSERT_EQ_INT(dumpfmt_zigzag(0), 0);
    ASSERT_EQ_INT(dumpfmt_zigzag(-1), 1);
    ASSERT_EQ_INT(dumpfmt_zigzag(1), 2);
    strbuf_reset(&sb);
    dumpfmt_put_uvarint(&sb, UINT64_MAX);
    ASSERT_EQ_INT(sb.len, 10);
    /* 11 bytes, or a 10th byte beyond 64 bits: malformed */
    const unsigned char bad[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0};
    const unsigned char over[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    uint64_t u;
    ASSERT_EQ_INT(dumpfmt_get_uvarint(bad, 11, &u), -1);
    ASSERT_EQ_INT(dumpfmt_get_uvarint(over, 10, &u), -1);
    strbuf_free(&sb);
}

/* ---------------------------------------------------------------------
 * Row encoding, per type
 * --------------------------------------------------------------------- */

TEST(test_dumpfmt_rt_bool_int)
{
    static const rt_case cs[] = {
        {LT(LT_BOOL), VI(1), 0}, {LT(LT_BOOL), VI(0), 0},
        {LT(LT_INT16), VI(INT16_MIN), 0}, {LT(LT_INT16), VI(INT16_MAX), 0}, {LT(LT_INT16), VI(0), 0},
        {LT(LT_INT32), VI(INT32_MIN), 0}, {LT(LT_INT32), VI(INT32_MAX), 0}, {LT(LT_INT32), VI(-1), 0},
        {LT(LT_INT64), VI(INT64_MIN), 0}, {LT(LT_INT64), VI(INT64_MAX), 0}, {LT(LT_INT64), VI(1), 0},
        {LT(LT_INT64), VT("-9223372036854775808"), 0}, {LT(LT_INT64), VT("+007"), 0},
    };
    RUN_RT("bool/int", cs);
}

TEST(test_dumpfmt_rt_float)
{
    static const rt_case cs[] = {
        {LT(LT_FLOAT64), VR(0.0), 0}, {LT(LT_FLOAT64), VR(-0.0), 0},
        {LT(LT_FLOAT64), VR(NAN), 0}, {LT(LT_FLOAT64), VR(INFINITY), 0}, {LT(LT_FLOAT64), VR(-INFINITY), 0},
        {LT(LT_FLOAT64), VR(0.1), 0}, {LT(LT_FLOAT64), VR(1.7976931348623157e308), 0},
        {LT(LT_FLOAT64), VR(-2.2250738585072014e-308), 0}, {LT(LT_FLOAT64), VR(4.9406564584124654e-324), 0},
        {LT(LT_FLOAT64), VR(0.1234567890123456), 0}, {LT(LT_FLOAT64), VR(1e21), 0},
        {LT(LT_FLOAT64), VT("3.14159"), 0}, {LT(LT_FLOAT64), VI(3), 0}, {LT(LT_FLOAT64), VI(-1), 0},
        /* an integer into a float column is written "%lld" by convert,
         * which the float's own text is not: kept verbatim, given back as
         * FV_INT */
        {LT(LT_FLOAT64), VI(1152921504606846976LL), 1}, {LT(LT_FLOAT64), VI(1000000000000000LL), 1},
        {LT(LT_FLOAT32), VR(0.0), 0}, {LT(LT_FLOAT32), VR(-0.0), 0}, {LT(LT_FLOAT32), VR(NAN), 0},
        {LT(LT_FLOAT32), VR(INFINITY), 0}, {LT(LT_FLOAT32), VR(-INFINITY), 0},
        {LT(LT_FLOAT32), VT("0.1"), 0}, {LT(LT_FLOAT32), VT("3.4028235e+38"), 0},
        {LT(LT_FLOAT32), VT("1e-45"), 0}, {LT(LT_FLOAT32), VT("16777216"), 0},
        {LT(LT_FLOAT32), VI(1099511627776LL), 1},
    };
    RUN_RT("float", cs);
}

TEST(test_dumpfmt_rt_decimal)
{
    static const rt_case cs[] = {
        {DEC(-1, -1), VT("0"), 0}, {DEC(-1, -1), VT("-12.50"), 0}, {DEC(10, 2), VT("0"), 0},
        {DEC(10, 2), VT("-0.00"), 0}, {DEC(10, 2), VT("12.5"), 0}, {DEC(10, 2), VI(7), 0},
        {DEC(38, 0), VT("99999999999999999999999999999999999999"), 0},
        {DEC(38, 0), VT("-99999999999999999999999999999999999999"), 0},
        {DEC(38, 38), VT("0.00000000000000000000000000000000000001"), 0},
        {DEC(38, 18), VT("12345678901234567890.123456789012345678"), 0},
        {DEC(-1, -1), VT("18446744073709551615"), 0}, {DEC(-1, -1), VT("18446744073709551616"), 0},
        {DEC(-1, -1), VT("9999999999999999999"), 0}, {DEC(-1, -1), VT("1e5"), 0},
        {DEC(-1, -1), VT("0.000000000000000000000000000000000000000000000000001"), 0},
        {DEC(-1, -1), VT("-1000000000000000000000000000000000000000000000000000.5"), 0},
        {DEC(20, 20), VT("0.12345678901234567891"), 0},
        {DEC(-1, -1), VR(0.1), 0}, {DEC(-1, -1), VI(INT64_MIN), 0},
    };
    RUN_RT("decimal", cs);
}

TEST(test_dumpfmt_rt_text_bytes)
{
    static const rt_case cs[] = {
        {LT(LT_TEXT), VT(""), 0}, {LT(LT_TEXT), VT("plain"), 0},
        {LT(LT_TEXT), VT("caf\xc3\xa9 \xf0\x9f\x98\x80 \xf0\x9d\x84\x9e"), 0},   /* é 😀 𝄞 */
        {TXT(5), VT("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 0}, {LT(LT_TEXT), VT("line\nbreak\ttab"), 0},
        {LT(LT_BYTES), VB(""), 0}, {LT(LT_BYTES), VB("\x00\x01\xff\x00"), 0},
        {LT(LT_JSON), VT("{\"a\":[1,2,{\"b\":null}],\"c\":\"\xc3\xa9\"}"), 0}, {LT(LT_JSON), VT("[]"), 0},
        {LT(LT_JSON), VT("\"x\""), 0}, {LT(LT_JSON), VI(-5), 0},
        {LT(LT_ENUM), VT("sad"), 0}, {LT(LT_ENUM), VT(""), 0},
        {LT(LT_UUID), VT("00000000-0000-0000-0000-000000000000"), 0},
        {LT(LT_UUID), VT("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"), 0},
        {LT(LT_UUID), VT("{123e4567-e89b-12d3-a456-426614174000}"), 0},
        {LT(LT_UUID), VB("\x12\x3e\x45\x67\xe8\x9b\x12\xd3\xa4\x56\x42\x66\x14\x17\x40\x00"), 0},
    };
    RUN_RT("text/bytes/json/enum/uuid", cs);

    /* empty string and NULL stay apart */
    ltype t = LT(LT_TEXT);
    roundtrip_cells(&t, "", 0, 0, 1, "empty text");
    roundtrip_cells(&t, NULL, -1, 0, 1, "NULL text");
    ltype b = LT(LT_BYTES);
    roundtrip_cells(&b, NULL, -1, 0, 1, "NULL bytes");

    /* a 1 MB blob */
    size_t big = 1 << 20;
    char *blob = xmalloc(big);
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < big; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; blob[i] = (char)x; }
    roundtrip_cells(&b, blob, (int32_t)big, 0, 1, "1 MB blob");
    free(blob);
}

TEST(test_dumpfmt_rt_datetime)
{
    static const ltype dur = {LT_TIME, -1, 1, -1, -1};
    static const rt_case cs[] = {
        {LT(LT_DATE), VT("0001-01-01"), 0}, {LT(LT_DATE), VT("9999-12-31"), 0},
        {LT(LT_DATE), VT("1970-01-01"), 0}, {LT(LT_DATE), VT("1969-12-31"), 0},
        {LT(LT_DATE), VT("2000-02-29"), 0}, {LT(LT_DATE), VT("1900-03-01"), 0},
        {LT(LT_TIME), VT("00:00:00"), 0}, {LT(LT_TIME), VT("23:59:59.999999"), 0},
        {LT(LT_TIME), VT("12:00:00.5"), 0}, {LT(LT_TIME), VT("00:00:00.000001"), 0},
        {LT(LT_TIME), VT("10:30"), 0},
        {dur, VT("-838:59:59"), 0}, {dur, VT("838:59:59.000000"), 0}, {dur, VT("5:00:00"), 0},
        {dur, VT("-00:00:00.5"), 0},
        {LT(LT_TIMESTAMP), VT("0001-01-01 00:00:00"), 0},
        {LT(LT_TIMESTAMP), VT("9999-12-31 23:59:59.999999"), 0},
        {LT(LT_TIMESTAMP), VT("1969-12-31 23:59:59.5"), 0},
        {LT(LT_TIMESTAMP), VT("1970-01-01 00:00:00"), 0},
        {LT(LT_TIMESTAMP), VT("2024-02-29T12:34:56.123"), 0},
        {LT(LT_TIMESTAMP), VT("0001-01-01 00:00:00.000001"), 0},
        {LT(LT_TIMESTAMP), VI(1600000000), 0},
        {LT(LT_TIMESTAMPTZ), VT("0001-01-01 00:00:00Z"), 0},
        {LT(LT_TIMESTAMPTZ), VT("9999-12-31 23:59:59.999999+00:00"), 0},
        {LT(LT_TIMESTAMPTZ), VT("2024-06-01 02:00:00.25+02:00"), 0},
        {LT(LT_TIMESTAMPTZ), VT("1969-12-31 23:59:59.999999Z"), 0},
    };
    RUN_RT("date/time", cs);
}

/* Cells that are not in canonical form (convert never makes them) still
 * come back byte for byte: they are stored verbatim. */
TEST(test_dumpfmt_noncanonical_verbatim)
{
    static const struct { ltype t; const char *cell; } cs[] = {
        {LT(LT_BOOL), "true"}, {LT(LT_INT32), "007"}, {LT(LT_INT64), "-0"}, {LT(LT_INT64), "+5"},
        {LT(LT_INT64), "99999999999999999999"}, {LT(LT_FLOAT64), "1.0"}, {LT(LT_FLOAT64), "nan"},
        {LT(LT_FLOAT64), ""}, {DEC(-1, -1), "1e5"}, {DEC(-1, -1), "007.5"}, {DEC(-1, -1), ".5"},
        {DEC(-1, -1), "5."}, {LT(LT_DATE), "2023-02-30"}, {LT(LT_DATE), "10000-01-01"},
        {LT(LT_DATE), "0000-01-01"}, {LT(LT_TIME), "24:00:00"}, {LT(LT_TIME), "12:00:00.50"},
        {LT(LT_TIME), "12:00:00.1234567"}, {LT(LT_TIMESTAMP), "2024-01-01T00:00:00"},
        {LT(LT_TIMESTAMPTZ), "2024-01-01 00:00:00"}, {LT(LT_TIMESTAMPTZ), "2024-01-01 00:00:00+01:00"},
        {LT(LT_UUID), "123E4567-E89B-12D3-A456-426614174000"}, {LT(LT_UUID), "123e4567e89b12d3a456426614174000"},
    };
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        char ctx[96];
        snprintf(ctx, sizeof ctx, "verbatim #%zu '%s'", k, cs[k].cell);
        roundtrip_cells(&cs[k].t, cs[k].cell, (int32_t)strlen(cs[k].cell), 1, 0, ctx);
    }
}

/* Rows of many columns with NULL patterns; zero-column rows. */
TEST(test_dumpfmt_rows_nulls)
{
    enum { NC = 9, NR = 200 };
    ltype types[NC] = {LT(LT_INT64), LT(LT_TEXT), LT(LT_FLOAT64), LT(LT_DATE), LT(LT_BOOL),
                       DEC(12, 3), LT(LT_TIMESTAMPTZ), LT(LT_BYTES), LT(LT_UUID)};
    const char *cells[NC] = {"-17", "x", "2.5", "2024-05-06", "t", "-123.456",
                             "2024-05-06 07:08:09.1+00:00", "\x00\x01", "123e4567-e89b-12d3-a456-426614174000"};
    int32_t lens[NC] = {3, 1, 3, 10, 1, 8, 27, 2, 36};
    dumpfmt_codec c;
    strbuf enc = STRBUF_INIT;
    dumpfmt_codec_init(&c, types, NC);
    for (int r = 0; r < NR; r++) {
        const char *p[NC];
        int32_t l[NC];
        for (int i = 0; i < NC; i++) {
            int null = (r >> (i % 8)) & 1 && (r % 3 != 0 || i == NC - 1);
            p[i] = null ? NULL : cells[i];
            l[i] = null ? -1 : lens[i];
        }
        dumpfmt_encode_row(&c, p, l, &enc);
    }
    ASSERT_EQ_INT(c.verbatim, 0);
    size_t pos = 0, need;
    const char *why = NULL;
    for (int r = 0; r < NR; r++) {
        long k = dumpfmt_decode_row(&c, enc.buf + pos, enc.len - pos, &need, &why);
        ASSERT(k > 0);
        pos += (size_t)k;
        for (int i = 0; i < NC; i++) {
            int null = (r >> (i % 8)) & 1 && (r % 3 != 0 || i == NC - 1);
            if (null) { CHECK_EQ_INT(c.len[i], -1, "null"); continue; }
            if (c.len[i] != lens[i] || memcmp(c.ptr[i], cells[i], (size_t)lens[i]) != 0)
                FAIL_AT("row %d column %d differs", r, i);
        }
    }
    ASSERT_EQ_INT(pos, enc.len);
    /* an unknown state (3) and stray bits past the last column are errors */
    strbuf_reset(&enc);
    const char *p1[NC] = {0};
    int32_t l1[NC] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    dumpfmt_encode_row(&c, p1, l1, &enc);
    enc.buf[0] = (char)0xff;
    ASSERT_EQ_INT(dumpfmt_decode_row(&c, enc.buf, enc.len, &need, &why), -1);
    ASSERT(why && strstr(why, "state"));
    dumpfmt_encode_row(&c, p1, l1, &enc);
    strbuf_reset(&enc);
    dumpfmt_encode_row(&c, p1, l1, &enc);
    enc.buf[2] |= (char)0x80;          /* column 12 of 9 */
    ASSERT_EQ_INT(dumpfmt_decode_row(&c, enc.buf, enc.len, &need, &why), -1);
    dumpfmt_codec_free(&c);

    /* a table without columns: each row is one byte */
    dumpfmt_codec_init(&c, NULL, 0);
    strbuf_reset(&enc);
    ASSERT_EQ_INT(dumpfmt_encode_row(&c, NULL, NULL, &enc), 1);
    ASSERT_EQ_INT(dumpfmt_decode_row(&c, enc.buf, enc.len, &need, &why), 1);
    ASSERT_EQ_INT(dumpfmt_decode_row(&c, enc.buf, 0, &need, &why), 0);
    dumpfmt_codec_free(&c);
    strbuf_free(&enc);
}

/* ---------------------------------------------------------------------
 * Chunk files
 * --------------------------------------------------------------------- */

enum { CF_NC = 6 };
static const ltype cf_types[CF_NC] = {LT(LT_INT64), LT(LT_TEXT), LT(LT_FLOAT64), LT(LT_TIMESTAMP),
                                      DEC(12, 2), LT(LT_BYTES)};

/* cf_row — the canonical cells of row r of the sample chunk into b. */
static void cf_row(batch *b, long r, strbuf *tmp)
{
    char buf[64];
    batch_begin_row(b);
    snprintf(buf, sizeof buf, "%ld", r * 7 - 1000);
    batch_set_cell(b, 0, buf, strlen(buf));
    if (r % 5 == 0) batch_set_null(b, 1);
    else {
        snprintf(buf, sizeof buf, "note %ld \xe2\x82\xac", r % 977);
        batch_set_cell(b, 1, buf, strlen(buf));
    }
    ferry_value v = {FV_REAL, 0, r / 1000.0 + 0.125, NULL, 0};
    ltype f = LT(LT_FLOAT64);
    canon(&f, &v, tmp);
    batch_set_cell(b, 2, tmp->buf, tmp->len);
    ferry_value ts = {FV_INT, 1600000000 + r * 37, 0, NULL, 0};
    ltype tt = LT(LT_TIMESTAMP);
    canon(&tt, &ts, tmp);
    batch_set_cell(b, 3, tmp->buf, tmp->len);
    snprintf(buf, sizeof buf, "%ld.%02ld", r / 100, r % 100);
    batch_set_cell(b, 4, buf, strlen(buf));
    if (r == 1234) {                               /* one row with a 1 MB blob */
        char *blob = xmalloc(1 << 20);
        for (int i = 0; i < (1 << 20); i++) blob[i] = (char)(i * 31 + (i >> 9));
        batch_set_cell(b, 5, blob, 1 << 20);
        free(blob);
    } else {
        unsigned char d[32];
        for (int i = 0; i < 32; i++) d[i] = (unsigned char)(r * 131 + i * 17);
        batch_set_cell(b, 5, d, 32);
    }
    batch_commit_row(b);
}

#define CF_ROWS 5000

/* write_sample — dir/file with CF_ROWS rows in batches of 700. */
static int write_sample(const char *dir, const char *file, int level, int workers,
                        dumpfmt_chunk_info *info)
{
    ferry_err e = {0};
    dumpfmt_write_opts o = {level, workers};
    dumpfmt_writer *w = dumpfmt_writer_open(dir, file, 3, 17, cf_types, CF_NC, &o, &e);
    batch *b = batch_new(CF_NC);
    strbuf tmp = STRBUF_INIT;
    if (!w) { FAIL_AT("writer_open: %s", e.msg); batch_free(b); return -1; }
    for (long r = 0; r < CF_ROWS; r++) {
        cf_row(b, r, &tmp);
        if (b->nrows == 700 || r == CF_ROWS - 1) {
            if (dumpfmt_writer_add_batch(w, b, &e)) {
                FAIL_AT("add_batch: %s", e.msg);
                dumpfmt_writer_abort(w);
                batch_free(b);
                strbuf_free(&tmp);
                return -1;
            }
            batch_reset(b, CF_NC);
        }
    }
    batch_free(b);
    strbuf_free(&tmp);
    if (dumpfmt_writer_finish(w, info, &e)) { FAIL_AT("finish: %s", e.msg); return -1; }
    return 0;
}

static char *path_of(const char *dir, const char *file)
{
    return xasprintf("%s/%s", dir, file);
}

TEST(test_dumpfmt_chunk_file_roundtrip)
{
    const char *dir = make_tmpdir();
    ferry_err e = {0};
    char file[64];
    dumpfmt_chunk_info info, got;
    ASSERT(dir);
    ASSERT_EQ_INT(dumpfmt_dir_prepare(dir, &e), 0);
    dumpfmt_chunk_file_name(3, 17, file, sizeof file);
    ASSERT_EQ_STR(file, "data/t000003-c00000017.fdc");
    if (write_sample(dir, file, 3, 2, &info)) { remove_tmpdir(); return; }
    char *path = path_of(dir, file), *tmp = xasprintf("%s.tmp", path);
    ASSERT(access(path, F_OK) == 0);
    ASSERT(access(tmp, F_OK) != 0);                 /* renamed into place */
    free(tmp);
    ASSERT_EQ_INT(info.rows, CF_ROWS);
    ASSERT_EQ_INT(info.table_id, 3);
    ASSERT_EQ_INT(info.chunk_id, 17);
    struct stat st;
    ASSERT(stat(path, &st) == 0);
    ASSERT_EQ_INT(info.compressed_bytes, st.st_size);
    ASSERT(info.bytes > (1 << 20));

    /* read back in batches of 333 and compare every cell with the source */
    dumpfmt_reader *r = dumpfmt_reader_open(path, &e);
    ASSERT(r);
    int nc;
    const ltype *types = dumpfmt_reader_types(r, &nc);
    ASSERT_EQ_INT(nc, CF_NC);
    for (int i = 0; i < nc; i++) {
        CHECK_EQ_INT(types[i].kind, cf_types[i].kind, "type");
        CHECK_EQ_INT(types[i].precision, cf_types[i].precision, "precision");
        CHECK_EQ_INT(types[i].scale, cf_types[i].scale, "scale");
    }
    ASSERT_EQ_INT(dumpfmt_reader_info(r)->rows, CF_ROWS);
    batch *b = batch_new(CF_NC), *want = batch_new(CF_NC);
    strbuf tmpb = STRBUF_INIT;
    long total = 0, n;
    int bad = 0;
    while ((n = dumpfmt_reader_next_batch(r, b, 333, &e)) > 0) {
        for (size_t k = 0; k < b->nrows && !bad; k++) {
            batch_reset(want, CF_NC);
            cf_row(want, total + (long)k, &tmpb);
            for (int i = 0; i < CF_NC; i++) {
                size_t la, lb;
                const char *pa = batch_cell_get(b, k, i, &la), *pb = batch_cell_get(want, 0, i, &lb);
                if ((pa == NULL) != (pb == NULL) || (pa && (la != lb || memcmp(pa, pb, la) != 0))) {
                    FAIL_AT("row %ld column %d differs", total + (long)k, i);
                    bad = 1;
                    break;
                }
            }
        }
        total += n;
        batch_reset(b, CF_NC);
    }
    if (n < 0) FAIL_AT("next_batch: %s", e.msg);
    ASSERT_EQ_INT(total, CF_ROWS);
    ASSERT_EQ_INT(dumpfmt_reader_next_batch(r, b, 10, &e), 0);      /* stays at the end */
    dumpfmt_reader_close(r);

    /* the value path: every value converts to the stored cell */
    r = dumpfmt_reader_open(path, &e);
    ASSERT(r);
    const ferry_value *vals;
    long rows = 0;
    int rc;
    while ((rc = dumpfmt_reader_next_row(r, &vals, &e)) == 1) {
        const dumpfmt_codec *c = dumpfmt_reader_codec(r);
        for (int i = 0; i < CF_NC && rows % 97 == 0; i++) {
            if (c->len[i] < 0) { CHECK_EQ_INT(vals[i].cls, FV_NULL, "null"); continue; }
            if (canon(&cf_types[i], &vals[i], &tmpb) || tmpb.len != (size_t)c->len[i] ||
                memcmp(tmpb.buf, c->ptr[i], tmpb.len) != 0)
                FAIL_AT("row %ld column %d: value does not convert back", rows, i);
        }
        rows++;
    }
    ASSERT_EQ_INT(rc, 0);
    ASSERT_EQ_INT(rows, CF_ROWS);
    dumpfmt_reader_close(r);

    /* verify (full) and check (quick), against what the writer said */
    ASSERT_EQ_INT(dumpfmt_verify_file(path, &info, &got, &e), 0);
    ASSERT_EQ_INT(got.checksum, info.checksum);
    ASSERT_EQ_INT(got.file_checksum, info.file_checksum);
    ASSERT_EQ_INT(dumpfmt_check_file(path, &info, NULL, &e), 0);
    dumpfmt_chunk_info other = info;
    other.rows++;
    ASSERT_EQ_INT(dumpfmt_verify_file(path, &other, NULL, &e), -1);
    ASSERT(strstr(e.msg, path) && strstr(e.msg, "row count"));
    other = info;
    other.chunk_id = 18;
    ASSERT_EQ_INT(dumpfmt_check_file(path, &other, NULL, &e), -1);
    ASSERT(strstr(e.msg, "chunk id"));

    batch_free(b);
    batch_free(want);
    strbuf_free(&tmpb);
    free(path);
    remove_tmpdir();
}

/* An empty chunk, a zero-column chunk, single-threaded and level 19. */
TEST(test_dumpfmt_chunk_file_small)
{
    const char *dir = make_tmpdir();
    ferry_err e = {0};
    dumpfmt_chunk_info info;
    ASSERT(dir);
    dumpfmt_write_opts o = {19, 0};
    dumpfmt_writer *w = dumpfmt_writer_open(dir, "empty.fdc", 0, 0, cf_types, CF_NC, &o, &e);
    ASSERT(w);
    ASSERT_EQ_INT(dumpfmt_writer_finish(w, &info, &e), 0);
    ASSERT_EQ_INT(info.rows, 0);
    char *path = path_of(dir, "empty.fdc");
    ASSERT_EQ_INT(dumpfmt_verify_file(path, &info, NULL, &e), 0);
    free(path);

    w = dumpfmt_writer_open(dir, "nocols.fdc", 1, 2, NULL, 0, NULL, &e);
    ASSERT(w);
    for (int i = 0; i < 10; i++) ASSERT_EQ_INT(dumpfmt_writer_add_row(w, NULL, NULL, &e), 0);
    ASSERT_EQ_INT(dumpfmt_writer_finish(w, &info, &e), 0);
    path = path_of(dir, "nocols.fdc");
    dumpfmt_reader *r = dumpfmt_reader_open(path, &e);
    ASSERT(r);
    batch *b = batch_new(0);
    ASSERT_EQ_INT(dumpfmt_reader_next_batch(r, b, 100, &e), 10);
    ASSERT_EQ_INT(dumpfmt_reader_next_batch(r, b, 100, &e), 0);
    batch_free(b);
    dumpfmt_reader_close(r);
    free(path);

    /* abort leaves nothing behind; a bad level is refused */
    w = dumpfmt_writer_open(dir, "gone.fdc", 0, 0, cf_types, CF_NC, NULL, &e);
    ASSERT(w);
    dumpfmt_writer_abort(w);
    path = path_of(dir, "gone.fdc.tmp");
    ASSERT(access(path, F_OK) != 0);
    free(path);
    o.level = 99;
    ASSERT(dumpfmt_writer_open(dir, "x.fdc", 0, 0, cf_types, CF_NC, &o, &e) == NULL);
    ASSERT(strstr(e.msg, "level 99"));
    /* a directory that does not exist: the message names the file */
    ASSERT(dumpfmt_writer_open(dir, "nodir/x.fdc", 0, 0, cf_types, CF_NC, NULL, &e) == NULL);
    ASSERT(strstr(e.msg, "nodir/x.fdc.tmp"));
    remove_tmpdir();
}

/* copy_file — src to dst, first n bytes (all when n < 0), as a byte string. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t k;
    if (!f) return NULL;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) strbuf_add(&sb, buf, k);
    fclose(f);
    *n = sb.len;
    return strbuf_detach(&sb);
}

static void spit(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

/* expect_bad — the damaged file at path fails the full verify (and the
 * quick check when quick), the message naming the file and containing
 * needle. */
static void expect_bad(const char *path, const char *needle, int quick, const char *ctx)
{
    ferry_err e = {0};
    if (dumpfmt_verify_file(path, NULL, NULL, &e) != -1) { FAIL_AT("[%s] verify passed", ctx); return; }
    if (!strstr(e.msg, path)) FAIL_AT("[%s] message does not name the file: %s", ctx, e.msg);
    if (needle && !strstr(e.msg, needle)) FAIL_AT("[%s] message lacks \"%s\": %s", ctx, needle, e.msg);
    if (quick) {
        memset(&e, 0, sizeof e);
        if (dumpfmt_check_file(path, NULL, NULL, &e) != -1) FAIL_AT("[%s] quick check passed", ctx);
        else if (!strstr(e.msg, path)) FAIL_AT("[%s] quick message does not name the file: %s", ctx, e.msg);
    }
    /* and reading batches never ends with 0 (success) */
    dumpfmt_reader *r = dumpfmt_reader_open(path, &e);
    if (r) {
        batch *b = batch_new(CF_NC);
        long n;
        while ((n = dumpfmt_reader_next_batch(r, b, 1000, &e)) > 0) batch_reset(b, CF_NC);
        if (n == 0) FAIL_AT("[%s] reading ended as if the file were good", ctx);
        batch_free(b);
        dumpfmt_reader_close(r);
    }
}

TEST(test_dumpfmt_chunk_file_damage)
{
    const char *dir = make_tmpdir();
    ferry_err e = {0};
    dumpfmt_chunk_info info;
    size_t n;
    char ctx[64];
    ASSERT(dir);
    ASSERT_EQ_INT(dumpfmt_dir_prepare(dir, &e), 0);
    if (write_sample(dir, "data/good.fdc", 3, 0, &info)) { remove_tmpdir(); return; }
    char *good = path_of(dir, "data/good.fdc"), *bad = path_of(dir, "data/bad.fdc");
    char *data = slurp(good, &n);
    ASSERT(data && n == info.compressed_bytes);
    size_t hlen = DUMPFMT_HEADER_FIXED + CF_NC * DUMPFMT_COLUMN_SIZE;

    /* truncated: anywhere */
    size_t cuts[] = {0, 5, 20, hlen - 1, hlen, hlen + 10, n / 2, n - 48, n - 9, n - 1};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        spit(bad, data, cuts[k]);
        snprintf(ctx, sizeof ctx, "truncated at %zu", cuts[k]);
        expect_bad(bad, "truncated", 1, ctx);
    }
    /* extra bytes after the trailer */
    {
        char *more = xmalloc(n + 3);
        memcpy(more, data, n);
        memcpy(more + n, "xyz", 3);
        spit(bad, more, n + 3);
        expect_bad(bad, NULL, 1, "extra bytes");
        free(more);
    }
    /* one flipped byte: in the header, in the compressed data, in the trailer */
    size_t flips[] = {9, 16, 20, 33, hlen - 3, hlen + 5, hlen + (n - hlen) / 3, n / 2,
                      n - 60, n - 48, n - 40, n - 30, n - 20, n - 12, n - 1};
    for (size_t k = 0; k < sizeof flips / sizeof flips[0]; k++) {
        data[flips[k]] ^= 0x10;
        spit(bad, data, n);
        data[flips[k]] ^= 0x10;
        snprintf(ctx, sizeof ctx, "flipped byte %zu of %zu", flips[k], n);
        expect_bad(bad, NULL, 1, ctx);
    }
    /* every byte of the zstd data, sampled: a flip anywhere is caught */
    for (size_t at = hlen; at < n - 48; at += (n - hlen) / 41 + 1) {
        data[at] ^= 0x01;
        spit(bad, data, n);
        data[at] ^= 0x01;
        snprintf(ctx, sizeof ctx, "flipped bit at %zu", at);
        expect_bad(bad, NULL, 0, ctx);
    }
    /* a wrong magic */
    data[0] = 'X';
    spit(bad, data, n);
    data[0] = 'F';
    expect_bad(bad, "bad magic", 1, "magic");
    /* a newer version */
    data[8] = 2;
    spit(bad, data, n);
    data[8] = 1;
    expect_bad(bad, "newer ferry", 1, "version");
    /* a missing chunk */
    unlink(bad);
    expect_bad(bad, "missing", 1, "missing");
    /* the good one is still good */
    ASSERT_EQ_INT(dumpfmt_verify_file(good, &info, NULL, &e), 0);
    free(data);
    free(good);
    free(bad);
    remove_tmpdir();
}

/* ---------------------------------------------------------------------
 * Manifest
 * --------------------------------------------------------------------- */

static void sample_manifest(dump_manifest *m)
{
    arena *a = &m->mem;
    dump_manifest_init(m);
    m->ferry_version = arena_strdup(a, "0.1.0");
    m->created = arena_strdup(a, "2026-11-21T23:40:07.125Z");
    m->src_engine = arena_strdup(a, "postgresql");
    m->src_server_version = arena_strdup(a, "PostgreSQL 15.18");
    m->src_url = arena_strdup(a, "postgresql://app:***@db/app");
    m->snapshot = arena_strdup(a, "00000003-0000001B-1");
    m->snapshot_time = arena_strdup(a, "2026-11-21T23:40:07.100Z");
    m->level = 3;
    m->chunk_rows = 50000;
    m->ntables = 2;
    m->tables = arena_alloc(a, 2 * sizeof *m->tables);
    dump_table *t = &m->tables[0];
    t->id = 0;
    t->schema = arena_strdup(a, "public");
    t->name = arena_strdup(a, "users");
    t->comment = arena_strdup(a, "people \"quoted\" \xc3\xa9");
    t->ncols = 3;
    t->cols = arena_alloc(a, 3 * sizeof *t->cols);
    t->cols[0] = (dump_column){.name = arena_strdup(a, "id"), .lt = LT(LT_INT64),
                               .native_type = arena_strdup(a, "bigint"), .identity = 1};
    t->cols[1] = (dump_column){.name = arena_strdup(a, "price"), .lt = DEC(10, 2),
                               .native_type = arena_strdup(a, "numeric(10,2)"), .nullable = 1,
                               .default_expr = arena_strdup(a, "0.00"), .comment = arena_strdup(a, "in EUR")};
    t->cols[2] = (dump_column){.name = arena_strdup(a, "mood"), .lt = LT(LT_ENUM),
                               .native_type = arena_strdup(a, "mood"), .nullable = 1, .nlabels = 2};
    t->cols[2].labels = arena_alloc(a, 2 * sizeof(char *));
    t->cols[2].labels[0] = arena_strdup(a, "sad");
    t->cols[2].labels[1] = arena_strdup(a, "it's ok");
    t->npk = 1;
    t->pk = arena_alloc(a, sizeof(char *));
    t->pk[0] = arena_strdup(a, "id");
    t->nindexes = 1;
    t->indexes = arena_alloc(a, sizeof *t->indexes);
    t->indexes[0].name = arena_strdup(a, "ix_price");
    t->indexes[0].nparts = 2;
    t->indexes[0].parts = arena_alloc(a, 2 * sizeof *t->indexes[0].parts);
    t->indexes[0].parts[0].column = arena_strdup(a, "price");
    t->indexes[0].parts[0].desc = 1;
    t->indexes[0].parts[1].expr = arena_strdup(a, "lower(mood::text)");
    t->indexes[0].where = arena_strdup(a, "price > 0");
    t->nchecks = 1;
    t->checks = arena_alloc(a, sizeof *t->checks);
    t->checks[0].name = arena_strdup(a, "price_pos");
    t->checks[0].expr = arena_strdup(a, "price >= 0");
    t->identity_column = arena_strdup(a, "id");
    t->identity_high = INT64_MAX - 5;
    t->key_column = arena_strdup(a, "id");
    t->est_rows = 1000;

    t = &m->tables[1];
    t->id = 1;
    t->name = arena_strdup(a, "orders");
    t->ncols = 2;
    t->cols = arena_alloc(a, 2 * sizeof *t->cols);
    t->cols[0] = (dump_column){.name = arena_strdup(a, "user_id"), .lt = LT(LT_INT64)};
    t->cols[1] = (dump_column){.name = arena_strdup(a, "span"), .lt = {LT_TIME, -1, 1, -1, -1},
                               .native_type = arena_strdup(a, "time")};
    t->nfks = 1;
    t->fks = arena_alloc(a, sizeof *t->fks);
    t->fks[0].ncols = 1;
    t->fks[0].cols = arena_alloc(a, sizeof(char *));
    t->fks[0].cols[0] = arena_strdup(a, "user_id");
    t->fks[0].ref_table = arena_strdup(a, "users");
    t->fks[0].on_delete = arena_strdup(a, "CASCADE");
    t->est_rows = -1;

    m->nsequences = 1;
    m->sequences = arena_alloc(a, sizeof *m->sequences);
    m->sequences[0].name = arena_strdup(a, "users_id_seq");
    m->sequences[0].owned_by = arena_strdup(a, "users.id");
    m->sequences[0].last_value = 1000;
    m->sequences[0].increment = 1;
    m->sequences[0].is_called = 1;
    m->nviews = 1;
    m->views = arena_alloc(a, sizeof *m->views);
    m->views[0].name = arena_strdup(a, "rich");
    m->views[0].select_sql = arena_strdup(a, "SELECT * FROM users WHERE price > 100");

    dump_chunk c = {0};
    c.table_id = 0; c.id = 0; c.has_hi = 1; c.hi = INT64_MIN + 10;
    c.file = "data/t000000-c00000000.fdc";
    c.rows = 10; c.bytes = 1000; c.compressed_bytes = 300;
    c.checksum = 0xfedcba9876543210ULL; c.file_checksum = 0x0123456789abcdefULL;
    dump_manifest_put_chunk(m, &c);
    c.id = 1; c.has_lo = 1; c.lo = INT64_MIN + 10; c.has_hi = 1; c.hi = 9007199254740993LL;
    c.file = "data/t000000-c00000001.fdc"; c.rows = 9007199254740993ULL;
    dump_manifest_put_chunk(m, &c);
    c.table_id = 1; c.id = 2; c.has_lo = 0; c.has_hi = 0;
    c.file = "data/t000001-c00000002.fdc"; c.rows = 0;
    dump_manifest_put_chunk(m, &c);
}

TEST(test_dumpfmt_manifest_roundtrip)
{
    const char *dir = make_tmpdir();
    dump_manifest m, r;
    ferry_err e = {0};
    ASSERT(dir);
    sample_manifest(&m);
    /* put_chunk replaces a chunk redone on resume */
    dump_chunk again = m.chunks[2];
    again.rows = 7;
    dump_manifest_put_chunk(&m, &again);
    ASSERT_EQ_INT(m.nchunks, 3);
    ASSERT_EQ_INT(dump_manifest_find_chunk(&m, 1, 2)->rows, 7);
    ASSERT_EQ_INT(dump_manifest_write(dir, &m, &e), 0);
    char *tmp = xasprintf("%s/manifest.json.tmp", dir);
    ASSERT(access(tmp, F_OK) != 0);
    free(tmp);

    ASSERT_EQ_INT(dump_manifest_read(dir, &r, &e), 0);
    ASSERT_EQ_INT(r.format_version, DUMPFMT_VERSION);
    ASSERT_EQ_STR(r.ferry_version, "0.1.0");
    ASSERT_EQ_STR(r.src_url, "postgresql://app:***@db/app");
    ASSERT_EQ_STR(r.snapshot, "00000003-0000001B-1");
    ASSERT(r.finished == NULL && !r.complete);
    ASSERT_EQ_INT(r.level, 3);
    ASSERT_EQ_INT(r.chunk_rows, 50000);
    ASSERT_EQ_INT(r.ntables, 2);
    const dump_table *t = &r.tables[0];
    ASSERT_EQ_STR(t->name, "users");
    ASSERT_EQ_STR(t->comment, "people \"quoted\" \xc3\xa9");
    ASSERT_EQ_INT(t->ncols, 3);
    ASSERT_EQ_INT(t->cols[1].lt.kind, LT_DECIMAL);
    ASSERT_EQ_INT(t->cols[1].lt.precision, 10);
    ASSERT_EQ_INT(t->cols[1].lt.scale, 2);
    ASSERT_EQ_STR(t->cols[1].default_expr, "0.00");
    ASSERT_EQ_STR(t->cols[1].comment, "in EUR");
    ASSERT(t->cols[0].identity && !t->cols[0].nullable && t->cols[1].nullable);
    ASSERT_EQ_INT(t->cols[2].nlabels, 2);
    ASSERT_EQ_STR(t->cols[2].labels[1], "it's ok");
    ASSERT_EQ_INT(t->npk, 1);
    ASSERT_EQ_STR(t->pk[0], "id");
    ASSERT_EQ_INT(t->indexes[0].nparts, 2);
    ASSERT(t->indexes[0].parts[0].desc);
    ASSERT_EQ_STR(t->indexes[0].parts[1].expr, "lower(mood::text)");
    ASSERT_EQ_STR(t->indexes[0].where, "price > 0");
    ASSERT_EQ_STR(t->checks[0].expr, "price >= 0");
    ASSERT_EQ_STR(t->identity_column, "id");
    ASSERT(t->identity_high == INT64_MAX - 5);
    ASSERT_EQ_INT(r.tables[1].cols[1].lt.kind, LT_TIME);
    ASSERT_EQ_INT(r.tables[1].cols[1].lt.fixed, 1);
    ASSERT_EQ_STR(r.tables[1].fks[0].ref_table, "users");
    ASSERT(r.tables[1].fks[0].ref_cols == NULL);
    ASSERT_EQ_INT(r.tables[1].est_rows, -1);
    ASSERT_EQ_STR(r.sequences[0].owned_by, "users.id");
    ASSERT_EQ_STR(r.views[0].select_sql, "SELECT * FROM users WHERE price > 100");
    ASSERT_EQ_INT(r.nchunks, 3);
    for (size_t i = 0; i < 3; i++) {
        const dump_chunk *a = &m.chunks[i], *b = &r.chunks[i];
        ASSERT(a->table_id == b->table_id && a->id == b->id && a->has_lo == b->has_lo &&
               a->has_hi == b->has_hi && (!a->has_lo || a->lo == b->lo) && (!a->has_hi || a->hi == b->hi));
        ASSERT(a->rows == b->rows && a->bytes == b->bytes && a->compressed_bytes == b->compressed_bytes);
        ASSERT(a->checksum == b->checksum && a->file_checksum == b->file_checksum);
        ASSERT_EQ_STR(a->file, b->file);
    }
    /* the chunk types check against the manifest */
    ltype ok[3] = {LT(LT_INT64), DEC(10, 2), LT(LT_ENUM)}, no[3] = {LT(LT_INT64), DEC(10, 3), LT(LT_ENUM)};
    ASSERT_EQ_INT(dump_table_check_types(t, ok, 3, "f.fdc", &e), 0);
    ASSERT_EQ_INT(dump_table_check_types(t, no, 3, "f.fdc", &e), -1);
    ASSERT(strstr(e.msg, "f.fdc") && strstr(e.msg, "price"));

    /* complete: written again with the finished time */
    m.complete = 1;
    ASSERT_EQ_INT(dump_manifest_write(dir, &m, &e), -1);      /* complete needs finished */
    m.finished = arena_strdup(&m.mem, "2026-11-21T23:50:00.000Z");
    ASSERT_EQ_INT(dump_manifest_write(dir, &m, &e), 0);
    dump_manifest_free(&r);
    ASSERT_EQ_INT(dump_manifest_read(dir, &r, &e), 0);
    ASSERT(r.complete);
    ASSERT_EQ_STR(r.finished, "2026-11-21T23:50:00.000Z");
    dump_manifest_free(&r);
    dump_manifest_free(&m);
    remove_tmpdir();
}

/* bad_manifest — text must be refused with needle, naming the file. */
static void bad_manifest(const char *text, const char *needle, const char *ctx)
{
    dump_manifest m;
    ferry_err e = {0};
    if (dump_manifest_parse(text, strlen(text), "DIR/manifest.json", &m, &e) != -1) {
        FAIL_AT("[%s] accepted", ctx);
        dump_manifest_free(&m);
        return;
    }
    if (!strstr(e.msg, "DIR/manifest.json")) FAIL_AT("[%s] message does not name the file: %s", ctx, e.msg);
    if (!strstr(e.msg, needle)) FAIL_AT("[%s] message lacks \"%s\": %s", ctx, needle, e.msg);
}

TEST(test_dumpfmt_manifest_refused)
{
    dump_manifest m;
    ferry_err e = {0};
    sample_manifest(&m);
    char *good = dump_manifest_to_json(&m);
    dump_manifest_free(&m);
    ASSERT(good);
    ASSERT_EQ_INT(dump_manifest_parse(good, strlen(good), "DIR/manifest.json", &m, &e), 0);
    dump_manifest_free(&m);

    /* a newer format version: refused before anything else is read */
    bad_manifest("{\"format\":\"ferry-dump\",\"format_version\":2,\"schema\":42}", "newer ferry", "v2");
    char *v2 = xstrdup(good);
    char *at = strstr(v2, "\"format_version\":\t1");
    ASSERT(at);
    at[strlen("\"format_version\":\t")] = '7';
    bad_manifest(v2, "dump format version 7", "v7");
    free(v2);

    bad_manifest("{\"format\":\"ferry-dump\",\"format_vers", "not valid JSON", "truncated");
    bad_manifest("{\"tables\":[]}", "not a ferry dump manifest", "foreign");
    bad_manifest("{\"format\":\"ferry-dump\",\"format_version\":1,\"schema\":{\"tables\":[]}}", "chunks is missing", "no chunks");
    bad_manifest("{\"format\":\"ferry-dump\",\"format_version\":1,\"schema\":{\"tables\":[{\"id\":0,\"name\":\"t\","
                 "\"columns\":[{\"name\":\"a\",\"type\":\"int128\"}]}]},\"chunks\":[]}",
                 "schema.tables[0].columns[0].type", "bad type");

    /* inconsistent chunks */
    const char *base = "{\"format\":\"ferry-dump\",\"format_version\":1,\"schema\":{\"tables\":[{\"id\":0,"
                       "\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int64\"}]}]},\"chunks\":[%s]}";
    const char *chunk = "{\"table_id\":%d,\"id\":%d,\"key_range\":[null,null],\"file\":\"%s\",\"rows\":1,"
                        "\"bytes\":1,\"compressed_bytes\":1,\"checksum\":\"0000000000000001\","
                        "\"file_checksum\":\"0000000000000002\"}";
    struct { int table, id; const char *file, *file2; const char *needle, *ctx; } cs[] = {
        {5, 0, "data/a.fdc", NULL, "table id 5", "unknown table"},
        {0, 0, "../etc/passwd", NULL, "not a relative path", "escape"},
        {0, 0, "/abs.fdc", NULL, "not a relative path", "absolute"},
        {0, 0, "data/./a.fdc", NULL, "not a relative path", "dot"},
        {0, 0, "data/a.fdc", "data/a.fdc", "repeats a chunk", "duplicate chunk"},
        {0, 0, "data/a.fdc", "data/a.fdc", "recorded for two chunks", "shared file"},
    };
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        char *c1 = xasprintf(chunk, cs[k].table, cs[k].id, cs[k].file), *all;
        if (cs[k].file2) {
            char *c2 = xasprintf(chunk, cs[k].table, k == 5 ? 1 : cs[k].id, cs[k].file2);
            all = xasprintf("%s,%s", c1, c2);
            free(c2);
        } else {
            all = xstrdup(c1);
        }
        char *doc = xasprintf(base, all);
        bad_manifest(doc, cs[k].needle, cs[k].ctx);
        free(doc);
        free(all);
        free(c1);
    }
    free(good);

    /* a directory without a manifest */
    const char *dir = make_tmpdir();
    ASSERT(dir);
    ASSERT_EQ_INT(dump_manifest_read(dir, &m, &e), -1);
    ASSERT(strstr(e.msg, dir) && strstr(e.msg, "manifest.json") && strstr(e.msg, "missing"));
    remove_tmpdir();
}

/* Random bytes and randomly damaged rows never make the decoder read out
 * of bounds or crash (run under AddressSanitizer by make asan). */
TEST(test_dumpfmt_decode_garbage)
{
    ltype types[LT__COUNT - 1];
    for (int k = 1; k < LT__COUNT; k++) types[k - 1] = (ltype)LT((ltype_kind)k);
    dumpfmt_codec c;
    dumpfmt_codec_init(&c, types, LT__COUNT - 1);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    size_t need;
    const char *why;
    long ok = 0;
    for (int it = 0; it < 20000; it++) {
        size_t n = (size_t)(it % 97);
        unsigned char *p = xmalloc(n ? n : 1);
        for (size_t i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; p[i] = (unsigned char)x; }
        if (it % 2) memset(p, 0, n < 4 ? n : 4);        /* all "value" states: deeper paths */
        long k = dumpfmt_decode_row(&c, p, n, &need, &why);
        if (k < -1 || k > (long)n) { FAIL_AT("decode of %zu random bytes returned %ld", n, k); free(p); break; }
        if (k > 0) {
            ok++;
            for (int col = 0; col < c.ncols; col++)
                if (c.len[col] >= 0 && !c.ptr[col]) { FAIL_AT("column %d without bytes", col); break; }
        }
        if (k == 0 && need <= n) { FAIL_AT("need %zu with %zu bytes there", need, n); free(p); break; }
        free(p);
    }
    dumpfmt_codec_free(&c);
    (void)ok;
}

/* Floats at random: random bit patterns, short decimals, computed values,
 * float32 values. Each canonical cell comes back exactly, none verbatim,
 * and a short decimal text in fixed notation is its own canonical form (the
 * property the short encoding relies on). */
TEST(test_dumpfmt_float_random)
{
    ltype types[2] = {LT(LT_FLOAT64), LT(LT_FLOAT32)};
    dumpfmt_codec c;
    strbuf cell = STRBUF_INIT, enc = STRBUF_INIT, back = STRBUF_INIT;
    uint64_t x = 0x2545f4914f6cdd1dULL;
    size_t need;
    const char *why;
    int fails = 0;
    dumpfmt_codec_init(&c, types, 2);
    long forms[2] = {0, 0};                      /* short decimal, IEEE */
    for (int it = 0; it < 60000 && fails < 5; it++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double d;
        float f;
        char txt[48];
        switch (it % 5) {
        case 0: memcpy(&d, &x, 8); break;                                     /* any bits */
        case 1: d = (double)(int64_t)(x % 2000000001) / 1000.0 - 1000000.0; break;
        case 2: d = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 40) - 20); break;
        case 3: {                                         /* a short decimal text */
            int digits = 1 + (int)(x % 15), xp = -4 + (int)((x >> 8) % 19);
            uint64_t m = (x >> 16) % 1000000000000000ULL;
            snprintf(txt, sizeof txt, "%.*e", digits - 1, (double)m / 1e14 * (x & 1 ? -1 : 1));
            d = strtod(txt, NULL) * pow(10, xp);
            break;
        }
        default: d = (double)(x % 100000) / 100.0; break;
        }
        { uint32_t b32 = (uint32_t)(x >> 7); memcpy(&f, &b32, 4); }
        if (it % 3 == 0) f = (float)d;
        ferry_value v0 = {FV_REAL, 0, d, NULL, 0}, v1 = {FV_REAL, 0, (double)f, NULL, 0};
        strbuf_reset(&cell);
        strbuf_reset(&enc);
        const char *ptr[2];
        int32_t len[2];
        size_t split;
        if (convert_value(&types[0], &v0, &cell, NULL, NULL) != CONV_OK) continue;
        split = cell.len;
        if (convert_value(&types[1], &v1, &cell, NULL, NULL) != CONV_OK) continue;
        ptr[0] = cell.buf; len[0] = (int32_t)split;
        ptr[1] = cell.buf + split; len[1] = (int32_t)(cell.len - split);
        dumpfmt_encode_row(&c, ptr, len, &enc);
        long k = dumpfmt_decode_row(&c, enc.buf, enc.len, &need, &why);
        if (k != (long)enc.len || c.verbatim) { FAIL_AT("float row %d: decode %ld, verbatim %d", it, k, (int)c.verbatim); fails++; continue; }
        for (int i = 0; i < 2; i++) {
            forms[c.vals[i].cls == FV_REAL]++;
            if (c.len[i] != len[i] || memcmp(c.ptr[i], ptr[i], (size_t)len[i]) != 0) {
                FAIL_AT("float %d col %d: '%.*s' came back '%.*s'", it, i, (int)len[i], ptr[i],
                        (int)c.len[i], c.ptr[i]);
                fails++;
            }
            strbuf_reset(&back);
            if (convert_value(&types[i], &c.vals[i], &back, NULL, NULL) != CONV_OK || back.len != (size_t)len[i] ||
                memcmp(back.buf, ptr[i], back.len) != 0) {
                FAIL_AT("float %d col %d: value converts to '%s', cell '%.*s'", it, i, strbuf_cstr(&back),
                        (int)len[i], ptr[i]);
                fails++;
            }
        }
    }
    if (forms[0] < 20000 || forms[1] < 20000) FAIL_AT("forms: %ld short, %ld IEEE", forms[0], forms[1]);
    /* short decimal texts are their own canonical form */
    for (int it = 0; it < 40000 && fails < 10; it++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int is32 = it % 4 == 0, maxd = is32 ? 6 : 15;
        int digits = 1 + (int)(x % (uint64_t)maxd), xp = -4 + (int)((x >> 8) % (uint64_t)(maxd + 4));
        char dg[20], t[48];
        size_t o = 0;
        for (int i = 0; i < digits; i++) dg[i] = (char)('0' + (i == 0 ? 1 + (x >> (12 + i)) % 9 : (x >> (8 + 3 * i)) % 10));
        while (digits > 1 && dg[digits - 1] == '0' && digits - 1 > xp) digits--;   /* no trailing fraction zeros */
        if (x & 1) t[o++] = '-';
        if (xp < 0) {
            t[o++] = '0'; t[o++] = '.';
            for (int i = 0; i < -xp - 1; i++) t[o++] = '0';
            for (int i = 0; i < digits; i++) t[o++] = dg[i];
        } else {
            for (int i = 0; i <= xp; i++) t[o++] = i < digits ? dg[i] : '0';
            if (digits > xp + 1) { t[o++] = '.'; for (int i = xp + 1; i < digits; i++) t[o++] = dg[i]; }
        }
        t[o] = '\0';
        ferry_value v = {FV_TEXT, 0, 0, t, o};
        strbuf_reset(&back);
        if (convert_value(&types[is32], &v, &back, NULL, NULL) != CONV_OK || strcmp(strbuf_cstr(&back), t) != 0) {
            FAIL_AT("%s text '%s' converts to '%s'", is32 ? "float32" : "float64", t, strbuf_cstr(&back));
            fails++;
        }
    }
    dumpfmt_codec_free(&c);
    strbuf_free(&cell);
    strbuf_free(&enc);
    strbuf_free(&back);
}

/* A dump directory: verified whole (full and quick), then with a missing
 * chunk file, a chunk missing from the manifest, a damaged chunk, a chunk
 * of other types, leftovers, an incomplete and a newer manifest. */
static void vd_write_chunk(const char *dir, dump_manifest *m, int table, int id, int has_lo, int64_t lo,
                           int has_hi, int64_t hi, int rows)
{
    ferry_err e = {0};
    char file[64];
    dumpfmt_chunk_info info;
    ltype types[2] = {LT(LT_INT64), LT(LT_TEXT)};
    dumpfmt_chunk_file_name((uint32_t)table, (uint32_t)id, file, sizeof file);
    dumpfmt_writer *w = dumpfmt_writer_open(dir, file, (uint32_t)table, (uint32_t)id, types, 2, NULL, &e);
    if (!w) { FAIL_AT("%s", e.msg); return; }
    for (int r = 0; r < rows; r++) {
        char k[24], t[32];
        snprintf(k, sizeof k, "%lld", (long long)(has_lo ? lo : 0) + r);
        snprintf(t, sizeof t, "row %d", r);
        const char *p[2] = {k, t};
        int32_t l[2] = {(int32_t)strlen(k), (int32_t)strlen(t)};
        dumpfmt_writer_add_row(w, p, l, &e);
    }
    if (dumpfmt_writer_finish(w, &info, &e)) { FAIL_AT("%s", e.msg); return; }
    dump_chunk c;
    memset(&c, 0, sizeof c);
    dump_chunk_from_info(&c, &info, file);
    c.has_lo = has_lo; c.lo = lo; c.has_hi = has_hi; c.hi = hi;
    dump_manifest_put_chunk(m, &c);
}

static int vd_run(const char *dir, int quick, strbuf *rep, const char *needle, const char *ctx)
{
    ferry_err e = {0};
    dump_verify_summary sum;
    strbuf_reset(rep);
    int rc = dump_verify_dir(dir, quick, rep, &sum, &e);
    if (rc < 0) strbuf_adds(rep, e.msg);
    if (needle && !strstr(strbuf_cstr(rep), needle))
        FAIL_AT("[%s] report lacks \"%s\":\n%s", ctx, needle, strbuf_cstr(rep));
    return rc;
}

TEST(test_dumpfmt_verify_dir)
{
    const char *dir = make_tmpdir();
    ferry_err e = {0};
    dump_manifest m;
    strbuf rep = STRBUF_INIT;
    ASSERT(dir);
    ASSERT_EQ_INT(dumpfmt_dir_prepare(dir, &e), 0);
    dump_manifest_init(&m);
    m.ntables = 2;
    m.tables = arena_alloc(&m.mem, 2 * sizeof *m.tables);
    for (int t = 0; t < 2; t++) {
        m.tables[t].id = t;
        m.tables[t].name = arena_sprintf(&m.mem, "t%d", t);
        m.tables[t].ncols = 2;
        m.tables[t].cols = arena_alloc(&m.mem, 2 * sizeof(dump_column));
        m.tables[t].cols[0] = (dump_column){.name = arena_strdup(&m.mem, "id"), .lt = LT(LT_INT64)};
        m.tables[t].cols[1] = (dump_column){.name = arena_strdup(&m.mem, "v"), .lt = LT(LT_TEXT)};
    }
    vd_write_chunk(dir, &m, 0, 0, 0, 0, 1, 100, 50);
    vd_write_chunk(dir, &m, 0, 1, 1, 100, 1, 200, 60);
    vd_write_chunk(dir, &m, 0, 2, 1, 200, 0, 0, 70);
    vd_write_chunk(dir, &m, 1, 3, 0, 0, 0, 0, 0);
    m.complete = 1;
    m.finished = arena_strdup(&m.mem, "2026-11-22T00:00:00.000Z");
    ASSERT_EQ_INT(dump_manifest_write(dir, &m, &e), 0);
    ASSERT_EQ_INT(vd_run(dir, 0, &rep, "OK: 4 chunk(s), 180 rows", "whole"), 0);
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "ok    t1: 0 rows in 1 chunk(s)", "whole quick"), 0);

    char *c1 = xasprintf("%s/%s", dir, m.chunks[1].file), *tmp = xasprintf("%s.tmp", c1);
    size_t n;
    char *data = slurp(c1, &n);
    ASSERT(data);
    /* a missing chunk file */
    ASSERT(rename(c1, tmp) == 0);
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "missing (no such file)", "missing file"), 1);
    ASSERT(strstr(rep.buf, c1) && strstr(rep.buf, "left over from an interrupted write"));
    ASSERT(rename(tmp, c1) == 0);
    /* a damaged chunk file */
    data[n / 2] ^= 4;
    spit(c1, data, n);
    ASSERT_EQ_INT(vd_run(dir, 0, &rep, "DAMAGED", "flipped"), 1);
    ASSERT(strstr(rep.buf, c1));
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "file checksum", "flipped quick"), 1);
    data[n / 2] ^= 4;
    spit(c1, data, n);
    ASSERT_EQ_INT(vd_run(dir, 0, &rep, "OK:", "repaired"), 0);
    /* a chunk missing from the manifest */
    dump_manifest m2;
    char *text = dump_manifest_to_json(&m);
    ASSERT_EQ_INT(dump_manifest_parse(text, strlen(text), "x", &m2, &e), 0);
    free(text);
    free(m2.chunks[1].file);
    m2.chunks[1] = m2.chunks[3];
    m2.nchunks = 3;
    ASSERT_EQ_INT(dump_manifest_write(dir, &m2, &e), 0);
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "no chunk holds the keys 100 <= key < 200", "gap"), 1);
    ASSERT(strstr(rep.buf, "not recorded in the manifest"));
    /* incomplete */
    m2.complete = 0;
    ASSERT_EQ_INT(dump_manifest_write(dir, &m2, &e), 0);
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "not complete", "incomplete"), 1);
    dump_manifest_free(&m2);
    /* other types in the manifest than in the files */
    m.tables[0].cols[1].lt = (ltype)LT(LT_JSON);
    ASSERT_EQ_INT(dump_manifest_write(dir, &m, &e), 0);
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "column 2 is text, the manifest gives \"t0\".\"v\" type json", "types"), 1);
    /* a newer manifest */
    char *mpath = xasprintf("%s/manifest.json", dir);
    spit(mpath, "{\"format\": \"ferry-dump\", \"format_version\": 3}", 46);
    ASSERT_EQ_INT(vd_run(dir, 1, &rep, "newer ferry", "newer"), -1);
    ASSERT(strstr(rep.buf, mpath));
    free(mpath);
    free(data);
    free(c1);
    free(tmp);
    strbuf_free(&rep);
    dump_manifest_free(&m);
    remove_tmpdir();
}

/* fast_vs_slow — value v of type t: when dumpfmt_encode_value takes it,
 * its bytes must be exactly what convert_value + dumpfmt_encode_row make
 * (the row's state map says "value", then the same cell bytes), convert
 * must accept it without a note, and a batch holding it as an encoded cell
 * must encode to the same row. Returns 1 when the fast way took it. */
static int fast_vs_slow(const ltype *t, const ferry_value *v, const char *ctx)
{
    strbuf fast = STRBUF_INIT, cell = STRBUF_INIT, slow = STRBUF_INIT, viab = STRBUF_INIT;
    dumpfmt_codec c;
    conv_note note = NOTE_NONE;
    int took = 0;
    dumpfmt_codec_init(&c, t, 1);
    if (dumpfmt_encode_value(t, v, &fast) == 0) {
        took = 1;
        if (convert_value(t, v, &cell, &note, NULL) != CONV_OK || note != NOTE_NONE) {
            FAIL_AT("[%s] the fast way took a value convert rejects or notes", ctx);
        } else {
            const char *ptr[1] = {cell.buf};
            int32_t len[1] = {(int32_t)cell.len};
            dumpfmt_encode_row(&c, ptr, len, &slow);
            if (slow.len != fast.len + 1 || slow.buf[0] != 0 ||
                memcmp(slow.buf + 1, fast.buf, fast.len) != 0)
                FAIL_AT("[%s] fast %zu bytes, slow %zu bytes (cell \"%s\") differ", ctx, fast.len,
                        slow.len, cell.buf);
            batch *b = batch_new(1);
            size_t off;
            batch_begin_row(b);
            strbuf_add(batch_cell_begin(b, &off), fast.buf, fast.len);
            batch_cell_end_encoded(b, 0, off);
            batch_commit_row(b);
            dumpfmt_encode_batch_row(&c, b, 0, &viab);
            if (viab.len != slow.len || memcmp(viab.buf, slow.buf, slow.len) != 0)
                FAIL_AT("[%s] the encoded batch cell gives another row", ctx);
            batch_free(b);
        }
    } else if (fast.len != 0) {
        FAIL_AT("[%s] declined but appended %zu bytes", ctx, fast.len);
    }
    dumpfmt_codec_free(&c);
    strbuf_free(&fast); strbuf_free(&cell); strbuf_free(&slow); strbuf_free(&viab);
    return took;
}

/* The reader's shortcut for dumps (dumpfmt_encode_value) against the
 * ordinary way, value by value: integers of every width from FV_INT and
 * from text, bools, floats as MySQL sends them (FV_REAL with its text) and
 * as text, dates and timestamps; random and edge values. Each kind must be
 * taken by the shortcut at least sometimes (or the test proves nothing)
 * and declined where convert would reject, note or rewrite. */
TEST(test_dumpfmt_encode_value_same_bytes)
{
    ltype ti16 = LT(LT_INT16), ti32 = LT(LT_INT32), ti64 = LT(LT_INT64), tb = LT(LT_BOOL);
    ltype tf = LT(LT_FLOAT64), tf32 = LT(LT_FLOAT32), td = LT(LT_DATE), tts = LT(LT_TIMESTAMP);
    ltype ttz = LT(LT_TIMESTAMPTZ), ttxt = TXT(-1);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int took[8] = {0};
    char txt[64], ctx[96];
    for (int it = 0; it < 40000; it++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int64_t i = it % 4 == 0 ? (int64_t)x : it % 4 == 1 ? (int64_t)(x % 70000) - 35000
                  : it % 4 == 2 ? (int64_t)(x % 5000000000ULL) - 2500000000LL : (int64_t)(x % 3) - 1;
        ferry_value vi = {FV_INT, i, 0, NULL, 0};
        snprintf(txt, sizeof txt, it % 7 == 0 ? "%+lld" : it % 11 == 0 ? "%05lld" : "%lld", (long long)i);
        ferry_value vt = {FV_TEXT, 0, 0, txt, strlen(txt)};
        snprintf(ctx, sizeof ctx, "int %s", txt);
        took[0] += fast_vs_slow(&ti16, &vi, ctx) + fast_vs_slow(&ti32, &vi, ctx) + fast_vs_slow(&ti64, &vi, ctx);
        took[1] += fast_vs_slow(&ti16, &vt, ctx) + fast_vs_slow(&ti32, &vt, ctx) + fast_vs_slow(&ti64, &vt, ctx);
        took[2] += fast_vs_slow(&tb, &vi, ctx);
        /* floats: a double's text as a server prints it, in several forms */
        double d;
        switch (it % 6) {
        case 0: memcpy(&d, &x, 8); break;
        case 1: d = (double)(int64_t)(x % 2000001) / 100.0 - 10000.0; break;
        case 2: d = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 40) - 20); break;
        case 3: d = (double)(x % 1000); break;
        case 4: d = -0.0; break;
        default: d = (double)(x % 100000) / 1000.0; break;
        }
        static const char *const fmts[] = {"%.17g", "%.15g", "%g", "%.3f", "%.2e", "%.16g"};
        snprintf(txt, sizeof txt, fmts[(it / 6) % 6], d);
        ferry_value vr = {FV_REAL, 0, strtod(txt, NULL), txt, strlen(txt)};
        ferry_value vs = {FV_TEXT, 0, 0, txt, strlen(txt)};
        snprintf(ctx, sizeof ctx, "float %s", txt);
        took[3] += fast_vs_slow(&tf, &vr, ctx);
        ferry_value vbin = {FV_REAL, 0, d, NULL, 0};          /* binary protocols: no text */
        took[3] += fast_vs_slow(&tf, &vbin, ctx);
        took[4] += fast_vs_slow(&tf, &vs, ctx);
        ferry_value vwrong = {FV_REAL, 0, strtod(txt, NULL) + 1.0, txt, strlen(txt)};
        if (isfinite(vwrong.d) && vwrong.d != strtod(txt, NULL) && fast_vs_slow(&tf, &vwrong, ctx))
            FAIL_AT("[%s] took an FV_REAL whose number is not its text's", ctx);
        if (fast_vs_slow(&tf32, &vr, ctx)) FAIL_AT("[%s] float32 is not a shortcut type", ctx);
        /* dates and timestamps, canonical and not */
        int64_t sec = (int64_t)(x % 253402300800ULL) - (int64_t)(x % 3 == 0 ? 62135596800LL : 0);
        if (sec < -62135596800LL) sec = -62135596800LL;
        time_t tt = (time_t)sec;
        struct tm tm;
        gmtime_r(&tt, &tm);
        unsigned us = (unsigned)(x >> 40) % 1000000;
        static const char *const tsf[] = {"%04d-%02d-%02d %02d:%02d:%02d", "%04d-%02d-%02dT%02d:%02d:%02d",
                                          "%04d-%02d-%02d %02d:%02d:%02d.%06u", "%04d-%02d-%02d %02d:%02d:%02d+00:00"};
        int form = (it / 3) % 4;
        snprintf(txt, sizeof txt, tsf[form], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, us);
        if (form == 2 && us % 10 == 0 && it % 2) {           /* canonical fractions drop trailing zeros */
            size_t n = strlen(txt);
            while (txt[n - 1] == '0') txt[--n] = '\0';
            if (txt[n - 1] == '.') txt[--n] = '\0';
        }
        ferry_value vd = {FV_TEXT, 0, 0, txt, strlen(txt)};
        snprintf(ctx, sizeof ctx, "time %s", txt);
        took[5] += fast_vs_slow(&tts, &vd, ctx);
        took[6] += fast_vs_slow(&ttz, &vd, ctx);
        ferry_value vday = {FV_TEXT, 0, 0, txt, 10};
        took[7] += fast_vs_slow(&td, &vday, ctx);
        if (fast_vs_slow(&ttxt, &vd, ctx)) FAIL_AT("[%s] text is not a shortcut type", ctx);
    }
    /* edges: out of range, not a bool, zero dates, -0 */
    ferry_value big = {FV_INT, 40000, 0, NULL, 0}, two = {FV_INT, 2, 0, NULL, 0};
    ferry_value zero = {FV_TEXT, 0, 0, "0000-00-00 00:00:00", 19}, mz = {FV_TEXT, 0, 0, "-0", 2};
    if (fast_vs_slow(&ti16, &big, "40000 int16")) FAIL_AT("took 40000 for int16");
    if (fast_vs_slow(&tb, &two, "2 bool")) FAIL_AT("took 2 for a bool");
    if (fast_vs_slow(&tts, &zero, "zero date")) FAIL_AT("took a zero date");
    if (fast_vs_slow(&tf, &mz, "-0")) FAIL_AT("took -0");
    for (int k = 0; k < 8; k++)
        if (took[k] < 100) FAIL_AT("shortcut kind %d taken only %d times", k, took[k]);
}

void suite_dumpfmt(void)
{
    RUN(test_dumpfmt_varint);
    RUN(test_dumpfmt_rt_bool_int);
    RUN(test_dumpfmt_rt_float);
    RUN(test_dumpfmt_float_random);
    RUN(test_dumpfmt_encode_value_same_bytes);
    RUN(test_dumpfmt_rt_decimal);
    RUN(test_dumpfmt_rt_text_bytes);
    RUN(test_dumpfmt_rt_datetime);
    RUN(test_dumpfmt_noncanonical_verbatim);
    RUN(test_dumpfmt_rows_nulls);
    RUN(test_dumpfmt_decode_garbage);
    RUN(test_dumpfmt_chunk_file_roundtrip);
    RUN(test_dumpfmt_chunk_file_small);
    RUN(test_dumpfmt_chunk_file_damage);
    RUN(test_dumpfmt_manifest_roundtrip);
    RUN(test_dumpfmt_manifest_refused);
    RUN(test_dumpfmt_verify_dir);
}
