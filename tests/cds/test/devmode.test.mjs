// The development mode accepts unsigned CDS requests, and only on a loopback address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { fixture, hookRequest, post } from '../lib/ehr.mjs';
import { runToExit, startServer, tempDir } from '../lib/server.mjs';

test('--cds-dev-unsigned refuses to start off loopback', async () => {
  const dir = tempDir();
  const { code, output } = await runToExit(['serve', '--host', '0.0.0.0', '--port', '0', '--cds-dev-unsigned', '--audit-db', join(dir, 'a.sqlite')]);
  assert.equal(code, 2);
  assert.match(output, /loopback/);
});

test('--cds-dev-unsigned on loopback answers without a JWT', async () => {
  const server = await startServer({ dev: true });
  try {
    const res = await post(`${server.base}/cds-services/switchpoint-patient-view`, hookRequest(fixture('nr-responding.bundle.json')));
    assert.equal(res.status, 200, res.text);
    assert.match(server.log(), /DEVELOPMENT MODE/);
  } finally {
    await server.stop();
  }
});

test('without --cds-config no issuer is trusted: 401', async () => {
  const server = await startServer();
  try {
    const res = await post(`${server.base}/cds-services/switchpoint-patient-view`, hookRequest(fixture('nr-responding.bundle.json')), 'x.y.z');
    assert.equal(res.status, 401);
  } finally {
    await server.stop();
  }
});
