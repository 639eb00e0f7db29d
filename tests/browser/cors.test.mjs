// CORS for browser-based CDS clients (issue 17), in Debian's chromium: pages of two other loopback
// origins call the CDS Hooks endpoints of `switchpoint serve --cors-origin http://localhost:PA`
// with fetch() and a signed JWT in Authorization (so the browser sends a preflight first). The
// allowed origin's page reads the answers; the other origin's page is blocked by the browser, and
// the server never sees its actual request. Run by run.sh (ctest `browser`), same environment as
// e2e.test.mjs. The JWTs are ES384, signed here with node's crypto (not with the code under test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.SWITCHPOINT_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 15000;
const ISS = 'https://ehr.example.org';
if (!BIN) throw new Error('SWITCHPOINT_BIN is not set: the path of the switchpoint binary to serve');

let server;
let serverLog = '';
let dir;
let cdsBase; // http://127.0.0.1:PORT
let allowedOrigin; // http://localhost:PA
let otherOrigin; // http://127.0.0.1:PB
const pageServers = [];
let browser;
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });

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

const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
function jwt(aud) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64u({ alg: 'ES384', typ: 'JWT', kid: 'browser-ehr' })}.${b64u({ iss: ISS, aud, iat: now, exp: now + 300, jti: randomUUID() })}`;
  const sig = sign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

// A page server: an empty HTML page on its own loopback origin.
async function pageServer(port) {
  const s = createHttpServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>CDS client</title><p>CDS client');
  });
  await new Promise((r) => s.listen(port, '127.0.0.1', r));
  pageServers.push(s);
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'switchpoint-cors-'));
  await writeFile(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'browser-ehr', alg: 'ES384', use: 'sig' }] }));
  await writeFile(path.join(dir, 'cds.json'), JSON.stringify({ issuers: [{ iss: ISS, jwks_file: 'jwks.json' }] }));
  const [port, pa, pb] = [await freePort(), await freePort(), await freePort()];
  cdsBase = `http://127.0.0.1:${port}`;
  allowedOrigin = `http://localhost:${pa}`;
  otherOrigin = `http://127.0.0.1:${pb}`;
  await pageServer(pa);
  await pageServer(pb);
  server = spawn(BIN, ['serve', '--host', '127.0.0.1', '--port', String(port), '--cds-config', path.join(dir, 'cds.json'),
    '--audit-db', path.join(dir, 'audit.sqlite'), '--cors-origin', allowedOrigin], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const deadline = Date.now() + WAIT;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`switchpoint serve exited (${server.exitCode}): ${serverLog}`);
    try {
      if ((await fetch(`${cdsBase}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`switchpoint serve did not answer: ${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
  for (const s of pageServers) s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Runs fetch() in a page of `origin`: {status, acao, text} or {error}.
async function fetchFrom(origin, url, init) {
  const page = await browser.newPage();
  try {
    page.setDefaultTimeout(WAIT);
    await page.goto(`${origin}/`);
    return await page.evaluate(async ([u, i]) => {
      try {
        const r = await fetch(u, i);
        return { status: r.status, text: await r.text() };
      } catch (e) {
        return { error: String(e) };
      }
    }, [url, init]);
  } finally {
    await page.close();
  }
}

const count = (line) => serverLog.split('\n').filter((l) => l === line).length;

test('a page of the allowed origin calls discovery and a hook with a JWT and reads the answers', async () => {
  const discovery = await fetchFrom(allowedOrigin, `${cdsBase}/cds-services`, {
    headers: { Authorization: `Bearer ${jwt(`${cdsBase}/cds-services`)}` },
  });
  assert.equal(discovery.error, undefined, `blocked: ${discovery.error}; server log:\n${serverLog}`);
  assert.equal(discovery.status, 200);
  assert.ok(JSON.parse(discovery.text).services.some((s) => s.id === 'switchpoint-patient-view'));
  // A preflight went first (Authorization is not a CORS-safelisted header), without a JWT.
  assert.ok(count('OPTIONS /cds-services 200') >= 1, serverLog);

  // A POST with Content-Type: application/json: the invalid request's 400 is readable.
  const hook = '/cds-services/switchpoint-patient-view';
  const post = await fetchFrom(allowedOrigin, `${cdsBase}${hook}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${jwt(`${cdsBase}${hook}`)}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  assert.equal(post.error, undefined, post.error);
  assert.equal(post.status, 400);
  assert.ok(count(`OPTIONS ${hook} 200`) >= 1, serverLog);

  // The JWT is still required: without it the page reads 401.
  const unsigned = await fetchFrom(allowedOrigin, `${cdsBase}/cds-services`, {});
  assert.equal(unsigned.status, 401);
});

test('a page of another origin is blocked by the browser; its actual request never reaches the server', async () => {
  const before = count('GET /cds-services 200') + count('GET /cds-services 401');
  const refusedBefore = count('OPTIONS /cds-services 403');
  const res = await fetchFrom(otherOrigin, `${cdsBase}/cds-services`, {
    headers: { Authorization: `Bearer ${jwt(`${cdsBase}/cds-services`)}` },
  });
  assert.match(res.error ?? '', /TypeError|Failed to fetch/, `not blocked: ${JSON.stringify(res)}`);
  assert.equal(count('OPTIONS /cds-services 403'), refusedBefore + 1, serverLog);
  assert.equal(count('GET /cds-services 200') + count('GET /cds-services 401'), before, serverLog);
  // A simple request (no preflight) is sent, but its answer is not readable by the page.
  const simple = await fetchFrom(otherOrigin, `${cdsBase}/cds-services`, {});
  assert.match(simple.error ?? '', /TypeError|Failed to fetch/, JSON.stringify(simple));
});
