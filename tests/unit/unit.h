/* tests/unit/unit.h: what every cmocka test program includes. */
#ifndef POSTERN_TESTS_UNIT_H
#define POSTERN_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#endif
