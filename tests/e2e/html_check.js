// html_check.js CHROMIUM REPORT.html SCREENSHOT.png [EXPECT-JSON] - loads a
// `driftwatch audit --format html` page in headless Chromium through the
// DevTools protocol (npm puppeteer-core, found through NODE_PATH like the
// other test packages: .ci/run installs it into .ci/node) and prints one
// line per check, "ok|NAME|" or "fail|NAME|DETAIL", for test_html.sh.
//
// EXPECT-JSON (optional) says what the page must show:
//   {"findings": N, "windows": N, "open": N, "text": ["literal", ...]}
// and "text" strings must appear as text (hostile names shown, not run).
// Exit 0 when every check ran (failed or not), 77 without puppeteer-core.
'use strict';
const fs = require('fs');
const path = require('path');

let puppeteer;
try {
	puppeteer = require('puppeteer-core');
} catch (e) {
	console.log(`missing npm package puppeteer-core: ${e.message.split('\n')[0]}`);
	process.exit(77);
}

const [chromium, report, shot, expectText] = process.argv.slice(2);
const expect = expectText ? JSON.parse(expectText) : {};
const url = 'file://' + path.resolve(report);

function result(name, ok, detail) {
	console.log(`${ok ? 'ok' : 'fail'}|${name}|${ok ? '' : String(detail).replace(/\n/g, ' ')}`);
}

// The number of distinct colours of a PNG, decoded by the browser itself
// in a page of its own (the report's page allows no data: image but its icon).
async function colours(browser, png) {
	const page = await browser.newPage();
	try {
		return await page.evaluate(async (b64) => {
			const img = new Image();
			img.src = 'data:image/png;base64,' + b64;
			await img.decode();
			const c = document.createElement('canvas');
			c.width = img.width;
			c.height = img.height;
			const g = c.getContext('2d');
			g.drawImage(img, 0, 0);
			const px = g.getImageData(0, 0, c.width, c.height).data;
			const seen = new Set();
			for (let i = 0; i < px.length; i += 4)
				seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
			return seen.size;
		}, png.toString('base64'));
	} finally {
		await page.close();
	}
}

async function main() {
	const browser = await puppeteer.launch({
		executablePath: chromium,
		headless: true,
		// Root in a container has no user namespace for the sandbox.
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions',
			'--disable-background-networking', '--disable-component-update'],
	});
	try {
		await run(browser);
	} finally {
		await browser.close();
	}
}

async function run(browser) {
	const page = await browser.newPage();
	await page.setViewport({ width: 1280, height: 1000 });
	const errors = [], requests = [];
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') errors.push(`${m.type()}: ${m.text()}`); });
	page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
	// Every request the page makes, seen at the protocol level (data: URLs
	// included) and stopped: the report's own file is the only one allowed.
	const cdp = await page.createCDPSession();
	await cdp.send('Network.enable');
	cdp.on('Network.requestWillBeSent', (e) => { if (e.request.url !== url) requests.push(e.request.url); });
	await page.setRequestInterception(true);
	page.on('request', (r) => {
		if (r.url() === url)
			r.continue();
		else
			r.abort();
	});
	await page.goto(url, { waitUntil: 'load' });
	const ready = await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 }).then(() => true, () => false);
	result('the page ran its script to the end', ready, 'body[data-ready] never set');

	const facts = await page.evaluate(() => {
		const q = (s) => document.querySelectorAll(s);
		const info = (id) => { const e = document.querySelector(`#${id} .dw-page-info`); return e ? e.textContent : ''; };
		return {
			counts: [...q('#dw-counts .dw-card[data-severity]')].map((c) => [c.dataset.severity, +c.querySelector('b').textContent]),
			open: document.querySelector('#dw-open-now b') ? +document.querySelector('#dw-open-now b').textContent : -1,
			longest: q('#dw-longest tbody tr').length,
			authors: q('#dw-authors tbody tr').length,
			bars: q('#dw-timeline svg rect.dw-bar').length,
			labels: q('#dw-timeline svg text.dw-label').length,
			rows: q('#dw-findings tbody tr.dw-row').length,
			tablePages: info('dw-table-pager'),
			count: (document.getElementById('dw-count') || {}).textContent || '',
			imgs: q('img, iframe, object, embed').length,
			scripts: q('script').length,
			pwned: window.pwned === undefined ? null : String(window.pwned),
			text: document.body.innerText,
			height: document.documentElement.scrollHeight,
		};
	});
	const total = facts.counts.reduce((n, c) => n + c[1], 0);
	result('summary: findings per severity', facts.counts.length > 0 && (expect.findings === undefined || total === expect.findings),
		`cards ${JSON.stringify(facts.counts)}, expected ${expect.findings} in all`);
	result('summary: open now', facts.open >= 0 && (expect.open === undefined || facts.open === expect.open), `open now ${facts.open}, expected ${expect.open}`);
	result('summary: longest windows and top authors', facts.longest > 0 && facts.authors > 0, `longest ${facts.longest}, authors ${facts.authors}`);
	result('timeline: a bar per window on the first page, a label per resource', facts.bars > 0 && facts.labels > 0 && facts.labels <= 30 &&
		(expect.windows === undefined || expect.windows > facts.bars || facts.bars === expect.windows),
	`bars ${facts.bars}, labels ${facts.labels}, windows ${expect.windows}`);
	const findingsShown = expect.findings === undefined ? facts.rows : expect.findings;
	result('table: one page of at most 100 rows', facts.rows === Math.min(findingsShown, 100) &&
		facts.tablePages === `page 1 of ${Math.max(Math.ceil(findingsShown / 100), 1)}`, `${facts.rows} rows, "${facts.tablePages}"`);
	result('nothing from the repository became markup', facts.imgs === 0 && facts.pwned === null && facts.scripts === 2,
		`elements ${facts.imgs}, window.pwned ${facts.pwned}, scripts ${facts.scripts}`);
	for (const t of expect.text || [])
		result(`shown as text: ${t.slice(0, 40)}`, facts.text.includes(t), 'not in the page text');

	// Sorting by severity, descending: the first row is the worst.
	await page.click('#dw-findings th[data-key="severity"]');
	const sorted = await page.evaluate(() => {
		const r = [...document.querySelectorAll('#dw-findings tbody tr.dw-row .dw-sev')].map((e) => e.textContent);
		const rank = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
		return { first: r[0], ordered: r.every((s, i) => i === 0 || rank[r[i - 1]] >= rank[s]),
			sort: document.querySelector('#dw-findings th[data-key="severity"]').getAttribute('aria-sort') };
	});
	result('table: sorted by severity on a click', sorted.ordered && sorted.sort === 'descending' &&
		(!expect.worst || sorted.first === expect.worst), JSON.stringify(sorted));
	// A row opens its finding in full: the sets before and after.
	await page.click('#dw-findings tbody tr.dw-row');
	const detail = await page.evaluate(() => {
		const d = document.querySelector('#dw-findings tr.dw-detail-row');
		return d ? [...d.querySelectorAll('dt')].map((e) => e.textContent) : [];
	});
	result('table: a row shows the finding in full, with before', detail.includes('before') && detail.includes('message'), JSON.stringify(detail));
	if (facts.tablePages !== 'page 1 of 1') {
		await page.click('#dw-table-pager .dw-next');
		const p2 = await page.evaluate(() => [document.querySelector('#dw-table-pager .dw-page-info').textContent,
			document.querySelectorAll('#dw-findings tbody tr.dw-row').length]);
		result('table: the next page', p2[0].startsWith('page 2 of') && p2[1] > 0, JSON.stringify(p2));
	}
	// A bar says when on hover (its title) and opens its commits on a click.
	const bar = await page.$('#dw-timeline svg rect.dw-bar');
	const title = bar ? await bar.evaluate((b) => b.querySelector('title').textContent) : '';
	result('timeline: a bar names its opening commit, author and date', /opened \d{4}-\d\d-\d\d [0-9a-f]{12} by /.test(title), title);
	if (bar)
		await bar.click();
	const win = await page.evaluate(() => { const d = document.getElementById('dw-window-detail'); return d ? d.innerText : ''; });
	result('timeline: a click shows the window\'s commits', /opened/.test(win) && /closed/.test(win), win.slice(0, 200));

	// Everything shown in full by now (a finding's commit subject, a window's
	// commits): still nothing of the repository's ran or became an element.
	const after = await page.evaluate(() => [window.pwned === undefined ? null : String(window.pwned),
		document.querySelectorAll('img, iframe, object, embed, script').length]);
	result('after every click, nothing from the repository ran', after[0] === null && after[1] === 2, JSON.stringify(after));
	await page.evaluate(() => window.scrollTo(0, 0));
	const png = await page.screenshot({ type: 'png' });
	fs.writeFileSync(shot, png);
	const n = await colours(browser, png);
	result('screenshot: not blank', n >= 8, `${n} distinct colours`);
	console.log(`#|screenshot ${shot}: 1280x1000, ${n} distinct colours, page ${facts.height}px high`);
	result('no console error or warning', errors.length === 0, errors.slice(0, 5).join('; '));
	result('no network request', requests.length === 0, requests.slice(0, 5).join(' '));
}

main().catch((e) => {
	result('the browser ran', false, e.stack || e);
	process.exit(0);
});
