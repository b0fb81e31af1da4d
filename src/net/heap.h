/* The connections' timers: a binary min-heap of deadlines, so the stack's
 * next deadline is the top and moving one connection's timer costs
 * O(log n).  Each socket remembers its slot. */
#ifndef TCPN_HEAP_H
#define TCPN_HEAP_H

#include <stdint.h>

typedef struct tcpn_sock tcpn_sock;

#define TCPN_HEAP_NONE UINT32_MAX

typedef struct tcpn_heap {
	tcpn_sock **v;
	uint32_t n, cap;
} tcpn_heap;

int tcpn_heap_init(tcpn_heap *h, uint32_t cap);
void tcpn_heap_free(tcpn_heap *h);
/* Sets s's deadline; TCPS_NEVER takes it out of the heap.  Grows the
 * array (rarely) when full; on allocation failure s stays where it was. */
void tcpn_heap_set(tcpn_heap *h, tcpn_sock *s, uint64_t deadline);
/* The socket with the earliest deadline, or NULL. */
tcpn_sock *tcpn_heap_top(const tcpn_heap *h);

#endif
