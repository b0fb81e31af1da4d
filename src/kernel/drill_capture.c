/* A reader thread and a bounded queue between it and the drill.  See
 * drill_capture.h. */
#include "kernel/drill_capture.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The drill sends nine segments; room for a burst far past that. */
#define QUEUE_LEN 256

struct drill_cap {
	trace_input *in;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;     /* a packet queued, room freed, or the end */
	trace_pkt queue[QUEUE_LEN];
	unsigned head, count;
	bool ended;              /* the reader is done (stopped or failed) */
	bool stopping;
	char err[TRACE_INPUT_ERRLEN];
};

uint64_t drill_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void push(drill_cap *c, const trace_pkt *p)
{
	pthread_mutex_lock(&c->lock);
	while (c->count == QUEUE_LEN && !c->stopping)
		pthread_cond_wait(&c->cond, &c->lock);
	if (!c->stopping) {
		trace_pkt *slot = &c->queue[(c->head + c->count) % QUEUE_LEN];

		*slot = *p;
		/* The payload lives in libpcap's buffer only until the next read. */
		slot->seg.data = NULL;
		c->count++;
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
}

static void *reader(void *arg)
{
	drill_cap *c = arg;
	trace_pkt pkt;
	int rc;

	while ((rc = trace_input_next(c->in, &pkt)) == 1)
		push(c, &pkt);
	pthread_mutex_lock(&c->lock);
	if (rc < 0)
		snprintf(c->err, sizeof c->err, "%s", trace_input_error(c->in));
	else if (!c->stopping)
		snprintf(c->err, sizeof c->err, "the capture on lo ended early");
	c->ended = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

drill_cap *drill_cap_start(trace_input *in)
{
	drill_cap *c = calloc(1, sizeof *c);
	pthread_condattr_t attr;

	if (!c)
		return NULL;
	c->in = in;
	pthread_mutex_init(&c->lock, NULL);
	/* Deadlines are monotonic: a clock step must not stretch a wait. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&c->thread, NULL, reader, c) != 0) {
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	return c;
}

int drill_cap_next(drill_cap *c, trace_pkt *pkt, uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000u),
			       .tv_nsec = (long)(deadline % 1000000000u) };
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->count && !c->ended) {
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) == ETIMEDOUT)
			break;
	}
	if (c->count) {
		*pkt = c->queue[c->head];
		c->head = (c->head + 1) % QUEUE_LEN;
		c->count--;
		pthread_cond_broadcast(&c->cond);
		rc = 1;
	} else if (c->ended) {
		rc = -1;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

const char *drill_cap_error(drill_cap *c)
{
	return c->err;
}

void drill_cap_stop(drill_cap *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	/* Wakes trace_input_next within the capture's timeout. */
	trace_input_breakloop(c->in);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
