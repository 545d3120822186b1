/*
 * `plan --format k8s`: two Kubernetes Jobs in one YAML stream. The sweep
 * Job is an Indexed Job of N completions, all at once: Kubernetes gives
 * each pod JOB_COMPLETION_INDEX (0..N-1), the plan gives every pod
 * VIRT_MATRIX_SHARDS=N, and `virt-matrix sweep` takes its shard from the
 * two (lib/shard.h). Each shard writes its store into a directory of the
 * sweep on a shared volume (a PersistentVolumeClaim, ReadWriteMany, from
 * --volume-claim), so that a retried pod continues its shard in the same
 * store, and leaves there shard-K.rc with the sweep's exit status. The
 * merge Job merges the stores and reports on the merged one into the
 * same directory.
 *
 * Kubernetes orders no Job after another, so the two are applied apart,
 * the merge once the sweep Job is Complete; each carries the label
 * virt-matrix/step (sweep, merge) for kubectl apply's selector:
 *
 *	kubectl apply -f sweep.yaml -l virt-matrix/step=sweep
 *	kubectl wait --for=condition=complete --timeout=24h job/virt-matrix-sweep-ID
 *	kubectl apply -f sweep.yaml -l virt-matrix/step=merge
 *
 * For the sweep Job to become Complete when a shard finds regressions
 * (sweep exits 1), a shard's pod succeeds whenever the sweep ran to its
 * end (exit status 0 or 1, kept in shard-K.rc); any other status (killed,
 * interrupted, a store it cannot open) fails the pod, which is retried
 * (backoffLimitPerIndex) and resumes. The merge Job exits 1 after the
 * report when any shard's sweep did, so the findings still fail the run.
 *
 * The sweep pods are privileged: QEMU wants /dev/kvm, libvirtd its
 * cgroups, tap devices and bridges; the image (--image, required) holds
 * virt-matrix, QEMU, libvirt and the builds under /opt. --tag KEY=VALUE
 * puts the sweep pods on the nodes of that label (nodeSelector).
 */
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "banned.h"

/* Where the claim is mounted; each sweep has a directory of its uuid. */
#define K8S_MOUNT "/sweeps"
/* Tries of a shard after its first (a retry resumes the shard). */
#define K8S_RETRIES 2

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* A DNS-1123 subdomain (names of objects such as claims). */
static int dns_subdomain(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return 0;
	for (; *s; s++)
		if (!is_lower_alnum(*s) && *s != '-' && *s != '.')
			return 0;
	return 1;
}

/* A label value: up to 63 of [A-Za-z0-9._-], alphanumeric at both ends. */
static int label_value(const char *s, size_t n)
{
	if (n > 63 || (n && (!is_alnum(s[0]) || !is_alnum(s[n - 1]))))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

/* A label key: [prefix/]name, the name a label value of 1..63. */
static int label_key(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);

	if (slash) {
		char prefix[254];
		size_t pn = (size_t)(slash - s);

		if (pn >= sizeof(prefix))
			return 0;
		memcpy(prefix, s, pn);
		prefix[pn] = '\0';
		if (!dns_subdomain(prefix))
			return 0;
		n -= pn + 1;
		s = slash + 1;
	}
	return n > 0 && label_value(s, n);
}

static int check_spec(const struct plan_spec *sp)
{
	if (!sp->image || !*sp->image)
		return error("--format k8s needs --image: the image of the pods, with "
			     "virt-matrix, QEMU, libvirt and the builds under /opt");
	for (const char *p = sp->image; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\' || *p == 0x7f)
			return error("--image '%s': an image reference has no spaces, "
				     "quotes or backslashes", sp->image);
	if (!dns_subdomain(sp->claim))
		return error("--volume-claim '%s': a claim name is lower-case letters, "
			     "digits, '-' and '.' (at most 253)", sp->claim);
	for (size_t i = 0; i < sp->tags->nr; i++) {
		const char *t = sp->tags->v[i], *eq = strchr(t, '=');

		if (!eq || !label_key(t, (size_t)(eq - t)) || !label_value(eq + 1, strlen(eq + 1)))
			return error("--tag '%s': for k8s a node label KEY=VALUE the sweep "
				     "pods are put on", t);
	}
	return 0;
}

/*
 * s for a container's command or args: Kubernetes replaces $(VAR) there
 * with the container's variable and $$ with $, before the shell sees it.
 */
static void k8s_args_quote(struct strbuf *y, const char *s)
{
	struct strbuf esc = STRBUF_INIT;

	for (; *s; s++) {
		if (*s == '$')
			sb_putc(&esc, '$');
		sb_putc(&esc, *s);
	}
	plan_yaml_quote(y, esc.buf);
	strbuf_release(&esc);
}

/* The Job's name: virt-matrix-STEP- and the uuid's first 8 digits. */
static void job_name(struct strbuf *y, const struct plan_spec *sp, const char *step)
{
	sb_printf(y, "virt-matrix-%s-%.8s", step, sp->uuid);
}

static void labels(struct strbuf *y, const struct plan_spec *sp, const char *step,
		   const char *indent)
{
	sb_printf(y, "%slabels:\n", indent);
	sb_printf(y, "%s  app.kubernetes.io/name: virt-matrix\n", indent);
	sb_printf(y, "%s  virt-matrix/step: %s\n", indent, step);
	sb_printf(y, "%s  virt-matrix/sweep: ", indent);
	plan_yaml_quote(y, sp->uuid);
	sb_putc(y, '\n');
}

static void metadata(struct strbuf *y, const struct plan_spec *sp, const char *step)
{
	sb_puts(y, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ");
	job_name(y, sp, step);
	sb_putc(y, '\n');
	labels(y, sp, step, "  ");
}

/* The pod's container: sh -c script, with the claim at K8S_MOUNT. */
static void container(struct strbuf *y, const struct plan_spec *sp, const char *name,
		      const char *script, int is_sweep)
{
	sb_printf(y, "      containers:\n        - name: %s\n          image: ", name);
	plan_yaml_quote(y, sp->image);
	sb_puts(y, "\n          command: [\"/bin/sh\", \"-c\"]\n          args:\n            - ");
	k8s_args_quote(y, script);
	sb_putc(y, '\n');
	if (is_sweep) {
		/* The shard count, and the privileges of QEMU and libvirtd. */
		sb_printf(y, "          env:\n"
			     "            - name: VIRT_MATRIX_SHARDS\n"
			     "              value: \"%ld\"\n"
			     "          securityContext:\n"
			     "            privileged: true\n",
			  sp->shards);
	}
	sb_puts(y, "          volumeMounts:\n"
		   "            - name: sweeps\n"
		   "              mountPath: " K8S_MOUNT "\n"
		   "      volumes:\n"
		   "        - name: sweeps\n"
		   "          persistentVolumeClaim:\n"
		   "            claimName: ");
	plan_yaml_quote(y, sp->claim);
	sb_putc(y, '\n');
}

static void sweep_job(struct strbuf *y, const struct plan_spec *sp)
{
	struct strbuf script = STRBUF_INIT, cmd = STRBUF_INIT;

	plan_sweep_kept_status(sp, "shard-$k.db", NULL, "shard-$k.rc", &cmd);
	sb_printf(&script,
		  "mkdir -p " K8S_MOUNT "/%s && cd " K8S_MOUNT "/%s && "
		  "k=$((JOB_COMPLETION_INDEX + 1)) && { %s; }",
		  sp->uuid, sp->uuid, cmd.buf);

	sb_puts(y, "---\n");
	metadata(y, sp, "sweep");
	sb_printf(y, "spec:\n"
		     "  completionMode: Indexed\n"
		     "  completions: %ld\n"
		     "  parallelism: %ld\n"
		     "  backoffLimitPerIndex: %d\n"
		     "  template:\n"
		     "    metadata:\n",
		  sp->shards, sp->shards, K8S_RETRIES);
	labels(y, sp, "sweep", "      ");
	sb_puts(y, "    spec:\n      restartPolicy: Never\n");
	if (sp->tags->nr) {
		sb_puts(y, "      nodeSelector:\n");
		for (size_t i = 0; i < sp->tags->nr; i++) {
			const char *t = sp->tags->v[i], *eq = strchr(t, '=');

			sb_printf(y, "        %.*s: ", (int)(eq - t), t);
			plan_yaml_quote(y, eq + 1);
			sb_putc(y, '\n');
		}
	}
	container(y, sp, "sweep", script.buf, 1);
	strbuf_release(&script);
	strbuf_release(&cmd);
}

static void merge_job(struct strbuf *y, const struct plan_spec *sp)
{
	struct strbuf script = STRBUF_INIT;

	/* A shard whose sweep exited non-zero fails the run, after the report. */
	sb_printf(&script, "cd " K8S_MOUNT "/%s || exit 1; ", sp->uuid);
	plan_merge_report_kept(sp, &script);
	sb_puts(y, "---\n");
	metadata(y, sp, "merge");
	sb_puts(y, "spec:\n  backoffLimit: 0\n  template:\n    metadata:\n");
	labels(y, sp, "merge", "      ");
	sb_puts(y, "    spec:\n      restartPolicy: Never\n");
	container(y, sp, "merge", script.buf, 0);
	strbuf_release(&script);
}

int plan_k8s(const struct plan_spec *sp, struct strbuf *y)
{
	if (check_spec(sp))
		return -1;
	sb_printf(y, "# virt-matrix sweep %s over %ld machines (virt-matrix plan)\n"
		     "# The sweep Job first, the merge Job once it is Complete:\n"
		     "#   kubectl apply -f FILE -l virt-matrix/step=sweep\n"
		     "#   kubectl wait --for=condition=complete --timeout=24h job/",
		  sp->uuid, sp->shards);
	job_name(y, sp, "sweep");
	sb_puts(y, "\n#   kubectl apply -f FILE -l virt-matrix/step=merge\n");
	sb_printf(y, "# Stores and report: %s/%s/ on the claim ", K8S_MOUNT, sp->uuid);
	plan_yaml_quote(y, sp->claim);
	sb_putc(y, '\n');
	sweep_job(y, sp);
	merge_job(y, sp);
	return 0;
}
