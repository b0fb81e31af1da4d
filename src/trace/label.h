/* Segment labels: what each segment is for, decided from the two shadow
 * endpoints as they were just before it. */
#ifndef TCPS_TRACE_LABEL_H
#define TCPS_TRACE_LABEL_H

#include "trace/observer.h"
#include "trace/tconn.h"

/* Before shadow_segment() sees the packet. */
trace_label label_for(const trace_conn *c, int from, const trace_pkt *p);

#endif
