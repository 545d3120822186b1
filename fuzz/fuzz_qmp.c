/*
 * Fuzz harness "qmp": the input is what a QEMU writes on its QMP socket
 * (greeting, replies, events: one JSON object per line). A writer thread
 * sends it through a socketpair and closes its end; the client side is
 * lib/qmp.c as the ABI probe drives it: qmp_handshake(), one pipelined
 * round of four queries (qmp_call_many(), replies matched by "id" 2 to
 * 5), one qmp_call() (id 6), then qmp_drain_events() and
 * qmp_find_event(). Replies are shared (q->share) as in a capability
 * probe, and a message is capped at 64 KiB so that the cap is reached.
 * Every wait ends at the writer's close, never at a timeout.
 */
#include <pthread.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "qmp.h"

struct writer {
	int fd;
	const uint8_t *data;
	size_t size;
};

static void *write_input(void *arg)
{
	struct writer *w = arg;
	size_t off = 0;

	while (off < w->size) {
		ssize_t n = send(w->fd, w->data + off, w->size - off,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the client closed: it gave up */
		off += (size_t)n;
	}
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

static void run_client(int fd)
{
	struct qmp q;
	struct qmp_req reqs[4] = {
		{ .cmd = "human-monitor-command",
		  .args = json_tokener_parse("{\"command-line\": \"info qtree\"}") },
		{ .cmd = "query-pci" },
		{ .cmd = "query-cpu-model-expansion",
		  .args = json_tokener_parse("{\"type\": \"full\", \"model\": "
					     "{\"name\": \"qemu64\"}}") },
		{ .cmd = "qom-list-get",
		  .args = json_tokener_parse("{\"paths\": [\"/machine\"]}") },
	};
	struct qmp_error err;
	json_object *ret = NULL;

	qmp_init(&q, fd, "fuzz-qemu");
	q.quiet = 1;
	q.share = 1;
	q.timeout = 5;
	q.max_message = 64 << 10;
	if (qmp_handshake(&q))
		goto out;
	FUZZ_CHECK(q.greeting != NULL);
	if (qmp_call_many(&q, reqs, ARRAY_SIZE(reqs)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(reqs); i++)
		FUZZ_CHECK(reqs[i].status == 0 || reqs[i].status == QMP_ERR);
	if (qmp_call(&q, "query-version", NULL, &ret, &err) < 0)
		goto out;
	json_object_put(ret);
	qmp_drain_events(&q, 5);
	(void)qmp_find_event(&q, "SHUTDOWN");
out:
	for (size_t i = 0; i < ARRAY_SIZE(reqs); i++)
		qmp_req_release(&reqs[i]);
	qmp_release(&q); /* closes fd */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct writer w = { -1, data, size };
	pthread_t t;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("fuzz: socketpair");
		abort();
	}
	w.fd = sv[1];
	if (pthread_create(&t, NULL, write_input, &w)) {
		perror("fuzz: pthread_create");
		abort();
	}
	run_client(sv[0]);
	pthread_join(t, NULL);
	close(sv[1]);
	return 0;
}
