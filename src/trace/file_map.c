/* A capture file mapped: see file_map.h. */
#include "trace/file_map.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A window of 4 MiB: the page tables of 1,024 pages filled in one call.
 * 16 or 64 MiB saved no more time, and the bench counts what is resident
 * against each connection tracked (6 bytes each on its file of a
 * million); 1 MiB windows took more time. */
enum { WINDOW = 4 << 20 };

/* The mappings SIGBUS may come from.  The handler reads them without a
 * lock: a range is published before its mapping is read, and withdrawn
 * before it is unmapped. */
enum { SLOTS = 8 };
static struct {
	_Atomic uintptr_t lo, hi; /* hi: the mapping's end, a page boundary */
	volatile sig_atomic_t cut;
} slots[SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous; /* SIGBUS's action before on_sigbus */

static pthread_once_t page_once = PTHREAD_ONCE_INIT;
static uintptr_t page_size;

static void init_page_size(void)
{
	page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
}

/* A page past the end of a file that shrank: from it to the mapping's
 * end, zeros (anonymous pages) in place of the file, and the read that
 * faulted goes on, to the reader's check of `cut`.  A SIGBUS from
 * elsewhere goes where it went before. */
static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	for (int i = 0; i < SLOTS; i++) {
		uintptr_t lo = atomic_load(&slots[i].lo), hi = atomic_load(&slots[i].hi);
		if (a < lo || a >= hi)
			continue;
		uintptr_t page = a & ~(page_size - 1);
		if (mmap((void *)page, hi - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
		    MAP_FAILED) {
			slots[i].cut = 1;
			return;
		}
	}
	if (previous.sa_flags & SA_SIGINFO)
		previous.sa_sigaction(sig, si, ctx);
	else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN)
		previous.sa_handler(sig);
	else
		signal(SIGBUS, SIG_DFL); /* the fault comes again, to the default action */
}

/* The handler in place, unless it is already: checked at each open, as
 * whatever replaced it since (a test harness, the embedding program)
 * would otherwise let a cut file kill the process.  With slots_lock. */
static bool handler_in_place(void)
{
	struct sigaction cur, sa;
	if (sigaction(SIGBUS, NULL, &cur) != 0)
		return false;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigbus)
		return true;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	previous = cur;
	return sigaction(SIGBUS, &sa, NULL) == 0;
}

/* A slot for the mapping [lo, hi) with the handler in place; -1 when
 * there is none. */
static int take_slot(uintptr_t lo, uintptr_t hi)
{
	int got = -1;
	pthread_mutex_lock(&slots_lock);
	if (handler_in_place())
		for (int i = 0; i < SLOTS && got < 0; i++)
			if (!atomic_load(&slots[i].hi)) {
				slots[i].cut = 0;
				atomic_store(&slots[i].lo, lo);
				atomic_store(&slots[i].hi, hi);
				got = i;
			}
	pthread_mutex_unlock(&slots_lock);
	return got;
}

static void give_slot(int i)
{
	pthread_mutex_lock(&slots_lock);
	atomic_store(&slots[i].hi, 0);
	atomic_store(&slots[i].lo, 0);
	pthread_mutex_unlock(&slots_lock);
}

bool file_map_open(file_map *m, int fd)
{
	struct stat st;
	memset(m, 0, sizeof *m);
	m->slot = -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > SIZE_MAX / 2)
		return false;
	pthread_once(&page_once, init_page_size);
	size_t size = (size_t)st.st_size;
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return false;
	uintptr_t lo = (uintptr_t)p;
	int slot = take_slot(lo, (lo + size + page_size - 1) & ~(page_size - 1));
	if (slot < 0) { /* without the handler, a cut file would kill the process */
		munmap(p, size);
		return false;
	}
	m->data = p;
	m->size = size;
	m->slot = slot;
	m->cut = &slots[slot].cut;
	return true;
}

size_t file_map_ready(file_map *m, size_t from, size_t end)
{
	/* What is behind goes first, so that it and the next window are
	 * never resident together. */
	size_t upto = from & ~(size_t)(page_size - 1);
	if (upto > m->released) {
		(void)madvise((void *)(m->data + m->released), upto - m->released, MADV_DONTNEED);
		m->released = upto;
	}
	if (end > m->ready && m->ready < m->size) {
		size_t to = end > m->ready + WINDOW ? end : m->ready + WINDOW;
		if (to > m->size)
			to = m->size;
		size_t start = m->ready & ~(size_t)(page_size - 1);
#ifdef MADV_POPULATE_READ
		/* Only a hint: a kernel without it (before 5.14) faults the
		 * pages in as they are read, and a failure past a cut is the
		 * handler's. */
		(void)madvise((void *)(m->data + start), to - start, MADV_POPULATE_READ);
#endif
		m->ready = to;
	}
	return m->ready;
}

void file_map_close(file_map *m)
{
	if (!m->data)
		return;
	give_slot(m->slot);
	munmap((void *)m->data, m->size);
	m->data = NULL;
	m->cut = NULL;
}
