/* A capture file read through a mapping of it, not read() into a block:
 * read() copies every byte out of the page cache, which was 14 % of
 * `trace --summary`'s time on the bench's files; mapped, the records are
 * parsed where the page cache holds them.
 *
 * The mapping's page tables are filled a window ahead of the reader, in
 * one call (a page fault every few pages costs more), and given back a
 * window behind it, so that the resident size stays about two windows
 * whatever the file's size.  A file cut short while it is read would
 * raise SIGBUS at its first page past the new end: the pages from there
 * read as zeros instead, and file_map_cut() says so, for the reader to
 * report. */
#ifndef TCPS_TRACE_FILE_MAP_H
#define TCPS_TRACE_FILE_MAP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct file_map {
	const uint8_t *data;          /* the file from offset 0; NULL: not mapped */
	size_t size;                  /* its size when it was mapped */
	size_t ready;                 /* [0, ready): page tables filled */
	size_t released;              /* [0, released): given back */
	volatile sig_atomic_t *cut;   /* set when a page past the file's end was read; NULL unmapped */
	int slot;                     /* its place among the mappings SIGBUS checks */
} file_map;

/* Maps the regular file open on fd: true, or false (m->data NULL) where
 * it is not one, is empty, or cannot be mapped; the caller reads it then. */
bool file_map_open(file_map *m, int fd);
/* Makes the file's bytes up to offset `end` ready, a window further when
 * it fills page tables at all, and gives back those a window behind
 * `from`, where the reader is (nothing before it is read again).  Returns
 * the end of what is ready: at most the size. */
size_t file_map_ready(file_map *m, size_t from, size_t end);
/* Whether the file was cut while it was read: bytes past the cut read
 * as zeros, and what was read from there on is not the file's. */
static inline bool file_map_cut(const file_map *m)
{
	return m->cut && *m->cut;
}
void file_map_close(file_map *m);

#endif
