/*
 * Fuzz harness "scenario": the input is the text of a scenario file in
 * DTS's VM configuration format (.cfg), fed to scenario_parse()
 * (runner/scenario.c) as scenario_load() would feed a file. A scenario
 * that loads is asked what the runner asks of it.
 */
#include "fuzz.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario s;

	if (scenario_parse(&s, "fuzz.cfg", (const char *)data, size))
		return 0;
	FUZZ_CHECK(s.name && s.machine);
	FUZZ_CHECK(scenario_count_devices(&s, DEV_VHOST_USER) +
			   scenario_count_devices(&s, DEV_VFIO_PCI) <=
		   s.ndevices);
	scenario_release(&s);
	return 0;
}
