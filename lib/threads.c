/*
 * Worker threads over a counter of job indexes (threads.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "threads.h"
#include "command.h"
#include "util.h"
#include "banned.h"

struct pool {
	size_t n, next;
	void (*job)(size_t i, void *arg);
	void *arg;
	pthread_mutex_t lock;
};

static void *worker(void *p)
{
	struct pool *q = p;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&q->lock);
		i = q->next < q->n && !vm_interrupted ? q->next++ : SIZE_MAX;
		pthread_mutex_unlock(&q->lock);
		if (i == SIZE_MAX)
			return NULL;
		q->job(i, q->arg);
	}
}

void threads_run(size_t n, void (*job)(size_t i, void *arg), void *arg)
{
	pthread_t threads[64];
	size_t want = (size_t)online_cpus() + 1, started = 0;
	struct pool q = { n, 0, job, arg, PTHREAD_MUTEX_INITIALIZER };

	if (want > ARRAY_SIZE(threads))
		want = ARRAY_SIZE(threads);
	if (want > n)
		want = n;
	for (; started < want; started++) {
		int e = pthread_create(&threads[started], NULL, worker, &q);

		if (e) {
			error("cannot start a worker thread: %s", strerror(e));
			break;
		}
	}
	if (!started)
		worker(&q);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&q.lock);
}
