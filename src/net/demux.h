/* Demultiplexing: 4-tuple -> socket.  Chained hashing through a link in
 * the socket itself, so inserting and removing never allocate; buckets
 * are sized at init and doubled, rarely, when connections outnumber them.
 * The hash is keyed (SipHash) so that a peer choosing its ports cannot
 * pile its connections into one chain. */
#ifndef TCPN_DEMUX_H
#define TCPN_DEMUX_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpstate/tcpstate.h"

typedef struct tcpn_sock tcpn_sock;

typedef struct tcpn_table {
	tcpn_sock **bucket;
	uint32_t mask;   /* buckets - 1 (a power of two) */
	uint32_t count;
	uint8_t key[16];
} tcpn_table;

/* At least `buckets` buckets (rounded up to a power of two).  0 or
 * TCPS_ERR_NOMEM. */
int tcpn_table_init(tcpn_table *t, uint32_t buckets, const uint8_t key[16]);
void tcpn_table_free(tcpn_table *t);
/* The socket whose tuple (local = our side) equals *k, or NULL. */
tcpn_sock *tcpn_table_find(const tcpn_table *t, const tcps_tuple *k);
/* Adds s, keyed by s->tuple (which must not be in the table). */
void tcpn_table_insert(tcpn_table *t, tcpn_sock *s);
void tcpn_table_remove(tcpn_table *t, tcpn_sock *s);
/* Calls fn on every socket; fn may remove the one it is given. */
void tcpn_table_foreach(tcpn_table *t, void (*fn)(tcpn_sock *s, void *arg), void *arg);

bool tcpn_tuple_equal(const tcps_tuple *a, const tcps_tuple *b);

#endif
