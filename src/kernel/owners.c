/* inode -> owning process, from /proc/<pid>/fd.  See owners.h. */
#include "kernel/owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open addressing, linear probing, at most half full: one slot per
 * wanted inode, the owner stored in place (no second allocation). */
typedef struct slot {
	uint32_t inode; /* 0: empty */
	bool found;
	owner who;
} slot;

struct owners {
	slot *s;
	size_t mask; /* capacity - 1, a power of two */
	size_t nwanted, nfound, denied;
};

owners *owners_new(void)
{
	return calloc(1, sizeof(owners));
}

void owners_free(owners *o)
{
	if (o)
		free(o->s);
	free(o);
}

int owners_reset(owners *o, size_t ninodes)
{
	size_t cap = 64;
	while (cap < 2 * ninodes)
		cap *= 2;
	int rc = 0;
	if (cap != o->mask + 1 || !o->s) {
		slot *s = malloc(cap * sizeof *s);
		if (s) {
			free(o->s);
			o->s = s;
			o->mask = cap - 1;
		} else {
			rc = -1; /* keep the old table, emptied: no stale owners */
		}
	}
	/* Only the keys need clearing: the rest is written with them. */
	for (size_t i = 0; o->s && i <= o->mask; i++)
		o->s[i].inode = 0;
	o->nwanted = o->nfound = o->denied = 0;
	return rc;
}

/* Inode numbers come from a counter: a multiplicative hash spreads
 * consecutive ones over the table. */
static size_t home(const owners *o, uint32_t inode)
{
	return (size_t)((inode * 2654435761u) & o->mask);
}

static slot *lookup(const owners *o, uint32_t inode)
{
	if (!o->s)
		return NULL;
	for (size_t i = home(o, inode);; i = (i + 1) & o->mask) {
		if (o->s[i].inode == inode)
			return &o->s[i];
		if (!o->s[i].inode)
			return NULL;
	}
}

void owners_want(owners *o, uint32_t inode)
{
	/* owners_reset sized the table for the caller's count; a caller
	 * wanting more than it said gets them dropped, not an overrun. */
	if (!inode || !o->s || 2 * (o->nwanted + 1) > o->mask + 1)
		return;
	size_t i = home(o, inode);
	while (o->s[i].inode && o->s[i].inode != inode)
		i = (i + 1) & o->mask;
	if (o->s[i].inode)
		return;
	o->s[i].inode = inode;
	o->s[i].found = false;
	o->nwanted++;
}

const owner *owners_find(const owners *o, uint32_t inode)
{
	const slot *s = inode ? lookup(o, inode) : NULL;
	return s && s->found ? &s->who : NULL;
}

size_t owners_denied(const owners *o)
{
	return o->denied;
}

/* "socket:[12345]" -> 12345; 0 for anything else. */
static uint32_t socket_inode(const char *link, ssize_t n)
{
	if (n < 10 || memcmp(link, "socket:[", 8) || link[n - 1] != ']')
		return 0;
	uint64_t v = 0;
	for (ssize_t i = 8; i < n - 1; i++) {
		if (link[i] < '0' || link[i] > '9' || v > UINT32_MAX)
			return 0;
		v = v * 10 + (uint64_t)(link[i] - '0');
	}
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static void read_comm(int procfd, const char *pid, char comm[16])
{
	char path[288]; /* a d_name (up to 255 bytes) and a suffix */
	snprintf(path, sizeof path, "%s/comm", pid);
	strcpy(comm, "?");
	int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, comm, 15);
	close(fd);
	if (n <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[n] = '\0';
	char *nl = strchr(comm, '\n');
	if (nl)
		*nl = '\0';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One process's fds: fills the wanted slots it holds. */
static void scan_pid(owners *o, int procfd, const char *pid)
{
	char path[288]; /* a d_name (up to 255 bytes) and a suffix */
	snprintf(path, sizeof path, "%s/fd", pid);
	int dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == EACCES || errno == EPERM)
			o->denied++;
		return; /* else the process has just exited */
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	char comm[16] = "";
	struct dirent *e;
	while ((e = readdir(d)) && o->nfound < o->nwanted) {
		if (e->d_name[0] == '.')
			continue;
		char link[64];
		ssize_t n = readlinkat(dfd, e->d_name, link, sizeof link);
		uint32_t inode = n > 0 ? socket_inode(link, n) : 0;
		slot *s = inode ? lookup(o, inode) : NULL;
		if (!s || (s->found && s->who.pid <= atoi(pid)))
			continue; /* not a wanted socket, or a lower pid has it */
		if (!comm[0])
			read_comm(procfd, pid, comm);
		if (!s->found)
			o->nfound++;
		s->found = true;
		s->who.pid = atoi(pid);
		s->who.fd = atoi(e->d_name);
		memcpy(s->who.comm, comm, sizeof comm);
	}
	closedir(d);
}

size_t owners_scan(owners *o, const char *root)
{
	if (!o->nwanted)
		return 0;
	int procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return 0;
	DIR *d = fdopendir(dup(procfd));
	if (d) {
		struct dirent *e;
		/* /proc lists pids in ascending order, so stopping once every
		 * inode is found still leaves each with its lowest pid. */
		while ((e = readdir(d)) && o->nfound < o->nwanted)
			if (all_digits(e->d_name))
				scan_pid(o, procfd, e->d_name);
		closedir(d);
	}
	close(procfd);
	return o->nfound;
}
