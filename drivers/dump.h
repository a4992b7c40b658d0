/* dump.h — settings of the dump driver (drivers/dump*.c), set once by the
 * CLI before any connection is opened, like ferry_source_lock_timeout_s. */
#ifndef FERRY_DUMP_H
#define FERRY_DUMP_H

/* ferry_dump_level — zstd compression level of the chunk files (1..19).
 * 1 by default: compression is most of a dump's CPU, and level 1 already
 * makes the benchmark table smaller than gzip -6 does (60 MB against
 * mydumper -c's 70 MB; level 3: 58 MB at twice the CPU). */
extern int ferry_dump_level;
/* ferry_dump_workers — zstd worker threads per writer connection (0: the
 * writer compresses itself). The writers already compress in parallel
 * (--jobs), so more helps only with few, large tables. */
extern int ferry_dump_workers;

#endif
