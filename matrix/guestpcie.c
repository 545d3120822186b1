/*
 * PCI Express in a function's configuration space (guestpci.c walks the
 * lists and calls in here): the PCI Express capability (id 0x10), its
 * registers by the port type and version that say which exist, and the
 * extended capabilities from 0x100 of a 4096-byte item, each with its
 * id, version and name, and the registers of those that matter to a
 * guest's ABI (AER, ARI, ACS, SR-IOV, serial number, vendor-specific).
 * Layouts are those of PCI Express Base 6.0, 7.5.3 and 7.6-7.9; the walk
 * is bounded and stops on a loop.
 */
#include <stdio.h>
#include <string.h>

#include "guestdecode.h"
#include "guestdecoders.h"
#include "banned.h"

#define PCI_ECAP_HOPS 128

static const char *const port_types[] = {
	"endpoint",
	"legacy-endpoint",
	"?",
	"?",
	"root-port",
	"upstream-port",
	"downstream-port",
	"pcie-to-pci-bridge",
	"pci-to-pcie-bridge",
	"rc-integrated-endpoint",
	"rc-event-collector",
};
static const struct gd_field pcie_caps_f[] = {
	GD_V(0, 4, GD_DEC, "version"),
	GD_N(4, 4, "type", port_types),
	GD_F(8, "slot"),
	GD_V(9, 5, GD_DEC, "interrupt-message"),
	GD_F(14, "tcs-routing"),
	GD_F(15, "flit-mode"),
};
static const struct gd_field devcap_f[] = {
	GD_V(0, 3, GD_SHL7, "max-payload"),
	GD_V(3, 2, GD_DEC, "phantom"),
	GD_F(5, "ext-tag"),
	GD_V(6, 3, GD_DEC, "l0s-latency"),
	GD_V(9, 3, GD_DEC, "l1-latency"),
	GD_F(15, "role-based-errors"),
	GD_F(16, "err-cor-subclass"),
	GD_V(18, 8, GD_DEC, "slot-power-limit"),
	GD_V(26, 2, GD_DEC, "slot-power-scale"),
	GD_F(28, "flr"),
};
static const struct gd_field devctl_f[] = {
	GD_F(0, "cor-err-report"),
	GD_F(1, "nonfatal-err-report"),
	GD_F(2, "fatal-err-report"),
	GD_F(3, "ur-report"),
	GD_F(4, "relaxed-ordering"),
	GD_V(5, 3, GD_SHL7, "max-payload"),
	GD_F(8, "ext-tag"),
	GD_F(9, "phantom"),
	GD_F(10, "aux-power"),
	GD_F(11, "no-snoop"),
	GD_V(12, 3, GD_SHL7, "max-read-request"),
	GD_F(15, "flr/bridge-retry"),
};
static const struct gd_field devsta_f[] = {
	GD_F(0, "cor-err"),
	GD_F(1, "nonfatal-err"),
	GD_F(2, "fatal-err"),
	GD_F(3, "ur"),
	GD_F(4, "aux-power"),
	GD_F(5, "transactions-pending"),
	GD_F(6, "emergency-power-reduction"),
};
static const char *const aspm[] = { "none", "l0s", "l1", "l0s+l1" };
static const struct gd_field lnkcap_f[] = {
	GD_V(0, 4, GD_SPEED, "max-speed"),   GD_V(4, 6, GD_DEC, "max-width"),
	GD_N(10, 2, "aspm", aspm),	     GD_V(12, 3, GD_DEC, "l0s-exit"),
	GD_V(15, 3, GD_DEC, "l1-exit"),	     GD_F(18, "clock-pm"),
	GD_F(19, "surprise-down-reporting"), GD_F(20, "dll-active-reporting"),
	GD_F(21, "bw-notification"),	     GD_F(22, "aspm-optionality"),
	GD_V(24, 8, GD_DEC, "port"),
};
static const struct gd_field lnkctl_f[] = {
	GD_N(0, 2, "aspm", aspm), GD_F(3, "rcb-128"),
	GD_F(4, "disable"),	  GD_F(5, "retrain"),
	GD_F(6, "common-clock"),  GD_F(7, "extended-synch"),
	GD_F(8, "clock-pm"),	  GD_F(9, "hw-autonomous-width-disable"),
	GD_F(10, "bw-mgmt-int"),  GD_F(11, "autonomous-bw-int"),
};
static const struct gd_field lnksta_f[] = {
	GD_V(0, 4, GD_SPEED, "speed"), GD_V(4, 6, GD_DEC, "width"),
	GD_F(11, "training"),	       GD_F(12, "slot-clock"),
	GD_F(13, "dll-active"),	       GD_F(14, "bw-mgmt"),
	GD_F(15, "autonomous-bw"),
};
static const struct gd_field sltcap_f[] = {
	GD_F(0, "attention-button"),
	GD_F(1, "power-controller"),
	GD_F(2, "mrl-sensor"),
	GD_F(3, "attention-indicator"),
	GD_F(4, "power-indicator"),
	GD_F(5, "hotplug-surprise"),
	GD_F(6, "hotplug-capable"),
	GD_V(7, 8, GD_DEC, "power-limit"),
	GD_V(15, 2, GD_DEC, "power-scale"),
	GD_F(17, "interlock"),
	GD_F(18, "no-command-completed"),
	GD_V(19, 13, GD_DEC, "slot"),
};
static const char *const indicator[] = { "reserved", "on", "blink", "off" };
static const struct gd_field sltctl_f[] = {
	GD_F(0, "attention-button-int"),
	GD_F(1, "power-fault-int"),
	GD_F(2, "mrl-int"),
	GD_F(3, "presence-int"),
	GD_F(4, "command-completed-int"),
	GD_F(5, "hotplug-int"),
	GD_N(6, 2, "attention-indicator", indicator),
	GD_N(8, 2, "power-indicator", indicator),
	GD_F(10, "power-off"),
	GD_F(11, "interlock-control"),
	GD_F(12, "dll-changed-int"),
};
static const struct gd_field sltsta_f[] = {
	GD_F(0, "attention-button"),  GD_F(1, "power-fault"),
	GD_F(2, "mrl-changed"),	      GD_F(3, "presence-changed"),
	GD_F(4, "command-completed"), GD_F(5, "mrl-open"),
	GD_F(6, "presence"),	      GD_F(7, "interlock"),
	GD_F(8, "dll-changed"),
};
static const struct gd_field rootctl_f[] = {
	GD_F(0, "serr-cor"), GD_F(1, "serr-nonfatal"), GD_F(2, "serr-fatal"),
	GD_F(3, "pme-int"),  GD_F(4, "crs-visible"),
};
static const struct gd_field rootsta_f[] = {
	GD_V(0, 16, GD_HEX, "pme-requester"),
	GD_F(16, "pme-status"),
	GD_F(17, "pme-pending"),
};
static const struct gd_field devcap2_f[] = {
	GD_V(0, 4, GD_HEX, "completion-timeout-ranges"),
	GD_F(4, "completion-timeout-disable"),
	GD_F(5, "ari-forwarding"),
	GD_F(6, "atomic-routing"),
	GD_F(7, "atomic32"),
	GD_F(8, "atomic64"),
	GD_F(9, "cas128"),
	GD_F(11, "ltr"),
	GD_V(12, 2, GD_DEC, "tph"),
	GD_F(16, "10bit-tag-completer"),
	GD_F(17, "10bit-tag-requester"),
	GD_V(18, 2, GD_DEC, "obff"),
	GD_F(20, "ext-fmt"),
	GD_F(21, "e2e-tlp-prefix"),
	GD_F(31, "frs"),
};
static const struct gd_field devctl2_f[] = {
	GD_V(0, 4, GD_HEX, "completion-timeout"),
	GD_F(4, "completion-timeout-disable"),
	GD_F(5, "ari-forwarding"),
	GD_F(6, "atomic-requester"),
	GD_F(7, "atomic-egress-blocking"),
	GD_F(8, "ido-request"),
	GD_F(9, "ido-completion"),
	GD_F(10, "ltr"),
	GD_F(12, "10bit-tag"),
	GD_V(13, 2, GD_DEC, "obff"),
	GD_F(15, "e2e-prefix-blocking"),
};
static const struct gd_field lnkcap2_f[] = {
	GD_V(0, 8, GD_SPEEDS, "speeds"),
	GD_F(8, "crosslink"),
};
static const struct gd_field lnkctl2_f[] = {
	GD_V(0, 4, GD_SPEED, "target-speed"),
	GD_F(4, "enter-compliance"),
	GD_F(5, "hw-autonomous-speed-disable"),
	GD_F(6, "selectable-deemphasis"),
	GD_V(7, 3, GD_DEC, "transmit-margin"),
	GD_F(10, "enter-modified-compliance"),
	GD_F(11, "compliance-sos"),
	GD_V(12, 4, GD_DEC, "compliance-preset"),
};

static const struct pci_reg pcie_dev[] = {
	REG(0x04, 4, "device capabilities", devcap_f),
	REG(0x08, 2, "device control", devctl_f),
	REG(0x0a, 2, "device status", devsta_f),
};
static const struct pci_reg pcie_link[] = {
	REG(0x0c, 4, "link capabilities", lnkcap_f),
	REG(0x10, 2, "link control", lnkctl_f),
	REG(0x12, 2, "link status", lnksta_f),
};
static const struct pci_reg pcie_slot[] = {
	REG(0x14, 4, "slot capabilities", sltcap_f),
	REG(0x18, 2, "slot control", sltctl_f),
	REG(0x1a, 2, "slot status", sltsta_f),
};
static const struct pci_reg pcie_root[] = {
	REG(0x1c, 2, "root control", rootctl_f),
	REG0(0x1e, 2, "root capabilities"),
	REG(0x20, 4, "root status", rootsta_f),
};
static const struct pci_reg pcie_v2[] = {
	REG(0x24, 4, "device capabilities 2", devcap2_f),
	REG(0x28, 2, "device control 2", devctl2_f),
	REG0(0x2a, 2, "device status 2"),
	REG(0x2c, 4, "link capabilities 2", lnkcap2_f),
	REG(0x30, 2, "link control 2", lnkctl2_f),
	REG0(0x32, 2, "link status 2"),
};

/*
 * The PCI Express capability. Link registers exist for every type that
 * has a link (not the root complex's integrated endpoints and event
 * collectors); slot registers when the slot bit says so; root registers
 * for root ports and event collectors; from version 2 the second set.
 * Registers a type does not have stay raw in the bytes rows if not zero.
 */
void pcie_capability(struct cap_ctx *k)
{
	static const struct pci_reg caps =
	    REG(0x02, 2, "capabilities", pcie_caps_f);
	struct pci_ctx *c = k->c;
	uint16_t v;
	unsigned type;

	if (!pci_reg_line(c, k->prefix, k->off, &caps))
		return;
	v = gd_le16(c->cfg + k->off + 2);
	type = v >> 4 & 0xf;
	if (!pci_regs(c, k->prefix, k->off, pcie_dev, ARRAY_SIZE(pcie_dev)))
		return;
	if (type != 9 && type != 10 &&
	    !pci_regs(c, k->prefix, k->off, pcie_link, ARRAY_SIZE(pcie_link)))
		return;
	if ((v & 0x100) &&
	    !pci_regs(c, k->prefix, k->off, pcie_slot, ARRAY_SIZE(pcie_slot)))
		return;
	if ((type == 4 || type == 10) &&
	    !pci_regs(c, k->prefix, k->off, pcie_root, ARRAY_SIZE(pcie_root)))
		return;
	if ((v & 0xf) >= 2)
		pci_regs(c, k->prefix, k->off, pcie_v2, ARRAY_SIZE(pcie_v2));
}

/* ---- Extended capabilities ---- */

static const struct pci_reg aer_regs[] = {
	REG0(0x04, 4, "uncorrectable status"),
	REG0(0x08, 4, "uncorrectable mask"),
	REG0(0x0c, 4, "uncorrectable severity"),
	REG0(0x10, 4, "correctable status"),
	REG0(0x14, 4, "correctable mask"),
	REG0(0x18, 4, "capabilities and control"),
	REG0(0x1c, 4, "header log 0"),
	REG0(0x20, 4, "header log 1"),
	REG0(0x24, 4, "header log 2"),
	REG0(0x28, 4, "header log 3"),
};
static const struct gd_field ari_cap_f[] = {
	GD_F(0, "mfvc"),
	GD_F(1, "acs"),
	GD_V(8, 8, GD_DEC, "next-function"),
};
static const struct gd_field ari_ctl_f[] = {
	GD_F(0, "mfvc"),
	GD_F(1, "acs"),
	GD_V(4, 3, GD_DEC, "function-group"),
};
static const struct pci_reg ari_regs[] = {
	REG(0x04, 2, "capabilities", ari_cap_f),
	REG(0x06, 2, "control", ari_ctl_f),
};
static const struct gd_field acs_f[] = {
	GD_F(0, "source-validation"),	  GD_F(1, "translation-blocking"),
	GD_F(2, "request-redirect"),	  GD_F(3, "completion-redirect"),
	GD_F(4, "upstream-forwarding"),	  GD_F(5, "egress-control"),
	GD_F(6, "direct-translated-p2p"),
};
static const struct gd_field acs_cap_f[] = {
	GD_F(0, "source-validation"),
	GD_F(1, "translation-blocking"),
	GD_F(2, "request-redirect"),
	GD_F(3, "completion-redirect"),
	GD_F(4, "upstream-forwarding"),
	GD_F(5, "egress-control"),
	GD_F(6, "direct-translated-p2p"),
	GD_V(8, 8, GD_DEC, "egress-vector-size"),
};
static const struct pci_reg acs_regs[] = {
	REG(0x04, 2, "capabilities", acs_cap_f),
	REG(0x06, 2, "control", acs_f),
};
static const struct gd_field sriov_cap_f[] = {
	GD_F(0, "vf-migration"),
	GD_F(1, "ari-preserved"),
	GD_F(2, "vf-10bit-tag"),
	GD_V(21, 11, GD_DEC, "migration-interrupt"),
};
static const struct gd_field sriov_ctl_f[] = {
	GD_F(0, "vf-enable"),	     GD_F(1, "vf-migration"),
	GD_F(2, "vf-migration-int"), GD_F(3, "vf-mse"),
	GD_F(4, "ari-hierarchy"),    GD_F(5, "vf-10bit-tag"),
};
static const struct pci_reg sriov_regs[] = {
	REG(0x04, 4, "capabilities", sriov_cap_f),
	REG(0x08, 2, "control", sriov_ctl_f),
	REG0(0x0a, 2, "status"),
	REG0(0x0c, 2, "initial vfs"),
	REG0(0x0e, 2, "total vfs"),
	REG0(0x10, 2, "num vfs"),
	REG0(0x12, 1, "function dependency link"),
	REG0(0x14, 2, "first vf offset"),
	REG0(0x16, 2, "vf stride"),
	REG0(0x1a, 2, "vf device"),
	REG0(0x1c, 4, "supported page sizes"),
	REG0(0x20, 4, "system page size"),
	REG0(0x24, 4, "vf bar0"),
	REG0(0x28, 4, "vf bar1"),
	REG0(0x2c, 4, "vf bar2"),
	REG0(0x30, 4, "vf bar3"),
	REG0(0x34, 4, "vf bar4"),
	REG0(0x38, 4, "vf bar5"),
	REG0(0x3c, 4, "vf migration state array"),
};
static const struct pci_reg dsn_regs[] = {
	REG0(0x04, 4, "serial low"),
	REG0(0x08, 4, "serial high"),
};
static const struct gd_field vsec_f[] = {
	GD_V(0, 16, GD_HEX, "id"),
	GD_V(16, 4, GD_DEC, "rev"),
	GD_V(20, 12, GD_DEC, "length"),
};
static const struct pci_reg vsec_regs[] = { REG(0x04, 4, "header", vsec_f) };
static const struct gd_field dvsec_f[] = {
	GD_V(0, 16, GD_HEX, "vendor"),
	GD_V(16, 4, GD_DEC, "rev"),
	GD_V(20, 12, GD_DEC, "length"),
};
static const struct pci_reg dvsec_regs[] = {
	REG(0x04, 4, "header 1", dvsec_f),
	REG0(0x08, 2, "id"),
};

#define ECAP(id, name, r)                        \
	{                                        \
		(id), (name), (r), ARRAY_SIZE(r) \
	}
#define ECAP0(id, name)               \
	{                             \
		(id), (name), NULL, 0 \
	}
static const struct ecap_kind {
	uint16_t id;
	const char *name;
	const struct pci_reg *regs;
	size_t nregs;
} ecap_kinds[] = {
	ECAP(0x0001, "aer", aer_regs),
	ECAP0(0x0002, "vc"),
	ECAP(0x0003, "serial-number", dsn_regs),
	ECAP0(0x0004, "power-budgeting"),
	ECAP0(0x0005, "rc-link-declaration"),
	ECAP0(0x0006, "rc-internal-link"),
	ECAP0(0x0007, "rc-event-collector-association"),
	ECAP0(0x0008, "mfvc"),
	ECAP0(0x0009, "vc9"),
	ECAP0(0x000a, "rcrb"),
	ECAP(0x000b, "vendor", vsec_regs),
	ECAP0(0x000c, "cac"),
	ECAP(0x000d, "acs", acs_regs),
	ECAP(0x000e, "ari", ari_regs),
	ECAP0(0x000f, "ats"),
	ECAP(0x0010, "sr-iov", sriov_regs),
	ECAP0(0x0011, "mr-iov"),
	ECAP0(0x0012, "multicast"),
	ECAP0(0x0013, "pri"),
	ECAP0(0x0015, "resizable-bar"),
	ECAP0(0x0016, "dpa"),
	ECAP0(0x0017, "tph"),
	ECAP0(0x0018, "ltr"),
	ECAP0(0x0019, "secondary-pcie"),
	ECAP0(0x001a, "pmux"),
	ECAP0(0x001b, "pasid"),
	ECAP0(0x001c, "lnr"),
	ECAP0(0x001d, "dpc"),
	ECAP0(0x001e, "l1-pm-substates"),
	ECAP0(0x001f, "ptm"),
	ECAP0(0x0020, "m-pcie"),
	ECAP0(0x0021, "frs"),
	ECAP0(0x0022, "rtr"),
	ECAP(0x0023, "dvsec", dvsec_regs),
	ECAP0(0x0024, "vf-resizable-bar"),
	ECAP0(0x0025, "data-link-feature"),
	ECAP0(0x0026, "physical-layer-16gt"),
	ECAP0(0x0027, "lane-margining"),
	ECAP0(0x0028, "hierarchy-id"),
	ECAP0(0x0029, "npem"),
	ECAP0(0x002a, "physical-layer-32gt"),
	ECAP0(0x002b, "alternate-protocol"),
	ECAP0(0x002c, "sfi"),
	ECAP0(0x002e, "doe"),
	ECAP0(0x0030, "ide"),
	ECAP0(0x0031, "physical-layer-64gt"),
};

static const struct ecap_kind *ecap_kind(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(ecap_kinds); i++)
		if (ecap_kinds[i].id == id)
			return &ecap_kinds[i];
	return NULL;
}

/* Why the walk of extended capabilities cannot go on to off, or NULL. */
static const char *ecap_stop(const unsigned char *seen, size_t off,
			     unsigned hops)
{
	if (off < 0x100)
		return "points below 0x100";
	if (seen[off / 32] >> (off / 4 % 8) & 1)
		return "the extended capability list loops back here";
	if (hops >= PCI_ECAP_HOPS)
		return "more than 128 extended capabilities";
	return NULL;
}

void pcie_ext_capabilities(struct pci_ctx *c)
{
	unsigned char seen[PCI_MAX_LEN / 4 / 8] = { 0 };
	size_t off = 0x100;
	unsigned hops = 0;

	if (!pci_have(c, off, 4, "the extended capability header"))
		return;
	if (!gd_le32(c->cfg + off) || gd_le32(c->cfg + off) == 0xffffffffu) {
		sb_printf(c->out, "extended capabilities = none (0x%08x)\n",
			  gd_le32(c->cfg + off));
		pci_cover(c, off, 4);
		return;
	}
	for (; off && !c->stopped; hops++) {
		const char *stop = ecap_stop(seen, off, hops);
		const struct ecap_kind *kind;
		char prefix[64];
		uint32_t h;

		if (stop) {
			sb_printf(c->out, "ecap 0x%03zx: %s: stopped\n", off,
				  stop);
			return;
		}
		seen[off / 32] |= (unsigned char)(1u << (off / 4 % 8));
		if (!pci_have(c, off, 4, "an extended capability header"))
			return;
		h = gd_le32(c->cfg + off);
		pci_cover(c, off, 4);
		kind = ecap_kind(h & 0xffff);
		snprintf(prefix, sizeof(prefix), "ecap 0x%03zx %s ", off,
			 kind ? kind->name : "unknown");
		sb_printf(c->out, "ecap 0x%03zx id = 0x%04x %s version %u\n",
			  off, h & 0xffff, kind ? kind->name : "unknown",
			  h >> 16 & 0xf);
		if (kind && kind->nregs)
			pci_regs(c, prefix, off, kind->regs, kind->nregs);
		off = h >> 20 & 0xffc;
	}
}
