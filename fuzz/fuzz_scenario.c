/*
 * Fuzz harness "scenario": the input is the text of a scenario file in
 * DTS's VM configuration format (.cfg), fed to scenario_parse()
 * (runner/scenario.c) as scenario_load() would feed a file. A scenario
 * that loads is asked what the runner asks of it: its VMs, its devices,
 * whether it runs, its notes; and each VM is mapped to an argv
 * (runner/mapper.c) for a QEMU before 3.0 and a recent one.
 */
#include "fuzz.h"
#include "mapper.h"
#include "scenario.h"

/* Every VM of s mapped for c: an argv, or a reason. */
static void map_every_vm(const struct scenario *s, const struct map_caps *c)
{
	static const struct map_env env = { .accel = "tcg", .rundir = "/run/x",
					    .pt_host = "0000:00:05.0" };

	for (size_t i = 0; i < s->nvms; i++) {
		struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
		struct strbuf why = STRBUF_INIT;

		if (map_vm_argv(s, i, c, &env, &argv, &notes, &why))
			FUZZ_CHECK(why.len > 0);
		else
			FUZZ_CHECK(argv.nr >= 4 && !why.len);
		for (size_t k = 0; k < argv.nr; k++)
			FUZZ_CHECK(argv.v[k] != NULL);
		strvec_clear(&argv);
		strvec_clear(&notes);
		strbuf_release(&why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strvec notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	struct scenario s;
	size_t nnotes = 0;
	int runnable;

	if (scenario_parse(&s, "fuzz.cfg", (const char *)data, size))
		return 0;
	FUZZ_CHECK(s.name && s.nvms >= 1);
	for (size_t i = 0; i < s.nvms; i++) {
		FUZZ_CHECK(s.vms[i].name && s.vms[i].machine);
		nnotes += s.vms[i].notes.nr;
	}
	FUZZ_CHECK(scenario_count_devices(&s, DEV_VHOST_USER) +
			   scenario_count_devices(&s, DEV_VFIO_PCI) <=
		   s.vms[0].ndevices);
	/* Vhost-user devices always have a backend, by default testpmd. */
	FUZZ_CHECK(!scenario_count_devices(&s, DEV_VHOST_USER) ||
		   s.host.vhost_ports > 0);
	runnable = !scenario_runnable(&s, &why);
	FUZZ_CHECK(runnable == !why.len);
	FUZZ_CHECK(runnable || s.nvms > 1 ||
		   scenario_count_devices(&s, DEV_SRIOV_VF) ||
		   scenario_count_devices(&s, DEV_HOST_PF));
	scenario_notes(&s, &notes);
	FUZZ_CHECK(notes.nr == s.notes.nr + nnotes);
	{
		struct map_caps c = { .version = "2.11.0", .q35 = "pc-q35-2.11",
				      .pc = "pc-i440fx-2.11", .has_vfio_pci = 1,
				      .has_pci_assign = 1, .has_vhost_user_netdev = 1 };

		map_every_vm(&s, &c);
		snprintf(c.version, sizeof(c.version), "10.0.2");
		c.has_pci_assign = 0;
		c.has_memfd = c.machine_memdev = 1;
		map_every_vm(&s, &c);
	}
	strvec_clear(&notes);
	strbuf_release(&why);
	scenario_release(&s);
	return 0;
}
