/* dumpcmd.h — the dump commands (engine/dumpcmd.c, docs/dumps.md):
 *   ferry dump SOURCE DIR      = ferry copy SOURCE dump:DIR, plus series
 *                                (strftime DIR, latest link, --keep)
 *   ferry restore DIR TARGET   = ferry copy dump:DIR TARGET
 *   ferry verify DIR           a dump checked alone
 * Each returns the process exit code. */
#ifndef FERRY_DUMPCMD_H
#define FERRY_DUMPCMD_H

#include "options.h"

int dump_command(const ferry_options *o);
int restore_command(const ferry_options *o);
int dump_verify_command(const ferry_options *o);

#endif
