/* A capture file read through a mapping (src/trace/file_map.c): the bytes
 * are the file's across its windows; the pages behind the reader are
 * given back, so a file of any size costs a bounded resident size; a
 * file cut short while it is mapped reads as zeros past the cut and says
 * so instead of killing the process with SIGBUS, while a SIGBUS from
 * elsewhere still does what it did. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/file_map.h"

#define PAGE 4096

/* A temporary file of n bytes, byte i being pattern(i); its fd, open
 * for reading and writing (the path is already unlinked). */
static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 12));
}

static int temp_file(size_t n)
{
	char path[] = "/tmp/tcps_map_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	static uint8_t buf[1 << 16];
	for (size_t at = 0; at < n;) {
		size_t k = n - at < sizeof buf ? n - at : sizeof buf;
		for (size_t i = 0; i < k; i++)
			buf[i] = pattern(at + i);
		assert_int_equal(write(fd, buf, k), (ssize_t)k);
		at += k;
	}
	return fd;
}

/* Pages of the process's mapped files resident now, in KiB (shmem too,
 * where /tmp is a tmpfs). */
static long rss_file_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0, k;
	int seen = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "RssFile: %ld kB", &k) == 1 || sscanf(line, "RssShmem: %ld kB", &k) == 1) {
			kib += k;
			seen++;
		}
	fclose(f);
	assert_int_equal(seen, 2);
	return kib;
}

static void test_map_reads_the_files_bytes(void **state)
{
	(void)state;
	size_t n = 9 * 1024 * 1024 + 123; /* past two windows, not a page multiple */
	int fd = temp_file(n);
	file_map m;
	assert_true(file_map_open(&m, fd));
	assert_int_equal(m.size, n);
	size_t ready = 0;
	for (size_t i = 0; i < n; i += 997) {
		if (i >= ready)
			ready = file_map_ready(&m, i, i + 1);
		assert_true(ready > i && ready <= n);
		assert_int_equal(m.data[i], pattern(i));
	}
	assert_int_equal(file_map_ready(&m, n - 1, n + 100), n); /* never past the end */
	assert_int_equal(m.data[n - 1], pattern(n - 1));
	assert_false(file_map_cut(&m));
	file_map_close(&m);
	close(fd);
}

/* The mapping gives back what the reader has passed: a 64 MiB file read
 * through never holds more than a few windows (4 MiB each) of it. */
static void test_map_resident_size_is_bounded(void **state)
{
	(void)state;
	size_t n = (size_t)64 << 20;
	int fd = temp_file(n);
	file_map m;
	long before = rss_file_kib(), peak = 0;
	assert_true(file_map_open(&m, fd));
	size_t ready = 0;
	unsigned sum = 0;
	for (size_t i = 0; i < n; i += PAGE) {
		if (i >= ready) {
			ready = file_map_ready(&m, i, i + 1);
			long now = rss_file_kib() - before;
			peak = now > peak ? now : peak;
		}
		sum += m.data[i];
	}
	long now = rss_file_kib() - before;
	peak = now > peak ? now : peak;
	if (peak > 12 * 1024)
		fail_msg("%ld KiB of a 64 MiB file resident at once", peak);
	assert_true(sum > 0);
	file_map_close(&m);
	close(fd);
}

/* Cut to one page while mapped: the first page reads as before, the
 * rest as zeros, and the map says it was cut. */
static void test_map_file_cut_while_read_reads_zeros_and_says_so(void **state)
{
	(void)state;
	size_t n = 5 * PAGE;
	int fd = temp_file(n);
	file_map m;
	assert_true(file_map_open(&m, fd));
	assert_int_equal(file_map_ready(&m, 0, n), n);
	assert_int_equal(m.data[100], pattern(100));
	assert_false(file_map_cut(&m));
	assert_int_equal(ftruncate(fd, PAGE), 0);
	assert_int_equal(m.data[PAGE - 1], pattern(PAGE - 1));
	assert_false(file_map_cut(&m));
	assert_int_equal(m.data[3 * PAGE + 5], 0); /* SIGBUS, caught */
	assert_true(file_map_cut(&m));
	assert_int_equal(m.data[2 * PAGE], 0);
	assert_int_equal(m.data[n - 1], 0);
	file_map_close(&m);
	/* A new map of the file is not cut. */
	assert_true(file_map_open(&m, fd));
	assert_false(file_map_cut(&m));
	file_map_close(&m);
	close(fd);
}

/* A SIGBUS from a mapping that is not a file_map kills the process as it
 * would have without the handler (or, under a sanitizer, ends it in
 * error): the handler swallows only its own. */
static void test_sigbus_elsewhere_is_not_swallowed(void **state)
{
	(void)state;
	int fd = temp_file(3 * PAGE), other = temp_file(3 * PAGE);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* SIGBUS's default action, as in a program without cmocka's
		 * handlers, then the file_map's handler over it. */
		file_map m;
		signal(SIGBUS, SIG_DFL);
		if (!file_map_open(&m, fd))
			_exit(3);
		volatile uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, other, 0);
		if (p == MAP_FAILED || ftruncate(other, 0) != 0)
			_exit(3);
		(void)p[2 * PAGE];
		_exit(0); /* survived: swallowed */
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_false(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3));
	if (WIFSIGNALED(st))
		assert_int_equal(WTERMSIG(st), SIGBUS);
	close(fd);
	close(other);
}

static void test_not_a_regular_file_is_not_mapped(void **state)
{
	(void)state;
	int fds[2];
	file_map m;
	assert_int_equal(pipe(fds), 0);
	assert_false(file_map_open(&m, fds[0]));
	assert_null(m.data);
	assert_false(file_map_cut(&m));
	file_map_close(&m); /* harmless */
	close(fds[0]);
	close(fds[1]);
	int fd = temp_file(0);
	assert_false(file_map_open(&m, fd)); /* empty */
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_reads_the_files_bytes),
		cmocka_unit_test(test_map_resident_size_is_bounded),
		cmocka_unit_test(test_map_file_cut_while_read_reads_zeros_and_says_so),
		cmocka_unit_test(test_sigbus_elsewhere_is_not_swallowed),
		cmocka_unit_test(test_not_a_regular_file_is_not_mapped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
