/* Which process holds a socket: inode -> pid and command.
 *
 * sock_diag gives each socket's inode; only /proc knows who has it open.
 * owners_scan() walks /proc/<pid>/fd once (what ss -p and lsof do),
 * reads each link ("socket:[12345]") and keeps the inodes that were asked
 * for, in a hash table, so a lookup per socket is O(1) even for 100,000
 * sockets.  Reading another user's /proc/<pid>/fd needs root (strictly
 * CAP_SYS_PTRACE); what could not be read is counted, so the caller can say
 * which owners are missing and why.
 */
#ifndef TCPS_KERNEL_OWNERS_H
#define TCPS_KERNEL_OWNERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct owners owners;

/* A process holding a socket.  When several do (after a fork), the one
 * with the lowest pid. */
typedef struct owner {
	int32_t pid;
	int32_t fd;
	char comm[16]; /* /proc/<pid>/comm, as ps shows it */
} owner;

owners *owners_new(void);
void owners_free(owners *o);

/* Forgets the last scan and makes room for the inodes about to be
 * wanted.  -1 when out of memory. */
int owners_reset(owners *o, size_t ninodes);
/* Marks an inode (non-zero) as one whose owner is wanted. */
void owners_want(owners *o, uint32_t inode);

/* Scans /proc (root: the directory to scan, "/proc" unless a test gives
 * another).  Returns the number of wanted inodes found. */
size_t owners_scan(owners *o, const char *root);

/* The owner found for inode, or NULL. */
const owner *owners_find(const owners *o, uint32_t inode);

/* Processes whose fd directory could not be read (not ours, not root). */
size_t owners_denied(const owners *o);

#endif
