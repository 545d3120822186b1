/*
 * libcurl downloads into the sha256-addressed cache, with resume,
 * bounded retries and a progress bar on terminals; and the lookup of
 * Debian orig tarballs through apt. Nothing here runs a shell.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "command.h"
#include "fs.h"
#include "strbuf.h"
#include "banned.h"

#define MAX_DOWNLOAD ((curl_off_t)4 << 30)

static void curl_cleanup(CURL **c)
{
	if (*c)
		curl_easy_cleanup(*c);
}
#define auto_curl __attribute__((cleanup(curl_cleanup))) CURL

void fetch_opts_init(struct fetch_opts *o, const char *cache_dir)
{
	memset(o, 0, sizeof(*o));
	o->cache_dir = cache_dir;
	o->retries = 3;
	o->backoff = 1;
	o->connect_timeout = 30;
	o->stall_timeout = 60;
	o->progress = isatty(2);
}

void fetched_release(struct fetched *f)
{
	free(f->path);
	f->path = NULL;
}

static int safe_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

char *fetch_cached(const char *cache_dir, const char *sha256,
		   const char *name)
{
	struct strbuf p = STRBUF_INIT;
	struct dirent **ents = NULL;
	int n;

	sb_printf(&p, "%s/downloads/%s", cache_dir, sha256);
	if (name) {
		sb_printf(&p, "/%s", name);
		if (path_exists(p.buf))
			return strbuf_detach(&p);
		strbuf_release(&p);
		return NULL;
	}
	n = scandir(p.buf, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && !name) {
			name = "";
			sb_printf(&p, "/%s", ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	if (name)
		return strbuf_detach(&p);
	strbuf_release(&p);
	return NULL;
}

struct xfer {
	int fd;
	int failed_errno;
	const struct fetch_opts *o;
	const char *name;
	curl_off_t resumed;
	double last;
	int drew;
};

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nmemb, done = 0;

	while (done < len) {
		ssize_t n = write(x->fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			x->failed_errno = errno;
			return 0;
		}
		done += (size_t)n;
	}
	return len;
}

static int on_progress(void *ud, curl_off_t total, curl_off_t now,
		       curl_off_t ut, curl_off_t un)
{
	struct xfer *x = ud;
	double t = now_monotonic();
	curl_off_t have = now + x->resumed, all = total + x->resumed;

	(void)ut, (void)un;
	if (vm_interrupted)
		return 1;
	if (!x->o->progress || t - x->last < 0.2)
		return 0;
	x->last = t;
	if (total > 0)
		fprintf(stderr, "\r%s: %s %3d%% %.1f/%.1f MB ",
			x->o->label ? x->o->label : "fetch", x->name,
			(int)(100 * have / all), (double)have / 1e6,
			(double)all / 1e6);
	else
		fprintf(stderr, "\r%s: %s %.1f MB ",
			x->o->label ? x->o->label : "fetch", x->name,
			(double)have / 1e6);
	x->drew = 1;
	return 0;
}

static int retryable(CURLcode rc, long http)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	case CURLE_HTTP_RETURNED_ERROR:
		return http >= 500 || http == 408 || http == 429;
	default:
		return 0;
	}
}

static void sleep_interruptible(double seconds)
{
	double end = now_monotonic() + seconds;

	while (!vm_interrupted && now_monotonic() < end) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

/*
 * One transfer attempt appending to part; returns the curl code, and in
 * *connected whether a connection to the server was made at all.
 */
static CURLcode attempt(const struct fetch_opts *o, const char *url,
			const char *part, const char *name, long *http,
			char *errbuf, int *write_errno, int *connected)
{
	curl_off_t connect_us = 0;
	auto_curl *c = curl_easy_init();
	struct xfer x;
	struct stat st;
	CURLcode rc;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.name = name;
	*http = 0;
	*write_errno = 0;
	*connected = 0;
	errbuf[0] = '\0';
	if (!c)
		return CURLE_FAILED_INIT;
	x.fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (x.fd < 0) {
		*write_errno = errno;
		return CURLE_WRITE_ERROR;
	}
	if (!fstat(x.fd, &st))
		x.resumed = st.st_size;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->stall_timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, MAX_DOWNLOAD);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "virt-matrix");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (x.resumed > 0)
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, x.resumed);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us);
	*connected = connect_us > 0;
	if (x.drew)
		fputc('\n', stderr);
	if (close(x.fd) && rc == CURLE_OK) {
		*write_errno = errno;
		rc = CURLE_WRITE_ERROR;
	}
	if (x.failed_errno)
		*write_errno = x.failed_errno;
	return rc;
}

/*
 * Failures that say the host cannot be reached at all, now. A time-out
 * after the connection was made (a stalled transfer) is not one: it is
 * retried and resumed.
 */
static int unreachable(CURLcode rc, int connected)
{
	return !connected &&
	       (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
		rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT);
}

/* An error, or a note when the caller falls back on another source. */
static void describe_failure(const struct fetch_opts *o, const char *url,
			     CURLcode rc, long http, const char *errbuf,
			     int write_errno)
{
	struct strbuf m = STRBUF_INIT;

	if (rc == CURLE_HTTP_RETURNED_ERROR)
		sb_printf(&m, "cannot fetch '%s': HTTP %ld", url, http);
	else if (write_errno)
		sb_printf(&m, "cannot fetch '%s': cannot write the download: %s",
			  url, strerror(write_errno));
	else
		sb_printf(&m, "cannot fetch '%s': %s", url,
			  *errbuf ? errbuf : curl_easy_strerror(rc));
	if (o->fallback)
		info("%s", m.buf);
	else
		error("%s", m.buf);
	strbuf_release(&m);
}

/*
 * The cached download of expect_sha256 called name into out: 1; 0 when
 * there is none (a damaged one is deleted).
 */
static int use_cached(const struct fetch_opts *o, const char *name,
		      const char *expect_sha256, struct fetched *out)
{
	char *hit = fetch_cached(o->cache_dir, expect_sha256, name);

	if (!hit)
		return 0;
	if (!sha256_file(hit, out->sha256) &&
	    !strcmp(out->sha256, expect_sha256)) {
		out->path = hit;
		return 1;
	}
	warning("cached '%s' is damaged; fetching it again", hit);
	unlink(hit);
	free(hit);
	return 0;
}

/* Whether a failed attempt asks to start over instead of resuming. */
static int cannot_resume(CURLcode rc, long http)
{
	return rc == CURLE_RANGE_ERROR ||
	       (rc == CURLE_HTTP_RETURNED_ERROR && http == 416) ||
	       rc == CURLE_BAD_DOWNLOAD_RESUME;
}

/*
 * Downloads url into part, resuming, with o->retries retries after a
 * growing wait; -1 (reported) when it gives up or is interrupted, with
 * out->unreachable set when the host could not be reached.
 */
static int download(const struct fetch_opts *o, const char *url,
		    const char *name, const char *part, struct fetched *out)
{
	char errbuf[CURL_ERROR_SIZE];
	double wait = o->backoff;
	int restarted = 0;

	for (int n = 0;; n++) {
		long http;
		int werr, connected;
		CURLcode rc = attempt(o, url, part, name, &http, errbuf, &werr,
				      &connected);

		if (rc == CURLE_OK)
			return 0;
		if (vm_interrupted)
			return error("fetch of '%s' interrupted; the partial "
				     "download is kept for resuming",
				     url);
		if (cannot_resume(rc, http) && !restarted) {
			/* Cannot resume: start over once. */
			unlink(part);
			restarted = 1;
			n--;
			continue;
		}
		if (!retryable(rc, http) || n >= o->retries ||
		    (o->fallback && unreachable(rc, connected))) {
			describe_failure(o, url, rc, http, errbuf, werr);
			if (n && o->fallback)
				info("gave up after %d attempts", n + 1);
			else if (n)
				error("gave up after %d attempts", n + 1);
			out->unreachable = unreachable(rc, connected);
			return -1;
		}
		warning("fetch of '%s' failed (%s); retrying in %.0fs", url,
			*errbuf ? errbuf : curl_easy_strerror(rc), wait);
		sleep_interruptible(wait);
		wait *= 2;
	}
}

/*
 * Checks the download part against expect_sha256 (when given; deleted
 * when it differs) and moves it to <cache>/downloads/<sha256>/name.
 */
static int keep_download(const struct fetch_opts *o, const char *url,
			 const char *name, const char *part,
			 const char *expect_sha256, struct fetched *out)
{
	struct strbuf dir = STRBUF_INIT, final = STRBUF_INIT;
	int ret = -1;

	if (sha256_file(part, out->sha256))
		goto out;
	if (expect_sha256 && strcmp(out->sha256, expect_sha256)) {
		error("checksum mismatch for '%s': expected %s, got %s; the "
		      "download was deleted",
		      url, expect_sha256, out->sha256);
		unlink(part);
		goto out;
	}
	sb_printf(&dir, "%s/downloads/%s", o->cache_dir, out->sha256);
	if (mkdir_p(dir.buf, 0755))
		goto out;
	path_join(&final, dir.buf, name);
	if (rename(part, final.buf)) {
		error_errno("cannot move '%s' to '%s'", part, final.buf);
		goto out;
	}
	out->path = strbuf_detach(&final);
	ret = 0;
out:
	strbuf_release(&dir);
	strbuf_release(&final);
	return ret;
}

int fetch_url(const struct fetch_opts *o, const char *url, const char *name,
	      const char *expect_sha256, struct fetched *out)
{
	struct strbuf dir = STRBUF_INIT, part = STRBUF_INIT;
	char urlhash[SHA256_HEX_LEN + 1];
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!safe_name(name))
		return error("cannot fetch '%s': bad file name '%s'", url,
			     name);
	if (expect_sha256 && use_cached(o, name, expect_sha256, out))
		return 0;
	sb_printf(&dir, "%s/downloads/partial", o->cache_dir);
	if (mkdir_p(dir.buf, 0755))
		goto out;
	sha256_hex(url, strlen(url), urlhash);
	sb_printf(&part, "%s/%.16s-%s.part", dir.buf, urlhash, name);
	if (download(o, url, name, part.buf, out) ||
	    keep_download(o, url, name, part.buf, expect_sha256, out))
		goto out;
	ret = 0;
out:
	strbuf_release(&dir);
	strbuf_release(&part);
	return ret;
}

/* Splits a line of apt's --print-uris output into blank-separated words. */
static void split_blanks(const char *line, size_t len, struct strvec *w)
{
	size_t i = 0;

	while (i < len) {
		size_t k;

		while (i < len && line[i] == ' ')
			i++;
		for (k = i; k < len && line[k] != ' '; k++)
			;
		if (k > i) {
			char *word = xstrndup(line + i, k - i);

			strvec_push(w, word);
			free(word);
		}
		i = k;
	}
}

int debian_orig_uri(const char *pkg, const char *debver, char **url,
		    char **name, char sha256[SHA256_HEX_LEN + 1])
{
	struct command cmd;
	const char *line;
	int ret = -1;

	*url = *name = NULL;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "apt-get", "source",
						       "--print-uris",
						       "--only-source",
						       NULL });
	strvec_pushf(&cmd.args, "%s=%s", pkg, debver);
	cmd.timeout = 120;
	cmd.capture_max = 1 << 18;
	if (command_run_checked(&cmd))
		goto out;
	/* Lines look like: 'URL' NAME SIZE SHA256:HEX */
	for (line = cmd.output.buf; *line && !*url;) {
		size_t n = strcspn(line, "\n");
		struct strvec w = STRVEC_INIT;
		const char *hex;

		split_blanks(line, n, &w);
		if (w.nr >= 4 && w.v[0][0] == '\'' && strlen(w.v[0]) > 2 &&
		    strstr(w.v[1], ".orig.tar.") && !ends_with(w.v[1], ".asc") &&
		    skip_prefix(w.v[3], "SHA256:", &hex) &&
		    sha256_hex_valid(hex)) {
			*url = xstrndup(w.v[0] + 1, strlen(w.v[0]) - 2);
			*name = xstrdup(w.v[1]);
			memcpy(sha256, hex, SHA256_HEX_LEN + 1);
		}
		strvec_clear(&w);
		line += n;
		if (*line)
			line++;
	}
	if (!*url) {
		error("apt-get knows no orig tarball for %s=%s; are deb-src "
		      "entries configured? ('make deps' adds them)",
		      pkg, debver);
		goto out;
	}
	ret = 0;
out:
	command_release(&cmd);
	return ret;
}
