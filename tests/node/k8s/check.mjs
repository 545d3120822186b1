#!/usr/bin/env node
/*
 * Checks Kubernetes Jobs against Kubernetes' published OpenAPI schema,
 * as the npm package kubernetes-models compiles it (package.json beside
 * this file): `new Job(doc).validate()` checks every field's type, the
 * required fields and the values of enumerations (completionMode,
 * restartPolicy, ...) down to the containers. It does not reject fields
 * the schema does not know (the API server does, with strict field
 * validation).
 *
 *	node check.mjs FILE...
 *
 * Each FILE is a YAML stream; every document in it must be a batch/v1
 * Job. Prints each problem as FILE: document N (NAME): MESSAGE and, for
 * a file without any, "FILE: N Jobs valid". Exits 0 when no file has a
 * problem, 1 when one has, 2 when a file cannot be read or no file is
 * named.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1";

function check(file, text) {
	const problems = [];
	let n = 0;

	for (const doc of parseAllDocuments(text)) {
		const where = `document ${++n}`;

		if (doc.errors.length) {
			for (const e of doc.errors)
				problems.push(`${where}: ${e.message}`);
			continue;
		}
		const obj = doc.toJS();

		if (!obj || obj.apiVersion !== "batch/v1" || obj.kind !== "Job") {
			problems.push(`${where}: not a batch/v1 Job`);
			continue;
		}
		try {
			new Job(obj).validate();
		} catch (e) {
			problems.push(`${where} (${obj.metadata?.name}): ${e.message}`);
		}
	}
	if (!n)
		problems.push("no document");
	for (const p of problems)
		process.stdout.write(`${file}: ${p}\n`);
	if (!problems.length)
		process.stdout.write(`${file}: ${n} Jobs valid\n`);
	return problems.length;
}

const files = process.argv.slice(2);
let bad = 0;

if (!files.length) {
	process.stderr.write("check.mjs: no file\nusage: node check.mjs FILE...\n");
	process.exit(2);
}
for (const file of files) {
	let text;

	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		process.stderr.write(`check.mjs: cannot read '${file}': ${e.message}\n`);
		process.exit(2);
	}
	bad += check(file, text);
}
process.exit(bad ? 1 : 0);
