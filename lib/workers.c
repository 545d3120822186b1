/*
 * Forked workers for independent jobs (see workers.h); used by ark's
 * parallel builds, probe and run.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workers.h"
#include "command.h"
#include "util.h"
#include "banned.h"

size_t workers_run(size_t n, long max, int (*want)(size_t i, void *arg),
		   int (*fn)(size_t i, void *arg), void *arg)
{
	pid_t *pids = xcalloc(n + 1, sizeof(*pids));
	size_t next = 0, running = 0, failed = 0;
	int forwarded = 0;

	while (next < n || running) {
		int st;
		pid_t pid;

		while (!vm_interrupted && next < n && running < (size_t)max) {
			if (want && !want(next, arg)) {
				next++;
				continue;
			}
			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				error_errno("cannot fork");
				failed++;
				next++;
				continue;
			}
			if (pid == 0)
				exit(fn(next, arg) ? 1 : 0);
			pids[next++] = pid;
			running++;
		}
		/* A SIGTERM sent to us alone must reach the workers too. */
		if (vm_interrupted && !forwarded) {
			for (size_t i = 0; i < next; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
			forwarded = 1;
		}
		if (vm_interrupted && next < n) {
			failed += n - next;
			next = n;
		}
		if (!running)
			break;
		pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0) {
			running--;
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				failed++;
			for (size_t i = 0; i < next; i++)
				if (pids[i] == pid)
					pids[i] = 0;
		} else if (pid < 0) {
			break;
		} else {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	free(pids);
	return failed;
}
