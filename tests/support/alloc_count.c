#include "alloc_count.h"

unsigned long tcpt_allocations;

void *__wrap_malloc(size_t n)
{
	tcpt_allocations++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	tcpt_allocations++;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	tcpt_allocations++;
	return __real_realloc(p, n);
}
