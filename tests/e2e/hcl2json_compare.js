// hcl2json_compare.js - the other half of test_hcl_diff.sh: parses each
// listed .tf file with HashiCorp's HCL parser (@cdktf/hcl2json, hclsyntax
// compiled to WebAssembly) and compares its JSON with ours.
//
// usage: node hcl2json_compare.js MODULE-DIR MANIFEST
// MANIFEST lines: TF-FILE <tab> OUR-JSON-FILE <tab> OUR-EXIT-STATUS <tab> valid|invalid|either
//                 <tab> OUR-SHAPES-FILE (hcl_dump --shapes)
// Prints one line per file: "PASS name" or "FAIL name <tab> what differs".
'use strict';
const fs = require('fs');
const path = require('path');
const { parse, getExpressionAst } = require(path.resolve(process.argv[2]));

// The operator tree of hclsyntax's AST as hcl_dump --shapes writes ours:
// operators and conditionals nest, parentheses vanish, the rest is "_".
function shape(n) {
	if (!n) return '?';
	const c = n.children || [];
	switch (n.type) {
	case 'binaryOp': return `(${shape(c[0])} ${n.meta.operator} ${shape(c[1])})`;
	case 'unaryOp': return `(${n.meta.operator} ${shape(c[0])})`;
	case 'conditional': return `(${shape(c[0])} ? ${shape(c[1])} : ${shape(c[2])})`;
	case '': return c.length === 1 ? shape(c[0]) : '_';
	default: return '_';
	}
}

// The first expression whose operator tree differs, or null.
async function differShapes(ourShapes) {
	for (const [src, ours] of Object.entries(ourShapes)) {
		let theirs;
		try {
			theirs = shape(await getExpressionAst('shape.tf', src));
		} catch (e) {
			try {
				// an expression ending in a heredoc needs the newline after its marker
				theirs = shape(await getExpressionAst('shape.tf', src + '\n'));
			} catch (e2) {
				return `hclsyntax cannot parse ${JSON.stringify(src).slice(0, 200)} alone: ` +
					String(e2.message || e2).slice(0, 200);
			}
		}
		if (theirs !== ours)
			return `operators of ${JSON.stringify(src).slice(0, 200)}: ours ${ours}, hclsyntax ${theirs}`;
	}
	return null;
}

// The first difference between two JSON values, as "path: ours X, hcl2json Y",
// or null. Objects compare as key sets (order is not structure), arrays
// item by item, numbers as numbers, strings exactly.
function differ(ours, theirs, where) {
	const show = (v) => JSON.stringify(v).slice(0, 200);
	if (typeof ours !== typeof theirs || Array.isArray(ours) !== Array.isArray(theirs) ||
	    (ours === null) !== (theirs === null))
		return `${where}: ours ${show(ours)}, hcl2json ${show(theirs)}`;
	if (Array.isArray(ours)) {
		if (ours.length !== theirs.length)
			return `${where}: ours has ${ours.length} items, hcl2json ${theirs.length}`;
		for (let i = 0; i < ours.length; i++) {
			const d = differ(ours[i], theirs[i], `${where}[${i}]`);
			if (d) return d;
		}
		return null;
	}
	if (ours !== null && typeof ours === 'object') {
		const a = Object.keys(ours).sort(), b = Object.keys(theirs).sort();
		if (a.join('\0') !== b.join('\0'))
			return `${where}: keys ours ${show(a)}, hcl2json ${show(b)}`;
		for (const k of a) {
			const d = differ(ours[k], theirs[k], `${where}.${k}`);
			if (d) return d;
		}
		return null;
	}
	return ours === theirs ? null : `${where}: ours ${show(ours)}, hcl2json ${show(theirs)}`;
}

(async () => {
	const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter((l) => l);
	for (const line of lines) {
		const [tf, ourFile, ourStatus, expect, shapesFile] = line.split('\t');
		const name = path.basename(path.dirname(tf)) + '/' + path.basename(tf);
		let theirs = null, theirError = null;
		try {
			theirs = await parse(path.basename(tf), fs.readFileSync(tf, 'utf8'));
		} catch (e) {
			theirError = String(e && e.message || e).split('\n')[0].slice(0, 300);
		}
		const oursFailed = ourStatus !== '0';
		let verdict;
		if (expect === 'either' && theirError && oursFailed) {
			verdict = null;
		} else if (expect === 'either' && theirError && /^convert to HCL/.test(theirError)) {
			// parsed, but hcl2json could not write it (an operator on a
			// literal it evaluates, blocks it cannot nest): nothing to compare
			verdict = null;
		} else if (expect === 'invalid') {
			if (theirError && oursFailed) verdict = null;
			else if (!theirError) verdict = 'hcl2json accepts a file meant to be invalid';
			else verdict = 'ours accepts it; hcl2json: ' + theirError;
		} else if (theirError) {
			verdict = 'hcl2json rejects it: ' + theirError;
		} else if (oursFailed) {
			verdict = 'ours rejects it: ' + fs.readFileSync(ourFile, 'utf8').trim().slice(0, 300);
		} else {
			verdict = differ(JSON.parse(fs.readFileSync(ourFile, 'utf8')), theirs, '$') ||
				await differShapes(JSON.parse(fs.readFileSync(shapesFile, 'utf8')));
		}
		console.log(verdict ? `FAIL ${name}\t${verdict.replace(/\s+/g, ' ')}` : `PASS ${name}`);
	}
})().catch((e) => { console.log(`FAIL compare script\t${e}`); process.exit(1); });
