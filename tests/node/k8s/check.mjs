#!/usr/bin/env node
/*
 * Checks Kubernetes Jobs against Kubernetes' published OpenAPI schema,
 * as the npm package kubernetes-models carries it (package.json beside
 * this file), twice:
 *   - `new Job(doc).validate()`, the schema compiled by ajv: every
 *     field's type, the required fields and the values of enumerations
 *     (completionMode, restartPolicy, ...) down to the containers;
 *   - every field name, down to the containers' volume mounts, against
 *     the package's TypeScript declarations of the same schema (read by
 *     the TypeScript compiler's type checker): a field the API does not
 *     have is "unknown field", as an API server with strict field
 *     validation (kubectl's default) refuses it. The compiled schema
 *     alone lets such a field through.
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
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1";

const ts = createRequire(import.meta.url)("typescript");
let jobType, checker;

/* The declared type of a Job (IJob), from the package's declarations. */
function declaredJob() {
	const decl = fileURLToPath(new URL("node_modules/kubernetes-models/batch/v1/Job.d.ts",
					   import.meta.url));
	const program = ts.createProgram([decl], {
		noEmit: true, skipLibCheck: true, types: [],
		module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
	});

	checker = program.getTypeChecker();
	ts.forEachChild(program.getSourceFile(decl), (n) => {
		if (ts.isInterfaceDeclaration(n) && n.name.text === "IJob")
			jobType = checker.getTypeAtLocation(n);
	});
	if (!jobType)
		throw new Error(`no interface IJob in ${decl}`);
}

/*
 * Pushes "unknown field" for each field of value (at path) that type
 * does not declare, through objects and arrays; a map (labels, ...)
 * takes any name, and a value of no object type is not looked into.
 */
function unknownFields(value, type, path, problems) {
	if (value === null || typeof value !== "object" ||
	    type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))
		return;
	const objects = (type.isUnion() ? type.types : [type])
		.filter((t) => t.flags & ts.TypeFlags.Object);

	if (Array.isArray(value)) {
		const array = objects.find((t) => checker.isArrayType(t));

		if (array) {
			const element = checker.getTypeArguments(array)[0];

			value.forEach((v, i) => unknownFields(v, element, `${path}[${i}]`, problems));
		}
		return;
	}
	const object = objects.find((t) => !checker.isArrayType(t));

	if (!object)
		return;
	const map = checker.getIndexInfoOfType(object, ts.IndexKind.String);

	for (const [name, v] of Object.entries(value)) {
		const field = object.getProperty(name);
		const at = path ? `${path}.${name}` : name;

		if (field)
			unknownFields(v, checker.getNonNullableType(checker.getTypeOfSymbol(field)),
				      at, problems);
		else if (map)
			unknownFields(v, map.type, at, problems);
		else
			problems.push(`unknown field "${at}"`);
	}
}

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
		const named = `${where} (${obj.metadata?.name})`, unknown = [];

		try {
			new Job(obj).validate();
		} catch (e) {
			problems.push(`${named}: ${e.message}`);
		}
		if (!jobType)
			declaredJob();
		unknownFields(obj, jobType, "", unknown);
		for (const u of unknown)
			problems.push(`${named}: ${u}`);
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
