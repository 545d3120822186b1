// Checks GitLab CI pipeline files against a JSON schema (GitLab's
// ci.json, tests/data/schemas/gitlab-ci/): each YAML file is read with
// the yaml package, the result validated with ajv (draft-07, with
// ajv-formats for uri-reference, regex, date-time...).
//
//   node validate.mjs SCHEMA.json PIPELINE.yml...
//
// Prints "FILE: valid" or "FILE: invalid" followed by ajv's errors, one a
// line ("  /path: message"). Exit status: 0 when every file is valid, 1
// when one is not, 2 when the schema or a file cannot be read or parsed.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

function fatal(msg) {
	process.stderr.write(`error: ${msg}\n`);
	process.exit(2);
}

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || !files.length)
	fatal("usage: node validate.mjs SCHEMA.json PIPELINE.yml...");

let validate;
try {
	// strict: false, as GitLab's schema has keywords of its editor's own
	// (markdownDescription) that ajv would otherwise refuse.
	const ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (e) {
	fatal(`cannot load schema '${schemaPath}': ${e.message}`);
}

let status = 0;
for (const f of files) {
	let doc;
	try {
		doc = parse(readFileSync(f, "utf8"));
	} catch (e) {
		fatal(`cannot read '${f}' as YAML: ${e.message}`);
	}
	if (validate(doc)) {
		process.stdout.write(`${f}: valid\n`);
		continue;
	}
	status = 1;
	process.stdout.write(`${f}: invalid\n`);
	for (const e of validate.errors)
		process.stdout.write(`  ${e.instancePath || "/"}: ${e.message}\n`);
}
process.exit(status);
