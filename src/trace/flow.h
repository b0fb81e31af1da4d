/* The flow table: connections by 4-tuple, either direction.  Entries
 * live in fixed chunks and are named by index (so a table of a million
 * connections costs no pointer per entry and no allocation per packet);
 * IPv6 address pairs live in a side table, so IPv4 entries stay small. */
#ifndef TCPS_TRACE_FLOW_H
#define TCPS_TRACE_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "trace/observer.h"
#include "trace/packet.h"
#include "trace/tconn.h"

typedef struct flow_table flow_table;

flow_table *flow_new(uint32_t buckets_hint);
void flow_free(flow_table *t);
/* The connection of this packet, and in *from the side that sent it
 * (TRACE_CLIENT or TRACE_SERVER); NULL when there is none. */
trace_conn *flow_find(flow_table *t, const trace_pkt *p, int *from);
/* A new zeroed connection whose client is the packet's sender; NULL when
 * out of memory. */
trace_conn *flow_add(flow_table *t, const trace_pkt *p);
void flow_del(flow_table *t, trace_conn *c);
/* A 64-bit digest of the 4-tuple, the same in both directions and never
 * 0: for remembering connections after their entries are gone. */
uint64_t flow_packet_key(const trace_pkt *p);
uint64_t flow_conn_key(const flow_table *t, const trace_conn *c);
/* Forgets every connection at once, keeping the memory. */
void flow_clear(flow_table *t);
void flow_endpoints(const flow_table *t, const trace_conn *c, trace_endpoint ep[2]);
/* Calls fn for every connection (it may flow_del the one it is given). */
void flow_each(flow_table *t, void (*fn)(void *user, trace_conn *c), void *user);
size_t flow_count(const flow_table *t);
/* Memory one IPv4 connection costs: entry plus its share of the buckets. */
size_t flow_bytes_per_conn(const flow_table *t);

#endif
