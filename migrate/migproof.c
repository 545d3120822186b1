/*
 * The verdicts of a migration's guest (migproof.h): its checks before
 * the migration on the source, its proof after the switch on the
 * destination, and QEMU's own words for a reason.
 */
#include <string.h>

#include "migproof.h"
#include "guest.h"
#include "migguest.h"
#include "banned.h"

void mig_qemu_words(const char *out, struct strbuf *o)
{
	struct strbuf q = STRBUF_INIT, rest = STRBUF_INIT;
	const char *line;
	int first = 1;

	split_output(out ? out : "", &q, &rest);
	for (line = q.buf; line && *line;) {
		size_t len = strcspn(line, "\n");

		/* Its warnings (a deprecated machine type) stay in the log only. */
		if (!strstr(line, ": warning: ") || strstr(line, ": warning: ") > line + len) {
			sb_printf(o, "%s%.*s", first ? "" : " / ", (int)len, line);
			first = 0;
		}
		line += len + (line[len] == '\n');
	}
	strbuf_release(&q);
	strbuf_release(&rest);
}

int mig_source_verdict(enum console_wait w, const char *log, long timeout,
		       const char *qemu_out, struct result *r)
{
	struct guest_outcome o;
	int ret = -1;

	if (w == CONSOLE_INTERRUPTED)
		return -1;
	guest_parse(log, &o);
	if (w == CONSOLE_SEEN && o.ended && !o.failed && o.nchecks == MIG_CHECKS_BEFORE) {
		ret = 0;
	} else if (w == CONSOLE_SEEN) {
		checks_into(r, &o);
		judge(r, &o, MIG_CHECKS_BEFORE);
		strbuf_reset(&r->reason);
		sb_puts(&r->reason, "the guest failed its own checks on the "
				    "source, before migrating");
		for (size_t i = 0; i < o.nchecks; i++)
			if (!o.checks[i].pass)
				sb_printf(&r->reason, "; %s: %s", o.checks[i].kind,
					  o.checks[i].detail);
	} else if (w == CONSOLE_TIMEOUT) {
		sb_printf(&r->reason, "the guest did not get ready on the source "
				      "within %ld s", timeout);
		console_last_said(&r->reason, log);
	} else {
		sb_puts(&r->reason, "QEMU ended before the guest was ready: ");
		mig_qemu_words(qemu_out, &r->reason);
	}
	if (ret)
		r->status = RUN_ERROR;
	guest_outcome_release(&o);
	return ret;
}

int mig_dest_verdict(enum console_wait w, const char *log, struct result *r)
{
	struct guest_outcome o;
	int ret = 0;

	if (w == CONSOLE_INTERRUPTED)
		return -1;
	guest_parse(log, &o);
	checks_into(r, &o);
	if (w == CONSOLE_SEEN && o.ended) {
		judge(r, &o, MIG_CHECKS_AFTER);
		if (r->status == RUN_FAIL) {
			struct strbuf was = STRBUF_INIT;

			sb_printf(&was, "the guest's proof on the destination: %s",
				  r->reason.buf);
			strbuf_reset(&r->reason);
			sb_puts(&r->reason, was.buf);
			strbuf_release(&was);
		}
	} else if (w == CONSOLE_TIMEOUT) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "the guest did not answer within %d s after "
				      "the switch (hung)", MIG_PROOF_TIMEOUT);
		console_last_said(&r->reason, log);
	} else {
		ret = -1;
	}
	guest_outcome_release(&o);
	return ret;
}
