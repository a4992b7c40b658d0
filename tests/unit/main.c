/* main.c — the unit test runner: every suite registers here, each suite
 * lives in its own test_*.c file. Prints "N passed, N failed". */
#include <stdio.h>
#include <string.h>
#include "test.h"

int test_failed_flag;
static int passed, failed;
static const char *only;

void test_run(const char *name, void (*fn)(void))
{
    if (only && !strstr(name, only)) return;
    test_failed_flag = 0;
    fn();
    if (test_failed_flag) { failed++; printf("FAIL %s\n", name); }
    else                  { passed++; printf("ok   %s\n", name); }
}

void suite_util(void);
void suite_url(void);
void suite_types(void);
void suite_convert(void);
void suite_numfmt(void);
void suite_queue(void);
void suite_sqlexpr(void);
void suite_sqlite_target(void);
void suite_dumpfmt(void);
void suite_app_types(void);
void suite_jobfile(void);

int main(int argc, char **argv)
{
    if (argc > 1) only = argv[1];     /* run only tests whose name contains argv[1] */
    suite_util();
    suite_url();
    suite_types();
    suite_convert();
    suite_numfmt();
    suite_queue();
    suite_sqlexpr();
    suite_sqlite_target();
    suite_dumpfmt();
    suite_app_types();
    suite_jobfile();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
