/*
 * fake-qemu: stands in for qemu-system-x86_64 in the QMP tests. It takes
 * the arguments virt-matrix gives QEMU, finds the QMP socket in
 * "-chardev socket,...,path=P,...", connects to it as QEMU does (virt-matrix
 * listens there), and behaves as
 * "-fake MODE [FILE]" says:
 *   exit      print an error on stderr and exit 1 before any socket
 *   silent    never connect; sleep (the caller times out)
 *   hang      greet, accept qmp_capabilities, then never answer
 *   garbage   greet, then answer the first command with non-JSON
 *   oversize  greet, then answer with a line that never ends (16 MiB)
 *   error     greet, then answer every command with a GenericError
 *   regreet   greet, then on the first command greet again and refuse
 *             commands until qmp_capabilities comes again (as QEMU's
 *             monitor does when it sees the connection open twice)
 *   replay F  answer from transcript F (the format lib/qmp.c records):
 *             lines "> {command}" are what the client must send next
 *             (compared by "execute"), lines "< {message}" are sent back
 *             with the recorded id replaced by the live request's
 *   script F  play the peer as script F says, greeting included, one
 *             step a line: "greet" sends the greeting, "> " reads the
 *             client's next request (whatever it is), "< TEXT" sends TEXT
 *             with each $ID replaced by the id of the request read last,
 *             "part TEXT" sends TEXT without a line end, "sleep MS"
 *             waits, "hang" waits for the client to go away (or quit).
 *             Hostile peers are scripts: greeting floods, events without
 *             a name, ids and errors of the wrong type
 *   answer F  greet, then answer each command with the message F (a JSON
 *             object) has under its "execute", with the request's id;
 *             {"return": {}} for the others. Replies of the wrong type
 *             for the capability probe are answers
 * With -dump-vmstate F, as the ABI probe asks, it writes "{}" to F and
 * exits.
 * Without -fake, the mode comes from the first line of the file ARGV0.fake
 * ("MODE [FILE]"), so that a test can give one to a probe, which passes
 * QEMU only arguments of its own: the test runs the probe on a symlink
 * to fake-qemu with that file beside it.
 * It exits on "quit", when the client goes away, or after 60 s.
 */
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "strbuf.h"
#include "util.h"

static const char greeting[] =
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 0, "
	"\"major\": 0}, \"package\": \"fake\"}, \"capabilities\": []}}\r\n";

static int out(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Next line from the client (without newline) into line; -1 at EOF. */
static int next_line(int fd, struct strbuf *buf, struct strbuf *line)
{
	for (;;) {
		char *nl = memchr(buf->buf, '\n', buf->len);
		char chunk[4096];
		ssize_t n;

		if (nl) {
			size_t len = (size_t)(nl - buf->buf);

			strbuf_reset(line);
			if (strbuf_add(line, buf->buf, len))
				return -1;
			memmove(buf->buf, nl + 1, buf->len - len - 1);
			strbuf_setlen(buf, buf->len - len - 1);
			return 0;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0 || strbuf_add(buf, chunk, (size_t)n))
			return -1;
	}
}

static const char *field(json_object *o, const char *k)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
						   : "";
}

static int reply_with_id(int fd, const char *msg, json_object *req)
{
	json_object *m = json_tokener_parse(msg), *id = NULL;
	int r;

	if (!m)
		return out(fd, msg);
	json_object_object_del(m, "id");
	if (json_object_object_get_ex(req, "id", &id))
		json_object_object_add(m, "id", json_object_get(id));
	r = out(fd, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
	json_object_put(m);
	return r ? r : out(fd, "\r\n");
}

/*
 * Replays a recorded session. Requests may have been pipelined, so the
 * client's requests are taken in order against the recorded "> " lines,
 * and each recorded reply goes out with the live id of the request that
 * had its recorded id.
 */
static int replay(int fd, const char *file)
{
	struct strbuf t = STRBUF_INIT, buf = STRBUF_INIT, line = STRBUF_INIT;
	json_object *ids = json_object_new_object(); /* recorded id -> live id */
	const char *p;

	if (strbuf_read_file(&t, file, 64 << 20))
		return 1;
	for (p = t.buf; *p;) {
		size_t n = strcspn(p, "\n");
		char *rec = xstrndup(p + 2, n > 2 ? n - 2 : 0);
		json_object *m = json_tokener_parse(rec), *id = NULL;

		if (!strncmp(p, "> ", 2)) {
			json_object *got;

			if (next_line(fd, &buf, &line))
				return 0;
			got = json_tokener_parse(line.buf);
			if (!got || !m ||
			    strcmp(field(got, "execute"), field(m, "execute"))) {
				fprintf(stderr, "fake-qemu: expected '%s', got '%s'\n",
					m ? field(m, "execute") : "?", line.buf);
				return 1;
			}
			if (!strcmp(field(got, "execute"), "quit"))
				return 0;
			if (json_object_object_get_ex(m, "id", &id))
				json_object_object_add(
					ids, json_object_get_string(id),
					json_object_get(json_object_object_get(got, "id")));
			json_object_put(got);
		} else if (!strncmp(p, "< ", 2) && m) {
			json_object *live = NULL;

			if (json_object_object_get_ex(m, "id", &id) &&
			    json_object_object_get_ex(ids, json_object_get_string(id),
						      &live))
				json_object_object_add(m, "id", json_object_get(live));
			out(fd, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
			out(fd, "\r\n");
		}
		json_object_put(m);
		free(rec);
		p += n + (p[n] ? 1 : 0);
	}
	json_object_put(ids);
	return 0;
}

/* text with each "$ID" replaced by id's JSON text (or null), sent as a line. */
static int send_with_id(int fd, const char *text, json_object *id)
{
	const char *idtext = id ? json_object_to_json_string_ext(id, JSON_C_TO_STRING_PLAIN)
				: "null";
	struct strbuf line = STRBUF_INIT;
	const char *hit;
	int r;

	while ((hit = strstr(text, "$ID"))) {
		if (strbuf_add(&line, text, (size_t)(hit - text)))
			return -1;
		sb_puts(&line, idtext);
		text = hit + 3;
	}
	sb_printf(&line, "%s\r\n", text);
	r = out(fd, line.buf);
	strbuf_release(&line);
	return r;
}

/* Plays the script in file (see the top of this file) on fd. */
static int script(int fd, const char *file)
{
	struct strbuf t = STRBUF_INIT, buf = STRBUF_INIT, line = STRBUF_INIT;
	json_object *last = NULL;
	char *save = NULL;

	if (strbuf_read_file(&t, file, 64 << 20))
		return 1;
	for (char *p = t.buf; p && *p; p = save) {
		char *nl = strchr(p, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!strcmp(p, "greet")) {
			if (out(fd, greeting))
				return 0;
		} else if (!strncmp(p, ">", 1)) {
			json_object *req;

			if (next_line(fd, &buf, &line))
				return 0;
			req = json_tokener_parse(line.buf);
			if (req && !strcmp(field(req, "execute"), "quit"))
				return 0;
			json_object_put(last);
			last = NULL;
			if (req && json_object_object_get_ex(req, "id", &last))
				json_object_get(last);
			json_object_put(req);
		} else if (!strncmp(p, "< ", 2)) {
			if (send_with_id(fd, p + 2, last))
				return 0;
		} else if (!strncmp(p, "part ", 5)) {
			if (out(fd, p + 5))
				return 0;
		} else if (!strncmp(p, "sleep ", 6)) {
			struct timespec ts;
			long ms;

			if (parse_long(p + 6, 0, 60000, &ms))
				return 1;
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000L;
			nanosleep(&ts, NULL);
		} else if (!strcmp(p, "hang")) {
			/* Until the client closes (read() returns 0) or quits. */
			while (!next_line(fd, &buf, &line))
				if (strstr(line.buf, "\"quit\""))
					return 0;
			return 0;
		} else if (*p) {
			fprintf(stderr, "fake-qemu: bad script line '%s'\n", p);
			return 1;
		}
	}
	json_object_put(last);
	return 0;
}

/* Answers each request from the map in file (see the top of this file). */
static int answer(int fd, const char *file)
{
	struct strbuf buf = STRBUF_INIT, line = STRBUF_INIT;
	json_object *map = json_object_from_file(file);

	if (!json_object_is_type(map, json_type_object)) {
		fprintf(stderr, "fake-qemu: '%s' is not a JSON object\n", file);
		return 1;
	}
	while (!next_line(fd, &buf, &line)) {
		json_object *req = json_tokener_parse(line.buf), *msg = NULL;
		const char *cmd = field(req, "execute");

		if (!strcmp(cmd, "quit"))
			return 0;
		if (json_object_object_get_ex(map, cmd, &msg))
			reply_with_id(fd, json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN),
				      req);
		else
			reply_with_id(fd, "{\"return\": {}}", req);
		json_object_put(req);
	}
	return 0;
}

/* The mode (and file) from ARGV0.fake, for a fake run without -fake. */
static void mode_from_file(const char *argv0, const char **mode, const char **file)
{
	static struct strbuf text = STRBUF_INIT;
	struct strbuf p = STRBUF_INIT;
	char *sp;

	sb_printf(&p, "%s.fake", argv0);
	if (!path_exists(p.buf) || strbuf_read_file(&text, p.buf, 4096) || !text.buf) {
		strbuf_release(&p);
		return;
	}
	strbuf_release(&p);
	text.buf[strcspn(text.buf, "\n")] = '\0';
	sp = strchr(text.buf, ' ');
	if (sp) {
		*sp = '\0';
		*file = sp + 1;
	}
	*mode = text.buf;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *mode = NULL, *file = NULL;
	struct strbuf buf = STRBUF_INIT, line = STRBUF_INIT;
	struct sockaddr_un sa;
	int s;

	alarm(60);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-chardev") && i + 1 < argc) {
			const char *pp = strstr(argv[i + 1], "path=");

			if (pp) {
				static char pbuf[256];
				size_t n = strcspn(pp + 5, ",");

				snprintf(pbuf, sizeof(pbuf), "%.*s", (int)n, pp + 5);
				path = pbuf;
			}
		}
		if (!strcmp(argv[i], "-dump-vmstate") && i + 1 < argc) {
			FILE *f = fopen(argv[i + 1], "w");

			return !f || fputs("{}\n", f) < 0 || fclose(f) ? 1 : 0;
		}
		if (!strcmp(argv[i], "-fake") && i + 1 < argc) {
			mode = argv[i + 1];
			if (i + 2 < argc)
				file = argv[i + 2];
		}
	}
	if (!mode)
		mode_from_file(argv[0], &mode, &file);
	if (!mode || !path) {
		fprintf(stderr, "fake-qemu: no -fake MODE or QMP socket\n");
		return 2;
	}
	if (!strcmp(mode, "exit")) {
		fprintf(stderr, "fake-qemu: cannot start: deliberate failure\n");
		return 1;
	}
	if (!strcmp(mode, "silent")) {
		pause();
		return 0;
	}
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || unix_sockaddr(&sa, path))
		return 3;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "fake-qemu: cannot connect to '%s': %s\n", path,
			strerror(errno));
		return 3;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(mode, "script"))
		return file ? script(s, file) : 2;
	/* Recordings start after the handshake: greet, accept capabilities. */
	out(s, greeting);
	if (next_line(s, &buf, &line))
		return 0;
	{
		json_object *req = json_tokener_parse(line.buf);

		reply_with_id(s, "{\"return\": {}}", req);
		json_object_put(req);
	}
	if (!strcmp(mode, "replay"))
		return replay(s, file);
	if (!strcmp(mode, "answer"))
		return file ? answer(s, file) : 2;
	while (!next_line(s, &buf, &line)) {
		json_object *req = json_tokener_parse(line.buf);

		if (req && !strcmp(field(req, "execute"), "quit"))
			return 0;
		if (!strcmp(mode, "hang")) {
			pause();
		} else if (!strcmp(mode, "garbage")) {
			out(s, "this is not json\r\n");
		} else if (!strcmp(mode, "oversize")) {
			char chunk[65536];

			memset(chunk, 'x', sizeof(chunk));
			chunk[0] = '"';
			for (int i = 0; i < 256; i++)
				if (write(s, chunk, sizeof(chunk)) < 0)
					return 0;
			pause();
		} else if (!strcmp(mode, "regreet")) {
			static int state; /* 0 first, 1 negotiating, 2 normal */

			if (state == 0) {
				out(s, greeting);
				state = 1;
			}
			if (!strcmp(field(req, "execute"), "qmp_capabilities")) {
				reply_with_id(s, "{\"return\": {}}", req);
				state = 2;
			} else if (state == 1) {
				reply_with_id(s, "{\"error\": {\"class\": \"CommandNotFound\", "
						 "\"desc\": \"Expecting capabilities negotiation "
						 "with 'qmp_capabilities'\"}}", req);
			} else {
				reply_with_id(s, "{\"return\": {\"ok\": true}}", req);
			}
		} else if (!strcmp(mode, "error")) {
			reply_with_id(s, "{\"error\": {\"class\": \"GenericError\", "
					 "\"desc\": \"fake failure\"}}", req);
		}
		json_object_put(req);
	}
	return 0;
}
