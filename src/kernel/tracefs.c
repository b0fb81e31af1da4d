/* A private tracefs instance (tracefs.h). */
#include "kernel/tracefs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PREFIX "tcpstate-"

static const char *const candidates[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* tracefs is mounted at dir when it has an instances directory.  Sets
 * *denied when the directory exists but we may not look inside. */
static bool mounted_at(const char *dir, bool *denied)
{
	char path[128];
	struct stat st;
	snprintf(path, sizeof path, "%s/instances", dir);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	if (errno == EACCES || errno == EPERM)
		*denied = true;
	return false;
}

static int privilege(char *err, const char *what)
{
	snprintf(err, KTRACEFS_ERRLEN, "%s needs root (or CAP_SYS_ADMIN)", what);
	return KTRACEFS_ERR_PRIVILEGE;
}

int ktracefs_find(char *root, size_t len, char err[KTRACEFS_ERRLEN])
{
	bool denied = false;
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (mounted_at(candidates[i], &denied)) {
			snprintf(root, len, "%s", candidates[i]);
			return KTRACEFS_OK;
		}
	if (denied)
		return privilege(err, "reading tracefs");
	/* Nobody mounted it (a minimal system, a container): do as
	 * `mount -t tracefs nodev /sys/kernel/tracing` would. */
	if (mount("nodev", candidates[0], "tracefs", 0, NULL) == 0 && mounted_at(candidates[0], &denied)) {
		snprintf(root, len, "%s", candidates[0]);
		return KTRACEFS_OK;
	}
	int e = errno;
	if (e == EPERM || e == EACCES)
		return privilege(err, "mounting tracefs");
	if (e == ENODEV) {
		snprintf(err, KTRACEFS_ERRLEN, "this kernel has no tracefs (it was built without CONFIG_TRACING)");
		return KTRACEFS_ERR_UNAVAILABLE;
	}
	snprintf(err, KTRACEFS_ERRLEN, "cannot mount tracefs on %s: %s", candidates[0], strerror(e));
	return KTRACEFS_ERR_IO;
}

/* Writes s to root-relative file; 0 or an errno value. */
static int write_file(const char *dir, const char *file, const char *s)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	size_t n = strlen(s);
	int e = write(fd, s, n) == (ssize_t)n ? 0 : errno;
	close(fd);
	return e;
}

/* rmdir, retried briefly: the kernel refuses (EBUSY) while a file of the
 * instance is still open, which a reader closing concurrently can cause. */
static int remove_instance(const char *dir)
{
	for (int i = 0; i < 20; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return -1;
}

/* Instances of tcpstates that no longer run (killed with SIGKILL, or a
 * crash).  An instance whose owner is alive, even in another PID
 * namespace where the number means someone else, has its trace_pipe open,
 * and the kernel refuses to remove it (EBUSY): it is never taken away. */
static void remove_stale(const char *root)
{
	char path[128];
	snprintf(path, sizeof path, "%s/instances", root);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)))
			continue;
		long pid = strtol(de->d_name + strlen(PREFIX), &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char dir[sizeof path + sizeof de->d_name + 1];
		snprintf(dir, sizeof dir, "%s/%s", path, de->d_name);
		if (rmdir(dir) != 0 && errno != EBUSY)
			break;
	}
	closedir(d);
}

static int fail(ktracefs *t, int status)
{
	ktracefs_close(t);
	return status;
}

static int make_instance(ktracefs *t, char *err)
{
	snprintf(t->dir, sizeof t->dir, "%s/instances/" PREFIX "%ld", t->root, (long)getpid());
	/* One with our name is left by an earlier process with our number;
	 * one still in use (our number in another PID namespace) cannot be
	 * removed, and is not taken over. */
	if (mkdir(t->dir, 0700) == 0 ||
	    (errno == EEXIST && remove_instance(t->dir) == 0 && mkdir(t->dir, 0700) == 0))
		return KTRACEFS_OK;
	int e = errno;
	t->dir[0] = '\0';
	if (e == EACCES || e == EPERM)
		return privilege(err, "creating a tracefs instance");
	snprintf(err, KTRACEFS_ERRLEN, "cannot create a tracefs instance in %s/instances: %s", t->root,
		 strerror(e));
	return KTRACEFS_ERR_IO;
}

static int configure(ktracefs *t, const char *filter, char *err)
{
	char path[256];
	struct stat st;
	snprintf(path, sizeof path, "%s/events/%s", t->dir, t->event);
	if (stat(path, &st) != 0) {
		snprintf(err, KTRACEFS_ERRLEN,
			 "this kernel has no %s tracepoint (Linux 4.16 and later have sock/inet_sock_set_state)",
			 t->event);
		return KTRACEFS_ERR_UNAVAILABLE;
	}
	/* The default clock is per CPU; mono is comparable across CPUs and
	 * is CLOCK_MONOTONIC, so wall time is one offset away. */
	t->clock_mono = write_file(t->dir, "trace_clock", "mono") == 0;
	if (!t->clock_mono)
		write_file(t->dir, "trace_clock", "global");

	char file[128];
	int e;
	if (filter && *filter) {
		snprintf(file, sizeof file, "events/%s/filter", t->event);
		if ((e = write_file(t->dir, file, filter)) != 0) {
			snprintf(err, KTRACEFS_ERRLEN, "the kernel refused the event filter '%s': %s", filter,
				 strerror(e));
			return KTRACEFS_ERR_IO;
		}
	}
	snprintf(file, sizeof file, "events/%s/enable", t->event);
	if ((e = write_file(t->dir, file, "1")) != 0) {
		if (e == EACCES || e == EPERM)
			return privilege(err, "enabling a tracepoint");
		snprintf(err, KTRACEFS_ERRLEN, "cannot enable %s: %s", t->event, strerror(e));
		return KTRACEFS_ERR_IO;
	}
	return KTRACEFS_OK;
}

int ktracefs_open(ktracefs *t, const char *event, const char *filter, char err[KTRACEFS_ERRLEN])
{
	memset(t, 0, sizeof *t);
	t->pipe_fd = -1;
	snprintf(t->event, sizeof t->event, "%s", event);
	int st = ktracefs_find(t->root, sizeof t->root, err);
	if (st != KTRACEFS_OK)
		return st;
	remove_stale(t->root);
	if ((st = make_instance(t, err)) != KTRACEFS_OK)
		return st;
	if ((st = configure(t, filter, err)) != KTRACEFS_OK)
		return fail(t, st);

	char path[256];
	snprintf(path, sizeof path, "%s/trace_pipe", t->dir);
	t->pipe_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->pipe_fd < 0) {
		snprintf(err, KTRACEFS_ERRLEN, "cannot open %s: %s", path, strerror(errno));
		return fail(t, KTRACEFS_ERR_IO);
	}
	return KTRACEFS_OK;
}

ssize_t ktracefs_read(ktracefs *t, char *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = t->pipe_fd, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	ssize_t n = read(t->pipe_fd, buf, len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n;
}

void ktracefs_close(ktracefs *t)
{
	if (t->dir[0]) {
		/* Off first: no event is recorded into a buffer about to go. */
		char file[128];
		snprintf(file, sizeof file, "events/%s/enable", t->event);
		write_file(t->dir, file, "0");
	}
	if (t->pipe_fd >= 0) {
		close(t->pipe_fd);
		t->pipe_fd = -1;
	}
	if (t->dir[0]) {
		remove_instance(t->dir);
		t->dir[0] = '\0';
	}
}
