/* test_convert.c — unit tests for engine/convert.c: per logical type, each
 * accepted form with its exact canonical output and note, each refusal with
 * the value quoted in its reason; the JSON form of values for reject files;
 * widening, after which every value converts. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "convert.h"
#include "util.h"

/* Value and type constructors for the tables. */
#define VI(x)     {FV_INT, (x), 0, NULL, 0}
#define VR(x)     {FV_REAL, 0, (x), NULL, 0}
#define VT(s)     {FV_TEXT, 0, 0, (s), sizeof(s) - 1}
#define VB(s)     {FV_BLOB, 0, 0, (s), sizeof(s) - 1}
#define VNULL     {FV_NULL, 0, 0, NULL, 0}
#define LT(k)     {(k), -1, 0, -1, -1}
#define TXT(n)    {LT_TEXT, (n), 0, -1, -1}
#define CHR(n)    {LT_TEXT, (n), 1, -1, -1}
#define DEC(p, s) {LT_DECIMAL, -1, 0, (p), (s)}

/* conv_case — one row: type, value, expected result, and either the exact
 * output (with note) or a text the reason must contain (the value). */
typedef struct conv_case {
    ltype       t;
    ferry_value v;
    conv_result rc;
    const char *want;      /* output, or for CONV_REJECT a needle in the reason */
    size_t      want_len;  /* bytes of want (outputs may hold NUL bytes) */
    conv_note   note;
} conv_case;

#define OK(t, v, out)          {t, v, CONV_OK, out, sizeof(out) - 1, NOTE_NONE}
#define NOTE(t, v, out, n)     {t, v, CONV_NOTE, out, sizeof(out) - 1, n}
#define REJ(t, v, needle)      {t, v, CONV_REJECT, needle, sizeof(needle) - 1, NOTE_NONE}

static int cases_run;

/* run_cases — run a table; each failing row is reported with its index. */
static void run_cases(const char *name, const conv_case *cs, size_t n)
{
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < n; k++) {
        const conv_case *c = &cs[k];
        conv_note note = NOTE__COUNT;
        const char *why = NULL;
        char ctx[96];
        snprintf(ctx, sizeof ctx, "%s #%zu", name, k);
        strbuf_reset(&sb);
        conv_result rc = convert_value(&c->t, &c->v, &sb, &note, &why);
        cases_run++;
        CHECK_EQ_INT(rc, c->rc, ctx);
        if (rc != c->rc) {
            fprintf(stderr, "    output \"%s\" reason \"%s\"\n", strbuf_cstr(&sb), why ? why : "");
            continue;
        }
        if (c->rc == CONV_REJECT) {
            if (!why || !strstr(why, c->want))
                FAIL_AT("[%s] reason \"%s\" lacks \"%s\"", ctx, why ? why : "(null)", c->want);
            CHECK_EQ_INT(note, NOTE_NONE, ctx);
            continue;
        }
        CHECK_EQ_INT(note, c->note, ctx);
        if (sb.len != c->want_len || memcmp(strbuf_cstr(&sb), c->want, sb.len) != 0)
            FAIL_AT("[%s] output \"%s\" != \"%s\"", ctx, strbuf_cstr(&sb), c->want);
    }
    strbuf_free(&sb);
}

#define RUN_CASES(name, arr) run_cases(name, arr, sizeof(arr) / sizeof(arr[0]))

TEST(test_convert_bool)
{
    static const conv_case cs[] = {
        OK(LT(LT_BOOL), VI(1), "t"),
        OK(LT(LT_BOOL), VI(0), "f"),
        OK(LT(LT_BOOL), VR(1.0), "t"),
        OK(LT(LT_BOOL), VR(0.0), "f"),
        OK(LT(LT_BOOL), VT("true"), "t"),
        OK(LT(LT_BOOL), VT("FALSE"), "f"),
        OK(LT(LT_BOOL), VT("Yes"), "t"),
        OK(LT(LT_BOOL), VT("no"), "f"),
        OK(LT(LT_BOOL), VT("t"), "t"),
        OK(LT(LT_BOOL), VT("F"), "f"),
        OK(LT(LT_BOOL), VT("1"), "t"),
        OK(LT(LT_BOOL), VT("0"), "f"),
        REJ(LT(LT_BOOL), VI(2), "2 is not a boolean"),
        REJ(LT(LT_BOOL), VI(-1), "-1 is not a boolean"),
        REJ(LT(LT_BOOL), VT("maybe"), "text 'maybe' is not a boolean"),
        REJ(LT(LT_BOOL), VT("true "), "'true '"),
        REJ(LT(LT_BOOL), VR(0.5), "0.5 is not a boolean"),
        REJ(LT(LT_BOOL), VB("\x01"), "blob x'01'"),
    };
    RUN_CASES("bool", cs);
}

TEST(test_convert_int)
{
    static const conv_case cs[] = {
        OK(LT(LT_INT16), VI(-32768), "-32768"),
        OK(LT(LT_INT16), VI(32767), "32767"),
        REJ(LT(LT_INT16), VI(70000), "70000 is out of range for int16"),
        REJ(LT(LT_INT16), VI(-32769), "-32769 is out of range for int16"),
        OK(LT(LT_INT32), VI(2147483647), "2147483647"),
        REJ(LT(LT_INT32), VI(2147483648LL), "2147483648 is out of range for int32"),
        OK(LT(LT_INT64), VI(INT64_MIN), "-9223372036854775808"),
        OK(LT(LT_INT64), VI(INT64_MAX), "9223372036854775807"),
        OK(LT(LT_INT32), VR(3.0), "3"),
        OK(LT(LT_INT32), VR(-0.0), "0"),
        OK(LT(LT_INT64), VR(-9223372036854775808.0), "-9223372036854775808"),
        REJ(LT(LT_INT32), VR(3.5), "3.5 is not an integer"),
        REJ(LT(LT_INT64), VR(1e19), "1e+19 is out of range for int64"),
        REJ(LT(LT_INT64), VR(NAN), "NaN is not an integer"),
        REJ(LT(LT_INT64), VR(INFINITY), "Infinity is not an integer"),
        OK(LT(LT_INT32), VT("42"), "42"),
        OK(LT(LT_INT32), VT("-7"), "-7"),
        OK(LT(LT_INT32), VT("+7"), "7"),
        OK(LT(LT_INT32), VT("007"), "7"),
        OK(LT(LT_INT64), VT("9223372036854775807"), "9223372036854775807"),
        OK(LT(LT_INT64), VT("-9223372036854775808"), "-9223372036854775808"),
        REJ(LT(LT_INT64), VT("9223372036854775808"), "text '9223372036854775808' is out of range for int64"),
        REJ(LT(LT_INT16), VT("99999"), "text '99999' is out of range for int16"),
        REJ(LT(LT_INT32), VT("abc"), "text 'abc' is not an integer"),
        REJ(LT(LT_INT32), VT(" 5"), "text ' 5' is not an integer"),
        REJ(LT(LT_INT32), VT("3.0"), "text '3.0' is not an integer"),
        REJ(LT(LT_INT32), VT("1e3"), "text '1e3'"),
        REJ(LT(LT_INT32), VT(""), "text '' is not an integer"),
        REJ(LT(LT_INT32), VT("-"), "text '-'"),
        REJ(LT(LT_INT32), VT("12\n"), "text '12\\x0a'"),
        REJ(LT(LT_INT32), VB("\x00\xff"), "blob x'00ff' (2 bytes)"),
    };
    RUN_CASES("int", cs);
}

TEST(test_convert_float)
{
    static const conv_case cs[] = {
        OK(LT(LT_FLOAT64), VR(0.1), "0.1"),
        OK(LT(LT_FLOAT64), VR(1 / 3.0), "0.3333333333333333"),
        OK(LT(LT_FLOAT64), VR(2 / 3.0), "0.6666666666666666"),
        OK(LT(LT_FLOAT64), VR(0.1 + 0.2), "0.30000000000000004"),
        OK(LT(LT_FLOAT64), VR(1e300), "1e+300"),
        OK(LT(LT_FLOAT64), VR(-0.0), "-0"),
        OK(LT(LT_FLOAT64), VR(1.5), "1.5"),
        OK(LT(LT_FLOAT64), VR(5e-324), "5e-324"),
        OK(LT(LT_FLOAT64), VR(123456789012345680.0), "1.2345678901234568e+17"),
        OK(LT(LT_FLOAT64), VR(INFINITY), "Infinity"),
        OK(LT(LT_FLOAT64), VR(-INFINITY), "-Infinity"),
        OK(LT(LT_FLOAT64), VR(NAN), "NaN"),
        OK(LT(LT_FLOAT64), VI(42), "42"),
        OK(LT(LT_FLOAT64), VI(9007199254740992LL), "9007199254740992"),
        OK(LT(LT_FLOAT64), VI(1152921504606846976LL), "1152921504606846976"),
        REJ(LT(LT_FLOAT64), VI(9007199254740993LL), "integer 9007199254740993 cannot be stored exactly as float64"),
        REJ(LT(LT_FLOAT64), VI(INT64_MAX), "integer 9223372036854775807"),
        OK(LT(LT_FLOAT64), VT("1.50"), "1.5"),
        OK(LT(LT_FLOAT64), VT("1e3"), "1000"),
        OK(LT(LT_FLOAT64), VT("-.25"), "-0.25"),
        OK(LT(LT_FLOAT64), VT("-Infinity"), "-Infinity"),
        OK(LT(LT_FLOAT64), VT("inf"), "Infinity"),
        OK(LT(LT_FLOAT64), VT("NaN"), "NaN"),
        OK(LT(LT_FLOAT64), VT("0.30000000000000004"), "0.30000000000000004"),
        REJ(LT(LT_FLOAT64), VT("abc"), "text 'abc' is not a number"),
        REJ(LT(LT_FLOAT64), VT("1e400"), "text '1e400' is out of range for float64"),
        REJ(LT(LT_FLOAT64), VT("1e-400"), "text '1e-400' is out of range"),
        REJ(LT(LT_FLOAT64), VT("0x10"), "text '0x10'"),
        REJ(LT(LT_FLOAT64), VT("1.5 "), "text '1.5 '"),
        REJ(LT(LT_FLOAT64), VT(""), "text ''"),
        REJ(LT(LT_FLOAT64), VB("\x01\x02"), "blob x'0102'"),
        OK(LT(LT_FLOAT32), VR(0.5), "0.5"),
        OK(LT(LT_FLOAT32), VR(0.1), "0.1"),
        OK(LT(LT_FLOAT32), VR((double)0.1f), "0.1"),
        OK(LT(LT_FLOAT32), VT("0.1"), "0.1"),
        OK(LT(LT_FLOAT32), VT("0.100000001"), "0.1"),
        OK(LT(LT_FLOAT32), VT("3.4028235e+38"), "3.4028235e+38"),
        OK(LT(LT_FLOAT32), VT("-Infinity"), "-Infinity"),
        OK(LT(LT_FLOAT32), VI(16777216), "16777216"),
        REJ(LT(LT_FLOAT32), VI(16777217), "integer 16777217 cannot be stored exactly as float32"),
        REJ(LT(LT_FLOAT32), VR(0.123456789012), "0.123456789012 has more digits than float32 holds"),
        REJ(LT(LT_FLOAT32), VR(1e39), "1e+39 is out of range for float32"),
        REJ(LT(LT_FLOAT32), VR(1e-50), "1e-50 is too small for float32"),
    };
    RUN_CASES("float", cs);
}

TEST(test_convert_decimal)
{
    static const conv_case cs[] = {
        OK(DEC(10, 2), VT("12.5"), "12.50"),
        OK(DEC(10, 2), VT("1.230"), "1.23"),
        OK(DEC(10, 2), VI(5), "5.00"),
        OK(DEC(10, 2), VR(0.1), "0.10"),
        OK(DEC(10, 2), VT("-0.5"), "-0.50"),
        REJ(DEC(10, 2), VR(1.234), "1.234 has more than 2 decimal places for decimal(10,2)"),
        REJ(DEC(10, 2), VT("0.001"), "text '0.001' has more than 2 decimal places"),
        OK(DEC(5, 2), VT("999.99"), "999.99"),
        OK(DEC(5, 2), VT("-0.00"), "0.00"),
        OK(DEC(5, 2), VT("000999.9"), "999.90"),
        REJ(DEC(5, 2), VI(1000), "1000 has 4 digits before the point, more than decimal(5,2) allows (3)"),
        REJ(DEC(5, 2), VT("1e3"), "text '1e3' has 4 digits before the point"),
        OK(DEC(10, 0), VT("12.0"), "12"),
        OK(DEC(3, -1), VT("123"), "123"),
        REJ(DEC(3, -1), VT("12.5"), "text '12.5' has more than 0 decimal places for decimal(3,0)"),
        OK(DEC(-1, -1), VT("-12.50"), "-12.50"),
        OK(DEC(-1, -1), VT("1.5e3"), "1500"),
        OK(DEC(-1, -1), VT("1.50e1"), "15.0"),
        OK(DEC(-1, -1), VT("1e-3"), "0.001"),
        OK(DEC(-1, -1), VT("+.5"), "0.5"),
        OK(DEC(-1, -1), VT("5."), "5"),
        OK(DEC(-1, -1), VT("000123.4500"), "123.4500"),
        OK(DEC(-1, -1), VT("-0"), "0"),
        OK(DEC(-1, -1), VT("0.000"), "0.000"),
        OK(DEC(-1, -1), VT("12345678901234567890123456789.123456789"), "12345678901234567890123456789.123456789"),
        OK(DEC(-1, -1), VR(0.1), "0.1"),
        OK(DEC(-1, -1), VR(1e20), "100000000000000000000"),
        OK(DEC(-1, -1), VR(1.234e-5), "0.00001234"),
        OK(DEC(-1, -1), VR(-2.5), "-2.5"),
        OK(DEC(-1, -1), VR(-0.0), "0"),
        OK(DEC(-1, -1), VI(INT64_MIN), "-9223372036854775808"),
        REJ(DEC(-1, -1), VR(NAN), "NaN is not a decimal number"),
        REJ(DEC(-1, -1), VR(-INFINITY), "-Infinity is not a decimal number"),
        REJ(DEC(-1, -1), VT("abc"), "text 'abc' is not a decimal number"),
        REJ(DEC(-1, -1), VT("NaN"), "text 'NaN' is not a decimal number"),
        REJ(DEC(-1, -1), VT("1e"), "text '1e'"),
        REJ(DEC(-1, -1), VT("."), "text '.'"),
        REJ(DEC(-1, -1), VT("1,5"), "text '1,5'"),
        REJ(DEC(-1, -1), VT("1e1000000"), "text '1e1000000' is too large for a decimal"),
        REJ(DEC(-1, -1), VB("12"), "blob x'3132'"),
    };
    RUN_CASES("decimal", cs);
}

TEST(test_convert_text)
{
    static char long_x[201];
    memset(long_x, 'x', 200);
    const ferry_value vlong = {FV_TEXT, 0, 0, long_x, 200};
    const conv_case cs[] = {
        OK(TXT(-1), VT("hello"), "hello"),
        OK(TXT(-1), VT(""), ""),
        OK(TXT(5), VT("h\xc3\xa9llo"), "h\xc3\xa9llo"),
        REJ(TXT(4), VT("h\xc3\xa9llo"), "text 'h\xc3\xa9llo' has 5 characters, more than varchar(4)"),
        OK(TXT(1), VT("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80"),
        REJ(TXT(160), vlong, "has 200 characters, more than varchar(160)"),
        REJ(TXT(-1), VT("a\0b"), "contains a NUL byte at byte 1, which PostgreSQL text cannot hold"),
        REJ(TXT(-1), VT("a\0b"), "text 'a\\x00b'"),
        REJ(TXT(-1), VT("ab\xff"), "invalid UTF-8 at byte 2 in text 'ab\\xff'"),
        REJ(TXT(-1), VT("\xc3\x28"), "invalid UTF-8 at byte 0"),
        REJ(TXT(-1), VT("\xed\xa0\x80"), "invalid UTF-8 at byte 0"),
        NOTE(TXT(-1), VI(42), "42", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VI(-9223372036854775807LL - 1), "-9223372036854775808", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(1.0), "1.0", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(0.1), "0.1", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(1.5), "1.5", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(1e20), "1.0e+20", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(1e-5), "1.0e-05", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(1.5e300), "1.5e+300", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(123456789012345678.0), "1.2345678901234568e+17", NOTE_NUMBER_AS_TEXT),
        NOTE(TXT(-1), VR(INFINITY), "Inf", NOTE_NUMBER_AS_TEXT),
        REJ(TXT(3), VI(12345), "12345 has 5 characters, more than varchar(3)"),
        REJ(TXT(-1), VB("\x01\x02"), "blob x'0102' (2 bytes) in a text column"),
        OK(CHR(3), VT("ab   "), "ab "),
        OK(CHR(3), VT("abc"), "abc"),
        REJ(CHR(3), VT("abcd"), "text 'abcd' has 4 characters, more than char(3)"),
        OK(LT(LT_ENUM), VT("red"), "red"),
        REJ(LT(LT_ENUM), VI(1), "1 is not an enum label"),
        REJ(LT(LT_ENUM), VT("r\0"), "NUL byte at byte 1"),
        OK(LT(LT_BYTES), VB("\x00\x01\xff"), "\x00\x01\xff"),
        OK(LT(LT_BYTES), VB(""), ""),
        NOTE(LT(LT_BYTES), VT("abc"), "abc", NOTE_TEXT_AS_BYTES),
        REJ(LT(LT_BYTES), VI(5), "5 is a number, not bytes"),
        REJ(LT(LT_BYTES), VR(2.5), "2.5 is a number"),
        REJ(LT(LT_UNKNOWN), VT("x"), "text 'x' has no type mapping"),
        OK(LT(LT_INT32), VNULL, ""),
    };
    RUN_CASES("text", cs);
}

/* Julian days are checked against SQLite itself: datetime(2460000.5) is
 * '2023-02-25 00:00:00' (julianday('2023-02-24') is 2459999.5). */
TEST(test_convert_date)
{
    static const conv_case cs[] = {
        OK(LT(LT_DATE), VT("2024-02-29"), "2024-02-29"),
        OK(LT(LT_DATE), VT("2000-02-29"), "2000-02-29"),
        OK(LT(LT_DATE), VT("0001-01-01"), "0001-01-01"),
        OK(LT(LT_DATE), VT("9999-12-31"), "9999-12-31"),
        REJ(LT(LT_DATE), VT("2023-02-29"), "text '2023-02-29' has an invalid day of the month"),
        REJ(LT(LT_DATE), VT("1900-02-29"), "text '1900-02-29'"),
        REJ(LT(LT_DATE), VT("2024-04-31"), "text '2024-04-31'"),
        REJ(LT(LT_DATE), VT("2024-13-01"), "text '2024-13-01' has an invalid month"),
        REJ(LT(LT_DATE), VT("2024-00-10"), "invalid month"),
        REJ(LT(LT_DATE), VT("0000-00-00"), "text '0000-00-00' is out of range"),
        REJ(LT(LT_DATE), VT("24-01-01"), "text '24-01-01' is not an ISO 8601 date"),
        REJ(LT(LT_DATE), VT("2024/01/01"), "text '2024/01/01'"),
        REJ(LT(LT_DATE), VT("infinity"), "text 'infinity'"),
        OK(LT(LT_DATE), VT("2024-01-01 00:00:00"), "2024-01-01"),
        OK(LT(LT_DATE), VT("2024-01-01T00:00:00.000"), "2024-01-01"),
        REJ(LT(LT_DATE), VT("2024-01-01 10:00:00"), "text '2024-01-01 10:00:00' has a time of day, a date column would drop it"),
        REJ(LT(LT_DATE), VT("2024-01-01 00:00:00.5"), "has a time of day"),
        REJ(LT(LT_DATE), VT("2024-01-01T00:00:00Z"), "text '2024-01-01T00:00:00Z' has a time zone offset"),
        NOTE(LT(LT_DATE), VI(1704067200), "2024-01-01", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_DATE), VI(1704067200000LL), "2024-01-01", NOTE_EPOCH_MILLIS),
        REJ(LT(LT_DATE), VI(1704067201), "1704067201 (read as Unix seconds, 2024-01-01 00:00:01) has a time of day"),
        NOTE(LT(LT_DATE), VR(2460000.5), "2023-02-25", NOTE_JULIAN_DAY),
        REJ(LT(LT_DATE), VR(2460000.75), "2460000.75 (read as a Julian day, 2023-02-25 06:00:00) has a time of day"),
        REJ(LT(LT_DATE), VB("2024"), "blob x'32303234'"),
    };
    RUN_CASES("date", cs);
}

TEST(test_convert_timestamp)
{
    static const conv_case cs[] = {
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:34:56"), "2024-01-01 12:34:56"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01T12:34:56"), "2024-01-01 12:34:56"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:34"), "2024-01-01 12:34:00"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01"), "2024-01-01 00:00:00"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00.5"), "2024-01-01 12:00:00.5"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00.000"), "2024-01-01 12:00:00"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00.123456"), "2024-01-01 12:00:00.123456"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00.123456000"), "2024-01-01 12:00:00.123456"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00.000001"), "2024-01-01 12:00:00.000001"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00.123456789"), "text '2024-01-01 12:00:00.123456789' has more than microsecond precision"),
        NOTE(LT(LT_TIMESTAMP), VT("2024-01-01 01:00:00+02:00"), "2023-12-31 23:00:00", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00-0530"), "2024-01-01 17:30:00", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00+05"), "2024-01-01 07:00:00", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIMESTAMP), VT("2024-02-28T23:30:00.25-01:00"), "2024-02-29 00:30:00.25", NOTE_OFFSET_TO_UTC),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00Z"), "2024-01-01 12:00:00"),
        OK(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00+00:00"), "2024-01-01 12:00:00"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 24:00:00"), "text '2024-01-01 24:00:00' has an hour beyond 23"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 12:60:00"), "minute beyond 59"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 23:59:60"), "text '2024-01-01 23:59:60' has a second beyond 59"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00+02:"), "text '2024-01-01 12:00:00+02:'"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00 "), "is not an ISO 8601 date and time"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 12"), "text '2024-01-01 12'"),
        REJ(LT(LT_TIMESTAMP), VT("2024-01-01 12:00:00."), "text '2024-01-01 12:00:00.'"),
        REJ(LT(LT_TIMESTAMP), VT("0001-01-01 00:30:00+01:00"), "is out of range in UTC"),
        NOTE(LT(LT_TIMESTAMP), VI(0), "1970-01-01 00:00:00", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VI(-1), "1969-12-31 23:59:59", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VI(99999999999LL), "5138-11-16 09:46:39", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VI(100000000000LL), "1973-03-03 09:46:40", NOTE_EPOCH_MILLIS),
        REJ(LT(LT_TIMESTAMP), VI(-99999999999LL), "-99999999999 is out of range as Unix seconds"),
        NOTE(LT(LT_TIMESTAMP), VI(-5000000000LL), "1811-07-23 15:06:40", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VI(-100000000000LL), "1966-10-31 14:13:20", NOTE_EPOCH_MILLIS),
        NOTE(LT(LT_TIMESTAMP), VI(1700000000123LL), "2023-11-14 22:13:20.123", NOTE_EPOCH_MILLIS),
        NOTE(LT(LT_TIMESTAMP), VI(253402300799999LL), "9999-12-31 23:59:59.999", NOTE_EPOCH_MILLIS),
        REJ(LT(LT_TIMESTAMP), VI(253402300800000LL), "253402300800000 is out of range as Unix milliseconds"),
        REJ(LT(LT_TIMESTAMP), VI(INT64_MAX), "9223372036854775807 is out of range"),
        REJ(LT(LT_TIMESTAMP), VI(INT64_MIN), "-9223372036854775808 is out of range"),
        NOTE(LT(LT_TIMESTAMP), VR(1700000000.5), "2023-11-14 22:13:20.5", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VR(1700000000.25), "2023-11-14 22:13:20.25", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VR(-0.5), "1969-12-31 23:59:59.5", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VR(1000.0), "1970-01-01 00:16:40", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMP), VR(1700000000123.0), "2023-11-14 22:13:20.123", NOTE_EPOCH_MILLIS),
        NOTE(LT(LT_TIMESTAMP), VR(2460000.5), "2023-02-25 00:00:00", NOTE_JULIAN_DAY),
        NOTE(LT(LT_TIMESTAMP), VR(2460000.25), "2023-02-24 18:00:00", NOTE_JULIAN_DAY),
        NOTE(LT(LT_TIMESTAMP), VR(2440587.5), "1970-01-01 00:00:00", NOTE_JULIAN_DAY),
        NOTE(LT(LT_TIMESTAMP), VR(2460000.5 + 1.0 / 86400.0), "2023-02-25 00:00:01", NOTE_JULIAN_DAY),
        NOTE(LT(LT_TIMESTAMP), VR(2460000.5 + 0.123 / 86400.0), "2023-02-25 00:00:00.123", NOTE_JULIAN_DAY),
        NOTE(LT(LT_TIMESTAMP), VR(1721425.5), "0001-01-01 00:00:00", NOTE_JULIAN_DAY),
        REJ(LT(LT_TIMESTAMP), VR(NAN), "NaN is not a date or time"),
        REJ(LT(LT_TIMESTAMP), VR(1e300), "1e+300 is out of range"),
        REJ(LT(LT_TIMESTAMP), VB("\x00"), "blob x'00' (1 bytes) is not a timestamp"),
    };
    RUN_CASES("timestamp", cs);
}

TEST(test_convert_timestamptz_time)
{
    static const conv_case cs[] = {
        OK(LT(LT_TIMESTAMPTZ), VT("2024-01-01 12:00:00"), "2024-01-01 12:00:00+00:00"),
        OK(LT(LT_TIMESTAMPTZ), VT("2024-01-01"), "2024-01-01 00:00:00+00:00"),
        OK(LT(LT_TIMESTAMPTZ), VT("2024-01-01T12:00:00Z"), "2024-01-01 12:00:00+00:00"),
        OK(LT(LT_TIMESTAMPTZ), VT("2024-01-01 12:00:00.5+00"), "2024-01-01 12:00:00.5+00:00"),
        NOTE(LT(LT_TIMESTAMPTZ), VT("2024-01-01 01:00:00+02:00"), "2023-12-31 23:00:00+00:00", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIMESTAMPTZ), VT("2024-06-30 23:30:00-01:00"), "2024-07-01 00:30:00+00:00", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIMESTAMPTZ), VT("2023-12-31T23:00:00-0100"), "2024-01-01 00:00:00+00:00", NOTE_OFFSET_TO_UTC),
        REJ(LT(LT_TIMESTAMPTZ), VT("9999-12-31 23:30:00-01:00"), "text '9999-12-31 23:30:00-01:00' is out of range in UTC"),
        REJ(LT(LT_TIMESTAMPTZ), VT("2024-01-01 12:00:00+24:00"), "invalid time zone offset"),
        REJ(LT(LT_TIMESTAMPTZ), VT("2024-01-01 12:00:00 UTC"), "text '2024-01-01 12:00:00 UTC'"),
        NOTE(LT(LT_TIMESTAMPTZ), VI(1704067200), "2024-01-01 00:00:00+00:00", NOTE_EPOCH_SECONDS),
        NOTE(LT(LT_TIMESTAMPTZ), VR(2460000.5), "2023-02-25 00:00:00+00:00", NOTE_JULIAN_DAY),
        OK(LT(LT_TIME), VT("12:34"), "12:34:00"),
        OK(LT(LT_TIME), VT("00:00:00"), "00:00:00"),
        OK(LT(LT_TIME), VT("12:34:56.789"), "12:34:56.789"),
        OK(LT(LT_TIME), VT("23:59:59.999999"), "23:59:59.999999"),
        OK(LT(LT_TIME), VT("12:34:56.1234560"), "12:34:56.123456"),
        REJ(LT(LT_TIME), VT("12:34:56.1234567"), "text '12:34:56.1234567' has more than microsecond precision"),
        REJ(LT(LT_TIME), VT("24:00"), "text '24:00' has an hour beyond 23"),
        OK(LT(LT_TIME), VT("12:34:56Z"), "12:34:56"),
        OK(LT(LT_TIME), VT("12:34:56.5+00"), "12:34:56.5"),
        NOTE(LT(LT_TIME), VT("12:34:56+02:00"), "10:34:56", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIME), VT("01:00:00.25+02"), "23:00:00.25", NOTE_OFFSET_TO_UTC),
        NOTE(LT(LT_TIME), VT("23:30:00-0100"), "00:30:00", NOTE_OFFSET_TO_UTC),
        REJ(LT(LT_TIME), VT("12:34:56 +02:00"), "text '12:34:56 +02:00' is not a time of day"),
        REJ(LT(LT_TIME), VT("12:34:56+2"), "text '12:34:56+2'"),
        REJ(LT(LT_TIME), VT("1:23"), "text '1:23'"),
        REJ(LT(LT_TIME), VT("2024-01-01 12:00:00"), "text '2024-01-01 12:00:00'"),
        REJ(LT(LT_TIME), VI(3600), "3600 is not a time of day"),
        REJ(LT(LT_TIME), VR(0.5), "0.5 is not a time of day"),
    };
    RUN_CASES("timestamptz/time", cs);
}

TEST(test_convert_uuid_json)
{
    static const conv_case cs[] = {
        OK(LT(LT_UUID), VB("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11"),
           "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        REJ(LT(LT_UUID), VB("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a"),
            "blob x'a0eebc999c0b4ef8bb6d6bb9bd380a' (15 bytes) is not a UUID"),
        OK(LT(LT_UUID), VT("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        OK(LT(LT_UUID), VT("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        OK(LT(LT_UUID), VT("a0eebc999c0b4ef8bb6d6bb9bd380a11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        OK(LT(LT_UUID), VT("{A0EEBC999C0B4EF8BB6D6BB9BD380A11}"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        REJ(LT(LT_UUID), VT("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"), "text 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1' is not a UUID"),
        REJ(LT(LT_UUID), VT("a0eebc99_9c0b-4ef8-bb6d-6bb9bd380a11"), "text 'a0eebc99_9c0b"),
        REJ(LT(LT_UUID), VT("g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "text 'g0eebc99"),
        REJ(LT(LT_UUID), VT("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "is not a UUID"),
        REJ(LT(LT_UUID), VI(1), "1 is not a UUID"),
        OK(LT(LT_JSON), VT("{\"a\":[1,2,{\"b\":null}]}"), "{\"a\":[1,2,{\"b\":null}]}"),
        OK(LT(LT_JSON), VT(" [1, 2.5e-3, -0, true, false, null] \n"), " [1, 2.5e-3, -0, true, false, null] \n"),
        OK(LT(LT_JSON), VT("\"x\""), "\"x\""),
        OK(LT(LT_JSON), VT("42"), "42"),
        OK(LT(LT_JSON), VT("\"caf\xc3\xa9 \\u00e9 \\\\u0000\""), "\"caf\xc3\xa9 \\u00e9 \\\\u0000\""),
        OK(LT(LT_JSON), VT("{\"k\":\"\\ud83d\\ude00\"}"), "{\"k\":\"\\ud83d\\ude00\"}"),
        REJ(LT(LT_JSON), VT("{\"a\":}"), "text '{\"a\":}' is not valid JSON"),
        REJ(LT(LT_JSON), VT("{\"a\":1} x"), "text '{\"a\":1} x' is not valid JSON"),
        REJ(LT(LT_JSON), VT("\"\\u0000\""), "text '\"\\\\u0000\"' contains \\u0000, which PostgreSQL jsonb cannot store (byte 1)"),
        REJ(LT(LT_JSON), VT("01"), "text '01' is not valid JSON: an invalid number (byte 0)"),
        REJ(LT(LT_JSON), VT("[1.]"), "an invalid number (byte 1)"),
        REJ(LT(LT_JSON), VT("\"a\tb\""), "text '\"a\\x09b\"' is not valid JSON: an unescaped control character in a string (byte 2)"),
        REJ(LT(LT_JSON), VT("\"\xff\""), "invalid UTF-8 at byte 1"),
        REJ(LT(LT_JSON), VT("{\"a\":1}\0"), "NUL byte at byte 7"),
        REJ(LT(LT_JSON), VT(""), "text '' is not valid JSON"),
        REJ(LT(LT_JSON), VT("nan"), "text 'nan' is not valid JSON"),
        REJ(LT(LT_JSON), VT("\"\\ud800\""), "is not valid JSON"),
        OK(LT(LT_JSON), VI(5), "5"),
        OK(LT(LT_JSON), VR(0.5), "0.5"),
        OK(LT(LT_JSON), VR(1e300), "1e+300"),
        REJ(LT(LT_JSON), VR(NAN), "NaN is not valid JSON"),
        REJ(LT(LT_JSON), VB("{}"), "blob x'7b7d' (2 bytes) is not JSON"),
    };
    RUN_CASES("uuid/json", cs);
}

/* test_convert_reason_quoting — long values are cut to 40 bytes at a
 * character boundary; reasons stay valid UTF-8 and within their buffer. */
TEST(test_convert_reason_quoting)
{
    strbuf sb = STRBUF_INIT, big = STRBUF_INIT;
    ltype t = LT(LT_INT32);
    const char *why;
    conv_note note;
    size_t bad;
    for (int k = 0; k < 30; k++) strbuf_adds(&big, "\xc3\xa9");     /* 60 bytes of é */
    ferry_value v = {FV_TEXT, 0, 0, big.buf, big.len};
    ASSERT_EQ_INT(convert_value(&t, &v, &sb, &note, &why), CONV_REJECT);
    ASSERT(utf8_valid(why, strlen(why), &bad));
    ASSERT(strstr(why, "...' is not an integer") != NULL);
    ASSERT(strstr(why, "text '\xc3\xa9") == why);
    /* 20 characters = 40 bytes shown */
    ASSERT_EQ_INT(strstr(why, "...") - (why + 6), 40);

    strbuf_reset(&big);
    strbuf_adds(&big, "a");
    for (int k = 0; k < 30; k++) strbuf_adds(&big, "\xc3\xa9");     /* é straddles byte 40 */
    v.p = big.buf; v.n = big.len;
    ASSERT_EQ_INT(convert_value(&t, &v, &sb, &note, &why), CONV_REJECT);
    ASSERT(utf8_valid(why, strlen(why), &bad));
    ASSERT_EQ_INT(strstr(why, "...") - (why + 6), 39);

    /* the longest reasons still end in whole characters */
    strbuf_reset(&big);
    for (int k = 0; k < 300; k++) strbuf_adds(&big, "\xe2\x82\xac");   /* euro signs */
    ltype tt = TXT(10);
    v.p = big.buf; v.n = big.len;
    ASSERT_EQ_INT(convert_value(&tt, &v, &sb, &note, &why), CONV_REJECT);
    ASSERT(utf8_valid(why, strlen(why), &bad));
    ASSERT(strstr(why, "has 300 characters, more than varchar(10)") != NULL);
    ASSERT(strlen(why) < 256);

    /* control characters and quotes are escaped */
    ferry_value q = VT("it's\x01");
    ASSERT_EQ_INT(convert_value(&t, &q, &sb, &note, &why), CONV_REJECT);
    ASSERT_EQ_STR(why, "text 'it\\'s\\x01' is not an integer");
    strbuf_free(&sb);
    strbuf_free(&big);
}

TEST(test_convert_civil_days)
{
    int64_t y;
    unsigned m, d;
    ASSERT_EQ_INT(days_from_civil(1970, 1, 1), 0);
    ASSERT_EQ_INT(days_from_civil(2000, 3, 1), 11017);
    ASSERT_EQ_INT(days_from_civil(1, 1, 1), -719162);
    ASSERT_EQ_INT(days_from_civil(1969, 12, 31), -1);
    civil_from_days(19782, &y, &m, &d);     /* 2024-02-29 */
    ASSERT_EQ_INT(y, 2024);
    ASSERT_EQ_INT(m, 2);
    ASSERT_EQ_INT(d, 29);
    for (int64_t z = -719162; z < 2932897; z += 17) {
        civil_from_days(z, &y, &m, &d);
        if (days_from_civil(y, m, d) != z) { FAIL_AT("round trip of day %lld", (long long)z); return; }
    }
}

TEST(test_convert_value_json)
{
    static const struct { ferry_value v; const char *want; } cs[] = {
        {VNULL, "null"},
        {VI(-42), "-42"},
        {VR(0.1), "0.1"},
        {VR(-0.0), "-0"},
        {VR(1e300), "1e+300"},
        {VR(INFINITY), "\"Infinity\""},
        {VR(-INFINITY), "\"-Infinity\""},
        {VR(NAN), "\"NaN\""},
        {VT("plain"), "\"plain\""},
        {VT("q\"b\\s/"), "\"q\\\"b\\\\s/\""},
        {VT("a\nb\tc\r\b\f\x01\x1f"), "\"a\\nb\\tc\\r\\b\\f\\u0001\\u001f\""},
        {VT("nul\0x"), "\"nul\\u0000x\""},
        {VT("caf\xc3\xa9"), "\"caf\xc3\xa9\""},
        {VT("bad\xff"), "{\"hex\":\"626164ff\"}"},
        {VB("\x00\x01\xab"), "{\"hex\":\"0001ab\"}"},
        {VB(""), "{\"hex\":\"\"}"},
    };
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        char ctx[32];
        snprintf(ctx, sizeof ctx, "json #%zu", k);
        strbuf_reset(&sb);
        convert_value_json(&cs[k].v, &sb);
        cases_run++;
        CHECK_EQ_STR(strbuf_cstr(&sb), cs[k].want, ctx);
    }
    strbuf_free(&sb);
}

TEST(test_convert_note_names)
{
    ASSERT_EQ_STR(conv_note_name(NOTE_NONE), "none");
    ASSERT_EQ_STR(conv_note_name(NOTE_EPOCH_SECONDS), "epoch_seconds");
    ASSERT_EQ_STR(conv_note_name(NOTE_EPOCH_MILLIS), "epoch_millis");
    ASSERT_EQ_STR(conv_note_name(NOTE_JULIAN_DAY), "julian_day");
    ASSERT_EQ_STR(conv_note_name(NOTE_OFFSET_TO_UTC), "offset_to_utc");
    ASSERT_EQ_STR(conv_note_name(NOTE_NUMBER_AS_TEXT), "number_as_text");
    ASSERT_EQ_STR(conv_note_name(NOTE_TEXT_AS_BYTES), "text_as_bytes");
}

/* test_convert_widen_cases — the widening chosen for typical misfits. */
TEST(test_convert_widen_cases)
{
    static const struct { ltype from; ferry_value v; int changed; ltype to; } cs[] = {
        {TXT(5), VT("too long text"), 1, TXT(-1)},
        {TXT(5), VT("fits"), 0, TXT(5)},
        {TXT(5), VT("bad\xff"), 1, LT(LT_BYTES)},
        {TXT(-1), VT("a\0b"), 1, LT(LT_BYTES)},
        {TXT(-1), VB("\x01"), 1, LT(LT_BYTES)},
        {CHR(2), VI(12345), 1, TXT(-1)},
        {DEC(5, 2), VT("1.234"), 1, DEC(-1, -1)},
        {DEC(5, 2), VR(123456.5), 1, DEC(-1, -1)},
        {DEC(5, 2), VT("abc"), 1, TXT(-1)},
        {DEC(5, 2), VR(NAN), 1, TXT(-1)},
        {LT(LT_INT16), VI(70000), 1, LT(LT_INT32)},
        {LT(LT_INT16), VI(5000000000LL), 1, LT(LT_INT64)},
        {LT(LT_INT32), VR(3.5), 1, DEC(-1, -1)},
        {LT(LT_INT64), VR(1e19), 1, DEC(-1, -1)},
        {LT(LT_INT32), VT("n/a"), 1, TXT(-1)},
        {LT(LT_INT32), VB("\x01"), 1, LT(LT_BYTES)},
        {LT(LT_BOOL), VI(2), 1, TXT(-1)},
        {LT(LT_BOOL), VT("maybe"), 1, TXT(-1)},
        {LT(LT_FLOAT32), VR(0.123456789012), 1, LT(LT_FLOAT64)},
        {LT(LT_FLOAT64), VI(9007199254740993LL), 1, TXT(-1)},
        {LT(LT_FLOAT64), VT("n/a"), 1, TXT(-1)},
        {LT(LT_DATE), VT("2024-01-01 10:00:00"), 1, LT(LT_TIMESTAMP)},
        {LT(LT_DATE), VT("2024-01-01T00:00:00+02:00"), 1, LT(LT_TIMESTAMP)},
        {LT(LT_DATE), VT("0000-00-00"), 1, TXT(-1)},
        {LT(LT_TIMESTAMP), VT("yesterday"), 1, TXT(-1)},
        {LT(LT_TIMESTAMPTZ), VT("2024-01-01 12:00:00.123456789"), 1, TXT(-1)},
        {LT(LT_TIME), VI(3600), 1, TXT(-1)},
        {LT(LT_UUID), VT("not-a-uuid"), 1, TXT(-1)},
        {LT(LT_UUID), VB("\x01\x02"), 1, LT(LT_BYTES)},
        {LT(LT_JSON), VT("{bad"), 1, TXT(-1)},
        {LT(LT_JSON), VT("\"\\u0000\""), 1, TXT(-1)},
        {LT(LT_ENUM), VI(1), 1, TXT(-1)},
        {LT(LT_BYTES), VI(1), 0, LT(LT_BYTES)},
        {LT(LT_UNKNOWN), VT("x"), 0, LT(LT_UNKNOWN)},
    };
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        char ctx[32];
        ltype t = cs[k].from;
        snprintf(ctx, sizeof ctx, "widen #%zu", k);
        cases_run++;
        CHECK_EQ_INT(convert_widen(&t, &cs[k].v), cs[k].changed, ctx);
        CHECK_EQ_INT(t.kind, cs[k].to.kind, ctx);
        CHECK_EQ_INT(t.length, cs[k].to.length, ctx);
        CHECK_EQ_INT(t.fixed, cs[k].to.fixed, ctx);
        CHECK_EQ_INT(t.precision, cs[k].to.precision, ctx);
        CHECK_EQ_INT(t.scale, cs[k].to.scale, ctx);
    }
}

/* test_convert_widen_then_convert — over every type and a corpus of odd
 * values: after convert_widen the value converts, except numbers in bytes
 * (nothing is wider) and unmapped types; a value that converted already
 * leaves the type alone. */
TEST(test_convert_widen_then_convert)
{
    static const ltype types[] = {
        LT(LT_BOOL), LT(LT_INT16), LT(LT_INT32), LT(LT_INT64), LT(LT_FLOAT32),
        LT(LT_FLOAT64), DEC(5, 2), DEC(-1, -1), DEC(3, -1), TXT(3), TXT(-1), CHR(2),
        LT(LT_BYTES), LT(LT_DATE), LT(LT_TIME), LT(LT_TIMESTAMP), LT(LT_TIMESTAMPTZ),
        LT(LT_UUID), LT(LT_JSON), LT(LT_ENUM),
    };
    static const ferry_value vals[] = {
        VI(0), VI(1), VI(2), VI(-1), VI(70000), VI(INT64_MAX), VI(INT64_MIN),
        VI(9007199254740993LL), VI(1704067200), VI(1704067201000LL), VI(253402300800000LL),
        VR(0.0), VR(-0.0), VR(1.0), VR(0.5), VR(3.25), VR(1e19), VR(1e300), VR(5e-324),
        VR(NAN), VR(INFINITY), VR(-INFINITY), VR(2460000.5), VR(2460000.75), VR(0.123456789012),
        VT(""), VT("0"), VT("t"), VT("yes"), VT("maybe"), VT("42"), VT("-7"), VT("3.5"),
        VT("1e400"), VT("1e1000000"), VT("abc"), VT("12.345"), VT("NaN"), VT("Infinity"),
        VT("2024-02-29"), VT("2023-02-29"), VT("2024-01-01 10:00:00"),
        VT("2024-01-01 01:00:00+02:00"), VT("0000-00-00 00:00:00"), VT("12:34:56"),
        VT("2024-01-01 12:00:00.123456789"), VT("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        VT("{\"a\":1}"), VT("[01]"), VT("\"\\u0000\""), VT("h\xc3\xa9llo w\xc3\xb6rld"),
        VT("bad\xff"), VT("nul\0"), VT("\xed\xa0\x80"),
        VB(""), VB("\x01\x02"), VB("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11"),
    };
    strbuf sb = STRBUF_INIT;
    for (size_t a = 0; a < sizeof types / sizeof types[0]; a++) {
        for (size_t b = 0; b < sizeof vals / sizeof vals[0]; b++) {
            ltype t = types[a];
            conv_note note;
            const char *why;
            char ctx[48];
            snprintf(ctx, sizeof ctx, "type #%zu value #%zu", a, b);
            strbuf_reset(&sb);
            conv_result before = convert_value(&t, &vals[b], &sb, &note, &why);
            int changed = convert_widen(&t, &vals[b]);
            if (before != CONV_REJECT) CHECK_EQ_INT(changed, 0, ctx);
            strbuf_reset(&sb);
            conv_result after = convert_value(&t, &vals[b], &sb, &note, &why);
            int numeric = vals[b].cls == FV_INT || vals[b].cls == FV_REAL;
            if (after == CONV_REJECT && !(t.kind == LT_BYTES && numeric))
                FAIL_AT("[%s] still refused after widening to kind %d: %s", ctx, (int)t.kind, why);
            if (after == CONV_REJECT) CHECK_EQ_INT(changed, 0, ctx);
            cases_run++;
        }
    }
    strbuf_free(&sb);
}

/* test_convert_float_roundtrip — every float64 output reads back to the
 * same double, over a spread of magnitudes and awkward values. */
TEST(test_convert_float_roundtrip)
{
    strbuf sb = STRBUF_INIT;
    ltype t = LT(LT_FLOAT64);
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int k = 0; k < 20000; k++) {
        double d;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        memcpy(&d, &x, sizeof d);
        if (!isfinite(d)) continue;
        ferry_value v = VR(d);
        conv_note note;
        const char *why;
        strbuf_reset(&sb);
        ASSERT_EQ_INT(convert_value(&t, &v, &sb, &note, &why), CONV_OK);
        double back = strtod(strbuf_cstr(&sb), NULL);
        if (memcmp(&back, &d, sizeof d) != 0) { FAIL_AT("%.17g wrote %s", d, strbuf_cstr(&sb)); break; }
        /* the decimal form of the same value reads back too */
        ltype dt = DEC(-1, -1);
        strbuf_reset(&sb);
        ASSERT_EQ_INT(convert_value(&dt, &v, &sb, &note, &why), CONV_OK);
        back = strtod(strbuf_cstr(&sb), NULL);
        if (back != d) { FAIL_AT("%.17g as decimal wrote %s", d, strbuf_cstr(&sb)); break; }
    }
    strbuf_free(&sb);
}

/* test_convert_case_count — the tables above hold at least 120 cases
 * (fewer ran only when the run was filtered to some of the tests). */
TEST(test_convert_case_count)
{
    if (cases_run > 0 && cases_run < 120) FAIL_AT("only %d conversion cases ran", cases_run);
    else printf("     %d conversion cases\n", cases_run);
}

/* MySQL TIME as a duration (ltype.fixed = 1, MySQL -> MySQL only). */
TEST(test_convert_mysql_duration)
{
    static const struct { const char *in; const char *out; } cases[] = {
        {"838:59:59", "838:59:59"}, {"-838:59:59", "-838:59:59"}, {"00:00:01", "00:00:01"},
        {"-00:00:01.5", "-00:00:01.5"}, {"12:30:00.123456", "12:30:00.123456"},
        {"839:00:00", NULL}, {"12:60:00", NULL}, {"12:00", NULL}, {"1:00:00.1234567", NULL},
        {"abc", NULL}, {"", NULL},
    };
    ltype t = {LT_TIME, -1, 1, -1, -1};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ferry_value v = {FV_TEXT, 0, 0, cases[i].in, strlen(cases[i].in)};
        strbuf out = STRBUF_INIT;
        conv_note note = NOTE_NONE;
        const char *why = NULL;
        conv_result r = convert_value(&t, &v, &out, &note, &why);
        if (cases[i].out) {
            CHECK_EQ_INT(r, CONV_OK, cases[i].in);
            CHECK_EQ_STR(strbuf_cstr(&out), cases[i].out, cases[i].in);
        } else {
            CHECK_EQ_INT(r, CONV_REJECT, cases[i].in);
        }
        strbuf_free(&out);
    }
    /* Without the flag a duration is not a time of day. */
    ltype tod = {LT_TIME, -1, 0, -1, -1};
    ferry_value v = {FV_TEXT, 0, 0, "838:59:59", 9};
    strbuf out = STRBUF_INIT;
    conv_note note = NOTE_NONE;
    const char *why = NULL;
    ASSERT_EQ_INT(convert_value(&tod, &v, &out, &note, &why), CONV_REJECT);
    strbuf_free(&out);
}

void suite_convert(void)
{
    RUN(test_convert_mysql_duration);
    RUN(test_convert_bool);
    RUN(test_convert_int);
    RUN(test_convert_float);
    RUN(test_convert_decimal);
    RUN(test_convert_text);
    RUN(test_convert_date);
    RUN(test_convert_timestamp);
    RUN(test_convert_timestamptz_time);
    RUN(test_convert_uuid_json);
    RUN(test_convert_reason_quoting);
    RUN(test_convert_civil_days);
    RUN(test_convert_value_json);
    RUN(test_convert_note_names);
    RUN(test_convert_widen_cases);
    RUN(test_convert_widen_then_convert);
    RUN(test_convert_float_roundtrip);
    RUN(test_convert_case_count);
}
