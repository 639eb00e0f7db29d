// SMART App Launch 2.0 of the web page (web/launch.html, web/smart.js; docs/smart-launch.md),
// end to end and offline: `switchpoint serve`, a local FHIR server and a local authorization
// server (servers.mjs) on loopback, Debian's chromium driven by playwright-core. Run by run.sh
// (ctest `smart_launch`):
//   SWITCHPOINT_BIN        the switchpoint binary to serve (required)
//   SWITCHPOINT_SOURCE_DIR the source tree (examples/fhir/twins); default ../..
//   SWITCHPOINT_ARTIFACTS  screenshots; default ../../build/smart-artifacts
//   CHROMIUM               the browser; default /usr/bin/chromium
// The expected verdicts are those of the example patients (examples/README: 01 responds, 02 is
// refractory, 03 decompensates), not the program's output.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServers } from './servers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.resolve(process.env.SWITCHPOINT_SOURCE_DIR || path.join(here, '..', '..'));
const BIN = process.env.SWITCHPOINT_BIN;
const ARTIFACTS = path.resolve(process.env.SWITCHPOINT_ARTIFACTS || path.join(SOURCE, 'build', 'smart-artifacts'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 20000;
const CLIENT = 'switchpoint-test';

if (!BIN) throw new Error('SWITCHPOINT_BIN is not set: the path of the switchpoint binary to serve');

let server;
let serverLog = '';
let baseUrl;
let serverDir;
let browser;
let ehr; // the FHIR and authorization servers

const V2_SCOPES = ['patient/Patient.r', 'patient/Observation.rs', 'patient/Condition.rs', 'patient/Procedure.rs',
  'patient/MedicationStatement.rs', 'patient/MedicationRequest.rs', 'patient/MedicationAdministration.rs', 'patient/Medication.rs'];

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function patientsFromExamples() {
  const patients = {};
  for (const name of ['01-responding-patient', '02-refractory-patient', '03-decompensating-patient']) {
    const b = JSON.parse(await readFile(path.join(SOURCE, 'examples', 'fhir', 'twins', `${name}.twin.bundle.json`), 'utf8'));
    const resources = b.entry.map((e) => e.resource);
    const p = resources.find((r) => r.resourceType === 'Patient');
    patients[p.id] = resources;
  }
  return patients;
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  serverDir = await mkdtemp(path.join(tmpdir(), 'switchpoint-smart-serve-'));
  // --cds-dev-unsigned (loopback only): so that the test can read CDS discovery without a JWT and
  // compare its prefetch templates with GET /api/prefetch; the page never calls /cds-services.
  server = spawn(BIN, ['serve', '--host', '127.0.0.1', '--port', String(port), '--cds-dev-unsigned'], { cwd: serverDir, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  process.once('exit', () => { if (server.exitCode === null) server.kill('SIGKILL'); });
  const deadline = Date.now() + WAIT;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`switchpoint serve exited: ${serverLog}`);
    try { if ((await fetch(`${baseUrl}/healthz`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`switchpoint serve did not answer: ${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  ehr = await startServers({ patients: await patientsFromExamples(), clients: { [CLIENT]: { redirectUri: `${baseUrl}/launch.html` } } });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  try { if (browser) await browser.close(); } finally {
    if (ehr) await ehr.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    if (serverDir) await rm(serverDir, { recursive: true, force: true });
    await writeFile(path.join(ARTIFACTS, 'server.log'), serverLog);
  }
});

// A fresh browser (no storage shared between tests) and the state of the EHR servers reset.
async function session(name) {
  Object.assign(ehr.state, { smartConfig: null, tokenLifetime: 3600, grantScope: null, pageSize: 10, missingPage: null,
    totalLie: null, standalonePatient: null, splitInto: null, foreignEntry: null, nextElsewhere: null, fhirClockAhead: 0 });
  ehr.log.length = 0;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.setDefaultNavigationTimeout(WAIT);
  const problems = [];
  const requests = []; // what the page sent: url, method, headers, body
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Statuses the EHR servers give on purpose in a scenario are logged by chromium; no others.
    if (/^Failed to load resource: the server responded with a status of (400|401|404)/.test(m.text())) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() || '' }));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page, problems, requests, name };
}

async function done(s) {
  if (s.page.url().startsWith(baseUrl)) {
    const csp = await s.page.evaluate(() => window.__csp || []);
    assert.deepEqual(csp, [], `${s.name}: CSP violations`);
  }
  await s.page.screenshot({ path: path.join(ARTIFACTS, `${s.name}.png`) });
  await s.context.close();
  assert.deepEqual(s.problems, [], `${s.name}: page errors`);
}

const launchUrl = (patient, extra = {}) => {
  const q = new URLSearchParams({ client_id: CLIENT, iss: ehr.fhirBase, launch: ehr.newLaunch(patient), ...extra });
  return `${baseUrl}/launch.html?${q}`;
};

async function consent(page, decision = 'allow') {
  await page.waitForURL((u) => u.href.startsWith(ehr.authBase));
  const scopes = (await page.locator('#scopes').textContent()).split(' ');
  await page.click(`#${decision}`);
  await page.waitForURL((u) => u.href.startsWith(`${baseUrl}/launch.html`));
  return scopes;
}

async function message(page) {
  await page.locator('#smart-status.bad').waitFor({ state: 'visible' });
  return (await page.locator('#smart-status').textContent()).replace(/\s+/g, ' ');
}

async function verdict(page) {
  await page.locator('#verdict').waitFor({ state: 'visible' });
  return page.locator('#verdict').getAttribute('data-verdict');
}

// What the page keeps once the flow is over: nothing in Web Storage, cookies or IndexedDB, and
// no token anywhere in what the browser could keep.
async function assertNothingStored(s) {
  const kept = await s.page.evaluate(async () => ({
    local: Object.keys(localStorage).length, session: Object.entries(sessionStorage),
    cookie: document.cookie, idb: (await indexedDB.databases()).map((d) => d.name),
  }));
  assert.deepEqual(kept, { local: 0, session: [], cookie: '', idb: [] });
  assert.deepEqual(await s.context.cookies(), []);
  const state = JSON.stringify(await s.context.storageState());
  for (const t of ehr.tokens.keys()) assert.ok(!state.includes(t), 'an access token is in the browser\'s storage');
}

// The address bar and the history keep no code and no state.
async function assertCleanUrl(page) {
  assert.equal(page.url(), `${baseUrl}/launch.html`);
}

describe('SMART App Launch 2.0', () => {
  test('EHR launch: discovery, PKCE S256, consent, every page read, SWITCH for the refractory patient, nothing stored', async () => {
    const s = await session('ehr-launch');
    await s.page.goto(launchUrl('demo-002'));
    const scopes = await consent(s.page);
    assert.deepEqual(scopes, ['launch', ...V2_SCOPES], 'EHR launch: scope launch and the v2 read scopes');
    assert.equal(await verdict(s.page), 'switch');
    assert.equal(await s.page.locator('#result-patient').textContent(), 'demo-002');
    assert.equal(await s.page.locator('#refractoriness-table tbody tr').count(), 8, 'the eight definitions side by side');
    assert.ok(await s.page.locator('#plan-heading').isVisible(), 'the treatment plan');
    await s.page.waitForFunction(() => /loaded|could not/.test(document.querySelector('#report-status')?.textContent || ''));
    assert.match(await s.page.locator('#report-status').textContent(), /Full report loaded/);
    assert.match(await s.page.locator('.provenance').textContent(), new RegExp(`FHIR server ${ehr.fhirBase.replace(/[/.]/g, '\\$&')} \\(SMART EHR launch\\)`));
    assert.match(await s.page.locator('#smart-status').textContent(), /Evaluated from/);
    // What was read: the refractory patient's Observations in pages of at most 10 entries.
    assert.match(await s.page.locator('#smart-read li[data-key=observations]').textContent(), /^observations: \d+ resources$/);
    const obsPages = ehr.log.filter((r) => r.server === 'fhir' && r.method === 'GET' && r.url.includes('/_page?')).length;
    assert.ok(obsPages > 10, `the searches were paged (${obsPages} next pages read)`);

    // The authorization request (RFC 7636 §4.3; SMART 2.0 §2.0.5) and the token request (§4.5).
    const authReq = new URL(ehr.log.find((r) => r.server === 'auth' && r.url.startsWith('/authorize')).url, ehr.authBase).searchParams;
    assert.equal(authReq.get('code_challenge_method'), 'S256');
    assert.equal(authReq.get('aud'), ehr.fhirBase);
    assert.equal(authReq.get('redirect_uri'), `${baseUrl}/launch.html`);
    assert.ok(authReq.get('state').length >= 22, 'a state of at least 128 bits');
    const tokenReq = new URLSearchParams(ehr.log.find((r) => r.server === 'auth' && r.url === '/token').body);
    assert.match(tokenReq.get('code_verifier'), /^[A-Za-z0-9\-._~]{43,128}$/);
    assert.equal(tokenReq.get('client_id'), CLIENT);

    // Every request to switchpoint carries no token; every request to the FHIR server carries it.
    const token = [...ehr.tokens.keys()].at(-1);
    for (const r of s.requests.filter((x) => x.url.startsWith(baseUrl))) {
      assert.equal(r.headers.authorization, undefined, r.url);
      assert.ok(!r.body.includes(token) && !r.url.includes(token), `the token went to switchpoint: ${r.url}`);
    }
    assert.ok(!s.requests.some((r) => r.url.startsWith(`${baseUrl}/cds-services`)), 'the page reads /api/prefetch, not CDS discovery');
    const fhirGets = s.requests.filter((x) => x.url.startsWith(ehr.fhirBase) && !x.url.includes('.well-known') && x.method === 'GET');
    assert.ok(fhirGets.length > 0 && fhirGets.every((r) => r.headers.authorization === `Bearer ${token}`));
    await assertCleanUrl(s.page);
    await assertNothingStored(s);
    await done(s);
  });

  test('standalone launch from the form: scope launch/patient, the patient chosen at the server, PROCEED for the responding patient', async () => {
    const s = await session('standalone-launch');
    ehr.state.standalonePatient = 'demo-001';
    await s.page.goto(`${baseUrl}/launch.html`);
    await s.page.fill('#smart-iss', ehr.fhirBase + '/');
    await s.page.fill('#smart-client', CLIENT);
    await s.page.click('#smart-launch');
    const scopes = await consent(s.page);
    assert.deepEqual(scopes, ['launch/patient', ...V2_SCOPES]);
    assert.equal(await verdict(s.page), 'proceed');
    assert.equal(await s.page.locator('#result-patient').textContent(), 'demo-001');
    assert.match(await s.page.locator('.provenance').textContent(), /SMART standalone launch/);
    await assertCleanUrl(s.page);
    await assertNothingStored(s);
    await done(s);
  });

  test('an EHR launch whose iss ends with a slash: aud is the iss as the EHR sent it, discovery is under the base', async () => {
    const s = await session('iss-slash');
    await s.page.goto(launchUrl('demo-001', { iss: ehr.fhirBase + '/' }));
    await consent(s.page);
    assert.equal(await verdict(s.page), 'proceed');
    const authReq = new URL(ehr.log.find((r) => r.server === 'auth' && r.url.startsWith('/authorize')).url, ehr.authBase).searchParams;
    assert.equal(authReq.get('aud'), ehr.fhirBase + '/');
    assert.ok(ehr.log.some((r) => r.server === 'fhir' && r.url === new URL(ehr.fhirBase).pathname + '/.well-known/smart-configuration'));
    await done(s);
  });

  test('a server that knows only SMART v1 scopes is asked with v1 scopes; SUPPORTIVE-CARE for the decompensating patient', async () => {
    const s = await session('v1-scopes');
    ehr.state.smartConfig = { capabilities: ['launch-ehr', 'client-public', 'context-ehr-patient', 'permission-patient', 'permission-v1'],
      scopes_supported: ['launch', 'patient/*.read'] };
    await s.page.goto(launchUrl('demo-003'));
    const scopes = await consent(s.page);
    assert.deepEqual(scopes, ['launch', ...V2_SCOPES.map((x) => x.replace(/\.rs?$/, '.read'))]);
    assert.equal(await verdict(s.page), 'supportive-care');
    await done(s);
  });

  test('denied consent: the user sees that access was not granted; nothing is read from the FHIR server', async () => {
    const s = await session('denied');
    await s.page.goto(launchUrl('demo-002'));
    await consent(s.page, 'deny');
    const m = await message(s.page);
    assert.match(m, /^Access was not granted: the authorization server of \S+ answered access_denied \(The user denied access\)\./);
    assert.match(m, /Nothing was read from the FHIR server/);
    assert.equal(ehr.log.filter((r) => r.server === 'fhir' && r.method === 'GET' && !r.url.includes('.well-known')).length, 0);
    assert.ok(await s.page.locator('#result-section').isHidden());
    assert.ok(!s.requests.some((r) => r.url.includes('/api/evaluate')), 'nothing was evaluated');
    await assertCleanUrl(s.page);
    await assertNothingStored(s);
    await done(s);
  });

  test('an expired token: the FHIR server answers 401, the user is told to launch again, nothing is evaluated', async () => {
    const s = await session('expired');
    ehr.state.fhirClockAhead = 2 * 3600 * 1000; // the FHIR server's clock: past the token's expiry
    await s.page.goto(launchUrl('demo-002'));
    await consent(s.page);
    const m = await message(s.page);
    assert.match(m, /^The access to \S+ has expired \(the FHIR server refused the token while reading the Patient record\)\./);
    assert.match(m, /granted for 3600 seconds\. Nothing was evaluated.*Launch the app again\./);
    assert.ok(!s.requests.some((r) => r.url.includes('/api/evaluate')), 'nothing was evaluated');
    await assertNothingStored(s);
    await done(s);
  });

  for (const [name, methods, shown] of [['plain only', ['plain'], 'plain'], ['not announced', undefined, 'not given'], ['empty', [], 'empty']]) {
    test(`a server without PKCE S256 (${name}) is refused before anything is sent to its authorization server`, async () => {
      const s = await session(`no-pkce-${shown.replace(/ /g, '-')}`);
      ehr.state.smartConfig = { code_challenge_methods_supported: methods };
      await s.page.goto(launchUrl('demo-002'));
      const m = await message(s.page);
      assert.match(m, new RegExp(`^The authorization server of \\S+ does not offer PKCE with S256 \\(code_challenge_methods_supported: ${shown}\\)\\.`));
      assert.match(m, /switchpoint launches only with PKCE S256/);
      assert.equal(ehr.log.filter((r) => r.server === 'auth').length, 0, 'no request to the authorization server');
      assert.equal(s.page.url().startsWith(baseUrl), true);
      await done(s);
    });
  }

  test('a missing page of results (page 3 of the Observation search answers 404): nothing is evaluated', async () => {
    const s = await session('missing-page');
    ehr.state.missingPage = { type: 'Observation', page: 3 };
    await s.page.goto(launchUrl('demo-002'));
    await consent(s.page);
    const m = await message(s.page);
    assert.match(m, /^Page 3 of the Observation search is missing: the FHIR server \S+ answered HTTP 404 for it\./);
    assert.match(m, /Nothing was evaluated: a decision on part of the patient's record could be wrong/);
    assert.ok(!s.requests.some((r) => r.url.includes('/api/evaluate')), 'nothing was evaluated');
    assert.ok(await s.page.locator('#result-section').isHidden());
    await done(s);
  });

  test('a searchset whose total counts more matches than its pages hold: refused as a missing page', async () => {
    const s = await session('total-short');
    ehr.state.totalLie = { type: 'Procedure', extra: 1 };
    await s.page.goto(launchUrl('demo-002'));
    await consent(s.page);
    assert.match(await message(s.page), /^A page of the Procedure search is missing: the FHIR server counted 4 and sent 3\./);
    assert.ok(!s.requests.some((r) => r.url.includes('/api/evaluate')));
    await done(s);
  });

  test('a next page on another server is not followed: refused, nothing is evaluated', async () => {
    const s = await session('next-elsewhere');
    ehr.state.nextElsewhere = 'Observation';
    await s.page.goto(launchUrl('demo-002'));
    await consent(s.page);
    assert.match(await message(s.page), /^The next page of the Observation search is on another server \(http:\/\/127\.0\.0\.1:\d+\/fhir\/r4\/_page\?/);
    const port = new URL(ehr.fhirBase).port;
    assert.ok(!s.requests.some((r) => r.url.includes(`:${Number(port) + 1}/`)), 'the other server was not asked');
    assert.ok(!s.requests.some((r) => r.url.includes('/api/evaluate')));
    await done(s);
  });

  test('a token request refused by the authorization server (a verifier that does not match) is shown; nothing is read', async () => {
    const s = await session('pkce-mismatch');
    await s.page.goto(launchUrl('demo-002'));
    await s.page.waitForURL((u) => u.href.startsWith(ehr.authBase));
    // The verifier kept for the redirect is replaced, as a tampering script would: the token
    // endpoint's PKCE check (RFC 7636 §4.6) must fail, and the page must say so.
    await s.page.goto(`${baseUrl}/favicon-none`).catch(() => {});
    await s.page.evaluate(() => {
      for (const k of Object.keys(sessionStorage)) {
        const v = JSON.parse(sessionStorage.getItem(k));
        v.verifier = 'A'.repeat(43);
        sessionStorage.setItem(k, JSON.stringify(v));
      }
    });
    await s.page.goBack();
    await consent(s.page);
    const m = await message(s.page);
    assert.match(m, /^The authorization server refused the token request \(HTTP 400: invalid_grant — PKCE verification failed\)\./);
    assert.equal(ehr.log.filter((r) => r.server === 'fhir' && r.method === 'GET' && !r.url.includes('.well-known')).length, 0);
    await assertNothingStored(s);
    await done(s);
  });

  test('a search that returns a resource of another patient: refused, nothing is evaluated', async () => {
    const s = await session('other-patient');
    ehr.state.foreignEntry = 'Procedure';
    await s.page.goto(launchUrl('demo-002'));
    await consent(s.page);
    assert.match(await message(s.page), /^The Procedure search returned Procedure 'stray' of Patient\/someone-else, not Patient\/demo-002\./);
    assert.ok(!s.requests.some((r) => r.url.includes('/api/evaluate')));
    await done(s);
  });

  test('the pages of one search are followed up to 20, the 21st is refused', async () => {
    for (const [pages, ok] of [[20, true], [21, false]]) {
      const s = await session(`page-limit-${pages}`);
      ehr.state.splitInto = { type: 'Observation', pages };
      await s.page.goto(launchUrl('demo-002'));
      await consent(s.page);
      if (ok) assert.equal(await verdict(s.page), 'switch');
      else assert.match(await message(s.page), /^The Observation search has more than 20 pages on \S+\./);
      const read = ehr.log.filter((r) => r.server === 'fhir' && r.method === 'GET' && r.url.includes('/_page?')).length;
      assert.equal(read, 19, 'next pages read: 19 after the first, never the 21st');
      await done(s);
    }
  });

  test('access granted without some of the read scopes (or narrowed by a query): refused, naming what is missing', async () => {
    for (const [name, grant, missing] of [
      ['no MedicationRequest', (sc) => sc.replace(' patient/MedicationRequest.rs', ''), 'MedicationRequest'],
      ['Observation narrowed', (sc) => sc.replace('patient/Observation.rs', 'patient/Observation.rs?category=laboratory'), 'Observation'],
      ['Condition read only', (sc) => sc.replace('patient/Condition.rs', 'patient/Condition.r'), 'Condition']]) {
      const s = await session(`scope-${name.replace(/ /g, '-')}`);
      ehr.state.grantScope = grant;
      await s.page.goto(launchUrl('demo-002'));
      await consent(s.page);
      const m = await message(s.page);
      assert.match(m, new RegExp(`^Access was granted without reading ${missing} \\(granted scope: launch patient/`), name);
      assert.equal(ehr.log.filter((r) => r.server === 'fhir' && r.method === 'GET' && !r.url.includes('.well-known')).length, 0, `${name}: nothing read`);
      await done(s);
    }
  });

  test('an answer of an authorization server this tab did not ask for (unknown state) is refused; no token is requested', async () => {
    const s = await session('unknown-state');
    await s.page.goto(`${baseUrl}/launch.html?code=abc&state=forged`);
    assert.match(await message(s.page), /^This answer of an authorization server does not belong to a launch started in this tab \(unknown or reused state\)\./);
    assert.equal(ehr.log.filter((r) => r.server === 'auth').length, 0);
    await assertCleanUrl(s.page);
    await done(s);
  });

  test('an EHR launch of the main page (a CDS card\'s smart link) goes to the launch page; without a client id the form asks for it', async () => {
    const s = await session('main-page-launch');
    const q = new URLSearchParams({ iss: ehr.fhirBase, launch: ehr.newLaunch('demo-001') });
    await s.page.goto(`${baseUrl}/?${q}`);
    await s.page.waitForURL((u) => u.pathname === '/launch.html');
    assert.match(await message(s.page), /The EHR launched this page without a client id\./);
    assert.equal(await s.page.locator('#smart-iss').inputValue(), ehr.fhirBase);
    await s.page.fill('#smart-client', CLIENT);
    await s.page.click('#smart-launch');
    const scopes = await consent(s.page);
    assert.equal(scopes[0], 'launch', 'still an EHR launch');
    assert.equal(await verdict(s.page), 'proceed');
    await done(s);
  });

  test('the launch page: the notice, every control labelled, only its own scripts, no request before Launch', async () => {
    const s = await session('page');
    await s.page.goto(`${baseUrl}/launch.html`);
    assert.match(await s.page.locator('#notice').textContent(), /Decision support for clinicians, not a substitute for clinical judgement\./);
    const unlabelled = await s.page.$$eval('input, select, textarea', (els) => els
      .filter((e) => e.type !== 'hidden' && (!e.labels || !e.labels.length || !e.labels[0].textContent.trim())).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    assert.deepEqual(await s.page.$$eval('script', (x) => x.map((e) => e.getAttribute('src'))), ['app.js', 'smart.js']);
    await s.page.waitForTimeout(300);
    assert.deepEqual(s.requests.filter((r) => !r.url.startsWith(baseUrl)).map((r) => r.url), [], 'nothing off the server before a launch');
    assert.ok(await s.page.locator('#smart-status').isHidden(), 'no message before a launch');
    await done(s);
  });

  test('an http FHIR server off loopback is refused before any request', async () => {
    const s = await session('http-off-loopback');
    await s.page.goto(`${baseUrl}/launch.html`);
    await s.page.fill('#smart-iss', 'http://fhir.example.org/r4');
    await s.page.fill('#smart-client', CLIENT);
    await s.page.click('#smart-launch');
    assert.match(await message(s.page), /^The FHIR server URL 'http:\/\/fhir\.example\.org\/r4' is not an https URL\./);
    assert.ok(!s.requests.some((r) => r.url.includes('example.org')));
    await done(s);
  });

  test('GET /api/prefetch lists the same searches as CDS discovery, for both services', async () => {
    const mine = await (await fetch(`${baseUrl}/api/prefetch`)).json();
    const discovery = await (await fetch(`${baseUrl}/cds-services`)).json();
    assert.equal(discovery.services.length, 2);
    for (const svc of discovery.services) assert.deepEqual(mine.prefetch, svc.prefetch, svc.id);
    // The resource types searched are exactly those the page asks scopes for (Medication by _include).
    const types = new Set(Object.values(mine.prefetch).map((q) => q.split(/[/?]/)[0]));
    assert.deepEqual([...types].sort(), V2_SCOPES.map((x) => x.slice(8).split('.')[0]).filter((t) => t !== 'Medication').sort());
    assert.ok(Object.values(mine.prefetch).some((q) => q.includes(':medication')));
  });

  test('the launch page\'s policy lets it reach https and loopback servers only; the other pages keep connect-src self', async () => {
    const launch = (await fetch(`${baseUrl}/launch.html`)).headers.get('content-security-policy');
    assert.match(launch, /connect-src 'self' https: http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*;/);
    assert.match(launch, /default-src 'self'/);
    assert.doesNotMatch(launch, /,/, 'one policy, not two joined');
    for (const p of ['/', '/smart.js', '/app.js']) {
      const csp = (await fetch(`${baseUrl}${p}`)).headers.get('content-security-policy');
      assert.doesNotMatch(csp, /connect-src/, p);
    }
  });

  test('the server wrote nothing about the launches: no token, code or patient data in its files or its log', async () => {
    // The access log is method, path and status (docs/hardening.md): no query (code, state, iss).
    for (const line of serverLog.split('\n').filter((l) => /^(GET|POST|HEAD|OPTIONS) /.test(l))) {
      assert.match(line, /^(GET|POST|HEAD|OPTIONS) \/[^?\s]* \d{3}$/, line);
    }
    // The audit log records CDS Hooks calls only (docs/cds-hooks.md): /api/evaluate is not in it.
    const secrets = [...ehr.tokens.keys(), ...ehr.codes.keys(), 'demo-001', 'demo-002', 'demo-003'];
    for (const f of await readdir(serverDir)) {
      const bytes = await readFile(path.join(serverDir, f));
      for (const x of secrets) assert.ok(!bytes.includes(x), `${f} holds ${x.slice(0, 8)}…`);
    }
    for (const x of secrets) assert.ok(!serverLog.includes(x), `the server's log holds ${x.slice(0, 8)}…`);
  });
});
