// The attack suite: every request an attacker (or a broken EHR) could send is refused — 401
// without detail for anything wrong with the JWT, 413 for an oversized body, 400 for malformed
// JSON, and a slow client is cut off — and the service still answers a good request afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ehr, fixture, hookRequest, post } from '../lib/ehr.mjs';
import { startServer, tempDir } from '../lib/server.mjs';

let server;
let ehr; // trusted, keys in a file
let jkuEhr; // trusted, keys at an allowlisted jku
let stranger; // an issuer nobody configured
let jwksServer;
let jkuUrl;
const results = [];

const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

before(async () => {
  ehr = await Ehr.create();
  jkuEhr = await Ehr.create({ iss: 'https://jku-ehr.example.org', kid: 'jku-key-1' });
  stranger = await Ehr.create({ iss: 'https://evil.example.org', kid: 'ehr-es384-1' });
  jwksServer = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(jkuEhr.jwks()));
  });
  await new Promise((r) => jwksServer.listen(0, '127.0.0.1', r));
  jkuUrl = `http://127.0.0.1:${jwksServer.address().port}/jwks.json`;
  const dir = tempDir();
  writeFileSync(join(dir, 'ehr-jwks.json'), JSON.stringify(ehr.jwks()));
  server = await startServer({
    config: {
      issuers: [
        { iss: ehr.iss, jwks_file: join(dir, 'ehr-jwks.json') },
        { iss: jkuEhr.iss, jku: [jkuUrl] },
      ],
    },
    args: ['--max-body', String(1024 * 1024), '--request-deadline', '2', '--read-timeout', '10'],
  });
});

after(async () => {
  await server?.stop();
  await new Promise((r) => jwksServer?.close(r));
  console.log('# attack suite');
  for (const r of results) console.log(`#   ${r}`);
});

const url = () => `${server.base}/cds-services/switchpoint-patient-view`;
const body = () => hookRequest(fixture('jsh-1a-met.bundle.json'));

async function expectRefused(name, token, { status = 401 } = {}) {
  const res = await post(url(), body(), token);
  assert.equal(res.status, status, `${name}: ${res.text}`);
  if (status === 401) {
    const json = res.json();
    assert.equal(json.error, 'unauthorized', name);
    for (const word of ['alg', 'aud', 'exp', 'jti', 'kid', 'iss', 'signature', 'expired'])
      assert.ok(!res.text.toLowerCase().includes(word), `${name}: 401 body names "${word}"`);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  }
  results.push(`${name}: refused with ${res.status}`);
}

test('control: a correctly signed request gets cards (ES384, keys from a file and from an allowlisted jku)', async () => {
  const ok = await post(url(), body(), await ehr.token(url()));
  assert.equal(ok.status, 200, ok.text);
  const viaJku = await post(url(), body(), await jkuEhr.token(url(), { header: { jku: jkuUrl } }));
  assert.equal(viaJku.status, 200, viaJku.text);
  results.push('control: accepted with 200 (file JWKS and jku JWKS)');
});

test('no Authorization header', async () => expectRefused('no token', null));

test('alg none', async () => {
  const unsigned = `${b64({ alg: 'none', typ: 'JWT', kid: ehr.kid })}.${b64({ iss: ehr.iss, aud: url(), iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, jti: randomUUID() })}.`;
  await expectRefused('alg none (no signature)', unsigned);
  await expectRefused('alg none (with a signature)', unsigned + 'AAAA');
});

test('HS256 signed with the public key as the shared secret', async () => {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: ehr.kid })}.${b64({ iss: ehr.iss, aud: url(), iat: now, exp: now + 300, jti: randomUUID() })}`;
  const mac = createHmac('sha256', JSON.stringify(ehr.jwk)).update(input).digest('base64url');
  await expectRefused('HS256', `${input}.${mac}`);
});

test('wrong aud', async () => {
  await expectRefused('aud of another service', await ehr.token(`${server.base}/cds-services/switchpoint-tace-order`));
  await expectRefused('aud with a trailing slash', await ehr.token(`${url()}/`));
  await expectRefused('aud of another host', await ehr.token('https://cds.example.org/cds-services/switchpoint-patient-view'));
});

test('expired, issued in the future, too long-lived', async () => {
  const now = Math.floor(Date.now() / 1000);
  await expectRefused('expired an hour ago', await ehr.token(url(), { iat: now - 3900, lifetime: 300 }));
  await expectRefused('issued 10 minutes in the future', await ehr.token(url(), { iat: now + 600 }));
  await expectRefused('valid for a day', await ehr.token(url(), { lifetime: 86400 }));
});

test('replayed jti', async () => {
  const token = await ehr.token(url());
  const first = await post(url(), body(), token);
  assert.equal(first.status, 200);
  await expectRefused('the same token again', token);
  await expectRefused('a new token with a used jti', await ehr.token(url(), { claims: { jti: JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).jti } }));
});

test('unknown issuer, unknown key, forged signature', async () => {
  await expectRefused('issuer not on the allowlist', await stranger.token(url()));
  await expectRefused('trusted iss, attacker key with the trusted kid', await stranger.token(url(), { claims: { iss: ehr.iss } }));
  await expectRefused('unknown kid', await ehr.token(url(), { header: { kid: 'no-such-key' } }));
  const good = await ehr.token(url());
  const [h, p, s] = good.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  await expectRefused('payload changed after signing', `${h}.${b64({ ...claims, iss: ehr.iss, jti: randomUUID() })}.${s}`);
});

test('jku not allowlisted, crit header, embedded jwk, RS256', async () => {
  const evilJwks = createServer((req, res) => res.end(JSON.stringify(stranger.jwks())));
  await new Promise((r) => evilJwks.listen(0, '127.0.0.1', r));
  const evilUrl = `http://127.0.0.1:${evilJwks.address().port}/jwks.json`;
  let fetchedEvil = false;
  evilJwks.on('request', () => (fetchedEvil = true));
  await expectRefused('jku pointing at the attacker', await stranger.token(url(), { claims: { iss: jkuEhr.iss }, header: { jku: evilUrl } }));
  assert.equal(fetchedEvil, false, 'a jku that is not allowlisted is never fetched');
  await new Promise((r) => evilJwks.close(r));
  const header = { alg: 'ES384', typ: 'JWT', kid: ehr.kid };
  const control = await post(url(), body(), await ehr.signRaw(header, ehr.claims(url())));
  assert.equal(control.status, 200, 'a hand-made JWS without crit is accepted');
  await expectRefused('crit header', await ehr.signRaw({ ...header, crit: ['exp'] }, ehr.claims(url())));
  await expectRefused('key injected in the header (jwk)', await stranger.token(url(), { claims: { iss: ehr.iss }, header: { jwk: stranger.jwk } }));
  const rsa = await Ehr.create({ alg: 'RS256', kid: ehr.kid });
  await expectRefused('RS256', await rsa.token(url()));
});

test('oversized body', async () => {
  const big = JSON.stringify({ ...body(), padding: 'x'.repeat(2 * 1024 * 1024) });
  const res = await post(url(), big, await ehr.token(url()));
  assert.equal(res.status, 413);
  // The server closes the connection after a 413 and says so: no keep-alive client reuses it.
  assert.equal(res.headers.get('connection'), 'close');
  results.push('2 MiB body (limit 1 MiB): refused with 413, Connection: close');
});

test('malformed JSON', async () => {
  for (const bad of ['{"hook": "patient-view",', '[]', 'null', '{"hook":"patient-view","hookInstance":"x","context":{}}']) {
    const res = await post(url(), bad, await ehr.token(url()));
    assert.equal(res.status, 400, bad);
    assert.ok(!res.text.includes('cards'), bad);
  }
  results.push('malformed JSON and invalid requests: refused with 400');
});

test('slow client: cut off at the request deadline, others still served', async () => {
  const started = Date.now();
  const closed = await new Promise((resolve) => {
    const sock = net.connect(server.port, '127.0.0.1', () => {
      sock.write('POST /cds-services/switchpoint-patient-view HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      let n = 0;
      const timer = setInterval(() => {
        if (++n > 40 || sock.destroyed) return clearInterval(timer);
        sock.write('a'); // one byte every 250 ms: each read is quick, the whole request never ends
      }, 250);
      sock.on('close', () => {
        clearInterval(timer);
        resolve(Date.now() - started);
      });
      sock.on('error', () => {});
    });
  });
  assert.ok(closed < 5000, `closed after ${closed} ms`);
  const ok = await post(url(), body(), await ehr.token(url()));
  assert.equal(ok.status, 200);
  results.push(`slow client (1 byte / 250 ms): connection closed after ${closed} ms (deadline 2 s)`);
});

test('after every attack the service still answers a good request', async () => {
  const ok = await post(url(), body(), await ehr.token(url()));
  assert.equal(ok.status, 200);
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(metrics, /switchpoint_errors_total\{kind="auth_replay"\} 2/);
  assert.match(metrics, /switchpoint_errors_total\{kind="auth_algorithm"\}/);
  assert.match(metrics, /switchpoint_errors_total\{kind="read_timeout"\} 1/);
  assert.ok(!server.log().includes('eyJ'), 'no JWT in the log');
});
