/* How long each socket has been in its state, across samples.
 *
 * The kernel does not say when a socket entered its state, so `sockets
 * --watch` samples repeatedly and remembers, per socket, the first sample
 * that saw it in its current state.  A socket is known by its 4-tuple and
 * its inode (two SO_REUSEPORT listeners share a 4-tuple; TIME_WAIT and
 * request sockets have inode 0 but a unique 4-tuple); a state change
 * restarts its clock.
 */
#ifndef TCPS_KERNEL_SOCKWATCH_H
#define TCPS_KERNEL_SOCKWATCH_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/sockdiag.h"

typedef struct kwatch kwatch;

kwatch *kwatch_new(void);
void kwatch_free(kwatch *w);

/* Records the sample taken at now_ns (any monotonic clock) and writes,
 * for each of the n sockets, when it was first seen in its current state
 * (since_ns[i] <= now_ns).  Sockets gone since the last sample are
 * forgotten.  0, or -1 when out of memory (the previous sample is kept). */
int kwatch_update(kwatch *w, const kdiag_sock *v, size_t n, uint64_t now_ns, uint64_t *since_ns);

/* When the first sample was taken: a socket seen since then was already
 * in its state before, so its age is a lower bound.  0 before any. */
uint64_t kwatch_start(const kwatch *w);

#endif
