/*
 * Fuzz harness "scenario": the input is the text of a scenario file in
 * DTS's VM configuration format (.cfg), fed to scenario_parse()
 * (runner/scenario.c) as scenario_load() would feed a file. A scenario
 * that loads is asked what the runner asks of it: its VMs, its devices,
 * whether it runs, its notes.
 */
#include "fuzz.h"
#include "scenario.h"

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
	strvec_clear(&notes);
	strbuf_release(&why);
	scenario_release(&s);
	return 0;
}
