// sarif_validate.js FILE... - validates SARIF logs against the OASIS SARIF
// 2.1.0 JSON schema (draft-04) as shipped in the npm package
// @microsoft/jest-sarif, with ajv-draft-04 and ajv-formats; then, when
// the npm package @microsoft/sarif-multitool is installed beside them,
// with Microsoft's SARIF Multitool `validate`, whose error-level results
// fail. Node finds the packages through NODE_PATH (.ci/node/node_modules:
// .ci/run installs them; nothing from other projects is kept in this
// repository). Exit 0 valid, 1 invalid, 77 when the validator is missing.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

function load(name) {
	try {
		return require(name);
	} catch (e) {
		console.log(`missing npm package ${name}: ${e.message.split('\n')[0]}`);
		process.exit(77);
	}
}

const Ajv = load('ajv-draft-04');
const addFormats = load('ajv-formats');
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// The schema's language-tag pattern is not valid in Unicode mode.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

function multitool() {
	try {
		const dir = path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
		const exe = path.join(dir, 'Sarif.Multitool');
		fs.chmodSync(exe, 0o755); // npm leaves its postinstall chmod unrun
		return exe;
	} catch (e) {
		return null;
	}
}

let bad = 0;
const tool = multitool();
for (const file of process.argv.slice(2)) {
	if (!validate(JSON.parse(fs.readFileSync(file, 'utf8')))) {
		bad++;
		console.log(`${file}: invalid against ${path.basename(schemaPath)}`);
		for (const e of validate.errors.slice(0, 20))
			console.log(`  ${e.instancePath || '/'} ${e.message}`);
		continue;
	}
	if (!tool)
		continue;
	const out = path.join(fs.mkdtempSync('/tmp/sarif-mt-'), 'out.sarif');
	let text = '';
	try {
		text = execFileSync(tool, ['validate', file, '--output', out, '--log', 'ForceOverwrite'],
			{ encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
	} catch (e) {
		text = (e.stdout || '') + (e.stderr || '') + `\nexit status ${e.status}`;
		bad++;
	}
	const errors = text.split('\n').filter((l) => /: error /.test(l));
	if (errors.length) {
		bad++;
		console.log(`${file}: SARIF Multitool reports errors`);
		for (const l of errors.slice(0, 20))
			console.log(`  ${l}`);
	}
	fs.rmSync(path.dirname(out), { recursive: true, force: true });
}
process.exit(bad ? 1 : 0);
