/*
 * A job's result and the helpers backends judge with (result.h): the
 * guest's checks into JSON and a verdict, how QEMU ended, QEMU's own
 * lines apart from the console, and the start of the QEMU under test.
 */
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "banned.h"

void result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = RUN_STATUS_NONE;
	strbuf_init(&r->reason, 0);
	strbuf_init(&r->stderr_text, LOG_MAX);
	strbuf_init(&r->serial, LOG_MAX);
	strbuf_init(&r->backend, LOG_MAX);
	r->accel = "tcg";
}

void result_release(struct result *r)
{
	strbuf_release(&r->reason);
	strvec_clear(&r->argv);
	strvec_clear(&r->notes);
	json_object_put(r->checks);
	r->checks = NULL;
	strbuf_release(&r->stderr_text);
	strbuf_release(&r->serial);
	strbuf_release(&r->backend);
	free(r->domain_xml);
	free(r->native);
	r->domain_xml = r->native = NULL;
}

int job_is_user_xml(const struct job *j)
{
	return ends_with(j->scenario_path, ".xml");
}

void checks_into(struct result *r, const struct guest_outcome *o)
{
	json_object_put(r->checks);
	r->checks = json_object_new_array();
	for (size_t i = 0; i < o->nchecks; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "n", json_object_new_int(o->checks[i].n));
		json_object_object_add(c, "kind", json_object_new_string(o->checks[i].kind));
		json_object_object_add(c, "pass", json_object_new_boolean(o->checks[i].pass));
		json_object_object_add(c, "detail", json_object_new_string(o->checks[i].detail));
		json_object_array_add(r->checks, c);
	}
}

void judge(struct result *r, const struct guest_outcome *o, size_t want)
{
	if (!o->failed && o->nchecks == want) {
		r->status = RUN_PASS;
		return;
	}
	r->status = RUN_FAIL;
	sb_printf(&r->reason, "%d of %zu checks failed",
		  o->failed + (int)(want > o->nchecks ? want - o->nchecks : 0), want);
	for (size_t i = 0; i < o->nchecks; i++)
		if (!o->checks[i].pass)
			sb_printf(&r->reason, "; %s: %s", o->checks[i].kind,
				  o->checks[i].detail);
}

void exit_into(struct result *r, const struct command *c)
{
	r->exited = c->exited;
	r->exit_status = c->status;
	r->signal = c->signal;
}

void split_output(const char *out, struct strbuf *qemu_lines,
		  struct strbuf *console)
{
	const char *line = out;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);

		/* QEMU's own messages start with its program name. */
		if (!strncmp(line, "qemu-system-", 12) || !strncmp(line, "qemu: ", 6))
			sb_printf(qemu_lines, "%.*s", (int)len, line);
		else
			sb_printf(console, "%.*s", (int)len, line);
		line = eol ? eol + 1 : NULL;
	}
}

void console_last_said(struct strbuf *o, const char *console)
{
	const char *end = console ? console + strlen(console) : NULL;
	const char *b;
	size_t len;

	/* Back over trailing blank lines, then to the start of the last one. */
	while (end && end > console && (end[-1] == '\n' || end[-1] == '\r' ||
					end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (!end || end == console) {
		sb_puts(o, "; its console stayed silent");
		return;
	}
	for (b = end; b > console && b[-1] != '\n' && b[-1] != '\r'; b--)
		;
	len = (size_t)(end - b);
	if (len > CONSOLE_QUOTE_MAX)
		b = end - CONSOLE_QUOTE_MAX, len = CONSOLE_QUOTE_MAX;
	sb_puts(o, "; its console last said: '");
	for (size_t i = 0; i < len; i++)
		sb_putc(o, (unsigned char)b[i] < 0x20 ? '?' : b[i]);
	sb_puts(o, "'");
}

size_t count_passthrough(const struct scenario *s)
{
	return scenario_count_devices(s, DEV_VFIO_PCI) +
	       scenario_count_devices(s, DEV_PCI_ASSIGN) +
	       scenario_count_devices(s, DEV_SRIOV_VF) +
	       scenario_count_devices(s, DEV_HOST_PF);
}

int job_start_qemu(struct run_ctx *x, struct qemu_proc *p)
{
	struct result *r = x->r;

	if (qemu_proc_start(p, x->j->qemu->binary_path,
			    (const char *const *)r->argv.v, 30)) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "QEMU %s did not start: %s", x->j->qemu->version,
			  qemu_proc_output(p));
		split_output(qemu_proc_output(p), &r->stderr_text, &r->serial);
		exit_into(r, &p->cmd);
		command_release(&p->cmd);
		return -1;
	}
	strvec_clear(&r->argv);
	strvec_pushv(&r->argv, (const char *const *)p->cmd.args.v);
	return 0;
}

