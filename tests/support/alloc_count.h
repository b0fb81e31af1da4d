/* Counting allocations: a test linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (tests/CMakeLists.txt)
 * has every malloc, calloc and realloc go through these wrappers, which
 * count them in tcpt_allocations and then allocate as usual. */
#ifndef TCPS_TEST_ALLOC_COUNT_H
#define TCPS_TEST_ALLOC_COUNT_H

#include <stddef.h>

extern unsigned long tcpt_allocations;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

#endif
