/* version.h — ferry's version, printed by --version and recorded in dumps. */
#ifndef FERRY_VERSION_H
#define FERRY_VERSION_H

#ifndef FERRY_VERSION
#define FERRY_VERSION "0.2.0"
#endif

#endif
