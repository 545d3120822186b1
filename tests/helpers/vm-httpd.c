/*
 * vm-httpd: a small HTTP/1.1 file server on 127.0.0.1 for the fetch
 * tests. It serves files from --root, honours "Range: bytes=N-" with 206
 * replies, answers 404 for missing files, and can simulate a transfer cut
 * off mid-way (--cut NAME: the first GET of NAME sends half the body,
 * then closes). Every request is logged to --log as
 * "GET /name range=N status". It picks a free port and writes it to
 * --port-file, serves one connection at a time, and exits on SIGTERM or
 * after --lifetime seconds (default 300), so a test can never leave it
 * running for long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "strbuf.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads the request head (bounded: 16 KiB, 5 s). */
static int read_head(int fd, struct strbuf *req)
{
	double end = now_monotonic() + 5;

	while (!strstr(req->buf, "\r\n\r\n")) {
		struct pollfd p = { fd, POLLIN, 0 };
		char buf[1024];
		ssize_t n;

		if (now_monotonic() > end || poll(&p, 1, 500) < 0)
			return -1;
		if (!(p.revents & POLLIN))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0 || strbuf_add(req, buf, (size_t)n))
			return -1;
	}
	return 0;
}

static void reply_status(int fd, int code, const char *text)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n"
			 "Connection: close\r\n\r\n",
			 code, text);

	write_all(fd, head, (size_t)n);
}

static void serve(int fd, const char *root, const char *cut, int *cut_done,
		  FILE *log)
{
	struct strbuf req = STRBUF_INIT, path = STRBUF_INIT;
	char name[512], head[512];
	const char *p, *r;
	long from = 0;
	int file = -1, code;
	struct stat st;
	size_t n;

	strbuf_init(&req, 16384);
	if (read_head(fd, &req))
		goto out;
	if (!skip_prefix(req.buf, "GET /", &p)) {
		reply_status(fd, 405, "Method Not Allowed");
		goto out;
	}
	n = strcspn(p, " ?\r\n");
	if (n >= sizeof(name)) {
		reply_status(fd, 414, "URI Too Long");
		goto out;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	r = strcasestr(req.buf, "\r\nRange: bytes=");
	if (r) {
		char num[32];
		size_t k;

		r += strlen("\r\nRange: bytes=");
		k = strspn(r, "0123456789");
		if (k && k < sizeof(num)) {
			memcpy(num, r, k);
			num[k] = '\0';
			if (parse_long(num, 0, 1L << 40, &from))
				from = 0;
		}
	}
	path_join(&path, root, name);
	if (!path_is_contained(name) ||
	    (file = open(path.buf, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(file, &st) || !S_ISREG(st.st_mode)) {
		code = 404;
		reply_status(fd, 404, "Not Found");
	} else if (from > st.st_size ||
		   (from == st.st_size && st.st_size > 0)) {
		code = 416;
		reply_status(fd, 416, "Range Not Satisfiable");
	} else {
		long len = (long)st.st_size - from;
		long send_len = len;
		char buf[65536];
		int m;

		code = from ? 206 : 200;
		if (from)
			m = snprintf(head, sizeof(head),
				     "HTTP/1.1 206 Partial Content\r\n"
				     "Content-Length: %ld\r\n"
				     "Content-Range: bytes %ld-%ld/%ld\r\n"
				     "Accept-Ranges: bytes\r\n"
				     "Connection: close\r\n\r\n",
				     len, from, (long)st.st_size - 1,
				     (long)st.st_size);
		else
			m = snprintf(head, sizeof(head),
				     "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n"
				     "Accept-Ranges: bytes\r\n"
				     "Connection: close\r\n\r\n",
				     len);
		if (cut && !strcmp(cut, name) && !*cut_done) {
			send_len = len / 2;
			*cut_done = 1;
			code = 299; /* logged as "cut" */
		}
		write_all(fd, head, (size_t)m);
		lseek(file, from, SEEK_SET);
		while (send_len > 0) {
			ssize_t k = read(file, buf,
					 send_len < (long)sizeof(buf)
						 ? (size_t)send_len
						 : sizeof(buf));
			if (k <= 0 || write_all(fd, buf, (size_t)k))
				break;
			send_len -= k;
		}
	}
	if (log) {
		if (code == 299)
			fprintf(log, "GET /%s range=%ld cut\n", name, from);
		else
			fprintf(log, "GET /%s range=%ld %d\n", name, from, code);
		fflush(log);
	}
out:
	if (file >= 0)
		close(file);
	strbuf_release(&req);
	strbuf_release(&path);
}

int main(int argc, char **argv)
{
	const char *root = NULL, *port_file = NULL, *cut = NULL, *log_path = NULL;
	double lifetime = 300, end;
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	int s, one = 1, cut_done = 0;
	FILE *log = NULL;
	char port[32];
	struct sigaction sa;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--root"))
			root = argv[i + 1];
		else if (!strcmp(argv[i], "--port-file"))
			port_file = argv[i + 1];
		else if (!strcmp(argv[i], "--cut"))
			cut = argv[i + 1];
		else if (!strcmp(argv[i], "--log"))
			log_path = argv[i + 1];
		else if (!strcmp(argv[i], "--lifetime") &&
			 !parse_seconds(argv[i + 1], &lifetime))
			;
		else
			die("vm-httpd: unknown option '%s'", argv[i]);
	}
	if (!root || !port_file)
		die("usage: vm-httpd --root DIR --port-file FILE [--cut NAME] "
		    "[--log FILE] [--lifetime S]");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (log_path && !(log = fopen(log_path, "a")))
		die("vm-httpd: cannot open '%s'", log_path);

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(s, 16) || getsockname(s, (struct sockaddr *)&addr, &alen))
		die("vm-httpd: cannot listen on 127.0.0.1");
	snprintf(port, sizeof(port), "%d\n", ntohs(addr.sin_port));
	if (write_file_atomic(port_file, port, strlen(port)))
		return 1;

	end = now_monotonic() + lifetime;
	while (!stop && now_monotonic() < end) {
		struct pollfd p = { s, POLLIN, 0 };
		int c;

		if (poll(&p, 1, 200) <= 0)
			continue;
		c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		serve(c, root, cut, &cut_done, log);
		close(c);
	}
	close(s);
	if (log)
		fclose(log);
	return 0;
}
