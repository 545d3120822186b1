/*
 * A user's own libvirt domain XML as a scenario (see userxml.h). The
 * document is parsed with libxml2 into a tree (no network, no DTD
 * loaded, no entity substituted, a document type declaration refused,
 * at most USERXML_MAX bytes), the few elements that change are edited
 * in the tree, and the tree is written out again. Every element,
 * attribute, comment, CDATA section and run of whitespace the user
 * wrote reaches libvirt, so that libvirt, not virt-matrix, judges the
 * domain; only the spelling of equivalent XML may differ (attributes in
 * double quotes, empty elements as <x/>, no XML declaration). The safe
 * parse is lib/xmlsafe.c's, shared with corpus/needs.c.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "userxml.h"
#include "xmlsafe.h"
#include "banned.h"

static const char qemu_ns[] = "http://libvirt.org/schemas/domain/qemu/1.0";

/* An element named name in the namespace of its parent (libvirt's: none). */
static int is_elem(const xmlNode *n, const xmlNode *parent, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST name))
		return 0;
	if (!n->ns || !parent->ns)
		return !n->ns && !parent->ns;
	return xmlStrEqual(n->ns->href, parent->ns->href);
}

/*
 * The child element of parent named name into *out (NULL when there is
 * none). Two are an error: libvirt takes one, and which one would get
 * the run's name or emulator is a guess.
 */
static int only_child(xmlNode *parent, const char *name, xmlNode **out,
		      struct strbuf *why)
{
	*out = NULL;
	for (xmlNode *n = parent->children; n; n = n->next) {
		if (!is_elem(n, parent, name))
			continue;
		if (*out)
			return sb_printf(why, "line %ld: a second '<%s>' in '<%s>' (the "
					      "first is on line %ld); libvirt takes one",
					 xmlGetLineNo(n), name, (const char *)parent->name,
					 xmlGetLineNo(*out)), -1;
		*out = n;
	}
	return 0;
}

static xmlNode *new_elem(xmlDoc *doc, xmlNs *ns, const char *name, const char *text)
{
	xmlNode *n = xmlNewDocNode(doc, ns, BAD_CAST name, NULL);

	if (!n)
		die("out of memory");
	if (text) {
		xmlNode *t = xmlNewDocText(doc, BAD_CAST text);

		if (!t)
			die("out of memory");
		xmlAddChild(n, t);
	}
	return n;
}

/* The content of n becomes text (written escaped). */
static void set_text(xmlNode *n, const char *text)
{
	xmlNode *t;

	while (n->children) {
		xmlNode *c = n->children;

		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	t = xmlNewDocText(n->doc, BAD_CAST text);
	if (!t)
		die("out of memory");
	xmlAddChild(n, t);
}

static void add_first(xmlNode *parent, xmlNode *n)
{
	if (parent->children)
		xmlAddPrevSibling(parent->children, n);
	else
		xmlAddChild(parent, n);
}

/* The emulator of devices (created when missing) becomes as->emulator. */
static int set_emulator(xmlDoc *doc, xmlNode *root, const struct userxml_as *as,
			struct strbuf *why)
{
	xmlNode *devices, *emu;

	if (only_child(root, "devices", &devices, why))
		return -1;
	if (!devices) {
		devices = new_elem(doc, root->ns, "devices", NULL);
		xmlAddChild(root, devices);
	}
	if (only_child(devices, "emulator", &emu, why))
		return -1;
	if (emu)
		set_text(emu, as->emulator);
	else
		add_first(devices, new_elem(doc, root->ns, "emulator", as->emulator));
	return 0;
}

/* as->qemu_args as <qemu:arg>s of the domain's <qemu:commandline>. */
static int add_qemu_args(xmlDoc *doc, xmlNode *root, const struct userxml_as *as,
			 struct strvec *notes, struct strbuf *why)
{
	xmlNs *ns = NULL;
	xmlNode *cmdline = NULL;

	(void)why;
	for (xmlNode *n = root->children; n && !cmdline; n = n->next)
		if (n->type == XML_ELEMENT_NODE && n->ns &&
		    xmlStrEqual(n->ns->href, BAD_CAST qemu_ns) &&
		    xmlStrEqual(n->name, BAD_CAST "commandline"))
			cmdline = n;
	if (cmdline) {
		ns = cmdline->ns;
	} else {
		/*
		 * libvirt knows its QEMU namespace by its URI, whatever the
		 * prefix: where the document gives 'qemu' to another URI
		 * (libvirt's own tests do), ours is another prefix.
		 */
		ns = xmlSearchNsByHref(doc, root, BAD_CAST qemu_ns);
		if (!ns) {
			xmlNs *taken = xmlSearchNs(doc, root, BAD_CAST "qemu");

			ns = xmlNewNs(root, BAD_CAST qemu_ns,
				      BAD_CAST (taken ? "vmxqemu" : "qemu"));
			if (!ns)
				die("out of memory");
		}
		cmdline = new_elem(doc, ns, "commandline", NULL);
		xmlAddChild(root, cmdline);
	}
	for (size_t k = 0; k < as->qemu_args->nr; k++) {
		xmlNode *arg = new_elem(doc, ns, "arg", NULL);

		if (!xmlSetProp(arg, BAD_CAST "value", BAD_CAST as->qemu_args->v[k]))
			die("out of memory");
		xmlAddChild(cmdline, arg);
	}
	strvec_push(notes, "firmware directories added with <qemu:commandline> -L, "
			   "as in generated domains");
	return 0;
}

static int edit(xmlDoc *doc, const struct userxml_as *as, struct strvec *notes,
		struct strbuf *why)
{
	xmlNode *root = xmlsafe_domain_root(doc, why), *name, *uuid;
	xmlChar *type;

	if (!root)
		return -1;
	if (only_child(root, "name", &name, why) || only_child(root, "uuid", &uuid, why))
		return -1;
	type = xmlGetNoNsProp(root, BAD_CAST "type");
	if (as->virttype && type && strcmp((const char *)type, as->virttype)) {
		struct strbuf esc = STRBUF_INIT;

		strvec_pushf(notes, "domain type '%s' run as '%s' (the accelerator "
				    "usable here)",
			     str_printable(&esc, (const char *)type,
					   strlen((const char *)type), 100),
			     as->virttype);
		strbuf_release(&esc);
		if (!xmlSetProp(root, BAD_CAST "type", BAD_CAST as->virttype))
			die("out of memory");
	}
	xmlFree(type);
	if (name)
		set_text(name, as->name);
	else
		add_first(root, new_elem(doc, root->ns, "name", as->name));
	if (uuid) {
		/* With the indentation before it: no blank line left. */
		if (uuid->prev && xmlIsBlankNode(uuid->prev)) {
			xmlNode *blank = uuid->prev;

			xmlUnlinkNode(blank);
			xmlFreeNode(blank);
		}
		xmlUnlinkNode(uuid);
		xmlFreeNode(uuid);
	}
	if (set_emulator(doc, root, as, why))
		return -1;
	if (as->qemu_args && as->qemu_args->nr &&
	    add_qemu_args(doc, root, as, notes, why))
		return -1;
	return 0;
}

/* The document, as UTF-8 without an XML declaration, into out. */
static int serialise(xmlDoc *doc, struct strbuf *out, struct strbuf *why)
{
	xmlBuffer *buf = xmlBufferCreate();
	xmlSaveCtxt *save;
	int ret = 0;

	if (!buf)
		die("out of memory");
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
	if (!save)
		die("out of memory");
	if (xmlSaveDoc(save, doc) < 0)
		ret = -1;
	if (xmlSaveClose(save) < 0)
		ret = -1;
	if (ret)
		sb_puts(why, "libxml2 cannot write the document out again");
	else if (strbuf_add(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf))) {
		sb_printf(why, "the adopted document is larger than %zu bytes", out->max);
		ret = -1;
	}
	xmlBufferFree(buf);
	return ret;
}

int userxml_adopt(const char *xml, size_t len, const struct userxml_as *as,
		  struct strbuf *out, struct strvec *notes, struct strbuf *why)
{
	xmlDoc *doc = xmlsafe_parse(xml, len, USERXML_MAX, why);
	int ret;

	if (!doc)
		return -1;
	strbuf_reset(out);
	ret = edit(doc, as, notes, why) || serialise(doc, out, why) ? -1 : 0;
	xmlFreeDoc(doc);
	return ret;
}
