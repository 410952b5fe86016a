/*
 * internal — helpers shared by the files of the master module only (other
 * modules include master.h).  Validation, paging and JSON helpers are
 * domain/record's.
 */
#ifndef AS_MASTER_INTERNAL_H
#define AS_MASTER_INTERNAL_H

#include "domain/master/master.h"

#endif
