// End-to-end tests of the web page served by `switchpoint serve`, in Debian's chromium driven by
// playwright-core. Run by run.sh (ctest `browser`):
//   SWITCHPOINT_BIN        the switchpoint binary to serve (required)
//   SWITCHPOINT_SOURCE_DIR the source tree (examples/, src/core/units.cpp); default ../..
//   SWITCHPOINT_ARTIFACTS  where screenshots and downloads go; default ../../build/browser-artifacts
//   CHROMIUM               the browser; default /usr/bin/chromium
// Everything is bounded: the server is started on a free loopback port and killed at the end,
// every wait has a timeout, and no page may fetch anything but the server itself.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.resolve(process.env.SWITCHPOINT_SOURCE_DIR || path.join(here, '..', '..'));
const BIN = process.env.SWITCHPOINT_BIN;
const ARTIFACTS = path.resolve(process.env.SWITCHPOINT_ARTIFACTS || path.join(SOURCE, 'build', 'browser-artifacts'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const MAX_BODY = 262144; // --max-body for the 413 test: 256 KiB, far above any example record
const WAIT = 15000; // the longest any single wait may take

if (!BIN) throw new Error('SWITCHPOINT_BIN is not set: the path of the switchpoint binary to serve');

let server;
let serverLog = '';
let baseUrl;
let context;
let userDataDir;
let serverDir;
const pageProblems = []; // console errors, failed requests, CSP violations, requests off the server

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, deadline) {
  let last;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`switchpoint serve exited (${server.exitCode}): ${serverLog}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return await r.json();
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer from ${url} within the time limit (${last}); server log: ${serverLog}`);
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

// expectStatus: the HTTP error statuses this page provokes on purpose (chromium logs each one).
async function newPage(name, { viewport = { width: 1280, height: 800 }, expectStatus = [] } = {}) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.setDefaultTimeout(WAIT);
  page.setDefaultNavigationTimeout(WAIT);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(m.text());
    if (status && expectStatus.includes(Number(status[1]))) return;
    pageProblems.push(`${name}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageProblems.push(`${name}: uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Blob downloads are cancelled by the download manager once saved; they are not failures.
    if (!r.url().startsWith('blob:')) pageProblems.push(`${name}: request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(baseUrl) && !u.startsWith('blob:') && !u.startsWith('data:') && u !== 'about:srcdoc') {
      pageProblems.push(`${name}: request off the server: ${u}`);
    }
  });
  // Any CSP violation (an inline script, a foreign origin) is a defect of the page.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(baseUrl + '/');
  return page;
}

async function closePage(page, name) {
  const csp = await page.evaluate(() => window.__cspViolations || []);
  for (const v of csp) pageProblems.push(`${name}: CSP violation: ${v}`);
  await page.close();
}

const shot = (page, name, opts = {}) => page.screenshot({ path: path.join(ARTIFACTS, name), ...opts });

async function waitForVerdict(page) {
  await page.locator('#verdict').waitFor({ state: 'visible' });
  return page.locator('#verdict').getAttribute('data-verdict');
}
async function waitForReport(page) {
  await page.waitForFunction(() => /loaded|could not/.test(document.querySelector('#report-status')?.textContent || ''), null, { timeout: WAIT });
  assert.match(await page.locator('#report-status').textContent(), /loaded/, 'the full report is loaded');
}
async function definitionStatuses(page) {
  return page.$$eval('#refractoriness-table tbody tr', (rows) => rows.map((r) => ({
    definition: r.dataset.definition,
    status: r.dataset.status,
    text: r.querySelector('.status-cell').textContent.trim(),
    since: r.querySelector('.since').textContent.trim(),
  })));
}

// WCAG 2.x contrast of every visible piece of text (and of form controls) against the background
// it is drawn on; returns the failures below 4.5:1.
async function contrastFailures(page) {
  return page.evaluate(() => {
    const parse = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    const lum = (c) => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
    const over = (top, bottom) => ({ r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
      }
      let acc = { r: 255, g: 255, b: 255, a: 1 };
      for (let i = layers.length - 1; i >= 0; i--) acc = over(layers[i], acc);
      return acc;
    };
    const visible = (el) => {
      if (!el.getClientRects().length) return false;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return false;
      const s = getComputedStyle(el);
      return s.visibility !== 'hidden' && Number(s.opacity) > 0;
    };
    const failures = [];
    for (const el of document.body.querySelectorAll('*')) {
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
      const control = el.matches('input:not([type=file]), select, textarea, button');
      if ((!ownText && !control) || !visible(el) || el.closest('[hidden], .visually-hidden')) continue;
      if (el.matches(':disabled')) continue; // inactive controls are exempt (WCAG 1.4.3)
      const fg = parse(getComputedStyle(el).color);
      const bg = background(el);
      const L1 = lum(over(fg, bg));
      const L2 = lum(bg);
      const ratio = (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05);
      if (ratio < 4.5) failures.push(`${ratio.toFixed(2)}:1 <${el.tagName.toLowerCase()} class="${el.className}"> "${(el.textContent || el.value || '').trim().slice(0, 40)}"`);
    }
    return failures;
  });
}

// Every form control has a <label> of its own (not only a placeholder or a title).
async function unlabelledControls(page) {
  return page.$$eval('input, select, textarea', (els) => els
    .filter((e) => e.type !== 'hidden' && (!e.labels || e.labels.length === 0 || !e.labels[0].textContent.trim()))
    .map((e) => `${e.tagName.toLowerCase()}#${e.id}`));
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // The server runs in a scratch directory of its own: whatever it writes there (logs, audit
  // files) stays out of the source tree and is removed at the end.
  serverDir = await mkdtemp(path.join(tmpdir(), 'switchpoint-serve-'));
  server = spawn(BIN, ['serve', '--host', '127.0.0.1', '--port', String(port), '--max-body', String(MAX_BODY)],
    { cwd: serverDir, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  // The server never outlives the tests, even when run.sh's time limit stops them.
  process.once('exit', () => { if (server.exitCode === null) server.kill('SIGKILL'); });
  for (const sig of ['SIGTERM', 'SIGINT']) process.once(sig, () => { if (server.exitCode === null) server.kill('SIGKILL'); process.exit(1); });
  const health = await waitForHealth(`${baseUrl}/healthz`, Date.now() + WAIT);
  assert.equal(health.status, 'ok');

  userDataDir = await mkdtemp(path.join(tmpdir(), 'switchpoint-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    timeout: 30000,
  });
});

after(async () => {
  try { if (context) await context.close(); } finally {
    await stopServer();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    if (serverDir) await rm(serverDir, { recursive: true, force: true });
    await writeFile(path.join(ARTIFACTS, 'server.log'), serverLog);
  }
});

describe('switchpoint web page', () => {
  test('the page loads with the notice, labelled controls, readable contrast and no network beyond the server', async () => {
    const page = await newPage('load');
    assert.match(await page.title(), /switchpoint/);
    assert.match(await page.locator('#notice').textContent(), /Decision support for clinicians, not a substitute for clinical judgement\./);
    assert.ok(await page.locator('#notice').isVisible());
    await page.waitForFunction(() => document.querySelectorAll('#example-select option[value$=".json"]').length >= 3);
    assert.match(await page.locator('#versions').textContent(), /engine \d+\.\d+\.\d+ · knowledge /);
    assert.deepEqual(await unlabelledControls(page), [], 'controls without a label (load tab)');
    // Everything that acts is a real <button>; nothing clickable is a div or a bare link.
    assert.deepEqual(await page.$$eval('[onclick], [role=button], a:not([href]), div[tabindex="0"]:not([role=region])', (e) => e.map((x) => x.outerHTML.slice(0, 80))), []);
    assert.deepEqual(await contrastFailures(page), [], 'contrast below 4.5:1 (load tab)');
    await page.click('#tab-form');
    assert.deepEqual(await unlabelledControls(page), [], 'controls without a label (form)');
    assert.deepEqual(await contrastFailures(page), [], 'contrast below 4.5:1 (form)');
    // No script inline: the CSP forbids it, and app.js must be the only script.
    assert.deepEqual(await page.$$eval('script', (s) => s.map((x) => x.getAttribute('src'))), ['app.js']);
    await closePage(page, 'load');
  });

  test('uploading examples/02 shows SWITCH, the eight definitions, the plan and the report with its chart', async () => {
    const page = await newPage('example-02');
    await page.setInputFiles('#record-file', path.join(SOURCE, 'examples', '02-refractory-patient.json'));
    assert.equal(await waitForVerdict(page), 'switch');
    assert.equal((await page.locator('#verdict-word').textContent()).trim(), 'SWITCH');
    assert.match(await page.locator('#verdict').textContent(), /Stop TACE and convert to systemic therapy/);
    assert.equal(await page.locator('#result-patient').textContent(), 'demo-002');
    assert.equal(await page.locator('#result-as-of').textContent(), '2024-08-19');

    const defs = await definitionStatuses(page);
    assert.deepEqual(defs.map((d) => d.definition),
      ['raoul-2011', 'jsh-lcsgj-2014', 'apasl-2017', 'galle-2017', 'aasld-2018', 'klca-ncc-2022', 'easl-2018', 'bclc-2022']);
    for (const d of defs) {
      assert.equal(d.status, 'refractory', d.definition);
      assert.match(d.text, /Refractory/, `${d.definition}: the status is written out`);
      assert.equal(d.since, d.definition === 'apasl-2017' ? '2024-06-03' : '2024-08-19', d.definition);
    }
    assert.match(await page.locator('#refractoriness-summary').textContent(), /Refractory under 8 of 8 definitions; earliest APASL 2017 since 2024-06-03/);
    assert.equal(await page.locator('#recommended-regimen').getAttribute('data-regimen'), 'atezolizumab-bevacizumab');
    assert.equal(await page.locator('#recommended-regimen').textContent(), 'Atezolizumab + bevacizumab');
    assert.match(await page.locator('[data-question=sustained_response] .answer').textContent(), /^No$/);

    await waitForReport(page);
    const frame = page.frameLocator('#report-frame');
    const reportHtml = await frame.locator('html').evaluate((e) => e.outerHTML);
    assert.ok(reportHtml.includes('<svg'), 'the report shown in the page contains an <svg> chart');
    assert.match(reportHtml, /demo-002/);
    assert.match(reportHtml, /not a substitute for clinical judgement/);
    await shot(page, '01-example-02-result-1280x800.png');
    await frame.locator('svg').first().screenshot({ path: path.join(ARTIFACTS, '01-example-02-report-chart.png') });
    await page.locator('#result-section').screenshot({ path: path.join(ARTIFACTS, '01-example-02-decision.png') });
    await shot(page, '01-example-02-full-page.png', { fullPage: true });

    // Downloads: the report as a self-contained HTML file, the record as it was loaded.
    const [reportDl] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
    assert.equal(reportDl.suggestedFilename(), 'demo-002-2024-08-19.report.html');
    await reportDl.saveAs(path.join(ARTIFACTS, reportDl.suggestedFilename()));
    const saved = await readFile(path.join(ARTIFACTS, reportDl.suggestedFilename()), 'utf8');
    assert.ok(saved.includes('<svg'), 'the downloaded report contains the chart');
    assert.doesNotMatch(saved, /<script\b|<link\b[^>]*\bhref\s*=\s*["']?https?:|\bsrc\s*=\s*["']?https?:|url\(\s*["']?https?:|@import/i,
      'the downloaded report is self-contained (no script, nothing to fetch)');
    const [recDl] = await Promise.all([page.waitForEvent('download'), page.click('#download-record')]);
    assert.equal(recDl.suggestedFilename(), 'demo-002.record.json');
    const recPath = path.join(ARTIFACTS, 'downloaded-' + recDl.suggestedFilename());
    await recDl.saveAs(recPath);
    assert.equal(await readFile(recPath, 'utf8'), await readFile(path.join(SOURCE, 'examples', '02-refractory-patient.json'), 'utf8'));

    // Replay: as of 2024-05-01 the second assessment is pending, so the answer is RECONSIDER.
    await page.fill('#as-of', '2024-05-01');
    assert.ok(await page.locator('#stale-banner').isVisible(), 'changing the as-of date marks the decision out of date');
    await page.click('#evaluate');
    assert.equal(await waitForVerdict(page), 'reconsider');
    assert.equal(await page.locator('#result-as-of').textContent(), '2024-05-01');
    assert.match(await page.locator('#verdict .obtain').first().textContent(), /a response CT\/MRI after the TACE of 2024-04-22/);
    assert.ok((await definitionStatuses(page)).every((d) => d.status === 'not-refractory'));
    assert.ok(await page.locator('#stale-banner').isHidden());
    await closePage(page, 'example-02');
  });

  test('a built-in example chosen with the keyboard alone: example 01 is PROCEED', async () => {
    const page = await newPage('keyboard');
    await page.waitForFunction(() => document.querySelectorAll('#example-select option[value$=".json"]').length >= 3);
    // From the top of the page, Tab reaches the example list in a few steps, in reading order.
    const order = [];
    for (let i = 0; i < 12 && order[order.length - 1] !== 'example-select'; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className));
    }
    assert.deepEqual(order, ['skip-link', 'tab-load', 'record-file', 'example-select']);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'load-example');
    const ring = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return `${s.outlineStyle} ${s.outlineWidth}`; });
    assert.match(ring, /^solid [3-9]/, 'the focused button shows a visible focus ring');
    assert.equal(await page.inputValue('#example-select'), '01-responding-patient.json');
    await page.keyboard.press('Enter');
    assert.equal(await waitForVerdict(page), 'proceed');
    assert.equal((await page.locator('#verdict-word').textContent()).trim(), 'PROCEED');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'result-heading', 'focus moves to the decision');
    assert.ok((await definitionStatuses(page)).every((d) => d.status === 'not-refractory'));
    assert.match(await page.locator('.plan-note').textContent(), /Shown for when TACE stops/);
    await waitForReport(page);
    await shot(page, '02-example-01-keyboard.png');
    // The record tabs follow the ARIA tabs pattern: arrow keys move between them.
    await page.focus('#tab-load');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-form');
    assert.ok(await page.locator('#panel-form').isVisible());
    assert.ok(await page.locator('#panel-load').isHidden());
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-load');
    assert.ok(await page.locator('#panel-load').isVisible());
    await closePage(page, 'keyboard');
  });

  test('the unit selectors offer exactly the units of src/core/units.cpp, canonical first', async () => {
    const src = await readFile(path.join(SOURCE, 'src', 'core', 'units.cpp'), 'utf8');
    const arrays = {};
    for (const m of src.matchAll(/constexpr std::array (k\w+)\{([^;]*?)\};/gs)) {
      arrays[m[1]] = Array.from(m[2].matchAll(/UnitAlias\{"((?:[^"\\]|\\.)*)"/g), (x) => x[1]);
    }
    const specs = {};
    for (const m of src.matchAll(/QuantitySpec\{Quantity::\w+, "(\w+)", "[^"]*",\s*"([^"]*)",\s*(k\w+)/g)) {
      specs[m[1]] = { canonical: m[2], units: arrays[m[3]] };
    }
    assert.ok(Object.keys(specs).length >= 12, `parsed the quantity table of units.cpp (${Object.keys(specs)})`);
    const page = await newPage('units');
    await page.click('#tab-form');
    const labRow = page.locator('[data-rows=labs] > .row').first();
    const offered = {};
    for (const test of ['bilirubin', 'albumin', 'inr', 'pt_prolongation', 'ast', 'alt', 'platelets', 'creatinine', 'afp', 'dcp']) {
      await labRow.getByLabel('Test', { exact: true }).selectOption(test);
      offered[test] = await labRow.getByLabel('Unit', { exact: true }).evaluate((s) => Array.from(s.options, (o) => o.value));
    }
    await page.click('text=Add bedside assessment');
    offered.weight = await page.locator('[data-rows=clinical] > .row').first().getByLabel('Weight unit', { exact: true })
      .evaluate((s) => Array.from(s.options, (o) => o.value));
    await page.click('text=Add imaging study');
    offered.diameter = await page.locator('[data-rows=imaging] > .row').first().getByLabel('Largest diameter unit', { exact: true })
      .evaluate((s) => Array.from(s.options, (o) => o.value));
    for (const [q, units] of Object.entries(offered)) {
      assert.deepEqual([...units].sort(), [...specs[q].units].sort(), `${q}: the units offered are the accepted ones`);
      assert.equal(units[0], specs[q].canonical, `${q}: the canonical unit comes first`);
    }
    await closePage(page, 'units');
  });

  test('a patient entered through the form: a unit slip is shown at its row, then SWITCH as derived by hand', async () => {
    // Derivation (docs/refractoriness.md), as of the latest entry 2024-05-13:
    //   S1 2024-01-10, S2 2024-03-11; baseline MRI 2024-01-05; assessments 2024-03-04 (S1, 54 days)
    //   and 2024-05-13 (S2, 63 days), both mRECIST SD, viable 70% and 65% (TE2 both).
    //   raoul-2011: no PD on S2's assessment → not refractory.
    //   jsh-lcsgj-2014 1a: two consecutive TE2 → refractory since 2024-05-13.
    //   apasl-2017: up-to-seven 2 + 4.3 / 2 + 4.4 (within), mALBI 2a (ALBI −2.53, −2.45), simple
    //     nodular → not refractory.
    //   galle-2017 never-responded, klca-ncc-2022 a (sessions 61 days apart), easl-2018: S1 and S2
    //     without CR/PR → refractory since 2024-05-13.
    //   aasld-2018, bclc-2022: no PD, no new invasion or spread, Child-Pugh A5 throughout, ECOG 0
    //     → not refractory.
    //   Checkpoint: not Child-Pugh C, ECOG 0; a definition is refractory → sustained response NO;
    //     mALBI 2a, Child-Pugh 5 (+0 since S1), within up-to-seven → liver function YES → SWITCH.
    //   Plan, line 1: endoscopy 2024-04-02 without varices (within 6 months), Child-Pugh A, ECOG 0
    //     → atezolizumab + bevacizumab recommended (the resolved 2018 hypertension does not count).
    const page = await newPage('form', { expectStatus: [400] });
    await page.click('#tab-form');
    await page.getByLabel('Patient identifier').fill('form-001');
    await page.getByLabel('Birth date').fill('1957-04-02');
    await page.getByLabel('Sex').selectOption('male');
    await page.getByLabel(/Curative treatment/).selectOption('true');

    const labs = [
      ['2024-01-08', 'bilirubin', '0.8', 'mg/dL'], ['2024-01-08', 'albumin', '4.0', 'g/dL'], ['2024-01-08', 'inr', '1.0', 'INR'],
      ['2024-01-08', 'afp', '25', 'ng/mL'],
      ['2024-03-04', 'bilirubin', '15', 'µmol/L'], ['2024-03-04', 'albumin', '3.9', 'g/L'], // the slip: g/L for g/dL
      ['2024-03-04', 'inr', '1.1', 'ratio'], ['2024-03-04', 'afp', '30', 'ng/mL'],
      ['2024-05-13', 'bilirubin', '0.9', 'mg/dL'], ['2024-05-13', 'albumin', '38', 'g/L'], ['2024-05-13', 'inr', '1.1', 'ratio'],
      ['2024-05-13', 'platelets', '142', '10^9/L'], ['2024-05-13', 'afp', '28', 'ng/mL'],
    ];
    const labRows = page.locator('[data-rows=labs] > .row');
    for (let i = 0; i < labs.length; i++) {
      if (i > 0) await page.click('text=Add lab result');
      const row = labRows.nth(i);
      const [date, test, value, unit] = labs[i];
      await row.getByLabel('Date', { exact: true }).fill(date);
      await row.getByLabel('Test', { exact: true }).selectOption(test);
      await row.getByLabel('Value', { exact: true }).fill(value);
      await row.getByLabel('Unit', { exact: true }).selectOption(unit);
    }
    // A row added by mistake, then removed with its Remove button.
    await page.click('text=Add lab result');
    assert.equal(await labRows.count(), labs.length + 1);
    await page.getByRole('button', { name: `Remove lab ${labs.length + 1}`, exact: true }).click();
    assert.equal(await labRows.count(), labs.length);

    const bedside = [['2024-01-08', '72', 'kg'], ['2024-03-04', '', ''], ['2024-05-13', '158', 'lb']];
    for (let i = 0; i < bedside.length; i++) {
      await page.click('text=Add bedside assessment');
      const row = page.locator('[data-rows=clinical] > .row').nth(i);
      await row.getByLabel('Date', { exact: true }).fill(bedside[i][0]);
      await row.getByLabel('Ascites', { exact: true }).selectOption('none');
      await row.getByLabel('Encephalopathy', { exact: true }).selectOption('none');
      await row.getByLabel('ECOG', { exact: true }).selectOption('0');
      if (bedside[i][1]) {
        await row.getByLabel('Weight', { exact: true }).fill(bedside[i][1]);
        await row.getByLabel('Weight unit', { exact: true }).selectOption(bedside[i][2]);
      }
    }

    const studies = [
      { date: '2024-01-05', count: '2', largest: ['45', 'mm'], target: ['4.5', 'cm'] },
      { date: '2024-03-04', count: '2', largest: ['4.3', 'cm'], target: ['40', 'mm'], viable: '70', mrecist: 'SD' },
      { date: '2024-05-13', count: '2', largest: ['4.4', 'cm'], target: ['4.1', 'cm'], viable: '65', mrecist: 'SD' },
    ];
    for (let i = 0; i < studies.length; i++) {
      const s = studies[i];
      await page.click('text=Add imaging study');
      const row = page.locator('[data-rows=imaging] > .row').nth(i);
      await row.getByLabel('Date', { exact: true }).fill(s.date);
      await row.getByLabel('Modality', { exact: true }).fill('MRI');
      await row.getByLabel('Intrahepatic tumours (count)', { exact: true }).fill(s.count);
      await row.getByLabel('Largest diameter', { exact: true }).fill(s.largest[0]);
      await row.getByLabel('Largest diameter unit', { exact: true }).selectOption(s.largest[1]);
      if (s.viable) {
        await row.getByLabel('Viable tumour %', { exact: true }).fill(s.viable);
        await row.getByLabel('mRECIST (radiologist)', { exact: true }).selectOption(s.mrecist);
        await row.getByLabel('mRECIST non-target lesions', { exact: true }).selectOption('absent');
        await row.getByLabel('New lesions ≥ 1 cm (count)', { exact: true }).fill('0');
      }
      await row.getByLabel('Macrovascular invasion', { exact: true }).selectOption('absent');
      await row.getByLabel('Extrahepatic spread', { exact: true }).selectOption('false');
      await row.getByLabel('Morphology', { exact: true }).selectOption('simple-nodular');
      await row.getByLabel('Bilobar disease', { exact: true }).selectOption('false');
      await row.getByRole('button', { name: 'Add target lesion' }).click();
      const target = row.locator('.subsection .row').first();
      await target.getByLabel('Lesion id', { exact: true }).fill('S4');
      await target.getByLabel('Viable diameter', { exact: true }).fill(s.target[0]);
      await target.getByLabel('Viable diameter unit', { exact: true }).selectOption(s.target[1]);
    }

    const sessions = [['2024-01-10', 'cTACE'], ['2024-03-11', 'DEB-TACE']];
    for (let i = 0; i < sessions.length; i++) {
      await page.click('text=Add TACE session');
      const row = page.locator('[data-rows=tace] > .row').nth(i);
      await row.getByLabel('Date', { exact: true }).fill(sessions[i][0]);
      await row.getByLabel('Technique', { exact: true }).fill(sessions[i][1]);
      await row.getByLabel('Selective catheterisation', { exact: true }).selectOption('true');
    }
    // A systemic therapy course entered by mistake and removed again.
    await page.click('text=Add systemic therapy course');
    await page.locator('[data-rows=systemic_therapy] > .row').first().getByLabel('Regimen', { exact: true }).selectOption('sorafenib');
    await page.getByRole('button', { name: 'Remove course 1', exact: true }).click();
    assert.equal(await page.locator('[data-rows=systemic_therapy] > .row').count(), 0);

    await page.click('text=Add endoscopy');
    const endo = page.locator('[data-rows=endoscopy] > .row').first();
    await endo.getByLabel('Date', { exact: true }).fill('2024-04-02');
    await endo.getByLabel('Varices', { exact: true }).selectOption('none');
    await page.click('text=Add condition');
    const cond = page.locator('[data-rows=conditions] > .row').first();
    await cond.getByLabel('Condition', { exact: true }).selectOption('uncontrolled-hypertension');
    await cond.getByLabel('Onset', { exact: true }).fill('2018-01-01');
    await cond.getByLabel('Resolved on', { exact: true }).fill('2018-06-30');

    // The record built from the form is shown as it is typed.
    await page.waitForFunction(() => document.querySelector('#form-json').textContent.includes('"2018-06-30"'));
    const built = JSON.parse(await page.locator('#form-json').textContent());
    assert.equal(built.schema, 'switchpoint.record/1');
    assert.deepEqual(built.patient, { id: 'form-001', birth_date: '1957-04-02', sex: 'male', curative_treatment_unsuitable: true });
    assert.equal(built.labs.length, labs.length);
    assert.deepEqual(built.labs[5], { date: '2024-03-04', test: 'albumin', value: 3.9, unit: 'g/L' });
    assert.deepEqual(built.clinical[1], { date: '2024-03-04', ascites: 'none', encephalopathy: 'none', ecog: 0 });
    assert.deepEqual(built.clinical[2].weight, { value: 158, unit: 'lb' });
    assert.deepEqual(built.imaging[1].target_lesions, [{ id: 'S4', viable_diameter: { value: 40, unit: 'mm' } }]);
    assert.equal(built.imaging[0].largest_diameter.unit, 'mm');
    assert.equal(built.tace.length, 2);
    assert.equal(built.systemic_therapy, undefined, 'the removed course is not in the record');
    assert.deepEqual(built.conditions, [{ code: 'uncontrolled-hypertension', onset: '2018-01-01', abatement: '2018-06-30' }]);
    await page.locator('#sec-patient').scrollIntoViewIfNeeded();
    await shot(page, '03-form-filled-1280x800.png');
    await shot(page, '03-form-filled-full-page.png', { fullPage: true });

    // First evaluation: albumin 3.9 g/L is implausible; the problem is shown at the lab row.
    await page.click('#evaluate');
    const problems = page.locator('#form-problems');
    await problems.waitFor({ state: 'visible' });
    assert.match(await problems.textContent(), /\/labs\/5/);
    assert.match(await problems.textContent(), /did you mean g\/dL\?/);
    assert.match(await problems.textContent(), /Laboratory results, lab 6/);
    const slipRow = labRows.nth(5);
    assert.match(await slipRow.getAttribute('class'), /has-error/);
    assert.match(await slipRow.locator('.row-errors').textContent(), /albumin 3\.9 g\/L is implausible.*did you mean g\/dL\?/);
    assert.equal(await slipRow.getByLabel('Value', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('#result-section').isHidden(), 'no decision is shown for an invalid record');
    await page.locator('#form-problems').screenshot({ path: path.join(ARTIFACTS, '04-form-problem-list.png') });
    await problems.getByRole('button', { name: 'Go to the field' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.closest('.row')?.id), await slipRow.getAttribute('id'));
    await shot(page, '04-form-problem-at-row.png');

    // Corrected unit → evaluated.
    await slipRow.getByLabel('Unit', { exact: true }).selectOption('g/dL');
    await page.click('#evaluate');
    assert.equal(await waitForVerdict(page), 'switch');
    assert.ok(await page.locator('#form-problems').isHidden());
    assert.equal(await page.locator('#result-patient').textContent(), 'form-001');
    assert.equal(await page.locator('#result-as-of').textContent(), '2024-05-13');
    const expected = { 'raoul-2011': null, 'jsh-lcsgj-2014': '2024-05-13', 'apasl-2017': null, 'galle-2017': '2024-05-13',
      'aasld-2018': null, 'klca-ncc-2022': '2024-05-13', 'easl-2018': '2024-05-13', 'bclc-2022': null };
    const defs = await definitionStatuses(page);
    assert.equal(defs.length, 8);
    for (const d of defs) {
      assert.equal(d.status, expected[d.definition] ? 'refractory' : 'not-refractory', d.definition);
      assert.equal(d.since, expected[d.definition] || '—', d.definition);
    }
    assert.match(await page.locator('[data-question=sustained_response] .answer').textContent(), /^No$/);
    assert.match(await page.locator('[data-question=liver_function] .answer').textContent(), /^Yes$/);
    assert.equal(await page.locator('#recommended-regimen').getAttribute('data-regimen'), 'atezolizumab-bevacizumab');
    await waitForReport(page);
    await shot(page, '05-form-patient-result.png');
    await closePage(page, 'form');
  });

  test('a FHIR R4 Bundle uploads and evaluates like the native record; it is not forced into the form', async () => {
    const page = await newPage('fhir');
    await page.setInputFiles('#record-file', path.join(SOURCE, 'examples', 'fhir', '01-responding-patient.bundle.json'));
    assert.equal(await waitForVerdict(page), 'proceed');
    assert.match(await page.locator('#record-json-kind').textContent(), /FHIR R4 Bundle/);
    assert.match(await page.locator('.provenance').textContent(), /FHIR/i);
    await page.click('#json-to-form');
    await page.locator('#load-problems').waitFor({ state: 'visible' });
    assert.match(await page.locator('#load-problems').textContent(), /Only a native switchpoint\.record\/1 record can be opened in the form/);
    await closePage(page, 'fhir');
  });

  test('a FHIR Bundle with a resource the engine does not read shows the "not read" line', async () => {
    // Issue 14, item 3: what was sent but not read is named in the EHR's words on the page.
    const page = await newPage('not-read');
    const b = JSON.parse(await readFile(path.join(SOURCE, 'examples', 'fhir', '01-responding-patient.bundle.json'), 'utf8'));
    b.entry.push({ resource: { resourceType: 'Observation', status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
      subject: { reference: 'Patient/demo-001' }, effectiveDateTime: '2024-02-28', valueQuantity: { value: 37, unit: 'Cel' } } });
    await page.setInputFiles('#record-file', { name: 'not-read.bundle.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(b)) });
    assert.equal(await waitForVerdict(page), 'proceed');
    // The example already sends a heart rate and a sodium, which are not read either: one each, by code.
    assert.equal(await page.locator('#not-read').textContent(),
      'not read: 3 resources (LOINC 2951-2 Sodium [Moles/volume] in Serum or Plasma (Observation; code not read); '
      + 'LOINC 8310-5 Body temperature (Observation; code not read); LOINC 8867-4 Heart rate (Observation; code not read))');
    // The diagnosis was read ("used: diagnosis"): the page does not list it as skipped.
    assert.equal(await page.locator('.skipped').count(), 0);
    await closePage(page, 'not-read');
  });

  test('every example opened in the form rebuilds the same record and the same verdict', async () => {
    const page = await newPage('round-trip');
    const expected = { '01-responding-patient.json': 'proceed', '02-refractory-patient.json': 'switch', '03-decompensating-patient.json': 'supportive-care' };
    for (const [name, verdict] of Object.entries(expected)) {
      await page.click('#tab-load');
      await page.setInputFiles('#record-file', path.join(SOURCE, 'examples', name));
      assert.equal(await waitForVerdict(page), verdict, name);
      await page.click('#json-to-form');
      assert.ok(await page.locator('#panel-form').isVisible());
      assert.ok(await page.locator('#form-problems').isHidden(), `${name}: every member has its place in the form`);
      const rebuilt = JSON.parse(await page.locator('#form-json').textContent());
      assert.deepEqual(rebuilt, JSON.parse(await readFile(path.join(SOURCE, 'examples', name), 'utf8')), `${name}: the form rebuilds the record`);
      await page.click('#evaluate');
      await page.waitForFunction((n) => document.querySelector('#result-section:not([hidden]) .provenance')?.textContent.includes('from the form'), name);
      assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), verdict, `${name} from the form`);
    }
    await closePage(page, 'round-trip');
  });

  test('a pasted record with albumin 35 g/dL lists its problem at /labs/1 and shows no decision', async () => {
    const page = await newPage('invalid', { expectStatus: [400] });
    // First a valid evaluation, so that a stale decision would be visible if it were kept.
    await page.waitForFunction(() => document.querySelectorAll('#example-select option[value$=".json"]').length >= 3);
    await page.click('#load-example');
    assert.equal(await waitForVerdict(page), 'proceed');
    const bad = {
      schema: 'switchpoint.record/1',
      patient: { id: 'bad-001' },
      labs: [
        { date: '2024-01-02', test: 'bilirubin', value: 1.0, unit: 'mg/dL' },
        { date: '2024-01-02', test: 'albumin', value: 35, unit: 'g/dL' },
      ],
    };
    await page.fill('#record-json', JSON.stringify(bad, null, 2));
    assert.ok(await page.locator('#stale-banner').isVisible(), 'editing the record marks the old decision out of date');
    await page.click('#evaluate');
    const box = page.locator('#load-problems');
    await box.waitFor({ state: 'visible' });
    const text = await box.textContent();
    assert.match(text, /Not evaluated: the record has 1 problem/);
    assert.match(text, /\/labs\/1/);
    assert.match(text, /albumin 35 g\/dL is implausible \(plausible range 10–60 g\/L\); did you mean g\/L\?/);
    assert.match(text, /"test":"albumin","value":35,"unit":"g\/dL"/, 'the offending entry is quoted');
    assert.ok(await page.locator('#result-section').isHidden(), 'the previous decision is gone');
    assert.match(await page.locator('#eval-status').textContent(), /Not evaluated/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'load-problems-heading');
    await shot(page, '06-invalid-record-problems.png');
    // The problem can be found in the pasted text: the entry is selected there.
    await box.getByRole('button', { name: 'Show in the text (line 13)' }).click();
    const selected = await page.evaluate(() => { const t = document.activeElement; return t.id + ' ' + t.value.slice(t.selectionStart, t.selectionEnd); });
    assert.match(selected, /^record-json \{\s*"date": "2024-01-02",\s*"test": "albumin",\s*"value": 35,\s*"unit": "g\/dL"\s*\}$/);

    // Not JSON at all: said at once, nothing sent.
    await page.fill('#record-json', '{"schema": "switchpoint.record/1", "patient": {');
    await page.click('#evaluate');
    await box.waitFor({ state: 'visible' });
    assert.match(await box.textContent(), /Not valid JSON/);
    await closePage(page, 'invalid');
  });

  test('a record over the size limit gets a clear 413 message', async () => {
    const page = await newPage('too-large', { expectStatus: [413] });
    const big = JSON.stringify({ schema: 'switchpoint.record/1', patient: { id: 'x' }, padding: 'x'.repeat(MAX_BODY + 1000) });
    await page.fill('#record-json', big);
    await page.click('#evaluate');
    const box = page.locator('#load-problems');
    await box.waitFor({ state: 'visible' });
    const text = await box.textContent();
    assert.match(text, /too large for this server \(HTTP 413/);
    assert.match(text, /--max-body/);
    assert.match(text, /The record is 2\d\d KB/);
    assert.ok(await page.locator('#result-section').isHidden());
    await shot(page, '07-too-large.png');
    await closePage(page, 'too-large');
  });

  test('a narrow window: no sideways scrolling of the page, the verdict readable', async () => {
    const page = await newPage('narrow', { viewport: { width: 390, height: 844 } });
    await page.setInputFiles('#record-file', path.join(SOURCE, 'examples', '03-decompensating-patient.json'));
    assert.equal(await waitForVerdict(page), 'supportive-care');
    assert.equal((await page.locator('#verdict-word').textContent()).trim(), 'SUPPORTIVE CARE');
    await waitForReport(page);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert.ok(widths.doc <= widths.view, `page ${widths.doc}px wide in a ${widths.view}px window`);
    assert.deepEqual(await contrastFailures(page), [], 'contrast below 4.5:1 (results)');
    await shot(page, '08-narrow-example-03.png');
    await page.click('#tab-form');
    await page.click('text=Add imaging study');
    const formWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(formWidth <= 390, `form ${formWidth}px wide in a 390px window`);
    await shot(page, '08-narrow-form.png');
    await closePage(page, 'narrow');
  });

  test('nothing went wrong in the pages: no console error, CSP violation or request off the server', () => {
    assert.deepEqual(pageProblems, []);
  });
});
